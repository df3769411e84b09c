from ingest.extract.amounts import find_amounts, unique_values, words_value
from ingest.extract.text import prepare


def values(text: str) -> list[int]:
    return unique_values(find_amounts(prepare(text)))


def test_numerals_with_units_are_read_in_dong():
    assert values("1.006.918.634.000đ") == [1006918634000]
    assert values("còn nợ 19.026.947 đồng") == [19026947]
    assert values("125.000.000 VNĐ và 2.000.000 VND/tháng") == [125000000, 2000000]


def test_mixed_units_and_decimal_commas():
    assert values("116.531 tỷ 786 triệu 859 nghìn đồng") == [116531786859000]
    assert values("36.576 tỷ 087 triệu 535 nghìn đồng") == [36576087535000]
    assert values("số tiền 2,2 tỉ đồng") == [2200000000]
    assert values("bồi thường 50 triệu đồng") == [50000000]


def test_a_house_number_before_a_provincial_road_is_not_billions():
    assert values("trú tại: Số 45 Tỉnh lộ 10, xã Tân Kiên") == []
    assert values("Số 45 Tỉnh lộ 10; số tiền 120.000.000 đồng") == [120000000]
    assert values("số tiền 2 tỷđồng") == [2000000000]  # OCR glued the unit: still read


def test_foreign_currency_and_percentages_are_not_amounts():
    assert values("17.000 USD, lãi suất 13,5%/năm, điểm 2 đ khoản 1") == []


def test_amount_in_words_corrects_a_garbled_numeral():
    assert words_value("mot tram hai muoi lam trieu dong") == 125_000_000
    assert words_value("mot ty khong tram linh sau trieu dong") == 1_006_000_000
    assert values("125.000.000đ (Một trăm hai mươi lăm triệu đồng)") == [125000000]
    assert values("126.000.000đ (Một trăm hai mươi lăm triệu đồng)") == [125000000]


def test_a_big_sum_whose_unit_ocr_dropped_is_still_read_after_money_words():
    assert values("Chi phí cưỡng chế tạm tính 12.600.000.\nNgười") == [12600000]
    assert values("diện tích 12.450.000 m2; số tiền 1.000.000 USD") == []


def test_a_unit_lost_or_misread_at_the_end_of_a_sentence_still_leaves_a_sum():
    assert values("cấp dưỡng nuôi con mỗi tháng 1.500.000.\nNgười") == [1500000]
    assert values("trả cho cụ Vũ Thị\nNhài 210.000.0003.\n") == [210000000]
    assert values("điện thoại 0262.3852.468; tài khoản 102.010.001.234.567.890/VCB") == []


def test_comma_thousands_are_read_only_when_unambiguous():
    assert values("Tiền đặt trước: 35,250,000 VNĐ") == [35250000]
    assert values("giá khởi điểm 1,204,500,000 đồng; bước giá 5,000,000đ") == [
        1204500000,
        5000000,
    ]
    # one comma group (the dot style's decimal comma), or groups not of three digits: no thousands
    assert 2500 not in values("phí 2,500 đồng")
    assert values("lãi 12,35,000 VND") == []
    # dot grouping is read as before, next to comma grouping
    assert values("12.600.000 đồng và 7,800,000 VND") == [12600000, 7800000]


def test_comma_thousands_agree_with_the_amount_in_words():
    # the words win over a garbled numeral, as for dot grouping
    assert values("Tiền đặt trước: 61,000,000 VNĐ (Sáu mươi triệu đồng)") == [60000000]

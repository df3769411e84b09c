from ingest.extract import extract_text
from ingest.extract.dates import find_dates
from ingest.extract.text import prepare


def isos(text: str) -> list[str]:
    return [f.iso for f in find_dates(prepare(text))]


def test_every_written_form_of_a_date_is_read_as_iso():
    assert isos("ngày 21 tháng 12 năm 2016") == ["2016-12-21"]
    assert isos("ngày 21/12/2016") == ["2016-12-21"]
    assert isos("ngày 25-9-2017") == ["2017-09-25"]
    assert isos("ngày 09 - 8 - 2021") == ["2021-08-09"]
    assert isos("ngày 14.02.2023") == ["2023-02-14"]
    assert isos("NGÀY 05 THÁNG 3 NĂM 2020") == ["2020-03-05"]
    assert isos("ngay 5 thang 3 nam 2020") == ["2020-03-05"]


def test_impossible_dates_are_rejected():
    assert isos("ngày 12/0/2019, ngày 31/02/2020, ngày 32 tháng 1 năm 2020") == []


def test_year_less_dates_take_the_year_of_their_context():
    assert isos("Ngày 10/6/2021 ... đến ngày 13-6 thì ... ngày 2 tháng 7") == [
        "2021-06-10",
        "2021-06-13",
        "2021-07-02",
    ]


def test_numbers_are_not_read_as_dates():
    assert isos("Bản án số 12/2020/DS-ST và hẻm 100/8/12") == []


def test_document_date_is_the_place_date_line_not_a_cited_date():
    text = (
        "CHI CỤC THI HÀNH ÁN DÂN SỰ HUYỆN X\nSố: 5/QĐ-CCTHADS      Bình Thạnh, ngày 12 tháng 10"
        " năm 2018\nQUYẾT ĐỊNH\nCăn cứ Bản án số 1/2018/DS-ST ngày 30/09/2018 của Tòa án"
    )
    (doc,) = extract_text(text)
    assert doc.date == "2018-10-12"
    assert [(d.date, d.kind) for d in doc.dates] == [
        ("2018-10-12", "document"),
        ("2018-09-30", "cited"),
    ]


def test_each_date_gets_its_kind_from_the_words_around_it():
    text = (
        "TÒA ÁN NHÂN DÂN HUYỆN A\nBản án số: 12/2020/DS-ST\nNgày: 25-9-2020\nNHÂN DANH\n"
        "Ngày 25 tháng 9 năm 2020, tại trụ sở Tòa án nhân dân huyện A xét xử sơ thẩm công khai"
        " vụ án thụ lý số 3/2020/TLST-DS ngày 02/3/2020 theo Quyết định đưa vụ án ra xét xử số"
        " 9/2020/QĐXXST-DS ngày 10/9/2020, giữa:\nNguyên đơn: Ông Lê Văn B, sinh ngày"
        " 01/02/1970; CMND số 123456789 cấp ngày 05/6/2010.\nTheo đơn khởi kiện ngày 15/01/2020,"
        " ngày 20/5/2018 hai bên ký Hợp đồng vay số 01/2018/HĐV ngày 20/5/2018."
    )
    (doc,) = extract_text(text)
    assert [(d.date, d.kind) for d in doc.dates] == [
        ("2020-09-25", "document"),
        ("2020-09-25", "hearing"),
        ("2020-03-02", "cited"),
        ("2020-09-10", "cited"),
        ("1970-02-01", "other"),
        ("2010-06-05", "other"),
        ("2020-01-15", "event"),
        ("2018-05-20", "event"),
    ]


def test_a_bien_ban_is_dated_by_its_hom_nay_line():
    text = (
        "CHI CỤC THI HÀNH ÁN DÂN SỰ HUYỆN X\nBIÊN BẢN\nXác minh điều kiện thi hành án\n"
        "Hôm nay, vào lúc 09 giờ 15 phút, ngày 12 tháng 3 năm 2021, tại Ủy ban nhân dân xã Y."
    )
    (doc,) = extract_text(text)
    assert doc.date == "2021-03-12"
    assert [(d.date, d.kind) for d in doc.dates] == [("2021-03-12", "document")]


def test_catalogued_documents_with_plain_dates_still_load():
    from schemas import Document

    doc = Document.model_validate(
        {"pages": [1, 1], "date": "2020-01-02", "dates": ["2020-01-02", "2019-05-06"]}
    )
    assert [(d.date, d.kind) for d in doc.dates] == [
        ("2020-01-02", "document"),
        ("2019-05-06", "other"),
    ]


def test_judgment_date_comes_from_its_ngay_header():
    text = "TÒA ÁN NHÂN DÂN TỈNH A\nBản án số: 1/2020/DS-PT\nNgày: 25-9-2017\nNHÂN DANH\n"
    (doc,) = extract_text(text)
    assert doc.date == "2017-09-25"


def test_real_date_layouts():
    text = (
        "TÒA ÁN NHÂN DÂN TỈNH T Bản án số: 08/2022/KDTM-PT Ngày: 11-11-2022 V/v tranh chấp\n"
        "NHÂN DANH\nTừ ngày 24 đến ngày 27 tháng 7 năm 2022, tại trụ sở Tòa án nhân dân tỉnh T"
        " xét xử phúc thẩm vụ án theo Quyết định số 46/2022/QĐ-PT ngày 01/7/2022của Tòa án;\n"
        "Người đại diện: Ông A (văn bản ủy quyền ngày 13/5/2020 và ngày 14/5/2020).\n"
        "Công ty X thông báo bán đấu giá tài sản vào ngày 14/8/2022.\n"
    )
    (doc,) = extract_text(text)
    assert doc.date == "2022-11-11"
    assert [(d.date, d.kind) for d in doc.dates] == [
        ("2022-11-11", "document"),
        ("2022-07-24", "hearing"),
        ("2022-07-27", "hearing"),
        ("2022-07-01", "cited"),
        ("2020-05-13", "cited"),
        ("2020-05-14", "cited"),
        ("2022-08-14", "event"),
    ]


def test_a_notice_dated_only_by_its_event_has_no_document_date():
    (doc,) = extract_text(
        "Trung tâm dịch vụ đấu giá tài sản tỉnh L thông báo bán đấu giá tài sản vào ngày"
        " 13/9/2019 như sau:\n1. Tài sản theo Quyết định số 146/QĐ-XPVPHC ngày 17/7/2019.\n"
    )
    assert doc.date is None
    assert [(d.date, d.kind) for d in doc.dates] == [
        ("2019-09-13", "event"),
        ("2019-07-17", "cited"),
    ]


def test_certificates_and_decisions_made_on_a_date_are_cited():
    (doc,) = extract_text(
        "Bài báo về thi hành án.\nNhà đất theo giấy chứng nhận quyền sở hữu nhà ở số CH00757 do"
        " UBND huyện C cấp ngày 21/12/2012; bà Mai có CMND số 123456789 cấp ngày 05/6/2010."
        " Bà Mai không tự nguyện thi hành án nên ngày 21/4/2016 Chi cục Thi hành án dân sự"
        " huyện C ra quyết định cưỡng chế. Giấy ủy quyền số công chứng 2957, Quyển số"
        " 08.TP/CC-SCC/HĐGD ngày 28/8/2018.\n"
    )
    assert [(d.date, d.kind) for d in doc.dates] == [
        ("2012-12-21", "cited"),
        ("2010-06-05", "other"),
        ("2016-04-21", "cited"),
        ("2018-08-28", "cited"),
    ]


def test_hearing_days_joined_by_va_ngay_and_a_court_named_after_tai():
    (doc,) = extract_text(
        "TÒA ÁN NHÂN DÂN CẤP CAO\nBẢN ÁN 29/2022/KDTM-PT NGÀY 27/02/2023 VỀ TRANH CHẤP\n"
        "Trong các ngày 21 và ngày 27 tháng 02 năm 2023 tại trụ sở. Tòa án nhân dân cấp cao"
        " xét xử phúc thẩm công khai vụ án thụ lý số 742/2022/TLPT-HC ngày 15/11/2022.\n"
    )
    assert [(d.date, d.kind) for d in doc.dates] == [
        ("2023-02-27", "document"),
        ("2023-02-21", "hearing"),
        ("2023-02-27", "hearing"),
        ("2022-11-15", "cited"),
    ]


def test_a_web_page_publication_stamp_is_an_other_date():
    (doc,) = extract_text(
        "Xác minh vụ hoãn thi hành án tại Lâm Đồng 19/11/2025 17:02\n(PLO)- Qua rà soát,"
        " Thứ sáu, 22/12/2017 | 10:19 GMT+7. Bán đấu giá vào ngày 14/8/2022.\n"
    )
    assert [(d.date, d.kind) for d in doc.dates] == [
        ("2025-11-19", "other"),
        ("2017-12-22", "other"),
        ("2022-08-14", "event"),
    ]


def test_auction_schedule_times_are_events_not_page_stamps():
    (doc,) = extract_text(
        "Thông báo việc đấu giá đối với danh mục tài sản: xe ô tô của ông Lê Văn Khải\n"
        "Thời gian tổ chức cuộc đấu giá: 05/03/2025 14:00\n"
        "Thời gian đăng ký tham gia đấu giá: từ 10/02/2025 07:30 đến 03/03/2025 16:30\n"
        "Trang tin cập nhật 09/02/2025 10:15\n"
    )
    assert [(d.date, d.kind) for d in doc.dates] == [
        ("2025-03-05", "event"),
        ("2025-02-10", "event"),
        ("2025-03-03", "event"),
        ("2025-02-09", "other"),
    ]


def test_a_land_certificate_issue_date_is_cited_when_its_name_is_far_back():
    (doc,) = extract_text(
        "Tên tài sản: Quyền sử dụng đất tại thửa đất số 31, tờ bản đồ số 7, xã Tân Hòa,"
        " số vào sổ cấp GCN: CH01234 do Ủy ban nhân dân huyện Tân Hòa, tỉnh Long An cấp ngày"
        " 14/5/2011 cho ông Đặng Văn Lộc. Ông Lộc có CCCD số 080123456789 cấp ngày 02/8/2021.\n"
    )
    assert [(d.date, d.kind) for d in doc.dates] == [
        ("2011-05-14", "cited"),
        ("2021-08-02", "other"),
    ]

from ingest.extract import extract_text
from ingest.extract.numbers import find_numbers
from ingest.extract.text import prepare
from schemas.numbers import number_form, repair_slashes


def keys(text: str) -> list[str]:
    return [number_form(f.text) for f in find_numbers(repair_slashes(prepare(text)))]


def test_court_numbers_with_every_case_type_and_stage_are_found():
    text = (
        "26/2020/DS-ST, 636/2021/DS-PT, 04/2021/HNGĐ-PT, 01/2019/HNGĐ-GĐT, 08/2020/KDTM-ST, "
        "01/2022/LĐ-ST, 13/2019/HC-ST, 50/2020/HS-PT, 05/2022/QĐST-VDS, 54/2022/AL, "
        "07/2019/TLST-DS, 33/2020/QĐXXST-DS, 4226/2021/QĐPT-DS, 1160/2021/QĐ-PQTT"
    )
    assert len(keys(text)) == 14


def test_real_world_variants_are_read_to_the_same_key():
    assert keys("số 02/2022/QĐXX - LĐST") == ["02/2022/QDXX-LDST"]
    assert keys("thụ lý số 282/2021/TLPT- HC") == ["282/2021/TLPT-HC"]
    assert keys("Bản án số 255/2018/HSST") == ["255/2018/HSST"]
    assert keys("Bản án số 02/HSST ngày") == ["02/HSST"]
    assert keys("Quyết định 472A/2019/QĐ-PT") == ["472A/2019/QD-PT"]
    assert keys("số 12 / 2020 / DS – ST") == ["12/2020/DS-ST"]
    assert keys("Số: 129/QÐ-CCTHADS") == ["129/QD-CCTHADS"]
    assert keys("Số: 129/QD-CCTHADS") == ["129/QD-CCTHADS"]
    assert keys("thụ lý số 25l2017/TLPT-LĐ") == ["25/2017/TLPT-LD"]
    assert keys("Số: 470/CQLTHADS-BPC&NVTHADS") == ["470/CQLTHADS-BPC&NVTHADS"]
    assert keys("Thông tư 04/2023/TT-BTP và Luật 26/2008/QH12") == [
        "04/2023/TT-BTP",
        "26/2008/QH12",
    ]


def test_ocr_spelling_of_codes_is_written_back_in_vietnamese():
    text = "Số: 129/QD-CCTHADS\nBản án số 04/2021/HNGD-PT"
    assert [f.text for f in find_numbers(prepare(text))] == ["129/QĐ-CCTHADS", "04/2021/HNGĐ-PT"]


def test_addresses_streets_accounts_and_phones_are_not_numbers():
    text = (
        "địa chỉ: 100/8A đường Lê Văn Sỹ, số 20 Đường 20/9, hẻm 45/12, tài khoản số "
        "0071000123456, điện thoại 0903.123.456, lãi suất 13,5%/năm, Ngân hàng TMCP C (V1)"
    )
    assert keys(text) == []


def test_own_number_is_told_from_the_numbers_it_cites():
    text = (
        "CHI CỤC THI HÀNH ÁN DÂN SỰ QUẬN BÌNH THẠNH\nSố: 129/QĐ-CCTHADS\n\nQUYẾT ĐỊNH\n"
        "Về việc thi hành án chủ động\n"
        "Căn cứ Luật Thi hành án dân sự số 26/2008/QH12;\n"
        "Căn cứ Bản án số 155/2018/DS-ST ngày 30/09/2018 của Tòa án nhân dân quận Bình Thạnh;\n"
    )
    (doc,) = extract_text(text)
    assert doc.own_number == "129/QĐ-CCTHADS"
    kinds = {n.text: n.kind for n in doc.numbers}
    assert kinds == {
        "129/QĐ-CCTHADS": "own",
        "26/2008/QH12": "van_ban_phap_luat",
        "155/2018/DS-ST": "ban_an",
    }


def test_cited_numbers_get_the_kind_of_what_they_refer_to():
    text = (
        "Bản án số: 759/2017/LĐ-PT\nNgày: 23-8-2017\nNHÂN DANH\n"
        "vụ án thụ lý số 25/2017/TLPT-LĐ; Quyết định đưa vụ án ra xét xử số "
        "1234/2017/QĐPT-LĐ; Quyết định số 95/QĐ-CTHADS; Công văn số 3769/BTP-TCTHADS."
    )
    (doc,) = extract_text(text)
    assert {n.text: n.kind for n in doc.numbers} == {
        "759/2017/LĐ-PT": "own",
        "25/2017/TLPT-LĐ": "thu_ly",
        "1234/2017/QĐPT-LĐ": "dua_ra_xet_xu",
        "95/QĐ-CTHADS": "quyet_dinh",
        "3769/BTP-TCTHADS": "cong_van",
    }


def test_an_old_citation_by_serial_alone_is_a_judgment_number():
    text = "đã được giải quyết tại Bản án dân sự số 27 ngày 29/9/2021 của Tòa án; số 27 đường"
    (doc,) = extract_text(text)
    assert [(n.text, n.kind) for n in doc.numbers] == [("27", "ban_an")]
    assert doc.references[0].date == "2021-09-29"


def test_tesseract_n_tilde_inside_a_code_is_dropped():
    assert keys("Bản án số: 112/2019/HNÑGĐ-ST; kháng nghị số 15/2022/KNÑ-KDTM") == [
        "112/2019/HNGD-ST",
        "15/2022/KN-KDTM",
    ]


def test_appendix_contract_dashed_and_glued_numbers_are_whole():
    text = prepare(
        "Phụ lục PL01/193/2015/HĐDV-247 của hợp đồng số 01/11/2806/HĐNT-NT, hợp đồng số"
        " 2806/HĐNT/NP-2012, 02/HĐMBT/2016 và 02/CT/2007-VKSTC-VP; Nghị quyết 49-NQ/TW;"
        " Thông tư 01-TANDTC-VKSNDTC/TTLT; Giấy ủy quyền số 000903.2019/UQ; thụ lý số249/2017/"
        "TLPT-HC; xét xử số 660/2017/QĐPT - HCngày 26; Nghị quyết 326/2016/UBTVQH14; nhà 100/8A"
    )
    assert [f.text for f in find_numbers(text)] == [
        "PL01/193/2015/HĐDV-247",
        "01/11/2806/HĐNT-NT",
        "2806/HĐNT/NP-2012",
        "02/HĐMBT/2016",
        "02/CT/2007-VKSTC-VP",
        "49-NQ/TW",
        "01-TANDTC-VKSNDTC/TTLT",
        "000903.2019/UQ",
        "249/2017/TLPT-HC",
        "660/2017/QĐPT-HC",
        "326/2016/UBTVQH14",
    ]


def test_a_cassation_decision_titled_in_one_line_has_its_type_and_number():
    (doc,) = extract_text(
        "QUYẾT ĐỊNH GIÁM ĐỐC THẨM 67/2014/DS-GĐT NGÀY 28/02/2014 VỀ VỤ ÁN TRANH CHẤP THỪA KẾ\n\n"
        "TÒA DÂN SỰ TÒA ÁN NHÂN DÂN TỐI CAO\n\nHọp phiên tòa ngày 28/02/2014 tại trụ sở Tòa án"
        " nhân dân tối cao để xét xử giám đốc thẩm vụ án dân sự giữa các đương sự:\n"
    )
    assert (doc.doc_type, doc.own_number, doc.date) == (
        "quyet_dinh_toa_an",
        "67/2014/DS-GĐT",
        "2014-02-28",
    )


def test_a_news_article_citing_a_judgment_is_not_one():
    (doc,) = extract_text(
        "(PLO)- Nhờ bạn đứng tên nhà đất, ông Huỳnh Hưng Lợi mất 15 năm đi kiện.\n"
        "Theo bản án số 12/2010/DS-PT ngày 30/8/2010 của Tòa án nhân dân tỉnh A, phía bị đơn"
        " phải trả nhà; Tòa án nhân dân tối cao đã xét xử giám đốc thẩm vụ án.\n"
    )
    assert (doc.doc_type, doc.own_number, doc.date) == ("other", None, None)

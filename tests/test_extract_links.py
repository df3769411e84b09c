from pathlib import Path

from ingest.catalog import Catalog
from ingest.extract import extract_pages, extract_text

LABELLED = Path(__file__).parent / "data" / "labelled"


def test_enforcement_decision_links_to_the_judgment_it_enforces():
    (doc,) = extract_text((LABELLED / "008.txt").read_text(encoding="utf-8"))
    assert [(r.number, r.date, r.issuer) for r in doc.references] == [
        (
            "155/2018/DS-ST",
            "2018-09-30",
            "Tòa án nhân dân quận Bình Thạnh, Thành phố Hồ Chí Minh",
        )
    ]


def test_appeal_judgment_links_to_the_first_instance_judgment_not_to_its_trial_order():
    (doc,) = extract_text((LABELLED / "001.txt").read_text(encoding="utf-8"))
    assert [(r.number, r.date, r.issuer) for r in doc.references] == [
        ("109/2017/LĐ-ST", "2017-03-31", "Tòa án nhân dân quận K, Thành phố Hồ Chí Minh")
    ]


def test_a_citation_of_a_sibling_document_borrows_its_date_and_issuer():
    judgment = (
        "TÒA ÁN NHÂN DÂN HUYỆN G\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nBản án số: 26/2020/DS-ST\n"
        "Ngày: 28-7-2020\nNHÂN DANH\n"
    )
    decision = (
        "CHI CỤC THI HÀNH ÁN DÂN SỰ HUYỆN G\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Số: 7/QĐ-CCTHADS\nQUYẾT ĐỊNH\nThi hành án chủ động\n"
        "Căn cứ Bản án số 26/2020/DS-ST;\n"
    )
    docs = extract_pages([(1, judgment), (2, decision)])
    ref = docs[1].references[0]
    assert (ref.number, ref.date, ref.issuer) == (
        "26/2020/DS-ST",
        "2020-07-28",
        "Tòa án nhân dân huyện G",
    )


def test_a_search_on_the_judgment_number_finds_the_enforcement_case(tmp_path):
    text = (LABELLED / "008.txt").read_text(encoding="utf-8")
    with Catalog(tmp_path / "archive") as catalog:
        catalog.add_file("a" * 64, "pdf", 1, "/scans/ho-so-1/qd.pdf", "ho-so-1")
        catalog.replace_documents("a" * 64, extract_text(text))
        assert catalog.cases_citing("155/2018/DS - ST") == ["ho-so-1"]
        assert catalog.cases_citing("129/QD-CCTHADS") == ["ho-so-1"]
        (stored,) = catalog.documents(case_id="ho-so-1")
        assert stored.parties[0].name == "Trần Công Đ"

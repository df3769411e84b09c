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
    assert doc.dates == ["2018-10-12", "2018-09-30"]


def test_judgment_date_comes_from_its_ngay_header():
    text = "TÒA ÁN NHÂN DÂN TỈNH A\nBản án số: 1/2020/DS-PT\nNgày: 25-9-2017\nNHÂN DANH\n"
    (doc,) = extract_text(text)
    assert doc.date == "2017-09-25"

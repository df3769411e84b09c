"""The review pages and API over HTTP (real app, real catalog and SQLite index): officers
only, CSRF on every form, a line of page text corrected from its screen, the API's queue,
count and corrections, withheld public rows in the queue, and no review on an app built
without it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_fixtures import OFFICER, OFFICER_PASSWORD, SampleArchive, build_web_archive, csrf_of, login

from ingest.catalog import Catalog
from ingest.review import ArchiveReview
from search.web import WebSettings, create_app
from search.web.accounts import CatalogStore, add_user, create_token
from search.web.store import WithheldRecord


@pytest.fixture
def sample(tmp_path: Path) -> SampleArchive:
    sample = build_web_archive(tmp_path / "archive", n_cases=2)
    add_user(CatalogStore(sample.archive).db, OFFICER, OFFICER_PASSWORD)
    return sample


def _client(sample: SampleArchive, *, review: bool = True) -> TestClient:
    from web_fixtures import make_engine

    store = CatalogStore(sample.archive)
    app = create_app(
        make_engine(sample.archive),
        store,
        WebSettings(),
        review=ArchiveReview(sample.archive) if review else None,
    )
    return TestClient(app)


def test_review_needs_an_officer_and_a_csrf_token(sample):
    client = _client(sample)
    r = client.get("/review", follow_redirects=False)
    assert r.status_code == 303 and "/login" in r.headers["location"]
    assert client.get("/api/review").status_code == 401
    login(client)
    doc_id = f"{sample.cases[0].sha256}:2"
    r = client.post(f"/review/doc/{doc_id}", data={"own_number": "1/QĐ"})
    assert r.status_code == 403
    with Catalog(sample.archive) as cat:
        assert cat.document(doc_id).own_number == sample.cases[0].decision_number


def test_a_line_of_page_text_is_corrected_from_its_screen(sample):
    case = sample.cases[1]
    client = _client(sample)
    login(client)
    page = client.get(f"/review/page/{case.sha256}/1")
    assert page.status_code == 200
    assert page.text.count('class="crop"') >= 5  # each OCR line beside its crop
    with Catalog(sample.archive) as cat:
        old = dict(cat.page_texts(case.sha256))[1].split("\n")[1]
    r = client.post(
        f"/review/page/{case.sha256}/1",
        data={"csrf_token": csrf_of(page.text), "l1": old + " (đã đối chiếu bản gốc)"},
        follow_redirects=True,
    )
    assert "Đã lưu 1 sửa đổi" in r.text and "đã đối chiếu bản gốc" in r.text
    with Catalog(sample.archive) as cat:
        assert dict(cat.page_texts(case.sha256))[1].split("\n")[1].endswith("bản gốc)")
    r = client.get("/search", params={"q": "đối chiếu bản gốc"})
    assert case.case_id in r.text  # the SQLite index has the corrected line


def test_the_api_lists_counts_and_makes_corrections(sample):
    case = sample.cases[0]
    with Catalog(sample.archive) as cat:
        token = create_token(cat.db, OFFICER, "test")
    client = _client(sample)
    auth = {"Authorization": f"Bearer {token}"}
    count = client.get("/api/review/count", headers=auth).json()
    assert count["open"] == 1 and count["by_kind"]["rescan"] == 1
    r = client.post(
        "/api/corrections",
        headers=auth,
        json={
            "sha256": case.sha256,
            "page_no": 2,
            "target": "party",
            "field": "add",
            "after": {"name": "Trương Minh Luật", "role": "other", "represents": [case.creditor]},
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["who"] == OFFICER and r.json()["status"] == "applied"
    with Catalog(sample.archive) as cat:
        lawyer = cat.document(f"{case.sha256}:2").parties[-1]
    assert (lawyer.name, lawyer.represents) == ("Trương Minh Luật", [case.creditor])
    bad = client.post(
        "/api/corrections",
        headers=auth,
        json={
            "sha256": case.sha256,
            "page_no": 2,
            "target": "document",
            "field": "date",
            "after": "x",
        },
    )
    assert bad.status_code == 422 and "YYYY-MM-DD" in bad.json()["detail"]
    listed = client.get("/api/corrections", headers=auth).json()
    assert [c["field"] for c in listed] == ["add"]


def test_withheld_public_rows_are_in_the_queue(sample):
    case = sample.cases[0]
    store = CatalogStore(sample.archive)
    row = WithheldRecord(
        case_id=case.case_id,
        doc_id=f"{case.sha256}:3",
        kind="debtor",
        reasons=("the row names a CCCD number",),
        row_json=json.dumps({"name": case.debtor}, ensure_ascii=False),
    )
    store.record_withheld([row])
    client = _client(sample)
    login(client)
    r = client.get("/review", params={"kind": "withheld"})
    assert "CCCD number" in r.text and case.debtor in r.text
    assert f"/review/doc/{case.sha256}:3" in r.text


def test_an_app_without_review_has_no_review_pages(sample):
    client = _client(sample, review=False)
    login(client)
    assert client.get("/review").status_code == 404


def test_a_file_is_cut_into_documents_from_the_correction_screen(sample):
    case = sample.cases[0]
    client = _client(sample)
    login(client)
    page = client.get(f"/review/doc/{case.sha256}:2")
    assert 'name="firsts" value="1, 2, 3"' in page.text
    r = client.post(
        f"/review/file/{case.sha256}/boundaries",
        data={"csrf_token": csrf_of(page.text), "firsts": "1, 2"},
        follow_redirects=True,
    )
    assert r.status_code == 200 and 'name="firsts" value="1, 2"' in r.text
    assert "file.boundaries" in r.text  # in the history beside the document
    with Catalog(sample.archive) as cat:
        assert [d.pages for d in cat.documents(sha256=case.sha256)] == [[1, 1], [2, 3]]
    # the merged document's fields are looked for on its every page
    merged = client.get(f"/review/doc/{case.sha256}:2")
    client.post(
        f"/review/doc/{case.sha256}:2",
        data={"csrf_token": csrf_of(merged.text), "own_number": "300/TB-CCTHADS"},
    )
    merged = client.get(f"/review/doc/{case.sha256}:2")
    number_row = merged.text.split('for="f-own_number"')[1].split("</div>")[0]
    assert f"/page/{case.sha256}/3/image" in number_row  # the number stands on page 3
    with Catalog(sample.archive) as cat:  # the fields the form did not send are unchanged
        assert cat.document(f"{case.sha256}:2").issuer == "Chi cục Thi hành án dân sự quận 5"
    bad = client.post(
        f"/review/file/{case.sha256}/boundaries",
        data={"csrf_token": csrf_of(page.text), "firsts": "x"},
    )
    assert bad.status_code == 422


def test_a_crop_shows_the_value_or_its_label_never_a_word_that_is_a_piece_of_it():
    """OCR read "76QĐ-CCTHADS" (the slash lost) and extraction found no number: the crop
    beside the number is not the header's "THADS" (a piece of the value), but the "Số:"
    label and what follows it, where the officer reads the number on the scan."""
    from ingest.review_boxes import PageWords, label_box
    from schemas import Word

    words = [
        Word(text="CỤC", conf=92.0, left=100, top=80, width=60, height=30, line=0),
        Word(text="THADS", conf=91.0, left=170, top=80, width=90, height=30, line=0),
        Word(text="Số:", conf=93.0, left=120, top=200, width=40, height=30, line=1),
        Word(text="76QĐ-CCTHADS", conf=49.0, left=170, top=200, width=200, height=30, line=1),
        Word(text="12/2020/", conf=90.0, left=100, top=900, width=120, height=30, line=2),
        Word(text="DS-ST", conf=90.0, left=230, top=900, width=80, height=30, line=2),
    ]
    page = PageWords(words, 3)
    assert page.box("76/QĐ-CCTHADS") is None
    split = page.box("12/2020/DS-ST")  # one number OCR cut in two words: half of it counts
    assert split is not None and (split.left, split.top) == (100, 900)
    label = label_box(words, "Số", 3, above=600)
    assert label is not None and (label.left, label.top, label.page_no) == (120, 200, 3)
    assert label_box(words, "Số", 3, above=150) is None  # the label stands lower


def test_the_queue_says_what_ocr_read_where_it_found_no_number():
    """A number OCR misread so that extraction finds none: the queue's reason quotes what
    the page reads after "Số:", so the officer knows what went wrong before opening it."""
    from ingest.review import _after_label
    from ingest.review_boxes import PageWords
    from schemas import Word

    def word(text: str, top: int, line: int, left: int = 100) -> Word:
        return Word(text=text, conf=90.0, left=left, top=top, width=80, height=30, line=line)

    header = [word("CHI", 80, 0), word("CỤC", 80, 0, 190)]
    body = [word("Số", 1500, 9), word("tiền", 1500, 9, 190), word("cuối", 3000, 10)]
    page = PageWords([*header, word("Số:", 200, 1), word("76QĐ-CCTHADS", 200, 1, 190), *body], 3)
    assert _after_label(page, "Số") == "76QĐ-CCTHADS"
    glued = PageWords([*header, word("Số:76QĐ-CCTHADS", 200, 1), *body], 3)
    assert _after_label(glued, "Số") == "76QĐ-CCTHADS"
    assert _after_label(PageWords([*header, *body], 3), "Số") is None  # "Số tiền" is low

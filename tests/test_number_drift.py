"""One key for document numbers: what search finds by a number, the page viewer outlines,
case links link and `cases_citing` returns, however the number was written either side; and
one grammar (`schemas.numbers`): a number extraction reads is what search indexes on the page
and what a query typed from it asks for, checked on the labelled real corpus."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
import web_fixtures
from fastapi.testclient import TestClient
from web_fixtures import SampleArchive

from ingest.catalog import Catalog
from ingest.extract import extract_text
from schemas import Document, IndexPage, NumberRef, Reference, Word
from schemas.normalize import strip_marks
from schemas.numbers import number_form, number_key
from search.query import derive, query_number_keys
from search.web.accounts import CatalogStore
from search.web.casefile import case_view
from search.web.highlight import highlighted_indices

officer = web_fixtures.officer


def _loose(number: str) -> str:
    """The number as an officer might type it: a leading zero added, no dash."""
    return "0" + number.replace("-", "")


def _boxes(html: str) -> list[str]:
    return [
        b.strip(",;.") for b in re.findall(r'<rect class="hl"[^>]*><title>([^<]*)</title>', html)
    ]


def test_a_number_searched_in_a_loose_form_is_outlined_where_search_found_it(
    officer: TestClient, web_sample: SampleArchive
) -> None:
    case = web_sample.cases[1]
    typed = _loose(case.judgment_number)  # "011/2020/DSST" for "11/2020/DS-ST"
    found = officer.get("/search", params={"q": typed})
    assert found.status_code == 200 and f"Hồ sơ {case.case_id}" in found.text
    pages = sorted({int(n) for n in re.findall(rf"/page/{case.sha256}/(\d+)", found.text)})
    assert pages, "search finds the pages carrying the number"
    for n in (1, 2):  # the judgment's own page, and the decision that cites it
        viewer = officer.get(f"/page/{case.sha256}/{n}", params={"q": typed})
        assert viewer.status_code == 200
        assert _boxes(viewer.text) == [case.judgment_number], n
    # The same in the API and the case links: the case carrying it, by the same key.
    store = CatalogStore(web_sample.archive)
    assert store.cases_citing(typed) == [case.case_id]
    assert store.cases_citing(case.judgment_number) == [case.case_id]


def _w(text: str, i: int) -> Word:
    return Word(text=text, conf=90.0, left=100 * i, top=10, width=90, height=20)


@pytest.mark.parametrize(
    "query",
    ["2/2022/QDXX-LDST", "2 / 2022 / QĐXX - LĐST", "Số: 02/2022/QĐXXLĐST", "2/2022/qdxx-ldst."],
)
def test_the_viewer_outlines_the_number_not_a_date_nor_nothing(query: str) -> None:
    words = [
        _w(t, i)
        for i, t in enumerate(
            ["Số:", "02/2022/QĐXX", "-", "LĐST", "ngày", "02", "tháng", "02", "năm", "2022"]
        )
    ]
    assert highlighted_indices(words, query) == [1, 2, 3]
    one_word = [_w(t, i) for i, t in enumerate(["Số:", "02/2022/QĐXX-LĐST,", "ngày", "2/2/2022"])]
    assert highlighted_indices(one_word, query) == [1]


def _catalog_with_two_cases(root: Path) -> Catalog:
    cat = Catalog(root)
    judgment = Document(
        doc_type="ban_an",
        pages=[1, 1],
        own_number="02/2022/QĐXX-LĐST",
        numbers=[NumberRef(text="02/2022/QĐXX-LĐST", kind="own")],
    )
    decision = Document(
        doc_type="quyet_dinh_thi_hanh_an",
        pages=[2, 2],
        own_number="15/QĐ-CCTHADS",
        numbers=[
            NumberRef(text="15/QĐ-CCTHADS", kind="own"),
            NumberRef(text="2/2022/QDXXLDST", kind="ban_an"),
        ],
        references=[Reference(number="2/2022/QDXXLDST", kind="ban_an")],
    )
    other = Document(
        doc_type="thong_bao",
        pages=[1, 1],
        own_number="7/TB-CCTHADS",
        numbers=[NumberRef(text="02/2022/QĐXX - LĐST", kind="dua_ra_xet_xu")],
        references=[Reference(number="02/2022/QĐXX - LĐST", kind="ban_an")],
    )
    for sha, case_id, docs in (
        ("a" * 64, "THA-A", [judgment, decision]),
        ("b" * 64, "THA-B", [other]),
    ):
        cat.add_file(sha, "pdf", 1, f"{case_id}/ho-so.pdf", case_id)
        cat.set_page_count(sha, 2)
        cat.replace_documents(sha, docs)
    return cat


def test_case_links_and_cases_citing_match_numbers_as_search_does(tmp_path: Path) -> None:
    _catalog_with_two_cases(tmp_path).close()
    store = CatalogStore(tmp_path)
    view = case_view(store, "THA-A")
    assert view is not None
    decision = view.documents[1]
    assert [(c.number, c.anchor) for c in decision.cites] == [("2/2022/QDXXLDST", 0)]
    assert view.documents[0].cited_by == [1]
    other = case_view(store, "THA-B")
    assert other is not None
    assert [c.other_cases for c in other.documents[0].cites] == [["THA-A"]]
    for written in ("2/2022/QDXX-LDST", "02/2022/QĐXX - LĐST", "002/2022/qđxxlđst"):
        assert store.cases_citing(written) == ["THA-A", "THA-B"], written
    assert [d.own_number for d in store.documents_numbered("2/2022/QDXXLDST")] == [
        "02/2022/QĐXX-LĐST"
    ]


def test_a_catalog_of_schema_1_gets_the_matching_keys_on_open(tmp_path: Path) -> None:
    _catalog_with_two_cases(tmp_path).close()
    db = sqlite3.connect(tmp_path / Catalog.FILENAME)
    with db:  # what hoso before schema 2 stored: the dashed written form
        db.executemany(
            "UPDATE numbers SET key=? WHERE rowid=?",
            [(number_form(t), r) for r, t in db.execute("SELECT rowid, text FROM numbers")],
        )
        db.execute(
            "UPDATE documents SET own_number_key='02/2022/QDXX-LDST' WHERE own_number LIKE '02/%'"
        )
        db.execute("UPDATE meta SET value='1' WHERE key='schema_version'")
    db.close()
    with Catalog(tmp_path) as cat:
        assert cat.cases_citing("2/2022/QDXXLDST") == ["THA-A", "THA-B"]
        version = cat.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        assert version[0] == "2"


_REAL = Path(__file__).resolve().parent.parent / "benchmarks" / "extraction" / "real"


def _real_corpus() -> list[tuple[str, str, set[str]]]:
    """(id, text, labelled numbers) of every real labelled document."""
    out = []
    for label in sorted(_REAL.glob("*.json")):
        truth = json.loads(label.read_text(encoding="utf-8"))
        numbers = set(truth.get("numbers") or []) | {truth.get("own_number") or ""}
        text = label.with_suffix(".txt").read_text(encoding="utf-8")
        out.append((label.stem, text, numbers - {""}))
    return out


def _read(text: str) -> set[str]:
    """The keys of the numbers extraction reads in `text` (what the catalog and index get)."""
    docs = extract_text(text)
    return {number_key(n.text) for d in docs for n in d.numbers if "/" in n.text}


def _typed(number: str) -> list[str]:
    """Ways an officer types `number` into search."""
    ways = [
        number,
        strip_marks(number),  # QĐ as QD
        number.lower(),
        number.replace("/", " / ").replace("-", " - "),
        number.replace("-", ""),
        f"Số: {number}",
        f"quyết định số {strip_marks(number).lower()} ngày",
    ]
    if re.match(r"\d{1,6}/(?:(?:19|20)\d{2}/)?[A-ZĐ]", number):
        ways.append(number.replace("/", " ", 1))  # the first slash left out
    return ways


def test_every_real_number_extraction_reads_is_found_by_a_query_typed_from_it() -> None:
    checked = 0
    for name, text, labelled in _real_corpus():
        read = _read(text)
        for number in sorted(labelled):
            key = number_key(number)
            if key not in read:
                continue  # an extraction miss: `hoso eval` counts those
            checked += 1
            for typed in _typed(number):
                assert query_number_keys(typed) == (key,), (name, typed)
    assert checked >= 450, checked  # 471 of the 475 labelled numbers when this was written


def test_search_indexes_every_number_extraction_reads_on_a_real_page() -> None:
    for name, text, _ in _real_corpus():
        page = IndexPage(sha256="0" * 64, page_no=1, case_id="X", text=text)
        assert set(derive(page)["text_number_keys"]) == _read(text), name

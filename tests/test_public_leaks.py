"""Issue 16's test: decisions "về việc chưa có điều kiện thi hành án" written every way
(tests/public_decisions.py), rendered as office scans, read by real Tesseract through the
whole ingest, then served: no public page or API answer, and no filter by a hidden string,
shows anything private, while every debtor who should be listed is listed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from public_decisions import Decision, decisions, write_scans

from schemas.normalize import fold

pytestmark = pytest.mark.slow  # OCRs a folder of public decisions for the module


@dataclass
class Served:
    client: TestClient
    decisions: list[Decision]
    archive: Path


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    from ingest.pipeline import IngestOptions, run_ingest
    from search.engine import open_engine
    from search.web import WebSettings, create_app
    from search.web.accounts import CatalogStore

    root = tmp_path_factory.mktemp("public-leaks")
    items = decisions()
    write_scans(root / "scans", items)
    summary = run_ingest([root / "scans"], root / "archive", IngestOptions(workers=2))
    assert summary.as_dict()["failures"] == []
    app = create_app(
        open_engine(root / "archive", None), CatalogStore(root / "archive"), WebSettings()
    )
    with TestClient(app) as client:
        yield Served(client, items, root / "archive")


def _hidden(items: list[Decision]) -> list[str]:
    return [h for d in items for h in d.hidden]


def _public_urls(items: list[Decision]) -> list[str]:
    urls = ["/public", "/public?page=2", "/api/public/debtors", "/api/public/debtors?per_page=200"]
    for d in items:
        urls += [f"/public/case/{d.case_id}", f"/api/public/case/{d.case_id}"]
    return urls


def _assert_private(body: str, items: list[Decision], url: str) -> None:
    # The visitor's own query is echoed in the filter box; that is not archive data.
    body = re.sub(r'name="q" value="[^"]*"', 'name="q"', body)
    folded = fold(body)
    for s in _hidden(items):  # as a whole word: "Số 45" (a house) is not "Số 45/QĐ-…"
        found = re.search(rf"(?<!\w){re.escape(fold(s))}(?![\w/])", folded)
        assert found is None, f"{s!r} is public at {url}"
    digits = re.sub(r"\D", "", body)
    for d in items:
        for n in d.numbers:
            assert n not in digits, f"number {n} is public at {url}"
        for y in d.years:
            assert not re.search(rf"(?<!\d){y}(?!\d)", body), f"birth year {y} at {url}"
    for street in ("Tỉnh lộ", "Quốc lộ", "Huyền Trân", "Quán Thánh", "Ấp 3"):
        assert fold(street) not in folded, f"street {street!r} at {url}"


def test_no_public_answer_shows_a_private_string(served: Served) -> None:
    for url in _public_urls(served.decisions):
        r = served.client.get(url)
        assert r.status_code in (200, 404), url
        _assert_private(r.text, served.decisions, url)


def test_every_debtor_who_should_be_listed_is_listed_and_no_criminal_case(
    served: Served,
) -> None:
    rows = served.client.get("/api/public/debtors?per_page=200").json()
    listed = {(r["case_id"], fold(r["name"])) for r in rows}
    expected = {(d.case_id, fold(n)) for d in served.decisions for n in d.listed}
    assert listed == expected
    html = served.client.get("/public").text
    for d in served.decisions:
        for name in d.listed:
            assert name in html, name
        case = served.client.get(f"/api/public/case/{d.case_id}")
        assert case.status_code == (404 if d.criminal else 200), d.case_id
    # Areas are units of the list only; the obligation is a kind and an amount.
    by_case = {r["case_id"]: r for r in rows}
    assert by_case["CK-01"]["area"] == "xã Mỹ Thạnh, huyện Giồng Trôm, tỉnh Bến Tre"
    assert by_case["CK-05"]["area"] == "phường Ba Đình, thành phố Hà Nội"  # a 2025 unit
    assert by_case["CK-06"]["area"] == "đặc khu Phú Quốc, tỉnh An Giang"  # another
    assert {(o["kind"], o["amount_vnd"]) for o in by_case["CK-01"]["obligations"]} == {
        ("Trả tiền", 50_000_000)
    }
    assert all("44a" in (r["legal_basis"] or "") for r in rows)


def test_filtering_the_public_list_by_a_hidden_string_finds_nothing(served: Served) -> None:
    queries = _hidden(served.decisions) + [
        n for d in served.decisions for n in (*d.numbers, *d.years)
    ]
    for q in queries:
        api = served.client.get(f"/api/public/debtors?q={quote(q)}")
        assert api.status_code == 200 and api.json() == [], q
        page = served.client.get(f"/public?q={quote(q)}")
        assert "0 người phải thi hành án" in page.text, q
        _assert_private(page.text, served.decisions, f"/public?q={q}")
    # and a shown field does find its row
    assert served.client.get(f"/api/public/debtors?q={quote('Mỹ Thạnh')}").json()

"""The officer web service over a sample archive: search, case, page viewer, API, audit, CLI."""

from __future__ import annotations

import json
import re

import web_fixtures
from fastapi.testclient import TestClient
from typer.testing import CliRunner
from web_fixtures import OFFICER, SampleArchive

from search.web.accounts import CatalogStore, audit_entries, create_token

officer = web_fixtures.officer


def test_search_without_diacritics_finds_the_party_grouped_by_case(
    officer: TestClient, web_sample: SampleArchive
) -> None:
    case = web_sample.cases[0]
    name = case.creditor  # "Nguyễn Văn Tráng"
    page = officer.get("/search", params={"q": "nguyen van trang"})
    assert page.status_code == 200
    assert f"Hồ sơ {case.case_id}" in page.text
    assert name in page.text
    assert "<mark>" in page.text
    assert f"/page/{case.sha256}/" in page.text


def test_search_filters_by_document_type(officer: TestClient, web_sample: SampleArchive) -> None:
    page = officer.get(
        "/search", params={"q": "pham thi thu", "doc_type": "quyet_dinh_chua_co_dieu_kien"}
    )
    assert page.status_code == 200
    assert "Quyết định về việc chưa có điều kiện thi hành án" in page.text
    assert 'class="tag">Bản án<' not in page.text


def test_case_page_links_the_judgment_and_the_decisions_citing_it(
    officer: TestClient, web_sample: SampleArchive
) -> None:
    case = web_sample.cases[1]
    page = officer.get(f"/case/{case.case_id}")
    assert page.status_code == 200
    text = page.text
    assert case.judgment_number in text and case.decision_number in text
    # the enforcement decision links to the judgment, and the judgment lists who cites it
    assert re.search(r'class="cites" href="#doc-\d+">' + re.escape(case.judgment_number), text)
    assert 'class="cited-by"' in text
    assert "Người phải thi hành án" in text
    assert "đồng" in text  # amounts
    assert text.count(f"/page/{case.sha256}/") >= 3  # the scanned pages are listed


def test_case_page_shows_typed_dates_and_links_a_lawyer_to_the_party_represented(
    officer: TestClient, web_sample: SampleArchive
) -> None:
    text = officer.get(f"/case/{web_sample.cases[1].case_id}").text
    assert "Ngày ban hành" in text and "Ngày văn bản viện dẫn" in text
    row = re.search(r'<tr id="(doc-0-party-\d+)">(?:(?!</tr>).)*' + web_fixtures.LAWYER, text, re.S)
    assert row is not None
    target = re.search(r'đại diện cho <a href="#(doc-0-party-\d+)">([^<]+)</a>', text)
    assert target is not None and target.group(2) == web_sample.cases[1].creditor
    assert f'<tr id="{target.group(1)}">' in text


def test_a_search_for_a_lawyer_shows_whom_they_represent(
    officer: TestClient, web_sample: SampleArchive
) -> None:
    creditor = web_sample.cases[1].creditor
    page = officer.get("/search", params={"q": web_fixtures.LAWYER})
    assert page.status_code == 200
    assert web_fixtures.LAWYER in page.text
    assert re.search(r"đại diện cho <a href=\"/search\?q=[^\"]+\">" + creditor + "</a>", page.text)


def test_case_page_flags_pages_that_need_rescanning(
    officer: TestClient, web_sample: SampleArchive
) -> None:
    page = officer.get(f"/case/{web_sample.cases[0].case_id}")
    assert "Cần scan lại" in page.text and "blurry" in page.text


def test_page_viewer_outlines_the_matched_words_and_offers_the_pdf(
    officer: TestClient, web_sample: SampleArchive
) -> None:
    case = web_sample.cases[0]
    page = officer.get(f"/page/{case.sha256}/1", params={"q": "nguyen van trang"})
    assert page.status_code == 200
    boxes = re.findall(r'<rect class="hl"[^>]*><title>([^<]*)</title>', page.text)
    assert boxes and {b.strip(",;.") for b in boxes} == {"Nguyễn", "Văn", "Tráng"}
    assert "CCCD số" in page.text  # the OCR text beside the image
    image = officer.get(f"/page/{case.sha256}/1/image")
    assert image.status_code == 200 and image.content[:3] == b"\xff\xd8\xff"
    pdf = officer.get(f"/page/{case.sha256}/1/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    whole = officer.get(f"/file/{case.sha256}/pdf")
    assert whole.status_code == 200 and whole.content.startswith(b"%PDF")


def test_api_with_a_token_returns_the_schema_models(
    web_app,
    web_sample: SampleArchive,  # type: ignore[no-untyped-def]
) -> None:
    store = CatalogStore(web_sample.archive)
    token = create_token(store.db, OFFICER, "test")
    client = TestClient(web_app, headers={"Authorization": f"Bearer {token}"})
    case = web_sample.cases[0]
    found = client.get("/api/search", params={"q": case.judgment_number})
    assert found.status_code == 200
    assert found.json()["cases"][0]["case_id"] == case.case_id
    detail = client.get(f"/api/case/{case.case_id}").json()
    assert [d["doc_type"] for d in detail["documents"]][:2] == ["ban_an", "quyet_dinh_thi_hanh_an"]
    doc_id = detail["documents"][0]["doc_id"]
    assert client.get(f"/api/document/{doc_id}").json()["own_number"] == case.judgment_number
    rec = client.get(f"/api/page/{case.sha256}/1").json()
    assert rec["words"] and rec["width"] == 1240
    assert "/api/search" in client.get("/openapi.json").json()["paths"]
    assert client.get("/docs").status_code == 200


def test_every_search_and_page_view_is_audited(
    officer: TestClient, web_sample: SampleArchive
) -> None:
    case = web_sample.cases[2]
    officer.get("/search", params={"q": "le hoang phuc"})
    officer.get(f"/page/{case.sha256}/2")
    store = CatalogStore(web_sample.archive)
    entries = audit_entries(store.db, limit=5, username=OFFICER)
    assert entries[0].action == "page_view"
    assert json.loads(entries[0].target) == {
        "case": case.case_id,
        "file": f"{case.case_id}/ho-so.pdf",
        "page": 2,
    }
    search = next(e for e in entries if e.action == "search")
    assert json.loads(search.target)["q"] == "le hoang phuc"
    assert search.n_results is not None and search.n_results >= 1


def test_cli_user_add_stores_an_argon2_hash_and_audit_lists_entries(
    web_sample: SampleArchive,
) -> None:
    from hoso.cli import app

    runner = CliRunner()
    archive = str(web_sample.archive)
    res = runner.invoke(
        app,
        ["user", "add", "kiemsat", "--archive", archive, "--password-stdin"],
        input="mot-mat-khau-dai\n",
    )
    assert res.exit_code == 0, res.output
    row = (
        CatalogStore(web_sample.archive)
        .db.execute("SELECT password_hash FROM web_users WHERE username='kiemsat'")
        .fetchone()
    )
    assert row[0].startswith("$argon2id$") and "mot-mat-khau-dai" not in row[0]
    res = runner.invoke(app, ["user", "list", "--archive", archive, "--json"])
    assert "kiemsat" in res.output
    res = runner.invoke(app, ["user", "token", "kiemsat", "--archive", archive])
    assert res.exit_code == 0 and res.output.strip().startswith("hoso_")
    res = runner.invoke(app, ["audit", "--archive", archive, "--json"])
    assert res.exit_code == 0
    assert isinstance(json.loads(res.output), list)


def test_search_page_written_in_python_equals_the_template_rendering() -> None:
    """The search page is written out in Python (`app.search_page_html`, rendered for every
    search); the templates `search.html` in `base.html` stay the reference: both must give
    the same bytes, whatever needs escaping, with or without a result, error or pager."""
    import itertools

    from markupsafe import Markup

    from schemas import SearchQuery, SearchResult
    from search.web.app import _templates
    from search.web.results_html import search_page_html

    template = _templates().env.get_template("search.html")
    odd = "a\"b<c>&'d"
    results = [
        None,
        SearchResult(
            query=SearchQuery(q="x"), total_cases=23, cases=[], backend="sqlite", took_ms=12.5
        ),
    ]
    n = 0
    for q, user, error, issuer, result in itertools.product(
        ["", "Nguyễn Văn Tráng", odd, "%20&x=1"],
        [None, "canbo", odd],
        [None, "Không tìm kiếm được (X)."],
        ["", odd],
        results,
    ):
        for (role, doc_type, year), (page, n_pages) in itertools.product(
            [("", "", ""), ("bi_don", "ban_an", "2020")], [(1, 0), (1, 3), (2, 3), (3, 3)]
        ):
            context = {
                "user": user,
                "csrf": odd if user == odd else "tok",
                "site_name": "Hồ sơ & <thi hành án>",
                "q": q,
                "form": {"role": role, "doc_type": doc_type, "issuer": issuer, "year": year},
                "result": result,
                "results_html": Markup('<ol class="cases">…</ol>') if result else "",
                "error": error,
                "page": page,
                "n_pages": n_pages,
            }
            assert search_page_html(**context) == template.render(**context), context
            n += 1
    assert n == 768

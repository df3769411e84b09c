"""The review loop in a real headless Chromium, over the sample archive, with the SQLite
index and a real Elasticsearch (unique alias) both fed:

1. the review queue lists a misread document number and a hard-to-read party name;
2. the officer corrects the number and the party's name and role on the correction screen
   (one keyboard action: Ctrl+Enter);
3. search finds the corrected name on both backends (the served ES one and the SQLite one);
4. the audit (the screen's history, `hoso audit`, `hoso corrections list`) shows the change;
5. `hoso extract --archive --force` (every file extracted again from its page text) keeps it;
6. a corrections export imported into a fresh archive gives the same documents.

The sample's page 2 of the first case is given a misread number (180 for 100) and a
misread name, with the low word confidences OCR gives such words, then extracted by the real
extractor. Screenshots (1366 and 390 px wide) go to test-artifacts/web/review/ (gitignored).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import web_fixtures
from typer.testing import CliRunner
from web_fixtures import (
    OFFICER,
    OFFICER_PASSWORD,
    SampleArchive,
    browser_login,
    build_web_archive,
    serve_live,
)

from hoso.cli import app as cli
from ingest.catalog import Catalog
from ingest.reextract import reextract_archive
from schemas import SearchQuery

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "web" / "review"
ES_URL = os.environ.get("HOSO_TEST_ES_URL", "http://127.0.0.1:9200")
MISREAD_NUMBER, RIGHT_NUMBER = "180/QĐ-CCTHADS", "100/QĐ-CCTHADS"
MISREAD_NAME = "Trần Thị Hổng"
RIGHT_NAME = "Trần Thị Hồng"
NEW_ROLE = "nguoi_co_quyen_loi_nghia_vu_lien_quan"

browser = web_fixtures.browser
es_alias = web_fixtures.es_alias


def misread_sample(root: Path, es_url: str | None = None) -> SampleArchive:
    """The web sample, its first case's page 2 misread as OCR would, then extracted (and
    indexed in Elasticsearch too, given its URL)."""
    sample = build_web_archive(root, n_cases=4)
    sha = sample.cases[0].sha256
    with Catalog(root) as cat:
        rec = cat.page_record(sha, 2, with_words=True)
        text = rec.text.replace("100/QĐ-CCTHADS", MISREAD_NUMBER).replace(RIGHT_NAME, MISREAD_NAME)
        words = []
        for w in rec.words or []:
            if w.text == RIGHT_NUMBER:
                w = w.model_copy(update={"text": MISREAD_NUMBER, "conf": 38.0})
            elif w.text == "Hồng,":
                w = w.model_copy(update={"text": "Hổng,", "conf": 41.0})
            words.append(w)
        cat.db.execute(
            "UPDATE pages SET text=?, words=? WHERE sha256=? AND page_no=2",
            (
                text,
                json.dumps(
                    [[w.text, w.conf, w.left, w.top, w.width, w.height, w.line] for w in words]
                ),
                sha,
            ),
        )
        cat.db.commit()
    reextract_archive(root, es_url, force=True)
    return sample


def _documents(archive: Path) -> dict[str, object]:
    with Catalog(archive) as cat:
        return {d.doc_id: d.model_dump() for d in cat.documents()}


def _hits(archive: Path, es_url: str | None, q: str, role: str) -> set[tuple[str, str, int]]:
    from search.engine import open_engine

    engine = open_engine(archive, es_url)
    result = engine.search(SearchQuery(q=q, role=role))  # type: ignore[arg-type]
    return {
        (h.matched_party.name, h.sha256, h.page_no)
        for g in result.cases
        for h in g.hits
        if h.matched_party
    }


def _no_overflow(page) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"the page is {width}px wide"


def test_officer_corrects_a_number_and_a_party_and_the_fix_sticks(
    tmp_path: Path,
    browser,  # type: ignore[no-untyped-def]
    es_alias: str,
) -> None:
    from search.web.accounts import CatalogStore, add_user
    from search.web.cli_serve import build_app

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    sample = misread_sample(tmp_path / "archive", ES_URL)
    archive, case = sample.archive, sample.cases[0]
    doc_id = f"{case.sha256}:2"
    add_user(CatalogStore(archive).db, OFFICER, OFFICER_PASSWORD)
    wanted = (RIGHT_NAME, case.sha256, 2)
    assert wanted not in _hits(archive, None, RIGHT_NAME, NEW_ROLE)
    assert wanted not in _hits(archive, ES_URL, RIGHT_NAME, NEW_ROLE)

    web = build_app(archive, ES_URL)  # what `hoso serve --es-url` runs: ES answers searches
    with serve_live(web) as url:
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
        page = context.new_page()
        try:
            # 1. the review queue
            browser_login(page, url, "/review")
            number_item = page.locator("li.kind-number", has_text=MISREAD_NUMBER)
            assert number_item.count() == 1
            assert "38/100" in number_item.inner_text()
            assert page.locator("li.kind-party", has_text=MISREAD_NAME).count() == 1
            open_before = int(page.inner_text("#open-count"))
            page.screenshot(path=str(ARTIFACTS / "1-queue.png"), full_page=True)

            # 2. the correction screen: the crops of the scan, then one save
            number_item.locator("a.fix").click()
            page.wait_for_url(f"{url}/review/doc/{doc_id}")
            assert page.locator(".field svg.crop image").count() >= 2  # number and issuer
            assert (
                page.evaluate(
                    "() => fetch(document.querySelector('svg.crop image').getAttribute('href'))"
                    ".then(r => r.headers.get('content-type'))"
                )
                == "image/jpeg"
            )
            row = page.locator(f".party-row[data-party='{MISREAD_NAME}']")
            assert row.locator("svg.crop").count() == 1
            page.screenshot(path=str(ARTIFACTS / "2-correct.png"), full_page=True)
            page.fill("#f-own_number", RIGHT_NUMBER)
            row.locator("input[name$='-name']").fill(RIGHT_NAME)
            row.locator("select[name$='-role']").select_option(NEW_ROLE)
            page.keyboard.press("Control+Enter")
            page.wait_for_selector("p.saved")
            assert "2" in page.inner_text("p.saved")  # the number; the name and role together
            assert page.input_value("#f-own_number") == RIGHT_NUMBER
            # 4. the audit: the screen's history names who, before and after
            history = page.inner_text("table.history")
            assert OFFICER in history and MISREAD_NUMBER in history and RIGHT_NUMBER in history
            assert MISREAD_NAME in history and RIGHT_NAME in history
            page.screenshot(path=str(ARTIFACTS / "3-saved.png"), full_page=True)

            page.goto(f"{url}/review")
            assert page.locator("li.kind-number", has_text=MISREAD_NUMBER).count() == 0
            assert page.locator("li.kind-party", has_text=MISREAD_NAME).count() == 0
            assert int(page.inner_text("#open-count")) == open_before - 2

            # 3. search finds the corrected name: the served (Elasticsearch) backend …
            page.goto(f"{url}/search?q={RIGHT_NAME}&role={NEW_ROLE}")
            hit = page.locator(f"a.page-link[href*='{case.sha256}/2']")
            assert hit.count() == 1
            assert page.inner_text("p.summary").endswith("· es")  # served by Elasticsearch

            # phone width: queue and correction screen fit 390 px
            small = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
            small.add_cookies(context.cookies())
            phone = small.new_page()
            phone.goto(f"{url}/review")
            _no_overflow(phone)
            phone.screenshot(path=str(ARTIFACTS / "4-queue-390.png"), full_page=True)
            phone.goto(f"{url}/review/doc/{doc_id}")
            _no_overflow(phone)
            phone.screenshot(path=str(ARTIFACTS / "5-correct-390.png"), full_page=True)
            small.close()

            # the statistics page: figures and server-drawn charts
            page.goto(f"{url}/stats")
            assert page.inner_text("#n-cases") == str(len(sample.cases))
            assert page.locator("svg.chart rect.bar").count() >= 4
            page.screenshot(path=str(ARTIFACTS / "6-stats.png"), full_page=True)
            assert page.request.get(f"{url}/stats.csv").text().startswith("measure,")
        finally:
            context.close()
    # … and the archive's SQLite index, with the ES index asked directly too
    assert wanted in _hits(archive, None, RIGHT_NAME, NEW_ROLE)
    assert wanted in _hits(archive, ES_URL, RIGHT_NAME, NEW_ROLE)
    assert (MISREAD_NAME, case.sha256, 2) not in _hits(archive, None, MISREAD_NAME, NEW_ROLE)

    # 4. the audit log and the corrections' own audit
    run = CliRunner().invoke
    audit = run(cli, ["audit", "-a", str(archive), "--action", "correction"])
    assert audit.exit_code == 0, audit.output
    assert f'own_number: "{MISREAD_NUMBER}" → "{RIGHT_NUMBER}"' in audit.output
    assert case.case_id in audit.output
    listed = run(cli, ["corrections", "list", "-a", str(archive), "--json"])
    assert {c["who"] for c in json.loads(listed.output)} == {OFFICER}

    # 5. extraction again (from the page text, which still reads 180 and Hổng) keeps it
    r = run(cli, ["extract", "--archive", str(archive), "--force", "--es-url", ES_URL])
    assert r.exit_code == 0, r.output
    with Catalog(archive) as cat:
        doc = cat.document(doc_id)
        assert doc is not None and doc.own_number == RIGHT_NUMBER
        assert (RIGHT_NAME, NEW_ROLE) in [(p.name, p.role) for p in doc.parties]
        assert MISREAD_NUMBER in dict(cat.page_texts(case.sha256))[2]
    assert wanted in _hits(archive, None, RIGHT_NAME, NEW_ROLE)
    assert wanted in _hits(archive, ES_URL, RIGHT_NAME, NEW_ROLE)

    # 6. export, and import into a fresh archive made the same way
    out = tmp_path / "corrections.jsonl"
    assert run(cli, ["corrections", "export", "-a", str(archive), "--out", str(out)]).exit_code == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2
    fresh = misread_sample(tmp_path / "fresh").archive
    assert _documents(fresh) != _documents(archive)
    r = run(cli, ["corrections", "import", str(out), "-a", str(fresh), "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output) == {"read": 2, "added": 2, "skipped": 0, "unmatched": 0}
    assert _documents(fresh) == _documents(archive)
    assert wanted in _hits(fresh, None, RIGHT_NAME, NEW_ROLE)

"""The officer pages in a real headless Chromium (Debian's, driven by Playwright).

One walk through the service as an officer would: log in, search a name typed without
diacritics, open the case, open the page and see the matched words outlined. Screenshots
go to test-artifacts/web/ (gitignored).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import web_fixtures
from web_fixtures import SampleArchive, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "web"

live_url = web_fixtures.live_url
browser = web_fixtures.browser


def test_officer_logs_in_searches_without_diacritics_and_sees_highlight_boxes(
    live_url: str,
    browser,
    web_sample: SampleArchive,  # type: ignore[no-untyped-def]
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    case = web_sample.cases[0]
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="vi-VN")
    page = context.new_page()
    try:
        browser_login(page, live_url)

        page.fill("input[name=q]", "nguyen van trang")
        page.click("form.search button[type=submit]")
        page.wait_for_selector("li.case-group")
        assert page.locator("li.case-group h2", has_text=case.case_id).count() == 1
        assert page.locator("li.hit mark").count() >= 1
        page.screenshot(path=str(ARTIFACTS / "1-search.png"), full_page=True)

        page.click(f"li.case-group h2 a:has-text('{case.case_id}')")
        page.wait_for_selector("article.doc")
        assert page.locator("a.cites", has_text=case.judgment_number).count() >= 1
        assert page.locator("tr.rescan").count() == 1
        page.screenshot(path=str(ARTIFACTS / "2-case.png"), full_page=True)

        page.goto(f"{live_url}/search?q=nguyen+van+trang")
        page.click(f"a.page-link[href*='{case.sha256}/1']")
        page.wait_for_selector("svg.page-image rect.hl")
        boxes = page.locator("svg.page-image rect.hl")
        assert boxes.count() >= 3
        # the scan itself loaded (an <image> inside the SVG with a real size on screen)
        loaded = page.evaluate(
            "() => fetch(document.querySelector('svg.page-image image').getAttribute('href'))"
            ".then(r => r.headers.get('content-type'))"
        )
        assert loaded == "image/jpeg"
        box = boxes.first.bounding_box()
        assert box and box["width"] > 5 and box["height"] > 5
        assert "CCCD số" in page.inner_text("pre.ocr-text")
        page.screenshot(path=str(ARTIFACTS / "3-page.png"), full_page=True)
    finally:
        context.close()

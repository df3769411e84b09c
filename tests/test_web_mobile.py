"""The officer pages (search, case, page viewer) and the public pages on a phone (390 px)
and a desktop (1366 px), in Debian's Chromium: nothing overflows sideways, the page viewer
puts the scan above its text at full width on a phone, and /docs and /redoc render with
every request to another host refused (no internet). Screenshots of every page at both
widths go to test-artifacts/web/mobile/ (gitignored).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import web_fixtures
from web_fixtures import SampleArchive, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "web" / "mobile"
WIDTHS = (390, 1366)

live_url = web_fixtures.live_url
browser = web_fixtures.browser


def _pages(sample: SampleArchive) -> list[tuple[str, str, str]]:
    """(name, path, a selector that must be on the page)."""
    case = sample.cases[0]
    public = next(c for c in sample.cases if c.public)
    return [
        ("login", "/login", "form.login"),
        ("public-list", "/public", "table.public"),
        ("public-case", f"/public/case/{public.case_id}", "table.public"),
        ("search", "/search?q=nguyen+van+trang", "li.case-group"),
        ("case", f"/case/{case.case_id}", "article.doc"),
        ("page", f"/page/{case.sha256}/1?q=nguyen+van+trang", "svg.page-image rect.hl"),
    ]


def _no_overflow(page) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    return page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")


@pytest.mark.parametrize("width", WIDTHS)
def test_pages_fit_the_screen_at_phone_and_desktop_width(
    live_url: str,
    browser,  # type: ignore[no-untyped-def]
    web_sample: SampleArchive,
    width: int,
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
    page = context.new_page()
    try:
        browser_login(page, live_url)
        for name, path, selector in _pages(web_sample):
            page.goto(live_url + path)
            page.wait_for_selector(selector)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
            scroll, inner = _no_overflow(page)
            assert scroll <= inner, f"{path} is {scroll} px wide in a {inner} px window"
            if name == "page":
                scan = page.locator("div.scan").bounding_box()
                text = page.locator("pre.ocr-text").bounding_box()
                assert scan and text
                if width < 700:  # one column: the scan at full width, its text below
                    assert scan["width"] >= 0.85 * width
                    assert text["y"] >= scan["y"] + scan["height"] - 1
                else:  # two columns side by side
                    assert text["x"] >= scan["x"] + scan["width"]
    finally:
        context.close()


@pytest.mark.parametrize(("path", "rendered"), [("/docs", ".swagger-ui .info"), ("/redoc", "h1")])
def test_api_docs_render_without_internet(
    live_url: str,
    browser,  # type: ignore[no-untyped-def]
    path: str,
    rendered: str,
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    refused: list[str] = []

    def only_here(route) -> None:  # type: ignore[no-untyped-def]
        if route.request.url.startswith(live_url):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    context.route("**/*", only_here)
    page = context.new_page()
    try:
        page.goto(live_url + path)
        page.wait_for_selector(rendered, timeout=20_000)
        assert "hoso" in page.inner_text(rendered)
        page.screenshot(path=str(ARTIFACTS / f"api{path.replace('/', '-')}.png"))
        assert refused == []
    finally:
        context.close()

"""pytest fixtures and helpers for the web-service tests over the sample archive of
`samplegen.web_archive` (re-exported here, so a test imports everything from `web_fixtures`).
The sample archive and its app (`web_sample`, `web_app`) are session fixtures of conftest.py:
built once for the whole run, not once for each module that uses them."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest

from samplegen.web_archive import (  # noqa: F401  (re-exported for the tests)
    LAWYER,
    SampleArchive,
    StandInEngine,
    build_web_archive,
    make_engine,
)

# -- pytest fixtures (import them into a test module: `from web_fixtures import …`) ---------
OFFICER = "canbo"
OFFICER_PASSWORD = "mat-khau-rat-dai-2024"


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextlib.contextmanager
def serve_live(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """`app` served by a real uvicorn on a free loopback port, for the block's duration."""
    import socket
    import threading
    import time

    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def live_url(web_app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The web app served by a real uvicorn on a free loopback port."""
    with serve_live(web_app) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (never skipped: scripts/setup installs it)."""
    import shutil

    assert shutil.which(CHROMIUM), f"Debian chromium is not installed at {CHROMIUM}"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def es_alias(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A unique Elasticsearch alias (HOSO_ES_INDEX) for one test; its indices are deleted
    after it. The server is HOSO_TEST_ES_URL's (an integration test never skips it)."""
    import os
    import uuid

    from elasticsearch import Elasticsearch

    alias = f"hoso-test-web-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("HOSO_ES_INDEX", alias)
    yield alias
    es = Elasticsearch(os.environ.get("HOSO_TEST_ES_URL", "http://127.0.0.1:9200"))
    try:
        names = list(es.indices.get_alias(name=alias).keys())
        es.indices.delete(index=",".join(names))
    except Exception:  # nothing was made
        pass
    es.close()


@pytest.fixture()
def officer(web_app):  # type: ignore[no-untyped-def]
    """A test client logged in as the sample officer."""
    from fastapi.testclient import TestClient

    client = TestClient(web_app)
    assert login(client).status_code == 303
    return client


def login(client, username: str = OFFICER, password: str = OFFICER_PASSWORD):  # type: ignore[no-untyped-def]
    """Log a TestClient in through the real form (CSRF token included)."""
    page = client.get("/login")
    token = csrf_of(page.text)
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token, "next": "/search"},
        follow_redirects=False,
    )


def browser_login(page, url: str, path: str = "/search") -> None:  # type: ignore[no-untyped-def]
    """Open `path` in a Playwright `page` not logged in: the service sends it to the login
    form, the sample officer logs in there, and the browser lands back on `path`."""
    page.goto(f"{url}{path}")
    assert "/login" in page.url, f"{path} was shown without a login"
    page.fill("input[name=username]", OFFICER)
    page.fill("input[name=password]", OFFICER_PASSWORD)
    page.click("form.login button[type=submit]")
    page.wait_for_url(f"{url}{path}")


def csrf_of(html: str) -> str:
    import re

    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF token in the form"
    return m.group(1)

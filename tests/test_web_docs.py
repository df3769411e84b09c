"""/docs and /redoc work with no internet: their pages name no other host, and every
script, style sheet and icon they load is served by hoso itself (from the files of the
installed package fastapi-offline). tests/test_web_mobile.py renders both in Chromium with
every request to another host refused."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

_URL = re.compile(r"""(?:src|href|spec-url)\s*=\s*["']([^"']+)["']|url:\s*["']([^"']+)["']""")


@pytest.mark.parametrize(("path", "title"), [("/docs", "Swagger UI"), ("/redoc", "ReDoc")])
def test_api_docs_name_no_other_host_and_their_assets_are_served(
    web_app,  # type: ignore[no-untyped-def]
    path: str,
    title: str,
) -> None:
    client = TestClient(web_app)
    r = client.get(path)
    assert r.status_code == 200 and title in r.text
    assert not re.search(r"(?i)\b(?:https?:)?//[a-z0-9.-]+", r.text), "an external URL"
    csp = r.headers["content-security-policy"]
    assert "http" not in csp and "cdn" not in csp
    refs = [a or b for a, b in _URL.findall(r.text)]
    assets = [u for u in refs if not u.endswith("openapi.json")]
    assert len(assets) >= 2 and "/openapi.json" in refs
    for url in assets:
        assert url.startswith("/"), url
        got = client.get(url)
        assert got.status_code == 200 and len(got.content) > 1000, url
        kind = got.headers["content-type"]
        assert kind.startswith(("text/javascript", "application/javascript", "text/css", "image/"))
    spec = client.get("/openapi.json")
    assert spec.status_code == 200 and "/api/public/debtors" in spec.text

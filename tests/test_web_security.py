"""What the web service must never do, over the whole sample corpus.

- The public side never returns an ID number, a birth date, a street address of a natural
  person, a page image or OCR text, whatever the query or URL.
- Officer pages and API need a session (or an API token): without one, a redirect or 401.
- A POST without the session's CSRF token is refused.
- Path traversal and malformed ids are a plain 404.
"""

from __future__ import annotations

import re

import pytest
import web_fixtures
from fastapi.testclient import TestClient
from web_fixtures import OFFICER, SampleArchive, csrf_of, login

from search.web import PublicPolicy, WebSettings, create_app
from search.web.accounts import CatalogStore
from search.web.auth import SESSION_COOKIE

_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")


def _public_urls(sample: SampleArchive) -> list[str]:
    urls = [
        "/",
        "/public",
        "/public?page=2",
        "/api/public/debtors",
        "/api/public/debtors?per_page=200",
    ]
    for c in sample.cases:
        urls += [f"/public/case/{c.case_id}", f"/api/public/case/{c.case_id}"]
        # every name, number and id as a query: the filter must not widen what is shown
        for q in (c.debtor, c.creditor, c.judgment_number, c.case_id, c.sha256):
            urls += [f"/public?q={q}", f"/api/public/debtors?q={q}"]
    for q in sample.id_numbers + sample.birth_dates:
        urls += [f"/public?q={q}", f"/api/public/debtors?q={q}"]
    return urls


def _assert_nothing_private(body: str, sample: SampleArchive, url: str) -> None:
    digits = re.sub(r"\D", "", body)
    for idn in sample.id_numbers:
        assert idn not in body and idn not in digits, f"ID number {idn} in {url}"
    for born in sample.birth_dates:
        d, m, y = born.split("/")
        for form in (born, f"{y}-{m}-{d}", f"{int(d)}/{int(m)}/{y}"):
            assert form not in body, f"birth date {born} in {url}"
        assert f"sinh năm {y}" not in body.lower()
    for street in sample.street_addresses:
        assert street not in body, f"street address {street!r} in {url}"
    assert "CCCD" not in body and "sinh ngày" not in body
    assert "/image" not in body and "image/jpeg" not in body and "<img" not in body
    assert "/page/" not in body and "/pdf" not in body


def test_public_endpoints_never_show_id_numbers_birth_dates_addresses_or_pages(
    web_app,
    web_sample: SampleArchive,  # type: ignore[no-untyped-def]
) -> None:
    client = TestClient(web_app)
    for url in _public_urls(web_sample):
        r = client.get(url)
        assert r.status_code in (200, 303, 404), url
        # The visitor's own query is echoed in the search box; that is not archive data.
        body = re.sub(r'name="q" value="[^"]*"', 'name="q"', r.text)
        _assert_nothing_private(body, web_sample, url)


def test_public_debtor_list_names_exactly_the_debtors_of_non_criminal_cccdk_decisions(
    web_app,
    web_sample: SampleArchive,  # type: ignore[no-untyped-def]
) -> None:
    rows = TestClient(web_app).get("/api/public/debtors").json()
    expected = {(c.case_id, c.debtor) for c in web_sample.cases if c.public}
    assert {(r["case_id"], r["name"]) for r in rows} == expected
    assert all(r["area"] and "Số" not in r["area"] for r in rows)  # district/province only
    criminal = [c for c in web_sample.cases if c.criminal]
    assert criminal and all(r["case_id"] != criminal[0].case_id for r in rows)


def test_cases_without_a_public_decision_are_not_found_publicly(
    web_app,
    web_sample: SampleArchive,  # type: ignore[no-untyped-def]
) -> None:
    client = TestClient(web_app)
    for c in web_sample.cases:
        r = client.get(f"/api/public/case/{c.case_id}")
        assert r.status_code == (200 if c.public else 404), c.case_id


def test_public_policy_can_anonymize_given_names(web_sample: SampleArchive) -> None:
    store = CatalogStore(web_sample.archive)
    policy = PublicPolicy(anonymize_given_names=True, person_address="none")
    app = create_app(
        web_fixtures.StandInEngine(web_sample.archive), store, WebSettings(policy=policy)
    )
    rows = TestClient(app).get("/api/public/debtors").json()
    assert rows
    for r in rows:
        full = next(c.debtor for c in web_sample.cases if c.case_id == r["case_id"])
        given = full.split()[-1]
        assert r["name"].startswith(" ".join(full.split()[:-1]) + " " + given[0])
        assert full not in r["name"] and r["area"] is None


@pytest.mark.parametrize(
    "url",
    [
        "/search?q=nguyen",
        "/case/THA-2021-001",
        "/page/{sha}/1",
        "/page/{sha}/1/image",
        "/page/{sha}/1/pdf",
        "/file/{sha}/pdf",
    ],
)
def test_officer_pages_without_a_session_redirect_to_login(
    web_app,
    web_sample: SampleArchive,
    url: str,  # type: ignore[no-untyped-def]
) -> None:
    r = TestClient(web_app).get(url.format(sha=web_sample.cases[0].sha256), follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
    assert "%PDF" not in r.text and "CCCD" not in r.text


@pytest.mark.parametrize(
    "url",
    [
        "/api/search?q=nguyen",
        "/api/case/THA-2021-001",
        "/api/document/{sha}:1",
        "/api/page/{sha}/1",
    ],
)
def test_officer_api_without_a_session_or_token_is_401(
    web_app,
    web_sample: SampleArchive,
    url: str,  # type: ignore[no-untyped-def]
) -> None:
    client = TestClient(web_app)
    url = url.format(sha=web_sample.cases[0].sha256)
    assert client.get(url).status_code == 401
    bad = client.get(url, headers={"Authorization": "Bearer hoso_not-a-real-token"})
    assert bad.status_code == 401
    client.cookies.set(SESSION_COOKIE, '{"u":"canbo","c":"x"}')
    assert client.get(url).status_code == 401  # an unsigned (forged) session is no session


def test_login_and_logout_without_the_csrf_token_are_rejected(web_app) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(web_app)
    client.get("/login")
    r = client.post(
        "/login",
        data={"username": OFFICER, "password": web_fixtures.OFFICER_PASSWORD},
        follow_redirects=False,
    )
    assert r.status_code == 403
    r = client.post(
        "/login",
        data={
            "username": OFFICER,
            "password": web_fixtures.OFFICER_PASSWORD,
            "csrf_token": "x" * 32,
        },
        follow_redirects=False,
    )
    assert r.status_code == 403
    assert login(client).status_code == 303
    assert client.post("/logout", follow_redirects=False).status_code == 403
    assert client.get("/search", follow_redirects=False).status_code == 200  # still logged in
    token = csrf_of(client.get("/search").text)
    assert (
        client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code
        == 303
    )


def test_session_cookie_is_httponly_samesite_and_signed(web_app) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(web_app)
    r = login(client)
    cookie = r.headers["set-cookie"]
    assert SESSION_COOKIE in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "mat-khau" not in cookie
    wrong = TestClient(web_app)
    page = wrong.get("/login")
    r = wrong.post(
        "/login",
        data={"username": OFFICER, "password": "wrong-password!", "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert r.status_code == 401
    assert wrong.get("/search", follow_redirects=False).status_code == 303


@pytest.mark.parametrize(
    "url",
    [
        "/page/../../etc/passwd",
        "/page/%2e%2e/%2e%2e/etc/passwd/1",
        "/page/{sha}/..%2F..%2Fcatalog.sqlite",
        "/page/{sha}/1%2F..%2F..%2F..%2Fetc%2Fpasswd/pdf",
        "/page/{SHA}/1/pdf",
        "/page/{sha}/0/image",
        "/page/{sha}/99999/pdf",
        "/page/{sha}/-1",
        "/page/..%2F..%2F..%2Fetc%2Fpasswd/1/image",
        "/file/..%2Fcatalog.sqlite/pdf",
        "/file/{sha}%00/pdf",
        "/file/{missing}/pdf",
        "/case/..%2F..%2Fetc",
        "/case/%2e%2e",
        "/static/../catalog.sqlite",
        "/static/%2e%2e/%2e%2e/web-secret.key",
        "/api/document/..%2Fcatalog.sqlite",
        "/api/document/{sha}:1;DROP",
        "/api/page/{sha}/1e3",
        "/api/case/..",
        "/public/case/..%2F..%2Fetc%2Fpasswd",
        "/api/public/case/%2e%2e%2fweb-secret.key",
    ],
)
def test_path_traversal_and_malformed_ids_are_404(
    web_app,
    web_sample: SampleArchive,
    url: str,  # type: ignore[no-untyped-def]
) -> None:
    client = TestClient(web_app)
    assert login(client).status_code == 303
    sha = web_sample.cases[0].sha256
    url = url.format(sha=sha, SHA=sha.upper(), missing="0" * 64)
    r = client.get(url, follow_redirects=False)
    assert r.status_code == 404, (url, r.status_code)
    assert "root:" not in r.text and "SQLite format" not in r.text


def test_search_input_is_never_passed_through_as_query_dsl(web_app) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(web_app)
    assert login(client).status_code == 303
    for q in ['{"match_all": {}}', "name:* OR 1=1", '" OR ""="', "NEAR(a b)", "a*"]:
        r = client.get("/api/search", params={"q": q})
        assert r.status_code == 200, q
        assert r.json()["total_cases"] == 0, q
    bad = client.get("/api/search", params={"q": "x", "role": "admin"})
    assert bad.status_code == 422
    assert client.get("/api/search", params={"q": "x", "per_page": 10_000}).status_code == 422

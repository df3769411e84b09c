"""The audit log: logins, failed logins, lockouts and logouts are recorded, and what an
officer opened is named by case, file and page (never a sha256), in the catalog and in
`hoso audit`."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from typer.testing import CliRunner
from web_fixtures import OFFICER, SampleArchive, csrf_of, login

from hoso.cli import build_app
from search.web import accounts
from search.web.accounts import CatalogStore


def _entries(sample: SampleArchive, **kw: str) -> list[accounts.AuditEntry]:
    return accounts.audit_entries(CatalogStore(sample.archive).db, limit=1000, **kw)


def _try(client: TestClient, username: str, password: str) -> int:
    page = client.get("/login")
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    ).status_code


def test_logins_failures_lockouts_and_logouts_are_audited(
    web_app,  # type: ignore[no-untyped-def]
    web_sample: SampleArchive,
) -> None:
    client = TestClient(web_app)
    assert login(client).status_code == 303
    ok = _entries(web_sample, username=OFFICER, action="login")
    assert ok and json.loads(ok[0].target)["username"] == OFFICER
    token = csrf_of(client.get("/search").text)
    client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert _entries(web_sample, username=OFFICER, action="logout")

    guesser = TestClient(web_app)
    name = "ke-doan-mat-khau"  # an account that does not exist: still audited
    codes = [_try(guesser, name, f"wrong-{i}-password") for i in range(6)]
    assert codes[:5] == [401] * 5 and codes[5] == 429
    assert len(_entries(web_sample, username=name, action="login_failed")) == 5
    assert len(_entries(web_sample, username=name, action="lockout")) == 1
    assert len(_entries(web_sample, username=name, action="login_refused_locked")) == 1
    password = "the-password-tried"
    _try(guesser, name, password)
    assert all(password not in e.target for e in _entries(web_sample, username=name))


def test_page_views_and_downloads_name_the_case_and_page_not_a_sha256(
    web_app,  # type: ignore[no-untyped-def]
    web_sample: SampleArchive,
) -> None:
    client = TestClient(web_app)
    assert login(client).status_code == 303
    case = web_sample.cases[1]
    assert client.get(f"/page/{case.sha256}/2").status_code == 200
    assert client.get(f"/page/{case.sha256}/2/pdf").status_code == 200
    assert client.get(f"/api/page/{case.sha256}/3").status_code == 200
    for action in ("page_view", "page_download"):
        entry = _entries(web_sample, username=OFFICER, action=action)[0]
        assert case.sha256 not in entry.target
        where = json.loads(entry.target)
        assert where["case"] == case.case_id and where["page"] in (2, 3)
        assert where["file"].endswith("ho-so.pdf")

    out = CliRunner().invoke(
        build_app(["search.web.cli_serve"]), ["audit", "--archive", str(web_sample.archive)]
    )
    assert out.exit_code == 0
    assert f"case {case.case_id} · file {case.case_id}/ho-so.pdf · page 2" in out.output
    assert case.sha256 not in out.output
    assert "login_failed" in out.output or "login\t" in out.output


def test_entries_written_with_a_sha256_are_shown_by_case(web_sample: SampleArchive) -> None:
    case = web_sample.cases[0]
    store = CatalogStore(web_sample.archive)
    accounts.record_audit(store.db, "cu-ban-ghi", "page_view", f"{case.sha256}:3", 1)
    out = CliRunner().invoke(
        build_app(["search.web.cli_serve"]),
        ["audit", "--archive", str(web_sample.archive), "--user", "cu-ban-ghi", "--json"],
    )
    assert out.exit_code == 0, out.output
    [entry] = json.loads(out.output)
    assert entry["where"] == f"case {case.case_id} · file {case.case_id}/ho-so.pdf · page 3"

"""What the web service does to stay fast under load keeps its guarantees.

Audit entries go through a group commit (one transaction for many concurrent requests):
every entry is still written exactly once, is committed before its request returns, and a
failed transaction fails every request it carried. The security headers come from a plain
ASGI middleware now: every response still carries them.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from typing import Any

import pytest
import web_fixtures
from fastapi.testclient import TestClient
from web_fixtures import SampleArchive, login

from search.web.accounts import CatalogStore
from search.web.audit import GroupCommit


def _hold_first_write(gc: GroupCommit[Any], pending: int, timeout: float = 120) -> threading.Event:
    """Make `gc`'s first transaction wait, before it writes, until `pending` more items have
    been submitted meanwhile, so that whether the next transaction groups them does not
    depend on how a busy machine schedules the submitters. Returns an event set if they
    came (a group commit that stopped queueing them would leave it unset)."""
    write, came, first = gc._write_batch, threading.Event(), [True]

    def held(items: list[Any]) -> None:
        if first[0]:  # one transaction at a time: no other thread is in here
            first[0] = False
            deadline = time.monotonic() + timeout
            while len(gc._pending) < pending and time.monotonic() < deadline:
                time.sleep(0.005)
            if len(gc._pending) >= pending:
                came.set()
        write(items)

    gc._write_batch = held  # type: ignore[method-assign]
    return came


def test_concurrent_audits_are_each_committed_once_before_returning(
    web_sample: SampleArchive,
) -> None:
    store = CatalogStore(web_sample.archive)
    n_threads, per_thread = 32, 25
    grouped = _hold_first_write(store._audit, n_threads - 1)
    barrier = threading.Barrier(n_threads)
    not_visible: list[str] = []
    failures: list[BaseException] = []

    def officer(i: int) -> None:
        check = sqlite3.connect(web_sample.archive / "catalog.sqlite")  # another connection
        try:
            barrier.wait()
            for j in range(per_thread):
                target = f"load-{i}-{j}"
                store.record_audit("loadtest", "search", target, j)
                # Committed before record_audit returned: another connection sees it.
                seen = check.execute(
                    "SELECT COUNT(*) FROM web_audit WHERE username='loadtest' AND target=?",
                    (target,),
                ).fetchone()[0]
                if seen != 1:
                    not_visible.append(target)
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            check.close()

    threads = [threading.Thread(target=officer, args=(i,)) for i in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not failures and not not_visible
    rows = store.db.execute(
        "SELECT target, n_results, action FROM web_audit WHERE username='loadtest'"
    ).fetchall()
    targets = [r[0] for r in rows]
    assert len(targets) == n_threads * per_thread == len(set(targets))
    assert {r[2] for r in rows} == {"search"}
    assert all(int(t.rsplit("-", 1)[1]) == n for t, n, _ in rows)
    # Grouped: the 31 entries submitted while the first was written went in one transaction.
    assert grouped.is_set()
    assert store._audit.items == n_threads * per_thread
    assert store._audit.batches <= store._audit.items - (n_threads - 2)


def test_a_failed_audit_transaction_fails_every_request_it_carried() -> None:
    db = sqlite3.connect(":memory:", check_same_thread=False)
    db.execute("CREATE TABLE audit (target TEXT NOT NULL CHECK (target != 'bad'))")
    committed_by: dict[str, int] = {}
    lock = threading.Lock()
    batch_no = 0

    def write_batch(items: list[str]) -> None:
        nonlocal batch_no
        with lock:
            batch_no += 1
            this = batch_no
        with db:  # one transaction: a CHECK failure rolls the whole batch back
            db.executemany("INSERT INTO audit VALUES (?)", [(t,) for t in items])
        for t in items:
            committed_by[t] = this

    gc: GroupCommit[str] = GroupCommit(write_batch)
    outcome: dict[str, str] = {}
    barrier = threading.Barrier(20)

    def request(i: int) -> None:
        target = "bad" if i == 7 else f"ok-{i}"
        barrier.wait()
        try:
            gc.submit(target)
            outcome[target] = "returned"
        except sqlite3.IntegrityError:
            outcome[target] = "failed"

    threads = [threading.Thread(target=request, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    stored = {r[0] for r in db.execute("SELECT target FROM audit")}
    assert outcome["bad"] == "failed"
    # Every request either returned with its entry stored, or failed with it not stored.
    for target, how in outcome.items():
        assert (how == "returned") == (target in stored), target
    assert len(outcome) == 20
    with pytest.raises(sqlite3.IntegrityError):  # alone, too
        gc.submit("bad")
    gc.submit("ok-after")
    assert "ok-after" in {r[0] for r in db.execute("SELECT target FROM audit")}


def test_audits_from_an_event_loop_join_the_group_commit_and_keep_its_guarantees() -> None:
    """`submit_async` (used by `hoso serve` for search audits): each entry committed once
    before its coroutine returns, batched with the others (also with threads submitting at
    the same time), and a failed transaction fails every submitter it carried."""
    db = sqlite3.connect(":memory:", check_same_thread=False)
    db.execute("CREATE TABLE audit (target TEXT NOT NULL CHECK (target != 'bad'))")
    db_lock = threading.Lock()

    def write_batch(items: list[str]) -> None:
        with db_lock, db:  # one transaction: a CHECK failure rolls the whole batch back
            db.executemany("INSERT INTO audit VALUES (?)", [(t,) for t in items])

    def stored(target: str) -> int:
        with db_lock:
            return int(
                db.execute("SELECT count(*) FROM audit WHERE target=?", (target,)).fetchone()[0]
            )

    gc: GroupCommit[str] = GroupCommit(write_batch, max_batch=50)  # "bad" fails one of them
    grouped = _hold_first_write(gc, 150)
    outcome: dict[str, str] = {}

    async def request(target: str) -> None:
        try:
            await gc.submit_async(target)
        except sqlite3.IntegrityError:
            outcome[target] = "failed" if stored(target) == 0 else "failed but stored"
            return
        outcome[target] = "returned" if stored(target) == 1 else "returned, not stored once"

    def thread_request(target: str) -> None:
        try:
            gc.submit(target)
            outcome[target] = "returned" if stored(target) == 1 else "returned, not stored once"
        except sqlite3.IntegrityError:
            outcome[target] = "failed" if stored(target) == 0 else "failed but stored"

    async def main() -> None:
        threads = [
            threading.Thread(target=thread_request, args=(f"thread-{i}",)) for i in range(10)
        ]
        for t in threads:
            t.start()
        await asyncio.gather(*(request("bad" if i == 37 else f"loop-{i}") for i in range(200)))
        for t in threads:
            t.join(timeout=60)

    asyncio.run(main())
    assert len(outcome) == 210
    assert outcome["bad"] == "failed"
    assert set(outcome.values()) <= {"returned", "failed"}
    n_stored = db.execute("SELECT count(*) FROM audit").fetchone()[0]
    assert n_stored == sum(v == "returned" for v in outcome.values()) == gc.items
    assert grouped.is_set() and gc.batches < gc.items  # grouped
    asyncio.run(request("alone"))  # the writer thread serves a later loop too
    assert outcome["alone"] == "returned"


def test_hoso_serve_commits_the_audit_of_a_search_before_answering(
    web_sample: SampleArchive,
) -> None:
    from search.web.cli_serve import ServeStore, build_app

    app = build_app(web_sample.archive)
    store = app.state.ctx.store
    assert isinstance(store, ServeStore)
    check = sqlite3.connect(web_sample.archive / "catalog.sqlite")
    with TestClient(app) as client:
        assert login(client).status_code == 303
        for q in ("nguyen van trang", "khong co ai ten nay"):
            r = client.get("/search", params={"q": q})
            assert r.status_code == 200 and 'class="summary"' in r.text
            rows = check.execute(
                "SELECT target FROM web_audit WHERE username=? AND action='search'"
                " AND target LIKE ?",
                (web_fixtures.OFFICER, f'%"{q}"%'),
            ).fetchall()
            assert len(rows) >= 1, q
    assert store._audit._writer is not None  # taken from the event loop
    check.close()


def test_every_response_carries_the_security_headers(
    web_app,  # type: ignore[no-untyped-def]
    web_sample: SampleArchive,
) -> None:
    client = TestClient(web_app)
    assert login(client).status_code == 303
    for path, no_store in (
        ("/search?q=nguyen+van+trang", True),
        ("/api/search?q=nguyen", True),
        ("/login", True),
        ("/public", False),
        ("/static/hoso.css", False),
        ("/no-such-page", True),
    ):
        r = client.get(path)
        assert r.headers["x-content-type-options"] == "nosniff", path
        assert r.headers["x-frame-options"] == "DENY", path
        assert r.headers["referrer-policy"] == "same-origin", path
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"], path
        assert "cdn.jsdelivr.net" not in r.headers["content-security-policy"], path
        assert (r.headers.get("cache-control") == "no-store") == no_store, path
    docs = client.get("/docs")  # its own policy: inline script, still no other host
    assert "'unsafe-inline'" in docs.headers["content-security-policy"]
    assert "http" not in docs.headers["content-security-policy"]
    # A Cache-Control set by the endpoint itself is kept (page images are cached privately).
    image = client.get(f"/page/{web_sample.cases[0].sha256}/1/image")
    assert image.status_code == 200
    assert image.headers["cache-control"] == "private, max-age=3600"
    assert image.headers["x-frame-options"] == "DENY"


def test_search_page_keeps_the_selected_filters(web_app) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(web_app)
    assert login(client).status_code == 303
    page = client.get("/search", params={"q": "nguyen", "role": "bi_don", "doc_type": "ban_an"})
    assert '<option value="bi_don" selected>' in page.text
    assert '<option value="ban_an" selected>' in page.text
    assert page.text.count(" selected>") == 2
    plain = client.get("/search", params={"q": "nguyen", "role": "nobody"})
    assert " selected>" not in plain.text


def test_a_verified_session_cookie_is_remembered_but_still_expires() -> None:
    import time

    from search.web.auth import SessionCodec

    codec = SessionCodec("k" * 43, max_age_s=3600)
    raw = codec.dumps(SessionCodec.logged_in("canbo"))
    first = codec.loads(raw)
    assert first is not None and first.username == "canbo"
    assert codec.loads(raw) is first  # the second request skips the HMAC work
    tampered = raw[:-2] + ("AA" if not raw.endswith("AA") else "BB")
    assert codec.loads(tampered) is None
    assert SessionCodec("x" * 43, max_age_s=3600).loads(raw) is None  # another key
    codec.max_age_s = 0
    time.sleep(1.05)  # signatures carry whole seconds
    assert codec.loads(raw) is None  # expired, remembered or not
    assert codec.loads(raw) is None

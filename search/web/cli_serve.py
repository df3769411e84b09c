"""`hoso serve`, `hoso user …`, `hoso audit`, `hoso withheld`: the web service's commands.

`serve` opens the catalog store and the search engine of an archive and runs the FastAPI
app with uvicorn (loopback by default). `user add/list/passwd/disable/token/revoke` manage
officer accounts (argon2 hashes) and API tokens; `audit` lists who searched or viewed what;
`withheld` lists the public rows the last privacy check kept back (search/web/policy.py).
"""

from __future__ import annotations

import datetime as dt
import functools
import getpass
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ingest.cli_common import (
    DEFAULT_ARCHIVE,
    ArchiveOpt,
    EsUrlOpt,
    JsonOpt,
    console,
    fail,
    print_json,
    printable,
)
from schemas.errors import ExitCode
from search.web import accounts

if TYPE_CHECKING:
    from ingest.catalog import Catalog

user_app = typer.Typer(help="Officer accounts and API tokens for the web service.")


def _catalog_db(archive: Path) -> Catalog:
    from ingest.catalog import Catalog

    if not (archive / Catalog.FILENAME).exists():
        raise fail(f"no hoso catalog in {archive} (run `hoso ingest` first)", ExitCode.BAD_INPUT)
    return Catalog(archive)


class PerThreadEngine:
    """One search engine per request thread: SQLite connections then work in parallel."""

    def __init__(self, archive: Path, es_url: str | None) -> None:
        import threading

        from search.engine import open_engine, serve_cache_entries

        # The threads share one result cache per process (SQLite only; HOSO_SEARCH_CACHE=0: off).
        entries = serve_cache_entries()
        self._open = functools.partial(open_engine, archive, es_url, cache_entries=entries)
        self._local = threading.local()
        self._local.engine = self._open()  # fail at start-up, not at the first search

    def search(self, query: Any) -> Any:
        engine = getattr(self._local, "engine", None)
        if engine is None:
            engine = self._local.engine = self._open()
        return engine.search(query)


class ServeStore(accounts.CatalogStore):
    """The catalog store of `hoso serve`: the audit entry of a search is also taken from the
    event loop (`search.web.context.record_audit`), in the same group commit as the others,
    without a thread of the pool waiting for each commit."""

    async def record_audit_async(
        self, username: str, action: str, target: str, n_results: int | None
    ) -> None:
        import time

        # The entry `CatalogStore.record_audit` submits.
        await self._audit.submit_async((time.time(), username, action, target, n_results))


def build_app(
    archive: Path,
    es_url: str | None = None,
    *,
    policy_file: Path | None = None,
    anonymize: bool | None = None,
    cookie_secure: bool = False,
) -> Any:
    """The web app over an archive: catalog store + search engine + settings."""

    from ingest.cli_search import ensure_index
    from search.web import PublicPolicy, WebSettings, create_app

    ensure_index(archive, es_url)  # built if missing; one lacking pages is refused
    store = ServeStore(archive)
    policy = PublicPolicy.from_file(policy_file) if policy_file else PublicPolicy()
    if anonymize is not None:
        policy.anonymize_given_names = anonymize
    settings = WebSettings(
        secret_key=accounts.load_or_create_secret(archive),
        cookie_secure=cookie_secure,
        policy=policy,
    )
    from ingest.review import ArchiveReview

    review = ArchiveReview(archive, es_url)
    return create_app(PerThreadEngine(archive, es_url), store, settings, review=review)


def _app_factory() -> Any:
    """uvicorn --factory entry for several worker processes (reads HOSO_SERVE_* env)."""
    import json
    import os

    opts = json.loads(os.environ["HOSO_SERVE_OPTS"])
    return build_app(
        Path(opts["archive"]),
        opts.get("es_url"),
        policy_file=Path(opts["policy_file"]) if opts.get("policy_file") else None,
        anonymize=opts.get("anonymize"),
        cookie_secure=bool(opts.get("cookie_secure")),
    )


def serve(
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    es_url: EsUrlOpt = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.", min=1, max=32)] = 1,
    public_policy: Annotated[
        Path | None, typer.Option(help="JSON file with the public-disclosure policy.")
    ] = None,
    anonymize: Annotated[
        bool | None,
        typer.Option(
            "--anonymize/--no-anonymize",
            help="Public side: reduce given names to an initial (Nguyễn Văn A).",
        ),
    ] = None,
    cookie_secure: Annotated[
        bool, typer.Option(help="Mark cookies Secure (when served over HTTPS).")
    ] = False,
    keep_alive: Annotated[
        int,
        typer.Option(
            help="Seconds an idle HTTP connection is kept open: longer than an officer reads "
            "a result page, so the next search reuses it.",
            min=1,
            max=600,
        ),
    ] = 30,
) -> None:
    """Run the officer and public web service (FastAPI; OpenAPI docs at /docs)."""
    import json
    import os

    import uvicorn

    _catalog_db(archive).close()
    try:
        build_app(archive, es_url, policy_file=public_policy, anonymize=anonymize)
    except (OSError, ValueError) as exc:  # a policy file that cannot be read or used
        raise fail(str(exc)) from exc
    console.print(f"hoso: serving {archive} on http://{host}:{port}/ (docs at /docs)")
    os.environ["HOSO_SERVE_OPTS"] = json.dumps(
        {
            "archive": str(archive),
            "es_url": es_url,
            "policy_file": str(public_policy) if public_policy else None,
            "anonymize": anonymize,
            "cookie_secure": cookie_secure,
        }
    )
    uvicorn.run(
        "search.web.cli_serve:_app_factory",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
        timeout_keep_alive=keep_alive,
    )


@user_app.command("add")
def user_add(
    username: str,
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    role: Annotated[str, typer.Option(help="officer | admin")] = "officer",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create an officer account (the password is asked for, or read from stdin)."""
    import sys

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Mật khẩu: ")
        if getpass.getpass("Nhập lại mật khẩu: ") != password:
            raise fail("passwords do not match")
    with _catalog_db(archive) as cat:
        try:
            accounts.add_user(cat.db, username, password, role)
        except accounts.AccountError as exc:
            raise fail(str(exc)) from exc
    console.print(f"user {username} created")


@user_app.command("passwd")
def user_passwd(
    username: str,
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    password_stdin: Annotated[bool, typer.Option("--password-stdin")] = False,
) -> None:
    """Set a user's password."""
    import sys

    password = (
        sys.stdin.readline().rstrip("\n") if password_stdin else getpass.getpass("Mật khẩu: ")
    )
    with _catalog_db(archive) as cat:
        try:
            accounts.set_password(cat.db, username, password)
        except accounts.AccountError as exc:
            raise fail(str(exc)) from exc


@user_app.command("disable")
def user_disable(
    username: str,
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    enable: Annotated[bool, typer.Option("--enable", help="Re-enable instead.")] = False,
) -> None:
    """Disable an account (its API tokens are revoked), or re-enable it."""
    with _catalog_db(archive) as cat:
        try:
            accounts.set_disabled(cat.db, username, not enable)
        except accounts.AccountError as exc:
            raise fail(str(exc)) from exc


@user_app.command("list")
def user_list(archive: ArchiveOpt = DEFAULT_ARCHIVE, as_json: JsonOpt = False) -> None:
    """List accounts."""
    with _catalog_db(archive) as cat:
        users = accounts.list_users(cat.db)
    if as_json:
        print_json(users)
        return
    for u in users:
        state = "disabled" if u["disabled"] else "active"
        typer.echo(f"{u['username']}\t{u['role']}\t{state}\ttokens={u['active_tokens']}")


@user_app.command("token")
def user_token(
    username: str,
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    label: Annotated[str | None, typer.Option(help="What the token is for.")] = None,
) -> None:
    """Create an API token (printed once; send it as `Authorization: Bearer …`)."""
    with _catalog_db(archive) as cat:
        try:
            token = accounts.create_token(cat.db, username, label)
        except accounts.AccountError as exc:
            raise fail(str(exc)) from exc
    typer.echo(token)


@user_app.command("revoke")
def user_revoke(username: str, archive: ArchiveOpt = DEFAULT_ARCHIVE) -> None:
    """Revoke every API token of a user."""
    with _catalog_db(archive) as cat:
        n = accounts.revoke_tokens(cat.db, username)
    console.print(f"{n} token(s) revoked")


def audit(
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    user: Annotated[str | None, typer.Option(help="Only this user.")] = None,
    action: Annotated[
        str | None, typer.Option(help="Only this action (search, page_view, api_search…).")
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many entries.", min=1)] = 100,
    as_json: JsonOpt = False,
) -> None:
    """List the audit log: who searched or viewed what, when, with how many results."""
    with _catalog_db(archive) as cat:
        entries = accounts.audit_entries(cat.db, limit=limit, username=user, action=action)
        where = [describe_target(cat, e.target) for e in entries]
    if as_json:
        print_json([{**e.__dict__, "where": w} for e, w in zip(entries, where, strict=True)])
        return
    for e, w in zip(entries, where, strict=True):
        when = dt.datetime.fromtimestamp(e.at).isoformat(timespec="seconds")
        n = "" if e.n_results is None else str(e.n_results)
        fields = (when, e.username, e.action, n, w)
        typer.echo("\t".join(printable(f) for f in fields))


_SHA_PAGE = re.compile(r"^([0-9a-f]{64})(?::(\d+))?$")


def describe_target(cat: Catalog, target: str) -> str:
    """An audit target in words: "case THA-1 · file ho-so.pdf · page 3", "user canbo from
    127.0.0.1", or the search query. Entries written before targets named the case (a bare
    "<sha256>:<page>") are looked up in the catalog."""
    m = _SHA_PAGE.match(target)
    if m:
        case, _, path = cat.case_of(m.group(1))
        data: Any = {"case": case or None, "file": path or None, "page": m.group(2)}
    else:
        try:
            data = json.loads(target)
        except ValueError:
            return target
    if not isinstance(data, dict) or not ({"case", "file", "username"} & set(data)):
        return target
    if "username" in data:
        return f"user {data['username']} from {data.get('client') or '?'}"
    parts = [f"case {data['case']}" if data.get("case") else ""]
    parts.append(f"file {data['file']}" if data.get("file") else "")
    parts.append(f"page {data['page']}" if data.get("page") else "")
    if data.get("field"):  # a correction (search/web/routes_review.py)
        before, after = (json.dumps(data.get(k), ensure_ascii=False) for k in ("before", "after"))
        parts.append(f"{data['field']}: {before} → {after}")
    return " · ".join(p for p in parts if p) or target


def withheld(
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    limit: Annotated[int, typer.Option(help="At most this many rows.", min=1)] = 100,
    as_json: JsonOpt = False,
) -> None:
    """List the public rows the last privacy check withheld, for an officer to review."""
    with _catalog_db(archive) as cat:
        rows = accounts.withheld_rows(cat.db, limit=limit)
    if as_json:
        print_json([{**r.__dict__, "reasons": list(r.reasons)} for r in rows])
        return
    for r in rows:
        when = dt.datetime.fromtimestamp(r.last_seen).isoformat(timespec="seconds")
        fields = (when, r.case_id, r.kind, "; ".join(r.reasons), r.row_json)
        typer.echo("\t".join(printable(f) for f in fields))


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.command("audit")(audit)
    app.command("withheld")(withheld)
    app.add_typer(user_app, name="user")

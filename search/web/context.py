"""The request side shared by the routes: the app's context (`Ctx`: engine, store, settings,
templates, sessions), the officer dependencies, id validation and the two exceptions the
app answers (`LoginRequired`, `NotFound`). `app.py` builds a `Ctx`; the `routes_*` modules
read it from the request, so no route imports the app.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

import anyio.to_thread
from anyio import CapacityLimiter
from anyio.lowlevel import RunVar
from fastapi import Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from schemas import SearchQuery, SearchResult
from schemas.settings import settings
from search.web.auth import SESSION_COOKIE, Session, SessionCodec
from search.web.policy import PublicPolicy, PublicView
from search.web.results_html import ResultsFragments
from search.web.store import WebStore

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
CASE_ID_RE = re.compile(r"^\w[\w .()\-]{0,127}$")
DOC_ID_RE = re.compile(r"^[0-9a-f]{64}:[0-9]{1,5}$")
PAGE_NO_RE = re.compile(r"^[1-9][0-9]{0,4}$")

T = TypeVar("T")


class SearchEngine(Protocol):
    def search(self, query: SearchQuery) -> SearchResult: ...


@dataclass
class WebSettings:
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    session_max_age_s: int = 8 * 3600
    cookie_secure: bool = False  # set when served over HTTPS (behind a proxy)
    per_page: int = 10
    policy: PublicPolicy = field(default_factory=PublicPolicy)
    site_name: str = "Hồ sơ thi hành án dân sự"
    public_cache_s: float = 30.0
    # Searches (page and API) running at once in a worker process; the others wait their
    # turn. They are CPU-bound under one GIL: a few threads use the CPU as well as the 40
    # of the shared thread pool, which spent more CPU a search switching between them. Two
    # (one in Python while the other is in SQLite, which releases the GIL) against four:
    # 3.3 against 4.6 ms of CPU a search request under the 50-officer load (BENCHMARKS.md's
    # history: `git show e6bbfa3:BENCHMARKS.md`, Web, session 4).
    search_threads: int = field(default_factory=lambda: settings().search_threads)


class LoginRequired(Exception):
    """Raised by the officer dependency; answered with 401 (API) or a redirect (pages)."""


class NotFound(Exception):
    """An id that is malformed or unknown: always a plain 404, whatever was wrong."""


@dataclass
class Ctx:
    engine: SearchEngine
    store: WebStore
    settings: WebSettings
    templates: Jinja2Templates
    codec: SessionCodec
    public: PublicView
    results: ResultsFragments


# One limiter per event loop (anyio's RunVar), as anyio does for its default thread limiter:
# a limiter made under one loop must not be awaited under another (tests start several).
_SEARCH_LIMITER: RunVar[CapacityLimiter] = RunVar("hoso_search_limiter")


async def run_search(ctx: Ctx, work: Callable[[], T]) -> T:
    """Run `work` (a search, its audit entry, its rendering) in a worker thread, at most
    `settings.search_threads` of them at once in this process."""
    try:
        limiter = _SEARCH_LIMITER.get()
    except LookupError:
        limiter = CapacityLimiter(max(1, ctx.settings.search_threads))
        _SEARCH_LIMITER.set(limiter)
    return await anyio.to_thread.run_sync(work, limiter=limiter)


async def record_audit(
    ctx: Ctx, username: str, action: str, target: str, n_results: int | None
) -> None:
    """Write an audit entry and return once it is committed. Never in a search thread: a
    search thread never waits for the catalog's write lock (held in turn by every worker
    process), it goes on to the next search. A store with `record_audit_async` (that of
    `hoso serve`) takes the entry from the event loop, no thread waiting for the commit;
    otherwise a thread of the shared pool waits."""
    submit = getattr(ctx.store, "record_audit_async", None)
    if submit is not None:
        await submit(username, action, target, n_results)
        return
    await anyio.to_thread.run_sync(ctx.store.record_audit, username, action, target, n_results)


def ctx_of(request: Request) -> Ctx:
    ctx: Ctx = request.app.state.ctx
    return ctx


def session_of(request: Request) -> Session | None:
    return ctx_of(request).codec.loads(request.cookies.get(SESSION_COOKIE))


def set_session(request: Request, response: Response, session: Session) -> None:
    ctx = ctx_of(request)
    response.set_cookie(
        SESSION_COOKIE,
        ctx.codec.dumps(session),
        max_age=ctx.settings.session_max_age_s,
        httponly=True,
        samesite="strict",
        secure=ctx.settings.cookie_secure,
        path="/",
    )


# The two officer dependencies are `async`: FastAPI then runs them on the event loop
# instead of sending each one to the thread pool before the (sync) endpoint goes there too.
# They cost a signature check and one indexed SQLite read (WAL: readers never wait).


async def officer_from_session(request: Request) -> str:
    """Dependency of officer pages: the logged-in username, else LoginRequired."""
    return _session_officer(request)


def officer_of_request(request: Request) -> str:
    """What `officer_from_session` gives, for an endpoint that checks it itself."""
    return _session_officer(request)


async def officer_from_api(request: Request) -> str:
    """Dependency of officer API endpoints: a bearer token or a session."""
    auth = request.headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        username = ctx_of(request).store.user_for_token(token.strip())
        if username is None:
            raise LoginRequired
        user = ctx_of(request).store.user(username)
        if user is None or user.disabled:
            raise LoginRequired
        return username
    return _session_officer(request)


def _session_officer(request: Request) -> str:
    ctx = ctx_of(request)
    session = session_of(request)
    if session is None or not session.username:
        raise LoginRequired
    user = ctx.store.user(session.username)
    if user is None or user.disabled:
        raise LoginRequired
    request.state.session = session
    return user.username


def valid_sha(sha: str) -> str:
    if not SHA256_RE.fullmatch(sha):
        raise NotFound
    return sha


def valid_page_no(page_no: str) -> int:
    if not PAGE_NO_RE.fullmatch(page_no):
        raise NotFound
    return int(page_no)


def valid_case_id(case_id: str) -> str:
    if not CASE_ID_RE.fullmatch(case_id) or ".." in case_id:
        raise NotFound
    return case_id


def valid_doc_id(doc_id: str) -> str:
    if not DOC_ID_RE.fullmatch(doc_id):
        raise NotFound
    return doc_id


def safe_next(target: str | None) -> str:
    """Only same-site absolute paths are followed after login (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/search"
    return target

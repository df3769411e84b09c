"""The web service: `create_app(engine, store, settings)` builds the FastAPI application.

Everything the app touches comes in through its three arguments (dependency injection):
`engine.search(SearchQuery) -> SearchResult` (embedded SQLite FTS5 or Elasticsearch),
`store` (a `WebStore`: catalog content, accounts, audit) and `settings`. Pages are rendered
on the server with Jinja2 (autoescaped); the officer side needs a session or, under
`/api/`, a bearer token; the public side goes through `policy.PublicView` only.
This module wires things together; the routes live in `routes_*.py`.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar
from urllib.parse import quote

import anyio.to_thread
import jinja2
from anyio import CapacityLimiter
from anyio.lowlevel import RunVar
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from fastapi_offline import FastAPIOffline
from markupsafe import Markup, escape
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from schemas import CaseGroup, SearchQuery, SearchResult
from schemas.vocab import DATE_KIND_LABELS_VI, DOC_TYPE_LABELS_VI, DOC_TYPES, ROLE_LABELS_VI, ROLES
from search.web.auth import SESSION_COOKIE, Session, SessionCodec
from search.web.highlight import snippet_html
from search.web.policy import PublicPolicy, PublicView
from search.web.store import WebStore

HERE = Path(__file__).parent

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
CASE_ID_RE = re.compile(r"^\w[\w .()\-]{0,127}$")
DOC_ID_RE = re.compile(r"^[0-9a-f]{64}:[0-9]{1,5}$")
PAGE_NO_RE = re.compile(r"^[1-9][0-9]{0,4}$")

T = TypeVar("T")


class SearchEngine(Protocol):
    def search(self, query: SearchQuery) -> SearchResult: ...


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return max(1, int(raw)) if raw.isdigit() else default


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
    # 3.3 against 4.6 ms of CPU a search request under the 50-officer load (BENCHMARKS.md).
    search_threads: int = field(default_factory=lambda: _env_int("HOSO_SEARCH_THREADS", 2))


class LoginRequired(Exception):
    """Raised by the officer dependency; answered with 401 (API) or a redirect (pages)."""


class NotFound(Exception):
    """An id that is malformed or unknown: always a plain 404, whatever was wrong."""


def _e(value: object) -> str:
    """HTML-escaped text of a value: the characters and entities of markupsafe's `escape`
    (Jinja's autoescape), without making a Markup object for every value."""
    s = value if type(value) is str else str(value)
    if "&" in s or "<" in s or ">" in s or "'" in s or '"' in s:
        return (
            s.replace("&", "&amp;")
            .replace("<", "&lt;")
            .replace(">", "&gt;")
            .replace("'", "&#39;")
            .replace('"', "&#34;")
        )
    return s


# Pieces of the case list that depend on one value only, made once.
_DOC_TYPE_TAGS = {k: f'<span class="tag">{_e(v)}</span>' for k, v in DOC_TYPE_LABELS_VI.items()}
_ROLE_LABELS_HTML = {k: _e(v) for k, v in ROLE_LABELS_VI.items()}


@functools.lru_cache(maxsize=4096)
def _date_html(iso: str) -> str:
    return f"<span>ngày {_e(_vi_date(iso))}</span>"


@functools.lru_cache(maxsize=4096)
def _case_head_html(case_id: str) -> str:
    return (
        '\n  <li class="case-group">\n'
        f'    <h2><a href="/case/{_e(quote(case_id, safe=""))}">'
        f"Hồ sơ {_e(case_id)}</a></h2>\n"
        '    <ul class="hits">\n    '
    )


def results_list_html(cases: list[CaseGroup], q: str) -> str:
    """The case list of a search page: the HTML the former template `_results.html`
    rendered, byte for byte, written out in Python (Jinja's per-expression machinery was
    ~10% of the CPU of a search request). Every value is escaped; the snippet keeps only
    its <mark> tags (`highlight.snippet_html`)."""
    out = ['<ol class="cases">\n']
    append = out.append
    link_q = _e(quote(q, safe=""))
    for group in cases:
        append(_case_head_html(str(group.case_id)))
        for hit in group.hits:
            head = (
                _DOC_TYPE_TAGS[hit.doc_type] if hit.doc_type else "",
                f'Số <span class="num">{_e(hit.own_number)}</span>' if hit.own_number else "",
                _date_html(hit.doc_date) if hit.doc_date else "",
                f'<span class="muted">{_e(hit.issuer)}</span>' if hit.issuer else "",
            )
            append('\n      <li class="hit">\n        <div class="hit-head">\n          ')
            append("\n          ".join(head))
            append("\n        </div>\n        ")
            party = hit.matched_party
            if party:
                acts_for = ""
                if party.represents:  # a representative or lawyer: whom, each a search link
                    links = ", ".join(
                        f'<a href="/search?q={_e(quote(r, safe=""))}">{_e(r)}</a>'
                        for r in party.represents
                    )
                    acts_for = f' <span class="muted represents">(đại diện cho {links})</span>'
                append(
                    f'\n        <div class="party">{_ROLE_LABELS_HTML[party.role]}: '
                    f"<strong>{_e(party.name)}</strong>{acts_for}</div>\n        "
                )
            source = f" · {_e(hit.source_path)}" if hit.source_path else ""
            page_no = _e(hit.page_no)
            append(
                f'\n        <div class="snippet">{snippet_html(hit.snippet)}</div>\n'
                f'        <a class="page-link" href="/page/{_e(hit.sha256)}/{page_no}'
                f'?q={link_q}">Trang {page_no}{source}</a>\n      </li>\n    '
            )
        append("\n    </ul>\n  </li>\n")
    if not cases:
        append('\n  <li class="muted">Không tìm thấy hồ sơ nào.</li>\n')
    append("\n</ol>")
    return "".join(out)


def _search_link(q: str, form: dict[str, str], page: int) -> str:
    return (
        f"/search?q={_e(quote(q, safe=''))}&role={_e(form['role'])}"
        f"&doc_type={_e(form['doc_type'])}&issuer={_e(quote(form['issuer'], safe=''))}"
        f"&year={_e(form['year'])}&page={page}"
    )


def search_page_html(
    *,
    user: str | None,
    csrf: str,
    site_name: str,
    q: str,
    form: dict[str, str],
    result: SearchResult | None,
    results_html: str,
    error: str | None,
    page: int,
    n_pages: int,
) -> str:
    """The officer search page: what the templates `search.html` in `base.html` render,
    byte for byte (tests/test_web_pages.py compares them), written out in Python: the page
    is rendered for every search and Jinja's machinery was ~5% of a search request's CPU.
    `results_html` is trusted markup (`results_list_html`); everything else is escaped."""
    q_html, site = _e(q), _e(site_name)
    out = [
        '<!doctype html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Tra cứu{': ' + q_html if q else ''} – {site}</title>\n"
        '<link rel="stylesheet" href="/static/hoso.css">\n</head>\n<body>\n'
        f'<header class="top">\n  <a class="brand" href="/">{site}</a>\n  <nav>\n    '
    ]
    if user:
        out.append(
            '\n      <a href="/search">Tra cứu</a>\n'
            '      <a href="/review">Rà soát</a>\n'
            '      <a href="/stats">Thống kê</a>\n'
            '      <a href="/public">Trang công khai</a>\n'
            f'      <span class="who">{_e(user)}</span>\n'
            '      <form method="post" action="/logout" class="inline">\n'
            f'        <input type="hidden" name="csrf_token" value="{_e(csrf)}">\n'
            '        <button type="submit">Đăng xuất</button>\n'
            "      </form>\n    "
        )
    else:
        out.append(
            '\n      <a href="/public">Danh sách công khai</a>\n'
            '      <a href="/login">Đăng nhập cán bộ</a>\n    '
        )
    out.append(
        "\n  </nav>\n</header>\n<main>\n\n"
        '<form method="get" action="/search" class="search">\n'
        f'  <input type="search" name="q" value="{q_html}" placeholder="Tên đương sự, số bản án'
        ' / quyết định, hoặc nội dung" aria-label="Tìm kiếm" maxlength="300">\n'
        '  <select name="role" aria-label="Vai trò">\n'
        '    <option value="">— Vai trò —</option>\n'
        f"    {_select_options('role', form['role'])}\n"
        "  </select>\n"
        '  <select name="doc_type" aria-label="Loại văn bản">\n'
        '    <option value="">— Loại văn bản —</option>\n'
        f"    {_select_options('doc_type', form['doc_type'])}\n"
        "  </select>\n"
        f'  <input name="issuer" value="{_e(form["issuer"])}" placeholder="Cơ quan ban hành"'
        ' aria-label="Cơ quan ban hành" maxlength="200">\n'
        f'  <input name="year" value="{_e(form["year"])}" placeholder="Năm" aria-label="Năm"'
        ' size="5" maxlength="4" inputmode="numeric">\n'
        '  <button type="submit">Tìm</button>\n</form>\n'
    )
    if error:
        out.append(f'<p class="error" role="alert">{_e(error)}</p>')
    out.append("\n")
    if result:
        out.append(
            f'\n<p class="summary">{_e(result.total_cases)} hồ sơ phù hợp · '
            f"{result.took_ms:.0f} ms · {_e(result.backend)}</p>\n"
            f"{results_html}\n"
        )
        if n_pages > 1:
            out.append('\n<nav class="pager">\n  ')
            if page > 1:
                out.append(f'<a href="{_search_link(q, form, page - 1)}" rel="prev">‹ Trước</a>')
            out.append(f"\n  <span>Trang {_e(page)} / {_e(n_pages)}</span>\n  ")
            if page < n_pages:
                out.append(f'<a href="{_search_link(q, form, page + 1)}" rel="next">Sau ›</a>')
            out.append("\n</nav>\n")
        out.append("\n")
    out.append("\n\n</main>\n</body>\n</html>")
    return "".join(out)


class ResultsFragments:
    """The rendered case list of a search result, kept for results handed out again.

    A result answered from the engine's cache (`search.engine.ResultCache`) shares its
    `cases` list with the cached entry, so the list rendered once serves every repeat of
    that search (the links carry the query text, which is part of the key). Each entry
    holds the list it was rendered from: its id cannot be reused while the entry exists.
    """

    def __init__(self, entries: int = 256) -> None:
        self._entries = entries
        self._lock = threading.Lock()
        self._data: OrderedDict[tuple[int, str], tuple[object, Markup]] = OrderedDict()

    def html(self, cases: list[CaseGroup], q: str) -> Markup:
        key = (id(cases), q)
        with self._lock:
            kept = self._data.get(key)
            if kept is not None and kept[0] is cases:
                self._data.move_to_end(key)
                return kept[1]
        html = Markup(results_list_html(cases, q))
        with self._lock:
            self._data[key] = (cases, html)
            self._data.move_to_end(key)
            while len(self._data) > self._entries:
                self._data.popitem(last=False)
        return html


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


def _templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(HERE / "templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,  # templates are package files: no stat() per render
    )
    env.filters["snippet"] = snippet_html
    env.filters["vnd"] = lambda v: f"{int(v):,}".replace(",", ".") + " đồng"
    env.filters["vidate"] = _vi_date
    env.globals["ROLE_LABELS"] = ROLE_LABELS_VI
    env.globals["DOC_TYPE_LABELS"] = DOC_TYPE_LABELS_VI
    env.globals["DATE_KIND_LABELS"] = DATE_KIND_LABELS_VI
    env.globals["urlq"] = lambda s: quote(str(s), safe="")
    env.globals["select_options"] = _select_options
    return Jinja2Templates(env=env)


@functools.lru_cache(maxsize=64)
def _select_options(kind: str, selected: str) -> Markup:
    """The <option>s of the role or document-type filter, made once per selected value
    (the search page is rendered for every search; its filter lists never change)."""
    values, labels = (ROLES, ROLE_LABELS_VI) if kind == "role" else (DOC_TYPES, DOC_TYPE_LABELS_VI)
    return Markup(
        "".join(
            f'<option value="{escape(v)}"{" selected" if v == selected else ""}>'
            f"{escape(labels[v])}</option>"
            for v in values
        )
    )


def _vi_date(iso: str | None) -> str:
    if not iso:
        return ""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso)
    return f"{m.group(3)}/{m.group(2)}/{m.group(1)}" if m else iso


_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
}
# The OpenAPI pages (assets of the package fastapi-offline, served here) start Swagger UI
# with an inline script, and both UIs set inline styles; ReDoc searches in a blob worker.
# Nothing is loaded from another host.
DOCS_ASSETS = "/static/api-docs"
_DOCS_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; worker-src 'self' blob:; frame-ancestors 'none'"
)


class SecurityHeaders:
    """Adds the security headers (and no-store on officer responses) to every response.

    A plain ASGI middleware: it only edits the response-start message, where Starlette's
    `BaseHTTPMiddleware` would add a task group and memory streams to every request.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        docs = path in ("/docs", "/redoc")
        no_store = not path.startswith(("/static/", "/public"))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for k, v in _SECURITY_HEADERS.items():
                    if k not in headers:
                        headers.append(k, v)
                if docs:
                    headers["Content-Security-Policy"] = _DOCS_CSP
                if no_store and "cache-control" not in headers:
                    headers.append("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)


# Allocations between two collections of the youngest generation (CPython's default: 700).
GC_GEN0_THRESHOLD = 10_000


def tune_gc() -> None:
    """Less garbage-collector work per request in a server process (run at its start-up).

    A search allocates thousands of containers (decoded index records, models), so the
    collector ran ~1,000 times a minute, now and then over every object of the process
    (~110,000: FastAPI, pydantic, templates): 0.56 ms of CPU a search request, about 10%.
    Objects alive at start-up are moved out of its reach for good (`gc.freeze`), and the
    youngest generation is collected every 10,000 allocations instead of 700: 0.16 ms.
    Reference counting frees almost everything a request makes, as before; only cycles wait
    a little longer for the collector."""
    gc.collect()
    gc.freeze()
    gen0, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(max(gen0, GC_GEN0_THRESHOLD), gen1, gen2)


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    tune_gc()
    yield


def create_app(
    engine: SearchEngine, store: WebStore, settings: WebSettings, review: object | None = None
) -> FastAPI:
    """The whole web service (officer pages, public pages, REST API under /api/). With
    `review` (a `routes_review.ReviewService`), officers can also review and correct."""
    from search.web import routes_api, routes_officer, routes_public, routes_review

    # /docs and /redoc load Swagger UI and ReDoc from the files of the installed package
    # fastapi-offline (served under DOCS_ASSETS), never from a CDN: they work offline.
    app = FastAPIOffline(
        static_url=DOCS_ASSETS,
        lifespan=_lifespan,
        # FastAPI's built-in OpenTelemetry looks the global providers up on every request;
        # nothing here exports traces or metrics, so it is off.
        telemetry={"tracing": False, "metrics": False, "logs": False},
        title="hoso",
        description="Tra cứu hồ sơ thi hành án dân sự (officer API and public API).",
        version="0.1.0",
    )
    templates = _templates()
    app.state.ctx = Ctx(
        engine=engine,
        store=store,
        settings=settings,
        templates=templates,
        codec=SessionCodec(settings.secret_key, settings.session_max_age_s),
        public=PublicView(settings.policy),
        results=ResultsFragments(),
    )
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(routes_officer.router)
    app.include_router(routes_public.router)
    app.include_router(routes_api.router)
    app.state.review = review
    app.include_router(routes_review.router)
    app.include_router(routes_review.api)

    app.add_middleware(SecurityHeaders)

    def _is_api(request: Request) -> bool:
        return request.url.path.startswith("/api/")

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        if _is_api(request):
            return JSONResponse(
                {"detail": "authentication required"},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return _error(request, 404, "Không tìm thấy")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        messages = {404: "Không tìm thấy", 403: "Không được phép", 405: "Phương thức không hợp lệ"}
        return _error(request, exc.status_code, messages.get(exc.status_code, str(exc.detail)))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        if _is_api(request):
            # Only the location and message: never echo the input back.
            errors = [{"loc": e.get("loc"), "msg": e.get("msg")} for e in exc.errors()]
            return JSONResponse({"detail": errors}, status_code=422)
        return _error(request, 422, "Yêu cầu không hợp lệ")

    def _error(request: Request, status: int, message: str) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": message}, status_code=status)
        return templates.TemplateResponse(
            request,
            "error.html",
            {
                "status": status,
                "message": message,
                "user": None,
                "csrf": "",
                "site_name": settings.site_name,
            },
            status_code=status,
        )

    return app


__all__ = ["HTMLResponse", "SearchEngine", "WebSettings", "create_app"]

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
import gc
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import quote

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from fastapi_offline import FastAPIOffline
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from schemas.vocab import DATE_KIND_LABELS_VI, DOC_TYPE_LABELS_VI, ROLE_LABELS_VI
from search.web import routes_api, routes_officer, routes_public, routes_review
from search.web.auth import SessionCodec
from search.web.context import (
    Ctx,
    LoginRequired,
    NotFound,
    SearchEngine,
    WebSettings,
)
from search.web.highlight import snippet_html
from search.web.policy import PublicView
from search.web.results_html import ResultsFragments, _select_options, _vi_date
from search.web.store import WebStore

HERE = Path(__file__).parent


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

"""Officer pages (login required): search, case, page viewer, downloads; login and logout.

Every search, case view, page view and download is written to the audit log before the page
is returned (naming the case, file and page: `audit_log`), and so is every login, failed
login, lockout and logout.
Ids in URLs are checked against strict patterns and files are only ever reached through
the store (catalog paths), so no URL can name a file outside the archive.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from schemas import SearchQuery, SearchResult
from schemas.vocab import DOC_TYPES, ROLES
from search.web.audit_log import file_target, login_target, page_target
from search.web.auth import SESSION_COOKIE, LoginThrottle, Session, SessionCodec, same
from search.web.casefile import case_view
from search.web.context import (
    LoginRequired,
    NotFound,
    ctx_of,
    officer_from_session,
    officer_of_request,
    record_audit,
    run_search,
    safe_next,
    session_of,
    set_session,
    valid_case_id,
    valid_page_no,
    valid_sha,
)
from search.web.highlight import highlighted_indices
from search.web.images import page_jpeg
from search.web.results_html import search_page_html

router = APIRouter(include_in_schema=False)
_throttle = LoginThrottle()
_YEAR = re.compile(r"^(19|20)\d{2}$")


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
    session: Session | None = None,
) -> Response:
    """Render a page; every page carries the session's CSRF token for its forms."""
    ctx = ctx_of(request)
    current = session or session_of(request)
    fresh = current is None
    if current is None:
        current = SessionCodec.anonymous()
    context = {
        "user": current.username,
        "csrf": current.csrf,
        "site_name": ctx.settings.site_name,
        **context,
    }
    response = ctx.templates.TemplateResponse(request, template, context, status_code=status_code)
    if fresh or session is not None:
        set_session(request, response, current)
    return response


def check_csrf(request: Request, token: str) -> Session:
    """The form's token must equal the session's; otherwise the POST is refused (403)."""
    session = session_of(request)
    if session is None or not same(session.csrf, token):
        from fastapi import HTTPException

        raise HTTPException(status_code=403, detail="CSRF token missing or wrong")
    return session


@router.get("/")
def home(request: Request) -> Response:
    session = session_of(request)
    return RedirectResponse("/search" if session and session.username else "/public", 303)


@router.get("/login")
def login_form(request: Request, next: str = "/search") -> Response:
    return render(request, "login.html", {"next": safe_next(next), "error": None})


@router.post("/login")
def login(
    request: Request,
    username: str = Form(..., max_length=100),
    password: str = Form(..., max_length=1000),
    csrf_token: str = Form("", max_length=200),
    next: str = Form("/search", max_length=2000),
) -> Response:
    check_csrf(request, csrf_token)
    ctx = ctx_of(request)
    key = username.strip().lower()
    who = username.strip()[:100] or "-"
    target = login_target(request, who)
    if _throttle.blocked(key):
        ctx.store.record_audit(who, "login_refused_locked", target, None)
        return render(
            request,
            "login.html",
            {"next": safe_next(next), "error": "Đăng nhập sai quá nhiều lần; thử lại sau."},
            status_code=429,
        )
    from search.web.auth import verify_password

    user = ctx.store.user(username.strip())
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or user.disabled:
        _throttle.failed(key)
        ctx.store.record_audit(who, "login_failed", target, None)
        if _throttle.blocked(key):
            ctx.store.record_audit(who, "lockout", target, None)
        return render(
            request,
            "login.html",
            {"next": safe_next(next), "error": "Sai tên đăng nhập hoặc mật khẩu."},
            status_code=401,
        )
    _throttle.succeeded(key)
    ctx.store.record_audit(user.username, "login", target, None)
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session(request, response, SessionCodec.logged_in(user.username))
    return response


@router.post("/logout")
def logout(request: Request, csrf_token: str = Form("", max_length=200)) -> Response:
    session = check_csrf(request, csrf_token)
    if session.username:
        ctx_of(request).store.record_audit(
            session.username, "logout", login_target(request, session.username), None
        )
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def parse_filters(role: str, doc_type: str, issuer: str, year: str) -> dict[str, Any]:
    """Form values → SearchQuery keywords; anything outside the vocabulary is dropped."""
    out: dict[str, Any] = {}
    if role in ROLES:
        out["role"] = role
    if doc_type in DOC_TYPES:
        out["doc_type"] = doc_type
    if issuer.strip():
        out["issuer"] = issuer.strip()[:200]
    if _YEAR.fullmatch(year.strip()):
        out["year_from"] = out["year_to"] = int(year.strip())
    return out


def audit_target(query: SearchQuery) -> str:
    return json.dumps(
        query.model_dump(exclude_defaults=True), ensure_ascii=False, separators=(",", ":")
    )


@router.get("/search")
async def search_page(request: Request) -> Response:
    # The officer check and the query parameters (all optional strings; the last value of
    # a repeated one, as FastAPI would give) are read here rather than declared: FastAPI's
    # per-parameter resolution and validation was ~4% of a search request's CPU.
    user = officer_of_request(request)
    params = request.query_params
    q = params.get("q", "").strip()[:300]
    role = params.get("role", "")
    doc_type = params.get("doc_type", "")
    issuer = params.get("issuer", "")
    year = params.get("year", "")
    page = params.get("page", "1")
    ctx = ctx_of(request)
    filters = parse_filters(role, doc_type, issuer, year)
    page_no = int(page) if page.isdigit() and 0 < int(page) <= 1000 else 1
    form = {
        "role": role if role in ROLES else "",
        "doc_type": doc_type if doc_type in DOC_TYPES else "",
        "issuer": issuer,
        "year": year if _YEAR.fullmatch(year.strip()) else "",
    }

    query = SearchQuery(q=q, page=page_no, per_page=ctx.settings.per_page, **filters) if q else None

    def work() -> tuple[Response, int | None]:  # in a search thread (app.run_search)
        result: SearchResult | None = None
        error = None
        if query is not None:
            try:
                result = ctx.engine.search(query)
            except Exception as exc:  # the backend is down: say so, do not crash the page
                error = f"Không tìm kiếm được ({type(exc).__name__})."
        n_pages = math.ceil(result.total_cases / ctx.settings.per_page) if result else 0
        # What render(request, "search.html", …) gives, written out in Python (app.py).
        current = session_of(request)
        fresh = current is None
        if current is None:
            current = SessionCodec.anonymous()
        response = HTMLResponse(
            search_page_html(
                user=current.username,
                csrf=current.csrf,
                site_name=ctx.settings.site_name,
                q=q,
                form=form,
                result=result,
                results_html=ctx.results.html(result.cases, q) if result else "",
                error=error,
                page=page_no,
                n_pages=n_pages,
            )
        )
        if fresh:
            set_session(request, response, current)
        return response, result.total_cases if result else None

    response, n_results = await run_search(ctx, work)
    if query is not None:  # answered only once its audit entry is committed
        await record_audit(ctx, user, "search", audit_target(query), n_results)
    return response


@router.get("/case/{case_id}")
def case_page(
    request: Request, case_id: str, user: str = Depends(officer_from_session)
) -> Response:
    ctx = ctx_of(request)
    view = case_view(ctx.store, valid_case_id(case_id))
    if view is None:
        raise NotFound
    ctx.store.record_audit(user, "case_view", case_id, len(view.documents))
    return render(request, "case.html", {"case": view})


@router.get("/page/{sha}/{page_no}")
def page_viewer(
    request: Request,
    sha: str,
    page_no: str,
    q: str = "",
    user: str = Depends(officer_from_session),
) -> Response:
    ctx = ctx_of(request)
    n = valid_page_no(page_no)
    rec = ctx.store.page(valid_sha(sha), n, with_words=True)
    if rec is None:
        raise NotFound
    words = rec.words or []
    marks = [words[i] for i in highlighted_indices(words, q[:300])] if q else []
    ctx.store.record_audit(user, "page_view", page_target(rec), len(marks))
    file = ctx.store.file(sha)
    return render(
        request,
        "page.html",
        {
            "page": rec,
            "marks": marks,
            "q": q[:300],
            "has_pdf": ctx.store.page_pdf(sha, n) is not None,
            "has_file_pdf": ctx.store.file_pdf(sha) is not None,
            "n_pages": file.n_pages if file else None,
            "width": rec.width or 2480,
            "height": rec.height or 3508,
        },
    )


@router.get("/page/{sha}/{page_no}/image")
def page_image(
    request: Request, sha: str, page_no: str, user: str = Depends(officer_from_session)
) -> Response:
    ctx = ctx_of(request)
    n = valid_page_no(page_no)
    pdf = ctx.store.page_pdf(valid_sha(sha), n)
    if pdf is None:
        raise NotFound
    rec = ctx.store.page(sha, n, with_words=False)
    data = page_jpeg(pdf, rec.width if rec else None)
    if data is None:
        raise NotFound
    return Response(
        data, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=3600"}
    )


@router.get("/page/{sha}/{page_no}/pdf")
def page_pdf(
    request: Request, sha: str, page_no: str, user: str = Depends(officer_from_session)
) -> Response:
    ctx = ctx_of(request)
    n = valid_page_no(page_no)
    pdf = ctx.store.page_pdf(valid_sha(sha), n)
    if pdf is None:
        raise NotFound
    ctx.store.record_audit(user, "page_download", file_target(ctx.store.file(sha), n), None)
    return FileResponse(pdf, media_type="application/pdf", filename=f"{sha[:12]}-p{n}.pdf")


@router.get("/file/{sha}/pdf")
def file_pdf(request: Request, sha: str, user: str = Depends(officer_from_session)) -> Response:
    ctx = ctx_of(request)
    pdf = ctx.store.file_pdf(valid_sha(sha))
    if pdf is None:
        raise NotFound
    ctx.store.record_audit(user, "file_download", file_target(ctx.store.file(sha)), None)
    return FileResponse(pdf, media_type="application/pdf", filename=f"{sha[:12]}.pdf")


__all__ = ["LoginRequired", "router"]

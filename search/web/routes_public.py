"""Public pages and their API (no login): only what `policy.PublicView` returns.

The handlers only see the public output models of `policy` (built from allowed fields and
passed through its last check); rows that check withheld are recorded in the catalog for
officer review (`hoso public withheld`). The filter searches the shown fields only, so no
query or URL can reach a hidden one.
"""

from __future__ import annotations

import json
import math
import threading
import time

from cachetools import TTLCache
from fastapi import APIRouter, Request
from fastapi.responses import Response

from schemas.normalize import fold
from search.web.context import Ctx, NotFound, ctx_of, valid_case_id
from search.web.policy import PublicCase, PublicDebtor, Withheld
from search.web.routes_officer import render
from search.web.store import WithheldRecord

router = APIRouter()
_PER_PAGE = 50
_lock = threading.Lock()


def public_debtors(ctx: Ctx) -> list[PublicDebtor]:
    """The whole public list, rebuilt at most every `public_cache_s` seconds."""
    with _lock:
        cache: TTLCache[str, list[PublicDebtor]] = ctx.__dict__.setdefault(
            "_public_cache",
            TTLCache(maxsize=1, ttl=ctx.settings.public_cache_s, timer=time.monotonic),
        )
        hit = cache.get("debtors")
    if hit is not None:
        return list(hit)
    docs = [d for t in ctx.public.policy.doc_types for d in ctx.store.documents_of_type(t)]
    case_ids = sorted({d.case_id for d in docs if d.case_id})
    case_docs = {c: ctx.store.case_documents(c) for c in case_ids}
    rows, withheld = ctx.public.debtors(ctx.store, docs, case_docs)
    _record(ctx, withheld)
    rows.sort(key=lambda r: (r.decision_date or "", r.case_id), reverse=True)
    with _lock:
        cache["debtors"] = rows
    return list(rows)


def _record(ctx: Ctx, withheld: list[Withheld]) -> None:
    ctx.store.record_withheld(
        [
            WithheldRecord(
                case_id=w.case_id,
                doc_id=w.doc_id,
                kind=w.kind,
                reasons=tuple(w.reasons),
                row_json=json.dumps(w.row, ensure_ascii=False, sort_keys=True),
            )
            for w in withheld
        ]
    )


def _filter(rows: list[PublicDebtor], q: str) -> list[PublicDebtor]:
    """Rows whose shown name or area contains the query (folded): nothing else is searched."""
    key = fold(q.strip()[:100])
    if not key:
        return rows
    return [r for r in rows if key in fold(r.name) or key in fold(r.area or "")]


def public_case(ctx: Ctx, case_id: str) -> PublicCase:
    valid_case_id(case_id)
    if not ctx.store.case_exists(case_id):
        raise NotFound
    out, withheld = ctx.public.case(ctx.store, case_id, ctx.store.case_documents(case_id))
    _record(ctx, withheld)
    if out is None:  # a case with nothing public is indistinguishable from no case
        raise NotFound
    return out


@router.get("/public", include_in_schema=False)
def public_list_page(request: Request, q: str = "", page: str = "1") -> Response:
    ctx = ctx_of(request)
    rows = _filter(public_debtors(ctx), q)
    n_pages = max(1, math.ceil(len(rows) / _PER_PAGE))
    page_no = min(int(page), n_pages) if page.isdigit() and int(page) > 0 else 1
    shown = rows[(page_no - 1) * _PER_PAGE : page_no * _PER_PAGE]
    return render(
        request,
        "public_list.html",
        {"rows": shown, "total": len(rows), "q": q[:100], "page": page_no, "n_pages": n_pages},
    )


@router.get("/public/case/{case_id}", include_in_schema=False)
def public_case_page(request: Request, case_id: str) -> Response:
    return render(request, "public_case.html", {"case": public_case(ctx_of(request), case_id)})


@router.get("/api/public/debtors", response_model=list[PublicDebtor], tags=["public"])
def api_public_debtors(
    request: Request, q: str = "", page: int = 1, per_page: int = _PER_PAGE
) -> list[PublicDebtor]:
    """Debtors of decisions 'chưa có điều kiện thi hành' (Luật THADS Điều 44a)."""
    rows = _filter(public_debtors(ctx_of(request)), q)
    per_page = max(1, min(per_page, 200))
    page = max(1, page)
    return rows[(page - 1) * per_page : page * per_page]


@router.get("/api/public/case/{case_id}", response_model=PublicCase, tags=["public"])
def api_public_case(request: Request, case_id: str) -> PublicCase:
    """Document metadata of a case that has a public decision."""
    return public_case(ctx_of(request), case_id)

"""The officer REST API under /api/: search, case, document, page (pydantic models).

Same rules as the pages: a bearer API token (`hoso user token`) or a session cookie is
required, every search and page read is audited, ids are validated. The query is built
field by field into a `SearchQuery`; nothing from the request is passed to a backend raw.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from schemas import Case, Document, PageRecord, SearchQuery, SearchResult
from schemas.vocab import DocType, Role
from search.web.audit_log import file_target, page_target
from search.web.context import (
    NotFound,
    ctx_of,
    officer_from_api,
    record_audit,
    run_search,
    valid_case_id,
    valid_doc_id,
    valid_page_no,
    valid_sha,
)
from search.web.routes_officer import audit_target

router = APIRouter(prefix="/api", tags=["officer"])


@router.get("/search", response_model=SearchResult)
async def api_search(
    request: Request,
    q: str = Query(..., min_length=1, max_length=300),
    role: Role | None = None,
    doc_type: DocType | None = None,
    issuer: str | None = Query(None, max_length=200),
    year_from: int | None = Query(None, ge=1900, le=2100),
    year_to: int | None = Query(None, ge=1900, le=2100),
    case_id: str | None = Query(None, max_length=128),
    page: int = Query(1, ge=1, le=1000),
    per_page: int = Query(10, ge=1, le=100),
    user: str = Depends(officer_from_api),
) -> SearchResult:
    """Search parties, numbers and page text; results grouped by case."""
    ctx = ctx_of(request)
    if case_id is not None:
        valid_case_id(case_id)
    query = SearchQuery(
        q=q,
        role=role,
        doc_type=doc_type,
        issuer=issuer,
        year_from=year_from,
        year_to=year_to,
        case_id=case_id,
        page=page,
        per_page=per_page,
    )
    result = await run_search(ctx, lambda: ctx.engine.search(query))
    await record_audit(ctx, user, "api_search", audit_target(query), result.total_cases)
    return result


@router.get("/case/{case_id}", response_model=Case)
def api_case(request: Request, case_id: str, user: str = Depends(officer_from_api)) -> Case:
    """Every document of a case, in order, with its extracted fields."""
    ctx = ctx_of(request)
    if not ctx.store.case_exists(valid_case_id(case_id)):
        raise NotFound
    docs = ctx.store.case_documents(case_id)
    pages = ctx.store.case_pages(case_id)
    ctx.store.record_audit(user, "api_case", case_id, len(docs))
    return Case(
        case_id=case_id,
        n_files=len({p.sha256 for p in pages}),
        n_pages=len(pages),
        documents=docs,
    )


@router.get("/document/{doc_id}", response_model=Document)
def api_document(request: Request, doc_id: str, user: str = Depends(officer_from_api)) -> Document:
    ctx = ctx_of(request)
    doc = ctx.store.document(valid_doc_id(doc_id))
    if doc is None:
        raise NotFound
    sha, _, first = doc_id.partition(":")
    ctx.store.record_audit(user, "api_document", file_target(ctx.store.file(sha), int(first)), 1)
    return doc


@router.get("/page/{sha}/{page_no}", response_model=PageRecord)
def api_page(
    request: Request,
    sha: str,
    page_no: str,
    words: bool = True,
    user: str = Depends(officer_from_api),
) -> PageRecord:
    """One page: OCR text, quality, and (by default) the words with their boxes."""
    ctx = ctx_of(request)
    n = valid_page_no(page_no)
    rec = ctx.store.page(valid_sha(sha), n, with_words=words)
    if rec is None:
        raise NotFound
    ctx.store.record_audit(user, "page_view", page_target(rec), 1)
    return rec


class WithheldRow(BaseModel):
    """A public row the last privacy check withheld (search/web/public_guard.py)."""

    case_id: str
    doc_id: str | None
    kind: str
    reasons: list[str]
    row: dict[str, Any]
    first_seen: float
    last_seen: float
    times: int


@router.get("/withheld", response_model=list[WithheldRow])
def api_withheld(
    request: Request,
    limit: int = Query(100, ge=1, le=1000),
    user: str = Depends(officer_from_api),
) -> list[WithheldRow]:
    """Rows kept off the public list, most recently seen first: for officer review."""
    ctx = ctx_of(request)
    rows = ctx.store.withheld(limit=limit)
    ctx.store.record_audit(user, "api_withheld", json.dumps({"limit": limit}), len(rows))
    return [
        WithheldRow(
            case_id=r.case_id,
            doc_id=r.doc_id,
            kind=r.kind,
            reasons=list(r.reasons),
            row=json.loads(r.row_json),
            first_seen=r.first_seen,
            last_seen=r.last_seen,
            times=r.times,
        )
        for r in rows
    ]

"""The review queue and the correction screens (officers only), and their API.

`/review` lists what needs an officer's eye (filters: kind, case, agency, age; counts by
kind). `/review/doc/<doc_id>` shows each field of a document (number, date, type, issuer,
every party) beside the crop of the scan it was read from (an SVG window on the page image,
placed from the OCR word boxes) and saves every change in one POST (CSRF-checked, Enter or
Ctrl+Enter). `/review/page/<sha>/<n>` does the same for the lines of a page's text.
Every correction is stored by the `ReviewService` (`ingest.review.ArchiveReview`: the
catalog and both search indices) and written to the audit log. Under `/api/`: the queue,
its count, the corrections and a POST that makes one.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any, Protocol
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from ingest.review_boxes import PageWords, label_box, line_boxes
from schemas import Document, PageRecord
from schemas.review import REVIEW_KINDS, Correction, FieldBox, ReviewItem
from schemas.vocab import DOC_TYPE_LABELS_VI, DOC_TYPES, ROLE_LABELS_VI, ROLES
from search.web.context import (
    NotFound,
    ctx_of,
    officer_from_api,
    officer_from_session,
    valid_doc_id,
    valid_page_no,
    valid_sha,
)
from search.web.routes_officer import check_csrf, render

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["review"])

_VI_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PAD = 14  # pixels of scan shown around a field's words
MAX_CROP_PAGES = 6  # pages of a document searched for its fields' words


class ReviewService(Protocol):
    """What the review pages need from the archive (`ingest.review.ArchiveReview`)."""

    def items(self, **filters: Any) -> list[ReviewItem]: ...

    def document(self, doc_id: str) -> tuple[Document, PageRecord] | None: ...

    def page(self, sha256: str, page_no: int) -> PageRecord | None: ...

    def boundaries(self, sha256: str) -> list[int]: ...

    def history(self, sha256: str | None = None, limit: int = 200) -> list[Correction]: ...

    def correct(self, c: Correction) -> Correction: ...

    def mark_done(self, key: str, who: str) -> None: ...

    def stats(self, year: int | None = None) -> dict[str, Any]: ...

    def stats_csv(self, year: int | None = None) -> str: ...


def service(request: Request) -> ReviewService:
    review: ReviewService | None = getattr(request.app.state, "review", None)
    if review is None:
        raise NotFound  # a read-only deployment: no corrections
    return review


def _crop(box: FieldBox | None, width: int, height: int) -> dict[str, int] | None:
    """The window on the page image (`width`×`height`) showing `box` with a margin; `n`,
    `pw` and `ph` say which page and its size (the template's `crop` macro)."""
    if box is None:
        return None
    left, top = max(0, box.left - PAD), max(0, box.top - PAD)
    right = min(width, box.left + box.width + PAD)
    bottom = min(height, box.top + box.height + PAD)
    return {
        "x": left,
        "y": top,
        "w": max(1, right - left),
        "h": max(1, bottom - top),
        "n": box.page_no,
        "pw": width,
        "ph": height,
    }


def _vi(iso: str | None) -> str:
    if not iso or not _ISO_DATE.fullmatch(iso):
        return iso or ""
    y, m, d = iso.split("-")
    return f"{int(d)}/{int(m)}/{y}"


def _date_forms(iso: str | None) -> list[str]:
    """How a date may be written on the page: 21/6/2019, 21/06/2019, 21 tháng 6 năm 2019."""
    if not iso or not _ISO_DATE.fullmatch(iso):
        return []
    y, m, d = iso.split("-")
    return [
        f"{d}/{m}/{y}",
        f"{int(d)}/{int(m)}/{y}",
        f"{d} tháng {m} năm {y}",
        f"{int(d)} tháng {int(m)} năm {y}",
    ]


def _first(crops: Any) -> dict[str, int] | None:
    return next((c for c in crops if c is not None), None)


def _iso(text: str) -> str | None:
    """A date typed as d/m/yyyy or yyyy-mm-dd → ISO; '' → None; else HTTP 422."""
    text = text.strip()
    if not text:
        return None
    m = _VI_DATE.fullmatch(text)
    if m:
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if 1 <= d <= 31 and 1 <= mo <= 12:
            return f"{y:04d}-{mo:02d}-{d:02d}"
    elif _ISO_DATE.fullmatch(text):
        return text
    raise HTTPException(422, "Ngày viết theo dạng ngày/tháng/năm, ví dụ 21/6/2019.")


def _filters(kind: str, case: str, agency: str, age: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if kind in REVIEW_KINDS:
        out["kind"] = kind
    if case.strip():
        out["case_id"] = case.strip()[:128]
    if agency.strip():
        out["agency"] = agency.strip()[:200]
    if age.strip().isdigit():
        out["older_than_days"] = float(age.strip())
    return out


def _link(item: ReviewItem) -> str:
    if item.doc_id and item.kind in ("number", "date", "party", "withheld", "unmatched"):
        return f"/review/doc/{item.doc_id}"
    if item.sha256 and item.page_no:
        return f"/review/page/{item.sha256}/{item.page_no}"
    return f"/case/{quote(item.case_id or '', safe='')}"


def _when(at: float) -> str:
    return time.strftime("%d/%m/%Y %H:%M", time.localtime(at))


def _shown(value: Any) -> str:
    """A correction's value in words: a party as "name (role; for …)", none as "—"."""
    if value is None or value == "":
        return "—"
    if isinstance(value, dict):
        role = ROLE_LABELS_VI.get(str(value.get("role")), str(value.get("role") or ""))
        reps = "; ".join(value.get("represents") or [])
        return f"{value.get('name')} ({role}{'; đại diện cho ' + reps if reps else ''})"
    return str(value)


def _page(request: Request, template: str, context: dict[str, Any]) -> Response:
    return render(request, template, {**context, "when": _when, "shown": _shown})


def _counts(items: list[ReviewItem]) -> dict[str, int]:
    out = dict.fromkeys(REVIEW_KINDS, 0)
    for i in items:
        out[i.kind] += 1
    return out


def _audit(request: Request, user: str, c: Correction, case_id: str | None, path: str) -> None:
    target = {
        "case": case_id,
        "file": path or None,
        "page": c.page_no,
        "field": f"{c.target}.{c.field}",
        "before": c.before,
        "after": c.after,
    }
    ctx_of(request).store.record_audit(
        user, "correction", json.dumps(target, ensure_ascii=False), None
    )


def _page_of(request: Request, sha: str, page_no: str) -> tuple[ReviewService, PageRecord]:
    review = service(request)
    page = review.page(valid_sha(sha), valid_page_no(page_no))
    if page is None:
        raise NotFound
    return review, page


async def _form(request: Request) -> dict[str, str]:
    """The posted form's text fields (each at most 2,000 characters), CSRF checked."""
    form = await request.form()
    values = {k: str(v)[:2000] for k, v in form.items() if isinstance(v, str)}
    check_csrf(request, values.get("csrf_token", ""))
    return values


# -- pages -------------------------------------------------------------------------------
@router.get("/review")
def review_queue(
    request: Request,
    kind: str = "",
    case: str = "",
    agency: str = "",
    age: str = "",
    user: str = Depends(officer_from_session),
) -> Response:
    review = service(request)
    filters = _filters(kind, case, agency, age)
    everything = review.items(**{k: v for k, v in filters.items() if k != "kind"})
    items = [i for i in everything if "kind" not in filters or i.kind == filters["kind"]]
    return render(
        request,
        "review.html",
        {
            "items": items[:500],
            "n_open": len(items),
            "counts": _counts(everything),
            "kinds": REVIEW_KINDS,
            "form": {"kind": kind, "case": case, "agency": agency, "age": age},
            "link": _link,
        },
    )


@router.post("/review/done")
def review_done(
    request: Request,
    key: str = Form(..., max_length=300),
    next: str = Form("/review", max_length=2000),
    csrf_token: str = Form("", max_length=200),
    user: str = Depends(officer_from_session),
) -> Response:
    check_csrf(request, csrf_token)
    service(request).mark_done(key, user)
    ctx_of(request).store.record_audit(user, "review_done", json.dumps({"key": key}), None)
    target = next if next.startswith("/review") and not next.startswith("//") else "/review"
    return RedirectResponse(target, status_code=303)


def _doc_context(review: ReviewService, doc_id: str) -> dict[str, Any]:
    found = review.document(doc_id)
    if found is None:
        raise NotFound
    doc, page = found
    sha = doc_id.split(":")[0]
    # The document's pages (the first MAX_CROP_PAGES), each value looked for in turn.
    later = [review.page(sha, k) for k in range(doc.pages[0] + 1, doc.pages[-1] + 1)]
    pages = [page, *[p for p in later if p is not None]][:MAX_CROP_PAGES]
    found_on = [(PageWords(p.words or [], p.page_no), p) for p in pages]

    history = [c for c in review.history(doc_id.split(":")[0]) if c.doc_id == doc_id]
    earlier: dict[str, list[str]] = {}  # what a field read before it was corrected
    for c in history:
        before = c.before.get("name") if isinstance(c.before, dict) else c.before
        if c.target == "party" and isinstance(c.after, dict):
            earlier.setdefault(str(c.after.get("name")), []).append(str(before or ""))
        elif c.target == "document":
            earlier.setdefault(c.field, []).append(str(before or ""))

    def crop(value: str | None, key: str | None = None) -> dict[str, int] | None:
        """The crop of the words of `value`, or of what the field read before."""
        for v in [value, *earlier.get(key or value or "", [])]:
            for words, p in found_on:
                box = words.box(v)
                if box is not None:
                    return _crop(box, p.width or 2480, p.height or 3508)
        return None

    fields = [
        (
            "own_number",
            "Số",
            doc.own_number or "",
            crop(doc.own_number, "own_number") or _unread(page, "number"),
        ),
        (
            "date",
            "Ngày",
            _vi(doc.date),
            _first(crop(v) for v in _date_forms(doc.date)) or _unread(page, "day"),
        ),
        ("issuer", "Cơ quan ban hành", doc.issuer or "", crop(doc.issuer, "issuer")),
    ]
    parties = [(p, crop(p.name)) for p in doc.parties]
    return {
        "doc": doc,
        "doc_id": doc_id,
        "page": page,
        "fields": fields,
        "parties": parties,
        "doc_types": DOC_TYPES,
        "roles": ROLES,
        "history": history,
        "firsts": ", ".join(str(p) for p in review.boundaries(doc_id.split(":")[0])),
    }


def _unread(page: PageRecord, kind: str) -> dict[str, int] | None:
    """Where a field the page does not show in print stands: the box the page step found
    for a handwritten number or day (`ingest.fields`), or for a number the "Số:" label."""
    width, height = page.width or 2480, page.height or 3508
    for f in page.quality.review:
        if f.kind == kind:
            box = FieldBox(
                page_no=page.page_no, left=f.left, top=f.top, width=f.width, height=f.height
            )
            return _crop(box, width, height)
    if kind == "number":
        return _crop(
            label_box(page.words or [], "Số", page.page_no, above=height // 3), width, height
        )
    return None


@router.get("/review/doc/{doc_id}")
def review_document(
    request: Request, doc_id: str, saved: str = "", user: str = Depends(officer_from_session)
) -> Response:
    context = _doc_context(service(request), valid_doc_id(doc_id))
    context["saved"] = saved if saved.isdigit() else ""
    return _page(request, "review_doc.html", context)


@router.post("/review/doc/{doc_id}")
async def save_document(
    request: Request, doc_id: str, user: str = Depends(officer_from_session)
) -> Response:
    valid_doc_id(doc_id)
    values = await _form(request)
    review = service(request)
    found = review.document(doc_id)
    if found is None:
        raise NotFound
    doc, page = found
    sha, _, first = doc_id.rpartition(":")
    base: dict[str, Any] = {"sha256": sha, "page_no": int(first), "who": user}
    wanted: list[Correction] = []
    for field in ("own_number", "issuer"):
        if field not in values:
            continue  # a field the form did not send is left as it is
        new = values[field].strip() or None
        if new != (getattr(doc, field) or None):
            wanted.append(Correction(**base, target="document", field=field, after=new))
    if "date" in values:
        new_date = _iso(values["date"])
        if new_date != doc.date:
            wanted.append(Correction(**base, target="document", field="date", after=new_date))
    if values.get("doc_type") in DOC_TYPES and values["doc_type"] != doc.doc_type:
        wanted.append(
            Correction(**base, target="document", field="doc_type", after=values["doc_type"])
        )
    for i, p in enumerate(doc.parties):
        if values.get(f"p{i}-orig") != p.name:
            continue  # the form was made for another state of the document
        if values.get(f"p{i}-remove"):
            wanted.append(
                Correction(**base, target="party", field="remove", locator={"name": p.name})
            )
            continue
        name = values.get(f"p{i}-name", p.name).strip()
        role = values.get(f"p{i}-role", p.role)
        reps = [r.strip() for r in values.get(f"p{i}-represents", "").split(";") if r.strip()]
        if (name, role, reps) != (p.name, p.role, p.represents) and name:
            after = {"name": name, "role": role, "represents": reps}
            wanted.append(
                Correction(
                    **base, target="party", field="edit", locator={"name": p.name}, after=after
                )
            )
    new_name = values.get("new-name", "").strip()
    if new_name:
        reps = [r.strip() for r in values.get("new-represents", "").split(";") if r.strip()]
        after = {"name": new_name, "role": values.get("new-role", "other"), "represents": reps}
        wanted.append(Correction(**base, target="party", field="add", after=after))
    for c in wanted:
        try:
            stored = review.correct(c)
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from None
        _audit(request, user, stored, doc.case_id, page.source_path)
    return RedirectResponse(f"/review/doc/{doc_id}?saved={len(wanted)}", status_code=303)


@router.post("/review/file/{sha}/boundaries")
async def save_boundaries(
    request: Request, sha: str, user: str = Depends(officer_from_session)
) -> Response:
    """Cut a file into documents at the pages given (each document extracted again)."""
    values = await _form(request)
    review = service(request)
    try:
        firsts = sorted({int(x) for x in re.split(r"[,;\s]+", values.get("firsts", "")) if x})
    except ValueError:
        raise HTTPException(422, "Ghi các số trang, cách nhau bằng dấu phẩy: 1, 3, 4.") from None
    c = Correction(
        sha256=valid_sha(sha), page_no=1, target="file", field="boundaries", after=firsts, who=user
    )
    try:
        stored = review.correct(c)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    found = review.document(f"{sha}:{firsts[0]}") if firsts else None
    _audit(request, user, stored, found[0].case_id if found else None, "")
    return RedirectResponse(f"/review/doc/{sha}:{firsts[0]}?saved=1", status_code=303)


@router.get("/review/page/{sha}/{page_no}")
def review_page(
    request: Request,
    sha: str,
    page_no: str,
    saved: str = "",
    user: str = Depends(officer_from_session),
) -> Response:
    review, page = _page_of(request, sha, page_no)
    n = page.page_no
    width, height = page.width or 2480, page.height or 3508
    boxes = line_boxes(page.words or [], n)
    lines = [
        (i, text, _crop(boxes.get(i), width, height))
        for i, text in enumerate(page.text.split("\n"))
    ]
    history = [c for c in review.history(sha) if c.target == "line" and c.page_no == n]
    return _page(
        request,
        "review_page.html",
        {
            "page": page,
            "lines": lines,
            "width": width,
            "height": height,
            "history": history,
            "saved": saved if saved.isdigit() else "",
        },
    )


@router.post("/review/page/{sha}/{page_no}")
async def save_page(
    request: Request, sha: str, page_no: str, user: str = Depends(officer_from_session)
) -> Response:
    review, page = _page_of(request, sha, page_no)
    n = page.page_no
    values = await _form(request)
    lines = page.text.split("\n")
    saved = 0
    for i, text in enumerate(lines):
        new = values.get(f"l{i}")
        if new is None or new == text or "\n" in new or "\r" in new:
            continue
        c = Correction(
            sha256=sha,
            page_no=n,
            target="line",
            field="text",
            locator={"line": i},
            after=new,
            who=user,
        )
        stored = review.correct(c)
        _audit(request, user, stored, page.case_id, page.source_path)
        saved += 1
    return RedirectResponse(f"/review/page/{sha}/{n}?saved={saved}", status_code=303)


def _year(year: str) -> int | None:
    return int(year) if re.fullmatch(r"(19|20)\d{2}", year.strip()) else None


@router.get("/stats")
def stats_page(
    request: Request, year: str = "", user: str = Depends(officer_from_session)
) -> Response:
    from search.web.charts import bar_chart

    figures = service(request).stats(_year(year))
    by_year: dict[str, float] = {}
    for r in figures["decisions_by_agency_year"]:
        if r["kind"] == "thi_hanh_an":
            by_year[r["year"] or "—"] = by_year.get(r["year"] or "—", 0) + r["amount_vnd"]
    charts = {
        "by_type": bar_chart(
            "Văn bản theo loại",
            [(DOC_TYPE_LABELS_VI.get(t, t), n) for t, n in figures["documents_by_type"].items()],
        ),
        "by_agency_year": bar_chart(
            "Văn bản theo cơ quan và năm",
            [
                (f"{r['year'] or '—'} · {_short_agency(r['agency'])}", r["documents"])
                for r in figures["documents_by_agency_year"]
            ],
        ),
        "amounts": bar_chart("Tiền phải thi hành theo năm (đồng)", sorted(by_year.items())),
    }
    return render(request, "stats.html", {"stats": figures, "charts": charts})


def _short_agency(name: str | None) -> str:
    """An agency as offices abbreviate it, so that a chart label keeps the place: "Chi cục
    THADS huyện Di Linh", "TAND huyện Trảng Bom tỉnh Đồng Nai"."""
    if not name:
        return "—"
    for long, short in (("thi hành án dân sự", "THADS"), ("tòa án nhân dân", "TAND")):
        at = name.lower().find(long)
        if at >= 0:
            name = name[:at] + short + name[at + len(long) :]
    return name


@router.get("/stats.json")
def stats_json(
    request: Request, year: str = "", user: str = Depends(officer_from_session)
) -> Response:
    return JSONResponse(service(request).stats(_year(year)))


@router.get("/stats.csv")
def stats_csv(
    request: Request, year: str = "", user: str = Depends(officer_from_session)
) -> Response:
    return Response(
        service(request).stats_csv(_year(year)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="hoso-stats.csv"'},
    )


# -- API ---------------------------------------------------------------------------------
@api.get("/review", response_model=list[ReviewItem])
def api_review(
    request: Request,
    kind: str = Query("", max_length=20),
    case: str = Query("", max_length=128),
    agency: str = Query("", max_length=200),
    age: str = Query("", max_length=6),
    user: str = Depends(officer_from_api),
) -> list[ReviewItem]:
    """The open review items, oldest first."""
    return service(request).items(**_filters(kind, case, agency, age))


@api.get("/review/count")
def api_review_count(
    request: Request,
    case: str = Query("", max_length=128),
    agency: str = Query("", max_length=200),
    user: str = Depends(officer_from_api),
) -> dict[str, Any]:
    """How many review items are open, in all and by kind."""
    items = service(request).items(**_filters("", case, agency, ""))
    return {"open": len(items), "by_kind": _counts(items)}


@api.get("/corrections", response_model=list[Correction])
def api_corrections(
    request: Request,
    sha256: str | None = Query(None, max_length=64),
    user: str = Depends(officer_from_api),
) -> list[Correction]:
    """The corrections made, newest first (who, when, before, after, status)."""
    return service(request).history(valid_sha(sha256) if sha256 else None)


@api.post("/corrections", response_model=Correction)
def api_correct(
    request: Request, body: dict[str, Any], user: str = Depends(officer_from_api)
) -> Correction:
    """Make one correction (fields of `Correction`; `who` is the caller, `before` is read
    from the archive)."""
    try:
        c = Correction.model_validate({**body, "who": user, "before": None})
        valid_sha(c.sha256)
        stored = service(request).correct(c)
    except NotFound:
        raise
    except ValueError as exc:
        raise HTTPException(422, str(exc).splitlines()[0]) from None
    _audit(request, user, stored, None, "")
    return stored

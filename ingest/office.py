"""What an office hands on and reports: structured exports and the yearly statistics.

`rows(catalog, what)` gives the archive's documents, parties, numbers, amounts or
corrections as flat records (one dict a row, the same columns every row) for
`hoso export --what … [--csv]`, so that case software can take them. `statistics(catalog)`
gives the figures offices report every year: cases, documents by type, by agency and year,
and the count (việc) and amount (tiền) of enforcement decisions and of decisions that the
debtor "chưa có điều kiện thi hành". A decision's amount is the largest sum it states (the
total it orders; the smaller sums are its parts), 0 when it states none. Everything is read
from the catalog as corrected (ingest/corrections.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from ingest import corrections
from ingest.catalog import CURRENT, Catalog
from schemas import Document

WHAT = ("documents", "parties", "numbers", "amounts", "corrections")
# The decisions offices count and sum, by their document type.
DECISIONS = {
    "quyet_dinh_thi_hanh_an": "thi_hanh_an",
    "quyet_dinh_chua_co_dieu_kien": "chua_co_dieu_kien",
}


def _documents(cat: Catalog, case_id: str | None = None) -> Iterator[tuple[str, str, Document]]:
    """(case id, path, document) of every current document, by case and date."""
    rows = cat.db.execute(
        "SELECT fp.case_id, fp.path, d.data FROM documents d"
        " JOIN file_paths fp ON fp.sha256 = d.sha256"
        f" WHERE d.{CURRENT} AND (? IS NULL OR fp.case_id = ?)"
        " ORDER BY fp.case_id, fp.path, d.first_page",
        (case_id, case_id),
    )
    for case, path, data in rows:
        yield case, path, Document.model_validate_json(data)


def _amount(doc: Document) -> int:
    return max(doc.amounts_vnd, default=0)


def rows(cat: Catalog, what: str, case_id: str | None = None) -> Iterator[dict[str, Any]]:
    """The flat records of one kind (`WHAT`)."""
    if what not in WHAT:
        raise ValueError(f"--what must be one of {', '.join(WHAT)}, not {what!r}")
    if what == "corrections":
        cases = {
            sha: case for sha, case in cat.db.execute("SELECT sha256, case_id FROM file_paths")
        }
        for c in corrections.load(cat.db):
            if case_id and cases.get(c.sha256) != case_id:
                continue
            yield {
                "uid": c.uid,
                "case_id": cases.get(c.sha256, c.case_id),
                "doc_id": c.doc_id if c.target != "line" else None,
                "sha256": c.sha256,
                "page_no": c.page_no,
                "target": c.target,
                "field": c.field,
                "before": json.dumps(c.before, ensure_ascii=False),
                "after": json.dumps(c.after, ensure_ascii=False),
                "who": c.who,
                "at": dt.datetime.fromtimestamp(c.at).isoformat(timespec="seconds"),
                "status": c.status,
                "detail": c.detail,
            }
        return
    for case, path, doc in _documents(cat, case_id):
        head = {"case_id": case, "doc_id": doc.doc_id}
        if what == "documents":
            yield {
                **head,
                "path": path,
                "first_page": doc.pages[0],
                "last_page": doc.pages[-1],
                "doc_type": doc.doc_type,
                "own_number": doc.own_number,
                "date": doc.date,
                "issuer": doc.issuer,
                "title": doc.title,
                "parties": len(doc.parties),
                "amount_vnd": _amount(doc),
            }
        elif what == "parties":
            for p in doc.parties:
                yield {
                    **head,
                    "doc_type": doc.doc_type,
                    "own_number": doc.own_number,
                    "name": p.name,
                    "role": p.role,
                    "honorific": p.honorific,
                    "birth_year": p.birth_year,
                    "id_number": p.id_number,
                    "address": p.address,
                    "is_organization": p.is_organization,
                    "represents": "; ".join(p.represents),
                }
        elif what == "numbers":
            for n in doc.numbers:
                yield {**head, "number": n.text, "kind": n.kind, "own": n.text == doc.own_number}
        else:  # amounts
            for value in doc.amounts_vnd:
                yield {
                    **head,
                    "doc_type": doc.doc_type,
                    "own_number": doc.own_number,
                    "date": doc.date,
                    "value_vnd": value,
                }


def to_csv(records: Iterable[dict[str, Any]]) -> str:
    """Records as CSV with a header row (empty text for no records)."""
    out = io.StringIO()
    writer: csv.DictWriter[str] | None = None
    for r in records:
        if writer is None:
            writer = csv.DictWriter(out, fieldnames=list(r), lineterminator="\n")
            writer.writeheader()
        writer.writerow({k: "" if v is None else v for k, v in r.items()})
    return out.getvalue()


def statistics(cat: Catalog, year: int | None = None) -> dict[str, Any]:
    """The office's yearly figures (all years, or the documents dated in `year`)."""
    by_type: Counter[str] = Counter()
    by_agency_year: Counter[tuple[str, str]] = Counter()
    decisions: dict[tuple[str, str, str], list[int]] = {}
    cases: set[str] = set()
    n_docs = 0
    seen: set[str] = set()
    for case, _path, doc in _documents(cat):
        cases.add(case)
        if doc.doc_id in seen:  # one content filed under two paths counts once
            continue
        seen.add(str(doc.doc_id))
        doc_year = doc.date[:4] if doc.date else ""
        if year is not None and doc_year != str(year):
            continue
        n_docs += 1
        agency = doc.issuer or ""
        by_type[doc.doc_type] += 1
        by_agency_year[(agency, doc_year)] += 1
        kind = DECISIONS.get(doc.doc_type)
        if kind:
            decisions.setdefault((kind, agency, doc_year), []).append(_amount(doc))
    totals = {
        kind: {
            "count": sum(len(v) for (k, _, _), v in decisions.items() if k == kind),
            "amount_vnd": sum(sum(v) for (k, _, _), v in decisions.items() if k == kind),
        }
        for kind in DECISIONS.values()
    }
    return {
        "year": year,
        "cases": len(cases),
        "documents": n_docs,
        "documents_by_type": dict(sorted(by_type.items())),
        "documents_by_agency_year": [
            {"agency": a, "year": y, "documents": n} for (a, y), n in sorted(by_agency_year.items())
        ],
        "decisions": totals,
        "decisions_by_agency_year": [
            {"kind": k, "agency": a, "year": y, "count": len(v), "amount_vnd": sum(v)}
            for (k, a, y), v in sorted(decisions.items())
        ],
    }


def statistics_rows(stats: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The statistics as one table (for CSV): measure, kind, agency, year, value."""
    yield {"measure": "cases", "kind": "", "agency": "", "year": "", "value": stats["cases"]}
    yield {
        "measure": "documents",
        "kind": "",
        "agency": "",
        "year": "",
        "value": stats["documents"],
    }
    for t, n in stats["documents_by_type"].items():
        yield {"measure": "documents", "kind": t, "agency": "", "year": "", "value": n}
    for r in stats["documents_by_agency_year"]:
        yield {
            "measure": "documents",
            "kind": "",
            "agency": r["agency"],
            "year": r["year"],
            "value": r["documents"],
        }
    for k, t in stats["decisions"].items():
        yield {"measure": "decisions", "kind": k, "agency": "", "year": "", "value": t["count"]}
        yield {
            "measure": "amount_vnd",
            "kind": k,
            "agency": "",
            "year": "",
            "value": t["amount_vnd"],
        }
    for r in stats["decisions_by_agency_year"]:
        where = {"kind": r["kind"], "agency": r["agency"], "year": r["year"]}
        yield {"measure": "decisions", **where, "value": r["count"]}
        yield {"measure": "amount_vnd", **where, "value": r["amount_vnd"]}

"""Officers' corrections as labels: how often extraction gets right what they fixed.

For every file with corrections, extraction is run again on the catalogued page text (line
corrections included) and compared with the value each correction set, the latest one per
document field or party being the label (an officer who re-saves a value unchanged confirms
it). A document field is right when extraction gives the same value (numbers compared by
their key, names and issuers folded); a party is right when extraction finds that name
with that role (`party_name`: the name, whatever the role); a removed party is right when
extraction no longer finds it. `hoso eval ARCHIVE --corrections`.
"""

from __future__ import annotations

from typing import Any

from ingest import corrections
from ingest.catalog import Catalog
from ingest.corrections import same
from ingest.extract import extract_pages
from schemas import Document
from schemas.numbers import number_form
from schemas.review import Correction

FIELD_NAMES = ("own_number", "date", "doc_type", "issuer", "party", "party_name")


def _labels(found: list[Correction]) -> list[Correction]:
    """The latest correction of each document field and party (by its final name)."""
    latest: dict[tuple[str, str], Correction] = {}
    for c in found:  # oldest first: later ones win
        if c.target == "document":
            latest[(c.doc_id, c.field)] = c
        elif c.target == "party":
            name = c.after.get("name") if isinstance(c.after, dict) else c.locator.get("name")
            for key in [
                k for k in latest if k[0] == c.doc_id and same(k[1], str(c.locator.get("name")))
            ]:
                del latest[key]  # a party renamed again is labelled by its last name
            latest[(c.doc_id, str(name))] = c
    return list(latest.values())


def _document_right(doc: Document | None, c: Correction) -> bool:
    if doc is None:
        return False
    got, want = getattr(doc, c.field), c.after
    if c.field == "own_number":
        return bool(got) == bool(want) and (not want or number_form(got) == number_form(want))
    if c.field == "issuer":
        return same(got, want)
    return bool(got == want)


def _party_right(doc: Document | None, c: Correction) -> tuple[bool, bool]:
    """(name and role right, name right) for an edit or add; for a removal both say the
    party is gone."""
    parties = doc.parties if doc else []
    if c.field == "remove":
        gone = not any(same(p.name, str(c.locator.get("name"))) for p in parties)
        return gone, gone
    after = c.after if isinstance(c.after, dict) else {}
    named = [p for p in parties if same(p.name, after.get("name"))]
    return any(p.role == after.get("role") for p in named), bool(named)


def score_corrections(cat: Catalog) -> dict[str, Any]:
    """{"fields": {field: {"n", "right", "accuracy"}}, "files", "labels", "misses": [...]}"""
    applied = corrections.load(cat.db, targets=("document", "party"), status="applied")
    by_file: dict[str, list[Correction]] = {}
    for c in applied:
        by_file.setdefault(c.sha256, []).append(c)
    counts = {f: [0, 0] for f in FIELD_NAMES}
    misses: list[dict[str, Any]] = []

    def tally(field: str, ok: bool, c: Correction, got: Any) -> None:
        counts[field][0] += 1
        counts[field][1] += int(ok)
        if not ok:
            misses.append({"doc_id": c.doc_id, "field": field, "label": c.after, "extracted": got})

    n_labels = 0
    for sha, found in sorted(by_file.items()):
        pages = cat.page_texts(sha)
        docs = {d.pages[0]: d for d in extract_pages(pages)} if pages else {}
        for c in _labels(found):
            n_labels += 1
            doc = docs.get(c.page_no)
            if c.target == "document":
                tally(c.field, _document_right(doc, c), c, getattr(doc, c.field, None))
            else:
                both, name = _party_right(doc, c)
                got = [(p.name, p.role) for p in doc.parties] if doc else None
                tally("party", both, c, got)
                tally("party_name", name, c, got)
    fields = {
        f: {"n": n, "right": right, "accuracy": round(right / n, 3) if n else None}
        for f, (n, right) in counts.items()
    }
    return {"files": len(by_file), "labels": n_labels, "fields": fields, "misses": misses}

"""Corrections as data: an officer's fixes, stored in the catalog and laid over extraction.

A correction names what it fixes by content address (file sha256 + the document's first
page, or the page of a text line), says who made it, when, the value before and after. It
is kept in the table `corrections` of `catalog.sqlite` and applied every time the catalog
writes the thing it fixes: `Catalog.replace_documents` (ingest, `hoso extract --archive`)
passes the freshly extracted documents through `apply_to_documents`, `Catalog.save_page`
(OCR again) passes the page text through `apply_to_text`. Every read (case pages, export,
both search indices built from the catalog) therefore sees the corrected values, and no
rerun can lose them. A rescan that replaces a file at its path takes the file's corrections
with it (`follow_rescan`): they are laid over the new pages and documents as these are
written. A document or party correction moved so carries what its document was (`was` in
its locator: the first page's text, the numbers it went by): on the new content it goes to
the document that is the same one, wherever that starts now (the rescan has a page more or
less before it), never to whatever other document starts on its old page. A correction that
no longer finds what it fixed (the rescan reads otherwise, extraction now finds another
document there, or several alike; a cut into documents on a rescan whose pages are not the
ones it was made on) is marked `unmatched` with a sentence saying why, and shown in the
review queue; it is never deleted.

This module knows the table and the rules; `ingest.review` does the catalog and index work.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from collections.abc import Iterable
from typing import Any

from rapidfuzz import fuzz

from schemas import DateRef, Document, NumberRef, Party
from schemas.normalize import fold
from schemas.numbers import number_form, number_key
from schemas.review import Correction
from schemas.vocab import DOC_TYPES, ROLES

SCHEMA = """
CREATE TABLE IF NOT EXISTS corrections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uid TEXT NOT NULL UNIQUE,            -- kept across export/import
    sha256 TEXT NOT NULL,
    page_no INTEGER NOT NULL,            -- the document's first page, or the line's page
    target TEXT NOT NULL,                -- document | party | line
    field TEXT NOT NULL,                 -- see FIELDS
    locator TEXT NOT NULL DEFAULT '{}',  -- JSON: party {"name", "role"}; line {"line": n}
    before TEXT,                         -- JSON value
    after TEXT,                          -- JSON value
    who TEXT NOT NULL,
    at REAL NOT NULL,
    status TEXT NOT NULL DEFAULT 'applied',  -- applied | unmatched
    detail TEXT
);
CREATE INDEX IF NOT EXISTS corrections_at ON corrections(sha256, page_no);
"""

FIELDS: dict[str, tuple[str, ...]] = {
    "file": ("boundaries",),  # after: the first page of every document of the file
    "document": ("own_number", "date", "doc_type", "issuer"),
    "party": ("edit", "add", "remove"),
    "line": ("text",),
}
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class CorrectionError(ValueError):
    """A correction that cannot be made: one sentence for the CLI, the API and the form."""


def _real_date(text: str) -> bool:
    try:
        return bool(_ISO.fullmatch(text)) and dt.date.fromisoformat(text) is not None
    except ValueError:
        return False


def ensure_table(db: sqlite3.Connection) -> None:
    db.executescript(SCHEMA)


def _has_table(db: sqlite3.Connection) -> bool:
    row = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='corrections'"
    ).fetchone()
    return row is not None


def _row(r: sqlite3.Row | tuple[Any, ...]) -> Correction:
    (uid, sha, page_no, target, field, locator, before, after, who, at, status, detail) = r
    return Correction(
        uid=uid,
        sha256=sha,
        page_no=page_no,
        target=target,
        field=field,
        locator=json.loads(locator or "{}"),
        before=json.loads(before) if before is not None else None,
        after=json.loads(after) if after is not None else None,
        who=who,
        at=at,
        status=status,
        detail=detail,
    )


_COLUMNS = "uid, sha256, page_no, target, field, locator, before, after, who, at, status, detail"


def load(
    db: sqlite3.Connection,
    *,
    sha256: str | None = None,
    targets: Iterable[str] | None = None,
    page_no: int | None = None,
    status: str | None = None,
) -> list[Correction]:
    """Stored corrections, oldest first (the order they are applied in)."""
    if not _has_table(db):
        return []
    where: list[str] = ["1"]
    args: list[Any] = []
    if sha256 is not None:
        where.append("sha256=?")
        args.append(sha256)
    if page_no is not None:
        where.append("page_no=?")
        args.append(page_no)
    if status is not None:
        where.append("status=?")
        args.append(status)
    wanted = list(targets) if targets is not None else None
    if wanted is not None:
        where.append(f"target IN ({','.join('?' * len(wanted))})")
        args.extend(wanted)
    sql = f"SELECT {_COLUMNS} FROM corrections WHERE {' AND '.join(where)} ORDER BY at, id"
    return [_row(r) for r in db.execute(sql, args)]


def validate(c: Correction) -> None:
    """CorrectionError unless the correction is well formed."""
    if c.field not in FIELDS.get(c.target, ()):
        raise CorrectionError(f"a {c.target} correction cannot change {c.field!r}")
    if not re.fullmatch(r"[0-9a-f]{64}", c.sha256) or c.page_no < 1:
        raise CorrectionError("a correction names a file (sha256) and a page from 1")
    if not c.who.strip():
        raise CorrectionError("a correction must say who made it")
    if c.target == "document":
        value = c.after
        if c.field == "doc_type" and value not in DOC_TYPES:
            raise CorrectionError(f"unknown document type {value!r}")
        if c.field == "date" and value is not None and not _real_date(str(value)):
            raise CorrectionError(f"a date is written YYYY-MM-DD (a real day), not {value!r}")
        if value is not None and not isinstance(value, str):
            raise CorrectionError(f"the new {c.field} must be text")
    elif c.target == "party":
        if c.field in ("edit", "remove") and not str(c.locator.get("name") or "").strip():
            raise CorrectionError("say which party (its name as extracted)")
        if c.field in ("edit", "add"):
            after = c.after if isinstance(c.after, dict) else {}
            if not str(after.get("name") or "").strip():
                raise CorrectionError("a party needs a name")
            if after.get("role") not in ROLES:
                raise CorrectionError(f"unknown role {after.get('role')!r}")
    elif c.target == "file":
        firsts = c.after
        if (
            not isinstance(firsts, list)
            or not firsts
            or not all(isinstance(p, int) and p >= 1 for p in firsts)
            or sorted(set(firsts)) != firsts
        ):
            raise CorrectionError("boundaries are the first pages of the documents, rising")
    elif c.target == "line":
        if not isinstance(c.locator.get("line"), int) or not isinstance(c.after, str):
            raise CorrectionError("a line correction names the line (from 0) and its new text")
        if "\n" in c.after:
            raise CorrectionError("a line correction holds one line")


def insert(db: sqlite3.Connection, c: Correction) -> bool:
    """Store a correction (no commit); False when its uid is already there (an import
    run twice adds nothing)."""
    validate(c)
    ensure_table(db)
    cur = db.execute(
        f"INSERT OR IGNORE INTO corrections({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            c.uid,
            c.sha256,
            c.page_no,
            c.target,
            c.field,
            json.dumps(c.locator, ensure_ascii=False),
            json.dumps(c.before, ensure_ascii=False),
            json.dumps(c.after, ensure_ascii=False),
            c.who,
            c.at,
            c.status,
            c.detail,
        ),
    )
    return cur.rowcount == 1


def _set_status(db: sqlite3.Connection, outcomes: dict[str, str | None]) -> None:
    db.executemany(
        "UPDATE corrections SET status=?, detail=? WHERE uid=?",
        [("applied" if why is None else "unmatched", why, uid) for uid, why in outcomes.items()],
    )


# -- applying ----------------------------------------------------------------------------
def same(a: str | None, b: str | None) -> bool:
    return fold(a or "").strip() == fold(b or "").strip()


def _find_party(parties: list[Party], name: str, role: str | None) -> int | None:
    hits = [i for i, p in enumerate(parties) if same(p.name, name)]
    same_role = [i for i in hits if parties[i].role == role]
    found = same_role or hits
    return found[0] if found else None


def _set_document_field(doc: Document, c: Correction) -> Document:
    value = c.after if c.after not in ("",) else None
    update: dict[str, Any] = {c.field: value if c.field != "doc_type" else c.after}
    if c.field == "own_number":
        kept = [n for n in doc.numbers if n.kind != "own" and not same(n.text, c.before)]
        if value:
            kept.insert(0, NumberRef(text=value, kind="own", norm=number_form(value)))
        update["numbers"] = kept
    elif c.field == "date":
        kept_dates = [d for d in doc.dates if d.kind != "document"]
        if value:
            kept_dates.insert(0, DateRef(date=value, kind="document"))
        update["dates"] = kept_dates
    return doc.model_copy(update=update)


def _apply_party(doc: Document, c: Correction) -> tuple[Document, str | None]:
    parties = list(doc.parties)
    after = c.after if isinstance(c.after, dict) else {}
    if c.field == "add":
        if _find_party(parties, after["name"], after["role"]) is None:
            parties.append(Party.model_validate(after))
        return doc.model_copy(update={"parties": parties}), None
    name, role = str(c.locator.get("name")), c.locator.get("role")
    i = _find_party(parties, name, role)
    if c.field == "remove":
        if i is not None:
            del parties[i]
        return doc.model_copy(update={"parties": parties}), None
    if i is None:  # an edit: already made (a rerun of the catalog write), or lost
        if _find_party(parties, after["name"], after["role"]) is not None:
            return doc, None
        return doc, f"no party named {name!r} in this document any more"
    new = parties[i].model_copy(
        update={k: after[k] for k in ("name", "role", "represents") if k in after}
    )
    parties[i] = new
    if not same(new.name, name):  # representatives of the renamed party follow
        parties = [
            p.model_copy(
                update={"represents": [new.name if same(r, name) else r for r in p.represents]}
            )
            for p in parties
        ]
    return doc.model_copy(update={"parties": parties}), None


# How a moved correction's document is found again among the new content's: by one of its
# numbers, else by its first page read alike (rapidfuzz ratio, 0-100) more than SAME_PAGE
# and by MARGIN more than any other document's first page. Two pages of one template (two
# decisions of one agency, other names and numbers) score 75-80 (tests/web_fixtures pages);
# a page read again with a few characters otherwise, above 95.
SAME_PAGE = 85.0
MARGIN = 10.0


def _first_page(text: str) -> str:
    return " ".join(fold(text).split())[:2000]


def _numbers_of(doc: Document) -> set[str]:
    return {number_key(doc.own_number)} if doc.own_number else set()


def _same_document(
    docs: list[Document], first_texts: dict[int, str], c: Correction
) -> tuple[int | None, str | None]:
    """The index in `docs` of the document correction `c` was made on (its `was`), or None
    and the sentence saying why none is."""
    was = c.locator["was"]
    known = set(was.get("numbers") or [])
    by_number = [i for i, d in enumerate(docs) if _numbers_of(d) & known]
    if len(by_number) == 1:
        return by_number[0], None
    alike = sorted(
        (
            (fuzz.ratio(was["text"], _first_page(first_texts.get(d.pages[0], ""))), i)
            for i, d in enumerate(docs)
        ),
        reverse=True,
    )
    # a document that carries another number than the one corrected is another document
    candidates = [
        (r, i) for r, i in alike if i in by_number or not (known and _numbers_of(docs[i]))
    ]
    what = f"the document that started on page {was['page']} before the rescan"
    if not candidates or candidates[0][0] < SAME_PAGE:
        return None, f"the new scan has no document like {what}"
    best, i = candidates[0]
    rival = max((r for r, j in alike if j != i), default=0.0)
    if best - rival < MARGIN:
        pages = ", ".join(
            str(n) for n in sorted(docs[j].pages[0] for r, j in alike if best - r < MARGIN)
        )
        return None, f"the new scan has several documents like {what} (on pages {pages})"
    return i, None


def apply_to_documents(
    docs: list[Document],
    corrections: list[Correction],
    first_texts: dict[int, str] | None = None,
) -> tuple[list[Document], dict[str, str | None], dict[str, int]]:
    """`docs` (one file's, as extracted; `first_texts`: the text of the page each starts
    on) with `corrections` laid over them; for each correction None (applied) or the
    sentence saying why it no longer matches; and the new first page of each correction
    that followed its document there (a correction moved with a rescan)."""
    by_first = {d.pages[0]: i for i, d in enumerate(docs)}
    out = list(docs)
    outcomes: dict[str, str | None] = {}
    moved: dict[str, int] = {}
    for c in corrections:
        if "was" in c.locator:
            i, why = _same_document(out, first_texts or {}, c)
            if i is None:
                outcomes[c.uid] = why
                continue
            if out[i].pages[0] != c.page_no:
                moved[c.uid] = out[i].pages[0]
        else:
            i = by_first.get(c.page_no)
        if i is None:
            outcomes[c.uid] = f"no document starts on page {c.page_no} of this file any more"
            continue
        if c.target == "document":
            out[i] = _set_document_field(out[i], c)
            outcomes[c.uid] = None
        elif c.target == "party":
            out[i], outcomes[c.uid] = _apply_party(out[i], c)
    return out, outcomes, moved


def apply_to_text(text: str, corrections: list[Correction]) -> tuple[str, dict[str, str | None]]:
    """A page's text with its line corrections, and each one's outcome (as above)."""
    lines = text.split("\n")
    outcomes: dict[str, str | None] = {}
    for c in corrections:
        n = int(c.locator.get("line", -1))
        before, after = str(c.before or ""), str(c.after)
        if 0 <= n < len(lines) and lines[n] in (before, after):
            lines[n] = after
        elif before and before in lines:  # the line moved (OCR found a line more above it)
            lines[lines.index(before)] = after
        elif after in lines:
            pass
        else:
            outcomes[c.uid] = f"line {n + 1} of page {c.page_no} no longer reads {before!r}"
            continue
        outcomes[c.uid] = None
    return "\n".join(lines), outcomes


# -- the catalog's hooks (called inside its write transactions) --------------------------
def resegment(
    docs: list[Document], firsts: list[int], texts: dict[int, str]
) -> tuple[list[Document], str | None]:
    """The file's documents cut at the officer's first pages: a document whose pages are
    unchanged is kept as extracted, any other is extracted again from its pages' text."""
    from ingest.extract import extract_document

    if not texts:
        return docs, "the file has no page text to cut into documents"
    last = max(texts)
    if firsts[-1] > last:
        return docs, f"the file has {last} pages, no document can start on page {firsts[-1]}"
    kept = {tuple(d.pages): d for d in docs}
    out = []
    for first, nxt in zip(firsts, [*firsts[1:], last + 1], strict=True):
        pages = [first, nxt - 1]
        doc = kept.get(tuple(pages))
        if doc is None:
            text = "\n".join(texts[n] for n in range(first, nxt) if n in texts)
            doc = extract_document(text, pages)
        out.append(doc)
    return out, None


def for_documents(db: sqlite3.Connection, sha256: str, docs: list[Document]) -> list[Document]:
    """What `Catalog.replace_documents` stores: `docs` corrected; outcomes recorded."""
    _pages_gone(db, sha256)
    found = load(db, sha256=sha256, targets=("file", "document", "party"))
    if not found:
        return docs
    outcomes: dict[str, str | None] = {}
    cuts = [c for c in found if c.target == "file"]
    fields = [c for c in found if c.target != "file"]
    texts: dict[int, str] = {}
    if cuts or any("was" in c.locator for c in fields):
        texts = dict(db.execute("SELECT page_no, text FROM pages WHERE sha256=?", (sha256,)))
    if cuts:  # the latest cut wins; fields and parties are then laid over its documents
        why = _other_pages(cuts[-1], texts)
        if why is None:
            docs, why = resegment(docs, cuts[-1].after, texts)
        outcomes.update({c.uid: None for c in cuts[:-1]})
        outcomes[cuts[-1].uid] = why
    out, rest, moved = apply_to_documents(docs, fields, texts)
    outcomes.update(rest)
    _set_status(db, outcomes)
    db.executemany(
        "UPDATE corrections SET page_no=? WHERE uid=?", [(n, uid) for uid, n in moved.items()]
    )
    return out


def _other_pages(cut: Correction, texts: dict[int, str]) -> str | None:
    """Why a cut moved with a rescan does not fit the new scan (None when it does): its
    page count differs, or a page a document started on reads otherwise now."""
    was = cut.locator.get("was")
    if was is None:
        return None
    if len(texts) != was["pages"]:
        return (
            f"the documents were cut on a scan of {was['pages']} pages, the new scan has "
            f"{len(texts)}: cut it again"
        )
    for first, text in zip(cut.after, was["firsts"], strict=True):
        if fuzz.ratio(text, _first_page(texts.get(first, ""))) < SAME_PAGE:
            return (
                f"page {first} of the new scan is not the page a document started on: cut it again"
            )
    return None


def follow_rescan(db: sqlite3.Connection, old_sha: str, new_sha: str, path: str) -> int:
    """A rescan put new content at `path` and no path holds the old one any more: the old
    content's corrections move to the new one, waiting (`unmatched`, so the review queue
    shows them) until its pages and documents are written, which applies each one that
    still matches. Returns how many moved."""
    if not _has_table(db):
        return 0
    _remember_documents(db, old_sha)
    why = f"{path} was replaced by a new scan; waiting for its pages to be read again"
    return db.execute(
        "UPDATE corrections SET sha256=?, status='unmatched', detail=? WHERE sha256=?",
        (new_sha, why, old_sha),
    ).rowcount


def _remember_documents(db: sqlite3.Connection, sha256: str) -> None:
    """Put in each document and party correction of `sha256` what its document is (`was`):
    the page it starts on, the numbers it goes by (its own, and those an officer corrected
    it from and to) and its first page's text, so that it can be found in a rescan whatever
    page it starts on there. A cut into documents keeps the page count and the text of each
    first page, so that it is made on a rescan only where those pages are the same. A
    correction that did not match this content keeps the `was` of the content it was made
    on (one without it goes by its page's text alone)."""
    found = load(db, sha256=sha256, targets=("document", "party"))
    texts = dict(db.execute("SELECT page_no, text FROM pages WHERE sha256=?", (sha256,)))
    updates: list[tuple[str, str]] = []
    for c in load(db, sha256=sha256, targets=("file",)):
        if c.status != "applied" and "was" in c.locator:
            continue
        firsts = [_first_page(texts.get(n, "")) for n in c.after]
        was: dict[str, Any] = {"pages": len(texts), "firsts": firsts}
        updates.append((json.dumps({**c.locator, "was": was}, ensure_ascii=False), c.uid))
    stored = {
        r[0]: r[1]
        for r in db.execute(
            "SELECT first_page, own_number FROM documents WHERE sha256=?", (sha256,)
        )
    }
    numbers: dict[int, set[str]] = {}
    for c in found:
        if c.page_no in stored and stored[c.page_no]:
            numbers.setdefault(c.page_no, set()).add(number_key(stored[c.page_no]))
        if c.target == "document" and c.field == "own_number":
            for value in (c.before, c.after):
                if isinstance(value, str) and value.strip():
                    numbers.setdefault(c.page_no, set()).add(number_key(value))
    for c in found:
        if c.status != "applied" and "was" in c.locator:
            continue
        was = {
            "page": c.page_no,
            "numbers": sorted(numbers.get(c.page_no, set())),
            "text": _first_page(texts.get(c.page_no, "")),
        }
        locator = {**c.locator, "was": was}
        updates.append((json.dumps(locator, ensure_ascii=False), c.uid))
    db.executemany("UPDATE corrections SET locator=? WHERE uid=?", updates)


def _pages_gone(db: sqlite3.Connection, sha256: str) -> None:
    """Line corrections of pages the file has no text for when its documents are written
    (a rescan with fewer pages, a page that failed): unmatched, saying so. A page written
    later lays its corrections over it again (`for_page_text`)."""
    lines = load(db, sha256=sha256, targets=("line",))
    if not lines:
        return
    have = {r[0] for r in db.execute("SELECT page_no FROM pages WHERE sha256=?", (sha256,))}
    _set_status(
        db,
        {
            c.uid: f"page {c.page_no} of this file has no text now (not in the scan, or not read)"
            for c in lines
            if c.page_no not in have
        },
    )


def for_page_text(db: sqlite3.Connection, sha256: str, page_no: int, text: str) -> str:
    """What `Catalog.save_page` stores as the page's text: `text` corrected."""
    corrections = load(db, sha256=sha256, targets=("line",), page_no=page_no)
    if not corrections:
        return text
    out, outcomes = apply_to_text(text, corrections)
    _set_status(db, outcomes)
    return out

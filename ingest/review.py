"""The review loop over an archive: the queue, making corrections, export and import.

`review_items` lists what an officer should look at (documents without a readable number
or date, parties without a role or hard to read, pages to rescan, repaired text layers,
public rows the privacy check withheld, corrections that no longer match). `correct`
stores a correction (ingest/corrections.py), lays it over the catalog at once and updates
both search indices (the archive's SQLite index and, given its URL, Elasticsearch), so the
next search finds the corrected value. `export_lines` / `import_lines` move corrections
between archives as JSON Lines. `ArchiveReview` is the same for the web service.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ingest import corrections
from ingest.catalog import CURRENT, Catalog, words_from_json
from ingest.corrections import CorrectionError
from ingest.review_boxes import PageWords
from schemas import Document, PageRecord
from schemas.normalize import fold
from schemas.review import REVIEW_KINDS, Correction, ReviewItem
from schemas.vocab import DOC_TYPE_LABELS_VI, UNNUMBERED_DOC_TYPES

LOW_CONF = 70.0  # a value whose least sure word Tesseract gave less than this is flagged
VERY_LOW_CONF = 40.0  # handwriting, a seal across it, faded ink

# The documents' items as `_doubts_of` worked them out: a change of what it raises takes a
# new version (the cache of the one before is dropped, the items are worked out again).
# 2: no "missing number" for a record or a request (UNNUMBERED_DOC_TYPES).
_CACHE_TABLE = "review_doc_cache_2"
_CACHE_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {_CACHE_TABLE} (
    doc_id TEXT PRIMARY KEY,
    extracted_at REAL NOT NULL,
    items TEXT NOT NULL   -- JSON list of the document's review items (no case, no age)
);
"""
_DONE_SCHEMA = """
CREATE TABLE IF NOT EXISTS review_done (
    key TEXT PRIMARY KEY,
    who TEXT NOT NULL,
    at REAL NOT NULL
);
"""


def ensure_tables(db: sqlite3.Connection) -> None:
    corrections.ensure_table(db)
    db.executescript(_DONE_SCHEMA)


# -- the queue ---------------------------------------------------------------------------
def _done_keys(db: sqlite3.Connection) -> set[str]:
    db.executescript(_DONE_SCHEMA)
    return {r[0] for r in db.execute("SELECT key FROM review_done")}


def _case_paths(cat: Catalog) -> dict[str, str]:
    out: dict[str, str] = {}
    for sha, case_id in cat.db.execute(
        "SELECT sha256, case_id FROM file_paths ORDER BY seen_at, path"
    ):
        out.setdefault(sha, case_id)
    return out


def _confidence(words: PageWords | None, value: str | None) -> float | None:
    box = words.box(value) if words else None
    return box.conf if box else None


def _words_of(
    cat: Catalog, cache: dict[tuple[str, int], PageWords | None], sha: str, n: int
) -> PageWords | None:
    """A page's words (from their JSON, without building a page record), cached."""
    if (sha, n) not in cache:
        row = cat.db.execute(
            "SELECT words FROM pages WHERE sha256=? AND page_no=?", (sha, n)
        ).fetchone()
        words = words_from_json(row[0]) if row and row[0] else None
        cache[(sha, n)] = PageWords(words, n) if words else None
    return cache[(sha, n)]


def _document_items(cat: Catalog, cases: dict[str, str]) -> Iterator[ReviewItem]:
    """The documents' items. What a document raises depends only on it and its first
    page's words, both rewritten with a new `extracted_at`: kept in `_CACHE_TABLE`
    (items without their case, which moves with its file) and worked out again only for
    documents extracted since, so the queue of a large archive opens at once."""
    _cache_table(cat.db)
    cached = {
        r[0]: (r[1], r[2])
        for r in cat.db.execute(f"SELECT doc_id, extracted_at, items FROM {_CACHE_TABLE}")
    }
    rows = cat.db.execute(
        f"SELECT doc_id, sha256, extracted_at FROM documents WHERE {CURRENT} ORDER BY doc_id"
    ).fetchall()
    fresh: list[tuple[str, float, str]] = []
    words: dict[tuple[str, int], PageWords | None] = {}
    for doc_id, sha, at in rows:
        kept = cached.get(doc_id)
        if kept is not None and kept[0] == at:
            raw = kept[1]
        else:
            (data, first) = cat.db.execute(
                "SELECT data, first_page FROM documents WHERE doc_id=?", (doc_id,)
            ).fetchone()
            doc = Document.model_validate_json(data)
            found = _doubts_of(doc, _words_of(cat, words, sha, first))
            raw = json.dumps(found, ensure_ascii=False)
            fresh.append((doc_id, at, raw))
        for item in json.loads(raw):
            yield ReviewItem(case_id=cases.get(sha), since=at, **item)
    if fresh:
        with cat.db:
            cat.db.executemany(
                f"INSERT OR REPLACE INTO {_CACHE_TABLE}(doc_id, extracted_at, items)"
                " VALUES (?, ?, ?)",
                fresh,
            )


def _cache_table(db: sqlite3.Connection) -> None:
    """The documents' cache of these rules, the caches of earlier ones dropped."""
    stale = [
        r[0]
        for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type='table'"
            " AND name LIKE 'review_doc_cache%' AND name!=?",
            (_CACHE_TABLE,),
        )
    ]
    for name in stale:
        db.execute(f'DROP TABLE "{name}"')
    db.executescript(_CACHE_SCHEMA)


def _doubts_of(doc: Document, page_words: PageWords | None) -> list[dict[str, Any]]:
    """What one document raises: its number or date missing, misshapen or hard to read,
    its parties without a role or hard to read (ReviewItem fields but case and age)."""
    doc_id = str(doc.doc_id)
    sha, _, first = doc_id.rpartition(":")
    base = dict(sha256=sha, page_no=int(first), doc_id=doc_id, agency=doc.issuer)
    out: list[dict[str, Any]] = []
    for kind, value, label in (("number", doc.own_number, "số"), ("date", doc.date, "ngày")):
        shown = value
        if kind == "date" and value:
            y, m, d = value.split("-")
            shown = f"{int(d)}/{int(m)}/{y}"
        why = _doubt(value, _confidence(page_words, shown), label)
        if why and kind == "number" and not value:
            read = _after_label(page_words, "Số")
            if read:  # OCR read something there that is no number ("76QĐ-CCTHADS")
                why = f"Không nhận ra số của văn bản; trên trang đọc được: «Số: {read}»."
            elif doc.doc_type in UNNUMBERED_DOC_TYPES:
                why = None  # a record or a request without a "Số:" line has none to find
        if why:
            missing = f"{DOC_TYPE_LABELS_VI[doc.doc_type]} {doc.own_number or ''} · thiếu {label}"
            out.append(
                dict(key=f"{kind}:{doc_id}", kind=kind, what=value or missing, why=why, **base)
            )
    for p in doc.parties:
        conf = _confidence(page_words, p.name)
        if p.role == "other" and not p.represents:
            why = "Đương sự chưa có vai trò."
        elif conf is not None and conf < LOW_CONF:
            why = f"Tên đọc được với độ tin cậy thấp ({conf:.0f}/100)."
        else:
            continue
        out.append(
            dict(key=f"party:{doc_id}:{fold(p.name)}", kind="party", what=p.name, why=why, **base)
        )
    return out


def _after_label(page_words: PageWords | None, label: str) -> str | None:
    """What OCR read after the first printed `label` ("Số:") in the page's top third, up
    to the end of its line (two words at most), or None."""
    if page_words is None or not page_words.words:
        return None
    words = page_words.words
    bottom = max(w.top + w.height for w in words) / 3
    for i, w in enumerate(words):
        if w.top < bottom and (w.text.rstrip(":") == label or w.text.startswith(f"{label}:")):
            glued = w.text[len(label) :].lstrip(":").strip()  # "Số:76QĐ" in one word
            rest = [x.text for x in words[i + 1 : i + 3] if x.line == w.line]
            return " ".join(t for t in (glued, *rest) if t) or None
    return None


# A document number starts with its running number ("12/2020/DS-ST", "105/QĐ-CCTHADS").
_NUMBER_SHAPE = re.compile(r"^\d{1,6}[a-zA-Z]?/")


def _doubt(value: str | None, conf: float | None, label: str) -> str | None:
    if not value:
        return f"Không tìm thấy {label} của văn bản."
    if label == "số" and not _NUMBER_SHAPE.match(value):
        return f"Số không đúng dạng (chữ lẫn vào chỗ số?): {value}."
    if conf is not None and conf < VERY_LOW_CONF:
        return f"Có thể viết tay hoặc bị dấu đè ({label}: độ tin cậy {conf:.0f}/100)."
    if conf is not None and conf < LOW_CONF:
        return f"Đọc được với độ tin cậy thấp ({label}: {conf:.0f}/100)."
    return None


def _page_items(cat: Catalog, cases: dict[str, str]) -> Iterator[ReviewItem]:
    rows = cat.db.execute(
        "SELECT sha256, page_no, method, quality, needs_rescan, created_at FROM pages"
        f" WHERE (needs_rescan=1 OR method='text_layer_repaired') AND {CURRENT}"
        " ORDER BY sha256, page_no"
    ).fetchall()
    for sha, n, method, quality, rescan, at in rows:
        base = dict(case_id=cases.get(sha), sha256=sha, page_no=n, agency=None, since=at)
        if rescan:
            reasons = json.loads(quality).get("reasons") or []
            yield ReviewItem(
                key=f"rescan:{sha}:{n}",
                kind="rescan",
                what=f"Trang {n}",
                why="Cần quét lại: " + (", ".join(reasons) or "chất lượng thấp") + ".",
                **base,
            )
        if method == "text_layer_repaired":
            yield ReviewItem(
                key=f"textlayer:{sha}:{n}",
                kind="textlayer",
                what=f"Trang {n}",
                why="Lớp chữ của PDF đã được sửa tự động (bảng mã cũ); kiểm tra lại.",
                **base,
            )


def _handwritten_items(cat: Catalog, cases: dict[str, str]) -> Iterator[ReviewItem]:
    """The number and day fields written by hand into printed forms (`ingest.fields`): the
    page step found and boxed them (`PageQuality.review`); an officer types the value."""
    rows = cat.db.execute(
        "SELECT sha256, page_no, quality, created_at FROM pages"
        f" WHERE json_array_length(quality, '$.review') > 0 AND {CURRENT}"
        " ORDER BY sha256, page_no"
    ).fetchall()
    for sha, n, quality, at in rows:
        for f in json.loads(quality).get("review", []):
            label, kind = ("Số", "number") if f["kind"] == "number" else ("Ngày", "date")
            read = f"đọc thử: {f['text']}" if f.get("text") else "chưa đọc được"
            yield ReviewItem(
                key=f"handwritten:{sha}:{n}:{f['kind']}",
                kind=kind,
                case_id=cases.get(sha),
                sha256=sha,
                page_no=n,
                agency=None,
                since=at,
                what=f"{label} viết tay, trang {n} ({read})",
                why=f"{label} được viết tay vào mẫu in; nhập lại giá trị "
                f"(ô tại x={f['left']}, y={f['top']}, {f['width']}×{f['height']} px).",
            )


def _withheld_items(cat: Catalog) -> Iterator[ReviewItem]:
    # The web service (search/web/accounts.py) creates and fills this table; an archive it
    # has never served has withheld nothing.
    if not cat.db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'public_withheld'"
    ).fetchone():
        return
    for key, case_id, doc_id, kind, reasons, row_json, first in cat.db.execute(
        "SELECT row_key, case_id, doc_id, kind, reasons, row_json, first_seen"
        " FROM public_withheld ORDER BY last_seen DESC"
    ).fetchall():
        sha, _, page = (doc_id or "").rpartition(":")
        yield ReviewItem(
            key=f"withheld:{key}",
            kind="withheld",
            case_id=case_id,
            sha256=sha or None,
            page_no=int(page) if page.isdigit() else None,
            doc_id=doc_id,
            what=f"{kind}: {row_json[:200]}",
            why=" ".join(json.loads(reasons)),
            since=first,
        )


def _unmatched_items(cat: Catalog, cases: dict[str, str]) -> Iterator[ReviewItem]:
    replaced = {h["sha256"]: h for h in cat.path_history()}
    for c in corrections.load(cat.db):
        if c.status == "applied":
            if c.sha256 in cases or c.sha256 not in replaced:
                continue
            h = replaced[c.sha256]
            # Still applied to the old pages, which no case shows any more.
            c = c.model_copy(
                update={"detail": f"{h['path']}: {h['why']}; sửa lỗi này chỉ còn ở bản cũ."}
            )
        yield ReviewItem(
            key=f"unmatched:{c.uid}",
            kind="unmatched",
            case_id=cases.get(c.sha256)
            or (replaced[c.sha256]["case_id"] if c.sha256 in replaced else None),
            sha256=c.sha256,
            page_no=c.page_no,
            doc_id=c.doc_id if c.target != "line" else None,
            what=f"{c.target}.{c.field}: {_short(c.before)} → {_short(c.after)} ({c.who})",
            why=c.detail or "Không còn khớp.",
            since=c.at,
        )


def _short(v: Any) -> str:
    if isinstance(v, dict):
        v = v.get("name") or json.dumps(v, ensure_ascii=False)
    return "—" if v in (None, "") else str(v)[:120]


def review_items(
    cat: Catalog,
    *,
    kind: str | None = None,
    case_id: str | None = None,
    agency: str | None = None,
    older_than_days: float | None = None,
    include_done: bool = False,
) -> list[ReviewItem]:
    """The open review items, oldest first, filtered by kind, case, agency and age."""
    if kind is not None and kind not in REVIEW_KINDS:
        raise CorrectionError(f"unknown kind {kind!r} (one of {', '.join(REVIEW_KINDS)})")
    cases = _case_paths(cat)
    items: list[ReviewItem] = []
    if kind in (None, "number", "date", "party"):
        items += _document_items(cat, cases)
    if kind in (None, "number", "date"):
        items += _handwritten_items(cat, cases)
    if kind in (None, "rescan", "textlayer"):
        items += _page_items(cat, cases)
    if kind in (None, "withheld"):
        items += _withheld_items(cat)
    if kind in (None, "unmatched"):
        items += _unmatched_items(cat, cases)
    if agency and agency.strip():
        want = fold(agency)
        agencies = _file_agencies(cat)
        items = [
            i
            for i in items
            if want in fold(i.agency or "")
            or any(want in fold(a) for a in agencies.get(i.sha256 or "", ()))
        ]
    done = set() if include_done else _done_keys(cat.db)
    cutoff = time.time() - older_than_days * 86400 if older_than_days else None
    return sorted(
        (
            i
            for i in items
            if (kind is None or i.kind == kind)
            and (case_id is None or i.case_id == case_id)
            and i.key not in done
            and (cutoff is None or i.since <= cutoff)
        ),
        key=lambda i: (i.since, i.key),
    )


def _file_agencies(cat: Catalog) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for sha, issuer in cat.db.execute(
        "SELECT sha256, issuer FROM documents WHERE issuer IS NOT NULL"
    ):
        out.setdefault(sha, set()).add(issuer)
    return out


def counts(items: Iterable[ReviewItem]) -> dict[str, int]:
    out = dict.fromkeys(REVIEW_KINDS, 0)
    for i in items:
        out[i.kind] += 1
    return out


def mark_done(cat: Catalog, keys: Iterable[str], who: str) -> None:
    """Close review items (an officer looked and nothing needs fixing, or fixed it)."""
    with cat.db:
        cat.db.executescript(_DONE_SCHEMA)
        cat.db.executemany(
            "INSERT OR REPLACE INTO review_done(key, who, at) VALUES (?, ?, ?)",
            [(k, who, time.time()) for k in keys],
        )


# -- applying corrections ----------------------------------------------------------------
def relay(cat: Catalog, sha256: str) -> None:
    """Lay the file's corrections over what the catalog holds now (documents and page
    texts), recording which still match. The catalog's own writes do the same."""
    docs = cat.documents(sha256=sha256)
    if docs:
        cat.replace_documents(sha256, docs)
    with cat.db:
        for page_no, text in cat.page_texts(sha256):
            new = corrections.for_page_text(cat.db, sha256, page_no, text)
            if new != text:
                cat.db.execute(
                    "UPDATE pages SET text=? WHERE sha256=? AND page_no=?", (new, sha256, page_no)
                )


def reindex_files(
    cat: Catalog, shas: Iterable[str], es_url: str | None, es_alias: str | None = None
) -> None:
    """Bring both search indices up to date for these files, and searchable at once."""
    from ingest.index import Indexer

    with Indexer(cat, es_url=es_url, es_alias_name=es_alias) as indexer:
        for sha in shas:
            indexer.documents_saved(sha)
        indexer.flush()
        refresh = getattr(indexer.es, "refresh", None)
        if refresh is not None:
            refresh()


def _item_keys(c: Correction) -> list[str]:
    if c.target == "document" and c.field in ("own_number", "date"):
        return [f"{'number' if c.field == 'own_number' else 'date'}:{c.doc_id}"]
    if c.target == "party":
        names = [str(c.locator.get("name") or "")]
        if isinstance(c.after, dict):
            names.append(str(c.after.get("name") or ""))
        return [f"party:{c.doc_id}:{fold(n)}" for n in names if n]
    return []


def fill_before(cat: Catalog, c: Correction) -> Correction:
    """The correction with `before` taken from the catalog (what the officer saw)."""
    if c.target == "line":
        texts = dict(cat.page_texts(c.sha256))
        if c.page_no not in texts:
            raise CorrectionError(f"no page {c.page_no} in that file")
        lines = texts[c.page_no].split("\n")
        n = int(c.locator.get("line", -1))
        if not 0 <= n < len(lines):
            raise CorrectionError(f"page {c.page_no} has no line {n + 1}")
        return c.model_copy(update={"before": lines[n]})
    if c.target == "file":
        firsts = [d.pages[0] for d in cat.documents(sha256=c.sha256)]
        return c.model_copy(update={"before": firsts, "page_no": 1})
    doc = cat.document(c.doc_id)
    if doc is None:
        raise CorrectionError(f"no document starts on page {c.page_no} of that file")
    if c.target == "document":
        # an unknown field is refused by corrections.validate, with its one sentence
        return c.model_copy(update={"before": getattr(doc, c.field, None)})
    if c.field == "add":
        return c.model_copy(update={"before": None})
    name = str(c.locator.get("name") or "")
    party = next((p for p in doc.parties if corrections.same(p.name, name)), None)
    if party is None:
        raise CorrectionError(f"no party named {name!r} in that document")
    before = {"name": party.name, "role": party.role, "represents": party.represents}
    after = c.after
    if c.field == "edit" and isinstance(after, dict) and not after.get("role"):
        after = {**after, "role": party.role}  # a name corrected alone keeps its role
    return c.model_copy(
        update={
            "before": before,
            "after": after,
            "locator": {"name": party.name, "role": party.role},
        }
    )


def correct(
    cat: Catalog,
    c: Correction,
    *,
    es_url: str | None = None,
    es_alias: str | None = None,
) -> Correction:
    """Store one correction and apply it everywhere; returns it as stored (its status)."""
    c = fill_before(cat, c)
    case_id, _, path = cat.case_of(c.sha256)
    c = c.model_copy(update={"case_id": case_id or None, "path": path or None})
    corrections.validate(c)
    with cat.db:
        corrections.insert(cat.db, c)
    relay(cat, c.sha256)
    mark_done(cat, _item_keys(c), c.who)
    reindex_files(cat, [c.sha256], es_url, es_alias)
    return next(x for x in corrections.load(cat.db, sha256=c.sha256) if x.uid == c.uid)


# -- export and import ---------------------------------------------------------------------
def export_lines(cat: Catalog) -> Iterator[str]:
    """Every correction, oldest first, one JSON object a line."""
    cases = _case_paths(cat)
    for c in corrections.load(cat.db):
        _, _, path = cat.case_of(c.sha256)
        c = c.model_copy(
            update={"case_id": cases.get(c.sha256) or c.case_id, "path": path or c.path}
        )
        yield c.model_dump_json()


def import_lines(
    cat: Catalog,
    lines: Iterable[str],
    *,
    es_url: str | None = None,
    es_alias: str | None = None,
) -> dict[str, int]:
    """Add the corrections of an export (those already here are skipped), apply them and
    update the indices. Returns how many were added, skipped, and do not match here."""
    parsed: list[Correction] = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            c = Correction.model_validate_json(line)
            corrections.validate(c)
        except (ValidationError, CorrectionError, ValueError) as exc:
            first = str(exc).splitlines()[0]
            raise CorrectionError(f"line {n} is not a hoso correction: {first}") from None
        parsed.append(c)
    added = 0
    with cat.db:
        for c in parsed:
            added += corrections.insert(cat.db, c.model_copy(update={"status": "applied"}))
    shas = sorted({c.sha256 for c in parsed})
    for sha in shas:
        relay(cat, sha)
    for c in parsed:
        mark_done(cat, _item_keys(c), c.who)
    if shas:
        reindex_files(cat, [s for s in shas if cat.is_current(s)], es_url, es_alias)
    uids = {c.uid for c in parsed}
    unmatched = sum(1 for c in corrections.load(cat.db, status="unmatched") if c.uid in uids)
    return {
        "read": len(parsed),
        "added": added,
        "skipped": len(parsed) - added,
        "unmatched": unmatched,
    }


# -- the web service's view ----------------------------------------------------------------
class ArchiveReview:
    """The review loop for `hoso serve` (search.web.routes_review.ReviewService): one
    catalog connection per call, writes serialised by SQLite."""

    def __init__(self, archive: Path, es_url: str | None = None, es_alias: str | None = None):
        self.archive = Path(archive)
        self.es_url = es_url
        self.es_alias = es_alias

    def _cat(self) -> Catalog:
        cat = Catalog(self.archive)
        ensure_tables(cat.db)
        return cat

    def items(self, **filters: Any) -> list[ReviewItem]:
        with self._cat() as cat:
            return review_items(cat, **filters)

    def document(self, doc_id: str) -> tuple[Document, PageRecord] | None:
        sha, _, first = doc_id.rpartition(":")
        with self._cat() as cat:
            doc = cat.document(doc_id)
            if doc is None:
                return None
            return doc, cat.page_record(sha, int(first), with_words=True)

    def page(self, sha256: str, page_no: int) -> PageRecord | None:
        with self._cat() as cat:
            try:
                return cat.page_record(sha256, page_no, with_words=True)
            except KeyError:
                return None

    def boundaries(self, sha256: str) -> list[int]:
        """The first page of every document of a file, as the catalog holds them now."""
        with self._cat() as cat:
            return [d.pages[0] for d in cat.documents(sha256=sha256)]

    def history(self, sha256: str | None = None, limit: int = 200) -> list[Correction]:
        with self._cat() as cat:
            found = corrections.load(cat.db, sha256=sha256)
        return list(reversed(found))[:limit]

    def correct(self, c: Correction) -> Correction:
        with self._cat() as cat:
            return correct(cat, c, es_url=self.es_url, es_alias=self.es_alias)

    def mark_done(self, key: str, who: str) -> None:
        with self._cat() as cat:
            mark_done(cat, [key], who)

    def stats(self, year: int | None = None) -> dict[str, Any]:
        from ingest.office import statistics

        with self._cat() as cat:
            return statistics(cat, year)

    def stats_csv(self, year: int | None = None) -> str:
        from ingest.office import statistics_rows, to_csv

        return to_csv(statistics_rows(self.stats(year)))

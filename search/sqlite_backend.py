"""The embedded search index: SQLite FTS5 in `index.sqlite` next to the archive's catalog.

Derived and rebuildable: one row per page with the normalised record of `query.derive`,
an FTS5 table over party names (diacritics kept / folded), an FTS5 table over the folded
page text (both numbered in (case_id, page_id) order by a rebuild, so a tier stops after
`limit` pages), a table of number keys and a syllable "deletes" table for one-edit fuzzy name
lookup. This module only retrieves candidates; `search.query` ranks them. It knows nothing
about the catalog (it is fed `IndexPage` records).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import weakref
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from cachetools import LRUCache

from schemas import IndexPage, SearchQuery
from search.query import Plan, deletes, derive, text_tokens, within_one_edit

INDEX_FILENAME = "index.sqlite"
INDEX_VERSION = "5"  # bump when the layout changes: older files are rebuilt

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS pages (
    rid INTEGER PRIMARY KEY,
    page_id TEXT NOT NULL UNIQUE,
    sha256 TEXT NOT NULL,
    case_id TEXT NOT NULL,
    doc_type TEXT,
    doc_year INTEGER,
    issuer_fold TEXT,
    data TEXT NOT NULL,          -- query.derive() JSON without the texts
    text TEXT NOT NULL,          -- page text as catalogued (snippets)
    text_fold TEXT NOT NULL      -- folded tokens (full-text search)
);
CREATE INDEX IF NOT EXISTS pages_sha ON pages(sha256);
CREATE TABLE IF NOT EXISTS page_cases (
    rid INTEGER NOT NULL, case_id TEXT NOT NULL, PRIMARY KEY (case_id, rid)
) WITHOUT ROWID;
-- case_id and page_id are copied into the tables that drive retrieval, so that ordering the
-- matches (by case, then page: the order both backends share) never reads the big page rows.
CREATE TABLE IF NOT EXISTS page_numbers (
    key TEXT NOT NULL, rid INTEGER NOT NULL, kind INTEGER NOT NULL,  -- 0 own, 1 doc, 2 text
    case_id TEXT NOT NULL, page_id TEXT NOT NULL,
    PRIMARY KEY (key, rid, kind)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS pages_order ON pages(rid, case_id, page_id);
CREATE INDEX IF NOT EXISTS page_numbers_rid ON page_numbers(rid);
CREATE TABLE IF NOT EXISTS parties (
    id INTEGER PRIMARY KEY,
    rid INTEGER NOT NULL,
    role TEXT NOT NULL,
    case_id TEXT NOT NULL,
    page_id TEXT NOT NULL,
    name_norm TEXT NOT NULL,
    name_fold TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS parties_rid ON parties(rid);
-- Whole-name lookups, already in the shared (case, page) order: common names stay instant.
CREATE INDEX IF NOT EXISTS parties_norm ON parties(name_norm, case_id, page_id);
CREATE INDEX IF NOT EXISTS parties_fold ON parties(name_fold, case_id, page_id);
CREATE VIRTUAL TABLE IF NOT EXISTS names_fts USING fts5(
    name_norm, name_fold, content='parties', content_rowid='id',
    tokenize="unicode61 remove_diacritics 0"
);
CREATE TRIGGER IF NOT EXISTS parties_ai AFTER INSERT ON parties BEGIN
    INSERT INTO names_fts(rowid, name_norm, name_fold)
    VALUES (new.id, new.name_norm, new.name_fold);
END;
CREATE TRIGGER IF NOT EXISTS parties_ad AFTER DELETE ON parties BEGIN
    INSERT INTO names_fts(names_fts, rowid, name_norm, name_fold)
    VALUES ('delete', old.id, old.name_norm, old.name_fold);
END;
-- The page-text index has rowids of its own (tid), given in (case_id, page_id) order by a
-- rebuild, so a full-text tier reads it in that order and stops after `limit` pages.
-- AUTOINCREMENT: pages added later always get a tid after the ordered range.
CREATE TABLE IF NOT EXISTS page_text (
    tid INTEGER PRIMARY KEY AUTOINCREMENT,
    rid INTEGER NOT NULL UNIQUE
);
CREATE VIEW IF NOT EXISTS page_text_content AS
    SELECT t.tid AS tid, p.text_fold AS text_fold FROM page_text t JOIN pages p ON p.rid = t.rid;
CREATE VIRTUAL TABLE IF NOT EXISTS text_fts USING fts5(
    text_fold, content='page_text_content', content_rowid='tid',
    tokenize="unicode61 remove_diacritics 0"
);
CREATE TRIGGER IF NOT EXISTS pages_ai AFTER INSERT ON pages BEGIN
    INSERT INTO page_text(rid) VALUES (new.rid);
    INSERT INTO text_fts(rowid, text_fold)
    VALUES ((SELECT tid FROM page_text WHERE rid = new.rid), new.text_fold);
END;
CREATE TRIGGER IF NOT EXISTS pages_ad AFTER DELETE ON pages BEGIN
    INSERT INTO text_fts(text_fts, rowid, text_fold)
    VALUES ('delete', (SELECT tid FROM page_text WHERE rid = old.rid), old.text_fold);
    DELETE FROM page_text WHERE rid = old.rid;
END;
-- Every distinct folded name, with a full-text index: the loose name tier first asks it
-- whether any name at all matches (a text query tried as a name usually finds none, and
-- the parties' index would be read to the end to prove it).
CREATE TABLE IF NOT EXISTS name_folds (id INTEGER PRIMARY KEY, name_fold TEXT NOT NULL UNIQUE);
CREATE VIRTUAL TABLE IF NOT EXISTS name_folds_fts USING fts5(
    name_fold, content='name_folds', content_rowid='id',
    tokenize="unicode61 remove_diacritics 0"
);
CREATE TRIGGER IF NOT EXISTS name_folds_ai AFTER INSERT ON name_folds BEGIN
    INSERT INTO name_folds_fts(rowid, name_fold) VALUES (new.id, new.name_fold);
END;
CREATE TABLE IF NOT EXISTS name_deletes (
    del TEXT NOT NULL, syl TEXT NOT NULL, PRIMARY KEY (del, syl)
) WITHOUT ROWID;
"""


def _fts_phrase(words: Iterable[str]) -> str:
    return '"' + " ".join(w.replace('"', "") for w in words) + '"'


# (device, inode, ctime, mtime, SQLite file change counter) of an index file.
Generation = tuple[int, int, int, int, int]
_HEADER = 28


def index_generation(path: Path) -> Generation | None:
    """Identifies the committed content of the index file at `path`, or None when that
    cannot be trusted: the file's device, inode, ctime and mtime (a rebuild swaps in a new
    file) and SQLite's file change counter (header offset 24, incremented by every committed
    write transaction in rollback journal mode, whichever process wrote). None while a
    journal file exists (a write in progress), when the header says WAL (the counter is not
    kept there), or when the file cannot be read. Equal values read before and after a read
    mean that no write was committed in between."""
    try:
        if os.path.exists(f"{path}-journal"):
            return None
        fd = os.open(path, os.O_RDONLY)
        try:
            st = os.fstat(fd)
            header = os.pread(fd, _HEADER, 0)
        finally:
            os.close(fd)
    except OSError:
        return None
    if len(header) < _HEADER or header[18] == 2 or header[19] == 2:  # WAL
        return None
    counter = int.from_bytes(header[24:28], "big")
    return (st.st_dev, st.st_ino, st.st_ctime_ns, st.st_mtime_ns, counter)


# Decoded page records kept per process and index file (RecordCache).
RECORD_CACHE_ENTRIES = 4096


class RecordCache:
    """Decoded records (and folded texts, page texts) of one index file's pages, shared by
    the threads of a process: the same pages come back in many searches, and decoding their
    JSON record was the largest single cost of a search in Python (~15%).

    Entries are keyed by rowid and valid for one `index_generation` only: a lookup under
    another generation finds nothing, and the first store under a new one drops everything.
    An entry is stored only if the generation read after its rows were read equals the one
    read before (no write committed in between), so an incremental upsert, a delete or a
    rebuild swapped in by any process is never hidden. No generation (a write in progress,
    WAL): no caching. Callers get their own shallow copy of each record (`_records`).
    """

    def __init__(self, path: Path, entries: int = RECORD_CACHE_ENTRIES) -> None:
        self.path = path
        self.entries = entries
        self._lock = threading.Lock()
        self._generation: Generation | None = None
        # rid -> [record, text_fold or None]; page_id -> page text
        self._records: LRUCache[int, list[Any]] = LRUCache(maxsize=entries)
        self._texts: LRUCache[str, str] = LRUCache(maxsize=entries)

    def generation(self) -> Generation | None:
        return index_generation(self.path)

    def _reset(self, generation: Generation) -> None:
        if generation != self._generation:
            self._records = LRUCache(maxsize=self.entries)
            self._texts = LRUCache(maxsize=self.entries)
            self._generation = generation

    def records(
        self, generation: Generation, rids: Iterable[int], with_text_fold: bool
    ) -> dict[int, list[Any]]:
        out: dict[int, list[Any]] = {}
        with self._lock:
            if generation != self._generation:
                return out
            for rid in rids:
                entry = self._records.get(rid)
                if entry is not None and (not with_text_fold or entry[1] is not None):
                    out[rid] = entry
        return out

    def put_records(self, generation: Generation, found: dict[int, list[Any]]) -> None:
        with self._lock:
            self._reset(generation)
            for rid, entry in found.items():
                kept = self._records.get(rid)
                if kept is not None and entry[1] is None:
                    entry = [entry[0], kept[1]]
                self._records[rid] = entry

    def texts(self, generation: Generation, page_ids: Iterable[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        with self._lock:
            if generation != self._generation:
                return out
            for page_id in page_ids:
                text = self._texts.get(page_id)
                if text is not None:
                    out[page_id] = text
        return out

    def put_texts(self, generation: Generation, found: dict[str, str]) -> None:
        with self._lock:
            self._reset(generation)
            for page_id, text in found.items():
                self._texts[page_id] = text


_RECORD_CACHES: weakref.WeakValueDictionary[str, RecordCache] = weakref.WeakValueDictionary()
_RECORD_CACHES_LOCK = threading.Lock()


def record_cache(path: Path) -> RecordCache:
    """The one RecordCache of this process for the index file at `path` (kept while some
    backend of that file is open)."""
    key = str(path.resolve())
    with _RECORD_CACHES_LOCK:
        cache = _RECORD_CACHES.get(key)
        if cache is None:
            cache = RecordCache(path)
            _RECORD_CACHES[key] = cache
        return cache


class SqliteBackend:
    """FTS5 index of one archive. Safe to share across threads (one lock per connection)."""

    name = "sqlite"

    def __init__(self, archive: Path | str, *, path: Path | None = None) -> None:
        self.archive = Path(archive)
        self.path = path or self.archive / INDEX_FILENAME
        self._lock = threading.RLock()
        self._known_syllables: set[str] = set()  # already in name_deletes
        self._open()
        self._cache = record_cache(self.path)

    def _open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=60, check_same_thread=False)
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA cache_size=-65536")
        version = None
        if self.db.execute("SELECT 1 FROM sqlite_master WHERE name='meta'").fetchone():
            row = self.db.execute("SELECT value FROM meta WHERE key='version'").fetchone()
            version = row[0] if row else None
        if version != INDEX_VERSION:  # new or older layout: start empty (`hoso reindex`)
            # Readers (one per web thread) of a current index never take the write lock.
            self.db.close()
            for p in (self.path, Path(f"{self.path}-journal")):
                p.unlink(missing_ok=True)
            self.db = sqlite3.connect(self.path, timeout=60, check_same_thread=False)
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA cache_size=-65536")
            # In one transaction: run statement by statement, each CREATE was a commit of its
            # own with its fsyncs (a new archive's index: 0.32 s against 8 ms on this disk).
            self.db.executescript(f"BEGIN;\n{_SCHEMA}\nCOMMIT;")
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (INDEX_VERSION,))
            self.db.commit()
        self._inode = os.stat(self.path).st_ino
        row = self.db.execute("SELECT value FROM meta WHERE key='parties_sorted'").fetchone()
        # Parties with an id up to this one are numbered in (case_id, page_id) order (rebuild).
        self._sorted_max = int(row[0]) if row else 0
        row = self.db.execute("SELECT value FROM meta WHERE key='text_sorted'").fetchone()
        # Page texts with a tid up to this one are numbered in (case_id, page_id) order.
        self._text_sorted_max = int(row[0]) if row else 0
        self._loading = False  # rebuild: parties go to a staging table, numbered at the end

    def close(self) -> None:
        with self._lock:
            self.db.close()

    def follow_swaps(self) -> None:
        """Reopen the index when `rebuild` in another process (`hoso reindex` while `hoso
        serve` runs) renamed a new file over it: an open connection would keep reading the
        old, unlinked file until a restart. One stat() per search."""
        try:
            inode = os.stat(self.path).st_ino
        except OSError:
            return
        if inode != self._inode:
            with self._lock:
                if os.stat(self.path).st_ino != self._inode:
                    self.db.close()
                    self._open()

    # -- writing ---------------------------------------------------------------------------
    def upsert(self, pages: Iterable[IndexPage]) -> int:
        """Index or re-index pages (by sha256 and page number); one transaction."""
        n = 0
        with self._lock, self.db:
            for page in pages:
                self._delete_page(page.page_id)
                self._insert(page)
                n += 1
        return n

    def delete_file(self, sha256: str, keep: Iterable[int] = ()) -> None:
        """Drop the pages of a file that are no longer in the catalog."""
        keep_set = set(keep)
        with self._lock, self.db:
            for (page_id,) in self.db.execute(
                "SELECT page_id FROM pages WHERE sha256=?", (sha256,)
            ).fetchall():
                if int(page_id.rsplit(":", 1)[1]) not in keep_set:
                    self._delete_page(page_id)

    def _delete_page(self, page_id: str) -> None:
        row = self.db.execute("SELECT rid FROM pages WHERE page_id=?", (page_id,)).fetchone()
        if row is None:
            return
        rid = row[0]
        self.db.execute("DELETE FROM parties WHERE rid=?", (rid,))
        self.db.execute("DELETE FROM page_numbers WHERE rid=?", (rid,))
        self.db.execute("DELETE FROM page_cases WHERE rid=?", (rid,))
        self.db.execute("DELETE FROM pages WHERE rid=?", (rid,))

    def _insert(self, page: IndexPage) -> None:
        rec = derive(page)
        text_fold = rec.pop("text_fold")
        cur = self.db.execute(
            "INSERT INTO pages(page_id, sha256, case_id, doc_type, doc_year, issuer_fold, data,"
            " text, text_fold) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                rec["page_id"],
                rec["sha256"],
                rec["case_id"],
                rec["doc_type"],
                rec["doc_year"],
                rec["issuer_fold"],
                json.dumps(rec, ensure_ascii=False, separators=(",", ":")),
                page.text,
                text_fold,
            ),
        )
        rid = cur.lastrowid
        self.db.executemany(
            "INSERT OR IGNORE INTO page_cases(rid, case_id) VALUES (?, ?)",
            [(rid, c) for c in rec["case_ids"]],
        )
        numbers = {(k, 1) for k in rec["number_keys"]} | {(k, 2) for k in rec["text_number_keys"]}
        if rec["own_number_key"]:
            numbers.add((rec["own_number_key"], 0))
        self.db.executemany(
            "INSERT OR IGNORE INTO page_numbers(key, rid, kind, case_id, page_id)"
            " VALUES (?, ?, ?, ?, ?)",
            [(k, rid, kind, rec["case_id"], rec["page_id"]) for k, kind in numbers],
        )
        rows = [
            (rid, p["role"], rec["case_id"], rec["page_id"], p["name_norm"], p["name_fold"])
            for p in rec["parties"]
        ]
        if self._loading:  # name_folds is filled at the end
            self.db.executemany("INSERT INTO parties_load VALUES (?, ?, ?, ?, ?, ?)", rows)
        elif self._sorted_max:
            # Never reuse an id of the ordered range (SQLite takes max(id) + 1 by default).
            top = self.db.execute("SELECT coalesce(max(id), 0) FROM parties").fetchone()[0]
            first = max(top, self._sorted_max) + 1
            self.db.executemany(
                "INSERT INTO parties(id, rid, role, case_id, page_id, name_norm, name_fold)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(first + i, *r) for i, r in enumerate(rows)],
            )
        else:
            self.db.executemany(
                "INSERT INTO parties(rid, role, case_id, page_id, name_norm, name_fold)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )
        if not self._loading:
            self.db.executemany(
                "INSERT OR IGNORE INTO name_folds(name_fold) VALUES (?)", [(r[5],) for r in rows]
            )
        syls = {s for p in rec["parties"] for s in p["name_fold"].split()} - self._known_syllables
        if syls:
            self.db.executemany(
                "INSERT OR IGNORE INTO name_deletes(del, syl) VALUES (?, ?)",
                [(d, s) for s in syls for d in deletes(s)],
            )
            self._known_syllables |= syls

    def rebuild(self, pages: Iterable[IndexPage]) -> int:
        """Build a fresh index file beside the live one and swap it in atomically: searches
        keep answering from the old file until the rename. A build that fails (a full disk,
        Ctrl-C) deletes its unfinished file and leaves the live index as it was."""
        tmp = self.path.with_name(self.path.name + ".new")
        scratch = (tmp, Path(f"{tmp}-journal"))
        for p in scratch:
            p.unlink(missing_ok=True)
        try:
            fresh = SqliteBackend(self.archive, path=tmp)
            try:
                n = self._fill(fresh, pages)
            finally:
                fresh.close()
        except BaseException:
            for p in scratch:
                p.unlink(missing_ok=True)
            raise
        with self._lock:
            self.db.close()
            os.replace(tmp, self.path)
            self._open()
        return n

    @staticmethod
    def _fill(fresh: SqliteBackend, pages: Iterable[IndexPage]) -> int:
        """Index `pages` into the scratch index `fresh`; returns how many."""
        # A scratch file until the rename: no journal, no fsync, and the full-text indices
        # built once at the end from their content tables (twice as fast as row by row).
        fresh.db.execute("PRAGMA journal_mode=OFF")
        fresh.db.execute("PRAGMA synchronous=OFF")
        for trigger in ("pages_ai", "pages_ad", "parties_ai", "parties_ad", "name_folds_ai"):
            fresh.db.execute(f"DROP TRIGGER {trigger}")
        # Parties are numbered at the end in (case_id, page_id) order, the order every tier
        # returns: a name tier then reads the full-text index in rowid order and stops after
        # `limit` pages instead of sorting every match of a common syllable.
        for index in ("parties_rid", "parties_norm", "parties_fold"):
            fresh.db.execute(f"DROP INDEX {index}")
        fresh.db.execute(
            "CREATE TEMP TABLE parties_load (rid INTEGER, role TEXT, case_id TEXT, page_id TEXT,"
            " name_norm TEXT, name_fold TEXT)"
        )
        fresh._loading = True
        n = 0
        batch: list[IndexPage] = []
        for page in pages:
            batch.append(page)
            if len(batch) >= 1000:
                n += fresh.upsert(batch)
                batch.clear()
        n += fresh.upsert(batch)
        with fresh._lock, fresh.db:
            fresh.db.execute(
                "INSERT INTO parties(rid, role, case_id, page_id, name_norm, name_fold)"
                " SELECT rid, role, case_id, page_id, name_norm, name_fold FROM parties_load"
                " ORDER BY case_id, page_id, rowid"
            )
            fresh.db.execute("DROP TABLE parties_load")
            fresh.db.execute(
                "INSERT INTO name_folds(name_fold) SELECT DISTINCT name_fold FROM parties"
            )
            top = fresh.db.execute("SELECT coalesce(max(id), 0) FROM parties").fetchone()[0]
            fresh.db.execute("INSERT OR REPLACE INTO meta VALUES ('parties_sorted', ?)", (top,))
            # The same for the page texts (the full-text index is built in that order).
            fresh.db.execute(
                "INSERT INTO page_text(rid) SELECT rid FROM pages ORDER BY case_id, page_id"
            )
            top = fresh.db.execute("SELECT coalesce(max(tid), 0) FROM page_text").fetchone()[0]
            fresh.db.execute("INSERT OR REPLACE INTO meta VALUES ('text_sorted', ?)", (top,))
            fresh.db.execute("INSERT INTO text_fts(text_fts) VALUES ('rebuild')")
            fresh.db.execute("INSERT INTO names_fts(names_fts) VALUES ('rebuild')")
            fresh.db.execute("INSERT INTO name_folds_fts(name_folds_fts) VALUES ('rebuild')")
        fresh.db.executescript(_SCHEMA)  # indices and triggers again, for incremental updates
        fresh.db.commit()
        return n

    def count(self) -> int:
        with self._lock:
            return int(self.db.execute("SELECT COUNT(*) FROM pages").fetchone()[0])

    def page_ids(self) -> set[str]:
        with self._lock:
            return {r[0] for r in self.db.execute("SELECT page_id FROM pages")}

    # -- reading ---------------------------------------------------------------------------
    def _filters(self, query: SearchQuery) -> tuple[str, list[Any]]:
        sql: list[str] = []
        args: list[Any] = []
        if query.doc_type:
            sql.append("p.doc_type = ?")
            args.append(query.doc_type)
        if query.year_from is not None:
            sql.append("p.doc_year >= ?")
            args.append(query.year_from)
        if query.year_to is not None:
            sql.append("p.doc_year <= ?")
            args.append(query.year_to)
        if query.issuer:
            sql.append("instr(' ' || p.issuer_fold || ' ', ?) > 0")
            args.append(f" {' '.join(text_tokens(query.issuer))} ")
        if query.case_id:
            sql.append("EXISTS (SELECT 1 FROM page_cases c WHERE c.case_id = ? AND c.rid = p.rid)")
            args.append(query.case_id)
        return (" AND " + " AND ".join(sql) if sql else ""), args

    def _role_filter(self, query: SearchQuery) -> tuple[str, list[Any]]:
        if not query.role:
            return "", []
        return " AND EXISTS (SELECT 1 FROM parties r WHERE r.rid = p.rid AND r.role = ?)", [
            query.role
        ]

    def _records(self, rids: list[int], *, with_text_fold: bool = False) -> list[dict[str, Any]]:
        """The decoded records of `rids` (with their folded text if asked), each a fresh
        shallow copy, in the order `SELECT … WHERE rid IN (…)` returns them: ascending rid
        within each chunk of 500. Decoded records come from the process's RecordCache when
        the index has not changed since they were read."""
        cache = self._cache
        generation = cache.generation()
        found = cache.records(generation, rids, with_text_fold) if generation else {}
        missing = [r for r in rids if r not in found]
        if missing:
            fetched = self._fetch_records(missing, with_text_fold)
            if generation is not None and cache.generation() == generation:
                cache.put_records(generation, fetched)
            found.update(fetched)
        out = []
        for i in range(0, len(rids), 500):
            for rid in sorted(rids[i : i + 500]):
                entry = found.get(rid)
                if entry is None:  # deleted since the tier query
                    continue
                rec = dict(entry[0])
                if with_text_fold:
                    rec["text_fold"] = entry[1]
                out.append(rec)
        return out

    def _fetch_records(self, rids: list[int], with_text_fold: bool) -> dict[int, list[Any]]:
        found: dict[int, list[Any]] = {}
        col = ", text_fold" if with_text_fold else ", NULL"
        for i in range(0, len(rids), 500):
            chunk = rids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for rid, data, fold in self.db.execute(
                f"SELECT rid, data{col} FROM pages WHERE rid IN ({marks})", chunk
            ):
                found[rid] = [json.loads(data), fold]
        return found

    def fuzzy_neighbours(self, syllable: str) -> set[str]:
        """Indexed name syllables within one edit of `syllable` (folded)."""
        keys = sorted(deletes(syllable))
        marks = ",".join("?" * len(keys))
        rows = self.db.execute(
            f"SELECT DISTINCT syl FROM name_deletes WHERE del IN ({marks})", keys
        ).fetchall()
        return {r[0] for r in rows if within_one_edit(syllable, r[0])}

    def candidates(self, plan: Plan, query: SearchQuery, limit: int) -> list[dict[str, Any]]:
        with self._lock:
            if plan.kind == "name":
                return self._name_candidates(plan, query, limit)
            if plan.kind == "number":
                return self._number_candidates(plan, query, limit)
            if plan.kind == "all":
                where, args = self._filters(query)
                role, rargs = self._role_filter(query)
                rids = [
                    r[0]
                    for r in self.db.execute(
                        f"SELECT p.rid FROM pages p WHERE 1=1{where}{role}"
                        " ORDER BY p.case_id, p.page_id LIMIT ?",
                        [*args, *rargs, limit],
                    )
                ]
                return self._records(rids)
            return self.text_candidates(plan, query, limit)

    def _tiers(self, sqls: Sequence[tuple[Any, ...]], limit: int) -> list[int]:
        """Run tier queries (sql, args[, guard]) best first; each returns rids ordered by
        (case_id, page_id). The result is the first `limit` pages of the tiers in order,
        without repeats: exactly what Elasticsearch returns for the same tiers as dis_max
        boosts sorted by (_score, case_id, page_id), so both backends rank the same
        candidates. A tier whose `guard` (sql, args) finds no row is skipped."""
        rids: dict[int, None] = {}
        for sql, args, *guard in sqls:
            if len(rids) >= limit:
                break
            if guard and self.db.execute(*guard[0]).fetchone() is None:
                continue
            if " names_fts MATCH " in sql:
                found = self._fts_tier(sql, args, limit + len(rids), self._sorted_max)
            elif " text_fts MATCH " in sql:
                found = self._fts_tier(sql, args, limit + len(rids), self._text_sorted_max)
            else:
                found = self.db.execute(
                    sql + " ORDER BY ck, pk LIMIT ?", [*args, limit + len(rids)]
                ).fetchall()
            for rid, *_ in found:
                rids.setdefault(rid, None)
        return list(rids)[:limit]

    def _fts_tier(
        self, sql: str, args: list[Any], n: int, sorted_max: int
    ) -> list[tuple[Any, ...]]:
        """The first `n` pages of a full-text tier (party names or page text, `f`) in
        (case_id, page_id) order.

        Rows numbered by a rebuild (rowid ≤ `sorted_max`) are in that order already, so
        the index is read in rowid order and the read stops after `n` pages, however
        common the words; rows added since (higher rowids) are sorted as usual."""
        out: dict[int, tuple[Any, ...]] = {}
        if sorted_max:
            cur = self.db.execute(sql + " AND f.rowid <= ? ORDER BY f.rowid", [*args, sorted_max])
            for row in cur:
                if row[0] not in out:
                    out[row[0]] = row
                    if len(out) >= n:
                        break
            cur.close()
        tail = self.db.execute(
            sql + " AND f.rowid > ? ORDER BY ck, pk LIMIT ?", [*args, sorted_max, n]
        ).fetchall()
        if not tail:
            return list(out.values())
        for row in tail:
            out.setdefault(row[0], row)
        return sorted(out.values(), key=lambda r: (r[1], r[2]))[:n]

    def _name_candidates(self, plan: Plan, query: SearchQuery, limit: int) -> list[dict[str, Any]]:
        where, args = self._filters(query)
        role = " AND pa.role = ?" if query.role else ""
        rargs = [query.role] if query.role else []
        pages = " JOIN pages p ON p.rid = pa.rid" if where else ""
        select = "SELECT DISTINCT pa.rid, pa.case_id AS ck, pa.page_id AS pk"
        fts = f"{select} FROM names_fts f CROSS JOIN parties pa ON pa.id = f.rowid{pages}"
        fts += f" WHERE names_fts MATCH ?{role}{where}"
        tiers: list[tuple[Any, ...]] = []
        for column, phrase in (
            *([("name_norm", plan.norm_phrase)] if plan.any_marked else []),
            ("name_fold", plan.fold_phrase),
        ):
            whole = f"{select} FROM parties pa{pages} WHERE pa.{column} = ?{role}{where}"
            tiers.append((whole, [phrase, *rargs, *args]))
            match = f"{column} : " + _fts_phrase(phrase.split())
            tiers.append((fts, [match, *rargs, *args]))
        if plan.needs_loose:
            groups = []
            for t in plan.terms:
                alts = {t.fold, *t.variants}
                if t.fuzzy:
                    alts |= self.fuzzy_neighbours(t.fold)
                groups.append(
                    "name_fold : (" + " OR ".join(_fts_phrase([a]) for a in sorted(alts)) + ")"
                )
            loose = " AND ".join(groups)
            # Read only when some distinct indexed name matches at all: a text query tried
            # as a name usually matches none, and proving that on the parties' index reads
            # the whole of several common syllables' lists (tens of ms at 1M pages).
            guard = ("SELECT 1 FROM name_folds_fts WHERE name_folds_fts MATCH ? LIMIT 1", [loose])
            tiers.append((fts, [loose, *rargs, *args], guard))
        return self._records(self._tiers(tiers, limit))

    def _number_candidates(
        self, plan: Plan, query: SearchQuery, limit: int
    ) -> list[dict[str, Any]]:
        where, args = self._filters(query)
        role, rargs = self._role_filter(query)
        keys = list(plan.number_keys)
        marks = ",".join("?" * len(keys))
        base = "SELECT DISTINCT n.rid, n.case_id AS ck, n.page_id AS pk FROM page_numbers n"
        base += " JOIN pages p ON p.rid = n.rid WHERE " if where or role else " WHERE "
        tiers: list[tuple[str, list[Any]]] = [
            (f"{base}n.key IN ({marks}) AND n.kind = {kind}{where}{role}", [*keys, *args, *rargs])
            for kind in (0, 1, 2)  # own number, a number the document carries, page text
        ]
        prefix = " OR ".join("(n.key >= ? AND n.key < ?)" for _ in keys)
        bounds = [b for k in keys for b in (k + "/", k + "0")]
        tiers.append((f"{base}({prefix}) AND n.kind < 2{where}{role}", [*bounds, *args, *rargs]))
        return self._records(self._tiers(tiers, limit))

    def text_candidates(self, plan: Plan, query: SearchQuery, limit: int) -> list[dict[str, Any]]:
        if not plan.tokens:
            return []
        where, args = self._filters(query)
        role, rargs = self._role_filter(query)
        sql = (
            "SELECT p.rid, p.case_id AS ck, p.page_id AS pk FROM text_fts f"
            " CROSS JOIN page_text t ON t.tid = f.rowid"
            " JOIN pages p INDEXED BY pages_order ON p.rid = t.rid"
            f" WHERE text_fts MATCH ?{where}{role}"
        )
        matches = [_fts_phrase(plan.tokens), " AND ".join(_fts_phrase([t]) for t in plan.tokens)]
        with self._lock:
            rids = self._tiers([(sql, [m, *args, *rargs]) for m in matches], limit)
            return self._records(rids, with_text_fold=True)

    def texts(self, page_ids: Iterable[str]) -> dict[str, str]:
        ids = list(page_ids)
        if not ids:
            return {}
        cache = self._cache
        generation = cache.generation()
        found = cache.texts(generation, ids) if generation else {}
        missing = [i for i in ids if i not in found]
        if missing:
            marks = ",".join("?" * len(missing))
            with self._lock:
                fetched = dict(
                    self.db.execute(
                        f"SELECT page_id, text FROM pages WHERE page_id IN ({marks})", missing
                    )
                )
            if generation is not None and cache.generation() == generation:
                cache.put_texts(generation, fetched)
            found.update(fetched)
        return found

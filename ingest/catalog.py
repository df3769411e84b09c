"""The catalog: SQLite (WAL) in the archive folder, the system of record.

Every search index is derived from it. Work is addressed by content (sha256, page number):
a page row is written with INSERT OR REPLACE and committed on its own, so a kill loses at
most the pages in flight and a rerun never duplicates. Only the pipeline's main process
writes; workers return results. This module knows SQL and nothing about OCR or search.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest import corrections
from schemas import Document, FileRecord, PageQuality, PageRecord, Word
from schemas.normalize import fold, normalize
from schemas.numbers import number_key

# 2: `numbers.key` and `documents.own_number_key` hold `number_key` (the matching key that
# search uses); version 1 held the dashed form. `_migrate` rewrites them on a writable open.
SCHEMA_VERSION = 2

# How a failure recorded when a file's documents could not be extracted begins: the next
# extraction that stores documents for the file forgets it (`replace_documents`).
EXTRACTION_FAILED = "extraction failed"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS cases (
    case_id TEXT PRIMARY KEY,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS files (
    sha256 TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    size INTEGER NOT NULL,
    n_pages INTEGER,
    status TEXT NOT NULL DEFAULT 'pending',   -- pending | done | partial | failed
    error TEXT,
    searchable_pdf TEXT,
    first_seen REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS file_paths (
    path TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL REFERENCES files(sha256),
    case_id TEXT NOT NULL REFERENCES cases(case_id),
    seen_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS file_paths_sha ON file_paths(sha256);
CREATE INDEX IF NOT EXISTS file_paths_case ON file_paths(case_id);
-- What a path held before: replaced by a rescan, moved or deleted. That content (its pages,
-- documents, searchable PDF) stays in the catalog but is no longer shown as part of a case.
CREATE TABLE IF NOT EXISTS path_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    case_id TEXT NOT NULL,
    seen_at REAL NOT NULL,
    retired_at REAL NOT NULL,
    why TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS path_history_path ON path_history(path);
CREATE TABLE IF NOT EXISTS pages (
    sha256 TEXT NOT NULL REFERENCES files(sha256),
    page_no INTEGER NOT NULL,
    method TEXT NOT NULL,
    text TEXT NOT NULL,
    confidence REAL,
    quality TEXT NOT NULL,          -- PageQuality JSON
    needs_rescan INTEGER NOT NULL DEFAULT 0,
    words TEXT,                     -- JSON [[text, conf, left, top, width, height, line], …]
    width INTEGER,
    height INTEGER,
    seconds REAL,
    created_at REAL NOT NULL,
    PRIMARY KEY (sha256, page_no)
);
CREATE TABLE IF NOT EXISTS runs (
    run_id INTEGER PRIMARY KEY AUTOINCREMENT,
    command TEXT NOT NULL,
    args TEXT NOT NULL,
    started_at REAL NOT NULL,
    finished_at REAL,
    summary TEXT
);
CREATE TABLE IF NOT EXISTS failures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id INTEGER,
    path TEXT NOT NULL,
    sha256 TEXT,
    page_no INTEGER,
    reason TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS failures_sha ON failures(sha256);
CREATE TABLE IF NOT EXISTS skipped (
    path TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    run_id INTEGER,
    at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,              -- "<sha256>:<first page>"
    sha256 TEXT NOT NULL REFERENCES files(sha256),
    first_page INTEGER NOT NULL,
    last_page INTEGER NOT NULL,
    doc_type TEXT NOT NULL,
    own_number TEXT,
    own_number_key TEXT,
    date TEXT,
    issuer TEXT,
    data TEXT NOT NULL,                   -- Document JSON
    extracted_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_sha ON documents(sha256);
CREATE INDEX IF NOT EXISTS documents_number ON documents(own_number_key);
-- Which extractor (ingest.extract.version) made each file's documents, and when: `hoso
-- extract --archive` re-extracts the files an older one read.
CREATE TABLE IF NOT EXISTS extractions (
    sha256 TEXT PRIMARY KEY REFERENCES files(sha256),
    version TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS parties (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    name TEXT NOT NULL,
    name_norm TEXT NOT NULL,
    name_fold TEXT NOT NULL,
    role TEXT NOT NULL,
    PRIMARY KEY (doc_id, idx)
);
CREATE INDEX IF NOT EXISTS parties_fold ON parties(name_fold);
CREATE TABLE IF NOT EXISTS numbers (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    key TEXT NOT NULL,
    kind TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS numbers_key ON numbers(key);
CREATE TABLE IF NOT EXISTS index_queue (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    backend TEXT NOT NULL,        -- which index is behind ("es")
    kind TEXT NOT NULL,           -- "page" | "document"
    key TEXT NOT NULL,            -- "<sha256>:<page_no>" or doc_id
    enqueued_at REAL NOT NULL,
    UNIQUE (backend, kind, key)
);
"""


# The SQL condition "some path holds this content now": what cases, export and search show.
# Content no path holds any more (replaced by a rescan, moved away) is the archive's history.
CURRENT = "sha256 IN (SELECT sha256 FROM file_paths)"


# How `last_run` reports a run with no end recorded: running now, or killed (kill -9, a power
# cut); `hoso status` tells which from the ingest lock.
UNFINISHED = "not finished"


def _history_state(why: str) -> str:
    """replaced | moved | gone, from the reason a path entered the history."""
    first = why.split(" ", 1)[0]
    return first if first in ("replaced", "moved") else "gone"


@dataclass(frozen=True)
class PageRow:
    """What the pipeline hands the catalog for one finished page."""

    sha256: str
    page_no: int
    method: str
    text: str
    confidence: float | None
    quality: PageQuality
    words: list[Word] | None
    width: int | None
    height: int | None
    seconds: float


def words_to_json(words: Iterable[Word]) -> str:
    return json.dumps(
        [[w.text, round(w.conf, 1), w.left, w.top, w.width, w.height, w.line] for w in words],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def words_from_json(raw: str | None) -> list[Word] | None:
    if raw is None:
        return None
    return [
        Word(text=t, conf=c, left=x, top=y, width=w, height=h, line=ln)
        for t, c, x, y, w, h, ln in json.loads(raw)
    ]


class Catalog:
    """One archive's catalog. Open one per process (SQLite connections are not shared)."""

    FILENAME = "catalog.sqlite"

    def __init__(self, archive: Path | str, *, readonly: bool = False) -> None:
        self.archive = Path(archive)
        if not readonly:
            self.archive.mkdir(parents=True, exist_ok=True)
            self.pdf_dir.mkdir(exist_ok=True)
            self.pages_dir.mkdir(exist_ok=True)
        elif not self.db_path.exists():
            raise FileNotFoundError(f"no hoso catalog at {self.db_path}")
        uri = f"file:{self.db_path}?mode=ro" if readonly else f"file:{self.db_path}"
        if readonly and self._frozen():
            # A read-only archive (a read-only mount, another user's folder): SQLite cannot
            # make the WAL index file beside it, and nothing can be writing it.
            uri += "&immutable=1"
        self.db = sqlite3.connect(uri, uri=True, timeout=30, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA foreign_keys=ON")
        if not readonly:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(_SCHEMA)
            self.db.execute(
                "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)",
                (str(SCHEMA_VERSION),),
            )
            self._migrate()
            self.db.commit()

    def _migrate(self) -> None:
        """Bring a catalog written by an older hoso to SCHEMA_VERSION (in the caller's
        transaction)."""
        row = self.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        version = int(row[0]) if row and str(row[0]).isdigit() else SCHEMA_VERSION
        if version < 2:
            self.db.executemany(
                "UPDATE numbers SET key=? WHERE rowid=?",
                [(number_key(t), r) for r, t in self.db.execute("SELECT rowid, text FROM numbers")],
            )
            self.db.executemany(
                "UPDATE documents SET own_number_key=? WHERE doc_id=?",
                [
                    (number_key(n), d)
                    for d, n in self.db.execute(
                        "SELECT doc_id, own_number FROM documents WHERE own_number IS NOT NULL"
                    )
                ],
            )
        if version < SCHEMA_VERSION:
            self.db.execute(
                "UPDATE meta SET value=? WHERE key='schema_version'", (str(SCHEMA_VERSION),)
            )

    def check(self) -> None:
        """CatalogDamaged unless SQLite's quick check of the whole file passes (~1 s a GB):
        ingest runs it before writing, so that no work is added to a broken file."""
        from ingest.failures import damaged

        problems = [r[0] for r in self.db.execute("PRAGMA quick_check(3)")]
        if problems != ["ok"]:
            raise damaged(self.db_path, "catalog", "; ".join(problems))

    def _frozen(self) -> bool:
        """The archive folder cannot be written and no write-ahead log is pending."""
        wal = Path(f"{self.db_path}-wal")
        pending = wal.exists() and wal.stat().st_size > 0
        return not pending and not os.access(self.archive, os.W_OK)

    # -- locations -------------------------------------------------------------------------
    @property
    def db_path(self) -> Path:
        return self.archive / self.FILENAME

    @property
    def pdf_dir(self) -> Path:
        return self.archive / "pdf"

    @property
    def pages_dir(self) -> Path:
        return self.archive / "pages"

    def page_pdf_path(self, sha256: str, page_no: int) -> Path:
        """Per-page searchable PDF (image + invisible text), assembled into pdf/<sha>.pdf."""
        return self.pages_dir / sha256[:2] / sha256 / f"{page_no:05d}.pdf"

    def searchable_pdf_path(self, sha256: str) -> Path:
        return self.pdf_dir / f"{sha256}.pdf"

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- runs ------------------------------------------------------------------------------
    def begin_run(self, command: str, args: dict[str, Any]) -> int:
        cur = self.db.execute(
            "INSERT INTO runs(command, args, started_at) VALUES (?, ?, ?)",
            (command, json.dumps(args, ensure_ascii=False, default=str), time.time()),
        )
        self.db.commit()
        assert cur.lastrowid is not None
        return cur.lastrowid

    def finish_run(self, run_id: int, summary: dict[str, Any]) -> None:
        self.db.execute(
            "UPDATE runs SET finished_at=?, summary=? WHERE run_id=?",
            (time.time(), json.dumps(summary, ensure_ascii=False, default=str), run_id),
        )
        self.db.commit()

    def close_abandoned_runs(self) -> int:
        """Mark the runs that never finished (killed: kill -9, a power cut) as interrupted.
        Only under the ingest lock, when no run can be in progress. Returns how many."""
        with self.db:
            cur = self.db.execute(
                "UPDATE runs SET finished_at=started_at, summary=? WHERE finished_at IS NULL",
                (json.dumps({"interrupted": "the run was killed before it could finish"}),),
            )
        return cur.rowcount

    def last_run(self) -> dict[str, Any] | None:
        """The latest run: when, and how it ended (finished, or interrupted and why)."""
        row = self.db.execute(
            "SELECT run_id, command, started_at, finished_at, summary FROM runs"
            " ORDER BY run_id DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return None
        summary = json.loads(row["summary"]) if row["summary"] else {}
        if row["finished_at"] is None:
            outcome = UNFINISHED
        elif summary.get("interrupted"):
            outcome = f"interrupted: {summary['interrupted']}"
        else:
            outcome = "finished"
        return {
            "run_id": row["run_id"],
            "command": row["command"],
            "started_at": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(row["started_at"])),
            "outcome": outcome,
        }

    # -- files -----------------------------------------------------------------------------
    def add_file(self, sha256: str, kind: str, size: int, path: str, case_id: str) -> set[str]:
        """Record that `path` (in case `case_id`) holds content `sha256`. A path that held
        other content (a rescan over it) keeps that in `path_history`. Returns the contents
        whose place in the archive changed (their search records must be refreshed)."""
        now = time.time()
        with self.db:
            before = self.db.execute(
                "SELECT sha256, case_id, seen_at FROM file_paths WHERE path=?", (path,)
            ).fetchone()
            self.db.execute(
                "INSERT OR IGNORE INTO cases(case_id, created_at) VALUES (?, ?)", (case_id, now)
            )
            self.db.execute(
                "INSERT INTO files(sha256, kind, size, first_seen, updated_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(sha256) DO NOTHING",
                (sha256, kind, size, now, now),
            )
            if before is not None and before["sha256"] != sha256:
                self._to_history(path, before, now, "replaced by new content")
            self.db.execute(
                "INSERT INTO file_paths(path, sha256, case_id, seen_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(path) DO UPDATE SET sha256=excluded.sha256, "
                "case_id=excluded.case_id, seen_at=excluded.seen_at",
                (path, sha256, case_id, now),
            )
            self.db.execute("DELETE FROM skipped WHERE path=?", (path,))
            if before is not None and before["sha256"] != sha256 and not self.is_current(before[0]):
                corrections.follow_rescan(self.db, before["sha256"], sha256, path)
            if before is not None and before["case_id"] != case_id:
                self._drop_empty_cases([before["case_id"]])
        if before is None or before["case_id"] != case_id:
            return {sha256}
        return {sha256, before["sha256"]} if before["sha256"] != sha256 else set()

    def _to_history(self, path: str, row: sqlite3.Row, now: float, why: str) -> None:
        self.db.execute(
            "INSERT INTO path_history(path, sha256, case_id, seen_at, retired_at, why)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (path, row["sha256"], row["case_id"], row["seen_at"], now, why),
        )

    def _drop_empty_cases(self, case_ids: Iterable[str]) -> None:
        """Cases no path is filed under any more (their files moved) are no cases."""
        self.db.executemany(
            "DELETE FROM cases WHERE case_id=?"
            " AND NOT EXISTS (SELECT 1 FROM file_paths WHERE case_id=?)",
            [(c, c) for c in set(case_ids)],
        )

    def retire_paths(self, paths: Iterable[str], why: str) -> set[str]:
        """Paths whose file is gone (moved, renamed, deleted) leave the archive's cases for
        its history. Returns the contents whose place in the archive changed."""
        now = time.time()
        changed: set[str] = set()
        cases: set[str] = set()
        with self.db:
            for path in paths:
                row = self.db.execute(
                    "SELECT sha256, case_id, seen_at FROM file_paths WHERE path=?", (path,)
                ).fetchone()
                if row is None:
                    continue
                self._to_history(path, row, now, why)
                self.db.execute("DELETE FROM file_paths WHERE path=?", (path,))
                changed.add(row["sha256"])
                cases.add(row["case_id"])
            self._drop_empty_cases(cases)
        return changed

    def known_paths(self, *, under: str | None = None, sha256: str | None = None) -> list[str]:
        """Current paths below folder `under`, or of content `sha256`."""
        args: tuple[Any, ...]
        if sha256 is not None:
            sql, args = "SELECT path FROM file_paths WHERE sha256=?", (sha256,)
        else:
            assert under is not None
            prefix = under.rstrip("/") + "/"
            sql = "SELECT path FROM file_paths WHERE substr(path, 1, ?)=?"
            args = (len(prefix), prefix)
        return [r[0] for r in self.db.execute(sql + " ORDER BY path", args)]

    def content_at(self, path: str) -> str | None:
        """The sha256 of what `path` holds now, as far as the catalog knows."""
        row = self.db.execute("SELECT sha256 FROM file_paths WHERE path=?", (path,)).fetchone()
        return None if row is None else str(row[0])

    def is_current(self, sha256: str) -> bool:
        """Some path holds this content now (else it is only in the archive's history)."""
        q = "SELECT 1 FROM file_paths WHERE sha256=? LIMIT 1"
        return self.db.execute(q, (sha256,)).fetchone() is not None

    def path_history(self, path: str | None = None) -> list[dict[str, Any]]:
        """What paths held before, oldest first."""
        sql = "SELECT path, sha256, case_id, seen_at, retired_at, why FROM path_history"
        args: tuple[Any, ...] = ()
        if path is not None:
            sql, args = sql + " WHERE path=?", (path,)
        return [dict(r) for r in self.db.execute(sql + " ORDER BY id", args)]

    def set_page_count(self, sha256: str, n_pages: int) -> None:
        with self.db:
            self.db.execute(
                "UPDATE files SET n_pages=?, updated_at=? WHERE sha256=?",
                (n_pages, time.time(), sha256),
            )

    def set_file_status(
        self,
        sha256: str,
        status: str,
        error: str | None = None,
        searchable_pdf: str | None = None,
    ) -> None:
        with self.db:
            self.db.execute(
                "UPDATE files SET status=?, error=?, searchable_pdf=COALESCE(?, searchable_pdf),"
                " updated_at=? WHERE sha256=?",
                (status, error, searchable_pdf, time.time(), sha256),
            )

    def file_row(self, sha256: str) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.db.execute(
            "SELECT * FROM files WHERE sha256=?", (sha256,)
        ).fetchone()
        return row

    def file_record(self, sha256: str) -> FileRecord | None:
        row = self.file_row(sha256)
        if row is None:
            return None
        paths = self.db.execute(
            "SELECT path, case_id FROM file_paths WHERE sha256=? ORDER BY path", (sha256,)
        ).fetchall()
        return FileRecord(
            sha256=sha256,
            kind=row["kind"],
            size=row["size"],
            n_pages=row["n_pages"],
            status=row["status"],
            error=row["error"],
            paths=[p["path"] for p in paths],
            case_ids=sorted({p["case_id"] for p in paths}),
            searchable_pdf=row["searchable_pdf"],
        )

    def files(self, *, with_history: bool = False) -> Iterator[FileRecord]:
        """The contents some path holds now (`with_history`: also those no path holds)."""
        where = "" if with_history else f" WHERE {CURRENT}"
        sql = f"SELECT sha256 FROM files{where} ORDER BY first_seen, sha256"
        for (sha,) in self.db.execute(sql).fetchall():
            rec = self.file_record(sha)
            if rec is not None:
                yield rec

    def case_of(self, sha256: str) -> tuple[str, list[str], str]:
        """(primary case id, all case ids, first path) of a file's content."""
        rows = self.db.execute(
            "SELECT path, case_id FROM file_paths WHERE sha256=? ORDER BY seen_at, path",
            (sha256,),
        ).fetchall()
        if not rows:
            return "", [], ""
        return rows[0]["case_id"], sorted({r["case_id"] for r in rows}), rows[0]["path"]

    # -- pages -----------------------------------------------------------------------------
    def done_pages(self, sha256: str) -> set[int]:
        return {
            r[0] for r in self.db.execute("SELECT page_no FROM pages WHERE sha256=?", (sha256,))
        }

    def save_page(self, row: PageRow, *, enqueue_for: Iterable[str] = ()) -> None:
        """Write one page and commit: the unit of durability."""
        with self.db:
            # An officer's line corrections survive OCR again (ingest/corrections.py).
            text = corrections.for_page_text(self.db, row.sha256, row.page_no, row.text)
            self.db.execute(
                "INSERT OR REPLACE INTO pages(sha256, page_no, method, text, confidence, quality,"
                " needs_rescan, words, width, height, seconds, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    row.sha256,
                    row.page_no,
                    row.method,
                    text,
                    row.confidence,
                    row.quality.model_dump_json(),
                    int(row.quality.needs_rescan),
                    None if row.words is None else words_to_json(row.words),
                    row.width,
                    row.height,
                    row.seconds,
                    time.time(),
                ),
            )
            self.db.execute(
                "DELETE FROM failures WHERE sha256=? AND page_no=?", (row.sha256, row.page_no)
            )
            for backend in enqueue_for:
                self._enqueue(backend, "page", f"{row.sha256}:{row.page_no}")

    def delete_pages(self, sha256: str) -> None:
        with self.db:
            self.db.execute("DELETE FROM pages WHERE sha256=?", (sha256,))

    def page_record(self, sha256: str, page_no: int, *, with_words: bool = False) -> PageRecord:
        row = self.db.execute(
            "SELECT * FROM pages WHERE sha256=? AND page_no=?", (sha256, page_no)
        ).fetchone()
        if row is None:
            raise KeyError(f"no page {page_no} of {sha256}")
        return self._page_record(row, with_words=with_words)

    def _page_record(self, row: sqlite3.Row, *, with_words: bool) -> PageRecord:
        case_id, case_ids, path = self.case_of(row["sha256"])
        return PageRecord(
            sha256=row["sha256"],
            page_no=row["page_no"],
            case_id=case_id,
            case_ids=case_ids,
            source_path=path,
            method=row["method"],
            text=row["text"],
            confidence=row["confidence"],
            quality=PageQuality.model_validate_json(row["quality"]),
            width=row["width"],
            height=row["height"],
            words=words_from_json(row["words"]) if with_words else None,
        )

    def pages(
        self, *, with_words: bool = False, sha256: str | None = None, with_history: bool = False
    ) -> Iterator[PageRecord]:
        """Pages of the contents some path holds now (`with_history`: of all contents)."""
        where = ["1"] if with_history else [CURRENT]
        args: tuple[Any, ...] = ()
        if sha256:
            where.append("sha256=?")
            args = (sha256,)
        sql = f"SELECT * FROM pages WHERE {' AND '.join(where)} ORDER BY sha256, page_no"
        for row in self.db.execute(sql, args).fetchall():
            yield self._page_record(row, with_words=with_words)

    def page_texts(self, sha256: str) -> list[tuple[int, str]]:
        return [
            (r[0], r[1])
            for r in self.db.execute(
                "SELECT page_no, text FROM pages WHERE sha256=? ORDER BY page_no", (sha256,)
            )
        ]

    # -- failures and skips ----------------------------------------------------------------
    def record_failure(
        self,
        run_id: int | None,
        path: str,
        reason: str,
        sha256: str | None = None,
        page_no: int | None = None,
    ) -> None:
        with self.db:
            if sha256 is not None:
                self.db.execute(
                    "DELETE FROM failures WHERE sha256=? AND page_no IS ?", (sha256, page_no)
                )
            else:
                self.db.execute("DELETE FROM failures WHERE path=? AND sha256 IS NULL", (path,))
            self.db.execute(
                "INSERT INTO failures(run_id, path, sha256, page_no, reason, at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (run_id, path, sha256, page_no, reason, time.time()),
            )

    def record_extraction_failure(
        self, run_id: int | None, sha256: str, exc: Exception, kept: str
    ) -> tuple[str, str]:
        """Record that extracting the documents of `sha256` raised `exc` (`kept`: what is
        kept instead); the next extraction of that content that stores documents forgets it
        (`replace_documents`). Returns (path, reason)."""
        _, _, path = self.case_of(sha256)
        reason = f"{EXTRACTION_FAILED} ({type(exc).__name__}: {exc}); {kept}"
        with self.db:
            self._forget_extraction_failure(sha256)
            self.db.execute(
                "INSERT INTO failures(run_id, path, sha256, page_no, reason, at)"
                " VALUES (?, ?, ?, NULL, ?, ?)",
                (run_id, path, sha256, reason, time.time()),
            )
        return path, reason

    def _forget_extraction_failure(self, sha256: str) -> None:
        """In the caller's transaction; page failures and a missing PDF stay recorded."""
        self.db.execute(
            "DELETE FROM failures WHERE sha256=? AND page_no IS NULL AND substr(reason, 1, ?)=?",
            (sha256, len(EXTRACTION_FAILED), EXTRACTION_FAILED),
        )

    def clear_failures(self, sha256: str | None = None, path: str | None = None) -> None:
        with self.db:
            if sha256 is not None:
                self.db.execute("DELETE FROM failures WHERE sha256=?", (sha256,))
            if path is not None:
                self.db.execute("DELETE FROM failures WHERE path=?", (path,))

    def clear_stale_failures(self, run_id: int, roots: Iterable[str]) -> int:
        """Forget the failures of paths at or below `roots` that earlier runs recorded
        without content (unreadable file, folder that could not be listed) and run `run_id`,
        which walked those roots, did not report again. Returns how many."""
        n = 0
        with self.db:
            for root in roots:
                folder = root.rstrip("/") + "/"
                n += self.db.execute(
                    "DELETE FROM failures WHERE sha256 IS NULL AND run_id IS NOT ?"
                    " AND (path=? OR substr(path, 1, ?)=?)",
                    (run_id, root, len(folder), folder),
                ).rowcount
        return n

    def forget_failed_unheld(self) -> int:
        """Delete failed contents that no path holds and that have no page: nothing of them
        was kept, and nothing points at them. Returns how many."""
        unheld = (
            "SELECT sha256 FROM files WHERE status='failed'"
            " AND sha256 NOT IN (SELECT sha256 FROM file_paths)"
            " AND sha256 NOT IN (SELECT sha256 FROM pages)"
        )
        with self.db:
            self.db.execute(f"DELETE FROM failures WHERE sha256 IN ({unheld})")
            return self.db.execute(f"DELETE FROM files WHERE sha256 IN ({unheld})").rowcount

    def record_skip(self, run_id: int | None, path: str, reason: str) -> None:
        with self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO skipped(path, reason, run_id, at) VALUES (?, ?, ?, ?)",
                (path, reason, run_id, time.time()),
            )

    def failures(self) -> list[dict[str, Any]]:
        return [
            dict(r)
            for r in self.db.execute(
                "SELECT path, sha256, page_no, reason, run_id FROM failures ORDER BY path, page_no"
            )
        ]

    def skipped(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.db.execute("SELECT path, reason FROM skipped ORDER BY path")]

    # -- documents (extraction) ------------------------------------------------------------
    def replace_documents(
        self,
        sha256: str,
        docs: list[Document],
        *,
        enqueue_for: Iterable[str] = (),
        extractor: str | None = None,
    ) -> list[str]:
        """Replace every document extracted from one file; returns their doc ids.
        `extractor`: the version of the extractor that made `docs` (given by extraction,
        not by the writes that only lay corrections over stored documents)."""
        now = time.time()
        ids: list[str] = []
        backends = list(enqueue_for)
        with self.db:
            # Write-locked before the corrections are read: one saved meanwhile (the web
            # service) is then either read here or laid over these documents after.
            if not self.db.in_transaction:
                self.db.execute("BEGIN IMMEDIATE")
            if extractor is not None:
                self.db.execute(
                    "INSERT INTO extractions(sha256, version, at) VALUES (?, ?, ?)"
                    " ON CONFLICT(sha256) DO UPDATE SET version=excluded.version, at=excluded.at",
                    (sha256, extractor, now),
                )
                self._forget_extraction_failure(sha256)  # an earlier run's is mended
            # An officer's corrections are laid over extraction (ingest/corrections.py).
            docs = corrections.for_documents(self.db, sha256, docs)
            old = [
                r[0]
                for r in self.db.execute("SELECT doc_id FROM documents WHERE sha256=?", (sha256,))
            ]
            self.db.execute("DELETE FROM documents WHERE sha256=?", (sha256,))
            for doc in docs:
                doc_id = f"{sha256}:{doc.pages[0]}"
                doc = doc.model_copy(update={"doc_id": doc_id})
                ids.append(doc_id)
                self.db.execute(
                    "INSERT INTO documents(doc_id, sha256, first_page, last_page, doc_type,"
                    " own_number, own_number_key, date, issuer, data, extracted_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        doc_id,
                        sha256,
                        doc.pages[0],
                        doc.pages[-1],
                        doc.doc_type,
                        doc.own_number,
                        number_key(doc.own_number) if doc.own_number else None,
                        doc.date,
                        doc.issuer,
                        doc.model_dump_json(),
                        now,
                    ),
                )
                self.db.executemany(
                    "INSERT INTO parties(doc_id, idx, name, name_norm, name_fold, role)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        (doc_id, i, p.name, normalize(p.name), fold(p.name), p.role)
                        for i, p in enumerate(doc.parties)
                    ],
                )
                self.db.executemany(
                    "INSERT INTO numbers(doc_id, text, key, kind) VALUES (?, ?, ?, ?)",
                    [(doc_id, n.text, number_key(n.text), n.kind) for n in doc.numbers],
                )
            for backend in backends:
                for doc_id in set(old) | set(ids):
                    self._enqueue(backend, "document", doc_id)
        return ids

    def extraction_states(self) -> list[tuple[str, str | None]]:
        """(sha256, version of the extractor that made its documents, None if unknown) of
        every content some path holds now and that has page text, oldest first."""
        known = self.db.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='extractions'"
        ).fetchone()
        # A catalog older than the table, opened read-only: no extraction is known.
        versions = "extractions" if known else "(SELECT NULL AS sha256, NULL AS version)"
        return [
            (r[0], r[1])
            for r in self.db.execute(
                "SELECT f.sha256, e.version FROM files f"
                f" LEFT JOIN {versions} e ON e.sha256 = f.sha256"
                f" WHERE f.{CURRENT} AND EXISTS (SELECT 1 FROM pages p WHERE p.sha256 = f.sha256)"
                " ORDER BY f.first_seen, f.sha256"
            )
        ]

    def documents(self, *, sha256: str | None = None, case_id: str | None = None) -> list[Document]:
        if case_id is not None:
            rows = self.db.execute(
                "SELECT d.data FROM documents d WHERE d.sha256 IN"
                " (SELECT sha256 FROM file_paths WHERE case_id=?)"
                " ORDER BY d.date IS NULL, d.date, d.doc_id",
                (case_id,),
            ).fetchall()
        elif sha256 is not None:
            rows = self.db.execute(
                "SELECT data FROM documents WHERE sha256=? ORDER BY first_page", (sha256,)
            ).fetchall()
        else:
            rows = self.db.execute(
                f"SELECT data FROM documents WHERE {CURRENT} ORDER BY doc_id"
            ).fetchall()
        docs = [Document.model_validate_json(r[0]) for r in rows]
        if case_id is not None:
            docs = [d.model_copy(update={"case_id": case_id}) for d in docs]
        return docs

    def document(self, doc_id: str) -> Document | None:
        row = self.db.execute(
            "SELECT data, sha256 FROM documents WHERE doc_id=?", (doc_id,)
        ).fetchone()
        if row is None:
            return None
        doc = Document.model_validate_json(row[0])
        return doc.model_copy(update={"case_id": self.case_of(row[1])[0] or None})

    def cases_citing(self, number: str) -> list[str]:
        """Case ids whose documents carry `number` (own or cited): the case-link query.
        Numbers match on `number_key`, as in search."""
        key = number_key(number)
        rows = self.db.execute(
            "SELECT DISTINCT fp.case_id FROM numbers n JOIN documents d ON d.doc_id=n.doc_id"
            " JOIN file_paths fp ON fp.sha256=d.sha256 WHERE n.key=?"
            " UNION SELECT DISTINCT fp.case_id FROM documents d"
            " JOIN file_paths fp ON fp.sha256=d.sha256 WHERE d.own_number_key=?",
            (key, key),
        ).fetchall()
        return sorted(r[0] for r in rows)

    # -- index queue (work pending for a search backend that was unreachable) --------------
    def _enqueue(self, backend: str, kind: str, key: str) -> None:
        self.db.execute(
            "INSERT OR IGNORE INTO index_queue(backend, kind, key, enqueued_at)"
            " VALUES (?, ?, ?, ?)",
            (backend, kind, key, time.time()),
        )

    def enqueue(self, backend: str, kind: str, keys: Iterable[str]) -> None:
        with self.db:
            for key in keys:
                self._enqueue(backend, kind, key)

    def pending(self, backend: str, limit: int = 1000) -> list[tuple[int, str, str]]:
        return [
            (r[0], r[1], r[2])
            for r in self.db.execute(
                "SELECT id, kind, key FROM index_queue WHERE backend=? ORDER BY id LIMIT ?",
                (backend, limit),
            )
        ]

    def ack(self, ids: Iterable[int]) -> None:
        with self.db:
            self.db.executemany("DELETE FROM index_queue WHERE id=?", [(i,) for i in ids])

    # -- summaries -------------------------------------------------------------------------
    def file_states(self) -> list[dict[str, Any]]:
        """What happened to every file hoso was shown, one entry a path and content, by path.
        `state`: done | partial (some pages failed) | failed | unfinished (pages missing:
        a rerun finishes it) for what paths hold now; skipped (not a scan); replaced (a
        rescan took its place) | moved (its content is at another path now) | gone (moved
        away, renamed or deleted) for what paths held before, kept in the history."""
        out: list[dict[str, Any]] = []
        named = {"done": "done", "partial": "partial", "failed": "failed"}
        for r in self.db.execute(
            "SELECT fp.path, fp.case_id, f.sha256, f.status, f.error, f.n_pages,"
            " (SELECT COUNT(*) FROM pages p WHERE p.sha256=f.sha256) AS have"
            " FROM file_paths fp JOIN files f ON f.sha256=fp.sha256"
        ):
            state = named.get(r["status"], "unfinished")
            if state == "done":
                detail = f"{r['have']} page(s)"
            elif state == "unfinished":
                total = r["n_pages"] if r["n_pages"] is not None else "?"
                detail = f"{r['have']} of {total} page(s) read; run hoso ingest again to finish"
            else:
                detail = r["error"] or ""
            out.append(
                {
                    "path": r["path"],
                    "case_id": r["case_id"],
                    "sha256": r["sha256"],
                    "state": state,
                    "detail": detail,
                }
            )
        current = {e["path"] for e in out}
        for r in self.db.execute("SELECT path, reason FROM failures WHERE sha256 IS NULL"):
            if r["path"] not in current:
                out.append(
                    {
                        "path": r["path"],
                        "case_id": None,
                        "sha256": None,
                        "state": "failed",
                        "detail": r["reason"],
                    }
                )
        for r in self.db.execute("SELECT path, reason FROM skipped"):
            out.append(
                {
                    "path": r["path"],
                    "case_id": None,
                    "sha256": None,
                    "state": "skipped",
                    "detail": r["reason"],
                }
            )
        for h in self.path_history():
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(h["retired_at"]))
            out.append(
                {
                    "path": h["path"],
                    "case_id": h["case_id"],
                    "sha256": h["sha256"],
                    "state": _history_state(h["why"]),
                    "detail": f"{h['why']} ({when}); kept in the history",
                }
            )
        return sorted(out, key=lambda e: (e["path"], e["state"]))

    def summary(self) -> dict[str, Any]:
        q = self.db.execute

        def one(sql: str) -> int:
            return int(q(sql).fetchone()[0] or 0)

        by_status = {
            r[0]: r[1]
            for r in q(f"SELECT status, COUNT(*) FROM files WHERE {CURRENT} GROUP BY status")
        }
        by_method = {
            r[0]: r[1]
            for r in q(f"SELECT method, COUNT(*) FROM pages WHERE {CURRENT} GROUP BY method")
        }
        rescan = [
            {
                "sha256": r[0],
                "page_no": r[1],
                "path": self.case_of(r[0])[2],
                "reasons": json.loads(r[2]).get("reasons", []),
            }
            for r in q(
                f"SELECT sha256, page_no, quality FROM pages WHERE needs_rescan=1 AND {CURRENT}"
                " ORDER BY sha256, page_no"
            )
        ]
        review = [
            {
                "sha256": r[0],
                "page_no": r[1],
                "path": self.case_of(r[0])[2],
                "fields": json.loads(r[2]).get("review", []),
            }
            for r in q(
                "SELECT sha256, page_no, quality FROM pages"
                " WHERE json_array_length(quality, '$.review') > 0 ORDER BY sha256, page_no"
            )
        ]
        return {
            "archive": str(self.archive),
            "cases": one("SELECT COUNT(*) FROM cases"),
            "files": one(f"SELECT COUNT(*) FROM files WHERE {CURRENT}"),
            "files_by_status": by_status,
            "paths": one("SELECT COUNT(*) FROM file_paths"),
            "pages": one(f"SELECT COUNT(*) FROM pages WHERE {CURRENT}"),
            "pages_expected": one(
                f"SELECT SUM(n_pages) FROM files WHERE status!='failed' AND {CURRENT}"
            ),
            "pages_by_method": by_method,
            "mean_confidence": q(
                f"SELECT ROUND(AVG(confidence), 1) FROM pages WHERE method='ocr' AND {CURRENT}"
            ).fetchone()[0],
            "documents": one(f"SELECT COUNT(*) FROM documents WHERE {CURRENT}"),
            # pages whose resolution tag was not believed (ingest.load.infer_resolution)
            "pages_resolution_inferred": one(
                "SELECT COUNT(*) FROM pages WHERE json_extract(quality, '$.paper') IS NOT NULL"
                f" AND {CURRENT}"
            ),
            # replaced, moved or deleted: kept in the catalog, no longer part of a case
            "history": {
                "paths": one("SELECT COUNT(*) FROM path_history"),
                "files": one(f"SELECT COUNT(*) FROM files WHERE NOT ({CURRENT})"),
                "pages": one(f"SELECT COUNT(*) FROM pages WHERE NOT ({CURRENT})"),
            },
            "failures": self.failures(),
            "skipped": self.skipped(),
            "needs_rescan": rescan,
            "needs_review": review,  # handwritten fields a person must type (`ingest.fields`)
            "index_queue": one("SELECT COUNT(*) FROM index_queue"),
            "last_run": self.last_run(),
        }

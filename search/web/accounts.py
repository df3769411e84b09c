"""Officer accounts, API tokens and the audit log, in the catalog's SQLite; the web store.

Tables `web_users`, `web_tokens`, `web_audit` and `public_withheld` (public rows the
last check kept back, for officer review) live in `catalog.sqlite` next to the
catalog's own tables (created here, the catalog module is not changed). Passwords are
argon2 hashes; API tokens are stored as SHA-256 digests only. `CatalogStore` implements
`search.web.store.WebStore` over a `Catalog`, one SQLite connection per thread; every file
path it returns is computed from a validated sha256 and checked to lie inside the archive.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from ingest.catalog import CURRENT, Catalog
from schemas import Document, FileRecord, PageRecord
from schemas.numbers import number_key
from search.web.audit import GroupCommit
from search.web.auth import hash_password, new_api_token, token_digest
from search.web.store import AuditEntry, PageInfo, User, WithheldRecord

_SCHEMA = """
CREATE TABLE IF NOT EXISTS web_users (
    username TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT 'officer',
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS web_tokens (
    token_sha256 TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES web_users(username),
    label TEXT,
    created_at REAL NOT NULL,
    revoked_at REAL
);
CREATE TABLE IF NOT EXISTS web_audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    username TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    n_results INTEGER
);
CREATE INDEX IF NOT EXISTS web_audit_at ON web_audit(at);
CREATE TABLE IF NOT EXISTS public_withheld (
    row_key TEXT PRIMARY KEY,             -- sha256 of kind + doc_id + the row's JSON
    case_id TEXT NOT NULL,
    doc_id TEXT,
    kind TEXT NOT NULL,                   -- debtor | document
    reasons TEXT NOT NULL,                -- JSON list of sentences
    row_json TEXT NOT NULL,               -- the row as it would have been shown
    first_seen REAL NOT NULL,
    last_seen REAL NOT NULL,
    times INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS public_withheld_seen ON public_withheld(last_seen);
CREATE INDEX IF NOT EXISTS web_audit_user ON web_audit(username, at);
"""

USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$")
ROLES = ("officer", "admin")
SECRET_FILE = "web-secret.key"


class AccountError(ValueError):
    """A bad username, a duplicate user, an unknown user: one sentence for the CLI."""


def ensure_tables(db: sqlite3.Connection) -> None:
    db.executescript(_SCHEMA)
    db.commit()


def add_user(db: sqlite3.Connection, username: str, password: str, role: str = "officer") -> None:
    if not USERNAME_RE.fullmatch(username):
        raise AccountError(f"invalid username {username!r} (letters, digits, . _ -; 2-64)")
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < 10:
        raise AccountError("password must have at least 10 characters")
    ensure_tables(db)
    try:
        with db:
            db.execute(
                "INSERT INTO web_users(username, password_hash, role, created_at)"
                " VALUES (?, ?, ?, ?)",
                (username, hash_password(password), role, time.time()),
            )
    except sqlite3.IntegrityError as exc:
        raise AccountError(f"user {username!r} already exists") from exc


def set_password(db: sqlite3.Connection, username: str, password: str) -> None:
    if len(password) < 10:
        raise AccountError("password must have at least 10 characters")
    ensure_tables(db)
    with db:
        cur = db.execute(
            "UPDATE web_users SET password_hash=? WHERE username=?",
            (hash_password(password), username),
        )
    if cur.rowcount == 0:
        raise AccountError(f"no user {username!r}")


def set_disabled(db: sqlite3.Connection, username: str, disabled: bool) -> None:
    ensure_tables(db)
    with db:
        cur = db.execute(
            "UPDATE web_users SET disabled=? WHERE username=?", (int(disabled), username)
        )
        if disabled:
            db.execute(
                "UPDATE web_tokens SET revoked_at=? WHERE username=? AND revoked_at IS NULL",
                (time.time(), username),
            )
    if cur.rowcount == 0:
        raise AccountError(f"no user {username!r}")


def list_users(db: sqlite3.Connection) -> list[dict[str, Any]]:
    ensure_tables(db)
    rows = db.execute(
        "SELECT u.username, u.role, u.disabled, u.created_at,"
        " (SELECT COUNT(*) FROM web_tokens t WHERE t.username=u.username"
        "  AND t.revoked_at IS NULL) AS tokens"
        " FROM web_users u ORDER BY u.username"
    ).fetchall()
    return [
        {
            "username": r[0],
            "role": r[1],
            "disabled": bool(r[2]),
            "created_at": r[3],
            "active_tokens": r[4],
        }
        for r in rows
    ]


def create_token(db: sqlite3.Connection, username: str, label: str | None = None) -> str:
    """A new API token for `username`; the clear token is returned once and never stored."""
    ensure_tables(db)
    if db.execute("SELECT 1 FROM web_users WHERE username=?", (username,)).fetchone() is None:
        raise AccountError(f"no user {username!r}")
    token = new_api_token()
    with db:
        db.execute(
            "INSERT INTO web_tokens(token_sha256, username, label, created_at) VALUES (?, ?, ?, ?)",
            (token_digest(token), username, label, time.time()),
        )
    return token


def revoke_tokens(db: sqlite3.Connection, username: str) -> int:
    ensure_tables(db)
    with db:
        cur = db.execute(
            "UPDATE web_tokens SET revoked_at=? WHERE username=? AND revoked_at IS NULL",
            (time.time(), username),
        )
    return cur.rowcount


AuditRow = tuple[float, str, str, str, int | None]
_INSERT_AUDIT = (
    "INSERT INTO web_audit(at, username, action, target, n_results) VALUES (?, ?, ?, ?, ?)"
)


def record_audit(
    db: sqlite3.Connection, username: str, action: str, target: str, n_results: int | None
) -> None:
    record_audits(db, [(time.time(), username, action, target, n_results)])


def record_audits(db: sqlite3.Connection, rows: list[AuditRow]) -> None:
    """Audit entries (at, username, action, target, n_results), one transaction."""
    with db:
        db.executemany(_INSERT_AUDIT, [(at, u, a, t[:2000], n) for at, u, a, t, n in rows])


def audit_entries(
    db: sqlite3.Connection,
    *,
    limit: int = 100,
    username: str | None = None,
    action: str | None = None,
    since: float | None = None,
) -> list[AuditEntry]:
    """The newest audit entries first."""
    ensure_tables(db)
    sql = "SELECT at, username, action, target, n_results FROM web_audit WHERE 1=1"
    args: list[Any] = []
    if username:
        sql += " AND username=?"
        args.append(username)
    if action:
        sql += " AND action=?"
        args.append(action)
    if since is not None:
        sql += " AND at>=?"
        args.append(since)
    sql += " ORDER BY id DESC LIMIT ?"
    args.append(limit)
    return [AuditEntry(*r) for r in db.execute(sql, args).fetchall()]


def record_withheld(db: sqlite3.Connection, rows: list[WithheldRecord]) -> None:
    """Store withheld public rows; a row seen again only has its count and time updated."""
    now = time.time()
    with db:
        for r in rows:
            key = hashlib.sha256(f"{r.kind}\0{r.doc_id}\0{r.row_json}".encode()).hexdigest()
            db.execute(
                "INSERT INTO public_withheld(row_key, case_id, doc_id, kind, reasons, row_json,"
                " first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(row_key) DO UPDATE SET last_seen=excluded.last_seen,"
                " times=times+1, reasons=excluded.reasons",
                (
                    key,
                    r.case_id,
                    r.doc_id,
                    r.kind,
                    json.dumps(list(r.reasons), ensure_ascii=False),
                    r.row_json,
                    now,
                    now,
                ),
            )


def withheld_rows(db: sqlite3.Connection, *, limit: int = 100) -> list[WithheldRecord]:
    """Withheld public rows, the most recently seen first."""
    ensure_tables(db)
    rows = db.execute(
        "SELECT case_id, doc_id, kind, reasons, row_json, first_seen, last_seen, times"
        " FROM public_withheld ORDER BY last_seen DESC, case_id LIMIT ?",
        (limit,),
    ).fetchall()
    return [
        WithheldRecord(
            case_id=r[0],
            doc_id=r[1],
            kind=r[2],
            reasons=tuple(json.loads(r[3])),
            row_json=r[4],
            first_seen=r[5],
            last_seen=r[6],
            times=r[7],
        )
        for r in rows
    ]


def load_or_create_secret(archive: Path) -> str:
    """The session-signing key, kept in the archive (mode 0600) so restarts keep sessions."""
    path = archive / SECRET_FILE
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key + "\n")
    return key


class CatalogStore:
    """`WebStore` over an archive's catalog; safe to share between request threads."""

    def __init__(self, archive: Path | str) -> None:
        self.archive = Path(archive)
        self._root = self.archive.resolve()
        self._local = threading.local()
        ensure_tables(self.catalog.db)
        # Audit entries from all request threads go through one connection, in batches
        # (group commit: each request still waits until its own entry is committed).
        self._audit_db: sqlite3.Connection | None = None
        self._audit = GroupCommit(self._write_audit)

    @property
    def catalog(self) -> Catalog:
        cat = getattr(self._local, "catalog", None)
        if cat is None:
            cat = Catalog(self.archive)
            self._local.catalog = cat
        return cat

    @property
    def db(self) -> sqlite3.Connection:
        return self.catalog.db

    def _inside(self, path: Path) -> Path | None:
        try:
            resolved = path.resolve()
        except OSError:
            return None
        if not resolved.is_relative_to(self._root) or not resolved.is_file():
            return None
        return resolved

    # -- archive content -------------------------------------------------------------------
    def case_exists(self, case_id: str) -> bool:
        return (
            self.db.execute("SELECT 1 FROM cases WHERE case_id=?", (case_id,)).fetchone()
            is not None
        )

    def case_documents(self, case_id: str) -> list[Document]:
        return self.catalog.documents(case_id=case_id)

    def case_pages(self, case_id: str) -> list[PageInfo]:
        rows = self.db.execute(
            "SELECT p.sha256, p.page_no, p.method, p.confidence, p.needs_rescan, p.quality,"
            " fp.path FROM pages p JOIN (SELECT sha256, MIN(path) AS path FROM file_paths"
            " WHERE case_id=? GROUP BY sha256) fp ON fp.sha256=p.sha256"
            " ORDER BY fp.path, p.page_no",
            (case_id,),
        ).fetchall()
        return [
            PageInfo(
                sha256=r[0],
                page_no=r[1],
                method=r[2],
                confidence=r[3],
                needs_rescan=bool(r[4]),
                reasons=tuple(json.loads(r[5]).get("reasons", [])),
                source_path=r[6],
            )
            for r in rows
        ]

    def document(self, doc_id: str) -> Document | None:
        return self.catalog.document(doc_id)

    def documents_of_type(self, doc_type: str) -> list[Document]:
        rows = self.db.execute(
            f"SELECT data, sha256 FROM documents WHERE doc_type=? AND {CURRENT}"
            " ORDER BY date, doc_id",
            (doc_type,),
        ).fetchall()
        out = []
        for data, sha in rows:
            doc = Document.model_validate_json(data)
            out.append(doc.model_copy(update={"case_id": self.catalog.case_of(sha)[0] or None}))
        return out

    def page(self, sha256: str, page_no: int, *, with_words: bool) -> PageRecord | None:
        try:
            return self.catalog.page_record(sha256, page_no, with_words=with_words)
        except KeyError:
            return None

    def file(self, sha256: str) -> FileRecord | None:
        return self.catalog.file_record(sha256)

    def page_pdf(self, sha256: str, page_no: int) -> Path | None:
        return self._inside(self.catalog.page_pdf_path(sha256, page_no))

    def file_pdf(self, sha256: str) -> Path | None:
        found = self._inside(self.catalog.searchable_pdf_path(sha256))
        if found is None:
            row = self.catalog.file_row(sha256)
            if row is not None and row["searchable_pdf"]:
                found = self._inside(self.archive / row["searchable_pdf"])
        return found

    def cases_citing(self, number: str) -> list[str]:
        return self.catalog.cases_citing(number)

    def document_text(self, doc: Document) -> str:
        if not doc.doc_id or ":" not in doc.doc_id:
            return ""
        sha = doc.doc_id.split(":", 1)[0]
        first, last = (doc.pages + doc.pages)[:2] if doc.pages else (0, -1)
        rows = self.db.execute(
            "SELECT text FROM pages WHERE sha256=? AND page_no BETWEEN ? AND ? ORDER BY page_no",
            (sha, first, last),
        ).fetchall()
        return "\n".join(r[0] or "" for r in rows)

    def documents_numbered(self, number: str) -> list[Document]:
        key = number_key(number)
        if not key:
            return []
        rows = self.db.execute(
            "SELECT doc_id FROM documents WHERE own_number_key=? ORDER BY doc_id", (key,)
        ).fetchall()
        out = []
        for (doc_id,) in rows:
            doc = self.catalog.document(doc_id)
            if doc is not None:
                out.append(doc)
        return out

    def record_withheld(self, rows: list[WithheldRecord]) -> None:
        if rows:
            record_withheld(self.db, rows)

    def withheld(self, *, limit: int = 100) -> list[WithheldRecord]:
        return withheld_rows(self.db, limit=limit)

    # -- accounts and audit ----------------------------------------------------------------
    def user(self, username: str) -> User | None:
        row = self.db.execute(
            "SELECT username, password_hash, role, disabled FROM web_users WHERE username=?",
            (username,),
        ).fetchone()
        if row is None:
            return None
        return User(username=row[0], password_hash=row[1], role=row[2], disabled=bool(row[3]))

    def user_for_token(self, token: str) -> str | None:
        row = self.db.execute(
            "SELECT username FROM web_tokens WHERE token_sha256=? AND revoked_at IS NULL",
            (token_digest(token),),
        ).fetchone()
        return None if row is None else row[0]

    def record_audit(self, username: str, action: str, target: str, n_results: int | None) -> None:
        self._audit.submit((time.time(), username, action, target, n_results))

    def _write_audit(self, rows: list[AuditRow]) -> None:
        # Only ever called by one thread at a time (GroupCommit).
        if self._audit_db is None:
            db = sqlite3.connect(self.catalog.db_path, timeout=30, check_same_thread=False)
            db.execute("PRAGMA synchronous=NORMAL")  # the catalog is in WAL mode
            self._audit_db = db
        record_audits(self._audit_db, rows)

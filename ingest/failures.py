"""Name what went wrong around an archive: SQLite and OS errors become `HosoError`s.

The catalog and the search index are SQLite files in the archive folder, and the page PDFs
are written beside them. When the disk fills up, the folder cannot be written, or one of the
files is damaged, the low-level error (an `sqlite3.Error` or an `OSError`) is turned here
into one sentence that says what happened and what to do, with its exit code
(`schemas.errors`). Nothing here retries or repairs.
"""

from __future__ import annotations

import errno
import os
import pwd
import sqlite3
from pathlib import Path
from typing import Literal

from schemas.errors import (
    ArchiveNotWritable,
    CatalogDamaged,
    DiskFull,
    HosoError,
    IndexDamaged,
)

Database = Literal["catalog", "index"]

_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
_DENIED_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM}


def _sqlite_name(exc: BaseException) -> str:
    return getattr(exc, "sqlite_errorname", None) or ""


def is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return exc.errno in _FULL_ERRNOS
    return _sqlite_name(exc).startswith("SQLITE_FULL") or "disk is full" in str(exc)


def is_damaged(exc: BaseException) -> bool:
    """SQLite says the file is not a database or is malformed, or a text cell is not UTF-8."""
    if not isinstance(exc, sqlite3.Error):
        return False
    name = _sqlite_name(exc)
    return (
        name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB"))
        or "Could not decode to UTF-8" in str(exc)
        or "malformed" in str(exc)
        or "not a database" in str(exc)
    )


def _within(path: object, folder: Path) -> bool:
    """`path` is `folder` or lies below it."""
    if not isinstance(path, str | os.PathLike):
        return False
    p, f = os.path.abspath(path), os.path.abspath(folder)
    return p == f or p.startswith(f + os.sep)


def _is_denied(exc: BaseException, archive: Path) -> bool:
    if isinstance(exc, OSError):  # only the archive's own files: not a scan, not a manifest
        return exc.errno in _DENIED_ERRNOS and _within(exc.filename, archive)
    return _sqlite_name(exc).startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM"))


def disk_full(where: Path | None) -> DiskFull:
    place = f"the disk that holds {where}" if where is not None else "a disk hoso writes to"
    return DiskFull(
        f"no space left on {place}: free some space and run the command again; everything "
        "catalogued so far is kept"
    )


def _owner(path: Path) -> str:
    try:
        uid = path.stat().st_uid
    except OSError:
        return "?"
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def _me() -> str:
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return f"uid {os.geteuid()}"


def not_writable(archive: Path) -> ArchiveNotWritable:
    """Why `archive` cannot be written: a read-only filesystem, another user's folder, or
    plain permissions."""
    probe = archive if archive.exists() else archive.parent
    try:
        read_only_fs = bool(os.statvfs(probe).f_flag & os.ST_RDONLY)
    except OSError:
        read_only_fs = False
    if read_only_fs:
        why = "it is on a read-only filesystem"
    elif _owner(probe) != _me():
        why = f"it belongs to {_owner(probe)} and hoso runs as {_me()}"
    else:
        why = "permission denied"
    return ArchiveNotWritable(
        f"cannot write to the archive {archive}: {why}; run hoso as a user who may write "
        "there, or give another --archive"
    )


def check_writable(archive: Path) -> None:
    """Raise ArchiveNotWritable before any work when the archive (or the folder it will be
    made in) cannot be written, or its catalog file cannot."""
    probe = archive if archive.exists() else archive.parent
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not os.access(probe, os.W_OK | os.X_OK):
        raise not_writable(archive)
    for name in ("catalog.sqlite", "catalog.sqlite-wal", "catalog.sqlite-shm"):
        f = archive / name
        if f.exists() and not os.access(f, os.W_OK):
            raise not_writable(archive)


def damaged(db: Path, what: Database, why: object) -> HosoError:
    detail = str(why).split(" with text ")[0]  # a decode error quotes the whole cell
    if what == "index":
        return IndexDamaged(
            f"the search index {db} is damaged ({detail}); it is rebuilt from the catalog "
            f"by `hoso reindex --archive {db.parent}`"
        )
    return CatalogDamaged(
        f"the catalog {db} is damaged ({detail}); hoso leaves it as it is: restore it from a "
        "backup, or move it aside and rerun `hoso ingest` to rebuild it from the scans"
    )


def explain(exc: BaseException, archive: Path, what: Database = "catalog") -> HosoError | None:
    """The named failure behind `exc`, raised while working on `archive`'s `what` database
    (or its files), or None when `exc` is none of these (a bug: let it be reported as one)."""
    if isinstance(exc, HosoError):
        return exc
    if not isinstance(exc, sqlite3.Error | OSError):
        return None
    if is_disk_full(exc):
        if isinstance(exc, sqlite3.Error) or _within(exc.filename, archive):
            return disk_full(archive)
        where = exc.filename  # a temporary folder, the file standard output goes to…
        known = isinstance(where, str | bytes | os.PathLike)
        return disk_full(Path(os.fsdecode(where)).parent if known else None)
    if _is_denied(exc, archive):
        return not_writable(archive)
    if is_damaged(exc):
        name = "index.sqlite" if what == "index" else "catalog.sqlite"
        return damaged(archive / name, what, exc)
    return None

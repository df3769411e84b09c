"""Kill -9 at any moment loses at most the pages in flight; a rerun completes the job exactly."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from search.sqlite_backend import SqliteBackend
from tests.hostile import alive as _alive
from tests.hostile import children as _children

pytestmark = pytest.mark.slow  # kills and resumes whole `hoso ingest` runs

HOSO = [sys.executable, "-m", "ingest"]


def _pages_in(archive: Path) -> int:
    db = archive / "catalog.sqlite"
    if not db.exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return con.execute("SELECT COUNT(*) FROM pages").fetchone()[0]
        finally:
            con.close()
    except sqlite3.OperationalError:
        return 0


def _ingest_and_kill_after(samples: Path, archive: Path, n_pages: int) -> None:
    """Start `hoso ingest`, wait until `n_pages` more pages are committed, SIGKILL everything."""
    before = _pages_in(archive)
    proc = subprocess.Popen(
        [*HOSO, "ingest", str(samples), "--archive", str(archive), "--workers", "2", "--json"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    try:
        while _pages_in(archive) < before + n_pages:
            assert proc.poll() is None, "ingest finished before it could be killed"
            assert time.monotonic() < deadline, "ingest made no progress"
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the process and its workers, like a power cut
        proc.wait()


def _snapshot(archive: Path, samples: Path) -> dict[str, object]:
    con = sqlite3.connect(archive / "catalog.sqlite")
    try:
        pages = con.execute(
            "SELECT sha256, page_no, method, text FROM pages ORDER BY sha256, page_no"
        ).fetchall()
        files = con.execute("SELECT sha256, status, n_pages FROM files ORDER BY sha256").fetchall()
        paths = con.execute(
            "SELECT path, case_id FROM file_paths WHERE path LIKE ? ORDER BY path",
            (f"{samples}/%",),
        ).fetchall()
        docs = con.execute(
            "SELECT doc_id, doc_type, own_number FROM documents ORDER BY doc_id"
        ).fetchall()
        parties = con.execute("SELECT COUNT(*) FROM parties").fetchone()[0]
        failures = con.execute("SELECT COUNT(*) FROM failures").fetchone()[0]
    finally:
        con.close()
    return {
        "pages": pages,
        "files": files,
        "paths": [(Path(p).name, c) for p, c in paths],
        "documents": docs,
        "parties": parties,
        "failures": failures,
    }


def test_resume_after_kill_loses_no_page_and_duplicates_none(ingested_quick, tmp_path):
    samples = ingested_quick.samples
    archive = tmp_path / "killed"
    for n in (1, 3, 4):  # kill early, mid-file and mid-batch
        _ingest_and_kill_after(samples, archive, n)
    done = subprocess.run(
        [*HOSO, "ingest", str(samples), "--archive", str(archive), "--json"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr

    got = _snapshot(archive, samples)
    want = _snapshot(ingested_quick.archive, samples)
    assert got["pages"] == want["pages"]  # same pages, same text, none missing or twice
    assert got["files"] == want["files"]
    assert got["paths"] == want["paths"]
    assert got["documents"] == want["documents"]
    assert got["parties"] == want["parties"]
    assert got["failures"] == 0
    # the search index, updated after each catalog commit, lost nothing to the kills either
    index = SqliteBackend(archive)
    try:
        assert index.count() == len(want["pages"])
    finally:
        index.close()
    con = sqlite3.connect(archive / "catalog.sqlite")
    assert con.execute("SELECT COUNT(*) FROM index_queue").fetchone()[0] == 0
    con.close()
    for sha, _status, n_pages in got["files"]:
        assert len(PdfReader(archive / "pdf" / f"{sha}.pdf").pages) == n_pages


def test_workers_do_not_outlive_a_killed_ingest(ingested_quick, tmp_path):
    """kill -9 of the ingest process alone (OOM killer, an impatient user): its page workers
    go with it instead of lingering as orphans."""
    proc = subprocess.Popen(
        [*HOSO, "ingest", str(ingested_quick.samples), "--archive", str(tmp_path / "a")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        workers: set[int] = set()
        while len(workers) < 2:
            assert proc.poll() is None and time.monotonic() < deadline, "no workers started"
            # Workers are forked by multiprocessing's fork server, a child of `hoso`.
            servers = {c for c in _children(proc.pid) if "forkserver" in _cmdline(c)}
            workers = {w for s in servers for w in _children(s)}
            time.sleep(0.1)
        workers |= servers
        os.kill(proc.pid, signal.SIGKILL)  # the main process only
        proc.wait()
        deadline = time.monotonic() + 15
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(w) for w in workers), "page workers outlived the ingest process"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""

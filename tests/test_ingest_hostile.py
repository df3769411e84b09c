"""Hostile runs of `hoso ingest` (issue 15, items 12-15), each made here for real: SIGTERM,
two ingests on one archive, kill -9 leftovers, a 1×1 image, an unreachable Dask scheduler,
failures whose cause is gone, and a file ingested while it was being copied."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import pytest
from PIL import Image

from schemas.errors import ExitCode
from tests.hostile import HOSO, alive, assert_named, children, hoso, pages_in, write_scans

pytestmark = pytest.mark.slow  # each test runs, kills or signals whole `hoso ingest` processes

N_PAGES = 6


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile") / "scans"
    write_scans(root / "HS-01", N_PAGES)
    return root


def _start(scans: Path, archive: Path, *extra: str) -> subprocess.Popen[str]:
    """`hoso ingest` in a process group of its own (as a shell job would be)."""
    return subprocess.Popen(
        [*HOSO, "ingest", str(scans), "--archive", str(archive), "--workers", "2", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        start_new_session=True,
        # As a terminal's job: Ctrl-C at its default. A shell starts background jobs (`cmd &`
        # in a script) with SIGINT ignored, and Python and hoso keep an inherited SIG_IGN, as
        # they should; a test suite started that way would hand it down to the ingest here
        # (fresh-clone runs launched in the background failed the Ctrl-C case so).
        preexec_fn=_ctrl_c_at_default,
    )


def _ctrl_c_at_default() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _wait_for_pages(proc: subprocess.Popen[str], archive: Path, n: int) -> None:
    deadline = time.monotonic() + 300
    while not ((archive / "catalog.sqlite").exists() and _pages(archive) >= n):
        assert proc.poll() is None, f"ingest ended early: {proc.communicate()}"
        assert time.monotonic() < deadline, "ingest made no progress"
        time.sleep(0.05)


def _pages(archive: Path) -> int:
    try:
        return pages_in(archive)
    except sqlite3.OperationalError:
        return 0


def _cmdline(pid: int) -> bytes:
    """A process's command line, or b"" when it ended since it was listed."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:  # gone meanwhile (a qpdf that finished)
        return b""


def _workers(pid: int) -> set[int]:
    servers = {c for c in children(pid) if b"forkserver" in _cmdline(c)}
    return {w for s in servers for w in children(s)}


def _complete(archive: Path, scans: Path) -> dict:
    proc = hoso("ingest", scans, "--archive", archive, "--workers", "2", "--json")
    assert_named(proc, ExitCode.OK)
    con = sqlite3.connect(archive / "catalog.sqlite")
    try:
        rows = con.execute("SELECT sha256, page_no FROM pages").fetchall()
    finally:
        con.close()
    assert len(rows) == len(set(rows)) == N_PAGES
    return json.loads(proc.stdout)


@pytest.mark.parametrize(
    ("sig", "code", "said_as"),
    [
        (signal.SIGTERM, ExitCode.TERMINATED, "SIGTERM"),  # `timeout`, docker, systemd
        (signal.SIGINT, ExitCode.INTERRUPTED, "Ctrl-C"),  # the terminal: the whole group
    ],
)
def test_sigterm_is_handled_like_ctrl_c(scans, tmp_path, sig, code, said_as):
    archive = tmp_path / "archive"
    proc = _start(scans, archive, "--workers", "1")
    _wait_for_pages(proc, archive, 1)
    workers = _workers(proc.pid)
    assert workers, "no page workers found"
    # The workers (one, two pages in flight) are held still while the signal lands, so that
    # however fast the pages are, some are still to do when the signal is handled.
    for w in workers:
        os.kill(w, signal.SIGSTOP)
    if sig == signal.SIGINT:
        os.killpg(proc.pid, sig)
    else:
        proc.send_signal(sig)  # the main process only
    time.sleep(0.5)
    for w in workers:
        with contextlib.suppress(ProcessLookupError):
            os.kill(w, signal.SIGCONT)
    out, err = proc.communicate(timeout=60)
    said = out + err
    assert "Traceback" not in said and "leaked semaphore" not in said, said
    assert proc.returncode == code, said
    assert f"interrupted ({said_as})" in said and "rerun" in said, said
    deadline = time.monotonic() + 10
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(w) for w in workers), f"page workers outlived {sig.name}"
    last = json.loads(hoso("status", "--archive", archive, "--json").stdout)["last_run"]
    assert last["outcome"].startswith(f"interrupted: {said_as}"), last
    _complete(archive, scans)


def test_a_second_ingest_refuses_or_waits_and_says_which(tmp_path):
    scans = tmp_path / "scans"
    write_scans(scans / "HS-01", 12)
    archive = tmp_path / "archive"
    first = _start(scans, archive, "--workers", "1")  # ~1 s a page
    _wait_for_pages(first, archive, 1)
    # Stopped (with its page workers) while it holds the archive: however slow the machine,
    # the other runs meet it at work; it goes on once they have.
    os.killpg(first.pid, signal.SIGSTOP)
    try:
        assert first.poll() is None, "the first ingest finished before it could be met"
        holding = f"`hoso ingest` (pid {first.pid}) is working on the archive"
        second = hoso("ingest", scans, "--archive", archive)
        assert_named(second, ExitCode.BUSY, holding, "this `hoso ingest` stops", "--wait")
        status = hoso("status", "--archive", archive)
        assert_named(status, ExitCode.OK, f"running now │ `hoso ingest` (pid {first.pid})")
        waiting = _start(scans, archive, "--wait", "--json")
        told = _said(waiting, "is waiting for it to finish")
        assert told.wait(timeout=300), "the --wait run never said it waits"
    finally:
        os.killpg(first.pid, signal.SIGCONT)
    first.communicate(timeout=300)
    assert first.returncode == ExitCode.OK
    out = waiting.stdout.read()  # type: ignore[union-attr]
    assert waiting.wait(timeout=300) == ExitCode.OK, told.lines
    assert holding in " ".join(" ".join(told.lines).split())
    assert json.loads(out)["pages_done"] == 0, "the waiting run OCR'd pages again"


class _Said(threading.Event):
    lines: list[str]


def _said(proc: subprocess.Popen[str], words: str) -> _Said:
    """Set once `proc` has written `words` to standard error (all of which it keeps)."""
    said = _Said()
    said.lines = []

    def read() -> None:
        for line in proc.stderr:  # type: ignore[union-attr]
            said.lines.append(line)
            if words in line:
                said.set()

    threading.Thread(target=read, daemon=True).start()
    return said


def test_kill_9_leaves_nothing_that_blocks_or_lingers(scans, tmp_path):
    archive = tmp_path / "archive"
    proc = _start(scans, archive)
    _wait_for_pages(proc, archive, 1)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    # What a kill during a write leaves: half-written page and file PDFs.
    leftovers = [
        archive / "pdf" / ".0123abcd.pdf.x1y2z3.tmp",
        archive / "pages" / "ab" / ("ab" + "0" * 62) / ".00002.pdf.q9w8e7.tmp",
    ]
    for p in leftovers:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"%PDF-1.4 half")
    status = hoso("status", "--archive", archive)
    assert_named(status, ExitCode.OK, "killed before it could finish")
    assert "running now" not in status.stderr
    assert (archive / "ingest.lock").exists()  # the dead run's lock file stays behind…
    _complete(archive, scans)  # …and does not block the next run
    assert not any(p.exists() for p in leftovers), "temporary PDFs left behind"
    con = sqlite3.connect(archive / "catalog.sqlite")
    try:
        runs = con.execute("SELECT finished_at, summary FROM runs ORDER BY run_id").fetchall()
    finally:
        con.close()
    assert all(f is not None for f, _ in runs), "a killed run stays unfinished"
    assert "interrupted" in json.loads(runs[0][1])


def test_a_tiny_image_is_one_clear_line(tmp_path):
    case = tmp_path / "scans" / "HS-01"
    case.mkdir(parents=True)
    Image.new("L", (1, 1), 255).save(case / "pixel.png")
    Image.new("RGB", (3, 2)).save(case / "dot.jpg")
    proc = hoso("ingest", tmp_path / "scans", "--archive", tmp_path / "archive", "--json")
    assert_named(proc, ExitCode.SOME_FAILED)
    reasons = [f["reason"] for f in json.loads(proc.stdout)["failures"]]
    assert len(reasons) == 2
    for r in reasons:
        assert "too small to be a scanned page" in r and "OpenCV" not in r, r


def test_an_unreachable_dask_scheduler_is_one_sentence(scans, tmp_path):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"}
    proc = hoso(
        "ingest", scans, "--archive", tmp_path / "a", "--dask", f"tcp://127.0.0.1:{port}", env=env
    )
    assert_named(proc, ExitCode.BACKEND_UNAVAILABLE, "cannot reach the Dask scheduler")
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_a_failure_whose_cause_is_gone_leaves_status(scans, tmp_path):
    """A folder hoso may not list (as another user would meet it), then mended."""
    if os.geteuid() != 0:
        pytest.fail("this test changes owners and drops capabilities: it needs root (CI is root)")
    root = tmp_path / "scans"
    write_scans(root / "HS-02", 1)
    locked = root / "HS-02"
    subprocess.run(["chown", "nobody", locked], check=True)
    locked.chmod(0o700)
    archive = tmp_path / "archive"
    from tests.test_archive_space import _as_another_user

    proc = hoso("ingest", root, "--archive", archive, **_as_another_user())
    assert_named(proc, ExitCode.SOME_FAILED, "cannot list (Permission denied)")
    locked.chmod(0o755)
    proc = hoso("ingest", root, "--archive", archive, **_as_another_user())
    assert_named(proc, ExitCode.OK)
    status = json.loads(hoso("status", "--archive", archive, "--json").stdout)
    assert status["failures"] == []


def test_a_file_ingested_while_being_copied_leaves_no_ghost(tmp_path):
    case = tmp_path / "scans" / "HS-01"
    (page,) = write_scans(case, 1)
    whole = page.read_bytes()
    page.write_bytes(whole[: len(whole) // 3])  # the copy is a third of the way through
    archive = tmp_path / "archive"
    assert_named(hoso("ingest", tmp_path / "scans", "--archive", archive), ExitCode.SOME_FAILED)
    page.write_bytes(whole)  # the copy has finished
    assert_named(hoso("ingest", tmp_path / "scans", "--archive", archive), ExitCode.OK)
    status = json.loads(hoso("status", "--archive", archive, "--json").stdout)
    assert status["files_by_status"] == {"done": 1}, status["files_by_status"]
    assert status["failures"] == []

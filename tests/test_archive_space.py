"""A full disk and an archive hoso may not write (issue 15, items 8 and 9), made for real:
small tmpfs mounts, a read-only bind mount, and an archive that belongs to another user.

These tests mount filesystems and drop capabilities, so they need root (CI runs as root):
without it they fail and say so, they do not skip.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from schemas.errors import ExitCode
from tests.hostile import assert_named, hoso, pages_in, write_scans

pytestmark = pytest.mark.slow  # ingests onto small mounted file systems until they are full


def _need_root() -> None:
    if os.geteuid() != 0:
        pytest.fail("this test mounts filesystems and needs root (CI runs as root)")


class Mounts:
    def __init__(self) -> None:
        self.points: list[Path] = []

    def tmpfs(self, where: Path, size: str) -> Path:
        _need_root()
        where.mkdir(parents=True, exist_ok=True)
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", where], check=True)
        self.points.append(where)
        return where

    def grow(self, where: Path, size: str) -> None:
        subprocess.run(["mount", "-o", f"remount,size={size}", where], check=True)

    def read_only(self, source: Path, where: Path) -> Path:
        _need_root()
        where.mkdir(parents=True, exist_ok=True)
        subprocess.run(["mount", "--bind", source, where], check=True)
        self.points.append(where)
        subprocess.run(["mount", "-o", "remount,bind,ro", where], check=True)
        return where

    def undo(self) -> None:
        for p in reversed(self.points):
            subprocess.run(["umount", "-l", p], check=False)


@pytest.fixture
def mounts() -> Iterator[Mounts]:
    m = Mounts()
    try:
        yield m
    finally:
        m.undo()


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("space") / "scans"
    write_scans(root / "HS-01", 6)
    return root


def _complete(archive: Path, scans: Path, n: int) -> None:
    """After the cause is gone, a rerun finishes: every page once, no failure left, and
    export, status and search agree."""
    assert_named(hoso("ingest", scans, "--archive", archive, "--workers", "2"), ExitCode.OK)
    assert pages_in(archive) == n
    status = json.loads(hoso("status", "--archive", archive, "--json").stdout)
    assert status["failures"] == [] and status["files_by_status"] == {"done": n}
    export = hoso("export", "--archive", archive).stdout.splitlines()
    assert len(export) == n
    found = json.loads(hoso("search", "Tráng", "--archive", archive, "--json").stdout)
    assert found["total_cases"] == 1


def test_disk_full_under_the_catalog_stops_with_one_sentence(scans, tmp_path, mounts):
    disk = mounts.tmpfs(tmp_path / "disk", "600k")
    archive = disk / "archive"
    proc = hoso("ingest", scans, "--archive", archive, "--workers", "2")
    assert_named(proc, ExitCode.DISK_FULL, "no space left", "everything catalogued so far is kept")
    mounts.grow(disk, "64m")
    _complete(archive, scans, 6)


def test_disk_full_under_the_page_pdfs_stops_the_run(scans, tmp_path, mounts):
    """The catalog has room, the page PDFs do not: no page is marked failed for it."""
    archive = tmp_path / "archive"
    pages = mounts.tmpfs(archive / "pages", "64k")
    proc = hoso("ingest", scans, "--archive", archive, "--workers", "2")
    assert_named(proc, ExitCode.DISK_FULL, "no space left")
    status = json.loads(hoso("status", "--archive", archive, "--json").stdout)
    assert status["failures"] == [], "a full disk was blamed on the pages"
    mounts.grow(pages, "64m")
    _complete(archive, scans, 6)


def test_disk_full_during_reindex_keeps_the_live_index(scans, tmp_path, mounts):
    disk = mounts.tmpfs(tmp_path / "disk", "16m")
    archive = disk / "archive"
    assert_named(hoso("ingest", scans, "--archive", archive, "--workers", "2"), ExitCode.OK)
    used = shutil.disk_usage(disk).used // 1024
    mounts.grow(disk, f"{used + 48}k")  # room for less than a new index
    assert_named(hoso("reindex", "--archive", archive), ExitCode.DISK_FULL, "no space left")
    assert not list(archive.glob("index.sqlite.new*")), "the unfinished index was left behind"
    found = json.loads(hoso("search", "Tráng", "--archive", archive, "--json").stdout)
    assert found["total_cases"] == 1  # the live index answers as before
    mounts.grow(disk, "16m")
    assert_named(hoso("reindex", "--archive", archive), ExitCode.OK, "reindexed 6 pages")


@pytest.fixture(scope="module")
def ingested(scans: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    archive = tmp_path_factory.mktemp("space-archive") / "archive"
    assert_named(hoso("ingest", scans, "--archive", archive, "--workers", "2"), ExitCode.OK)
    return archive


def test_read_only_archive_is_named_and_still_readable(scans, ingested, tmp_path, mounts):
    ro = mounts.read_only(shutil.copytree(ingested, tmp_path / "copy"), tmp_path / "ro")
    proc = hoso("ingest", scans, "--archive", ro)
    assert_named(
        proc, ExitCode.ARCHIVE_NOT_WRITABLE, f"cannot write to the archive {ro}", "read-only"
    )
    proc = hoso("ingest", scans, "--archive", ro / "new")
    assert_named(proc, ExitCode.ARCHIVE_NOT_WRITABLE, "read-only")
    assert_named(hoso("reindex", "--archive", ro), ExitCode.ARCHIVE_NOT_WRITABLE, "read-only")
    # Reading needs no writing: status, export and search work on a read-only archive.
    assert_named(hoso("status", "--archive", ro), ExitCode.OK)
    assert len(hoso("export", "--archive", ro).stdout.splitlines()) == 6
    assert_named(hoso("search", "Tráng", "--archive", ro), ExitCode.OK)


def test_another_users_archive_is_named(scans, ingested, tmp_path):
    _need_root()
    theirs = shutil.copytree(ingested, tmp_path / "theirs")
    subprocess.run(["chown", "-R", "nobody", theirs], check=True)
    before = {p.name: p.stat().st_mtime_ns for p in theirs.iterdir()}
    proc = hoso("ingest", scans, "--archive", theirs, **_as_another_user())
    assert_named(proc, ExitCode.ARCHIVE_NOT_WRITABLE, "belongs to nobody")
    proc = hoso("status", "--archive", theirs, **_as_another_user())
    assert_named(proc, ExitCode.OK)
    assert {p.name: p.stat().st_mtime_ns for p in theirs.iterdir()} == before


def _as_another_user() -> dict[str, object]:
    """Root without the capabilities that let it read and write any file: it obeys
    permissions like any other user would, for files and folders it does not own."""

    def preexec() -> None:  # drop the capabilities from the bounding set before exec
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_capbset_drop = 24
        for cap in (1, 2, 3):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER
            if libc.prctl(pr_capbset_drop, cap, 0, 0, 0) != 0:
                raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")

    return {"preexec_fn": preexec}

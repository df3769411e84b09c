"""One writer of an archive's pages and documents at a time: a lock file that names its holder.

`ingest.lock` in the archive folder is locked with flock(2) for the whole run of `hoso ingest`,
a `hoso watch` batch or `hoso extract --archive`, and holds the pid and the command of the run
that has it. The kernel drops the lock when its holder exits however it ends (kill -9, a power
cut on a local disk), so a stale file never blocks anyone: what is in it is only there to tell
the user who is working. A second run refuses at once (ArchiveBusy), or with `wait` waits for
the first to finish. Search, status, export and reindex never take it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable
from pathlib import Path

from schemas.errors import ArchiveBusy

FILENAME = "ingest.lock"


def _holder(fd: int) -> str:
    """Who holds the lock, as the lock file names it: "`hoso ingest` (pid 12)"."""
    os.lseek(fd, 0, os.SEEK_SET)
    pid, _, command = os.read(fd, 256).decode("utf-8", "replace").strip().partition(" ")
    pid = pid if pid.isdigit() else "unknown"
    # A file an older hoso wrote holds the pid alone; one being written may be empty.
    return f"`{command}` (pid {pid})" if command else f"another hoso command (pid {pid})"


class ArchiveLock:
    """The lock of `archive` (which must exist), taken by `command` ("hoso ingest"): the
    name another run's busy message gives. Use as a context manager."""

    def __init__(
        self,
        archive: Path,
        command: str,
        *,
        wait: bool = False,
        on_wait: Callable[[str], None] | None = None,
    ) -> None:
        self.path = Path(archive) / FILENAME
        self.command = command
        self.wait = wait
        self.on_wait = on_wait
        self._fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                who = _holder(fd)
                archive = self.path.parent
                if not self.wait:
                    raise ArchiveBusy(
                        f"{who} is working on the archive {archive}; this `{self.command}` "
                        "stops without doing anything: rerun it when that one has finished, "
                        "or add --wait to wait for it"
                    ) from None
                if self.on_wait is not None:
                    self.on_wait(
                        f"{who} is working on the archive {archive}: this `{self.command}` "
                        "is waiting for it to finish…"
                    )
                fcntl.flock(fd, fcntl.LOCK_EX)
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()} {self.command}\n".encode(), 0)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(self._fd, 0)
        os.close(self._fd)  # closing the file drops the lock
        self._fd = None

    def __enter__(self) -> ArchiveLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def holder(archive: Path) -> str | None:
    """ "`hoso ingest` (pid N)": the run that holds `archive`'s lock now, or None when none
    does."""
    path = Path(archive) / FILENAME
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _holder(fd)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)

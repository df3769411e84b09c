"""Watch folders of a scanning station and ingest each file once it is complete.

The `watchdog` library reports files created, written or moved into the folders. A file
is taken only when it is complete: its size and modification time have not changed for
`settle_s` seconds, and it parses to its end (a PDF with its end-of-file marker whose every
page object loads; a TIFF whose every frame decodes; a JPEG or PNG that decodes whole).
A file that stays unparseable long after it stopped changing is ingested anyway, so that
the catalog records it as failed (nothing is lost silently). Ingest itself is
`pipeline.run_ingest` on the ready files, with each file's case computed from its watched
folder as `hoso ingest FOLDER` would: the same guarantees (content-addressed, no
duplicates, a kill loses at most the pages in flight). On start every file already in the
folders is looked at again, so files that arrived while the watcher was down are taken
(those already catalogued are recognised and skipped): it survives restarts with no state
of its own. `stop` (SIGTERM in `hoso watch`) ends after the ingest in progress.
"""

from __future__ import annotations

import csv
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ingest.discover import SUPPORTED_SUFFIXES, _case_for
from ingest.pipeline import IngestOptions, IngestSummary, run_ingest

log = logging.getLogger(__name__)

GIVE_UP_FACTOR = 30  # stable this many settle periods and still unparseable: ingest anyway


def complete(path: str) -> bool:
    """The file parses to its end (see the module docstring)."""
    suffix = os.path.splitext(path)[1].lower()
    kind = SUPPORTED_SUFFIXES.get(suffix)
    try:
        if kind == "pdf":
            with open(path, "rb") as f:
                f.seek(max(0, os.path.getsize(path) - 2048))
                if b"%%EOF" not in f.read():
                    return False
            from pypdf import PdfReader

            reader = PdfReader(path, strict=False)
            return all(page.mediabox is not None for page in reader.pages) and len(reader.pages) > 0
        from PIL import Image

        with Image.open(path) as img:
            frames = getattr(img, "n_frames", 1)
            for i in range(frames):
                img.seek(i)
                img.load()
        return True
    except Exception:  # truncated, half-written: not yet
        return False


@dataclass
class _Seen:
    size: int
    mtime_ns: int
    stable_since: float


@dataclass
class Watcher:
    """Ingest complete scans appearing under `roots` into `archive` until `stop()`."""

    roots: list[Path]
    archive: Path
    options: IngestOptions = field(default_factory=IngestOptions)
    settle_s: float = 2.0
    poll_s: float = 0.5
    on_ingest: Callable[[list[str], IngestSummary], None] | None = None
    _pending: dict[str, _Seen] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)

    def touch(self, path: str) -> None:
        """A file was created, written or moved in: (re)start its settling clock."""
        if os.path.splitext(path)[1].lower() not in SUPPORTED_SUFFIXES:
            return
        if os.path.basename(path).startswith("."):
            return  # a copy's temporary name; its final name is reported when it is moved
        with self._lock:
            self._pending.setdefault(path, _Seen(-1, -1, time.monotonic()))

    def stop(self) -> None:
        self._stop.set()

    def _root_of(self, path: str) -> Path:
        for root in self.roots:
            if path.startswith(str(root).rstrip("/") + "/"):
                return root
        return Path(os.path.dirname(path))

    def _ready(self) -> list[str]:
        now = time.monotonic()
        ready: list[str] = []
        with self._lock:
            for path, seen in list(self._pending.items()):
                try:
                    st = os.stat(path)
                except OSError:
                    del self._pending[path]  # gone before it was complete
                    continue
                if (st.st_size, st.st_mtime_ns) != (seen.size, seen.mtime_ns):
                    self._pending[path] = _Seen(st.st_size, st.st_mtime_ns, now)
                    continue
                waited = now - seen.stable_since
                if waited < self.settle_s:
                    continue
                if complete(path) or waited >= GIVE_UP_FACTOR * self.settle_s:
                    ready.append(path)
        return sorted(ready)

    def _ingest(self, paths: list[str]) -> None:
        with tempfile.TemporaryDirectory(prefix="hoso-watch-") as tmp:
            manifest = Path(tmp) / "manifest.csv"
            with open(manifest, "w", newline="", encoding="utf-8") as f:
                writer = csv.writer(f)
                writer.writerow(["path", "case_id"])
                for p in paths:
                    writer.writerow([os.path.realpath(p), _case_for(self._root_of(p), p)])
            options = IngestOptions(**{**self.options.__dict__, "manifest": manifest, "wait": True})
            summary = run_ingest(
                [Path(p) for p in paths], self.archive, options, command="hoso watch"
            )
        with self._lock:
            for p in paths:
                self._pending.pop(p, None)
        log.info("ingested %d file(s): %d page(s) done", len(paths), summary.pages_done)
        if self.on_ingest is not None:
            self.on_ingest(paths, summary)

    def _scan(self, roots: Iterable[Path]) -> None:
        for root in roots:
            for folder, _dirs, files in os.walk(root):
                for name in files:
                    self.touch(os.path.join(folder, name))

    def run(self) -> None:
        """Watch until `stop()`; each batch of complete files is ingested in turn."""
        from watchdog.events import FileSystemEvent, FileSystemEventHandler
        from watchdog.observers import Observer

        watcher = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                if event.is_directory:
                    if event.event_type in ("created", "moved"):
                        target = getattr(event, "dest_path", "") or event.src_path
                        watcher._scan([Path(os.fsdecode(target))])
                    return
                if event.event_type in ("created", "modified", "closed", "moved"):
                    target = getattr(event, "dest_path", "") or event.src_path
                    watcher.touch(os.fsdecode(target))

        observer = Observer()
        for root in self.roots:
            observer.schedule(Handler(), str(root), recursive=True)
        observer.start()
        try:
            self._scan(self.roots)  # what arrived while no watcher ran
            while not self._stop.wait(self.poll_s):
                ready = self._ready()
                if ready:
                    self._ingest(ready)
        finally:
            observer.stop()
            observer.join(timeout=10)

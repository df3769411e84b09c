"""The ingest run, top to bottom: discover → plan pages → run the page step → catalog.

`run_ingest` is the library function behind `hoso ingest`. It is the only writer of the
catalog during a run: workers return `PageResult`s and this module commits each page on its
own, so a kill loses at most the pages in flight and a rerun picks up exactly what is missing.
Concurrency is delegated to `ingest.executor`; what happens to one page is `ingest.page`.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ingest.catalog import Catalog, PageRow
from ingest.discover import (
    Broken,
    Found,
    Skipped,
    discover,
    display_path,
    file_stamp,
    load_manifest,
    reread,
    sha256_of,
)
from ingest.executor import PageExecutor, make_executor, start_server
from ingest.failures import check_writable
from ingest.lock import ArchiveLock
from ingest.tasks import OcrOptions, PageResult, PageTask
from schemas.errors import InputFileError


class Progress(Protocol):
    def start(self, files: int, pages: int) -> None: ...
    def advance(self, *, pages: int = 0, files: int = 0) -> None: ...
    def finish(self) -> None: ...


class NoProgress:
    def start(self, files: int, pages: int) -> None:
        pass

    def advance(self, *, pages: int = 0, files: int = 0) -> None:
        pass

    def finish(self) -> None:
        pass


@dataclass
class IngestOptions:
    workers: int | None = None
    force: bool = False
    manifest: Path | None = None
    dask: str | None = None
    ocr: OcrOptions = field(default_factory=OcrOptions)
    extract: bool = True  # find documents/entities when a file's pages are all in
    es_url: str | None = None  # also keep an Elasticsearch index current
    wait: bool = False  # another ingest holds the archive: wait for it (default: refuse)
    on_wait: Callable[[str], None] | None = None  # told once when this run starts waiting


@dataclass
class IngestSummary:
    run_id: int
    files_seen: int = 0
    files_done: int = 0  # completed in this run
    files_already_done: int = 0
    files_failed: int = 0
    files_partial: int = 0
    duplicates: int = 0  # same content seen again under another path
    files_changed: int = 0  # changed while read, read again as their new content
    paths_retired: int = 0  # gone (moved, renamed, deleted): moved to the history
    pages_done: int = 0
    pages_already_done: int = 0
    pages_failed: int = 0
    skipped: list[dict[str, str]] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def pages_per_minute(self) -> float:
        return 60.0 * self.pages_done / self.seconds if self.seconds > 0 else 0.0

    @property
    def ok(self) -> bool:
        return not self.failures

    def as_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["pages_per_minute"] = round(self.pages_per_minute, 1)
        d["seconds"] = round(self.seconds, 2)
        return d


@dataclass
class _FileWork:
    found: Found
    n_pages: int
    pending: set[int]
    failed: dict[int, str] = field(default_factory=dict)
    changed: bool = False  # the file is no longer what was hashed: it is read again


def _changed(found: Found, *, rehash: bool = False) -> bool:
    """The file no longer has the stamp its hash was taken with (or is gone); with `rehash`,
    a PDF or TIFF is also hashed again (their pages are checked by stamp only, a JPEG or PNG
    page by the hash of the bytes the worker read)."""
    try:
        if file_stamp(found.path) != found.stamp:
            return True
        return rehash and found.kind in ("pdf", "tiff") and sha256_of(found.path) != found.sha256
    except OSError:
        return True


def _lost(task: PageTask, reason: str) -> PageResult:
    return PageResult(sha256=task.sha256, page_no=task.page_no, error=reason)


class _Hooks:
    """What happens after a file is complete: extraction and search indexing (optional)."""

    def __init__(self, catalog: Catalog, options: IngestOptions) -> None:
        self.catalog = catalog
        self.extract: Callable[[list[tuple[int, str]]], list[Any]] | None = None
        self.extractor: str | None = None  # its version, recorded with the documents
        self.indexer: Any = None
        # Extraction is loaded when there are pages to read and the workers are still
        # starting (`_read`), else when the first file is complete (`load_extraction`): a
        # run that completes none (all done already) does without it (~0.15 s of CPU).
        self._extraction = (
            options.extract and importlib.util.find_spec("ingest.extract") is not None
        )
        try:
            from ingest.index import Indexer
        except ModuleNotFoundError as exc:
            if exc.name not in ("ingest.index",):
                raise
        else:
            self.indexer = Indexer(catalog, es_url=options.es_url)

    @property
    def queues(self) -> list[str]:
        return self.indexer.queues if self.indexer is not None else []

    @property
    def notes(self) -> list[str]:
        return self.indexer.notes if self.indexer is not None else []

    def page_saved(self, sha256: str, page_no: int) -> None:
        if self.indexer is not None:
            self.indexer.page_saved(sha256, page_no)

    def load_extraction(self) -> None:
        if self._extraction and self.extract is None:
            from ingest.extract import extract_pages
            from ingest.extract.version import extractor_version

            self.extract = extract_pages
            self.extractor = extractor_version()

    def file_complete(self, sha256: str, summary: IngestSummary) -> None:
        self.load_extraction()
        if self.extract is not None:
            texts = self.catalog.page_texts(sha256)
            try:
                docs = self.extract(texts)
            except Exception as exc:  # a bug in one extractor must not stop the batch
                path, reason = self.catalog.record_extraction_failure(
                    summary.run_id, sha256, exc, "pages are kept"
                )
                summary.failures.append({"path": path, "reason": reason})
                return
            self.catalog.replace_documents(
                sha256, docs, enqueue_for=self.queues, extractor=self.extractor
            )
        if self.indexer is not None:
            self.indexer.documents_saved(sha256)

    def placed(self, shas: set[str]) -> None:
        """Contents whose paths or cases changed (moved, replaced, gone): their search
        records are sent again with their case and path, or removed when no path holds
        them any more. Contents without pages have no records yet."""
        if self.indexer is None:
            return
        for sha in sorted(shas):
            if not self.catalog.is_current(sha) or self.catalog.done_pages(sha):
                self.indexer.documents_saved(sha)

    def close(self) -> None:
        if self.indexer is not None:
            self.indexer.close()


def _no_pages() -> None:
    pass


def _plan(
    catalog: Catalog,
    roots: Sequence[Path],
    options: IngestOptions,
    summary: IngestSummary,
    hooks: _Hooks,
    pages_ahead: Callable[[], None] = _no_pages,
) -> list[_FileWork]:
    """Discover, register every file in the catalog and list the pages still to do; paths
    that are gone (moved, renamed, deleted) leave their cases for the archive's history.
    `pages_ahead` is called when a file with pages to read is found (each time)."""
    manifest = load_manifest(options.manifest) if options.manifest else None
    work: dict[str, _FileWork] = {}
    seen: set[str] = set()
    skipped_dirs: list[str] = []
    placed: set[str] = set()
    for item in discover(roots, manifest):
        if isinstance(item, Skipped):
            summary.skipped.append({"path": item.display, "reason": item.reason})
            catalog.record_skip(summary.run_id, item.display, item.reason)
            if os.path.isdir(item.display):
                skipped_dirs.append(item.display.rstrip("/") + "/")
            continue
        seen.add(item.display)
        summary.files_seen += 1
        if isinstance(item, Broken):
            summary.failures.append({"path": item.display, "reason": item.reason})
            catalog.record_failure(summary.run_id, item.display, item.reason)
            summary.files_failed += 1
            continue
        _register(catalog, item, options, summary, work, placed)
        if work[item.sha256].pending:
            pages_ahead()

    def gone(path: str) -> bool:
        if path in seen:
            return False
        if not os.path.isabs(path) and os.path.abspath(path) in seen:
            return True  # stored relative by an older hoso: the absolute path replaces it
        return not os.path.lexists(path) or any(path.startswith(d) for d in skipped_dirs)

    candidates = {p for r in roots for p in catalog.known_paths(under=os.path.abspath(r))}
    for sha in work:
        candidates.update(catalog.known_paths(sha256=sha))
    retired = sorted(p for p in candidates if gone(p))
    for path in retired:
        held = catalog.content_at(path)
        now = [q for q in catalog.known_paths(sha256=held) if q in seen] if held else []
        why = f"moved to {now[0]}" if now else "no longer there (moved, renamed or deleted)"
        placed |= catalog.retire_paths([path], why)
        summary.notes.append({"path": path, "note": f"{why}; kept in the history"})
    summary.paths_retired += len(retired)
    hooks.placed(placed)
    # A file or folder that failed in an earlier run and was not reported again (its cause
    # is gone: permissions mended, file removed) no longer stands in `hoso status`.
    catalog.clear_stale_failures(summary.run_id, [display_path(os.path.abspath(r)) for r in roots])
    # Content that failed and that no path holds any more (a file read while it was still
    # being copied, then complete) held nothing: it is no "failed" file of the archive.
    catalog.forget_failed_unheld()
    return [w for w in work.values() if w.n_pages > 0 and (w.pending or _needs_finish(catalog, w))]


def _register(
    catalog: Catalog,
    item: Found,
    options: IngestOptions,
    summary: IngestSummary,
    work: dict[str, _FileWork],
    placed: set[str],
) -> None:
    """Put one found file in the catalog and `work` with the pages it still needs."""
    from ingest.load import count_pages

    placed |= catalog.add_file(item.sha256, item.kind, item.size, item.display, item.case_id)
    catalog.clear_failures(path=item.display)
    if item.note:
        summary.notes.append({"path": item.display, "note": item.note})
    if item.sha256 in work:
        summary.duplicates += 1
        return
    row = catalog.file_row(item.sha256)
    assert row is not None
    pdf_ok = row["searchable_pdf"] and Path(row["searchable_pdf"]).exists()
    if row["status"] == "done" and pdf_ok and not options.force:
        summary.files_already_done += 1
        summary.pages_already_done += row["n_pages"] or 0
        work[item.sha256] = _FileWork(item, row["n_pages"] or 0, set())
        return
    try:
        n_pages = count_pages(item.path, item.kind)
    except InputFileError as exc:
        catalog.set_file_status(item.sha256, "failed", str(exc))
        catalog.record_failure(summary.run_id, item.display, str(exc), sha256=item.sha256)
        summary.failures.append({"path": item.display, "reason": str(exc)})
        summary.files_failed += 1
        work[item.sha256] = _FileWork(item, 0, set())
        return
    catalog.set_page_count(item.sha256, n_pages)
    done = set() if options.force else catalog.done_pages(item.sha256)
    pending = set(range(1, n_pages + 1)) - done
    summary.pages_already_done += n_pages - len(pending)
    work[item.sha256] = _FileWork(item, n_pages, pending)


def _replan(
    catalog: Catalog,
    changed: list[_FileWork],
    options: IngestOptions,
    summary: IngestSummary,
    hooks: _Hooks,
) -> list[_FileWork]:
    """Files that changed while they were read, hashed again and planned as the content they
    hold now; what they held before goes to the history (pages read of it are kept there)."""
    work: dict[str, _FileWork] = {}
    placed: set[str] = set()
    for w in changed:
        item = reread(w.found)
        if isinstance(item, Broken):
            catalog.record_failure(summary.run_id, item.display, item.reason)
            summary.failures.append({"path": item.display, "reason": item.reason})
            summary.files_failed += 1
            continue
        note = "changed while hoso read it: read again as the content it holds now"
        summary.notes.append({"path": item.display, "note": note})
        summary.files_changed += 1
        _register(catalog, item, options, summary, work, placed)
    hooks.placed(placed)
    return [w for w in work.values() if w.n_pages > 0 and (w.pending or _needs_finish(catalog, w))]


def _needs_finish(catalog: Catalog, w: _FileWork) -> bool:
    """Not marked done, or done without its searchable PDF (it could not be written)."""
    row = catalog.file_row(w.found.sha256)
    if row is None:
        return False
    return row["status"] != "done" or not (
        row["searchable_pdf"] and Path(row["searchable_pdf"]).exists()
    )


def _costliest_first(files: list[_FileWork]) -> list[_FileWork]:
    """The order pages are handed to the workers: files with the most bytes a page first (a
    page's bytes go with its OCR work: on 16 office pages of 3.6-4.4 MB, 0.6-1.9 s of CPU),
    each file's pages in order. A worker left alone at the end of a run then reads a page of
    the cheapest kind instead of a long one (measured in the commit that added this)."""
    return sorted(files, key=lambda w: w.found.size / max(w.n_pages, 1), reverse=True)


def _tasks(catalog: Catalog, files: list[_FileWork], options: IngestOptions) -> Iterator[PageTask]:
    for w in _costliest_first(files):
        for page_no in sorted(w.pending):
            out = catalog.page_pdf_path(w.found.sha256, page_no)
            yield PageTask(
                path=w.found.path,
                sha256=w.found.sha256,
                page_no=page_no,
                kind=w.found.kind,
                out_pdf=str(out) if options.ocr.searchable_pdf else None,
                options=options.ocr,
                stamp=w.found.stamp,
            )


def _finish_file(catalog: Catalog, w: _FileWork, summary: IngestSummary, hooks: _Hooks) -> None:
    """Searchable PDF, documents, then the status: `done` is written last, so a kill
    anywhere in here leaves the file unfinished and the next run finishes it."""
    from ingest.assemble import assemble_pdf

    sha = w.found.sha256
    if w.failed:
        pages = ", ".join(str(p) for p in sorted(w.failed))
        first = w.failed[min(w.failed)]
        hooks.file_complete(sha, summary)
        catalog.set_file_status(sha, "partial", f"page(s) {pages} failed: {first}")
        summary.files_partial += 1
        return
    pdf: str | None = None
    try:
        out = catalog.searchable_pdf_path(sha)
        assemble_pdf([catalog.page_pdf_path(sha, p) for p in range(1, w.n_pages + 1)], out)
        pdf = str(out)
        catalog.clear_failures(sha256=sha)  # failures of earlier runs are mended
    except (OSError, sqlite3.Error):  # the archive cannot be written: the run stops
        raise
    except Exception as exc:  # the OCR is safe in the catalog; only the PDF is missing
        reason = f"could not assemble the searchable PDF: {exc}"
        catalog.record_failure(summary.run_id, w.found.display, reason, sha256=sha)
        summary.failures.append({"path": w.found.display, "reason": reason})
    hooks.file_complete(sha, summary)
    catalog.set_file_status(sha, "done", None, searchable_pdf=pdf)
    summary.files_done += 1


# A file that changes while it is read is read again as its new content, this many times in
# one run at most (a scanner writing page after page); then it is left for the next run.
CHANGE_PASSES = 3


def _read(
    catalog: Catalog,
    files: list[_FileWork],
    options: IngestOptions,
    summary: IngestSummary,
    hooks: _Hooks,
    executor: PageExecutor | None,
    progress: Progress,
) -> list[_FileWork]:
    """Run the page step over `files` and catalogue each page; a file is finished (done)
    only when what was read is complete and the file is still what was hashed. Returns the
    files that changed meanwhile (to be read again)."""
    by_sha = {w.found.sha256: w for w in files}
    changed: list[_FileWork] = []

    def complete(w: _FileWork) -> None:
        if w.changed or _changed(w.found, rehash=True):
            changed.append(w)
        else:
            _finish_file(catalog, w, summary, hooks)
        progress.advance(files=1)

    # Files whose pages are all in already (a kill between last page and PDF) finish now.
    for w in files:
        if not w.pending:
            complete(w)
    if executor is None or not any(w.pending for w in files):
        return changed
    from ingest.worker import run_page

    if executor.starting():
        # The main process waits for the workers' fork server to load the page step (~0.2 s
        # here on 16 pages); loaded later, extraction takes its CPU from the pages.
        hooks.load_extraction()
    for res in executor.run_unordered(run_page, _tasks(catalog, files, options), _lost):
        w = by_sha[res.sha256]
        if res.archive_error:  # disk full, read-only archive…: not the page's fault
            errno, where = res.archive_error
            raise OSError(errno, os.strerror(errno), where)
        if res.error and (w.changed or _changed(w.found)):
            w.changed = True  # not a failure of the page: the file is read again
        elif res.error:
            w.failed[res.page_no] = res.error
            summary.pages_failed += 1
            catalog.record_failure(
                summary.run_id, w.found.display, res.error, sha256=res.sha256, page_no=res.page_no
            )
            summary.failures.append(
                {"path": w.found.display, "page": res.page_no, "reason": res.error}
            )
        else:  # read while the file was still what was hashed: a page of that content
            catalog.save_page(
                PageRow(
                    sha256=res.sha256,
                    page_no=res.page_no,
                    method=res.method,
                    text=res.text,
                    confidence=res.confidence,
                    quality=res.quality,
                    words=res.words,
                    width=res.width,
                    height=res.height,
                    seconds=res.seconds,
                ),
                enqueue_for=hooks.queues,
            )
            summary.pages_done += 1
            # The page's index item is queued with it; the file's last page is indexed with
            # the file's documents (`complete`), not once alone and again with them.
            if len(w.pending) > 1:
                hooks.page_saved(res.sha256, res.page_no)
        w.pending.discard(res.page_no)
        progress.advance(pages=1)
        if not w.pending:
            complete(w)
    return changed


def run_ingest(
    roots: Sequence[Path],
    archive: Path,
    options: IngestOptions | None = None,
    progress: Progress | None = None,
    executor: PageExecutor | None = None,
    *,
    command: str = "hoso ingest",
) -> IngestSummary:
    """`command`: what runs it, as the busy message of another run names it."""
    options = options or IngestOptions()
    progress = progress or NoProgress()
    started = time.monotonic()
    check_writable(archive)
    archive.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        # One ingest per archive (the second refuses or waits); then what killed runs left.
        stack.enter_context(
            ArchiveLock(archive, command, wait=options.wait, on_wait=options.on_wait)
        )
        catalog = stack.enter_context(Catalog(archive))
        catalog.check()
        catalog.close_abandoned_runs()
        remove_temporary_files(catalog)
        return _run(catalog, roots, options, progress, executor, started)
    raise AssertionError("unreachable")  # pragma: no cover - mypy: ExitStack may swallow


def _run(
    catalog: Catalog,
    roots: Sequence[Path],
    options: IngestOptions,
    progress: Progress,
    executor: PageExecutor | None,
    started: float,
) -> IngestSummary:
    run_id = catalog.begin_run("ingest", {"roots": [str(r) for r in roots], **options.__dict__})
    summary = IngestSummary(run_id=run_id)
    own_executor = executor is None
    hooks: _Hooks | None = None
    try:
        if executor is None and not options.dask:
            executor = make_executor(options.workers, None)
            start_server()  # the page step loads meanwhile (`hoso ingest` started it already)
        # The workers start (forked by the fork server, which has the page step loaded) as
        # soon as the plan finds a page to read, while the other files are found and hashed;
        # a run with nothing to do starts none.
        warm = executor.warm if own_executor and executor is not None else _no_pages
        hooks = _Hooks(catalog, options)
        for note in hooks.notes:  # an index that lacked catalogued pages was filled
            summary.notes.append({"path": str(catalog.archive), "note": note})
        files = _plan(catalog, roots, options, summary, hooks, warm)
        progress.start(len(files), sum(len(w.pending) for w in files))
        for _ in range(CHANGE_PASSES):
            if executor is None and any(w.pending for w in files):
                executor = make_executor(options.workers, options.dask)
            changed = _read(catalog, files, options, summary, hooks, executor, progress)
            if not changed:
                break
            files = _replan(catalog, changed, options, summary, hooks)
        else:
            for w in changed:
                reason = "the file kept changing while hoso read it (still being written?)"
                catalog.record_failure(run_id, w.found.display, reason)
                summary.failures.append({"path": w.found.display, "reason": reason})
                summary.files_failed += 1
    except BaseException as exc:
        # Ctrl-C, SIGTERM, a full disk…: the workers go at once (pages in flight are done
        # again by the next run); the run is recorded as interrupted if the disk allows.
        progress.finish()
        if own_executor and executor is not None:
            executor.abort()
        if hooks is not None:
            with contextlib.suppress(Exception):
                hooks.close()
        summary.seconds = time.monotonic() - started
        with contextlib.suppress(Exception):
            why = _STOPPED_BY.get(type(exc).__name__) or str(exc) or type(exc).__name__
            catalog.finish_run(run_id, {**summary.as_dict(), "interrupted": why})
        raise
    progress.finish()
    if own_executor and executor is not None:
        executor.close()
    assert hooks is not None
    hooks.close()
    summary.seconds = time.monotonic() - started
    catalog.finish_run(run_id, summary.as_dict())
    return summary


_STOPPED_BY = {"KeyboardInterrupt": "Ctrl-C (SIGINT)", "Terminated": "SIGTERM"}


def remove_temporary_files(catalog: Catalog) -> int:
    """Delete the half-written page and file PDFs (`.<name>.<random>.tmp`) that a killed run
    left behind. Only under the ingest lock: no other run is writing any. Returns how many."""
    n = 0
    for folder in (catalog.pdf_dir, catalog.pages_dir):
        for dirpath, _, names in os.walk(folder):
            for name in names:
                if name.startswith(".") and name.endswith(".tmp"):
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(os.path.join(dirpath, name))
                        n += 1
    return n

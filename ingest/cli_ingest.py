"""`hoso ingest`, `hoso status`, `hoso export`: thin shells over the pipeline and catalog."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ingest.catalog import UNFINISHED, Catalog
from ingest.cli_common import (
    DEFAULT_ARCHIVE,
    ArchiveOpt,
    EsUrlOpt,
    JsonOpt,
    archive_errors,
    console,
    fail,
    print_json,
    print_jsonl,
    safe,
)
from ingest.lock import holder
from ingest.pipeline import IngestOptions, IngestSummary, run_ingest
from ingest.tasks import OcrOptions
from schemas.errors import ExitCode, Terminated

if TYPE_CHECKING:  # rich's progress bars and tables are imported where they are drawn: a
    from rich.progress import TaskID  # `hoso ingest --json` or into a pipe draws neither


class RichProgress:
    """Files and pages bars with pages/s and ETA, on stderr."""

    def __init__(self) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._p = Progress(
            TextColumn("[bold]{task.description:<6}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        )
        self._files: TaskID | None = None
        self._pages: TaskID | None = None
        self._t0 = 0.0
        self._n = 0

    def start(self, files: int, pages: int) -> None:
        import time

        self._t0 = time.monotonic()
        self._p.start()
        self._files = self._p.add_task("files", total=files, rate="")
        self._pages = self._p.add_task("pages", total=pages, rate="")

    def advance(self, *, pages: int = 0, files: int = 0) -> None:
        import time

        if files and self._files is not None:
            self._p.advance(self._files, files)
        if pages and self._pages is not None:
            self._n += pages
            dt = max(time.monotonic() - self._t0, 1e-6)
            self._p.update(self._pages, advance=pages, rate=f"{self._n / dt:.2f} pages/s")

    def finish(self) -> None:
        self._p.stop()


def _print_summary(s: IngestSummary) -> None:
    from rich.table import Table

    t = Table(title="hoso ingest", show_header=False, title_justify="left")
    t.add_row("files seen", str(s.files_seen))
    t.add_row("files done this run", str(s.files_done))
    done = f"{s.files_already_done} files, {s.pages_already_done} pages"
    t.add_row("already done (skipped)", done)
    t.add_row("duplicate content", str(s.duplicates))
    t.add_row("pages OCR'd / read", str(s.pages_done))
    t.add_row("speed", f"{s.pages_per_minute:.1f} pages/min in {s.seconds:.1f} s")
    t.add_row("not scans (skipped)", str(len(s.skipped)))
    if s.files_changed:
        t.add_row("changed while read (read again)", str(s.files_changed))
    if s.paths_retired:
        t.add_row("paths moved or gone (history)", str(s.paths_retired))
    failed = f"{s.files_failed} files, {s.files_partial} partial, {s.pages_failed} pages"
    t.add_row("failed", failed)
    console.print(t)
    for f in s.failures:
        where = f" page {f['page']}" if f.get("page") else ""
        console.print(
            f"[red]FAILED[/] {safe(f['path'])}{where}: {safe(f['reason'])}", highlight=False
        )
    for sk in s.skipped:
        console.print(
            f"[yellow]skipped[/] {safe(sk['path'])}: {safe(sk['reason'])}", highlight=False
        )
    for n in s.notes:
        console.print(f"[cyan]note[/] {safe(n['path'])}: {safe(n['note'])}", highlight=False)


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Folders (or files) of scans to ingest.")],
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    workers: Annotated[
        int | None, typer.Option("--workers", "-j", help="Worker processes (default: cores).")
    ] = None,
    manifest: Annotated[
        Path | None,
        typer.Option(help="CSV with columns path,case_id overriding folder-based case IDs."),
    ] = None,
    force: Annotated[bool, typer.Option(help="Redo pages already in the catalog.")] = False,
    dpi: Annotated[int, typer.Option(help="Rasterisation of PDF pages.")] = 300,
    force_ocr: Annotated[
        bool, typer.Option("--force-ocr", help="OCR PDFs even where a text layer is trusted.")
    ] = False,
    timeout: Annotated[float, typer.Option(help="Seconds allowed per page of OCR.")] = 180.0,
    dask: Annotated[
        str | None,
        typer.Option(help="Dask scheduler address (tcp://host:8786) to OCR on a cluster."),
    ] = None,
    es_url: EsUrlOpt = None,
    wait: Annotated[
        bool,
        typer.Option(
            "--wait",
            help="If another hoso command (ingest, watch, extract --archive) is working on "
            "the archive, wait for it to finish.",
        ),
    ] = False,
    json: JsonOpt = False,
) -> None:
    """OCR and catalogue every scan (PDF, TIFF, JPEG, PNG) under PATHS.

    By default each first-level folder under a PATH is one case (hồ sơ); files are identified
    by content (sha256), so reruns only do what is missing. Exit code 3 means the batch
    finished but some files failed (see `hoso status`); every exit code is listed in
    schemas/errors.py. One ingest at a time works on an archive: a second one (or one started
    while `hoso watch` or `hoso extract --archive` is at work) stops at once (exit 10), or with
    --wait waits for the first.
    """
    if manifest is not None and not manifest.is_file():
        raise fail(f"manifest {manifest} does not exist")
    missing = [str(p) for p in paths if not os.path.exists(p)]
    if missing and len(missing) == len(paths):
        raise fail(f"no such file or folder: {', '.join(missing)}")
    options = IngestOptions(
        workers=workers,
        force=force,
        manifest=manifest,
        dask=dask,
        ocr=OcrOptions(dpi=dpi, timeout_s=timeout, force_ocr=force_ocr),
        es_url=es_url,
        wait=wait,
        on_wait=lambda msg: console.print(safe(msg), highlight=False, soft_wrap=True),
    )
    progress = None if json or not console.is_terminal else RichProgress()
    try:
        with archive_errors(archive), sigterm_interrupts():
            summary = run_ingest(paths, archive, options, progress)
    except (KeyboardInterrupt, Terminated) as exc:
        by = "SIGTERM" if isinstance(exc, Terminated) else "Ctrl-C"
        console.print(
            f"interrupted ({by}): the workers are stopped, pages already catalogued are kept; "
            "rerun the same command to finish",
            highlight=False,
            soft_wrap=True,
        )
        code = ExitCode.TERMINATED if isinstance(exc, Terminated) else ExitCode.INTERRUPTED
        raise typer.Exit(int(code)) from None
    if json:
        print_json(summary.as_dict())
    else:
        _print_summary(summary)
    if not summary.ok:
        raise typer.Exit(int(ExitCode.SOME_FAILED))


@contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """SIGTERM (systemd, docker, `timeout`) stops the run like Ctrl-C: `Terminated` is raised
    in the main thread, once (a second SIGTERM during the cleanup is ignored)."""

    def on_term(signum: int, frame: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise Terminated()

    old = signal.signal(signal.SIGTERM, on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


def _open_catalog(archive: Path) -> Catalog:
    try:
        return Catalog(archive, readonly=True)
    except FileNotFoundError as exc:
        raise fail(str(exc)) from None


def _outdated(catalog: Catalog) -> int:
    """Files whose documents another extractor made (or none): `hoso extract --archive`."""
    from ingest.extract.version import extractor_version

    version = extractor_version()
    return sum(1 for _, made_by in catalog.extraction_states() if made_by != version)


def status(
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    json: JsonOpt = False,
    files: Annotated[
        bool,
        typer.Option(
            "--files",
            help="Also one line per file: done, partial, failed, unfinished, skipped, or "
            "replaced / gone (kept in the history).",
        ),
    ] = False,
) -> None:
    """Counts, failures with reasons, pages that should be rescanned (and, with --files,
    what happened to every file)."""
    with archive_errors(archive), _open_catalog(archive) as catalog:
        s = catalog.summary()
        s["extraction_outdated"] = _outdated(catalog)
        if files:
            s["file_states"] = catalog.file_states()
    if json:
        print_json(s)
        return
    from rich.table import Table

    t = Table(title=f"hoso archive {safe(s['archive'])}", show_header=False, title_justify="left")
    t.add_row("cases", str(s["cases"]))
    by_status = ", ".join(f"{k} {v}" for k, v in s["files_by_status"].items())
    t.add_row("files", f"{s['files']} ({by_status})")
    t.add_row("pages", f"{s['pages']} of {s['pages_expected']} expected")
    t.add_row("by method", ", ".join(f"{k} {v}" for k, v in s["pages_by_method"].items()))
    t.add_row("mean OCR confidence", str(s["mean_confidence"]))
    t.add_row("documents found", str(s["documents"]))
    if s["extraction_outdated"]:
        t.add_row(
            "files extracted by an older hoso",
            f"{s['extraction_outdated']} (hoso extract --archive {safe(archive)} updates them)",
        )
    t.add_row("pending index work", str(s["index_queue"]))
    t.add_row("failures", str(len(s["failures"])))
    t.add_row("pages to rescan", str(len(s["needs_rescan"])))
    t.add_row("resolution from page size", str(s["pages_resolution_inferred"]))
    t.add_row("pages to review (handwritten fields)", str(len(s["needs_review"])))
    t.add_row("not scans (skipped)", str(len(s["skipped"])))
    h = s["history"]
    t.add_row(
        "history",
        f"{h['paths']} path(s) replaced, moved or deleted; "
        f"{h['files']} file(s), {h['pages']} page(s) kept",
    )
    running = holder(archive)
    if s.get("last_run"):
        run = s["last_run"]
        outcome = run["outcome"]
        if outcome == UNFINISHED:
            outcome = "running" if running else "killed before it could finish (rerun to finish)"
        t.add_row(
            "last run",
            f"#{run['run_id']} {run['command']} at {run['started_at']}: {safe(outcome)}",
        )
    if running:
        t.add_row("running now", running)
    console.print(t)
    for f in s["failures"]:
        where = f" page {f['page_no']}" if f["page_no"] else ""
        console.print(
            f"[red]FAILED[/] {safe(f['path'])}{where}: {safe(f['reason'])}", highlight=False
        )
    for r in s["needs_rescan"]:
        console.print(
            f"[yellow]rescan[/] {safe(r['path'])} page {r['page_no']}: "
            f"{safe('; '.join(r['reasons']))}",
            highlight=False,
        )
    for r in s["needs_review"]:
        fields = "; ".join(
            f"{f['kind']} {f['text'] or '?'} at ({f['left']},{f['top']}"
            f" {f['width']}x{f['height']}):"
            f" {f['reason']}"
            for f in r["fields"]
        )
        console.print(
            f"[cyan]review[/] {safe(r['path'])} page {r['page_no']}: {safe(fields)}",
            highlight=False,
        )
    for e in s.get("file_states", []):
        case = " " + safe(f"[{e['case_id']}]") if e["case_id"] else ""
        console.print(
            f"{e['state']:<10} {safe(e['path'])}{case}: {safe(e['detail'])}",
            highlight=False,
            soft_wrap=True,
        )


def export(
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    json: Annotated[bool, typer.Option("--json", help="JSON Lines (the only format).")] = True,
    words: Annotated[bool, typer.Option(help="Include OCR words with boxes.")] = False,
    case_id: Annotated[str | None, typer.Option("--case", help="Only this case.")] = None,
    documents: Annotated[
        bool,
        typer.Option(
            "--documents",
            help="One record per extracted document (typed dates, parties, numbers) instead.",
        ),
    ] = False,
    what: Annotated[
        str | None,
        typer.Option(
            help="Flat records instead: documents, parties, numbers, amounts or corrections."
        ),
    ] = None,
    csv: Annotated[bool, typer.Option("--csv", help="With --what: CSV, not JSON Lines.")] = False,
) -> None:
    """Print one JSON record per page (JSON Lines) to standard output.

    --documents: one record per document instead; --what: flat records (CSV with --csv).
    """
    if csv and what is None:
        raise fail(
            "--csv goes with --what (documents, parties, numbers, amounts, corrections)",
            ExitCode.USAGE,
        )
    if documents and what is not None:
        raise fail("give --documents or --what, not both", ExitCode.USAGE)
    with archive_errors(archive), _open_catalog(archive) as catalog:
        if what is not None:
            from ingest.office import WHAT, rows, to_csv

            if what not in WHAT:
                raise fail(f"--what must be one of {', '.join(WHAT)}, not {what!r}", ExitCode.USAGE)
            records = rows(catalog, what, case_id)
            if csv:
                sys.stdout.write(to_csv(records))
            else:
                for record in records:
                    print_jsonl(record)
            return
        if documents:
            for doc in catalog.documents(case_id=case_id) if case_id else catalog.documents():
                print_jsonl(doc.model_dump(mode="json"))
            return
        for page in catalog.pages(with_words=words):
            if case_id and case_id not in page.case_ids:
                continue
            print_jsonl(page.model_dump(mode="json", exclude_none=not words))


def register(app: typer.Typer) -> None:
    app.command()(ingest)
    app.command()(status)
    app.command()(export)

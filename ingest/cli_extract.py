"""`hoso extract`: a thin shell over `ingest.extract` and, over an archive, `ingest.reextract`
(`hoso eval` is samplegen/cli_eval.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ingest.catalog import Catalog
from ingest.cli_common import (
    DEFAULT_ARCHIVE,
    ArchiveOpt,
    EsUrlOpt,
    JsonOpt,
    archive_errors,
    console,
    fail,
    print_json,
    safe,
)
from ingest.extract import extract_pages
from schemas import ExtractedFile
from schemas.errors import ExitCode, HosoError


def file_pages(path: Path) -> list[tuple[int, str]]:
    """(page_no, text) of a file: .txt read as is (\\f between pages), scans OCR'd."""
    if path.suffix.lower() == ".txt":
        texts = path.read_text(encoding="utf-8").split("\f")
        return [(i + 1, t) for i, t in enumerate(texts) if t.strip()] or [(1, "")]
    from ingest.discover import sha256_of
    from ingest.load import count_pages, file_kind
    from ingest.page import process_page
    from ingest.tasks import PageTask

    kind = file_kind(str(path))
    sha = sha256_of(str(path))
    pages: list[tuple[int, str]] = []
    for page_no in range(1, count_pages(str(path), kind) + 1):
        result = process_page(PageTask(str(path), sha, page_no, kind, out_pdf=None))
        if result.error:
            console.print(
                f"[yellow]page failed[/] {safe(path)} p{page_no}: {safe(result.error)}",
                highlight=False,
            )
        pages.append((page_no, result.text))
    return pages


def extract(
    files: Annotated[
        list[Path] | None, typer.Argument(help="Scans (PDF/TIFF/JPEG/PNG) or .txt files.")
    ] = None,
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Without FILES: extract every file again, not only the out-of-date."
        ),
    ] = False,
    es_url: EsUrlOpt = None,
    json: JsonOpt = False,
) -> None:
    """Find documents, numbers, dates, issuers, parties and amounts.

    With FILES: print what each file holds (scans are OCR'd first, .txt read as is).

    Without: extract the archive's files again from their stored page text (no OCR), those
    an older extractor read (a new hoso, changed rules), or all with --force. Officers'
    corrections are laid over the new documents; both search indices are updated.
    """
    if not files:
        _extract_archive(archive, es_url, force=force, as_json=json)
        return
    if force:
        raise fail("--force re-extracts an archive; it takes no FILES", ExitCode.USAGE)
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise fail(f"no such file: {', '.join(missing)}")
    results: list[ExtractedFile] = []
    for f in files:
        try:
            docs = extract_pages(file_pages(f))
        except HosoError as exc:
            raise fail(exc) from None
        results.append(ExtractedFile(file=str(f), documents=docs))
    if json:
        print_json(results)
        return
    for r in results:
        console.print(f"[bold]{safe(r.file)}[/]: {len(r.documents)} document(s)", highlight=False)
        for d in r.documents:
            console.print(
                safe(
                    f"  p{d.pages[0]}-{d.pages[-1]} {d.doc_type} {d.own_number or '-'}"
                    f" {d.date or '-'} {d.issuer or '-'}"
                ),
                highlight=False,
            )
            for p in d.parties:
                console.print(safe(f"    {p.role}: {p.name}"), highlight=False)


def _extract_archive(archive: Path, es_url: str | None, *, force: bool, as_json: bool) -> None:
    from ingest.reextract import reextract_archive

    if not (archive / Catalog.FILENAME).exists():
        raise fail(f"no hoso catalog at {archive / Catalog.FILENAME}")
    bar = None if as_json or not console.is_terminal else _FileBar()
    with archive_errors(archive):
        try:
            summary = reextract_archive(
                archive,
                es_url,
                force=force,
                progress=bar.advance if bar else None,
                on_wait=lambda msg: console.print(safe(msg), highlight=False),
            )
        finally:
            if bar is not None:
                bar.stop()
    if as_json:
        print_json(summary.as_dict())
        return
    fixes = summary.corrections
    console.print(
        f"extracted {summary.extracted} of {summary.files} files again ({summary.documents}"
        f" documents; {summary.up_to_date} already up to date, extractor"
        f" {summary.extractor_version}); corrections: {fixes.get('applied', 0)} applied,"
        f" {fixes.get('unmatched', 0)} to review",
        highlight=False,
    )
    for f in summary.failures:
        console.print(f"[yellow]failed[/] {safe(f['path'])}: {safe(f['reason'])}", highlight=False)
    if summary.es_queued:
        console.print(
            f"[yellow]Elasticsearch unreachable:[/] {summary.es_queued} updates queued;"
            " `hoso reindex` sends them",
            highlight=False,
        )


class _FileBar:
    """A files bar on stderr, started at the first file done."""

    def __init__(self) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        self._p = Progress(
            "[bold]extract",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
        )
        self._task: Any = None

    def advance(self, done: int, total: int) -> None:
        if self._task is None:
            self._p.start()
            self._task = self._p.add_task("files", total=total)
        self._p.update(self._task, completed=done)

    def stop(self) -> None:
        self._p.stop()


def register(app: typer.Typer) -> None:
    app.command()(extract)

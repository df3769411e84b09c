"""`hoso extract` and `hoso eval`: thin shells over `ingest.extract` and `ingest.evaluate`."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from ingest.catalog import Catalog
from ingest.cli_common import ArchiveOpt, EsUrlOpt, JsonOpt, console, fail, print_json, safe
from ingest.errors import ExitCode, HosoError
from ingest.evaluate import FIELDS, FieldScore, evaluate, evaluate_ocr, load_labelled
from ingest.extract import extract_pages
from schemas import ExtractedFile


def file_pages(path: Path) -> list[tuple[int, str]]:
    """(page_no, text) of a file: .txt read as is (\\f between pages), scans OCR'd."""
    if path.suffix.lower() == ".txt":
        texts = path.read_text(encoding="utf-8").split("\f")
        return [(i + 1, t) for i, t in enumerate(texts) if t.strip()] or [(1, "")]
    from ingest.discover import sha256_of
    from ingest.load import count_pages, sniff_kind
    from ingest.page import process_page
    from ingest.tasks import PageTask

    kind = sniff_kind(str(path))
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


def reextract_archive(archive: Path, es_url: str | None = None) -> dict[str, Any]:
    """Extract every catalogued file again from its stored page texts (no OCR)."""
    with Catalog(archive) as catalog:
        indexer = None
        try:
            from ingest.index import Indexer
        except ModuleNotFoundError as exc:
            if exc.name != "ingest.index":
                raise
        else:
            indexer = Indexer(catalog, es_url=es_url)
        n_files = n_docs = 0
        for rec in list(catalog.files()):
            pages = catalog.page_texts(rec.sha256)
            if not pages:
                continue
            docs = extract_pages(pages)
            catalog.replace_documents(rec.sha256, docs)
            if indexer is not None:
                indexer.documents_saved(rec.sha256)
            n_files += 1
            n_docs += len(docs)
        if indexer is not None:
            indexer.flush()
    return {"archive": str(archive), "files": n_files, "documents": n_docs}


def extract(
    files: Annotated[
        list[Path] | None, typer.Argument(help="Scans (PDF/TIFF/JPEG/PNG) or .txt files.")
    ] = None,
    archive: ArchiveOpt = Path("hoso-archive"),
    es_url: EsUrlOpt = None,
    json: JsonOpt = False,
) -> None:
    """Find documents, numbers, dates, issuers, parties and amounts.

    With FILES: print what each file holds (scans are OCR'd first, .txt read as is).
    Without: re-extract every file in the archive's catalog from its stored page text.
    """
    if not files:
        if not (archive / Catalog.FILENAME).exists():
            raise fail(f"no hoso catalog at {archive / Catalog.FILENAME}")
        summary = reextract_archive(archive, es_url)
        if json:
            print_json(summary)
        else:
            console.print(
                f"re-extracted {summary['documents']} documents from {summary['files']} files"
            )
        return
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


def eval_cmd(
    folder: Annotated[Path, typer.Argument(help="Folder of ID.txt + ID.json labels.")],
    json: JsonOpt = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "--details", "-v", help="List every miss per document.")
    ] = False,
    ocr: Annotated[
        str | None,
        typer.Option(
            "--ocr",
            help="Render the texts as degraded scans (clean|office|poor) and OCR them first.",
        ),
    ] = None,
    only: Annotated[
        str | None, typer.Option(help="Comma-separated document names (001,008) to score.")
    ] = None,
    ids: Annotated[
        str | None,
        typer.Option(help="Score only documents whose name matches this regular expression."),
    ] = None,
    workers: Annotated[int, typer.Option("--workers", "-j", help="OCR processes.")] = 2,
    keep_ocr: Annotated[
        Path | None,
        typer.Option(
            "--keep-ocr", help="With --ocr: write the OCR'd texts and labels to this folder."
        ),
    ] = None,
    corrections: Annotated[
        bool,
        typer.Option(
            "--corrections",
            help="FOLDER is an archive: score extraction against its officers' corrections.",
        ),
    ] = False,
) -> None:
    """Precision, recall and F1 per field, per document type and per category of extraction
    on a labelled folder (label format: schemas/LABELS.md); with --corrections, accuracy
    against the corrections officers made in an archive."""
    if not folder.is_dir():
        raise fail(f"no such folder: {folder}")
    if corrections:
        from ingest.cli_review import print_correction_scores

        print_correction_scores(folder, as_json=json)
        return
    try:
        items = load_labelled(folder, ids)
    except re.error as exc:
        raise fail(f"--ids is not a regular expression: {exc}", ExitCode.USAGE) from None
    except ValueError as exc:
        raise fail(
            f"a label file in {folder} is not valid JSON: {exc}", ExitCode.BAD_INPUT
        ) from None
    if only:
        wanted = {n.strip() for n in only.split(",")}
        items = [i for i in items if i.name in wanted]
    if ocr is not None:
        if ocr not in ("clean", "office", "poor"):
            raise fail(f"--ocr must be clean, office or poor, not {ocr!r}", ExitCode.USAGE)
        with tempfile.TemporaryDirectory(prefix="hoso-eval-") as tmp:
            report = evaluate_ocr(items, Path(tmp), quality=ocr, workers=workers, keep=keep_ocr)
    else:
        report = evaluate(items)
    if report.n_docs == 0:
        raise fail(f"no labelled documents (ID.txt + ID.json) in {folder}", ExitCode.BAD_INPUT)
    if json:
        print_json(report.as_dict(details=verbose))
        return
    source = f"{ocr} scans, OCR'd" if ocr else "text"
    table = Table(title=f"extraction on {report.n_docs} labelled documents ({source})")
    for col in ("field", "precision", "recall", "F1", "tp", "fp", "fn"):
        table.add_column(col, justify="left" if col == "field" else "right")
    for name in FIELDS:
        s = report.fields[name]
        if not s.n:
            continue
        table.add_row(
            name,
            f"{s.precision:.3f}",
            f"{s.recall:.3f}",
            f"{s.f1:.3f}",
            str(s.tp),
            str(s.fp),
            str(s.fn),
        )
    typer.echo(_render(table))
    for title, groups, counts in (
        ("document type", report.by_type, report.docs_by_type),
        ("category", report.by_category, report.docs_by_category),
    ):
        if len(groups) > 1:
            typer.echo(_render(_group_table(title, groups, counts)))
    if verbose:
        for e in report.errors:
            typer.echo(f"{e['doc']} {e['field']}: missing {e['missing']} extra {e['extra']}")


def _group_table(
    title: str, groups: dict[str, dict[str, FieldScore]], counts: dict[str, int]
) -> Table:
    """F1 of each scored field per group (blank where the group has nothing to score)."""
    shown = [f for f in FIELDS if any(g[f].n for g in groups.values())]
    table = Table(title=f"F1 per {title}")
    table.add_column(title, no_wrap=True)
    table.add_column("docs", justify="right")
    for f in shown:
        table.add_column(f.replace("_", " "), justify="right")
    for name, scores in sorted(groups.items()):
        cells = [f"{scores[f].f1:.2f}" if scores[f].n else "" for f in shown]
        table.add_row(name, str(counts[name]), *cells)
    return table


def _render(table: Table) -> str:
    from rich.console import Console

    c = Console(width=160, record=True)
    with c.capture() as cap:
        c.print(table)
    return cap.get()


def register(app: typer.Typer) -> None:
    app.command()(extract)
    app.command(name="eval")(eval_cmd)

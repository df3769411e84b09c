"""`hoso extract`: a thin shell over `ingest.extract` (`hoso eval` is samplegen/cli_eval.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ingest.catalog import Catalog
from ingest.cli_common import ArchiveOpt, EsUrlOpt, JsonOpt, console, fail, print_json, safe
from ingest.errors import HosoError
from ingest.extract import extract_pages
from schemas import ExtractedFile


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


def register(app: typer.Typer) -> None:
    app.command()(extract)

"""`hoso search` and `hoso reindex`: thin shells over `search.engine` and `ingest.index`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ingest.catalog import Catalog
from ingest.cli_common import (
    ArchiveOpt,
    EsUrlOpt,
    JsonOpt,
    archive_errors,
    console,
    fail,
    print_json,
    safe,
)
from schemas import SearchQuery, SearchResult
from schemas.errors import ExitCode, IndexBehind
from schemas.vocab import DOC_TYPES, ROLES

_YEARS = re.compile(r"^\s*(\d{4})?\s*(?:\.\.|-)?\s*(\d{4})?\s*$")


def parse_years(spec: str | None) -> tuple[int | None, int | None]:
    """ "2019..2021" → (2019, 2021); "2019" → (2019, 2019); "2019.." / "..2021" open ends."""
    if not spec:
        return None, None
    m = _YEARS.match(spec)
    if not m or not (m.group(1) or m.group(2)):
        raise typer.BadParameter(f"year range must look like 2019..2021, not {spec!r}")
    lo = int(m.group(1)) if m.group(1) else None
    hi = int(m.group(2)) if m.group(2) else None
    if ".." not in spec and "-" not in spec:
        hi = lo
    return lo, hi


def ensure_index(archive: Path, es_url: str | None = None) -> None:
    """Refuse to search an index that lacks pages of the catalog (an Elasticsearch index
    lost, or switched on after pages were catalogued), naming the command that fills it;
    the archive's SQLite index is built here when there is none yet."""
    from ingest.index import behind_message, index_gap, open_es, open_sqlite_index, reindex

    if not (archive / Catalog.FILENAME).exists():
        if es_url:
            return  # an Elasticsearch index searched without its archive: nothing to compare
        raise fail(f"no hoso catalog in {archive} (run `hoso ingest` first)", ExitCode.BAD_INPUT)
    with archive_errors(archive, "index"):
        backend = open_es(es_url) if es_url else open_sqlite_index(archive)
    try:
        with archive_errors(archive, "catalog"), Catalog(archive, readonly=True) as catalog:
            gap = index_gap(catalog, backend)
        if gap and not es_url and backend.count() == 0:
            console.print("building the search index from the catalog…")
            with archive_errors(archive, "catalog"), Catalog(archive) as catalog:
                reindex(catalog, backend)
        elif gap:
            raise IndexBehind(behind_message(gap, archive, es_url))
    finally:
        backend.close()


def run_search(archive: Path, es_url: str | None, query: SearchQuery) -> SearchResult:
    from search.engine import open_engine

    ensure_index(archive, es_url)
    with archive_errors(archive, "index"), open_engine(archive, es_url) as engine:
        return engine.search(query)


def _print_table(result: SearchResult) -> None:
    if not result.cases:
        console.print(f"no match for {safe(repr(result.query.q))} ({result.backend})")
        return
    table = Table(title=f"{result.total_cases} case(s) · {result.backend} · {result.took_ms} ms")
    for col in ("case", "document", "page", "party", "score", "snippet"):
        table.add_column(col, overflow="fold")
    for group in result.cases:
        for i, hit in enumerate(group.hits):
            doc = " ".join(x for x in (hit.doc_type, hit.own_number, hit.doc_date) if x)
            party = (
                f"{hit.matched_party.name} ({hit.matched_party.role})" if hit.matched_party else ""
            )
            snippet = safe(hit.snippet).replace("&lt;mark&gt;", "[bold yellow]")
            snippet = re.sub(
                r"</?mark>", lambda m: "[/]" if "/" in m.group(0) else "[bold yellow]", snippet
            )
            table.add_row(
                safe(group.case_id) if i == 0 else "",
                safe(doc),
                safe(f"{hit.source_path or hit.sha256[:12]} p.{hit.page_no}"),
                safe(party),
                f"{hit.score:.1f}",
                snippet,
            )
    from rich.console import Console

    Console().print(table)


def register(app: typer.Typer) -> None:
    @app.command()
    def search(
        q: Annotated[str, typer.Argument(help="A name, a document number, or words of the text.")],
        archive: ArchiveOpt = Path("hoso-archive"),
        es_url: EsUrlOpt = None,
        role: Annotated[str | None, typer.Option(help=f"Party role: {', '.join(ROLES)}")] = None,
        doc_type: Annotated[
            str | None, typer.Option(help=f"Document type: {', '.join(DOC_TYPES)}")
        ] = None,
        issuer: Annotated[str | None, typer.Option(help="Issuing court or agency (words).")] = None,
        year: Annotated[str | None, typer.Option(help="Document year or range: 2019..2021")] = None,
        case_id: Annotated[str | None, typer.Option("--case", help="Only this case id.")] = None,
        page: Annotated[int, typer.Option(min=1, help="Page of case groups.")] = 1,
        per_page: Annotated[int, typer.Option(min=1, max=100, help="Cases per page.")] = 10,
        json_out: JsonOpt = False,
    ) -> None:
        """Search case files by party name, document number or text; best case first."""
        if role and role not in ROLES:
            raise fail(f"unknown role {role!r}; one of: {', '.join(ROLES)}", ExitCode.USAGE)
        if doc_type and doc_type not in DOC_TYPES:
            raise fail(
                f"unknown document type {doc_type!r}; one of: {', '.join(DOC_TYPES)}",
                ExitCode.USAGE,
            )
        year_from, year_to = parse_years(year)
        query = SearchQuery(
            q=q,
            role=role,  # type: ignore[arg-type]
            doc_type=doc_type,  # type: ignore[arg-type]
            issuer=issuer,
            year_from=year_from,
            year_to=year_to,
            case_id=case_id,
            page=page,
            per_page=per_page,
        )
        result = run_search(archive, es_url, query)
        if json_out:
            print_json(result)
        else:
            _print_table(result)

    @app.command()
    def reindex(
        archive: ArchiveOpt = Path("hoso-archive"),
        es_url: EsUrlOpt = None,
        pending: Annotated[
            bool,
            typer.Option(
                "--pending",
                help="Only send the work queued while Elasticsearch was unreachable.",
            ),
        ] = False,
        json_out: JsonOpt = False,
    ) -> None:
        """Rebuild the search index from the catalog (no OCR) and swap it in atomically:
        the archive's SQLite index, or with --es-url a new Elasticsearch index behind the
        alias. Searches keep working throughout."""
        from ingest.index import ES_QUEUE, open_es, open_sqlite_index, sync
        from ingest.index import reindex as do_reindex

        if not (archive / Catalog.FILENAME).exists():
            raise fail(f"no hoso catalog in {archive}", ExitCode.BAD_INPUT)
        import time

        t0 = time.perf_counter()
        with archive_errors(archive, "index"):
            backend = (
                open_es(es_url) if es_url else open_sqlite_index(archive, discard_damaged=True)
            )
        try:
            with archive_errors(archive, "catalog"), Catalog(archive) as catalog:
                if pending and es_url:
                    n = sync(catalog, backend, queue=ES_QUEUE)
                else:
                    n = do_reindex(catalog, backend)
        finally:
            backend.close()
        secs = time.perf_counter() - t0
        what = "queued items" if pending and es_url else "pages"
        summary = {"backend": backend.name, what.replace(" ", "_"): n, "seconds": round(secs, 2)}
        if json_out:
            print_json(summary)
        else:
            console.print(f"reindexed {n} {what} into {backend.name} in {secs:.1f} s")

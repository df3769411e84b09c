"""`hoso stats`: the office's yearly figures (JSON, CSV or a table). A thin shell over
`ingest.office`; the structured exports are `hoso export --what …` (cli_ingest)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ingest.cli_common import DEFAULT_ARCHIVE, ArchiveOpt, JsonOpt, archive_errors, fail, print_json

CsvOpt = Annotated[bool, typer.Option("--csv", help="CSV with a header row.")]


def stats(
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    year: Annotated[int | None, typer.Option(help="Only documents dated in this year.")] = None,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """Cases, documents by type, by agency and year, and the count and amount of
    enforcement and "chưa có điều kiện" decisions."""
    from ingest.catalog import Catalog
    from ingest.office import statistics, statistics_rows, to_csv

    if not (archive / Catalog.FILENAME).exists():
        raise fail(f"no hoso catalog in {archive} (run `hoso ingest` first)")
    with archive_errors(archive), Catalog(archive) as cat:
        figures = statistics(cat, year)
    if as_json:
        print_json(figures)
    elif as_csv:
        sys.stdout.write(to_csv(statistics_rows(figures)))
    else:
        typer.echo(f"cases\t{figures['cases']}\ndocuments\t{figures['documents']}")
        for t, n in figures["documents_by_type"].items():
            typer.echo(f"  {t}\t{n}")
        for kind, t in figures["decisions"].items():
            amount = f"{t['amount_vnd']:,}".replace(",", ".")
            typer.echo(f"{kind}\t{t['count']} việc\t{amount} đồng")


def register(app: typer.Typer) -> None:
    app.command("stats")(stats)

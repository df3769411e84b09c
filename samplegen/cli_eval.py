"""`hoso eval`: a thin shell over `samplegen.evaluate` (score extraction on labelled texts,
as text or rendered as degraded scans and OCR'd)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ingest.cli_common import JsonOpt, fail, print_json
from samplegen.evaluate import FIELDS, FieldScore, evaluate, evaluate_ocr, load_labelled
from schemas.errors import ExitCode


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
    app.command(name="eval")(eval_cmd)

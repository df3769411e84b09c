"""`hoso review …` and `hoso corrections …`: the review queue and corrections from the shell.

`review list` shows what an officer should look at (filters: kind, case, agency, age) and
`review count` how much is open; `review done KEY` closes an item. `corrections add`
corrects a document field, a party or a line of page text; `corrections list` is their
audit (who, when, before, after, still applied or not); `corrections export/import` move
them between archives as JSON Lines. Thin shells over `ingest.review`.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ingest.cli_common import (
    DEFAULT_ARCHIVE,
    ArchiveOpt,
    EsUrlOpt,
    JsonOpt,
    archive_errors,
    fail,
    print_json,
    printable,
)
from ingest.corrections import CorrectionError
from schemas.errors import ExitCode
from schemas.review import REVIEW_KINDS, Correction
from schemas.vocab import ROLES

if TYPE_CHECKING:
    from ingest.catalog import Catalog

review_app = typer.Typer(help="The review queue: what an officer should check and correct.")
corrections_app = typer.Typer(help="Officers' corrections: add, list (audit), export, import.")

KindOpt = Annotated[
    str | None, typer.Option("--kind", help=f"Only this kind: {', '.join(REVIEW_KINDS)}.")
]
CaseOpt = Annotated[str | None, typer.Option("--case", help="Only this case id.")]
AgencyOpt = Annotated[
    str | None, typer.Option("--agency", help="Only documents of this issuer (part of its name).")
]
AgeOpt = Annotated[
    float | None, typer.Option("--older-than", help="Only items at least this many days old.")
]
WhoOpt = Annotated[str, typer.Option("--who", help="Who makes it (default: your login name).")]


def _catalog(archive: Path) -> Catalog:
    from ingest.catalog import Catalog
    from ingest.review import ensure_tables

    if not (archive / Catalog.FILENAME).exists():
        raise fail(f"no hoso catalog in {archive} (run `hoso ingest` first)")
    cat = Catalog(archive)
    ensure_tables(cat.db)
    return cat


def _when(at: float) -> str:
    return dt.datetime.fromtimestamp(at).isoformat(timespec="seconds")


@review_app.command("list")
def review_list(
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    kind: KindOpt = None,
    case: CaseOpt = None,
    agency: AgencyOpt = None,
    older_than: AgeOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List the open review items, oldest first."""
    from ingest.review import counts, review_items

    with archive_errors(archive), _catalog(archive) as cat:
        try:
            items = review_items(
                cat, kind=kind, case_id=case, agency=agency, older_than_days=older_than
            )
        except CorrectionError as exc:  # an unknown --kind
            raise fail(str(exc), ExitCode.USAGE) from None
    if as_json:
        print_json({"open": len(items), "by_kind": counts(items), "items": items})
        return
    for i in items:
        fields = (_when(i.since), i.kind, i.case_id or "-", i.key, i.what, i.why)
        typer.echo("\t".join(printable(f) for f in fields))
    typer.echo(f"{len(items)} open", err=True)


@review_app.command("count")
def review_count(
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    case: CaseOpt = None,
    agency: AgencyOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """How many review items are open, by kind."""
    from ingest.review import counts, review_items

    with archive_errors(archive), _catalog(archive) as cat:
        items = review_items(cat, case_id=case, agency=agency)
    by_kind = counts(items)
    if as_json:
        print_json({"open": len(items), "by_kind": by_kind})
        return
    for k, n in by_kind.items():
        typer.echo(f"{k}\t{n}")
    typer.echo(f"open\t{len(items)}")


@review_app.command("done")
def review_done(
    keys: Annotated[list[str], typer.Argument(help="Item keys (from `hoso review list`).")],
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    who: WhoOpt = "",
) -> None:
    """Close review items: checked, nothing to correct."""
    from ingest.review import mark_done

    with archive_errors(archive), _catalog(archive) as cat:
        mark_done(cat, keys, who or getpass.getuser())


def _party_value(
    name: str | None, role: str | None, represents: list[str] | None
) -> dict[str, Any]:
    out: dict[str, Any] = {"name": (name or "").strip(), "role": role}
    if represents:
        out["represents"] = represents
    return out


@corrections_app.command("add")
def corrections_add(
    target: Annotated[
        str,
        typer.Argument(help="A document id <sha256>:<first page>, or <sha256>:<page> for --line."),
    ],
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    es_url: EsUrlOpt = None,
    field: Annotated[
        str | None, typer.Option(help="Document field: own_number, date, doc_type or issuer.")
    ] = None,
    value: Annotated[
        str | None, typer.Option(help="The field's correct value ('' clears it).")
    ] = None,
    party: Annotated[str | None, typer.Option(help="Edit this party (its name as shown).")] = None,
    add_party: Annotated[bool, typer.Option("--add-party", help="Add a party.")] = False,
    remove: Annotated[bool, typer.Option(help="Remove --party from the document.")] = False,
    name: Annotated[str | None, typer.Option(help="The party's correct name.")] = None,
    role: Annotated[
        str | None,
        typer.Option(help="The party's correct role (needed with --add-party; kept if not given)."),
    ] = None,
    represents: Annotated[
        list[str] | None, typer.Option(help="Names this representative acts for.")
    ] = None,
    line: Annotated[
        int | None, typer.Option(help="Correct this line of the page (from 1).")
    ] = None,
    text: Annotated[str | None, typer.Option(help="The line's correct text.")] = None,
    boundaries: Annotated[
        str | None,
        typer.Option(help="The first page of every document of the file, e.g. 1,3,4."),
    ] = None,
    who: WhoOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Correct a document field, a party or a line of page text; applied at once."""
    from ingest.review import correct

    sha, _, page = target.rpartition(":")
    if not page.isdigit() or len(sha) != 64:
        raise fail(
            "name the document as <sha256>:<first page> (see `hoso review list`)", ExitCode.USAGE
        )
    base: dict[str, Any] = {"sha256": sha, "page_no": int(page), "who": who or getpass.getuser()}
    c: dict[str, Any]
    if boundaries is not None:
        try:
            firsts = [int(x) for x in boundaries.replace(" ", "").split(",") if x]
        except ValueError:
            raise fail(
                "--boundaries takes page numbers separated by commas: 1,3,4", ExitCode.USAGE
            ) from None
        c = dict(target="file", field="boundaries", after=firsts)
    elif line is not None:
        c = dict(target="line", field="text", locator={"line": line - 1}, after=text or "")
    elif field is not None:
        c = dict(target="document", field=field, after=value if value != "" else None)
    elif add_party:
        if role is None:
            raise fail(f"--add-party needs --role (one of {', '.join(ROLES)})", ExitCode.USAGE)
        c = dict(target="party", field="add", after=_party_value(name, role, represents))
    elif party is not None:
        if remove:
            c = dict(target="party", field="remove", locator={"name": party})
        else:
            c = dict(
                target="party",
                field="edit",
                locator={"name": party},
                after=_party_value(name or party, role, represents),
            )
    else:
        raise fail(
            "say what to correct: --field, --party, --add-party, --line or --boundaries",
            ExitCode.USAGE,
        )
    with archive_errors(archive), _catalog(archive) as cat:
        try:
            stored = correct(cat, Correction(**base, **c), es_url=es_url)
        except CorrectionError as exc:
            raise fail(str(exc)) from None
    if as_json:
        print_json(stored)
    else:
        typer.echo(f"{stored.status}: {stored.target}.{stored.field} {stored.uid}")


@corrections_app.command("list")
def corrections_list(
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    status: Annotated[
        str | None, typer.Option(help="Only 'applied' or 'unmatched' corrections.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """The corrections made, newest first: who, when, what, before and after."""
    from ingest import corrections

    with archive_errors(archive), _catalog(archive) as cat:
        found = list(reversed(corrections.load(cat.db, status=status)))
    if as_json:
        print_json(found)
        return
    for c in found:
        before = json.dumps(c.before, ensure_ascii=False)
        after = json.dumps(c.after, ensure_ascii=False)
        fields = (_when(c.at), c.who, c.status, c.doc_id, f"{c.target}.{c.field}", before, after)
        typer.echo("\t".join(printable(f) for f in fields))


@corrections_app.command("export")
def corrections_export(
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    out: Annotated[Path | None, typer.Option(help="Write here (default: standard output).")] = None,
) -> None:
    """Every correction as JSON Lines (to share with another office or keep)."""
    from ingest.review import export_lines

    with archive_errors(archive), _catalog(archive) as cat:
        lines = list(export_lines(cat))
    body = "".join(line + "\n" for line in lines)
    if out is None:
        sys.stdout.write(body)
    else:
        out.write_text(body, encoding="utf-8")


@corrections_app.command("import")
def corrections_import(
    file: Annotated[Path, typer.Argument(help="A `hoso corrections export` file ('-': stdin).")],
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    es_url: EsUrlOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add the corrections of an export to this archive and apply them."""
    from ingest.review import import_lines

    if str(file) == "-":
        lines = sys.stdin.read().splitlines()
    elif not file.is_file():
        raise fail(f"no such file: {file}")
    else:
        try:
            lines = file.read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError:
            raise fail(f"{file} is not a UTF-8 text file") from None
    with archive_errors(archive), _catalog(archive) as cat:
        try:
            summary = import_lines(cat, lines, es_url=es_url)
        except CorrectionError as exc:
            raise fail(str(exc)) from None
    if as_json:
        print_json(summary)
    else:
        typer.echo(
            f"{summary['added']} added, {summary['skipped']} already here,"
            f" {summary['unmatched']} do not match this archive (see `hoso review list"
            " --kind unmatched`)"
        )


def print_correction_scores(archive: Path, *, as_json: bool) -> None:
    """`hoso eval ARCHIVE --corrections`: extraction scored against the corrections."""
    from ingest.review_eval import score_corrections

    with archive_errors(archive), _catalog(archive) as cat:
        report = score_corrections(cat)
    if report["labels"] == 0:
        raise fail(f"no corrections in {archive} to score extraction against")
    if as_json:
        print_json(report)
        return
    typer.echo(f"extraction against {report['labels']} corrections in {report['files']} files")
    typer.echo("field\tlabels\tright\taccuracy")
    for name, s in report["fields"].items():
        if s["n"]:
            typer.echo(f"{name}\t{s['n']}\t{s['right']}\t{s['accuracy']:.3f}")


def register(app: typer.Typer) -> None:
    app.add_typer(review_app, name="review")
    app.add_typer(corrections_app, name="corrections")

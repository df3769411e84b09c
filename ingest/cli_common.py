"""Options and output helpers shared by every `hoso` command (one place for each)."""

from __future__ import annotations

import functools
import json
import os
import re
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.markup import escape

from ingest.failures import Database, explain
from schemas.errors import ExitCode, HosoError, UsageError
from schemas.settings import Settings, settings

DEFAULT_ARCHIVE = Settings.model_fields["archive"].default

ArchiveOpt = Annotated[
    Path,
    typer.Option(
        "--archive",
        "-a",
        envvar=Settings.env_name("archive"),
        help="Archive folder holding the catalog (catalog.sqlite) and derived files.",
        show_default=True,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
EsUrlOpt = Annotated[
    str | None,
    typer.Option(
        "--es-url",
        envvar=Settings.env_name("es_url"),
        help="Elasticsearch URL (e.g. http://localhost:9200); default: the SQLite index.",
    ),
]

console = Console(stderr=True)
P = ParamSpec("P")
R = TypeVar("R")


def to_jsonable(obj: Any) -> Any:
    if isinstance(obj, BaseModel):
        return obj.model_dump(mode="json")
    if isinstance(obj, list | tuple):
        return [to_jsonable(o) for o in obj]
    if isinstance(obj, dict):
        return {k: to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, Path):
        return str(obj)
    return obj


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(to_jsonable(obj), ensure_ascii=False, indent=2) + "\n")


def print_jsonl(obj: Any) -> None:
    sys.stdout.write(json.dumps(to_jsonable(obj), ensure_ascii=False) + "\n")


# C0 and C1 controls (newline, ESC of terminal sequences…), DEL, and the Unicode line
# separators and direction overrides that can make one name look like another line.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: object) -> str:
    """`text` (a file name, or a reason that quotes one) with its control characters shown
    escaped (\\n, \\x1b…): no name can forge a line of a report or drive the terminal."""
    return _UNSAFE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), str(text))


def safe(text: object) -> str:
    """`printable(text)` with Rich markup escaped too: for everything printed through Rich.
    `--json` output needs neither."""
    return escape(printable(text))


def fail(exc: HosoError | str, code: ExitCode | None = None) -> HosoError:
    """The failure to raise for `exc`: itself, or for a sentence the named failure of `code`
    (`UsageError` for bad arguments, else bad input). `handled` prints it."""
    if isinstance(exc, HosoError):
        return exc
    return UsageError(exc) if code == ExitCode.USAGE else HosoError(exc)


def handled(command: Callable[P, R]) -> Callable[P, R]:
    """`command` with its failures answered the one way (`report_unexpected`): a named
    failure prints its sentence and ends `hoso` with its exit code. `hoso.cli.build_app`
    wraps every verb in it; an error of any other kind reaches `hoso.cli.main`, which gives
    it to `report_unexpected` too."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except HosoError as exc:
            raise typer.Exit(report_unexpected(exc)) from None

    return run


@contextmanager
def archive_errors(archive: Path, what: Database = "catalog") -> Iterator[None]:
    """A command's body: a disk full, a folder it may not write or a damaged database of
    `archive` ends the command with one sentence and its exit code (`ingest.failures`)."""
    try:
        yield
    except (typer.Exit, HosoError):
        raise
    except Exception as exc:
        named = explain(exc, archive, what)
        if named is None:
            raise
        raise named from None


def report_unexpected(exc: BaseException) -> int:
    """How `hoso` answers a failure, the one place: a named failure (`HosoError`) is its
    sentence; anything else is a bug, one sentence on the terminal and the traceback in a
    file (HOSO_TRACEBACK=1 prints it instead). Returns the exit code."""
    if isinstance(exc, HosoError):
        console.print(f"[bold red]error:[/] {safe(exc)}", highlight=False, soft_wrap=True)
        return int(exc.exit_code)
    details = "".join(traceback.format_exception(exc))
    if settings().traceback:
        sys.stderr.write(details)
        where = "above"
    else:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        path = Path(tempfile.gettempdir()) / f"hoso-error-{stamp}-{os.getpid()}.txt"
        try:
            path.write_text(f"hoso {' '.join(sys.argv[1:])}\n{details}", encoding="utf-8")
            where = f"in {path}"
        except OSError:
            where = "nowhere (it could not be saved: run with HOSO_TRACEBACK=1 to see it)"
    what = safe(f"{type(exc).__name__}: {exc}".splitlines()[0] if str(exc) else type(exc).__name__)
    console.print(
        f"[bold red]error:[/] hoso stopped on an unexpected error ({what}); this is a bug, "
        f"please report it with the details {where}",
        highlight=False,
        soft_wrap=True,  # a path the user copies is never cut
    )
    return int(ExitCode.INTERNAL)

"""Options and output helpers shared by every `hoso` command (one place for each)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import BaseModel
from rich.console import Console

from ingest.errors import ExitCode, HosoError

DEFAULT_ARCHIVE = Path("hoso-archive")

ArchiveOpt = Annotated[
    Path,
    typer.Option(
        "--archive",
        "-a",
        envvar="HOSO_ARCHIVE",
        help="Archive folder holding the catalog (catalog.sqlite) and derived files.",
        show_default=True,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
EsUrlOpt = Annotated[
    str | None,
    typer.Option(
        "--es-url",
        envvar="HOSO_ES_URL",
        help="Elasticsearch URL (e.g. http://localhost:9200); default: the SQLite index.",
    ),
]

console = Console(stderr=True)


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


def fail(exc: HosoError | str, code: ExitCode | None = None) -> typer.Exit:
    """Print one clear line and return the Exit to raise."""
    msg = str(exc)
    console.print(f"[bold red]error:[/] {msg}", highlight=False)
    if code is None:
        code = exc.exit_code if isinstance(exc, HosoError) else ExitCode.BAD_INPUT
    return typer.Exit(int(code))

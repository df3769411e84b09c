"""`hoso`: the command line. A thin shell: every verb calls a library function.

Each group of verbs lives in its own module (`cli_ingest`, `cli_extract`, `cli_search`,
`cli_serve`…) exposing `register(app)`.
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="hoso",
    help=(
        "hoso digitises the paper case files (hồ sơ) of Vietnamese civil-judgment-enforcement "
        "offices: OCR of scanned folders, extraction of numbers, dates and parties, and search."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_COMMAND_MODULES = ["cli_ingest", "cli_extract", "cli_search", "cli_serve", "cli_samples"]


def _register() -> None:
    for name in _COMMAND_MODULES:
        try:
            module = importlib.import_module(f"ingest.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"ingest.{name}":
                raise
            continue
        module.register(app)


_register()


def main() -> None:
    app()

"""`hoso`: the command line. A thin shell: every verb calls a library function.

Each group of verbs lives in its own module (`cli_ingest`, `cli_extract`, `cli_search`,
`cli_serve`…) exposing `register(app)`. `main` imports only the module of the verb it is
asked for (importing all of them, web server included, cost ~0.8 s of CPU on every `hoso
ingest`); `hoso.cli.app` is the whole command line, built on first use.
"""

from __future__ import annotations

import importlib
import inspect
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported by `build_app`: `hoso ingest` starts its page workers' fork
    import typer  # server before it (`main`)

_HELP = (
    "hoso digitises the paper case files (hồ sơ) of Vietnamese civil-judgment-enforcement "
    "offices: OCR of scanned folders, extraction of numbers, dates and parties, and search."
)

_COMMAND_MODULES = [
    "ingest.cli_ingest",
    "ingest.cli_extract",
    "ingest.cli_search",
    "search.web.cli_serve",
    "samplegen.cli_samples",
    "samplegen.cli_eval",
    "ingest.cli_review",
    "ingest.cli_office",
    "ingest.cli_watch",
]
# Verb → the module that registers it (one place; `test_cli_verbs_map_to_their_modules`
# checks it against the modules' own registrations).
COMMANDS = {
    "ingest": "ingest.cli_ingest",
    "status": "ingest.cli_ingest",
    "export": "ingest.cli_ingest",
    "extract": "ingest.cli_extract",
    "eval": "samplegen.cli_eval",
    "search": "ingest.cli_search",
    "reindex": "ingest.cli_search",
    "serve": "search.web.cli_serve",
    "audit": "search.web.cli_serve",
    "withheld": "search.web.cli_serve",
    "user": "search.web.cli_serve",
    "make-samples": "samplegen.cli_samples",
    "review": "ingest.cli_review",
    "corrections": "ingest.cli_review",
    "stats": "ingest.cli_office",
    "watch": "ingest.cli_watch",
}


def build_app(modules: Sequence[str] = _COMMAND_MODULES) -> typer.Typer:
    """A `hoso` command line with the verbs of `modules` (default: all of them)."""
    import typer

    app = typer.Typer(
        name="hoso",
        help=_HELP,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )

    @app.callback()
    def _root() -> None:
        # A group even when one module registers a single verb: `hoso make-samples DIR`
        # must not turn into `hoso DIR`.
        pass

    for name in modules:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(app)
    _flow_help(app)
    _answer_failures(app)
    return app


def _answer_failures(app: typer.Typer) -> None:
    """Every verb's named failures answered in one place (`ingest.cli_common.handled`)."""
    from ingest.cli_common import handled

    for command in app.registered_commands:
        if command.callback is not None and not hasattr(command.callback, "__wrapped__"):
            command.callback = handled(command.callback)
    for group in app.registered_groups:
        if group.typer_instance is not None:
            _answer_failures(group.typer_instance)


def _flowed(doc: str) -> str:
    """A docstring with the line breaks inside its paragraphs removed: Typer's rich help
    keeps them, which breaks lines mid-sentence on a terminal of another width."""
    paragraphs = inspect.cleandoc(doc).split("\n\n")
    return "\n\n".join(" ".join(line.strip() for line in p.splitlines()) for p in paragraphs)


def _flow_help(app: typer.Typer) -> None:
    for command in app.registered_commands:
        doc = command.help or (command.callback.__doc__ if command.callback else None)
        if doc:
            command.help = _flowed(doc)
    for group in app.registered_groups:
        if group.typer_instance is not None:
            _flow_help(group.typer_instance)


_full_app: typer.Typer | None = None


def __getattr__(name: str) -> Any:
    global _full_app
    if name == "app":
        if _full_app is None:
            _full_app = build_app()
        return _full_app
    raise AttributeError(f"module 'hoso.cli' has no attribute {name!r}")


def main() -> None:
    verb = next((a for a in sys.argv[1:] if not a.startswith("-")), None)
    module = COMMANDS.get(verb or "")
    server = verb == "ingest" and not any(
        a.startswith(("--dask", "--help", "-h")) for a in sys.argv
    )
    if server:
        # The page workers' fork server imports the page step while this process imports
        # the command line and plans (`ingest.executor.start_server`).
        from ingest.executor import start_server

        start_server()
    try:
        build_app([module] if module else _COMMAND_MODULES)()
    except SystemExit as done:
        if server:
            from ingest.executor import stop_server

            stop_server()
        if verb == "ingest":
            _leave(done.code)
        raise
    except Exception as exc:  # never a traceback: one sentence, the details in a file
        from ingest.cli_common import report_unexpected

        sys.exit(report_unexpected(exc))


def _leave(code: object) -> None:
    """End the process now that the command is over, without the interpreter's teardown
    (freeing every module and object: ~0.1 s of a one-page `hoso ingest`, measured in the
    commit that added this). The command has committed and closed its catalog and index;
    the exit handlers still run (multiprocessing's, logging's) and the output is flushed.
    Returns (the caller exits the usual way) while another thread is still at work, or
    for an exit with a message."""
    import atexit
    import contextlib
    import os
    import threading

    if not (code is None or isinstance(code, int)):
        return
    main_thread = threading.main_thread()
    if any(t is not main_thread and not t.daemon for t in threading.enumerate()):
        return
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more to say
            stream.flush()
    os._exit(code or 0)

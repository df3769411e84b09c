"""`hoso watch DIR… --archive A`: ingest scans as a scanning station drops them (ingest/watch.py).

Runs until SIGTERM or Ctrl-C, which end it after the ingest in progress with exit code 143
or 130 (systemd-friendly: see docs/hoso-watch.service)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ingest.cli_common import DEFAULT_ARCHIVE, ArchiveOpt, EsUrlOpt, console, fail, safe
from schemas.errors import ExitCode, Terminated


def watch(
    folders: Annotated[list[Path], typer.Argument(help="Folders to watch (cases below them).")],
    archive: ArchiveOpt = DEFAULT_ARCHIVE,
    es_url: EsUrlOpt = None,
    settle: Annotated[
        float, typer.Option(help="Seconds a file must stay unchanged before it is read.", min=0.2)
    ] = 2.0,
    workers: Annotated[int | None, typer.Option(help="OCR processes.", min=1)] = None,
) -> None:
    """Watch folders and ingest every scan once it is complete (stable size, parses to its
    end); files that arrived while the watcher was down are taken when it starts."""
    from ingest.cli_ingest import sigterm_interrupts
    from ingest.pipeline import IngestOptions
    from ingest.watch import Watcher

    missing = [str(f) for f in folders if not f.is_dir()]
    if missing:
        raise fail(f"not a folder: {', '.join(missing)}")
    roots = [f.resolve() for f in folders]

    def told(paths: list[str], summary: object) -> None:
        pages = getattr(summary, "pages_done", 0)
        console.print(f"ingested {len(paths)} file(s), {pages} new page(s)", highlight=False)
        for p in paths:
            console.print(f"  {safe(p)}", highlight=False)

    watcher = Watcher(
        roots,
        archive,
        IngestOptions(workers=workers, es_url=es_url),
        settle_s=settle,
        on_ingest=told,
    )
    console.print(f"watching {', '.join(safe(r) for r in roots)} → {safe(archive)}")
    try:
        with sigterm_interrupts():
            watcher.run()
    except (KeyboardInterrupt, Terminated) as exc:
        by = "SIGTERM" if isinstance(exc, Terminated) else "Ctrl-C"
        console.print(f"stopped by {by}; what was catalogued is kept", highlight=False)
        code = ExitCode.TERMINATED if isinstance(exc, Terminated) else ExitCode.INTERRUPTED
        raise typer.Exit(int(code)) from None


def register(app: typer.Typer) -> None:
    app.command("watch")(watch)

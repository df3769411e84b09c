"""`hoso make-samples`: write the synthetic THADS sample archive (see `samplegen`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ingest.cli_common import JsonOpt, console, fail, print_json
from schemas.errors import ExitCode


def register(app: typer.Typer) -> None:
    @app.command("make-samples")
    def make_samples(
        out_dir: Annotated[Path, typer.Argument(help="Folder to write the archive into.")],
        seed: Annotated[
            int, typer.Option("--seed", help="Random seed (same seed, same bytes).")
        ] = 7,
        cases: Annotated[
            int | None, typer.Option("--cases", help="Number of cases (default 6; 3 with --quick).")
        ] = None,
        quick: Annotated[bool, typer.Option("--quick", help="Small archive for tests.")] = False,
        json_out: JsonOpt = False,
    ) -> None:
        """Write synthetic scanned THADS case folders, manifest.csv and ground_truth.json."""
        from samplegen import generate

        try:
            m = generate(out_dir, seed=seed, n_cases=cases, quick=quick)
        except (FileExistsError, ValueError) as exc:
            raise fail(str(exc), ExitCode.BAD_INPUT) from None
        if json_out:
            print_json(
                {
                    "out_dir": str(m.out_dir),
                    "cases": m.cases,
                    "files": m.files,
                    "n_pages": m.n_pages,
                    "ground_truth": str(m.truth_path),
                    "manifest": str(m.manifest_path),
                }
            )
        else:
            console.print(
                f"{len(m.cases)} cases, {len(m.files)} files, {m.n_pages} pages → {m.out_dir}",
                highlight=False,
            )

"""The demo, run by scripts/demo after scripts/setup: generate the sample archive of THADS case
folders, ingest it (OCR, extraction, indexing), then show status, a few pages and a few searches.

SAMPLES and HOSO_ARCHIVE name the folders (default samples/ and hoso-archive/, in the
repository); `hoso` is the one in .venv/bin.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from schemas.normalize import fold  # noqa: E402
from schemas.settings import settings  # noqa: E402

# hoso ingest's exit code when some files failed: some sample files are meant to fail.
SOME_FILES_FAILED = 3


def hoso(*args: str, allowed: tuple[int, ...] = (0,), capture: bool = False) -> str:
    """Runs `hoso ARGS`; an exit code not in `allowed` ends the demo with it."""
    proc = subprocess.run(["hoso", *args], stdout=subprocess.PIPE if capture else None, text=True)
    if proc.returncode not in allowed:
        sys.exit(proc.returncode)
    return proc.stdout if capture else ""


def say(line: str) -> None:
    print(line, flush=True)


def show_pages(export: str, n: int = 3) -> None:
    """The first `n` pages of `hoso export` (JSON Lines), text cut to 300 characters."""
    for line in export.splitlines()[:n]:
        r = json.loads(line)
        print(
            f"{r['case_id']}  {r['source_path']}  page {r['page_no']}  {r['method']}"
            f"  confidence={r.get('confidence')}"
        )
        print("    " + r["text"][:300].replace("\n", " / "))
    sys.stdout.flush()


def queries(samples: Path) -> tuple[str, str]:
    """A debtor's name without diacritics and a judgment number, from the sample truth."""
    truth = json.loads((samples / "ground_truth.json").read_text(encoding="utf-8"))
    docs = [d for f in truth["files"].values() for d in f.get("documents", [])]
    debtor = next(
        p["name"] for d in docs for p in d["parties"] if p["role"] == "nguoi_phai_thi_hanh_an"
    )
    judgment = next(d["own_number"] for d in docs if d["doc_type"] == "ban_an")
    return fold(debtor), judgment


def main() -> int:
    os.chdir(ROOT)
    os.environ["PATH"] = f"{ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"
    samples = os.environ.get("SAMPLES") or "samples"
    archive = str(settings().archive)

    say(f"== generating sample scans into {samples}/")
    hoso("make-samples", samples)

    say(f"== ingesting {samples}/ into {archive}/")
    hoso("ingest", samples, "--archive", archive, allowed=(0, SOME_FILES_FAILED))

    say("== status")
    hoso("status", "--archive", archive)

    say("== first pages (hoso export, JSON Lines, text cut to 300 characters)")
    show_pages(hoso("export", "--archive", archive, capture=True))

    say("== search: a debtor's name typed without diacritics, then a judgment number")
    for q in queries(Path(samples)):
        say(f'$ hoso search "{q}"')
        hoso("search", q, "--archive", archive)
    say(f"== done: the archive is in {archive}/ (searchable PDFs in {archive}/pdf/)")
    say(
        f"   officers' web service: hoso user add NAME --archive {archive};"
        f" hoso serve --archive {archive}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""File names that try to forge report lines or drive the terminal (issue 15, item 16): every
human-readable output shows them escaped; `--json` keeps them exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from schemas.errors import ExitCode
from tests.hostile import assert_named, hoso, write_scans

ESC = "\x1b"
FORGED = "FAILED nothing-here.pdf: all is well"
NAMES = [
    f"bad.pdf\n{FORGED}",  # a newline then a fake report line
    f"clear{ESC}[2J{ESC}[31m.pdf",  # clear the screen, turn the text red
    "[bold red]markup[reset].pdf",  # Rich markup
    "bidi\u202eFDP.exe.pdf",  # right-to-left override
]


def _no_forgery(text: str) -> None:
    assert ESC not in text, repr(text)
    assert "\u202e" not in text, repr(text)
    for line in text.splitlines():
        assert not line.lstrip("│ ").startswith(FORGED), f"a name forged a line: {line!r}"


@pytest.mark.slow
def test_names_are_escaped_in_every_human_readable_output(tmp_path):
    case = tmp_path / "scans" / f"HS-{ESC}]0;owned{ESC}\\01"  # the case id comes from it
    write_scans(case, 1)
    for name in NAMES:
        (case / name).write_bytes(f"%PDF-1.4 {name!r}".encode())  # fails: a FAILED line
    archive = tmp_path / "archive"
    proc = hoso("ingest", tmp_path / "scans", "--archive", archive)
    assert_named(proc, ExitCode.SOME_FAILED)
    _no_forgery(proc.stdout + proc.stderr)
    said = proc.stderr
    assert "bad.pdf\\nFAILED nothing" in said
    assert "clear\\x1b[2J\\x1b[31m.pdf" in said
    assert "[bold red]markup[reset].pdf" in said

    status = hoso("status", "--archive", archive)
    _no_forgery(status.stdout + status.stderr)
    assert "bad.pdf\\nFAILED nothing" in status.stderr

    files = hoso("status", "--archive", archive, "--files")
    _no_forgery(files.stdout + files.stderr)
    assert "bad.pdf\\nFAILED nothing" in files.stderr
    assert "[HS-\\x1b]0;owned" in files.stderr

    lower = tmp_path / "more" / "bold"  # a case id that reads as Rich markup: "[bold]"
    write_scans(lower, 1, lines=["Quyết định số 7"])
    assert_named(hoso("ingest", tmp_path / "more", "--archive", archive), ExitCode.OK)
    assert "[bold]" in hoso("status", "--archive", archive, "--files").stderr

    found = hoso("search", "Tráng", "--archive", archive)
    assert_named(found, ExitCode.OK)
    _no_forgery(found.stdout + found.stderr)
    assert "\\x1b]0;owned" in found.stdout

    # --json is for programs: the names exactly as they are.
    listed = json.loads(hoso("status", "--archive", archive, "--json").stdout)
    paths = {Path(f["path"]).name for f in listed["failures"]}
    assert set(NAMES) <= paths

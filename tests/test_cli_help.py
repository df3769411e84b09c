"""Every verb's `--help` works and reads as written: paragraphs of the docstrings flow to
the terminal's width instead of breaking where the source lines break."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from ingest.cli import COMMANDS, app

GROUPS = {"user": ["add", "token"], "review": ["list", "count", "done"]}
GROUPS["corrections"] = ["add", "list", "export", "import"]


def _help(*verbs: str) -> str:
    r = CliRunner().invoke(app, [*verbs, "--help"], env={"COLUMNS": "250", "TERMINAL_WIDTH": "250"})
    assert r.exit_code == 0, r.output
    return r.output


def test_every_verb_has_help_with_its_options_explained():
    for verb in COMMANDS:
        for sub in GROUPS.get(verb, [None]):
            out = _help(verb, *([sub] if sub else []))
            assert "Usage:" in out and "--help" in out
            # every option line carries words after its name and type
            for line in out.splitlines():
                m = re.match(r"│ (--[a-z-]+)\s.*<[^>]+>\s*(.*?)\s*│$", line)
                if m and m.group(1) != "--help":
                    assert m.group(2), f"{verb} {sub or ''}: {m.group(1)} has no help"


def test_docstring_paragraphs_flow_instead_of_breaking_at_source_lines():
    listing = _help()
    assert "(and, with --files, what happened to every file)" in listing
    assert "files are identified by content (sha256)" in _help("ingest")

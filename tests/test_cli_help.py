"""Every verb's `--help` works and reads as written: paragraphs of the docstrings flow to
the terminal's width instead of breaking where the source lines break."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from hoso.cli import COMMANDS, app

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


def test_cli_verbs_map_to_their_modules():
    # `main` imports only the module COMMANDS names for a verb: a verb registered elsewhere
    # would be "No such command" from the shell although it shows in `hoso --help`.
    from hoso.cli import _COMMAND_MODULES, build_app

    for module in _COMMAND_MODULES:
        one = build_app([module])
        verbs = {c.name or c.callback.__name__ for c in one.registered_commands if c.callback}
        verbs |= {g.name for g in one.registered_groups if g.name}
        verbs = {v.replace("_", "-") for v in verbs}
        assert verbs == {v for v, m in COMMANDS.items() if m == module}, module


def test_python_m_hoso_and_python_m_ingest_are_the_command_line():
    import subprocess
    import sys

    for package in ("hoso", "ingest"):
        r = subprocess.run(
            [sys.executable, "-m", package, "make-samples", "--help"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert r.returncode == 0, r.stderr
        assert "Usage:" in r.stdout and "make-samples" in r.stdout, r.stdout

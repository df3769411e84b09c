"""The `hoso` entry point's last resort: an unexpected error is one sentence, a named exit
code and a file with the details, never a traceback on the terminal."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from schemas.errors import ExitCode


def test_an_unexpected_error_is_one_sentence_and_a_details_file(monkeypatch, capsys, tmp_path):
    import ingest.cli_ingest
    from hoso.cli import main

    def broken(*args: object, **kw: object) -> None:  # the subject is the handler, not ingest
        raise RuntimeError("a bug deep inside\nwith a second line")

    monkeypatch.setattr(ingest.cli_ingest, "run_ingest", broken)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.delenv("HOSO_TRACEBACK", raising=False)
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    monkeypatch.setattr(sys, "argv", ["hoso", "ingest", str(tmp_path), "-a", str(tmp_path / "a")])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == ExitCode.INTERNAL
    err = capsys.readouterr().err
    assert "Traceback" not in err
    said = " ".join(err.split())
    assert "RuntimeError: a bug deep inside" in said
    assert "second line" not in said
    found = re.search(r"details in (\S+\.txt)", said)
    assert found, said
    details = Path(found.group(1)).read_text(encoding="utf-8")
    assert "Traceback" in details and "a bug deep inside" in details

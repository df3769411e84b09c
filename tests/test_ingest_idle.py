"""A run with nothing left to read starts no page worker (real Tesseract, SQLite catalog)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from ingest.executor import LocalExecutor
from ingest.pipeline import IngestOptions, run_ingest
from samplegen import render_page
from tests.hostile import ingest_loading


def _scans(tmp_path: Path) -> Path:
    scans = tmp_path / "scans" / "HS-1"
    scans.mkdir(parents=True)
    page = render_page(["QUYẾT ĐỊNH THI HÀNH ÁN", "Số: 12/QĐ-CCTHADS"], dpi=150)
    Image.fromarray(page).save(scans / "p1.png")
    return scans.parent


def test_a_run_with_nothing_to_read_starts_no_page_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scans, archive = _scans(tmp_path), tmp_path / "archive"
    assert run_ingest([scans], archive, IngestOptions(workers=1)).pages_done == 1

    pools: list[LocalExecutor] = []
    new_pool = LocalExecutor._new_pool

    def counted(self: LocalExecutor):  # type: ignore[no-untyped-def]
        pools.append(self)
        return new_pool(self)

    monkeypatch.setattr(LocalExecutor, "_new_pool", counted)
    again = run_ingest([scans], archive, IngestOptions(workers=1))
    assert (again.pages_done, again.pages_already_done, again.ok) == (0, 1, True)
    assert pools == []


def test_a_run_with_nothing_to_read_loads_no_extraction(tmp_path: Path) -> None:
    """Extraction (~0.07 s of CPU to import) is loaded when a file is complete, not before."""
    scans, archive = _scans(tmp_path), tmp_path / "archive"
    assert run_ingest([scans], archive, IngestOptions(workers=1)).pages_done == 1
    out, loaded = ingest_loading(scans, archive, ("ingest.extract",))
    assert out.returncode == 0, out.stdout + out.stderr
    assert '"pages_already_done": 1' in out.stdout
    assert loaded == []


@pytest.mark.parametrize("starting", [True, False])
def test_extraction_loads_while_the_page_workers_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, starting: bool
) -> None:
    """The main process waits for the workers' fork server to load the page step: it loads
    extraction then, before the first page goes out, instead of taking that CPU from the
    pages once they are read. When the workers are up already, it waits for a file."""
    from ingest.pipeline import _Hooks

    events: list[str] = []
    load, run = _Hooks.load_extraction, LocalExecutor.run_unordered

    def loading(self: _Hooks) -> None:
        if self.extract is None:
            events.append("extraction")
        load(self)

    def running(self: LocalExecutor, *args):  # type: ignore[no-untyped-def]
        events.append("pages")
        yield from run(self, *args)

    monkeypatch.setattr(_Hooks, "load_extraction", loading)
    monkeypatch.setattr(LocalExecutor, "run_unordered", running)
    monkeypatch.setattr(LocalExecutor, "starting", lambda self: starting)
    done = run_ingest([_scans(tmp_path)], tmp_path / "archive", IngestOptions(workers=1))
    assert (done.pages_done, done.ok) == (1, True)
    assert events == (["extraction", "pages"] if starting else ["pages", "extraction"])

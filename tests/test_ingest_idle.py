"""A run with nothing left to read starts no page worker (real Tesseract, SQLite catalog)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from ingest.executor import LocalExecutor
from ingest.pipeline import IngestOptions, run_ingest
from samplegen import render_page


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

"""The order pages are read in: the costliest kind first, so that the end of a run does not
wait on one long page while the other workers are idle (real Tesseract, SQLite catalog)."""

from __future__ import annotations

import sqlite3
from hashlib import sha256
from pathlib import Path

from PIL import Image

from ingest.pipeline import IngestOptions, run_ingest
from samplegen import render_page


def test_files_with_more_bytes_a_page_are_read_first(tmp_path: Path) -> None:
    page = Image.fromarray(render_page(["QUYẾT ĐỊNH THI HÀNH ÁN", "Số: 12/QĐ-CCTHADS"], dpi=150))
    scans = tmp_path / "scans" / "HS-1"
    scans.mkdir(parents=True)
    # The same page in three sizes (PNG compression levels); the names run the other way.
    for name, level in (("a.png", 9), ("b.png", 0), ("c.png", 1)):
        page.save(scans / name, "PNG", compress_level=level)
    size = {sha256(p.read_bytes()).hexdigest(): p.stat().st_size for p in scans.iterdir()}
    assert len(set(size.values())) == 3

    archive = tmp_path / "archive"
    summary = run_ingest([scans.parent], archive, IngestOptions(workers=1))

    assert summary.pages_done == 3 and summary.ok
    con = sqlite3.connect(archive / "catalog.sqlite")
    try:  # one worker: pages are catalogued in the order they were handed out
        read = [r[0] for r in con.execute("SELECT sha256 FROM pages ORDER BY created_at")]
    finally:
        con.close()
    assert [size[s] for s in read] == sorted(size.values(), reverse=True)

"""`hoso watch` as a scanning station uses it: files copied in slowly (a PDF written in
pieces, a TIFF growing page by page, a copy under a hidden name renamed at the end) are
ingested once complete and every page is in the catalog once; SIGTERM ends the watcher
cleanly, and a file dropped while it is down is taken when it starts again (real watchdog,
real Tesseract, real catalog; the watcher runs as its own process)."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from ingest.catalog import Catalog
from ingest.watch import complete

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def _page(text: str) -> Image.Image:
    img = Image.new("L", (900, 260), 255)
    draw = ImageDraw.Draw(img)
    draw.text((40, 90), text, font=ImageFont.truetype(FONT, 34), fill=0)
    return img


def _tiff(pages: list[Image.Image]) -> bytes:
    buf = io.BytesIO()
    pages[0].save(buf, "TIFF", save_all=True, append_images=pages[1:], dpi=(300, 300))
    return buf.getvalue()


def _pdf(page: Image.Image) -> bytes:
    buf = io.BytesIO()
    page.save(buf, "PDF", resolution=300)
    return buf.getvalue()


def _pages(archive: Path) -> list[tuple[str, int]]:
    if not (archive / Catalog.FILENAME).exists():
        return []
    with Catalog(archive) as cat:
        return [
            (r[0], r[1])
            for r in cat.db.execute(
                "SELECT fp.case_id, p.page_no FROM pages p JOIN file_paths fp ON fp.sha256=p.sha256"
            )
        ]


def _wait_for(archive: Path, n: int, timeout: float = 240) -> list[tuple[str, int]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pages = _pages(archive)
        if len(pages) >= n:
            return pages
        time.sleep(0.5)
    raise AssertionError(f"only {len(_pages(archive))} of {n} pages after {timeout}s")


def _start(scans: Path, archive: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ingest",
            "watch",
            str(scans),
            "-a",
            str(archive),
            "--settle",
            "1.5",
            "--workers",
            "1",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _stop(proc: subprocess.Popen[bytes]) -> tuple[int, str]:
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    return proc.returncode, err.decode()


def test_complete_waits_for_the_end_of_a_pdf_and_of_every_tiff_frame(tmp_path):
    data = _tiff([_page("một"), _page("hai")])
    f = tmp_path / "a.tif"
    f.write_bytes(data[: len(data) - 500])
    assert not complete(str(f))
    f.write_bytes(data)
    assert complete(str(f))
    pdf = _pdf(_page("ba"))
    g = tmp_path / "b.pdf"
    g.write_bytes(pdf[: len(pdf) // 2])
    assert not complete(str(g))
    g.write_bytes(pdf)
    assert complete(str(g))


@pytest.mark.slow
def test_slow_copies_end_with_every_page_once_and_sigterm_and_restart_are_clean(tmp_path):
    scans, archive = tmp_path / "scans", tmp_path / "archive"
    (scans / "HS-01").mkdir(parents=True)
    (scans / "HS-02").mkdir()
    proc = _start(scans, archive)
    try:
        time.sleep(2)
        # a PDF written in four pieces, 0.4 s apart
        pdf = _pdf(_page("Quyết định số 12/QĐ-CCTHADS"))
        with open(scans / "HS-01" / "qd.pdf", "wb") as f:
            for i in range(4):
                f.write(pdf[i * len(pdf) // 4 : (i + 1) * len(pdf) // 4])
                f.flush()
                time.sleep(0.4)
        # a TIFF growing page by page (each state a valid TIFF of fewer pages)
        pages = [_page(f"Trang {n} của biên bản") for n in (1, 2, 3)]
        for n in (1, 2, 3):
            (scans / "HS-02" / "bien-ban.tif").write_bytes(_tiff(pages[:n]))
            time.sleep(0.5)
        # copied under a hidden name, renamed when done
        hidden = scans / "HS-02" / ".don.tif.part"
        hidden.write_bytes(_tiff([_page("Đơn yêu cầu thi hành án")]))
        hidden.rename(scans / "HS-02" / "don.tif")
        got = _wait_for(archive, 5)
        time.sleep(3)  # nothing more arrives later (no second reading of a grown file)
        assert sorted(_pages(archive)) == sorted(got)
        assert sorted(got) == [("HS-01", 1), ("HS-02", 1), ("HS-02", 1), ("HS-02", 2), ("HS-02", 3)]
    finally:
        code, err = _stop(proc)
    assert code == 143, err
    assert "Traceback" not in err and "stopped by SIGTERM" in err

    # dropped while no watcher runs: taken at the next start, nothing read twice
    (scans / "HS-01" / "late.pdf").write_bytes(_pdf(_page("Thông báo số 7/TB")))
    proc = _start(scans, archive)
    try:
        got = _wait_for(archive, 6)
        time.sleep(2)
    finally:
        code, err = _stop(proc)
    assert code == 143, err
    assert len(_pages(archive)) == len(got) == 6
    with Catalog(archive) as cat:
        assert cat.failures() == []
        with_history = cat.db.execute("SELECT COUNT(*) FROM pages").fetchone()[0]
    assert with_history == 6  # the TIFF was read once, whole: no pages of a shorter copy

"""A corpus of broken input made here: each bad file gets one clear line, the batch completes."""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfWriter

from schemas.errors import ExitCode

HOSO = [sys.executable, "-m", "ingest"]
TEXT = ["QUYẾT ĐỊNH THI HÀNH ÁN", "Số: 129/QĐ-CCTHADS", "Ông Nguyễn Văn Tráng, sinh năm 1965"]


def _page() -> np.ndarray:
    from samplegen import render_page

    return render_page(TEXT, dpi=300)


def _pdf_bytes(img: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, "PDF", resolution=300)
    return buf.getvalue()


def _bomb_png() -> bytes:
    """A valid PNG header that claims 60000 x 60000 pixels (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", 60000, 60000, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bad") / "scans"
    case = root / "HS-BAD-01"
    case.mkdir(parents=True)
    img = _page()
    pdf = _pdf_bytes(img)
    Image.fromarray(img).save(case / "good.png")
    (case / "empty.pdf").write_bytes(b"")
    (case / "truncated.pdf").write_bytes(pdf[: len(pdf) // 3])
    w = PdfWriter()
    w.add_blank_page(595, 842)
    w.encrypt("secret", algorithm="AES-128")
    with open(case / "encrypted.pdf", "wb") as f:
        w.write(f)
    with open(case / "no-pages.pdf", "wb") as f:
        PdfWriter().write(f)
    (case / "bomb.png").write_bytes(_bomb_png())
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, "JPEG", quality=90)
    (case / "really-a-jpeg.png").write_bytes(buf.getvalue())
    (case / "not-a-tiff.tif").write_bytes(b"Ceci n'est pas une image.\n")
    os.mkfifo(case / "fifo.pdf")
    os.symlink(case, case / "loop")
    with open(os.fsencode(str(case)) + b"/bi\xean b\xe3n.png", "wb") as f:  # not UTF-8
        Image.fromarray(img).save(f, "PNG", compress_level=1)  # other bytes than good.png
    Image.fromarray(img).convert("CMYK").save(case / "cmyk.tif")
    Image.fromarray(img.astype(np.uint16) * 257).save(case / "grey16.tif")
    (case / "readme.txt").write_text("ghi chú", encoding="utf-8")
    return root


BROKEN = {
    "empty.pdf",
    "truncated.pdf",
    "encrypted.pdf",
    "no-pages.pdf",
    "bomb.png",
    "not-a-tiff.tif",
    "fifo.pdf",
}
GOOD = {"good.png", "really-a-jpeg.png", "cmyk.tif", "grey16.tif"}


@pytest.mark.slow
def test_bad_files_are_recorded_and_the_rest_of_the_batch_completes(corpus, tmp_path):
    archive = tmp_path / "archive"
    run = subprocess.run(
        [*HOSO, "ingest", str(corpus), "--archive", str(archive), "--json"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == ExitCode.SOME_FAILED, run.stderr
    summary = json.loads(run.stdout)
    failed = {os.path.basename(f["path"]): f["reason"] for f in summary["failures"]}
    loops = [r for r in failed.values() if "loop" in r]
    assert set(failed) - {"loop"} == BROKEN
    assert loops, "the symlink loop is reported"
    for name, reason in failed.items():
        assert reason and "\n" not in reason and "Traceback" not in reason, name
    assert "encrypt" in failed["encrypted.pdf"].lower()
    assert "0 bytes" in failed["empty.pdf"]
    assert "pixels" in failed["bomb.png"].lower() or "bomb" in failed["bomb.png"].lower()
    assert {os.path.basename(s["path"]) for s in summary["skipped"]} == {"readme.txt"}
    # 4 good files + the one with a non-UTF-8 name are OCR'd
    assert summary["files_done"] == len(GOOD) + 1
    assert summary["pages_done"] == len(GOOD) + 1

    status = subprocess.run(
        [*HOSO, "status", "--archive", str(archive), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    listed = {os.path.basename(f["path"]) for f in json.loads(status.stdout)["failures"]}
    assert listed >= BROKEN
    pages = subprocess.run(
        [*HOSO, "export", "--archive", str(archive)], capture_output=True, text=True, check=True
    )
    texts = [json.loads(line)["text"] for line in pages.stdout.splitlines()]
    assert all("129/QĐ-CCTHADS" in t for t in texts), texts


@pytest.mark.slow
def test_tesseract_timeout_fails_the_page_with_one_line_not_the_batch(corpus, tmp_path):
    archive = tmp_path / "archive"
    good = corpus / "HS-BAD-01" / "good.png"
    run = subprocess.run(
        [*HOSO, "ingest", str(good), "--archive", str(archive), "--timeout", "0.01", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == ExitCode.SOME_FAILED, run.stderr
    (failure,) = json.loads(run.stdout)["failures"]
    assert failure["page"] == 1
    assert "timed out" in failure["reason"].lower()
    # the page is retried, and succeeds, on the next run with a sane timeout
    rerun = subprocess.run(
        [*HOSO, "ingest", str(good), "--archive", str(archive), "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert json.loads(rerun.stdout)["pages_done"] == 1


def test_a_file_of_blank_pages_is_done_not_failed(tmp_path):
    """A white sheet has no text to extract: the file is done, with an empty page, not failed
    (extraction raised IndexError on a text with no lines until 2026-12-03)."""
    folder = tmp_path / "HS-BLANK"
    folder.mkdir()
    Image.fromarray(np.full((1650, 1275), 255, np.uint8)).save(folder / "trang.png", dpi=(150, 150))
    run = subprocess.run(
        [*HOSO, "ingest", str(folder), "--archive", str(tmp_path / "archive"), "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    summary = json.loads(run.stdout)
    assert summary["failures"] == []
    assert (summary["files_done"], summary["pages_done"]) == (1, 1)

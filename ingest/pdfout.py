"""Assemble the per-page searchable PDFs of one source file into one PDF, atomically.

Pages come from `ingest.page.process_page` (Tesseract's one-page PDFs, or the original page
for text-layer pages). This module only concatenates: it never OCRs or re-encodes images.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from ingest.errors import InputFileError


def assemble_pdf(page_pdfs: list[Path], out: Path) -> None:
    """Concatenate `page_pdfs` in order into `out` (temporary file + rename)."""
    if not page_pdfs:
        raise InputFileError(f"{out}: no pages to assemble.")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if shutil.which("qpdf"):
        _assemble_qpdf(page_pdfs, out)
        return
    writer = PdfWriter()
    handles = []
    try:
        for p in page_pdfs:
            try:
                fh = open(p, "rb")  # noqa: SIM115 - closed below, after writing
                handles.append(fh)
                writer.append(PdfReader(fh))
            except OSError as exc:
                raise InputFileError(f"{p}: page PDF cannot be read ({exc.strerror}).") from None
            except Exception as exc:
                raise InputFileError(f"{p}: page PDF is damaged ({exc}).") from None
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
        try:
            with os.fdopen(fd, "wb") as fh_out:
                writer.write(fh_out)
            os.replace(tmp, out)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    finally:
        for fh in handles:
            fh.close()


def _assemble_qpdf(page_pdfs: list[Path], out: Path) -> None:
    """qpdf concatenates in its own process: the ingest process does not hold every page of
    a 500-page file in memory at once (pypdf's writer does)."""
    for p in page_pdfs:
        if not Path(p).is_file():
            raise InputFileError(f"{p}: page PDF is missing.")
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    try:
        # --warning-exit-0: a page PDF that qpdf had to repair is still a good page.
        r = subprocess.run(
            ["qpdf", "--warning-exit-0", "--empty", "--pages", *map(str, page_pdfs), "--", tmp],
            capture_output=True,
            text=True,
        )
        if r.returncode != 0:
            reason = (r.stderr.strip().splitlines() or ["qpdf failed"])[-1]
            raise InputFileError(f"{out}: the page PDFs could not be assembled ({reason}).")
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise

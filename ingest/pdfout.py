"""Assemble the per-page searchable PDFs of one source file into one PDF, atomically.

Pages come from `ingest.page.process_page` (Tesseract's one-page PDFs, or the original page
for text-layer pages). This module only concatenates: it never OCRs or re-encodes images.
"""

from __future__ import annotations

import contextlib
import os
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

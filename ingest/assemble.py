"""A source file's searchable PDF, assembled from its page PDFs, atomically (in the main
process, when the file's pages are all in).

`assemble_pdf` concatenates the pages of one file (the workers' searchable pages,
`ingest.pdfout`, or the original page for text-layer pages; a one-page file's page PDF is
copied as is); it never OCRs or re-encodes images. Apart from the page step's modules: the main
process imports this one without OpenCV, NumPy or Tesseract.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ingest.atomic import replace_via_tmp
from schemas.errors import InputFileError


def assemble_pdf(page_pdfs: list[Path], out: Path) -> None:
    """Concatenate `page_pdfs` in order into `out` (temporary file + rename)."""
    if not page_pdfs:
        raise InputFileError(f"{out}: no pages to assemble.")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if len(page_pdfs) == 1:
        _copy_one(Path(page_pdfs[0]), out)  # a one-page file: its page PDF is the PDF
        return
    if shutil.which("qpdf"):
        _assemble_qpdf(page_pdfs, out)
        return
    from pypdf import PdfReader, PdfWriter  # without qpdf only (~0.07 s of CPU to import)

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


def _copy_one(page_pdf: Path, out: Path) -> None:
    if not page_pdf.is_file():
        raise InputFileError(f"{page_pdf}: page PDF is missing.")
    replace_via_tmp(out, lambda tmp: shutil.copyfile(page_pdf, tmp))


def _assemble_qpdf(page_pdfs: list[Path], out: Path) -> None:
    """qpdf concatenates in its own process: the ingest process does not hold every page of
    a 500-page file in memory at once (pypdf's writer does)."""
    for p in page_pdfs:
        if not Path(p).is_file():
            raise InputFileError(f"{p}: page PDF is missing.")

    def run(tmp: str) -> None:
        # --warning-exit-0: a page PDF that qpdf had to repair is still a good page.
        r = subprocess.run(
            ["qpdf", "--warning-exit-0", "--empty", "--pages", *map(str, page_pdfs), "--", tmp],
            capture_output=True,
            text=True,
        )
        if r.returncode != 0:
            reason = (r.stderr.strip().splitlines() or ["qpdf failed"])[-1]
            raise InputFileError(f"{out}: the page PDFs could not be assembled ({reason}).")

    replace_via_tmp(out, run)

"""Searchable PDF pages, and their assembly into one PDF per source file, atomically.

`searchable_page` makes one page: the page image as scanned (deskewed and flattened, seals and
signatures kept; JPEG) under Tesseract's invisible text, which was read from the cleaned page.
`assemble_pdf` concatenates the pages of one file (those, or the original page for text-layer
pages); it never OCRs or re-encodes images.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import cv2
import numpy as np
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, StreamObject

from ingest.errors import InputFileError, OcrError
from ingest.ocr import JPEG_QUALITY


def searchable_page(text_pdf: bytes, view: np.ndarray) -> bytes:
    """One PDF page: `view` (2-D uint8) drawn over the whole page of `text_pdf` (Tesseract's
    `textonly_pdf` page, whose size Tesseract set from the OCR image and its dpi; `view`
    covers the same paper at any resolution), the invisible text on top."""
    ok, jpeg = cv2.imencode(".jpg", view, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise OcrError("the page image could not be encoded as JPEG")
    try:
        page_in = PdfReader(io.BytesIO(text_pdf)).pages[0]
    except Exception as exc:
        raise OcrError(f"Tesseract's text PDF cannot be read ({exc})") from None
    writer = PdfWriter()
    page = writer.add_page(page_in)
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    image = StreamObject()
    image._data = jpeg.tobytes()  # already DCT-encoded: written as is
    image.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(view.shape[1]),
            NameObject("/Height"): NumberObject(view.shape[0]),
            NameObject("/ColorSpace"): NameObject("/DeviceGray"),
            NameObject("/BitsPerComponent"): NumberObject(8),
            NameObject("/Filter"): NameObject("/DCTDecode"),
        }
    )
    draw = StreamObject()
    draw._data = f"q {width:.3f} 0 0 {height:.3f} 0 0 cm /HosoScan Do Q\n".encode()
    resources = page["/Resources"]
    xobjects = resources.get("/XObject") or DictionaryObject()
    xobjects[NameObject("/HosoScan")] = writer._add_object(image)
    resources[NameObject("/XObject")] = xobjects
    text = page.raw_get("/Contents")
    contents = ArrayObject([writer._add_object(draw)])
    if text is not None:
        contents.append(text)
    page[NameObject("/Contents")] = contents
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


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

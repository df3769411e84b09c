"""The page step: one pure function from a `PageTask` to a `PageResult`.

load (text layer if trustworthy, else one page image) → preprocess (OpenCV: the cleaned page
Tesseract reads, and the page as scanned for people) → OCR (one recognition in-process,
`ingest.engine`: words, boxes, confidences; none on a page without ink) → searchable PDF page
(the scan under invisible text laid on the word boxes) → write `task.out_pdf` atomically.
Word boxes are in the pixels of the page as scanned. For a page whose text layer is kept, the
per-page PDF is the original page, so that assembly is uniform.
`process_page` NEVER raises: any failure becomes `PageResult.error`, one line for the user.
It runs in a worker process (local pool or Dask), so it touches no catalog and no shared state
beyond the per-process PdfReader cache in `ingest.load`.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path

import numpy as np

from ingest.fields import fill_text, review_fields
from ingest.load import load_page, pdf_page_bytes
from ingest.ocr import OcrOutput, ocr_number, ocr_page
from ingest.pdfout import searchable_page
from ingest.preprocess import (
    MIN_MEAN_CONF,
    corner_number_box,
    osd_rotation,
    preprocess,
    rescan_reasons,
    rotate_quadrant,
)
from ingest.tasks import PageResult, PageTask
from schemas import PageQuality, ReviewField, Word
from schemas.errors import HosoError


class PageNote(StrEnum):
    """What a page's `PageQuality.reasons` may say besides why it should be rescanned
    (`preprocess.rescan_reasons`): none of these asks for a rescan."""

    BLANK = "blank page"
    NO_TEXT = "no text recognised"
    SEAL_ONLY = "only a seal or stamp (giáp lai page): nothing to read"


class ArchiveWriteError(Exception):
    """Writing into the archive failed (disk full, read-only…): the run must stop."""

    def __init__(self, exc: OSError, path: str) -> None:
        super().__init__(f"{path}: {exc.strerror or exc}")
        self.errno = exc.errno or 0
        self.path = str(exc.filename or path)


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write `data` to `path` via a temporary file in the same folder and a rename."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise ArchiveWriteError(exc, str(target)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise ArchiveWriteError(exc, str(target)) from None
        raise


def _run(task: PageTask, result: PageResult) -> None:
    opts = task.options
    loaded = load_page(task)
    if loaded.text_layer is not None and loaded.text_layer.accepted:
        result.method = loaded.text_layer.method
        result.text = loaded.text_layer.text
        result.width, result.height = loaded.width, loaded.height
        result.quality = PageQuality(dpi=None)
        if task.out_pdf:
            write_atomic(task.out_pdf, pdf_page_bytes(task.path, task.page_no))
        return

    assert loaded.image is not None
    clean = preprocess(
        loaded.image,
        loaded.dpi or opts.dpi,
        osd_timeout_s=min(20.0, opts.timeout_s),
        colour=loaded.colour,
    )
    ocr_dpi = clean.dpi

    def run_ocr(image: np.ndarray) -> OcrOutput:
        return ocr_page(
            image,
            dpi=ocr_dpi,
            lang=opts.lang,
            psm=opts.psm,
            timeout_s=opts.timeout_s,
            page_no=task.page_no,
        )

    # A blank page with no ink at all left after cleaning (blank paper, a seal-only page once
    # the seal is cleared) has nothing for Tesseract to read.
    out = (
        OcrOutput("", [], None)
        if _no_ink(clean.image, ocr_dpi, clean.blank)
        else run_ocr(clean.image)
    )
    # Upside-down pages that the cheap test missed read as garbage (mean conf ~40 against
    # 95 on good pages): ask OSD once, and keep the better reading.
    if (
        out.mean_conf is not None
        and out.mean_conf < MIN_MEAN_CONF
        and not clean.osd_done
        and osd_rotation(clean.image, ocr_dpi, min(20.0, opts.timeout_s)) == 180
    ):
        second = run_ocr(rotate_quadrant(clean.image, 180))
        if (second.mean_conf or 0) > out.mean_conf:
            out = second
            clean.rotate_180()
            clean.quality.rotation_deg = 180
            clean.steps.append("rotate 180 (low confidence)")
    quality = clean.quality
    if not clean.blank:
        _add_corner_number(clean.image, ocr_dpi, out, opts.lang, opts.timeout_s)
        quality.review = review_fields(
            clean.image, clean.ink, out.words, ocr_dpi, lang=opts.lang, timeout_s=opts.timeout_s
        )
        out.text = fill_text(out.text, quality.review)
    # Boxes are kept in the coordinates of the page image the archive shows (`clean.view`).
    view = clean.view if clean.view is not None else clean.image
    f = view.shape[1] / clean.image.shape[1]
    scale_words(out.words, f)
    scale_words(quality.review, f)
    quality.mean_conf = out.mean_conf
    quality.dpi_tag, quality.paper = loaded.dpi_tag, loaded.paper
    rescan: list[str] = []
    if clean.blank:
        quality.reasons = [(PageNote.SEAL_ONLY if clean.marked else PageNote.BLANK).value]
    else:
        if not out.words:
            quality.reasons.append(PageNote.NO_TEXT.value)
        rescan = rescan_reasons(quality)
        quality.reasons.extend(rescan)
    quality.needs_rescan = bool(rescan)
    result.method = "ocr"
    result.text = out.text
    result.words = out.words
    result.confidence = out.mean_conf
    result.quality = quality
    result.height, result.width = view.shape
    if task.out_pdf and opts.searchable_pdf:
        write_atomic(task.out_pdf, searchable_page(out.words, view, ocr_dpi * f))


# Dark pixels per (dpi/100)² below which a blank page is skipped by OCR: fewer than one
# letter's (a letter at 100 dpi: ~15-25 dark pixels). A blank page with more (a lone line
# under BLANK_INK) is still read.
EMPTY_INK_PX = 10


def _no_ink(image: np.ndarray, dpi: int, blank: bool) -> bool:
    return blank and int(np.count_nonzero(image < 128)) < EMPTY_INK_PX * (dpi / 100) ** 2


def scale_words(words: Sequence[Word | ReviewField], f: float) -> None:
    """Word boxes read on an image `f` times smaller, in the larger image's pixels."""
    if abs(f - 1.0) < 1e-3:
        return
    for w in words:
        right, bottom = round((w.left + w.width) * f), round((w.top + w.height) * f)
        w.left, w.top = round(w.left * f), round(w.top * f)
        w.width, w.height = right - w.left, bottom - w.top


def _add_corner_number(
    image: np.ndarray, dpi: int, out: OcrOutput, lang: str, timeout_s: float
) -> None:
    """A bút lục sheet number alone in the top-right corner (which Tesseract's page layout
    drops) is read from its box and becomes the page's first line and first word."""
    box = corner_number_box(image, dpi)
    if box is None:
        return
    x, y, w, h = box
    if any(
        wd.left < x + w and x < wd.left + wd.width and wd.top < y + h and y < wd.top + wd.height
        for wd in out.words
    ):
        return  # Tesseract read it with the page
    read = ocr_number(image[y : y + h, x : x + w], dpi=dpi, lang=lang, timeout_s=timeout_s)
    if read is None:
        return
    digits, conf = read
    for wd in out.words:
        wd.line += 1
    out.words.insert(0, Word(text=digits, conf=conf, left=x, top=y, width=w, height=h, line=1))
    out.text = f"{digits}\n{out.text}" if out.text else digits


def process_page(task: PageTask) -> PageResult:
    """Load, clean, OCR one page and write its searchable PDF page. Never raises."""
    start = time.perf_counter()
    result = PageResult(sha256=task.sha256, page_no=task.page_no)
    try:
        _run(task, result)
    except ArchiveWriteError as exc:
        result.error = _one_line(f"page {task.page_no}: cannot write its PDF: {exc}")
        result.archive_error = (exc.errno, exc.path)
    except HosoError as exc:
        result.error = _one_line(str(exc))
    except MemoryError:
        result.error = f"page {task.page_no}: out of memory"
    except Exception as exc:  # the batch goes on; the reason is kept for `hoso status`
        result.error = _one_line(f"page {task.page_no}: {type(exc).__name__}: {exc}")
    if result.error:
        result.text, result.words = "", None
    result.seconds = round(time.perf_counter() - start, 3)
    return result


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 300 else text[:297] + "…"

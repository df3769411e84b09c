"""The contract of the page step: what goes into one page's work and what comes out.

Both are small, picklable and free of open handles, so the page step can run in a local
process pool or on a Dask worker on another machine. The implementation is
`ingest.page.process_page`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from schemas import PageQuality, Word


@dataclass(frozen=True)
class OcrOptions:
    lang: str = "vie"
    dpi: int = 300  # rasterisation of PDF pages
    psm: int = 3
    timeout_s: float = 180.0  # per Tesseract call; a page over it fails, the batch goes on
    force_ocr: bool = False  # ignore PDF text layers
    searchable_pdf: bool = True  # write the page's searchable PDF (text from the word boxes)


@dataclass(frozen=True)
class PageTask:
    path: str  # where the worker reads the source file
    sha256: str
    page_no: int  # 1-based
    kind: str  # pdf | tiff | jpeg | png
    out_pdf: str | None  # where to write this page's searchable PDF (None: don't)
    options: OcrOptions = field(default_factory=OcrOptions)
    # The file's stamp when `sha256` was computed (`ingest.discover.file_stamp`): the page is
    # read only while the file still has it, so its text is the text of those bytes.
    stamp: tuple[int, int, int, int] | None = None


@dataclass
class PageResult:
    sha256: str
    page_no: int
    method: str = "ocr"  # ocr | text_layer | text_layer_repaired
    text: str = ""
    confidence: float | None = None
    quality: PageQuality = field(default_factory=PageQuality)
    words: list[Word] | None = None
    width: int | None = None
    height: int | None = None
    seconds: float = 0.0
    error: str | None = None  # one line for the user when the page failed
    # The page's result could not be written into the archive (disk full, read-only…): not
    # the page's fault, the run stops. (errno, path) of the OSError.
    archive_error: tuple[int, str] | None = None

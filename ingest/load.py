"""Open a source file and hand over ONE page: its trustworthy text layer, or an 8-bit grey image.

`count_pages` is cheap (no rasterising) and rejects broken files with one sentence
(`InputFileError`). `load_page` loads exactly one page, so a worker's memory stays flat in the
number of pages: a PDF page comes from its text layer when that is trustworthy Vietnamese
(`ingest.textlayer`), else from its single embedded full-page image, else from pdftoppm
rendering only that page; a TIFF frame is seeked to. The file's content decides its type, not
its extension: a ".pdf" that is really a JPEG is read as the JPEG it is. This module never calls
Tesseract and never rasterises more than the page asked for.
"""

from __future__ import annotations

import hashlib
import io
import os
import warnings
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from cachetools import LRUCache
from PIL import Image, ImageOps, UnidentifiedImageError

from ingest.discover import file_stamp, sniff_kind
from ingest.tasks import PageTask
from ingest.textlayer import TextLayerVerdict, is_capital_font, judge_text_layer
from schemas.errors import FileChangedError, InputFileError

if TYPE_CHECKING:  # NumPy is imported where pixels are made: the main process, which only
    import numpy as np  # counts pages (`count_pages`), does without it (~0.1 s of CPU);
    from pypdf import PdfReader  # pypdf where a PDF is opened (~0.07 s): not for images

# A4 at 600 dpi is 35 Mpx, A3 at 600 dpi 70 Mpx. Anything far above is a bomb or a poster.
MAX_PIXELS = 100_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


@dataclass
class LoadedPage:
    """One page, ready for the next step: `text` (text layer accepted) or `image` (to OCR)."""

    page_no: int
    kind: str  # the sniffed kind: pdf | tiff | jpeg | png
    image: np.ndarray | None = None  # 2-D uint8, white background
    # The same page in colour (H×W×3 uint8 RGB) when the source has colour: seals and ink
    # are told from print by it (`ingest.preprocess.colour_ink`). None for grey sources.
    colour: np.ndarray | None = None
    dpi: int | None = None  # of `image` (source dpi when known)
    text_layer: TextLayerVerdict | None = None  # set when the text layer was judged
    source: str = ""  # text_layer | embedded_image | rendered | image
    width: int | None = None  # pixels at `dpi` (for text-layer pages: at the task's dpi)
    height: int | None = None
    dpi_tag: int | None = None  # what the file claimed, when that was not believed
    paper: str | None = None  # the paper size `dpi` was inferred from (see infer_resolution)


def file_kind(path: str) -> str:
    """The file's real type from its first bytes (`ingest.discover.sniff_kind`):
    pdf | tiff | jpeg | png. Raises InputFileError with one sentence."""
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as fh:
            head = fh.read(1024)
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    if size == 0:
        raise InputFileError(f"{path}: the file is empty (0 bytes).")
    kind = sniff_kind(head)
    if kind is None:
        raise InputFileError(
            f"{path}: not a PDF, TIFF, JPEG or PNG file (it starts with {head[:8]!r})."
        )
    return kind


# --- PDF ---------------------------------------------------------------------------------

_MAX_READERS = 4


class _Readers(LRUCache[tuple[str, tuple[int, ...]], tuple["PdfReader", IO[bytes]]]):
    """The most recently used open PDFs of this process; an evicted one's file is closed."""

    def popitem(self) -> tuple[tuple[str, tuple[int, ...]], tuple[PdfReader, IO[bytes]]]:
        key, (reader, fh) = super().popitem()
        fh.close()
        return key, (reader, fh)


_READERS = _Readers(maxsize=_MAX_READERS)


def pdf_reader(path: str) -> PdfReader:
    """An open, decrypted PdfReader, cached per file in this process (workers reuse it)."""
    try:
        key = (path, file_stamp(path))  # a rewritten file is opened again
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    hit = _READERS.get(key)
    if hit is not None:
        # pypdf keeps every object it has resolved (each page's image stream): drop them, so
        # a worker's memory stays flat over a 500-page PDF instead of growing page by page.
        hit[0].resolved_objects.clear()
        return hit[0]
    fh = open(path, "rb")  # noqa: SIM115 - kept open with the cached reader
    try:
        reader = _open_pdf(path, fh)
    except BaseException:
        fh.close()
        raise
    _READERS[key] = (reader, fh)
    return reader


def _open_pdf(path: str, fh: IO[bytes]) -> PdfReader:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(fh, strict=False)
            if reader.is_encrypted:
                try:
                    ok = reader.decrypt("")
                except DependencyError:
                    raise InputFileError(
                        f"{path}: the PDF is encrypted with a cipher this installation "
                        "cannot open (install 'cryptography')."
                    ) from None
                if not ok:
                    raise InputFileError(
                        f"{path}: the PDF is password-protected; remove the password and "
                        "scan it in again."
                    )
            n = len(reader.pages)
    except InputFileError:
        raise
    except FileNotDecryptedError:
        raise InputFileError(f"{path}: the PDF is password-protected.") from None
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise InputFileError(f"{path}: the PDF is damaged or truncated ({_short(exc)}).") from None
    if n == 0:
        raise InputFileError(f"{path}: the PDF has no pages.")
    return reader


def _pdf_page(path: str, page_no: int) -> Any:
    reader = pdf_reader(path)
    n = len(reader.pages)
    if not 1 <= page_no <= n:
        raise InputFileError(f"{path}: page {page_no} does not exist (the PDF has {n}).")
    try:
        return reader.pages[page_no - 1]
    except Exception as exc:  # pypdf raises many types on broken page trees
        raise InputFileError(f"{path}: page {page_no} is damaged ({_short(exc)}).") from None


def _page_size_pt(page: Any) -> tuple[float, float]:
    """Displayed (width, height) in points, honouring /Rotate."""
    box = page.cropbox
    w, h = abs(float(box.width)), abs(float(box.height))
    if int(page.get("/Rotate", 0) or 0) % 180 == 90:
        w, h = h, w
    return w, h


def pdf_text_layer(path: str, page_no: int) -> tuple[str, list[bool]]:
    """The raw text layer of one PDF page ('' when there is none or it cannot be read) and,
    per character, whether it was drawn in a
    TCVN3 capital font (".VnTimeH"…: `ingest.textlayer.is_capital_font`)."""
    page = _pdf_page(path, page_no)
    runs: list[tuple[str, bool]] = []

    def visit(text: str, _cm: Any, _tm: Any, font: Any, _size: Any) -> None:
        if text:
            name = str(font.get("/BaseFont", "")) if font else ""
            runs.append((text, is_capital_font(name)))

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            text = page.extract_text(visitor_text=visit) or ""
    except Exception:  # a broken content stream means no usable text layer: OCR it
        return "", []
    if "".join(t for t, _ in runs) != text:
        return text, []  # the runs do not spell the text: no capitals to restore
    return text, [up for t, up in runs for _ in t]


def _embedded_full_page_image(page: Any) -> tuple[Image.Image, Resolution] | None:
    """The page's only image when it is the whole page (a typical scan), with its dpi (from
    the page size, unless that is no plausible paper: see `infer_resolution`)."""
    try:
        images = page.images
        if len(images) != 1:
            return None
        img = _plain_image(page, images.keys()[0]) or images[0].image
    except Exception:  # JBIG2, odd filters, broken streams: let pdftoppm render it
        return None
    if img is None:
        return None
    rotate = int(page.get("/Rotate", 0) or 0) % 360
    if rotate:
        img = img.rotate(-rotate, expand=True)  # PIL rotates counter-clockwise
    w_pt, h_pt = _page_size_pt(page)
    if w_pt <= 0 or h_pt <= 0:
        return None
    page_ratio = w_pt / h_pt
    img_ratio = img.width / img.height
    if abs(img_ratio - page_ratio) / page_ratio > 0.02:
        return None  # placed on part of the page, or cropped: render instead
    res = infer_resolution(round(img.width / (w_pt / 72.0)), img.width, img.height)
    if res.dpi is None or res.dpi < 50:
        return None
    return img, res


# Page images Pillow opens straight from their decoded stream (`_plain_image`): the filter,
# the colour spaces and the modes it gives.
_PLAIN = {
    "/DCTDecode": (("/DeviceGray", "/DeviceRGB"), ("L", "RGB")),
    "/CCITTFaxDecode": (("/DeviceGray",), ("1",)),
}


def _plain_image(page: Any, key: Any) -> Image.Image | None:
    """The page's image opened straight from its bytes when it is a plain JPEG (DCTDecode
    alone, grey or RGB) or a plain fax image (CCITTFaxDecode alone, 1-bit grey, which pypdf
    hands over as a TIFF), without /Decode or a mask: pypdf's `.image` would encode it again
    and decode that copy (~40 ms a JPEG page; 33 against 9 ms a 1-bit real page, the same
    pixels on all 18 of them). None for anything else."""
    if not isinstance(key, str):
        return None
    xobj = page["/Resources"]["/XObject"][key].get_object()
    filters = xobj.get("/Filter")
    filters = list(filters) if isinstance(filters, list) else [filters]
    plain = _PLAIN.get(filters[0]) if len(filters) == 1 else None
    if (
        plain is None
        or xobj.get("/ColorSpace") not in plain[0]
        or any(k in xobj for k in ("/Decode", "/SMask", "/Mask"))
    ):
        return None
    img = Image.open(io.BytesIO(xobj.get_data()))
    if img.size != (xobj.get("/Width"), xobj.get("/Height")) or img.mode not in plain[1]:
        return None
    img.load()
    return img


def _render_pdf_page(path: str, page_no: int, dpi: int, timeout_s: float) -> np.ndarray:
    from pdf2image import convert_from_path
    from pdf2image.exceptions import PDFPageCountError, PDFSyntaxError

    try:
        images = convert_from_path(
            path,
            dpi=dpi,
            first_page=page_no,
            last_page=page_no,
            grayscale=True,
            fmt="ppm",
            timeout=max(10, int(timeout_s)),
        )
    except (PDFPageCountError, PDFSyntaxError) as exc:
        raise InputFileError(
            f"{path}: page {page_no} cannot be rendered ({_short(exc)})."
        ) from None
    except Exception as exc:
        raise InputFileError(
            f"{path}: page {page_no} cannot be rendered ({_short(exc)})."
        ) from None
    if not images:
        raise InputFileError(f"{path}: page {page_no} rendered to nothing.")
    return to_grey8(images[0])


# --- images ------------------------------------------------------------------------------


def _open_image(path: str, data: bytes | None = None) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(path if data is None else io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InputFileError(
            f"{path}: the image is too large to process safely (over {MAX_PIXELS:,} pixels)."
        ) from None
    except UnidentifiedImageError:
        raise InputFileError(f"{path}: the image is damaged or not a supported format.") from None
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read ({_short(exc)}).") from None


def _check_pixels(path: str, img: Image.Image) -> None:
    if img.width * img.height > MAX_PIXELS:
        raise InputFileError(
            f"{path}: the image is too large to process safely "
            f"({img.width}×{img.height} pixels, limit {MAX_PIXELS:,})."
        )


def _image_dpi(img: Image.Image) -> int | None:
    """The resolution tag of an image file (None when absent or "aspect only", 1 dpi)."""
    dpi = img.info.get("dpi")
    try:
        value = round(float(dpi[0])) if dpi else None
    except (TypeError, ValueError, IndexError):
        return None
    return value if value and value > 1 else None


# Paper sizes in inches (portrait), in the order a tie goes: THADS files are A4.
PAPERS: list[tuple[str, float, float]] = [
    ("A4", 8.27, 11.69),
    ("Letter", 8.5, 11.0),
    ("Legal", 8.5, 14.0),
    ("A3", 11.69, 16.54),
    ("A5", 5.83, 8.27),
]
# A tag is believed when the page it implies is between a small slip and A3 with a margin.
PLAUSIBLE_LONG_SIDE_IN = (4.0, 18.5)
# How far the pixel shape may be from a paper's (a phone photo has a border: 3:4 ~ Letter).
PAPER_ASPECT_TOLERANCE = 0.12
MAX_INFERRED_DPI = 600
# What an image without a resolution tag is read at (`ingest.preprocess.preprocess`'s default).
UNTAGGED_DPI = 300


@dataclass(frozen=True)
class Resolution:
    dpi: int | None  # what the page is read at (None: unknown, the default is used)
    tag: int | None  # what the file said
    paper: str | None = None  # set when `dpi` was inferred from this paper size

    @property
    def inferred(self) -> bool:
        return self.paper is not None


def infer_resolution(tag: int | None, width: int, height: int) -> Resolution:
    """The resolution a page of `width` × `height` pixels is read at.

    The file's tag is believed when the page it implies is a plausible size of paper; phone
    cameras write 72 dpi and some tools 10000, which would make an A4 scan a 3-foot poster
    or a stamp. An untagged page is read at the default (`dpi=None`, UNTAGGED_DPI) when
    that is plausible. Otherwise the pixel shape is matched against the `PAPERS`, portrait
    or landscape like the image, and the resolution follows from that paper's size; a
    shape that fits no paper gives `dpi=None` (the default)."""
    if width <= 0 or height <= 0:
        return Resolution(dpi=None, tag=tag)
    long_in = max(width, height) / (tag or UNTAGGED_DPI)
    if PLAUSIBLE_LONG_SIDE_IN[0] <= long_in <= PLAUSIBLE_LONG_SIDE_IN[1]:
        return Resolution(dpi=tag, tag=tag)
    landscape = width > height
    fits: list[tuple[tuple[float, bool, int], int, str]] = []
    for order, (name, short, long) in enumerate(PAPERS):
        pw, ph = (long, short) if landscape else (short, long)
        misfit = abs((height / width) / (ph / pw) - 1.0)
        if misfit <= PAPER_ASPECT_TOLERANCE:
            dpi = round(((width / pw) * (height / ph)) ** 0.5)
            # Shapes within 1% are one shape (A5, A4, A3): the order decides, unless the
            # resolution that gives is beyond any scanner's.
            rank = (round(misfit, 2), dpi > MAX_INFERRED_DPI, order)
            fits.append((rank, dpi, f"{name} landscape" if landscape else name))
    if not fits:
        return Resolution(dpi=None, tag=tag)
    _, dpi, paper = min(fits)
    return Resolution(dpi=dpi, tag=tag, paper=paper)


def to_grey8(img: Image.Image) -> np.ndarray:
    """Any PIL image → 2-D uint8 grey: 16-bit scaled (not clipped), alpha over white,
    palette/CMYK/1-bit converted."""
    import numpy as np

    mode = img.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        arr = np.asarray(img, dtype=np.float64)
        if arr.ndim == 3:
            arr = arr[..., 0]
        top = float(arr.max()) if arr.size else 0.0
        lo = min(0.0, float(arr.min())) if arr.size else 0.0
        # 16-bit data, or 12-bit data stored in 16 bits (common for scanners).
        full = 255.0 if top <= 255 else 4095.0 if top <= 4095 else 65535.0
        if mode == "F" and top <= 1.0:
            full = 1.0
        out = (arr - lo) * (255.0 / (full - lo))
        return np.clip(out + 0.5, 0, 255).astype(np.uint8)
    if mode in ("RGBA", "LA", "PA") or (mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(white, rgba)
    if img.mode == "CMYK":
        img = img.convert("RGB")
    if img.mode != "L":
        img = img.convert("L")
    # Read-only, as Pillow hands it over (a copy to make it writable took ~2.4 ms a 300-dpi
    # page): the page step only reads it.
    return np.asarray(img, dtype=np.uint8)


def colour_of(img: Image.Image) -> np.ndarray | None:
    """The image as RGB uint8 when its mode carries colour (RGB, CMYK, a colour palette)."""
    import numpy as np

    if img.mode not in ("RGB", "RGBA", "CMYK", "YCbCr", "P", "PA", "LAB", "HSV"):
        return None
    if img.mode in ("RGBA", "PA") or (img.mode == "P" and "transparency" in img.info):
        img = Image.alpha_composite(Image.new("RGBA", img.size, "white"), img.convert("RGBA"))
    # An RGB image is read as it is: `convert("RGB")` would copy it first (~5 ms a 300-dpi
    # page). The array is read-only: the cleaning only reads it.
    rgb = np.asarray(img if img.mode == "RGB" else img.convert("RGB"), dtype=np.uint8)
    if img.mode in ("P", "PA") and not np.any(rgb[::8, ::8].max(2) - rgb[::8, ::8].min(2) > 24):
        return None  # a grey palette
    return rgb


def _load_image_page(path: str, kind: str, page_no: int, sha256: str | None) -> LoadedPage:
    """One frame; a JPEG or PNG is decoded from bytes read once and checked against
    `sha256` (when given), so its text is the text of the content it is filed under."""
    data = None
    if kind in ("jpeg", "png"):  # read whole even unchecked: a grey PNG is decoded by OpenCV
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            raise InputFileError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
        if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
            raise FileChangedError(f"{path}: {CHANGED}")
    img = _open_image(path, data)
    with img:
        n = getattr(img, "n_frames", 1)
        if not 1 <= page_no <= n:
            raise InputFileError(f"{path}: page {page_no} does not exist (the file has {n}).")
        try:
            if page_no > 1:
                img.seek(page_no - 1)
            _check_pixels(path, img)
            tag = _image_dpi(img)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                grey = _grey_png(img, data)
                colour = None
                if grey is None:
                    frame = ImageOps.exif_transpose(img) if kind == "jpeg" else img
                    frame.load()
                    grey = to_grey8(frame)
                    colour = colour_of(frame)
        except InputFileError:
            raise
        except (OSError, ValueError, SyntaxError, EOFError) as exc:
            raise InputFileError(
                f"{path}: page {page_no} is damaged or truncated ({_short(exc)})."
            ) from None
    res = infer_resolution(tag, grey.shape[1], grey.shape[0])
    return LoadedPage(
        page_no=page_no,
        kind=kind,
        image=grey,
        colour=colour,
        dpi=res.dpi,
        source="image",
        width=grey.shape[1],
        height=grey.shape[0],
        dpi_tag=res.tag if res.inferred else None,
        paper=res.paper,
    )


def _grey_png(img: Image.Image, data: bytes | None) -> np.ndarray | None:
    """An 8-bit grey PNG's pixels decoded by OpenCV from `data` (the same pixels as Pillow's,
    lossless; 88 against 107 ms for a 300-dpi A4 page, 43 against 51 at 200 dpi); None for
    anything else (Pillow decodes it)."""
    if data is None or img.format != "PNG" or img.mode != "L" or img.info.get("transparency"):
        return None
    import cv2  # the workers have it; planning (count_pages) does not need it
    import numpy as np

    grey = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if grey is None or grey.dtype != np.uint8 or grey.shape != (img.height, img.width):
        return None
    return grey


# --- public ------------------------------------------------------------------------------


# The last bytes of a complete PNG (the IEND chunk) and of a complete JPEG (the EOI marker,
# maybe zero-padded; any other trailer means a full decode). An EXIF thumbnail ends with an
# EOI too, so a JPEG must END with one: a file cut after its thumbnail does not.
_PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"
_JPEG_END = b"\xff\xd9"
_TAIL = 4096


def _ends_whole(path: str, kind: str) -> bool:
    """True when a PNG or JPEG file ends as a complete one does. `count_pages` then skips
    decoding it: planning decoded every image once in the main process, on top of the
    worker's decode (~0.1–0.35 s a 300-dpi page, a core shared with the workers). A file
    that does not end whole is decoded there, as before, so a cut file is still refused up
    front; damage inside a whole-ending file is reported by the worker, as one line too."""
    if kind not in ("png", "jpeg"):
        return False
    try:
        with open(path, "rb") as fh:
            size = fh.seek(0, os.SEEK_END)
            fh.seek(max(0, size - _TAIL))
            tail = fh.read()
    except OSError:
        return False
    if kind == "png":
        return tail.endswith(_PNG_END)
    return tail.rstrip(b"\x00").endswith(_JPEG_END)


def count_pages(path: str, kind: str) -> int:
    """Number of pages, without rasterising. Raises InputFileError with one sentence.

    `kind` is what discovery guessed from the extension; the content decides.
    """
    real = file_kind(path)
    if real == "pdf":
        return len(pdf_reader(path).pages)
    img = _open_image(path)
    with img:
        _check_pixels(path, img)
        try:
            if real == "tiff":
                n = int(getattr(img, "n_frames", 1))
            else:
                n = 1
                if not _ends_whole(path, real):
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        img.load()  # a truncated JPEG/PNG fails here, not mid-batch
        except (OSError, ValueError, SyntaxError, EOFError) as exc:
            raise InputFileError(
                f"{path}: the image is damaged or truncated ({_short(exc)})."
            ) from None
    if n < 1:
        raise InputFileError(f"{path}: the file has no pages.")
    return n


CHANGED = "the file changed after it was found (replaced, or still being written)"


def _check_stamp(task: PageTask) -> None:
    try:
        same = task.stamp is None or file_stamp(task.path) == task.stamp
    except OSError as exc:
        raise InputFileError(f"{task.path}: cannot be read ({exc.strerror or exc}).") from None
    if not same:
        raise FileChangedError(f"{task.path}: page {task.page_no}: {CHANGED}")


# Below this many pixels on a side an image is no page scan (a 1×1 tracking pixel, an icon):
# it holds no line of text, and the cleaning steps cannot shrink it further.
MIN_PAGE_SIDE = 32


def load_page(task: PageTask) -> LoadedPage:
    """Load page `task.page_no` of `task.path` (see the module docstring for the order).
    With `task.stamp`, the file must have that stamp before and after the page is read
    (FileChangedError otherwise): the page is then a page of the content `task.sha256`."""
    _check_stamp(task)
    page = _load_page(task)
    _check_stamp(task)
    if page.image is not None and min(page.image.shape[:2]) < MIN_PAGE_SIDE:
        h, w = page.image.shape[:2]
        raise InputFileError(
            f"{task.path}: page {task.page_no} is {w}×{h} pixels, too small to be a scanned "
            f"page (at least {MIN_PAGE_SIDE} pixels a side)."
        )
    return page


def _load_page(task: PageTask) -> LoadedPage:
    kind = file_kind(task.path)
    if kind != "pdf":
        sha = task.sha256 if task.stamp is not None else None
        return _load_image_page(task.path, kind, task.page_no, sha)

    opts = task.options
    page = _pdf_page(task.path, task.page_no)
    w_pt, h_pt = _page_size_pt(page)
    verdict = None
    if not opts.force_ocr:
        verdict = judge_text_layer(*pdf_text_layer(task.path, task.page_no))
        if verdict.accepted:
            return LoadedPage(
                page_no=task.page_no,
                kind=kind,
                text_layer=verdict,
                source="text_layer",
                dpi=None,
                width=round(w_pt / 72 * opts.dpi),
                height=round(h_pt / 72 * opts.dpi),
            )
    embedded = _embedded_full_page_image(page)
    if embedded is not None:
        img, res = embedded
        if img.width * img.height <= MAX_PIXELS:
            grey = to_grey8(img)
            return LoadedPage(
                page_no=task.page_no,
                kind=kind,
                image=grey,
                colour=colour_of(img),
                dpi=res.dpi,
                text_layer=verdict,
                source="embedded_image",
                width=grey.shape[1],
                height=grey.shape[0],
                dpi_tag=res.tag if res.inferred else None,
                paper=res.paper,
            )
    if (w_pt / 72 * opts.dpi) * (h_pt / 72 * opts.dpi) > MAX_PIXELS:
        raise InputFileError(
            f"{task.path}: page {task.page_no} is too large to render at {opts.dpi} dpi "
            f"({w_pt / 72:.0f}×{h_pt / 72:.0f} inches)."
        )
    grey = _render_pdf_page(task.path, task.page_no, opts.dpi, opts.timeout_s)
    return LoadedPage(
        page_no=task.page_no,
        kind=kind,
        image=grey,
        dpi=opts.dpi,
        text_layer=verdict,
        source="rendered",
        width=grey.shape[1],
        height=grey.shape[0],
    )


def pdf_page_bytes(path: str, page_no: int) -> bytes:
    """One page of a PDF as a standalone PDF (for text-layer pages' searchable output)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_page(_pdf_page(path, page_no))
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "…"

"""The one module that talks to Tesseract: in-process, through the `tesserocr` wheel.

Each process (a local pool worker, a Dask worker thread, a test) keeps one Tesseract engine
per language for its life (`_engine`): the model is loaded once, not once per page as with
the CLI, and page images pass as NumPy arrays (no PNG or JPEG in between). One recognition
gives words, boxes and confidences (`recognize`, as Tesseract's TSV); the searchable PDF's
invisible text is built from those word boxes (`ingest.pdfout.text_layer`), not by a second
renderer.

The bundled Tesseract (5.5.x) reads the system's language data (`tessdata_dir`: Debian's
`/usr/share/tesseract-ocr/5/tessdata`, or `TESSDATA_PREFIX`).

Timeouts: Tesseract checks a deadline during recognition (`Recognize(timeout=…)`); a page
past it raises `OcrError` with one line. Layout analysis does not check it, so a pool worker
also runs a watchdog (`arm_watchdog`, from the executor's worker start): a call still running
well past its timeout ends the worker process, the pool replaces it and the page is reported
as failed. pytesseract has no job left: nothing runs the `tesseract` CLI.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import tesserocr

from schemas.errors import OcrError
from schemas.settings import settings

MIN_VERSION = (4, 1)
_TESSDATA_CANDIDATES = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
)
# The CLI's TSV renderer writes this header; the API's `GetTSVText` does not.
TSV_HEADER = (
    "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
)
# A call still running this long after its own timeout (layout analysis, which Tesseract's
# deadline does not cover) ends the worker process (`arm_watchdog`).
HARD_GRACE_S = 10.0
# Set on every engine. `textord_all_prop`: all text is proportional, so Tesseract's layout step
# skips its fixed-pitch (typewriter) test, ~10% of that step: 3-6% less Tesseract CPU a page
# (real scans 0.927 -> 0.897 s, office bench 0.577 -> 0.545, poor 0.541 -> 0.523), with the
# same TSV on 112 real, bench and archive pages (the LSTM reads whole lines; the pitch only
# fed the legacy word splitter).
VARIABLES = {"textord_all_prop": "1"}


def tessdata_dir() -> str:
    """Where the language data is: `TESSDATA_PREFIX`, else the first system folder that
    holds `vie.traineddata` (or any `.traineddata`)."""
    env = settings().tessdata_prefix
    if env and Path(env).is_dir():
        return env
    for d in _TESSDATA_CANDIDATES:
        if (Path(d) / "vie.traineddata").is_file():
            return d
    for d in _TESSDATA_CANDIDATES:
        if any(Path(d).glob("*.traineddata")):
            return d
    return _TESSDATA_CANDIDATES[0]


def version() -> str:
    return str(tesserocr.tesseract_version().split()[1])


def check_tesseract(lang: str = "vie") -> str:
    """Return Tesseract's version; raise OcrError if it is too old or lacks `lang`."""
    ver = version()
    major, minor = (int(x) for x in ver.split(".")[:2])
    if (major, minor) < MIN_VERSION:
        raise OcrError(f"Tesseract {ver} is too old; 4.1 or newer is needed.")
    path = tessdata_dir()
    _, langs = tesserocr.get_languages(path)
    missing = [code for code in lang.split("+") if code not in langs]
    if missing:
        raise OcrError(
            f"Tesseract language data {', '.join(missing)!s} is not installed in {path} "
            f"(apt-get install tesseract-ocr-{missing[0]})."
        )
    return ver


# One engine per (thread, language): Dask may run several pages of one process in threads,
# and a Tesseract handle is not thread-safe.
_local = threading.local()


def _engines() -> dict[str, tesserocr.PyTessBaseAPI]:
    """This thread's engines by language."""
    engines: dict[str, tesserocr.PyTessBaseAPI] | None = getattr(_local, "engines", None)
    if engines is None:
        engines = _local.engines = {}
    return engines


def _engine(lang: str) -> tesserocr.PyTessBaseAPI:
    engines = _engines()
    api = engines.get(lang)
    if api is None:
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # pages are parallel, Tesseract not
        try:
            api = tesserocr.PyTessBaseAPI(path=tessdata_dir(), lang=lang)
        except RuntimeError:
            check_tesseract(lang)  # the one-sentence reason, if it is a missing language
            raise OcrError(f"Tesseract could not load language {lang!r}.") from None
        for name, value in VARIABLES.items():
            api.SetVariable(name, value)
        engines[lang] = api
    return api


def preload(lang: str) -> Callable[[], None]:
    """Start loading the engine for `lang` in a thread, and return the call that waits for
    it and makes it the calling thread's engine. The fork server does, so that the workers
    forked from it inherit the model loaded; Tesseract reads it without holding Python's lock,
    so the server's other imports go on meanwhile (~0.05 s of its ~0.5 s start, measured in
    the commit that added this). A language that cannot load fails later, on the first page."""
    loaded: dict[str, tesserocr.PyTessBaseAPI] = {}

    def load() -> None:
        with suppress(OcrError):
            loaded[lang] = _engine(lang)  # this thread's engine, handed over below

    thread = threading.Thread(target=load, name="hoso-engine-load")
    thread.start()

    def done() -> None:
        thread.join()
        if lang in loaded:
            _engines().setdefault(lang, loaded[lang])

    return done


_cpu = [0.0]  # CPU seconds this process has spent in Tesseract calls (`tesseract_cpu`)


def tesseract_cpu() -> float:
    """CPU seconds spent inside Tesseract by this process so far (benchmarks split a page's
    CPU into hoso's own work and Tesseract's with it)."""
    return _cpu[0]


@dataclass
class _Watch:
    deadline: float = 0.0  # monotonic; 0 when no call runs
    what: str = ""


_watch = _Watch()
_armed = False


def arm_watchdog() -> None:
    """In a worker process only: end the process when a Tesseract call overruns its timeout
    by HARD_GRACE_S (the pool replaces the worker and reports the page as failed)."""
    global _armed
    if _armed:
        return
    _armed = True

    def watch() -> None:
        while True:
            time.sleep(1.0)
            d = _watch.deadline
            if d and time.monotonic() > d:
                msg = f"hoso: Tesseract hung on {_watch.what}; worker ends\n"
                os.write(_stderr_fd(), msg.encode())
                os._exit(70)

    threading.Thread(target=watch, name="hoso-tesseract-watchdog", daemon=True).start()


# Leptonica writes its warnings ("Error in boxClipToRectangle: box outside rectangle") to
# file descriptor 2, where the CLI's went into pytesseract's pipe: during a call, fd 2 goes
# to /dev/null (the watchdog writes to the saved descriptor).
_quiet_lock = threading.Lock()
_quiet = {"depth": 0, "saved": -1}


def _stderr_fd() -> int:
    return _quiet["saved"] if _quiet["depth"] > 0 and _quiet["saved"] >= 0 else 2


@contextmanager
def _muted_stderr() -> Iterator[None]:
    with _quiet_lock:
        if _quiet["depth"] == 0:
            sys.stderr.flush()
            if _quiet["saved"] < 0:
                _quiet["saved"] = os.dup(2)
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 2)
            os.close(null)
        _quiet["depth"] += 1
    try:
        yield
    finally:
        with _quiet_lock:
            _quiet["depth"] -= 1
            if _quiet["depth"] == 0:
                os.dup2(_quiet["saved"], 2)


@contextmanager
def _deadline(timeout_s: float, what: str) -> Iterator[None]:
    _watch.what = what
    _watch.deadline = time.monotonic() + timeout_s + HARD_GRACE_S
    cpu = time.thread_time()
    try:
        with _muted_stderr():
            yield
    finally:
        _watch.deadline = 0.0
        _cpu[0] += time.thread_time() - cpu


def _set_image(api: tesserocr.PyTessBaseAPI, image: np.ndarray, dpi: int) -> None:
    if image.ndim != 2 or image.dtype != np.uint8:
        raise OcrError("the page image for Tesseract must be 8-bit grey")
    img = np.ascontiguousarray(image)
    h, w = img.shape
    api.SetImageBytes(img.tobytes(), w, h, 1, w)
    api.SetSourceResolution(int(dpi))


def recognize(
    image: np.ndarray,
    *,
    dpi: int,
    lang: str = "vie",
    psm: int = 3,
    timeout_s: float = 180.0,
    page_no: int = 1,
    whitelist: str = "",
) -> str:
    """Recognise a grey page (or crop) once: Tesseract's TSV (header line included), words
    with boxes in `image`'s pixels and confidences. Raises OcrError on timeout or failure."""
    api = _engine(lang)
    what = f"page {page_no}" if page_no else "a crop"
    with _deadline(timeout_s, what):
        _set_image(api, image, dpi)
        api.SetPageSegMode(psm)
        api.SetVariable("tessedit_char_whitelist", whitelist)
        start = time.monotonic()
        ok = api.Recognize(timeout=max(1, round(timeout_s * 1000)))
        if not ok:
            took = time.monotonic() - start
            api.Clear()
            if took >= timeout_s * 0.9:
                raise OcrError(f"Tesseract timed out after {timeout_s:g} s on page {page_no}.")
            raise OcrError(f"Tesseract could not read page {page_no}.")
        tsv = api.GetTSVText(max(0, page_no - 1)) or ""
    return f"{TSV_HEADER}\n{tsv}"


def orientation(image: np.ndarray, *, dpi: int, timeout_s: float = 20.0) -> tuple[int, float]:
    """Tesseract OSD: (clockwise rotation 0/90/180/270 that makes the page upright, its
    confidence). Raises OcrError when OSD cannot tell (too few characters)."""
    api = _engine("osd")
    with _deadline(timeout_s, "orientation detection"):
        _set_image(api, image, dpi)
        api.SetPageSegMode(tesserocr.PSM.OSD_ONLY)
        found = api.DetectOrientationScript()
        api.Clear()
    if not found:
        raise OcrError("orientation detection found too few characters")
    # orient_deg: how far the page is turned clockwise; the CLI's "Rotate:" undoes it.
    return (360 - int(found["orient_deg"])) % 360, float(found["orient_conf"])

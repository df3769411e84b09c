"""The scanned image of one page, taken from its per-page searchable PDF.

The pipeline's per-page PDF holds the (preprocessed) page image whose pixel grid the OCR
word boxes refer to. We hand that image out as JPEG: the embedded JPEG bytes when the PDF
holds one, otherwise the decoded image re-encoded, and as a last resort a rasterisation
with pdftoppm at the page's pixel size. Results are cached in memory (small LRU).
"""

from __future__ import annotations

import io
import subprocess
import tempfile
import threading
from pathlib import Path

from cachetools import LRUCache
from pypdf import PdfReader

_CACHE_SIZE = 64
_cache: LRUCache[tuple[str, float], bytes] = LRUCache(maxsize=_CACHE_SIZE)
_lock = threading.Lock()


def _from_embedded(pdf: Path) -> bytes | None:
    reader = PdfReader(str(pdf))
    if not reader.pages:
        return None
    images = list(reader.pages[0].images)
    if not images:
        return None
    # The scan is the largest image on the page.
    img = max(images, key=lambda i: len(i.data))
    if img.data[:3] == b"\xff\xd8\xff":
        return img.data
    pil = img.image
    if pil is None:
        return None
    buf = io.BytesIO()
    pil.convert("L" if pil.mode in ("1", "L") else "RGB").save(buf, "JPEG", quality=85)
    return buf.getvalue()


def _rasterise(pdf: Path, width: int | None) -> bytes | None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "p"
        cmd = ["pdftoppm", "-jpeg", "-singlefile", "-r", "150"]
        if width:
            cmd += ["-scale-to-x", str(width), "-scale-to-y", "-1"]
        try:
            subprocess.run([*cmd, str(pdf), str(out)], check=True, timeout=60, capture_output=True)
        except (OSError, subprocess.SubprocessError):
            return None
        jpg = out.with_suffix(".jpg")
        return jpg.read_bytes() if jpg.exists() else None


def page_jpeg(pdf: Path, width: int | None = None) -> bytes | None:
    """JPEG bytes of the page image in `pdf`, or None if it cannot be read."""
    try:
        key = (str(pdf), pdf.stat().st_mtime)
    except OSError:
        return None
    with _lock:
        hit = _cache.get(key)
    if hit is not None:
        return hit
    try:
        data = _from_embedded(pdf)
    except Exception:  # a broken PDF: fall back to the rasteriser
        data = None
    if data is None:
        data = _rasterise(pdf, width)
    if data is not None:
        with _lock:
            _cache[key] = data
    return data

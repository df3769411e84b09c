"""Clean one grey page image for Tesseract (OpenCV) and measure its quality.

Order: measure → orientation (0/90/180/270) → flatten the illumination (divide by the
background, kept grey: OCR-NOTES.md turns 75% CER into <1% on badly lit pages) → deskew
(projection profile, coarse to fine) → light denoise. The page is deliberately NOT binarised:
Tesseract's LSTM reads grey levels and binarising doubles CER on good pages. Quality figures
go into `PageQuality`; `rescan_reasons` turns them (plus OCR confidence) into advice.
Orientation uses Tesseract's OSD through `ingest.ocr` (the only module that runs Tesseract),
and only when cheap signals say the page may be turned. This module reads and writes no files.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from schemas import PageQuality

# Thresholds for "needs rescan", measured on rendered Vietnamese A4 pages (see
# tests/test_preprocess.py and the figures in the module tests): sharp 300-dpi text gives a
# normalised sharpness of 800-3000, Gaussian blur σ=2 (unreadable tones) gives < 150.
MIN_SHARPNESS = 150.0
MIN_CONTRAST = 20.0  # grey-level std-dev; a page of faint text on grey paper is below
MIN_DPI = 200
MIN_MEAN_CONF = 70.0  # mean Tesseract word confidence; good pages give 88-95
MAX_SKEW_CORRECTABLE = 15.0


@dataclass
class CleanPage:
    image: np.ndarray  # 2-D uint8, deskewed, flattened, same scale as the input
    quality: PageQuality
    steps: list[str] = field(default_factory=list)  # what was done, for logs and tests


# --- measurements ------------------------------------------------------------------------


def _downscale(grey: np.ndarray, dpi: int, target_dpi: int) -> tuple[np.ndarray, float]:
    scale = min(1.0, target_dpi / float(dpi))
    if scale >= 0.999:
        return grey, 1.0
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return small, scale


def estimate_background(grey: np.ndarray, dpi: int) -> np.ndarray:
    """The paper's brightness under the text: max filter (close) then smoothing, computed on
    a ~38-dpi copy and scaled back up. Ink strokes are far thinner than the kernel."""
    small, scale = _downscale(grey, dpi, 38)
    # A kernel wider than a character's stroke cluster at 38 dpi (≈ 1/5 inch).
    k = 9
    closed = cv2.morphologyEx(
        small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))
    )
    closed = cv2.dilate(closed, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    bg = cv2.GaussianBlur(closed, (0, 0), 3)
    if scale < 1.0:
        bg = cv2.resize(bg, (grey.shape[1], grey.shape[0]), interpolation=cv2.INTER_LINEAR)
    return bg


def sharpness(grey: np.ndarray, dpi: int) -> float:
    """Variance of the Laplacian on a 150-dpi copy, over text areas only (so that wide
    margins do not make a sharp page look blurred)."""
    small, _ = _downscale(grey, dpi, 150)
    lap = cv2.Laplacian(small, cv2.CV_64F)
    tiles = _text_tiles(small)
    if tiles is None:
        return float(lap.var())
    return float(lap[tiles].var())


def _text_tiles(small: np.ndarray) -> np.ndarray | None:
    """Mask of 32×32 tiles holding ink (grey spread), or None when the page is blank."""
    h, w = small.shape
    t = 32
    hh, ww = h // t * t, w // t * t
    if hh == 0 or ww == 0:
        return None
    blocks = small[:hh, :ww].reshape(hh // t, t, ww // t, t).astype(np.float32)
    spread = blocks.max(axis=(1, 3)) - blocks.min(axis=(1, 3))
    inked = spread > 60
    if inked.sum() < 4:
        return None
    mask = np.zeros_like(small, dtype=bool)
    mask[:hh, :ww] = np.repeat(np.repeat(inked, t, axis=0), t, axis=1)
    return mask


# --- orientation -------------------------------------------------------------------------


def line_direction_ratio(ink: np.ndarray) -> float:
    """Horizontal-text evidence: variance of row sums / variance of column sums of ink.
    Upright or upside-down text lines give > 1; a page turned 90° gives < 1."""
    rows = ink.sum(axis=1, dtype=np.float64)
    cols = ink.sum(axis=0, dtype=np.float64)
    # Compare on equal lengths (per-pixel normalisation).
    rv = rows.var() / max(1, ink.shape[1]) ** 2
    cv = cols.var() / max(1, ink.shape[0]) ** 2
    return float(rv / cv) if cv > 0 else float("inf")


def rotate_quadrant(grey: np.ndarray, degrees: int) -> np.ndarray:
    """Rotate clockwise by 0/90/180/270."""
    d = degrees % 360
    if d == 90:
        return cv2.rotate(grey, cv2.ROTATE_90_CLOCKWISE)
    if d == 180:
        return cv2.rotate(grey, cv2.ROTATE_180)
    if d == 270:
        return cv2.rotate(grey, cv2.ROTATE_90_COUNTERCLOCKWISE)
    return grey


# --- deskew ------------------------------------------------------------------------------


def _ink_mask(flat: np.ndarray) -> np.ndarray:
    """Ink = darker than 75% of the (already flattened) background."""
    return (flat < 191).astype(np.uint8)


def _profile_score(ink: np.ndarray, angle: float) -> float:
    h, w = ink.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    rotated = cv2.warpAffine(ink, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    rows = rotated.sum(axis=1, dtype=np.float64)
    return float(np.square(np.diff(rows)).sum())


def estimate_skew(flat: np.ndarray, dpi: int, limit: float = MAX_SKEW_CORRECTABLE) -> float:
    """Skew in degrees (positive = text rises to the right… as cv2's angle convention: the
    angle to rotate by to make lines horizontal). Projection profile on a ~100-dpi ink mask,
    searched coarse to fine down to 0.025°."""
    small, _ = _downscale(flat, dpi, 100)
    ink = _ink_mask(small)
    if ink.sum() < 200:
        return 0.0
    best, step, span = 0.0, 1.0, limit
    while step >= 0.025:
        angles = np.arange(best - span, best + span + step / 2, step)
        scores = [_profile_score(ink, float(a)) for a in angles]
        best = float(angles[int(np.argmax(scores))])
        span, step = step, step / 4
    return best


def rotate_small(grey: np.ndarray, angle: float) -> np.ndarray:
    """Rotate by a small angle (degrees, counter-clockwise) keeping the size, white fill."""
    h, w = grey.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(
        grey, m, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_CONSTANT, borderValue=255
    )


# --- the step ----------------------------------------------------------------------------


def flatten(grey: np.ndarray, dpi: int) -> tuple[np.ndarray, np.ndarray]:
    """Divide by the background (uneven light and paper tone removed), stretch ink to black.
    Returns (flat page, background)."""
    bg = estimate_background(grey, dpi)
    ratio = grey.astype(np.float32) / np.maximum(bg.astype(np.float32), 1.0)
    ratio = np.minimum(ratio, 1.0)
    # Stretch so that the darkest ink (0.5th percentile) becomes black: faint text gains contrast.
    lo = float(np.percentile(ratio[::4, ::4], 0.5))
    lo = min(lo, 0.7)
    out = (ratio - lo) / (1.0 - lo) * 255.0
    return np.clip(out, 0, 255).astype(np.uint8), bg


def measure(grey: np.ndarray, dpi: int) -> PageQuality:
    """Quality figures of the page as loaded (before cleaning)."""
    bg = estimate_background(grey, dpi)
    return PageQuality(
        sharpness=round(sharpness(grey, dpi), 1),
        contrast=round(float(grey[::2, ::2].std()), 1),
        illumination_range=round(float(np.percentile(bg, 98) - np.percentile(bg, 2)), 1),
        dpi=dpi,
    )


def preprocess(
    grey: np.ndarray,
    dpi: int | None,
    *,
    detect_orientation: bool = True,
    osd_timeout_s: float = 20.0,
) -> CleanPage:
    """Clean one page for OCR and measure it (see the module docstring)."""
    if grey.ndim != 2 or grey.dtype != np.uint8:
        raise ValueError("preprocess expects a 2-D uint8 grey image")
    work_dpi = dpi or 300
    quality = measure(grey, work_dpi)
    quality.dpi = dpi
    steps: list[str] = []

    flat, _ = flatten(grey, work_dpi)
    steps.append("flatten")

    if detect_orientation:
        rotation = _orientation(flat, work_dpi, osd_timeout_s)
        if rotation:
            flat = rotate_quadrant(flat, rotation)
            quality.rotation_deg = rotation
            steps.append(f"rotate {rotation}")

    angle = estimate_skew(flat, work_dpi)
    if abs(angle) >= 0.05:
        flat = rotate_small(flat, angle)
        steps.append(f"deskew {angle:+.2f}")
    quality.skew_deg = round(angle, 2)

    # Light denoise: a 3×3 median removes salt-and-pepper speckle; at ≥ 250 dpi strokes are
    # 3+ px wide and survive it.
    if work_dpi >= 250:
        flat = cv2.medianBlur(flat, 3)
        steps.append("median3")
    return CleanPage(image=flat, quality=quality, steps=steps)


def _orientation(flat: np.ndarray, dpi: int, timeout_s: float) -> int:
    """Clockwise rotation (0/90/180/270) that makes the page upright; 0 when unsure."""
    from ingest.ocr import detect_orientation

    small, _ = _downscale(flat, dpi, 150)
    ink = _ink_mask(small)
    if ink.mean() < 0.002:
        return 0  # blank page
    ratio = line_direction_ratio(ink)
    sideways = ratio < 1.0
    if not sideways and not _maybe_upside_down(ink):
        return 0
    rotation = detect_orientation(small, dpi=min(dpi, 150), timeout_s=timeout_s)
    if rotation is None:
        # OSD failed (sparse page): trust the cheap signal for 90°, leave 180° alone.
        return 0
    return rotation


def _maybe_upside_down(ink: np.ndarray) -> bool:
    """Cheap 180° test: in upright Latin/Vietnamese text lines, the ink above the x-height
    band (ascenders, capitals and tone marks) outweighs the ink below it (descenders, dot
    below). Compares the two halves of each detected text line."""
    rows = ink.sum(axis=1).astype(np.float64)
    if rows.max() <= 0:
        return False
    on = rows > rows.max() * 0.08
    above = below = 0.0
    i, n = 0, len(rows)
    while i < n:
        if not on[i]:
            i += 1
            continue
        j = i
        while j < n and on[j]:
            j += 1
        if j - i >= 4:
            band = rows[i:j]
            core = np.where(band > band.max() * 0.5)[0]
            if core.size:
                top, bottom = i + core[0], i + core[-1]
                above += rows[i:top].sum()
                below += rows[bottom + 1 : j].sum()
        i = j
    if above + below <= 0:
        return False
    # Upright text: above/below ≈ 1.5–3. Upside down: < 1. Ask OSD when below 1.2.
    return above / max(below, 1.0) < 1.2


def rescan_reasons(q: PageQuality) -> list[str]:
    """Why this page should be scanned again (empty list: it is fine)."""
    reasons: list[str] = []
    if q.dpi is not None and q.dpi < MIN_DPI:
        reasons.append(f"resolution {q.dpi} dpi is below {MIN_DPI}")
    if q.sharpness < MIN_SHARPNESS:
        reasons.append(f"too blurry (sharpness {q.sharpness:.0f} < {MIN_SHARPNESS:.0f})")
    if q.contrast < MIN_CONTRAST:
        reasons.append(f"too little contrast ({q.contrast:.0f} < {MIN_CONTRAST:.0f})")
    if q.mean_conf is not None and q.mean_conf < MIN_MEAN_CONF:
        reasons.append(f"low OCR confidence ({q.mean_conf:.0f} < {MIN_MEAN_CONF:.0f})")
    return reasons

"""Clean one grey page image for Tesseract (OpenCV) and measure its quality.

Order: measure → flatten the illumination (divide by the background, kept grey: docs/ocr.md §3
turns 75% CER into <1% on badly lit pages) → orientation (0/90/180/270) → deskew (projection
profile, coarse to fine) → light denoise (noisy paper → white). The page is deliberately NOT
binarised: Tesseract's LSTM reads grey levels and binarising doubles CER on good pages. Quality
figures go into `PageQuality`; `rescan_reasons` turns them (plus OCR confidence) into advice.
Orientation uses Tesseract's OSD through `ingest.ocr` (the only module that runs Tesseract),
and only when cheap signals say the page may be turned. This module reads and writes no files.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from schemas import PageQuality

# Thresholds for "needs rescan", measured on rendered Vietnamese A4 pages (Liberation Serif
# 13 pt) with real Tesseract (figures: sharpness on the flattened page → CER):
#   clean 10395 → 0.00%, office 5933 → 0.00%, poor 200 dpi 3857 → 0.08%,
#   Gaussian blur σ=1.5 2242 → 0.34%, σ=2 1394 → 0.76%, σ=3 548 → 0.59%, σ=4 193 → 2.44%.
# Sharpness is taken AFTER flattening so that faint-but-sharp pages (ink at grey 215 on white:
# raw sharpness 81, flattened 2866, CER 0.08%) are not called blurred.
MIN_SHARPNESS = 300.0
# Grey-level std-dev of the page as scanned; ink at grey 215 on white gives 6.7 and still
# reads at 0.08% CER after flattening, so only near-blank-looking scans are flagged.
MIN_CONTRAST = 5.0
MIN_DPI = 200
# Mean word confidence does NOT track CER well (plain Tesseract on the poor page: 19% CER at
# conf 94; good pages 95–96), but an upside-down or garbage page falls to ~40.
MIN_MEAN_CONF = 70.0
MAX_SKEW_CORRECTABLE = 15.0
# `line_direction_ratio` compares the profiles within this many bands: over a whole page, a
# skew of 2-3° (before the deskew, which needs to know which way the lines run) smears the row
# profile, and the margins, blocks and edge speckle of a sparse page fill the column profile.
# The whole-page ratio called 2 upright pages sideways (0.61, 0.91: OSD for nothing, ~0.3 s
# each) of 170 page images (67 real, 64 bench, 39 archive) with at least 0.4% ink; within 16
# bands the least of them reads 1.10 (8 bands: 1.01), and the archive's page turned 90° 0.27.
LINE_STRIPS = 16
BLANK_INK = 0.001  # share of ink pixels below which a page is blank (a text page: 3–6%)
# `looks_upside_down` asks OSD (~0.45 s of Tesseract) below this `upright_ratio`. Rendered
# pages: upright ≥ 3.8, upside down ≤ 0.35; but deskewed upright pages with little text or a
# signature block read 1.01–1.18 (3 of 16 poor bench pages, none turned, OSD each time) and
# 1.13–1.45 (3 of 67 real pages; two sparse ones 0.04 and 0.76), so 1.5 sent ~1 page in 6 to
# OSD for nothing. A turned page the cheap test misses reads at mean confidence ~40 and gets
# OSD from that check in `ingest.page` (one more recognition, on turned pages only).
UPRIGHT_RATIO_MIN = 0.6


# The page is cleaned at its scan resolution (at most MAX_WORK_DPI: larger scans are reduced
# first, INTER_AREA), then the copy Tesseract reads is brought to OCR_DPI: enlarged (bicubic) or
# reduced (INTER_AREA) as the last step. The archive's PDF shows the page at its own resolution
# (`CleanPage.view`). Measured with the whole page step (`process_page`) on 24 office (300 dpi)
# and 24 poor (200 dpi, skew, uneven light, noise, seals, signatures) samplegen pages, CER /
# Tesseract CPU per page, 2 seeds, when the whole cleaning ran at the OCR resolution:
#   300 dpi:  office 0.15% / 0.16%, 1.26 s;  poor 1.04% / 0.93%, 1.42 s
#   250 dpi:  office 0.06% / 0.15%, 1.17 s;  poor 0.99% / 0.90%, 1.27 s
#   200 dpi:  office 0.14% / 0.20%, 1.14 s;  poor 1.16% / 1.10%, 1.16 s
# Cleaning 300-dpi scans at 250 cost one clean page of the e2e sample sets, whose seal and
# signature cross "(Đã ký và đóng dấu)", 4 points of CER (MAX_WORK_DPI stays 300). Cleaning at
# 300 and reducing only the OCR copy to 250 (session 3, 12 office pages, cleaned once, the same
# Tesseract call): 1.64 → 1.39 s of Tesseract CPU a page, CER 0.15% both; 225 and 200 dpi saved
# nothing more and read worse (0.29%, 0.20%). Poor pages read at 225 or 200 instead of 250:
# 0.80%, 0.96% against 0.79%.
# Rotating with bilinear instead of bicubic interpolation saves ~40 ms on an office page but
# costs poor pages 0.3 points of CER.
# Decided again on 42 real pages with hand-made truth (`scripts/score-ocr --real`, mostly
# 300-dpi colour and 1-bit office scans): the OCR copy at 250 dpi read 1.20% CER / 3.04% word
# errors at 2.16 CPU s a page; at the scan's own resolution 1.23% / 3.25% at 2.41 s.
OCR_DPI = 250
MAX_WORK_DPI = 300
ROTATE_INTERP = cv2.INTER_CUBIC

# `clear_marks`: ink is a connected region darker than CORE_GREY that holds at least one pixel
# darker than SEED_GREY (on the flattened page, ink ≈ 0–20, paper 255). Mid-grey stamps (a red
# seal in a grey scan), paper noise and specks never reach SEED_GREY and are whitened; so is
# everything farther than ~1/150 inch from ink. Measured on samplegen pages with signatures
# and stamps (mean CER): clean 6.3% → 0.9%, office 2.2% → 0.2%, poor 43.7% → 3.0%.
# SEED_GREY was 60 until tone marks were measured: on poor 200-dpi pages the marks above a
# circumflex (ố, ồ, ổ) are small and faint, never reached 60 and were wiped as specks
# ("số" → "sô"); at 90 they stay (24 poor pages: 1.43% → 0.93% CER), and seals, which now
# reach 90 too, are removed by shape (`seal_rings`, `MARK_HEIGHT`) instead of by grey level.
CORE_GREY = 130
SEED_GREY = 90
TALL_STROKE_IN = 0.06
# A component this many times taller than the page's letters is a mark, not text.
MARK_HEIGHT = 2.2
SEAL_DPI = 50
RING_SPREAD = 0.06  # see `_follows_circle`: half the width of the band a ring is sought in
# `_text_bands`: line pieces are found at 1/BAND_SCALE; two pieces of a line up to BRIDGE_GAP
# letter heights apart are one line when marks cover BRIDGE_FILL of the gap's columns.
BAND_SCALE = 4
BRIDGE_GAP = 12.0
BRIDGE_FILL = 0.6
STRAY_MAX = 6
STRAY_BASELINE = 0.5


# `colour_ink`: on colour scans, red seals, blue or violet signatures and handwriting are told
# from the black print by colour: a pixel whose chroma (max − min of R, G, B) reaches INK_CHROMA
# and whose hue is not yellow or green (yellowed paper, highlighter) is ink, and is turned white
# in the copy Tesseract reads (the archive's view keeps it). Print over a seal stays black (no
# chroma). Measured on 12 real pages (docs/ocr.md §3): 9.8% → 7.8% CER, names under seals back.
INK_CHROMA = 60
INK_NOT_HUES = (12, 100)  # OpenCV hue (0–180) from orange-yellow to cyan: not ink
SEAL_INK = 0.05  # mean of the 0/255 ink mask (~1/5000 of the page): a seal's fragment


@dataclass
class CleanPage:
    image: np.ndarray  # 2-D uint8, deskewed, flattened, marks cleared: what Tesseract reads
    quality: PageQuality
    steps: list[str] = field(default_factory=list)  # what was done, for logs only
    blank: bool = False  # no ink at all: nothing to read, nothing to rescan
    dpi: int = 300  # of `image`: OCR_DPI, or the scan's if higher when marks cross text
    # The page as a person should see it (the searchable PDF's image): deskewed, turned,
    # flattened and whitened like `image`, but seals, signatures and every other mark kept;
    # at `view_dpi` (the scan's, at most MAX_WORK_DPI). None only in hand-made instances.
    view: np.ndarray | None = None
    view_dpi: int = 300
    # Coloured ink (see `colour_ink`) in `image`'s geometry, 255 = ink; None for grey scans.
    ink: np.ndarray | None = None
    # Marks cleared before OCR: seals, signatures, stamps (a share of the page for coloured
    # ink). A blank page that had some is a seal-only (giáp lai) page, not one to rescan.
    marked: bool = False
    osd_done: bool = False  # Tesseract's orientation detection was asked already

    def rotate_180(self) -> None:
        self.image = rotate_quadrant(self.image, 180)
        if self.view is not None:
            self.view = rotate_quadrant(self.view, 180)
        if self.ink is not None:
            self.ink = rotate_quadrant(self.ink, 180)


def colour_ink(rgb: np.ndarray, dpi: int) -> np.ndarray:
    """Mask (uint8, 255 = ink) of the coloured ink of an RGB page (see INK_CHROMA), grown by
    ~1/150 inch to take the ink's paler edges."""
    c0, c1, c2 = cv2.split(rgb)  # OpenCV, not ndarray.max(axis=2): 20x faster, same values
    chroma = cv2.subtract(cv2.max(cv2.max(c0, c1), c2), cv2.min(cv2.min(c0, c1), c2))
    lo, hi = INK_NOT_HUES
    # 0/255 masks by OpenCV (a quarter of NumPy's boolean arithmetic): strong chroma, less
    # the hues that are not ink (saturation and value take any level).
    strong = cv2.threshold(chroma, INK_CHROMA - 1, 255, cv2.THRESH_BINARY)[1]
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    not_ink = cv2.inRange(hsv, (lo, 0, 0), (hi, 255, 255))
    ink = cv2.subtract(strong, not_ink)
    r = max(1, round(dpi / 150))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    return cv2.dilate(ink, kernel)


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
    # In int16 (a 3×3 Laplacian of uint8 fits): the same sums as in float64, so the same
    # figure on the 32 bench pages, 2 ms less a page (half the memory).
    lap = cv2.Laplacian(small, cv2.CV_16S)
    tiles = _text_tiles(small)
    if tiles is None:
        return float(lap.var())
    # OpenCV's masked mean/std-dev: the same figure as NumPy's `lap[mask].var()` to the
    # 0.1 kept (32 bench pages), without the copy of the masked values.
    _, sd = cv2.meanStdDev(lap, mask=tiles)
    return float(sd[0, 0]) ** 2


def _text_tiles(small: np.ndarray) -> np.ndarray | None:
    """Mask (uint8, 1 = tile) of 32×32 tiles holding ink (grey spread), or None when the
    page is blank. Reduced along the rows first, in uint8 (no float copy of the page)."""
    h, w = small.shape
    t = 32
    hh, ww = h // t * t, w // t * t
    if hh == 0 or ww == 0:
        return None
    blocks = small[:hh, :ww].reshape(hh // t, t, ww // t, t)
    # Over the tile's rows first (axis 1: whole image rows at once, vectorised), then over
    # its 32 columns: the same figures as the other order in a twentieth of the time.
    spread = blocks.max(axis=1).max(axis=2).astype(np.int16) - blocks.min(axis=1).min(axis=2)
    inked = spread > 60
    if inked.sum() < 4:
        return None
    mask = np.zeros(small.shape, dtype=np.uint8)
    mask[:hh, :ww] = cv2.resize(inked.astype(np.uint8), (ww, hh), interpolation=cv2.INTER_NEAREST)
    return mask


# --- orientation -------------------------------------------------------------------------


def line_direction_ratio(ink: np.ndarray, strips: int = LINE_STRIPS) -> float:
    """Horizontal-text evidence: the variance of the ink's row sums / that of its column
    sums, per pixel, each taken within `strips` bands across the other way and averaged.
    Upright or upside-down text lines give > 1; the page turned 90° gives the inverse."""

    def band_variance(a: np.ndarray) -> float:  # row sums within vertical bands
        n = a.shape[1]
        edges = np.arange(min(strips, n)) * n // min(strips, n)
        sums = np.add.reduceat(a, edges, axis=1, dtype=np.float64)
        widths = np.diff(edges, append=n)
        return float(np.mean(sums.var(axis=0) / widths.astype(np.float64) ** 2))

    rv, cv = band_variance(ink), band_variance(ink.T)
    return rv / cv if cv > 0 else float("inf")


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


def _centred(ink: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The ink points of a mask (uint8 or bool) as (y − h/2, x − w/2), in row-major order,
    for `_profile_score` (`cv2.findNonZero`: NumPy's 2-D `nonzero` took 3.3 against 0.7 ms
    on a 100-dpi page)."""
    h, w = ink.shape
    xs, ys = set_pixels(ink.view(np.uint8))
    return ys - h / 2, xs - w / 2


def set_pixels(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(xs, ys) of a uint8 mask's non-zero pixels, in row-major order (`cv2.findNonZero`,
    which answers None for an empty mask)."""
    pts = cv2.findNonZero(mask)
    pts = np.zeros((0, 2), np.int32) if pts is None else pts.reshape(-1, 2)
    return pts[:, 0], pts[:, 1]


def _profile_score(dy: np.ndarray, dx: np.ndarray, h: int, angle: float) -> float:
    """Sharpness of the row profile of ink points (`_centred`: y, x about the centre of an
    image `h` rows high) rotated by `angle` degrees about the centre (as
    `cv2.getRotationMatrix2D`/`warpAffine` would move them): text lines make tall, narrow
    peaks when they are horizontal. In place, in as few passes as the figures allow (the
    same arithmetic as the plain expression, so the same rows); points rotated off the
    image fall into two spare rows, not counted."""
    a = np.deg2rad(angle)
    y = dx * -np.sin(a)
    y += dy * np.cos(a)
    y += h / 2
    np.rint(y, out=y)
    rows = y.astype(np.intp)
    np.clip(rows, -1, h, out=rows)
    rows += 1
    profile = np.bincount(rows, minlength=h + 2)[1 : h + 1].astype(np.float64)
    return float(np.square(np.diff(profile)).sum())


def estimate_skew(
    flat: np.ndarray,
    dpi: int,
    limit: float = MAX_SKEW_CORRECTABLE,
    ink: np.ndarray | None = None,
) -> float:
    """Skew in degrees (positive = text rises to the right… as cv2's angle convention: the
    angle to rotate by to make lines horizontal). Projection profile of the ink pixels of a
    ~100-dpi copy, searched coarse to fine down to 0.025°; the points are projected, not the
    image rotated (≈ 10× cheaper than one warp per angle). `ink`: `_small_ink(flat, dpi)`
    when the caller has it already."""
    if ink is None:
        ink = _small_ink(flat, dpi)
    if ink.sum() < 200:
        return 0.0
    # Whole-degree steps over ±limit on a ~50-dpi copy (a pixel holds ink if any of its four
    # did): a quarter of the points for half of the rotations; then finer steps at ~100 dpi.
    h, w = ink.shape
    coarse = cv2.resize(ink * 255, (w // 2, h // 2), interpolation=cv2.INTER_AREA) > 0
    cy, cx = _centred(coarse)
    angles = np.arange(-limit, limit + 0.5, 1.0)
    scores = [_profile_score(cy, cx, h // 2, float(a)) for a in angles]
    ys, xs = _centred(ink)
    best, step, span = float(angles[int(np.argmax(scores))]), 0.25, 1.0
    while True:
        angles = np.arange(best - span, best + span + step / 2, step)
        scores = [_profile_score(ys, xs, h, float(a)) for a in angles]
        best = float(angles[int(np.argmax(scores))])
        if step <= 0.025:
            break
        span, step = step, step / 4
    # Sub-step refinement: the vertex of the parabola through three samples around the peak
    # (halves the residual error: measured ≤ 0.03° on rendered pages, 0°–4°).
    h = 4 * step
    s0, s1, s2 = (_profile_score(ys, xs, ink.shape[0], best + d) for d in (-h, 0.0, h))
    curvature = s0 - 2 * s1 + s2
    if curvature < 0:
        best += float(np.clip((s0 - s2) / (2 * curvature), -1, 1)) * h
    return best


def rotate_small(grey: np.ndarray, angle: float) -> np.ndarray:
    """Rotate by a small angle (degrees, counter-clockwise) keeping the size, white fill."""
    h, w = grey.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(
        grey, m, (w, h), flags=ROTATE_INTERP, borderMode=cv2.BORDER_CONSTANT, borderValue=255
    )


# --- the step ----------------------------------------------------------------------------


def grey_levels(grey: np.ndarray) -> np.ndarray:
    """How many pixels of a uint8 image (or a strided view of one) have each grey level, as
    `np.bincount(grey.ravel(), minlength=256)`: by OpenCV (half its time on the 1/9 and 1/16
    samples taken below), whose float32 counts are exact below 2**24 pixels."""
    hist = cv2.calcHist([grey], [0], None, [256], [0, 256])
    counts: np.ndarray = hist.ravel().astype(np.int64)
    return counts


def flatten(grey: np.ndarray, dpi: int) -> tuple[np.ndarray, np.ndarray]:
    """Divide by the background (uneven light and paper tone removed), stretch ink to black.
    Returns (flat page, background)."""
    bg = estimate_background(grey, dpi)
    # grey / background as 0..255 in one saturating uint8 pass (ratios above 1 become 255),
    # then the stretch as a look-up table: no float image at all (measured 3× faster than
    # the float32 version, same CER).
    ratio = cv2.divide(grey, cv2.max(bg, 1), scale=255.0)
    # Stretch so that the darkest ink (0.5th percentile) becomes black: faint text gains contrast.
    hist = grey_levels(ratio[::4, ::4])
    lo = int(np.searchsorted(np.cumsum(hist), 0.005 * hist.sum()))
    lo = min(lo, round(0.7 * 255))
    lut = np.clip((np.arange(256) - lo) * (255.0 / (255 - lo)), 0, 255).round().astype(np.uint8)
    return cv2.LUT(ratio, lut), bg


def whiten_paper(flat: np.ndarray, k: float = 3.0) -> tuple[np.ndarray, int]:
    """Light denoise that leaves strokes alone: paper pixels brighter than (paper median −
    k·noise) become white. Noise is the MAD of the paper; on poor pages the division by a dark
    background amplifies it. Measured: CER unchanged, the page's JPEG 25–40% smaller."""
    # Median and MAD from the grey-level histogram (uint8: exact, and no sort).
    hist = grey_levels(flat[::3, ::3])[129:]
    if hist.sum() == 0:
        return flat, 255
    levels = np.arange(129, 256)
    med = float(levels[np.searchsorted(np.cumsum(hist), (hist.sum() + 1) / 2)])
    dev = np.abs(levels - med)
    order = np.argsort(dev, kind="stable")
    mad_i = np.searchsorted(np.cumsum(hist[order]), (hist.sum() + 1) / 2)
    mad = float(dev[order][mad_i]) * 1.4826
    threshold = int(max(128, min(245, med - k * mad)))
    lut = np.arange(256, dtype=np.uint8)
    lut[threshold:] = 255
    return cv2.LUT(flat, lut), threshold


def _text_bands(
    st: np.ndarray,
    letters: np.ndarray,
    text_h: float,
    shape: tuple[int, int],
    marked: np.ndarray | None = None,
) -> tuple[Coarse, Coarse, list[int]]:
    """Mask of text lines: the boxes of letter-like components, smeared along the line (gaps
    up to ~4 letter heights bridged, as run-length smearing does: a word a seal or signature
    swallowed leaves such a gap), kept where a band holds several letters, padded by a letter
    and a half either side. Returns (lines, lines with ~0.7 of a letter above for stacked
    tone marks and 0.3 below, components that are not text after all).

    `marked` (at 1/BAND_SCALE of the page, see `_marked_small`) is the ink of the marks: two
    pieces of one line up to BRIDGE_GAP letter heights apart are joined when marks fill the
    gap (a seal ring or signature swallowed the words between them: "Phạm [Minh] Toàn",
    "( [Đã ký] và đóng dấu)"), so that the letters under the mark are kept. A short piece
    next to a mark whose "letters" do not stand on one baseline is what a signature leaves
    when it breaks into strokes of a letter's size: not a line, and its components are
    returned to be cleared with the mark."""
    f = BAND_SCALE  # drawn at 1/4 scale: bands are coarse, and this is 16× less to close
    hs, ws = shape[0] // f + 1, shape[1] // f + 1
    boxes = np.zeros((hs, ws), dtype=np.uint8)
    # Boxes as Python ints once (not four NumPy scalars converted per component).
    for x, y, w, h in st[letters, :4].tolist():
        boxes[y // f : (y + h) // f + 1, x // f : (x + w) // f + 1] = 1
    gap = max(3, int(4 * text_h / f))
    smeared = cv2.morphologyEx(
        boxes, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (gap, 1))
    )
    _, _, bst, _ = labelled(smeared, connectivity=4)
    pieces = bst[1:, :4].astype(np.int64)
    if marked is not None and len(pieces) > 1:
        pieces = _bridge_marks(pieces, marked, BRIDGE_GAP * text_h / f)
    band = np.zeros_like(boxes)
    near = np.zeros_like(boxes)
    pad = max(1, int(1.5 * text_h / f))
    up, down = max(1, int(0.7 * text_h / f)), max(1, int(0.3 * text_h / f))
    strays: list[int] = []
    for x, y, w, h in pieces:
        if marked is not None:
            stray = _stray_strokes(st, letters, text_h, (x, y, w, h), marked)
            if stray:
                strays.extend(stray)
                continue
        if w >= 3 * text_h / f:  # several letters: a line (its whole box: capitals too)
            band[y : y + h, max(0, x - pad) : x + w + pad] = 1
            # Around it, the tone marks above its capitals (Ấ, Ỗ) and dots below (ạ, ụ).
            near[max(0, y - up) : y + h + down, max(0, x - pad) : x + w + pad] = 1
    return Coarse(band > 0, shape), Coarse(near > 0, shape), strays


class Coarse:
    """A mask drawn at 1/BAND_SCALE, read box by box in page pixels as if it had been enlarged
    to the page's `shape` by `cv2.resize` (INTER_NEAREST): the same values, without making
    the page-sized copy (two of them cost ~10 ms a 300-dpi page; the boxes read are few)."""

    def __init__(self, small: np.ndarray, shape: tuple[int, int]) -> None:
        self.small = small
        self.rows = _nearest_cells(small.shape[0], shape[0])
        self.cols = _nearest_cells(small.shape[1], shape[1])

    def any(self, x: int, y: int, w: int, h: int) -> bool:
        """Whether the box holds a set pixel (the cells a box takes are a contiguous run)."""
        r, c = self.rows, self.cols
        return bool(self.small[r[y] : r[y + h - 1] + 1, c[x] : c[x + w - 1] + 1].any())

    def crop(self, x: int, y: int, w: int, h: int) -> np.ndarray:
        """The box's pixels."""
        box: np.ndarray = self.small[np.ix_(self.rows[y : y + h], self.cols[x : x + w])]
        return box

    def at(self, ys: np.ndarray, xs: np.ndarray) -> np.ndarray:
        """The pixels at (ys, xs)."""
        values: np.ndarray = self.small[self.rows[ys], self.cols[xs]]
        return values

    def any_of(self, boxes: np.ndarray) -> np.ndarray:
        """`any` of each box (rows of x, y, w, h), from a summed-area table of the cells."""
        x, y, w, h = (boxes[:, i] for i in range(4))
        r0, r1 = self.rows[y], self.rows[y + h - 1] + 1
        c0, c1 = self.cols[x], self.cols[x + w - 1] + 1
        sums = cv2.integral(self.small.astype(np.uint8), sdepth=cv2.CV_32S)
        inked: np.ndarray = (sums[r1, c1] - sums[r0, c1] - sums[r1, c0] + sums[r0, c0]) > 0
        return inked


def _nearest_cells(n: int, size: int) -> np.ndarray:
    """For each of `size` pixels, which of `n` cells `cv2.resize` (INTER_NEAREST) copies into
    it: OpenCV's own mapping, taken by enlarging the cells' numbers."""
    cells = np.arange(n, dtype=np.int32).reshape(n, 1)
    return cv2.resize(cells, (1, size), interpolation=cv2.INTER_NEAREST).ravel()


def _stray_strokes(
    st: np.ndarray,
    letters: np.ndarray,
    text_h: float,
    piece: tuple[int, int, int, int],
    marked: np.ndarray,
) -> list[int]:
    """The letter-sized components of `piece` (a box at 1/BAND_SCALE) if they are the strokes
    of a broken-up signature, else []: at most STRAY_MAX letters, within a letter height of a
    mark, fewer than STRAY_BASELINE of them ending on their median bottom (±0.2 letter). On
    the sample pages text lines score 0.67–1.0 (descenders, dots below), signature strokes
    0.0–0.4."""
    f = BAND_SCALE
    x, y, w, h = piece
    d = max(1, int(text_h / f))
    if not marked[max(0, y - d) : y + h + d, max(0, x - d) : x + w + d].any():
        return []
    cx = st[:, 0] + st[:, 2] // 2
    cy = st[:, 1] + st[:, 3] // 2
    inside = letters & (cx >= x * f) & (cx < (x + w) * f) & (cy >= y * f) & (cy < (y + h) * f)
    idx = np.flatnonzero(inside)
    if len(idx) == 0 or len(idx) > STRAY_MAX:
        return []
    bottoms = st[idx, 1] + st[idx, 3]
    on_line = np.abs(bottoms - np.median(bottoms)) <= 0.2 * text_h
    return [int(i) for i in idx] if on_line.mean() < STRAY_BASELINE else []


def _bridge_marks(pieces: np.ndarray, marked: np.ndarray, far: float) -> np.ndarray:
    """Join pieces of a line (x, y, w, h boxes) whose gap, at most `far`, marks fill: each
    piece with its nearest neighbour to the right on the same line (rows overlapping by half
    the smaller height, heights within 2×), when `marked` has ink in ≥ BRIDGE_FILL of the
    gap's columns within the shared rows. Returns the joined boxes."""
    n = len(pieces)
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    x, y, w, h = pieces.T
    right, bottom = x + w, y + h
    for a in range(n):
        g = x - right[a]
        overlap = np.minimum(bottom, bottom[a]) - np.maximum(y, y[a])
        ok = (
            (g > 0)
            & (g <= far)
            & (overlap >= 0.5 * np.minimum(h, h[a]))
            & (np.maximum(h, h[a]) <= 2 * np.minimum(h, h[a]))
        )
        if not ok.any():
            continue
        b = int(np.flatnonzero(ok)[np.argmin(g[ok])])
        top, low = max(y[a], y[b]), min(bottom[a], bottom[b])
        cols = marked[top:low, right[a] : x[b]].any(axis=0)
        if cols.size and cols.mean() >= BRIDGE_FILL:
            parent[root(a)] = root(b)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(root(i), []).append(i)
    out = []
    for members in groups.values():
        m = pieces[members]
        x0, y0 = m[:, 0].min(), m[:, 1].min()
        out.append((x0, y0, (m[:, 0] + m[:, 2]).max() - x0, (m[:, 1] + m[:, 3]).max() - y0))
    return np.array(out, dtype=np.int64)


def _marked_small(ink: Ink, mark: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """The pixels of the `mark` components, at 1/BAND_SCALE (a cell is set if any of its
    pixels is)."""
    f = BAND_SCALE
    out = np.zeros((shape[0] // f + 1, shape[1] // f + 1), dtype=bool)
    on = mark[ink.label]
    out[ink.ys[on] // f, ink.xs[on] // f] = True
    return out


def seal_rings(flat: np.ndarray, dpi: int) -> list[tuple[int, int, int]]:
    """Circles (x, y, radius in page pixels) of round seals: Vietnamese agency seals are rings
    35–42 mm across (radius ≈ 0.7 in) with a star or emblem inside; scanned in grey their thin
    ring breaks into fragments that no size rule catches. Hough transform on a 50-dpi copy
    (~10–40 ms); radii 0.35–1 inch."""
    small, scale = _downscale(flat, dpi, SEAL_DPI)
    circles = cv2.HoughCircles(
        small,
        cv2.HOUGH_GRADIENT_ALT,
        dp=1,
        minDist=0.4 * SEAL_DPI,
        param1=300,
        param2=0.7,
        minRadius=round(0.35 * SEAL_DPI),
        maxRadius=SEAL_DPI,
    )
    if circles is None:
        return []
    # Refine each circle on a 100-dpi ink mask: the 50-dpi fit is off by a few page pixels,
    # more than a thin ring is wide. The mask has a border of paper one pixel wide: points of
    # the circle off the page are clipped into it and count no ink.
    fine, fscale = _downscale(flat, dpi, 2 * SEAL_DPI)
    fh, fw = fine.shape
    ink = np.zeros((fh + 2, fw + 2), dtype=bool)
    ink[1:-1, 1:-1] = fine < CORE_GREY
    ink = ink.ravel()
    t = np.linspace(0, 2 * np.pi, 720, endpoint=False)
    cos_t, sin_t = np.cos(t), np.sin(t)
    offsets = np.arange(-4, 5)
    found = []
    for x, y, r in circles[0]:
        x, y, r = x * 2, y * 2, r * 2
        radii = r + np.arange(-3, 3.5, 0.5)
        # Ink hits of each radius's circle at every (dx, dy) shift at once: 13×9×9×720
        # look-ups in one gather; hits[k, i, j]: radius k, shifted by offsets[i], offsets[j].
        # (A loop over the radii with bounds masks: seal_rings 16.2 against 13.3 ms a page on
        # the 32 bench pages with their 24 seals, the same circles.)
        xs = np.round(x + radii[:, None] * cos_t).astype(np.intp)
        ys = np.round(y + radii[:, None] * sin_t).astype(np.intp)
        cols = np.clip(xs[:, None, None, :] + offsets[None, :, None, None], -1, fw) + 1
        rows = np.clip(ys[:, None, None, :] + offsets[None, None, :, None], -1, fh) + 1
        hits = ink[rows * (fw + 2) + cols].sum(3)
        # The first radius (then shift) with the most hits, as a scan over radii in order.
        k, i, j = np.unravel_index(int(np.argmax(hits)), hits.shape)
        x, y, r = x + offsets[i], y + offsets[j], radii[k]
        found.append((round(x / fscale), round(y / fscale), round(r / fscale)))
    return found


def _follows_circle(
    labels: np.ndarray, st: np.ndarray, i: int, circle: tuple[int, int, int]
) -> bool:
    """Component `i` lies along the circle: its pixels' distances to the centre spread over
    at most RING_SPREAD·r + 2 px (5th to 95th percentile). A ring's fragment spreads over its
    stroke's width (≤ 6 px at 300 dpi on the sample seals); a letter the ring passes by
    over its height (20–31 px: "CHI CỤC TRƯỞNG" lost its "CH" to the ring below it)."""
    x, y, w, h = (int(v) for v in st[i, :4])
    ys, xs = np.nonzero(labels[y : y + h, x : x + w] == i)
    cx, cy, r = circle
    d = np.hypot(xs + (x - cx), ys + (y - cy))
    spread = float(np.percentile(d, 95) - np.percentile(d, 5)) if len(d) > 2 else 0.0
    return spread <= RING_SPREAD * r + 2


def components(mask: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """8-connected components of a uint8 mask (0 or not): (count with the background, labels,
    stats) as `cv2.connectedComponentsWithStats` gives them, except the background's row
    (label 0): its area, and the whole image as its box. See `labelled`."""
    n, labels, st, _ = labelled(mask)
    return n, labels, st


@dataclass
class Ink:
    """The set pixels of a mask, in row-major order, and the component each belongs to."""

    ys: np.ndarray
    xs: np.ndarray
    label: np.ndarray


def labelled(mask: np.ndarray, connectivity: int = 8) -> tuple[int, np.ndarray, np.ndarray, Ink]:
    """`components` (or 4-connected ones, labelled by OpenCV's default algorithm) and the
    mask's set pixels (`Ink`). Grana's block-based algorithm (BBDT) gives the same labels as
    OpenCV's default (Spaghetti) on the 32 bench pages in a third of the time. OpenCV's
    statistics pass visits every pixel of the page (and sums centroids that nothing reads:
    16 of its 20 ms on a 200-dpi poor page), so the boxes and areas are gathered here from
    the set pixels alone (`cv2.findNonZero`, ~1 ms): the same figures for every component on
    the 32 bench pages, 20 -> 6 ms a poor page, 18 -> 11 ms an office page."""
    algorithm = cv2.CCL_BBDT if connectivity == 8 else cv2.CCL_DEFAULT
    n, labels = cv2.connectedComponentsWithAlgorithm(mask, connectivity, cv2.CV_32S, algorithm)
    height, width = mask.shape
    xs, ys = set_pixels(mask)
    lab = labels[ys, xs]
    st = np.empty((n, 5), dtype=np.int32)
    big = np.iinfo(np.int32).max
    left, top = np.full(n, big, np.int32), np.full(n, big, np.int32)
    right, bottom = np.zeros(n, np.int32), np.zeros(n, np.int32)
    np.minimum.at(left, lab, xs)
    np.minimum.at(top, lab, ys)
    np.maximum.at(right, lab, xs)
    np.maximum.at(bottom, lab, ys)
    st[:, cv2.CC_STAT_LEFT], st[:, cv2.CC_STAT_TOP] = left, top
    st[:, cv2.CC_STAT_WIDTH] = right - left + 1
    st[:, cv2.CC_STAT_HEIGHT] = bottom - top + 1
    st[:, cv2.CC_STAT_AREA] = np.bincount(lab, minlength=n)
    st[0] = (0, 0, width, height, height * width - len(lab))
    return n, labels, st, Ink(ys, xs, lab)


def clear_marks(flat: np.ndarray, dpi: int) -> tuple[np.ndarray, int, int]:
    """Whiten everything that is not text ink: paper noise, specks, mid-grey stamps, seals,
    handwritten signatures and other marks far taller than the page's letters, except where
    such a mark crosses a line of text (there the letters it touches are kept). Returns (page,
    marks removed, marks that cross text and were kept there).

    Text ink is a component of `flat < CORE_GREY` holding a pixel `< SEED_GREY` (see there);
    pixels within ~1/150 inch of it keep their grey (anti-aliased edges: Tesseract reads grey).
    """
    # 255 where flat < CORE_GREY (one OpenCV pass; 0/255 so that the mask grown from it below
    # is the paper mask as it is, with no scaling pass).
    core = cv2.threshold(flat, CORE_GREY - 1, 255, cv2.THRESH_BINARY_INV)[1]
    n, labels, st, ink = labelled(core)
    area = st[:, cv2.CC_STAT_AREA]
    w = st[:, cv2.CC_STAT_WIDTH]
    h = st[:, cv2.CC_STAT_HEIGHT]
    keep = area >= max(3, round((dpi / 150) ** 2 * 2))
    # A pixel darker than SEED_GREY is one of `core`'s: looked up at core's pixels only.
    seeded = np.bincount(ink.label[flat[ink.ys, ink.xs] < SEED_GREY], minlength=n) > 0
    # Thin strokes of faint 200-dpi scans ("/", "%") never reach SEED_GREY but are taller
    # than any speck (poor pages: 2.9% → 2.5% CER).
    seeded |= h >= TALL_STROKE_IN * dpi
    keep &= seeded
    keep[0] = False
    # The page's letter height: the median height of components between a small letter and
    # a big capital (dots and tone marks, rules and marks left out).
    lettery = keep & (h >= 0.04 * dpi) & (h <= 0.3 * dpi)
    text_h = float(np.median(h[lettery])) if lettery.sum() >= 20 else 0.1 * dpi
    # A mark is far taller than a letter (signature, seal ring, star, table rule), or big and
    # sparse (a flourish). The bút lục sheet number in the top-right corner is not a mark.
    big = 22 * dpi / 72
    fill = area / np.maximum(1, w * h)
    mark = keep & ((h > MARK_HEIGHT * text_h) | ((h > big) & (w > big) & (fill < 0.2)))
    height, width = flat.shape
    corner = (st[:, 1] + h <= CORNER_TOP * height) & (st[:, 0] >= CORNER_RIGHT * width)
    mark &= ~(corner & (h <= CORNER_MAX_H_IN * dpi) & (w <= CORNER_MAX_W_IN * dpi))
    for cx, cy, r in seal_rings(flat, dpi):
        # The ring's fragments (a thin grey ring breaks up) and the star or emblem inside it.
        # Drawn in its own box only (the circle's pixels are the same as on the whole page).
        thick = max(3, round(0.12 * r))
        x0, y0 = max(0, cx - r - thick), max(0, cy - r - thick)
        x1, y1 = min(width, cx + r + thick + 1), min(height, cy + r + thick + 1)
        ring = np.zeros((max(0, y1 - y0), max(0, x1 - x0)), dtype=np.uint8)
        cv2.circle(ring, (cx - x0, cy - y0), r, 1, thickness=thick)
        on = (ring > 0) & (core[y0:y1, x0:x1] > 0)
        on_ring = np.bincount(labels[y0:y1, x0:x1][on], minlength=n)
        # Taller than a letter: an arc, maybe fused with letters it crosses (those are kept
        # where it crosses their line); letter-sized: only if it lies along the circle.
        for i in np.flatnonzero(keep & ~mark & (on_ring >= 0.6 * area)):
            mark[i] = h[i] > 1.5 * text_h or _follows_circle(labels, st, int(i), (cx, cy, r))
        centre_x, centre_y = st[:, 0] + w / 2, st[:, 1] + h / 2
        inside = np.hypot(centre_x - cx, centre_y - cy) < 0.5 * r
        mark |= keep & inside & (h >= 1.3 * text_h) & (w >= 1.3 * text_h)
    letters = keep & ~mark & (h >= 0.5 * text_h)
    marked = _marked_small(ink, mark, flat.shape)
    band, near, strays = _text_bands(st, letters, text_h, flat.shape, marked)
    mark[strays] = True
    # Small ink away from every line of text (dashes of a broken seal ring, specks darker
    # than SEED_GREY, a stray dot) is not text either; things as big as a digit are kept (a
    # page number alone on its line).
    small = np.flatnonzero(keep & ~mark & (h < 0.9 * text_h) & (w < text_h))
    mark[small[~near.any_of(st[small])]] = True
    # The ink mask: `core` less the pixels of the dropped components; a kept component that
    # is a mark keeps its pixels on a line of text (`band`), and counts as crossing it.
    drop = ~keep | mark
    drop[0] = False
    off = drop[ink.label]
    on_line = np.flatnonzero(off & (keep & mark)[ink.label])
    on_line = on_line[band.at(ink.ys[on_line], ink.xs[on_line])]
    crossing = int(np.count_nonzero(np.bincount(ink.label[on_line], minlength=n)))
    off[on_line] = False
    inkmask = core
    inkmask[ink.ys[off], ink.xs[off]] = 0
    r = max(1, round(dpi / 150))
    near_ink = cv2.dilate(
        inkmask, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    )
    # Paper (255) wherever no ink is near (`near_ink` is 0/255): flat | ~near_ink.
    out = cv2.bitwise_or(flat, cv2.bitwise_not(near_ink, dst=near_ink))
    return out, int(mark.sum()), crossing


# `corner_number`: an archive sheet number (bút lục) is written by hand or stamped in the
# top-right corner, above the text. Tesseract's page layout analysis (psm 3) drops such a
# lone short line, so it is found here and read on its own (`ingest.ocr.ocr_number`).
CORNER_TOP = 0.15  # share of the page height searched from the top
CORNER_RIGHT = 0.55  # the cluster starts right of this share of the page width
CORNER_MAX_W_IN = 1.0  # a sheet number is at most a few digits wide
CORNER_MIN_H_IN, CORNER_MAX_H_IN = 0.06, 0.45
CORNER_GAP_IN = 0.08  # blank paper between it and the first text line


def corner_number_box(page: np.ndarray, dpi: int) -> tuple[int, int, int, int] | None:
    """Box (x, y, w, h) of a small isolated ink cluster in the top-right corner of a clean,
    deskewed page, when it is the first thing on the page (nothing else on its rows), else
    None. Works on the output of `clear_marks` (paper is white, specks are gone)."""
    h, w = page.shape
    top = (page[: int(h * CORNER_TOP)] < 128).astype(np.uint8)
    # Specks and lone dots that survived `clear_marks` (poor scans) are not a line of text:
    # only components at least a small letter tall count.
    n, labels, st = components(top)
    tall = st[:, cv2.CC_STAT_HEIGHT] >= 0.05 * dpi
    tall[0] = False
    if not tall.any():
        return None
    top = tall[labels]
    rows = top.sum(axis=1)
    inked = np.flatnonzero(rows > 0)
    if inked.size == 0:
        return None
    # The first band of inked rows: rows until a blank gap of CORNER_GAP_IN.
    gap = max(2, round(CORNER_GAP_IN * dpi))
    y0 = int(inked[0])
    y1 = y0
    for y in inked[1:]:
        if y - y1 > gap:
            break
        y1 = int(y)
    else:
        return None  # no blank gap below it inside the searched band: not a lone mark
    bh = y1 - y0 + 1
    if not CORNER_MIN_H_IN * dpi <= bh <= CORNER_MAX_H_IN * dpi:
        return None
    cols = np.flatnonzero(top[y0 : y1 + 1].any(axis=0))
    x0, x1 = int(cols[0]), int(cols[-1])
    if x0 < CORNER_RIGHT * w or x1 - x0 + 1 > CORNER_MAX_W_IN * dpi:
        return None
    if int(top[y0 : y1 + 1].sum()) < (0.02 * dpi) ** 2 * 4:
        return None  # a few stray pixels
    return x0, y0, x1 - x0 + 1, bh


def _std(a: np.ndarray) -> float:
    """Standard deviation by OpenCV (a third of NumPy's time on a page, the same to 0.1)."""
    _, sd = cv2.meanStdDev(np.ascontiguousarray(a))
    return float(sd[0, 0])


def measure(grey: np.ndarray, flat: np.ndarray, bg: np.ndarray, dpi: int) -> PageQuality:
    """Quality figures: contrast and illumination of the page as scanned, sharpness of the
    flattened page (see MIN_SHARPNESS). `bg` is the background from `flatten`."""
    return PageQuality(
        sharpness=round(sharpness(flat, dpi), 1),
        contrast=round(_std(grey[::2, ::2]), 1),
        illumination_range=round(float(np.ptp(np.percentile(bg[::8, ::8], [2, 98]))), 1),
        dpi=dpi,
    )


def preprocess(
    grey: np.ndarray,
    dpi: int | None,
    *,
    detect_orientation: bool = True,
    osd_timeout_s: float = 20.0,
    colour: np.ndarray | None = None,
) -> CleanPage:
    """Clean one page for OCR and measure it (see the module docstring). `colour` is the
    same page in RGB when the scan has colour: its coloured ink is not read (`colour_ink`)."""
    if grey.ndim != 2 or grey.dtype != np.uint8:
        raise ValueError("preprocess expects a 2-D uint8 grey image")
    work_dpi = dpi or 300
    steps: list[str] = []
    ink = None
    if colour is not None and colour.shape[:2] == grey.shape:
        ink = colour_ink(colour, work_dpi)
    if work_dpi > MAX_WORK_DPI or work_dpi < MIN_DPI:
        # Larger scans are reduced; scans below MIN_DPI (100-dpi pages: tone marks and dots
        # 2–4 px, smaller than the specks `clear_marks` wipes) are enlarged before cleaning.
        f = MAX_WORK_DPI / work_dpi
        interp = cv2.INTER_AREA if f < 1 else cv2.INTER_CUBIC
        grey = cv2.resize(grey, None, fx=f, fy=f, interpolation=interp)
        if ink is not None:
            ink = cv2.resize(ink, (grey.shape[1], grey.shape[0]), interpolation=interp)
        steps.append(f"{'downscale' if f < 1 else 'upscale'} {work_dpi}->{MAX_WORK_DPI} dpi")
        work_dpi = MAX_WORK_DPI
    flat, bg = flatten(grey, work_dpi)
    steps.append("flatten")
    quality = measure(grey, flat, bg, work_dpi)
    quality.dpi = dpi

    # Sideways text is cheap to see (column profile stronger than row profile); which way
    # round needs OSD (~0.8 s, so it only runs when a cheap signal asks for it).
    osd_done = False
    ink100: np.ndarray | None = _small_ink(flat, work_dpi)  # for the tests below, while valid
    if detect_orientation and looks_sideways(flat, work_dpi, ink100):
        rotation = osd_rotation(flat, work_dpi, osd_timeout_s)
        osd_done = True
        if rotation:
            flat = rotate_quadrant(flat, rotation)
            ink100 = None  # estimate_skew takes it from the turned page
            ink = None if ink is None else rotate_quadrant(ink, rotation)
            quality.rotation_deg = rotation
            steps.append(f"rotate {rotation}")

    angle = estimate_skew(flat, work_dpi, ink=ink100)
    if abs(angle) >= 0.05:
        flat = rotate_small(flat, angle)
        ink100 = None
        # 255 − ink both ways (bitwise NOT: the same bytes, a third of NumPy's time).
        ink = None if ink is None else cv2.bitwise_not(rotate_small(cv2.bitwise_not(ink), angle))
        steps.append(f"deskew {angle:+.2f}")
    quality.skew_deg = round(angle, 2)

    if detect_orientation and not osd_done and looks_upside_down(flat, work_dpi, ink100):
        rotation = osd_rotation(flat, work_dpi, osd_timeout_s)
        osd_done = True
        if rotation == 180:
            flat = rotate_quadrant(flat, 180)
            ink = None if ink is None else rotate_quadrant(ink, 180)
            quality.rotation_deg = 180
            steps.append("rotate 180")
    if osd_done:
        steps.append("osd")

    view, threshold = whiten_paper(flat)
    steps.append(f"whiten>={threshold}")
    flat = view
    if ink is not None:
        ink = cv2.threshold(ink, 127, 255, cv2.THRESH_BINARY)[1]
        flat = cv2.max(view, ink)  # coloured ink → paper
        steps.append("colour ink removed")
    flat, scribbles, crossing = clear_marks(flat, work_dpi)
    steps.append(f"clear marks ({scribbles} marks, {crossing} across text)")
    blank = _is_blank(flat, work_dpi)
    # A signature or seal stroke through letters is told from them by its detail: such a
    # page is read at its own resolution if that is higher (see OCR_DPI).
    ocr_dpi = max(OCR_DPI, work_dpi) if crossing else OCR_DPI
    if work_dpi != ocr_dpi:
        f = ocr_dpi / work_dpi
        interp = cv2.INTER_CUBIC if f > 1 else cv2.INTER_AREA
        flat = cv2.resize(flat, None, fx=f, fy=f, interpolation=interp)
        if ink is not None:
            ink = cv2.resize(ink, (flat.shape[1], flat.shape[0]), interpolation=cv2.INTER_NEAREST)
        steps.append(f"{'upscale' if f > 1 else 'reduce'} {work_dpi}->{ocr_dpi} dpi for OCR")
    return CleanPage(
        image=flat,
        quality=quality,
        steps=steps,
        blank=blank,
        dpi=ocr_dpi,
        view=view,
        view_dpi=work_dpi,
        ink=ink,
        marked=bool(scribbles) or (ink is not None and float(ink[::4, ::4].mean()) > SEAL_INK),
        osd_done=osd_done,
    )


def _small_ink(flat: np.ndarray, dpi: int) -> np.ndarray:
    small, _ = _downscale(flat, dpi, 100)
    return _ink_mask(small)


def _is_blank(flat: np.ndarray, dpi: int) -> bool:
    """`_small_ink(flat, dpi).mean() < BLANK_INK`, settled by the page's middle quarter when
    it holds that much ink already. At 200 and 300 dpi each cell of the 100-dpi copy is the
    mean of its own 2×2 or 3×3 block (OpenCV's INTER_AREA at a whole factor), so a band of
    whole blocks reduced alone gives the same cells (checked on pages of six sizes): 1.7
    against 6.6 ms on a 300-dpi text page; a page with less ink there is reduced whole."""
    if dpi in (200, 300):
        k = dpi // 100
        h, w = flat.shape
        cells = round(h / k) * round(w / k)  # the whole copy's, as cv2.resize sizes it
        r0, r1 = 3 * h // 8 // k * k, 5 * h // 8 // k * k
        if np.count_nonzero(_small_ink(flat[r0:r1], dpi)) / cells >= BLANK_INK:
            return False
    return bool(_small_ink(flat, dpi).mean() < BLANK_INK)


def looks_sideways(flat: np.ndarray, dpi: int, ink: np.ndarray | None = None) -> bool:
    """Text lines run vertically: the page is turned 90° one way or the other. `ink`:
    `_small_ink(flat, dpi)` when the caller has it already."""
    if ink is None:
        ink = _small_ink(flat, dpi)
    if ink.mean() < BLANK_INK:
        return False
    return line_direction_ratio(ink) < 1.0


def osd_rotation(flat: np.ndarray, dpi: int, timeout_s: float = 20.0) -> int:
    """Clockwise rotation (0/90/180/270) Tesseract's OSD asks for; 0 when it has no opinion
    (sparse pages, pictures) — the page is then OCR'd as it is."""
    from ingest.ocr import detect_orientation

    small, _ = _downscale(flat, dpi, 150)
    return detect_orientation(small, dpi=min(dpi, 150), timeout_s=timeout_s) or 0


def upright_ratio(ink: np.ndarray) -> float:
    """Ink above the x-height band / ink below it, summed over text lines. In upright
    Vietnamese (ascenders, capitals, tone marks above; few descenders) it is 4–50 on rendered
    pages; upside down 0.01–0.35."""
    rows = ink.sum(axis=1).astype(np.float64)
    if rows.max() <= 0:
        return 1.0
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
            top, bottom = i + core[0], i + core[-1]
            above += rows[i:top].sum()
            below += rows[bottom + 1 : j].sum()
        i = j
    return float(above / max(below, 1.0))


def looks_upside_down(flat: np.ndarray, dpi: int, ink: np.ndarray | None = None) -> bool:
    """Cheap 180° test on a deskewed page (see `upright_ratio`); True asks OSD to decide.
    `ink`: `_small_ink(flat, dpi)` when the caller has it already."""
    if ink is None:
        ink = _small_ink(flat, dpi)
    if ink.mean() < BLANK_INK:
        return False
    return upright_ratio(ink) < UPRIGHT_RATIO_MIN


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

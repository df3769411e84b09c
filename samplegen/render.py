"""Page layout (in points, dpi-independent) and rasterisation with PIL in Liberation Serif.

Layout input is a list of blocks:
- `Line`: one line of text (left / center / right aligned, never wrapped);
- `Para`: a paragraph, wrapped greedily to the column width, left aligned;
- `Row`: two columns side by side (the usual "agency | national motto" header or
  "Nơi nhận | signer" footer); each column is a list of `Line`/`Para`;
- `Space`: vertical gap in points.

`layout(blocks)` splits them into `PageLayout`s; `PageLayout.text` is the exact text drawn,
line by line top to bottom, the two columns of a `Row` one after the other (left column,
then right: the order of the labelled set and of the real-scan truths); items on one
baseline of one column are joined left to right with a space.
Word widths come from the TTF metrics (reportlab), so the same layout is drawn at 200 or
300 dpi and in the PDF text layer.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path("/usr/share/fonts/truetype/liberation2")
FONT_FILES = {
    "regular": "LiberationSerif-Regular.ttf",
    "bold": "LiberationSerif-Bold.ttf",
    "italic": "LiberationSerif-Italic.ttf",
    "bolditalic": "LiberationSerif-BoldItalic.ttf",
}
PDF_FONT_NAMES = {k: f"LiberationSerif-{k}" for k in FONT_FILES}

MM = 72 / 25.4
PAGE_W = 210 * MM
PAGE_H = 297 * MM
MARGIN_LEFT = 30 * MM
MARGIN_RIGHT = 20 * MM
MARGIN_TOP = 20 * MM
MARGIN_BOTTOM = 20 * MM
BODY_SIZE = 12.0
LEADING = 1.3


def font_path(style: str = "regular") -> Path:
    return FONT_DIR / FONT_FILES[style]


@lru_cache(maxsize=1)
def register_pdf_fonts() -> dict[str, str]:
    """Register Liberation Serif with reportlab (for widths and text-layer PDFs)."""
    for style, name in PDF_FONT_NAMES.items():
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(font_path(style))))
    return PDF_FONT_NAMES


def text_width(text: str, style: str = "regular", size: float = BODY_SIZE) -> float:
    register_pdf_fonts()
    return pdfmetrics.stringWidth(text, PDF_FONT_NAMES[style], size)


@dataclass(frozen=True)
class Line:
    text: str
    align: str = "left"  # left | center | right
    style: str = "regular"
    size: float = BODY_SIZE
    indent: float = 0.0  # points, for left alignment
    gap_before: float = 0.0
    rule: bool = False  # short rule under the text (national motto, agency name)


@dataclass(frozen=True)
class Para:
    text: str
    style: str = "regular"
    size: float = BODY_SIZE
    first_indent: float = 10 * MM
    indent: float = 0.0
    gap_before: float = 2.0
    align: str = "left"  # left | center (centred lines ignore the indents)


@dataclass(frozen=True)
class Row:
    left: tuple[Line | Para | Mark, ...]
    right: tuple[Line | Para | Mark, ...]
    split: float = 0.42  # share of the text width given to the left column
    gap_before: float = 0.0


@dataclass(frozen=True)
class Space:
    pt: float


@dataclass(frozen=True)
class Mark:
    """A non-text mark in a column: a handwritten "signature" or a round "stamp".

    It takes `height` points of vertical space; its centre is `dy` below the cursor."""

    kind: str  # signature | stamp
    height: float = 0.0
    dy: float = 0.0


Block = Line | Para | Row | Space | Mark


@dataclass(frozen=True)
class Placed:
    text: str
    x: float  # points from the left edge
    y: float  # baseline, points from the top edge
    style: str
    size: float
    rule: bool = False
    kind: str = "text"  # text | signature | stamp (marks carry no text)
    row: int = -1  # the `Row` it belongs to (its index on the page), -1 outside rows
    col: int = 0  # 0 = left column of its row, 1 = right


@dataclass
class PageLayout:
    items: list[Placed] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        """Lines top to bottom, a `Row` column by column (left, then right); items sharing a
        baseline within one column are joined left to right with one space."""
        return self.mapped_lines(None)

    def mapped_lines(self, fn: Callable[[str], str] | None) -> list[str]:
        """`lines`, with `fn` applied to each placed item's text first."""
        row_top: dict[int, int] = {}
        for p in self.items:
            if p.kind == "text" and p.row >= 0:
                row_top[p.row] = min(row_top.get(p.row, 1 << 30), round(p.y * 4))
        rows: dict[tuple[int, int, int], list[Placed]] = {}
        for p in self.items:
            if p.kind == "text":
                y = round(p.y * 4)
                key = (row_top[p.row], p.col, y) if p.row >= 0 else (y, 0, y)
                rows.setdefault(key, []).append(p)
        out = []
        for k in sorted(rows):
            items = sorted(rows[k], key=lambda p: p.x)
            out.append(" ".join(fn(p.text) if fn else p.text for p in items))
        return out

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def wrap(text: str, width: float, style: str, size: float, first_indent: float = 0.0) -> list[str]:
    """Greedy word wrap; returns the lines (first line narrower by `first_indent`)."""
    words = text.split()
    lines: list[str] = []
    cur = ""
    avail = width - first_indent
    for w in words:
        cand = f"{cur} {w}" if cur else w
        if not cur or text_width(cand, style, size) <= avail:
            cur = cand
        else:
            lines.append(cur)
            cur = w
            avail = width
    if cur:
        lines.append(cur)
    return lines


def _column(
    blocks: tuple[Line | Para | Mark, ...],
    x0: float,
    width: float,
    y: float,
    leading: float = 0.0,
) -> tuple[list[Placed], float]:
    """Lay out a column starting at baseline cursor `y`; returns (placed, new_y).

    `leading`: fixed line height (the columns of a `Row` share baselines). A `Line` wider
    than the column is set in a smaller size until it fits."""
    out: list[Placed] = []
    for b in blocks:
        if isinstance(b, Mark):
            out.append(Placed("", x0 + width / 2, y + b.dy, "regular", 12.0, kind=b.kind))
            y += b.height
            continue
        lh = leading or b.size * LEADING
        y += b.gap_before
        if isinstance(b, Line):
            size = b.size
            w = text_width(b.text, b.style, size)
            while w > width - b.indent and size > 6:
                size -= 0.5
                w = text_width(b.text, b.style, size)
            if b.align == "center":
                x = x0 + (width - w) / 2
            elif b.align == "right":
                x = x0 + width - w
            else:
                x = x0 + b.indent
            y += lh
            out.append(Placed(b.text, x, y, b.style, size, b.rule))
        else:
            centred = b.align == "center"
            first = 0.0 if centred else b.first_indent
            indent = 0.0 if centred else b.indent
            for i, ln in enumerate(wrap(b.text, width - indent, b.style, b.size, first)):
                y += lh
                if centred:
                    x = x0 + (width - text_width(ln, b.style, b.size)) / 2
                else:
                    x = x0 + indent + (first if i == 0 else 0.0)
                out.append(Placed(ln, x, y, b.style, b.size))
    return out, y


def layout(blocks: list[Block]) -> list[PageLayout]:
    """Split blocks into A4 pages. Rows are kept whole; paragraphs may break across pages."""
    width = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT
    bottom = PAGE_H - MARGIN_BOTTOM
    pages = [PageLayout()]
    y = MARGIN_TOP

    def new_page() -> None:
        nonlocal y
        pages.append(PageLayout())
        y = MARGIN_TOP

    for b in blocks:
        if isinstance(b, Space):
            y += b.pt
            continue
        if isinstance(b, Row):
            lw = width * b.split
            lead = BODY_SIZE * LEADING
            y0 = y + b.gap_before
            left, ly = _column(b.left, MARGIN_LEFT - 8 * MM, lw + 8 * MM, y0, lead)
            right, ry = _column(b.right, MARGIN_LEFT + lw, width - lw, y0, lead)
            if max(ly, ry) > bottom and pages[-1].items:
                new_page()
                left, ly = _column(b.left, MARGIN_LEFT - 8 * MM, lw + 8 * MM, y, lead)
                right, ry = _column(b.right, MARGIN_LEFT + lw, width - lw, y, lead)
            row = len(pages[-1].items)
            pages[-1].items += [replace(p, row=row, col=0) for p in left]
            pages[-1].items += [replace(p, row=row, col=1) for p in right]
            y = max(ly, ry)
            continue
        placed, _ = _column((b,), MARGIN_LEFT, width, 0.0)
        if isinstance(b, Mark):
            placed, y = _column((b,), MARGIN_LEFT, width, y)
            pages[-1].items += placed
            continue
        if isinstance(b, Line):
            placed, ny = _column((b,), MARGIN_LEFT, width, y)
            if ny > bottom and pages[-1].items:
                new_page()
                placed, ny = _column((b,), MARGIN_LEFT, width, y)
            pages[-1].items += placed
            y = ny
            continue
        # Para: place line by line, breaking pages as needed.
        lh = b.size * LEADING
        y += b.gap_before
        for p in placed:
            if y + lh > bottom and pages[-1].items:
                new_page()
            y += lh
            pages[-1].items.append(Placed(p.text, p.x, y, p.style, p.size))
    return [p for p in pages if p.items]


def page_size_px(dpi: int) -> tuple[int, int]:
    return round(PAGE_W / 72 * dpi), round(PAGE_H / 72 * dpi)


@lru_cache(maxsize=64)
def _pil_font(style: str, px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path(style)), px, layout_engine=ImageFont.Layout.BASIC)


def render_layout(page: PageLayout, dpi: int = 300, ink: int = 16) -> np.ndarray:
    """Rasterise one laid-out page: uint8 grey, white paper, A4 at `dpi`."""
    w, h = page_size_px(dpi)
    img = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(img)
    s = dpi / 72
    for p in page.items:
        if p.kind == "signature":
            _signature(draw, p.x * s, p.y * s, dpi, ink)
            continue
        if p.kind == "stamp":
            _stamp(draw, p.x * s, p.y * s, dpi)
            continue
        font = _pil_font(p.style, round(p.size * s))
        x, y = p.x * s, p.y * s
        draw.text((x, y), p.text, font=font, fill=ink, anchor="ls")
        if p.rule:
            tw = text_width(p.text, p.style, p.size) * s
            ry = y + p.size * 0.5 * s
            draw.line([(x + tw * 0.2, ry), (x + tw * 0.8, ry)], fill=ink, width=max(1, dpi // 150))
    return np.asarray(img)


def _mark_rng(x: float, y: float) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(f"{x:.1f},{y:.1f}".encode()))


def _signature(draw: ImageDraw.ImageDraw, cx: float, cy: float, dpi: int, ink: int) -> None:
    """A handwritten-looking scribble about 35 mm wide (deterministic for its position)."""
    rng = _mark_rng(cx, cy)
    w, h = 35 / 25.4 * dpi, 9 / 25.4 * dpi
    t = np.linspace(0, 1, 240)
    f1, f2 = rng.uniform(2.5, 4.5), rng.uniform(6, 9)
    xs = cx - w / 2 + w * t + 0.04 * w * np.sin(2 * np.pi * f2 * t + rng.uniform(0, 6))
    ys = cy + h * (0.45 * np.sin(2 * np.pi * f1 * t + rng.uniform(0, 6)) + 0.35 * (t - 0.5))
    ys += 0.25 * h * np.cos(2 * np.pi * f2 * t)
    pts = [(float(a), float(b)) for a, b in zip(xs, ys, strict=True)]
    draw.line(pts, fill=ink + 30, width=max(2, dpi // 100), joint="curve")


def _stamp(draw: ImageDraw.ImageDraw, cx: float, cy: float, dpi: int) -> None:
    """A round office seal (red on paper, mid-grey in a grey scan), left of the signature."""
    r = 17 / 25.4 * dpi
    cx -= 0.9 * r
    grey = 150
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=grey, width=max(3, dpi // 60))
    ri = r * 0.72
    draw.ellipse((cx - ri, cy - ri, cx + ri, cy + ri), outline=grey, width=max(1, dpi // 200))
    star = []
    for k in range(10):
        a = -np.pi / 2 + k * np.pi / 5
        rr = r * (0.28 if k % 2 == 0 else 0.11)
        star.append((float(cx + rr * np.cos(a)), float(cy + rr * np.sin(a))))
    draw.polygon(star, fill=grey)


def render_page(lines: list[str | Block], dpi: int = 300) -> np.ndarray:
    """Render text lines (plain strings are left-aligned body lines) on one A4 page.

    Only the first page is returned if the text overflows.
    """
    blocks = [Line(x) if isinstance(x, str) else x for x in lines]
    pages = layout(blocks) or [PageLayout()]
    return render_layout(pages[0], dpi)

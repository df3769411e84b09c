"""PDF writers: scanned (JPEG per page), born-digital text, and image + legacy text layer.

All are deterministic (no dates, no random IDs), so a seed gives byte-identical files.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from samplegen.render import (
    PAGE_H,
    PAGE_W,
    PDF_FONT_NAMES,
    PageLayout,
    register_pdf_fonts,
    text_width,
)


def image_pdf(path: Path, pages: list[tuple[bytes, int, int]]) -> None:
    """A PDF with one grey JPEG per A4 page, embedded as is (DCTDecode), like a scanner's.

    `pages`: (jpeg bytes, width px, height px); each image fills the A4 page.
    """
    objs: list[bytes] = []
    n = len(pages)
    # 1: catalog, 2: pages, then per page: page, content, image.
    kids = " ".join(f"{3 + 3 * i} 0 R" for i in range(n))
    objs.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objs.append(f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode())
    w, h = f"{PAGE_W:.2f}", f"{PAGE_H:.2f}"
    for i, (jpg, pw, ph) in enumerate(pages):
        content, image = 4 + 3 * i, 5 + 3 * i
        objs.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w} {h}] /Contents {content} 0 R "
            f"/Resources << /XObject << /Im0 {image} 0 R >> >> >>".encode()
        )
        stream = f"q {w} 0 0 {h} 0 0 cm /Im0 Do Q".encode()
        objs.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        objs.append(
            f"<< /Type /XObject /Subtype /Image /Width {pw} /Height {ph} /ColorSpace /DeviceGray "
            f"/BitsPerComponent 8 /Filter /DCTDecode /Length {len(jpg)} >>\nstream\n".encode()
            + jpg
            + b"\nendstream"
        )
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    path.write_bytes(out.getvalue())


def _canvas(buf: io.BytesIO, title: str) -> canvas.Canvas:
    c = canvas.Canvas(buf, pagesize=(PAGE_W, PAGE_H), invariant=1, pageCompression=1)
    c.setTitle(title)
    c.setCreator("hoso samplegen")
    return c


def text_pdf(path: Path, pages: list[PageLayout], title: str) -> None:
    """A born-digital PDF: the laid-out text drawn in Liberation Serif (real text layer)."""
    register_pdf_fonts()
    buf = io.BytesIO()
    c = _canvas(buf, title)
    for page in pages:
        for p in page.items:
            if p.kind != "text":
                continue
            c.setFont(PDF_FONT_NAMES[p.style], p.size)
            c.drawString(p.x, PAGE_H - p.y, p.text)
            if p.rule:
                tw = text_width(p.text, p.style, p.size)
                ry = PAGE_H - p.y - p.size * 0.5
                c.setLineWidth(0.6)
                c.line(p.x + tw * 0.2, ry, p.x + tw * 0.8, ry)
        c.showPage()
    c.save()
    path.write_bytes(buf.getvalue())


def overlay_pdf(
    path: Path,
    images: list[np.ndarray],
    pages: list[PageLayout],
    layer_lines: list[list[str]],
    font: str,
    title: str,
) -> None:
    """Page images with an invisible text layer whose strings are `layer_lines` (one per
    placed line, e.g. TCVN3-as-Latin-1). `font`: "Helvetica" (WinAnsi) or "ttf"."""
    register_pdf_fonts()
    buf = io.BytesIO()
    c = _canvas(buf, title)
    for img, page, lines in zip(images, pages, layer_lines, strict=True):
        c.drawImage(ImageReader(Image.fromarray(img)), 0, 0, PAGE_W, PAGE_H)
        for p, s in zip(page.items, lines, strict=True):
            if p.kind != "text":
                continue
            name = PDF_FONT_NAMES[p.style] if font == "ttf" else "Helvetica"
            t = c.beginText()
            t.setTextRenderMode(3)  # invisible, like an OCR layer
            t.setFont(name, p.size)
            want = text_width(p.text, p.style, p.size)
            got = c.stringWidth(s, name, p.size) or 1.0
            t.setHorizScale(100.0 * want / got)
            t.setTextOrigin(p.x, PAGE_H - p.y)
            t.textOut(s)
            c.drawText(t)
        c.showPage()
    c.save()
    path.write_bytes(buf.getvalue())

"""Rendered Vietnamese test pages with known text, clean and degraded, for the page-step tests.

Pages are drawn with PIL in Liberation Serif (fonts-liberation2 has every Vietnamese letter)
and degraded like scans: skew, uneven light, blur, noise, JPEG, low resolution. Deterministic
(fixed seeds). Replaced by `samplegen` where that is richer; kept small and fast here.
"""

from __future__ import annotations

import io
import textwrap

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf"

HEADER = [
    "CHI CỤC THI HÀNH ÁN DÂN SỰ HUYỆN GIA LÂM",
    "Số: 129/QĐ-CCTHADS",
    "QUYẾT ĐỊNH VỀ VIỆC THI HÀNH ÁN",
]
BODY = [
    "Căn cứ Luật Thi hành án dân sự năm 2008, được sửa đổi, bổ sung năm 2014 và năm 2022;",
    "Căn cứ Bản án số 12/2020/DS-ST ngày 15 tháng 3 năm 2020 của Tòa án nhân dân huyện Gia "
    "Lâm, thành phố Hà Nội;",
    "Xét đơn yêu cầu thi hành án ngày 20 tháng 5 năm 2020 của ông Nguyễn Văn Tráng, sinh năm "
    "1965, trú tại thôn Đông Xá, xã Đặng Xá, huyện Gia Lâm, thành phố Hà Nội.",
    "Điều 1. Cho thi hành án đối với bà Trần Thị Hồng, sinh năm 1972, trú tại số 18 ngõ 45 "
    "phố Cổ Bi, phường Thạch Bàn, quận Long Biên, thành phố Hà Nội.",
    "Các khoản phải thi hành: trả cho ông Nguyễn Văn Tráng số tiền 150.000.000 đồng (một "
    "trăm năm mươi triệu đồng) và tiền lãi chậm thi hành án theo quy định của pháp luật.",
    "Điều 2. Chấp hành viên Phạm Quốc Hưng có trách nhiệm tổ chức thi hành quyết định này. "
    "Người phải thi hành án có quyền tự nguyện thi hành trong thời hạn mười ngày.",
    "Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Đương sự có quyền khiếu nại đối với "
    "quyết định này theo quy định tại Chương VIII Luật Thi hành án dân sự.",
    "Nơi nhận: Viện kiểm sát nhân dân huyện Gia Lâm; Ủy ban nhân dân xã Đặng Xá; đương sự; "
    "lưu hồ sơ thi hành án.",
]


def page_lines(width_chars: int = 68) -> list[str]:
    lines = list(HEADER) + [""]
    for para in BODY:
        lines.extend(textwrap.wrap(para, width_chars))
    return lines


def reference_text() -> str:
    return "\n".join(line for line in page_lines() if line)


def render_page(dpi: int = 300, size_pt: float = 13.0) -> np.ndarray:
    """A clean A4 page (grey uint8) at `dpi` with the reference text."""
    w, h = round(8.27 * dpi), round(11.69 * dpi)
    img = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(img)
    px = round(size_pt / 72 * dpi)
    regular = ImageFont.truetype(FONT, px)
    bold = ImageFont.truetype(FONT_BOLD, px)
    x0, y = round(1.0 * dpi), round(1.0 * dpi)
    step = round(px * 1.6)
    for i, line in enumerate(page_lines()):
        font = bold if i < len(HEADER) else regular
        draw.text((x0, y), line, font=font, fill=0)
        y += step
    return np.asarray(img).copy()


def rotate(img: np.ndarray, degrees: float, fill: int = 255) -> np.ndarray:
    """Rotate counter-clockwise by `degrees` (PIL convention), same size."""
    pil = Image.fromarray(img).rotate(
        degrees, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=fill
    )
    return np.asarray(pil).copy()


def office_scan(clean300: np.ndarray, seed: int = 1) -> np.ndarray:
    """1.2° skew, blur σ≈0.7, noise, JPEG q60 — a decent office scan at 300 dpi."""
    rng = np.random.default_rng(seed)
    img = rotate(clean300, 1.2, fill=250)
    pil = Image.fromarray(img).filter(ImageFilter.GaussianBlur(0.7))
    arr = np.asarray(pil).astype(np.float32) * 0.92 + 12
    arr += rng.normal(0, 6, arr.shape)
    return _jpeg(np.clip(arr, 0, 255).astype(np.uint8), 60)


def poor_scan(clean300: np.ndarray, seed: int = 2, angle: float = 3.1) -> np.ndarray:
    """`angle`° skew, strong uneven light, low contrast, heavy noise, 200 dpi, JPEG q70."""
    rng = np.random.default_rng(seed)
    img = rotate(clean300, angle, fill=255)
    pil = Image.fromarray(img).filter(ImageFilter.GaussianBlur(0.8))
    small = pil.resize(
        (round(pil.width * 2 / 3), round(pil.height * 2 / 3)), Image.Resampling.LANCZOS
    )
    arr = np.asarray(small).astype(np.float32) / 255.0
    h, w = arr.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    # Light falls off from the top-left corner to a dark lower-right (a bent page under a lamp).
    light = 0.95 - 0.60 * ((xx / w) * 0.6 + (yy / h) * 0.4) ** 1.3
    light -= 0.15 * np.exp(-(((xx - 0.8 * w) / (0.15 * w)) ** 2))  # shadow of the spine
    ink_level = 0.30  # faded ink: low contrast
    page = (ink_level + (1 - ink_level) * arr) * light * 255.0
    page += rng.normal(0, 10, page.shape)
    return _jpeg(np.clip(page, 0, 255).astype(np.uint8), 70)


def _jpeg(arr: np.ndarray, quality: int) -> np.ndarray:
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, format="JPEG", quality=quality)
    return np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("L")).copy()


def text_pdf(path, lines: list[str], pages: int = 1) -> None:
    """A born-digital PDF (reportlab, Liberation Serif embedded) whose text layer is `lines`."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("LiberationSerif", FONT))
    c = canvas.Canvas(str(path), pagesize=A4)
    for _ in range(pages):
        c.setFont("LiberationSerif", 12)
        y = 780
        for line in lines:
            c.drawString(60, y, line)
            y -= 18
        c.showPage()
    c.save()


def scan_pdf_with_hidden_text(path, image: np.ndarray, dpi: int, hidden: list[str]) -> None:
    """A scanned page (full-page image) with an invisible text layer saying `hidden`, as left
    by an earlier OCR or a broken converter."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("LiberationSerif", FONT))
    w, h = A4
    c = canvas.Canvas(str(path), pagesize=A4)
    buf = io.BytesIO()
    Image.fromarray(image).save(buf, format="JPEG", quality=90, dpi=(dpi, dpi))
    buf.seek(0)
    c.drawImage(ImageReader(buf), 0, 0, width=w, height=h)
    text = c.beginText(60, 780)
    text.setTextRenderMode(3)  # invisible
    text.setFont("LiberationSerif", 12)
    for line in hidden:
        text.textLine(line)
    c.drawText(text)
    c.showPage()
    c.save()


def abc_font_pdf(path, lines: list[list[tuple[str, str]]]) -> None:
    """A one-page PDF typed in ABC's TCVN3 fonts, as legacy Word documents were: each line is
    runs of (font, Latin-1 text), font "VnTime" or "VnTimeH" (the capitals font, which draws
    the lower-case TCVN3 codes as capitals). Written by hand so the font names are exactly
    ".VnTime" and ".VnTimeH" (non-embedded Type 1, WinAnsi)."""
    content = io.BytesIO()
    fonts = {"VnTime": "F1", "VnTimeH": "F2"}
    for i, runs in enumerate(lines):
        content.write(f"BT 72 {760 - 18 * i} Td ".encode())
        for font, text in runs:
            content.write(f"/{fonts[font]} 12 Tf <{text.encode('latin-1').hex()}> Tj ".encode())
        content.write(b"ET\n")
    stream = content.getvalue()
    font = "<< /Type /Font /Subtype /Type1 /BaseFont /.{} /Encoding /WinAnsiEncoding >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        font.format("VnTime").encode(),
        font.format("VnTimeH").encode(),
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, obj in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    path.write_bytes(out.getvalue())

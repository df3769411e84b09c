"""Searchable PDF pages (in the page workers; `ingest.assemble` joins them into a file's PDF).

`searchable_page` makes one page: the page image as scanned (deskewed and flattened, seals and
signatures kept; JPEG) under the invisible text of the words Tesseract read on the cleaned
page, each laid on its word box (`text_layer`; no second Tesseract pass renders it).
"""

from __future__ import annotations

import functools
import io
import zlib
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

from ingest.engine import tessdata_dir
from schemas import Word
from schemas.errors import OcrError

# The archive's page images are JPEGs: q85 keeps thin tone marks legible at 200 dpi.
JPEG_QUALITY = 85


# The invisible text is drawn in a glyphless font, as Tesseract's own PDF renderer does: a
# CID font whose every code (a UTF-16 unit, Identity-H) is one empty glyph half an em wide,
# and whose ToUnicode map gives the code back as text. Its tiny TrueType file ships with
# Tesseract's data (`pdf.ttf`); without it the font is simply not embedded.
_GLYPH_W = 500  # the glyph's advance, in 1/1000 em
_TO_UNICODE = b"""/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
1 beginbfrange
<0000> <FFFF> <0000>
endbfrange
endcmap
CMapName currentdict /CMap defineresource pop
end
end
"""


@functools.cache
def _font_parts() -> tuple[bytes, bytes | None]:
    """(the CIDToGIDMap stream, Flate-compressed: every code to glyph 1; the font file)."""
    cid_map = zlib.compress(b"\x00\x01" * 65536, 9)
    ttf = Path(tessdata_dir()) / "pdf.ttf"
    try:
        return cid_map, ttf.read_bytes()
    except OSError:
        return cid_map, None


# pypdf, not pikepdf, writes the page although a new object goes through its private
# `_add_object` (it has no public one): the same page written with pikepdf took ~1 ms more
# (median of six alternated runs of 30 letter pages at 300 dpi with 400 words: 11.9 against
# 10.8 ms, JPEG encoding included; issue 19). Same text (pdftotext), same page size.
def _stream(writer: PdfWriter, data: bytes, **entries: PdfObject) -> IndirectObject:
    obj = StreamObject()
    obj.set_data(data)  # already encoded as entries' /Filter says: stored as is
    obj.update({NameObject(k): v for k, v in entries.items()})
    return writer._add_object(obj)


def _glyphless_font(writer: PdfWriter) -> IndirectObject:
    cid_map, ttf = _font_parts()
    descriptor = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/FontDescriptor"),
            NameObject("/FontName"): NameObject("/GlyphLessFont"),
            NameObject("/Flags"): NumberObject(5),
            NameObject("/FontBBox"): ArrayObject(
                [NumberObject(0), NumberObject(0), NumberObject(_GLYPH_W), NumberObject(1000)]
            ),
            NameObject("/ItalicAngle"): NumberObject(0),
            NameObject("/Ascent"): NumberObject(1000),
            NameObject("/Descent"): NumberObject(0),
            NameObject("/CapHeight"): NumberObject(1000),
            NameObject("/StemV"): NumberObject(80),
        }
    )
    if ttf is not None:
        descriptor[NameObject("/FontFile2")] = _stream(
            writer, ttf, **{"/Length1": NumberObject(len(ttf))}
        )
    cid_font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/CIDFontType2"),
            NameObject("/BaseFont"): NameObject("/GlyphLessFont"),
            NameObject("/CIDSystemInfo"): DictionaryObject(
                {
                    NameObject("/Registry"): TextStringObject("Adobe"),
                    NameObject("/Ordering"): TextStringObject("Identity"),
                    NameObject("/Supplement"): NumberObject(0),
                }
            ),
            NameObject("/FontDescriptor"): writer._add_object(descriptor),
            NameObject("/DW"): NumberObject(_GLYPH_W),
            NameObject("/CIDToGIDMap"): _stream(
                writer, cid_map, **{"/Filter": NameObject("/FlateDecode")}
            ),
        }
    )
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type0"),
            NameObject("/BaseFont"): NameObject("/GlyphLessFont"),
            NameObject("/Encoding"): NameObject("/Identity-H"),
            NameObject("/DescendantFonts"): ArrayObject([writer._add_object(cid_font)]),
            NameObject("/ToUnicode"): _stream(writer, _TO_UNICODE),
        }
    )
    return writer._add_object(font)


def text_layer(words: Sequence[Word], scale: float, page_height: float) -> bytes:
    """The content stream of the invisible text (render mode 3): each word at its box
    (`scale` points a pixel; PDF's y axis up), its width stretched to the box's (`Tz`); the
    words of a line share its baseline and height (a dash or a comma stays on its line for
    text extraction and selection) and are followed by a space, so that extraction keeps
    them apart."""
    spans: dict[int, tuple[int, int]] = {}  # line -> (top, bottom) in pixels
    for w in words:
        t, b = spans.get(w.line, (w.top, w.top + w.height))
        spans[w.line] = (min(t, w.top), max(b, w.top + w.height))
    out = ["BT", "3 Tr"]
    for i, w in enumerate(words):
        text = w.text
        if not text or w.width <= 0 or w.height <= 0:
            continue
        units = text.encode("utf-16-be")
        n = len(units) // 2
        top, bottom = spans[w.line]
        size = (bottom - top) * scale
        stretch = 100.0 * w.width * scale / (n * size * _GLYPH_W / 1000)
        nxt = words[i + 1] if i + 1 < len(words) else None
        if nxt is not None and nxt.line == w.line:
            units += b"\x00 "
        x = w.left * scale
        y = page_height - bottom * scale
        out.append(
            f"/HosoText {size:.2f} Tf {stretch:.2f} Tz 1 0 0 1 {x:.2f} {y:.2f} Tm "
            f"<{units.hex()}> Tj"
        )
    out.append("ET")
    return "\n".join(out).encode()


def searchable_page(words: Sequence[Word], view: np.ndarray, dpi: float) -> bytes:
    """One PDF page: `view` (2-D uint8, the page as the archive shows it, at `dpi`) as a
    JPEG, under the invisible text of `words` (boxes in `view`'s pixels)."""
    ok, jpeg = cv2.imencode(".jpg", view, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise OcrError("the page image could not be encoded as JPEG")
    scale = 72.0 / dpi
    width, height = view.shape[1] * scale, view.shape[0] * scale
    writer = PdfWriter()
    page = writer.add_blank_page(width, height)
    image = _stream(
        writer,
        jpeg.tobytes(),  # already DCT-encoded: written as is
        **{
            "/Type": NameObject("/XObject"),
            "/Subtype": NameObject("/Image"),
            "/Width": NumberObject(view.shape[1]),
            "/Height": NumberObject(view.shape[0]),
            "/ColorSpace": NameObject("/DeviceGray"),
            "/BitsPerComponent": NumberObject(8),
            "/Filter": NameObject("/DCTDecode"),
        },
    )
    draw = f"q {width:.3f} 0 0 {height:.3f} 0 0 cm /HosoScan Do Q\n".encode()
    text = text_layer(words, scale, height)
    page[NameObject("/Resources")] = DictionaryObject(
        {
            NameObject("/XObject"): DictionaryObject({NameObject("/HosoScan"): image}),
            NameObject("/Font"): DictionaryObject(
                {NameObject("/HosoText"): _glyphless_font(writer)}
            ),
        }
    )
    page[NameObject("/Contents")] = _stream(writer, zlib.compress(draw + text, 6),
                                            **{"/Filter": NameObject("/FlateDecode")})  # fmt: skip
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()

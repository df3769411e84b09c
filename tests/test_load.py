"""Loading: page counts without rasterising, one page at a time, every image mode to 8-bit grey,
and one clear sentence for every kind of bad input."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
import vnpages
from PIL import Image
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from ingest.load import count_pages, load_page, to_grey8
from ingest.tasks import OcrOptions, PageTask
from schemas.errors import InputFileError


def task(path: Path, page_no: int = 1, kind: str = "pdf", **opts) -> PageTask:
    options = OcrOptions(**opts) if opts else OcrOptions()
    return PageTask(str(path), "0" * 64, page_no, kind, None, options)


@pytest.fixture(scope="module")
def page150() -> np.ndarray:
    img = vnpages.render_page(150)
    return img


# --- image modes -------------------------------------------------------------------------


def test_16_bit_tiff_is_scaled_not_clipped(tmp_path, page150):
    wide = page150.astype(np.uint16) * 257  # full 16-bit range
    path = tmp_path / "scan16.tif"
    Image.fromarray(wide).save(path, dpi=(150, 150))
    assert Image.open(path).mode.startswith("I;16")
    loaded = load_page(task(path, kind="tiff"))
    assert loaded.image is not None and loaded.image.dtype == np.uint8
    assert np.abs(loaded.image.astype(int) - page150).max() <= 1
    assert loaded.dpi == 150


def test_12_bit_data_in_16_bit_tiff_uses_the_whole_grey_range(tmp_path, page150):
    twelve = page150.astype(np.uint16) * 16  # 0..4080
    grey = to_grey8(Image.fromarray(twelve))
    assert grey.max() >= 250 and grey.min() <= 5


def test_cmyk_tiff_loads_with_dark_text_on_white(tmp_path, page150):
    rgb = Image.fromarray(page150).convert("RGB")
    path = tmp_path / "cmyk.tif"
    rgb.convert("CMYK").save(path)
    loaded = load_page(task(path, kind="tiff"))
    assert loaded.image is not None
    assert np.abs(loaded.image.astype(int) - page150).mean() < 3


def test_palette_alpha_and_bilevel_images_become_grey_on_white(page150):
    bilevel = Image.fromarray(page150).convert("1")
    assert set(np.unique(to_grey8(bilevel))) <= {0, 255}
    palette = Image.fromarray(page150).convert("P")
    assert np.abs(to_grey8(palette).astype(int) - page150).mean() < 3
    rgba = Image.new("RGBA", (40, 40), (0, 0, 0, 0))  # fully transparent = paper, not ink
    rgba.paste((0, 0, 0, 255), (10, 10, 20, 20))
    grey = to_grey8(rgba)
    assert grey[0, 0] == 255 and grey[15, 15] == 0


def test_multi_page_tiff_counts_and_seeks_to_one_frame(tmp_path, page150):
    frames = [Image.fromarray(page150), Image.fromarray(255 - page150), Image.fromarray(page150)]
    path = tmp_path / "three.tif"
    frames[0].save(path, save_all=True, append_images=frames[1:], compression="tiff_lzw")
    assert count_pages(str(path), "tiff") == 3
    second = load_page(task(path, 2, "tiff"))
    assert second.image is not None and second.image.mean() < 128  # the inverted frame
    with pytest.raises(InputFileError, match="page 4 does not exist"):
        load_page(task(path, 4, "tiff"))


# --- PDF ---------------------------------------------------------------------------------


def test_scanned_pdf_page_is_taken_from_its_embedded_image(tmp_path, page150):
    path = tmp_path / "scan.pdf"
    Image.fromarray(page150).save(
        path, resolution=150, save_all=True, append_images=[Image.fromarray(page150)]
    )
    assert count_pages(str(path), "pdf") == 2
    loaded = load_page(task(path, 2))
    assert loaded.source == "embedded_image"  # no rendering at all
    assert loaded.dpi == 150
    assert loaded.image is not None and loaded.image.shape == page150.shape


def test_bilevel_fax_pdf_page_is_decoded_once_to_pypdfs_pixels(tmp_path, page150, monkeypatch):
    """A 1-bit CCITT page image (as scanners and Pillow write them) is opened straight from
    its stream: the same pixels as pypdf's image, without pypdf encoding it again."""
    import pypdf.generic._image_xobject as xobject

    path = tmp_path / "fax.pdf"
    Image.fromarray(page150).point(lambda v: 255 if v > 128 else 0).convert("1").save(
        path, resolution=150
    )
    pypdfs = to_grey8(PdfReader(path).pages[0].images[0].image)
    assert set(np.unique(pypdfs)) == {0, 255}

    def not_here(*args: object, **kwargs: object) -> None:
        raise AssertionError("pypdf decoded the page image")

    monkeypatch.setattr(xobject, "_xobj_to_image", not_here)
    loaded = load_page(task(path))
    assert loaded.source == "embedded_image" and loaded.dpi == 150
    assert loaded.image is not None and np.array_equal(loaded.image, pypdfs)


def test_vector_pdf_page_without_text_is_rendered_alone_at_the_asked_dpi(tmp_path):
    path = tmp_path / "drawing.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    for i in range(3):
        c.rect(100, 100 + 50 * i, 200, 20, fill=1)
        c.showPage()
    c.save()
    loaded = load_page(task(path, 3, dpi=100))
    assert loaded.source == "rendered" and loaded.dpi == 100
    assert loaded.image is not None
    assert abs(loaded.image.shape[0] - 1169) <= 1 and abs(loaded.image.shape[1] - 827) <= 1
    # Page 3's bar sits 200–220 pt above the bottom: rows 864–892 at 100 dpi.
    dark_rows = np.where((loaded.image < 128).any(axis=1))[0]
    assert dark_rows.min() >= 860 and dark_rows.max() <= 895


def test_jpeg_named_pdf_is_read_as_the_jpeg_it_is(tmp_path, page150):
    path = tmp_path / "mislabelled.pdf"
    Image.fromarray(page150).save(path, format="JPEG", dpi=(150, 150))
    assert count_pages(str(path), "pdf") == 1
    loaded = load_page(task(path, 1, "pdf"))
    assert loaded.kind == "jpeg" and loaded.image is not None and loaded.dpi == 150


# --- bad input ---------------------------------------------------------------------------


def _encrypted_pdf(path: Path, password: str) -> None:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt(user_password=password, owner_password="owner", algorithm="AES-128")
    with open(path, "wb") as fh:
        writer.write(fh)


def _bomb_png(path: Path) -> None:
    """A tiny PNG whose header claims 50,000 × 50,000 pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", 50_000, 50_000, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1000)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def test_every_kind_of_bad_input_is_one_clear_sentence(tmp_path, page150):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")

    good_pdf = tmp_path / "good.pdf"
    Image.fromarray(page150).save(good_pdf, resolution=150)
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(good_pdf.read_bytes()[:400])

    locked = tmp_path / "locked.pdf"
    _encrypted_pdf(locked, "secret")

    no_pages = tmp_path / "nopages.pdf"
    with open(no_pages, "wb") as fh:
        PdfWriter().write(fh)

    bomb = tmp_path / "bomb.png"
    _bomb_png(bomb)

    text = tmp_path / "notes.pdf"
    text.write_text("Biên bản họp, không phải bản scan\n", encoding="utf-8")

    good_jpeg = tmp_path / "good.jpg"
    Image.fromarray(page150).save(good_jpeg, quality=90)
    cut_jpeg = tmp_path / "cut.jpg"
    cut_jpeg.write_bytes(good_jpeg.read_bytes()[:5000])

    expected = {
        empty: "empty",
        truncated: "damaged or truncated",
        locked: "password-protected",
        no_pages: "no pages",
        bomb: "too large",
        text: "not a PDF, TIFF, JPEG or PNG",
        cut_jpeg: "damaged or truncated",
        tmp_path / "missing.tif": "cannot be read",
    }
    for path, phrase in expected.items():
        kind = path.suffix.lstrip(".").replace("jpg", "jpeg").replace("tif", "tiff")
        with pytest.raises(InputFileError) as caught:
            count_pages(str(path), kind)
        message = str(caught.value)
        assert phrase in message, (path.name, message)
        assert str(path) in message and "\n" not in message and len(message) < 300


def test_pdf_encrypted_with_an_empty_password_opens(tmp_path):
    path = tmp_path / "owner-only.pdf"
    _encrypted_pdf(path, "")
    assert count_pages(str(path), "pdf") == 1


def test_page_beyond_the_end_is_refused(tmp_path, page150):
    path = tmp_path / "one.pdf"
    Image.fromarray(page150).save(path, resolution=150)
    with pytest.raises(InputFileError, match="page 2 does not exist"):
        load_page(task(path, 2))


def test_damage_inside_a_whole_ending_image_is_one_clear_sentence_at_load(tmp_path, page150):
    """Planning no longer decodes images that end as complete files do (`_ends_whole`): a
    JPEG or PNG cut short is still refused by `count_pages`, and one damaged in the middle is
    refused by `load_page`, in one sentence, as the worker would report it."""
    good = tmp_path / "good.png"
    Image.fromarray(page150).save(good, compress_level=1)
    data = bytearray(good.read_bytes())
    start = data.index(b"IDAT") + 4
    data[start + 100 : start + 400] = bytes(300)  # zeros inside the compressed pixels
    inside = tmp_path / "inside.png"
    inside.write_bytes(bytes(data))
    cut = tmp_path / "cut.png"
    cut.write_bytes(bytes(data[: len(data) - 30]))
    jpeg = tmp_path / "good.jpg"
    Image.fromarray(page150).save(jpeg, quality=90)
    cut_jpeg = tmp_path / "cut.jpg"
    cut_jpeg.write_bytes(jpeg.read_bytes()[:-200])

    assert count_pages(str(good), "png") == 1
    assert count_pages(str(jpeg), "jpeg") == 1
    assert count_pages(str(inside), "png") == 1  # not decoded while planning
    for path in (cut, cut_jpeg):
        with pytest.raises(InputFileError, match="damaged or truncated"):
            count_pages(str(path), path.suffix.lstrip(".").replace("jpg", "jpeg"))
    with pytest.raises(InputFileError) as caught:
        load_page(task(inside, 1))
    message = str(caught.value)
    assert "damaged or truncated" in message and str(inside) in message and "\n" not in message

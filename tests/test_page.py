"""process_page: the pure page function never raises, writes its PDF page atomically, and the
per-page PDFs assemble into one searchable PDF."""

from __future__ import annotations

import pickle

import cv2
import numpy as np
import pytest
import vnpages
from PIL import Image
from pypdf import PdfReader

from ingest.assemble import assemble_pdf
from ingest.page import process_page
from ingest.preprocess import MAX_WORK_DPI
from ingest.quality import cer
from ingest.tasks import OcrOptions, PageResult, PageTask


def _task(path, page_no=1, kind="tiff", out=None, **opts) -> PageTask:
    return PageTask(str(path), "ab" * 32, page_no, kind, str(out) if out else None,
                    OcrOptions(**opts))  # fmt: skip


@pytest.fixture(scope="module")
def scans(tmp_path_factory):
    """A two-page TIFF (blank page 1, office scan page 2) OCR'd once for the module."""
    folder = tmp_path_factory.mktemp("scans")
    office = vnpages.office_scan(vnpages.render_page(300))
    blank = np.full_like(office, 252)
    tiff = folder / "hoso.tif"
    Image.fromarray(blank).save(
        tiff, save_all=True, append_images=[Image.fromarray(office)], dpi=(300, 300),
        compression="tiff_lzw",
    )  # fmt: skip
    out = folder / "pages" / "p2.pdf"
    result = process_page(_task(tiff, 2, out=out))
    return folder, tiff, out, result


def test_ocr_page_result_is_complete(scans):
    _, _, out, result = scans
    assert result.error is None, result.error
    assert result.method == "ocr" and result.page_no == 2 and result.sha256 == "ab" * 32
    assert cer(vnpages.reference_text(), result.text) <= 0.005
    assert result.words and result.confidence and result.confidence > 85
    q = result.quality
    assert q.dpi == 300 and abs(q.skew_deg + 1.2) < 0.2 and q.mean_conf == result.confidence
    assert not q.needs_rescan, q.reasons
    # Boxes are given in the pixels of the page as scanned (at most MAX_WORK_DPI), whatever
    # resolution Tesseract read.
    scale = min(300, MAX_WORK_DPI) / 300
    assert abs(result.width - 2481 * scale) <= 1 and abs(result.height - 3507 * scale) <= 1
    assert 0 < result.seconds < 60
    pickle.loads(pickle.dumps(result))  # crosses process and Dask boundaries


def test_page_pdf_is_written_atomically(scans):
    _, _, out, _ = scans
    assert out.exists() and out.read_bytes()[:5] == b"%PDF-"
    assert [p.name for p in out.parent.iterdir()] == ["p2.pdf"]  # no temporary left behind


def test_blank_page_is_not_an_error(scans):
    _, tiff, _, _ = scans
    result = process_page(_task(tiff, 1))
    assert result.error is None and result.text == ""
    assert result.quality.reasons == ["blank page"] and not result.quality.needs_rescan


def test_tesseract_timeout_is_a_page_error_not_an_exception(scans, tmp_path):
    _, tiff, _, _ = scans
    out = tmp_path / "p2.pdf"
    result = process_page(_task(tiff, 2, out=out, timeout_s=0.05))
    assert isinstance(result, PageResult)
    assert result.error == "Tesseract timed out after 0.05 s on page 2."
    assert result.text == "" and result.words is None
    assert not out.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("content", "phrase"),
    [(b"", "empty"), (b"%PDF-1.7\n%broken", "damaged"), (b"<html>scan</html>", "not a PDF")],
)
def test_broken_files_give_a_one_line_error(tmp_path, content, phrase):
    path = tmp_path / "x.pdf"
    path.write_bytes(content)
    result = process_page(_task(path, 1, "pdf"))
    assert result.error and phrase in result.error and "\n" not in result.error


def test_unexpected_failures_are_caught_too(tmp_path):
    result = process_page(_task(tmp_path, 1, "tiff"))  # a folder, not a file
    assert result.error and "\n" not in result.error


def test_text_layer_and_ocr_pages_assemble_into_one_searchable_pdf(scans, tmp_path):
    _, _, ocr_pdf, ocr_result = scans
    digital = tmp_path / "digital.pdf"
    lines = [
        "Quyết định về việc thi hành án dân sự đối với ông Nguyễn Văn Tráng,",
        "trú tại thôn Đông Xá, xã Đặng Xá, huyện Gia Lâm, thành phố Hà Nội.",
    ] * 3
    vnpages.text_pdf(digital, lines)
    text_pdf = tmp_path / "p1.pdf"
    text_result = process_page(_task(digital, 1, "pdf", out=text_pdf))
    assert text_result.method == "text_layer"

    final = tmp_path / "out" / "hoso.pdf"
    assemble_pdf([text_pdf, ocr_pdf], final)
    reader = PdfReader(final)
    assert len(reader.pages) == 2
    assert cer(text_result.text, reader.pages[0].extract_text()) < 0.02
    assert cer(ocr_result.text, reader.pages[1].extract_text()) < 0.05
    assert [p.name for p in final.parent.iterdir()] == ["hoso.pdf"]


def test_searchable_pdf_shows_the_page_as_scanned_seal_included(tmp_path):
    """Tesseract reads a page cleared of seals and signatures, but the archive's PDF keeps
    them; the words' boxes point at the words on that PDF's image."""
    office = vnpages.office_scan(vnpages.render_page(300))
    h, w = office.shape
    centre, radius = (w // 2, int(0.85 * h)), 200  # blank paper on this page
    cv2.circle(office, centre, radius, 150, thickness=6)
    cv2.circle(office, centre, int(0.72 * radius), 150, thickness=3)
    tif = tmp_path / "seal.tif"
    Image.fromarray(office).save(tif, dpi=(300, 300))
    out = tmp_path / "p1.pdf"
    result = process_page(_task(tif, 1, out=out))
    assert result.error is None, result.error
    assert cer(vnpages.reference_text(), result.text) <= 0.005
    page = PdfReader(out).pages[0]
    [image] = page.images
    scan = np.asarray(image.image.convert("L"))
    assert scan.shape == (result.height, result.width)
    # The rings are on the archived page (mid-grey: ~150 after flattening), turned with the
    # page by the deskew (~1.2° about the centre: ≤ 30 px here): ~10,000 grey pixels.
    x, y, r = centre[0], centre[1], radius + 40
    area = scan[y - r : y + r, x - r : x + r]
    grey = int(((area > 90) & (area < 210)).sum())
    assert grey > 6000, grey
    # Word boxes frame ink on that image.
    word = next(wd for wd in result.words if "129/QĐ-CCTHADS" in wd.text)
    box = scan[word.top : word.top + word.height, word.left : word.left + word.width]
    assert box.size and (box < 100).mean() > 0.1
    # And the invisible text sits where the words are: pypdf's text positions, in points
    # from the bottom left, against the box in pixels from the top left.
    found = []

    def visit(text, cm, tm, font, size):
        if "129/Q" in text:
            found.append((tm[4], tm[5]))

    page.extract_text(visitor_text=visit)
    assert found
    x_pt, y_pt = found[0]  # each word is drawn at its own box
    px = float(page.mediabox.width) / result.width
    assert abs(x_pt - word.left * px) < 2
    assert abs((float(page.mediabox.height) - y_pt) - (word.top + word.height) * px) < 10


def test_a_one_page_file_is_its_page_pdf_without_qpdf(tmp_path, monkeypatch):
    """One-page files (most single scans) skip the qpdf process a multi-page file needs."""
    from ingest import assemble, pdfout

    page = tmp_path / "p1.pdf"
    page.write_bytes(pdfout.searchable_page([], np.full((350, 248), 255, np.uint8), 30))
    monkeypatch.setattr(assemble, "_assemble_qpdf", lambda *a: pytest.fail("qpdf started"))
    out = tmp_path / "out" / "file.pdf"
    assemble.assemble_pdf([page], out)
    assert out.read_bytes() == page.read_bytes()
    assert len(PdfReader(out).pages) == 1

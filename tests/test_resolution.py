"""Resolution tags are checked against the page's size in pixels: a phone's 72-dpi JPEG or a
PNG tagged 10000 dpi is read at the resolution its paper size gives, the quality record says
so, and a page that really is low resolution is still read and flagged for rescanning."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import vnpages
from PIL import Image
from pypdf import PdfReader

from ingest.load import infer_resolution
from ingest.page import process_page
from ingest.quality import cer
from ingest.tasks import PageTask


@pytest.fixture(scope="module")
def page300() -> np.ndarray:
    return vnpages.render_page(300)


def _run(path: Path, kind: str, tmp_path: Path):
    out = tmp_path / f"{path.stem}.out.pdf"
    res = process_page(PageTask(str(path), "0" * 64, 1, kind, str(out)))
    assert res.error is None, res.error
    return res, PdfReader(out).pages[0]


def _phone_photo(page: np.ndarray) -> np.ndarray:
    """The A4 page inside a 3:4 frame with a grey border, as a phone photographs it."""
    h = page.shape[0] + 160
    w = round(h * 3 / 4)
    frame = np.full((h, w), 200, np.uint8)
    y, x = (h - page.shape[0]) // 2, (w - page.shape[1]) // 2
    frame[y : y + page.shape[0], x : x + page.shape[1]] = page
    return frame


def test_phone_jpeg_tagged_72_dpi_is_read_at_its_paper_resolution(page300, tmp_path):
    path = tmp_path / "phone.jpg"
    Image.fromarray(_phone_photo(page300)).save(path, "JPEG", quality=92, dpi=(72, 72))
    res, pdf_page = _run(path, "jpeg", tmp_path)
    assert cer(vnpages.reference_text(), res.text) < 0.05
    q = res.quality
    assert q.dpi_tag == 72 and q.paper is not None and 250 <= (q.dpi or 0) <= 350
    assert "blank page" not in q.reasons and not q.needs_rescan
    # The searchable copy is a page-sized page, not a 3-foot poster.
    assert 8 <= float(pdf_page.mediabox.height) / 72 <= 13


def test_png_tagged_10000_dpi_is_read_and_archived_at_page_size(page300, tmp_path):
    path = tmp_path / "tagged10000.png"
    Image.fromarray(page300).save(path, dpi=(10000, 10000))
    res, pdf_page = _run(path, "png", tmp_path)
    assert cer(vnpages.reference_text(), res.text) < 0.05
    assert res.quality.dpi_tag == 10000 and res.quality.paper == "A4"
    assert 290 <= (res.quality.dpi or 0) <= 310
    assert 8 <= float(pdf_page.mediabox.width) / 72 <= 8.6  # A4, not a thumbnail


@pytest.mark.parametrize("tag", [100, 300])
def test_really_low_resolution_page_is_read_and_flagged_for_rescan(tag, tmp_path):
    path = tmp_path / f"low{tag}.png"
    Image.fromarray(vnpages.render_page(100)).save(path, dpi=(tag, tag))
    res, _ = _run(path, "png", tmp_path)
    assert "Tráng" in res.text or "Trang" in res.text  # still read
    assert res.quality.dpi == 100
    assert res.quality.needs_rescan
    assert any("resolution 100 dpi" in r for r in res.quality.reasons)


def test_plausible_tags_are_trusted_and_odd_shapes_keep_the_default():
    a4_300 = (2481, 3508)
    assert infer_resolution(300, *a4_300).dpi == 300
    assert infer_resolution(200, 1654, 2339).dpi == 200  # a 200-dpi A4 scan
    assert infer_resolution(300, 4961, 3508).dpi == 300  # A4 landscape, A3 portrait sizes
    assert infer_resolution(72, *a4_300).paper == "A4"
    assert infer_resolution(None, *a4_300).dpi is None  # untagged: the default, 300
    assert infer_resolution(None, 1748, 2480).dpi is None  # an untagged A5 at 300 dpi
    small = infer_resolution(None, 1169, 827)  # untagged A4 landscape at 100 dpi
    assert small.paper == "A4 landscape" and small.dpi == 100
    letter = infer_resolution(72, 2550, 3300)
    assert letter.paper == "Letter" and letter.dpi == 300
    strip = infer_resolution(None, 2000, 200)  # a cut-out line of text: no paper matches
    assert strip.dpi is None and strip.paper is None


def test_pdf_page_the_size_of_its_pixels_is_read_at_its_paper_resolution(page300, tmp_path):
    """Image-to-PDF tools that take one pixel for one point make a 34-inch page."""
    path = tmp_path / "pixels-as-points.pdf"
    Image.fromarray(page300).save(path, "PDF", resolution=72)
    res, pdf_page = _run(path, "pdf", tmp_path)
    assert cer(vnpages.reference_text(), res.text) < 0.05
    assert res.quality.paper == "A4" and res.quality.dpi_tag == 72
    assert 8 <= float(pdf_page.mediabox.width) / 72 <= 8.6


@pytest.mark.slow
def test_status_counts_pages_whose_resolution_came_from_the_page_size(page300, tmp_path):
    from ingest.catalog import Catalog
    from ingest.pipeline import IngestOptions, run_ingest

    case = tmp_path / "scans" / "HS-1"
    case.mkdir(parents=True)
    Image.fromarray(_phone_photo(page300)).save(case / "phone.jpg", quality=90, dpi=(72, 72))
    Image.fromarray(page300).save(case / "scanner.png", dpi=(300, 300))
    summary = run_ingest([tmp_path / "scans"], tmp_path / "archive", IngestOptions(workers=1))
    assert summary.ok
    with Catalog(tmp_path / "archive", readonly=True) as cat:
        status = cat.summary()
        texts = [p.text for p in cat.pages()]
    assert status["pages_resolution_inferred"] == 1 and status["needs_rescan"] == []
    assert all(cer(vnpages.reference_text(), t) < 0.05 for t in texts)

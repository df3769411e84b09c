"""The page step on real scans (tests/data/realscans): CER bounds, handwritten fields, page kinds.

The pages are real office scans from benchmarks/realscans (their README says where from), cut
out of their PDFs as the page image (the colour pages re-encoded as smaller JPEGs); each
`NAME.txt` is that page's hand-made truth. They name officials in their public role only.
  574UB-p1.jpg   300 dpi colour: red seal over the signer's name, blue signature, two-column
                 header, handwritten Số (574) and day (04);
  2770-p3.tif    ~300 dpi 1-bit (the scanner's threshold): long "Nơi nhận" beside the signer
                 block, black seal over the title;
  05CT-p2.jpg    100 dpi colour: a page to rescan, read anyway;
  22TTR-p2.jpg   the back of a sheet with only a seal's edge on it (giáp lai): nothing to read.
Plain `tesseract -l vie` reads these pages at 36%, 1.4% and 2.1% CER (scripts/score-ocr --real).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rapidfuzz.distance import Levenshtein

from ingest.page import PageNote, process_page
from ingest.quality import fold_for_real
from ingest.tasks import PageResult, PageTask

pytestmark = pytest.mark.slow  # real OCR of the real scanned pages, one by one

DATA = Path(__file__).parent / "data" / "realscans"
# Measured with the page step when the test was written, plus a margin for Tesseract builds.
CER_BOUND = {"574UB-p1.jpg": 0.03, "2770-p3.tif": 0.015, "05CT-p2.jpg": 0.016}


def _read(name: str) -> PageResult:
    kind = "tiff" if name.endswith(".tif") else "jpeg"
    result = process_page(PageTask(str(DATA / name), name, 1, kind, out_pdf=None))
    assert result.error is None
    return result


def _cer(name: str, text: str) -> float:
    truth = fold_for_real((DATA / name).with_suffix(".txt").read_text(encoding="utf-8"))
    return Levenshtein.distance(truth, fold_for_real(text)) / len(truth)


@pytest.fixture(scope="module")
def pages() -> dict[str, PageResult]:
    return {name: _read(name) for name in [*CER_BOUND, "22TTR-p2.jpg"]}


@pytest.mark.parametrize("name", list(CER_BOUND))
def test_real_page_is_read_within_its_cer_bound(pages: dict[str, PageResult], name: str) -> None:
    assert _cer(name, pages[name].text) <= CER_BOUND[name]


def test_header_columns_come_one_after_the_other(pages: dict[str, PageResult]) -> None:
    lines = [ln for ln in pages["574UB-p1.jpg"].text.splitlines() if ln.strip()]
    assert lines[:2] == ["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NGÃI"]
    assert lines.index("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") > lines.index("tại kỳ họp thứ 31")


def test_the_name_under_the_red_seal_is_read(pages: dict[str, PageResult]) -> None:
    assert "Hoàng Giang" in pages["574UB-p1.jpg"].text


def test_handwritten_number_and_day_are_marked_for_review_with_boxes(
    pages: dict[str, PageResult],
) -> None:
    review = pages["574UB-p1.jpg"].quality.review
    assert sorted(f.kind for f in review) == ["day", "number"]
    for f in review:
        # In the top quarter of the page (3508 px high), where the header is, and small.
        assert 0 < f.top < 3508 / 4 and 0 < f.width < 600 and 0 < f.height < 300
        assert f.text in ("", "574", "04")  # a read number is the right one, or none


def test_printed_numbers_are_not_marked_for_review(pages: dict[str, PageResult]) -> None:
    # 2770-p3 is a last page: no "Số:" field; its numbers are all printed.
    assert pages["2770-p3.tif"].quality.review == []


def test_a_seal_only_page_is_not_sent_to_rescan(pages: dict[str, PageResult]) -> None:
    q = pages["22TTR-p2.jpg"].quality
    assert pages["22TTR-p2.jpg"].text == ""
    assert q.reasons == [PageNote.SEAL_ONLY]
    assert not q.needs_rescan


def test_a_100_dpi_page_is_flagged_for_rescan_and_read_anyway(
    pages: dict[str, PageResult],
) -> None:
    q = pages["05CT-p2.jpg"].quality
    assert q.needs_rescan
    assert any("100 dpi" in r for r in q.reasons)
    assert len(pages["05CT-p2.jpg"].text) > 2000


def test_ingested_handwritten_fields_are_in_status_export_and_the_review_queue(
    tmp_path: Path,
) -> None:
    import shutil

    from ingest.catalog import Catalog
    from ingest.pipeline import IngestOptions, run_ingest
    from ingest.review import review_items

    folder = tmp_path / "scans"
    folder.mkdir()
    shutil.copy(DATA / "574UB-p1.jpg", folder / "574UB-p1.jpg")
    run_ingest([folder], tmp_path / "archive", IngestOptions(workers=1))
    with Catalog(tmp_path / "archive") as cat:
        review = cat.summary()["needs_review"]
        exported = [p.quality.review for p in cat.pages()]
        queue = review_items(cat)
    assert [sorted(f["kind"] for f in r["fields"]) for r in review] == [["day", "number"]]
    assert sorted(f.kind for f in exported[0]) == ["day", "number"]
    handwritten = sorted(i.kind for i in queue if i.key.startswith("handwritten:"))
    assert handwritten == ["date", "number"]

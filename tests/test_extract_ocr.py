"""Extraction on degraded scans: the labelled texts rendered by samplegen, OCR'd for real."""

from pathlib import Path

from ingest.evaluate import evaluate, evaluate_ocr, load_labelled

LABELLED = Path(__file__).parent / "data" / "labelled"
# Two-column headers, a line-broken party list, a bank with representatives, enforcement
# decisions old and new, mixed-unit sums, an OCR-damaged judgment, a numbered list,
# anonymised names, "ông bà … (SN …)".
SUBSET = ("001", "002", "005", "008", "011", "012", "017", "022", "035", "042")


def test_extraction_from_office_scans_stays_within_three_points_of_text(tmp_path):
    items = [i for i in load_labelled(LABELLED) if i.name in SUBSET]
    assert len(items) == len(SUBSET)
    on_text = evaluate(items)
    on_scans = evaluate_ocr(items, tmp_path, quality="office", workers=2)
    assert on_scans.n_docs == len(SUBSET)
    for field in ("numbers", "dates", "parties"):
        text_f1, scan_f1 = on_text.fields[field].f1, on_scans.fields[field].f1
        assert scan_f1 >= text_f1 - 0.03, (field, text_f1, scan_f1, on_scans.errors)
    assert on_scans.fields["numbers"].f1 >= 0.97
    assert on_scans.fields["parties"].f1 >= 0.90

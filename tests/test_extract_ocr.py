"""Extraction on degraded scans: the labelled texts rendered by samplegen, OCR'd for real."""

from pathlib import Path

import pytest

from samplegen.evaluate import evaluate, evaluate_dir, evaluate_ocr, load_labelled

LABELLED = Path(__file__).parent / "data" / "labelled"
# Two-column headers, a line-broken party list, a bank with representatives, enforcement
# decisions old and new, mixed-unit sums, an OCR-damaged judgment, a numbered list,
# anonymised names, "ông bà … (SN …)".
SUBSET = ("001", "002", "005", "008", "011", "012", "017", "022", "035", "042")


@pytest.mark.slow
def test_extraction_from_office_scans_stays_within_three_points_of_text(tmp_path):
    items = [i for i in load_labelled(LABELLED) if i.name in SUBSET]
    assert len(items) == len(SUBSET)
    on_text = evaluate(items)
    kept = tmp_path / "kept"
    on_scans = evaluate_ocr(items, tmp_path, quality="office", workers=2, keep=kept)
    assert on_scans.n_docs == len(SUBSET)
    # The OCR'd texts are kept as a labelled set: scored again without OCR, the same figures.
    again = evaluate_dir(kept)
    assert {f: s.as_dict() for f, s in again.fields.items()} == {
        f: s.as_dict() for f, s in on_scans.fields.items()
    }
    for field in ("numbers", "dates", "parties"):
        text_f1, scan_f1 = on_text.fields[field].f1, on_scans.fields[field].f1
        assert scan_f1 >= text_f1 - 0.03, (field, text_f1, scan_f1, on_scans.errors)
    assert on_scans.fields["numbers"].f1 >= 0.97
    assert on_scans.fields["parties"].f1 >= 0.90


def test_extract_ocrs_a_scanned_image_before_reading_it(tmp_path):
    import json

    from PIL import Image
    from typer.testing import CliRunner

    from hoso.cli import app
    from samplegen.evaluate import render_scans

    text = (LABELLED / "008.txt").read_text(encoding="utf-8")
    (page,) = render_scans(text, "office", seed=3)
    scan = tmp_path / "quyet-dinh.png"
    Image.fromarray(page).save(scan, dpi=(300, 300))
    result = CliRunner().invoke(app, ["extract", str(scan), "--json"])
    assert result.exit_code == 0, result.output
    ((doc,),) = [entry["documents"] for entry in json.loads(result.output)]
    assert doc["doc_type"] == "quyet_dinh_thi_hanh_an"
    assert doc["own_number"] == "129/QĐ-CCTHADS"
    assert doc["references"][0]["number"] == "155/2018/DS-ST"
    assert ("Trần Công Đ", "nguoi_phai_thi_hanh_an") in {
        (p["name"], p["role"]) for p in doc["parties"]
    }

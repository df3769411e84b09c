import json
from pathlib import Path

from typer.testing import CliRunner

from ingest.cli import app
from ingest.evaluate import Report, evaluate_dir, load_labelled, score_one

LABELLED = Path(__file__).parent / "data" / "labelled"


def test_the_labelled_set_is_large_and_varied():
    items = load_labelled(LABELLED)
    assert len(items) >= 40
    types = {i.label["doc_type"] for i in items}
    assert {"ban_an", "quyet_dinh_toa_an", "quyet_dinh_thi_hanh_an", "thong_bao"} <= types
    assert {"quyet_dinh_cuong_che", "quyet_dinh_chua_co_dieu_kien", "bien_ban", "don"} <= types


def test_extraction_meets_its_accuracy_targets_on_text():
    report = evaluate_dir(LABELLED)
    f1 = {name: s.f1 for name, s in report.fields.items()}
    assert f1["numbers"] >= 0.97, report.errors
    assert f1["dates"] >= 0.95, report.errors
    assert f1["parties"] >= 0.90, report.errors


def test_scores_count_wrong_missing_and_extra_values():
    report = Report()
    label = {
        "doc_type": "ban_an",
        "own_number": "1/2020/DS-ST",
        "numbers": ["1/2020/DS-ST", "2/2020/TLST-DS"],
        "parties": [{"name": "Nguyễn Văn A", "role": "nguyen_don"}],
    }
    pred = {
        "doc_type": "quyet_dinh_toa_an",
        "own_number": "1 / 2020 / DS – ST",
        "numbers": ["1/2020/DS-ST", "9/2020/DS-PT"],
        "parties": [{"name": "Nguyễn Văn A", "role": "bi_don"}],
    }
    score_one(report, "x", label, pred)
    s = report.fields
    assert (s["own_number"].tp, s["own_number"].fp, s["own_number"].fn) == (1, 0, 0)
    assert (s["doc_type"].tp, s["doc_type"].fp, s["doc_type"].fn) == (0, 1, 1)
    assert (s["numbers"].tp, s["numbers"].fp, s["numbers"].fn) == (1, 1, 1)
    assert s["numbers"].f1 == 0.5
    assert s["parties"].f1 == 0.0  # right name, wrong role


def test_eval_command_prints_a_table_and_json(tmp_path):
    for name in ("001", "008"):
        for ext in ("txt", "json"):
            (tmp_path / f"{name}.{ext}").write_bytes((LABELLED / f"{name}.{ext}").read_bytes())
    runner = CliRunner()
    result = runner.invoke(app, ["eval", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "numbers" in result.output and "F1" in result.output
    result = runner.invoke(app, ["eval", str(tmp_path), "--json"])
    data = json.loads(result.output)
    assert data["n_docs"] == 2
    assert set(data["fields"]["parties"]) >= {"precision", "recall", "f1"}


def test_eval_of_a_folder_without_labels_fails_with_one_line(tmp_path):
    result = CliRunner().invoke(app, ["eval", str(tmp_path)])
    assert result.exit_code != 0
    assert "no labelled documents" in result.output

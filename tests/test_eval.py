import json
from pathlib import Path

from typer.testing import CliRunner

from hoso.cli import app
from samplegen.evaluate import Report, evaluate_dir, load_labelled, score_one

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


def test_v2_labels_score_typed_dates_representatives_and_groups(tmp_path):
    text = (
        "TÒA ÁN NHÂN DÂN HUYỆN A\nBản án số: 12/2020/DS-ST\nNgày: 25-9-2020\nNHÂN DANH\n"
        "Ngày 25 tháng 9 năm 2020, tại trụ sở Tòa án nhân dân huyện A xét xử sơ thẩm vụ án thụ"
        " lý số 3/2020/TLST-DS ngày 02/3/2020, giữa:\nNguyên đơn: Ông Lê Văn B, sinh năm 1970.\n"
        "Người đại diện theo ủy quyền của nguyên đơn: Bà Trần Thị C.\n"
        "Bị đơn: Ông Phạm Văn D.\nTheo đơn khởi kiện ngày 15/01/2020, nguyên đơn trình bày.\n"
    )
    label = {
        "category": "judgment",
        "doc_type": "ban_an",
        "own_number": "12/2020/DS-ST",
        "date": "2020-09-25",
        "numbers": ["12/2020/DS-ST", "3/2020/TLST-DS"],
        "dates": [
            {"date": "2020-09-25", "kind": "document"},
            {"date": "2020-09-25", "kind": "hearing"},
            {"date": "2020-03-02", "kind": "cited"},
            {"date": "2020-01-16", "kind": "event"},  # a wrong label: one miss, one extra
        ],
        "parties": [
            {"name": "Lê Văn B", "role": "nguyen_don"},
            {"name": "Trần Thị C", "role": "other", "represents": ["Lê Văn B"]},
            {"name": "Phạm Văn D", "role": "bi_don"},
        ],
    }
    for name in ("j001", "e002"):
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
        (tmp_path / f"{name}.json").write_text(json.dumps(label), encoding="utf-8")
    report = evaluate_dir(tmp_path, ids="^j")
    s = report.fields
    assert report.n_docs == 1
    assert (s["dates"].tp, s["dates"].fp, s["dates"].fn) == (2, 0, 0)
    assert (s["dates_hearing"].tp, s["dates_event"].fp, s["dates_event"].fn) == (1, 1, 1)
    assert s["date"].f1 == s["parties"].f1 == s["represents"].f1 == 1.0
    assert report.by_type["ban_an"]["dates_event"].fn == 1
    assert report.docs_by_category == {"judgment": 1}
    result = CliRunner().invoke(app, ["eval", str(tmp_path), "--verbose"])
    assert result.exit_code == 0, result.output
    assert "e002 dates_event: missing ['2020-01-16'] extra ['2020-01-15']" in result.output
    assert "F1 per document type" not in result.output  # one type: no per-type table
    data = json.loads(CliRunner().invoke(app, ["eval", str(tmp_path), "--json"]).output)
    assert data["by_doc_type"]["ban_an"]["n_docs"] == 2
    assert data["by_category"]["judgment"]["fields"]["dates_event"]["fn"] == 2

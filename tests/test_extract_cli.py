import json
from pathlib import Path

from typer.testing import CliRunner

from ingest.catalog import Catalog, PageRow
from ingest.cli import app
from schemas import PageQuality

LABELLED = Path(__file__).parent / "data" / "labelled"


def test_extract_json_prints_the_documents_of_each_text_file(tmp_path):
    f = tmp_path / "judgment.txt"
    f.write_text((LABELLED / "001.txt").read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", str(f), "--json"])
    assert result.exit_code == 0, result.output
    (entry,) = json.loads(result.output)
    (doc,) = entry["documents"]
    assert entry["file"] == str(f)
    assert doc["doc_type"] == "ban_an"
    assert doc["own_number"] == "759/2017/LĐ-PT"
    assert doc["date"] == "2017-08-23"
    assert {"name": "Huỳnh Thị C", "role": "nguyen_don"}.items() <= doc["parties"][0].items()
    assert doc["references"][0]["number"] == "109/2017/LĐ-ST"


def test_extract_archive_reextracts_catalogued_pages_without_ocr(tmp_path):
    archive = tmp_path / "archive"
    sha = "b" * 64
    texts = [(LABELLED / f"{n}.txt").read_text(encoding="utf-8") for n in ("009", "020")]
    with Catalog(archive) as catalog:
        catalog.add_file(sha, "pdf", 10, "/scans/ho-so-7/file.pdf", "ho-so-7")
        for i, text in enumerate(texts, start=1):
            catalog.save_page(
                PageRow(sha, i, "ocr", text, 90.0, PageQuality(), None, None, None, 0.0)
            )
        assert catalog.documents(sha256=sha) == []
    result = CliRunner().invoke(app, ["extract", "--archive", str(archive), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"archive": str(archive), "files": 1, "documents": 2}
    with Catalog(archive) as catalog:
        docs = catalog.documents(sha256=sha)
        assert [d.own_number for d in docs] == ["1583/QĐ-CCTHADS", "356/TB-CCTHADS"]
        assert catalog.cases_citing("87/2016/DS-PT") == ["ho-so-7"]
        # re-running replaces, never duplicates
    CliRunner().invoke(app, ["extract", "--archive", str(archive)])
    with Catalog(archive) as catalog:
        assert len(catalog.documents(sha256=sha)) == 2


def test_extract_of_a_missing_file_fails_with_one_line(tmp_path):
    result = CliRunner().invoke(app, ["extract", str(tmp_path / "nope.pdf")])
    assert result.exit_code != 0
    assert "no such file" in result.output

"""End to end on the generated sample archive with real Tesseract: what an archivist sees."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from pypdf import PdfReader

from ingest.catalog import Catalog
from ingest.quality import cer

pytestmark = pytest.mark.slow  # OCRs the quick sample archive for the module

HOSO = [sys.executable, "-m", "ingest"]


def _sha_of(catalog: Catalog, samples: Path, rel: str) -> str:
    row = catalog.db.execute(
        "SELECT sha256 FROM file_paths WHERE path=?", (str(samples / rel),)
    ).fetchone()
    assert row is not None, f"{rel} was not catalogued"
    return row[0]


def _bag(text: str) -> str:
    return " ".join(sorted(text.split()))


def test_every_page_is_catalogued_with_its_case_id(ingested_quick):
    s = ingested_quick
    assert s.summary["failures"] == []
    with Catalog(s.archive) as cat:
        for rel, f in s.truth["files"].items():
            sha = _sha_of(cat, s.samples, rel)
            pages = list(cat.pages(sha256=sha))
            assert [p.page_no for p in pages] == list(range(1, f["n_pages"] + 1))
            assert {p.case_id for p in pages} == {f["case_id"]}


def test_character_error_rate_meets_targets_by_quality(ingested_quick):
    s = ingested_quick
    errors: dict[str, list[float]] = defaultdict(list)
    with Catalog(s.archive) as cat:
        for rel, f in s.truth["files"].items():
            if f["kind"] != "scan":
                continue
            sha = _sha_of(cat, s.samples, rel)
            for p in f["pages"]:
                got = cat.page_record(sha, p["page_no"]).text
                errors[p["quality"]].append(cer(p["text"], got))
    mean = {q: sum(v) / len(v) for q, v in errors.items()}
    print("CER by quality:", {q: f"{100 * m:.2f}%" for q, m in mean.items()})
    assert mean.get("clean", 0) <= 0.005
    assert mean.get("office", 0) <= 0.005
    # Issue #2's target for poor pages: 1% (0.53% on this set; plain Tesseract gets ~60%).
    assert mean.get("poor", 0) <= 0.01


def test_text_layer_pdf_is_not_ocred_and_garbled_one_is_caught(ingested_quick):
    s = ingested_quick
    with Catalog(s.archive) as cat:
        for rel, f in s.truth["files"].items():
            sha = _sha_of(cat, s.samples, rel)
            page = cat.page_record(sha, 1)
            truth = f["pages"][0]
            if f["kind"] == "text_layer":
                assert page.method == "text_layer"
                # same characters; a text layer's column order may differ from the scan's
                assert cer(_bag(truth["text_layer"]), _bag(page.text)) < 0.01
            elif f["kind"].startswith("legacy"):
                # repaired from TCVN3/ƣ, or thrown away and OCR'd: never stored garbled.
                # TCVN3 has no capital toned vowels, so compare case-insensitively.
                assert page.method in ("text_layer_repaired", "ocr")
                assert cer(_bag(truth["text"].lower()), _bag(page.text.lower())) < 0.02


def test_searchable_pdf_per_file_has_every_page_and_its_text(ingested_quick):
    s = ingested_quick
    with Catalog(s.archive) as cat:
        for rec in cat.files():
            assert rec.status == "done"
            assert rec.searchable_pdf and Path(rec.searchable_pdf).exists()
            reader = PdfReader(rec.searchable_pdf)
            assert len(reader.pages) == rec.n_pages
            first = cat.page_record(rec.sha256, 1)
            if first.method == "ocr":
                layer = reader.pages[0].extract_text()
                assert cer(first.text, layer) < 0.15  # same words, PDF spacing differs


def test_rerun_does_nothing_new_and_moved_folder_is_not_reocred(ingested_quick, tmp_path):
    s = ingested_quick
    moved = tmp_path / "moved"
    subprocess.run(["cp", "-r", str(s.samples), str(moved)], check=True)
    out = subprocess.run(
        [*HOSO, "ingest", str(moved), "--archive", str(s.archive), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    summary = json.loads(out.stdout)
    assert summary["pages_done"] == 0
    assert summary["files_already_done"] == len(s.truth["files"])
    with Catalog(s.archive) as cat:
        n_pages = sum(f["n_pages"] for f in s.truth["files"].values())
        assert cat.db.execute("SELECT COUNT(*) FROM pages").fetchone()[0] == n_pages


def test_status_and_export_print_json(ingested_quick):
    s = ingested_quick
    st = subprocess.run(
        [*HOSO, "status", "--archive", str(s.archive), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    status = json.loads(st.stdout)
    n_pages = sum(f["n_pages"] for f in s.truth["files"].values())
    assert status["pages"] == n_pages and status["failures"] == []
    ex = subprocess.run(
        [*HOSO, "export", "--archive", str(s.archive)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    records = [json.loads(line) for line in ex.stdout.splitlines()]
    assert len(records) == n_pages
    assert all(r["case_id"] and r["text"] for r in records)

"""Statistics and structured exports of an archive made from `hoso make-samples` scans read
by real Tesseract (`conftest.ingested_quick`), against figures computed here from the
generator's own ground truth (ground_truth.json), never from what hoso wrote.

OCR misreads some typed fields (a number, a TCVN3 decision's type); an office corrects
those before it reports, so the officer's corrections (`hoso corrections add`, values
typed from the paper, here from the truth) come first. Amounts, parties, cited numbers,
cases and the documents' segmentation are what OCR and extraction made of the scans.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import SampleArchive
from typer.testing import CliRunner

from hoso.cli import app
from ingest.catalog import Catalog

pytestmark = pytest.mark.slow

# The decisions an office counts (việc) and sums (tiền), by document type; a decision's
# amount is the largest sum it states (the total it orders).
COUNTED = {
    "quyet_dinh_thi_hanh_an": "thi_hanh_an",
    "quyet_dinh_chua_co_dieu_kien": "chua_co_dieu_kien",
}
TYPED = ("doc_type", "own_number", "date")  # the fields an officer corrects here


def _cli(*args: str) -> str:
    r = CliRunner().invoke(app, list(args))
    assert r.exit_code == 0, r.output
    return r.output


def _agency(name: str | None) -> str:
    """An agency's name without case or punctuation: the paper sets "… huyện Trảng Bom" and
    "tỉnh Đồng Nai" on two header lines, the truth joins them with a comma."""
    return " ".join(re.sub(r"[^\w]+", " ", (name or "").lower()).split())


def truth_documents(samples: Path) -> list[dict[str, Any]]:
    truth = json.loads((samples / "ground_truth.json").read_text(encoding="utf-8"))
    return [
        {**d, "file": samples / name} for name, f in truth["files"].items() for d in f["documents"]
    ]


def truth_statistics(samples: Path, year: str | None = None) -> dict[str, Any]:
    """The yearly report's figures from the ground truth alone."""
    truth = json.loads((samples / "ground_truth.json").read_text(encoding="utf-8"))
    docs = [d for d in truth_documents(samples) if year is None or d["date"][:4] == year]
    decisions: dict[str, list[int]] = {k: [] for k in COUNTED.values()}
    by_agency_year: Counter[tuple[str, str, str]] = Counter()
    amounts: Counter[tuple[str, str, str]] = Counter()
    for d in docs:
        kind = COUNTED.get(d["doc_type"])
        if kind:
            amount = max(d["amounts_vnd"], default=0)
            decisions[kind].append(amount)
            by_agency_year[(kind, _agency(d["issuer"]), d["date"][:4])] += 1
            amounts[(kind, _agency(d["issuer"]), d["date"][:4])] += amount
    return {
        "cases": len(truth["cases"]),
        "documents": len(docs),
        "documents_by_type": dict(Counter(d["doc_type"] for d in docs)),
        "documents_by_agency_year": dict(
            Counter((_agency(d["issuer"]), d["date"][:4]) for d in docs)
        ),
        "decisions": {k: {"count": len(v), "amount_vnd": sum(v)} for k, v in decisions.items()},
        "decisions_by_agency_year": {key: (n, amounts[key]) for key, n in by_agency_year.items()},
    }


def hoso_statistics(archive: Path, *year: str) -> dict[str, Any]:
    """`hoso stats --json` in the shape of `truth_statistics`."""
    args = ["--year", year[0]] if year else []
    s = json.loads(_cli("stats", "-a", str(archive), "--json", *args))
    return {
        "cases": s["cases"],
        "documents": s["documents"],
        "documents_by_type": s["documents_by_type"],
        "documents_by_agency_year": {
            (_agency(r["agency"]), r["year"]): r["documents"] for r in s["documents_by_agency_year"]
        },
        "decisions": s["decisions"],
        "decisions_by_agency_year": {
            (r["kind"], _agency(r["agency"]), r["year"]): (r["count"], r["amount_vnd"])
            for r in s["decisions_by_agency_year"]
        },
    }


@pytest.fixture
def corrected(ingested_quick: SampleArchive, tmp_path: Path) -> tuple[Path, Path, list[str]]:
    """A copy of the ingested quick archive with the officer's corrections of what OCR
    misread; (archive, samples, the corrected doc ids)."""
    archive = tmp_path / "archive"
    shutil.copytree(ingested_quick.archive, archive, ignore=shutil.ignore_patterns("*.lock"))
    fixed = []
    with Catalog(archive, readonly=True) as cat:
        wrong = []
        for t in truth_documents(ingested_quick.samples):
            doc_id = f"{cat.content_at(str(t['file']))}:{t['pages'][0]}"
            doc = cat.document(doc_id)
            assert doc is not None, f"no document starts on page {t['pages'][0]} of {t['file']}"
            wrong += [(doc_id, f, t[f]) for f in TYPED if getattr(doc, f) != t[f]]
    for doc_id, field, value in wrong:
        _cli(
            "corrections",
            "add",
            doc_id,
            "-a",
            str(archive),
            "--field",
            field,
            "--value",
            value,
            "--who",
            "canbo",
        )
        fixed.append(doc_id)
    return archive, ingested_quick.samples, fixed


def test_stats_equal_the_figures_of_the_samples_truth(corrected):
    archive, samples, _ = corrected
    want = truth_statistics(samples)
    assert want["decisions"]["chua_co_dieu_kien"]["count"] >= 1  # both kinds are counted
    assert hoso_statistics(archive) == want
    for year in sorted({d["date"][:4] for d in truth_documents(samples)}):
        assert hoso_statistics(archive, year) == truth_statistics(samples, year), year
    rows = list(csv.DictReader(io.StringIO(_cli("stats", "-a", str(archive), "--csv"))))
    table = {(r["measure"], r["kind"], _agency(r["agency"]), r["year"]): r["value"] for r in rows}
    assert table[("cases", "", "", "")] == str(want["cases"])
    for kind, t in want["decisions"].items():
        assert table[("decisions", kind, "", "")] == str(t["count"])
        assert table[("amount_vnd", kind, "", "")] == str(t["amount_vnd"])
    for (kind, agency, year), (n, amount) in want["decisions_by_agency_year"].items():
        assert table[("decisions", kind, agency, year)] == str(n)
        assert table[("amount_vnd", kind, agency, year)] == str(amount)


def test_exports_carry_the_samples_documents_parties_numbers_and_amounts(corrected):
    archive, samples, fixed = corrected
    truth = truth_documents(samples)
    with Catalog(archive, readonly=True) as cat:
        ids = [f"{cat.content_at(str(t['file']))}:{t['pages'][0]}" for t in truth]

    def export(what: str) -> list[dict[str, Any]]:
        lines = _cli("export", "-a", str(archive), "--what", what).splitlines()
        as_csv = list(
            csv.DictReader(io.StringIO(_cli("export", "-a", str(archive), "--what", what, "--csv")))
        )
        assert len(as_csv) == len(lines)  # the same records in both forms
        return [json.loads(x) for x in lines]

    documents = {r["doc_id"]: r for r in export("documents")}
    assert set(documents) == set(ids)
    for doc_id, t in zip(ids, truth, strict=True):
        r = documents[doc_id]
        got = (r["case_id"], r["doc_type"], r["own_number"], r["date"], _agency(r["issuer"]))
        assert got == (
            t["case_id"],
            t["doc_type"],
            t["own_number"],
            t["date"],
            _agency(t["issuer"]),
        )
        assert r["amount_vnd"] == max(t["amounts_vnd"], default=0)
        assert (r["first_page"], r["last_page"]) == tuple(t["pages"])

    def by_doc(rows: list[dict[str, Any]], *keys: str) -> set[tuple[Any, ...]]:
        return {(r["doc_id"], *(r[k] for k in keys)) for r in rows}

    parties = export("parties")
    assert by_doc(parties, "name", "role") == {
        (i, p["name"], p["role"]) for i, t in zip(ids, truth, strict=True) for p in t["parties"]
    }
    assert by_doc(export("numbers"), "number") == {
        (i, n) for i, t in zip(ids, truth, strict=True) for n in t["numbers"]
    }
    assert by_doc(export("amounts"), "value_vnd") == {
        (i, a) for i, t in zip(ids, truth, strict=True) for a in t["amounts_vnd"]
    }
    made = export("corrections")
    assert sorted(r["doc_id"] for r in made) == sorted(fixed)
    assert {r["status"] for r in made} == {"applied"}

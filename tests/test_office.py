"""Statistics and structured exports against the sample archive's ground truth (the cases
it was built from: decisions, their amounts and dates), through the real catalog and CLI."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner
from web_fixtures import SampleArchive, build_web_archive

from hoso.cli import app
from ingest.catalog import Catalog
from ingest.review import correct
from schemas.review import Correction

AGENCY = "Chi cục Thi hành án dân sự quận 5"


@pytest.fixture
def sample(tmp_path: Path) -> SampleArchive:
    return build_web_archive(tmp_path / "archive", n_cases=6)


def _cli(*args: str) -> str:
    r = CliRunner().invoke(app, list(args))
    assert r.exit_code == 0, r.output
    return r.output


def test_stats_match_the_samples_truth(sample):
    stats = json.loads(_cli("stats", "-a", str(sample.archive), "--json"))
    cases = sample.cases
    ccdk = [c for c in cases if c.has_cccdk]
    assert stats["cases"] == len(cases)
    assert stats["documents"] == 3 * len(cases)
    assert stats["documents_by_type"] == {
        "ban_an": len(cases),
        "quyet_dinh_thi_hanh_an": len(cases),
        "quyet_dinh_chua_co_dieu_kien": len(ccdk),
        "thong_bao": len(cases) - len(ccdk),
    }
    assert stats["decisions"]["thi_hanh_an"] == {
        "count": len(cases),
        "amount_vnd": sum(c.amount for c in cases),
    }
    assert stats["decisions"]["chua_co_dieu_kien"] == {
        "count": len(ccdk),
        "amount_vnd": sum(c.amount for c in ccdk),
    }
    by_year: dict[str, int] = {}
    for c in cases:
        by_year[c.decision_date[:4]] = by_year.get(c.decision_date[:4], 0) + c.amount
    got = {
        r["year"]: r["amount_vnd"]
        for r in stats["decisions_by_agency_year"]
        if r["kind"] == "thi_hanh_an" and r["agency"] == AGENCY
    }
    assert got == by_year
    year = cases[0].decision_date[:4]
    one = json.loads(_cli("stats", "-a", str(sample.archive), "--json", "--year", year))
    assert one["decisions"]["thi_hanh_an"]["amount_vnd"] == by_year[year]
    table = list(csv.DictReader(io.StringIO(_cli("stats", "-a", str(sample.archive), "--csv"))))
    assert {
        "measure": "cases",
        "kind": "",
        "agency": "",
        "year": "",
        "value": str(len(cases)),
    } in table


def test_exports_carry_every_document_party_number_and_amount(sample):
    archive = str(sample.archive)
    docs = [
        json.loads(x) for x in _cli("export", "-a", archive, "--what", "documents").splitlines()
    ]
    assert len(docs) == 3 * len(sample.cases)
    decisions = {d["own_number"]: d for d in docs if d["doc_type"] == "quyet_dinh_thi_hanh_an"}
    for c in sample.cases:
        d = decisions[c.decision_number]
        assert (d["case_id"], d["date"], d["amount_vnd"]) == (c.case_id, c.decision_date, c.amount)
    parties = list(
        csv.DictReader(io.StringIO(_cli("export", "-a", archive, "--what", "parties", "--csv")))
    )
    for c in sample.cases:
        mine = {(p["name"], p["role"]) for p in parties if p["case_id"] == c.case_id}
        assert (c.debtor, "nguoi_phai_thi_hanh_an") in mine
        assert (c.creditor, "nguoi_duoc_thi_hanh_an") in mine
    numbers = [
        json.loads(x) for x in _cli("export", "-a", archive, "--what", "numbers").splitlines()
    ]
    for c in sample.cases:
        assert {"number": c.judgment_number, "kind": "ban_an", "own": False}.items() <= next(
            n for n in numbers if n["number"] == c.judgment_number and not n["own"]
        ).items()
    amounts = [
        json.loads(x) for x in _cli("export", "-a", archive, "--what", "amounts").splitlines()
    ]
    assert sorted({a["value_vnd"] for a in amounts}) == sorted({c.amount for c in sample.cases})
    one_case = _cli(
        "export", "-a", archive, "--what", "documents", "--case", sample.cases[0].case_id
    )
    assert len(one_case.splitlines()) == 3
    for wrong in (["--csv"], ["--documents", "--what", "parties"]):
        r = CliRunner().invoke(app, ["export", "-a", archive, *wrong])
        assert r.exit_code == 2 and r.output.count("\n") == 1 and "--" in r.output, r.output


def test_a_corrected_amount_of_work_shows_in_exports_and_stats(sample, tmp_path):
    case = sample.cases[0]
    with Catalog(sample.archive) as cat:
        correct(
            cat,
            Correction(
                sha256=case.sha256,
                page_no=2,
                target="document",
                field="doc_type",
                after="quyet_dinh_cuong_che",
                who="canbo",
            ),
        )
    stats = json.loads(_cli("stats", "-a", str(sample.archive), "--json"))
    assert stats["decisions"]["thi_hanh_an"]["count"] == len(sample.cases) - 1
    rows = list(
        csv.DictReader(
            io.StringIO(_cli("export", "-a", str(sample.archive), "--what", "corrections", "--csv"))
        )
    )
    assert [(r["field"], r["after"], r["case_id"]) for r in rows] == [
        ("doc_type", '"quyet_dinh_cuong_che"', case.case_id)
    ]
    r = CliRunner().invoke(app, ["export", "-a", str(sample.archive), "--what", "things"])
    assert r.exit_code == 2 and "--what must be one of" in r.output


def test_charts_are_svg_drawn_here_with_every_label_escaped():
    from search.web.charts import bar_chart

    svg = str(bar_chart("Văn bản <theo> loại", [("<script>x</script>", 3), ("Bản án " * 10, 1)]))
    assert svg.startswith("<svg") and "<script>" not in svg and "&lt;script&gt;" in svg
    assert svg.count('class="bar"') == 2 and 'width="360.0"' in svg and 'width="120.0"' in svg
    assert "…" in svg and "http" not in svg.replace("http://www.w3.org/2000/svg", "")


def test_the_agency_chart_labels_keep_the_year_and_the_place():
    """Cut to fit, an agency-and-year label must still say which year and where: the year
    first, the agency as offices abbreviate it."""
    from search.web.routes_review import _short_agency

    assert (
        _short_agency("Chi cục Thi hành án dân sự huyện Di Linh") == "Chi cục THADS huyện Di Linh"
    )
    assert _short_agency("Tòa án nhân dân huyện Trảng Bom tỉnh Đồng Nai") == (
        "TAND huyện Trảng Bom tỉnh Đồng Nai"
    )
    assert _short_agency(None) == "—"

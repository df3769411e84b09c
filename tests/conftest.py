"""Shared fixtures: the quick sample archive, generated once and ingested for real once.

Real Tesseract, real OpenCV, real SQLite: `ingested_quick` runs the whole pipeline over the
quick sample set (~12 pages) and is shared by every test that needs a catalogued archive.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest


@dataclass(frozen=True)
class SampleArchive:
    samples: Path  # generated scans (case folders) + ground_truth.json
    archive: Path  # ingested archive (catalog.sqlite, pdf/, pages/)
    truth: dict[str, Any]
    summary: dict[str, Any]


@pytest.fixture(scope="session")
def quick_samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from samplegen import generate

    out = tmp_path_factory.mktemp("samples") / "quick"
    generate(out, seed=7, quick=True)
    return out


@pytest.fixture(scope="session")
def ingested_quick(quick_samples: Path, tmp_path_factory: pytest.TempPathFactory) -> SampleArchive:
    from ingest.pipeline import IngestOptions, run_ingest

    archive = tmp_path_factory.mktemp("archive") / "quick"
    summary = run_ingest([quick_samples], archive, IngestOptions(workers=2))
    truth = json.loads((quick_samples / "ground_truth.json").read_text(encoding="utf-8"))
    return SampleArchive(quick_samples, archive, truth, summary.as_dict())


# -- the web sample: one archive and one app for every web test module ----------------------
# (defined here, not re-registered in each module: a fixture re-registered in a module is a
# new fixture there, and the sample was built once a module, ~1.5 s each)
@pytest.fixture(scope="session")
def web_sample(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """`samplegen.web_archive`'s sample archive with the officer of `web_fixtures`."""
    from web_fixtures import OFFICER, OFFICER_PASSWORD, build_web_archive

    from search.web.accounts import CatalogStore, add_user

    sample = build_web_archive(tmp_path_factory.mktemp("web-archive"))
    store = CatalogStore(sample.archive)
    add_user(store.db, OFFICER, OFFICER_PASSWORD)
    return sample


@pytest.fixture(scope="session")
def web_app(web_sample):  # type: ignore[no-untyped-def]
    """The officer web service over `web_sample` (its SQLite index)."""
    from web_fixtures import make_engine

    from search.web import WebSettings, create_app
    from search.web.accounts import CatalogStore

    return create_app(
        make_engine(web_sample.archive), CatalogStore(web_sample.archive), WebSettings()
    )

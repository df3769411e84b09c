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

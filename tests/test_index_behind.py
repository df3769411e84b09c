"""An index that is behind the catalog (Elasticsearch switched on for an existing archive, its
index lost) is noticed: ingest fills it, search refuses with the one command that fills it.
Real Elasticsearch (HOSO_TEST_ES_URL) behind an alias of this test's own."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from ingest.pipeline import IngestOptions, run_ingest
from schemas.errors import ExitCode, IndexBehind
from search.es_backend import EsBackend
from search.web.cli_serve import build_app

ES_URL = os.environ.get("HOSO_TEST_ES_URL", "http://127.0.0.1:9200")
HOSO = [sys.executable, "-m", "ingest"]


def _png(path: Path, word: str) -> None:
    from PIL import Image

    from samplegen import render_page

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(render_page(["QUYẾT ĐỊNH THI HÀNH ÁN", f"Ông {word}"], dpi=300)).save(path)


@pytest.fixture
def es_alias(monkeypatch: pytest.MonkeyPatch):
    alias = f"hoso-test-behind-{uuid.uuid4().hex[:8]}"
    backend = EsBackend(ES_URL, alias=alias)
    if not backend.available():  # never skip: the server is part of the test setup
        pytest.fail(f"Elasticsearch is not reachable at {ES_URL} (scripts/start-es)")
    monkeypatch.setenv("HOSO_ES_INDEX", alias)
    yield backend
    backend.drop()
    backend.close()


def _count(backend: EsBackend) -> int:
    backend.refresh()
    return backend.count()


@pytest.mark.slow
def test_elasticsearch_switched_on_or_lost_is_filled_from_the_catalog(es_alias, tmp_path):
    scans, archive = tmp_path / "scans", tmp_path / "archive"
    _png(scans / "HS-1" / "a.png", "Zyxmotvan")
    _png(scans / "HS-1" / "b.png", "Zyxhaivan")
    run_ingest([scans], archive, IngestOptions(workers=1))  # the embedded index only

    _png(scans / "HS-2" / "c.png", "Zyxbavan")
    summary = run_ingest([scans], archive, IngestOptions(workers=1, es_url=ES_URL))
    assert _count(es_alias) == 3  # not only the page this run read
    assert any("Elasticsearch" in n["note"] for n in summary.notes)

    es_alias.drop()  # the index is lost
    env = {**os.environ, "HOSO_ES_INDEX": es_alias.alias}
    search = [*HOSO, "search", "Zyxmotvan", "--archive", str(archive), "--es-url", ES_URL]
    run = subprocess.run(search, capture_output=True, text=True, env=env)
    assert run.returncode == ExitCode.INDEX_BEHIND, run.stderr
    assert f"hoso reindex --archive {archive} --es-url {ES_URL}" in " ".join(run.stderr.split())
    assert "Traceback" not in run.stderr
    with pytest.raises(IndexBehind) as refused:  # `hoso serve` refuses it too
        build_app(archive, ES_URL)
    assert refused.value.exit_code == ExitCode.INDEX_BEHIND

    run_ingest([scans], archive, IngestOptions(workers=1, es_url=ES_URL))  # nothing new to read
    assert _count(es_alias) == 3
    run = subprocess.run([*search, "--json"], capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr
    assert "HS-1" in run.stdout


def test_archive_index_holding_pages_no_path_holds_is_rebuilt_by_ingest(tmp_path):
    """What an older hoso left in the archive's own index after a rescan (pages of content
    no path holds) is gone after the next ingest."""
    from ingest.catalog import Catalog
    from schemas import IndexPage, SearchQuery
    from search.engine import open_engine
    from search.sqlite_backend import SqliteBackend

    scans, archive = tmp_path / "scans", tmp_path / "archive"
    _png(scans / "HS-1" / "a.png", "Zyxmotvan")
    run_ingest([scans], archive, IngestOptions(workers=1))
    with Catalog(archive, readonly=True) as cat:
        (page,) = cat.pages()
    stale = IndexPage(
        sha256="f" * 64, page_no=1, case_id="", source_path=page.source_path, text="Zyxcuvan"
    )
    backend = SqliteBackend(archive)
    backend.upsert([stale])
    backend.close()

    summary = run_ingest([scans], archive, IngestOptions(workers=1))
    assert summary.pages_done == 0 and any("no path holds" in n["note"] for n in summary.notes)
    with open_engine(archive) as engine:
        assert engine.search(SearchQuery(q="Zyxcuvan")).cases == []
        assert engine.search(SearchQuery(q="Zyxmotvan")).cases

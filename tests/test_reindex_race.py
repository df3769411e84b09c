"""A page catalogued by another process while `reindex` rebuilds the index is in the new index
(real catalog from the quick ingest, real SQLite FTS index)."""

from __future__ import annotations

import shutil

import pytest

from ingest.catalog import Catalog, PageRow
from ingest.index import SQLITE_QUEUE, reindex, sync
from schemas import SearchQuery
from search.engine import SearchEngine, open_engine
from search.sqlite_backend import SqliteBackend

# The session's quick sample archive, OCR'd for real (conftest.ingested_quick).
pytestmark = pytest.mark.slow

WORD = "Zyxquocvan"  # no generated page holds it


def _pages_found(engine: SearchEngine) -> list[tuple[str, int]]:
    return [(h.sha256, h.page_no) for g in engine.search(SearchQuery(q=WORD)).cases for h in g.hits]


def test_page_catalogued_during_a_reindex_is_in_the_new_index(ingested_quick, tmp_path):
    archive = tmp_path / "archive"
    shutil.copytree(ingested_quick.archive, archive)
    with Catalog(archive) as catalog:
        sha, page_no = catalog.db.execute(
            "SELECT sha256, page_no FROM pages ORDER BY sha256, page_no LIMIT 1"
        ).fetchone()
        page = catalog.page_record(sha, page_no)
        backend = SqliteBackend(archive)
        rebuild = backend.rebuild

        def rebuild_while_ingest_runs(pages):
            snapshot = list(pages)  # the rebuild has read the catalog…
            # …when an ingest in another process re-OCRs a page, commits it and updates the
            # live index (the old one) from its queue, acknowledging the item.
            with Catalog(archive) as other:
                other.save_page(
                    PageRow(
                        sha256=sha,
                        page_no=page_no,
                        method="ocr",
                        text=f"{page.text}\n{WORD}",
                        confidence=page.confidence,
                        quality=page.quality,
                        words=None,
                        width=page.width,
                        height=page.height,
                        seconds=0.0,
                    ),
                    enqueue_for=[SQLITE_QUEUE],
                )
                assert sync(other, SqliteBackend(archive), queue=SQLITE_QUEUE) >= 1
            return rebuild(snapshot)

        backend.rebuild = rebuild_while_ingest_runs  # type: ignore[method-assign]
        reindex(catalog, backend, queue=SQLITE_QUEUE)
        assert catalog.pending(SQLITE_QUEUE) == []
    engine = open_engine(archive)
    try:
        assert (sha, page_no) in _pages_found(engine)
    finally:
        engine.close()


def test_an_open_engine_follows_a_reindex_done_by_another_process(ingested_quick, tmp_path):
    """`hoso serve` keeps its engine open; `hoso reindex` in another process renames a new
    index file over the old one. The next search must read the new file."""
    archive = tmp_path / "archive"
    shutil.copytree(ingested_quick.archive, archive)
    engine = open_engine(archive)  # the server's engine, opened before the reindex
    try:
        assert not engine.search(SearchQuery(q=WORD)).cases
        with Catalog(archive) as catalog:
            sha, page_no = catalog.db.execute(
                "SELECT sha256, page_no FROM pages ORDER BY sha256, page_no LIMIT 1"
            ).fetchone()
            page = catalog.page_record(sha, page_no)
            catalog.db.execute(
                "UPDATE pages SET text=? WHERE sha256=? AND page_no=?",
                (f"{page.text}\n{WORD}", sha, page_no),
            )
            catalog.db.commit()
            reindex(catalog, SqliteBackend(archive), queue=SQLITE_QUEUE)  # "another process"
        assert (sha, page_no) in _pages_found(engine)
    finally:
        engine.close()

"""The result cache of `hoso serve` (SQLite index): a repeated search is answered from memory,
and any change of the index, by this process or another, is seen by the next search.

Real archive, real FTS5 index, real writes through a second `SqliteBackend` (another
connection, as `hoso ingest` would make) and a real rebuild-and-swap.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from web_fixtures import SampleArchive, build_web_archive, make_engine

from ingest.catalog import Catalog
from ingest.index import all_pages, index_pages
from schemas import Party, SearchQuery
from search.engine import SearchEngine, open_engine, serve_cache_entries
from search.query import plan
from search.sqlite_backend import SqliteBackend


@pytest.fixture(scope="module")
def web_sample_for_pages(tmp_path_factory: pytest.TempPathFactory) -> SampleArchive:
    from web_fixtures import OFFICER, OFFICER_PASSWORD

    from search.web.accounts import CatalogStore, add_user

    sample = build_web_archive(tmp_path_factory.mktemp("pages"), n_cases=4)
    make_engine(sample.archive).close()
    add_user(CatalogStore(sample.archive).db, OFFICER, OFFICER_PASSWORD)
    return sample


@pytest.fixture()
def sample(tmp_path: Path) -> SampleArchive:
    sample = build_web_archive(tmp_path / "archive", n_cases=4)
    make_engine(sample.archive).close()  # builds the index from the catalog
    return sample


def cases_of(engine: SearchEngine, q: str) -> list[str]:
    return [c.case_id for c in engine.search(SearchQuery(q=q)).cases]


def test_a_repeated_search_comes_from_the_cache_with_the_same_answer(
    sample: SampleArchive,
) -> None:
    engine = open_engine(sample.archive, cache_entries=8)
    cache = engine._cache
    assert cache is not None
    first = engine.search(SearchQuery(q="nguyen van trang"))
    again = engine.search(SearchQuery(q="nguyen van trang"))
    assert (cache.hits, cache.misses) == (1, 1)
    assert again.model_dump(exclude={"took_ms"}) == first.model_dump(exclude={"took_ms"})
    # Another page, filter or page size is another entry.
    engine.search(SearchQuery(q="nguyen van trang", page=2))
    engine.search(SearchQuery(q="nguyen van trang", doc_type="ban_an"))
    engine.search(SearchQuery(q="nguyen van trang", per_page=5))
    assert (cache.hits, cache.misses) == (1, 4)
    # Threads of one process share one cache; a different size is a different cache.
    other = open_engine(sample.archive, cache_entries=8)
    assert other._cache is cache
    other.search(SearchQuery(q="nguyen van trang"))
    assert cache.hits == 2
    assert open_engine(sample.archive)._cache is None  # off unless asked for (CLI, tests)


def test_a_write_by_another_connection_is_seen_by_the_next_search(
    sample: SampleArchive,
) -> None:
    engine = open_engine(sample.archive, cache_entries=8)
    case = sample.cases[0]
    assert cases_of(engine, case.judgment_number) == [case.case_id]
    assert cases_of(engine, case.judgment_number) == [case.case_id]  # cached
    writer = SqliteBackend(sample.archive)  # a second connection, like `hoso ingest`
    writer.delete_file(case.sha256)
    assert cases_of(engine, case.judgment_number) == []
    # A page written back with a new party: found under the new name at once.
    with Catalog(sample.archive) as cat:
        pages = list(index_pages(cat, case.sha256))
    assert cases_of(engine, "la thi moi") == []
    newcomer = Party(name="Lã Thị Mới", role="nguoi_phai_thi_hanh_an")
    pages[0] = pages[0].model_copy(update={"parties": [*pages[0].parties, newcomer]})
    writer.upsert(pages)
    writer.close()
    assert cases_of(engine, case.judgment_number) == [case.case_id]
    assert case.case_id in cases_of(engine, "la thi moi")


def test_a_rebuilt_and_swapped_index_is_seen_by_the_next_search(
    sample: SampleArchive,
) -> None:
    engine = open_engine(sample.archive, cache_entries=8)
    case = sample.cases[1]
    engine.index.delete_file(case.sha256)
    assert cases_of(engine, case.decision_number) == []
    assert cases_of(engine, case.decision_number) == []  # cached
    with Catalog(sample.archive) as cat:
        engine.index.rebuild(all_pages(cat))  # a new file renamed over the old one
    assert cases_of(engine, case.decision_number) == [case.case_id]


def test_no_caching_when_the_index_generation_cannot_be_trusted(
    sample: SampleArchive,
) -> None:
    engine = open_engine(sample.archive, cache_entries=8)
    cache = engine._cache
    assert cache is not None
    journal = Path(f"{cache.path}-journal")  # a write transaction in progress
    journal.write_bytes(b"")
    engine.search(SearchQuery(q="nguyen van trang"))
    engine.search(SearchQuery(q="nguyen van trang"))
    assert cache.hits == 0
    journal.unlink()
    db = sqlite3.connect(cache.path)  # WAL: the header's change counter is not kept
    assert db.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal"
    db.close()
    engine.search(SearchQuery(q="nguyen van trang"))
    engine.search(SearchQuery(q="nguyen van trang"))
    assert cache.hits == 0 and cache.generation() is None


def test_cache_size_of_hoso_serve(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSO_SEARCH_CACHE", "0")
    assert serve_cache_entries() == 0
    monkeypatch.setenv("HOSO_SEARCH_CACHE", "64")
    assert serve_cache_entries() == 64
    monkeypatch.delenv("HOSO_SEARCH_CACHE")
    assert serve_cache_entries() > 0


def test_a_repeated_search_page_reuses_the_rendered_case_list(
    web_sample_for_pages: SampleArchive,
) -> None:
    from fastapi.testclient import TestClient
    from web_fixtures import login

    from search.web import WebSettings, create_app
    from search.web.accounts import CatalogStore

    archive = web_sample_for_pages.archive
    engine = open_engine(archive, cache_entries=8)
    app = create_app(engine, CatalogStore(archive), WebSettings())
    client = TestClient(app)
    assert login(client).status_code == 303
    first = client.get("/search", params={"q": "nguyen van trang"})
    again = client.get("/search", params={"q": "nguyen van trang"})
    other = client.get("/search", params={"q": "Nguyễn Văn Tráng"})

    def case_list(html: str) -> str:
        return html[html.index('<ol class="cases">') : html.index("</ol>")]

    assert case_list(first.text) == case_list(again.text)
    assert "Nguyễn Văn Tráng" in case_list(first.text)
    assert "?q=nguyen%20van%20trang" in case_list(again.text)
    assert "?q=Nguy%E1%BB%85n%20V%C4%83n%20Tr%C3%A1ng" in case_list(other.text)
    assert len(app.state.ctx.results._data) == 2  # the repeat was not rendered again


def test_decoded_records_are_reused_only_while_the_index_is_unchanged(
    sample: SampleArchive,
) -> None:
    """The process-wide cache of decoded page records (search.sqlite_backend.RecordCache):
    the next search reuses them, a caller mutating its records changes nothing for the
    next one, and a write by another connection (in place, or a page deleted and indexed
    again, which can reuse its rowid) is seen at once."""
    engine = open_engine(sample.archive)  # no result cache: every search runs
    backend = engine.index
    assert isinstance(backend, SqliteBackend)
    cache = backend._cache
    case = sample.cases[0]

    def issuers() -> set[str | None]:
        hits = [h for c in engine.search(SearchQuery(q=case.judgment_number)).cases for h in c.hits]
        assert hits
        return {h.issuer for h in hits}

    before = issuers()
    assert cache._records and cache.generation() is not None
    kept = dict(cache._records)
    assert issuers() == before
    assert all(cache._records[rid] is entry for rid, entry in kept.items())  # reused
    # Callers get copies: mutating one is not seen by the next search.
    p = plan(SearchQuery(q=case.judgment_number))
    for rec in backend.candidates(p, SearchQuery(q=case.judgment_number), 10):
        rec["issuer"] = "changed by a caller"
        rec["text_fold"] = "x"
    assert issuers() == before
    # Another connection rewrites the records in place (same rowids).
    db = sqlite3.connect(backend.path)
    with db:
        db.execute(
            "UPDATE pages SET data = json_set(data, '$.issuer', 'Tòa án nhân dân tỉnh Mới')"
            " WHERE sha256 = ?",
            (case.sha256,),
        )
    db.close()
    assert issuers() == {"Tòa án nhân dân tỉnh Mới"}
    # The case's file deleted and indexed again with another issuer (rowids may be reused).
    with Catalog(sample.archive) as cat:
        pages = list(index_pages(cat, case.sha256))
    writer = SqliteBackend(sample.archive)
    writer.delete_file(case.sha256)
    writer.upsert([pg.model_copy(update={"issuer": "Tòa án nhân dân huyện Cũ"}) for pg in pages])
    writer.close()
    assert issuers() == {"Tòa án nhân dân huyện Cũ"}
    # No trusted generation (a write in progress): nothing is read from the cache.
    journal = Path(f"{backend.path}-journal")
    journal.write_bytes(b"")
    try:
        cache._records.clear()
        assert issuers() == {"Tòa án nhân dân huyện Cũ"}
        assert not cache._records
    finally:
        journal.unlink()

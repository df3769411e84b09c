"""Search: the same query suite on the SQLite FTS5 index and on a real Elasticsearch 9.

The archive is a real Catalog filled from the synthetic corpus's ground truth (no OCR).
Elasticsearch is the server started by scripts/start-es (HOSO_TEST_ES_URL); if it cannot
be reached these tests fail, they are never skipped.
"""

from __future__ import annotations

import json
import os
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hoso.cli import app
from ingest.catalog import Catalog
from ingest.index import ES_QUEUE, Indexer, index_pages, reindex, sync
from samplegen.search_corpus import (
    CCase,
    Q,
    fill_catalog,
    fill_catalog_from_samplegen,
    make_corpus,
    query_suite,
    samplegen_suite,
)
from schemas import IndexPage, SearchQuery, SearchResult
from schemas.normalize import strip_marks
from schemas.numbers import number_key
from search.engine import SearchEngine, open_engine
from search.es_backend import EsBackend
from search.query import Plan, plan, text_tokens
from search.sqlite_backend import SqliteBackend

ES_URL = os.environ.get("HOSO_TEST_ES_URL", "http://127.0.0.1:9200")


def _top(result: SearchResult) -> list[str]:
    return [c.case_id for c in result.cases]


def _search(engine: SearchEngine, q: Q | str, **filters: object) -> SearchResult:
    if isinstance(q, Q):
        return engine.search(SearchQuery(q=q.q, **q.filters))
    return engine.search(SearchQuery(q=q, **filters))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def corpus() -> list[CCase]:
    return make_corpus(seed=11, n_cases=60)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory, corpus: list[CCase]) -> Path:
    path = tmp_path_factory.mktemp("archive")
    with Catalog(path) as catalog:
        fill_catalog(catalog, corpus)
        reindex(catalog, SqliteBackend(path))
    return path


@pytest.fixture(scope="module")
def es_url() -> str:
    backend = EsBackend(ES_URL, alias="hoso-test-probe")
    try:
        if not backend.available():
            pytest.fail(
                f"Elasticsearch is not reachable at {ES_URL}: start it with scripts/start-es "
                "(scripts/test does) or set HOSO_TEST_ES_URL",
                pytrace=False,
            )
    finally:
        backend.close()
    return ES_URL


@pytest.fixture(scope="module")
def es_alias(archive: Path, es_url: str) -> Iterator[str]:
    alias = f"hoso-test-{uuid.uuid4().hex[:8]}"
    backend = EsBackend(es_url, alias=alias)
    with Catalog(archive) as catalog:
        reindex(catalog, backend)
    yield alias
    backend.drop()
    backend.close()


@pytest.fixture(scope="module")
def sqlite_engine(archive: Path) -> Iterator[SearchEngine]:
    with open_engine(archive) as engine:
        yield engine


@pytest.fixture(scope="module")
def es_engine(archive: Path, es_url: str, es_alias: str) -> Iterator[SearchEngine]:
    with open_engine(archive, es_url, es_alias_name=es_alias) as engine:
        yield engine


# -- the query suite -----------------------------------------------------------------------
def test_query_suite_has_at_least_40_queries_of_every_kind(corpus: list[CCase]) -> None:
    suite = query_suite(corpus)
    assert len(suite) >= 40
    kinds = {q.kind for q in suite}
    for kind in [
        "diacritics",
        "folded",
        "given-name",
        "partial",
        "ocr-in-query",
        "ocr-in-index",
        "surname-variant",
        "number-spacing",
        "number-d",
        "role",
        "year",
        "issuer",
        "full-text",
    ]:
        assert kind in kinds


@pytest.mark.es
def test_both_backends_give_the_same_top_case_and_full_recall(
    corpus: list[CCase], sqlite_engine: SearchEngine, es_engine: SearchEngine
) -> None:
    suite = query_suite(corpus)
    found = {"sqlite": 0, "es": 0}
    top1 = {"sqlite": 0, "es": 0}
    disagreements = []
    for q in suite:
        tops = {e.backend: _top(_search(e, q)) for e in (sqlite_engine, es_engine)}
        for name, top in tops.items():
            found[name] += q.expect in top[:10]
            top1[name] += top[:1] == [q.expect]
        if tops["sqlite"][:1] != tops["es"][:1]:
            disagreements.append((q, tops["sqlite"][:3], tops["es"][:3]))
    assert not disagreements
    for name in found:
        assert found[name] / len(suite) >= 0.98, (name, found[name], len(suite))
        assert top1[name] / len(suite) >= 0.95, (name, top1[name], len(suite))


def test_sqlite_suite_puts_the_expected_case_first(
    corpus: list[CCase], sqlite_engine: SearchEngine
) -> None:
    misses = [(q, _top(_search(sqlite_engine, q))[:3]) for q in query_suite(corpus)]
    misses = [(q, top) for q, top in misses if top[:1] != [q.expect]]
    assert not misses


@pytest.mark.slow
@pytest.mark.es
def test_samplegen_archive_suite_agrees_on_both_backends(
    tmp_path_factory: pytest.TempPathFactory, es_url: str
) -> None:
    """The sample generator's archive (its ground truth, no OCR): names and numbers as
    officers type them, same top case on both backends, recall@10 ≥ 0.98."""
    path = tmp_path_factory.mktemp("samplegen")
    alias = f"hoso-test-{uuid.uuid4().hex[:8]}"
    es = EsBackend(es_url, alias=alias)
    try:
        with Catalog(path) as catalog:
            cases = fill_catalog_from_samplegen(catalog, seed=7, n_cases=30)
            reindex(catalog, SqliteBackend(path))
            reindex(catalog, es)
        suite = samplegen_suite(cases)
        assert len(suite) >= 40
        with open_engine(path) as lite, open_engine(path, es_url, es_alias_name=alias) as big:
            tops = [(q, _top(_search(lite, q)), _top(_search(big, q))) for q in suite]
        assert [q for q, a, b in tops if a[:1] != b[:1]] == []
        for i in (1, 2):
            recall = sum(q.expect in t[i][:10] for t in tops for q in [t[0]]) / len(suite)
            first = sum(t[i][:1] == [t[0].expect] for t in tops) / len(suite)
            assert recall >= 0.98 and first >= 0.95, (i, recall, first)
    finally:
        es.drop()
        es.close()


# -- matching rules ------------------------------------------------------------------------
@pytest.mark.parametrize("backend", ["sqlite", "es"])
def test_typed_diacritics_rank_the_exact_name_before_the_folded_one(
    backend: str, request: pytest.FixtureRequest, corpus: list[CCase]
) -> None:
    engine: SearchEngine = request.getfixturevalue(f"{backend}_engine")
    trang, trang_plain = corpus[0].case_id, corpus[1].case_id
    top = _top(_search(engine, "Tráng"))
    assert top[:2] == [trang, trang_plain]
    assert _top(_search(engine, "Nguyễn Văn Trang"))[:2] == [trang_plain, trang]
    # Typed without marks, both are found at the top.
    assert set(_top(_search(engine, "nguyen van trang"))[:2]) == {trang, trang_plain}


@pytest.mark.parametrize("backend", ["sqlite", "es"])
def test_hits_carry_document_page_party_and_highlighted_snippet(
    backend: str, request: pytest.FixtureRequest, corpus: list[CCase]
) -> None:
    engine: SearchEngine = request.getfixturevalue(f"{backend}_engine")
    result = _search(engine, "nguyen van trang")
    hit = result.cases[0].hits[0]
    assert hit.matched_party is not None
    assert hit.matched_party.role == "nguoi_phai_thi_hanh_an"
    assert hit.doc_type in {"ban_an", "quyet_dinh_thi_hanh_an", "thong_bao"}
    assert hit.own_number and hit.doc_date and hit.issuer and hit.source_path
    assert hit.page_no >= 1 and hit.match == "party"
    assert "<mark>Nguyễn Văn Tr" in hit.snippet
    assert result.backend == backend


@pytest.mark.parametrize("backend", ["sqlite", "es"])
def test_numbers_match_whatever_spacing_dash_case_or_d_variant(
    backend: str, request: pytest.FixtureRequest, corpus: list[CCase]
) -> None:
    engine: SearchEngine = request.getfixturevalue(f"{backend}_engine")
    case = corpus[25]
    decision = case.decision_number  # e.g. 175/QĐ-CCTHADS
    for text in [
        decision,
        decision.replace("Đ", "D"),
        decision.replace("-", " - "),
        decision.replace("/", " / ").lower(),
        decision.replace("-", ""),
        case.judgment_number.replace("-", " – "),
        decision.replace("/", " ", 1),  # the slash left out: "175 QĐ-CCTHADS"
        case.judgment_number.replace("/", " "),  # "11 2020 DS-ST"
        "Số: " + strip_marks(decision).lower(),  # "Số: 175/qd-ccthads"
        f"quyết định số {decision.replace('Đ', 'D')} ngày",  # words around it
    ]:
        result = _search(engine, text)
        assert _top(result)[:1] == [case.case_id], text
        assert result.cases[0].hits[0].match == "number"
    hit = _search(engine, decision).cases[0].hits[0]
    assert hit.own_number == decision and "<mark>" in hit.snippet


@pytest.mark.parametrize("backend", ["sqlite", "es"])
def test_filters_restrict_role_type_year_issuer_and_case(
    backend: str, request: pytest.FixtureRequest, corpus: list[CCase]
) -> None:
    engine: SearchEngine = request.getfixturevalue(f"{backend}_engine")
    debtor, creditor = corpus[9].case_id, corpus[10].case_id
    assert _top(_search(engine, "Đỗ Minh Luận", role="nguoi_phai_thi_hanh_an")) == [debtor]
    assert _top(_search(engine, "Đỗ Minh Luận", role="nguoi_duoc_thi_hanh_an")) == [creditor]
    res = _search(engine, "Đỗ Minh Luận", doc_type="thong_bao")
    assert {h.doc_type for c in res.cases for h in c.hits} == {"thong_bao"}
    year = corpus[9].year
    res = _search(engine, "Đỗ Minh Luận", year_from=year, year_to=year)
    assert all(h.doc_date and h.doc_date.startswith(str(year)) for h in res.cases[0].hits)
    assert _top(_search(engine, "Đỗ Minh Luận", case_id=creditor)) == [creditor]
    issuer = corpus[9].docs[1].issuer
    res = _search(engine, "Đỗ Minh Luận", issuer=issuer.lower())
    assert {h.issuer for c in res.cases for h in c.hits} == {issuer}


@pytest.mark.parametrize("backend", ["sqlite", "es"])
def test_page_text_is_searched_when_no_party_or_number_matches(
    backend: str, request: pytest.FixtureRequest, corpus: list[CCase]
) -> None:
    engine: SearchEngine = request.getfixturevalue(f"{backend}_engine")
    result = _search(engine, "may xuc dao banh xich")
    assert _top(result)[:1] == [corpus[1].case_id]
    hit = result.cases[0].hits[0]
    assert hit.match == "text" and "<mark>máy xúc đào bánh xích</mark>" in hit.snippet


@pytest.mark.parametrize("backend", ["sqlite", "es"])
def test_results_are_grouped_by_case_and_paged(
    backend: str, request: pytest.FixtureRequest
) -> None:
    engine: SearchEngine = request.getfixturevalue(f"{backend}_engine")
    first = engine.search(SearchQuery(q="Văn", per_page=5))
    second = engine.search(SearchQuery(q="Văn", per_page=5, page=2))
    assert first.total_cases > 10 and len(first.cases) == 5 and len(second.cases) == 5
    assert not set(_top(first)) & set(_top(second))
    for group in first.cases:
        assert 1 <= len(group.hits) <= 3
        assert {h.case_id for h in group.hits} == {group.case_id}
        assert group.score == max(h.score for h in group.hits)


def test_number_key_ignores_dashes_zeros_and_punctuation() -> None:
    assert number_key("02/2022/QĐXX - LĐST") == number_key("2/2022/QDXXLDST.")
    assert number_key("129 / QĐ – CCTHADS") == number_key("129/QD-CCTHADS")


# -- the command line ----------------------------------------------------------------------
def test_search_command_prints_json_hits(archive: Path, corpus: list[CCase]) -> None:
    result = CliRunner().invoke(
        app,
        [
            "search",
            "Tráng",
            "--archive",
            str(archive),
            "--role",
            "nguoi_phai_thi_hanh_an",
            "--doc-type",
            "quyet_dinh_thi_hanh_an",
            "--year",
            "2015..2021",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["backend"] == "sqlite"
    case = data["cases"][0]
    assert case["case_id"] == corpus[0].case_id
    hit = case["hits"][0]
    for key in ("case_id", "doc_type", "own_number", "doc_date", "issuer", "page_no"):
        assert hit[key]
    assert hit["source_path"] and hit["matched_party"]["name"] == "Nguyễn Văn Tráng"
    assert hit["matched_party"]["role"] == "nguoi_phai_thi_hanh_an"
    assert hit["score"] > 0 and "<mark>" in hit["snippet"]


def test_search_command_reports_an_unreachable_elasticsearch(archive: Path) -> None:
    result = CliRunner().invoke(
        app, ["search", "Tráng", "--archive", str(archive), "--es-url", "http://127.0.0.1:9"]
    )
    assert result.exit_code == 5
    # one sentence, not the transport's three nested exceptions
    assert " ".join(result.output.split()) == (
        "error: Elasticsearch at http://127.0.0.1:9 cannot be reached (connection refused)"
    )


# -- indexing: incremental, queued, rebuilt ------------------------------------------------
def _small_archive(tmp_path: Path, cases: list[CCase]) -> Path:
    with Catalog(tmp_path) as catalog:
        fill_catalog(catalog, cases)
    return tmp_path


def test_ingest_keeps_the_sqlite_index_current(tmp_path: Path) -> None:
    cases = make_corpus(seed=3, n_cases=2)
    archive = _small_archive(tmp_path, cases)
    with Catalog(archive) as catalog, Indexer(catalog) as indexer:
        for sha in [r[0] for r in catalog.db.execute("SELECT sha256 FROM files")]:
            for page_no in catalog.done_pages(sha):
                indexer.page_saved(sha, page_no)
            indexer.documents_saved(sha)
    with open_engine(archive) as engine:
        person = cases[1].people[0].name
        assert _top(_search(engine, person))[:1] == [cases[1].case_id]
        assert engine.index.count() == sum(len(d.pages) for c in cases for d in c.docs)


@pytest.mark.es
def test_elasticsearch_down_queues_the_work_and_sync_catches_up(
    tmp_path: Path, es_url: str
) -> None:
    cases = make_corpus(seed=5, n_cases=3)
    archive = _small_archive(tmp_path, cases)
    n_pages = sum(len(d.pages) for c in cases for d in c.docs)
    alias = f"hoso-test-{uuid.uuid4().hex[:8]}"
    with Catalog(archive) as catalog:
        shas = [r[0] for r in catalog.db.execute("SELECT sha256 FROM files")]
        # Elasticsearch is down (nothing listens on port 9): ingest goes on, work is queued.
        with Indexer(catalog, "http://127.0.0.1:9", es_alias_name=alias, batch=4) as down:
            for sha in shas:
                for page_no in catalog.done_pages(sha):
                    down.page_saved(sha, page_no)
                down.documents_saved(sha)
            assert down.flush() > 0
        queued = catalog.pending(ES_QUEUE, limit=10_000)
        assert len(queued) == n_pages + len(shas)
        # The SQLite index did not wait for Elasticsearch.
        with open_engine(archive) as engine:
            assert engine.index.count() == n_pages
        # Elasticsearch is back: the queue drains and nothing is lost.
        backend = EsBackend(es_url, alias=alias)
        try:
            assert sync(catalog, backend, queue=ES_QUEUE) == len(queued)
            assert catalog.pending(ES_QUEUE) == []
            backend.refresh()
            with Catalog(archive) as cat2:
                expected = {f"{sha}:{n}" for sha in shas for n in cat2.done_pages(sha)}
            assert backend.page_ids() == expected
            with open_engine(archive, es_url, es_alias_name=alias) as engine:
                person = cases[2].people[0].name
                assert _top(_search(engine, person))[:1] == [cases[2].case_id]
        finally:
            backend.drop()
            backend.close()


@pytest.mark.slow
@pytest.mark.es
def test_reindex_moves_the_alias_with_no_moment_without_results(
    tmp_path: Path, es_url: str
) -> None:
    cases = make_corpus(seed=7, n_cases=30)
    archive = _small_archive(tmp_path, cases)
    alias = f"hoso-test-{uuid.uuid4().hex[:8]}"
    backend = EsBackend(es_url, alias=alias)
    try:
        with Catalog(archive) as catalog:
            reindex(catalog, backend)
            old = backend.indices()
            target = cases[4]
            person = next(p for p in target.people if p.role == "nguoi_phai_thi_hanh_an").name
            stop = threading.Event()
            seen: list[list[str]] = []
            engine = open_engine(archive, es_url, es_alias_name=alias)

            def keep_searching() -> None:
                while not stop.is_set():
                    seen.append(_top(_search(engine, person))[:1])

            worker = threading.Thread(target=keep_searching)
            worker.start()
            try:
                reindex(catalog, backend)
                reindex(catalog, backend)
            finally:
                stop.set()
                worker.join()
            engine.close()
        new = backend.indices()
        assert len(new) == 1 and new != old and new[0].startswith(f"{alias}-v")
        assert not backend.es.indices.exists(index=old[0])
        assert len(seen) >= 3
        assert all(top == [target.case_id] for top in seen)
    finally:
        backend.drop()
        backend.close()


def test_sqlite_reindex_swaps_the_index_file_while_searches_continue(tmp_path: Path) -> None:
    cases = make_corpus(seed=9, n_cases=10)
    archive = _small_archive(tmp_path, cases)
    backend = SqliteBackend(archive)
    with Catalog(archive) as catalog:
        assert reindex(catalog, backend) == sum(len(d.pages) for c in cases for d in c.docs)
        engine = SearchEngine(backend)
        before = _top(_search(engine, cases[3].decision_number))
        reindex(catalog, backend)
        assert _top(_search(engine, cases[3].decision_number)) == before == [cases[3].case_id]
        # The rebuilt index still takes incremental updates (its triggers are back).
        page = index_pages(catalog, catalog.files().__next__().sha256)[0]
        backend.upsert([page.model_copy(update={"text": "cần cẩu bánh lốp Kato"})])
        hit = _search(engine, "can cau banh lop kato").cases[0].hits[0]
        assert (hit.sha256, hit.page_no) == (page.sha256, page.page_no)
    backend.close()


def _rebuilt_sqlite(tmp_path: Path) -> tuple[list[CCase], SqliteBackend, list[IndexPage]]:
    """A small archive's SQLite index built by `reindex`, with the pages it was fed."""
    cases = make_corpus(seed=9, n_cases=10)
    archive = _small_archive(tmp_path, cases)
    backend = SqliteBackend(archive)
    with Catalog(archive) as catalog:
        reindex(catalog, backend)
        pages = [p for f in catalog.files() for p in index_pages(catalog, f.sha256)]
    return cases, backend, pages


_UNLISTED_NAMES = (
    "SELECT count(*) FROM parties WHERE name_fold NOT IN (SELECT name_fold FROM name_folds)"
)


def test_sqlite_name_tiers_keep_the_case_page_order_after_incremental_updates(
    tmp_path: Path,
) -> None:
    """A rebuild numbers parties in (case, page) order so name tiers can stop early; pages
    updated afterwards get ids after that range and must still come back in order."""
    cases, backend, pages = _rebuilt_sqlite(tmp_path)
    assert backend._sorted_max > 0
    assert backend.db.execute(_UNLISTED_NAMES).fetchone()[0] == 0
    last = backend.db.execute("SELECT page_id FROM parties ORDER BY id DESC LIMIT 1").fetchone()
    sha = last[0].rsplit(":", 1)[0]
    backend.db.execute(
        "DELETE FROM name_folds WHERE name_fold IN (SELECT name_fold FROM parties WHERE rid IN"
        " (SELECT rid FROM pages WHERE sha256 = ?))",
        (sha,),
    )
    backend.delete_file(sha)  # frees the highest ids of the ordered range
    backend.upsert([p for p in pages if p.sha256 == sha])
    low = backend.db.execute("SELECT min(id) FROM parties WHERE page_id = ?", last).fetchone()
    assert low[0] > backend._sorted_max
    # The loose tier is read only when a distinct name matches: every name must be listed,
    # also those of pages indexed incrementally.
    assert backend.db.execute(_UNLISTED_NAMES).fetchone()[0] == 0
    names = {p.name for c in cases for p in c.people}
    queries = [*names, *(n.split()[-1] for n in names), "nguyen van", "tran thi"]
    for q in queries:
        query = SearchQuery(q=q)
        p = plan(query)
        got = [r["page_id"] for r in backend.candidates(p, query, 5)]
        ordered, backend._sorted_max = backend._sorted_max, 0  # plain sort of every match
        want = [r["page_id"] for r in backend.candidates(p, query, 5)]
        backend._sorted_max = ordered
        assert got == want, q
    backend.close()


def test_sqlite_text_tiers_keep_the_case_page_order_after_incremental_updates(
    tmp_path: Path,
) -> None:
    """A rebuild numbers page texts in (case, page) order so full-text tiers can stop
    early; pages indexed afterwards get later ids and must still come back in order, even
    the ones that sort first."""
    _, backend, pages = _rebuilt_sqlite(tmp_path)
    assert backend._text_sorted_max > 0
    order = "SELECT p.page_id FROM page_text t JOIN pages p ON p.rid = t.rid ORDER BY t.tid"
    by_tid = [r[0] for r in backend.db.execute(order)]
    first, last = by_tid[0], by_tid[-1]
    for moved in (first, last):  # the first and the last file in (case, page) order
        sha = moved.rsplit(":", 1)[0]
        backend.delete_file(sha)
        backend.upsert([p for p in pages if p.sha256 == sha])
        tid = backend.db.execute(
            "SELECT t.tid FROM page_text t JOIN pages p ON p.rid = t.rid WHERE p.page_id = ?",
            (moved,),
        ).fetchone()
        assert tid[0] > backend._text_sorted_max
    words = [w for p in pages if p.page_id == first for w in text_tokens(p.text)]
    queries = [
        words[:3],
        words[5:9],
        words[-4:],
        ["thi", "hanh", "an"],
        ["quyet", "dinh"],
        ["nguyen"],
        ["can", "cu"],
    ]
    some = 0
    for tokens in queries:
        query = SearchQuery(q=" ".join(tokens))
        p = Plan("text", tokens=tuple(tokens))
        got = [r["page_id"] for r in backend.text_candidates(p, query, 5)]
        ordered, backend._text_sorted_max = backend._text_sorted_max, 0  # plain sort
        want = [r["page_id"] for r in backend.text_candidates(p, query, 5)]
        backend._text_sorted_max = ordered
        assert got == want, tokens
        some += first in got
    assert some  # the re-indexed first pages were merged in front
    backend.close()


def test_snippet_shows_page_characters_once_escaped_and_keeps_only_its_marks():
    """The engine's snippet is HTML-escaped text with <mark> tags (as the API returns it);
    the web page escapes it once, not twice: "&" in a page reads "&", and the page's own
    "<b>" stays text."""
    from search.query import snippet
    from search.web.highlight import snippet_html

    text = "Công ty A & B <b>TNHH</b> nợ bà Nguyễn Thị Lan 5.000.000 đồng"
    raw = snippet(text, needles=[["nguyen", "thi", "lan"]])
    assert "<mark>" in raw and "&amp;" in raw and "&lt;b&gt;" in raw  # the API's form
    html = str(snippet_html(raw))
    assert "A &amp; B &lt;b&gt;TNHH&lt;/b&gt;" in html
    assert "&amp;amp;" not in html and "&amp;lt;" not in html
    assert html.count("<mark>") == 1 and html.count("</mark>") == 1
    assert "<b>" not in html

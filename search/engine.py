"""The search interface: `open_engine(archive, es_url)` → `SearchEngine.search(SearchQuery)`.

One interface, two backends: the SQLite FTS5 index inside the archive (default, no server)
and Elasticsearch (`es_url`). The engine plans the query, asks the backend for candidate
pages, ranks them with the shared rules of `search.query`, falls back to full-text search
of page text when no party or number matches, groups by case and builds snippets. The web
service and the CLI call exactly this. It never reads the catalog.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

from schemas import IndexPage, SearchQuery, SearchResult
from search.query import Plan, group, plan, rank, to_case_groups

# Pages fetched per query before ranking. Backends return the best match tier first and,
# within a tier, the smallest (case_id, page_id): the same set from both backends.
CANDIDATES = 100
TEXT_CANDIDATES = 100
DEFAULT_ES_ALIAS = "hoso-pages"


class Backend(Protocol):
    name: str

    def candidates(self, plan: Plan, query: SearchQuery, limit: int) -> list[dict[str, Any]]: ...

    def text_candidates(
        self, plan: Plan, query: SearchQuery, limit: int
    ) -> list[dict[str, Any]]: ...

    def texts(self, page_ids: list[str]) -> dict[str, str]: ...

    def upsert(self, pages: list[IndexPage]) -> int: ...

    def delete_file(self, sha256: str, keep: Iterable[int] = ()) -> None: ...

    def rebuild(self, pages: Iterable[IndexPage]) -> int: ...

    def count(self) -> int: ...

    def close(self) -> None: ...


class SearchEngine:
    """Searches one archive's index (SQLite) or an Elasticsearch alias."""

    def __init__(self, backend: Backend) -> None:
        self._backend = backend

    @property
    def backend(self) -> str:
        return self._backend.name

    @property
    def index(self) -> Backend:
        return self._backend

    def search(self, query: SearchQuery) -> SearchResult:
        t0 = time.perf_counter()
        p = plan(query)
        limit = max(CANDIDATES, query.page * query.per_page * 8)
        scored = rank(p, query, self._backend.candidates(p, query, limit))
        if not scored and p.kind in ("name", "number") and p.tokens:
            # Nobody of that name, no such number: search the page text instead.
            p = Plan("text", tokens=p.tokens)
            text_limit = max(TEXT_CANDIDATES, query.page * query.per_page * 8)
            scored = rank(p, query, self._backend.text_candidates(p, query, text_limit))
        grouped = group(scored, query.page, query.per_page)
        page_ids = [s.record["page_id"] for _, _, hits in grouped.groups for s in hits]
        texts = self._backend.texts(page_ids)
        return SearchResult(
            query=query,
            total_cases=grouped.total_cases,
            cases=to_case_groups(grouped, p, texts),
            backend=self.backend,
            took_ms=round((time.perf_counter() - t0) * 1000, 2),
        )

    def close(self) -> None:
        self._backend.close()

    def __enter__(self) -> SearchEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def es_alias() -> str:
    """The Elasticsearch alias searched and fed (HOSO_ES_INDEX, default "hoso-pages")."""
    return os.environ.get("HOSO_ES_INDEX", DEFAULT_ES_ALIAS)


def open_engine(
    archive: Path | str, es_url: str | None = None, *, es_alias_name: str | None = None
) -> SearchEngine:
    """The search engine of `archive`: its SQLite index, or Elasticsearch at `es_url`."""
    if es_url:
        from search.es_backend import EsBackend

        return SearchEngine(EsBackend(es_url, alias=es_alias_name or es_alias()))
    from search.sqlite_backend import SqliteBackend

    return SearchEngine(SqliteBackend(Path(archive)))

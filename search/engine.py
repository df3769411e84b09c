"""The search interface: `open_engine(archive, es_url)` → `SearchEngine.search(SearchQuery)`.

One interface, two backends: the SQLite FTS5 index inside the archive (default, no server)
and Elasticsearch (`es_url`). The engine plans the query, asks the backend for candidate
pages, ranks them with the shared rules of `search.query`, falls back to full-text search
of page text when no party or number matches, groups by case and builds snippets. The web
service and the CLI call exactly this. It never reads the catalog.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

from cachetools import LRUCache

from schemas import IndexPage, SearchQuery, SearchResult
from schemas.settings import settings
from search.query import Plan, group, plan, rank, to_case_groups

# Pages fetched per query before ranking. Backends return the best match tier first and,
# within a tier, the smallest (case_id, page_id): the same set from both backends.
CANDIDATES = 100
TEXT_CANDIDATES = 100


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


Generation = tuple[int, int, int, int, int]


class ResultCache:
    """Recent search results over one SQLite index file, shared by the threads of a process.

    Keyed on the whole query (text, filters, page, page size) and on the index's generation:
    the file's device, inode, ctime and mtime (a rebuild swaps in a new file) and SQLite's
    file change counter (header offset 24, incremented by every committed write transaction
    in rollback journal mode, whichever process wrote). No generation, no caching: when a
    journal file exists (a write in progress), when the header says WAL (the counter is not
    kept there), when the file cannot be read. A result is stored only if the generation read before
    the search equals the one read after it, so a result computed while the index changed
    is never kept; entries of an older generation are dropped at the first store of a new
    one. Everything a result holds is built from the index alone (`SearchEngine.search`
    never reads the catalog), so the generation covers all of it.
    """

    HEADER = 28

    def __init__(self, path: Path, entries: int) -> None:
        self.path = path
        self.journal = Path(f"{path}-journal")
        self.entries = entries
        self._lock = threading.Lock()
        self._data: LRUCache[str, SearchResult] = LRUCache(maxsize=entries)
        self._generation: Generation | None = None
        self.hits = 0
        self.misses = 0

    def generation(self) -> Generation | None:
        from search.sqlite_backend import index_generation

        return index_generation(self.path)

    def get(self, generation: Generation, key: str) -> SearchResult | None:
        with self._lock:
            found = self._data.get(key) if generation == self._generation else None
            if found is None:
                self.misses += 1
                return None
            self.hits += 1
            return found

    def put(self, generation: Generation, key: str, result: SearchResult) -> None:
        with self._lock:
            if generation != self._generation:
                self._data = LRUCache(maxsize=self.entries)
                self._generation = generation
            self._data[key] = result


_CACHES: dict[tuple[str, int], ResultCache] = {}
_CACHES_LOCK = threading.Lock()


def shared_cache(path: Path, entries: int) -> ResultCache:
    """The one ResultCache of this process for the index file at `path`."""
    key = (str(path.resolve()), entries)
    with _CACHES_LOCK:
        cache = _CACHES.get(key)
        if cache is None:
            cache = _CACHES[key] = ResultCache(path, entries)
        return cache


def serve_cache_entries() -> int:
    """Result-cache size for `hoso serve` (HOSO_SEARCH_CACHE entries; 0 turns it off)."""
    return settings().search_cache


class SearchEngine:
    """Searches one archive's index (SQLite) or an Elasticsearch alias."""

    def __init__(self, backend: Backend, cache: ResultCache | None = None) -> None:
        self._backend = backend
        self._cache = cache

    @property
    def backend(self) -> str:
        return self._backend.name

    @property
    def index(self) -> Backend:
        return self._backend

    def search(self, query: SearchQuery) -> SearchResult:
        cache = self._cache
        if cache is None:
            return self._search(query)
        t0 = time.perf_counter()
        key = query.model_dump_json()
        before = cache.generation()
        if before is not None:
            found = cache.get(before, key)
            if found is not None:
                took = round((time.perf_counter() - t0) * 1000, 2)
                return found.model_copy(update={"took_ms": took})
        result = self._search(query)
        if before is not None and cache.generation() == before:
            cache.put(before, key, result)
        return result

    def _search(self, query: SearchQuery) -> SearchResult:
        t0 = time.perf_counter()
        follow = getattr(self._backend, "follow_swaps", None)
        if follow is not None:  # an index rebuilt by another process is picked up
            follow()
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
    return settings().es_index


def open_engine(
    archive: Path | str,
    es_url: str | None = None,
    *,
    es_alias_name: str | None = None,
    cache_entries: int = 0,
) -> SearchEngine:
    """The search engine of `archive`: its SQLite index, or Elasticsearch at `es_url`.
    `cache_entries` > 0: SQLite results go through the process's ResultCache of that size
    (Elasticsearch results are never cached)."""
    if es_url:
        from search.es_backend import EsBackend

        return SearchEngine(EsBackend(es_url, alias=es_alias_name or es_alias()))
    from search.sqlite_backend import SqliteBackend

    backend = SqliteBackend(Path(archive))
    cache = shared_cache(backend.path, cache_entries) if cache_entries > 0 else None
    return SearchEngine(backend, cache)

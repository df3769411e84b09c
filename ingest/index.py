"""Index: feed the search backends from the catalog (the system of record).

- `index_pages(catalog, sha256)` builds the `IndexPage` records of one file: each page's
  text and case, plus the document covering it (type, numbers, date, issuer, parties).
- `Indexer` is what ingest calls as pages and documents are catalogued: the SQLite index in
  the archive is updated at once; Elasticsearch work is batched, and when the server is
  unreachable it is left in the catalog's `index_queue` (never lost, never fatal).
- `sync` drains that queue; `reindex` rebuilds a backend from the whole catalog and swaps
  it in atomically (new SQLite file / new ES index behind the alias).
This module reads the catalog and writes search indices; it never OCRs or extracts.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from ingest.catalog import CURRENT, Catalog
from ingest.failures import damaged, is_damaged
from schemas import Document, IndexPage
from schemas.errors import BackendUnavailable
from search.engine import Backend, es_alias
from search.sqlite_backend import INDEX_FILENAME, SqliteBackend

log = logging.getLogger(__name__)

ES_QUEUE = "es"  # index_queue.backend for Elasticsearch work
SQLITE_QUEUE = "sqlite"


def _covering(docs: list[Document], page_no: int) -> Document | None:
    for doc in docs:
        if doc.pages[0] <= page_no <= doc.pages[-1]:
            return doc
    return None


def index_pages(
    catalog: Catalog, sha256: str, page_nos: Iterable[int] | None = None
) -> list[IndexPage]:
    """The index records of one file's catalogued pages (all, or just `page_nos`)."""
    case_id, case_ids, path = catalog.case_of(sha256)
    if not case_id:
        return []
    docs = catalog.documents(sha256=sha256)
    if page_nos is None:
        texts = catalog.page_texts(sha256)
    else:  # one page at a time during ingest: never re-read the whole file
        wanted = sorted(set(page_nos))
        marks = ",".join("?" * len(wanted))
        texts = [
            (r[0], r[1])
            for r in catalog.db.execute(
                f"SELECT page_no, text FROM pages WHERE sha256=? AND page_no IN ({marks})"
                " ORDER BY page_no",
                [sha256, *wanted],
            )
        ]
    out = []
    for page_no, text in texts:
        doc = _covering(docs, page_no)
        out.append(
            IndexPage(
                sha256=sha256,
                page_no=page_no,
                case_id=case_id,
                case_ids=case_ids,
                source_path=path,
                text=text,
                doc_id=doc.doc_id if doc else None,
                doc_type=doc.doc_type if doc else None,
                own_number=doc.own_number if doc else None,
                numbers=[n.text for n in doc.numbers] if doc else [],
                doc_date=doc.date if doc else None,
                dates=list(doc.dates) if doc else [],
                issuer=doc.issuer if doc else None,
                parties=list(doc.parties) if doc else [],
            )
        )
    return out


def all_pages(catalog: Catalog) -> Iterator[IndexPage]:
    """Every catalogued page, file by file."""
    shas = [
        r[0]
        for r in catalog.db.execute(
            f"SELECT DISTINCT sha256 FROM pages WHERE {CURRENT} ORDER BY sha256"
        )
    ]
    for sha in shas:
        yield from index_pages(catalog, sha)


def open_sqlite_index(archive: Path, *, discard_damaged: bool = False) -> SqliteBackend:
    """The archive's SQLite index. When SQLite finds it damaged: IndexDamaged, or with
    `discard_damaged` (the callers that rebuild it) it is deleted and opened empty; it is
    derived from the catalog, so nothing is lost."""
    path = Path(archive) / INDEX_FILENAME
    backend: SqliteBackend | None = None
    try:
        backend = SqliteBackend(archive)
        backend.count()
        return backend
    except sqlite3.Error as exc:
        if backend is not None:
            backend.close()
        if not is_damaged(exc):
            raise
        if not discard_damaged:
            raise damaged(path, "index", exc) from None
        log.warning(
            "the search index %s is damaged (%s): rebuilding it from the catalog", path, exc
        )
        for p in (path, Path(f"{path}-journal"), Path(f"{path}-wal"), Path(f"{path}-shm")):
            p.unlink(missing_ok=True)
        return SqliteBackend(archive)


def open_es(es_url: str, alias: str | None = None) -> Backend:
    from search.es_backend import EsBackend

    return EsBackend(es_url, alias=alias or es_alias())


def _apply(catalog: Catalog, backend: Backend, items: list[tuple[int, str, str]]) -> None:
    """Bring `backend` up to date for queue items ("page" sha:n, "document" doc id)."""
    pages: dict[str, IndexPage] = {}
    files: set[str] = set()
    for _, kind, key in items:
        if kind == "page":
            sha, _, n = key.rpartition(":")
            for p in index_pages(catalog, sha, [int(n)]):
                pages[p.page_id] = p
        else:  # a document changed: every page of its file carries document fields
            files.add(key.rpartition(":")[0])
    for sha in files:
        for p in index_pages(catalog, sha):
            pages[p.page_id] = p
    if pages:
        backend.upsert(list(pages.values()))
    for sha in files:  # content no path holds any more leaves the index whole
        keep = catalog.done_pages(sha) if catalog.is_current(sha) else set()
        backend.delete_file(sha, keep=keep)


def sync(catalog: Catalog, backend: Backend, *, queue: str | None = None, batch: int = 500) -> int:
    """Drain the catalog's index queue for `backend`; returns the number of items applied.
    Raises BackendUnavailable (items stay queued) if the backend is down."""
    name = queue or backend.name
    done = 0
    while True:
        items = catalog.pending(name, limit=batch)
        if not items:
            return done
        _apply(catalog, backend, items)
        catalog.ack(i for i, _, _ in items)
        done += len(items)


# Pages and documents catalogued this long before a rebuild started are re-sent after the
# swap (see `reindex`); only the machine's own clock is involved (one catalog, one host).
REINDEX_OVERLAP_S = 2.0


def reindex(catalog: Catalog, backend: Backend, *, queue: str | None = None) -> int:
    """Rebuild `backend` from the whole catalog and swap it in; returns pages indexed.
    Queue items older than the rebuild are covered by it and acknowledged.

    An ingest running meanwhile in another process keeps updating the index through the
    alias (the old index, until the swap) and acknowledges its queue items, so what it
    catalogued after the rebuild read the catalog would be missing from the new index: every
    page and document catalogued since the rebuild started is applied again after the swap."""
    name = queue or backend.name
    row = catalog.db.execute("SELECT MAX(id) FROM index_queue WHERE backend=?", (name,)).fetchone()
    covered = row[0] or 0
    started = time.time() - REINDEX_OVERLAP_S
    n = backend.rebuild(all_pages(catalog))
    catalog.db.execute("DELETE FROM index_queue WHERE backend=? AND id<=?", (name, covered))
    catalog.db.commit()
    changed = [
        (0, "page", f"{sha}:{page_no}")
        for sha, page_no in catalog.db.execute(
            "SELECT sha256, page_no FROM pages WHERE created_at >= ?", (started,)
        )
    ] + [
        (0, "document", f"{sha}:0")
        for (sha,) in catalog.db.execute(
            "SELECT DISTINCT sha256 FROM documents WHERE extracted_at >= ?", (started,)
        )
    ]
    if changed:
        _apply(catalog, backend, changed)
    return n


def index_gap(
    catalog: Catalog, backend: Backend, *, queue: str | None = None, signed: bool = False
) -> int:
    """How many of the catalog's current pages `backend` lacks, beyond those waiting for it
    in the index queue (0: complete). A count, so cheap on a million pages: an index made
    for this archive and then lost, or switched on after pages were catalogued, shows.
    `signed`: negative when the index holds more pages than the paths hold now (pages of
    replaced or moved content an older hoso left in the archive's own index)."""
    expected = catalog.db.execute(f"SELECT COUNT(*) FROM pages WHERE {CURRENT}").fetchone()[0]
    queued = catalog.db.execute(
        "SELECT COUNT(*) FROM index_queue WHERE backend=? AND kind='page'",
        (queue or backend.name,),
    ).fetchone()[0]
    refresh = getattr(backend, "refresh", None)
    if refresh is not None and backend.name != "sqlite":
        refresh()  # pages sent a moment ago count
    gap = int(expected) - int(queued) - backend.count()
    return gap if signed else max(0, gap)


def behind_message(gap: int, archive: Path, es_url: str | None) -> str:
    """The sentence for an index that lacks pages, with the one command that fills it."""
    where = f"the Elasticsearch index at {es_url}" if es_url else "the search index"
    command = f"hoso reindex --archive {archive}" + (f" --es-url {es_url}" if es_url else "")
    return f"{where} lacks {gap} page(s) of the catalog; fill it with: {command}"


class Indexer:
    """Incremental indexing during ingest. Call `page_saved` after each page is committed,
    `documents_saved` after a file's documents are replaced, and `flush` at the end.

    Never raises for an unreachable Elasticsearch: the work goes to the index queue and
    the next `flush` (or `hoso reindex` / `sync`) catches up.
    """

    def __init__(
        self,
        catalog: Catalog,
        es_url: str | None = None,
        *,
        es_alias_name: str | None = None,
        batch: int = 200,
    ) -> None:
        self.catalog = catalog
        self.notes: list[str] = []  # what the user should know (an index filled)
        self.sqlite = open_sqlite_index(Path(catalog.archive), discard_damaged=True)
        # An index that lacks catalogued pages (none yet, lost, switched on late) is built
        # whole first, so that incremental updates extend a complete index; the archive's
        # own index is also rebuilt when it holds pages no path holds (after its queue).
        self.sync_local()  # what a killed run left queued
        self._fill(self.sqlite, SQLITE_QUEUE, "the archive's search index", exact=True)
        self.es: Backend | None = open_es(es_url, es_alias_name) if es_url else None
        if self.es is not None:
            try:
                self._fill(self.es, ES_QUEUE, f"the Elasticsearch index at {es_url}")
            except BackendUnavailable as exc:  # down: the queue keeps the work, as for any page
                log.warning("Elasticsearch unavailable (%s); its index is checked next run", exc)
        self.batch = batch
        self._unsent = 0  # items queued for Elasticsearch since the last flush

    def _fill(self, backend: Backend, queue: str, what: str, *, exact: bool = False) -> None:
        gap = index_gap(self.catalog, backend, queue=queue, signed=exact)
        if gap:
            n = reindex(self.catalog, backend, queue=queue)
            had = (
                f"lacked {gap} catalogued page(s)"
                if gap > 0
                else f"held {-gap} page(s) of content no path holds now"
            )
            self.notes.append(f"{what} {had}: rebuilt with {n} pages")

    @property
    def queues(self) -> list[str]:
        """The index queues this indexer drains. Ingest writes its queue items in the same
        transaction as the page or documents they stand for, so a kill between the catalog
        write and the index update loses nothing: the next run drains what is left."""
        return [SQLITE_QUEUE] + ([ES_QUEUE] if self.es is not None else [])

    def page_saved(self, sha256: str, page_no: int) -> None:
        self._changed("page", f"{sha256}:{page_no}")

    def documents_saved(self, sha256: str) -> None:
        self._changed("document", f"{sha256}:0")

    def _changed(self, kind: str, key: str) -> None:
        # Idempotent: a no-op where the caller already queued it with its catalog write.
        for queue in self.queues:
            self.catalog.enqueue(queue, kind, [key])
        self.sync_local()
        if self.es is not None:
            self._unsent += 1
            if self._unsent >= self.batch:
                self.flush()

    def sync_local(self) -> None:
        """Apply everything queued for the archive's SQLite index (normally one item)."""
        try:
            sync(self.catalog, self.sqlite, queue=SQLITE_QUEUE)
        except Exception as exc:  # the index is derived: never lose the catalog's work
            if is_damaged(exc):
                log.warning("%s", damaged(self.sqlite.path, "index", exc))
            else:
                log.warning("SQLite index update failed (%s); left queued for the next run", exc)

    def flush(self) -> int:
        """Send queued work to Elasticsearch (this run's and anything left from earlier).
        Returns the number of items still queued (0 when caught up)."""
        if self.es is None:
            return 0
        self._unsent = 0
        try:
            sync(self.catalog, self.es, queue=ES_QUEUE)
        except BackendUnavailable as exc:
            log.warning("Elasticsearch unavailable (%s); %d items queued", exc, self.queued())
        return self.queued()

    def queued(self) -> int:
        return len(self.catalog.pending(ES_QUEUE, limit=1_000_000))

    def close(self) -> None:
        self.sync_local()  # anything queued that no documents change took along
        self.flush()
        self.sqlite.close()
        if self.es is not None:
            self.es.close()

    def __enter__(self) -> Indexer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

"""Extraction again over an archive, from the page text the catalog holds (no OCR).

`reextract_archive` is `hoso extract --archive A [--force]`: the files whose documents an
older extractor made (`ingest.extract.version`: another hoso release or changed rules), or
with `force` every file, are segmented and extracted again; the catalog lays the officers'
corrections over the new documents as it stores them (`Catalog.replace_documents`,
`ingest.corrections`), and both search indices (the archive's SQLite index and, given its
URL, Elasticsearch) are updated before it returns. It runs under the ingest lock (one
writer of extraction per archive: it waits for a running ingest or `hoso watch` batch).
A file whose extraction fails is recorded as a failure and the others go on; a later run
that extracts it forgets that failure.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ingest.catalog import Catalog
from ingest.extract import extract_pages
from ingest.extract.version import extractor_version
from ingest.lock import ArchiveLock

COMMAND = "hoso extract --archive"  # as the busy message of another run names this one


@dataclass
class ReextractSummary:
    archive: str
    extractor_version: str
    forced: bool
    files: int = 0  # contents a path holds now that have page text
    extracted: int = 0  # extracted again by this run
    up_to_date: int = 0  # already extracted by this extractor (left alone)
    documents: int = 0  # documents the re-extracted files hold now
    failures: list[dict[str, Any]] = field(default_factory=list)
    # the re-extracted files' corrections after the run: laid over, or shown for review
    corrections: dict[str, int] = field(default_factory=lambda: {"applied": 0, "unmatched": 0})
    es_queued: int = 0  # Elasticsearch work left queued (server unreachable): 0 when sent
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def reextract_archive(
    archive: Path,
    es_url: str | None = None,
    *,
    force: bool = False,
    es_alias: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> ReextractSummary:
    """Extract again the archive's files an older extractor read (all with `force`).
    `progress(done, total)` is called after each file."""
    from ingest.index import Indexer

    started = time.monotonic()
    version = extractor_version()
    summary = ReextractSummary(str(archive), version, force)
    with ArchiveLock(archive, COMMAND, wait=True, on_wait=on_wait), Catalog(archive) as catalog:
        run_id = catalog.begin_run("extract", {"force": force, "extractor": version})
        states = catalog.extraction_states()
        todo = [sha for sha, made_by in states if force or made_by != version]
        summary.files, summary.up_to_date = len(states), len(states) - len(todo)
        with Indexer(catalog, es_url=es_url, es_alias_name=es_alias) as indexer:
            for done, sha in enumerate(todo, start=1):
                _extract_file(catalog, sha, version, indexer, run_id, summary)
                if progress is not None:
                    progress(done, len(todo))
            summary.es_queued = indexer.flush()
            refresh = getattr(indexer.es, "refresh", None)
            if refresh is not None and not summary.es_queued:
                refresh()  # the next search sees the new documents
        _count_corrections(catalog, todo, summary)
        summary.seconds = round(time.monotonic() - started, 3)
        catalog.finish_run(run_id, summary.as_dict())
    return summary


def _extract_file(
    catalog: Catalog,
    sha: str,
    version: str,
    indexer: Any,
    run_id: int,
    summary: ReextractSummary,
) -> None:
    try:
        docs = extract_pages(catalog.page_texts(sha))
    except Exception as exc:  # a bug in one extractor must not stop the archive
        path, reason = catalog.record_extraction_failure(
            run_id, sha, exc, "the old documents are kept"
        )
        summary.failures.append({"path": path, "sha256": sha, "reason": reason})
        return
    ids = catalog.replace_documents(sha, docs, enqueue_for=indexer.queues, extractor=version)
    indexer.documents_saved(sha)
    summary.extracted += 1
    summary.documents += len(ids)


def _count_corrections(catalog: Catalog, shas: list[str], summary: ReextractSummary) -> None:
    from ingest import corrections

    wanted = set(shas)
    for c in corrections.load(catalog.db):
        if c.sha256 in wanted:
            summary.corrections[c.status] = summary.corrections.get(c.status, 0) + 1

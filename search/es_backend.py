"""The Elasticsearch backend (official `elasticsearch` 9.x client) for offices and the
national level.

One document per page, in versioned indices (`<alias>-v<milliseconds>`) behind an alias;
the mapping is `schemas/es_index.json` and uses built-in analyzers only, because every
normalised field (name_norm, name_fold, number keys, text_fold) is prepared in Python by
`search.query.derive`. `rebuild` fills a new index and moves the alias in one atomic
`_aliases` call, so searches never see an empty index. Bulk writes retry on 429 and 5xx.
Like the SQLite backend it only retrieves candidates; `search.query` ranks them: the
segments are sorted by (case_id, page_id) and every match tier is a filter sorted the same
way, so a tier stops after the `limit` pages it may contribute (`_tiers`).
Connection failures surface as `schemas.errors.BackendUnavailable`, so callers can queue work.
"""

from __future__ import annotations

import base64
import json
import multiprocessing
import queue
import re
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from importlib import resources
from typing import Any

import orjson
from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError, helpers
from elasticsearch.serializer import JsonSerializer, NdjsonSerializer

from schemas import IndexPage, SearchQuery
from schemas.errors import BackendUnavailable
from schemas.settings import settings
from search.query import Plan, derive, text_tokens

# The index keeps no `_source`: a candidate's record (`derive` minus the texts) is one JSON
# string, `rec`, kept in binary doc values (base64 on the wire), and so is the folded page
# text, `fold` (ranking of full-text matches). Doc values are read per field without
# decompressing anything else: a search reading 100 records from stored fields (LZ4
# blocks shared with the page texts) spent most of its server time there (about 9 ms
# against 2 ms at 50,000 pages). The page text is a stored field, fetched only for the
# hits shown (`texts`).
_REC = ["rec"]
_REC_TEXT = ["rec", "fold"]
# What a candidate search needs of the response: less JSON to produce and to parse.
_HITS_PATH = [
    "responses.hits.hits.fields",
    "responses.error",
    "responses.status",
]
_BULK_CHUNK = 500
# Bulk requests in flight during a rebuild: one shard indexes a bulk request on one write
# thread, so two requests at a time let the server use both cores of a small machine.
_BULK_THREADS = 2
# Every candidate query is sorted like the index (schemas/es_index.json "sort.field"), so
# Lucene stops collecting a tier after its first `size` pages.
_ORDER = [{"case_id": "asc"}, {"page_id": "asc"}]


def index_body() -> dict[str, Any]:
    """Settings and mappings of a page index, from schemas/es_index.json."""
    raw = resources.files("schemas").joinpath("es_index.json").read_text(encoding="utf-8")
    body: dict[str, Any] = json.loads(raw)
    body.pop("_comment", None)
    return body


def _prefetch(items: Iterable[Any], depth: int = 2000) -> Iterator[Any]:
    """Produce `items` in a background thread: preparing documents (Python) overlaps with
    Elasticsearch indexing the previous chunk (the server)."""
    q: queue.Queue[Any] = queue.Queue(maxsize=depth)
    done = object()
    failure: list[BaseException] = []
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        q.put(item, timeout=0.5)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
        except BaseException as exc:  # re-raised in the consumer
            failure.append(exc)
        finally:
            q.put(done)

    worker = threading.Thread(target=produce, name="es-prefetch", daemon=True)
    worker.start()
    try:
        while (item := q.get()) is not done:
            yield item
        if failure:
            raise failure[0]
    finally:
        stop.set()


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _derive_workers() -> int:
    """Processes deriving documents during a rebuild (HOSO_ES_DERIVE_WORKERS; 0: none)."""
    workers = settings().es_derive_workers
    if workers is not None:
        return workers
    return 2 if sys.platform == "linux" else 0  # forked workers: cheap to start, Linux only


def _ndjson_chunk(index: str, pages: list[IndexPage]) -> list[bytes]:
    """Bulk NDJSON (action line + source line) of each page; runs in worker processes."""
    out = []
    for p in pages:
        action = orjson.dumps({"index": {"_index": index, "_id": p.page_id}})
        out.append(b"%s\n%s\n" % (action, orjson.dumps(es_document(p))))
    return out


def es_document(page: IndexPage) -> dict[str, Any]:
    doc = derive(page)
    rec = {k: v for k, v in doc.items() if k != "text_fold"}
    doc["rec"] = base64.b64encode(orjson.dumps(rec)).decode("ascii")
    doc["fold"] = _b64(doc["text_fold"])
    doc["text"] = page.text
    return doc


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode("ascii")


def _record(fields: dict[str, Any]) -> dict[str, Any]:
    rec: dict[str, Any] = orjson.loads(base64.b64decode(fields["rec"][0]))
    if "fold" in fields:
        rec["text_fold"] = base64.b64decode(fields["fold"][0]).decode()
    return rec


def _index_actions(index: str, pages: Iterable[IndexPage]) -> Iterator[dict[str, Any]]:
    for p in pages:
        yield {"_op_type": "index", "_index": index, "_id": p.page_id, "_source": es_document(p)}


class _Orjson:
    """Request and response bodies through orjson (several times faster than `json`: a
    search parses every candidate's record)."""

    default: Any

    def json_dumps(self, data: Any) -> bytes:
        return orjson.dumps(data, default=self.default)

    def json_loads(self, data: bytes) -> Any:
        return orjson.loads(data)


class _Json(_Orjson, JsonSerializer):
    pass


class _Ndjson(_Orjson, NdjsonSerializer):
    pass


_SERIALIZERS = {_Json.mimetype: _Json(), _Ndjson.mimetype: _Ndjson()}


# `rebuild` merges a new index down to this many segments before it serves (a search visits
# every segment); the wait is long on a large index, and the old index serves meanwhile.
MERGE_SEGMENTS = 1
MERGE_TIMEOUT_S = 3600.0


def unavailable(url: str, exc: Exception) -> BackendUnavailable:
    """One sentence for an Elasticsearch that cannot be reached or fails: the transport's own
    message nests three exceptions deep, so only its reason (the OS's words) is kept."""
    if isinstance(exc, TransportError):
        reasons = re.findall(r"\[Errno -?\d+\] ([^)\]'\"]+)", str(exc))
        why = reasons[-1].strip().lower() if reasons else type(exc).__name__
        return BackendUnavailable(f"Elasticsearch at {url} cannot be reached ({why})")
    return BackendUnavailable(f"Elasticsearch at {url}: {exc}")


class EsBackend:
    name = "es"
    last_rebuild: dict[str, float] | None = None

    def __init__(self, url: str, *, alias: str = "hoso-pages", timeout: float = 30) -> None:
        self.url = url
        self.alias = alias
        self.es = Elasticsearch(
            url,
            request_timeout=timeout,
            max_retries=3,
            retry_on_timeout=True,
            retry_on_status=(502, 503, 504),
            serializers=_SERIALIZERS,
        )
        self._mapped: set[str] = set()  # indices whose mapping this process brought up to date

    def close(self) -> None:
        self.es.close()

    # -- health and indices ----------------------------------------------------------------
    def available(self) -> bool:
        try:
            self.es.options(request_timeout=5, max_retries=0).cluster.health()
            return True
        except (TransportError, ApiError):
            return False

    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except TransportError as exc:  # connection refused, timeout…
            raise unavailable(self.url, exc) from exc
        except ApiError as exc:
            if exc.meta.status >= 500 or exc.meta.status == 429:
                raise unavailable(self.url, exc) from exc
            raise

    def indices(self) -> list[str]:
        """Concrete indices the alias points to."""
        resp = self._call(self.es.options(ignore_status=404).indices.get_alias, name=self.alias)
        if resp.meta.status == 404:
            return []
        return sorted(resp.body)

    def _new_index(self, *, bulk_load: bool = False) -> str:
        name = f"{self.alias}-v{int(time.time() * 1000)}"
        body = index_body()
        # The template documents the mapping on the server (and covers indices made by hand);
        # the index is still created with explicit settings so bulk loads can tune them.
        self._call(
            self.es.indices.put_index_template,
            name=self.alias,
            index_patterns=[f"{self.alias}-v*"],
            template={"settings": body["settings"], "mappings": body["mappings"]},
        )
        settings = dict(body["settings"])
        if bulk_load:  # restored by rebuild() before the alias moves
            settings["refresh_interval"] = "-1"
            settings["translog.durability"] = "async"
        self._call(self.es.indices.create, index=name, settings=settings, mappings=body["mappings"])
        return name

    def ensure_index(self) -> str:
        """The alias's index, creating a first version when there is none."""
        current = self.indices()
        if current:
            if current[0] not in self._mapped:
                # An index built by an older hoso lacks the fields added since (typed dates,
                # representatives' `represents`); new fields are added to a mapping in place.
                properties = index_body()["mappings"]["properties"]
                self._call(self.es.indices.put_mapping, index=current[0], properties=properties)
                self._mapped.add(current[0])
            return current[0]
        name = self._new_index()
        self._call(self.es.indices.put_alias, index=name, name=self.alias)
        return name

    def drop(self) -> None:
        """Delete the alias and every index behind it (tests, `reindex --drop`)."""
        for name in self.indices():
            self._call(self.es.options(ignore_status=404).indices.delete, index=name)

    # -- writing ---------------------------------------------------------------------------
    def _bulk(self, actions: Iterable[dict[str, Any]]) -> int:
        try:
            n, errors = self._bulk_chunk(_prefetch(actions))
        except TransportError as exc:
            raise unavailable(self.url, exc) from exc
        except ApiError as exc:
            if exc.meta.status >= 500 or exc.meta.status == 429:
                raise unavailable(self.url, exc) from exc
            raise
        self._raise_errors(errors)
        return n

    def _raise_errors(self, errors: list[Any]) -> None:
        if errors:
            statuses = {next(iter(e.values())).get("status") for e in errors}
            if any(s is None or s >= 429 for s in statuses):
                raise BackendUnavailable(
                    f"Elasticsearch at {self.url} rejected {len(errors)} pages: {errors[0]}"
                )
            raise RuntimeError(f"Elasticsearch refused {len(errors)} pages: {errors[0]}")

    def _bulk_load(self, index: str, pages: Iterable[IndexPage]) -> int:
        """Index a stream of distinct pages as fast as the machine allows (rebuild).

        The client's share is most of the cost (deriving a page costs more CPU than
        Elasticsearch indexing it), so worker processes derive and serialise chunks of
        pages to NDJSON while this process reads the pages and `_BULK_THREADS` threads keep
        that many bulk requests in flight (one shard indexes one request on one thread).

        Hand-written instead of `helpers.parallel_bulk` on purpose (issue 19): that helper
        derives and serialises every document in this process, and the client's CPU was the
        limit. The 1M-page rebuild ran at 1,420-1,835 pages/s before derivation moved to
        forked workers with raw NDJSON bodies (9d57a1c), 1,989 after (ae0d654), 2,017-2,123
        once the bodies were orjson (d630a54, 9056b6d): BENCHMARKS.md at those commits."""
        workers = _derive_workers()
        if workers == 0:
            return self._send_chunks(_ndjson_chunk(index, c) for c in _chunks(pages, _BULK_CHUNK))
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=ctx) as procs:
            derived: deque[Future[list[bytes]]] = deque()

            def bodies() -> Iterator[list[bytes]]:
                for chunk in _chunks(pages, _BULK_CHUNK):
                    derived.append(procs.submit(_ndjson_chunk, index, chunk))
                    while len(derived) > 2 * workers:
                        yield derived.popleft().result()
                while derived:
                    yield derived.popleft().result()

            try:
                return self._send_chunks(bodies())
            finally:
                for f in derived:
                    f.cancel()

    def _send_chunks(self, bodies: Iterable[list[bytes]]) -> int:
        n = 0
        errors: list[Any] = []
        with ThreadPoolExecutor(_BULK_THREADS, thread_name_prefix="es-bulk") as pool:
            sending: deque[Future[tuple[int, list[Any]]]] = deque()

            def collect() -> None:
                nonlocal n
                done, errs = sending.popleft().result()
                n += done
                errors.extend(errs)

            try:
                for body in bodies:
                    sending.append(pool.submit(self._send, body))
                    while len(sending) > _BULK_THREADS:
                        collect()
                while sending:
                    collect()
            finally:
                for f in sending:
                    f.cancel()
        self._raise_errors(errors)
        return n

    def _send(self, docs: list[bytes]) -> tuple[int, list[Any]]:
        """One bulk request of NDJSON action+source pairs; items refused with 429 (queue
        full) are sent again with backoff, like `helpers.streaming_bulk`."""
        errors: list[Any] = []
        n = 0
        for attempt in range(6):
            try:
                resp = self.es.bulk(
                    operations=b"".join(docs),  # type: ignore[arg-type]  # raw NDJSON
                    filter_path=["errors", "items.*.status", "items.*.error"],
                )
            except TransportError as exc:
                raise unavailable(self.url, exc) from exc
            except ApiError as exc:
                if exc.meta.status == 429 and attempt < 5:
                    time.sleep(min(2**attempt, 30))
                    continue
                if exc.meta.status >= 500 or exc.meta.status == 429:
                    raise unavailable(self.url, exc) from exc
                raise
            if not resp.get("errors"):
                return n + len(docs), errors
            retry: list[bytes] = []
            for doc, item in zip(docs, resp["items"], strict=True):
                status = next(iter(item.values())).get("status", 500)
                if status < 300:
                    n += 1
                elif status == 429 and attempt < 5:
                    retry.append(doc)
                else:
                    errors.append(item)
            if not retry:
                return n, errors
            docs = retry
            time.sleep(min(2**attempt, 30))
        return n, errors

    def _bulk_chunk(self, actions: Iterable[dict[str, Any]]) -> tuple[int, list[Any]]:
        n = 0
        errors: list[Any] = []
        for ok, item in helpers.streaming_bulk(
            self.es,
            actions,
            chunk_size=_BULK_CHUNK,
            max_retries=5,  # 429 from the bulk queue: back off and resend
            initial_backoff=1,
            max_backoff=30,
            raise_on_error=False,
            raise_on_exception=True,
        ):
            if ok:
                n += 1
            else:
                op = next(iter(item.values()))
                if op.get("status") == 404 and "delete" in item:
                    continue
                errors.append(item)
        return n, errors

    def upsert(self, pages: Iterable[IndexPage], *, refresh: bool = False) -> int:
        """Index or re-index pages through the alias (bulk, retried)."""
        index = self.ensure_index()
        n = self._bulk(_index_actions(index, pages))
        if refresh:
            self.refresh()
        return n

    def delete_file(self, sha256: str, keep: Iterable[int] = ()) -> None:
        keep_set = set(keep)
        index = self.ensure_index()
        resp = self._call(
            self.es.search,
            index=index,
            query={"term": {"sha256": sha256}},
            source=False,
            docvalue_fields=["page_no"],
            size=10_000,
        )
        ids = [h["_id"] for h in resp["hits"]["hits"] if h["fields"]["page_no"][0] not in keep_set]
        self._bulk({"_op_type": "delete", "_index": index, "_id": i} for i in ids)

    def refresh(self) -> None:
        """Make what was written searchable (nothing to do when the alias is gone)."""
        self._call(self.es.options(ignore_status=404).indices.refresh, index=self.alias)

    def rebuild(self, pages: Iterable[IndexPage]) -> int:
        """Fill a new versioned index, merge it, then move the alias to it atomically.

        The merge (`MERGE_SEGMENTS`) runs while the old index still serves: a bulk load
        leaves tens of segments and background merges that, measured at 1M pages, put the
        name-search p95 at 57–116 ms for the first minutes against 46–51 ms once merged.
        Seconds of each phase are kept in `last_rebuild`."""
        old = self.indices()
        name = self._new_index(bulk_load=True)
        try:
            t0 = time.perf_counter()
            n = self._bulk_load(name, pages)
            t1 = time.perf_counter()
            self._call(
                self.es.indices.put_settings,
                index=name,
                settings={
                    "refresh_interval": index_body()["settings"]["refresh_interval"],
                    "translog.durability": "request",
                },
            )
            self._call(self.es.indices.refresh, index=name)
            self._call(
                self.es.options(request_timeout=MERGE_TIMEOUT_S).indices.forcemerge,
                index=name,
                max_num_segments=MERGE_SEGMENTS,
                wait_for_completion=True,
            )
            self.last_rebuild = {
                "pages": n,
                "bulk_seconds": round(t1 - t0, 1),
                "merge_seconds": round(time.perf_counter() - t1, 1),
            }
        except BaseException:
            self.es.options(ignore_status=404).indices.delete(index=name)
            raise
        actions: list[dict[str, Any]] = [{"remove": {"index": i, "alias": self.alias}} for i in old]
        actions.append({"add": {"index": name, "alias": self.alias}})
        self._call(self.es.indices.update_aliases, actions=actions)
        for i in old:
            self._call(self.es.options(ignore_status=404).indices.delete, index=i)
        return n

    def count(self) -> int:
        if not self.indices():
            return 0
        return int(self._call(self.es.count, index=self.alias)["count"])

    def page_ids(self) -> set[str]:
        return {h["_id"] for h in self._scan({"match_all": {}})}

    def _scan(self, query: dict[str, Any]) -> Iterator[dict[str, Any]]:
        try:
            yield from helpers.scan(
                self.es, index=self.alias, query={"query": query}, _source=False
            )
        except TransportError as exc:
            raise unavailable(self.url, exc) from exc

    # -- reading ---------------------------------------------------------------------------
    def _filters(self, query: SearchQuery, *, role: bool) -> list[dict[str, Any]]:
        f: list[dict[str, Any]] = []
        if query.doc_type:
            f.append({"term": {"doc_type": query.doc_type}})
        if query.year_from is not None or query.year_to is not None:
            rng: dict[str, int] = {}
            if query.year_from is not None:
                rng["gte"] = query.year_from
            if query.year_to is not None:
                rng["lte"] = query.year_to
            f.append({"range": {"doc_year": rng}})
        if query.issuer:
            f.append({"match_phrase": {"issuer_fold": " ".join(text_tokens(query.issuer))}})
        if query.case_id:
            f.append({"term": {"case_ids": query.case_id}})
        if role and query.role:
            f.append(
                {"nested": {"path": "parties", "query": {"term": {"parties.role": query.role}}}}
            )
        return f

    def _tiers(
        self,
        tiers: list[dict[str, Any]],
        filters: list[dict[str, Any]],
        limit: int,
        *,
        fields: list[str] = _REC,
    ) -> list[dict[str, Any]]:
        """The first `limit` pages of the tiers in order (best first), without repeats: the
        same candidates as SQLite's `_tiers`.

        One `_msearch`, one round trip: every tier runs in filter context, sorted by
        (case_id, page_id) like the index itself, so each tier stops after `limit` pages
        however common the name or phrase. Tier i excludes the pages of the tiers before it
        (`must_not`), so the tiers are disjoint and each returns the records of its own new
        pages only: a page is listed in its first tier, in (case_id, page_id) order within
        it, exactly as when every tier is read whole and repeats are dropped."""
        if not tiers:
            return []
        body: list[dict[str, Any]] = []
        for i, tier in enumerate(tiers):
            query: dict[str, Any] = {"filter": [tier, *filters]}
            if i:
                query["must_not"] = tiers[:i]
            body += [
                {},
                {
                    "query": {"bool": query},
                    "size": limit,
                    "sort": _ORDER,
                    "track_total_hits": False,
                    "stored_fields": "_none_",
                    "docvalue_fields": fields,
                },
            ]
        resp = self._call(self.es.msearch, index=self.alias, searches=body, filter_path=_HITS_PATH)
        out: list[dict[str, Any]] = []
        for r in resp.get("responses", ()):
            if "error" in r:
                if r.get("status") == 404:  # nothing indexed yet
                    return []
                status = int(r.get("status") or 500)
                if status >= 500 or status == 429:
                    raise BackendUnavailable(f"Elasticsearch at {self.url}: {r['error']}")
                raise RuntimeError(f"Elasticsearch refused a search: {r['error']}")
            for h in r.get("hits", {}).get("hits", ()):
                if len(out) >= limit:
                    break
                out.append(_record(h["fields"]))
        return out

    @staticmethod
    def _name_tiers(plan: Plan) -> list[dict[str, Any]]:
        tiers: list[dict[str, Any]] = []
        for field, phrase in (
            *([("parties.name_norm", plan.norm_phrase)] if plan.any_marked else []),
            ("parties.name_fold", plan.fold_phrase),
        ):
            tiers.append({"term": {f"{field}.kw": phrase}})  # the whole name
            tiers.append({"match_phrase": {field: phrase}})
        if plan.needs_loose:
            spans = []
            for t in plan.terms:
                alts: list[dict[str, Any]] = [
                    {"span_term": {"parties.name_fold": a}} for a in (t.fold, *t.variants)
                ]
                if t.fuzzy:
                    fuzzy = {
                        "value": t.fold,
                        "fuzziness": 1,
                        "transpositions": True,
                        "max_expansions": 200,
                    }
                    alts.append({"span_multi": {"match": {"fuzzy": {"parties.name_fold": fuzzy}}}})
                spans.append({"span_or": {"clauses": alts}})
            tiers.append(
                spans[0]
                if len(spans) == 1
                else {"span_near": {"clauses": spans, "slop": 0, "in_order": True}}
            )
        return tiers

    @staticmethod
    def _nested(tier: dict[str, Any], query: SearchQuery) -> dict[str, Any]:
        """A name tier on one party (of the wanted role)."""
        inner = tier
        if query.role:
            inner = {"bool": {"filter": [tier, {"term": {"parties.role": query.role}}]}}
        return {"nested": {"path": "parties", "query": inner, "score_mode": "none"}}

    def candidates(self, plan: Plan, query: SearchQuery, limit: int) -> list[dict[str, Any]]:
        if plan.kind == "name":
            names = [self._nested(t, query) for t in self._name_tiers(plan)]
            return self._tiers(names, self._filters(query, role=False), limit)
        if plan.kind == "number":
            keys = list(plan.number_keys)
            tiers: list[dict[str, Any]] = [
                {"terms": {"own_number_key": keys}},
                {"terms": {"number_keys": keys}},
                {"terms": {"text_number_keys": keys}},
                {
                    "bool": {
                        "should": [{"prefix": {"number_keys": k + "/"}} for k in keys],
                        "minimum_should_match": 1,
                    }
                },
            ]
            return self._tiers(tiers, self._filters(query, role=True), limit)
        if plan.kind == "all":
            return self._tiers([{"match_all": {}}], self._filters(query, role=True), limit)
        return self.text_candidates(plan, query, limit)

    def text_candidates(self, plan: Plan, query: SearchQuery, limit: int) -> list[dict[str, Any]]:
        if not plan.tokens:
            return []
        phrase = " ".join(plan.tokens)
        tiers: list[dict[str, Any]] = [
            {"match_phrase": {"text_fold": phrase}},
            {"match": {"text_fold": {"query": phrase, "operator": "and"}}},
        ]
        return self._tiers(tiers, self._filters(query, role=True), limit, fields=_REC_TEXT)

    def texts(self, page_ids: Iterable[str]) -> dict[str, str]:
        ids = list(page_ids)
        if not ids:
            return {}
        try:
            resp = self._call(
                self.es.mget, index=self.alias, ids=ids, stored_fields=["text"], realtime=False
            )
        except NotFoundError:
            return {}
        return {
            d["_id"]: d.get("fields", {}).get("text", [""])[0]
            for d in resp["docs"]
            if d.get("found")
        }

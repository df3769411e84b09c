#!/usr/bin/env python3
"""Search benchmark: index N synthetic pages into each backend, then time queries.

Pages come from samplegen/search_corpus.py (realistic Vietnamese names, THADS numbers and
legal text; no OCR) and go straight to the backends as `IndexPage` records, the way
`hoso reindex` feeds them from the catalog. Reports indexing pages/s and per-query
latency p50/p95 (wall clock through `SearchEngine.search`, snippets included) for name,
number and full-text queries.

    scripts/bench-search --pages 100000
    scripts/bench-search --pages 1000000 --es-url http://127.0.0.1:9200
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from samplegen.search_corpus import iter_bench_pages  # noqa: E402
from schemas import IndexPage, SearchQuery  # noqa: E402
from schemas.normalize import strip_marks  # noqa: E402
from search.engine import SearchEngine  # noqa: E402


def pages(n: int, seed: int, sample: dict[str, list[str]]) -> Any:
    """IndexPage stream; fills `sample` with query material as it goes (deterministic)."""
    rng = random.Random(seed)
    for case, doc, page_no, text in iter_bench_pages(seed, n):
        if page_no == 1 and rng.random() < 0.002:
            person = rng.choice(case.people).name
            sample["name"].append(person if rng.random() < 0.5 else strip_marks(person).lower())
            sample["number"].append(doc.own_number)
            if case.special:
                sample["text"].append(" ".join(case.special.split()[1:5]))
        yield IndexPage(
            sha256=f"{case.case_id}:{doc.doc_type}",
            page_no=page_no,
            case_id=case.case_id,
            source_path=f"{case.case_id}/{doc.doc_type}.pdf",
            text=text,
            doc_id=f"{case.case_id}:{doc.doc_type}:1",
            doc_type=doc.doc_type,  # type: ignore[arg-type]
            own_number=doc.own_number,
            numbers=[x.text for x in doc.numbers],
            doc_date=doc.date,
            issuer=doc.issuer,
            parties=doc.parties,
        )


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def run_queries(
    engine: SearchEngine, sample: dict[str, list[str]], n: int, seed: int = 1
) -> dict[str, Any]:
    rng = random.Random(seed)
    out: dict[str, Any] = {}
    for kind, items in sample.items():
        picked = [rng.choice(items) for _ in range(n)] if items else []
        for q in picked[:5]:  # warm caches (first query of a kind)
            engine.search(SearchQuery(q=q))
        times = []
        found = 0
        for q in picked:
            t0 = time.perf_counter()
            result = engine.search(SearchQuery(q=q))
            times.append((time.perf_counter() - t0) * 1000)
            found += bool(result.cases)
        out[kind] = {
            "queries": len(picked),
            "p50_ms": round(pct(times, 50), 1),
            "p95_ms": round(pct(times, 95), 1),
            "with_results": found,
        }
    return out


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def bench_backend(name: str, backend: Any, args: argparse.Namespace) -> dict[str, Any]:
    sample: dict[str, list[str]] = {"name": [], "number": [], "text": []}
    load = {"start": _load()}
    t0 = time.perf_counter()
    if args.reuse:  # the index kept by an earlier run: only the query material is made
        n = backend.count()
        if n != args.pages:
            raise SystemExit(f"{name}: --reuse: the index has {n} pages, not {args.pages}")
        for _ in pages(args.pages, args.seed, sample):
            pass
        secs = float("nan")
    else:
        n = backend.rebuild(pages(args.pages, args.seed, sample))
        secs = time.perf_counter() - t0
        phases = getattr(backend, "last_rebuild", None) or {}
        if phases:  # Elasticsearch: the bulk load, then the force-merge before the alias moves
            secs = phases["bulk_seconds"]
        rate = f"{n / secs:.0f} pages/s"
        print(f"{name}: indexed {n} pages in {secs:.1f} s ({rate}) {phases}", file=sys.stderr)
    if name == "es" and not args.reuse:  # let the merges of the bulk load finish first
        deadline = time.time() + args.settle
        while time.time() < deadline:
            stats = backend.es.indices.stats(index=backend.alias, metric="merge")
            if stats["_all"]["total"]["merges"]["current"] == 0:
                break
            time.sleep(5)
    load["indexed"] = _load()
    engine = SearchEngine(backend)
    cold = None
    if args.warmup:  # a first pass over other queries of the same kinds, timed apart
        cold = run_queries(engine, sample, args.queries, seed=2)
    queries = run_queries(engine, sample, args.queries)
    load["queried"] = _load()
    return {
        "backend": name,
        "pages": n,
        "index_seconds": None if args.reuse else round(secs, 1),
        "pages_per_s": None if args.reuse else round(n / secs),
        # Elasticsearch: bulk_seconds (what pages_per_s is from) and merge_seconds
        "rebuild_phases": None if args.reuse else getattr(backend, "last_rebuild", None),
        "queries": queries,
        "first_pass": cold,  # --warmup: the untimed-for-the-goal pass, on other queries
        "load_avg_1m": load,  # of the machine (2 cores shared with other work)
    }


def main() -> int:
    ap = argparse.ArgumentParser(prog="scripts/bench-search", description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--queries", type=int, default=200, help="per kind")
    ap.add_argument("--backends", default="sqlite,es")
    ap.add_argument("--es-url", default="http://127.0.0.1:9200")
    ap.add_argument("--dir", type=Path, help="where the SQLite index goes (default: temp)")
    ap.add_argument("--keep", action="store_true", help="keep the indices afterwards")
    ap.add_argument(
        "--reuse",
        action="store_true",
        help="time queries on the indices kept by an earlier --keep run (same --pages, --seed"
        " and --dir) instead of rebuilding them",
    )
    ap.add_argument("--settle", type=float, default=300, help="max s to wait for ES merges")
    ap.add_argument(
        "--warmup",
        action="store_true",
        help="run a first pass of --queries other queries per kind before the timed one"
        " (steady state: right after a rebuild, caches are cold); its figures are reported"
        " apart as first_pass",
    )
    args = ap.parse_args()

    results = []
    for name in args.backends.split(","):
        if name == "sqlite":
            from search.sqlite_backend import SqliteBackend

            folder = args.dir or Path(tempfile.mkdtemp(prefix="hoso-bench-"))
            sqlite = SqliteBackend(folder)
            results.append(bench_backend("sqlite", sqlite, args))
            size = sum(p.stat().st_size for p in folder.glob("index.sqlite*"))
            results[-1]["index_mb"] = round(size / 2**20)
            sqlite.close()
            if not args.keep and not args.dir:
                shutil.rmtree(folder)
        elif name == "es":
            from search.es_backend import EsBackend

            es = EsBackend(args.es_url, alias="hoso-bench", timeout=120)
            results.append(bench_backend("es", es, args))
            stats = es.es.indices.stats(index="hoso-bench", metric="store")
            size = stats["_all"]["total"]["store"]["size_in_bytes"]
            results[-1]["index_mb"] = round(size / 2**20)
            if not args.keep and not args.reuse:
                es.drop()
            es.close()
    print(json.dumps(results, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

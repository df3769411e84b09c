#!/usr/bin/env python3
"""Load test of `hoso serve`: N concurrent officers searching for D seconds, on loopback.

Starts `hoso serve` (embedded SQLite backend unless --es-url) on 127.0.0.1 with a free
port, logs a bench officer in through the real login form (session cookie + CSRF), then
runs N concurrent searchers against the officer search page `/search` (or `/api/search`
with --api) for D seconds, after a short unmeasured warm-up. Closed loop by default (each
searcher sends its next search as soon as the previous answer arrived); --think T makes
each searcher pause an exponential time of mean T seconds before each search.

The load comes from `wrk` (Debian package, installed by scripts/setup: one C thread with an
epoll loop, so the generator takes a few percent of one core and the server keeps the rest
of the two cores) driven by a Lua script written here: every connection is one officer
with the session cookie, the query is drawn at random from a varied list taken from the
archive (names with and without diacritics, surnames dropped, one-letter typos, judgment and
decision numbers as written and in lower case, phrases of page text); an answer counts as
an error unless it is 200 and shows a result summary (or is search-result JSON).
`--generator python` uses the former asyncio/httpx generator instead (same process as this
script, much heavier on the CPU).

`hoso serve` keeps recent SQLite results in memory (search.engine.ResultCache, invalidated
by any change of the index); the query list is a few hundred searches, so after the warm-up
nearly every search is answered from that cache: --no-cache turns it off to measure the
search itself.

Stops by itself, stops the server it started, and prints one JSON line per run (--runs):
requests, errors, requests/s, p50/p95/p99 latency in ms, CPU seconds used by the server
and by the generator, load average; with several runs, a last line with the medians.

Without --archive, a sample archive (samplegen/web_archive.build_web_archive, real catalog,
real FTS5 index) is built in a temporary folder and removed afterwards. With --archive,
the bench user's searches are written to that archive's audit log (user "bench").

  scripts/bench-serve [--archive A] [--clients 50] [--duration 60] [--cases 60] [--api]
                      [--think 1] [--workers 2] [--runs 3] [--no-cache] [--generator wrk|python]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_PY = ROOT / ".venv" / "bin" / "python"
if (
    VENV_PY.exists()
    and Path(sys.prefix).resolve() != (ROOT / ".venv").resolve()
    and not os.environ.get("HOSO_BENCH_REEXEC")
):
    os.environ["HOSO_BENCH_REEXEC"] = "1"
    os.execv(str(VENV_PY), [str(VENV_PY), sys.argv[0], *sys.argv[1:]])

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import sqlite3  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402
from urllib.parse import urlencode  # noqa: E402

import httpx  # noqa: E402

sys.path[:0] = [str(ROOT)]

MAX_DURATION_S = 600
MAX_CLIENTS = 500


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def queries_of(archive: Path, n: int = 400, seed: int = 5) -> list[str]:
    """A varied list of officer queries from the archive, drawn with fixed weights.

    Names 40% (as written with diacritics, without diacritics, the last two syllables, one
    letter mistyped), numbers 35% (as written, lower case), page-text phrases 25% (two or
    three words, with or without diacritics). The same archive gives the same list.
    """
    from schemas.normalize import fold

    db = sqlite3.connect(archive / "catalog.sqlite")
    names = sorted({r[0] for r in db.execute("SELECT DISTINCT name FROM parties")})
    numbers = sorted(
        {
            r[0]
            for r in db.execute(
                "SELECT DISTINCT own_number FROM documents WHERE own_number IS NOT NULL"
            )
        }
    )
    texts = [r[0] for r in db.execute("SELECT text FROM pages ORDER BY sha256, page_no LIMIT 300")]
    db.close()
    rng = random.Random(seed)

    def typo(name: str) -> str:
        words = fold(name).split()
        i = rng.randrange(len(words))
        w = words[i]
        if len(w) >= 3:  # swap two inner letters: "trang" -> "tnarg"-like OCR/typing slips
            j = rng.randrange(1, len(w) - 1)
            w = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
        words[i] = w
        return " ".join(words)

    name_forms = [
        lambda x: x,
        fold,
        lambda x: " ".join(fold(x).split()[-2:]),
        typo,
    ]
    phrases: list[str] = []
    for text in texts:
        for line in text.splitlines():
            words = [w for w in line.split() if w.isalpha()]
            if len(words) >= 3:
                k = rng.choice((2, 3))
                i = rng.randrange(len(words) - k + 1)
                phrases.append(" ".join(words[i : i + k]).lower())
    out: list[str] = []
    for _ in range(n):
        kind = rng.choices(("name", "number", "text"), weights=(40, 35, 25))[0]
        if kind == "name" and names:
            q = rng.choice(name_forms)(rng.choice(names))
        elif kind == "number" and numbers:
            num = rng.choice(numbers)
            q = num if rng.random() < 0.7 else num.lower()
        elif phrases:
            q = rng.choice(phrases)
            q = q if rng.random() < 0.5 else fold(q)
        else:
            continue
        if q.strip():
            out.append(q.strip())
    return out or ["nguyen van"]


def prepare_user(archive: Path) -> str:
    from search.web.accounts import AccountError, CatalogStore, add_user, set_password

    password = secrets.token_urlsafe(18)
    store = CatalogStore(archive)
    try:
        add_user(store.db, "bench", password)
    except AccountError:
        set_password(store.db, "bench", password)
    return password


def login(base: str, password: str) -> httpx.Cookies:
    with httpx.Client(base_url=base, timeout=30) as c:
        page = c.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token, "no CSRF token on the login page"
        r = c.post(
            "/login",
            data={"username": "bench", "password": password, "csrf_token": token.group(1)},
        )
        if r.status_code not in (200, 303) or "hoso_session" not in c.cookies:
            raise SystemExit(f"bench-serve: login failed ({r.status_code})")
        return c.cookies


async def searcher(
    client: httpx.AsyncClient,
    queries: list[str],
    stop_at: float,
    lat: list[float],
    errors: list[str],
    api: bool,
    seed: int,
    think: float,
) -> None:
    rng = random.Random(seed)
    while time.monotonic() < stop_at:
        if think > 0:  # an officer reads the results before the next search
            await asyncio.sleep(min(rng.expovariate(1 / think), stop_at - time.monotonic(), 10))
            if time.monotonic() >= stop_at:
                break
        q = rng.choice(queries)
        path = "/api/search" if api else "/search"
        t0 = time.perf_counter()
        try:
            r = await client.get(path, params={"q": q})
            ok = r.status_code == 200 and (api or "summary" in r.text)
            if not ok:
                errors.append(f"{r.status_code} {path}?q={q}")
        except httpx.HTTPError as exc:
            errors.append(f"{type(exc).__name__} {path}?q={q}")
        lat.append((time.perf_counter() - t0) * 1000)


async def run_load(
    base: str,
    cookies: httpx.Cookies,
    queries: list[str],
    clients: int,
    duration: float,
    api: bool,
    think: float = 0.0,
) -> dict[str, Any]:
    """The asyncio/httpx generator (in this process)."""
    lat: list[float] = []
    errors: list[str] = []
    cpu0 = time.process_time()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, cookies=cookies, timeout=30, limits=limits) as c:
        t0 = time.monotonic()
        stop_at = t0 + duration
        await asyncio.gather(
            *(searcher(c, queries, stop_at, lat, errors, api, i, think) for i in range(clients))
        )
        elapsed = time.monotonic() - t0
    lat.sort()

    def pct(p: float) -> float:
        return round(lat[min(len(lat) - 1, int(p * len(lat)))], 1) if lat else 0.0

    return {
        "duration_s": round(elapsed, 1),
        "requests": len(lat),
        "errors": len(errors),
        "error_samples": errors[:5],
        "rps": round(len(lat) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "mean_ms": round(statistics.fmean(lat), 1) if lat else 0.0,
        "generator_cpu_s": round(time.process_time() - cpu0, 1),
    }


# The wrk script: one Lua state per wrk thread; each connection is one officer.
WRK_LUA = r"""
local paths = {%(paths)s}
local want = %(want)s
local think_ms = %(think_ms)s
local threads = {}
local n = 0
function setup(thread)
  n = n + 1
  thread:set("seed", n)
  table.insert(threads, thread)
end
function init(args)
  math.randomseed(seed * 7919)
  bad = 0
  bad_sample = ""
end
wrk.headers["Cookie"] = %(cookie)s
function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
function response(status, headers, body)
  if status ~= 200 or not string.find(body, want, 1, true) then
    bad = bad + 1
    bad_sample = tostring(status)
  end
end
%(delay)s
function done(summary, latency, requests)
  local b, sample = 0, ""
  for _, t in ipairs(threads) do
    b = b + t:get("bad")
    if t:get("bad_sample") ~= "" then sample = t:get("bad_sample") end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %%d, "duration_us": %%d, "bad": %%d, "bad_sample": "%%s", ' ..
    '"connect": %%d, "read": %%d, "write": %%d, "timeout": %%d, "p50_us": %%d, ' ..
    '"p95_us": %%d, "p99_us": %%d, "mean_us": %%.1f, "max_us": %%d}\n',
    summary.requests, summary.duration, b, sample, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.mean, latency.max))
end
"""
WRK_DELAY = r"""
function delay()
  local d = -math.log(1 - math.random()) * think_ms
  if d > 10000 then d = 10000 end
  return d
end
"""


def wrk_script(queries: list[str], cookie: str, api: bool, think: float) -> str:
    path = "/api/search" if api else "/search"
    paths = [f"{path}?{urlencode({'q': q})}" for q in queries]
    return WRK_LUA % {
        "paths": ",".join(json.dumps(p) for p in paths),
        "want": json.dumps('"total_cases"' if api else 'class="summary"'),
        "think_ms": repr(think * 1000),
        "cookie": json.dumps(f"hoso_session={cookie}"),
        "delay": WRK_DELAY if think > 0 else "",
    }


def run_wrk(
    base: str, script: Path, clients: int, duration: float, threads: int = 1
) -> dict[str, Any]:
    """Runs wrk against `base` (loopback) for `duration` s; its own CPU time is measured."""
    cmd = [
        "wrk",
        f"-t{threads}",
        f"-c{clients}",
        f"-d{max(1, round(duration))}s",
        "--timeout",
        "30s",
        "-s",
        str(script),
        base,
    ]
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 120, check=False)
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    line = next((x for x in proc.stdout.splitlines() if x.startswith("BENCH ")), None)
    if proc.returncode != 0 or line is None:
        raise SystemExit(f"bench-serve: wrk failed: {proc.stderr.strip() or proc.stdout[-2000:]}")
    r = json.loads(line[len("BENCH ") :])
    elapsed = r["duration_us"] / 1e6
    transport = r["connect"] + r["read"] + r["write"] + r["timeout"]
    samples = [f"HTTP {r['bad_sample']}"] if r["bad"] else []
    if transport:
        samples.append(
            f"socket errors: connect {r['connect']}, read {r['read']}, write {r['write']},"
            f" timeout {r['timeout']}"
        )
    return {
        "duration_s": round(elapsed, 1),
        "requests": r["requests"],
        "errors": r["bad"] + transport,
        "error_samples": samples,
        "rps": round(r["requests"] / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(r["p50_us"] / 1000, 1),
        "p95_ms": round(r["p95_us"] / 1000, 1),
        "p99_ms": round(r["p99_us"] / 1000, 1),
        "mean_ms": round(r["mean_us"] / 1000, 1),
        "generator_cpu_s": round((ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime), 1),
    }


def tree_cpu_s(root: int) -> float:
    """CPU seconds (user + system) used so far by process `root` and its descendants."""
    tick = os.sysconf("SC_CLK_TCK")
    stats: dict[int, tuple[int, float]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # fields[1] is the parent pid; utime and stime are fields 14 and 15 of stat.
        stats[int(entry)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += stats.get(pid, (0, 0.0))[1]
        todo.extend(p for p, (ppid, _) in stats.items() if ppid == pid)
    return total


def main() -> int:
    ap = argparse.ArgumentParser(prog="scripts/bench-serve", description=__doc__.splitlines()[0])
    ap.add_argument("--archive", type=Path, help="archive to serve (default: a sample one)")
    ap.add_argument("--es-url", help="search Elasticsearch instead of the embedded index")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of load per run")
    ap.add_argument("--cases", type=int, default=60, help="cases in the sample archive")
    ap.add_argument("--workers", type=int, default=2, help="hoso serve --workers")
    ap.add_argument("--api", action="store_true", help="hit /api/search instead of /search")
    ap.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean think time (s, exponential) before each of a searcher's searches; 0 = none",
    )
    ap.add_argument(
        "--no-cache",
        action="store_true",
        help="serve with the result cache off (HOSO_SEARCH_CACHE=0): every search runs",
    )
    ap.add_argument("--runs", type=int, default=1, help="measured runs against one server")
    ap.add_argument(
        "--warmup", type=float, default=5.0, help="unmeasured seconds of load before the runs"
    )
    ap.add_argument(
        "--generator",
        choices=("wrk", "python"),
        default="wrk",
        help="load generator: wrk (C, lean; default) or the asyncio/httpx one",
    )
    args = ap.parse_args()
    if not (1 <= args.clients <= MAX_CLIENTS and 0 < args.duration <= MAX_DURATION_S):
        ap.error(f"--clients 1..{MAX_CLIENTS}, --duration 0..{MAX_DURATION_S}")
    if not (1 <= args.runs <= 10 and 0 <= args.warmup <= 60):
        ap.error("--runs 1..10, --warmup 0..60")
    if args.generator == "wrk" and shutil.which("wrk") is None:
        raise SystemExit("bench-serve: wrk not found (Debian package `wrk`: run scripts/setup)")

    tmp = tempfile.TemporaryDirectory(prefix="hoso-bench-")
    archive = args.archive
    if archive is None:
        from samplegen.web_archive import build_web_archive, make_engine

        archive = Path(tmp.name) / "archive"
        t0 = time.monotonic()
        build_web_archive(archive, n_cases=args.cases)
        make_engine(archive)  # builds the FTS5 index from the catalog
        print(
            f"bench-serve: sample archive of {args.cases} cases built in "
            f"{time.monotonic() - t0:.1f} s",
            file=sys.stderr,
        )
    password = prepare_user(archive)
    queries = queries_of(archive)
    port = free_port()
    base = f"http://127.0.0.1:{port}"  # loopback only
    cmd = [
        str(ROOT / ".venv" / "bin" / "hoso"),
        "serve",
        "--archive",
        str(archive),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(args.workers),
    ]
    if args.es_url:
        cmd += ["--es-url", args.es_url]
    env = dict(os.environ)
    if args.no_cache:
        env["HOSO_SEARCH_CACHE"] = "0"
    server = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True, env=env
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                err = server.stderr.read().decode() if server.stderr else ""
                raise SystemExit(f"bench-serve: hoso serve exited: {err[-2000:]}")
            try:
                if httpx.get(f"{base}/public", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("bench-serve: hoso serve did not start within 60 s")
            time.sleep(0.2)
        cookies = login(base, password)
        script = Path(tmp.name) / "search.lua"
        script.write_text(
            wrk_script(queries, cookies["hoso_session"], args.api, args.think), encoding="utf-8"
        )

        def one_run(duration: float) -> dict[str, Any]:
            if args.generator == "wrk":
                return run_wrk(base, script, args.clients, duration)
            return asyncio.run(
                run_load(base, cookies, queries, args.clients, duration, args.api, args.think)
            )

        if args.warmup > 0:
            one_run(args.warmup)
        results = []
        for i in range(args.runs):
            load_before = os.getloadavg()
            cpu0 = tree_cpu_s(server.pid)
            result = one_run(args.duration)
            server_cpu = tree_cpu_s(server.pid) - cpu0
            result = {
                "run": i + 1,
                "clients": args.clients,
                "think_s": args.think,
                "endpoint": "/api/search" if args.api else "/search",
                "generator": args.generator,
                **result,
                "server_cpu_s": round(server_cpu, 1),
                "server_cpu_ms_per_request": round(1000 * server_cpu / result["requests"], 2)
                if result["requests"]
                else None,
                "loadavg_before": [round(x, 2) for x in load_before],
                "loadavg_after": [round(x, 2) for x in os.getloadavg()],
                "backend": "elasticsearch" if args.es_url else "sqlite",
                "result_cache": not (args.no_cache or args.es_url),
                "workers": args.workers,
                "queries": len(queries),
                "distinct_queries": len(set(queries)),
                "cpus": os.cpu_count(),
            }
            print(json.dumps(result, ensure_ascii=False), flush=True)
            results.append(result)
        if len(results) > 1:
            keys = ("rps", "p50_ms", "p95_ms", "p99_ms", "server_cpu_ms_per_request")
            median = {k: statistics.median(float(r[k] or 0) for r in results) for k in keys}
            median["errors"] = sum(int(r["errors"]) for r in results)
            median["requests"] = sum(int(r["requests"]) for r in results)
            print(json.dumps({"runs": len(results), "median": median}), flush=True)
        return 0 if all(r["errors"] == 0 for r in results) else 1
    finally:
        # Only the process group we started.
        try:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(server.pid, signal.SIGKILL)
        tmp.cleanup()


if __name__ == "__main__":
    sys.exit(main())

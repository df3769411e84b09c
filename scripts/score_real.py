"""Score OCR on real scanned pages with hand-made truth: hoso's page step against plain Tesseract.

The truth folder holds one text file per page, `<pdf stem>-p<N>.txt` (other files, such as
notes, are ignored); the PDF `<pdf stem>.pdf` is looked up in the real folder. Every page is
read twice in the same run:
  hoso   `ingest.page.process_page` with default options, as `hoso ingest` reads it;
  plain  `tesseract -l vie` (CLI, psm 3) on the page as a user would render it:
         `pdftoppm -r 300`, one page, colour.
Both readings and the truth are folded the same way (`ingest.quality.fold_for_real`: NFC,
look-alikes such as Ð → Đ, whitespace, one tone placement) and scored by CER and by the
order-free word error rate (`ingest.quality.word_errors`). Plain readings depend only on the
page and Tesseract, so with --dir they are cached there. The OCR runs hold
/tmp/hoso-bench.lock (taken here, or already held by a `flock` the command runs under).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein

from ingest.page import process_page
from ingest.quality import fold_for_real, word_errors
from ingest.tasks import PageTask

LOCK = "/tmp/hoso-bench.lock"
_TRUTH_NAME = re.compile(r"^(?P<stem>.+)-p(?P<page>\d+)\.txt$")
READERS = ("hoso", "plain")


@dataclass
class Reading:
    text: str = ""
    cpu_s: float = 0.0
    error: str | None = None
    review: list[str] = field(default_factory=list)  # hoso only: fields marked for review


@dataclass
class RealPage:
    name: str  # <pdf stem>-p<N>
    pdf: str
    page_no: int
    truth: str
    readings: dict[str, Reading] = field(default_factory=dict)


def real_pages(real_dir: Path, truth_dir: Path, only: str | None = None) -> list[RealPage]:
    """The pages that have a truth file, with their PDF. Raises ValueError with one sentence."""
    if not truth_dir.is_dir():
        raise ValueError(f"{truth_dir}: no such truth folder.")
    if not real_dir.is_dir():
        raise ValueError(f"{real_dir}: no such folder of real scans.")
    pages = []
    for path in sorted(truth_dir.iterdir()):
        m = _TRUTH_NAME.match(path.name)
        if not m or (only and not re.search(only, path.stem)):
            continue
        pdf = real_dir / f"{m['stem']}.pdf"
        if not pdf.is_file():
            raise ValueError(f"{path.name}: its scan {pdf.name} is not in {real_dir}.")
        pages.append(
            RealPage(path.stem, str(pdf), int(m["page"]), path.read_text(encoding="utf-8"))
        )
    if not pages:
        raise ValueError(f"{truth_dir}: no truth files named <pdf stem>-p<N>.txt.")
    return pages


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def read_hoso(pdf: str, page_no: int) -> Reading:
    start = _cpu()
    sha = hashlib.sha256(f"{pdf}#{page_no}".encode()).hexdigest()
    r = process_page(PageTask(pdf, sha, page_no, "pdf", out_pdf=None))
    review = [f"{f.kind} {f.text!r}" for f in (r.quality.review if r.quality else [])]
    return Reading(r.text, round(_cpu() - start, 2), r.error, review)


def read_plain(pdf: str, page_no: int) -> Reading:
    """pdftoppm -r 300 (colour) | tesseract -l vie, one thread."""
    start = _cpu()
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    with tempfile.TemporaryDirectory(prefix="score-real-") as tmp:
        base = os.path.join(tmp, "page")
        try:
            subprocess.run(
                ["pdftoppm", "-r", "300", "-f", str(page_no), "-l", str(page_no),
                 "-singlefile", pdf, base],
                check=True, capture_output=True, timeout=300,
            )  # fmt: skip
            out = subprocess.run(
                ["tesseract", base + ".ppm", "stdout", "-l", "vie"],
                check=True, capture_output=True, timeout=600, env=env,
            )  # fmt: skip
        except (subprocess.SubprocessError, OSError) as exc:
            return Reading(error=" ".join(str(exc).split())[:200])
    return Reading(out.stdout.decode("utf-8", "replace"), round(_cpu() - start, 2))


def _cache_key(p: RealPage) -> str:
    version = subprocess.run(["tesseract", "--version"], capture_output=True, text=True)
    h = hashlib.sha256(Path(p.pdf).read_bytes())
    h.update(f"#{p.page_no}#{version.stdout.splitlines()[0] if version.stdout else ''}".encode())
    return h.hexdigest()[:24]


def _read(job: tuple[str, str, int, str | None]) -> Reading:
    reader, pdf, page_no, cache = job
    if cache and os.path.exists(cache):
        return Reading(**json.loads(Path(cache).read_text(encoding="utf-8")))
    r = read_hoso(pdf, page_no) if reader == "hoso" else read_plain(pdf, page_no)
    if cache and r.error is None:
        Path(cache).write_text(json.dumps(asdict(r), ensure_ascii=False), encoding="utf-8")
    return r


def _ancestors() -> set[int]:
    pids, pid = set(), os.getpid()
    while pid > 1:
        pids.add(pid)
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
                pid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            break
    return pids


def _held_by_ancestor(path: str) -> bool:
    """True when a process this one runs under holds the flock on `path` (the command was
    wrapped in `flock path …`: taking it again would wait for ever)."""
    try:
        inode = os.stat(path).st_ino
        with open("/proc/locks", encoding="ascii") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return False
    mine = _ancestors()
    for line in lines:
        parts = line.split()
        if "->" in parts or len(parts) < 6 or parts[1] != "FLOCK":
            continue
        pid, where = parts[4], parts[5]
        if where.rsplit(":", 1)[-1] == str(inode) and pid.isdigit() and int(pid) in mine:
            return True
    return False


@contextmanager
def bench_lock() -> Iterator[None]:
    """Hold /tmp/hoso-bench.lock while reading, unless the command already runs under it."""
    with open(LOCK, "a") as fh:
        if _held_by_ancestor(LOCK):
            yield
            return
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting for {LOCK} (another benchmark runs)", file=sys.stderr)
            fcntl.flock(fh, fcntl.LOCK_EX)
        yield


def run(pages: list[RealPage], readers: list[str], workers: int, cache: Path | None) -> None:
    jobs = []
    for p in pages:
        for reader in readers:
            path = None
            if cache is not None and reader == "plain":
                cache.mkdir(parents=True, exist_ok=True)
                path = str(cache / f"plain-{_cache_key(p)}.json")
            jobs.append((reader, p.pdf, p.page_no, path))
    with bench_lock(), ProcessPoolExecutor(max_workers=workers) as pool:
        done = pool.map(_read, jobs)
        for (reader, pdf, page_no, _), reading in zip(jobs, done, strict=True):
            page = next(p for p in pages if p.pdf == pdf and p.page_no == page_no)
            page.readings[reader] = reading


def score(truth: str, text: str) -> dict[str, Any]:
    ref, hyp = fold_for_real(truth), fold_for_real(text)
    we = word_errors(ref, hyp)
    return {
        "chars": len(ref),
        "edits": Levenshtein.distance(ref, hyp),
        "words": we.truth_words,
        "word_errors": we.errors,
        "missing_words": we.missing,
        "extra_words": we.extra,
    }


def _rates(s: dict[str, Any]) -> dict[str, Any]:
    return {
        "cer_pct": round(100 * s["edits"] / max(1, s["chars"]), 2),
        "word_error_pct": round(100 * s["word_errors"] / max(1, s["words"]), 2),
        **s,
    }


def build_report(pages: list[RealPage], readers: list[str]) -> dict[str, Any]:
    rows = []
    totals: dict[str, dict[str, Any]] = {}
    for p in pages:
        row: dict[str, Any] = {"page": p.name}
        for reader in readers:
            r = p.readings[reader]
            s = score(p.truth, r.text)
            row[reader] = {**_rates(s), "cpu_s": r.cpu_s, "error": r.error}
            if reader == "hoso":
                row[reader]["review"] = r.review
            t = totals.setdefault(reader, {k: 0 for k in s} | {"cpu_s": 0.0, "cers": []})
            for k in s:
                t[k] += s[k]
            t["cpu_s"] += r.cpu_s
            t["cers"].append(s["edits"] / max(1, s["chars"]))
        rows.append(row)
    aggregate = {}
    for reader, t in totals.items():
        cers = t.pop("cers")
        cpu = t.pop("cpu_s")
        aggregate[reader] = {
            **_rates(t),
            "mean_page_cer_pct": round(100 * statistics.mean(cers), 2),
            "cpu_s_per_page": round(cpu / len(pages), 2),
        }
    return {"pages": rows, "aggregate": aggregate}


def print_report(report: dict[str, Any], readers: list[str]) -> None:
    head = "  ".join(f"{r + ' CER':>10} {r + ' words':>11}" for r in readers)
    print(f"{'page':44} {'chars':>6}  {head}")
    for row in report["pages"]:
        first = row[readers[0]]
        cells = "  ".join(
            f"{row[r]['cer_pct']:9.2f}% {row[r]['word_error_pct']:10.2f}%" for r in readers
        )
        print(f"{row['page'][:44]:44} {first['chars']:6}  {cells}")
    agg = report["aggregate"]
    cells = "  ".join(
        f"{agg[r]['cer_pct']:9.2f}% {agg[r]['word_error_pct']:10.2f}%" for r in readers
    )
    print(f"{'aggregate':44} {agg[readers[0]]['chars']:6}  {cells}")
    for r in readers:
        a = agg[r]
        print(
            f"{r}: CER {a['cer_pct']}% (mean page {a['mean_page_cer_pct']}%), word errors "
            f"{a['word_error_pct']}% ({a['missing_words']} missing, {a['extra_words']} extra of "
            f"{a['words']} words), {a['cpu_s_per_page']} CPU s/page"
        )
    for row in report["pages"]:
        for r in readers:
            if row[r]["error"]:
                print(f"FAILED {r} {row['page']}: {row[r]['error']}")


def dump(pages: list[RealPage], out: Path) -> None:
    """NAME.truth.txt and NAME.<reader>.txt for every page."""
    out.mkdir(parents=True, exist_ok=True)
    for p in pages:
        (out / f"{p.name}.truth.txt").write_text(p.truth, encoding="utf-8")
        for reader, r in p.readings.items():
            (out / f"{p.name}.{reader}.txt").write_text(r.text, encoding="utf-8")


def main_real(
    real_dir: Path,
    truth_dir: Path,
    *,
    readers: list[str],
    workers: int,
    cache: Path | None,
    only: str | None,
    as_json: bool,
    dump_dir: Path | None,
) -> int:
    try:
        pages = real_pages(real_dir, truth_dir, only)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    start = time.perf_counter()
    run(pages, readers, workers, cache)
    report = build_report(pages, readers)
    report["wall_s"] = round(time.perf_counter() - start, 1)
    if dump_dir:
        dump(pages, dump_dir)
    if as_json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print_report(report, readers)
    return 0

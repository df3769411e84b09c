"""Benchmark: hoso's whole ingest against plain `tesseract` and OCRmyPDF on the same pages.

Same pages, same number of processes, in the same run, the three alternating round by round
(so that the machine's noise hits all alike; medians over `--repeat` rounds): pages/minute,
the ratios hoso / plain tesseract and hoso / OCRmyPDF, CER of each on the generated bench
pages (their truth is the text drawn), and the load average before and after each set.

Sets: bench pages rendered by samplegen (`--qualities office,poor`) and, with `--real DIR`,
real scanned PDFs (e.g. ../shared/realscans/qngai). hoso ingests the files as they are
(loading, cleaning, OCR, searchable PDF, extraction, catalog and index); plain tesseract reads
each page's own image (PNG bench pages; for PDFs the embedded image at its own resolution,
extracted with `pdfimages` before the clock starts); OCRmyPDF reads one PDF of all the pages
(`-l vie --jobs N --output-type pdf`).

`--compare DIR`: a second hoso, the checkout in DIR (e.g. main's, or a `git worktree` of an
older commit), runs as a fourth reader in the same rounds, so that a change is measured
against what it changes under the same load (`compare_*` in the report).

`--cpu N`: CPU seconds a page (one process, N pages a set after one warm-up page), plain
tesseract and hoso's page step alternating page by page, hoso's split into its own work and
the Tesseract calls it makes in-process (`ingest.engine.tesseract_cpu`). `--big N`: peak
memory per process while ingesting one N-page PDF.

    scripts/bench-ingest --pages 24 --repeat 3 --real ../shared/realscans/qngai --cpu 12
    scripts/bench-ingest --pages 0 --qualities office --big 320     # memory only
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import psutil
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.quality import cer  # noqa: E402
from samplegen import degrade, layout, make_cases, render_layout  # noqa: E402

# The bench pages of each quality: the seeds the default `--qualities office,poor` has always
# used (until 2026-12-03 a seed went by position, so `--qualities poor` read office's seed).
SEEDS = {"office": 11, "poor": 12}


def make_pages(out: Path, n: int, quality: str, seed: int) -> list[tuple[Path, str]]:
    """Render `n` document pages at `quality`; returns (png path, true text)."""
    dpi = 200 if quality == "poor" else 300
    rng = np.random.default_rng(seed)
    pages = [p for case in make_cases(seed, 8) for d in case.docs for p in layout(d.blocks)]
    out.mkdir(parents=True, exist_ok=True)
    made = []
    for i, page in enumerate(pages[:n]):
        img = degrade(render_layout(page, dpi), quality, rng)
        path = out / f"p{i + 1:03d}.png"
        Image.fromarray(img).save(path, dpi=(dpi, dpi), compress_level=1)
        made.append((path, page.text))
    return made


def run_tesseract(pages: list[Path], workers: int, out: Path) -> tuple[float, list[str]]:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    out.mkdir(parents=True, exist_ok=True)

    def one(p: Path) -> str:
        base = out / p.stem
        subprocess.run(
            ["tesseract", str(p), str(base), "-l", "vie"],
            check=True,
            env=env,
            capture_output=True,
        )
        return base.with_suffix(".txt").read_text(encoding="utf-8")

    t = time.monotonic()
    with ThreadPoolExecutor(workers) as pool:
        texts = list(pool.map(one, pages))
    return time.monotonic() - t, texts


ROOT = Path(__file__).resolve().parents[1]


def run_hoso(
    folder: Path, workers: int, archive: Path, tree: Path = ROOT
) -> tuple[float, dict[str, str]]:
    """`hoso ingest` of the checkout `tree` (its packages first on the path, with this
    Python) into a fresh `archive`: seconds and each page's text by file stem."""
    shutil.rmtree(archive, ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": str(tree)}
    t = time.monotonic()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "ingest",
            "ingest",
            str(folder),
            "--archive",
            str(archive),
            "--workers",
            str(workers),
            "--json",
        ],
        check=True,
        capture_output=True,
        cwd=tree,  # `-m ingest` puts the working folder first on the path
        env=env,
    )
    elapsed = time.monotonic() - t
    import sqlite3

    con = sqlite3.connect(archive / "catalog.sqlite")
    texts = {
        Path(path).stem: text
        for path, text in con.execute(
            "SELECT fp.path, p.text FROM pages p JOIN file_paths fp ON fp.sha256 = p.sha256"
        )
    }
    con.close()
    return elapsed, texts


def _ocrmypdf_exe() -> str | None:
    local = Path(sys.executable).parent / "ocrmypdf"
    return shutil.which("ocrmypdf") or (str(local) if local.exists() else None)


def images_pdf(pages: list[Path], dst: Path) -> Path:
    """One PDF of the page images (OCRmyPDF's input for bench pages)."""
    imgs = [Image.open(p) for p in pages]
    imgs[0].save(dst, "PDF", save_all=True, append_images=imgs[1:], resolution=300)
    return dst


def run_ocrmypdf(src: Path, workers: int, tmp: Path) -> tuple[float, list[str]] | None:
    exe = _ocrmypdf_exe()
    if exe is None:
        return None
    tmp.mkdir(parents=True, exist_ok=True)
    dst = tmp / "out.pdf"
    sidecar = tmp / "out.txt"
    t = time.monotonic()
    r = subprocess.run(
        [exe, "-l", "vie", "--jobs", str(workers), "--output-type", "pdf",
         "--sidecar", str(sidecar), str(src), str(dst)],
        capture_output=True,
        text=True,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
    )  # fmt: skip
    if r.returncode != 0:
        print("ocrmypdf failed:", r.stderr.strip().splitlines()[-1:], file=sys.stderr)
        return None
    elapsed = time.monotonic() - t
    return elapsed, sidecar.read_text(encoding="utf-8").split("\f")


def real_set(real_dir: Path, tmp: Path) -> BenchSet:
    """The real scanned PDFs of `real_dir`: copied for hoso, each page's own image for plain
    tesseract (`pdfimages -png`), all pages in one PDF for OCRmyPDF (`qpdf`)."""
    pdfs = sorted(real_dir.glob("*.pdf"))
    if not pdfs:
        raise SystemExit(f"{real_dir}: no PDF files")
    folder = tmp / "real" / "HS-REAL"
    folder.mkdir(parents=True, exist_ok=True)
    images = tmp / "real-images"
    images.mkdir(parents=True, exist_ok=True)
    pages: list[Path] = []
    for i, pdf in enumerate(pdfs):
        shutil.copy(pdf, folder / f"f{i:02d}.pdf")
        REAL_PDFS[f"f{i:02d}"] = folder / f"f{i:02d}.pdf"
        from pypdf import PdfReader

        for n in range(1, len(PdfReader(pdf).pages) + 1):
            # the page's largest image (a scan's page image; not a logo or a mask)
            out = images / f"f{i:02d}-p{n:03d}"
            subprocess.run(["pdfimages", "-png", "-f", str(n), "-l", str(n), str(pdf), str(out)],
                           check=True)  # fmt: skip
            found = sorted(images.glob(f"{out.name}-*.png"), key=lambda q: q.stat().st_size)
            if not found:
                raise SystemExit(f"{pdf}: page {n} has no image")
            found[-1].rename(out.with_suffix(".png"))
            for q in found[:-1]:
                q.unlink()
            pages.append(out.with_suffix(".png"))
    merged = tmp / "real-all.pdf"
    subprocess.run(["qpdf", "--empty", "--pages", *map(str, sorted(folder.iterdir())), "--",
                    str(merged)], check=True)  # fmt: skip
    return BenchSet("real", folder.parent, pages, merged, None)


@dataclass
class BenchSet:
    name: str
    hoso_folder: Path  # what `hoso ingest` is given
    pages: list[Path]  # one image a page, for plain tesseract (and --cpu)
    ocrmypdf_pdf: Path | None
    truth: list[str] | None  # the text of each page, when known


def _cpu() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime


def cpu_split(pages: list[Path], kind: str, tmp: Path) -> dict[str, float]:
    """CPU seconds a page (totals over the pages / their number), in this process, one page
    at a time, plain `tesseract` on `pages` (images) and hoso's page step on the same pages
    (`kind` "png", or "pdf" with `pages` as (pdf, page number) pairs) alternating page by
    page; the first page only warms up. hoso's CPU is split into Tesseract's (in-process,
    `ingest.engine.tesseract_cpu`) and the rest, hoso's own."""
    import cv2

    from ingest import engine
    from ingest.page import process_page

    os.environ["OMP_THREAD_LIMIT"] = "1"
    # One OpenCV thread, as in the page workers (`ingest.executor._worker_init`): with its
    # default pool (a thread a core) the same page step took 0.39-0.43 s of process CPU a
    # page against 0.31-0.35 s (office, 8 pages, 3 alternating rounds): the pool's overhead,
    # which the workers never pay, was counted as hoso's own CPU.
    cv2.setNumThreads(1)
    tmp.mkdir(parents=True, exist_ok=True)
    tasks = _tasks(pages, kind, tmp)
    process_page(tasks[0][1])
    raw = own = tess = 0.0
    for img, task in tasks[1:]:
        own0, kids0 = _cpu()
        subprocess.run(["tesseract", str(img), str(tmp / "raw"), "-l", "vie"],
                       check=True, capture_output=True)  # fmt: skip
        own1, kids1 = _cpu()
        t1 = engine.tesseract_cpu()
        res = process_page(task)
        own2, _ = _cpu()
        if res.error:
            raise SystemExit(f"{task.path} p{task.page_no}: {res.error}")
        t2 = engine.tesseract_cpu()
        raw += kids1 - kids0
        tess += t2 - t1
        own += (own2 - own1) - (t2 - t1)
    n = len(tasks) - 1
    return {
        "pages": n,
        "raw_tesseract_cpu_s": round(raw / n, 3),
        "hoso_own_cpu_s": round(own / n, 3),
        "hoso_tesseract_cpu_s": round(tess / n, 3),
        "cpu_ratio": round(raw / (own + tess), 3),
    }


def _tasks(pages: list[Path], kind: str, tmp: Path) -> list[tuple[Path, Any]]:
    from ingest.tasks import PageTask

    out = []
    if kind == "png":
        for p in pages:
            out.append((p, PageTask(str(p), p.stem, 1, "png", out_pdf=str(tmp / f"{p.stem}.pdf"))))
        return out
    # real: page images are named <file>-pNNN.png (see `real_set`)
    for p in pages:
        stem, num = p.stem.rsplit("-p", 1)
        page_no = int(num)
        out.append((p, PageTask(str(REAL_PDFS[stem]), f"{stem}#{page_no}", page_no, "pdf",
                                out_pdf=str(tmp / f"{p.stem}.pdf"))))  # fmt: skip
    return out


REAL_PDFS: dict[str, Path] = {}


def peak_memory(pdf_pages: int, workers: int, tmp: Path, page_png: Path) -> dict[str, float]:
    """Ingest one `pdf_pages`-page PDF and sample the RSS of every process in the tree."""
    folder = tmp / "big" / "HS-BIG"
    folder.mkdir(parents=True, exist_ok=True)
    img = Image.open(page_png).convert("L")
    frames = [img] * pdf_pages
    img.save(folder / "big.pdf", "PDF", save_all=True, append_images=frames[1:], resolution=300)
    archive = tmp / "big-archive"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ingest",
            "ingest",
            str(folder.parent),
            "--archive",
            str(archive),
            "--workers",
            str(workers),
            "--json",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    peaks: dict[str, float] = {"main": 0.0, "worker": 0.0, "tesseract": 0.0}
    stop = threading.Event()

    def sample() -> None:
        root = psutil.Process(proc.pid)
        while not stop.is_set():
            try:
                peaks["main"] = max(peaks["main"], root.memory_info().rss)
                for child in root.children(recursive=True):
                    name = "tesseract" if "tesseract" in child.name() else "worker"
                    peaks[name] = max(peaks[name], child.memory_info().rss)
            except psutil.Error:
                pass
            time.sleep(0.25)

    t0 = time.monotonic()
    th = threading.Thread(target=sample, daemon=True)
    th.start()
    proc.wait()
    stop.set()
    th.join()
    return {k: round(v / 2**20, 1) for k, v in peaks.items()} | {
        "pages": pdf_pages,
        "seconds": round(time.monotonic() - t0, 1),
    }


def _rev(tree: Path) -> str:
    """The commit a checkout is at, with "+changes" when its files differ from it."""

    def git(*args: str) -> str:
        r = subprocess.run(["git", "-C", str(tree), *args], capture_output=True, text=True)
        return r.stdout.strip()

    rev = git("rev-parse", "--short", "HEAD") or "?"
    return f"{rev}+changes" if git("status", "--porcelain", "--untracked-files=no") else rev


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def bench_set(bs: BenchSet, a: argparse.Namespace, tmp: Path) -> dict[str, object]:
    """The three readers on one set, alternating round by round; medians."""
    runners = ["tesseract", "hoso"] + ([] if a.no_ocrmypdf or not _ocrmypdf_exe() else ["ocrmypdf"])
    if a.compare:
        runners.append("compare")
    times: dict[str, list[float]] = {r: [] for r in runners}
    texts: dict[str, Any] = {}
    load_before = _load()
    for rnd in range(a.repeat):
        for r in runners[rnd % len(runners) :] + runners[: rnd % len(runners)]:
            if r == "tesseract":
                dt, texts[r] = run_tesseract(bs.pages, a.workers, tmp / "tess" / bs.name)
            elif r == "hoso":
                dt, texts[r] = run_hoso(bs.hoso_folder, a.workers, tmp / "arch" / bs.name)
            elif r == "compare":
                archive = tmp / "arch-compare" / bs.name
                dt, texts[r] = run_hoso(bs.hoso_folder, a.workers, archive, a.compare)
            else:
                assert bs.ocrmypdf_pdf is not None
                res = run_ocrmypdf(bs.ocrmypdf_pdf, a.workers, tmp / "ocrmypdf" / bs.name)
                if res is None:
                    continue
                dt, texts[r] = res
            times[r].append(dt)
    n = len(bs.pages)
    med = {r: statistics.median(t) for r, t in times.items() if t}
    row: dict[str, object] = {"pages": n, "load_before": load_before, "load_after": _load()}
    for r, m in med.items():
        row[f"{r}_pages_per_min"] = round(60 * n / m, 1)
    row["ratio_hoso_vs_tesseract"] = round(med["tesseract"] / med["hoso"], 3)
    if "compare" in med:
        row["ratio_compare_vs_tesseract"] = round(med["tesseract"] / med["compare"], 3)
    row["ratios_per_round"] = {
        r: [round(t / h, 3) for t, h in zip(times["tesseract"], times[r], strict=True)]
        for r in ("hoso", "compare")
        if r in times
    }
    if "ocrmypdf" in med:
        row["ratio_hoso_vs_ocrmypdf"] = round(med["ocrmypdf"] / med["hoso"], 3)
    if bs.truth is not None:
        truth = bs.truth
        row["tesseract_cer_pct"] = _cer_pct(truth, texts["tesseract"])
        row["hoso_cer_pct"] = _cer_pct(truth, [texts["hoso"].get(p.stem, "") for p in bs.pages])
        if "compare" in texts:
            row["compare_cer_pct"] = _cer_pct(
                truth, [texts["compare"].get(p.stem, "") for p in bs.pages]
            )
        if "ocrmypdf" in texts:
            row["ocrmypdf_cer_pct"] = _cer_pct(truth, texts["ocrmypdf"])
    row["seconds"] = {r: [round(x, 1) for x in t] for r, t in times.items()}
    return row


def _cer_pct(truth: list[str], texts: list[str]) -> float:
    return round(100 * statistics.mean(cer(t, h) for t, h in zip(truth, texts, strict=False)), 2)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--pages", type=int, default=16, help="bench pages per quality (0: no bench pages)"
    )
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--qualities", default="office,poor")
    ap.add_argument("--real", type=Path, help="a folder of real scanned PDFs, also benchmarked")
    ap.add_argument("--big", type=int, default=0, help="pages of the memory test PDF (0: skip)")
    ap.add_argument("--cpu", type=int, default=0, help="pages per set for the CPU split (0: skip)")
    ap.add_argument("--no-ocrmypdf", action="store_true")
    ap.add_argument(
        "--compare", type=Path, help="another hoso checkout, run in the same rounds (its code)"
    )
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    unknown = set(a.qualities.split(",")) - SEEDS.keys()
    if unknown:
        known = ", ".join(SEEDS)
        ap.error(f"unknown quality {', '.join(sorted(unknown))}: the bench pages are {known}")
    tmp = Path(tempfile.mkdtemp(prefix="hoso-bench-"))
    report: dict[str, object] = {"workers": a.workers, "repeat": a.repeat, "hoso": _rev(ROOT)}
    if a.compare:
        a.compare = a.compare.resolve()
        report["compare"] = _rev(a.compare)
    try:
        sets: list[BenchSet] = []
        if a.real:
            sets.append(real_set(a.real, tmp))
        for quality in a.qualities.split(","):
            seed = SEEDS[quality]  # by quality, so `--qualities poor` renders the same pages
            if a.pages or a.big:
                made = make_pages(tmp / quality / "HS-BENCH", max(a.pages, 1), quality, seed)
                pages = [p for p, _ in made]
                if a.pages:
                    pdf = images_pdf(pages, tmp / f"{quality}.pdf")
                    sets.append(BenchSet(quality, tmp / quality, pages, pdf, [t for _, t in made]))
            if a.cpu:  # the same pages (same seed), in a folder of their own
                own = make_pages(tmp / "cpu-pages" / quality, a.cpu + 1, quality, seed)
                split = cpu_split([p for p, _ in own], "png", tmp / "cpu" / quality)
                report[f"cpu_{quality}"] = split
                print(f"cpu {quality}", json.dumps(split), file=sys.stderr)
        if a.real and a.cpu:
            real = sets[0]
            report["cpu_real"] = split = cpu_split(
                real.pages[: a.cpu + 1], "pdf", tmp / "cpu" / "real"
            )
            print("cpu real", json.dumps(split), file=sys.stderr)
        for bs in sets:
            report[bs.name] = row = bench_set(bs, a, tmp)
            print(bs.name, json.dumps(row), file=sys.stderr)
        if a.big:
            first = sorted((tmp / a.qualities.split(",")[0] / "HS-BENCH").glob("*.png"))[0]
            report["memory_mib"] = peak_memory(a.big, a.workers, tmp, first)
            print("memory", json.dumps(report["memory_mib"]), file=sys.stderr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

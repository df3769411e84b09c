"""Benchmark: hoso's pipeline against raw `tesseract` (and OCRmyPDF) on the same pages.

Same pages, same number of processes, in the same run; reports pages/minute, the ratio
hoso / raw tesseract (median of the repeats), character error rate of each against the
ground truth by quality, and peak memory per worker on a 300+ page PDF. With --cpu N, also
the CPU time a page costs (getrusage, one process, N pages per quality after one warm-up
page): raw tesseract, and hoso's page step split into its own Python work and the Tesseract
processes it starts. On a machine whose cores are all busy, CPU per page is what sets
throughput, so that split shows where the ratio goes, without the wall-clock noise.

    .venv/bin/python scripts/bench_ingest.py --pages 16 --repeat 3 --big 320
    .venv/bin/python scripts/bench_ingest.py --pages 0 --cpu 12       # only the CPU split
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
from pathlib import Path

import numpy as np
import psutil
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.quality import cer  # noqa: E402
from samplegen import degrade, layout, make_cases, render_layout  # noqa: E402


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


def run_hoso(folder: Path, workers: int, archive: Path) -> tuple[float, dict[str, str]]:
    shutil.rmtree(archive, ignore_errors=True)
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


def run_ocrmypdf(pages: list[Path], workers: int, tmp: Path) -> tuple[float, list[str]] | None:
    if shutil.which("ocrmypdf") is None and not (Path(sys.executable).parent / "ocrmypdf").exists():
        return None
    exe = shutil.which("ocrmypdf") or str(Path(sys.executable).parent / "ocrmypdf")
    tmp.mkdir(parents=True, exist_ok=True)
    src = tmp / "in.pdf"
    imgs = [Image.open(p) for p in pages]
    imgs[0].save(src, "PDF", save_all=True, append_images=imgs[1:], resolution=300)
    dst = tmp / "out.pdf"
    sidecar = tmp / "out.txt"
    t = time.monotonic()
    r = subprocess.run(
        [
            exe,
            "-l",
            "vie",
            "--jobs",
            str(workers),
            "--output-type",
            "pdf",
            "--sidecar",
            str(sidecar),
            str(src),
            str(dst),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
    )
    if r.returncode != 0:
        print("ocrmypdf failed:", r.stderr.strip().splitlines()[-1:], file=sys.stderr)
        return None
    elapsed = time.monotonic() - t
    return elapsed, sidecar.read_text(encoding="utf-8").split("\f")


def _cpu() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime


def cpu_split(pages: list[Path], tmp: Path) -> dict[str, float]:
    """CPU seconds a page (totals over the pages / their number), in this process, one page
    at a time, raw `tesseract` and hoso's page step (own / Tesseract) alternating page by
    page so that the machine's noise hits both alike; the first page only warms up."""
    from ingest.page import process_page
    from ingest.tasks import PageTask

    os.environ["OMP_THREAD_LIMIT"] = "1"
    out = tmp
    out.mkdir(parents=True, exist_ok=True)
    warm, pages = pages[0], pages[1:]
    process_page(PageTask(str(warm), "warm", 1, "png", out_pdf=str(out / "warm.pdf")))
    raw = own = tess = 0.0
    for p in pages:
        own0, kids0 = _cpu()
        subprocess.run(["tesseract", str(p), str(out / p.stem), "-l", "vie"],
                       check=True, capture_output=True)  # fmt: skip
        own1, kids1 = _cpu()
        res = process_page(PageTask(str(p), p.stem, 1, "png", out_pdf=str(out / f"{p.stem}.pdf")))
        own2, kids2 = _cpu()
        if res.error:
            raise SystemExit(f"{p}: {res.error}")
        raw += kids1 - kids0
        own += own2 - own1
        tess += kids2 - kids1
    n = len(pages)
    return {
        "pages": n,
        "raw_tesseract_cpu_s": round(raw / n, 3),
        "hoso_own_cpu_s": round(own / n, 3),
        "hoso_tesseract_cpu_s": round(tess / n, 3),
        "cpu_ratio": round(raw / (own + tess), 3),
    }


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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--pages", type=int, default=16, help="pages per quality (0: no speed comparison)"
    )
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--qualities", default="office,poor")
    ap.add_argument("--big", type=int, default=0, help="pages of the memory test PDF (0: skip)")
    ap.add_argument(
        "--cpu", type=int, default=0, help="pages per quality for the CPU split (0: skip)"
    )
    ap.add_argument("--no-ocrmypdf", action="store_true")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="hoso-bench-"))
    report: dict[str, object] = {"workers": a.workers, "pages_per_quality": a.pages}
    try:
        for qi, quality in enumerate(a.qualities.split(",")):
            if a.cpu:  # the same pages (same seed), in a folder of their own
                own = make_pages(tmp / "cpu-pages" / quality, a.cpu + 1, quality, seed=11 + qi)
                split = cpu_split([p for p, _ in own], tmp / "cpu-out" / quality)
                report[f"cpu_{quality}"] = split
                print(f"cpu {quality}", json.dumps(split), file=sys.stderr)
            made = make_pages(
                tmp / quality / "HS-BENCH", max(a.pages, 1 if a.big else 0), quality, seed=11 + qi
            )
            if not a.pages:
                continue
            paths = [p for p, _ in made]
            truth = [t for _, t in made]
            tess_t, hoso_t = [], []
            tess_texts: list[str] = []
            hoso_texts: dict[str, str] = {}
            for _ in range(a.repeat):  # alternate, so machine noise hits both alike
                dt, tess_texts = run_tesseract(paths, a.workers, tmp / "tess" / quality)
                tess_t.append(dt)
                dt, hoso_texts = run_hoso(tmp / quality, a.workers, tmp / "arch" / quality)
                hoso_t.append(dt)
            n = len(paths)
            row: dict[str, object] = {
                "tesseract_pages_per_min": round(60 * n / statistics.median(tess_t), 1),
                "hoso_pages_per_min": round(60 * n / statistics.median(hoso_t), 1),
                "ratio_hoso_vs_tesseract": round(
                    statistics.median(tess_t) / statistics.median(hoso_t), 3
                ),
                "tesseract_cer_pct": round(
                    100
                    * statistics.mean(cer(t, h) for t, h in zip(truth, tess_texts, strict=True)),
                    2,
                ),
                "hoso_cer_pct": round(
                    100 * statistics.mean(cer(t, hoso_texts.get(p.stem, "")) for p, t in made), 2
                ),
                "tesseract_seconds": [round(x, 1) for x in tess_t],
                "hoso_seconds": [round(x, 1) for x in hoso_t],
            }
            if not a.no_ocrmypdf:
                res = run_ocrmypdf(paths, a.workers, tmp / f"ocrmypdf-{quality}")
                if res is not None:
                    dt, texts = res
                    row["ocrmypdf_pages_per_min"] = round(60 * n / dt, 1)
                    row["ocrmypdf_cer_pct"] = round(
                        100
                        * statistics.mean(cer(t, h) for t, h in zip(truth, texts, strict=False)),
                        2,
                    )
            report[quality] = row
            print(quality, json.dumps(row), file=sys.stderr)
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

"""Score OCR: CER of the real page step (`ingest.page.process_page`) on sample pages.

Sets (any number, each generated once into --dir and reused on later runs):
  --bench SEED     the bench pages of `scripts/bench_ingest.py` (`make_pages`), per quality
  --archive SEED   a samplegen archive (`scripts/make-samples DIR --seed SEED`), its scans;
                   add --quick for `--quick` archives

Prints mean page CER and aggregate CER (edits / reference characters) per set and quality;
with --errors, the error breakdown by kind and the most frequent aligned word errors.

    scripts/score-ocr --bench 12 --qualities poor --dir /tmp/cer-sets --errors 20
    scripts/score-ocr --archive 8 --dir /tmp/cer-sets --json

Real scans with hand-made truth (`scripts/score_real.py`): hoso against plain Tesseract,
CER and order-free word errors per page and in aggregate:

    scripts/score-ocr --real ../shared/realscans/qngai --truth benchmarks/realscans/truth
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import shutil
import statistics
import sys
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Collection
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.page import process_page  # noqa: E402
from ingest.quality import cer, fold_for_cer  # noqa: E402
from ingest.tasks import PageTask  # noqa: E402
from schemas.normalize import TONE_MARKS  # noqa: E402


@dataclass
class Page:
    set_name: str
    quality: str
    path: str
    page_no: int
    kind: str
    truth: str
    text: str = ""
    error: str | None = None


@dataclass
class Score:
    pages: list[Page] = field(default_factory=list)

    def page_cers(self) -> list[float]:
        return [cer(p.truth, p.text) for p in self.pages]

    def summary(self) -> dict[str, Any]:
        edits = sum(
            Levenshtein.distance(fold_for_cer(p.truth), fold_for_cer(p.text)) for p in self.pages
        )
        chars = sum(len(fold_for_cer(p.truth)) for p in self.pages)
        cers = self.page_cers()
        return {
            "pages": len(self.pages),
            "mean_page_cer_pct": round(100 * statistics.mean(cers), 3) if cers else None,
            "aggregate_cer_pct": round(100 * edits / chars, 3) if chars else None,
            "worst_page_cer_pct": round(100 * max(cers), 2) if cers else None,
            "edits": edits,
            "chars": chars,
            "failed": sum(1 for p in self.pages if p.error),
        }


# --- sets ---------------------------------------------------------------------------------


def bench_pages(root: Path, seed: int, count: int, quality: str) -> list[Page]:
    """`make_pages(folder, count, quality, seed)`, generated once per folder."""
    folder = root / f"bench-{quality}-s{seed}-n{count}"
    truth_file = folder / "truth.json"
    if not truth_file.exists():
        from bench_ingest import make_pages  # scripts/ is on sys.path (this file's folder)

        made = make_pages(folder / "pages", count, quality, seed)
        truth = {p.name: t for p, t in made}
        truth_file.write_text(json.dumps(truth, ensure_ascii=False), encoding="utf-8")
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    name = f"bench{seed}"
    return [
        Page(name, quality, str(folder / "pages" / fn), 1, "png", text)
        for fn, text in sorted(truth.items())
    ]


def archive_pages(root: Path, seed: int, quick: bool) -> list[Page]:
    """The scanned pages of a samplegen archive, generated once per folder."""
    from samplegen import TRUTH_FILE, generate

    folder = root / f"archive-s{seed}{'q' if quick else ''}"
    if not (folder / TRUTH_FILE).exists():
        shutil.rmtree(folder, ignore_errors=True)
        generate(folder, seed=seed, quick=quick)
    truth = json.loads((folder / TRUTH_FILE).read_text(encoding="utf-8"))
    name = f"archive{seed}{'q' if quick else ''}"
    out = []
    for rel, f in sorted(truth["files"].items()):
        if f["kind"] != "scan":
            continue
        for pg in f["pages"]:
            out.append(
                Page(name, pg["quality"], str(folder / rel), pg["page_no"], f["format"], pg["text"])
            )
    return out


# --- running the page step ----------------------------------------------------------------


def _task(p: Page) -> PageTask:
    sha = hashlib.sha256(p.path.encode()).hexdigest()
    return PageTask(p.path, sha, p.page_no, p.kind, out_pdf=None)


def run(pages: list[Page], workers: int) -> None:
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for p, r in zip(pages, pool.map(process_page, map(_task, pages)), strict=True):
            p.text, p.error = r.text, r.error


# --- errors -------------------------------------------------------------------------------


def _strip(word: str, marks: Collection[str]) -> str:
    nfd = unicodedata.normalize("NFD", word)
    return unicodedata.normalize("NFC", "".join(c for c in nfd if c not in marks))


def _no_marks(word: str) -> str:
    nfd = unicodedata.normalize("NFD", word.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in nfd if not unicodedata.combining(c))


def error_kind(ref: str, hyp: str) -> str:
    """What kind of misreading turns `ref` into `hyp` (two words, or phrases)."""
    if not ref:
        return "inserted"
    if not hyp:
        return "deleted"
    if " " in ref or " " in hyp:
        return "split/joined words"
    if ref.lower() == hyp.lower():
        return "case"
    if _strip(ref, TONE_MARKS) == _strip(hyp, TONE_MARKS):
        return "tone mark"
    if _no_marks(ref) == _no_marks(hyp):
        return "vowel mark or đ"
    if _no_marks(ref).lower() == _no_marks(hyp).lower():
        return "case and marks"
    if "".join(filter(str.isalnum, ref)) == "".join(filter(str.isalnum, hyp)):
        return "punctuation"
    return "other letters"


def word_errors(pages: list[Page]) -> list[tuple[str, str, int]]:
    """(reference words, OCR words, character edits) for every difference, aligned by word."""
    out = []
    for p in pages:
        ref, hyp = fold_for_cer(p.truth).split(" "), fold_for_cer(p.text).split(" ")
        sm = difflib.SequenceMatcher(a=ref, b=hyp, autojunk=False)
        for op, i1, i2, j1, j2 in sm.get_opcodes():
            if op == "equal":
                continue
            if op == "replace" and i2 - i1 == j2 - j1:
                pairs = list(zip(ref[i1:i2], hyp[j1:j2], strict=True))
            else:
                pairs = [(" ".join(ref[i1:i2]), " ".join(hyp[j1:j2]))]
            for r, h in pairs:
                out.append((r, h, Levenshtein.distance(r, h) or 1))
    return out


def breakdown(pages: list[Page], top: int) -> dict[str, Any]:
    errs = word_errors(pages)
    kinds: Counter[str] = Counter()
    for r, h, d in errs:
        kinds[error_kind(r, h)] += d
    pairs = Counter((r, h) for r, h, _ in errs)
    return {
        "edits_by_kind": dict(kinds.most_common()),
        "top_pairs": [[r, h, n] for (r, h), n in pairs.most_common(top)],
    }


# --- main ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bench", type=int, action="append", default=[], metavar="SEED")
    ap.add_argument("--count", type=int, default=24, help="bench pages per quality (24)")
    ap.add_argument("--archive", type=int, action="append", default=[], metavar="SEED")
    ap.add_argument("--quick", action="store_true", help="archives made with --quick")
    ap.add_argument("--qualities", default="office,poor", help="comma list (office,poor)")
    ap.add_argument("--pages", type=int, default=0, help="at most N pages per set and quality")
    ap.add_argument("--dir", type=Path, help="where sets are generated and reused")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--errors", type=int, nargs="?", const=25, default=0, metavar="TOP")
    ap.add_argument("--dump", type=Path, metavar="DIR",
                    help="write each page's OCR text and truth there, worst pages first in "
                    "DIR/index.tsv")  # fmt: skip
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--real", type=Path, metavar="DIR", help="folder of real scanned PDFs")
    ap.add_argument("--truth", type=Path, metavar="DIR", help="their truth: <stem>-p<N>.txt")
    ap.add_argument("--readers", default="hoso,plain",
                    help="with --real: hoso, plain or both (hoso,plain)")  # fmt: skip
    ap.add_argument("--only", metavar="REGEX", help="with --real: pages whose name matches")
    a = ap.parse_args(argv)
    if a.real or a.truth:
        if not (a.real and a.truth):
            ap.error("--real and --truth go together")
        readers = [r for r in a.readers.split(",") if r]
        if not readers or set(readers) - {"hoso", "plain"}:
            ap.error("--readers takes hoso, plain or hoso,plain")
        from score_real import main_real

        code = main_real(
            a.real, a.truth, readers=readers, workers=a.workers, cache=a.dir, only=a.only,
            as_json=a.json, dump_dir=a.dump,
        )  # fmt: skip
        if not (a.bench or a.archive):
            return code
    if not a.bench and not a.archive:
        ap.error("give at least one --bench SEED or --archive SEED")
    qualities = [q for q in a.qualities.split(",") if q]
    root = a.dir or Path(tempfile.mkdtemp(prefix="cer-score-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        pages = collect(a, root, qualities)
        run(pages, a.workers)
    finally:
        if a.dir is None:
            shutil.rmtree(root, ignore_errors=True)
    report = build_report(pages, a.errors)
    if a.dump:
        dump(pages, a.dump)
    if a.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print_report(report)
    return 0


def dump(pages: list[Page], out: Path) -> None:
    """Per page: NAME.ocr.txt and NAME.truth.txt; index.tsv lists CER, name, source."""
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for p in pages:
        name = f"{p.set_name}-{p.quality}-{Path(p.path).stem}-p{p.page_no}"
        (out / f"{name}.ocr.txt").write_text(p.text + "\n", encoding="utf-8")
        (out / f"{name}.truth.txt").write_text(p.truth + "\n", encoding="utf-8")
        rows.append((cer(p.truth, p.text), name, f"{p.path}#{p.page_no}"))
    rows.sort(reverse=True)
    lines = [f"{100 * c:.2f}\t{n}\t{src}" for c, n, src in rows]
    (out / "index.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def collect(a: argparse.Namespace, root: Path, qualities: list[str]) -> list[Page]:
    pages: list[Page] = []
    for seed in a.bench:
        for q in qualities:
            pages += bench_pages(root, seed, a.count, q)[: a.pages or None]
    for seed in a.archive:
        got = archive_pages(root, seed, a.quick)
        for q in qualities:
            pages += [p for p in got if p.quality == q][: a.pages or None]
    return pages


def build_report(pages: list[Page], top: int) -> dict[str, Any]:
    groups: dict[str, dict[str, Score]] = {}
    for p in pages:
        groups.setdefault(p.set_name, {}).setdefault(p.quality, Score()).pages.append(p)
    report: dict[str, Any] = {"sets": {}}
    for name, by_q in groups.items():
        report["sets"][name] = {q: s.summary() for q, s in by_q.items()}
    if top:
        by_quality: dict[str, list[Page]] = {}
        for p in pages:
            by_quality.setdefault(p.quality, []).append(p)
        report["errors"] = {q: breakdown(ps, top) for q, ps in by_quality.items()}
    report["failed"] = [f"{p.path}#{p.page_no}: {p.error}" for p in pages if p.error]
    return report


def print_report(report: dict[str, Any]) -> None:
    for name, by_q in report["sets"].items():
        for q, s in by_q.items():
            print(
                f"{name:12} {q:7} pages {s['pages']:3}  mean page CER {s['mean_page_cer_pct']:.3f}%"
                f"  aggregate {s['aggregate_cer_pct']:.3f}%  worst {s['worst_page_cer_pct']:.2f}%"
                f"  ({s['edits']} edits / {s['chars']} chars)"
            )
    for q, e in report.get("errors", {}).items():
        kinds = json.dumps(e["edits_by_kind"], ensure_ascii=False)
        print(f"\n{q}: character edits by kind: {kinds}")
        for r, h, n in e["top_pairs"]:
            print(f"  {n:3}  {r!r} -> {h!r}")
    for line in report["failed"]:
        print("FAILED", line)


if __name__ == "__main__":
    sys.exit(main())

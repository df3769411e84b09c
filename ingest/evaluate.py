"""Scoring extraction against a labelled set: precision, recall and F1 per field.

A labelled set is a folder of `NNN.txt` (the text; form feeds separate pages) and `NNN.json`
labels: {"doc_type", "own_number", "numbers": [as written], "dates": [ISO], "issuer",
"parties": [{"name", "role"}], "amounts_vnd": [int]}. Numbers are compared by
`number_key` (spaces, dash and Đ/D do not matter), issuers by their folded canonical name,
party names after NFC with the role exact. Single-valued fields count a wrong value as one
false positive and one false negative. `evaluate_ocr` renders the same texts as degraded
scans (samplegen) and OCRs them with the page step, to measure what OCR costs.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.extract import extract_pages, extract_text
from ingest.extract.issuers import issuer_key
from schemas import Document
from search.normalize import number_key

FIELDS = ("doc_type", "own_number", "numbers", "dates", "issuer", "parties", "amounts_vnd")


@dataclass(frozen=True)
class Labelled:
    name: str  # "001"
    text: str
    label: dict[str, Any]


@dataclass
class FieldScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass
class Report:
    n_docs: int = 0
    fields: dict[str, FieldScore] = field(default_factory=lambda: {f: FieldScore() for f in FIELDS})
    errors: list[dict[str, Any]] = field(default_factory=list)  # per document, per field

    def as_dict(self, *, details: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "n_docs": self.n_docs,
            "fields": {name: s.as_dict() for name, s in self.fields.items()},
        }
        if details:
            out["errors"] = self.errors
        return out


def load_labelled(folder: Path) -> list[Labelled]:
    """Every NNN.txt with its NNN.json in `folder`, in name order."""
    out: list[Labelled] = []
    for txt in sorted(Path(folder).glob("*.txt")):
        label_path = txt.with_suffix(".json")
        if not label_path.exists():
            continue
        out.append(
            Labelled(
                txt.stem,
                txt.read_text(encoding="utf-8"),
                json.loads(label_path.read_text(encoding="utf-8")),
            )
        )
    return out


def _nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s).strip()


def _keys(name: str, values: Iterable[Any]) -> set[Hashable]:
    if name in ("numbers", "own_number"):
        return {number_key(v) for v in values if v}
    if name == "issuer":
        return {issuer_key(v) for v in values if v}
    if name == "parties":
        return {(_nfc(p["name"]), p["role"]) for p in values}
    if name == "amounts_vnd":
        return {int(v) for v in values}
    return {v for v in values if v}


def predicted_fields(docs: list[Document]) -> dict[str, Any]:
    """The label-shaped view of what was extracted from one labelled text.

    A labelled text is one document; if segmentation split it, single-valued fields come
    from the first part and lists are the union of all parts.
    """
    first = docs[0] if docs else Document(pages=[1, 1])
    return {
        "doc_type": first.doc_type,
        "own_number": first.own_number,
        "numbers": [n.text for d in docs for n in d.numbers],
        "dates": [x for d in docs for x in d.dates],
        "issuer": first.issuer,
        "parties": [{"name": p.name, "role": p.role} for d in docs for p in d.parties],
        "amounts_vnd": [a for d in docs for a in d.amounts_vnd],
    }


def score_one(report: Report, name: str, label: dict[str, Any], pred: dict[str, Any]) -> None:
    """Add one document's comparison to `report`."""
    report.n_docs += 1
    for f in FIELDS:
        if f not in label:
            continue
        gold_v, pred_v = label[f], pred.get(f)
        single = f in ("doc_type", "own_number", "issuer")
        gold = _keys(f, [gold_v] if single else gold_v or [])
        got = _keys(f, [pred_v] if single else pred_v or [])
        s = report.fields[f]
        s.tp += len(gold & got)
        s.fp += len(got - gold)
        s.fn += len(gold - got)
        if gold != got:
            report.errors.append(
                {
                    "doc": name,
                    "field": f,
                    "missing": sorted(map(str, gold - got)),
                    "extra": sorted(map(str, got - gold)),
                }
            )


def evaluate(
    items: list[Labelled], extract: Callable[[str], list[Document]] = extract_text
) -> Report:
    """Score `extract` on labelled items."""
    report = Report()
    for item in items:
        score_one(report, item.name, item.label, predicted_fields(extract(item.text)))
    return report


def evaluate_dir(folder: Path) -> Report:
    return evaluate(load_labelled(folder))


# -- the same labelled texts as degraded scans, OCR'd by the page step ----------------------
def _blocks(text: str) -> list[Any]:
    """samplegen blocks for one page group: two-column header lines become Rows."""
    import re as _re

    from samplegen.render import Line, Para, Row

    blocks: list[Any] = []
    left: list[Any] = []
    right: list[Any] = []

    def flush() -> None:
        if left or right:
            blocks.append(Row(tuple(left), tuple(right)))
            left.clear()
            right.clear()

    for line in text.split("\n"):
        parts = _re.split(r"\s{3,}", line.strip())
        if len(parts) == 2 and line.strip():
            left.append(Line(parts[0], align="center", style="bold"))
            right.append(Line(parts[1], align="center", style="bold"))
            continue
        flush()
        if not line.strip():
            continue
        if len(line) < 70:
            blocks.append(Line(line.strip()))
        else:
            blocks.append(Para(line.strip(), first_indent=0.0))
    flush()
    return blocks


def render_scans(text: str, quality: str, seed: int, dpi: int = 300) -> list[Any]:
    """The labelled text as degraded page images (numpy, grey), one per rendered page."""
    import numpy as np

    from samplegen import degrade, layout, render_layout

    rng = np.random.default_rng(seed)
    images = []
    for group in text.split("\f"):
        for page in layout(_blocks(group)):
            images.append(degrade(render_layout(page, dpi), quality, rng))
    return images


def ocr_pages(text: str, workdir: Path, quality: str = "office", seed: int = 0) -> list[Any]:
    """Render `text` as scans in `workdir` and return the page step's tasks for them."""
    from PIL import Image

    from ingest.tasks import PageTask

    tasks = []
    for i, img in enumerate(render_scans(text, quality, seed), start=1):
        path = workdir / f"page-{i:03d}.png"
        Image.fromarray(img).save(path, dpi=(300, 300))
        tasks.append(PageTask(str(path), f"{seed:064d}", 1, "png", out_pdf=None))
    return tasks


def evaluate_ocr(
    items: list[Labelled], workdir: Path, quality: str = "office", workers: int = 2
) -> Report:
    """Score extraction on the labelled texts rendered as `quality` scans and OCR'd."""
    from concurrent.futures import ProcessPoolExecutor

    from ingest.page import process_page

    jobs: list[tuple[Labelled, list[Any]]] = []
    for n, item in enumerate(items):
        folder = workdir / item.name
        folder.mkdir(parents=True, exist_ok=True)
        jobs.append((item, ocr_pages(item.text, folder, quality, seed=n)))
    flat = [t for _, ts in jobs for t in ts]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = iter(list(pool.map(process_page, flat)))
    report = Report()
    for item, tasks in jobs:
        pages = [(i, next(results).text) for i in range(1, len(tasks) + 1)]
        score_one(report, item.name, item.label, predicted_fields(extract_pages(pages)))
    return report

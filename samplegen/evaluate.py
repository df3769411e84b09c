"""Scoring extraction against a labelled set: precision, recall and F1 per field and type.

A labelled set is a folder of `ID.txt` (the text; form feeds separate pages) and `ID.json`
labels, in the format `schemas/LABELS.md` describes (v2: typed dates, the document's own
`date`, representatives with `represents`, `category`). Labels of the older form (the
self-written set: `dates` as plain ISO strings) are scored as before, against every date
found, whatever its kind.

Fields scored (`FIELDS`): doc_type, own_number, date (the document's own), numbers (by
`number_form`: spaces, dash and Đ/D do not matter), dates (v2: the (date, kind) pairs of
kinds document and cited), dates_hearing / dates_event / dates_other (apart), issuer (by
its folded canonical name), parties (NFC name + role; dashes – and - alike), party_names
(NFC name), represents ((representative, party represented) pairs), amounts_vnd.
Single-valued fields count a wrong value as one false positive and one false negative.
Every field is also totalled per document type and per category of the label.
`evaluate_ocr` renders the same texts as degraded scans (samplegen) and OCRs them with the
page step, to measure what OCR costs.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.extract import extract_pages, extract_text
from ingest.extract.issuers import issuer_key
from schemas import Document
from schemas.numbers import number_form

FIELDS = (
    "doc_type",
    "own_number",
    "date",
    "numbers",
    "dates",
    "dates_hearing",
    "dates_event",
    "dates_other",
    "issuer",
    "parties",
    "party_names",
    "represents",
    "amounts_vnd",
)
SINGLE = ("doc_type", "own_number", "date", "issuer")
# The date kinds that make up the "dates" field; the others are scored one field each.
DOCUMENT_DATE_KINDS = ("document", "cited")
OTHER_DATE_KINDS = ("hearing", "event", "other")


@dataclass(frozen=True)
class Labelled:
    name: str  # "001", "j014"
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

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.fn

    def add(self, tp: int, fp: int, fn: int) -> None:
        self.tp, self.fp, self.fn = self.tp + tp, self.fp + fp, self.fn + fn

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


def _scores() -> dict[str, FieldScore]:
    return {f: FieldScore() for f in FIELDS}


@dataclass
class Report:
    n_docs: int = 0
    fields: dict[str, FieldScore] = field(default_factory=_scores)
    by_type: dict[str, dict[str, FieldScore]] = field(default_factory=dict)
    by_category: dict[str, dict[str, FieldScore]] = field(default_factory=dict)
    docs_by_type: dict[str, int] = field(default_factory=dict)
    docs_by_category: dict[str, int] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)  # per document, per field

    def as_dict(self, *, details: bool = False) -> dict[str, Any]:
        def table(groups: dict[str, dict[str, FieldScore]], n: dict[str, int]) -> dict[str, Any]:
            return {
                g: {
                    "n_docs": n[g],
                    "fields": {f: s.as_dict() for f, s in scores.items() if s.n},
                }
                for g, scores in sorted(groups.items())
            }

        out: dict[str, Any] = {
            "n_docs": self.n_docs,
            "fields": {name: s.as_dict() for name, s in self.fields.items()},
            "by_doc_type": table(self.by_type, self.docs_by_type),
            "by_category": table(self.by_category, self.docs_by_category),
        }
        if details:
            out["errors"] = self.errors
        return out


def load_labelled(folder: Path, ids: str | None = None) -> list[Labelled]:
    """Every ID.txt with its ID.json in `folder`, in name order; `ids`: a regular
    expression the names must contain a match of (`re.search`)."""
    out: list[Labelled] = []
    pattern = re.compile(ids) if ids else None
    for txt in sorted(Path(folder).glob("*.txt")):
        label_path = txt.with_suffix(".json")
        if not label_path.exists() or (pattern and not pattern.search(txt.stem)):
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
    """A name for comparison: NFC, one space between words, one kind of dash."""
    return " ".join(unicodedata.normalize("NFC", s).split()).replace("–", "-").replace("—", "-")


def _keys(name: str, values: Iterable[Any]) -> set[Hashable]:
    if name in ("numbers", "own_number"):
        return {number_form(v) for v in values if v}
    if name == "issuer":
        return {issuer_key(v) for v in values if v}
    if name == "parties":
        return {(_nfc(p["name"]), p["role"]) for p in values}
    if name == "party_names":
        return {_nfc(p["name"]) for p in values}
    if name == "represents":
        return {(_nfc(p["name"]), _nfc(r)) for p in values for r in p.get("represents") or []}
    if name == "amounts_vnd":
        return {int(v) for v in values}
    return {v for v in values if v}


def _typed(dates: list[Any]) -> bool:
    return any(isinstance(d, dict) for d in dates)


def label_fields(label: dict[str, Any]) -> dict[str, Any]:
    """The scored fields a label defines (a field it lacks is not scored)."""
    plain = ("doc_type", "own_number", "date", "numbers", "issuer", "amounts_vnd")
    out = {f: label[f] for f in plain if f in label}
    dates = label.get("dates")
    if "parties" in label:
        out["parties"] = out["party_names"] = label["parties"]
        if "category" in label or _typed(dates or []):  # v2 labels say whom each represents
            out["represents"] = label["parties"]
    if dates is not None:
        if _typed(dates):
            out["dates"] = [
                (d["date"], d["kind"]) for d in dates if d["kind"] in DOCUMENT_DATE_KINDS
            ]
            for kind in OTHER_DATE_KINDS:
                out[f"dates_{kind}"] = [d["date"] for d in dates if d["kind"] == kind]
        else:
            out["dates"] = list(dates)
    return out


def predicted_fields(docs: list[Document], *, typed: bool = True) -> dict[str, Any]:
    """The label-shaped view of what was extracted from one labelled text.

    A labelled text is one document; if segmentation split it, single-valued fields come
    from the first part and lists are the union of all parts. `typed=False` gives `dates`
    as plain ISO strings of every kind (for labels of the older form).
    """
    first = docs[0] if docs else Document(pages=[1, 1])
    dates = [x for d in docs for x in d.dates]
    out: dict[str, Any] = {
        "doc_type": first.doc_type,
        "own_number": first.own_number,
        "date": first.date,
        "numbers": [n.text for d in docs for n in d.numbers],
        "issuer": first.issuer,
        "parties": [p.model_dump() for d in docs for p in d.parties],
        "amounts_vnd": [a for d in docs for a in d.amounts_vnd],
    }
    out["party_names"] = out["represents"] = out["parties"]
    if typed:
        out["dates"] = [(x.date, x.kind) for x in dates if x.kind in DOCUMENT_DATE_KINDS]
        for kind in OTHER_DATE_KINDS:
            out[f"dates_{kind}"] = [x.date for x in dates if x.kind == kind]
    else:
        out["dates"] = [x.date for x in dates]
    return out


def score_one(report: Report, name: str, label: dict[str, Any], pred: dict[str, Any]) -> None:
    """Add one document's comparison to `report` (overall, per doc type, per category).

    `label` is a label file's content; `pred` is `predicted_fields` (or a dict of the same
    shape). Fields the label lacks are not scored."""
    report.n_docs += 1
    gold_fields = label_fields(label)
    groups = []
    for key, table, counts in (
        ("doc_type", report.by_type, report.docs_by_type),
        ("category", report.by_category, report.docs_by_category),
    ):
        group = str(label.get(key) or "-")
        counts[group] = counts.get(group, 0) + 1
        groups.append(table.setdefault(group, _scores()))
    for f in FIELDS:
        if f not in gold_fields:
            continue
        gold_v, pred_v = gold_fields[f], pred.get(f)
        single = f in SINGLE
        gold = _keys(f, [gold_v] if single else gold_v or [])
        got = _keys(f, [pred_v] if single else pred_v or [])
        counts3 = (len(gold & got), len(got - gold), len(gold - got))
        for scores in (report.fields, *groups):
            scores[f].add(*counts3)
        if gold != got:
            report.errors.append(
                {
                    "doc": name,
                    "field": f,
                    "missing": sorted(map(str, gold - got)),
                    "extra": sorted(map(str, got - gold)),
                }
            )


def _predict(label: dict[str, Any], docs: list[Document]) -> dict[str, Any]:
    return predicted_fields(docs, typed=_typed(label.get("dates") or []))


def evaluate(
    items: list[Labelled], extract: Callable[[str], list[Document]] = extract_text
) -> Report:
    """Score `extract` on labelled items."""
    report = Report()
    for item in items:
        score_one(report, item.name, item.label, _predict(item.label, extract(item.text)))
    return report


def evaluate_dir(folder: Path, ids: str | None = None) -> Report:
    return evaluate(load_labelled(folder, ids))


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
    items: list[Labelled],
    workdir: Path,
    quality: str = "office",
    workers: int = 2,
    keep: Path | None = None,
) -> Report:
    """Score extraction on the labelled texts rendered as `quality` scans and OCR'd.

    `keep`: a folder to write each OCR'd text (pages separated by form feeds) with its label,
    a labelled set of its own that `evaluate_dir` scores again without OCR."""
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
        score_one(report, item.name, item.label, _predict(item.label, extract_pages(pages)))
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            (keep / f"{item.name}.txt").write_text("\f".join(t for _, t in pages), "utf-8")
            label = json.dumps(item.label, ensure_ascii=False, indent=1)
            (keep / f"{item.name}.json").write_text(label + "\n", "utf-8")
    return report

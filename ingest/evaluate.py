"""Scoring extraction against a labelled set: precision, recall and F1 per field.

A labelled set is a folder of `NNN.txt` (the text; form feeds separate pages) and `NNN.json`
labels: {"doc_type", "own_number", "numbers": [as written], "dates": [ISO], "issuer",
"parties": [{"name", "role"}], "amounts_vnd": [int]}. Numbers are compared by
`number_key` (spaces, dash and Đ/D do not matter), issuers by their folded canonical name,
party names after NFC with the role exact. Single-valued fields count a wrong value as one
false positive and one false negative. This module scores; it does not extract or OCR.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.extract import extract_text
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

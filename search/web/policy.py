"""The public-disclosure policy: the ONE place that decides what the public side may show.

DOMAIN.md §7: Luật THADS Điều 44a publishes the debtor (người phải thi hành án) of a decision
that the case "chưa có điều kiện thi hành", with the obligation; personal data protection
(NĐ 13/2023, NĐ 356/2025) forbids the rest. So the public side is built only from the
structured fields that this module copies into its own output models, field by field:
never ID numbers, birth years or dates, street-level addresses of natural persons, page
images or OCR text. Criminal cases are sensitive data and are left out by default.
Given names of natural persons can be reduced to their initial (CV 144/TANDTC-PC style,
"Nguyễn Văn An" → "Nguyễn Văn A", collisions numbered A1, A2). A final scrub removes any
digit run that could be an ID number and any date-like string from free text, in case
extraction put one into a name or an issuer.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from schemas import Document, Party
from schemas.vocab import DOC_TYPE_LABELS_VI
from search.normalize import fold as _fold

# Administrative levels that may be shown for a natural person (no street, ward or village).
_AREA_PREFIXES = ("huyen ", "quan ", "thi xa ", "thanh pho ", "tp ", "tp.", "tinh ")
_ID_LIKE = re.compile(r"(?<!\d)\d(?:[ .]?\d){7,}(?!\d)")  # 8+ digits, spaced or dotted
_DATE_LIKE = re.compile(r"\b\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}\b")
_YEAR_OF_BIRTH = re.compile(r"(?i)\b(sinh\s+năm|sn|năm\s+sinh)\b[:\s]*\d{4}")
_CRIMINAL_NUMBER = re.compile(r"(?i)/\s*HS\s*-")


def scrub(text: str | None) -> str | None:
    """Remove anything that looks like an ID number, a date or a birth year from free text."""
    if text is None:
        return None
    text = _YEAR_OF_BIRTH.sub("", text)
    text = _ID_LIKE.sub("…", text)
    text = _DATE_LIKE.sub("…", text)
    return re.sub(r"\s+", " ", text).strip(" ,;:-")


def anonymize_name(name: str) -> str:
    """Keep surname and middle names, reduce the given name to its first letter."""
    parts = name.split()
    if len(parts) < 2:
        return (parts[0][:1] if parts else "").upper()
    return " ".join([*parts[:-1], parts[-1][:1].upper()])


def area_of(address: str | None) -> str | None:
    """The district and province of an address, or None: never the street or the ward."""
    if not address:
        return None
    kept = [p.strip() for p in address.split(",") if _fold(p).startswith(_AREA_PREFIXES)]
    return ", ".join(kept) or None


@dataclass
class PublicPolicy:
    """What the public side shows. Load from JSON with `PublicPolicy.from_file`."""

    doc_types: tuple[str, ...] = ("quyet_dinh_chua_co_dieu_kien",)
    roles: tuple[str, ...] = ("nguoi_phai_thi_hanh_an",)
    anonymize_given_names: bool = False
    person_address: Literal["none", "area"] = "area"
    show_amounts: bool = True
    exclude_criminal: bool = True

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PublicPolicy:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown public-policy keys: {', '.join(sorted(unknown))}")
        kw = dict(data)
        for key in ("doc_types", "roles"):
            if key in kw:
                kw[key] = tuple(kw[key])
        if kw.get("person_address", "area") not in ("none", "area"):
            raise ValueError("person_address must be 'none' or 'area'")
        return cls(**kw)

    @classmethod
    def from_file(cls, path: Path) -> PublicPolicy:
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PublicDebtor(_Out):
    """One row of the public list (Điều 44a)."""

    name: str
    is_organization: bool
    area: str | None = None
    amounts_vnd: list[int] = []
    decision_number: str | None = None
    decision_date: str | None = None
    issuer: str | None = None
    judgment_numbers: list[str] = []
    case_id: str


class PublicDocument(_Out):
    doc_type: str
    doc_type_label: str
    number: str | None = None
    date: str | None = None
    issuer: str | None = None
    cites: list[str] = []


class PublicCase(_Out):
    case_id: str
    documents: list[PublicDocument]
    debtors: list[PublicDebtor]


@dataclass
class PublicView:
    """Applies a policy to documents from the store; returns only public output models."""

    policy: PublicPolicy = field(default_factory=PublicPolicy)

    def _is_criminal(self, docs: list[Document]) -> bool:
        for d in docs:
            if any(p.role == "bi_cao" for p in d.parties):
                return True
            nums = [d.own_number or ""] + [n.text for n in d.numbers]
            nums += [r.number for r in d.references]
            if any(_CRIMINAL_NUMBER.search(n) for n in nums):
                return True
        return False

    def case_allowed(self, docs: list[Document]) -> bool:
        if not any(d.doc_type in self.policy.doc_types for d in docs):
            return False
        return not (self.policy.exclude_criminal and self._is_criminal(docs))

    def _name(self, p: Party) -> str:
        name = scrub(p.name) or ""
        if self.policy.anonymize_given_names and not p.is_organization:
            name = anonymize_name(name)
        return name

    def _area(self, p: Party) -> str | None:
        if p.is_organization:
            return scrub(p.address)
        if self.policy.person_address == "none":
            return None
        return scrub(area_of(p.address))

    def debtors(
        self, docs: list[Document], case_docs: dict[str, list[Document]]
    ) -> list[PublicDebtor]:
        """Public rows for `docs` (documents of the public types); `case_docs` by case id."""
        rows: list[PublicDebtor] = []
        originals: list[str] = []
        for d in docs:
            if d.doc_type not in self.policy.doc_types or not d.case_id:
                continue
            if not self.case_allowed(case_docs.get(d.case_id, [d])):
                continue
            for p in d.parties:
                if p.role not in self.policy.roles:
                    continue
                rows.append(
                    PublicDebtor(
                        name=self._name(p),
                        is_organization=p.is_organization,
                        area=self._area(p),
                        amounts_vnd=list(d.amounts_vnd) if self.policy.show_amounts else [],
                        decision_number=scrub(d.own_number),
                        decision_date=d.date,
                        issuer=scrub(d.issuer),
                        judgment_numbers=_judgments_cited(d),
                        case_id=d.case_id,
                    )
                )
                originals.append(_fold(p.name))
        if self.policy.anonymize_given_names:
            _number_collisions(rows, originals)
        return rows

    def case(self, case_id: str, docs: list[Document]) -> PublicCase | None:
        if not self.case_allowed(docs):
            return None
        out = [
            PublicDocument(
                doc_type=d.doc_type,
                doc_type_label=DOC_TYPE_LABELS_VI.get(d.doc_type, d.doc_type),
                number=scrub(d.own_number),
                date=d.date,
                issuer=scrub(d.issuer),
                cites=[s for r in d.references if (s := scrub(r.number))],
            )
            for d in docs
        ]
        public_docs = [d.model_copy(update={"case_id": case_id}) for d in docs]
        return PublicCase(
            case_id=case_id,
            documents=out,
            debtors=self.debtors(public_docs, {case_id: docs}),
        )


def _judgments_cited(d: Document) -> list[str]:
    """The court judgments or decisions a decision enforces (not the other THADS decisions)."""
    refs = [r for r in d.references if r.kind == "ban_an"] or [
        r for r in d.references if r.kind == "other"
    ]
    return [s for r in refs if (s := scrub(r.number))]


def _number_collisions(rows: list[PublicDebtor], originals: list[str]) -> None:
    """Different people encoded to the same name get digits, H1 and H2 (CV 144/TANDTC-PC)."""
    by_code: dict[str, list[tuple[PublicDebtor, str]]] = defaultdict(list)
    for r, orig in zip(rows, originals, strict=True):
        if not r.is_organization:
            by_code[r.name].append((r, orig))
    for code, group in by_code.items():
        people = sorted({orig for _, orig in group})
        if len(people) < 2:
            continue
        for r, orig in group:
            r.name = f"{code}{people.index(orig) + 1}"

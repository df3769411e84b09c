"""The public-disclosure policy: the ONE place that decides what the public side may show.

Luật THADS Điều 44a publishes the debtor of a decision that the case "chưa có điều kiện thi
hành" with the obligation; personal-data law (NĐ 13/2023, from 01/01/2026 Luật 91/2025 and
NĐ 356/2025) protects everything else, and treats criminal-case data as sensitive
(docs/public-view.md). So a public row is BUILT from allowed fields only, never copied:

- the debtor's name (a person or an organisation), as extracted, checked to look like one;
- the area: commune or ward, district, province, rebuilt from the list of administrative
  units (`areas.area_of`), never a street, village or house number;
- the obligation as kinds and amounts ("Trả tiền: 50.000.000 đồng"), from a closed
  vocabulary of kinds; never the text, so never the creditor's name;
- the decision's number, date, agency and legal basis (the Điều 44a ground it cites), and
  the numbers of the judgments it enforces.

Criminal cases are left out on every marker (`criminal_markers`): a case-type code HS in
any spelling (HS-ST, HSST, HS - PT, /HS), "bản án hình sự", "bị cáo", "bị hại", "tội
danh", "phạm tội", a party with the role bị cáo, in any document of the case or in a
judgment the case cites that hoso holds.

Then every row, and every document row of a public case page, goes through the last check
(`public_guard.withhold_reasons`) before it is answered: a row still carrying another
party's name, an ID/phone/account-like number, a birth date or year or a house number is
withheld, and the caller records it for an officer to review (never shown, never lost).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict

from schemas import Document, Party
from schemas.normalize import fold as _fold
from schemas.normalize import strip_marks
from schemas.numbers import number_key
from schemas.vocab import DOC_TYPE_LABELS_VI
from search.web.areas import area_of
from search.web.public_guard import names_in_text, withhold_reasons

_ID_LIKE = re.compile(r"(?<!\d)\d(?:[ .]?\d){7,}(?!\d)")  # 8+ digits, spaced or dotted
_DATE_LIKE = re.compile(r"\b\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}\b")
_YEAR_OF_BIRTH = re.compile(r"(?i)\b(sinh\s+năm|sn|năm\s+sinh)\b[:\s]*\d{4}")

# -- criminal markers (on the text without marks; codes in upper case) ----------------------
_CRIMINAL_CODE = re.compile(
    r"/\s*H[S5](?![A-Za-z])"  # "…/2022/HS", "/HS-ST", "/HS - PT", "02/HS"
    r"|/\s*H[S5]\s*-?\s*(?:[S5]T|PT|GDT|TT)(?![A-Za-z])"  # "/HSST", "/HSPT"
    r"|(?<![A-Za-z])H[S5]\s*-\s*(?:[S5]T|PT|GDT|TT)(?![A-Za-z])"  # "HS-ST" anywhere
    r"|(?<![A-Za-z])H[S5](?:[S5]T|PT|GDT)(?![A-Za-z])"  # "bản án HSST số 12"
)
_CRIMINAL_WORDS = re.compile(
    r"\b(?:(?:ban an|vu an|an|quyet dinh|toa|phien toa|bo luat|to tung) hinh su"
    r"|bi cao|bi hai|nguoi bi hai|toi danh|pham toi)\b"
)


def bare(text: str) -> str:
    """Lower case without marks, one space between words: what the patterns here read
    (`normalize.fold` without its tone placement, which marks-stripping makes moot and
    which costs ten times more on whole pages)."""
    return _SPACES.sub(" ", strip_marks(text.lower()))


_SPACES = re.compile(r"\s+")


def criminal_markers(text: str) -> list[str]:
    """The criminal-case markers found in `text` (a number, a title, a whole page)."""
    plain = strip_marks(text)
    found = [m.group(0).strip() for m in _CRIMINAL_CODE.finditer(plain.upper())]
    found += [m.group(0) for m in _CRIMINAL_WORDS.finditer(bare(text))]
    return found


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


# -- the obligation: kinds from a closed vocabulary (folded pattern → label), in order -----
OBLIGATION_KINDS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b(?:an phi|le phi)\b"), "Án phí, lệ phí"),
    (re.compile(r"\bcap duong\b"), "Cấp dưỡng"),
    (re.compile(r"\bboi thuong\b"), "Bồi thường thiệt hại"),
    (
        re.compile(
            r"\b(?:giao (?:lai )?(?:nha|dat|tai san|quyen su dung)|ban giao|tra lai (?:nha|dat|"
            r"tai san|quyen su dung))\b"
        ),
        "Giao tài sản",
    ),
    (
        re.compile(r"\b(?:nop (?:vao )?ngan sach|sung (?:vao )?(?:cong )?quy|truy thu|tich thu)\b"),
        "Nộp ngân sách nhà nước",
    ),
    (re.compile(r"\b(?:phat tien|tien phat)\b"), "Tiền phạt"),
    (
        re.compile(
            r"\b(?:tra no|tra cho|tra lai|thanh toan|hoan tra|tra tien|tra so tien|tra khoan|"
            r"tien no|no goc|tien lai|tra)\b"
        ),
        "Trả tiền",
    ),
]
OBLIGATION_DEFAULT = "Khoản phải thi hành"
_CLAUSE_START = re.compile(
    r"chua co dieu kien thi hanh(?: an)?(?: (?:doi voi )?(?:cac )?khoan| nghia vu)?"
    r"|khoan phai thi hanh|nghia vu (?:phai )?thi hanh"
)
_LEGAL_BASIS = re.compile(
    r"(?:(?:diem ([a-dđ])\s*,?\s*)?(?:khoan (\d+)\s*,?\s*)?dieu (44a|\d+[a-z]?))"
    r"[^.;\n]{0,12}?luat thi hanh an dan su"
)


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PublicObligation(_Out):
    kind: str
    amount_vnd: int | None = None


class PublicDebtor(_Out):
    """One row of the public list (Điều 44a)."""

    name: str
    is_organization: bool
    area: str | None = None
    obligations: list[PublicObligation] = []
    decision_number: str | None = None
    decision_date: str | None = None
    issuer: str | None = None
    legal_basis: str | None = None
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
class Withheld:
    """A row the last check kept back, for the officers' review list."""

    case_id: str
    doc_id: str | None
    kind: str  # "debtor" | "document"
    reasons: list[str]
    row: dict[str, Any]


class PublicSource(Protocol):
    """What the public view reads (the web store implements it)."""

    def case_documents(self, case_id: str) -> list[Document]: ...

    def document_text(self, doc: Document) -> str:
        """The text of the document's pages (empty if unknown)."""
        ...

    def documents_numbered(self, number: str) -> list[Document]:
        """Documents whose own number is `number` (whatever its spacing and dashes)."""
        ...


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


@dataclass
class _CaseFacts:
    """What one case contributes to the checks: criminal markers and every party's name."""

    criminal: list[str]
    names: set[str]
    texts: dict[str, str]  # doc_id → text


@dataclass
class PublicView:
    """Applies the policy to a source; returns only public output models (and withheld rows)."""

    policy: PublicPolicy = field(default_factory=PublicPolicy)
    # Each case's rows are kept until its documents change, or for `memo_s` seconds at most
    # (a page text corrected without re-extraction is checked again within that time).
    memo_s: float = 600.0
    memo_cases: int = 100_000
    _memo: dict[str, tuple[float, str, Any]] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    # -- facts of a case ----------------------------------------------------------------------
    def _facts(self, src: PublicSource, docs: list[Document]) -> _CaseFacts:
        held = [(d, src.document_text(d)) for d in docs]
        texts = {d.doc_id: t for d, t in held if d.doc_id}
        criminal: list[str] = []
        names: set[str] = set()
        cited: list[Document] = []
        seen: set[str] = set()
        for d in docs:
            for r in d.references:
                key = number_key(r.number)
                if key in seen:
                    continue
                seen.add(key)
                cited += [c for c in src.documents_numbered(r.number) if c.doc_id not in texts]
        held += [(d, src.document_text(d)) for d in cited]
        for d, text in held:
            numbers = [d.own_number or "", *(n.text for n in d.numbers)]
            numbers += [r.number for r in d.references]
            criminal += [m for n in numbers for m in criminal_markers(n)]
            criminal += criminal_markers(text)
            criminal += ["bị cáo"] * any(p.role == "bi_cao" for p in d.parties)
            criminal += ["bị hại"] * any(p.role == "bi_hai" for p in d.parties)
            names |= {p.name for p in d.parties}
            names |= {n for p in d.parties for n in p.represents}
            names |= names_in_text(text)
        return _CaseFacts(criminal=criminal, names=names, texts=texts)

    def case_allowed(self, docs: list[Document], facts: _CaseFacts) -> bool:
        if not any(d.doc_type in self.policy.doc_types for d in docs):
            return False
        return not (self.policy.exclude_criminal and facts.criminal)

    # -- fields -------------------------------------------------------------------------------
    def _name(self, p: Party) -> str:
        name = re.sub(r"\s+", " ", p.name).strip(" ,;:.")
        if self.policy.anonymize_given_names and not p.is_organization:
            name = anonymize_name(name)
        return name

    def _area(self, p: Party) -> str | None:
        if not p.is_organization and self.policy.person_address == "none":
            return None
        return area_of(p.address)

    def _obligations(self, d: Document, text: str) -> list[PublicObligation]:
        return obligations_of(text, d.amounts_vnd if self.policy.show_amounts else [])

    # -- rows ---------------------------------------------------------------------------------
    def debtors(
        self, src: PublicSource, docs: list[Document], case_docs: dict[str, list[Document]]
    ) -> tuple[list[PublicDebtor], list[Withheld]]:
        """Public rows for `docs` (documents of the public types), `case_docs` by case id;
        and the rows the last check withheld."""
        by_case: dict[str, list[Document]] = {}
        for d in docs:
            if d.doc_type in self.policy.doc_types and d.case_id:
                by_case.setdefault(d.case_id, []).append(d)
        rows: list[PublicDebtor] = []
        originals: list[str] = []
        withheld: list[Withheld] = []
        for case_id, decisions in by_case.items():
            all_docs = case_docs.get(case_id, decisions)
            key = _signature(decisions, all_docs)
            now = time.monotonic()
            with self._lock:
                kept = self._memo.get(case_id)
            if kept is None or kept[1] != key or now - kept[0] > self.memo_s:
                kept = (now, key, self._case_rows(src, case_id, decisions, all_docs))
                with self._lock:
                    self._memo[case_id] = kept
                    while len(self._memo) > self.memo_cases:
                        self._memo.pop(next(iter(self._memo)))
            case_rows, case_withheld = kept[2]
            rows += [r.model_copy(deep=True) for r, _ in case_rows]
            originals += [orig for _, orig in case_rows]
            withheld += case_withheld
        if self.policy.anonymize_given_names:
            _number_collisions(rows, originals)
        return rows, withheld

    def _case_rows(
        self, src: PublicSource, case_id: str, decisions: list[Document], all_docs: list[Document]
    ) -> tuple[list[tuple[PublicDebtor, str]], list[Withheld]]:
        """The rows of one case's public decisions (each with its folded real name)."""
        facts = self._facts(src, all_docs)
        if not self.case_allowed(all_docs, facts):
            return [], []
        rows: list[tuple[PublicDebtor, str]] = []
        withheld: list[Withheld] = []
        for d in decisions:
            text = facts.texts.get(d.doc_id or "") or src.document_text(d)
            for p in d.parties:
                if p.role not in self.policy.roles:
                    continue
                row = PublicDebtor(
                    name=self._name(p),
                    is_organization=p.is_organization,
                    area=self._area(p),
                    obligations=self._obligations(d, text),
                    decision_number=scrub(d.own_number),
                    decision_date=d.date,
                    issuer=scrub(d.issuer),
                    legal_basis=legal_basis_of(text),
                    judgment_numbers=_judgments_cited(d),
                    case_id=case_id,
                )
                reasons = withhold_reasons(
                    free=[row.name, row.area or "", *(o.kind for o in row.obligations)],
                    numbers=[
                        row.decision_number or "",
                        row.issuer or "",
                        row.legal_basis or "",
                        *row.judgment_numbers,
                    ],
                    labels=[case_id],
                    others=_others(facts.names, p),
                    birth_years=[p.birth_year] if p.birth_year else [],
                    is_organization=p.is_organization,
                )
                if reasons:
                    dump = row.model_dump()
                    withheld.append(Withheld(case_id, d.doc_id, "debtor", reasons, dump))
                else:
                    rows.append((row, _fold(p.name)))
        return rows, withheld

    def case(
        self, src: PublicSource, case_id: str, docs: list[Document]
    ) -> tuple[PublicCase | None, list[Withheld]]:
        facts = self._facts(src, docs)
        if not self.case_allowed(docs, facts):
            return None, []
        named = withhold_reasons(
            free=[],
            numbers=[],
            labels=[case_id],
            others=facts.names,
            birth_years=[],
            is_organization=True,
        )
        if named:  # the folder name itself names someone: the page would show it
            return None, [Withheld(case_id, None, "case", named, {"case_id": case_id})]
        withheld: list[Withheld] = []
        out: list[PublicDocument] = []
        for d in docs:
            row = PublicDocument(
                doc_type=d.doc_type,
                doc_type_label=DOC_TYPE_LABELS_VI.get(d.doc_type, d.doc_type),
                number=scrub(d.own_number),
                date=d.date,
                issuer=scrub(d.issuer),
                cites=[s for r in d.references if (s := scrub(r.number))],
            )
            reasons = withhold_reasons(
                free=[],
                numbers=[row.number or "", row.issuer or "", *row.cites],
                labels=[case_id],
                others=facts.names,
                birth_years=[],
                is_organization=True,
            )
            if reasons:
                withheld.append(Withheld(case_id, d.doc_id, "document", reasons, row.model_dump()))
            else:
                out.append(row)
        public_docs = [d.model_copy(update={"case_id": case_id}) for d in docs]
        debtors, more = self.debtors(src, public_docs, {case_id: docs})
        return PublicCase(case_id=case_id, documents=out, debtors=debtors), withheld + more


def obligations_of(text: str, amounts: Iterable[int]) -> list[PublicObligation]:
    """Kinds and amounts of what a decision says cannot yet be paid. Only an amount written
    in the obligation clause (from "chưa có điều kiện thi hành khoản:" on) is shown, with
    the last kind named before it (the clause's first kind if none is): an amount read
    elsewhere (a house number taken for one) never is. Kinds without an amount are shown
    as such."""
    folded = bare(text)
    start = _CLAUSE_START.search(folded)
    clause = folded[start.end() :] if start else folded
    end = re.search(r"\bdieu 2\b|\bnoi nhan\b", clause)
    clause = clause[: end.start()] if end else clause
    kinds = sorted(
        ((m.start(), label) for pat, label in OBLIGATION_KINDS for m in pat.finditer(clause)),
        key=lambda t: t[0],
    )
    first = kinds[0][1] if kinds else OBLIGATION_DEFAULT
    out: list[PublicObligation] = []
    for value in dict.fromkeys(amounts):
        m = _written_amount(value).search(clause)
        if m is None:
            continue
        before = [label for k, label in kinds if k < m.start()]
        out.append(PublicObligation(kind=before[-1] if before else first, amount_vnd=value))
    if not out:
        out = [PublicObligation(kind=label) for label in dict.fromkeys(lb for _, lb in kinds)]
    return out


def _written_amount(value: int) -> re.Pattern[str]:
    """The amount as written: groups of three digits with dots, commas, spaces or nothing."""
    groups = f"{value:,}".split(",")
    return re.compile(r"(?<![\d.,])" + r"[.,\s]?".join(groups) + r"(?![\d]|[.,]\d)")


def legal_basis_of(text: str) -> str:
    """The provision of Luật THADS the decision rests on ("điểm a khoản 1 Điều 44a …"); the
    article of this decision type when the text names none."""
    found = list(_LEGAL_BASIS.finditer(bare(text)))
    best = next((m for m in found if m.group(3) == "44a"), found[0] if found else None)
    if best is None:
        return "Điều 44a Luật Thi hành án dân sự"
    point, clause, article = best.groups()
    parts = [f"điểm {point}" if point else "", f"khoản {clause}" if clause else ""]
    return " ".join([*(p for p in parts if p), f"Điều {article} Luật Thi hành án dân sự"])


def _signature(decisions: list[Document], all_docs: list[Document]) -> str:
    """What a case's public rows are made of: its documents as stored."""
    h = hashlib.sha1(usedforsecurity=False)
    for d in [*decisions, *all_docs]:
        h.update(d.model_dump_json().encode())
    return h.hexdigest()


def _others(names: set[str], debtor: Party) -> set[str]:
    """Every name of the case but the debtor's own."""
    own = _fold(debtor.name)
    return {n for n in names if _fold(n) != own}


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

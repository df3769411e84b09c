"""Document numbers in a document: what each one is and which is the document's own.

The grammar of a number (court 759/2017/LĐ-PT, administrative 129/QĐ-CCTHADS, công văn
470/CQLTHADS-BPC&NVTHADS, normative 04/2023/TT-BTP), its OCR repairs and its keys live in
`schemas.numbers`, which search uses too; this module adds the document's view: each
number's `NumberKind` from its code and the words before it, the own number labelled "Số:"
in the header, and judgments cited by serial alone. It does not decide what a cited number
refers to beyond its `NumberKind`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.extract.text import skeleton
from schemas import NumberRef
from schemas.numbers import LEGACY_CODE, number_form, scan
from schemas.vocab import NumberKind

_CASE_TYPES = {"DS", "HNGĐ", "KDTM", "LĐ", "HC", "HS", "VDS", "PS", "KT", "LD", "HNGD"}
_STAGES = {"ST", "PT", "GĐT", "GDT", "TT"}
_NORMATIVE = re.compile(
    r"^(?:QH\d{1,2}|(?:TT|NĐ|ND|NQ|TTLT|PL|SL|L|CT|QĐ)-(?:BTP|CP|HĐTP|HDTP|UBTVQH\d*|"
    r"TANDTC|VKSNDTC|BTC|BCA|TTg|BTP-\w+|QH\d*|BTP-TANDTC.*|.*-BTP))$"
)
_THADS_ORGS = {"TCTHADS", "CTHADS", "CCTHADS", "CQLTHADS", "THADS", "BTP", "TANDTC"}
_ADMIN_TYPES = {
    "QĐ",
    "TB",
    "BB",
    "BC",
    "KH",
    "GM",
    "TTr",
    "HD",
    "NQ",
    "CT",
    "QC",
    "QyĐ",
    "TC",
    "PA",
    "ĐA",
    "DA",
    "CTr",
    "HĐ",
    "CĐ",
    "GUQ",
    "GGT",
    "GNP",
    "PG",
    "PC",
    "PB",
    "SY",
    "TrS",
    "SL",
    "UQ",
    "YC",
    "KL",
    "GXN",
    "QD",
}
_OWN_LABEL = re.compile(r"\bs[o0ô6]\s*[:.]?\s*$")
_LABEL_WORDS = re.compile(
    r"^(?:ban an|quyet dinh(?: giam doc tham)?|thong bao|cong van|giay trieu tap)?\s*$"
)
# A published title that carries the number: "QUYẾT ĐỊNH GIÁM ĐỐC THẨM 67/2014/DS-GĐT NGÀY …".
_TITLE_BEFORE = re.compile(r"\s*(?:ban an|quyet dinh)(?: [a-z]+){0,4}\s*(?:so\s*:?)?\s*$")
_CITE_BEFORE = re.compile(r"(can cu|theo|cua|do |tai |kem theo)[^\n]{0,60}$")


@dataclass(frozen=True)
class Found:
    """One number found in a text, with its span in that text."""

    text: str
    kind: NumberKind
    start: int
    end: int


def kind_of(code: str, context: str = "") -> NumberKind:
    """What a cited number is, from its code first and the words before it second."""
    parts = code.split("-")
    first = parts[0]
    near = context[-70:]
    if "dua vu an ra xet xu" in near or "mo phien toa" in near:
        return "dua_ra_xet_xu"
    if _NORMATIVE.match(code) or re.fullmatch(r"QH\d{1,2}", code):
        return "van_ban_phap_luat"
    if first.startswith("TL"):
        return "thu_ly"
    if first.startswith(("QĐXX", "QDXX")):
        return "dua_ra_xet_xu"
    if len(parts) >= 2 and parts[0] in _CASE_TYPES and parts[1] in _STAGES:
        return "ban_an"
    if LEGACY_CODE.match(first) or first == "AL":
        return "ban_an"
    if first in {"QĐ", "QD"} or first.startswith(("QĐ", "QD")):
        return "quyet_dinh"
    if first in _THADS_ORGS or (len(parts) == 2 and first not in _ADMIN_TYPES):
        return "cong_van"
    ctx = context[-80:]
    for words, kind in (
        ("ban an", "ban_an"),
        ("quyet dinh", "quyet_dinh"),
        ("cong van", "cong_van"),
    ):
        if ctx.rfind(words) >= 0 and ctx.rfind(words) >= len(ctx) - 50:
            return kind  # type: ignore[return-value]
    return "other"


def find_numbers(text: str) -> list[Found]:
    """Every document number in `text` (already `prepare`d and `repair_slashes`ed), with
    what it is; and judgments cited by serial alone."""
    skel = skeleton(text)
    out: list[Found] = []
    prev_end = 0
    for w in scan(text):
        if w.dashed:
            out.append(Found(w.text, "other", w.start, w.end))
            continue
        context = skel[max(prev_end, w.start - 120) : w.start]
        prev_end = w.end
        out.append(Found(w.text, kind_of(w.code, context), w.start, w.end))
    return sorted(out + bare_citations(text, out), key=lambda f: f.start)


def _is_own_label(text: str, skel: str, start: int) -> bool:
    """Whether "Số:" labels the number at `start` as the document's own: the label starts
    its line, after nothing but a title word or a left-column heading in capitals."""
    line_start = skel.rfind("\n", 0, start) + 1
    m = _OWN_LABEL.search(skel, line_start, start)
    if m is None:
        return False
    prefix = text[line_start : m.start()].strip(" -–*•:")
    letters = [c for c in prefix if c.isalpha()]
    capitals = bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.8
    return capitals or bool(_LABEL_WORDS.match(skel[line_start : m.start()].strip(" -*:")))


# "Bản án dân sự số 27 ngày 29/9/2021": an older citation with neither year nor code.
_BARE_CITATION = re.compile(
    r"\b(ban an|quyet dinh)(?:\s+[a-z]+){0,4}?\s+so\s*:?\s*(\d{1,5})(?=\s+ngay\b)"
)


def bare_citations(text: str, found: list[Found]) -> list[Found]:
    """Judgments and decisions cited by serial alone, as `Found` numbers."""
    skel = skeleton(text)
    out: list[Found] = []
    for m in _BARE_CITATION.finditer(skel):
        if any(f.start <= m.start(2) < f.end for f in found):
            continue
        kind: NumberKind = "ban_an" if m.group(1) == "ban an" else "quyet_dinh"
        out.append(Found(m.group(2), kind, m.start(2), m.end(2)))
    return out


def own_number(text: str, found: list[Found], header_end: int) -> Found | None:
    """The document's own number: the first one labelled "Số:" in the header block."""
    skel = skeleton(text)
    for f in found:
        if f.start > header_end:
            break
        before = skel[max(0, f.start - 60) : f.start]
        if _is_own_label(text, skel, f.start) and not _CITE_BEFORE.search(before):
            return f
    # No "Số:" label (OCR lost it): a number that stands at the start of a header line.
    for f in found:
        if f.start > header_end:
            break
        line_start = skel.rfind("\n", 0, f.start) + 1
        cited_kind = f.kind in ("van_ban_phap_luat", "thu_ly", "dua_ra_xet_xu")
        titled = (
            _TITLE_BEFORE.match(skel, line_start, f.start) and text[line_start : f.start].isupper()
        )
        if not cited_kind and (f.start - line_start <= 12 or titled):
            return f
    return None


def number_refs(found: list[Found], own: Found | None) -> list[NumberRef]:
    """Distinct numbers (by comparison key) in order; the own number with kind `own`."""
    refs: list[NumberRef] = []
    seen: set[str] = set()
    own_key = number_form(own.text) if own else None
    if own is not None:
        refs.append(NumberRef(text=own.text, kind="own", norm=own_key or ""))
        seen.add(own_key or "")
    for f in found:
        key = number_form(f.text)
        if key in seen:
            continue
        seen.add(key)
        refs.append(NumberRef(text=f.text, kind=f.kind, norm=key))
    return refs

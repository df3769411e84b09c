"""The last check over every public row: fail closed.

The public rows are built from allowed fields only (`policy`), but extraction reads OCR
text and can put anything into a name or an address. Before a row is answered (HTML page or
API), `withhold_reasons` looks at its strings once more and names what must not be there:

- a name of another party of the case (creditor, representative, co-party, anyone the
  case's documents introduce with ông/bà/anh/chị), matched without diacritics;
- a number that looks like an ID card, a phone number or a bank account (8+ digits, spaced
  or not);
- a birth date or year (a date, "sinh năm", a year in a name or area, the party's own);
- a house number or a street-level place ("Số 12", "12/3", "ngõ 15", "tổ 4");
- a debtor "name" that is not shaped like one.

A row with any reason is withheld; the caller records it for an officer to review.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from schemas.normalize import fold

_ID_LIKE = re.compile(r"(?<!\d)\d(?:[ .\-]?\d){7,}(?!\d)")
_DATE = re.compile(r"(?<!\d)\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*(?:19|20)?\d{2}(?!\d)")
_BIRTH_WORDS = re.compile(r"\b(?:sinh nam|nam sinh|sinh ngay|sn)\b")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_HOUSE = re.compile(
    r"\b(?:so nha|so|nha so|ngo|ngach|hem|kiet|to|to dan pho|thon|ap|xom|khu pho|kp|khom|lo|"
    r"can ho|phong|duong|pho|km)\s*\.?\s*\d"
    r"|(?<!\d)\d+[a-z]?(?:\s*/\s*\d+[a-z]?)+\b"  # 12/3, 45/2A
    r"|(?<!\d)\d+[a-z]?,?\s+(?:duong|pho|ngo|hem|kiet|ngach)\b"
)
_UNIT_NUMBER = re.compile(r"\b(?:phuong|quan)\s+\d+\b")
_HONORIFIC_NAME = re.compile(
    r"(?<![\w])(?:[Ôô]ng|[Bb]à|[Aa]nh|[Cc]hị|[Cc]ụ|[Cc]háu|ÔNG|BÀ)\s+"
    r"((?:[^\W\d_][\w’']*\s+){1,5}[^\W\d_][\w’']*)"
)
_ORG_START = re.compile(
    r"^(?:cong ty|ngan hang|tong cong ty|tap doan|hop tac xa|htx|doanh nghiep|dntn|"
    r"quy tin dung|chi nhanh|ho kinh doanh|co so|van phong|trung tam|truong|benh vien|"
    r"uy ban|ubnd|cua hang|xi nghiep|nha may|hiep hoi|lien hiep)\b"
)


def names_in_text(text: str) -> set[str]:
    """Names introduced by an honorific in `text` ("bà Lê Thị Mai"), capitalised words only."""
    out: set[str] = set()
    for m in _HONORIFIC_NAME.finditer(text):
        words: list[str] = []
        for w in m.group(1).split():
            if not w[:1].isupper():
                break
            words.append(w)
        if len(words) >= 2:
            out.add(" ".join(words))
    return out


def _has_name(folded_text: str, name: str) -> bool:
    key = fold(name)
    return (
        len(key.split()) >= 2
        and re.search(rf"(?<!\w){re.escape(key)}(?!\w)", folded_text) is not None
    )


def _name_shape(name: str, is_organization: bool) -> str | None:
    """Why `name` does not look like a person's or an organisation's name, or None."""
    if not name.strip():
        return "tên trống"
    if is_organization:
        if not _ORG_START.match(fold(name)) or len(name) > 160:
            return "tên tổ chức không rõ"
        return None
    words = name.split()
    if not 1 <= len(words) <= 7:
        return "tên người không rõ"
    for i, w in enumerate(words):
        core = w[:-1] if i == len(words) - 1 and w[-1:].isdigit() and len(w) <= 3 else w
        if not core[:1].isupper() or not all(c.isalpha() or c in "’'" for c in core):
            return "tên người không rõ"
    return None


def withhold_reasons(
    *,
    free: list[str],
    numbers: list[str],
    labels: Sequence[str] = (),
    others: Iterable[str],
    birth_years: list[int],
    is_organization: bool,
) -> list[str]:
    """Why a row must be withheld (empty: it may be shown).

    `free`: the name first, then the area and the obligation kinds (no digits expected but
    unit numbers); `numbers`: document numbers, agency names, the legal basis (numbers and
    years expected); `labels`: the case id (the archive's folder name: checked for names
    only); `others`: names of the other parties of the case."""
    reasons: list[str] = []
    everything = [*free, *numbers]
    folded_all = " | ".join(fold(s) for s in [*everything, *labels])
    own = fold(free[0]) if free else ""
    for other in others:
        if fold(other) in own:
            continue  # a person inside the debtor's own name ("Công ty TNHH Lê Văn An")
        if _has_name(folded_all, other):
            reasons.append(f"tên người khác: {other}")
    if any(_ID_LIKE.search(s) for s in everything):
        reasons.append("số giống CMND/CCCD, điện thoại hoặc tài khoản")
    if any(_DATE.search(s) for s in everything) or _BIRTH_WORDS.search(folded_all):
        reasons.append("ngày sinh")
    folded_free = [fold(s) for s in free]
    years = {str(y) for y in birth_years}
    if any(_YEAR.search(s) for s in folded_free) or any(y in s for y in years for s in folded_free):
        reasons.append("năm sinh")
    for s in folded_free:
        if _HOUSE.search(s) or re.search(r"\d", _UNIT_NUMBER.sub("", s)) and not _initial(s):
            reasons.append("số nhà hoặc địa chỉ chi tiết")
            break
    if free:
        shape = _name_shape(free[0], is_organization)
        if shape:
            reasons.append(shape)
    return list(dict.fromkeys(reasons))


def _initial(folded: str) -> bool:
    """A person's anonymised name whose only digit ends its initial ("nguyen van h1")."""
    return re.fullmatch(r"(?:[a-z]+ )+[a-z]{1,2}\d", folded) is not None

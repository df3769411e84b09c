"""Calendar dates in Vietnamese documents, as ISO strings.

Reads "ngày 21 tháng 12 năm 2016", 21/12/2016, 25-9-2017, "09 - 8 - 2021", 14.02.2023 and
year-less forms ("ngày 13-6", "ngày 2 tháng 12") whose year comes from the document's own
date or the nearest full date before them. Impossible dates (12/0/2019, 31/02) are dropped.
The document date is the place-date line ("Hà Nội, ngày … tháng … năm …") or the
"Ngày: dd-mm-yyyy" header of a judgment. Dates inside document numbers are not dates.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ingest.extract.text import skeleton

_LONG = re.compile(
    r"ngay\s*[:.]?\s*(\d{1,2})\s+thang\s+(\d{1,2})\s*(?:,\s*)?(?:nam\s+(\d{4}))?(?!\s*\d)"
)
_NUMERIC = re.compile(
    r"(?<![\d/.\w])(\d{1,2})\s*([/.\-])\s*(\d{1,2})\s*\2\s*((?:19|20)\d{2})(?![\d/\w])"
)
_PARTIAL = re.compile(r"ngay\s+(\d{1,2})\s*([./\-])\s*(\d{1,2})(?!\s*[./\-]\s*\d)(?!\d)")
_PLACE_DATE = re.compile(r"(?:^|\n)[^\n\d]{2,60}[,.]\s*ngay\s*\d")
_HEADER_DATE = re.compile(r"(?:^|\n)\s*ngay\s*:\s*\d")

_MIN_YEAR, _MAX_YEAR = 1900, 2040


@dataclass(frozen=True)
class FoundDate:
    iso: str
    start: int
    end: int
    has_year: bool


def _make(year: int, month: int, day: int) -> str | None:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        return None
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def find_dates(text: str) -> list[FoundDate]:
    """Every valid date in `text`, in order; year-less ones get the year of context."""
    skel = skeleton(text)
    raw: list[tuple[int, int, int, int, int | None]] = []  # start, end, d, m, y
    taken: list[tuple[int, int]] = []
    for m in _LONG.finditer(skel):
        y = int(m.group(3)) if m.group(3) else None
        raw.append((m.start(), m.end(), int(m.group(1)), int(m.group(2)), y))
        taken.append((m.start(), m.end()))
    for m in _NUMERIC.finditer(skel):
        if any(s <= m.start() < e for s, e in taken):
            continue
        raw.append((m.start(), m.end(), int(m.group(1)), int(m.group(3)), int(m.group(4))))
        taken.append((m.start(), m.end()))
    for m in _PARTIAL.finditer(skel):
        if any(s <= m.start() < e for s, e in taken):
            continue
        raw.append((m.start(), m.end(), int(m.group(1)), int(m.group(3)), None))
    raw.sort()
    years = [y for _, _, _, _, y in raw if y is not None]
    fallback = max(set(years), key=years.count) if years else None
    out: list[FoundDate] = []
    last_year: int | None = None
    for start, end, d, mth, y in raw:
        year = y if y is not None else (last_year or fallback)
        if year is None:
            continue
        iso = _make(year, mth, d)
        if iso is None:
            continue
        if y is not None:
            last_year = y
        out.append(FoundDate(iso, start, end, y is not None))
    return out


def document_date(text: str, found: list[FoundDate], header_end: int) -> str | None:
    """The date the document was made: place-date line, "Ngày:" header, else first date."""
    skel = skeleton(text)
    for pattern in (_PLACE_DATE, _HEADER_DATE):
        for m in pattern.finditer(skel):
            if m.start() > header_end:
                break
            for f in found:
                if f.start >= m.start() and f.start - m.end() < 12 and f.has_year:
                    return f.iso
    head = [f for f in found if f.start <= header_end and f.has_year]
    if head:
        return head[0].iso
    # Judgments open the body with "Ngày 23 tháng 8 năm 2017, tại trụ sở Tòa án…".
    m = re.search(r"(?:^|\n)\s*(?:trong )?(?:cac )?ngay\s+\d[^\n]{0,60}tai\s+tru so", skel)
    if m:
        for f in found:
            if f.start >= m.start():
                return f.iso
    return None


def unique_isos(found: list[FoundDate]) -> list[str]:
    seen: list[str] = []
    for f in found:
        if f.iso not in seen:
            seen.append(f.iso)
    return seen

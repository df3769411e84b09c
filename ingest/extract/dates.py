"""Calendar dates in Vietnamese documents, as ISO strings.

Reads "ngày 21 tháng 12 năm 2016", 21/12/2016, 25-9-2017, "09 - 8 - 2021", 14.02.2023 and
year-less forms ("ngày 13-6", "ngày 2 tháng 12") whose year comes from the document's own
date or the nearest full date before them. Impossible dates (12/0/2019, 31/02) are dropped.
The document date is the place-date line ("Hà Nội, ngày … tháng … năm …") or the
"Ngày: dd-mm-yyyy" header of a judgment. Dates inside document numbers are not dates.
`typed_dates` gives each date its kind (`schemas.vocab.DateKind`) from the words around it:
the document's own date, a cited document's date, a hearing, an event, or other.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ingest.extract.text import skeleton
from schemas import DateRef
from schemas.vocab import DateKind

_LONG = re.compile(
    r"ngay\s*[:.]?\s*(\d{1,2})\s+thang\s+(\d{1,2})\s*(?:,\s*)?(?:nam\s+(\d{4}))?(?!\s*\d)"
)
_NUMERIC = re.compile(
    r"(?<![\d/.\w])(\d{1,2})\s*([/.\-])\s*(\d{1,2})\s*\2\s*((?:19|20)\d{2})(?![\d/])"
)
_PARTIAL = re.compile(r"ngay\s+(\d{1,2})\s*([./\-])\s*(\d{1,2})(?!\s*[./\-]\s*\d)(?!\d)")
# Several days of one month: "ngày 15 và 18 tháng 7 năm 2022", "các ngày 21, 28/8/2020",
# "từ ngày 24 đến ngày 27 tháng 7 năm 2018" (the first and last day).
_MULTI = re.compile(
    r"ngay\s+(\d{1,2})((?:\s*(?:,|va|den)(?:\s+ngay)?\s*\d{1,2})+)\s*"
    r"(?:thang\s+(\d{1,2})\s*(?:,\s*)?nam\s+(\d{4})|/\s*(\d{1,2})\s*/\s*(\d{4}))(?!\s*\d)"
)
_PLACE_DATE = re.compile(r"(?:^|\n)[^\n\d]{2,60}[,.]\s*ngay\s*\d")
_HEADER_DATE = re.compile(r"(?<![a-z])ngay\s*:\s*\d")

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
    for m in _MULTI.finditer(skel):
        month, year = (m.group(3), m.group(4)) if m.group(3) else (m.group(5), m.group(6))
        days = [(m.start(), m.group(1))]
        days += [(m.start(2) + d.start(), d.group(0)) for d in re.finditer(r"\d+", m.group(2))]
        for start, day in days:
            raw.append((start, m.end(), int(day), int(month), int(year)))
        taken.append((m.start(), m.end()))
    for m in _LONG.finditer(skel):
        if any(s <= m.start() < e for s, e in taken):
            continue
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


def document_date(
    text: str, found: list[FoundDate], header_end: int, *, headed: bool = True
) -> FoundDate | None:
    """The date the document was made: place-date line, "Ngày:" header, else (`headed`: the
    text opens like a document, with a title or a number) the first date of the header."""
    skel = skeleton(text)
    for pattern in (_PLACE_DATE, _HEADER_DATE):
        for m in pattern.finditer(skel):
            if m.start() > header_end:
                break
            for f in found:
                if f.start >= m.start() and f.start - m.end() < 12 and f.has_year:
                    return f
    head = [
        f
        for f in found
        if headed
        and f.start <= header_end
        and f.has_year
        and not _WHEN_BEFORE.search(skel, 0, f.start)
        and not _CITES_BEFORE.search(skel, max(0, skel.rfind("\n", 0, f.start)), f.start)
    ]
    if head:
        return head[0]
    # Judgments open the body with "Ngày 23 tháng 8 năm 2017, tại trụ sở Tòa án…",
    # biên bản with "Hôm nay, vào lúc 9 giờ, ngày …".
    for body in (_BODY_DATE, _TODAY):
        opening = body.search(skel)
        if opening:
            for f in found:
                if f.start >= opening.start():
                    return f
    return None


# "… bán đấu giá vào ngày 13/9/2019", "từ ngày …": a happening, not the document's date.
_WHEN_BEFORE = re.compile(r"\b(?:vao|tu|den|truoc|sau|han)\s+(?:ngay\s*)?$")
# A web page's publication stamp: "19/11/2025 17:02", "Thứ sáu, 22/12/2017 | 10:19".
_STAMP_AFTER = re.compile(r"^\s*(?:\||-)?\s*\d{1,2}:\d{2}")
_STAMP_BEFORE = re.compile(
    r"(?:thu (?:hai|ba|tu|nam|sau|bay)|chu nhat|cap nhat luc[^,]{0,12}),?\s*$"
)
# "… theo Quyết định số 146/QĐ-XPVPHC ngày …" on the line: a cited document's date.
_CITES_BEFORE = re.compile(
    r"\S[^\n]*?\s(?:quyet dinh|ban an|thong bao|cong van|bien ban|van ban|ke hoach)\s+so\b[^\n]*$"
)
_BODY_DATE = re.compile(r"(?:^|\n)\s*(?:trong )?(?:cac )?ngay\s+\d[^\n]{0,60}tai\s+tru so")
_TODAY = re.compile(r"(?:^|\n)\s*hom nay\b[^.;]{0,60}?ngay\s*\d")


# A schedule, not a page's stamp, though a time follows the date: "Thời gian tổ chức cuộc đấu
# giá: 16/07/2024 08:30", "Thời gian đăng ký: từ 27/06/2024 07:00 đến 11/07/2024 17:00".
_SCHEDULE_BEFORE = re.compile(
    r"(?:\bthoi (?:gian|han)\b(?![^\n:]*(?:dang tin|dang bai|cap nhat|xuat ban))[^\n:]{0,80}:"
    r"(?:\s*tu)?|\b(?:tu|den|vao luc|luc))\s*(?:ngay\s*)?$"
)
# Words just before a date that make it a birth or ID-issue date ("cấp ngày", "sinh ngày").
_OTHER_BEFORE = re.compile(
    r"(?:sinh|ngay sinh|cap|cap lai|ngay cap)\s*(?:vao\s*)?(?:ngay)?\s*[:.]?\s*$"
)
# A hearing: "Ngày 23/8/2017, tại trụ sở … xét xử", "mở phiên tòa ngày …".
_HEARING_BEFORE = re.compile(
    r"(?:xet xu|phien toa|phien hop|phien hoa giai|mo phien|hoa giai)[^.;\n\d/]{0,30}?"
    r"(?:vao\s*)?(?:cac\s*)?(?:ngay)?\s*[:.]?\s*$"
)
_HEARING_AFTER = re.compile(
    r"^[^.;]{0,40}?\btai\s+(?:tru so\.?|phong xu|hoi truong|toa an)[^.;]{0,160}?"
    r"(?:xet xu|phien toa|mo phien|phien hop|hoa giai)"
)
# A cited document right before the date: "Bản án số 12/2020/DS-ST ngày …".
_CITED_BEFORE = re.compile(
    r"(?:ban an|quyet dinh|thong bao|thu ly|cong van|van ban|ke hoach|bien ban|to trinh|"
    r"ket luan|nghi quyet|nghi dinh|thong tu|luat|chi thi|giay uy quyen|uy quyen|"
    r"giay trieu tap|lenh|cao trang|khang nghi|khang cao|giay chung nhan|so)\b"
    r"(?:[^.;\n]|\.(?=\S)){0,70}?"
    r"(?:ngay)?\s*[:.]?\s*$"
)
# Nouns of happenings whose number may precede the date ("Hợp đồng tín dụng số … ngày").
_EVENT_NOUN = re.compile(r"(?:hop dong|phu luc|don|giay nhan no|bien nhan|khe uoc|giao dich)\b")
_CITED_NOUN = re.compile(
    r"(?:ban an|quyet dinh|thong bao|thu ly|cong van|van ban|ke hoach|bien ban|to trinh|"
    r"ket luan|nghi quyet|nghi dinh|thong tu|luat|chi thi|uy quyen|giay trieu tap|lenh|"
    r"cao trang|khang nghi|khang cao)\b"
)


_CERTIFICATE = re.compile(r"giay chung nhan|so do|so hong|\bgcn|quyen su dung dat|\bqsdd\b")
_ID_CARD = re.compile(r"cmnd|cccd|can cuoc|chung minh|ho chieu|dinh danh|cmtnd")
_CITED_AFTER = re.compile(
    r"^\s*,?\s*(?:chi cuc|cuc|toa an|tand|vien kiem sat|vksnd|ubnd|uy ban|chap hanh vien|"
    r"chanh an|thu truong|co quan)[^.;]{0,80}?\b(?:ra|ban hanh|co)\s+"
    r"(?:quyet dinh|thong bao|ban an|van ban|cong van)"
)


def date_kind(skel: str, f: FoundDate, prev_end: int) -> DateKind:
    """The kind of a date that is not the document's own, from the words around it."""
    start = max(prev_end, f.start - 100, skel.rfind("\n\n", 0, f.start) + 1)
    before = re.sub(r"\s+", " ", skel[start : f.start])
    if f.start < len(skel) and skel.startswith("ngay", f.start):
        before += " ngay"
    after = skel[f.end : f.end + 240]
    if _OTHER_BEFORE.search(before):
        # an ID card's issue date is "other"; a certificate's ("giấy chứng nhận … cấp ngày") cited
        if _CERTIFICATE.search(before) and not _ID_CARD.search(before[-60:]):
            return "cited"
        return "other"
    if _CITED_AFTER.match(after):
        return "cited"  # "ngày 21/4/2016 Chi cục Thi hành án … ra quyết định …"
    if _HEARING_BEFORE.search(before) or _HEARING_AFTER.match(after):
        return "hearing"
    if _SCHEDULE_BEFORE.search(before):
        return "event"  # "Thời gian tổ chức cuộc đấu giá: 16/07/2024 08:30", "từ … đến …"
    if _STAMP_AFTER.match(after) or _STAMP_BEFORE.search(before):
        return "other"
    if _WHEN_BEFORE.search(before):
        return "event"  # "… bán đấu giá vào ngày …"
    m = _CITED_BEFORE.search(before)
    if m:
        nouns = [*_CITED_NOUN.finditer(before), *_EVENT_NOUN.finditer(before)]
        last = max(nouns, key=lambda n: n.start(), default=None)
        if last is None or _CITED_NOUN.fullmatch(last.group(0)):
            return "cited"
    return "event"


_AND_DAY = re.compile(r"\s*(?:,|va)\s*(?:ngay\s*)?")


def typed_dates(text: str, found: list[FoundDate], own: FoundDate | None) -> list[DateRef]:
    """Every date with its kind, each (date, kind) once, in order of first appearance."""
    skel = skeleton(text)
    out: list[DateRef] = []
    prev_end = 0
    prev_kind: DateKind | None = None
    for f in found:
        kinds: list[DateKind] = []
        if own is not None and f.start == own.start:
            kinds.append("document")
            kind = date_kind(skel, f, prev_end)
            if kind == "hearing":
                kinds.append(kind)
        elif prev_kind is not None and _AND_DAY.fullmatch(skel, prev_end, f.start):
            kinds.append(prev_kind)  # "văn bản ủy quyền ngày 13/5/2020 và ngày 14/5/2020"
        else:
            kinds.append(date_kind(skel, f, prev_end))
        prev_end, prev_kind = f.end, kinds[-1]
        for kind in kinds:
            ref = DateRef(date=f.iso, kind=kind)
            if ref not in out:
                out.append(ref)
    return out

"""Sums of money in Vietnamese đồng, as integers.

Reads numerals with dot thousands and comma decimals (1.006.918.634.000đ, 19.026.947 đồng,
125.000.000 VNĐ), comma thousands where unambiguous (400,000,000 VNĐ), mixed units
("116.531 tỷ 786 triệu 859 nghìn đồng", "2,2 tỉ đồng", "50 triệu đồng") and amounts in
words ("(Một trăm hai mươi lăm triệu đồng)"). Words only check the numerals: when both
are present and disagree, OCR garbled a digit, and the words win if they parse completely.
Foreign currency (USD) and percentages are not amounts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.extract.text import skeleton

_NUMERAL = re.compile(r"(?<![\d.,])(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?\s*(dong|d|vnd)(?![a-z0-9])")
# Comma thousands ("400,000,000 VNĐ", as some portals and crawlers print sums): read only
# when unambiguous, i.e. two or more groups of exactly three digits right before the currency
# word; "2,5 triệu", "1,500 đồng" stay what the dot style makes of them.
_COMMA_GROUPED = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3}){2,})\s*(?:dong|vnd|d)(?![a-z0-9])")
_UNITS = re.compile(
    r"(?<![\d.,])(\d{1,3}(?:\.\d{3})*(?:,\d+)?)\s*(?:ty|ti)(?![a-ce-z])"  # not "45 Tỉnh lộ"
    r"(?:\s*,?\s*(\d{1,3}(?:,\d+)?)\s*trieu)?"
    r"(?:\s*,?\s*(\d{1,3})\s*(?:nghin|ngan))?(?:\s*,?\s*(\d{1,3})\s*dong)?\s*(?:dong|vnd|d\b)?"
    r"|(?<![\d.,])(\d{1,3}(?:,\d+)?)\s*trieu(?:\s*,?\s*(\d{1,3})\s*(?:nghin|ngan))?\s*(?:dong|vnd)"
)
# OCR loses a trailing "đ" or reads it as a digit ("210.000.0003."): a sum in millions
# with dot groups is still VND where the sentence ends after it, or after money words.
_BARE = re.compile(
    r"(?:(?:so tien|tien|chi phi|tri gia|gia tri|tam tinh|le phi|an phi|tong cong|con no|"
    r"no goc|cap duong|moi thang)[^\n\d]{0,20}?)?"
    r"(?<![\d.,])(\d{1,3}(?:\.\d{3}){2,})\d?(?:[.,;)](?=\s|$)|(?=\s|$)(?![ \t]*[^\W\d_%]))"
)
_WORDS = re.compile(r"\(\s*(?:bang chu\s*:?\s*)?([a-z ,]{6,160}?dong)\s*(?:chan)?\s*\.?\)")

_DIGITS = {
    "khong": 0,
    "mot": 1,
    "hai": 2,
    "ba": 3,
    "bon": 4,
    "tu": 4,
    "nam": 5,
    "lam": 5,
    "sau": 6,
    "bay": 7,
    "tam": 8,
    "chin": 9,
}
_SCALES = {"ty": 10**9, "ti": 10**9, "trieu": 10**6, "nghin": 10**3, "ngan": 10**3}


@dataclass(frozen=True)
class FoundAmount:
    value: int
    start: int
    end: int


def _decimal(whole: str, frac: str | None) -> float:
    value = float(whole.replace(".", ""))
    if frac:
        value += float("0." + frac)
    return value


def words_value(words: str) -> int | None:
    """Value of a folded amount in words ("mot tram hai muoi lam trieu dong"), or None."""
    tokens = re.sub(r"[^a-z ]", " ", words).split()
    if tokens and tokens[-1] == "dong":
        tokens = tokens[:-1]
    if not tokens:
        return None
    total = 0  # whole billions already closed
    big = 0  # thousands and millions below the next "tỷ"
    group = 0  # 0–999 being built
    current: int | None = None  # a digit waiting for "trăm"/"mươi"/a scale
    for t in tokens:
        if t in ("linh", "le", "chan", "va"):
            continue
        if t == "tram":
            group += (1 if current is None else current) * 100
            current = None
        elif t == "muoi":
            group += (1 if current is None else current) * 10
            current = None
        elif t in _SCALES:
            group += current or 0
            current = None
            if _SCALES[t] == 10**9:
                total = (total + big + group) * 10**9
                big = 0
            else:
                big += group * _SCALES[t]
            group = 0
        elif t in _DIGITS:
            current = _DIGITS[t]
        else:
            return None
    return total + big + group + (current or 0)


def find_amounts(text: str) -> list[FoundAmount]:
    """Every amount in VND in `text`, in order (words correct a garbled numeral)."""
    skel = skeleton(text)
    found: list[FoundAmount] = []
    spans: list[tuple[int, int]] = []
    for m in _UNITS.finditer(skel):
        if m.group(1):
            a, _, b = m.group(1).partition(",")
            v = _decimal(a, b or None) * 10**9
            if m.group(2):
                v += float(m.group(2).replace(",", ".")) * 10**6
            if m.group(3):
                v += int(m.group(3)) * 10**3
            if m.group(4):
                v += int(m.group(4))
        else:
            whole = m.group(5)
            a, _, b = whole.partition(",")
            v = _decimal(a, b or None) * 10**6
            if m.group(6):
                v += int(m.group(6)) * 10**3
        found.append(FoundAmount(round(v), m.start(), m.end()))
        spans.append((m.start(), m.end()))
    for m in _COMMA_GROUPED.finditer(skel):
        if any(s <= m.start() < e for s, e in spans):
            continue
        value = _checked(skel, int(m.group(1).replace(",", "")), m.end())
        found.append(FoundAmount(value, m.start(), m.end()))
        spans.append((m.start(), m.end()))
    for m in _NUMERAL.finditer(skel):
        if any(s <= m.start() < e for s, e in spans):
            continue
        whole, frac = m.group(1), m.group(2)
        if frac is None and "." not in whole and len(whole) < 4:
            continue  # "2 đ" is not a sum anyone cites; most likely "điểm 2 đ…"
        if m.group(3) == "d" and not whole.count("."):
            continue
        value = _checked(skel, round(_decimal(whole, frac)), m.end())
        found.append(FoundAmount(value, m.start(), m.end()))
    # OCR drops a trailing "đ": a big bare numeral right after money words is still VND.
    for m in _BARE.finditer(skel):
        if any(s <= m.start() < e for s, e in spans) or any(
            f.start <= m.start() < f.end for f in found
        ):
            continue
        found.append(FoundAmount(round(_decimal(m.group(1), None)), m.start(), m.end()))
    # Amounts written only in words ("số tiền một trăm triệu đồng") are not read.
    found.sort(key=lambda f: f.start)
    return found


def _checked(skel: str, value: int, end: int) -> int:
    """`value`, or the amount in words right after the numeral ending at `end` where the
    words parse completely and disagree (OCR garbled a digit)."""
    words = _WORDS.match(skel, end, min(len(skel), end + 200))
    words = words or _WORDS.match(skel, _skip_blank(skel, end))
    if words:
        w = words_value(words.group(1))
        if w is not None and w != value and w > 0:
            return w
    return value


def _skip_blank(skel: str, pos: int) -> int:
    while pos < len(skel) and skel[pos] in " \n\t,;":
        pos += 1
    return pos


def unique_values(found: list[FoundAmount]) -> list[int]:
    out: list[int] = []
    for f in found:
        if f.value > 0 and f.value not in out:
            out.append(f.value)
    return out

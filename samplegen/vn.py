"""Vietnamese formatting helpers: amounts in figures and words, dates in every style seen."""

from __future__ import annotations

import datetime as dt

_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
_UNITS = ["", "nghìn", "triệu", "tỷ"]


def _three(n: int, full: bool) -> str:
    """Read 0..999; `full` forces "không trăm" / "linh" for inner groups."""
    h, t, u = n // 100, (n // 10) % 10, n % 10
    words: list[str] = []
    if h or full:
        words += [_DIGITS[h], "trăm"]
    if t == 0:
        if u and (h or full):
            words.append("linh")
    elif t == 1:
        words.append("mười")
    else:
        words += [_DIGITS[t], "mươi"]
    if u:
        if u == 1 and t > 1:
            words.append("mốt")
        elif u == 5 and t > 0:
            words.append("lăm")
        else:
            words.append(_DIGITS[u])
    return " ".join(words)


def number_words(n: int) -> str:
    """Vietnamese reading of 0 <= n < 10^12: 125000000 → "một trăm hai mươi lăm triệu"."""
    if not 0 <= n < 10**12:
        raise ValueError(f"amount out of range: {n}")
    if n == 0:
        return "không"
    groups = [(n // 1000**i) % 1000 for i in range(4)]
    top = max(i for i, g in enumerate(groups) if g)
    parts = []
    for i in range(top, -1, -1):
        if groups[i]:
            unit = _UNITS[i]
            parts.append(_three(groups[i], i != top) + (f" {unit}" if unit else ""))
    return " ".join(parts)


def amount_words(n: int) -> str:
    """ "Một trăm hai mươi lăm triệu đồng" (capitalised, with the unit)."""
    w = number_words(n) + " đồng"
    return w[0].upper() + w[1:]


def money(n: int, unit: str = " đồng") -> str:
    """125000000 → "125.000.000 đồng" (dots group thousands)."""
    return f"{n:,}".replace(",", ".") + unit


def pad_day_month(d: dt.date) -> tuple[str, str]:
    """NĐ 30/2020: zero-pad days below 10 and months 1 and 2."""
    day = f"{d.day:02d}"
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return day, month


def date_long(d: dt.date) -> str:
    """ "ngày 05 tháng 3 năm 2020"."""
    day, month = pad_day_month(d)
    return f"ngày {day} tháng {month} năm {d.year}"


def date_num(d: dt.date, style: str = "/") -> str:
    """Numeric dates as written: "15/6/2020", "15-6-2020", "05/03/2020" ("0/"), "15.6.2020"."""
    if style == "0/":
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    if style == "0-":
        return f"{d.day:02d}-{d.month:02d}-{d.year}"
    return f"{d.day}{style}{d.month}{style}{d.year}"

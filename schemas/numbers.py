"""Document numbers: their grammar and their keys, the one home of both.

A document number is a serial, an optional year and a letter code: court numbers
(759/2017/LĐ-PT), administrative numbers (129/QĐ-CCTHADS), công văn
(470/CQLTHADS-BPC&NVTHADS), normative acts (04/2023/TT-BTP) and party-style numbers
(49-NQ/TW). Extraction finds them in OCR text with `scan` (ingest.extract.numbers adds what
each one is and which is the document's own); search indexes the numbers written on each
page with the same `scan` and parses a query with `query_keys`; numbers are matched on
`number_key`, everywhere. So what a number query finds is what extraction would read
(tests/test_number_drift.py checks both sides on the real corpus).

The grammar tolerates OCR and typing: spaces around "/" and "-", a missing year or hyphen,
letter suffixes, Đ→D, "/"→"l" (`repair_slashes`, which keeps the text's length), and rejects
look-alikes with no letter code (addresses 100/8A, "Đường 20/9", account and phone numbers).
Pure and fast: no I/O, nothing imported from above schemas.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from schemas.normalize import repair, strip_marks

# -- keys ------------------------------------------------------------------------------------
_SPACES = re.compile(r"\s+")
_NUM_SPACES = re.compile(r"\s*([/\-])\s*")


def number_form(text: str) -> str:
    """A document number's uniform written form: no spaces, one dash, upper case, Đ→D
    ("02/2022/QĐXX - LĐST" → "02/2022/QDXX-LDST"): what extraction records and scores.
    Not a matching key: numbers are matched on `number_key`."""
    t = repair(text).strip().upper()
    t = _NUM_SPACES.sub(r"\1", t)
    t = _SPACES.sub("", t)
    return strip_marks(t)


_LEADING_ZEROS = re.compile(r"(?<![0-9])0+(?=[0-9])")
_NUM_EDGES = re.compile(r"^[^0-9A-Z]+|[^0-9A-Z]+$")


def number_key(text: str) -> str:
    """The key on which document numbers are matched (the only one: search, the page
    viewer's outlines, case links, `cases_citing`): `number_form` without dashes, leading
    zeros or edge punctuation, so "02/2022/QĐXX - LĐST", "2/2022/QDXXLDST." and
    "02/2022/QĐXX-LĐST" agree (OCR and officers drop or add hyphens and zeros freely)."""
    key = number_form(text).replace("-", "")
    return _NUM_EDGES.sub("", _LEADING_ZEROS.sub("", key))


def number_matches(found: str, wanted: str) -> bool:
    """Whether a number written on a page (its key `found`) is the one asked for (`wanted`):
    the same key, or a longer number that starts with it ("12/2020" finds "12/2020/DS-ST")."""
    return found == wanted or found.startswith(wanted + "/")


# -- grammar ---------------------------------------------------------------------------------
# OCR swaps "/" for "l", "I", "|" (and sometimes "1") between a serial and a year or code,
# and reads the digit 1 as "l" or "I" inside a serial ("2l5/QĐ-…").
_DIGIT_L = re.compile(r"[0-9]\s?[lI|]")
_SLASH_AS_L = re.compile(r"(\d\s?)[lI|](\s?)(?=(?:19|20)\d{2}\s*/|[A-ZĐ]{2,}\s*-)")
_ONE_AS_L = re.compile(r"(\d)[lI](?=\d{0,4}\s*/)")
_SLASH_AS_ONE = re.compile(r"\d{1,4}1(?:19|20)[0-3]\d")  # a whole run of digits before "/"
_CODE_AFTER = re.compile(r"/\s*[A-ZĐ]")

_SEG = r"(?:TTg|TTr|QyĐ|[A-ZĐ][A-ZĐ0-9&]*(?:\.(?:[A-ZĐ]+|\d{1,3}(?![\d/])))*)"
_PART = rf"(?:{_SEG}(?:\s*-\s*(?:{_SEG}|\d{{1,4}}(?![\d/]))){{0,3}})"
_NUMBER = re.compile(
    # glued to "số" ("số249/2017/…") or standing alone
    r"(?:(?<=s[ốoô])|(?<![\w/.,]))"
    # serial: "12", "12A", "PL01/193" (appendix), "01/11/2806" (contract), "000903.2019"
    r"(?P<serial>(?:[A-ZĐ]{1,3})?\d{1,6}[A-Z]?(?:\s*/\s*\d{1,6}(?![\d.]|\s*/\s*[A-ZĐ]*[a-zđ])){0,2}"
    r"(?:\.(?:19|20)\d{2})?)\s*/\s*"
    r"(?:(?P<year>(?:19|20)\d{2})\s*/\s*)?"
    # code: "DS-ST", "HĐDV-247", "HĐNT/NP-2012", "HĐMBT/2016", "CT/2007-VKSTC-VP"
    rf"(?P<code>{_PART}(?:\s*/\s*(?:{_PART}|(?:19|20)\d{{2}}(?:\s*-\s*{_PART})?))?)"
    # a code may run into the next word in lower case ("QĐPT-HCngày")
    r"(?![\dđĐ_A-Z])"
)
# Party-style numbers: "49-NQ/TW", "01-TANDTC-VKSNDTC/TTLT".
_DASHED = re.compile(
    r"(?<![\w/.,-])(?P<serial>\d{1,4})-(?P<code>[A-ZĐ]{2,}(?:-[A-ZĐ]{2,}){0,3}/[A-ZĐ]{2,})(?![\wđĐ])"
)
_YEAR_END = re.compile(r"/(?:19|20)\d{2}$")
_YEAR_IN = re.compile(r"/(?:19|20)\d{2}")
# "Số:" just before a number: the document labels it as a number, whatever its code.
_LABEL = re.compile(r"\bso\s*:?\s*$")

# Segment spellings that OCR or ASCII typing produce, mapped to the written form.
_CODE_ALIASES = {
    "QD": "QĐ",
    "LD": "LĐ",
    "HNGD": "HNGĐ",
    "GDT": "GĐT",
    "QDPT": "QĐPT",
    "QDST": "QĐST",
    "QDXX": "QĐXX",
    "QDXXST": "QĐXXST",
    "ND": "NĐ",
    "HDTP": "HĐTP",
    "HDQT": "HĐQT",
}
LEGACY_CODE = re.compile(r"^(DS|HNGĐ|HNGD|KDTM|LĐ|LD|HC|HS)(ST|PT|GĐT|GDT|TT)$")


@dataclass(frozen=True)
class Written:
    """One document number written in a text: its written form (code spelled canonically,
    no spaces), its letter code, its span in the text, and whether it is party-style."""

    text: str
    code: str
    start: int
    end: int
    dashed: bool = False

    @property
    def key(self) -> str:
        return number_key(self.text)


def repair_slashes(text: str) -> str:
    """Undo OCR's "/"→"l" (and "/"→"1" before a year) and "1"→"l" inside document numbers.
    Keeps the text's length, so spans found in the result are spans of `text`."""
    if _DIGIT_L.search(text):  # rare: the substitutions only where they can apply
        text = _SLASH_AS_L.sub(r"\1/\2", text)
        text = _ONE_AS_L.sub(r"\g<1>1", text)
    # "1212020/QĐ-…": "12/2020/QĐ-…", the run of digits right before a slash and a code.
    for slash in _slashes(text):
        k, j = _run_before(text, slash, "0123456789", 9)
        if (
            6 <= j - k <= 9
            and text[k - 1 : k] != "/"
            and _SLASH_AS_ONE.fullmatch(text, k, j)
            and _CODE_AFTER.match(text, slash)
        ):
            text = text[: j - 5] + "/" + text[j - 4 :]
    return text


def _slashes(text: str) -> list[int]:
    """Where "/" is in `text` (str.find: much faster than a regex over a page)."""
    out = []
    i = text.find("/")
    while i >= 0:
        out.append(i)
        i = text.find("/", i + 1)
    return out


def _run_before(text: str, slash: int, chars: str, reach: int) -> tuple[int, int]:
    """(start, end) of the run of `chars` that ends, blanks aside, at `slash`; start = end
    when there is none or it is longer than `reach` (str.rstrip: C speed)."""
    lo = max(0, slash - reach - 12)
    body = text[lo:slash].rstrip()
    j = lo + len(body)
    k = lo + len(body.rstrip(chars))
    if j - k > reach or (k == lo and lo > 0 and text[lo - 1] in chars):
        return j, j
    return k, j


def _starts(text: str, slashes: list[int], chars: str, reach: int) -> list[int]:
    """Where a number can start: at the run of `chars` (then blanks) before a slash, at
    most `reach` long. Both patterns refuse to start after a letter, a digit or a dot (their
    lookbehind), so the run's start is the only place; the grammar is tried only there, not
    at every position of a page (a fifth of the time)."""
    out: list[int] = []
    for slash in slashes:
        k, j = _run_before(text, slash, chars, reach)
        if k < j and (not out or k > out[-1]):
            out.append(k)
    return out


# The characters from a serial's start to its slash: "PL01", "12A", "000903.2019" (≤ 15).
_SERIAL_CHARS = "0123456789.ĐABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Those of a party-style number before its slash: "01-TANDTC-VKSNDTC".
_DASHED_CHARS = "0123456789-ĐABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _matches(pattern: re.Pattern[str], text: str, starts: list[int]) -> list[re.Match[str]]:
    """`pattern.finditer(text)` where matches can only start at `starts` (ascending)."""
    out: list[re.Match[str]] = []
    end = 0
    for p in starts:
        if p < end:
            continue
        m = pattern.match(text, p)
        if m is not None:
            out.append(m)
            end = m.end()
    return out


_DOUBLED_D = re.compile("ĐĐ+")
_QH = re.compile(r"QH\d{1,2}")
_DECISION_CODE = re.compile(r"(?:QĐ|QD|HS|DS|TL)[A-ZĐ]*(?:\.[A-ZĐ0-9]+)*")


@lru_cache(maxsize=4096)  # a page's codes repeat ("QĐ-CCTHADS", "DS-ST"): decided once
def _canonical_code(code: str) -> str:
    code = _DOUBLED_D.sub("Đ", code)  # OCR doubles the stroke letter ("QĐĐ-CCTHADS")
    parts = [p.strip() for p in code.split("-")]
    return "-".join(_CODE_ALIASES.get(p, p) for p in parts)


@lru_cache(maxsize=4096)
def _is_document_code(code: str, has_year: bool, labelled: bool = False) -> bool:
    """Whether a letter code after a serial is a document code, not an address suffix."""
    parts = code.split("-")
    if len(parts) > 1:
        return all(len(p) >= 2 or p in {"L"} for p in parts[:1]) and len(parts[0]) >= 2
    c = parts[0]
    if LEGACY_CODE.match(c) or _QH.fullmatch(c) or c in {"AL", "QĐPT", "QĐST"}:
        return True
    if _DECISION_CODE.fullmatch(c):
        return True
    return (has_year or labelled) and len(c) >= 2


def _labelled(text: str, start: int) -> bool:
    return bool(_LABEL.search(strip_marks(text[max(0, start - 8) : start]).lower()))


def scan(text: str, *, labelled: bool = False) -> list[Written]:
    """Every document number written in `text`, in order. `text` is `repair`ed and
    `repair_slashes`ed by the caller. A code that could be an address suffix ("100/8A")
    counts only after a year or a "Số:" label, or everywhere when `labelled` (a query)."""
    out: list[Written] = []
    slashes = _slashes(text)
    if not slashes:
        return out
    for m in _matches(_DASHED, text, _starts(text, slashes, _DASHED_CHARS, 60)):
        written = f"{m.group('serial')}-{m.group('code')}"
        out.append(Written(written, m.group("code"), m.start(), m.end(), dashed=True))
    dashed = list(out)
    for m in _matches(_NUMBER, text, _starts(text, slashes, _SERIAL_CHARS, 15)):
        if any(f.start <= m.start() < f.end for f in dashed):
            continue
        code = _SPACES.sub("", m.group("code"))
        serial, year = _SPACES.sub("", m.group("serial")), m.group("year")
        if year is None and _YEAR_END.search(serial):
            serial, year = serial[:-5], serial[-4:]  # "326/2016" + "UBTVQH14": the year
        dated = year is not None or bool(_YEAR_IN.search(code))
        if not _is_document_code(code, dated, labelled) and not (
            _labelled(text, m.start()) and _is_document_code(code, dated, labelled=True)
        ):
            continue
        code = _canonical_code(code)
        written = f"{serial}/{year}/{code}" if year else f"{serial}/{code}"
        out.append(Written(written, code, m.start(), m.end()))
    return sorted(out, key=lambda f: f.start)


# -- queries ---------------------------------------------------------------------------------
_QUERY_PREFIX = re.compile(r"^(?:số|so)\b\s*:?\s*", re.IGNORECASE)
_QUERY_CHARS = re.compile(r"\d[0-9A-Za-zĐđ&/\-\s.]*")
# Typed without the slash between serial, year and code: "175 QĐ-CCTHADS", "12/2020 DS-ST".
_QUERY_NO_SLASH = re.compile(r"(?<=\d)\s+(?=(?:19|20)\d{2}\b|[A-Za-zĐđ])")


def _whole_query(q: str) -> str | None:
    """The key of a query that is nothing but a document number, spaces anywhere and a slash
    possibly left out ("58/2022/DS ST", "Số: 129 / QĐ - CCTHADS", "175 QĐ-CCTHADS",
    "12/2020": a serial and year, which finds the numbers that start with it), else None."""
    t = _QUERY_PREFIX.sub("", q).strip(" .,;:")
    if not _QUERY_CHARS.fullmatch(t):
        return None
    slashed = "/" in t
    t = _QUERY_NO_SLASH.sub("/", t)
    if "/" not in t or not re.search(r"[A-Za-zĐđ]" if not slashed else r"[A-Za-zĐđ]|/\d", t):
        return None
    found = scan(repair_slashes(t.upper()), labelled=True)
    if len(found) == 1 and not t[: found[0].start].strip() and not t[found[0].end :].strip():
        return found[0].key  # the grammar reads it whole: its key, as extraction's
    return number_key(_SPACES.sub("", t))


def query_keys(q: str) -> tuple[str, ...]:
    """The `number_key`s a search query asks for, in order (empty: not a number query): the
    whole query if it is a number, else the numbers the grammar finds in it."""
    q = repair(q).strip()
    whole = _whole_query(q)
    if whole:
        return (whole,)
    keys = [f.key for f in scan(repair_slashes(q.upper()), labelled=True)]
    return tuple(dict.fromkeys(keys))


__all__ = [
    "LEGACY_CODE",
    "Written",
    "number_form",
    "number_key",
    "number_matches",
    "query_keys",
    "repair_slashes",
    "scan",
]

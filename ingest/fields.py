"""Handwritten fields of a printed form: the number after "Số:" and the day in "ngày … tháng".

Offices print the form and write the document's number and day into it by hand when it is
signed. Such a field is found from the OCR words around it (the printed "Số:" and the "/" of
the code after it; the printed "ngày" and "tháng"), judged handwritten from the page:
  - colour scans: coloured ink (`ingest.preprocess.colour_ink`) inside the field's box;
  - grey and 1-bit scans: what Tesseract read there is unsure (a low-confidence or non-digit
    token) or ink is there and nothing was read.
Each one becomes a `ReviewField` with its box (the page needs a person to type it). The
digits are still tried (`ingest.ocr.ocr_number`, digits only, on the ink alone) and put into
the page's text only when read with confidence; nothing is ever made up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ingest.ocr import ocr_number
from schemas import ReviewField, Word

# The printed labels are in the page's header: the top share of the page searched.
HEADER_SHARE = 0.4
# Ink inside the field, in pixels per (dpi/100)²: more than stray dots of a seal's edge.
MIN_INK_PX = 40
# A number Tesseract read at least this sure, in digits only, is taken as printed.
PRINTED_CONF = 85.0
# Digits read from a handwritten field are kept only this sure: Tesseract 5.5 read the
# handwritten "574" of a real page as "514" at 60 and its day "04" as "4" at 51.
HANDWRITTEN_MIN_CONF = 65.0
_PUNCT = ".,;:()"
# "Số:" as read: the tone or the hat of ô is often lost or changed ("Só:", "Sô:").
_SO = re.compile(r"^s[oóòỏõọôốồổỗộ]:")


@dataclass
class Field:
    kind: str  # number | day
    box: tuple[int, int, int, int]  # x, y, w, h in the OCR image
    read: list[Word]  # the words Tesseract read inside it


def _bare(text: str) -> str:
    return text.lower().strip(_PUNCT)


def _x_of(word: Word, index: int) -> int:
    """Where character `index` of `word` starts (characters taken as equally wide)."""
    return word.left + round(word.width * index / max(1, len(word.text)))


def find_fields(words: list[Word], page_h: int) -> list[Field]:
    """The number and day fields in the header (see the module docstring)."""
    found: list[Field] = []
    kinds: set[str] = set()
    for i, w in enumerate(words):
        if w.top > HEADER_SHARE * page_h:
            break
        low = w.text.lower()
        if "number" not in kinds and _SO.match(low):
            line = _rest_of_line(words, i)
            end = _x_of(w, 3)
            stop = next((x for x in [w, *line] if "/" in x.text[3 if x is w else 0 :]), None)
            if stop is None:
                continue
            slash = stop.text.index("/", 3 if stop is w else 0)
            right = _x_of(stop, slash)
            inside = [x for x in line if x.left + x.width <= right + 2 or x is stop]
            found.append(Field("number", _box(w, end, right), inside))
            kinds.add("number")
        elif "day" not in kinds and _bare(low).startswith("ngày"):
            line = _rest_of_line(words, i)
            # "tháng" may come glued to what was read of the day ("O†tháng").
            month = next((x for x in line if "tháng" in x.text.lower()), None)
            if month is None:
                continue
            right = _x_of(month, month.text.lower().index("tháng"))
            inside = [x for x in line if x.left < right]
            found.append(Field("day", _box(w, _x_of(w, 4), right), [w, *inside]))
            kinds.add("day")
    return found


def _rest_of_line(words: list[Word], i: int) -> list[Word]:
    """Up to six words after word `i` on its line (looked for only after a field's label:
    after every header word it cost ~3 ms a page)."""
    return [x for x in words[i + 1 :] if x.line == words[i].line][:6]


def _box(label: Word, x0: int, x1: int) -> tuple[int, int, int, int]:
    """The field's box: from x0 to x1, the label's line with room above and below for the
    handwriting, which is often bigger than print and off the line."""
    pad = round(0.6 * label.height)
    return x0, max(0, label.top - pad), max(1, x1 - x0), label.height + 2 * pad


def _field_text(f: Field) -> str:
    """What Tesseract read inside the field (the label's own characters left out)."""
    out = []
    for w in f.read:
        t = w.text
        if f.kind == "number" and _SO.match(t.lower()):
            t = t[3:]
        if f.kind == "day" and _bare(t).startswith("ngày"):
            t = t.lower().split("ngày", 1)[1]
        if f.kind == "day" and "tháng" in t.lower():
            t = t[: t.lower().index("tháng")]
        t = t.split("/", 1)[0] if f.kind == "number" else t
        if t.strip():
            out.append(t.strip())
    return " ".join(out)


def review_fields(
    image: np.ndarray,
    ink: np.ndarray | None,
    words: list[Word],
    dpi: int,
    *,
    lang: str = "vie",
    timeout_s: float = 30.0,
) -> list[ReviewField]:
    """Handwritten number and day fields of a page (see the module docstring). `image` is
    the page Tesseract read, `ink` its coloured-ink mask (None for grey scans)."""
    out: list[ReviewField] = []
    min_ink = MIN_INK_PX * (dpi / 100) ** 2
    for f in find_fields(words, image.shape[0]):
        x, y, w, h = f.box
        read = _field_text(f)
        digits = re.sub(r"\D", "", read)
        reason = ""
        crop = None
        if ink is not None and int((ink[y : y + h, x : x + w] > 0).sum()) >= min_ink:
            reason = "handwritten (coloured ink)"
            crop = 255 - ink[y : y + h, x : x + w]
        else:
            sure = bool(f.read) and min(wd.conf for wd in f.read) >= PRINTED_CONF
            dark = int((image[y : y + h, x : x + w] < 128).sum())
            if digits and read.replace(" ", "").isdigit() and sure:
                continue  # printed, or written so clearly that Tesseract is sure
            if not digits and dark < min_ink:
                continue  # left blank
            reason = "handwritten or unclear (Tesseract unsure)"
            crop = image[y : y + h, x : x + w]
        number = _read_digits(crop, dpi, lang, timeout_s) if crop is not None else None
        out.append(
            ReviewField(kind=f.kind, text=number or "", reason=reason,
                        left=x, top=y, width=w, height=h)
        )  # fmt: skip
    return out


def _read_digits(crop: np.ndarray, dpi: int, lang: str, timeout_s: float) -> str | None:
    """Digits read from the ink of a field crop (tight box around it), or None."""
    ys, xs = np.nonzero(crop < 128)
    if len(xs) < 10:
        return None
    tight = crop[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    got = ocr_number(tight, dpi=dpi, lang=lang, timeout_s=timeout_s)
    return got[0] if got and got[1] >= HANDWRITTEN_MIN_CONF else None


_NUMBER_FIELD = re.compile(r"(S[oóòỏõọôốồổỗộ]:)[^\S\n]*[^\s/]*[^\S\n]*(?=/)")
_DAY_FIELD = re.compile(r"(ngày)[^\S\n]*[^\s]*?[^\S\n]*(?=tháng)", re.IGNORECASE)


def fill_text(text: str, fields: list[ReviewField]) -> str:
    """The page text with each field that was read put in place of what stood there."""
    for f in fields:
        if not f.text:
            continue
        pattern = _NUMBER_FIELD if f.kind == "number" else _DAY_FIELD

        def put(m: re.Match[str], t: str = f.text) -> str:
            return f"{m.group(1)} {t} "

        text = pattern.sub(put, text, count=1)
    return text

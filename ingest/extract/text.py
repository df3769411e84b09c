"""Position-preserving views of a document's text for the extractors.

Extractors match patterns on `skeleton(text)` (lowercase, no diacritics, đ→d, same length
as the text) and cut what they report out of the repaired text itself, so matching is
tolerant of tone-mark loss and case while the output keeps the spelling as written.
This module only prepares text; it knows nothing of numbers, dates or parties.
"""

from __future__ import annotations

import re

from schemas.normalize import repair, strip_marks

UP = "A-ZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
LO = "a-zđàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"

_SPACES = re.compile(r"[ \t]+")
# Specks and rules at the start of a line that OCR reads as "._", "-_", "__" (not a "- " bullet).
_LINE_JUNK = re.compile(r"^(?:[._~|]+[-_.~|]*|-_[-_.~|]*)\s+")
# Tesseract inserts Ñ (no Vietnamese word has it) beside Đ in bold codes: "HNÑGĐ", "KNÑ-".
_STRAY_N_TILDE = re.compile(r"(?<=[A-ZĐ])Ñ(?=[A-ZĐ-])")
# OCR specks read as quotes in front of a capital ("Bà Huỳnh 'Thị C").
_STRAY_QUOTE = re.compile(rf"(?<=\s)['‘’`´](?=[{UP}])")


class _SkeletonTable(dict[int, str]):
    """str.translate table filled on first sight of each code point (C-speed afterwards)."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        out = strip_marks(ch).lower()
        value = out if len(out) == 1 else ch
        self[code] = value
        return value


_SKELETON = _SkeletonTable()


def skeleton(text: str) -> str:
    """Lowercase, mark-free copy of `text` with the same length (index i ↔ index i)."""
    return text.translate(_SKELETON)


def prepare(text: str) -> str:
    """Repair look-alike code points (Ð→Đ, ƣ→ư, dashes) and tidy blanks inside lines."""
    text = repair(text).replace("\r\n", "\n").replace("\r", "\n")
    text = _STRAY_QUOTE.sub("", text)
    text = _STRAY_N_TILDE.sub("", text)
    # Elsewhere Tesseract doubles an N as "NÑ" ("1.NÑguyên đơn", "Vũ Văn NÑ") or reads it "Ñ".
    text = text.replace("NÑ", "N").replace("ÑN", "N").replace("Ñ", "N")
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(_LINE_JUNK.sub("", line) for line in lines)


def one_line(text: str) -> str:
    """Join a field that OCR broke over several lines."""
    return re.sub(r"\s+", " ", text).strip()

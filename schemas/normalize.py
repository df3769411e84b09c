"""Vietnamese text normalisation: the one place where text is made comparable.

Used at index time and at query time by both search backends, by OCR post-processing
(`repair`) and by extraction. It must stay pure and fast: no I/O, no imports from the
rest of the project.

- `repair`: fix code points that look right but are wrong (Icelandic Ð for Đ, "ƣ" for "ư",
  U+2044 for "/"), then NFC.
- `normalize`: `repair`, one tone-mark placement (hoà → hòa, thuý → thúy), lowercase,
  single spaces. Keeps diacritics.
- `fold`: `normalize`, then every mark removed and đ → d ("Nguyễn Văn Tráng" → "nguyen van trang").

Document numbers (their grammar, `number_form` and `number_key`) are in `schemas.numbers`.
"""

from __future__ import annotations

import re
import unicodedata

# Look-alikes seen in OCR output and PDF text layers (docs/domain.md §7, docs/ocr.md §3).
_LOOKALIKES = str.maketrans(
    {
        "\u00d0": "\u0110",  # Ð (Icelandic) → Đ
        "\u00f0": "\u0111",  # ð → đ
        "\u01a3": "\u01b0",  # ƣ (LATIN SMALL LETTER OI) → ư
        "\u01a2": "\u01af",  # Ƣ → Ư
        "\u2044": "/",  # fraction slash
        "\u2215": "/",  # division slash
        "\u00a0": " ",
    }
)
_DASHES = re.compile(r"[\u2010\u2011\u2012\u2013\u2014\u2015\u2212]")

# The five tone marks as combining characters (NFD), the one table of them in hoso.
GRAVE = "\u0300"  # huyền
ACUTE = "\u0301"  # sắc
TILDE = "\u0303"  # ngã
HOOK = "\u0309"  # hỏi
DOT_BELOW = "\u0323"  # nặng
TONE_MARKS = frozenset({GRAVE, ACUTE, TILDE, HOOK, DOT_BELOW})
_VOWELS = set("aăâeêioôơuưy")
_MARKED_VOWELS = set("ăâêôơư")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_SPACES = re.compile(r"\s+")


_NEEDS_REPAIR = re.compile("[" + "".join(chr(c) for c in _LOOKALIKES) + "]")


def repair(text: str) -> str:
    """Map look-alike code points to the Vietnamese letters they stand for; NFC."""
    if _NEEDS_REPAIR.search(text):  # translate() is slow on long pages: only when needed
        text = text.translate(_LOOKALIKES)
    if _DASHES.search(text):
        text = _DASHES.sub("-", text)
    if unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


def _place_tone(word: str) -> str:
    """Return `word` with its tone mark on the canonical vowel (hòa, thủy, hoàn, quý)."""
    decomposed = unicodedata.normalize("NFD", word)
    tone = next((c for c in decomposed if c in TONE_MARKS), None)
    if tone is None:
        return word
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
    low = bare.lower()
    # Vowel positions, treating the u of "qu" and the i of "gi" + vowel as consonants.
    idx = [i for i, ch in enumerate(low) if ch in _VOWELS]
    if len(idx) >= 2 and low[:2] in ("qu", "gi") and idx[0] == 1:
        idx = idx[1:]
    if not idx:
        return word
    # The vowel cluster is the first contiguous run of vowels.
    cluster = [idx[0]]
    for i in idx[1:]:
        if i == cluster[-1] + 1:
            cluster.append(i)
        else:
            break
    marked = [i for i in cluster if low[i] in _MARKED_VOWELS]
    closed = cluster[-1] + 1 < len(low)
    if marked:
        pos = marked[-1]
    elif len(cluster) == 1:
        pos = cluster[0]
    elif closed:
        pos = cluster[-1]
    elif len(cluster) == 2:
        pos = cluster[0]  # hòa, khỏe, thủy, mái, múa
    else:
        pos = cluster[1]  # ngoái, khuỷu
    out = bare[:pos] + unicodedata.normalize("NFC", bare[pos] + tone) + bare[pos + 1 :]
    return out


def place_tones(text: str) -> str:
    """`text` with every word's tone mark on its canonical vowel (hoà → hòa); case kept."""
    return _WORD.sub(lambda m: _place_tone(m.group(0)), text)


def normalize(text: str) -> str:
    """Comparable Vietnamese text that keeps diacritics: lowercase, NFC, one tone placement."""
    text = place_tones(repair(text).lower())
    return _SPACES.sub(" ", text).strip()


# strip_marks is on the hot path of indexing and of every snippet: text whose only non-ASCII
# characters (once decomposed) are these marks of Latin letters drops them by encoding to
# ASCII; other text (quotes, other scripts) checks each remaining non-ASCII character.
_MARKS = re.compile(
    "[" + "".join(chr(c) for c in range(0x300, 0x370) if unicodedata.combining(chr(c))) + "]"
)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_NON_ASCII_NON_MARK = re.compile("[^\\x00-\\x7f" + _MARKS.pattern[1:])


def _drop_combining(m: re.Match[str]) -> str:
    return "" if unicodedata.combining(m.group(0)) else m.group(0)


def strip_marks(text: str) -> str:
    """Remove every combining mark and map đ/Đ to d/D; does not change case."""
    bare = unicodedata.normalize("NFD", text).replace("đ", "d").replace("Đ", "D")
    if bare.isascii():
        pass
    elif not _NON_ASCII_NON_MARK.search(bare):  # only marks to drop: the fast way
        bare = bare.encode("ascii", "ignore").decode("ascii")
    else:
        bare = _NON_ASCII.sub(_drop_combining, _MARKS.sub("", bare))
    return unicodedata.normalize("NFC", bare)


def fold(text: str) -> str:
    """Diacritic-free lowercase form: "Nguyễn Văn Tráng" → "nguyen van trang"."""
    return strip_marks(normalize(text))


def syllables(text: str) -> list[str]:
    """Normalised words (syllables) of `text`, in order, diacritics kept."""
    return _WORD.findall(normalize(text))

"""Decide whether a PDF page's text layer is trustworthy Vietnamese, repairing it when it can.

A text layer is read as-is, and also decoded as TCVN3 (ABC, ".VnTime" fonts) and VNI mis-read
as Latin-1, after `schemas.normalize.repair` (ƣ→ư, Ð→Đ). Each candidate gets an explainable
score: the share of its words that are well-formed Vietnamese syllables (onset + rhyme + a tone
the rhyme allows). The best candidate is accepted when most words are valid syllables and
enough of them carry diacritics (a layer that dropped its marks — "bn ỏn s thm", "khơng" — fails
one test or the other). A rejected page goes to OCR. TCVN3 has no capital toned letters: ABC
set capitals in separate fonts (".VnTimeH", ".VnArialH"…) with the lower-case codes, so such
runs decode to lower case; given which characters were drawn in those fonts
(`is_capital_font` on the PDF's font names), the TCVN3 reading puts their capitals back. This
module only judges text: it reads no files and never calls Tesseract.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from schemas.normalize import ACUTE, DOT_BELOW, GRAVE, HOOK, TILDE, TONE_MARKS, repair

# --- legacy encodings --------------------------------------------------------------------

# TCVN3 (TCVN 5712:1993 VN3, the ABC ".Vn" fonts): byte → letter, for bytes shown as Latin-1.
# Generated from glibc's TCVN5712-1 table, keeping the VN3 subset (no tone-marked capitals:
# ABC set capitals with separate ".VnTimeH" fonts, whose text extracts as lower case).
_TCVN3_BYTES = (
    "¡Ă ¢Â £Ê ¤Ô ¥Ơ ¦Ư §Đ ¨ă ©â ªê «ô ¬ơ \u00adư ®đ µà ¶ả ·ã ¸á ¹ạ »ằ ¼ẳ ½ẵ ¾ắ Æặ Çầ Èẩ "
    "Éẫ Êấ Ëậ Ìè Îẻ Ïẽ Ðé Ñẹ Òề Óể Ôễ Õế Öệ ×ì Øỉ Üĩ Ýí Þị ßò áỏ âõ ãó äọ åồ æổ çỗ èố éộ "
    "êờ ëở ìỡ íớ îợ ïù ñủ òũ óú ôụ õừ öử ÷ữ øứ ùự úỳ ûỷ üỹ ýý þỵ"
)
TCVN3_TO_UNICODE: dict[str, str] = {pair[0]: pair[1] for pair in _TCVN3_BYTES.split()}
# ư is byte 0xAD, the soft hyphen; extractors often hand it over as a minus sign.
TCVN3_TO_UNICODE["\u2212"] = "ư"
_TCVN3_TABLE = str.maketrans(TCVN3_TO_UNICODE)

# VNI Windows: a base letter followed by a mark character (both shown as Latin-1).
# "Ngöôøi" = Người: ö=ư, ô=ơ, ø=grave on the preceding vowel.
_VNI_TONE = {"ù": ACUTE, "ø": GRAVE, "û": HOOK, "õ": TILDE, "ï": DOT_BELOW}
_VNI_HAT = {
    "â": ("\u0302", None),
    "á": ("\u0302", ACUTE),
    "à": ("\u0302", GRAVE),
    "å": ("\u0302", HOOK),
    "ã": ("\u0302", TILDE),
    "ä": ("\u0302", DOT_BELOW),
}
_VNI_BREVE = {
    "ê": ("\u0306", None),
    "é": ("\u0306", ACUTE),
    "è": ("\u0306", GRAVE),
    "ú": ("\u0306", HOOK),
    "ü": ("\u0306", TILDE),
    "ë": ("\u0306", DOT_BELOW),
}
_VNI_SINGLE = {
    "ô": "ơ",
    "ö": "ư",
    "ñ": "đ",
    "í": "í",
    "ì": "ì",
    "æ": "ỉ",
    "ó": "ĩ",
    "ò": "ị",
    "î": "ỵ",
}


def _vni_rules() -> list[tuple[str, str]]:
    rules: list[tuple[str, str]] = []
    for upper in (False, True):

        def cased(s: str, up: bool = upper) -> str:
            return s.upper() if up else s

        for base in "aeouyơư":
            vni_base = {"ơ": "ô", "ư": "ö"}.get(base, base)
            for mark, tone in _VNI_TONE.items():
                rules.append((cased(vni_base + mark), cased(base + tone)))
        for base in "aeo":
            for mark, (hat, hat_tone) in _VNI_HAT.items():
                rules.append((cased(base + mark), cased(base + hat + (hat_tone or ""))))
        for mark, (breve, breve_tone) in _VNI_BREVE.items():
            rules.append((cased("a" + mark), cased("a" + breve + (breve_tone or ""))))
        for single, uni in _VNI_SINGLE.items():
            rules.append((cased(single), cased(uni)))
    # Longest first so "ôø" (ờ) wins over "ô" (ơ).
    rules.sort(key=lambda r: -len(r[0]))
    return [(src, unicodedata.normalize("NFC", dst)) for src, dst in rules]


_VNI_RULES = _vni_rules()
_VNI_PATTERN = re.compile("|".join(re.escape(src) for src, _ in _VNI_RULES))
_VNI_MAP = dict(_VNI_RULES)


def decode_tcvn3(text: str) -> str:
    """Text typed in TCVN3 (ABC) and extracted as Latin-1 → Unicode."""
    return unicodedata.normalize("NFC", text.translate(_TCVN3_TABLE))


# ABC's capital fonts: ".VnTimeH", "VnArialH", "ABCDEF+.VnTimeH,Bold" (subset prefix, style).
_CAPITAL_FONT = re.compile(
    r"^/?(?:[A-Z]{6}\+)?\.?Vn[A-Za-z]*H(?:[-,_ ]?(?:Bold|Italic|Oblique|Regular|B|I))*$"
)


def is_capital_font(base_font: str) -> bool:
    """Whether a PDF font name is one of ABC's TCVN3 capital fonts (".VnTimeH" and kin)."""
    return bool(_CAPITAL_FONT.match(base_font.strip()))


def capitalise(text: str, capitals: Sequence[bool]) -> str:
    """`text` with the characters flagged in `capitals` (same length) in upper case."""
    if len(capitals) != len(text) or not any(capitals):
        return text
    return "".join(
        c.upper() if up and len(c.upper()) == 1 else c for c, up in zip(text, capitals, strict=True)
    )


def decode_vni(text: str) -> str:
    """Text typed in VNI Windows and extracted as Latin-1 → Unicode."""
    return unicodedata.normalize("NFC", _VNI_PATTERN.sub(lambda m: _VNI_MAP[m.group(0)], text))


# --- syllable validity -------------------------------------------------------------------


def _table(words: str) -> list[str]:
    """A table written as one space-separated string (easier to read and check)."""
    return words.split()


_ONSETS = {
    "",
    "b",
    "c",
    "ch",
    "d",
    "đ",
    "g",
    "gh",
    "gi",
    "h",
    "k",
    "kh",
    "l",
    "m",
    "n",
    "ng",
    "ngh",
    "nh",
    "p",
    "ph",
    "qu",
    "r",
    "s",
    "t",
    "th",
    "tr",
    "v",
    "x",
}
_OPEN_RHYMES = _table(
    "a e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iu oa oe oi ôi ơi ua uê ui uy ưa ưi ưu uơ "
    "iêu yêu oai oay oao oeo uây uôi ươi ươu uya uyu ya"
)
_CLOSED_RHYMES = _table(
    "am an ang anh ap at ac ach ăm ăn ăng ăp ăt ăc âm ân âng âp ât âc em en eng ep et ec "
    "êm ên ênh êp êt êch im in inh ip it ich om on ong op ot oc oong ooc ôm ôn ông ôp ôt ôc "
    "ơm ơn ơp ơt um un ung up ut uc ưm ưn ưng ưt ưc iêm iên iêng iêp iêt iêc yêm yên yêt "
    "oam oan oang oanh oap oat oac oach oăm oăn oăng oăt oăc uân uâng uât oen oet uênh uêch "
    "uynh uych uyt uyn uôm uôn uông uôt uôc ươm ươn ương ươp ươt ươc uyên uyêt"
)
_RHYMES = set(_OPEN_RHYMES) | set(_CLOSED_RHYMES)
_STOP_FINALS = ("p", "t", "c", "ch")
_VIET_MARKS = {"\u0302", "\u0306", "\u031b"} | TONE_MARKS  # hat, breve, horn, tones


def _split_tone(word: str) -> tuple[str, str | None]:
    """Lower-case `word` without its tone mark, and the tone (None = level)."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [c for c in decomposed if c in TONE_MARKS]
    if len(tones) > 1:
        return "", "many"
    bare = "".join(c for c in decomposed if c not in TONE_MARKS)
    return unicodedata.normalize("NFC", bare), (tones[0] if tones else None)


def is_syllable(word: str) -> bool:
    """True when `word` is a well-formed Vietnamese syllable (structure and tone rules)."""
    bare, tone = _split_tone(word)
    if not bare or tone == "many":
        return False
    for onset in sorted(_ONSETS, key=len, reverse=True):
        if not bare.startswith(onset):
            continue
        rhyme = bare[len(onset) :]
        if onset == "gi" and not rhyme:
            rhyme = "i"  # "gì", "gỉ"
        if rhyme not in _RHYMES:
            continue
        if rhyme.endswith(_STOP_FINALS) and tone not in (ACUTE, DOT_BELOW):
            continue
        if not _spelling_ok(onset, rhyme):
            continue
        return True
    return False


_FRONT = ("i", "e", "ê", "y")


def _spelling_ok(onset: str, rhyme: str) -> bool:
    """Orthography: k/gh/ngh only before i, e, ê (y); c/g/ng never there ("ki" not "ci")."""
    front = rhyme.startswith(_FRONT)
    if onset in ("k", "gh", "ngh"):
        return front
    if onset in ("c", "ng") or (onset == "g" and not rhyme.startswith("i")):
        return not front
    return True


def _has_viet_mark(word: str) -> bool:
    return "đ" in word.lower() or any(c in _VIET_MARKS for c in unicodedata.normalize("NFD", word))


_TOKEN = re.compile(r"\S+")
_EDGE_PUNCT = "\"'“”‘’()[]{}<>.,;:!?…-–—/*«»"
_ABBREVIATION = re.compile(r"^[A-ZĐ]{2,}$")


@dataclass
class TextScore:
    words: int = 0  # alphabetic words considered
    valid: int = 0  # of them, valid Vietnamese syllables
    marked: int = 0  # valid words carrying a Vietnamese diacritic or đ
    marked_invalid: int = 0  # invalid words that carry one: the sign of a broken font map
    letters: int = 0
    invalid_examples: list[str] = field(default_factory=list)

    @property
    def valid_share(self) -> float:
        return self.valid / self.words if self.words else 0.0

    @property
    def marked_share(self) -> float:
        return self.marked / self.words if self.words else 0.0

    @property
    def marked_invalid_share(self) -> float:
        total = self.marked + self.marked_invalid
        return self.marked_invalid / total if total else 0.0


def score_text(text: str) -> TextScore:
    """Count words, valid syllables and marked words (abbreviations such as UBND skipped)."""
    s = TextScore()
    for raw in _TOKEN.findall(text):
        token = raw.strip(_EDGE_PUNCT)
        if not token or any(c.isdigit() for c in token):
            continue
        s.letters += sum(c.isalpha() for c in token)
        parts = [p for p in re.split(r"[-/]", token) if p]
        for part in parts:
            if _ABBREVIATION.match(part) and not is_syllable(part):
                continue  # UBND, THADS, QĐ: capitals-only abbreviations are not prose
            s.words += 1
            if is_syllable(part):
                s.valid += 1
                if _has_viet_mark(part):
                    s.marked += 1
            else:
                if _has_viet_mark(part):
                    s.marked_invalid += 1
                if len(s.invalid_examples) < 8:
                    s.invalid_examples.append(part)
    return s


# --- the verdict -------------------------------------------------------------------------

MIN_LETTERS = 40  # fewer letters than this: no real text layer (or only a stamp)
MIN_VALID_SHARE = 0.90  # clean Vietnamese prose scores 0.95–1.0 (foreign names aside)
MIN_MARKED_SHARE = 0.30  # Vietnamese prose: 70–90% of syllables carry a mark
# Foreign words are invalid but carry no Vietnamese marks; marked invalid words ("khơng",
# "cĩ", "ỏn") come from a font map that shifted or dropped marks.
MAX_MARKED_INVALID_SHARE = 0.03


@dataclass
class TextLayerVerdict:
    accepted: bool
    method: str  # text_layer | text_layer_repaired | ocr
    text: str  # the repaired text when accepted
    encoding: str  # unicode | tcvn3 | vni
    reason: str  # one line: why accepted or rejected
    score: TextScore = field(default_factory=TextScore)


def judge_text_layer(raw: str, capitals: Sequence[bool] = ()) -> TextLayerVerdict:
    """Accept, repair or reject one page's text layer (see the module docstring).

    `capitals`: for each character of `raw`, whether it was drawn in a TCVN3 capital font."""
    raw = raw or ""
    if sum(c.isalpha() for c in raw) < MIN_LETTERS:
        return TextLayerVerdict(False, "ocr", "", "unicode", "no text layer (or almost none)")
    candidates = {
        "unicode": repair(raw),
        "tcvn3": repair(capitalise(decode_tcvn3(raw), capitals)),
        "vni": repair(decode_vni(raw)),
    }
    scored = {name: score_text(text) for name, text in candidates.items()}
    # Prefer the text as it is unless a decoding is clearly better.
    best = "unicode"
    for name in ("tcvn3", "vni"):
        if scored[name].valid_share > scored[best].valid_share + 0.05:
            best = name
    s = scored[best]
    text = candidates[best]
    figures = (
        f"{s.valid}/{s.words} valid syllables ({s.valid_share:.0%}), "
        f"{s.marked_share:.0%} with diacritics, {s.marked_invalid} invalid with diacritics"
    )
    if s.words < 8:
        return TextLayerVerdict(False, "ocr", "", best, f"too few words ({figures})", s)
    bad = ", ".join(s.invalid_examples[:4])
    if s.valid_share < 0.6:
        return TextLayerVerdict(
            False, "ocr", "", best, f"not valid Vietnamese ({figures}; e.g. {bad})", s
        )
    if s.marked_share < MIN_MARKED_SHARE:
        return TextLayerVerdict(False, "ocr", "", best, f"diacritics missing ({figures})", s)
    if s.marked_invalid_share > MAX_MARKED_INVALID_SHARE:
        marked_bad = ", ".join(w for w in s.invalid_examples if _has_viet_mark(w))
        return TextLayerVerdict(
            False, "ocr", "", best, f"diacritics misplaced ({figures}; e.g. {marked_bad})", s
        )
    if s.valid_share < MIN_VALID_SHARE:
        return TextLayerVerdict(
            False, "ocr", "", best, f"not valid Vietnamese ({figures}; e.g. {bad})", s
        )
    nfc_raw = unicodedata.normalize("NFC", raw)
    repaired = best != "unicode" or text != nfc_raw
    method = "text_layer_repaired" if repaired else "text_layer"
    how = {
        "unicode": "ƣ/Ð look-alikes repaired" if repaired else "as is",
        "tcvn3": "decoded from TCVN3",
        "vni": "decoded from VNI",
    }[best]
    return TextLayerVerdict(True, method, text, best, f"{how}: {figures}", s)

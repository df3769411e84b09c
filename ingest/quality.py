"""How good is OCR text: the one definition of character error rate (CER) used by every test.

CER = Levenshtein distance between the two texts / length of the reference, after NFC,
`schemas.normalize.repair` of the hypothesis and folding every run of whitespace to one space
(line breaks and column layout are not errors of the reader). Real scans are scored on
`fold_for_real` (also one tone placement, hoà = hòa: both spellings are in use) with CER and the
order-free word error rate `word_errors`. This module only measures; it must not change what
gets stored.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from schemas.normalize import place_tones, repair

_SPACES = re.compile(r"\s+")


def fold_for_cer(text: str) -> str:
    """NFC, look-alikes repaired, every whitespace run one space, ends stripped."""
    return _SPACES.sub(" ", repair(unicodedata.normalize("NFC", text))).strip()


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate of `hypothesis` against `reference` (0.0 = perfect)."""
    ref = fold_for_cer(reference)
    hyp = fold_for_cer(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return Levenshtein.distance(ref, hyp) / len(ref)


def fold_for_real(text: str) -> str:
    """`fold_for_cer` and one tone placement (hoà → hòa, thuý → thúy), case kept."""
    return place_tones(fold_for_cer(text))


_EDGE_PUNCT = ".,;:!?()[]{}\"'“”‘’«»…*-–—_/|"


def bag_of_words(text: str) -> Counter[str]:
    """The words of folded `text`, each stripped of punctuation at its ends (empty: dropped)."""
    words = (w.strip(_EDGE_PUNCT) for w in text.split())
    return Counter(w for w in words if w)


@dataclass
class WordErrors:
    truth_words: int
    missing: int  # truth words the reading lacks (multiset difference)
    extra: int  # words of the reading the truth lacks

    @property
    def errors(self) -> int:
        """Fewest substitutions, insertions and deletions that turn one bag into the other."""
        return max(self.missing, self.extra)


def word_errors(reference: str, hypothesis: str) -> WordErrors:
    """Order-free word errors of `hypothesis` against `reference` (both folded by the caller):
    a misread word is one missing and one extra; the error count is the larger of the two."""
    ref, hyp = bag_of_words(reference), bag_of_words(hypothesis)
    return WordErrors(
        truth_words=sum(ref.values()),
        missing=sum((ref - hyp).values()),
        extra=sum((hyp - ref).values()),
    )

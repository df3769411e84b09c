"""How good is OCR text: the one definition of character error rate (CER) used by every test.

CER = Levenshtein distance between the two texts / length of the reference, after NFC,
`search.normalize.repair` of the hypothesis and folding every run of whitespace to one space
(line breaks and column layout are not errors of the reader). This module only measures; it
must not change what gets stored.
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz.distance import Levenshtein

from search.normalize import repair

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

"""Where a value stands on its scanned page: the union of the OCR word boxes that spell it.

Used by the review queue (how sure OCR was of a value's words) and the correction screens (the
crop of the scan shown beside each field). Compared folded and without punctuation.
"""

from __future__ import annotations

import re

from schemas import Word
from schemas.normalize import strip_marks
from schemas.review import FieldBox

_NOT_KEPT = re.compile(r"[^\w/.-]")


def _clean(s: str) -> str:
    """Lower case without marks, punctuation but / . - dropped (both sides alike; the
    full `fold` costs ten times more, and a page has hundreds of words)."""
    return _NOT_KEPT.sub("", strip_marks(s.lower())).strip(".")


def _spells(word: str, token: str) -> bool:
    """A page word stands for a token of the value: the same, the token with something
    glued to it ("số:12/2020"), or at least half of it ("12/2020/" of "12/2020/DS-ST"
    split in two by OCR; "THADS" alone does not stand for "76/QĐ-CCTHADS")."""
    return (
        word == token or (token in word) or (len(word) >= max(3, len(token) / 2) and word in token)
    )


class PageWords:
    """A page's words, cleaned once, for finding several values on the same page."""

    def __init__(self, words: list[Word], page_no: int) -> None:
        self.words = words
        self.page_no = page_no
        self.cleaned = [_clean(w.text) for w in words]

    def box(self, value: str | None) -> FieldBox | None:
        """The box of the words that spell `value` (consecutive words, compared folded
        and without punctuation), or None when the page does not show it."""
        tokens = [t for t in (_clean(x) for x in (value or "").split()) if t]
        if not tokens:
            return None
        words, cleaned = self.words, self.cleaned
        for i in range(len(words) - len(tokens) + 1):
            if all(_spells(cleaned[i + k], tok) for k, tok in enumerate(tokens)):
                span = words[i : i + len(tokens)]
                left = min(w.left for w in span)
                top = min(w.top for w in span)
                right = max(w.left + w.width for w in span)
                bottom = max(w.top + w.height for w in span)
                conf = min(w.conf for w in span)  # a value is as sure as its least sure word
                return FieldBox(
                    page_no=self.page_no,
                    left=left,
                    top=top,
                    width=right - left,
                    height=bottom - top,
                    conf=round(conf, 1),
                )
        return None


def label_box(words: list[Word], label: str, page_no: int, *, above: int) -> FieldBox | None:
    """The box of the first printed label `label` ("Số") above pixel row `above`, with
    the space after it where the value should stand (a value OCR did not read at all)."""
    want = _clean(label)
    for w in words:
        if w.top < above and _clean(w.text).rstrip(":") == want:
            return FieldBox(
                page_no=page_no, left=w.left, top=w.top, width=w.width * 8, height=w.height
            )
    return None


def field_box(words: list[Word], value: str | None, page_no: int) -> FieldBox | None:
    """`PageWords(words, page_no).box(value)`, for one value."""
    return PageWords(words, page_no).box(value)


def line_boxes(words: list[Word], page_no: int) -> dict[int, FieldBox]:
    """The box of each OCR line of a page (by the words' line numbers)."""
    lines: dict[int, list[Word]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w)
    out = {}
    for n, span in lines.items():
        left, top = min(w.left for w in span), min(w.top for w in span)
        out[n] = FieldBox(
            page_no=page_no,
            left=left,
            top=top,
            width=max(w.left + w.width for w in span) - left,
            height=max(w.top + w.height for w in span) - top,
            conf=round(min(w.conf for w in span), 1),
        )
    return out

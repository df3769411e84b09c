"""Which OCR words of a page to outline for a query, and safe rendering of snippets.

A query that search takes as a document number (`search.query.query_number_keys`) outlines
the words of the numbers on the page that search matched it to: the same pattern, the same
`number_key`, the same rule (`schemas.numbers.number_matches`), whatever spacing, dash, zero
or Đ/D either side was written with. Other queries match diacritic-free
(`schemas.normalize.fold`) so that "nguyen van trang" outlines "Nguyễn Văn Tráng": a query's
words are first looked for as a phrase (consecutive words); if the phrase is not on the
page, each word is outlined on its own.
"""

from __future__ import annotations

import html
import re

from markupsafe import Markup, escape

from schemas import Word
from schemas.normalize import fold, repair
from schemas.numbers import number_key, number_matches
from search.query import number_spans, query_number_keys

_EDGE_PUNCT = ".,;:()[]{}\"'“”‘’…!?«»"
_NUMBERISH = re.compile(r"\d.*[/\-]|[/\-].*\d")


def _key(text: str) -> str:
    t = text.strip(_EDGE_PUNCT)
    if _NUMBERISH.search(t):
        return number_key(t)
    return fold(t)


def _number_indices(words: list[Word], wanted: tuple[str, ...]) -> list[int]:
    """Indices of the words that make up a document number whose key matches `wanted`."""
    texts = [repair(w.text) for w in words]
    starts: list[int] = []
    pos = 0
    for t in texts:
        starts.append(pos)
        pos += len(t) + 1
    line = " ".join(texts)
    hits: set[int] = set()
    for a, b, key in number_spans(line):
        if any(number_matches(key, k) for k in wanted):
            hits.update(i for i, s in enumerate(starts) if s < b and s + len(texts[i]) > a)
    return sorted(hits)


def highlighted_indices(words: list[Word], query: str) -> list[int]:
    """Indices into `words` of the words that match `query`."""
    numbers = query_number_keys(query)
    if numbers:
        return _number_indices(words, numbers) if words else []
    tokens = [k for k in (_key(t) for t in query.split()) if k]
    if not tokens or not words:
        return []
    keys = [_key(w.text) for w in words]
    hits: set[int] = set()
    n = len(tokens)
    for i in range(len(keys) - n + 1):
        if keys[i : i + n] == tokens:
            hits.update(range(i, i + n))
    if not hits:
        wanted = {t for t in tokens if len(t) >= 2 or t.isdigit()}
        hits = {i for i, k in enumerate(keys) if k in wanted}
    return sorted(hits)


def snippet_html(snippet: str) -> Markup:
    """Escape a search snippet, keeping only the engine's <mark>…</mark> tags. The engine's
    snippet is already HTML-escaped text (`search.query.snippet`, as the API returns it):
    it is unescaped first, so that "&" in a page shows as "&", not "&amp;"."""
    safe = str(escape(html.unescape(snippet)))
    safe = safe.replace("&lt;mark&gt;", "<mark>").replace("&lt;/mark&gt;", "</mark>")
    # An unbalanced <mark> would swallow the rest of the page's styling.
    if safe.count("<mark>") != safe.count("</mark>"):
        safe = safe.replace("<mark>", "").replace("</mark>", "")
    return Markup(safe)

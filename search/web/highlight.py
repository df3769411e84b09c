"""Which OCR words of a page to outline for a query, and safe rendering of snippets.

Matching is diacritic-free (`schemas.normalize.fold`) so that "nguyen van trang" outlines
"Nguyễn Văn Tráng"; document numbers compare by `number_key`. A query's words are first
looked for as a phrase (consecutive words); if the phrase is not on the page, each word is
outlined on its own.
"""

from __future__ import annotations

import html
import re

from markupsafe import Markup, escape

from schemas import Word
from schemas.normalize import fold, number_key

_EDGE_PUNCT = ".,;:()[]{}\"'“”‘’…!?«»"
_NUMBERISH = re.compile(r"\d.*[/\-]|[/\-].*\d")


def _key(text: str) -> str:
    t = text.strip(_EDGE_PUNCT)
    if _NUMBERISH.search(t):
        return number_key(t)
    return fold(t)


def highlighted_indices(words: list[Word], query: str) -> list[int]:
    """Indices into `words` of the words that match `query`."""
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

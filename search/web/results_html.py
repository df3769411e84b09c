"""The search results page rendered in Python (`search_page_html`, `results_list_html`,
`ResultsFragments`) and the small helpers it shares with the Jinja2 templates
(`_select_options`, `_vi_date`). Hand-written because Jinja's machinery was ~5-10% of a
search request's CPU (the docstrings below); tests/test_web_pages.py checks it against the
templates byte for byte.
"""

from __future__ import annotations

import functools
import re
import threading
from urllib.parse import quote

from cachetools import LRUCache
from markupsafe import Markup, escape

from schemas import CaseGroup, SearchResult
from schemas.vocab import DOC_TYPE_LABELS_VI, DOC_TYPES, ROLE_LABELS_VI, ROLES
from search.web.highlight import snippet_html


def _e(value: object) -> str:
    """HTML-escaped text of a value: the characters and entities of markupsafe's `escape`
    (Jinja's autoescape), without making a Markup object for every value."""
    s = value if type(value) is str else str(value)
    if "&" in s or "<" in s or ">" in s or "'" in s or '"' in s:
        return (
            s.replace("&", "&amp;")
            .replace("<", "&lt;")
            .replace(">", "&gt;")
            .replace("'", "&#39;")
            .replace('"', "&#34;")
        )
    return s


# Pieces of the case list that depend on one value only, made once.
_DOC_TYPE_TAGS = {k: f'<span class="tag">{_e(v)}</span>' for k, v in DOC_TYPE_LABELS_VI.items()}
_ROLE_LABELS_HTML = {k: _e(v) for k, v in ROLE_LABELS_VI.items()}


@functools.lru_cache(maxsize=4096)
def _date_html(iso: str) -> str:
    return f"<span>ngày {_e(_vi_date(iso))}</span>"


@functools.lru_cache(maxsize=4096)
def _case_head_html(case_id: str) -> str:
    return (
        '\n  <li class="case-group">\n'
        f'    <h2><a href="/case/{_e(quote(case_id, safe=""))}">'
        f"Hồ sơ {_e(case_id)}</a></h2>\n"
        '    <ul class="hits">\n    '
    )


def results_list_html(cases: list[CaseGroup], q: str) -> str:
    """The case list of a search page: the HTML the former template `_results.html`
    rendered, byte for byte, written out in Python (Jinja's per-expression machinery was
    ~10% of the CPU of a search request). Every value is escaped; the snippet keeps only
    its <mark> tags (`highlight.snippet_html`)."""
    out = ['<ol class="cases">\n']
    append = out.append
    link_q = _e(quote(q, safe=""))
    for group in cases:
        append(_case_head_html(str(group.case_id)))
        for hit in group.hits:
            head = (
                _DOC_TYPE_TAGS[hit.doc_type] if hit.doc_type else "",
                f'Số <span class="num">{_e(hit.own_number)}</span>' if hit.own_number else "",
                _date_html(hit.doc_date) if hit.doc_date else "",
                f'<span class="muted">{_e(hit.issuer)}</span>' if hit.issuer else "",
            )
            append('\n      <li class="hit">\n        <div class="hit-head">\n          ')
            append("\n          ".join(head))
            append("\n        </div>\n        ")
            party = hit.matched_party
            if party:
                acts_for = ""
                if party.represents:  # a representative or lawyer: whom, each a search link
                    links = ", ".join(
                        f'<a href="/search?q={_e(quote(r, safe=""))}">{_e(r)}</a>'
                        for r in party.represents
                    )
                    acts_for = f' <span class="muted represents">(đại diện cho {links})</span>'
                append(
                    f'\n        <div class="party">{_ROLE_LABELS_HTML[party.role]}: '
                    f"<strong>{_e(party.name)}</strong>{acts_for}</div>\n        "
                )
            source = f" · {_e(hit.source_path)}" if hit.source_path else ""
            page_no = _e(hit.page_no)
            append(
                f'\n        <div class="snippet">{snippet_html(hit.snippet)}</div>\n'
                f'        <a class="page-link" href="/page/{_e(hit.sha256)}/{page_no}'
                f'?q={link_q}">Trang {page_no}{source}</a>\n      </li>\n    '
            )
        append("\n    </ul>\n  </li>\n")
    if not cases:
        append('\n  <li class="muted">Không tìm thấy hồ sơ nào.</li>\n')
    append("\n</ol>")
    return "".join(out)


def _search_link(q: str, form: dict[str, str], page: int) -> str:
    return (
        f"/search?q={_e(quote(q, safe=''))}&role={_e(form['role'])}"
        f"&doc_type={_e(form['doc_type'])}&issuer={_e(quote(form['issuer'], safe=''))}"
        f"&year={_e(form['year'])}&page={page}"
    )


def search_page_html(
    *,
    user: str | None,
    csrf: str,
    site_name: str,
    q: str,
    form: dict[str, str],
    result: SearchResult | None,
    results_html: str,
    error: str | None,
    page: int,
    n_pages: int,
) -> str:
    """The officer search page: what the templates `search.html` in `base.html` render,
    byte for byte (tests/test_web_pages.py compares them), written out in Python: the page
    is rendered for every search and Jinja's machinery was ~5% of a search request's CPU.
    `results_html` is trusted markup (`results_list_html`); everything else is escaped."""
    q_html, site = _e(q), _e(site_name)
    out = [
        '<!doctype html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Tra cứu{': ' + q_html if q else ''} – {site}</title>\n"
        '<link rel="stylesheet" href="/static/hoso.css">\n</head>\n<body>\n'
        f'<header class="top">\n  <a class="brand" href="/">{site}</a>\n  <nav>\n    '
    ]
    if user:
        out.append(
            '\n      <a href="/search">Tra cứu</a>\n'
            '      <a href="/review">Rà soát</a>\n'
            '      <a href="/stats">Thống kê</a>\n'
            '      <a href="/public">Trang công khai</a>\n'
            f'      <span class="who">{_e(user)}</span>\n'
            '      <form method="post" action="/logout" class="inline">\n'
            f'        <input type="hidden" name="csrf_token" value="{_e(csrf)}">\n'
            '        <button type="submit">Đăng xuất</button>\n'
            "      </form>\n    "
        )
    else:
        out.append(
            '\n      <a href="/public">Danh sách công khai</a>\n'
            '      <a href="/login">Đăng nhập cán bộ</a>\n    '
        )
    out.append(
        "\n  </nav>\n</header>\n<main>\n\n"
        '<form method="get" action="/search" class="search">\n'
        f'  <input type="search" name="q" value="{q_html}" placeholder="Tên đương sự, số bản án'
        ' / quyết định, hoặc nội dung" aria-label="Tìm kiếm" maxlength="300">\n'
        '  <select name="role" aria-label="Vai trò">\n'
        '    <option value="">— Vai trò —</option>\n'
        f"    {_select_options('role', form['role'])}\n"
        "  </select>\n"
        '  <select name="doc_type" aria-label="Loại văn bản">\n'
        '    <option value="">— Loại văn bản —</option>\n'
        f"    {_select_options('doc_type', form['doc_type'])}\n"
        "  </select>\n"
        f'  <input name="issuer" value="{_e(form["issuer"])}" placeholder="Cơ quan ban hành"'
        ' aria-label="Cơ quan ban hành" maxlength="200">\n'
        f'  <input name="year" value="{_e(form["year"])}" placeholder="Năm" aria-label="Năm"'
        ' size="5" maxlength="4" inputmode="numeric">\n'
        '  <button type="submit">Tìm</button>\n</form>\n'
    )
    if error:
        out.append(f'<p class="error" role="alert">{_e(error)}</p>')
    out.append("\n")
    if result:
        out.append(
            f'\n<p class="summary">{_e(result.total_cases)} hồ sơ phù hợp · '
            f"{result.took_ms:.0f} ms · {_e(result.backend)}</p>\n"
            f"{results_html}\n"
        )
        if n_pages > 1:
            out.append('\n<nav class="pager">\n  ')
            if page > 1:
                out.append(f'<a href="{_search_link(q, form, page - 1)}" rel="prev">‹ Trước</a>')
            out.append(f"\n  <span>Trang {_e(page)} / {_e(n_pages)}</span>\n  ")
            if page < n_pages:
                out.append(f'<a href="{_search_link(q, form, page + 1)}" rel="next">Sau ›</a>')
            out.append("\n</nav>\n")
        out.append("\n")
    out.append("\n\n</main>\n</body>\n</html>")
    return "".join(out)


class ResultsFragments:
    """The rendered case list of a search result, kept for results handed out again.

    A result answered from the engine's cache (`search.engine.ResultCache`) shares its
    `cases` list with the cached entry, so the list rendered once serves every repeat of
    that search (the links carry the query text, which is part of the key). Each entry
    holds the list it was rendered from: its id cannot be reused while the entry exists.
    """

    def __init__(self, entries: int = 256) -> None:
        self._lock = threading.Lock()
        self._data: LRUCache[tuple[int, str], tuple[object, Markup]] = LRUCache(maxsize=entries)

    def html(self, cases: list[CaseGroup], q: str) -> Markup:
        key = (id(cases), q)
        with self._lock:
            kept = self._data.get(key)
            if kept is not None and kept[0] is cases:
                return kept[1]
        html = Markup(results_list_html(cases, q))
        with self._lock:
            self._data[key] = (cases, html)
        return html


@functools.lru_cache(maxsize=64)
def _select_options(kind: str, selected: str) -> Markup:
    """The <option>s of the role or document-type filter, made once per selected value
    (the search page is rendered for every search; its filter lists never change)."""
    values, labels = (ROLES, ROLE_LABELS_VI) if kind == "role" else (DOC_TYPES, DOC_TYPE_LABELS_VI)
    return Markup(
        "".join(
            f'<option value="{escape(v)}"{" selected" if v == selected else ""}>'
            f"{escape(labels[v])}</option>"
            for v in values
        )
    )


def _vi_date(iso: str | None) -> str:
    if not iso:
        return ""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso)
    return f"{m.group(3)}/{m.group(2)}/{m.group(1)}" if m else iso

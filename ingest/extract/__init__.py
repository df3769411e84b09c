"""Extraction: the entities of each logical document in a file's OCR text.

`extract_pages` is what the ingest pipeline calls once a file's pages are catalogued:
it segments the pages into documents (`ingest.extract.segment`) and reads each one's type, own and
cited numbers, dates, issuer, parties, amounts and references. Pure and fast: text in,
`Document`s out; no I/O, no OCR, no catalog. The submodules are named after what they find.
"""

from __future__ import annotations

import re

from ingest.extract.amounts import find_amounts, unique_values
from ingest.extract.dates import document_date, find_dates, typed_dates
from ingest.extract.doctype import classify, find_title
from ingest.extract.issuers import auction_organisation, header_issuer, text_issuers
from ingest.extract.links import find_references, link_siblings
from ingest.extract.numbers import find_numbers, number_refs, own_number
from ingest.extract.parties import find_parties
from ingest.extract.text import prepare, skeleton
from schemas import Document
from schemas.numbers import repair_slashes

__all__ = ["extract_document", "extract_pages", "extract_text"]

_ENFORCEMENT_TYPES = {
    "quyet_dinh_thi_hanh_an",
    "quyet_dinh_cuong_che",
    "quyet_dinh_chua_co_dieu_kien",
    "don",
}
_ENFORCEMENT_WORDS = re.compile(r"thi hanh an|(?<![a-z])tha(?:ds)?(?![a-z])")
_BODY_START = re.compile(r"^\s*(?:can cu|nhan danh|xet |theo |hom nay|vao hoi|dieu 1)")


def _header_end(lines: list[str], title_index: int | None) -> tuple[int, int]:
    """(line index where the header block ends, character offset of that point)."""
    limit = title_index + 4 if title_index is not None else 15
    for i, line in enumerate(lines[:limit]):
        if i >= 3 and _BODY_START.match(skeleton(line)):
            limit = i
            break
    limit = min(limit, len(lines))
    return limit, sum(len(line) + 1 for line in lines[:limit])


def extract_document(text: str, pages: list[int]) -> Document:
    """Everything extractable from one logical document's text."""
    text = repair_slashes(prepare(text))
    lines = text.split("\n")
    nonblank = [ln for ln in lines if ln.strip()]
    title = find_title(nonblank)
    # Title index in `lines` (with blanks) for offsets.
    title_index = None
    if title is not None:
        seen = -1
        for i, ln in enumerate(lines):
            if ln.strip():
                seen += 1
                if seen == title.line_index:
                    title_index = i
                    break
    header_lines, header_end = _header_end(lines, title_index)
    issuer_lines = lines[: title_index if title_index is not None else min(10, len(lines))]
    for i, line in enumerate(issuer_lines):
        if re.match(r"\s*(?:nhan danh|ban an so)", skeleton(line)):
            issuer_lines = issuer_lines[:i]  # the body repeats the court's name
            break

    numbers = find_numbers(text)
    own = own_number(text, numbers, header_end)
    dates = find_dates(text)
    # A news article or published list opens with neither title nor number: no header date.
    own_date = document_date(text, dates, header_end, headed=bool(title or own))
    issuer = header_issuer(issuer_lines)
    named = text_issuers(text)
    uncited = [
        n
        for s, _, n in named
        if not skeleton(text[max(0, s - 12) : s])
        .strip(" :,")
        .endswith(("cua", "do", "tai", "voi", "gui", "nghi"))
    ]
    # An auction notice without a header is published by the auction organisation it names;
    # the THADS office it also names holds the asset (it still makes the case enforcement).
    holder = uncited[0] if uncited and issuer is None else None
    if issuer is None:
        issuer = auction_organisation(nonblank[:20]) or holder
    doc_type = classify(title, nonblank, issuer, own.text if own else None)
    if doc_type == "don" and header_issuer(issuer_lines) is None:
        issuer = None  # a citizen's petition: the agency it names is its addressee
    enforcement = doc_type in _ENFORCEMENT_TYPES or any(
        "thi hanh an" in skeleton(body or "") for body in (issuer, holder)
    )
    # A news article or list about enforcement names debtors only in its sentences too.
    # ("THA", "THADS": the press's abbreviations of thi hành án)
    enforcement = enforcement or (
        doc_type == "other" and bool(_ENFORCEMENT_WORDS.search(skeleton(text)))
    )
    return Document(
        doc_type=doc_type,
        title=title.text if title else None,
        pages=pages,
        own_number=own.text if own else None,
        numbers=number_refs(numbers, own),
        date=own_date.iso if own_date else None,
        dates=typed_dates(text, dates, own_date),
        issuer=issuer,
        parties=find_parties(text, enforcement=enforcement),
        amounts_vnd=unique_values(find_amounts(text)),
        references=find_references(text, numbers, dates, named, own),
    )


def extract_pages(pages: list[tuple[int, str]]) -> list[Document]:
    """Segment a file's (page_no, text) pages into documents and extract each one."""
    from ingest.extract.segment import segment

    docs = [extract_document(s.text, s.pages) for s in segment(pages)]
    return link_siblings(docs)


def extract_text(text: str) -> list[Document]:
    """Extract from plain text; form feeds (\\f) separate pages."""
    pages = [(i + 1, t) for i, t in enumerate(text.split("\f"))]
    return extract_pages([(n, t) for n, t in pages if t.strip()] or [(1, text)])

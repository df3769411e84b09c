"""Segmentation: where one logical document ends and the next begins in a scanned file.

A whole hồ sơ scanned as one file holds many documents. A page starts a new document when
its top carries the national header (CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM / Độc lập - Tự do -
Hạnh phúc) or a title line (BẢN ÁN, QUYẾT ĐỊNH, THÔNG BÁO…) together with an issuer block
or a "Số:" line, matched on folded text with a fuzzy ratio so OCR damage does not hide
them. Pure: pages in, page ranges out; it does not read what the documents say.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ingest.extract.doctype import find_title
from ingest.extract.text import skeleton

_HEADER_LINES = 14  # how far down a page its header block can reach
_NATIONAL = ("cong hoa xa hoi chu nghia viet nam", "doc lap tu do hanh phuc")
_ISSUER_OR_NUMBER = re.compile(
    r"^\s*(?:toa an|tand|cuc|chi cuc|tong cuc|phong thi hanh an|thi hanh an dan su|thads|"
    r"bo tu phap|s[o0]\s*[:.]|ban an so)"
)


@dataclass(frozen=True)
class Segment:
    pages: list[int]  # [first, last]
    text: str


_ANCHORS = ("cong hoa", "xa hoi", "chu nghia", "viet nam", "doc lap", "tu do", "hanh phuc")


def has_national_header(lines: list[str]) -> bool:
    """Whether the lines hold the national header, even OCR-damaged."""
    for line in lines:
        flat = " ".join(re.sub(r"[^a-z ]", " ", skeleton(line)).split())
        if sum(a in flat for a in _ANCHORS) == 0:
            continue
        for target in _NATIONAL:
            if target in flat:
                return True
            n = len(target)
            # A two-column header puts the issuer on the same line: slide a window.
            for i in range(0, max(1, len(flat) - n + 1), 2):
                matcher = difflib.SequenceMatcher(None, flat[i : i + n], target)
                if matcher.quick_ratio() >= 0.8 and matcher.ratio() >= 0.8:
                    return True
    return False


def starts_document(text: str) -> bool:
    """Whether a page's top looks like the first page of a document."""
    lines = [ln for ln in text.split("\n") if ln.strip()][:_HEADER_LINES]
    if has_national_header(lines):
        return True
    title = find_title(lines, limit=_HEADER_LINES)
    if title is None:
        return False
    return any(_ISSUER_OR_NUMBER.match(skeleton(ln)) for ln in lines[: title.line_index + 3])


def segment(pages: list[tuple[int, str]]) -> list[Segment]:
    """Group consecutive pages into documents; each page belongs to exactly one."""
    groups: list[list[tuple[int, str]]] = []
    for page_no, text in pages:
        if not groups or starts_document(text):
            groups.append([(page_no, text)])
        else:
            groups[-1].append((page_no, text))
    return [Segment([g[0][0], g[-1][0]], "\n".join(t for _, t in g)) for g in groups if g]

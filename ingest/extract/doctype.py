"""Document types from the title line: one table, matched on folded, OCR-tolerant text.

The title (BẢN ÁN, QUYẾT ĐỊNH, THÔNG BÁO, BIÊN BẢN, ĐƠN…) and the subject lines under it
("Về việc chưa có điều kiện thi hành án", "Cưỡng chế…", "Thi hành án theo yêu cầu") decide
the type; who issued it tells a court decision from an enforcement decision. Segmentation
uses `find_title` to see where a new document starts.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ingest.extract.text import skeleton
from schemas.vocab import DocType

# Title words (folded) → base type. The one table of document titles.
TITLES: dict[str, str] = {
    "ban an": "ban_an",
    "quyet dinh": "quyet_dinh",
    "thong bao": "thong_bao",
    "bien ban": "bien_ban",
    "don yeu cau thi hanh an": "don",
    "don yeu cau": "don",
    "don de nghi": "don",
    "don khoi kien": "don",
    "don xin": "don",
    "giay trieu tap": "other",
    "giay moi": "other",
    "giay bao": "other",
    "cong van": "other",
    "bao cao": "other",
    "to trinh": "other",
}
# Subject words (folded) that refine a decision of an enforcement agency, checked in order.
DECISION_SUBJECTS: list[tuple[str, DocType]] = [
    ("chua co dieu kien thi hanh an", "quyet_dinh_chua_co_dieu_kien"),
    ("cuong che", "quyet_dinh_cuong_che"),
    ("ke bien", "quyet_dinh_cuong_che"),
    ("thi hanh an", "quyet_dinh_thi_hanh_an"),
]

_COURT_CODES = re.compile(
    r"/(?:\d{4}/)?(?:QĐ|QD)(?:PT|ST|XX|GĐT|GDT|-PT|-ST|-PQTT|-BPKCTT|-MTTPS|-CA)"
)


# A published notice's own opening sentence: "Thông báo bán đấu giá …", "Thông báo về việc …",
# and the auction portal's title "Thông báo việc đấu giá đối với danh mục tài sản: …" (only at
# the start of the line: "… ra thông báo việc …" inside a news sentence is no title).
_NOTICE_OPENING = re.compile(
    r"\bthong bao (?:ban )?dau gia|\bthong bao ve viec|^\s*thong bao viec (?:ban )?dau gia\b"
)
_JUDGMENT_CODE = re.compile(r"/(?:DS|HNGĐ|KDTM|LĐ|HC|HS)-?(?:ST|PT|TT)$")
_REVIEW_CODE = re.compile(r"/(?:DS|HNGĐ|KDTM|LĐ|HC|HS)-?(?:GĐT|GDT|TT)$")


@dataclass(frozen=True)
class Title:
    line_index: int
    base: str  # a value of TITLES
    text: str


def _title_of(line: str) -> str | None:
    letters = [c for c in line if c.isalpha()]
    if not letters:
        return None
    capitals = sum(c.isupper() for c in letters) / len(letters)
    # A published title line runs on ("QUYẾT ĐỊNH GIÁM ĐỐC THẨM 67/2014/DS-GĐT NGÀY … VỀ …").
    long_title = capitals >= 0.9 and len(line) <= 240
    if len(line) > 90 and not long_title:
        return None
    skel = re.sub(r"[^a-z ]", "", skeleton(line)).strip()
    skel = re.sub(r"\s+", " ", skel)
    if long_title:
        skel = skel[:60]
    if not skel or len(skel) > 60 or capitals < 0.7:
        return None
    for words, base in TITLES.items():
        if skel == words or skel.startswith(words + " "):
            return base
    # OCR damage: "QUYÊT DINH", "BAN AN", "THONG BAỎ" → fuzzy on the first words.
    for words, base in TITLES.items():
        head = " ".join(skel.split(" ")[: len(words.split(" "))])
        if len(words) < 7 or head[:1] != words[:1]:
            continue
        matcher = difflib.SequenceMatcher(None, head, words)
        if all(r() >= 0.8 for r in (matcher.real_quick_ratio, matcher.quick_ratio, matcher.ratio)):
            return base
    return None


def find_title(lines: list[str], limit: int = 30) -> Title | None:
    """The first title line among the first `limit` lines (not a "QUYẾT ĐỊNH:" heading)."""
    for i, line in enumerate(lines[:limit]):
        if line.rstrip().endswith(":"):
            continue
        base = _title_of(line)
        if base is not None:
            return Title(i, base, line.strip())
    return None


def _headed(lines: list[str]) -> bool:
    """Whether a text opens like a court or agency document: a header line in capitals, or a
    judgment's "Ngày …, tại trụ sở …" in its first lines."""
    first = lines[0] if lines else ""
    letters = [c for c in first if c.isalpha()]
    if len(letters) >= 6 and sum(c.isupper() for c in letters) / len(letters) > 0.8:
        return True
    return any(re.match(r"\s*ngay\s+\d[^\n]{0,60}tai\s+tru so", skeleton(ln)) for ln in lines[:3])


def classify(title: Title | None, lines: list[str], issuer: str | None, own: str | None) -> DocType:
    """The document's DocType from its title, subject lines, issuer and own number."""
    if title is None:
        head = skeleton(" ".join(lines[:12]))
        opening = skeleton(lines[0]) if lines else ""  # no lines: a file of blank pages
        if not (own or _headed(lines)):
            # a news article or published list: it may cite judgments, it is none
            if _NOTICE_OPENING.search(opening):
                return "thong_bao"  # a published notice opens with its own sentence
            return "other"
        if "giam doc tham" in head or "tai tham" in head or (own and _REVIEW_CODE.search(own)):
            return "quyet_dinh_toa_an"  # cassation and reopening decisions
        if re.search(r"ban an (?:so|\d)", head) or (own and _JUDGMENT_CODE.search(own)):
            return "ban_an"
        if _NOTICE_OPENING.search(opening):
            return "thong_bao"  # a published notice opens with its own sentence
        return "other"
    if title.base != "quyet_dinh":
        return title.base  # type: ignore[return-value]
    subject = skeleton(" ".join(lines[title.line_index : title.line_index + 4]))
    court = bool(issuer and skeleton(issuer).startswith("toa an")) or bool(
        own and _COURT_CODES.search(own)
    )
    agency = bool(issuer and "thi hanh an" in skeleton(issuer)) or bool(
        own and re.search(r"THADS", own)
    )
    if court and not agency:
        return "quyet_dinh_toa_an"
    for words, doc_type in DECISION_SUBJECTS:
        if words in subject:
            return doc_type
    if agency:
        return "quyet_dinh_thi_hanh_an"
    return "quyet_dinh_toa_an" if court else "other"

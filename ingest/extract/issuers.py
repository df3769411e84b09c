"""Issuing bodies: courts and THADS agencies, under old and new names.

Reads the issuer block at the top of a document (the specific body, not its parent: for
"CỤC THADS TỈNH BÌNH DƯƠNG / CHI CỤC THADS THỊ XÃ DĨ AN" the issuer is the Chi cục) and
court or agency names in running text ("… của Tòa án nhân dân quận K, Thành phố Hồ Chí
Minh"). `canonical_issuer` expands abbreviations (TAND, THADS, TP.) and fixes the case, so
one body has one spelling in the catalog; it does not decide which body is meant.
"""

from __future__ import annotations

import re

from ingest.extract.text import LO, UP, skeleton
from schemas.normalize import fold

# Abbreviations expanded in issuer names (matched on whole words, any case).
_EXPAND = [
    (re.compile(r"\bTAND\b", re.I), "Tòa án nhân dân"),
    (re.compile(r"\bTHADS\b", re.I), "Thi hành án dân sự"),
    (re.compile(r"\bTP\.?\s*HCM\b", re.I), "Thành phố Hồ Chí Minh"),
    (re.compile(r"\bTP\.?\s*(?=[A-ZĐ])"), "thành phố "),
    (re.compile(r"\bTX\.?\s*(?=[A-ZĐ])"), "thị xã "),
    (re.compile(r"\bKV\s*(?=\d)", re.I), "khu vực "),
]
# Words written in lower case inside a body's name; everything else is a proper name.
_LOWER = {
    "tòa",
    "toà",
    "án",
    "nhân",
    "dân",
    "thi",
    "hành",
    "sự",
    "tỉnh",
    "thành",
    "phố",
    "huyện",
    "quận",
    "thị",
    "xã",
    "khu",
    "vực",
    "cấp",
    "cao",
    "tại",
    "tối",
    "chi",
    "cục",
    "tổng",
    "phòng",
    "quản",
    "lý",
    "bộ",
    "tư",
    "pháp",
    "ủy",
    "ban",
    "uỷ",
}
_BODY_START = re.compile(
    r"^(?:toa an|tand\b|tong cuc|cuc|chi cuc|phong (?:thi hanh an|thads)|thi hanh an dan su"
    r"|thads|doi thi hanh an|bo tu phap|uy ban nhan dan|ubnd|vien kiem sat|van phong thi hanh an)"
)
# The national header, cut off a merged two-column line; OCR damages it ("CũNG HÒA XÃ H0I").
_NATIONAL = re.compile(
    r"\s*(?:(?:\S+\s+){0,2}?xa\s*h[o0]i\s*chu\s*ngh|c[o0]ng\s*h[o0]a\s*xa\s*h[o0]i"
    r"|d[o0]c\s*lap\s*.{0,3}\s*tu\s*do)"
    r".*$"
)
_PLACE = (
    rf"(?:[{UP}]{{2,}}\.?|[{UP}][{LO}]*\.?|\d+)"
    rf"(?:(?:[ \t]+|[ \t]*-[ \t]*)(?:[{UP}]{{2,}}(?![{LO}])|[{UP}][{LO}]*|\d+))*"
)
_KIND = r"(?i:t[ỉi]nh|th[àa]nh\s+ph[ốo]|TP\.?|huy[ệe]n|qu[ậa]n|th[ịi]\s+x[ãa])"
_COURT = re.compile(
    r"(?i:t[òoó]a\s+[áa]n\s+nh[âa]n\s+d[âa]n|toà\s+án\s+nhân\s+dân)\s+"
    rf"(?:(?i:t[ốo]i\s+cao)|(?i:c[ấa]p\s+cao\s+t[ạa]i)\s+{_PLACE}"
    rf"|(?i:khu\s+v[ựu]c)\s+\d+\s*-\s*{_PLACE}(?:\s*,\s*{_KIND}\s+{_PLACE})?"
    rf"|{_KIND}\s+{_PLACE}(?:\s*,\s*{_KIND}\s+{_PLACE})?)"
    rf"|\bTAND\s+(?:(?i:t[ốo]i cao)|(?i:c[ấa]p cao t[ạa]i)\s+{_PLACE}|{_KIND}\s+{_PLACE}"
    rf"|(?i:khu\s+v[ựu]c)\s+\d+\s*-\s*{_PLACE}|{_PLACE})"
)
_AGENCY = re.compile(
    r"(?:(?i:t[ổo]ng\s+c[ụu]c|c[ụu]c\s+qu[ảa]n\s+l[ýy]|chi\s+c[ụu]c|c[ụu]c|ph[òo]ng)\s+)?"
    r"(?:(?i:thi\s+h[àa]nh\s+[áa]n\s+d[âa]n\s+s[ựu])|THADS)"
    rf"(?:\s+(?i:khu\s+v[ựu]c)\s+\d+\s*-\s*{_PLACE}"
    rf"|\s+{_KIND}\s+{_PLACE}(?:\s*,\s*{_KIND}\s+{_PLACE})?)"
    r"(?:\s*\((?i:c[ũu])\))?"
)


def canonical_issuer(name: str) -> str:
    """One spelling per body: abbreviations expanded, type words lower, places Title."""
    name = re.sub(r"\s+", " ", name).strip(" ,.;:-")
    for pattern, repl in _EXPAND:
        name = pattern.sub(repl, name)
    words = name.split(" ")
    out: list[str] = []
    after_dash = False
    for w in words:
        low = w.lower()
        if w == "-":
            after_dash = True
            out.append(w)
            continue
        if low in _LOWER and not after_dash:
            out.append(low)
        elif w.isupper() and len(w) > 1 and not re.search(r"\d", w):
            out.append(w[0] + w[1:].lower())
        else:
            out.append(w)
    text = " ".join(out)
    # Every body starts with a capital letter; "Thành phố Hồ Chí Minh" is a proper name.
    text = re.sub(r"thành phố Hồ Chí Minh", "Thành phố Hồ Chí Minh", text)
    text = re.sub(r"(khu vực|Khu vực) (\d+)", r"khu vực \2", text)
    text = text[:1].upper() + text[1:]
    text = re.sub(r"(?<!Quản lý )\bthi hành án dân sự", "Thi hành án dân sự", text)
    return re.sub(r"^Cục quản lý", "Cục Quản lý", text)


def issuer_key(name: str | None) -> str:
    """Comparison key of an issuer name (for scoring and linking)."""
    if not name:
        return ""
    return re.sub(r"[^a-z0-9 ]", "", fold(canonical_issuer(name))).strip()


def header_issuer(lines: list[str]) -> str | None:
    """The issuer from the top block of a document (lines before its title)."""
    units: list[str] = []
    open_unit = False
    for line in lines:
        skel = skeleton(line)
        cut = _NATIONAL.search(skel)
        if cut:
            line, skel = line[: cut.start()].strip(), skel[: cut.start()].strip()
        if not line:
            continue  # OCR puts blank lines between the lines of a header block
        letters = [c for c in line if c.isalpha()]
        upper = letters and sum(c.isupper() for c in letters) / len(letters) > 0.8
        if _BODY_START.match(skel) and upper:
            units.append(line)
            open_unit = True
        elif open_unit and upper and _incomplete(units[-1], skel):
            units[-1] += " " + line
        else:
            open_unit = False
    units = [u for u in units if not re.fullmatch(r"bo tu phap", skeleton(u).strip())]
    if not units:
        return None
    issuer = canonical_issuer(units[-1])
    # "Phòng THADS khu vực 2" under "THADS thành phố Hà Nội": the official name ends "- Hà Nội".
    if re.search(r"khu vuc \d+$", skeleton(issuer)) and len(units) > 1:
        parent = canonical_issuer(units[-2])
        m = re.search(r"(?:tỉnh|thành phố|Thành phố)\s+(.+)$", parent)
        if m:
            issuer += " - " + m.group(1)
    return issuer


_PLACE_WORD = re.compile(r"^(?:tinh|thanh pho|tp\b|huyen|quan|thi xa|tai|khu vuc|kv\b)")
_OPEN_END = re.compile(r"(?:nhan dan|dan su|cap cao|thads|cuc|phong|khu vuc)\s*$")


def _incomplete(unit: str, next_skel: str) -> bool:
    """Whether the next header line continues `unit` (its place, after a line break)."""
    if re.match(r"s[o0]\s*[:.]", next_skel):
        return False
    return bool(_OPEN_END.search(skeleton(unit)) or _PLACE_WORD.match(next_skel.strip()))


def text_issuers(text: str) -> list[tuple[int, int, str]]:
    """Courts and THADS agencies named in running text: (start, end, canonical name)."""
    found = [(m.start(), m.end(), m.group(0)) for m in _COURT.finditer(text)]
    found += [(m.start(), m.end(), m.group(0)) for m in _AGENCY.finditer(text)]
    found.sort()
    return [(s, e, canonical_issuer(_trim_place(n))) for s, e, n in found]


_TRAILERS = re.compile(
    r"\s+(?:Ngày|Căn|Theo|Về|Tuyên|Xử|Xét|Nay|Có|Đã|Đối|Bản|Quyết|Số|Và|Giải)\b.*$"
)


def _trim_place(name: str) -> str:
    return _TRAILERS.sub("", re.sub(r"\s+", " ", name)).strip(" ,.;")


# An auction notice names its publisher on a line of its own: "Tổ chức đấu giá tài sản: …",
# "Tổ chức hành nghề đấu giá tài sản: …" (the asset holder, "Người có tài sản …", is not it).
_AUCTION_ORG = re.compile(r"^\s*to chuc (?:hanh nghe )?dau gia(?: tai san)?\s*:\s*(?=\S)")


def auction_organisation(lines: list[str]) -> str | None:
    """The auction organisation an auction notice names on its "Tổ chức đấu giá tài sản:"
    line, as written (it publishes the notice), or None."""
    for line in lines:
        m = _AUCTION_ORG.match(skeleton(line))
        if m:
            name = re.sub(r"\s+", " ", line[m.end() :]).strip(" ,.;:-")
            return name or None
    return None

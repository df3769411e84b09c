"""Parties: who is named in which role, with birth year, ID number and address.

Reads labelled party lines ("Nguyên đơn: Ông Lê Cảnh D; Sinh năm 1965. Địa chỉ: …"),
numbered lists of parties, fields broken over lines, organisations ("Công ty TNHH…",
"Ngân hàng TMCP… (viết tắt là …)") and their representatives and lawyers (role `other`,
`represents` naming the party), and the prose of enforcement decisions ("Cho thi hành án
đối với: …"). Honorifics are stripped; names, anonymised or not, are kept as written.
`ROLE_LABELS` is the one table from a document's role words to the vocabulary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.extract.text import LO, UP, one_line, skeleton
from schemas import Party
from schemas.normalize import fold
from schemas.vocab import Role

# Role label (folded) → (role, is a representative of another party). One table.
# Mappings decided here: người khởi kiện → nguyen_don and người bị kiện → bi_don
# (administrative cases); nguyên đơn/bị đơn dân sự (criminal cases) → nguyen_don/bi_don;
# người yêu cầu thi hành án → nguoi_duoc_thi_hanh_an; (người) bị hại → bi_hai (the victim,
# a main party of a criminal case beside bị cáo); người làm chứng, the requesting and
# related sides of a non-contentious matter (người/bên yêu cầu) and every representative,
# guardian or lawyer → other (representatives carry `represents`).
ROLE_LABELS: dict[str, tuple[Role, bool]] = {
    "nguoi phai thi hanh an": ("nguoi_phai_thi_hanh_an", False),
    "nguoi duoc thi hanh an": ("nguoi_duoc_thi_hanh_an", False),
    "nguoi yeu cau thi hanh an": ("nguoi_duoc_thi_hanh_an", False),
    "nguoi co quyen loi, nghia vu lien quan": ("nguoi_co_quyen_loi_nghia_vu_lien_quan", False),
    "nguoi co quyen loi nghia vu lien quan": ("nguoi_co_quyen_loi_nghia_vu_lien_quan", False),
    "nguoi co quyen loi va nghia vu lien quan": ("nguoi_co_quyen_loi_nghia_vu_lien_quan", False),
    "nguoi co quyen, nghia vu lien quan": ("nguoi_co_quyen_loi_nghia_vu_lien_quan", False),
    "nguoi lien quan": ("nguoi_co_quyen_loi_nghia_vu_lien_quan", False),
    "nguoi co quyen loi, nghia vu co lien quan": ("nguoi_co_quyen_loi_nghia_vu_lien_quan", False),
    "nguoi co quyen loi va nghia vu co lien quan": (
        "nguoi_co_quyen_loi_nghia_vu_lien_quan",
        False,
    ),
    "nguoi co quyen loi lien quan": ("nguoi_co_quyen_loi_nghia_vu_lien_quan", False),
    "nguoi co nghia vu lien quan": ("nguoi_co_quyen_loi_nghia_vu_lien_quan", False),
    "nguyen don dan su": ("nguyen_don", False),
    "dong nguyen don": ("nguyen_don", False),
    "cac nguyen don": ("nguyen_don", False),
    "dong bi don": ("bi_don", False),
    "cac bi don": ("bi_don", False),
    "dong nguoi khoi kien": ("nguyen_don", False),
    "nguyen don": ("nguyen_don", False),
    "bi don dan su": ("bi_don", False),
    "bi don": ("bi_don", False),
    "nguoi khoi kien": ("nguyen_don", False),
    "nguoi bi kien": ("bi_don", False),
    "bi cao": ("bi_cao", False),
    "bi hai": ("bi_hai", False),
    "nguoi lam chung": ("other", False),
    "nguoi yeu cau": ("other", False),
    "ben yeu cau": ("other", False),
    "ben duoc yeu cau": ("other", False),
    "ben lien quan": ("other", False),
    "nguoi dai dien theo phap luat": ("other", True),
    "nguoi dai dien theo uy quyen": ("other", True),
    "nguoi dai dien theo uy quyen lai": ("other", True),
    "nguoi dai dien hop phap": ("other", True),
    "nguoi dai dien": ("other", True),
    "dai dien theo phap luat": ("other", True),
    "dai dien theo uy quyen": ("other", True),
    "dai dien uy quyen": ("other", True),
    "nguoi dai dien uy quyen": ("other", True),
    "nguoi dai dien uy quyen tham gia to tung": ("other", True),
    "nguoi dai dien theo uy quyen tham gia to tung": ("other", True),
    "dai dien": ("other", True),
    "nguoi giam ho": ("other", True),
    "nguoi bao ve quyen va loi ich hop phap": ("other", True),
    "nguoi bao ve quyen, loi ich hop phap": ("other", True),
    "nguoi bao ve quyen loi ich hop phap": ("other", True),
    "nguoi bao ve quyen loi hop phap": ("other", True),
    "nguoi bao ve quyen loi": ("other", True),
    "nguoi bao chua": ("other", True),
    "nguoi duoc uy quyen": ("other", True),
    "nguoi duoc nguyen don uy quyen": ("other", True),
    "nguoi duoc bi don uy quyen": ("other", True),
}

# Heirs who carry on a dead party's case stand in that party's role.
HEIR_LABELS = (
    "nguoi ke thua quyen, nghia vu to tung",
    "nguoi ke thua quyen va nghia vu to tung",
    "nguoi thua ke quyen, nghia vu to tung",
    "nguoi thua ke quyen va nghia vu to tung",
)


def _alternatives(labels: list[str]) -> str:
    """A regex alternation of folded labels, longest first (commas optional, any spaces)."""
    return "|".join(
        re.escape(k).replace(",", ",?").replace(r"\ ", r"\s+")
        for k in sorted(labels, key=len, reverse=True)
    )


_REP_KEYS = [k for k, (_, rep) in ROLE_LABELS.items() if rep]
_LABEL_ALT = _alternatives([*ROLE_LABELS, *HEIR_LABELS]).replace("nguoi", "nguo?i")
_LABEL = re.compile(
    r"(?<![a-z])"
    rf"(?P<label>{_LABEL_ALT})"
    r"(?:\s+(?:co|khong co|khong|bi)\s+khang (?:cao|nghi))?"  # "Bị cáo có kháng cáo:"
    r"(?:\s+(?:den|trong)\s+vu\s+(?:an|viec))?"  # "… liên quan đến vụ án:"
    r"(?P<of>\s+(?:cua|cho)\s+[^:\n]{1,150}?)?"
    r"\s*(?:\([^)\n]{0,40}\))?(?:\s+(?:la|gom(?: co)?(?: nhung nguoi sau)?))?\s*:",
)
# A representative's label without its colon, at a line start ("Người đại diện theo ủy
# quyền ông Quàng Văn B, chức vụ …").
_REP_LABEL_BARE = re.compile(
    rf"(?m)^\s*[-+•*]?\s*(?P<label>{_alternatives(_REP_KEYS)})(?P<of>)\s+"
    r"(?=(?:ong|ba|anh|chi|luat su)\s)"
)
# A role label with no colon, the name right after it: a party line ("Nguyên đơn là ông X,
# sinh năm …", "Bị đơn Công ty Y; địa chỉ …") or a sentence ("… giữa nguyên đơn là ông X với
# bị đơn là bà Y", "Người đại diện theo ủy quyền của bị đơn là bà Z"). Principals of a
# lawsuit may go without "là" (and without an honorific when a common surname follows);
# representatives need "là" ("đại diện nguyên đơn ông X" names the party, not the agent).
_NAME_AHEAD = (
    r"(?=(?:ong|ba|anh|chi|cu|chau|luat su|vo chong)\s|(?:cong ty|ngan hang|tong cong ty|"
    r"hop tac xa|quy tin dung|uy ban nhan dan|ubnd|doanh nghiep|dntn|tap doan)\b)"
)
# (the enforcement sides with "là" are `_PROSE`'s)
_ENFORCEMENT_SIDES = [
    "nguoi phai thi hanh an",
    "nguoi duoc thi hanh an",
    "nguoi yeu cau thi hanh an",
]
_INLINE_PRINCIPALS = (
    ["nguyen don", "bi don", "nguoi khoi kien", "nguoi bi kien"]
    + [
        *_ENFORCEMENT_SIDES,
    ]
    + [
        k
        for k, (role, _) in ROLE_LABELS.items()
        if role == "nguoi_co_quyen_loi_nghia_vu_lien_quan" and k != "nguoi lien quan"
    ]
)
_LABEL_INLINE = re.compile(
    rf"(?<![a-z])(?P<label>{_alternatives(_INLINE_PRINCIPALS)})(?P<of>)(?P<sep>\s*[;–-])?\s+"
    rf"(?:(?:la|gom(?:\s+co)?)\s+)?(?:{_NAME_AHEAD}|(?=[a-z]))"
)
_REP_INLINE = re.compile(
    rf"(?<![a-z])(?P<label>{_alternatives(_REP_KEYS)})"
    rf"(?P<of>\s+(?:cua|cho)\s+[^:\n]{{1,80}}?)?\s+(?:la|co|gom)\s+{_NAME_AHEAD}"
)
# Someone else's agent named before a principal's label ("đại diện nguyên đơn ông X")
_AGENT_BEFORE = re.compile(r"(?:dai dien|bao ve|bao chua|giam ho|uy quyen|luat su)[^.;:\n]{0,40}$")
# What follows a name in a party line (details), not in a sentence ("… trình bày:")
_ENTRY_AFTER = re.compile(
    r"\s*(?:$|[,;.(:–-]|sinh|sn\b|dia chi|tru|noi|cmnd|cccd|co mat|vang mat|hktt|dkhktt)"
)
# An organisation's representative named in its line ("UBND xã CS do ông Lường Văn C, …").
_ORG_REP = re.compile(
    r"\s(?:do|(?:nguoi )?dai dien(?: theo (?:phap luat|uy quyen))?(?: tham gia to tung)?"
    r"(?: la|\s*:))\s+(?=(?:ong|ba)\s)"
)
_HONORIFIC = re.compile(
    r"^(?:(?:[Vv]ợ chồng\s+)?[ÔôOo]ng\s+(?:và\s+)?bà|[Vv]ợ chồng(?:\s+(?:ông|bà|anh|chị))?|"
    r"(?:[ÔôOo]ng|[Bb]à|[Aa]nh|[Cc]hị|[Cc]ụ|[Cc]háu|[Ee]m|Luật s[ưự]|LS\.?|ÔNG|BÀ|ANH|CHỊ)"
    r"(?:\s*/\s*(?:bà|Bà|chị))?|Ông\s*\(bà\)|Họ và tên|Họ tên)\s*[:.]?\s+"
)
_ORG = re.compile(
    r"^(?:Công ty|Cty|CÔNG TY|Ngân hàng|NGÂN HÀNG|Tổng công ty|Tổng Công ty|TỔNG CÔNG TY|"
    r"Tập đoàn|Hợp tác xã|HTX|"
    r"Doanh nghiệp|DNTN|Ủy ban|Uỷ ban|UBND|Chủ tịch|Chi nhánh|Quỹ tín dụng|Văn phòng|"
    r"Trường|Bệnh viện|Cơ quan|Cục|Chi cục|Sở|Phòng|Bộ|Hộ kinh doanh|Trung tâm|Ban quản lý|"
    r"ỦY BAN|UỶ BAN|CHỦ TỊCH)\b"
)
# Further bodies, named without an honorific only ("Bảo hiểm xã hội tỉnh S", "Nhà máy Đường
# S", "Ban Quản lý dự án …"): words that would otherwise read as a person's first name.
_ORG_MORE = re.compile(
    r"^(?:Bảo hiểm|BHXH|Nhà máy|Xí nghiệp|Cửa hàng|Ban [Qq]uản lý|BQL|Viện|Học viện|"
    r"Đại học|Công an|Liên đoàn|Liên hiệp|Hội|Chi hội|Kho bạc|Điện lực|Tổng cục|Tổ chức|"
    r"Quỹ|Đài|Báo|Nhà xuất bản|Đảng ủy|Đảng uỷ|Huyện ủy|Tỉnh ủy|Thành ủy|Tòa án|Toà án|"
    r"Viện kiểm sát|Thi hành án|Hộ gia đình)\b(?=\s+\S)"
)
_ORG_END = re.compile(
    # a parenthesis ends the name unless it is part of it ("… (Việt Nam)", "… (VN)"); an
    # alias in one ("… Việt Nam (Techcombank)", "(TP Bank)") is not
    r"\s*(?:\((?!(?:Việt Nam|VIỆT NAM|Viet Nam|Vietnam|VN)\))|;|:|"
    # a comma ends it unless a foreign company's suffix follows ("ML.,LTD", "X Co., Ltd")
    r",(?!\s*(?:LTD|Ltd|INC|Inc|JSC|CORP|Corp|LLC|PTE|Pte|LIMITED|Limited)\b)|"
    # a dash ends it unless a branch or a line of business follows ("Sản xuất - Thương mại")
    r"\s[–-]\s(?!Chi nhánh|CN\b|Phòng giao dịch|PGD|TNHH|MTV|CTCP|Thương mại|Dịch vụ|"
    r"Sản xuất|Xây dựng|Đầu tư|Xuất nhập khẩu|Vận tải|Du lịch|Kỹ thuật|Công nghệ|"
    r"(?!Giám|Chức|Người|Đại|Tổng|"
    r"Phó|Chủ|Trụ|Địa|Có|Vắng)[A-ZĐ][a-zà-ỹđ]+ [A-ZĐ])|\s(?:địa chỉ|có trụ sở|"
    r"trụ sở|Địa chỉ|Trụ sở|do ông|do bà|đại diện|người đại diện|Người đại diện|mã số|"
    r"Mã số|số tiền|phải|đã|là|trả|nộp|bồi thường|chuyển giao|giao trả|hơn|"
    # the verb of a sentence that names it ("Công ty TNHH MTV TKV tiếp tục phải trả lãi")
    r"có trách nhiệm|có nghĩa vụ|tiếp tục|không|chưa|được|sẽ|vẫn|tự nguyện|theo|"
    # "người được nguyên đơn Ngân hàng … ủy quyền trình bày"
    r"ủy quyền|uỷ quyền|trình bày)\b|\.\s)"
)
# A lawyer's firm or bar named beside them in a representative's entry
_LAW_FIRM = re.compile(r".*(?<![a-z])(?:luat|tro giup phap ly)(?![a-z])")
_QUOTES = "'’‘`´”“\"ʼ"
# A Central Highlands name's prefix set apart from the name ("bà H’ R", "H' Ngăm")
_SPACED_PREFIX = re.compile(rf"[{UP}][{_QUOTES}](?=[ \t]+[{UP}])")
_LOWER_MIDDLE = re.compile(rf"(?:văn|thị)(?=[ \t]+[{UP}])")
# (a closing quote may follow a name: "… cho ông Lý Văn Bớt”.")
_TOKEN = re.compile(
    rf"[{UP}](?:[{LO}]+|[{UP}]*)(?:[{_QUOTES}][{UP}]?[{LO}]+)?\d?(?!\w|[{_QUOTES}]\w)"
)
_STOP = {
    "Ngày",
    "Sinh",
    "SN",
    "Địa",
    "Trú",
    "Nơi",
    "Có",
    "Vắng",
    "CMND",
    "CCCD",
    "Chức",
    "Là",
    "Theo",
    "Đại",
    "Người",
    "Cư",
    "HKTT",
    "ĐKHKTT",
    "Số",
    "Nghề",
    "Tên",
    "Cùng",
    "Hiện",
    "Giám",
    "Trình",
    "Tạm",
    "Con",
    "Vợ",
    "Chồng",
    "Căn",
    "Điện",
    "Mã",
    "Đăng",
    "Thường",
    "Chỗ",
    "Các",
    "Những",
}
# Given names that are also the first word of a field label: a stop only before the label's
# second word ("bà Năm" and "ông Bùi Thiện Dân", but "Năm sinh:", "Dân tộc:")
_STOP_BEFORE = {"Năm": "sinh", "Dân": "toc"}
_STOP_FOLDED = {"nguoi", "nguo", "dia", "sinh", "tru", "noi", "cung"}
# "1.", "2)", "2.1", "3.3.", "1-", "3/"
_NUM = r"\d{1,2}(?:\.\d{1,2}){1,2}\.?(?=\s)|\d{1,2}\s*[.)]|\d{1,2}\s*[-/](?=\s)"
_NUMBERING = re.compile(rf"^\s*(?:{_NUM}|[a-zđ]\)|[-+•*])\s*")
_PERSON_START = re.compile(
    rf"^\s*(?:{_NUM}|[a-zđ]\)|[-+•*]|\S{{1,3}}(?=\s+(?:Ông|Bà|Anh|Chị|Cụ)\s))?\s*"
    rf"(?:[ÔôOo]ng|[Bb]à|[Aa]nh|[Cc]hị|[Cc]ụ|"
    rf"[Cc]háu|Công ty|Ngân hàng|Luật s[ưự]|LS\.?)\s+[{UP}]"
    # a bulleted or numbered organisation ("- Ủy ban nhân dân thành phố T", "2.1 UBND xã P")
    rf"|^\s*(?:{_NUM}|[-+•*])\s*(?={_ORG.pattern[1:]})"
    # a numbered name with its details ("2. Huỳnh T, sinh năm 1965")
    rf"|^\s*(?:{_NUM})\s*[{UP}][{LO}]*(?:\s+[{UP}](?:[{LO}]+|[{UP}]{{0,3}})\d?){{1,5}}\s*[,;(–-]"
)
_FIELD_LINE = re.compile(
    r"^\s*[-+•]?\s*(?:cung dia chi|cung cu tru|cung tru|deu co dia chi|dia chi|tru tai|"
    r"noi cu tru|noi o|hktt|dkhktt|tru so|"
    r"sinh nam|nam sinh|sinh ngay|sn\b|cmnd|cccd|can cuoc|chung minh|so dinh danh|ho chieu|"
    r"chuc vu|nghe nghiep|quoc tich|dan toc|co mat|vang mat|dien thoai|ma so|van ban uy quyen|"
    r"giay uy quyen|theo van ban|theo giay|phai nop|phai tra|phai thi hanh|trinh do|"
    r"ton giao|gioi tinh|con ong|"
    r"con ba|tien an|tien su|nhan than|bi bat|bi tam giam)"
)
_STOP_LINE = re.compile(
    r"^\s*(?:can cu|theo |xet |nhan thay|noi dung|vi cac le|tuyen|quyet dinh|dieu \d|"
    r"cac khoan|trong |vao |ngay \d|hom nay|hoi dong|thu ky|kiem sat vien|"
    r"dai dien vien kiem sat|chap hanh vien|thanh phan|chung toi|toi |noi nhan|ly do|"
    r"yeu cau|so tien|buoc |ve viec|cho thi hanh an|nay |sau khi|tai phien toa|thu tuc|"
    r"ket qua|nhan dinh|xac minh|thong bao|thoi han|de nghi)"
)
_BIRTH = re.compile(
    r"(?:sinh\s+nam|nam\s+sinh|\bsn\b|sinh\s+ngay[^;,]{0,24}?)\s*[:.]?\s*((?:19|20)\d{2})(?!\d)"
)
_ID = re.compile(
    r"(?:cccd|cmnd|can cuoc cong dan|chung minh nhan dan|the can cuoc|can cuoc|"
    r"so dinh danh ca nhan|ho chieu|cmtnd)\s*(?:so)?\s*[:.]?\s*(\d{9}|\d{12}|[a-z]\d{7,8})(?!\d)"
)
_ADDRESS = re.compile(
    r"(?:cung dia chi|dia chi(?:\s+thuong tru|\s+tru so(?:\s+chinh)?|\s+lien lac|\s+cu tru)?|"
    r"tru tai|noi cu tru|noi o(?:\s+hien nay)?|dkhktt|hktt|"
    r"(?:co\s+)?tru so(?:\s+chinh)?(?:\s+tai)?)"
    r"\s*[:.]?\s*"
)
_ADDRESS_END = re.compile(
    r"\s*(?:[;(]|\s[–-]\s|\b(?:co mat|vang mat|sinh nam|cmnd|cccd|dien thoai|la nguoi|"
    r"nguoi dai dien|chuc vu|nghe nghiep)\b|$)"
)
# The labels a representative's "… của <label>" may name (`_represents`), with their roles
# from ROLE_LABELS; "người có quyền lợi" is that label cut short ("của người có quyền lợi, …").
_OF_LABELS = (
    "nguyen don",
    "bi don",
    "nguoi khoi kien",
    "nguoi bi kien",
    "nguoi phai thi hanh an",
    "nguoi duoc thi hanh an",
    "bi cao",
)
_OF_ROLE: dict[str, Role] = {k: ROLE_LABELS[k][0] for k in _OF_LABELS} | {
    "nguoi co quyen loi": ROLE_LABELS["nguoi co quyen loi nghia vu lien quan"][0]
}


def _prose_label(label: str) -> re.Pattern[str]:
    """A principal's label in a sentence: "người phải thi hành án là bà X"."""
    return re.compile(re.escape(label).replace(r"\ ", r"\s+") + r"\s+la\s+")


# Prose of enforcement decisions naming parties without a label line: the sentence cues, and
# the enforcement roles' labels (from ROLE_LABELS) followed by "là".
_PROSE: list[tuple[re.Pattern[str], Role]] = [
    (re.compile(r"thi\s+hanh\s+an\s+doi\s+voi\s*:?\s*"), "nguoi_phai_thi_hanh_an"),
    *(
        (_prose_label(k), role)
        for k, (role, _) in ROLE_LABELS.items()
        if k in ("nguoi phai thi hanh an", "nguoi duoc thi hanh an")
    ),
    (
        re.compile(r"don\s+yeu\s+cau\s+thi\s+hanh\s+an(?:\s+ngay\s+[\d/.-]+)?\s+cua\s*:?\s*"),
        "nguoi_duoc_thi_hanh_an",
    ),
]


_ROLE_AFTER = re.compile(r"(?<=\n)\s*la\s+nguoi\s+(phai|duoc)\s+thi\s+hanh\s+an")


@dataclass
class _Block:
    role: Role
    is_rep: bool
    of_text: str
    start: int
    end: int
    heir: bool = False
    mention: bool = False  # named in a sentence: only a full name counts
    people: list[Party] = field(default_factory=list)


# The closed vocabulary of organisation names, to undo OCR tone slips ("Cố phần").
_ORG_WORDS = [
    "Cổ phần",
    "Công ty",
    "Ngân hàng",
    "Thương mại",
    "Trách nhiệm hữu hạn",
    "Một thành viên",
    "Xây dựng",
    "Đầu tư",
    "Phát triển",
    "Dịch vụ",
    "Chi nhánh",
    "Tín dụng",
    "Nhân dân",
    "Nông nghiệp",
    "Nông thôn",
    "Việt Nam",
    "Sản xuất",
    "Xuất nhập khẩu",
    "Hợp tác xã",
    "Tập đoàn",
    "Kỹ thuật",
    "Du lịch",
    "Chủ tịch",
]
_ORG_WORD_RE = re.compile(
    "|".join(
        r"\b" + r"\s+".join(rf"[{UP}{LO}]{{{len(w)}}}" for w in phrase.split()) + r"\b"
        for phrase in _ORG_WORDS
    )
)
_ORG_BY_FOLD = {fold(p): p for p in _ORG_WORDS}


def _fix_org_words(name: str) -> str:
    def fix(m: re.Match[str]) -> str:
        canon = _ORG_BY_FOLD.get(fold(m.group(0)))
        if canon is None:
            return m.group(0)
        # the canonical marks, the capitals as written ("Trách Nhiệm Hữu Hạn", "CỔ PHẦN")
        written = " ".join(m.group(0).split())
        pairs = zip(canon, written, strict=True)
        return "".join(c.upper() if o.isupper() else c.lower() for c, o in pairs)

    return _ORG_WORD_RE.sub(fix, name)


# An anonymised given name: one capital (+ digit) or a vowel-less initial pair (Th, Ph, Nh).
_INITIAL = re.compile(r"(?:[A-ZĐ]|Ch|Gi|Kh|Ng|Ngh|Nh|Ph|Qu|Th|Tr)\d?")
_MORE_INITIALS = re.compile(rf"(?:[A-ZĐ]|Ch|Gi|Kh|Ng|Nh|Ph|Qu|Th|Tr)\d?(?![\w{_QUOTES}])")
# Common surnames (docs/domain.md §5.4): OCR drops their marks ("NGUYÊN", "Đỉnh"); one spelling.
# Real surnames that look like another's OCR slip: kept as written.
_OWN_SURNAMES = {"Lường"}
_SURNAMES = {
    fold(s): s
    for s in [
        "Nguyễn",
        "Trần",
        "Lê",
        "Phạm",
        "Hoàng",
        "Huỳnh",
        "Phan",
        "Vũ",
        "Võ",
        "Đặng",
        "Bùi",
        "Đỗ",
        "Hồ",
        "Ngô",
        "Dương",
        "Lý",
        "Đinh",
        "Trương",
        "Đào",
        "Lâm",
        "Mai",
        "Lương",
        "Tạ",
        "Cao",
        "Châu",
        "Kiều",
        "Đoàn",
        "Quách",
        "Trịnh",
        "Vương",
        "Triệu",
        "Lưu",
        "Thái",
        "Tăng",
    ]
}


# Further surnames, only to tell a bare name from other capitalised words (a list of names
# without honorifics); their marks are not restored ("Lã" and "La" are both surnames).
_KNOWN_SURNAMES = set(_SURNAMES) | {
    fold(s)
    for s in [
        "Hà",
        "Tô",
        "Lò",
        "Quàng",
        "Đồng",
        "Đàm",
        "Khúc",
        "Mạc",
        "Nông",
        "Lục",
        "La",
        "Lã",
        "Phùng",
        "Âu",
        "Tôn",
        "Thân",
        "Chu",
        "Giang",
        "Hứa",
        "Kim",
        "Lại",
        "Ninh",
        "Phí",
        "Quan",
        "Tống",
        "Từ",
        "Vi",
        "Diệp",
        "Doãn",
        "Hàn",
        "Hầu",
        "Khổng",
        "Khương",
        "Mã",
        "Nghiêm",
        "Tiêu",
        "Trình",
        "Bạch",
        "Biện",
        "Cù",
        "Cung",
        "Đường",
        "Lạc",
    ]
}


def _surname(token: str) -> str:
    canon = _SURNAMES.get(fold(token))
    if canon is None or canon.lower() == token.lower() or token in _OWN_SURNAMES:
        return token
    return canon.upper() if token.isupper() and len(token) > 1 else canon


_DOCUMENT_WORDS = re.compile(r"(?:Bản án|Quyết định|Thông báo|Văn bản|Công văn)\b")


def _name_of(part: str) -> tuple[str, str | None, bool]:
    """(name, honorific, is_organization) from the start of a person/organisation part."""
    part = _NUMBERING.sub("", part.strip(" \t:;,.-–")).strip()
    # OCR reads a list number as letters ("XI Ông Hồ Sỹ Hải" for "1. Ông …").
    part = re.sub(
        r"^(?!(?:[ÔôOo]ng|[Bb]à|[Aa]nh|[Cc]hị|[Cc]ụ)\s)\S{1,3}\s+(?=(?:[ÔôOo]ng|[Bb]à|[Aa]nh|[Cc]hị|[Cc]ụ|[Cc]háu)\s)",
        "",
        part,
    )  # (not the "ông" of "ông bà X")
    honorific = None
    m = _HONORIFIC.match(part)
    if m:
        honorific = m.group(0).strip(" :.")
        part = part[m.end() :]
    if _DOCUMENT_WORDS.match(part):
        return "", honorific, False  # "thi hành án đối với Bản án nêu trên": a document
    dotted = re.match(r"[A-ZĐ](?:\.[A-ZĐ]){1,4}(?![\w.])", part)
    if dotted:
        return dotted.group(0), honorific, False  # "C.K.N": initials with dots
    if _ORG.match(part) or (honorific is None and _ORG_MORE.match(part)):
        end = _ORG_END.search(part, 4)
        name = part[: end.start()] if end else part
        return _fix_org_words(name.strip(" .,;")), honorific, True
    tokens: list[str] = []
    pos = 0
    while True:
        m2 = _SPACED_PREFIX.match(part, pos) or _TOKEN.match(part, pos)
        if tokens and not m2:
            m2 = _LOWER_MIDDLE.match(part, pos)  # "Phạm văn T": the middle name in lower case
        if not m2 or m2.group(0) in _STOP or skeleton(m2.group(0)) in _STOP_FOLDED:
            break
        label_word = _STOP_BEFORE.get(m2.group(0))
        if label_word and re.match(rf"\s+{label_word}\b", skeleton(part[m2.end() : m2.end() + 9])):
            break
        tokens.append(re.sub(f"[{_QUOTES}]", "’", m2.group(0)))
        pos = m2.end()
        ws = re.match(r"[ \t]+", part[pos:])
        # An anonymised initial ends the name ("Lê Thị Thúy K", not "… K Văn phòng")
        # unless more initials follow it ("Lê T N", "Võ Thị T D").
        # …except after initials alone: a foreign name written given names first ("P C Siong")
        initial = bool(len(tokens) > 1 and _INITIAL.fullmatch(tokens[-1]))
        initial = initial and not all(len(t) == 1 for t in tokens)
        if initial and (not ws or not _MORE_INITIALS.match(part, pos + ws.end())):
            break
        if not ws:
            break
        pos += ws.end()
    if tokens:
        tokens[0] = _surname(tokens[0])
    if len(tokens) > 1:
        # OCR reads the digit of an anonymised initial as "I": "Mỹ HI" / "HI1" for "Mỹ H1"
        tokens[-1] = re.sub(r"^([A-ZĐ])I1?$", r"\g<1>1", tokens[-1])
        tokens[-1] = re.sub(r"^([A-ZĐ])\1$", r"\1", tokens[-1])  # "Huỳnh TT" for "Huỳnh T"
    if not tokens:
        # "KĐiệp": OCR lost the apostrophe of a Central Highlands name (K’Điệp, K’Brơi).
        m3 = re.match(rf"([{UP}])([{UP}][{LO}]+)(?![\w])", part)
        if m3:
            tokens = [f"{m3.group(1)}’{m3.group(2)}"]
    return " ".join(tokens), honorific, False


def _fields(part: str) -> tuple[int | None, str | None, str | None]:
    skel = skeleton(part)
    birth = None
    m = _BIRTH.search(skel)
    if m:
        birth = int(m.group(1))
    idn = None
    m = _ID.search(skel)
    if m:
        idn = part[m.start(1) : m.end(1)].upper()
    address = None
    m = _ADDRESS.search(skel)
    if m:
        end = _ADDRESS_END.search(skel, m.end())
        stop = end.start() if end else len(part)
        address = part[m.end() : stop].strip(" .,:-") or None
    return birth, idn, address


# "Có mặt ông T và Luật sư T. Vắng mặt ông B, bà M": who attended, not who is a party
_ATTENDANCE = re.compile(r"\s*(?:co mat|vang mat)\s+(?:ong|ba|anh|chi|luat su|cac)\s")


# "Các con của ông H gồm: anh X, chị Y": who the group is, before the people in it
_GROUP_INTRO = re.compile(
    r"^\s*[^:\n]{0,60}?\bgồm(?:\s+có)?\s*:?\s*(?=(?:[ôÔ]ng|[bB]à|[aA]nh|[cC]hị|[cC]ụ|[cC]háu)\s)"
)


def _split_people(content: str) -> list[str]:
    """Split a block's text into one part per person or organisation."""
    content = _GROUP_INTRO.sub("", content, count=1)
    items: list[str] = []
    for line in content.split("\n"):
        if not line.strip() or _ATTENDANCE.match(skeleton(line)):
            continue
        numbered = bool(re.match(rf"^\s*(?:{_NUM}|[-+•])\s*[{UP}]", line))
        # "Bà Trưng" at the start of a line is a person only after a finished line;
        # after a wrap ("đường Hai⏎Bà Trưng") it is the rest of an address.
        ended = not items or items[-1].rstrip().endswith((".", ";", ":", ")", ","))
        # a bare name only after a finished entry, not after "địa chỉ:⏎Nguyễn Phi K, phường T"
        bare = _bare_name(line) and bool(items) and items[-1].rstrip().endswith((".", ";"))
        starts_person = numbered or bare or (bool(_PERSON_START.match(line)) and ended)
        if items and starts_person:
            items.append(line)
        elif items:
            items[-1] += "\n" + line
        else:
            items.append(line)
    parts: list[str] = []
    for item in items:
        text = one_line(item)
        pieces = re.split(
            rf"(?:;\s*|\s+và\s+(?:(?:vợ|chồng)(?:\s+là)?\s+)?|,\s+|\s+(?:và\s*/\s*)?hoặc\s+)"
            rf"(?=(?:\d{{1,2}}[.)]\s*)?(?:[ôÔ]ng|[bB]à|[aA]nh|[cC]hị|[cC]ụ|"
            rf"[cC]háu|em)\s+[{UP}])"
            rf"|(?:;\s*|\s+và\s+|\s+[-–])(?=(?:Ủy ban|Uỷ ban|UBND|Chủ tịch|Công ty|Ngân hàng)\s)"
            # "ông D, sinh năm 1978 và/hoặc N, sinh năm 1988": either of two representatives
            rf"|\s+(?:và\s*/\s*)?hoặc\s+(?=[{UP}]\w*\s*,\s*sinh)"
            # "1. Ông Dương Văn B, sinh năm 1944 2. Bà Lê Thị C": numbered on one line
            rf"|\s+(?=\d{{1,2}}(?:\.\d{{1,2}})*\.?\s*(?:Ông|Bà|Anh|Chị|Cụ)\s+[{UP}])"
            # "1. Nguyễn Văn A, sinh năm 1970; 2. Nguyễn Thị B": numbered names after a stop
            rf"|(?<=[;.])\s*(?=\d{{1,2}}\s*[.)/-]\s+[{UP}][{LO}]*\s+[{UP}])"
            rf"|\s+[-–]\s+(?=(?:Ông|Bà|Anh|Chị|Cụ)\s+[{UP}])"
            # "Luật sư Đàm Đức T Luật sư Nguyễn Thị Thanh Hà" (not "Văn phòng Luật sư Mai Thanh")
            rf"|(?<![Pp]hòng)(?<![Đđ]oàn)(?<![Tt]y)\s+(?=Luật sư\s+(?!Công|Văn)[{UP}])",
            text,
        )
        pieces = [r for p in pieces for q in _split_bare_couple(p) for r in _split_name_list(q)]
        current = pieces[0]
        for piece in pieces[1:]:
            head = skeleton(current)
            # kinship words; "vợ" as written, not the surname "Võ" of "Bà Võ Thị D1"
            kin = re.search(
                r"(?<![a-z])(?:con|chong|cha|me|cua|voi|cho)\s*(?:ong|ba)?\s*[^;]{0,40}$", head
            ) or re.search(r"(?<!\w)[Vv]ợ\s*(?:ông|bà)?\s*[^;]{0,40}$", current)
            # "Công ty T, đại diện theo ủy quyền là ông Ph, ông D": the organisation's people
            reps = [
                r for r in _ORG_REP.finditer(head) if not re.search(r"dia chi", head[r.end() :])
            ]
            # "con ông X (không rõ năm sinh) và bà Y": a parenthesis gives no details
            tail = (
                re.sub(r"\([^)]*\)", "", head[(kin or reps[-1]).start() :]) if kin or reps else ""
            )
            if (kin or reps) and not re.search(r"sinh|dia chi|tru tai|cmnd|cccd", tail):
                current += " và " + piece
            else:
                parts.append(current)
                current = piece
        parts.append(current)
    return parts


def _bare_name(line: str) -> bool:
    """A line that opens with a full name and no honorific ("Phan Thị Minh L, Trưởng phòng
    …"): a surname, one to four more name words, then a comma."""
    m = re.match(
        rf"\s*(?:(?:{_NUM}|[-+•*])\s*)?([{UP}][{LO}]*)((?:\s+[{UP}](?:[{LO}]+|[{UP}]{{0,2}})\d?){{1,4}})\s*,",
        line,
    )
    return m is not None and fold(m.group(1)) in _KNOWN_SURNAMES


_BARE_NAME = rf"[{UP}][{LO}]*(?:[ \t]+[{UP}](?:[{LO}]+|[{UP}]{{0,2}})\d?){{1,4}}(?![\w])"
_NEXT_NAME = re.compile(rf"(?:,[ \t]*|[ \t]+và[ \t]+)(?={_BARE_NAME})")


def _split_name_list(part: str) -> list[str]:
    """ "Nguyễn Văn An, Nguyễn Thị Bình và Nguyễn Văn Cường (đều trú …)": full names listed
    bare, each starting with a common surname."""
    start = _NUMBERING.match(part)
    pos = start.end() if start else 0
    hon = _HONORIFIC.match(part, pos)
    pos = hon.end() if hon else pos
    m = re.compile(_BARE_NAME).match(part, pos)
    if not m or fold(m.group(0).split()[0]) not in _KNOWN_SURNAMES:
        return [part]
    cuts = []
    while (sep := _NEXT_NAME.match(part, m.end())) is not None:
        nxt = re.compile(_BARE_NAME).match(part, sep.end())
        if nxt is None or fold(nxt.group(0).split()[0]) not in _KNOWN_SURNAMES:
            break
        cuts.append((m.end(), sep.end()))
        m = nxt
    if not cuts:
        return [part]
    pieces, last = [], 0
    for end, nxt_start in cuts:
        pieces.append(part[last:end])
        last = nxt_start
    return [*pieces, part[last:]]


def _split_bare_couple(part: str) -> list[str]:
    """ "ông bà Đặng Văn C (SN 1965) và Bùi Thị K": two people without a second honorific."""
    body = _HONORIFIC.sub("", _NUMBERING.sub("", part.strip()))
    if _ORG.match(body):
        return [part]
    m = re.search(
        rf"^(?:\S+\s+){{0,6}}?\S+(?:\s*\([^)]{{0,30}}\))?\s+và\s+(?=[{UP}][{LO}]+\s+[{UP}])",
        part,
    )
    if not m or re.search(r"sinh|địa chỉ|trú|,|;", part[: m.start() + len(m.group(0)) - 4]):
        return [part]
    cut = m.end()
    head = part[:cut].rstrip()
    head = head[: -len("và")].rstrip()
    return [head, part[cut:]]


def _continues(prev: str, line: str) -> bool:
    """Whether `line` still belongs to the party block that `prev` is the last line of."""
    skel = skeleton(line)
    if _FIELD_LINE.match(skel) or _PERSON_START.match(line):
        return True
    if _bare_name(line) and prev.rstrip().endswith((".", ";")):
        return True
    if _STOP_LINE.match(skel):
        return False
    letters = [c for c in line if c.isalpha()]
    if len(letters) > 6 and sum(c.isupper() for c in letters) / len(letters) > 0.8:
        return False  # a heading
    if re.match(rf"^\s*[-+•]?\s*[{UP}][^:\n,;]{{0,50}}:", line):
        return False  # another label
    if line[:1].islower():
        return True
    return not prev.rstrip().endswith((".", ";"))


def _block_end(text: str, start: int, limit: int) -> int:
    """Where a party block that starts at `start` ends (next label, heading, prose)."""
    nl = text.find("\n", start)
    if nl < 0 or nl >= limit:
        return limit
    prev = text[start:nl]
    pos = nl + 1
    while pos < limit:
        nxt = text.find("\n", pos)
        nxt = limit if nxt < 0 or nxt > limit else nxt
        line = text[pos:nxt]
        if line.strip() and not _continues(prev, line):
            return pos - 1
        if line.strip():
            prev = line
        pos = nxt + 1
    return limit


_MENTION = re.compile(
    rf"(?<![{LO}{UP}])(?:[Ôô]ng\s+bà|[Ôô]ng|[Bb]à|[Aa]nh|[Cc]hị|[Cc]ụ|[Cc]háu)\s+(?=[{UP}])"
    r"|(?<![\w])(?=(?:Công\s+ty|Ngân\s+hàng|Quỹ\s+tín\s+dụng|Hợp\s+tác\s+xã|Tổng\s+công\s+ty)\b)"
)
# A party named by role without an honorific in a story ("giữa nguyên đơn Nguyễn Quang
# Vượng … và bị đơn Hoàng Kim Truyền"): a full name that later short references ("ông
# Truyền") point to.
_ROLE_NOUN = re.compile(
    r"(?<![a-z])(?:nguyen don|bi don|bi an|bi cao|nguoi (?:phai|duoc) thi hanh an|"
    r"nguoi (?:khoi|bi) kien)\s+(?:la\s+)?(?!(?:ong|ba|anh|chi|cu)\s)"
)
# Words around a person in the prose of an enforcement document that give their role.
_DEBTOR_BEFORE = re.compile(
    r"(?:xac minh dieu kien thi hanh an|cuong che[^.;\n]{0,60}?|ke bien[^.;\n]{0,100}?|"
    r"(?:to chuc )?dau gia[^.;\n]{0,100}?|"
    r"khau tru[^.;\n]{0,40}?|thi hanh (?:ban )?an(?: theo yeu cau)?)\s+(?:cua|doi voi)\s*:?\s*"
    r"(?:vo chong\s*)?$"
    # "Quyết định buộc ông X và bà Y chuyển giao …"
    r"|\bbuoc\s+(?:vo chong\s+|gia dinh\s+)?$"
    # the heir the obligations pass to (Luật THADS Điều 54): "… đã chuyển giao quyền, nghĩa vụ
    # thi hành án cho ông Nghĩa"
    r"|chuyen giao (?:quyen,? )?nghia vu thi hanh an cho\s+$"
)
_DEBTOR_AFTER = re.compile(
    r"^\s*(?:\([^)]{0,120}\)\s*)?,?\s*"
    # "… anh X và bà Y phải trả", "ông X và 5 bị cáo khác phải bồi thường": the others
    # named with the debtor
    r"(?:(?:va|,)\s*(?:(?:ong|ba|anh|chi)\s+[^,;.]{1,30}?|(?:\d+|cac)\s+(?:bi cao|bi an|nguoi)"
    r"(?:\s+khac)?)\s*)?"
    # "… ông X ở thôn Mia, xã An Hà phải trả": where they live
    r"(?:(?:o|tru|ngu|tru tai|cu tru tai)\s+[^.;()]{1,60}?\s*)?"
    r"(?:(?:tiep tuc|van|con|se|da|cung)\s+)?"  # "… TKV tiếp tục phải trả lãi"
    # "ông X bị Tòa tuyên phải bồi thường", "bị TAND huyện Y buộc trả"
    r"(?:bi\s+(?:toa(?:\s+an)?|tand)?[^,.;]{0,30}?\s*(?:tuyen|buoc|xu)(?:\s+buoc)?\s+)?"
    r"(?:co trach nhiem|co nghia vu|phai (?:tra|nop|thi hanh|"
    r"thanh toan|boi thuong|chiu|hoan tra)|la nguoi phai thi hanh an|"
    # "ông X đã tự nguyện giao đất", "ông C. không tự nguyện THA": who owes the judgment
    r"(?:(?:da|van|khong|chua)\s+)?tu nguyen\s+(?:thi hanh|tha\b|giao|tra|nop|ban giao|"
    r"thao do|chap hanh))"
)
_RELATED_AFTER = re.compile(
    r"^\s*(?:\([^)]{0,120}\)\s*)?,?\s*(?:la\s+)?nguoi co quyen loi,?\s+(?:va\s+)?nghia vu"
    r"\s+(?:co\s+)?lien quan"
)
_CREDITOR_AFTER = re.compile(
    r"^\s*(?:\([^)]{0,120}\)\s*)?,?\s*(?:la nguoi duoc thi hanh an|"
    # "bà Y (trú tại …) có đơn yêu cầu thi hành án", "ông Z đã gửi đơn yêu cầu thi hành"
    r"(?:da\s+)?(?:co|lam|gui|nop)\s+don\s+yeu\s+cau\s+thi\s+hanh)"
)
# A side given beside the name: "ông X (người phải thi hành án)", "bà Y, người được thi hành
# án, …", "bà Z (bị đơn)": in an enforcement story the suit's loser owes, its winner is owed
_SIDE_WORDS: list[tuple[str, Role]] = [
    ("nguoi phai thi hanh an|bi don", "nguoi_phai_thi_hanh_an"),
    ("nguoi (?:duoc|yeu cau) thi hanh an|nguyen don", "nguoi_duoc_thi_hanh_an"),
]
_SIDE_APPOSED = [
    (re.compile(rf"^\s*(?:,|\(|[–-])\s*(?:la\s+)?(?:{words})(?=\s*[,;.)–-])"), role)
    for words, role in _SIDE_WORDS
]
_CREDITOR_BEFORE = re.compile(
    r"(?:(?:tra|thanh toan|hoan tra|boi thuong|dong|khoan tien|so tien)\s+cho"
    r"(?:\s+(?:gia dinh|ho|vo chong))?|"
    # "… để trả lại 230m2 đất cho gia đình ông Y", "chuyển giao … cho hộ bà Z"
    r"(?:tra lai|giao tra|chuyen giao|giao)\b[^.;]{0,100}?\s+cho(?:\s+(?:gia dinh|ho|vo chong))?|"
    r"phai\s+(?:tra|thanh toan|hoan tra|boi thuong)(?:\s+lai)?|"
    # "quyết định thi hành án theo yêu cầu của bà Năm"
    r"theo (?:don )?yeu cau(?: thi hanh an)? cua)\s*$"
)
# Neither side: the buyer at an enforcement auction ("ông H.N.T là người trúng đấu giá",
# "ông X … mua trúng đấu giá") and a party's representative ("ông X – hiện là người đại
# diện theo pháp luật của công ty Y").
_BUYER_AFTER = re.compile(
    r"^\s*(?:\([^)]{0,80}\)\s*)?,?\s*(?:la nguoi (?:mua )?trung dau gia|(?:da\s+)?mua trung)"
)
_REP_AFTER = re.compile(
    r"^\s*(?:\([^)]{0,80}\)\s*)?[,–-]?\s*(?:hien\s+)?la\s+(?:nguoi\s+)?dai dien"
    r"(?:\s+theo\s+(?:phap luat|uy quyen))?\s+(?:cua|cho)\s+"
)


_COUPLE = re.compile(r"(?i)(?:vợ chồng|ông\s+(?:và\s+)?bà)")
_SPOUSE = re.compile(rf"\s*(?:và|[-–])\s*([{UP}][^,;.()]{{0,40}})")
_ORG_HEADS = {"ngan hang", "cong ty", "tong cong ty", "hop tac xa", "quy tin dung"}


def _initials(name: str) -> bool:
    """Press initials standing for a name: "NVC", "ĐVC", "H.N.T"."""
    return bool(re.fullmatch(r"[A-ZĐ]{2,5}|[A-ZĐ](?:\.[A-ZĐ]){1,4}", name))


def _full_name(short: str, full: list[tuple[int, str]], at: int) -> str | None:
    """The full name a one-word reference stands for ("ông Truyền" → Hoàng Kim Truyền,
    "ông C." → NVC): the last one named before `at` that ends so, else the first after."""
    key = fold(short)

    def ends(name: str) -> bool:
        if _initials(name):
            return len(key) == 1 and fold(name).replace(".", "")[-1] == key
        return fold(name).split()[-1] == key

    before = [n for s, n in full if s < at and ends(n)]
    after = [n for s, n in full if s >= at and ends(n)]
    return before[-1] if before else after[0] if after else None


def _prose_parties(text: str, skel: str) -> list[Party]:
    """Debtors and creditors an enforcement document or story names only in its sentences.

    A one-word reference ("ông Truyền", "bà Hoa") is the full name it ends (named anywhere
    in the text, with an honorific or after a role word), or the one-word name itself when
    the text gives no fuller one. A person joined by "và" or a comma to someone whose role
    the sentence gives has that role too."""
    mentions: list[tuple[int, str, str | None, bool, str, str | None]] = []
    for m in _MENTION.finditer(text):
        end = _sentence_end(text, m.start())
        part = one_line(text[m.start() : end])
        name, honorific, is_org = _name_of(part)
        if is_org and fold(name) in _ORG_HEADS:
            continue  # "… trả hết nợ cho Ngân hàng theo Hợp đồng": the one named before
        spouse = None
        if name and honorific and _COUPLE.match(honorific):
            # "vợ chồng ông bà ĐVC và BTKT", "ông bà Hoàng Thị V- Hoàng Lan H"
            joined = _SPOUSE.match(part, part.find(name) + len(name))
            spouse = _name_of(joined.group(1))[0] if joined else None
        if name:
            mentions.append((m.start(), name, honorific, is_org, part, spouse or None))
    full = [
        (s, n)
        for s, name, _, _, _, spouse in mentions
        for n in (name, spouse)
        if n and (len(n.split()) > 1 or _initials(n))
    ]
    for m in _ROLE_NOUN.finditer(skel):
        if text[m.end() : m.end() + 1].isupper():
            name, _, _ = _name_of(text[m.end() : _sentence_end(text, m.end())])
            if len(name.split()) > 1 or _initials(name):
                full.append((m.end(), name))
    out: list[Party] = []
    last: tuple[int, Role] | None = None  # where the last party with a role ends, and it
    for start, name, honorific, is_org, part, spouse in mentions:
        named = name
        if len(name.split()) < 2 and not _initials(name) and not is_org:
            resolved = _full_name(name, full, start)
            if resolved is None and (honorific is None or len(name) < 2):
                continue  # "ông C": a short reference whose full name the text lacks
            named = resolved or name
        if spouse and len(spouse.split()) < 2 and not _initials(spouse):
            spouse = _full_name(spouse, full, start)
        sentence = max(skel.rfind(".", 0, start), skel.rfind(";", 0, start))
        before = re.sub(r"\s+", " ", skel[max(sentence + 1, start - 120) : start])
        name_end = part.find(name) + len(name)
        if len(name) == 1 and part[name_end : name_end + 1] == ".":
            name_end += 1  # "ông C. phải thanh toán": a press initial's full stop
        joined = _SPOUSE.match(part, name_end) if spouse else None
        if joined:  # the role words come after the second name
            name_end = joined.start(1) + len(_name_of(joined.group(1))[0])
        after = skeleton(part[name_end:])
        role: Role | None = None
        represents: list[str] = []
        apposed = next((r for pattern, r in _SIDE_APPOSED if pattern.match(after)), None)
        if apposed is not None:
            role = apposed
        elif _BUYER_AFTER.match(after):
            role = "other"
        elif _RELATED_AFTER.match(after):
            role = "nguoi_co_quyen_loi_nghia_vu_lien_quan"
        elif rep := _REP_AFTER.match(after):
            role = "other"
            whom, _, _ = _name_of(part[name_end + rep.end() :])
            represents = [whom] if whom else []
        elif _DEBTOR_BEFORE.search(before) or _DEBTOR_AFTER.match(after):
            role = "nguoi_phai_thi_hanh_an"
        elif _CREDITOR_BEFORE.search(before) or _CREDITOR_AFTER.match(after):
            role = "nguoi_duoc_thi_hanh_an"
        elif last is not None and re.fullmatch(
            r"\s*(?:\([^)]*\)\s*)?(?:,|và|va)\s*", skel[last[0] : start]
        ):
            role = last[1]  # "buộc ông Hoàng Hàn và bà Hoàng Thị Thảo chuyển giao …"
        if role is None:
            last = None
            continue
        last = (start + len(part[: part.find(name) + len(name)]), role) if role != "other" else None
        birth, idn, address = _fields(part)
        if spouse and role != "other":
            out.append(Party(name=spouse, role=role))
        out.append(
            Party(
                name=named,
                role=role,
                honorific=honorific,
                birth_year=birth,
                id_number=idn,
                address=address,
                is_organization=is_org,
                represents=represents,
            )
        )
    # The buyer at the auction is neither side, whatever the handover's wording; otherwise the
    # first side a story gives someone is theirs ("buộc ông Truyền trả …", later "giao đất cho
    # hộ ông Truyền" to house him).
    buyers = {fold(p.name) for p in out if p.role == "other" and not p.represents}
    sides: dict[str, Role] = {}
    for p in out:
        if p.role in ("nguoi_phai_thi_hanh_an", "nguoi_duoc_thi_hanh_an"):
            sides.setdefault(fold(p.name), p.role)
    out = [
        p
        for p in out
        if p.role not in ("nguoi_phai_thi_hanh_an", "nguoi_duoc_thi_hanh_an")
        or (fold(p.name) not in buyers and sides.get(fold(p.name)) == p.role)
    ]
    # "bị án Đinh La Thăng" (a convict owing fines), "bị cáo Phan Đình Đức" in a story
    for m in _CONVICT.finditer(skel):
        if not text[m.end() : m.end() + 1].isupper():
            continue
        name, _, _ = _name_of(text[m.end() : m.end() + 60])
        if len(name.split()) > 1:
            convict_role: Role = "bi_cao" if m.group(1) == "bi cao" else "nguoi_phai_thi_hanh_an"
            out.append(Party(name=name, role=convict_role))
    return out


_CONVICT = re.compile(r"(?<![a-z])(bi an|bi cao)\s+")


def _sentence_end(text: str, start: int) -> int:
    # not the full stop of a press initial ("ông C. không tự nguyện …")
    m = re.compile(r"(?<!\s[A-ZĐ])\.(?:\s|$)|;|\n\n").search(text, start)
    return m.start() if m else len(text)


_SIDE_OF_SUIT: dict[Role, Role] = {
    "nguyen_don": "nguoi_duoc_thi_hanh_an",
    "bi_don": "nguoi_phai_thi_hanh_an",
}


# An enforcement auction notice ("Thông báo việc đấu giá …", "THÔNG BÁO bán đấu giá tài sản")
_AUCTION_NOTICE = re.compile(
    r"\s*thong bao\b[^\n]{0,40}\bdau gia|\s*thong bao\s*\n[^\n]{0,40}dau gia"
)
# Who holds the asset it sells, as its description says: "… mang tên ông X", "đứng tên ông
# X, bà Y", "do UBND … cấp cho hộ ông X", "xác nhận chuyển nhượng cho ông X và vợ là bà Y",
# "tặng cho ông X", "tên người sử dụng đất là ông X", "… của vợ chồng ông X và bà Y"
_HOLDER = re.compile(
    (
        r"(?:mang ten|dung ten|(?<![a-z])cap\b[^.;]{0,120}?\bcho|chuyen nhuong cho|tang cho|"
        r"ten nguoi su dung dat la|(?<![a-z])cua)\s+(?:ho\s+|vo chong\s+|gia dinh\s+)?"
        r"(?=(?:ong|ba|anh|chi)\s)"
    ).replace(" ", r"\s+")  # OCR breaks lines anywhere
)


_FIELD_START = re.compile(rf"(?m)^\s*[-+•]?\s*[{UP}][^:\n]{{0,60}}:|\n\s*\n")


def _asset_holders(text: str, skel: str) -> list[Party]:
    """The judgment debtors of an enforcement auction notice: the asset's current holders,
    the last named in each description (a certificate's later transfers supersede it)."""
    out: list[Party] = []
    # one description a field ("Tên tài sản: …"), whatever lines OCR broke it into
    starts = [m.start() for m in _FIELD_START.finditer(text)]
    for begin, end in zip([0, *starts], [*starts, len(text)], strict=True):
        holders = list(_HOLDER.finditer(skel, begin, end))
        if not holders:
            continue
        start = holders[-1].end()
        clause = one_line(text[start : min(end, _sentence_end(text, start))])
        for piece in re.split(r",\s*|\s+và\s+(?:vợ\s+là\s+|chồng\s+là\s+)?", clause):
            name, honorific, _ = _name_of(piece)
            if honorific and len(name.split()) > 1:
                out.append(Party(name=name, role="nguoi_phai_thi_hanh_an", honorific=honorific))
    return out


def _clause_end(text: str, start: int) -> int:
    """Where a party named in a sentence ends: the sentence, a colon or the line."""
    ends = [_sentence_end(text, start), text.find(":", start), text.find("\n", start)]
    return min(e for e in ends if e >= 0)


def _details_end(text: str, start: int) -> int:
    """The end of the sentence at `start` and of the party details that follow it."""
    end = _sentence_end(text, start)
    while end < len(text):
        nxt = re.match(r"[.;]?\s*", text[end:])
        after = end + (nxt.end() if nxt else 0)
        if not _FIELD_LINE.match(skeleton(text[after : after + 40])):
            break
        end = _sentence_end(text, after)
    return end


def _inline_name(text: str, skel: str, m: re.Match[str]) -> bool:
    """Whether a label without a colon is followed by a party's name (not someone's agent
    before a principal's label, not a lower-case word)."""
    if m.re is _LABEL_INLINE:
        if _AGENT_BEFORE.search(skel[max(0, m.start() - 60) : m.start()]):
            return False
        if _label_key(m.group("label")) in _ENFORCEMENT_SIDES and re.search(
            r"\s(?:la|gom(?:\s+co)?)\s+$", m.group(0)
        ):
            return False  # "người phải thi hành án là bà X": `_PROSE`
        line_start = text.rfind("\n", 0, m.start()) + 1
        if m.group("sep") and not re.fullmatch(r"[\s\-+•*]*", text[line_start : m.start()]):
            return False  # "Bị đơn - Bà X" opens a line; "… bị đơn; ông X …" is a sentence
        if not re.match(_NAME_AHEAD, skel[m.end() :]):
            # no honorific: a full name that starts with a common surname
            words = text[m.end() : m.end() + 40].split()
            if not words or not words[0][:1].isupper() or fold(words[0]) not in _KNOWN_SURNAMES:
                return False
            return len(_name_of(text[m.end() : _clause_end(text, m.end())])[0].split()) > 1
    elif not m.group("of"):
        # "Công ty Đ, đại diện theo ủy quyền là bà H": the line's own party (`_ORG_REP`)
        line_start = text.rfind("\n", 0, m.start()) + 1
        return not re.search(r"[a-z]", skel[line_start : m.start()])
    return True


def _entry_line(text: str, m: re.Match[str]) -> bool:
    """Whether a label without a colon opens a party line (the name then its details)."""
    line_start = text.rfind("\n", 0, m.start()) + 1
    if not re.fullmatch(rf"\s*(?:{_NUM}|[-+•*])?\s*", text[line_start : m.start()]):
        return False
    if not text[m.start() : m.start() + 1].isupper():
        return False
    line_end = text.find("\n", m.end())
    line = text[m.end() : line_end if line_end >= 0 else len(text)]
    name, _, _ = _name_of(line)
    if not name or line.find(name) < 0:
        return False
    rest = skeleton(line[line.find(name) + len(name) :])
    if re.search(r"trinh bay|(?<![a-z])khai(?![a-z])|cho rang|de nghi", rest):
        return False  # "Nguyên đơn cụ M, cụ L do ông G đại diện trình bày: …"
    return bool(_ENTRY_AFTER.match(rest))


def find_parties(text: str, *, enforcement: bool = False) -> list[Party]:
    """Every party named in `text`, deduplicated by (folded name, role), in order.

    `enforcement`: the text is an enforcement agency's document, so debtors and creditors
    named only in its sentences ("… khoản tiền 86.000.000 đồng cho bà Lê Thị N") count too.
    """
    skel = skeleton(text)
    matches = list(_LABEL.finditer(skel))
    matches += [
        m
        for m in _REP_LABEL_BARE.finditer(skel)
        if not any(n.start() <= m.start() < n.end() for n in matches)
    ]
    matches += [
        m
        for pattern in (_LABEL_INLINE, _REP_INLINE)
        for m in pattern.finditer(skel)
        if _inline_name(text, skel, m)
        and not any(n.start() <= m.start() < n.end() for n in matches)
    ]
    matches.sort(key=lambda m: m.start())
    blocks: list[_Block] = []
    for i, m in enumerate(matches):
        role, is_rep = _lookup(m.group("label"))
        nxt = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        mention = m.re in (_LABEL_INLINE, _REP_INLINE) and not _entry_line(text, m)
        end = min(nxt, _clause_end(text, m.end())) if mention else _block_end(text, m.end(), nxt)
        of = text[m.start("of") : m.end("of")] if m.group("of") else ""
        heir = _label_key(m.group("label")).replace(",", "") in _HEIRS
        blocks.append(_Block(role, is_rep, of, m.end(), end, heir, mention))
    prose = sorted(
        ((m, prose_role) for pattern, prose_role in _PROSE for m in pattern.finditer(skel)),
        key=lambda mr: mr[0].start(),
    )
    for m, prose_role in prose:
        if any(b.start <= m.start() < b.end for b in blocks):
            continue
        # "… người phải thi hành án là bà X, ông Y và người được thi hành án là ông Z"
        limit = min(
            [len(text), m.end() + 400]
            + [lb.start() for lb in matches if lb.start() >= m.end()]
            + [p.start() for p, _ in prose if p.start() >= m.end()]
        )
        end = _block_end(text, m.end(), limit)
        eol = text.find("\n", m.end())
        rest = text[m.end() : eol if eol >= 0 else len(text)].strip()
        if rest and not rest.endswith(":"):  # (not "… đối với những người có tên sau:")
            # named in the sentence itself: the block is that sentence and its details
            # ("… đối với ông X, sinh năm 1970. Địa chỉ: …"), not the next one's people
            end = min(end, _details_end(text, m.end()))
        end = len(re.sub(r"\s+và\s*$", "", text[m.end() : end])) + m.end()  # "… ông Y và"
        if text[m.end() : end].strip():
            # "đại diện người phải thi hành án là bà X": who stands for that side
            agent = skel[max(0, m.start() - 12) : m.start()].rstrip().endswith("dai dien")
            blocks.append(_Block("other" if agent else prose_role, agent, "", m.end(), end))
    for m in _ROLE_AFTER.finditer(skel):
        # The person is the last paragraph before "Là người …" that starts with one.
        window_start = max(0, m.start() - 400)
        starts = [
            window_start + p.start()
            for p in re.finditer(r"(?m)^.*$", text[window_start : m.start()])
            if _PERSON_START.match(p.group(0))
        ]
        if not starts:
            continue
        after: Role = "nguoi_phai_thi_hanh_an" if m.group(1) == "phai" else "nguoi_duoc_thi_hanh_an"
        if not any(b.start <= starts[-1] < b.end for b in blocks):
            blocks.append(_Block(after, False, "", starts[-1], m.start()))
    blocks.sort(key=lambda b: b.start)

    parties: list[Party] = []
    principals: list[Party] = []
    represented: _Block | None = None  # the last block of parties (not representatives)
    mentioned: list[Party] = []  # parties named by role in a sentence
    for block in blocks:
        content = text[block.start : block.end]
        shared_address = None
        split = _split_people(content)
        listed = bool(split) and bool(re.match(r"\s*\d{1,2}\s*[.)]", split[0]))
        for part in split:
            name, honorific, is_org = _name_of(part)
            birth, idn, address = _fields(part)
            # a lone letter is a name only as "ông A" (older anonymisation) or with a birth
            # year ("… hoặc N, sinh năm 1988")
            lone = len(name) < 2 and not honorific and not birth
            if not name or not re.match(rf"[{UP}]", name) or lone:
                continue
            short = len(name.split()) < 2 and not is_org and not _initials(name)
            if block.mention and short and not (block.is_rep and honorific):
                continue  # "nguyên đơn ông Hùng trình bày": a short reference
            if block.is_rep and is_org and _LAW_FIRM.match(skeleton(name)):
                continue  # "Luật sư HHS; Công ty Luật TNHH TGS": where the lawyer works
            if address and skeleton(part).find("cung dia chi") >= 0:
                shared_address = address
            role, is_rep = block.role, block.is_rep
            if block.heir:
                # heirs stand in the dead party's role: the one their label names ("… của
                # bị đơn bà B"), else that of the parties just before
                named_role = _of_role(block.of_text)
                if named_role is not None:
                    role = named_role
                elif represented is not None:
                    role = represented.role
            sub_numbered = bool(re.match(r"\s*\d{1,2}\.\d{1,2}\b", part))
            # a numbered line after an unnumbered representative: the parties' list goes on
            numbered = not listed and bool(re.match(r"\s*\d{1,2}\s*[.)]\s*\S", part))
            if (
                is_rep
                and represented
                and (sub_numbered or numbered or (is_org and _NUMBERING.match(part)))
            ):
                # "- Chủ tịch Ủy ban …" after a representative: the next listed party.
                role, is_rep = represented.role, False
            represents = _represents(block, principals, represented) if is_rep else []
            party = Party(
                name=name,
                role=role,
                honorific=honorific,
                birth_year=birth,
                id_number=idn,
                address=address,
                is_organization=is_org,
                represents=represents,
            )
            block.people.append(party)
            if block.mention and any(fold(p.name) == fold(name) for p in principals):
                pass  # named again in a sentence: the listed party stays the one last named
            elif role != "other":
                principals.append(party)
            rep = _ORG_REP.search(skeleton(part)) if is_org else None
            if rep is not None:
                # "…, đại diện theo ủy quyền là bà N và ông P, địa chỉ …"
                reps = re.split(
                    r"[;(]|,\s*(?!(?:ông|bà)\s)|\s+và\s+(?!(?:ông|bà)\s)", part[rep.end() :]
                )
                for piece in re.split(r",\s*|\s+và\s+", reps[0]):
                    rep_name, rep_hon, _ = _name_of(piece)
                    if len(rep_name.split()) > 1 or (rep_name and rep_hon):
                        block.people.append(
                            Party(name=rep_name, role="other", honorific=rep_hon, represents=[name])
                        )
            if not is_rep and block.is_rep and represented is not None:
                represented.people.append(party)  # listed within a representative's block
        if not block.is_rep and block.people:
            represented = block
        if block.mention:
            mentioned.extend(block.people)
        if shared_address:
            for i, p in enumerate(block.people):
                if p.address is None:
                    block.people[i] = p.model_copy(update={"address": shared_address})
        parties.extend(block.people)
    parties.extend(_authorised(text, skel, principals))
    parties.extend(_represented_by(text, skel, principals))
    if enforcement:
        # A story's sides in the enforcement (who pays whom) win over the lawsuit's roles it
        # mentions ("… giữa nguyên đơn là ông A với bị đơn là ông B", then "buộc ông B trả …")
        said = {id(p) for p in mentioned}
        labelled = {fold(p.name) for p in parties if p.role != "other" and id(p) not in said}
        sides = [p for p in _prose_parties(text, skel) if fold(p.name) not in labelled]
        sided = {fold(p.name) for p in sides if p.role != "other"}
        # …and a suit's sides named in passing are the winner (creditor) and the loser (debtor)
        parties = [
            p.model_copy(update={"role": _SIDE_OF_SUIT[p.role]})
            if id(p) in said and p.role in _SIDE_OF_SUIT
            else p
            for p in parties
            if not (id(p) in said and fold(p.name) in sided)
        ]
        parties.extend(sides)
        if _AUCTION_NOTICE.match(skel):
            parties.extend(_asset_holders(text, skel))
    parties = _drop_echoes(_by_full_name(parties, text))
    seen: set[tuple[str, str]] = set()
    out: list[Party] = []
    for p in parties:
        key = (fold(p.name), p.role)
        if key in seen:
            continue
        seen.add(key)
        out.append(p)
    return out


def _named(short: str, principals: list[Party]) -> str | None:
    """The party a short reference names ("ông H", "bà T": the last one whose full name
    ends so), or the party of that exact name."""
    key = fold(short)
    longer = [
        p.name
        for p in principals
        if (" " + fold(p.name)).endswith(" " + key) and len(p.name.split()) > len(short.split())
    ]
    if longer:
        return longer[-1]
    return next((p.name for p in principals if fold(p.name) == key), None)


_AUTHORISES = re.compile(
    r"(?m)(?:^|\()[ \t]*(?:(?:ong|ba|anh|chi)[ \t]+)?(?P<who>[^\n,;:()]{1,40}?)"
    r"\s+(?:da\s+)?uy\s+quyen\s+cho\s+"
)


def _authorised(text: str, skel: str, principals: list[Party]) -> list[Party]:
    """ "Bà T ủy quyền cho ông Lê C, sinh năm 1952": Lê C represents the party Bà T."""
    out: list[Party] = []
    for m in _AUTHORISES.finditer(skel):
        who, _, _ = _name_of(text[m.start("who") : m.end("who")])
        name, honorific, is_org = _name_of(one_line(text[m.end() : _sentence_end(text, m.end())]))
        whole = _WHOLE_SIDE.match(m.group("who"))
        if not (who or whole) or len(name.split()) < 2:
            continue
        named = _named(who, principals) if who else None
        if whole:  # "Các nguyên đơn ủy quyền cho anh X": every party of that role
            role = _OF_ROLE.get(whole.group(1))
            group = [p.name for p in principals if p.role == role]
            if group and len(name.split()) > 1:
                out.append(Party(name=name, role="other", honorific=honorific, represents=group))
            continue
        if named:
            out.append(
                Party(
                    name=name,
                    role="other",
                    honorific=honorific,
                    is_organization=is_org,
                    represents=[named],
                )
            )
    return out


# A whole side of a civil or administrative case ("các nguyên đơn", "đồng bị đơn").
_WHOLE_SIDE = re.compile(
    r"(?:cac|dong)?\s*("
    + "|".join(k for k, role in _OF_ROLE.items() if role in ("nguyen_don", "bi_don"))
    + ")$"
)


# "nguyên đơn là bà Tô Thị M (do ông Nguyễn Anh D là người đại diện hợp pháp) trình bày",
# "Nguyên đơn cụ Nguyễn Thị Mước, cụ Nguyễn Thị Lước do ông Huỳnh Long Gươm đại diện"
_DONE_BY = re.compile(
    r"(?<![a-z])do\s+(?=(?:ong|ba|anh|chi|luat su)\s)(?P<rep>[^,;:()\n]{2,40}?)\s+"
    # "do bà Võ Thị K là mẹ đại diện": a kinship word between
    r"(?:la\s+(?:(?:cha|me|bo|con|vo|chong|anh|chi|em)(?:\s+(?:de|ruot))?\s+)?)?"
    r"(?:nguoi\s+)?dai\s+dien(?!\s+(?:cho|cua|vien kiem sat))"
)


def _represented_by(text: str, skel: str, principals: list[Party]) -> list[Party]:
    """A representative named in a sentence after the parties they act for."""
    out: list[Party] = []
    for m in _DONE_BY.finditer(skel):
        name, honorific, _ = _name_of(text[m.start("rep") : m.end("rep")])
        if len(name.split()) < 2:
            continue
        start = max(skel.rfind(c, 0, m.start()) for c in ".:;\n")
        acted_for = []
        for mention in _MENTION.finditer(text, start + 1, m.start()):
            who, _, _ = _name_of(text[mention.start() : m.start()])
            named = _named(who, principals) if who else None
            if named and named not in acted_for:
                acted_for.append(named)
        if acted_for:
            out.append(Party(name=name, role="other", honorific=honorific, represents=acted_for))
    return out


# "Ngân hàng TMCP Kỹ thương Việt Nam (Techcombank)", "Công ty … Vinh Thông (Công ty Vinh
# Thông)", "(viết tắt là SHB)": the short name the text goes on to use
_ALIAS = re.compile(
    r"\s*\((?:(?:viết|gọi)\s+tắt(?:\s+là)?\s*:?\s*|sau\s+đây\s+gọi\s+(?:tắt\s+)?là\s*)?"
    rf"([{UP}][^()\n,;:]{{1,40}}?)\)"
)


def _by_full_name(parties: list[Party], text: str) -> list[Party]:
    """Parties named by an organisation's alias, renamed to the full name the alias stands for."""
    aliases: dict[str, str] = {}
    for m in _MENTION.finditer(text):
        name, _, is_org = _name_of(text[m.start() : m.start() + 300])
        at = text.find(name, m.start())
        alias = _ALIAS.match(text, at + len(name)) if is_org and at >= 0 else None
        if alias and len(alias.group(1).split()) <= 5 and not re.search(r"\d", alias.group(1)):
            aliases.setdefault(fold(alias.group(1)), name)
    if not aliases:
        return parties
    return [
        p.model_copy(update={"name": aliases[fold(p.name)]}) if fold(p.name) in aliases else p
        for p in parties
    ]


def _drop_echoes(parties: list[Party]) -> list[Party]:
    """Drop a party that only repeats another: "ông Sáu" after "Ông Mai Văn Sáu", or a
    plain `other` ("Họ và tên người yêu cầu") for someone who also has a real role."""
    given = {
        fold(p.name).split()[-1]
        for p in parties
        if len(p.name.split()) > 1 and not p.is_organization  # "ông D" beside "Công ty Đ"
    }
    roled = {fold(p.name) for p in parties if p.role != "other"}
    return [
        p
        for p in parties
        if not (len(p.name.split()) == 1 and fold(p.name) in given)
        and not (p.role == "other" and not p.represents and fold(p.name) in roled)
    ]


_HEIRS = {h.replace(",", "") for h in HEIR_LABELS}


def _label_key(label: str) -> str:
    """A matched label as its ROLE_LABELS key ("Ngưi" published for "Người" included)."""
    label = re.sub(r"\s*,\s*", ", ", re.sub(r"\s+", " ", label))
    return re.sub(r"\bngui\b", "nguoi", label)


def _lookup(label: str) -> tuple[Role, bool]:
    label = _label_key(label)
    if label in ROLE_LABELS:
        return ROLE_LABELS[label]
    return ROLE_LABELS.get(label.replace(",", ""), ("other", False))


def _of_role(of_text: str) -> Role | None:
    """The role a label's "của …" names ("của nguyên đơn ông H" → nguyen_don), if any."""
    of = re.sub(r"^(cua|cho)\s+", "", skeleton(of_text).strip())
    return next((role for words, role in _OF_ROLE.items() if of.startswith(words)), None)


def _represents(block: _Block, principals: list[Party], last: _Block | None) -> list[str]:
    """Whom a representative or lawyer acts for: the parties of the role their label names
    ("… của nguyên đơn"), the party it names ("… của ông H": the party whose name ends so),
    else every party of the block just before."""
    of_text = block.of_text.strip()
    m = re.match(r"(?:cua|cho)\s+(?:(?:cac|dong)\s+)?", skeleton(of_text))
    of_text = of_text[m.end() :] if m else of_text
    of = skeleton(of_text)
    role = next((r for words, r in _OF_ROLE.items() if of.startswith(words)), None)
    if role is not None:
        # "… của bị đơn ông H, bà B": those of the side it names, else the whole side
        of_text = of_text[len(next(w for w in _OF_ROLE if of.startswith(w))) :]
    names = []
    for piece in re.split(r",|\s+và\s+", of_text):
        name, honorific, is_org = _name_of(re.sub(r"\s+là\s*$", "", piece.strip()))
        if name and (role is None or honorific or is_org or len(name.split()) > 1):
            names.append(_named(name, principals) or name)
    if names:
        return list(dict.fromkeys(names))
    if role is not None:
        return list(dict.fromkeys(p.name for p in principals if p.role == role))
    if last is not None:
        return list(dict.fromkeys(p.name for p in last.people if not p.represents))
    return [principals[-1].name] if principals else []

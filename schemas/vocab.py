"""The project's controlled vocabulary: party roles, document types, number and date kinds.

One place for each name; code, JSON, the catalog and the UI all import from here.
"""

from typing import Literal, get_args

Role = Literal[
    "nguoi_phai_thi_hanh_an",
    "nguoi_duoc_thi_hanh_an",
    "nguoi_co_quyen_loi_nghia_vu_lien_quan",
    "nguyen_don",
    "bi_don",
    "bi_cao",
    "bi_hai",
    "other",
]
ROLES: tuple[str, ...] = get_args(Role)

ROLE_LABELS_VI: dict[str, str] = {
    "nguoi_phai_thi_hanh_an": "Người phải thi hành án",
    "nguoi_duoc_thi_hanh_an": "Người được thi hành án",
    "nguoi_co_quyen_loi_nghia_vu_lien_quan": "Người có quyền lợi, nghĩa vụ liên quan",
    "nguyen_don": "Nguyên đơn",
    "bi_don": "Bị đơn",
    "bi_cao": "Bị cáo",
    "bi_hai": "Bị hại",
    "other": "Khác",
}

DocType = Literal[
    "ban_an",
    "quyet_dinh_toa_an",
    "quyet_dinh_thi_hanh_an",
    "quyet_dinh_cuong_che",
    "quyet_dinh_chua_co_dieu_kien",
    "thong_bao",
    "bien_ban",
    "don",
    "other",
]
DOC_TYPES: tuple[str, ...] = get_args(DocType)

DOC_TYPE_LABELS_VI: dict[str, str] = {
    "ban_an": "Bản án",
    "quyet_dinh_toa_an": "Quyết định của Tòa án",
    "quyet_dinh_thi_hanh_an": "Quyết định thi hành án",
    "quyet_dinh_cuong_che": "Quyết định cưỡng chế",
    "quyet_dinh_chua_co_dieu_kien": "Quyết định về việc chưa có điều kiện thi hành án",
    "thong_bao": "Thông báo",
    "bien_ban": "Biên bản",
    "don": "Đơn",
    "other": "Khác",
}

# Types whose documents usually carry no number of their own: records (biên bản: a
# verification, a seizure, a handover) and the parties' own requests (đơn). That none was
# found is no fault of the reading (`ingest.review`).
UNNUMBERED_DOC_TYPES: frozenset[str] = frozenset({"bien_ban", "don"})

# What a cited number is to the document that cites it.
NumberKind = Literal[
    "own",  # the document's own number ("Số: 129/QĐ-CCTHADS")
    "ban_an",  # a judgment cited
    "quyet_dinh",  # a court or enforcement decision cited
    "thu_ly",  # case acceptance (TLST/TLPT)
    "dua_ra_xet_xu",  # trial order (QĐXX…)
    "van_ban_phap_luat",  # a normative act (04/2023/TT-BTP)
    "cong_van",
    "other",
]
NUMBER_KINDS: tuple[str, ...] = get_args(NumberKind)

# What a date is to the document that carries it (the labelled corpus's kinds).
DateKind = Literal[
    "document",  # the document's own date
    "cited",  # the date of a judgment, decision, notice or acceptance it cites
    "hearing",  # a hearing, trial or session
    "event",  # a contract, petition, loan, payment or other happening
    "other",  # birth dates, ID-card issue dates, anything else
]
DATE_KINDS: tuple[str, ...] = get_args(DateKind)

DATE_KIND_LABELS_VI: dict[str, str] = {
    "document": "Ngày ban hành",
    "cited": "Ngày văn bản viện dẫn",
    "hearing": "Ngày xét xử",
    "event": "Ngày sự việc",
    "other": "Ngày khác",
}

PageMethod = Literal["ocr", "text_layer", "text_layer_repaired"]
FileKind = Literal["pdf", "tiff", "jpeg", "png"]

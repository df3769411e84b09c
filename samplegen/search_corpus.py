"""A synthetic THADS corpus with ground truth, for the search tests and benchmark (no OCR).

`make_corpus(seed, n_cases)` returns cases, each with documents (type, numbers, date,
issuer, parties) and page texts that mention them, drawn deterministically from `seed`.
A few people are planted so that the query suite can exercise every matching rule:
tone pairs (Tráng/Trang), surname variants (Huỳnh/Hoàng, Vũ/Võ), names only known through
an OCR error, the same name in two roles. `fill_catalog` writes a corpus into a real
Catalog as ingest + extraction would; `query_suite` derives the queries and expected cases.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from schemas import Document, NumberRef, PageQuality, Party


def _words(text: str) -> list[str]:
    return text.split()


SURNAMES = [
    ("Nguyễn", 38.5), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.1), ("Huỳnh", 2.5),
    ("Hoàng", 2.6), ("Phan", 4.5), ("Vũ", 2.0), ("Võ", 1.9), ("Đặng", 2.1), ("Bùi", 2.0),
    ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3), ("Dương", 1.0), ("Lý", 0.5), ("Đinh", 0.5),
    ("Trương", 0.5), ("Đào", 0.4), ("Lâm", 0.3), ("Mai", 0.3),
]  # fmt: skip
MIDDLE_M = ["Văn", "Văn", "Văn", "Đức", "Quốc", "Minh", "Hữu", "Công", "Thanh", "Xuân", "Trọng"]
MIDDLE_F = ["Thị", "Thị", "Thị", "Ngọc", "Hồng", "Thu", "Thanh", "Kim", "Mỹ", "Thùy"]
GIVEN_M = _words(
    "Hùng Tuấn Dũng Hải Sơn Thắng Phúc Lộc Cường Khải Bảo Quý Nghĩa Hiển Toàn Đạt Thịnh "
    "Vĩnh Luận Kiên Trí Hưng Tâm Nhân Khánh Quyết Đông Thành Lợi Hiếu Tiến Phước Lực Mạnh "
    "Chiến Duy Huy Long Tùng Thuận Sỹ Đảm Khoa Nam Phong Quang Tài Thông Vinh Hậu Định"
)
GIVEN_F = _words(
    "Thủy Lan Hương Ánh Hạnh Nguyệt Duyên Thảo Liễu Huệ Tuyết Nhung Yến Phượng Loan Hằng "
    "Diệp Quỳnh Mai Xuân Hiền Thắm Nga Oanh Trinh Vân Cúc Dung Lệ Ngân Tươi Thơm Bích Gấm"
)
DISTRICTS = [
    ("Cư M'gar", "Đắk Lắk"), ("Bảo Lộc", "Lâm Đồng"), ("An Dương", "Hải Phòng"),
    ("Gò Vấp", "Hồ Chí Minh"), ("Thanh Trì", "Hà Nội"), ("Châu Thành", "Tiền Giang"),
    ("Điện Bàn", "Quảng Nam"), ("Tư Nghĩa", "Quảng Ngãi"), ("Long Thành", "Đồng Nai"),
    ("Phú Giáo", "Bình Dương"), ("Cái Răng", "Cần Thơ"), ("Thủy Nguyên", "Hải Phòng"),
]  # fmt: skip
CASE_CODES = [("DS", "tranh chấp hợp đồng vay tài sản"), ("KDTM", "tranh chấp hợp đồng tín dụng"),
              ("HNGĐ", "ly hôn, tranh chấp chia tài sản"), ("DS", "tranh chấp quyền sử dụng đất"),
              ("HS", "tội trộm cắp tài sản"), ("LĐ", "tranh chấp tiền lương")]  # fmt: skip
FILLER = [
    "Căn cứ Luật Thi hành án dân sự ngày 14 tháng 11 năm 2008, được sửa đổi, bổ sung năm 2014.",
    "Căn cứ Nghị định số 62/2015/NĐ-CP ngày 18 tháng 7 năm 2015 của Chính phủ.",
    "Xét thấy người phải thi hành án có điều kiện thi hành án nhưng không tự nguyện thi hành.",
    "Các bên có quyền kháng cáo trong thời hạn 15 ngày kể từ ngày tuyên án.",
    "Chấp hành viên đã tiến hành xác minh điều kiện thi hành án tại địa phương.",
    "Quyết định này có hiệu lực kể từ ngày ký. Chấp hành viên có trách nhiệm thi hành.",
    "Hội đồng xét xử nhận định: lời khai của các đương sự phù hợp với tài liệu trong hồ sơ.",
    "Nơi nhận: Viện kiểm sát nhân dân cùng cấp; các đương sự; lưu hồ sơ thi hành án.",
    "Người được thi hành án có đơn yêu cầu thi hành án đề ngày tháng năm như trên.",
    "Tài sản kê biên gồm quyền sử dụng đất và tài sản gắn liền với đất theo giấy chứng nhận.",
    "Buộc người phải thi hành án nộp án phí dân sự sơ thẩm theo quy định của pháp luật.",
    "Kết quả xác minh cho thấy người phải thi hành án không có tài sản, thu nhập ổn định.",
]  # fmt: skip


@dataclass
class Person:
    name: str
    role: str  # the role in the case's enforcement documents
    birth_year: int
    honorific: str
    written: str | None = None  # how the documents write the name (OCR error), if different


@dataclass
class CDoc:
    doc_type: str
    own_number: str
    date: str
    issuer: str
    parties: list[Party]
    numbers: list[NumberRef]
    pages: list[str]


@dataclass
class CCase:
    case_id: str
    year: int
    people: list[Person]
    judgment_number: str
    decision_number: str
    docs: list[CDoc] = field(default_factory=list)
    special: str = ""  # a phrase that only this case's text contains


def _weighted(rng: random.Random, items: list[tuple[str, float]]) -> str:
    return rng.choices([i for i, _ in items], weights=[w for _, w in items])[0]


def random_name(rng: random.Random) -> tuple[str, str]:
    sex = rng.choice("mf")
    mid = rng.choice(MIDDLE_M if sex == "m" else MIDDLE_F)
    given = rng.choice(GIVEN_M if sex == "m" else GIVEN_F)
    return f"{_weighted(rng, SURNAMES)} {mid} {given}", ("Ông" if sex == "m" else "Bà")


# People planted in specific cases (index → list of (name, honorific, role, written)).
PLANTED: dict[int, list[tuple[str, str, str, str | None]]] = {
    0: [("Nguyễn Văn Tráng", "Ông", "nguoi_phai_thi_hanh_an", None)],
    1: [("Nguyễn Văn Trang", "Ông", "nguoi_phai_thi_hanh_an", None)],
    2: [("Phạm Thị Thủy", "Bà", "nguoi_phai_thi_hanh_an", None)],
    3: [("Phạm Thị Thùy", "Bà", "nguoi_duoc_thi_hanh_an", None)],
    4: [("Huỳnh Văn Khoa", "Ông", "nguoi_phai_thi_hanh_an", None)],
    5: [("Vũ Thị Gấm", "Bà", "nguoi_phai_thi_hanh_an", None)],
    6: [("Lê Thị Hoà", "Bà", "nguoi_phai_thi_hanh_an", None)],  # old-style tone placement
    7: [("Trương Quốc Vĩnh", "Ông", "nguoi_phai_thi_hanh_an", "Trương Quốc Vinh")],  # OCR lost ~
    8: [("Đặng Hữu Nghĩa", "Ông", "nguoi_phai_thi_hanh_an", "Đặng Hữu Nqhĩa")],  # g → q
    9: [("Đỗ Minh Luận", "Ông", "nguoi_phai_thi_hanh_an", None)],
    10: [("Đỗ Minh Luận", "Ông", "nguoi_duoc_thi_hanh_an", None)],  # same name, other role
    11: [("Bùi Thị Tươi", "Bà", "nguoi_phai_thi_hanh_an", "Bùi Thị Tưoi")],
    12: [("Công ty TNHH Thương mại Hoàng Phát", "", "nguoi_duoc_thi_hanh_an", None)],
    13: [("Dương Công Khải", "Ông", "nguoi_phai_thi_hanh_an", None)],
    14: [("Ngô Thanh Tùng", "Ông", "nguoi_phai_thi_hanh_an", None)],
}
SPECIAL_PHRASES = [
    "chiếc xe mô tô nhãn hiệu Honda Wave màu đỏ",
    "máy xúc đào bánh xích Komatsu",
    "lô hàng cà phê nhân xuất khẩu",
    "ao nuôi tôm thẻ chân trắng",
    "giàn phơi nông sản bằng inox",
    "tàu cá vỏ thép công suất lớn",
]


def _key(name: str) -> str:
    """Names that search may confuse (folded, surname variants merged) share a key."""
    from schemas.normalize import fold

    words = fold(name).split()
    words[0] = {"huynh": "hoang", "vu": "vo"}.get(words[0], words[0])
    return " ".join(words)


def _sha(*parts: Any) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


def make_corpus(
    seed: int = 11, n_cases: int = 60, *, filler: int = 6, serial_base: int = 0
) -> list[CCase]:
    """`n_cases` cases with 3–4 documents each; deterministic for a seed."""
    rng = random.Random(seed)
    cases: list[CCase] = []
    used_names = {_key(x) for v in PLANTED.values() for n, _, _, w in v for x in (n, w) if x}
    for i in range(n_cases):
        year = 2016 + (i * 7) % 9
        district, province = DISTRICTS[i % len(DISTRICTS)]
        code, subject = CASE_CODES[i % len(CASE_CODES)]
        people: list[Person] = []
        for name, hon, role, written in PLANTED.get(i, []):
            people.append(Person(name, role, rng.randint(1950, 1995), hon, written))
        roles = ["nguoi_phai_thi_hanh_an", "nguoi_duoc_thi_hanh_an"]
        if i % 4 == 0:
            roles.append("nguoi_co_quyen_loi_nghia_vu_lien_quan")
        for role in roles:
            if any(p.role == role for p in people):
                continue
            while True:
                name, hon = random_name(rng)
                if _key(name) not in used_names:
                    break
            used_names.add(_key(name))
            people.append(Person(name, role, rng.randint(1950, 1998), hon))
        serial = 10 + i + serial_base
        stage = "HSST" if code == "HS" else f"{code}-ST"
        judgment = f"{serial:02d}/{year}/{stage}"
        decision = f"{100 + (i + serial_base) * 3}/QĐ-CCTHADS"
        case = CCase(
            case_id=f"HS-{year}-{i + 1 + serial_base:04d}",
            year=year,
            people=people,
            judgment_number=judgment,
            decision_number=decision,
            special=SPECIAL_PHRASES[i] if i < len(SPECIAL_PHRASES) else "",
        )
        court = f"Tòa án nhân dân huyện {district}, tỉnh {province}"
        agency = f"Chi cục Thi hành án dân sự huyện {district}"
        case.docs = _documents(rng, case, court, agency, subject, filler)
        cases.append(case)
    return cases


def _party_line(p: Person) -> str:
    shown = p.written or p.name
    hon = f"{p.honorific} " if p.honorific else ""
    return f"{hon}{shown}, sinh năm {p.birth_year}; địa chỉ: thôn {p.birth_year % 9 + 1}."


def _parties(case: CCase, roles: dict[str, str]) -> list[Party]:
    out = []
    for p in case.people:
        role = roles.get(p.role, p.role)
        out.append(
            Party(
                name=p.written or p.name,
                role=role,  # type: ignore[arg-type]
                honorific=p.honorific or None,
                birth_year=p.birth_year,
                is_organization=p.name.startswith("Công ty"),
            )
        )
    return out


def _filler(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(FILLER) for _ in range(n))


def _documents(
    rng: random.Random, case: CCase, court: str, agency: str, subject: str, filler: int
) -> list[CDoc]:
    y = case.year
    lines = "\n".join(_party_line(p) for p in case.people)
    judgment_roles = {
        "nguoi_phai_thi_hanh_an": "bi_don",
        "nguoi_duoc_thi_hanh_an": "nguyen_don",
    }
    if case.judgment_number.endswith("HSST"):
        judgment_roles = {"nguoi_phai_thi_hanh_an": "bi_cao", "nguoi_duoc_thi_hanh_an": "other"}
    special = f" Tài sản liên quan: {case.special}." if case.special else ""
    ban_an = CDoc(
        doc_type="ban_an",
        own_number=case.judgment_number,
        date=f"{y}-03-{10 + len(case.people):02d}",
        issuer=court,
        parties=_parties(case, judgment_roles),
        numbers=[NumberRef(text=case.judgment_number, kind="own")],
        pages=[
            f"{court.upper()}\nBản án số: {case.judgment_number}\nNgày 1{len(case.people)}-3-{y}\n"
            f"V/v {subject}\nNHÂN DANH NƯỚC CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n{lines}\n"
            + _filler(rng, filler),
            _filler(rng, filler) + special + "\nQUYẾT ĐỊNH: chấp nhận yêu cầu khởi kiện.",
        ],
    )
    qd = CDoc(
        doc_type="quyet_dinh_thi_hanh_an",
        own_number=case.decision_number,
        date=f"{y}-06-0{1 + len(case.people)}",
        issuer=agency,
        parties=_parties(case, {}),
        numbers=[
            NumberRef(text=case.decision_number, kind="own"),
            NumberRef(text=case.judgment_number, kind="ban_an"),
        ],
        pages=[
            f"{agency.upper()}\nSố: {case.decision_number}\nQUYẾT ĐỊNH THI HÀNH ÁN\n"
            f"Căn cứ Bản án số {case.judgment_number} ngày 1{len(case.people)} tháng 3 năm {y} "
            f"của {court};\nCho thi hành án đối với:\n{lines}\n" + _filler(rng, filler),
        ],
    )
    tb_no = f"{300 + int(case.case_id.rsplit('-', 1)[1])}/TB-CCTHADS"
    debtor = next(p for p in case.people if p.role == "nguoi_phai_thi_hanh_an")
    tb = CDoc(
        doc_type="thong_bao",
        own_number=tb_no,
        date=f"{y + 1}-01-15",
        issuer=agency,
        parties=_parties(case, {}),
        numbers=[
            NumberRef(text=tb_no, kind="own"),
            NumberRef(text=case.decision_number, kind="quyet_dinh"),
        ],
        pages=[
            f"{agency.upper()}\nSố: {tb_no}\nTHÔNG BÁO về việc thi hành án\n"
            f"Thực hiện Quyết định thi hành án số {case.decision_number}, "
            f"Chi cục thông báo cho {debtor.honorific} {debtor.written or debtor.name} "
            f"biết và tự nguyện thi hành.\n" + _filler(rng, filler),
        ],
    )
    return [ban_an, qd, tb]


def fill_catalog(catalog: Any, cases: list[CCase]) -> int:
    """Write `cases` into a real `ingest.catalog.Catalog` (files, pages, documents)."""
    from ingest.catalog import PageRow

    n = 0
    for case in cases:
        for j, doc in enumerate(case.docs):
            sha = _sha(case.case_id, j, doc.own_number)
            path = f"{case.case_id}/{j + 1:02d}-{doc.doc_type}.pdf"
            catalog.add_file(sha, "pdf", 1000 + j, path, case.case_id)
            catalog.set_page_count(sha, len(doc.pages))
            for k, text in enumerate(doc.pages, start=1):
                catalog.save_page(
                    PageRow(sha, k, "text_layer", text, None, PageQuality(), None, None, None, 0.0)
                )
                n += 1
            catalog.replace_documents(
                sha,
                [
                    Document(
                        doc_type=doc.doc_type,  # type: ignore[arg-type]
                        pages=[1, len(doc.pages)],
                        own_number=doc.own_number,
                        numbers=doc.numbers,
                        date=doc.date,
                        issuer=doc.issuer,
                        parties=doc.parties,
                    )
                ],
            )
            catalog.set_file_status(sha, "done")
    return n


# -- the query suite ----------------------------------------------------------------------
@dataclass(frozen=True)
class Q:
    q: str
    expect: str  # case id expected first
    kind: str
    filters: dict[str, Any] = field(default_factory=dict)


def _strip(text: str) -> str:
    from schemas.normalize import strip_marks

    return strip_marks(text)


def _ocr_typo(name: str) -> str:
    """One wrong character in the last syllable (as OCR or a hurried officer would)."""
    words = name.split()
    last = words[-1]
    swap = {"n": "m", "h": "b", "u": "v", "i": "l", "o": "c", "a": "e", "g": "q", "t": "f"}
    for k, ch in enumerate(last):
        if ch in swap and k > 0:
            words[-1] = last[:k] + swap[ch] + last[k + 1 :]
            return " ".join(words)
    return name + "x"


def query_suite(cases: list[CCase]) -> list[Q]:
    """≥ 40 queries with their expected top case, derived from the corpus."""
    from schemas.normalize import fold, normalize

    by_norm: dict[str, set[str]] = {}
    by_fold: dict[str, set[str]] = {}
    for c in cases:
        for p in c.people:
            by_norm.setdefault(normalize(p.name), set()).add(c.case_id)
            by_fold.setdefault(fold(p.name), set()).add(c.case_id)
    cid = {i: c.case_id for i, c in enumerate(cases)}
    qs: list[Q] = [
        # Tone pairs: typed with marks, the exact one first; Tráng alone too.
        Q("Nguyễn Văn Tráng", cid[0], "diacritics"),
        Q("Nguyễn Văn Trang", cid[1], "diacritics"),
        Q("Tráng", cid[0], "given-name"),
        Q("Văn Tráng", cid[0], "partial"),
        Q("Phạm Thị Thủy", cid[2], "diacritics"),
        Q("Phạm Thị Thùy", cid[3], "diacritics"),
        Q("Phạm Thị Thuỷ", cid[2], "tone-placement"),
        Q("Lê Thị Hòa", cid[6], "tone-placement"),
        Q("le thi hoa", cid[6], "folded"),
        # Surname variants.
        Q("Hoàng Văn Khoa", cid[4], "surname-variant"),
        Q("Võ Thị Gấm", cid[5], "surname-variant"),
        # The documents carry an OCR error: the right name still finds them.
        Q("Trương Quốc Vĩnh", cid[7], "ocr-in-index"),
        Q("Đặng Hữu Nghĩa", cid[8], "ocr-in-index"),
        Q("Bùi Thị Tươi", cid[11], "ocr-in-index"),
        # Same name in two cases, told apart by role.
        Q("Đỗ Minh Luận", cid[9], "role", {"role": "nguoi_phai_thi_hanh_an"}),
        Q("Đỗ Minh Luận", cid[10], "role", {"role": "nguoi_duoc_thi_hanh_an"}),
        Q("Đỗ Minh Luận", cid[10], "case-filter", {"case_id": cid[10]}),
        Q("Công ty Hoàng Phát", cid[12], "organisation"),
        Q("Dương Công Khải", cid[13], "diacritics", {"doc_type": "quyet_dinh_thi_hanh_an"}),
        Q(
            "Ngô Thanh Tùng",
            cid[14],
            "year",
            {"year_from": cases[14].year, "year_to": cases[14].year},
        ),
        Q("Dương Công Khải", cid[13], "issuer", {"issuer": cases[13].docs[1].issuer}),
    ]
    # Names of other cases: with marks, folded, with an OCR typo (unique names only).
    k = 0
    for c in cases[15:]:
        p = next(p for p in c.people if p.role == "nguoi_phai_thi_hanh_an")
        if by_norm.get(normalize(p.name)) != {c.case_id} or by_fold.get(fold(p.name)) != {
            c.case_id
        }:
            continue
        variant = k % 3
        if variant == 0:
            qs.append(Q(p.name, c.case_id, "diacritics"))
        elif variant == 1:
            qs.append(Q(_strip(p.name).lower(), c.case_id, "folded"))
        else:
            qs.append(Q(_ocr_typo(p.name), c.case_id, "ocr-in-query"))
        k += 1
        if k >= 12:
            break
    # Numbers, as written and as mangled.
    for j, c in enumerate(cases[20:32]):
        jn, dn = c.judgment_number, c.decision_number
        forms = [
            (jn, "number"),
            (jn.replace("/", " / ").replace("-", " - "), "number-spacing"),
            (jn.replace("Đ", "D").lower(), "number-case"),
            (dn, "number"),
            (dn.replace("Đ", "D"), "number-d"),
            (dn.replace("-", " – "), "number-dash"),
        ]
        text, kind = forms[j % len(forms)]
        qs.append(Q(text, c.case_id, kind))
    # Full text (no party, no number matches).
    for c in cases[: len(SPECIAL_PHRASES)]:
        words = c.special.split()
        qs.append(Q(" ".join(words[1:5]), c.case_id, "full-text"))
    return qs


def iter_bench_pages(seed: int, n_pages: int) -> Iterator[tuple[CCase, CDoc, int, str]]:
    """Endless-ish stream of (case, document, page_no, text) for the benchmark."""
    i = 0
    produced = 0
    while produced < n_pages:
        batch = make_corpus(seed + i, 50, filler=8, serial_base=i * 50)
        for c in batch:
            for d in c.docs:
                for k, t in enumerate(d.pages, start=1):
                    yield c, d, k, t
                    produced += 1
                    if produced >= n_pages:
                        return
        i += 1


# -- the sample generator's archive (samplegen), without OCR -------------------------------
def fill_catalog_from_samplegen(catalog: Any, seed: int = 7, n_cases: int = 30) -> list[Any]:
    """Fill a Catalog from `samplegen.make_cases` ground truth (page text = the text drawn,
    documents = the generator's truth), one file per document. Returns the CaseDocs."""
    from ingest.catalog import PageRow
    from samplegen import layout, make_cases

    cases = make_cases(seed, n_cases, False)
    for case in cases:
        for j, doc in enumerate(case.docs):
            pages = [pl.text for pl in layout(doc.blocks)]
            t = doc.truth
            sha = _sha("samplegen", seed, case.case_id, j)
            path = f"{case.case_id}/{j + 1:02d}_{doc.doc_type}.pdf"
            catalog.add_file(sha, "pdf", 1000 + j, path, case.case_id)
            catalog.set_page_count(sha, len(pages))
            for k, text in enumerate(pages, start=1):
                catalog.save_page(
                    PageRow(sha, k, "text_layer", text, None, PageQuality(), None, None, None, 0.0)
                )
            catalog.replace_documents(
                sha,
                [
                    Document(
                        doc_type=t["doc_type"],
                        title=t.get("title"),
                        pages=[1, len(pages)],
                        own_number=t.get("own_number"),
                        numbers=[NumberRef(text=n["text"]) for n in t.get("numbers_detail", [])],
                        date=t.get("date"),
                        issuer=t.get("issuer"),
                        parties=[
                            Party(
                                name=p["name"],
                                role=p["role"],
                                honorific=p.get("honorific"),
                                is_organization=bool(p.get("is_organization")),
                            )
                            for p in t.get("parties", [])
                        ],
                    )
                ],
            )
            catalog.set_file_status(sha, "done")
    return cases


def samplegen_suite(cases: list[Any]) -> list[Q]:
    """Queries with an unambiguous expected case, derived from samplegen's ground truth:
    names (with and without marks, one-character typo, last two syllables, surname
    variant) and document numbers (as written, spaced, D for Đ, no dashes)."""
    from schemas.normalize import fold
    from schemas.numbers import number_key

    def canon(name: str) -> str:
        return _key(name)

    owners: dict[str, set[str]] = {}
    folded_names: list[tuple[str, str]] = []  # (folded name, case id)
    for c in cases:
        for doc in c.docs:
            for p in doc.truth.get("parties", []):
                owners.setdefault(canon(p["name"]), set()).add(c.case_id)
                folded_names.append((fold(p["name"]), c.case_id))
    numbers: dict[str, set[str]] = {}
    for c in cases:
        for doc in c.docs:
            for n in doc.truth.get("numbers", []):
                numbers.setdefault(number_key(n), set()).add(c.case_id)

    def unique_phrase(phrase: str, case_id: str) -> bool:
        hits = {cid for name, cid in folded_names if f" {phrase} " in f" {name} "}
        return hits == {case_id}

    out: list[Q] = []
    k = n_numbers = 0
    for c in cases:
        people = [p for d in c.docs for p in d.truth.get("parties", [])]
        people = [p for p in people if not p.get("is_organization")]
        people = [p for p in people if owners.get(canon(p["name"])) == {c.case_id}]
        if people:
            name = people[0]["name"]
            words = name.split()
            form = k % 5
            if form == 0:
                out.append(Q(name, c.case_id, "diacritics"))
            elif form == 1:
                out.append(Q(_strip(name).lower(), c.case_id, "folded"))
            elif form == 2:
                out.append(Q(_ocr_typo(name), c.case_id, "ocr-in-query"))
            elif (
                form == 3
                and len(words) >= 3
                and unique_phrase(fold(" ".join(words[-2:])), c.case_id)
            ):
                out.append(Q(" ".join(words[-2:]), c.case_id, "partial"))
            elif fold(words[0]) in ("huynh", "hoang", "vu", "vo"):
                alias = {"huynh": "Hoàng", "hoang": "Huỳnh", "vu": "Võ", "vo": "Vũ"}[fold(words[0])]
                out.append(Q(" ".join([alias, *words[1:]]), c.case_id, "surname-variant"))
            else:
                out.append(Q(name, c.case_id, "diacritics"))
            k += 1
        for doc in c.docs:
            own = doc.truth.get("own_number")
            if not own or numbers.get(number_key(own)) != {c.case_id}:
                continue
            forms = [own, own.replace("/", " / "), own.replace("Đ", "D"), own.replace("-", " ")]
            out.append(Q(forms[n_numbers % 4], c.case_id, "number"))
            n_numbers += 1
            break
    return out

"""Text of the documents in a THADS case file, with their ground-truth entities.

`make_cases(seed, n_cases, quick)` returns `CaseDocs` (one per hồ sơ); each holds `Doc`s in
filing order. A `Doc` carries layout `blocks` (see `samplegen.render`) and `truth`, a dict:

    {"doc_type", "title", "own_number", "date", "numbers": [as written],
     "numbers_detail": [{"text", "kind"}], "dates": [{"date": ISO, "kind"}], "issuer",
     "parties": [{"name", "role", "honorific", "birth_year", "id_number", "address",
                  "is_organization", "represents"}],
     "amounts_vnd": [int], "references": [{"number", "date", "issuer", "kind"}],
     "officials": [{"name", "title"}]}

Every number, date and amount written in the text is recorded by the `DocBuilder` helper
that formats it, so the truth lists are exactly what is on the page (in order, unique).
Dates of birth are years only and are not dates; ID-card issue dates are.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from samplegen import names as nm
from samplegen.names import Agency, Court, District, Person, Province
from samplegen.render import MM, Block, Line, Mark, Para, Row, Space
from samplegen.vn import amount_words, date_long, date_num, money

MOTTO = (
    Line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "center", "bold", 12),
    Line("Độc lập - Tự do - Hạnh phúc", "center", "bold", 12.5, rule=True),
)
END_DATE = dt.date(2026, 6, 30)


@dataclass
class Doc:
    doc_type: str
    title: str
    blocks: list[Block]
    truth: dict[str, Any]
    date: dt.date


@dataclass
class CaseDocs:
    case_id: str
    province: str
    docs: list[Doc]
    people: list[tuple[str, str]] = field(default_factory=list)  # (name, role) in the case


class DocBuilder:
    """Collects blocks and records every entity as it is formatted into text."""

    def __init__(self, doc_type: str, title: str, issuer: str, date: dt.date) -> None:
        self.doc_type, self.title, self.issuer, self.date = doc_type, title, issuer, date
        self.blocks: list[Block] = []
        self.numbers: list[dict[str, str]] = []
        self.dates: list[dict[str, str]] = []
        self.amounts: list[int] = []
        self.parties: list[dict[str, Any]] = []
        self.references: list[dict[str, Any]] = []
        self.officials: list[dict[str, str]] = []
        self.own_number: str | None = None

    # -- entity formatters -------------------------------------------------------------
    def num(self, text: str, kind: str = "other") -> str:
        if all(n["text"] != text for n in self.numbers):
            self.numbers.append({"text": text, "kind": kind})
        if kind == "own":
            self.own_number = text
        return text

    def d(self, when: dt.date, style: str = "/", kind: str = "event") -> str:
        """A date as written, recorded with its kind (schemas.vocab.DateKind)."""
        ref = {"date": when.isoformat(), "kind": kind}
        if ref not in self.dates:
            self.dates.append(ref)
        return date_long(when) if style == "long" else date_num(when, style)

    def money(self, value: int, words: bool = False, unit: str = " đồng") -> str:
        if value not in self.amounts:
            self.amounts.append(value)
        s = money(value, unit)
        return f"{s} ({amount_words(value)})" if words else s

    def ref(self, number: str, when: dt.date, issuer: str, kind: str, style: str = "/") -> str:
        """ "số 12/2020/DS-ST ngày 15/6/2020" and a reference record."""
        self.num(number, kind)
        self.references.append(
            {"number": number, "date": when.isoformat(), "issuer": issuer, "kind": kind}
        )
        return f"số {number} ngày {self.d(when, style, 'cited')}"

    def party(
        self, p: Person, role: str, detail: str = "name", when: dt.date | None = None
    ) -> None:
        """Record a party with only the fields `detail` prints (merged over mentions)."""
        shown_by = detail not in ("name", "lname")
        rec: dict[str, Any] = {
            "name": p.name,
            "role": role,
            "honorific": nm.honorific(p, when or self.date) or None,
            "birth_year": (p.birth_year or None) if shown_by else None,
            "id_number": (p.id_number or None) if detail == "full" else None,
            "address": p.address if shown_by else None,
            "is_organization": p.is_organization,
            "represents": [],
        }
        old = next((x for x in self.parties if x["name"] == p.name and x["role"] == role), None)
        if old is None:
            self.parties.append(rec)
        else:
            for k, v in rec.items():
                if old[k] is None:
                    old[k] = v
        if p.is_organization and p.representative and shown_by:
            if any(x["name"] == p.representative for x in self.parties):
                return
            self.parties.append(
                {
                    "name": p.representative,
                    "role": "other",
                    "honorific": "Ông",
                    "birth_year": None,
                    "id_number": None,
                    "address": None,
                    "is_organization": False,
                    "represents": [p.name],
                }
            )

    def official(self, name: str, title: str) -> str:
        self.officials.append({"name": name, "title": title})
        return name

    def who(self, p: Person, role: str, detail: str = "full", when: dt.date | None = None) -> str:
        """A party as written: "Ông Trần Văn Tráng, sinh năm 1980; CCCD số …; địa chỉ: …"."""
        self.party(p, role, detail, when)
        if p.is_organization:
            s = f"{p.name} (viết tắt là {p.short})"
            if detail in ("name", "lname"):
                return s
            return (
                f"{s}; địa chỉ trụ sở: {p.address}. Người đại diện theo pháp luật: "
                f"Ông {p.representative} - Chức vụ: Tổng giám đốc"
            )
        hon = nm.honorific(p, when or self.date)
        if detail == "lname":
            return f"{hon.lower()} {p.name}"
        s = f"{hon} {p.name}"
        if detail == "name":
            return s
        s += f", sinh năm {p.birth_year}"
        if detail == "full":
            style = "0/" if p.id_date.day < 10 else "/"
            issued = self.d(p.id_date, style, "other")
            s += f"; {p.id_kind} số {p.id_number} do {p.id_issuer} cấp ngày {issued}"
        return s + f"; địa chỉ: {p.address}"

    # -- blocks --------------------------------------------------------------------------
    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)

    def para(self, text: str, **kw: Any) -> None:
        self.blocks.append(Para(text, **kw))

    def center(self, text: str, style: str = "bold", size: float = 12.0, gap: float = 0.0) -> None:
        self.blocks.append(Line(text, "center", style, size, gap_before=gap))

    def build(self) -> Doc:
        truth = {
            "doc_type": self.doc_type,
            "title": self.title,
            "own_number": self.own_number,
            "date": self.date.isoformat(),
            "numbers": [n["text"] for n in self.numbers],
            "numbers_detail": self.numbers,
            "dates": self.dates,
            "issuer": self.issuer,
            "parties": self.parties,
            "amounts_vnd": self.amounts,
            "references": self.references,
            "officials": self.officials,
        }
        return Doc(self.doc_type, self.title, self.blocks, truth, self.date)


# --- Case facts ---------------------------------------------------------------------------


@dataclass
class Judgment:
    number: str
    date: dt.date
    court: Court
    kind: str  # vay | tin_dung | ly_hon | hinh_su
    code: str  # DS-ST …
    subject: str
    thu_ly: str
    thu_ly_date: dt.date
    qdxx: str
    qdxx_date: dt.date


@dataclass
class Facts:
    case_id: str
    prov: Province
    district: District
    j: Judgment
    creditor: Person
    debtor: Person
    related: Person | None
    principal: int
    interest: int
    fee: int  # án phí owed by the debtor
    qd_number: str  # the enforcement decision's number, date and agency
    qd_date: dt.date
    qd_agency: Agency
    monthly: int = 0  # cấp dưỡng
    land: dict[str, Any] | None = None
    cv_name: str = ""  # chấp hành viên
    head_name: str = ""
    level: str = "district"  # of the enforcing agency (province for big provincial cases)

    def agency(self, when: dt.date) -> Agency:
        return nm.agency_for(self.prov, self.district, when, self.level)


def court_fee(value: int) -> int:
    """Án phí dân sự sơ thẩm có giá ngạch (NQ 326/2016), rounded to 1.000 đồng."""
    if value <= 6_000_000:
        fee = 300_000
    elif value <= 400_000_000:
        fee = value * 5 // 100
    elif value <= 800_000_000:
        fee = 20_000_000 + (value - 400_000_000) * 4 // 100
    elif value <= 2_000_000_000:
        fee = 36_000_000 + (value - 800_000_000) * 3 // 100
    elif value <= 4_000_000_000:
        fee = 72_000_000 + (value - 2_000_000_000) * 2 // 100
    else:
        fee = 112_000_000 + (value - 4_000_000_000) // 1000
    return fee // 1000 * 1000


def _days(rng: random.Random, d: dt.date, lo: int, hi: int) -> dt.date:
    return min(d + dt.timedelta(days=rng.randint(lo, hi)), END_DATE)


def _serial(rng: random.Random, when: dt.date, per_day: float) -> int:
    return max(1, int(when.timetuple().tm_yday * per_day) + rng.randint(0, 9))


def _agency_lines(ag: Agency) -> tuple[Line, ...]:
    """Parent body in regular type, the issuing body in bold with a rule under it."""
    parent, *own = ag.header
    lines = [Line(parent, "center", "regular", 12)]
    lines += [Line(t, "center", "bold", 12) for t in own[:-1]]
    lines.append(Line(own[-1], "center", "bold", 12, rule=True))
    return tuple(lines)


def _agency_header(b: DocBuilder, ag: Agency, number: str, when: dt.date) -> None:
    b.add(
        Row(
            (
                *_agency_lines(ag),
                Line(f"Số: {b.num(number, 'own')}", "center", "regular", 12.5, gap_before=4),
            ),
            (
                *MOTTO,
                Line(
                    f"{ag.place}, {b.d(when, 'long', 'document')}",
                    "center",
                    "italic",
                    12.5,
                    gap_before=4,
                ),
            ),
        ),
        Space(14),
    )


def _signature(
    b: DocBuilder, title: str, name: str, recipients: list[str], prefix: str = ""
) -> None:
    right: list[Line | Mark] = []
    if prefix:
        right.append(Line(prefix, "center", "bold", 12))
    right += [
        Line(title, "center", "bold", 12),
        Line("(Đã ký và đóng dấu)", "center", "italic", 11),
        Mark("stamp", 0.0, 34.0),
        Mark("signature", 44.0, 24.0),
        Line(b.official(name, title.capitalize()), "center", "bold", 12),
    ]
    left = [Line("Nơi nhận:", "left", "bolditalic", 11)] + [
        Line(r, "left", "regular", 10.5) for r in recipients
    ]
    b.add(Row(tuple(left), tuple(right), split=0.5, gap_before=10))


# --- Documents ----------------------------------------------------------------------------


def ban_an(f: Facts, rng: random.Random) -> Doc:
    j = f.j
    b = DocBuilder("ban_an", "Bản án", j.court.name, j.date)
    head = [Line(x, "center", "bold", 12) for x in j.court.header]
    head[-1] = Line(head[-1].text, "center", "bold", 12, rule=True)
    b.add(
        Row(
            (
                *head,
                Line(f"Bản án số: {b.num(j.number, 'own')}", "center", "regular", 12, gap_before=4),
                Line(f"Ngày: {b.d(j.date, '-', 'document')}", "center"),
                Line(f"V/v {j.subject}", "center", "italic", 12),
            ),
            MOTTO,
        ),
        Space(16),
    )
    b.center("NHÂN DANH")
    b.center("NƯỚC CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    b.center(j.court.short.upper(), gap=2)
    judge = nm.random_name(rng, rng.choice("mf"))
    clerk = nm.random_name(rng, "f")
    assessors = [nm.random_name(rng, "m"), nm.random_name(rng, "f")]
    b.para("- Thành phần Hội đồng xét xử sơ thẩm gồm có:", first_indent=0, gap_before=8)
    b.para(
        f"Thẩm phán - Chủ tọa phiên tòa: {b.official(judge, 'Thẩm phán')}.", first_indent=10 * MM
    )
    b.para(
        f"Các Hội thẩm nhân dân: Ông {b.official(assessors[0], 'Hội thẩm nhân dân')} và "
        f"bà {b.official(assessors[1], 'Hội thẩm nhân dân')}.",
        first_indent=10 * MM,
    )
    b.para(
        f"- Thư ký phiên tòa: Bà {b.official(clerk, 'Thư ký')} - Thư ký {j.court.short}.",
        first_indent=0,
    )
    crim = j.kind == "hinh_su"
    if crim:
        b.para(
            f"{b.d(j.date, 'long', 'hearing').capitalize()}, "
            f"tại trụ sở {j.court.short} xét xử sơ thẩm công "
            f"khai vụ án hình sự thụ lý {b.ref(j.thu_ly, j.thu_ly_date, j.court.name, 'thu_ly')} "
            f"theo Quyết định đưa vụ án ra xét xử "
            f"{b.ref(j.qdxx, j.qdxx_date, j.court.name, 'dua_ra_xet_xu')} đối với bị cáo:"
        )
        b.para(f"{b.who(f.debtor, 'bi_cao')}; có mặt.", first_indent=10 * MM)
        b.para(f"- Bị hại: {b.who(f.creditor, 'bi_hai', 'short')}; có mặt.", first_indent=0)
    else:
        b.para(
            f"{b.d(j.date, 'long', 'hearing').capitalize()}, "
            f"tại trụ sở {j.court.short} xét xử sơ thẩm công "
            f"khai vụ án thụ lý {b.ref(j.thu_ly, j.thu_ly_date, j.court.name, 'thu_ly')} về việc "
            f'"{j.subject[0].upper() + j.subject[1:]}" theo Quyết định đưa vụ án ra xét xử '
            f"{b.ref(j.qdxx, j.qdxx_date, j.court.name, 'dua_ra_xet_xu')}, giữa các đương sự:"
        )
        b.para(f"1. Nguyên đơn: {b.who(f.creditor, 'nguyen_don')} (có mặt).")
        b.para(f"2. Bị đơn: {b.who(f.debtor, 'bi_don')} ({rng.choice(['có mặt', 'vắng mặt'])}).")
        if f.related:
            rel = b.who(f.related, "nguoi_co_quyen_loi_nghia_vu_lien_quan", "short")
            b.para(
                f"3. Người có quyền lợi, nghĩa vụ liên quan: {rel} (có đơn xin xét xử vắng mặt)."
            )
    b.center("NỘI DUNG VỤ ÁN:", gap=8)
    b.para(_story(b, f, rng))
    b.center("QUYẾT ĐỊNH:", gap=8)
    b.para(_decision(b, f), gap_before=4)
    b.para(
        f"Về án phí: {b.who(f.debtor, 'bi_cao' if crim else 'bi_don', 'name')} phải chịu "
        f"{b.money(f.fee)} án phí {'hình sự và dân sự' if crim else 'dân sự'} sơ thẩm."
    )
    b.para(
        "Trường hợp bản án được thi hành theo quy định tại Điều 2 Luật Thi hành án dân sự thì "
        "người được thi hành án dân sự, người phải thi hành án dân sự có quyền thỏa thuận thi "
        "hành án, quyền yêu cầu thi hành án, tự nguyện thi hành án hoặc bị cưỡng chế thi hành án "
        "theo quy định tại các Điều 6, 7 và 9 Luật Thi hành án dân sự."
    )
    b.para(
        "Án xử sơ thẩm công khai, các đương sự có quyền kháng cáo trong thời hạn 15 ngày kể từ "
        "ngày tuyên án."
    )
    _signature(
        b,
        "THẨM PHÁN - CHỦ TỌA PHIÊN TÒA",
        judge,
        ["- VKSND cùng cấp;", "- Các đương sự;", "- Chi cục THADS;", "- Lưu hồ sơ vụ án."],
        prefix="TM. HỘI ĐỒNG XÉT XỬ SƠ THẨM",
    )
    return b.build()


def _story(b: DocBuilder, f: Facts, rng: random.Random) -> str:
    c, dbt = f.creditor, f.debtor
    loan = _days(rng, f.j.thu_ly_date, -900, -200)
    if f.j.kind == "vay":
        return (
            f"Theo đơn khởi kiện ngày {b.d(_days(rng, f.j.thu_ly_date, -20, -3))} và quá trình "
            f"giải quyết vụ án, nguyên đơn {b.who(c, 'nguyen_don', 'lname')} trình bày: "
            f"Ngày {b.d(loan)}, {nm.honorific(c, f.j.date).lower()} cho "
            f"{b.who(dbt, 'bi_don', 'lname')} vay số tiền {b.money(f.principal)}, lãi suất "
            f"1%/tháng, hẹn trả trong 12 tháng. Đến hạn bị đơn không trả nợ gốc và lãi nên nguyên "
            f"đơn khởi kiện yêu cầu bị đơn trả {b.money(f.principal)} tiền gốc và "
            f"{b.money(f.interest)} tiền lãi."
        )
    if f.j.kind == "tin_dung":
        return (
            f"Ngày {b.d(loan)}, {c.short} và {b.who(dbt, 'bi_don', 'lname')} ký Hợp đồng "
            f"tín dụng số {rng.randint(100, 9999)}/{loan.year}/HĐTD, số tiền vay "
            f"{b.money(f.principal)}, thời hạn 36 tháng. Tài sản bảo đảm là quyền sử dụng đất "
            f"thửa đất số {f.land['parcel'] if f.land else 12}, tờ bản đồ số "
            f"{f.land['sheet'] if f.land else 3}. Bên vay vi phạm nghĩa vụ trả nợ; tính đến ngày "
            f"xét xử còn nợ gốc {b.money(f.principal)} và lãi {b.money(f.interest)}."
        )
    if f.j.kind == "ly_hon":
        return (
            f"{b.who(c, 'nguyen_don', 'name')} và {b.who(dbt, 'bi_don', 'lname')} kết hôn "
            f"năm {f.j.date.year - rng.randint(6, 15)}, có đăng ký kết hôn tại Ủy ban nhân dân "
            f"{f.district[2][0]}. Quá trình chung sống phát sinh mâu thuẫn trầm trọng, nguyên đơn "
            f"yêu cầu được ly hôn, được nuôi con chung và yêu cầu bị đơn cấp dưỡng nuôi con "
            f"{b.money(f.monthly)}/tháng; về tài sản chung yêu cầu bị đơn thanh toán giá trị "
            f"chênh lệch {b.money(f.principal)}."
        )
    return (
        f"Khoảng 21 giờ ngày {b.d(_days(rng, f.j.thu_ly_date, -200, -60))}, "
        f"{b.who(dbt, 'bi_cao', 'lname')} đã có hành vi chiếm đoạt tài sản của "
        f"{b.who(c, 'bi_hai', 'lname')} gồm tiền mặt và xe mô tô, tổng giá trị "
        f"{b.money(f.principal)}. Bị hại yêu cầu bị cáo bồi thường toàn bộ thiệt hại."
    )


def _decision(b: DocBuilder, f: Facts) -> str:
    c, dbt = f.creditor, f.debtor
    if f.j.kind == "hinh_su":
        return (
            f'Tuyên bố bị cáo {f.debtor.name} phạm tội "Cướp giật tài sản". Về trách nhiệm dân '
            f"sự: buộc bị cáo {dbt.name} bồi thường cho {b.who(c, 'bi_hai', 'lname')} số "
            f"tiền {b.money(f.principal + f.interest, words=True)}."
        )
    if f.j.kind == "ly_hon":
        return (
            f"Chấp nhận yêu cầu khởi kiện của nguyên đơn. Về con chung: giao con chung cho "
            f"{b.who(c, 'nguyen_don', 'lname')} trực tiếp nuôi dưỡng; "
            f"{b.who(dbt, 'bi_don', 'lname')} cấp dưỡng nuôi con {b.money(f.monthly)}/tháng "
            f"cho đến khi con đủ 18 tuổi. Về tài sản chung: buộc bị đơn thanh toán cho nguyên đơn "
            f"{b.money(f.principal, words=True)}."
        )
    total = f.principal + f.interest
    return (
        f"Chấp nhận yêu cầu khởi kiện của nguyên đơn. Buộc {b.who(dbt, 'bi_don', 'lname')} "
        f"phải trả cho {b.who(c, 'nguyen_don', 'lname')} tổng số tiền "
        f"{b.money(total, words=True)}, trong đó nợ gốc {b.money(f.principal)}, lãi "
        f"{b.money(f.interest)}. Kể từ ngày người được thi hành án có đơn yêu cầu thi hành án, "
        f"nếu người phải thi hành án chậm trả thì còn phải trả lãi theo quy định tại Điều 357 Bộ "
        f"luật Dân sự năm 2015."
    )


def _lower_first(s: str) -> str:
    return s[:1].lower() + s[1:]


def _obligation(b: DocBuilder, f: Facts) -> str:
    total = f.principal + f.interest
    if f.j.kind == "ly_hon":
        return (
            f"Thanh toán cho {b.who(f.creditor, 'nguoi_duoc_thi_hanh_an', 'lname')} số tiền "
            f"{b.money(f.principal, words=True)} và cấp dưỡng nuôi con {b.money(f.monthly)}/tháng."
        )
    return (
        f"Trả cho {b.who(f.creditor, 'nguoi_duoc_thi_hanh_an', 'lname')} số tiền "
        f"{b.money(total, words=True)} và lãi chậm thi hành án."
    )


def qd_thi_hanh_an(f: Facts, rng: random.Random) -> Doc:
    ag = f.qd_agency
    b = DocBuilder("quyet_dinh_thi_hanh_an", "Quyết định thi hành án", ag.name, f.qd_date)
    _agency_header(b, ag, f.qd_number, f.qd_date)
    b.center("QUYẾT ĐỊNH", size=13.5)
    b.center("Thi hành án theo yêu cầu", "bold", 12.5)
    b.para(ag.head_full.upper(), style="bold", align="center", gap_before=10)
    b.para("Căn cứ Điều 23, Điều 35, khoản 2 Điều 36 Luật Thi hành án dân sự;", gap_before=8)
    b.para(
        f"Căn cứ Bản án {b.ref(f.j.number, f.j.date, f.j.court.name, 'ban_an')} của "
        f"{f.j.court.name};"
    )
    req = _days(rng, f.qd_date, -12, -2)
    b.para(
        f"Căn cứ đơn yêu cầu thi hành án ngày {b.d(req)} của "
        f"{b.who(f.creditor, 'nguoi_duoc_thi_hanh_an', 'lname')},"
    )
    b.center("QUYẾT ĐỊNH:", gap=6)
    b.para("Điều 1. Cho thi hành án đối với:", style="bold")
    b.para(f"Người phải thi hành án: {b.who(f.debtor, 'nguoi_phai_thi_hanh_an', 'address')}.")
    b.para(f"Các khoản phải thi hành: {_obligation(b, f)}")
    b.para(f"Người được thi hành án: {b.who(f.creditor, 'nguoi_duoc_thi_hanh_an', 'address')}.")
    b.para(
        "Điều 2. Chấp hành viên, người phải thi hành án, người được thi hành án và các cơ quan, "
        "tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này./."
    )
    _signature(
        b,
        ag.head_title,
        f.head_name,
        ["- Như Điều 2;", f"- VKSND {f.district[0]} {f.district[1]};", "- Lưu: VT, HSTHA."],
    )
    return b.build()


def thong_bao(f: Facts, rng: random.Random) -> Doc:
    when = _days(rng, f.qd_date, 2, 6)
    ag = f.agency(when)
    b = DocBuilder("thong_bao", "Thông báo", ag.name, when)
    number = f"{_serial(rng, when, 1.4)}/TB-{ag.code}"
    _agency_header(b, ag, number, when)
    b.center("THÔNG BÁO", size=13.5)
    b.center("Về việc tự nguyện thi hành án", "bold", 12.5)
    b.para(
        f"Kính gửi: {b.who(f.debtor, 'nguoi_phai_thi_hanh_an', 'address')}.",
        gap_before=10,
        first_indent=0,
    )
    b.para(
        f"Căn cứ Quyết định thi hành án "
        f"{b.ref(f.qd_number, f.qd_date, f.qd_agency.name, 'quyet_dinh')} "
        f"của {f.qd_agency.head_full};"
    )
    b.para(
        f"{ag.name} thông báo: {b.who(f.debtor, 'nguoi_phai_thi_hanh_an', 'lname')} có "
        f"trách nhiệm tự nguyện thi hành án trong thời hạn 10 ngày, kể từ ngày nhận được quyết "
        f"định thi hành án, khoản tiền {b.money(f.principal + f.interest)} cho "
        f"{b.who(f.creditor, 'nguoi_duoc_thi_hanh_an', 'lname')}."
    )
    b.para(
        "Hết thời hạn trên, nếu không tự nguyện thi hành thì Chấp hành viên sẽ áp dụng biện pháp "
        "cưỡng chế thi hành án theo quy định của pháp luật. Người phải thi hành án còn phải chịu "
        "chi phí cưỡng chế thi hành án."
    )
    _signature(
        b,
        "CHẤP HÀNH VIÊN",
        f.cv_name,
        ["- Như trên;", "- Lưu: VT, HSTHA."],
    )
    return b.build()


def bien_ban_xac_minh(f: Facts, rng: random.Random) -> Doc:
    when = _days(rng, f.qd_date, 20, 60)
    ag = nm.phong_khu_vuc(f.prov) if when >= nm.REFORM else f.agency(when)
    b = DocBuilder("bien_ban", "Biên bản xác minh điều kiện thi hành án", ag.name, when)
    b.add(
        Row(
            _agency_lines(ag),
            MOTTO,
        ),
        Space(16),
    )
    b.center("BIÊN BẢN", size=13.5)
    b.center("Xác minh điều kiện thi hành án", "bold", 12.5)
    commune = f.debtor.address.split(", ")[1] if not f.debtor.is_organization else f.district[2][0]
    b.para(
        f"Hôm nay, vào lúc {rng.randint(8, 10):02d} giờ "
        f"{rng.choice(['00', '15', '30', '45'])} phút, "
        f"{b.d(when, 'long', 'document')}, tại Ủy ban nhân dân {commune}.",
        gap_before=10,
    )
    b.para("Chúng tôi gồm:", first_indent=0)
    clerk = nm.random_name(rng, "f")
    cadastral = nm.random_name(rng, "m")
    b.para(f"1. Ông (bà) {b.official(f.cv_name, 'Chấp hành viên')} - Chấp hành viên {ag.name};")
    b.para(f"2. Bà {b.official(clerk, 'Thư ký thi hành án')} - Thư ký thi hành án;")
    b.para(
        f"3. Ông {b.official(cadastral, 'Công chức địa chính')} - Công chức địa chính - "
        f"xây dựng {commune}."
    )
    if when >= nm.REFORM:
        b.para(f"Ghi chú: {f.agency(when).old_name}.", style="italic")
    b.para(
        f"Tiến hành xác minh điều kiện thi hành án của "
        f"{b.who(f.debtor, 'nguoi_phai_thi_hanh_an', 'short')}, theo Quyết định thi hành án "
        f"{b.ref(f.qd_number, f.qd_date, f.qd_agency.name, 'quyet_dinh', '0/')}."
    )
    b.para("Kết quả xác minh như sau:", first_indent=0, style="bold")
    if f.land:
        b.para(
            f"- Về tài sản: người phải thi hành án đứng tên quyền sử dụng đất thửa đất số "
            f"{f.land['parcel']}, tờ bản đồ số {f.land['sheet']}, diện tích {f.land['area']} m², "
            f"Giấy chứng nhận quyền sử dụng đất số {f.land['cert']} do Ủy ban nhân dân "
            f"{f.district[0]} {f.district[1]} cấp; hiện đang thế chấp tại {f.creditor.short}."
        )
    else:
        b.para(
            "- Về tài sản: người phải thi hành án không có tài sản là quyền sử dụng đất, nhà ở; "
            "không đăng ký sở hữu xe mô tô, ô tô; không có tài khoản tại các tổ chức tín dụng."
        )
    b.para("- Về thu nhập: làm thuê, thu nhập không ổn định, không đủ để thi hành án.")
    b.para(
        "Biên bản lập xong vào hồi 10 giờ 30 phút cùng ngày, đã đọc lại cho những người có mặt "
        "cùng nghe, công nhận đúng và cùng ký tên dưới đây."
    )
    b.add(
        Row(
            (
                Line("ĐẠI DIỆN UBND XÃ", "center", "bold"),
                Mark("signature", 44.0, 24.0),
                Line(cadastral, "center", "bold"),
            ),
            (
                Line("CHẤP HÀNH VIÊN", "center", "bold"),
                Mark("signature", 44.0, 24.0),
                Line(f.cv_name, "center", "bold"),
            ),
            split=0.45,
            gap_before=10,
        )
    )
    return b.build()


def qd_chua_co_dieu_kien(f: Facts, rng: random.Random) -> Doc:
    when = _days(rng, f.qd_date, 70, 120)
    ag = f.agency(when)
    b = DocBuilder(
        "quyet_dinh_chua_co_dieu_kien",
        "Quyết định về việc chưa có điều kiện thi hành án",
        ag.name,
        when,
    )
    number = f"{_serial(rng, when, 0.2)}/QĐ-{ag.code}"
    _agency_header(b, ag, number, when)
    b.center("QUYẾT ĐỊNH", size=13.5)
    b.center("Về việc chưa có điều kiện thi hành án", "bold", 12.5)
    b.center(ag.head_title, gap=10)
    b.para("Căn cứ khoản 1 Điều 44a Luật Thi hành án dân sự;", gap_before=8)
    b.para(
        f"Căn cứ Điều 9 Nghị định số {b.num('62/2015/NĐ-CP', 'van_ban_phap_luat')} ngày "
        f"{b.d(dt.date(2015, 7, 18), '0/', 'cited')} của Chính phủ;"
    )
    b.para(
        f"Căn cứ Quyết định thi hành án "
        f"{b.ref(f.qd_number, f.qd_date, f.qd_agency.name, 'quyet_dinh')} "
        f"của {f.qd_agency.head_full};"
    )
    b.para(
        "Xét thấy người phải thi hành án không có thu nhập hoặc thu nhập chỉ bảo đảm cuộc sống "
        "tối thiểu, không có tài sản để thi hành án,"
    )
    b.center("QUYẾT ĐỊNH:", gap=6)
    b.para(
        f"Điều 1. Xác định người phải thi hành án: "
        f"{b.who(f.debtor, 'nguoi_phai_thi_hanh_an', 'address')} "
        f"chưa có điều kiện thi hành khoản: {_lower_first(_obligation(b, f))}"
    )
    b.para(
        "Điều 2. Khi người phải thi hành án có điều kiện thi hành án thì Chấp hành viên tiến hành "
        "thi hành án theo quy định. Thông tin về người phải thi hành án chưa có điều kiện thi hành "
        "án được đăng tải trên Trang thông tin điện tử của cơ quan thi hành án dân sự./."
    )
    _signature(b, ag.head_title, f.head_name, ["- Như Điều 1;", "- Lưu: VT, HSTHA."])
    return b.build()


def qd_cuong_che(f: Facts, rng: random.Random) -> Doc:
    when = _days(rng, f.qd_date, 60, 110)
    ag = f.agency(when)
    b = DocBuilder("quyet_dinh_cuong_che", "Quyết định cưỡng chế kê biên", ag.name, when)
    number = f"{_serial(rng, when, 0.15)}/QĐ-{ag.code}"
    _agency_header(b, ag, number, when)
    land = f.land or {}
    b.center("QUYẾT ĐỊNH", size=13.5)
    b.center("Về việc cưỡng chế kê biên, xử lý tài sản", "bold", 12.5)
    b.center("CHẤP HÀNH VIÊN", gap=10)
    b.para("Căn cứ Điều 20, Điều 71, Điều 89 và Điều 95 Luật Thi hành án dân sự;", gap_before=8)
    b.para(
        f"Căn cứ Bản án {b.ref(f.j.number, f.j.date, f.j.court.name, 'ban_an', '-')} của "
        f"{f.j.court.name};"
    )
    b.para(
        f"Căn cứ Quyết định thi hành án "
        f"{b.ref(f.qd_number, f.qd_date, f.qd_agency.name, 'quyet_dinh')};"
    )
    b.center("QUYẾT ĐỊNH:", gap=6)
    b.para(
        f"Điều 1. Cưỡng chế kê biên quyền sử dụng đất của "
        f"{b.who(f.debtor, 'nguoi_phai_thi_hanh_an', 'address')} "
        f"gồm thửa đất số {land.get('parcel')}, tờ bản đồ số {land.get('sheet')}, diện tích "
        f"{land.get('area')} m², để bảo đảm thi hành khoản tiền "
        f"{b.money(f.principal + f.interest)} "
        f"cho {b.who(f.creditor, 'nguoi_duoc_thi_hanh_an', 'lname')}."
    )
    if f.related:
        b.para(
            f"Người có quyền lợi, nghĩa vụ liên quan: "
            f"{b.who(f.related, 'nguoi_co_quyen_loi_nghia_vu_lien_quan', 'short')}."
        )
    b.para(
        "Việc cưỡng chế được tiến hành vào hồi 08 giờ 00 phút "
        f"{b.d(_days(rng, when, 10, 20), 'long')}."
    )
    b.para(
        "Điều 2. Người phải thi hành án, người được thi hành án và các cơ quan, tổ chức, cá "
        "nhân có liên quan chịu trách nhiệm thi hành Quyết định này./."
    )
    _signature(
        b, "CHẤP HÀNH VIÊN", f.cv_name, ["- Như Điều 2;", "- VKSND cùng cấp;", "- Lưu: VT, HSTHA."]
    )
    return b.build()


# --- Cases --------------------------------------------------------------------------------

_KINDS = {
    "vay": ("DS-ST", "tranh chấp hợp đồng vay tài sản", "DS"),
    "tin_dung": ("KDTM-ST", "tranh chấp hợp đồng tín dụng", "KDTM"),
    "ly_hon": ("HNGĐ-ST", "ly hôn, tranh chấp nuôi con, chia tài sản", "HNGĐ"),
    "hinh_su": ("HS-ST", "cướp giật tài sản", "HS"),
}


@dataclass
class Plan:
    """Names forced into a case (recurring people, tone pairs)."""

    debtor: tuple[str, str] | None = None  # (name, sex)
    creditor: tuple[str, str] | None = None
    shared_debtor: Person | None = None
    province: Province | None = None
    district: District | None = None
    bank_idx: int | None = None


def _plans(rng: random.Random, n: int) -> list[Plan]:
    plans = [Plan() for _ in range(n)]
    # One person is the debtor of two cases in the same province (the first and the last).
    prov = rng.choice(nm.PROVINCES)
    district = rng.choice(prov.districts)
    for i in (0, n - 1):
        plans[i].province, plans[i].district = prov, district
    shared = nm.make_person(rng, prov, dt.date(2022, 1, 1), "m", district=district)
    plans[0].shared_debtor = plans[n - 1].shared_debtor = shared
    # The same bank is the creditor of two cases.
    if n >= 5:
        plans[1].bank_idx = plans[2].bank_idx = 0
    # Tone pairs: one name in one case, its twin in another (as debtor, else as creditor).
    cursor = 1

    def place(name: str, sex: str, avoid: int) -> int | None:
        nonlocal cursor
        for k in range(n):
            i = (cursor + k) % n
            if i == avoid:
                continue
            p = plans[i]
            if p.shared_debtor is None and p.debtor is None:
                p.debtor = (name, sex)
            elif p.bank_idx is None and p.creditor is None:
                p.creditor = (name, sex)
            else:
                continue
            cursor = i + 1
            return i
        return None

    for (na, sa), (nb, sb) in nm.TONE_PAIRS:
        first = place(na, sa, -1)
        if first is None:
            break
        if place(nb, sb, first) is None:
            # undo the lone half so a name never appears without its twin
            p = plans[first]
            if p.debtor == (na, sa):
                p.debtor = None
            else:
                p.creditor = None
            break
    return plans


def _facts(rng: random.Random, i: int, plan: Plan) -> Facts:
    prov = plan.province or rng.choice(nm.PROVINCES)
    district = plan.district or rng.choice(prov.districts)
    kinds = ["vay", "vay", "ly_hon", "hinh_su", "tin_dung"]
    if plan.debtor or plan.creditor:
        kinds = ["vay", "vay", "hinh_su"]
    kind = "tin_dung" if plan.bank_idx is not None else rng.choice(kinds)
    jdate = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randint(0, 3900))
    jdate = min(jdate, dt.date(2025, 11, 1))
    level = "province" if kind == "tin_dung" and rng.random() < 0.4 else "district"
    court = nm.court_for(prov, district, jdate, level)
    code, subject, ctype = _KINDS[kind]
    thu_ly_date = _days(rng, jdate, -240, -90)
    qdxx_date = _days(rng, jdate, -25, -8)
    j = Judgment(
        number=f"{_serial(rng, jdate, 0.3)}/{jdate.year}/{code}",
        date=jdate,
        court=court,
        kind=kind,
        code=code,
        subject=subject,
        thu_ly=f"{_serial(rng, thu_ly_date, 0.3)}/{thu_ly_date.year}/TLST-{ctype}",
        thu_ly_date=thu_ly_date,
        qdxx=f"{_serial(rng, qdxx_date, 0.2)}/{qdxx_date.year}/QĐXXST-{ctype}",
        qdxx_date=qdxx_date,
    )
    if plan.shared_debtor is not None and kind not in ("ly_hon",):
        debtor = plan.shared_debtor
    elif plan.debtor:
        debtor = nm.make_person(rng, prov, jdate, plan.debtor[1], plan.debtor[0], district)
    else:
        debtor = nm.make_person(
            rng, prov, jdate, "m" if kind == "ly_hon" else None, district=district
        )
    if kind == "tin_dung":
        creditor = nm.make_company(
            rng, prov, plan.bank_idx if plan.bank_idx is not None else rng.randrange(2)
        )
    elif plan.creditor:
        creditor = nm.make_person(rng, prov, jdate, plan.creditor[1], plan.creditor[0])
    else:
        creditor = nm.make_person(rng, prov, jdate, "f" if kind == "ly_hon" else None)
    if kind == "ly_hon" and plan.shared_debtor is not None:
        debtor = plan.shared_debtor
    related = None
    if kind in ("vay", "tin_dung"):
        related = nm.make_person(rng, prov, jdate, "f" if debtor.sex == "m" else "m")
        related.address = debtor.address
    if kind == "tin_dung":
        principal = rng.randrange(300, 4000) * 1_000_000
    elif kind == "hinh_su":
        principal = rng.randrange(8, 80) * 1_000_000 + rng.randrange(0, 1000) * 1000
    else:
        principal = rng.randrange(40, 900) * 1_000_000 + rng.choice([0, 500_000])
    interest = 0 if kind == "ly_hon" else principal * rng.randint(5, 30) // 100 // 1000 * 1000
    fee = (
        200_000 + court_fee(principal + interest)
        if kind == "hinh_su"
        else court_fee(principal + interest)
    )
    qd_date = _days(rng, jdate, 35, 100)
    agency = nm.agency_for(
        prov, district, qd_date, "province" if level == "province" else "district"
    )
    land = None
    if kind == "tin_dung" or rng.random() < 0.3:
        land = {
            "parcel": rng.randint(10, 900),
            "sheet": rng.randint(1, 60),
            "area": f"{rng.randint(80, 2500)},{rng.randint(0, 9)}",
            "cert": f"{rng.choice(['BĐ', 'CH', 'CS'])} {rng.randint(100000, 999999)}",
        }
    serial = _serial(rng, qd_date, 1.0)
    f = Facts(
        case_id=f"HS-{qd_date.year}-{serial + 300 * i:04d}",
        prov=prov,
        district=district,
        j=j,
        creditor=creditor,
        debtor=debtor,
        related=related,
        principal=principal,
        interest=interest,
        fee=fee,
        monthly=rng.choice([1_500_000, 2_000_000, 3_000_000]) if kind == "ly_hon" else 0,
        land=land,
        qd_number=f"{serial}/QĐ-{agency.code}",
        qd_date=qd_date,
        qd_agency=agency,
        cv_name=nm.random_name(rng, rng.choice("mf")),
        head_name=nm.random_name(rng, "m"),
        level=level,
    )
    return f


def make_cases(seed: int = 7, n_cases: int = 6, quick: bool = False) -> list[CaseDocs]:
    """All cases with their documents (text + truth). Deterministic for a seed.

    Names are unique across the archive except on purpose: one debtor shared by the first
    and last case, one bank creditor of two cases, and the tone pairs (`names.TONE_PAIRS`).
    """
    reserved = {n for pair in nm.TONE_PAIRS for n, _ in pair}
    with nm.unique_names(reserved):
        return _make_cases(seed, n_cases, quick)


def _make_cases(seed: int, n_cases: int, quick: bool) -> list[CaseDocs]:
    rng = random.Random(seed)
    plans = _plans(rng, n_cases)
    out: list[CaseDocs] = []
    ids: set[str] = set()
    for i, plan in enumerate(plans):
        crng = random.Random(f"{seed}:{i}")
        f = _facts(crng, i, plan)
        while f.case_id in ids:  # the serial is unique within a year
            head, year, serial = f.case_id.split("-")
            f.case_id = f"{head}-{year}-{int(serial) + 1:04d}"
        ids.add(f.case_id)
        docs = [ban_an(f, crng), qd_thi_hanh_an(f, crng)]
        if quick:
            docs.append([thong_bao, bien_ban_xac_minh, qd_chua_co_dieu_kien][i % 3](f, crng))
        else:
            docs.append(thong_bao(f, crng))
            docs.append(bien_ban_xac_minh(f, crng))
            if f.land:
                docs.append(qd_cuong_che(f, crng))
            else:
                docs.append(qd_chua_co_dieu_kien(f, crng))
        docs.sort(key=lambda d: d.date)
        people = sorted({(p["name"], p["role"]) for d in docs for p in d.truth["parties"]})
        out.append(CaseDocs(f.case_id, f.prov.name, docs, people))
    return out

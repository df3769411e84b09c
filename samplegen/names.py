"""Invented Vietnamese people, places, courts and THADS agencies (old and new names).

Surname weights follow docs/domain.md §5.4. Everything is drawn from a `random.Random` so a seed
gives the same people every time.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

SURNAMES: list[tuple[str, float]] = [
    ("Nguyễn", 38.5),
    ("Trần", 11.0),
    ("Lê", 9.5),
    ("Phạm", 7.1),
    ("Huỳnh", 2.5),
    ("Hoàng", 2.6),
    ("Phan", 4.5),
    ("Vũ", 2.0),
    ("Võ", 1.9),
    ("Đặng", 2.1),
    ("Bùi", 2.0),
    ("Đỗ", 1.4),
    ("Hồ", 1.3),
    ("Ngô", 1.3),
    ("Dương", 1.0),
    ("Lý", 0.5),
    ("Đinh", 0.5),
    ("Trương", 0.5),
    ("Đào", 0.4),
    ("Lâm", 0.3),
    ("Mai", 0.3),
]
MIDDLE_M: list[tuple[str, float]] = [
    ("Văn", 50),
    ("Đức", 8),
    ("Quốc", 6),
    ("Minh", 7),
    ("Hữu", 6),
    ("Công", 5),
    ("Thanh", 5),
    ("Ngọc", 3),
    ("Xuân", 3),
    ("Trọng", 3),
    ("", 2),
]
MIDDLE_F: list[tuple[str, float]] = [
    ("Thị", 55),
    ("Ngọc", 8),
    ("Hồng", 6),
    ("Thu", 5),
    ("Thanh", 5),
    ("Kim", 5),
    ("Mỹ", 4),
    ("Diệu", 3),
    ("", 2),
]
GIVEN_M = [
    "Hùng",
    "Tuấn",
    "Dũng",
    "Hải",
    "Sơn",
    "Thắng",
    "Phúc",
    "Lộc",
    "Cường",
    "Khải",
    "Bảo",
    "Quý",
    "Nghĩa",
    "Hiển",
    "Toàn",
    "Đạt",
    "Thịnh",
    "Vĩnh",
    "Luận",
    "Kiên",
    "Trí",
    "Hưng",
    "Tâm",
    "Nhân",
    "Khánh",
    "Quyết",
    "Đông",
    "Thành",
    "Lợi",
    "Hiếu",
    "Tiến",
    "Vỹ",
    "Phước",
    "Lực",
    "Mạnh",
    "Chiến",
    "Duy",
    "Huy",
    "Long",
    "Tùng",
    "Thuận",
    "Ẩn",
    "Ổn",
    "Sỹ",
    "Đảm",
]
GIVEN_F = [
    "Lan",
    "Hương",
    "Ánh",
    "Hạnh",
    "Nguyệt",
    "Duyên",
    "Thảo",
    "Liễu",
    "Huệ",
    "Tuyết",
    "Nhung",
    "Yến",
    "Phượng",
    "Loan",
    "Hằng",
    "Diệp",
    "Quỳnh",
    "Mai",
    "Xuân",
    "Hiền",
    "Thắm",
    "Nga",
    "Oanh",
    "Trinh",
    "Vân",
    "Hồng",
    "Cúc",
    "Dung",
    "Lệ",
    "Ngân",
    "Tươi",
    "Thơm",
    "Bích",
    "Diễm",
    "Gấm",
]
GIVEN_TWO = ["Minh Quân", "Bình Minh", "Thanh Tùng", "Ngọc Ánh", "Bảo Ngọc", "Hoài Thương"]

# Pairs of full names that differ only by a tone mark (search must keep them apart
# when diacritics are typed, and find both when they are not).
TONE_PAIRS: list[tuple[tuple[str, str], tuple[str, str]]] = [
    (("Nguyễn Văn Tráng", "m"), ("Nguyễn Văn Trang", "m")),
    (("Phạm Thị Thủy", "f"), ("Phạm Thị Thùy", "f")),
    (("Lê Thị Hòa", "f"), ("Lê Thị Hoa", "f")),
]


District = tuple[str, str, tuple[str, ...]]  # (kind, name, communes)


@dataclass(frozen=True)
class Province:
    name: str  # "Lâm Đồng"
    kind: str  # "tỉnh" | "thành phố"
    code: str  # CCCD province code
    districts: tuple[District, ...]
    region_no: int  # "khu vực N" used for new (07/2025) names

    @property
    def full(self) -> str:
        return f"{self.kind} {self.name}"


PROVINCES: list[Province] = [
    Province(
        "Lâm Đồng",
        "tỉnh",
        "068",
        (
            ("huyện", "Đức Trọng", ("xã Hiệp Thạnh", "xã Liên Hiệp", "thị trấn Liên Nghĩa")),
            ("thành phố", "Bảo Lộc", ("phường Lộc Phát", "phường B'Lao", "xã Đại Lào")),
            ("huyện", "Di Linh", ("xã Gia Hiệp", "thị trấn Di Linh", "xã Tân Châu")),
        ),
        4,
    ),
    Province(
        "Vĩnh Long",
        "tỉnh",
        "086",
        (
            ("huyện", "Long Hồ", ("xã Phước Hậu", "xã Lộc Hòa", "thị trấn Long Hồ")),
            ("thành phố", "Vĩnh Long", ("phường 1", "phường 5", "phường Trường An")),
            ("huyện", "Trà Ôn", ("xã Hựu Thành", "thị trấn Trà Ôn")),
        ),
        1,
    ),
    Province(
        "Đồng Nai",
        "tỉnh",
        "075",
        (
            ("huyện", "Trảng Bom", ("xã Hố Nai 3", "xã Bắc Sơn", "thị trấn Trảng Bom")),
            ("thành phố", "Biên Hòa", ("phường Tân Hiệp", "phường Hố Nai", "phường Trảng Dài")),
        ),
        7,
    ),
    Province(
        "Nghệ An",
        "tỉnh",
        "040",
        (
            ("huyện", "Quỳnh Lưu", ("xã Quỳnh Bảng", "xã Quỳnh Thạch", "thị trấn Cầu Giát")),
            ("thành phố", "Vinh", ("phường Hưng Bình", "phường Lê Lợi", "xã Nghi Phú")),
        ),
        7,
    ),
    Province(
        "Hà Nội",
        "thành phố",
        "001",
        (
            ("quận", "Hoàng Mai", ("phường Định Công", "phường Tương Mai", "phường Lĩnh Nam")),
            ("huyện", "Gia Lâm", ("xã Đông Dư", "thị trấn Trâu Quỳ", "xã Kiêu Kỵ")),
        ),
        2,
    ),
    Province(
        "Hồ Chí Minh",
        "Thành phố",
        "079",
        (
            ("quận", "Bình Thạnh", ("phường 13", "phường 25", "phường 26")),
            ("huyện", "Củ Chi", ("xã Tân Thạnh Đông", "xã Phước Vĩnh An", "thị trấn Củ Chi")),
        ),
        9,
    ),
]

STREETS = [
    "Trần Hưng Đạo",
    "Lê Lợi",
    "Nguyễn Trãi",
    "Hai Bà Trưng",
    "Quang Trung",
    "Phan Đình Phùng",
    "Lý Thường Kiệt",
    "Nguyễn Văn Cừ",
    "Võ Thị Sáu",
    "Hùng Vương",
]

COMPANIES = [
    ("Ngân hàng Thương mại cổ phần Sài Gòn - Hà Nội", "SHB"),
    ("Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam", "Agribank"),
    ("Ngân hàng TMCP Công Thương Việt Nam", "VietinBank"),
    ("Công ty Tài chính TNHH MTV Ngân hàng Việt Nam Thịnh Vượng", "FE Credit"),
    ("Công ty TNHH Thương mại Dịch vụ Hoàng Phát", "Công ty Hoàng Phát"),
    ("Công ty Cổ phần Xây dựng Đức Thịnh", "Công ty Đức Thịnh"),
]


def _weighted(rng: random.Random, items: list[tuple[str, float]]) -> str:
    return rng.choices([i for i, _ in items], weights=[w for _, w in items])[0]


@dataclass
class Person:
    name: str
    sex: str  # "m" | "f"
    birth_year: int
    address: str
    id_number: str
    id_kind: str  # "CCCD" | "CMND"
    id_date: dt.date
    id_issuer: str
    is_organization: bool = False
    short: str = ""  # for organisations: the abbreviation used in text
    representative: str = ""  # organisations: "Ông X - Chức vụ: Giám đốc"
    cases: list[str] = field(default_factory=list)

    @property
    def given(self) -> str:
        return self.short if self.is_organization else self.name.split()[-1]


def honorific(p: Person, when: dt.date) -> str:
    """Ông/Bà for older people, Anh/Chị for younger ones (docs/domain.md §5.1)."""
    if p.is_organization:
        return ""
    age = when.year - p.birth_year
    if p.sex == "m":
        return "Ông" if age >= 40 else "Anh"
    return "Bà" if age >= 40 else "Chị"


# Names already given out in the archive being generated (see `unique_names`): random
# people never share a name by accident, so a name means one person in the ground truth.
_TAKEN: set[str] = set()


@contextmanager
def unique_names(reserved: set[str]) -> Iterator[None]:
    """Within the block, `random_name` avoids `reserved` and every name it returned."""
    _TAKEN.clear()
    _TAKEN.update(reserved)
    try:
        yield
    finally:
        _TAKEN.clear()


def random_name(rng: random.Random, sex: str) -> str:
    name = ""
    for _ in range(200):
        sur = _weighted(rng, SURNAMES)
        mid = _weighted(rng, MIDDLE_M if sex == "m" else MIDDLE_F)
        if rng.random() < 0.06:
            given = rng.choice(GIVEN_TWO)
        else:
            given = rng.choice(GIVEN_M if sex == "m" else GIVEN_F)
        name = " ".join(x for x in (sur, mid, given) if x)
        if name not in _TAKEN:
            break
    _TAKEN.add(name)
    return name


def random_address(rng: random.Random, prov: Province, district: District | None = None) -> str:
    dk, dn, communes = district or rng.choice(prov.districts)
    commune = rng.choice(communes)
    head = rng.choice(
        [
            f"số {rng.randint(1, 250)} đường {rng.choice(STREETS)}",
            f"thôn {rng.randint(1, 12)}",
            f"tổ {rng.randint(1, 30)}",
            f"ấp {rng.choice(['Tân Thành', 'Phú Hòa', 'Bình Lợi', 'Long Thạnh'])}",
        ]
    )
    return f"{head}, {commune}, {dk} {dn}, {prov.full}"


def cccd(rng: random.Random, prov: Province, sex: str, birth_year: int) -> str:
    """12 digits: province(3) + century/sex(1) + year(2) + random(6) (NĐ 137/2015 Điều 13)."""
    century = 0 if birth_year < 2000 else 2
    digit = century + (1 if sex == "f" else 0)
    return f"{prov.code}{digit}{birth_year % 100:02d}{rng.randint(0, 999999):06d}"


def make_person(
    rng: random.Random,
    prov: Province,
    when: dt.date,
    sex: str | None = None,
    name: str | None = None,
    district: District | None = None,
) -> Person:
    sex = sex or rng.choice("mf")
    name = name or random_name(rng, sex)
    birth = rng.randint(1955, min(2000, when.year - 20))
    id_date = dt.date(rng.randint(max(2010, birth + 18), min(when.year, 2024)), 1, 1)
    id_date += dt.timedelta(days=rng.randint(0, 360))
    if id_date >= dt.date(2021, 1, 1):
        kind, number = "CCCD", cccd(rng, prov, sex, birth)
        issuer = "Cục Cảnh sát quản lý hành chính về trật tự xã hội"
    else:
        kind = "CMND"
        number = f"{rng.randint(10, 38)}{rng.randint(0, 9999999):07d}"
        issuer = f"Công an {prov.full}"
    return Person(
        name=name,
        sex=sex,
        birth_year=birth,
        address=random_address(rng, prov, district),
        id_number=number,
        id_kind=kind,
        id_date=id_date,
        id_issuer=issuer,
    )


def make_company(rng: random.Random, prov: Province, idx: int | None = None) -> Person:
    full, short = COMPANIES[idx if idx is not None else rng.randrange(len(COMPANIES))]
    rep = random_name(rng, "m")
    return Person(
        name=full,
        sex="",
        birth_year=0,
        address=random_address(rng, prov),
        id_number="",
        id_kind="",
        id_date=dt.date(2000, 1, 1),
        id_issuer="",
        is_organization=True,
        short=short,
        representative=rep,
    )


# --- Agencies -------------------------------------------------------------------------

REFORM = dt.date(2025, 7, 1)  # district courts and Chi cục THADS replaced (docs/domain.md §0)


@dataclass(frozen=True)
class Court:
    name: str  # "Tòa án nhân dân huyện Đức Trọng, tỉnh Lâm Đồng"
    short: str  # "Tòa án nhân dân huyện Đức Trọng"
    header: tuple[str, ...]  # upper-case header lines
    place: str  # city for the date line


def court_for(prov: Province, district: District, when: dt.date, level: str = "district") -> Court:
    dk, dn, _ = district
    if when >= REFORM:
        name = f"Tòa án nhân dân khu vực {prov.region_no} - {prov.name}"
        return Court(
            name=name,
            short=name,
            header=("TÒA ÁN NHÂN DÂN", f"KHU VỰC {prov.region_no} - {prov.name.upper()}"),
            place=dn,
        )
    if level == "province":
        name = f"Tòa án nhân dân {prov.full}"
        return Court(name, name, ("TÒA ÁN NHÂN DÂN", prov.full.upper()), prov.name)
    short = f"Tòa án nhân dân {dk} {dn}"
    return Court(
        name=f"{short}, {prov.full}",
        short=short,
        header=("TÒA ÁN NHÂN DÂN", f"{dk} {dn}".upper(), prov.full.upper()),
        place=dn,
    )


@dataclass(frozen=True)
class Agency:
    name: str  # "Chi cục Thi hành án dân sự huyện Đức Trọng"
    header: tuple[str, ...]  # 2-3 lines, upper case: parent, then self (bold)
    code: str  # symbol part: CCTHADS / CTHADS / THADS
    head_title: str  # "CHI CỤC TRƯỞNG"
    head_full: str  # "Chi cục trưởng Chi cục Thi hành án dân sự huyện Đức Trọng"
    place: str
    old_name: str = ""  # "Chi cục THADS huyện X cũ" after the reform


def agency_for(
    prov: Province, district: District, when: dt.date, level: str = "district"
) -> Agency:
    dk, dn, _ = district
    if when >= REFORM:
        name = f"Thi hành án dân sự {prov.full}"
        return Agency(
            name=name,
            header=("CỤC QUẢN LÝ THI HÀNH ÁN DÂN SỰ", "THI HÀNH ÁN DÂN SỰ", prov.full.upper()),
            code="THADS",
            head_title="TRƯỞNG THI HÀNH ÁN DÂN SỰ",
            head_full=f"Trưởng Thi hành án dân sự {prov.full}",
            place=prov.name if prov.name != "Hồ Chí Minh" else "TP. Hồ Chí Minh",
            old_name=f"Chi cục Thi hành án dân sự {dk} {dn} cũ, nay là Phòng Thi hành án dân sự "
            f"khu vực {prov.region_no} - {prov.name}",
        )
    if level == "province":
        name = f"Cục Thi hành án dân sự {prov.full}"
        return Agency(
            name=name,
            header=("TỔNG CỤC THI HÀNH ÁN DÂN SỰ", "CỤC THI HÀNH ÁN DÂN SỰ", prov.full.upper()),
            code="CTHADS",
            head_title="CỤC TRƯỞNG",
            head_full=f"Cục trưởng {name}",
            place=prov.name,
        )
    name = f"Chi cục Thi hành án dân sự {dk} {dn}"
    return Agency(
        name=name,
        header=(
            f"CỤC THADS {prov.full.upper()}",
            f"CHI CỤC THADS {dk.upper()} {dn.upper()}",
        ),
        code="CCTHADS",
        head_title="CHI CỤC TRƯỞNG",
        head_full=f"Chi cục trưởng {name}",
        place=dn,
    )


def phong_khu_vuc(prov: Province) -> Agency:
    """The post-reform regional office (it verifies and notifies; it issues no QĐ THA)."""
    name = f"Phòng Thi hành án dân sự khu vực {prov.region_no} - {prov.name}"
    return Agency(
        name=name,
        header=(
            f"THI HÀNH ÁN DÂN SỰ {prov.full.upper()}",
            f"PHÒNG THADS KHU VỰC {prov.region_no}",
        ),
        code="THADS",
        head_title="TRƯỞNG PHÒNG",
        head_full=f"Trưởng {name}",
        place=prov.name,
    )

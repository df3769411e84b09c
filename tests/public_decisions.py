"""Enforcement decisions "về việc chưa có điều kiện thi hành án" written the ways real ones
are, rendered as office scans, for the public-view leak test (tests/test_public_leaks.py).

Each decision is one page in its own case folder. The wordings vary the way offices write
them: the standard "… địa chỉ: …, tỉnh X chưa có điều kiện thi hành khoản: trả cho bà N số
tiền …", labelled creditors ("Người được thi hành án: …"), a bank creditor with its
representative, a creditor named in prose, two debtors of one decision (in a sentence, and
as a numbered list), an organisation debtor with its legal representative, addresses on
streets named like administrative units ("Tỉnh lộ 10", "Quốc lộ 91", "Huyền Trân Công
Chúa", "Quán Thánh"), addresses of the 2025 units (ward or "đặc khu" and province, no
district), and criminal cases written every way (HSST without a dash, "HS - PT" with
spaces, "02/HSST" without a year, "bản án hình sự" without a code, "bị hại", "bị cáo").

Every decision says which debtors the public list must show (`listed`) and which strings
must never appear on any public page or answer (`hidden`): other people's names, streets,
house numbers, ID, phone and account numbers, birth dates and years, criminal debtors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from samplegen import Line, Para, Row, Space, degrade, layout, render_layout
from samplegen.documents import MOTTO
from samplegen.pdfs import image_pdf

DPI = 300


@dataclass
class Decision:
    case_id: str
    agency: tuple[str, str]  # parent body, issuing body (upper case)
    place_date: str
    number: str
    head: str
    grounds: list[str]
    article1: list[str]  # "Điều 1. …" and any further paragraphs of the operative part
    listed: list[str]  # debtors the public list must show
    hidden: list[str]  # strings no public answer may contain
    criminal: bool = False
    numbers: list[str] = field(default_factory=list)  # digit strings (IDs, phones, accounts)
    years: list[str] = field(default_factory=list)  # birth years

    def blocks(self) -> list:
        parent, own = self.agency
        return [
            Row(
                (
                    Line(parent, "center", "regular", 12),
                    Line(own, "center", "bold", 12, rule=True),
                    Line(f"Số: {self.number}", "center", "regular", 12.5, gap_before=4),
                ),
                (*MOTTO, Line(self.place_date, "center", "italic", 12.5, gap_before=4)),
            ),
            Space(14),
            Line("QUYẾT ĐỊNH", "center", "bold", 13.5),
            Line("Về việc chưa có điều kiện thi hành án", "center", "bold", 12.5),
            Line(self.head, "center", "bold", 12, gap_before=10),
            *(Para(g, gap_before=4) for g in self.grounds),
            Line("QUYẾT ĐỊNH:", "center", "bold", 12, gap_before=6),
            *(Para(p, gap_before=4) for p in self.article1),
            Para(
                "Điều 2. Khi người phải thi hành án có điều kiện thi hành án thì Chấp hành viên "
                "tiến hành thi hành án theo quy định của pháp luật.",
                gap_before=4,
            ),
            Para(
                "Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Thông tin về người phải thi "
                "hành án được đăng tải trên Trang thông tin điện tử thi hành án dân sự./.",
                gap_before=4,
            ),
            Row(
                (
                    Line("Nơi nhận:", "left", "bolditalic", 11),
                    Line("- Như Điều 1;", "left", "regular", 10.5),
                    Line("- Lưu: VT, HSTHA.", "left", "regular", 10.5),
                ),
                (
                    Line("CHI CỤC TRƯỞNG", "center", "bold", 12),
                    Line("(Đã ký và đóng dấu)", "center", "italic", 11),
                ),
                split=0.5,
                gap_before=10,
            ),
        ]


_LAW = "Căn cứ điểm a khoản 1 Điều 44a Luật Thi hành án dân sự năm 2008, sửa đổi, bổ sung năm 2014;"
_VERIFY = "Căn cứ Biên bản xác minh điều kiện thi hành án ngày 10/4/2023 của Chấp hành viên;"


def _chi_cuc(district: str) -> tuple[str, str]:
    return ("CỤC THI HÀNH ÁN DÂN SỰ", f"CHI CỤC THI HÀNH ÁN DÂN SỰ {district.upper()}")


def decisions() -> list[Decision]:
    """The decisions of the test, public ones first."""
    head = "CHI CỤC TRƯỞNG CHI CỤC THI HÀNH ÁN DÂN SỰ"
    return [
        # The standard wording: the debtor's address runs into the obligation and the
        # creditor ("…, tỉnh Bến Tre chưa có điều kiện thi hành khoản: trả cho bà …").
        Decision(
            case_id="CK-01",
            agency=_chi_cuc("huyện Giồng Trôm"),
            place_date="Giồng Trôm, ngày 12 tháng 5 năm 2023",
            number="45/QĐ-CCTHADS",
            head=f"{head} HUYỆN GIỒNG TRÔM",
            grounds=[
                _LAW,
                "Căn cứ Bản án số 12/2022/DS-ST ngày 15/3/2022 của Tòa án nhân dân huyện "
                "Giồng Trôm, tỉnh Bến Tre;",
                "Căn cứ Quyết định thi hành án số 120/QĐ-CCTHADS ngày 20/6/2022;",
                _VERIFY,
            ],
            article1=[
                "Điều 1. Người phải thi hành án: ông Trần Văn Bình, sinh năm 1975, CCCD số "
                "083075001234, địa chỉ: Ấp 3, xã Mỹ Thạnh, huyện Giồng Trôm, tỉnh Bến Tre chưa "
                "có điều kiện thi hành khoản: trả cho bà Lê Thị Mai số tiền 50.000.000 đồng "
                "(Năm mươi triệu đồng)."
            ],
            listed=["Trần Văn Bình"],
            hidden=["Lê Thị Mai", "Ấp 3"],
            numbers=["083075001234"],
            years=["1975"],
        ),
        # Labelled parties, the creditor's phone and account, a street named "Tỉnh lộ".
        Decision(
            case_id="CK-02",
            agency=_chi_cuc("huyện Bình Chánh"),
            place_date="Bình Chánh, ngày 03 tháng 7 năm 2023",
            number="212/QĐ-CCTHADS",
            head=f"{head} HUYỆN BÌNH CHÁNH",
            grounds=[
                _LAW,
                "Căn cứ Bản án số 88/2021/DS-PT ngày 09/11/2021 của Tòa án nhân dân Thành phố "
                "Hồ Chí Minh;",
                _VERIFY,
            ],
            article1=[
                "Điều 1. Xác định người phải thi hành án chưa có điều kiện thi hành án:",
                "Người phải thi hành án: Bà Nguyễn Thị Hoa, sinh năm 1980; trú tại: Số 45 Tỉnh "
                "lộ 10, xã Tân Kiên, huyện Bình Chánh, Thành phố Hồ Chí Minh.",
                "Người được thi hành án: Ông Phạm Quốc Tuấn, sinh năm 1968; địa chỉ: Số 17 "
                "Quốc lộ 1A, phường Tân Tạo, quận Bình Tân, Thành phố Hồ Chí Minh; điện thoại "
                "0912 345 678.",
                "Khoản phải thi hành: thanh toán cho ông Phạm Quốc Tuấn số tiền 120.000.000 "
                "đồng, chuyển vào tài khoản số 0071000123456 tại Ngân hàng Vietcombank; nộp án "
                "phí dân sự sơ thẩm 6.000.000 đồng.",
            ],
            listed=["Nguyễn Thị Hoa"],
            hidden=["Phạm Quốc Tuấn", "Tỉnh lộ 10", "Số 45", "Quốc lộ 1A", "Tân Tạo"],
            numbers=["0912345678", "0071000123456"],
            years=["1980", "1968"],
        ),
        # Two debtors of one decision; a bank creditor with its representative; a street
        # named like a district ("Huyền Trân Công Chúa").
        Decision(
            case_id="CK-03",
            agency=("CỤC THI HÀNH ÁN DÂN SỰ", "TỈNH BÀ RỊA - VŨNG TÀU"),
            place_date="Bà Rịa - Vũng Tàu, ngày 21 tháng 8 năm 2023",
            number="97/QĐ-CTHADS",
            head="CỤC TRƯỞNG CỤC THI HÀNH ÁN DÂN SỰ TỈNH BÀ RỊA - VŨNG TÀU",
            grounds=[
                _LAW,
                "Căn cứ Bản án số 05/2022/KDTM-PT ngày 18/01/2022 của Tòa án nhân dân tỉnh Bà "
                "Rịa - Vũng Tàu;",
                _VERIFY,
            ],
            article1=[
                "Điều 1. Người phải thi hành án: ông Võ Minh Khang, sinh năm 1970 và bà Đặng "
                "Thị Thu, sinh năm 1972; cùng trú tại: Số 9 Huyền Trân Công Chúa, phường 8, "
                "thành phố Vũng Tàu, tỉnh Bà Rịa - Vũng Tàu chưa có điều kiện thi hành khoản: "
                "liên đới trả cho Ngân hàng Thương mại cổ phần Sài Gòn Công Thương số tiền "
                "350.000.000 đồng.",
                "Người được thi hành án: Ngân hàng Thương mại cổ phần Sài Gòn Công Thương; "
                "người đại diện theo ủy quyền: ông Hồ Văn Lực.",
            ],
            listed=["Võ Minh Khang", "Đặng Thị Thu"],
            hidden=["Hồ Văn Lực", "Huyền Trân", "Số 9", "Sài Gòn Công Thương"],
            years=["1970", "1972"],
        ),
        # An organisation debtor with its legal representative, on "Quốc lộ 91".
        Decision(
            case_id="CK-04",
            agency=_chi_cuc("quận Ô Môn"),
            place_date="Cần Thơ, ngày 02 tháng 10 năm 2023",
            number="318/QĐ-CCTHADS",
            head=f"{head} QUẬN Ô MÔN",
            grounds=[
                _LAW,
                "Căn cứ Quyết định số 14/2021/QĐST-KDTM ngày 06/5/2021 của Tòa án nhân dân quận "
                "Ô Môn, thành phố Cần Thơ;",
                _VERIFY,
            ],
            article1=[
                "Điều 1. Người phải thi hành án: Công ty TNHH Thương mại Dịch vụ Hoàng Phát; địa "
                "chỉ trụ sở: Số 12 Quốc lộ 91, phường Long Hưng, quận Ô Môn, thành phố Cần "
                "Thơ; người đại diện theo pháp luật: ông Lâm Văn Đạt - Giám đốc.",
                "Chưa có điều kiện thi hành khoản: trả cho ông Châu Văn Lộc số tiền 85.000.000 "
                "đồng và lãi chậm thi hành án.",
            ],
            listed=["Công ty TNHH Thương mại Dịch vụ Hoàng Phát"],
            hidden=["Lâm Văn Đạt", "Châu Văn Lộc", "Quốc lộ 91", "Số 12"],
        ),
        # After 07/2025: the agency's new name, an address of ward and province only, on
        # "phố Quán Thánh"; a birth date; the creditor introduced with "cho chị".
        Decision(
            case_id="CK-05",
            agency=("CỤC QUẢN LÝ THI HÀNH ÁN DÂN SỰ", "THI HÀNH ÁN DÂN SỰ THÀNH PHỐ HÀ NỘI"),
            place_date="Hà Nội, ngày 15 tháng 10 năm 2025",
            number="46/QĐ-THADS",
            head="TRƯỞNG THI HÀNH ÁN DÂN SỰ THÀNH PHỐ HÀ NỘI",
            grounds=[
                _LAW,
                "Căn cứ Bản án số 72/2025/HNGĐ-ST ngày 28/8/2025 của Tòa án nhân dân khu vực 1 - "
                "Hà Nội;",
                _VERIFY,
            ],
            article1=[
                "Điều 1. Người phải thi hành án: ông Ngô Đức Hải, sinh ngày 05/11/1985, trú "
                "tại: số 5 phố Quán Thánh, phường Ba Đình, thành phố Hà Nội, chưa có điều kiện "
                "thi hành khoản: cấp dưỡng nuôi con cho chị Vũ Thị Ngọc mỗi tháng 3.000.000 đồng."
            ],
            listed=["Ngô Đức Hải"],
            hidden=["Vũ Thị Ngọc", "Quán Thánh", "05/11/1985", "số 5 phố"],
            years=["1985"],
        ),
        # Debtors as a numbered list, the second "cùng địa chỉ"; the creditor named in prose
        # ("người được thi hành án là bà …") with her own address; a 2025 "đặc khu".
        Decision(
            case_id="CK-06",
            agency=("THI HÀNH ÁN DÂN SỰ TỈNH AN GIANG", "PHÒNG THI HÀNH ÁN DÂN SỰ KHU VỰC 9"),
            place_date="Phú Quốc, ngày 05 tháng 11 năm 2025",
            number="112/QĐ-THADS",
            head="TRƯỞNG THI HÀNH ÁN DÂN SỰ TỈNH AN GIANG",
            grounds=[
                _LAW,
                "Căn cứ Bản án số 31/2024/DS-ST ngày 22/4/2024 của Tòa án nhân dân thành phố "
                "Phú Quốc, tỉnh Kiên Giang;",
                _VERIFY,
            ],
            article1=[
                "Điều 1. Người phải thi hành án:",
                "1. Ông Lê Văn Tám, sinh năm 1979; trú tại: tổ 3, khu phố 5, đặc khu Phú Quốc, "
                "tỉnh An Giang;",
                "2. Bà Phan Thị Chín, sinh năm 1982; trú tại: tổ 3, khu phố 5, đặc khu Phú Quốc, "
                "tỉnh An Giang.",
                "Chưa có điều kiện thi hành khoản: liên đới bồi thường thiệt hại số tiền "
                "64.000.000 đồng; người được thi hành án là bà Hoàng Thị Mười, trú tại ấp Cây "
                "Sao, xã Hàm Ninh, huyện Phú Quốc, tỉnh Kiên Giang.",
            ],
            listed=["Lê Văn Tám", "Phan Thị Chín"],
            hidden=["Hoàng Thị Mười", "Cây Sao", "Hàm Ninh", "khu phố 5", "tổ 3"],
            years=["1979", "1982"],
        ),
        # Criminal cases, one marker each; none of them may be published.
        _criminal(
            "HS-01",
            "Căn cứ Bản án số 27/2022/HSST ngày 12/8/2022 của Tòa án nhân dân huyện Châu Thành, "
            "tỉnh Long An;",
            "Điều 1. Người phải thi hành án: ông Đinh Văn Hùng, sinh năm 1990, địa chỉ: ấp Bình "
            "Tây, xã Bình Quới, huyện Châu Thành, tỉnh Long An chưa có điều kiện thi hành khoản: "
            "bồi thường cho ông Lý Văn Sang số tiền 40.000.000 đồng.",
            ["Đinh Văn Hùng", "Lý Văn Sang"],
        ),
        _criminal(
            "HS-02",
            "Căn cứ Bản án số 105/2021/HS - PT ngày 30/9/2021 của Tòa án nhân dân tỉnh Long An;",
            "Điều 1. Người phải thi hành án: ông Trương Văn Tâm, địa chỉ: xã Phước Lợi, huyện "
            "Bến Lức, tỉnh Long An chưa có điều kiện thi hành khoản: nộp án phí 200.000 đồng và "
            "trả cho bà Mai Thị Lệ số tiền 15.000.000 đồng.",
            ["Trương Văn Tâm", "Mai Thị Lệ"],
        ),
        _criminal(
            "HS-03",
            "Căn cứ Bản án hình sự sơ thẩm số 08 ngày 14/02/2020 của Tòa án nhân dân huyện Đức "
            "Hòa, tỉnh Long An;",
            "Điều 1. Người phải thi hành án: ông Tạ Văn Phong, địa chỉ: xã Hựu Thạnh, huyện Đức "
            "Hòa, tỉnh Long An chưa có điều kiện thi hành khoản: trả cho ông Kiều Văn Nam số "
            "tiền 25.000.000 đồng.",
            ["Tạ Văn Phong", "Kiều Văn Nam"],
        ),
        _criminal(
            "HS-04",
            "Căn cứ Bản án số 19/2019 ngày 02/4/2019 của Tòa án nhân dân huyện Cần Giuộc, tỉnh "
            "Long An;",
            "Điều 1. Người phải thi hành án: ông Lưu Văn Khoa, địa chỉ: xã Long Hậu, huyện Cần "
            "Giuộc, tỉnh Long An chưa có điều kiện thi hành khoản: bồi thường cho người bị hại "
            "là bà Quách Thị Hằng số tiền 30.000.000 đồng.",
            ["Lưu Văn Khoa", "Quách Thị Hằng"],
        ),
        _criminal(
            "HS-05",
            "Căn cứ Bản án số 02/HSST ngày 11/01/2019 của Tòa án nhân dân huyện Thủ Thừa, tỉnh "
            "Long An;",
            "Điều 1. Người phải thi hành án: ông Dương Văn Lợi, địa chỉ: xã Mỹ Lạc, huyện Thủ "
            "Thừa, tỉnh Long An chưa có điều kiện thi hành khoản: trả cho bà Lương Thị Xuân số "
            "tiền 12.000.000 đồng.",
            ["Dương Văn Lợi", "Lương Thị Xuân"],
        ),
        _criminal(
            "HS-06",
            "Căn cứ Bản án số 61/2020/ST ngày 20/7/2020 của Tòa án nhân dân huyện Tân Trụ, tỉnh "
            "Long An;",
            "Điều 1. Người phải thi hành án: ông Thái Văn Nghĩa (là bị cáo trong vụ án), địa "
            "chỉ: xã Bình Tịnh, huyện Tân Trụ, tỉnh Long An chưa có điều kiện thi hành khoản: "
            "trả cho ông Tăng Văn Hòa số tiền 18.000.000 đồng.",
            ["Thái Văn Nghĩa", "Tăng Văn Hòa"],
        ),
    ]


def _criminal(case_id: str, ground: str, article1: str, hidden: list[str]) -> Decision:
    return Decision(
        case_id=case_id,
        agency=_chi_cuc("huyện Châu Thành"),
        place_date="Long An, ngày 14 tháng 6 năm 2023",
        number=f"{60 + int(case_id[-2:])}/QĐ-CCTHADS",
        head="CHI CỤC TRƯỞNG CHI CỤC THI HÀNH ÁN DÂN SỰ",
        grounds=[_LAW, ground, _VERIFY],
        article1=[article1],
        listed=[],
        hidden=hidden,
        criminal=True,
    )


def write_scans(root: Path, items: list[Decision], seed: int = 16) -> None:
    """One office-quality scanned PDF per decision, in its case's folder under `root`."""
    for i, d in enumerate(items):
        pages = layout(d.blocks())
        rng = np.random.default_rng(seed + i)
        jpegs = []
        for page in pages:
            img = degrade(render_layout(page, DPI), "office", rng)
            ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 85])
            assert ok
            jpegs.append((buf.tobytes(), img.shape[1], img.shape[0]))
        folder = root / d.case_id
        folder.mkdir(parents=True, exist_ok=True)
        image_pdf(folder / "quyet-dinh.pdf", jpegs)

"""A small sample archive for the web-service tests and `scripts/bench-serve`, built in a second
without OCR (the pytest fixtures over it are in tests/web_fixtures.py).

Each case is one scanned file of three pages: a judgment (bản án), the enforcement
decision citing it, and either a decision that the debtor "chưa có điều kiện thi hành" or a
notice. Pages are rendered with PIL from ground-truth lines; the word boxes are computed
from the font metrics of that same image, so they outline the words exactly. The per-page
PDFs embed the JPEG (as the pipeline's searchable PDFs do) and the documents are the ground
truth. Every natural person carries a CCCD number, a birth date and a street address that
the public side must never show. One case is criminal (HS) and must stay off the public list.

`StandInEngine` is a brute-force search over the catalog, for tests whose subject is not
search (the public policy); `make_engine` gives the real engine.
"""

from __future__ import annotations

import io
import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader, PdfWriter
from reportlab.pdfgen import canvas

from ingest.catalog import Catalog, PageRow
from schemas import (
    CaseGroup,
    DateRef,
    Document,
    NumberRef,
    PageQuality,
    Party,
    Reference,
    SearchHit,
    SearchQuery,
    SearchResult,
    Word,
)
from schemas.normalize import fold
from schemas.numbers import number_form, number_key

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
PAGE_W, PAGE_H = 1240, 1754  # A4 at 150 dpi
DPI = 150
FONT_PX = 24
LINE_H = 40
MARGIN = 90

# (full name, honorific, CCCD, birth date, street address, area)
LAWYER = "Trương Minh Luật"  # the lawyer of case 1's creditor (name on no page)
PEOPLE = [
    (
        "Nguyễn Văn Tráng",
        "Ông",
        "079075001234",
        "12/03/1975",
        "Số 12 đường Lê Lợi, phường 3",
        "quận 5, TP Hồ Chí Minh",
    ),
    (
        "Trần Thị Hồng",
        "Bà",
        "001180004567",
        "05/11/1980",
        "Số 7 ngõ 15 phố Huế, phường Bạch Đằng",
        "quận Hai Bà Trưng, thành phố Hà Nội",
    ),
    (
        "Lê Hoàng Phúc",
        "Ông",
        "048072009876",
        "23/07/1972",
        "Tổ 4, phường Hòa Khánh Bắc",
        "quận Liên Chiểu, thành phố Đà Nẵng",
    ),
    (
        "Phạm Thị Thu",
        "Bà",
        "036185003210",
        "14/02/1985",
        "Thôn Đông, xã Hải Hà",
        "huyện Hải Hậu, tỉnh Nam Định",
    ),
    (
        "Huỳnh Văn Đức",
        "Ông",
        "083068005555",
        "30/09/1968",
        "Ấp 3, xã Mỹ Thạnh",
        "huyện Giồng Trôm, tỉnh Bến Tre",
    ),
    (
        "Đặng Minh Khoa",
        "Anh",
        "040088007777",
        "02/12/1988",
        "Khối 5, phường Hưng Bình",
        "thành phố Vinh, tỉnh Nghệ An",
    ),
    (
        "Võ Thị Lan",
        "Chị",
        "052190002468",
        "19/06/1990",
        "Số 3 đường Trần Phú, phường Lê Lợi",
        "thành phố Quy Nhơn, tỉnh Bình Định",
    ),
    (
        "Nguyễn Văn Ân",
        "Ông",
        "034066001357",
        "08/08/1966",
        "Thôn Bắc, xã Vũ Tiến",
        "huyện Vũ Thư, tỉnh Thái Bình",
    ),
]
ORG = ("Ngân hàng TMCP Sài Gòn - Hà Nội", "Số 77 Trần Hưng Đạo, quận Hoàn Kiếm, thành phố Hà Nội")


@dataclass
class SampleCase:
    case_id: str
    sha256: str
    judgment_number: str
    decision_number: str
    debtor: str
    creditor: str
    public: bool  # has a "chưa có điều kiện" decision and is not criminal
    criminal: bool
    has_cccdk: bool
    amount: int = 0  # what the judgment orders the debtor to pay (every decision states it)
    decision_date: str = ""  # ISO date of the enforcement decision


@dataclass
class SampleArchive:
    archive: Path
    cases: list[SampleCase]
    id_numbers: list[str] = field(default_factory=list)
    birth_dates: list[str] = field(default_factory=list)
    street_addresses: list[str] = field(default_factory=list)

    def case(self, case_id: str) -> SampleCase:
        return next(c for c in self.cases if c.case_id == case_id)


def _render(lines: list[str], font: ImageFont.FreeTypeFont) -> tuple[bytes, list[Word]]:
    img = Image.new("L", (PAGE_W, PAGE_H), 255)
    draw = ImageDraw.Draw(img)
    words: list[Word] = []
    space = draw.textlength(" ", font=font)
    for ln, line in enumerate(lines):
        y = MARGIN + ln * LINE_H
        x = float(MARGIN)
        for token in line.split():
            draw.text((x, y), token, font=font, fill=0)
            left, top, right, bottom = draw.textbbox((x, y), token, font=font)
            words.append(
                Word(
                    text=token,
                    conf=96.0,
                    left=int(left),
                    top=int(top),
                    width=int(right - left),
                    height=int(bottom - top),
                    line=ln,
                )
            )
            x += draw.textlength(token, font=font) + space
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=80)
    return buf.getvalue(), words


def _page_pdf(jpeg: bytes, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    w_pt, h_pt = PAGE_W * 72 / DPI, PAGE_H * 72 / DPI
    c = canvas.Canvas(str(path), pagesize=(w_pt, h_pt))
    from reportlab.lib.utils import ImageReader

    c.drawImage(ImageReader(io.BytesIO(jpeg)), 0, 0, width=w_pt, height=h_pt)
    c.showPage()
    c.save()


def _person_lines(label: str, i: int) -> list[str]:
    name, hon, cccd, born, street, area = PEOPLE[i % len(PEOPLE)]
    return [
        f"{label}: {hon} {name}, sinh ngày {born};",
        f"CCCD số {cccd}; địa chỉ: {street},",
        f"{area}.",
    ]


def _party(role: str, i: int) -> Party:
    name, hon, cccd, born, street, area = PEOPLE[i % len(PEOPLE)]
    return Party(
        name=name,
        role=role,  # type: ignore[arg-type]
        honorific=hon,
        birth_year=int(born[-4:]),
        id_number=cccd,
        address=f"{street}, {area}",
    )


def build_web_archive(root: Path, n_cases: int = 6) -> SampleArchive:
    """Fill a real catalog in `root` with `n_cases` cases (three pages each)."""
    font = ImageFont.truetype(FONT, FONT_PX)
    cat = Catalog(root)
    cases: list[SampleCase] = []
    for i in range(n_cases):
        case_id = f"THA-{2021 + i % 3}-{i + 1:03d}"
        criminal = i == 3
        has_cccdk = i % 2 == 1 or criminal
        year = 2019 + i % 4
        code = "HS-ST" if criminal else "DS-ST"
        judgment = f"{10 + i}/{year}/{code}"
        decision = f"{100 + i}/QĐ-CCTHADS"
        cccdk_number = f"{200 + i}/QĐ-CCTHADS"
        court = "Tòa án nhân dân quận 5" if i % 2 == 0 else "Tòa án nhân dân huyện Hải Hậu"
        agency = "Chi cục Thi hành án dân sự quận 5"
        cred_i, debt_i = (2 * i) % len(PEOPLE), (2 * i + 1) % len(PEOPLE)
        creditor, debtor = PEOPLE[cred_i][0], PEOPLE[debt_i][0]
        amount = 50_000_000 + 7_000_000 * i
        d_judg, d_dec, d_last = (
            f"{year}-03-1{i % 9}",
            f"{year}-06-2{i % 9}",
            f"{year + 1}-01-0{1 + i % 9}",
        )

        def vi(iso: str) -> str:
            y, m, d = iso.split("-")
            return f"{d}/{m}/{y}"

        role_a, role_b = ("bi_hai", "bi_cao") if criminal else ("nguyen_don", "bi_don")
        label_a, label_b = ("Bị hại", "Bị cáo") if criminal else ("Nguyên đơn", "Bị đơn")
        p1 = [
            court.upper(),
            f"Bản án số: {judgment} ngày {vi(d_judg)}",
            "NHÂN DANH NƯỚC CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            *_person_lines(label_a, cred_i),
            *_person_lines(label_b, debt_i),
            f"Buộc {PEOPLE[debt_i][1].lower()} {debtor} trả cho {creditor}",
            f"số tiền {amount:,} đồng.".replace(",", "."),
        ]
        p2 = [
            agency.upper(),
            f"Số: {decision}",
            "QUYẾT ĐỊNH THI HÀNH ÁN",
            f"Căn cứ Bản án số {judgment} ngày {vi(d_judg)} của {court};",
            "Cho thi hành án đối với:",
            *_person_lines("Người phải thi hành án", debt_i),
            *_person_lines("Người được thi hành án", cred_i),
            f"Khoản phải thi hành: {amount:,} đồng.".replace(",", "."),
        ]
        if has_cccdk:
            p3 = [
                agency.upper(),
                f"Số: {cccdk_number}",
                "QUYẾT ĐỊNH VỀ VIỆC CHƯA CÓ ĐIỀU KIỆN THI HÀNH ÁN",
                f"Căn cứ Quyết định thi hành án số {decision};",
                *_person_lines("Người phải thi hành án", debt_i),
                "chưa có điều kiện thi hành án: không có thu nhập, tài sản.",
            ]
        else:
            p3 = [
                agency.upper(),
                f"Số: {300 + i}/TB-CCTHADS",
                "THÔNG BÁO",
                f"Về việc thi hành Quyết định số {decision}",
                *_person_lines("Gửi", debt_i),
            ]
        pages = [p1, p2, p3]
        rendered = [_render(lines, font) for lines in pages]
        tmp_pdfs: list[bytes] = []
        writer = PdfWriter()
        for jpeg, _ in rendered:
            buf = io.BytesIO()
            _tmp = root / f".tmp-{i}.pdf"
            _page_pdf(jpeg, _tmp)
            buf.write(_tmp.read_bytes())
            _tmp.unlink()
            tmp_pdfs.append(buf.getvalue())
            writer.add_page(PdfReader(io.BytesIO(buf.getvalue())).pages[0])
        file_buf = io.BytesIO()
        writer.write(file_buf)
        data = file_buf.getvalue()
        import hashlib

        sha = hashlib.sha256(data).hexdigest()
        cat.add_file(sha, "pdf", len(data), f"{case_id}/ho-so.pdf", case_id)
        cat.set_page_count(sha, len(pages))
        for n, ((_jpeg, words), lines, pdf) in enumerate(
            zip(rendered, pages, tmp_pdfs, strict=True), start=1
        ):
            dest = cat.page_pdf_path(sha, n)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(pdf)
            rescan = i == 0 and n == 3
            cat.save_page(
                PageRow(
                    sha256=sha,
                    page_no=n,
                    method="ocr",
                    text="\n".join(lines),
                    confidence=72.0 if rescan else 93.5,
                    quality=PageQuality(
                        sharpness=40.0 if rescan else 900.0,
                        contrast=60.0,
                        mean_conf=72.0 if rescan else 93.5,
                        dpi=DPI,
                        needs_rescan=rescan,
                        reasons=["blurry"] if rescan else [],
                    ),
                    words=words,
                    width=PAGE_W,
                    height=PAGE_H,
                    seconds=0.1,
                )
            )
        cat.searchable_pdf_path(sha).write_bytes(data)
        cat.set_file_status(sha, "done", searchable_pdf=str(cat.searchable_pdf_path(sha)))

        judg_ref = Reference(number=judgment, date=d_judg, issuer=court, kind="ban_an")
        # The second case's creditor has a lawyer (a party of role other who represents them).
        lawyer = (
            [Party(name=LAWYER, role="other", represents=[PEOPLE[cred_i % len(PEOPLE)][0]])]
            if i == 1
            else []
        )
        docs = [
            Document(
                doc_type="ban_an",
                title="Bản án",
                pages=[1, 1],
                own_number=judgment,
                numbers=[NumberRef(text=judgment, kind="own", norm=number_form(judgment))],
                date=d_judg,
                dates=[DateRef(date=d_judg, kind="document")],
                issuer=court,
                parties=[_party(role_a, cred_i), _party(role_b, debt_i), *lawyer],
                amounts_vnd=[amount],
            ),
            Document(
                doc_type="quyet_dinh_thi_hanh_an",
                title="Quyết định thi hành án",
                pages=[2, 2],
                own_number=decision,
                numbers=[
                    NumberRef(text=decision, kind="own", norm=number_form(decision)),
                    NumberRef(text=judgment, kind="ban_an", norm=number_form(judgment)),
                ],
                date=d_dec,
                dates=[DateRef(date=d_dec, kind="document"), DateRef(date=d_judg, kind="cited")],
                issuer=agency,
                parties=[
                    _party("nguoi_phai_thi_hanh_an", debt_i),
                    _party("nguoi_duoc_thi_hanh_an", cred_i),
                ],
                amounts_vnd=[amount],
                references=[judg_ref],
            ),
        ]
        if has_cccdk:
            docs.append(
                Document(
                    doc_type="quyet_dinh_chua_co_dieu_kien",
                    title="Quyết định về việc chưa có điều kiện thi hành án",
                    pages=[3, 3],
                    own_number=cccdk_number,
                    numbers=[
                        NumberRef(text=cccdk_number, kind="own", norm=number_form(cccdk_number)),
                        NumberRef(text=decision, kind="quyet_dinh", norm=number_form(decision)),
                    ],
                    date=d_last,
                    dates=[d_last],  # type: ignore[list-item]  # an ISO string, as older records held
                    issuer=agency,
                    parties=[_party("nguoi_phai_thi_hanh_an", debt_i)],
                    amounts_vnd=[amount],
                    references=[
                        Reference(number=decision, date=d_dec, issuer=agency, kind="quyet_dinh"),
                        judg_ref,
                    ],
                )
            )
        else:
            docs.append(
                Document(
                    doc_type="thong_bao",
                    title="Thông báo",
                    pages=[3, 3],
                    own_number=f"{300 + i}/TB-CCTHADS",
                    date=d_last,
                    issuer=agency,
                    parties=[_party("nguoi_phai_thi_hanh_an", debt_i)],
                    references=[Reference(number=decision, kind="quyet_dinh")],
                )
            )
        cat.replace_documents(sha, docs)
        cases.append(
            SampleCase(
                case_id=case_id,
                sha256=sha,
                judgment_number=judgment,
                decision_number=decision,
                debtor=debtor,
                creditor=creditor,
                public=has_cccdk and not criminal,
                criminal=criminal,
                has_cccdk=has_cccdk,
                amount=amount,
                decision_date=d_dec,
            )
        )
    cat.close()
    used = {(2 * i) % len(PEOPLE) for i in range(n_cases)} | {
        (2 * i + 1) % len(PEOPLE) for i in range(n_cases)
    }
    return SampleArchive(
        archive=root,
        cases=cases,
        id_numbers=[PEOPLE[k][2] for k in sorted(used)],
        birth_dates=[PEOPLE[k][3] for k in sorted(used)],
        street_addresses=[PEOPLE[k][4] for k in sorted(used)],
    )


class StandInEngine:
    """Brute-force search over the catalog (party names, numbers, page text), folded.

    Only for tests when `search.engine` is missing; it is not the product's engine.
    """

    def __init__(self, archive: Path) -> None:
        self.archive = archive

    def search(self, query: SearchQuery) -> SearchResult:
        db = sqlite3.connect(self.archive / Catalog.FILENAME)
        try:
            return self._search(db, query)
        finally:
            db.close()

    def _search(self, db: sqlite3.Connection, query: SearchQuery) -> SearchResult:
        q = fold(query.q)
        key = number_key(query.q)
        hits: list[SearchHit] = []
        docs = db.execute(
            "SELECT d.doc_id, d.sha256, d.first_page, d.data, fp.case_id, fp.path"
            " FROM documents d JOIN file_paths fp ON fp.sha256=d.sha256"
        ).fetchall()
        for doc_id, sha, first, data, case_id, path in docs:
            doc = Document.model_validate_json(data)
            if query.doc_type and doc.doc_type != query.doc_type:
                continue
            year = int(doc.date[:4]) if doc.date else None
            if query.year_from and (year is None or year < query.year_from):
                continue
            if query.year_to and (year is None or year > query.year_to):
                continue
            text = db.execute(
                "SELECT text FROM pages WHERE sha256=? AND page_no=?", (sha, first)
            ).fetchone()[0]
            base = dict(
                case_id=case_id,
                doc_id=doc_id,
                doc_type=doc.doc_type,
                own_number=doc.own_number,
                doc_date=doc.date,
                issuer=doc.issuer,
                sha256=sha,
                source_path=path,
                page_no=first,
            )
            party = next(
                (
                    p
                    for p in doc.parties
                    if q in fold(p.name) and (not query.role or p.role == query.role)
                ),
                None,
            )
            if party is not None:
                hits.append(
                    SearchHit(
                        **base,
                        matched_party=party,
                        match="party",
                        score=90.0,
                        snippet=_snip(text, party.name),
                    )
                )
            elif any(number_key(n.text) == key for n in doc.numbers) and not query.role:
                hits.append(
                    SearchHit(**base, match="number", score=100.0, snippet=_snip(text, query.q))
                )
        by_case: dict[str, list[SearchHit]] = {}
        for h in sorted(hits, key=lambda h: -h.score):
            by_case.setdefault(h.case_id, []).append(h)
        groups = [CaseGroup(case_id=c, score=hs[0].score, hits=hs[:3]) for c, hs in by_case.items()]
        start = (query.page - 1) * query.per_page
        return SearchResult(
            query=query,
            total_cases=len(groups),
            cases=groups[start : start + query.per_page],
            backend="stand-in",
        )


def _snip(text: str, needle: str) -> str:
    for line in text.splitlines():
        if fold(needle) in fold(line):
            return line.replace(needle, f"<mark>{needle}</mark>")
    return text.splitlines()[0] if text else ""


def make_engine(archive: Path) -> object:
    """The real embedded engine: SQLite FTS5 rebuilt from the catalog."""
    from ingest.index import reindex
    from search.engine import open_engine
    from search.sqlite_backend import SqliteBackend

    with Catalog(archive) as cat:
        backend = SqliteBackend(archive)
        reindex(cat, backend)
        backend.close()
    return open_engine(archive, None)


def dump_truth(sample: SampleArchive) -> str:
    return json.dumps([c.__dict__ for c in sample.cases], ensure_ascii=False, indent=1)

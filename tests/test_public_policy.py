"""The public policy's parts on their own: areas from the unit list, criminal markers, the
last check, and the rows it withholds recorded in a real catalog.

The whole path (scans → Tesseract → catalog → public pages) is tests/test_public_leaks.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from web_fixtures import build_web_archive

from schemas import Party
from search.web.accounts import CatalogStore
from search.web.areas import area_of
from search.web.policy import PublicView, criminal_markers, legal_basis_of, obligations_of
from search.web.public_guard import names_in_text, withhold_reasons


@pytest.mark.parametrize(
    ("address", "area"),
    [
        # the sentence read past the address's end (issue 16): the creditor never follows
        (
            "Ấp 3, xã Mỹ Thạnh, huyện Giồng Trôm, tỉnh Bến Tre chưa có điều kiện thi hành"
            " khoản: trả cho bà Lê Thị Mai số tiền 50.000.000 đồng",
            "xã Mỹ Thạnh, huyện Giồng Trôm, tỉnh Bến Tre",
        ),
        (
            "tỉnh Bến Tre, trả cho bà Nguyễn Thị Hoa, xã An Hiệp, huyện Châu Thành, tỉnh Sóc Trăng",
            "tỉnh Bến Tre",
        ),
        # streets named like units
        (
            "Số 45 Tỉnh lộ 10, xã Tân Kiên, huyện Bình Chánh, TP.HCM",
            "xã Tân Kiên, huyện Bình Chánh, thành phố Hồ Chí Minh",
        ),
        (
            "Tổ 3, Quốc lộ 91, phường Long Hưng, quận Ô Môn, thành phố Cần Thơ",
            "phường Long Hưng, quận Ô Môn, thành phố Cần Thơ",
        ),
        (
            "Số 9 Huyền Trân Công Chúa, phường 8, thành phố Vũng Tàu, tỉnh Bà Rịa - Vũng Tàu",
            "phường 8, thành phố Vũng Tàu, tỉnh Bà Rịa - Vũng Tàu",
        ),
        ("Số 5 phố Quán Thánh, quận Ba Đình, Hà Nội", "quận Ba Đình, thành phố Hà Nội"),
        ("Huyền Trân Công Chúa, Tỉnh lộ 10, Quốc lộ 91, Quán Thánh", ""),
        # names after 07/2025: communes directly under one of the 34 provinces
        ("thôn 2, xã Ea Kao, tỉnh Đắk Lắk", None),
        ("tổ dân phố 4, phường Hồng Hà, thành phố Hà Nội", "phường Hồng Hà, thành phố Hà Nội"),
        ("Khối 5, phường Hưng Bình, thành phố Vinh, tỉnh Nghệ An", None),
        ("Số 12 đường Lê Lợi", ""),
    ],
)
def test_area_is_rebuilt_from_the_unit_list_and_never_carries_a_street(
    address: str, area: str | None
) -> None:
    got = area_of(address)
    if area is not None:  # "": nothing is a unit
        assert got == (area or None)
    assert got is None or not any(
        s in got for s in ("Số", "Tỉnh lộ", "Quốc lộ", "Huyền Trân", "Lê Thị", "Nguyễn", "Tổ")
    )
    if got:  # every part is a unit of the list, introduced by its level
        for part in got.split(", "):
            assert part.split()[0] in ("xã", "phường", "thị", "huyện", "quận", "thành", "tỉnh")


def test_area_of_2025_and_legacy_units() -> None:
    # "Đắk Lắk" after the merger holds the former Phú Yên: a 2025-only province-ward pair.
    assert area_of("thôn 2, xã Ea Kao, tỉnh Đắk Lắk") is not None
    assert area_of("Khối 5, phường Hưng Bình, thành phố Vinh, tỉnh Nghệ An") == (
        "phường Hưng Bình, thành phố Vinh, tỉnh Nghệ An"
    )
    assert area_of("xã Mỹ Thạnh, tỉnh Atlantis") is None


@pytest.mark.parametrize(
    "text",
    [
        "Bản án số 12/2022/HS-ST ngày 01/3/2022",
        "Bản án số 12/2022/HSST ngày 01/3/2022",
        "Bản án số 12/2022/HS - PT",
        "Bản án số 12 / 2022 / HSPT",
        "Bản án số 02/HSST",
        "theo bản án HSST số 7",
        "12/2022/HS",
        "Bản án hình sự sơ thẩm số 45",
        "bồi thường cho người bị hại",
        "Buộc bị cáo Trần Văn B",
        "BẢN ÁN HÌNH SỰ PHÚC THẨM",
        "đã phạm tội trộm cắp tài sản",
    ],
)
def test_every_criminal_marker_is_found(text: str) -> None:
    assert criminal_markers(text), text


@pytest.mark.parametrize(
    "text",
    [
        "12/2022/DS-ST",
        "Lưu: VT, HSTHA.",
        "Quyết định số 5/QĐ-CCTHADS",
        "thi hành án dân sự",
        "Đơn đề nghị về tôi và gia đình",
    ],
)
def test_civil_text_has_no_criminal_marker(text: str) -> None:
    assert not criminal_markers(text), text


def test_obligations_are_kinds_and_amounts_only() -> None:
    text = (
        "Điều 1. Người phải thi hành án: ông Trần Văn Bình, địa chỉ: xã A, huyện B chưa có "
        "điều kiện thi hành khoản: trả cho bà Lê Thị Mai số tiền 50.000.000 đồng và nộp án phí "
        "dân sự sơ thẩm 2.500.000 đồng.\nĐiều 2. Khi có điều kiện …"
    )
    got = obligations_of(text, [50_000_000, 2_500_000])
    assert [(o.kind, o.amount_vnd) for o in got] == [
        ("Trả tiền", 50_000_000),
        ("Án phí, lệ phí", 2_500_000),
    ]
    assert legal_basis_of("Căn cứ điểm a khoản 1 Điều 44a Luật Thi hành án dân sự") == (
        "điểm a khoản 1 Điều 44a Luật Thi hành án dân sự"
    )


def test_last_check_names_every_private_thing() -> None:
    def check(name: str = "Trần Văn Bình", area: str = "xã A, huyện B") -> list[str]:
        return withhold_reasons(
            free=[name, area, "Trả tiền"],
            numbers=["12/QĐ-CCTHADS", "Chi cục THADS huyện B"],
            others={"Lê Thị Mai", "Nguyễn Văn Tư"},
            birth_years=[1975],
            is_organization=False,
        )

    assert check() == []
    assert any("Lê Thị Mai" in r for r in check(area="xã A, trả cho bà Le Thi Mai"))
    assert check(area="xã A 0912 345 678")
    assert check(area="xã A, CCCD 079075001234")
    assert check(area="xã A, sinh năm 1975")
    assert check(name="Trần Văn Bình 1975")
    assert check(area="12/3 đường Lê Lợi, xã A")
    assert check(area="Số 12, xã A")
    assert check(name="Trần Văn Bình, địa chỉ")
    # the case id is the archive's folder name: it may not name another party either
    folder = withhold_reasons(
        free=["Trần Văn Bình"],
        numbers=[],
        labels=["2023-45 Le Thi Mai kien Tran Van Binh"],
        others={"Lê Thị Mai"},
        birth_years=[],
        is_organization=False,
    )
    assert folder == ["tên người khác: Lê Thị Mai"]


def test_a_case_whose_folder_names_another_party_has_no_public_page(tmp_path: Path) -> None:
    sample = build_web_archive(tmp_path, n_cases=2)
    store = CatalogStore(sample.archive)
    case = next(c for c in sample.cases if c.public)
    docs = store.case_documents(case.case_id)
    view = PublicView()
    assert view.case(store, case.case_id, docs)[0] is not None
    named = f"{case.case_id} {case.creditor}"
    page, withheld = view.case(store, named, docs)
    assert page is None and withheld[0].kind == "case"
    rows = view.debtors(store, [d.model_copy(update={"case_id": named}) for d in docs], {})[0]
    assert rows == []
    assert names_in_text("trả cho bà Lê Thị Mai số tiền") == {"Lê Thị Mai"}


def test_withheld_rows_are_recorded_for_review(tmp_path: Path) -> None:
    sample = build_web_archive(tmp_path, n_cases=2)
    store = CatalogStore(sample.archive)
    docs = store.documents_of_type("quyet_dinh_chua_co_dieu_kien")
    assert docs
    creditor = sample.cases[1].creditor
    # An extraction that read the debtor's address on into the creditor's name.
    bad = docs[0].model_copy(
        update={
            "parties": [
                Party(
                    name="Võ Thị Lan",
                    role="nguoi_phai_thi_hanh_an",
                    address=f"xã Hải Hà, huyện Hải Hậu chưa có điều kiện trả cho {creditor}",
                ),
                Party(
                    name="Ngân hàng TMCP Á Châu Số 5 đường Lê Lợi",
                    role="nguoi_phai_thi_hanh_an",
                    is_organization=True,
                ),
            ]
        }
    )
    cases = {d.case_id: store.case_documents(d.case_id) for d in docs if d.case_id}
    view = PublicView()
    assert view.debtors(store, docs, cases)[1] == []
    rows, withheld = view.debtors(store, [bad], cases)  # changed documents: made again
    assert [r.name for r in rows] == ["Võ Thị Lan"] and rows[0].area == "huyện Hải Hậu"
    assert len(withheld) == 1 and "số nhà hoặc địa chỉ chi tiết" in withheld[0].reasons
    from search.web.routes_public import _record  # the path the web answers take

    class _Ctx:
        pass

    ctx = _Ctx()
    ctx.store = store  # type: ignore[attr-defined]
    _record(ctx, withheld)  # type: ignore[arg-type]
    _record(ctx, withheld)  # type: ignore[arg-type]
    kept = store.withheld()
    assert len(kept) == 1 and kept[0].times == 2 and kept[0].case_id == bad.case_id
    assert "Ngân hàng TMCP Á Châu" in kept[0].row_json
    from typer.testing import CliRunner

    from hoso.cli import build_app

    out = CliRunner().invoke(
        build_app(["search.web.cli_serve"]), ["withheld", "--archive", str(tmp_path)]
    )
    assert out.exit_code == 0 and bad.case_id in out.output and "số nhà" in out.output
    # and for the review screen, officers only
    from fastapi.testclient import TestClient
    from web_fixtures import OFFICER, OFFICER_PASSWORD, StandInEngine, login

    from search.web import WebSettings, create_app
    from search.web.accounts import add_user

    add_user(store.db, OFFICER, OFFICER_PASSWORD)
    client = TestClient(create_app(StandInEngine(tmp_path), store, WebSettings()))
    assert client.get("/api/withheld").status_code == 401
    assert login(client).status_code == 303
    [row] = client.get("/api/withheld").json()
    assert row["case_id"] == bad.case_id and row["times"] == 2
    assert row["row"]["name"].startswith("Ngân hàng TMCP Á Châu")


def test_a_criminal_case_is_left_out_by_the_judgment_it_cites(tmp_path: Path) -> None:
    sample = build_web_archive(tmp_path, n_cases=2)
    store = CatalogStore(sample.archive)
    docs = store.documents_of_type("quyet_dinh_chua_co_dieu_kien")
    case = next(c for c in sample.cases if c.public)
    # Only the enforcement documents are in the case; the judgment they cite is held
    # elsewhere in the catalog (here: its page, found by its number).
    own = [d for d in store.case_documents(case.case_id) if d.doc_type != "ban_an"]
    view = PublicView()
    assert {r.case_id for r in view.debtors(store, docs, {case.case_id: own})[0]} == {case.case_id}
    # That judgment turns out to be a criminal one: its text says so, its number does not.
    store.db.execute(
        "UPDATE pages SET text = 'BẢN ÁN HÌNH SỰ SƠ THẨM' || char(10) || text"
        " WHERE sha256=? AND page_no=1",
        (case.sha256,),
    )
    store.db.commit()
    assert not criminal_markers(case.judgment_number)
    # (a new view: a view keeps a case's rows while its documents stay the same, `memo_s`)
    assert PublicView().debtors(store, docs, {case.case_id: own})[0] == []

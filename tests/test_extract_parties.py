from ingest.extract.parties import ROLE_LABELS, find_parties
from ingest.extract.text import prepare


def parties(text: str) -> list[tuple[str, str]]:
    return [(p.name, p.role) for p in find_parties(prepare(text))]


def test_honorifics_of_any_case_are_stripped_and_birth_year_kept():
    (p,) = find_parties(prepare("Nguyên đơn: ông Lê Cảnh D; Sinh năm 1965. Địa chỉ: Ấp M, xã V."))
    assert (p.name, p.role, p.honorific, p.birth_year) == ("Lê Cảnh D", "nguyen_don", "ông", 1965)
    assert p.address == "Ấp M, xã V"
    assert parties("Bị đơn: CHỊ Trần Thị B, sinh năm 1990") == [("Trần Thị B", "bi_don")]
    assert parties("Bị đơn: Cụ Trần Văn Bảy") == [("Trần Văn Bảy", "bi_don")]


def test_a_party_line_broken_by_ocr_is_read_whole():
    text = "Người có quyền lợi và nghĩa vụ liên quan: Bà Phạm Thị T; Sinh năm:\n1960. Địa chỉ: Tổ x"
    (p,) = find_parties(prepare(text))
    assert (p.name, p.role, p.birth_year) == (
        "Phạm Thị T",
        "nguoi_co_quyen_loi_nghia_vu_lien_quan",
        1960,
    )


def test_anonymised_names_are_kept_as_written():
    text = (
        "Nguyên đơn: Ông Phan Hoài H1, sinh năm 1970\nBị đơn: Bà Bùi Thị Ph, sinh năm 1972\n"
        "Người làm chứng: Bà Lê Thị Thúy K"
    )
    assert parties(text) == [
        ("Phan Hoài H1", "nguyen_don"),
        ("Bùi Thị Ph", "bi_don"),
        ("Lê Thị Thúy K", "other"),
    ]


def test_representatives_and_lawyers_are_kept_apart_from_the_party_they_represent():
    text = (
        "Nguyên đơn: Ngân hàng Thương mại cổ phần SG-HN (viết tắt là SHB); địa chỉ: số 77 Trần"
        " Hưng Đạo, Hà Nội.\nNgười đại diện theo pháp luật: Ông Hồ Hùng A - Chức vụ: Chủ tịch.\n"
        "Bị đơn: Công ty TNHH MTV ĐTNT (viết tắt là Công ty ĐTNT).\n"
        "Người bảo vệ quyền và lợi ích hợp pháp của bị đơn: Luật sư Lê Thị Thúy K.\n"
    )
    got = find_parties(prepare(text))
    assert [(p.name, p.role, p.represents, p.is_organization) for p in got] == [
        ("Ngân hàng Thương mại cổ phần SG-HN", "nguyen_don", [], True),
        ("Hồ Hùng A", "other", ["Ngân hàng Thương mại cổ phần SG-HN"], False),
        ("Công ty TNHH MTV ĐTNT", "bi_don", [], True),
        ("Lê Thị Thúy K", "other", ["Công ty TNHH MTV ĐTNT"], False),
    ]


def test_numbered_lists_and_couples_give_one_party_each():
    text = (
        "Điều 1. Cho thi hành án đối với những người có tên sau:\n"
        "1. Ông Hồ Sỹ Hải, sinh năm 1981; trú tại: xóm 3.\nPhải nộp: án phí 200.000 đồng.\n"
        "2. Bà Võ Thị Hằng, sinh năm 1990; trú tại: xóm 1.\n"
        "Người được thi hành án: Ông Trương Văn Ch và bà Lý Thị Ngọc A; cùng địa chỉ: ấp P.\n"
    )
    got = find_parties(prepare(text))
    assert [(p.name, p.role) for p in got] == [
        ("Hồ Sỹ Hải", "nguoi_phai_thi_hanh_an"),
        ("Võ Thị Hằng", "nguoi_phai_thi_hanh_an"),
        ("Trương Văn Ch", "nguoi_duoc_thi_hanh_an"),
        ("Lý Thị Ngọc A", "nguoi_duoc_thi_hanh_an"),
    ]
    assert got[-1].address == "ấp P"


def test_criminal_defendant_parents_are_not_parties():
    text = (
        "Bị cáo: Lê Bá Đ, sinh ngày 15 tháng 6 năm 1990; nơi cư trú: tổ 5; con ông Lê Bá Th và"
        " bà Nguyễn Thị Nh; có mặt.\nBị hại: Anh Hoàng Văn Ph, sinh năm 1992."
    )
    assert parties(text) == [("Lê Bá Đ", "bi_cao"), ("Hoàng Văn Ph", "bi_hai")]


def test_id_numbers_and_administrative_roles_are_read():
    text = (
        "Người khởi kiện: Bà Đinh Thị Đ, CCCD số 051161000123; địa chỉ: thôn A.\n"
        "Người bị kiện: Chủ tịch Ủy ban nhân dân huyện S, tỉnh Quảng Ngãi.\n"
    )
    got = find_parties(prepare(text))
    assert [(p.name, p.role, p.id_number) for p in got] == [
        ("Đinh Thị Đ", "nguyen_don", "051161000123"),
        ("Chủ tịch Ủy ban nhân dân huyện S", "bi_don", None),
    ]


def test_every_role_label_maps_to_a_vocabulary_role():
    from schemas.vocab import ROLES

    assert {role for role, _ in ROLE_LABELS.values()} <= set(ROLES)
    assert ROLE_LABELS["nguoi khoi kien"][0] == "nguyen_don"
    assert ROLE_LABELS["nguoi bi kien"][0] == "bi_don"
    assert ROLE_LABELS["bi hai"][0] == "bi_hai"


def test_a_spouse_introduced_in_the_same_line_is_a_party_too():
    text = "Bị đơn: ông Bùi Văn Khoa, sinh năm 1960 và vợ là bà Phạm Thị Lụa, sinh năm 1962."
    assert parties(text) == [("Bùi Văn Khoa", "bi_don"), ("Phạm Thị Lụa", "bi_don")]


def test_ocr_slips_in_surnames_and_run_on_initials_are_repaired():
    text = (
        "Bị đơn: anh NGUYÊN HỮU TH, sinh năm 1989\n"
        "Người bảo vệ quyền và lợi ích hợp pháp của bị đơn: Luật sư Lê Thị Thúy K Văn phòng"
        " Luật sư K\nNgười phải thi hành án: Bà KĐiệp, sinh năm 1970\n"
        "Người được thi hành án: Công ty Cố phần Thương mại Hà Thành\n"
    )
    assert parties(text) == [
        ("NGUYỄN HỮU TH", "bi_don"),
        ("Lê Thị Thúy K", "other"),
        ("K’Điệp", "nguoi_phai_thi_hanh_an"),
        ("Công ty Cổ phần Thương mại Hà Thành", "nguoi_duoc_thi_hanh_an"),
    ]


def test_real_layouts_of_parties_and_their_representatives():
    text = (
        "Nguyên đơn: Ngân hàng TNHH MTV Shinhan (Việt Nam); địa chỉ: số 2 Hai Bà Trưng, Hà Nội.\n"
        "Người đại diện theo ủy quyền của nguyên đơn: Ông Nguyễn Văn A4, sinh năm 1980.\n"
        "Bị đơn: Công ty Trách Nhiệm Hữu Hạn Thương Mại Hoàng Phát (viết tắt là Công ty HP).\n"
        "Người bảo vệ quyền lợi cho bị đơn: Luật sư Trần Thị B5 – Đoàn luật sư TP.\n"
        "Người có quyền lợi, nghĩa vụ liên quan:\n\n 1. Lê T N, sinh năm 1970;\n\n"
        " 2. Võ Thị T D, sinh năm 1972;\nCùng địa chỉ: xã X.\n"
        "Người đại diện theo ủy quyền của bà D: Ông Phạm Văn E.\n"
        "Người bị kiện:\n- Ủy ban nhân dân xã P K, huyện T. Địa chỉ: xã P K.\n"
        "Người đại diện theo ủy quyền ông Quàng Văn B, chức vụ Phó chủ tịch.\n"
        "Bà D ủy quyền cho ông Đỗ Văn G, sinh năm 1960.\n"
    )
    got = find_parties(prepare(text))
    assert [(p.name, p.role, p.represents) for p in got] == [
        ("Ngân hàng TNHH MTV Shinhan (Việt Nam)", "nguyen_don", []),
        ("Nguyễn Văn A4", "other", ["Ngân hàng TNHH MTV Shinhan (Việt Nam)"]),
        ("Công ty Trách Nhiệm Hữu Hạn Thương Mại Hoàng Phát", "bi_don", []),
        ("Trần Thị B5", "other", ["Công ty Trách Nhiệm Hữu Hạn Thương Mại Hoàng Phát"]),
        ("Lê T N", "nguoi_co_quyen_loi_nghia_vu_lien_quan", []),
        ("Võ Thị T D", "nguoi_co_quyen_loi_nghia_vu_lien_quan", []),
        ("Phạm Văn E", "other", ["Võ Thị T D"]),
        ("Ủy ban nhân dân xã P K", "bi_don", []),
        ("Quàng Văn B", "other", ["Ủy ban nhân dân xã P K"]),
        ("Đỗ Văn G", "other", ["Võ Thị T D"]),
    ]


def test_co_parties_heirs_lawyers_and_inline_lists_keep_their_roles():
    text = (
        "Đồng nguyên đơn: 1. Ông Dương Văn B, sinh năm 1944 2. Bà Lê Thị C, sinh năm 1946"
        " Người đại diện theo uỷ quyền của ông B, bà C là: Anh Dương Văn M, sinh năm 1983.\n"
        "Bị đơn:\n1. Ông Đỗ Văn L, sinh năm 1938; có mặt.\n"
        "2. Bà Nguyễn Thị Nh, sinh năm 1941 (chết năm 2016);\n"
        "Người kế thừa quyền, nghĩa vụ tố tụng của bà Nguyễn Thị Nh:\n"
        "+ Bà Đỗ Thị Q1, sinh năm 1961; có mặt.\n"
        "Người bảo vệ quyền và lợi ích hợp pháp của bị đơn:\n\n"
        "Luật sư Nguyễn Đình T - Văn phòng Luật sư N, có mặt tại phiên tòa.\n\n"
        "Luật sư Nguyễn Văn H; địa chỉ: tỉnh Khánh Hòa, có mặt tại phiên tòa.\n"
        "Người có quyền lợi nghĩa vụ liên quan là: Bà C.K.N, sinh năm 2001 - Ông Lâm Văn Tr.\n"
    )
    got = find_parties(prepare(text))
    assert [(p.name, p.role, p.represents) for p in got] == [
        ("Dương Văn B", "nguyen_don", []),
        ("Lê Thị C", "nguyen_don", []),
        ("Dương Văn M", "other", ["Dương Văn B", "Lê Thị C"]),
        ("Đỗ Văn L", "bi_don", []),
        ("Nguyễn Thị Nh", "bi_don", []),
        ("Đỗ Thị Q1", "bi_don", []),
        ("Nguyễn Đình T", "other", ["Đỗ Văn L", "Nguyễn Thị Nh", "Đỗ Thị Q1"]),
        ("Nguyễn Văn H", "other", ["Đỗ Văn L", "Nguyễn Thị Nh", "Đỗ Thị Q1"]),
        ("C.K.N", "nguoi_co_quyen_loi_nghia_vu_lien_quan", []),
        ("Lâm Văn Tr", "nguoi_co_quyen_loi_nghia_vu_lien_quan", []),
    ]


def test_enforcement_prose_names_debtors_and_creditors_in_one_sentence():
    text = prepare(
        "Theo hồ sơ, người phải thi hành án là bà Huỳnh Thị Minh Thư, ông Huỳnh Quang Lộc và"
        " người được thi hành án là ông Huỳnh Hưng Lợi (73 tuổi).\nBản án quyết định: Buộc vợ"
        " chồng anh Nguyễn Chi Cường và bà Đỗ Thị Đô phải trả anh Nguyễn Chi Sơn cả gốc và lãi."
    )
    got = find_parties(text, enforcement=True)
    assert [(p.name, p.role) for p in got] == [
        ("Huỳnh Thị Minh Thư", "nguoi_phai_thi_hanh_an"),
        ("Huỳnh Quang Lộc", "nguoi_phai_thi_hanh_an"),
        ("Huỳnh Hưng Lợi", "nguoi_duoc_thi_hanh_an"),
        ("Nguyễn Chi Cường", "nguoi_phai_thi_hanh_an"),
        ("Đỗ Thị Đô", "nguoi_phai_thi_hanh_an"),
        ("Nguyễn Chi Sơn", "nguoi_duoc_thi_hanh_an"),
    ]


def test_ocr_slips_in_anonymised_names_are_undone():
    text = prepare(
        "1.NÑguyên đơn:\n\n1. Đinh B, sinh năm 1962.\n\n2. Huỳnh TT, sinh năm 1965.\n\n"
        "Người đại diện theo pháp luật: Ông Vũ Văn NÑ\n"
        "Bị đơn: Bà Lâm Thị Mỹ HI; ông Hoàng Minh HI1.\n"
    )
    assert [(p.name, p.role) for p in find_parties(text)] == [
        ("Đinh B", "nguyen_don"),
        ("Huỳnh T", "nguyen_don"),
        ("Vũ Văn N", "other"),
        ("Lâm Thị Mỹ H1", "bi_don"),
        ("Hoàng Minh H1", "bi_don"),
    ]


def test_sub_numbered_parties_on_one_line_and_all_plaintiffs_authorising_one_person():
    text = prepare(
        "1. Nguyên đơn: 1.1. Ông Lê Văn A, sinh năm 1950 1.2. Bà Lê Thị B, sinh năm 1952"
        " (Các nguyên đơn ủy quyền cho anh Phạm Văn Hậu sinh năm 1978).\n"
        "2. Bị đơn: 2.1. Ông Trần Minh R, sinh năm 1977 2.2. Bà Lý Quế T, sinh năm 1960\n"
    )
    assert [(p.name, p.role, p.represents) for p in find_parties(text)] == [
        ("Lê Văn A", "nguyen_don", []),
        ("Lê Thị B", "nguyen_don", []),
        ("Trần Minh R", "bi_don", []),
        ("Lý Quế T", "bi_don", []),
        ("Phạm Văn Hậu", "other", ["Lê Văn A", "Lê Thị B"]),
    ]


def test_representatives_named_inline_after_an_organisation():
    text = prepare(
        "- Bị đơn: Công ty Cổ phần T, địa chỉ: 226/4 Đường P, quận B, đại diện theo ủy quyền"
        " là ông Ph, ông D, địa chỉ: đường N (có mặt).\n"
        "2. Người bị kiện: Ủy ban nhân dân xã CS, huyện YC do ông Lường Văn Cương, chức vụ:"
        " Chủ tịch.\n"
    )
    assert [(p.name, p.role, p.represents) for p in find_parties(text)] == [
        ("Công ty Cổ phần T", "bi_don", []),
        ("Ph", "other", ["Công ty Cổ phần T"]),
        ("D", "other", ["Công ty Cổ phần T"]),
        ("Ủy ban nhân dân xã CS", "bi_don", []),
        ("Lường Văn Cương", "other", ["Ủy ban nhân dân xã CS"]),
    ]


def test_a_numbered_party_after_a_representative_continues_the_list():
    text = prepare(
        "Đồng bị đơn: 1. Ông Đỗ Đình C1, sinh năm 1962\n"
        "Người đại diện theo uỷ quyền của ông C1: Ông Hà Văn V, sinh năm 1970\n"
        "2. Bà Phạm Thị S, sinh năm 1964\n"
    )
    assert [(p.name, p.role, p.represents) for p in find_parties(text)] == [
        ("Đỗ Đình C1", "bi_don", []),
        ("Hà Văn V", "other", ["Đỗ Đình C1"]),
        ("Phạm Thị S", "bi_don", []),
    ]


def test_convicts_named_in_an_enforcement_story():
    text = prepare(
        "Cơ quan thi hành án xác minh hai căn hộ của bị án Đinh La Thăng để thi hành án;"
        " riêng bị cáo Phan Đình Đức được giảm án."
    )
    assert [(p.name, p.role) for p in find_parties(text, enforcement=True)] == [
        ("Đinh La Thăng", "nguoi_phai_thi_hanh_an"),
        ("Phan Đình Đức", "bi_cao"),
    ]


def test_short_references_in_a_story_stand_for_the_full_name_they_end():
    text = prepare(
        "Theo bản án giữa nguyên đơn Nguyễn Quang Vượng và bị đơn Hoàng Kim Truyền, cơ quan thi"
        " hành án ra quyết định buộc ông Truyền trả lại 2 gian nhà thuê tại số 11 đường La Sơn"
        " (Phường 6) cho ông Vượng. Năm 2003 tỉnh giao đất cho hộ ông Truyền để hỗ trợ chỗ ở."
        " Tòa tuyên ông C. phải thanh toán cho bà Năm 500 triệu đồng; trước đó bà Năm và ông NVC"
        " ly hôn."
    )
    assert [(p.name, p.role) for p in find_parties(text, enforcement=True)] == [
        ("Hoàng Kim Truyền", "nguoi_phai_thi_hanh_an"),  # the first side the story gives him
        ("Nguyễn Quang Vượng", "nguoi_duoc_thi_hanh_an"),
        ("NVC", "nguoi_phai_thi_hanh_an"),  # "ông C.": press initials' last letter
        ("Năm", "nguoi_duoc_thi_hanh_an"),  # no fuller name given: the one word is the name
    ]


def test_story_roles_from_voluntary_execution_co_parties_buyers_and_representatives():
    text = prepare(
        "Quyết định buộc ông Hoàng Hàn và bà Hoàng Thị Thảo chuyển giao đất. Ngày 26/6/2025"
        " ông Vũ Thanh Tình đã tự nguyện giao đất. Ông Hồ Tấn Phụng (ngụ xã Đại Minh) mua trúng"
        " đấu giá nhà đất; cơ quan thi hành án giao nhà cho ông Phụng. Tòa không triệu tập ông"
        " Nguyễn Ngọc Hoàn – hiện là người đại diện theo pháp luật của Công ty Việt Hưng."
    )
    got = [(p.name, p.role, p.represents) for p in find_parties(text, enforcement=True)]
    assert got == [
        ("Hoàng Hàn", "nguoi_phai_thi_hanh_an", []),
        ("Hoàng Thị Thảo", "nguoi_phai_thi_hanh_an", []),
        ("Vũ Thanh Tình", "nguoi_phai_thi_hanh_an", []),
        ("Hồ Tấn Phụng", "other", []),
        ("Nguyễn Ngọc Hoàn", "other", ["Công ty Việt Hưng"]),
    ]


def test_an_organisations_alias_is_its_full_name():
    text = prepare(
        "Ngân hàng TMCP Kỹ thương Việt Nam (Techcombank) kháng nghị. Chi cục ra Quyết định về"
        " việc thi hành án đối với Techcombank, bồi thường 4,1 tỷ đồng. Công ty TNHH MTV TKV"
        " tiếp tục phải trả lãi cho Ngân hàng theo hợp đồng."
    )
    assert [(p.name, p.role) for p in find_parties(text, enforcement=True)] == [
        ("Ngân hàng TMCP Kỹ thương Việt Nam", "nguoi_phai_thi_hanh_an"),
        ("Công ty TNHH MTV TKV", "nguoi_phai_thi_hanh_an"),
    ]


def test_representatives_named_in_a_sentence_and_lawyers_firms_and_attendance():
    text = prepare(
        "Nguyên đơn: Bà Tô Thị M, sinh năm 1950.\n"
        "Người bảo vệ quyền và lợi ích hợp pháp cho nguyên đơn: Luật sư Đàm Đức T Luật sư"
        " Nguyễn Thị Thanh Hà - Văn phòng luật sư Hoàng Gia; Công ty Luật TNHH TGS.\n"
        "Có mặt ông T và Luật sư T. Vắng mặt bà Phương T.\n"
        "Bị đơn: Công ty TNHH ML.,LTD; địa chỉ: Taiwan.\n"
        "NỘI DUNG VỤ ÁN\n"
        "Tại đơn khởi kiện, nguyên đơn là bà Tô Thị M (do ông Nguyễn Anh D là người đại diện"
        " hợp pháp) trình bày:"
    )
    assert [(p.name, p.role, p.represents) for p in find_parties(text)] == [
        ("Tô Thị M", "nguyen_don", []),
        ("Đàm Đức T", "other", ["Tô Thị M"]),
        ("Nguyễn Thị Thanh Hà", "other", ["Tô Thị M"]),
        ("Công ty TNHH ML.,LTD", "bi_don", []),
        ("Nguyễn Anh D", "other", ["Tô Thị M"]),
    ]


def test_names_of_other_shapes():
    text = prepare(
        "Người đại diện hợp pháp của bị đơn:\n1. Ông P C Siong, sinh năm 1966.\n"
        "Người đại diện theo ủy quyền: ông D, sinh năm 1978 và/hoặc N, sinh năm 1988.\n"
        "Người làm chứng: Bà Võ Thị D1, bà H’ R, ông Y T; ông Phạm văn T, sinh năm 1964.\n"
        "Người có quyền lợi, nghĩa vụ liên quan: 1. Công ty cổ phần Đ, đại diện theo pháp luật:"
        " Ông K, sinh năm 1974 (vắng mặt).\n2. Phòng Công chứng R, Thành phố H (vắng mặt).\n"
        "Bị cáo: Luo Quan L, sinh năm 1982; con ông Luo Liang Y (không rõ năm sinh) và bà Guo"
        " Qian M (không rõ năm sinh)."
    )
    assert [(p.name, p.role) for p in find_parties(text)] == [
        ("P C Siong", "other"),
        ("D", "other"),
        ("N", "other"),
        ("Võ Thị D1", "other"),
        ("H’ R", "other"),
        ("Y T", "other"),
        ("Phạm văn T", "other"),
        ("Công ty cổ phần Đ", "nguoi_co_quyen_loi_nghia_vu_lien_quan"),
        ("K", "other"),
        ("Phòng Công chứng R", "nguoi_co_quyen_loi_nghia_vu_lien_quan"),
        ("Luo Quan L", "bi_cao"),
    ]


def test_couples_agents_and_documents_in_a_story():
    text = prepare(
        "Chi cục tiến hành kê biên, xử lý tài sản của vợ chồng ông bà ĐVC và BTKT ở Phường 3."
        " Buổi cưỡng chế có đại diện người phải thi hành án là bà Hà Giao Anh. Chi cục ra"
        " quyết định hoãn thi hành án đối với Bản án nêu trên."
    )
    assert [(p.name, p.role) for p in find_parties(text, enforcement=True)] == [
        ("Hà Giao Anh", "other"),
        ("BTKT", "nguoi_phai_thi_hanh_an"),
        ("ĐVC", "nguoi_phai_thi_hanh_an"),
    ]


def test_a_second_authority_after_a_dash_and_a_bare_name_line():
    text = prepare(
        "-Người bị kiện:-ỦY BAN NHÂN DÂN HUYỆN T, thành phố Hà Nội -Chủ tịch Uỷ ban nhân dân"
        " huyện T Trụ sở: Thị trấn V.\n"
        "Người bảo vệ quyền, lợi ích hợp pháp của người bị kiện:\n"
        "Ông Trần Cảnh P, Phó Trưởng ban - Ban Bồi thường;\n"
        "Phan Thị Minh L, Trưởng phòng tiếp công dân.\n"
    )
    assert [(p.name, p.role) for p in find_parties(text)] == [
        ("ỦY BAN NHÂN DÂN HUYỆN T", "bi_don"),
        ("Chủ tịch Uỷ ban nhân dân huyện T", "bi_don"),
        ("Trần Cảnh P", "other"),
        ("Phan Thị Minh L", "other"),
    ]


def test_a_street_named_after_a_person_is_an_address_and_ocr_reads_luat_su_as_luat_su():
    text = prepare(
        "Người đại diện hợp pháp của nguyên đơn: Bà Linh Thị H; địa chỉ:\n"
        "Nguyễn Phi K, phường T, thành phố L; có mặt;\n"
        "Người bảo vệ quyền và lợi ích hợp pháp của nguyên đơn: Luật sự Nguyễn Thanh L.\n"
    )
    assert [p.name for p in find_parties(text)] == ["Linh Thị H", "Nguyễn Thanh L"]


def test_a_role_label_without_colon_names_the_party_in_a_line_or_a_sentence():
    text = (
        "Nguyên đơn là ông Nguyễn Văn Hùng, sinh năm 1960; địa chỉ: thôn A, xã B.\n"
        "Bị đơn ông Đỗ Văn Cường, sinh năm 1965; địa chỉ: thôn C, xã D. Có mặt.\n"
        "Người đại diện theo ủy quyền của bị đơn là bà Ngô Thị Hà, sinh năm 1985.\n"
        "NỘI DUNG VỤ ÁN:\n"
        "Nguyên đơn ông Nguyễn Văn Hùng trình bày: năm 2010 ông Hùng cho ông Cường vay tiền.\n"
        "Tại phiên tòa, đại diện bị đơn ông Lê Văn Tâm trình bày. Bị đơn ông Cường không đồng ý."
    )
    got = find_parties(prepare(text))
    assert [(p.name, p.role, p.represents) for p in got] == [
        ("Nguyễn Văn Hùng", "nguyen_don", []),
        ("Đỗ Văn Cường", "bi_don", []),
        ("Ngô Thị Hà", "other", ["Đỗ Văn Cường"]),
    ]
    assert got[0].birth_year == 1960 and got[0].address == "thôn A, xã B"
    sentence = (
        "xét xử vụ án tranh chấp hợp đồng vay tài sản giữa nguyên đơn là ông Nguyễn Văn Hùng"
        " với bị đơn là bà Trần Thị Lan; người có quyền lợi, nghĩa vụ liên quan là ông Lê Văn"
        " Minh và Công ty TNHH Hoa Mai. Bản án giữa nguyên đơn Nguyễn Quang Vượng (trú tại"
        " Phường 2) và bị đơn Hoàng Kim Truyền."
    )
    assert parties(sentence) == [
        ("Nguyễn Văn Hùng", "nguyen_don"),
        ("Trần Thị Lan", "bi_don"),
        ("Lê Văn Minh", "nguoi_co_quyen_loi_nghia_vu_lien_quan"),
        ("Công ty TNHH Hoa Mai", "nguoi_co_quyen_loi_nghia_vu_lien_quan"),
        ("Nguyễn Quang Vượng", "nguyen_don"),
        ("Hoàng Kim Truyền", "bi_don"),
    ]


def test_an_enforcement_story_gives_the_suit_sides_it_mentions_their_enforcement_roles():
    text = (
        "Bản án của Tòa án nhân dân huyện Y giải quyết tranh chấp giữa nguyên đơn là ông Lương"
        " Văn A với bị đơn là ông Thân Văn B. Chi cục Thi hành án dân sự huyện Y đã thi hành án."
    )
    got = [(p.name, p.role) for p in find_parties(prepare(text), enforcement=True)]
    assert got == [
        ("Lương Văn A", "nguoi_duoc_thi_hanh_an"),
        ("Thân Văn B", "nguoi_phai_thi_hanh_an"),
    ]


def test_lists_without_honorifics_groups_and_heirs_named_by_role():
    text = (
        "Nguyên đơn: Ông Nguyễn Văn Hùng, sinh năm 1950.\n"
        "Bị đơn: Bà Nguyễn Thị B, sinh năm 1955. (Đã chết)\n"
        "Người thừa kế quyền và nghĩa vụ tố tụng của bị đơn bà Nguyễn Thị B:\n"
        "1. Anh Dương Văn M, sinh năm 1978;\n"
        "Người có quyền lợi, nghĩa vụ liên quan: 1. Nguyễn Văn An, sinh năm 1970; 2. Nguyễn"
        " Thị Bình, sinh năm 1972.\n"
        "Người có quyền lợi, nghĩa vụ liên quan gồm: Các con của ông Hùng gồm: anh Nguyễn Văn"
        " Hải, chị Nguyễn Thị Hà.\n"
        "Người liên quan:\n"
        "1- Bà Võ Thị Thu;\n"
        "- Nguyễn Văn Bảy, sinh năm 1960;\n"
        "Trần Văn Năm, sinh năm 1965.\n"
        "NHẬN THẤY:"
    )
    related = "nguoi_co_quyen_loi_nghia_vu_lien_quan"
    assert parties(text) == [
        ("Nguyễn Văn Hùng", "nguyen_don"),
        ("Nguyễn Thị B", "bi_don"),
        ("Dương Văn M", "bi_don"),
        ("Nguyễn Văn An", related),
        ("Nguyễn Thị Bình", related),
        ("Nguyễn Văn Hải", related),
        ("Nguyễn Thị Hà", related),
        ("Võ Thị Thu", related),
        ("Nguyễn Văn Bảy", related),
        ("Trần Văn Năm", related),
    ]


def test_a_representative_acts_for_the_party_its_label_names_not_the_whole_side():
    text = (
        "Bị đơn: Ông Lê Văn Hai và bà Phạm Thị Ba; cùng địa chỉ: thôn B.\n"
        "Người đại diện theo ủy quyền của bị đơn ông Hai: anh Lê Văn Bốn, sinh năm 1990.\n"
        "Người đại diện theo ủy quyền của các bị đơn ông Hai, bà Ba: Luật sư Đỗ Văn Năm.\n"
        "Người bảo vệ quyền và lợi ích hợp pháp cho bị đơn bà Phạm Thị Ba: Luật sư Ngô Văn Sáu.\n"
        "Người đại diện theo ủy quyền của bị đơn: ông Trần Văn Chín."
    )
    got = [(p.name, p.represents) for p in find_parties(prepare(text)) if p.role == "other"]
    assert got == [
        ("Lê Văn Bốn", ["Lê Văn Hai"]),
        ("Đỗ Văn Năm", ["Lê Văn Hai", "Phạm Thị Ba"]),
        ("Ngô Văn Sáu", ["Phạm Thị Ba"]),
        ("Trần Văn Chín", ["Lê Văn Hai", "Phạm Thị Ba"]),
    ]


def test_a_story_gives_each_person_the_side_its_own_sentence_says():
    text = (
        "Ngày 12/5/2020, Chi cục Thi hành án dân sự huyện X đã tổ chức cưỡng chế thi hành án đối"
        " với ông Nguyễn Văn Hùng (người phải thi hành án).\n"
        "Bà Phạm Thị Hoa là người được thi hành án theo Quyết định số 45/QĐ-CCTHADS.\n"
        "Ông Lê Văn Tâm (người được thi hành án) cho biết.\n"
        "Ông Đỗ Văn Cường, người phải thi hành án, không chấp hành.\n"
        "Bà Ngô Thị Hà (bị đơn) vắng mặt; ông Vũ Văn Sơn (nguyên đơn) có đơn yêu cầu thi hành án."
    )
    got = sorted((p.name, p.role) for p in find_parties(prepare(text), enforcement=True))
    debtor, creditor = "nguoi_phai_thi_hanh_an", "nguoi_duoc_thi_hanh_an"
    assert got == sorted(
        [
            ("Nguyễn Văn Hùng", debtor),
            ("Phạm Thị Hoa", creditor),
            ("Lê Văn Tâm", creditor),
            ("Đỗ Văn Cường", debtor),
            ("Ngô Thị Hà", debtor),
            ("Vũ Văn Sơn", creditor),
        ]
    )


def test_full_names_listed_bare_are_one_party_each():
    text = (
        "Người có quyền lợi, nghĩa vụ liên quan: Nguyễn Văn An, Nguyễn Thị Bình và Nguyễn Văn"
        " Cường (đều trú tại thôn C).\n"
        "Người làm chứng: Hà Văn Sơn, Lò Thị Mai.\n"
        "Bị đơn: Ông Lê Văn Tám, sinh năm 1950, trú tại số 20 Lý Thường Kiệt, Hà Nội; em Lê Văn"
        " Chín, sinh năm 2000."
    )
    assert parties(text) == [
        ("Nguyễn Văn An", "nguoi_co_quyen_loi_nghia_vu_lien_quan"),
        ("Nguyễn Thị Bình", "nguoi_co_quyen_loi_nghia_vu_lien_quan"),
        ("Nguyễn Văn Cường", "nguoi_co_quyen_loi_nghia_vu_lien_quan"),
        ("Hà Văn Sơn", "other"),
        ("Lò Thị Mai", "other"),
        ("Lê Văn Tám", "bi_don"),
        ("Lê Văn Chín", "bi_don"),
    ]


def test_an_auction_notice_names_the_assets_current_holders_as_debtors():
    text = (
        "Thông báo việc đấu giá đối với danh mục tài sản: Quyền sử dụng đất thửa số 70\n"
        "Người có tài sản: Chi cục Thi hành án dân sự thành phố B\n"
        "Tên tài sản: Quyền sử dụng đất thửa số 70. Giấy chứng nhận số AI 821557 do UBND thành"
        " phố B cấp ngày 03/7/2007 cho ông Nguyễn Văn Kiệm và bà Trần Thị Tư. Ngày 29/11/2018"
        " xác nhận chuyển nhượng cho ông Nguyễn Gia Lâm và vợ là bà Nguyễn Thị Hạnh.\n"
        "Nơi có tài sản: QSDĐ thửa 266 đứng tên ông Nguyễn Tản, bà Đỗ Thị Nga.\n"
    )
    got = [(p.name, p.role) for p in find_parties(prepare(text), enforcement=True)]
    assert got == [
        ("Nguyễn Gia Lâm", "nguoi_phai_thi_hanh_an"),
        ("Nguyễn Thị Hạnh", "nguoi_phai_thi_hanh_an"),
        ("Nguyễn Tản", "nguoi_phai_thi_hanh_an"),
        ("Đỗ Thị Nga", "nguoi_phai_thi_hanh_an"),
    ]
    # as OCR breaks the description into lines
    wrapped = (
        "Thông báo việc đấu giá đối với danh mục tài sản: Quyền sử dụng đất\n"
        "Tên tài sản: Quyền sử dụng đất thửa số 198. Giấy chứng nhận số CK 031112 do Sở Tài\n"
        "nguyên và Môi trường cấp ngày 24/7/2017 cho ông Ngô Đắc Thời. Ngày 29/11/2018 xác nhận"
        " chuyển\nnhượng cho ông Nguyễn Gia Lâm và vợ là bà Nguyễn\nThị Hạnh.\n\nNơi có tài sản:"
        " phường Đại Phúc\n"
    )
    assert [p.name for p in find_parties(prepare(wrapped), enforcement=True)] == [
        "Nguyễn Gia Lâm",
        "Nguyễn Thị Hạnh",
    ]
    # not in a story that only mentions a certificate
    assert find_parties(prepare(text.split("\n", 1)[1]), enforcement=True) == []


def test_a_label_line_may_end_in_a_dash_or_a_semicolon_and_label_wordings_vary():
    text = (
        "Bị đơn - Bà Trần Thị Lan, sinh năm 1962.\n"
        "Người được bị đơn ủy quyền: Ông Lê Văn Năm.\n"
        "- Người có quyền lợi, nghĩa vụ liên quan; Ông Lê Văn Minh, sinh năm 1970.\n"
        "Người có quyền lợi và nghĩa vụ có liên quan: Bà Võ Thị Mai.\n"
        "Tại phiên tòa, bị đơn; ông Lê Văn Tám vắng mặt."
    )
    related = "nguoi_co_quyen_loi_nghia_vu_lien_quan"
    got = find_parties(prepare(text))
    assert [(p.name, p.role, p.represents) for p in got] == [
        ("Trần Thị Lan", "bi_don", []),
        ("Lê Văn Năm", "other", ["Trần Thị Lan"]),
        ("Lê Văn Minh", related, []),
        ("Võ Thị Mai", related, []),
    ]


def test_bodies_beyond_companies_and_committees_are_named_whole():
    text = (
        "Bị đơn: Nhà máy Đường Sơn La; địa chỉ: xã X.\n"
        "Người có quyền lợi, nghĩa vụ liên quan: Bảo hiểm xã hội tỉnh Sơn La; địa chỉ: phường Y.\n"
        "Người có quyền lợi, nghĩa vụ liên quan: Ban Quản lý dự án đầu tư xây dựng huyện A.\n"
        "Người làm chứng: Ông Hội, bà Đài."
    )
    assert parties(text) == [
        ("Nhà máy Đường Sơn La", "bi_don"),
        ("Bảo hiểm xã hội tỉnh Sơn La", "nguoi_co_quyen_loi_nghia_vu_lien_quan"),
        ("Ban Quản lý dự án đầu tư xây dựng huyện A", "nguoi_co_quyen_loi_nghia_vu_lien_quan"),
        ("Hội", "other"),
        ("Đài", "other"),
    ]


def test_representatives_of_long_names_by_has_and_of_minors_named_by_kin():
    bank = "Ngân hàng Thương mại cổ phần Công thương Việt Nam - Chi nhánh tỉnh Quảng Ninh Hạ Long"
    text = (
        f"Nguyên đơn: {bank}; địa chỉ: phường A.\n"
        f"Người đại diện theo ủy quyền của nguyên đơn {bank}: Ông Trần Văn Một.\n"
        "Bị đơn: Ông Lê Văn Hai.\n"
        "Người đại diện theo ủy quyền của bị đơn có ông Lê Văn Bốn và bà Lê Thị Năm.\n"
        "Người có quyền lợi, nghĩa vụ liên quan: Cháu Võ Văn Ích (sinh năm 2005, do bà Võ Thị"
        " Kim là mẹ đại diện)."
    )
    got = [(p.name, p.represents) for p in find_parties(prepare(text)) if p.role == "other"]
    assert got == [
        ("Trần Văn Một", [bank]),
        ("Lê Văn Bốn", ["Lê Văn Hai"]),
        ("Lê Thị Năm", ["Lê Văn Hai"]),
        ("Võ Thị Kim", ["Võ Văn Ích"]),
    ]


def test_an_enforcement_side_named_right_after_its_label_without_la():
    text = (
        "Chi cục đã làm việc với người được thi hành án bà Trần Thị Lan và người phải thi hành"
        " án Công ty TNHH Minh Phát. Người phải thi hành án là bà Ngô Thị Hoa."
    )
    assert parties(text) == [
        ("Trần Thị Lan", "nguoi_duoc_thi_hanh_an"),
        ("Công ty TNHH Minh Phát", "nguoi_phai_thi_hanh_an"),
        ("Ngô Thị Hoa", "nguoi_phai_thi_hanh_an"),
    ]


def test_a_story_names_a_related_party_and_a_debtor_the_court_sentenced():
    text = (
        "Chi cục THADS quận X đã ra quyết định kê biên căn nhà của ông Trần Văn Hùng.\n"
        "Anh Đỗ Văn Nam (con trai ông Hùng) là người có quyền lợi, nghĩa vụ liên quan.\n"
        "Ông Võ Văn Tài bị Tòa tuyên phải bồi thường cho gia đình bà Hồ Thị Hạnh 200 triệu đồng."
    )
    got = [(p.name, p.role) for p in find_parties(prepare(text), enforcement=True)]
    assert got == [
        ("Trần Văn Hùng", "nguoi_phai_thi_hanh_an"),
        ("Đỗ Văn Nam", "nguoi_co_quyen_loi_nghia_vu_lien_quan"),
        ("Võ Văn Tài", "nguoi_phai_thi_hanh_an"),
        ("Hồ Thị Hạnh", "nguoi_duoc_thi_hanh_an"),
    ]

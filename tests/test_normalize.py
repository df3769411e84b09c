from schemas.normalize import fold, normalize, repair, syllables
from schemas.numbers import number_form


def test_fold_finds_name_without_diacritics():
    assert fold("Nguyễn Văn Tráng") == "nguyen van trang"
    assert fold("ĐẶNG THỊ HỒNG") == "dang thi hong"


def test_icelandic_eth_and_oi_letter_are_repaired():
    assert repair("QÐ-CCTHADS") == "QĐ-CCTHADS"
    assert repair("Ngƣời được thi hành án") == "Người được thi hành án"
    assert fold("Ðặng") == "dang"


def test_nfd_input_equals_nfc_input():
    import unicodedata

    name = "Nguyễn Thị Thủy"
    assert normalize(unicodedata.normalize("NFD", name)) == normalize(name)


def test_tone_placement_old_and_new_styles_agree():
    assert normalize("hoà") == normalize("hòa") == "hòa"
    assert normalize("thuý") == normalize("thúy")
    assert normalize("Thuỷ") == normalize("Thủy")
    assert normalize("khoẻ") == normalize("khỏe")


def test_closed_syllables_keep_their_fixed_placement():
    for word in ["hoàn", "suýt", "huỳnh", "quý", "giá", "người", "thuyền", "nguyễn", "gìn"]:
        assert normalize(word) == word


def test_syllables_are_normalised_words():
    assert syllables("Ông  Nguyễn Văn A, sinh năm 1965") == [
        "ông",
        "nguyễn",
        "văn",
        "a",
        "sinh",
        "năm",
    ]


def test_number_form_ignores_spacing_dashes_and_d_stroke():
    assert number_form("02/2022/QĐXX - LĐST") == "02/2022/QDXX-LDST"
    assert number_form("129 / QĐ – CCTHADS") == number_form("129/QD-CCTHADS")
    assert number_form("12/2020/ds-st") == "12/2020/DS-ST"

"""PDF text layers: kept when they are trustworthy Vietnamese, repaired when the damage is a
known encoding (ƣ for ư, TCVN3, VNI), sent to OCR when marks were dropped or it is garbage."""

from __future__ import annotations

import time

import pytest
import vnpages

from ingest.extract import extract_text
from ingest.page import process_page
from ingest.quality import cer
from ingest.tasks import PageTask
from ingest.textlayer import decode_tcvn3, decode_vni, is_syllable, judge_text_layer

GOOD = [
    "Căn cứ Luật Thi hành án dân sự năm 2008, được sửa đổi, bổ sung năm 2014;",
    "Xét đơn yêu cầu thi hành án của ông Nguyễn Văn Tráng, sinh năm 1965, trú tại",
    "thôn Đông Xá, xã Đặng Xá, huyện Gia Lâm, thành phố Hà Nội.",
    "Điều 1. Cho thi hành án đối với bà Trần Thị Hồng: trả cho ông Tráng số tiền",
    "150.000.000 đồng và tiền lãi chậm thi hành án theo quy định của pháp luật.",
]
GOOD_TEXT = "\n".join(GOOD)

_TO_TCVN3 = {
    "à": "µ", "á": "¸", "ả": "¶", "ã": "·", "ạ": "¹", "ă": "¨", "â": "©", "đ": "®", "Đ": "§",
    "ê": "ª", "ô": "«", "ơ": "¬", "ư": "\u00ad", "ầ": "Ç", "ấ": "Ê", "ậ": "Ë", "ắ": "¾", "ằ": "»",
    "ặ": "Æ", "é": "Ð", "ẹ": "Ñ", "ề": "Ò", "ể": "Ó", "ế": "Õ", "ệ": "Ö", "ì": "×", "ỉ": "Ø",
    "í": "Ý", "ị": "Þ", "ò": "ß", "ỏ": "á", "ó": "ã", "ọ": "ä", "ồ": "å", "ổ": "æ", "ố": "è",
    "ộ": "é", "ờ": "ê", "ở": "ë", "ớ": "í", "ợ": "î", "ù": "ï", "ủ": "ñ", "ú": "ó", "ụ": "ô",
    "ừ": "õ", "ử": "ö", "ữ": "÷", "ứ": "ø", "ự": "ù", "ỳ": "ú", "ý": "ý", "ễ": "Ô", "ã ": "· ",
}  # fmt: skip


def to_tcvn3(text: str) -> str:
    """What a .VnTime document looks like when its text is extracted as Latin-1."""
    return "".join(_TO_TCVN3.get(ch, ch) for ch in text)


def test_syllable_rules_are_vietnamese():
    for word in ("người", "được", "quyết", "giữa", "gì", "khuỷu", "thuyền", "Nguyễn", "oách"):
        assert is_syllable(word), word
    for word in ("khơng", "cĩ", "bn", "thm", "hành̀", "cáp̀", "tiep", "Email"):
        assert not is_syllable(word), word
    assert not is_syllable("hoc")  # a closed syllable ending in c needs sắc or nặng


def test_domain_example_of_tcvn3_is_decoded():
    assert decode_tcvn3("Sè 173/2004/N§CP ngµy 30 th¸ng 9 n¨m 2004") == (
        "Số 173/2004/NĐCP ngày 30 tháng 9 năm 2004"
    )


def test_unicode_text_layer_is_kept_as_is():
    verdict = judge_text_layer(GOOD_TEXT)
    assert verdict.accepted and verdict.method == "text_layer"
    assert verdict.text == GOOD_TEXT


def test_oi_letter_layer_is_repaired():
    verdict = judge_text_layer(GOOD_TEXT.replace("ư", "ƣ").replace("Ư", "Ƣ"))
    assert verdict.accepted and verdict.method == "text_layer_repaired"
    assert verdict.text == GOOD_TEXT


def test_tcvn3_layer_is_decoded():
    verdict = judge_text_layer(to_tcvn3(GOOD_TEXT))
    assert verdict.accepted and verdict.method == "text_layer_repaired"
    assert verdict.encoding == "tcvn3"
    assert verdict.text == GOOD_TEXT


def test_vni_layer_is_decoded():
    vni = (
        "Ngöôøi ñöôïc thi haønh aùn laø oâng Nguyeãn Vaên Traùng, truù taïi xaõ Ñaëng Xaù, "
        "huyeän Gia Laâm; ngöôøi phaûi thi haønh aùn laø baø Traàn Thò Hoàng."
    )
    assert decode_vni("Ngöôøi ñöôïc") == "Người được"
    verdict = judge_text_layer(vni)
    assert verdict.accepted and verdict.encoding == "vni"
    assert verdict.text.startswith("Người được thi hành án là ông Nguyễn Văn Tráng")


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("", "no text layer"),
        ("bn ỏn s thm s 12/2020/DS-ST ngy 5 thng 3 nm 2020 ca To n nhn dn huyn Gia Lm "
         "v vic tranh chp hp ng vay ti sn gia ng Nguyn Vn A v b Trn Th B", "not valid"),
        ("Tơi tên là Nguyễn Văn A, khơng cĩ việc làm, hiện cư trú tại xã Đơng Hịa; tơi khơng "
         "đồng ý với quyết định của Chi cục Thi hành án dân sự huyện Gia Lâm.", "misplaced"),
        ("Can cu Luat Thi hanh an dan su nam 2008; Xet don yeu cau thi hanh an cua ong Nguyen "
         "Van Trang, sinh nam 1965, tru tai thon Dong Xa, xa Dang Xa", "diacritics missing"),
        ("ÿþÿþ qqq zzkx wxyz brrr ÿÿÿ Ħŋŧ ǂǂ ƺƺ " * 3, "not valid"),
    ],
)  # fmt: skip
def test_damaged_layers_are_sent_to_ocr(raw, why):
    verdict = judge_text_layer(raw)
    assert not verdict.accepted and verdict.method == "ocr"
    assert why in verdict.reason


# --- whole pages through process_page -----------------------------------------------------


def _task(path, out=None) -> PageTask:
    return PageTask(str(path), "0" * 64, 1, "pdf", str(out) if out else None)


def test_born_digital_pdf_page_is_not_ocrd(tmp_path):
    path = tmp_path / "digital.pdf"
    vnpages.text_pdf(path, GOOD)
    out = tmp_path / "out" / "p1.pdf"
    start = time.perf_counter()
    result = process_page(_task(path, out))
    assert time.perf_counter() - start < 1.5
    assert result.error is None and result.method == "text_layer"
    assert result.words is None and result.confidence is None  # no Tesseract ran
    assert cer(GOOD_TEXT, result.text) < 0.01
    assert out.read_bytes()[:5] == b"%PDF-"


def test_pdf_with_oi_letters_is_repaired(tmp_path):
    path = tmp_path / "oi.pdf"
    vnpages.text_pdf(path, [line.replace("ư", "ƣ") for line in GOOD])
    result = process_page(_task(path))
    assert result.method == "text_layer_repaired"
    assert "ƣ" not in result.text and cer(GOOD_TEXT, result.text) < 0.01


def test_tcvn3_pdf_is_decoded(tmp_path):
    path = tmp_path / "vntime.pdf"
    vnpages.text_pdf(path, [to_tcvn3(line) for line in GOOD])
    result = process_page(_task(path))
    assert result.error is None and result.method == "text_layer_repaired"
    assert cer(GOOD_TEXT, result.text) < 0.01


def test_scan_with_a_tone_dropping_text_layer_is_ocrd_instead(tmp_path):
    """Invisible text that lost its marks over a good scan: the scan is read, not the layer."""
    path = tmp_path / "bad-layer.pdf"
    image = vnpages.render_page(200)
    hidden = ["bn ỏn s thm s 12/2020/DS-ST ngy 15 thng 3 nm 2020 ca To n nhn dn huyn Gia Lm"] * 6
    vnpages.scan_pdf_with_hidden_text(path, image, 200, hidden)
    result = process_page(_task(path))
    assert result.error is None and result.method == "ocr"
    assert result.quality.dpi == 200  # from the embedded image, not re-rendered
    assert cer(vnpages.reference_text(), result.text) < 0.01


def test_tcvn3_capitals_come_back_from_the_vntimeh_font(tmp_path):
    """ABC typed capitals in ".VnTimeH" with the lower-case codes: the font names say which
    runs were capitals, so the decoded header and title are upper case again."""
    caps = [
        "chi cục thi hành án dân sự huyện bình chánh",
        "quyết định",
        "về việc chưa có điều kiện thi hành án",
    ]
    lines = [[("VnTimeH", to_tcvn3(line))] for line in caps]
    law = to_tcvn3("thi hành án dân sự")
    lines.append([("VnTime", to_tcvn3("Căn cứ Điều 44a Luật ")), ("VnTimeH", law), ("VnTime", ";")])
    lines += [[("VnTime", to_tcvn3(line))] for line in GOOD]
    path = tmp_path / "vntimeh.pdf"
    vnpages.abc_font_pdf(path, lines)
    result = process_page(_task(path))
    assert result.error is None and result.method == "text_layer_repaired"
    head = result.text.split("\n")
    assert head[:4] == [
        "CHI CỤC THI HÀNH ÁN DÂN SỰ HUYỆN BÌNH CHÁNH",
        "QUYẾT ĐỊNH",
        "VỀ VIỆC CHƯA CÓ ĐIỀU KIỆN THI HÀNH ÁN",
        "Căn cứ Điều 44a Luật THI HÀNH ÁN DÂN SỰ;",
    ]
    (doc,) = extract_text(result.text)
    assert doc.doc_type == "quyet_dinh_chua_co_dieu_kien"
    assert doc.issuer == "Chi cục Thi hành án dân sự huyện Bình Chánh"

"""OCR accuracy and the Tesseract wrapper, with real Tesseract on rendered Vietnamese pages.

Each page is OCR'd once (module-scoped fixtures): Tesseract costs ~1–2 s per page.
"""

from __future__ import annotations

import io
import time
from pathlib import Path

import numpy as np
import pytest
import vnpages
from pypdf import PdfReader

from ingest.ocr import check_tesseract, ocr_page, parse_tsv
from ingest.page import scale_words
from ingest.pdfout import searchable_page
from ingest.preprocess import preprocess
from ingest.quality import cer
from schemas import Word
from schemas.errors import OcrError

REFERENCE = vnpages.reference_text()


@pytest.fixture(scope="module")
def clean300() -> np.ndarray:
    return vnpages.render_page(300)


@pytest.fixture(scope="module")
def office_result(clean300):
    page = preprocess(vnpages.office_scan(clean300), 300)
    return page, ocr_page(page.image, dpi=page.dpi)


@pytest.fixture(scope="module")
def poor_scan(clean300) -> np.ndarray:
    return vnpages.poor_scan(clean300)


@pytest.fixture(scope="module")
def poor_result(poor_scan):
    page = preprocess(poor_scan, 200)
    return page, ocr_page(page.image, dpi=page.dpi)


def test_office_scan_cer_is_below_half_a_percent(office_result):
    page, out = office_result
    assert "deskew -1.19" in page.steps or abs(page.quality.skew_deg + 1.2) < 0.1
    assert cer(REFERENCE, out.text) <= 0.005


def test_poor_scan_cer_is_below_one_percent(poor_result):
    page, out = poor_result
    assert page.quality.illumination_range > 100  # it really is badly lit
    assert cer(REFERENCE, out.text) <= 0.01


def test_plain_tesseract_is_far_worse_on_the_poor_scan(poor_scan, poor_result):
    """The gap hoso exists for: the same page without flattening and deskew."""
    plain = ocr_page(poor_scan, dpi=200)
    ours = cer(REFERENCE, poor_result[1].text)
    theirs = cer(REFERENCE, plain.text)
    assert theirs > 0.05
    assert theirs > 10 * max(ours, 0.001)


def test_searchable_pdf_page_holds_the_ocr_text_and_the_image(office_result):
    page, out = office_result
    f = page.view.shape[1] / page.image.shape[1]
    words = [w.model_copy() for w in out.words]
    scale_words(words, f)  # as the page step does: boxes in the view's pixels
    pdf = PdfReader(io.BytesIO(searchable_page(words, page.view, page.dpi * f))).pages[0]
    assert cer(out.text, pdf.extract_text()) < 0.05
    images = pdf.images
    assert len(images) == 1
    assert "DCT" in str(images[0].indirect_reference.get_object().get("/Filter"))
    # The page as scanned (300 dpi), not the 250-dpi copy Tesseract read.
    assert images[0].image.size == (page.view.shape[1], page.view.shape[0])
    # A4: the page is 595×842 pt, whatever the pixel size.
    assert abs(float(pdf.mediabox.width) - 595) < 3


def test_words_carry_boxes_lines_and_repaired_letters(office_result):
    _, out = office_result
    assert len(out.words) > 150
    assert all(w.width > 0 and w.height > 0 for w in out.words)
    assert out.words[-1].line > 15
    assert not any("Ð" in w.text for w in out.words)  # Icelandic eth mapped to Đ
    assert "129/QĐ-CCTHADS" in out.text
    assert out.mean_conf is not None and out.mean_conf > 85


def test_tesseract_timeout_becomes_one_line_ocr_error(clean300):
    start = time.perf_counter()
    with pytest.raises(OcrError, match=r"Tesseract timed out after 0\.05 s on page 7"):
        ocr_page(clean300, dpi=300, timeout_s=0.05, page_no=7)
    assert time.perf_counter() - start < 5


def test_version_check_names_missing_language():
    assert check_tesseract("vie").startswith(("4.", "5."))
    with pytest.raises(OcrError, match="xyz.*not installed"):
        check_tesseract("vie+xyz")


def test_thi_hanh_an_misread_is_fixed_but_names_are_kept():
    columns = "level page_num block_num par_num line_num word_num left top width height conf text"
    header = "\t".join(columns.split())

    def row(i: int, text: str, line: int = 1) -> str:
        return f"5\t1\t1\t1\t{line}\t{i}\t{10 * i}\t10\t9\t9\t90\t{text}"

    words = ["CHI", "CỤC", "THỊ", "HÀNH", "ÁN", "bà", "Nguyễn", "Thị", "Hành", "Ð"]
    tsv = "\n".join([header] + [row(i, w, 1 + i // 5) for i, w in enumerate(words)])
    parsed, text = parse_tsv(tsv)
    assert text == "CHI CỤC THI HÀNH ÁN\nbà Nguyễn Thị Hành Đ"
    assert isinstance(parsed[0], Word) and parsed[-1].line == 2


def _words(text: str) -> list[Word]:
    return [Word(text=t, conf=90, left=0, top=0, width=1, height=1) for t in text.split()]


def test_stop_final_syllables_get_a_tone_they_can_carry():
    from ingest.ocr import fix_closed_syllable_tone, fix_known_misreads

    # -p/-t/-c/-ch syllables carry only sắc or nặng: toneless/other tones are misreads.
    assert fix_closed_syllable_tone("đât") == "đất"
    assert fix_closed_syllable_tone("câp") == "cấp"
    assert fix_closed_syllable_tone("phut") == "phút"
    assert fix_closed_syllable_tone("quyêt") == "quyết"
    assert fix_closed_syllable_tone("đươc") == "được"  # nặng: a common word's usual reading
    assert fix_closed_syllable_tone("Viêt") == "Việt"
    assert fix_closed_syllable_tone("ĐÂT") == "ĐẤT"
    # Left alone: valid syllables, open or nasal ones, both-readings-common, abbreviations.
    for word in ("đất", "được", "tình", "phô", "phuc", "tich", "VT", "THADS", "HĐTD", "2020"):
        assert fix_closed_syllable_tone(word) == word
    words = _words("thửa đât, Điêu 89, 13.620.000 đông; thành phô Vĩnh Long; đóng dâu) Lâm Đông")
    fix_known_misreads(words)
    assert " ".join(w.text for w in words) == (
        "thửa đất, Điều 89, 13.620.000 đồng; thành phố Vĩnh Long; đóng dấu) Lâm Đông"
    )
    words = _words("sinh năm 196G; Hất thời hạn - Lưu: VTF, HSTHA. ông VIF, năm 20l9")
    fix_known_misreads(words)
    assert " ".join(w.text for w in words) == (
        "sinh năm 1966; Hết thời hạn - Lưu: VT, HSTHA. ông VIF, năm 2019"
    )


def test_certified_copy_signature_line_crossed_by_a_signature():
    from ingest.ocr import fix_known_misreads

    for read in (
        "tĐã kỹxà đóng dấu)",
        "(Đã kýxà đóng dấu)",
        "(Đã ký-và đóng dấu)",
        "(Đã xà đóng dấu)",
        "(Đã Rýxà đóng dấu)",
        "(Đã Fđxà đóng dấu)",
        "(Đà ký và đóng đâu)",
        "(Đà kýxà đóng đấu)",
        "_(Đã kýxvà đóng dấu)",
    ):
        words = _words(read)
        fix_known_misreads(words)
        assert " ".join(w.text for w in words) == "(Đã ký và đóng dấu)"


def _fixed(read: str) -> str:
    from ingest.correct import fix_tones
    from ingest.ocr import fix_known_misreads

    words = _words(read)
    fix_known_misreads(words)
    fix_tones(words)
    return " ".join(w.text for w in words)


def test_tone_misreads_on_200_dpi_pages_are_restored_from_the_word_list():
    # Real OCR output of poor (200 dpi) bench pages, seed 12, and the seed-8 sample archive.
    assert _fixed("các cơ quan, tố chức, cá nhân") == "các cơ quan, tổ chức, cá nhân"
    assert _fixed("Ngân hàng Thương mại cố phân Sài Gòn") == (
        "Ngân hàng Thương mại cổ phần Sài Gòn"
    )
    assert _fixed("tranh chấp hợp đông vay tài sản") == "tranh chấp hợp đồng vay tài sản"
    assert _fixed("thu nhập không ốn định, không đủ") == "thu nhập không ổn định, không đủ"
    assert _fixed("xét xử văng mặt). NỘI DUNG") == "xét xử vắng mặt). NỘI DUNG"
    # Closed sets: an amount in words, "số" before a number, "vào hồi 10 giờ".
    assert _fixed("(Hai tỷ ba trắm linh một triệu bôn trăm bốn mươi nghìn đông)") == (
        "(Hai tỷ ba trăm linh một triệu bốn trăm bốn mươi nghìn đồng)"
    )
    assert _fixed("(Bồn mươi chín triệu đồng)") == "(Bốn mươi chín triệu đồng)"
    assert _fixed("CMND sô 307721181; thụ lý sõ 27/2019/TLST-KDTM") == (
        "CMND số 307721181; thụ lý số 27/2019/TLST-KDTM"
    )
    assert _fixed("lập xong vào hôi 10 giờ 30") == "lập xong vào hồi 10 giờ 30"


def test_tone_correction_leaves_names_and_true_text_alone():
    # Names are capitalised: "Thăng", "Ốn" may be misreads, but never become other words.
    for text in (
        "ông Dương Văn Thăng, sinh năm 1963",
        "Ông Trần Công Ốn - Công chức",
        "tỉnh Lâm Đông",
        # True text that a looser rule changed: "tròng đỏ", "an dân", "cung cấp", "con nợ",
        # "khoán tiền", "ba lê" are words too.
        "nghìn đồng), trong đó nợ gốc",
        "Luật Thi hành án dân sự thì",
        "- VKSND cùng cấp; THẨM PHÁN",
        "khi xét xử còn nợ gốc",
        "bảo đảm bằng khoản tiền 500.000.000 đồng",
        "trả cho bà Lê Thị Loan",
        "bảy triệu hai trăm hai mươi",
    ):
        assert _fixed(text) == text


def test_list_dashes_read_as_tildes_are_dashes():
    columns = "level page_num block_num par_num line_num word_num left top width height conf text"
    header = "\t".join(columns.split())
    lines = [  # (words, confidence of the first): as the LSTM read ragged dashes, poor pages
        (["Nơi", "nhận:"], 93),
        (["~", "Như", "Điều", "2;"], 92),
        (["~-", "Lưu", "hồ", "sơ."], 45),
        (["~'VKSND", "cùng", "cấp;"], 70),
        (["5", "~", "3"], 90),  # not at the start of a line: left alone
        (["~"], 40),  # nothing after it: a stroke, not a dash
    ]
    rows = [header]
    for n, (words, conf) in enumerate(lines, start=1):
        for i, w in enumerate(words):
            c = conf if i == 0 else 93
            rows.append(f"5\t1\t1\t1\t{n}\t{i + 1}\t{100 + 60 * i}\t{40 * n}\t50\t30\t{c}\t{w}")
    _, text = parse_tsv("\n".join(rows))
    assert text == "Nơi nhận:\n- Như Điều 2;\n- Lưu hồ sơ.\n- VKSND cùng cấp;\n5 ~ 3"


def test_closed_phrases_of_the_document_types_are_restored():
    # Real OCR output of poor (200 dpi) bench pages and sample archives.
    assert _fixed("Các Hội thấm nhân dân: - Thành phân Hội đồng") == (
        "Các Hội thẩm nhân dân: - Thành phần Hội đồng"
    )
    assert _fixed("Chức vụ: Tống giám đốc, sô tiên vay 2.825.000.000") == (
        "Chức vụ: Tổng giám đốc, số tiền vay 2.825.000.000"
    )
    assert _fixed("tỉnh Đông Nai, tỉnh Đông Tháp, tỉnh Lâm Đông") == (
        "tỉnh Đồng Nai, tỉnh Đồng Tháp, tỉnh Lâm Đông"
    )
    assert _fixed("V/% thi hành án; diện tích 659,7 m2, và 120 m°.") == (
        "V/v thi hành án; diện tích 659,7 m², và 120 m²."
    )
    assert _fixed("V/%v cướp giật; Nơi nhận: CHI CUC TRƯỞNG; THANH PHO HÀ NỌI") == (
        "V/v cướp giật; Nơi nhận: CHI CỤC TRƯỞNG; THÀNH PHỐ HÀ NỘI"
    )
    assert _fixed("Cưỡng chê kê biên; bị cường chế; không đủ đế thi hành; án dẫn sự") == (
        "Cưỡng chế kê biên; bị cưỡng chế; không đủ để thi hành; án dân sự"
    )
    assert _fixed("tự nguyện thí hành thì; 659,7 m², đế bảo đảm") == (
        "tự nguyện thi hành thì; 659,7 m², để bảo đảm"
    )
    # Left alone: names, other places, and these words elsewhere.
    for text in ("ông Tống Văn Minh", "phường Đông Hà", "Hà Đông", "mã m2 của", "V/%x"):
        assert _fixed(text) == text


def test_the_word_list_is_kept_and_read_again_when_it_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fork server reads the tone corrector's word list from the set an earlier process
    kept (`ingest.kept`), while the list and the code reading it are unchanged."""
    import marshal

    from ingest import correct

    words = tmp_path / "Viet74K.txt"
    words.write_text("Tổ chức\nhoà giải\nmột\n", encoding="utf-8")
    monkeypatch.setattr(correct, "_dictionary_path", lambda: words)
    try:
        correct._load.cache_clear()
        assert correct._load() == {"tổ chức", "hòa giải"}  # one syllable: not kept
        cache = next((tmp_path / "__pycache__").glob("Viet74K.*.marshal"))
        stamps, _ = marshal.loads(cache.read_bytes())
        cache.write_bytes(marshal.dumps((stamps, frozenset({"kept"}))))
        correct._load.cache_clear()
        assert correct._load() == {"kept"}  # what was kept is answered: the list was not read
        words.write_text("tổ chức\ncổ phần\n", encoding="utf-8")
        correct._load.cache_clear()
        assert correct._load() == {"tổ chức", "cổ phần"}
    finally:
        correct._load.cache_clear()

from pathlib import Path

from ingest.extract import extract_pages
from ingest.extract.segment import segment, starts_document

LABELLED = Path(__file__).parent / "data" / "labelled"


def _pages(*names: str) -> list[tuple[int, str]]:
    texts = [(LABELLED / f"{n}.txt").read_text(encoding="utf-8") for n in names]
    return [(i + 1, t) for i, t in enumerate(texts)]


def test_a_scanned_case_file_is_split_into_its_documents():
    # judgment (2 pages: the second is body text only), enforcement decision, notice
    judgment = (LABELLED / "001.txt").read_text(encoding="utf-8")
    head, tail = judgment[: len(judgment) // 2], judgment[len(judgment) // 2 :]
    pages = [(1, head), (2, "tiếp theo trang trước\n" + tail)] + [
        (3 + i, t) for i, (_, t) in enumerate(_pages("008", "020"))
    ]
    docs = extract_pages(pages)
    assert [(d.pages, d.doc_type) for d in docs] == [
        ([1, 2], "ban_an"),
        ([3, 3], "quyet_dinh_thi_hanh_an"),
        ([4, 4], "thong_bao"),
    ]
    assert docs[0].own_number == "759/2017/LĐ-PT"
    assert docs[1].own_number == "129/QĐ-CCTHADS"


def test_an_ocr_damaged_national_header_still_starts_a_document():
    page = "C0NG HÒA XÃ H0I CHỦ NGHĨA VIÊT NAM\nĐôc lâp - Tư do - Hanh phúc\nBÅN ÁN"
    assert starts_document(page)
    page = "CHI CUC THI HANH AN DAN SU HUYEN X    CONG HOA XA HOl CHU NGHlA VlET NAM"
    assert starts_document(page)


def test_a_section_heading_inside_a_judgment_does_not_start_a_document():
    page = "QUYẾT ĐỊNH:\n1. Chấp nhận yêu cầu khởi kiện của nguyên đơn.\n2. Án phí ..."
    assert not starts_document(page)
    assert len(segment([(1, "BẢN ÁN\nSố: 1/2020/DS-ST"), (2, page)])) == 1


def test_a_title_with_an_issuer_block_starts_a_document_without_the_national_header():
    page = "CHI CỤC THI HÀNH ÁN DÂN SỰ QUẬN 1\nSố: 12/TB-CCTHADS\nTHÔNG BÁO\nVề việc ..."
    assert starts_document(page)


def test_extraction_is_fast_enough_for_the_pipeline():
    import time

    pages = _pages("001", "005", "008", "010", "017", "022")
    extract_pages(pages)
    best = float("inf")
    for _ in range(5):  # CPU time, best of five: the machine is shared
        start = time.process_time()
        extract_pages(pages)
        best = min(best, time.process_time() - start)
    assert best / len(pages) < 0.02

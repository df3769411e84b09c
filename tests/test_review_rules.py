"""What the review queue raises about a document (`ingest.review`), on a real catalog with
real extraction: no false alarm for what a document type does not carry or a role the
vocabulary names, while the real alarms stay."""

from __future__ import annotations

import json
from pathlib import Path

from ingest.catalog import Catalog, PageRow
from ingest.extract import extract_pages
from ingest.review import review_items
from schemas import PageQuality, Word

LABELLED = Path(__file__).parent / "data" / "labelled"

HEADER = """CHI CỤC THI HÀNH ÁN DÂN SỰ QUẬN 5
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc"""
BODY = """Hôm nay, vào lúc 09 giờ 00 phút, ngày 12 tháng 3 năm 2021, tại Ủy ban nhân dân phường 7.
Chúng tôi gồm: Ông Trần Văn Bình, Chấp hành viên.
Tiến hành xác minh điều kiện thi hành án của ông Nguyễn Văn Tráng, sinh năm 1965."""
RECORD = f"{HEADER}\nBIÊN BẢN\nXác minh điều kiện thi hành án\n{BODY}"
# A numbered record whose number OCR misread (the slash lost): extraction finds none.
MISREAD_RECORD = f"{HEADER}\nSố: 76BB-CCTHADS\nBIÊN BẢN\nXác minh điều kiện thi hành án\n{BODY}"
NOTICE = f"{HEADER}\nTHÔNG BÁO\nVề việc thi hành án\n{BODY}"


def _words(text: str) -> list[Word]:
    """Words where a scan would have them: one line of text a line, the last at the foot."""
    lines = text.splitlines()
    out = []
    for i, line in enumerate(lines):
        top = 3000 if i == len(lines) - 1 else 80 + 60 * i
        left = 100
        for w in line.split():
            out.append(
                Word(text=w, conf=90.0, left=left, top=top, width=20 * len(w), height=30, line=i)
            )
            left += 20 * len(w) + 15
    return out


def _catalogue(archive: Path, texts: dict[str, str]) -> dict[str, str]:
    """One file a text, extracted as ingest does; returns name → doc_id."""
    ids = {}
    with Catalog(archive) as cat:
        for i, (name, text) in enumerate(texts.items()):
            sha = f"{i + 1:x}" * 64
            cat.add_file(sha, "pdf", 10, f"/scans/hs-{name}/{name}.pdf", f"hs-{name}")
            cat.save_page(
                PageRow(sha, 1, "ocr", text, 90.0, PageQuality(), _words(text), 2480, 3508, 0)
            )
            (doc_id,) = cat.replace_documents(sha, extract_pages([(1, text)]), extractor="test")
            ids[name] = doc_id
    return ids


def test_a_record_without_a_number_is_no_alarm_but_a_misread_number_and_a_notice_are(tmp_path):
    ids = _catalogue(
        tmp_path / "archive", {"record": RECORD, "misread": MISREAD_RECORD, "notice": NOTICE}
    )
    with Catalog(tmp_path / "archive") as cat:
        assert [cat.document(ids[n]).doc_type for n in ids] == ["bien_ban", "bien_ban", "thong_bao"]
        assert all(cat.document(d).own_number is None for d in ids.values())
        numbers = {i.doc_id: i.why for i in review_items(cat, kind="number")}
    assert ids["record"] not in numbers  # biên bản usually carry no number
    assert numbers[ids["misread"]] == (
        "Không nhận ra số của văn bản; trên trang đọc được: «Số: 76BB-CCTHADS»."
    )
    assert numbers[ids["notice"]] == "Không tìm thấy số của văn bản."


def test_the_queue_worked_out_by_earlier_rules_is_not_shown(tmp_path):
    """What the queue kept for a document under the rules before (a missing number for a
    biên bản) is worked out again, not shown from the old cache."""
    ids = _catalogue(tmp_path / "archive", {"record": RECORD})
    with Catalog(tmp_path / "archive") as cat:
        (at,) = cat.db.execute("SELECT extracted_at FROM documents").fetchone()
        sha, _, page = ids["record"].rpartition(":")
        stale = dict(key=f"number:{ids['record']}", kind="number", what="Biên bản · thiếu số")
        stale |= dict(why="Không tìm thấy số của văn bản.", sha256=sha, page_no=int(page))
        stale |= dict(doc_id=ids["record"], agency=None)
        cat.db.executescript(
            "CREATE TABLE review_doc_cache (doc_id TEXT PRIMARY KEY, extracted_at REAL NOT NULL,"
            " items TEXT NOT NULL)"
        )
        cat.db.execute(
            "INSERT INTO review_doc_cache VALUES (?, ?, ?)",
            (ids["record"], at, json.dumps([stale])),
        )
        cat.db.commit()
        assert review_items(cat, kind="number") == []
        tables = {r[0] for r in cat.db.execute("SELECT name FROM sqlite_master")}
        assert "review_doc_cache" not in tables


def test_a_victim_has_a_role_and_is_no_party_without_one(tmp_path):
    """ "Bị hại" (the victim of a criminal case) maps to `bi_hai`: not flagged as a party
    without a role, as it was while it mapped to `other`."""
    text = (LABELLED / "004.txt").read_text(encoding="utf-8")
    ids = _catalogue(tmp_path / "archive", {"judgment": text})
    with Catalog(tmp_path / "archive") as cat:
        doc = cat.document(ids["judgment"])
        assert ("Hoàng Văn Ph", "bi_hai") in [(p.name, p.role) for p in doc.parties]
        flagged = {i.what: i.why for i in review_items(cat, kind="party")}
    assert "Hoàng Văn Ph" not in flagged

"""The synthetic archive generator: determinism, ground truth, fonts, legacy text layers."""

from __future__ import annotations

import csv
import hashlib
import time
import unicodedata
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

import samplegen
from samplegen.vn import amount_words, date_long, money
from schemas.normalize import fold, normalize
from schemas.vocab import DOC_TYPES, ROLES


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[samplegen.Manifest, float]:
    out = tmp_path_factory.mktemp("samples") / "archive"
    t = time.monotonic()
    m = samplegen.generate(out, seed=7, quick=True)
    return m, time.monotonic() - t


def _digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _n_pages(path: Path) -> int:
    if path.suffix == ".pdf":
        return len(PdfReader(path).pages)
    with Image.open(path) as im:
        return getattr(im, "n_frames", 1)


def test_quick_is_fast_and_small(archive: tuple[samplegen.Manifest, float]) -> None:
    m, seconds = archive
    assert seconds < 20
    assert len(m.cases) == 3
    assert 8 <= m.n_pages <= 16


@pytest.mark.slow
def test_same_seed_same_bytes(archive: tuple[samplegen.Manifest, float], tmp_path: Path) -> None:
    m, _ = archive
    again = samplegen.generate(tmp_path / "again", seed=7, quick=True)
    assert _digest(m.out_dir) == _digest(again.out_dir)
    other = samplegen.generate(tmp_path / "other", seed=8, quick=True)
    assert _digest(other.out_dir) != _digest(m.out_dir)


def test_every_page_has_ground_truth(archive: tuple[samplegen.Manifest, float]) -> None:
    m, _ = archive
    truth = m.truth
    on_disk = {
        str(p.relative_to(m.out_dir))
        for p in m.out_dir.rglob("*")
        if p.is_file() and p.parent != m.out_dir
    }
    assert on_disk == set(truth["files"])
    formats = set()
    qualities = set()
    for rel, f in truth["files"].items():
        formats.add(f["format"])
        qualities.add(f["quality"])
        assert rel.split("/")[0] == f["case_id"]
        n = _n_pages(m.out_dir / rel)
        assert n == f["n_pages"] == len(f["pages"])
        for i, page in enumerate(f["pages"], start=1):
            assert page["page_no"] == i
            assert page["text"].strip()
            assert page["text"] == unicodedata.normalize("NFC", page["text"])
        # Documents tile the file's pages in order.
        expected = 1
        for doc in f["documents"]:
            assert doc["pages"][0] == expected
            expected = doc["pages"][1] + 1
            assert doc["doc_type"] in DOC_TYPES
            assert all(p["role"] in ROLES for p in doc["parties"])
        assert expected == n + 1
    assert {"pdf", "tiff", "jpeg", "png"} <= formats
    assert {"clean", "office", "poor", "digital"} <= qualities


def test_entities_are_written_on_the_pages(archive: tuple[samplegen.Manifest, float]) -> None:
    m, _ = archive
    for f in m.truth["files"].values():
        for doc in f["documents"]:
            a, b = doc["pages"]
            text = " ".join(p["text"] for p in f["pages"][a - 1 : b])
            flat = " ".join(text.split())
            if doc["doc_type"] != "bien_ban":
                assert doc["own_number"] and doc["own_number"] in flat
            for n in doc["numbers"]:
                assert n in flat
            for party in doc["parties"]:
                assert party["name"] in flat, party
                for key in ("id_number", "address", "birth_year"):
                    if party[key] is not None:
                        assert str(party[key]) in flat, (key, party)
            for v in doc["amounts_vnd"]:
                assert money(v, "") in flat
            assert {"date": doc["date"], "kind": "document"} in doc["dates"]


def test_manifest_csv(archive: tuple[samplegen.Manifest, float]) -> None:
    m, _ = archive
    with m.manifest_path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["path"] for r in rows] == m.files
    assert all(r["path"].startswith(r["case_id"] + "/") for r in rows)


def test_recurring_people_and_tone_pairs(archive: tuple[samplegen.Manifest, float]) -> None:
    m, _ = archive
    assert any(len(p["cases"]) >= 2 for p in m.truth["recurring_people"])
    assert m.truth["tone_pairs"]
    where = {p["name"]: set(p["cases"]) for p in m.truth["people"]}
    for a, b in m.truth["tone_pairs"]:
        assert fold(a) == fold(b) and normalize(a) != normalize(b)
        assert where[a] and where[b] and where[a] != where[b]


def test_text_layers(archive: tuple[samplegen.Manifest, float]) -> None:
    m, _ = archive
    kinds = {f["kind"]: rel for rel, f in m.truth["files"].items()}
    digital = PdfReader(m.out_dir / kinds["text_layer"]).pages[0].extract_text()
    own = m.truth["files"][kinds["text_layer"]]["documents"][0]["own_number"]
    assert own in digital and "QUYẾT ĐỊNH" in digital and "Thi hành án" in digital

    rel = kinds["legacy_tcvn3"]
    legacy = PdfReader(m.out_dir / rel).pages[0].extract_text()
    assert "Sè:" in legacy and "Số" not in legacy and "ngµy" in legacy
    truth_page = m.truth["files"][rel]["pages"][0]
    assert samplegen.tcvn3_latin1_to_unicode("ngµy th¸ng n¨m") == "ngày tháng năm"
    assert set(truth_page["text_layer"].split()) <= set(legacy.split())


def test_rotated_page(archive: tuple[samplegen.Manifest, float]) -> None:
    m, _ = archive
    rotated = [
        (rel, p) for rel, f in m.truth["files"].items() for p in f["pages"] if p["rotation_deg"]
    ]
    assert rotated
    rel, page = rotated[0]
    with Image.open(m.out_dir / rel) as im:
        w, h = im.size
    assert (w > h) == (page["rotation_deg"] in (90, 270))


def test_vietnamese_glyphs_render() -> None:
    def ink(text: str) -> np.ndarray:
        img = samplegen.render_page([text], dpi=150)
        return img[:400, :]

    vi = ink("ệ ự ộ ạ ả ấ ầ ơ ư Ư Ơ Đ ỹ ỷ " * 3)
    tofu = ink("\ue000 " * 42)  # private use: the font's .notdef box
    plain = ink("e u o a a a a o u U O D y y " * 3)
    assert (vi < 128).sum() > 0
    assert not np.array_equal(vi, tofu)
    assert not np.array_equal(vi, plain)
    # A box is the same glyph repeated; Vietnamese letters are all different.
    assert abs(int((vi < 128).sum()) - int((tofu < 128).sum())) > 500


def test_degrade_qualities() -> None:
    page = samplegen.render_page(["Quyết định thi hành án số 129/QĐ-CCTHADS"], dpi=100)
    rng = np.random.default_rng(0)
    assert np.array_equal(samplegen.degrade(page, "clean", rng), page)
    office, info = samplegen.degrade_ex(page, "office", np.random.default_rng(1))
    assert 0.5 <= abs(info["skew_deg"]) <= 2.0 and office.shape == page.shape
    poor, info = samplegen.degrade_ex(page, "poor", np.random.default_rng(1))
    assert 2.0 <= abs(info["skew_deg"]) <= 4.0
    assert np.median(poor) < 225  # dim, low-contrast paper
    blur = cv2.blur(poor, (101, 101))
    assert int(blur.max()) - int(blur.min()) > 40  # uneven light
    with pytest.raises(ValueError):
        samplegen.degrade(page, "nope", rng)


def test_vietnamese_formatting() -> None:
    assert amount_words(125_000_000) == "Một trăm hai mươi lăm triệu đồng"
    assert amount_words(1_050_000) == "Một triệu không trăm năm mươi nghìn đồng"
    assert amount_words(21_000) == "Hai mươi mốt nghìn đồng"
    assert amount_words(105) == "Một trăm linh năm đồng"
    assert money(19_026_947) == "19.026.947 đồng"
    import datetime as dt

    assert date_long(dt.date(2020, 3, 5)) == "ngày 05 tháng 3 năm 2020"
    assert date_long(dt.date(2023, 2, 1)) == "ngày 01 tháng 02 năm 2023"
    assert samplegen.tcvn3_as_latin1("Số 173/2004/NĐ-CP ngày 30 tháng 9") == (
        "Sè 173/2004/N§-CP ngµy 30 th¸ng 9"
    )


def test_refuses_foreign_folder(tmp_path: Path) -> None:
    (tmp_path / "precious.txt").write_text("x")
    with pytest.raises(FileExistsError):
        samplegen.generate(tmp_path, quick=True)


def test_layout_stays_on_the_page_and_columns_do_not_touch() -> None:
    from samplegen.render import MARGIN_BOTTOM, PAGE_H, PAGE_W, text_width

    for case in samplegen.make_cases(seed=7, n_cases=6):
        for doc in case.docs:
            for page in samplegen.layout(doc.blocks):
                rows: dict[int, list] = {}
                for p in page.items:
                    if p.kind != "text":
                        continue
                    w = text_width(p.text, p.style, p.size)
                    assert p.x >= 10 and p.x + w <= PAGE_W - 10, p.text
                    assert p.y <= PAGE_H - MARGIN_BOTTOM + 1
                    rows.setdefault(round(p.y * 4), []).append((p.x, p.x + w))
                for spans in rows.values():
                    spans.sort()
                    for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
                        assert end + 5 < start


def test_oi_garble_is_repaired_by_search_normalize() -> None:
    from schemas.normalize import repair

    garbled = samplegen.with_oi("Người được thi hành án TRƯỜNG")
    assert "\u01a3" in garbled and "\u01a2" in garbled and "ư" not in garbled
    assert repair(garbled) == "Người được thi hành án TRƯỜNG"

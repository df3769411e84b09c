"""Files that change under hoso: replaced between discovery and OCR, overwritten by a rescan,
still growing while read, folders moved, an archive inside the scanned folder. Each test makes
its scans (real Tesseract, SQLite catalog and index) and checks that catalog, export and search
agree on what the paths hold now, and that what they held before stays in the history."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from hashlib import sha256
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ingest.catalog import Catalog
from ingest.pipeline import IngestOptions, NoProgress, run_ingest
from schemas import PageRecord, SearchQuery
from search.engine import open_engine
from search.web.accounts import CatalogStore

HOSO = [sys.executable, "-m", "ingest"]


def _page(word: str, number: str) -> np.ndarray:
    from samplegen import render_page

    return render_page(["QUYẾT ĐỊNH THI HÀNH ÁN", f"Số: {number}", f"Ông {word}"], dpi=300)


def _png(path: Path, word: str, number: str = "129/QĐ-CCTHADS") -> bytes:
    """Write the page atomically (a scanner's rename), return its bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    Image.fromarray(_page(word, number)).save(tmp, "PNG")
    os.replace(tmp, path)
    return path.read_bytes()


def _multipage(path: Path, words: list[str]) -> None:
    pages = [Image.fromarray(_page(w, f"{i + 1}/2021/QĐ-CCTHADS")) for i, w in enumerate(words)]
    if path.suffix == ".pdf":
        pages[0].save(path, "PDF", resolution=300, save_all=True, append_images=pages[1:])
    else:
        pages[0].save(path, save_all=True, append_images=pages[1:], compression="tiff_lzw")


def _ingest(scans: Path, archive: Path, progress=None):
    return run_ingest([scans], archive, IngestOptions(workers=1), progress)


def _export(archive: Path) -> list[PageRecord]:
    with Catalog(archive, readonly=True) as cat:
        return list(cat.pages())


def _hits(archive: Path, q: str) -> list[tuple[str, int, str, str | None]]:
    engine = open_engine(archive)
    try:
        result = engine.search(SearchQuery(q=q))
    finally:
        engine.close()
    return [(h.sha256, h.page_no, h.case_id, h.source_path) for g in result.cases for h in g.hits]


def _assert_agree(archive: Path) -> None:
    """Every exported page belongs to a case and a path that exist now."""
    for p in _export(archive):
        assert p.case_id and p.source_path, p
        assert os.path.exists(p.source_path), p.source_path


@pytest.mark.slow
def test_rescan_over_a_file_replaces_its_pages_and_keeps_the_old_in_history(tmp_path):
    scans, archive = tmp_path / "scans", tmp_path / "archive"
    path = scans / "HS-1" / "quyet-dinh.png"
    old = _png(path, "Zyxcuvan", "101/QĐ-CCTHADS")
    _ingest(scans, archive)
    assert len(_hits(archive, "Zyxcuvan")) == 1
    new = _png(path, "Zyxmoivan", "202/QĐ-CCTHADS")  # the rescan, same name
    _ingest(scans, archive)

    pages = _export(archive)
    assert [(p.source_path, p.case_id) for p in pages] == [(str(path), "HS-1")]
    assert pages[0].sha256 == sha256(new).hexdigest() and "202" in pages[0].text
    _assert_agree(archive)
    assert _hits(archive, "Zyxcuvan") == [] and _hits(archive, "101/QĐ-CCTHADS") == []
    assert [h[2:] for h in _hits(archive, "Zyxmoivan")] == [("HS-1", str(path))]
    with Catalog(archive, readonly=True) as cat:  # the old content is history, not lost
        old_sha = sha256(old).hexdigest()
        assert "101" in cat.page_record(old_sha, 1).text
        assert [(h["path"], h["sha256"]) for h in cat.path_history()] == [(str(path), old_sha)]


def test_moved_case_folder_follows_the_files_without_new_ocr(tmp_path):
    scans, archive = tmp_path / "scans", tmp_path / "archive"
    _png(scans / "HS-OLD" / "a.png", "Zyxdoivan")
    _ingest(scans, archive)
    (scans / "HS-OLD").rename(scans / "HS-NEW")
    summary = _ingest(scans, archive)
    assert summary.pages_done == 0  # content already read: moving never re-OCRs

    new_path = str(scans / "HS-NEW" / "a.png")
    assert [(p.case_id, p.case_ids, p.source_path) for p in _export(archive)] == [
        ("HS-NEW", ["HS-NEW"], new_path)
    ]
    _assert_agree(archive)
    assert [h[2:] for h in _hits(archive, "Zyxdoivan")] == [("HS-NEW", new_path)]
    store = CatalogStore(archive)
    assert store.case_exists("HS-NEW") and not store.case_exists("HS-OLD")
    assert [p.source_path for p in store.case_pages("HS-NEW")] == [new_path]
    with Catalog(archive, readonly=True) as cat:
        old_path = str(scans / "HS-OLD" / "a.png")
        assert [(h["path"], h["why"]) for h in cat.path_history()] == [
            (old_path, f"moved to {new_path}")
        ]
        assert [(e["path"], e["state"]) for e in cat.file_states()] == [
            (new_path, "done"),
            (old_path, "moved"),
        ]


class _Hook(NoProgress):
    """Changes a scan at a chosen moment of the run: after discovery, before any page is
    read ("start"), or once `after_pages` pages are in ("pages")."""

    def __init__(self, change, after_pages: int | None = None) -> None:
        self.change, self.after_pages, self.seen = change, after_pages, 0

    def start(self, files: int, pages: int) -> None:
        if self.after_pages is None and self.change:
            self.change()
            self.change = None

    def advance(self, *, pages: int = 0, files: int = 0) -> None:
        self.seen += pages
        if self.after_pages is not None and self.seen >= self.after_pages and self.change:
            self.change()
            self.change = None


def test_file_replaced_after_discovery_is_stored_under_the_hash_of_what_was_read(tmp_path):
    scans, archive = tmp_path / "scans", tmp_path / "archive"
    path = scans / "HS-1" / "don.png"
    first = _png(path, "Zyxdauvan", "301/QĐ-CCTHADS")
    second: list[bytes] = []
    _ingest(scans, archive, _Hook(lambda: second.append(_png(path, "Zyxsauvan", "302/QĐ-CCTHADS"))))

    with Catalog(archive, readonly=True) as cat:
        for page in cat.pages(with_history=True):  # nothing filed under the wrong content
            if page.sha256 == sha256(first).hexdigest():
                assert "302" not in page.text and "Zyxsauvan" not in page.text
    pages = _export(archive)
    assert [(p.sha256, p.source_path) for p in pages] == [
        (sha256(second[0]).hexdigest(), str(path))
    ]
    assert "302" in pages[0].text
    _assert_agree(archive)
    assert [h[2:] for h in _hits(archive, "Zyxsauvan")] == [("HS-1", str(path))]


@pytest.mark.slow
@pytest.mark.parametrize("moment", [None, 2], ids=["before-ocr", "after-last-page"])
@pytest.mark.parametrize("name", ["scan.tif", "scan.pdf"])
def test_file_growing_during_the_run_is_done_only_when_complete(name, moment, tmp_path):
    scans, archive = tmp_path / "scans", tmp_path / "archive"
    path = scans / "HS-1" / name
    path.parent.mkdir(parents=True)
    words = ["Zyxmotvan", "Zyxhaivan", "Zyxbavan"]
    _multipage(path, words[:2])  # the scanner has written two pages…
    hook = _Hook(lambda: _multipage(path, words), after_pages=moment)  # …then the third
    for _ in range(2):  # the run, then a rerun
        _ingest(scans, archive, hook)
        with Catalog(archive, readonly=True) as cat:
            current = sha256(path.read_bytes()).hexdigest()
            done = [f for f in cat.files() if f.status == "done"]
            assert [(f.sha256, f.n_pages) for f in done] in ([], [(current, 3)])
        pages = [(p.source_path, p.page_no) for p in _export(archive)]
        assert pages in ([], [(str(path), n) for n in (1, 2, 3)])
        _assert_agree(archive)
    assert pages == [(str(path), n) for n in (1, 2, 3)]
    for word in words:
        assert len(_hits(archive, word)) == 1, word


@pytest.mark.slow
def test_archive_inside_the_scanned_folder_is_never_ingested(tmp_path):
    scans = tmp_path / "scans"
    _png(scans / "HS-1" / "a.png", "Zyxmotvan")
    env = {k: v for k, v in os.environ.items() if k != "HOSO_ARCHIVE"}
    for _ in range(2):
        run = subprocess.run(
            [*HOSO, "ingest", ".", "--json", "-j", "1"],
            cwd=scans,
            capture_output=True,
            text=True,
            env=env,
        )
        assert run.returncode == 0, run.stderr
        summary = json.loads(run.stdout)
        assert summary["files_seen"] == 1
        assert "hoso-archive" in {Path(s["path"]).name for s in summary["skipped"]}
    with Catalog(scans / "hoso-archive", readonly=True) as cat:
        assert [Path(f.paths[0]).name for f in cat.files()] == ["a.png"]


@pytest.mark.slow
def test_status_tells_what_happened_to_every_file(tmp_path):
    scans, archive = tmp_path / "scans", tmp_path / "archive"
    case = scans / "HS-1"
    _png(case / "kept.png", "Zyxmotvan")
    _png(case / "rescanned.png", "Zyxhaivan")
    _png(case / "deleted.png", "Zyxbavan")
    (case / "empty.pdf").write_bytes(b"")
    (case / "ghi-chu.txt").write_text("ghi chú", encoding="utf-8")
    _ingest(scans, archive)
    _png(case / "rescanned.png", "Zyxbonvan")
    (case / "deleted.png").unlink()
    _ingest(scans, archive)

    run = subprocess.run(
        [*HOSO, "status", "--archive", str(archive), "--files", "--json"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    status = json.loads(run.stdout)
    states = [(Path(e["path"]).name, e["state"]) for e in status["file_states"]]
    assert states == [
        ("deleted.png", "gone"),
        ("empty.pdf", "failed"),
        ("ghi-chu.txt", "skipped"),
        ("kept.png", "done"),
        ("rescanned.png", "done"),
        ("rescanned.png", "replaced"),
    ]
    assert status["history"] == {"paths": 2, "files": 2, "pages": 2}
    text = subprocess.run(
        [*HOSO, "status", "--archive", str(archive), "--files"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    ).stderr
    assert "gone" in text and "kept in the history" in text and "2 path(s) replaced" in text


def test_a_pdf_is_hashed_again_before_it_is_done(tmp_path):
    """Stamps can miss a rewrite on filesystems with coarse times: a PDF or TIFF (whose pages
    are checked by stamp) is hashed again before it is marked done."""
    from ingest.discover import Found, file_stamp
    from ingest.pipeline import _changed

    path = tmp_path / "scan.pdf"
    _multipage(path, ["Zyxmotvan"])
    stamp, real = file_stamp(str(path)), sha256(path.read_bytes()).hexdigest()
    found = Found(str(path), str(path), "pdf", stamp[0], real, "HS-1", None, stamp)
    assert not _changed(found, rehash=True)
    other = Found(str(path), str(path), "pdf", stamp[0], "0" * 64, "HS-1", None, stamp)
    assert not _changed(other) and _changed(other, rehash=True)


def test_paths_stored_relative_by_an_older_hoso_give_way_to_absolute_ones(tmp_path, monkeypatch):
    scans, archive = tmp_path / "scans", tmp_path / "archive"
    _png(scans / "HS-1" / "a.png", "Zyxmotvan")
    _ingest(scans, archive)
    with Catalog(archive) as cat, cat.db:  # what `hoso ingest scans` stored before
        cat.db.execute("UPDATE file_paths SET path='scans/HS-1/a.png'")
    monkeypatch.chdir(tmp_path)
    _ingest(Path("scans"), archive)
    absolute = str(scans / "HS-1" / "a.png")
    assert [(p.source_path, p.case_ids) for p in _export(archive)] == [(absolute, ["HS-1"])]

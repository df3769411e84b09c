"""Discovery: content identity, case ids, and one clear reason for every file not used."""

import os
from pathlib import Path

from ingest.discover import Broken, Found, Skipped, discover, load_manifest

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PDF = b"%PDF-1.4\n%..." + b"\x00" * 64


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _by_name(items):
    return {os.path.basename(i.display): i for i in items}


def test_first_folder_level_is_the_case(tmp_path: Path):
    _write(tmp_path / "HS-2019-001" / "sub" / "a.png", PNG)
    _write(tmp_path / "HS-2019-002" / "b.jpg", JPEG)
    items = _by_name(discover([tmp_path]))
    assert items["a.png"].case_id == "HS-2019-001"
    assert items["b.jpg"].case_id == "HS-2019-002"


def test_same_content_in_two_folders_has_one_identity(tmp_path: Path):
    a = _write(tmp_path / "c1" / "x.png", PNG)
    b = _write(tmp_path / "c2" / "renamed.png", PNG)
    found = [i for i in discover([tmp_path]) if isinstance(i, Found)]
    assert len(found) == 2
    assert found[0].sha256 == found[1].sha256
    assert {f.display for f in found} == {str(a), str(b)}


def test_unsupported_and_hidden_files_are_skipped_with_reason(tmp_path: Path):
    _write(tmp_path / "c" / "notes.docx", b"PK\x03\x04")
    _write(tmp_path / "c" / ".DS_Store", b"\x00\x01")
    items = _by_name(discover([tmp_path]))
    assert isinstance(items["notes.docx"], Skipped)
    assert ".docx" in items["notes.docx"].reason
    assert isinstance(items[".DS_Store"], Skipped)


def test_empty_and_fake_scans_are_broken_with_one_line(tmp_path: Path):
    _write(tmp_path / "c" / "empty.pdf", b"")
    _write(tmp_path / "c" / "fake.tif", b"this is a text file, not a TIFF")
    items = _by_name(discover([tmp_path]))
    assert isinstance(items["empty.pdf"], Broken)
    assert "0 bytes" in items["empty.pdf"].reason
    assert isinstance(items["fake.tif"], Broken)
    assert "TIFF" in items["fake.tif"].reason and "\n" not in items["fake.tif"].reason


def test_wrong_extension_is_read_by_content(tmp_path: Path):
    _write(tmp_path / "c" / "scan.pdf", JPEG)
    (item,) = list(discover([tmp_path]))
    assert isinstance(item, Found)
    assert item.kind == "jpeg"
    assert item.note and "JPEG" in item.note


def test_symlink_loop_is_reported_not_followed_forever(tmp_path: Path):
    _write(tmp_path / "c" / "a.png", PNG)
    os.symlink(tmp_path / "c", tmp_path / "c" / "loop")
    items = list(discover([tmp_path]))
    assert sum(isinstance(i, Found) for i in items) == 1
    assert any(isinstance(i, Broken) and "loop" in i.reason for i in items)


def test_non_utf8_file_name_is_found_and_printable(tmp_path: Path):
    raw = os.fsencode(str(tmp_path / "c")) + b"/bi\xea\xe2n b\xe3n.png"  # Latin-1 bytes
    os.makedirs(tmp_path / "c")
    with open(raw, "wb") as f:
        f.write(PNG)
    (item,) = list(discover([tmp_path]))
    assert isinstance(item, Found)
    item.display.encode("utf-8")  # storable and printable
    assert os.path.exists(item.path)


def test_manifest_overrides_folder_case_ids(tmp_path: Path):
    _write(tmp_path / "scans" / "box1" / "a.png", PNG)
    manifest = tmp_path / "m.csv"
    manifest.write_text("path,case_id\nscans/box1/a.png,THA-129-2019\n", encoding="utf-8")
    (item,) = list(discover([tmp_path / "scans"], load_manifest(manifest)))
    assert item.case_id == "THA-129-2019"


def test_missing_root_is_one_broken_record(tmp_path: Path):
    (item,) = list(discover([tmp_path / "nope"]))
    assert isinstance(item, Broken)
    assert "no such" in item.reason


def test_fifo_named_like_a_scan_is_broken_not_opened(tmp_path: Path):
    (tmp_path / "c").mkdir()
    os.mkfifo(tmp_path / "c" / "pipe.pdf")
    (item,) = list(discover([tmp_path]))
    assert isinstance(item, Broken)
    assert "regular file" in item.reason


def test_hoso_archive_inside_the_scans_is_skipped_whole(tmp_path: Path):
    _write(tmp_path / "HS-1" / "a.png", PNG)
    archive = tmp_path / "hoso-archive"
    _write(archive / "catalog.sqlite", b"SQLite format 3\x00")
    _write(archive / "pdf" / "0123.pdf", PDF)  # hoso's own output looks like a scan
    items = list(discover([tmp_path]))
    assert [os.path.basename(i.display) for i in items if isinstance(i, Found)] == ["a.png"]
    assert [(i.display, "hoso archive" in i.reason) for i in items if isinstance(i, Skipped)] == [
        (str(archive), True)
    ]
    inside = list(discover([archive / "pdf"]))  # named on purpose: still not input
    assert [type(i) for i in inside] == [Skipped] and "hoso archive" in inside[0].reason


def test_paths_are_absolute_and_carry_the_stamp_of_what_was_hashed(tmp_path: Path, monkeypatch):
    _write(tmp_path / "HS-1" / "a.png", PNG)
    monkeypatch.chdir(tmp_path)
    (found,) = discover([Path(".")])
    assert isinstance(found, Found) and found.display == str(tmp_path / "HS-1" / "a.png")
    st = os.stat(found.path)
    assert found.stamp == (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)

"""A damaged catalog.sqlite or index.sqlite (issue 15, items 10 and 11), damaged here.

The catalog is the system of record: every command names it, says what to do, exits
CATALOG_DAMAGED and leaves its bytes alone. The index is derived: search says to run
`hoso reindex`, and `hoso reindex` (or the next ingest) rebuilds it whatever its state.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from schemas.errors import ExitCode
from tests.hostile import assert_named, copy_archive, hoso, write_scans

pytestmark = pytest.mark.slow  # ingests, damages and re-ingests whole archives


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("damage")
    scans = root / "scans"
    write_scans(scans / "HS-01", 2)
    archive = root / "archive"
    proc = hoso("ingest", scans, "--archive", archive, "--workers", "2")
    assert proc.returncode == 0, proc.stderr
    return scans, archive


def _truncate(db: Path) -> None:
    os.truncate(db, db.stat().st_size // 2)


def _zero_header(db: Path) -> None:
    with open(db, "r+b") as f:
        f.write(b"\0" * 100)


def _flip_text(db: Path) -> None:
    """Flip the bytes of every copy of a name in the page texts: no longer UTF-8."""
    data = bytearray(db.read_bytes())
    needle = "Tráng".encode()
    at = data.find(needle)
    assert at >= 0
    while at >= 0:
        data[at + 2 : at + 4] = b"\xff\xfe"
        at = data.find(needle, at + 1)
    db.write_bytes(bytes(data))


DAMAGES: dict[str, Callable[[Path], None]] = {
    "truncated": _truncate,
    "zeroed header": _zero_header,
    "flipped bytes": _flip_text,
}


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_damaged_catalog_is_named_and_left_alone(base, tmp_path, damage):
    scans, good = base
    archive = copy_archive(good, tmp_path / "archive")
    db = archive / "catalog.sqlite"
    DAMAGES[damage](db)
    before = db.read_bytes()
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(f"path,case_id\n{scans / 'HS-01' / 'page-01.png'},HS-X\n", "utf-8")
    runs = {
        "export": hoso("export", "--archive", archive),
        "reindex": hoso("reindex", "--archive", archive),
        "status": hoso("status", "--archive", archive),
        "ingest": hoso("ingest", scans, "--archive", archive, "--manifest", manifest),
    }
    # export and reindex read every page: they always meet the damage.
    for verb in ("export", "reindex"):
        assert_named(runs[verb], ExitCode.CATALOG_DAMAGED, f"the catalog {db} is damaged")
    for verb, proc in runs.items():
        said = proc.stderr + proc.stdout
        assert "Traceback" not in said, f"{verb}: {said}"
        assert "manifest" not in said, f"{verb} blames the manifest: {said}"
        if damage != "flipped bytes":  # a structural damage stops every command
            assert_named(proc, ExitCode.CATALOG_DAMAGED, "damaged", "backup")
        else:  # a bad text cell is met by the commands that read the texts
            assert proc.returncode in (ExitCode.OK, ExitCode.CATALOG_DAMAGED), f"{verb}: {said}"
    if damage != "flipped bytes":
        assert db.read_bytes() == before, "hoso wrote into a damaged catalog"


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_damaged_index_is_rebuilt_by_reindex(base, tmp_path, damage):
    _, good = base
    archive = copy_archive(good, tmp_path / "archive")
    DAMAGES[damage](archive / "index.sqlite")
    proc = hoso("search", "Tráng", "--archive", archive)
    assert_named(proc, ExitCode.INDEX_DAMAGED, "index", "damaged", "hoso reindex")
    assert_named(hoso("reindex", "--archive", archive), ExitCode.OK, "reindexed 2 pages")
    proc = hoso("search", "Tráng", "--archive", archive, "--json")
    assert_named(proc, ExitCode.OK)
    assert '"total_cases": 1' in proc.stdout


@pytest.mark.parametrize("damage", ["truncated", "zeroed header"])
def test_ingest_rebuilds_a_damaged_index(base, tmp_path, damage):
    scans, good = base
    archive = copy_archive(good, tmp_path / "archive")
    DAMAGES[damage](archive / "index.sqlite")
    assert_named(hoso("ingest", scans, "--archive", archive), ExitCode.OK)
    proc = hoso("search", "Tráng", "--archive", archive, "--json")
    assert_named(proc, ExitCode.OK)
    assert '"total_cases": 1' in proc.stdout

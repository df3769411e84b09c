"""Helpers of the hostile-case tests (issue 15): real scans made here, `hoso` in a subprocess,
and the check every case shares: one sentence, a named exit code, never a traceback."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from schemas.errors import ExitCode

HOSO = [sys.executable, "-m", "ingest"]
LINES = ["QUYẾT ĐỊNH THI HÀNH ÁN", "Số: 129/QĐ-CCTHADS", "Ông Nguyễn Văn Tráng, sinh năm 1965"]


def page_image(lines: list[str] = LINES, dpi: int = 200) -> np.ndarray:
    from samplegen import render_page

    return render_page(lines, dpi=dpi)


def write_scans(folder: Path, n: int, lines: list[str] = LINES, dpi: int = 200) -> list[Path]:
    """`n` one-page PNG scans with different bytes (a page number in the last line)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        path = folder / f"page-{i + 1:02d}.png"
        Image.fromarray(page_image([*lines, f"Trang {i + 1}"], dpi)).save(path)
        out.append(path)
    return out


def hoso(*args: str | Path, timeout: float = 300, **kw: object) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200", **kw.pop("env", {})}  # type: ignore[dict-item]
    return subprocess.run(
        [*HOSO, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        **kw,  # type: ignore[arg-type]
    )


def assert_named(proc: subprocess.CompletedProcess, code: ExitCode, *words: str) -> None:
    """Exit `code`, no traceback, and each of `words` in what the user reads."""
    said = proc.stderr + proc.stdout
    assert "Traceback" not in said, said
    assert proc.returncode == code, f"exit {proc.returncode}, not {code.name}: {said}"
    for w in words:
        assert w in " ".join(said.split()), f"{w!r} not in: {said}"


def copy_archive(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def pages_in(archive: Path) -> int:
    con = sqlite3.connect(f"file:{archive / 'catalog.sqlite'}?mode=ro", uri=True)
    try:
        return con.execute("SELECT COUNT(*) FROM pages").fetchone()[0]
    finally:
        con.close()


def children(pid: int) -> set[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return {int(x) for x in out.stdout.split()}


def alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def ingest_loading(
    folder: Path, archive: Path, modules: tuple[str, ...]
) -> tuple[subprocess.CompletedProcess, list[str] | None]:
    """`hoso ingest folder --archive archive --workers 1 --json` in a fresh Python (hoso's
    tree first on the path), and which of `modules` its main process had loaded at exit
    (None if it never got there)."""
    code = (
        "import atexit, json, sys\n"
        f"mods = {list(modules)!r}\n"
        "loaded = lambda: json.dumps([m for m in mods if m in sys.modules])\n"
        "atexit.register(lambda: print('LOADED:', loaded()))\n"
        "from hoso.cli import main\n"
        f"sys.argv = ['hoso', 'ingest', {str(folder)!r}, '--archive', {str(archive)!r}, "
        "'--workers', '1', '--json']\n"
        "main()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300
    )
    marks = [line for line in out.stdout.splitlines() if line.startswith("LOADED: ")]
    return out, json.loads(marks[-1].removeprefix("LOADED: ")) if marks else None

"""The import rule (docs/architecture.md, "Layers"): the contracts in pyproject.toml hold on
this tree, and the check does catch an import going up the pipeline."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.hostile import ingest_loading

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("hoso", "ingest", "search", "schemas", "samplegen")
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_contracts_kept() -> None:
    out = _lint(ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 broken" in out.stdout


def test_an_upward_import_breaks_a_contract(tmp_path: Path) -> None:
    for name in PACKAGES:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    with (tmp_path / "ingest" / "lock.py").open("a") as f:
        f.write("\nfrom search.web import accounts  # noqa: E402,F401\n")
    out = _lint(tmp_path)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "ingest.lock -> search.web.accounts" in out.stdout


def test_the_ingest_main_process_leaves_the_page_step_to_the_workers(tmp_path: Path) -> None:
    """`hoso ingest`'s main process plans, catalogues, extracts, assembles the file's PDF and
    indexes without NumPy, OpenCV or Tesseract, which only the page workers use (importing
    them cost the main process ~0.2 s of CPU a run); of image files, without pypdf either
    (~0.07 s), which opens PDFs and joins page PDFs when qpdf is missing."""
    from PIL import Image, ImageDraw

    scans = tmp_path / "scans" / "HS-1"
    scans.mkdir(parents=True)
    img = Image.new("L", (1240, 1754), 255)
    ImageDraw.Draw(img).text((150, 200), "QUYET DINH so 12/QD-CCTHADS", fill=0)
    img.save(scans / "p1.png", dpi=(150, 150))
    page_step = ("numpy", "cv2", "tesserocr", "ingest.page", "pypdf")
    out, loaded = ingest_loading(scans.parent, tmp_path / "archive", page_step)
    assert out.returncode == 0, out.stdout + out.stderr
    assert '"pages_done": 1' in out.stdout
    assert loaded == []

"""The extractor version (`ingest.extract.version`) is kept beside the package's bytecode and
used again only while its sources, their folders and hoso's release are unchanged."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("hoso", "ingest", "search", "schemas", "samplegen")
ASK = (
    "from ingest.extract.version import extractor_version, source_files, _digest\n"
    "import importlib.metadata\n"
    "print('VERSION', extractor_version())\n"
    "print('FRESH', _digest(importlib.metadata.version('hoso'), source_files()))\n"
)


def _tree(tmp_path: Path) -> Path:
    for name in PACKAGES:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def _ask(tree: Path) -> tuple[str, str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run(
        [sys.executable, "-c", ASK], cwd=tree, env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stdout + out.stderr
    lines = dict(line.split(" ", 1) for line in out.stdout.splitlines())
    return lines["VERSION"], lines["FRESH"]


def test_the_kept_version_is_used_while_nothing_changed(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    first, fresh = _ask(tree)
    assert first == fresh
    cache = next((tree / "ingest" / "extract" / "__pycache__").glob("version.*.json"))
    kept = json.loads(cache.read_text())
    assert kept["version"] == first
    kept["version"] = "0+kept"  # what the cache says is what is answered: nothing was parsed
    cache.write_text(json.dumps(kept))
    assert _ask(tree)[0] == "0+kept"


def test_a_changed_source_or_a_new_module_changes_the_version(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    first, _ = _ask(tree)
    with (tree / "ingest" / "extract" / "parties.py").open("a") as f:
        f.write("\n# a changed comment changes the version too\n")
    second, fresh = _ask(tree)
    assert second == fresh != first
    (tree / "ingest" / "extract" / "new_rule.py").write_text("RULE = 1\n")
    third, fresh = _ask(tree)
    assert third == fresh not in (first, second)

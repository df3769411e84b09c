"""Which extractor made a file's documents: a version that changes whenever extraction may.

`extractor_version()` is hoso's release plus a digest of the source of every hoso module
extraction runs (this package, the segmenter, and what they import from hoso, followed
import by import). The catalog records it with each file's documents, so that `hoso extract
--archive` re-extracts exactly the files an older extractor read: a new hoso release, or a
changed rule, dictionary or pattern (a changed comment too: re-extraction needs no OCR and
costs milliseconds a document, while a version bumped by hand is forgotten).
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib.metadata
import importlib.util
from pathlib import Path

_OURS = ("ingest", "schemas", "search", "samplegen")
_ROOTS = ("ingest.extract",)  # the segmenter is ingest.extract.segment


def _file_of(module: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
        return None
    return Path(spec.origin)


def _imports(path: Path, module: str) -> set[str]:
    """The hoso modules `path` (module `module`) imports."""
    found: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_bytes())):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)  # submodules named
    return {m for m in found if m.split(".")[0] in _OURS}


def source_files() -> list[Path]:
    """The source files of extraction: the roots and every hoso module they reach."""
    seen: dict[str, Path] = {}
    todo = list(_ROOTS)
    extract_dir = _file_of("ingest.extract")
    if extract_dir is not None:  # every rule module of the package, imported or not
        todo += [f"ingest.extract.{p.stem}" for p in extract_dir.parent.glob("*.py")]
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        path = _file_of(module)
        if path is None:
            continue
        seen[module] = path
        todo.extend(_imports(path, module) - seen.keys())
    return sorted(set(seen.values()))


@functools.cache
def extractor_version() -> str:
    """`<hoso release>+<12 hex digits>`, the same in every process running the same code."""
    try:
        release = importlib.metadata.version("hoso")
    except importlib.metadata.PackageNotFoundError:
        release = "0"
    digest = hashlib.sha256()
    for path in source_files():
        digest.update(f"{path.parent.name}/{path.name}\0".encode())
        digest.update(path.read_bytes())
    return f"{release}+{digest.hexdigest()[:12]}"

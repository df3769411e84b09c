"""Which extractor made a file's documents: a version that changes whenever extraction may.

`extractor_version()` is hoso's release plus a digest of the source of every hoso module
extraction runs (this package, the segmenter, and what they import from hoso, followed
import by import). The catalog records it with each file's documents, so that `hoso extract
--archive` re-extracts exactly the files an older extractor read: a new hoso release, or a
changed rule, dictionary or pattern (a changed comment too: re-extraction needs no OCR and
costs milliseconds a document, while a version bumped by hand is forgotten).

Finding those modules parses each source (~0.05 s of CPU, paid by every `hoso ingest`): the
version is kept beside Python's own bytecode cache (`__pycache__` of this package, by
`ingest.kept`), with the files it was made of, and used again while none of them and none of
their folders has changed. Where that folder cannot be written, it is worked out each time.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib.metadata
import importlib.util
import json
from pathlib import Path

from ingest import kept

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


def _digest(release: str, paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(f"{path.parent.name}/{path.name}\0".encode())
        digest.update(path.read_bytes())
    return f"{release}+{digest.hexdigest()[:12]}"


def _roots() -> list[str | None]:
    """Where hoso's packages are imported from (another tree: another version)."""
    return [str(_file_of(name)) for name in _OURS]


def _cache_file() -> Path:
    return kept.cache_file(Path(__file__).parent, "version", "json")


def _cached(release: str) -> str | None:
    try:
        record = json.loads(_cache_file().read_text(encoding="utf-8"))
        paths = [Path(p) for p in record["files"]]
        if record["release"] != release or record["roots"] != _roots():
            return None
        if record["stamps"] != kept.stamps(paths):
            return None
        return str(record["version"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _keep(release: str, paths: list[Path], version: str, stamps: kept.Stamps) -> None:
    record = {
        "release": release,
        "roots": _roots(),
        "files": [str(p) for p in paths],
        "stamps": stamps,
        "version": version,
    }
    kept.keep(_cache_file(), json.dumps(record).encode())


@functools.cache
def extractor_version() -> str:
    """`<hoso release>+<12 hex digits>`, the same in every process running the same code."""
    try:
        release = importlib.metadata.version("hoso")
    except importlib.metadata.PackageNotFoundError:
        release = "0"
    version = _cached(release)
    if version is not None:
        return version
    kept.make_folder(_cache_file())
    paths = source_files()
    stamps = kept.stamps(paths)
    version = _digest(release, paths)
    if kept.stamps(paths) == stamps:  # not kept if a source changed while it was read
        _keep(release, paths, version, stamps)
    return version

"""Discovery: walk the folders an archivist names and say what each file is.

Yields one record per file: `Found` (a supported scan with its content kind, sha256, case id
and the `stamp` its hash belongs to), `Skipped` (not a scan: wrong type, hidden file, a hoso
archive) or `Broken` (looks like a scan but cannot be used: empty, unreadable, a symlink loop,
still being written). Paths are absolute. It reads file heads and hashes contents; it never
decodes an image or a PDF (that is `load`'s job) and never touches the catalog.
"""

from __future__ import annotations

import csv
import hashlib
import os
import stat
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from schemas.errors import ManifestError

# A folder holding this file is a hoso archive (`ingest.catalog.Catalog.FILENAME`): hoso's
# own output, never input, even when it sits inside the folder being scanned.
ARCHIVE_MARKER = "catalog.sqlite"

# What identifies a file's bytes without reading them: size, modification and change times
# (the change time moves on every write and cannot be set back), inode. The hash of a file is
# only trusted while its stamp stays the same (`file_stamp`).
Stamp = tuple[int, int, int, int]

SUPPORTED_SUFFIXES = {
    ".pdf": "pdf",
    ".tif": "tiff",
    ".tiff": "tiff",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".png": "png",
}
_MAGIC = [
    (b"%PDF", "pdf"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"II+\x00", "tiff"),  # BigTIFF
    (b"MM\x00+", "tiff"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
]


@dataclass(frozen=True)
class Found:
    path: str  # the OS path (may hold surrogate escapes for non-UTF-8 names)
    display: str  # the same path, printable and storable as UTF-8
    kind: str  # pdf | tiff | jpeg | png (from the content, not the extension)
    size: int
    sha256: str
    case_id: str
    note: str | None = None  # e.g. extension disagrees with content
    stamp: Stamp | None = None  # the file's stamp when it was hashed


@dataclass(frozen=True)
class Skipped:
    display: str
    reason: str


@dataclass(frozen=True)
class Broken:
    display: str
    reason: str


Discovered = Found | Skipped | Broken


def display_path(path: str) -> str:
    """A path safe to print and to store as UTF-8 (undecodable bytes become \\xNN)."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def sniff_kind(head: bytes) -> str | None:
    """A file's type from its first 1024 bytes (pdf | tiff | jpeg | png), None when it is
    none of them: the one place hoso tells file types apart (`ingest.load.file_kind`)."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    # Some PDFs carry junk before the header; the spec allows it within the first 1024 bytes.
    if b"%PDF-" in head[:1024]:
        return "pdf"
    return None


def file_stamp(path: str) -> Stamp:
    st = os.stat(path)
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def is_archive(folder: str) -> bool:
    return os.path.isfile(os.path.join(folder, ARCHIVE_MARKER))


def sha256_of(path: str, bufsize: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(bufsize):
            h.update(chunk)
    return h.hexdigest()


def load_manifest(manifest: Path) -> dict[str, str]:
    """Read `path,case_id` rows; paths relative to the manifest's folder, resolved."""
    base = manifest.parent
    out: dict[str, str] = {}
    try:
        with open(manifest, newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            if reader.fieldnames is None or not {"path", "case_id"} <= set(reader.fieldnames):
                raise ManifestError(f"{manifest}: the manifest needs the columns path,case_id")
            for row in reader:
                p = (row.get("path") or "").strip()
                case = (row.get("case_id") or "").strip()
                if not p or not case:
                    continue
                out[os.path.realpath(base / p)] = case
    except UnicodeDecodeError:
        raise ManifestError(f"{manifest}: the manifest is not UTF-8 text") from None
    except (OSError, csv.Error) as exc:
        raise ManifestError(f"{manifest}: the manifest cannot be read ({exc})") from None
    return out


def _case_for(root: Path, file_path: str) -> str:
    rel = os.path.relpath(file_path, root)
    parts = Path(rel).parts
    if len(parts) > 1:
        return display_path(parts[0])
    return display_path(root.resolve().name or str(root))


def _classify(path: str, root: Path, manifest: dict[str, str] | None) -> Discovered:
    shown = display_path(path)
    name = os.path.basename(path)
    suffix = os.path.splitext(name)[1].lower()
    if name.startswith("."):
        return Skipped(shown, "hidden file")
    try:
        st = os.stat(path)
    except OSError as exc:
        return Broken(shown, f"cannot read the file ({exc.strerror or exc})")
    if not stat.S_ISREG(st.st_mode):
        return Broken(shown, "not a regular file (device, FIFO or socket)")
    try:
        with open(path, "rb") as f:
            head = f.read(1024)
    except OSError as exc:
        return Broken(shown, f"cannot read the file ({exc.strerror or exc})")
    kind = sniff_kind(head)
    if suffix not in SUPPORTED_SUFFIXES and kind is None:
        return Skipped(shown, f"not a scan (unsupported type {suffix or 'without extension'})")
    if st.st_size == 0:
        return Broken(shown, "empty file (0 bytes)")
    if kind is None:
        return Broken(
            shown,
            f"not a readable {SUPPORTED_SUFFIXES[suffix].upper()} file: its content is not "
            f"PDF, TIFF, JPEG or PNG (starts with {head[:8]!r})",
        )
    note = None
    if suffix in SUPPORTED_SUFFIXES and SUPPORTED_SUFFIXES[suffix] != kind:
        note = f"extension {suffix} but the content is {kind.upper()}; read as {kind.upper()}"
    hashed = _hash_steady(path, shown)
    if isinstance(hashed, Broken):
        return hashed
    digest, stamp = hashed
    case_id = None
    if manifest:
        case_id = manifest.get(os.path.realpath(path))
    if case_id is None:
        case_id = _case_for(root, path)
    return Found(path, shown, kind, stamp[0], digest, case_id, note, stamp)


# A file whose stamp moves while it is hashed is hashed again this often, this far apart;
# then it is left for the next run (a scanner or a copy still writing it).
STEADY_TRIES = 3
STEADY_WAIT_S = 0.5


def _hash_steady(path: str, shown: str) -> tuple[str, Stamp] | Broken:
    """The file's sha256 and the stamp it belongs to (unchanged from before to after)."""
    try:
        for attempt in range(STEADY_TRIES):
            if attempt:
                time.sleep(STEADY_WAIT_S)
            before = file_stamp(path)
            digest = sha256_of(path)
            if file_stamp(path) == before:
                return digest, before
    except OSError as exc:
        return Broken(shown, f"cannot read the file ({exc.strerror or exc})")
    return Broken(
        shown,
        "the file kept changing while it was read (a scanner or a copy still writing it?); "
        "run hoso ingest again when it is complete",
    )


def reread(found: Found) -> Found | Broken:
    """`found` again, after its file changed: new hash and stamp, same place and case."""
    hashed = _hash_steady(found.path, found.display)
    if isinstance(hashed, Broken):
        return hashed
    try:
        with open(found.path, "rb") as f:
            kind = sniff_kind(f.read(1024)) or found.kind
    except OSError as exc:
        return Broken(found.display, f"cannot read the file ({exc.strerror or exc})")
    digest, stamp = hashed
    return replace(found, sha256=digest, stamp=stamp, size=stamp[0], kind=kind)


def walk(root: Path) -> Iterator[str | Broken | Skipped]:
    """Every file below `root` (following links once), or a Broken for each loop or error;
    a hoso archive below it is one Skipped, never walked."""
    if root.is_file():
        yield str(root)
        return
    seen: set[tuple[int, int]] = set()

    def on_error(exc: OSError) -> None:
        errors.append(Broken(display_path(str(exc.filename)), f"cannot list ({exc.strerror})"))

    errors: list[Broken] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True, onerror=on_error):
        yield from errors
        errors.clear()
        try:
            st = os.stat(dirpath)
        except OSError:
            continue
        key = (st.st_dev, st.st_ino)
        if key in seen:
            yield Broken(display_path(dirpath), "symlink loop: folder already visited")
            dirnames[:] = []
            continue
        seen.add(key)
        if ARCHIVE_MARKER in filenames and is_archive(dirpath):
            yield Skipped(display_path(dirpath), "a hoso archive (hoso's own output), not scans")
            dirnames[:] = []
            continue
        dirnames.sort()
        for name in sorted(filenames):
            full = os.path.join(dirpath, name)
            if os.path.islink(full) and not os.path.exists(full):
                yield Broken(display_path(full), "broken symlink")
                continue
            yield full
    yield from errors


def _inside_archive(path: Path) -> str | None:
    """The hoso archive `path` lies in (itself or a parent folder), if any."""
    for folder in [path, *path.parents] if path.is_dir() else path.parents:
        if is_archive(str(folder)):
            return str(folder)
    return None


def discover(roots: Iterable[Path], manifest: dict[str, str] | None = None) -> Iterator[Discovered]:
    for given in roots:
        root = Path(os.path.abspath(given))  # paths in the catalog are absolute
        if not root.exists():
            yield Broken(display_path(str(given)), "no such file or folder")
            continue
        archive = _inside_archive(root)
        if archive is not None:
            reason = f"inside the hoso archive {display_path(archive)} (hoso's own output)"
            yield Skipped(display_path(str(root)), reason)
            continue
        base = root if root.is_dir() else root.parent
        for item in walk(root):
            if isinstance(item, Broken | Skipped):
                yield item
            else:
                yield _classify(item, base, manifest)

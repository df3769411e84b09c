"""Results worked out from source files, kept beside Python's bytecode cache (a package's
`__pycache__`) and used again while those files are unchanged: the extractor's version
(`ingest.extract.version`) and the word list of `ingest.correct`.

A kept result is valid while the stamps (path, mtime, size) of the files it was made from,
and of their folders, are those it was kept with (a new file in one of those folders changes
the folder's stamp). It is written whole (`ingest.atomic`), so a reader never sees half of
one; where the folder cannot be written, nothing is kept and the caller works the result out
each time.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ingest.atomic import replace_via_tmp

Stamps = list[list[object]]


def cache_file(package_dir: Path, name: str, suffix: str) -> Path:
    """`<package_dir>/__pycache__/<name>.<Python's cache tag>.<suffix>`."""
    return package_dir / "__pycache__" / f"{name}.{sys.implementation.cache_tag}.{suffix}"


def stamps(paths: Sequence[Path]) -> Stamps:
    """(path, mtime_ns, size) of each file and of each folder holding one."""
    out: Stamps = []
    for p in [*paths, *sorted({p.parent for p in paths})]:
        st = os.stat(p)
        out.append([str(p), st.st_mtime_ns, st.st_size])
    return out


def make_folder(out: Path) -> None:
    """Create `out`'s folder if it can be (before the stamps are taken: creating it changes
    its parent's stamp)."""
    with contextlib.suppress(OSError):
        out.parent.mkdir(exist_ok=True)


def keep(out: Path, data: bytes) -> None:
    """Write `data` to `out` (`ingest.atomic.replace_via_tmp`); on any OSError, nothing."""
    with contextlib.suppress(OSError):
        replace_via_tmp(out, lambda tmp: Path(tmp).write_bytes(data))

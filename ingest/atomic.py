"""Files replaced whole: written beside their target under a temporary name, then renamed
over it, so that a reader (or a run killed halfway) never sees half of one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def replace_via_tmp(out: Path, write: Callable[[str], object]) -> None:
    """`write(tmp)` fills a temporary file beside `out`, which then replaces `out`
    (readable by all: mode 0644). On any error the temporary file is removed and the
    error raised."""
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise

"""`python -m samplegen OUT_DIR [--seed N] [--cases N] [--quick]`."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from samplegen.writer import generate


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="make-samples", description="Write a synthetic THADS case-file archive."
    )
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument(
        "--cases", type=int, default=None, help="number of cases (default 6; 3 with --quick)"
    )
    ap.add_argument("--quick", action="store_true", help="small archive for tests (~12 pages)")
    a = ap.parse_args(argv)
    t = time.monotonic()
    try:
        m = generate(a.out_dir, seed=a.seed, n_cases=a.cases, quick=a.quick)
    except (FileExistsError, ValueError) as exc:
        print(f"make-samples: error: {exc}", file=sys.stderr)
        return 4
    print(
        f"{len(m.cases)} cases, {len(m.files)} files, {m.n_pages} pages → {m.out_dir} "
        f"({time.monotonic() - t:.1f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

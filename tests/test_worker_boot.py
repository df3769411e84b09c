"""The page workers' fork server (`ingest.worker_boot`) loads the page step without starting
threads: the BLAS libraries loaded with NumPy and OpenCV each started one that spun on the
other core while `hoso ingest` started up there (the page step makes no BLAS call)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_fork_server_preload_starts_no_thread() -> None:
    code = (
        "import os\n"
        "import ingest.worker_boot\n"
        "print('THREADS', len(os.listdir('/proc/self/task')))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    env["PYTHONPATH"] = str(ROOT)
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "THREADS 1" in out.stdout, out.stdout

"""Imported once by the local pool's fork server before it forks any worker (see
`ingest.executor.LocalExecutor`): the page step's modules, the word list of `ingest.correct`
and a Tesseract engine for the default language with its model, so that no worker pays for
them again (~0.6 s, ~0.2 s and ~0.08 s of CPU each). The forked workers share the model's
pages until they write to them (Tesseract runs no threads here: `OMP_THREAD_LIMIT=1`). The
model loads in a thread while the modules are imported (`ingest.engine.preload`); that thread
has ended before the server forks.

OpenBLAS (NumPy's, and the copy bundled with OpenCV) is told to start no threads of its own
before either is loaded: the page step makes no BLAS call, and at load each copy started a
thread that spun on the other core (~0.15-0.2 s of CPU while `hoso ingest` itself starts up
there). Parallelism comes from the worker processes."""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from ingest.engine import preload  # noqa: E402
from ingest.tasks import OcrOptions  # noqa: E402

engine_loaded = preload(OcrOptions().lang)  # in a thread, during the imports below

import ingest.page  # noqa: E402, F401
from ingest.correct import dictionary  # noqa: E402

dictionary()
engine_loaded()  # the thread has ended: the server forks with one thread

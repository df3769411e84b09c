"""Imported once by the local pool's fork server before it forks any worker (see
`ingest.executor.LocalExecutor`): the page step's modules, the word list of `ingest.correct`
and a Tesseract engine for the default language with its model, so that no worker pays for
them again (~0.6 s, ~0.2 s and ~0.08 s of CPU each). The forked workers share the model's
pages until they write to them (Tesseract runs no threads here: `OMP_THREAD_LIMIT=1`)."""

from __future__ import annotations

import ingest.page  # noqa: F401
from ingest.correct import dictionary
from ingest.engine import preload
from ingest.tasks import OcrOptions

dictionary()
preload(OcrOptions().lang)

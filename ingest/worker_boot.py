"""Imported once by the local pool's fork server before it forks any worker (see
`ingest.executor.LocalExecutor`): the page step's modules and the word list of
`ingest.correct`, so that no worker pays for them again (~0.6 s and ~0.2 s of CPU each)."""

from __future__ import annotations

import ingest.page  # noqa: F401
from ingest.correct import dictionary

dictionary()

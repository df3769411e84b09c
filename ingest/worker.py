"""The page step as the main process hands it to the page workers: `run_page`, by reference.

A process pool pickles the function it runs by its module and name, and pickling checks it
against the module: handing over `ingest.page.process_page` itself made `hoso ingest`'s main
process import the page step (NumPy, OpenCV, Tesseract, the cleaning and OCR modules) that
only the workers run. This module imports only the page contract (`ingest.tasks`); the
workers have the page step loaded already (`ingest.worker_boot`).
"""

from __future__ import annotations

from ingest.tasks import PageResult, PageTask


def run_page(task: PageTask) -> PageResult:
    """`ingest.page.process_page(task)`, imported in the process that runs it."""
    from ingest.page import process_page

    return process_page(task)

"""The in-process Tesseract engine (`ingest.engine`): one engine per process, the worker's
watchdog for calls that hang past their timeout, orientation, language checks."""

from __future__ import annotations

import subprocess
import sys
import time

import cv2
import numpy as np
import pytest
import vnpages

from ingest import engine
from schemas.errors import OcrError


def test_the_engine_is_loaded_once_per_process_and_reads_arrays():
    page = vnpages.render_page(300)[:900]  # the top of a page: a few lines
    first = engine.recognize(page, dpi=300)
    api = engine._engine("vie")
    second = engine.recognize(page, dpi=300)
    assert engine._engine("vie") is api
    assert first == second
    assert first.startswith(engine.TSV_HEADER)
    assert any(row.startswith("5\t") for row in first.splitlines())


def test_the_engine_variables_are_set_and_leave_the_reading_as_it_was():
    page = vnpages.render_page(300)[:900]
    api = engine._engine("vie")
    for name, value in engine.VARIABLES.items():
        assert api.GetVariableAsString(name) == value
    tuned = engine.recognize(page, dpi=300)
    api.SetVariable("textord_all_prop", "0")  # Tesseract's default: the fixed-pitch test runs
    try:
        plain = engine.recognize(page, dpi=300)
    finally:
        api.SetVariable("textord_all_prop", engine.VARIABLES["textord_all_prop"])
    assert tuned == plain


def test_a_colour_or_16_bit_image_is_refused_in_one_sentence():
    with pytest.raises(OcrError, match="8-bit grey"):
        engine.recognize(np.zeros((10, 10, 3), np.uint8), dpi=300)


def test_orientation_of_an_upside_down_page():
    page = vnpages.render_page(150)
    rotate, conf = engine.orientation(np.ascontiguousarray(page[::-1, ::-1]), dpi=150)
    assert rotate == 180 and conf > 2


def test_a_missing_language_is_named():
    with pytest.raises(OcrError, match="xyz.*not installed"):
        engine.check_tesseract("vie+xyz")


WATCHED = """
import time
from ingest import engine
engine.HARD_GRACE_S = 0.5
engine.arm_watchdog()
with engine._deadline(0.2, "page 3"):
    time.sleep(30)  # a Tesseract call that never returns
"""


def test_a_worker_whose_tesseract_call_hangs_ends_itself():
    """Tesseract's own deadline does not cover layout analysis: the worker's watchdog ends
    the process, and the pool replaces it (`ingest.executor`)."""
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", WATCHED], capture_output=True, text=True,
                          timeout=60)  # fmt: skip
    assert proc.returncode == 70
    assert "Tesseract hung on page 3" in proc.stderr
    assert time.monotonic() - start < 10


def test_a_blank_page_is_not_sent_to_tesseract_but_a_lone_line_is(tmp_path, monkeypatch):
    from PIL import Image

    from ingest.page import process_page
    from ingest.tasks import PageTask

    calls = []
    real = engine.recognize
    monkeypatch.setattr(engine, "recognize", lambda *a, **k: calls.append(1) or real(*a, **k))
    paper = np.full((3508, 2480), 235, np.uint8)
    Image.fromarray(paper).save(tmp_path / "blank.png", dpi=(300, 300))
    line = paper.copy()
    cv2.putText(line, "Trang 2", (1100, 3300), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 20, 3)
    Image.fromarray(line).save(tmp_path / "line.png", dpi=(300, 300))
    blank = process_page(PageTask(str(tmp_path / "blank.png"), "b", 1, "png", None))
    assert blank.error is None and blank.text == "" and calls == []
    assert "blank page" in blank.quality.reasons
    lone = process_page(PageTask(str(tmp_path / "line.png"), "l", 1, "png", None))
    assert lone.error is None and calls  # under BLANK_INK, but ink: read


def test_leptonica_chatter_does_not_reach_the_terminal():
    """What C code writes to fd 2 during a Tesseract call (Leptonica wrote "Error in
    pixScanForForeground: invalid box" during real ingests) is dropped; stderr works after."""
    code = (
        "import os, sys\n"
        "from ingest import engine\n"
        "with engine._deadline(5, 'page 1'):\n"
        "    os.write(2, b'Error in boxClipToRectangle\\n')\n"
        "sys.stderr.write('after\\n')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "after\n"

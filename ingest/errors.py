"""Exit codes and named failures: one place, imported by every command.

A failure that reaches the user is one sentence (`str(exc)`), never a traceback.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    SOME_FAILED = 3  # the batch finished, but some files or pages failed (see `hoso status`)
    USAGE = 2  # bad arguments (typer/click's own code for usage errors)
    BAD_INPUT = 4  # nothing usable was given (no such path, empty manifest)
    BACKEND_UNAVAILABLE = 5  # Elasticsearch or another service could not be reached
    INTERRUPTED = 130


class HosoError(Exception):
    """Base class: a failure with a one-line reason for the user."""

    exit_code: ExitCode = ExitCode.BAD_INPUT


class InputFileError(HosoError):
    """A source file (or one of its pages) cannot be read: wrong type, broken, encrypted…"""


class OcrError(HosoError):
    """Tesseract crashed, timed out or returned nothing usable."""


class BackendUnavailable(HosoError):
    exit_code = ExitCode.BACKEND_UNAVAILABLE

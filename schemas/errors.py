"""Exit codes and named failures: one place, imported by every command.

A failure that reaches the user is one sentence (`str(exc)`), never a traceback. Each
failure class carries the exit code `hoso` ends with; `ExitCode` is the whole list.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    USAGE = 2  # bad arguments (typer/click's own code for usage errors)
    SOME_FAILED = 3  # the batch finished, but some files or pages failed (see `hoso status`)
    BAD_INPUT = 4  # nothing usable was given (no such path, empty manifest, bad manifest)
    BACKEND_UNAVAILABLE = 5  # Elasticsearch, a Dask scheduler or another service is unreachable
    DISK_FULL = 6  # no space left where the archive (or a temporary file) is written
    ARCHIVE_NOT_WRITABLE = 7  # read-only archive, or one that belongs to another user
    CATALOG_DAMAGED = 8  # catalog.sqlite is not a readable SQLite database any more
    INDEX_DAMAGED = 9  # index.sqlite is damaged: `hoso reindex` rebuilds it
    BUSY = 10  # another ingest, `hoso watch` batch or `hoso extract --archive` holds the archive
    INDEX_BEHIND = 11  # the search index lacks pages of the catalog: `hoso reindex` fills it
    INTERNAL = 70  # a bug: one sentence on the terminal, the traceback in a file
    INTERRUPTED = 130  # Ctrl-C (SIGINT)
    TERMINATED = 143  # SIGTERM (systemd, docker, `timeout`)


class HosoError(Exception):
    """Base class: a failure with a one-line reason for the user."""

    exit_code: ExitCode = ExitCode.BAD_INPUT


class InputFileError(HosoError):
    """A source file (or one of its pages) cannot be read: wrong type, broken, encrypted…"""


class FileChangedError(InputFileError):
    """The file is no longer what was hashed: replaced, or still being written."""


class OcrError(HosoError):
    """Tesseract crashed, timed out or returned nothing usable."""


class UsageError(HosoError):
    """Bad arguments: an option's value or a combination of options `hoso` does not take."""

    exit_code = ExitCode.USAGE


class ManifestError(HosoError):
    """The manifest CSV cannot be used (missing columns, not UTF-8…)."""


class BackendUnavailable(HosoError):
    """Elasticsearch, a Dask scheduler or another service cannot be reached or refused the
    work (retry later; queued index work stays queued)."""

    exit_code = ExitCode.BACKEND_UNAVAILABLE


class DiskFull(HosoError):
    exit_code = ExitCode.DISK_FULL


class ArchiveNotWritable(HosoError):
    exit_code = ExitCode.ARCHIVE_NOT_WRITABLE


class CatalogDamaged(HosoError):
    exit_code = ExitCode.CATALOG_DAMAGED


class IndexDamaged(HosoError):
    exit_code = ExitCode.INDEX_DAMAGED


class ArchiveBusy(HosoError):
    exit_code = ExitCode.BUSY


class IndexBehind(HosoError):
    exit_code = ExitCode.INDEX_BEHIND


class Interrupted(HosoError):
    """Ctrl-C or SIGTERM during a run: what is catalogued is kept, a rerun finishes."""

    exit_code = ExitCode.INTERRUPTED


class Terminated(BaseException):
    """Raised in the main thread by the SIGTERM handler (a BaseException like
    KeyboardInterrupt, so that no `except Exception` on the way swallows it)."""

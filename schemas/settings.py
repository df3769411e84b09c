"""hoso's environment variables: the one place they are read (pydantic-settings).

Every variable, its default and what reads it are listed in the README ("Environment
variables"). `settings()` reads the environment when called, so a value set by a test or by
`hoso serve` for its workers is seen; nothing caches it. A value that is not a number where
a number is expected is ignored (the default applies), as hoso always did.

The two that `hoso` options fall back to (`--archive`, `--es-url`) are also read by the
command line library, under the names given here (`env_name`), so that `--help` shows them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_ES_ALIAS = "hoso-pages"
# `hoso serve`'s result cache (entries per worker process): a repeated search is answered
# from memory until the index changes (search.engine.ResultCache).
SERVE_CACHE_ENTRIES = 512
# Searches running at once in a serve worker process (search.web.context.WebSettings).
SEARCH_THREADS = 2


def _digits(value: Any) -> Any:
    """An int from a string of digits; None for anything else not already an int."""
    if isinstance(value, int) or value is None:
        return value
    text = str(value).strip()
    return int(text) if text.isdigit() else None


class Settings(BaseSettings):
    """The environment hoso runs in. Field `x` is the variable HOSO_X unless aliased."""

    model_config = SettingsConfigDict(env_prefix="HOSO_", extra="ignore", frozen=True)

    archive: Path = Path("hoso-archive")  # HOSO_ARCHIVE: `--archive`'s default
    es_url: str | None = None  # HOSO_ES_URL: `--es-url`'s default (none: the SQLite index)
    es_index: str = DEFAULT_ES_ALIAS  # HOSO_ES_INDEX: the Elasticsearch alias searched and fed
    # HOSO_ES_DERIVE_WORKERS: processes deriving documents in an ES rebuild (None: 2 on
    # Linux, else 0).
    es_derive_workers: int | None = None
    search_cache: int = SERVE_CACHE_ENTRIES  # HOSO_SEARCH_CACHE: 0 turns the cache off
    search_threads: int = SEARCH_THREADS  # HOSO_SEARCH_THREADS: at least 1
    traceback: bool = False  # HOSO_TRACEBACK: any non-empty value prints tracebacks
    # Tesseract's own variable: where its language data is (ingest.engine.tessdata_dir).
    tessdata_prefix: str | None = Field(
        default=None, validation_alias=AliasChoices("TESSDATA_PREFIX")
    )

    @field_validator("archive", mode="before")
    @classmethod
    def _archive(cls, value: Any) -> Any:
        return value if value not in ("", None) else Path("hoso-archive")

    @field_validator("search_cache", mode="before")
    @classmethod
    def _cache(cls, value: Any) -> Any:
        n = _digits(value)
        return SERVE_CACHE_ENTRIES if n is None else max(0, n)

    @field_validator("search_threads", mode="before")
    @classmethod
    def _threads(cls, value: Any) -> Any:
        n = _digits(value)
        return SEARCH_THREADS if n is None else max(1, n)

    @field_validator("es_derive_workers", mode="before")
    @classmethod
    def _derive(cls, value: Any) -> Any:
        return _digits(value)

    @field_validator("traceback", mode="before")
    @classmethod
    def _flag(cls, value: Any) -> Any:
        return bool(value) if not isinstance(value, str) else value != ""

    @classmethod
    def env_name(cls, field: str) -> str:
        """The environment variable of `field` ("archive" → "HOSO_ARCHIVE")."""
        alias = cls.model_fields[field].validation_alias
        if isinstance(alias, AliasChoices):
            return str(alias.choices[0])
        return f"{cls.model_config.get('env_prefix', '')}{field}".upper()


def settings() -> Settings:
    """The environment's settings, read now."""
    return Settings()

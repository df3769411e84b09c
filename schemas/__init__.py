"""Pydantic models: the single definition of every record hoso stores, prints or serves.

`schemas` imports nothing from `ingest` or `search`.
"""

from schemas.models import (
    Amount,
    Case,
    CaseGroup,
    DateRef,
    Document,
    ExtractedFile,
    Failure,
    FileRecord,
    IndexPage,
    NumberRef,
    PageQuality,
    PageRecord,
    Party,
    Reference,
    SearchHit,
    SearchQuery,
    SearchResult,
    Word,
)
from schemas.vocab import (
    DATE_KINDS,
    DOC_TYPES,
    NUMBER_KINDS,
    ROLES,
    DateKind,
    DocType,
    NumberKind,
    Role,
)

__all__ = [
    "Amount",
    "Case",
    "CaseGroup",
    "DATE_KINDS",
    "DateKind",
    "DateRef",
    "DOC_TYPES",
    "DocType",
    "Document",
    "ExtractedFile",
    "Failure",
    "FileRecord",
    "IndexPage",
    "NUMBER_KINDS",
    "NumberKind",
    "NumberRef",
    "PageQuality",
    "PageRecord",
    "Party",
    "ROLES",
    "Reference",
    "Role",
    "SearchHit",
    "SearchQuery",
    "SearchResult",
    "Word",
]

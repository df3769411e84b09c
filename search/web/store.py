"""What the web service needs from the archive: one Protocol, no implementation.

The app in `search.web` is built on this interface so that it never imports `ingest`;
`search.web.accounts.CatalogStore` implements it over the catalog (SQLite). Everything here is
read-mostly: the only writes are accounts, API tokens and the audit log. Paths returned by
the store are computed from validated ids, never from user input.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from schemas import Document, FileRecord, PageRecord


@dataclass(frozen=True)
class User:
    username: str
    password_hash: str
    role: str = "officer"  # officer | admin
    disabled: bool = False


@dataclass(frozen=True)
class AuditEntry:
    at: float
    username: str
    action: str  # search | page_view | api_search | api_page | …
    target: str  # JSON: the query, {"case", "file", "page"} or {"username", "client"}
    n_results: int | None


@dataclass(frozen=True)
class WithheldRecord:
    """A public row the last check withheld: what it was, why, when first and last seen."""

    case_id: str
    doc_id: str | None
    kind: str  # debtor | document
    reasons: tuple[str, ...]
    row_json: str  # the row as it would have been shown (officers only)
    first_seen: float = 0.0
    last_seen: float = 0.0
    times: int = 1


@dataclass(frozen=True)
class PageInfo:
    """One scanned page of a case, without its text: for the case page's page list."""

    sha256: str
    page_no: int
    source_path: str
    method: str
    confidence: float | None
    needs_rescan: bool
    reasons: tuple[str, ...]


class WebStore(Protocol):
    # -- archive content -------------------------------------------------------------------
    def case_exists(self, case_id: str) -> bool: ...

    def case_documents(self, case_id: str) -> list[Document]: ...

    def case_pages(self, case_id: str) -> list[PageInfo]: ...

    def document(self, doc_id: str) -> Document | None: ...

    def documents_of_type(self, doc_type: str) -> list[Document]:
        """Every document of one type, with `case_id` filled: for the public lists."""
        ...

    def page(self, sha256: str, page_no: int, *, with_words: bool) -> PageRecord | None: ...

    def file(self, sha256: str) -> FileRecord | None: ...

    def page_pdf(self, sha256: str, page_no: int) -> Path | None:
        """The per-page searchable PDF if it exists on disk."""
        ...

    def file_pdf(self, sha256: str) -> Path | None:
        """The whole file's searchable PDF if it exists on disk."""
        ...

    def cases_citing(self, number: str) -> list[str]: ...

    def document_text(self, doc: Document) -> str:
        """The OCR text of the document's pages, joined (for the public-view checks)."""
        ...

    def documents_numbered(self, number: str) -> list[Document]:
        """Documents whose own number is `number`, whatever its spacing, dashes or zeros."""
        ...

    # -- public rows withheld by the last check (for officer review) -----------------------
    def record_withheld(self, rows: list[WithheldRecord]) -> None: ...

    def withheld(self, *, limit: int = 100) -> list[WithheldRecord]: ...

    # -- accounts and audit ----------------------------------------------------------------
    def user(self, username: str) -> User | None: ...

    def user_for_token(self, token: str) -> str | None:
        """The username owning a (non-revoked) API token, or None."""
        ...

    def record_audit(
        self, username: str, action: str, target: str, n_results: int | None
    ) -> None: ...

"""Records of files, pages, documents, parties, cases and search hits.

Field names follow the domain vocabulary (docs/domain.md); the CLI's JSON, the catalog's
JSON columns, the HTTP API and the Elasticsearch documents are all built from these models.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from schemas.vocab import DateKind, DocType, FileKind, NumberKind, PageMethod, Role


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Word(_Model):
    """One OCR word with its box in page pixels (of the preprocessed image)."""

    text: str
    conf: float
    left: int
    top: int
    width: int
    height: int
    line: int = 0  # running line number on the page, for snippets


class ReviewField(_Model):
    """A field a person must type: its printed label, what OCR read there (maybe nothing) and
    its box in page pixels. `kind` is "number" (after "Số:") or "day" (in "ngày … tháng")."""

    kind: str
    text: str = ""
    reason: str = ""  # why it needs review ("handwritten: blue ink", ...)
    left: int
    top: int
    width: int
    height: int


class PageQuality(_Model):
    skew_deg: float = 0.0  # angle corrected by deskew
    rotation_deg: int = 0  # 0/90/180/270 corrected by orientation detection
    sharpness: float = 0.0  # variance of the Laplacian on the grey page
    contrast: float = 0.0  # std-dev of grey levels (0-255)
    illumination_range: float = 0.0  # spread of the estimated background (uneven light)
    mean_conf: float | None = None  # mean Tesseract word confidence (0-100)
    dpi: int | None = None  # the resolution the page was read at
    dpi_tag: int | None = None  # the file's resolution tag, when it was not believed
    paper: str | None = None  # the paper size `dpi` was inferred from (ingest.load)
    needs_rescan: bool = False
    reasons: list[str] = Field(default_factory=list)
    # Handwritten fields found on the page: the document needs a person to check them.
    review: list[ReviewField] = Field(default_factory=list)


class PageRecord(_Model):
    sha256: str
    page_no: int  # 1-based
    case_id: str
    case_ids: list[str] = Field(default_factory=list)  # all cases the content was found in
    source_path: str
    method: PageMethod
    text: str
    confidence: float | None = None
    quality: PageQuality
    width: int | None = None
    height: int | None = None
    words: list[Word] | None = None  # omitted from export unless asked


class FileRecord(_Model):
    sha256: str
    kind: FileKind
    size: int
    n_pages: int | None
    status: str  # pending | done | partial | failed
    error: str | None = None
    paths: list[str] = Field(default_factory=list)
    case_ids: list[str] = Field(default_factory=list)
    searchable_pdf: str | None = None


class Failure(_Model):
    path: str
    sha256: str | None = None
    page_no: int | None = None
    reason: str
    run_id: int | None = None


class NumberRef(_Model):
    text: str  # as written (after OCR repair), e.g. "12/2020/DS-ST"
    kind: NumberKind = "other"
    norm: str = ""  # uniform written form, see schemas.numbers.number_form


class Amount(_Model):
    value_vnd: int
    text: str


class Party(_Model):
    name: str
    role: Role
    honorific: str | None = None
    birth_year: int | None = None
    id_number: str | None = None
    address: str | None = None
    is_organization: bool = False
    # For a representative, guardian or lawyer (role "other"): the names they act for.
    represents: list[str] = Field(default_factory=list)

    @field_validator("represents", mode="before")
    @classmethod
    def _one_name(cls, v: Any) -> Any:
        """Records written before the list (catalogs, JSON) held one name or null."""
        if v is None:
            return []
        return [v] if isinstance(v, str) else v


class DateRef(_Model):
    """A calendar date in a document and what it is to the document (`DateKind`)."""

    date: str  # ISO
    kind: DateKind = "other"


class Reference(_Model):
    """A judgment or decision this document cites (for case links)."""

    number: str
    date: str | None = None  # ISO
    issuer: str | None = None
    kind: NumberKind = "other"


class Document(_Model):
    doc_id: str | None = None  # "<sha256>:<first page>" once catalogued
    doc_type: DocType = "other"
    title: str | None = None
    pages: list[int]  # [first, last], 1-based, inclusive
    own_number: str | None = None
    numbers: list[NumberRef] = Field(default_factory=list)
    date: str | None = None  # ISO date of the document itself
    dates: list[DateRef] = Field(default_factory=list)  # every date, each with its kind
    issuer: str | None = None
    parties: list[Party] = Field(default_factory=list)
    amounts_vnd: list[int] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    case_id: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _plain_dates(cls, data: Any) -> Any:
        """Records written before typed dates held ISO strings: the document's own date
        becomes kind "document", the others "other"."""
        if isinstance(data, dict) and any(isinstance(x, str) for x in data.get("dates") or []):
            own = data.get("date")
            data = dict(data)
            data["dates"] = [
                {"date": x, "kind": "document" if x == own else "other"}
                if isinstance(x, str)
                else x
                for x in data["dates"]
            ]
        return data


class ExtractedFile(_Model):
    file: str
    documents: list[Document]


class Case(_Model):
    case_id: str
    n_files: int = 0
    n_pages: int = 0
    documents: list[Document] = Field(default_factory=list)


class SearchQuery(_Model):
    q: str
    role: Role | None = None
    doc_type: DocType | None = None
    issuer: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    case_id: str | None = None
    page: int = 1  # 1-based page of case groups
    per_page: int = 10


class SearchHit(_Model):
    case_id: str
    doc_id: str | None = None
    doc_type: DocType | None = None
    own_number: str | None = None
    doc_date: str | None = None
    issuer: str | None = None
    sha256: str
    source_path: str | None = None
    page_no: int
    matched_party: Party | None = None
    match: str  # "party" | "number" | "text"
    score: float
    snippet: str = ""  # page text around the match, with <mark>…</mark>


class CaseGroup(_Model):
    case_id: str
    score: float
    hits: list[SearchHit]


class SearchResult(_Model):
    query: SearchQuery
    total_cases: int
    cases: list[CaseGroup]
    backend: str
    took_ms: float = 0.0


class IndexPage(_Model):
    """What a search backend indexes for one page: the page's text and where it lives, plus
    the document covering the page (type, numbers, date, issuer, parties). Built from the
    catalog by `ingest.index`; the search backends derive their normalised fields from it."""

    sha256: str
    page_no: int
    case_id: str
    case_ids: list[str] = Field(default_factory=list)
    source_path: str = ""
    text: str = ""
    doc_id: str | None = None
    doc_type: DocType | None = None
    own_number: str | None = None
    numbers: list[str] = Field(default_factory=list)  # every number the document carries
    doc_date: str | None = None  # ISO, the document's own (year filters use it)
    dates: list[DateRef] = Field(default_factory=list)  # every date of the document, typed
    issuer: str | None = None
    parties: list[Party] = Field(default_factory=list)

    @property
    def page_id(self) -> str:
        return f"{self.sha256}:{self.page_no}"

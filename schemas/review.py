"""Records of the review loop: an officer's correction and an item of the review queue.

A `Correction` is also one line of `hoso corrections export` (JSON Lines). Both are shared
by `ingest.review` (which stores and applies them) and the web routes (which show them).
"""

from __future__ import annotations

import time
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Target = Literal["file", "document", "party", "line"]

# What the review queue lists (`ReviewItem.kind`), with the officer's label for each.
REVIEW_KINDS: dict[str, str] = {
    "number": "Số văn bản thiếu hoặc khó đọc",
    "date": "Ngày văn bản thiếu hoặc khó đọc",
    "party": "Đương sự thiếu vai trò hoặc khó đọc",
    "rescan": "Trang cần quét lại",
    "textlayer": "Lớp chữ PDF đã sửa tự động",
    "withheld": "Dòng công khai bị giữ lại",
    "unmatched": "Sửa lỗi không còn khớp",
}


class Correction(BaseModel):
    """One correction: what it fixes (file, page, target, field, locator), the value
    before and after, who made it and when, and whether it still applies."""

    model_config = ConfigDict(extra="ignore")

    uid: str = Field(default_factory=lambda: uuid.uuid4().hex)
    sha256: str
    page_no: int  # the document's first page, the page of a text line, 1 for a file
    target: Target
    field: str  # document: own_number|date|doc_type|issuer; party: edit|add|remove;
    # line: text; file: boundaries (after: the first page of each document)
    locator: dict[str, Any] = Field(default_factory=dict)  # party {name, role}; line {line}
    before: Any = None
    after: Any = None
    who: str
    at: float = Field(default_factory=time.time)
    status: str = "applied"  # applied | unmatched
    detail: str | None = None  # why it no longer matches
    # Where it was made (for people reading an export; not used to apply it).
    case_id: str | None = None
    path: str | None = None

    @property
    def doc_id(self) -> str:
        return f"{self.sha256}:{self.page_no}"


class ReviewItem(BaseModel):
    """Something an officer should look at, with where it is and since when."""

    key: str  # stable: "number:<doc_id>", "rescan:<sha>:<page>", …
    kind: str  # a key of REVIEW_KINDS
    case_id: str | None = None
    sha256: str | None = None
    page_no: int | None = None
    doc_id: str | None = None
    agency: str | None = None  # the issuer of the document concerned
    what: str  # one line: the value in question
    why: str  # one sentence
    since: float  # when the thing was catalogued (its age)


class FieldBox(BaseModel):
    """Where a value stands on its page (union of its words' boxes, page pixels)."""

    page_no: int
    left: int
    top: int
    width: int
    height: int
    conf: float | None = None  # the lowest confidence of its words (0-100)

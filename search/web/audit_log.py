"""What an audit entry names: the case, file and page an officer touched, never a hash.

Every search, case view, page view and download is audited (`app.record_audit`), and so
are logins, failed logins and lockouts. The target of an entry is a small JSON object a
reader of `hoso audit` understands: {"case": …, "file": …, "page": …} for pages and
files, {"username": …, "client": …} for logins; a search keeps its query (JSON).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request

from schemas import FileRecord, PageRecord


def _dumps(data: dict[str, Any]) -> str:
    return json.dumps(
        {k: v for k, v in data.items() if v is not None},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def page_target(rec: PageRecord) -> str:
    return _dumps({"case": rec.case_id, "file": rec.source_path, "page": rec.page_no})


def file_target(rec: FileRecord | None, page_no: int | None = None) -> str:
    case = rec.case_ids[0] if rec and rec.case_ids else None
    path = rec.paths[0] if rec and rec.paths else None
    return _dumps({"case": case, "file": path, "page": page_no})


def login_target(request: Request, username: str) -> str:
    client = request.client.host if request.client else None
    return _dumps({"username": username[:100], "client": client})

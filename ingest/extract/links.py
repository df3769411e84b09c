"""Case links: the judgments and decisions a document cites, with their date and issuer.

"Căn cứ Bản án số 12/2020/DS-ST ngày 28/7/2020 của Tòa án nhân dân huyện G" becomes a
`Reference`, so a search on either number finds the whole case (`Catalog.cases_citing`).
Acceptance numbers, trial orders, normative acts and công văn are numbers but not links.
Within one file, a citation of a sibling document's own number borrows its date/issuer.
"""

from __future__ import annotations

import re

from ingest.extract.dates import FoundDate
from ingest.extract.numbers import Found
from ingest.extract.text import skeleton
from schemas import Document, Reference
from schemas.numbers import number_form, number_key

_LINKED_KINDS = {"ban_an", "quyet_dinh"}
_OF = re.compile(r"[\s,;]*(?:\(?[^()\n]{0,3}\)?\s*)?(?:da duoc\s+\S+\s+)?(?:cua|do)\s+")


def find_references(
    text: str,
    numbers: list[Found],
    dates: list[FoundDate],
    issuers: list[tuple[int, int, str]],
    own: Found | None,
) -> list[Reference]:
    """References to judgments and decisions cited in `text` (not the document's own)."""
    skel = skeleton(text)
    own_key = number_form(own.text) if own else None
    refs: dict[str, Reference] = {}
    for f in numbers:
        key = number_form(f.text)
        if key == own_key or f.kind not in _LINKED_KINDS or (own and f.start == own.start):
            continue
        date = next(
            (d.iso for d in dates if 0 <= d.start - f.end <= 12 and d.has_year),
            None,
        )
        after = max([f.end] + [d.end for d in dates if 0 <= d.start - f.end <= 12])
        issuer = None
        m = _OF.match(skel, after)
        if m:
            issuer = next((name for s, _, name in issuers if 0 <= s - m.end() <= 2), None)
        old = refs.get(key)
        if old is None:
            refs[key] = Reference(number=f.text, date=date, issuer=issuer, kind=f.kind)
        else:
            refs[key] = old.model_copy(
                update={"date": old.date or date, "issuer": old.issuer or issuer}
            )
    return list(refs.values())


def link_siblings(docs: list[Document]) -> list[Document]:
    """Fill a reference's missing date/issuer from the document in the file it cites."""
    by_number = {number_key(d.own_number): d for d in docs if d.own_number}
    out: list[Document] = []
    for doc in docs:
        refs = []
        for r in doc.references:
            cited = by_number.get(number_key(r.number))
            if cited is not None and cited is not doc:
                r = r.model_copy(
                    update={"date": r.date or cited.date, "issuer": r.issuer or cited.issuer}
                )
            refs.append(r)
        out.append(doc.model_copy(update={"references": refs}))
    return out

"""The case page's model: documents in order, judgment ⇄ enforcement-decision links, pages.

A document B "cites" A when one of B's references (or cited numbers) has A's own number
under `number_key`. References to numbers not in this case are linked to the other cases of
the archive that carry them (`store.cases_citing`). Pure functions over the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from schemas import Document
from schemas.numbers import number_key
from search.web.store import PageInfo, WebStore


@dataclass
class DocLink:
    number: str
    anchor: int | None = None  # index of the document in this case
    other_cases: list[str] = field(default_factory=list)


@dataclass
class DocView:
    index: int
    doc: Document
    sha256: str
    cites: list[DocLink] = field(default_factory=list)
    cited_by: list[int] = field(default_factory=list)

    def party_index(self, name: str) -> int | None:
        """Where the party named `name` is in this document's list (a representative's
        link to the party they act for)."""
        return next((i for i, p in enumerate(self.doc.parties) if p.name == name), None)


@dataclass
class CaseView:
    case_id: str
    documents: list[DocView]
    pages: list[PageInfo]


def _cited_numbers(doc: Document) -> list[str]:
    seen: dict[str, str] = {}
    for r in doc.references:
        seen.setdefault(number_key(r.number), r.number)
    for n in doc.numbers:
        if n.kind in ("ban_an", "quyet_dinh") and n.text != doc.own_number:
            seen.setdefault(number_key(n.text), n.text)
    own = number_key(doc.own_number) if doc.own_number else None
    return [text for key, text in seen.items() if key and key != own]


def case_view(store: WebStore, case_id: str) -> CaseView | None:
    if not store.case_exists(case_id):
        return None
    docs = store.case_documents(case_id)
    views = [
        DocView(index=i, doc=d, sha256=(d.doc_id or ":").split(":")[0]) for i, d in enumerate(docs)
    ]
    by_number: dict[str, int] = {}
    for v in views:
        if v.doc.own_number:
            by_number.setdefault(number_key(v.doc.own_number), v.index)
    for v in views:
        for text in _cited_numbers(v.doc):
            target = by_number.get(number_key(text))
            if target is not None and target != v.index:
                v.cites.append(DocLink(number=text, anchor=target))
                views[target].cited_by.append(v.index)
            else:
                others = [c for c in store.cases_citing(text) if c != case_id]
                v.cites.append(DocLink(number=text, other_cases=others[:10]))
    return CaseView(case_id=case_id, documents=views, pages=store.case_pages(case_id))

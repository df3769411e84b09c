"""Query planning and ranking shared by both search backends (SQLite FTS5, Elasticsearch).

A backend only *retrieves candidates*: pages whose fields could match the plan. Every
candidate is then scored here, in Python, by the same function, and grouped by case, so
the two backends rank identically whenever they retrieve the same candidates. This module
also derives the normalised fields both backends index (`derive`), which keeps index time
and query time on the same normalisation (`schemas.normalize`). No I/O here.

Semantics:
- a query containing a document number ("12/2020/DS-ST", "129/QĐ-CCTHADS") is a number
  query: matched on `number_key`, whatever spacing, dash, zero or Đ/D was written;
- otherwise it is a name query: the query's syllables must appear in order, contiguously,
  in one party's name. Per syllable: exact (diacritics as typed) > folded (marks ignored) >
  regional surname variant (Huỳnh/Hoàng, Vũ/Võ) > one OCR error (edit distance 1);
- when neither finds anything, the page text is searched (all words, phrase first).
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from schemas import CaseGroup, IndexPage, Party, SearchHit, SearchQuery
from schemas.normalize import repair, strip_marks, syllables
from schemas.numbers import Written, number_key, number_matches, query_keys, repair_slashes, scan

# Regional variants of one surname (docs/domain.md §5.4): aliases, matched at lower rank.
SURNAME_VARIANTS: dict[str, tuple[str, ...]] = {
    "huynh": ("hoang",),
    "hoang": ("huynh",),
    "vu": ("vo",),
    "vo": ("vu",),
}

# Per-syllable costs (subtracted from 100); they order the match kinds.
COST_DIACRITIC = 8  # typed with marks, matches only once folded ("Tráng" → "Trang")
COST_VARIANT = 25  # regional surname variant
COST_FUZZY = 20  # one character wrong (OCR error or typo)
FUZZY_MIN_LEN = 3  # syllables shorter than this must match exactly (folded)

SCORE_OWN_NUMBER = 100.0
SCORE_CITED_NUMBER = 85.0
SCORE_NUMBER_IN_TEXT = 70.0
SCORE_NUMBER_PREFIX = 60.0
SCORE_TEXT = 30.0

HITS_PER_CASE = 3
SNIPPET_CHARS = 220

_TOKEN = re.compile(r"[a-z0-9]+")
_YEAR = re.compile(r"(?:19|20)\d{2}")

MatchKind = Literal["party", "number", "text"]


def _page_numbers(text: str) -> list[Written]:
    """The document numbers written in `text` (`repair`ed): the extractor's grammar
    (`schemas.numbers.scan`) after the same length-keeping slash repair, so spans are spans
    of `text` and every number extraction reads on a page is a key search finds it by."""
    return scan(repair_slashes(text))


@lru_cache(maxsize=100_000)
def _loose(number: str) -> str:
    return number_key(number)


@lru_cache(maxsize=100_000)
def _name_fields(name: str) -> tuple[str, str]:
    """(name_norm, name_fold): the name's syllables with and without marks."""
    sylls = syllables(name)
    return " ".join(sylls), " ".join(strip_marks(s) for s in sylls)


_NOT_ASCII_OR_MARK = re.compile("[^\x00-\x7f\u0300-\u036f]")


def text_tokens(text: str) -> list[str]:
    """Folded word and digit tokens: what the full-text fields of both backends contain.

    Equal to `_TOKEN.findall(fold(text))` for Vietnamese text: tone placement does not
    matter once every mark is removed, so this skips `normalize` and strips the marks
    with one regex (indexing speed: a page is folded in well under a millisecond)."""
    bare = unicodedata.normalize("NFD", repair(text).lower()).replace("đ", "d")
    if not bare.isascii():
        # Other non-ASCII characters separate tokens (a space), then the marks go: much
        # faster than deleting each mark with a regex, and the same tokens.
        bare = _NOT_ASCII_OR_MARK.sub(" ", bare).encode("ascii", "ignore").decode("ascii")
    return _TOKEN.findall(bare)


# -- index side ------------------------------------------------------------------------------
def derive(page: IndexPage) -> dict[str, Any]:
    """The normalised record both backends store for one page (the ES `_source`, the SQLite
    `data` column), minus the page text, which backends store separately."""
    parties = [
        {
            "name": p.name,
            "role": p.role,
            "name_norm": _name_fields(p.name)[0],
            "name_fold": _name_fields(p.name)[1],
            "honorific": p.honorific,
            "is_organization": p.is_organization,
            "represents": p.represents,
        }
        for p in page.parties
    ]
    text = repair(page.text)
    text_fold = " ".join(text_tokens(text))
    padded = f" {text_fold} "
    on_page = [
        i for i, p in enumerate(parties) if p["name_fold"] and f" {p['name_fold']} " in padded
    ]
    numbers = [page.own_number] if page.own_number else []
    numbers += page.numbers
    doc_year = _year_of(page.doc_date, page.own_number)
    return {
        "page_id": page.page_id,
        "sha256": page.sha256,
        "page_no": page.page_no,
        "case_id": page.case_id,
        "case_ids": sorted(set(page.case_ids) | {page.case_id}),
        "source_path": page.source_path,
        "doc_id": page.doc_id,
        "doc_type": page.doc_type,
        "own_number": page.own_number,
        "own_number_key": _loose(page.own_number) if page.own_number else None,
        "number_keys": sorted({_loose(n) for n in numbers if n}),
        "text_number_keys": sorted({_loose(w.text) for w in _page_numbers(text)}),
        "doc_date": page.doc_date,
        "doc_year": doc_year,
        "dates": [d.model_dump() for d in page.dates],
        "issuer": page.issuer,
        "issuer_fold": " ".join(text_tokens(page.issuer)) if page.issuer else None,
        "parties": parties,
        "parties_on_page": on_page,
        "text_fold": text_fold,
    }


def _year_of(date: str | None, number: str | None) -> int | None:
    if date and _YEAR.match(date[:4]):
        return int(date[:4])
    if number:
        m = re.search(r"/((?:19|20)\d{2})/", number)
        if m:
            return int(m.group(1))
    return None


# -- query side ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Term:
    """One query syllable."""

    norm: str  # normalised, marks as typed
    fold: str
    marked: bool  # typed with diacritics (then the exact form ranks first)
    variants: tuple[str, ...] = ()  # folded surname variants (first syllable only)

    @property
    def fuzzy(self) -> bool:
        return len(self.fold) >= FUZZY_MIN_LEN


@dataclass(frozen=True)
class Plan:
    kind: Literal["name", "number", "text", "all"]
    terms: tuple[Term, ...] = ()
    number_keys: tuple[str, ...] = ()
    tokens: tuple[str, ...] = ()  # folded full-text tokens

    @property
    def norm_phrase(self) -> str:
        return " ".join(t.norm for t in self.terms)

    @property
    def fold_phrase(self) -> str:
        return " ".join(t.fold for t in self.terms)

    @property
    def any_marked(self) -> bool:
        return any(t.marked for t in self.terms)

    @property
    def needs_loose(self) -> bool:
        """Whether variant/fuzzy retrieval can add anything beyond the folded phrase."""
        return any(t.fuzzy or t.variants for t in self.terms)


def plan(query: SearchQuery) -> Plan:
    """Decide how `query.q` is matched: number, name, or (for empty text) filters only."""
    q = query.q.strip()
    tokens = tuple(text_tokens(q))
    numbers = query_number_keys(q)
    if numbers:
        return Plan("number", number_keys=numbers, tokens=tokens)
    sylls = syllables(q)
    if not sylls:
        return Plan("all" if not tokens else "text", tokens=tokens)
    # A query typed with diacritics is taken as typed, even its unmarked syllables
    # ("Nguyễn Văn Trang" is not "Nguyễn Văn Tráng"); one typed without any is folded.
    marked = any(strip_marks(s) != s for s in sylls)
    terms = []
    for i, s in enumerate(sylls):
        f = strip_marks(s)
        variants = SURNAME_VARIANTS.get(f, ()) if i == 0 and len(sylls) > 1 else ()
        terms.append(Term(norm=s, fold=f, marked=marked, variants=variants))
    return Plan("name", terms=tuple(terms), tokens=tokens)


def query_number_keys(q: str) -> tuple[str, ...]:
    """The `number_key`s a query asks for, in order (empty: not a number query): the grammar
    extraction reads numbers with (`schemas.numbers.query_keys`). The page viewer outlines
    by the same keys (`search.web.highlight`)."""
    return query_keys(q)


def within_one_edit(a: str, b: str) -> bool:
    """Optimal-string-alignment distance ≤ 1 (one substitution, insertion, deletion or
    transposition of adjacent letters), the same notion as Elasticsearch's fuzziness 1."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


def deletes(word: str) -> set[str]:
    """The word and every one-letter deletion of it (symmetric-delete fuzzy lookup)."""
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def _syllable_cost(term: Term, norm: str, fold_: str, position: int) -> int | None:
    if term.norm == norm:
        return 0
    if term.fold == fold_:
        return COST_DIACRITIC if term.marked else 0
    if position == 0 and fold_ in term.variants:
        return COST_VARIANT
    if term.fuzzy and len(fold_) >= FUZZY_MIN_LEN and within_one_edit(term.fold, fold_):
        if term.marked and not within_one_edit(term.norm, norm):
            return COST_FUZZY + COST_DIACRITIC
        return COST_FUZZY
    return None


def name_score(terms: Sequence[Term], name_norm: str, name_fold: str) -> float | None:
    """Score of the query's syllables as a contiguous phrase in one party name, or None."""
    ns, nf = name_norm.split(), name_fold.split()
    if len(ns) != len(nf) or len(terms) > len(ns):
        return None
    best: float | None = None
    for start in range(len(ns) - len(terms) + 1):
        cost = 0
        for j, term in enumerate(terms):
            c = _syllable_cost(term, ns[start + j], nf[start + j], j)
            if c is None:
                break
            cost += c
        else:
            coverage = len(terms) / len(ns)
            # Ending on the given name (the last syllable) is how people are remembered.
            ends = 2.0 if start + len(terms) == len(ns) else 0.0
            score = 100.0 - cost + 10.0 * coverage + ends
            if best is None or score > best:
                best = score
    return best


@dataclass
class Scored:
    record: dict[str, Any]
    score: float
    match: MatchKind
    party: int | None = None  # index into record["parties"]
    number_key: str | None = None


def passes_filters(query: SearchQuery, rec: dict[str, Any]) -> bool:
    """The filters every backend applies, checked once more on each candidate."""
    if query.case_id and query.case_id not in rec.get("case_ids", [rec["case_id"]]):
        return False
    if query.doc_type and rec.get("doc_type") != query.doc_type:
        return False
    if query.year_from is not None or query.year_to is not None:
        year = rec.get("doc_year")
        if year is None:
            return False
        if query.year_from is not None and year < query.year_from:
            return False
        if query.year_to is not None and year > query.year_to:
            return False
    if query.issuer:
        want = " ".join(text_tokens(query.issuer))
        if f" {want} " not in f" {rec.get('issuer_fold') or ''} ":
            return False
    return not (query.role and not any(p["role"] == query.role for p in rec.get("parties", [])))


def score(p: Plan, query: SearchQuery, rec: dict[str, Any]) -> Scored | None:
    """Rank one candidate page; None when it does not actually match (backends over-fetch)."""
    if not passes_filters(query, rec):
        return None
    if p.kind == "name":
        best: Scored | None = None
        for i, party in enumerate(rec.get("parties", [])):
            if query.role and party["role"] != query.role:
                continue
            s = name_score(p.terms, party["name_norm"], party["name_fold"])
            if s is None:
                continue
            if i in rec.get("parties_on_page", []):
                s += 3.0  # the page where the name is written
            if best is None or s > best.score:
                best = Scored(rec, s, "party", party=i)
        return best
    if p.kind == "number":
        best_n: Scored | None = None
        for key in p.number_keys:
            s = _number_score(key, rec)
            if s is not None and (best_n is None or s > best_n.score):
                best_n = Scored(rec, s, "number", number_key=key)
        return best_n
    if p.kind == "all":
        return Scored(rec, 1.0, "text")
    return _text_score(p, rec)


def _number_score(key: str, rec: dict[str, Any]) -> float | None:
    if rec.get("own_number_key") == key:
        return SCORE_OWN_NUMBER
    if key in rec.get("number_keys", []):
        return SCORE_CITED_NUMBER
    if key in rec.get("text_number_keys", []):
        return SCORE_NUMBER_IN_TEXT
    if any(k.startswith(key + "/") for k in rec.get("number_keys", [])):
        return SCORE_NUMBER_PREFIX
    return None


def _text_score(p: Plan, rec: dict[str, Any]) -> Scored | None:
    text_fold = rec.get("text_fold")
    if not p.tokens or text_fold is None:
        return None
    # `text_fold` is tokens joined by single spaces: a token is one of its words exactly
    # when " token " occurs in it padded (substring search, no list of words to build), and
    # str.count of " token " counts its occurrences unless two of them are adjacent ("a a"
    # share a space): then every space is doubled first, so that none is shared.
    padded = f" {text_fold} "
    words = 0
    for t in p.tokens:
        needle = f" {t} "
        n = padded.count(needle)
        if not n:
            return None
        if f" {t} {t} " in padded:
            n = padded.replace(" ", "  ").count(needle)
        words += n
    phrase = " ".join(p.tokens)
    n_phrase = padded.count(f" {phrase} ")
    s = SCORE_TEXT + (10.0 if n_phrase else 0.0) + min(n_phrase, 5)
    s += min(words, 20) / 10.0
    return Scored(rec, s, "text")


def rank(p: Plan, query: SearchQuery, records: Iterable[dict[str, Any]]) -> list[Scored]:
    """Score, drop non-matches, sort best first with a deterministic tie-break."""
    seen: set[str] = set()
    out: list[Scored] = []
    for rec in records:
        if rec["page_id"] in seen:
            continue
        seen.add(rec["page_id"])
        s = score(p, query, rec)
        if s is not None:
            out.append(s)
    # Ties go to the smaller (case_id, page_id): the order both backends retrieve in.
    out.sort(key=lambda s: (-s.score, s.record["case_id"], s.record["page_id"]))
    return out


@dataclass
class Grouped:
    total_cases: int
    groups: list[tuple[str, float, list[Scored]]] = field(default_factory=list)


def group(scored: list[Scored], page: int, per_page: int) -> Grouped:
    """Group ranked pages by case (best case first), keep each case's best pages, page."""
    by_case: dict[str, list[Scored]] = {}
    for s in scored:  # already sorted best first
        by_case.setdefault(s.record["case_id"], []).append(s)
    order = sorted(by_case, key=lambda c: (-by_case[c][0].score, c))
    start = (max(page, 1) - 1) * per_page
    groups = []
    for case_id in order[start : start + per_page]:
        hits: list[Scored] = []
        docs: set[str | None] = set()
        # One page per document first (its best page), then the next best pages.
        for s in by_case[case_id]:
            if len(hits) >= HITS_PER_CASE:
                break
            if s.record.get("doc_id") not in docs or s.record.get("doc_id") is None:
                hits.append(s)
                docs.add(s.record.get("doc_id"))
        for s in by_case[case_id]:
            if len(hits) >= HITS_PER_CASE:
                break
            if s not in hits:
                hits.append(s)
        hits.sort(key=lambda s: (-s.score, s.record["sha256"], s.record["page_no"]))
        groups.append((case_id, by_case[case_id][0].score, hits))
    return Grouped(total_cases=len(by_case), groups=groups)


def to_case_groups(grouped: Grouped, p: Plan, texts: dict[str, str]) -> list[CaseGroup]:
    """Build the public models; `texts` maps page_id to page text (for snippets)."""
    out = []
    for case_id, case_score, hits in grouped.groups:
        out.append(
            CaseGroup(
                case_id=case_id,
                score=round(case_score, 3),
                hits=[_hit(s, p, texts.get(s.record["page_id"], "")) for s in hits],
            )
        )
    return out


def _hit(s: Scored, p: Plan, text: str) -> SearchHit:
    rec = s.record
    party = None
    needles: list[list[str]] = []
    if s.party is not None:
        pr = rec["parties"][s.party]
        party = Party(
            name=pr["name"],
            role=pr["role"],
            honorific=pr.get("honorific"),
            is_organization=pr.get("is_organization", False),
            represents=pr.get("represents") or [],
        )
        needles.append(pr["name_fold"].split())
        needles.append([t.fold for t in p.terms])
    elif s.match == "text":
        needles.append(list(p.tokens))
        needles.extend([t] for t in p.tokens)
    return SearchHit(
        case_id=rec["case_id"],
        doc_id=rec.get("doc_id"),
        doc_type=rec.get("doc_type"),
        own_number=rec.get("own_number"),
        doc_date=rec.get("doc_date"),
        issuer=rec.get("issuer"),
        sha256=rec["sha256"],
        source_path=rec.get("source_path"),
        page_no=rec["page_no"],
        matched_party=party,
        match=s.match,
        score=round(s.score, 3),
        snippet=snippet(text, needles=needles, number_key=s.number_key),
    )


# -- snippets --------------------------------------------------------------------------------
def _esc(text: str) -> str:
    return html.escape(text, quote=False)


@lru_cache(maxsize=2048)  # the same pages come back in many searches (web mix: -18% CPU)
def _fold_chars(text: str) -> str:
    """Fold `text` keeping one output character per input character (for offsets)."""
    out = strip_marks(repair(text).lower())
    if len(out) == len(text):
        return out
    return "".join((strip_marks(c.lower()) or " ")[0] for c in text)


@lru_cache(maxsize=4096)
def _needle_re(words: tuple[str, ...]) -> re.Pattern[str]:
    """The folded words as a phrase: one to three non-word characters between them, not
    inside a longer word. The pattern starts with the first word itself and checks the
    character before it afterwards (a lookbehind over the word): the same matches as a
    leading `(?<![a-z0-9])`, but the regex engine then scans for the word's letters
    instead of trying the pattern at every position of the page (5-20x faster)."""
    first = re.escape(words[0])
    pattern = first + r"(?<![a-z0-9]" + first + ")"
    pattern += "".join(r"[^a-z0-9]{1,3}" + re.escape(w) for w in words[1:])
    return re.compile(pattern + r"(?![a-z0-9])")


@lru_cache(maxsize=2048)  # pages cited by a number come back in many searches
def number_spans(text: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, loose key) of every document number written in `text`."""
    return tuple((w.start, w.end, w.key) for w in _page_numbers(repair(text)))


def _window_start(text: str, first: int) -> int:
    """Where the snippet of a match starting at `first` begins (on a word)."""
    lo = max(0, first - SNIPPET_CHARS // 3)
    if lo > 0:
        space = text.find(" ", lo, first)
        lo = space + 1 if space >= 0 else lo
    return lo


def snippet(text: str, *, needles: list[list[str]], number_key: str | None = None) -> str:
    """About SNIPPET_CHARS of page text around the first match, matches in <mark>…</mark>,
    the rest HTML-escaped."""
    if not text:
        return ""
    spans: list[tuple[int, int]] = []
    if number_key:
        for a, b, key in number_spans(text):
            if number_matches(key, number_key):
                spans.append((a, b))
    else:
        folded = _fold_chars(text)
        for words in needles:
            if not words:
                continue
            found = _needle_re(tuple(words)).search(folded)
            if found is not None:
                # Only matches inside the snippet's window are marked: stop at its end.
                first = found.start()
                hi = min(len(text), _window_start(text, first) + SNIPPET_CHARS)
                for m in _needle_re(tuple(words)).finditer(folded, first):
                    if m.start() >= hi:
                        break
                    spans.append((m.start(), m.end()))
                break
    if not spans:
        body = text[:SNIPPET_CHARS]
        return _esc(" ".join(body.split())) + ("…" if len(text) > SNIPPET_CHARS else "")
    first = spans[0][0]
    lo = _window_start(text, first)
    hi = min(len(text), lo + SNIPPET_CHARS)
    parts: list[str] = ["…" if lo > 0 else ""]
    pos = lo
    for a, b in spans:
        if a < pos or b > hi:
            continue
        parts.append(_esc(text[pos:a]))
        parts.append(f"<mark>{_esc(text[a:b])}</mark>")
        pos = b
    parts.append(_esc(text[pos:hi]))
    parts.append("…" if hi < len(text) else "")
    return " ".join("".join(parts).split())


__all__ = [
    "Plan",
    "Scored",
    "Term",
    "deletes",
    "derive",
    "number_spans",
    "plan",
    "query_number_keys",
    "rank",
    "group",
    "score",
    "snippet",
    "text_tokens",
    "to_case_groups",
    "within_one_edit",
]

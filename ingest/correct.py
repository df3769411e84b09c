"""Tone marks restored from Vietnamese words: a syllable that forms no dictionary word with
its neighbours, while exactly one of its tone variants does, was misread.

The fast `vie` model loses or swaps the small tone marks stacked over ô/ê/â on 200-dpi scans
("tổ chức" → "tố chức", "cổ phần" → "cố phân", "hợp đồng" → "hợp đông"). Every reading is a
real syllable, so no syllable list can tell; the words around it can. The dictionary is
Viet74K (74k Vietnamese words, 61k of 2–4 syllables), the word list of the `underthesea`
package (Apache-2.0), copied into `ingest/data/` (see its NOTICE) rather than installing
underthesea and its model-hub dependencies to read one file. Without it, nothing changes.

A word is changed only when all of these hold, so that a word we are not sure about is left
alone:
- it is lower case (capitalised syllables are names: "Văn Thăng" stays) and letters only, and
  not one of the closed-class words (`_FUNCTION`);
- as read, it forms no dictionary word (2–4 syllables) with the words before and after it;
- changing its tone, only in a direction the OCR errs in (`_CONFUSED`), makes it part of such
  a word with neighbours that are lower case and in no word of their own either — or, for two
  such neighbours, changing both ("cố phân" → "cổ phần");
- exactly one such change exists.
Punctuation between two words ("tổ," "chức") keeps them from forming a word.
"""

from __future__ import annotations

import contextlib
import marshal
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import schemas.normalize as _normalize_module
from ingest import kept
from schemas import Word
from schemas.normalize import ACUTE, GRAVE, HOOK, TILDE, TONE_MARKS, _place_tone, normalize

_PUNCT = ".,;:()\"“”'’!?"
MAX_WORD = 4  # syllables of the longest dictionary word looked at

# Tone misreads of the fast `vie` model, read tone → the tones it may stand for: a mark above
# lost (ồ/ổ/ố → ô), hỏi read as sắc (ổ → ố), ngã for sắc (số → sõ). Never towards a
# toneless or huyền reading, nor sắc for hỏi: those misreads are rarer, and those readings
# are common words ("án" → "an dân", "cùng" → "cung cấp", "còn" → "con nợ", "khoản tiền" →
# "khoán tiền" were wrong on true text).
_CONFUSED: dict[str, tuple[str, ...]] = {
    "": (GRAVE, HOOK, ACUTE),
    ACUTE: (HOOK,),
    TILDE: (ACUTE,),
}

# Closed-class words (pronouns, numerals, prepositions, conjunctions, demonstratives,
# auxiliaries): the most frequent syllables of any Vietnamese text, so frequent that their
# neighbours' forming no dictionary word says nothing ("trong đó" is not in the dictionary,
# "tròng đỏ", egg yolk, is). Never changed.
_FUNCTION_WORDS = """một hai ba bốn năm sáu bảy tám chín mười mươi trăm nghìn triệu tỷ
    và của cho với là có không các những được bị theo tại từ đến về vào ra lên xuống đã đang
    sẽ thì mà nếu khi để do nên hay hoặc cũng vẫn còn đó này kia ấy nào trong ngoài trên dưới
    sau trước ông bà anh chị em tôi họ người"""
_FUNCTION = frozenset(_FUNCTION_WORDS.split())

# Old-style tone placement in the dictionary ("hoà", "thuỷ") is brought to the one OCR
# output and `normalize` use ("hòa", "thủy"); other syllables are the same either way.
_OLD_STYLE = re.compile("(?:o[àáảãạ]|o[èéẻẽẹ]|u[ỳýỷỹỵ])(?![a-zđ])")


def _dictionary_path() -> Path | None:
    path = Path(__file__).with_name("data") / "Viet74K.txt"
    return path if path.exists() else None


@lru_cache(maxsize=1)
def _load() -> frozenset[str] | None:
    """The words of 2–4 syllables: the list's other lines (single syllables) are not kept.
    Loaded once per process, by the page workers' fork server (`ingest.worker_boot`), from
    the set kept by an earlier process while the list and the code that reads it are
    unchanged (`ingest.kept`: 0.02 s against 0.07-0.09 s of CPU to read the list again)."""
    path = _dictionary_path()
    if path is None:
        return None
    out = kept.cache_file(path.parent, path.stem, "marshal")
    sources = [path, Path(__file__), Path(str(_normalize_module.__file__))]
    with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
        stamps, words = marshal.loads(out.read_bytes())
        if stamps == kept.stamps(sources) and isinstance(words, frozenset):
            return words
    kept.make_folder(out)
    try:
        stamps = kept.stamps(sources)
    except OSError:
        return _read(path)
    words = _read(path)
    with contextlib.suppress(OSError):
        if kept.stamps(sources) == stamps:  # not kept if a source changed while it was read
            kept.keep(out, marshal.dumps((stamps, words)))
    return words


def _read(path: Path) -> frozenset[str]:
    with open(path, encoding="utf-8") as fh:
        text = fh.read().lower()
    words: set[str] = set()
    old_style = _OLD_STYLE.search
    for line in text.split("\n"):
        line = line.strip()
        if " " not in line:  # one syllable (normalising never adds a space)
            continue
        if old_style(line):
            line = normalize(line)
        if 0 < line.count(" ") < MAX_WORD:
            words.add(line)
    return frozenset(words)


def dictionary() -> frozenset[str] | None:
    """Dictionary words of 2–4 syllables, lower case, one tone placement; None when the word
    list is not installed. Loaded once per process (~0.07 s of CPU)."""
    return _load()


def _split(key: str) -> tuple[str, str]:
    """(syllable without its tone, NFC; its tone mark or "")."""
    nfd = unicodedata.normalize("NFD", key)
    tone = next((c for c in nfd if c in TONE_MARKS), "")
    bare = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in TONE_MARKS))
    return bare, tone


@lru_cache(maxsize=4096)
def _variants(key: str) -> tuple[str, ...]:
    """`key` with each tone it may have been misread from (see `_CONFUSED`)."""
    bare, tone = _split(key)
    nfd = unicodedata.normalize("NFD", bare)
    return tuple(_place_tone(nfd + t) for t in _CONFUSED.get(tone, ()))


def _tokens(words: list[Word]) -> tuple[list[str | None], list[bool]]:
    """Each word's lookup key (None unless letters only) and whether it may join the next
    word (no punctuation between them)."""
    keys: list[str | None] = []
    joins: list[bool] = []
    for w in words:
        core = w.text.strip(_PUNCT)
        keys.append(normalize(core) if core.isalpha() else None)
        joins.append(bool(core) and w.text.endswith(core))
    for i in range(len(words) - 1):
        nxt = words[i + 1].text
        if nxt[:1] in _PUNCT:
            joins[i] = False
    if joins:
        joins[-1] = False
    return keys, joins


def _linked(
    i: int,
    keys: list[str | None],
    joins: list[bool],
    vocab: frozenset[str],
    free: list[bool] | None = None,
) -> bool:
    """Word i forms a dictionary word of 2–4 syllables with the words next to it (with
    `free`: only with words that are free too, i.e. in no word of their own as read)."""
    n = len(keys)
    for size in range(2, MAX_WORD + 1):
        for start in range(max(0, i - size + 1), min(i, n - size) + 1):
            span = keys[start : start + size]
            if any(k is None for k in span) or not all(joins[start : start + size - 1]):
                continue
            if free is not None and not all(free[start : start + size]):
                continue
            if " ".join(span) in vocab:  # type: ignore[arg-type]
                return True
    return False


def _changeable(w: Word, key: str | None) -> bool:
    core = w.text.strip(_PUNCT)
    return key is not None and core == key and key not in _FUNCTION


def fix_tones(words: list[Word]) -> int:
    """Correct, in place, tone misreads that the dictionary makes certain (see the module
    docstring). Returns the number of words changed."""
    vocab = dictionary()
    if vocab is None or len(words) < 2:
        return 0
    keys, joins = _tokens(words)
    free = [
        _changeable(w, k) and not _linked(i, keys, joins, vocab)
        for i, (w, k) in enumerate(zip(words, keys, strict=True))
    ]
    changed = 0
    for i in range(len(words)):
        if free[i]:
            changed += _fix_one(i, words, keys, joins, vocab, free)
    return changed


def _fix_one(
    i: int,
    words: list[Word],
    keys: list[str | None],
    joins: list[bool],
    vocab: frozenset[str],
    free: list[bool],
) -> int:
    read = keys[i]
    assert read is not None
    hits = []
    for v in _variants(read):
        keys[i] = v
        if _linked(i, keys, joins, vocab, free):
            hits.append(v)
    keys[i] = read
    if len(hits) == 1:
        _set(words[i], hits[0])
        keys[i], free[i] = hits[0], False
        return 1
    if hits or i + 1 >= len(words) or not free[i + 1] or not joins[i]:
        return 0
    nxt = keys[i + 1]
    assert nxt is not None
    pairs = [
        (a, b)
        for a in (read, *_variants(read))
        for b in (nxt, *_variants(nxt))
        if (a, b) != (read, nxt) and f"{a} {b}" in vocab
    ]
    if len(pairs) != 1:
        return 0
    changed = 0
    for j, k in zip((i, i + 1), pairs[0], strict=True):
        if k != keys[j]:
            _set(words[j], k)
            changed += 1
        keys[j], free[j] = k, False
    return changed


def _set(w: Word, key: str) -> None:
    core = w.text.strip(_PUNCT)
    start = w.text.find(core)
    w.text = w.text[:start] + key + w.text[start + len(core) :]

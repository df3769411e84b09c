"""Legacy Vietnamese encodings as they show up in PDF text layers (docs/domain.md §7).

- `tcvn3_as_latin1`: the text typed in TCVN3 (ABC, ".VnTime" fonts) and read back as Latin-1,
  e.g. "Số 173/2004/NĐ-CP ngày 30 tháng 9" → "Sè 173/2004/N§-CP ngµy 30 th¸ng 9".
  TCVN3 has no upper-case toned vowels: those were typed with the upper-case ".VnTimeH"
  font using the lower-case codes, so all-caps lines come out as lower-case codes.
- `with_oi`: "ư"/"Ư" written as "ƣ"/"Ƣ" (U+01A3/U+01A2), a common PDF-extraction artefact.
"""

from __future__ import annotations

import unicodedata

_LOWER = (
    "à\xb5 á\xb8 ả\xb6 ã\xb7 ạ\xb9 "
    "ă\xa8 ằ\xbb ắ\xbe ẳ\xbc ẵ\xbd ặ\xc6 "
    "â\xa9 ầ\xc7 ấ\xca ẩ\xc8 ẫ\xc9 ậ\xcb "
    "đ\xae è\xcc é\xd0 ẻ\xce ẽ\xcf ẹ\xd1 "
    "ê\xaa ề\xd2 ế\xd5 ể\xd3 ễ\xd4 ệ\xd6 "
    "ì\xd7 í\xdd ỉ\xd8 ĩ\xdc ị\xde "
    "ò\xdf ó\xe3 ỏ\xe1 õ\xe2 ọ\xe4 "
    "ô\xab ồ\xe5 ố\xe8 ổ\xe6 ỗ\xe7 ộ\xe9 "
    "ơ\xac ờ\xea ớ\xed ở\xeb ỡ\xec ợ\xee "
    "ù\xef ú\xf3 ủ\xf1 ũ\xf2 ụ\xf4 "
    "ư\xad ừ\xf5 ứ\xf8 ử\xf6 ữ\xf7 ự\xf9 "
    "ỳ\xfa ý\xfd ỷ\xfb ỹ\xfc ỵ\xfe"
)
UNICODE_TO_TCVN3: dict[str, str] = {pair[0]: pair[1] for pair in _LOWER.split()}
UNICODE_TO_TCVN3.update(
    {"Ă": "\xa1", "Â": "\xa2", "Đ": "\xa7", "Ê": "\xa3", "Ô": "\xa4", "Ơ": "\xa5", "Ư": "\xa6"}
)
TCVN3_TO_UNICODE: dict[str, str] = {v: k for k, v in UNICODE_TO_TCVN3.items()}


def tcvn3_as_latin1(text: str) -> str:
    """Encode `text` in TCVN3 and decode the bytes as Latin-1 (what a legacy PDF yields)."""
    text = unicodedata.normalize("NFC", text)
    caps_line = text.upper() == text and any(c.isalpha() for c in text)
    out = []
    for ch in text:
        src = ch.lower() if caps_line else ch
        if src in UNICODE_TO_TCVN3:
            out.append(UNICODE_TO_TCVN3[src])
        elif ch.lower() in UNICODE_TO_TCVN3:  # upper-case toned vowel: ".VnTimeH" code
            out.append(UNICODE_TO_TCVN3[ch.lower()])
        elif caps_line and ch.isalpha():
            out.append(ch.lower())
        else:
            out.append(ch)
    return "".join(out)


def tcvn3_latin1_to_unicode(text: str) -> str:
    """Inverse of `tcvn3_as_latin1` (lossy for upper-case toned vowels)."""
    return "".join(TCVN3_TO_UNICODE.get(c, c) for c in text)


def with_oi(text: str) -> str:
    """ư → ƣ and Ư → Ƣ (the "LATIN LETTER OI" look-alikes)."""
    return unicodedata.normalize("NFC", text).replace("ư", "\u01a3").replace("Ư", "\u01a2")

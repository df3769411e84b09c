"""The area of an address: its commune or ward, district and province, and nothing else.

The public list shows where a debtor lives only down to the commune or ward (Luật THADS
Điều 44a publishes the debtor's address; the street, house number, village or hamlet are
left out, docs/public-view.md). An address is never shown as written: its parts are
recognised against the list of Vietnam's administrative units and the area is rebuilt from
that list's own names. The list is the data set of the PyPI package `vietnamadminunits`
(MIT; the 63 provinces, 696 districts and ~10,000 communes before 01/07/2025 and the 34
provinces and 3,321 communes after; read from its SQLite file, the package is not
imported). So a street named like a unit ("Tỉnh lộ 10", "Quốc lộ 91", "Huyền Trân Công
Chúa", "Quán Thánh"), a house number or a sentence read past the end of the address (", tỉnh
Bến Tre chưa có điều kiện thi hành khoản: trả cho bà …") can never reach the output.

Rules: a part is a unit only when it is introduced by its level word ("xã", "phường",
"huyện", "quận", "thị xã", "thành phố", "tỉnh", … with their marks: "Huyền", "Quán" are not
"huyện", "quận"), or is a bare province or district name standing alone between commas;
the unit must exist at that level, the ward in its district (or, after 2025, its province),
the district in its province. Reading stops at the first part with anything after a
unit's name. Anything unrecognised is dropped (fail closed).
"""

from __future__ import annotations

import functools
import importlib.util
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from schemas.normalize import normalize

DATA_PACKAGE = "vietnamadminunits"
DATA_FILE = "data/dataset.db"

# Level words (normalised: lower case, one tone placement) → the levels they can introduce.
_PROVINCE, _DISTRICT, _WARD = "province", "district", "ward"
_PREFIXES: dict[str, tuple[str, ...]] = {
    "tỉnh": (_PROVINCE,),
    "thành phố": (_PROVINCE, _DISTRICT),
    "tp.": (_PROVINCE, _DISTRICT),
    "tp": (_PROVINCE, _DISTRICT),
    "t.p.": (_PROVINCE, _DISTRICT),
    "quận": (_DISTRICT,),
    "huyện": (_DISTRICT,),
    "thị xã": (_DISTRICT,),
    "tx.": (_DISTRICT,),
    "phường": (_WARD,),
    "xã": (_WARD,),
    "thị trấn": (_WARD,),
    "tt.": (_WARD,),
    "đặc khu": (_WARD,),
    "p.": (_WARD,),
}
_PREFIX_RE = re.compile(
    r"(?<![\w.])("
    + "|".join(re.escape(p) for p in sorted(_PREFIXES, key=len, reverse=True))
    + r")(?=[\s\d]|(?<=\.)\w)\s*"
)
_PROVINCE_ALIASES = {"hcm": "hồ chí minh", "tphcm": "hồ chí minh", "hn": "hà nội"}


def _key(name: str) -> str:
    """Comparison key of a unit name: normalised, numbers without leading zeros."""
    k = normalize(name)
    k = re.sub(r"\s*-\s*", " - ", k)
    k = re.sub(r"(?<!\d)0+(?=\d)", "", k)
    return re.sub(r"\s+", " ", k).strip(" .")


def _short(full: str, types: tuple[str, ...]) -> str:
    """ "Phường 4" → "4", "Huyện Giồng Trôm" → "Giồng Trôm" (the name without its level)."""
    low = full.lower()
    for t in sorted(types, key=len, reverse=True):
        if low.startswith(t + " "):
            return full[len(t) + 1 :]
    return full


def _display(full: str) -> str:
    """ "Huyện Giồng Trôm" → "huyện Giồng Trôm" (level word in lower case, as written)."""
    return full[:1].lower() + full[1:]


@dataclass
class Units:
    """The list: names by key, per level and parent."""

    provinces: dict[str, str] = field(default_factory=dict)  # key → full name
    districts: dict[tuple[str, str], str] = field(default_factory=dict)  # (prov, dist)
    district_provinces: dict[str, set[str]] = field(default_factory=dict)  # dist → provs
    wards_legacy: dict[tuple[str, str, str], str] = field(default_factory=dict)
    wards_2025: dict[tuple[str, str], str] = field(default_factory=dict)  # (prov, ward)
    city_districts: set[str] = field(default_factory=set)  # districts that are "thành phố"
    # level → first word → the name keys starting with it, longest first
    names: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def longest(self, level: str, text: str) -> str | None:
        """The longest name of `level` that `text` starts with, ending at a word boundary."""
        first = text.split(" ", 1)[0]
        for k in self.names.get(level, {}).get(first, ()):
            if text.startswith(k) and (len(text) == len(k) or not text[len(k)].isalnum()):
                return _PROVINCE_ALIASES.get(k, k) if level == _PROVINCE else k
        return None


def dataset_path() -> Path:
    spec = importlib.util.find_spec(DATA_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            f"the administrative-unit list needs the package {DATA_PACKAGE} (pip install)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / DATA_FILE


@functools.cache
def units() -> Units:
    """The list, loaded once from the package's data set."""
    u = Units()
    db = sqlite3.connect(f"file:{dataset_path()}?mode=ro", uri=True)
    try:
        legacy = db.execute(
            "SELECT province, provinceShort, district, districtType, ward, wardType"
            " FROM admin_units_legacy"
        ).fetchall()
        new = db.execute(
            "SELECT province, provinceShort, ward, wardType FROM admin_units"
        ).fetchall()
    finally:
        db.close()
    for prov, prov_short, dist, dist_type, ward, ward_type in legacy:
        pk = _key(prov_short)
        u.provinces.setdefault(pk, prov)
        dk = _key(_short(dist, (dist_type.lower(),)))
        u.districts[(pk, dk)] = dist
        u.district_provinces.setdefault(dk, set()).add(pk)
        if dist_type == "Thành phố":
            u.city_districts.add(dk)
        if ward and ward_type:
            wk = _key(_short(ward, (ward_type.lower(),)))
            u.wards_legacy[(pk, dk, wk)] = ward
    for prov, prov_short, ward, ward_type in new:
        pk = _key(prov_short)
        u.provinces.setdefault(pk, prov)
        wk = _key(_short(ward, (ward_type.lower(),)))
        u.wards_2025[(pk, wk)] = ward
    u.names = {
        _PROVINCE: _by_first_word(set(u.provinces) | set(_PROVINCE_ALIASES)),
        _DISTRICT: _by_first_word({d for _, d in u.districts}),
        _WARD: _by_first_word({w for _, _, w in u.wards_legacy} | {w for _, w in u.wards_2025}),
    }
    return u


def _by_first_word(keys: set[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k in keys:
        out.setdefault(k.split(" ", 1)[0], []).append(k)
    for v in out.values():
        v.sort(key=len, reverse=True)
    return out


@dataclass
class _Part:
    level: str
    key: str
    pos: int


def _candidates(address: str, u: Units) -> list[_Part]:
    """The unit names of an address in reading order, up to where the address ends."""
    text = normalize(address)
    parts: list[_Part] = []
    for pos, chunk in _chunks(text):
        m = _PREFIX_RE.match(chunk)
        if m:
            levels = _PREFIXES[m.group(1)]
            rest = chunk[m.end() :]
            found = [(lv, k) for lv in levels if (k := u.longest(lv, rest))]
            if not found:
                continue  # "tỉnh lộ 10": a level word that introduces no unit (a street)
            level, key = max(found, key=lambda f: len(f[1]))
            if m.group(1) in ("thành phố", "tp", "tp.", "t.p.") and len(found) == 2:
                # "thành phố Vinh" is a district, "thành phố Hà Nội" a province: the
                # province when the name is one, unless it is also a city district.
                level = _DISTRICT if key in u.city_districts else _PROVINCE
            parts.append(_Part(level, key, pos))
            if rest[len(key) :].strip(" .,;"):
                break  # something follows the name: the address ended there
        else:
            bare = chunk.strip(" .")
            alias = _PROVINCE_ALIASES.get(re.sub(r"[\s.]", "", bare).removeprefix("tp"))
            if alias or bare in u.provinces:
                parts.append(_Part(_PROVINCE, alias or bare, pos))
            elif bare in u.district_provinces:
                parts.append(_Part(_DISTRICT, bare, pos))
            elif parts:
                break  # not a unit after a unit: the address ended before it
        if parts and parts[-1].level == _PROVINCE:
            break  # the province is the last part of an address
    return parts


def _chunks(text: str) -> list[tuple[int, str]]:
    """Comma/semicolon-separated pieces, each split again before every level word."""
    out: list[tuple[int, str]] = []
    for m in re.finditer(r"[^,;:]+", text):
        piece, base = m.group(0), m.start()
        starts = [0] + [p.start() for p in _PREFIX_RE.finditer(piece) if p.start() > 0]
        for a, b in zip(starts, [*starts[1:], len(piece)], strict=True):
            chunk = piece[a:b].strip()
            if chunk:
                out.append((base + a, chunk))
        if ":" in text[m.end() : m.end() + 1]:
            break  # "…, tỉnh X chưa có điều kiện thi hành khoản: …": a label ends it
    return out


def area_of(address: str | None) -> str | None:
    """ "xã Mỹ Thạnh, huyện Giồng Trôm, tỉnh Bến Tre" from any address, or None."""
    if not address:
        return None
    u = units()
    parts = _candidates(address, u)
    prov = next((p for p in reversed(parts) if p.level == _PROVINCE), None)
    dist: _Part | None = None
    for p in reversed(parts):
        if p.level != _DISTRICT or (prov and p.pos > prov.pos):
            continue
        if prov is None and len(u.district_provinces.get(p.key, ())) != 1:
            continue  # a district name found in several provinces, none given
        if prov is None or (prov.key, p.key) in u.districts:
            dist = p
            break
    ward: str | None = None
    limit = dist.pos if dist else (prov.pos if prov else -1)
    for p in reversed(parts):
        if p.level != _WARD or p.pos >= limit:
            continue
        if dist is not None:
            provs = [prov.key] if prov else sorted(u.district_provinces.get(dist.key, ()))
            ward = next(
                (w for pk in provs if (w := u.wards_legacy.get((pk, dist.key, p.key)))), None
            )
        elif prov is not None:
            ward = u.wards_2025.get((prov.key, p.key))
        if ward:
            break
    out: list[str] = []
    if ward:
        out.append(_display(ward))
    if dist:
        pk = prov.key if prov else next(iter(u.district_provinces[dist.key]))
        out.append(_display(u.districts[(pk, dist.key)]))
    if prov:
        out.append(_display(u.provinces[prov.key]))
    return ", ".join(out) or None

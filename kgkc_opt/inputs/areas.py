"""Where a program happens after the 2025 reform: commune-level units and regions, not districts.

Since 1 July 2025 district-level government (huyện, quận, thị xã, thành phố thuộc tỉnh) is gone:
a province has commune-level units only (xã communes, phường wards, đặc khu special zones; the
merged An Giang has 102: 85 communes, 14 wards, 3 special zones), and a program that organised
work per district (district award rounds, district budgets, "UBND các huyện" as partners) now
organises it per unit, per region (a grouping the province names: the islands, a former
province's mainland, ...) or for the whole province. The optional ``geography`` section of a
program file (docs/program-format.md, "Geography after the reform") lists them as data::

    geography:
      source: "Nghị quyết 1654/NQ-UBTVQH15 (16 June 2025)"
      regions:
        - {id: islands, name: {vi: Vùng biển đảo, en: Islands}}
      units:
        - {id: phu-quoc, name: {vi: Đặc khu Phú Quốc, en: Phú Quốc special zone}, kind: special_zone,
           region: islands}
        - {id: rach-gia, name: Phường Rạch Giá, kind: ward, formerly: "TP Rạch Giá (pre-2025 city)"}

and a task row may say at which level it is organised (``level``: province, region, commune,
ward, special_zone) and where (``areas``: ids of declared regions or units). A district kind or
level is refused, with a pointer to how to carry a pre-2025 program over.

``parse_geography`` and ``parse_task_area`` are pure and collect every problem; ``geography_to_dict``
is the exact inverse of ``parse_geography``'s input.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kgkc_opt.inputs.reader import Collector, describe, join
from kgkc_opt.inputs.text import Text, parse_text

#: Commune-level units after the reform: xã, phường, đặc khu.
UNIT_KINDS = ("commune", "ward", "special_zone")
#: The level at which a task is organised.
LEVELS = ("province", "region", *UNIT_KINDS)
#: Words for the abolished district level (compared without diacritics, in lower case; "quận" is
#: matched with its diacritics only: without them it is also "quản", "quán", ...).
DISTRICT_WORDS = ("district", "huyen", "thi xa", "thanh pho thuoc tinh", "cap huyen")
CARRY_OVER = ('districts no longer exist after 1 July 2025; use a region, a commune, ward or special zone, '
              'or the province (docs/program-format.md, "Carrying a pre-2025 program over")')
TASK_AREA_KEYS = ("level", "areas")
#: A kind or level written as a district-level unit: "quận" and "thành phố" (a provincial city,
#: "TP") are refused as a kind or level only; in free text they may name other things (``district_wording``).
_DISTRICT_KINDS = ("quan", "thanh pho", "tp")
#: A kind written in Vietnamese: what to write instead.
_VIETNAMESE_KINDS = {"xa": "commune", "phuong": "ward", "dac khu": "special_zone"}
_WORD = re.compile(r"[^\W_]+")
TOWNSHIP = ("townships (thị trấn) no longer exist after 1 July 2025: each became part of a commune (xã) or a "
            "ward (phường); write commune or ward")


@dataclass(frozen=True)
class Region:
    """A grouping of units the province names (not an administrative level)."""

    id: str
    name: Text
    source: str = ""


@dataclass(frozen=True)
class Unit:
    """A commune-level unit: a commune (xã), a ward (phường) or a special zone (đặc khu)."""

    id: str
    name: Text
    kind: str
    region: str | None = None
    #: the pre-2025 unit(s) it was formed from, as text ("TP Rạch Giá", "xã A + xã B")
    formerly: str = ""
    source: str = ""


@dataclass(frozen=True)
class Geography:
    source: str = ""
    regions: tuple[Region, ...] = ()
    units: tuple[Unit, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.regions and not self.units and not self.source

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(r.id for r in self.regions) | frozenset(u.id for u in self.units)

    def unit(self, unit_id: str) -> Unit:
        for u in self.units:
            if u.id == unit_id:
                return u
        raise KeyError(unit_id)

    def region_of(self, unit_id: str) -> str | None:
        return self.unit(unit_id).region

    def counts(self) -> dict[str, int]:
        """Units by kind, in ``UNIT_KINDS`` order (kinds with none left out)."""
        out = {k: sum(u.kind == k for u in self.units) for k in UNIT_KINDS}
        return {k: n for k, n in out.items() if n}


def plain(text: str) -> str:
    """Lower case without diacritics: "Cấp Huyện" -> "cap huyen" (đ -> d)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower().strip()


def _words(text: str) -> str:
    """The words of a label between single spaces: "UBND (huyện)/TP" -> " ubnd huyện tp "."""
    return " " + " ".join(_WORD.findall(text)) + " "


def district_wording(text: str) -> bool:
    """Whether a label names the abolished district level ("cấp huyện", "UBND các huyện", ...)."""
    words = _words(plain(text))
    exact = _words(unicodedata.normalize("NFC", text).lower())
    return any(f" {w} " in words or f" {w}s " in words for w in DISTRICT_WORDS) or " quận " in exact


def _kind(c: Collector, value: Any, where: str, allowed: tuple[str, ...]) -> str | None:
    if isinstance(value, str) and value in allowed:
        return value
    written = _words(plain(value)).strip() if isinstance(value, str) else ""
    if isinstance(value, str) and (district_wording(value) or written in _DISTRICT_KINDS):
        c.error(where, "{value!r}: {carry_over}", value=value, carry_over=CARRY_OVER)
        return None
    if written == "thi tran":
        c.error(where, "{value!r}: {township}", value=value, township=TOWNSHIP)
        return None
    hint = f" (write {_VIETNAMESE_KINDS[written]} for {value})" if written in _VIETNAMESE_KINDS else ""
    c.error(where, "expected one of {allowed}, got {value}{hint}", allowed=', '.join(allowed), value=describe(value),
                   hint=hint)
    return None


def _ident(c: Collector, data: Mapping[Any, Any], where: str, seen: set[str], what: str) -> str | None:
    ident = c.text(c.required(data, "id", where), join(where, "id"))
    if ident is not None and ident in seen:
        c.error(join(where, "id"), "{what} {ident!r} is listed twice", what=what, ident=ident)
        return None
    if ident is not None:
        seen.add(ident)
    return ident


def parse_geography(c: Collector, value: Any, where: str = "geography") -> Geography:
    """The ``geography`` section (empty when absent); every problem recorded in ``c``."""
    if value is None:
        return Geography()
    data = c.mapping(value, where)
    if data is None:
        return Geography()
    c.known_keys(data, where, ("source", "regions", "units"))
    source = c.text(data.get("source", ""), join(where, "source"), allow_empty=True) or ""
    regions: list[Region] = []
    seen: set[str] = set()
    for i, item in enumerate(_list(c, data.get("regions", []), join(where, "regions"))):
        rw = f"{where}.regions[{i}]"
        rd = c.mapping(item, rw)
        if rd is None:
            continue
        c.known_keys(rd, rw, ("id", "name", "source"))
        rid = _ident(c, rd, rw, seen, "region")
        name = parse_text(c, c.required(rd, "name", rw), join(rw, "name"))
        source_text = _optional_text(c, rd, "source", rw)
        if rid and name:
            regions.append(Region(rid, name, source_text))
    region_ids = [r.id for r in regions]
    units: list[Unit] = []
    for i, item in enumerate(_list(c, data.get("units", []), join(where, "units"))):
        uw = f"{where}.units[{i}]"
        ud = c.mapping(item, uw)
        if ud is None:
            continue
        c.known_keys(ud, uw, ("id", "name", "kind", "region", "formerly", "source"))
        uid = _ident(c, ud, uw, seen, "unit or region")
        name = parse_text(c, c.required(ud, "name", uw), join(uw, "name"))
        kind = _kind(c, c.required(ud, "kind", uw), join(uw, "kind"), UNIT_KINDS)
        region = ud.get("region")
        if region is not None and str(region) not in region_ids:
            c.error(join(uw, "region"), "unknown region {region!r}; regions are {value}", region=region,
                                        value=', '.join(region_ids) or '(none)')
            region = None
        formerly = _optional_text(c, ud, "formerly", uw)
        unit_source = _optional_text(c, ud, "source", uw)
        if uid and name and kind:
            units.append(Unit(uid, name, kind, None if region is None else str(region), formerly, unit_source))
    return Geography(source, tuple(regions), tuple(units))


def _optional_text(c: Collector, data: Mapping[Any, Any], key: str, where: str) -> str:
    """An optional text (empty when absent or empty); a list or a mapping is refused, not written out."""
    value = data.get(key)
    return "" if value is None else c.text(value, join(where, key), allow_empty=True) or ""


def _list(c: Collector, value: Any, where: str) -> list[Any]:
    if isinstance(value, list):
        return value
    c.error(where, "expected a list, got {value}", value=describe(value))
    return []


def parse_task_area(c: Collector, td: Mapping[Any, Any], where: str,
                    geography: Geography) -> tuple[str | None, tuple[str, ...]]:
    """A task row's ``level`` and ``areas`` (ids of declared regions or units)."""
    level = _kind(c, td["level"], join(where, "level"), LEVELS) if td.get("level") is not None else None
    areas: list[str] = []
    if td.get("areas") is not None:
        value = td["areas"]
        if not isinstance(value, list) or not value:
            c.error(join(where, "areas"), "expected a non-empty list of region or unit ids, got {value}",
                                          value=describe(value))
        elif geography.is_empty:
            c.error(join(where, "areas"), "names areas, but the program declares no geography")
        else:
            for i, a in enumerate(value):
                aw = f"{join(where, 'areas')}[{i}]"
                if isinstance(a, bool) or not isinstance(a, str | int):
                    c.error(aw, "expected the id of a region or unit, got {a}", a=describe(a))
                elif str(a) not in geography.ids:
                    c.error(aw, "unknown region or unit {a!r}", a=a)
                elif str(a) in areas:
                    c.error(aw, "{a!r} is listed twice", a=a)
                else:
                    areas.append(str(a))
    return level, tuple(areas)


def _text_dict(value: Text) -> str | dict[str, str]:
    return value.vi if value.vi == value.en else {"vi": value.vi, "en": value.en}


def geography_to_dict(geo: Geography) -> dict[str, Any] | None:
    """The ``geography`` section ``parse_geography`` reads back to ``geo`` (None when empty)."""
    if geo.is_empty:
        return None
    out: dict[str, Any] = {}
    if geo.source:
        out["source"] = geo.source
    if geo.regions:
        out["regions"] = [{"id": r.id, "name": _text_dict(r.name)} | ({"source": r.source} if r.source else {})
                          for r in geo.regions]
    if geo.units:
        units = []
        for u in geo.units:
            row: dict[str, Any] = {"id": u.id, "name": _text_dict(u.name), "kind": u.kind}
            if u.region is not None:
                row["region"] = u.region
            if u.formerly:
                row["formerly"] = u.formerly
            if u.source:
                row["source"] = u.source
            units.append(row)
        out["units"] = units
    return out

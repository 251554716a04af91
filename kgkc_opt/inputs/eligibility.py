"""Who may be supported, and who comes first: a proposal's profile and the rule packs that judge it.

A proposal's **profile** (``Profile``) is what the optional columns of a proposals file say about
the applicant (docs/annual-plan.md, "Eligibility and priority"): its kind (``APPLICANT_KINDS``: an
SME, a cooperative, a household business, an artisan, an industrial-cluster investor, ...), the
kind of place it is in (``LOCATION_KINDS``: commune, ward, special zone; ``PROVINCE_KINDS``: a
province or a centrally-run city), and four yes/no facts: in a craft village, women-owned,
employing ethnic minorities, in a disadvantaged area. Each is None where the file does not say.
``kind_value`` reads a cell (the canonical word, or a Vietnamese or English name; accents, case and
spaces ignored).

A **rule pack** (``RulePack``; the ``eligibility`` list of a program file, read by
``parse_rule_packs``) is a legal text's rules on eligibility and priority as data, like the dated
support rules (``inputs.support_rules``): its citation, authority, jurisdiction, the dates it is
in force (``valid_from`` / ``valid_to``, inclusive), whether it is illustrative, and its clauses.
A clause (``Clause``) cites the clause of the text it encodes and is either a **requirement**
(``require_any``: a proposal is eligible under it only if one of the listed facts holds) or a
**priority** (``priority: points`` added to the proposal's score when one of the ``if_any`` facts
holds); ``when`` limits a clause to the proposals it concerns (e.g. ``province_kind: city``).
``analysis.eligibility.assess`` applies the packs in force in a year. The format::

    eligibility:
      - id: decree-235-2025
        citation: "Nghị định 235/2025/NĐ-CP ..."
        authority: Chính phủ
        jurisdiction: An Giang
        province_kind: province        # the province's own kind, for proposals that do not state it
        valid_from: 2025-10-15
        illustrative: true
        clauses:
          - clause: "Điều 1 khoản 1"
            text: {vi: ..., en: ...}    # optional: what the clause says
            require_any: {applicant_kind: [sme, cooperative, household_business, artisan], craft_village: yes}
          - clause: "Điều 1 khoản 1"
            when: {province_kind: city}
            require_any: {location_kind: [commune, special_zone]}
          - clause: "Điều 1 khoản 5"
            priority: 5
            if_any: {women_owned: yes, ethnic_minority: yes}
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from kgkc_opt.errors import Said
from kgkc_opt.inputs.reader import Collector, WrittenFloat, describe, join
from kgkc_opt.inputs.text import Text, parse_text
from kgkc_opt.money import decimal_text

#: The kinds of applicant, each with its names in both languages and the other names a cell may give.
APPLICANT_KINDS: dict[str, tuple[Text, tuple[str, ...]]] = {
    "sme": (Text("doanh nghiệp nhỏ và vừa", "small or medium enterprise"),
            ("dnnvv", "doanh nghiệp vừa và nhỏ", "small and medium enterprise", "smes")),
    "cooperative": (Text("hợp tác xã", "cooperative"), ("htx", "liên hiệp hợp tác xã", "co-operative")),
    "cooperative_group": (Text("tổ hợp tác", "cooperative group"), ("tht",)),
    "household_business": (Text("hộ kinh doanh", "household business"), ("hkd", "hộ kinh doanh cá thể")),
    "artisan": (Text("nghệ nhân", "artisan"), ("nghệ nhân làng nghề",)),
    "cluster_investor": (Text("doanh nghiệp đầu tư hạ tầng cụm công nghiệp", "industrial-cluster investor"),
                         ("chủ đầu tư cụm công nghiệp", "đầu tư hạ tầng cụm công nghiệp", "industrial cluster investor",
                          "cluster investor")),
    "large_enterprise": (Text("doanh nghiệp lớn", "large enterprise"), ("large company",)),
    "agency": (Text("cơ quan, đơn vị sự nghiệp", "public agency"),
               ("cơ quan", "đơn vị sự nghiệp", "trung tâm khuyến công", "public body")),
    "other": (Text("khác", "other"), ()),
}
#: The kinds of commune-level unit (after 1 July 2025: commune, ward, special zone; a town, thị
#: trấn, was abolished then and is kept only to read older files).
LOCATION_KINDS: dict[str, tuple[Text, tuple[str, ...]]] = {
    "commune": (Text("xã", "commune"), ()),
    "ward": (Text("phường", "ward"), ()),
    "special_zone": (Text("đặc khu", "special zone"), ("đặc khu kinh tế",)),
    "town": (Text("thị trấn", "town (before 1 July 2025)"), ("town",)),
}
#: The kinds of province-level unit.
PROVINCE_KINDS: dict[str, tuple[Text, tuple[str, ...]]] = {
    "province": (Text("tỉnh", "province"), ()),
    "city": (Text("thành phố trực thuộc trung ương", "centrally-run city"),
             ("thành phố", "tp trực thuộc tw", "tp trực thuộc trung ương", "centrally run city", "municipality")),
}
#: The profile's facts: those with kinds, and the yes/no ones.
KIND_FIELDS: dict[str, dict[str, tuple[Text, tuple[str, ...]]]] = {
    "applicant_kind": APPLICANT_KINDS, "location_kind": LOCATION_KINDS, "province_kind": PROVINCE_KINDS}
FLAG_FIELDS = ("craft_village", "women_owned", "ethnic_minority", "disadvantaged_area")
FIELDS = (*KIND_FIELDS, *FLAG_FIELDS)
#: What each fact is called in a reason.
FIELD_NAMES: dict[str, Text] = {
    "applicant_kind": Text("loại hình đơn vị", "applicant's kind"),
    "location_kind": Text("loại địa bàn cấp xã", "kind of commune-level unit"),
    "province_kind": Text("loại đơn vị cấp tỉnh", "kind of province-level unit"),
    "craft_village": Text("thuộc làng nghề", "in a craft village"),
    "women_owned": Text("do phụ nữ làm chủ", "women-owned"),
    "ethnic_minority": Text("sử dụng lao động là người dân tộc thiểu số", "employs ethnic minorities"),
    "disadvantaged_area": Text("ở địa bàn khó khăn", "in a disadvantaged area"),
}
#: The words a commune's name begins with, and the kind each gives (a location kind not stated is
#: read from the name: "Phường Dương Đông" is a ward).
NAME_PREFIXES = (("dac khu", "special_zone"), ("thi tran", "town"), ("phuong", "ward"), ("xa", "commune"))
MAX_POINTS = 1000


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return re.sub(r"[\s_\-/.,]+", " ", plain).strip()


def _lookup(kinds: Mapping[str, tuple[Text, tuple[str, ...]]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for kind, (name, others) in kinds.items():
        for alias in (kind, name.vi, name.en, *others):
            out[_fold(alias)] = kind
    return out


_LOOKUPS = {f: _lookup(kinds) for f, kinds in KIND_FIELDS.items()}


def kind_value(field: str, text: str) -> str | None:
    """The canonical kind a cell names ('Hộ kinh doanh' -> 'household_business'), None if none."""
    return _LOOKUPS[field].get(_fold(text))


def kinds_listed(field: str) -> str:
    """The kinds of a field for a message: "sme (doanh nghiệp nhỏ và vừa), ..."."""
    return ", ".join(f"{k} ({name.vi})" for k, (name, _) in KIND_FIELDS[field].items())


def kind_problem(field: str, text: str) -> str:
    """Why a cell is not a kind of ``field``, with the closest kind."""
    close = difflib.get_close_matches(_fold(text), list(_LOOKUPS[field]), n=1, cutoff=0.7)
    if close:
        return Said("expected one of {kinds}, got {text!r}; did you mean {kind}?", kinds=kinds_listed(field),
                    text=text[:40], kind=_LOOKUPS[field][close[0]])
    return Said("expected one of {kinds}, got {text!r}", kinds=kinds_listed(field), text=text[:40])


def location_from_name(commune: str) -> str | None:
    """The kind of commune-level unit a name states by its first word(s), or None."""
    folded = _fold(commune)
    return next((kind for prefix, kind in NAME_PREFIXES if folded == prefix or folded.startswith(prefix + " ")),
                None)


@dataclass(frozen=True)
class Profile:
    """What a proposals file says about an applicant (None: not stated)."""

    applicant_kind: str | None = None
    location_kind: str | None = None
    province_kind: str | None = None
    craft_village: bool | None = None
    women_owned: bool | None = None
    ethnic_minority: bool | None = None
    disadvantaged_area: bool | None = None

    def value(self, field: str) -> str | bool | None:
        value: str | bool | None = getattr(self, field)
        return value


@dataclass(frozen=True)
class Clause:
    """One clause of a rule pack: a requirement (``points`` None; eligible only if one of
    ``any_of`` holds) or a priority (``points`` added when one of ``any_of`` holds), applying to the
    proposals for which every condition of ``when`` holds. Conditions: (field, the values that satisfy it)."""

    cite: str
    text: Text | None
    when: tuple[tuple[str, frozenset[str | bool]], ...]
    any_of: tuple[tuple[str, frozenset[str | bool]], ...]
    points: Fraction | None = None

    @property
    def is_priority(self) -> bool:
        return self.points is not None


@dataclass(frozen=True)
class RulePack:
    """A legal text's eligibility and priority rules for one province, with its dates."""

    id: str
    name: Text
    citation: str
    authority: str
    jurisdiction: str
    province_kind: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    clauses: tuple[Clause, ...]
    illustrative: bool = False
    confidence: str = "unknown"

    def in_force(self, year: int) -> bool:
        """Whether the pack is in force at some time of ``year``."""
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        return (self.valid_from is None or self.valid_from <= last) and (self.valid_to is None or
                                                                         self.valid_to >= first)


# ---- reading the packs of a program file ----------------------------------------------------

PACK_KEYS = ("id", "name", "citation", "authority", "jurisdiction", "province_kind", "valid_from", "valid_to",
             "illustrative", "confidence", "clauses")
CLAUSE_KEYS = ("clause", "text", "when", "require_any", "priority", "if_any")


def _values(c: Collector, field: str, value: Any, where: str) -> frozenset[str | bool] | None:
    """The values a condition on ``field`` accepts: kinds (a list or one), or yes/no for a flag."""
    if field in FLAG_FIELDS:
        if isinstance(value, bool):
            return frozenset({value})
        c.error(where, "expected yes or no (true/false), got {value}", value=describe(value))
        return None
    items = value if isinstance(value, list) else [value]
    kinds: set[str | bool] = set()
    for i, item in enumerate(items):
        kind = kind_value(field, item) if isinstance(item, str) else None
        if kind is None:
            c.error(f"{where}[{i}]" if isinstance(value, list) else where,
                    kind_problem(field, item) if isinstance(item, str) else
                    f"expected one of {kinds_listed(field)}, got {describe(item)}")
        else:
            kinds.add(kind)
    return frozenset(kinds) if kinds else None


def _conditions(c: Collector, value: Any, where: str) -> tuple[tuple[str, frozenset[str | bool]], ...]:
    data = c.mapping(value, where)
    if data is None:
        return ()
    c.known_keys(data, where, FIELDS)
    out = []
    for key, v in data.items():
        if key in FIELDS:
            accepted = _values(c, key, v, join(where, key))
            if accepted is not None:
                out.append((str(key), accepted))
    if not data:
        c.error(where, "expected at least one condition ({fields})", fields=', '.join(FIELDS))
    return tuple(out)


def _clause(c: Collector, value: Any, where: str) -> Clause | None:
    data = c.mapping(value, where)
    if data is None:
        return None
    c.known_keys(data, where, CLAUSE_KEYS)
    cite = c.text(c.required(data, "clause", where), join(where, "clause"))
    text = parse_text(c, data["text"], join(where, "text")) if data.get("text") is not None else None
    when = _conditions(c, data["when"], join(where, "when")) if "when" in data else ()
    if ("require_any" in data) == ("priority" in data):
        c.error(where, "a clause either requires (require_any) or gives priority (priority with if_any); "
                       "give one of them")
        return None
    if "require_any" in data:
        if "if_any" in data:
            c.error(join(where, "if_any"), "goes with priority, not with require_any")
        any_of = _conditions(c, data["require_any"], join(where, "require_any"))
        points = None
    else:
        any_of = _conditions(c, c.required(data, "if_any", where), join(where, "if_any"))
        points = c.weight(data["priority"], join(where, "priority"))
        if points is not None and points > MAX_POINTS:
            c.error(join(where, "priority"), "expected at most {max_points} points, got {points}",
                                             max_points=MAX_POINTS, points=points)
            points = None
        if points is None:
            return None
    if not cite or not any_of:
        return None
    return Clause(cite, text, when, any_of, points)


def _pack(c: Collector, value: Any, where: str) -> RulePack | None:
    data = c.mapping(value, where)
    if data is None:
        return None
    c.known_keys(data, where, PACK_KEYS)
    pid = c.text(c.required(data, "id", where), join(where, "id"))
    name = parse_text(c, data.get("name", pid or ""), join(where, "name")) if data.get("name", pid) else None
    citation = c.text(c.required(data, "citation", where), join(where, "citation"))
    authority = c.text(data.get("authority", ""), join(where, "authority"), allow_empty=True) or ""
    jurisdiction = c.text(data.get("jurisdiction", ""), join(where, "jurisdiction"), allow_empty=True) or ""
    confidence = c.text(data.get("confidence", "unknown"), join(where, "confidence")) or "unknown"
    illustrative = bool(c.boolean(data.get("illustrative", False), join(where, "illustrative")))
    province_kind = None
    if data.get("province_kind") is not None:
        raw = data["province_kind"]
        province_kind = kind_value("province_kind", raw) if isinstance(raw, str) else None
        if province_kind is None:
            c.error(join(where, "province_kind"), kind_problem("province_kind", str(raw)))
    start, end = (None if data.get(k) is None else c.date(data[k], join(where, k), example="2025-10-15")
                  for k in ("valid_from", "valid_to"))
    if start is not None and end is not None and end < start:
        c.error(join(where, "valid_to"), "ends ({end}) before it starts ({start})", end=end, start=start)
    raw_clauses = c.required(data, "clauses", where)
    clauses = []
    if (raw_clauses is not None and not isinstance(raw_clauses, list)) or raw_clauses == []:
        c.error(join(where, "clauses"), "expected a list of clauses, got {raw_clauses}",
                                        raw_clauses=describe(raw_clauses))
    elif isinstance(raw_clauses, list):
        clauses = [_clause(c, item, f"{join(where, 'clauses')}[{i}]") for i, item in enumerate(raw_clauses)]
    if not pid or name is None or not citation or any(x is None for x in clauses):
        return None
    return RulePack(pid, name, citation, authority, jurisdiction, province_kind, start, end,
                    tuple(x for x in clauses if x is not None), illustrative, confidence)


def parse_rule_packs(c: Collector, value: Any, where: str = "eligibility") -> tuple[RulePack, ...]:
    """The rule packs of a program file's ``eligibility`` list (problems recorded in ``c``)."""
    if value is None:
        return ()
    if not isinstance(value, list):
        c.error(where, "expected a list of rule packs, got {value}", value=describe(value))
        return ()
    packs: list[RulePack] = []
    for i, item in enumerate(value):
        pack = _pack(c, item, f"{where}[{i}]")
        if pack is None:
            continue
        if any(p.id == pack.id for p in packs):
            c.error(f"{where}[{i}].id", "the rule pack {pack_id!r} is listed twice", pack_id=pack.id)
            continue
        packs.append(pack)
    return tuple(packs)


# ---- back to a program document (inputs.program_dict) ---------------------------------------


def _label(value: Text) -> str | dict[str, str]:
    return value.vi if value.vi == value.en else {"vi": value.vi, "en": value.en}


def _conditions_to_dict(conditions: tuple[tuple[str, frozenset[str | bool]], ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field, accepted in conditions:
        if field in FLAG_FIELDS:
            (out[field],) = accepted  # (a flag condition holds one value)
        else:
            out[field] = [k for k in KIND_FIELDS[field] if k in accepted]
    return out


def packs_to_dict(packs: tuple[RulePack, ...]) -> list[dict[str, Any]]:
    """The ``eligibility`` list of a program document that ``parse_rule_packs`` reads back to ``packs``."""
    out = []
    for pack in packs:
        doc: dict[str, Any] = {"id": pack.id, "name": _label(pack.name), "citation": pack.citation}
        doc.update({k: v for k, v in (("authority", pack.authority), ("jurisdiction", pack.jurisdiction),
                                      ("province_kind", pack.province_kind), ("valid_from", pack.valid_from),
                                      ("valid_to", pack.valid_to)) if v})
        doc.update(illustrative=pack.illustrative, confidence=pack.confidence, clauses=[])
        for clause in pack.clauses:
            item: dict[str, Any] = {"clause": clause.cite}
            if clause.text is not None:
                item["text"] = _label(clause.text)
            if clause.when:
                item["when"] = _conditions_to_dict(clause.when)
            if clause.points is None:
                item["require_any"] = _conditions_to_dict(clause.any_of)
            else:
                points = clause.points
                item["priority"] = int(points) if points.denominator == 1 else WrittenFloat(
                    float(points), decimal_text(points) or repr(float(points)))
                item["if_any"] = _conditions_to_dict(clause.any_of)
            doc["clauses"].append(item)
        out.append(doc)
    return out

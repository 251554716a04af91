"""Legal support caps as data: ``SupportRule`` (with its dates, authority and later versions) and
its reader ``parse_support_rule`` (docs/program-format.md, "support_rules" and "Rules that change
over time")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

from kgkc_opt.inputs.reader import Collector, describe, join
from kgkc_opt.inputs.text import Text, parse_text


@dataclass(frozen=True)
class SupportRule:
    """The most the state may pay for one unit of a kind of support, with its legal basis.

    A rule may change over time: ``valid_from`` / ``valid_to`` (inclusive dates, None: open) bound
    this version, ``versions`` holds the later ones (each a ``SupportRule`` of the same id), and
    ``authority`` / ``jurisdiction`` say who set it (the Ministry of Finance for the country, a
    province's People's Council for that province). ``for_year(y)`` is the rule a plan applies in
    year y: the strictest of the versions in force at any time of that year (a unit paid in any
    month of it is lawful)."""

    id: str
    name: Text
    max_state_share: Fraction
    max_state_per_unit: Fraction | None
    citation: str
    confidence: str
    authority: str = ""
    jurisdiction: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    versions: tuple[SupportRule, ...] = ()

    @property
    def history(self) -> tuple[SupportRule, ...]:
        """Every version, this one first."""
        return (replace(self, versions=()), *self.versions)

    def in_force(self, year: int) -> tuple[SupportRule, ...]:
        """The versions in force at some time of ``year``."""
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        return tuple(v for v in self.history
                     if (v.valid_from is None or v.valid_from <= last) and (v.valid_to is None or v.valid_to >= first))

    def for_year(self, year: int) -> SupportRule:
        """The rule a plan applies in ``year``: the strictest of the versions in force in it (the
        smallest share and the smallest per-unit cap, their citations joined); this rule itself
        when none is in force (the audit reports such a year)."""
        found = self.in_force(year)
        if not found:
            return replace(self, versions=())
        if len(found) == 1:
            return found[0]
        caps = [v.max_state_per_unit for v in found if v.max_state_per_unit is not None]
        return replace(found[0], max_state_share=min(v.max_state_share for v in found),
                       max_state_per_unit=min(caps) if caps else None,
                       citation="; ".join(v.citation for v in found), valid_from=found[0].valid_from,
                       valid_to=found[-1].valid_to)

    @property
    def dated(self) -> bool:
        """Whether the rule states when it is in force (or has versions)."""
        return bool(self.versions) or self.valid_from is not None or self.valid_to is not None


RULE_KEYS = ("max_state_share", "max_state_per_unit", "citation", "confidence", "authority", "jurisdiction",
             "valid_from", "valid_to")


def _rule_version(c: Collector, r: Mapping[Any, Any], where: str, rid: str, name: Text | None,
                  base: SupportRule | None) -> SupportRule | None:
    """One version of a support rule; a later version (``base`` given) keeps what it does not
    restate, except its citation, authority and dates, which are its own."""
    if base is None:
        share = c.share(c.required(r, "max_state_share", where), join(where, "max_state_share"))
    else:
        share = (c.share(r["max_state_share"], join(where, "max_state_share")) if "max_state_share" in r
                 else base.max_state_share)
    per_unit = base.max_state_per_unit if base is not None else None
    if "max_state_per_unit" in r:
        per_unit = None if r["max_state_per_unit"] is None else \
            c.money(r["max_state_per_unit"], join(where, "max_state_per_unit"))
    citation = c.text(c.required(r, "citation", where), join(where, "citation"))
    confidence = c.text(r.get("confidence", base.confidence if base else "unknown"), join(where, "confidence")) \
        or "unknown"
    authority = c.text(r.get("authority", ""), join(where, "authority"), allow_empty=True) or ""
    jurisdiction = c.text(r.get("jurisdiction", ""), join(where, "jurisdiction"), allow_empty=True) or ""
    start = c.date(r["valid_from"], join(where, "valid_from")) if r.get("valid_from") is not None else None
    end = c.date(r["valid_to"], join(where, "valid_to")) if r.get("valid_to") is not None else None
    if base is not None and start is None and "valid_from" not in r:
        c.error(join(where, "valid_from"), "a change of a support rule needs the date it is in force from")
    if start is not None and end is not None and end < start:
        c.error(join(where, "valid_to"), "ends ({end}) before it starts ({start})", end=end, start=start)
        return None
    if name is None or share is None or not citation:
        return None
    return SupportRule(rid, name, share, per_unit, citation, confidence, authority, jurisdiction, start, end)


def parse_support_rule(c: Collector, r: Mapping[Any, Any], where: str, rid: str) -> SupportRule | None:
    """A support rule and its later versions (``changes``, in date order). A version without
    ``valid_to`` ends the day before the next one starts; versions may not overlap."""
    c.known_keys(r, where, ("name", *RULE_KEYS, "changes"))
    name = parse_text(c, r.get("name", rid), join(where, "name"))
    first = _rule_version(c, r, where, rid, name, None)
    changes = r.get("changes") or []
    if not isinstance(changes, list):
        c.error(join(where, "changes"), "expected a list of later versions, got {changes}",
                                        changes=describe(changes))
        return first
    versions: list[SupportRule] = [first] if first is not None else []
    for i, change in enumerate(changes):
        cw = f"{join(where, 'changes')}[{i}]"
        cd = c.mapping(change, cw)
        if cd is None or not versions:
            continue
        c.known_keys(cd, cw, RULE_KEYS)
        version = _rule_version(c, cd, cw, rid, name, versions[-1])
        if version is None or version.valid_from is None:
            continue
        before = versions[-1]
        if before.valid_from is not None and version.valid_from <= before.valid_from:
            c.error(join(cw, "valid_from"), "{valid_from} is not after the previous version's start "
                                            "({valid_from_2}); list the changes in date order",
                                            valid_from=version.valid_from, valid_from_2=before.valid_from)
            continue
        if before.valid_to is None:
            versions[-1] = replace(before, valid_to=version.valid_from - dt.timedelta(days=1))
        elif before.valid_to >= version.valid_from:
            c.error(join(cw, "valid_from"), "{valid_from} overlaps the previous version, in force until {valid_to}",
                                            valid_from=version.valid_from, valid_to=before.valid_to)
            continue
        versions.append(version)
    if not versions:
        return None
    return replace(versions[0], versions=tuple(versions[1:]))

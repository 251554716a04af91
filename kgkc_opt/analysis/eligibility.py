"""Eligibility and priority of a year's proposals under the program's rule packs (pure).

``assess(proposals, packs, year)`` judges each proposal by every rule pack in force at some time
of ``year`` (``RulePack.in_force``; a proposal must meet the requirements of each, as a plan keeps
the strictest support rule of a year) and gives, per proposal, an ``Assessment``: eligible, or the
list of requirements it does not meet, each citing its clause and the legal text (``Finding``);
and the priority points its facts earn (the sum over the priority clauses that hold, each named).

A proposal's facts are its profile as the file states it (``inputs.eligibility.Profile``), with
two defaults: the province kind, where the proposal does not state it, is the pack's own
(``province_kind``: the province the program is for), and the location kind is read from the
commune's name where not stated ("Phường Dương Đông": a ward; ``location_from_name``). A clause
whose ``when`` names a fact not stated does not apply; a requirement none of whose facts is stated
is not met ("not stated"). A requirement whose facts no proposal of the file states at all is a
``UsageError`` (the file lacks the column: every proposal would be refused for want of it).

``apply(proposals, packs, year)`` is what the annual selection calls: the proposals with their
priority points added to their scores (``Proposal.priority_points`` records the part added), and
the reason of each ineligible one (``Text``, both languages).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from kgkc_opt.errors import Joined, Said, UsageError
from kgkc_opt.inputs.eligibility import (
    FIELD_NAMES,
    FLAG_FIELDS,
    KIND_FIELDS,
    Clause,
    RulePack,
    location_from_name,
)
from kgkc_opt.inputs.proposals import Proposal, Proposals
from kgkc_opt.inputs.text import Text

Fact = str | bool | None


@dataclass(frozen=True)
class Finding:
    """A requirement a proposal does not meet: the pack, the clause cited, and why (both languages)."""

    pack: str
    clause: str
    text: Text


@dataclass(frozen=True)
class Assessment:
    """One proposal under the packs in force: eligible (no findings) or not, and its priority points."""

    findings: tuple[Finding, ...] = ()
    points: Fraction = Fraction(0)
    #: the clauses that gave points, each "clause (citation): +points"
    awarded: tuple[str, ...] = ()

    @property
    def eligible(self) -> bool:
        return not self.findings

    @property
    def reason(self) -> Text:
        return Text(" ".join(f.text.vi for f in self.findings), " ".join(f.text.en for f in self.findings))


def in_force(packs: Iterable[RulePack], year: int) -> tuple[RulePack, ...]:
    """The packs in force at some time of ``year``."""
    return tuple(p for p in packs if p.in_force(year))


def facts(p: Proposal, pack: RulePack) -> dict[str, Fact]:
    """The facts a pack judges ``p`` by: its profile, with the pack's province kind and the location
    kind of its commune's name where the file states none."""
    out: dict[str, Fact] = {f: p.profile.value(f) for f in (*KIND_FIELDS, *FLAG_FIELDS)}
    if out["province_kind"] is None:
        out["province_kind"] = pack.province_kind
    if out["location_kind"] is None:
        out["location_kind"] = location_from_name(p.commune)
    return out


def _holds(condition: tuple[str, frozenset[str | bool]], known: Mapping[str, Fact]) -> bool:
    field, accepted = condition
    value = known[field]
    return value is not None and value in accepted


def applies(clause: Clause, known: Mapping[str, Fact]) -> bool:
    return all(_holds(cond, known) for cond in clause.when)


def _value_name(field: str, value: str | bool, lang: str) -> str:
    if field in FLAG_FIELDS:
        yes = FIELD_NAMES[field].get(lang)
        return yes if value else ("không " if lang == "vi" else "not ") + yes
    assert isinstance(value, str)
    return KIND_FIELDS[field][value][0].get(lang)


def _requirement(clause: Clause, lang: str) -> str:
    """What a requirement asks, in words: "loại hình đơn vị là hợp tác xã hoặc hộ kinh doanh, hoặc thuộc làng nghề"."""
    parts = []
    for field, accepted in clause.any_of:
        if field in FLAG_FIELDS:
            parts.append(" / ".join(_value_name(field, v, lang) for v in sorted(accepted, key=str)))
            continue
        names = [_value_name(field, v, lang) for v in KIND_FIELDS[field] if v in accepted]
        joined = (", ".join(names[:-1]) + (" hoặc " if lang == "vi" else " or ") + names[-1]) if len(names) > 1 \
            else names[0]
        parts.append(f"{FIELD_NAMES[field].get(lang)}{' là ' if lang == 'vi' else ': '}{joined}")
    return ("; hoặc " if lang == "vi" else "; or ").join(parts)


def _stated(clause: Clause, known: Mapping[str, Fact], lang: str) -> str:
    parts = []
    for field, _ in clause.any_of:
        value = known[field]
        shown = ("không nêu" if lang == "vi" else "not stated") if value is None else _value_name(field, value, lang)
        if field in FLAG_FIELDS and value is not None:
            parts.append(shown)
        else:
            parts.append(f"{FIELD_NAMES[field].get(lang)}: {shown}")
    return "; ".join(parts)


def _cite(clause: Clause, pack: RulePack, lang: str) -> str:
    mark = (" (minh họa)" if lang == "vi" else " (illustrative)") if pack.illustrative else ""
    return f"{clause.cite}, {pack.citation}{mark}"


def _finding(clause: Clause, pack: RulePack, known: Mapping[str, Fact]) -> Finding:
    unstated = all(known[field] is None for field, _ in clause.any_of)
    if unstated:
        fields_vi = ", ".join(FIELD_NAMES[f].vi for f, _ in clause.any_of)
        fields_en = ", ".join(FIELD_NAMES[f].en for f, _ in clause.any_of)
        text = Text(f"Không đủ điều kiện hỗ trợ theo {_cite(clause, pack, 'vi')}: hồ sơ không nêu {fields_vi}; "
                    f"điều khoản này chỉ hỗ trợ khi {_requirement(clause, 'vi')}.",
                    f"Not eligible under {_cite(clause, pack, 'en')}: the file does not state {fields_en}; the clause "
                    f"supports only {_requirement(clause, 'en')}.")
    else:
        text = Text(f"Không đủ điều kiện hỗ trợ theo {_cite(clause, pack, 'vi')}: chỉ hỗ trợ khi "
                    f"{_requirement(clause, 'vi')}; đề án: {_stated(clause, known, 'vi')}.",
                    f"Not eligible under {_cite(clause, pack, 'en')}: it supports only {_requirement(clause, 'en')}; "
                    f"the proposal: {_stated(clause, known, 'en')}.")
    return Finding(pack.id, clause.cite, text)


def assess_one(p: Proposal, packs: Sequence[RulePack]) -> Assessment:
    """``p`` under ``packs`` (those in force): every requirement not met, and the priority points."""
    findings: list[Finding] = []
    points = Fraction(0)
    awarded: list[str] = []
    for pack in packs:
        known = facts(p, pack)
        for clause in pack.clauses:
            if not applies(clause, known):
                continue
            met = any(_holds(cond, known) for cond in clause.any_of)
            if clause.points is None:
                if not met:
                    findings.append(_finding(clause, pack, known))
            elif met and clause.points:
                points += clause.points
                awarded.append(f"{clause.cite} ({pack.citation}): +{_number(clause.points)}")
    return Assessment(tuple(findings), points, tuple(awarded))


def _number(x: Fraction) -> str:
    return str(x.numerator) if x.denominator == 1 else f"{float(x):g}"


def unstated(proposals: Sequence[Proposal], packs: Sequence[RulePack]) -> list[Said]:
    """Each requirement whose facts no proposal states (the file has no such column), in words."""
    out = []
    for pack in packs:
        for clause in pack.clauses:
            if clause.points is not None:
                continue
            concerned = [known for known in (facts(p, pack) for p in proposals) if applies(clause, known)]
            if concerned and all(known[f] is None for known in concerned for f, _ in clause.any_of):
                columns = " or ".join(f for f, _ in clause.any_of)
                out.append(Said("{cite} of {pack} checks {columns}", cite=clause.cite, pack=pack.id, columns=columns))
    return out


def assess(proposals: Iterable[Proposal], packs: Iterable[RulePack], year: int) -> dict[str, Assessment]:
    """Each proposal's assessment under the packs in force in ``year`` (by proposal id). Raises
    ``UsageError`` when a requirement's facts are stated by no proposal of the file."""
    items = list(proposals)
    force = in_force(packs, year)
    missing = unstated(items, force)
    if missing:
        raise UsageError("annual: the eligibility rules in force in {year} need facts the proposals file does not "
                         "give: {missing}; add the column(s) (docs/annual-plan.md, \"Eligibility and priority\")",
                         year=year, missing=Joined(missing, "; "))
    return {p.id: assess_one(p, force) for p in items}


def apply(proposals: Proposals, packs: Iterable[RulePack], year: int) -> tuple[Proposals, dict[str, Text]]:
    """The proposals with the priority points of the packs in force in ``year`` added to their
    scores, and the reason of each proposal that is not eligible (by id)."""
    found = assess(proposals.items, packs, year)
    scored = tuple(dataclasses.replace(p, score=p.score + found[p.id].points, priority_points=found[p.id].points)
                   if found[p.id].points else p for p in proposals.items)
    reasons = {pid: a.reason for pid, a in found.items() if not a.eligible}
    return dataclasses.replace(proposals, items=scored), reasons

"""The audit's checks of funding sources and of dated legal rules (``analysis.audit`` calls them).

Sources: a program that names its own sources (``funding_sources``) has a column per source in
its task table, its stated totals and its annual table; each other state source's column must
sum the same in all three (the state and other columns are checked by the audit itself, and the
local budget's part is the state column less the other state sources).

Dated rules: a support rule that states when it is in force (``valid_from`` / ``valid_to``) or
changes over time (``changes``) is checked year by year: the plan applies in each year the
strictest version in force at any time of it (``SupportRule.for_year``), so each task's state
support per unit is compared with that year's cap and the finding cites that version, its
authority and its dates. A year of the program with no version in force is an error; a version
that starts inside a year is noted (both versions bind that year).
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from kgkc_opt.analysis.finding import Finding, m
from kgkc_opt.inputs.areas import district_wording
from kgkc_opt.inputs.costs import legal_cap
from kgkc_opt.inputs.program import Program, SupportRule


def source_findings(program: Program) -> list[Finding]:
    """Column sums per other state source; an info line naming the sources and their shares."""
    if not program.sources_declared:
        return []
    out: list[Finding] = []
    table_src = "Annex task table"
    for s in program.extra_sources:
        tasks = sum((t.cost.amount(s) for t in program.tasks), Fraction(0))
        annual = sum((b.amount(s) for b in program.annual_budget.values()), Fraction(0))
        column = f"column {s.id} ({s.name.en})"
        if tasks != annual:
            out.append(Finding("error", "source-vs-annual-table",
                               f"the task table's {column} sums to {m(tasks)}, the annual table's years to "
                               f"{m(annual)} (difference {m(tasks - annual)})",
                               (f"{table_src}, {column}", program.annual_budget_source)))
        if program.stated_totals is not None and program.stated_totals.amount(s) != tasks:
            stated = program.stated_totals.amount(s)
            out.append(Finding("error", "source-vs-stated-total",
                               f"the task table's {column} sums to {m(tasks)}, but the program states {m(stated)}",
                               (f"{table_src}, {column}", program.stated_totals_source)))
        if program.annual_stated_total is not None and program.annual_stated_total.amount(s) != annual:
            out.append(Finding("error", "annual-column-sum",
                               f"the annual table's years sum to {m(annual)} in {column}, its total row says "
                               f"{m(program.annual_stated_total.amount(s))}",
                               (f"{program.annual_budget_source}, total row",)))
    total = sum((t.cost.total for t in program.tasks), Fraction(0))
    if total:
        parts = ", ".join(
            f"{s.name.en} {m(sum((t.cost.amount(s) for t in program.tasks), Fraction(0)))} "
            f"({float(sum((t.cost.amount(s) for t in program.tasks), Fraction(0)) / total):.1%})"
            for s in program.funding_sources)
        out.append(Finding("info", "funding-sources",
                           f"{len(program.funding_sources)} funding sources in the task table ({m(total)} in all): "
                           f"{parts}", (table_src,)))
    return out


def _cite(rule: SupportRule) -> str:
    when = f"{rule.valid_from or '…'} – {rule.valid_to or '…'}"
    who = f"; {rule.authority}" if rule.authority else ""
    where = f", {rule.jurisdiction}" if rule.jurisdiction else ""
    return f"support rule {rule.id}: {rule.citation} ({when}{who}{where}) [{rule.confidence}]"


def _years(years: list[int]) -> str:
    return f"{years[0]}–{years[-1]}" if len(years) > 1 and years == list(range(years[0], years[-1] + 1)) \
        else ", ".join(map(str, years))


def rule_findings(program: Program) -> list[Finding]:
    """Dated rules, year by year: the cap in force each year against each task's state support."""
    out: list[Finding] = []
    used = {t.support_rule for t in program.tasks}
    for rid, rule in program.support_rules.items():
        if not rule.dated or rid not in used:
            continue
        missing = [y for y in program.years if not rule.in_force(y)]
        if missing:
            out.append(Finding("error", "rule-not-in-force",
                               f"support rule {rid} has no version in force in {_years(missing)}; the plan "
                               "cannot say what the state may pay then", (_cite(rule),)))
        for v in rule.history:
            start = v.valid_from
            if start is not None and program.period[0] <= start.year <= program.period[1] \
                    and start != dt.date(start.year, 1, 1):
                out.append(Finding("info", "rule-changes-mid-year",
                                   f"support rule {rid} changes on {start}: in {start.year} both versions are in "
                                   "force, and the plan applies the stricter", (_cite(v),)))
        if len(rule.history) > 1:
            spans = "; ".join(f"{v.citation} ({v.valid_from or '…'} – {v.valid_to or '…'})" for v in rule.history)
            out.append(Finding("info", "rule-versions",
                               f"support rule {rid} changes during the program: {spans}", (_cite(rule),)))
    for t in program.tasks:
        rule = program.support_rules[t.support_rule]
        if not rule.dated or t.cost.total == 0:
            continue
        by_cap: dict[tuple[Fraction, Fraction | None, str], tuple[SupportRule, list[int]]] = {}
        for y in t.years:
            v = rule.for_year(y)
            by_cap.setdefault((v.max_state_share, v.max_state_per_unit, _cite(v)), (v, []))[1].append(y)
        share = t.cost.state / t.cost.total
        for (_, _, cite), (version, years) in by_cap.items():
            cap = legal_cap(version, t.unit_cost)
            if t.unit_state > cap:
                out.append(Finding("warning", "legal-cap-in-force",
                                   f"{t.id}: {m(t.unit_state)} million VND of state support per {t.unit.en} "
                                   f"({float(share):.0%}) is above the {m(cap)} the rule in force allows in "
                                   f"{_years(years)}; the plan then pays at most {m(cap)} of state support a unit, "
                                   f"{m(min(t.unit_state - cap, t.unit_local))} less from the local budget, and the "
                                   "establishment the rest", (t.source, cite)))
    return out


def geography_findings(program: Program) -> list[Finding]:
    """After the 2025 reform: rows that still name the district level, and the units declared.

    Rows that name districts ("cấp huyện", "UBND các huyện") and may run in 2026 or later get one
    warning listing them; rows that end in 2025 (Decision 2454's: the reform happened during the
    program, its rows stay as decided) one note.
    A declared geography is summarised: units by kind and regions."""
    out: list[Finding] = []
    named = [t for t in program.tasks
             if any(district_wording(x) for x in (t.name.vi, t.name.en, t.lead.vi, t.partner.vi))]
    late = [t.id for t in named if max(t.years) >= 2026]  # rows that may run after the reform
    early = [t.id for t in named if max(t.years) < 2026 and max(t.years) >= 2025]
    advice = {"warning": "organise them per region, commune, ward or special zone, or for the province (level, areas)",
              "info": "to plan them after 2025, carry them over per region, commune, ward or special zone"}
    for severity, ids in (("warning", late), ("info", early)):
        if ids:
            out.append(Finding(severity, "district-level",
                               f"{len(ids)} task rows name the district level, abolished on 1 July 2025: "
                               f"{', '.join(ids)}; {advice[severity]}",
                               ("Annex task table", *(program.task(tid).source for tid in ids[:3]))))
    geo = program.geography
    if geo.units or geo.regions:
        names = {"commune": "communes", "ward": "wards", "special_zone": "special zones"}
        kinds = ", ".join(f"{n} {names[k]}" for k, n in geo.counts().items())
        out.append(Finding("info", "geography",
                           f"{len(geo.units)} commune-level units ({kinds or 'none listed'}); "
                           f"{len(geo.regions)} regions", (geo.source or "geography",)))
    return out

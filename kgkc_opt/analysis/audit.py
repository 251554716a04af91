"""Auditing a program for internal consistency, leaving its data as the decision states it.

``audit(program)`` returns every finding, each with a severity, a stable code, a message and the
source references it concerns. Checks:

row arithmetic (total = state + other), column sums against the stated totals and the annual
table, the annual table's own rows and total, the specific targets against the task rows they
concern, implementation years and cadence ('Hàng năm' quantities that cannot be spread evenly),
unit costs, state support per unit against the legal caps, whether the tasks confined to a set of
years fit that set's annual budget (the whole table against the whole period included), and the
notes recorded from the source text.

Severities: ``error`` figures that contradict each other or a legal cap; ``warning`` figures that
are possible but doubtful; ``info`` facts a reader of the figures should know.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from fractions import Fraction
from typing import TYPE_CHECKING, Any, cast

from kgkc_opt.analysis.audit_rules import geography_findings, rule_findings, source_findings
from kgkc_opt.analysis.finding import Finding, m
from kgkc_opt.analysis.reconstruct import reconstruct
from kgkc_opt.errors import Bilingual, Joined, Said
from kgkc_opt.inputs.program import Program, Target, Task, quantity_text
from kgkc_opt.inputs.support_rules import SupportRule

if TYPE_CHECKING:
    import pandas as pd

SEVERITIES = ("error", "warning", "info")
#: "about N" in a target is read as within this share of N.
ABOUT_TOLERANCE = Fraction(1, 10)


#: the rules ``audit`` applies, in the order their findings are listed (within a severity): each reads
#: the program and yields its findings, as consistency-check suites list their checks
Rule = Callable[[Program], Iterable[Finding]]


def audit(program: Program, *, schedule: bool = False) -> list[Finding]:
    """Every finding about ``program``, errors first, in a stable order.

    With ``schedule=True`` the audit also asks the solver whether the whole task table can be
    scheduled year by year within the annual table (``reconstruct``), and reports the years and
    columns where even the closest schedule cannot match it.
    """
    rules = (*RULES, _schedule_findings) if schedule else RULES
    found = [finding for rule in rules for finding in rule(program)]
    order = {s: i for i, s in enumerate(SEVERITIES)}
    return sorted(found, key=lambda f: order[f.severity])


TABLE_SOURCE = "Annex task table"
COLUMN_NAMES = {"total": "Tổng số (total)", "state": "Vốn NS (state budget)", "other": "Vốn khác (other)"}
COLUMNS = ("total", "state", "other")


def _row_sums(program: Program) -> Iterator[Finding]:
    """Each task row: total = state + other."""
    for t in program.tasks:
        if t.cost.total != t.cost.state + t.cost.other:
            yield Finding("error", "row-sum",
                          f"{t.id}: total {m(t.cost.total)} ≠ state {m(t.cost.state)} + other "
                          f"{m(t.cost.other)} (= {m(t.cost.state + t.cost.other)})", (t.source,))


def _column_sums(program: Program) -> dict[str, Fraction]:
    return {col: sum((getattr(t.cost, col) for t in program.tasks), Fraction(0)) for col in COLUMNS}


def _annual_sums(program: Program) -> dict[str, Fraction]:
    return {col: sum((getattr(b, col) for b in program.annual_budget.values()), Fraction(0)) for col in COLUMNS}


def _columns_against_totals(program: Program) -> Iterator[Finding]:
    """The task table's column sums against the stated totals and against the annual table's."""
    sums, annual_sums = _column_sums(program), _annual_sums(program)
    if program.stated_totals is not None:
        for col in COLUMNS:
            stated = getattr(program.stated_totals, col)
            if sums[col] != stated:
                yield Finding("error", "column-vs-stated-total",
                              f"the task table's {COLUMN_NAMES[col]} column sums to {m(sums[col])}, "
                              f"but the program states {m(stated)} (difference {m(sums[col] - stated)})",
                              (f"{TABLE_SOURCE}, column {COLUMN_NAMES[col]}", program.stated_totals_source))
    for col in COLUMNS:
        if sums[col] != annual_sums[col]:
            yield Finding("error", "column-vs-annual-table",
                          f"the task table's {COLUMN_NAMES[col]} column sums to {m(sums[col])}, the annual "
                          f"table's years to {m(annual_sums[col])} (difference {m(sums[col] - annual_sums[col])})",
                          (f"{TABLE_SOURCE}, column {COLUMN_NAMES[col]}", program.annual_budget_source))


def _annual_table(program: Program) -> Iterator[Finding]:
    """The annual table itself: each year's row, its total row, and its total against the text's."""
    for y, b in program.annual_budget.items():
        if b.total != b.state + b.other:
            yield Finding("error", "annual-row-sum",
                          f"{y}: total {m(b.total)} ≠ local {m(b.state)} + other {m(b.other)}",
                          (f"{program.annual_budget_source}, {y}",))
    if program.annual_stated_total is not None:
        annual_sums = _annual_sums(program)
        for col in COLUMNS:
            stated = getattr(program.annual_stated_total, col)
            if annual_sums[col] != stated:
                yield Finding("error", "annual-column-sum",
                              f"the annual table's years sum to {m(annual_sums[col])} in column {col}, "
                              f"its total row says {m(stated)}",
                              (f"{program.annual_budget_source}, total row",))
    if program.stated_totals is not None and program.annual_stated_total is not None:
        for col in COLUMNS:
            a, b2 = getattr(program.annual_stated_total, col), getattr(program.stated_totals, col)
            if a != b2:
                yield Finding("error", "stated-totals-disagree",
                              f"the annual table's total ({col}) is {m(a)}, the text states {m(b2)}",
                              (program.annual_budget_source, program.stated_totals_source))


def _targets(program: Program) -> Iterator[Finding]:
    """Each specific target against the task rows it concerns."""
    for target in program.targets:
        finding = _target_finding(program, target)
        if finding is not None:
            yield finding


def _target_finding(program: Program, target: Target) -> Finding | None:
    rows = [program.task(tid) for tid in target.tasks]
    planned = sum(r.quantity for r in rows)
    refs = (target.source, *(r.source for r in rows))
    row_text = Joined([Said("{id} {quantity} {unit}", id=r.id, quantity=r.quantity_text, unit=_unit(r))
                       for r in rows], " + ")
    if target.unit_matches and (target.quantity_min is not None or any(r.quantity_min for r in rows)):
        # a range (in the target or a row): the table's range Σ minimum – Σ maximum against it
        low = sum((r.quantity_min or r.quantity) for r in rows)
        said = quantity_text(target.quantity, target.quantity_min)
        table_range = quantity_text(planned, low if low < planned else None)
        if (low, planned) != (target.quantity_min or target.quantity, target.quantity):
            return Finding("error", "target-vs-table",
                           Said("target {target} says {said}, the table plans {rows} = {table}", target=target.id,
                                said=said, rows=row_text, table=table_range), refs)
        return None
    if not target.unit_matches:
        return Finding("info", "target-unit-mismatch",
                       Said("target {target} ({quantity}, '{text}') does not count the same thing as {rows}: the "
                            "figures cannot be compared", target=target.id, quantity=target.quantity,
                            text=target.text.en, rows=row_text), refs)
    return _qualified_target_finding(target, planned, row_text, refs)


def _qualified_target_finding(target: Target, planned: int, row_text: Joined, refs: tuple[str, ...]) -> Finding | None:
    """A target with a qualifier (exact, about, more than, at least) against the table's count."""
    q = target.qualifier
    if q == "exact" and planned != target.quantity:
        return Finding("error", "target-vs-table",
                       Said("target {target} says {quantity}, the table plans {rows} = {planned}", target=target.id,
                            quantity=target.quantity, rows=row_text, planned=planned), refs)
    if q == "about" and abs(planned - target.quantity) > ABOUT_TOLERANCE * target.quantity:
        return Finding("error", "target-vs-table",
                       Said("target {target} says about {quantity}, the table plans {rows} = {planned} "
                            "({change:+.0%})", target=target.id, quantity=target.quantity, rows=row_text,
                            planned=planned, change=(planned - target.quantity) / target.quantity), refs)
    if q == "more_than" and planned <= target.quantity:
        return Finding("error", "target-vs-table",
                       Said("target {target} says more than {quantity}, the table plans only {rows} = {planned}",
                            target=target.id, quantity=target.quantity, rows=row_text, planned=planned), refs)
    if q == "at_least" and planned < target.quantity:
        return Finding("error", "target-vs-table",
                       Said("target {target} says at least {quantity}, the table plans {rows} = {planned}",
                            target=target.id, quantity=target.quantity, rows=row_text, planned=planned), refs)
    if q in ("more_than", "at_least") and planned > 2 * target.quantity:
        says = "more than" if q == "more_than" else "at least"
        return Finding("info", "target-far-exceeded",
                       Said("target {target} says {says} {quantity}; the table funds {rows} = {planned}, "
                            "{times:.1f}× as many", target=target.id, says=says, quantity=target.quantity,
                            rows=row_text, planned=planned, times=planned / target.quantity), refs)
    return None


def _tasks_without_target(program: Program) -> Iterator[Finding]:
    targeted = {tid for tg in program.targets for tid in tg.tasks}
    untargeted = [t.id for t in program.tasks if t.id not in targeted]
    if program.targets and untargeted:
        yield Finding("info", "task-without-target",
                      f"{len(untargeted)} task rows have no specific target in the text: {', '.join(untargeted)}",
                      (TABLE_SOURCE,))


def _years_and_cadence(program: Program) -> Iterator[Finding]:
    """'Hàng năm' quantities that cannot be spread evenly, and tasks whose allowed years force an
    uneven spread."""
    n_years = len(program.years)
    for t in program.tasks:
        n = len(t.years)
        if t.annual:
            if t.quantity < n_years:
                yield Finding("warning", "annual-cadence-impossible",
                              Said("{task} is to run every year (‘{years}’) but has only {quantity} {unit} for "
                                   "{n_years} years: at least {none} year(s) get none", task=t.id, years=t.years_text,
                                   quantity=t.quantity, unit=_unit(t), n_years=n_years, none=n_years - t.quantity),
                              (t.source,))
            elif t.quantity % n_years:
                lo, hi = t.quantity // n_years, t.quantity // n_years + 1
                yield Finding("info", "annual-cadence-uneven",
                              Said("{task}: {quantity} {unit} every year over {n_years} years cannot be even: "
                                   "{more} year(s) get {hi}, the others {lo}", task=t.id, quantity=t.quantity,
                                   unit=_unit(t), n_years=n_years, more=t.quantity % n_years, hi=hi, lo=lo),
                              (t.source,))
        elif n < n_years and t.quantity > n and t.quantity % n:
            yield Finding("info", "years-uneven",
                          Said("{task}: {quantity} {unit} in {n} allowed year(s) ({years}): at least one year holds "
                               "{most}", task=t.id, quantity=t.quantity, unit=_unit(t), n=n, years=t.years_text,
                               most=t.quantity // n + 1), (t.source,))


def _unit_costs_and_caps(program: Program) -> Iterator[Finding]:
    """Each task's unit cost, and its state support against its (undated) support rule's caps."""
    for t in program.tasks:
        if t.cost.total == 0:
            yield Finding("warning", "zero-cost", f"{t.id} costs nothing", (t.source,))
            continue
        yield from _unit_cost(t)
        rule = program.support_rules[t.support_rule]
        if not rule.dated:  # a dated rule: checked year by year against the version in force (audit_rules)
            yield from _legal_caps(t, rule)


def _unit_cost(t: Task) -> Iterator[Finding]:
    if (t.unit_cost * 1000).denominator != 1:
        yield Finding("info", "unit-cost-not-round",
                      Said("{task}: {total} / {quantity} {unit} = {unit_cost} per unit is not a whole number of "
                           "thousand VND", task=t.id, total=m(t.cost.total), quantity=t.quantity, unit=_unit(t),
                           unit_cost=m(t.unit_cost)), (t.source,))
    elif t.unit_cost.denominator != 1 and t.quantity > 1 and (t.unit_cost * 100).denominator == 1 \
            and (t.unit_cost * 10).denominator != 1:
        yield Finding("info", "unit-cost-not-round",
                      Said("{task}: {total} / {quantity} {unit} = {unit_cost} million VND per unit, an unusual "
                           "figure for a cost norm", task=t.id, total=m(t.cost.total), quantity=t.quantity,
                           unit=_unit(t), unit_cost=m(t.unit_cost)), (t.source,))


def _legal_caps(t: Task, rule: SupportRule) -> Iterator[Finding]:
    share = t.cost.state / t.cost.total
    rule_ref = f"support rule {rule.id}: {rule.citation} [{rule.confidence}]"
    if share > rule.max_state_share and not (share == 1 and t.cost.other == 0):
        yield Finding("error", "legal-share-exceeded",
                      f"{t.id}: the state pays {float(share):.0%} of the cost, above the "
                      f"{float(rule.max_state_share):.0%} "
                      f"allowed for {rule.name.en}", (t.source, rule_ref))
    if rule.max_state_per_unit is not None:
        if t.unit_state > rule.max_state_per_unit:
            yield Finding("error", "legal-cap-exceeded",
                          f"{t.id}: {m(t.unit_state)} million VND of state support per {t.unit.en}, above the "
                          f"cap of {m(rule.max_state_per_unit)}", (t.source, rule_ref))
        elif t.unit_state == rule.max_state_per_unit:
            yield Finding("info", "legal-cap-reached",
                          f"{t.id}: state support of {m(t.unit_state)} per {t.unit.en} is exactly the cap; "
                          "any cost increase must be borne by the enterprise", (t.source, rule_ref))
    if share == 1 and t.cost.other == 0 and rule.max_state_share < 1:
        yield Finding("error", "legal-share-exceeded",
                      f"{t.id} is fully state-paid, but {rule.name.en} allows at most "
                      f"{float(rule.max_state_share):.0%}", (t.source, rule_ref))


def _groups_and_ids(program: Program) -> Iterator[Finding]:
    for g in program.groups:
        if not any(t.group == g.id for t in program.tasks):
            yield Finding("warning", "empty-group", f"group {g.id} has no tasks", (g.source,))
    for t in program.tasks:
        if not t.id.startswith(t.group + "."):
            yield Finding("warning", "id-group-mismatch", f"task {t.id} is in group {t.group}", (t.source,))


def _relations(program: Program) -> Iterator[Finding]:
    """The relations the program's own text implies between rows."""
    for rel in program.relations:
        left = sum(program.task(tid).quantity for tid in rel.left)
        right = sum(program.task(tid).quantity for tid in rel.right)
        holds = {"<=": left <= right, ">=": left >= right, "==": left == right}[rel.op]
        if not holds:
            refs = (rel.source, *(program.task(tid).source for tid in (*rel.left, *rel.right)))
            yield Finding("warning", "relation-violated",
                          f"{' + '.join(rel.left)} = {left} but {' + '.join(rel.right)} = {right}, while "
                          f"{rel.op} is expected: {rel.text.en}", refs)


def _source_notes(program: Program) -> Iterator[Finding]:
    """The notes recorded from the source text, as findings."""
    for note in program.source_notes:
        yield Finding(note.severity if note.severity in SEVERITIES else "info", "source-text", note.text,
                      (note.source,))


def _unit(task: Any) -> Bilingual:
    """A task's unit in both languages (a finding's English text has the English unit)."""
    return Bilingual(task.unit.en, task.unit.vi)


def _schedule_findings(program: Program) -> list[Finding]:
    """Where the closest integer schedule of the whole table still differs from the annual table."""
    rec = reconstruct(program)
    diffs = rec.comparison[rec.comparison["difference"].abs() > 1e-6]
    if diffs.empty:
        return [Finding("info", "table-schedulable",
                        "the whole task table can be scheduled year by year to match the annual table exactly",
                        (program.annual_budget_source,))]
    names = {"local": "local budget", "cofunding": "co-funding"}
    parts = [f"{y} {names.get(s, f'source {s}')} {r.difference:+,.2f}"
             for (y, s), r in cast("Iterator[tuple[tuple[int, str], pd.Series]]", diffs.iterrows())]
    return [Finding(
        "warning", "table-not-schedulable",
        f"no year-by-year schedule of the whole task table matches the annual table; the closest "
        f"(kgkc-opt reconstruct) differs by {rec.total_deviation:,.2f} million VND in all: " + "; ".join(parts),
        ("Annex task table", program.annual_budget_source))]


def _capacity_findings(program: Program) -> list[Finding]:
    """Do the tasks confined to each set of years fit that set's annual budget (both columns)?"""
    out = []
    years = program.years
    annual = program.annual_budget
    task_sets = {t.years for t in program.tasks}
    subsets = []
    for r in range(1, len(years) + 1):
        for s in itertools.combinations(years, r):
            covered = [ts for ts in task_sets if set(ts) <= set(s)]
            if covered and set().union(*covered) == set(s):
                subsets.append(s)
    # the local budget, the co-funding, and each other state source (its own column and line)
    columns = [(lambda c: c.local, "local budget"), (lambda c: c.other, "co-funding"),
               *((lambda c, src=src: c.amount(src), f"source {src.id}") for src in program.extra_sources)]
    for s in subsets:
        members = [t for t in program.tasks if set(t.years) <= set(s)]
        for part, label in columns:
            need = sum((part(t.cost) for t in members), Fraction(0))
            have = sum((part(annual[y]) for y in s if y in annual), Fraction(0))
            if need > have:
                span = "the whole period" if len(s) == len(years) else "years " + ", ".join(map(str, s))
                out.append(Finding(
                    "error", "table-exceeds-annual-budget",
                    f"the tasks that must run in {span} need {m(need)} million VND of {label}, "
                    f"the annual table provides {m(have)}: the table cannot be carried out in full "
                    f"(short by {m(need - have)})",
                    (f"Annex task table, {len(members)} task(s)", program.annual_budget_source)))
    return out


RULES: tuple[Rule, ...] = (
    _row_sums,
    _columns_against_totals,
    _annual_table,
    _capacity_findings,  # can the table be carried out within the annual table?
    _targets,
    _tasks_without_target,
    _years_and_cadence,
    _unit_costs_and_caps,
    _groups_and_ids,
    _relations,
    source_findings,  # audit_rules: the decision's sources, dated support rules, geography
    rule_findings,
    geography_findings,
    _source_notes,
)


def findings_frame(findings: list[Finding]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame([f.to_dict() | {"sources": "; ".join(f.sources)} for f in findings],
                        columns=["severity", "code", "message", "sources"])

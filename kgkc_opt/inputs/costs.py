"""What a unit costs the local budget and the enterprise in a year, within the legal caps.

``legal_cap`` is the one statement of a support rule's cap: the state pays at most the rule's
share of the cost and at most its per-unit amount for each unit (``SupportRule``). Every place that
needs the cap calls it: the dated rules of ``escalated_costs``, the audit's year-by-year check and
the annual selection's cap on a proposal.

``escalated_costs`` is a unit's (local budget, co-funding) cost in a year under a scenario's
escalation (the ``escalation`` key) and the support rule in force that year.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from kgkc_opt.inputs.changes import fmt_percent

if TYPE_CHECKING:
    from kgkc_opt.inputs.program import Program, Task
    from kgkc_opt.inputs.support_rules import SupportRule

#: What escalation does with state support above a task's legal per-unit cap.
ABOVE_CAP = ("reject", "hold_at_cap")


def legal_cap(rule: SupportRule, cost: Fraction, units: int | Fraction = 1) -> Fraction:
    """The most state support ``rule`` allows for ``units`` units costing ``cost`` in all:
    min(largest share × cost, per-unit cap × units) (the share alone where the rule has no
    per-unit cap). Give ``rule.for_year(y)`` for the version in force in year y."""
    cap = rule.max_state_share * cost
    if rule.max_state_per_unit is not None:
        cap = min(cap, rule.max_state_per_unit * units)
    return cap


@dataclass(frozen=True)
class Escalation:
    """Unit costs grow by ``rate`` a year from ``base_year`` (tasks: None means every task)."""

    rate: Fraction
    base_year: int
    tasks: tuple[str, ...] | None
    above_cap: str = "reject"


def escalated_costs(task: Task, year: int, esc: Escalation | None, program: Program) -> tuple[Fraction, Fraction]:
    """Per-unit (local budget, co-funding) cost in a year.

    Escalation grows the local budget's and the co-funding's parts, the state share kept; other
    state sources (national funds, ...) pay their stated amount per unit. With
    ``above_cap="hold_at_cap"`` the state's support stops at the legal per-unit cap and the
    enterprise pays the rest (validation has already rejected it otherwise).

    A dated support rule (``SupportRule.dated``) then applies the rule in force in ``year``
    (``SupportRule.for_year``): state support above min(share × unit cost, per-unit cap) comes off
    the local budget's part and the enterprise pays it. An undated rule is not applied here: the
    program's split is its own data and the audit reports a row above its cap.
    """
    local, other = task.unit_local, task.unit_other
    extra = task.unit_state - local
    rule = program.support_rules[task.support_rule]
    if not (esc is None or (esc.tasks is not None and task.id not in esc.tasks) or year <= esc.base_year):
        factor = (1 + esc.rate) ** (year - esc.base_year)
        local, other = local * factor, other * factor
        per_unit = rule.for_year(year).max_state_per_unit
        if esc.above_cap == "hold_at_cap" and per_unit is not None:
            held = max(min(local, per_unit - extra), Fraction(0))
            local, other = held, other + local - held
    if rule.dated:
        cap = legal_cap(rule.for_year(year), local + other + extra)
        cut = min(max(local + extra - cap, Fraction(0)), local)
        local, other = local - cut, other + cut
    return local, other


def describe_escalation(esc: Escalation | None) -> str:
    if esc is None:
        return "none"
    scope = "all tasks" if esc.tasks is None else ", ".join(esc.tasks)
    return f"{fmt_percent(esc.rate)} a year from {esc.base_year} ({scope}; above cap: {esc.above_cap})"

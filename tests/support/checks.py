"""Exact re-checks of a solve result, independent of the package's own checks.

``assert_plan_valid(scenario, result)`` re-checks a solve result with exact fractions: every test that
solves something calls it. ``exact_objective`` recomputes the objective exactly from
``result.achievement``. ``solve_checked`` solves and re-checks.
"""

from __future__ import annotations

import datetime
import math
from fractions import Fraction
from typing import Any

import kgkc_opt as kg
from kgkc_opt.model.data import model_input
from kgkc_opt.solver.result import Status

OBJECTIVE_TOLERANCE = 1e-9


# --- exact re-checks -----------------------------------------------------------------------


def _legal_costs(program: Any, task: Any, year: int) -> tuple[Fraction, Fraction]:
    """(local, co-funding) per unit from the program's own figures: the local budget's part is the
    state column less the other state sources; under a dated support rule, state support above the
    strictest cap in force at any time of ``year`` comes off the local part (worked out here from
    the rule's versions and dates, not by the code under test)."""
    q = task.quantity
    extra = sum((a for _, a in task.cost.extra), Fraction(0)) / q
    local, other = task.cost.state / q - extra, task.cost.other / q
    rule = program.support_rules[task.support_rule]
    if rule.versions or rule.valid_from is not None or rule.valid_to is not None:
        first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        caps = []
        for v in (rule, *rule.versions):
            if (v.valid_from is None or v.valid_from <= last) and (v.valid_to is None or v.valid_to >= first):
                cap = v.max_state_share * task.cost.total / q
                caps.append(cap if v.max_state_per_unit is None else min(cap, v.max_state_per_unit))
        if caps:
            cut = min(max(local + extra - min(caps), Fraction(0)), local)
            local, other = local - cut, other + cut
    return local, other


def _unit_costs(scenario: Any, task: Any, year: int) -> tuple[Fraction, Fraction]:
    """(local, co-funding) per unit of a task in a year, from the program's own figures."""
    if hasattr(scenario, "unit_costs"):  # escalation, if any, is the scenario's business
        local, other = scenario.unit_costs(task, year)
        if getattr(scenario, "escalation", None) is None:
            assert (local, other) == _legal_costs(scenario.program, task, year)
        return Fraction(local), Fraction(other)
    return task.cost.state / task.quantity, (task.cost.total - task.cost.state) / task.quantity


def _credit(scenario: Any, tid: str, target: int) -> int:
    """The units that earn a task's full share: a target range's minimum (while the scenario
    keeps the program's target), else the target."""
    task = scenario.program.task(tid)
    low = getattr(task, "quantity_min", None)
    return min(low, target) if low is not None and target == task.quantity else target


def exact_objective(scenario: Any, result: kg.Result) -> Fraction:
    """Σ_t w_t · achieved_t / T_t over tasks with a positive target, from ``result.achievement``."""
    total = Fraction(0)
    weights = scenario.weights
    for tid, row in result.achievement.iterrows():
        target = int(row["target"])
        if target <= 0:
            continue
        weight = Fraction(weights.get(tid, Fraction(1)))
        credit = _credit(scenario, str(tid), target) if hasattr(scenario, "program") else target
        total += weight * Fraction(min(int(row["achieved"]), credit), credit)
    return total


def plan_of(result: kg.Result) -> dict[tuple[str, int], int]:
    """The plan read back from the allocation table, zero rows dropped."""
    alloc = result.allocation
    return {
        (str(tid), int(y)): int(q)
        for (tid, y), q in alloc["quantity"].items()
        if int(q) != 0
    }


def assert_plan_valid(scenario: Any, result: kg.Result) -> None:
    """Independent, exact re-check of a solve result against its scenario.

    Tables: index names and columns. Plan: integer quantities ≥ 0, only in each task's allowed
    (and planned) years, totals within [floor, target], no year's local or co-funding cap (nor a
    scenario's cap on a group of tasks) exceeded by even one đồng (exact fractions). The
    achievement and budget tables and the objective must agree with the plan.
    """
    assert result.has_plan, f"no plan: {result.status} {result.message}"
    assert result.status in (Status.OPTIMAL, Status.FEASIBLE)
    if result.status == Status.OPTIMAL:
        assert result.gap == 0

    alloc, achievement, budget = result.allocation, result.achievement, result.budget
    assert list(alloc.index.names) == ["task_id", "year"]
    assert list(budget.index.names) == ["year", "source"]
    assert achievement.index.name == "task_id"
    assert {"quantity", "local_budget", "cofunding"} <= set(alloc.columns)
    assert {"cap", "used", "slack", "shadow_price"} <= set(budget.columns)
    assert {"target", "achieved", "share", "shortfall"} <= set(achievement.columns)
    assert alloc.index.is_unique and budget.index.is_unique

    program = scenario.program
    inp = model_input(scenario)
    planned_years = [y for y in inp.years if y in inp.local_budget]

    # Quantities: whole numbers, never negative, only in allowed and planned years.
    for (tid, year), row in alloc.iterrows():
        q = row["quantity"]
        assert float(q) == int(q), f"{tid} {year}: fractional quantity {q}"
        assert int(q) >= 0, f"{tid} {year}: negative quantity {q}"
        task = program.task(tid)
        assert int(year) in task.years, f"{tid} has a row for {year}, outside {task.years}"
        assert int(year) in planned_years
        local, other = _unit_costs(scenario, task, int(year))
        assert math.isclose(row["local_budget"], float(local * int(q)), abs_tol=1e-9)
        assert math.isclose(row["cofunding"], float(other * int(q)), abs_tol=1e-9)
    plan = plan_of(result)
    if result.plan is not None:
        assert {k: v for k, v in result.plan.items() if v} == plan

    # Totals: floor ≤ done + Σ_y q ≤ target; the achievement table agrees.
    totals: dict[str, int] = {}
    for (tid, _), q in plan.items():
        totals[tid] = totals.get(tid, 0) + q
    assert set(achievement.index) == set(program.task_ids)
    for spec in inp.tasks:
        tid = spec.task_id
        target = scenario.targets[tid]
        assert spec.target == target
        achieved = spec.done + totals.get(tid, 0)
        if target == 0:
            assert totals.get(tid, 0) == 0, f"{tid} has target 0 but is planned"
        else:
            assert achieved <= target, f"{tid}: {achieved} above its target {target}"
            assert achieved >= scenario.floors.get(tid, 0), f"{tid}: {achieved} below its floor"
        row = achievement.loc[tid]
        credit = _credit(scenario, tid, target)
        assert int(row["target"]) == target
        assert int(row["achieved"]) == achieved
        assert int(row["shortfall"]) == max(credit - achieved, 0)
        if target:
            assert math.isclose(row["share"], min(achieved, credit) / credit, rel_tol=1e-12)

    # Money: exact per year, every cap respected; the budget table agrees.
    carry = Fraction(getattr(inp, "opening_carry", 0)) if scenario.carry_over else Fraction(0)
    for year in planned_years:
        local = sum((_unit_costs(scenario, program.task(tid), y)[0] * q
                     for (tid, y), q in plan.items() if y == year), Fraction(0))
        other = sum((_unit_costs(scenario, program.task(tid), y)[1] * q
                     for (tid, y), q in plan.items() if y == year), Fraction(0))
        local_cap = Fraction(scenario.local_budget[year]) + carry
        cof_cap = Fraction(scenario.cofunding[year])
        assert local <= local_cap, f"local budget {year}: {local} spent above {local_cap}"
        assert other <= cof_cap, f"co-funding {year}: {other} used above {cof_cap}"
        if scenario.carry_over:
            carry = local_cap - local
        b_local, b_cof = budget.loc[(year, "local")], budget.loc[(year, "cofunding")]
        assert math.isclose(b_local["cap"], float(local_cap), abs_tol=1e-9)
        assert math.isclose(b_local["used"], float(local), abs_tol=1e-6)
        assert math.isclose(b_cof["cap"], float(cof_cap), abs_tol=1e-9)
        assert math.isclose(b_cof["used"], float(other), abs_tol=1e-6)
        assert b_local["slack"] >= -1e-9 and b_cof["slack"] >= -1e-9
        # one more million can never lower the best achievement
        assert b_local["shadow_price"] >= -1e-9 and b_cof["shadow_price"] >= -1e-9

    # Group caps (scenario key group_caps): the local budget spent on a group's tasks, per year.
    for group, caps in getattr(scenario, "group_caps", {}).items():
        for year in planned_years:
            used = sum((_unit_costs(scenario, program.task(tid), y)[0] * q for (tid, y), q in plan.items()
                        if y == year and program.task(tid).group == group), Fraction(0))
            assert year not in caps or used <= caps[year], f"group {group} {year}: {used} above {caps[year]}"

    # Other state sources (national funds, ...): each source's part of the units, per year, within
    # the annual table's column (as a scenario's funding key leaves it).
    for source in getattr(program, "extra_sources", ()):
        for year in planned_years:
            used = sum((dict(program.task(tid).cost.extra).get(source.id, Fraction(0)) / program.task(tid).quantity * q
                        for (tid, y), q in plan.items() if y == year), Fraction(0))
            cap = Fraction(scenario.funding[source.id][year])
            assert used <= cap, f"{source.id} {year}: {used} used above {cap}"
            assert math.isclose(budget.loc[(year, source.id), "used"], float(used), abs_tol=1e-6)

    # Objective: what the plan achieves, exactly.
    value = exact_objective(scenario, result)
    assert result.objective is not None
    assert abs(result.objective - float(value)) <= OBJECTIVE_TOLERANCE
    assert result.objective <= result.max_objective + OBJECTIVE_TOLERANCE


def solve_checked(scenario: Any, **kwargs: Any) -> kg.Result:
    """Solve and re-check; returns the result."""
    result = kg.solve(scenario, **kwargs)
    if result.has_plan:
        assert_plan_valid(scenario, result)
    return result


# --- the decision's one prize short -----------------------------------------------------------


def provincial_prize_room(result: Any) -> set[int]:
    """The years of the decision's plan where one more provincial prize (III.8) fits under L01's 70
    prizes a provincial round (III.4): where the baseline's one prize short can be paid. Read from
    the plan, since which year holds the two rounds is the schedule's choice."""
    plan = result.plan
    years = {y for _, y in plan}
    return {y for y in years if plan.get(("III.8", y), 0) < 70 * plan.get(("III.4", y), 0)}

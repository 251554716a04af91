"""Shared fixtures and checks for the kgkc_opt test suite.

``assert_plan_valid(scenario, result)`` re-checks a solve result independently of the package's own
checks, with exact fractions: every test that solves something calls it. ``exact_objective``
recomputes the objective exactly from ``result.achievement``. ``small_programs`` is a Hypothesis
strategy for small program documents (2–5 tasks, 2–3 years) that solve in milliseconds.
"""

from __future__ import annotations

import datetime
import math
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st

import kgkc_opt as kg
from kgkc_opt.model.data import model_input
from kgkc_opt.solver.result import Status

ROOT = Path(__file__).resolve().parent.parent
# benchmarks/ holds the synthetic large cases and the benchmark scenario set some tests reuse
sys.path.insert(0, str(ROOT / "benchmarks"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SCENARIOS = ROOT / "scenarios"
OBJECTIVE_TOLERANCE = 1e-9


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def program() -> kg.Program:
    """Decision 2454/QĐ-UBND as shipped (Program is frozen: safe to share)."""
    return kg.load_program()


@pytest.fixture(scope="session")
def baseline_scenario(program: kg.Program) -> kg.Scenario:
    return kg.baseline(program)


@pytest.fixture(scope="session")
def baseline_result(baseline_scenario: kg.Scenario) -> kg.Result:
    return kg.solve(baseline_scenario)


@pytest.fixture(scope="session")
def cut20_scenario() -> kg.Scenario:
    return kg.load_scenario(SCENARIOS / "cut-20pct.yaml")


@pytest.fixture(scope="session")
def cut20_result(cut20_scenario: kg.Scenario) -> kg.Result:
    return kg.solve(cut20_scenario)


@pytest.fixture(scope="session")
def tiny_program() -> kg.Program:
    return kg.load_program(FIXTURES / "tiny-program.yaml")


@pytest.fixture(scope="session")
def tiny_scenario() -> kg.Scenario:
    return kg.load_scenario(FIXTURES / "tiny-baseline.yaml")


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


# --- small random programs -----------------------------------------------------------------

START_YEAR = 2021


@st.composite
def small_programs(draw: st.DrawFn, *, max_tasks: int = 5) -> dict[str, Any]:
    """A program document (what a YAML file holds) with 2–``max_tasks`` tasks and 2–3 years.

    Money is drawn in quarters of a million so that per-unit costs have awkward denominators
    (e.g. 45.25 / 3) while the document stays exact.
    """
    n_years = draw(st.integers(2, 3))
    years = list(range(START_YEAR, START_YEAR + n_years))
    quarter = st.integers(0, 800).map(lambda k: k / 4)
    annual = {
        y: {"state": draw(quarter), "other": draw(st.integers(0, 100).map(lambda k: k / 2))}
        for y in years
    }
    for row in annual.values():
        row["total"] = row["state"] + row["other"]
    n_tasks = draw(st.integers(2, max_tasks))
    tasks = []
    for i in range(n_tasks):
        quantity = draw(st.integers(1, 6))
        state = draw(st.integers(1, 400)) / 4
        other = draw(st.one_of(st.just(0), st.integers(1, 200).map(lambda k: k / 2)))
        kind = draw(st.sampled_from(["annual", "range", "subset"]))
        if kind == "annual":
            task_years: Any = "annual"
        elif kind == "range":
            task_years = f"{years[0]}-{years[-1]}"
        else:
            task_years = sorted(draw(st.sets(st.sampled_from(years), min_size=1)))
        tasks.append({
            "id": f"G.{i + 1}", "group": "G", "name": f"Task {i + 1}", "unit": "unit",
            "quantity": quantity, "cost": {"total": state + other, "state": state, "other": other},
            "years": task_years, "support_rule": "norm",
        })
    return {
        "format": "kgkc-program/1",
        "id": "random",
        "title": "Random test program",
        "period": {"start": years[0], "end": years[-1]},
        "annual_budget": {"years": annual},
        "support_rules": {"norm": {"max_state_share": 1, "citation": "test"}},
        "groups": [{"id": "G", "name": "Group"}],
        "tasks": tasks,
    }

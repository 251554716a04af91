"""Shared helpers of the scenario, what-if and analysis tests (test_scenario_*.py, test_actuals.py,
test_compare.py, test_sweep.py, test_diagnose.py, test_sensitivity.py, cli/test_analysis.py,
test_examples.py).

Solves of the shipped example scenarios are cached per test process (``solved``), so that a file
solved by one test module is not solved again by the next. ``check_plan`` re-checks a result
against its scenario with exact fractions, independently of the package's own checks.
"""

from __future__ import annotations

import csv
import functools
import io
from fractions import Fraction
from pathlib import Path
from typing import Any

import kgkc_opt as kg
from kgkc_opt.model.data import model_input
from tests.support.paths import FIXTURES as _ALL_FIXTURES
from tests.support.paths import SCENARIOS

FIXTURES = _ALL_FIXTURES / "scenarios"
ACTUALS = FIXTURES / "actuals"


def example(name: str) -> Path:
    """The path of a shipped example scenario: ``example("cut-20pct")``."""
    path = SCENARIOS / f"{name}.yaml"
    assert path.exists(), path
    return path


def fixture(name: str) -> Path:
    path = FIXTURES / (name if name.endswith((".yaml", ".csv")) else f"{name}.yaml")
    assert path.exists(), path
    return path


@functools.cache
def load(name: str) -> kg.Scenario:
    """A shipped example scenario, loaded once per process (Scenario is frozen)."""
    return kg.load_scenario(example(name))


@functools.cache
def solved(name: str) -> tuple[kg.Scenario, kg.Result]:
    """A shipped example scenario and its result, solved once per process."""
    scenario = load(name)
    return scenario, kg.solve(scenario)


def exact_objective(scenario: Any, result: kg.Result) -> Fraction:
    """Σ_t w_t · min(achieved_t, T_t) / T_t over tasks with a positive target, exactly (T_t: a target
    range's minimum while the scenario keeps the program's target)."""
    total = Fraction(0)
    for tid, row in result.achievement.iterrows():
        target = int(row["target"])
        if target > 0:
            task = scenario.program.task(str(tid))
            low = task.quantity_min
            credit = min(low, target) if low is not None and target == task.quantity else target
            total += (Fraction(scenario.weights.get(tid, Fraction(1)))
                      * Fraction(min(int(row["achieved"]), credit), credit))
    return total


def achieved(result: kg.Result) -> dict[str, int]:
    return {str(t): int(v) for t, v in result.achievement["achieved"].items()}


def shortfalls(result: kg.Result) -> dict[str, tuple[int, int]]:
    """task_id -> (achieved, target) for every task short of its target."""
    a = result.achievement
    return {str(t): (int(r["achieved"]), int(r["target"])) for t, r in a.iterrows() if r["shortfall"] > 0}


def plan_totals(result: kg.Result) -> dict[str, int]:
    totals: dict[str, int] = {}
    for (tid, _), q in result.allocation["quantity"].items():
        totals[tid] = totals.get(tid, 0) + int(q)
    return totals


def spend_by_year(scenario: Any, result: kg.Result) -> dict[int, tuple[Fraction, Fraction]]:
    """year -> (local, co-funding) the plan spends, exactly, from the scenario's unit costs."""
    out: dict[int, tuple[Fraction, Fraction]] = {}
    for (tid, year), q in result.allocation["quantity"].items():
        local, other = scenario.unit_costs(scenario.program.task(tid), int(year))
        a, b = out.get(int(year), (Fraction(0), Fraction(0)))
        out[int(year)] = (a + local * int(q), b + other * int(q))
    return out


def check_plan(scenario: Any, result: kg.Result) -> None:
    """Exact re-check: whole units in allowed and planned years, totals within [floor, target]
    (counting what the actuals delivered), every cap respected (with carry-over if on; group caps
    too), tables and
    objective consistent with the plan."""
    assert result.has_plan, f"{result.status}: {result.message}"
    inp = model_input(scenario)
    planned = list(scenario.planned_years())
    done = scenario.actuals.done() if scenario.actuals else {}
    alloc = result.allocation
    for (tid, year), row in alloc.iterrows():
        q = row["quantity"]
        assert q == int(q) and q >= 0, (tid, year, q)
        assert int(year) in scenario.program.task(tid).years
        assert int(year) in planned, f"{tid} planned in {year}, outside the planned years {planned}"
        local, other = scenario.unit_costs(scenario.program.task(tid), int(year))
        assert abs(row["local_budget"] - float(local * int(q))) <= 1e-9
        assert abs(row["cofunding"] - float(other * int(q))) <= 1e-9
    totals = plan_totals(result)
    for task in scenario.program.tasks:
        target = scenario.targets[task.id]
        got = int(result.achievement.loc[task.id, "achieved"])
        assert got == done.get(task.id, 0) + totals.get(task.id, 0)
        if target == 0:
            assert totals.get(task.id, 0) == 0
        else:
            assert totals.get(task.id, 0) <= max(target - done.get(task.id, 0), 0)
            assert got >= scenario.floors.get(task.id, 0)
    spent = spend_by_year(scenario, result)
    carry = inp.opening_carry if scenario.carry_over else Fraction(0)
    for year in planned:
        local, other = spent.get(year, (Fraction(0), Fraction(0)))
        cap = scenario.local_budget[year] + carry
        assert local <= cap, f"{year}: local {local} above {cap}"
        assert other <= scenario.cofunding[year], f"{year}: co-funding {other} above {scenario.cofunding[year]}"
        if scenario.carry_over:
            carry = cap - local
        row = result.budget.loc[(year, "local")]
        assert abs(row["used"] - float(local)) <= 1e-6
        assert abs(row["cap"] - float(cap)) <= 1e-9
    assert set(result.budget.index.get_level_values("year")) == set(planned)
    for group, caps in scenario.group_caps.items():  # the local budget spent on a group's tasks
        for year in planned:
            used = sum((scenario.unit_costs(scenario.program.task(tid), int(y))[0] * int(q)
                        for (tid, y), q in alloc["quantity"].items()
                        if int(y) == year and scenario.program.task(tid).group == group), Fraction(0))
            assert year not in caps or used <= caps[year], f"group {group} {year}: {used} above {caps[year]}"
    assert abs(result.objective - float(exact_objective(scenario, result))) <= 1e-9


def read_csv(path: str | Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8"))))


def csv_header(path: str | Path) -> list[str]:
    return next(csv.reader(io.StringIO(Path(path).read_text(encoding="utf-8"))))

"""The schedule's evenness (``solver.evenness``): every move keeps every row and every objective,
the unevenness never rises, the same input gives the same schedule, and the moves do what they
say on tiny programs where the answer is known."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

import kgkc_opt as kg
from kgkc_opt.model import check
from kgkc_opt.model.data import ModelInput, TaskSpec, model_input
from kgkc_opt.model.formulations import linear_full
from kgkc_opt.model.objectives import policy_objectives
from kgkc_opt.solver import evenness
from kgkc_opt.solver.decompose import optimise
from kgkc_opt.solver.highs import HighsBackend

ROOT = Path(__file__).resolve().parents[2]


def _totals(plan):
    out: dict[str, int] = {}
    for (tid, _), n in plan.items():
        out[tid] = out.get(tid, 0) + n
    return out


def _first_schedule(inp: ModelInput, totals):
    m = linear_full(inp, fixed_totals=totals, objective="feasibility")
    out = HighsBackend().solve(m, first_solution=True)
    assert out.status.has_plan
    return m, check.round_plan(out.values)


@pytest.mark.parametrize("name", ["baseline", "cut-20pct", "escalation-5pct", "replan-2023",
                                  "carry-over-cut-10pct", "cofunding-short-40pct"])
def test_the_local_search_keeps_every_row_and_objective_and_never_worsens(name):
    inp = model_input(kg.load_scenario(ROOT / "scenarios" / f"{name}.yaml"))
    objectives = policy_objectives(inp, inp.policy)
    totals = _totals(optimise(inp, tie_break=False).plan)
    m, start = _first_schedule(inp, totals)
    ev = evenness.local_search(inp, totals, m, start, objectives)
    check.check_plan(inp, ev.plan)  # every row of the program, exactly
    assert _totals(ev.plan) == {k: v for k, v in totals.items() if v}
    for o in objectives:  # co-funding under escalation depends on the year: a move never changes it
        assert o.value(inp, ev.plan) == o.value(inp, start), o.key
    assert ev.first == evenness.unevenness(inp, totals, start)
    assert ev.unevenness == evenness.unevenness(inp, totals, ev.plan) <= ev.first
    assert sum(evenness.uneven_years(inp, totals, ev.plan).values()) == ev.unevenness
    assert evenness.local_search(inp, totals, m, start, objectives).plan == ev.plan  # the same schedule


def _tiny(tasks: list[TaskSpec], local: dict[int, int]) -> ModelInput:
    return ModelInput(years=tuple(local), tasks=tuple(tasks), local_cap={y: Fraction(v) for y, v in local.items()},
                      cofunding_cap={y: Fraction(0) for y in local}, carry_over=False, opening_carry=Fraction(0))


def _searched(costs: dict[str, int], annual: str, local: dict[int, int], totals: dict[str, int],
              start: dict[tuple[str, int], int]) -> evenness.Evenness:
    """The local search on a tiny two-year program: tasks with their unit cost, one of them annual."""
    inp = _tiny([TaskSpec(tid, tuple(local), totals[tid], Fraction(cost), Fraction(0), annual=tid == annual)
                 for tid, cost in costs.items()], local)
    return evenness.local_search(inp, totals, linear_full(inp, fixed_totals=totals, objective="feasibility"), start)


def test_a_shift_spreads_an_annual_task_where_the_money_allows():
    ev = _searched({"A": 1}, "A", {2021: 4, 2022: 4}, {"A": 4}, {("A", 2021): 4})
    assert ev.plan == {("A", 2021): 2, ("A", 2022): 2}
    assert ev.first == 5 * (2 + 2)  # 'Hàng năm': weight 5, two units off in each year
    assert ev.unevenness == 0 and ev.proven and ev.complete


def test_an_exchange_frees_the_money_when_every_year_is_spent():
    """Each year's money is spent to the last million: A can move only if B moves back."""
    ev = _searched({"A": 3, "B": 3}, "A", {2021: 6, 2022: 6}, {"A": 2, "B": 2}, {("A", 2021): 2, ("B", 2022): 2})
    assert ev.plan == {("A", 2021): 1, ("A", 2022): 1, ("B", 2021): 1, ("B", 2022): 1}
    assert ev.unevenness == 0


def test_no_move_breaks_a_cap():
    """The money allows no even schedule: the search keeps the start rather than break a cap."""
    start = {("A", 2021): 2, ("B", 2022): 1}
    ev = _searched({"A": 3, "B": 4}, "A", {2021: 6, 2022: 4}, {"A": 2, "B": 1}, start)
    assert ev.plan == start and ev.unevenness == ev.first == 10 and ev.complete


def test_the_tie_break_is_the_same_on_every_run():
    inp = model_input(kg.load_scenario(ROOT / "scenarios" / "cut-20pct.yaml"))
    assert optimise(inp).plan == optimise(inp).plan

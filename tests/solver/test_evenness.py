"""The schedule's evenness (``solver.evenness``): every move keeps every row and every objective,
the unevenness never rises, the same input gives the same schedule, and the moves do what they
say on tiny programs where the answer is known."""

from __future__ import annotations

from dataclasses import replace
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
    return ModelInput(years=tuple(local), tasks=tuple(tasks), local_budget={y: Fraction(v) for y, v in local.items()},
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


def _three_years(tasks: list[TaskSpec], money: int, links=()) -> ModelInput:
    local = {2021: money, 2022: money, 2023: money}
    return replace(_tiny(tasks, local), links=tuple(links))


def test_the_banded_start_holds_annual_tasks_in_their_band_and_the_others_within_half_again():
    inp = _three_years([TaskSpec("A", (2021, 2022, 2023), 6, Fraction(1), Fraction(0), annual=True),
                        TaskSpec("E", (2021, 2022, 2023), 12, Fraction(1), Fraction(0), cadence="even")], 100)
    totals = {"A": 6, "E": 12}
    spread = linear_full(inp, fixed_totals=totals, objective="spread")
    col = spread.variables
    tight = evenness.banded(inp, totals, spread, loose=False)
    loose = evenness.banded(inp, totals, spread, loose=True)
    assert tight is not None and loose is not None
    for y in (2021, 2022, 2023):
        # 'Hàng năm' (weight 5): exactly its band [2, 2]; the even task (weight 1) free, or [2, 6]
        assert (tight.col_lower[col[("A", y)]], tight.col_upper[col[("A", y)]]) == (2, 2)
        assert (tight.col_lower[col[("E", y)]], tight.col_upper[col[("E", y)]]) == (0, 12)
        assert (loose.col_lower[col[("E", y)]], loose.col_upper[col[("E", y)]]) == (2, 6)
    out = HighsBackend().solve(loose, first_solution=True)
    assert out.status.has_plan and evenness.unevenness(inp, totals, check.round_plan(out.values)) <= 6


def test_a_prize_is_banded_only_when_its_round_runs_every_year():
    """A linked task (prizes after their round) may be lumped by its leader's years: banded only
    when the leader's own band puts it in every year."""
    from kgkc_opt.model.data import LinkSpec

    def follower_bounds(rounds: int):
        inp = _three_years([TaskSpec("R", (2021, 2022, 2023), rounds, Fraction(1), Fraction(0), cadence="even"),
                            TaskSpec("P", (2021, 2022, 2023), 30, Fraction(1), Fraction(0), cadence="even")], 100,
                           links=[LinkSpec("L:P<R", "P", "R", Fraction(20))])
        totals = {"R": rounds, "P": 30}
        spread = linear_full(inp, fixed_totals=totals, objective="spread")
        b = evenness.banded(inp, totals, spread, loose=True)
        assert b is not None
        return {(b.col_lower[j], b.col_upper[j]) for (tid, _), j in spread.variables.items() if tid == "P"}

    assert follower_bounds(3) == {(5, 15)}  # a round every year: prizes within half again of 10
    assert follower_bounds(2) == {(0, 30)}  # two rounds in three years: the prizes follow them


def test_pairs_of_years_are_repacked_for_annual_tasks_and_for_lumps_only():
    even = evenness._Task("E", 1, (2021, 2022), 10, 10)
    annual = evenness._Task("A", 5, (2021, 2022), 2, 2)
    # an even task one unit off: the local search's work, no pair model
    assert not evenness._helps([even], {("E", 2021): 11, ("E", 2022): 9}, 2021, 2022)
    # a lump (16 > 10 + 5): worth repacking the two years
    assert evenness._helps([even], {("E", 2021): 16, ("E", 2022): 4}, 2021, 2022)
    # an annual task one unit off: always
    assert evenness._helps([annual], {("A", 2021): 3, ("A", 2022): 1}, 2021, 2022)
    # a light task of one a year missing one year: not a gap worth a pair model
    single = evenness._Task("S", 1, (2021, 2022), 1, 1)
    assert not evenness._helps([single], {("S", 2021): 2}, 2021, 2022)
    # prizes after rounds held only some years: their lumps are the structure
    assert not evenness._helps([even], {("E", 2021): 16, ("E", 2022): 4}, 2021, 2022, {"E"})


def _decision_banded_start():
    """The decision's totals, their evenness model and the banded start's schedule (re-checked)."""
    inp = model_input(kg.load_scenario(ROOT / "scenarios" / "baseline.yaml"))
    totals = _totals(optimise(inp, tie_break=False).plan)
    spread = linear_full(inp, fixed_totals=totals, objective="spread")
    plain = linear_full(inp, fixed_totals=totals, objective="feasibility")
    out = evenness.banded_start(inp, totals, spread, HighsBackend(), plain=plain)
    assert out is not None and out.values is not None
    plan = check.round_plan(out.values)
    check.check_plan(inp, plan)
    return inp, totals, spread, plan


def test_the_banded_start_on_the_decision_holds_every_annual_task_in_its_band():
    inp, totals, spread, plan = _decision_banded_start()
    annual = [t for t in evenness._even_tasks(inp, totals, spread) if t.weight >= evenness.EXCHANGE_WEIGHT]
    assert {t.tid for t in annual} >= {"VIII.6", "I.1", "V.1"}
    for t in annual:
        assert all(t.lo <= plan.get((t.tid, y), 0) <= t.hi for y in t.years), t.tid


def test_no_banded_start_where_the_money_cannot_hold_the_band():
    """An annual task of 4 units over two years whose second year affords one unit: no band."""
    inp = _tiny([TaskSpec("A", (2021, 2022), 4, Fraction(1), Fraction(0), annual=True)], {2021: 3, 2022: 1})
    totals = {"A": 4}
    assert evenness.banded_start(inp, totals, linear_full(inp, fixed_totals=totals, objective="spread"),
                                 HighsBackend()) is None
    plan = {("A", 2021): 3, ("A", 2022): 1}
    as_is = evenness.Evenness.of(inp, totals, plan)
    assert as_is.plan == plan and as_is.unevenness == as_is.first == 5 * 2 and as_is.moves == 0


def test_the_local_search_keeps_the_rhythm_its_start_keeps():
    """'Hàng năm' A (6 units, band 2 a year) is 3, 1, 2 and 2022's money is spent: the one move that
    evens it frees 2022 by moving a unit of E (4 units, at most 2 a year) to 2021, a lump of 3. The
    start keeps the rhythm, so the search does not break it."""
    from kgkc_opt.solver.rhythm import soft_findings

    inp = _tiny([TaskSpec("A", (2021, 2022, 2023), 6, Fraction(1), Fraction(0), annual=True),
                 TaskSpec("E", (2021, 2022, 2023), 4, Fraction(1), Fraction(0), cadence="even")],
                {2021: 5, 2022: 2, 2023: 3})
    totals = {"A": 6, "E": 4}
    m = linear_full(inp, fixed_totals=totals, objective="feasibility")
    start = {("A", 2021): 3, ("A", 2022): 1, ("A", 2023): 2, ("E", 2021): 2, ("E", 2022): 1, ("E", 2023): 1}
    assert not soft_findings(inp, start)
    ev = evenness.local_search(inp, totals, m, start)
    assert ev.plan == start and ev.unevenness == 10
    # the move it did not make: a schedule, more even, with a lump
    broken = {("A", 2021): 2, ("A", 2022): 2, ("A", 2023): 2, ("E", 2021): 3, ("E", 2023): 1}
    check.check_plan(inp, broken)
    assert evenness.unevenness(inp, totals, broken) < ev.unevenness
    assert [f.rule for f in soft_findings(inp, broken)] == ["lump"]
    # the rhythm's bounds hold only where the start keeps them (a start that breaks it: searched as before)
    kept = evenness._kept_rhythm(inp, totals, m, start)
    assert {kept.col_upper[m.variables[("E", y)]] for y in (2021, 2022, 2023)} == {2}
    assert evenness._kept_rhythm(inp, totals, m, broken) is m


def test_the_banded_start_on_the_decision_keeps_the_rhythm():
    """The banded start tries the rhythm's bounds first: the decision's start keeps the rhythm, so
    the rhythm stage has nothing to do."""
    from kgkc_opt.solver.rhythm import soft_findings

    inp, _, _, plan = _decision_banded_start()
    assert not soft_findings(inp, plan)

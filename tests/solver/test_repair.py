"""The first schedule of fixed totals by relaxing the link rows and repairing them two years at a time
(``solver.repair``): a schedule it returns meets every row of the program (re-checked exactly), and
on the totals where HiGHS needed thousands of nodes (``fair`` at a 20% cut, L02's per-round limit
with nearly every unit of money spent) the relaxed schedule passes a link and the repair mends it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

import kgkc_opt as kg
from kgkc_opt.model.check import check_plan, round_plan
from kgkc_opt.model.data import model_input
from kgkc_opt.model.formulations import linear_full
from kgkc_opt.model.objectives import policy_objectives
from kgkc_opt.solver import decompose, repair
from kgkc_opt.solver.decompose import _aggregate_stages, _Clock
from kgkc_opt.solver.evenness import plan_values
from kgkc_opt.solver.highs import HighsBackend
from kgkc_opt.solver.status import Status

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


class _Counting(HighsBackend):
    """HiGHS, counting its solves and keeping the first one's values."""

    def __init__(self) -> None:
        super().__init__()
        self.solves = 0
        self.first = None

    def solve(self, m, **kw):
        out = super().solve(m, **kw)
        self.solves += 1
        if self.first is None:
            self.first = out
        return out


def _fair_cut_schedule_model():
    inp = replace(model_input(kg.load_scenario(SCENARIOS / "cut-20pct.yaml")), policy="fair")
    objectives = policy_objectives(inp, "fair")
    stages = _aggregate_stages(inp, objectives, HighsBackend(), _Clock(None), {}, False, [])
    return inp, stages.totals, linear_full(inp, fixed_totals=stages.totals, objective="feasibility")


def test_the_relaxed_schedule_passes_a_link_and_the_repair_mends_it():
    inp, fixed, m = _fair_cut_schedule_model()
    links = [r for r, key in enumerate(m.row_keys) if m.rows[key].kind == "link"]
    backend = _Counting()
    out = repair.relaxed_schedule(m, backend)
    assert out is not None and out.values is not None
    first = round_plan(plan_values(backend.first.values))
    assert sum(repair.passed(m, links, first).values()) > 0  # the repair had work to do
    assert backend.solves > 1
    plan = round_plan(plan_values(out.values))
    check_plan(inp, plan)  # every row of the program, exactly
    assert not any(repair.passed(m, links, plan).values())
    totals: dict[str, int] = {}
    for (tid, _), n in plan.items():
        totals[tid] = totals.get(tid, 0) + n
    assert {t: n for t, n in totals.items() if n} == {t: n for t, n in fixed.items() if n}  # the totals it was given


def test_passed_measures_how_far_each_year_goes_over_a_limit():
    _, _, m = _fair_cut_schedule_model()
    links = [r for r, key in enumerate(m.row_keys) if key.startswith("link[L02")]
    plan = {("III.7", 2022): 10, ("III.5", 2022): 2, ("III.7", 2023): 3, ("III.5", 2023): 1}
    over = repair.passed(m, links, plan)
    assert over[2022] == 10 - 3 * 2
    assert over[2023] == 0


def test_a_model_without_links_is_left_to_the_search():
    inp = model_input(kg.load_scenario(SCENARIOS / "baseline.yaml"))
    m = linear_full(inp, fixed_totals={t.task_id: 0 for t in inp.planned_tasks}, objective="feasibility")
    m = replace(m, rows={k: replace(info, kind="other" if info.kind == "link" else info.kind)
                         for k, info in m.rows.items()})
    backend = _Counting()
    assert repair.relaxed_schedule(m, backend) is None
    assert backend.solves == 0


def test_a_relaxed_model_with_no_schedule_is_a_proof_for_the_schedule_model():
    # co-funding 20% short of the table: the aggregate's first totals have no schedule, and the
    # relaxed model proves it (no search of the schedule model follows, module docstring)
    base = kg.load_scenario(SCENARIOS / "baseline.yaml")
    inp = model_input(base.derive("cof20", cofunding={"all": "-20%"}))
    objectives = policy_objectives(inp, inp.policy)
    stages = _aggregate_stages(inp, objectives, HighsBackend(), _Clock(None), {}, False, [])
    m = linear_full(inp, fixed_totals=stages.totals, objective="feasibility")
    backend = _Counting()
    out = repair.relaxed_schedule(m, backend)
    assert out is not None and out.status == Status.INFEASIBLE and out.values is None
    assert backend.solves == 1  # the relaxed model's search alone
    # the schedule model itself, searched to the end: no schedule either
    assert HighsBackend().solve(m, first_solution=True).status == Status.INFEASIBLE


# --- the money rows relaxed and repaired (repair.money_schedule) ---


def _schedule_model(name: str, policy: str | None = None):
    inp = model_input(kg.load_scenario(SCENARIOS / name))
    inp = replace(inp, policy=policy) if policy else inp
    stages = _aggregate_stages(inp, policy_objectives(inp, inp.policy), HighsBackend(), _Clock(None), {}, False, [])
    return inp, stages.totals, linear_full(inp, fixed_totals=stages.totals, objective="feasibility")


def _totals(plan):
    out: dict[str, int] = {}
    for (tid, _), n in plan.items():
        out[tid] = out.get(tid, 0) + n
    return {t: n for t, n in out.items() if n}


@pytest.mark.parametrize("name", ["cut-20pct.yaml", "carry-over-cut-10pct.yaml"])
def test_the_money_rows_over_q_alone_keep_the_schedules(name):
    # each money row's slack folded into its bounds (carry-over: a cumulative row whose slack has
    # an upper bound, so the row a lower one), the fill rows left out
    _, _, m = _schedule_model(name)
    q, rows = repair.money_rows_over_q(m)
    assert not any(info.kind == "fill" for info in q.rows.values())
    money = [r for r, key in enumerate(m.row_keys) if m.rows[key].kind in repair.MONEY_KINDS]
    assert [q.row_keys[r] for r in rows] == [m.row_keys[r] for r in money]
    variables = set(m.variables.values())
    for r, r_m in zip(rows, money, strict=True):
        assert set(q.row_index[r]) <= variables
        (slack,) = [j for j in m.row_index[r_m] if j not in variables]
        assert (q.row_lower[r], q.row_upper[r]) == (m.row_upper[r_m] - m.col_upper[slack],
                                                     m.row_upper[r_m] - m.col_lower[slack])
    # a schedule of the schedule model (searched as before) passes none of them
    found = HighsBackend().solve(m, first_solution=True)
    assert not any(repair.passed(q, rows, round_plan(plan_values(found.values))).values())


def test_the_money_repair_mends_a_plan_that_passes_the_money_rows():
    inp, fixed, m = _schedule_model("cut-20pct.yaml")
    q, rows = repair.money_rows_over_q(m)
    e = repair.elastic(q, rows)
    # a plan with as many units as the other rows allow in the first year: over its money
    first_year = min(y for _, y in q.variables)
    costs = [0.0] * len(e.col_cost)
    for (_, y), j in q.variables.items():
        costs[j] = -1.0 if y == first_year else 0.0
    start = HighsBackend().solve(replace(e, col_cost=costs))
    plan = round_plan(plan_values(start.values))
    assert repair.passed(q, rows, plan).get(first_year, 0) > 0
    mended = repair.repaired(q, rows, plan, HighsBackend(), None, e,
                             solves_per_year=repair.MONEY_REPAIR_SOLVES_PER_YEAR, by_room=True)
    assert mended is not None
    check_plan(inp, mended)  # every row of the program, exactly
    assert _totals(mended) == {t: n for t, n in fixed.items() if n}


def test_a_money_schedule_is_a_schedule_of_the_totals():
    inp, fixed, m = _schedule_model("cut-20pct.yaml", "fair")
    out = repair.money_schedule(m, HighsBackend())
    assert out is not None and out.status == Status.FEASIBLE and out.values is not None
    plan = round_plan(plan_values(out.values))
    check_plan(inp, plan)
    assert _totals(plan) == {t: n for t, n in fixed.items() if n}


def test_a_money_relaxed_model_with_no_schedule_is_a_proof_for_the_schedule_model():
    # III.7's prizes with no III.5 round: L02 (at most 3 prizes a round) holds in no year, whatever the money
    inp = model_input(kg.load_scenario(SCENARIOS / "baseline.yaml"))
    totals = {t.task_id: 0 for t in inp.planned_tasks} | {"III.7": 4}
    m = linear_full(inp, fixed_totals=totals, objective="feasibility")
    out = repair.money_schedule(m, HighsBackend())
    assert out is not None and out.status == Status.INFEASIBLE
    assert HighsBackend().solve(m, first_solution=True).status == Status.INFEASIBLE


def test_a_large_schedule_model_takes_the_money_path_and_the_plan_stays_optimal(monkeypatch):
    # every bundled scenario's schedule model is below the threshold: lowered here to force the path
    inp = replace(model_input(kg.load_scenario(SCENARIOS / "cut-20pct.yaml")), policy="fair")
    plain = decompose.optimise(inp, tie_break=False)
    seen = []

    def spy(m, backend, deadline=None):
        out = repair.money_schedule(m, backend, deadline)
        seen.append(out)
        return out

    monkeypatch.setattr(decompose, "MONEY_REPAIR_MIN_COLUMNS", 0)
    monkeypatch.setattr(decompose, "money_schedule", spy)
    forced = decompose.optimise(inp, tie_break=False)
    assert seen and seen[0] is not None and seen[0].status == Status.FEASIBLE
    assert forced.status == Status.OPTIMAL and forced.method == "decompose"
    check_plan(inp, forced.plan)
    assert forced.values == plain.values and forced.bound == plain.bound

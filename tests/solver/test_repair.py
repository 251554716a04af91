"""The first schedule of fixed totals by relaxing the link rows and repairing them two years at a time
(``solver.repair``): a schedule it returns meets every row of the program (re-checked exactly), and
on the totals where HiGHS needed thousands of nodes (``fair`` at a 20% cut, L02's per-round limit
with nearly every unit of money spent) the relaxed schedule passes a link and the repair mends it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import kgkc_opt as kg
from kgkc_opt.model.check import check_plan, round_plan
from kgkc_opt.model.data import model_input
from kgkc_opt.model.formulations import linear_full
from kgkc_opt.model.objectives import policy_objectives
from kgkc_opt.solver import repair
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

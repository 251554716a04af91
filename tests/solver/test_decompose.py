"""The fast paths give the same optima as the plain model (no timings here: see benchmarks/run.py).

* ``optimise`` (decomposition, models passed to HiGHS as arrays) against ``method="direct"`` (the
  plain model built in PuLP) on the benchmark scenarios that the plain model proves optimal within
  its limit, and on random small inputs (Hypothesis) with tiers, actuals, floors, carry-over,
  year-dependent costs and extra money lines;
* the arrays HiGHS gets are the PuLP problem, row by row;
* the schedule model's fill rows accept exactly the schedules the plain cap rows accept;
* the LP sweep's warm re-solves against a PuLP rebuild per level; the pooled MILP sweep against
  serial solves; shadow prices from HiGHS directly against PuLP's.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest
import synthetic
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kgkc_opt as kg
from kgkc_opt.analysis import sweep
from kgkc_opt.analysis.executors import run_jobs, solve_job
from kgkc_opt.errors import SolutionCheckError
from kgkc_opt.model import check
from kgkc_opt.model.data import CapLine, ModelInput, TaskSpec, model_input
from kgkc_opt.model.formulations import linear_aggregate, linear_full
from kgkc_opt.money import to_fraction
from kgkc_opt.solver import decompose, prices
from kgkc_opt.solver.highs import HighsBackend
from kgkc_opt.solver.pulp_model import PulpBackend, pulp_name, to_pulp
from kgkc_opt.solver.status import Status
from tests.support.models import build_full, row_duals, run_pulp

ROOT = Path(__file__).resolve().parents[2]
DIRECT_LIMIT = 10.0  # the plain model proves the easy cases in well under 1 s; the hard ones never do


def value(inp: ModelInput, outcome) -> Fraction:
    assert outcome.plan is not None
    check.check_plan(inp, outcome.plan)
    return check.achievement_value(inp, outcome.plan)


def benchmark_scenarios():
    import run  # benchmarks/run.py

    return run.scenario_set()


# --- the benchmark scenarios ------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n, _ in benchmark_scenarios()])
def test_fast_path_matches_the_plain_model_on_benchmark_scenarios(name):
    scn = dict(benchmark_scenarios())[name]
    inp = model_input(scn)
    fast = decompose.optimise(inp)
    assert fast.status == Status.OPTIMAL, fast.message
    first = next(iter(fast.values))  # the policy's first objective (a tier's shares, with tiers)
    assert fast.bound == fast.values[first]  # the plan reaches the aggregate bound: gap 0
    direct = decompose.optimise(inp, method="direct", tie_break=False, time_limit=DIRECT_LIMIT)
    assert direct.plan is not None
    if direct.status == Status.OPTIMAL:
        assert value(inp, fast) == value(inp, direct)
    else:  # the plain model did not prove its plan within the limit: it may not beat the proof
        assert value(inp, direct) <= value(inp, fast)


@pytest.mark.parametrize("cut", [0, 10, 20, 35, 60])
def test_highs_arrays_and_pulp_reach_the_same_optima(cut):
    inp = model_input(kg.load_scenario(ROOT / "scenarios" / "baseline.yaml").derive(
        "c", budget={"all": f"-{cut}%"}))
    fast = decompose.optimise(inp)
    pulp_path = decompose.optimise(inp, solver=PulpBackend("highs"))
    assert fast.status == pulp_path.status == Status.OPTIMAL
    assert fast.bound == pulp_path.bound == value(inp, fast) == value(inp, pulp_path)


# --- one formulation, two doors -----------------------------------------------------------------


def _pulp_rows(built) -> dict[str, tuple[dict[str, float], float | None, float | None]]:
    out = {}
    for key in built.pulp_names:
        con = built.constraint(key)
        coefs = {v.name: float(a) for v, a in con.items()}
        rhs = -float(con.constant)
        lo = rhs if con.sense in (0, 1) else None  # EQ or GE
        hi = rhs if con.sense in (0, -1) else None  # EQ or LE
        out[key] = (coefs, lo, hi)
    return out


@pytest.mark.parametrize("kind", ["full", "aggregate", "schedule", "plan_lp", "coupled"])
def test_the_arrays_are_the_pulp_problem(kind):
    inp = model_input(kg.load_scenario(ROOT / "scenarios" / "carry-over-cut-10pct.yaml"))
    if kind == "full":
        m = linear_full(inp)
    elif kind == "aggregate":
        m = linear_aggregate(inp)
    elif kind == "coupled":
        m = linear_aggregate(inp, coupled=True)
    elif kind == "plan_lp":
        m = linear_full(inp, continuous=True, lower={inp.columns()[0]: 1})
    else:
        m = linear_full(inp, fixed_totals={t.task_id: 1 for t in inp.planned_tasks}, objective="spread")
    built = to_pulp(m)
    rows = _pulp_rows(built)
    assert list(rows) == m.row_keys
    names = [pulp_name(n) for n in m.col_names]
    for i, key in enumerate(m.row_keys):
        coefs, lo, hi = rows[key]
        assert coefs == {names[j]: float(a) for j, a in zip(m.row_index[i], m.row_value[i], strict=True)}
        assert (lo if lo is not None else -math.inf) == m.row_lower[i]
        assert (hi if hi is not None else math.inf) == m.row_upper[i]
    variables = {v.name: v for v in built.problem.variables()}
    for j, name in enumerate(names):
        v = variables[name]
        assert (v.lowBound if v.lowBound is not None else -math.inf) == m.col_lower[j]
        assert (v.upBound if v.upBound is not None else math.inf) == m.col_upper[j]
        assert (v.cat == "Integer") == m.col_integer[j]
        assert float(built.problem.objective.get(v, 0.0)) == m.col_cost[j]


# --- random small inputs ----------------------------------------------------------------------


@st.composite
def model_inputs(draw: st.DrawFn) -> ModelInput:
    """Small inputs with the features the fast path must respect."""
    n_years = draw(st.integers(2, 3))
    years = tuple(range(2021, 2021 + n_years))
    money = st.tuples(st.integers(0, 60), st.sampled_from([1, 2, 4, 5, 25])).map(lambda p: Fraction(*p))
    n_tasks = draw(st.integers(2, 5))
    escalate = draw(st.booleans())
    tasks = []
    for i in range(n_tasks):
        task_years = tuple(sorted(draw(st.sets(st.sampled_from(years), min_size=1))))
        target = draw(st.integers(1, 6))
        local = Fraction(draw(st.integers(1, 40)), draw(st.sampled_from([1, 2, 4, 25])))
        cof = draw(st.one_of(st.just(Fraction(0)), st.integers(1, 20).map(lambda k: Fraction(k, 2))))
        yearly = None
        if escalate and draw(st.booleans()):
            yearly = {y: (local * Fraction(21, 20) ** k, cof) for k, y in enumerate(task_years)}
        tasks.append(TaskSpec(
            task_id=f"T{i}", years=task_years, target=target, unit_local=local, unit_cofunding=cof,
            floor=draw(st.integers(0, 1)) if draw(st.booleans()) else 0,
            weight=Fraction(draw(st.integers(1, 3))), tier=draw(st.sampled_from([1, 1, 2])),
            annual=draw(st.booleans()), done=draw(st.integers(0, 2)) if draw(st.booleans()) else 0,
            yearly_costs=yearly))
    local_cap = {y: draw(money) * 2 for y in years}
    lines: tuple[CapLine, ...] = ()
    if draw(st.booleans()):
        costs = {t.task_id: draw(st.sampled_from([Fraction(0), Fraction(1), Fraction(5, 2)])) for t in tasks}
        lines = (CapLine("national", costs, {y: draw(money) for y in years}, "test national line"),)
    carry = draw(st.booleans())
    return ModelInput(years=years, tasks=tuple(tasks), local_budget=local_cap,
                      cofunding_cap={y: draw(money) for y in years}, carry_over=carry,
                      opening_carry=draw(money) / 4 if carry else Fraction(0), lines=lines)


def _outcomes_agree(inp: ModelInput) -> None:
    direct = decompose.optimise(inp, method="direct", tie_break=False, time_limit=DIRECT_LIMIT)
    fast = decompose.optimise(inp)
    slow = decompose.optimise(inp, solver=PulpBackend("highs"), tie_break=False)
    assert direct.status == fast.status == slow.status, (direct.message, fast.message, slow.message)
    if direct.status == Status.OPTIMAL:
        v = value(inp, direct)
        assert value(inp, fast) == v
        assert value(inp, slow) == v
        if len(inp.tiers()) > 1:
            for tier in inp.tiers():
                assert check.achievement_value(inp, fast.plan, tier=tier) == check.achievement_value(
                    inp, direct.plan, tier=tier)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inp=model_inputs())
def test_fast_path_matches_the_plain_model_on_random_inputs(inp):
    _outcomes_agree(inp)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=st.deferred(lambda: _small_programs()))
def test_fast_path_matches_the_plain_model_on_random_programs(doc):
    _outcomes_agree(model_input(kg.baseline(kg.program_from_dict(doc))))


def _small_programs():
    from tests.support.strategies import small_programs

    return small_programs()


def test_tiers_with_actuals_keep_the_delivered_part_out_of_the_tier_rows():
    """Regression: tier_keep rows held the delivered units too, so replans with tiers were
    reported infeasible."""
    scn = kg.load_scenario(ROOT / "scenarios" / "replan-2023.yaml").derive(
        "tiers", tiers={"III.2": 2, "III.5": 2, "VIII.6": 2}, budget={"all": "-30%"})
    inp = model_input(scn)
    fast = decompose.optimise(inp)
    direct = decompose.optimise(inp, method="direct", tie_break=False, time_limit=DIRECT_LIMIT)
    assert fast.status == direct.status == Status.OPTIMAL
    assert value(inp, fast) == value(inp, direct)


# --- the schedule model's fill rows -----------------------------------------------------------


def _schedules(inp: ModelInput, totals: dict[str, int]):
    """Every integer schedule of ``totals`` (tiny inputs only)."""
    per_task = []
    for t in inp.planned_tasks:
        ys = [y for y in t.years if (t.task_id, y) in set(inp.columns())]
        splits = [dict(zip(ys, c, strict=True)) for c in itertools.product(range(totals[t.task_id] + 1), repeat=len(ys))
                  if sum(c) == totals[t.task_id]]
        per_task.append([(t.task_id, s) for s in splits])
    for combo in itertools.product(*per_task):
        yield {(tid, y): q for tid, split in combo for y, q in split.items()}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inp=model_inputs(), data=st.data())
def test_fill_rows_accept_exactly_the_valid_schedules(inp, data):
    inp = replace(inp, tasks=tuple(replace(t, target=min(t.target, 3), done=0, floor=0) for t in inp.tasks[:3]))
    totals = {t.task_id: data.draw(st.integers(0, t.target)) for t in inp.planned_tasks}
    has_valid = any(not check.violations(inp, p) and not check.line_violations(inp, p)
                    for p in _schedules(inp, totals))
    out = HighsBackend().solve(linear_full(inp, fixed_totals=totals, objective="feasibility"))
    assert out.status.has_plan == has_valid
    if out.status.has_plan:
        plan = check.round_plan(out.values)
        assert not check.violations(inp, plan) and not check.line_violations(inp, plan)


# --- sweeps and prices ------------------------------------------------------------------------


def test_lp_sweep_matches_a_pulp_rebuild_per_level():
    scn = kg.load_scenario(ROOT / "scenarios" / "carry-over-cut-10pct.yaml")
    inp = model_input(scn)
    levels = [100.0, 87.5, 70.0, 52.25, 40.0, 10.0]
    cof = [100.0, 55.0]
    res = sweep.lp_sweep(scn, budget=levels, cofunding=cof)
    got = res.objectives.set_index(["budget_level", "cofunding_level"])
    for bl, cl in itertools.product(levels, cof):
        scaled = sweep._scaled(inp, to_fraction(bl) / 100, to_fraction(cl) / 100)
        built = build_full(scaled, continuous=True)
        out = run_pulp(built)
        expected = float(check.achievement_value(scaled, {})) - out.objective
        assert got.loc[(bl, cl), "objective"] == pytest.approx(expected, abs=1e-9)
        duals = row_duals(built)
        for key in ("local_cap[2023]", "cofunding_cap[2024]"):
            assert got.loc[(bl, cl), f"price:{key}"] == pytest.approx(-duals[key], abs=1e-9)


def test_pooled_milp_sweep_matches_serial_solves():
    scn = kg.load_scenario(ROOT / "scenarios" / "baseline.yaml")
    inp = model_input(scn)
    levels = [100.0, 93.0, 90.0, 81.5, 70.0, 64.5, 50.0, 45.0, 40.0, 35.0]
    res = sweep.sweep(scn, budget=levels, workers=2)
    got = res.objectives.set_index("budget_level")["objective"]
    for lv in levels:
        scaled = sweep._scaled(inp, to_fraction(lv) / 100, None)
        through_pulp = decompose.optimise(scaled, solver=PulpBackend("highs"))
        assert got[lv] == pytest.approx(float(value(scaled, through_pulp)), abs=1e-12)


def test_run_jobs_takes_any_executor():
    from concurrent.futures import ThreadPoolExecutor

    inp = model_input(kg.load_scenario(ROOT / "scenarios" / "cut-20pct.yaml"))
    jobs = [(sweep._scaled(inp, Fraction(f, 100), None), "highs", 60.0) for f in (100, 80, 60)]
    with ThreadPoolExecutor(2) as pool:
        threaded = run_jobs(jobs, executor=pool, chunksize=1)
    serial = [solve_job(job) for job in jobs]
    assert [r["objective"] for r in threaded] == [r["objective"] for r in serial]


@pytest.mark.parametrize("name", ["baseline", "cut-20pct", "carry-over-cut-10pct", "escalation-5pct"])
def test_shadow_prices_from_highs_arrays_match_pulp(name):
    inp = model_input(kg.load_scenario(ROOT / "scenarios" / f"{name}.yaml"))
    plan = decompose.optimise(inp).plan
    fast = prices.shadow_prices(inp, plan)
    built = build_full(inp, continuous=True, lower=plan)
    assert run_pulp(built).status == Status.OPTIMAL
    duals = row_duals(built)
    for key, info in built.rows.items():
        if info.kind in ("local_cap", "cofunding_cap"):
            row = prices.CapRow(prices.PRICED_ROWS[info.kind], info.year)
            assert fast[row] == pytest.approx(-duals[key] * float(info.scale), abs=1e-12)


# --- scale cases ------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "n"), [("national", 2), ("national", 3), ("wide", 2)])
def test_synthetic_cases_agree_with_the_plain_model(kind, n):
    inp = synthetic.national(n) if kind == "national" else synthetic.wide(n)
    fast = decompose.optimise(inp, tie_break=False)
    direct = decompose.optimise(inp, method="direct", tie_break=False, time_limit=DIRECT_LIMIT)
    assert fast.status == Status.OPTIMAL
    if direct.status == Status.OPTIMAL:
        assert value(inp, fast) == value(inp, direct)


def test_a_plan_over_an_extra_line_is_refused():
    inp = synthetic.national(1)
    line = inp.lines[0]
    inp = replace(inp, lines=(replace(line, cap={y: Fraction(0) for y in line.cap}), *inp.lines[1:]))
    tid = next(t for t, a in line.unit_cost.items() if a > 0)
    plan = {(tid, inp.task(tid).years[0]): 1}
    assert check.line_violations(inp, plan)
    with pytest.raises(SolutionCheckError):
        check.check_plan(inp, plan)


def test_fallback_tiers_keep_each_tier_value():
    """Regression: the full-model fallback of the array path once took a HiGHS warm start whose
    column values came back in place of the tier-2 optimum (tier 2 valued 0 instead of 2)."""
    doc = {
        "format": "kgkc-program/1", "id": "random", "title": "Random test program",
        "period": {"start": 2021, "end": 2023},
        "annual_budget": {"years": {2021: {"state": 140.75, "other": 19.5, "total": 160.25},
                                    2022: {"state": 138.5, "other": 45.0, "total": 183.5},
                                    2023: {"state": 46.0, "other": 45.5, "total": 91.5}}},
        "support_rules": {"norm": {"max_state_share": 1, "citation": "test"}},
        "groups": [{"id": "G", "name": "Group"}],
        "tasks": [
            {"id": f"G.{i}", "group": "G", "name": f"Task {i}", "unit": "unit", "quantity": q,
             "cost": {"total": s + o, "state": s, "other": o}, "years": y, "support_rule": "norm"}
            for i, q, s, o, y in [(1, 6, 20.0, 68.5, "annual"), (2, 3, 66.75, 62.0, [2021, 2022, 2023]),
                                  (3, 1, 12.0, 62.0, "annual"), (4, 2, 55.5, 0, "annual")]],
    }
    scn = kg.baseline(kg.program_from_dict(doc, source="<r>")).derive("r", weights={"G.4": 2}, tiers={"G.4": 2})
    inp = model_input(scn)
    fast = decompose.optimise(inp)
    direct = decompose.optimise(inp, method="direct", tie_break=False)
    for tier in (1, 2):
        assert check.achievement_value(inp, fast.plan, tier=tier) == check.achievement_value(
            inp, direct.plan, tier=tier)


class _OutOfTime:
    """HiGHS that "runs out of time" where a real clock would on a slow machine, deterministically:
    every schedule solve stops with no plan (as at its time limit), and the full model's first
    objective stops at its first incumbent (status feasible)."""

    name = "highs"

    def __init__(self) -> None:
        self.inner = HighsBackend()
        self.kinds: list[str] = []

    def solve(self, m, *, time_limit=None, first_solution=False, node_limit=None, options=None):
        self.kinds.append(m.kind)
        if m.kind == "schedule":
            return decompose.Outcome(Status.NO_SOLUTION, None, None, None, 0.0, True)
        if m.kind == "full":
            return self.inner.solve(m, first_solution=True)
        return self.inner.solve(m, time_limit=time_limit, first_solution=first_solution, node_limit=node_limit,
                                options=options)

    def version(self) -> str:
        return self.inner.version()


def test_a_decomposition_out_of_time_returns_the_best_plan_known_with_its_gap():
    """The schedule stage finds nothing in time; the full model, stopped early, gives a plan: it is
    returned (status feasible) with the aggregate's bound and a true gap, and every stage is timed."""
    inp = model_input(kg.load_scenario(ROOT / "scenarios" / "cut-20pct.yaml"))
    optimum = decompose.optimise(inp)
    assert optimum.status == Status.OPTIMAL
    backend = _OutOfTime()
    out = decompose.optimise(inp, solver=backend)
    assert "schedule" in backend.kinds and "full" in backend.kinds
    assert out.status == Status.FEASIBLE and out.plan, out.message
    check.check_plan(inp, out.plan)  # a plan stopped early is still a valid plan
    reached = out.values[next(iter(out.values))]
    best = optimum.values[next(iter(optimum.values))]
    assert out.bound is not None and reached <= best <= out.bound  # the bound is the aggregate's, a true bound
    assert out.bound > reached  # a gap is reported, not hidden
    assert "stopped at" in out.message  # (a node limit here: no time limit was given)
    assert "schedule" in out.timings and any(k.startswith("full[") for k in out.timings)
    assert any(k.startswith("aggregate") for k in out.timings)


def test_a_weak_aggregate_is_settled_by_the_probe_not_by_cuts():
    """Co-funding 20% short: the aggregate's totals have no schedule, and the full model capped at
    the aggregate bound proves the optimum at once (it took 20 cuts and the coupled stage before)."""
    inp = model_input(kg.baseline(kg.load_program(ROOT / "kgkc_opt" / "programs" / "kien-giang-2021-2025.yaml"))
                      .derive("cof-20", cofunding={"all": "-20%"}))
    out = decompose.optimise(inp)
    assert out.status == Status.OPTIMAL and out.method == "decompose+full"
    assert value(inp, out) == 23 + Fraction(11, 28)
    assert any(k.startswith("full[probe][") for k in out.timings)
    assert not any("[cut " in k for k in out.timings)


def test_the_cap_row_bounds_the_objective_and_cuts_off_no_plan():
    inp = model_input(kg.load_scenario(ROOT / "scenarios" / "cut-20pct.yaml"))
    shares = decompose.policy_objectives(inp, inp.policy)[0]
    optimum = value(inp, decompose.optimise(inp, tie_break=False))
    capped = linear_full(inp, objective=shares, cap=(shares, optimum))
    assert capped.rows["cap[shares]"].kind == "keep"
    out = HighsBackend().solve(capped)  # capped at the optimum: the optimum is still reached
    assert out.status == Status.OPTIMAL and shares.value(inp, check.round_plan(out.values)) == optimum
    lower = optimum - Fraction(1, 10)  # capped below it: the row holds
    below = HighsBackend().solve(linear_full(inp, objective=shares, cap=(shares, lower)))
    assert below.status == Status.OPTIMAL and shares.value(inp, check.round_plan(below.values)) <= lower


def test_the_rhythm_stage_stops_at_the_time_limit_with_the_plan_so_far(monkeypatch):
    """A fake clock: the user's time limit has passed when the rhythm stage starts (no wall-clock
    timing). The stage ends at once with the decomposition's plan, proven for every objective of
    the policy: a valid plan, status optimal with no gap, the message saying the rhythm search
    stopped at the time limit, and every rule it breaks noted "time" (nothing claimed proven),
    where the run with no time limit proves the recurring rule impossible ("money")."""
    import time

    from kgkc_opt.analysis.adoptability import adoptability, describe, unexplained

    inp = replace(model_input(kg.load_scenario(ROOT / "scenarios" / "cut-20pct.yaml")), policy="fair")
    free = decompose.optimise(inp)
    assert free.status == Status.OPTIMAL and "money" in {n.reason for n in free.rhythm}
    real = decompose.keep_rhythm
    deadlines: list[float | None] = []

    def passed(inp_, plan, objectives, backend, deadline=None):
        deadlines.append(deadline)
        return real(inp_, plan, objectives, backend, None if deadline is None else time.perf_counter() - 1.0)

    monkeypatch.setattr(decompose, "keep_rhythm", passed)
    out = decompose.optimise(inp, time_limit=3600)
    assert deadlines and deadlines[0] is not None  # the user's limit reaches the stage as a deadline
    check.check_plan(inp, out.plan)
    assert out.status == Status.OPTIMAL and out.bound == out.values[next(iter(out.values))]  # no gap, true
    keys = [o.key for o in decompose.policy_objectives(inp, "fair")]
    assert [out.values[k] for k in keys[:-1]] == [free.values[k] for k in keys[:-1]]  # the policy's values
    assert out.message.endswith("(the rhythm search stopped at the time limit)")
    assert out.rhythm and {n.reason for n in out.rhythm} == {"time"}
    notes = adoptability(inp, out.plan, out.rhythm)
    assert unexplained(notes) == [] and all(describe(n, "vi") != describe(n, "en") for n in notes)
    assert out.plan != free.plan  # the stage stopped short of the plan it makes with no limit


def test_past_the_time_limit_no_more_models_are_built(monkeypatch):
    """A fake clock: the user's time limit passes while the schedule stage searches (it finds
    nothing, as on a slow machine). No coupled relaxation or full model is built after it: the
    full model's first plan (found first, with a time limit) comes back at once, a valid plan with
    status feasible, the aggregate's bound (a true bound) and the message saying why."""
    inp = model_input(kg.load_scenario(ROOT / "scenarios" / "cut-20pct.yaml"))
    optimum = decompose.optimise(inp, tie_break=False)
    backend = _OutOfTime()
    monkeypatch.setattr(decompose._Clock, "out", lambda self: "schedule" in backend.kinds)
    out = decompose.optimise(inp, solver=backend, time_limit=3600, tie_break=False)  # (no rhythm stage)
    after = backend.kinds[backend.kinds.index("schedule"):]  # (the schedule stage's own searches)
    assert set(after) == {"schedule"} and backend.kinds.count("full") == 1  # the first plan's only
    assert "first plan" in out.timings and not [k for k in out.timings if "coupled" in k or "full" in k]
    check.check_plan(inp, out.plan)
    assert out.status == Status.FEASIBLE and out.message.startswith("stopped at the time limit")
    reached = out.values[next(iter(out.values))]
    assert reached <= optimum.values[next(iter(optimum.values))] <= out.bound

"""Solving a scenario: the exact decomposition, the direct model, shadow prices, the result.

``solve(scenario)`` runs, by default (``method="decompose"``):

1. the aggregate relaxation over task totals (one solve per priority tier, lexicographic), which
   gives an upper bound U on the objective and totals x;
2. the schedule model with those totals fixed, whose objective is the tie-break (even cadence of
   'Hàng năm' tasks). If it is feasible its plan reaches U, so it is optimal, proven by the bound;
3. only if no schedule exists: the full model (per tier), then the schedule model on its totals
   for the tie-break. Its status and gap are reported as the solver gives them.

``method="direct"`` solves the full model only (the plain formulation, built in PuLP, for
comparison). Either way every plan is re-checked exactly (``checks``, and ``line_violations`` for
extra money lines) and shadow prices come from the LP at the plan
(``linear.linear_full(continuous=True, lower=plan)``). The models are written once in ``linear``;
with HiGHS they go to it as arrays (``fastpath``), with CBC (or ``fast=False``) through PuLP.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from . import checks, linear, model, solvers
from .errors import KgkcError, SolutionCheckError
from .model import ModelInput
from .result import Result, Status

DEFAULT_TIME_LIMIT = 60.0
METHODS = ("decompose", "direct")
#: A relative gap at or below this is reported as optimal.
OPTIMALITY_TOLERANCE = 1e-9


@dataclass(frozen=True)
class PlanOutcome:
    """The optimiser's answer before it is dressed as a Result."""

    status: Status
    plan: dict[tuple[str, int], int] | None
    bound: Fraction | float | None
    method: str
    message: str
    timings: dict[str, float]


def line_violations(inp: ModelInput, plan: Mapping[tuple[str, int], int]) -> list[str]:
    """Extra money lines (``ModelInput.lines``) the plan overspends, exactly (``checks`` covers
    the local budget and the co-funding)."""
    found = []
    for line in inp.lines:
        spend: dict[int, Fraction] = {}
        for (tid, y), q in plan.items():
            cost = line.unit_cost.get(tid)
            if cost and q:
                spend[y] = spend.get(y, Fraction(0)) + cost * q
        for y, used in sorted(spend.items()):
            cap = line.cap.get(y, Fraction(0))
            if used > cap:
                found.append(f"{line.key} {y}: {float(used):.6f} used, above {float(cap):.6f}")
    return found


def check_plan(inp: ModelInput, plan: Mapping[tuple[str, int], int]) -> None:
    """``checks.check_plan`` and the extra money lines: raises ``SolutionCheckError``."""
    checks.check_plan(inp, plan)
    found = line_violations(inp, plan)
    if found:
        raise SolutionCheckError("the returned plan violates the model: " + "; ".join(found))


def achievement_value(inp: ModelInput, plan: Mapping[tuple[str, int], int], *, tier: int | None = None) -> Fraction:
    """Σ_t w_t · min(done_t + Σ_y q[t,y], T_t) / T_t, exactly (over one tier if given).

    Units delivered beyond a target (possible only in actuals) do not count above 100%.
    """
    totals: dict[str, int] = {}
    for (tid, _), q in plan.items():
        totals[tid] = totals.get(tid, 0) + q
    value = Fraction(0)
    for t in inp.planned_tasks:
        if tier is not None and t.tier != tier:
            continue
        value += t.weight * Fraction(min(t.done + totals.get(t.task_id, 0), t.target), t.target)
    return value


def _totals_value(inp: ModelInput, totals: Mapping[str, int], tier: int | None) -> Fraction:
    value = Fraction(0)
    for t in inp.planned_tasks:
        if tier is not None and t.tier != tier:
            continue
        value += t.weight * Fraction(min(t.done + totals.get(t.task_id, 0), t.target), t.target)
    return value


class _Clock:
    def __init__(self, limit: float | None):
        self.start = time.perf_counter()
        self.limit = limit

    def remaining(self) -> float | None:
        if self.limit is None:
            return None
        return max(self.limit - (time.perf_counter() - self.start), 0.01)


def _schedule(inp: ModelInput, totals: dict[str, int], solver: str, clock: _Clock, tie_break: bool,
              fast: bool = True):
    """The schedule model on fixed totals (fill-row form, see docs/model.md).

    Its objective is the even-cadence tie-break. Without the tie-break (sweeps) that objective
    still guides HiGHS, which then stops at its first schedule: any schedule proves the bound.
    """
    if fast:
        m = linear.linear_full(inp, fixed_totals=totals, objective="spread" if tie_break or solver == "highs"
                               else "feasibility")
        return solvers.run_linear(m, solver=solver, time_limit=clock.remaining(),
                                  first_solution=not tie_break)
    built = model.build_full(inp, fixed_totals=totals, objective="spread" if tie_break else "feasibility")
    return solvers.run(built, solver=solver, time_limit=clock.remaining())


def _aggregate(inp: ModelInput, tier: int | None, tier_values: dict[int, Fraction], solver: str,
               clock: _Clock, fast: bool):
    m = linear.linear_aggregate(inp, tier=tier, tier_values=tier_values)
    if m.extra.get("unreachable_floors"):
        return m, None
    if fast:
        return m, solvers.run_linear(m, solver=solver, time_limit=clock.remaining())
    return m, solvers.run(linear.to_pulp(m), solver=solver, time_limit=clock.remaining())


def optimise(
    inp: ModelInput, *, solver: str = "highs", time_limit: float | None = DEFAULT_TIME_LIMIT,
    method: str = "decompose", tie_break: bool = True, fast: bool = True,
) -> PlanOutcome:
    """Find the plan (no result dressing, no shadow prices): see the module docstring.

    ``fast``: pass the models to HiGHS as arrays (``fastpath``) rather than through PuLP; the
    same models either way. ``method="direct"`` always goes through PuLP (the plain model).
    """
    if method not in METHODS:
        raise KgkcError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    clock = _Clock(time_limit)
    timings: dict[str, float] = {}
    tiers = inp.tiers()
    if not inp.columns():
        unreachable = [t.task_id for t in inp.planned_tasks if t.remaining_floor > 0]
        if unreachable:
            return PlanOutcome(Status.INFEASIBLE, None, None, method,
                               f"floors on {', '.join(unreachable)} cannot be met: no year left", timings)
        return PlanOutcome(Status.OPTIMAL, {}, Fraction(0), method, "nothing left to plan", timings)
    lexicographic = len(tiers) > 1

    if method == "decompose":
        tier_values: dict[int, Fraction] = {}
        totals: dict[str, int] = {}
        for tier in tiers:
            m, out = _aggregate(inp, tier if lexicographic else None, tier_values, solver, clock, fast)
            if out is None:
                return PlanOutcome(
                    Status.INFEASIBLE, None, None, method,
                    f"floors on {', '.join(m.extra['unreachable_floors'])} cannot be met: no year left",
                    timings)
            timings[f"aggregate[{tier}]"] = out.seconds
            if out.status == Status.INFEASIBLE:
                return PlanOutcome(Status.INFEASIBLE, None, None, method,
                                   "the floors cannot be met within the annual caps", timings)
            if out.status != Status.OPTIMAL:
                break  # let the direct model take over with the time left
            assert out.values is not None
            totals = {tid: round(v) for tid, v in out.values.items()}
            tier_values[tier] = _totals_value(inp, totals, tier if lexicographic else None)
            if not lexicographic:
                break
        if totals and len(tier_values) == (len(tiers) if lexicographic else 1):
            bound = _totals_value(inp, totals, None)
            out = _schedule(inp, totals, solver, clock, tie_break, fast)
            timings["schedule"] = out.seconds
            if out.status.has_plan:
                assert out.values is not None
                plan = checks.round_plan(out.values)
                note = "" if out.status == Status.OPTIMAL or not tie_break else " (tie-break not proven: time limit)"
                return PlanOutcome(Status.OPTIMAL, plan, bound, "decompose",
                                   "optimal: the plan reaches the aggregate bound" + note, timings)
            if out.status == Status.NO_SOLUTION:
                return PlanOutcome(Status.NO_SOLUTION, None, bound, "decompose",
                                   "stopped at the time limit before a schedule was found", timings)
        # No schedule reaches the bound: solve the full model (the bound still holds for it).
        upper = _totals_value(inp, totals, None) if totals and not lexicographic else None
        result = _direct(inp, solver, clock, tiers, timings, tie_break, fast, upper)
        return PlanOutcome(result.status, result.plan, result.bound, "decompose+full",
                           result.message, timings)
    return _direct(inp, solver, clock, tiers, timings, tie_break, False)


def _direct(inp: ModelInput, solver: str, clock: _Clock, tiers: list[int], timings: dict[str, float],
            tie_break: bool, fast: bool = False, upper: Fraction | None = None) -> PlanOutcome:
    """The full model, tier by tier; ``upper``: a known upper bound (the aggregate's)."""
    lexicographic = len(tiers) > 1
    tier_values: dict[int, Fraction] = {}
    plan: dict[tuple[str, int], int] | None = None
    status = Status.OPTIMAL
    bound: Fraction | float | None = None
    warm: dict[Any, float] | None = None
    for tier in tiers if lexicographic else [None]:
        if fast:
            built = linear.linear_full(inp, tier=tier, tier_values=tier_values)
            out = solvers.run_linear(built, solver=solver, time_limit=clock.remaining())
        else:
            built = model.build_full(inp, tier=tier, tier_values=tier_values)
            out = solvers.run(built, solver=solver, time_limit=clock.remaining(), warm_start=warm)
        timings[f"full[{tier or 'all'}]"] = out.seconds
        if out.status == Status.INFEASIBLE:
            return PlanOutcome(Status.INFEASIBLE, None, None, "direct",
                               "the floors cannot be met within the annual caps", timings)
        if not out.status.has_plan:
            return PlanOutcome(Status.NO_SOLUTION, None, None, "direct",
                               "stopped at the time limit before any plan was found", timings)
        assert out.values is not None
        plan = checks.round_plan(out.values)
        if solver != "highs":
            # HiGHS 1.16 returns a MIP start's columns in place of the optimum found from it (the
            # PuLP 4 interface passes starts with setSolution): warm-start CBC only.
            warm = {k: float(v) for k, v in plan.items()}
        if out.status == Status.FEASIBLE:
            status = Status.FEASIBLE
        if tier is not None:
            tier_values[tier] = achievement_value(inp, plan, tier=tier)
        if out.bound is not None and built.objective_scale:
            # minimised -(D · achievement); the bound is on the planned part only
            done_value = achievement_value(inp, {}, tier=tier)
            bound = done_value + Fraction(-out.bound / built.objective_scale).limit_denominator(10**12)
    assert plan is not None
    if tie_break:
        totals: dict[str, int] = {}
        for (tid, _), q in plan.items():
            totals[tid] = totals.get(tid, 0) + q
        out = _schedule(inp, totals, solver, clock, True, fast)
        timings["schedule"] = out.seconds
        if out.status.has_plan and out.values is not None:
            plan = checks.round_plan(out.values)
    value = achievement_value(inp, plan)
    if upper is not None and status == Status.FEASIBLE:
        bound = upper if bound is None else min(Fraction(bound), upper)
        if bound <= value:
            status = Status.OPTIMAL
    if status == Status.OPTIMAL:
        bound = value
    message = "optimal" if status == Status.OPTIMAL else "stopped at the time limit; the plan may not be optimal"
    return PlanOutcome(status, plan, bound, "direct", message, timings)


def shadow_prices(inp: ModelInput, plan: Mapping[tuple[str, int], int], *, solver: str = "highs") -> dict[str, float]:
    """Objective gained per extra million VND on each annual cap, from the LP at the plan.

    The LP keeps the plan's units as a floor (q[t,y] ≥ plan) and lets q grow continuously: its
    dual on ``local_cap[y]`` is what one more million in year y would add at the margin, spent on
    the best task still short of target that may run in y. (Fixing every q at the plan, the usual
    MILP recipe, leaves nothing free here, since every variable is integer, and gives zeros.)
    The LP goes to HiGHS as arrays (``fastpath``) whichever solver found the plan: the prices are
    a property of this LP, and CBC's row duals for it (through COIN_CMD) were measured not to be
    dual-feasible (0 on four local caps whose price is 1/630). ``solver`` is kept for the API.
    """
    del solver
    return plan_lp_prices(inp, plan)[0]


def plan_lp_prices(
    inp: ModelInput, plan: Mapping[tuple[str, int], int], *, ranging: bool = False
) -> tuple[dict[str, float], dict[str, tuple[float, float]]]:
    """Prices of the cap rows in the LP at the plan (see ``shadow_prices``) and, with ``ranging``,
    the cap values between which each price holds, in million VND."""
    from .fastpath import solve_lp_duals

    m = linear.linear_full(inp, continuous=True, lower=plan)
    status, duals, ranges = solve_lp_duals(m, ranging=ranging)
    if status != Status.OPTIMAL:
        return {}, {}
    prices: dict[str, float] = {}
    held: dict[str, tuple[float, float]] = {}
    for key, info in m.rows.items():
        if info.kind in ("local_cap", "cofunding_cap"):
            value = -duals[key] * float(info.scale)
            prices[key] = 0.0 if abs(value) < 1e-12 else value
            if key in ranges:
                lo, hi = ranges[key]
                held[key] = (lo / float(info.scale), hi / float(info.scale))
    return prices, held


def input_hash(inp: ModelInput, options: Mapping[str, Any]) -> str:
    """SHA-256 of the model input and solver options in a canonical form (exact fractions)."""
    def frac(v: Fraction) -> str:
        return f"{v.numerator}/{v.denominator}"

    doc = {
        "years": list(inp.years),
        "carry_over": inp.carry_over,
        "opening_carry": frac(inp.opening_carry),
        "local_cap": {str(y): frac(v) for y, v in sorted(inp.local_cap.items())},
        "cofunding_cap": {str(y): frac(v) for y, v in sorted(inp.cofunding_cap.items())},
        "tasks": [
            {"id": t.task_id, "years": list(t.years), "target": t.target, "floor": t.floor,
             "weight": frac(t.weight), "tier": t.tier, "unit_local": frac(t.unit_local),
             "unit_cofunding": frac(t.unit_cofunding), "annual": t.annual, "done": t.done,
             "yearly_costs": {str(y): [frac(a), frac(b)] for y, (a, b) in sorted((t.yearly_costs or {}).items())}}
            for t in inp.tasks
        ],
        "options": dict(options),
    }
    if inp.lines:  # only then, so that the hashes of existing inputs stay as they were
        doc["lines"] = [{"key": ln.key, "source": ln.source,
                         "unit_cost": {k: frac(v) for k, v in sorted(ln.unit_cost.items())},
                         "cap": {str(y): frac(v) for y, v in sorted(ln.cap.items())}} for ln in inp.lines]
    blob = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(blob.encode("utf-8")).hexdigest()


def solve(
    scenario: Any, *, solver: str | None = None, time_limit: float | None = None,
    method: str = "decompose", tie_break: bool = True, with_shadow_prices: bool = True,
) -> Result:
    """Solve a scenario (or a program, taken as its baseline) and return a typed ``Result``.

    ``solver``: "highs" (default) or "cbc"; ``time_limit`` in seconds (default: the scenario's,
    else 60). An infeasible scenario returns a Result with status INFEASIBLE and an explanation;
    it does not raise.
    """
    from .program import Program
    from .scenario import Scenario, baseline

    if isinstance(scenario, Program):
        scenario = baseline(scenario)
    if not isinstance(scenario, Scenario):
        raise TypeError(f"solve() takes a Scenario or a Program, not {type(scenario).__name__}")
    solver = solver or scenario.solver or "highs"
    solvers.check_available(solver)
    if time_limit is None:
        time_limit = scenario.time_limit or DEFAULT_TIME_LIMIT
    inp = scenario.model_input()
    options = {"solver": solver, "time_limit": time_limit, "method": method, "tie_break": tie_break,
               "mip_rel_gap": 0.0}
    started = time.perf_counter()
    outcome = optimise(inp, solver=solver, time_limit=time_limit, method=method, tie_break=tie_break)
    max_objective = float(sum((t.weight for t in inp.planned_tasks), Fraction(0)))
    common = dict(
        scenario=scenario.name, program=scenario.program.id, solver=solver,
        solver_version=solvers.solver_version(solver), method=outcome.method,
        max_objective=max_objective, changes=scenario.changes,
        input_hash=input_hash(inp, options), solver_options=options,
    )
    if not outcome.status.has_plan or outcome.plan is None:
        explanation = None
        if outcome.status == Status.INFEASIBLE:
            from .diagnose import explain_infeasible

            explanation = explain_infeasible(scenario, solver=solver)
        return Result(status=outcome.status, objective=None, bound=None, gap=None,
                      message=outcome.message if explanation is None else str(explanation),
                      explanation=explanation, timings=outcome.timings, **common)
    plan = outcome.plan
    check_plan(inp, plan)
    value = achievement_value(inp, plan)
    bound = outcome.bound if outcome.bound is not None else value
    bound_f = float(max(Fraction(bound), value))
    gap = 0.0 if outcome.status == Status.OPTIMAL else (bound_f - float(value)) / max(abs(float(value)), 1e-9)
    if gap <= OPTIMALITY_TOLERANCE:
        gap = 0.0
    prices = shadow_prices(inp, plan, solver=solver) if with_shadow_prices else {}
    timings = dict(outcome.timings)
    timings["total"] = time.perf_counter() - started
    from .tables import tables

    allocation, achievement, budget = tables(scenario, inp, plan, prices)
    return Result(
        status=outcome.status, objective=float(value), bound=bound_f, gap=gap,
        message=outcome.message, timings=timings, _allocation=allocation,
        _achievement=achievement, _budget=budget, plan=dict(plan), **common,
    )

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

import time
from collections.abc import Hashable
from dataclasses import dataclass
from fractions import Fraction

from kgkc_opt.errors import KgkcError
from kgkc_opt.model.check import achievement_value, round_plan, totals_value
from kgkc_opt.model.data import ModelInput
from kgkc_opt.model.formulations import linear_aggregate, linear_full
from kgkc_opt.model.linear import LinearModel
from kgkc_opt.solver.backend import Backend, backend_for
from kgkc_opt.solver.highs import HighsBackend
from kgkc_opt.solver.pulp_model import PulpBackend, to_pulp
from kgkc_opt.solver.status import Outcome, Status

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


class _Clock:
    def __init__(self, limit: float | None):
        self.start = time.perf_counter()
        self.limit = limit

    def remaining(self) -> float | None:
        if self.limit is None:
            return None
        return max(self.limit - (time.perf_counter() - self.start), 0.01)


def _schedule(inp: ModelInput, totals: dict[str, int], backend: Backend, clock: _Clock, tie_break: bool) -> Outcome:
    """The schedule model on fixed totals (fill-row form, see docs/model.md).

    Its objective is the even-cadence tie-break. Without the tie-break (sweeps) that objective
    still guides HiGHS, which then stops at its first schedule: any schedule proves the bound.
    """
    guided = tie_break or isinstance(backend, HighsBackend)
    m = linear_full(inp, fixed_totals=totals, objective="spread" if guided else "feasibility")
    return backend.solve(m, time_limit=clock.remaining(), first_solution=not tie_break)


def _aggregate(inp: ModelInput, tier: int | None, tier_values: dict[int, Fraction], backend: Backend,
               clock: _Clock) -> tuple[LinearModel, Outcome | None]:
    m = linear_aggregate(inp, tier=tier, tier_values=tier_values)
    if m.extra.get("unreachable_floors"):
        return m, None
    return m, backend.solve(m, time_limit=clock.remaining())


def optimise(
    inp: ModelInput, *, solver: str | Backend = "highs", time_limit: float | None = DEFAULT_TIME_LIMIT,
    method: str = "decompose", tie_break: bool = True,
) -> PlanOutcome:
    """Find the plan (no result dressing, no shadow prices): see the module docstring.

    ``solver``: a solver name or a back-end object (``kgkc_opt.solver.backend``); with HiGHS the
    models go to it as arrays. ``method="direct"`` always goes through PuLP (the plain model).
    """
    if method not in METHODS:
        raise KgkcError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    backend = backend_for(solver) if isinstance(solver, str) else solver
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
            m, out = _aggregate(inp, tier if lexicographic else None, tier_values, backend, clock)
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
            tier_values[tier] = totals_value(inp, totals, tier if lexicographic else None)
            if not lexicographic:
                break
        if totals and len(tier_values) == (len(tiers) if lexicographic else 1):
            bound = totals_value(inp, totals, None)
            out = _schedule(inp, totals, backend, clock, tie_break)
            timings["schedule"] = out.seconds
            if out.status.has_plan:
                assert out.values is not None
                plan = round_plan(out.values)
                note = "" if out.status == Status.OPTIMAL or not tie_break else " (tie-break not proven: time limit)"
                return PlanOutcome(Status.OPTIMAL, plan, bound, "decompose",
                                   "optimal: the plan reaches the aggregate bound" + note, timings)
            if out.status == Status.NO_SOLUTION:
                return PlanOutcome(Status.NO_SOLUTION, None, bound, "decompose",
                                   "stopped at the time limit before a schedule was found", timings)
        # No schedule reaches the bound: solve the full model (the bound still holds for it).
        upper = totals_value(inp, totals, None) if totals and not lexicographic else None
        result = _direct(inp, backend, clock, tiers, timings, tie_break, upper)
        return PlanOutcome(result.status, result.plan, result.bound, "decompose+full",
                           result.message, timings)
    return _direct(inp, PulpBackend(backend.name), clock, tiers, timings, tie_break)


def _direct(inp: ModelInput, backend: Backend, clock: _Clock, tiers: list[int], timings: dict[str, float],
            tie_break: bool, upper: Fraction | None = None) -> PlanOutcome:
    """The full model, tier by tier; ``upper``: a known upper bound (the aggregate's)."""
    lexicographic = len(tiers) > 1
    tier_values: dict[int, Fraction] = {}
    plan: dict[tuple[str, int], int] | None = None
    status = Status.OPTIMAL
    bound: Fraction | float | None = None
    warm: dict[Hashable, float] | None = None
    for tier in tiers if lexicographic else [None]:
        built = linear_full(inp, tier=tier, tier_values=tier_values)
        if isinstance(backend, PulpBackend):
            out = backend.run(to_pulp(built), time_limit=clock.remaining(), warm_start=warm)
        else:
            out = backend.solve(built, time_limit=clock.remaining())
        timings[f"full[{tier or 'all'}]"] = out.seconds
        if out.status == Status.INFEASIBLE:
            return PlanOutcome(Status.INFEASIBLE, None, None, "direct",
                               "the floors cannot be met within the annual caps", timings)
        if not out.status.has_plan:
            return PlanOutcome(Status.NO_SOLUTION, None, None, "direct",
                               "stopped at the time limit before any plan was found", timings)
        assert out.values is not None
        plan = round_plan(out.values)
        if backend.name != "highs":
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
        out = _schedule(inp, totals, backend, clock, True)
        timings["schedule"] = out.seconds
        if out.status.has_plan and out.values is not None:
            plan = round_plan(out.values)
    value = achievement_value(inp, plan)
    if upper is not None and status == Status.FEASIBLE:
        bound = upper if bound is None else min(Fraction(bound), upper)
        if bound <= value:
            status = Status.OPTIMAL
    if status == Status.OPTIMAL:
        bound = value
    message = "optimal" if status == Status.OPTIMAL else "stopped at the time limit; the plan may not be optimal"
    return PlanOutcome(status, plan, bound, "direct", message, timings)



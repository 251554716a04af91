"""Finding the plan: the exact decomposition, and the full model when it cannot finish.

``optimise(inp, policy=...)`` maximises the policy's objectives lexicographically
(``model.objectives``: per priority tier the policy's objectives, then the fixed order). By
default (``method="decompose"``):

1. each objective in turn on the aggregate relaxation over task totals, keeping the earlier ones
   at their optima: upper bounds, and totals x;
2. the schedule model with those totals fixed (for the first totals, a first schedule is sought
   with the money rows relaxed and then repaired where the model is large, then with the link
   rows relaxed and repaired, ``solver.repair``, before the search). If a
   schedule exists, its plan reaches every aggregate value, so it is optimal for every objective,
   proven by the bounds. Its own objective is the evenness of each task's cadence (``tie_break``,
   ``solver.evenness``: deterministic, bounded by counts, not time), which never changes the totals;
3. if the schedule model proves that no schedule of those totals exists: first a probe, the full
   model capped at the aggregate bound within ``PROBE_NODE_LIMIT`` nodes (where the aggregate is
   weak it proves at once); else the totals are excluded from the aggregate by a no-good cut and
   1–2 run again (up to ``MAX_CUTS`` times per relaxation): every bound stays valid, since the excluded totals
   cannot be planned. Then the same with the coupled relaxation (each total also spread over its
   years under every yearly row);
4. only if all that fails (or the user's time limit stops a stage): the full model, objective by
   objective, with the best aggregate bound, within ``FULL_NODE_LIMIT`` nodes each, then the
   schedule on its totals.

``method="direct"`` solves the full model only, as a plain PuLP problem (for comparison).
Every stage is timed (``PlanOutcome.timings``, fallbacks included). Stages stop on counts (nodes,
row checks, exchanges, cuts), never on a share of the clock: without a time limit (the default)
the same input gives the same plan on any machine. A time limit, only when the user gives one, is
the whole run's; with it the full model's first plan is found first (``_first_plan``), so that
whatever stage the limit stops, the best plan known is returned with its proven gap (status
``feasible``), never "no plan" when one is known.
"""

from __future__ import annotations

import time
from collections.abc import Hashable
from dataclasses import dataclass, field, replace
from fractions import Fraction

from kgkc_opt.errors import KgkcError, SolutionCheckError
from kgkc_opt.model.check import check_plan, round_plan
from kgkc_opt.model.data import ModelInput
from kgkc_opt.model.formulations import linear_aggregate, linear_full
from kgkc_opt.model.linear import ModelExtras
from kgkc_opt.model.objectives import Objective, policy_objectives
from kgkc_opt.solver.backend import Backend, backend_for
from kgkc_opt.solver.deadline import left, passed
from kgkc_opt.solver.evenness import Evenness, banded_start, exchanges, local_search, plan_values
from kgkc_opt.solver.pulp_model import PulpBackend, to_pulp
from kgkc_opt.solver.repair import MONEY_REPAIR_MIN_COLUMNS, money_schedule, relaxed_schedule
from kgkc_opt.solver.rhythm import RhythmNote, keep_rhythm
from kgkc_opt.solver.status import Outcome, Status

#: No wall-clock limit unless the user gives one (``--time-limit``, ``solve.time_limit``, the API's
#: ``time_limit``): every stage is bounded by counts (nodes, row checks, exchanges, cuts), so the
#: same input gives the same plan on any machine at any load (docs/model.md, "Limits").
DEFAULT_TIME_LIMIT: float | None = None
#: Most totals with no schedule excluded (no-good cuts) from each relaxation (the uncoupled, then
#: the coupled one, whose totals also spread over their years under every yearly row) before the
#: next takes over, then the full model. Where a relaxation's totals keep having no schedule, more
#: cuts of it rarely find one: with 20 per relaxation, An Giang 2026-2030 made 20 uncoupled cuts
#: and the coupled relaxation's first totals had a schedule; every bundled scenario and policy
#: gives the same plan with 3 (measured), in less time (docs/performance.md).
MAX_CUTS = 3
#: Largest schedule model (columns) whose start is the banded one (``evenness.banded``); above
#: it the local search starts from the first schedule found.
BANDED_MAX_COLUMNS = 300
#: Nodes the full model may search per objective as the last resort (and as the plain model of
#: ``method="direct"``): a run with no time limit ends on every machine at the same node, with its
#: true gap when it is not proven by then.
FULL_NODE_LIMIT = 20_000
#: Nodes the search for a first schedule of the totals may take after its restarts
#: (``highs.FIRST_SOLUTION_RESTARTS``); found nothing by then, the totals go on as if they had no
#: schedule but without a cut (the full model, with the bound, decides). A count in place of the
#: half of the time left it had: the same path on every machine.
SCHEDULE_NODE_LIMIT = 50_000
#: Nodes the full model may take when a schedule first proves impossible, before the cuts go on
#: (a deterministic limit: where the aggregate is weak the full model often proves at once).
PROBE_NODE_LIMIT = 200
METHODS = ("decompose", "direct")
#: The note of a plan whose evenness search the user's time limit stopped (its values are proven).
STOPPED_EVENNESS = " (the evenness search stopped at the time limit)"
#: A relative gap at or below this is reported as optimal.
OPTIMALITY_TOLERANCE = 1e-9


@dataclass(frozen=True)
class PlanOutcome:
    """The optimiser's answer before it is dressed as a Result.

    ``bound``: an upper bound on the policy's first objective (its value when proven);
    ``values``: the exact value of each objective of the policy for the plan, in order.
    """

    status: Status
    plan: dict[tuple[str, int], int] | None
    bound: Fraction | float | None
    method: str
    message: str
    timings: dict[str, float]
    values: dict[str, Fraction] = field(default_factory=dict)
    #: the rules of the program's rhythm the plan does not keep, and why (``solver.rhythm``)
    rhythm: tuple[RhythmNote, ...] = ()


class _Clock:
    """The user's time limit (None: none), the only wall-clock limit of a solve: every stage is
    given the time left (never a share of it), and otherwise stops on its own counts."""

    def __init__(self, limit: float | None):
        self.start = time.perf_counter()
        self.limit = limit

    def remaining(self) -> float | None:
        return left(self.deadline())

    def deadline(self) -> float | None:
        """The limit as a ``time.perf_counter()`` value (None: no limit)."""
        return None if self.limit is None else self.start + self.limit

    def out(self) -> bool:
        """The time limit has passed (never without one)."""
        return passed(self.deadline())

    def stop_message(self) -> str:
        """Why a search stopped short of a proof: the time limit, else a node limit."""
        if self.out():
            return "stopped at the time limit; the plan may not be optimal"
        return "stopped at a node limit; the plan may not be optimal"


def _schedule(inp: ModelInput, totals: dict[str, int], backend: Backend, clock: _Clock,
              tie_break: bool, objectives: list[Objective], *, first: bool = True) -> tuple[Outcome, str]:
    """A schedule of the totals (the schedule model, fill-row form, see docs/model.md), or the
    proof that none exists: any schedule proves the bound.

    Without the tie-break (sweeps), the first schedule the solver finds. With it, the evenest the
    deterministic search of ``solver.evenness`` finds: the first schedule found with every
    recurring or 'Hàng năm' task inside its band and the evenness guiding the rest
    (``evenness.banded_start``; only for the first totals of a solve, up to
    ``BANDED_MAX_COLUMNS`` columns; else the first found without: for the first totals, first with
    the money rows relaxed and repaired two years at a time on a model of more than
    ``MONEY_REPAIR_MIN_COLUMNS`` columns, ``repair.money_schedule``, then with the link rows
    relaxed and repaired, ``repair.relaxed_schedule``, then the search within
    ``SCHEDULE_NODE_LIMIT`` nodes), its local search (a plain start skips it),
    exchanges between pairs of years where a recurring or 'Hàng năm' task is still uneven or
    another task has a lump or a gap, and the local search again.
    """
    start = time.perf_counter()
    m = linear_full(inp, fixed_totals=totals, objective="feasibility")
    out: Outcome | None = None  # a banded start: a schedule, or None
    spread = None
    if tie_break and first and len(m.col_names) <= BANDED_MAX_COLUMNS:
        spread = linear_full(inp, fixed_totals=totals, objective="spread")
        out = banded_start(inp, totals, spread, backend, clock.remaining(), plain=m)
    even_start = out is not None
    if out is None and first and len(m.col_names) > MONEY_REPAIR_MIN_COLUMNS:
        out = money_schedule(m, backend, clock.deadline())  # (infeasible: a proof for m too)
        if out is not None and out.values is not None:  # re-checked exactly here for every caller
            check_plan(inp, round_plan(plan_values(out.values)))
    if out is None and first:
        out = relaxed_schedule(m, backend, clock.deadline())  # (infeasible: a proof for m too)
    if out is None:
        out = backend.solve(m, time_limit=clock.remaining(), first_solution=True, node_limit=SCHEDULE_NODE_LIMIT)
    if not tie_break or not out.status.has_plan or out.values is None:
        return replace(out, seconds=time.perf_counter() - start), ""
    if clock.out():  # past the user's time limit: the first schedule, as it is (no model built)
        return replace(out, seconds=time.perf_counter() - start), STOPPED_EVENNESS
    if spread is None:
        spread = linear_full(inp, fixed_totals=totals, objective="spread")
    first_plan = round_plan(plan_values(out.values))
    # a banded start goes to the local search at once; a plain one to the exchanges first (from it
    # the local search stalls where every year's money is spent, measured: 50,000 checks for 8%)
    ev = local_search(inp, totals, m, first_plan, objectives) if even_start \
        else Evenness.of(inp, totals, first_plan)
    plan, solved = exchanges(inp, totals, spread, ev.plan, backend, clock.deadline())
    if (plan != ev.plan or not even_start) and not clock.out():  # (past the time limit: as it is)
        plan = local_search(inp, totals, m, plan, objectives).plan
    values: dict[Hashable, float] = {k: float(plan.get(k, 0)) for k in m.variables}
    note = "" if solved and not clock.out() else STOPPED_EVENNESS
    return Outcome(Status.OPTIMAL, None, None, values, time.perf_counter() - start, True), note


def _values(inp: ModelInput, objectives: list[Objective], plan: dict[tuple[str, int], int]) -> dict[str, Fraction]:
    return {o.key: o.value(inp, plan) for o in objectives}


def optimise(
    inp: ModelInput, *, solver: str | Backend = "highs", time_limit: float | None = DEFAULT_TIME_LIMIT,
    method: str = "decompose", tie_break: bool = True, policy: str | None = None,
) -> PlanOutcome:
    """Find the plan (no result dressing, no shadow prices): see the module docstring.

    ``solver``: a solver name or a back-end object (``kgkc_opt.solver.backend``); with HiGHS the
    models go to it as arrays. ``method="direct"`` always goes through PuLP (the plain model).
    """
    if method not in METHODS:
        raise KgkcError("unknown method {method!r}; choose one of {methods}", method=method,
                        methods=", ".join(METHODS))
    backend = backend_for(solver) if isinstance(solver, str) else solver
    objectives = policy_objectives(inp, policy or inp.policy)
    clock = _Clock(time_limit)
    timings: dict[str, float] = {}
    if not inp.columns():
        unreachable = [t.task_id for t in inp.planned_tasks if t.remaining_floor > 0]
        if unreachable:
            return PlanOutcome(Status.INFEASIBLE, None, None, method,
                               f"floors on {', '.join(unreachable)} cannot be met: no year left", timings)
        return PlanOutcome(Status.OPTIMAL, {}, objectives[0].value(inp, {}), method, "nothing left to plan",
                           timings, _values(inp, objectives, {}))
    if method == "direct":
        return _direct(inp, PulpBackend(backend.name), objectives, clock, timings, tie_break, None)
    outcome = _decompose(inp, backend, objectives, clock, timings, tie_break)
    if not tie_break or outcome.plan is None or not outcome.status.has_plan:
        return outcome
    return _rhythm(inp, outcome, objectives, backend, clock)


def _rhythm(inp: ModelInput, outcome: PlanOutcome, objectives: list[Objective], backend: Backend,
            clock: _Clock) -> PlanOutcome:
    """The rhythm stage (``solver.rhythm``) on the plan found, its policy's values kept: every
    policy and every path goes through it; a plan that keeps the rhythm is returned as it is."""
    assert outcome.plan is not None
    start = time.perf_counter()
    kept = keep_rhythm(inp, outcome.plan, objectives, backend, clock.deadline())
    if kept.step != "kept":
        outcome.timings["rhythm"] = time.perf_counter() - start
    if kept.stopped:  # the user's time limit: the plan so far, its values (and their proof) kept
        outcome = replace(outcome, message=outcome.message + " (the rhythm search stopped at the time limit)")
    if kept.plan == outcome.plan:
        return replace(outcome, rhythm=kept.notes)
    check_plan(inp, kept.plan)
    return replace(outcome, plan=kept.plan, values=_values(inp, objectives, kept.plan), rhythm=kept.notes)


def _decompose(inp: ModelInput, backend: Backend, objectives: list[Objective], clock: _Clock,
               timings: dict[str, float], tie_break: bool) -> PlanOutcome:
    """The exact decomposition, then the full model (module docstring, 1–4)."""
    method = "decompose"
    safety = _first_plan(inp, backend, objectives, clock, timings) if clock.limit is not None else None

    first_bound: Fraction | None = None
    excluded: list[dict[str, int]] = []
    probe: PlanOutcome | None = None
    for coupled in (False, True):
        if coupled and clock.out() and _known(probe, safety):
            break  # past the user's time limit: the best plan known (no more models built)
        cuts_before = len(excluded)
        while True:
            stages = _aggregate_stages(inp, objectives, backend, clock, timings, coupled, excluded)
            if stages.outcome is not None:
                if stages.outcome.status == Status.INFEASIBLE and excluded:
                    break  # every totals reaching the floors was excluded: the full model decides
                return stages.outcome
            keeps, totals = stages.keeps, stages.totals
            if keeps:  # each relaxation (and each cut) gives a bound on the first objective
                first_bound = keeps[0][1] if first_bound is None else min(first_bound, keeps[0][1])
            if len(keeps) < len(objectives):
                break  # out of time: the full model takes over with the time left
            out, note = _schedule(inp, totals, backend, clock, tie_break, objectives,
                                  first=not excluded and not coupled)
            timings["schedule" + _stage_tag(coupled, excluded)] = out.seconds
            if out.status.has_plan and out.values is not None:
                plan = round_plan(plan_values(out.values))
                check_plan(inp, plan)  # a solver's plan is re-checked exactly before it is used
                values = _values(inp, objectives, plan)
                if all(values[o.key] == v for o, v in keeps):
                    method = "decompose" + ("+coupled" if coupled else "") + (
                        f"+{len(excluded)} cuts" if excluded else "")
                    return PlanOutcome(Status.OPTIMAL, plan, first_bound, method,
                                       "optimal: the plan reaches the aggregate bounds" + note, timings, values)
            if out.status != Status.INFEASIBLE or clock.out():
                break  # (past the user's time limit: the best plan known, below)
            if probe is None:
                # the first totals with no schedule: where the aggregate is weak the full model,
                # capped at the bound, often proves at once; within a node limit (deterministic)
                probe = _direct(inp, backend, objectives, clock, timings, tie_break, first_bound,
                                node_limit=PROBE_NODE_LIMIT, tag="[probe]")
                if probe.status == Status.OPTIMAL:
                    return replace(probe, method="decompose+full", timings=timings)
            # proven: these totals have no schedule. Exclude them (a no-good cut) and solve the
            # aggregate again: every bound it gives still holds for the full model.
            excluded.append(totals)
            if len(excluded) - cuts_before >= MAX_CUTS:
                break  # the relaxation keeps giving totals no schedule holds: the next one, or the full model
    # No schedule reaches the aggregate's values: the full model (the first bound still holds);
    # past the user's time limit, the best plan known at once, with the first bound.
    result = _direct(inp, backend, objectives, clock, timings, tie_break, first_bound) \
        if not clock.out() or not _known(probe, safety) else \
        PlanOutcome(Status.NO_SOLUTION, None, first_bound, "direct", clock.stop_message(), timings)
    for known in (probe, safety):  # the best plan known, with the best bound known
        if known is not None and known.plan is not None and (
                result.plan is None or _lex(known, objectives) > _lex(result, objectives)):
            result = replace(known, bound=result.bound if result.bound is not None else known.bound,
                             message=clock.stop_message())
    return PlanOutcome(result.status, result.plan, result.bound, "decompose+full", result.message, timings,
                       result.values)


def _known(*outcomes: PlanOutcome | None) -> bool:
    """A plan is known among ``outcomes``."""
    return any(o is not None and o.plan is not None for o in outcomes)


def _first_plan(inp: ModelInput, backend: Backend, objectives: list[Objective], clock: _Clock,
                timings: dict[str, float]) -> PlanOutcome | None:
    """With a time limit, the full model's first plan before anything else, so that a plan is
    known whichever stage the limit stops (only a fallback: it never changes a plan the stages
    finish). None with CBC (PuLP has no first-solution stop) or when none is found in the time."""
    if isinstance(backend, PulpBackend):
        return None
    out = backend.solve(linear_full(inp, objective=objectives[0]), time_limit=clock.remaining(), first_solution=True)
    timings["first plan"] = out.seconds
    if not out.status.has_plan or out.values is None:
        return None
    plan = round_plan(plan_values(out.values))
    try:
        check_plan(inp, plan)
    except SolutionCheckError:
        # Only a fallback: values a time limit cut off before any feasible plan (seen on a busy
        # machine on an infeasible scenario: a floor broken) are no plan, and the stages go on.
        return None
    return PlanOutcome(Status.FEASIBLE, plan, None, "decompose+full", clock.stop_message(), timings,
                       _values(inp, objectives, plan))


def _lex(outcome: PlanOutcome, objectives: list[Objective]) -> tuple[Fraction, ...]:
    """A plan's objective values in the policy's order (compared lexicographically)."""
    return tuple(outcome.values[o.key] for o in objectives)


def _stage_tag(coupled: bool, excluded: list[dict[str, int]]) -> str:
    """The timing key's tag of a stage: "[coupled]" and "[cut N]" where they apply."""
    return ("[coupled]" if coupled else "") + (f"[cut {len(excluded)}]" if excluded else "")


@dataclass(frozen=True)
class _Stages:
    """What the aggregate stages reached: each objective's value kept (fewer than the objectives:
    out of time) and the last totals; ``outcome``: the end of the solve (infeasible), else None."""

    keeps: list[tuple[Objective, Fraction]]
    totals: dict[str, int]
    outcome: PlanOutcome | None = None


def _aggregate_stages(inp: ModelInput, objectives: list[Objective], backend: Backend, clock: _Clock,
                      timings: dict[str, float], coupled: bool, excluded: list[dict[str, int]]) -> _Stages:
    """Each objective on the aggregate (``coupled``: the coupled relaxation), keeping the earlier
    ones: the values reached and the last totals (fewer values than objectives: out of time)."""
    keeps: list[tuple[Objective, Fraction]] = []
    totals: dict[str, int] = {}
    suffix = _stage_tag(coupled, excluded)
    for objective in objectives:
        m = linear_aggregate(inp, objective=objective, keep=keeps, coupled=coupled, exclude=excluded)
        if m.extra.unreachable_floors:
            return _Stages(keeps, totals, PlanOutcome(
                Status.INFEASIBLE, None, None, "decompose",
                f"floors on {', '.join(m.extra.unreachable_floors)} cannot be met: no year left", timings))
        out = backend.solve(m, time_limit=clock.remaining())
        timings[f"aggregate{suffix}[{objective.key}]"] = out.seconds
        if out.status == Status.INFEASIBLE:
            return _Stages(keeps, totals, PlanOutcome(
                Status.INFEASIBLE, None, None, "decompose",
                "the floors and the program's rules cannot be met within the annual caps", timings))
        if out.status != Status.OPTIMAL or out.values is None:
            break
        totals = {str(tid): round(v) for tid, v in out.values.items()}
        keeps.append((objective, objective.value(inp, totals)))
    return _Stages(keeps, totals)


def _bound(m_extra: ModelExtras, out: Outcome) -> Fraction | None:
    """The bound of a maximised objective, read back exactly from the solver's minimised bound."""
    info = m_extra.objective
    if out.bound is None or info is None:
        return None
    scale, offset = info.scale, info.offset
    lower = out.bound  # of the minimised, scaled objective
    if abs(lower - round(lower)) <= 1e-9:
        # HiGHS rounds the bound of an objective it finds integral up to a whole unit, and a
        # bound within its tolerance of the unit below (-597359.99999999) can come back one unit
        # too high (-597359 where the optimum is -597360; seen through PuLP 3). A whole-unit
        # bound is therefore taken one unit lower: always a true bound, at most one unit loose.
        lower = round(lower) - 1
    return Fraction(offset) + Fraction(-lower / scale).limit_denominator(10**12)


def _direct(inp: ModelInput, backend: Backend, objectives: list[Objective], clock: _Clock,
            timings: dict[str, float], tie_break: bool, upper: Fraction | None, *,
            node_limit: int | None = None, tag: str = "") -> PlanOutcome:
    """The full model, objective by objective; ``upper``: a known bound on the first (the
    aggregate's), also a row of its model (the solver stops once a plan reaches it);
    ``node_limit``: per objective (the probe of ``optimise``; default ``FULL_NODE_LIMIT``);
    ``tag``: of its timing keys."""
    node_limit = FULL_NODE_LIMIT if node_limit is None else node_limit
    keeps: list[tuple[Objective, Fraction]] = []
    plan: dict[tuple[str, int], int] | None = None
    status = Status.OPTIMAL
    bound: Fraction | None = None
    warm: dict[Hashable, float] | None = None
    for i, objective in enumerate(objectives):
        cap = (objective, upper) if i == 0 and upper is not None else None
        built = linear_full(inp, objective=objective, keep=keeps, cap=cap)
        if isinstance(backend, PulpBackend):
            out = backend.run(to_pulp(built), time_limit=clock.remaining(), warm_start=warm, node_limit=node_limit)
        else:
            out = backend.solve(built, time_limit=clock.remaining(), node_limit=node_limit)
        timings[f"full{tag}[{objective.key}]"] = out.seconds
        if out.status == Status.INFEASIBLE:
            return PlanOutcome(Status.INFEASIBLE, None, None, "direct",
                               "the floors and the program's rules cannot be met within the annual caps", timings)
        if not out.status.has_plan or out.values is None:
            if plan is None:
                return PlanOutcome(Status.NO_SOLUTION, None, upper, "direct",
                                   clock.stop_message().split(";")[0] + " before any plan was found", timings)
            status = Status.FEASIBLE
            break
        plan = round_plan(plan_values(out.values))
        check_plan(inp, plan)  # before its value is kept as a bound for the next objective
        if backend.name != "highs":
            # HiGHS 1.16 returns a MIP start's columns in place of the optimum found from it (the
            # PuLP 4 interface passes starts with setSolution): warm-start CBC only.
            warm = {k: float(v) for k, v in plan.items()}
        value = objective.value(inp, plan)
        if i == 0:
            bound = _bound(built.extra, out) if out.status != Status.OPTIMAL else value
            if upper is not None:
                bound = upper if bound is None else min(bound, upper)
        if out.status == Status.FEASIBLE:
            status = Status.FEASIBLE
            break  # out of time: later objectives are not reached
        keeps.append((objective, value))
    assert plan is not None
    note = ""
    if tie_break and status == Status.OPTIMAL:
        totals: dict[str, int] = {}
        for (tid, _), n in plan.items():
            totals[tid] = totals.get(tid, 0) + n
        out, note = _schedule(inp, totals, backend, clock, True, objectives)
        timings[f"schedule[full{tag}]"] = out.seconds  # the full plan's tie-break (a failed "schedule" keeps its time)
        if out.status.has_plan and out.values is not None:
            plan = round_plan(plan_values(out.values))
        else:
            note = STOPPED_EVENNESS if clock.out() else ""
    values = _values(inp, objectives, plan)
    first = values[objectives[0].key]
    if status == Status.FEASIBLE and bound is not None and bound <= first:
        status = Status.OPTIMAL if len(keeps) == len(objectives) else status
    if status == Status.OPTIMAL:
        bound = first
    message = "optimal" + note if status == Status.OPTIMAL else clock.stop_message()
    return PlanOutcome(status, plan, bound, "direct", message, timings, values)


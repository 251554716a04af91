"""The schedule's evenness: a deterministic improvement of a schedule whose totals are fixed.

Any schedule of the optimal totals is an optimal plan; among them a planner wants the one whose
tasks fall as evenly over their years as the money allows (each task's cadence, weighted:
``TaskSpec.evenness_weight``). Proving the evenest schedule is an exact-packing search that took
up to 8 s on the decision as written, so it is computed differently, and deterministically:

1. a first schedule (the schedule model without an objective, HiGHS stopping at its first
   solution, the fill rows guiding it);
2. exchanges between pairs of years, each solved exactly: for a pair (a, b), every unit outside
   a and b stays, and the schedule model (the same rows: money, links, events, totals) chooses
   the units of a and b with the least unevenness. A pair is solved again only when one of its
   years changed since, and a new schedule is kept only when it is strictly more even, so the
   pass ends, in an order fixed by the years: the same input gives the same schedule.

The result is *pair-optimal*: no exchange between any two years makes it more even. Every
intermediate schedule satisfies every row of the model, and the caller re-checks the final one
exactly. ``Evenness.proven`` is True only when the first schedule's evenness is already 0.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import cast

from kgkc_opt.model.check import round_plan
from kgkc_opt.model.data import ModelInput
from kgkc_opt.model.formulations import linear_full
from kgkc_opt.model.linear import LinearModel
from kgkc_opt.solver.status import Outcome, Status

#: Most nodes a pair's exchange may search (a deterministic limit: the best schedule found within
#: it is kept, the pass stays repeatable).
PAIR_NODE_LIMIT = 200
#: Most nodes the search for a first schedule guided by the evenness may take.
FIRST_NODE_LIMIT = 500
#: Most exchanges, in passes over the pairs of years (a deterministic bound on the work).
MAX_PASSES = 2


@dataclass(frozen=True)
class Evenness:
    """A schedule and how it was found."""

    status: Status
    plan: dict[tuple[str, int], int] | None
    unevenness: int | None
    first: int | None
    exchanges: int
    seconds: float
    proven: bool


def unevenness(inp: ModelInput, totals: Mapping[str, int], plan: Mapping[tuple[str, int], int]) -> int:
    """Σ_t weight_t · Σ_y how far q[t,y] lies outside [⌊x_t/n_t⌋, ⌈x_t/n_t⌉] (the schedule's objective)."""
    return sum(uneven_years(inp, totals, plan).values())


def uneven_years(inp: ModelInput, totals: Mapping[str, int], plan: Mapping[tuple[str, int], int]) -> dict[int, int]:
    """The schedule's unevenness by year (each year's share of ``unevenness``)."""
    out = {y: 0 for y in inp.planned_years}
    planned = set(inp.planned_years)
    for t in inp.planned_tasks:
        years = [y for y in t.years if y in planned]
        if not t.evenness_weight or len(years) < 2 or t.task_id not in totals:
            continue
        x = totals[t.task_id]
        lo, hi = x // len(years), -(-x // len(years))
        for y in years:
            n = plan.get((t.task_id, y), 0)
            out[y] += t.evenness_weight * (max(n - hi, 0) + max(lo - n, 0))
    return out


def even_schedule(inp: ModelInput, totals: dict[str, int], backend: object, *,
                  time_limit: float | None = None) -> Evenness:
    """A schedule of ``totals``, pair-optimal in evenness (see the module docstring)."""
    start = time.perf_counter()

    def left() -> float | None:
        return None if time_limit is None else max(time_limit - (time.perf_counter() - start), 0.01)

    # the first schedule: guided by the evenness (a better start), within a node limit; where that
    # finds none, without an objective (found faster where the packing is tight)
    m = linear_full(inp, fixed_totals=totals, objective="spread")
    first: Outcome = backend.solve(m, time_limit=left(), first_solution=True,  # type: ignore[attr-defined]
                                   node_limit=FIRST_NODE_LIMIT)
    if not first.status.has_plan:
        feasible = linear_full(inp, fixed_totals=totals, objective="feasibility")
        first = backend.solve(feasible, time_limit=left(), first_solution=True)  # type: ignore[attr-defined]
    if not first.status.has_plan or first.values is None:
        return Evenness(first.status, None, None, None, 0, time.perf_counter() - start, False)
    plan = round_plan(cast("dict[tuple[str, int], float]", first.values))  # the variables are q[t,y]
    score = unevenness(inp, totals, plan)
    first_score = score
    years = list(inp.planned_years)
    stale = {pair: True for pair in itertools.combinations(years, 2)}
    exchanges = 0
    complete = True
    budget = MAX_PASSES * len(stale)
    while score and any(stale.values()) and exchanges < budget:
        for pair in itertools.combinations(years, 2):
            if not stale[pair] or not score or exchanges >= budget:
                continue
            if time_limit is not None and left() is not None and left() <= 0.01:  # type: ignore[operator]
                complete = False
                break
            stale[pair] = False
            by_year = uneven_years(inp, totals, plan)
            if not by_year[pair[0]] and not by_year[pair[1]]:
                continue  # both years already even: an exchange between them cannot help
            out = backend.solve(_exchange(m, plan, pair), time_limit=left(),  # type: ignore[attr-defined]
                                node_limit=PAIR_NODE_LIMIT)
            exchanges += 1
            if not out.status.has_plan or out.values is None:
                continue
            new = round_plan(out.values)
            new_score = unevenness(inp, totals, new)
            if new_score < score:
                changed = {y for k, n in new.items() if plan.get(k, 0) != n for y in (k[1],)}
                plan, score = new, new_score
                for other in stale:
                    if set(other) & changed:
                        stale[other] = True
        else:
            continue
        break
    status = Status.OPTIMAL if complete else Status.FEASIBLE
    return Evenness(status, plan, score, first_score, exchanges, time.perf_counter() - start, score == 0)


def _exchange(m: LinearModel, plan: Mapping[tuple[str, int], int], pair: tuple[int, int]) -> LinearModel:
    """The schedule model with every unit outside the two years fixed at the plan."""
    lower = list(m.col_lower)
    upper = list(m.col_upper)
    for (tid, y), j in m.variables.items():
        if y not in pair:
            lower[j] = upper[j] = float(plan.get((tid, y), 0))
    return replace(m, col_lower=lower, col_upper=upper)

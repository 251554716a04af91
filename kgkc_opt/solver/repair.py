"""A first schedule of fixed totals where some rows make it hard to find: relax them, then repair.

Two such families of rows, each relaxed and repaired two years at a time by the same loop
(``repaired``); a schedule with nothing passed meets every row of the schedule model (the caller
re-checks it exactly), else None and the caller goes on (the next relaxation, or the search).

**The money rows** (``money_schedule``; the caller uses it on large schedule models only, above
``MONEY_REPAIR_MIN_COLUMNS`` columns: the first schedule of the decomposition's first totals, and
the rhythm stage's schedules with the rhythm as bounds). Where the totals spend (nearly) all of the
period's money, every year must be filled almost exactly: a multi-year subset-sum. On the 400-task,
10-year program at 100% budget tightness HiGHS's search needed 67.5 s CPU (after the link rows'
relaxation below had searched 19.2 s in vain) for the schedule model's first schedule; at 60% it
found none in the 60 s. Relaxed and repaired, at most 3.6 s CPU at every tightness from 30% to 120%:

1. the schedule model over q alone (``money_rows_over_q``: each money row's slack folded into
   the row's bounds, the ``fill`` rows over the slacks left out: they only guide the solver and
   are implied by the money rows and the totals), each money row elastic (``elastic``): the least
   money over the limits within ``MONEY_NODE_LIMIT`` nodes (the other rows hard);
2. while a year is over its money: that year with each other year, the years with the most money
   left (``room``) first, the elastic model with every unit outside the two years fixed, solved
   within ``PAIR_REPAIR_NODE_LIMIT`` nodes (each such model has only two years' units free:
   solved to optimality in hundredths of a second), kept when the money over the limits falls; at
   most ``MONEY_REPAIR_SOLVES_PER_YEAR`` such solves per planned year in all (10 years: 100; the
   400 × 10 program needed 20–61 from 30% to 100%; at 120% the first solve left no year over).

**The link rows** (``relaxed_schedule``). With a link's per-round limit (L02: at most 3 district
prizes a round, q[III.7,y] ≤ 3·q[III.5,y] each year) and totals that spend all but a few units of
the whole period's money, HiGHS needed 4–9 s and thousands of nodes for the schedule model's first
schedule (``fair`` at a 20% cut), where without the link rows one is found at once (0.14 s):

1. the schedule model with each link row elastic (``elastic``: a continuous slack column of cost
   1 lets the row's limit be passed; every other row as it is), its first schedule within
   ``RELAXED_NODE_LIMIT`` nodes;
2. while a link row is still passed: each year whose link rows are passed, paired with each other
   planned year in order, the elastic model with every unit outside the two years fixed
   (``evenness.fixed_outside``), minimising the slacks within ``PAIR_REPAIR_NODE_LIMIT`` nodes,
   kept when the units passing a limit fall; at most ``REPAIR_SOLVES_PER_YEAR`` such solves per
   planned year in all.

Where step 1 of either proves the relaxed model has no schedule, the schedule model has none
either (each of its schedules is one of the relaxed model's, every slack 0): that proof is
returned, and the caller does not search again for it (on co-funding −20% the search proved it
again in 0.02 s after the relaxed model's 0.17 s). Every step stops on a count (nodes, solves),
never on time, so the same schedule comes back on every machine (a time limit the user gave also
stops it: the caller passes its deadline).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import replace

from kgkc_opt.model.check import round_plan
from kgkc_opt.model.linear import INF, LinearModel
from kgkc_opt.solver.backend import Backend
from kgkc_opt.solver.deadline import left, spent
from kgkc_opt.solver.evenness import fixed_outside, plan_values
from kgkc_opt.solver.status import Outcome, Status

#: Smallest schedule model (columns) whose first schedule is sought with the money rows relaxed and
#: repaired two years at a time (``money_schedule``), by the decomposition (``decompose._schedule``)
#: and by the rhythm stage (``rhythm._first``), before the search: every bundled scenario's schedule
#: model is smaller (about 120–220 columns), so their plans do not change.
MONEY_REPAIR_MIN_COLUMNS = 300
#: The rows made elastic (their limits may be passed at a cost) for the first relaxed schedule.
ELASTIC_KINDS = ("link",)
#: Nodes the relaxed model's first schedule may take.
RELAXED_NODE_LIMIT = 2_000
#: Nodes each repair of two years may take (the model has only the two years' units free).
PAIR_REPAIR_NODE_LIMIT = 200
#: Most repairs of two years per planned year (5 years: 20 solves at most).
REPAIR_SOLVES_PER_YEAR = 4
#: The money rows (each year's local budget and co-funding) that ``money_schedule`` relaxes.
MONEY_KINDS = ("local_cap", "cofunding_cap")
#: Nodes the money-relaxed model's search for its least money over the limits may take.
MONEY_NODE_LIMIT = 200
#: Most money repairs of two years per planned year (10 years: 100 solves at most).
MONEY_REPAIR_SOLVES_PER_YEAR = 10

Plan = dict[tuple[str, int], int]


def elastic(m: LinearModel, rows: Sequence[int]) -> LinearModel:
    """``m`` (a copy) with each of ``rows`` elastic: a slack column ≥ 0 of cost 1 per finite side
    of the row lets it be passed; every other column costs 0."""
    e = replace(m, col_names=list(m.col_names), col_lower=list(m.col_lower), col_upper=list(m.col_upper),
                col_integer=list(m.col_integer), col_cost=[0.0] * len(m.col_cost),
                row_index=list(m.row_index), row_value=list(m.row_value), variables=dict(m.variables))
    for r in rows:
        key = m.row_keys[r]
        for side, sign, bound in (("over", -1.0, m.row_upper[r]), ("under", 1.0, m.row_lower[r])):
            if abs(bound) < INF:
                j = e.col(f"elastic[{key},{side}]", 0.0, INF, integer=False, cost=1.0)
                e.row_index[r] = [*e.row_index[r], j]
                e.row_value[r] = [*e.row_value[r], sign]
    return e


def passed(m: LinearModel, rows: Sequence[int], plan: Mapping[tuple[str, int], int]) -> dict[int | None, float]:
    """By year (a row's ``RowInfo.year``), how far the plan passes the limits of ``rows`` (0: none)."""
    col_value = {j: plan.get(k, 0) for k, j in m.variables.items()}
    out: dict[int | None, float] = {}
    for r in rows:
        activity = sum(a * col_value.get(j, 0) for j, a in zip(m.row_index[r], m.row_value[r], strict=True))
        over = max(activity - m.row_upper[r], m.row_lower[r] - activity, 0.0)
        year = m.rows[m.row_keys[r]].year
        out[year] = out.get(year, 0.0) + over
    return out


def relaxed_schedule(m: LinearModel, backend: Backend, deadline: float | None = None) -> Outcome | None:
    """A first schedule of the schedule model ``m`` by relaxing its link rows and repairing them
    two years at a time (module docstring); an infeasible outcome when the relaxed model is proven
    to have none (then ``m`` has none); None when the model has no link row or none is found
    within the counts (or before the user's ``deadline``, a ``time.perf_counter()`` value)."""
    start = time.perf_counter()
    rows = [r for r, key in enumerate(m.row_keys) if m.rows[key].kind in ELASTIC_KINDS]
    if not rows:
        return None
    e = elastic(m, rows)
    # the first schedule with the slacks free (no objective: any schedule; measured faster)
    free = replace(e, col_cost=[0.0] * len(e.col_cost))
    out = backend.solve(free, time_limit=left(deadline), first_solution=True, node_limit=RELAXED_NODE_LIMIT)
    if out.status == Status.INFEASIBLE:  # a relaxation of m: m has no schedule either
        return Outcome(Status.INFEASIBLE, None, None, None, time.perf_counter() - start, True)
    if not out.status.has_plan or out.values is None:
        return None
    plan = repaired(m, rows, round_plan(plan_values(out.values)), backend, deadline, e)
    if plan is None:
        return None
    values = {k: float(plan.get(k, 0)) for k in m.variables}
    return Outcome(Status.FEASIBLE, None, None, dict(values), time.perf_counter() - start, True)


def repaired(m: LinearModel, rows: Sequence[int], plan: Plan, backend: Backend, deadline: float | None = None,
             e: LinearModel | None = None, *, solves_per_year: int = REPAIR_SOLVES_PER_YEAR,
             by_room: bool = False) -> Plan | None:
    """Step 2 of the module docstring: ``plan`` (meeting every row of ``m`` but ``rows``) repaired
    two years at a time until no row of ``rows`` is passed, or None (``e``: ``elastic(m, rows)``
    where the caller has it). ``solves_per_year``: the most pair solves per planned year in all;
    ``by_room``: each passed year's partners taken from the most room below the limits of ``rows``
    first (else in year order)."""
    e = elastic(m, rows) if e is None else e
    over = passed(m, rows, plan)
    years = sorted({y for _, y in m.variables})
    budget = solves_per_year * len(years)
    while any(over.values()) and budget > 0:
        before = sum(over.values())
        for y in sorted(y for y, v in over.items() if v and y is not None):
            spare = room(m, rows, plan) if by_room else {}
            for z in sorted(years, key=lambda z: -spare.get(z, 0.0)) if by_room else years:
                if z == y or budget <= 0 or not over.get(y) or spent(deadline):
                    continue
                budget -= 1
                out = backend.solve(fixed_outside(e, plan, (y, z)), time_limit=left(deadline),
                                    node_limit=PAIR_REPAIR_NODE_LIMIT)
                if not out.status.has_plan or out.values is None:
                    continue
                new = round_plan(plan_values(out.values))
                new_over = passed(m, rows, new)
                if sum(new_over.values()) < sum(over.values()):
                    plan, over = new, new_over
        if sum(over.values()) >= before:
            break  # a whole round of pairs changed nothing
    return None if any(over.values()) else plan


def room(m: LinearModel, rows: Sequence[int], plan: Mapping[tuple[str, int], int]) -> dict[int | None, float]:
    """By year, how far below the upper limits of ``rows`` the plan stays (0 where it passes one)."""
    col_value = {j: plan.get(k, 0) for k, j in m.variables.items()}
    out: dict[int | None, float] = {}
    for r in rows:
        activity = sum(a * col_value.get(j, 0) for j, a in zip(m.row_index[r], m.row_value[r], strict=True))
        year = m.rows[m.row_keys[r]].year
        out[year] = out.get(year, 0.0) + max(m.row_upper[r] - activity, 0.0)
    return out


def money_rows_over_q(m: LinearModel) -> tuple[LinearModel, list[int]] | None:
    """The schedule model ``m`` with its money rows over q alone, and those rows: each money row
    Σ a·q + s = b whose slack s (the one other column, coefficient 1) lies in [lo, hi] becomes
    b − hi ≤ Σ a·q ≤ b − lo, and the ``fill`` rows (over the slacks alone, implied by the money
    rows and the fixed totals) are left out; the same schedules (q values) as ``m``. None when a
    slack is in another row, or a money row has another form."""
    variables = set(m.variables.values())
    slack: dict[int, int] = {}  # row -> its slack column
    for r, key in enumerate(m.row_keys):
        if m.rows[key].kind not in MONEY_KINDS:
            continue
        others = [(j, a) for j, a in zip(m.row_index[r], m.row_value[r], strict=True) if j not in variables]
        if others and (len(others) > 1 or others[0][1] != 1 or m.row_lower[r] != m.row_upper[r]):
            return None
        if others:
            slack[r] = others[0][0]
    slacks = set(slack.values())
    keep = [r for r, key in enumerate(m.row_keys) if m.rows[key].kind != "fill"]
    if any(j in slacks for r in keep if r not in slack for j in m.row_index[r]):
        return None
    lower, upper, index, value = [], [], [], []
    for r in keep:
        j = slack.get(r)
        terms = [(i, a) for i, a in zip(m.row_index[r], m.row_value[r], strict=True) if i != j]
        index.append([i for i, _ in terms])
        value.append([a for _, a in terms])
        lower.append(m.row_lower[r] if j is None else m.row_upper[r] - m.col_upper[j])
        upper.append(m.row_upper[r] if j is None else m.row_upper[r] - m.col_lower[j])
    keys = [m.row_keys[r] for r in keep]
    q = replace(m, row_keys=keys, row_lower=lower, row_upper=upper, row_index=index, row_value=value,
                rows={k: m.rows[k] for k in keys}, variables=dict(m.variables))
    return q, [i for i, key in enumerate(keys) if q.rows[key].kind in MONEY_KINDS]


def money_schedule(m: LinearModel, backend: Backend, deadline: float | None = None) -> Outcome | None:
    """A first schedule of the schedule model ``m`` by relaxing its money rows and repairing them
    two years at a time (module docstring); an infeasible outcome when the relaxed model is proven
    to have none (then ``m`` has none); None when ``m`` is not of that form or none is found within
    the counts (or before the user's ``deadline``, a ``time.perf_counter()`` value)."""
    start = time.perf_counter()
    over_q = money_rows_over_q(m)
    if over_q is None or not over_q[1]:
        return None
    q, rows = over_q
    e = elastic(q, rows)
    out = backend.solve(e, time_limit=left(deadline), node_limit=MONEY_NODE_LIMIT)  # least money over
    if out.status == Status.INFEASIBLE:  # a relaxation of m: m has no schedule either
        return Outcome(Status.INFEASIBLE, None, None, None, time.perf_counter() - start, True)
    if not out.status.has_plan or out.values is None:
        return None
    plan = repaired(q, rows, round_plan(plan_values(out.values)), backend, deadline, e,
                    solves_per_year=MONEY_REPAIR_SOLVES_PER_YEAR, by_room=True)
    if plan is None:
        return None
    values = {k: float(plan.get(k, 0)) for k in m.variables}
    return Outcome(Status.FEASIBLE, None, None, dict(values), time.perf_counter() - start, True)

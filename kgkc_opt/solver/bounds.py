"""A true bound on what a plan reports: the weighted share of targets met at the policy's optimum.

``Result.objective`` is the weighted share of targets met, A(q) = Σ_t w_t·min(d_t + Σ_y q[t,y], T_t)/T_t
(docs/model.md), whatever the policy and the priority tiers. The policy maximises its objectives
lexicographically (``model.objectives``); A is the sum of its ``shares`` objectives (one per tier,
or one over every task), so every plan optimal for the policy has the same A, A*. ``share_bound``
gives a number that is never below A* (and, as reported, never below the plan's own A):

- a plan proven optimal: its A (A* itself);
- otherwise the least of: Σ_t w_t (every target met); the aggregate relaxation's bound on A over
  the plans whose first objective is at least the plan's (A* is the A of such a plan: the optimum's
  first objective is at least any plan's); and, where the policy's first objective is the shares
  of a tier (or of every task), its proven bound plus the same aggregate bound on each other
  tier's shares.

The bound on the policy's first objective (``PlanOutcome.bound``) is of a different quantity
whenever there are tiers or the policy is not "most-targets" (with tiers it bounds the first tier
only: 20.0 where A* = 20.038 on the 30% cut with priorities), so it is never reported as A's.
The aggregate solves are bounded by ``BOUND_NODE_LIMIT`` nodes, not by time (their dual bound is
a true bound wherever they stop).
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from kgkc_opt.model.data import ModelInput
from kgkc_opt.model.formulations import linear_aggregate
from kgkc_opt.model.objectives import Objective, policy_objectives
from kgkc_opt.solver.backend import Backend
from kgkc_opt.solver.decompose import _bound  # the solver's minimised bound, read back exactly
from kgkc_opt.solver.status import Status

#: Nodes of each aggregate solve that bounds A or a tier's shares (a count: the same bound on
#: every machine; where it stops short, the solver's dual bound is still a true bound).
BOUND_NODE_LIMIT = 100


def share_bound(inp: ModelInput, plan_value: Fraction, status: Status, first_bound: Fraction | float | None,
                values: Mapping[str, Fraction], backend: Backend, policy: str | None = None) -> Fraction:
    """An upper bound on A at the policy's optimum, at least ``plan_value`` (the plan's own A).

    ``status``: the optimiser's (OPTIMAL: the plan's A is A*); ``first_bound``: its proven bound on
    the policy's first objective (``PlanOutcome.bound``), or None; ``values``: the plan's value of
    each objective of the policy (``PlanOutcome.values``)."""
    if status == Status.OPTIMAL:
        return plan_value
    objectives = policy_objectives(inp, policy or inp.policy)
    first = objectives[0]
    keep = [(first, values[first.key])] if first.key in values else []
    candidates = [sum((t.weight for t in inp.planned_tasks), Fraction(0))]
    whole = _aggregate_bound(inp, Objective("shares"), keep, backend)
    if whole is not None:
        candidates.append(whole)
    if first.kind == "shares" and first_bound is not None:
        rest = [_aggregate_bound(inp, Objective("shares", k), keep, backend) for k in inp.tiers()
                if first.tier is not None and k != first.tier]
        if all(b is not None for b in rest):
            candidates.append(Fraction(first_bound) + sum((b for b in rest if b is not None), Fraction(0)))
    return max(min(candidates), plan_value)


def _aggregate_bound(inp: ModelInput, objective: Objective, keep: list[tuple[Objective, Fraction]],
                     backend: Backend) -> Fraction | None:
    """An upper bound on ``objective`` over the plans that keep ``keep``: the aggregate
    relaxation's optimum, or its dual bound where it stops at ``BOUND_NODE_LIMIT`` nodes; None
    without one."""
    m = linear_aggregate(inp, objective=objective, keep=keep)
    if m.extra.unreachable_floors:
        return None
    out = backend.solve(m, node_limit=BOUND_NODE_LIMIT)
    if out.status == Status.OPTIMAL and out.values is not None:
        return objective.value(inp, {str(tid): round(v) for tid, v in out.values.items()})
    return _bound(m.extra, out)

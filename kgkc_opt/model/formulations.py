"""The models the optimiser solves, each built from the same row generators (``model.rows``).

``build(inp, spec, ...)`` makes a ``LinearModel``: the columns of the spec's variable space, then
every generator of ``rows.GENERATORS`` (events, money, targets, floors, links, relations), then
the rows that keep earlier lexicographic objectives at their optima, then the objective. The
models (docs/model.md has the mathematics):

``full``       q[t,y] integer; every constraint; an objective of ``model.objectives``.
``aggregate``  x[t] integer: the relaxation over totals (Hall rows per line and set of years,
               x bounded by what fits); its optimum bounds the full model's.
``coupled``    the aggregate with each total spread over its years (Σ_y q[t,y] = x[t], q continuous
               except leaders of links, events and lumpy units) under every yearly row: tighter,
               and used when no schedule reaches the plain aggregate's totals.
``schedule``   q with every total fixed (``total`` rows), money rows in fill form; its objective
               is the evenness of each task's cadence (or none: any schedule proves the bound).
``plan_lp``    continuous q ≥ an integer plan: its row duals are the shadow prices.
``lp``         continuous q: the LP relaxation (the LP sweep).
``elastic``    integer q whose money caps may grow by whole đồng or floors be lowered; its
               objective the least extra money (or the least share of floors lowered): the
               repairs and the least amounts of ``analysis.repairs``.
``reconstruct`` q with totals fixed to the table, money rows matched to a table with over/under:
               the schedule nearest the annual table (``analysis.reconstruct``).

Objectives are maximised as minimisation of their negation, scaled to integer coefficients
where the scale stays small (``MAX_OBJECTIVE_SCALE``); ``LinearModel.extra.objective`` says
which objective, its scale and the part already delivered, so a bound can be read back exactly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction

from kgkc_opt.model.adoptability import rhythm_columns
from kgkc_opt.model.data import MAX_OBJECTIVE_SCALE, ModelInput
from kgkc_opt.model.linear import INF, LinearModel, ModelKind, ObjectiveInfo, RowInfo
from kgkc_opt.model.lines import planned_years, task_upper_bounds, year_sets
from kgkc_opt.model.objectives import Objective
from kgkc_opt.model.rows import GENERATORS, Builder, Elastic, Spec
from kgkc_opt.money import lcm_of_denominators

__all__ = [
    "Elastic", "Spec", "build", "linear_aggregate", "linear_full", "planned_years", "task_upper_bounds",
    "year_sets",
]

Keep = Sequence[tuple[Objective, Fraction]]


def build(inp: ModelInput, spec: Spec, *, maximise: Objective | None = None, keep: Keep = (),
          evenness: bool = False, minimise: str | None = None,
          exclude: Sequence[Mapping[str, int]] = (), cap: tuple[Objective, Fraction] | None = None,
          rhythm: tuple[Sequence[str], Mapping[str, int]] | None = None) -> LinearModel:
    """A model of ``inp``: ``spec``'s columns, every constraint type, the ``keep`` rows, and one
    objective: ``maximise`` an objective, the schedule's ``evenness``, or ``minimise`` one of
    "extra_money" (whole đồng), "lowered_floors" (share of targets) or "mismatch" (million VND).
    ``cap``: an objective and a value it cannot exceed (a bound proven elsewhere, e.g. by the
    aggregate): the row cuts off nothing feasible and lets the solver stop as soon as a plan
    reaches it. ``rhythm``: the rules of the program's rhythm and the recurring tasks' widths, as
    columns of the aggregate (``adoptability.rhythm_columns``: the rhythm stage's relaxation)."""
    b = Builder(inp, spec)
    b.columns()
    if rhythm is not None:
        rhythm_columns(b, *rhythm)
    for _name, generator in GENERATORS:
        generator(b)
    for objective, value in keep:
        _keep(b, objective, value)
    for i, totals in enumerate(exclude):
        _exclude(b, totals, i)
    if cap is not None:
        _cap(b, *cap)
    if maximise is not None:
        _maximise(b, maximise)
    elif evenness:
        _evenness(b)
    elif minimise is not None:
        _minimise(b, minimise)
    extras = b.m.extra
    extras.excluded, extras.extra_money, extras.lowered_floors = dict(b.excluded), dict(b.extra), dict(b.lowered)
    extras.mismatch, extras.carry = dict(b.mismatch), dict(b.carry)
    return b.m


# --- objectives -------------------------------------------------------------------------------


def _terms(b: Builder, objective: Objective) -> list[tuple[int, Fraction]]:
    """(column, exact coefficient) of a linear objective over the model's units. The shares of a
    task with a target range count its units up to the minimum only: a column ``credited[t]`` ≤
    its units and ≤ the minimum (less what is done) carries them (``Builder.credited``)."""
    scope = {t.task_id: t for t in objective.scope(b.inp)}
    ranged = {tid for tid, t in scope.items() if t.credit < t.target} if objective.kind == "shares" else set()
    if b.plan:
        terms = [(j, objective.coefficient(b.inp, scope[tid], y)) for (tid, y), j in b.q.items()
                 if tid in scope and tid not in ranged]
    else:
        terms = [(j, objective.coefficient(b.inp, scope[tid], None)) for tid, j in b.x.items()
                 if tid in scope and tid not in ranged]
    for tid in sorted(ranged):
        j = b.credited(scope[tid])
        if j is not None:
            terms.append((j, objective.coefficient(b.inp, scope[tid], None)))
    return terms


def _scale(values: Sequence[Fraction], integer: bool) -> int:
    if not integer:
        return 1
    d = lcm_of_denominators(values)
    return d if d <= MAX_OBJECTIVE_SCALE else 1


def _maximise(b: Builder, objective: Objective) -> None:
    m = b.m
    if objective.kind == "min_share":
        z = m.col("min_share", 0.0, 1.0, integer=False, cost=-1.0)
        for t in objective.scope(b.inp):
            terms = b.count(t.task_id)
            if not terms:
                continue
            b.row(f"min_share[{t.task_id}]", [*terms, (z, Fraction(-t.credit))], -t.done, INF, "objective",
                  f"the smallest share: task {t.task_id}", task_id=t.task_id)
        m.objective_scale = 1
        m.extra.objective = ObjectiveInfo(objective.key, 1, Fraction(0), z)
        return
    terms = _terms(b, objective)
    scale = _scale([a for _, a in terms], b.spec.integer)
    for j, a in terms:
        m.col_cost[j] = -_number(a * scale)
    m.objective_scale = scale
    m.extra.objective = ObjectiveInfo(objective.key, scale, objective.offset(b.inp))


def _keep(b: Builder, objective: Objective, value: Fraction) -> None:
    """Keep an earlier objective at its optimum ``value`` (delivered units included)."""
    if objective.kind == "min_share":
        for t in objective.scope(b.inp):
            need = math.ceil(value * t.credit) - t.done
            terms = b.count(t.task_id)
            if need > 0 and terms:
                b.row(f"keep[{objective.key},{t.task_id}]", terms, need, INF, "keep",
                      f"{objective.key} kept at its optimum {value}", task_id=t.task_id)
        return
    terms = _terms(b, objective)
    if terms:
        b.row(f"keep[{objective.key}]", terms, value - objective.offset(b.inp), INF, "keep",
              f"{objective.key} kept at its optimum")


def _cap(b: Builder, objective: Objective, value: Fraction) -> None:
    """A linear objective at most ``value`` (delivered units included): a proven upper bound.
    (The smallest share has no linear form here; it is left uncapped.)"""
    if objective.kind == "min_share":
        return
    terms = _terms(b, objective)
    if terms:
        b.row(f"cap[{objective.key}]", terms, -INF, value - objective.offset(b.inp), "keep",
              f"{objective.key} at most its proven bound {value}")


def _exclude(b: Builder, totals: Mapping[str, int], i: int) -> None:
    """A no-good cut on totals: x differs from ``totals`` in at least one task (up or down), with
    two binaries per task: up_t = 1 ⇒ x_t ≥ total_t + 1, down_t = 1 ⇒ x_t ≤ total_t − 1."""
    if not b.x:
        raise ValueError("a no-good cut needs the totals x[t] (the aggregate)")
    choices: list[tuple[int, Fraction]] = []
    for tid, j in b.x.items():
        n, high = totals.get(tid, 0), int(b.m.col_upper[j])
        if n < high:
            up = b.m.col(f"nogood{i}_up[{tid}]", 0.0, 1.0, integer=True)
            # x − (n + 1)·up ≥ 0
            b.row(f"nogood{i}_up[{tid}]", [(j, Fraction(1)), (up, Fraction(-(n + 1)))], 0, INF, "keep",
                  f"no-good cut {i}: {tid} above {n}", task_id=tid)
            choices.append((up, Fraction(1)))
        if n > 0:
            down = b.m.col(f"nogood{i}_down[{tid}]", 0.0, 1.0, integer=True)
            # x + (high − n + 1)·down ≤ high
            b.row(f"nogood{i}_down[{tid}]", [(j, Fraction(1)), (down, Fraction(high - n + 1))], -INF, high, "keep",
                  f"no-good cut {i}: {tid} below {n}", task_id=tid)
            choices.append((down, Fraction(1)))
    b.row(f"nogood{i}", choices, 1, INF, "keep", f"no-good cut {i}: totals other than a set with no schedule")


def _evenness(b: Builder) -> None:
    """The schedule's objective: Σ over tasks with a cadence preference and their years of
    weight × how far q[t,y] lies outside [⌊x/n⌋, ⌈x/n⌉] (x the fixed total, n its years)."""
    totals = b.spec.fixed_totals or {}
    for t in b.inp.planned_tasks:
        weight = t.evenness_weight
        if not weight or t.task_id not in totals:
            continue
        years = [y for y in t.years if (t.task_id, y) in b.q]
        if len(years) < 2:
            continue
        x = totals[t.task_id]
        lo, hi = x // len(years), -(-x // len(years))
        for y in years:
            dev = b.m.col(f"uneven[{t.task_id},{y}]", 0.0, INF, integer=False, cost=float(weight))
            j = b.q[(t.task_id, y)]
            key = f"even_hi[{t.task_id},{y}]"
            b.m.row(key, [(j, 1), (dev, -1)], -INF, hi, RowInfo(key, "evenness", "evenness of the cadence"))
            key = f"even_lo[{t.task_id},{y}]"
            b.m.row(key, [(j, 1), (dev, 1)], lo, INF, RowInfo(key, "evenness", "evenness of the cadence"))


def _minimise(b: Builder, what: str) -> None:
    m = b.m
    if what == "extra_money":
        for j in b.extra.values():
            m.col_cost[j] = 1.0
    elif what == "lowered_floors":
        shares = {tid: Fraction(1, b.tasks[tid].target) for tid in b.lowered}
        scale = _scale(list(shares.values()), True)
        for tid, j in b.lowered.items():
            m.col_cost[j] = _number(shares[tid] * scale)
        m.objective_scale = scale
    elif what == "mismatch":
        for over, under in b.mismatch.values():
            m.col_cost[over] = m.col_cost[under] = 1.0
    else:
        raise ValueError(f"unknown quantity to minimise: {what!r}")


def _number(value: Fraction) -> float:
    return int(value) if value.denominator == 1 else float(value)


# --- the models by name (the API the solver stage uses) -----------------------------------------


def linear_full(
    inp: ModelInput, *, tier: int | None = None, tier_values: Mapping[int, Fraction] | None = None,
    lower: Mapping[tuple[str, int], int] | None = None, continuous: bool = False,
    fixed_totals: Mapping[str, int] | None = None, objective: str | Objective = "primary",
    keep: Keep = (), cap: tuple[Objective, Fraction] | None = None,
) -> LinearModel:
    """The full model (``fixed_totals``: the schedule model; ``continuous``: an LP, with ``lower``
    the plan LP). ``objective``: an ``Objective``, "primary" (the weighted shares, of ``tier`` if
    given), "spread" (evenness, schedule only) or "feasibility"; ``tier_values`` keep earlier
    tiers' weighted shares, ``keep`` any earlier objectives, ``cap`` a proven bound (``build``)."""
    kind: ModelKind = "schedule" if fixed_totals is not None else ("plan_lp" if lower is not None else
                                                                   "lp" if continuous else "full")
    spec = Spec(kind, "plan", integer=not continuous, fixed_totals=fixed_totals, lower=lower)
    keeps = [*keep, *((Objective("shares", k), v) for k, v in (tier_values or {}).items())]
    if isinstance(objective, Objective):
        return build(inp, spec, maximise=objective, keep=keeps, cap=cap)
    if objective == "primary":
        return build(inp, spec, maximise=Objective("shares", tier), keep=keeps)
    if objective == "spread":
        return build(inp, spec, keep=keeps, evenness=True)
    if objective == "feasibility":
        return build(inp, spec, keep=keeps)
    raise ValueError(f"unknown objective {objective!r}")


def linear_aggregate(
    inp: ModelInput, *, tier: int | None = None, tier_values: Mapping[int, Fraction] | None = None,
    objective: Objective | None = None, keep: Keep = (), coupled: bool = False,
    exclude: Sequence[Mapping[str, int]] = (), rhythm: tuple[Sequence[str], Mapping[str, int]] | None = None,
) -> LinearModel:
    """The aggregate relaxation over totals x[t]; ``objective`` (default the weighted shares of
    ``tier``), keeping ``tier_values`` and ``keep`` at their optima. ``coupled``: the tighter
    relaxation that also spreads each total over its years (q[t,y], continuous except the
    ``rows.coupled_integer`` tasks) under every yearly row. ``rhythm``: see ``build``."""
    keeps = [*keep, *((Objective("shares", k), v) for k, v in (tier_values or {}).items())]
    spec = Spec("coupled", "coupled") if coupled else Spec("aggregate", "totals")
    return build(inp, spec, maximise=objective or Objective("shares", tier), keep=keeps, exclude=exclude,
                 rhythm=rhythm)

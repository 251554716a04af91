"""Why a scenario is infeasible, what would repair it, and the least money a goal needs: exact.

Only hard requirements can conflict: floors (must-keep quantities) and the program's rules
(events, links) that cost more than the annual caps allow, or that fall in years no longer
planned. ``explain_infeasible`` states the conflict in the program's terms and offers repairs;
``least_money`` answers "how much more would meet every target?". Both solve the *elastic* model
(``model.formulations``, kind "elastic"): the same rows as every other model, with the caps of
chosen money lines allowed to grow by whole đồng a year (``extra[line,year]``), or the floors
to be lowered by whole units (``lower_floor[t]``). So every figure is exact:

``least extra money``  the least total of whole đồng, in all years together (and, on request, in
                       one year alone); among the distributions of that least total, the one
                       whose largest yearly addition is least. Rounding is never needed: the
                       amounts are whole đồng by construction, i.e. rounded up.
``least floors``       the least share of targets given up by lowering floors (whole units).

Every figure is verified by solving again: the scenario with the repair applied has a plan (and
meets the goal), and the same model with one đồng less in total (or each lowered floor one unit
higher) has none: a figure is called a minimum only when both re-solves agree (``minimal``).

A repair's amounts are printed to the thousand đồng (``SHOWN_DECIMALS`` decimals of million VND),
each rounded UP at that precision (``shown``), never to the nearest: the repair a planner copies is
the repair that was verified (its ``changes`` carry the amounts as printed), so it is enough as
printed. A "need at least" figure of a conflict is rounded down, for the same reason.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, cast

from kgkc_opt.errors import Figure, Joined, Said, word
from kgkc_opt.inputs.scenario import Scenario
from kgkc_opt.model.data import ModelInput, model_input
from kgkc_opt.model.formulations import Elastic, Spec, build
from kgkc_opt.model.linear import INF, LinearModel, RowInfo, Space
from kgkc_opt.model.rows import DONG
from kgkc_opt.solver.backend import backend_for
from kgkc_opt.solver.decompose import optimise
from kgkc_opt.solver.status import Status
from kgkc_opt.words import say

SOURCES = {"local": ("local",), "cofunding": ("cofunding",), "both": ("local", "cofunding")}
#: Decimals of million VND a repair's amounts are printed with (3: to the thousand đồng).
SHOWN_DECIMALS = 3
#: Nodes allowed to each elastic (least-change) model: a count, so that a repair is the same on any
#: machine at any load (no wall-clock limit: docs/model.md, "Limits"). The re-solves that verify a
#: repair go through ``optimise``, whose stages are bounded by counts too.
ELASTIC_NODE_LIMIT = 100_000


@dataclass(frozen=True)
class Repair:
    """One way to make the scenario feasible.

    ``changes``: the scenario sections to apply (``Scenario.derive(**changes)``), with the amounts
    as printed in ``summary`` (each least amount rounded up to ``SHOWN_DECIMALS`` decimals);
    ``verified``: the repaired scenario (``changes``, as printed) was solved again and has a plan;
    ``minimal``: one đồng less than the least amounts before rounding (or each floor one unit
    higher) was solved again and has none.
    """

    kind: str
    summary: str
    changes: dict[str, Any]
    size: float
    verified: bool = False
    minimal: bool = False

    def __str__(self) -> str:
        return self.worded("en")

    def worded(self, lang: str) -> str:
        """The repair and whether it was verified, in ``lang``."""
        mark = say("verified" if self.verified else "not verified", lang)
        return f"{self.summary.worded(lang) if isinstance(self.summary, Said) else self.summary} [{mark}]"


@dataclass(frozen=True)
class Explanation:
    """Why a scenario is infeasible and what would repair it."""

    scenario: str
    conflicts: tuple[str, ...]
    repairs: tuple[Repair, ...] = field(default=())

    def __str__(self) -> str:
        return self.worded("en")

    def worded(self, lang: str) -> str:
        """The explanation and its repair menu in ``lang`` (``str()`` is English)."""
        lines = [word("Scenario {scenario!r} is infeasible: its hard requirements conflict.",
                      {"scenario": self.scenario}, lang)]
        lines += [f"  - {c.worded(lang) if isinstance(c, Said) else c}" for c in self.conflicts]
        if self.repairs:
            lines.append(say("Repairs, smallest change first:", lang))
            lines += [f"  {i}. {r.worded(lang)}" for i, r in enumerate(self.repairs, 1)]
        else:
            lines.append(say("No repair was found by changing budgets or floors.", lang))
        return "\n".join(lines)


@dataclass(frozen=True)
class LeastMoney:
    """The least extra money that reaches a goal, exact (whole đồng), verified by re-solving.

    ``total``: the least total over all years (None: no amount on this source reaches the goal);
    ``per_year``: one distribution of that total (the largest yearly addition as small as it can
    be); ``single_year``: the least amount if all of it goes to that year (None: that year alone
    cannot reach the goal); ``verified``: every figure re-solved (it suffices; one đồng less does
    not).
    """

    goal: str
    source: str
    total: Fraction | None
    per_year: Mapping[int, Fraction]
    single_year: Mapping[int, Fraction | None]
    verified: bool
    #: the least money spread over the years as the caps spread it (``spread``: empty when not
    #: asked for, or no such amount is found); verified like the rest, and ``spread_rhythm`` the
    #: rules of the program's rhythm its plan cannot keep, with why (``solver.rhythm``)
    spread: Mapping[int, Fraction] = field(default_factory=dict)
    spread_verified: bool = False
    spread_rhythm: tuple[Any, ...] = ()


# --- the elastic model ------------------------------------------------------------------------


def _elastic(inp: ModelInput, *, lines: tuple[str, ...] = (), years: frozenset[int] | None = None,
             floors: bool = False, goal_floors: Mapping[str, int] | None = None, space: Space = "plan") -> LinearModel:
    """The elastic model. When the goal asks for every unit of every task (floors at the
    targets), the totals are known: they are fixed (the schedule's form, a far smaller search)."""
    fixed = None
    if space == "plan" and goal_floors is not None and all(
            goal_floors.get(t.task_id, 0) >= t.target for t in inp.planned_tasks):
        fixed = {t.task_id: t.remaining for t in inp.planned_tasks}
    spec = Spec("elastic" if space == "plan" else "elastic_aggregate", space, fixed_totals=fixed,
                elastic=Elastic(lines=frozenset(lines), years=years, floors=floors), goal_floors=goal_floors)
    return build(inp, spec, minimise="lowered_floors" if floors else "extra_money")


def _with_total_cap(m: LinearModel, total: int) -> LinearModel:
    """The elastic model with the extra money limited to ``total`` đồng in all."""
    m = dataclasses.replace(m, row_keys=list(m.row_keys), row_lower=list(m.row_lower),
                            row_upper=list(m.row_upper), row_index=list(m.row_index),
                            row_value=list(m.row_value), rows=dict(m.rows))
    cols = list(m.extra.extra_money.values())
    m.row("least_total", [(j, 1.0) for j in cols], -INF, float(total),
          RowInfo("least_total", "keep", "at most this much extra money in all"))
    return m


def _balanced(m: LinearModel, total: int) -> LinearModel:
    """Among distributions of ``total`` đồng, the one whose largest yearly addition is least."""
    m = _with_total_cap(m, total)
    m.col_names, m.col_lower, m.col_upper = list(m.col_names), list(m.col_lower), list(m.col_upper)
    m.col_integer, m.col_cost = list(m.col_integer), [0.0] * len(m.col_cost)
    largest = m.col("largest_extra", 0.0, INF, integer=False, cost=1.0)
    for key, j in m.extra.extra_money.items():
        name = f"largest[{key[0]},{key[1]}]"
        m.row(name, [(j, 1.0), (largest, -1.0)], -INF, 0.0, RowInfo(name, "keep", "the largest yearly addition"))
    return m


def least_extra(inp: ModelInput, *, lines: tuple[str, ...], years: frozenset[int] | None = None,
                goal_floors: Mapping[str, int] | None = None, solver: str = "highs", balance: bool = True,
                ) -> tuple[Status, dict[tuple[str, int], int]]:
    """The least extra money (whole đồng, by (line, year)) that makes ``inp`` feasible with
    ``goal_floors`` (default: its own floors). Status INFEASIBLE: no amount on these lines does.

    As the optimiser does: the elastic aggregate (totals, Hall rows with caps that may grow) gives
    a least amount that no plan can beat; if a schedule of its totals exists with the caps raised
    by it, that amount is the least, proved. Only otherwise the elastic model over the plan.
    """
    backend = backend_for(solver)
    agg = _elastic(inp, lines=lines, years=years, goal_floors=goal_floors, space="totals")
    status, extra, totals = _solve_elastic(backend, agg)
    if status == Status.INFEASIBLE:
        return status, {}
    if status == Status.OPTIMAL:
        candidates = [(extra, totals)]
        if balance and sum(extra.values()) != 0 and len(agg.extra.extra_money) > 1:
            st2, again, totals2 = _solve_elastic(backend, _balanced(agg, sum(extra.values())))
            if st2.has_plan and sum(again.values()) == sum(extra.values()):
                candidates.insert(0, (again, totals2))
        for amounts, sums in candidates:  # the balanced distribution first, if it can be scheduled
            if _schedulable(raised(inp, amounts), sums, backend):
                return Status.OPTIMAL, amounts
    m = _elastic(inp, lines=lines, years=years, goal_floors=goal_floors)
    status, extra, _ = _solve_elastic(backend, m)
    if not status.has_plan:
        return status, {}
    total = sum(extra.values())
    if balance and total and len(m.extra.extra_money) > 1:
        balanced = _solve_all_columns(backend, _balanced(m, total))
        if balanced is not None and sum(balanced.values()) == total:
            extra = balanced
    return status, extra


def raised(inp: ModelInput, extra: Mapping[tuple[str, int], int]) -> ModelInput:
    """``inp`` with each (line, year) cap raised by ``extra`` whole đồng."""
    local, cof = dict(inp.local_budget), dict(inp.cofunding_cap)
    lines = list(inp.lines)
    for (line, y), n in extra.items():
        add = _money(n)
        if line == "local":
            local[y] += add
        elif line == "cofunding":
            cof[y] += add
        else:
            lines = [dataclasses.replace(ln, cap={**ln.cap, y: ln.cap[y] + add}) if ln.key == line else ln
                     for ln in lines]
    return dataclasses.replace(inp, local_budget=local, cofunding_cap=cof, lines=tuple(lines))


def _schedulable(inp: ModelInput, totals: Mapping[str, int], backend: Any) -> bool:
    """Whether a schedule of ``totals`` exists within ``inp``'s caps (the schedule model)."""
    m = build(inp, Spec("schedule", "plan", fixed_totals=dict(totals)))
    out = backend.solve(m, first_solution=True, node_limit=ELASTIC_NODE_LIMIT)
    return bool(out.status.has_plan)


def _solve_all_columns(backend: Any, m: LinearModel) -> dict[tuple[str, int], int] | None:
    """Solve an elastic model; its extra money by (line, year) in whole đồng (None: no plan)."""
    status, extra, _ = _solve_elastic(backend, m)
    return extra if status.has_plan else None


def _solve_elastic(backend: Any, m: LinearModel) -> tuple[Status, dict[tuple[str, int], int], dict[str, int]]:
    """Solve an elastic model: its status, extra money by (line, year) and, in the totals space,
    the totals."""
    keep = dict(m.variables)
    m.variables = {("extra", key): j for key, j in m.extra.extra_money.items()}
    m.variables.update({("total", key): j for key, j in keep.items() if isinstance(key, str)})
    try:
        out = backend.solve(m, node_limit=ELASTIC_NODE_LIMIT)
    finally:
        m.variables = keep
    if not out.status.has_plan or out.values is None:
        return out.status, {}, {}
    extra = {key[1]: round(v) for key, v in out.values.items() if key[0] == "extra" and round(v)}
    totals = {key[1]: round(v) for key, v in out.values.items() if key[0] == "total"}
    return (Status.OPTIMAL if out.status == Status.OPTIMAL else Status.FEASIBLE), extra, totals


def is_least(inp: ModelInput, extra: Mapping[tuple[str, int], int], *, lines: tuple[str, ...],
             years: frozenset[int] | None = None, goal_floors: Mapping[str, int] | None = None,
             solver: str = "highs") -> bool:
    """True when one đồng less than ``extra`` in all leaves ``inp`` without a plan, proved by the
    solver (on the elastic aggregate, a relaxation, where that suffices; else the full model)."""
    total = sum(extra.values())
    if total <= 0:
        return True
    backend = backend_for(solver)
    for space in ("totals", "plan"):
        m = _with_total_cap(_elastic(inp, lines=lines, years=years, goal_floors=goal_floors, space=space), total - 1)
        status, _, _ = _solve_elastic(backend, m)
        if status == Status.INFEASIBLE:
            return True  # proved: not merely "none found in the time allowed"
        if status.has_plan:
            return False
    return False


def least_floors(inp: ModelInput, *, solver: str = "highs") -> tuple[Status, dict[str, int]]:
    """The least lowering of floors (units per task, least share of targets given up)."""
    m = _elastic(inp, floors=True)
    keep = dict(m.variables)
    m.variables = {("lowered", tid): j for tid, j in m.extra.lowered_floors.items()}
    out = backend_for(solver).solve(m, node_limit=ELASTIC_NODE_LIMIT)
    m.variables = keep
    if not out.status.has_plan or out.values is None:
        return out.status, {}
    values = cast("dict[tuple[str, str], float]", out.values)  # keyed ("lowered", task id), as set above
    lowered = {key[1]: round(v) for key, v in values.items() if round(v)}
    for t in inp.planned_tasks:
        if t.task_id in m.extra.unreachable_floors:
            lowered[t.task_id] = max(t.floor - t.done, 0)
    return Status.OPTIMAL, lowered


def _money(extra_dong: int) -> Fraction:
    return Fraction(extra_dong, DONG)


# --- least money for a goal -----------------------------------------------------------------


def least_money(scenario: Scenario, *, goal: str = "all_targets", source: str = "local",
                solver: str | None = None, verify: bool = True, single_years: bool = True,
                spread: bool = False) -> LeastMoney:
    """The least extra money on ``source`` ("local", "cofunding" or "both") that reaches ``goal``:
    "all_targets" (every target met) or "feasible" (the scenario's floors and rules met).
    ``spread``: also the least amount spread over the years as the caps spread them
    (``least_spread``; goal "all_targets" only)."""
    if goal not in ("all_targets", "feasible"):
        raise ValueError(f"unknown goal {goal!r}")
    lines = SOURCES[source]
    solver = solver or scenario.solver or "highs"
    inp = model_input(scenario)
    floors = {t.task_id: t.target for t in inp.planned_tasks} if goal == "all_targets" else None
    status, extra = least_extra(inp, lines=lines, goal_floors=floors, solver=solver)
    if status != Status.OPTIMAL:
        return LeastMoney(goal, source, None, {}, {}, verified=False)
    per_year = _by_year(extra)
    single: dict[int, Fraction | None] = {}
    verified = True
    if verify:
        verified = _suffices(scenario, _exact(extra), goal, solver) and is_least(
            inp, extra, lines=lines, goal_floors=floors, solver=solver)
    if single_years:
        for y in inp.planned_years:
            st, alone = least_extra(inp, lines=lines, years=frozenset({y}), goal_floors=floors, solver=solver,
                                    balance=False)
            single[y] = sum((_money(v) for v in alone.values()), Fraction(0)) if st == Status.OPTIMAL else None
            if verify and st == Status.OPTIMAL:
                verified = verified and _suffices(scenario, _exact(alone), goal, solver) and is_least(
                    inp, alone, lines=lines, years=frozenset({y}), goal_floors=floors, solver=solver)
    total = sum(per_year.values(), Fraction(0))
    found = LeastMoney(goal, source, total, per_year, single, verified)
    if spread and goal == "all_targets":
        amounts, ok = least_spread(inp, lines=lines, solver=solver, start=sum(extra.values()))
        if amounts:
            plan_ok, notes = _spread_plan(scenario, _exact(amounts), solver)
            found = dataclasses.replace(found, spread=_by_year(amounts), spread_verified=ok and plan_ok,
                                        spread_rhythm=notes)
    return found


def spread_amounts(inp: ModelInput, lines: tuple[str, ...], total: int) -> dict[tuple[str, int], int]:
    """``total`` đồng spread over the planned years as each line's caps spread its money: the
    year's part ⌈total · cap_y / Σ cap⌉ (whole đồng, rounded up), for each line of ``lines``."""
    out: dict[tuple[str, int], int] = {}
    for line in lines:
        caps = inp.local_budget if line == "local" else inp.cofunding_cap
        weights = {y: Fraction(caps[y]) for y in inp.planned_years if caps.get(y, 0) > 0}
        whole = sum(weights.values(), Fraction(0))
        for y, w in weights.items():
            share = total * w / whole
            n = -(-share.numerator // share.denominator)
            if n:
                out[(line, y)] = n
    return out


def _all_targets(inp: ModelInput, amounts: Mapping[tuple[str, int], int], backend: Any) -> Status:
    """Whether every target can be met with the caps raised by ``amounts`` (the schedule model with
    every total at its target): OPTIMAL yes, INFEASIBLE proven not, else not known."""
    totals = {t.task_id: t.remaining for t in inp.planned_tasks if t.remaining}
    m = build(raised(inp, amounts), Spec("schedule", "plan", fixed_totals=totals))
    out = backend.solve(m, first_solution=True, node_limit=ELASTIC_NODE_LIMIT)
    return Status.OPTIMAL if out.status.has_plan else out.status


def least_spread(inp: ModelInput, *, lines: tuple[str, ...], solver: str = "highs", start: int = 0
                 ) -> tuple[dict[tuple[str, int], int], bool]:
    """The least total E (whole đồng) whose spread (``spread_amounts``) meets every target: the
    amounts by (line, year), and whether E is proven least (E − 1 đồng spread the same way has no
    plan, proven). Meeting the targets only gets easier as E grows, so E is found by doubling from
    ``start`` (the least total in any distribution, a lower bound up to the rounding: one đồng a
    year) and halving the interval; each step one schedule model (counts, not time)."""
    backend = backend_for(solver)
    low = max(start - len(inp.planned_years) * len(lines) - 1, -1)  # E = low does not suffice (or -1)
    high = max(start, 1)
    while _all_targets(inp, spread_amounts(inp, lines, high), backend) != Status.OPTIMAL:
        low, high = high, high * 2
        if high > 10**18:
            return {}, False
    while high - low > 1:
        mid = (low + high) // 2
        if _all_targets(inp, spread_amounts(inp, lines, mid), backend) == Status.OPTIMAL:
            high = mid
        else:
            low = mid  # not enough, or not known (then E is at most the least, never below it)
    proven = low < 0 or _all_targets(inp, spread_amounts(inp, lines, low), backend) == Status.INFEASIBLE
    return spread_amounts(inp, lines, high), proven


def _spread_plan(scenario: Scenario, amounts: Mapping[tuple[str, int], Fraction], solver: str
                 ) -> tuple[bool, tuple[Any, ...]]:
    """The scenario solved again with the caps raised by ``amounts`` (the solve's rhythm stage
    included): every target met, and the rules of the rhythm its plan cannot keep, with why."""
    try:
        repaired = scenario.derive(name=f"{scenario.name}+least spread", **_changes(scenario, amounts))
    except Exception:  # a change the scenario refuses is not a repair
        return False, ()
    inp = model_input(repaired)
    outcome = optimise(inp, solver=solver, time_limit=None)
    if not outcome.status.has_plan or outcome.plan is None:
        return False, ()
    done: dict[str, int] = {}
    for (tid, _), n in outcome.plan.items():
        done[tid] = done.get(tid, 0) + n
    return all(done.get(t.task_id, 0) >= t.remaining for t in inp.planned_tasks), outcome.rhythm


def _by_year(extra: Mapping[tuple[str, int], int]) -> dict[int, Fraction]:
    out: dict[int, Fraction] = {}
    for (_line, y), n in sorted(extra.items(), key=lambda kv: kv[0][1]):
        out[y] = out.get(y, Fraction(0)) + _money(n)
    return out


def _exact(extra: Mapping[tuple[str, int], int]) -> dict[tuple[str, int], Fraction]:
    """Whole đồng by (line, year) as million VND."""
    return {key: _money(n) for key, n in extra.items()}


def shown(amount: Fraction, decimals: int = SHOWN_DECIMALS) -> Fraction:
    """An amount a repair needs, as printed: rounded UP to ``decimals`` decimals of million VND
    (``decimals=3``: the thousand đồng), so that the printed figure is enough as printed."""
    scale = 10**decimals
    return Fraction(-((-amount.numerator * scale) // amount.denominator), scale)


def shown_text(amount: Fraction, decimals: int = SHOWN_DECIMALS) -> str:
    """``shown(amount)`` as text: 170.029458 -> '170.03' (trailing zeros dropped, nothing rounded)."""
    value = shown(amount, decimals)  # a whole number of 10^-decimals: exact as a Decimal
    text = f"{Decimal(value.numerator) / Decimal(value.denominator):,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _changes(scenario: Scenario, amounts: Mapping[tuple[str, int], Fraction]) -> dict[str, Any]:
    """The scenario sections that raise the caps by ``amounts`` (million VND, exact decimals)."""
    changes: dict[str, dict[int, float]] = {}
    for (line, y), add in sorted(amounts.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        section, caps = ("budget", scenario.local_budget) if line == "local" else ("cofunding", scenario.cofunding)
        value = caps[y] + add
        as_float = float(value)
        if Fraction(repr(as_float)) != value:  # pragma: no cover - amounts beyond 10^9 million
            raise ValueError(f"{value} cannot be written exactly")
        changes.setdefault(section, {})[y] = as_float
    return changes


def _suffices(scenario: Scenario, amounts: Mapping[tuple[str, int], Fraction], goal: str, solver: str) -> bool:
    """Solve the scenario again with the caps raised by ``amounts`` (million VND): a plan (meeting
    every target, for that goal)."""
    try:
        repaired = scenario.derive(name=f"{scenario.name}+least", **_changes(scenario, amounts))
    except Exception:  # a change the scenario refuses is not a repair
        return False
    inp = model_input(repaired)
    outcome = optimise(inp, solver=solver, time_limit=None, tie_break=False)
    if not outcome.status.has_plan or outcome.plan is None:
        return False
    if goal == "all_targets":
        done: dict[str, int] = {}
        for (tid, _), n in outcome.plan.items():
            done[tid] = done.get(tid, 0) + n
        return all(done.get(t.task_id, 0) >= t.remaining for t in inp.planned_tasks)
    return True


# --- explaining an infeasible scenario -----------------------------------------------------------


def _m(value: Fraction | float) -> str:
    return f"{float(value):,.3f}".rstrip("0").rstrip(".")


def _at_least(value: Fraction) -> str:
    """A lower bound as printed: rounded down to the thousand đồng (true as read)."""
    return _m(-shown(-value))


def _conflicts(inp: ModelInput) -> list[str]:
    out = []
    years = [y for y in inp.years if y in inp.local_budget]
    need_local, need_cof = Fraction(0), Fraction(0)
    for t in inp.planned_tasks:
        if not t.remaining_floor:
            continue
        open_years = [y for y in t.years if y in years]
        if not open_years:
            out.append(Said("floor {task}: {n} more unit(s) required, but none of its years ({years}) is still "
                            "planned", task=t.task_id, n=t.remaining_floor, years=", ".join(map(str, t.years))))
            continue
        local = min(t.local(y) for y in open_years) * t.remaining_floor
        cof = min(t.cofunding(y) for y in open_years) * t.remaining_floor
        need_local += local
        need_cof += cof
        out.append(Said("floor {task}: {n} unit(s) in {years} need at least {local} local budget and {cofunding} "
                        "co-funding (million VND)", task=t.task_id, n=t.remaining_floor,
                        years=", ".join(map(str, open_years)), local=Figure(_at_least(local)),
                        cofunding=Figure(_at_least(cof))))
    have_local = sum((inp.local_budget[y] for y in years), Fraction(0)) + inp.opening_carry
    have_cof = sum((inp.cofunding_cap[y] for y in years), Fraction(0))
    if need_local > have_local:
        out.append(Said("together the floors need at least {need} local budget; the planned years provide {have}",
                        need=Figure(_at_least(need_local)), have=Figure(_m(have_local))))
    if need_cof > have_cof:
        out.append(Said("together the floors need at least {need} co-funding; the planned years provide {have}",
                        need=Figure(_at_least(need_cof)), have=Figure(_m(have_cof))))
    closed = any("none of its years" in line for line in out)
    if not closed and len(out) == sum(1 for t in inp.planned_tasks if t.remaining_floor):
        out.append(Said("the totals fit, but not year by year: some years' caps cannot hold the units the floors "
                        "place in them"))
    return out + _line_conflicts(inp, years)


def _line_conflicts(inp: ModelInput, years: list[int]) -> list[str]:
    """The extra money lines (e.g. a scenario's cap on a group of tasks) that floors draw on."""
    out: list[str] = []
    for line in inp.lines:
        capped = [y for y in years if y in line.cap]
        floored = [t for t in inp.planned_tasks if t.remaining_floor and t.task_id in line.task_ids]
        if not capped or not floored:
            continue
        inside = [t for t in floored if [y for y in t.years if y in years]
                  and all(y in line.cap for y in t.years if y in years)]
        need = sum((min(line.cost(t.task_id, y) for y in t.years if y in years) * t.remaining_floor
                    for t in inside), Fraction(0))
        caps = Joined(Said("{amount} in {year}", amount=Figure(_m(line.cap[y])), year=y) for y in capped)
        text = ("{line}: at most {caps} (million VND); the floors of {tasks} draw on it, those that can only use "
                "capped years at least {need} in all" if need else
                "{line}: at most {caps} (million VND); the floors of {tasks} draw on it")
        out.append(Said(text, line=line.source or line.key, caps=caps, tasks=", ".join(t.task_id for t in floored),
                        need=Figure(_at_least(need))))
    return out


def explain_infeasible(scenario: Scenario, *, solver: str = "highs", verify: bool = True) -> Explanation:
    """Conflicts in the program's terms and a ranked menu of exact repairs (see the module docstring)."""
    inp = model_input(scenario)
    repairs: list[Repair] = []
    for kind, source in (("extra-local", "local"), ("extra-budget", "both")):
        lines = SOURCES[source]
        status, extra = least_extra(inp, lines=lines, solver=solver)
        if status != Status.OPTIMAL or not extra:
            continue
        if source == "both" and repairs and all(line == "local" for line, _y in extra):
            # no co-funding in it: a least local-only repair, which extra-local already is (the same
            # total; the split over the years may differ by a đồng between equal optima)
            continue
        # the amounts as printed (the least, rounded up at the precision shown): what is verified
        amounts = {key: shown(_money(n)) for key, n in extra.items()}
        changes = _changes(scenario, amounts)
        total = sum(amounts.values(), Fraction(0))
        parts = [Said("{amount} more local budget in {year}" if line == "local" else
                      "{amount} more co-funding in {year}", amount=Figure(shown_text(a)), year=y)
                 for (line, y), a in sorted(amounts.items(), key=lambda kv: (kv[0][0] != "local", kv[0][1]))]
        summary = Said("raise the caps by {total} million VND in all: {parts}", total=Figure(shown_text(total)),
                       parts=Joined(parts, "; "))
        if any(r.changes == changes for r in repairs):
            continue
        ok = minimal = False
        if verify:
            ok = _suffices(scenario, amounts, "feasible", solver)
            minimal = ok and is_least(inp, extra, lines=lines, solver=solver)
        repairs.append(Repair(kind, summary, changes, float(total), ok, minimal))

    status, lowered = least_floors(inp, solver=solver)
    if status == Status.OPTIMAL and lowered:
        floors = {tid: scenario.floors[tid] - n for tid, n in sorted(lowered.items(), key=lambda kv: inp.rank(kv[0]))}
        parts = [Said("{task} from {old} to {new}", task=tid, old=scenario.floors[tid], new=v)
                 for tid, v in floors.items()]
        share = sum(n / scenario.targets[tid] for tid, n in lowered.items())
        ok = minimal = False
        if verify:
            ok = _feasible(scenario.derive(name=f"{scenario.name}+floors", floors=floors), solver)
            minimal = ok and all(
                floors[tid] + 1 > scenario.floors[tid]
                or not _feasible(scenario.derive(floors={**floors, tid: floors[tid] + 1}), solver)
                for tid in floors)
        lower = Said("lower the floors: {parts}", parts=Joined(parts, "; "))
        repairs.append(Repair("lower-floors", lower, {"floors": floors},
                              float(share), ok, minimal))
    # Verified first; then fewer figures changed; then the smaller change.
    repairs.sort(key=lambda r: (not r.verified, sum(len(v) for v in r.changes.values()), r.size))
    return Explanation(scenario.name, tuple(_conflicts(inp)), tuple(repairs))


def _feasible(scenario: Scenario, solver: str) -> bool:
    try:
        inp = model_input(scenario)
    except Exception:
        return False
    return optimise(inp, solver=solver, time_limit=None, tie_break=False).status.has_plan

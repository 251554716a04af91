"""Explaining an infeasible scenario, with a ranked menu of repairs from elastic models.

Only hard requirements can conflict: floors (must-keep quantities) that cost more than the annual
caps allow, or that fall in years that are not planned (already executed, or outside a task's
years). ``explain_infeasible`` states the conflict in the program's terms and computes repairs by
solving elastic versions of the model, in which the hard rows may give way at a price:

``extra-budget``    the least extra money per year (local budget and co-funding) with which every
                    floor can be met: caps get non-negative slack, the total slack is minimised;
``lower-floors``    the least lowering of floors (as a share of each target, then in money) that
                    fits the caps as they are: floors get integer slack;
``extra-local``     as ``extra-budget`` but with co-funding held at its caps, when that is possible.

Every repair is verified by applying it to the scenario and solving again; the menu lists the
verified ones first, smallest change first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import pulp

from kgkc_opt.model.data import ModelInput, model_input
from kgkc_opt.model.linear import RowInfo
from kgkc_opt.solver.decompose import optimise
from kgkc_opt.solver.pulp_model import BuiltModel, PulpBackend, pulp_name
from kgkc_opt.solver.status import Status


class _Builder:
    def __init__(self, kind: str, inp: ModelInput):
        import pulp

        self.inp = inp
        self.problem = pulp.LpProblem(f"kgkc_{kind}", pulp.LpMinimize)
        self.rows: dict[str, RowInfo] = {}
        self.names: dict[str, str] = {}
        self.kind = kind

    def var(self, key: str, low: float | None, high: float | None, *, integer: bool) -> Any:
        return self.problem.add_variable(
            pulp_name(key), lowBound=low, upBound=high, cat="Integer" if integer else "Continuous"
        )

    def add(self, key: str, constraint: Any, info: RowInfo) -> None:
        name = pulp_name(key)
        self.problem += (constraint, name)
        self.rows[key] = info
        self.names[key] = name

    def done(self, variables: dict[Any, Any], scale: int, **extra: Any) -> BuiltModel:
        return BuiltModel(self.kind, self.problem, variables, self.rows, self.names, scale, extra=extra)


@dataclass(frozen=True)
class Repair:
    """One way to make the scenario feasible."""

    kind: str
    summary: str
    changes: dict[str, Any]
    size: float
    verified: bool = False

    def __str__(self) -> str:
        mark = "verified" if self.verified else "not verified"
        return f"{self.summary} [{mark}]"


@dataclass(frozen=True)
class Explanation:
    """Why a scenario is infeasible and what would repair it."""

    scenario: str
    conflicts: tuple[str, ...]
    repairs: tuple[Repair, ...] = field(default=())

    def __str__(self) -> str:
        lines = [f"Scenario {self.scenario!r} is infeasible: its hard requirements conflict."]
        lines += [f"  - {c}" for c in self.conflicts]
        if self.repairs:
            lines.append("Repairs, smallest change first:")
            lines += [f"  {i}. {r}" for i, r in enumerate(self.repairs, 1)]
        else:
            lines.append("No repair was found by changing budgets or floors.")
        return "\n".join(lines)


def _m(value: Fraction | float) -> str:
    return f"{float(value):,.3f}".rstrip("0").rstrip(".")


def _conflicts(inp: ModelInput) -> list[str]:
    out = []
    years = [y for y in inp.years if y in inp.local_cap]
    need_local, need_cof = Fraction(0), Fraction(0)
    for t in inp.planned_tasks:
        if not t.remaining_floor:
            continue
        open_years = [y for y in t.years if y in years]
        if not open_years:
            out.append(f"floor {t.task_id}: {t.remaining_floor} more unit(s) required, but none of its "
                       f"years ({', '.join(map(str, t.years))}) is still planned")
            continue
        local = min(t.local(y) for y in open_years) * t.remaining_floor
        cof = min(t.cofunding(y) for y in open_years) * t.remaining_floor
        need_local += local
        need_cof += cof
        out.append(f"floor {t.task_id}: {t.remaining_floor} unit(s) in {', '.join(map(str, open_years))} "
                   f"need at least {_m(local)} local budget and {_m(cof)} co-funding (million VND)")
    have_local = sum((inp.local_cap[y] for y in years), Fraction(0)) + inp.opening_carry
    have_cof = sum((inp.cofunding_cap[y] for y in years), Fraction(0))
    if need_local > have_local:
        out.append(f"together the floors need at least {_m(need_local)} local budget; the planned years "
                   f"provide {_m(have_local)}")
    if need_cof > have_cof:
        out.append(f"together the floors need at least {_m(need_cof)} co-funding; the planned years "
                   f"provide {_m(have_cof)}")
    closed = any("none of its years" in line for line in out)
    if not closed and len(out) == sum(1 for t in inp.planned_tasks if t.remaining_floor):
        out.append("the totals fit, but not year by year: some years' caps cannot hold the units "
                   "the floors place in them")
    return out + _line_conflicts(inp, years)


def _line_conflicts(inp: ModelInput, years: list[int]) -> list[str]:
    """The extra money lines (e.g. a scenario's cap on a group of tasks) that floors draw on."""
    out = []
    for line in inp.lines:
        capped = [y for y in years if y in line.cap]
        floored = [t for t in inp.planned_tasks if t.remaining_floor and t.task_id in line.task_ids]
        if not capped or not floored:
            continue
        inside = [t for t in floored if [y for y in t.years if y in years]
                  and all(y in line.cap for y in t.years if y in years)]
        need = sum((min(line.cost(t.task_id, y) for y in t.years if y in years) * t.remaining_floor
                    for t in inside), Fraction(0))
        caps = ", ".join(f"{_m(line.cap[y])} in {y}" for y in capped)
        text = (f"{line.source or line.key}: at most {caps} (million VND); the floors of "
                f"{', '.join(t.task_id for t in floored)} draw on it")
        if need:
            text += f", those that can only use capped years at least {_m(need)} in all"
        out.append(text)
    return out


def _elastic(inp: ModelInput, *, budget_slack: bool, cofunding_slack: bool, floor_slack: bool,
             solver: str, total_cap: float | None = None) -> tuple[Status, dict[str, Fraction], float]:
    """Solve an elastic model; return slack values by name (extra_local[y], lower_floor[t], ...).

    With ``total_cap`` (the least total extra money, from a first solve) the second stage keeps
    the total within it and minimises the largest yearly increase instead, so the extra money is
    spread as evenly as the units allow rather than wherever the solver put it.
    """
    b = _Builder("elastic", inp)
    years = [y for y in inp.years if y in inp.local_cap]
    q = {}
    for tid, y in inp.columns():
        q[(tid, y)] = b.var(f"q[{tid},{y}]", 0.0, float(inp.task(tid).remaining), integer=True)
    slack: dict[str, Any] = {}
    objective = []
    for y in years:
        local_terms = [float(inp.task(tid).local(y)) * v for (tid, yy), v in q.items() if yy == y]
        cof_terms = [float(inp.task(tid).cofunding(y)) * v for (tid, yy), v in q.items() if yy == y]
        extra = []
        if budget_slack:
            slack[f"extra_local[{y}]"] = s = b.var(f"extra_local[{y}]", 0.0, None, integer=False)
            extra.append(s)
            objective.append(s)
        cap = inp.local_cap[y] + (inp.opening_carry if y == years[0] else 0)
        b.add(f"local_cap[{y}]", pulp.lpSum(local_terms) - pulp.lpSum(extra) <= float(cap),
              RowInfo(f"local_cap[{y}]", "local_cap", "elastic"))
        extra = []
        if cofunding_slack:
            slack[f"extra_cofunding[{y}]"] = s = b.var(f"extra_cofunding[{y}]", 0.0, None, integer=False)
            extra.append(s)
            objective.append(s)
        b.add(f"cofunding_cap[{y}]", pulp.lpSum(cof_terms) - pulp.lpSum(extra) <= float(inp.cofunding_cap[y]),
              RowInfo(f"cofunding_cap[{y}]", "cofunding_cap", "elastic"))
    for t in inp.planned_tasks:
        count = pulp.lpSum(v for (tid, _), v in q.items() if tid == t.task_id)
        b.add(f"target[{t.task_id}]", count <= t.remaining, RowInfo(f"target[{t.task_id}]", "target", ""))
        if t.remaining_floor:
            lower = []
            if floor_slack:
                slack[f"lower_floor[{t.task_id}]"] = s = b.var(
                    f"lower_floor[{t.task_id}]", 0.0, float(t.remaining_floor), integer=True)
                lower.append(s)
                # a unit of floor dropped costs its share of the target, plus its money to break ties
                share = 1000.0 / t.target
                objective.append(share * s + float(t.unit_local) * s * 1e-6)
            b.add(f"floor[{t.task_id}]", count + pulp.lpSum(lower) >= t.remaining_floor,
                  RowInfo(f"floor[{t.task_id}]", "floor", ""))
    if total_cap is not None and budget_slack:
        largest = b.var("largest_extra", 0.0, None, integer=False)
        for key, s in slack.items():
            if key.startswith("extra_"):
                b.add(f"largest[{key}]", s - largest <= 0, RowInfo(key, "balance", ""))
        b.add("total_extra", pulp.lpSum(objective) <= total_cap, RowInfo("total_extra", "balance", ""))
        b.problem.setObjective(largest)
    else:
        b.problem.setObjective(pulp.lpSum(objective))
    built = b.done(slack, 1)
    out = PulpBackend(solver).run(built, time_limit=30.0)
    if not out.status.has_plan or out.values is None:
        return out.status, {}, 0.0
    values = {}
    for key, v in out.values.items():
        if key.startswith("lower_floor"):
            values[key] = Fraction(round(v))
        else:
            # money: round up to the đồng so the repair is sufficient
            values[key] = Fraction(int(-(-Fraction(v).limit_denominator(10**9) * 10**6 // 1)), 10**6)
    total = sum(float(v) for k, v in out.values.items() if k.startswith("extra_"))
    return out.status, values, total


def explain_infeasible(scenario: Any, *, solver: str = "highs", verify: bool = True) -> Explanation:
    """Conflicts in the program's terms and a ranked, verified menu of repairs."""
    inp = model_input(scenario)
    repairs: list[Repair] = []

    for kind, cof_slack in (("extra-local", False), ("extra-budget", True)):
        status, values, total_extra = _elastic(inp, budget_slack=True, cofunding_slack=cof_slack,
                                               floor_slack=False, solver=solver)
        if not status.has_plan:
            continue
        status2, values2, _ = _elastic(inp, budget_slack=True, cofunding_slack=cof_slack, floor_slack=False,
                                       solver=solver, total_cap=total_extra * (1 + 1e-9) + 1e-6)
        if status2.has_plan:
            values = values2
        budget = {int(k[12:-1]): scenario.local_budget[int(k[12:-1])] + v
                  for k, v in values.items() if k.startswith("extra_local") and v > 0}
        cof = {int(k[16:-1]): scenario.cofunding[int(k[16:-1])] + v
               for k, v in values.items() if k.startswith("extra_cofunding") and v > 0}
        if not budget and not cof:
            continue
        parts = [f"{_m(v - scenario.local_budget[y])} more local budget in {y}" for y, v in sorted(budget.items())]
        parts += [f"{_m(v - scenario.cofunding[y])} more co-funding in {y}" for y, v in sorted(cof.items())]
        total = sum((v - scenario.local_budget[y] for y, v in budget.items()), Fraction(0)) + \
            sum((v - scenario.cofunding[y] for y, v in cof.items()), Fraction(0))
        changes: dict[str, Any] = {}
        if budget:
            changes["budget"] = {y: float(v) for y, v in budget.items()}
        if cof:
            changes["cofunding"] = {y: float(v) for y, v in cof.items()}
        summary = f"raise the caps by {_m(total)} million VND in all: " + "; ".join(parts)
        if any(r.summary == summary for r in repairs):
            continue
        repairs.append(Repair(kind, summary, changes, float(total)))

    status, values, _ = _elastic(inp, budget_slack=False, cofunding_slack=False, floor_slack=True,
                                 solver=solver)
    if status.has_plan:
        floors = {}
        parts = []
        share = 0.0
        for key, v in values.items():
            if v > 0:
                tid = key[len("lower_floor["):-1]
                new_floor = scenario.floors[tid] - int(v)
                floors[tid] = new_floor
                parts.append(f"{tid} from {scenario.floors[tid]} to {new_floor}")
                share += float(v) / scenario.targets[tid]
        if floors:
            repairs.append(Repair("lower-floors", "lower the floors: " + "; ".join(parts),
                                  {"floors": floors}, share))

    if verify:
        checked = []
        for r in repairs:
            try:
                repaired = scenario.derive(name=f"{scenario.name}+{r.kind}", **r.changes)
                outcome = optimise(model_input(repaired), solver=solver, time_limit=30.0)
                ok = outcome.status.has_plan
            except Exception:  # a repair that cannot be applied is simply not verified
                ok = False
            checked.append(Repair(r.kind, r.summary, r.changes, r.size, ok))
        repairs = checked
    # Verified first; then fewer figures changed; then the smaller change.
    repairs.sort(key=lambda r: (not r.verified, sum(len(v) for v in r.changes.values()), r.size))
    return Explanation(scenario.name, tuple(_conflicts(inp)), tuple(repairs))

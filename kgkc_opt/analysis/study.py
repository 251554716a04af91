"""The study of a scenario: everything a brief shows, computed once into a ``ScenarioStudy``.

``study(scenario)`` solves the scenario and its comparison (by default the program as decided),
and computes, each once: the tasks short of target and their figures; why each falls short, by
re-solving with one cause relaxed at a time (``analysis.explain``); what 1 billion VND more or
less buys (``analysis.gains.gains_table``); the least money that meets every target
(``analysis.repairs.least_money``, verified); what carrying money over would change; the local
budget beside the comparison's over the same years (a re-plan compares the remaining years with
the decision's remaining years); tasks that do better after a cut, and which cut freed the money;
and, for a scenario that cuts money, the plan under each cut policy. ``report.brief`` renders it
and never solves. Money is exact (``Fraction``, million VND).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from kgkc_opt.analysis.compare import POLICY_ORDER, cofunding_planned
from kgkc_opt.analysis.explain import explain_shortfalls
from kgkc_opt.analysis.gains import gains_table
from kgkc_opt.analysis.plan import solve
from kgkc_opt.analysis.repairs import LeastMoney, least_money
from kgkc_opt.analysis.study_types import (
    AgainstBudget,
    BudgetComparison,
    GapCheck,
    Least,
    PolicyOutcome,
    PolicyReason,
    ScenarioStudy,
    Shortfall,
    SweepStep,
)
from kgkc_opt.inputs.scenario import Scenario, baseline
from kgkc_opt.model.data import model_input
from kgkc_opt.solver.result import Result

__all__ = ["ScenarioStudy", "least", "policy_outcome", "shortfalls", "study", "sweep_against_budget"]


def least(scenario: Scenario, *, solver: str | None = None) -> Least:
    """The exact least extra local budget that meets every target, verified by re-solving."""
    return _least(least_money(scenario, goal="all_targets", source="local", solver=solver))


def _least(found: LeastMoney) -> Least:
    return Least(found.total, dict(found.per_year), dict(found.single_year), found.verified)


def study(scenario: Scenario, base: Scenario | None = None, *, result: Result | None = None,
          base_result: Result | None = None, solver: str | None = None, gains: Any = None,
          least_money_: bool | Least = True, policy: str | None = None, policies: bool = True,
          explain: bool = True) -> ScenarioStudy:
    """Study ``scenario`` against ``base`` (default: the program as decided, when it changes
    anything). ``gains``: the exact gains table if already computed; ``least_money_``: True to
    compute the least money that meets every target (the slowest figure), False to leave it out,
    or a ``Least`` already computed; ``policy``: the cut policy the planner chose (``--policy``);
    ``policies``: for a scenario that cuts money, plan it under each policy too."""
    reason: PolicyReason = "default"
    if policy is not None:
        scenario = scenario.derive(None, policy=policy)
        reason, result = "option", None
    elif any(c.key == "policy" for c in scenario.changes):
        reason = "scenario"
    if base is None and scenario.changes:
        base = baseline(scenario.program)
    result = result or solve(scenario, solver=solver)
    if base is not None and base_result is None:
        base_result = solve(base, solver=solver)
    budget = budget_comparison(scenario, base) if base is not None else None
    if not result.has_plan:
        return ScenarioStudy(scenario, result, base, base_result, budget=budget, policy_reason=reason)
    short = tuple(shortfalls(scenario, result))
    table = gains if gains is not None else gains_table(scenario, result, solver=solver)
    found = None
    carry = None
    if short:
        if least_money_ is True:
            found = least(scenario, solver=solver)
        elif isinstance(least_money_, Least):
            found = least_money_
        if not scenario.carry_over:
            alt = solve(scenario.derive(f"{scenario.name} + carry-over", carry_over=True), solver=solver)
            carry = _units_gained(result, alt) if alt.has_plan else None
    explanations = explain_shortfalls(scenario, result, solver=solver) if explain and short else {}
    against: tuple[AgainstBudget, ...] = ()
    if budget is not None and budget.change < 0 and base is not None and base_result is not None \
            and base_result.has_plan:
        against = against_budget(scenario, result, base, base_result)
    outcomes: tuple[PolicyOutcome, ...] = ()
    if policies and budget is not None and budget.change < 0:
        outcomes = compare_policies(scenario, result, solver=solver)
    unspent_local, unspent_cof = unspent(scenario, result)
    # the gaps more money can close (not those more money provably cannot); local budget only where
    # more local budget is a proven cause, and each such gap applied as a repair and solved again
    money = [s for s in short if s.task_id not in explanations or explanations[s.task_id].money_helps is not False]
    local = [s for s in money if s.task_id not in explanations
             or any(c.kind == "local" for c in explanations[s.task_id].causes)]
    checks = gap_checks(scenario, result, local, explanations, solver=solver) if explain else {}
    return ScenarioStudy(
        scenario, result, base, base_result, shortfalls=short, explanations=explanations, gains=table,
        least=found, carry_over=carry, budget=budget, against_budget=against, policies=outcomes,
        policy_reason=reason, gap_checks=checks, gap_local=sum((s.money_local for s in local), Fraction(0)),
        gap_other=sum((s.money_other for s in money), Fraction(0)), unspent_local=unspent_local,
        unspent_cofunding=unspent_cof)


def gap_checks(scenario: Scenario, result: Result, short: Sequence[Shortfall], explanations: Any, *,
               solver: str | None = None) -> dict[str, GapCheck]:
    """Each priced gap (units short × local budget per unit) applied in the first year more local
    budget alone was proven to help, and solved again: kept only where the shortfall falls."""
    out = {}
    for s in short:
        ex = explanations.get(s.task_id)
        years = [c.years[0] for c in (ex.causes if ex is not None else ()) if c.kind == "local" and c.alone]
        if not years or not s.money_local:
            continue
        year = years[0]
        again = solve(scenario.derive(f"{scenario.name} + gap {s.task_id}",
                                      budget={year: float(scenario.local_budget[year] + s.money_local)}),
                      solver=solver, tie_break=False, with_shadow_prices=False, explain=False)
        achieved = int(again.achievement["achieved"].get(s.task_id, 0)) if again.has_plan else s.achieved
        if achieved > s.achieved:
            out[s.task_id] = GapCheck(s.task_id, year, s.money_local, achieved)
    return out


def shortfalls(scenario: Scenario, result: Result) -> list[Shortfall]:
    """Each task short of its target, with the exact figures that describe it (largest gap first)."""
    program = scenario.program
    inp = model_input(scenario)
    ach = result.achievement
    costs: dict[str, Fraction] = {}
    for tid, row in ach.iterrows():
        task = program.task(str(tid))
        spec = inp.task(str(tid))
        if row["target"] > 0 and spec.weight > 0:
            costs[str(tid)] = task.unit_local * int(row["target_min"]) / spec.weight / 100
    ranked = sorted(costs, key=lambda t: -costs[t])
    left_local, left_cof = _left(scenario, result)
    out = []
    for tid, row in result.shortfalls.iterrows():
        tid = str(tid)
        task = program.task(tid)
        years = tuple(y for y in task.years if y in left_local)
        out.append(Shortfall(
            task_id=tid, target=int(row["target"]), achieved=int(row["achieved"]), shortfall=int(row["shortfall"]),
            share=float(row["share"]), years=years, unit_local=task.unit_local, unit_other=task.unit_other,
            local_slack=tuple(left_local[y] for y in years), other_slack=tuple(left_cof[y] for y in years),
            cost_per_point=costs.get(tid, Fraction(0)), rank=ranked.index(tid) + 1 if tid in costs else 0,
            n_tasks=len(ranked), target_min=int(row["target_min"])))
    return out


def _left(scenario: Scenario, result: Result) -> tuple[dict[int, Fraction], dict[int, Fraction]]:
    """Local budget and co-funding left unused in each planned year (exact; carry-over counted)."""
    inp = model_input(scenario)
    plan = result.plan
    local: dict[int, Fraction] = {}
    cof: dict[int, Fraction] = {}
    carried = inp.opening_carry
    by_id = {t.task_id: t for t in inp.tasks}
    for y in inp.planned_years:
        used_l = sum((n * by_id[t].local(yy) for (t, yy), n in plan.items() if yy == y), Fraction(0))
        used_c = sum((n * by_id[t].cofunding(yy) for (t, yy), n in plan.items() if yy == y), Fraction(0))
        local[y] = inp.local_budget[y] + carried - used_l
        cof[y] = inp.cofunding_cap[y] - used_c
        carried = local[y] if inp.carry_over else Fraction(0)
    return local, cof


def unspent(scenario: Scenario, result: Result) -> tuple[Fraction, Fraction]:
    """Local budget and co-funding the plan leaves unused over the planned years (with carry-over,
    what is left at the end)."""
    local, cof = _left(scenario, result)
    inp = model_input(scenario)
    years = list(local)
    if inp.carry_over and years:
        return local[years[-1]], sum(cof.values(), Fraction(0))
    return sum(local.values(), Fraction(0)), sum(cof.values(), Fraction(0))


def budget_comparison(scenario: Scenario, base: Scenario) -> BudgetComparison:
    """The local budget of the scenario's planned years beside the comparison's for the same
    years (a re-plan compares the remaining years with the remaining years)."""
    years = tuple(scenario.planned_years())
    cap = sum((scenario.local_budget[y] for y in years), Fraction(0))
    base_cap = sum((base.local_budget.get(y, Fraction(0)) for y in years), Fraction(0))
    replan = scenario.replan_from if scenario.replan_from is not None else (
        years[0] if scenario.actuals is not None and years else None)
    return BudgetComparison(years, cap, base_cap, replan)


def _units_gained(result: Result, alt: Result) -> tuple[tuple[str, int], ...]:
    a, b = _achieved(result), _achieved(alt)
    changed = [(t, b.get(t, 0) - a.get(t, 0)) for t in b if b.get(t, 0) != a.get(t, 0)]
    return tuple(sorted(changed, key=lambda x: -x[1]))


def _achieved(result: Result) -> dict[str, int]:
    return {str(t): int(n) for t, n in result.achievement["achieved"].items()}


def _spend(scenario: Scenario, result: Result) -> dict[str, tuple[Fraction, Fraction]]:
    """Per task: the local budget and co-funding the plan gives it (exact)."""
    by_id = {t.task_id: t for t in model_input(scenario).tasks}
    out: dict[str, tuple[Fraction, Fraction]] = {}
    for (tid, y), n in result.plan.items():
        local, cof = out.get(tid, (Fraction(0), Fraction(0)))
        out[tid] = (local + n * by_id[tid].local(y), cof + n * by_id[tid].cofunding(y))
    return out


def against_budget(scenario: Scenario, result: Result, base: Scenario,
                   base_result: Result) -> tuple[AgainstBudget, ...]:
    """Tasks that achieve more with less money than in the comparison, and the tasks whose cut
    freed the money (from the two plans: no solve)."""
    mine, theirs = _achieved(result), _achieved(base_result)
    up = [t for t in mine if mine[t] > theirs.get(t, 0)]
    if not up:
        return ()
    down = sorted(((t, mine.get(t, 0) - theirs[t]) for t in theirs if mine.get(t, 0) < theirs[t]),
                  key=lambda x: (x[1], x[0]))
    spent, spent_base = _spend(scenario, result), _spend(base, base_result)
    zero = (Fraction(0), Fraction(0))
    freed = sum((spent_base.get(t, zero)[0] - spent.get(t, zero)[0] for t, _ in down), Fraction(0))
    return tuple(AgainstBudget(t, mine[t], theirs.get(t, 0), tuple(down), freed) for t in up)


def policy_outcome(scenario: Scenario, result: Result, policy: str) -> PolicyOutcome:
    """What one policy's plan gives up: targets short, co-funding lost, money used."""
    if not result.has_plan:
        return PolicyOutcome(policy, False, result.status.value)
    ach = result.achievement
    planned = ach[ach["target"] > 0]
    short = planned[planned["shortfall"] > 0].sort_values(["share", "shortfall"], ascending=[True, False])
    spend = _spend(scenario, result).values()
    local_used = sum((v[0] for v in spend), Fraction(0))
    cof_used = sum((v[1] for v in spend), Fraction(0))
    return PolicyOutcome(
        policy, True, result.status.value, met=int((planned["shortfall"] == 0).sum()), n_tasks=len(ach),
        average_share=float(result.objective / result.max_objective) if result.max_objective else 0.0,
        short=tuple((str(t), int(n)) for t, n in short["shortfall"].items()),
        cofunding_lost=max(cofunding_planned(scenario) - cof_used, Fraction(0)), local_used=local_used,
        cofunding_used=cof_used)


def compare_policies(scenario: Scenario, result: Result, policies: Sequence[str] = POLICY_ORDER, *,
                     solver: str | None = None) -> tuple[PolicyOutcome, ...]:
    """The scenario under each cut policy (its own plan reused for its own policy)."""
    out = []
    for p in policies:
        res = result if p == result.policy else solve(scenario.derive(f"{scenario.name} [{p}]", policy=p),
                                                       solver=solver)
        out.append(policy_outcome(scenario.derive(None, policy=p), res, p))
    return tuple(out)


def sweep_against_budget(frame: Any) -> tuple[SweepStep, ...]:
    """The steps of a one-dimensional sweep (``analysis.sweep``'s tidy frame) where a task achieves
    more with less money, each with the tasks whose units fell at that step (no solve: the levels
    are solved already)."""
    levels = sorted({float(v) for v in frame["budget_level"]}, reverse=True)
    by = {(float(r.budget_level), str(r.task_id)): int(r.achieved)
          for r in frame[["budget_level", "task_id", "achieved"]].itertuples()}
    tasks = list(dict.fromkeys(str(t) for t in frame["task_id"]))
    out = []
    for hi, lo in itertools.pairwise(levels):
        change = {t: by.get((lo, t), 0) - by.get((hi, t), 0) for t in tasks}
        freed = tuple(sorted(((t, d) for t, d in change.items() if d < 0), key=lambda x: (x[1], x[0])))
        for t, d in change.items():
            if d > 0:
                out.append(SweepStep(hi, lo, t, by.get((hi, t), 0), by.get((lo, t), 0), freed))
    return tuple(out)

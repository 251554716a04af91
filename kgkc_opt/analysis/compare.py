"""Comparing scenarios: what differs in their inputs, beside what that causes.

``compare(results, scenarios)`` returns a ``Comparison`` of tidy tables; the first scenario is
the reference every difference is measured against:

``inputs``   key, one column per scenario: every figure that differs between the scenarios
             (caps per year, targets, weights, floors, tiers, carry-over, escalation, ...)
``summary``  scenario: status, policy, objective, objective_change, tasks_short, min_share (the
             worst-served task's share), local_used, cofunding_used, cofunding_lost (what the
             targets would mobilise in co-funding, less what the plan mobilises)
``tasks``    (scenario, task_id): target, achieved, share, shortfall, local_budget, cofunding,
             achieved_change, local_budget_change
``years``    (scenario, year, source): cap, used, slack, used_change
``allocation`` (scenario, task_id, year): quantity, local_budget, cofunding, quantity_change

``compare_policies(scenario)`` plans one scenario under each cut policy and compares them.
``plan_actual_replan`` lines up, for a replanned scenario, the original plan, what was executed
and the re-plan, per task and year.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

import pandas as pd

from kgkc_opt.analysis.plan import solve
from kgkc_opt.inputs.keys import KEYS
from kgkc_opt.inputs.scenario import Scenario
from kgkc_opt.solver.result import Result


@dataclass(frozen=True)
class Comparison:
    names: tuple[str, ...]
    inputs: pd.DataFrame
    summary: pd.DataFrame
    tasks: pd.DataFrame
    years: pd.DataFrame
    allocation: pd.DataFrame

    def shortfalls(self) -> pd.DataFrame:
        """Tasks short of target in any scenario: achieved per scenario, side by side."""
        if len(self.tasks) == 0:
            return pd.DataFrame(columns=["target", *self.names])
        t = self.tasks.reset_index()
        short_ids = sorted(set(t.loc[t["shortfall"] > 0, "task_id"]), key=list(t["task_id"]).index)
        wide = t[t["task_id"].isin(short_ids)].pivot(index="task_id", columns="scenario", values="achieved")
        wide = wide.reindex(columns=list(self.names))  # a scenario without a plan shows as empty
        wide.insert(0, "target", t.drop_duplicates("task_id").set_index("task_id").loc[wide.index, "target"])
        return wide[["target", *self.names]].loc[short_ids]

    def _repr_html_(self) -> str:
        return self.summary.to_html() + self.inputs.to_html() + self.shortfalls().to_html()


def input_table(scenarios: Sequence[Scenario]) -> pd.DataFrame:
    """Every input figure that differs between the scenarios, one column per scenario: the rows
    each scenario key declares (``kgkc_opt.inputs.keys``), then the re-planning year and the
    program."""
    rows: dict[str, dict[str, str]] = {}
    rank: dict[str, int] = {}  # rows in the order of the keys, each key's rows as first seen

    def put(key: str, name: str, value: str, order: int) -> None:
        rows.setdefault(key, {})[name] = value
        rank.setdefault(key, order)

    for s in scenarios:
        for i, k in enumerate(KEYS):
            for path, value in k.rows(s):
                put(path, s.name, value, i)
        put("replan_from", s.name, str(s.replan_from or "-"), len(KEYS))
        put("program", s.name, s.program.id, len(KEYS) + 1)
    names = [s.name for s in scenarios]
    out = []
    for key, values in sorted(rows.items(), key=lambda kv: rank[kv[0]]):
        vals = [values.get(n, "-") for n in names]
        if len(set(vals)) > 1:
            out.append({"key": key, **dict(zip(names, vals, strict=True))})
    frame = pd.DataFrame(out, columns=["key", *names])
    return frame.set_index("key")


def compare(results: Sequence[Result], scenarios: Sequence[Any]) -> Comparison:
    """Compare solved scenarios; the first is the reference."""
    if len(results) != len(scenarios) or len(results) < 2:
        raise ValueError("compare needs at least two results, each with its scenario")
    names = [r.scenario for r in results]
    if len(set(names)) != len(names):
        names = [f"{i + 1}:{n}" for i, n in enumerate(names)]
    ref = results[0]
    summary_rows, task_frames, year_frames, alloc_frames = [], [], [], []
    for name, r, scn in zip(names, results, scenarios, strict=True):
        row: dict[str, Any] = {"scenario": name, "status": r.status.value, "policy": r.policy,
                               "objective": r.objective if r.has_plan else None,
                               "objective_change": (r.objective - ref.objective)
                               if r.has_plan and ref.has_plan else None}
        if r.has_plan:
            row["tasks_short"] = int((r.achievement["shortfall"] > 0).sum())
            row["min_share"] = float(r.achievement.loc[r.achievement["target"] > 0, "share"].min())
            row["local_used"] = float(r.budget.xs("local", level="source")["used"].sum())
            row["cofunding_used"] = float(r.budget.xs("cofunding", level="source")["used"].sum())
            row["cofunding_lost"] = float(cofunding_planned(scn)) - row["cofunding_used"]
            money = r.allocation.groupby(level="task_id")[["local_budget", "cofunding"]].sum()
            tasks = r.achievement[["target", "achieved", "share", "shortfall"]].join(money).fillna(0.0)
            tasks.insert(0, "scenario", name)
            task_frames.append(tasks.reset_index())
            years = r.budget[["cap", "used", "slack"]].reset_index()
            years.insert(0, "scenario", name)
            year_frames.append(years)
            alloc = r.allocation.reset_index()
            alloc.insert(0, "scenario", name)
            alloc_frames.append(alloc)
        summary_rows.append(row)
    summary = pd.DataFrame(summary_rows).set_index("scenario")
    tasks = pd.concat(task_frames, ignore_index=True) if task_frames else pd.DataFrame()
    years = pd.concat(year_frames, ignore_index=True) if year_frames else pd.DataFrame()
    alloc = pd.concat(alloc_frames, ignore_index=True) if alloc_frames else pd.DataFrame()
    if len(tasks):
        first = tasks[tasks["scenario"] == names[0]].set_index("task_id")
        tasks["achieved_change"] = tasks["achieved"] - tasks["task_id"].map(first["achieved"]).fillna(0)
        tasks["local_budget_change"] = tasks["local_budget"] - tasks["task_id"].map(first["local_budget"]).fillna(0)
        tasks = tasks.set_index(["scenario", "task_id"])
    if len(years):
        base = years[years["scenario"] == names[0]].set_index(["year", "source"])["used"]
        pairs = zip(years["year"], years["source"], strict=True)
        years["used_change"] = years["used"] - [base.get((y, s), 0.0) for y, s in pairs]
        years = years.set_index(["scenario", "year", "source"])
    if len(alloc):
        base = alloc[alloc["scenario"] == names[0]].set_index(["task_id", "year"])["quantity"]
        pairs = zip(alloc["task_id"], alloc["year"], strict=True)
        alloc["quantity_change"] = alloc["quantity"] - [int(base.get((t, y), 0)) for t, y in pairs]
        alloc = alloc.set_index(["scenario", "task_id", "year"])
    inputs = input_table(scenarios)
    inputs.columns = names
    return Comparison(tuple(names), inputs, summary, tasks, years, alloc)


def cofunding_planned(scenario: Scenario) -> Fraction:
    """The co-funding the scenario's targets would mobilise in full (its tasks' co-funding per unit
    times their targets; under escalation, at the cheapest year's rate)."""
    total = Fraction(0)
    for task in scenario.program.tasks:
        n = scenario.targets.get(task.id, 0)
        if n:
            total += n * min(scenario.unit_costs(task, y)[1] for y in task.years)
    return total


#: The policies ``compare_policies`` lays side by side by default.
POLICY_ORDER = ("most-targets", "fair", "keep-cofunding")


def compare_policies(scenario: Scenario, policies: Sequence[str] = POLICY_ORDER, *,
                     solver: str | None = None) -> Comparison:
    """One scenario planned under each cut policy, side by side (the first is the reference):
    what each gives up in tasks short, co-funding lost (``summary.cofunding_lost``: the co-funding
    the targets would mobilise, less what the plan mobilises) and per-year spending."""
    variants = [scenario.derive(name=f"{scenario.name} [{p}]", policy=p) for p in policies]
    results = [solve(v, solver=solver) for v in variants]
    return compare(results, variants)


def plan_actual_replan(plan: Result, scenario: Any, replan: Result) -> pd.DataFrame:
    """Per (task_id, year): the original plan, what was executed, and the re-plan.

    ``plan`` solves the scenario without actuals (what was planned at the start), ``replan`` the
    scenario with them. Executed years show plan and actual; planned years show plan and re-plan.
    """
    actuals = scenario.actuals
    executed = {(r.task_id, r.year): r for r in actuals.rows} if actuals else {}
    rows = []
    planned_years = set(scenario.planned_years())
    for t in scenario.program.tasks:
        for y in t.years:
            p = int(plan.allocation["quantity"].get((t.id, y), 0)) if plan.has_plan else 0
            a = executed.get((t.id, y))
            re = None
            if replan.has_plan and y in planned_years:
                re = int(replan.allocation["quantity"].get((t.id, y), 0))
            rows.append({
                "task_id": t.id, "year": y, "stage": "re-plan" if y in planned_years else "executed",
                "plan": p, "actual": a.quantity if a else (0 if y not in planned_years else None),
                "replan": re,
                "plan_local_budget": float(t.unit_state * p),
                "actual_spend": float(a.spend) if a else (0.0 if y not in planned_years else None),
                "replan_local_budget": float(replan.allocation["local_budget"].get((t.id, y), 0.0))
                if re is not None else None,
            })
    frame = pd.DataFrame(rows).astype({"plan": "Int64", "actual": "Int64", "replan": "Int64"})
    return frame.set_index(["task_id", "year"])


def replan(scenario: Any, *, solver: str | None = None,
           replanned: Result | None = None) -> tuple[Result, Result, pd.DataFrame]:
    """Solve a scenario with actuals as originally planned (no actuals) and re-planned.

    Returns (plan, replan, table) where table is ``plan_actual_replan``; pass ``replanned`` when
    the scenario itself is already solved, so that it is not solved again.
    """
    original = replace(scenario, actuals=None, replan_from=None, name=f"{scenario.name} (original plan)",
                       changes=tuple(c for c in scenario.changes if c.key not in ("actuals", "replan_from")))
    plan = solve(original, solver=solver)
    again = replanned if replanned is not None else solve(scenario, solver=solver)
    return plan, again, plan_actual_replan(plan, scenario, again)


def replan_summary(table: pd.DataFrame, scenario: Any) -> pd.DataFrame:
    """Per task: target, planned, executed, re-planned, executed + re-planned, and the gap left."""
    t = table.reset_index()
    out = t.groupby("task_id", sort=False).agg(
        plan=("plan", "sum"), actual=("actual", lambda s: int(s.fillna(0).sum())),
        replan=("replan", lambda s: int(s.fillna(0).sum())))
    out.insert(0, "target", [scenario.targets[tid] for tid in out.index])
    out["delivered_and_replanned"] = out["actual"] + out["replan"]
    out["short"] = (out["target"] - out["delivered_and_replanned"]).clip(lower=0)
    return out

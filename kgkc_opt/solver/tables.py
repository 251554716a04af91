"""Tidy tables of a plan: allocation, achievement and budget use (see ``result``).

``achievement.largest_year_share`` is the largest share of a task's planned units that falls in
one year (1/n: perfectly even over n years; 1: all in one year; NaN: nothing planned).
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import TYPE_CHECKING

import pandas as pd

from kgkc_opt.model.check import evenness
from kgkc_opt.model.data import ModelInput

if TYPE_CHECKING:
    from kgkc_opt.inputs.scenario import Scenario


def tables(
    scenario: Scenario, inp: ModelInput, plan: Mapping[tuple[str, int], int], prices: Mapping[str, float]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    tasks = {t.task_id: t for t in inp.tasks}
    declared = {t.id: t.years for t in scenario.program.tasks}
    rows = []
    for t in inp.tasks:
        # every year the program lets the task run (a link may keep some at 0)
        for y in declared.get(t.task_id, t.years):
            if y not in inp.local_cap:
                continue
            q = plan.get((t.task_id, y), 0)
            rows.append({
                "task_id": t.task_id, "year": y, "quantity": q,
                "local_budget": float(t.local(y) * q), "cofunding": float(t.cofunding(y) * q),
            })
    allocation = pd.DataFrame(rows, columns=["task_id", "year", "quantity", "local_budget", "cofunding"])
    allocation = allocation.astype({"quantity": "int64", "year": "int64"}).set_index(["task_id", "year"])

    even = evenness(inp, plan)
    rows = []
    for t in inp.tasks:
        achieved = t.done + sum(q for (tid, _), q in plan.items() if tid == t.task_id)
        # over-delivery (possible in actuals) is reported in 'achieved' but counts at most 100%
        share = Fraction(min(achieved, t.target), t.target) if t.target else Fraction(1 if achieved == 0 else 0)
        rows.append({
            "task_id": t.task_id, "target": t.target, "achieved": achieved, "share": float(share),
            "shortfall": max(t.target - achieved, 0), "floor": t.floor, "weight": float(t.weight),
            "tier": t.tier,
            "largest_year_share": float(even[t.task_id]) if even[t.task_id] is not None else float("nan"),
        })
    achievement = pd.DataFrame(rows).set_index("task_id")

    rows = []
    carry = inp.opening_carry if inp.carry_over else Fraction(0)
    for y in inp.years:
        if y not in inp.local_cap:
            continue
        local = sum((tasks[tid].local(y) * q for (tid, yy), q in plan.items() if yy == y), Fraction(0))
        cof = sum((tasks[tid].cofunding(y) * q for (tid, yy), q in plan.items() if yy == y), Fraction(0))
        cap = inp.local_cap[y] + (carry if inp.carry_over else 0)
        rows.append({"year": y, "source": "local", "cap": float(cap), "used": float(local),
                     "slack": float(cap - local), "shadow_price": prices.get(f"local_cap[{y}]", 0.0)})
        rows.append({"year": y, "source": "cofunding", "cap": float(inp.cofunding_cap[y]),
                     "used": float(cof), "slack": float(inp.cofunding_cap[y] - cof),
                     "shadow_price": prices.get(f"cofunding_cap[{y}]", 0.0)})
        if inp.carry_over:
            carry = cap - local
    budget = pd.DataFrame(rows, columns=["year", "source", "cap", "used", "slack", "shadow_price"])
    budget = budget.astype({"year": "int64"}).set_index(["year", "source"])  # no rows: nothing left to plan
    return allocation, achievement, budget

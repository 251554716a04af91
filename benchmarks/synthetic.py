"""Synthetic large cases for scale tests (invented data, deterministic for a seed).

``national(provinces=34)``: every province runs a copy of a provincial program (by default the
Kiên Giang decision's 24 tasks over 5 years) with its own quantities, unit costs and budgets.
Each unit's state cost is split between the province's own budget and a **shared national
budget line** (the national industrial-promotion funds: 30% of the state cost of demonstration
models, machinery, cleaner production and pollution tasks, groups II and VI), and enterprises
co-fund the rest within each province's own co-funding. Rows: per province and year its local
budget and its co-funding (``ModelInput.lines``); per year the national line (the input's
``local_cap``, so the national line is the one every province shares).

``wide(factor=10)``: one province with ``factor`` times the tasks (each task copied with
perturbed costs and quantities) and ``factor`` times the budget.

The figures are invented: they only give the model the size and the structure of real cases.
"""

from __future__ import annotations

import random
from fractions import Fraction

from kgkc_opt.model.data import CapLine, ModelInput, TaskSpec, model_input

#: Groups whose state cost the national line pays a share of (demonstration models, machinery,
#: cleaner production; pollution treatment and clusters).
NATIONAL_GROUPS = ("II", "VI")
NATIONAL_SHARE = Fraction(3, 10)
_FACTORS = [Fraction(n, 10) for n in (8, 9, 10, 11, 12)]


def _base() -> ModelInput:
    from kgkc_opt.inputs.files import load_program
    from kgkc_opt.inputs.scenario import baseline

    return model_input(baseline(load_program()))


def _perturbed(t: TaskSpec, rng: random.Random, task_id: str) -> TaskSpec:
    f = rng.choice(_FACTORS)
    q = max(1, round(t.target * rng.uniform(0.5, 1.5)))
    return TaskSpec(task_id=task_id, years=t.years, target=q, unit_local=t.unit_local * f,
                    unit_cofunding=t.unit_cofunding * f, annual=t.annual)


def national(provinces: int = 34, *, seed: int = 2454, tightness: Fraction = Fraction(85, 100),
             base: ModelInput | None = None) -> ModelInput:
    """``provinces`` copies of a provincial program under one shared national line."""
    base = base or _base()
    rng = random.Random(seed)
    years = tuple(y for y in base.years if y in base.local_cap)
    tasks: list[TaskSpec] = []
    lines: list[CapLine] = []
    national_need = {y: Fraction(0) for y in years}
    for p in range(provinces):
        prefix = f"P{p + 1:02d}"
        local_cost: dict[str, Fraction] = {}
        cof_cost: dict[str, Fraction] = {}
        size = rng.choice(_FACTORS)
        for t in base.planned_tasks:
            s = _perturbed(t, rng, f"{prefix}:{t.task_id}")
            group = t.task_id.split(".")[0]
            share = NATIONAL_SHARE if group in NATIONAL_GROUPS else Fraction(0)
            national_cost = s.unit_local * share
            local_cost[s.task_id] = s.unit_local - national_cost
            cof_cost[s.task_id] = s.unit_cofunding
            tasks.append(TaskSpec(task_id=s.task_id, years=s.years, target=s.target,
                                  unit_local=national_cost, unit_cofunding=Fraction(0), annual=s.annual))
            for y in s.years:
                if y in national_need:
                    national_need[y] += national_cost * s.target / len([yy for yy in s.years if yy in years])
        local = {y: base.local_cap[y] * size * tightness for y in years}
        cof = {y: base.cofunding_cap[y] * size * tightness for y in years}
        lines.append(CapLine(f"{prefix}:local", local_cost, local, f"synthetic province {prefix}, local budget"))
        lines.append(CapLine(f"{prefix}:cofunding", cof_cost, cof, f"synthetic province {prefix}, co-funding"))
    national_cap = {y: (national_need[y] * tightness).limit_denominator(100) for y in years}
    return ModelInput(years=years, tasks=tuple(tasks), local_cap=national_cap,
                      cofunding_cap={y: Fraction(0) for y in years}, lines=tuple(lines),
                      cap_source="synthetic national budget line")


def wide(factor: int = 10, *, seed: int = 2454, tightness: Fraction = Fraction(85, 100),
         base: ModelInput | None = None) -> ModelInput:
    """One province with ``factor`` times the tasks and the budget."""
    base = base or _base()
    rng = random.Random(seed)
    tasks = [_perturbed(t, rng, f"{t.task_id}#{k + 1}") for k in range(factor) for t in base.planned_tasks]
    return ModelInput(years=base.years, tasks=tuple(tasks),
                      local_cap={y: v * factor * tightness for y, v in base.local_cap.items()},
                      cofunding_cap={y: v * factor * tightness for y, v in base.cofunding_cap.items()},
                      cap_source=f"synthetic province ({factor}x tasks)")

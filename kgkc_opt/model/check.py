"""Exact re-check of every plan a solver returns, before anyone sees it.

Quantities are rounded to integers (after checking they are within ``INTEGRALITY_TOLERANCE``) and
every constraint of docs/model.md is checked with exact fractions: a plan that breaks a cap by a
single đồng is reported, never passed on.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from kgkc_opt.errors import Joined, SolutionCheckError
from kgkc_opt.model.data import ModelInput

#: How far from an integer a solver's value may be before it is an error, not rounding noise.
INTEGRALITY_TOLERANCE = 1e-6


def round_plan(values: Mapping[tuple[str, int], float]) -> dict[tuple[str, int], int]:
    plan = {}
    bad = []
    for key, v in values.items():
        r = round(v)
        if abs(v - r) > INTEGRALITY_TOLERANCE:
            bad.append(f"q[{key[0]},{key[1]}] = {v!r} is not a whole number")
        plan[key] = int(r)
    if bad:
        raise SolutionCheckError("the solver returned fractional quantities: {bad}", bad=Joined(bad, "; "))
    return plan


def violations(inp: ModelInput, plan: Mapping[tuple[str, int], int]) -> list[str]:
    """Every constraint the plan breaks (empty when it is valid), with exact arithmetic."""
    found = []
    tasks = {t.task_id: t for t in inp.tasks}
    years = [y for y in inp.years if y in inp.local_budget]
    for (tid, y), qty in plan.items():
        if tid not in tasks:
            found.append(f"unknown task {tid}")
            continue
        if qty < 0:
            found.append(f"{tid} has {qty} units in {y}")
        if qty and y not in tasks[tid].years:
            found.append(f"{tid} is planned in {y}, outside its years {tasks[tid].years}")
        if qty and y not in years:
            found.append(f"{tid} is planned in {y}, which is not a planned year")
    for t in inp.tasks:
        total = sum(q for (tid, _), q in plan.items() if tid == t.task_id)
        if total > t.remaining:
            found.append(f"{t.task_id}: {total} units planned, above the remaining target {t.remaining}")
        if t.target > 0 and total < t.remaining_floor:
            found.append(f"{t.task_id}: {total} units planned, below the floor {t.remaining_floor}")
    carry = inp.opening_carry if inp.carry_over else Fraction(0)
    for y in years:
        # (an unknown task is reported above; it has no cost to add here)
        known = [(tid, q) for (tid, yy), q in plan.items() if yy == y and tid in tasks]
        local = sum((tasks[tid].local(y) * q for tid, q in known), Fraction(0))
        cof = sum((tasks[tid].cofunding(y) * q for tid, q in known), Fraction(0))
        available = inp.local_budget[y] + (carry if inp.carry_over else 0)
        if local > available:
            found.append(f"local budget {y}: {float(local):.6f} spent, above {float(available):.6f}")
        if cof > inp.cofunding_cap[y]:
            found.append(f"co-funding {y}: {float(cof):.6f} used, above {float(inp.cofunding_cap[y]):.6f}")
        if inp.carry_over:
            carry = available - local
    return found


def line_violations(inp: ModelInput, plan: Mapping[tuple[str, int], int]) -> list[str]:
    """Extra money lines (``ModelInput.lines``) the plan overspends, exactly (``violations`` covers
    the local budget and the co-funding)."""
    found = []
    for line in inp.lines:
        spend: dict[int, Fraction] = {}
        for (tid, y), q in plan.items():
            cost = line.cost(tid, y)
            if cost and q:
                spend[y] = spend.get(y, Fraction(0)) + cost * q
        for y, used in sorted(spend.items()):
            if y not in line.cap:
                continue
            cap = line.cap[y]
            if used > cap:
                found.append(f"{line.key} {y}: {float(used):.6f} used, above {float(cap):.6f}")
    return found


def structure_violations(inp: ModelInput, plan: Mapping[tuple[str, int], int]) -> list[str]:
    """The program's rules the plan breaks (links, events, enforced relations), exactly."""
    found = []
    tasks = {t.task_id: t for t in inp.tasks}
    years = [y for y in inp.years if y in inp.local_budget]
    for ln in inp.links:
        for y in years:
            n = plan.get((ln.task, y), 0)
            lead = plan.get((ln.leader, y), 0)
            if n and not lead:
                found.append(f"link {ln.key}: {n} of {ln.task} in {y}, a year without {ln.leader}")
            elif ln.per_unit is not None and n > ln.per_unit * lead:
                found.append(f"link {ln.key}: {n} of {ln.task} in {y}, more than {ln.per_unit} per unit of "
                             f"{ln.leader} ({lead})")
    for t in inp.planned_tasks:
        if t.effective_cadence != "events":
            continue
        ys = [y for y in t.years if y in years]
        total = sum(plan.get((t.task_id, y), 0) for y in ys)
        if len(ys) >= 2 and total >= len(ys):
            empty = [y for y in ys if not plan.get((t.task_id, y), 0)]
            if empty:
                found.append(f"{t.task_id}: {total} units but none in {', '.join(map(str, empty))} "
                             "(held in each of its years once the quantity allows)")
    for rel in inp.relations:
        def count(ids: tuple[str, ...]) -> int:
            return sum(tasks[i].done + sum(plan.get((i, y), 0) for y in years) for i in ids if i in tasks)
        left, right = count(rel.left), count(rel.right)
        ok = left <= right if rel.op == "<=" else left >= right if rel.op == ">=" else left == right
        if not ok:
            found.append(f"relation {rel.key}: {left} {rel.op} {right} does not hold")
    return found


def evenness(inp: ModelInput, plan: Mapping[tuple[str, int], int]) -> dict[str, Fraction | None]:
    """Per task, the largest year's share of what it delivers in its planned years (None: nothing
    planned). 1/n is perfectly even over n years; 1 is everything in one year."""
    years = [y for y in inp.years if y in inp.local_budget]
    out: dict[str, Fraction | None] = {}
    for t in inp.tasks:
        per_year = [plan.get((t.task_id, y), 0) for y in t.years if y in years]
        total = sum(per_year)
        out[t.task_id] = Fraction(max(per_year), total) if total else None
    return out


def check_plan(inp: ModelInput, plan: Mapping[tuple[str, int], int]) -> None:
    """Raise ``SolutionCheckError`` listing every constraint the plan breaks (exactly)."""
    found = violations(inp, plan) + line_violations(inp, plan) + structure_violations(inp, plan)
    if found:
        raise SolutionCheckError("the returned plan violates the model: {found}", found=Joined(found, "; "))


def achievement_value(inp: ModelInput, plan: Mapping[tuple[str, int], int], *, tier: int | None = None) -> Fraction:
    """Σ_t w_t · min(done_t + Σ_y q[t,y], T_t) / T_t, exactly (over one tier if given).

    Units delivered beyond a target (possible only in actuals) do not count above 100%.
    """
    totals: dict[str, int] = {}
    for (tid, _), q in plan.items():
        totals[tid] = totals.get(tid, 0) + q
    value = Fraction(0)
    for t in inp.planned_tasks:
        if tier is not None and t.tier != tier:
            continue
        value += t.weight * Fraction(min(t.done + totals.get(t.task_id, 0), t.credit), t.credit)
    return value


def totals_value(inp: ModelInput, totals: Mapping[str, int], tier: int | None) -> Fraction:
    value = Fraction(0)
    for t in inp.planned_tasks:
        if tier is not None and t.tier != tier:
            continue
        value += t.weight * Fraction(min(t.done + totals.get(t.task_id, 0), t.credit), t.credit)
    return value

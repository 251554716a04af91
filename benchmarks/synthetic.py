"""Synthetic large cases for scale tests (invented data, deterministic for a seed).

``national(provinces=34)``: every province runs a copy of a provincial program (by default the
Kiên Giang decision's 24 tasks over 5 years) with its own quantities, unit costs and budgets.
Each unit's state cost is split between the province's own budget and a **shared national
budget line** (the national industrial-promotion funds: 30% of the state cost of demonstration
models, machinery, cleaner production and pollution tasks, groups II and VI), and enterprises
co-fund the rest within each province's own co-funding. Rows: per province and year its local
budget and its co-funding (``ModelInput.lines``); per year the national line (the input's
``local_budget``, so the national line is the one every province shares).

``wide(factor=10)``: one province with ``factor`` times the tasks (each task copied with
perturbed costs and quantities) and ``factor`` times the budget.

``program_document(tasks, years)`` / ``write_program(path, tasks, years)``: a program *file*
(``kgkc-program/1``) of copies of the decision's rows over a longer period, with the decision's
structure (cadences, links) and an annual table that one whole-unit schedule meets exactly; the
benchmark loads it with ``kgkc_opt.load_program`` (the 400-task x 10-year case of issue 13).

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
    years = tuple(y for y in base.years if y in base.local_budget)
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
        local = {y: base.local_budget[y] * size * tightness for y in years}
        cof = {y: base.cofunding_cap[y] * size * tightness for y in years}
        lines.append(CapLine(f"{prefix}:local", local_cost, local, f"synthetic province {prefix}, local budget"))
        lines.append(CapLine(f"{prefix}:cofunding", cof_cost, cof, f"synthetic province {prefix}, co-funding"))
    national_cap = {y: (national_need[y] * tightness).limit_denominator(100) for y in years}
    return ModelInput(years=years, tasks=tuple(tasks), local_budget=national_cap,
                      cofunding_cap={y: Fraction(0) for y in years}, lines=tuple(lines),
                      cap_source="synthetic national budget line")


def wide(factor: int = 10, *, seed: int = 2454, tightness: Fraction = Fraction(85, 100),
         base: ModelInput | None = None) -> ModelInput:
    """One province with ``factor`` times the tasks and the budget."""
    base = base or _base()
    rng = random.Random(seed)
    tasks = [_perturbed(t, rng, f"{t.task_id}#{k + 1}") for k in range(factor) for t in base.planned_tasks]
    return ModelInput(years=base.years, tasks=tuple(tasks),
                      local_budget={y: v * factor * tightness for y, v in base.local_budget.items()},
                      cofunding_cap={y: v * factor * tightness for y, v in base.cofunding_cap.items()},
                      cap_source=f"synthetic province ({factor}x tasks)")


# --- A large program written as a program file --------------------------------------------------

#: Cadences of the decision's rows that the copies keep (the bundled program's ``structure``).
_CADENCES = {"VIII.6": "recurring", "III.4": "events", "II.1": "lumpy", "II.4": "lumpy"}
#: Links of the decision (follower, leader, per unit: None = computed from the copy's quantities).
_LINKS = (("III.8", "III.4", True), ("III.7", "III.5", False))


def program_document(tasks: int = 400, years: int = 10, *, seed: int = 2454, start: int = 2021,
                     schedule: dict | None = None) -> dict:
    """A program file's document (``kgkc-program/1``) with ``tasks`` rows over ``years`` years.

    The rows are copies of the decision's 24 rows (``II.2.3``: the third copy of II.2), in order,
    until ``tasks`` rows are written; each copy has its own quantity (the decision's, scaled to the
    period's length, times 0.5–1.5) and unit costs (0.8–1.0 of the decision's, within the legal
    caps), and its own window of years inside the period (a 5-year range of the decision becomes a
    range of the same share of the period; a list of years or one year is shifted at random). The
    copies keep the decision's structure: cadences (recurring, events, lumpy) and links (a copy of
    III.8 is paid in the years of its copy of III.4, at most ``per_unit`` per round). The annual
    table is the year sums of one whole-unit schedule of the task table that respects the
    structure, so at 100% of the table every target can be met, and a budget tightness of p% is
    the scenario change ``budget`` and ``cofunding`` ``{all: "-(100-p)%"}``. ``schedule``: a dict
    that receives that schedule, ``{(task id, year): units}``.
    """
    import math
    from pathlib import Path as _Path

    import yaml

    src = yaml.safe_load((_Path(__file__).resolve().parent.parent / "kgkc_opt" / "programs"
                          / "kien-giang-2021-2025.yaml").read_text(encoding="utf-8"))
    rng = random.Random(seed)
    end = start + years - 1
    period = list(range(start, end + 1))
    rules = src["support_rules"]
    rows: list[dict] = []
    units: dict[str, dict[int, int]] = {}  # the schedule behind the annual table
    cadence: dict[str, str] = {}
    links: list[dict] = []
    copy = 0
    while len(rows) < tasks:
        copy += 1
        ids: dict[str, str] = {}
        quantity: dict[str, int] = {}
        allowed: dict[str, list[int]] = {}
        for row in src["tasks"]:
            if len(rows) >= tasks:
                break
            tid = f"{row['id']}.{copy}"
            ids[row["id"]] = tid
            q0 = int(row["quantity"])
            q = max(1, round(q0 * years / 5 * rng.uniform(0.5, 1.5)))
            f = rng.choice((Fraction(8, 10), Fraction(9, 10), Fraction(1)))
            rule = rules[row["support_rule"]]
            unit_state = max(1, round(Fraction(str(row["cost"]["state"])) / q0 * f))
            unit_other = round(Fraction(str(row["cost"].get("other", 0))) / q0 * f)
            share = Fraction(str(rule["max_state_share"]))
            cap = rule.get("max_state_per_unit")
            while unit_state > 1 and (unit_state > share * (unit_state + unit_other)
                                      or (cap is not None and unit_state > cap)):
                unit_state -= 1
            written = row["years"]
            if written == "annual":
                ys = period
                years_out: object = "annual"
            elif isinstance(written, list):
                offsets = [int(y) - 2021 for y in written]
                first = rng.randint(start, end - max(offsets))
                ys = [first + o for o in offsets]
                years_out = ys
            else:
                a, b = (int(x) for x in str(written).split("-"))
                length = max(1, round((b - a + 1) * years / 5))
                first = rng.randint(start, end - length + 1)
                ys = list(range(first, first + length))
                years_out = f"{ys[0]}-{ys[-1]}" if len(ys) > 1 else ys[0]
            allowed[row["id"]] = ys
            quantity[row["id"]] = q
            rows.append({
                "id": tid, "group": row["group"], "source": f"synthetic copy {copy} of {row['source']}",
                "name": {"vi": f"{row['name']['vi']} (bản sao {copy})", "en": f"{row['name']['en']} (copy {copy})"},
                "unit": row["unit"], "quantity": q,
                "cost": {"total": (unit_state + unit_other) * q, "state": unit_state * q, "other": unit_other * q},
                "years": years_out, "support_rule": row["support_rule"],
            })
            if row["id"] in _CADENCES:
                cadence[tid] = _CADENCES[row["id"]]
        # the schedule behind the annual table: leaders first, followers in their leaders' years
        per_unit: dict[str, int] = {}
        for follower, leader, capped in _LINKS:
            if follower in ids and leader in ids:
                ys = [y for y in allowed[follower] if y in allowed[leader]]
                if not ys:  # the copy's windows miss each other: the follower takes the leader's years
                    allowed[follower] = list(allowed[leader])
                    for r in rows:
                        if r["id"] == ids[follower]:
                            r["years"] = allowed[leader] if len(allowed[leader]) > 1 else allowed[leader][0]
                link = {"id": f"L{len(links) + 1:03d}", "task": ids[follower], "with": ids[leader],
                        "source": f"synthetic copy {copy} of the decision's link {follower} / {leader}"}
                if capped:
                    per_unit[follower] = math.ceil(quantity[follower] / quantity[leader])
                    link["per_unit"] = per_unit[follower]
                links.append(link)
        leaders = {f: ld for f, ld, _ in _LINKS if f in ids and ld in ids}
        for orig, tid in ids.items():
            if orig in leaders:
                continue
            units[tid] = _spread(quantity[orig], allowed[orig], rng)
        for follower, leader in leaders.items():
            lead = units[ids[leader]]
            left = quantity[follower]
            plan: dict[int, int] = {}
            years_with = [y for y in allowed[follower] if lead.get(y, 0) > 0]
            # proportional to the leader's units, at most per_unit each
            total_lead = sum(lead[y] for y in years_with)
            for i, y in enumerate(years_with):
                room = per_unit[follower] * lead[y] if follower in per_unit else left
                share_y = left if i == len(years_with) - 1 else round(quantity[follower] * lead[y] / total_lead)
                n = min(room, share_y, left)
                plan[y] = n
                left -= n
            for y in years_with:  # what rounding left over, where there is room
                room = per_unit[follower] * lead[y] - plan[y] if follower in per_unit else left
                n = min(room, left)
                plan[y] += n
                left -= n
            assert left == 0, (follower, leader)
            units[ids[follower]] = plan
    if schedule is not None:
        schedule.update({(t, y): n for t, plan in units.items() for y, n in plan.items() if n})
    unit_cost = {r["id"]: (Fraction(r["cost"]["state"], r["quantity"]), Fraction(r["cost"]["other"], r["quantity"]))
                 for r in rows}
    table: dict[int, dict[str, object]] = {}
    for y in period:
        state = sum((unit_cost[t][0] * n.get(y, 0) for t, n in units.items()), Fraction(0))
        other = sum((unit_cost[t][1] * n.get(y, 0) for t, n in units.items()), Fraction(0))
        assert state.denominator == 1 and other.denominator == 1
        table[y] = {"total": int(state + other), "state": int(state), "other": int(other)}
    structure: dict[str, object] = {
        "cadence": {t: {"cadence": c, "source": "synthetic copy of the decision's cadence"}
                    for t, c in cadence.items()},
    }
    if links:
        structure["links"] = links
    return {
        "format": "kgkc-program/1",
        "id": f"synthetic-{tasks}x{years}",
        "title": {"vi": f"Chương trình tổng hợp (giả định): {tasks} nhiệm vụ × {years} năm",
                  "en": f"Synthetic program: {tasks} tasks x {years} years (invented figures)"},
        "province": "synthetic",
        "period": {"start": start, "end": end},
        "money_unit": "million VND",
        "source": {"document": "benchmarks/synthetic.py program_document (invented figures)", "illustrative": True},
        "annual_budget": {"source": "year sums of one schedule of the task table", "years": table},
        "support_rules": rules,
        "groups": src["groups"],
        "tasks": rows,
        "structure": structure,
    }


def _spread(q: int, ys: list[int], rng: random.Random) -> dict[int, int]:
    """``q`` units over the years ``ys`` as evenly as whole units allow (the extra units in random years)."""
    base, extra = divmod(q, len(ys))
    plan = dict.fromkeys(ys, base)
    for y in rng.sample(ys, extra):
        plan[y] += 1
    return plan


def write_program(path, tasks: int = 400, years: int = 10, *, seed: int = 2454) -> None:
    """Write ``program_document(tasks, years, seed=seed)`` as a YAML program file at ``path``."""
    from pathlib import Path as _Path

    import yaml

    class _NoAliases(yaml.SafeDumper):  # the reader refuses files with many aliases (*name)
        def ignore_aliases(self, data: object) -> bool:
            return True

    doc = program_document(tasks, years, seed=seed)
    text = yaml.dump(doc, Dumper=_NoAliases, allow_unicode=True, sort_keys=False, width=120)
    _Path(path).write_text("# Synthetic program (invented figures), written by benchmarks/synthetic.py\n" + text,
                           encoding="utf-8")


def proposals(program, year: int, n: int = 500, *, seed: int = 2454):
    """``n`` synthetic proposals (đề án) for ``year`` of ``program``: the tasks establishments apply
    for (every support rule but the province's own norm), totals from a tenth to twice the task's
    unit cost, 30–70% requested (some above the legal cap), 60 communes in 12 regions, scores
    40–95, a few incomplete dossiers and refused trims. For the annual plan's benchmark only."""
    from kgkc_opt.inputs.proposals import Proposal, Proposals

    rng = random.Random(seed)
    tasks = [t for t in program.tasks if t.support_rule != "province_norm"] or list(program.tasks)
    items = []
    for i in range(n):
        t = rng.choice(tasks)
        unit = max(t.unit_cost, Fraction(20))
        total = Fraction(round(float(unit) * rng.uniform(0.1, 2.0) * 10), 10)
        requested = total * Fraction(rng.randint(30, 70), 100)
        requested = Fraction(round(requested * 10), 10)
        c = rng.randrange(60)
        items.append(Proposal(
            f"S{i:04d}", f"Đề án {i}", f"Cơ sở {i}", f"Xã {c:02d}", t.id, 1, total, requested, total - requested,
            region=f"Khu vực {c % 12:02d}", score=Fraction(rng.randint(40, 95)), first_time=rng.random() < 0.3,
            documents_complete=rng.random() > 0.05, accepts_trim=rng.random() > 0.1))
    return Proposals(f"synthetic-{n}", tuple(items))

"""Scenarios: what-if changes applied to a program, and the model input they produce.

A scenario file (YAML) names a program and changes some of its figures (docs/scenarios.md)::

    name: cut-2024
    program: kien-giang-2021-2025     # bundled name, or a path relative to this file
    extends: baseline.yaml            # optional: start from another scenario (chains allowed)
    budget: {2024: "-30%"}            # local budget per year: "-30%", "+5%", or an amount
    overrides:                        # optional named groups of changes, applied in order
      machinery-42: {targets: {II.2: 40}}

``scenario_from_documents`` is pure: it receives the parsed documents (the root of the extends
chain first) and the loaded program, checks everything, and returns a frozen ``Scenario``.

Order of application (documented in docs/scenarios.md): documents from the root of the extends
chain to the file itself; within a document, its top-level changes, then each override in the
order written; within a group of changes, the sections in the order of ``CHANGE_SECTIONS``. A
percentage applies to the value at that point. Within one document, two groups (the top level
counts as one) setting the same key (``budget.2024``, ``targets.II.2``, ...) is an error unless
the key is listed in ``allow_overlap``. Every effective change is logged as ``key: old → new``
with the file and group it came from; the log is stored with every result.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import PurePath
from typing import Any

from kgkc_opt.errors import ActualsError, Problem, ScenarioError
from kgkc_opt.inputs.actuals import Actuals, actuals_from_text
from kgkc_opt.inputs.program import Cost, Program, Task, Text, _text, parse_task
from kgkc_opt.inputs.reader import Collector, InputFile, describe, join, number_hint, parse_percent

FORMAT = "kgkc-scenario/1"
#: Sections that change figures, in the order they are applied within one group of changes.
CHANGE_SECTIONS = (
    "new_tasks", "targets", "support_share", "escalation", "budget", "cofunding", "weights",
    "floors", "tiers", "carry_over",
)
DOCUMENT_SECTIONS = (
    "format", "name", "title", "description", "program", "extends", "overrides", "allow_overlap",
    "actuals", "replan_from", "uncertainty", "solve",
)
SOLVE_KEYS = ("solver", "time_limit")
DISTRIBUTIONS = {"normal": ("mean", "sd"), "uniform": ("low", "high"),
                 "triangular": ("low", "mode", "high")}
ABOVE_CAP = ("reject", "hold_at_cap")


@dataclass(frozen=True)
class Change:
    """One effective change of a figure, for the log stored with every result."""

    key: str
    old: str
    new: str
    source: str

    def __str__(self) -> str:
        return f"{self.key}: {self.old} → {self.new}"


@dataclass(frozen=True)
class Escalation:
    """Unit costs grow by ``rate`` a year from ``base_year`` (tasks: None means every task)."""

    rate: Fraction
    base_year: int
    tasks: tuple[str, ...] | None
    above_cap: str = "reject"


@dataclass(frozen=True)
class Distribution:
    """A factor on a scenario's caps: normal(mean, sd), uniform(low, high), triangular(low, mode, high)."""

    kind: str
    params: Mapping[str, float]


@dataclass(frozen=True)
class Uncertainty:
    samples: int
    seed: int
    budget: Distribution | None
    cofunding: Distribution | None
    per_year: bool = True


@dataclass(frozen=True)
class Scenario:
    """A program with a scenario's changes applied (``kgkc_opt.model.data.model_input`` gives
    what the model solves)."""

    name: str
    description: str
    program: Program
    local_budget: Mapping[int, Fraction]
    cofunding: Mapping[int, Fraction]
    targets: Mapping[str, int]
    weights: Mapping[str, Fraction]
    floors: Mapping[str, int]
    tiers: Mapping[str, int]
    carry_over: bool = False
    escalation: Escalation | None = None
    actuals: Actuals | None = None
    replan_from: int | None = None
    uncertainty: Uncertainty | None = None
    solver: str | None = None
    time_limit: float | None = None
    changes: tuple[Change, ...] = ()
    sources: tuple[str, ...] = ()
    source_program: Program | None = field(default=None, repr=False, compare=False)
    #: the files this scenario was read from, with their SHA-256 (set by ``inputs.files.load_scenario``)
    inputs: tuple[InputFile, ...] = field(default=(), repr=False, compare=False)
    #: the title outputs name the scenario by (``title:``, or ``name: {vi:, en:}``); not inherited
    title: Text | None = None
    #: the description in both languages (``description: {vi:, en:}``; a plain text serves both)
    description_text: Text | None = None

    # ---- what the model sees ----------------------------------------------------------

    def unit_costs(self, task: Task, year: int) -> tuple[Fraction, Fraction]:
        """(local, co-funding) cost of one unit of ``task`` in ``year``, escalation applied."""
        return escalated_costs(task, year, self.escalation, self.program)

    def planned_years(self) -> tuple[int, ...]:
        if self.replan_from is None:
            return self.program.years
        return tuple(y for y in self.program.years if y >= self.replan_from)

    def derive(self, name: str | None = None, **changes: Any) -> Scenario:
        """A new scenario from this one, in code: ``s.derive("cut", budget={2024: "-30%"})``.

        Keywords are the sections of a scenario file (``budget``, ``cofunding``, ``targets``,
        ``weights``, ``floors``, ``tiers``, ``carry_over``, ``new_tasks``, ``escalation``,
        ``support_share``); they are checked as a file's would be and every change is logged.
        """
        return derive_scenario(self, name=name, **changes)

    def __repr__(self) -> str:
        return f"<Scenario {self.name!r} on {self.program.id!r}: {len(self.changes)} changes>"


def escalated_costs(task: Task, year: int, esc: Escalation | None, program: Program) -> tuple[Fraction, Fraction]:
    """Per-unit (local, co-funding) cost in a year: total cost escalated, state share kept.

    With ``above_cap="hold_at_cap"`` the state's support stops at the legal per-unit cap and the
    enterprise pays the rest (validation has already rejected it otherwise).
    """
    local, other = task.unit_state, task.unit_other
    if esc is None or (esc.tasks is not None and task.id not in esc.tasks) or year <= esc.base_year:
        return local, other
    factor = (1 + esc.rate) ** (year - esc.base_year)
    total = task.unit_cost * factor
    state = local * factor
    rule = program.support_rules[task.support_rule]
    if esc.above_cap == "hold_at_cap" and rule.max_state_per_unit is not None:
        state = min(state, rule.max_state_per_unit)
    return state, total - state


def baseline(program: Program, *, name: str = "baseline") -> Scenario:
    """The program as its decision states it: annual table caps, table quantities as targets."""
    return Scenario(
        name=name,
        description="The program as decided: annual table caps, table quantities as targets.",
        program=program,
        local_budget={y: b.state for y, b in program.annual_budget.items()},
        cofunding={y: b.other for y, b in program.annual_budget.items()},
        targets={t.id: t.quantity for t in program.tasks},
        weights={}, floors={}, tiers={}, source_program=program,
    )


def _fmt(value: Any) -> str:
    if isinstance(value, Fraction):
        return str(value.numerator) if value.denominator == 1 else f"{float(value):.10g}"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _pct(value: Fraction) -> str:
    return f"{float(value) * 100:.10g}%"


class _State:
    """The scenario being built: mutable while documents are applied."""

    def __init__(self, scn: Scenario):
        self.program = scn.program
        self.local = dict(scn.local_budget)
        self.cof = dict(scn.cofunding)
        self.targets = dict(scn.targets)
        self.weights = dict(scn.weights)
        self.floors = dict(scn.floors)
        self.tiers = dict(scn.tiers)
        self.carry = scn.carry_over
        self.escalation = scn.escalation
        self.actuals = scn.actuals
        self.replan_from = scn.replan_from
        self.uncertainty = scn.uncertainty
        self.solver = scn.solver
        self.time_limit = scn.time_limit
        self.changes = list(scn.changes)
        self.sources = list(scn.sources)
        self.name = scn.name
        self.description = scn.description
        self.source_program = scn.source_program or scn.program
        self.inputs = scn.inputs
        self.title = scn.title
        self.description_text = scn.description_text
        self.touched: set[str] = set()

    def log(self, key: str, old: Any, new: Any, source: str) -> None:
        self.touched.add(key)
        if _fmt(old) != _fmt(new):
            self.changes.append(Change(key, _fmt(old), _fmt(new), source))

    def freeze(self) -> Scenario:
        return Scenario(
            name=self.name, description=self.description, program=self.program,
            local_budget=self.local, cofunding=self.cof, targets=self.targets,
            weights=self.weights, floors=self.floors, tiers=self.tiers, carry_over=self.carry,
            escalation=self.escalation, actuals=self.actuals, replan_from=self.replan_from,
            uncertainty=self.uncertainty, solver=self.solver, time_limit=self.time_limit,
            changes=tuple(self.changes), sources=tuple(self.sources),
            source_program=self.source_program, inputs=self.inputs, title=self.title,
            description_text=self.description_text,
        )


def _money_change(c: Collector, value: Any, where: str, old: Fraction) -> Fraction | None:
    """A money change: an amount (million VND) or a percentage of the current figure."""
    if isinstance(value, str):
        pct = parse_percent(value)
        if pct is None:
            c.error(where, f'expected a number or a percentage like "-30%", got {describe(value)}'
                           f"{number_hint(value)}")
            return None
        if pct < -1:
            c.error(where, f"a cut of more than 100% leaves a negative amount ({value})")
            return None
        return old * (1 + pct)
    return c.money(value, where)


def _years_changes(st: _State, c: Collector, data: Any, where: str, current: dict[int, Fraction],
                   label: str, source: str) -> None:
    section = c.mapping(data, where)
    if section is None:
        return
    years = st.program.years
    base = dict(current)
    updates: dict[int, Fraction] = {}
    if "all" in section:
        for y in years:
            new = _money_change(c, section["all"], join(where, "all"), base[y])
            if new is None:
                break  # the same value is wrong for every year: say it once
            updates[y] = new
    for key, value in section.items():
        if key == "all":
            continue
        kw = join(where, key)
        year = key if isinstance(key, int) and not isinstance(key, bool) else None
        if isinstance(key, str) and key.strip().isdigit():
            year = int(key)
        if year is None:
            c.error(kw, f"expected a year ({years[0]}–{years[-1]}) or 'all', got {describe(key)}")
            continue
        if year not in current:
            c.error(kw, f"year {year} lies outside the program period {years[0]}–{years[-1]}")
            continue
        new = _money_change(c, value, kw, base[year])
        if new is not None:
            updates[year] = new  # a year named on its own overrides 'all' for that year
    for y, new in sorted(updates.items()):
        st.log(f"{label}.{y}", current[y], new, source)
        current[y] = new


def _task_keys(st: _State, c: Collector, data: Any, where: str) -> dict[str, Any]:
    section = c.mapping(data, where)
    if section is None:
        return {}
    known = set(st.program.task_ids)
    out = {}
    for key, value in section.items():
        tid = str(key)
        if tid not in known:
            c.error(join(where, key), f"unknown task id {tid!r}; the program's tasks are "
                                      f"{', '.join(st.program.task_ids)}")
            continue
        out[tid] = value
    return out


def _apply_changes(st: _State, c: Collector, doc: Mapping[str, Any], where: str, source: str) -> None:
    """Apply one group of changes (the top level of a document, or one override)."""
    prefix = f"{where}." if where else ""
    program = st.program
    if "new_tasks" in doc:
        items = doc["new_tasks"]
        if not isinstance(items, list):
            c.error(f"{prefix}new_tasks", "expected a list of tasks (same keys as a program's tasks)")
        else:
            added = []
            for i, item in enumerate(items):
                task = parse_task(c, item, f"{prefix}new_tasks[{i}]", groups=program.groups,
                                  rules=program.support_rules, period=program.period)
                if task is None:
                    continue
                if task.id in program.task_ids or task.id in [t.id for t in added]:
                    c.error(f"{prefix}new_tasks[{task.id}].id", f"task {task.id!r} already exists")
                    continue
                if task.support_rule not in program.support_rules:
                    continue  # parse_task has reported the unknown rule
                _check_rule(c, f"{prefix}new_tasks[{task.id}]", task, program, task.unit_state,
                            task.cost.state / task.cost.total if task.cost.total else Fraction(0))
                added.append(task)
                st.targets[task.id] = task.quantity
                st.log(f"new_tasks.{task.id}", "(none)",
                       f"{task.quantity} {task.unit.vi}, {_fmt(task.cost.total)} total, "
                       f"{_fmt(task.cost.state)} state, years {task.years_text}", source)
            if added:
                program = replace(program, tasks=(*program.tasks, *added))
                st.program = program
    for tid, value in _task_keys(st, c, doc.get("targets", {}), f"{prefix}targets").items():
        v = c.integer(value, f"{prefix}targets.{tid}")
        if v is not None:
            st.log(f"targets.{tid}", st.targets[tid], v, source)
            st.targets[tid] = v
    for tid, value in _task_keys(st, c, doc.get("support_share", {}), f"{prefix}support_share").items():
        share = c.share(value, f"{prefix}support_share.{tid}")
        if share is None:
            continue
        task = program.task(tid)
        if task.cost.total == 0:
            c.error(f"{prefix}support_share.{tid}", f"task {tid} has no cost to share")
            continue
        new_state = task.cost.total * share
        if _check_rule(c, f"{prefix}support_share.{tid}", task, program, new_state / task.quantity, share):
            old = task.cost.state / task.cost.total
            st.log(f"support_share.{tid}", _pct(old), _pct(share), source)
            new_task = replace(task, cost=Cost(task.cost.total, new_state, task.cost.total - new_state))
            program = replace(program, tasks=tuple(new_task if t.id == tid else t for t in program.tasks))
            st.program = program
    if "escalation" in doc:
        esc = _escalation(c, doc["escalation"], f"{prefix}escalation", program)
        if esc is not None:
            st.log("escalation", _describe_escalation(st.escalation), _describe_escalation(esc), source)
            st.escalation = esc
    if "budget" in doc:
        _years_changes(st, c, doc["budget"], f"{prefix}budget", st.local, "budget", source)
    if "cofunding" in doc:
        _years_changes(st, c, doc["cofunding"], f"{prefix}cofunding", st.cof, "cofunding", source)
    for tid, value in _task_keys(st, c, doc.get("weights", {}), f"{prefix}weights").items():
        v = c.weight(value, f"{prefix}weights.{tid}")
        if v is not None:
            st.log(f"weights.{tid}", st.weights.get(tid, Fraction(1)), v, source)
            st.weights[tid] = v
    for tid, value in _task_keys(st, c, doc.get("floors", {}), f"{prefix}floors").items():
        v = c.integer(value, f"{prefix}floors.{tid}")
        if v is not None:
            st.log(f"floors.{tid}", st.floors.get(tid, 0), v, source)
            st.floors[tid] = v
    for tid, value in _task_keys(st, c, doc.get("tiers", {}), f"{prefix}tiers").items():
        v = c.integer(value, f"{prefix}tiers.{tid}", minimum=1, maximum=100)
        if v is not None:
            st.log(f"tiers.{tid}", st.tiers.get(tid, 1), v, source)
            st.tiers[tid] = v
    if "carry_over" in doc:
        value = doc["carry_over"]
        if not isinstance(value, bool):
            c.error(f"{prefix}carry_over", f"expected true or false, got {describe(value)}")
        else:
            st.log("carry_over", st.carry, value, source)
            st.carry = value


def _check_rule(c: Collector, where: str, task: Task, program: Program, state_per_unit: Fraction,
                share: Fraction) -> bool:
    """Reject state support above the legal caps of the task's support rule, citing the rule."""
    rule = program.support_rules[task.support_rule]
    cite = f"support rule {rule.id}: {rule.citation}"
    ok = True
    if share > rule.max_state_share:
        c.error(where, f"a state share of {_pct(share)} for {task.id} exceeds the legal maximum of "
                       f"{_pct(rule.max_state_share)} ({cite})")
        ok = False
    if rule.max_state_per_unit is not None and state_per_unit > rule.max_state_per_unit:
        c.error(where, f"state support of {_fmt(state_per_unit)} million VND per {task.unit.en} for "
                       f"{task.id} exceeds the legal cap of {_fmt(rule.max_state_per_unit)} ({cite})")
        ok = False
    return ok


def _describe_escalation(esc: Escalation | None) -> str:
    if esc is None:
        return "none"
    scope = "all tasks" if esc.tasks is None else ", ".join(esc.tasks)
    return f"{_pct(esc.rate)} a year from {esc.base_year} ({scope}; above cap: {esc.above_cap})"


def _escalation(c: Collector, data: Any, where: str, program: Program) -> Escalation | None:
    d = c.mapping(data, where)
    if d is None:
        return None
    c.known_keys(d, where, ("rate", "base_year", "tasks", "above_cap"))
    rate_value = c.required(d, "rate", where)
    rate = None
    if isinstance(rate_value, str):
        rate = parse_percent(rate_value)
        if rate is None:
            c.error(join(where, "rate"), f'expected a percentage like "5%", got {describe(rate_value)}')
    elif rate_value is not None:
        c.error(join(where, "rate"), f'expected a percentage like "5%", got {describe(rate_value)}')
    if rate is not None and not -Fraction(1, 2) <= rate <= 1:
        c.error(join(where, "rate"), f"expected between -50% and 100% a year, got {rate_value}")
        rate = None
    base = c.integer(d.get("base_year", program.period[0]), join(where, "base_year"),
                     minimum=program.period[0], maximum=program.period[1])
    tasks_value = d.get("tasks", "all")
    tasks: tuple[str, ...] | None = None
    if tasks_value != "all":
        if not isinstance(tasks_value, list):
            c.error(join(where, "tasks"), f"expected 'all' or a list of task ids, got {describe(tasks_value)}")
        else:
            bad = [str(t) for t in tasks_value if str(t) not in program.task_ids]
            if bad:
                c.error(join(where, "tasks"), f"unknown task id(s): {', '.join(bad)}")
            tasks = tuple(str(t) for t in tasks_value)
    above = d.get("above_cap", "reject")
    if above not in ABOVE_CAP:
        c.error(join(where, "above_cap"), f"expected one of {', '.join(ABOVE_CAP)}, got {describe(above)}")
        return None
    if rate is None or base is None:
        return None
    esc = Escalation(rate, base, tasks, above)
    return esc


def _distribution(c: Collector, data: Any, where: str) -> Distribution | None:
    d = c.mapping(data, where)
    if d is None:
        return None
    kind = d.get("distribution")
    if not isinstance(kind, str) or kind not in DISTRIBUTIONS:
        c.error(join(where, "distribution"), f"expected one of {', '.join(DISTRIBUTIONS)}, got {describe(kind)}")
        return None
    c.known_keys(d, where, ("distribution", *DISTRIBUTIONS[kind]))
    params: dict[str, float] = {}
    for key in DISTRIBUTIONS[kind]:
        value = c.required(d, key, where)
        pct = parse_percent(value) if isinstance(value, str) else None
        if pct is None:
            if value is not None:
                c.error(join(where, key),
                        f'expected a percentage change of the scenario\'s figure like "-10%", got {describe(value)}')
            continue
        params[key] = float(pct)
    if len(params) != len(DISTRIBUTIONS[kind]):
        return None
    if kind == "normal" and params["sd"] < 0:
        c.error(join(where, "sd"), "expected a standard deviation of at least 0%")
        return None
    if kind in ("uniform", "triangular") and params["low"] > params["high"]:
        c.error(where, "low is above high")
        return None
    if kind == "triangular" and not params["low"] <= params["mode"] <= params["high"]:
        c.error(join(where, "mode"), "expected low ≤ mode ≤ high")
        return None
    return Distribution(kind, params)


def _uncertainty(c: Collector, data: Any, where: str) -> Uncertainty | None:
    d = c.mapping(data, where)
    if d is None:
        return None
    c.known_keys(d, where, ("samples", "seed", "budget", "cofunding", "per_year"))
    samples = c.integer(d.get("samples", 200), join(where, "samples"), minimum=1, maximum=100_000)
    seed = c.integer(d.get("seed", 0), join(where, "seed"), minimum=0, maximum=2**32 - 1)
    budget = _distribution(c, d["budget"], join(where, "budget")) if "budget" in d else None
    cof = _distribution(c, d["cofunding"], join(where, "cofunding")) if "cofunding" in d else None
    per_year = d.get("per_year", True)
    if not isinstance(per_year, bool):
        c.error(join(where, "per_year"), f"expected true or false, got {describe(per_year)}")
        per_year = True
    if budget is None and cof is None and "budget" not in d and "cofunding" not in d:
        c.error(where, "give a distribution for budget, cofunding or both")
    if samples is None or seed is None:
        return None
    return Uncertainty(samples, seed, budget, cof, per_year)


def _apply_document(st: _State, label: str, data: Any, c: Collector,
                    actuals_text: tuple[str, str] | None) -> None:
    doc = c.mapping(data, "")
    if doc is None:
        return
    c.known_keys(doc, "", (*DOCUMENT_SECTIONS, *CHANGE_SECTIONS))
    fmt = doc.get("format", FORMAT)
    if fmt != FORMAT:
        c.error("format", f"expected {FORMAT!r}, got {describe(fmt)}")
    st.title = None  # a title names one document's scenario: a scenario extending it has its own
    if "name" in doc:
        if isinstance(doc["name"], str) and doc["name"].strip():
            st.name = doc["name"].strip()
        elif isinstance(doc["name"], Mapping):
            st.title = _text(c, doc["name"], "name")
        else:
            c.error("name", f"expected text, got {describe(doc['name'])}")
    if "title" in doc:
        st.title = _text(c, doc["title"], "title")
    if "description" in doc:
        texts = _text(c, doc["description"], "description")
        if texts is not None:
            st.description_text = Text(texts.vi.strip(), texts.en.strip())
            st.description = st.description_text.en
    allow = doc.get("allow_overlap", [])
    if not isinstance(allow, list) or not all(isinstance(a, str) for a in allow):
        c.error("allow_overlap", "expected a list of keys like 'budget.2024'")
        allow = []
    groups: list[tuple[str, Mapping[str, Any]]] = [("", {k: v for k, v in doc.items() if k in CHANGE_SECTIONS})]
    if "overrides" in doc:
        overrides = c.mapping(doc["overrides"], "overrides")
        for name, body in (overrides or {}).items():
            where = f"overrides.{name}"
            group = c.mapping(body, where)
            if group is None:
                continue
            c.known_keys(group, where, CHANGE_SECTIONS)
            groups.append((where, group))
    setters: dict[str, str] = {}
    for where, group in groups:
        st.touched = set()
        source = f"{label} {where}" if where else label
        _apply_changes(st, c, group, where, source)
        for key in sorted(st.touched):
            if key in setters and key not in allow:
                first = setters[key] or "the top level"
                c.error(where or "(top level)", f"sets {key}, already set by {first} in this file; "
                                                f"list {key!r} under allow_overlap to allow it")
            setters.setdefault(key, where)
    if actuals_text is not None:
        path, text = actuals_text
        try:
            st.actuals = actuals_from_text(text, st.program, source=path)
        except ActualsError as exc:
            c.problems.extend(exc.problems)
        else:
            st.log("actuals", "none", f"{path} ({len(st.actuals.rows)} rows, years "
                                      f"{', '.join(map(str, st.actuals.years))})", label)
            last = max(st.actuals.years) if st.actuals.years else st.program.period[0] - 1
            st.replan_from = last + 1
    elif "actuals" in doc:
        c.error("actuals", f"expected the path of a CSV file, got {describe(doc['actuals'])}")
    if "replan_from" in doc:
        period = st.program.period
        y = c.integer(doc["replan_from"], "replan_from", minimum=period[0], maximum=period[1])
        if y is not None:
            if st.actuals is not None and any(r.year >= y for r in st.actuals.rows):
                c.error("replan_from", f"actuals include {y} or later; replanning must start after "
                                       "the executed years")
            st.log("replan_from", st.replan_from or period[0], y, label)
            st.replan_from = y
    if "uncertainty" in doc:
        st.uncertainty = _uncertainty(c, doc["uncertainty"], "uncertainty")
    if "solve" in doc:
        sdata = c.mapping(doc["solve"], "solve")
        if sdata is not None:
            c.known_keys(sdata, "solve", SOLVE_KEYS)
            if "solver" in sdata:
                if sdata["solver"] in ("highs", "cbc"):
                    st.solver = sdata["solver"]
                else:
                    c.error("solve.solver", f"expected 'highs' or 'cbc', got {describe(sdata['solver'])}")
            if "time_limit" in sdata:
                tl = sdata["time_limit"]
                if isinstance(tl, int | float) and not isinstance(tl, bool) and 0 < tl <= 86400:
                    st.time_limit = float(tl)
                else:
                    c.error("solve.time_limit", f"expected seconds between 0 and 86400, got {describe(tl)}")
    st.sources.append(label)


def _escalation_within_caps(st: _State, c: Collector) -> None:
    """With escalation, the state's support per unit stays within each task's legal cap.

    Checked on the final costs of a document (after every support-share change, in whatever order
    they came), so that no combination of changes can push support above a cap.
    """
    esc = st.escalation
    if esc is None or esc.above_cap != "reject":
        return
    for task in st.program.tasks:
        if esc.tasks is not None and task.id not in esc.tasks:
            continue
        rule = st.program.support_rules[task.support_rule]
        for y in task.years:
            state, _ = escalated_costs(task, y, esc, st.program)
            if rule.max_state_per_unit is not None and state > rule.max_state_per_unit:
                c.error("escalation", f"{task.id} in {y}: escalated state support of {_fmt(state)} million VND "
                                      f"per {task.unit.en} exceeds the legal cap of {_fmt(rule.max_state_per_unit)} "
                                      f"(support rule {rule.id}: {rule.citation}); set above_cap: hold_at_cap to "
                                      "keep the state's support at the cap and let the enterprise pay the rest")
                break


def _check_consistency(st: _State, c: Collector) -> None:
    _escalation_within_caps(st, c)
    for tid, floor in st.floors.items():
        if floor > st.targets[tid]:
            c.error(f"floors.{tid}", f"floor {floor} is above the target {st.targets[tid]}; raise the "
                                     "target or lower the floor")


def scenario_from_documents(
    documents: list[tuple[str, Any]], program: Program, *,
    actuals_texts: Mapping[str, tuple[str, str]] | None = None,
) -> Scenario:
    """Apply parsed scenario documents (root of the extends chain first) to a program.

    ``actuals_texts`` maps a document's label to (actuals path, CSV text) for documents that name
    an actuals file. Raises ScenarioError listing every problem in every document.
    """
    st = _State(baseline(program))
    st.name = "scenario"
    st.description = ""
    problems: list[Problem] = []
    for label, data in documents:
        c = Collector(label)
        _apply_document(st, label, data, c, (actuals_texts or {}).get(label))
        _check_consistency(st, c)
        problems.extend(c.distinct())
    if problems:
        raise ScenarioError(problems)
    if st.name == "scenario" and documents:
        st.name = PurePath(documents[-1][0]).stem or "scenario"
    return st.freeze()


def scenario_from_dict(data: Any, program: Program, *, source: str = "<scenario>") -> Scenario:
    """One scenario document (no ``extends``, no actuals file) applied to a program."""
    return scenario_from_documents([(source, data)], program)


def derive_scenario(scn: Scenario, *, name: str | None = None, **changes: Any) -> Scenario:
    aliases = {"local_budget": "budget"}
    doc: dict[str, Any] = {}
    for key, value in changes.items():
        key = aliases.get(key, key)
        if key not in (*CHANGE_SECTIONS, "title", "description", "replan_from", "uncertainty"):
            raise ScenarioError([Problem(f"<derive {name or scn.name}>", key,
                                         f"unknown change; expected one of {', '.join(CHANGE_SECTIONS)}")])
        doc[key] = value
    if name:
        doc["name"] = name
    label = f"<derived from {scn.name}>"
    st = _State(scn)
    c = Collector(label)
    _apply_document(st, label, doc, c, None)
    _check_consistency(st, c)
    c.raise_if_any(ScenarioError)
    return st.freeze()

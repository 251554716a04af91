"""Scenarios: what-if changes applied to a program, and the model input they produce.

A scenario file (YAML) names a program and changes some of its figures::

    name: cut-20pct
    program: kien-giang-2021-2025     # bundled name, or a path relative to this file
    budget: {all: "-20%"}             # local budget per year: "-20%", "+5%" or an amount
    cofunding: {2024: 5000}           # co-funding available per year, same forms
    targets: {II.2: 42}               # target quantity per task (0 drops the task)
    weights: {II.2: 2}                # weight of a task's share in the objective
    floors: {VI.1: 6}                 # must deliver at least this many (hard)

``scenario_from_documents`` is pure: it receives the parsed documents (a base first, the file
that extends it last) and the loaded program, checks everything, and returns a frozen
``Scenario`` whose ``changes`` log every effective change as ``key: old → new``. The format is in
docs/scenarios.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

from .errors import ScenarioError
from .model import ModelInput, TaskSpec
from .program import Program
from .validate import Collector, describe, join, parse_percent

FORMAT = "kgkc-scenario/1"
SECTIONS = (
    "format", "name", "description", "program", "extends", "budget", "cofunding", "targets",
    "weights", "floors", "tiers", "carry_over", "solve",
)
SOLVE_KEYS = ("solver", "time_limit")


@dataclass(frozen=True)
class Change:
    """One effective change of a program figure, for the log stored with every result."""

    key: str
    old: str
    new: str
    source: str

    def __str__(self) -> str:
        return f"{self.key}: {self.old} → {self.new}"


@dataclass(frozen=True)
class Scenario:
    """A program with a scenario's changes applied; ``model_input()`` is what the model solves."""

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
    solver: str | None = None
    time_limit: float | None = None
    changes: tuple[Change, ...] = ()
    sources: tuple[str, ...] = ()
    documents: tuple[tuple[str, Any], ...] = field(default=(), repr=False, compare=False)

    def model_input(self) -> ModelInput:
        """The model's input: per-unit costs from the program, caps and targets from here."""
        specs = []
        for task in self.program.tasks:
            specs.append(
                TaskSpec(
                    task_id=task.id,
                    years=task.years,
                    target=self.targets[task.id],
                    floor=self.floors.get(task.id, 0),
                    weight=self.weights.get(task.id, Fraction(1)),
                    tier=self.tiers.get(task.id, 1),
                    unit_local=task.unit_state,
                    unit_cofunding=task.unit_other,
                    annual=task.annual,
                )
            )
        return ModelInput(
            years=self.program.years,
            tasks=tuple(specs),
            local_cap=dict(self.local_budget),
            cofunding_cap=dict(self.cofunding),
            carry_over=self.carry_over,
        )

    def derive(self, name: str | None = None, **changes: Any) -> Scenario:
        """A new scenario from this one in code: ``s.derive(local_budget={2024: 3000})``.

        Mappings are merged into this scenario's (so ``targets={"II.2": 42}`` changes one task);
        every change is checked as a file's would be and logged.
        """
        return derive_scenario(self, name=name, **changes)

    def __repr__(self) -> str:
        return f"<Scenario {self.name!r} on {self.program.id!r}: {len(self.changes)} changes>"


def baseline(program: Program, *, name: str = "baseline") -> Scenario:
    """The program as its decision states it: annual table caps, table quantities as targets."""
    return Scenario(
        name=name,
        description="The program as decided: annual table caps, table quantities as targets.",
        program=program,
        local_budget={y: b.state for y, b in program.annual_budget.items()},
        cofunding={y: b.other for y, b in program.annual_budget.items()},
        targets={t.id: t.quantity for t in program.tasks},
        weights={},
        floors={},
        tiers={},
    )


def _fmt(value: Fraction | int | float | str | bool) -> str:
    if isinstance(value, Fraction):
        return f"{float(value):g}" if value.denominator != 1 else str(value.numerator)
    return str(value)


def _money_change(
    c: Collector, value: Any, where: str, old: Fraction
) -> Fraction | None:
    """A per-year money change: an amount (million VND) or a percentage of the current figure."""
    if isinstance(value, str):
        pct = parse_percent(value)
        if pct is None:
            c.error(where, f'expected a number or a percentage like "-30%", got {describe(value)}')
            return None
        if pct < -1:
            c.error(where, f"a cut of more than 100% leaves a negative budget ({value})")
            return None
        return old * (1 + pct)
    return c.money(value, where)


def _year_section(
    c: Collector, data: Any, where: str, current: dict[int, Fraction], years: tuple[int, ...],
    label: str, changes: list[Change], source: str,
) -> None:
    section = c.mapping(data, where)
    if section is None:
        return
    base = dict(current)
    if "all" in section:
        for y in years:
            new = _money_change(c, section["all"], join(where, "all"), base[y])
            if new is not None and new != current[y]:
                changes.append(Change(f"{label}.{y}", _fmt(current[y]), _fmt(new), source))
                current[y] = new
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
        if new is not None and new != current[year]:
            changes.append(Change(f"{label}.{year}", _fmt(current[year]), _fmt(new), source))
            current[year] = new


def _task_section(
    c: Collector, data: Any, where: str, program: Program, reader: str,
) -> dict[str, Any]:
    section = c.mapping(data, where)
    out: dict[str, Any] = {}
    if section is None:
        return out
    known = set(program.task_ids)
    for key, value in section.items():
        kw = join(where, key)
        tid = str(key)
        if tid not in known:
            c.error(kw, f"unknown task id {tid!r}; the program's tasks are {', '.join(program.task_ids)}")
            continue
        if reader == "integer":
            v = c.integer(value, kw)
        elif reader == "weight":
            v = c.weight(value, kw)
        else:  # tier
            v = c.integer(value, kw, minimum=1, maximum=100)
        if v is not None:
            out[tid] = v
    return out


def _apply_document(scn: Scenario, label: str, data: Any, c: Collector) -> Scenario:
    doc = c.mapping(data, "")
    if doc is None:
        return scn
    c.known_keys(doc, "", SECTIONS)
    fmt = doc.get("format", FORMAT)
    if fmt != FORMAT:
        c.error("format", f"expected {FORMAT!r}, got {describe(fmt)}")
    program = scn.program
    years = program.years
    changes = list(scn.changes)
    local = dict(scn.local_budget)
    cof = dict(scn.cofunding)
    if "budget" in doc:
        _year_section(c, doc["budget"], "budget", local, years, "budget", changes, label)
    if "cofunding" in doc:
        _year_section(c, doc["cofunding"], "cofunding", cof, years, "cofunding", changes, label)
    targets = dict(scn.targets)
    for tid, v in _task_section(c, doc.get("targets", {}), "targets", program, "integer").items():
        if v != targets[tid]:
            changes.append(Change(f"targets.{tid}", str(targets[tid]), str(v), label))
            targets[tid] = v
    weights = dict(scn.weights)
    for tid, v in _task_section(c, doc.get("weights", {}), "weights", program, "weight").items():
        old = weights.get(tid, Fraction(1))
        if v != old:
            changes.append(Change(f"weights.{tid}", _fmt(old), _fmt(v), label))
            weights[tid] = v
    floors = dict(scn.floors)
    for tid, v in _task_section(c, doc.get("floors", {}), "floors", program, "integer").items():
        old = floors.get(tid, 0)
        if v != old:
            changes.append(Change(f"floors.{tid}", str(old), str(v), label))
            floors[tid] = v
    tiers = dict(scn.tiers)
    for tid, v in _task_section(c, doc.get("tiers", {}), "tiers", program, "tier").items():
        old = tiers.get(tid, 1)
        if v != old:
            changes.append(Change(f"tiers.{tid}", str(old), str(v), label))
            tiers[tid] = v
    carry = scn.carry_over
    if "carry_over" in doc:
        value = doc["carry_over"]
        if not isinstance(value, bool):
            c.error("carry_over", f"expected true or false, got {describe(value)}")
        elif value != carry:
            changes.append(Change("carry_over", str(carry).lower(), str(value).lower(), label))
            carry = value
    solver, time_limit = scn.solver, scn.time_limit
    if "solve" in doc:
        sdata = c.mapping(doc["solve"], "solve")
        if sdata is not None:
            c.known_keys(sdata, "solve", SOLVE_KEYS)
            if "solver" in sdata:
                if sdata["solver"] in ("highs", "cbc"):
                    solver = sdata["solver"]
                else:
                    c.error("solve.solver", f"expected 'highs' or 'cbc', got {describe(sdata['solver'])}")
            if "time_limit" in sdata:
                tl = sdata["time_limit"]
                if isinstance(tl, int | float) and not isinstance(tl, bool) and 0 < tl <= 86400:
                    time_limit = float(tl)
                else:
                    c.error("solve.time_limit", f"expected seconds between 0 and 86400, got {describe(tl)}")
    name = doc.get("name", scn.name)
    if not isinstance(name, str) or not name.strip():
        c.error("name", f"expected text, got {describe(name)}")
        name = scn.name
    description = doc.get("description", scn.description)
    return replace(
        scn, name=name, description=str(description), local_budget=local, cofunding=cof,
        targets=targets, weights=weights, floors=floors, tiers=tiers, carry_over=carry,
        solver=solver, time_limit=time_limit, changes=tuple(changes),
        sources=(*scn.sources, label),
    )


def _check_consistency(scn: Scenario, c: Collector) -> None:
    for tid, floor in scn.floors.items():
        if floor > scn.targets[tid]:
            c.error(
                f"floors.{tid}",
                f"floor {floor} is above the target {scn.targets[tid]}; raise the target or lower the floor",
            )


def scenario_from_documents(
    documents: list[tuple[str, Any]], program: Program, *, actuals_texts: Mapping[str, Any] | None = None
) -> Scenario:
    """Apply parsed scenario documents (base first) to a program; raise ScenarioError on problems."""
    scn = baseline(program)
    scn = replace(scn, name="scenario", documents=tuple(documents))
    all_problems = []
    for label, data in documents:
        c = Collector(label)
        scn = _apply_document(scn, label, data, c)
        _check_consistency(scn, c)
        all_problems.extend(c.problems)
    if all_problems:
        raise ScenarioError(all_problems)
    return scn


def scenario_from_dict(data: Any, program: Program, *, source: str = "<scenario>") -> Scenario:
    """One scenario document (no ``extends``) applied to a program."""
    return scenario_from_documents([(source, data)], program)


def derive_scenario(scn: Scenario, *, name: str | None = None, **changes: Any) -> Scenario:
    mapping_keys = {
        "local_budget": "budget", "budget": "budget", "cofunding": "cofunding", "targets": "targets",
        "weights": "weights", "floors": "floors", "tiers": "tiers",
    }
    doc: dict[str, Any] = {}
    for key, value in changes.items():
        if key in mapping_keys:
            doc[mapping_keys[key]] = value
        elif key in ("carry_over", "description"):
            doc[key] = value
        else:
            raise ScenarioError(
                [_problem(f"<derive {name or scn.name}>", key,
                          f"unknown change; expected one of {', '.join(sorted(set(mapping_keys) | {'carry_over', 'description'}))}")]
            )
    if name:
        doc["name"] = name
    label = f"<derived from {scn.name}>"
    c = Collector(label)
    new = _apply_document(scn, label, doc, c)
    _check_consistency(new, c)
    c.raise_if_any(ScenarioError)
    return new


def _problem(source: str, where: str, message: str):
    from .errors import Problem

    return Problem(source, where, message)

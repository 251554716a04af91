"""Planner-level helpers: what the notebooks (06, 07) and a planner's own scripts need in a call.

Drafting a program (notebook 07):

- ``with_envelope(program, envelope)``: the program's tasks with an envelope (the money expected
  from each source each year) as its annual table, to be solved like any program;
- ``unit_cost_table(program)``: each task's quantity range and cost per unit by source;
- ``unit_costs(program, task_id)``: what one unit costs each source each year, as a plan pays it
  (a support rule dated from a year changes it from that year);
- ``draft_from_plan(program, result)``: the task table and the annual table a decision would
  state for that plan (a task whose cost split changes within the period split into one row per
  period, so that no row exceeds the support rule in force), checked to add up to what the plan
  spends.

The annual selection (notebook 06):

- ``proposals_frame(proposals)``: the proposals as a table;
- ``revise(proposals, started=..., withdrawn=..., total_cost=...)``: the proposals as they stand
  mid-year, for selecting again.

Money is exact (``Fraction``, million VND); the frames hold floats, for display.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import pandas as pd

from kgkc_opt.errors import SolutionCheckError, UsageError
from kgkc_opt.inputs.program import Program
from kgkc_opt.inputs.program_dict import number, program_to_dict
from kgkc_opt.inputs.program_reader import program_from_dict
from kgkc_opt.inputs.proposals import Proposals
from kgkc_opt.inputs.scenario import baseline
from kgkc_opt.model.data import model_input
from kgkc_opt.solver.result import Result
from kgkc_opt.words import say

__all__ = ["Draft", "draft_from_plan", "proposals_frame", "revise", "unit_cost_table", "unit_costs",
           "with_envelope"]


# ---- drafting a program within an envelope ------------------------------------------------------

def with_envelope(program: Program, envelope: Mapping[int, Mapping[str, Any]], *, id: str | None = None,
                  title: Mapping[str, str] | None = None, source: str = "envelope") -> Program:
    """``program``'s tasks with ``envelope`` ({year: {source id: million VND}}) as the annual table.

    The stated totals and the specific targets are left out (a draft states them from its final
    task table), so each task's quantity is its target. Raises ``ProgramError`` as any program
    document would, naming the envelope's year and source."""
    doc = program_to_dict(program)
    if id is not None:
        doc["id"] = id
    if title is not None:
        doc["title"] = dict(title)
    doc["source"] = {"document": {lang: say("Draft: the tasks of {program} within an envelope", lang).format(
        program=program.id) for lang in ("vi", "en")}, "illustrative": True}
    doc.pop("stated_totals", None)
    doc.pop("targets", None)
    doc["annual_budget"] = {
        "source": "Envelope (phong bì vốn)",
        "years": {int(y): {"total": sum(Fraction(str(v)) for v in by_source.values()),
                           **{s: Fraction(str(v)) for s, v in by_source.items()}}
                  for y, by_source in envelope.items()},
    }
    for year in doc["annual_budget"]["years"].values():
        for key, value in year.items():
            year[key] = number(value)
    return program_from_dict(doc, source=source)


def _splits(program: Program) -> dict[str, dict[int, dict[str, Fraction]]]:
    """Task id -> year -> source id -> what one unit costs that source that year (exact)."""
    inp = model_input(baseline(program))
    out: dict[str, dict[int, dict[str, Fraction]]] = {}
    for task in program.tasks:
        spec = inp.task(task.id)
        out[task.id] = {}
        for year in task.years:
            by_kind = {"local": spec.local(year), "enterprise": spec.cofunding(year)}
            out[task.id][year] = {s.id: by_kind.get(s.kind, task.unit_source(s)) for s in program.funding_sources}
    return out


def unit_cost_table(program: Program) -> pd.DataFrame:
    """One row per task: its name, unit, quantity range (``min``, ``max``; equal without a range),
    cost per unit in all and per funding source (the task's own split), and its support rule."""
    return pd.DataFrame([
        {"task": t.id, "name": (t.short_name or t.name).vi, "unit": t.unit.vi, "min": t.quantity_min or t.quantity,
         "max": t.quantity, "unit cost": float(t.unit_cost),
         **{s.id: float(t.unit_source(s)) for s in program.funding_sources}, "rule": t.support_rule}
        for t in program.tasks]).set_index("task")


def unit_costs(program: Program, task_id: str) -> pd.DataFrame:
    """What one unit of ``task_id`` costs each funding source in each of its years (rows: years;
    columns: the program's source ids; million VND), as the model charges it."""
    if task_id not in {t.id for t in program.tasks}:
        raise UsageError("unit_costs: {program} has no task {task!r}", program=program.id, task=task_id)
    split = _splits(program)[task_id]
    return pd.DataFrame({y: {s: float(v) for s, v in split[y].items()} for y in sorted(split)}).T


@dataclass(frozen=True)
class Draft:
    """A draft decision made from a plan: ``program`` (its task table and annual table),
    ``document`` (the same as a program document, for writing a YAML file), ``split`` (the tasks
    written as one row per period of their cost split), ``spent`` (year -> source -> million VND)."""

    program: Program
    document: dict[str, Any]
    split: tuple[str, ...]
    spent: Mapping[int, Mapping[str, Fraction]]

    def task_table(self) -> pd.DataFrame:
        """The task table as the decision would state it (million VND)."""
        return pd.DataFrame([
            {"task": t.id, "name": (t.short_name or t.name).vi, "unit": t.unit.vi, "quantity": t.quantity_text,
             "years": t.years_text, "total": float(t.cost.total),
             **{s.id: float(t.cost.amount(s)) for s in self.program.funding_sources}}
            for t in self.program.tasks]).set_index("task")

    def annual_table(self) -> pd.DataFrame:
        """The annual table by source, with a last row of the period's totals (million VND)."""
        sources = self.program.funding_sources
        table = pd.DataFrame({str(y): {"total": float(b.total), **{s.id: float(b.amount(s)) for s in sources}}
                              for y, b in self.program.annual_budget.items()}).T
        table.loc["Tổng (total)"] = table.sum()
        return table


def _years_entry(years: list[int]) -> tuple[Any, str]:
    """A run of years as "2026-2027", any other set as a list; with the text as printed."""
    if len(years) > 1 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}-{years[-1]}", f"{years[0]} - {years[-1]}"
    return years, ", ".join(map(str, years))


def _money(amounts: Mapping[str, Fraction], sources: list[str]) -> dict[str, Any]:
    return {"total": number(sum(amounts.values(), Fraction(0))), **{s: number(amounts[s]) for s in sources}}


def _task_rows(program: Program, row: dict[str, Any], units: dict[int, int],
               split: dict[int, dict[str, Fraction]], one_row: bool) -> list[dict[str, Any]]:
    """The decision's row(s) for one task: one per period with the same cost split (or one row at
    the task's own split, ``one_row``); a range keeps its minimum on the last row."""
    task = program.task(row["id"])
    sources = [s.id for s in program.funding_sources]
    by_split: dict[tuple[Fraction, ...], list[int]] = {}
    for y in task.years:
        by_split.setdefault(tuple(split[y].values()), []).append(y)
    periods = [ys for ys in by_split.values() if sum(units[y] for y in ys)]
    note = f"{row['source']}; quantity and cost: the plan within the envelope"
    if one_row and len(periods) > 1:
        n = sum(units.values())
        quantity = {"min": task.quantity_min, "max": n} if task.quantity_min and task.quantity_min < n else n
        cost = {s.id: task.unit_source(s) * n for s in program.funding_sources}
        return [{**row, "source": note, "quantity": quantity, "cost": _money(cost, sources)}]
    out, low, done = [], task.quantity_min or task.quantity, 0
    for k, years in enumerate(periods, start=1):
        n = sum(units[y] for y in years)
        lo = max(low - done, 1) if k == len(periods) else n     # a range's slack stays with the last period
        cost = {s: sum((split[y][s] * units[y] for y in years), Fraction(0)) for s in sources}
        new = {**row, "source": note, "quantity": {"min": lo, "max": n} if task.quantity_min and lo < n else n,
               "cost": _money(cost, sources)}
        if len(periods) > 1:
            entry, text = _years_entry(years)
            new.update(id=f"{task.id}.{k}", years=entry, years_text=text)
        out.append(new)
        done += n
    return out


def draft_from_plan(program: Program, result: Result, *, split: bool = True, id: str | None = None,
                    title: Mapping[str, str] | None = None) -> Draft:
    """The decision ``result``'s plan of ``program`` would state: each task's quantity is what the
    plan funds (a range keeps its minimum), its cost what the plan pays for it by source, and the
    annual table and stated totals the plan's year sums. A task whose cost per unit and source
    changes within the period (a dated support rule) is written as one row per period (``II.2.1``,
    ``II.2.2``, ...), unless ``split=False`` (one row at the task's own split: the task table then
    no longer agrees with the annual table, which the audit reports). Tasks the plan does not fund
    are left out. Raises ``SolutionCheckError`` if the year sums differ from what the solve reports."""
    if not result.has_plan:
        raise UsageError("draft_from_plan: the result has no plan ({status})", status=result.status.value)
    splits = _splits(program)
    sources = [s.id for s in program.funding_sources]
    spent: dict[int, dict[str, Fraction]] = {}
    for (tid, year), count in result.plan.items():
        for sid, amount in splits[tid][year].items():
            spent.setdefault(year, dict.fromkeys(sources, Fraction(0)))[sid] += amount * count
    for source in program.funding_sources:
        label = {"local": "local", "enterprise": "cofunding"}.get(source.kind, source.id)
        used = result.budget.xs(label, level="source")["used"]
        if any(abs(float(spent[y][source.id]) - used[y]) > 1e-6 for y in spent):
            raise SolutionCheckError("draft_from_plan: the plan's spending of {source} differs from the solve's",
                                     source=source.id)
    doc = program_to_dict(program)
    rows, split_ids = [], []
    for row in doc["tasks"]:
        units = {y: result.plan.get((row["id"], y), 0) for y in program.task(row["id"]).years}
        written = _task_rows(program, row, units, splits[row["id"]], one_row=not split)
        rows.extend(written)
        if len(written) > 1:
            split_ids.append(row["id"])
    totals = {s: sum((spent[y][s] for y in spent), Fraction(0)) for s in sources}
    doc.update(tasks=rows)
    if id is not None:
        doc["id"] = id
    if title is not None:
        doc["title"] = dict(title)
    doc["annual_budget"] = {"source": "Section IV.1, annual table (draft)",
                            "years": {y: _money(spent[y], sources) for y in sorted(spent)},
                            "stated_total": _money(totals, sources)}
    doc["stated_totals"] = {**_money(totals, sources), "source": "Section IV.1, paragraph 1 (draft)"}
    drafted = program_from_dict(doc, source=f"draft of {doc['id']}")
    return Draft(drafted, doc, tuple(split_ids), spent)


# ---- the annual selection's proposals --------------------------------------------------------

def proposals_frame(proposals: Proposals) -> pd.DataFrame:
    """One row per proposal, in the file's order, with every column read (money in million VND,
    as floats for display)."""
    rows = []
    for p in proposals.items:
        row = {f.name: getattr(p, f.name) for f in dataclasses.fields(p) if f.name != "profile"}
        rows.append({k: float(v) if isinstance(v, Fraction) else v for k, v in row.items()})
    return pd.DataFrame(rows)


def revise(proposals: Proposals, *, started: Collection[str] = (), withdrawn: Collection[str] = (),
           total_cost: Mapping[str, Fraction | int | str] | None = None) -> Proposals:
    """The proposals as they stand mid-year: ``started`` (kept funded when selected again),
    ``withdrawn`` (never funded), ``total_cost`` (re-costed: the support requested is unchanged and
    the co-funding becomes the rest). Raises ``UsageError`` naming an id not among the proposals."""
    recost = {k: Fraction(str(v)) for k, v in (total_cost or {}).items()}
    known = {p.id for p in proposals.items}
    unknown = sorted((set(started) | set(withdrawn) | set(recost)) - known)
    if unknown:
        raise UsageError("revise: no proposal {ids} in {source}", ids=", ".join(unknown), source=proposals.source)
    items = []
    for p in proposals.items:
        changes: dict[str, Any] = {}
        if p.id in started:
            changes["started"] = True
        if p.id in withdrawn:
            changes["withdrawn"] = True
        if p.id in recost:
            if recost[p.id] < p.requested:
                raise UsageError("revise: {id}'s new total cost {cost} is below its request {requested}", id=p.id,
                                 cost=recost[p.id], requested=p.requested)
            changes.update(total_cost=recost[p.id], cofunding=recost[p.id] - p.requested)
        items.append(dataclasses.replace(p, **changes) if changes else p)
    return dataclasses.replace(proposals, items=tuple(items))

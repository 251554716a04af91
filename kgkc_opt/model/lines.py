"""Money lines: every per-year cap on a per-unit cost, and what follows from them before any solve.

A *line* is a cap per year on a cost per unit of some tasks: the local budget
(``ModelInput.local_budget``, rows ``local_cap[y]``), the enterprises' co-funding
(``cofunding_cap``) and every extra ``ModelInput.lines`` entry (``line_cap``: a shared national
budget, a cap on a group of tasks' spending, ...). The local
budget with carry-over is *cumulative*: what is spent up to a year may not exceed what was
allocated up to it, plus the opening carry.

Besides the lines themselves this module holds the exact arithmetic the formulations share:
each year's cap rounded down to the lattice its spend lies on, the sets of years the aggregate's
Hall rows are written for, and the most units of each task that fit its years.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from kgkc_opt.inputs.effects import MoneyLine
from kgkc_opt.model.data import CapLine, ModelInput, TaskSpec
from kgkc_opt.money import integral_row

_ZERO = Fraction(0)
#: The row kind of each built-in money line's yearly cap (``local_cap[2023]``, ``cofunding_cap[2023]``;
#: an extra line's rows are ``line_cap[KEY,2023]``).
ROW_KINDS: dict[MoneyLine, str] = {MoneyLine.LOCAL_BUDGET: "local_cap", MoneyLine.COFUNDING: "cofunding_cap"}
#: Above this many years the aggregate relaxation uses only intervals of years and the task
#: year-sets instead of every union of them.
MAX_SUBSET_YEARS = 10


@dataclass(frozen=True)
class CapRow:
    """A priced cap row by its identity: the money line and the year (never its formatted name)."""

    line: MoneyLine
    year: int


def no_prices(inp: ModelInput) -> dict[CapRow, float]:
    """A price of 0 for every priced cap row of ``inp`` (each money line in each planned year): the
    table of a solve without shadow prices, and where the LP at the plan gives none."""
    return {CapRow(line, y): 0.0 for line in ROW_KINDS for y in inp.planned_years}



@dataclass(frozen=True)
class Line:
    """One money line: a per-unit cost per (task, year) and a cap per year."""

    name: str
    row_kind: str
    hall_prefix: str
    cost: Callable[[TaskSpec, int], Fraction]
    cap: Mapping[int, Fraction]
    cumulative: bool = False
    opening: Fraction = _ZERO
    label: str = ""
    #: the tasks with a cost on this line (None: possibly every task)
    tasks: frozenset[str] | None = None

    def touches(self, task_id: str) -> bool:
        return self.tasks is None or task_id in self.tasks

    def row_key(self, year: int) -> str:
        if self.row_kind == "line_cap":
            return f"line_cap[{self.name},{year}]"
        return f"{self.row_kind}[{year}]"

    def hall_key(self, label: str) -> str:
        if self.row_kind == "line_cap":
            return f"hall_line[{self.name},{label}]"
        return f"{self.hall_prefix}[{label}]"

    def source(self, inp: ModelInput, year: int) -> str:
        if self.row_kind == "local_cap":
            return f"{inp.cap_source}, {year}, local budget"
        if self.row_kind == "cofunding_cap":
            return f"{inp.cap_source}, {year}, other sources (co-funding)"
        return f"{self.label}, {year}"

    def hall_source(self, inp: ModelInput, label: str) -> str:
        if self.row_kind == "local_cap":
            return f"{inp.cap_source}, local budget of {label}"
        if self.row_kind == "cofunding_cap":
            return f"{inp.cap_source}, other sources of {label}"
        return f"{self.label}, {label}"


def _extra_cost(ln: CapLine) -> Callable[[TaskSpec, int], Fraction]:
    """The per-unit cost on the extra line ``ln``: 0 in a year it does not cap."""
    return lambda t, y: ln.cost(t.task_id, y) if y in ln.cap else _ZERO


def lines(inp: ModelInput) -> list[Line]:
    """The local budget, the co-funding and the extra lines of ``inp``, in row order."""
    out = [
        Line("local", ROW_KINDS[MoneyLine.LOCAL_BUDGET], "hall_local", lambda t, y: t.local(y), inp.local_budget,
             cumulative=inp.carry_over, opening=inp.opening_carry if inp.carry_over else _ZERO),
        Line("cofunding", ROW_KINDS[MoneyLine.COFUNDING], "hall_cofunding", lambda t, y: t.cofunding(y),
             inp.cofunding_cap),
    ]
    for extra in inp.lines:
        # a year the line does not cap costs it nothing (cap 0, cost 0: no row, no limit)
        caps = {y: extra.cap.get(y, _ZERO) for y in inp.local_budget}
        out.append(Line(extra.key, "line_cap", "hall_line",
                        _extra_cost(extra), caps,
                        label=extra.source or f"budget line {extra.key}", tasks=extra.task_ids))
    return out


def planned_years(inp: ModelInput) -> list[int]:
    return list(inp.planned_years)


def year_sets(inp: ModelInput) -> list[tuple[int, ...]]:
    """The sets of years S for the aggregate's Hall-type rows: every union of task year-sets.

    Only a union matters: for any S, the tasks confined to S are confined to the union U ⊆ S of
    their year-sets, and U's cap is the tighter one. Single years are always included (the
    events rule forces spending into each year of its task, confined there or not).
    """
    years = planned_years(inp)
    task_sets = {tuple(y for y in t.years if y in years) for t in inp.planned_tasks if t.remaining > 0}
    task_sets.discard(())
    result: set[tuple[int, ...]] = {(y,) for y in years}
    if len(years) <= MAX_SUBSET_YEARS:
        for r in range(2, len(years) + 1):
            for s in itertools.combinations(years, r):
                covered = [ts for ts in task_sets if set(ts) <= set(s)]
                if covered and set().union(*covered) == set(s):
                    result.add(s)
    else:
        result |= task_sets
        for i in range(len(years)):
            for j in range(i, len(years)):
                s = tuple(years[i: j + 1])
                if any(set(ts) <= set(s) for ts in task_sets):
                    result.add(s)
    return sorted(result, key=lambda s: (len(s), s))


def rounded_caps(inp: ModelInput, line: Line, years: list[int],
                 columns: list[tuple[str, int]] | None = None) -> dict[int, Fraction]:
    """Each year's cap rounded down to the lattice its spend lies on (B̃_y = ⌊B_y·u_y⌋ / u_y)."""
    by_year: dict[int, list[Fraction]] = {y: [] for y in years}
    tasks = {t.task_id: t for t in inp.planned_tasks}
    for tid, y in columns if columns is not None else inp.columns():
        if not line.touches(tid):
            continue
        a = line.cost(tasks[tid], y)
        if a:
            by_year[y].append(a)
    out = {}
    for y in years:
        if line.cumulative or not by_year[y]:
            out[y] = line.cap[y]
            continue
        _, bound, scale = integral_row(by_year[y], line.cap[y])
        out[y] = Fraction(bound) / scale
    return out


def task_upper_bounds(inp: ModelInput, years: list[int] | None = None,
                      rounded: Mapping[str, Mapping[int, Fraction]] | None = None) -> dict[str, int]:
    """The most units of each task that fit its years, one line and one year at a time.

    min(remaining target, Σ_{y ∈ Y_t} min over lines with a cost of ⌊B̃_y / a_{t,y}⌋); with carry-
    over the local line's whole budget stands for each year. A valid bound for every plan.
    """
    years = years if years is not None else planned_years(inp)
    all_lines = lines(inp)
    columns = inp.columns()
    caps = rounded or {ln.name: rounded_caps(inp, ln, years, columns) for ln in all_lines}
    totals = {ln.name: sum(ln.cap.values(), _ZERO) + ln.opening for ln in all_lines}
    out = {}
    for t in inp.planned_tasks:
        fit = 0
        mine = [ln for ln in all_lines if ln.touches(t.task_id)]
        for y in (y for y in t.years if y in years):
            best: int | None = None
            for ln in mine:
                a = ln.cost(t, y)
                if a <= 0:
                    continue
                cap = totals[ln.name] if ln.cumulative else caps[ln.name][y]
                n = max(math.floor(cap / a), 0)
                best = n if best is None else min(best, n)
            if best is None:
                fit = t.remaining
                break
            fit += best
            if fit >= t.remaining:
                break
        out[t.task_id] = min(fit, t.remaining)
    return out

"""Tidy tables of a plan: allocation, achievement and budget use (see ``result``).

``table_rows`` computes the three tables as plain rows (named tuples, no pandas): what the result
folder's CSV files and the command line print are written from. ``frames`` turns those rows into
the tidy DataFrames of ``Result.allocation``, ``.achievement`` and ``.budget``; it is the only
place here that imports pandas, and a ``Result`` calls it the first time a table is asked for.

``achievement.largest_year_share`` is the largest share of a task's planned units that falls in
one year (1/n: perfectly even over n years; 1: all in one year; NaN: nothing planned).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, NamedTuple

from kgkc_opt.inputs.effects import MoneyLine
from kgkc_opt.model.check import evenness
from kgkc_opt.model.data import ModelInput
from kgkc_opt.model.lines import CapRow

if TYPE_CHECKING:
    import pandas as pd

    from kgkc_opt.inputs.scenario import Scenario


class AllocationRow(NamedTuple):
    """Units of a task in a year and what they cost (million VND)."""

    task_id: str
    year: int
    quantity: int
    local_budget: float
    cofunding: float
    #: the program's other state sources (national funds, ...): (source id, money), in the
    #: program's order; empty for a program with the local budget and co-funding only
    sources: tuple[tuple[str, float], ...] = ()

    def amounts(self) -> dict[str, float]:
        """The row's money columns as the result folder writes them: the other state sources'
        columns named by source id (``source_column``) after local_budget and cofunding."""
        return {**self._asdict(), **{source_column(sid): amount for sid, amount in self.sources}}


#: the allocation's own columns: a source whose id is one of them gets a suffix
_ALLOCATION_OWN = ("task_id", "year", "quantity", "local_budget", "cofunding", "sources")


def source_column(source_id: str) -> str:
    """The allocation column of another state source: its id (``national``), or ``<id>_funds``
    where the id is one of the table's own columns."""
    return f"{source_id}_funds" if source_id in _ALLOCATION_OWN else source_id


def allocation_columns(rows: TableRows) -> tuple[str, ...]:
    """The allocation table's columns: the fixed ones, then one per other state source."""
    fixed = tuple(c for c in AllocationRow._fields if c != "sources")
    extra = tuple(source_column(sid) for sid, _ in rows.allocation[0].sources) if rows.allocation else ()
    return fixed + extra


class AchievementRow(NamedTuple):
    """A task's target and what the plan (with the units delivered) achieves of it."""

    task_id: str
    target: int
    achieved: int
    share: float
    shortfall: int
    floor: int
    weight: float
    tier: int
    largest_year_share: float
    #: the units that earn the full share: a target range's minimum, else the target
    target_min: int


class BudgetRow(NamedTuple):
    """One money source in one year: its cap, what the plan uses, and the cap's shadow price."""

    year: int
    source: str
    cap: float
    used: float
    slack: float
    shadow_price: float


@dataclass(frozen=True)
class TableRows:
    """The rows of the three tables, in table order."""

    allocation: tuple[AllocationRow, ...]
    achievement: tuple[AchievementRow, ...]
    budget: tuple[BudgetRow, ...]


def table_rows(
    scenario: Scenario, inp: ModelInput, plan: Mapping[tuple[str, int], int], prices: Mapping[CapRow, float]
) -> TableRows:
    """The rows of the allocation, achievement and budget tables of ``plan`` (no pandas).
    ``prices``: the shadow price of every priced cap row (``solver.prices``; ``no_prices`` for none),
    looked up by the row's identity: a row without a price is a KeyError."""
    tasks = {t.task_id: t for t in inp.tasks}
    declared = {t.id: t.years for t in scenario.program.tasks}
    allocation = []
    # the program's other state sources (national funds, ...): a column each (h13: #24 item 4)
    state_lines = [line for line in inp.lines if line.funding_source is not None]
    for t in inp.tasks:
        # every year the program lets the task run (a link may keep some at 0)
        for y in declared.get(t.task_id, t.years):
            if y not in inp.local_budget:
                continue
            q = int(plan.get((t.task_id, y), 0))
            sources = tuple((str(line.funding_source), float(line.cost(t.task_id, y) * q)) for line in state_lines)
            allocation.append(AllocationRow(t.task_id, int(y), q, float(t.local(y) * q), float(t.cofunding(y) * q),
                                            sources))

    even = evenness(inp, plan)
    achievement = []
    for t in inp.tasks:
        achieved = t.done + sum(q for (tid, _), q in plan.items() if tid == t.task_id)
        # over-delivery (possible in actuals) is reported in 'achieved' but counts at most 100%; a
        # range's share is of its minimum (full credit there, docs/model.md)
        share = Fraction(min(achieved, t.credit), t.credit) if t.target else Fraction(1 if achieved == 0 else 0)
        largest = even[t.task_id]
        achievement.append(AchievementRow(
            t.task_id, int(t.target), int(achieved), float(share), int(max(t.credit - achieved, 0)), int(t.floor),
            float(t.weight), int(t.tier), float(largest) if largest is not None else float("nan"), int(t.credit)))

    budget = []
    carry = inp.opening_carry if inp.carry_over else Fraction(0)
    for y in inp.years:
        if y not in inp.local_budget:
            continue
        local = sum((tasks[tid].local(y) * q for (tid, yy), q in plan.items() if yy == y), Fraction(0))
        cof = sum((tasks[tid].cofunding(y) * q for (tid, yy), q in plan.items() if yy == y), Fraction(0))
        cap = inp.local_budget[y] + (carry if inp.carry_over else 0)
        budget.append(BudgetRow(int(y), "local", float(cap), float(local), float(cap - local),
                                float(prices[CapRow(MoneyLine.LOCAL_BUDGET, y)])))
        budget.append(BudgetRow(int(y), "cofunding", float(inp.cofunding_cap[y]), float(cof),
                                float(inp.cofunding_cap[y] - cof), float(prices[CapRow(MoneyLine.COFUNDING, y)])))
        for line in inp.lines:
            # the program's other state sources (national funds, ...): one row each, named by source id
            if line.funding_source is None or y not in line.cap:
                continue
            used = sum((line.cost(tid, y) * q for (tid, yy), q in plan.items() if yy == y), Fraction(0))
            # (an extra line's cap is not priced: the plan LP prices the two built-in lines only)
            budget.append(BudgetRow(int(y), line.funding_source, float(line.cap[y]), float(used),
                                    float(line.cap[y] - used), 0.0))
        if inp.carry_over:
            carry = cap - local
    return TableRows(tuple(allocation), tuple(achievement), tuple(budget))


def allocation_frame(rows: TableRows) -> pd.DataFrame:
    """index (task_id, year); quantity, local_budget, cofunding, then a column per other state
    source of the program (``national``, ...: ``allocation_columns``)."""
    import pandas as pd

    frame = pd.DataFrame([r.amounts() for r in rows.allocation], columns=list(allocation_columns(rows)))
    return frame.astype({"quantity": "int64", "year": "int64"}).set_index(["task_id", "year"])


def achievement_frame(rows: TableRows) -> pd.DataFrame:
    """index task_id; target, achieved, share, shortfall, floor, weight, tier, largest_year_share,
    target_min (a range's minimum, else the target; share and shortfall are of it)."""
    import pandas as pd

    return pd.DataFrame([r._asdict() for r in rows.achievement]).set_index("task_id")


def budget_frame(rows: TableRows) -> pd.DataFrame:
    """index (year, source); cap, used, slack, shadow_price."""
    import pandas as pd

    frame = pd.DataFrame([r._asdict() for r in rows.budget], columns=list(BudgetRow._fields))
    return frame.astype({"year": "int64"}).set_index(["year", "source"])  # no rows: nothing left to plan


FRAMES = {"allocation": allocation_frame, "achievement": achievement_frame, "budget": budget_frame}


def tables(
    scenario: Scenario, inp: ModelInput, plan: Mapping[tuple[str, int], int], prices: Mapping[CapRow, float]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The three tables as DataFrames at once (``table_rows`` then the frames)."""
    rows = table_rows(scenario, inp, plan, prices)
    return allocation_frame(rows), achievement_frame(rows), budget_frame(rows)

"""What one more (or one less) billion VND buys, and the least money a goal needs: exact figures.

A shadow price is a rate that holds for the first million only: on the decision as written it
says 1.59 targets per billion where one more billion actually buys 0.0048. What a planner reads
("1 billion VND more in 2024 would fund 3 more machinery establishments") is therefore found by
solving again with the cap changed (``exact_gains``): the plan is re-optimised with the same
formulation, policy and structure, and the difference in units achieved is reported per task.
``least_money`` (from ``analysis.repairs``) gives the exact least amount that meets every
target, in all years together and in each year alone, each verified by re-solving.

Money in million VND; ``Fraction(1000)`` is one billion.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

import pandas as pd

from kgkc_opt.analysis.plan import solve
from kgkc_opt.analysis.repairs import LeastMoney, least_money
from kgkc_opt.inputs.scenario import Scenario
from kgkc_opt.solver.result import Result
from kgkc_opt.solver.status import Status

__all__ = ["BILLION", "Gain", "LeastMoney", "exact_gains", "gains_frame", "gains_table", "least_money"]

BILLION = Fraction(1000)
SECTIONS = {"local": "budget", "cofunding": "cofunding"}


@dataclass(frozen=True)
class Gain:
    """One exact re-solve with one cap changed.

    ``year`` None: every planned year changed by ``amount``; ``units``: the change in units
    achieved per task (non-zero only); ``objective_change``: the exact change in the weighted
    share of targets met, ``cofunding_change`` in the co-funding the plan mobilises (None when
    the changed scenario has no plan).
    """

    source: str
    year: int | None
    amount: Fraction
    status: Status
    objective_change: Fraction | None
    units: Mapping[str, int]
    cofunding_change: Fraction | None = None

    @property
    def every_year(self) -> bool:
        return self.year is None


def _achieved(result: Result) -> dict[str, int]:
    return {str(tid): int(n) for tid, n in result.achievement["achieved"].items()}


def exact_gains(scenario: Scenario, result: Result | None = None, *, amount: Fraction | int = BILLION,
                sources: Iterable[str] = ("local",), both_directions: bool = True, every_year: bool = True,
                years: Iterable[int] | None = None, solver: str | None = None) -> list[Gain]:
    """For each source and planned year (and every year at once), the plan re-solved with the cap
    ``amount`` higher (and, with ``both_directions``, lower; a cut never below zero)."""
    amount = Fraction(amount)
    if result is None:
        result = solve(scenario, solver=solver, with_shadow_prices=False)
    if not result.has_plan:
        raise ValueError(f"scenario {scenario.name!r} has no plan: nothing to compare a change with")
    base_units = _achieved(result)
    base_value = result.exact_objective
    all_years = list(scenario.planned_years())
    planned = all_years if years is None else [y for y in years if y in all_years]
    gains = []
    for source in sources:
        caps = scenario.local_budget if source == "local" else scenario.cofunding
        section = SECTIONS[source]
        targets: list[int | None] = list(planned)
        if every_year:
            targets.append(None)
        for year in targets:
            for sign in ((1, -1) if both_directions else (1,)):
                delta = sign * amount
                changed_years = all_years if year is None else [year]
                change = {y: float(max(caps[y] + delta, Fraction(0))) for y in changed_years}
                label = "all" if year is None else str(year)
                variant = scenario.derive(name=f"{scenario.name} {'+' if sign > 0 else '-'}{amount} {source} {label}",
                                          **{section: change})
                other = solve(variant, solver=solver or result.solver, with_shadow_prices=False, explain=False)
                if not other.has_plan:
                    gains.append(Gain(source, year, delta, other.status, None, {}))
                    continue
                units = {tid: n - base_units.get(tid, 0) for tid, n in _achieved(other).items()
                         if n != base_units.get(tid, 0)}
                change_value = other.exact_objective - base_value
                cof = Fraction(_cofunding(other)) - Fraction(_cofunding(result))
                gains.append(Gain(source, year, delta, other.status, change_value, units, cof))
    return gains


def _cofunding(result: Result) -> float:
    return float(result.allocation["cofunding"].sum())


def gains_frame(gains: Iterable[Gain]) -> pd.DataFrame:
    """Tidy: one row per gain and task (a gain that changes no task has one row, task_id "")."""
    rows = []
    for g in gains:
        base = {"source": g.source, "year": "all" if g.year is None else g.year, "amount": float(g.amount),
                "status": g.status.value,
                "objective_change": float(g.objective_change) if g.objective_change is not None else float("nan"),
                "cofunding_change": float(g.cofunding_change) if g.cofunding_change is not None else float("nan")}
        if not g.units:
            rows.append({**base, "task_id": "", "units": 0})
        for tid, n in g.units.items():
            rows.append({**base, "task_id": tid, "units": n})
    return pd.DataFrame(rows, columns=["source", "year", "amount", "status", "objective_change",
                                       "cofunding_change", "task_id", "units"])


def gains_table(scenario: Scenario, result: Result, *, amount: Fraction | int = BILLION,
                solver: str | None = None) -> pd.DataFrame:
    """The exact gains of ``amount`` more and less local budget in each year and in every year,
    as the tidy frame the documents read (``gains_frame``; ``year`` "all" for every year)."""
    found = exact_gains(scenario, result, amount=amount, sources=("local",), both_directions=True,
                        every_year=True, solver=solver)
    return gains_frame(found)

"""The exact figures the documents show, in one place: what 1 billion VND more or less buys, and the
least money that meets every target.

``gains_table(scenario, result)`` is the tidy gains frame of ``kgkc_opt.analysis.gains``
(``source, year, amount, status, objective_change, task_id, units``; ``year`` is ``"all"`` for
every year): one exact re-solve per year, and one for every year at once, with the local budget
cap 1,000 million VND higher and lower. ``least(scenario)`` is the exact least extra local budget
that meets every target (``analysis.gains.least_money``), or None where that analysis is not
available. The brief, the workbook, the gains chart and ``kgkc-opt sensitivity`` all read these,
so they always agree.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pandas as pd

AMOUNT = Fraction(1000)  # million VND: one billion
COLUMNS = ["source", "year", "amount", "status", "objective_change", "task_id", "units"]


def _gains_module() -> Any:
    try:
        from kgkc_opt.analysis import gains  # type: ignore[attr-defined]
    except ImportError:
        return None
    return gains


def gains_table(scenario: Any, result: Any, *, amount: Fraction = AMOUNT, solver: str | None = None) -> pd.DataFrame:
    """Exact gains of ``amount`` more and less local budget in each year and in every year."""
    module = _gains_module()
    if module is not None:
        found = module.exact_gains(scenario, result, amount=amount, sources=("local",), both_directions=True,
                                   every_year=True, solver=solver)
        return module.gains_frame(found)
    return _resolved(scenario, result, amount, solver)


def _resolved(scenario: Any, result: Any, amount: Fraction, solver: str | None) -> pd.DataFrame:
    """The same table by plain re-solves (used until ``analysis.gains`` is available)."""
    from kgkc_opt.analysis.plan import solve

    rows: list[dict[str, Any]] = []
    years = list(scenario.planned_years())
    for year in [*years, "all"]:
        for sign in (1, -1):
            delta = amount * sign
            caps = {y: scenario.local_budget[y] + delta for y in (years if year == "all" else [year])}
            if any(v < 0 for v in caps.values()):
                continue
            alt = solve(scenario.derive(name=f"{scenario.name} {float(delta):+g} {year}",
                                        budget={y: int(v) if v.denominator == 1 else float(v)
                                                for y, v in caps.items()}), solver=solver)
            base = {"source": "local", "year": year, "amount": float(delta), "status": alt.status.value}
            if not alt.has_plan or result.objective is None or alt.objective is None:
                rows.append({**base, "objective_change": None, "task_id": None, "units": 0})
                continue
            change = alt.objective - result.objective
            a = result.achievement["achieved"]
            b = alt.achievement["achieved"].reindex(a.index).fillna(0)
            moved = [(str(t), int(d)) for t, d in (b - a).items() if int(d) != 0]
            if not moved:
                rows.append({**base, "objective_change": change, "task_id": None, "units": 0})
            for tid, d in moved:
                rows.append({**base, "objective_change": change, "task_id": tid, "units": d})
    return pd.DataFrame(rows, columns=COLUMNS)


def least(scenario: Any, *, solver: str | None = None) -> Any:
    """The exact least extra local budget that meets every target (``LeastMoney``), or None."""
    module = _gains_module()
    if module is None:
        return None
    return module.least_money(scenario, goal="all_targets", source="local", solver=solver)

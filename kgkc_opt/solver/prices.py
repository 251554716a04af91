"""Shadow prices of the annual caps: the LP at an integer plan, and the ranges where they hold.

These are *rates*: objective gained per extra million VND at the margin, valid between the cap
values HiGHS ranging gives. What a whole billion more buys is not a rate but an exact re-solve
(``kgkc_opt.analysis.sensitivity``, ``kgkc_opt.analysis.gains``).
"""

from __future__ import annotations

from collections.abc import Mapping

from kgkc_opt.model.data import ModelInput
from kgkc_opt.model.formulations import linear_full
from kgkc_opt.model.lines import ROW_KINDS, CapRow, no_prices
from kgkc_opt.solver.highs import HighsBackend
from kgkc_opt.solver.status import Status

__all__ = ["PRICED_ROWS", "CapRow", "no_prices", "plan_lp_prices", "shadow_prices"]

#: The cap rows priced, by row kind: the local budget's and the co-funding's (not the extra lines).
PRICED_ROWS = {kind: line for line, kind in ROW_KINDS.items()}


def shadow_prices(inp: ModelInput, plan: Mapping[tuple[str, int], int], *,
                  backend: HighsBackend | None = None) -> dict[CapRow, float]:
    """Objective gained per extra million VND on each annual cap, from the LP at the plan.

    The LP keeps the plan's units as a floor (q[t,y] ≥ plan) and lets q grow continuously: its
    dual on ``local_cap[y]`` is what one more million in year y would add at the margin, spent on
    the best task still short of target that may run in y. (Fixing every q at the plan, the usual
    MILP recipe, leaves nothing free here, since every variable is integer, and gives zeros.)
    The LP goes to HiGHS whichever solver found the plan: the prices are a property of this LP,
    and CBC's row duals for it (through COIN_CMD) were measured not to be dual-feasible (0 on four
    local caps whose price is 1/630).

    Every priced line has a price in every planned year (0 where its row binds nothing or was
    not written, no unit having a cost on it); a key outside them is a KeyError, never a silent 0.
    """
    return plan_lp_prices(inp, plan, backend=backend)[0]


def plan_lp_prices(
    inp: ModelInput, plan: Mapping[tuple[str, int], int], *, ranging: bool = False,
    backend: HighsBackend | None = None,
) -> tuple[dict[CapRow, float], dict[CapRow, tuple[float, float]]]:
    """Prices of the cap rows in the LP at the plan (see ``shadow_prices``) and, with ``ranging``,
    the cap values between which each price holds, in million VND (only for rows the LP has)."""
    m = linear_full(inp, continuous=True, lower=plan)
    status, duals, ranges = (backend or HighsBackend()).lp_duals(m, ranging=ranging)
    prices = no_prices(inp)
    held: dict[CapRow, tuple[float, float]] = {}
    if status != Status.OPTIMAL:
        return prices, held
    for key, info in m.rows.items():
        if info.kind not in PRICED_ROWS:
            continue
        if info.year is None:
            raise ValueError(f"cap row {key} has no year")
        row = CapRow(PRICED_ROWS[info.kind], info.year)
        if row not in prices:
            raise KeyError(f"cap row {key} is not of a planned year")
        value = -duals[key] * float(info.scale)
        prices[row] = 0.0 if abs(value) < 1e-12 else value
        if key in ranges:
            lo, hi = ranges[key]
            held[row] = (lo / float(info.scale), hi / float(info.scale))
    return prices, held

"""Explaining an infeasible scenario (first version: what conflicts; repairs come with issue 3)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any


def explain_infeasible(scenario: Any, *, solver: str = "highs") -> str:
    """A plain-language account of why the hard requirements (floors) cannot all be met."""
    inp = scenario.model_input()
    lines = [f"Scenario {scenario.name!r} cannot be planned: its floors (must-keep quantities) "
             "cost more than the annual caps allow."]
    need_local = Fraction(0)
    need_cof = Fraction(0)
    for t in inp.planned_tasks:
        if t.remaining_floor:
            need_local += t.unit_local * t.remaining_floor
            need_cof += t.unit_cofunding * t.remaining_floor
            lines.append(
                f"  floor {t.task_id}: {t.remaining_floor} units in years {', '.join(map(str, t.years))}"
                f" need {float(t.unit_local * t.remaining_floor):,.3f} local budget and "
                f"{float(t.unit_cofunding * t.remaining_floor):,.3f} co-funding (million VND)"
            )
    local_total = sum(inp.local_cap.values(), Fraction(0))
    cof_total = sum(inp.cofunding_cap.values(), Fraction(0))
    lines.append(f"  floors need {float(need_local):,.3f} local budget of {float(local_total):,.3f} available, "
                 f"and {float(need_cof):,.3f} co-funding of {float(cof_total):,.3f} available")
    return "\n".join(lines)

"""The public ``solve``: solve a scenario and, when it is infeasible, explain why and how to repair.

``solve(scenario)`` is ``kgkc_opt.solver.run.solve_scenario`` plus, for an infeasible scenario,
``repairs.explain_infeasible`` (conflicts in the program's terms and a menu of verified repairs)
in ``Result.explanation``. It never raises for an infeasible scenario.
"""

from __future__ import annotations

import dataclasses

from kgkc_opt.analysis.repairs import explain_infeasible
from kgkc_opt.inputs.program import Program
from kgkc_opt.inputs.scenario import Scenario, baseline
from kgkc_opt.solver.result import Result
from kgkc_opt.solver.run import solve_scenario
from kgkc_opt.solver.status import Status


def solve(
    scenario: Scenario | Program, *, solver: str | None = None, time_limit: float | None = None,
    method: str = "decompose", tie_break: bool = True, with_shadow_prices: bool = True,
    explain: bool = True, policy: str | None = None, structure: bool | None = None,
) -> Result:
    """Solve a scenario (or a program, taken as its baseline) and return a typed ``Result``.

    ``solver``: "highs" (default) or "cbc"; ``time_limit`` in seconds (default: the scenario's,
    else none: every stage is bounded by counts, so the plan does not depend on the machine);
    ``method``: "decompose" (default, exact) or "direct" (the plain model). An
    infeasible scenario returns a Result with status INFEASIBLE and, with ``explain``, an
    explanation with verified repairs; it does not raise. ``policy`` ("most-targets", "fair",
    "keep-cofunding") says how to cut when money is short; ``structure=False`` plans without the
    program's structure (cadences, links), for comparison.
    """
    if isinstance(scenario, Program):
        scenario = baseline(scenario)
    result = solve_scenario(scenario, solver=solver, time_limit=time_limit, method=method,
                            tie_break=tie_break, with_shadow_prices=with_shadow_prices, policy=policy,
                            structure=structure)
    if result.status != Status.INFEASIBLE or not explain:
        return result
    explanation = explain_infeasible(scenario, solver=result.solver)
    return dataclasses.replace(result, explanation=explanation, message=str(explanation))

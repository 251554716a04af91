"""Solving one scenario into a typed ``Result``: optimise, re-check exactly, price, tabulate.

``solve_scenario(scenario)`` is the solve stage's whole job: the model input of the scenario,
``decompose.optimise``, the exact re-check of the plan (``model.check``), the shadow prices and
the rows of the tidy tables (their DataFrames are built when first asked for). It does not
explain an infeasible scenario (that is analysis: the public ``kgkc_opt.solve`` adds the
explanation). ``input_hash`` fingerprints the model input and the solver options for
``reproduce``: it is derived from every field of ``ModelInput`` by reflection, so a new field
cannot be left out of it.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
import time
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from kgkc_opt.errors import UsageError
from kgkc_opt.inputs.program import Program
from kgkc_opt.inputs.scenario import Scenario, baseline, require_rules_in_force
from kgkc_opt.model.check import achievement_value, check_plan
from kgkc_opt.model.data import ModelInput, model_input
from kgkc_opt.model.objectives import POLICIES
from kgkc_opt.solver.backend import backend_for
from kgkc_opt.solver.bounds import share_bound
from kgkc_opt.solver.decompose import DEFAULT_TIME_LIMIT, OPTIMALITY_TOLERANCE, optimise
from kgkc_opt.solver.prices import no_prices, shadow_prices
from kgkc_opt.solver.result import Result
from kgkc_opt.solver.status import Status
from kgkc_opt.solver.tables import table_rows


def canonical(value: Any) -> Any:
    """A JSON-able canonical form: exact fractions as "n/d", mappings sorted by key, dataclasses
    as their fields (every field: nothing is listed by hand)."""
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, enum.Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        items = [(json.dumps(canonical(k), sort_keys=True), canonical(v)) for k, v in value.items()]
        return [[k, v] for k, v in sorted(items, key=lambda kv: kv[0])]
    if isinstance(value, list | tuple | frozenset | set):
        items = [canonical(v) for v in value]
        if isinstance(value, frozenset | set):
            items.sort(key=lambda v: json.dumps(v, sort_keys=True))
        return items
    raise TypeError(f"cannot fingerprint a {type(value).__name__}")


def input_hash(inp: ModelInput, options: Mapping[str, Any]) -> str:
    """SHA-256 of the model input and solver options in a canonical form (exact fractions)."""
    doc = {"input": canonical(inp), "options": canonical(dict(options))}
    blob = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(blob.encode("utf-8")).hexdigest()


def solve_scenario(
    scenario: Scenario | Program, *, solver: str | None = None, time_limit: float | None = None,
    method: str = "decompose", tie_break: bool = True, with_shadow_prices: bool = True,
    policy: str | None = None, structure: bool | None = None,
) -> Result:
    """Solve a scenario (or a program, taken as its baseline) into a ``Result`` (no explanation
    of an infeasible one: see ``kgkc_opt.solve``).

    ``policy``: how to cut when money is short (``model.objectives.POLICIES``; default: the
    scenario's, else "most-targets"); ``structure``: False plans without the program's structure
    (default: the scenario's setting, else on).
    """
    if isinstance(scenario, Program):
        scenario = baseline(scenario)
    if not isinstance(scenario, Scenario):
        raise TypeError(f"solve() takes a Scenario or a Program, not {type(scenario).__name__}")
    require_rules_in_force(scenario)  # a scenario made in code has not been checked on reading
    solver = solver or scenario.solver or "highs"
    if policy is not None and policy not in POLICIES:
        raise UsageError("unknown policy {policy!r}; choose one of {policies}", policy=policy,
                         policies=", ".join(POLICIES))
    backend = backend_for(solver)
    if time_limit is None:  # no wall-clock limit unless the user gives one (docs/model.md, "Limits")
        time_limit = scenario.time_limit or DEFAULT_TIME_LIMIT
    inp = model_input(scenario, structure=structure)
    if policy is not None:
        inp = dataclasses.replace(inp, policy=policy)
    policy = inp.policy
    options = {"solver": solver, "time_limit": time_limit, "method": method, "tie_break": tie_break,
               "mip_rel_gap": 0.0}
    started = time.perf_counter()
    outcome = optimise(inp, solver=backend, time_limit=time_limit, method=method, tie_break=tie_break)
    max_objective = float(sum((t.weight for t in inp.planned_tasks), Fraction(0)))
    common: dict[str, Any] = dict(
        scenario=scenario.name, program=scenario.program.id, solver=solver,
        solver_version=backend.version(), method=outcome.method,
        max_objective=max_objective, changes=scenario.changes,
        input_hash=input_hash(inp, options), solver_options=options, policy=policy,
    )
    if not outcome.status.has_plan or outcome.plan is None:
        return Result(status=outcome.status, message=outcome.message, timings=outcome.timings, **common)
    plan = outcome.plan
    check_plan(inp, plan)
    value = achievement_value(inp, plan)
    # the bound and the gap are of the objective reported, A (solver.bounds), tiers or not
    bound = share_bound(inp, value, outcome.status, outcome.bound, outcome.values, backend, policy)
    bound_f = float(bound)
    gap = 0.0 if outcome.status == Status.OPTIMAL else float((bound - value) / max(abs(value), Fraction(1, 10**9)))
    if gap <= OPTIMALITY_TOLERANCE:
        gap = 0.0
    prices = shadow_prices(inp, plan) if with_shadow_prices else no_prices(inp)
    timings = dict(outcome.timings)
    timings["total"] = time.perf_counter() - started
    rows = table_rows(scenario, inp, plan, prices)
    return Result(
        status=outcome.status, message=outcome.message, timings=timings, _objective=float(value), _exact=value,
        _bound=bound_f, _gap=gap, _values=dict(outcome.values), _rows=rows, _plan=dict(plan), rhythm=outcome.rhythm,
        **common,
    )

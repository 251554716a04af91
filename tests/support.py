"""Small adapters the tests share: the PuLP problem of a formulation, and a solve of it.

(The package itself builds PuLP problems only for CBC and the plain model; tests look at them to
check that both doors to the solvers see the same model.)
"""

from __future__ import annotations

from typing import Any

from kgkc_opt.model.formulations import linear_aggregate, linear_full
from kgkc_opt.solver.highs import HighsBackend
from kgkc_opt.solver.pulp_model import BuiltModel, PulpBackend, to_pulp
from kgkc_opt.solver.status import Outcome


def build_full(inp: Any, **kwargs: Any) -> BuiltModel:
    return to_pulp(linear_full(inp, **kwargs))


def build_aggregate(inp: Any, **kwargs: Any) -> BuiltModel:
    return to_pulp(linear_aggregate(inp, **kwargs))


def run_pulp(built: BuiltModel, *, solver: str = "highs", **kwargs: Any) -> Outcome:
    return PulpBackend(solver).run(built, **kwargs)


def run_linear(m: Any, *, solver: str = "highs", **kwargs: Any) -> Outcome:
    backend = HighsBackend() if solver == "highs" else PulpBackend(solver)
    return backend.solve(m, **kwargs)


def row_duals(built: BuiltModel) -> dict[str, float]:
    """Dual value of every named row of a PuLP problem after an LP solve (to compare with HiGHS's)."""
    out = {}
    for key in built.rows:
        con = built.constraint(key)
        pi = getattr(con, "pi", None) if con is not None else None
        out[key] = float(pi) if pi is not None else 0.0
    return out

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


def lp_text(m: Any) -> str:
    """A model as canonical LP-like text: one line per row and per column, sorted, coefficients
    exact as written, so that two builds compare independently of row and column order."""
    names = m.col_names

    def num(v: float) -> str:
        return repr(int(v)) if float(v).is_integer() else repr(float(v))

    lines = []
    for key, index, value, lo, hi in zip(m.row_keys, m.row_index, m.row_value, m.row_lower, m.row_upper,
                                         strict=True):
        terms = " ".join(f"{'+' if a >= 0 else '-'} {num(abs(a))} {names[j]}"
                         for j, a in sorted(zip(index, value, strict=True), key=lambda ja: names[ja[0]]))
        lines.append(f"row {key}: {num(lo) if lo != float('-inf') else '-inf'} <= {terms} <= "
                     f"{num(hi) if hi != float('inf') else 'inf'}")
    for name, lo, hi, integer, cost in zip(m.col_names, m.col_lower, m.col_upper, m.col_integer, m.col_cost,
                                           strict=True):
        kind = "int" if integer else "real"
        lines.append(f"col {name}: {kind} [{num(lo)}, {num(hi) if hi != float('inf') else 'inf'}] cost {num(cost)}")
    return "\n".join(sorted(lines)) + "\n"

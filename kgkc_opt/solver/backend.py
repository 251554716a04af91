"""Choosing a solver back-end: one object per solver, owned by whoever solves.

A back-end solves ``LinearModel``s (``solve(m, time_limit=..., first_solution=...)`` returning an
``Outcome``) and says its ``version()``. Two exist, one file each:

``highs``  ``kgkc_opt.solver.highs.HighsBackend``: the arrays straight into highspy (default).
``cbc``    ``kgkc_opt.solver.pulp_model.PulpBackend``: a PuLP problem solved by CBC.

``PulpBackend("highs")`` (HiGHS through PuLP) is the plain model of ``method="direct"``, kept to
measure the decomposition against. ``backend_for(name)`` makes one and checks it is installed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from kgkc_opt.errors import SolverUnavailableError
from kgkc_opt.model.linear import LinearModel
from kgkc_opt.solver.highs import HighsBackend
from kgkc_opt.solver.pulp_model import PulpBackend
from kgkc_opt.solver.status import Outcome

SOLVERS = ("highs", "cbc")


class Backend(Protocol):
    name: str

    def solve(self, m: LinearModel, *, time_limit: float | None = None,
              first_solution: bool = False, node_limit: int | None = None,
              options: Mapping[str, Any] | None = None) -> Outcome: ...

    def version(self) -> str: ...


def backend_for(solver: str = "highs", *, threads: int | None = None) -> HighsBackend | PulpBackend:
    """The back-end of a solver name, checked to be installed (``SolverUnavailableError`` says how
    to install it)."""
    check_available(solver)
    if solver == "highs":
        return HighsBackend(threads=threads)
    backend = PulpBackend("cbc")
    backend.cbc_path()
    return backend


def check_available(solver: str) -> None:
    if solver not in SOLVERS:
        raise SolverUnavailableError("unknown solver {solver!r}; choose one of {solvers}", solver=solver,
                                     solvers=", ".join(SOLVERS))
    if solver == "highs":
        try:
            import highspy  # noqa: F401
        except ImportError:
            raise SolverUnavailableError(
                "HiGHS is not installed: python -m pip install highspy (a dependency of kgkc-opt)"
            ) from None
        return
    try:
        import pulp  # noqa: F401
    except ImportError:
        raise SolverUnavailableError("PuLP is not installed: python -m pip install 'kgkc-opt[cbc]'") from None
    PulpBackend("cbc").cbc_path()


def solver_version(solver: str) -> str:
    return backend_for(solver).version()

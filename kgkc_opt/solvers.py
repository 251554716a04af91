"""Running a built PuLP model on HiGHS or CBC, the same way on PuLP 3.x and 4.x.

PuLP 3 and 4 differ in what ``solve`` returns and in how they report a time-limited stop (PuLP
3.3's HiGHS interface calls a time-limit stop "Optimal"). So the status is read from the solver
itself: for HiGHS from the ``highspy.Highs`` object PuLP leaves in ``problem.solverModel``; for CBC
from PuLP's solution status. Values are read only once the status says there is a solution.
"""

from __future__ import annotations

import math
import os
import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import SolverError, SolverUnavailableError
from .result import Status

if TYPE_CHECKING:
    from .linear import LinearModel
    from .model import BuiltModel

SOLVERS = ("highs", "cbc")
_banner_silenced = False


@dataclass(frozen=True)
class Outcome:
    """What one solver run gave: status, objective (the model's minimised units), bound, values."""

    status: Status
    objective: float | None
    bound: float | None
    values: dict[Any, float] | None
    seconds: float
    is_mip: bool


def _silence_highs_banner() -> None:
    """HiGHS prints a banner on the first ``Highs()`` of a process; swallow it once."""
    global _banner_silenced
    if _banner_silenced:
        return
    _banner_silenced = True
    import highspy

    try:
        sys.stdout.flush()
        saved = os.dup(1)
    except (OSError, ValueError):
        highspy.Highs()
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def solver_version(solver: str) -> str:
    if solver == "highs":
        import highspy

        _silence_highs_banner()
        return f"HiGHS {highspy.Highs().version()}"
    from importlib import metadata

    try:
        return f"CBC (cbcbox {metadata.version('cbcbox')})"
    except metadata.PackageNotFoundError:
        return "CBC"


def check_available(solver: str) -> None:
    if solver not in SOLVERS:
        raise SolverUnavailableError(f"unknown solver {solver!r}; choose one of {', '.join(SOLVERS)}")
    if solver == "highs":
        try:
            import highspy  # noqa: F401
        except ImportError:
            raise SolverUnavailableError(
                "HiGHS is not installed: pip install highspy (it is a dependency of kgkc-opt)"
            ) from None
        return
    import pulp

    if not pulp.COIN_CMD(msg=False).available():
        raise SolverUnavailableError(
            "CBC is not installed: pip install 'pulp[cbc]' (it is a dependency of kgkc-opt)"
        )


def _make_solver(solver: str, time_limit: float | None, warm: bool, is_mip: bool) -> Any:
    import pulp

    options: dict[str, Any] = {"msg": False}
    if time_limit is not None:
        options["timeLimit"] = max(float(time_limit), 0.01)
    if is_mip:
        options["gapRel"] = 0.0
    if warm:
        options["warmStart"] = True
    if solver == "highs":
        _silence_highs_banner()
        return pulp.HiGHS(**options)
    # threads=1: CBC with more threads is not deterministic.
    return pulp.COIN_CMD(threads=1, **options)


def run(
    built: BuiltModel, *, solver: str = "highs", time_limit: float | None = None,
    warm_start: dict[Any, float] | None = None,
) -> Outcome:
    """Solve ``built`` and return its outcome; values only when there is a solution."""
    import pulp

    check_available(solver)
    problem = built.problem
    is_mip = any(v.cat == "Integer" for v in problem.variables())
    if warm_start:
        for key, var in built.variables.items():
            if key in warm_start:
                var.setInitialValue(warm_start[key])
    start = time.perf_counter()
    try:
        returned = problem.solve(_make_solver(solver, time_limit, bool(warm_start), is_mip))
    except pulp.PulpSolverError as exc:
        raise SolverError(f"{solver} failed on the {built.kind} model: {exc}") from exc
    seconds = time.perf_counter() - start
    if solver == "highs":
        status, objective, bound = highs_status(problem.solverModel, is_mip)
    else:
        status, objective, bound = _cbc_status(problem, returned)
    values = None
    if status.has_plan:
        values = {key: var.value() for key, var in built.variables.items()}
        if any(v is None for v in values.values()):
            raise SolverError(f"{solver} reported a solution but left variables without values")
    return Outcome(status, objective, bound, values, seconds, is_mip)


def run_linear(
    m: LinearModel, *, solver: str = "highs", time_limit: float | None = None,
    first_solution: bool = False,
) -> Outcome:
    """Solve a ``linear.LinearModel``: straight in HiGHS, or through PuLP for CBC.

    ``first_solution``: stop at the first feasible solution (HiGHS only; for a schedule whose
    objective only guides the search, as in sweeps). No warm start (see ``fastpath``).
    """
    if solver == "highs":
        from .fastpath import solve_linear

        return solve_linear(m, time_limit=time_limit, first_solution=first_solution)
    from .linear import to_pulp

    return run(to_pulp(m), solver=solver, time_limit=time_limit)


def highs_status(h: Any, is_mip: bool) -> tuple[Status, float | None, float | None]:
    """(status, objective, bound) of a run of the ``highspy.Highs`` object ``h``.

    Used for PuLP's HiGHS object (``problem.solverModel``) and for the direct path (``fastpath``).
    """
    import highspy

    model_status = h.getModelStatus()
    info = h.getInfo()
    ms = highspy.HighsModelStatus
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    objective = info.objective_function_value if has_solution else None
    bound = None
    if is_mip:
        bound = info.mip_dual_bound if math.isfinite(info.mip_dual_bound) else None
    if model_status == ms.kOptimal:
        return Status.OPTIMAL, objective, bound if is_mip else objective
    if model_status in (ms.kInfeasible, ms.kUnboundedOrInfeasible):
        return Status.INFEASIBLE, None, None
    if model_status in (ms.kTimeLimit, ms.kIterationLimit, ms.kInterrupt, ms.kSolutionLimit,
                        ms.kObjectiveBound, ms.kObjectiveTarget, ms.kMemoryLimit):
        return (Status.FEASIBLE if has_solution else Status.NO_SOLUTION), objective, bound
    raise SolverError(f"HiGHS stopped with status {h.modelStatusToString(model_status)!r}")


def _cbc_status(problem: Any, returned: Any) -> tuple[Status, float | None, float | None]:
    if hasattr(returned, "has_solution"):  # PuLP 4: LpSolveStats
        code = int(returned.status)
        has_solution = bool(returned.has_solution)
        bound = returned.best_bound
        proven = code == 1
    else:  # PuLP 3: int status, sol_status on the problem
        code = int(problem.status)
        sol = int(problem.sol_status)
        has_solution = sol in (1, 2)
        proven = code == 1 and sol == 1
        bound = None
    if code == -1:
        return Status.INFEASIBLE, None, None
    objective = problem.objective.value() if has_solution else None
    if proven and has_solution:
        return Status.OPTIMAL, objective, objective
    if has_solution:
        return Status.FEASIBLE, objective, bound
    if code == 0 or code < -2:
        return Status.NO_SOLUTION, None, None
    raise SolverError(f"CBC stopped with PuLP status {code}")


def row_duals(built: BuiltModel) -> dict[str, float]:
    """Dual value of every named row (per unit of the row as written), after an LP solve."""
    out = {}
    for key in built.rows:
        con = built.constraint(key)
        pi = getattr(con, "pi", None) if con is not None else None
        out[key] = float(pi) if pi is not None else 0.0
    return out

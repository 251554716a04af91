"""PuLP problems: CBC (and HiGHS through PuLP, the plain model of ``method="direct"``).

``to_pulp(m)`` builds the PuLP problem of a ``LinearModel``, rows in the same order and named
after their keys (``local_cap[2023]`` -> ``local_cap_2023``), for CBC and for users who want PuLP
objects. ``PulpBackend`` runs such problems the same way on PuLP 3.x and 4.x, which differ in
what ``solve`` returns and in how they report a time-limited stop (PuLP 3.3's HiGHS interface
calls a time-limit stop "Optimal"): the status is read from the solver itself, for HiGHS from
the ``highspy.Highs`` object PuLP leaves in ``problem.solverModel``, for CBC from PuLP's solution
status. Values are read only once the status says there is a solution.

CBC: the ``cbc`` program is looked for where the installs put it (``find_cbc``): the ``cbcbox``
package (``pip install 'kgkc-opt[cbc]'``), the older cbc that PuLP 3 ships (Python 3.11; PuLP 4
ships none), the ``bin`` folder of the running interpreter, then PATH: a virtual environment
need not be activated. Without one, ``--solver cbc`` says the exact command that installs it
(``CBC_MISSING``). CBC runs on one thread: with more it is not deterministic.
"""

from __future__ import annotations

import contextlib
import importlib
import re
import shutil
import sys
import time
import warnings
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kgkc_opt.errors import SolverError, SolverUnavailableError
from kgkc_opt.model.linear import INF, LinearModel, ModelExtras, RowInfo
from kgkc_opt.solver.highs import default_threads, highs_status, quiet_stdout
from kgkc_opt.solver.status import Outcome, Status

if TYPE_CHECKING:
    import pulp

CBC_MISSING = ("CBC is not installed: install it with  {python} -m pip install 'kgkc-opt[cbc]'  "
               "(the CBC extra, about 550 MB; HiGHS, the default solver, needs nothing more)")


def cbc_missing() -> SolverUnavailableError:
    """The error for a machine without CBC: it says how to install it into this Python."""
    return SolverUnavailableError(CBC_MISSING, python=sys.executable)


@dataclass
class BuiltModel:
    """A PuLP problem and the maps back to the program: variables by (task, year), rows by key."""

    kind: str
    problem: pulp.LpProblem
    variables: dict[Any, Any]
    rows: dict[str, RowInfo]
    pulp_names: dict[str, str]
    objective_scale: int
    objective_offset: Fraction = Fraction(0)
    extra: ModelExtras = field(default_factory=ModelExtras)
    #: the carry-over variables by year
    carry: dict[int, Any] = field(default_factory=dict)
    #: the solver-neutral model this problem was made from (``linear.LinearModel``)
    linear: Any = None

    def constraint(self, key: str) -> Any:
        return self.problem.get_constraint_by_name(self.pulp_names[key])


_SAFE = re.compile(r"[^A-Za-z0-9_]")


def pulp_name(key: str) -> str:
    """A PuLP-safe name for a readable key: local_cap[2023] -> local_cap_2023."""
    return _SAFE.sub("_", key.replace("[", "_").replace("]", "")).strip("_")


def find_cbc() -> str | None:
    """The path of the ``cbc`` program: from the cbcbox package, PuLP 3's own, next to the
    interpreter, on PATH."""
    try:
        cbcbox: Any = importlib.import_module("cbcbox")  # the cbc of 'pip install kgkc-opt[cbc]' (pulp[cbc])
    except ImportError:
        pass
    else:
        try:
            path = cbcbox.cbc_bin_path()
        except Exception:  # a broken cbcbox install: look elsewhere
            path = None
        if path and Path(path).is_file():
            return str(path)
    pulp: Any = None
    with contextlib.suppress(ImportError):
        pulp = importlib.import_module("pulp")
    bundled = getattr(pulp, "PULP_CBC_CMD", None)  # PuLP 3 ships a cbc of its own
    if bundled is not None:
        with warnings.catch_warnings():  # PuLP 3.3 says PULP_CBC_CMD goes away in PuLP 4: its path is all we use
            warnings.simplefilter("ignore", DeprecationWarning)
            path = getattr(bundled(msg=False), "path", None)
        if path and Path(path).is_file():
            return str(path)
    for folder in (Path(sys.executable).parent, Path(sys.prefix) / "bin"):
        candidate = folder / "cbc"
        if candidate.is_file():
            return str(candidate)
    return shutil.which("cbc")


class PulpBackend:
    """Solves ``LinearModel``s through PuLP with CBC or HiGHS; owned by the caller."""

    def __init__(self, solver: str = "cbc"):
        if solver not in ("cbc", "highs"):
            raise SolverUnavailableError("unknown solver {solver!r}; choose one of {solvers}", solver=solver,
                                         solvers="highs, cbc")
        self.name = solver
        self._cbc_path: str | None = None

    def cbc_path(self) -> str:
        if self._cbc_path is None:
            path = find_cbc()
            if path is None:
                raise cbc_missing()
            self._cbc_path = path
        return self._cbc_path

    def version(self) -> str:
        if self.name == "highs":
            from kgkc_opt.solver.highs import HighsBackend

            return HighsBackend().version()
        from importlib import metadata

        path = Path(self.cbc_path())
        for package in ("cbcbox", "pulp"):  # whose cbc it is: cbcbox's, or the one PuLP 3 ships
            if package in path.parts:
                try:
                    return f"CBC ({package} {metadata.version(package)})"
                except metadata.PackageNotFoundError:
                    break
        return "CBC"

    def _make(self, time_limit: float | None, warm: bool, is_mip: bool, node_limit: int | None = None) -> Any:
        import pulp

        options: dict[str, Any] = {"msg": False}
        if node_limit is not None and is_mip:  # CBC's maxNodes, HiGHS's mip_max_nodes
            options["maxNodes" if self.name == "cbc" else "mip_max_nodes"] = int(node_limit)
        if time_limit is not None:
            options["timeLimit"] = max(float(time_limit), 0.01)
        if is_mip:
            options["gapRel"] = 0.0
        if warm:
            options["warmStart"] = True
        if self.name == "highs":
            options["threads"] = default_threads()  # the HiGHS back-end's count (one pool per process)
            return pulp.HiGHS(**options)
        return pulp.COIN_CMD(path=self.cbc_path(), threads=1, **options)

    def run(self, built: BuiltModel, *, time_limit: float | None = None,
            warm_start: Mapping[Hashable, float] | None = None, node_limit: int | None = None) -> Outcome:
        """Solve a PuLP problem; values only when there is a solution."""
        import pulp

        problem = built.problem
        is_mip = any(v.cat == "Integer" for v in problem.variables())
        if warm_start:
            for key, var in built.variables.items():
                if key in warm_start:
                    var.setInitialValue(warm_start[key])
        solver = self._make(time_limit, bool(warm_start), is_mip, node_limit)
        start = time.perf_counter()
        quiet = quiet_stdout() if self.name == "highs" else contextlib.nullcontext()
        try:
            with quiet:  # PuLP's HiGHS prints the HiGHS banner on its first run
                returned = problem.solve(solver)
        except pulp.PulpSolverError as exc:
            raise SolverError("{solver} failed on the {kind} model: {exc}", solver=self.name, kind=built.kind,
                              exc=exc) from exc
        except KeyError:
            # PuLP 3's HiGHS has no status for a stop at a node or solution limit (kSolutionLimit)
            # and raises after it has assigned the values: the status is read from HiGHS below
            if self.name != "highs" or not hasattr(problem, "solverModel"):
                raise
            returned = None
        seconds = time.perf_counter() - start
        if self.name == "highs":
            status, objective, bound = highs_status(problem.solverModel, is_mip)
        else:
            status, objective, bound = _cbc_status(problem, returned)
        values = None
        if status.has_plan:
            raw = {key: var.value() for key, var in built.variables.items()}
            if any(v is None for v in raw.values()):
                raise SolverError("{solver} reported a solution but left variables without values", solver=self.name)
            values = {key: float(v) for key, v in raw.items()}
        return Outcome(status, objective, bound, values, seconds, is_mip)

    def solve(self, m: LinearModel, *, time_limit: float | None = None,
              first_solution: bool = False, node_limit: int | None = None,
              options: Mapping[str, Any] | None = None) -> Outcome:
        """Solve a linear model through PuLP. ``node_limit``: stop after this many branch-and-bound
        nodes (CBC's maxNodes, HiGHS's mip_max_nodes); ``first_solution`` and ``options`` are
        HiGHS-direct options, ignored here (the node limit bounds the same searches)."""
        del first_solution, options
        return self.run(to_pulp(m), time_limit=time_limit, node_limit=node_limit)


def to_pulp(m: LinearModel) -> BuiltModel:
    """The PuLP problem of a linear model, rows in the same order, names from the keys."""
    import pulp

    problem = pulp.LpProblem(f"kgkc_{m.kind}", pulp.LpMinimize)
    cols = [
        problem.add_variable(pulp_name(name), lowBound=None if lo == -INF else lo,
                             upBound=None if hi == INF else hi,
                             cat="Integer" if integer else "Continuous")
        for name, lo, hi, integer in zip(m.col_names, m.col_lower, m.col_upper, m.col_integer, strict=True)
    ]
    names: dict[str, str] = {}
    for key, index, value, lo, hi in zip(m.row_keys, m.row_index, m.row_value, m.row_lower,
                                         m.row_upper, strict=True):
        expr = pulp.lpSum(a * cols[j] for j, a in zip(index, value, strict=True))
        if lo == hi:
            con = expr == lo
        elif lo == -INF:
            con = expr <= hi
        elif hi == INF:
            con = expr >= lo
        else:  # pragma: no cover - the builders write no ranged rows
            raise ValueError(f"ranged row {key}")
        name = pulp_name(key)
        problem += (con, name)
        names[key] = name
    problem.setObjective(pulp.lpSum(c * cols[j] for j, c in enumerate(m.col_cost) if c))
    variables = {k: cols[j] for k, j in m.variables.items()}
    return BuiltModel(m.kind, problem, variables, dict(m.rows), names, m.objective_scale,
                      extra=m.extra, carry={y: cols[j] for y, j in m.extra.carry.items()}, linear=m)


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
    raise SolverError("CBC stopped with PuLP status {code}", code=code)

"""HiGHS without PuLP: a ``LinearModel``'s arrays straight into ``highspy``, and warm re-solves.

``HighsBackend`` is the caller's handle on HiGHS: it holds the thread count and creates every
``highspy.Highs`` object (the first of a process prints a banner to standard output, which it
keeps off the caller's screen), so that no setting lives in module state. ``solve(m)`` passes a
model in one call (building a PuLP problem costs 10–20 ms; passing the arrays well under one)
and reads the status with ``highs_status``. ``Compiled`` keeps one HiGHS object for a model
structure and re-solves it after changing only column bounds, row bounds or costs: HiGHS keeps
the basis, so an LP re-solve after a budget change costs well under a millisecond.

No warm start of a MIP: measured on HiGHS 1.16, a MIP started from ``setSolution`` reported the
optimum's objective value with the start's column values (a lexicographic tier stage came back
with the previous tier's plan).

Threads: HiGHS fixes its thread pool at the first run in a process. A backend created with a
thread count resets that pool when it is entered (``with HighsBackend(threads=1):``); sweep
workers do so before they solve anything.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from fractions import Fraction
from typing import Any

import numpy as np

from kgkc_opt.errors import SolverError
from kgkc_opt.model.data import ModelInput
from kgkc_opt.model.formulations import linear_full, planned_years
from kgkc_opt.model.linear import INF, LinearModel
from kgkc_opt.solver.status import Outcome, Status

#: A search for a first solution (a schedule) restarts with another seed when it has found nothing
#: in this many nodes: the nodes it needs vary with HiGHS's random seed by up to 50 times on the
#: same model (measured on the schedule model of one level of the baseline's budget sweep: 23,481
#: nodes and 7.0 s with seed 0, 540 nodes and 0.28 s with seed 3). Each (seed, node limit) in turn,
#: then ``FIRST_SOLUTION_LAST_SEED`` within the caller's node limit (if any); counts and fixed seeds: the same answer
#: on every run.
FIRST_SOLUTION_RESTARTS = ((0, 2000), (3, 2000))
FIRST_SOLUTION_LAST_SEED = 0
#: Restarts only for models up to this many columns (a province's schedule model has about 120):
#: on larger ones 2,000 nodes cost seconds (measured: a 100-task, 10-year program's schedule, found
#: in 7.5 s with seed 0, was not found in its 10 s with the restarts first).
FIRST_SOLUTION_RESTART_COLUMNS = 300


def _highspy() -> Any:
    import highspy

    return highspy


#: ``quiet_stdout``'s state, one per process as file descriptor 1 is: how many callers are inside
#: and the descriptor the outermost one saved. Without it two threads interleaving (sweeps on a
#: thread pool) left descriptor 1 on /dev/null for good: the second saved /dev/null as "the
#: original" and restored it last (seen in CI: a thread-pool sweep's script printed nothing).
_QUIET_LOCK = threading.Lock()
_quiet_depth = 0
_quiet_saved: int | None = None


@contextlib.contextmanager
def quiet_stdout() -> Iterator[None]:
    """Send file descriptor 1 to /dev/null for the duration (HiGHS prints from C++, not Python).

    Thread-safe and nestable: the first caller in redirects, the last one out restores."""
    global _quiet_depth, _quiet_saved
    with _QUIET_LOCK:
        if _quiet_depth == 0:
            _quiet_saved = _redirect_stdout()
        _quiet_depth += 1
    try:
        yield
    finally:
        with _QUIET_LOCK:
            _quiet_depth -= 1
            if _quiet_depth == 0 and _quiet_saved is not None:
                with contextlib.suppress(OSError, ValueError):
                    sys.stdout.flush()
                os.dup2(_quiet_saved, 1)
                os.close(_quiet_saved)
                _quiet_saved = None


def _redirect_stdout() -> int | None:
    """Point descriptor 1 at /dev/null; the saved original, or None without a real stdout (some
    notebook kernels: nothing to keep clean)."""
    try:
        sys.stdout.flush()
        saved = os.dup(1)
    except (OSError, ValueError):
        return None
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
    finally:
        os.close(devnull)
    return saved


#: HiGHS's threads unless ``KGKC_HIGHS_THREADS`` says otherwise: a fixed count, not HiGHS's own
#: choice (which follows the machine's cores), so that a search bounded by nodes ends at the same
#: node, with the same plan, on every machine.
DEFAULT_THREADS = 1


def default_threads() -> int:
    """HiGHS's threads where none are asked for: ``KGKC_HIGHS_THREADS`` (a positive integer) if set,
    else ``DEFAULT_THREADS``. Every HiGHS of a process must use the same count (HiGHS keeps one
    thread pool per process), so this one setting serves the HiGHS back-end and PuLP's HiGHS. One
    thread solves these models as fast and uses about 30% less CPU (HiGHS's idle workers spin)."""
    value = os.environ.get("KGKC_HIGHS_THREADS", "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else DEFAULT_THREADS


class HighsBackend:
    """Solves ``LinearModel``s in HiGHS; owned by the caller (no process-wide settings).

    ``threads``: HiGHS threads (None: HiGHS's default). Entering the backend as a context manager
    with a thread count resets HiGHS's thread pool to it (HiGHS keeps one pool per process).
    """

    name = "highs"

    def __init__(self, threads: int | None = None):
        self._reset = threads is not None
        self.threads = threads if threads is not None else default_threads()
        self._quiet = False

    def __enter__(self) -> HighsBackend:
        if self._reset:
            reset = getattr(_highspy().Highs, "resetGlobalScheduler", None)
            if reset is not None:
                reset(True)
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def version(self) -> str:
        return f"HiGHS {self.new_highs().version()}"

    def new_highs(self, time_limit: float | None = None) -> Any:
        """A ``highspy.Highs`` with output off, no relative gap, and this backend's threads."""
        hs = _highspy()
        if self._quiet:
            h = hs.Highs()
        else:
            with quiet_stdout():  # the first Highs() of a process prints a banner
                h = hs.Highs()
            self._quiet = True
        h.setOptionValue("output_flag", False)
        h.setOptionValue("mip_rel_gap", 0.0)
        h.setOptionValue("random_seed", 0)  # HiGHS's default, fixed here: node-bounded searches repeat
        if self.threads is not None:
            h.setOptionValue("threads", self.threads)
        if time_limit is not None:
            h.setOptionValue("time_limit", max(float(time_limit), 0.01))
        return h

    def solve(self, m: LinearModel, *, time_limit: float | None = None,
              first_solution: bool = False, node_limit: int | None = None,
              options: Mapping[str, Any] | None = None) -> Outcome:
        """Solve a linear model; an ``Outcome`` with values by ``m.variables`` key.

        ``first_solution``: stop at the first feasible solution (a schedule whose objective only
        guides the search); ``node_limit``: stop after this many branch-and-bound nodes (a limit
        that, unlike time, gives the same answer on every run; with ``first_solution``, one above
        the restarts' counts bounds the last seed's run after them); ``options``: HiGHS options for
        this solve (e.g. heuristics a family of small models does better without).
        """
        start = time.perf_counter()
        is_mip = m.is_mip
        if _obviously_infeasible(m):
            return Outcome(Status.INFEASIBLE, None, None, None, time.perf_counter() - start, is_mip)
        if not m.col_names:  # HiGHS calls an empty model "Empty", not optimal or infeasible
            empty_ok = all(lo <= 0 <= hi for lo, hi in zip(m.row_lower, m.row_upper, strict=True))
            status = Status.OPTIMAL if empty_ok else Status.INFEASIBLE
            value = 0.0 if empty_ok else None
            return Outcome(status, value, value, {} if empty_ok else None, time.perf_counter() - start, is_mip)
        lp = highs_lp(m)  # built once, whatever the number of restarts
        restarts = node_limit is None or node_limit > max(nodes for _seed, nodes in FIRST_SOLUTION_RESTARTS)
        if first_solution and restarts and is_mip and len(m.col_names) <= FIRST_SOLUTION_RESTART_COLUMNS:
            # restarts (a count of nodes and fixed seeds: the same answer on every run)
            for seed, nodes in FIRST_SOLUTION_RESTARTS:
                left = None if time_limit is None else time_limit - (time.perf_counter() - start)
                if left is not None and left <= 0.01:
                    break
                status, objective, bound, values = self._run(m, lp, left, True, nodes, seed, options)
                if status.has_plan or status == Status.INFEASIBLE:
                    return Outcome(status, objective, bound, values, time.perf_counter() - start, is_mip)
            time_limit = None if time_limit is None else max(time_limit - (time.perf_counter() - start), 0.01)
            seed = FIRST_SOLUTION_LAST_SEED
        else:
            seed = None
        status, objective, bound, values = self._run(m, lp, time_limit, first_solution, node_limit, seed, options)
        return Outcome(status, objective, bound, values, time.perf_counter() - start, is_mip)

    def _run(self, m: LinearModel, lp: Any, time_limit: float | None, first_solution: bool, node_limit: int | None,
             seed: int | None, options: Mapping[str, Any] | None = None
             ) -> tuple[Status, float | None, float | None, dict[Any, float] | None]:
        """One HiGHS run of ``m`` (``lp``: its ``highs_lp``): status, objective, bound, values."""
        h = self.new_highs(time_limit)
        for key, setting in (options or {}).items():
            h.setOptionValue(key, setting)
        if first_solution:
            h.setOptionValue("mip_max_improving_sols", 1)
        if node_limit is not None:
            h.setOptionValue("mip_max_nodes", int(node_limit))
        if seed is not None:
            h.setOptionValue("random_seed", int(seed))
        h.passModel(lp)
        h.run()
        if h.getModelStatus() == _highspy().HighsModelStatus.kSolveError:
            # HiGHS 1.16 can end a MIP whose presolve empties it with "Solve error" (a postsolve
            # violation); solved again without presolve it answers
            h.setOptionValue("presolve", "off")
            h.run()
        status, objective, bound = highs_status(h, m.is_mip)
        values = None
        if status.has_plan:
            col = np.asarray(h.getSolution().col_value)
            values = {key: float(col[j]) for key, j in m.variables.items()}
        return status, objective, bound, values

    def lp_duals(self, m: LinearModel, *, ranging: bool = False
                 ) -> tuple[Status, dict[str, float], dict[str, tuple[float, float]]]:
        """Solve an LP: its status, the dual of every row by key and, with ``ranging``, the
        interval of each row's bound over which its dual holds (HiGHS ranging; {} if unavailable)."""
        if not m.col_names:  # nothing left to plan (every year executed): HiGHS would say "Empty"
            status = Status.OPTIMAL if not _obviously_infeasible(m) else Status.INFEASIBLE
            return status, dict.fromkeys(m.row_keys, 0.0), {}
        h = self.new_highs(None)
        h.passModel(highs_lp(m))
        h.run()
        status, _, _ = highs_status(h, False)
        if status != Status.OPTIMAL:
            return status, {}, {}
        duals = h.getSolution().row_dual
        by_key = {key: float(duals[i]) for i, key in enumerate(m.row_keys)}
        ranges: dict[str, tuple[float, float]] = {}
        if ranging:
            _ranging_status, r = h.getRanging()
            if r.valid:
                ranges = {key: (float(r.row_bound_dn.value_[i]), float(r.row_bound_up.value_[i]))
                          for i, key in enumerate(m.row_keys)}
        return status, by_key, ranges


def highs_lp(m: LinearModel) -> Any:
    """The ``highspy.HighsLp`` of a linear model (row-wise matrix, minimisation)."""
    hs = _highspy()
    inf = hs.kHighsInf
    lp = hs.HighsLp()
    n, r = len(m.col_names), len(m.row_keys)
    lp.num_col_ = n
    lp.num_row_ = r

    def bounds(values: list[float]) -> np.ndarray:
        a = np.asarray(values, dtype=np.float64)
        return np.clip(a, -inf, inf)

    lp.col_cost_ = np.asarray(m.col_cost, dtype=np.float64)
    lp.col_lower_ = bounds(m.col_lower)
    lp.col_upper_ = bounds(m.col_upper)
    lp.row_lower_ = bounds(m.row_lower)
    lp.row_upper_ = bounds(m.row_upper)
    starts = np.zeros(r + 1, dtype=np.int32)
    if r:
        starts[1:] = np.cumsum([len(ix) for ix in m.row_index])
    index = np.fromiter((j for ix in m.row_index for j in ix), dtype=np.int32, count=int(starts[-1]))
    value = np.fromiter((a for vs in m.row_value for a in vs), dtype=np.float64, count=int(starts[-1]))
    lp.a_matrix_.format_ = hs.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_ = n
    lp.a_matrix_.num_row_ = r
    lp.a_matrix_.start_ = starts
    lp.a_matrix_.index_ = index
    lp.a_matrix_.value_ = value
    if any(m.col_integer):
        lp.integrality_ = [hs.HighsVarType.kInteger if i else hs.HighsVarType.kContinuous
                           for i in m.col_integer]
    return lp


def _obviously_infeasible(m: LinearModel) -> bool:
    return any(lo > hi for lo, hi in zip(m.col_lower, m.col_upper, strict=True)) or any(
        lo > hi for lo, hi in zip(m.row_lower, m.row_upper, strict=True))


def highs_status(h: Any, is_mip: bool) -> tuple[Status, float | None, float | None]:
    """(status, objective, bound) of a run of the ``highspy.Highs`` object ``h``.

    Used for PuLP's HiGHS object (``problem.solverModel``) and for the direct path.
    """
    highspy = _highspy()
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
    if model_status == ms.kModelEmpty:  # no column (PuLP passes such models too): nothing to choose
        return Status.OPTIMAL, 0.0, 0.0
    if model_status in (ms.kInfeasible, ms.kUnboundedOrInfeasible):
        return Status.INFEASIBLE, None, None
    if model_status in (ms.kTimeLimit, ms.kIterationLimit, ms.kInterrupt, ms.kSolutionLimit,
                        ms.kObjectiveBound, ms.kObjectiveTarget, ms.kMemoryLimit):
        return (Status.FEASIBLE if has_solution else Status.NO_SOLUTION), objective, bound
    raise SolverError("HiGHS stopped with status {status!r}", status=h.modelStatusToString(model_status))


class Compiled:
    """One HiGHS object for one model structure, re-solved after bound and cost changes only.

    ``set_row_upper`` / ``set_col_bounds`` / ``set_costs`` change numbers, never the structure;
    ``solve`` re-runs HiGHS, which starts an LP from the previous basis (a warm start).
    """

    def __init__(self, m: LinearModel, backend: HighsBackend):
        self.model = m
        self.highs = backend.new_highs(None)
        self.highs.passModel(highs_lp(m))
        self.row_of = {k: i for i, k in enumerate(m.row_keys)}
        self.is_mip = m.is_mip
        self.row_upper = np.asarray(m.row_upper, dtype=np.float64)
        self.row_lower = np.asarray(m.row_lower, dtype=np.float64)

    def set_row_upper(self, rows: np.ndarray, upper: np.ndarray) -> None:
        upper = np.clip(np.asarray(upper, dtype=np.float64), -INF, INF)
        self.highs.changeRowsBounds(len(rows), np.asarray(rows, dtype=np.int32),
                                    self.row_lower[rows], upper)

    def set_col_bounds(self, cols: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
        self.highs.changeColsBounds(len(cols), np.asarray(cols, dtype=np.int32),
                                    np.asarray(lower, dtype=np.float64), np.asarray(upper, dtype=np.float64))

    def set_costs(self, cols: np.ndarray, costs: np.ndarray) -> None:
        self.highs.changeColsCost(len(cols), np.asarray(cols, dtype=np.int32),
                                  np.asarray(costs, dtype=np.float64))

    def solve(self) -> tuple[Status, float | None]:
        self.highs.run()
        status, objective, _ = highs_status(self.highs, self.is_mip)
        return status, objective

    def col_values(self) -> np.ndarray:
        return np.asarray(self.highs.getSolution().col_value)

    def row_duals(self) -> np.ndarray:
        return np.asarray(self.highs.getSolution().row_dual)


class LPCurve:
    """The full model's LP relaxation of one input, compiled once and re-solved per cap level.

    ``solve(local, cofunding)`` scales every year's local-budget and co-funding caps by the given
    factors (numbers, or arrays per planned year) and re-solves from the previous basis: only the
    right-hand sides change, never the structure. It returns the status, the LP's achievement
    (an upper bound on the integer optimum), each task's continuous total and the shadow price
    (objective per extra million VND) of each cap.
    """

    def __init__(self, inp: ModelInput, backend: HighsBackend | None = None):
        self.inp = inp
        m = linear_full(inp, continuous=True)
        self.compiled = Compiled(m, backend or HighsBackend())
        self.years = planned_years(inp)
        self.task_ids = [t.task_id for t in inp.planned_tasks]
        position = {tid: i for i, tid in enumerate(self.task_ids)}
        keys = list(m.variables)
        self.q_cols = np.asarray([m.variables[k] for k in keys], dtype=np.int64)
        self.q_task = np.asarray([position[k[0]] for k in keys], dtype=np.int64)
        self.done = np.asarray([t.done for t in inp.planned_tasks], dtype=np.float64)
        self.done_value = float(sum((t.weight * Fraction(min(t.done, t.credit), t.credit) for t in inp.planned_tasks),
                                    Fraction(0)))
        rows, base, opening, kind, row_years = [], [], [], [], []
        for i, key in enumerate(m.row_keys):
            info = m.rows[key]
            if info.kind not in ("local_cap", "cofunding_cap"):
                continue
            assert info.year is not None  # a cap row is one year's
            cap = inp.local_budget[info.year] if info.kind == "local_cap" else inp.cofunding_cap[info.year]
            rows.append(i)
            base.append(float(cap))
            opening.append(m.row_upper[i] - float(cap))
            kind.append(info.kind)
            row_years.append(info.year)
        self.rows = np.asarray(rows, dtype=np.int32)
        self.row_keys = [m.row_keys[i] for i in rows]
        self.base = np.asarray(base)
        self.opening = np.asarray(opening)
        self.is_local = np.asarray([k == "local_cap" for k in kind])
        year_pos = {y: i for i, y in enumerate(self.years)}
        self.row_year = np.asarray([year_pos[y] for y in row_years], dtype=np.int64)

    def solve(self, local: Any = 1.0, cofunding: Any = 1.0) -> tuple[Status, float | None, np.ndarray, np.ndarray]:
        lf = np.broadcast_to(np.asarray(local, dtype=np.float64), (len(self.years),))
        cf = np.broadcast_to(np.asarray(cofunding, dtype=np.float64), (len(self.years),))
        factor = np.where(self.is_local, lf[self.row_year], cf[self.row_year])
        self.compiled.set_row_upper(self.rows, self.base * factor + self.opening)
        status, objective = self.compiled.solve()
        if status != Status.OPTIMAL or objective is None:
            return status, None, np.full(len(self.task_ids), np.nan), np.full(len(self.rows), np.nan)
        sol = self.compiled.highs.getSolution()
        x = np.asarray(sol.col_value)
        totals = np.bincount(self.q_task, weights=x[self.q_cols], minlength=len(self.task_ids)) + self.done
        prices = -np.asarray(sol.row_dual)[self.rows]
        return status, self.done_value - objective, totals, prices

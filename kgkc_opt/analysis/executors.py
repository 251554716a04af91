"""Running many solves: in this process, on a pool of worker processes the caller owns, or on
any ``concurrent.futures.Executor`` (a Dask ``Client.get_executor()`` works unchanged).

``SolvePool(workers)`` is a context manager: its worker processes start when it is entered and
stop when it is left; nothing is started at import and nothing outlives the ``with`` block.
Workers are forked from a fork server that has loaded NumPy, pandas and highspy but never run
HiGHS (forking a process whose HiGHS thread pool has started is not safe); each worker takes the
parent's ``sys.path`` before it imports kgkc_opt, so it solves with the same copy of the package
as its parent, and runs HiGHS on one thread (``HighsBackend(threads=1)``).

Like every process pool in Python, a pool started from a script re-imports that script in each
worker: a script that starts sweeps must keep its top-level code under
``if __name__ == "__main__":``. ``SolvePool`` checks for that and says so clearly
(``UsageError``) instead of failing inside the workers.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from kgkc_opt.errors import Said, UsageError
from kgkc_opt.model.check import achievement_value
from kgkc_opt.model.data import ModelInput
from kgkc_opt.solver.decompose import optimise
from kgkc_opt.solver.highs import HighsBackend

#: Below this many solves a sweep runs in-process: starting worker processes takes about a second.
MIN_PARALLEL_JOBS = 24
Progress = Callable[[int, int], None]
Job = tuple[ModelInput, str, float | None]

MAIN_GUARD = ("kgkc_opt starts worker processes for this run, and Python re-imports the script that "
              "started them in each worker: put the script's top-level code under "
              "`if __name__ == \"__main__\":` (or pass workers=1 to solve in this process)")


def solve_job(job: Job, backend: HighsBackend | None = None) -> dict[str, Any]:
    """Solve one model input for its achievement (no tie-break: it does not change achievement).

    ``backend``: the HiGHS back-end to use when the job's solver is HiGHS (default: a new one).
    """
    inp, solver, time_limit = job
    use: Any = (backend or HighsBackend()) if solver == "highs" else solver
    outcome = optimise(inp, solver=use, time_limit=time_limit, tie_break=False)
    if not outcome.status.has_plan or outcome.plan is None:
        return {"status": outcome.status.value, "objective": None, "totals": {}}
    totals: dict[str, int] = {}
    for (tid, _), q in outcome.plan.items():
        totals[tid] = totals.get(tid, 0) + q
    value = achievement_value(inp, outcome.plan)
    return {"status": outcome.status.value, "objective": float(value), "totals": totals}


def solve_chunk(jobs: Sequence[Job], threads: int | None = None) -> list[dict[str, Any]]:
    """Solve a chunk of jobs in one task (fewer round trips to a pool or a cluster).

    ``threads``: 1 in this package's own workers; None (HiGHS's own setting) on a Dask worker or in
    a thread of this process, where changing HiGHS's thread pool is unsafe.
    """
    backend = HighsBackend(threads=threads)
    return [solve_job(job, backend) for job in jobs]


def _pool_worker_chunk(jobs: Sequence[Job]) -> list[dict[str, Any]]:
    return solve_chunk(jobs, threads=1)


def _worker_init(parent_path: list[str]) -> None:
    """Run first in each worker: the parent's sys.path, so kgkc_opt is the parent's copy."""
    sys.path[:] = parent_path


def _bootstrapping_child() -> bool:
    """True in a worker process that is re-importing its parent's script (no main guard)."""
    return mp.parent_process() is not None and getattr(mp.current_process(), "_inheriting", False)


class SolvePool:
    """A pool of worker processes for sweeps and Monte Carlo, owned by the caller::

        with SolvePool(workers=2) as pool:
            sweep(scenario, budget=levels, executor=pool.executor)
    """

    def __init__(self, workers: int | None = None):
        self.workers = workers or os.cpu_count() or 1
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> SolvePool:
        if _bootstrapping_child():
            raise UsageError(MAIN_GUARD)
        methods = mp.get_all_start_methods()
        ctx = mp.get_context("forkserver" if "forkserver" in methods else "spawn")
        if ctx.get_start_method() == "forkserver":
            # third-party libraries only: kgkc_opt itself is imported after sys.path is set
            ctx.set_forkserver_preload(["numpy", "pandas", "highspy"])
        self._executor = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx,
                                             initializer=_worker_init, initargs=(list(sys.path),))
        return self

    def __exit__(self, *exc: object) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    @property
    def executor(self) -> Executor:
        if self._executor is None:
            raise UsageError("use the pool inside `with SolvePool(...) as pool:`")
        return self._executor


def run_jobs(jobs: Sequence[Job], *, executor: Executor | SolvePool | None = None,
             workers: int | None = None, progress: Progress | None = None,
             chunksize: int | None = None) -> list[dict[str, Any]]:
    """Solve every job, in order.

    ``executor``: a ``SolvePool`` or any ``concurrent.futures.Executor``; by default a
    ``SolvePool`` of ``workers`` processes for this call when the jobs are many enough to pay for
    starting it, else this process. Jobs go out in chunks of ``chunksize`` (default: at most 4
    jobs, at least 8 chunks per worker, so that slow levels spread over the workers).
    """
    total = len(jobs)
    n_workers = workers or os.cpu_count() or 1
    if executor is None and (total < MIN_PARALLEL_JOBS or n_workers == 1):
        results: list[dict[str, Any]] = []
        backend = HighsBackend()
        for i, job in enumerate(jobs, 1):
            results.append(solve_job(job, backend))
            if progress:
                progress(i, total)
        return results
    if executor is None:
        with SolvePool(n_workers) as pool:
            return _submit(pool.executor, jobs, n_workers, progress, chunksize, own=True)
    if isinstance(executor, SolvePool):
        return _submit(executor.executor, jobs, executor.workers, progress, chunksize, own=True)
    return _submit(executor, jobs, n_workers, progress, chunksize, own=False)


def _submit(pool: Executor, jobs: Sequence[Job], n_workers: int, progress: Progress | None,
            chunksize: int | None, *, own: bool) -> list[dict[str, Any]]:
    total = len(jobs)
    size = chunksize or max(1, min(4, -(-total // (8 * n_workers))))
    chunks = [list(jobs[i: i + size]) for i in range(0, total, size)]
    task = _pool_worker_chunk if own else solve_chunk
    futures = [pool.submit(task, chunk) for chunk in chunks]
    results: list[dict[str, Any]] = []
    try:
        for fut in futures:
            results.extend(fut.result())
            if progress:
                progress(len(results), total)
    except BrokenProcessPool:
        raise UsageError("the worker processes stopped before they could solve anything. {guard}",
                         guard=Said(MAIN_GUARD)) from None
    except BaseException:
        for fut in futures:
            fut.cancel()
        raise
    return results

"""Sweeps and Monte Carlo: many solves of one scenario with its caps scaled.

``sweep(scenario, budget=[100, 95, ..., 40])`` solves the scenario with every year's local budget
scaled to each level (percent of the scenario's own caps) and returns the achievement per task at
each level; ``SweepResult.cut_order()`` gives the order and break points at which tasks fall short
as the budget drops. Giving both ``budget`` and ``cofunding`` levels sweeps the grid of both.
``monte_carlo(scenario)`` draws the caps from the distributions in the scenario's
``uncertainty`` section (seeded: the same seed gives the same numbers) and returns the
probability of meeting each target and the distribution of the objective.

Each solve is exact (the decomposition of ``solve``, without the tie-break, which does not change
achievement). Solves run on any ``concurrent.futures.Executor`` (``executor=``): by default a
local process pool over the machine's cores; a Dask ``Client.get_executor()`` works unchanged.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from .errors import KgkcError
from .model import ModelInput
from .money import to_fraction

#: Below this many solves a sweep runs in-process (a pool costs more than it saves).
MIN_PARALLEL_JOBS = 8
Progress = Callable[[int, int], None]


def parse_levels(text: str) -> list[float]:
    """'100:40:-5' -> [100, 95, ..., 40] (inclusive); '100,80,60' -> [100, 80, 60]."""
    text = text.strip()
    if re.fullmatch(r"[\d.]+(,[\d.]+)*", text):
        return [float(x) for x in text.split(",")]
    m = re.fullmatch(r"([\d.]+):([\d.]+):(-?[\d.]+)", text)
    if not m:
        raise KgkcError(f"levels {text!r}: expected START:STOP:STEP like 100:40:-5, or a list like 100,80,60")
    start, stop, step = (float(g) for g in m.groups())
    if step == 0 or (stop - start) * step < 0:
        raise KgkcError(f"levels {text!r}: the step does not lead from {start:g} to {stop:g}")
    n = int(round((stop - start) / step))
    levels = [start + i * step for i in range(n + 1)]
    if len(levels) > 10_000:
        raise KgkcError(f"levels {text!r}: more than 10,000 levels")
    return [round(x, 9) for x in levels]


def _solve_job(job: tuple[ModelInput, str, float | None]) -> dict[str, Any]:
    """Solve one model input for its achievement (runs in a worker process)."""
    from .solve import achievement_value, optimise

    inp, solver, time_limit = job
    outcome = optimise(inp, solver=solver, time_limit=time_limit, tie_break=False)
    if not outcome.status.has_plan or outcome.plan is None:
        return {"status": outcome.status.value, "objective": None, "totals": {}}
    totals: dict[str, int] = {}
    for (tid, _), q in outcome.plan.items():
        totals[tid] = totals.get(tid, 0) + q
    value = achievement_value(inp, outcome.plan)
    return {"status": outcome.status.value, "objective": float(value), "totals": totals}


def run_jobs(jobs: Sequence[tuple[ModelInput, str, float | None]], *, executor: Executor | None = None,
             workers: int | None = None, progress: Progress | None = None) -> list[dict[str, Any]]:
    """Solve every job, in order, on ``executor`` (default: a local process pool)."""
    total = len(jobs)
    results: list[dict[str, Any]] = []
    if executor is None and (total < MIN_PARALLEL_JOBS or (workers or os.cpu_count() or 1) == 1):
        for i, job in enumerate(jobs, 1):
            results.append(_solve_job(job))
            if progress:
                progress(i, total)
        return results
    own = executor is None
    pool = executor or ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1)
    try:
        futures = [pool.submit(_solve_job, job) for job in jobs]
        for i, fut in enumerate(futures, 1):
            results.append(fut.result())
            if progress:
                progress(i, total)
    finally:
        if own:
            pool.shutdown()
    return results


def _scaled(inp: ModelInput, budget: Fraction | dict[int, Fraction] | None,
            cofunding: Fraction | dict[int, Fraction] | None) -> ModelInput:
    def scale(caps: dict[int, Fraction], f: Any) -> dict[int, Fraction]:
        if f is None:
            return dict(caps)
        if isinstance(f, dict):
            return {y: v * f[y] for y, v in caps.items()}
        return {y: v * f for y, v in caps.items()}
    return replace(inp, local_cap=scale(dict(inp.local_cap), budget),
                   cofunding_cap=scale(dict(inp.cofunding_cap), cofunding))


@dataclass(frozen=True)
class SweepResult:
    """Achievement per task at each level. ``frame``: budget_level, cofunding_level, task_id,
    target, achieved, share; ``objectives``: budget_level, cofunding_level, status, objective."""

    scenario: str
    frame: pd.DataFrame
    objectives: pd.DataFrame

    def cut_order(self) -> pd.DataFrame:
        """Tasks in the order they fall short as the local budget drops (first to fall first).

        ``falls_short_at``: the highest budget level at which the task misses its target;
        ``share_there``: its share at that level; ``share_at_lowest``: at the lowest level.
        """
        f = self.frame
        if f["cofunding_level"].nunique() > 1:
            f = f[f["cofunding_level"] == f["cofunding_level"].max()]
        rows = []
        lowest = f["budget_level"].min()
        for tid, g in f.groupby("task_id", sort=False):
            short = g[g["share"] < 1 - 1e-9]
            if short.empty:
                continue
            level = short["budget_level"].max()
            rows.append({"task_id": tid, "falls_short_at": level,
                         "share_there": float(short.loc[short["budget_level"] == level, "share"].iloc[0]),
                         "share_at_lowest": float(g.loc[g["budget_level"] == lowest, "share"].iloc[0])})
        out = pd.DataFrame(rows, columns=["task_id", "falls_short_at", "share_there", "share_at_lowest"])
        out = out.sort_values(["falls_short_at", "share_there"], ascending=[False, True]).reset_index(drop=True)
        out.index = out.index + 1
        out.index.name = "order"
        return out

    def table(self) -> pd.DataFrame:
        """Share of target per task (rows) at each budget level (columns)."""
        f = self.frame
        if f["cofunding_level"].nunique() > 1:
            return f.pivot_table(index="task_id", columns=["budget_level", "cofunding_level"], values="share",
                                 sort=False)
        return f.pivot(index="task_id", columns="budget_level", values="share").loc[
            list(dict.fromkeys(f["task_id"]))].sort_index(axis=1, ascending=False)


def _frames(inp: ModelInput, keys: list[dict[str, Any]], outs: list[dict[str, Any]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, objs = [], []
    for key, out in zip(keys, outs, strict=True):
        objs.append({**key, "status": out["status"], "objective": out["objective"]})
        for t in inp.tasks:
            if t.target <= 0:
                continue
            achieved = t.done + out["totals"].get(t.task_id, 0) if out["objective"] is not None else None
            rows.append({**key, "task_id": t.task_id, "target": t.target, "achieved": achieved,
                         "share": (achieved / t.target) if achieved is not None else float("nan")})
    return pd.DataFrame(rows), pd.DataFrame(objs)


def sweep(
    scenario: Any, *, budget: Iterable[float] | None = None, cofunding: Iterable[float] | None = None,
    solver: str = "highs", time_limit: float | None = 60.0, executor: Executor | None = None,
    workers: int | None = None, progress: Progress | None = None,
) -> SweepResult:
    """Solve the scenario with its caps scaled to each level (percent of its own caps)."""
    inp = scenario.model_input()
    b_levels = list(budget) if budget is not None else [100.0]
    c_levels = list(cofunding) if cofunding is not None else [100.0]
    for lv in (*b_levels, *c_levels):
        if lv < 0 or lv > 1000:
            raise KgkcError(f"level {lv:g}%: expected between 0% and 1000%")
    keys, jobs = [], []
    for bl in b_levels:
        for cl in c_levels:
            keys.append({"budget_level": bl, "cofunding_level": cl})
            jobs.append((_scaled(inp, to_fraction(bl) / 100, to_fraction(cl) / 100), solver, time_limit))
    outs = run_jobs(jobs, executor=executor, workers=workers, progress=progress)
    frame, objectives = _frames(inp, keys, outs)
    return SweepResult(scenario.name, frame, objectives)


@dataclass(frozen=True)
class MonteCarloResult:
    """``samples``: one row per draw (sample, status, objective, factors); ``frame``: sample,
    task_id, achieved, share; ``probabilities``: task_id, target, probability, mean_share."""

    scenario: str
    seed: int
    samples: pd.DataFrame
    frame: pd.DataFrame

    @property
    def probabilities(self) -> pd.DataFrame:
        f = self.frame
        ok = f.assign(met=f["share"] >= 1 - 1e-9)
        out = ok.groupby("task_id", sort=False).agg(target=("target", "first"), probability=("met", "mean"),
                                                    mean_share=("share", "mean"), p10_share=("share", lambda s: s.quantile(0.1)))
        return out

    def objective_quantiles(self, qs: Sequence[float] = (0.05, 0.25, 0.5, 0.75, 0.95)) -> pd.Series:
        return self.samples["objective"].quantile(list(qs))


def _draw(rng: np.random.Generator, dist: Any, size: int) -> np.ndarray:
    p = dist.params
    if dist.kind == "normal":
        x = rng.normal(1 + p["mean"], p["sd"], size)
    elif dist.kind == "uniform":
        x = rng.uniform(1 + p["low"], 1 + p["high"], size)
    else:
        x = rng.triangular(1 + p["low"], 1 + p["mode"], 1 + p["high"], size)
    return np.clip(x, 0.0, None)


def monte_carlo(
    scenario: Any, *, samples: int | None = None, seed: int | None = None, solver: str = "highs",
    time_limit: float | None = 60.0, executor: Executor | None = None, workers: int | None = None,
    progress: Progress | None = None,
) -> MonteCarloResult:
    """Draw the caps from the scenario's ``uncertainty`` section and solve each draw."""
    unc = scenario.uncertainty
    if unc is None:
        raise KgkcError(f"scenario {scenario.name!r} has no 'uncertainty' section to draw from "
                        "(see docs/scenarios.md)")
    n = samples or unc.samples
    seed = unc.seed if seed is None else seed
    rng = np.random.default_rng(seed)
    inp = scenario.model_input()
    years = [y for y in inp.years if y in inp.local_cap]
    width = len(years) if unc.per_year else 1

    def factors(dist: Any) -> np.ndarray | None:
        if dist is None:
            return None
        x = _draw(rng, dist, n * width).reshape(n, width)
        return x if unc.per_year else np.repeat(x, len(years), axis=1)

    fb, fc = factors(unc.budget), factors(unc.cofunding)
    keys, jobs = [], []
    for i in range(n):
        key: dict[str, Any] = {"sample": i}
        bf = cf = None
        if fb is not None:
            bf = {y: Fraction(str(round(float(fb[i, j]), 9))) for j, y in enumerate(years)}
            key.update({f"budget_factor_{y}": float(bf[y]) for y in years})
        if fc is not None:
            cf = {y: Fraction(str(round(float(fc[i, j]), 9))) for j, y in enumerate(years)}
            key.update({f"cofunding_factor_{y}": float(cf[y]) for y in years})
        keys.append(key)
        jobs.append((_scaled(inp, bf, cf), solver, time_limit))
    outs = run_jobs(jobs, executor=executor, workers=workers, progress=progress)
    frame, objectives = _frames(inp, [{"sample": k["sample"]} for k in keys], outs)
    samples_frame = pd.DataFrame(keys).merge(objectives, on="sample")
    return MonteCarloResult(scenario.name, seed, samples_frame, frame)

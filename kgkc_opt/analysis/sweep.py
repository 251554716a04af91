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
local process pool over the machine's cores (started once, kept for the session); a Dask
``Client.get_executor()`` works unchanged (``pip install 'kgkc-opt[dask]'``).
``lp_sweep(scenario, budget=...)`` gives the LP relaxation's curve (continuous units, with the
shadow price of every cap) from one HiGHS model re-solved warm: thousands of levels a second.
See docs/performance.md.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from kgkc_opt.analysis.executors import Progress, run_jobs
from kgkc_opt.errors import Figure, UsageError
from kgkc_opt.inputs.reader import exact_number
from kgkc_opt.model.data import ModelInput, model_input
from kgkc_opt.money import to_fraction
from kgkc_opt.solver.highs import LPCurve

#: Most levels one sweep may have: each is a solve.
MAX_LEVELS = 10_000
#: Highest level, in percent of the scenario's caps (``sweep`` refuses a level above it).
MAX_LEVEL = 1000
_LEVEL = r"[0-9]+(?:\.[0-9]+)?"


def parse_levels(text: str) -> list[float]:
    """'100:40:-5' -> [100, 95, ..., 40] (up to STOP, inclusive); '100,80,60' -> [100, 80, 60].

    Levels are percent of the scenario's caps, between 0 and ``MAX_LEVEL``, with at most 6
    decimals; at most ``MAX_LEVELS`` of them. The number of levels of a range is computed from
    its ends and step before any list is built: '100:40:-0.000001' is refused at once.
    """
    text = text.strip()
    shown = text if len(text) <= 40 else text[:37] + "..."
    most = Figure(f"{MAX_LEVELS:,}")

    def number(part: str) -> Fraction:
        value = exact_number(part)
        if isinstance(value, str):
            raise UsageError("levels {shown!r}: {part} {reason}", shown=shown, part=part[:40], reason=value)
        if abs(value) > MAX_LEVEL:
            raise UsageError("levels {shown!r}: {part}% is above {top}%; a level is a percentage "
                             "of the scenario's caps between 0% and {top}%", shown=shown, part=part[:40],
                             top=MAX_LEVEL)
        return value

    if re.fullmatch(f"{_LEVEL}(,{_LEVEL})*", text):
        if text.count(",") >= MAX_LEVELS:
            raise UsageError("levels {shown!r}: more than {most} levels", shown=shown, most=most)
        return [float(number(x)) for x in text.split(",")]
    m = re.fullmatch(f"({_LEVEL}):({_LEVEL}):(-?{_LEVEL})", text)
    if not m:
        raise UsageError("levels {shown!r}: expected START:STOP:STEP like 100:40:-5, or a list like 100,80,60",
                         shown=shown)
    start, stop, step = (number(g) for g in m.groups())
    if step == 0 or (stop - start) * step < 0:
        raise UsageError("levels {shown!r}: the step does not lead from {start} to {stop}", shown=shown,
                         start=Figure(f"{float(start):g}"), stop=Figure(f"{float(stop):g}"))
    count = math.floor((stop - start) / step) + 1
    if count > MAX_LEVELS:
        raise UsageError("levels {shown!r}: {count} levels, more than {most}; use a step of at least {least}",
                         shown=shown, count=Figure(f"{count:,}"), most=most,
                         least=Figure(f"{float(abs(stop - start) / (MAX_LEVELS - 1)):.6g}"))
    return [float(start + i * step) for i in range(count)]


def _scaled(inp: ModelInput, budget: Fraction | dict[int, Fraction] | None,
            cofunding: Fraction | dict[int, Fraction] | None) -> ModelInput:
    def scale(caps: dict[int, Fraction], f: Any) -> dict[int, Fraction]:
        if f is None:
            return dict(caps)
        if isinstance(f, dict):
            return {y: v * f[y] for y, v in caps.items()}
        return {y: v * f for y, v in caps.items()}
    return replace(inp, local_budget=scale(dict(inp.local_budget), budget),
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


def _frames(inp: ModelInput, keys: list[dict[str, Any]],
            outs: list[dict[str, Any]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, objs = [], []
    for key, out in zip(keys, outs, strict=True):
        objs.append({**key, "status": out["status"], "objective": out["objective"]})
        for t in inp.tasks:
            if t.target <= 0:
                continue
            achieved = t.done + out["totals"].get(t.task_id, 0) if out["objective"] is not None else None
            # a range's share is of its minimum (full credit there)
            rows.append({**key, "task_id": t.task_id, "target": t.target, "achieved": achieved,
                         "share": min(achieved / t.credit, 1.0) if achieved is not None else float("nan")})
    return pd.DataFrame(rows), pd.DataFrame(objs)


def _levels(budget: Iterable[float] | None, cofunding: Iterable[float] | None) -> list[tuple[float, float]]:
    b_levels = list(budget) if budget is not None else [100.0]
    c_levels = list(cofunding) if cofunding is not None else [100.0]
    for lv in (*b_levels, *c_levels):
        if lv < 0 or lv > 1000:
            raise UsageError("level {level}%: expected between 0% and 1000%", level=Figure(f"{lv:g}"))
    return [(bl, cl) for bl in b_levels for cl in c_levels]


def _input(scenario: Any) -> tuple[str, ModelInput]:
    if isinstance(scenario, ModelInput):
        return "model", scenario
    return scenario.name, model_input(scenario)


def sweep(
    scenario: Any, *, budget: Iterable[float] | None = None, cofunding: Iterable[float] | None = None,
    solver: str = "highs", time_limit: float | None = None, executor: Executor | None = None,
    workers: int | None = None, progress: Progress | None = None,
) -> SweepResult:
    """Solve the scenario with its caps scaled to each level (percent of its own caps).

    Each level is an exact integer solve (``solve.optimise``). ``executor``: any
    ``concurrent.futures.Executor``, e.g. a Dask client's ``get_executor()``; by default a local
    process pool (see ``run_jobs``). ``scenario`` may also be a ``ModelInput``.
    """
    name, inp = _input(scenario)
    keys, jobs = [], []
    for bl, cl in _levels(budget, cofunding):
        keys.append({"budget_level": bl, "cofunding_level": cl})
        jobs.append((_scaled(inp, to_fraction(bl) / 100, to_fraction(cl) / 100), solver, time_limit))
    outs = run_jobs(jobs, executor=executor, workers=workers, progress=progress)
    frame, objectives = _frames(inp, keys, outs)
    return SweepResult(name, frame, objectives)


def lp_sweep(scenario: Any, *, budget: Iterable[float] | None = None,
             cofunding: Iterable[float] | None = None) -> SweepResult:
    """The LP relaxation's curve: continuous achievement per task at each level, fast.

    One HiGHS model is built and re-solved from its previous basis with only the caps changed
    (about a millisecond or less per level, thousands of levels a second). Its values are upper
    bounds on the integer ones of ``sweep`` (units are continuous here: half a machinery grant
    counts), and ``objectives`` carries the shadow price of each cap at each level
    (``price:local_cap[2023]``: objective per extra million VND).
    """
    name, inp = _input(scenario)
    curve = LPCurve(inp)
    levels = _levels(budget, cofunding)
    n, k = len(levels), len(curve.task_ids)
    totals = np.full((n, k), np.nan)
    prices = np.full((n, len(curve.row_keys)), np.nan)
    objective = np.full(n, np.nan)
    status = []
    for i, (bl, cl) in enumerate(levels):
        st, obj, tot, pr = curve.solve(bl / 100, cl / 100)
        status.append(st.value)
        if obj is not None:
            objective[i], totals[i], prices[i] = obj, tot, pr
    targets = np.asarray([t.target for t in inp.planned_tasks], dtype=np.float64)
    credits = np.asarray([t.credit for t in inp.planned_tasks], dtype=np.float64)
    b = np.repeat([lv[0] for lv in levels], k)
    c = np.repeat([lv[1] for lv in levels], k)
    frame = pd.DataFrame({"budget_level": b, "cofunding_level": c, "task_id": np.tile(curve.task_ids, n),
                          "target": np.tile(targets, n), "achieved": totals.ravel(),
                          "share": np.minimum(totals / credits, 1.0).ravel()})
    objectives = pd.DataFrame({"budget_level": [lv[0] for lv in levels],
                               "cofunding_level": [lv[1] for lv in levels], "status": status,
                               "objective": objective})
    for j, key in enumerate(curve.row_keys):
        objectives[f"price:{key}"] = prices[:, j]
    return SweepResult(name, frame, objectives)


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
        out = ok.groupby("task_id", sort=False).agg(
            target=("target", "first"), probability=("met", "mean"), mean_share=("share", "mean"),
            p10_share=("share", lambda s: s.quantile(0.1)))
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
    time_limit: float | None = None, executor: Executor | None = None, workers: int | None = None,
    progress: Progress | None = None,
) -> MonteCarloResult:
    """Draw the caps from the scenario's ``uncertainty`` section and solve each draw."""
    unc = scenario.uncertainty
    if unc is None:
        raise UsageError("scenario {name!r} has no 'uncertainty' section to draw from (see docs/scenarios.md)",
                         name=scenario.name)
    n = samples or unc.samples
    seed = unc.seed if seed is None else seed
    rng = np.random.default_rng(seed)
    inp = model_input(scenario)
    years = [y for y in inp.years if y in inp.local_budget]
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

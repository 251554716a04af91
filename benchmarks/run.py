"""Benchmark of kgkc_opt's solve paths against a naive baseline, measured in the same run.

    python benchmarks/run.py                 # everything (a few minutes)
    python benchmarks/run.py --quick         # fewer baseline runs, no scale cases
    python benchmarks/run.py --json out.json # also write the figures as JSON

Prints, per scenario of a fixed set (local budget cuts 0–60%, one-year shocks, co-funding drops,
target changes, replans, tiers, escalation, carry-over), the time to a proven-optimal plan and the
proven relative gap of the default path (``optimise``: aggregate + schedule, models passed to
HiGHS as arrays), beside the naive baseline: the plain model rebuilt in PuLP and solved from
scratch (``method="direct"``) with a time limit. Then the throughput of an LP sweep (one HiGHS
model re-solved warm, only right-hand sides changed) and of a MILP sweep (process pool over the
cores) beside their naive baselines (a PuLP rebuild and solve per level, serially), the
end-to-end time of ``kgkc-opt solve scenarios/baseline.yaml --out DIR``, and the scale cases
(``kgkc_opt.synthetic``). This is a benchmark, not a test: nothing here fails on a time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import kgkc_opt as kg  # noqa: E402
from kgkc_opt.analysis import sweep  # noqa: E402
from kgkc_opt.analysis.executors import SolvePool, solve_job  # noqa: E402
from kgkc_opt.model.check import achievement_value, check_plan  # noqa: E402
from kgkc_opt.model.data import model_input  # noqa: E402
from kgkc_opt.model.formulations import linear_full  # noqa: E402
from kgkc_opt.money import to_fraction  # noqa: E402
from kgkc_opt.solver.backend import solver_version  # noqa: E402
from kgkc_opt.solver.decompose import optimise  # noqa: E402
from kgkc_opt.solver.pulp_model import PulpBackend, to_pulp  # noqa: E402
from kgkc_opt.solver.status import Status  # noqa: E402

SCENARIOS = ROOT / "scenarios"
GOAL_MEDIAN, GOAL_MAX, GOAL_GAP = 0.3, 2.0, 1e-6
GOAL_LP, GOAL_MILP, GOAL_CLI = 1000.0, 20.0, 1.5


def scenario_set() -> list[tuple[str, object]]:
    """The fixed benchmark scenarios (29)."""
    base = kg.load_scenario(SCENARIOS / "baseline.yaml")
    out: list[tuple[str, object]] = []
    for cut in range(0, 61, 5):
        out.append((f"cut-{cut}pct", base.derive(f"cut-{cut}pct", budget={"all": f"-{cut}%"})))
    for year, cut in ((2022, 30), (2023, 50), (2025, 60)):
        out.append((f"shock-{year}-{cut}pct", base.derive(f"shock-{year}", budget={year: f"-{cut}%"})))
    out.append(("cofunding-minus-20pct", base.derive("cof20", cofunding={"all": "-20%"})))
    out.append(("cofunding-minus-60pct", base.derive("cof60", cofunding={"all": "-60%"})))
    for name in ("cut-2024-30pct", "cofunding-short-40pct", "targets-changed", "machinery-42",
                 "replan-2023", "priorities-cut-30pct", "escalation-5pct", "carry-over-cut-10pct",
                 "composed-shock", "support-share-machinery-40pct"):
        out.append((name, kg.load_scenario(SCENARIOS / f"{name}.yaml")))
    replan = kg.load_scenario(SCENARIOS / "replan-2023.yaml")
    out.append(("replan-2023-cut-20pct", replan.derive("replan-cut", budget={"all": "-20%"})))
    return out


def gap_of(inp, outcome) -> float | None:
    if not outcome.status.has_plan or outcome.plan is None:
        return None
    value = achievement_value(inp, outcome.plan)
    if outcome.status == Status.OPTIMAL:
        return 0.0
    bound = Fraction(outcome.bound) if outcome.bound is not None else None
    if bound is None:
        return float("inf")
    return max(float(bound - value), 0.0) / max(float(value), 1e-9)


def fmt_gap(g: float | None) -> str:
    if g is None:
        return "   none"
    if g == float("inf"):
        return "    inf"
    return f"{g:7.1e}" if g else "      0"


def bench_scenarios(limit: float, quick: bool) -> dict:
    rows = []
    print(f"\n== 1. MILP solves: default path vs naive baseline (plain PuLP model, limit {limit:g} s) ==")
    print("time s: the optimal plan (primary objective); +tie s: with the even-cadence tie-break too, as")
    print("solve() does; naive: the plain model rebuilt in PuLP, primary objective only; ratio: naive / time")
    print(f"{'scenario':30s} {'status':8s} {'time s':>7s} {'gap':>7s} {'+tie s':>7s} | {'naive s':>8s} {'gap':>7s} "
          f"{'ratio':>7s}  same optimum")
    for name, scn in scenario_set():
        inp = model_input(scn)
        t = time.perf_counter()
        fast = optimise(inp, time_limit=60.0, tie_break=False)
        fast_s = time.perf_counter() - t
        t = time.perf_counter()
        tied = optimise(inp, time_limit=60.0)
        tie_s = time.perf_counter() - t
        for out in (fast, tied):
            if out.plan is not None:
                check_plan(inp, out.plan)
        row = {"scenario": name, "status": fast.status.value, "seconds": fast_s, "gap": gap_of(inp, fast),
               "method": fast.method, "tie_break_seconds": tie_s, "tie_break_gap": gap_of(inp, tied)}
        naive_text = ""
        if not quick or name in ("cut-10pct", "cut-30pct", "cut-50pct", "replan-2023"):
            t = time.perf_counter()
            naive = optimise(inp, method="direct", tie_break=False, time_limit=limit)
            naive_s = time.perf_counter() - t
            row.update(naive_seconds=naive_s, naive_gap=gap_of(inp, naive), naive_status=naive.status.value)
            same = "-"
            if fast.plan is not None and naive.plan is not None:
                fv = achievement_value(inp, fast.plan)
                nv = achievement_value(inp, naive.plan)
                same = "yes" if fv == nv else (f"no: naive {float(nv - fv):+.2e}" if fv > nv else "NO: naive better")
            row["same_optimum"] = same
            naive_text = f"{naive_s:8.3f} {fmt_gap(row['naive_gap'])} {naive_s / fast_s:6.1f}x  {same}"
        rows.append(row)
        print(f"{name:30s} {fast.status.value:8s} {fast_s:7.3f} {fmt_gap(row['gap'])} {tie_s:7.3f} | {naive_text}",
              flush=True)
    times = [r["seconds"] for r in rows]
    tie_times = [r["tie_break_seconds"] for r in rows]
    naive_times = [r["naive_seconds"] for r in rows if "naive_seconds" in r]
    proven = sum(1 for r in rows if r["gap"] is not None and r["gap"] <= GOAL_GAP)
    summary = {"median": statistics.median(times), "max": max(times), "proven": proven, "n": len(rows),
               "tie_break_median": statistics.median(tie_times), "tie_break_max": max(tie_times),
               "naive_median": statistics.median(naive_times) if naive_times else None,
               "naive_max": max(naive_times) if naive_times else None,
               "naive_proven": sum(1 for r in rows if r.get("naive_gap") is not None and r["naive_gap"] <= GOAL_GAP)}
    print(f"-- {proven}/{len(rows)} proven optimal (gap <= {GOAL_GAP:g}; goal: all); median {summary['median']:.3f} s "
          f"(goal < {GOAL_MEDIAN}), max {summary['max']:.3f} s (goal < {GOAL_MAX}); with the tie-break: median "
          f"{summary['tie_break_median']:.3f} s, max {summary['tie_break_max']:.3f} s")
    if naive_times:
        print(f"-- naive: {summary['naive_proven']}/{len(naive_times)} proven; median {summary['naive_median']:.3f} s, "
              f"max {summary['naive_max']:.3f} s; ratio of medians {summary['naive_median'] / summary['median']:.1f}x")
    return {"rows": rows, "summary": summary}


def bench_lp_sweep(quick: bool) -> dict:
    print("\n== 2. LP sweep (the curves): warm-started HiGHS re-solves vs PuLP rebuild per level ==")
    scn = kg.load_scenario(SCENARIOS / "baseline.yaml")
    inp = model_input(scn)
    levels = [round(100 - 0.06 * i, 4) for i in range(1000)]  # 100% .. 40.06%
    sweep.lp_sweep(inp, budget=levels[:5])  # import and first-model costs out of the timing
    t = time.perf_counter()
    res = sweep.lp_sweep(inp, budget=levels)
    fast_s = time.perf_counter() - t
    fast_rate = len(levels) / fast_s
    sample = levels[:: (100 if quick else 25)]
    t = time.perf_counter()
    naive_obj = []
    for lv in sample:
        scaled = sweep._scaled(inp, to_fraction(lv) / 100, None)
        built = to_pulp(linear_full(scaled, continuous=True))
        out = PulpBackend("highs").run(built)
        naive_obj.append(-out.objective + float(achievement_value(scaled, {})))
    naive_s = time.perf_counter() - t
    naive_rate = len(sample) / naive_s
    fast_obj = res.objectives.set_index("budget_level")["objective"]
    worst = max(abs(fast_obj[lv] - v) for lv, v in zip(sample, naive_obj, strict=True))
    print(f"fast : {len(levels)} levels in {fast_s:.3f} s = {fast_rate:,.0f} levels/s (goal >= {GOAL_LP:,.0f})")
    print(f"naive: {len(sample)} levels in {naive_s:.3f} s = {naive_rate:,.1f} levels/s")
    print(f"ratio: {fast_rate / naive_rate:.1f}x; largest objective difference on the sample {worst:.1e}")
    return {"levels": len(levels), "seconds": fast_s, "rate": fast_rate, "naive_levels": len(sample),
            "naive_seconds": naive_s, "naive_rate": naive_rate, "ratio": fast_rate / naive_rate,
            "max_objective_difference": worst}


def bench_milp_sweep(limit: float, quick: bool) -> dict:
    print("\n== 3. MILP sweep: exact solves per level on a process pool vs naive serial PuLP rebuilds ==")
    scn = kg.load_scenario(SCENARIOS / "baseline.yaml")
    inp = model_input(scn)
    levels = sweep.parse_levels("100:40:-0.5")
    workers = os.cpu_count() or 1
    t = time.perf_counter()
    with SolvePool(workers) as pool:
        pool.executor.submit(int, 0).result()  # start the pool
        start_s = time.perf_counter() - t
        sweep.sweep(inp, budget=[99.9, 99.8, 99.7, 99.6] * workers, executor=pool)  # warm the workers
        t = time.perf_counter()
        res = sweep.sweep(inp, budget=levels, executor=pool)
        fast_s = time.perf_counter() - t
    fast_rate = len(levels) / fast_s
    t = time.perf_counter()
    serial = [solve_job((sweep._scaled(inp, to_fraction(lv) / 100, None), "highs", 60.0))
              for lv in levels[:: 4]]
    serial_s = time.perf_counter() - t
    serial_rate = len(serial) / serial_s
    sample = levels[:: (30 if quick else 10)]
    t = time.perf_counter()
    naive = []
    for lv in sample:
        scaled = sweep._scaled(inp, to_fraction(lv) / 100, None)
        out = optimise(scaled, method="direct", tie_break=False, time_limit=limit)
        naive.append((lv, out))
    naive_s = time.perf_counter() - t
    naive_rate = len(sample) / naive_s
    objectives = res.objectives.set_index("budget_level")["objective"]
    unproven = sum(1 for _, o in naive if o.status != Status.OPTIMAL)
    worse = sum(1 for lv, o in naive if o.plan is not None
                and float(achievement_value(sweep._scaled(inp, to_fraction(lv) / 100, None), o.plan))
                < objectives[lv] - 1e-9)
    statuses = res.objectives["status"].value_counts().to_dict()
    print(f"fast : {len(levels)} levels in {fast_s:.2f} s = {fast_rate:.1f} levels/s on {workers} workers "
          f"(goal >= {GOAL_MILP:g}); statuses {statuses}; pool start {start_s:.2f} s (once per pool)")
    print(f"fast, one process: {len(serial)} levels in {serial_s:.2f} s = {serial_rate:.1f} levels/s")
    print(f"naive: {len(sample)} levels in {naive_s:.2f} s = {naive_rate:.2f} levels/s "
          f"({unproven} stopped at the {limit:g} s limit unproven, {worse} below the proven optimum)")
    print(f"ratio: {fast_rate / naive_rate:.1f}x")
    return {"levels": len(levels), "seconds": fast_s, "rate": fast_rate, "workers": workers,
            "pool_start_seconds": start_s, "serial_rate": serial_rate, "naive_levels": len(sample),
            "naive_seconds": naive_s, "naive_rate": naive_rate, "naive_unproven": unproven,
            "ratio": fast_rate / naive_rate}


def bench_cli() -> dict:
    print("\n== 4. CLI end to end: kgkc-opt solve scenarios/baseline.yaml --out DIR ==")
    times = []
    for _ in range(3):
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "kgkc_opt", "solve", str(SCENARIOS / "baseline.yaml"),
                            "--out", str(Path(tmp) / "out")], check=True, capture_output=True, cwd=ROOT)
            times.append(time.perf_counter() - t)
    print(f"wall {statistics.median(times):.2f} s (median of 3; goal < {GOAL_CLI})")
    return {"seconds": statistics.median(times), "runs": times}


SCALE_CODE = """
import json, resource, sys, time, importlib
import synthetic
kind, n, limit, method = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
inp = synthetic.national(n) if kind == "national" else synthetic.wide(n)
t = time.perf_counter()
out = decompose.optimise(inp, time_limit=limit, tie_break=False, method=method)
seconds = time.perf_counter() - t
gap = None
if out.plan is not None:
    check.check_plan(inp, out.plan)
    value = check.achievement_value(inp, out.plan)
    gap = 0.0 if out.status.value == "optimal" else (float(out.bound) - float(value)) / float(value)
print(json.dumps({"kind": kind, "n": n, "tasks": len(inp.planned_tasks), "columns": len(inp.columns()),
                  "status": out.status.value, "method": out.method, "seconds": seconds, "gap": gap,
                  "timings": out.timings,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def bench_scale(limit: float, quick: bool) -> list[dict]:
    print(f"\n== 5. Scale (synthetic, kgkc_opt.synthetic; limit {limit:g} s; each in a fresh process) ==")
    cases = [("wide", 1), ("wide", 2), ("wide", 5), ("wide", 10), ("national", 1), ("national", 4),
             ("national", 16), ("national", 34)]
    out = []
    print(f"{'case':14s} {'tasks':>6s} {'q vars':>7s} {'status':9s} {'method':15s} {'time s':>8s} {'gap':>8s} "
          f"{'peak MB':>8s}")
    for kind, n in cases:
        if quick and n not in (10, 34):
            continue
        proc = subprocess.run([sys.executable, "-c", SCALE_CODE, kind, str(n), str(limit), "decompose"],
                              capture_output=True, text=True, cwd=ROOT)
        if proc.returncode != 0:
            print(f"{kind}-{n}: failed: {proc.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        out.append(r)
        label = f"{kind}-{n}"
        print(f"{label:14s} {r['tasks']:6d} {r['columns']:7d} {r['status']:9s} {r['method']:15s} "
              f"{r['seconds']:8.2f} {fmt_gap(r['gap']):>8s} {r['peak_rss_mb']:8.0f}", flush=True)
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="fewer baseline runs, no small scale cases")
    p.add_argument("--baseline-limit", type=float, default=20.0,
                   help="time limit of each naive baseline solve (s, default 20)")
    p.add_argument("--scale-limit", type=float, default=60.0, help="time limit of each scale case (s)")
    p.add_argument("--no-scale", action="store_true", help="skip the scale cases")
    p.add_argument("--json", metavar="FILE", help="also write every figure as JSON")
    args = p.parse_args()
    print(f"kgkc_opt benchmark: Python {sys.version.split()[0]}, {solver_version('highs')}, "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    report = {"scenarios": bench_scenarios(args.baseline_limit, args.quick),
              "lp_sweep": bench_lp_sweep(args.quick),
              "milp_sweep": bench_milp_sweep(min(args.baseline_limit, 10.0), args.quick),
              "cli": bench_cli()}
    if not args.no_scale:
        report["scale"] = bench_scale(args.scale_limit, args.quick)
    s, lp, mi = report["scenarios"]["summary"], report["lp_sweep"], report["milp_sweep"]
    print("\n== Summary (goal: figure) ==")
    print(f"proven optimal (gap <= 1e-6): {s['proven']}/{s['n']}")
    print(f"median < {GOAL_MEDIAN} s: {s['median']:.3f} s   max < {GOAL_MAX} s: {s['max']:.3f} s   "
          f"(with the tie-break: {s['tie_break_median']:.3f} s, {s['tie_break_max']:.3f} s)")
    print(f"LP sweep >= {GOAL_LP:,.0f}/s: {lp['rate']:,.0f}/s ({lp['ratio']:.0f}x naive)")
    print(f"MILP sweep >= {GOAL_MILP:g}/s: {mi['rate']:.1f}/s ({mi['ratio']:.0f}x naive)")
    print(f"CLI solve < {GOAL_CLI} s: {report['cli']['seconds']:.2f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark of kgkc_opt against issue 27's "Done when" (and the earlier goals), every figure measured in one run.

    python benchmarks/run.py                  # the full run (about 25 minutes on 2 quiet cores)
    python benchmarks/run.py --loaded         # the same with 2 CPU-bound processes beside it
    python benchmarks/run.py --quick          # a smoke run on a small subset (about 2-3 minutes)
    python benchmarks/run.py --json out.json --txt out.txt   # also write every figure as JSON, the output as text
    python benchmarks/run.py --only scenarios export         # some sections only

The saved runs: ``--json benchmarks/last-run.json --txt benchmarks/last-run.txt`` quietly, and
``--loaded --json benchmarks/last-run-loaded.json --txt benchmarks/last-run-loaded.txt``.

Definitions. "The default" is ``optimise(inp)`` (``kgkc_opt.solver.decompose``: the decomposition
with the even-cadence tie-break and the rhythm stage, the program's structure on), exactly what
``solve`` runs. "The primary" is ``optimise(inp, tie_break=False)``: the decomposition's proof of
the primary objectives, no evenness. "The evenness stage" is default - primary (the schedule's
even-cadence search and the rhythm stage, ``PlanOutcome.timings["rhythm"]``, also shown alone), both
measured in the same worker process, each the least of alternating repetitions. "The plain model" is
``optimise(inp, method="direct", tie_break=False)``: the full model written in PuLP and solved by
HiGHS at zero relative gap, the independent formulation the default is checked against.

``--loaded`` starts two CPU-bound processes (``python -c "while True: pass"``) before the first
section and ends them (by their own handles) when the run ends, on an error or Ctrl-C too; the
header and the JSON (``"loaded"``) say so. Time limits are generous enough that a loaded run still
returns a plan: 30 s per solve in section 1, 60 s for the 400 x 10 program's default (the issue's
``--time-limit 60``) and the national case.

Sections (each prints a table; the earlier goals' lines as "earlier goal"):

1. the 30 benchmark scenarios (``scenario_set()``'s 29 on the bundled program and
   ``scenarios/an-giang-2026-2030.yaml``, its own program): default, primary and plain, alternating
   in one process (2 repetitions; the primary once more first, the process's warm-up); the
   evenness stage and the rhythm stage per scenario; ratio plain / default;
2. stress: 200 seeded random scenarios (per-year cuts of the local budget and of co-funding, target
   changes, weights, floors): default, plain and primary once each; p99 and max of the default, all
   proven, every optimum checked against the plain model's in the same run;
3. the CLI: ``kgkc-opt solve scenarios/baseline.yaml --out DIR`` against a bare
   ``import pandas, pulp, highspy``, wall clock of fresh interpreters, as a ratio;
4. scale: the national case (``synthetic.national(34)``: 34 provinces x 24 tasks x 5 years and a
   shared national budget line); a 400-task x 10-year program written as a program file
   (``synthetic.write_program``) and loaded with ``kgkc_opt.load_program``, at budget tightnesses
   from 120% to 20% of its annual table; the growth curve over tasks x years;
5. the earlier sweep goals (LP and MILP sweeps, full run only);
6. honest figures: each case's memory, the fallback paths' stages;
7. the annual plan (issue 15's goals), then ``benchmarks/annual_scale.py``: ``kgkc-opt annual``
   end to end on 2,000 and 10,000 synthetic proposals (quick: 500), wall clock, CPU and memory;
8. start-up: ``kgkc-opt --help`` against ``python -c "import kgkc_opt.cli"``, fresh interpreters,
   the least of 7 runs, wall clock and CPU time;
9. the model file: ``kgkc-opt solve scenarios/baseline.yaml --write-model X.lp``, read back by HiGHS.

Then the summary: the table "Issue 27 — Done when" (``benchmarks/issue27.py`` says how each of its
eight lines is read off this run), then the earlier goals (issues 13 and 15), each MET / NOT MET with
the measured figure.

Every case runs in a fresh process (``--worker``, started by this script) and reports its own
peak resident memory: ``VmHWM`` of /proc/self/status, the high-water mark of the process's own
address space. (``getrusage`` ``ru_maxrss``, of the process or of its children, counts the memory
of the parent at the fork: a child of a 400 MB process reports at least 400 MB.) A case that runs
out of time is shown with its status, its proven gap and the time of each stage
(``PlanOutcome.timings``), failed schedules included; nothing is left out. This is a benchmark,
not a test: it exits 0 whatever it measures.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
for _p in (str(ROOT), str(BENCH)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

SCENARIOS = ROOT / "scenarios"

# The goals of issue 13.
GOAL_NATIONAL_S = 10.0      # the national case proven optimal in under 10 s
GOAL_ANNUAL_SELECT_S = 1.0   # issue 15: 500 proposals selected and proven in under a second
GOAL_ANNUAL_REASONS_S = 5.0  # ... reasons and least-extra figures "in a few seconds"
GOAL_PROGRAM_S = 10.0       # the 400 x 10 program proven in under 10 s at any budget tightness
#: The time limit of the 400 x 10 program's default solves (full run): issue 27's runs used --time-limit 60.
PROGRAM_LIMIT = 60.0
GOAL_STRESS_N = 200         # at least 200 seeded random scenarios ...
GOAL_STRESS_P99 = 0.5       # ... p99 under 0.5 s
GOAL_STRESS_MAX = 2.0       # ... max under 2 s, all proven, checked against the plain model
#: Where the plain model stops unproven at its stress limit, it runs again this long for the check
#: ("checked against ... the plain model at zero gap, given time"); the timings keep the first run.
STRESS_CHECK_LIMIT = 180.0
GOAL_CLI_RATIO = 1.5        # solve --out at most 1.5x the bare import of pandas, pulp and highspy
#: "much faster on the ones it [the plain model] does not [prove]": the issue gives no number;
#: this benchmark reads it as at least 10x (a lower bound when the plain model stops at its limit).
MUCH_FASTER = 10.0
# Earlier goals, still measured in the full run.
GOAL_LP, GOAL_MILP = 1000.0, 20.0

#: Budget tightness of the 400 x 10 program: percent of its annual table (local budget and
#: co-funding alike); at 100% every target can just be met (the table is one schedule's year sums).
TIGHTNESS = (120, 100, 90, 80, 70, 60, 50, 40, 30, 20)
#: The growth curve: (tasks, years), at ``GROWTH_TIGHTNESS``.
GROWTH = ((24, 5), (100, 5), (400, 5), (24, 10), (100, 10), (400, 10), (24, 20), (100, 20), (400, 20))
GROWTH_TIGHTNESS = 80
#: Tightness levels at which the plain model is run on the 400 x 10 program too (for the ratio).
PLAIN_TIGHTNESS = (100, 80, 50)
#: Provinces of the national case.
NATIONAL_PROVINCES = 34


def scenario_set() -> list[tuple[str, object]]:
    """The fixed benchmark scenarios on the bundled program (29; tests reuse them)."""
    import kgkc_opt as kg

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


def benchmark_case(name: str):
    """A scenario of section 1: one of ``scenario_set()``, or the An Giang 2026-2030 example (its own
    program, loaded by ``scenarios/an-giang-2026-2030.yaml``)."""
    import kgkc_opt as kg

    if name == AN_GIANG:
        return kg.load_scenario(SCENARIOS / f"{AN_GIANG}.yaml")
    return dict(scenario_set())[name]


#: Issue 27: "scenarios/an-giang-2026-2030.yaml proven in under 2 s on a quiet machine" (a program with cuts).
AN_GIANG = "an-giang-2026-2030"
SCENARIO_NAMES = (
    *(f"cut-{c}pct" for c in range(0, 61, 5)), "shock-2022-30pct", "shock-2023-50pct", "shock-2025-60pct",
    "cofunding-minus-20pct", "cofunding-minus-60pct", "cut-2024-30pct", "cofunding-short-40pct",
    "targets-changed", "machinery-42", "replan-2023", "priorities-cut-30pct", "escalation-5pct",
    "carry-over-cut-10pct", "composed-shock", "support-share-machinery-40pct", "replan-2023-cut-20pct", AN_GIANG,
)
QUICK_SCENARIOS = ("cut-10pct", "cut-30pct", "cut-50pct", "replan-2023", AN_GIANG)


def stress_scenario(base, seed: int):
    """A seeded random scenario on ``base``: per-year changes of the local budget (each year with
    probability 0.7) and of co-funding (0.5), from -60% to +10%; new targets for 0-4 tasks (30-160%
    of the table's, one in ten dropped to 0); weights 0, 0.5, 2 or 3 on 0-4 tasks; floors on 0-3
    tasks (1 to a third of the target). Returns the scenario and the changes as written."""
    from kgkc_opt.model.data import model_input

    inp = model_input(base)
    tasks = [(t.task_id, t.target) for t in inp.planned_tasks]
    rng = random.Random(seed)
    changes: dict[str, dict] = {}
    budget = {y: f"{rng.randint(-60, 10):+d}%" for y in inp.years if rng.random() < 0.7}
    cofunding = {y: f"{rng.randint(-60, 10):+d}%" for y in inp.years if rng.random() < 0.5}
    targets = {tid: 0 if rng.random() < 0.1 else max(1, round(q * rng.uniform(0.3, 1.6)))
               for tid, q in rng.sample(tasks, rng.randint(0, 4))}
    weights = {tid: rng.choice((0, 0.5, 2, 3)) for tid, _ in rng.sample(tasks, rng.randint(0, 4))}
    floors = {}
    for tid, q in rng.sample(tasks, rng.randint(0, 3)):
        target = targets.get(tid, q)
        if target >= 1:
            floors[tid] = rng.randint(1, max(1, target // 3))
    for key, value in (("budget", budget), ("cofunding", cofunding), ("targets", targets),
                       ("weights", weights), ("floors", floors)):
        if value:
            changes[key] = value
    return base.derive(f"stress-{seed}", **changes), changes


# --------------------------------------------------------------------------------------------
# The worker: one case in a fresh process
# --------------------------------------------------------------------------------------------

def peak_mb() -> float | None:
    """This process's peak resident memory (VmHWM), in MB; None where /proc is missing."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _emit(tag: str, obj: dict) -> None:
    print(f"{tag} {json.dumps(obj, default=str)}", flush=True)


def _timed(fn, *args, **kwargs):
    t = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t


def stages(timings: dict[str, float], wall: float, method: str, status: str, tie_break: bool) -> dict:
    """The stage times of an outcome: aggregate solves, schedules (how many failed), the full model,
    the rhythm stage (the default's last: evenness across the years, ``timings["rhythm"]``), and what
    no stage accounts for (model building, exact checks)."""
    keys = list(timings)
    sched = [k for k in keys if k.startswith("schedule")]
    full_at = next((i for i, k in enumerate(keys) if k.startswith("full[")), None)
    if method.endswith("+full") or method == "direct":
        failed = [k for k in sched if full_at is None or keys.index(k) < full_at]
    elif method.startswith("decompose"):
        failed = sched[:-1]
    else:
        failed = []
    # The full model's tie-break schedule has its own key ("schedule[full]", "schedule[full[probe]]");
    # before it had one it was stored under "schedule", the first failed schedule's key, and that
    # figure was then the tie-break's, not the failure's.
    overwritten = (method.endswith("+full") and status == "optimal" and tie_break and "schedule" in timings
                   and not any(k.startswith("schedule[full") for k in timings))
    agg = sum(v for k, v in timings.items() if k.startswith("aggregate"))
    sch = sum(timings[k] for k in sched)
    full = sum(v for k, v in timings.items() if k.startswith("full["))
    rhythm = timings.get("rhythm", 0.0)
    return {"aggregate": agg, "schedule": sch, "schedules": len(sched),
            "failed_schedules": len(failed), "failed_schedule_seconds": sum(timings[k] for k in failed),
            "full": full, "rhythm": rhythm, "other": wall - agg - sch - full - rhythm, "overwritten": overwritten,
            "slowest": max(timings.items(), key=lambda kv: kv[1]) if timings else None}


def fmt_stages(st: dict | None) -> str:
    if not st:
        return ""
    parts = [f"agg {st['aggregate']:.2f}"]
    if st["schedules"]:
        s = f"sched {st['schedule']:.2f} ({st['schedules']}"
        if st["failed_schedules"]:
            s += f", {st['failed_schedules']} failed: {st['failed_schedule_seconds']:.2f}"
        parts.append(s + ")")
    if st["full"]:
        parts.append(f"full {st['full']:.2f}")
    if st.get("rhythm"):
        parts.append(f"rhythm {st['rhythm']:.2f}")
    parts.append(f"other {st['other']:.2f}")
    return "; ".join(parts) + (" [first schedule's time overwritten]" if st["overwritten"] else "")


def _gap(outcome) -> float | None:
    """Proven relative gap of the first objective: 0 when optimal, None without a plan."""
    if outcome.status.value == "optimal":
        return 0.0
    if not outcome.values or outcome.bound is None:
        return None
    value = next(iter(outcome.values.values()))
    bound = Fraction(outcome.bound)
    return max(float(bound - value), 0.0) / max(abs(float(value)), 1e-9)


def _summary(outcome, seconds: float, tie_break: bool, inp=None) -> dict:
    """The figures of one outcome; with ``inp``, also how many of the program's rhythm rules its plan
    breaks (``solver.rhythm.soft_findings``: what the default's rhythm stage would change)."""
    out = {"status": outcome.status.value, "method": outcome.method, "seconds": seconds,
           "gap": _gap(outcome), "bound": None if outcome.bound is None else float(outcome.bound),
           "values": {k: str(v) for k, v in outcome.values.items()},
           "stages": stages(outcome.timings, seconds, outcome.method, outcome.status.value, tie_break),
           "timings": outcome.timings}
    if inp is not None and outcome.plan:
        from kgkc_opt.solver.rhythm import soft_findings

        out["rhythm_findings"] = len(soft_findings(inp, outcome.plan))
    return out


def _lex(values: dict) -> tuple:
    return tuple(Fraction(v) for v in values.values())


def compare(default: dict, plain: dict) -> str:
    """How the default's answer stands against the plain model's.

    ``same``: both proven, every objective equal (exact fractions); ``same but the order``: every
    objective equal but the last, traded by the default's rhythm stage for the rhythm the plain
    plan breaks (by design, ``_order_for_rhythm``); ``infeasible (both)``;
    ``consistent``: the plain model stopped unproven, its plan is not better and its bound not
    below the default's optimum; anything else names the disagreement."""
    ds, ps = default["status"], plain["status"]
    if ds == "infeasible" or ps == "infeasible":
        return "infeasible (both)" if ds == ps else f"DISAGREE: default {ds}, plain {ps}"
    if ds != "optimal":
        if ds == "feasible" and ps == "optimal":
            same = default["values"] == plain["values"]
            return f"default unproven ({'its plan reaches' if same else 'its plan is below'} the plain optimum)"
        return f"default {ds}"
    if ps == "optimal":
        if default["values"] == plain["values"]:
            return "same"
        return _order_for_rhythm(default, plain) or "DISAGREE: different optima"
    if ps == "feasible":
        first = Fraction(next(iter(default["values"].values())))
        if _lex(plain["values"]) > _lex(default["values"]):
            return "DISAGREE: plain plan better"
        if plain["bound"] is not None and plain["bound"] < float(first) * (1 - 1e-9) - 1e-9:
            return "DISAGREE: plain bound below"
        return "consistent (plain unproven)"
    return f"consistent (plain {ps})"


def _order_for_rhythm(default: dict, plain: dict) -> str | None:
    """Both proven, every objective equal but the last (the fixed ``order``), the default's lower:
    by design where the default's rhythm stage ran and the plain plan breaks the program's rhythm
    (``solver.rhythm``: the rhythm ranks above ``order``, which decides only among rhythmic plans);
    None otherwise (a disagreement)."""
    dv, pv = list(default["values"].values()), list(plain["values"].values())
    if len(dv) < 2 or dv[:-1] != pv[:-1] or Fraction(dv[-1]) > Fraction(pv[-1]):
        return None
    if "rhythm" not in default.get("timings", {}) or not plain.get("rhythm_findings"):
        return None
    return (f"same but the order ({dv[-1]} vs {pv[-1]}): the plain plan breaks the rhythm "
            f"({plain['rhythm_findings']} rule(s)), which ranks above the order")


def worker(spec: dict) -> None:
    kind = spec["kind"]
    if kind == "scenario":
        _worker_scenario(spec)
    elif kind == "stress":
        _worker_stress(spec)
    elif kind == "scale":
        _worker_scale(spec)
    elif kind == "sweeps":
        _worker_sweeps(spec)
    elif kind == "annual":
        _worker_annual(spec)
    elif kind == "export":
        import issue27

        issue27.export_worker(spec)
    else:
        raise SystemExit(f"unknown worker kind {kind}")


def _timed_cpu(fn, *args, **kwargs):
    """``fn(*args, **kwargs)``, its wall clock and this process's CPU time (HiGHS runs one thread here)."""
    t, c = time.perf_counter(), time.process_time()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t, time.process_time() - c


def _worker_scenario(spec: dict) -> None:
    """Default, plain and primary on one scenario, alternating, the least time of each kept (with the
    summary of that fastest run). The primary runs once more first, as the warm-up of the process
    (first-solve costs), and that run counts among its repetitions."""
    from kgkc_opt.model.data import model_input
    from kgkc_opt.solver.decompose import optimise

    scn = benchmark_case(spec["name"])
    inp = model_input(scn)
    dl, pl, reps = spec["default_limit"], spec["plain_limit"], spec["reps"]
    runs: dict[str, list[tuple[float, float, dict]]] = {"default": [], "plain": [], "primary": []}

    def run(which: str) -> None:
        kwargs = {"default": {}, "primary": {"tie_break": False},
                  "plain": {"method": "direct", "tie_break": False}}[which]
        o, wall, cpu = _timed_cpu(optimise, inp, time_limit=pl if which == "plain" else dl, **kwargs)
        summary = _summary(o, wall, which == "default", inp if which == "plain" else None)
        summary["cpu_seconds"] = cpu
        runs[which].append((wall, cpu, summary))

    run("primary")  # the warm-up, counted
    for rep in range(reps):  # alternating
        run("primary")
        run("default")
        if rep == 0 or runs["plain"][0][2]["status"] == "optimal":
            run("plain")
    best = {k: dict(min(v, key=lambda x: x[0])[2], cpu_seconds=min(x[1] for x in v)) for k, v in runs.items()}
    d, p = best["default"], best["plain"]
    _emit("RESULT", {"name": spec["name"], "default": d, "plain": p, "primary": best["primary"],
                     **{f"{k}_runs": [x[0] for x in v] for k, v in runs.items()},
                     "check": compare(d, p), "peak_mb": peak_mb()})


def _worker_stress(spec: dict) -> None:
    import kgkc_opt as kg
    from kgkc_opt.model.data import model_input
    from kgkc_opt.solver.decompose import optimise

    base = kg.load_scenario(SCENARIOS / "baseline.yaml")
    optimise(model_input(base), time_limit=spec["default_limit"])  # first-solve costs out of the figures
    for seed in range(*spec["seeds"]):
        scn, changes = stress_scenario(base, seed)
        inp = model_input(scn)
        d, ds = _timed(optimise, inp, time_limit=spec["default_limit"])
        p, ps = _timed(optimise, inp, method="direct", tie_break=False, time_limit=spec["plain_limit"])
        prim, prim_s = _timed(optimise, inp, tie_break=False, time_limit=spec["default_limit"])
        dsum, psum = _summary(d, ds, True), _summary(p, ps, False, inp)
        check = compare(dsum, psum)
        if p.status.value == "feasible" and spec.get("check_limit"):
            # "the plain model at zero gap, given time": the check (not the timing) gets a longer run
            again, again_s = _timed(optimise, inp, method="direct", tie_break=False, time_limit=spec["check_limit"])
            check = compare(dsum, _summary(again, again_s, False, inp)) + f" (plain given {again_s:.0f} s)"
        _emit("ROW", {"seed": seed, "changes": changes, "default": dsum, "plain": psum,
                      "primary": {"status": prim.status.value, "seconds": prim_s, "method": prim.method},
                      "check": check})
    _emit("RESULT", {"peak_mb": peak_mb()})


def _worker_scale(spec: dict) -> None:
    import kgkc_opt as kg
    from kgkc_opt.model.data import model_input
    from kgkc_opt.solver.decompose import optimise

    out: dict = {"label": spec["label"]}
    t = time.perf_counter()
    if spec["case"] == "national":
        import synthetic

        inp = synthetic.national(spec["n"])
    else:
        program, out["load_seconds"] = _timed(kg.load_program, spec["path"])
        scn = kg.baseline(program)
        p = spec["tightness"]
        if p != 100:
            scn = scn.derive(f"tightness-{p}", budget={"all": f"{p - 100:+d}%"}, cofunding={"all": f"{p - 100:+d}%"})
        inp = model_input(scn)
    out["input_seconds"] = time.perf_counter() - t
    out.update(tasks=len(inp.planned_tasks), years=len(inp.planned_years), columns=len(inp.columns()),
               lines=len(inp.lines))
    if spec["method"] == "plain":
        o, s = _timed(optimise, inp, method="direct", tie_break=False, time_limit=spec["limit"])
        out["main"] = _summary(o, s, False)
    else:
        o, s = _timed(optimise, inp, time_limit=spec["limit"])
        out["main"] = _summary(o, s, True)
    out["peak_mb"] = peak_mb()
    if spec.get("diag_limit"):  # the same without the tie-break: the proof alone
        o, s = _timed(optimise, inp, tie_break=False, time_limit=spec["diag_limit"])
        out["primary"] = _summary(o, s, False)
    _emit("RESULT", out)


def _worker_sweeps(spec: dict) -> None:
    res = {"lp_sweep": bench_lp_sweep(spec["quick"]), "milp_sweep": bench_milp_sweep(10.0, spec["quick"])}
    res["peak_mb"] = peak_mb()
    _emit("RESULT", res)


def _worker_annual(spec: dict) -> None:
    """The annual plan on synthetic proposals: the selection (proven), then every reason and
    verified least extra budget; the program's plan is solved first (not counted)."""
    import synthetic

    import kgkc_opt as kg
    from kgkc_opt.analysis.annual import NOT_FUNDED

    program = kg.load_program()
    res: dict = {"rows": []}
    example = kg.load_proposals(SCENARIOS / "proposals-2024.csv", program)
    cases = [("example", example, kg.Rules(max_per_commune=2, min_per_region=1))]
    cases += [(f"synthetic-{n}", synthetic.proposals(program, spec["year"], n),
               kg.Rules(max_per_commune=3, min_per_region=1)) for n in spec["sizes"]]
    for label, props, rules in cases:
        n = len(props)
        r, s = _timed(kg.annual, props, spec["year"], scenario=program, rules=rules)
        out = [d for d in r.decisions if d.status == NOT_FUNDED]
        res["rows"].append({
            "label": label, "n": n, "status": r.status.value, "seconds": s, "plan": r.timings.get("program plan", 0.0),
            "selection": r.timings.get("selection", 0.0), "reasons": r.timings.get("reasons", 0.0),
            "funded": len(r.funded), "not_funded": len(out),
            "with_figure": sum(d.least_extra is not None for d in out),
            "no_reason": sum(not d.reasons for d in out)})
    res["peak_mb"] = peak_mb()
    _emit("RESULT", res)


def bench_annual(quick: bool) -> dict:
    """Goal 7 (issue 15): 500 proposals selected and proven in under a second; reasons and least
    extra budgets (each verified by solving again) in a few seconds."""
    sizes = [60, 500] if not quick else [60]
    print("\n== 7. The annual plan: proposals for 2024, the example file and synthetic ones (synthetic.proposals; one "
          "fresh process) ==")
    r = run_worker({"kind": "annual", "year": 2024, "sizes": sizes}, timeout=600)
    if "error" in r:
        print(f"annual: ERROR {r['error']}")
        goal("7 annual plan", "run", r["error"], False)
        return r
    print("example: scenarios/proposals-2024.csv (illustrative), at most 2 per commune, at least 1 per district; "
          "synthetic: at most 3 per commune, at least 1 per region")
    print(f"{'case':15s} {'proposals':>9s} {'status':8s} {'select s':>8s} {'reasons s':>9s} {'funded':>6s} {'not':>4s} "
          f"{'figures':>7s}  (the program's plan is solved first: not counted)")
    for row in r["rows"]:
        print(f"{row['label']:15s} {row['n']:9d} {row['status']:8s} {row['selection']:8.3f} {row['reasons']:9.3f} "
              f"{row['funded']:6d} {row['not_funded']:4d} {row['with_figure']:7d}")
    big = r["rows"][-1]
    ex = r["rows"][0]
    goal(f"7a annual selection, {big['n']} proposals", f"proven optimal in < {GOAL_ANNUAL_SELECT_S:g} s",
         f"{big['status']} in {big['selection']:.3f} s", big["status"] == "optimal"
         and big["selection"] < GOAL_ANNUAL_SELECT_S)
    goal(f"7b annual reasons, {big['n']} proposals", f"every one not funded with a reason, least extra budgets "
         f"verified by re-solving, in < {GOAL_ANNUAL_REASONS_S:g} s",
         f"{big['not_funded']} reasons ({big['no_reason']} missing), {big['with_figure']} least-extra figures "
         f"verified, in {big['reasons']:.2f} s", big["no_reason"] == 0 and big["reasons"] < GOAL_ANNUAL_REASONS_S,
         f"the example file's {ex['n']} proposals: {ex['with_figure']} least-extra figures (each a MIP and a "
         f"proof at one đồng less) in {ex['reasons']:.2f} s; selection {ex['selection']:.3f} s")
    # issue 27 item 5: end to end at 2,000 and 10,000 proposals (benchmarks/annual_scale.py; quick: 500, the
    # path only); read into the issue-27 table
    import annual_scale

    print()
    r["scale"] = annual_scale.measure([500] if quick else sorted(annual_scale.GOALS_S))
    return r


def run_worker(spec: dict, *, timeout: float, on_row=None) -> dict:
    """Run one case in a fresh process; its ROW lines go to ``on_row``, other output is printed."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(spec)]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(BENCH)]))
    t = time.perf_counter()
    killed: list[bool] = []
    with tempfile.TemporaryFile(mode="w+") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, text=True, cwd=ROOT, env=env)

        def stop() -> None:  # the worker this function started, by its own handle
            killed.append(True)
            proc.kill()

        timer = threading.Timer(timeout, stop)
        timer.start()
        result: dict | None = None
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                if line.startswith("ROW ") and on_row is not None:
                    on_row(json.loads(line[4:]))
                elif line.startswith("RESULT "):
                    result = json.loads(line[7:])
                else:
                    print(line, end="", flush=True)
            proc.wait()
        except BaseException:  # Ctrl-C, SIGTERM (issue27.Load), an error: the worker ends with the run
            proc.kill()
            proc.wait()
            raise
        finally:
            timer.cancel()
        if killed:
            return {"error": f"killed after {time.perf_counter() - t:.0f} s (limit {timeout:.0f} s)"}
        if result is None:
            err.seek(0)
            tail = err.read().strip().splitlines()[-3:]
            return {"error": f"exit {proc.returncode}: {' | '.join(tail)}"}
    result["process_seconds"] = time.perf_counter() - t
    return result


# --------------------------------------------------------------------------------------------
# Sections
# --------------------------------------------------------------------------------------------

GOALS: list[dict] = []
#: Every default outcome measured (label, summary): the fallback's timings are checked over all of them.
OUTCOMES: list[tuple[str, dict]] = []
#: Every peak memory measured (label, MB or None).
PEAKS: list[tuple[str, float | None]] = []


def goal(item: str, target: str, measured: str, met: bool, note: str = "") -> None:
    GOALS.append({"item": item, "goal": target, "measured": measured, "met": met, "note": note})
    print(f"   earlier goal {item}: {target} | measured {measured} | {'MET' if met else 'NOT MET'}"
          + (f" | {note}" if note else ""), flush=True)


def fmt_gap(g: float | None) -> str:
    if g is None:
        return "no plan"
    return "0" if g == 0 else f"{g:.1e}"


def fmt_mb(v: float | None) -> str:
    return "?" if v is None else f"{v:.0f}"


def bench_scenarios(quick: bool) -> dict:
    names = QUICK_SCENARIOS if quick else SCENARIO_NAMES
    dl, pl, reps = (30.0, 10.0, 1) if quick else (30.0, 20.0, 2)
    print(f"\n== 1. The benchmark scenarios ({len(names)}): default, primary and plain model, same process ==")
    print(f"default: optimise(inp), what solve runs (limit {dl:g} s); primary: optimise(inp, tie_break=False), the "
          f"decomposition's proof without the evenness (limit {dl:g} s); plain: method='direct', tie_break=False "
          f"(limit {pl:g} s). Alternating, the least of {reps} run(s) each (primary {reps + 1}: its first run is also "
          f"the process's warm-up; plain 1 run where it stops at its limit); ratio = plain / default (>= 1: the "
          f"default is not slower); even. = default - primary, the evenness stage (the schedule's even-cadence "
          f"search and the rhythm stage); rhythm = timings['rhythm'] of the fastest default run (part of even.); "
          f"e/p = even. / primary; peak = the case's fresh process (all three)")
    print(f"{'scenario':30s} {'default':>8s} {'status':8s} {'plain':>8s} {'status':9s} {'gap':>7s} {'ratio':>7s} "
          f"{'primary':>8s} {'even.':>7s} {'rhythm':>7s} {'e/p':>6s} {'peak MB':>7s}  check; default's stages (s)")
    rows = []
    for name in names:
        r = run_worker({"kind": "scenario", "name": name, "default_limit": dl, "plain_limit": pl, "reps": reps},
                       timeout=reps * (2 * dl + pl) + dl + 120)
        if "error" in r:
            print(f"{name:30s} ERROR {r['error']}")
            rows.append({"name": name, "error": r["error"]})
            continue
        d, p, prim = r["default"], r["plain"], r["primary"]
        r["ratio"] = p["seconds"] / d["seconds"]
        r["evenness"] = d["seconds"] - prim["seconds"]
        r["rhythm"] = d["timings"].get("rhythm", 0.0)
        rows.append(r)
        OUTCOMES.append((name, d))
        PEAKS.append((f"scenario {name} (default, primary and plain)", r["peak_mb"]))
        print(f"{name:30s} {d['seconds']:8.3f} {d['status']:8s} {p['seconds']:8.3f} {p['status']:9s} "
              f"{fmt_gap(p['gap']):>7s} {r['ratio']:6.2f}x {prim['seconds']:8.3f} {r['evenness']:7.3f} "
              f"{r['rhythm']:7.3f} {r['evenness'] / max(prim['seconds'], 1e-9):5.2f}x {fmt_mb(r['peak_mb']):>7s}"
              f"  {r['check']}; {fmt_stages(d['stages'])}", flush=True)
    ok = [r for r in rows if "error" not in r]
    proven_by_plain = [r for r in ok if r["plain"]["status"] == "optimal"]
    unproven_by_plain = [r for r in ok if r["plain"]["status"] != "optimal"]
    slower = [r for r in proven_by_plain if r["ratio"] < 1]
    default_proven = [r for r in ok if r["default"]["status"] == "optimal"]
    disagree = [r for r in ok if r["check"].startswith("DISAGREE")]
    print(f"-- default proven on {len(default_proven)}/{len(rows)}; plain proven on {len(proven_by_plain)}/{len(rows)};"
          f" {len(disagree)} disagreement(s)")
    if ok:
        print(f"-- medians: default {statistics.median(r['default']['seconds'] for r in ok):.3f} s, plain "
              f"{statistics.median(r['plain']['seconds'] for r in ok):.3f} s, primary "
              f"{statistics.median(r['primary']['seconds'] for r in ok):.3f} s")
    subset = " (quick: subset)" if quick else ""
    if proven_by_plain:
        worst = min(proven_by_plain, key=lambda r: r["ratio"])
        slow_note = ", ".join(f"{r['name']} {r['default']['seconds']:.2f} s vs {r['plain']['seconds']:.2f} s"
                              for r in sorted(slower, key=lambda r: r["ratio"])[:5])
        prim_slower = [r for r in proven_by_plain if r["primary"]["seconds"] > r["plain"]["seconds"]]
        goal("1a never slower where the plain model proves" + subset,
             "default time <= plain time on each scenario the plain model proves",
             f"slower on {len(slower)}/{len(proven_by_plain)}; worst ratio {worst['ratio']:.2f}x ({worst['name']}); "
             f"median ratio {statistics.median(r['ratio'] for r in proven_by_plain):.2f}x",
             not slower and not disagree, (f"slowest: {slow_note}; " if slow_note else "")
             + f"without the tie-break slower on {len(prim_slower)}/{len(proven_by_plain)}")
    if unproven_by_plain:
        much = [r for r in unproven_by_plain if r["default"]["status"] == "optimal" and r["ratio"] >= MUCH_FASTER]
        goal("1b much faster where the plain model does not prove" + subset,
             f"default proves, >= {MUCH_FASTER:g}x faster (the plain model at its {pl:g} s limit)",
             f"{len(much)}/{len(unproven_by_plain)}: " + ", ".join(
                 f"{r['name']} {r['default']['seconds']:.2f} s vs >= {r['plain']['seconds']:.1f} s "
                 f"(>= {r['ratio']:.0f}x, plain gap {fmt_gap(r['plain']['gap'])})" for r in unproven_by_plain),
             len(much) == len(unproven_by_plain) and not disagree)
    else:
        goal("1b much faster where the plain model does not prove" + subset,
             f"default proves, >= {MUCH_FASTER:g}x faster", f"the plain model proved all {len(ok)} within {pl:g} s: "
             "no such scenario in this run", True, "vacuous in this run")
    return {"rows": rows, "expected": len(names)}


def bench_stress(quick: bool) -> dict:
    n = 10 if quick else GOAL_STRESS_N
    dl, pl = 10.0, (5.0 if quick else 15.0)
    print(f"\n== 2. Stress: {n} seeded random scenarios on the baseline (seeds 0..{n - 1}; one fresh process) ==")
    print(f"default: optimise(inp) (limit {dl:g} s); plain: method='direct', tie_break=False, zero gap "
          f"(limit {pl:g} s); primary: the default without the tie-break (diagnostic); check: every objective's exact "
          f"value (PlanOutcome.values) against the plain model's")
    print(f"{'seed':>4s} {'default':>8s} {'status':8s} {'method':18s} {'plain':>8s} {'status':9s} {'ratio':>7s} "
          f"{'primary':>8s}  check; default's stages (s); changes")
    rows: list[dict] = []

    def on_row(r: dict) -> None:
        rows.append(r)
        OUTCOMES.append((f"stress seed {r['seed']}", r["default"]))
        d, p = r["default"], r["plain"]
        ch = json.dumps(r["changes"], separators=(",", ":"))
        print(f"{r['seed']:4d} {d['seconds']:8.3f} {d['status']:8s} {d['method'][:18]:18s} {p['seconds']:8.3f} "
              f"{p['status']:9s} {p['seconds'] / d['seconds']:6.2f}x {r['primary']['seconds']:8.3f}  {r['check']}; "
              f"{fmt_stages(d['stages'])}; {ch}",
              flush=True)

    res = run_worker({"kind": "stress", "seeds": [0, n], "default_limit": dl, "plain_limit": pl,
                      "check_limit": STRESS_CHECK_LIMIT}, timeout=n * (dl + pl) + 4 * STRESS_CHECK_LIMIT + 120,
                     on_row=on_row)
    PEAKS.append((f"stress, {n} scenarios in one process", res.get("peak_mb")))
    if "error" in res:
        print(f"stress worker: ERROR {res['error']} after {len(rows)} scenarios")
    times = sorted(r["default"]["seconds"] for r in rows)
    subset = " (quick: subset)" if quick else ""
    out = {"rows": rows, "peak_mb": res.get("peak_mb"), "error": res.get("error"), "expected": n}
    if not times:
        goal("2 stress" + subset, f">= {GOAL_STRESS_N} scenarios", "none measured", False, res.get("error", ""))
        return out
    p99 = times[math.ceil(0.99 * len(times)) - 1]  # nearest rank
    proven = [r for r in rows if r["default"]["status"] in ("optimal", "infeasible")]
    checks: dict[str, int] = {}
    for r in rows:
        checks[r["check"]] = checks.get(r["check"], 0) + 1
    # "same (plain given 40 s)": the plain model proved it only in its longer check run
    agree = sum(v for k, v in checks.items() if k.startswith(("same", "infeasible (both)")))
    given = sum(v for k, v in checks.items() if "(plain given" in k)
    disagree = sum(v for k, v in checks.items() if k.startswith("DISAGREE"))
    plain_times = [r["plain"]["seconds"] for r in rows]
    pp = [r for r in rows if r["plain"]["status"] == "optimal"]
    slower = [r for r in pp if r["default"]["seconds"] > r["plain"]["seconds"]]
    methods: dict[str, int] = {}
    for r in rows:
        m = r["default"]["method"]
        methods[m] = methods.get(m, 0) + 1
    over = [r for r in rows if r["default"]["seconds"] >= GOAL_STRESS_P99]
    over_s = max(sum(r["default"]["seconds"] for r in over), 1e-9)
    share_sched = sum(r["default"]["stages"]["schedule"] for r in over) / over_s
    prim = sorted(r["primary"]["seconds"] for r in rows)
    prim_p99 = prim[math.ceil(0.99 * len(prim)) - 1]
    plain_p99 = sorted(plain_times)[math.ceil(0.99 * len(plain_times)) - 1]
    out.update(p99=p99, max=times[-1], median=statistics.median(times), n=len(rows), checks=checks,
               methods=methods, plain_median=statistics.median(plain_times), plain_max=max(plain_times),
               plain_p99=plain_p99, primary_median=statistics.median(prim), primary_p99=prim_p99,
               primary_max=prim[-1])
    print(f"-- default: median {out['median']:.3f} s, p99 {p99:.3f} s, max {times[-1]:.3f} s; plain: median "
          f"{out['plain_median']:.3f} s, max {out['plain_max']:.3f} s (ratio of medians plain/default "
          f"{out['plain_median'] / out['median']:.2f}x); primary: median {out['primary_median']:.3f} s, p99 "
          f"{prim_p99:.3f} s, max {prim[-1]:.3f} s; methods {methods}; checks {checks}; peak "
          f"{fmt_mb(res.get('peak_mb'))} MB (the worker, all scenarios)")
    print(f"-- {len(over)} scenario(s) at or above {GOAL_STRESS_P99} s: the schedule stage (with the tie-break) is "
          f"{100 * share_sched:.0f}% of their time")
    goal("2a stress count" + subset, f">= {GOAL_STRESS_N} seeded scenarios", f"{len(rows)}", len(rows) >= GOAL_STRESS_N)
    goal("2b stress p99" + subset, f"< {GOAL_STRESS_P99} s", f"{p99:.3f} s (plain model's p99 {plain_p99:.3f} s)",
         p99 < GOAL_STRESS_P99, f"{len(over)} of {len(rows)} at or above {GOAL_STRESS_P99} s; the schedule stage "
         f"{100 * share_sched:.0f}% of their time; without the tie-break p99 {prim_p99:.3f} s")
    worst = max(rows, key=lambda r: r["default"]["seconds"])
    goal("2c stress max" + subset, f"< {GOAL_STRESS_MAX} s",
         f"{times[-1]:.3f} s (seed {worst['seed']}, {worst['default']['method']})", times[-1] < GOAL_STRESS_MAX,
         f"{fmt_stages(worst['default']['stages'])}; without the tie-break max {prim[-1]:.3f} s")
    goal("2d stress all proven" + subset, "every scenario proven (optimal, or infeasible)",
         f"{len(proven)}/{len(rows)}", len(proven) == len(rows))
    goal("2e stress checked against the plain model" + subset,
         "every optimum equal to the plain model's (zero gap)",
         f"{agree} equal ({given} of them proven by the plain model only when given up to {STRESS_CHECK_LIMIT:g} s); "
         f"{sum(v for k, v in checks.items() if k.startswith('consistent'))} where the plain model stopped unproven "
         f"(consistent: its plan not better, its bound not below); "
         f"{sum(v for k, v in checks.items() if k.startswith('default'))} where the default stopped unproven; "
         f"{disagree} disagree", disagree == 0 and agree == len(rows),
         ", ".join(f"{k}: {v}" for k, v in checks.items()))
    prim_slower = [r for r in pp if r["primary"]["seconds"] > r["plain"]["seconds"]]
    goal("1a' never slower than the plain model, stress set" + subset,
         "default time <= plain time where the plain model proves",
         (f"slower on {len(slower)}/{len(pp)}; median ratio plain/default "
          f"{statistics.median(r['plain']['seconds'] / r['default']['seconds'] for r in pp):.2f}x") if pp
         else "none proven",
         not slower, f"median default {out['median']:.3f} s vs plain {out['plain_median']:.3f} s; without the "
         f"tie-break slower on {len(prim_slower)}/{len(pp)}")
    return out


def bench_cli(quick: bool) -> dict:
    reps = 2 if quick else 5
    print(f"\n== 3. CLI: kgkc-opt solve scenarios/baseline.yaml --out DIR vs import pandas, pulp, highspy "
          f"(fresh interpreters, {reps} alternating runs, medians) ==")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    imp_cmd = [sys.executable, "-c", "import pandas, pulp, highspy"]
    cli_times, imp_times = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(reps):
            _, s = _timed(subprocess.run, imp_cmd, check=True, capture_output=True, cwd=ROOT, env=env)
            imp_times.append(s)
            cli_cmd = [sys.executable, "-m", "kgkc_opt", "solve", str(SCENARIOS / "baseline.yaml"), "--out",
                       str(Path(tmp) / f"out{i}")]
            _, s = _timed(subprocess.run, cli_cmd, check=True, capture_output=True, cwd=ROOT, env=env)
            cli_times.append(s)
        # what the CLI imports, and its stages: import of the CLI module alone, and the solve in-process
        trace = subprocess.run([sys.executable, "-X", "importtime", *cli_cmd[1:-1], str(Path(tmp) / "trace")],
                               capture_output=True, text=True, cwd=ROOT, env=env)
        top: dict[str, float] = {}
        for line in trace.stderr.splitlines():
            parts = line.split("|")
            if len(parts) == 3 and parts[2].startswith(" ") and not parts[2].startswith("  ") \
                    and parts[1].strip().isdigit():
                top[parts[2].strip()] = int(parts[1]) / 1e6  # cumulative seconds of a top-level import
        mods = {line.split("|")[-1].strip() for line in trace.stderr.splitlines() if "|" in line}
        imports_pandas = "pandas" in mods
        import_total = sum(top.values())
        heavy = sorted(top.items(), key=lambda kv: -kv[1])[:4]
        _, app_s = _timed(subprocess.run, [sys.executable, "-c", "import kgkc_opt.cli.app"], check=True,
                          capture_output=True, cwd=ROOT, env=env)
        mem = {}
        if Path("/usr/bin/time").exists():  # a small C parent: its child's peak is the child's own
            for label, cmd in (("import", imp_cmd), ("cli", [*cli_cmd[:-1], str(Path(tmp) / "mem")])):
                p = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], capture_output=True, text=True, cwd=ROOT,
                                   env=env)
                try:
                    mem[label] = int(p.stderr.strip().splitlines()[-1]) / 1024
                except (ValueError, IndexError):
                    mem[label] = None
    cli, imp = statistics.median(cli_times), statistics.median(imp_times)
    ratio = cli / imp
    print(f"import pandas, pulp, highspy: {imp:.3f} s (runs {', '.join(f'{t:.2f}' for t in imp_times)}); "
          f"peak {fmt_mb(mem.get('import'))} MB")
    print(f"solve --out:                  {cli:.3f} s (runs {', '.join(f'{t:.2f}' for t in cli_times)}); "
          f"peak {fmt_mb(mem.get('cli'))} MB")
    print(f"import kgkc_opt.cli.app alone: {app_s:.3f} s; the CLI imports pandas: {'yes' if imports_pandas else 'no'}")
    print(f"imports of solve --out (-X importtime, one run, top level): {import_total:.2f} s; largest: "
          + ", ".join(f"{m} {t:.2f} s" for m, t in heavy))
    goal("3 CLI solve --out" + (" (quick)" if quick else ""), f"<= {GOAL_CLI_RATIO}x the bare import",
         f"{ratio:.2f}x ({cli:.2f} s vs {imp:.2f} s)", ratio <= GOAL_CLI_RATIO,
         f"pandas imported by solve --out: {'yes' if imports_pandas else 'no'}; its imports {import_total:.2f} s "
         f"(-X importtime; {', '.join(f'{m} {t:.2f} s' for m, t in heavy[:3])})")
    return {"cli_seconds": cli, "import_seconds": imp, "ratio": ratio, "cli_runs": cli_times,
            "import_runs": imp_times, "imports_pandas": imports_pandas, "cli_import_seconds": app_s, "peak_mb": mem,
            "imports_top": top}


def _scale_row(r: dict) -> str:
    if "error" in r:
        return f"{r.get('label', '?'):26s} ERROR {r['error']}"
    m = r["main"]
    prim = r.get("primary")
    ptxt = f"{prim['seconds']:7.2f} {prim['status'][:8]:8s}" if prim else f"{'':7s} {'':8s}"
    return (f"{r['label']:26s} {r['tasks']:5d} {r['years']:3d} {r['columns']:6d} {r['input_seconds']:6.2f} "
            f"{m['status'][:11]:11s} {m['method'][:16]:16s} {m['seconds']:7.2f} {fmt_gap(m['gap']):>7s} {ptxt} "
            f"{fmt_mb(r['peak_mb']):>6s}  {fmt_stages(m['stages'])}")


SCALE_HEADER = (f"{'case':26s} {'tasks':>5s} {'yrs':>3s} {'q vars':>6s} {'input':>6s} {'status':11s} "
                f"{'method':16s} {'time s':>7s} {'gap':>7s} {'primary':>7s} {'status':8s} {'peak MB':>6s}  "
                f"stages of the main solve (s)")


def bench_scale(quick: bool) -> dict:
    import synthetic

    limit = 10.0 if quick else 20.0
    #: the 400 x 10 program's default solve: the issue's own limit (--time-limit 60), so that a loaded run
    #: still returns a plan and a proof has room; the plain model keeps ``limit`` (a comparison)
    prog_limit = 20.0 if quick else PROGRAM_LIMIT
    nat_limit = 10.0 if quick else 60.0
    diag = None if quick else 10.0
    out: dict = {"national": [], "program": [], "program_plain": [], "growth": []}
    print(f"\n== 4. Scale (each case a fresh process; input = building or loading the input; primary = the same "
          f"without the tie-break, limit {diag or '-'} s, a diagnostic run after the main one; peak = the process's "
          f"peak after the main solve) ==")

    def case(spec: dict, timeout: float) -> dict:
        r = run_worker(spec, timeout=timeout)
        r.setdefault("label", spec["label"])
        PEAKS.append((spec["label"], r.get("peak_mb")))
        if "main" in r and spec["method"] == "default":
            OUTCOMES.append((spec["label"], r["main"]))
        print(_scale_row(r), flush=True)
        return r

    print(f"\n-- 4a. The national case: synthetic.national({NATIONAL_PROVINCES}), {NATIONAL_PROVINCES} provinces x 24 "
          f"tasks x 5 years, a shared national line (limit {nat_limit:g} s)")
    print(SCALE_HEADER)
    n = NATIONAL_PROVINCES
    nat = case({"kind": "scale", "case": "national", "n": n, "method": "default", "limit": nat_limit,
                "label": f"national-{n} default"}, nat_limit + 180)
    nat_plain = case({"kind": "scale", "case": "national", "n": n, "method": "plain", "limit": nat_limit,
                      "label": f"national-{n} plain"}, nat_limit + 180)
    out["national"] = [nat, nat_plain]
    if "error" not in nat:
        m = nat["main"]
        ratio = ""
        if "error" not in nat_plain:
            pm = nat_plain["main"]
            ratio = (f"; plain model {pm['status']} in {pm['seconds']:.1f} s, gap {fmt_gap(pm['gap'])}, "
                     f"ratio plain/default {pm['seconds'] / m['seconds']:.2f}x")
        goal("4a national case" + (" (quick)" if quick else ""), f"proven optimal in < {GOAL_NATIONAL_S:g} s",
             f"{m['status']} ({m['method']}) in {m['seconds']:.1f} s, gap {fmt_gap(m['gap'])}, "
             f"peak {fmt_mb(nat['peak_mb'])} MB{ratio}",
             m["status"] == "optimal" and m["seconds"] < GOAL_NATIONAL_S, fmt_stages(m["stages"]))
    else:
        goal("4a national case", f"proven optimal in < {GOAL_NATIONAL_S:g} s", nat["error"], False)

    with tempfile.TemporaryDirectory() as tmp:
        paths: dict[tuple[int, int], str] = {}

        def program(tasks: int, years: int) -> str:
            if (tasks, years) not in paths:
                path = Path(tmp) / f"synthetic-{tasks}x{years}.yaml"
                synthetic.write_program(path, tasks, years)
                paths[(tasks, years)] = str(path)
            return paths[(tasks, years)]

        levels = (100,) if quick else TIGHTNESS
        size = Path(program(400, 10)).stat().st_size
        print(f"\n-- 4b. A 400-task x 10-year program written as a program file ({size:,} bytes, "
              f"synthetic.write_program) and loaded with kgkc_opt.load_program; budget tightness = local budget"
              f" and co-funding at p% of its annual table (limit {prog_limit:g} s)")
        print(SCALE_HEADER)
        for p in levels:
            r = case({"kind": "scale", "case": "program", "path": program(400, 10), "tightness": p,
                      "method": "default", "limit": prog_limit, "diag_limit": diag, "label": f"400x10 at {p}%"},
                     prog_limit + (diag or 0) + 180)
            r["tightness"], r["limit"] = p, prog_limit
            out["program"].append(r)
        plain_levels = () if quick else PLAIN_TIGHTNESS
        if plain_levels:
            print(f"   the plain model on the same program (limit {limit:g} s):")
        for p in plain_levels:
            r = case({"kind": "scale", "case": "program", "path": program(400, 10), "tightness": p,
                      "method": "plain", "limit": limit, "label": f"400x10 at {p}% plain"}, limit + 180)
            r["tightness"] = p
            out["program_plain"].append(r)
        ok = [r for r in out["program"] if "error" not in r]
        met = [r for r in ok if r["main"]["status"] == "optimal" and r["main"]["seconds"] < GOAL_PROGRAM_S]
        missed = [r for r in out["program"] if r not in met]
        plain_by = {r["tightness"]: r for r in out["program_plain"] if "error" not in r}
        ratios = []
        for d in ok:
            pm = plain_by[d["tightness"]]["main"] if d["tightness"] in plain_by else None
            if pm is not None:
                ratios.append(f"{d['tightness']}%: plain {pm['status']} {pm['seconds']:.1f} s / default "
                              f"{d['main']['status']} {d['main']['seconds']:.1f} s = "
                              f"{pm['seconds'] / d['main']['seconds']:.2f}x")
        load = [r["load_seconds"] for r in ok]
        goal("4b 400x10 program file, every tightness" + (" (quick: one level)" if quick else ""),
             f"proven optimal in < {GOAL_PROGRAM_S:g} s at each of {len(levels)} levels",
             f"{len(met)}/{len(levels)} met; times " + ", ".join(
                 f"{r.get('tightness')}%: {r['main']['status']} {r['main']['seconds']:.1f} s" if "error" not in r
                 else f"{r.get('tightness')}%: {r['error']}" for r in out["program"])
             + (f"; load_program {min(load):.2f}-{max(load):.2f} s" if load else ""),
             not missed, "; ".join([*ratios, *(["missed: " + " | ".join(
                 f"{r.get('tightness')}%: {fmt_stages(r['main']['stages']) if 'main' in r else r.get('error')}"
                 + (f"; without the tie-break {r['primary']['status']} {r['primary']['seconds']:.1f} s"
                    if r.get("primary") else "") for r in missed)] if missed else [])]))

        grid = ((24, 5), (100, 5)) if quick else GROWTH
        print(f"\n-- 4c. Growth over tasks x years: programs written by synthetic.write_program, at "
              f"{GROWTH_TIGHTNESS}% (limit {limit:g} s; 400x10 is the row of 4b)")
        print(SCALE_HEADER)
        for tasks, years in grid:
            if (tasks, years) == (400, 10) and not quick:
                r = next((x for x in out["program"] if x.get("tightness") == GROWTH_TIGHTNESS), None)
                if r is not None:
                    r = dict(r, label=f"{tasks}x{years} (from 4b)")
                    print(_scale_row(r), flush=True)
                    out["growth"].append(r)
                    continue
            r = case({"kind": "scale", "case": "program", "path": program(tasks, years),
                      "tightness": GROWTH_TIGHTNESS, "method": "default", "limit": limit, "diag_limit": diag,
                      "label": f"{tasks}x{years}"}, limit + (diag or 0) + 180)
            out["growth"].append(r)
        print("   (growth goal: the curve documented in docs/performance.md; no time goal of its own)")
    return out


def bench_lp_sweep(quick: bool) -> dict:
    import kgkc_opt as kg
    from kgkc_opt.analysis import sweep
    from kgkc_opt.model.check import achievement_value
    from kgkc_opt.model.data import model_input
    from kgkc_opt.model.formulations import linear_full
    from kgkc_opt.money import to_fraction
    from kgkc_opt.solver.pulp_model import PulpBackend, to_pulp

    print("\n-- 5a. LP sweep (the curves): warm-started HiGHS re-solves vs PuLP rebuild per level")
    inp = model_input(kg.load_scenario(SCENARIOS / "baseline.yaml"))
    levels = [round(100 - 0.06 * i, 4) for i in range(1000)]  # 100% .. 40.06%
    sweep.lp_sweep(inp, budget=levels[:5])  # import and first-model costs out of the timing
    res, fast_s = _timed(sweep.lp_sweep, inp, budget=levels)
    fast_rate = len(levels) / fast_s
    sample = levels[:: (100 if quick else 25)]
    t = time.perf_counter()
    naive_obj = []
    for lv in sample:
        scaled = sweep._scaled(inp, to_fraction(lv) / 100, None)
        out = PulpBackend("highs").run(to_pulp(linear_full(scaled, continuous=True)))
        naive_obj.append(-out.objective + float(achievement_value(scaled, {})))
    naive_s = time.perf_counter() - t
    naive_rate = len(sample) / naive_s
    fast_obj = res.objectives.set_index("budget_level")["objective"]
    worst = max(abs(fast_obj[lv] - v) for lv, v in zip(sample, naive_obj, strict=True))
    print(f"fast : {len(levels)} levels in {fast_s:.3f} s = {fast_rate:,.0f} levels/s (goal >= {GOAL_LP:,.0f})")
    print(f"naive: {len(sample)} levels in {naive_s:.3f} s = {naive_rate:,.1f} levels/s; ratio "
          f"{fast_rate / naive_rate:.1f}x; largest objective difference {worst:.1e}")
    return {"levels": len(levels), "seconds": fast_s, "rate": fast_rate, "naive_rate": naive_rate,
            "ratio": fast_rate / naive_rate, "max_objective_difference": worst}


def bench_milp_sweep(limit: float, quick: bool) -> dict:
    import kgkc_opt as kg
    from kgkc_opt.analysis import sweep
    from kgkc_opt.analysis.executors import SolvePool, solve_job
    from kgkc_opt.model.check import achievement_value
    from kgkc_opt.model.data import model_input
    from kgkc_opt.money import to_fraction
    from kgkc_opt.solver.decompose import optimise

    print("\n-- 5b. MILP sweep: exact solves per level on a process pool vs serial plain-model solves")
    inp = model_input(kg.load_scenario(SCENARIOS / "baseline.yaml"))
    levels = sweep.parse_levels("100:40:-0.5")
    workers = os.cpu_count() or 1
    t = time.perf_counter()
    with SolvePool(workers) as pool:
        pool.executor.submit(int, 0).result()  # start the pool
        start_s = time.perf_counter() - t
        sweep.sweep(inp, budget=[99.9, 99.8, 99.7, 99.6] * workers, executor=pool)  # warm the workers
        res, fast_s = _timed(sweep.sweep, inp, budget=levels, executor=pool)
    fast_rate = len(levels) / fast_s
    t = time.perf_counter()
    serial = [solve_job((sweep._scaled(inp, to_fraction(lv) / 100, None), "highs", 60.0)) for lv in levels[::4]]
    serial_rate = len(serial) / (time.perf_counter() - t)
    sample = levels[:: (30 if quick else 10)]
    t = time.perf_counter()
    naive = [(lv, optimise(sweep._scaled(inp, to_fraction(lv) / 100, None), method="direct", tie_break=False,
                           time_limit=limit)) for lv in sample]
    naive_rate = len(sample) / (time.perf_counter() - t)
    objectives = res.objectives.set_index("budget_level")["objective"]
    unproven = sum(1 for _, o in naive if o.status.value != "optimal")
    worse = sum(1 for lv, o in naive if o.plan is not None
                and float(achievement_value(sweep._scaled(inp, to_fraction(lv) / 100, None), o.plan))
                < objectives[lv] - 1e-9)
    print(f"fast : {len(levels)} levels in {fast_s:.2f} s = {fast_rate:.1f} levels/s on {workers} workers (goal >= "
          f"{GOAL_MILP:g}); statuses {res.objectives['status'].value_counts().to_dict()}; pool start {start_s:.2f} s")
    print(f"fast, one process: {serial_rate:.1f} levels/s; naive: {naive_rate:.2f} levels/s ({unproven} of "
          f"{len(sample)} stopped at {limit:g} s unproven, {worse} below the proven optimum); ratio "
          f"{fast_rate / naive_rate:.1f}x")
    return {"levels": len(levels), "seconds": fast_s, "rate": fast_rate, "workers": workers, "serial_rate": serial_rate,
            "naive_rate": naive_rate, "naive_unproven": unproven, "ratio": fast_rate / naive_rate,
            "pool_start_seconds": start_s,
            "statuses": {str(k): int(v) for k, v in res.objectives["status"].value_counts().to_dict().items()}}


def bench_sweeps(quick: bool) -> dict:
    print("\n== 5. Earlier goals: the sweeps (one fresh process) ==")
    r = run_worker({"kind": "sweeps", "quick": quick}, timeout=900)
    if "error" in r:
        print(f"sweeps: ERROR {r['error']}")
        goal("5 sweeps", "run", r["error"], False)
        return r
    lp, mi = r["lp_sweep"], r["milp_sweep"]
    goal("5a LP sweep", f">= {GOAL_LP:,.0f} levels/s",
         f"{lp['rate']:,.0f} levels/s ({lp['ratio']:.0f}x the PuLP rebuild)", lp["rate"] >= GOAL_LP)
    goal("5b MILP sweep", f">= {GOAL_MILP:g} levels/s", f"{mi['rate']:.1f} levels/s on {mi['workers']} workers "
         f"({mi['ratio']:.0f}x the plain model serially)", mi["rate"] >= GOAL_MILP)
    return r


def bench_honest(quick: bool) -> None:
    """Goal 6: memory per case in a fresh process; the fallback's stages, failed schedules included."""
    print("\n== 6. Honest figures ==")
    measured = [mb for _, mb in PEAKS if mb is not None]
    if PEAKS:
        goal("6a memory of each case in a fresh process", "each case's peak RSS from its own process",
             f"{len(measured)}/{len(PEAKS)} cases, peak {min(measured):.0f}-{max(measured):.0f} MB" if measured
             else "none", len(measured) == len(PEAKS),
             "VmHWM of the case's own process (not ru_maxrss, which counts the parent's memory at the fork)")
    fallback = [(label, o) for label, o in OUTCOMES if o["method"] != "decompose"]
    print(f"{len(fallback)} of {len(OUTCOMES)} default solves left the plain decomposition (cuts, coupled, full):")
    for label, o in fallback:
        st = o["stages"]
        print(f"   {label:30s} {o['status']:11s} {o['method']:20s} {o['seconds']:7.2f} s  {fmt_stages(st)}")
    if fallback:
        shown = [1 for _, o in fallback if o["stages"]["failed_schedules"] >= 1]
        over = [label for label, o in fallback if o["stages"]["overwritten"]]
        other = max(fallback, key=lambda lo: lo[1]["stages"]["other"] / max(lo[1]["seconds"], 1e-9))
        share = other[1]["stages"]["other"] / max(other[1]["seconds"], 1e-9)
        goal("6b fallback: the failed schedule's time shown", "every failed schedule timed in PlanOutcome.timings",
             f"{len(shown)}/{len(fallback)} fallbacks list their failed schedule(s); {len(over)} with the first "
             f"failed schedule's time overwritten", len(shown) == len(fallback) and not over,
             (f"overwritten (the full model's tie-break schedule is stored under the key 'schedule'): "
              f"{', '.join(over[:6])}; " if over else "")
             + f"largest share of time in no stage: {100 * share:.0f}% ({other[0]}, {other[1]['stages']['other']:.2f} s"
             f" of {other[1]['seconds']:.2f} s)")
    else:
        goal("6b fallback: the failed schedule's time shown", "every failed schedule timed",
             "no fallback in this run", True, "vacuous in this run")


def main() -> int:
    import issue27

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="a smoke run on a small subset (about 2-3 minutes)")
    p.add_argument("--loaded", action="store_true",
                   help=f"{issue27.LOAD_PROCESSES} CPU-bound processes beside the benchmark (issue 27's loaded run)")
    p.add_argument("--json", metavar="FILE", help="also write every figure as JSON")
    p.add_argument("--txt", metavar="FILE", help="also write this output to FILE")
    p.add_argument("--only", nargs="+", choices=SECTIONS, help="run only these sections")
    p.add_argument("--worker", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        worker(json.loads(args.worker))
        return 0
    tee = issue27.Tee(sys.stdout, args.txt) if args.txt else None
    if tee is not None:
        sys.stdout = tee
    try:
        with issue27.Load(issue27.LOAD_PROCESSES if args.loaded else 0) as load:
            run_all(args, load)
    finally:
        if tee is not None:
            sys.stdout = tee.stream
            tee.close()
    return 0


#: The sections, in the order they run.
SECTIONS = ("scenarios", "stress", "cli", "scale", "sweeps", "annual", "startup", "export")


def run_all(args: argparse.Namespace, load) -> None:
    """Every section asked for, the issue-27 table, then the earlier goals; the JSON file."""
    from importlib import metadata

    import issue27

    versions = {m: metadata.version(m) for m in ("highspy", "pulp")}
    started = time.time()
    loaded = f"loaded: {issue27.LOADED_TEXT} (pids {', '.join(map(str, load.pids))})" if args.loaded \
        else "quiet: no load added"
    print(f"kgkc_opt benchmark{' (--quick)' if args.quick else ''}: {time.strftime('%Y-%m-%d %H:%M:%S %Z')}; "
          f"Python {sys.version.split()[0]}, highspy {versions['highspy']}, PuLP {versions['pulp']}; "
          f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f} at the start; {loaded}")
    print("Times are wall clock on this machine; where it is shared, the ratios (both sides measured in the same "
          "run, the same process where possible) matter more than the absolute times.")
    print("primary = optimise(inp, tie_break=False) (the decomposition's proof, no evenness); default = optimise(inp) "
          "(what solve runs: the schedule's even-cadence search and the rhythm stage); evenness = default - primary; "
          "plain = optimise(inp, method='direct', tie_break=False)")
    sections = args.only or [s for s in SECTIONS if not (args.quick and s == "sweeps")]
    report: dict = {"quick": args.quick, "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
                    "python": sys.version.split()[0], **versions, "cores": os.cpu_count(),
                    "loaded": issue27.LOADED_TEXT if args.loaded else None}
    loads = [os.getloadavg()[0]]
    for name, fn in (("scenarios", bench_scenarios), ("stress", bench_stress), ("cli", bench_cli),
                     ("scale", bench_scale), ("sweeps", bench_sweeps), ("annual", bench_annual),
                     ("startup", issue27.bench_startup), ("export", lambda q: issue27.bench_export(run_worker))):
        if name in sections:
            report[name] = fn(args.quick)
            loads.append(os.getloadavg()[0])
    bench_honest(args.quick)
    report["goals"] = GOALS
    report["peaks"] = PEAKS
    report["load_averages"] = loads
    report["seconds"] = time.time() - started
    report["issue27"] = issue27.done_when(report, args.quick, args.loaded)
    print(f"\n== Summary ({report['seconds']:.0f} s; {loaded}; load average (1 min) after each section: "
          f"{', '.join(f'{x:.2f}' for x in loads)}) ==")
    issue27.print_table(report["issue27"], args.loaded, args.quick)
    print("\n-- Earlier goals (issues 13 and 15), still measured --")
    width = max((len(g["item"]) for g in GOALS), default=10)
    for g in GOALS:
        print(f"{'MET    ' if g['met'] else 'NOT MET'}  {g['item']:{width}s}  goal: {g['goal']}")
        print(f"{'':9s}{'':{width}s}  measured: {g['measured']}")
        if g["note"] and not g["met"]:
            print(f"{'':9s}{'':{width}s}  note: {g['note']}")
    print(f"{sum(g['met'] for g in GOALS)}/{len(GOALS)} earlier goals met")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1, default=str))


if __name__ == "__main__":
    sys.exit(main())

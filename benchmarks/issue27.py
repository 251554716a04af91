"""Issue 27's "Done when", read off one run of benchmarks/run.py (run once quietly, once ``--loaded``).

The eight lines of the final table "Issue 27 — Done when", each MET / NOT MET with its figure:

1. a plan for every case: every solve of every section that the project answers with (the default
   ``optimise(inp)`` of sections 1, 2 and 4, the annual selections, the CLI runs) returned a plan
   (optimal or feasible) or a proven infeasible; the plain and primary runs are comparisons and are
   listed, not counted;
2. the 400 x 10 program file at tightness 100% (section 4b) proven optimal;
3. the evenness stage <= 0.5x the primary proof, median over the benchmark scenarios of section 1.
   primary = ``optimise(inp, tie_break=False)`` (the decomposition's proof, no evenness); default =
   ``optimise(inp)`` (what ``solve`` runs: the schedule's even-cadence search and the rhythm stage,
   ``PlanOutcome.timings["rhythm"]``); evenness = default - primary, both the least of alternating
   repetitions in the same worker process;
4. the primary proof no slower than the plain model (``optimise(inp, method="direct",
   tie_break=False)``) on every scenario where the plain model proves: section 1 (least of the
   repetitions) and the stress set (one run each);
5. ``scenarios/an-giang-2026-2030.yaml`` proven in < 2 s (the default; a goal for a quiet machine);
6. the annual selection end to end (``benchmarks/annual_scale.py``): 2,000 proposals < 10 s and
   10,000 < 60 s, memory < 500 MB;
7. ``kgkc-opt --help`` <= 1.5x ``python -c "import kgkc_opt.cli"``: fresh interpreters, the least of
   several alternating runs, wall clock and CPU time (``getrusage(RUSAGE_CHILDREN)`` deltas);
8. ``kgkc-opt solve scenarios/baseline.yaml --write-model X.lp``: HiGHS reads X.lp back to the same
   optimum (the file holds the full model with the policy's first objective; its value, by the
   file's own header, offset + LP objective / scale, against the project's exact optimum of that
   objective, ``PlanOutcome.values``, and the CLI's reported objective).

Also here: the load of ``--loaded`` (CPU-bound processes beside the benchmark) and ``--txt``'s copy
of the output.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"

GOAL_EVENNESS = 0.5     # evenness (default - primary) <= 0.5x the primary proof, median of section 1
GOAL_AN_GIANG_S = 2.0   # an-giang-2026-2030 proven in under 2 s on a quiet machine
GOAL_HELP_RATIO = 1.5   # kgkc-opt --help within 1.5x of import kgkc_opt.cli
LOAD_PROCESSES = 2      # --loaded: CPU-bound processes beside the benchmark
LOADED_TEXT = f"{LOAD_PROCESSES} CPU-bound processes beside it"
HAS_PLAN = ("optimal", "feasible", "infeasible")  # "infeasible" is a proven answer
#: Heavy modules that ``import kgkc_opt`` should not import (issue 27, deliver 6).
HEAVY = ("numpy", "pandas", "highspy", "pulp", "yaml", "scipy")


# --------------------------------------------------------------------------------------------
# The load (--loaded) and the copy of the output (--txt)
# --------------------------------------------------------------------------------------------

class Load:
    """``n`` CPU-bound processes (``while True: pass``) for the length of a ``with`` block; each is
    ended by its own handle when the block ends, on an error, Ctrl-C or SIGTERM alike."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.procs: list[subprocess.Popen] = []
        self._old_term = None

    def __enter__(self) -> Load:
        if self.n:
            self._old_term = signal.signal(signal.SIGTERM, _terminate)
        for _ in range(self.n):
            self.procs.append(subprocess.Popen([sys.executable, "-c", "while True: pass"]))
        return self

    def __exit__(self, *exc) -> None:
        for proc in self.procs:
            proc.kill()
        for proc in self.procs:
            proc.wait()
        if self._old_term is not None:
            signal.signal(signal.SIGTERM, self._old_term)

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.procs]


def _terminate(signum, frame) -> None:  # SIGTERM: leave through the ``finally``/``with`` blocks
    raise SystemExit(128 + signum)


class Tee:
    """Everything written to stdout, also into a file (``--txt``)."""

    def __init__(self, stream, path: str) -> None:
        self.stream = stream
        self.file = open(path, "w", encoding="utf-8")  # noqa: SIM115 (closed by close())

    def write(self, text: str) -> int:
        self.file.write(text)
        return self.stream.write(text)

    def flush(self) -> None:
        self.file.flush()
        self.stream.flush()

    def close(self) -> None:
        self.file.close()

    def __getattr__(self, name):
        return getattr(self.stream, name)


# --------------------------------------------------------------------------------------------
# Item 7: start-up; item 8: the model file
# --------------------------------------------------------------------------------------------

def _cli() -> list[str]:
    """The ``kgkc-opt`` console script beside this interpreter, else ``python -m kgkc_opt``."""
    script = Path(sys.executable).parent / "kgkc-opt"
    return [str(script)] if script.exists() else [sys.executable, "-m", "kgkc_opt"]


def _env() -> dict:
    return dict(os.environ, PYTHONPATH=str(ROOT))


def _run_timed(cmd: list[str]) -> tuple[float, float]:
    """Wall clock and CPU time (user + system, ``getrusage(RUSAGE_CHILDREN)`` delta) of a command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT, env=_env())
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def bench_startup(quick: bool) -> dict:
    """``kgkc-opt --help`` against ``import kgkc_opt.cli`` (and ``pass``), fresh interpreters."""
    reps = 3 if quick else 7
    cmds = {"help": [*_cli(), "--help"], "import_cli": [sys.executable, "-c", "import kgkc_opt.cli"],
            "pass": [sys.executable, "-c", "pass"]}
    print(f"\n== 8. Start-up (issue 27): {' '.join(cmds['help'])} vs python -c \"import kgkc_opt.cli\" (fresh "
          f"interpreters, {reps} alternating runs, the least wall clock and the least CPU time (user + system, "
          f"getrusage(RUSAGE_CHILDREN) deltas)) ==")
    runs: dict[str, list[tuple[float, float]]] = {k: [] for k in cmds}
    for _ in range(reps):
        for key, cmd in cmds.items():
            runs[key].append(_run_timed(cmd))
    out: dict = {"reps": reps, "commands": cmds, "runs": runs}
    for key, rs in runs.items():
        out[key] = {"seconds": min(w for w, _ in rs), "cpu_seconds": min(c for _, c in rs)}
        print(f"{key:10s} wall {out[key]['seconds']:.3f} s, CPU {out[key]['cpu_seconds']:.3f} s (runs "
              + ", ".join(f"{w:.2f}/{c:.2f}" for w, c in rs) + ")")
    out["ratio"] = out["help"]["seconds"] / out["import_cli"]["seconds"]
    out["cpu_ratio"] = out["help"]["cpu_seconds"] / max(out["import_cli"]["cpu_seconds"], 1e-9)
    probe = ("import sys, kgkc_opt; print(','.join(m for m in " + repr(HEAVY) + " if m in sys.modules))")
    heavy = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, env=_env())
    out["import_kgkc_opt_heavy"] = [m for m in heavy.stdout.strip().split(",") if m]
    print(f"--help / import kgkc_opt.cli: wall {out['ratio']:.2f}x, CPU {out['cpu_ratio']:.2f}x; import kgkc_opt "
          f"imports: {', '.join(out['import_kgkc_opt_heavy']) or 'none'} of {', '.join(HEAVY)}")
    return out


def export_worker(spec: dict) -> None:
    """In a fresh process: HiGHS reads the LP file back and solves it at zero gap; its value (the
    file's header: offset + objective / scale) against the project's exact optimum of the same
    objective (``optimise`` of the same scenario) and the CLI's reported objective."""
    import highspy

    import kgkc_opt as kg
    from kgkc_opt.model.data import model_input
    from kgkc_opt.solver.decompose import optimise
    from kgkc_opt.solver.export import full_model

    path = Path(spec["lp"])
    text = path.read_text(encoding="utf-8")
    with _quiet_stdout():  # the banner HiGHS prints when it starts
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("mip_rel_gap", 0.0)
    t = time.perf_counter()
    read = h.readModel(str(path)) == highspy.HighsStatus.kOk
    h.run()
    highs_s = time.perf_counter() - t
    status = h.modelStatusToString(h.getModelStatus())
    lp_obj = h.getInfo().objective_function_value
    m = re.search(r"value of (\S+) = (\S+) \+ \(objective of this LP model\) / (\d+)", text)
    out: dict = {"read": read, "highs_status": status, "lp_objective": lp_obj, "highs_seconds": highs_s,
                 "bytes": len(text.encode("utf-8")), "rows": h.getNumRow(), "columns": h.getNumCol()}
    if m:
        key, offset, scale = m.group(1), Fraction(m.group(2)), int(m.group(3))
        scenario = kg.load_scenario(spec["scenario"])
        export = full_model(scenario)
        outcome = optimise(model_input(scenario))
        exact = outcome.values.get(export.objective.key) if outcome.values else None
        value = offset + Fraction(round(lp_obj), scale)
        out.update(objective=key, header_key_matches=key == export.objective.key, offset=str(offset), scale=scale,
                   file_value=str(value), file_value_float=float(offset) + lp_obj / scale,
                   project_value=None if exact is None else str(exact), project_status=outcome.status.value,
                   same=exact is not None and value == exact)
    print(f"RESULT {json.dumps(out, default=str)}", flush=True)


@contextlib.contextmanager
def _quiet_stdout():
    """File descriptor 1 to /dev/null for the block (C code's output included)."""
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(devnull)
        os.close(saved)


def bench_export(run_worker) -> dict:
    """Item 8: ``solve --write-model X.lp --out DIR``, then the read-back in a fresh process."""
    scenario = SCENARIOS / "baseline.yaml"
    print("\n== 9. The model file (issue 27): kgkc-opt solve scenarios/baseline.yaml --write-model X.lp --out DIR; "
          "HiGHS (highspy readModel, zero gap, one thread) reads X.lp back in a fresh process ==")
    print("compared: the file holds the full model with the policy's first objective (its header says which, and "
          "its value = offset + LP objective / scale); that value, exactly, against the project's exact optimum of "
          "the same objective (optimise of the same scenario, PlanOutcome.values) and the CLI's reported objective "
          "(summary.json)")
    with tempfile.TemporaryDirectory(prefix="kgkc-export-") as tmp:
        lp, out_dir = Path(tmp) / "baseline.lp", Path(tmp) / "out"
        cmd = [*_cli(), "solve", str(scenario), "--write-model", str(lp), "--out", str(out_dir), "--lang", "en"]
        t = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=_env())
        res: dict = {"command": " ".join(cmd[len(_cli()):]), "exit": proc.returncode,
                     "cli_seconds": time.perf_counter() - t, "written": lp.exists()}
        summary = out_dir / "summary.json"
        if summary.exists():
            s = json.loads(summary.read_text(encoding="utf-8"))
            res.update(cli_status=s.get("status"), cli_objective=s.get("objective"))
        if not lp.exists():
            res["error"] = f"no model file (exit {proc.returncode}): {proc.stderr.strip()[-300:]}"
            print(res["error"])
            return res
        res.update(run_worker({"kind": "export", "lp": str(lp), "scenario": str(scenario)}, timeout=300))
    if "error" in res:
        print(f"read-back: ERROR {res['error']}")
        return res
    cli_obj = res.get("cli_objective")
    res["cli_matches"] = cli_obj is not None and res.get("file_value_float") is not None \
        and abs(cli_obj - res["file_value_float"]) <= 1e-9 * max(1.0, abs(cli_obj))
    print(f"solve exit {res['exit']} in {res['cli_seconds']:.2f} s; {res['bytes']:,} bytes, {res['rows']} rows x "
          f"{res['columns']} columns; HiGHS {res['highs_status']} in {res['highs_seconds']:.2f} s, LP objective "
          f"{res['lp_objective']:g}; {res.get('objective')} = {res.get('file_value')} (file) vs "
          f"{res.get('project_value')} (project, exact): {'same' if res.get('same') else 'DIFFERENT'}; CLI reported "
          f"{cli_obj} ({'matches' if res['cli_matches'] else 'DIFFERS'})")
    return res


# --------------------------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------------------------

def _line(n: int, item: str, goal: str, measured: str, met: bool | None, note: str = "") -> dict:
    return {"n": n, "item": item, "goal": goal, "measured": measured, "met": met, "note": note}


def _names(items: list[str], k: int = 8) -> str:
    return ", ".join(items[:k]) + (f" and {len(items) - k} more" if len(items) > k else "")


def plan_cases(report: dict) -> tuple[int, list[str], list[str]]:
    """Every case the project answers with: (how many, those without a plan, comparisons without one)."""
    cases, missing, comparisons = 0, [], []

    def count(label: str, status: str | None, error: str | None = None) -> None:
        nonlocal cases
        cases += 1
        if error or status not in HAS_PLAN:
            missing.append(f"{label}: {error or status}")

    scen = report.get("scenarios") or {}
    for r in scen.get("rows", []):
        count(f"scenario {r['name']}", r.get("default", {}).get("status"), r.get("error"))
        for side in ("primary", "plain"):
            if "error" not in r and r[side]["status"] not in HAS_PLAN:
                comparisons.append(f"scenario {r['name']} {side}: {r[side]['status']}")
    stress = report.get("stress") or {}
    for r in stress.get("rows", []):
        count(f"stress seed {r['seed']}", r["default"]["status"])
        for side in ("primary", "plain"):
            if r[side]["status"] not in HAS_PLAN:
                comparisons.append(f"stress seed {r['seed']} {side}: {r[side]['status']}")
    if stress and len(stress.get("rows", [])) < stress.get("expected", 0):
        cases += stress["expected"] - len(stress["rows"])
        missing.append(f"stress: {stress['expected'] - len(stress['rows'])} scenario(s) not run "
                       f"({stress.get('error')})")
    scale = report.get("scale") or {}
    for key in ("national", "program", "growth"):
        for r in scale.get(key, []):
            if key == "national" and "plain" in r.get("label", ""):
                if "main" in r and r["main"]["status"] not in HAS_PLAN:
                    comparisons.append(f"{r['label']}: {r['main']['status']}")
                continue
            if "(from 4b)" in r.get("label", ""):
                continue
            count(r.get("label", key), r.get("main", {}).get("status"), r.get("error"))
    for r in scale.get("program_plain", []):
        if "main" in r and r["main"]["status"] not in HAS_PLAN:
            comparisons.append(f"{r['label']}: {r['main']['status']}")
    annual = report.get("annual") or {}
    if "error" in annual:
        count("annual section", None, annual["error"])
    for r in annual.get("rows", []):
        count(f"annual {r['label']}", r["status"])
    for r in annual.get("scale", []):
        count(f"annual end to end {r['n']:,}", "optimal" if r["exit"] in (0, 1) else None,
              None if r["exit"] in (0, 1) else f"exit {r['exit']}")
    cli = report.get("cli") or {}
    for i, _ in enumerate(cli.get("cli_runs", [])):  # run with check=True: each exited 0
        count(f"CLI solve --out #{i + 1}", "optimal")
    sweeps = report.get("sweeps") or {}
    for status, k in ((sweeps.get("milp_sweep") or {}).get("statuses") or {}).items():
        for i in range(k):
            count(f"MILP sweep level #{i + 1}", status)
    export = report.get("export") or {}
    if export:
        count("solve --write-model", export.get("cli_status"), None if export.get("exit") == 0 else
              f"exit {export.get('exit')}")
    return cases, missing, comparisons


def _item_evenness(rows: list[dict], subset: str) -> dict:
    goal = f"median (default - primary) / primary <= {GOAL_EVENNESS:g}, section 1"
    if not rows:
        return _line(3, "evenness stage <= 0.5x the primary proof", goal, "not measured (section 1 not run)", None)
    ev = [r["evenness"] / max(r["primary"]["seconds"], 1e-9) for r in rows]
    dp = [r["default"]["seconds"] / max(r["primary"]["seconds"], 1e-9) for r in rows]
    rhythm = [r["rhythm"] / max(r["primary"]["seconds"], 1e-9) for r in rows]
    med = statistics.median(ev)

    def median(key: str) -> float:
        return statistics.median(r[key]["seconds"] if key in ("default", "primary") else r[key] for r in rows)
    worst = max(rows, key=lambda r: r["evenness"] / max(r["primary"]["seconds"], 1e-9))
    return _line(3, "evenness stage <= 0.5x the primary proof" + subset, goal,
                 f"median evenness/primary {med:.2f}x, default/primary {statistics.median(dp):.2f}x over "
                 f"{len(rows)} scenarios (medians: default {median('default'):.3f} s, primary "
                 f"{median('primary'):.3f} s, evenness {median('evenness'):.3f} s, of it rhythm "
                 f"{median('rhythm'):.3f} s)", med <= GOAL_EVENNESS,
                 f"median rhythm/primary {statistics.median(rhythm):.2f}x; largest evenness/primary {max(ev):.2f}x "
                 f"({worst['name']}); over {GOAL_EVENNESS:g}x on {sum(e > GOAL_EVENNESS for e in ev)} of {len(rows)}")


def _item_primary_vs_plain(scen_rows: list[dict], stress_rows: list[dict], subset: str) -> dict:
    slower, neither, compared = [], [], 0
    for label, rows in (("", scen_rows), ("stress seed ", stress_rows)):
        for r in rows:
            name = f"{label}{r.get('name', r.get('seed'))}"
            prim, plain = r["primary"], r["plain"]
            if plain["status"] == "optimal":
                compared += 1
                if prim["seconds"] > plain["seconds"]:
                    slower.append((plain["seconds"] / prim["seconds"], name, prim, plain))
            elif prim["status"] != "optimal":
                neither.append(f"{name} (primary {prim['status']}, plain {plain['status']})")
    slower.sort(key=lambda x: x[0])
    listing = [f"{n} {p['seconds']:.3f} s vs {q['seconds']:.3f} s = {ratio:.2f}x"
               + (f" ({p['method']})" if p.get("method") else "") for ratio, n, p, q in slower]
    n_scen = sum(1 for _, n, _, _ in slower if not n.startswith("stress"))
    return _line(4, "primary proof no slower than plain" + subset,
                 "primary time <= plain time on every scenario the plain model proves (section 1: least of the "
                 "repetitions; stress: one run each)",
                 f"slower on {len(slower)} of {compared} ({n_scen} of section 1, {len(slower) - n_scen} of stress)"
                 + (f"; worst plain/primary {slower[0][0]:.2f}x ({slower[0][1]})" if slower else ""),
                 None if not compared and not neither else not slower and not neither,
                 ("slower: " + _names(listing, 12) if listing else "")
                 + (f"; neither proves: {_names(neither)}" if neither else ""))


def done_when(report: dict, quick: bool, loaded: bool) -> list[dict]:
    """The eight lines of issue 27's "Done when", from the figures of this run."""
    subset = " (quick: subset)" if quick else ""
    lines: list[dict] = []
    cases, missing, comparisons = plan_cases(report)
    lines.append(_line(1, "a plan for every case" + subset, "every case optimal, feasible or proven infeasible",
                       f"{cases - len(missing)} of {cases} cases"
                       + (f"; without: {_names(missing)}" if missing else ""),
                       cases > 0 and not missing,
                       f"comparison runs (plain, primary) without a plan: {_names(comparisons)}" if comparisons
                       else "every comparison run (plain, primary) returned a plan too"))

    program = [r for r in (report.get("scale") or {}).get("program", []) if r.get("tightness") == 100]
    if program:
        r = program[0]
        m = r.get("main")
        lines.append(_line(2, "400 x 10 at 100% proven", "the program file at tightness 100%: optimal",
                           r["error"] if m is None else f"{m['status']} ({m['method']}) in {m['seconds']:.1f} s, gap "
                           f"{_gap(m['gap'])} (limit {r.get('limit', '?')} s)",
                           m is not None and m["status"] == "optimal",
                           "" if m is None else f"stages: {_stages(m)}"))
    else:
        lines.append(_line(2, "400 x 10 at 100% proven", "optimal", "not measured (section 4 not run)", None))

    scen = [r for r in (report.get("scenarios") or {}).get("rows", []) if "error" not in r]
    lines.append(_item_evenness(scen, subset))
    lines.append(_item_primary_vs_plain(scen, (report.get("stress") or {}).get("rows", []), subset))

    ag = next((r for r in scen if r["name"] == "an-giang-2026-2030"), None)
    goal5 = f"default optimise proven in < {GOAL_AN_GIANG_S:g} s (quiet machine)"
    if ag is None:
        lines.append(_line(5, "an-giang-2026-2030 < 2 s", goal5, "not measured", None))
    else:
        d, p, q = ag["default"], ag["primary"], ag["plain"]
        lines.append(_line(5, "an-giang-2026-2030 < 2 s", goal5,
                           f"default {d['status']} ({d['method']}) {d['seconds']:.2f} s (CPU {d['cpu_seconds']:.2f} s);"
                           f" primary {p['status']} {p['seconds']:.2f} s; plain {q['status']} {q['seconds']:.2f} s",
                           d["status"] == "optimal" and d["seconds"] < GOAL_AN_GIANG_S,
                           "this run is loaded: the goal is for a quiet machine (CPU time shown)" if loaded else ""))

    lines.append(_item_annual(report))
    lines.append(_item_startup(report.get("startup")))
    lines.append(_item_export(report.get("export")))
    return lines


def _item_annual(report: dict) -> dict:
    import annual_scale

    goal = (" and ".join(f"{n:,} < {s:g} s" for n, s in sorted(annual_scale.GOALS_S.items()))
            + f", memory < {annual_scale.GOAL_MB:g} MB (kgkc-opt annual --out, end to end)")
    rows = {r["n"]: r for r in (report.get("annual") or {}).get("scale", [])}
    parts, verdicts = [], []
    for n, target in sorted(annual_scale.GOALS_S.items()):
        r = rows.get(n)
        if r is None:
            parts.append(f"{n:,}: not measured" + (" (quick)" if report.get("quick") else ""))
            verdicts.append(None)
            continue
        verdicts.append(r["exit"] == 0 and r["seconds"] < target and (r["peak_mb"] or 1e9) < annual_scale.GOAL_MB)
        parts.append(f"{n:,}: {r['seconds']:.1f} s wall, {r['cpu_seconds'] or 0:.1f} s CPU, "
                     f"{r['peak_mb'] or 0:.0f} MB (exit {r['exit']})")
    met = False if False in verdicts else (None if None in verdicts else True)
    others = [r for n, r in sorted(rows.items()) if n not in annual_scale.GOALS_S]
    note = "; ".join(f"{r['n']:,}: {r['seconds']:.1f} s wall, {r['cpu_seconds'] or 0:.1f} s CPU, "
                     f"{r['peak_mb'] or 0:.0f} MB" for r in others)
    return _line(6, "annual selection end to end", goal, "; ".join(parts), met, note)


def _item_startup(st: dict | None) -> dict:
    goal = f"--help <= {GOAL_HELP_RATIO:g}x import kgkc_opt.cli (least of fresh runs; wall clock and CPU)"
    if not st:
        return _line(7, "kgkc-opt --help start-up", goal, "not measured", None)
    h, i = st["help"], st["import_cli"]
    return _line(7, "kgkc-opt --help start-up", goal,
                 f"wall {st['ratio']:.2f}x ({h['seconds']:.3f} s vs {i['seconds']:.3f} s), CPU {st['cpu_ratio']:.2f}x "
                 f"({h['cpu_seconds']:.3f} s vs {i['cpu_seconds']:.3f} s)",
                 st["ratio"] <= GOAL_HELP_RATIO and st["cpu_ratio"] <= GOAL_HELP_RATIO,
                 f"python -c pass {st['pass']['seconds']:.3f} s; import kgkc_opt imports "
                 f"{', '.join(st['import_kgkc_opt_heavy']) or 'none'} of {', '.join(HEAVY)}")


def _item_export(ex: dict | None) -> dict:
    goal = "HiGHS reads the LP file of solve --write-model back to the same optimum"
    if not ex:
        return _line(8, "--write-model LP read back", goal, "not measured", None)
    if "error" in ex:
        return _line(8, "--write-model LP read back", goal, ex["error"], False)
    return _line(8, "--write-model LP read back", goal,
                 f"HiGHS {ex['highs_status']}; {ex.get('objective')} = {ex.get('file_value')} from the file vs "
                 f"{ex.get('project_value')} proven by the project "
                 f"({'same, exactly' if ex.get('same') else 'DIFFERENT'}); the CLI reported {ex.get('cli_objective')}",
                 ex["exit"] == 0 and ex["highs_status"] == "Optimal" and bool(ex.get("same"))
                 and bool(ex.get("cli_matches")),
                 f"scenarios/baseline.yaml; the file: the full model, the policy's first objective "
                 f"({ex.get('objective')}), {ex['rows']} rows x {ex['columns']} columns")


def _gap(g: float | None) -> str:
    return "no plan" if g is None else ("0" if g == 0 else f"{g:.1e}")


def _stages(m: dict) -> str:
    st = m.get("stages") or {}
    return ", ".join(f"{k} {st[k]:.2f} s" for k in ("aggregate", "schedule", "full", "rhythm", "other") if k in st)


def print_table(lines: list[dict], loaded: bool, quick: bool) -> None:
    run = f"loaded: {LOADED_TEXT}" if loaded else "quiet (no load added)"
    print(f"\n== Issue 27 — Done when ({run}{'; --quick' if quick else ''}) ==")
    print("primary = optimise(inp, tie_break=False), the decomposition's proof without evenness; default = "
          "optimise(inp), what solve runs (the even-cadence schedule search and the rhythm stage); evenness = "
          "default - primary; plain = optimise(inp, method='direct', tie_break=False)")
    titles = [f"{x['n']}. {x['item']}" for x in lines]
    width = max(len(t) for t in titles)
    for x, title in zip(lines, titles, strict=True):
        verdict = {True: "MET", False: "NOT MET", None: "NOT MEASURED"}[x["met"]]
        print(f"{verdict:12s}  {title:{width}s}  goal: {x['goal']}")
        print(f"{'':14s}{'':{width}s}  measured: {x['measured']}")
        if x["note"]:
            print(f"{'':14s}{'':{width}s}  note: {x['note']}")
    print(f"{sum(x['met'] is True for x in lines)}/{len(lines)} met"
          + (f", {sum(x['met'] is None for x in lines)} not measured" if any(x["met"] is None for x in lines) else ""))

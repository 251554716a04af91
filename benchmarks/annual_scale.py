"""The annual selection at scale, end to end (issue 27, item 5): ``kgkc-opt annual`` on synthetic
proposals files of 500, 2,000 and 10,000 rows, each in a fresh process, timed and measured whole.

    python benchmarks/annual_scale.py                       # 500, 2000, 10000
    python benchmarks/annual_scale.py --sizes 2000 --json out.json
    python benchmarks/annual_scale.py --profile 2000        # cProfile of one run (top 40 by cumulative)

Each case writes ``synthetic.proposals(program, 2024, n)`` (the benchmark's generator) as a CSV
file, then runs ``kgkc-opt annual FILE --year 2024 --max-per-commune 3 --min-per-region 1 --out
DIR`` under ``/usr/bin/time`` (wall clock, the command's own CPU time, user and system, and its
peak resident memory, ``%M``):
the program's plan, the selection, every reason and least-extra figure, and the result folder
(CSV tables, workbook, Word brief, summary). The machine's load average (1 min) is printed before
and after each case: on a machine shared with other work, the wall clock is the CPU time
stretched by the load, and the CPU time (one thread: HiGHS runs with one worker here) is what the
command takes on an idle machine. This is a benchmark, not a test: it exits 0 whatever it measures.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
for _p in (str(ROOT), str(BENCH)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

#: The goals of issue 27 item 5: seconds end to end per size, and the peak memory.
GOALS_S = {2000: 10.0, 10000: 60.0}
GOAL_MB = 500.0
COLUMNS = ("proposal_id", "title", "applicant", "commune", "region", "task_id", "units", "total_cost",
           "requested", "cofunding", "score", "first_time", "documents_complete", "accepts_trim")


def write_proposals(path: Path, n: int, year: int = 2024) -> None:
    """``synthetic.proposals`` of the bundled program as a proposals CSV file."""
    import synthetic

    import kgkc_opt as kg

    props = synthetic.proposals(kg.load_program(), year, n)
    yes = {True: "có", False: "không"}
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        for p in props.items:
            w.writerow([p.id, p.title, p.applicant, p.commune, p.region, p.task_id, p.units, _n(p.total_cost),
                        _n(p.requested), _n(p.cofunding), _n(p.score), yes[p.first_time], yes[p.documents_complete],
                        yes[p.accepts_trim]])


def _n(x) -> str:
    """An exact decimal (the generator's figures have at most 2 decimals)."""
    from decimal import Decimal

    return format(Decimal(x.numerator) / Decimal(x.denominator), "f")


def load() -> float:
    return os.getloadavg()[0]


def command(csv_path: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "kgkc_opt", "annual", str(csv_path), "--year", "2024", "--max-per-commune", "3",
            "--min-per-region", "1", "--out", str(out), "--force", "--lang", "en"]


def run_case(n: int, work: Path) -> dict:
    csv_path = work / f"proposals-{n}.csv"
    write_proposals(csv_path, n)
    out = work / f"out-{n}"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    before = load()
    t = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "TIME %e %M %U %S", *command(csv_path, out)], capture_output=True,
                          text=True, cwd=ROOT, env=env)
    wall = time.perf_counter() - t
    peak = cpu = None
    for line in proc.stderr.splitlines():
        if line.startswith("TIME "):
            parts = line.split()
            peak, cpu = int(parts[2]) / 1024, float(parts[3]) + float(parts[4])
    row = {"n": n, "exit": proc.returncode, "seconds": wall, "cpu_seconds": cpu, "peak_mb": peak,
           "load_before": before, "load_after": load()}
    summary = out / "summary.json"
    if summary.exists():
        s = json.loads(summary.read_text(encoding="utf-8"))
        row.update({k: s.get(k) for k in ("funded", "not_funded")})
        row["timings"] = s.get("timings")
    sel = out / "selection.csv"
    if sel.exists():
        with open(sel, encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        row["figures"] = sum(1 for r in rows if r.get("least_extra") not in (None, ""))
    if proc.returncode not in (0, 1):
        row["error"] = proc.stderr[-2000:]
    return row


def profile(n: int, work: Path) -> None:
    import cProfile
    import pstats

    csv_path = work / f"proposals-{n}.csv"
    write_proposals(csv_path, n)
    from kgkc_opt.cli import main

    prof = cProfile.Profile()
    prof.enable()
    with contextlib.suppress(SystemExit):
        main(command(csv_path, work / f"out-{n}")[3:])
    prof.disable()
    pstats.Stats(prof).sort_stats("cumulative").print_stats(40)
    pstats.Stats(prof).sort_stats("tottime").print_stats(25)


def measure(sizes: list[int], goal: Callable[..., None] | None = None) -> list[dict]:
    """Each size end to end in a fresh process, printed as a table; with ``goal`` (benchmarks/run.py's),
    the goals of issue 27 item 5 recorded for the sizes that have one."""
    rows = []
    print(f"kgkc-opt annual end to end (synthetic.proposals; at most 3 per commune, at least 1 per region); "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {os.cpu_count()} cores")
    print(f"{'proposals':>9s} {'exit':>4s} {'seconds':>8s} {'CPU s':>7s} {'peak MB':>8s} {'funded':>6s} "
          f"{'figures':>7s} {'load before/after':>17s}  goal (wall clock; CPU time)")
    with tempfile.TemporaryDirectory(prefix="kgkc-annual-") as tmp:
        for n in sizes:
            row = run_case(n, Path(tmp))
            rows.append(row)
            target = GOALS_S.get(n)
            ok = row["exit"] == 0 and (row["peak_mb"] or 0) < GOAL_MB
            wall_ok, cpu_ok = ok and row["seconds"] < (target or 0), ok and (row["cpu_seconds"] or 1e9) < (target or 0)
            verdict = "" if target is None else (f"< {target:g} s and < {GOAL_MB:g} MB: "
                                                 f"{'MET' if wall_ok else 'NOT MET'}; {'MET' if cpu_ok else 'NOT MET'}")
            print(f"{n:9d} {row['exit']:4d} {row['seconds']:8.2f} {row['cpu_seconds'] or 0:7.2f} "
                  f"{row['peak_mb'] or 0:8.1f} {row.get('funded', '-')!s:>6s} {row.get('figures', '-')!s:>7s} "
                  f"{row['load_before']:8.2f}/{row['load_after']:<8.2f}  {verdict}", flush=True)
            if "error" in row:
                print(row["error"])
            if goal is not None and target is not None:
                goal(f"27.5 annual end to end, {n:,} proposals", f"< {target:g} s and < {GOAL_MB:g} MB (kgkc-opt "
                     "annual --out: selection, reasons, every least-extra figure, files)",
                     f"{row['seconds']:.1f} s wall clock, {row['cpu_seconds'] or 0:.1f} s CPU, "
                     f"{row['peak_mb'] or 0:.0f} MB", wall_ok,
                     f"load average {row['load_before']:.1f} before, {row['load_after']:.1f} after; in CPU time "
                     + ("met" if cpu_ok else "not met"))
    return rows


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", nargs="+", type=int, default=[500, 2000, 10000])
    p.add_argument("--json", metavar="FILE")
    p.add_argument("--profile", type=int, metavar="N")
    args = p.parse_args()
    if args.profile:
        with tempfile.TemporaryDirectory(prefix="kgkc-annual-") as tmp:
            profile(args.profile, Path(tmp))
        return 0
    rows = measure(args.sizes)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

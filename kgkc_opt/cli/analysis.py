"""The analysis commands of ``kgkc-opt``: compare, sweep, montecarlo, sensitivity.

Registered on the main parser by ``kgkc_opt.cli``; each command is a thin layer over
``kgkc_opt.compare``, ``kgkc_opt.sweep`` and ``kgkc_opt.sensitivity``.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

COMMANDS = ("compare", "sweep", "montecarlo", "sensitivity")


def add_parsers(sub: Any) -> None:
    p = sub.add_parser("compare", help="compare scenarios: input differences beside their effects",
                       description="Solve two or more scenarios and show what differs in their inputs "
                       "beside what it causes: objective, per-year money, per-task achievement and "
                       "which targets fall short. The first scenario is the reference.")
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                   help="scenario files (at least two; one with --policies)")
    p.add_argument("--policies", metavar="P1,P2,...",
                   help="plan ONE scenario under each cut policy and compare them: most-targets, fair, "
                        "keep-cofunding (e.g. --policies most-targets,fair,keep-cofunding)")
    p.add_argument("--out", metavar="FILE.csv", help="write the per-task comparison as CSV")
    p.add_argument("--solver", choices=("highs", "cbc"))

    p = sub.add_parser("sweep", help="solve a scenario at many budget levels (the cut-order curve)",
                       description="Solve the scenario with its caps scaled to each level (percent of "
                       "the scenario's own caps) and show the share of each target met per level, "
                       "and the order and levels at which tasks fall short. Give --cofunding too for "
                       "a two-dimensional sweep.")
    p.add_argument("scenario", help="scenario file (YAML)")
    p.add_argument("--budget", default="100", metavar="START:STOP:STEP",
                   help="local budget levels in percent, e.g. 100:40:-5 (13 levels) or 100,80,60")
    p.add_argument("--cofunding", metavar="START:STOP:STEP", help="co-funding levels in percent")
    p.add_argument("--out", metavar="FILE.csv", help="write the tidy results as CSV")
    p.add_argument("--workers", type=int, help="worker processes (default: the machine's cores)")
    p.add_argument("--solver", choices=("highs", "cbc"), default="highs")

    p = sub.add_parser("montecarlo", help="probability of meeting each target under uncertain caps",
                       description="Draw the caps from the distributions in the scenario's "
                       "'uncertainty' section and solve each draw: the probability of meeting each "
                       "target and the distribution of the objective. The same seed gives the same numbers.")
    p.add_argument("scenario", help="scenario file with an 'uncertainty' section")
    p.add_argument("--samples", type=int, help="number of draws (default: the scenario's)")
    p.add_argument("--seed", type=int, help="random seed (default: the scenario's)")
    p.add_argument("--out", metavar="FILE.csv", help="write per-task probabilities as CSV")
    p.add_argument("--workers", type=int, help="worker processes (default: the machine's cores)")
    p.add_argument("--solver", choices=("highs", "cbc"), default="highs")

    p = sub.add_parser("sensitivity", help="shadow prices, their ranges, and what 1 billion VND more buys",
                       description="For each annual cap: the objective gained per extra million VND, the "
                       "range of the cap over which that holds, and an exact sentence of what one "
                       "billion VND more would fund; for each task its value per million and reduced cost.")
    p.add_argument("scenario", help="scenario file (YAML)")
    p.add_argument("--lang", choices=("vi", "en"), default="en", help="language of the sentences")
    p.add_argument("--solver", choices=("highs", "cbc"))


def dispatch(args: argparse.Namespace) -> int | None:
    if args.command == "compare":
        return cmd_compare(args)
    if args.command == "sweep":
        return cmd_sweep(args)
    if args.command == "montecarlo":
        return cmd_montecarlo(args)
    if args.command == "sensitivity":
        return cmd_sensitivity(args)
    return None


class _Bar:
    """A progress bar on stderr for long runs (only when stderr is a terminal, or --progress)."""

    def __init__(self, label: str):
        self.label = label
        self.start = time.perf_counter()
        self.enabled = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        width = 30
        filled = int(width * done / total)
        rate = done / max(time.perf_counter() - self.start, 1e-9)
        sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total} "
                         f"({rate:.1f}/s)")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _fmt_share(x: float) -> str:
    return "  -  " if x != x else f"{x:6.1%}"


def cmd_compare(args: argparse.Namespace) -> int:
    from kgkc_opt.analysis.compare import compare
    from kgkc_opt.analysis.plan import solve
    from kgkc_opt.errors import UsageError
    from kgkc_opt.inputs.files import load_scenario
    from kgkc_opt.report import files as export

    if args.policies:
        from kgkc_opt.analysis.compare import compare_policies
        from kgkc_opt.inputs.keys import POLICIES

        policies = [p.strip() for p in args.policies.split(",") if p.strip()]
        unknown = [p for p in policies if p not in POLICIES]
        if unknown or len(policies) < 2 or len(args.scenarios) != 1:
            raise UsageError("--policies takes one scenario and at least two of "
                             f"{', '.join(POLICIES)} separated by commas"
                             + (f"; unknown: {', '.join(unknown)}" if unknown else ""))
        if args.out:
            export.check_file(args.out)
        comp = compare_policies(load_scenario(args.scenarios[0]), policies, solver=args.solver)
        results = []
    else:
        if len(args.scenarios) < 2:
            raise UsageError("compare needs at least two scenario files")
        if args.out:
            export.check_file(args.out)
        scenarios = [load_scenario(p) for p in args.scenarios]
        results = [solve(s, solver=args.solver) for s in scenarios]
        comp = compare(results, scenarios)
    print("Scenarios (the first is the reference):")
    print(comp.summary.to_string(float_format=lambda v: f"{v:,.6f}"))
    print("\nInputs that differ:")
    print(comp.inputs.to_string() if len(comp.inputs) else "  (none)")
    for name, r in zip(comp.names, results, strict=False):
        if not r.has_plan:
            print(f"\n{name}: {r.status.value}; no plan to compare.")
            if r.message:
                print(r.message)
    if len(comp.years):
        print("\nLocal budget used per year (million VND):")
        local = comp.years.xs("local", level="source")["used"].unstack("scenario")
        local = local.reindex(columns=[n for n in comp.names if n in local.columns])
        print(local.to_string(float_format=lambda v: f"{v:,.2f}"))
        print("\nTasks short of target in any scenario (units achieved):")
        short = comp.shortfalls()
        print(short.to_string() if len(short) else "  (none)")
    if args.out:
        frame = comp.tasks.reset_index()
        cols = ["scenario", "task_id", "target", "achieved", "share", "shortfall", "local_budget",
                "cofunding", "achieved_change", "local_budget_change"]
        export.write_file(args.out, export.csv_text(cols, frame.to_dict("records")))
        print(f"\nWrote {args.out}")
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    from kgkc_opt.analysis.sweep import parse_levels, sweep
    from kgkc_opt.inputs.files import load_scenario
    from kgkc_opt.report import files as export

    scenario = load_scenario(args.scenario)
    budget = parse_levels(args.budget)
    cof = parse_levels(args.cofunding) if args.cofunding else None
    if args.out:
        export.check_file(args.out)
    n = len(budget) * (len(cof) if cof else 1)
    started = time.perf_counter()
    res = sweep(scenario, budget=budget, cofunding=cof, solver=args.solver, workers=args.workers,
                progress=_Bar(f"sweep {n} scenarios"))
    seconds = time.perf_counter() - started
    print(f"Sweep of {scenario.name!r}: {n} scenarios in {seconds:.1f} s")
    obj = res.objectives
    print("\nObjective (weighted share of targets met) per level:")
    print(obj.to_string(index=False, float_format=lambda v: f"{v:.6g}"))
    if cof is None:
        table = res.table()
        table = table[(table < 1 - 1e-9).any(axis=1)]
        print("\nShare of target met, tasks that fall short at some level (columns: budget level %):")
        print(table.to_string(float_format=lambda v: "100%" if v >= 1 - 1e-9 else f"{v:.1%}")
              if len(table) else "  (every task met at every level)")
        order = res.cut_order()
        print("\nCut order (first to fall short first):")
        for i, r in order.iterrows():
            t = scenario.program.task(r.task_id)
            print(f"  {i}. {r.task_id} {t.name.en}: first short at {r.falls_short_at:g}% "
                  f"({r.share_there:.1%} met there, {r.share_at_lowest:.1%} at {min(budget):g}%)")
    if args.out:
        cols = ["budget_level", "cofunding_level", "task_id", "target", "achieved", "share"]
        export.write_file(args.out, export.csv_text(cols, res.frame.to_dict("records")))
        print(f"\nWrote {args.out}")
    return 0


def cmd_montecarlo(args: argparse.Namespace) -> int:
    from kgkc_opt.analysis.sweep import monte_carlo
    from kgkc_opt.errors import UsageError
    from kgkc_opt.inputs.files import load_scenario
    from kgkc_opt.report import files as export

    if args.samples is not None and not 1 <= args.samples <= 100_000:
        raise UsageError(f"--samples {args.samples}: expected a number of draws between 1 and 100000")
    if args.seed is not None and not 0 <= args.seed < 2**32:
        raise UsageError(f"--seed {args.seed}: expected a whole number between 0 and 4294967295")
    scenario = load_scenario(args.scenario)
    if args.out:
        export.check_file(args.out)
    unc = scenario.uncertainty
    n = args.samples or (unc.samples if unc else 0)
    started = time.perf_counter()
    res = monte_carlo(scenario, samples=args.samples, seed=args.seed, solver=args.solver,
                      workers=args.workers, progress=_Bar(f"monte carlo {n} draws"))
    seconds = time.perf_counter() - started
    print(f"Monte Carlo of {scenario.name!r}: {len(res.samples)} draws (seed {res.seed}) in {seconds:.1f} s")
    q = res.objective_quantiles()
    print("Objective quantiles: " + ", ".join(f"p{int(k * 100)} {v:.4f}" for k, v in q.items()))
    probs = res.probabilities
    print("\nProbability of meeting each target (tasks below 100%):")
    low = probs[probs["probability"] < 1]
    print(low.to_string(float_format=lambda v: f"{v:.3f}") if len(low) else "  (every target met in every draw)")
    if args.out:
        cols = ["task_id", "target", "probability", "mean_share", "p10_share"]
        export.write_file(args.out, export.csv_text(cols, probs.reset_index().to_dict("records")))
        print(f"\nWrote {args.out}")
    return 0


def cmd_sensitivity(args: argparse.Namespace) -> int:
    from kgkc_opt.analysis.plan import solve
    from kgkc_opt.analysis.sensitivity import sensitivity
    from kgkc_opt.inputs.files import load_scenario

    scenario = load_scenario(args.scenario)
    result = solve(scenario, solver=args.solver)
    if not result.has_plan:
        print(result.message)
        return 1
    sens = sensitivity(scenario, result)
    caps = sens.caps[["cap", "used", "shadow_price", "holds_from", "holds_to", "extra_billion_objective"]]
    print(f"Sensitivity of {scenario.name!r} (objective {result.objective:.6f}); money in million VND")
    print("shadow_price: objective per extra million; holds_from/to: cap values over which it holds;")
    print("extra_billion_objective: exact gain from 1,000 million more\n")
    print(caps.to_string(float_format=lambda v: f"{v:,.6g}"))
    print()
    for s in sens.sentences(args.lang):
        print(f"- {s}")
    print("\nTasks (value per unit and per million; reduced cost at the shadow prices):")
    print(sens.tasks.to_string(float_format=lambda v: f"{v:.6f}"))
    return 0

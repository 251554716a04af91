"""The analysis commands of ``kgkc-opt``: compare, sweep, montecarlo, sensitivity.

Registered on the main parser by ``kgkc_opt.cli``; each command is a thin layer over
``kgkc_opt.compare``, ``kgkc_opt.sweep`` and ``kgkc_opt.sensitivity``.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, cast

from kgkc_opt.cli import text
from kgkc_opt.words import say

if TYPE_CHECKING:  # (concurrent.futures loads threading and logging: not at every start)
    from concurrent.futures import Executor

COMMANDS = ("compare", "sweep", "montecarlo", "sensitivity")
#: How long ``--executor dask`` waits for the scheduler before it says it cannot reach it.
DASK_CONNECT_SECONDS = 10


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
    text.add_lang(p)

    p = sub.add_parser("sweep", help="solve a scenario at many budget levels (the cut-order curve)",
                       description="Solve the scenario with its caps scaled to each level (percent of "
                       "the scenario's own caps) and show the share of each target met per level, "
                       "and the order and levels at which tasks fall short. Give --cofunding too for "
                       "a two-dimensional sweep.")
    p.add_argument("scenario", help="scenario file (YAML)")
    p.add_argument("--budget", default="100", metavar="START:STOP:STEP",
                   help="local budget levels in percent, e.g. 100:40:-5 (13 levels) or 100,80,60")
    p.add_argument("--cofunding", metavar="START:STOP:STEP", help="co-funding levels in percent")
    p.add_argument("--out", metavar="FILE.csv", help="write the tidy results as CSV (with program_level: the "
                   "budget level in percent of the program's own caps)")
    p.add_argument("--workers", type=int, help="worker processes (default: the machine's cores)")
    _add_executor(p)
    p.add_argument("--solver", choices=("highs", "cbc"), default="highs")
    text.add_lang(p)

    p = sub.add_parser("montecarlo", help="probability of meeting each target under uncertain caps",
                       description="Draw the caps from the distributions in the scenario's "
                       "'uncertainty' section and solve each draw: the probability of meeting each "
                       "target and the distribution of the objective. The same seed gives the same numbers.")
    p.add_argument("scenario", help="scenario file with an 'uncertainty' section")
    p.add_argument("--samples", type=int, help="number of draws (default: the scenario's)")
    p.add_argument("--seed", type=int, help="random seed (default: the scenario's)")
    p.add_argument("--out", metavar="FILE.csv", help="write per-task probabilities as CSV")
    p.add_argument("--workers", type=int, help="worker processes (default: the machine's cores)")
    _add_executor(p)
    p.add_argument("--solver", choices=("highs", "cbc"), default="highs")
    text.add_lang(p)

    p = sub.add_parser("sensitivity", help="LP rates with their ranges, and what 1 billion VND more or less buys",
                       description="For each annual cap: the LP rate (objective gained per extra million VND) "
                       "and the range of the cap over which it holds; what 1 billion VND more or less in each "
                       "year, or in every year, actually buys (exact re-solves); for each task its value per "
                       "million and reduced cost.")
    p.add_argument("scenario", help="scenario file (YAML)")
    text.add_lang(p)
    p.add_argument("--solver", choices=("highs", "cbc"))


def _add_executor(p: argparse.ArgumentParser) -> None:
    p.add_argument("--executor", choices=("local", "dask"), default="local",
                   help="where the solves run: local worker processes (default), or the workers of a Dask "
                        "cluster (needs --scheduler and kgkc-opt[dask] installed here and on every worker)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="the Dask scheduler's address, e.g. tcp://10.0.0.5:8786 (with --executor dask)")


@contextlib.contextmanager
def _executor(args: argparse.Namespace) -> Iterator[Executor | None]:
    """The executor of ``--executor``: None (the local pool of ``--workers``) or a Dask client's."""
    from kgkc_opt.errors import UsageError

    if args.executor == "local":
        if args.scheduler:
            raise UsageError("--scheduler is for --executor dask")
        yield None
        return
    if not args.scheduler:
        raise UsageError("--executor dask needs --scheduler ADDRESS (the scheduler's address, e.g. "
                         "tcp://10.0.0.5:8786: start one with 'dask scheduler', and 'dask worker ADDRESS' on each "
                         "machine)")
    if args.workers is not None:
        raise UsageError("--workers is for --executor local: a Dask cluster has the workers it was started with")
    try:
        from distributed import Client
    except ImportError:
        raise UsageError("--executor dask needs Dask: python -m pip install 'kgkc-opt[dask]'") from None
    try:
        client = Client(args.scheduler, timeout=DASK_CONNECT_SECONDS)
    except (OSError, TimeoutError, ValueError) as exc:
        raise UsageError("cannot reach the Dask scheduler at {scheduler}: {exc}", scheduler=args.scheduler,
                         exc=exc) from None
    with client:
        yield client.get_executor()


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
                         f"({rate:.1f}/s)")  # (figures and symbols only: the label is worded)
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
        from kgkc_opt.inputs.keys import POLICIES

        policies = [p.strip() for p in args.policies.split(",") if p.strip()]
        unknown = [p for p in policies if p not in POLICIES]
        if unknown or len(policies) < 2 or len(args.scenarios) != 1:
            if unknown:
                raise UsageError("--policies takes one scenario and at least two of {policies} separated by "
                                 "commas; unknown: {unknown}", policies=", ".join(POLICIES), unknown=", ".join(unknown))
            raise UsageError("--policies takes one scenario and at least two of {policies} separated by commas",
                             policies=", ".join(POLICIES))
        if args.out:
            export.check_file(args.out)
        scenario = load_scenario(args.scenarios[0])
        # as analysis.compare.compare_policies does, keeping each variant and its result to print
        scenarios = [scenario.derive(name=f"{scenario.name} [{p}]", policy=p) for p in policies]
        results = [solve(s, solver=args.solver) for s in scenarios]
        comp = compare(results, scenarios)
        text.compare(comp, scenarios, results, args.lang, policies=policies)
    else:
        if len(args.scenarios) < 2:
            raise UsageError("compare needs at least two scenario files")
        if args.out:
            export.check_file(args.out)
        scenarios = [load_scenario(p) for p in args.scenarios]
        results = [solve(s, solver=args.solver) for s in scenarios]
        comp = compare(results, scenarios)
        text.compare(comp, scenarios, results, args.lang)
    if args.out:
        frame = comp.tasks.reset_index()
        cols = ["scenario", "task_id", "target", "achieved", "share", "shortfall", "local_budget",
                "cofunding", "achieved_change", "local_budget_change"]
        export.write_file(args.out, export.csv_text(cols, cast("list[dict[str, Any]]", frame.to_dict("records"))))
        print()
        text.wrote(args.out, args.lang)
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
    with _executor(args) as executor:
        res = sweep(scenario, budget=budget, cofunding=cof, solver=args.solver, workers=args.workers,
                    executor=executor, progress=_Bar(say("sweep {n} scenarios", args.lang).format(n=n)))
    seconds = time.perf_counter() - started
    from kgkc_opt.report.figures import program_scale

    scale = program_scale(scenario)
    text.sweep(scenario, res, n, seconds, budget, scale, cof is not None, args.lang)
    if cof is None:
        _sweep_against_budget(res.frame, args.lang)
    if args.out:
        cols = ["budget_level", "cofunding_level", "program_level", "task_id", "target", "achieved", "share"]
        factor = scale if scale is not None else float("nan")
        frame = res.frame.assign(program_level=res.frame["budget_level"] * factor)
        export.write_file(args.out, export.csv_text(cols, cast("list[dict[str, Any]]", frame.to_dict("records"))))
        print()
        text.wrote(args.out, args.lang)
    return 0


def _sweep_against_budget(frame: Any, lang: str) -> None:
    """One line per task that achieves more with less money, naming the cut that freed the money."""
    from kgkc_opt.analysis.study import sweep_against_budget
    from kgkc_opt.report import fmt

    steps = sweep_against_budget(frame)
    if not steps:
        return
    print(text.t("\nNhiệm vụ đạt cao hơn khi vốn ít hơn (cả hai mức đều là phương án tối ưu):",
                 "\nTasks that achieve more with less money (both levels are optimal plans):", lang))
    for s in steps:
        freed = ", ".join(f"{tid} {fmt.number(d, lang, sign=True)}" for tid, d in s.freed_by) or "–"
        print(text.t(f"  {s.task_id}: {s.achieved} → {s.lower_achieved} khi giảm từ {fmt.number(s.level, lang)}% "
                     f"xuống {fmt.number(s.lower_level, lang)}%: vốn giải phóng khi cắt {freed}",
                     f"  {s.task_id}: {s.achieved} → {s.lower_achieved} from {fmt.number(s.level, lang)}% to "
                     f"{fmt.number(s.lower_level, lang)}%: paid with the money freed by cutting {freed}", lang))


def cmd_montecarlo(args: argparse.Namespace) -> int:
    from kgkc_opt.analysis.sweep import monte_carlo
    from kgkc_opt.errors import UsageError
    from kgkc_opt.inputs.files import load_scenario
    from kgkc_opt.report import files as export

    if args.samples is not None and not 1 <= args.samples <= 100_000:
        raise UsageError("--samples {samples}: expected a number of draws between 1 and 100000", samples=args.samples)
    if args.seed is not None and not 0 <= args.seed < 2**32:
        raise UsageError("--seed {seed}: expected a whole number between 0 and 4294967295", seed=args.seed)
    scenario = load_scenario(args.scenario)
    if args.out:
        export.check_file(args.out)
    unc = scenario.uncertainty
    n = args.samples or (unc.samples if unc else 0)
    started = time.perf_counter()
    with _executor(args) as executor:
        res = monte_carlo(scenario, samples=args.samples, seed=args.seed, solver=args.solver,
                          workers=args.workers, executor=executor,
                          progress=_Bar(say("monte carlo {n} draws", args.lang).format(n=n)))
    seconds = time.perf_counter() - started
    text.montecarlo(scenario, res, seconds, args.lang)
    probs = res.probabilities
    if args.out:
        cols = ["task_id", "target", "probability", "mean_share", "p10_share", "samples"]
        frame = probs.reset_index().assign(samples=len(res.samples))
        export.write_file(args.out, export.csv_text(cols, cast("list[dict[str, Any]]", frame.to_dict("records"))))
        print()
        text.wrote(args.out, args.lang)
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
    sens = sensitivity(scenario, result, exact=False)
    from kgkc_opt.analysis.gains import gains_table

    text.sensitivity(scenario, result, sens, gains_table(scenario, result, solver=args.solver), args.lang)
    return 0

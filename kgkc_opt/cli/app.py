"""The ``kgkc-opt`` command line: a thin layer over the API.

Exit codes: 0 done; 1 the scenario is infeasible (the explanation is printed), or for
``reproduce`` the outputs differ; 2 bad input or usage (every problem is listed); 3 solver or
internal error; 4 no plan found within the time limit. ``--debug`` shows the traceback of an
error instead of the one-line message. docs/errors.md lists the messages.
"""

from __future__ import annotations

# Only light modules are imported before ``run`` starts (argparse, the errors and everything else
# inside it), so that a Ctrl-C while the rest loads is handled by ``run`` (issue 22.12).
import _thread
import contextlib
import json
import os
import signal
import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn, cast

from kgkc_opt._version import __version__
from kgkc_opt.cli import text

if TYPE_CHECKING:
    import argparse

EXIT_OK, EXIT_INFEASIBLE, EXIT_INPUT, EXIT_ERROR, EXIT_NO_PLAN = 0, 1, 2, 3, 4

DESCRIPTION = """\
kgkc-opt plans a provincial industrial-promotion (khuyến công) program: it audits the program's
figures, allocates each year's local budget across its tasks with an integer program (HiGHS by
default, CBC selectable), and answers what-if questions with scenario files.

PROGRAM is a bundled program's name (default: kien-giang-2021-2025, Decision 2454/QĐ-UBND) or a
path to a program file (docs/program-format.md). SCENARIO is a scenario file (docs/scenarios.md).
Money is in million VND (triệu đồng)."""


def _seconds(text: str) -> float:
    """argparse type of --time-limit: a number of seconds, more than 0 and finite."""
    import argparse

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number of seconds above 0, got {text!r}")
    return value


def _program_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("program", nargs="?", default="kien-giang-2021-2025",
                   help="bundled program name or program file (default: %(default)s)")


def build_parser() -> argparse.ArgumentParser:
    """The command line: every command's parser, in the order ``--help`` lists them."""
    import argparse

    parser = argparse.ArgumentParser(prog="kgkc-opt", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"kgkc-opt {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_solve(sub)
    _add_audit(sub)
    _add_reconstruct(sub)
    _add_program(sub)
    _add_scenario(sub)
    from kgkc_opt.cli import analysis as cli_analysis
    from kgkc_opt.cli import annual as cli_annual
    from kgkc_opt.cli import documents as cli_outputs

    cli_annual.add_parsers(sub)
    _add_reproduce(sub)
    cli_analysis.add_parsers(sub)
    cli_outputs.add_parsers(sub)
    from kgkc_opt.app.server import add_parser as add_app_parser

    add_app_parser(sub)
    return parser


def _add_solve(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("solve", help="solve a scenario and print (or write) the plan",
                       description="Solve a scenario: allocate each year's local budget across the "
                       "tasks to meet as much of the targets as the caps allow.")
    p.add_argument("scenario", help="scenario file (YAML)")
    p.add_argument("--out", metavar="DIR", help="write allocation.csv, achievement.csv, budget.csv, "
                   "summary.json to DIR (atomically)")
    p.add_argument("--force", action="store_true", help="replace DIR if it exists")
    p.add_argument("--solver", choices=("highs", "cbc"), help="MILP solver (default: highs)")
    p.add_argument("--time-limit", type=_seconds, metavar="SECONDS",
                   help="stop after this long and report the best plan with its gap (default: no time "
                   "limit; every stage is bounded by counts, so any machine gives the same plan)")
    p.add_argument("--method", choices=("decompose", "direct"), default="decompose",
                   help="decompose (default): exact aggregate-then-schedule; direct: the plain model")
    p.add_argument("--policy", choices=("most-targets", "fair", "keep-cofunding"),
                   help="how to cut when money is short (default: the scenario's, else most-targets)")
    p.add_argument("--structure", choices=("on", "off"),
                   help="plan with the program's structure (cadences, linked tasks; default on) or without")
    p.add_argument("--write-model", metavar="FILE.lp|FILE.mps",
                   help="also write the model solved (the full model, the policy's first objective, "
                   "readable names) as an LP or MPS file for another solver")
    from kgkc_opt.cli import documents as cli_outputs

    cli_outputs.add_solve_options(p)


def _add_audit(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("audit", help="check a program's figures for internal consistency",
                       description="List every inconsistency in a program's figures, with severity "
                       "and source references. The program's data is left as the decision states it.")
    _program_arg(p)
    p.add_argument("--json", action="store_true", help="print the findings as JSON")
    text.add_lang(p, "the findings")
    p.add_argument("--fail-on", choices=("error", "warning"),
                   help="exit with code 1 when a finding of this severity (or worse) is found")
    p.add_argument("--no-schedule", action="store_true",
                   help="skip the check that the whole table can be scheduled within the annual table "
                   "(the only check that runs the solver)")


def _add_reconstruct(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("reconstruct", help="schedule the whole task table against the annual table",
                       description="Find an integer year-by-year schedule of every task row that "
                       "matches the annual budget table as closely as possible, and show how close.")
    _program_arg(p)
    p.add_argument("--out", metavar="FILE.csv", help="write the schedule as CSV")
    p.add_argument("--solver", choices=("highs", "cbc"), default="highs")
    text.add_lang(p)


def _add_program(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("program", help="show a program's task table, merge the programs of merged provinces, or "
                       "draft one in Excel (template, import, export)")
    psub = p.add_subparsers(dest="program_command", metavar="ACTION")
    ps = psub.add_parser("show", help="print the task table as encoded")
    _program_arg(ps)
    ps.add_argument("--csv", action="store_true", help="print CSV (id, unit, quantity, total, ns, other, years)")
    text.add_lang(ps, "the table")
    from kgkc_opt.cli import program_xlsx
    from kgkc_opt.cli.program_merge import add_merge_parser

    add_merge_parser(psub)
    program_xlsx.add_parsers(psub)


def _add_scenario(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("scenario", help="show a scenario's effective settings")
    ssub = p.add_subparsers(dest="scenario_command", metavar="ACTION")
    ss = ssub.add_parser("show", help="print the effective scenario and its change log")
    ss.add_argument("scenario", help="scenario file (YAML)")
    text.add_lang(ss)


def _add_reproduce(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("reproduce", help="re-run a solve or an annual selection from its summary.json and "
                       "compare the outputs",
                       description="Re-run the solve recorded in DIR/summary.json (written by "
                       "'kgkc-opt solve --out DIR' or 'kgkc-opt annual --out DIR'): check that every input "
                       "file still has its recorded SHA-256, solve again with the recorded options into a "
                       "temporary folder and compare every file byte for byte. Prints OK (exit 0) or the "
                       "files that differ (exit 1); a changed or missing input exits 2. Run it from the folder "
                       "the command was run from (the recorded paths are relative to it). DIR is not modified.")
    p.add_argument("folder", metavar="DIR", help="a result folder written by 'kgkc-opt solve --out' or "
                   "'kgkc-opt annual --out'")
    text.add_lang(p)


def main(argv: Sequence[str] | None = None) -> int:
    from kgkc_opt.cli import help_words

    argv = list(sys.argv[1:] if argv is None else argv)
    lang = help_words.run_language(argv)  # help, usage errors and argparse's words in the run's language
    with help_words.argparse_language(lang):
        parser = build_parser()
        help_words.translate_parser(parser, lang)
        args = parser.parse_args(argv)
    if hasattr(args, "lang"):  # one language a run: --lang, else $KGKC_LANG, else Vietnamese (help, output, errors)
        args.lang = lang
    if args.command is None:
        parser.print_help()
        return EXIT_INPUT
    try:
        return _dispatch(args, parser)
    except KeyboardInterrupt:
        print("kgkc-opt: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader (e.g. `| head`) stopped reading: not an error of ours
        _to_devnull(sys.stdout)
        return EXIT_OK
    except Exception as exc:
        if _interrupted(exc):  # e.g. a C extension's import turns a Ctrl-C into an ImportError
            print("kgkc-opt: interrupted", file=sys.stderr)
            return 130
        from kgkc_opt.errors import KgkcError  # (loaded by whatever raised one; --help needs none)

        if args.debug or not isinstance(exc, KgkcError):
            raise
        print(f"kgkc-opt: {exc.worded(lang)}", file=sys.stderr)  # in the run's language (str(exc) is English)
        return exc.exit_code


def _interrupted(exc: BaseException) -> bool:
    """Whether ``exc`` comes of a Ctrl-C: a KeyboardInterrupt among its causes and contexts (a
    pybind11 module, such as HiGHS's, reports a Ctrl-C during its import as an ImportError, which
    a caller may turn into "not installed")."""
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        e = stack.pop()
        if e is None or id(e) in seen:
            continue
        if isinstance(e, KeyboardInterrupt):
            return True
        seen.add(id(e))
        stack += [e.__cause__, e.__context__]
    return False


def _to_devnull(stream: Any) -> None:
    """Send what is left of ``stream`` nowhere: its reader is gone (Python's docs, "Note on
    SIGPIPE"), so that the exit is ours and not 120 when Python flushes it at shutdown."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())


def run(argv: Sequence[str] | None = None) -> NoReturn:
    """The ``kgkc-opt`` program: ``main``, then exit. A Ctrl-C during ``main`` ends it with one
    line, "interrupted", and exit 130: never a traceback, never a second line, never a death by
    the signal. That includes the time the toolkit's modules load: ``import kgkc_opt`` and this
    module import nothing heavy (the package's names load on first use), so loading happens here.
    An error that comes of a Ctrl-C (an ImportError a C extension raised for it) is an interrupt
    too. The first Ctrl-C is the only one: from it on, SIGINT is ignored (a second one while the
    first unwinds, or one while Python shuts down, changes nothing). A Ctrl-C that lands once
    ``main`` has returned is ignored: its answer stands."""
    _interrupt_once()
    code: int | None = None
    try:  # (the one KeyboardInterrupt there can be surfaces at any line until SIGINT is ignored)
        try:
            code = main(argv)
        except Exception as exc:
            if not _interrupted(exc):
                _ignore_interrupts()
                raise
        _ignore_interrupts()
    except KeyboardInterrupt:
        _ignore_interrupts()
    if code is None:  # ``main`` did not return: interrupted before it could say so
        code = 130
        print("kgkc-opt: interrupted", file=sys.stderr)
    _forget_unhandled_interrupt()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:
            _to_devnull(stream)  # the reader stopped reading (`| head`): the exit stays main's
        except (OSError, ValueError):
            pass
    sys.exit(code)


def _on_interrupt(_signum: int, _frame: Any) -> None:
    """SIGINT's handler while the program runs: a KeyboardInterrupt, once (see ``run``)."""
    if _IN_HOOK[0]:  # (inside ``_keep_lost_interrupt``'s hook, where it would be lost again: later)
        _thread.start_new_thread(_thread.interrupt_main, ())
        return
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise KeyboardInterrupt


def _interrupt_once() -> None:
    """Let the first Ctrl-C raise KeyboardInterrupt and ignore any after it, so that there is one
    KeyboardInterrupt at most. Left alone if SIGINT is not Python's default (ignored by the
    parent, as for a background job, or the host's own handler)."""
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        with contextlib.suppress(ValueError):  # (not the main thread: signals are not ours to set)
            signal.signal(signal.SIGINT, _on_interrupt)
            _RUNNING[0] = True
            sys.unraisablehook = _keep_lost_interrupt(sys.unraisablehook)


#: Whether ``main`` runs with ``_on_interrupt`` as SIGINT's handler (``_interrupt_once`` to
#: ``_ignore_interrupts``).
_RUNNING = [False]
#: Whether ``_keep_lost_interrupt``'s hook runs.
_IN_HOOK = [False]


def _keep_lost_interrupt(previous: Any) -> Any:
    """``sys.unraisablehook`` for the run: a Ctrl-C whose KeyboardInterrupt surfaced inside a
    finalizer (a ``__del__``, a weakref callback, run by the garbage collector at any line) is one
    Python can only drop, with an "Exception ignored" report, and the run went on as if no Ctrl-C
    came. It is raised again, where the program runs (SIGINT's handler re-armed, then SIGINT
    simulated for the main thread)."""

    def hook(unraisable: Any) -> None:
        if not (_RUNNING[0] and isinstance(unraisable.exc_value, KeyboardInterrupt)):
            previous(unraisable)
            return
        _IN_HOOK[0] = True
        try:
            with contextlib.suppress(ValueError):  # (a finalizer run by another thread: nothing to re-arm)
                signal.signal(signal.SIGINT, _on_interrupt)
                # from another thread, so that the main thread takes it where it runs on, after this
                # hook (in a finalizer again, it comes back here; once ``main`` has returned, ignored)
                _thread.start_new_thread(_thread.interrupt_main, ())
        finally:
            _IN_HOOK[0] = False  # (no check for signals between this and the return)

    return hook


def _ignore_interrupts() -> None:
    """Ignore SIGINT from here on. (``signal.signal`` first runs the handler of a signal that is
    pending: a Ctrl-C that arrives just now raises here, after ``_on_interrupt`` set SIG_IGN.)"""
    _RUNNING[0] = False
    with contextlib.suppress(ValueError):  # (not the main thread)
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def _forget_unhandled_interrupt() -> None:
    """Clear CPython's record of an "unhandled" KeyboardInterrupt, so that the exit status is ours.

    CPython (Python/pythonrun.c, ``run_eval_code_obj``) marks the process as ended by an unhandled
    Ctrl-C whenever a KeyboardInterrupt leaves code run by ``exec`` or ``eval`` of a string, even
    when a caller catches it later; ``dataclasses``, ``namedtuple`` and others build their methods
    that way while the toolkit's modules load. Under ``python -m kgkc_opt`` the interpreter then
    ends itself with SIGINT (status -2 to a parent, 130 to a shell) in place of ``sys.exit(130)``,
    after our one line: a rare race, as the Ctrl-C must land inside such code. The mark is cleared
    each time code from a string starts, so running an empty string clears it (SIGINT is ignored
    by now: nothing can set it again)."""
    exec("")


def _dispatch(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from kgkc_opt.cli import analysis as cli_analysis

    if args.command in cli_analysis.COMMANDS:
        code = cli_analysis.dispatch(args)
        assert code is not None
        return code
    from kgkc_opt.cli import documents as cli_outputs

    if args.command in cli_outputs.COMMANDS:
        code = cli_outputs.dispatch(args)
        assert code is not None
        return code
    from kgkc_opt.cli import annual as cli_annual

    if args.command in cli_annual.COMMANDS:
        code = cli_annual.dispatch(args)
        assert code is not None
        return code
    if args.command == "app":
        from kgkc_opt.app.server import cmd_app

        return cmd_app(args)
    if args.command == "solve":
        return cmd_solve(args)
    if args.command == "reproduce":
        return cmd_reproduce(args)
    if args.command == "audit":
        return cmd_audit(args)
    if args.command == "reconstruct":
        return cmd_reconstruct(args)
    if args.command == "program":
        if args.program_command == "merge":
            from kgkc_opt.cli.program_merge import cmd_merge

            return cmd_merge(args)
        from kgkc_opt.cli import program_xlsx

        if args.program_command in program_xlsx.ACTIONS:
            return program_xlsx.dispatch(args)
        if args.program_command != "show":
            print("usage: kgkc-opt program show [PROGRAM] [--csv] | kgkc-opt program merge A B [...] --name NAME "
                  "--out FILE.yaml | kgkc-opt program template|import|export ...", file=sys.stderr)
            return EXIT_INPUT
        return cmd_program_show(args)
    if args.command == "scenario":
        if args.scenario_command != "show":
            print("usage: kgkc-opt scenario show SCENARIO", file=sys.stderr)
            return EXIT_INPUT
        return cmd_scenario_show(args)
    parser.print_help()
    return EXIT_INPUT


def print_result(result: Any, scenario: Any, seconds: float, lang: str = "vi") -> None:
    """The summary ``solve`` prints (``cli.text.solve``)."""
    text.solve(result, scenario, seconds, lang)


def cmd_solve(args: argparse.Namespace) -> int:
    from kgkc_opt.inputs.files import load_scenario
    from kgkc_opt.report import files as export
    from kgkc_opt.runs import solve_run
    from kgkc_opt.solver.status import Status

    scenario = load_scenario(args.scenario)
    # every output is checked before solving, and written all or nothing
    if args.out:
        export.check_folder(args.out, force=args.force)
        _check_out_holds_no_input(args.out, scenario)
    if args.xlsx:
        export.check_file(args.xlsx, suffixes=(".xlsx",), kind="the workbook is written as .xlsx")
        if args.out:
            export.check_outside(args.xlsx, args.out)
    if args.write_model:
        export.check_file(args.write_model, suffixes=(".lp", ".mps"), kind="the model is written as .lp or .mps")
        if args.out:
            export.check_outside(args.write_model, args.out)
    started = time.perf_counter()
    run = solve_run(args.scenario, scenario, solver=args.solver, time_limit=args.time_limit, method=args.method,
                    policy=args.policy, structure=args.structure)
    result = run.result
    seconds = time.perf_counter() - started
    from kgkc_opt.cli import documents as cli_outputs

    # the files first: a reader that stops reading the summary (`| head`) does not stop them
    with export.all_or_nothing():
        if args.out:
            export.write_folder(args.out, run.files, force=args.force)
        xlsx = cli_outputs.write_xlsx(args, result, scenario)
        if args.write_model:
            _write_model(args.write_model, run.scenario)
    print_result(result, scenario, seconds, args.lang)
    from kgkc_opt.analysis.adoptability import rhythm_lines  # the rhythm's notes (issue 24)

    for line in rhythm_lines(result.rhythm, args.lang):
        print(line)
    if run.replan is not None:
        _print_replan(scenario, run.replan, args.lang)
    if args.out:
        print()
        text.wrote(f"{args.out}/", args.lang)
    if xlsx:
        text.wrote(args.xlsx, args.lang)
    if args.write_model:
        text.wrote(args.write_model, args.lang)
    if result.status == Status.INFEASIBLE:
        return EXIT_INFEASIBLE
    if result.status == Status.NO_SOLUTION:
        return EXIT_NO_PLAN
    return EXIT_OK


def _write_model(path: str, scenario: Any) -> None:
    """``--write-model``: the full model of the scenario solved (``solver.export``), LP or MPS by
    the name's suffix (checked before solving)."""
    from pathlib import Path

    from kgkc_opt.report import files as export
    from kgkc_opt.solver.export import model_text

    export.write_file(path, model_text(scenario, Path(path).suffix.lower().lstrip(".")))


def _print_replan(scenario: Any, table: Any, lang: str = "vi") -> None:
    """Print plan vs actual vs re-plan per task."""
    from kgkc_opt.analysis.compare import replan_summary

    text.replan(scenario, replan_summary(table, scenario), lang)


def _check_out_holds_no_input(out: str, scenario: Any) -> None:
    """--out (with --force) replaces the folder: refuse one that holds an input of the scenario."""
    from kgkc_opt.report.record import check_out_holds_no_input, input_records

    check_out_holds_no_input(out, input_records(scenario))


def cmd_reproduce(args: argparse.Namespace) -> int:
    from kgkc_opt.runs import reproduce

    report = reproduce(args.folder)
    print("\n".join(report.lines(args.lang)))
    return EXIT_OK if report.ok else 1  # the outputs differ


def cmd_audit(args: argparse.Namespace) -> int:
    from kgkc_opt.analysis.audit import audit
    from kgkc_opt.inputs.files import load_program

    program = load_program(args.program)
    findings = audit(program, schedule=not args.no_schedule)
    failing = {"error": {"error"}, "warning": {"error", "warning"}}.get(args.fail_on or "", set())
    code = 1 if any(f.severity in failing for f in findings) else EXIT_OK
    if args.json:
        print(json.dumps({"program": program.id, "findings": [f.to_dict() for f in findings]},
                         indent=2, ensure_ascii=False))
        return code
    text.audit(program, findings, args.lang)
    return code


def cmd_reconstruct(args: argparse.Namespace) -> int:
    from kgkc_opt.analysis.reconstruct import reconstruct
    from kgkc_opt.inputs.files import load_program
    from kgkc_opt.report import files as export

    if args.out:
        export.check_file(args.out)
    program = load_program(args.program)
    rec = reconstruct(program, solver=args.solver)
    text.reconstruct(program, rec, args.lang)
    if args.out:
        export.write_file(args.out, export.frame_csv(rec.schedule, export.ALLOCATION_COLUMNS))
        text.wrote(args.out, args.lang)
    return EXIT_OK


def cmd_program_show(args: argparse.Namespace) -> int:
    from kgkc_opt.inputs.files import load_program
    from kgkc_opt.report import files as export

    program = load_program(args.program)
    frame = program.tasks_frame()
    if args.csv:
        frame = frame.reset_index().rename(columns={"task_id": "id"})
        sys.stdout.write(export.csv_text(["id", "unit", "quantity", "total", "ns", "other", "years"],
                                         cast("list[dict[str, Any]]", frame.to_dict("records"))))
        return EXIT_OK
    text.program_show(program, args.lang)
    return EXIT_OK


def cmd_scenario_show(args: argparse.Namespace) -> int:
    from kgkc_opt.inputs.files import load_scenario

    text.scenario_show(load_scenario(args.scenario), args.lang)
    return EXIT_OK


if __name__ == "__main__":
    run()

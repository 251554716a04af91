"""The document commands of ``kgkc-opt``: ``chart`` and ``report``, and ``solve --xlsx``.

Registered on the main parser by ``kgkc_opt.cli``; each is a thin layer over ``report.charts``
(imported only here, lazily: ``kgkc-opt solve`` never loads matplotlib), ``report.brief`` (which
renders the study ``analysis.study.study`` computes) and ``report.workbook``. The figures are
computed here, through the analysis floor, and handed to the report floor, which never solves.
Files are written atomically.
"""

from __future__ import annotations

import argparse
from typing import Any

COMMANDS = ("chart", "report")
CHART_KINDS = ("budget", "achievement", "gains", "difference", "sweep", "montecarlo")


def add_parsers(sub: Any) -> None:
    p = sub.add_parser(
        "chart", help="draw a print-ready chart (SVG, PNG at 300 dpi, or PDF)",
        description="Draw one chart of a scenario for a proposal or report, in Vietnamese (default) "
        "or English. budget: local budget and co-funding by year and task group against the caps; "
        "achievement: share of each target met, against --compare (default: the program as "
        "decided); gains: what 1 billion VND more or less in each year, or every year, buys (exact "
        "re-solves); difference: per-task change "
        "from --compare; sweep: the cut order as the budget shrinks (SCENARIO may be the CSV "
        "written by 'kgkc-opt sweep --out'); montecarlo: probability of meeting each target "
        "(SCENARIO may be the CSV written by 'kgkc-opt montecarlo --out').")
    p.add_argument("kind", choices=CHART_KINDS, metavar="KIND", help=", ".join(CHART_KINDS))
    p.add_argument("scenario", metavar="SCENARIO", help="scenario file (YAML), or a results CSV for sweep/montecarlo")
    p.add_argument("--compare", metavar="BASE", help="scenario to compare with (achievement, difference)")
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="language of the labels (default vi)")
    p.add_argument("--size", choices=("page", "column"), default="page",
                   help="width: an A4 page (16 cm, default) or a column (8 cm)")
    p.add_argument("--budget", default="100:40:-5", metavar="START:STOP:STEP",
                   help="sweep levels, percent of the scenario's caps, when SCENARIO is a scenario file "
                   "(default 100:40:-5)")
    p.add_argument("--program", default="kien-giang-2021-2025",
                   help="program for the task names when SCENARIO is a CSV (default: %(default)s)")
    p.add_argument("--out", required=True, metavar="FILE", help="output file: .svg, .png or .pdf")
    p.add_argument("--solver", choices=("highs", "cbc"))

    p = sub.add_parser(
        "report", help="write a scenario brief (Word, HTML or Markdown, images embedded)",
        description="Write a brief of a scenario for a reader who has never seen the toolkit: what it "
        "changes, the headline numbers, the charts, which targets fall short and why, what 1 billion VND "
        "more or less buys, and the repair options. .docx: a Word annex to a proposal (Decree "
        "30/2020/NĐ-CP layout); .html and .md are self-contained (the charts are embedded).")
    p.add_argument("scenario", metavar="SCENARIO", help="scenario file (YAML)")
    p.add_argument("--compare", metavar="BASE",
                   help="scenario to compare with (default: the program as decided)")
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="language (default vi)")
    p.add_argument("--out", required=True, metavar="FILE", help="output file: .docx, .html or .md")
    p.add_argument("--no-least", action="store_true",
                   help="leave out the least money that meets every target (the slowest figure to find)")
    p.add_argument("--policy", choices=("most-targets", "fair", "keep-cofunding"),
                   help="how to cut when money is short (default: the scenario's, else most-targets); a brief "
                   "of a scenario that cuts money shows every policy side by side first")
    p.add_argument("--document-settings", metavar="FILE.yaml",
                   help="the issuing body, proposal number, annex number, date, signer and draft status "
                   "of the document (YAML, see docs/documents.md); blanks to fill in by hand where left out")
    p.add_argument("--solver", choices=("highs", "cbc"))


def add_solve_options(p: argparse.ArgumentParser) -> None:
    """``solve --xlsx FILE --lang vi|en``."""
    p.add_argument("--xlsx", metavar="FILE.xlsx",
                   help="also write the plan as an Excel workbook laid out as the decision's annex")
    p.add_argument("--lang", choices=("vi", "en"), default="vi",
                   help="language of the summary and the workbook (default vi)")


def dispatch(args: argparse.Namespace) -> int | None:
    if args.command == "chart":
        return cmd_chart(args)
    if args.command == "report":
        return cmd_report(args)
    return None


def write_xlsx(args: argparse.Namespace, result: Any, scenario: Any) -> bool:
    """After ``solve``: write the workbook if ``--xlsx`` was given and there is a plan (True)."""
    if not getattr(args, "xlsx", None):
        return False
    from kgkc_opt.cli.text import t

    if not result.has_plan:
        print(t(f"\nKhông có phương án: không ghi {args.xlsx}", f"\nNo plan: {args.xlsx} not written", args.lang))
        return False
    from kgkc_opt.analysis.gains import gains_table
    from kgkc_opt.report import workbook as xlsx

    xlsx.write(result, scenario, args.xlsx, lang=args.lang, gains=gains_table(scenario, result))
    return True


#: A results CSV's columns per chart: (required, numeric with their (low, high) bounds).
_RESULT_COLUMNS = {
    "sweep": (("level", "task_id", "share"), {"level": (0, 10_000), "budget_level": (0, 10_000),
                                               "cofunding_level": (0, 10_000), "program_level": (0, 10_000),
                                               "share": (0, 1)}),
    "montecarlo": (("task_id", "probability"), {"probability": (0, 1), "mean_share": (0, 1), "p10_share": (0, 1),
                                                "samples": (1, 10**9)}),
}


def _read_frame(path: str, kind: str) -> Any:
    """A results CSV (written by ``kgkc-opt sweep/montecarlo --out``), checked at the door: its
    columns, and each number finite and within its bounds (every problem listed, at its line)."""
    import io

    import pandas as pd

    from kgkc_opt.errors import InputError, Problem
    from kgkc_opt.inputs.files import read_text

    text = read_text(path)  # a regular file of at most 5 MB, UTF-8
    try:
        frame = pd.read_csv(io.StringIO(text))
    except (OSError, ValueError) as exc:
        raise InputError([Problem(str(path), "", "cannot read the results table: {exc}", {"exc": exc})]) from None
    required, numbers = _RESULT_COLUMNS[kind]
    have = {*frame.columns, *(["level"] if "budget_level" in frame.columns else [])}  # as sweep --out writes it
    missing = [c for c in required if c not in have]
    if missing:
        raise InputError([Problem(str(path), "line 1", "lacks the column(s) {missing}: expected the table "
                                                       "'kgkc-opt {kind} --out' writes ({required})",
                                                       {"missing": ', '.join(missing), "kind": kind,
                                                       "required": ', '.join(required)})])
    if frame.empty:
        raise InputError([Problem(str(path), "", "has no rows; expected the table 'kgkc-opt {kind} --out' writes",
                                                 {"kind": kind})])
    problems = []
    for column, (low, high) in numbers.items():
        if column not in frame.columns:
            continue
        values = pd.to_numeric(frame[column], errors="coerce")
        for row, (got, value) in enumerate(zip(frame[column], values, strict=True), start=2):
            if not low <= value <= high:  # NaN (not a number) fails too
                problems.append(Problem(str(path), f"line {row}, column {column}",
                                        "expected a number from {low} to {high:,}, got {got!r}", {"low": low,
                                        "high": high, "got": str(got)[:40]}))
        frame[column] = values
    if problems:
        raise InputError(problems)  # (the error shows the first 20 and counts the rest)
    return frame


def cmd_chart(args: argparse.Namespace) -> int:
    from kgkc_opt.analysis.plan import solve
    from kgkc_opt.inputs.files import load_program, load_scenario
    from kgkc_opt.inputs.scenario import baseline
    from kgkc_opt.report import charts, fmt
    from kgkc_opt.report import files as export

    export.check_file(args.out, suffixes=(".svg", ".png", ".pdf"), kind="charts are written as .svg, .png or .pdf")
    kind = args.kind
    lang = args.lang
    if kind in ("sweep", "montecarlo"):
        if args.scenario.lower().endswith(".csv"):
            # a results CSV: its own columns say the levels of the program's caps (sweep) and the
            # number of draws (Monte Carlo); the chart names no scenario (a file name is no title)
            frame, program, name = _read_frame(args.scenario, kind), load_program(args.program), ""
            fig = charts.render(kind, program=program, frame=frame, lang=lang, size=args.size, name=name)
        else:
            scenario = load_scenario(args.scenario)
            from kgkc_opt.analysis import sweep

            if kind == "sweep":
                frame = sweep.sweep(scenario, budget=sweep.parse_levels(args.budget), solver=args.solver or "highs")
            else:
                frame = sweep.monte_carlo(scenario, solver=args.solver or "highs")
            fig = charts.render(kind, program=scenario, frame=frame, lang=lang, size=args.size)
    else:
        scenario = load_scenario(args.scenario)
        result = solve(scenario, solver=args.solver)
        base = base_scenario = None
        if args.compare:
            base_scenario = load_scenario(args.compare)
        elif kind == "difference" or (kind == "achievement" and scenario.changes):
            base_scenario = baseline(scenario.program)
        if base_scenario is not None:
            base = solve(base_scenario, solver=args.solver)
        frame = None
        if kind == "gains":
            from kgkc_opt.analysis.gains import gains_table

            if not result.has_plan:
                charts.render("budget", result, scenario)  # raises the no-plan error
            frame = gains_table(scenario, result, solver=args.solver)
        fig = charts.render(kind, result, scenario, base=base, frame=frame, lang=lang, size=args.size,
                            base_name=fmt.scenario_title(base_scenario, lang) if base_scenario is not None else None)
    charts.save(fig, args.out)
    from kgkc_opt.cli.text import wrote

    wrote(args.out, lang)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from kgkc_opt.analysis.study import study
    from kgkc_opt.cli.text import wrote
    from kgkc_opt.inputs.files import load_scenario
    from kgkc_opt.report import brief
    from kgkc_opt.report import files as export

    export.check_file(args.out, suffixes=(".docx", ".html", ".htm", ".md"),
                      kind="the brief is written as .docx, .html or .md")
    settings = None
    if getattr(args, "document_settings", None):
        from kgkc_opt.inputs.document_settings import load_document_settings

        settings = load_document_settings(args.document_settings)  # checked before the slow study
    scenario = load_scenario(args.scenario)
    base = load_scenario(args.compare) if args.compare else None
    found = study(scenario, base, solver=args.solver, least_money_=not args.no_least,
                  policy=getattr(args, "policy", None))
    doc = brief.build(found, lang=args.lang, settings=settings, provenance=_provenance(found.result, args))
    doc.write(args.out)
    wrote(args.out, args.lang)
    return 0 if doc.result.has_plan else 1


def _report_command(args: argparse.Namespace) -> list[str]:
    """The ``kgkc-opt report`` command that writes the brief again (as given)."""
    command = ["kgkc-opt", "report", str(args.scenario)]
    for flag in ("compare", "lang", "policy", "document_settings", "solver", "out"):
        value = getattr(args, flag, None)
        if value is not None:
            command += [f"--{flag.replace('_', '-')}", str(value)]
    if getattr(args, "no_least", False):
        command.append("--no-least")
    return command


def _provenance(result: Any, args: argparse.Namespace) -> Any:
    """The check code of the inputs, the versions and this command, for the document's properties."""
    from kgkc_opt.report.docx_layout import Provenance
    from kgkc_opt.report.record import versions

    found = dict(versions())
    if getattr(result, "solver_version", ""):
        found["solver"] = str(result.solver_version)
    return Provenance.of(getattr(result, "input_hash", "") or "", found, _report_command(args))

"""The run workflows of ``kgkc-opt``: ``solve --out``, ``annual --out`` and ``reproduce``.

``solve_run`` solves a loaded scenario and builds its result folder's files (the record
included); ``annual_run`` loads the inputs of ``kgkc-opt annual``, selects and builds its files;
``reproduce`` re-runs the solve (or selection) recorded in a folder's ``summary.json`` and compares
every file byte for byte (see ``report.record`` for the record and the comparison). They sit
above the report floor because they solve (``report`` only renders and writes), and below the
command line and the web app, which both run them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kgkc_opt.analysis.plan import solve
from kgkc_opt.errors import InputError, Problem
from kgkc_opt.inputs.files import DEFAULT_PROGRAM, load_scenario
from kgkc_opt.inputs.keys import POLICIES
from kgkc_opt.inputs.scenario import Scenario
from kgkc_opt.report.annual import AnnualOptions, parse_command
from kgkc_opt.report.files import replan_csv, result_files
from kgkc_opt.report.record import (
    SUMMARY,
    Report,
    check_inputs,
    input_path,
    input_records,
    output_files,
    read_record,
    run_record,
    sha256_of,
    summary_difference,
    versions,
)
from kgkc_opt.solver.backend import SOLVERS
from kgkc_opt.solver.decompose import METHODS
from kgkc_opt.solver.result import Result

if TYPE_CHECKING:
    import pandas as pd

    from kgkc_opt.analysis.annual_study import AnnualResult, AnnualStudy, WhatIf

__all__ = ["AnnualRun", "SolveRun", "annual_run", "reproduce", "solve_run"]


@dataclass(frozen=True)
class SolveRun:
    """One ``solve`` with everything its result folder holds: what ``solve --out`` writes and
    what ``reproduce`` makes again."""

    scenario: Scenario
    result: Result
    replan: pd.DataFrame | None
    files: dict[str, str]


def solve_run(scenario_path: str, scenario: Scenario, *, solver: str | None = None,
              method: str = "decompose", time_limit: float | None = None, policy: str | None = None,
              structure: str | None = None) -> SolveRun:
    """Solve a loaded scenario and build its result folder's files (the record included).

    ``policy`` and ``structure`` ("on"/"off") override the scenario's, as changes in its log.
    """
    if policy is not None or structure is not None:
        # the name positionally (None: derive's default), so that only the changes go to **changes
        scenario = scenario.derive(None, **({"policy": policy} if policy is not None else {}),
                                   **({"structure": structure == "on"} if structure is not None else {}))
    result = solve(scenario, solver=solver, time_limit=time_limit, method=method)
    table = None
    if scenario.actuals is not None and result.has_plan:
        from kgkc_opt.analysis.compare import replan  # pandas: only a scenario with actuals needs it

        _plan, _again, table = replan(scenario, solver=solver, replanned=result)
    flags = {"policy": policy, "structure": structure}
    files = result_files(result, extra={"inputs": input_records(scenario),
                                        **run_record(scenario_path, result, **flags)})
    if table is not None:
        files["replan.csv"] = replan_csv(table)
    return SolveRun(scenario, result, table, files)


@dataclass(frozen=True)
class AnnualRun:
    """One ``annual`` with everything its result folder holds."""

    options: AnnualOptions
    scenario: Scenario
    #: the selection and all its documents show (with --national-what-if: the what-if too)
    study: AnnualStudy
    inputs: list[dict[str, str]]
    files: dict[str, str | bytes]

    @property
    def result(self) -> AnnualResult:
        """The selection (``study.result``)."""
        return self.study.result

    @property
    def whatif(self) -> tuple[WhatIf, ...] | None:
        """With --national-what-if: the selection with the national money as given, half, none."""
        return self.study.whatif


def annual_run(options: AnnualOptions) -> AnnualRun:
    """Load the inputs of ``kgkc-opt annual``, select, and build its result folder's files (the
    record included)."""
    from kgkc_opt.analysis.annual_build import study
    from kgkc_opt.analysis.annual_study import Rules
    from kgkc_opt.inputs.files import load_program, load_proposals
    from kgkc_opt.inputs.previous import aligned, load_previous
    from kgkc_opt.inputs.reader import InputFile
    from kgkc_opt.inputs.scenario import baseline
    from kgkc_opt.report.annual import annual_files

    if options.scenario is not None:
        scenario = load_scenario(options.scenario)
        inputs = input_records(scenario)
    else:
        name = options.program or DEFAULT_PROGRAM
        scenario = baseline(load_program(name))
        program_record = {"role": "program", "path": name}
        inputs = [{**program_record, "sha256": sha256_of(input_path(program_record))}]
    proposals = load_proposals(options.proposals, scenario.program, sheet=options.sheet)
    inputs.insert(0, {"role": "proposals", "path": options.proposals, "sha256": sha256_of(Path(options.proposals))})
    previous = None
    if options.previous is not None:
        read: list[InputFile] = []
        _, previous = load_previous(options.previous, record=read, year=options.year)
        previous = aligned(previous, (p.id for p in proposals.items))  # (ids match ignoring case)
        inputs += [{"role": f.role, "path": f.path, "sha256": f.sha256} for f in read]
    approved = None
    if options.national_approved is not None:
        from kgkc_opt.inputs.national import load_approvals

        read_n: list[InputFile] = []
        approved = load_approvals(options.national_approved, record=read_n)
        inputs += [{"role": f.role, "path": f.path, "sha256": f.sha256} for f in read_n]
    settings = None
    if options.document_settings is not None:
        from kgkc_opt.inputs.document_settings import load_document_settings

        settings = load_document_settings(options.document_settings)
        inputs.append({"role": "document_settings", "path": options.document_settings,
                       "sha256": sha256_of(Path(options.document_settings))})
    rules = Rules(max_per_commune=options.max_per_commune, min_per_region=options.min_per_region,
                  cap_cofunding=options.cap_cofunding, budget=options.budget, check_extra=options.check_extra,
                  rule=options.rule, year_plan=options.year_plan, national=options.national,
                  national_approved=approved, national_fallback=options.national_fallback)
    made = study(proposals, options.year, scenario=scenario, rules=rules, previous=previous,
                 whatif=options.national_whatif)
    files = annual_files(made, scenario, options, settings=settings,
                         extra={"inputs": inputs, "command": options.command(), "versions": versions()})
    return AnnualRun(options, scenario, made, inputs, files)


def _command_options(command: list[str]) -> dict[str, Any]:
    flags = dict(zip(command[2::2], command[3::2], strict=True))
    options: dict[str, Any] = {"solver": flags.get("--solver"), "method": flags.get("--method", "decompose"),
                               "policy": flags.get("--policy"), "structure": flags.get("--structure")}
    if "--time-limit" in flags:
        options["time_limit"] = float(flags["--time-limit"])
    return options


def _solve_again(command: list[str], label: str) -> SolveRun:
    try:
        options = _command_options(command)
    except ValueError:
        raise InputError([Problem(label, "command", "the recorded command is not valid: {command}",
                                  {"command": " ".join(command)})]) from None
    if options["method"] not in METHODS or options.get("solver") not in (None, *SOLVERS) or \
            options.get("policy") not in (None, *POLICIES) or options.get("structure") not in (None, "on", "off"):
        raise InputError([Problem(label, "command", "the recorded command is not valid: {command}",
                                  {"command": " ".join(command)})])
    return solve_run(command[1], load_scenario(command[1]), **options)


def reproduce(folder: str | Path) -> Report:
    """Re-run the solve (or annual selection) recorded in ``folder/summary.json`` and compare outputs
    byte for byte."""
    folder = Path(folder)
    label = str(folder / SUMMARY)
    record = read_record(folder)
    check_inputs(record, label)
    report = Report(str(folder), list(record["command"]))
    recorded_versions = record.get("versions") or {}
    now = versions()
    if isinstance(recorded_versions, dict):
        for name in sorted(set(recorded_versions) | set(now)):
            if recorded_versions.get(name) != now.get(name):
                report.version_changes[name] = (recorded_versions.get(name), now.get(name))
    made: dict[str, str | bytes]
    if report.command[0] == "annual":
        made = dict(annual_run(parse_command(report.command, label)).files)
    else:
        made = dict(_solve_again(report.command, label).files)
    old = output_files(folder)
    new = {name: data if isinstance(data, bytes) else data.encode("utf-8") for name, data in made.items()}
    for name in sorted(set(old) | set(new)):
        if name not in new:
            report.missing.append(name)
        elif name not in old:
            report.extra.append(name)
        elif old[name] == new[name]:
            report.identical.append(name)
        else:
            report.differing.append(name)
            if name == SUMMARY:
                report.details[name] = summary_difference(old[name], new[name])
    return report

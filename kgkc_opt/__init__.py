"""kgkc_opt: optimisation and scenario planning for provincial khuyến công programs.

The package is laid out as the pipeline it runs, each stage importing only the ones before it
(an import-linter contract in pyproject.toml keeps it so):

    inputs/    read and validate program, scenario and actuals documents
    model/     the model's data, the row generators, the formulations, the exact plan check
    solver/    solver back-ends, the exact decomposition, shadow prices, the typed result
    analysis/  audit, repairs, comparisons, sweeps, sensitivity, schedule reconstruction
    report/    formatting, charts, the workbook, the brief, result files and their record
    cli/       the ``kgkc-opt`` command line, a thin layer over this API

Typical use in a notebook::

    import kgkc_opt as kg
    program = kg.load_program()                 # Decision 2454/QĐ-UBND, Kiên Giang 2021–2025
    findings = kg.audit(program)                # its internal inconsistencies
    result = kg.solve(kg.load_scenario("scenarios/cut-20pct.yaml"))
    result.achievement, result.budget, result.allocation
"""

from __future__ import annotations

from kgkc_opt._version import __version__
from kgkc_opt.analysis.annual import AnnualResult, Rules, annual
from kgkc_opt.analysis.audit import Finding, audit
from kgkc_opt.analysis.plan import solve
from kgkc_opt.errors import (
    ActualsError,
    InfeasibleError,
    InputError,
    KgkcError,
    NoSolutionError,
    OutputError,
    Problem,
    ProgramError,
    ProposalsError,
    ScenarioError,
    SolutionCheckError,
    SolverError,
    SolverUnavailableError,
    UsageError,
)
from kgkc_opt.inputs.files import bundled_programs, load_program, load_proposals, load_scenario
from kgkc_opt.inputs.program import Program, program_from_dict
from kgkc_opt.inputs.proposals import Proposal, Proposals
from kgkc_opt.inputs.scenario import Change, Scenario, baseline, scenario_from_dict
from kgkc_opt.model.data import ModelInput, model_input
from kgkc_opt.solver.result import Result
from kgkc_opt.solver.status import Status

__all__ = [
    "ActualsError", "AnnualResult", "Change", "Finding", "InfeasibleError", "InputError", "KgkcError", "ModelInput",
    "NoSolutionError", "OutputError", "Problem", "Program", "ProgramError", "Proposal", "Proposals", "ProposalsError",
    "Result", "Rules", "Scenario", "ScenarioError", "SolutionCheckError", "SolverError", "SolverUnavailableError",
    "Status", "UsageError", "__version__", "annual", "audit", "baseline", "bundled_programs", "load_program",
    "load_proposals", "load_scenario", "model_input", "program_from_dict", "scenario_from_dict", "solve",
]

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

import importlib
from typing import TYPE_CHECKING, Any

from kgkc_opt._version import __version__
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

if TYPE_CHECKING:
    from kgkc_opt.analysis.annual import AnnualResult, Rules, annual
    from kgkc_opt.analysis.audit import Finding, audit
    from kgkc_opt.analysis.plan import solve
    from kgkc_opt.inputs.files import bundled_programs, load_program, load_proposals, load_scenario
    from kgkc_opt.inputs.program import Program, program_from_dict
    from kgkc_opt.inputs.proposals import Proposal, Proposals
    from kgkc_opt.inputs.scenario import Change, Scenario, baseline, scenario_from_dict
    from kgkc_opt.model.data import ModelInput, model_input
    from kgkc_opt.solver.result import Result
    from kgkc_opt.solver.status import Status

#: Where each public name lives. They are imported when first used (module ``__getattr__``), so
#: ``import kgkc_opt`` (and the command line's start) loads no solver, NumPy, pandas or YAML until
#: something needs them.
_LAZY = {
    "AnnualResult": "kgkc_opt.analysis.annual", "Rules": "kgkc_opt.analysis.annual",
    "annual": "kgkc_opt.analysis.annual",
    "Finding": "kgkc_opt.analysis.audit", "audit": "kgkc_opt.analysis.audit",
    "solve": "kgkc_opt.analysis.plan",
    "bundled_programs": "kgkc_opt.inputs.files", "load_program": "kgkc_opt.inputs.files",
    "load_proposals": "kgkc_opt.inputs.files", "load_scenario": "kgkc_opt.inputs.files",
    "Program": "kgkc_opt.inputs.program", "program_from_dict": "kgkc_opt.inputs.program",
    "Proposal": "kgkc_opt.inputs.proposals", "Proposals": "kgkc_opt.inputs.proposals",
    "Change": "kgkc_opt.inputs.scenario", "Scenario": "kgkc_opt.inputs.scenario",
    "baseline": "kgkc_opt.inputs.scenario", "scenario_from_dict": "kgkc_opt.inputs.scenario",
    "ModelInput": "kgkc_opt.model.data", "model_input": "kgkc_opt.model.data",
    "Result": "kgkc_opt.solver.result",
    "Status": "kgkc_opt.solver.status",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'kgkc_opt' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # once imported, an ordinary attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "ActualsError", "AnnualResult", "Change", "Finding", "InfeasibleError", "InputError", "KgkcError", "ModelInput",
    "NoSolutionError", "OutputError", "Problem", "Program", "ProgramError", "Proposal", "Proposals", "ProposalsError",
    "Result", "Rules", "Scenario", "ScenarioError", "SolutionCheckError", "SolverError", "SolverUnavailableError",
    "Status", "UsageError", "__version__", "annual", "audit", "baseline", "bundled_programs", "load_program",
    "load_proposals", "load_scenario", "model_input", "program_from_dict", "scenario_from_dict", "solve",
]

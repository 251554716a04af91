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

#: Where each public name lives. A name is imported on first use (``kg.solve``, ``from kgkc_opt
#: import solve``), so that ``import kgkc_opt`` stays light: the command line's entry point
#: (``kgkc_opt.cli.app:run``) starts at once and handles a Ctrl-C while the rest loads.
_PUBLIC = {
    **dict.fromkeys(("AnnualResult", "Rules", "annual"), "kgkc_opt.analysis.annual"),
    **dict.fromkeys(("Finding", "audit", "findings_frame"), "kgkc_opt.analysis.audit"),
    "solve": "kgkc_opt.analysis.plan",
    **dict.fromkeys(("Draft", "draft_from_plan", "proposals_frame", "revise", "unit_cost_table", "unit_costs",
                     "with_envelope"),
                    "kgkc_opt.analysis.planner"),
    **dict.fromkeys(("ActualsError", "InfeasibleError", "InputError", "KgkcError", "NoSolutionError", "OutputError",
                     "Problem", "ProgramError", "ProposalsError", "ScenarioError", "SolutionCheckError", "SolverError",
                     "SolverUnavailableError", "UsageError"), "kgkc_opt.errors"),
    **dict.fromkeys(("bundled_programs", "load_program", "load_proposals", "load_scenario"), "kgkc_opt.inputs.files"),
    "Program": "kgkc_opt.inputs.program",
    "program_from_dict": "kgkc_opt.inputs.program_reader",
    **dict.fromkeys(("Proposal", "Proposals"), "kgkc_opt.inputs.proposals"),
    **dict.fromkeys(("Change", "Scenario", "baseline", "scenario_from_dict"), "kgkc_opt.inputs.scenario"),
    **dict.fromkeys(("ModelInput", "model_input"), "kgkc_opt.model.data"),
    "Result": "kgkc_opt.solver.result",
    "Status": "kgkc_opt.solver.status",
}

if TYPE_CHECKING:  # what the names are, for type checkers and editors
    from kgkc_opt.analysis.annual import AnnualResult, Rules, annual
    from kgkc_opt.analysis.audit import Finding, audit, findings_frame
    from kgkc_opt.analysis.plan import solve
    from kgkc_opt.analysis.planner import (
        Draft,
        draft_from_plan,
        proposals_frame,
        revise,
        unit_cost_table,
        unit_costs,
        with_envelope,
    )
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
    from kgkc_opt.inputs.program import Program
    from kgkc_opt.inputs.program_reader import program_from_dict
    from kgkc_opt.inputs.proposals import Proposal, Proposals
    from kgkc_opt.inputs.scenario import Change, Scenario, baseline, scenario_from_dict
    from kgkc_opt.model.data import ModelInput, model_input
    from kgkc_opt.solver.result import Result
    from kgkc_opt.solver.status import Status

__all__ = [
    "ActualsError", "AnnualResult", "Change", "Draft", "Finding", "InfeasibleError", "InputError", "KgkcError",
    "ModelInput", "NoSolutionError", "OutputError", "Problem", "Program", "ProgramError", "Proposal", "Proposals",
    "ProposalsError", "Result", "Rules", "Scenario", "ScenarioError", "SolutionCheckError", "SolverError",
    "SolverUnavailableError", "Status", "UsageError", "__version__", "annual", "audit", "baseline",
    "bundled_programs", "draft_from_plan", "findings_frame", "load_program", "load_proposals", "load_scenario",
    "model_input", "program_from_dict", "proposals_frame", "revise", "scenario_from_dict", "solve",
    "unit_cost_table", "unit_costs", "with_envelope",
]


def __getattr__(name: str) -> Any:
    """A public name, imported from its module on first use (then kept here)."""
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'kgkc_opt' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_PUBLIC})

"""kgkc_opt: optimisation and scenario planning for provincial khuyến công programs.

Typical use in a notebook::

    import kgkc_opt as kg
    program = kg.load_program()                 # Decision 2454/QĐ-UBND, Kiên Giang 2021–2025
    findings = kg.audit(program)                # its internal inconsistencies
    result = kg.solve(kg.load_scenario("scenarios/cut-20pct.yaml"))
    result.achievement, result.budget, result.allocation
"""

from __future__ import annotations

__version__ = "0.1.0"

from .audit import Finding, audit
from .errors import (
    InfeasibleError,
    InputError,
    KgkcError,
    NoSolutionError,
    ProgramError,
    ScenarioError,
    SolutionCheckError,
    SolverError,
    SolverUnavailableError,
)
from .loaders import bundled_programs, load_program, load_scenario
from .program import Program, program_from_dict
from .result import Result, Status
from .scenario import Scenario, baseline, scenario_from_dict
from .solve import solve

__all__ = [
    "Finding", "InfeasibleError", "InputError", "KgkcError", "NoSolutionError", "Program",
    "ProgramError", "Result", "Scenario", "ScenarioError", "SolutionCheckError", "SolverError",
    "SolverUnavailableError", "Status", "__version__", "audit", "baseline", "bundled_programs",
    "load_program", "load_scenario", "program_from_dict", "scenario_from_dict", "solve",
]

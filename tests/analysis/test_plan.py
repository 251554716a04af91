"""The public solve (``analysis.plan.solve``): a program is solved as its baseline; an infeasible
scenario comes back with verified repairs as its explanation, never as an exception."""

from __future__ import annotations

import kgkc_opt as kg
from kgkc_opt.analysis.plan import solve
from kgkc_opt.solver.status import Status
from tests.support.checks import assert_plan_valid
from tests.support.paths import FIXTURES


def test_a_program_is_solved_as_its_baseline() -> None:
    program = kg.load_program(FIXTURES / "tiny-program.yaml")
    from_program, from_baseline = solve(program), solve(kg.baseline(program))
    assert from_program.status == from_baseline.status == Status.OPTIMAL
    assert from_program.plan == from_baseline.plan
    assert_plan_valid(kg.baseline(program), from_program)


def test_an_infeasible_scenario_is_explained_unless_asked_not_to() -> None:
    scenario = kg.load_scenario(FIXTURES / "tiny-infeasible.yaml")
    explained = solve(scenario)
    assert explained.status == Status.INFEASIBLE and not explained.has_plan
    assert explained.explanation is not None
    assert explained.message == str(explained.explanation)
    bare = solve(scenario, explain=False)
    assert bare.status == Status.INFEASIBLE and bare.explanation is None

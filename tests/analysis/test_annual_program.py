"""The program's plan of the annual selection (analysis.annual_program): solved once per program
value, the same plan as a fresh solve, never kept under a time limit."""

from __future__ import annotations

import pytest

import kgkc_opt as kg
from kgkc_opt.analysis import annual_program
from kgkc_opt.analysis.annual_program import program_plan
from kgkc_opt.errors import UsageError


@pytest.fixture(autouse=True)
def _empty():
    annual_program._kept.clear()
    yield
    annual_program._kept.clear()


def test_the_plan_is_the_solve_s_and_kept_for_an_equal_scenario():
    program = kg.load_program()
    plan = program_plan(kg.baseline(program), None)
    assert dict(plan) == kg.solve(kg.baseline(program)).plan
    # a new scenario equal in every field reads the same plan (no second solve) ...
    assert program_plan(kg.baseline(program), None) is plan
    # ... which no one can change
    with pytest.raises(TypeError):
        plan[("I.1", 2021)] = 99  # type: ignore[index]


def test_a_different_scenario_has_its_own_plan_and_the_oldest_goes():
    program = kg.load_program()
    base = kg.baseline(program)
    cut = base.derive("cut", budget={"all": "-30%"})
    assert program_plan(cut, None) != program_plan(base, None)
    assert dict(program_plan(cut, None)) == kg.solve(cut).plan
    for i in range(annual_program.KEPT):
        program_plan(base.derive(f"w{i}", weights={"I.1": 1 + i}), None)
    assert len(annual_program._kept) == annual_program.KEPT
    assert all(known != cut for known, _ in annual_program._kept)


def test_under_a_time_limit_nothing_is_kept():
    base = kg.baseline(kg.load_program())
    program_plan(base, 120.0)
    assert annual_program._kept == []


def test_no_plan_is_a_usage_error_naming_the_scenario():
    base = kg.baseline(kg.load_program())
    impossible = base.derive("impossible", floors={"I.1": 5}, budget={"all": "-100%"})
    with pytest.raises(UsageError, match="impossible"):
        program_plan(impossible, None)
    assert annual_program._kept == []

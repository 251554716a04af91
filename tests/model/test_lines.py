"""Money lines (``model.lines``) on the tiny program, figures by hand: each year caps the local
budget at 72 and the co-funding at 30; per unit, A.1 costs 10 local, A.2 20 local and 20
co-funding, B.1 15 (2021 and 2023 only), B.2 50 (2022 only)."""

from __future__ import annotations

from fractions import Fraction

import pytest

import kgkc_opt as kg
from kgkc_opt.model.data import ModelInput, model_input
from kgkc_opt.model.lines import lines, rounded_caps, task_upper_bounds, year_sets
from tests.support.paths import FIXTURES


@pytest.fixture(scope="module")
def inp() -> ModelInput:
    return model_input(kg.load_scenario(FIXTURES / "tiny-baseline.yaml"))


def test_the_local_budget_and_the_cofunding_are_the_lines_of_a_provincial_program(inp: ModelInput) -> None:
    local, cofunding = lines(inp)
    assert (local.name, local.row_kind, cofunding.name, cofunding.row_kind) == (
        "local", "local_cap", "cofunding", "cofunding_cap")
    assert local.cap == {2021: 72, 2022: 72, 2023: 72} and cofunding.cap == {2021: 30, 2022: 30, 2023: 30}
    assert local.row_key(2022) == "local_cap[2022]"
    a2 = inp.task("A.2")
    assert (local.cost(a2, 2021), cofunding.cost(a2, 2021)) == (20, 20)
    assert not local.cumulative


def test_year_sets_are_single_years_and_unions_of_task_years(inp: ModelInput) -> None:
    # task years: 2021–2023 (A.1, A.2), {2021, 2023} (B.1), {2022} (B.2); {2021, 2022} is no union
    assert year_sets(inp) == [(2021,), (2022,), (2023,), (2021, 2023), (2021, 2022, 2023)]


def test_caps_are_rounded_down_to_what_the_year_can_spend(inp: ModelInput) -> None:
    local, cofunding = lines(inp)
    years = [2021, 2022, 2023]
    # 2022: 10, 20 and 50 per unit spend multiples of 10: of 72, at most 70 can be spent
    assert rounded_caps(inp, local, years) == {2021: 70, 2022: 70, 2023: 70}
    # only A.2 uses co-funding, 20 a unit: of 30, 20
    assert rounded_caps(inp, cofunding, years) == {2021: 20, 2022: 20, 2023: 20}


def test_upper_bounds_take_the_tightest_line_year_by_year(inp: ModelInput) -> None:
    # A.2: 3 a year by the local budget but 1 by the co-funding, over three years
    assert task_upper_bounds(inp) == {"A.1": 6, "A.2": 3, "B.1": 3, "B.2": 1}


def test_carry_over_makes_the_local_line_cumulative() -> None:
    program = kg.load_program(FIXTURES / "tiny-program.yaml")
    inp = model_input(kg.scenario_from_dict({"name": "carry", "carry_over": True}, program))
    local = lines(inp)[0]
    assert local.cumulative
    assert rounded_caps(inp, local, [2021, 2022, 2023]) == {y: Fraction(72) for y in (2021, 2022, 2023)}

"""What one solve sees (``model.data.model_input``), on the tiny program: unit costs from the
program, caps and per-task settings from the scenario's keys, figures by hand."""

from __future__ import annotations

from fractions import Fraction

import pytest

import kgkc_opt as kg
from kgkc_opt.model.data import model_input
from tests.support.paths import FIXTURES


@pytest.fixture(scope="module")
def tiny() -> kg.Program:
    return kg.load_program(FIXTURES / "tiny-program.yaml")


def _input(program: kg.Program, **doc: object):
    return model_input(kg.scenario_from_dict({"name": "t", **doc}, program))


def test_the_baseline_takes_unit_costs_and_caps_from_the_program(tiny: kg.Program) -> None:
    inp = _input(tiny)
    assert inp.years == (2021, 2022, 2023) and inp.planned_years == (2021, 2022, 2023)
    assert [t.task_id for t in inp.tasks] == ["A.1", "A.2", "B.1", "B.2"]
    a2 = inp.task("A.2")  # 4 establishments, 80 state and 80 other
    assert (a2.target, a2.unit_local, a2.unit_cofunding, a2.years) == (4, 20, 20, (2021, 2022, 2023))
    assert inp.task("B.1").years == (2021, 2023)
    assert inp.local_budget == {2021: 72, 2022: 72, 2023: 72}
    assert inp.cofunding_cap == {2021: 30, 2022: 30, 2023: 30}
    assert inp.rank("B.1") == 2


def test_scenario_keys_set_caps_targets_floors_weights_and_tiers(tiny: kg.Program) -> None:
    inp = _input(tiny, budget={2022: 50.5}, targets={"B.1": 0}, floors={"A.1": 2}, weights={"A.2": 2},
                 tiers={"B.2": 2})
    assert inp.local_budget == {2021: 72, 2022: Fraction(101, 2), 2023: 72}
    assert inp.task("A.1").floor == 2 and inp.task("A.2").weight == 2 and inp.task("B.2").tier == 2
    assert "B.1" not in {t.task_id for t in inp.planned_tasks}  # a target of 0 drops the task
    assert ("B.1", 2021) not in inp.columns()
    assert inp.tiers() == [1, 2]
    assert inp.achievement_coefficients()["A.2"] == Fraction(2, 4)


def test_structure_can_be_left_out(tiny: kg.Program) -> None:
    scenario = kg.baseline(tiny)
    assert model_input(scenario).structure
    assert not model_input(scenario, structure=False).structure

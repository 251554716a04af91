"""The cut policies' objectives (``model.objectives``): which objectives each policy maximises, in
which order, and each objective's exact value and coefficients, on the tiny program (figures by
hand: tasks A.1 6 classes, A.2 4 establishments with 20 co-funding each, B.1 3 events, B.2 1 project)."""

from __future__ import annotations

from fractions import Fraction

import pytest

import kgkc_opt as kg
from kgkc_opt.model.data import ModelInput, model_input
from kgkc_opt.model.objectives import DEFAULT_POLICY, Objective, policy_objectives
from tests.support.paths import FIXTURES


@pytest.fixture(scope="module")
def tiny() -> kg.Program:
    return kg.load_program(FIXTURES / "tiny-program.yaml")


def _input(program: kg.Program, **doc: object) -> ModelInput:
    return model_input(kg.scenario_from_dict({"name": "t", **doc}, program))


def _keys(objectives: list[Objective]) -> list[str]:
    return [o.key for o in objectives]


def test_each_policy_lists_its_objectives_then_the_fixed_order(tiny: kg.Program) -> None:
    inp = _input(tiny)
    assert DEFAULT_POLICY == "most-targets"
    assert _keys(policy_objectives(inp)) == ["shares", "order"]
    assert _keys(policy_objectives(inp, "fair")) == ["min_share", "shares", "order"]
    assert _keys(policy_objectives(inp, "keep-cofunding")) == ["cofunding", "shares", "order"]
    with pytest.raises(ValueError, match="unknown policy 'cheapest'"):
        policy_objectives(inp, "cheapest")


def test_priority_tiers_come_first_each_with_its_own_objectives(tiny: kg.Program) -> None:
    inp = _input(tiny, tiers={"B.1": 2, "B.2": 2})
    assert _keys(policy_objectives(inp, "fair")) == [
        "min_share[tier 1]", "shares[tier 1]", "min_share[tier 2]", "shares[tier 2]", "order"]
    tier2 = Objective("shares", 2)
    assert [t.task_id for t in tier2.scope(inp)] == ["B.1", "B.2"]
    assert [t.task_id for t in Objective("shares").scope(inp)] == ["A.1", "A.2", "B.1", "B.2"]


def test_a_target_range_adds_the_units_beyond_its_minimum_last_in_its_tier(tiny: kg.Program) -> None:
    ranged = kg.program_from_dict(_with_range(tiny), source="ranged")
    inp = model_input(kg.baseline(ranged))
    assert _keys(policy_objectives(inp)) == ["shares", "beyond_minimum", "order"]
    a1 = inp.task("A.1")
    assert (a1.credit, a1.target) == (4, 6)
    beyond = Objective("beyond_minimum")
    # full credit at the minimum (4 of 6): the shares stop counting there, beyond_minimum goes on
    assert beyond.coefficient(inp, a1, None) == Fraction(1, 2)
    assert Objective("shares").value(inp, {"A.1": 4}) == Objective("shares").value(inp, {"A.1": 6}) == 1
    assert beyond.value(inp, {"A.1": 6}) == 3 and beyond.value(inp, {"A.1": 4}) == 2


def _with_range(program: kg.Program) -> dict[str, object]:
    from kgkc_opt.inputs.program_dict import program_to_dict

    doc = program_to_dict(program)
    tasks = doc["tasks"]
    assert isinstance(tasks, list)
    tasks[0]["quantity"] = {"min": 4, "max": 6}
    return doc


def test_the_shares_value_is_the_weighted_share_of_each_target_met(tiny: kg.Program) -> None:
    inp = _input(tiny, weights={"A.2": 3})
    shares = Objective("shares")
    totals = {"A.1": 3, "A.2": 4, "B.1": 5}  # B.1 above its target of 3 counts as 3
    assert shares.value(inp, totals) == Fraction(3, 6) + 3 * 1 + 1 + 0
    # the same plan written year by year has the same value
    by_year = {("A.1", 2021): 1, ("A.1", 2022): 2, ("A.2", 2023): 4, ("B.1", 2021): 2, ("B.1", 2023): 3}
    assert shares.value(inp, by_year) == shares.value(inp, totals)
    assert shares.coefficient(inp, inp.task("A.2"), None) == Fraction(3, 4)


def test_min_share_is_the_smallest_share_of_any_task(tiny: kg.Program) -> None:
    inp = _input(tiny)
    fair = Objective("min_share")
    assert fair.value(inp, {"A.1": 6, "A.2": 4, "B.1": 3, "B.2": 1}) == 1
    assert fair.value(inp, {"A.1": 6, "A.2": 1, "B.1": 3, "B.2": 1}) == Fraction(1, 4)
    assert fair.value(inp, {}) == 0
    assert fair.coefficient(inp, inp.task("A.1"), 2021) == 0  # not linear: no coefficient


def test_cofunding_counts_what_the_enterprises_put_in(tiny: kg.Program) -> None:
    inp = _input(tiny)
    keep = Objective("cofunding")
    a2 = inp.task("A.2")
    assert keep.coefficient(inp, a2, 2022) == 20 and keep.coefficient(inp, inp.task("A.1"), 2022) == 0
    assert keep.value(inp, {("A.2", 2021): 1, ("A.2", 2022): 2, ("A.1", 2021): 6}) == 60
    assert keep.value(inp, {"A.2": 3}) == 60


def test_order_prefers_tasks_earlier_in_the_table(tiny: kg.Program) -> None:
    inp = _input(tiny)
    order = Objective("order")
    assert [order.coefficient(inp, t, None) for t in inp.tasks] == [4, 3, 2, 1]
    assert order.value(inp, {"A.1": 1}) > order.value(inp, {"B.2": 1})


def test_an_unknown_objective_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown objective 'cheapest'"):
        Objective("cheapest")

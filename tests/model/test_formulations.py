"""The model as docs/model.md states it: inputs, rows and their names, exact money rows, bounds."""

from __future__ import annotations

import math
from fractions import Fraction

import pulp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kgkc_opt as kg
from kgkc_opt.model.data import ModelInput, TaskSpec, model_input
from kgkc_opt.model.formulations import year_sets
from kgkc_opt.money import integral_row, lcm_of_denominators, to_fraction
from kgkc_opt.solver.pulp_model import pulp_name
from kgkc_opt.solver.result import Status
from tests.support.checks import assert_plan_valid, exact_objective
from tests.support.models import build_aggregate, build_full, run_pulp
from tests.support.strategies import small_programs


@pytest.fixture(scope="module")
def tiny_input(tiny_scenario) -> ModelInput:
    return model_input(tiny_scenario)


def spec(tid: str, years=(2021,), target=5, local="1", cof="0", **kw) -> TaskSpec:
    return TaskSpec(task_id=tid, years=tuple(years), target=target, unit_local=Fraction(local),
                    unit_cofunding=Fraction(cof), **kw)


# --- money ------------------------------------------------------------------------------------


def test_to_fraction_is_the_decimal_a_person_typed():
    assert to_fraction(4192.2) == Fraction(41922, 10)
    assert to_fraction(0.1) + to_fraction(0.2) == to_fraction(0.3)
    assert to_fraction(17.88) == Fraction(1341, 75)
    assert to_fraction("3.5") == Fraction(7, 2)
    assert to_fraction(Fraction(1, 3)) == Fraction(1, 3)
    with pytest.raises(TypeError):
        to_fraction(True)
    with pytest.raises(ValueError):
        to_fraction(float("inf"))


def test_lcm_of_denominators():
    assert lcm_of_denominators([]) == 1
    assert lcm_of_denominators([Fraction(1, 4), Fraction(1, 6), Fraction(3)]) == 12


def test_integral_row_example():
    coefs, bound, scale = integral_row([Fraction("17.88"), Fraction(3)], Fraction("3870.4"))
    assert coefs == [149, 25] and scale == Fraction(25, 3)
    assert bound == math.floor(Fraction("3870.4") * Fraction(25, 3)) == 32253


@settings(max_examples=200, deadline=None)
@given(
    coefficients=st.lists(st.fractions(min_value=Fraction(1, 40), max_value=50,
                                       max_denominator=40), min_size=1, max_size=4),
    rhs=st.fractions(min_value=0, max_value=200, max_denominator=40),
    data=st.data(),
)
def test_integral_row_keeps_exactly_the_same_integer_points(coefficients, rhs, data):
    coefs, bound, _ = integral_row(coefficients, rhs)
    assert all(isinstance(c, int) for c in coefs)
    x = data.draw(st.lists(st.integers(0, 30), min_size=len(coefficients),
                           max_size=len(coefficients)))
    exact = sum((a * v for a, v in zip(coefficients, x, strict=True)), Fraction(0)) <= rhs
    scaled = sum(c * v for c, v in zip(coefs, x, strict=True)) <= bound
    assert exact == scaled


# --- model input ------------------------------------------------------------------------------


def test_objective_scale_of_the_decision(baseline_scenario):
    inp = model_input(baseline_scenario)
    assert inp.objective_scale() == 25200  # lcm of the 24 targets' denominators (docs/model.md)
    coefs = inp.achievement_coefficients()
    assert coefs["III.8"] == Fraction(1, 210) and coefs["VIII.6"] == Fraction(1, 75)


def test_columns_and_planned_tasks(tiny_scenario):
    inp = model_input(tiny_scenario)
    assert inp.columns() == [("A.1", 2021), ("A.1", 2022), ("A.1", 2023), ("A.2", 2021),
                             ("A.2", 2022), ("A.2", 2023), ("B.1", 2021), ("B.1", 2023),
                             ("B.2", 2022)]
    dropped = model_input(tiny_scenario.derive("drop", targets={"B.2": 0}))
    assert "B.2" not in [t.task_id for t in dropped.planned_tasks]
    assert ("B.2", 2022) not in dropped.columns()
    assert inp.tiers() == [1]


def test_remaining_counts_units_done():
    t = spec("X", target=5, floor=3, done=4)
    assert t.remaining == 1 and t.remaining_floor == 0
    t = spec("X", target=5, floor=3, done=7)
    assert t.remaining == 0
    t = spec("X", target=5, floor=3)
    assert t.remaining == 5 and t.remaining_floor == 3


def test_year_sets_are_unions_of_task_years_and_single_years(tiny_input):
    # unions of the tasks' year-sets, and every single year (events force spending into each)
    assert year_sets(tiny_input) == [(2021,), (2022,), (2023,), (2021, 2023), (2021, 2022, 2023)]


# --- rows, names, sources ---------------------------------------------------------------------


def test_full_model_rows_are_named_and_sourced(tiny_input):
    built = build_full(tiny_input)
    assert built.kind == "full"
    for y in (2021, 2022, 2023):
        assert f"local_cap[{y}]" in built.rows and f"cofunding_cap[{y}]" in built.rows
        info = built.rows[f"local_cap[{y}]"]
        assert info.kind == "local_cap" and info.year == y
        assert info.source == f"test annual table, {y}, local budget"
        assert built.pulp_names[f"local_cap[{y}]"] == f"local_cap_{y}"
        assert built.constraint(f"local_cap[{y}]") is not None
    for t in ("A.1", "A.2", "B.1", "B.2"):
        assert built.rows[f"target[{t}]"].kind == "target"
        assert built.rows[f"target[{t}]"].task_id == t
    assert not any(k.startswith("floor[") for k in built.rows)
    assert set(built.variables) == set(tiny_input.columns())
    assert all(v.cat == "Integer" for v in built.variables.values())
    assert pulp_name("q[II.2,2023]") == "q_II_2_2023"


def test_floor_rows_only_when_positive(tiny_scenario):
    inp = model_input(tiny_scenario.derive("f", floors={"A.1": 2}))
    built = build_full(inp)
    assert built.rows["floor[A.1]"].kind == "floor"
    assert "floor[A.2]" not in built.rows


def test_money_rows_have_integer_data(baseline_scenario):
    built = build_full(model_input(baseline_scenario))
    for key, info in built.rows.items():
        if info.kind not in ("local_cap", "cofunding_cap"):
            continue
        con = built.constraint(key)
        assert all(float(a).is_integer() for a in con.values()), key
        assert float(con.constant).is_integer(), key


def test_objective_coefficients_are_integers(baseline_scenario):
    built = build_full(model_input(baseline_scenario))
    assert built.objective_scale == 25200
    coefs = list(built.problem.objective.values())
    assert all(float(c).is_integer() and c < 0 for c in coefs)


# --- the model solves what it says -----------------------------------------------------------


def decimal_program(cap: float) -> kg.Program:
    """One task of 10 units costing 0.1 each, two years with ``cap`` of local budget each."""
    return kg.program_from_dict({
        "id": "dec", "title": "decimals", "period": {"start": 2021, "end": 2022},
        "annual_budget": {"years": {2021: {"total": cap, "state": cap},
                                    2022: {"total": cap, "state": cap}}},
        "support_rules": {"norm": {"max_state_share": 1, "citation": "n"}},
        "groups": [{"id": "A", "name": "A"}],
        "tasks": [{"id": "A.1", "group": "A", "name": "t", "unit": "u", "quantity": 10,
                   "cost": {"total": 1, "state": 1}, "years": "annual", "support_rule": "norm"}],
    })


@pytest.mark.parametrize("method", ["decompose", "direct"])
@pytest.mark.parametrize(("cap", "per_year"), [(0.3, 3), (0.29999, 2), (0.4, 4)])
def test_a_cap_spent_to_the_last_dong_is_allowed(cap, per_year, method):
    """3 × 0.1 = 0.3 exactly (not 0.30000000000000004): the plan may spend the whole cap."""
    scn = kg.baseline(decimal_program(cap))
    r = kg.solve(scn, method=method)
    assert_plan_valid(scn, r)
    assert r.achievement.loc["A.1", "achieved"] == 2 * per_year
    assert exact_objective(scn, r) == Fraction(2 * per_year, 10)


def test_aggregate_and_plan_lp_kinds(tiny_input):
    agg = build_aggregate(tiny_input)
    assert agg.kind == "aggregate"
    assert {k for k in agg.rows if k.startswith("hall_local")} == {
        "hall_local[2022]", "hall_local[2021+2023]", "hall_local[2021+2022+2023]"}
    lp = build_full(tiny_input, continuous=True, lower={("A.1", 2021): 1})
    assert lp.kind == "plan_lp"
    assert all(v.cat == "Continuous" for v in lp.variables.values())
    assert lp.variables[("A.1", 2021)].lowBound == 1


@settings(max_examples=40, deadline=None)
@given(doc=small_programs())
def test_aggregate_bounds_the_full_model(doc):
    inp = model_input(kg.baseline(kg.program_from_dict(doc)))
    agg = run_pulp(build_aggregate(inp))
    full = run_pulp(build_full(inp))
    assert agg.status == full.status == Status.OPTIMAL
    # both minimise −D·achievement with the same D
    assert agg.objective <= full.objective + 1e-6


def test_pulp_problem_is_a_minimisation(tiny_input):
    assert build_full(tiny_input).problem.sense == pulp.LpMinimize
    assert build_aggregate(tiny_input).problem.sense == pulp.LpMinimize


def test_direct_input_without_a_scenario():
    """ModelInput can be built by hand (e.g. from another tool), and solved through optimise."""
    from kgkc_opt.model.check import achievement_value
    from kgkc_opt.solver.decompose import optimise

    inp = ModelInput(
        years=(2021, 2022),
        tasks=(spec("X", years=(2021, 2022), target=4, local="2.5"),
               spec("Y", years=(2022,), target=2, local="4")),
        local_budget={2021: Fraction(5), 2022: Fraction(5)},
        cofunding_cap={2021: Fraction(0), 2022: Fraction(0)},
    )
    out = optimise(inp)
    assert out.status == Status.OPTIMAL
    # 10 of budget: X costs 2.5 per 1/4 (0.1 per million), Y 4 per 1/2 (0.125 per million)
    # best: Y once in 2022 (4), X twice in 2021 (5): 1/2 + 1/2 = 1; nothing else fits
    assert achievement_value(inp, out.plan) == 1

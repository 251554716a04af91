"""Plans a planner can sign: the decision's structure in the plan (issue 11), the known optima
with and without it, and the cut policies, each stage proven."""

from __future__ import annotations

from fractions import Fraction

import pytest

import kgkc_opt as kg
from kgkc_opt.model.check import evenness, structure_violations
from kgkc_opt.model.data import model_input

YEARS = range(2021, 2026)


@pytest.fixture(scope="module", params=["baseline", "cut20"])
def planned(request, baseline_result, baseline_scenario, cut20_result, cut20_scenario):
    if request.param == "baseline":
        return baseline_scenario, baseline_result
    return cut20_scenario, cut20_result


def per_year(result, tid):
    return [result.plan.get((tid, y), 0) for y in YEARS]


def test_known_optima_with_and_without_the_structure(baseline_scenario, baseline_result, cut20_scenario,
                                                     cut20_result):
    """The structure costs the decision as written nothing: the same optima, proven, both ways."""
    assert baseline_result.exact_objective == Fraction(5039, 210) == 23 + Fraction(209, 210)
    assert cut20_result.exact_objective == Fraction(12293, 525)
    for scenario, value in ((baseline_scenario, Fraction(5039, 210)), (cut20_scenario, Fraction(12293, 525))):
        plain = kg.solve(scenario, structure=False)
        assert plain.exact_objective == value and plain.gap == 0
    assert baseline_result.gap == 0 and cut20_result.gap == 0


def test_prizes_fall_only_in_years_of_their_award_rounds(planned):
    _, result = planned
    for prize, rounds, per_round in (("III.8", "III.4", 70), ("III.7", "III.5", None)):
        for y in YEARS:
            n = result.plan.get((prize, y), 0)
            held = result.plan.get((rounds, y), 0)
            assert not n or held, f"{prize} pays {n} prizes in {y}, a year without {rounds}"
            if per_round:
                assert n <= per_round * held


def test_provincial_rounds_are_held_in_2021_and_in_2023(planned):
    _, result = planned
    assert result.plan[("III.4", 2021)] >= 1 and result.plan[("III.4", 2023)] >= 1
    assert sum(per_year(result, "III.4")) == 3


def test_collaborators_are_paid_every_year(planned):
    _, result = planned
    assert all(14 <= n <= 16 for n in per_year(result, "VIII.6")), per_year(result, "VIII.6")


def test_no_task_puts_more_than_half_into_one_year(planned):
    """Every task whose total is at least twice its number of years keeps at most half of it in one
    year, except III.8: 3 provincial rounds in 2 years at up to 70 prizes a round put 140 (or 139)
    of them into the year with 2 rounds. That is the structure, not the money."""
    scenario, result = planned
    inp = model_input(scenario)
    shares = evenness(inp, result.plan)
    lumpy = set()
    for t in inp.planned_tasks:
        years = [y for y in t.years if y in inp.planned_years]
        total = sum(result.plan.get((t.task_id, y), 0) for y in years)
        if total >= 2 * len(years) and shares[t.task_id] > Fraction(1, 2):
            lumpy.add(t.task_id)
    assert lumpy == {"III.8"}
    assert max(per_year(result, "III.8")) <= 140


def test_the_achievement_table_shows_the_largest_year_share(cut20_result):
    table = cut20_result.achievement
    assert table.loc["VIII.6", "largest_year_share"] == pytest.approx(15 / 74)
    assert table.loc["III.4", "largest_year_share"] == pytest.approx(2 / 3)


def test_every_plan_is_checked_against_the_structure(baseline_scenario, baseline_result):
    inp = model_input(baseline_scenario)
    assert structure_violations(inp, baseline_result.plan) == []
    broken = dict(baseline_result.plan)
    broken[("III.8", 2022)] = broken.get(("III.8", 2022), 0) + 1
    broken[("III.4", 2021)] = 0
    found = structure_violations(inp, broken)
    assert any("III.8" in f and "2022" in f for f in found)
    assert any("III.4" in f and "2021" in f for f in found)


def test_structure_off_is_todays_model(baseline_scenario):
    off = kg.solve(baseline_scenario.derive("plain", structure=False))
    assert off.policy == "most-targets"
    assert model_input(baseline_scenario.derive("plain", structure=False)).links == ()
    assert "structure: true → false" in [str(c) for c in baseline_scenario.derive("plain", structure=False).changes]


def test_policies_are_each_proven(cut20_scenario):
    fair = kg.solve(cut20_scenario, policy="fair")
    cof = kg.solve(cut20_scenario, policy="keep-cofunding")
    most = kg.solve(cut20_scenario)
    assert fair.gap == cof.gap == most.gap == 0
    assert fair.objective_values["min_share"] == Fraction(11, 15)  # fair lifts the worst-served task
    assert fair.objective_values["min_share"] > most.objective_values.get("min_share", Fraction(0)) or \
        min(most.achievement["share"]) < 11 / 15
    # keep-cofunding mobilises every đồng of co-funding the table plans
    assert cof.objective_values["cofunding"] == 23535
    assert float(most.allocation["cofunding"].sum()) < 23535
    # and the most targets met is the most of the three
    assert most.exact_objective >= max(fair.exact_objective, cof.exact_objective)

"""What one billion VND more or less buys: exact re-solves, not LP rates (issue 11, item 3)."""

from __future__ import annotations

from fractions import Fraction

import pytest

import kgkc_opt as kg
from kgkc_opt.analysis.gains import BILLION, exact_gains, gains_frame
from tests.support.checks import provincial_prize_room
from tests.support.paths import SCENARIOS


def test_a_billion_more_buys_the_one_prize_the_decision_is_short(baseline_scenario, baseline_result):
    """The LP rate says 1/630 a million (1.59 targets a billion): the truth is one prize, 1/210."""
    gains = exact_gains(baseline_scenario, baseline_result, both_directions=False)
    assert [g.year for g in gains] == [2021, 2022, 2023, 2024, 2025, None]
    for g in gains:
        assert g.objective_change == Fraction(1, 210) and g.units == {"III.8": 1}, g
    (year,) = provincial_prize_room(baseline_result)  # the year with room for one more prize
    rate = baseline_result.budget.loc[(year, "local"), "shadow_price"]
    assert rate * 1000 > 100 * float(Fraction(1, 210))  # the rate overstates a billion a hundredfold


def test_a_billion_at_a_twenty_percent_cut(cut20_scenario, cut20_result):
    gains = {(g.year, g.amount): g for g in exact_gains(cut20_scenario, cut20_result, years=[2024])}
    more, less = gains[(2024, BILLION)], gains[(2024, -BILLION)]
    assert more.units == {"II.2": 3, "VIII.6": 1} and more.objective_change == Fraction(253, 2100)
    assert less.units == {"II.2": -4, "VIII.6": 1} and less.objective_change == Fraction(-68, 525)
    every = gains[(None, BILLION)]
    assert every.units["II.2"] == 16 and every.cofunding_change == 4800
    # each figure is what a re-solve says
    more_2024 = float(cut20_scenario.local_budget[2024] + 1000)
    again = kg.solve(cut20_scenario.derive("more 2024", budget={2024: more_2024}))
    assert again.exact_objective - cut20_result.exact_objective == more.objective_change
    assert int(again.achievement.loc["II.2", "achieved"] - cut20_result.achievement.loc["II.2", "achieved"]) == 3


def test_gains_frame_is_tidy(cut20_scenario, cut20_result):
    frame = gains_frame(exact_gains(cut20_scenario, cut20_result, years=[2021], every_year=False))
    assert list(frame.columns) == ["source", "year", "amount", "status", "objective_change", "cofunding_change",
                                   "task_id", "units"]
    assert set(frame["task_id"]) == {"II.2", "VIII.6"}
    assert frame["objective_change"].iloc[0] == pytest.approx(253 / 2100)


def test_gains_need_a_plan():
    scenario = kg.load_scenario(SCENARIOS / "floors-infeasible.yaml")
    with pytest.raises(ValueError, match="has no plan"):
        exact_gains(scenario)

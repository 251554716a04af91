"""The study of a scenario: every figure the brief prints computed once, exact, and true."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

import kgkc_opt as kg
from kgkc_opt.analysis import study as st

# one worker runs the whole module (tests/run_all.sh: --dist loadgroup): its module fixtures are solved once
pytestmark = pytest.mark.xdist_group("study")

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.fixture(scope="module")
def cut20_study(cut20_scenario, cut20_result, baseline_result):
    return st.study(cut20_scenario, result=cut20_result, base_result=baseline_result, least_money_=False)


def test_the_budget_is_compared_over_the_same_years(cut20_study, cut20_scenario):
    b = cut20_study.budget
    assert b.years == (2021, 2022, 2023, 2024, 2025)
    assert b.base_cap == 24050 and b.cap == sum(cut20_scenario.local_budget.values()) == 19240
    assert b.change == -4810 and b.replan_from is None and cut20_study.cuts_money


def test_money_figures_are_exact(cut20_study, cut20_result):
    assert isinstance(cut20_study.gap_local, Fraction) and cut20_study.gap_local == Fraction(481788, 100)
    used = float(cut20_result.budget.xs("local", level="source")["used"].sum())
    assert float(cut20_study.unspent_local) == pytest.approx(19240 - used, abs=1e-9)
    s = next(x for x in cut20_study.shortfalls if x.task_id == "VIII.6")
    assert s.money_local == Fraction(1788, 100) and isinstance(s.local_slack[0], Fraction)
    slack = [float(cut20_result.budget.loc[(y, "local"), "slack"]) for y in s.years]
    assert [float(x) for x in s.local_slack] == pytest.approx(slack, abs=1e-9)


def test_the_study_is_frozen(cut20_study):
    with pytest.raises(AttributeError):
        cut20_study.gap_local = Fraction(0)  # type: ignore[misc]


def test_policies_are_solved_each_and_the_plan_follows_the_chosen_one(cut20_scenario):
    found = st.study(cut20_scenario, least_money_=False, policy="keep-cofunding", explain=False)
    assert found.policy_reason == "option" and found.result.policy == "keep-cofunding"
    by = {o.policy: o for o in found.policies}
    assert set(by) == {"most-targets", "fair", "keep-cofunding"}
    other = kg.solve(cut20_scenario.derive(policy="most-targets"))
    cof = float(other.budget.xs("cofunding", level="source")["used"].sum())
    assert float(by["most-targets"].cofunding_used) == pytest.approx(cof, abs=1e-6)
    assert by["keep-cofunding"].cofunding_lost <= by["most-targets"].cofunding_lost


def test_no_policy_table_when_nothing_is_cut():
    scenario = kg.load_scenario(SCENARIOS / "replan-2023.yaml")
    found = st.study(scenario, least_money_=False, explain=False)
    assert found.budget.change == 0 and found.budget.replan_from == 2023 and found.policies == ()


def test_a_sweep_step_against_the_budget_names_the_cut(baseline_scenario):
    from kgkc_opt.analysis.sweep import sweep

    frame = sweep(baseline_scenario, budget=[90, 85], workers=1).frame
    steps = st.sweep_against_budget(frame)
    (step,) = [s for s in steps if s.task_id == "III.8"]
    assert (step.level, step.lower_level) == (90, 85) and step.lower_achieved > step.achieved
    # independently: at 85% III.8 has more units and the tasks named as cut have fewer
    hi = kg.solve(baseline_scenario.derive(budget={y: float(v * Fraction(90, 100))
                                                   for y, v in baseline_scenario.local_budget.items()}))
    lo = kg.solve(baseline_scenario.derive(budget={y: float(v * Fraction(85, 100))
                                                   for y, v in baseline_scenario.local_budget.items()}))
    for tid, d in step.freed_by:
        assert int(lo.achievement.loc[tid, "achieved"]) - int(hi.achievement.loc[tid, "achieved"]) == d < 0
    assert int(lo.achievement.loc["III.8", "achieved"]) == step.lower_achieved


def test_each_priced_gap_is_a_repair_that_reduces_the_shortfall(cut20_scenario, cut20_result):
    found = st.study(cut20_scenario, result=cut20_result, least_money_=False, policies=False)
    assert set(found.gap_checks) == {"II.2", "VIII.6"}
    for tid, check in found.gap_checks.items():
        s = next(x for x in found.shortfalls if x.task_id == tid)
        assert check.amount == s.money_local
        again = kg.solve(cut20_scenario.derive(budget={check.year: float(cut20_scenario.local_budget[check.year]
                                                                          + check.amount)}))
        assert int(again.achievement.loc[tid, "achieved"]) > s.achieved


def test_a_gap_money_cannot_close_is_not_priced():
    scenario = kg.load_scenario(SCENARIOS / "replan-2023.yaml")
    found = st.study(scenario, least_money_=False, policies=False)
    assert found.explanations["III.8"].money_helps is False
    assert "III.8" not in found.gap_checks
    # II.2 is short of co-funding, not local budget: its local gap is not priced either
    assert found.gap_local == 0 and found.gap_other == 2700

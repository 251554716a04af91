"""Each shortfall explained by the constraint that binds it, proven by solving again.

Every claim the explanation makes is checked here by an independent solve through the public
API (``kg.solve`` of a derived scenario), never by reading the explanation's own numbers back.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import kgkc_opt as kg
from kgkc_opt.analysis.explain import explain_shortfalls

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
PLENTY = 10**6  # million VND: more than every target could use in a year


@pytest.fixture(scope="module")
def replan():
    scenario = kg.load_scenario(SCENARIOS / "replan-2023.yaml")
    result = kg.solve(scenario)
    return scenario, result, explain_shortfalls(scenario, result)


def _achieved(result, tid):
    return int(result.achievement.loc[tid, "achieved"])


def test_replan_prizes_are_short_because_of_the_award_round_link(replan):
    scenario, result, found = replan
    assert set(found) == set(result.shortfalls.index)
    ex = found["III.8"]
    assert ex.shortfall == 58 and _achieved(result, "III.8") == 152
    kinds = {c.kind: c for c in ex.causes}
    assert "link" in kinds and kinds["link"].ids[:3] == ("L01", "III.8", "III.4")
    assert not any(c.kind in ("local", "cofunding") for c in ex.causes)
    # with the program's structure off (the link among it), III.8 is met: the link binds
    unstructured = kg.solve(scenario, structure=False)
    assert _achieved(unstructured, "III.8") == 210 == kinds["link"].achieved
    assert kinds["link"].reduces_by == 58


def test_money_would_not_help_is_proved(replan):
    scenario, _result, found = replan
    ex = found["III.8"]
    assert ex.money_helps is False and ex.achieved_with_money == 152
    years = scenario.planned_years()
    rich = scenario.derive("rich", budget={y: float(scenario.local_budget[y] + PLENTY) for y in years},
                           cofunding={y: float(scenario.cofunding[y] + PLENTY) for y in years})
    assert _achieved(kg.solve(rich), "III.8") == 152  # unlimited money: not one prize more


def test_a_cofunding_shortfall_is_blamed_on_cofunding(replan):
    scenario, result, found = replan
    ex = found["II.2"]
    assert ex.money_helps is True
    (cof,) = [c for c in ex.causes if c.kind == "cofunding"]
    assert cof.alone and cof.years == (2023, 2024, 2025)
    assert not any(c.kind == "local" for c in ex.causes)
    for y in cof.years:  # each year alone, solved again independently
        more = kg.solve(scenario.derive("more", cofunding={y: float(scenario.cofunding[y] + PLENTY)}))
        assert _achieved(more, "II.2") == cof.achieved > _achieved(result, "II.2")
    more_local = kg.solve(scenario.derive("more", budget={y: float(scenario.local_budget[y] + PLENTY)
                                                          for y in scenario.planned_years()}))
    assert _achieved(more_local, "II.2") == _achieved(result, "II.2")  # local money alone does not help


def test_a_plan_that_meets_every_target_has_nothing_to_explain(cut20_scenario):
    scenario = cut20_scenario.derive("rich", budget={2021: float(cut20_scenario.local_budget[2021] + 5000)})
    result = kg.solve(scenario)
    assert len(result.shortfalls) == 0
    assert explain_shortfalls(scenario, result) == {}


def test_a_cut_shortfall_is_money_in_any_year(cut20_scenario, cut20_result):
    found = explain_shortfalls(cut20_scenario, cut20_result)
    assert set(found) == {"II.2", "VIII.6"}
    for tid, ex in found.items():
        (local,) = [c for c in ex.causes if c.kind == "local"]
        assert local.alone and local.years == (2021, 2022, 2023, 2024, 2025)
        more = kg.solve(cut20_scenario.derive("more", budget={2024: float(cut20_scenario.local_budget[2024]
                                                                          + PLENTY)}))
        assert _achieved(more, tid) == local.achieved > _achieved(cut20_result, tid)

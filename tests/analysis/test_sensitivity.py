"""Sensitivity: shadow prices of every cap with the range over which they hold, reduced costs per
task, and exact "1 billion VND more would fund ..." sentences from integer re-solves."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

import kgkc_opt as kg
from kgkc_opt.analysis.sensitivity import Sensitivity, sensitivity
from tests.support.scenarios import exact_objective, solved


@pytest.fixture(scope="module")
def cut20() -> tuple[kg.Scenario, kg.Result, Sensitivity]:
    scenario, result = solved("cut-20pct")
    return scenario, result, sensitivity(scenario, result)


def test_caps_table(cut20):
    _, result, sens = cut20
    caps = sens.caps
    assert caps.index.names == ["year", "source"]
    assert list(caps.columns) == ["cap", "used", "shadow_price", "holds_from", "holds_to", "extra_billion_objective",
                                  "sentence_en", "sentence_vi"]
    assert list(caps.index) == list(result.budget.index)
    for key, row in caps.iterrows():
        assert row["cap"] == result.budget.loc[key, "cap"]
        assert row["used"] == result.budget.loc[key, "used"]
        assert row["shadow_price"] == pytest.approx(result.budget.loc[key, "shadow_price"], abs=1e-12)


def test_shadow_prices_are_the_marginal_task(cut20):
    _, _, sens = cut20
    local = sens.caps.xs("local", level="source")["shadow_price"]
    cof = sens.caps.xs("cofunding", level="source")["shadow_price"]
    # the marginal use of a local million is VIII.6 (collaborator fees: 1/75 of a target per 17.88)
    assert local.tolist() == pytest.approx([1 / 1341] * 5, rel=1e-9)
    assert (cof == 0).all()


def test_one_billion_more_sentences(cut20):
    _, _, sens = cut20
    en, vi = sens.sentences("en"), sens.sentences("vi")
    assert len(en) == len(vi) == 5  # one per local cap; the co-funding caps are not binding
    for year, sentence in zip(range(2021, 2026), en, strict=True):
        assert sentence.startswith(f"1 billion VND more local budget in {year} would fund 3 more establishments "
                                   "of II.2 (Advanced machinery for establishments)")
    for year, sentence in zip(range(2021, 2026), vi, strict=True):
        assert sentence.startswith(f"Thêm 1 tỷ đồng vốn ngân sách địa phương năm {year} "
                                   "sẽ thực hiện thêm 3 cơ sở (II.2)")
    gains = sens.caps.xs("local", level="source")["extra_billion_objective"]
    # 3 of 28 machinery grants and 1 of 75 collaborators
    assert gains.tolist() == pytest.approx([float(Fraction(3, 28) + Fraction(1, 75))] * 5, abs=1e-9)


def test_extra_billion_is_an_exact_re_solve(cut20):
    scenario, result, sens = cut20
    more = scenario.derive("more-2023", budget={2023: float(scenario.local_budget[2023] + 1000)})
    again = kg.solve(more)
    gain = exact_objective(more, again) - exact_objective(scenario, result)
    assert gain == Fraction(253, 2100)
    assert sens.caps.loc[(2023, "local"), "extra_billion_objective"] == pytest.approx(float(gain), abs=1e-9)
    # a shadow price is a first-order estimate: the exact gain of 1,000 million is not above it
    assert float(gain) <= sens.caps.loc[(2023, "local"), "shadow_price"] * 1000 + 1e-9


def test_tasks_table(cut20):
    scenario, _, sens = cut20
    tasks = sens.tasks
    assert tasks.index.name == "task_id"
    assert list(tasks.columns) == ["value_per_unit", "value_per_million", "reduced_cost", "best_year"]
    assert len(tasks) == 24
    for tid, row in tasks.iterrows():
        t = scenario.program.task(tid)
        assert row["value_per_unit"] == pytest.approx(1 / t.quantity)
        assert row["value_per_million"] == pytest.approx(1 / t.quantity / float(t.unit_state))
        assert row["best_year"] in t.years
    assert tasks.loc["VIII.6", "reduced_cost"] == pytest.approx(0, abs=1e-9)  # the marginal task
    assert tasks.loc["II.2", "reduced_cost"] < 0  # 300 a unit: a worse use of money than VIII.6
    assert tasks.loc["V.2", "reduced_cost"] > 0


@pytest.mark.parametrize("name", ["cut-20pct", "baseline", "cut-2024-30pct", "machinery-42", "replan-2023"])
def test_price_holds_over_a_range_containing_the_cap(name):
    scenario, result = solved(name)
    caps = sensitivity(scenario, result, exact=False).caps
    priced = caps[caps["shadow_price"] > 0]
    # the decision as written: only 2023 has a price (III.8's last prize fits a provincial round there)
    assert len(priced) >= (1 if name == "baseline" else 3)
    for key, row in priced.iterrows():
        assert not math.isnan(row["holds_from"]), key
        assert row["holds_from"] <= row["cap"] + 1e-6 <= row["holds_to"] + 2e-6, (key, row.to_dict())
        # below what the plan uses the plan itself no longer fits
        assert row["holds_from"] >= row["used"] - 1e-6


@pytest.mark.parametrize("name", ["cut-20pct", "cut-2024-30pct"])
def test_zero_price_holds_over_a_range_containing_the_cap(name):
    scenario, result = solved(name)
    caps = sensitivity(scenario, result, exact=False).caps
    for key, row in caps[caps["shadow_price"] == 0].iterrows():
        assert row["holds_from"] <= row["cap"] <= row["holds_to"], (key, row.to_dict())


def test_carry_over_ranges_contain_the_cap_shown():
    scenario, result = solved("carry-over-cut-10pct")
    caps = sensitivity(scenario, result, exact=False).caps
    for key, row in caps[caps["shadow_price"] > 0].iterrows():
        assert row["holds_from"] <= row["cap"] <= row["holds_to"], (key, row.to_dict())


def test_without_exact_re_solves_there_are_no_sentences():
    scenario, result = solved("cut-2024-30pct")
    sens = sensitivity(scenario, result, exact=False)
    assert sens.sentences() == [] and (sens.caps["extra_billion_objective"] == 0).all()


def test_sensitivity_needs_a_plan():
    scenario, result = solved("floors-infeasible")
    with pytest.raises(ValueError, match="needs a result with a plan"):
        sensitivity(scenario, result)

"""Programs for 2026–2030 in the model: other state sources as money lines, target ranges with
full credit at the minimum, and support rules applied year by year (tests/fixtures/tiny-sources.yaml:
A.2 machinery, 4–6 units, 40 a unit, state 20 = national 5 + local 15; its rule caps state support
at 20 until 2025 and at 15 from 2026)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest

import kgkc_opt as kg
from kgkc_opt.inputs.program import SupportRule, Text
from kgkc_opt.inputs.scenario import baseline
from kgkc_opt.model.data import model_input
from kgkc_opt.model.objectives import Objective, policy_objectives
from tests.support.checks import solve_checked

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="module")
def program() -> kg.Program:
    return kg.load_program(FIXTURES / "tiny-sources.yaml")


# ---- sources --------------------------------------------------------------------------------------


def test_a_state_source_is_a_money_line_with_its_part_of_each_unit(program):
    inp = model_input(baseline(program))
    (line,) = inp.lines
    assert line.key == "funding.national"
    assert line.unit_cost == {"A.1": Fraction(12, 6), "A.2": Fraction(30, 6)}  # B.1 pays no national money
    assert line.cap == {2025: 14, 2026: 14, 2027: 14}
    # the local line is the local column only (state 183 = national 42 + local 141 ... per unit)
    assert inp.task("A.1").unit_local == 8 and inp.local_budget == {2025: 61, 2026: 61, 2027: 61}
    assert inp.cofunding_cap == {2025: 40, 2026: 40, 2027: 40}


def test_the_plan_keeps_each_source_within_its_column(program):
    result = solve_checked(baseline(program))  # the re-check adds up every source per year exactly
    assert result.status == kg.Status.OPTIMAL
    national = result.budget.xs("national", level="source")
    assert list(national.index) == [2025, 2026, 2027]
    assert (national["used"] <= national["cap"]).all()
    # the national line binds in 2025: 2 classes (2 each) and 2 machinery units (5 each) = 14
    assert national.loc[2025, "used"] == 14


def test_cutting_a_source_by_scenario(program):
    base = solve_checked(baseline(program))
    cut = baseline(program).derive("national-cut", funding={"national": {"all": "-50%"}})
    assert model_input(cut).lines[0].cap == {2025: 7, 2026: 7, 2027: 7}
    result = solve_checked(cut)
    assert result.status == kg.Status.OPTIMAL
    assert result.budget.xs("national", level="source")["used"].max() <= 7
    assert result.objective <= base.objective
    # with 7 a year, 2 classes (4) leave 3: no machinery unit (5) fits in any year
    assert int(result.achievement.loc["A.2", "achieved"]) < int(base.achievement.loc["A.2", "achieved"])


def test_the_local_and_enterprise_sources_keep_their_own_keys(program):
    with pytest.raises(kg.ScenarioError, match="the local source 'local' is changed with budget"):
        baseline(program).derive("x", funding={"local": {"all": "-10%"}})
    assert model_input(baseline(program).derive("b", budget={"all": "-10%"})).local_budget[2025] == Fraction(549, 10)


# ---- dated rules ----------------------------------------------------------------------------------


def test_the_rule_in_force_each_year_sets_the_split(program):
    spec = model_input(baseline(program)).task("A.2")
    assert (spec.local(2025), spec.cofunding(2025)) == (15, 20)  # cap 20: the program's split
    assert (spec.local(2026), spec.cofunding(2026)) == (10, 25)  # cap 15: local cut by 5
    assert (spec.local(2027), spec.cofunding(2027)) == (10, 25)
    # a rule without dates is the program's own data: not applied to the split
    undated = {**program.support_rules, "machinery": replace(program.support_rules["machinery"], valid_from=None,
                                                               valid_to=None, versions=())}
    spec = model_input(baseline(replace(program, support_rules=undated))).task("A.2")
    assert spec.yearly_costs is None and spec.unit_local == 15


def _rule(**changes: object) -> SupportRule:
    base = SupportRule("r", Text("r", "r"), Fraction(1, 2), Fraction(300), "circular", "stated",
                       valid_from=dt.date(2018, 1, 1), valid_to=dt.date(2026, 6, 30))
    later = SupportRule("r", Text("r", "r"), Fraction(2, 5), Fraction(500), "resolution", "stated",
                        valid_from=dt.date(2026, 7, 1))
    return replace(base, versions=(later,), **changes)


def test_a_mid_year_change_makes_both_versions_bind_that_year():
    rule = _rule()
    assert [v.citation for v in rule.in_force(2026)] == ["circular", "resolution"]
    strict = rule.for_year(2026)
    assert (strict.max_state_share, strict.max_state_per_unit) == (Fraction(2, 5), 300)  # the smaller of each
    assert rule.for_year(2025).citation == "circular" and rule.for_year(2027).citation == "resolution"
    gap = replace(rule, valid_to=dt.date(2025, 12, 31))
    assert gap.in_force(2026) == (rule.versions[0],)


def test_the_annual_plan_trims_to_the_cap_of_its_year(program):
    from kgkc_opt.analysis.annual import legal_cap
    from kgkc_opt.inputs.proposals import Proposal

    p = Proposal(id="P1", title="t", applicant="a", commune="c", task_id="A.2", units=1,
                 total_cost=Fraction(40), requested=Fraction(20), cofunding=Fraction(20))
    assert legal_cap(program, p, 2025) == 20
    assert legal_cap(program, p, 2026) == 15


# ---- ranges ---------------------------------------------------------------------------------------


def test_a_range_gets_full_credit_at_its_minimum(program):
    spec = model_input(baseline(program)).task("A.2")
    assert (spec.target, spec.minimum, spec.credit) == (6, 4, 4)
    assert [o.key for o in policy_objectives(model_input(baseline(program)))] == \
        ["shares", "beyond_minimum", "order"]
    inp = model_input(baseline(program))
    shares = Objective("shares")
    assert shares.value(inp, {"A.2": 4}) == shares.value(inp, {"A.2": 6}) == 1
    assert shares.value(inp, {"A.2": 2}) == Fraction(1, 2)
    # a scenario that sets the target states a point target
    spec = model_input(baseline(program).derive("t", targets={"A.2": 5})).task("A.2")
    assert (spec.minimum, spec.credit) == (None, 5)


@pytest.mark.parametrize("cut", ["0%", "-20%", "-35%", "-50%"])
def test_units_above_a_minimum_never_displace_units_toward_a_target(program, cut):
    """The range's units above its minimum come last: the shares are those of the same program
    whose range is replaced by its minimum as a point target (the lexicographic statement), and
    above-minimum units are bought only with money no share can use."""
    scn = baseline(program).derive("cut", budget={"all": cut})
    ranged = solve_checked(scn)
    point = solve_checked(scn.derive("point", targets={"A.2": 4}))
    assert ranged.status == point.status == kg.Status.OPTIMAL
    assert ranged.objective_values["shares"] == point.objective_values["shares"]
    units = int(ranged.achievement.loc["A.2", "achieved"])
    if units > 4:  # every other task is then as well served as without the extra units
        for tid in ("A.1", "B.1"):
            assert ranged.achievement.loc[tid, "achieved"] == point.achievement.loc[tid, "achieved"]


def test_the_beyond_minimum_stage_uses_money_left(program):
    # with everything doubled, all of A.2's 6 units fit: the stage after the shares buys them
    rich = baseline(program).derive("rich", budget={"all": "+100%"}, cofunding={"all": "+100%"},
                                    funding={"national": {"all": "+100%"}})
    result = solve_checked(rich)
    assert int(result.achievement.loc["A.2", "achieved"]) == 6
    assert result.objective_values["beyond_minimum"] == Fraction(6, 2)
    assert int(result.achievement.loc["A.2", "shortfall"]) == 0

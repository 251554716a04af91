"""What a scenario can change, checked at the door (every problem reported at once, legal caps
cited) and with the semantics the docs promise: lexicographic tiers, carry-over, escalation,
support shares, new tasks, targets, floors, weights."""

from __future__ import annotations

from fractions import Fraction

import pytest

import kgkc_opt as kg
from kgkc_opt.errors import ScenarioError
from kgkc_opt.inputs.scenario import scenario_from_documents
from kgkc_opt.model.data import model_input
from tests.support.scenarios import (
    check_plan,
    exact_objective,
    example,
    fixture,
    load,
    plan_totals,
    solved,
    spend_by_year,
)

MACHINERY_CITATION = "Thông tư 28/2018/TT-BTC (≤ 50%, ≤ 300 triệu đồng/cơ sở"


@pytest.fixture(scope="module")
def program() -> kg.Program:
    return kg.load_program()


@pytest.fixture(scope="module")
def mini() -> kg.Program:
    return kg.load_program(fixture("mini-program"))


def problems(doc, program, source="s.yaml") -> list[tuple[str, str]]:
    with pytest.raises(ScenarioError) as info:
        kg.scenario_from_dict(doc, program, source=source)
    assert all(p.source == source for p in info.value.problems)
    assert info.value.exit_code == 2
    return [(p.where, p.message) for p in info.value.problems]


# ---- every problem, at once ---------------------------------------------------------------


def test_every_problem_of_a_file_is_reported():
    path = fixture("many-problems")
    with pytest.raises(ScenarioError) as info:
        kg.load_scenario(path)
    found = {(p.where, p.message.split(";")[0].split(" (")[0]) for p in info.value.problems}
    assert all(p.source == str(path) for p in info.value.problems)
    assert found == {
        ("new_tasks[C.1].group", "unknown group 'C'"),
        ("new_tasks[C.1].years", "years 2024, 2025 lie outside the program period 2021–2023"),
        ("targets.Z.1", "unknown task id 'Z.1'"),
        ("weights.Z.2", "unknown task id 'Z.2'"),
        ("floors.Z.3", "unknown task id 'Z.3'"),
        ("tiers.Z.4", "unknown task id 'Z.4'"),
        ("support_share.Z.5", "unknown task id 'Z.5'"),
        ("support_share.A.2", "a state share of 60% for A.2 exceeds the legal maximum of 50%"),
        ("support_share.A.2", "state support of 24 million VND per establishment for A.2 exceeds the legal cap of 20"),
        ("escalation.tasks", "unknown task id(s): Z.6"),
        ("budget.2022", 'expected a number or a percentage like "-30%", got \'abc\''),
        ("budget.2030", "year 2030 lies outside the program period 2021–2023"),
        ("uncertainty.budget.distribution", "expected one of normal, uniform, triangular, got 'lognormal'"),
        ("uncertainty.cofunding", "low is above high"),
    }
    assert len(info.value.problems) == 14
    assert str(info.value).startswith("14 problems found:")


@pytest.mark.parametrize("section", ["targets", "weights", "floors", "tiers", "support_share"])
def test_unknown_task_id_in_each_section(program, section):
    value = "10%" if section == "support_share" else 1
    [(where, message)] = problems({section: {"IX.9": value}}, program)
    assert where == f"{section}.IX.9"
    assert message.startswith("unknown task id 'IX.9'; the program's tasks are I.1, II.1")


def test_unknown_task_id_in_escalation(program):
    [(where, message)] = problems({"escalation": {"rate": "2%", "tasks": ["I.1", "IX.9"]}}, program)
    assert (where, message) == ("escalation.tasks", "unknown task id(s): IX.9")


def test_unknown_task_in_an_override(program):
    [(where, _)] = problems({"overrides": {"o": {"floors": {"IX.9": 1}}}}, program)
    assert where == "overrides.o.floors.IX.9"


# ---- legal caps -----------------------------------------------------------------------------


def test_support_share_above_the_legal_share_cites_the_rule(program):
    found = problems({"support_share": {"II.2": "60%"}}, program)
    assert found[0][0] == "support_share.II.2"
    assert "a state share of 60% for II.2 exceeds the legal maximum of 50%" in found[0][1]
    assert all("support rule advanced_machinery" in m and MACHINERY_CITATION in m for _, m in found)
    # 60% of 600 is 360 a unit: above the per-unit cap too, and that is reported as well
    assert "state support of 360 million VND per establishment for II.2 exceeds the legal cap of 300" in found[1][1]


def test_support_share_above_the_per_unit_cap_only(program):
    # II.1 costs 4000 a model; 30% is the legal share, but 1200 a model is above the 1000 cap
    [(where, message)] = problems({"support_share": {"II.1": "30%"}}, program)
    assert where == "support_share.II.1"
    assert "state support of 1200 million VND per model for II.1 exceeds the legal cap of 1000" in message
    assert "support rule demonstration_model: Thông tư 28/2018/TT-BTC" in message


def test_support_share_within_the_caps(program):
    s = kg.scenario_from_dict({"support_share": {"II.2": "50%", "III.3": 0.25}}, program)
    assert [str(c) for c in s.changes] == ["support_share.III.3: 50% → 25%"]
    assert s.program.task("III.3").unit_state == Fraction(35, 2)
    assert s.program.task("III.3").cost.total == 350


@pytest.mark.parametrize("value", ["-10%", "120%", "abc", 1.5, True])
def test_support_share_not_a_share(program, value):
    [(where, _)] = problems({"support_share": {"I.1": value}}, program)
    assert where == "support_share.I.1"


def test_escalation_above_the_caps_is_rejected_citing_each_rule(program):
    found = problems({"escalation": {"rate": "5%", "base_year": 2021}}, program)
    assert [m.split(":")[0] for _, m in found] == ["II.1 in 2022", "II.2 in 2022", "II.4 in 2022",
                                                   "III.3 in 2022", "IV.1 in 2022", "VI.1 in 2022"]
    ii2 = next(m for _, m in found if m.startswith("II.2"))
    assert "escalated state support of 315 million VND per establishment exceeds the legal cap of 300" in ii2
    assert MACHINERY_CITATION in ii2
    assert all("above_cap: hold_at_cap" in m for _, m in found)


def test_escalation_later_base_year_is_still_rejected(program):
    found = problems({"escalation": {"rate": "5%", "base_year": 2024}}, program)
    assert all(" in 2025:" in m for _, m in found) and len(found) == 6


def test_escalation_held_at_cap_is_accepted(program):
    s = kg.scenario_from_dict({"escalation": {"rate": "5%", "above_cap": "hold_at_cap"}}, program)
    assert [str(c) for c in s.changes] == ["escalation: none → 5% a year from 2021 (all tasks; above cap: hold_at_cap)"]
    vi1 = s.program.task("VI.1")
    assert s.unit_costs(vi1, 2025) == (300, 1200 * Fraction(21, 20) ** 4 - 300)


def test_escalation_of_tasks_below_their_caps_needs_no_hold(program):
    s = kg.scenario_from_dict({"escalation": {"rate": "10%", "base_year": 2022, "tasks": ["I.1", "III.8"]}},
                              program)
    i1, ii2 = s.program.task("I.1"), s.program.task("II.2")
    assert [s.unit_costs(i1, y)[0] for y in i1.years] == [25, 25, Fraction("27.5"), Fraction("30.25"),
                                                          Fraction("33.275")]
    assert {s.unit_costs(ii2, y) for y in ii2.years} == {(300, 300)}  # not listed: unchanged


@pytest.mark.parametrize(
    ("escalation", "where"),
    [
        ({"rate": 5}, "escalation.rate"),
        ({"rate": "150%"}, "escalation.rate"),
        ({"rate": "5%", "base_year": 2030}, "escalation.base_year"),
        ({"rate": "5%", "above_cap": "ignore"}, "escalation.above_cap"),
        ({"rate": "5%", "tasks": "I.1"}, "escalation.tasks"),
        ({"rate": "5%", "speed": 1}, "escalation.speed"),
        ({}, "escalation.rate"),
    ],
)
def test_bad_escalation(program, escalation, where):
    assert where in [w for w, _ in problems({"escalation": escalation}, program)]


def test_support_share_raised_after_an_escalation_is_checked_against_the_escalated_cost():
    # escalation-low-share.yaml: A.2 at 40% (16 a unit), +10% a year: 19.36 in 2023, within 20.
    # escalation-then-share.yaml raises the share to 50%: 22 in 2022, 24.2 in 2023, above 20.
    with pytest.raises(ScenarioError, match="Mini Circular 99/2099"):
        kg.load_scenario(fixture("escalation-then-share"))


def test_derived_support_share_after_an_escalation_respects_the_cap():
    s = kg.load_scenario(fixture("escalation-low-share"))
    try:
        d = s.derive(support_share={"A.2": "50%"})
    except ScenarioError:
        return
    a2 = d.program.task("A.2")
    assert all(d.unit_costs(a2, y)[0] <= 20 for y in a2.years)


def test_escalation_low_share_fixture_is_within_the_caps():
    s = kg.load_scenario(fixture("escalation-low-share"))
    a2 = s.program.task("A.2")
    assert [s.unit_costs(a2, y)[0] for y in a2.years] == [16, Fraction("17.6"), Fraction("19.36")]


# ---- new tasks ------------------------------------------------------------------------------


def new_task(**over):
    task = {"id": "B.3", "group": "B", "name": {"vi": "Mới", "en": "New"}, "unit": {"vi": "Lớp", "en": "class"},
            "quantity": 2, "cost": {"total": 30, "state": 30, "other": 0}, "years": "2022-2023",
            "support_rule": "norm"}
    task.update(over)
    return task


def test_new_task_is_added_planned_and_logged(mini):
    s = kg.scenario_from_dict({"new_tasks": [new_task()]}, mini)
    assert s.program.task_ids[-1] == "B.3" and s.targets["B.3"] == 2
    assert [str(c) for c in s.changes] == ["new_tasks.B.3: (none) → 2 Lớp, 30 total, 30 state, years 2022-2023"]
    result = kg.solve(s)
    check_plan(s, result)
    assert {y for (t, y) in result.allocation.index if t == "B.3"} == {2022, 2023}


@pytest.mark.parametrize(
    ("over", "where", "fragment"),
    [
        ({"group": "Z"}, "new_tasks[B.3].group", "unknown group 'Z'"),
        ({"years": "2020-2021"}, "new_tasks[B.3].years", "outside the program period 2021–2023"),
        ({"years": [2024]}, "new_tasks[B.3].years", "outside the program period 2021–2023"),
        ({"id": "A.1"}, "new_tasks[A.1].id", "task 'A.1' already exists"),
        ({"support_rule": "machinery", "cost": {"total": 60, "state": 45, "other": 15}},
         "new_tasks[B.3]", "exceeds the legal maximum of 50% (support rule machinery: Mini Circular 99/2099"),
    ],
)
def test_bad_new_task(mini, over, where, fragment):
    found = problems({"new_tasks": [new_task(**over)]}, mini)
    assert any(w == where and fragment in m for w, m in found), found


def test_new_tasks_must_be_a_list(mini):
    assert problems({"new_tasks": new_task()}, mini) == [
        ("new_tasks", "expected a list of tasks (same keys as a program's tasks)")]


# ---- uncertainty ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("uncertainty", "where", "fragment"),
    [
        ({"budget": {"distribution": "lognormal"}}, "uncertainty.budget.distribution", "expected one of normal"),
        ({"budget": {"distribution": "uniform", "low": "10%", "high": "-10%"}}, "uncertainty.budget",
         "low is above high"),
        ({"budget": {"distribution": "normal", "mean": "0%", "sd": "-5%"}}, "uncertainty.budget.sd", "at least 0%"),
        ({"budget": {"distribution": "triangular", "low": "-10%", "mode": "20%", "high": "10%"}},
         "uncertainty.budget.mode", "low ≤ mode ≤ high"),
        ({"budget": {"distribution": "normal", "mean": 0, "sd": "5%"}}, "uncertainty.budget.mean",
         "expected a percentage"),
        ({"budget": {"distribution": "normal", "mean": "0%"}}, "uncertainty.budget.sd", "required key is missing"),
        ({"budget": {"distribution": "uniform", "low": "0%", "high": "1%", "mode": "0%"}},
         "uncertainty.budget.mode", "unknown key"),
        ({"cofunding": {"distribution": ["uniform"]}}, "uncertainty.cofunding.distribution", "expected one of"),
        ({}, "uncertainty", "give a distribution for budget, cofunding or both"),
        ({"samples": 0, "budget": {"distribution": "uniform", "low": "0%", "high": "1%"}},
         "uncertainty.samples", "at least 1"),
        ({"seed": -1, "budget": {"distribution": "uniform", "low": "0%", "high": "1%"}},
         "uncertainty.seed", "at least 0"),
        ({"per_year": "yes", "budget": {"distribution": "uniform", "low": "0%", "high": "1%"}},
         "uncertainty.per_year", "true or false"),
    ],
)
def test_bad_uncertainty(mini, uncertainty, where, fragment):
    found = problems({"uncertainty": uncertainty}, mini)
    assert any(w == where and fragment in m for w, m in found), found


def test_good_uncertainty(mini):
    s = kg.scenario_from_dict({"uncertainty": {
        "samples": 10, "seed": 7, "per_year": False,
        "budget": {"distribution": "triangular", "low": "-20%", "mode": "0%", "high": "5%"},
        "cofunding": {"distribution": "normal", "mean": "-10%", "sd": "10%"}}}, mini)
    u = s.uncertainty
    assert (u.samples, u.seed, u.per_year) == (10, 7, False)
    assert dict(u.budget.params) == {"low": -0.2, "mode": 0.0, "high": 0.05}
    assert dict(u.cofunding.params) == {"mean": -0.1, "sd": 0.1}


# ---- targets, floors, weights, budgets ------------------------------------------------------


def test_floor_above_target(mini):
    assert problems({"targets": {"A.2": 2}, "floors": {"A.2": 3}}, mini) == [
        ("floors.A.2", "floor 3 is above the target 2; raise the target or lower the floor")]


def test_cut_of_more_than_100_percent(mini):
    found = problems({"budget": {2022: "-120%"}}, mini)
    assert found == [("budget.2022", "a cut of more than 100% leaves a negative amount (-120%)")]


def test_target_zero_drops_the_task(mini):
    s = kg.scenario_from_dict({"targets": {"B.2": 0}}, mini)
    result = kg.solve(s)
    check_plan(s, result)
    assert plan_totals(result).get("B.2", 0) == 0
    assert result.max_objective == 3
    assert "B.2" not in {t.task_id for t in model_input(s).planned_tasks}


def test_weight_scales_a_task_in_the_objective(mini):
    s = kg.scenario_from_dict({"weights": {"A.2": 4}}, mini)
    assert model_input(s).achievement_coefficients()["A.2"] == 1
    result = kg.solve(s)
    check_plan(s, result)
    # A.2 is now worth a whole task per unit: every affordable A.2 unit is bought
    assert plan_totals(result)["A.2"] == 3
    assert result.max_objective == 7


# ---- tiers are lexicographic ----------------------------------------------------------------


def tier_value(scenario, result, *, exclude) -> Fraction:
    a = result.achievement
    return sum((Fraction(scenario.weights.get(t, 1)) * Fraction(int(a.loc[t, "achieved"]), int(a.loc[t, "target"]))
                for t in a.index if t not in exclude), Fraction(0))


def test_tier_1_is_served_as_if_tier_2_did_not_exist():
    scenario, result = solved("priorities-cut-30pct")
    tier2 = [t for t, v in scenario.tiers.items() if v == 2]
    only_tier1 = scenario.derive("only-tier-1", targets={t: 0 for t in tier2})
    best = kg.solve(only_tier1)
    check_plan(only_tier1, best)
    tier1_value = tier_value(scenario, result, exclude=tier2)
    assert tier1_value == exact_objective(only_tier1, best) == 20
    # and tier 2 gets what is left: the objective is the tier-1 optimum plus tier 2's best. With the
    # program's structure, district prizes (III.7) need district rounds (III.5, tier 2, 80 each),
    # none of which fit: what is left pays 8 provincial prizes in the years of the provincial
    # rounds (8/210); without the structure it paid 23 district prizes with no round (23/120)
    assert exact_objective(scenario, result) - tier1_value == Fraction(8, 210)
    plain = kg.solve(scenario, structure=False)
    assert exact_objective(scenario, plain) - tier1_value == Fraction(23, 120)


def test_without_tiers_the_same_cut_serves_tier_1_less():
    scenario, result = solved("priorities-cut-30pct")
    tier2 = [t for t, v in scenario.tiers.items() if v == 2]
    flat = scenario.derive("flat", tiers={t: 1 for t in tier2})
    flat_result = kg.solve(flat)
    check_plan(flat, flat_result)
    tier1_value = tier_value(flat, flat_result, exclude=tier2)
    assert tier1_value == Fraction(128, 7) < 20
    # the weighted sum is higher without the priority: that is what the priority costs
    assert exact_objective(flat, flat_result) == Fraction(12218, 525) > exact_objective(scenario, result)


# ---- carry-over -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["cut-20pct", "cut-2024-30pct", "cofunding-short-40pct", "composed-shock"])
def test_carry_over_never_lowers_the_objective(name):
    scenario, result = solved(name)
    carried = scenario.derive(f"{name}+carry", carry_over=True)
    with_carry = kg.solve(carried)
    check_plan(carried, with_carry)
    assert exact_objective(carried, with_carry) >= exact_objective(scenario, result)


def test_carry_over_helps_when_money_comes_early(mini):
    # B.2 (50) may only run in 2022, which has no money; 2021 has plenty
    s = kg.scenario_from_dict({"budget": {2021: 100, 2022: 0, 2023: 30}}, mini)
    c = s.derive(carry_over=True)
    rs, rc = kg.solve(s), kg.solve(c)
    check_plan(s, rs)
    check_plan(c, rc)
    assert exact_objective(s, rs) == Fraction(9, 4)
    assert exact_objective(c, rc) == Fraction(5, 2)
    assert plan_totals(rc)["B.2"] == 1 and plan_totals(rs).get("B.2", 0) == 0
    # the 2022 cap with carry-over is 2021's leftover: more than its own 0
    assert rc.budget.loc[(2022, "local"), "cap"] > 0 == rs.budget.loc[(2022, "local"), "cap"]


@pytest.mark.parametrize("name", ["baseline", "cut-20pct", "cut-2024-30pct", "escalation-5pct", "machinery-42",
                                  "priorities-cut-30pct", "targets-changed", "replan-2023"])
def test_without_carry_over_no_year_spends_above_its_cap(name):
    scenario, result = solved(name)
    assert scenario.carry_over is False
    for year, (local, other) in spend_by_year(scenario, result).items():
        assert local <= scenario.local_budget[year], year
        assert other <= scenario.cofunding[year], year
        assert result.budget.loc[(year, "local"), "cap"] == float(scenario.local_budget[year])


# ---- escalation in the plan -----------------------------------------------------------------


def test_escalation_raises_the_money_of_later_years():
    scenario, result = solved("escalation-5pct")
    base, _ = solved("baseline")
    alloc = result.allocation
    # I.1 (25 a class, all state-paid) is delivered every year: its money grows 5% a year
    for year in range(2021, 2026):
        q = int(alloc.loc[("I.1", year), "quantity"])
        assert q >= 1
        expected = Fraction(25) * Fraction(21, 20) ** (year - 2021) * q
        assert alloc.loc[("I.1", year), "local_budget"] == pytest.approx(float(expected), abs=1e-9)
    assert alloc.loc[("I.1", 2025), "local_budget"] / int(alloc.loc[("I.1", 2025), "quantity"]) > 25
    # the model input carries the escalated costs; the base scenario's do not change
    i1 = model_input(scenario).task("I.1")
    assert i1.local(2024) == Fraction(25) * Fraction(21, 20) ** 3
    assert model_input(base).task("I.1").local(2024) == 25


def test_escalation_before_the_base_year_changes_nothing(mini):
    s = kg.scenario_from_dict({"escalation": {"rate": "10%", "base_year": 2022, "tasks": ["A.1"]}}, mini)
    a1 = s.program.task("A.1")
    assert [s.unit_costs(a1, y) for y in (2021, 2022, 2023)] == [(10, 0), (10, 0), (11, 0)]


# ---- documents ------------------------------------------------------------------------------


def test_unknown_top_level_key_and_wrong_format(mini):
    found = problems({"format": "kgkc-scenario/2", "budgets": {2021: 5}}, mini)
    assert ("budgets", "unknown key; expected one of: format, name, title, description, program, extends, "
            "overrides, allow_overlap, actuals, replan_from, uncertainty, solve, new_tasks, targets, "
            "support_share, escalation, budget, cofunding, funding, group_caps, weights, floors, tiers, carry_over, "
            "policy, structure") in found
    assert any(w == "format" for w, _ in found)


def test_problems_of_every_document_are_listed(mini):
    with pytest.raises(ScenarioError) as info:
        scenario_from_documents([("root.yaml", {"targets": {"Q": 1}}), ("top.yaml", {"budget": {2099: 1}})], mini)
    assert [(p.source, p.where) for p in info.value.problems] == [("root.yaml", "targets.Q"),
                                                                   ("top.yaml", "budget.2099")]


def test_example_files_load_without_problems():
    for name in ("cut-20pct", "escalation-5pct", "targets-changed"):
        assert load(name).sources[-1] == str(example(name))

"""The ``group_caps`` scenario key at the door: its forms (an amount for every year, per year,
``all``, a percentage of the cap in force, ``none``), its change log and overlap detection, and
every problem of a file reported at once with the file and key path (unknown group, bad or
negative or absurd amounts, years outside the program, percentages with nothing to apply to,
caps below what the group's floors need)."""

from __future__ import annotations

from fractions import Fraction

import pytest

import kgkc_opt as kg
from kgkc_opt.errors import ScenarioError
from kgkc_opt.inputs.scenario import scenario_from_documents
from tests.support.paths import FIXTURES


@pytest.fixture(scope="module")
def tiny() -> kg.Program:
    return kg.load_program(FIXTURES / "tiny-program.yaml")


def problems(doc, program, source="caps.yaml") -> list[tuple[str, str]]:
    with pytest.raises(ScenarioError) as info:
        kg.scenario_from_dict(doc, program, source=source)
    assert all(p.source == source for p in info.value.problems)
    assert info.value.exit_code == 2
    return [(p.where, p.message) for p in info.value.problems]


def test_an_amount_caps_every_year_and_is_logged(tiny):
    s = kg.scenario_from_dict({"group_caps": {"A": 50}}, tiny, source="c.yaml")
    assert s.group_caps == {"A": {2021: 50, 2022: 50, 2023: 50}}
    assert [str(c) for c in s.changes] == ["group_caps.A.2021: none → 50", "group_caps.A.2022: none → 50",
                                           "group_caps.A.2023: none → 50"]
    assert all(c.source == "c.yaml" for c in s.changes)


def test_years_not_given_are_not_capped_and_a_named_year_beats_all(tiny):
    s = kg.scenario_from_dict({"group_caps": {"A": {2022: 40.5}, "B": {"all": 30, 2023: 12}}}, tiny)
    assert s.group_caps == {"A": {2022: Fraction(81, 2)}, "B": {2021: 30, 2022: 30, 2023: 12}}
    assert isinstance(s.group_caps["A"][2022], Fraction)


def test_percentages_change_the_cap_in_force_and_none_lifts_it(tiny):
    base = kg.scenario_from_dict({"group_caps": {"A": 50}}, tiny)
    s = base.derive("less", group_caps={"A": {"all": "-10%", 2023: "none"}})
    assert s.group_caps == {"A": {2021: 45, 2022: 45}}
    assert [str(c) for c in s.changes[-3:]] == ["group_caps.A.2021: 50 → 45", "group_caps.A.2022: 50 → 45",
                                                "group_caps.A.2023: 50 → none"]
    # lifting every year's cap removes the group
    assert base.derive("none", group_caps={"A": "none"}).group_caps == {}


def test_a_later_file_of_the_extends_chain_changes_the_caps(tiny):
    s = scenario_from_documents([("base.yaml", {"group_caps": {"A": 50}}),
                                 ("child.yaml", {"group_caps": {"A": {2022: "+20%"}}})], tiny)
    assert s.group_caps == {"A": {2021: 50, 2022: 60, 2023: 50}}
    assert s.changes[-1].source == "child.yaml"


def test_two_groups_of_one_file_setting_the_same_cap_overlap(tiny):
    doc = {"group_caps": {"A": 50}, "overrides": {"o": {"group_caps": {"A": {2022: 40}}}}}
    assert problems(doc, tiny) == [("overrides.o", "sets group_caps.A.2022, already set by the top level in this "
                                                   "file; list 'group_caps.A.2022' under allow_overlap to allow it")]
    allowed = kg.scenario_from_dict({**doc, "allow_overlap": ["group_caps.A.2022"]}, tiny)
    assert allowed.group_caps["A"] == {2021: 50, 2022: 40, 2023: 50}
    # another group or another year is not an overlap
    assert kg.scenario_from_dict({"group_caps": {"A": {2021: 5}},
                                  "overrides": {"o": {"group_caps": {"A": {2022: 5}, "B": 9}}}}, tiny).group_caps


def test_every_problem_is_reported_with_file_and_key_path(tiny):
    found = problems({"group_caps": {
        "C": 10,                     # unknown group
        "A": {2021: -5, 2022: "abc", 2026: 3, "năm": 1, 2023: "4.810,5"},
        "B": {"all": "-10%"},        # no cap in force to take a percentage of
    }, "overrides": {"o": {"group_caps": {"A": 10**12, "B": [1]}}}}, tiny)
    assert found == [
        ("group_caps.C", "unknown group 'C'; the program's groups are A, B"),
        ("group_caps.A.2026", "year 2026 lies outside the program period 2021–2023"),
        ("group_caps.A.năm", "expected a year (2021–2023) or 'all', got 'năm'"),
        ("group_caps.A.2021", "expected an amount of at least 0 million VND, got -5"),
        ("group_caps.A.2022", 'expected an amount in million VND, a percentage of the cap in force like "-10%", '
                              "or none, got 'abc'"),
        ("group_caps.A.2023", 'expected an amount in million VND, a percentage of the cap in force like "-10%", '
                              "or none, got '4.810,5' (Vietnamese notation? write 4810.5: a '.' for decimals, "
                              "no thousands separator)"),
        ("group_caps.B.all", "a percentage changes the cap in force, and group B has no cap in 2021: write an "
                             "amount in million VND (the program sets no spending per group and year to take a "
                             "percentage of)"),
        ("overrides.o.group_caps.A", "amount 1000000000000 million VND is beyond 1,000,000,000 million VND; "
                                     "amounts are in million VND (triệu đồng): 1000000000000 đồng would be "
                                     "1,000,000 million"),
        ("overrides.o.group_caps.B", "expected an amount in million VND (a number), got a list"),
    ]


def test_the_wrong_shape_is_reported(tiny):
    assert problems({"group_caps": [800]}, tiny) == [
        ("group_caps", "expected a mapping of keys to values, got a list")]
    assert problems({"group_caps": {"A": True}}, tiny) == [
        ("group_caps.A", "expected an amount in million VND (a number), got True (a yes/no value)")]


def test_a_cap_below_what_one_years_floors_need_is_refused(tiny):
    # B.2 (50 a unit) can only run in 2022: a floor of 1 needs 50 of group B's cap in 2022
    found = problems({"floors": {"B.2": 1}, "group_caps": {"B": {2022: 49.5}}}, tiny)
    assert found == [("group_caps.B.2022", "the cap of 49.5 million VND on group B in 2022 is below the 50 that "
                                           "the floors of its tasks need in that year (B.2: 1 × 50, which can only "
                                           "be delivered then); raise the cap or lower the floors")]
    assert kg.scenario_from_dict({"floors": {"B.2": 1}, "group_caps": {"B": {2022: 50}}}, tiny).group_caps


def test_caps_below_what_the_floors_need_over_the_capped_years_are_refused(tiny):
    # A.1 (10 a unit) and A.2 (20) run in every year: floors 6 and 4 need 140 of group A's caps
    doc = {"floors": {"A.1": 6, "A.2": 4}, "group_caps": {"A": {"all": 46, 2023: 47}}}
    assert problems(doc, tiny) == [("group_caps.A", "the caps on group A add up to 139 million VND over 2021, 2022, "
                                                    "2023, below the 140 that the floors of its tasks need in those "
                                                    "years at the least (A.1: 6 × 10, A.2: 4 × 20); raise the caps or "
                                                    "lower the floors")]
    assert kg.scenario_from_dict({**doc, "group_caps": {"A": {"all": 46, 2023: 48}}}, tiny).group_caps
    # with a year not capped the floors may use it: not refused at the door (the solve decides)
    assert kg.scenario_from_dict({**doc, "group_caps": {"A": {2021: 0, 2022: 0}}}, tiny).group_caps


def test_the_floor_check_counts_delivered_units_and_planned_years_only(tiny):
    # A.1 floor 6; 5 units were delivered in 2021 (actuals): one more needs 10 in 2022-2023
    actuals = "task_id,year,quantity,spend\nA.1,2021,5,50\n"
    doc = {"actuals": "a.csv", "floors": {"A.1": 6}, "group_caps": {"A": {2021: 0, 2022: 5, 2023: 5}}}
    s = scenario_from_documents([("s.yaml", doc)], tiny, actuals_texts={"s.yaml": ("a.csv", actuals)})
    assert s.planned_years() == (2022, 2023)
    with pytest.raises(ScenarioError, match=r"group_caps\.A: the caps on group A add up to 9 million VND over "
                                            r"2022, 2023, below the 10"):
        scenario_from_documents([("s.yaml", {**doc, "group_caps": {"A": {2022: 5, 2023: 4}}})], tiny,
                                actuals_texts={"s.yaml": ("a.csv", actuals)})


def test_the_floor_check_uses_escalated_costs(tiny):
    # B.2 costs 50 in 2022; escalated by 10% a year from 2021 it costs 55
    doc = {"floors": {"B.2": 1}, "group_caps": {"B": {2022: 52}}}
    assert kg.scenario_from_dict(doc, tiny).group_caps
    with pytest.raises(ScenarioError, match=r"below the 55 that the floors"):
        kg.scenario_from_dict({**doc, "escalation": {"rate": "10%", "base_year": 2021}}, tiny)


def test_the_bundled_decision_knows_its_groups():
    program = kg.load_program()
    found = problems({"group_caps": {"IX": 800, "III": "-10%"}}, program, "s.yaml")
    assert found[0] == ("group_caps.IX", "unknown group 'IX'; the program's groups are I, II, III, IV, V, VI, VII, "
                                         "VIII")
    assert found[1][0] == "group_caps.III"

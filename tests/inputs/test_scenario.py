"""Scenarios: changes applied to a program, logged, checked (every problem listed)."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import pytest

import kgkc_opt as kg
from kgkc_opt.errors import ScenarioError
from kgkc_opt.model.data import model_input
from tests.support.paths import FIXTURES, SCENARIOS


def problems(doc, program, source="s.yaml") -> list[tuple[str, str]]:
    with pytest.raises(ScenarioError) as info:
        kg.scenario_from_dict(doc, program, source=source)
    assert all(p.source == source for p in info.value.problems)
    return [(p.where, p.message) for p in info.value.problems]


def test_baseline_is_the_decision(program, baseline_scenario):
    s = baseline_scenario
    assert s.program is program
    assert s.local_budget == {2021: 4658, 2022: 4718, 2023: 4838, 2024: 4938, 2025: 4898}
    assert s.cofunding == {2021: 3405, 2022: 7040, 2023: 2840, 2024: 7375, 2025: 2875}
    assert s.targets == {t.id: t.quantity for t in program.tasks}
    assert s.changes == () and s.floors == {} and s.weights == {}


def test_baseline_file_changes_nothing(program, baseline_scenario):
    s = kg.load_scenario(SCENARIOS / "baseline.yaml")
    assert s.name == "baseline"
    assert s.changes == ()
    assert s.local_budget == baseline_scenario.local_budget
    assert model_input(s) == model_input(baseline_scenario)


def test_cut_20pct_file(cut20_scenario):
    s = cut20_scenario
    assert s.name == "cut-20pct"
    assert s.local_budget == {2021: Fraction("3726.4"), 2022: Fraction("3774.4"),
                              2023: Fraction("3870.4"), 2024: Fraction("3950.4"),
                              2025: Fraction("3918.4")}
    assert s.cofunding[2024] == 7375
    assert [str(c) for c in s.changes] == [
        "budget.2021: 4658 → 3726.4", "budget.2022: 4718 → 3774.4", "budget.2023: 4838 → 3870.4",
        "budget.2024: 4938 → 3950.4", "budget.2025: 4898 → 3918.4",
    ]
    assert all(c.source.endswith("cut-20pct.yaml") for c in s.changes)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("-20%", Fraction(72) * Fraction(4, 5)),
        ("+5%", Fraction(72) * Fraction(21, 20)),
        ("-12,5%", Fraction(63)),
        ("-12.5 %", Fraction(63)),
        ("-100%", Fraction(0)),
        (50, Fraction(50)),
        (50.25, Fraction("50.25")),
        (0, Fraction(0)),
    ],
)
def test_budget_change_forms(tiny_program, value, expected):
    s = kg.scenario_from_dict({"budget": {2022: value}}, tiny_program)
    assert s.local_budget[2022] == expected
    assert s.local_budget[2021] == 72


def test_all_then_one_year(tiny_program):
    s = kg.scenario_from_dict({"budget": {"all": "-50%", 2021: 100}, "cofunding": {"all": 0}},
                              tiny_program)
    assert s.local_budget == {2021: 100, 2022: 36, 2023: 36}
    assert s.cofunding == {2021: 0, 2022: 0, 2023: 0}


def test_string_year_keys(tiny_program):
    s = kg.scenario_from_dict({"budget": {"2022": 10}}, tiny_program)
    assert s.local_budget[2022] == 10


def test_percentages_are_exact(baseline_scenario):
    s = baseline_scenario.derive("ten", budget={"all": "-10%"})
    assert s.local_budget[2021] == Fraction("4192.2")
    assert str(s.changes[0]) == "budget.2021: 4658 → 4192.2"


def test_task_sections(tiny_program):
    s = kg.scenario_from_dict(
        {"targets": {"A.1": 3, "B.2": 0}, "weights": {"A.2": 2.5}, "floors": {"A.1": 2},
         "tiers": {"B.1": 2}},
        tiny_program,
    )
    assert s.targets["A.1"] == 3 and s.targets["B.2"] == 0
    assert s.weights == {"A.2": Fraction(5, 2)}
    assert s.floors == {"A.1": 2} and s.tiers == {"B.1": 2}
    inp = model_input(s)
    assert [t.task_id for t in inp.planned_tasks] == ["A.1", "A.2", "B.1"]
    assert inp.task("A.2").weight == Fraction(5, 2)
    assert inp.task("B.1").tier == 2
    keys = {c.key for c in s.changes}
    assert {"targets.A.1", "targets.B.2", "weights.A.2", "floors.A.1", "tiers.B.1"} <= keys


def test_no_op_changes_are_not_logged(tiny_program):
    s = kg.scenario_from_dict({"budget": {2021: 72}, "targets": {"A.1": 6}}, tiny_program)
    assert s.changes == ()


def test_model_input_is_exact(program):
    inp = model_input(kg.baseline(program))
    spec = inp.task("VIII.6")
    assert spec.unit_local == Fraction("17.88") and spec.unit_cofunding == 0
    assert inp.task("II.1").unit_cofunding == 3000
    assert inp.years == program.years
    assert inp.local_budget[2023] == 4838 and inp.cofunding_cap[2023] == 2840


def test_derive_merges_and_logs(baseline_scenario):
    a = baseline_scenario.derive("a", budget={2024: "-30%"})
    b = a.derive("b", targets={"II.2": 20})
    assert b.name == "b"
    assert b.local_budget[2024] == Fraction("3456.6")
    assert b.targets["II.2"] == 20
    assert [c.key for c in b.changes] == ["budget.2024", "targets.II.2"]
    assert baseline_scenario.changes == ()  # the original is unchanged
    with pytest.raises(ScenarioError):
        baseline_scenario.derive("bad", colour="red")
    with pytest.raises(ScenarioError):
        baseline_scenario.derive("bad", budget={2024: "abc"})


def test_scenario_is_frozen(baseline_scenario):
    with pytest.raises(dataclasses.FrozenInstanceError):
        baseline_scenario.name = "x"  # type: ignore[misc]


def test_solve_section(tiny_program):
    s = kg.scenario_from_dict({"solve": {"solver": "cbc", "time_limit": 5}}, tiny_program)
    assert s.solver == "cbc" and s.time_limit == 5.0


# --- every problem, with file and key path -----------------------------------------------------


def test_two_bad_keys_are_both_reported():
    with pytest.raises(ScenarioError) as info:
        kg.load_scenario(FIXTURES / "tiny-bad-two-keys.yaml")
    err = info.value
    label = str(FIXTURES / "tiny-bad-two-keys.yaml")
    assert {(p.source, p.where) for p in err.problems} == {
        (label, "budget.2022"), (label, "targets.Z.9"),
    }
    text = str(err)
    assert text.startswith("2 problems found:")
    assert f"{label}: budget.2022: " in text and "'abc'" in text
    assert f"{label}: targets.Z.9: unknown task id 'Z.9'" in text


@pytest.mark.parametrize(
    ("doc", "where", "fragment"),
    [
        ({"budget": {2023: "abc"}}, "budget.2023", 'percentage like "-30%"'),
        ({"budget": {2030: 10}}, "budget.2030", "outside the program period"),
        ({"budget": {2022: -5}}, "budget.2022", "at least 0"),
        ({"budget": {2022: "-150%"}}, "budget.2022", "more than 100%"),
        ({"budget": {"next": 5}}, "budget.next", "expected a year"),
        ({"budget": [1, 2]}, "budget", "mapping"),
        ({"cofunding": {"all": "lots"}}, "cofunding.all", "percentage"),
        ({"targets": {"XX.9": 3}}, "targets.XX.9", "unknown task id 'XX.9'"),
        ({"targets": {"A.1": -1}}, "targets.A.1", "at least 0"),
        ({"targets": {"A.1": 2.5}}, "targets.A.1", "whole number"),
        ({"weights": {"A.1": -1}}, "weights.A.1", "weight"),
        ({"floors": {"Q.1": 1}}, "floors.Q.1", "unknown task id"),
        ({"floors": {"A.1": 7}}, "floors.A.1", "above the target 6"),
        ({"tiers": {"A.1": 0}}, "tiers.A.1", "at least 1"),
        ({"carry_over": "yes"}, "carry_over", "true or false"),
        ({"solve": {"solver": "gurobi"}}, "solve.solver", "'highs' or 'cbc'"),
        ({"solve": {"time_limit": -1}}, "solve.time_limit", "seconds"),
        ({"name": ""}, "name", "expected text"),
        ({"format": "kgkc-scenario/0"}, "format", "kgkc-scenario/1"),
        ({"budgets": {2021: 5}}, "budgets", "unknown key"),
    ],
)
def test_scenario_errors(tiny_program, doc, where, fragment):
    found = problems(doc, tiny_program)
    assert any(w == where and fragment in m for w, m in found), found


def test_floor_above_a_lowered_target(tiny_program):
    found = problems({"targets": {"A.1": 2}, "floors": {"A.1": 3}}, tiny_program)
    assert any(w == "floors.A.1" and "above the target 2" in m for w, m in found)


def test_all_problems_of_a_document_are_listed(program):
    doc = {"budget": {2024: "abc", 2030: 100, 2022: -5}, "targets": {"XX.9": 3},
           "floors": {"II.2": 40}}
    found = problems(doc, program)
    assert {w for w, _ in found} == {"budget.2024", "budget.2030", "budget.2022", "targets.XX.9",
                                     "floors.II.2"}


def test_not_a_mapping(tiny_program):
    assert problems([1, 2], tiny_program)[0][0] == ""


# --- a support rule with no version in force in a planned year (issue 22.6) -----------------------


def _rule_starting_late(tmp_path, valid_from: str = "2026-03-01"):
    """tiny-sources.yaml with the machinery rule (A.2, planned 2025–2027) in force only from
    ``valid_from``: no version covers 2025."""
    text = (FIXTURES / "tiny-sources.yaml").read_text(encoding="utf-8")
    changes = text[text.index("    changes:\n      - valid_from: 2026-01-01"):text.index("groups:")]
    text = text.replace(changes, "").replace("    valid_from: 2018-01-01\n", f"    valid_from: {valid_from}\n")
    path = tmp_path / "late-rule.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_task_planned_where_its_rule_is_not_in_force_is_refused(tmp_path):
    program_path = _rule_starting_late(tmp_path)
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: late\nprogram: late-rule.yaml\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        kg.load_scenario(scenario)
    (problem,) = info.value.problems
    assert (problem.source, problem.where) == (str(scenario), "program")
    assert problem.message.startswith("task A.2 is planned in 2025, but its support rule machinery has no version in "
                                      "force in 2025 (its versions: test circular, in force 2026-03-01 – …; "
                                      "support_rules.machinery of program tiny-sources)")
    # the audit, which reads the program alone, still reports it (and does not stop)
    from kgkc_opt.analysis.audit_rules import rule_findings

    assert "rule-not-in-force" in [f.code for f in rule_findings(kg.load_program(program_path))]


def test_the_api_refuses_a_program_solved_as_its_baseline(tmp_path):
    program = kg.load_program(_rule_starting_late(tmp_path))
    with pytest.raises(ScenarioError, match=r"task A\.2 is planned in 2025, but its support rule machinery"):
        kg.solve(program)
    with pytest.raises(ScenarioError, match="no version in force in 2025"):
        kg.solve(kg.baseline(program))


def test_every_year_without_a_rule_is_named(tmp_path):
    program = kg.load_program(_rule_starting_late(tmp_path, "2027-01-01"))
    ((where, message),) = problems({}, program)
    assert where == "program"
    assert message.startswith("task A.2 is planned in 2025, 2026, but its support rule machinery has no version in "
                              "force in 2025, 2026 (its versions: test circular, in force 2027-01-01 – …;")


@pytest.mark.parametrize("change", [{"targets": {"A.2": 0}}, {"replan_from": 2026}])
def test_a_scenario_that_does_not_plan_the_year_is_accepted(tmp_path, change):
    program = kg.load_program(_rule_starting_late(tmp_path))
    scenario = kg.scenario_from_dict(change, program)
    assert kg.solve(scenario).has_plan
    with pytest.raises(ScenarioError, match=r"task A\.2 is planned in 2025"):  # derive checks it as a file
        scenario.derive("again", targets={"A.2": 4}, replan_from=2025)


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_bundled_scenario_has_its_title_in_both_languages(path):
    scenario = kg.load_scenario(path)
    assert scenario.title is not None
    assert scenario.title.vi.strip() and scenario.title.en.strip()
    assert scenario.title.vi != scenario.title.en  # a translation, not the Vietnamese copied

"""Composing scenarios: extends chains, cycles, named overrides, overlap conflicts, the order in
which changes apply and the change log that records them."""

from __future__ import annotations

from fractions import Fraction

import pytest

import kgkc_opt as kg
from kgkc_opt.cli.app import main
from kgkc_opt.errors import ScenarioError
from kgkc_opt.inputs.scenario import CHANGE_SECTIONS, scenario_from_documents
from kgkc_opt.model.data import model_input
from tests.support.scenarios import example, fixture, load


def changes(scenario: kg.Scenario) -> list[str]:
    return [str(c) for c in scenario.changes]


# ---- extends ------------------------------------------------------------------------------


def test_three_level_chain_applies_root_first():
    s = kg.load_scenario(fixture("chain-leaf"))
    root, mid, leaf = (str(fixture(n)) for n in ("chain-root", "chain-mid", "chain-leaf"))
    assert s.name == "chain-leaf"
    assert s.sources == (root, mid, leaf)
    # the program comes from the root, the only file that names one
    assert s.program.id == "mini"
    # 72 -10% (root) = 64.8; 2022: -50% of 64.8 (mid) = 32.4, then +10% of 32.4 (leaf) = 35.64
    assert s.local_budget == {2021: Fraction("64.8"), 2022: Fraction("35.64"), 2023: Fraction(80)}
    assert s.targets["A.1"] == 7
    assert [(str(c), c.source) for c in s.changes] == [
        ("budget.2021: 72 → 64.8", root),
        ("budget.2022: 72 → 64.8", root),
        ("budget.2023: 72 → 64.8", root),
        ("targets.A.1: 6 → 9", mid),
        ("budget.2022: 64.8 → 32.4", mid),
        ("targets.A.1: 9 → 7", leaf),
        ("budget.2022: 32.4 → 35.64", leaf),
        ("budget.2023: 64.8 → 80", leaf),
    ]


def test_a_file_may_change_what_its_base_set():
    # chain-mid and chain-leaf both set targets.A.1 and budget.2022: not a conflict across files
    s = kg.load_scenario(fixture("chain-leaf"))
    keys = [c.key for c in s.changes]
    assert keys.count("targets.A.1") == 2 and keys.count("budget.2022") == 3


def test_chain_results_are_solved_with_the_final_figures():
    s = kg.load_scenario(fixture("chain-leaf"))
    inp = model_input(s)
    assert dict(inp.local_budget) == dict(s.local_budget)
    assert inp.task("A.1").target == 7


@pytest.mark.parametrize("start", ["cycle-a", "cycle-b", "cycle-c"])
def test_extends_cycle_is_rejected_with_the_chain(start):
    with pytest.raises(ScenarioError) as info:
        kg.load_scenario(fixture(start))
    message = str(info.value)
    assert "cycle" in message
    order = ["cycle-a", "cycle-b", "cycle-c"]
    i = order.index(start)
    chain = [str(fixture(order[(i + k) % 3])) for k in range(4)]
    assert " → ".join(chain) in message
    assert info.value.exit_code == 2


def test_self_extension_is_a_cycle(tmp_path):
    path = tmp_path / "self.yaml"
    path.write_text("name: self\nextends: self.yaml\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="cycle") as info:
        kg.load_scenario(path)
    assert f"{path} → {path}" in str(info.value)


def test_extends_a_missing_file(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("extends: nowhere.yaml\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"no such file: nowhere\.yaml"):
        kg.load_scenario(path)


def test_program_comes_from_the_nearest_file(tmp_path):
    (tmp_path / "prog.yaml").write_text(fixture("mini-program").read_text(encoding="utf-8"), encoding="utf-8")
    base = tmp_path / "base.yaml"
    base.write_text("program: kien-giang-2021-2025\n", encoding="utf-8")
    top = tmp_path / "top.yaml"
    top.write_text("extends: base.yaml\nprogram: prog.yaml\nbudget: {2022: 50}\n", encoding="utf-8")
    s = kg.load_scenario(top)
    assert s.program.id == "mini"
    assert s.local_budget[2022] == 50
    # without a program anywhere: the bundled decision
    bare = tmp_path / "bare.yaml"
    bare.write_text("name: bare\n", encoding="utf-8")
    assert kg.load_scenario(bare).program.id == "kien-giang-2021-2025"


# ---- overrides and overlaps ---------------------------------------------------------------


def test_overlapping_overrides_are_an_error_naming_both():
    with pytest.raises(ScenarioError) as info:
        kg.load_scenario(fixture("overlap-conflict"))
    problems = [(p.where, p.message) for p in info.value.problems]
    assert len(problems) == 2
    where, message = problems[0]
    assert where == "overrides.shock-b"
    assert "budget.2022" in message and "overrides.shock-a" in message
    assert "allow_overlap" in message
    where, message = problems[1]
    assert where == "overrides.shock-b"
    assert "targets.A.1" in message and "the top level" in message and "allow_overlap" in message
    assert all(p.source == str(fixture("overlap-conflict")) for p in info.value.problems)


def test_allow_overlap_applies_in_order_on_the_figure_at_that_point():
    s = kg.load_scenario(fixture("overlap-allowed"))
    path = str(fixture("overlap-allowed"))
    assert s.local_budget[2022] == Fraction(72) * Fraction(9, 10) * Fraction(8, 10) == Fraction("51.84")
    assert s.targets["A.1"] == 4
    assert [(str(c), c.source) for c in s.changes] == [
        ("targets.A.1: 6 → 5", path),
        ("budget.2022: 72 → 64.8", f"{path} overrides.shock-a"),
        ("targets.A.1: 5 → 4", f"{path} overrides.shock-b"),
        ("budget.2022: 64.8 → 51.84", f"{path} overrides.shock-b"),
    ]


def test_allow_overlap_covers_only_the_keys_listed(tiny):
    doc = {"allow_overlap": ["budget.2022"],
           "overrides": {"a": {"budget": {2022: 10}, "targets": {"A.1": 3}},
                         "b": {"budget": {2022: 20}, "targets": {"A.1": 2}}}}
    with pytest.raises(ScenarioError) as info:
        kg.scenario_from_dict(doc, tiny)
    assert [p.message.split(",")[0] for p in info.value.problems] == ["sets targets.A.1"]


def test_budget_all_conflicts_with_a_year_set_elsewhere(tiny):
    doc = {"budget": {"all": "-10%"}, "overrides": {"o": {"budget": {2023: 5}}}}
    with pytest.raises(ScenarioError, match=r"sets budget\.2023, already set by the top level"):
        kg.scenario_from_dict(doc, tiny)


def test_setting_a_key_to_its_current_value_still_counts_as_setting_it(tiny):
    doc = {"targets": {"A.1": 6}, "overrides": {"o": {"targets": {"A.1": 6}}}}
    with pytest.raises(ScenarioError, match=r"targets\.A\.1"):
        kg.scenario_from_dict(doc, tiny)


def test_within_a_group_sections_apply_in_the_documented_order(tiny):
    assert CHANGE_SECTIONS == ("new_tasks", "targets", "support_share", "escalation", "budget",
                               "cofunding", "funding", "group_caps", "weights", "floors", "tiers", "carry_over",
                               "policy", "structure")
    # written in reverse order in the file; applied (and logged) in CHANGE_SECTIONS order
    doc = {"carry_over": True, "tiers": {"B.1": 2}, "floors": {"A.1": 1}, "weights": {"A.1": 2},
           "cofunding": {2021: 1}, "budget": {2021: 1},
           "escalation": {"rate": "1%", "tasks": ["A.1"]}, "support_share": {"A.2": "40%"},
           "targets": {"A.1": 5},
           "new_tasks": [{"id": "B.3", "group": "B", "name": "New", "unit": "class", "quantity": 1,
                          "cost": {"total": 5, "state": 5, "other": 0}, "years": [2022],
                          "support_rule": "norm"}]}
    s = kg.scenario_from_dict(doc, tiny)
    assert [c.key for c in s.changes] == [
        "new_tasks.B.3", "targets.A.1", "support_share.A.2", "escalation", "budget.2021",
        "cofunding.2021", "weights.A.1", "floors.A.1", "tiers.B.1", "carry_over"]


def test_a_later_group_sees_a_new_task_of_an_earlier_one(tiny):
    doc = {"new_tasks": [{"id": "B.3", "group": "B", "name": "New", "unit": "class", "quantity": 2,
                          "cost": {"total": 10, "state": 10, "other": 0}, "years": "2022-2023",
                          "support_rule": "norm"}],
           "overrides": {"more": {"targets": {"B.3": 4}, "floors": {"B.3": 1}}}}
    s = kg.scenario_from_dict(doc, tiny)
    assert s.targets["B.3"] == 4 and s.floors["B.3"] == 1


# ---- the composed example ------------------------------------------------------------------


def test_composed_shock_change_log():
    s = load("composed-shock")
    cut, shock = str(example("cut-20pct")), str(example("composed-shock"))
    assert s.sources == (cut, shock)
    log = [(str(c), c.source) for c in s.changes]
    assert log == [
        ("budget.2021: 4658 → 3726.4", cut),
        ("budget.2022: 4718 → 3774.4", cut),
        ("budget.2023: 4838 → 3870.4", cut),
        ("budget.2024: 4938 → 3950.4", cut),
        ("budget.2025: 4898 → 3918.4", cut),
        ("budget.2024: 3950.4 → 3357.84", f"{shock} overrides.shock-2024"),
        ("cofunding.2021: 3405 → 2553.75", f"{shock} overrides.cofunding-short"),
        ("cofunding.2022: 7040 → 5280", f"{shock} overrides.cofunding-short"),
        ("cofunding.2023: 2840 → 2130", f"{shock} overrides.cofunding-short"),
        ("cofunding.2024: 7375 → 5531.25", f"{shock} overrides.cofunding-short"),
        ("cofunding.2025: 2875 → 2156.25", f"{shock} overrides.cofunding-short"),
    ]
    # budget.2024 changed twice: first by cut-20pct.yaml, then by the override, in that order
    twice = [c for c in s.changes if c.key == "budget.2024"]
    assert [c.source for c in twice] == [cut, f"{shock} overrides.shock-2024"]
    assert twice[0].new == twice[1].old
    # -15% of a budget already cut by 20% leaves 68% of it
    assert s.local_budget[2024] == Fraction(4938) * Fraction(68, 100)


def test_composed_shock_log_is_stored_with_the_result():
    s = load("composed-shock")
    result = kg.solve(s)
    assert result.changes == s.changes
    assert "budget.2024: 3950.4 → 3357.84" in result.summary()["changes"]


def test_the_order_of_overrides_matters(tiny):
    first = kg.scenario_from_dict({"allow_overlap": ["budget.2022"], "overrides": {
        "cut": {"budget": {2022: "-50%"}}, "set": {"budget": {2022: 40}}}}, tiny)
    second = kg.scenario_from_dict({"allow_overlap": ["budget.2022"], "overrides": {
        "set": {"budget": {2022: 40}}, "cut": {"budget": {2022: "-50%"}}}}, tiny)
    assert first.local_budget[2022] == 40
    assert second.local_budget[2022] == 20


def test_documents_compose_in_the_given_order(tiny):
    s = scenario_from_documents([("root.yaml", {"budget": {"all": "+50%"}}),
                                 ("top.yaml", {"budget": {2021: "-50%"}})], tiny)
    assert s.local_budget == {2021: 54, 2022: 108, 2023: 108}
    assert s.sources == ("root.yaml", "top.yaml")
    assert s.name == "top"


def test_derive_logs_like_a_file(tiny):
    base = kg.scenario_from_dict({"budget": {2021: 60}}, tiny, source="base.yaml")
    d = base.derive("d", budget={2021: "-50%"}, targets={"A.1": 3})
    assert d.local_budget[2021] == 30 and d.name == "d"
    assert [str(c) for c in d.changes][-2:] == ["targets.A.1: 6 → 3", "budget.2021: 60 → 30"]
    assert d.changes[-1].source == "<derived from base>"
    assert base.local_budget[2021] == 60  # frozen, unchanged
    with pytest.raises(ScenarioError, match="unknown change"):
        base.derive(bogus=1)


# ---- scenario show --------------------------------------------------------------------------


def test_scenario_show_prints_the_change_log(capsys):
    assert main(["scenario", "show", str(example("composed-shock")), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    lines = [line.strip() for line in out.splitlines()]
    assert "Scenario: The 20% cut with a 2024 shock and co-funding short" in out
    assert "Change log (11):" in out
    shown = [line.split("    [")[0] for line in lines if "→" in line and "[" in line]
    assert shown == changes(load("composed-shock"))
    assert f"budget.2024: 4938 → 3950.4    [{example('cut-20pct')}]" in lines
    assert f"budget.2024: 3950.4 → 3357.84    [{example('composed-shock')} overrides.shock-2024]" in lines
    assert "2024      3,357.84    5,531.25" in out
    assert f"Files: {example('composed-shock')} ← {example('cut-20pct')}" in out


def test_scenario_show_of_a_bad_file_exits_2(capsys):
    assert main(["scenario", "show", str(fixture("overlap-conflict"))]) == 2
    err = capsys.readouterr().err
    assert "allow_overlap" in err and "overrides.shock-b" in err


@pytest.fixture(scope="module")
def tiny() -> kg.Program:
    return kg.load_program(fixture("mini-program"))

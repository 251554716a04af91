"""How every id of every merged program is renamed (kgkc_opt/analysis/merge_ids.py): the id plan
alone, before any merge. The merge built on it is tested in test_merge.py."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import pytest

from kgkc_opt.analysis.merge_ids import default_prefix, id_plan, rename_program, show_value
from kgkc_opt.errors import UsageError

KG = "kien-giang-2021-2025"


def test_every_task_gets_its_group_then_its_prefix(kien_giang, example):
    plan = id_plan([kien_giang, example], ["KG", "AG"])
    assert plan.prefixes == ("KG", "AG")
    for program, prefix, tasks in zip((kien_giang, example), ("KG", "AG"), plan.tasks, strict=True):
        assert set(tasks) == set(program.task_ids)
        for t in program.tasks:
            assert tasks[t.id] == f"{t.group}.{prefix}.{t.id[len(t.group) + 1:]}"
    merged = [tid for tasks in plan.tasks for tid in tasks.values()]
    assert len(merged) == len(set(merged))


def test_a_rule_with_other_caps_is_a_conflict_kept_twice(kien_giang):
    rid = next(iter(kien_giang.support_rules))
    rule = kien_giang.support_rules[rid]
    other = dataclasses.replace(kien_giang, id="other-2021-2025", province="Bình Định", support_rules={
        **kien_giang.support_rules, rid: dataclasses.replace(rule, citation=rule.citation + " (other)")})
    plan = id_plan([kien_giang, other], ["KG", "BD"])
    assert plan.rules[0][rid] == f"{rid}@KG" and plan.rules[1][rid] == f"{rid}@BD"
    (conflict,) = plan.conflicts
    assert conflict.rule == rid and conflict.kept_as == (f"{rid}@KG", f"{rid}@BD")
    assert [str(d).split(":")[0] for d in conflict.differences] == ["citation"]
    # every other rule is the same in both: one rule, its id kept
    assert all(plan.rules[0][r] == plan.rules[1][r] == r for r in kien_giang.support_rules if r != rid)


def test_every_problem_with_the_prefixes_is_said_at_once(kien_giang, example):
    with pytest.raises(UsageError) as raised:
        id_plan([kien_giang, example, dataclasses.replace(example, id=KG)], ["K-G", "AG", "ag"])
    text = str(raised.value)
    assert "K-G" in text and "both get the prefix" in text and f"two programs have the id {KG}" in text


def test_a_renamed_program_keeps_its_figures_and_names_its_origin(kien_giang, example):
    plan = id_plan([kien_giang, example], [default_prefix(kien_giang), default_prefix(example)])
    renamed = rename_program(kien_giang, 0, plan)
    assert renamed.period == kien_giang.period and len(renamed.tasks) == len(kien_giang.tasks)
    for before, after in zip(kien_giang.tasks, renamed.tasks, strict=True):
        assert after.id == plan.tasks[0][before.id]
        assert (after.quantity, after.cost, after.years) == (before.quantity, before.cost, before.years)
        assert after.source == f"{KG}, {before.source}" if before.source else after.source == KG
    assert all(tg.id.startswith("KG-") for tg in renamed.targets)
    assert {x for tg in renamed.targets for x in tg.tasks} <= set(renamed.task_ids)


def test_values_are_shown_as_a_planner_reads_them():
    assert show_value(Fraction(3, 1)) == "3" and show_value(Fraction(1, 2)) == "0.5"
    assert show_value(None) == "none" and show_value("") == "none"
    assert show_value("national").worded("vi") == "toàn quốc"

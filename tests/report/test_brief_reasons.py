"""Why each task is short, worded from the study (``report.brief_reasons``): the re-plan of 2023–2025,
whose III.8 is held by the program's rule L01 and not by money (proved by solving again in the study)."""

from __future__ import annotations

import pytest

import kgkc_opt as kg
from kgkc_opt.analysis import study
from kgkc_opt.report import brief, brief_reasons
from tests.support.paths import SCENARIOS


@pytest.fixture(scope="module")
def replan_brief():
    scenario = kg.load_scenario(SCENARIOS / "replan-2023.yaml")
    return brief.build(study.study(scenario, least_money_=False), lang="en", charts=False)


def test_the_reasons_name_the_binding_rule_and_not_money(replan_brief):
    reasons = dict((s.task_id, lines) for s, lines in brief_reasons.shortfall_reasons(replan_brief))
    assert "III.8" in reasons
    text = " ".join(reasons["III.8"])
    assert "L01" in text
    assert "too little is left" not in text


def test_money_is_said_to_help_only_where_the_study_proved_it(replan_brief):
    assert brief_reasons.money_helps(replan_brief, "III.8") is False
    assert brief_reasons.local_helps(replan_brief, "III.8") is False


def test_the_repair_notes_do_not_price_a_gap_money_cannot_close(replan_brief):
    notes = " ".join(brief_reasons.repair_notes(replan_brief))
    assert "III.8" not in notes or "would not help" in notes

"""The change log carries each change's old and new figures as exact numbers (issue 23: no number
a document prints is parsed back from text)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import kgkc_opt as kg
from kgkc_opt.report import fmt

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def test_money_changes_carry_their_exact_figures():
    scenario = kg.load_scenario(SCENARIOS / "cut-20pct.yaml")
    for change in scenario.changes:
        assert isinstance(change.old_value, Fraction) and isinstance(change.new_value, Fraction), change
        assert change.new_value == change.old_value * Fraction(4, 5)  # exact, not a rounded decimal


def test_a_group_cap_carries_its_amounts_and_none_for_no_cap():
    scenario = kg.load_scenario(SCENARIOS / "group-cap-iii-800.yaml")
    caps = [c for c in scenario.changes if c.key.startswith("group_caps.")]
    assert caps and all(c.old_value is None and c.new_value == 800 for c in caps)
    assert all(c.old == "none" and c.new == "800" for c in caps)  # the log's text is unchanged
    line = next(x for x in fmt.change_lines(scenario, "vi") if "III" in x)
    assert "800 triệu đồng" in line


def test_a_percentage_carries_its_exact_figure_and_the_document_prints_it():
    scenario = kg.load_scenario(SCENARIOS / "support-share-machinery-40pct.yaml")
    share = next(c for c in scenario.changes if c.key == "support_share.II.2")
    assert (share.old_value, share.new_value) == (50, 40) and share.new == "40%"  # the log's text unchanged
    line = next(x for x in fmt.change_lines(scenario, "en") if "II.2" in x)
    assert "50%" in line and "40%" in line


def test_a_figure_that_is_not_a_number_carries_none():
    scenario = kg.load_scenario(SCENARIOS / "carry-over-cut-10pct.yaml")
    flags = [c for c in scenario.changes if c.key.startswith("carry_over")]
    assert flags and all(c.old_value is None and c.new_value is None for c in flags)

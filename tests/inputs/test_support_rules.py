"""Legal support caps (``inputs.support_rules``): read with every problem at its key, versions over
time chained and checked, the strictest version in force applied to a year."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from kgkc_opt.inputs.reader import Collector
from kgkc_opt.inputs.support_rules import SupportRule, parse_support_rule

WHERE = "support_rules.machinery"


def _read(data: dict[str, object]) -> tuple[SupportRule | None, list[str]]:
    c = Collector("p.yaml")
    rule = parse_support_rule(c, data, WHERE, "machinery")
    return rule, [str(p) for p in c.problems]


def test_an_undated_rule() -> None:
    rule, problems = _read({"name": "Machinery", "max_state_share": "50%", "max_state_per_unit": 20,
                            "citation": "Circular 28/2018"})
    assert problems == [] and rule is not None
    assert (rule.max_state_share, rule.max_state_per_unit, rule.confidence) == (Fraction(1, 2), 20, "unknown")
    assert not rule.dated and rule.for_year(2024) == rule


def test_a_change_ends_the_version_before_it_and_keeps_what_it_does_not_restate() -> None:
    rule, problems = _read({"max_state_share": 0.5, "max_state_per_unit": 300, "citation": "old",
                            "valid_from": "2018-05-01",
                            "changes": [{"valid_from": "2025-07-01", "max_state_per_unit": 250, "citation": "new"}]})
    assert problems == [] and rule is not None and rule.dated
    old, new = rule.history
    assert old.valid_to == dt.date(2025, 6, 30) and new.valid_from == dt.date(2025, 7, 1)
    assert new.max_state_share == Fraction(1, 2) and new.max_state_per_unit == 250
    # 2025 has both in force: the strictest cap, both citations
    both = rule.for_year(2025)
    assert (both.max_state_per_unit, both.citation) == (250, "old; new")
    assert rule.for_year(2024).max_state_per_unit == 300 and rule.for_year(2026).citation == "new"
    assert [v.citation for v in rule.in_force(2017)] == []


def test_problems_are_named_at_their_key() -> None:
    _, problems = _read({"max_state_share": 0.5, "citation": "x", "legal_basis": "y"})
    assert any(p.startswith(f"p.yaml: {WHERE}.legal_basis: unknown key") for p in problems)
    _, problems = _read({"max_state_share": 0.5, "citation": "x", "valid_from": "2020-01-01",
                         "changes": [{"citation": "later"}]})
    assert any("changes[0].valid_from: a change of a support rule needs the date it is in force from" in p
               for p in problems)
    _, problems = _read({"max_state_share": 0.5, "citation": "x", "valid_from": "2020-01-01",
                         "valid_to": "2019-01-01"})
    assert any("valid_to: ends (2019-01-01) before it starts (2020-01-01)" in p for p in problems)
    _, problems = _read({"max_state_share": 0.5, "citation": "x", "valid_from": "2020-01-01", "valid_to": "2026-06-30",
                         "changes": [{"valid_from": "2026-01-01", "citation": "y"}]})
    assert any("overlaps the previous version, in force until 2026-06-30" in p for p in problems)

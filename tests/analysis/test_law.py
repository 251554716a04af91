"""The law behind a plan (issue 24 Deliver 5): every bundled program cites the instrument in force,
and the rules whose amounts are not confirmed are listed for a document's caveat."""

from __future__ import annotations

import kgkc_opt as kg
from kgkc_opt.analysis.law import confirmed, unconfirmed_rules

REPLACED = "26/2014/TTLT-BTC-BCT"


def _programs():
    return [kg.load_program(p) for p in ("kien-giang-2021-2025", "example-2026-2030",
                                         "an-giang-2026-2030-illustrative")]


def test_every_rule_cites_the_instrument_in_force_first():
    """A rule may name the replaced joint circular only as what Thông tư 28/2018 replaced, and then
    its amount is marked unconfirmed."""
    for program in _programs():
        for rule in program.support_rules.values():
            for version in rule.history:
                if REPLACED in version.citation:
                    assert version.citation.lstrip('"').startswith("Thông tư 28/2018/TT-BTC"), (program.id, rule.id)
                    assert not confirmed(version), (program.id, rule.id)


def test_the_2026_programs_cite_the_amended_circular():
    for program in _programs()[1:]:
        for rule in program.support_rules.values():
            if "28/2018/TT-BTC" in rule.citation:
                assert "64/2024/TT-BTC" in rule.citation, (program.id, rule.id)


def test_the_province_cites_its_regulation_as_amended():
    rule = kg.load_program("kien-giang-2021-2025").support_rules["province_norm"]
    assert "16/2015/QĐ-UBND" in rule.citation and "13/2019/QĐ-UBND" in rule.citation
    assert confirmed(rule)  # a full provincial norm caps nothing: no amount is relied on


def test_unconfirmed_rules_of_a_plan():
    program = kg.load_program("kien-giang-2021-2025")
    every = {u.rule.id: u.tasks for u in unconfirmed_rules(program)}
    assert every == {"cleaner_production_model": ("II.4",), "pollution_treatment": ("VI.1",),
                     "brand_building": ("III.3",), "consulting": ("IV.1",)}
    # a plan without those tasks uses no unconfirmed rule; with one, only its rule and years
    assert unconfirmed_rules(program, {("II.2", 2021): 3}) == []
    found = unconfirmed_rules(program, {("VI.1", 2022): 1, ("VI.1", 2024): 2, ("II.2", 2021): 1})
    assert [(u.rule.id, u.tasks, u.years) for u in found] == [("pollution_treatment", ("VI.1",), (2022, 2024))]
    assert unconfirmed_rules(program, {("VI.1", 2022): 1}, years=[2023]) == []


def test_dated_versions_are_listed_as_used():
    """The An Giang machinery rule has a hypothetical provincial level from 2028: a plan using II.2
    in 2027 and 2029 lists both versions, each with its years."""
    program = kg.load_program("an-giang-2026-2030-illustrative")
    found = unconfirmed_rules(program, {("II.2", 2027): 1, ("II.2", 2029): 1})
    assert [(u.rule.confidence.split(":")[0], u.years) for u in found] == [("unconfirmed", (2027,)),
                                                                            ("hypothetical", (2029,))]

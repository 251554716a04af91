"""The rhythm checker (``model.adoptability``): each rule broken in turn on a plan is found, and only
it; the bounds and rows that state the same rules."""

from __future__ import annotations

import pytest

from kgkc_opt.model.adoptability import findings, lump_exempt, most_in_a_year, rhythm_bounds
from kgkc_opt.model.data import model_input

YEARS = range(2021, 2026)


@pytest.fixture(scope="module")
def inp(baseline_scenario):
    return model_input(baseline_scenario)


@pytest.fixture(scope="module")
def even_plan(inp):
    """A plan of the decision that keeps every rule (built by hand, not solved): each task's units
    as even as can be over its years, prizes with their rounds."""
    plan = {}
    for t in inp.planned_tasks:
        years = [y for y in t.years if y in inp.planned_years]
        for i, y in enumerate(years):
            plan[(t.task_id, y)] = t.target // len(years) + (1 if i < t.target % len(years) else 0)
    plan[("III.4", 2021)], plan[("III.4", 2023)] = 2, 1
    plan[("III.8", 2021)], plan[("III.8", 2023)] = 140, 70
    return plan


def rules(inp, plan, **moves):
    p = dict(plan)
    for key, n in moves.items():
        tid, y = key.rsplit("_", 1)
        p[(tid.replace("_", "."), int(y))] = n
    return {(f.rule, f.task_id, f.where) for f in findings(inp, p)}


def test_a_plan_keeping_every_rule_has_no_finding(inp, even_plan):
    assert findings(inp, even_plan) == []


def test_each_rule_broken_is_found(inp, even_plan):
    assert ("cycle", "III.4", (2023,)) in rules(inp, even_plan, III_4_2023=0, III_4_2021=3)
    assert ("recurring", "VIII.6", (2021, 2022)) in rules(inp, even_plan, VIII_6_2021=20, VIII_6_2022=10)
    assert ("annual", "V.1", (2024,)) in rules(inp, even_plan, V_1_2024=0, V_1_2025=2)
    lump = rules(inp, even_plan, III_5_2021=33, III_5_2022=3, III_5_2023=3, III_5_2024=3, III_5_2025=3)
    assert ("lump", "III.5", (2021,)) in lump
    # a district round carries at most 3 prizes (L02: 120 prizes for 45 rounds, rounded up)
    over = rules(inp, even_plan, III_7_2022=3 * even_plan[("III.5", 2022)] + 1)
    assert ("link", "III.7", (2022,)) in over
    assert rules(inp, even_plan, III_7_2022=3 * even_plan[("III.5", 2022)]) == set()


def test_the_lump_rule_rounds_half_up(inp, even_plan):
    """⌈x/2⌉, not ⌊x/2⌋: an odd total over two years (3 = 2 + 1) is not a lump."""
    assert most_in_a_year(3) == 2 and most_in_a_year(4) == 2 and most_in_a_year(1) == 1
    plan = {k: v for k, v in even_plan.items() if k[0] != "III.3"}
    plan[("III.3", 2021)], plan[("III.3", 2024)] = 2, 1
    assert not any(f.task_id == "III.3" for f in findings(inp, plan))
    plan[("III.3", 2021)] = 3
    assert ("lump", "III.3", (2021,)) in {(f.rule, f.task_id, f.where) for f in findings(inp, plan)}


def test_stated_reasons_for_a_lump(inp):
    """Lumpy models (one project at a time) and provincial prizes after rounds held on their own
    cycle (2021, 2023) are exempt; district prizes, which follow rounds held every year, are not."""
    assert lump_exempt(inp, inp.task("II.1")) and lump_exempt(inp, inp.task("III.8"))
    assert not lump_exempt(inp, inp.task("III.7")) and not lump_exempt(inp, inp.task("III.5"))


def test_the_rules_as_bounds_of_a_schedule(inp):
    bounds = rhythm_bounds(inp, {"VIII.6": 74, "V.1": 5, "III.5": 9, "II.1": 2, "III.4": 3})
    assert bounds[("VIII.6", 2021)] == (14, 15)
    assert bounds[("V.1", 2023)] == (1, 3)
    assert bounds[("III.5", 2022)] == (0, 5)
    assert ("II.1", 2021) not in bounds
    assert bounds[("III.4", 2021)] == (1, 2)


def test_no_structure_no_rhythm(baseline_scenario, even_plan):
    plain = model_input(baseline_scenario.derive("plain", structure=False))
    lumpy = dict(even_plan)
    lumpy[("VIII.6", 2021)] = 40
    assert findings(plain, lumpy) == []

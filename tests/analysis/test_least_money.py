"""Exact least amounts: the elastic model (the same rows as every model) gives whole đồng; every
figure is verified by re-solving: it suffices, and one đồng less does not."""

from __future__ import annotations

from fractions import Fraction

import pytest

import kgkc_opt as kg
from kgkc_opt.analysis.repairs import DONG, explain_infeasible, is_least, least_extra, least_money, raised
from kgkc_opt.model.data import model_input
from kgkc_opt.solver.decompose import optimise


def carry_program(cap_2021: float = 72, cap_2022: float = 10, quantity_x: int = 2) -> kg.Program:
    """Two years; task X (100 for ``quantity_x`` units, local budget) may run only in 2022; another
    task in 2021."""
    return kg.program_from_dict({
        "format": "kgkc-program/1", "id": "carry", "title": "carry", "period": {"start": 2021, "end": 2022},
        "annual_budget": {"years": {2021: {"total": cap_2021, "state": cap_2021, "other": 0},
                                    2022: {"total": cap_2022, "state": cap_2022, "other": 0}}},
        "support_rules": {"norm": {"max_state_share": 1, "citation": "test"}},
        "groups": [{"id": "A", "name": "A"}],
        "tasks": [
            {"id": "X", "group": "A", "name": "X", "unit": "u", "quantity": quantity_x, "years": [2022],
             "cost": {"total": 100, "state": 100, "other": 0}, "support_rule": "norm"},
            {"id": "Y", "group": "A", "name": "Y", "unit": "u", "quantity": 1, "years": [2021],
             "cost": {"total": 1, "state": 1, "other": 0}, "support_rule": "norm"},
        ],
    })


def feasible(scenario: kg.Scenario) -> bool:
    return optimise(model_input(scenario), tie_break=False).status.has_plan


def test_carry_over_repairs_are_the_least_amounts():
    """With carry-over, 2021's 72 reaches 2022: 18 more (in either year) lets the floor of 2 units
    of 50 be met, and lowering the floor to 1 suffices (the repair model has the carry rows)."""
    scenario = kg.baseline(carry_program()).derive("carry", floors={"X": 2}, carry_over=True)
    assert not feasible(scenario)
    explanation = explain_infeasible(scenario)
    repairs = {r.kind: r for r in explanation.repairs}
    money = repairs["extra-local"]
    added = sum(Fraction(repr(v)) - scenario.local_budget[y] for y, v in money.changes["budget"].items())
    assert added == 18
    assert money.verified and money.minimal
    assert repairs["lower-floors"].changes == {"floors": {"X": 1}}
    assert repairs["lower-floors"].verified and repairs["lower-floors"].minimal
    # and the figures are what re-solving says: 18 suffices, 18 less one đồng does not
    assert feasible(scenario.derive(budget={2022: 10 + 18}))
    assert not feasible(scenario.derive(budget={2022: float(Fraction(10) + 18 - Fraction(1, DONG))}))
    assert feasible(scenario.derive(floors={"X": 1}))


def test_amounts_in_fractions_of_a_dong_are_repaired_to_the_dong_rounded_up():
    """A unit cost of 100/3 million: two units need 66.666...67 million, a fraction of a đồng that
    no cap can hold; the least extra is whole đồng, rounded up (never to the nearest), and suffices."""
    scenario = kg.baseline(carry_program(72, 10, quantity_x=3)).derive("thirds", floors={"X": 2})
    inp = model_input(scenario)
    status, extra = least_extra(inp, lines=("local",))
    assert status.has_plan
    assert sum(extra.values()) == 56_666_667  # 200/3 - 10 = 56.6666...6 million: 56,666,666.67 đồng
    assert optimise(raised(inp, extra), tie_break=False).status.has_plan
    less = {k: v - 1 if v == max(extra.values()) else v for k, v in extra.items()}
    assert not optimise(raised(inp, less), tie_break=False).status.has_plan
    assert is_least(inp, extra, lines=("local",))


def test_the_decision_needs_one_million_more_in_any_single_year(baseline_scenario):
    """The table needs 24,051 of local budget against 24,050: 1 million more, in any one year,
    meets every target after re-planning (the old brief said "at least 3 million")."""
    least = least_money(baseline_scenario)
    assert least.total == 1 and least.verified
    assert least.single_year == {y: Fraction(1) for y in range(2021, 2026)}
    for year in range(2021, 2026):
        more = baseline_scenario.derive(f"+1-{year}", budget={year: float(baseline_scenario.local_budget[year] + 1)})
        assert kg.solve(more).shortfalls.empty


def test_a_twenty_percent_cut_needs_4811_to_meet_every_target(cut20_scenario):
    least = least_money(cut20_scenario, single_years=False)
    assert least.total == 4811 and least.verified
    total = sum(least.per_year.values(), Fraction(0))
    assert total == 4811
    changes = {y: float(cut20_scenario.local_budget[y] + v) for y, v in least.per_year.items()}
    assert kg.solve(cut20_scenario.derive("4811 more", budget=changes)).shortfalls.empty


def test_least_money_of_a_goal_no_money_reaches():
    """Co-funding cannot buy local-budget tasks: no amount of co-funding meets every target."""
    scenario = kg.baseline(carry_program()).derive("cof", floors={"X": 2})
    least = least_money(scenario, source="cofunding", goal="feasible", single_years=False)
    assert least.total is None


@pytest.mark.parametrize("year", [2021, 2022])
def test_single_year_minimum_is_checked_on_that_year(year):
    scenario = kg.baseline(carry_program()).derive("y", floors={"X": 2}, carry_over=True)
    least = least_money(scenario, goal="feasible")
    assert least.single_year[year] == 18  # carried from 2021, or added in 2022


def test_the_least_money_spread_as_the_caps_spread_it(cut20_scenario):
    """Issue 24 item 2: the least amount spread over the years as the annual caps spread the money
    (not all in one year): it suffices (re-solved: every target met, its plan keeps the program's
    rhythm), and the same spread of one đồng less does not (re-solved by the plain solve)."""
    from kgkc_opt.analysis.adoptability import adoptability, describe
    from kgkc_opt.analysis.repairs import spread_amounts

    least = least_money(cut20_scenario, single_years=False, spread=True)
    assert least.spread and least.spread_verified
    spread = sum(least.spread.values(), Fraction(0))
    assert spread >= least.total
    caps = cut20_scenario.local_budget
    whole = sum(caps.values(), Fraction(0))
    dong = {y: v * DONG for y, v in least.spread.items()}
    assert set(dong) == set(caps)
    total = round(spread * DONG) - len(caps)  # E, up to one đồng a year of rounding up
    for e in range(total, total + len(caps) + 1):  # E is the one whose rounded-up parts give the spread
        if all(dong[y] == -(-e * caps[y] // whole) for y in caps):
            break
    else:
        pytest.fail("the spread is not the caps' proportions of one total, rounded up")

    def solved(amounts):
        changes = {y: float(caps[y] + Fraction(n, DONG)) for (_, y), n in amounts.items()}
        return kg.solve(cut20_scenario.derive("spread", budget=changes))

    enough = solved({("local", y): int(v) for y, v in dong.items()})
    assert enough.shortfalls.empty
    inp = model_input(cut20_scenario.derive("spread", budget={y: float(caps[y] + v) for y, v in least.spread.items()}))
    notes = adoptability(inp, enough.plan, enough.rhythm)
    assert notes == [], [describe(n) for n in notes]
    assert least.spread_rhythm == ()
    less = solved(spread_amounts(model_input(cut20_scenario), ("local",), e - 1))
    assert not less.shortfalls.empty

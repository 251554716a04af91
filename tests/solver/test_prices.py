"""Shadow prices keyed by the cap row's typed identity (kgkc_opt/solver/prices.py), and the budget
table reading them (kgkc_opt/solver/tables.py): every priced row has a price, a wrong key fails."""

from __future__ import annotations

import pytest

import kgkc_opt as kg
from kgkc_opt.inputs.effects import MoneyLine
from kgkc_opt.model.data import model_input
from kgkc_opt.solver import decompose
from kgkc_opt.solver.prices import CapRow, no_prices, plan_lp_prices, shadow_prices
from kgkc_opt.solver.tables import table_rows
from tests.support.paths import FIXTURES


@pytest.fixture(scope="module")
def solved():
    scn = kg.load_scenario(FIXTURES / "tiny-baseline.yaml")
    inp = model_input(scn)
    plan = decompose.optimise(inp).plan
    assert plan is not None
    return scn, inp, plan


def test_every_priced_line_has_a_price_in_every_planned_year(solved):
    _, inp, plan = solved
    prices = shadow_prices(inp, plan)
    assert set(prices) == {CapRow(line, y) for line in MoneyLine for y in inp.planned_years}
    assert set(no_prices(inp)) == set(prices) and not any(no_prices(inp).values())
    _, ranges = plan_lp_prices(inp, plan, ranging=True)
    assert set(ranges) <= set(prices)


def test_a_wrong_key_fails_loudly_and_the_table_reads_the_prices_it_was_given(solved):
    scn, inp, plan = solved
    prices = shadow_prices(inp, plan)
    with pytest.raises(KeyError):
        prices[CapRow(MoneyLine.LOCAL_BUDGET, inp.years[0] - 1)]
    marked = {row: float(i + 1) for i, row in enumerate(prices)}
    rows = table_rows(scn, inp, plan, marked).budget
    got = {(r.year, r.source): r.shadow_price for r in rows}
    for row, price in marked.items():
        assert got[(row.year, "local" if row.line is MoneyLine.LOCAL_BUDGET else "cofunding")] == price
    incomplete = dict(marked)
    del incomplete[CapRow(MoneyLine.COFUNDING, inp.planned_years[-1])]
    with pytest.raises(KeyError):
        table_rows(scn, inp, plan, incomplete)


def test_no_price_is_negative_and_a_cap_with_money_left_over_has_price_zero(solved):
    _, inp, plan = solved
    prices = shadow_prices(inp, plan)
    assert all(p >= 0 for p in prices.values())
    # co-funding is ample in the tiny program (only A.2 needs it): one more million buys nothing
    assert all(p == 0 for row, p in prices.items() if row.line is MoneyLine.COFUNDING)


def test_ranging_gives_the_caps_between_which_each_price_holds(solved):
    _, inp, plan = solved
    prices, held = plan_lp_prices(inp, plan, ranging=True)
    assert prices == shadow_prices(inp, plan)
    for year in inp.planned_years:
        low, high = held[CapRow(MoneyLine.LOCAL_BUDGET, year)]
        assert low <= float(inp.local_budget[year]) <= high

"""Shadow prices of the annual caps (``solver.prices``): from the LP at the plan, never negative,
zero on a cap with money left over; with ranging, the caps between which each price holds."""

from __future__ import annotations

import pytest

import kgkc_opt as kg
from kgkc_opt.model.data import model_input
from kgkc_opt.solver.prices import PRICED_ROWS, plan_lp_prices, shadow_prices
from tests.support.paths import FIXTURES


@pytest.fixture(scope="module")
def solved() -> tuple[kg.Scenario, kg.Result]:
    scenario = kg.load_scenario(FIXTURES / "tiny-baseline.yaml")
    return scenario, kg.solve(scenario)


def test_every_cap_row_is_priced_and_no_price_is_negative(solved) -> None:
    scenario, result = solved
    inp = model_input(scenario)
    prices = shadow_prices(inp, result.plan)
    assert {key.split("[")[0] for key in prices} == set(PRICED_ROWS)
    assert {key for key in prices if key.startswith("local_cap")} == {f"local_cap[{y}]" for y in (2021, 2022, 2023)}
    assert all(p >= 0 for p in prices.values())


def test_a_cap_with_money_left_over_has_price_zero(solved) -> None:
    scenario, result = solved
    prices = shadow_prices(model_input(scenario), result.plan)
    # co-funding is ample in the tiny program (only A.2 needs it): one more million buys nothing
    assert all(prices[key] == 0 for key in prices if key.startswith("cofunding_cap"))


def test_ranging_gives_the_caps_between_which_each_price_holds(solved) -> None:
    scenario, result = solved
    inp = model_input(scenario)
    prices, held = plan_lp_prices(inp, result.plan, ranging=True)
    assert prices == shadow_prices(inp, result.plan)
    for year in (2021, 2022, 2023):
        low, high = held[f"local_cap[{year}]"]
        assert low <= float(inp.local_cap[year]) <= high

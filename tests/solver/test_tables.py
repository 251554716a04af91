"""The tables of a plan (``solver.tables``), from a plan written here on the tiny program (unit
costs: A.1 10 local; A.2 20 local + 20 co-funding; B.1 15; B.2 50; caps 72 local, 30 co-funding)."""

from __future__ import annotations

import math

import pytest

import kgkc_opt as kg
from kgkc_opt.model.data import model_input
from kgkc_opt.model.lines import no_prices
from kgkc_opt.solver.tables import achievement_frame, allocation_frame, budget_frame, table_rows
from tests.support.paths import FIXTURES

PLAN = {("A.1", 2021): 2, ("A.1", 2022): 2, ("A.2", 2021): 1, ("B.2", 2022): 1, ("B.1", 2023): 3}


@pytest.fixture(scope="module")
def rows():
    scenario = kg.load_scenario(FIXTURES / "tiny-baseline.yaml")
    return table_rows(scenario, (inp := model_input(scenario)), PLAN, no_prices(inp))


def test_allocation_has_a_row_per_allowed_year_with_its_spend(rows) -> None:
    by_key = {(r.task_id, r.year): r for r in rows.allocation}
    assert set(by_key) == {(t, y) for t in ("A.1", "A.2") for y in (2021, 2022, 2023)} | {
        ("B.1", 2021), ("B.1", 2023), ("B.2", 2022)}
    a2 = by_key["A.2", 2021]
    assert (a2.quantity, a2.local_budget, a2.cofunding) == (1, 20, 20)
    assert by_key["A.1", 2023].quantity == 0


def test_achievement_counts_units_against_targets(rows) -> None:
    by_task = {r.task_id: r for r in rows.achievement}
    assert (by_task["A.1"].achieved, by_task["A.1"].target, by_task["A.1"].shortfall) == (4, 6, 2)
    assert by_task["A.1"].share == pytest.approx(4 / 6)
    assert (by_task["B.1"].share, by_task["B.1"].shortfall) == (1.0, 0)
    assert by_task["B.1"].largest_year_share == 1.0  # all three events in 2023
    assert by_task["A.1"].largest_year_share == 0.5


def test_a_task_with_nothing_planned_has_no_largest_year_share() -> None:
    scenario = kg.load_scenario(FIXTURES / "tiny-baseline.yaml")
    rows = table_rows(scenario, (inp := model_input(scenario)), {("A.1", 2021): 1}, no_prices(inp))
    assert math.isnan({r.task_id: r for r in rows.achievement}["B.2"].largest_year_share)


def test_budget_rows_give_cap_use_and_slack_per_year_and_source(rows) -> None:
    by_key = {(r.year, r.source): r for r in rows.budget}
    assert set(by_key) == {(y, s) for y in (2021, 2022, 2023) for s in ("local", "cofunding")}
    local_2022 = by_key[2022, "local"]  # 2 × 10 + 50
    assert (local_2022.cap, local_2022.used, local_2022.slack) == (72, 70, 2)
    assert (by_key[2021, "local"].used, by_key[2023, "local"].used) == (40, 45)
    cofunding_2021 = by_key[2021, "cofunding"]
    assert (cofunding_2021.used, cofunding_2021.slack, by_key[2022, "cofunding"].used) == (20, 10, 0)
    assert all(r.shadow_price == 0 for r in rows.budget)  # no prices given


def test_the_frames_are_the_rows_as_tidy_tables(rows) -> None:
    alloc, achievement, budget = allocation_frame(rows), achievement_frame(rows), budget_frame(rows)
    assert list(alloc.index.names) == ["task_id", "year"] and alloc.loc[("B.2", 2022), "quantity"] == 1
    assert achievement.index.name == "task_id" and achievement.loc["A.1", "achieved"] == 4
    assert list(budget.index.names) == ["year", "source"] and budget.loc[(2022, "local"), "used"] == 70

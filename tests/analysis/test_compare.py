"""Comparing scenarios: input differences beside their effects, measured against the first."""

from __future__ import annotations

from fractions import Fraction

import pandas as pd
import pytest

from kgkc_opt.analysis.compare import compare, input_table
from tests.support.scenarios import exact_objective, solved


@pytest.fixture(scope="module")
def base_vs_cut():
    (b, rb), (c, rc) = solved("baseline"), solved("cut-20pct")
    return (b, rb), (c, rc), compare([rb, rc], [b, c])


def test_summary(base_vs_cut):
    (b, rb), (c, rc), comp = base_vs_cut
    assert comp.names == ("baseline", "cut-20pct")
    s = comp.summary
    assert list(s.columns) == ["status", "policy", "objective", "objective_change", "tasks_short", "min_share",
                               "local_used", "cofunding_used", "cofunding_lost"]
    # co-funding the targets would mobilise (23,535) less what each plan mobilises
    assert s.loc["baseline", "cofunding_lost"] == pytest.approx(23535 - s.loc["baseline", "cofunding_used"])
    assert s.loc["baseline", "objective_change"] == 0
    change = exact_objective(c, rc) - exact_objective(b, rb)
    assert change == Fraction(-609, 1050)  # -0.58
    assert s.loc["cut-20pct", "objective_change"] == pytest.approx(float(change), abs=1e-9)
    assert s["tasks_short"].tolist() == [1, 2]
    assert s.loc["baseline", "local_used"] == pytest.approx(rb.budget.xs("local", level="source")["used"].sum())
    assert s.loc["cut-20pct", "local_used"] <= float(sum(c.local_budget.values())) + 1e-9


def test_inputs_show_only_what_differs(base_vs_cut):
    _, _, comp = base_vs_cut
    inputs = comp.inputs
    assert list(inputs.index) == [f"budget.{y}" for y in range(2021, 2026)]
    assert list(inputs.columns) == ["baseline", "cut-20pct"]
    assert inputs.loc["budget.2024"].tolist() == ["4938", "3950.4"]


def test_tasks_years_allocation(base_vs_cut):
    (_, rb), (_, rc), comp = base_vs_cut
    tasks = comp.tasks
    assert tasks.index.names == ["scenario", "task_id"]
    assert {"target", "achieved", "share", "shortfall", "local_budget", "cofunding", "achieved_change",
            "local_budget_change"} <= set(tasks.columns)
    ii2 = tasks.loc[("cut-20pct", "II.2")]
    assert (ii2["achieved"], ii2["achieved_change"]) == (12, -16)
    assert ii2["local_budget"] == 3600 and ii2["local_budget_change"] == -4800
    assert (tasks.xs("baseline", level="scenario")["achieved_change"] == 0).all()
    years = comp.years
    assert years.index.names == ["scenario", "year", "source"]
    for y in range(2021, 2026):
        used = rc.budget.loc[(y, "local"), "used"]
        before = rb.budget.loc[(y, "local"), "used"]
        assert years.loc[("cut-20pct", y, "local"), "used_change"] == pytest.approx(used - before)
    alloc = comp.allocation
    assert alloc.index.names == ["scenario", "task_id", "year"]
    assert alloc.xs("cut-20pct", level="scenario")["quantity"].sum() == rc.allocation["quantity"].sum()


def test_shortfalls_side_by_side(base_vs_cut):
    _, _, comp = base_vs_cut
    short = comp.shortfalls()
    assert list(short.columns) == ["target", "baseline", "cut-20pct"]
    assert short.to_dict("index") == {
        "II.2": {"target": 28, "baseline": 28, "cut-20pct": 12},
        "III.8": {"target": 210, "baseline": 209, "cut-20pct": 210},
        "VIII.6": {"target": 75, "baseline": 75, "cut-20pct": 74},
    }


def test_three_scenarios_with_different_tasks_and_years():
    names = ["baseline", "targets-changed", "replan-2023"]
    pairs = [solved(n) for n in names]
    comp = compare([r for _, r in pairs], [s for s, _ in pairs])
    inputs = comp.inputs
    assert inputs.loc["targets.VIII.7"].tolist() == ["-", "6", "-"]
    assert inputs.loc["targets.V.2"].tolist() == ["3", "0", "3"]
    assert inputs.loc["replan_from"].tolist() == ["-", "-", "2023"]
    assert "budget.2021" not in inputs.index
    # replan-2023: 42 provincial prizes were paid in 2022 without a provincial round (the actuals);
    # with one round left (2023), 70 more at most: III.8 ends short as well as II.2
    assert comp.summary["tasks_short"].tolist() == [1, 0, 2]
    # the re-planned scenario has no plan for 2021-2022
    local = comp.years.xs("local", level="source")["used"].unstack("scenario")
    assert pd.isna(local.loc[2021, "replan-2023"]) and not pd.isna(local.loc[2023, "replan-2023"])


def test_same_scenario_twice_gets_numbered_names():
    b, rb = solved("baseline")
    comp = compare([rb, rb], [b, b])
    assert comp.names == ("1:baseline", "2:baseline")
    assert len(comp.inputs) == 0
    assert (comp.summary["objective_change"] == 0).all()


def test_compare_needs_two():
    b, rb = solved("baseline")
    with pytest.raises(ValueError, match="at least two"):
        compare([rb], [b])
    with pytest.raises(ValueError):
        compare([rb, rb], [b])


def test_input_table_lists_escalation_and_carry_over():
    scenarios = [solved(n)[0] for n in ("baseline", "escalation-5pct", "carry-over-cut-10pct")]
    table = input_table(scenarios)
    assert table.loc["escalation"].tolist() == ["none", "5.00%/yr from 2021", "none"]
    assert table.loc["carry_over"].tolist() == ["false", "false", "true"]


def test_compare_with_an_infeasible_scenario():
    pairs = [solved("baseline"), solved("floors-infeasible")]
    comp = compare([r for _, r in pairs], [s for s, _ in pairs])
    assert comp.summary.loc["floors-infeasible", "status"] == "infeasible"
    short = comp.shortfalls()
    assert "floors-infeasible" in short.columns

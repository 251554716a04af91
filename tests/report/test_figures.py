"""The gains table in words: a result that moves against the money says which cut pays for it."""

from __future__ import annotations

import kgkc_opt as kg
from kgkc_opt.analysis.gains import exact_gains, gains_frame
from kgkc_opt.report import figures


def test_a_gain_with_less_money_names_the_cut_that_pays_for_it(baseline_scenario, baseline_result):
    # at the full budget III.8 is 209/210; 1 billion less in 2021 meets it, by cutting II.2
    frame = gains_frame(exact_gains(baseline_scenario, baseline_result, years=[2021], every_year=False))
    less = kg.solve(baseline_scenario.derive(budget={2021: float(baseline_scenario.local_budget[2021]) - 1000}))
    change = less.achievement["achieved"] - baseline_result.achievement["achieved"]
    assert change["III.8"] == 1 and change["II.2"] < 0  # independently: the re-solve moves them so
    rows = figures.gains_rows(frame, baseline_scenario.program, "en", "local", baseline_result.max_objective)
    (row,) = [r for r in rows if r["amount"] < 0]
    assert "III.8 gains, paid with the money freed by cutting II.2" in row["text"]
    vi = figures.gains_rows(frame, baseline_scenario.program, "vi", "local", baseline_result.max_objective)
    less_vi = next(r for r in vi if r["amount"] < 0)
    assert "phần tăng của III.8 được trả bằng vốn giải phóng khi cắt II.2" in less_vi["text"]


def test_a_plain_gain_says_nothing_more(baseline_scenario):
    assert figures.freed_text({"II.2": 3}, 1000.0, baseline_scenario.program, "en") == ""
    assert figures.freed_text({"II.2": -3}, -1000.0, baseline_scenario.program, "en") == ""
    assert "gives way" in figures.freed_text({"II.2": -1, "III.8": 2}, 1000.0, baseline_scenario.program, "en")

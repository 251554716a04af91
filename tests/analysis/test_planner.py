"""The planner-level helpers (notebooks 06 and 07): a program drafted within an envelope, and the
annual proposals as a table and as revised mid-year."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

import kgkc_opt as kg
from kgkc_opt.errors import UsageError

ROOT = Path(__file__).resolve().parents[2]
ENVELOPE = {y: {"national": 1000, "local": 6800 + 200 * i, "establishments": 10000}
            for i, y in enumerate(range(2026, 2031))}


@pytest.fixture(scope="module")
def drafted():
    program = kg.with_envelope(kg.load_program("an-giang-2026-2030-illustrative"), ENVELOPE, id="draft")
    result = kg.solve(program)
    return program, result, kg.draft_from_plan(program, result)


def test_the_envelope_is_the_annual_table_and_the_targets_are_the_quantities():
    bundled = kg.load_program("an-giang-2026-2030-illustrative")
    program = kg.with_envelope(bundled, ENVELOPE, id="draft", title={"vi": "Dự thảo", "en": "Draft"})
    assert program.id == "draft" and program.title.vi == "Dự thảo"
    assert [t.id for t in program.tasks] == [t.id for t in bundled.tasks]
    for year, by_source in ENVELOPE.items():
        budget = program.annual_budget[year]
        assert {s.id: budget.amount(s) for s in program.funding_sources} == by_source
        assert budget.total == sum(by_source.values())
    assert not program.targets


def test_unit_costs_follow_the_support_rule_in_force(drafted):
    program, _, _ = drafted
    costs = kg.unit_costs(program, "II.2")
    before, after = costs.loc[2027], costs.loc[2028]
    assert before.sum() == after.sum()                     # the unit costs the same in all
    assert before["local"] - after["local"] == after["establishments"] - before["establishments"] > 0
    with pytest.raises(UsageError, match="no task"):
        kg.unit_costs(program, "IX.9")
    table = kg.unit_cost_table(program)
    assert list(table.index) == [t.id for t in program.tasks]
    assert (table["min"] <= table["max"]).all()


@pytest.mark.slow
def test_the_draft_states_the_plan_and_audits_clean(drafted):
    program, result, draft = drafted
    assert draft.split == ("II.2",)
    used = result.budget["used"]
    for year, by_source in draft.spent.items():
        assert float(sum(by_source.values())) == pytest.approx(float(used.xs(year, level="year").sum()), abs=1e-6)
    # the annual table is the plan's year sums, the stated totals their sum
    for year, budget in draft.program.annual_budget.items():
        assert budget.total == sum(draft.spent[year].values())
    units = {t.id: sum(result.plan.get((t.id, y), 0) for y in t.years) for t in program.tasks}
    stated = {t.id: t.quantity for t in draft.program.tasks}
    assert stated["II.2.1"] + stated["II.2.2"] == units["II.2"]
    assert not [f for f in kg.audit(draft.program, schedule=True) if f.severity in ("error", "warning")]
    again = kg.solve(draft.program)
    assert again.objective == pytest.approx(again.max_objective)
    assert draft.task_table().loc["II.2.2", "total"] == float(draft.program.task("II.2.2").cost.total)
    assert draft.annual_table().loc["Tổng (total)", "total"] == float(sum(b.total for b in
                                                                         draft.program.annual_budget.values()))


@pytest.mark.slow
def test_an_unsplit_row_overstates_the_state_column_by_the_rule_change(drafted):
    program, result, _ = drafted
    unsplit = kg.draft_from_plan(program, result, split=False)
    assert unsplit.split == ()
    costs = kg.unit_costs(program, "II.2")
    after = sum(result.plan.get(("II.2", y), 0) for y in program.task("II.2").years if y >= 2028)
    excess = after * (costs.loc[2026, "local"] - costs.loc[2028, "local"])
    errors = [f for f in kg.audit(unsplit.program) if f.code == "column-vs-annual-table"]
    assert errors and any(f"difference {excess:,.0f}" in f.message for f in errors)


def test_proposals_frame_and_revise():
    program = kg.load_program()
    proposals = kg.load_proposals(ROOT / "scenarios" / "proposals-2024.csv", program)
    frame = kg.proposals_frame(proposals)
    assert list(frame["id"]) == [p.id for p in proposals.items]
    assert frame["requested"].sum() == pytest.approx(float(sum(p.requested for p in proposals.items)))
    first, second, third = (p.id for p in proposals.items[:3])
    old = proposals.by_id()[third]
    revised = kg.revise(proposals, started=[first], withdrawn=[second], total_cost={third: 2 * old.total_cost})
    by_id = revised.by_id()
    assert by_id[first].started and not by_id[first].withdrawn
    assert by_id[second].withdrawn and not by_id[second].started
    assert by_id[third].total_cost == 2 * old.total_cost and by_id[third].requested == old.requested
    assert by_id[third].cofunding == 2 * old.total_cost - old.requested
    assert len(revised) == len(proposals) and proposals.by_id()[first].started is False
    with pytest.raises(UsageError, match="no proposal XX"):
        kg.revise(proposals, withdrawn=["XX"])
    with pytest.raises(UsageError, match="below its request"):
        kg.revise(proposals, total_cost={third: old.requested - Fraction(1)})

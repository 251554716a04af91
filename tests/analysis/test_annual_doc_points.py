"""docs/annual-plan.md, "Ten points, precisely": the points checked by selecting again (the small
proposals file of tests/annual_proposals.py, 2024, with the bundled Kiên Giang program)."""

from __future__ import annotations

from fractions import Fraction

import pytest

import kgkc_opt as kg
from kgkc_opt.solver.status import Status
from tests.support.annual_proposals import write_proposals

#: a III.8 proposal (provincial prizes) alone in its region
III_8 = "KG-2024-010,Chi thưởng sản phẩm tiêu biểu,Cơ sở Mười,Xã Mười,Khu Mười,III.8,1,10,5,5,50,,có,có,có,không,không"
#: a III.6 proposal, withdrawn
III_6 = "KG-2024-011,Tư vấn,Cơ sở Mười Một,Xã Mười Một,Khu Mười Một,III.6,1,60,30,30,50,,có,có,có,không,có"


@pytest.fixture(scope="module")
def program() -> kg.Program:
    return kg.load_program()


def load(tmp_path, program, *rows: str) -> kg.Proposals:
    return kg.load_proposals(write_proposals(tmp_path / "p.csv", extra_rows=rows), program)


def test_a_linked_task_does_not_run_in_a_year_without_its_leader(tmp_path, program):
    """Point 1: III.8 follows III.4's award rounds (2021, 2023): in 2024 it does not run."""
    assert 2024 in program.task("III.8").years  # as the decision's table lists it
    result = kg.annual(load(tmp_path, program, III_8), 2024, scenario=program, rules=kg.Rules(budget=Fraction(1200)))
    d = next(d for d in result.decisions if d.proposal.id == "KG-2024-010")
    assert d.status == "not_funded" and d.reasons[0].code == "quantity_met"
    assert d.reasons[0].text.en == "Task III.8 does not run in 2024 under the program."


def test_min_per_region_can_leave_no_selection(tmp_path, program):
    """Point 2: min(k, the region's proposals past the door) is asked even where none can be funded."""
    result = kg.annual(load(tmp_path, program, III_8), 2024, scenario=program,
                       rules=kg.Rules(budget=Fraction(1200), min_per_region=1))
    assert result.status == Status.INFEASIBLE and result.decisions == ()


def test_a_withdrawn_proposal_still_serves_its_task(tmp_path, program):
    """Point 4: a task with only a withdrawn row is not the Department's own: its planned spending in
    the year stays in the budget for proposals."""
    without = kg.annual(load(tmp_path, program), 2024, scenario=program)
    (tmp_path / "p.csv").unlink()
    with_row = kg.annual(load(tmp_path, program, III_6), 2024, scenario=program)
    assert with_row.budget > without.budget
    assert with_row.local_budget == without.local_budget == program.annual_budget[2024].state


"""How a solve ended (``solver.status.Status``): only optimal and feasible stops have a plan."""

from __future__ import annotations

from kgkc_opt.solver.status import Status


def test_only_optimal_and_feasible_have_a_plan() -> None:
    assert {s for s in Status if s.has_plan} == {Status.OPTIMAL, Status.FEASIBLE}
    assert Status("no_solution") is Status.NO_SOLUTION

"""The PuLP door to the solvers (``solver.pulp_model``): a linear model as a PuLP problem with the
same rows under safe names, solved by CBC or by PuLP's HiGHS to the same answer."""

from __future__ import annotations

import pytest

from kgkc_opt.errors import SolverUnavailableError
from kgkc_opt.model.linear import INF, LinearModel, RowInfo
from kgkc_opt.solver.pulp_model import PulpBackend, find_cbc, pulp_name, to_pulp
from kgkc_opt.solver.status import Status


def _knapsack() -> LinearModel:
    """max 3 a + 2 b (minimised as its negative) with 2 a + b <= 5, a <= 2, 1 <= b <= 3, integers:
    a = 1, b = 3 gives 9 (a = 2, b = 1 only 8)."""
    m = LinearModel("full")
    a = m.col("q[A.1,2021]", 0, 2, integer=True, cost=-3.0)
    b = m.col("q[B.1,2021]", 0, 3, integer=True, cost=-2.0)
    m.row("local_cap[2021]", [(a, 2.0), (b, 1.0)], -INF, 5.0, RowInfo("local_cap[2021]", "money", "local", year=2021))
    m.row("floor[B.1]", [(b, 1.0)], 1.0, INF, RowInfo("floor[B.1]", "floors", "B.1", task_id="B.1"))
    m.variables = {("A.1", 2021): a, ("B.1", 2021): b}
    return m


def test_names_are_made_safe_for_pulp() -> None:
    assert pulp_name("local_cap[2023]") == "local_cap_2023"
    assert pulp_name("line_cap[group_caps.III,2024]") == "line_cap_group_caps_III_2024"


def test_the_problem_has_the_model_rows_under_their_keys() -> None:
    built = to_pulp(_knapsack())
    assert built.pulp_names == {"local_cap[2021]": "local_cap_2021", "floor[B.1]": "floor_B_1"}
    assert built.constraint("local_cap[2021]") is not None
    assert set(built.variables) == {("A.1", 2021), ("B.1", 2021)}
    assert built.linear is not None and built.rows["floor[B.1]"].kind == "floors"


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_both_solvers_find_the_optimum(solver: str) -> None:
    if solver == "cbc" and find_cbc() is None:
        pytest.skip("CBC is not installed")
    outcome = PulpBackend(solver).solve(_knapsack())
    assert outcome.status == Status.OPTIMAL and outcome.is_mip
    assert outcome.objective == pytest.approx(-9.0)
    assert outcome.values is not None
    assert {k: round(v) for k, v in outcome.values.items()} == {("A.1", 2021): 1, ("B.1", 2021): 3}


def test_an_unknown_solver_is_refused() -> None:
    with pytest.raises(SolverUnavailableError, match="unknown solver 'glpk'"):
        PulpBackend("glpk")

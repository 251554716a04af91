"""The typed result (``solver.result.Result``): read its status first; a result without a plan
refuses to give a plan, an objective or tables, saying why; a plan's figures agree with each other."""

from __future__ import annotations

from fractions import Fraction

import pytest

import kgkc_opt as kg
from kgkc_opt.errors import NoSolutionError
from kgkc_opt.solver.status import Status
from tests.support.paths import FIXTURES


@pytest.fixture(scope="module")
def optimal() -> kg.Result:
    return kg.solve(kg.load_scenario(FIXTURES / "tiny-baseline.yaml"))


@pytest.fixture(scope="module")
def infeasible() -> kg.Result:
    return kg.solve(kg.load_scenario(FIXTURES / "tiny-infeasible.yaml"), explain=False)


@pytest.mark.parametrize("attribute", ["plan", "objective", "exact_objective", "bound", "gap", "objective_values",
                                       "rows", "allocation", "achievement", "budget"])
def test_without_a_plan_every_figure_refuses_to_be_read(infeasible: kg.Result, attribute: str) -> None:
    assert infeasible.status == Status.INFEASIBLE and not infeasible.has_plan
    with pytest.raises(NoSolutionError, match=r"scenario 'tiny-infeasible' has no plan \(infeasible\)"):
        getattr(infeasible, attribute)


def test_a_plan_figures_agree(optimal: kg.Result) -> None:
    assert optimal.has_plan and optimal.status == Status.OPTIMAL and optimal.gap == 0
    assert optimal.bound >= optimal.objective
    assert float(optimal.exact_objective) == pytest.approx(optimal.objective, abs=1e-12)
    assert isinstance(optimal.exact_objective, Fraction)
    planned = {key: units for key, units in optimal.plan.items() if units}
    table = {(str(t), int(y)): int(q) for (t, y), q in optimal.allocation["quantity"].items() if q}
    assert planned == table
    assert next(iter(optimal.objective_values)) == "shares"


def test_tables_are_built_once_and_kept(optimal: kg.Result) -> None:
    assert optimal.allocation is optimal.allocation
    assert [r.task_id for r in optimal.rows.achievement] == list(optimal.achievement.index)

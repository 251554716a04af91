"""The exact re-check of returned plans: nothing that breaks a constraint by one đồng passes."""

from __future__ import annotations

from fractions import Fraction

import pytest

import kgkc_opt as kg
from kgkc_opt.errors import SolutionCheckError
from kgkc_opt.model import check as checks
from kgkc_opt.model.data import ModelInput, TaskSpec
from kgkc_opt.solver import decompose, run


def make_input(*, carry_over: bool = False, cap: str = "10", **task_kw) -> ModelInput:
    x = TaskSpec(task_id="X", years=(2021, 2022), target=task_kw.pop("target", 10),
                 unit_local=Fraction(task_kw.pop("local", "1")),
                 unit_cofunding=Fraction(task_kw.pop("cof", "0")), **task_kw)
    y = TaskSpec(task_id="Y", years=(2022,), target=3, unit_local=Fraction(2),
                 unit_cofunding=Fraction(1))
    return ModelInput(
        years=(2021, 2022), tasks=(x, y),
        local_budget={2021: Fraction(cap), 2022: Fraction(cap)},
        cofunding_cap={2021: Fraction(0), 2022: Fraction(2)},
        carry_over=carry_over,
    )


def test_round_plan_accepts_solver_noise_and_refuses_fractions():
    assert checks.round_plan({("X", 2021): 2.0000000004, ("X", 2022): -1e-9}) == {
        ("X", 2021): 2, ("X", 2022): 0}
    with pytest.raises(SolutionCheckError, match=r"q\[X,2021\] = 0.5"):
        checks.round_plan({("X", 2021): 0.5})
    with pytest.raises(SolutionCheckError):
        checks.round_plan({("X", 2021): 1.00001})


def test_a_valid_plan_has_no_violations():
    inp = make_input()
    plan = {("X", 2021): 10, ("Y", 2022): 2, ("X", 2022): 0}
    assert checks.violations(inp, plan) == []
    checks.check_plan(inp, plan)


def test_one_dong_over_a_cap_is_caught():
    # three units at 0.333333 = 0.999999 against a cap of 0.999998: over by 10⁻⁶ million VND
    inp = make_input(cap="0.999998", local="0.333333")
    found = checks.violations(inp, {("X", 2021): 3})
    assert len(found) == 1 and found[0].startswith("local budget 2021")
    # exactly at the cap is fine
    inp = make_input(cap="0.999999", local="0.333333")
    assert checks.violations(inp, {("X", 2021): 3}) == []


def test_cofunding_cap_is_checked():
    inp = make_input()
    found = checks.violations(inp, {("Y", 2022): 3})
    assert found == ["co-funding 2022: 3.000000 used, above 2.000000"]


@pytest.mark.parametrize(
    ("plan", "fragment"),
    [
        ({("Y", 2021): 1}, "outside its years"),
        ({("Z", 2021): 1}, "unknown task Z"),
        ({("X", 2021): -1}, "-1 units"),
        ({("X", 2021): 6, ("X", 2022): 5}, "above the remaining target 10"),
    ],
)
def test_each_kind_of_violation(plan, fragment):
    found = checks.violations(make_input(cap="100"), plan)
    assert any(fragment in f for f in found), found
    with pytest.raises(SolutionCheckError, match="violates the model"):
        checks.check_plan(make_input(cap="100"), plan)


def test_floor_and_done_units():
    inp = make_input(cap="100", floor=4)
    assert any("below the floor 4" in f for f in checks.violations(inp, {("X", 2021): 3}))
    assert checks.violations(inp, {("X", 2021): 4}) == []
    # two units already delivered count toward the floor and the target
    inp = make_input(cap="100", floor=4, done=2)
    assert checks.violations(inp, {("X", 2021): 2}) == []
    assert any("remaining target 8" in f for f in checks.violations(inp, {("X", 2021): 9}))


def test_carry_over_moves_unspent_budget_forward():
    inp = make_input(carry_over=True)
    assert checks.violations(inp, {("X", 2021): 4, ("X", 2022): 6}) == []
    assert checks.violations(inp, {("X", 2021): 0, ("X", 2022): 10}) == []
    inp = make_input(carry_over=True, target=30)
    assert checks.violations(inp, {("X", 2021): 4, ("X", 2022): 16}) == []
    assert checks.violations(inp, {("X", 2021): 4, ("X", 2022): 17}) != []
    # without carry-over the same plan is over the 2022 cap
    assert checks.violations(make_input(target=30), {("X", 2021): 4, ("X", 2022): 16}) != []


def test_solve_never_passes_on_a_bad_plan(monkeypatch, tiny_scenario):
    """If the optimiser ever returned a plan over a cap, solve() raises instead of reporting it."""
    real = decompose.optimise

    def broken(inp, **kwargs):
        out = real(inp, **kwargs)
        plan = dict(out.plan)
        plan[("B.2", 2022)] = plan.get(("B.2", 2022), 0) + 5  # far above its target of 1
        return decompose.PlanOutcome(out.status, plan, out.bound, out.method, out.message, out.timings)

    monkeypatch.setattr(run, "optimise", broken)
    with pytest.raises(SolutionCheckError, match=r"B\.2"):
        kg.solve(tiny_scenario)

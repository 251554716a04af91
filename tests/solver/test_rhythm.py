"""The program's rhythm under every policy (issue 24): the rhythm stage (``solver.rhythm``) runs for
every policy and path, keeps the policy's values, and where it cannot keep a rule the result says
which and why; a "money" reason is checked by an independent plain solve."""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest

import kgkc_opt as kg
from kgkc_opt.analysis.adoptability import adoptability, describe, unexplained
from kgkc_opt.model.adoptability import rhythm_bounds, with_rhythm_rows
from kgkc_opt.model.check import check_plan
from kgkc_opt.model.data import model_input
from kgkc_opt.model.formulations import linear_full
from kgkc_opt.model.objectives import POLICIES, policy_objectives
from kgkc_opt.solver import decompose, repair, rhythm
from kgkc_opt.solver.backend import backend_for
from kgkc_opt.solver.status import Outcome, Status

#: every policy on four programs, each rule said impossible proven again by a plain solve: minutes of
#: CPU, run in the full suite (Python 3.12+), not in the PuLP-2 compatibility selection (run_all.sh)
# slow; one worker runs the whole module (tests/run_all.sh: --dist loadgroup): `solved` is cached once
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("rhythm")]

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
#: the bundled scenarios, and the plan behind the least-money remedy a brief proposes for a 20% cut
#: (the least amount in one year: 4,811 in 2021, tests/analysis/test_least_money.py)
REMEDY = "cut-20pct+4811-in-2021"
NAMES = ("baseline", "cut-20pct", "an-giang-2026-2030", REMEDY)
#: (scenario, policy) whose values leave a rule of the rhythm impossible (proven: the "money" test
#: below re-proves it); every other pair keeps every rule. With 4,811 more in 2021 alone every target
#: is met only by paying collaborators where the money is (30, 5, 5, 5, 30): the remedy to enact is
#: the spread one (``least_money(spread=True)``), whose plan keeps every rule.
IMPOSSIBLE = {("cut-20pct", "fair"): {"recurring"},
              **{(REMEDY, policy): {"recurring"} for policy in POLICIES}}


def scenario_of(name: str) -> kg.Scenario:
    if name == REMEDY:
        cut = kg.load_scenario(SCENARIOS / "cut-20pct.yaml")
        return cut.derive(REMEDY, budget={2021: float(cut.local_budget[2021] + 4811)})
    return kg.load_scenario(SCENARIOS / f"{name}.yaml")


@cache
def solved(name: str, policy: str):
    scenario = scenario_of(name)
    result = kg.solve(scenario, policy=policy)
    return replace(model_input(scenario), policy=policy), result


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("name", NAMES)
def test_every_policy_keeps_the_rhythm_or_says_why(name, policy):
    inp, result = solved(name, policy)
    assert result.gap == 0
    notes = adoptability(inp, result.plan, result.rhythm)
    assert unexplained(notes) == [], [describe(n) for n in notes]
    assert not [n for n in notes if n.finding.rule in ("link", "cycle")]  # hard rows of every model
    money = {n.finding.rule for n in notes if n.reason == "money"}
    assert money == IMPOSSIBLE.get((name, policy), set())
    if (name, policy) not in IMPOSSIBLE:
        assert notes == [], [describe(n) for n in notes]
    # the notes are the result's (what solve prints), worded in both languages
    assert [(n.finding, n.reason) for n in notes] == [(n.finding, n.reason) for n in result.rhythm]
    assert all(describe(n, "vi") != describe(n, "en") for n in notes)


@pytest.mark.parametrize(("name", "policy"), sorted(IMPOSSIBLE))
def test_a_rule_said_impossible_is_impossible(name, policy):
    """Re-proved by the plain full model (no decomposition, no node limit): the policy's values kept
    (every objective but the final order) and the rule as rows have no plan."""
    inp, result = solved(name, policy)
    objectives = policy_objectives(inp, policy)
    keep = [(o, result.objective_values[o.key]) for o in objectives[:-1]]
    for rule in IMPOSSIBLE[(name, policy)]:
        m = with_rhythm_rows(linear_full(inp, objective=objectives[-1], keep=keep), inp, (rule,))
        assert backend_for("highs").solve(m).status == Status.INFEASIBLE
    # and without the rule the same model has a plan (the solve's own)
    m = linear_full(inp, objective=objectives[-1], keep=keep)
    assert backend_for("highs").solve(m, first_solution=True).status.has_plan


def test_the_default_plans_keep_their_values_and_rhythm(baseline_result, cut20_result):
    """The stage never changes the value of a solve: the known optima hold."""
    assert baseline_result.exact_objective == kg.solve(kg.load_scenario(SCENARIOS / "baseline.yaml"),
                                                       tie_break=False).exact_objective
    assert baseline_result.rhythm == () and cut20_result.rhythm == ()


def test_collaborators_and_annual_rows_under_keep_cofunding():
    """Issue 24: keep-cofunding paid VIII.6 9, 5, 26, 15, 20 and V.1 1, 1, 0, 0, 8 at a 20% cut."""
    _, result = solved("cut-20pct", "keep-cofunding")
    years = range(2021, 2026)
    six = [result.plan.get(("VIII.6", y), 0) for y in years]
    assert max(six) - min(six) <= 1
    for tid in ("V.1", "VIII.1", "VIII.5", "I.1"):
        assert all(result.plan.get((tid, y), 0) for y in years), tid


def test_a_large_model_s_rhythmic_schedule_takes_the_money_path(monkeypatch):
    """Above ``repair.MONEY_REPAIR_MIN_COLUMNS`` columns (no bundled model is: lowered here to force
    the path) the stage's schedules are first sought with the money rows relaxed and repaired
    (``rhythm._first``); the plan keeps the values and the rhythm, as without it."""
    inp, _ = solved("cut-20pct", "keep-cofunding")
    plain = decompose.optimise(inp)
    seen = []

    def spy(m, backend, deadline=None):
        out = repair.money_schedule(m, backend, deadline)
        seen.append(out)
        return out

    monkeypatch.setattr(rhythm, "MONEY_REPAIR_MIN_COLUMNS", 0)
    monkeypatch.setattr(rhythm, "money_schedule", spy)
    forced = decompose.optimise(inp)
    assert any(out is not None and out.status == Status.FEASIBLE for out in seen)
    check_plan(inp, forced.plan)
    assert forced.values == plain.values and forced.rhythm == plain.rhythm == ()


def test_a_money_repaired_schedule_outside_the_bounds_is_not_taken(monkeypatch):
    """``rhythm._first`` keeps a repaired schedule only within every column's bounds: else the
    search decides (here a schedule of zeros, below the rhythm's lower bounds)."""
    inp = model_input(kg.load_scenario(SCENARIOS / "baseline.yaml"))
    plan = decompose.optimise(inp).plan
    totals: dict[str, int] = {}
    for (tid, _), n in plan.items():
        totals[tid] = totals.get(tid, 0) + n
    bounds = rhythm_bounds(inp, totals)
    m = rhythm.bounded(linear_full(inp, fixed_totals=totals, objective="feasibility"), bounds)
    assert m is not None and any(low > 0 for low, _ in bounds.values())
    zeros = Outcome(Status.FEASIBLE, None, None, dict.fromkeys(m.variables, 0.0), 0.0, True)
    monkeypatch.setattr(rhythm, "MONEY_REPAIR_MIN_COLUMNS", 0)
    monkeypatch.setattr(rhythm, "money_schedule", lambda *args, **kwargs: zeros)
    status, found = rhythm._first(inp, m, backend_for("highs"), None)
    assert status == Status.OPTIMAL and found is not None
    assert rhythm._keeps_bounds(found, bounds)
    check_plan(inp, found)

"""A scenario's cap on a group of tasks in the model: ``model_input`` turns ``group_caps`` into one
``CapLine`` per group (the local budget a unit uses in each year, escalation included; only the
planned years it caps), and every solve keeps the group's spending within it, exactly, with the cap
binding where it should. An infeasible cap is explained."""

from __future__ import annotations

from fractions import Fraction

import pytest

import kgkc_opt as kg
from kgkc_opt.errors import SolutionCheckError
from kgkc_opt.inputs.scenario import scenario_from_documents
from kgkc_opt.model.check import check_plan
from kgkc_opt.model.data import model_input
from kgkc_opt.solver.result import Status
from tests.support.checks import assert_plan_valid, plan_of
from tests.support.paths import FIXTURES


@pytest.fixture(scope="module")
def tiny() -> kg.Program:
    return kg.load_program(FIXTURES / "tiny-program.yaml")


def group_spend(scenario: kg.Scenario, result: kg.Result, group: str) -> dict[int, Fraction]:
    """Local budget the plan spends on a group's tasks per year, exactly, from the scenario."""
    out: dict[int, Fraction] = {}
    for (tid, year), q in plan_of(result).items():
        task = scenario.program.task(tid)
        if task.group == group:
            out[year] = out.get(year, Fraction(0)) + scenario.unit_costs(task, year)[0] * q
    return out


def test_model_input_has_one_line_per_capped_group(tiny):
    s = kg.scenario_from_dict({"group_caps": {"A": {2021: 25, 2023: 30}, "B": 40}}, tiny)
    inp = model_input(s)
    assert [line.key for line in inp.lines] == ["group_caps.A", "group_caps.B"]
    a, b = inp.lines
    assert a.cap == {2021: 25, 2023: 30} and b.cap == {2021: 40, 2022: 40, 2023: 40}
    assert a.unit_cost == {"A.1": 10, "A.2": 20} and b.unit_cost == {"B.1": 15, "B.2": 50}
    assert a.task_ids == {"A.1", "A.2"} and a.yearly_cost is None
    assert "group A (Group A)" in a.source
    # nothing else of the model input changes
    base = model_input(kg.baseline(tiny))
    assert (inp.tasks, inp.local_budget, inp.cofunding_cap) == (base.tasks, base.local_budget, base.cofunding_cap)


def test_the_line_counts_escalated_local_costs_year_by_year(tiny):
    s = kg.scenario_from_dict({"group_caps": {"A": 40},
                               "escalation": {"rate": "10%", "base_year": 2021, "tasks": ["A.1"]}}, tiny)
    (line,) = model_input(s).lines
    assert line.cost("A.1", 2021) == 10 and line.cost("A.1", 2023) == Fraction(121, 10)  # 10 × 1.1²
    assert line.cost("A.2", 2023) == 20
    for task in s.program.tasks:
        if task.group == "A":
            for y in task.years:
                assert line.cost(task.id, y) == s.unit_costs(task, y)[0]


def test_a_task_added_to_the_group_is_on_its_line(tiny):
    new = {"id": "A.3", "group": "A", "name": "New", "unit": "class", "quantity": 2,
           "cost": {"total": 14, "state": 14, "other": 0}, "years": [2022], "support_rule": "norm"}
    (line,) = model_input(kg.scenario_from_dict({"new_tasks": [new], "group_caps": {"A": 30}}, tiny)).lines
    assert line.unit_cost["A.3"] == 7


def test_when_replanning_only_the_planned_years_are_capped(tiny):
    actuals = "task_id,year,quantity,spend\nA.1,2021,2,20\n"
    docs = [("s.yaml", {"actuals": "a.csv", "group_caps": {"A": {2021: 5, 2022: 30}}})]
    s = scenario_from_documents(docs, tiny, actuals_texts={"s.yaml": ("a.csv", actuals)})
    assert model_input(s).lines[0].cap == {2022: 30}
    # a cap only on executed years adds no line at all
    docs = [("s.yaml", {"actuals": "a.csv", "group_caps": {"A": {2021: 5}}})]
    s = scenario_from_documents(docs, tiny, actuals_texts={"s.yaml": ("a.csv", actuals)})
    assert model_input(s).lines == ()


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_the_solved_plan_keeps_within_the_cap_exactly_and_the_cap_binds(tiny, solver):
    free = kg.solve(kg.baseline(tiny), solver=solver)
    free_spend = group_spend(kg.baseline(tiny), free, "A")
    assert max(free_spend.values()) > 35  # without the cap group A uses more in some year
    s = kg.scenario_from_dict({"group_caps": {"A": 35}}, tiny)
    r = kg.solve(s, solver=solver)
    assert r.status == Status.OPTIMAL
    assert_plan_valid(s, r)
    spend = group_spend(s, r, "A")
    assert all(spend.get(y, 0) <= 35 for y in s.program.years)
    # binding: in every year, no unit of a group-A task still short of its target fits in the cap
    short = r.achievement[r.achievement["shortfall"] > 0].index
    short_a = [s.program.task(t) for t in short if s.program.task(t).group == "A"]
    assert short_a, "the cap should cost group A something"
    for y in s.program.years:
        room = 35 - spend.get(y, Fraction(0))
        fits = [t.id for t in short_a if y in t.years and s.unit_costs(t, y)[0] <= room]
        local_room = s.local_budget[y] - sum(
            (s.unit_costs(s.program.task(tid), yy)[0] * q for (tid, yy), q in plan_of(r).items() if yy == y),
            Fraction(0))
        assert not [t for t in fits if s.unit_costs(s.program.task(t), y)[0] <= local_room], (y, fits)
    assert r.objective < free.objective


def test_the_exact_recheck_refuses_a_plan_above_the_cap(tiny):
    inp = model_input(kg.scenario_from_dict({"group_caps": {"A": {2022: 30}}}, tiny))
    check_plan(inp, {("A.1", 2022): 1, ("A.2", 2022): 1})  # 30: at the cap
    with pytest.raises(SolutionCheckError, match=r"group_caps\.A 2022: 40\.0+ used, above 30"):
        check_plan(inp, {("A.1", 2022): 2, ("A.2", 2022): 1})


def test_an_infeasible_group_cap_is_explained(tiny):
    # floors need 6 × 10 + 3 × 20 = 120 of group A; A.2 fits once a year (co-funding 30 a year, 20
    # a unit), so each of 2021 and 2022 (capped at 20) holds one A.2 and no A.1, and 2023 (local
    # budget 72) one A.2 and 5 A.1: one A.1 short. The door cannot see it (group A's tasks may use
    # 2023, which is not capped); the solve finds it infeasible.
    s = kg.scenario_from_dict({"floors": {"A.1": 6, "A.2": 3}, "group_caps": {"A": {2021: 20, 2022: 20}}}, tiny)
    r = kg.solve(s)
    assert r.status == Status.INFEASIBLE and not r.has_plan
    explanation = r.explanation
    assert explanation is not None
    text = str(explanation)
    assert "is infeasible: its hard requirements conflict." in text
    assert ("scenario cap on the local budget spent on group A (Group A): at most 20 in 2021, 20 in 2022 "
            "(million VND); the floors of A.1, A.2 draw on it") in text
    # the repairs the elastic models offer are verified by solving again (none may claim to work)
    assert all(not rep.verified or kg.solve(s.derive("r", **rep.changes)).has_plan for rep in explanation.repairs)
    # and the cap raised enough makes it feasible
    assert kg.solve(s.derive("more", group_caps={"A": {2022: 30}})).has_plan
    assert not kg.solve(s.derive("less", group_caps={"A": {2022: 29}})).has_plan


def test_the_cap_is_part_of_the_input_hash(tiny):
    from kgkc_opt.solver.run import input_hash

    def fingerprint(doc: dict) -> str:
        return input_hash(model_input(kg.scenario_from_dict(doc, tiny)), {})

    hashes = {fingerprint({}), fingerprint({"group_caps": {"A": 35}}), fingerprint({"group_caps": {"A": 36}}),
              fingerprint({"group_caps": {"B": 35}}), fingerprint({"group_caps": {"A": {2021: 35}}})}
    assert len(hashes) == 5
    assert fingerprint({"group_caps": {"A": 35}}) == fingerprint({"group_caps": {"A": {"all": 35}}})

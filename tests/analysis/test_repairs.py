"""Infeasible scenarios: the conflict stated in the program's terms, and a menu of repairs that are
verified by applying them and solving again."""

from __future__ import annotations

from fractions import Fraction

import pytest
from helpers_scenarios import check_plan, example, fixture, solved

import kgkc_opt as kg
from kgkc_opt.analysis.repairs import Explanation, explain_infeasible
from kgkc_opt.cli.app import main
from kgkc_opt.model.data import model_input
from kgkc_opt.solver.decompose import optimise
from kgkc_opt.solver.result import Status


def is_feasible(scenario: kg.Scenario) -> bool:
    return optimise(model_input(scenario), time_limit=30.0).status.has_plan


@pytest.fixture(scope="module")
def floors_infeasible() -> tuple[kg.Scenario, Explanation]:
    scenario, result = solved("floors-infeasible")
    assert result.status == Status.INFEASIBLE
    return scenario, result.explanation


def test_conflicts_are_stated_in_the_programs_terms(floors_infeasible):
    _, explanation = floors_infeasible
    assert explanation.scenario == "floors-infeasible"
    assert explanation.conflicts == (
        "floor II.2: 28 unit(s) in 2021, 2022, 2023, 2024, 2025 need at least 8,400 local budget and "
        "8,400 co-funding (million VND)",
        "floor III.5: 45 unit(s) in 2021, 2022, 2023, 2024, 2025 need at least 3,600 local budget and "
        "0 co-funding (million VND)",
        "floor VI.1: 6 unit(s) in 2021, 2022, 2023, 2024, 2025 need at least 1,800 local budget and "
        "5,400 co-funding (million VND)",
        "together the floors need at least 13,800 local budget; the planned years provide 12,025",
    )


def test_the_menu_has_verified_repairs_first(floors_infeasible):
    _, explanation = floors_infeasible
    assert explanation.repairs, "no repair"
    assert any(r.verified for r in explanation.repairs)
    flags = [r.verified for r in explanation.repairs]
    assert flags == sorted(flags, reverse=True)  # verified ones first
    # the money repair with co-funding as it is; the one that also raises co-funding is the same
    # change here, so it is listed once
    assert [r.kind for r in explanation.repairs] == ["lower-floors", "extra-local"]


def test_every_verified_repair_solves(floors_infeasible):
    scenario, explanation = floors_infeasible
    for repair in explanation.repairs:
        if not repair.verified:
            continue
        repaired = scenario.derive(f"repaired-{repair.kind}", **repair.changes)
        result = kg.solve(repaired)
        assert result.has_plan, (repair, result.message)
        check_plan(repaired, result)
        for tid, floor in repaired.floors.items():
            assert result.achievement.loc[tid, "achieved"] >= floor


def test_lower_floors_repair_is_least(floors_infeasible):
    scenario, explanation = floors_infeasible
    repair = next(r for r in explanation.repairs if r.kind == "lower-floors")
    assert repair.changes == {"floors": {"II.2": 22, "III.5": 44}}
    assert repair.summary == "lower the floors: II.2 from 28 to 22; III.5 from 45 to 44"
    assert repair.size == pytest.approx(6 / 28 + 1 / 45)
    # one unit less lowering of any floor is infeasible
    for tid, floor in repair.changes["floors"].items():
        tighter = scenario.derive(floors={**repair.changes["floors"], tid: floor + 1})
        assert not is_feasible(tighter), tid


def test_money_repair_adds_exactly_the_missing_money(floors_infeasible):
    scenario, explanation = floors_infeasible
    repair = next(r for r in explanation.repairs if r.kind == "extra-local")
    assert set(repair.changes) == {"budget"}
    extra = {y: Fraction(repr(v)) - scenario.local_budget[y] for y, v in repair.changes["budget"].items()}
    assert all(v > 0 for v in extra.values())
    # the floors need 13,800 of local budget; the halved caps give 12,025: 1,775 is the least
    assert sum(extra.values()) == 1775
    assert repair.size == pytest.approx(1775)
    assert repair.summary.startswith("raise the caps by 1,775 million VND in all: ")
    # spread as evenly as the 300-million machinery units allow
    assert max(extra.values()) - min(extra.values()) <= 300


def test_explanation_text(floors_infeasible):
    _, explanation = floors_infeasible
    text = str(explanation)
    assert text.startswith("Scenario 'floors-infeasible' is infeasible: its hard requirements conflict.\n"
                           "  - floor II.2")
    assert "Repairs, smallest change first:\n  1. " in text
    assert text.count("[verified]") == sum(r.verified for r in explanation.repairs)


def test_mini_infeasible_menu():
    scenario = kg.load_scenario(fixture("mini-infeasible"))
    result = kg.solve(scenario)
    assert result.status == Status.INFEASIBLE
    explanation = result.explanation
    assert explanation.conflicts == (
        "floor A.2: 4 unit(s) in 2021, 2022, 2023 need at least 80 local budget and 80 co-funding (million VND)",
        "together the floors need at least 80 local budget; the planned years provide 30",
    )
    repairs = {r.kind: r for r in explanation.repairs}
    assert repairs["lower-floors"].changes == {"floors": {"A.2": 0}}  # no year can pay for one unit
    money = repairs["extra-budget"]
    # 4 units of 20 local + 20 co-funding; 3 years with 10 local and 30 co-funding each: one year
    # must hold 2 units (40 co-funding), so 50 more local and 10 more co-funding at least
    added_local = sum(Fraction(repr(v)) - 10 for v in money.changes["budget"].values())
    added_cof = sum(Fraction(repr(v)) - 30 for v in money.changes["cofunding"].values())
    assert (added_local, added_cof) == (50, 10)
    assert "extra-local" not in repairs  # co-funding held at its caps cannot work
    for r in explanation.repairs:
        assert r.verified
        assert is_feasible(scenario.derive(**r.changes))


def test_floor_in_a_closed_year():
    scenario = kg.load_scenario(fixture("mini-floor-past"))
    result = kg.solve(scenario)
    assert result.status == Status.INFEASIBLE
    conflicts = result.explanation.conflicts
    assert conflicts[0] == "floor B.2: 1 more unit(s) required, but none of its years (2022) is still planned"
    [repair] = result.explanation.repairs
    assert (repair.kind, repair.changes, repair.verified) == ("lower-floors", {"floors": {"B.2": 0}}, True)


def test_floor_in_a_closed_year_has_no_misleading_conflict():
    scenario = kg.load_scenario(fixture("mini-floor-past"))
    conflicts = explain_infeasible(scenario, verify=False).conflicts
    assert not any("not year by year" in c for c in conflicts)


def test_explain_without_verifying_marks_nothing_verified():
    scenario = kg.load_scenario(fixture("mini-infeasible"))
    explanation = explain_infeasible(scenario, verify=False)
    assert explanation.repairs and not any(r.verified for r in explanation.repairs)
    assert all(str(r).endswith("[not verified]") for r in explanation.repairs)


def test_cli_prints_the_repair_menu_and_exits_1(capsys):
    code = main(["solve", str(example("floors-infeasible")), "--lang", "en"])
    out = capsys.readouterr().out
    assert code == 1
    assert "Status: infeasible" in out
    assert "  - together the floors need at least 13,800 local budget; the planned years provide 12,025" in out
    assert "Repairs, smallest change first:" in out
    assert "  1. lower the floors: II.2 from 28 to 22; III.5 from 45 to 44 [verified]" in out
    assert "  2. raise the caps by 1,775 million VND in all: " in out

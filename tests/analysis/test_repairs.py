"""Infeasible scenarios: the conflict stated in the program's terms, and a menu of repairs that are
verified by applying them and solving again."""

from __future__ import annotations

from fractions import Fraction

import pytest

import kgkc_opt as kg
from kgkc_opt.analysis.repairs import Explanation, explain_infeasible
from kgkc_opt.cli.app import main
from kgkc_opt.model.data import model_input
from kgkc_opt.solver.decompose import optimise
from kgkc_opt.solver.result import Status
from tests.support.scenarios import check_plan, example, fixture, solved


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


# --- a repair is enough as printed ----------------------------------------------------------------

#: Issue 22.11: the least amounts are 170.029458 (2021) and 60.003... (2023) million VND; shown to the
#: nearest thousand đồng (170.029) the 2021 cap held 469.999... < 470 and the repair did not repair.
AS_PRINTED = """\
name: repair-as-printed
extends: {baseline}
budget: {{2021: "-93.5601%", 2023: "-97.9331%"}}
floors: {{III.4: 3, VIII.4: 1}}
"""


def test_money_repair_is_enough_as_printed(tmp_path):
    from kgkc_opt.analysis.repairs import SOURCES, least_extra, shown, shown_text
    from kgkc_opt.model.rows import DONG

    path = tmp_path / "as-printed.yaml"
    path.write_text(AS_PRINTED.format(baseline=example("baseline").as_posix()), encoding="utf-8")
    scenario = kg.load_scenario(path)
    explanation = kg.solve(scenario).explanation
    repair = next(r for r in explanation.repairs if r.kind == "extra-local")
    assert repair.verified
    _, extra = least_extra(model_input(scenario), lines=SOURCES["local"])
    least = {y: Fraction(n, DONG) for (_line, y), n in extra.items()}
    printed = {y: shown(v) for y, v in least.items()}  # the number the planner reads, computed as displayed
    assert any(p != v for p, v in zip(printed.values(), least.values(), strict=True))  # some were rounded
    assert all(v <= p < v + Fraction(1, 1000) for p, v in zip(printed.values(), least.values(), strict=True))
    for y, amount in printed.items():
        assert f"{shown_text(amount)} more local budget in {y}" in repair.summary
    assert repair.summary.startswith(f"raise the caps by {shown_text(sum(printed.values()))} million VND in all: ")
    # the repair carries the amounts as printed, and they repair the scenario applied by hand
    caps = {y: scenario.local_budget[y] + amount for y, amount in printed.items()}
    assert repair.changes == {"budget": {y: float(v) for y, v in caps.items()}}
    assert is_feasible(scenario.derive("as-printed", budget={y: float(v) for y, v in caps.items()}))
    # what the menu used to print (the nearest thousand đồng) is not enough: the rounding matters here
    nearest = {y: scenario.local_budget[y] + Fraction(round(v * 1000), 1000) for y, v in least.items()}
    assert not is_feasible(scenario.derive("nearest", budget={y: float(v) for y, v in nearest.items()}))


def test_shown_amounts_round_up_at_the_precision_shown():
    from kgkc_opt.analysis.repairs import shown, shown_text

    assert shown(Fraction("170.029458")) == Fraction("170.03")
    assert shown(Fraction("170.029")) == Fraction("170.029")  # already at the precision: unchanged
    assert shown(Fraction(1, 3)) == Fraction("0.334")
    assert shown(Fraction("0.0000001")) == Fraction("0.001")
    assert shown_text(Fraction("1234.5000001")) == "1,234.501"
    assert shown_text(Fraction(1775)) == "1,775"

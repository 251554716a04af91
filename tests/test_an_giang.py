"""The illustrative An Giang 2026–2030 program (kgkc_opt/programs/an-giang-2026-2030-illustrative.yaml)
and its scenarios (scenarios/an-giang-*.yaml): three funding sources, target ranges, and a support
rule that becomes stricter in 2028 (a hypothetical People's Council resolution).

Expectations are worked out from the program's own figures (its task table, annual table and
support rules), not copied from a solver run, so that a change of the file or of the code that
breaks them shows up here.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

import kgkc_opt as kg
from kgkc_opt.model.data import model_input
from tests.support.checks import assert_plan_valid
from tests.support.paths import SCENARIOS

NAME = "an-giang-2026-2030-illustrative"
MACHINERY = "II.2"
#: the result's budget table names the local and enterprise sources by their role
ROLE = {"local": "local", "enterprise": "cofunding"}


@pytest.fixture(scope="module")
def program() -> kg.Program:
    return kg.load_program(NAME)


@pytest.fixture(scope="module")
def base_scenario() -> kg.Scenario:
    return kg.load_scenario(SCENARIOS / "an-giang-2026-2030.yaml")


@pytest.fixture(scope="module")
def base_result(base_scenario) -> kg.Result:
    result = kg.solve(base_scenario)
    assert_plan_valid(base_scenario, result)  # exact, independent re-check of every cap and total
    return result


@pytest.fixture(scope="module")
def national_cut() -> tuple[kg.Scenario, kg.Result]:
    scenario = kg.load_scenario(SCENARIOS / "an-giang-national-cut-50pct.yaml")
    result = kg.solve(scenario)
    assert_plan_valid(scenario, result)
    return scenario, result


def budget_label(source) -> str:
    return ROLE.get(source.kind, source.id)


def column(program, source, year) -> Fraction:
    """The annual table's amount of ``source`` in ``year`` (its cap for that year)."""
    return program.annual_budget[year].amount(source)


def range_tasks(program):
    return [t for t in program.tasks if t.quantity_min is not None]


# ---- the file --------------------------------------------------------------------------------------


def test_the_program_loads_and_is_labelled_illustrative(program):
    assert program.id == NAME
    assert program.illustrative is True
    assert "illustrative" in program.title.en.lower()
    assert "minh họa" in program.title.vi.lower()
    assert program.period == (2026, 2030)
    assert NAME in kg.bundled_programs()


def test_every_task_says_where_its_figures_come_from(program):
    assert 12 <= len(program.tasks) <= 20
    for t in program.tasks:
        assert "QĐ 2454/QĐ-UBND annex" in t.source, t.id     # the unit cost's row of the 2021–2025 decision
        assert "Quantity:" in t.source, t.id                  # and how the quantity was scaled
    assert [g.id for g in program.groups] == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
    assert {t.group for t in program.tasks} == {g.id for g in program.groups}


def test_three_sources_and_at_least_four_ranges(program):
    kinds = {s.id: s.kind for s in program.funding_sources}
    assert kinds == {"national": "state", "local": "local", "establishments": "enterprise"}
    ranges = range_tasks(program)
    assert len(ranges) >= 4
    assert all(t.quantity_min < t.quantity for t in ranges)
    assert program.task(MACHINERY).quantity_min is not None


def test_the_columns_add_up(program):
    """Each source's column: task table = annual table = stated totals; each row and year adds up."""
    for s in program.funding_sources:
        tasks = sum((t.cost.amount(s) for t in program.tasks), Fraction(0))
        years = sum((column(program, s, y) for y in program.years), Fraction(0))
        assert tasks == years == program.stated_totals.amount(s) == program.annual_stated_total.amount(s), s.id
    for t in program.tasks:
        assert t.cost.total == sum(t.cost.amount(s) for s in program.funding_sources), t.id
    for y, b in program.annual_budget.items():
        assert b.total == sum(b.amount(s) for s in program.funding_sources), y
    # national funds only on the two kinds of support the header names
    national = program.source_named("national")
    assert {t.id for t in program.tasks if t.cost.amount(national)} == {"II.1", MACHINERY}


def test_the_audit_finds_no_error(program):
    findings = kg.audit(program, schedule=True)
    assert [f for f in findings if f.severity == "error"] == []
    # the two warnings the file's header explains, both caused by the (hypothetical) 2028 resolution
    warnings = [f for f in findings if f.severity == "warning"]
    assert {f.code for f in warnings} == {"legal-cap-in-force", "table-not-schedulable"}
    (cap,) = [f for f in warnings if f.code == "legal-cap-in-force"]
    assert cap.message.startswith(f"{MACHINERY}:") and "2028–2030" in cap.message


def test_the_machinery_rule_becomes_stricter_than_the_row_in_2028(program):
    task = program.task(MACHINERY)
    rule = program.support_rules[task.support_rule]
    (change,) = rule.versions
    assert change.valid_from == dt.date(2028, 1, 1)
    assert "HYPOTHETICAL" in change.citation
    assert rule.for_year(2027).max_state_per_unit >= task.unit_state     # the row is lawful until 2027
    assert rule.for_year(2028).max_state_per_unit < task.unit_state      # and above the cap from 2028


# ---- the model ---------------------------------------------------------------------------------------


def test_machinery_costs_the_local_budget_less_from_2028(program, base_scenario):
    task = program.task(MACHINERY)
    rule = program.support_rules[task.support_rule]
    local = program.source_named("local")
    unit_local, unit_other = task.unit_source(local), task.unit_other
    spec = model_input(base_scenario).task(MACHINERY)
    for year in program.years:
        in_force = rule.for_year(year)
        cap = min(in_force.max_state_share * task.unit_cost, in_force.max_state_per_unit)
        cut = max(task.unit_state - cap, Fraction(0))
        assert spec.local(year) == unit_local - cut, year
        assert spec.cofunding(year) == unit_other + cut, year
        assert spec.local(year) + spec.cofunding(year) + task.unit_source(program.source_named("national")) \
            == task.unit_cost
    # what the change means for one establishment: the local budget pays less, the establishment more
    drop = task.unit_state - rule.versions[0].max_state_per_unit
    assert drop > 0
    assert spec.local(2027) - spec.local(2028) == drop
    assert spec.cofunding(2028) - spec.cofunding(2027) == drop
    assert spec.local(2026) == spec.local(2027) and spec.local(2028) == spec.local(2029) == spec.local(2030)


def test_a_range_task_is_credited_at_its_minimum_in_the_model(program, base_scenario):
    inp = model_input(base_scenario)
    for t in range_tasks(program):
        spec = inp.task(t.id)
        assert (spec.target, spec.minimum, spec.credit) == (t.quantity, t.quantity_min, t.quantity_min)


# ---- the baseline ------------------------------------------------------------------------------------


def test_the_baseline_solves_to_proven_optimality(base_result, program):
    assert base_result.status == kg.Status.OPTIMAL
    assert base_result.gap == 0
    # every task earns its full share: the objective is the number of tasks
    assert base_result.exact_objective == len(program.tasks)


def test_the_baseline_spends_each_source_within_its_column(base_result, program):
    budget = base_result.budget
    labels = {budget_label(s) for s in program.funding_sources}
    assert set(budget.index.get_level_values("source")) == labels
    for y in program.years:
        for s in program.funding_sources:
            row = budget.loc[(y, budget_label(s))]
            assert row["cap"] == float(column(program, s, y)), (y, s.id)
            assert row["used"] <= float(column(program, s, y)) + 1e-6, (y, s.id)
            assert row["slack"] >= -1e-6


def test_the_baseline_pays_machinery_at_the_cap_in_force(base_result, base_scenario, program):
    """The allocation's local budget per machinery unit is the split of the year's rule."""
    spec = model_input(base_scenario).task(MACHINERY)
    rows = base_result.allocation.loc[MACHINERY]
    after = 0
    for year, row in rows.iterrows():
        q = int(row["quantity"])
        assert row["local_budget"] == pytest.approx(float(spec.local(int(year)) * q))
        assert row["cofunding"] == pytest.approx(float(spec.cofunding(int(year)) * q))
        after += q if int(year) >= 2028 else 0
    assert after > 0  # the stricter cap is used by the plan, not only in the model


def test_a_range_counts_its_minimum_as_full(base_result, program):
    ach = base_result.achievement
    inside = []
    for t in range_tasks(program):
        row = ach.loc[t.id]
        achieved = int(row["achieved"])
        assert int(row["target"]) == t.quantity
        assert row["share"] == pytest.approx(min(achieved, t.quantity_min) / t.quantity_min)
        assert int(row["shortfall"]) == max(t.quantity_min - achieved, 0)
        if t.quantity_min <= achieved < t.quantity:
            inside.append(t.id)
            assert row["share"] == 1.0  # above the minimum, below the maximum: full credit
    assert inside  # at least one range ends strictly inside its range (machinery, after 2028)


# ---- scenarios ---------------------------------------------------------------------------------------


def test_the_national_cut_halves_the_national_column(national_cut, base_result, program):
    _scenario, result = national_cut
    assert result.status == kg.Status.OPTIMAL
    national = program.source_named("national")
    used = result.budget.xs("national", level="source")
    for y in program.years:
        half = column(program, national, y) / 2
        assert used.loc[y, "cap"] == float(half)
        assert used.loc[y, "used"] <= float(half) + 1e-6
    assert result.objective <= base_result.objective + 1e-9


def test_the_national_cut_costs_machinery_units(national_cut, program):
    """Every machinery unit needs its national part: half the national funds cannot pay for the
    machinery range's minimum, and the share then counts from the minimum."""
    _, result = national_cut
    national = program.source_named("national")
    per_unit = {t.id: t.unit_source(national) for t in program.tasks if t.unit_source(national)}
    demo_min = program.task("II.1").quantity_min
    # whole machinery units each year's half column can pay for, with nothing for demonstration models
    most = sum(int((column(program, national, y) / 2) // per_unit[MACHINERY]) for y in program.years)
    row = result.achievement.loc[MACHINERY]
    achieved, minimum = int(row["achieved"]), program.task(MACHINERY).quantity_min
    assert achieved <= most < minimum
    assert int(result.achievement.loc["II.1", "achieved"]) >= demo_min   # the models still get their minimum
    assert row["share"] == pytest.approx(achieved / minimum)
    assert int(row["shortfall"]) == minimum - achieved


def test_the_local_cut_keeps_the_local_budget_within_80_percent(program):
    scenario = kg.load_scenario(SCENARIOS / "an-giang-local-cut-20pct.yaml")
    result = kg.solve(scenario)
    assert_plan_valid(scenario, result)
    assert result.status == kg.Status.OPTIMAL
    local = program.source_named("local")
    used = result.budget.xs("local", level="source")
    for y in program.years:
        cap = column(program, local, y) * Fraction(4, 5)
        assert used.loc[y, "cap"] == pytest.approx(float(cap))
        assert used.loc[y, "used"] <= float(cap) + 1e-6

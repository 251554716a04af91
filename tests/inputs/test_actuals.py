"""Actuals (executed years) and re-planning: the CSV is checked row by row (file and line in every
message), executed years are frozen, delivered units count toward the targets, and the remaining
years are re-planned."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

import kgkc_opt as kg
from kgkc_opt.analysis.compare import replan, replan_summary
from kgkc_opt.cli.app import main
from kgkc_opt.errors import ActualsError, ScenarioError
from kgkc_opt.inputs.actuals import HEADER, actuals_from_text
from kgkc_opt.inputs.scenario import scenario_from_documents
from kgkc_opt.model.data import model_input
from tests.support.scenarios import ACTUALS, check_plan, fixture, plan_totals, read_csv, solved


@pytest.fixture(scope="module")
def mini() -> kg.Program:
    return kg.load_program(fixture("mini-program"))


def scenario_with_actuals(tmp_path: Path, csv_path: Path, extra: str = "") -> Path:
    path = tmp_path / "replan.yaml"
    path.write_text(f"name: replan\nprogram: {fixture('mini-program')}\nactuals: {csv_path}\n{extra}",
                    encoding="utf-8")
    return path


# ---- the CSV, checked ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "line", "fragment"),
    [
        ("wrong-order.csv", 1, "the columns are in the wrong order: got task_id,year,spend,quantity, "
                               "expected task_id,year,quantity,spend"),
        ("vietnamese-number.csv", 3, "spend: '1.234,5' looks like Vietnamese notation; write plain numbers"),
        ("unknown-task.csv", 3, "unknown task id 'Z.9'"),
        ("year-outside-task.csv", 3, "task B.2 may not run in 2021 (its years: 2022)"),
        ("duplicate-row.csv", 4, "task A.1 in 2021 is listed twice"),
        ("fractional-quantity.csv", 2, "quantity: expected a whole number of units of at least 0, got '1.5'"),
    ],
)
def test_actuals_problem_names_file_and_line(tmp_path, name, line, fragment):
    csv_path = ACTUALS / name
    with pytest.raises(ScenarioError) as info:
        kg.load_scenario(scenario_with_actuals(tmp_path, csv_path))
    assert f"{csv_path}: line {line}: {fragment}" in str(info.value)
    assert info.value.exit_code == 2
    # the pure reader says the same
    with pytest.raises(ActualsError) as direct:
        actuals_from_text(csv_path.read_text(encoding="utf-8"), kg.load_program(fixture("mini-program")),
                          source=str(csv_path))
    assert f"{csv_path}: line {line}: {fragment}" in str(direct.value)


def test_every_actuals_problem_is_reported():
    path = fixture("mini-bad-actuals")
    csv_path = ACTUALS / "bad-many.csv"
    with pytest.raises(ScenarioError) as info:
        kg.load_scenario(path)
    assert [(p.source, p.where) for p in info.value.problems] == [
        (str(csv_path), "line 3"), (str(csv_path), "line 4"), (str(csv_path), "line 5"), (str(csv_path), "line 6")]
    text = str(info.value)
    assert "unknown task id 'Z.9'" in text
    assert "quantity: expected a whole number of units of at least 0, got '0.5'" in text
    assert "spend: '15,5' looks like Vietnamese notation" in text
    assert "task B.2 may not run in 2021" in text


@pytest.mark.parametrize(
    ("text", "where", "fragment"),
    [
        ("", "line 1", "is empty; expected the header task_id,year,quantity,spend"),
        ("task,year,quantity,spend\n", "line 1", "expected the header task_id,year,quantity,spend, got task,year"),
        ("task_id,year,quantity,spend\nA.1,2021,1\n", "line 2", "expected 4 values"),
        ("task_id,year,quantity,spend\nA.1,2030,1,10\n", "line 2",
         "year 2030 lies outside the program period 2021–2023"),
        ("task_id,year,quantity,spend\nA.1,21,1,10\n", "line 2", "year: expected a year like 2022, got '21'"),
        ("task_id,year,quantity,spend\nA.1,2021,-1,10\n", "line 2", "at least 0, got '-1'"),
        ("task_id,year,quantity,spend\nA.1,2021,1,-10\n", "line 2", "spend: expected an amount between 0"),
        ("task_id,year,quantity,spend\nA.1,2021,one,10\n", "line 2", "quantity: expected a number, got 'one'"),
        ("task_id,year,quantity,spend\nA.1,2021,1,nan\n", "line 2", "spend: expected a number, got 'nan'"),
        ("task_id,year,quantity,spend\nA.1,2021,1,1.234\n", "line 2", "looks like Vietnamese notation"),
        ("task_id,year,quantity,spend\nA.1,2021,1,\"12,5\"\n", "line 2", "looks like Vietnamese notation"),
        ("task_id,year,quantity,spend\nB.2,2022,11,10\n", "", "11 units executed, more than ten times"),
    ],
)
def test_actuals_rejects(mini, text, where, fragment):
    with pytest.raises(ActualsError) as info:
        actuals_from_text(text, mini, source="a.csv")
    assert any(p.source == "a.csv" and p.where == where and fragment in p.message for p in info.value.problems), \
        str(info.value)


def test_actuals_accepts_plain_numbers_blank_lines_and_loose_header(mini):
    text = " Task_ID , YEAR ,quantity,Spend\n\nA.1, 2021 ,2,20.5\nA.2,2021,1.0,20\n\n"
    a = actuals_from_text(text, mini, source="a.csv")
    assert HEADER == ("task_id", "year", "quantity", "spend")
    assert [(r.task_id, r.year, r.quantity, r.spend) for r in a.rows] == [
        ("A.1", 2021, 2, Fraction("20.5")), ("A.2", 2021, 1, Fraction(20))]
    assert a.done() == {"A.1": 2, "A.2": 1}
    assert a.spend_by_year() == {2021: Fraction("40.5")}


def test_actuals_file_with_a_byte_order_mark(tmp_path):
    csv_path = tmp_path / "bom.csv"
    csv_path.write_bytes("\ufefftask_id,year,quantity,spend\nA.1,2021,2,20\n".encode())
    s = kg.load_scenario(scenario_with_actuals(tmp_path, csv_path))
    assert s.actuals.done() == {"A.1": 2}


# ---- re-planning --------------------------------------------------------------------------


def test_replan_freezes_the_executed_year_and_counts_what_was_done():
    s = kg.load_scenario(fixture("mini-replan"))
    assert s.replan_from == 2022 and s.planned_years() == (2022, 2023)
    assert s.actuals.done() == {"A.1": 2, "A.2": 1, "B.1": 1}
    inp = model_input(s)
    assert set(inp.local_budget) == {2022, 2023}
    assert {t.task_id: t.done for t in inp.tasks} == {"A.1": 2, "A.2": 1, "B.1": 1, "B.2": 0}
    assert inp.opening_carry == 0  # carry-over is off
    result = kg.solve(s)
    check_plan(s, result)
    assert {int(y) for (_, y) in result.allocation.index} == {2022, 2023}
    totals = plan_totals(result)
    # A.1 needs 4 more, B.1 2 more (only 2023 is left for it), B.2 its one (2022 only)
    assert totals["A.1"] == 4 and totals["B.1"] == 2 and totals["B.2"] == 1
    assert result.achievement.loc["A.1", "achieved"] == 6
    assert result.objective == 3.5


def test_replan_with_carry_over_brings_the_unspent_budget():
    s = kg.load_scenario(fixture("mini-replan-carry"))
    # 2021: cap 72, spent 20 + 20 + 15 = 55; 17 is carried into 2022
    assert model_input(s).opening_carry == 17
    result = kg.solve(s)
    check_plan(s, result)
    assert result.budget.loc[(2022, "local"), "cap"] == 89
    plain = kg.solve(kg.load_scenario(fixture("mini-replan")))
    assert result.objective >= plain.objective
    assert result.objective == 3.75


def test_replan_from_a_later_year(tmp_path):
    s = kg.load_scenario(scenario_with_actuals(tmp_path, ACTUALS / "mini-2021.csv", "replan_from: 2023\n"))
    assert s.planned_years() == (2023,)
    assert [str(c) for c in s.changes][-1] == "replan_from: 2022 → 2023"
    result = kg.solve(s)
    check_plan(s, result)
    assert plan_totals(result).get("B.2", 0) == 0  # B.2 runs only in 2022, which is skipped


def test_replan_from_inside_the_executed_years_is_an_error(tmp_path):
    with pytest.raises(ScenarioError, match="actuals include 2021 or later; replanning must start after"):
        kg.load_scenario(scenario_with_actuals(tmp_path, ACTUALS / "mini-2021.csv", "replan_from: 2021\n"))


def test_empty_actuals_replans_everything(mini):
    s = scenario_from_documents([("s.yaml", {"actuals": "a.csv"})], mini,
                                actuals_texts={"s.yaml": ("a.csv", "task_id,year,quantity,spend\n")})
    assert s.planned_years() == (2021, 2022, 2023)
    assert s.actuals.rows == ()


def test_actuals_must_be_a_path(mini):
    with pytest.raises(ScenarioError, match="expected the path of a CSV file"):
        kg.scenario_from_dict({"actuals": 5}, mini)


def test_over_delivery_counts_at_most_the_target(mini):
    text = "task_id,year,quantity,spend\nB.1,2021,5,75\n"  # target 3, 5 delivered
    s = scenario_from_documents([("s.yaml", {"actuals": "a.csv"})], mini, actuals_texts={"s.yaml": ("a.csv", text)})
    result = kg.solve(s)
    assert result.objective <= result.max_objective
    assert result.achievement.loc["B.1", "share"] <= 1


# ---- plan vs actual vs re-plan ------------------------------------------------------------


def test_plan_actual_replan_table():
    s = kg.load_scenario(fixture("mini-replan"))
    plan, again, table = replan(s)
    check_plan(s, again)
    assert plan.scenario == "mini-replan (original plan)"
    # the original plan is the same scenario without actuals: every year planned
    assert {int(y) for (_, y) in plan.allocation.index} == {2021, 2022, 2023}
    t = table.reset_index()
    assert list(t.columns) == ["task_id", "year", "stage", "plan", "actual", "replan", "plan_local_budget",
                               "actual_spend", "replan_local_budget"]
    executed = t[t["year"] == 2021]
    assert set(executed["stage"]) == {"executed"} and executed["replan"].isna().all()
    assert dict(zip(executed["task_id"], executed["actual"], strict=True)) == {"A.1": 2, "A.2": 1, "B.1": 1}
    later = t[t["year"] > 2021]
    assert set(later["stage"]) == {"re-plan"} and later["actual"].isna().all()
    for _, r in later.iterrows():
        assert r["replan"] == again.allocation.loc[(r["task_id"], r["year"]), "quantity"]
    summary = replan_summary(table, s)
    assert summary.loc["A.1"].tolist() == [6, int(summary.loc["A.1", "plan"]), 2, 4, 6, 0]
    assert int(summary.loc["A.2", "short"]) == 2
    assert (summary["delivered_and_replanned"] == summary["actual"] + summary["replan"]).all()


def test_plan_actual_replan_of_the_example():
    scenario, result = solved("replan-2023")
    _, baseline = solved("baseline")
    plan, again, table = replan(scenario)
    # the original plan is the scenario without its actuals: the baseline's objective
    assert plan.objective == baseline.objective
    assert again.objective == result.objective
    executed = {(r["task_id"], int(r["year"])): int(r["quantity"]) for r in read_csv(Path(scenario.actuals.source))}
    for (tid, year), row in table.iterrows():
        if year <= 2022:
            assert row["stage"] == "executed"
            assert row["actual"] == executed.get((tid, year), 0)
        else:
            assert row["stage"] == "re-plan"
            assert row["replan"] == again.allocation.loc[(tid, year), "quantity"]


def test_cli_replan_of_the_mini_scenario(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["solve", str(fixture("mini-replan")), "--out", str(out), "--lang", "en"]) == 0
    text = capsys.readouterr().out
    assert "Plan vs actual vs re-plan (executed up to 2021, re-planned 2022–2023):" in text
    rows = read_csv(out / "replan.csv")
    assert len(rows) == 3 + 3 + 2 + 1
    b2 = next(r for r in rows if r["task_id"] == "B.2")
    assert (b2["year"], b2["stage"], b2["actual"], b2["replan"]) == ("2022", "re-plan", "", "1")

"""The console text of the commands (``cli.text``): plain tables, numbers per language, the solve
summary in both languages."""

from __future__ import annotations

import pytest

import kgkc_opt as kg
from kgkc_opt.cli import text
from tests.support.paths import FIXTURES


def test_a_table_pads_its_columns_and_right_aligns_those_asked() -> None:
    out = text.table([["A.1", "6"], ["B.12", "10"]], ["Task", "Units"], right={1})
    assert out.splitlines() == ["Task  Units", "----  -----", "A.1       6", "B.12     10"]


def test_numbers_and_the_objective_per_language() -> None:
    assert text.n(4717.88, "vi") == "4.717,88" and text.n(4717.88, "en") == "4,717.88"
    assert text.objective(24, "vi") == "24,000000"
    assert text.objective(23.4152381, "en") == "23.415238"
    assert text.t("Năm", "Year", "en") == "Year" and text.t("Năm", "Year", "vi") == "Năm"


@pytest.fixture(scope="module")
def solved() -> tuple[kg.Scenario, kg.Result]:
    scenario = kg.load_scenario(FIXTURES / "tiny-baseline.yaml")
    return scenario, kg.solve(scenario)


def test_the_solve_summary_shows_status_caps_and_the_tasks_short(solved, capsys) -> None:
    scenario, result = solved
    text.solve(result, scenario, 0.5, "en")
    out = capsys.readouterr().out
    assert "Status: optimal" in out
    assert "Caps and use per year (million VND)" in out
    for year in (2021, 2022, 2023):
        assert str(year) in out
    # the tiny program's local budget (216) is below what its table needs (235): some task is short
    short = [r.task_id for r in result.rows.achievement if r.shortfall > 0]
    assert short
    table = out.split("Tasks short of target")[1]
    assert table.startswith(f" ({len(short)}):")
    assert all(any(line.startswith(str(tid)) for line in table.splitlines()) for tid in short)


def test_the_solve_summary_is_vietnamese_by_default_language(solved, capsys) -> None:
    scenario, result = solved
    text.solve(result, scenario, 0.5, "vi")
    out = capsys.readouterr().out
    assert "Kết quả:" in out and "Kế hoạch vốn và sử dụng vốn theo năm (triệu đồng)" in out
    assert "Status" not in out


def test_without_a_plan_the_summary_stops_at_the_status(capsys) -> None:
    scenario = kg.load_scenario(FIXTURES / "tiny-infeasible.yaml")
    result = kg.solve(scenario, explain=False)
    text.solve(result, scenario, 0.1, "en")
    out = capsys.readouterr().out
    assert "Status: infeasible" in out and "Caps and use" not in out

"""The Excel workbook: the annex table's layout, and totals equal to the solved totals."""

from __future__ import annotations

import pytest
from conftest import SCENARIOS
from openpyxl import load_workbook

import kgkc_opt as kg
from kgkc_opt.cli import app as cli
from kgkc_opt.errors import NoSolutionError, OutputError
from kgkc_opt.report import workbook as xlsx

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
YEARS = [2021, 2022, 2023, 2024, 2025]
FIRST_DATA_ROW = 6


@pytest.fixture(scope="module")
def workbook_path(tmp_path_factory, cut20_scenario, cut20_result):
    path = tmp_path_factory.mktemp("xlsx") / "plan.xlsx"
    xlsx.write(cut20_result, cut20_scenario, path)
    return path


@pytest.fixture(scope="module")
def wb(workbook_path):
    return load_workbook(workbook_path)


def _annex_rows(ws):
    """Data rows of the annex: (row number, kind) until the grand total."""
    rows = []
    for r in range(FIRST_DATA_ROW, ws.max_row + 1):
        tt, name = ws.cell(r, 1).value, ws.cell(r, 2).value
        if name == "TỔNG CỘNG":
            rows.append((r, "total"))
            break
        rows.append((r, "group" if tt in ROMAN else "task"))
    return rows


def test_sheets_in_order(wb):
    assert wb.sheetnames == ["Phụ lục nhiệm vụ", "Ngân sách theo năm", "Mức đạt mục tiêu", "Thông tin"]


def test_annex_header(wb):
    ws = wb.worksheets[0]
    assert ws["A1"].value.startswith("DANH MỤC CÁC NHIỆM VỤ CỤ THỂ CỦA CHƯƠNG TRÌNH KHUYẾN CÔNG")
    assert "cut-20pct" in ws["A2"].value
    top = [ws.cell(4, c).value for c in range(1, 11)]
    assert top[:4] == ["TT", "Tên nhiệm vụ", "Đơn vị", "Số lượng"]
    assert top[4].startswith("Dự kiến kinh phí")
    assert top[7:] == ["Thời gian triển khai", "Cơ quan chủ trì", "Cơ quan phối hợp"]
    assert [ws.cell(5, c).value for c in (5, 6, 7)] == ["Tổng số", "Vốn NS", "Vốn khác"]
    for i, y in enumerate(YEARS):
        col = 11 + 3 * i
        assert ws.cell(4, col).value == f"Năm {y}"
        assert [ws.cell(5, col + j).value for j in range(3)] == ["Số lượng", "Vốn NS", "Vốn khác"]


def test_annex_rows_follow_the_program(wb, program):
    ws = wb.worksheets[0]
    rows = _annex_rows(ws)
    groups = [ws.cell(r, 1).value for r, k in rows if k == "group"]
    assert groups == ROMAN
    tasks = [r for r, k in rows if k == "task"]
    assert len(tasks) == len(program.tasks)
    names = [ws.cell(r, 2).value for r in tasks]
    assert names == [t.name.vi for t in program.tasks]
    # TT as the decision numbers it: blank for a group's single row, else the row number
    tt = {t.id: ws.cell(r, 1).value for r, t in zip(tasks, program.tasks, strict=True)}
    assert tt["I.1"] is None and tt["II.2"] == "2" and tt["VIII.6"] == "6" and tt["VI.1"] is None
    units = [ws.cell(r, 3).value for r in tasks]
    assert units == [t.unit.vi for t in program.tasks]
    assert ws.cell(tasks[-1], 8).value == "2021-2025" and ws.cell(tasks[-1], 9).value == "Sở Công Thương"


def test_totals_equal_the_solved_totals(wb, cut20_result):
    ws = wb.worksheets[0]
    alloc, budget = cut20_result.allocation, cut20_result.budget
    rows = _annex_rows(ws)
    total_row = rows[-1][0]
    local = float(alloc["local_budget"].sum())
    other = float(alloc["cofunding"].sum())
    # to the million VND (and in fact to the đồng)
    assert round(ws.cell(total_row, 6).value) == round(local)
    assert round(ws.cell(total_row, 7).value) == round(other)
    assert round(ws.cell(total_row, 5).value) == round(local + other)
    assert ws.cell(total_row, 6).value == pytest.approx(local, abs=1e-6)
    assert ws.cell(total_row, 7).value == pytest.approx(other, abs=1e-6)
    for i, y in enumerate(YEARS):
        col = 11 + 3 * i
        assert ws.cell(total_row, col + 1).value == pytest.approx(budget.loc[(y, "local"), "used"], abs=1e-6)
        assert ws.cell(total_row, col + 2).value == pytest.approx(budget.loc[(y, "cofunding"), "used"], abs=1e-6)
        # the caps row under the total
        assert ws.cell(total_row + 1, col + 1).value == pytest.approx(budget.loc[(y, "local"), "cap"])
        assert ws.cell(total_row + 1, col + 2).value == pytest.approx(budget.loc[(y, "cofunding"), "cap"])


def test_task_rows_and_subtotals(wb, cut20_result, program):
    ws = wb.worksheets[0]
    alloc = cut20_result.allocation
    per_task = alloc.groupby(level="task_id").sum()
    rows = _annex_rows(ws)
    group_row, sums = None, None

    def check_group():
        if group_row is not None:
            for col, value in sums.items():
                assert ws.cell(group_row, col).value == pytest.approx(value, abs=1e-6)

    for r, kind in rows[:-1]:
        if kind == "group":
            check_group()
            group_row, sums = r, {c: 0.0 for c in range(5, 8)} | {11 + 3 * i + j: 0.0 for i in range(5) for j in (1, 2)}
            assert ws.cell(r, 2).font.b and ws.cell(r, 6).font.b
            assert ws.cell(r, 4).value is None  # units differ: no quantity on a group row
            continue
        name = ws.cell(r, 2).value
        tid = next(t for t in per_task.index if program.task(t).name.vi == name)
        assert ws.cell(r, 4).value == int(per_task.loc[tid, "quantity"])
        assert ws.cell(r, 6).value == pytest.approx(per_task.loc[tid, "local_budget"], abs=1e-6)
        assert ws.cell(r, 7).value == pytest.approx(per_task.loc[tid, "cofunding"], abs=1e-6)
        assert ws.cell(r, 5).value == pytest.approx(ws.cell(r, 6).value + ws.cell(r, 7).value)
        for i, y in enumerate(YEARS):
            col = 11 + 3 * i
            q = alloc["quantity"].get((tid, y), 0)
            assert ws.cell(r, col).value == q
        for col in sums:
            sums[col] += ws.cell(r, col).value or 0
    check_group()
    # quantities per task equal the achievement table (nothing done before the plan here)
    assert sum(ws.cell(r, 4).value for r, k in rows if k == "task") == int(cut20_result.achievement["achieved"].sum())


def test_formatting_for_print(wb):
    ws = wb.worksheets[0]
    assert ws.freeze_panes == "C6"
    assert ws.column_dimensions["B"].width >= 40
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A3)
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == "$4:$5"
    total_row = _annex_rows(ws)[-1][0]
    assert ws.cell(total_row, 6).number_format.startswith("#,##0")
    assert ws.cell(total_row, 2).font.b
    assert ws.cell(FIRST_DATA_ROW + 1, 2).alignment.wrap_text
    for sheet in wb.worksheets[1:3]:
        assert sheet.freeze_panes is not None
        assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)


def test_budget_sheet(wb, cut20_result):
    ws = wb.worksheets[1]
    b = cut20_result.budget
    for i, y in enumerate(YEARS):
        r = 6 + i
        assert ws.cell(r, 1).value == y
        assert ws.cell(r, 2).value == pytest.approx(b.loc[(y, "local"), "cap"])
        assert ws.cell(r, 3).value == pytest.approx(b.loc[(y, "local"), "used"])
        assert ws.cell(r, 4).value == pytest.approx(b.loc[(y, "local"), "slack"])
        assert ws.cell(r, 6).value == pytest.approx(b.loc[(y, "local"), "shadow_price"] * 1000)
        assert ws.cell(r, 7).value == pytest.approx(b.loc[(y, "cofunding"), "cap"])
        assert ws.cell(r, 8).value == pytest.approx(b.loc[(y, "cofunding"), "used"])
    total = 6 + len(YEARS)
    assert ws.cell(total, 3).value == pytest.approx(b.xs("local", level="source")["used"].sum())


def test_achievement_sheet(wb, cut20_result, program):
    ws = wb.worksheets[2]
    by_id = {ws.cell(r, 1).value: r for r in range(5, ws.max_row + 1)}
    assert set(by_id) == set(program.task_ids)
    r = by_id["II.2"]
    assert (ws.cell(r, 4).value, ws.cell(r, 5).value, ws.cell(r, 7).value) == (28, 12, 16)
    assert ws.cell(r, 9).value == pytest.approx(16 * 300)
    assert ws.cell(r, 5).font.color.rgb.endswith("C00000")


def test_record_sheet(wb, cut20_result):
    ws = wb.worksheets[3]
    values = [ws.cell(r, 2).value for r in range(1, ws.max_row + 1)]
    assert "cut-20pct" in values
    assert cut20_result.input_hash in values
    assert "budget.2021: 4658 → 3726.4" in values


def test_english_workbook(tmp_path, cut20_scenario, cut20_result):
    path = tmp_path / "plan-en.xlsx"
    xlsx.write(cut20_result, cut20_scenario, path, lang="en")
    wb = load_workbook(path)
    assert wb.sheetnames == ["Task annex", "Annual budget", "Achievement", "Record"]
    ws = wb.worksheets[0]
    assert [ws.cell(4, c).value for c in (1, 2, 3, 4)] == ["No.", "Task", "Unit", "Quantity"]
    names = {ws.cell(r, 2).value for r in range(6, ws.max_row + 1)}
    assert "Advanced machinery for establishments" in names and "GRAND TOTAL" in names


def test_baseline_matches_the_decision(tmp_path, baseline_scenario, baseline_result, program):
    """As decided, the plan spends what the annex lists, less III.8's one unplaceable prize."""
    rows = xlsx.annex_rows(baseline_result, baseline_scenario)
    total = rows[-1]
    alloc = baseline_result.allocation
    assert total["local"] == pytest.approx(alloc["local_budget"].sum(), abs=1e-6)
    assert total["other"] == pytest.approx(alloc["cofunding"].sum(), abs=1e-6)
    by_id = {r["task_id"]: r for r in rows if r["kind"] == "task"}
    assert by_id["II.2"]["quantity"] == 28 and by_id["II.2"]["local"] == pytest.approx(8400)
    assert by_id["III.8"]["quantity"] == 209


def test_errors(tmp_path, cut20_scenario, cut20_result):
    with pytest.raises(OutputError):
        xlsx.write(cut20_result, cut20_scenario, tmp_path / "plan.xls")
    infeasible_scenario = kg.load_scenario(SCENARIOS / "floors-infeasible.yaml")
    infeasible = kg.solve(infeasible_scenario)
    with pytest.raises(NoSolutionError):
        xlsx.workbook(infeasible, infeasible_scenario)


def test_cli_solve_xlsx(capsys, tmp_path):
    path = tmp_path / "plan.xlsx"
    code = cli.main(["solve", str(SCENARIOS / "cut-20pct.yaml"), "--xlsx", str(path), "--lang", "en"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert f"Wrote {path}" in out
    assert load_workbook(path).sheetnames[0] == "Task annex"
    missing = tmp_path / "none.xlsx"
    code = cli.main(["solve", str(SCENARIOS / "floors-infeasible.yaml"), "--xlsx", str(missing)])
    capsys.readouterr()
    assert code == 1 and not missing.exists()

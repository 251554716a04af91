"""The Excel workbook a clerk sends unchanged: the annex layout, totals as formulas whose values are
cached in the file and equal to the solved totals, the decision's figures beside the plan's, notes
from the change log, A4 landscape on every sheet.

The formulas are checked twice: by a small evaluator here (SUM, + − * /, MIN, MAX, IF, ROUNDDOWN
and references across sheets: all the workbook uses), which needs nothing installed; and by
LibreOffice, which computes a copy of the file stripped of its cached values (skipped cleanly
where LibreOffice is not installed).
"""

from __future__ import annotations

import csv
import io
import math
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter

import kgkc_opt as kg
from kgkc_opt.analysis.gains import gains_table
from kgkc_opt.cli import app as cli
from kgkc_opt.errors import NoSolutionError, OutputError
from kgkc_opt.report import workbook as xlsx
from tests.support.paths import SCENARIOS

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
YEARS = [2021, 2022, 2023, 2024, 2025]
FIRST_DATA_ROW = 6
SHEETS = ["Phụ lục nhiệm vụ", "Phân kỳ theo năm", "Kế hoạch vốn", "Mức đạt mục tiêu", "Thông tin"]


@pytest.fixture(scope="module")
def gains(cut20_scenario, cut20_result):
    return gains_table(cut20_scenario, cut20_result)


@pytest.fixture(scope="module")
def data(cut20_scenario, cut20_result, gains) -> bytes:
    return xlsx.build(cut20_result, cut20_scenario, gains=gains).to_bytes()


@pytest.fixture(scope="module")
def wb(data):
    return load_workbook(io.BytesIO(data))


@pytest.fixture(scope="module")
def values(data):
    """What a reader that does not recalculate sees: the cached values."""
    return load_workbook(io.BytesIO(data), data_only=True)


def _annex_rows(ws):
    rows = []
    for r in range(FIRST_DATA_ROW, ws.max_row + 1):
        tt, name = ws.cell(r, 1).value, ws.cell(r, 2).value
        if name == "TỔNG CỘNG":
            rows.append((r, "total"))
            break
        rows.append((r, "group" if tt in ROMAN else "task"))
    return rows


# --- a small evaluator of the workbook's formulas ------------------------------------------


def evaluate(wb, sheet: str, ref: str, seen: frozenset = frozenset()) -> float:
    """The value of cell ``ref`` on ``sheet``, computing formulas from the cells they refer to."""
    value = wb[sheet][ref].value
    if not (isinstance(value, str) and value.startswith("=")):
        return 0.0 if value is None else float(value)
    assert (sheet, ref) not in seen, "circular reference"
    seen = seen | {(sheet, ref)}
    expr = value[1:]

    def cell(m: re.Match) -> str:
        target = m.group(1) or m.group(2) or sheet
        return repr(evaluate(wb, target, m.group(3), seen))

    def rng(m: re.Match) -> str:
        target = m.group(1) or sheet
        c0, r0 = re.match(r"([A-Z]+)(\d+)", m.group(2)).groups()
        c1, r1 = re.match(r"([A-Z]+)(\d+)", m.group(3)).groups()
        cells = [evaluate(wb, target, f"{get_column_letter(c)}{r}", seen)
                 for c in range(column_index_from_string(c0), column_index_from_string(c1) + 1)
                 for r in range(int(r0), int(r1) + 1)]
        return repr(sum(cells))

    expr = re.sub(r"SUM\((?:'([^']+)'!)?([A-Z]+\d+):([A-Z]+\d+)\)", rng, expr)
    expr = re.sub(r"(?:'([^']+)'!|([A-Za-z]+)!)?\b([A-Z]{1,3}\d+)\b", cell, expr)
    expr = expr.replace("=", "==").replace("<>", "!=")
    env = {"MIN": min, "MAX": max, "IF": lambda c, a, b: a if c else b,
           "ROUNDDOWN": lambda x, d: math.floor(x * 10 ** d + 1e-9) / 10 ** d}
    return float(eval(expr, {"__builtins__": {}}, env))


def formula_cells(wb):
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("="):
                    yield ws.title, c.coordinate


def test_same_plan_same_bytes(data, cut20_scenario, cut20_result, gains):
    """No clock in the file: the same plan gives the same workbook, byte for byte."""
    assert xlsx.build(cut20_result, cut20_scenario, gains=gains).to_bytes() == data


def test_sheets_in_order(wb):
    assert wb.sheetnames == SHEETS


def test_every_formula_has_its_value_cached_and_right(wb, values):
    count = 0
    for sheet, ref in formula_cells(wb):
        cached = values[sheet][ref].value
        assert cached is not None, (sheet, ref)  # shown without recalculation
        assert cached == pytest.approx(evaluate(wb, sheet, ref), abs=1e-6), (sheet, ref, wb[sheet][ref].value)
        count += 1
    assert count > 300


def test_totals_are_formulas_equal_to_the_solved_totals(wb, values, cut20_result):
    ws, v = wb[SHEETS[0]], values[SHEETS[0]]
    rows = _annex_rows(ws)
    total = rows[-1][0]
    for col in (6, 7, 9):
        assert ws.cell(total, col).value.startswith("=")
    used = cut20_result.budget.xs("local", level="source")["used"].sum()
    cof = cut20_result.budget.xs("cofunding", level="source")["used"].sum()
    assert v.cell(total, 7).value == pytest.approx(used, abs=1e-6)
    assert v.cell(total, 9).value == pytest.approx(cof, abs=1e-6)
    assert v.cell(total, 6).value == pytest.approx(used + cof, abs=1e-6)
    for r, kind in rows:
        if kind == "group":
            assert ws.cell(r, 7).value.startswith("=SUM(")
    # year totals on the sheet by year are formulas too, equal to each year's use
    years = wb[SHEETS[1]]
    year_total = next(r for r in range(6, years.max_row + 1) if years.cell(r, 2).value == "TỔNG CỘNG")
    for i, y in enumerate(YEARS):
        col = 3 + 3 * i + 1
        assert years.cell(year_total, col).value.startswith("=")
        assert values[SHEETS[1]].cell(year_total, col).value == pytest.approx(
            cut20_result.budget.loc[(y, "local"), "used"], abs=1e-6)


def test_a_clerks_edit_flows_into_the_totals(wb):
    """Raise one task's 2021 money on the sheet by year: its annex row, group and total follow."""
    years = wb[SHEETS[1]]
    annex = wb[SHEETS[0]]
    r = next(r for r in range(6, years.max_row + 1) if years.cell(r, 1).value == "II.2")
    total = _annex_rows(annex)[-1][0]
    before = evaluate(wb, SHEETS[0], f"G{total}")
    old = years.cell(r, 4).value
    years.cell(r, 4).value = old + 300
    try:
        assert evaluate(wb, SHEETS[0], f"G{total}") == pytest.approx(before + 300)
        assert evaluate(wb, SHEETS[0], f"G{r}") == pytest.approx(evaluate(wb, SHEETS[1], f"S{r}"))
    finally:
        years.cell(r, 4).value = old


def test_annex_header_and_theo_qd(wb, values):
    ws = wb[SHEETS[0]]
    assert ws["A1"].value.startswith("DANH MỤC CÁC NHIỆM VỤ CỤ THỂ CỦA CHƯƠNG TRÌNH KHUYẾN CÔNG")
    assert "Giảm 20% vốn ngân sách mỗi năm" in ws["A2"].value and "cut-20pct" not in ws["A2"].value
    top = [ws.cell(4, c).value for c in range(1, 14)]
    assert top[:4] == ["TT", "Tên nhiệm vụ", "Đơn vị tính", "Số lượng"]
    assert top[5].startswith("Dự kiến kinh phí")
    assert top[9:] == ["Thời gian triển khai", "Cơ quan chủ trì", "Cơ quan phối hợp", "Ghi chú"]
    assert [ws.cell(5, c).value for c in (4, 5, 6, 7, 8, 9)] == ["Kế hoạch", "Theo QĐ", "Tổng số", "Vốn NS",
                                                               "Vốn NS theo QĐ", "Vốn khác"]
    # II.2: the plan's 12 beside the decision's 28, and the note says why
    r = next(r for r, kind in _annex_rows(ws) if kind == "task" and ws.cell(r, 2).value.startswith("Hỗ trợ cơ sở CNNT"))
    assert values[SHEETS[0]].cell(r, 4).value == 12 and ws.cell(r, 5).value == 28
    assert ws.cell(r, 8).value == 8400
    assert "thiếu 16 cơ sở" in ws.cell(r, 13).value and "giảm 20%" in ws.cell(r, 13).value
    # a task the plan carries out in full shows no decision's figure
    first = next(r for r, kind in _annex_rows(ws) if kind == "task")
    assert ws.cell(first, 5).value is None and ws.cell(first, 8).value is None


def test_money_as_the_decision_writes_it(wb, values):
    ws = wb[SHEETS[0]]
    for r, _ in _annex_rows(ws):
        for col in (6, 7, 9):
            value = values[SHEETS[0]].cell(r, col).value
            expected = xlsx.INT_FORMAT if abs(value - round(value)) < 5e-7 else xlsx.DECIMAL_FORMAT
            assert ws.cell(r, col).number_format == expected
    assert "0.00" not in xlsx.INT_FORMAT


def test_every_sheet_prints_on_a4_landscape(wb):
    for ws in wb.worksheets:
        assert str(ws.page_setup.paperSize) == str(ws.PAPERSIZE_A4), ws.title
        assert ws.page_setup.orientation == "landscape", ws.title
        # (fitToWidth absent is its default, 1: XlsxWriter writes only a width other than 1)
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (1, None)
        assert ws.page_setup.fitToHeight == 0
    for title in SHEETS[:4]:
        assert wb[title].print_title_rows, title


def test_budget_sheet_with_the_decisions_caps_and_the_gains(wb, values, cut20_result, gains):
    ws, v = wb[SHEETS[2]], values[SHEETS[2]]
    for i, y in enumerate(YEARS):
        r = 6 + i
        assert ws.cell(r, 1).value == y
        assert ws.cell(r, 2).value == pytest.approx(float(kg.load_program().annual_budget[y].state))
        assert ws.cell(r, 3).value == pytest.approx(cut20_result.budget.loc[(y, "local"), "cap"])
        assert v.cell(r, 4).value == pytest.approx(cut20_result.budget.loc[(y, "local"), "used"])
    texts = [c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any(t.startswith("Thêm 1 tỷ đồng") for t in texts)
    plus = gains[(gains["year"] == 2021) & (gains["amount"] > 0)]
    n = int(plus.loc[plus["task_id"] == "II.2", "units"].iloc[0])
    assert any(f"+{n} cơ sở (II.2 Máy móc thiết bị tiên tiến)" in t for t in texts)
    assert not any("Giá trị biên" in t or "shadow" in t.lower() for t in texts)


def test_achievement_sheet(wb, values, cut20_result):
    ws, v = wb[SHEETS[3]], values[SHEETS[3]]
    for r in range(5, 5 + len(cut20_result.achievement)):
        tid = ws.cell(r, 1).value
        a = cut20_result.achievement.loc[tid]
        assert ws.cell(r, 5).value == a["target"]
        assert v.cell(r, 6).value == a["achieved"]
        assert v.cell(r, 8).value == a["shortfall"]
        assert v.cell(r, 7).value == pytest.approx(math.floor(min(1, a["achieved"] / a["target"]) * 100 + 1e-9) / 100)


def test_record_sheet(wb, cut20_result):
    ws = wb[SHEETS[4]]
    record = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(3, ws.max_row + 1)}
    assert record["Phương án"] == "Giảm 20% vốn ngân sách mỗi năm"
    assert record["Kết quả tính toán"] == "tối ưu (đã chứng minh)"
    assert record["Thay đổi so với quyết định"] == "Vốn ngân sách các năm 2021–2025 giảm 20%"
    assert record["Mã kiểm tra dữ liệu đầu vào"] == cut20_result.input_hash
    # numbers as numbers (a number format shows them), not "23,415238 / 24" as text
    assert record["Tổng tỷ lệ hoàn thành mục tiêu"] == pytest.approx(float(cut20_result.objective))
    assert record["Giá trị cao nhất có thể (số mục tiêu)"] == cut20_result.max_objective
    row = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, 1).value == "Tổng tỷ lệ hoàn thành mục tiêu")
    assert ws.cell(row, 2).data_type == "n" and ws.cell(row, 2).number_format == "0.000000"


def test_provenance_in_the_properties_not_in_the_printed_tables(wb, cut20_result):
    assert cut20_result.input_hash in wb.properties.keywords and "kgkc-opt" in wb.properties.description
    for title in SHEETS[:4]:
        texts = [c for row in wb[title].iter_rows(values_only=True) for c in row if isinstance(c, str)]
        assert not any(cut20_result.input_hash in t or "HiGHS" in t or "kgkc-opt" in t for t in texts), title


def test_english_workbook(tmp_path, cut20_scenario, cut20_result, gains):
    path = tmp_path / "plan-en.xlsx"
    xlsx.write(cut20_result, cut20_scenario, path, lang="en", gains=gains)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Task annex", "By year", "Annual caps", "Achievement", "Record"]
    assert wb.worksheets[0]["A1"].value.startswith("SPECIFIC TASKS OF THE")
    assert "Local budget cut by 20% every year" in wb.worksheets[0]["A2"].value


def test_baseline_matches_the_decision(tmp_path, baseline_scenario, baseline_result, program):
    book = xlsx.build(baseline_result, baseline_scenario)
    values = load_workbook(io.BytesIO(book.to_bytes()), data_only=True)
    ws = values[SHEETS[0]]
    rows = _annex_rows(ws)
    total = rows[-1][0]
    used = float(baseline_result.budget.xs("local", level="source")["used"].sum())
    assert ws.cell(total, 7).value == pytest.approx(used)
    assert "Theo quyết định phê duyệt chương trình" in ws["A2"].value


def test_errors(tmp_path, cut20_scenario, cut20_result):
    with pytest.raises(OutputError):
        xlsx.write(cut20_result, cut20_scenario, tmp_path / "plan.xls")
    infeasible = kg.solve(kg.load_scenario(SCENARIOS / "floors-infeasible.yaml"))
    with pytest.raises(NoSolutionError):
        xlsx.build(infeasible, kg.load_scenario(SCENARIOS / "floors-infeasible.yaml"))


def test_cli_solve_xlsx(capsys, tmp_path):
    out = tmp_path / "plan.xlsx"
    code = cli.main(["solve", str(SCENARIOS / "cut-20pct.yaml"), "--xlsx", str(out)])
    text, _ = capsys.readouterr()
    assert code == 0 and f"Đã ghi {out}" in text
    assert load_workbook(out, data_only=True)[SHEETS[0]]["G6"].value == 125


# --- LibreOffice: computes the formulas itself -------------------------------------------


def _libreoffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _without_cached_values(data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                content = re.sub(rb"(</f>)<v>[^<]*</v>", rb"\1", content)
            dst.writestr(item, content)
    return out.getvalue()


@pytest.mark.skipif(_libreoffice() is None, reason="LibreOffice is not installed (apt-get install libreoffice-calc)")
def test_libreoffice_computes_the_same_totals(data, wb, values, tmp_path):
    src = tmp_path / "plan.xlsx"
    src.write_bytes(_without_cached_values(data))
    # every sheet to its own CSV (the last filter option, -1: all sheets), numbers unformatted
    options = "44,34,76,1,,1033,false,true,false,false,false,-1"
    subprocess.run([_libreoffice(), f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to",
                    f"csv:Text - txt - csv (StarCalc):{options}", "--outdir", str(tmp_path), str(src)],
                   capture_output=True, timeout=180, check=False)
    checked = 0
    for title in SHEETS[:4]:
        found = list(tmp_path.glob(f"plan-{title}.csv"))
        if not found:
            pytest.skip("this LibreOffice cannot export every sheet to CSV")
        with open(found[0], encoding="utf-8") as fh:
            grid = list(csv.reader(fh))
        for sheet, ref in formula_cells(wb):
            if sheet != title:
                continue
            col, row = re.match(r"([A-Z]+)(\d+)", ref).groups()
            text = grid[int(row) - 1][column_index_from_string(col) - 1]
            number = float(text[:-1]) / 100 if text.endswith("%") else float(text)  # shares keep their % sign
            assert number == pytest.approx(values[sheet][ref].value, abs=1e-6), (sheet, ref)
            checked += 1
    assert checked > 300


@pytest.mark.skipif(_libreoffice() is None, reason="LibreOffice is not installed (apt-get install libreoffice-calc)")
def test_workbook_prints_on_a4_in_libreoffice(data, tmp_path):
    src = tmp_path / "plan.xlsx"
    src.write_bytes(data)
    subprocess.run([_libreoffice(), f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(src)], capture_output=True, timeout=180, check=False)
    pdf = (tmp_path / "plan.pdf").read_bytes()
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert boxes
    assert all(abs(float(w) - 841.9) < 1 and abs(float(h) - 595.3) < 1 for w, h in boxes)  # A4 landscape


def test_a_program_with_other_state_sources_and_ranges():
    """The three-source fixture cut to half its national funds: the budget sheet has a block per
    source (the decision's column beside the scenario's cap and use), the achievement sheet writes
    the range as the decision does and counts the share of its minimum."""
    program = kg.load_program(Path(__file__).resolve().parents[1] / "fixtures" / "tiny-sources.yaml")
    scenario = kg.baseline(program).derive("half", funding={"national": {"all": "-50%"}})
    result = kg.solve(scenario)
    book = load_workbook(io.BytesIO(xlsx.build(result, scenario).to_bytes()), data_only=True)
    ws = book[SHEETS[2]]
    assert ws.cell(4, 12).value == "Kinh phí khuyến công quốc gia"
    for i, y in enumerate([2025, 2026, 2027]):
        r = 6 + i
        assert ws.cell(r, 2).value == pytest.approx(float(program.annual_budget[y].local))  # 61, not the state 75
        assert ws.cell(r, 12).value == 14                                                  # the decision's column
        assert ws.cell(r, 13).value == pytest.approx(result.budget.loc[(y, "national"), "cap"]) == 7
        assert ws.cell(r, 14).value == pytest.approx(result.budget.loc[(y, "national"), "used"])
    ach = book[SHEETS[3]]
    row = next(r for r in range(5, 8) if ach.cell(r, 1).value == "A.2")
    assert ach.cell(row, 4).value == "4–6" and ach.cell(row, 5).value == 4
    achieved = int(result.achievement.loc["A.2", "achieved"])
    assert ach.cell(row, 8).value == max(4 - achieved, 0)


# --- every source of money: the 2026–2030 program with national funds ----------------------


@pytest.fixture(scope="module")
def an_giang():
    scenario = kg.load_scenario(SCENARIOS / "an-giang-2026-2030.yaml")
    result = kg.solve(scenario)
    return scenario, result, xlsx.build(result, scenario).to_bytes()


def _strings(data: bytes) -> str:
    book = load_workbook(io.BytesIO(data))
    return "\n".join(c.value for ws in book.worksheets for row in ws.iter_rows() for c in row
                     if isinstance(c.value, str))


def test_the_2026_2030_annex_names_its_program_and_document_in_the_run_language(an_giang):
    """Row 1 names the program, row 2 the scenario and the program's source document, the record
    sheet both, and the annex its lead and partner agencies, each in the run's language (issue 24,
    item 6: row 2 was English in Vietnamese, the agencies Vietnamese in English)."""
    scenario, result, vi_data = an_giang
    program = scenario.program
    en_data = xlsx.build(result, scenario, lang="en").to_bytes()
    for data, lang, other in ((vi_data, "vi", "en"), (en_data, "en", "vi")):
        book = load_workbook(io.BytesIO(data))
        annex, record = book.worksheets[0], book.worksheets[-1]
        assert program.title.get(lang).upper() in annex["A1"].value
        assert program.source_document.get(lang) in annex["A2"].value
        assert scenario.title.get(lang) in annex["A2"].value
        record_values = [c.value for row in record.iter_rows() for c in row]
        assert program.title.get(lang) in record_values and program.source_document.get(lang) in record_values
        text = _strings(data)
        assert program.source_document.get(other) not in text and program.title.get(other) not in text
        agencies = {t.lead for t in program.tasks} | {t.partner for t in program.tasks if t.partner.vi != "-"}
        assert all(a.get(lang) in text and a.get(other) not in text for a in agencies)  # lead, partners


def _row_named(ws, prefix: str, start: int = FIRST_DATA_ROW) -> int:
    return next(r for r in range(start, ws.max_row + 1) if str(ws.cell(r, 2).value or "").startswith(prefix))


def test_the_2026_2030_annex_shows_every_source_and_the_stated_totals(an_giang):
    """The annex has a column per source of the program (national funds beside the local budget
    and the establishments' contributions); TỔNG CỘNG is the sum of the three, each the plan's
    allocation; under it the program's stated totals, 97,535 = 5,700 + 38,155 + 53,680."""
    scenario, result, data = an_giang
    program = scenario.program
    wb, values = load_workbook(io.BytesIO(data)), load_workbook(io.BytesIO(data), data_only=True)
    ws, v = wb[SHEETS[0]], values[SHEETS[0]]
    names = {s.id: s.name.vi for s in program.funding_sources}
    assert [ws.cell(5, c).value for c in (6, 7, 8, 10)] == ["Tổng số", names["national"], names["local"],
                                                            names["establishments"]]
    total = _row_named(ws, "TỔNG CỘNG")
    spent = result.allocation[["national", "local_budget", "cofunding"]].sum()
    assert spent["national"] > 0
    assert [v.cell(total, c).value for c in (7, 8, 10)] == pytest.approx(list(spent))
    assert v.cell(total, 6).value == pytest.approx(spent.sum())
    assert ws.cell(total, 6).value == f"=G{total}+H{total}+J{total}"
    stated = _row_named(ws, "Theo văn bản chương trình", total)
    assert stated == total + 1
    figures = [v.cell(stated, c).value for c in (6, 7, 8, 10)]
    st = program.stated_totals
    assert figures == [float(st.total), float(st.extra[0][1]), float(st.local), float(st.other)]
    assert figures[0] == 97535 == sum(figures[1:])
    # by year: what the plan uses plus what is left is each source's cap; the caps add up to the
    # totals the program states (its annual table)
    y = values[SHEETS[1]]
    total_y = _row_named(y, "TỔNG CỘNG")
    cap, left = total_y + 1, _row_named(y, "Còn lại", total_y)
    period = 3 + 4 * len(program.years)
    for offset, expected in ((1, st.extra[0][1]), (2, st.local), (3, st.other)):
        col = period + offset
        assert y.cell(cap, col).value == pytest.approx(float(expected))
        assert y.cell(total_y, col).value + y.cell(left, col).value == pytest.approx(y.cell(cap, col).value)
    # the budget sheet's national block refers to the by-year sheet (a formula, not a copied figure)
    b = wb[SHEETS[2]]
    assert b.cell(4, 12).value == names["national"] and b.cell(6, 14).value.startswith("='Phân kỳ theo năm'!")


def test_kien_giang_keeps_its_two_sources(wb):
    """A program with the local budget and co-funding only keeps the decision's 13 columns."""
    ws = wb[SHEETS[0]]
    assert [ws.cell(5, c).value for c in range(6, 10)] == ["Tổng số", "Vốn NS", "Vốn NS theo QĐ", "Vốn khác"]
    assert ws.cell(4, 13).value == "Ghi chú" and ws.cell(4, 14).value is None


@pytest.mark.skipif(_libreoffice() is None, reason="LibreOffice is not installed (apt-get install libreoffice-calc)")
def test_libreoffice_computes_the_2026_2030_totals(an_giang, tmp_path):
    """LibreOffice recalculates every formula of the 2026–2030 workbook (from a copy without the
    stored values) to the values stored in it."""
    _, _, data = an_giang
    src = tmp_path / "ag.xlsx"
    src.write_bytes(_without_cached_values(data))
    subprocess.run([_libreoffice(), f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to",
                    "xlsx:Calc MS Excel 2007 XML", "--outdir", str(tmp_path / "lo-out"), str(src)],
                   capture_output=True, timeout=300, check=False)
    done = tmp_path / "lo-out" / "ag.xlsx"
    if not done.exists():
        pytest.skip("this LibreOffice cannot convert to xlsx")
    ours, theirs = load_workbook(io.BytesIO(data), data_only=True), load_workbook(done, data_only=True)
    formulas = list(formula_cells(load_workbook(io.BytesIO(data))))
    for sheet, ref in formulas:
        assert theirs[sheet][ref].value == pytest.approx(ours[sheet][ref].value, abs=1e-6), (sheet, ref)
    assert len(formulas) > 450
    annex = theirs[SHEETS[0]]
    stated = _row_named(annex, "Theo văn bản chương trình")
    assert annex.cell(stated, 6).value == 97535

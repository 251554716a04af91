"""The plan as an Excel workbook, laid out as the decision's annex table (openpyxl; no plotting).

Sheets, in order:

1. the annex: TT, Tên nhiệm vụ, Đơn vị, Số lượng, Dự kiến kinh phí (Tổng số / Vốn NS / Vốn khác),
   Thời gian triển khai, Cơ quan chủ trì, Cơ quan phối hợp, with the scenario's quantities and
   money; group rows I–VIII with subtotals, a grand total, one column block per year (quantity,
   Vốn NS, Vốn khác) and the annual caps under the total;
2. the annual budget: cap, used, slack, share used and shadow price, per year and source;
3. achievement: target, achieved, share, shortfall and the local budget it would take to close it;
4. the record: scenario, program, status, objective, solver, input hash and the change log.

Cells hold numbers (not formulas), so any reader sees the same totals as the solver. Number
formats use Excel's own separators, which Excel shows per the reader's locale (4.717,88 on a
Vietnamese system). Printing: the annex on A3 landscape one page wide (its own columns and the
year blocks side by side), header rows repeated on every page; the other sheets on A4.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kgkc_opt._version import __version__
from kgkc_opt.errors import NoSolutionError, OutputError
from kgkc_opt.report import fmt
from kgkc_opt.report.files import write_file

FONT_NAME = "Times New Roman"  # the font of the decision itself; has every Vietnamese glyph
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
GROUP_FILL = PatternFill("solid", fgColor="F2F2F2")
TOTAL_FILL = PatternFill("solid", fgColor="FFF2CC")
INT_FORMAT = '#,##0;-#,##0;"-"'
MONEY_FORMAT = '#,##0.00;-#,##0.00;"-"'
SHARE_FORMAT = "0.0%"

SHEETS = {
    "annex": ("Phụ lục nhiệm vụ", "Task annex"),
    "budget": ("Ngân sách theo năm", "Annual budget"),
    "achievement": ("Mức đạt mục tiêu", "Achievement"),
    "record": ("Thông tin", "Record"),
}


def _t(vi: str, en: str, lang: str) -> str:
    return vi if lang == "vi" else en


def _font(bold: bool = False, italic: bool = False, size: float = 11, colour: str | None = None) -> Font:
    return Font(name=FONT_NAME, bold=bold, italic=italic, size=size, color=colour)


# ---------------------------------------------------------------------------------------------
# the annex table as rows (also what the tests compare)


def annex_rows(result: Any, scenario: Any, lang: str = "vi") -> list[dict[str, Any]]:
    """The annex as rows: kind ("group", "task", "total"), labels, totals and per-year figures.

    Quantities and money are the plan's (sums over years of the allocation); money in million VND.
    """
    fmt.check_lang(lang)
    if not result.has_plan:
        raise NoSolutionError(f"scenario {result.scenario!r} has no plan ({result.status.value}): "
                        "there is no annex table to write")
    program = scenario.program
    years = list(program.years)
    alloc = result.allocation
    per_task: dict[str, dict[int, tuple[int, float, float]]] = {}
    for (tid, year), row in alloc.iterrows():
        per_task.setdefault(str(tid), {})[int(year)] = (
            int(row["quantity"]), float(row["local_budget"]), float(row["cofunding"]))

    def empty_years() -> dict[int, list[float]]:
        return {y: [0, 0.0, 0.0] for y in years}

    rows: list[dict[str, Any]] = []
    grand = {"local": 0.0, "other": 0.0, "years": empty_years()}
    for group in program.groups:
        tasks = [t for t in program.tasks if t.group == group.id]
        if not tasks:
            continue
        group_row = {"kind": "group", "tt": group.id, "name": group.name.get(lang), "local": 0.0,
                     "other": 0.0, "years": empty_years()}
        rows.append(group_row)
        for task in tasks:
            by_year = per_task.get(task.id, {})
            ys = empty_years()
            for y, (q, loc, oth) in by_year.items():
                if y in ys:
                    ys[y] = [q, loc, oth]
            local = sum(v[1] for v in ys.values())
            other = sum(v[2] for v in ys.values())
            number = task.id.split(".")[-1] if len(tasks) > 1 and "." in task.id else ""
            rows.append({
                "kind": "task", "tt": number, "task_id": task.id, "name": task.name.get(lang),
                "unit": task.unit.get(lang), "quantity": int(sum(v[0] for v in ys.values())),
                "local": local, "other": other, "years": ys,
                "time": task.years_text if lang == "vi" else _years_en(task),
                "lead": task.lead, "partner": task.partner,
            })
            for target in (group_row, grand):
                target["local"] += local
                target["other"] += other
                for y in years:
                    for i in (1, 2):
                        target["years"][y][i] += ys[y][i]
    rows.append({"kind": "total", "tt": "", "name": fmt.label("grand_total", lang), **grand})
    for row in rows:
        row["total"] = row["local"] + row["other"]
    return rows


def _years_en(task: Any) -> str:
    if task.annual:
        return "Annual"
    return fmt.years_text(task.years, "en")


# ---------------------------------------------------------------------------------------------
# sheets


def _set_widths(ws: Worksheet, widths: Sequence[float]) -> None:
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w


def _cell(ws: Worksheet, row: int, col: int, value: Any = None, *, bold: bool = False,
          italic: bool = False, number_format: str | None = None, wrap: bool = False,
          align: str | None = None, fill: PatternFill | None = None, border: bool = True,
          size: float = 11, colour: str | None = None) -> Any:
    c = ws.cell(row=row, column=col, value=value)
    c.font = _font(bold, italic, size, colour)
    if number_format:
        c.number_format = number_format
    horizontal = align or ("right" if isinstance(value, int | float) and not isinstance(value, bool) else None)
    c.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=wrap)
    if fill is not None:
        c.fill = fill
    if border:
        c.border = BORDER
    return c


def _title(ws: Worksheet, text: str, last_col: int, row: int = 1, *, size: float = 13,
           bold: bool = True, italic: bool = False, height: float | None = None) -> None:
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
    c = ws.cell(row=row, column=1, value=text)
    c.font = _font(bold=bold, italic=italic, size=size)
    c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    if height:
        ws.row_dimensions[row].height = height


def _money_format(values: Iterable[float]) -> str:
    """Whole millions as the decision prints them; two decimals where some cell needs them."""
    return INT_FORMAT if all(abs(v - round(v)) < 5e-7 for v in values) else MONEY_FORMAT


def _print_setup(ws: Worksheet, *, landscape: bool = True, title_rows: str | None = None,
                 title_cols: str | None = None, fit_width: bool = True, scale: int | None = None,
                 paper: str = "A4") -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A3 if paper == "A3" else ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    if scale:
        ws.page_setup.scale = scale
    elif fit_width:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.print_options.horizontalCentered = True
    if title_rows:
        ws.print_title_rows = title_rows
    if title_cols:
        ws.print_title_cols = title_cols
    ws.oddFooter.center.text = "&P / &N"
    ws.oddFooter.center.font = FONT_NAME
    ws.oddFooter.center.size = 9


def _annex_sheet(ws: Worksheet, result: Any, scenario: Any, lang: str) -> None:
    program = scenario.program
    years = list(program.years)
    rows = annex_rows(result, scenario, lang)
    base_cols = 10
    last_col = base_cols + 3 * len(years)
    title = program.title.get(lang)
    if lang == "vi":
        heading = "DANH MỤC CÁC NHIỆM VỤ CỤ THỂ CỦA " + title.upper()
    else:
        heading = "SPECIFIC TASKS OF THE " + title.upper()
    _title(ws, heading, last_col, 1, size=13, height=22)
    source = program.source_document
    sub = _t(f"(Phương án phân bổ theo kịch bản “{scenario.name}”; căn cứ {source})",
             f"(Allocation under scenario “{scenario.name}”; based on {source})", lang)
    _title(ws, sub, last_col, 2, size=11, bold=False, italic=True, height=18)
    h1, h2 = 4, 5
    header = [("tt", 6), ("task_name", 44), ("unit", 9 if lang == "vi" else 12.5), ("quantity", 9)]
    widths = [w for _, w in header] + [11, 11, 11, 12, 15, 17] + [8.5, 10, 10] * len(years)
    _set_widths(ws, widths)
    cost = fmt.label("estimated_cost", lang) + " (" + fmt.label("million_vnd", lang) + ")"
    for col, (key, _w) in enumerate(header, start=1):
        _header_cell(ws, h1, col, fmt.label(key, lang), merge_down=True)
    _header_cell(ws, h1, 5, cost, merge_right=3)
    for col, key in ((5, "total"), (6, "state_capital"), (7, "other_capital")):
        _header_cell(ws, h2, col, fmt.label(key, lang))
    for col, key in ((8, "time"), (9, "lead"), (10, "partner")):
        _header_cell(ws, h1, col, fmt.label(key, lang), merge_down=True)
    for i, y in enumerate(years):
        col = base_cols + 1 + 3 * i
        _header_cell(ws, h1, col, fmt.label("year_n", lang, y=y), merge_right=3)
        for j, key in enumerate(("quantity", "state_capital", "other_capital")):
            _header_cell(ws, h2, col + j, fmt.label(key, lang))
    ws.row_dimensions[h1].height = 30
    ws.row_dimensions[h2].height = 30

    money_values = [v for r in rows for v in (r["total"], r["local"], r["other"])]
    money_values += [v for r in rows for y in years for v in r["years"][y][1:]]
    money = _money_format(money_values)
    r = h2 + 1
    for row in rows:
        kind = row["kind"]
        bold = kind in ("group", "total")
        fill = GROUP_FILL if kind == "group" else TOTAL_FILL if kind == "total" else None
        _cell(ws, r, 1, row["tt"], bold=bold, align="center", fill=fill)
        _cell(ws, r, 2, row["name"], bold=bold, wrap=True, fill=fill,
              align="center" if kind == "total" else "left")
        _cell(ws, r, 3, row.get("unit"), align="center", fill=fill)
        _cell(ws, r, 4, row.get("quantity"), number_format=INT_FORMAT, fill=fill)
        _cell(ws, r, 5, row["total"], bold=bold, number_format=money, fill=fill)
        _cell(ws, r, 6, row["local"], bold=bold, number_format=money, fill=fill)
        _cell(ws, r, 7, row["other"], bold=bold, number_format=money, fill=fill)
        _cell(ws, r, 8, row.get("time"), align="center", wrap=True, fill=fill)
        _cell(ws, r, 9, row.get("lead"), align="center", wrap=True, fill=fill)
        _cell(ws, r, 10, row.get("partner"), align="center", wrap=True, fill=fill)
        for i, y in enumerate(years):
            q, loc, oth = row["years"][y]
            col = base_cols + 1 + 3 * i
            _cell(ws, r, col, q if kind == "task" else None, number_format=INT_FORMAT, fill=fill)
            _cell(ws, r, col + 1, loc, bold=bold, number_format=money, fill=fill)
            _cell(ws, r, col + 2, oth, bold=bold, number_format=money, fill=fill)
        if kind == "group":
            ws.row_dimensions[r].height = 15 * max(1, _lines(row["name"], 44))
        elif kind == "task":
            ws.row_dimensions[r].height = 15 * max(1, _lines(row["name"], 44), _lines(row["partner"], 17))
        r += 1
    # the annual caps under the total, for comparison
    caps = result.budget
    # (a year not planned, as when actuals cover every year, has no cap row: 0)
    cap_local = [float(caps.loc[(y, "local"), "cap"]) if (y, "local") in caps.index else 0.0 for y in years]
    cap_other = [float(caps.loc[(y, "cofunding"), "cap"]) if (y, "cofunding") in caps.index else 0.0 for y in years]
    cap_fmt = _money_format(cap_local + cap_other)
    label = _t("Kế hoạch vốn theo năm (trần)", "Annual caps", lang)
    _cell(ws, r, 1, None)
    _cell(ws, r, 2, label, italic=True, align="center")
    for col in (3, 4, 8, 9, 10):
        _cell(ws, r, col, None)
    _cell(ws, r, 5, sum(cap_local) + sum(cap_other), italic=True, number_format=cap_fmt)
    _cell(ws, r, 6, sum(cap_local), italic=True, number_format=cap_fmt)
    _cell(ws, r, 7, sum(cap_other), italic=True, number_format=cap_fmt)
    for i, _y in enumerate(years):
        col = base_cols + 1 + 3 * i
        _cell(ws, r, col, None)
        _cell(ws, r, col + 1, cap_local[i], italic=True, number_format=cap_fmt)
        _cell(ws, r, col + 2, cap_other[i], italic=True, number_format=cap_fmt)
    note_row = r + 2
    ws.cell(row=note_row, column=2, value=_t(
        "Số lượng và kinh phí theo phương án tối ưu của kịch bản; kinh phí tính bằng triệu đồng. "
        "Dòng nhóm (I–VIII) là tổng cộng của các nhiệm vụ trong nhóm.",
        "Quantities and money as planned under the scenario; money in million VND. Group rows "
        "(I–VIII) are the sums of their tasks.", lang)).font = _font(italic=True, size=10)
    ws.freeze_panes = ws.cell(row=h2 + 1, column=3)
    # one page wide on A3 landscape (the size such wide plan tables are printed on): the annex's
    # own columns and the year blocks side by side, at about 80%
    _print_setup(ws, title_rows=f"{h1}:{h2}", paper="A3")
    ws.print_area = f"A1:{get_column_letter(last_col)}{r}"
    ws.sheet_view.zoomScale = 90


def _lines(text: Any, width: int) -> int:
    if not text:
        return 1
    # Times New Roman is narrower than the width unit (a digit of the default font)
    return len(textwrap.wrap(str(text), width=int(width * 1.3))) or 1


def _header_cell(ws: Worksheet, row: int, col: int, text: str, *, merge_down: bool = False,
                 merge_right: int = 0) -> None:
    if merge_down:
        ws.merge_cells(start_row=row, start_column=col, end_row=row + 1, end_column=col)
    if merge_right:
        ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=col + merge_right - 1)
    cells = [(row + dr, col + dc) for dr in range(2 if merge_down else 1)
             for dc in range(max(merge_right, 1))]
    for rr, cc in cells:
        c = ws.cell(row=rr, column=cc)
        c.border = BORDER
        c.fill = HEADER_FILL
    c = ws.cell(row=row, column=col, value=text)
    c.font = _font(bold=True, size=10.5)
    c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _budget_sheet(ws: Worksheet, result: Any, scenario: Any, lang: str) -> None:
    b = result.budget
    years = sorted(b.index.get_level_values("year").unique())
    _title(ws, _t("KẾ HOẠCH VỐN VÀ SỬ DỤNG VỐN THEO NĂM", "ANNUAL BUDGET: CAPS AND USE", lang), 11, 1,
           height=24)
    _title(ws, _t(f"Kịch bản “{scenario.name}”; đơn vị tính: triệu đồng",
                  f"Scenario “{scenario.name}”; million VND", lang), 11, 2, size=11, bold=False,
           italic=True)
    _set_widths(ws, [14] + [12, 12, 11, 10, 14] * 2)
    h1, h2 = 4, 5
    _header_cell(ws, h1, 1, fmt.label("year", lang), merge_down=True)
    sub = [_t("Trần", "Cap", lang), _t("Đã dùng", "Used", lang), _t("Còn dư", "Slack", lang),
           _t("Tỷ lệ dùng", "Share used", lang), _t("Giá trị biên (mục tiêu / 1 tỷ đồng)",
                                                    "Shadow price (targets / 1 billion VND)", lang)]
    for block, key in enumerate(("local", "cofunding")):
        col = 2 + 5 * block
        _header_cell(ws, h1, col, fmt.label(key, lang), merge_right=5)
        for j, text in enumerate(sub):
            _header_cell(ws, h2, col + j, text)
    ws.row_dimensions[h2].height = 45
    r = h2 + 1
    totals = {s: [0.0, 0.0, 0.0] for s in ("local", "cofunding")}
    for y in years:
        _cell(ws, r, 1, int(y), align="center", number_format="0")
        for block, source in enumerate(("local", "cofunding")):
            row = b.loc[(y, source)]
            col = 2 + 5 * block
            cap, used, slack = float(row["cap"]), float(row["used"]), float(row["slack"])
            for j, v in enumerate((cap, used, slack)):
                _cell(ws, r, col + j, v, number_format=MONEY_FORMAT)
                totals[source][j] += v
            _cell(ws, r, col + 3, used / cap if cap else None, number_format=SHARE_FORMAT)
            _cell(ws, r, col + 4, float(row["shadow_price"]) * 1000, number_format="0.0000")
        r += 1
    _cell(ws, r, 1, fmt.label("grand_total", lang), bold=True, align="center", fill=TOTAL_FILL)
    for block, source in enumerate(("local", "cofunding")):
        col = 2 + 5 * block
        cap, used, slack = totals[source]
        for j, v in enumerate((cap, used, slack)):
            _cell(ws, r, col + j, v, bold=True, number_format=MONEY_FORMAT, fill=TOTAL_FILL)
        _cell(ws, r, col + 3, used / cap if cap else None, bold=True, number_format=SHARE_FORMAT,
              fill=TOTAL_FILL)
        _cell(ws, r, col + 4, None, fill=TOTAL_FILL)
    note = _t(
        "Giá trị biên: tổng tỷ lệ hoàn thành mục tiêu (1,0 = trọn một mục tiêu nhiệm vụ) tăng thêm nếu "
        "trần vốn năm đó tăng 1 tỷ đồng, tính ở mức biên (đúng cho khoản tăng nhỏ). 0 = tăng vốn năm đó "
        "không làm tăng kết quả.",
        "Shadow price: the sum of target shares (1.0 = one whole task target) gained per extra "
        "1 billion VND of that year's cap, at the margin (exact for small amounts). 0 = more money "
        "that year would not improve the plan.", lang)
    ws.merge_cells(start_row=r + 2, start_column=1, end_row=r + 2, end_column=11)
    c = ws.cell(row=r + 2, column=1, value=note)
    c.font = _font(italic=True, size=10)
    c.alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[r + 2].height = 45
    ws.freeze_panes = ws.cell(row=h2 + 1, column=2)
    _print_setup(ws, title_rows=f"{h1}:{h2}")


def _achievement_sheet(ws: Worksheet, result: Any, scenario: Any, lang: str) -> None:
    program = scenario.program
    ach = result.achievement
    _title(ws, _t("MỨC ĐẠT MỤC TIÊU THEO NHIỆM VỤ", "TARGET ACHIEVEMENT PER TASK", lang), 11, 1, height=24)
    _title(ws, _t(f"Kịch bản “{scenario.name}”", f"Scenario “{scenario.name}”", lang), 11, 2,
           size=11, bold=False, italic=True)
    heads = [_t("Mã", "Id", lang), fmt.label("task_name", lang), fmt.label("unit", lang),
             _t("Mục tiêu", "Target", lang), _t("Đạt", "Achieved", lang),
             _t("Tỷ lệ đạt", "Share", lang), _t("Còn thiếu", "Shortfall", lang),
             _t("Vốn NS / đơn vị (triệu đồng)", "Local budget per unit (million VND)", lang),
             _t("Vốn NS cần thêm để đạt (triệu đồng)", "Local budget to close the gap (million VND)", lang),
             _t("Tối thiểu (sàn)", "Floor", lang), _t("Trọng số", "Weight", lang)]
    _set_widths(ws, [8, 50, 11, 9, 9, 9, 9, 13, 14, 9, 9])
    for col, text in enumerate(heads, start=1):
        _header_cell(ws, 4, col, text)
    ws.row_dimensions[4].height = 45
    r = 5
    for tid, row in ach.iterrows():
        task = program.task(str(tid))
        short = int(row["shortfall"]) > 0
        colour = "C00000" if short else None
        unit_state = float(task.unit_state)
        _cell(ws, r, 1, str(tid), align="center")
        _cell(ws, r, 2, task.name.get(lang), wrap=True)
        _cell(ws, r, 3, task.unit.get(lang), align="center")
        _cell(ws, r, 4, int(row["target"]), number_format=INT_FORMAT)
        _cell(ws, r, 5, int(row["achieved"]), number_format=INT_FORMAT, colour=colour, bold=short)
        _cell(ws, r, 6, float(row["share"]), number_format=SHARE_FORMAT, colour=colour, bold=short)
        _cell(ws, r, 7, int(row["shortfall"]), number_format=INT_FORMAT, colour=colour, bold=short)
        _cell(ws, r, 8, unit_state, number_format=MONEY_FORMAT)
        _cell(ws, r, 9, unit_state * int(row["shortfall"]), number_format=MONEY_FORMAT, colour=colour)
        _cell(ws, r, 10, int(row["floor"]), number_format=INT_FORMAT)
        _cell(ws, r, 11, float(row["weight"]), number_format="0.##")
        ws.row_dimensions[r].height = 15 * _lines(task.name.get(lang), 50)
        r += 1
    ws.freeze_panes = "C5"
    _print_setup(ws, title_rows="4:4")


def _record_sheet(ws: Worksheet, result: Any, scenario: Any, lang: str) -> None:
    _set_widths(ws, [26, 90])
    rows = [
        (_t("Kịch bản", "Scenario", lang), scenario.name),
        (_t("Mô tả", "Description", lang), scenario.description),
        (_t("Chương trình", "Program", lang), f"{scenario.program.title.get(lang)} ({scenario.program.id})"),
        (_t("Văn bản gốc", "Source document", lang), scenario.program.source_document),
        (_t("Trạng thái lời giải", "Solve status", lang), result.status.value),
        (_t("Hàm mục tiêu", "Objective", lang),
         f"{result.objective:.6f} / {result.max_objective:g}" if result.objective is not None else "–"),
        (_t("Bộ giải", "Solver", lang), f"{result.solver} {result.solver_version} ({result.method})"),
        (_t("Mã băm dữ liệu vào", "Input hash", lang), result.input_hash),
        ("kgkc-opt", __version__),
    ]
    ws.cell(row=1, column=1, value=_t("THÔNG TIN PHƯƠNG ÁN", "RECORD OF THE PLAN", lang)).font = _font(True, size=13)
    r = 3
    for key, value in rows:
        _cell(ws, r, 1, key, bold=True)
        _cell(ws, r, 2, value, wrap=True)
        r += 1
    r += 1
    _cell(ws, r, 1, _t("Thay đổi so với chương trình", "Changes from the program", lang), bold=True)
    _cell(ws, r, 2, _t("(không có)", "(none)", lang) if not scenario.changes else None)
    for change in scenario.changes:
        _cell(ws, r, 2, str(change))
        r += 1
    _print_setup(ws, landscape=False)


# ---------------------------------------------------------------------------------------------
# entry points


def workbook(result: Any, scenario: Any, *, lang: str = "vi") -> Workbook:
    """The plan of ``result`` (solved from ``scenario``) as an openpyxl Workbook."""
    fmt.check_lang(lang)
    if not result.has_plan:
        raise NoSolutionError(f"scenario {result.scenario!r} has no plan ({result.status.value}); "
                        "no workbook can be written")
    wb = Workbook()
    sheets = [
        (wb.active, "annex", _annex_sheet), (wb.create_sheet(), "budget", _budget_sheet),
        (wb.create_sheet(), "achievement", _achievement_sheet), (wb.create_sheet(), "record", _record_sheet),
    ]
    for ws, key, build in sheets:
        ws.title = SHEETS[key][0 if lang == "vi" else 1]
        build(ws, result, scenario, lang)
    wb.properties.title = scenario.program.title.get(lang)
    wb.properties.subject = scenario.name
    wb.properties.creator = "kgkc-opt"
    return wb


def write(result: Any, scenario: Any, path: str | Path, *, lang: str = "vi") -> Path:
    """Write the workbook to ``path`` (.xlsx), atomically."""
    if Path(path).suffix.lower() != ".xlsx":
        raise OutputError(f"{path}: the workbook is written as .xlsx")
    wb = workbook(result, scenario, lang=lang)
    return write_file(path, lambda tmp: wb.save(tmp))


__all__ = ["annex_rows", "workbook", "write"]

"""The plan as an Excel workbook a clerk can send unchanged (openpyxl; no plotting).

Sheets (Vietnamese names by default; English with ``lang="en"``):

1. ``Phụ lục nhiệm vụ``: the decision's annex layout (TT, Tên nhiệm vụ, Đơn vị tính, Số lượng,
   Dự kiến kinh phí: Tổng số / Vốn NS / Vốn khác, Thời gian triển khai, Cơ quan chủ trì, Cơ quan
   phối hợp) with the plan's figures, a ``Theo QĐ`` column beside the quantity and beside the
   local budget holding the decision's own figure wherever the plan's differs, and a ``Ghi chú``
   column saying what changed and why (from the scenario's change log);
2. ``Phân kỳ theo năm``: quantity, Vốn NS and Vốn khác per task and year, the annual caps under
   the total (with the decision's caps where the scenario changes them) and what is left;
3. ``Kế hoạch vốn``: per year and source the decision's cap, the scenario's cap, what is used,
   left and the share used; under it, what 1 billion VND more or less buys, from exact re-solves;
4. ``Mức đạt mục tiêu``: target (the decision's and the scenario's), achieved, share, shortfall;
5. ``Thông tin``: the scenario, its changes, the status and the record of the solve.

Every total is an Excel formula, so group rows, year totals and TỔNG CỘNG follow when a figure is
edited: a task's period totals sum its year cells (sheet 2), its annex figures refer to them,
group rows sum their tasks, the grand total sums the groups. openpyxl writes formulas without
the value they evaluate to; ``write``/``to_bytes`` add that cached value to each formula cell
(computed here exactly as the formula would), so a reader that does not recalculate (a preview,
a mail client, pandas) shows the same figures. Money is formatted as the decision writes it:
no decimals on whole amounts (8.000), decimals only where an amount has them (3.726,4); Excel
shows the separators of the reader's locale. Every sheet prints on A4 landscape, one page wide,
with its header rows repeated on every page.
"""

from __future__ import annotations

import io
import re
import textwrap
import zipfile
from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass, field
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
from kgkc_opt.report.xlsx_text import as_text

FONT_NAME = "Times New Roman"  # the font of the decision itself; has every Vietnamese glyph
BODY_PT, HEAD_PT, TITLE_PT = 11, 11, 13
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
GROUP_FILL = PatternFill("solid", fgColor="F2F2F2")
TOTAL_FILL = PatternFill("solid", fgColor="FFF2CC")
DECISION_FILL = PatternFill("solid", fgColor="FCE4D6")
INT_FORMAT = '#,##0;-#,##0;"-"'
DECIMAL_FORMAT = '#,##0.0#;-#,##0.0#;"-"'
SHARE_FORMAT = "0%"
POINTS_FORMAT = '+0.0;-0.0;0.0'

SHEETS = {
    "annex": ("Phụ lục nhiệm vụ", "Task annex"),
    "years": ("Phân kỳ theo năm", "By year"),
    "budget": ("Kế hoạch vốn", "Annual caps"),
    "achievement": ("Mức đạt mục tiêu", "Achievement"),
    "record": ("Thông tin", "Record"),
}


def _t(vi: str, en: str, lang: str) -> str:
    return vi if lang == "vi" else en


def _font(bold: bool = False, italic: bool = False, size: float = BODY_PT, colour: str | None = None) -> Font:
    return Font(name=FONT_NAME, bold=bold, italic=italic, size=size, color=colour)


def money_format(value: float | None) -> str:
    """The number format of one amount: whole millions without decimals, others with up to two."""
    if value is None or abs(value - round(value)) < 5e-7:
        return INT_FORMAT
    return DECIMAL_FORMAT


# ---------------------------------------------------------------------------------------------
# a sheet writer that keeps each formula's value


@dataclass
class _Sheet:
    ws: Worksheet
    cache: dict[tuple[str, str], float] = field(default_factory=dict)
    #: each style of a cell written (its arguments) -> the indices openpyxl gave it in the
    #: workbook's style tables: a thousand-row sheet styles each cell by a copy (the same file)
    styles: dict[tuple[Any, ...], Any] = field(default_factory=dict)

    def cell(self, row: int, col: int, value: Any = None, *, bold: bool = False, italic: bool = False,
             number_format: str | None = None, wrap: bool = False, align: str | None = None,
             fill: PatternFill | None = None, border: bool = True, colour: str | None = None,
             size: float = BODY_PT) -> Any:
        c = as_text(self.ws.cell(row=row, column=col, value=value))  # (a text is never a formula)
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        horizontal = align or ("right" if numeric else None)
        key = (bold, italic, size, colour, number_format, horizontal, wrap, fill, border)
        fresh = not c.has_style
        known = self.styles.get(key) if fresh else None
        if known is not None:  # a style already in the workbook's tables: its indices copied, not searched
            c._style = copy(known)
            return c
        c.font = _font(bold, italic, size, colour)
        if number_format:
            c.number_format = number_format
        c.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=wrap)
        if fill is not None:
            c.fill = fill
        if border:
            c.border = BORDER
        if fresh:
            self.styles[key] = copy(c._style)
        return c

    def formula(self, row: int, col: int, formula: str, value: float, *, money: bool = True,
                number_format: str | None = None, **style: Any) -> Any:
        """A formula cell; ``value`` is what it evaluates to, kept as its cached value."""
        fmt_ = number_format or (money_format(value) if money else INT_FORMAT)
        c = self.cell(row, col, None, number_format=fmt_, align="right", **style)
        c.value = "=" + formula
        self.cache[(self.ws.title, c.coordinate)] = float(value)
        return c


def _ref(col: int, row: int) -> str:
    return f"{get_column_letter(col)}{row}"


def _sheet_ref(title: str, col: int, row: int) -> str:
    return f"'{title}'!{_ref(col, row)}"


def _set_widths(ws: Worksheet, widths: Sequence[float]) -> None:
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w


def _title(ws: Worksheet, text: str, last_col: int, row: int = 1, *, size: float = TITLE_PT,
           bold: bool = True, italic: bool = False, height: float | None = None) -> None:
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
    c = as_text(ws.cell(row=row, column=1, value=text))
    c.font = _font(bold=bold, italic=italic, size=size)
    c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    if height:
        ws.row_dimensions[row].height = height


def _header_cell(ws: Worksheet, row: int, col: int, text: str, *, merge_down: bool = False,
                 merge_right: int = 0) -> None:
    if merge_down:
        ws.merge_cells(start_row=row, start_column=col, end_row=row + 1, end_column=col)
    if merge_right:
        ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=col + merge_right - 1)
    for rr in range(row, row + (2 if merge_down else 1)):
        for cc in range(col, col + max(merge_right, 1)):
            c = ws.cell(row=rr, column=cc)
            c.border = BORDER
            c.fill = HEADER_FILL
    c = as_text(ws.cell(row=row, column=col, value=text))
    c.font = _font(bold=True, size=HEAD_PT)
    c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _print_setup(ws: Worksheet, *, title_rows: str | None = None, last_col: int, last_row: int) -> None:
    """A4 landscape, one page wide, header rows repeated, page numbers in the footer."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    page_setup_pr = ws.sheet_properties.pageSetUpPr
    assert page_setup_pr is not None  # openpyxl makes one with the worksheet's properties
    page_setup_pr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.page_margins.left, ws.page_margins.right = 0.6, 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.print_options.horizontalCentered = True
    if title_rows:
        ws.print_title_rows = title_rows
    ws.print_area = f"A1:{get_column_letter(last_col)}{last_row}"
    footer = ws.oddFooter
    assert footer is not None  # openpyxl makes one with the worksheet's header and footer
    footer.center.text = "&P / &N"
    footer.center.font = FONT_NAME
    footer.center.size = 10


def _lines(text: Any, width: float) -> int:
    if not text:
        return 1
    # Times New Roman 11 pt: about 1.15 characters per unit of column width
    chars = max(int(width * 1.15), 4)
    text = str(text)
    if len(text) <= chars and "\n" not in text and "\t" not in text:
        return 1  # one line, as textwrap says (a tab may widen, so it goes through textwrap)
    return max(1, sum(len(textwrap.wrap(part, width=chars)) or 1 for part in text.split("\n")))


def _row_height(ws: Worksheet, row: int, *cells: tuple[Any, float]) -> None:
    ws.row_dimensions[row].height = 15 * max(_lines(text, width) for text, width in cells)


# ---------------------------------------------------------------------------------------------
# the plan as rows (also what the tests compare)


def annex_rows(result: Any, scenario: Any, lang: str = "vi") -> list[dict[str, Any]]:
    """The annex as rows: kind ("group", "task", "total"), labels, totals and per-year figures.

    Quantities and money are the plan's (sums over years of the allocation); money in million
    VND. Task rows also carry the decision's quantity and local budget (``decision_quantity``,
    ``decision_local``) and the notes of the ``Ghi chú`` column.
    """
    fmt.check_lang(lang)
    if not result.has_plan:
        raise NoSolutionError(f"scenario {result.scenario!r} has no plan ({result.status.value}): "
                              "there is no annex table to write")
    program = scenario.program
    decided = getattr(scenario, "source_program", None) or program
    years = list(program.years)
    per_task: dict[str, dict[int, tuple[int, float, float]]] = {}
    for (tid, year), row in result.allocation.iterrows():
        per_task.setdefault(str(tid), {})[int(year)] = (
            int(row["quantity"]), float(row["local_budget"]), float(row["cofunding"]))
    notes = task_notes(result, scenario, lang)

    def empty_years() -> dict[int, list[float]]:
        return {y: [0, 0.0, 0.0] for y in years}

    rows: list[dict[str, Any]] = []
    grand: dict[str, Any] = {"local": 0.0, "other": 0.0, "quantity": None, "years": empty_years()}
    for group in program.groups:
        tasks = [t for t in program.tasks if t.group == group.id]
        if not tasks:
            continue
        group_row: dict[str, Any] = {"kind": "group", "tt": group.id, "name": group.name.get(lang),
                     "short": group.label(lang, short=True),
                     "local": 0.0, "other": 0.0, "quantity": None, "years": empty_years()}
        rows.append(group_row)
        for task in tasks:
            ys = empty_years()
            for y, (q, loc, oth) in per_task.get(task.id, {}).items():
                if y in ys:
                    ys[y] = [q, loc, oth]
            local = sum(v[1] for v in ys.values())
            other = sum(v[2] for v in ys.values())
            try:
                original = decided.task(task.id)
            except KeyError:
                original = None
            number = task.id.split(".")[-1] if len(tasks) > 1 and "." in task.id else ""
            rows.append({
                "kind": "task", "tt": number, "task_id": task.id, "name": task.name.get(lang),
                "short": fmt.task_name(task, lang, short=True), "unit": task.unit.get(lang),
                "quantity": int(sum(v[0] for v in ys.values())), "local": local, "other": other, "years": ys,
                "decision_quantity": original.quantity if original is not None else None,
                "decision_local": float(original.cost.local) if original is not None else None,
                "time": task.years_text if lang == "vi" else _years_en(task),
                "lead": task.lead, "partner": task.partner, "notes": notes.get(task.id, ""),
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


def task_notes(result: Any, scenario: Any, lang: str = "vi") -> dict[str, str]:
    """The ``Ghi chú`` of each task: what the scenario changes about it, and, for a task short of
    its target, how far short and the scenario's changes of the caps that cause it."""
    program = scenario.program
    out: dict[str, list[str]] = {}
    money_keys = ("budget", "cofunding", "escalation", "group_caps", "carry_over")
    cap_changes = [c for c in scenario.changes if c.key.split(".")[0] in money_keys]
    for change in scenario.changes:
        _, _, rest = change.key.partition(".")
        if rest in program.task_ids:
            out.setdefault(rest, []).append(fmt.change_text(change, scenario, lang))
    causes = ""
    if cap_changes:
        fake = type("S", (), {"changes": tuple(cap_changes), "program": program, "escalation": scenario.escalation,
                              "actuals": scenario.actuals})()
        causes = "; ".join(fmt.change_lines(fake, lang))
    for tid, row in result.achievement.iterrows():
        short = int(row["shortfall"])
        if short <= 0:
            continue
        unit = program.task(str(tid)).unit.get(lang)
        text = _t(f"Chưa đạt mục tiêu: thiếu {fmt.quantity(short, unit, lang)}",
                  f"Short of target by {fmt.quantity(short, unit, lang)}", lang)
        if causes:
            text += _t(f", do {causes[0].lower() + causes[1:]}", f", because: {causes}", lang)
        out.setdefault(str(tid), []).append(text)
    return {tid: "; ".join(parts) for tid, parts in out.items()}


# ---------------------------------------------------------------------------------------------
# sheet 2: by year (the figures the other sheets refer to)


@dataclass
class _YearsLayout:
    title: str
    first_row: int
    rows: dict[int, int]  # index in annex_rows -> sheet row
    total_row: int
    years: list[int]

    def col(self, year_index: int, part: int) -> int:
        """Column of a year's quantity (0), Vốn NS (1) or Vốn khác (2)."""
        return 3 + 3 * year_index + part

    def period_col(self, part: int) -> int:
        return 3 + 3 * len(self.years) + part


def _years_sheet(sheet: _Sheet, rows: list[dict[str, Any]], result: Any, scenario: Any, lang: str) -> _YearsLayout:
    ws = sheet.ws
    program = scenario.program
    decided = getattr(scenario, "source_program", None) or program
    years = list(program.years)
    last_col = 2 + 3 * (len(years) + 1)
    layout = _YearsLayout(ws.title, 6, {}, 0, years)
    _title(ws, _t("PHÂN KỲ THỰC HIỆN THEO NĂM", "THE PLAN BY YEAR", lang), last_col, 1, height=20)
    _title(ws, _t(f"(Phương án: {fmt.scenario_title(scenario, lang)}; đơn vị tính: triệu đồng)",
                  f"(Scenario: {fmt.scenario_title(scenario, lang)}; million VND)", lang),
           last_col, 2, size=BODY_PT, bold=False, italic=True, height=30)
    h1, h2 = 4, 5
    _header_cell(ws, h1, 1, fmt.label("tt", lang), merge_down=True)
    _header_cell(ws, h1, 2, fmt.label("task", lang), merge_down=True)
    for i, y in enumerate([*years, None]):
        col = 3 + 3 * i
        _header_cell(ws, h1, col, fmt.label("year_n", lang, y=y) if y else _t("Cả giai đoạn", "Whole period", lang),
                     merge_right=3)
        for j, key in enumerate(("quantity", "state_capital", "other_capital")):
            _header_cell(ws, h2, col + j, _t("SL", "Qty", lang) if key == "quantity" else fmt.label(key, lang))
    ws.row_dimensions[h2].height = 30
    _set_widths(ws, [6, 30] + [6.5, 9.5, 9.5] * len(years) + [7, 10.5, 10.5])

    r = layout.first_row
    for i, _ in enumerate(rows):
        layout.rows[i] = r + i
    layout.total_row = r + len(rows) - 1
    group_members: dict[int, list[int]] = {}
    current = None
    for i, row in enumerate(rows):
        if row["kind"] == "group":
            current = i
            group_members[i] = []
        elif row["kind"] == "task" and current is not None:
            group_members[current].append(i)
    groups = list(group_members)

    for i, row in enumerate(rows):
        rr = layout.rows[i]
        kind = row["kind"]
        bold = kind != "task"
        fill = GROUP_FILL if kind == "group" else TOTAL_FILL if kind == "total" else None
        sheet.cell(rr, 1, row["tt"] if kind != "task" else row["task_id"], bold=bold, align="center", fill=fill)
        sheet.cell(rr, 2, row["short"] if kind != "total" else row["name"], bold=bold, wrap=True, fill=fill)
        for yi, y in enumerate(years):
            for part in range(3):
                col = layout.col(yi, part)
                value = row["years"][y][part]
                if kind == "task":
                    sheet.cell(rr, col, int(value) if part == 0 else float(value),
                               number_format=INT_FORMAT if part == 0 else money_format(float(value)), fill=fill)
                elif part == 0:
                    sheet.cell(rr, col, None, fill=fill)
                elif kind == "group":
                    members = group_members[i]
                    span = f"{_ref(col, layout.rows[members[0]])}:{_ref(col, layout.rows[members[-1]])}"
                    sheet.formula(rr, col, f"SUM({span})",
                                  value, bold=True, fill=fill)
                else:
                    sheet.formula(rr, col, "+".join(_ref(col, layout.rows[g]) for g in groups), value, bold=True,
                                  fill=fill)
        for part in range(3):
            col = layout.period_col(part)
            if part == 0 and kind != "task":
                sheet.cell(rr, col, None, fill=fill)
                continue
            value = row["quantity"] if part == 0 else (row["local"] if part == 1 else row["other"])
            cells = "+".join(_ref(layout.col(yi, part), rr) for yi in range(len(years)))
            sheet.formula(rr, col, cells, value, money=part != 0, bold=bold, fill=fill)
        _row_height(ws, rr, (row["short"] if kind != "total" else row["name"], 30))

    # the annual caps, the decision's where they differ, and what is left
    caps = result.budget
    row_totals = rows[-1]["years"]  # the grand total's figures per year
    r = layout.total_row + 1
    changed = any(float(scenario.local_budget[y]) != float(decided.annual_budget[y].local) or
                  float(scenario.cofunding[y]) != float(decided.annual_budget[y].other) for y in years)
    cap_row = r
    lines = [("cap", _t("Kế hoạch vốn năm của phương án", "The scenario's annual caps", lang))]
    if changed:
        lines.append(("decision", _t("Kế hoạch vốn năm theo QĐ", "The decision's annual caps", lang)))
    lines.append(("left", _t("Còn lại chưa phân bổ", "Left unallocated", lang)))
    for key, label in lines:
        sheet.cell(r, 1, None)
        sheet.cell(r, 2, label, italic=True, wrap=True, fill=DECISION_FILL if key == "decision" else None)
        for yi, y in enumerate(years):
            sheet.cell(r, layout.col(yi, 0), None)
            for part, source in ((1, "local"), (2, "cofunding")):
                col = layout.col(yi, part)
                # (a year not planned, as when actuals cover it, has no cap row: 0)
                planned = (y, source) in caps.index
                cap = float(caps.loc[(y, source), "cap"]) if planned else 0.0
                if key == "cap":
                    sheet.cell(r, col, cap, italic=True, number_format=money_format(cap))
                elif key == "decision":
                    value = float(decided.annual_budget[y].local if part == 1 else decided.annual_budget[y].other)
                    sheet.cell(r, col, value, italic=True, number_format=money_format(value), fill=DECISION_FILL)
                else:
                    used = float(row_totals[y][part])  # what the formula subtracts: the total row
                    sheet.formula(r, col, f"{_ref(col, cap_row)}-{_ref(col, layout.total_row)}", cap - used,
                                  italic=True)
        sheet.cell(r, layout.period_col(0), None)
        for part, source in ((1, "local"), (2, "cofunding")):
            col = layout.period_col(part)
            cells = "+".join(_ref(layout.col(yi, part), r) for yi in range(len(years)))
            if key == "cap":
                value = _source_sum(caps, source)
            elif key == "decision":
                value = float(sum((b.local if part == 1 else b.other) for b in decided.annual_budget.values()))
            else:
                value = _source_sum(caps, source) - sum(
                    float(row_totals[y][part]) for y in years)
            sheet.formula(r, col, cells, value, italic=True, fill=DECISION_FILL if key == "decision" else None)
        _row_height(ws, r, (label, 30))
        r += 1
    ws.cell(row=r + 1, column=2, value=_t(
        "Số lượng và kinh phí của từng nhiệm vụ theo năm là số liệu của phương án; các dòng nhóm, dòng tổng, "
        "cột cả giai đoạn và dòng còn lại là công thức, tự cập nhật khi sửa số liệu.",
        "Per-task figures by year are the plan's; group rows, totals, the whole-period columns and the row of "
        "what is left are formulas that follow any edit.", lang)).font = _font(italic=True, size=10)
    ws.freeze_panes = "C6"  # below the header rows, right of the task names
    _print_setup(ws, title_rows=f"{h1}:{h2}", last_col=last_col, last_row=r + 1)
    return layout


# ---------------------------------------------------------------------------------------------
# sheet 1: the annex


def _annex_sheet(sheet: _Sheet, rows: list[dict[str, Any]], layout: _YearsLayout, scenario: Any, lang: str) -> None:
    ws = sheet.ws
    program = scenario.program
    last_col = 13
    title = program.title.get(lang)
    heading = ("DANH MỤC CÁC NHIỆM VỤ CỤ THỂ CỦA " + title.upper() if lang == "vi"
               else "SPECIFIC TASKS OF THE " + title.upper())
    _title(ws, heading, last_col, 1, height=36)
    _title(ws, _t(f"(Phương án: {fmt.scenario_title(scenario, lang)}; căn cứ {program.source_document})",
                  f"(Scenario: {fmt.scenario_title(scenario, lang)}; based on {program.source_document})", lang),
           last_col, 2, size=BODY_PT, bold=False, italic=True, height=30)
    h1, h2 = 4, 5
    decision = fmt.label("decision", lang)
    plan = fmt.label("plan", lang)
    _header_cell(ws, h1, 1, fmt.label("tt", lang), merge_down=True)
    _header_cell(ws, h1, 2, fmt.label("task_name", lang), merge_down=True)
    _header_cell(ws, h1, 3, fmt.label("unit", lang), merge_down=True)
    _header_cell(ws, h1, 4, fmt.label("quantity", lang), merge_right=2)
    _header_cell(ws, h2, 4, plan)
    _header_cell(ws, h2, 5, decision)
    _header_cell(ws, h1, 6, fmt.label("estimated_cost", lang) + " (" + fmt.label("million_vnd", lang) + ")",
                 merge_right=4)
    for col, text in ((6, fmt.label("total", lang)), (7, fmt.label("state_capital", lang)),
                      (8, f"{fmt.label('state_capital', lang)} {'theo QĐ' if lang == 'vi' else '(decision)'}"),
                      (9, fmt.label("other_capital", lang))):
        _header_cell(ws, h2, col, text)
    for col, key in ((10, "time"), (11, "lead"), (12, "partner"), (13, "notes")):
        _header_cell(ws, h1, col, fmt.label(key, lang), merge_down=True)
    ws.row_dimensions[h1].height = 30
    ws.row_dimensions[h2].height = 30
    widths = [5, 40, 8.5, 8.5, 8, 10.5, 10.5, 10, 10.5, 11, 12, 13, 28]
    _set_widths(ws, widths)

    groups = [i for i, row in enumerate(rows) if row["kind"] == "group"]
    r0 = layout.first_row
    for i, row in enumerate(rows):
        r = r0 + i
        kind = row["kind"]
        bold = kind != "task"
        fill = GROUP_FILL if kind == "group" else TOTAL_FILL if kind == "total" else None
        sheet.cell(r, 1, row["tt"], bold=bold, align="center", fill=fill)
        sheet.cell(r, 2, row["name"], bold=bold, wrap=True, fill=fill, align="center" if kind == "total" else "left")
        sheet.cell(r, 3, row.get("unit"), align="center", fill=fill)
        yr = layout.rows[i]
        if kind == "task":
            sheet.formula(r, 4, _sheet_ref(layout.title, layout.period_col(0), yr), row["quantity"], money=False)
            differs = row["decision_quantity"] is not None and row["decision_quantity"] != row["quantity"]
            sheet.cell(r, 5, row["decision_quantity"] if differs else None, number_format=INT_FORMAT,
                       fill=DECISION_FILL if differs else None)
            sheet.formula(r, 7, _sheet_ref(layout.title, layout.period_col(1), yr), row["local"])
            dl = row["decision_local"]
            local_differs = dl is not None and abs(dl - row["local"]) > 1e-6
            sheet.cell(r, 8, dl if local_differs else None, number_format=money_format(dl),
                       fill=DECISION_FILL if local_differs else None)
            sheet.formula(r, 9, _sheet_ref(layout.title, layout.period_col(2), yr), row["other"])
        else:
            for col in (4, 5, 8):
                sheet.cell(r, col, None, fill=fill)
            members: list[int]
            if kind == "group":
                nxt = [g for g in groups if g > i]
                end = nxt[0] if nxt else len(rows) - 1
                members = list(range(i + 1, end))
                for col, key in ((7, "local"), (9, "other")):
                    sheet.formula(r, col, f"SUM({_ref(col, r0 + members[0])}:{_ref(col, r0 + members[-1])})", row[key],
                                  bold=True, fill=fill)
            else:
                for col, key in ((7, "local"), (9, "other")):
                    sheet.formula(r, col, "+".join(_ref(col, r0 + g) for g in groups), row[key], bold=True, fill=fill)
        sheet.formula(r, 6, f"{_ref(7, r)}+{_ref(9, r)}", row["total"], bold=bold, fill=fill)
        sheet.cell(r, 10, row.get("time"), align="center", wrap=True, fill=fill)
        sheet.cell(r, 11, row.get("lead"), align="center", wrap=True, fill=fill)
        sheet.cell(r, 12, row.get("partner"), align="center", wrap=True, fill=fill)
        sheet.cell(r, 13, row.get("notes") or None, wrap=True, fill=fill, size=10)
        _row_height(ws, r, (row["name"], 40), (row.get("partner"), 13), (row.get("lead"), 12),
                    (row.get("notes"), 30), (row.get("time"), 11))
    last = r0 + len(rows) - 1
    note_row = last + 2
    ws.merge_cells(start_row=note_row, start_column=1, end_row=note_row, end_column=last_col)
    c = ws.cell(row=note_row, column=1, value=_t(
        "Ghi chú: Số lượng và kinh phí theo phương án phân bổ của kịch bản, tính bằng triệu đồng; cột “Theo QĐ” "
        "ghi số liệu của quyết định ở những dòng phương án khác quyết định. Dòng nhóm (I–VIII) và dòng tổng "
        "cộng là công thức cộng các dòng nhiệm vụ; số liệu từng năm ở trang “Phân kỳ theo năm”.",
        "Notes: quantities and money as planned under the scenario, in million VND; the “Decision” columns give "
        "the decision's figure wherever the plan differs. Group rows (I–VIII) and the grand total are formulas "
        "over the task rows; the figures by year are on the sheet “By year”.", lang))
    c.font = _font(italic=True, size=10)
    c.alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[note_row].height = 30
    ws.freeze_panes = "C6"
    _print_setup(ws, title_rows=f"{h1}:{h2}", last_col=last_col, last_row=note_row)


# ---------------------------------------------------------------------------------------------
# sheet 3: annual caps, and what a billion more or less buys


def _budget_sheet(sheet: _Sheet, layout: _YearsLayout, result: Any, scenario: Any, lang: str,
                  gains: Any) -> None:
    ws = sheet.ws
    program = scenario.program
    decided = getattr(scenario, "source_program", None) or program
    b = result.budget
    years = sorted(b.index.get_level_values("year").unique())
    # a block per money line: the local budget, the co-funding, then each other state source
    # (national funds, ...) the plan has rows for
    present = set(b.index.get_level_values("source")) if len(b) else set()
    others = [src for src in program.extra_sources if src.id in present]
    blocks = ["local", "cofunding", *(src.id for src in others)]
    by_id = {src.id: src for src in others}

    def decided_amount(annual: Any, source: str) -> float:
        if source == "local":
            return float(annual.local)
        if source == "cofunding":
            return float(annual.other)
        return float(annual.amount(by_id[source]))

    last_col = 1 + 5 * len(blocks)
    _title(ws, _t("KẾ HOẠCH VỐN VÀ SỬ DỤNG VỐN THEO NĂM", "ANNUAL CAPS AND THEIR USE", lang), last_col, 1, height=22)
    _title(ws, _t(f"(Phương án: {fmt.scenario_title(scenario, lang)}; đơn vị tính: triệu đồng)",
                  f"(Scenario: {fmt.scenario_title(scenario, lang)}; million VND)", lang), last_col, 2,
           size=BODY_PT, bold=False, italic=True, height=30)
    _set_widths(ws, [12] + [11, 12, 12, 11, 10] * len(blocks))
    h1, h2 = 4, 5
    _header_cell(ws, h1, 1, fmt.label("year", lang), merge_down=True)
    sub = [fmt.label("decision", lang), _t("Phương án", "Scenario", lang), _t("Đã phân bổ", "Used", lang),
           _t("Còn lại", "Left", lang), _t("Tỷ lệ sử dụng", "Share used", lang)]
    for block, key in enumerate(blocks):
        col = 2 + 5 * block
        heading = fmt.label(key, lang) if key in ("local", "cofunding") else by_id[key].name.get(lang)
        _header_cell(ws, h1, col, heading, merge_right=5)
        for j, text in enumerate(sub):
            _header_cell(ws, h2, col + j, text)
    ws.row_dimensions[h2].height = 30
    r = h2 + 1
    first = r
    for y in years:
        sheet.cell(r, 1, int(y), align="center", number_format="0")
        for block, source in enumerate(blocks):
            row = b.loc[(y, source)]
            col = 2 + 5 * block
            cap, used = float(row["cap"]), float(row["used"])
            annual = decided.annual_budget.get(int(y))
            dec = decided_amount(annual, source) if annual is not None else None
            differs = dec is not None and abs(dec - cap) > 1e-9
            sheet.cell(r, col, dec, number_format=money_format(dec), fill=DECISION_FILL if differs else None)
            sheet.cell(r, col + 1, cap, number_format=money_format(cap))
            try:
                if block > 1:  # the annex sheet has the local and co-funding columns only
                    raise ValueError
                year_index = layout.years.index(int(y))
                ref = _sheet_ref(layout.title, layout.col(year_index, 1 + block), layout.total_row)
                sheet.formula(r, col + 2, ref, used)
            except ValueError:
                sheet.cell(r, col + 2, used, number_format=money_format(used))
            sheet.formula(r, col + 3, f"{_ref(col + 1, r)}-{_ref(col + 2, r)}", cap - used)
            sheet.formula(r, col + 4, f"IF({_ref(col + 1, r)}=0,0,ROUNDDOWN({_ref(col + 2, r)}/{_ref(col + 1, r)},2))",
                          int(used / cap * 100 + 1e-9) / 100 if cap else 0.0, number_format=SHARE_FORMAT)
        r += 1
    last = r - 1
    sheet.cell(r, 1, fmt.label("grand_total", lang), bold=True, align="center", fill=TOTAL_FILL)
    for block, source in enumerate(blocks):
        col = 2 + 5 * block
        cap, used = _source_sum(b, source), _source_sum(b, source, "used")
        dec = sum(decided_amount(a, source) for a in decided.annual_budget.values())
        for j, value in enumerate((dec, cap, used, cap - used)):
            sheet.formula(r, col + j, f"SUM({_ref(col + j, first)}:{_ref(col + j, last)})", value, bold=True,
                          fill=TOTAL_FILL)
        sheet.formula(r, col + 4, f"IF({_ref(col + 1, r)}=0,0,ROUNDDOWN({_ref(col + 2, r)}/{_ref(col + 1, r)},2))",
                      int(used / cap * 100 + 1e-9) / 100 if cap else 0.0, number_format=SHARE_FORMAT, bold=True,
                      fill=TOTAL_FILL)
    r += 2
    # what 1 billion VND more or less buys, from exact re-solves
    if gains is not None and len(gains):
        from kgkc_opt.report.figures import gains_rows

        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=last_col)
        c = ws.cell(row=r, column=1, value=_t("TĂNG HOẶC GIẢM 1 TỶ ĐỒNG VỐN NGÂN SÁCH: THÊM HOẶC BỚT ĐƯỢC GÌ",
                                              "1 BILLION VND MORE OR LESS LOCAL BUDGET: WHAT IT BUYS OR COSTS", lang))
        c.font = _font(bold=True, size=12)
        r += 1
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=last_col)
        c = ws.cell(row=r, column=1, value=_t(
            "Mỗi dòng là một lần tính lại phương án với kế hoạch vốn thay đổi như ghi; mức hoàn thành bình quân tính "
            "bằng điểm phần trăm.",
            "Each row re-solves the plan with the cap changed as stated; the average share of targets in points.",
            lang))
        c.font = _font(italic=True, size=10)
        r += 1
        head = r
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=3)
        _header_cell(ws, r, 1, _t("Thay đổi", "Change", lang), merge_right=3)
        _header_cell(ws, r, 4, _t("Mức hoàn thành bình quân (điểm %)", "Average share of targets (points)", lang),
                     merge_right=2)
        _header_cell(ws, r, 6, _t("Thêm được (+) hoặc bớt đi (−)", "Gained (+) or given up (−)", lang),
                     merge_right=6)
        ws.row_dimensions[r].height = 30
        r += 1
        for row in gains_rows(gains, program, lang, "local", result.max_objective):
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=3)
            ws.merge_cells(start_row=r, start_column=4, end_row=r, end_column=5)
            ws.merge_cells(start_row=r, start_column=6, end_row=r, end_column=last_col)
            for col in range(1, last_col + 1):
                ws.cell(row=r, column=col).border = BORDER
            sheet.cell(r, 1, row["label"], wrap=True)
            sheet.cell(r, 4, round(row["points"], 1) if row["points"] is not None else None,
                       number_format=POINTS_FORMAT)
            sheet.cell(r, 6, row["text"], wrap=True)
            _row_height(ws, r, (row["label"], 34), (row["text"], 62))
            r += 1
        del head
    _print_setup(ws, title_rows=f"{h1}:{h2}", last_col=last_col, last_row=r)
    ws.freeze_panes = "B6"


# ---------------------------------------------------------------------------------------------
# sheet 4: achievement


def _achievement_sheet(sheet: _Sheet, rows: list[dict[str, Any]], layout: _YearsLayout, result: Any,
                       scenario: Any, lang: str) -> None:
    ws = sheet.ws
    program = scenario.program
    ach = result.achievement
    annex_title = SHEETS["annex"][0 if lang == "vi" else 1]
    last_col = 11
    _title(ws, _t("MỨC ĐẠT MỤC TIÊU THEO NHIỆM VỤ", "TARGET ACHIEVEMENT PER TASK", lang), last_col, 1, height=22)
    title = fmt.scenario_title(scenario, lang)
    _title(ws, _t(f"(Phương án: {title})", f"(Scenario: {title})", lang), last_col, 2, size=BODY_PT, bold=False,
           italic=True, height=30)
    heads = [_t("Mã", "Id", lang), fmt.label("task_name", lang), fmt.label("unit", lang),
             _t("Mục tiêu theo QĐ", "Decision's target", lang), _t("Mục tiêu của phương án", "Scenario's target", lang),
             _t("Đạt", "Achieved", lang), _t("Tỷ lệ đạt", "Share", lang), _t("Còn thiếu", "Short by", lang),
             _t("Vốn NS một đơn vị (triệu đồng)", "Local budget per unit (million VND)", lang),
             _t("Vốn NS tương ứng phần còn thiếu (triệu đồng)", "Local budget of the shortfall (million VND)", lang),
             fmt.label("notes", lang)]
    _set_widths(ws, [8, 36, 9, 9.5, 10, 8, 8, 8, 11, 13, 30])
    for col, text in enumerate(heads, start=1):
        _header_cell(ws, 4, col, text)
    ws.row_dimensions[4].height = 45
    annex_row = {row["task_id"]: layout.first_row + i for i, row in enumerate(rows) if row["kind"] == "task"}
    by_id = {row["task_id"]: row for row in rows if row["kind"] == "task"}
    decided = getattr(scenario, "source_program", None) or program
    r = 5
    for tid, a in ach.iterrows():
        tid = str(tid)
        task = program.task(tid)
        # a target range counts in full at its minimum: the shares and shortfalls below are of it
        target, achieved = int(a.get("target_min", a["target"])), int(a["achieved"])
        short = int(a["shortfall"]) > 0
        colour = "C00000" if short else None
        try:
            dec_task = decided.task(tid)
            dec_target: int | str | None = dec_task.quantity_text if dec_task.quantity_min else dec_task.quantity
        except KeyError:
            dec_target = None
        sheet.cell(r, 1, tid, align="center")
        sheet.cell(r, 2, task.name.get(lang), wrap=True)
        sheet.cell(r, 3, task.unit.get(lang), align="center")
        sheet.cell(r, 4, dec_target, number_format=INT_FORMAT, align="center" if isinstance(dec_target, str) else None,
                   fill=DECISION_FILL if isinstance(dec_target, int) and dec_target != target else None)
        sheet.cell(r, 5, target, number_format=INT_FORMAT)
        if tid in annex_row and by_id[tid]["quantity"] == achieved:
            sheet.formula(r, 6, _sheet_ref(annex_title, 4, annex_row[tid]), achieved, money=False, colour=colour,
                          bold=short)
        else:  # tasks executed before a re-plan count what was done, which the annex does not hold
            sheet.cell(r, 6, achieved, number_format=INT_FORMAT, colour=colour, bold=short)
        share = int(min(1.0, achieved / target) * 100 + 1e-9) / 100 if target else 0.0
        sheet.formula(r, 7, f"IF({_ref(5, r)}=0,0,ROUNDDOWN(MIN(1,{_ref(6, r)}/{_ref(5, r)}),2))", share,
                      number_format=SHARE_FORMAT, colour=colour, bold=short)
        sheet.formula(r, 8, f"MAX(0,{_ref(5, r)}-{_ref(6, r)})", max(0, target - achieved), money=False,
                      colour=colour, bold=short)
        unit_state = float(task.unit_state)
        sheet.cell(r, 9, unit_state, number_format=money_format(unit_state))
        sheet.formula(r, 10, f"{_ref(8, r)}*{_ref(9, r)}", unit_state * max(0, target - achieved), colour=colour)
        note = by_id.get(tid, {}).get("notes", "")
        if target < int(a["target"]):
            note = "; ".join(x for x in (note, _t(
                f"Mục tiêu là khoảng {target}–{int(a['target'])}: đạt đủ khi đạt mức tối thiểu {target}",
                f"The target is a range {target}–{int(a['target'])}: met in full at its minimum {target}", lang)) if x)
        sheet.cell(r, 11, note or None, wrap=True, size=10)
        _row_height(ws, r, (task.name.get(lang), 36), (note, 30))
        r += 1
    ws.freeze_panes = "C5"
    _print_setup(ws, title_rows="4:4", last_col=last_col, last_row=r - 1)


# ---------------------------------------------------------------------------------------------
# sheet 5: the record


def _record_sheet(sheet: _Sheet, result: Any, scenario: Any, lang: str) -> None:
    ws = sheet.ws
    _set_widths(ws, [32, 100])
    changes = fmt.change_lines(scenario, lang)
    rows = [
        (_t("Phương án", "Scenario", lang), fmt.scenario_title(scenario, lang)),
        (_t("Mô tả", "Description", lang), fmt.description(scenario, lang)),
        (_t("Chương trình", "Program", lang), scenario.program.title.get(lang)),
        (_t("Văn bản gốc", "Source document", lang), scenario.program.source_document),
        (_t("Thay đổi so với quyết định", "Changes from the decision", lang),
         "\n".join(changes) if changes else _t("không có", "none", lang)),
        (_t("Kết quả tính toán", "Solve status", lang), fmt.status(result.status, lang)),
        (_t("Tổng tỷ lệ hoàn thành mục tiêu", "Objective (sum of target shares)", lang),
         f"{fmt.number(result.objective, lang, 6)} / {fmt.number(result.max_objective, lang)}"
         if result.objective is not None else "–"),
        (_t("Công cụ tính toán", "Computed with", lang), f"kgkc-opt {__version__}; {result.solver_version}"),
        (_t("Mã kiểm tra dữ liệu đầu vào", "Input hash", lang), result.input_hash),
    ]
    heading = ws.cell(row=1, column=1, value=_t("THÔNG TIN PHƯƠNG ÁN", "RECORD OF THE PLAN", lang))
    heading.font = _font(True, size=TITLE_PT)
    r = 3
    for key, value in rows:
        sheet.cell(r, 1, key, bold=True, wrap=True)
        sheet.cell(r, 2, value, wrap=True)
        _row_height(ws, r, (value, 100))
        r += 1
    _print_setup(ws, last_col=2, last_row=r - 1)


# ---------------------------------------------------------------------------------------------
# entry points


@dataclass
class Book:
    """A built workbook and the values of its formula cells ((sheet title, cell) -> value)."""

    workbook: Workbook
    cache: dict[tuple[str, str], float]

    def to_bytes(self) -> bytes:
        """The .xlsx file, each formula cell holding its cached value."""
        buffer = io.BytesIO()
        self.workbook.save(buffer)
        return with_cached_values(buffer.getvalue(), self.workbook, self.cache)


def build(result: Any, scenario: Any, *, lang: str = "vi", gains: Any = None) -> Book:
    """The plan of ``result`` (solved from ``scenario``) as a workbook with its formula values.

    ``gains``: the exact gains table (``analysis.gains.gains_table``); without it the workbook has
    no gains block (this module never solves).
    """
    fmt.check_lang(lang)
    if not result.has_plan:
        raise NoSolutionError(f"scenario {result.scenario!r} has no plan ({result.status.value}); "
                              "no workbook can be written")
    wb = Workbook()
    index = 0 if lang == "vi" else 1
    annex = wb.worksheets[0]
    annex.title = SHEETS["annex"][index]
    years = wb.create_sheet(SHEETS["years"][index])
    budget = wb.create_sheet(SHEETS["budget"][index])
    achievement = wb.create_sheet(SHEETS["achievement"][index])
    record = wb.create_sheet(SHEETS["record"][index])
    cache: dict[tuple[str, str], float] = {}
    rows = annex_rows(result, scenario, lang)
    layout = _years_sheet(_Sheet(years, cache), rows, result, scenario, lang)
    _annex_sheet(_Sheet(annex, cache), rows, layout, scenario, lang)
    _budget_sheet(_Sheet(budget, cache), layout, result, scenario, lang, gains)
    _achievement_sheet(_Sheet(achievement, cache), rows, layout, result, scenario, lang)
    _record_sheet(_Sheet(record, cache), result, scenario, lang)
    for ws in wb.worksheets:
        ws.sheet_view.zoomScale = 90
    wb.calculation.fullCalcOnLoad = True  # a spreadsheet program recalculates on opening anyway
    wb.properties.title = scenario.program.title.get(lang)
    wb.properties.subject = fmt.scenario_title(scenario, lang)
    wb.properties.creator = "kgkc-opt"
    return Book(wb, cache)


def workbook(result: Any, scenario: Any, *, lang: str = "vi", gains: Any = None) -> Workbook:
    """The plan as an openpyxl Workbook (formula cells without cached values: use ``write``)."""
    return build(result, scenario, lang=lang, gains=gains).workbook


_FORMULA_CELL = re.compile(r'(<c r="([A-Z]+[0-9]+)"[^>]*>)(<f>.*?</f>)(<v\s*/>|<v></v>)?(</c>)', re.S)


def with_cached_values(data: bytes, wb: Workbook, cache: dict[tuple[str, str], float]) -> bytes:
    """Put each formula's value into the saved file (openpyxl writes formulas without one)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    titles = {f"xl/worksheets/sheet{i + 1}.xml": ws.title for i, ws in enumerate(wb.worksheets)}
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            title = titles.get(item.filename)
            if title is not None:
                def fill(m: re.Match[str], title: str = title) -> str:
                    value = cache.get((title, m.group(2)))
                    if value is None:
                        return m.group(0)
                    return f"{m.group(1)}{m.group(3)}<v>{float(value)!r}</v>{m.group(5)}"

                content = _FORMULA_CELL.sub(fill, content.decode("utf-8")).encode("utf-8")
            info = zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = item.external_attr
            target.writestr(info, content)
    return out.getvalue()


def _source_sum(budget: Any, source: str, column: str = "cap") -> float:
    """A column of the budget table (``cap`` or ``used``) summed over the planned years of one
    source (0 when the actuals cover every year and nothing is planned)."""
    if not len(budget) or source not in budget.index.get_level_values("source"):
        return 0.0
    return float(budget.xs(source, level="source")[column].sum())


def write(result: Any, scenario: Any, path: str | Path, *, lang: str = "vi", gains: Any = None) -> Path:
    """Write the workbook to ``path`` (.xlsx), atomically, formula values cached."""
    if Path(path).suffix.lower() != ".xlsx":
        raise OutputError(f"{path}: the workbook is written as .xlsx")
    return write_file(path, build(result, scenario, lang=lang, gains=gains).to_bytes())


__all__ = ["annex_rows", "build", "money_format", "task_notes", "with_cached_values", "workbook", "write"]

"""The plan as an Excel workbook a clerk can send unchanged (XlsxWriter; no plotting).

Sheets (Vietnamese names by default; English with ``lang="en"``):

1. ``Phụ lục nhiệm vụ``: the decision's annex layout (TT, Tên nhiệm vụ, Đơn vị tính, Số lượng,
   Dự kiến kinh phí: Tổng số, one column per funding source of the program (national funds where
   the program has them, the local budget Vốn NS, the co-funding Vốn khác), Thời gian triển khai,
   Cơ quan chủ trì, Cơ quan phối hợp) with the plan's figures, a ``Theo QĐ`` column beside the
   quantity and beside the local budget holding the decision's own figure wherever the plan's
   differs, and a ``Ghi chú`` column saying what changed and why (from the scenario's change log);
   under TỔNG CỘNG, the totals the program states for each source (its ``stated_totals``);
2. ``Phân kỳ theo năm``: quantity and each source's money per task and year, the annual caps
   under the total (with the decision's caps where the scenario changes them) and what is left;
3. ``Kế hoạch vốn``: per year and source the decision's cap, the scenario's cap, what is used,
   left and the share used; under it, what 1 billion VND more or less buys, from exact re-solves;
4. ``Mức đạt mục tiêu``: target (the decision's and the scenario's), achieved, share, shortfall;
5. ``Thông tin``: the scenario, its changes, the status, the objective as numbers, and the record
   of the solve (versions and the input's check code; also in the file's properties, never in the
   printed body of sheets 1–4).

Every total is an Excel formula, so group rows, year totals and TỔNG CỘNG follow when a figure is
edited: a task's period totals sum its year cells (sheet 2), its annex figures refer to them,
group rows sum their tasks, the grand total sums the groups. Each formula is stored with the value
it evaluates to (computed here exactly as the formula would; ``report.xlsx_writer``), so a reader
that does not recalculate (a preview, a mail client, pandas) shows the same figures. Money is
formatted as the decision writes it: no decimals on whole amounts (8.000), decimals only where an
amount has them (3.726,4); Excel shows the separators of the reader's locale. Every sheet prints on
A4 landscape, one page wide, with its header rows repeated on every page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kgkc_opt._version import __version__
from kgkc_opt.errors import NoSolutionError, OutputError
from kgkc_opt.report import fmt
from kgkc_opt.report.files import write_file
from kgkc_opt.report.workbook_rows import annex_rows, decided_program, extra_sources, task_notes
from kgkc_opt.report.xlsx_writer import (
    BODY_PT,
    DECIMAL_FORMAT,
    DECISION_FILL,
    GROUP_FILL,
    INT_FORMAT,
    POINTS_FORMAT,
    SHARE_FORMAT,
    TITLE_PT,
    Sheet,
    Writer,
    Written,
    money_format,
    ref,
    sheet_ref,
)
from kgkc_opt.report.xlsx_writer import TOTAL_FILL as TOTAL_COLOUR
from kgkc_opt.words import say

SHEETS = {
    "annex": ("Phụ lục nhiệm vụ", "Task annex"),
    "years": ("Phân kỳ theo năm", "By year"),
    "budget": ("Kế hoạch vốn", "Annual caps"),
    "achievement": ("Mức đạt mục tiêu", "Achievement"),
    "record": ("Thông tin", "Record"),
}


def money_label(program: Any, part: int, extras: tuple[Any, ...], lang: str) -> str:
    """The column heading of a money part (1 local, 2 co-funding, 3+k the k-th other source): the
    decision's Vốn NS / Vốn khác, or the source's own name where the program names its sources."""
    if part >= 3:
        return str(extras[part - 3].name.get(lang))
    if program.sources_declared:
        kind = "local" if part == 1 else "enterprise"
        return str(next(s for s in program.funding_sources if s.kind == kind).name.get(lang))
    return fmt.label("state_capital" if part == 1 else "other_capital", lang)


# ---------------------------------------------------------------------------------------------
# sheet 2: by year (the figures the other sheets refer to)


@dataclass
class _YearsLayout:
    """Where sheet 2 holds each figure. A figure is a ``part``: 0 the quantity, 1 the local budget,
    2 the co-funding, 3 + k the k-th other state source; in a year's columns the quantity comes
    first, then the other sources, the local budget and the co-funding (the program's order)."""

    title: str
    first_row: int
    rows: dict[int, int]  # index in annex_rows -> sheet row
    total_row: int
    years: list[int]
    extras: tuple[Any, ...] = ()
    groups: dict[int, list[int]] = field(default_factory=dict)  # group row index -> its task row indexes

    @property
    def width(self) -> int:
        return 3 + len(self.extras)

    @property
    def money_parts(self) -> list[int]:
        """The money parts in column order."""
        return [*range(3, self.width), 1, 2]

    def offset(self, part: int) -> int:
        return 0 if part == 0 else len(self.extras) + part if part < 3 else part - 2

    def col(self, year_index: int, part: int) -> int:
        """Column of a year's figure ``part``."""
        return 3 + self.width * year_index + self.offset(part)

    def period_col(self, part: int) -> int:
        return 3 + self.width * len(self.years) + self.offset(part)

    def source(self, part: int) -> str:
        """The budget table's source of a money part."""
        return "local" if part == 1 else "cofunding" if part == 2 else str(self.extras[part - 3].id)


def _years_layout(title: str, rows: list[dict[str, Any]], years: list[int], extras: tuple[Any, ...]) -> _YearsLayout:
    first = 6
    layout = _YearsLayout(title, first, {i: first + i for i in range(len(rows))}, first + len(rows) - 1, years,
                          extras)
    current = None
    for i, row in enumerate(rows):
        if row["kind"] == "group":
            current = i
            layout.groups[i] = []
        elif row["kind"] == "task" and current is not None:
            layout.groups[current].append(i)
    return layout


def _years_header(sheet: Sheet, layout: _YearsLayout, scenario: Any, lang: str) -> int:
    """Titles and the two header rows; returns the last column."""
    program = scenario.program
    last_col = 2 + layout.width * (len(layout.years) + 1)
    sheet.title(say("THE PLAN BY YEAR", lang), last_col, 1, height=20)
    sheet.title(say("(Scenario: {scenario_title}; million VND)", lang).format(
        scenario_title=fmt.scenario_title(scenario, lang)), last_col, 2, size=BODY_PT, bold=False, italic=True,
        height=30)
    sheet.header(4, 1, fmt.label("tt", lang), merge_down=True)
    sheet.header(4, 2, fmt.label("task", lang), merge_down=True)
    for i, y in enumerate([*layout.years, None]):
        col = 3 + layout.width * i
        sheet.header(4, col, fmt.label("year_n", lang, y=y) if y else say("Whole period", lang),
                     merge_right=layout.width)
        sheet.header(5, col, say("Qty", lang))
        for part in layout.money_parts:
            sheet.header(5, col + layout.offset(part), money_label(program, part, layout.extras, lang))
    sheet.height(5, 30 if not program.sources_declared else 60)
    per_year = [6.5, *([9.5] * (layout.width - 1))]
    sheet.widths([6, 30, *per_year * len(layout.years), 7, *([10.5] * (layout.width - 1))])
    return last_col


def _years_body(sheet: Sheet, rows: list[dict[str, Any]], layout: _YearsLayout) -> None:
    """A row per group, task and the grand total: a task's figures by year, the rest formulas."""
    groups = list(layout.groups)
    for i, row in enumerate(rows):
        rr, kind = layout.rows[i], row["kind"]
        style: dict[str, Any] = {"bold": kind != "task",
                                 "fill": GROUP_FILL if kind == "group" else TOTAL_COLOUR if kind == "total" else None}
        sheet.cell(rr, 1, row["tt"] if kind != "task" else row["task_id"], align="center", **style)
        sheet.cell(rr, 2, row["short"] if kind != "total" else row["name"], wrap=True, **style)
        for yi, y in enumerate(layout.years):
            for part in range(layout.width):
                col, value = layout.col(yi, part), row["years"][y][part]
                if kind == "task":
                    sheet.cell(rr, col, int(value) if part == 0 else float(value),
                               number_format=INT_FORMAT if part == 0 else money_format(float(value)))
                elif part == 0:
                    sheet.cell(rr, col, None, **style)
                elif kind == "group":
                    members = layout.groups[i]
                    span = f"{ref(col, layout.rows[members[0]])}:{ref(col, layout.rows[members[-1]])}"
                    sheet.formula(rr, col, f"SUM({span})", value, **style)
                else:
                    sheet.formula(rr, col, "+".join(ref(col, layout.rows[g]) for g in groups), value, **style)
        for part in range(layout.width):
            col = layout.period_col(part)
            if part == 0 and kind != "task":
                sheet.cell(rr, col, None, **style)
                continue
            value = sum(row["years"][y][part] for y in layout.years)
            cells = "+".join(ref(layout.col(yi, part), rr) for yi in range(len(layout.years)))
            sheet.formula(rr, col, cells, value, money=part != 0, **style)
        sheet.fit_height(rr, (row["short"] if kind != "total" else row["name"], 30))


def _years_caps(sheet: Sheet, rows: list[dict[str, Any]], layout: _YearsLayout, result: Any, scenario: Any,
                lang: str) -> int:
    """Under the total: the scenario's caps, the decision's where they differ, what is left.
    Returns the next free row."""
    caps, decided = result.budget, decided_program(scenario)
    totals = rows[-1]["years"]  # the grand total's figures per year

    def cap(y: int, part: int) -> float:  # (a year not planned, as when actuals cover it, has no cap row: 0)
        key = (y, layout.source(part))
        return float(caps.loc[key, "cap"]) if key in caps.index else 0.0

    def decision(y: int, part: int) -> float:
        annual = decided.annual_budget[y]
        return float(annual.local if part == 1 else annual.other if part == 2 else
                     annual.amount(layout.extras[part - 3]))

    def scenario_cap(y: int, part: int) -> float:
        if part < 3:
            return float((scenario.local_budget if part == 1 else scenario.cofunding)[y])
        return float(scenario.funding.get(layout.source(part), {}).get(y, decision(y, part)))

    changed = any(scenario_cap(y, p) != decision(y, p) for y in layout.years for p in layout.money_parts)
    lines = [("cap", say("The scenario's annual caps", lang))]
    if changed:
        lines.append(("decision", say("The decision's annual caps", lang)))
    lines.append(("left", say("Left unallocated", lang)))
    r = cap_row = layout.total_row + 1
    for key, label in lines:
        fill = DECISION_FILL if key == "decision" else None
        sheet.cell(r, 1, None)
        sheet.cell(r, 2, label, italic=True, wrap=True, fill=fill)
        for yi, y in enumerate(layout.years):
            sheet.cell(r, layout.col(yi, 0), None)
            for part in layout.money_parts:
                col = layout.col(yi, part)
                if key == "left":
                    sheet.formula(r, col, f"{ref(col, cap_row)}-{ref(col, layout.total_row)}",
                                  cap(y, part) - float(totals[y][part]), italic=True)
                else:
                    value = cap(y, part) if key == "cap" else decision(y, part)
                    sheet.cell(r, col, value, italic=True, number_format=money_format(value), fill=fill)
        sheet.cell(r, layout.period_col(0), None)
        for part in layout.money_parts:
            col = layout.period_col(part)
            cells = "+".join(ref(layout.col(yi, part), r) for yi in range(len(layout.years)))
            figure = {"cap": cap, "decision": decision}.get(key)
            value = (sum(figure(y, part) for y in layout.years) if figure is not None else
                     sum(cap(y, part) - float(totals[y][part]) for y in layout.years))
            sheet.formula(r, col, cells, value, italic=True, fill=fill)
        sheet.fit_height(r, (label, 30))
        r += 1
    return r


def _years_sheet(sheet: Sheet, rows: list[dict[str, Any]], result: Any, scenario: Any, lang: str) -> _YearsLayout:
    layout = _years_layout(sheet.name, rows, list(scenario.program.years), extra_sources(result, scenario.program))
    last_col = _years_header(sheet, layout, scenario, lang)
    _years_body(sheet, rows, layout)
    r = _years_caps(sheet, rows, layout, result, scenario, lang)
    sheet.note(r + 1, 2, say("Per-task figures by year are the plan's; group rows, totals, the "
                             "whole-period columns and the row of what is left are formulas "
                             "that follow any edit.", lang))
    sheet.print_setup(title_rows=(4, 5), last_col=last_col, last_row=r + 1, freeze="C6")
    return layout


# ---------------------------------------------------------------------------------------------
# sheet 1: the annex


@dataclass(frozen=True)
class _AnnexColumns:
    """The annex's columns: TT, name, unit, quantity (plan, decision), total, each other state source,
    the local budget (plan, decision), the co-funding, time, lead, partner, notes. A program with the
    local budget and co-funding only has the decision's 13 columns."""

    extras: int

    total = 6

    def source(self, k: int) -> int:
        return 7 + k

    @property
    def local(self) -> int:
        return 7 + self.extras

    @property
    def other(self) -> int:
        return 9 + self.extras

    @property
    def money(self) -> list[int]:
        """The money columns the total sums."""
        return [*(self.source(k) for k in range(self.extras)), self.local, self.other]

    @property
    def last(self) -> int:
        return 13 + self.extras


def _annex_header(sheet: Sheet, cols: _AnnexColumns, layout: _YearsLayout, scenario: Any, lang: str) -> None:
    program = scenario.program
    title = program.title.get(lang)
    heading = ("DANH MỤC CÁC NHIỆM VỤ CỤ THỂ CỦA " + title.upper() if lang == "vi"
               else "SPECIFIC TASKS OF THE " + title.upper())
    sheet.title(heading, cols.last, 1, height=36)
    sheet.title(say("(Scenario: {scenario_title}; based on {source_document})", lang).format(
        scenario_title=fmt.scenario_title(scenario, lang), source_document=program.source_document.get(lang)),
        cols.last, 2, size=BODY_PT, bold=False, italic=True, height=30)
    sheet.header(4, 1, fmt.label("tt", lang), merge_down=True)
    sheet.header(4, 2, fmt.label("task_name", lang), merge_down=True)
    sheet.header(4, 3, fmt.label("unit", lang), merge_down=True)
    sheet.header(4, 4, fmt.label("quantity", lang), merge_right=2)
    sheet.header(5, 4, fmt.label("plan", lang))
    sheet.header(5, 5, fmt.label("decision", lang))
    sheet.header(4, 6, fmt.label("estimated_cost", lang) + " (" + fmt.label("million_vnd", lang) + ")",
                 merge_right=4 + cols.extras)
    local = money_label(program, 1, layout.extras, lang)
    heads = [(cols.total, fmt.label("total", lang)),
             *((cols.source(k), money_label(program, 3 + k, layout.extras, lang)) for k in range(cols.extras)),
             (cols.local, local), (cols.local + 1, f"{local} {'theo QĐ' if lang == 'vi' else '(decision)'}"),
             (cols.other, money_label(program, 2, layout.extras, lang))]
    for col, text in heads:
        sheet.header(5, col, text)
    for col, key in zip(range(cols.other + 1, cols.last + 1), ("time", "lead", "partner", "notes"), strict=True):
        sheet.header(4, col, fmt.label(key, lang), merge_down=True)
    sheet.height(4, 30)
    sheet.height(5, 30 if not program.sources_declared else 60)
    sheet.widths([5, 40, 8.5, 8.5, 8, 10.5, *([10.5] * cols.extras), 10.5, 10, 10.5, 11, 12, 13, 28])


def _annex_money(sheet: Sheet, r: int, i: int, row: dict[str, Any], cols: _AnnexColumns, layout: _YearsLayout,
                 style: dict[str, Any]) -> None:
    """A row's quantity and money: a task's from sheet 2, a group's the sum of its tasks, the grand
    total the sum of the groups; the total column the sum of the sources."""
    r0 = layout.first_row
    parts = [(cols.source(k), 3 + k, row["sources"][s.id]) for k, s in enumerate(layout.extras)]
    parts += [(cols.local, 1, row["local"]), (cols.other, 2, row["other"])]
    if row["kind"] == "task":
        yr = layout.rows[i]
        sheet.formula(r, 4, sheet_ref(layout.title, layout.period_col(0), yr), row["quantity"], money=False)
        differs = row["decision_quantity"] is not None and row["decision_quantity"] != row["quantity"]
        sheet.cell(r, 5, row["decision_quantity"] if differs else None, number_format=INT_FORMAT,
                   fill=DECISION_FILL if differs else None)
        for col, part, value in parts:
            sheet.formula(r, col, sheet_ref(layout.title, layout.period_col(part), yr), value)
        dl = row["decision_local"]
        local_differs = dl is not None and abs(dl - row["local"]) > 1e-6
        sheet.cell(r, cols.local + 1, dl if local_differs else None, number_format=money_format(dl),
                   fill=DECISION_FILL if local_differs else None)
    else:
        for col in (4, 5, cols.local + 1):
            sheet.cell(r, col, None, **style)
        for col, _, value in parts:
            if row["kind"] == "group":
                members = layout.groups[i]
                formula = f"SUM({ref(col, r0 + members[0])}:{ref(col, r0 + members[-1])})"
            else:
                formula = "+".join(ref(col, r0 + g) for g in layout.groups)
            sheet.formula(r, col, formula, value, **style)
    sheet.formula(r, cols.total, "+".join(ref(col, r) for col in cols.money), row["total"], **style)


def _annex_stated(sheet: Sheet, r: int, cols: _AnnexColumns, layout: _YearsLayout, program: Any,
                  lang: str) -> bool:
    """Under TỔNG CỘNG, the totals the program states (its every row at the maximum), by source;
    False when the program states none."""
    stated = program.stated_totals
    if stated is None:
        return False
    label = say("As the program states (every task at its maximum)", lang)
    sheet.cell(r, 1, None, fill=DECISION_FILL)
    sheet.cell(r, 2, label, italic=True, wrap=True, fill=DECISION_FILL)
    figures = [(cols.source(k), float(stated.amount(s))) for k, s in enumerate(layout.extras)]
    figures += [(cols.local, float(stated.local)), (cols.other, float(stated.other)),
                (cols.total, float(stated.total))]
    for col in range(3, cols.other + 1):
        sheet.cell(r, col, None, fill=DECISION_FILL)
    for col, value in figures:
        sheet.cell(r, col, value, italic=True, number_format=money_format(value), fill=DECISION_FILL)
    for col in range(cols.other + 1, cols.last + 1):  # (no source text: programs state it in English)
        sheet.cell(r, col, None, fill=DECISION_FILL)
    sheet.fit_height(r, (label, 40))
    return True


def _annex_sheet(sheet: Sheet, rows: list[dict[str, Any]], layout: _YearsLayout, scenario: Any, lang: str) -> None:
    cols = _AnnexColumns(len(layout.extras))
    _annex_header(sheet, cols, layout, scenario, lang)
    r0 = layout.first_row
    for i, row in enumerate(rows):
        r, kind = r0 + i, row["kind"]
        style: dict[str, Any] = {"bold": kind != "task",
                                 "fill": GROUP_FILL if kind == "group" else TOTAL_COLOUR if kind == "total" else None}
        fill = style["fill"]
        sheet.cell(r, 1, row["tt"], align="center", **style)
        sheet.cell(r, 2, row["name"], wrap=True, align="center" if kind == "total" else "left", **style)
        sheet.cell(r, 3, row.get("unit"), align="center", fill=fill)
        _annex_money(sheet, r, i, row, cols, layout, style)
        for col, key in zip(range(cols.other + 1, cols.last), ("time", "lead", "partner"), strict=True):
            sheet.cell(r, col, row.get(key), align="center", wrap=True, fill=fill)
        sheet.cell(r, cols.last, row.get("notes") or None, wrap=True, fill=fill, size=10)
        sheet.fit_height(r, (row["name"], 40), (row.get("partner"), 13), (row.get("lead"), 12),
                         (row.get("notes"), 30), (row.get("time"), 11))
    last = r0 + len(rows) - 1
    note_row = last + (3 if _annex_stated(sheet, last + 1, cols, layout, scenario.program, lang) else 2)
    sheet.note(note_row, 1, say("Notes: quantities and money as planned under the "
                                "scenario, in million VND; the “Decision” columns give the "
                                "decision's figure wherever the plan differs. Group rows "
                                "(I–VIII) and the grand total are formulas over the task "
                                "rows; the figures by year are on the sheet “By year”.", lang),
               last_col=cols.last, height=30)
    sheet.print_setup(title_rows=(4, 5), last_col=cols.last, last_row=note_row, freeze="C6")


# ---------------------------------------------------------------------------------------------
# sheet 3: annual caps, and what a billion more or less buys


@dataclass(frozen=True)
class _Block:
    """A money line's five columns on sheet 3: the decision's cap, the scenario's, used, left, share."""

    source: str  # the budget table's source: local, cofunding, or another state source's id
    part: int  # its figure on sheet 2 (1 local, 2 co-funding, 3 + k the k-th other source)
    heading: str
    col: int

    def decided(self, annual: Any, program: Any) -> float:
        if self.source == "local":
            return float(annual.local)
        if self.source == "cofunding":
            return float(annual.other)
        return float(annual.amount(program.source_named(self.source)))


def _budget_blocks(result: Any, layout: _YearsLayout, lang: str) -> list[_Block]:
    """The local budget, the co-funding, then each other state source (national funds, ...)."""
    b = result.budget
    present = set(b.index.get_level_values("source")) if len(b) else set()
    keys = [("local", 1, fmt.label("local", lang)), ("cofunding", 2, fmt.label("cofunding", lang))]
    keys += [(s.id, 3 + k, str(s.name.get(lang))) for k, s in enumerate(layout.extras) if s.id in present]
    return [_Block(source, part, heading, 2 + 5 * i) for i, (source, part, heading) in enumerate(keys)]


def _share(sheet: Sheet, r: int, col: int, cap: float, used: float, **style: Any) -> None:
    sheet.formula(r, col, f"IF({ref(col - 3, r)}=0,0,ROUNDDOWN({ref(col - 2, r)}/{ref(col - 3, r)},2))",
                  int(used / cap * 100 + 1e-9) / 100 if cap else 0.0, number_format=SHARE_FORMAT, **style)


def _budget_years(sheet: Sheet, blocks: list[_Block], layout: _YearsLayout, result: Any, scenario: Any,
                  lang: str) -> int:
    """A row per year and a total row; returns the total row."""
    b, decided, program = result.budget, decided_program(scenario), scenario.program
    years = sorted(b.index.get_level_values("year").unique())
    first = r = 6
    for y in years:
        sheet.cell(r, 1, int(y), align="center", number_format="0")
        for block in blocks:
            row, col = b.loc[(y, block.source)], block.col
            cap, used = float(row["cap"]), float(row["used"])
            annual = decided.annual_budget.get(int(y))
            dec = block.decided(annual, program) if annual is not None else None
            differs = dec is not None and abs(dec - cap) > 1e-9
            sheet.cell(r, col, dec, number_format=money_format(dec), fill=DECISION_FILL if differs else None)
            sheet.cell(r, col + 1, cap, number_format=money_format(cap))
            if int(y) in layout.years:
                year_index = layout.years.index(int(y))
                sheet.formula(r, col + 2, sheet_ref(layout.title, layout.col(year_index, block.part), layout.total_row),
                              used)
            else:
                sheet.cell(r, col + 2, used, number_format=money_format(used))
            sheet.formula(r, col + 3, f"{ref(col + 1, r)}-{ref(col + 2, r)}", cap - used)
            _share(sheet, r, col + 4, cap, used)
        r += 1
    sheet.cell(r, 1, fmt.label("grand_total", lang), bold=True, align="center", fill=TOTAL_COLOUR)
    for block in blocks:
        cap, used = _source_sum(b, block.source), _source_sum(b, block.source, "used")
        dec = sum(block.decided(a, program) for a in decided.annual_budget.values())
        for j, value in enumerate((dec, cap, used, cap - used)):
            sheet.formula(r, block.col + j, f"SUM({ref(block.col + j, first)}:{ref(block.col + j, r - 1)})", value,
                          bold=True, fill=TOTAL_COLOUR)
        _share(sheet, r, block.col + 4, cap, used, bold=True, fill=TOTAL_COLOUR)
    return r


def _gains_block(sheet: Sheet, r: int, last_col: int, gains: Any, result: Any, program: Any, lang: str) -> int:
    """What 1 billion VND more or less local budget buys, from exact re-solves; returns the last row."""
    from kgkc_opt.report.figures import gains_rows

    sheet.note(r, 1, say("1 BILLION VND MORE OR LESS LOCAL BUDGET: WHAT IT BUYS OR COSTS", lang), size=12,
               last_col=last_col, bold=True)
    sheet.note(r + 1, 1, say("Each row re-solves the plan with the cap changed as stated; the average share of "
                             "targets in points.", lang), last_col=last_col)
    r += 2
    sheet.header(r, 1, say("Change", lang), merge_right=3)
    sheet.header(r, 4, say("Average share of targets (points)", lang), merge_right=2)
    sheet.header(r, 6, say("Gained (+) or given up (−)", lang), merge_right=last_col - 5)
    sheet.height(r, 30)
    for row in gains_rows(gains, program, lang, "local", result.max_objective):
        r += 1
        sheet.merge(r, 1, r, 3, row["label"], wrap=True)
        points = round(row["points"], 1) if row["points"] is not None else None
        sheet.merge(r, 4, r, 5, points, number_format=POINTS_FORMAT, align="right")
        sheet.merge(r, 6, r, last_col, row["text"], wrap=True)
        sheet.fit_height(r, (row["label"], 34), (row["text"], 62))
    return r


def _budget_sheet(sheet: Sheet, layout: _YearsLayout, result: Any, scenario: Any, lang: str, gains: Any) -> None:
    blocks = _budget_blocks(result, layout, lang)
    last_col = 1 + 5 * len(blocks)
    sheet.title(say("ANNUAL CAPS AND THEIR USE", lang), last_col, 1, height=22)
    sheet.title(say("(Scenario: {scenario_title}; million VND)", lang).format(
        scenario_title=fmt.scenario_title(scenario, lang)), last_col, 2, size=BODY_PT, bold=False, italic=True,
        height=30)
    sheet.widths([12] + [11, 12, 12, 11, 10] * len(blocks))
    sheet.header(4, 1, fmt.label("year", lang), merge_down=True)
    sub = [fmt.label("decision", lang), say("Scenario", lang), say("Used", lang), say("Left", lang),
           say("Share used", lang)]
    for block in blocks:
        sheet.header(4, block.col, block.heading, merge_right=5)
        for j, text in enumerate(sub):
            sheet.header(5, block.col + j, text)
    sheet.height(5, 30)
    r = _budget_years(sheet, blocks, layout, result, scenario, lang) + 2
    if gains is not None and len(gains):
        r = _gains_block(sheet, r, last_col, gains, result, scenario.program, lang) + 1
    sheet.print_setup(title_rows=(4, 5), last_col=last_col, last_row=r, freeze="B6")


# ---------------------------------------------------------------------------------------------
# sheet 4: achievement


def _achievement_row(sheet: Sheet, r: int, tid: str, a: Any, rows_by_id: dict[str, dict[str, Any]],
                     annex_row: dict[str, int], scenario: Any, lang: str) -> None:
    program, annex_title = scenario.program, SHEETS["annex"][0 if lang == "vi" else 1]
    task = program.task(tid)
    # a target range counts in full at its minimum: the shares and shortfalls below are of it
    target, achieved = int(a.get("target_min", a["target"])), int(a["achieved"])
    short = int(a["shortfall"]) > 0
    mark: dict[str, Any] = {"colour": "C00000" if short else None, "bold": short}
    try:
        dec_task = decided_program(scenario).task(tid)
        dec_target: int | str | None = dec_task.quantity_text if dec_task.quantity_min else dec_task.quantity
    except KeyError:
        dec_target = None
    sheet.cell(r, 1, tid, align="center")
    sheet.cell(r, 2, task.name.get(lang), wrap=True)
    sheet.cell(r, 3, task.unit.get(lang), align="center")
    sheet.cell(r, 4, dec_target, number_format=INT_FORMAT, align="center" if isinstance(dec_target, str) else None,
               fill=DECISION_FILL if isinstance(dec_target, int) and dec_target != target else None)
    sheet.cell(r, 5, target, number_format=INT_FORMAT)
    if tid in annex_row and rows_by_id[tid]["quantity"] == achieved:
        sheet.formula(r, 6, sheet_ref(annex_title, 4, annex_row[tid]), achieved, money=False, **mark)
    else:  # tasks executed before a re-plan count what was done, which the annex does not hold
        sheet.cell(r, 6, achieved, number_format=INT_FORMAT, **mark)
    share = int(min(1.0, achieved / target) * 100 + 1e-9) / 100 if target else 0.0
    sheet.formula(r, 7, f"IF({ref(5, r)}=0,0,ROUNDDOWN(MIN(1,{ref(6, r)}/{ref(5, r)}),2))", share,
                  number_format=SHARE_FORMAT, **mark)
    sheet.formula(r, 8, f"MAX(0,{ref(5, r)}-{ref(6, r)})", max(0, target - achieved), money=False, **mark)
    unit_state = float(task.unit_state)
    sheet.cell(r, 9, unit_state, number_format=money_format(unit_state))
    sheet.formula(r, 10, f"{ref(8, r)}*{ref(9, r)}", unit_state * max(0, target - achieved), colour=mark["colour"])
    note = rows_by_id.get(tid, {}).get("notes", "")
    if target < int(a["target"]):
        ranged = say("The target is a range {target}–{int}: met in full at its minimum {target}", lang).format(
            target=target, int=int(a["target"]))
        note = "; ".join(x for x in (note, ranged) if x)
    sheet.cell(r, 11, note or None, wrap=True, size=10)
    sheet.fit_height(r, (task.name.get(lang), 36), (note, 30))


def _achievement_sheet(sheet: Sheet, rows: list[dict[str, Any]], layout: _YearsLayout, result: Any,
                       scenario: Any, lang: str) -> None:
    last_col = 11
    sheet.title(say("TARGET ACHIEVEMENT PER TASK", lang), last_col, 1, height=22)
    sheet.title(say("(Scenario: {title})", lang).format(title=fmt.scenario_title(scenario, lang)), last_col, 2,
                size=BODY_PT, bold=False, italic=True, height=30)
    heads = [say("Id", lang), fmt.label("task_name", lang), fmt.label("unit", lang), say("Decision's target", lang),
             say("Scenario's target", lang), say("Achieved", lang), say("Share", lang), say("Short by", lang),
             say("Local budget per unit (million VND)", lang), say("Local budget of the shortfall (million VND)", lang),
             fmt.label("notes", lang)]
    sheet.widths([8, 36, 9, 9.5, 10, 8, 8, 8, 11, 13, 30])
    for col, text in enumerate(heads, start=1):
        sheet.header(4, col, text)
    sheet.height(4, 45)
    annex_row = {row["task_id"]: layout.first_row + i for i, row in enumerate(rows) if row["kind"] == "task"}
    by_id = {row["task_id"]: row for row in rows if row["kind"] == "task"}
    r = 5
    for tid, a in result.achievement.iterrows():
        _achievement_row(sheet, r, str(tid), a, by_id, annex_row, scenario, lang)
        r += 1
    sheet.print_setup(title_rows=(4, 4), last_col=last_col, last_row=r - 1, freeze="C5")


# ---------------------------------------------------------------------------------------------
# sheet 5: the record


def provenance(result: Any) -> str:
    """What computed the plan: versions of the toolkit and the solver."""
    return f"kgkc-opt {__version__}; {result.solver_version}"


def _record_sheet(sheet: Sheet, result: Any, scenario: Any, lang: str) -> None:
    """The scenario and its changes, the status, the objective and its highest value as numbers,
    and the record of the solve (versions, the input's check code)."""
    sheet.widths([32, 100])
    changes = fmt.change_lines(scenario, lang)
    objective = float(result.objective) if result.objective is not None else None
    rows: list[tuple[str, Any, str | None]] = [
        (say("Scenario", lang), fmt.scenario_title(scenario, lang), None),
        (say("Description", lang), fmt.description(scenario, lang), None),
        (say("Program", lang), scenario.program.title.get(lang), None),
        (say("Source document", lang), scenario.program.source_document.get(lang), None),
        (say("Changes from the decision", lang), "\n".join(changes) if changes else say("none", lang), None),
        (say("Solve status", lang), fmt.status(result.status, lang), None),
        (say("Objective (sum of target shares)", lang), objective if objective is not None else "–", "0.000000"),
        (say("Highest possible objective (number of targets)", lang), float(result.max_objective), "0"),
        (say("Computed with", lang), provenance(result), None),
        (say("Input hash", lang), result.input_hash, None),
    ]
    sheet.cell(1, 1, say("RECORD OF THE PLAN", lang), bold=True, size=TITLE_PT, border=False)
    r = 3
    for key, value, number_format in rows:
        sheet.cell(r, 1, key, bold=True, wrap=True)
        if number_format is not None and not isinstance(value, str):
            sheet.cell(r, 2, value, number_format=number_format, align="left")
        else:
            sheet.cell(r, 2, value, wrap=True)
        sheet.fit_height(r, (value, 100))
        r += 1
    sheet.print_setup(last_col=2, last_row=r - 1)


# ---------------------------------------------------------------------------------------------
# entry points


def build(result: Any, scenario: Any, *, lang: str = "vi", gains: Any = None) -> Written:
    """The plan of ``result`` (solved from ``scenario``) as an .xlsx file, each formula stored with
    its value (``Written.to_bytes()``; ``Written.values``: (sheet title, cell) -> value).

    ``gains``: the exact gains table (``analysis.gains.gains_table``); without it the workbook has
    no gains block (this module never solves).
    """
    fmt.check_lang(lang)
    if not result.has_plan:
        raise NoSolutionError("scenario {scenario!r} has no plan ({status}); no workbook can be written",
                              scenario=result.scenario, status=result.status.value)
    index = 0 if lang == "vi" else 1
    writer = Writer()
    # the sheets in the reader's order; sheet 2 is filled first (the others refer to its cells)
    sheets = {key: writer.sheet(names[index]) for key, names in SHEETS.items()}
    rows = annex_rows(result, scenario, lang)
    layout = _years_sheet(sheets["years"], rows, result, scenario, lang)
    _annex_sheet(sheets["annex"], rows, layout, scenario, lang)
    _budget_sheet(sheets["budget"], layout, result, scenario, lang, gains)
    _achievement_sheet(sheets["achievement"], rows, layout, result, scenario, lang)
    _record_sheet(sheets["record"], result, scenario, lang)
    # provenance in the file's properties (and the record sheet), never in the printed tables
    return writer.close({
        "title": scenario.program.title.get(lang), "subject": fmt.scenario_title(scenario, lang),
        "author": "kgkc-opt", "comments": f"{provenance(result)}; input {result.input_hash}",
        "keywords": f"kgkc-opt {__version__}, {result.input_hash}"})


def workbook(result: Any, scenario: Any, *, lang: str = "vi", gains: Any = None) -> Any:
    """The written workbook read back with openpyxl (formulas as written; ``data_only`` not set)."""
    import io

    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(build(result, scenario, lang=lang, gains=gains).to_bytes()))


def _source_sum(budget: Any, source: str, column: str = "cap") -> float:
    """A column of the budget table (``cap`` or ``used``) summed over the planned years of one
    source (0 when the actuals cover every year and nothing is planned)."""
    if not len(budget) or source not in budget.index.get_level_values("source"):
        return 0.0
    return float(budget.xs(source, level="source")[column].sum())


def write(result: Any, scenario: Any, path: str | Path, *, lang: str = "vi", gains: Any = None) -> Path:
    """Write the workbook to ``path`` (.xlsx), atomically, formula values stored."""
    if Path(path).suffix.lower() != ".xlsx":
        raise OutputError("{path}: the workbook is written as .xlsx", path=path)
    return write_file(path, build(result, scenario, lang=lang, gains=gains).to_bytes())


__all__ = ["DECIMAL_FORMAT", "INT_FORMAT", "annex_rows", "build", "extra_sources", "money_format", "task_notes",
           "workbook", "write"]

"""The annual plan as an Excel workbook (``annual-plan.xlsx``), in the house style of ``report.workbook``.

Sheets (Vietnamese names and headings by default; English with ``lang="en"``):

1. ``Tổng hợp``: the year, the program, where the budget comes from, what is spent and left, the
   counts, the rules, and what the least extra budget means;
2. ``Đề án``: one row per proposal, in the file's order: outcome, money (support, trim and
   co-funding of the funded ones), the reason a proposal is not funded and its least extra budget;
   filters on the header;
3. ``Theo nhiệm vụ``: per task, the year's plan beside the proposals and what is funded;
4. ``Theo xã``: per commune and region;
5. ``Thay đổi`` (mid-year re-selection only): each proposal whose status changed.

Written with XlsxWriter (``report.xlsx_writer``, as the plan workbook ``report.workbook``): totals
are Excel formulas stored with their values; every text is written as text (never a formula). The
header rows are frozen and repeated on every printed page (A4 landscape, one page wide); money is
in million VND, without decimals where an amount has none. ``to_bytes`` gives the same bytes for
the same result.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from kgkc_opt.analysis.annual_study import NOT_FUNDED, AnnualResult, AnnualStudy
from kgkc_opt.inputs.program import Text
from kgkc_opt.inputs.scenario import Scenario
from kgkc_opt.report import fmt
from kgkc_opt.report.annual_tables import (
    BEYOND_PLAN,
    LEAST_EXTRA,
    budget_text,
    change_rows,
    commune_rows,
    counts,
    heading,
    reserve_note,
    rules_lines,
    selection_rows,
    status_text,
    task_label,
    task_rows,
)
from kgkc_opt.report.xlsx_writer import (
    INT_FORMAT,
    TOTAL_FILL,
    Sheet,
    Writer,
    Written,
    money_format,
    ref,
)
from kgkc_opt.words import say

SHEETS = {
    "summary": Text("Tổng hợp", "Summary"),
    "selection": Text("Đề án", "Proposals"),
    "tasks": Text("Theo nhiệm vụ", "By task"),
    "communes": Text("Theo xã", "By commune"),
    "changes": Text("Thay đổi", "Changes"),
}
NOT_FUNDED_COLOUR = "C00000"
HEADER_ROW = 4
CHOSEN_AGAIN = Text("“Chọn lại với kinh phí đó”: có, nếu tính lại danh mục với kinh phí tăng thêm đó thì đề án "
                    "được chọn; không, nếu danh mục tính lại ưu tiên đề án khác.",
                    "“Chosen again with it”: yes where the selection made again with that much more budget funds "
                    "the proposal; no where it prefers other proposals.")


@dataclass(frozen=True)
class Column:
    """A column of a table sheet: the row's key, its heading, width, and how its cells read."""

    key: str
    width: float
    kind: str = "text"  # text, wrap, centre, int, money
    total: bool = False
    title: str | None = None  # a heading other than ``annual_tables.heading(key)``


def _value(value: Any, kind: str) -> Any:
    if isinstance(value, Fraction):
        return float(value)
    if kind == "int" and value is not None:
        return int(value)
    return value


def _table(sheet: Sheet, columns: Sequence[Column], rows: Sequence[dict[str, Any]], lang: str, *,
           colour: Callable[[dict[str, Any]], str | None] = lambda row: None, freeze: str | None = None) -> int:
    """Write a table from ``HEADER_ROW`` on: header, rows, and a total row where a column totals;
    returns the total row (or the last row). ``colour(row)``: the colour of the row's status."""
    sheet.widths([c.width for c in columns])
    for col, c in enumerate(columns, start=1):
        sheet.header(HEADER_ROW, col, c.title or heading(c.key, lang))
    sheet.height(HEADER_ROW, 45)
    wrapped = [c for c in columns if c.kind == "wrap"]
    r = HEADER_ROW
    for r, row in enumerate(rows, start=HEADER_ROW + 1):
        for col, c in enumerate(columns, start=1):
            value = _value(row.get(c.key), c.kind)
            number_format = INT_FORMAT if c.kind == "int" else money_format(value) if c.kind == "money" else None
            tint = colour(row) if c.key == "status" else None
            sheet.cell(r, col, value, number_format=number_format, wrap=c.kind == "wrap",
                       align="center" if c.kind == "centre" else None, colour=tint, bold=bool(tint))
        if wrapped:
            sheet.fit_height(r, *((row.get(c.key), c.width) for c in wrapped))
    last = r
    if any(c.total for c in columns) and rows:
        r = last + 1
        first = next(i for i, c in enumerate(columns, start=1) if c.total)
        label = fmt.label("grand_total", lang)
        if first > 2:
            sheet.merge(r, 1, r, first - 1, label, bold=True, fill=TOTAL_FILL, align="center")
        else:
            sheet.cell(r, 1, label, bold=True, fill=TOTAL_FILL, align="center")
        for col, c in enumerate(columns[first - 1:], start=first):
            if not c.total:
                sheet.cell(r, col, None, fill=TOTAL_FILL)
                continue
            value = sum((_value(row.get(c.key), c.kind) or 0 for row in rows), 0)
            span = f"{ref(col, HEADER_ROW + 1)}:{ref(col, last)}"
            sheet.formula(r, col, f"SUM({span})", value, money=c.kind == "money", bold=True, fill=TOTAL_FILL)
    sheet.ws.autofilter(HEADER_ROW - 1, 0, last - 1, len(columns) - 1)
    sheet.print_setup(title_rows=(HEADER_ROW, HEADER_ROW), last_col=len(columns), last_row=r, freeze=freeze)
    return r


def _headings(sheet: Sheet, title: str, note: str, last_col: int) -> None:
    sheet.title(title, last_col, 1, height=22)
    sheet.title(note, last_col, 2, size=11, bold=False, italic=True, height=30)


def _selection_sheet(sheet: Sheet, result: AnnualResult, scenario: Scenario, lang: str) -> str:
    """The proposals; returns the cell of the total support of the funded ones."""
    program = scenario.program
    rows = []
    for i, row in enumerate(selection_rows(result, lang), start=1):
        funded = row["status"] != NOT_FUNDED
        again = row["funded_at_extra"]
        status = status_text(row["status"], lang)
        if row["beyond_year_plan"]:
            status += say("; beyond the year's plan", lang)
        if row["reserve_step"] is not None:
            status += say("; reserve list, step {step}", lang).format(step=row["reserve_step"])
        rows.append({**row, "tt": i, "task_id": task_label(program, row["task_id"], lang),
                     "status_code": row["status"], "status": status,
                     "support": row["support"] if funded else None, "trim": row["trim"] if funded else None,
                     "cofunding": row["cofunding"] if funded else None,
                     "funded_at_extra": None if again is None else fmt.label("yes" if again else "no", lang)})
    columns = [Column("tt", 5, "centre"), Column("proposal_id", 12.5), Column("title", 34, "wrap"),
               Column("applicant", 24, "wrap"), Column("commune", 15, "wrap"), Column("region", 13, "wrap"),
               Column("task_id", 22, "wrap"), Column("status", 13, "wrap"), Column("units", 7, "int"),
               Column("requested", 10.5, "money", True), Column("cap", 10.5, "money"),
               Column("support", 10.5, "money", True), Column("trim", 10, "money", True),
               Column("cofunding", 10.5, "money", True), Column("score", 7, "money"), Column("reason", 60, "wrap"),
               Column("least_extra", 11, "money")]
    if any(d.funded_at_extra is not None for d in result.decisions):
        columns.append(Column("funded_at_extra", 10, "centre"))
    _headings(
        sheet,
        say("PROPOSALS FOR {year} AND THE SELECTION", lang).format(year=result.year),
        say("(Million VND; support, trim and co-funding of the funded proposals)", lang),
        len(columns),
    )
    total = _table(sheet, columns, rows, lang, freeze=f"C{HEADER_ROW + 1}",
                   colour=lambda row: NOT_FUNDED_COLOUR if row.get("status_code") == NOT_FUNDED else None)
    return ref(1 + next(i for i, c in enumerate(columns) if c.key == "support"), total)


def _summary_lines(study: AnnualStudy, scenario: Scenario, lang: str, support_total: str
                   ) -> list[tuple[str, Any]]:
    """The summary sheet's rows: a label, and a figure, a (formula, value) pair or words."""
    result, program = study.result, scenario.program
    local, cof = result.spent
    n = counts(result)
    selection = SHEETS["selection"].get(lang)
    return [
        (say("Year", lang), str(result.year)),
        (say("Program", lang), f"{program.title.get(lang)} ({program.source_document.get(lang)})"),
        (say("The program's plan", lang), fmt.scenario_title(scenario, lang)),
        (say("Budget for proposals (million VND)", lang), result.budget),
        (say("Support of the funded proposals (million VND)", lang), (f"'{selection}'!{support_total}", local)),
        (say("Left (million VND)", lang), ("B6-B7", result.budget - local)),
        (say("Co-funding of the funded proposals (million VND)", lang), cof),
        (say("Proposals", lang), len(result.decisions)),
        (say("Funded as requested", lang), n["funded"]),
        (say("Funded, trimmed to the legal cap", lang), n["trimmed"]),
        (say("Not funded", lang), n["not_funded"]),
        *(
            [(say("Of which on the reserve list", lang), n["reserve"]),
             (say("The reserve list's cost, local money (million VND)", lang),
              sum((s.cost for s in result.reserve if s.source == "local"), Fraction(0)))]
            if result.rules.year_plan == "reserve"
            else []
        ),
        *(
            [(say("Proposals whose outcome changed since the earlier selection", lang), len(study.changes))]
            if result.previous is not None
            else []
        ),
        (say("Where the budget comes from", lang), budget_text(result, lang)),
        (say("Rules", lang), "\n".join(rules_lines(result, lang))),
        (say("Solve status", lang), fmt.status(result.status, lang)),
        (
            say("Notes", lang),
            "\n".join(
                [LEAST_EXTRA.get(lang)]
                + ([BEYOND_PLAN.get(lang)] if any(d.beyond_plan for d in result.decisions) else [])
                + ([reserve_note(lang)] if result.reserve else [])
                + ([CHOSEN_AGAIN.get(lang)] if any(d.funded_at_extra is not None for d in result.decisions) else [])
            ),
        ),
    ]


def _summary_sheet(sheet: Sheet, study: AnnualStudy, scenario: Scenario, lang: str, support_total: str) -> None:
    result = study.result
    sheet.widths([46, 14, 76])
    sheet.cell(1, 1, say("THE SELECTION OF PROPOSALS FOR {year}", lang).format(year=result.year), bold=True,
               size=13, border=False, valign="bottom")
    lines = _summary_lines(study, scenario, lang, support_total)
    r = 3
    for key, value in lines:  # figures in column B, words across B and C
        sheet.cell(r, 1, key, bold=True, wrap=True)
        if isinstance(value, tuple):
            sheet.formula(r, 2, value[0], value[1])
        elif isinstance(value, Fraction | int):
            number = _value(value, "money")
            sheet.cell(r, 2, number, number_format=money_format(number) if isinstance(value, Fraction)
                       else INT_FORMAT)
        else:
            sheet.merge(r, 2, r, 3, value, wrap=True)
            sheet.fit_height(r, (value, 90), (key, 46))
        if not isinstance(value, str):
            sheet.cell(r, 3, None)
        r += 1
    sheet.print_setup(last_col=3, last_row=r - 1)


def _tasks_sheet(sheet: Sheet, result: AnnualResult, scenario: Scenario, lang: str) -> None:
    program = scenario.program
    rows = [{**row, "task_name": task_label(program, row["task_id"], lang).split(" ", 1)[-1]}
            for row in task_rows(result)]
    columns = [Column("task_id", 8, "centre"), Column("task_name", 36, "wrap"),
               Column("planned_units", 10, "int"), Column("remaining_units", 12, "int"),
               Column("proposals", 9, "int", True), Column("funded", 9, "int", True),
               Column("funded_units", 10, "int"),
               Column("reserve_units", 11, "int", True) if result.rules.year_plan == "reserve"
               else Column("beyond_plan_units", 11, "int", True),
               Column("requested", 12, "money", True),
               Column("support", 12, "money", True), Column("cofunding", 12, "money", True)]
    _headings(
        sheet,
        say("PROPOSALS BY TASK OF THE PROGRAM, {year}", lang).format(year=result.year),
        say("(Million VND; the year's plan from the program's plan)", lang),
        len(columns),
    )
    _table(sheet, columns, rows, lang, freeze=f"C{HEADER_ROW + 1}")


def _communes_sheet(sheet: Sheet, result: AnnualResult, lang: str) -> None:
    columns = [Column("commune", 26, "wrap"), Column("region", 20, "wrap"), Column("proposals", 10, "int", True),
               Column("funded", 10, "int", True), Column("support", 14, "money", True)]
    _headings(
        sheet,
        say("PROPOSALS BY COMMUNE, {year}", lang).format(year=result.year),
        say("(Million VND)", lang),
        len(columns),
    )
    _table(sheet, columns, commune_rows(result), lang, freeze=f"B{HEADER_ROW + 1}")


def _changes_sheet(sheet: Sheet, study: AnnualStudy, lang: str) -> None:
    result = study.result
    titles = {d.proposal.id: d.proposal.title for d in result.decisions}
    rows = [{**row, "title": titles.get(row["proposal_id"], ""), "before": status_text(row["before"], lang),
             "after": status_text(row["after"], lang)} for row in change_rows(study.changes, lang)]
    columns = [Column("proposal_id", 13), Column("title", 34, "wrap"), Column("before", 16, "wrap"),
               Column("after", 16, "wrap"), Column("support", 12, "money", True), Column("reason", 60, "wrap")]
    _headings(
        sheet,
        say("CHANGES FROM THE EARLIER SELECTION, {year}", lang).format(year=result.year),
        say("(Million VND)", lang),
        len(columns),
    )
    _table(sheet, columns, rows, lang, freeze=f"B{HEADER_ROW + 1}")


def build(study: AnnualStudy, scenario: Scenario, lang: str = "vi") -> Written:
    """The workbook of an annual selection, each formula stored with its value (``Written.values``:
    (sheet title, cell) -> value)."""
    fmt.check_lang(lang)
    result = study.result
    writer = Writer()
    # the sheets in the reader's order; the proposals first filled (the summary refers to their total)
    summary = writer.sheet(SHEETS["summary"].get(lang))
    selection = writer.sheet(SHEETS["selection"].get(lang))
    tasks = writer.sheet(SHEETS["tasks"].get(lang))
    communes = writer.sheet(SHEETS["communes"].get(lang))
    changes = writer.sheet(SHEETS["changes"].get(lang)) if result.previous is not None else None
    support_total = _selection_sheet(selection, result, scenario, lang)
    _summary_sheet(summary, study, scenario, lang, support_total)
    _tasks_sheet(tasks, result, scenario, lang)
    _communes_sheet(communes, result, lang)
    if changes is not None:
        _changes_sheet(changes, study, lang)
    selection.ws.activate()  # opens on the proposals
    return writer.close({
        "title": say("Selection of industrial-promotion proposals, {year}", lang).format(year=result.year),
        "subject": scenario.program.title.get(lang), "author": "kgkc-opt"})


def to_bytes(study: AnnualStudy, scenario: Scenario, lang: str = "vi") -> bytes:
    """``annual-plan.xlsx``: the same bytes for the same study."""
    return build(study, scenario, lang).to_bytes()

"""The instructions sheet of a program workbook (``report.program_workbook_help``): both languages
side by side, commands as text, a note on an exported workbook, printed on A4 landscape."""

from __future__ import annotations

from openpyxl import Workbook

from kgkc_opt.inputs.program_xlsx_layout import SHEETS
from kgkc_opt.report.program_workbook_help import INSTRUCTIONS, instructions_sheet


def _sheet(*, template: bool):
    ws = Workbook().active
    assert ws is not None
    instructions_sheet(ws, template=template)
    return ws


def test_the_template_sheet_holds_every_paragraph_in_both_languages() -> None:
    ws = _sheet(template=True)
    assert ws.title == SHEETS["instructions"]
    cells = [(ws.cell(r, 1).value, ws.cell(r, 2).value) for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value]
    assert len(cells) == len(INSTRUCTIONS)
    assert cells[0] == ("Sổ tính chương trình khuyến công", "Industrial-promotion program workbook")  # "#" dropped
    first = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value)
    assert ws.cell(first, 1).font.b  # a heading is bold
    command = next(r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 1).value).startswith("kgkc-opt"))
    assert ws.cell(command, 1).data_type == "s"


def test_an_exported_workbook_says_where_it_came_from() -> None:
    ws = _sheet(template=False)
    assert ws.cell(1, 2).value == "Written by kgkc-opt program export from a program file."
    assert ws.cell(2, 1).value is None and ws.cell(3, 1).value == "Sổ tính chương trình khuyến công"


def test_it_prints_on_a4_landscape_one_page_wide() -> None:
    ws = _sheet(template=True)
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)

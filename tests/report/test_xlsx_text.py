"""Text written as text in a workbook (``report.xlsx_text``): a string that looks like a number or
a formula stays the string it is."""

from __future__ import annotations

from openpyxl import Workbook

from kgkc_opt.report.xlsx_text import as_text


def test_a_string_cell_is_marked_as_text_other_cells_are_left_alone() -> None:
    ws = Workbook().active
    assert ws is not None
    formula_like = ws.cell(1, 1, "=SUM(A2:A3)")
    assert formula_like.data_type == "f"
    assert as_text(formula_like) is formula_like and formula_like.data_type == "s"
    number = ws.cell(2, 1, 12.5)
    assert as_text(number).data_type == "n"
    empty = ws.cell(3, 1)
    assert as_text(empty).data_type == "n" and empty.value is None

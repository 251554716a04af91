"""Text written to a workbook is written as text: no cell a reader opens can start a formula.

openpyxl reads a string value beginning with "=" as a formula (and "#N/A" as an error): a proposal
titled "=HYPERLINK(...)" would become a live formula in the workbook the appraisal council opens
(a formula injection). ``as_text(cell)`` marks a cell holding a string as a string cell, which
Excel shows as the characters written, never evaluated. A text written with openpyxl goes through it.

The plan and annual workbooks (``report.workbook``, ``report.annual_workbook``) are written with
XlsxWriter (``report.xlsx_writer``), which keeps the same guarantee its own way: every text
through ``write_string``, and the workbook opened with ``strings_to_formulas`` off; formulas only
through ``Sheet.formula``.
"""

from __future__ import annotations

from typing import Any, TypeVar

C = TypeVar("C")


def as_text(cell: C) -> C:
    """``cell`` with a string value kept as text (openpyxl's data type "s"); other values as they are."""
    value: Any = getattr(cell, "value", None)
    if isinstance(value, str):
        cell.data_type = "s"  # type: ignore[attr-defined]
    return cell

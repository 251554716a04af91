"""The openpyxl sheet helpers of the workbooks not yet written with XlsxWriter (kept for
``report.annual_workbook``, which imports them through ``report.workbook``).

openpyxl writes formulas without the value they evaluate to: ``Book.to_bytes`` puts each formula's
value into the saved file by rewriting its XML (``with_cached_values``). The plan workbook
(``report.workbook``) no longer does: XlsxWriter stores each formula with its value
(``report.xlsx_writer``). This module goes once the annual workbook moves to that writer.
"""

from __future__ import annotations

import io
import re
import textwrap
import zipfile
from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kgkc_opt.report.xlsx_text import as_text
from kgkc_opt.report.xlsx_writer import BODY_PT, FONT_NAME, HEAD_PT, INT_FORMAT, TITLE_PT, money_format

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TOTAL_FILL = PatternFill("solid", fgColor="FFF2CC")


def _font(bold: bool = False, italic: bool = False, size: float = BODY_PT, colour: str | None = None) -> Font:
    return Font(name=FONT_NAME, bold=bold, italic=italic, size=size, color=colour)


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


__all__ = ["BORDER", "INT_FORMAT", "TOTAL_FILL", "Book", "money_format", "with_cached_values"]

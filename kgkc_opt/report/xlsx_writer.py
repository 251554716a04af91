"""A small sheet writer over XlsxWriter: cells in the decision's font, formulas stored with their value.

XlsxWriter writes each formula with the value it evaluates to (``write_formula(..., value)``), so a
reader that does not recalculate (a preview, a mail client, pandas, openpyxl with
``data_only=True``) shows the figures, and a spreadsheet program recalculates on opening
(XlsxWriter marks every workbook ``fullCalcOnLoad``). Rows and columns are 1-based here, as a
reader counts them (and as openpyxl reads them back); XlsxWriter's are 0-based.

Every text is written with ``write_string`` and the workbook is opened with
``strings_to_formulas``/``strings_to_urls``/``strings_to_numbers`` off: a proposal titled
"=HYPERLINK(...)" is shown as the characters written, never evaluated (no formula injection; see
``report.xlsx_text``). Formulas the toolkit writes on purpose go through ``Sheet.formula`` only.

The same input gives the same bytes: the document's dates are fixed (``FIXED_DATE``), XlsxWriter
dates the files inside the zip 1980-01-01.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

FONT_NAME = "Times New Roman"  # the font of the decision itself; has every Vietnamese glyph
BODY_PT, HEAD_PT, TITLE_PT = 11, 11, 13
BORDER_COLOUR = "#808080"
HEADER_FILL = "#DDEBF7"
GROUP_FILL = "#F2F2F2"
TOTAL_FILL = "#FFF2CC"
DECISION_FILL = "#FCE4D6"
INT_FORMAT = '#,##0;-#,##0;"-"'
DECIMAL_FORMAT = '#,##0.0#;-#,##0.0#;"-"'
SHARE_FORMAT = "0%"
POINTS_FORMAT = "+0.0;-0.0;0.0"
#: the documents' creation date in their properties: fixed, so the same plan gives the same bytes
FIXED_DATE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
#: XlsxWriter adds this many pixels of padding to a column width; taken off so a width is stored as given
_WIDTH_PADDING = 5 / 7


def money_format(value: float | None) -> str:
    """The number format of one amount: whole millions without decimals, others with up to two."""
    if value is None or abs(value - round(value)) < 5e-7:
        return INT_FORMAT
    return DECIMAL_FORMAT


def ref(col: int, row: int) -> str:
    """A cell's A1 reference from 1-based column and row."""
    return xl_rowcol_to_cell(row - 1, col - 1)


def sheet_ref(title: str, col: int, row: int) -> str:
    return f"'{title}'!{ref(col, row)}"


@dataclass(frozen=True)
class Style:
    """How a cell looks (a key of the workbook's format cache)."""

    bold: bool = False
    italic: bool = False
    size: float = BODY_PT
    colour: str | None = None
    number_format: str | None = None
    align: str | None = None
    valign: str = "vcenter"
    wrap: bool = False
    fill: str | None = None
    border: bool = True


class Writer:
    """An in-memory XlsxWriter workbook with one format per distinct ``Style``."""

    def __init__(self) -> None:
        self._buffer = io.BytesIO()
        self.book = xlsxwriter.Workbook(self._buffer, {
            "in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
            "strings_to_numbers": False})
        self._formats: dict[Style, Any] = {}
        #: (sheet title, cell) -> the value each formula was stored with
        self.values: dict[tuple[str, str], float] = {}

    def format(self, style: Style) -> Any:
        if style not in self._formats:
            spec: dict[str, Any] = {"font_name": FONT_NAME, "font_size": style.size, "valign": style.valign}
            spec |= {k: True for k in ("bold", "italic") if getattr(style, k)}
            if style.wrap:
                spec["text_wrap"] = True
            if style.colour:
                spec["font_color"] = "#" + style.colour.lstrip("#")
            if style.number_format:
                spec["num_format"] = style.number_format
            if style.align:
                spec["align"] = style.align
            if style.fill:
                spec |= {"pattern": 1, "bg_color": style.fill}
            if style.border:
                spec |= {"border": 1, "border_color": BORDER_COLOUR}
            self._formats[style] = self.book.add_format(spec)
        return self._formats[style]

    def sheet(self, title: str) -> Sheet:
        return Sheet(self, self.book.add_worksheet(title), title)

    def close(self, properties: dict[str, Any]) -> Written:
        self.book.set_properties({"created": FIXED_DATE, **properties})
        self.book.close()
        return Written(self._buffer.getvalue(), dict(self.values))


@dataclass(frozen=True)
class Written:
    """A written .xlsx file and the value each of its formula cells was stored with."""

    data: bytes
    values: dict[tuple[str, str], float] = field(default_factory=dict)

    def to_bytes(self) -> bytes:
        return self.data


@dataclass
class Sheet:
    """One worksheet, addressed 1-based."""

    writer: Writer
    ws: Worksheet
    name: str

    def cell(self, row: int, col: int, value: Any = None, *, bold: bool = False, italic: bool = False,
             number_format: str | None = None, wrap: bool = False, align: str | None = None,
             fill: str | None = None, border: bool = True, colour: str | None = None,
             size: float = BODY_PT, valign: str = "vcenter") -> None:
        """A value (text always as text), a number or an empty styled cell."""
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        fmt = self.writer.format(Style(bold, italic, size, colour, number_format,
                                       align or ("right" if numeric else None), valign, wrap, fill, border))
        r, c = row - 1, col - 1
        if value is None or value == "":
            self.ws.write_blank(r, c, None, fmt)
        elif isinstance(value, str):
            self.ws.write_string(r, c, value, fmt)
        elif numeric:
            self.ws.write_number(r, c, value, fmt)
        else:
            self.ws.write_string(r, c, str(value), fmt)

    def formula(self, row: int, col: int, formula: str, value: float, *, money: bool = True,
                number_format: str | None = None, **style: Any) -> None:
        """A formula cell stored with ``value``, what it evaluates to."""
        number_format = number_format or (money_format(value) if money else INT_FORMAT)
        style.setdefault("align", "right")
        fmt = self.writer.format(Style(number_format=number_format, **style))
        self.ws.write_formula(row - 1, col - 1, "=" + formula, fmt, float(value))
        self.writer.values[(self.name, ref(col, row))] = float(value)

    def merge(self, row: int, col: int, last_row: int, last_col: int, value: str | float | None = None,
              **style: Any) -> None:
        """Cells merged into one, holding ``value`` (a text written as text, or a number)."""
        fmt = self.writer.format(Style(**style))
        self.ws.merge_range(row - 1, col - 1, last_row - 1, last_col - 1, None, fmt)
        if isinstance(value, str) and value:
            self.ws.write_string(row - 1, col - 1, value, fmt)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            self.ws.write_number(row - 1, col - 1, value, fmt)

    def title(self, text: str, last_col: int, row: int = 1, *, size: float = TITLE_PT, bold: bool = True,
              italic: bool = False, height: float | None = None) -> None:
        """A centred title across columns 1..``last_col``."""
        self.merge(row, 1, row, last_col, text, bold=bold, italic=italic, size=size, align="center",
                   wrap=True, border=False)
        if height:
            self.height(row, height)

    def header(self, row: int, col: int, text: str, *, merge_down: bool = False, merge_right: int = 0) -> None:
        """A header cell (bold, centred, filled, bordered), merged down one row or right over columns."""
        last_row = row + (1 if merge_down else 0)
        last_col = col + max(merge_right, 1) - 1
        style: dict[str, Any] = {"bold": True, "size": HEAD_PT, "align": "center", "wrap": True, "fill": HEADER_FILL}
        if last_row > row or last_col > col:
            self.merge(row, col, last_row, last_col, text, **style)
        else:
            self.cell(row, col, text, **style)

    def note(self, row: int, col: int, text: str, *, size: float = 10, last_col: int | None = None,
             height: float | None = None, bold: bool = False) -> None:
        """An italic note outside the tables (no border), merged to ``last_col`` if given."""
        style: dict[str, Any] = {"italic": not bold, "bold": bold, "size": size, "border": False}
        if last_col is not None:
            self.merge(row, col, row, last_col, text, wrap=True, valign="top", **style)
        else:
            self.cell(row, col, text, valign="bottom", **style)
        if height:
            self.height(row, height)

    def widths(self, widths: Sequence[float]) -> None:
        for i, w in enumerate(widths):
            self.ws.set_column(i, i, max(w - _WIDTH_PADDING, 0))

    def height(self, row: int, height: float) -> None:
        self.ws.set_row(row - 1, height)

    def fit_height(self, row: int, *cells: tuple[Any, float]) -> None:
        """The row as high as its longest text needs (``cells``: (text, column width))."""
        self.height(row, 15 * max(lines(text, width) for text, width in cells))

    def print_setup(self, *, title_rows: tuple[int, int] | None = None, last_col: int, last_row: int,
                    freeze: str | None = None) -> None:
        """A4 landscape, one page wide, header rows repeated, page numbers in the footer, zoom 90%."""
        ws = self.ws
        ws.set_paper(9)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.6, right=0.4, top=0.6, bottom=0.6)
        ws.set_header("", {"margin": 0.3})
        ws.set_footer(f'&C&"{FONT_NAME},Regular"&10&P / &N', {"margin": 0.3})
        ws.center_horizontally()
        if title_rows:
            ws.repeat_rows(title_rows[0] - 1, title_rows[1] - 1)
        ws.print_area(0, 0, last_row - 1, last_col - 1)
        if freeze:
            ws.freeze_panes(freeze)
        ws.set_zoom(90)


def lines(text: Any, width: float) -> int:
    """The lines ``text`` wraps to in a column ``width`` wide (Times New Roman 11 pt: about 1.15
    characters per unit of width)."""
    import textwrap

    if not text:
        return 1
    chars = max(int(width * 1.15), 4)
    text = str(text)
    if len(text) <= chars and "\n" not in text and "\t" not in text:
        return 1  # one line, as textwrap says (a tab may widen, so it goes through textwrap)
    return max(1, sum(len(textwrap.wrap(part, width=chars)) or 1 for part in text.split("\n")))

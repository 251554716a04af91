"""A program as an Excel workbook a planner fills in or edits (``kgkc-opt program template`` and
``kgkc-opt program export NAME --xlsx F``); ``inputs.program_xlsx`` reads it back.

The layout is ``inputs.program_xlsx_layout``'s: an instructions sheet first (Vietnamese, English
beside it), then the program's title and period, its funding sources, the task table in the
decision's annex layout (group rows in bold, units, quantities or min–max ranges, the cost per
source, years, lead and partners), the annual table per source with the two stated totals under
it, the targets, the support rules (a rule's later versions on the rows under it), the
eligibility rule packs (one row a clause, a pack's own cells on its first row), cadences,
links, relations, source notes and geography. Every table sheet has a header row in both languages
and a row of column keys under it (gray), by which the reader finds the columns.

What Excel can check as a planner types is checked there (data validation): lists for kinds,
cadences, qualifiers, severities, relations, levels and yes/no; whole numbers for quantities and
years; amounts of at least 0; shares between 0 and 1; priority points; dates; a prompt listing
the kinds a cell of several kinds takes. Every text is written as text, never
as a formula (a cell typed ``=...`` stays the characters typed), and id and year columns are
formatted as text so that Excel does not turn ``2.10`` into 2.1 or ``2026-2030`` into a date.
Numbers are written exactly (the document's decimal, shown with as many decimals as it has).
The workbook has no time of its making in it (``stable_zip``): the same program gives the same bytes.

``document`` is a program document (``inputs.program_dict.program_to_dict``); ``None`` gives the
empty template (three funding sources named as a 2026–2030 program names them, the years
2026–2030 in the annual table).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kgkc_opt.inputs.eligibility import MAX_POINTS
from kgkc_opt.inputs.program_xlsx_layout import (
    CADENCE_COLUMNS,
    DEFAULT_COST_SOURCES,
    ELIGIBILITY_COLUMNS,
    FIRST_ROW,
    GEOGRAPHY_COLUMNS,
    HEAD_ROW,
    KEY_ROW,
    LINK_COLUMNS,
    NOTE_COLUMNS,
    NOTE_ROW,
    PROGRAM_FIELDS,
    PROGRAM_TOTAL,
    RELATION_COLUMNS,
    RULE_COLUMNS,
    SHEETS,
    SOURCE_COLUMNS,
    STATED_TOTAL,
    TARGET_COLUMNS,
    TITLE_ROW,
    Column,
    annual_columns,
    task_columns,
)
from kgkc_opt.report.annual_tables import stable_zip
from kgkc_opt.report.files import check_file, write_file
from kgkc_opt.report.program_workbook_help import instructions_sheet, page_a4

FONT_NAME = "Times New Roman"
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
GROUP_FILL = PatternFill("solid", fgColor="F2F2F2")
TOTAL_FILL = PatternFill("solid", fgColor="FFF2CC")
#: Rows under the data that keep the validation, for the planner's new rows; the first
#: ``BORDERED_ROWS`` of them are drawn as the table's rows.
SPARE_ROWS = 500
BORDERED_ROWS = 20
YES_NO = ("có", "không")
#: The sources a template names (a 2026–2030 program's three columns; delete the national one if unused).
TEMPLATE_SOURCES = [
    {"id": "national", "name": {"vi": "Kinh phí khuyến công quốc gia", "en": "National khuyến công funds"},
     "kind": "state"},
    {"id": "local", "name": {"vi": "Ngân sách địa phương", "en": "Local budget"}, "kind": "local"},
    {"id": "establishments", "name": {"vi": "Vốn đối ứng của cơ sở", "en": "Establishments' contributions"},
     "kind": "enterprise"},
]
TEMPLATE_YEARS = (2026, 2027, 2028, 2029, 2030)


@functools.cache
def _font(bold: bool = False, italic: bool = False, size: float = 11, colour: str | None = None) -> Font:
    return Font(name=FONT_NAME, bold=bold, italic=italic, size=size, color=colour)


def put(ws: Worksheet, row: int, col: int, value: Any, *, number_format: str | None = None) -> Any:
    """Write one value: text always as text (never a formula, whatever it starts with), a date as a
    date, a number exactly with as many decimals shown as it has."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"  # "=SUM(...)", "-", "+84": the characters, not a formula
        if value[:1] in ("=", "+", "-", "@"):
            cell.quotePrefix = True
        cell.number_format = "@"
    elif isinstance(value, bool):
        cell.value = YES_NO[0] if value else YES_NO[1]
    elif isinstance(value, dt.date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, int | float):
        cell.value = value if isinstance(value, int) else float(value)
        cell.number_format = number_format or _number_format(value)
    elif value is not None:
        raise TypeError(f"cannot write {value!r} to a workbook cell")
    return cell


def _lines(value: Any, width: int) -> int:
    """About how many lines a wrapped text takes in a column ``width`` characters wide (Excel and
    LibreOffice do not grow a row to its text when they open a file written without heights)."""
    if not isinstance(value, str):
        return 1
    return sum(max(1, math.ceil(len(part) * 0.85 / max(width - 1, 1))) for part in value.split("\n"))


def _decimals(value: Any) -> int:
    text = str(value)  # a WrittenFloat's text is its exact decimal
    return len(text.split(".")[1].rstrip("0")) if "." in text and "e" not in text.lower() else 0


def _number_format(value: Any) -> str:
    places = _decimals(value)
    return '#,##0;-#,##0;"-"' if places == 0 else "#,##0." + "0" * places


def _share_format(value: Any) -> str:
    places = max(_decimals(value) - 2, 0)
    return "0%" if places == 0 else "0." + "0" * places + "%"


def _text_pair(value: Any) -> tuple[Any, Any]:
    """A label of a document as its two cells (Vietnamese, English)."""
    if isinstance(value, Mapping):
        return value.get("vi"), value.get("en")
    return value, value


def _quantity_pair(value: Any) -> tuple[Any, Any]:
    if isinstance(value, Mapping):
        return value.get("min"), value.get("max")
    return None, value


def _years(value: Any) -> Any:
    if value == "annual":
        return "Hàng năm"
    if isinstance(value, list):
        return ", ".join(str(y) for y in value)
    return str(value) if value is not None else None


class _Table:
    """A table sheet: title, note, header (vi / en), the row of keys, then rows of values by key."""

    def __init__(self, wb: Workbook, role: str, columns: Sequence[Column], title: str, note: str,
                 print_to: str | None = None):
        self.ws = wb.create_sheet(SHEETS[role])
        self.columns = list(columns)
        self.row = FIRST_ROW
        #: the printed page holds the columns up to ``print_to`` (all when None)
        self.width = next((j for j, c in enumerate(self.columns, start=1) if c.key == print_to), len(self.columns))
        ws, last = self.ws, self.width
        ws.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=max(last, 2))
        put(ws, TITLE_ROW, 1, title).font = _font(bold=True, size=13)
        ws.merge_cells(start_row=NOTE_ROW, start_column=1, end_row=NOTE_ROW, end_column=max(last, 2))
        note_cell = put(ws, NOTE_ROW, 1, note)
        note_cell.font = _font(italic=True, size=10)
        note_cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[NOTE_ROW].height = 15 * max(1, len(note) // 150 + 1)
        for j, column in enumerate(self.columns, start=1):
            head = put(ws, HEAD_ROW, j, f"{column.vi}\n{column.en}")
            head.font = _font(bold=True, size=10)
            head.fill = HEADER_FILL
            head.border = BORDER
            head.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            key = put(ws, KEY_ROW, j, column.key)
            key.font = _font(italic=True, size=8, colour="808080")
            key.alignment = Alignment(horizontal="center")
            ws.column_dimensions[get_column_letter(j)].width = column.width
        ws.row_dimensions[HEAD_ROW].height = 15 * max(3, max(len(c.vi) // c.width + len(c.en) // c.width + 2
                                                              for c in self.columns))
        ws.freeze_panes = ws.cell(row=FIRST_ROW, column=2)
        ws.print_title_rows = f"{HEAD_ROW}:{KEY_ROW}"
        page_a4(ws)

    def add(self, values: Mapping[str, Any], *, bold: bool = False, fill: PatternFill | None = None) -> int:
        """One row of values by column key; returns its row number."""
        row = self.row
        for j, column in enumerate(self.columns, start=1):
            value = values.get(column.key)
            number_format = "0" if column.key == "year" else None
            if column.kind == "share" and value is not None and not isinstance(value, str):
                number_format = _share_format(value)
            cell = put(self.ws, row, j, value, number_format=number_format)
            cell.font = _font(bold=bold)
            cell.border = BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=column.kind in ("text", "list"),
                                       horizontal="center" if column.kind in ("years", "choice", "bool") else None)
            if fill is not None:
                cell.fill = fill
        # as tall as the printed columns' text (a long reference beyond them would make the annex a
        # page of white; it stays whole in its cell)
        printed = self.columns[:self.width]
        self.ws.row_dimensions[row].height = 15 * max(_lines(values.get(c.key), c.width) for c in printed)
        self.row += 1
        return row

    def finish(self, links: Mapping[str, str] | None = None) -> None:
        """Borders, text formats and data validation on the rows written and ``SPARE_ROWS`` more.
        ``links``: column key -> a range on another sheet the column's values come from. The
        printed page holds the rows written (an empty table: 20 empty rows)."""
        last = self.row + SPARE_ROWS
        printed = self.row - 1 if self.row > FIRST_ROW else FIRST_ROW + 19
        self.ws.print_area = f"A1:{get_column_letter(self.width)}{printed}"
        for j, column in enumerate(self.columns, start=1):
            letter = get_column_letter(j)
            text = column.kind in ("id", "text", "list", "years", "choice")
            if text:  # a cell typed anywhere in the column stays text (2.10, 2026-2030)
                self.ws.column_dimensions[letter].number_format = "@"
            for row in range(self.row, self.row + BORDERED_ROWS):  # empty rows drawn as the table's
                cell = self.ws.cell(row=row, column=j)
                cell.border = BORDER
                cell.font = _font()
                if text:
                    cell.number_format = "@"
            validation = _validation(column, (links or {}).get(column.key))
            if validation is not None:
                self.ws.add_data_validation(validation)
                validation.add(f"{letter}{FIRST_ROW}:{letter}{last - 1}")


def _validation(column: Column, source: str | None) -> DataValidation | None:
    """What Excel checks in a column as the planner types (None where it cannot)."""
    vi_en = {"money": ("Số tiền (triệu đồng), không âm", "An amount in million VND, at least 0"),
             "int": ("Số nguyên dương", "A whole number, at least 1"),
             "share": ("Tỷ lệ từ 0 đến 1 (vd. 50%)", "A share from 0 to 1 (e.g. 50%)"),
             "date": ("Một ngày (vd. 2026-01-01)", "A date (e.g. 2026-01-01)"),
             "points": (f"Điểm từ 0 đến {MAX_POINTS}", f"Points from 0 to {MAX_POINTS}")}
    if source is not None:
        dv = DataValidation(type="list", formula1=source, allow_blank=True, errorStyle="warning")
    elif column.kind == "choice":
        dv = DataValidation(type="list", formula1='"' + ",".join(column.choices) + '"', allow_blank=True)
    elif column.kind == "bool":
        dv = DataValidation(type="list", formula1='"' + ",".join(YES_NO) + '"', allow_blank=True)
    elif column.kind == "money":
        # a per-unit cap may also say "không giới hạn" (none): only a warning there
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                            errorStyle="warning" if column.key == "max_state_per_unit" else "stop")
    elif column.kind == "int" and column.key != "year":
        dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="1", allow_blank=True)
    elif column.kind == "share":
        dv = DataValidation(type="decimal", operator="between", formula1="0", formula2="1", allow_blank=True)
    elif column.kind == "points":
        dv = DataValidation(type="decimal", operator="between", formula1="0", formula2=str(MAX_POINTS),
                            allow_blank=True)
    elif column.kind == "list" and column.choices:  # several kinds in a cell: a prompt, not a list
        dv = DataValidation(allow_blank=True, showInputMessage=True, promptTitle=column.key,
                            prompt=", ".join(column.choices)[:250])
        return dv
    elif column.kind == "date":
        dv = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True)
    else:
        return None
    if column.kind in vi_en:
        dv.error = " / ".join(vi_en[column.kind])
        dv.errorTitle = "kgkc-opt"
        dv.showErrorMessage = True
    return dv


def _sources(document: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    declared = document.get("funding_sources")
    if not declared:
        return list(DEFAULT_COST_SOURCES)
    return [(s["id"], *(_text_pair(s["name"]))) for s in declared]


def _cost_values(cost: Mapping[str, Any]) -> dict[str, Any]:
    return {"total": cost.get("total")} | {f"cost.{k}": v for k, v in cost.items() if k not in ("total", "source")}


def _program_sheet(wb: Workbook, document: Mapping[str, Any]) -> None:
    columns = (Column("key", "Mã", "Key", "id", 18), Column("item", "Mục", "Item", "text", 52),
               Column("value", "Giá trị", "Value", "text", 70))
    table = _Table(wb, "program", columns, "CHƯƠNG TRÌNH / PROGRAM",
                   "Tên, giai đoạn và văn bản của chương trình. Ghi ở cột Giá trị; không sửa cột Mã. / The program's "
                   "title, period and document: write in the Value column; leave the Key column as it is.")
    title_vi, title_en = _text_pair(document.get("title"))
    period = document.get("period") or {}
    source = document.get("source") or {}
    document_vi, document_en = _text_pair(source.get("document"))
    values = {"id": document.get("id"), "title_vi": title_vi, "title_en": title_en,
              "province": document.get("province"), "period_start": period.get("start"),
              "period_end": period.get("end"), "document": document_vi, "document_en": document_en,
              "illustrative": source.get("illustrative"),
              "annual_source": (document.get("annual_budget") or {}).get("source"),
              "geography_source": (document.get("geography") or {}).get("source")}
    for field in PROGRAM_FIELDS:
        row = table.add({"key": field.key, "item": f"{field.vi} / {field.en}", "value": values.get(field.key)})
        table.ws.cell(row=row, column=1).font = _font(size=9, colour="808080")
        if field.kind == "int":
            table.ws.cell(row=row, column=3).number_format = "0"  # a year, not 2,026
            dv = DataValidation(type="whole", operator="between", formula1="1900", formula2="2200")
            table.ws.add_data_validation(dv)
            dv.add(f"C{row}")
        elif field.kind == "bool":
            dv = DataValidation(type="list", formula1='"' + ",".join(YES_NO) + '"', allow_blank=True)
            table.ws.add_data_validation(dv)
            dv.add(f"C{row}")
        if field.required:
            table.ws.cell(row=row, column=2).font = _font(bold=True)


def _tasks_sheet(wb: Workbook, document: Mapping[str, Any], sources: list[tuple[str, str, str]]) -> None:
    table = _Table(wb, "tasks", task_columns(sources), "PHỤ LỤC: DANH MỤC NHIỆM VỤ / ANNEX: TASK TABLE",
                   "Đơn vị tính: triệu đồng. Dòng nhóm (I, II, ...): chỉ ghi mã và tên nhóm, không ghi đơn vị, số "
                   "lượng, kinh phí. Số lượng là khoảng: ghi cả tối thiểu và tối đa. Ghi số không có dấu phân cách "
                   "hàng nghìn. / Money in million VND. A group row (I, II, ...) has only the group's id and name. A "
                   "range: write the minimum and the maximum. Type plain numbers.",
                   print_to="partner")  # the printed page: the decision's annex
    groups = {g["id"]: g for g in document.get("groups") or []}
    written: set[str] = set()

    def group_row(gid: str) -> None:
        g = groups[gid]
        name_vi, name_en = _text_pair(g.get("name"))
        short_vi, short_en = _text_pair(g.get("short_name")) if g.get("short_name") is not None else (None, None)
        table.add({"id": gid, "name_vi": name_vi, "name_en": name_en, "short_vi": short_vi, "short_en": short_en,
                   "source": g.get("source")}, bold=True, fill=GROUP_FILL)
        written.add(gid)

    current = None
    for task in document.get("tasks") or []:
        if task.get("group") != current and task.get("group") in groups and task["group"] not in written:
            group_row(task["group"])
        current = task.get("group")
        name_vi, name_en = _text_pair(task.get("name"))
        unit_vi, unit_en = _text_pair(task.get("unit"))
        short_vi, short_en = _text_pair(task["short_name"]) if "short_name" in task else (None, None)
        (lead_vi, lead_en), (partner_vi, partner_en) = _text_pair(task.get("lead")), _text_pair(task.get("partner"))
        low, high = _quantity_pair(task.get("quantity"))
        table.add({"id": task.get("id"), "group": task.get("group"), "name_vi": name_vi, "name_en": name_en,
                   "unit_vi": unit_vi, "unit_en": unit_en, "quantity_min": low, "quantity": high,
                   **_cost_values(task.get("cost") or {}), "years": _years(task.get("years")),
                   "years_text": task.get("years_text"), "lead": lead_vi, "partner": partner_vi,
                   "lead_en": lead_en if lead_en != lead_vi else None,
                   "partner_en": partner_en if partner_en != partner_vi else None,
                   "support_rule": task.get("support_rule"), "short_vi": short_vi, "short_en": short_en,
                   "level": task.get("level"), "areas": ", ".join(task["areas"]) if task.get("areas") else None,
                   "source": task.get("source"), "name_as_printed": task.get("name_as_printed"),
                   "unit_as_printed": task.get("unit_as_printed")})
    for gid in groups:
        if gid not in written:
            group_row(gid)
    rules = f"'{SHEETS['rules']}'!$A${FIRST_ROW}:$A${FIRST_ROW + 300}"
    table.finish({"support_rule": rules})


def _annual_sheet(wb: Workbook, document: Mapping[str, Any], sources: list[tuple[str, str, str]],
                  template: bool) -> None:
    table = _Table(wb, "annual", annual_columns(sources), "KINH PHÍ THỰC HIỆN THEO NĂM / ANNUAL TABLE",
                   "Mỗi năm của giai đoạn một dòng; cột của mỗi nguồn là kế hoạch vốn năm đó (triệu đồng). Hai dòng "
                   f"tổng ở dưới (giữ nguyên nhãn có {STATED_TOTAL} và {PROGRAM_TOTAL}) ghi tổng số như văn bản nêu. / "
                   "One row a year; each source's column is that year's cap (million VND). The two total rows below "
                   "hold the totals the decision states (keep their labels).")
    annual = document.get("annual_budget") or {}
    years = annual.get("years") or ({y: {} for y in TEMPLATE_YEARS} if template else {})
    for year, row in years.items():
        table.add({"year": int(year), **_cost_values(row)})
    stated = annual.get("stated_total")
    table.add({"year": f"Tổng số ghi ở bảng năm / Total the annual table states {STATED_TOTAL}",
               **_cost_values(stated or {})}, bold=True, fill=TOTAL_FILL)
    program_total = document.get("stated_totals")
    table.add({"year": f"Tổng kinh phí chương trình ghi trong văn bản / Program total as stated {PROGRAM_TOTAL}",
               **_cost_values(program_total or {}), "source": (program_total or {}).get("source")},
              bold=True, fill=TOTAL_FILL)
    for row in (table.row - 2, table.row - 1):
        table.ws.cell(row=row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    table.finish()


def _rules_sheet(wb: Workbook, document: Mapping[str, Any]) -> None:
    table = _Table(wb, "rules", RULE_COLUMNS, "ĐỊNH MỨC HỖ TRỢ / SUPPORT RULES (legal caps)",
                   "Mỗi nội dung hỗ trợ một dòng; nếu định mức thay đổi trong giai đoạn, ghi thay đổi ở dòng ngay "
                   "dưới, cùng mã, không ghi tên, với ngày hiệu lực. Mức tối đa/đơn vị trống hoặc 'không giới hạn': "
                   "không giới hạn. / One row a rule; a change during the period goes on the row under it, with the "
                   "same id, no name, and its date. An empty per-unit cap, or 'không giới hạn', is no cap.")
    for rid, rule in (document.get("support_rules") or {}).items():
        versions = [rule, *(rule.get("changes") or [])]
        for i, version in enumerate(versions):
            name_vi, name_en = _text_pair(rule.get("name")) if i == 0 else (None, None)
            cap = version.get("max_state_per_unit", "absent")
            table.add({"id": rid, "name_vi": name_vi, "name_en": name_en,
                       "max_state_share": version.get("max_state_share"),
                       "max_state_per_unit": "không giới hạn" if cap is None else None if cap == "absent" else cap,
                       "citation": version.get("citation"), "confidence": version.get("confidence"),
                       "authority": version.get("authority"), "jurisdiction": version.get("jurisdiction"),
                       "valid_from": _date(version.get("valid_from")), "valid_to": _date(version.get("valid_to"))})
    table.finish()


def _date(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _simple_sheets(wb: Workbook, document: Mapping[str, Any]) -> None:
    """Targets, cadences, links."""
    task_ids = f"'{SHEETS['tasks']}'!$A${FIRST_ROW}:$A${FIRST_ROW + 500}"
    table = _Table(wb, "targets", TARGET_COLUMNS, "MỤC TIÊU CỤ THỂ / SPECIFIC TARGETS",
                   "Mỗi mục tiêu của văn bản một dòng, với các nhiệm vụ nó tính (mã, cách nhau bởi dấu phẩy). / One "
                   "row a target of the decision's text, with the tasks it counts (ids, comma-separated).")
    for target in document.get("targets") or []:
        text_vi, text_en = _text_pair(target.get("text"))
        low, high = _quantity_pair(target.get("quantity"))
        table.add({"id": target.get("id"), "text_vi": text_vi, "text_en": text_en,
                   "qualifier": target.get("qualifier"), "quantity_min": low, "quantity": high,
                   "tasks": ", ".join(target.get("tasks") or []), "unit_matches": target.get("unit_matches"),
                   "source": target.get("source")})
    table.finish()
    structure = document.get("structure") or {}
    table = _Table(wb, "cadences", CADENCE_COLUMNS, "NHỊP ĐỘ THỰC HIỆN / CADENCES",
                   "Nhiệm vụ không ghi ở đây được chia đều theo năm (even). / A task not listed here is spread evenly.")
    for tid, value in (structure.get("cadence") or {}).items():
        cadence, source = (value.get("cadence"), value.get("source")) if isinstance(value, Mapping) else (value, None)
        table.add({"task": tid, "cadence": cadence, "source": source})
    table.finish({"task": task_ids})
    table = _Table(wb, "links", LINK_COLUMNS, "NHIỆM VỤ ĐI THEO NHAU / LINKED TASKS",
                   "Nhiệm vụ đi theo chỉ thực hiện trong năm có nhiệm vụ dẫn (vd. chi thưởng trong năm bình chọn). / "
                   "A following task runs only in years of its leading task (prizes in the year of the award round).")
    for link in structure.get("links") or []:
        text_vi, text_en = _text_pair(link.get("text"))
        table.add({"id": link.get("id"), "task": link.get("task"), "with": link.get("with"),
                   "per_unit": link.get("per_unit"), "source": link.get("source"), "text_vi": text_vi,
                   "text_en": text_en})
    table.finish({"task": task_ids, "with": task_ids})


def _other_sheets(wb: Workbook, document: Mapping[str, Any]) -> None:
    """Relations, source notes, geography."""
    table = _Table(wb, "relations", RELATION_COLUMNS, "QUAN HỆ GIỮA CÁC NHIỆM VỤ / RELATIONS",
                   "Tổng số lượng vế trái so với vế phải (<=, >=, =); rà soát kiểm tra, bắt buộc khi lập kế hoạch nếu "
                   "ghi 'có'. / The left side's total quantity against the right side's; checked by the audit, "
                   "enforced when planning if 'có'.")
    for relation in document.get("relations") or []:
        text_vi, text_en = _text_pair(relation.get("text"))
        op = relation.get("relation")
        table.add({"id": relation.get("id"), "left": ", ".join(relation.get("left") or []),
                   "relation": "=" if op == "==" else op, "right": ", ".join(relation.get("right") or []),
                   "text_vi": text_vi, "text_en": text_en, "enforce": relation.get("enforce"),
                   "source": relation.get("source")})
    table.finish()
    table = _Table(wb, "notes", NOTE_COLUMNS, "GHI CHÚ VỀ VĂN BẢN / SOURCE NOTES",
                   "Sai sót, điểm chưa rõ của văn bản gốc, và những gì đã làm khi ghi lại. / Misprints and unclear "
                   "points of the source text, and what was done about them.")
    for note in document.get("source_notes") or []:
        text_vi, text_en = _text_pair(note.get("text"))
        table.add({"source": note.get("source") or None, "text_vi": text_vi, "text_en": text_en,
                   "severity": note.get("severity")})
    table.finish()
    table = _Table(wb, "geography", GEOGRAPHY_COLUMNS, "ĐỊA BÀN / GEOGRAPHY (sau 01/7/2025)",
                   "Vùng (region) và đơn vị hành chính cấp xã: xã (commune), phường (ward), đặc khu (special_zone). "
                   "/ Regions and commune-level units.")
    geography = document.get("geography") or {}
    for region in geography.get("regions") or []:
        name_vi, name_en = _text_pair(region.get("name"))
        table.add({"kind": "region", "id": region.get("id"), "name_vi": name_vi, "name_en": name_en,
                   "source": region.get("source")})
    for unit in geography.get("units") or []:
        name_vi, name_en = _text_pair(unit.get("name"))
        table.add({"kind": unit.get("kind"), "id": unit.get("id"), "name_vi": name_vi, "name_en": name_en,
                   "region": unit.get("region"), "formerly": unit.get("formerly"), "source": unit.get("source")})
    table.finish()


def _conditions(prefix: str, conditions: Mapping[str, Any] | None) -> dict[str, Any]:
    return {f"{prefix}.{field}": ", ".join(value) if isinstance(value, list) else value
            for field, value in (conditions or {}).items()}


def _eligibility_sheet(wb: Workbook, document: Mapping[str, Any]) -> None:
    table = _Table(wb, "eligibility", ELIGIBILITY_COLUMNS, "ĐỐI TƯỢNG VÀ ƯU TIÊN / ELIGIBILITY AND PRIORITY",
                   "Mỗi khoản một dòng. Tên, căn cứ, ngày hiệu lực của bộ quy tắc ghi ở dòng đầu; các khoản tiếp theo "
                   "ghi ngay dưới, cùng mã, để trống các ô đó. Có điểm ưu tiên: khoản ưu tiên; không có: điều kiện bắt "
                   "buộc (đủ điều kiện nếu một trong các cột any.* đúng). / One row a clause; the pack's own cells on "
                   "its first row, its next clauses under it with the same id. With points: a priority; without: a "
                   "requirement (eligible if one of the any.* columns holds).")
    for pack in document.get("eligibility") or []:
        name_vi, name_en = _text_pair(pack.get("name"))
        first = {"name_vi": name_vi, "name_en": name_en, "valid_from": _date(pack.get("valid_from")),
                 "valid_to": _date(pack.get("valid_to"))} | {
            k: pack.get(k) for k in ("citation", "authority", "jurisdiction", "province_kind", "illustrative",
                                     "confidence")}
        for clause in pack.get("clauses") or []:
            text_vi, text_en = _text_pair(clause["text"]) if clause.get("text") is not None else (None, None)
            table.add(first | {"id": pack.get("id"), "clause": clause.get("clause"), "text_vi": text_vi,
                               "text_en": text_en, "priority": clause.get("priority"),
                               **_conditions("any", clause.get("require_any") or clause.get("if_any")),
                               **_conditions("when", clause.get("when"))})
            first = {}
    table.finish()


def _sources_sheet(wb: Workbook, document: Mapping[str, Any]) -> None:
    table = _Table(wb, "sources", SOURCE_COLUMNS, "NGUỒN VỐN / FUNDING SOURCES",
                   "Mỗi nguồn một dòng; mỗi nguồn có một cột kinh phí ở trang Nhiệm vụ và trang Kinh phí năm (mã cột "
                   "cost.<mã nguồn>). Đúng một nguồn local và một nguồn enterprise. Để trống cả trang: hai cột Vốn NS "
                   "(state) và Vốn khác (other) như QĐ 2021–2025. / One row a source, each with a money column "
                   "(key cost.<id>) on the task and annual sheets; exactly one local and one enterprise source. "
                   "Empty: the two columns state and other of a 2021–2025 decision.")
    for source in document.get("funding_sources") or []:
        name_vi, name_en = _text_pair(source.get("name"))
        table.add({"id": source.get("id"), "name_vi": name_vi, "name_en": name_en, "kind": source.get("kind"),
                   "source": source.get("source")})
    table.finish()


def program_workbook(document: Mapping[str, Any] | None = None) -> Workbook:
    """The workbook of a program document, or the empty template (``None``)."""
    template = document is None
    if document is None:
        document = {"funding_sources": TEMPLATE_SOURCES, "period": {"start": TEMPLATE_YEARS[0],
                                                                    "end": TEMPLATE_YEARS[-1]}}
    wb = Workbook()
    instructions_sheet(wb.worksheets[0], template=template)
    sources = _sources(document)
    _program_sheet(wb, document)
    _sources_sheet(wb, document)
    _tasks_sheet(wb, document, sources)
    _annual_sheet(wb, document, sources, template)
    _rules_sheet(wb, document)
    _eligibility_sheet(wb, document)
    _simple_sheets(wb, document)
    _other_sheets(wb, document)
    wb.properties.creator = "kgkc-opt"
    title = document.get("title")
    wb.properties.title = _text_pair(title)[0] if title is not None else "Chương trình khuyến công (mẫu)"
    return wb


def workbook_bytes(document: Mapping[str, Any] | None = None) -> bytes:
    """The .xlsx file of ``program_workbook(document)``, the same bytes for the same program."""
    buffer = io.BytesIO()
    program_workbook(document).save(buffer)
    return stable_zip(buffer.getvalue())


def write_program_workbook(document: Mapping[str, Any] | None, path: str | Path, *, force: bool = False) -> Path:
    """Write the workbook (or the template) to ``path`` (.xlsx), atomically."""
    check_file(path, suffixes=(".xlsx",), kind="the program workbook is written as .xlsx", force=force)
    return write_file(path, workbook_bytes(document), force=force)


__all__ = ["program_workbook", "put", "workbook_bytes", "write_program_workbook"]

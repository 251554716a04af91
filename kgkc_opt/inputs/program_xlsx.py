"""A program drafted in an Excel workbook (``kgkc-opt program template`` / ``import``), read back as
a program document.

The workbook has the decision's annex layout, one sheet per part of a program file
(docs/program-format.md, "Drafting a program in Excel"): the program's title and period, its funding
sources, the task table (group rows, units, quantities or ranges, cost per source, years), the
annual table per source, the targets, the support rules (a rule's later versions on the rows
under it), the eligibility rule packs (``inputs.program_xlsx_eligibility``), cadences, links,
relations, source notes and geography. ``SHEETS`` and the column lists
are the layout: ``report.program_workbook`` writes it, this module reads it.

Every table sheet has a header row (Vietnamese and English) and, under it, a row of column keys
(``id``, ``name_vi``, ``cost.local``, ...): columns are found by their key, so a planner may move
them or add columns of their own (a column without a key is not read). Data starts under the keys.
A row with nothing in it is skipped.

``program_document_from_xlsx(raw, label, lang)`` reads the bytes of a workbook into a program
document (plain data, as a YAML file holds), checks it with ``program_from_dict`` and returns the
``Program`` with its document; every problem, the workbook's own (a number typed for a task id, a
date where a year range was meant, an unknown column key) and the format's, is collected and
raised together as a ``ProgramError``, each at its sheet and cell, in the run's language
(``trang 'Nhiệm vụ - Tasks', ô F12 (tasks[II.1].cost.local)``), the format's key path beside it.
Numbers are read exactly: a numeric cell is its shortest decimal (4192.2, never 4192.1999...), and
is never taken for Vietnamese thousands (4.658 in a numeric cell is the decimal).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kgkc_opt.errors import Problem, ProgramError
from kgkc_opt.inputs.files import MAX_XLSX_UNPACKED, read_bytes
from kgkc_opt.inputs.program import FORMAT, Program
from kgkc_opt.inputs.program_reader import program_from_dict
from kgkc_opt.inputs.program_xlsx_eligibility import eligibility_packs
from kgkc_opt.inputs.program_xlsx_layout import (
    CADENCE_COLUMNS,
    ELIGIBILITY_COLUMNS,
    FIRST_ROW,
    GEOGRAPHY_COLUMNS,
    KEY_ROW,
    LINK_COLUMNS,
    MAX_COLUMNS,
    MAX_ROWS,
    NO,
    NOTE_COLUMNS,
    PROGRAM_FIELDS,
    PROGRAM_TOTAL,
    RELATION_COLUMNS,
    REQUIRED_SHEETS,
    RULE_COLUMNS,
    SHEETS,
    SOURCE_COLUMNS,
    STATED_TOTAL,
    TARGET_COLUMNS,
    YES,
    Column,
    _t,
    annual_columns,
    fold,
    task_columns,
)
from kgkc_opt.inputs.reader import WrittenFloat, ambiguous_hint
from kgkc_opt.words import say


def cell_value(value: Any) -> Any:
    """A cell's value as a program document holds it: text stripped and NFC (empty: None); a
    whole number an ``int``; another number a ``WrittenFloat`` whose text is its shortest decimal
    (a numeric cell is never Vietnamese thousands: 4.658 is written '4.6580'); a date a date."""
    if value is None:
        return None
    if isinstance(value, str):
        text = unicodedata.normalize("NFC", value).strip()
        return text or None
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return repr(value)
        if value.is_integer() and abs(value) < 1e15:
            return int(value)
        text = repr(value)
        return WrittenFloat(value, text + "0" if ambiguous_hint(text) else text)
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time(0) else value
    return value


class _Sheet:
    """One table sheet read: its column keys (by column letter) and its data rows."""

    def __init__(self, reader: WorkbookReader, role: str, title: str, rows: list[tuple[Any, ...]]):
        self.reader, self.role, self.title = reader, role, title
        self.keys: dict[int, str] = {}
        self.rows: list[tuple[int, dict[str, Any]]] = []
        firsts = ("id", "key", "year", "task", "kind", "source")
        key_row = next((i for i, row in enumerate(rows[:10])
                        if any(isinstance(v, str) and v.strip() in firsts for v in row[:3])), None)
        if key_row is None:
            reader.problem(
                self.where(f"A{KEY_ROW}"),
                say(
                    "no row of column keys (the row under the header, "
                    "e.g. id, name_vi); get a fresh template with "
                    "kgkc-opt program template",
                    reader.lang,
                ),
            )
            return
        for j, key in enumerate(rows[key_row]):
            if isinstance(key, str) and key.strip():
                name = key.strip()
                if name in self.keys.values():
                    reader.problem(
                        self.where(f"{_letter(j)}{key_row + 1}"),
                        say("the column key {name!r} is given twice", reader.lang).format(name=name),
                    )
                    continue
                self.keys[j] = name
        for i, row in enumerate(rows[key_row + 1:], start=key_row + 2):
            values = {key: cell_value(row[j]) if j < len(row) else None for j, key in self.keys.items()}
            if any(v is not None for v in values.values()):
                self.rows.append((i, values))
        self.key_line = key_row + 1

    def where(self, ref: str) -> str:
        return say("sheet '{title}', cell {ref}", self.reader.lang).format(title=self.title, ref=ref)

    def cell(self, row: int, key: str) -> str:
        column = next((j for j, k in self.keys.items() if k == key), None)
        return self.where(f"{_letter(column) if column is not None else 'A'}{row}")

    def check_keys(self, allowed: list[str], prefix_ok: tuple[str, ...] = ()) -> None:
        for j, key in self.keys.items():
            if key not in allowed and not key.startswith(prefix_ok):
                self.reader.problem(
                    self.where(f"{_letter(j)}{self.key_line}"),
                    say("unknown column key {key!r}; the keys are: {join}", self.reader.lang).format(
                        key=key, join=", ".join(allowed)
                    ),
                )


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


class WorkbookReader:
    """Reads the sheets of a program workbook into a program document, remembering the cell of
    every key path (``tasks[II.1].cost.local`` -> its cell) to place the format's problems."""

    def __init__(self, label: str, lang: str):
        self.label, self.lang = label, lang
        self.problems: list[Problem] = []
        self.cells: dict[str, str] = {}

    def problem(self, where: str, message: str) -> None:
        self.problems.append(Problem(self.label, where, message))

    def locate(self, path: str) -> str:
        """The cell of a key path, or of its nearest parent that has one, with the path beside it."""
        probe = path
        while probe:
            if probe in self.cells:
                return f"{self.cells[probe]} ({path})" if path else self.cells[probe]
            cut = max(probe.rfind("."), probe.rfind("["))
            probe = probe[:cut] if cut > 0 else ""
        return path


def _open(raw: bytes, reader: WorkbookReader) -> Any:
    """The openpyxl workbook of ``raw``, checked: a zip that does not unpack to gigabytes."""
    import openpyxl  # (imported here: only a workbook needs it)

    unreadable = say(
        "is not a readable .xlsx workbook (the file is damaged, or not a workbook); save it again as .xlsx", reader.lang
    )
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise ProgramError(
            [
                Problem(
                    reader.label,
                    "",
                    say("is an Excel 97–2003 workbook (.xls); save it as .xlsx (Excel Workbook)", reader.lang),
                )
            ]
        )
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ProgramError([Problem(reader.label, "", unreadable)]) from None
    if unpacked > MAX_XLSX_UNPACKED:
        raise ProgramError(
            [
                Problem(
                    reader.label,
                    "",
                    say(
                        "unpacks to {unpacked:,} bytes; a program workbook is limited to {MAX_XLSX_UNPACKED:,}",
                        reader.lang,
                    ).format(unpacked=unpacked, MAX_XLSX_UNPACKED=MAX_XLSX_UNPACKED),
                )
            ]
        )
    try:
        return openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged or foreign file
        raise ProgramError([Problem(reader.label, "", unreadable)]) from None


def _sheets(book: Any, reader: WorkbookReader) -> dict[str, _Sheet]:
    """The table sheets of the workbook, by role (a missing optional sheet is absent)."""
    by_name: dict[str, Any] = {}
    for ws in book.worksheets:
        names = {fold(ws.title), *(fold(part) for part in ws.title.split(" - "))}
        for role, title in SHEETS.items():
            if fold(title) in names or any(fold(part) in names for part in title.split(" - ")):
                by_name.setdefault(role, ws)
    out: dict[str, _Sheet] = {}
    for role in SHEETS:
        if role == "instructions":
            continue
        ws = by_name.get(role)
        if ws is None:
            if role in REQUIRED_SHEETS:
                reader.problem("", say("the sheet '{SHEETS}' is missing", reader.lang).format(SHEETS=SHEETS[role]))
            continue
        rows: list[tuple[Any, ...]] = []
        for number, row in enumerate(ws.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
            if number > MAX_ROWS:
                if any(v is not None for v in row):
                    where = say("sheet '{title}'", reader.lang).format(title=ws.title)
                    reader.problem(where, say("has more than {MAX_ROWS:,} rows", reader.lang).format(MAX_ROWS=MAX_ROWS))
                break
            rows.append(tuple(row))
        out[role] = _Sheet(reader, role, ws.title, rows)
    return out


def _text(vi: Any, en: Any) -> Any:
    """A bilingual label from two cells: one string when English is empty or the same."""
    if vi is None and en is None:
        return None
    if en is None or en == vi:
        return str(vi) if not isinstance(vi, str) else vi
    if vi is None:
        return {"en": en}
    return {"vi": str(vi) if not isinstance(vi, str) else vi, "en": en}


def _bool(value: Any, where: str, reader: WorkbookReader) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | str) and fold(str(value)) in YES:
        return True
    if isinstance(value, int | str) and fold(str(value)) in NO:
        return False
    return value  # (the format says what it expects, at this cell)


def _list(value: Any) -> Any:
    """Ids separated by commas (or semicolons, or new lines) -> a list of text."""
    if value is None:
        return None
    parts = re.split(r"[,;\n]", str(value))
    return [p.strip() for p in parts if p.strip()]


def _years(value: Any, where: str, reader: WorkbookReader) -> Any:
    """Years as the format reads them: "annual"/"Hàng năm", a range text, a year, "2026, 2028" -> a list."""
    if isinstance(value, dt.date | dt.datetime):
        reader.problem(
            where,
            say(
                "Excel turned this cell into a date; format the cell as Text and type it again, e.g. 2026-2030",
                reader.lang,
            ),
        )
        return None
    if isinstance(value, str) and re.fullmatch(r"\s*[0-9]{4}\s*([,;]\s*[0-9]{4}\s*)+", value):
        return [int(y) for y in re.split(r"[,;]", value)]
    return value


def _id(value: Any, where: str, reader: WorkbookReader) -> Any:
    """An id cell: text; a number is refused (Excel turns 2.10 into 2.1)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        reader.problem(
            where,
            say(
                "the id {value} is a number in Excel (2.10 becomes 2.1); format the cell as Text and type the id again",
                reader.lang,
            ).format(value=value),
        )
        return str(value)
    return str(value)


def _record(reader: WorkbookReader, sheet: _Sheet, row: int, path: str, fields: dict[str, str]) -> None:
    """Remember the cells of a record: the row at ``path``, each key path at its column's cell."""
    reader.cells[path] = sheet.cell(row, next(iter(sheet.keys.values()), "id"))
    for sub, key in fields.items():
        reader.cells[f"{path}.{sub}" if sub else path] = sheet.cell(row, key)


def _rows(sheet: _Sheet | None) -> Iterator[tuple[int, dict[str, Any]]]:
    return iter(sheet.rows if sheet is not None else [])


def _convert(sheet: _Sheet, row: int, values: dict[str, Any], columns: list[Column] | tuple[Column, ...],
             reader: WorkbookReader) -> dict[str, Any]:
    """The cells of a row converted by their column's kind (ids to text, yes/no, lists, years)."""
    kinds = {c.key: c.kind for c in columns}
    out = dict(values)
    for key, value in values.items():
        kind = kinds.get(key, "money" if key.startswith("cost.") else "text")
        if value is None:
            continue
        where = sheet.cell(row, key)
        if kind == "id":
            out[key] = _id(value, where, reader)
        elif kind == "bool":
            out[key] = _bool(value, where, reader)
        elif kind == "list":
            out[key] = _list(value)
        elif kind == "years":
            out[key] = _years(value, where, reader)
        elif kind == "text" and isinstance(value, int | float) and not isinstance(value, bool):
            out[key] = str(value)
        elif kind == "text" and isinstance(value, dt.date | dt.datetime):
            out[key] = value.isoformat()
    return out


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        target[key] = value


def _program_sheet(sheet: _Sheet, reader: WorkbookReader) -> dict[str, Any]:
    """The key–value sheet: key in the column keyed ``key``, value in the column keyed ``value``."""
    values: dict[str, Any] = {}
    known = [c.key for c in PROGRAM_FIELDS]
    for row, cells in sheet.rows:
        key = cells.get("key")
        if key is None:
            continue
        if key not in known:
            reader.problem(
                sheet.cell(row, "key"),
                say("unknown item {key!r}; the items are: {join}", reader.lang).format(key=key, join=", ".join(known)),
            )
            continue
        column = next(c for c in PROGRAM_FIELDS if c.key == key)
        value = _convert(sheet, row, {"value": cells.get("value")}, [Column("value", "", "", column.kind)],
                         reader)["value"]
        values[key] = value
        reader.cells[{"id": "id", "title_vi": "title", "title_en": "title.en", "province": "province",
                      "period_start": "period.start", "period_end": "period.end", "document": "source.document",
                      "document_en": "source.document.en",
                      "illustrative": "source.illustrative", "annual_source": "annual_budget.source",
                      "geography_source": "geography.source"}[key]] = sheet.cell(row, "value")
    if "title_vi" in values:
        reader.cells["title.vi"] = reader.cells["title"]
    if "document" in values:
        reader.cells["source.document.vi"] = reader.cells["source.document"]
    return values


_TASK_FIELDS = {"id": "id", "group": "group", "name": "name_vi", "name.vi": "name_vi", "name.en": "name_en",
                "unit": "unit_vi", "unit.vi": "unit_vi", "unit.en": "unit_en", "quantity": "quantity",
                "quantity.max": "quantity", "quantity.min": "quantity_min", "cost": "total", "cost.total": "total",
                "years": "years", "years_text": "years_text", "lead": "lead", "partner": "partner",
                "lead.vi": "lead", "lead.en": "lead_en", "partner.vi": "partner", "partner.en": "partner_en",
                "support_rule": "support_rule", "short_name": "short_vi", "short_name.vi": "short_vi",
                "short_name.en": "short_en", "level": "level", "areas": "areas", "source": "source",
                "name_as_printed": "name_as_printed", "unit_as_printed": "unit_as_printed"}
_GROUP_KEYS = ("id", "name_vi", "name_en", "short_vi", "short_en", "source")


def _cost(values: dict[str, Any]) -> dict[str, Any]:
    cost = {"total": values.get("total")} if values.get("total") is not None else {}
    return cost | {k[5:]: v for k, v in values.items() if k.startswith("cost.") and v is not None}


def _cost_fields(sheet: _Sheet) -> dict[str, str]:
    return {"total": "total"} | {k[5:]: k for k in sheet.keys.values() if k.startswith("cost.")}


def _group_row(values: dict[str, Any]) -> bool:
    """A group row names a group only: no group of its own, no unit, quantity or money."""
    return values.get("group") is None and all(
        v is None for k, v in values.items() if k in ("unit_vi", "unit_en", "quantity", "quantity_min", "total")
        or k.startswith("cost."))


def _tasks(sheet: _Sheet, reader: WorkbookReader) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The groups (group rows) and tasks of the task sheet, in the sheet's order."""
    columns = task_columns([])
    sheet.check_keys([c.key for c in columns], ("cost.",))
    groups: list[dict[str, Any]] = []
    tasks: list[dict[str, Any]] = []
    current = None
    for row, cells in sheet.rows:
        v = _convert(sheet, row, cells, columns, reader)
        if _group_row(v):
            extra = [k for k, x in v.items() if x is not None and k not in _GROUP_KEYS]
            if extra:
                reader.problem(
                    sheet.cell(row, extra[0]),
                    say(
                        "a group row (no unit, quantity or money) "
                        "holds the group's id, name, short name and "
                        "reference only; a task row needs its unit, "
                        "quantity and cost",
                        reader.lang,
                    ),
                )
            group: dict[str, Any] = {}
            for key, value in (("id", v.get("id")), ("source", v.get("source")),
                               ("name", _text(v.get("name_vi"), v.get("name_en"))),
                               ("short_name", _text(v.get("short_vi"), v.get("short_en")))):
                _put(group, key, value)
            path = f"groups[{len(groups)}]"
            _record(reader, sheet, row, path, {"id": "id", "name": "name_vi", "name.vi": "name_vi",
                                                "name.en": "name_en", "short_name": "short_vi",
                                                "short_name.vi": "short_vi", "short_name.en": "short_en",
                                                "source": "source"})
            groups.append(group)
            current = v.get("id")
            continue
        task: dict[str, Any] = {}
        quantity: Any = v.get("quantity")
        if v.get("quantity_min") is not None:
            quantity = {"min": v["quantity_min"]} | ({"max": quantity} if quantity is not None else {})
        for key, value in (("id", v.get("id")), ("group", v.get("group") or current), ("source", v.get("source")),
                           ("name", _text(v.get("name_vi"), v.get("name_en"))),
                           ("short_name", _text(v.get("short_vi"), v.get("short_en"))),
                           ("name_as_printed", v.get("name_as_printed")),
                           ("unit", _text(v.get("unit_vi"), v.get("unit_en"))),
                           ("unit_as_printed", v.get("unit_as_printed")), ("quantity", quantity),
                           ("cost", _cost(v)), ("years", v.get("years")), ("years_text", v.get("years_text")),
                           ("lead", _text(v.get("lead"), v.get("lead_en"))),
                           ("partner", _text(v.get("partner"), v.get("partner_en"))),
                           ("support_rule", v.get("support_rule")), ("level", v.get("level")),
                           ("areas", v.get("areas"))):
            _put(task, key, value)
        fields = _TASK_FIELDS | {f"cost.{k}": c for k, c in _cost_fields(sheet).items()}
        _record(reader, sheet, row, f"tasks[{len(tasks)}]", fields)
        if isinstance(task.get("id"), str):
            _record(reader, sheet, row, f"tasks[{task['id']}]", fields)
        tasks.append(task)
    return groups, tasks


def _annual(sheet: _Sheet | None, reader: WorkbookReader, source: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The annual table (``annual_budget``) and the program's stated totals (``stated_totals``)."""
    annual: dict[str, Any] = {}
    _put(annual, "source", source)
    years: dict[int, Any] = {}
    stated: dict[str, Any] = {}
    if sheet is None:
        return annual | {"years": years}, stated
    sheet.check_keys([c.key for c in annual_columns([])], ("cost.",))
    fields = _cost_fields(sheet)
    for row, cells in sheet.rows:
        v = _convert(sheet, row, cells, annual_columns([]), reader)
        label = v.get("year")
        if isinstance(label, int) and not isinstance(label, bool):
            if label in years:
                reader.problem(
                    sheet.cell(row, "year"), say("year {label} is listed twice", reader.lang).format(label=label)
                )
                continue
            if v.get("source") is not None:
                reader.problem(
                    sheet.cell(row, "source"),
                    say("the annual table's reference goes on the Program sheet (annual_source)", reader.lang),
                )
            years[label] = _cost(v)
            _record(reader, sheet, row, f"annual_budget.years.{label}", {"": "year"} | fields)
        elif isinstance(label, str) and (STATED_TOTAL in label or PROGRAM_TOTAL in label) and not _cost(v) \
                and v.get("source") is None:
            continue  # a total the decision does not state
        elif isinstance(label, str) and STATED_TOTAL in label:
            annual["stated_total"] = _cost(v)
            _record(reader, sheet, row, "annual_budget.stated_total", fields)
        elif isinstance(label, str) and PROGRAM_TOTAL in label:
            stated = _cost(v)
            _put(stated, "source", v.get("source"))
            _record(reader, sheet, row, "stated_totals", fields | {"source": "source"})
        else:
            reader.problem(
                sheet.cell(row, "year"),
                say(
                    "expected a year (e.g. 2026) or a total row {STATED_TOTAL}/{PROGRAM_TOTAL}, got {label!r}",
                    reader.lang,
                ).format(STATED_TOTAL=STATED_TOTAL, PROGRAM_TOTAL=PROGRAM_TOTAL, label=label),
            )
    annual["years"] = years
    return annual, stated


def _no_cap(value: Any) -> Any:
    """A per-unit cap: empty or "không giới hạn" / "none" is no cap (None)."""
    if value is None or (isinstance(value, str) and fold(value) in ("khong gioi han", "none", "no cap", "khong", "-")):
        return None
    return value


def _rules(sheet: _Sheet | None, reader: WorkbookReader) -> dict[str, Any]:
    """The support rules; rows repeating the id of the rule above are its later versions."""
    rules: dict[str, Any] = {}
    if sheet is None:
        return rules
    sheet.check_keys([c.key for c in RULE_COLUMNS])
    keys = ("max_state_share", "max_state_per_unit", "citation", "confidence", "authority", "jurisdiction",
            "valid_from", "valid_to")
    last = None
    for row, cells in sheet.rows:
        v = _convert(sheet, row, cells, RULE_COLUMNS, reader)
        rid = v.get("id")
        version: dict[str, Any] = {k: v[k] for k in keys if v.get(k) is not None}
        version["max_state_per_unit"] = _no_cap(v.get("max_state_per_unit"))
        fields = {k: k for k in keys}
        if rid is not None and rid == last:
            if version["max_state_per_unit"] is None and v.get("max_state_per_unit") is None:
                del version["max_state_per_unit"]  # (an empty cell: as the version before)
            changes = rules[rid].setdefault("changes", [])
            if v.get("name_vi") is not None or v.get("name_en") is not None:
                reader.problem(
                    sheet.cell(row, "name_vi"),
                    say(
                        "a later version of a rule has no name of its own (the name is on the rule's first row)",
                        reader.lang,
                    ),
                )
            _record(reader, sheet, row, f"support_rules.{rid}.changes[{len(changes)}]", fields)
            changes.append(version)
            continue
        if rid is None:
            rid = f"?{row}"
            reader.problem(sheet.cell(row, "id"), say("the rule's id is missing", reader.lang))
        elif rid in rules:
            reader.problem(
                sheet.cell(row, "id"),
                say(
                    "rule {rid!r} is listed above; its later versions go on the rows right under its first row",
                    reader.lang,
                ).format(rid=rid),
            )
            last = None
            continue
        name = _text(v.get("name_vi"), v.get("name_en"))
        rules[rid] = ({"name": name} if name is not None else {}) | version
        _record(reader, sheet, row, f"support_rules.{rid}", fields | {"name": "name_vi", "name.vi": "name_vi",
                                                                      "name.en": "name_en"})
        last = rid
    return rules


def _table(sheet: _Sheet | None, reader: WorkbookReader, columns: tuple[Column, ...],
           ) -> Iterator[tuple[int, dict[str, Any]]]:
    if sheet is None:
        return
    sheet.check_keys([c.key for c in columns])
    for row, cells in sheet.rows:
        yield row, _convert(sheet, row, cells, columns, reader)


def _items(sheet: _Sheet | None, reader: WorkbookReader, columns: tuple[Column, ...], path: str,
           build: Any, fields: dict[str, str]) -> list[dict[str, Any]]:
    """The rows of a simple table sheet, each ``build(values)``, with their cells at ``path[i]``."""
    out: list[dict[str, Any]] = []
    for row, v in _table(sheet, reader, columns):
        item = {k: x for k, x in build(v).items() if x is not None}
        assert sheet is not None
        _record(reader, sheet, row, f"{path}[{len(out)}]", fields)
        out.append(item)
    return out


_TEXT_FIELDS = {"text": "text_vi", "text.vi": "text_vi", "text.en": "text_en"}


def _relation(v: dict[str, Any]) -> dict[str, Any]:
    op = v.get("relation")
    return {"id": v.get("id"), "source": v.get("source"), "left": v.get("left"),
            "relation": "==" if op == "=" else op, "right": v.get("right"),
            "text": _text(v.get("text_vi"), v.get("text_en")), "enforce": v.get("enforce")}


def _structure(sheets: dict[str, _Sheet], reader: WorkbookReader) -> dict[str, Any]:
    cadence: dict[str, Any] = {}
    sheet = sheets.get("cadences")
    for row, v in _table(sheet, reader, CADENCE_COLUMNS):
        assert sheet is not None
        tid = v.get("task")
        if not isinstance(tid, str):
            reader.problem(sheet.cell(row, "task"), say('the task id is missing', reader.lang))
            continue
        if tid in cadence:
            reader.problem(sheet.cell(row, "task"), say('task {tid} has two cadence rows', reader.lang).format(tid=tid))
            continue
        value = v.get("cadence")
        cadence[tid] = {"cadence": value, "source": v["source"]} if v.get("source") is not None else value
        _record(reader, sheet, row, f"structure.cadence.{tid}", {"cadence": "cadence", "source": "source"})
    links = _items(sheets.get("links"), reader, LINK_COLUMNS, "structure.links", lambda v: {
        "id": v.get("id"), "task": v.get("task"), "with": v.get("with"), "per_unit": v.get("per_unit"),
        "source": v.get("source"), "text": _text(v.get("text_vi"), v.get("text_en"))},
        {k: k for k in ("id", "task", "with", "per_unit", "source")} | _TEXT_FIELDS)
    return ({"cadence": cadence} if cadence else {}) | ({"links": links} if links else {})


def _geography(sheet: _Sheet | None, reader: WorkbookReader, source: Any) -> dict[str, Any] | None:
    regions: list[dict[str, Any]] = []
    units: list[dict[str, Any]] = []
    fields = {"id": "id", "name": "name_vi", "name.vi": "name_vi", "name.en": "name_en", "kind": "kind",
              "region": "region", "formerly": "formerly", "source": "source"}
    for row, v in _table(sheet, reader, GEOGRAPHY_COLUMNS):
        assert sheet is not None
        item = {k: x for k, x in (("id", v.get("id")), ("name", _text(v.get("name_vi"), v.get("name_en"))),
                                  ("source", v.get("source"))) if x is not None}
        if v.get("kind") == "region":
            _record(reader, sheet, row, f"geography.regions[{len(regions)}]", fields)
            regions.append(item)
        else:
            extra = {k: x for k, x in (("kind", v.get("kind")), ("region", v.get("region")),
                                       ("formerly", v.get("formerly"))) if x is not None}
            _record(reader, sheet, row, f"geography.units[{len(units)}]", fields)
            units.append(item | extra)
    if not regions and not units and source is None:
        return None
    return {k: x for k, x in (("source", source), ("regions", regions), ("units", units)) if x}


def _eligibility(sheet: _Sheet | None, reader: WorkbookReader) -> list[dict[str, Any]]:
    """The rule packs of the eligibility sheet (``inputs.program_xlsx_eligibility``)."""
    if sheet is None:
        return []

    def problem(row: int, key: str, vi: str, en: str) -> None:
        reader.problem(sheet.cell(row, key), _t(vi, en, reader.lang))

    def record(row: int, path: str, fields: dict[str, str]) -> None:
        _record(reader, sheet, row, path, fields)

    return eligibility_packs(_table(sheet, reader, ELIGIBILITY_COLUMNS), problem, record)


def build_document(sheets: dict[str, _Sheet], reader: WorkbookReader) -> dict[str, Any]:
    """The program document the sheets hold (checked by ``program_from_dict`` afterwards)."""
    p = _program_sheet(sheets["program"], reader) if "program" in sheets else {}
    doc: dict[str, Any] = {"format": FORMAT}
    _put(doc, "id", p.get("id"))
    _put(doc, "title", _text(p.get("title_vi"), p.get("title_en")))
    _put(doc, "province", p.get("province"))
    doc["period"] = {k: p[f"period_{k}"] for k in ("start", "end") if p.get(f"period_{k}") is not None}
    doc["money_unit"] = "million VND"
    source = {k: value for k, value in (("document", _text(p.get("document"), p.get("document_en"))),
                                        ("illustrative", p.get("illustrative"))) if value is not None}
    if source:
        doc["source"] = source
    funding = _items(sheets.get("sources"), reader, SOURCE_COLUMNS, "funding_sources", lambda v: {
        "id": v.get("id"), "name": _text(v.get("name_vi"), v.get("name_en")), "kind": v.get("kind"),
        "source": v.get("source")}, {"id": "id", "name": "name_vi", "name.vi": "name_vi", "name.en": "name_en",
                                     "kind": "kind", "source": "source"})
    if funding:
        doc["funding_sources"] = funding
    annual, stated = _annual(sheets.get("annual"), reader, p.get("annual_source"))
    if stated:
        doc["stated_totals"] = stated
    doc["annual_budget"] = annual
    doc["support_rules"] = _rules(sheets.get("rules"), reader)
    doc["groups"], doc["tasks"] = _tasks(sheets["tasks"], reader) if "tasks" in sheets else ([], [])
    targets = _items(sheets.get("targets"), reader, TARGET_COLUMNS, "targets", lambda v: {
        "id": v.get("id"), "source": v.get("source"), "text": _text(v.get("text_vi"), v.get("text_en")),
        "quantity": ({"min": v["quantity_min"], "max": v.get("quantity")} if v.get("quantity_min") is not None
                     else v.get("quantity")),
        "qualifier": v.get("qualifier"), "tasks": v.get("tasks"), "unit_matches": v.get("unit_matches")},
        {k: k for k in ("id", "source", "qualifier", "tasks", "unit_matches", "quantity")}
        | {"quantity.min": "quantity_min", "quantity.max": "quantity"} | _TEXT_FIELDS)
    notes = _items(sheets.get("notes"), reader, NOTE_COLUMNS, "source_notes", lambda v: {
        "source": v.get("source"), "text": _text(v.get("text_vi"), v.get("text_en")), "severity": v.get("severity")},
        {"source": "source", "severity": "severity"} | _TEXT_FIELDS)
    relations = _items(sheets.get("relations"), reader, RELATION_COLUMNS, "relations", _relation,
                       {k: k for k in ("id", "source", "left", "relation", "right", "enforce")} | _TEXT_FIELDS)
    for key, value in (("targets", targets), ("source_notes", notes), ("relations", relations),
                       ("structure", _structure(sheets, reader)),
                       ("geography", _geography(sheets.get("geography"), reader, p.get("geography_source"))),
                       ("eligibility", _eligibility(sheets.get("eligibility"), reader))):
        if value:
            doc[key] = value
    return doc


#: The format's most frequent messages in Vietnamese (the others are the format's English, as for
#: a YAML file: docs/program-format.md quotes them).
_VIETNAMESE = {
    "required key is missing": "ô này không được để trống",
    "the program has no tasks": "chương trình chưa có nhiệm vụ nào",
}


def _message(message: str, lang: str) -> str:
    return _VIETNAMESE.get(message, message) if lang == "vi" else message


def program_document_from_xlsx(raw: bytes, label: str, *, lang: str = "vi") -> tuple[Program, dict[str, Any]]:
    """The program of a workbook's bytes and the document it was read as (module docstring);
    raises ``ProgramError`` with every problem, each at its sheet and cell."""
    reader = WorkbookReader(label, lang)
    book = _open(raw, reader)
    try:
        sheets = _sheets(book, reader)
    except ProgramError:
        raise
    except Exception as exc:  # a damaged sheet
        raise ProgramError(
            [
                Problem(
                    label,
                    "",
                    say("a sheet cannot be read ({__name__}); save the workbook again", lang).format(
                        __name__=type(exc).__name__
                    ),
                )
            ]
        ) from None
    finally:
        book.close()
    for path, role in (("", "program"), ("tasks", "tasks"), ("groups", "tasks"), ("annual_budget", "annual"),
                       ("support_rules", "rules"), ("funding_sources", "sources"), ("targets", "targets"),
                       ("relations", "relations"), ("source_notes", "notes"), ("structure.cadence", "cadences"),
                       ("structure.links", "links"), ("geography", "geography"), ("period", "program"),
                       ("eligibility", "eligibility")):
        if role in sheets:
            reader.cells.setdefault(path, sheets[role].where(f"A{FIRST_ROW}"))
    doc = build_document(sheets, reader)
    try:
        program = program_from_dict(doc, source=label)
    except ProgramError as exc:
        # each at its sheet and cell; its message kept as template and values, worded in the run's language
        located = [Problem(p.source, reader.locate(p.where), _message(p.message, lang))
                   if lang == "vi" and p.message in _VIETNAMESE else Problem(p.source, reader.locate(p.where),
                                                                            p.template, p.values)
                   for p in exc.problems]
        raise ProgramError(_in_sheet_order([*reader.problems, *located])) from None
    if reader.problems:
        raise ProgramError(_in_sheet_order(reader.problems))
    return program, doc


_CELL = re.compile(r"'(?P<sheet>[^']+)', (?:ô|cell) (?P<col>[A-Z]+)(?P<row>[0-9]+)")


def _in_sheet_order(problems: list[Problem]) -> list[Problem]:
    """The problems sheet by sheet (in the workbook's order), then row by row, cell by cell;
    problems of no cell first."""
    order = {name: i for i, name in enumerate(SHEETS.values())}

    def key(p: Problem) -> tuple[int, int, int, int]:
        m = _CELL.search(p.where)
        if m is None:
            return (0, 0, 0, 0)
        return (1, order.get(m["sheet"], len(order)), int(m["row"]), len(m["col"]) * 100 + ord(m["col"][-1]))

    return sorted(problems, key=key)


def load_program_xlsx(path: str | Path, *, lang: str = "vi") -> Program:
    """Read a program workbook file (``kgkc-opt program import``)."""
    raw = read_bytes(path, error_type=ProgramError)
    return program_document_from_xlsx(raw, str(path), lang=lang)[0]


__all__ = ["FORMAT", "SHEETS", "Column", "load_program_xlsx", "program_document_from_xlsx"]

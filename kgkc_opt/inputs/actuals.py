"""Actuals: what was executed in past years, for replanning the remaining years.

An actuals file is CSV (UTF-8) with exactly this header, in this order::

    task_id,year,quantity,spend

one row per task and executed year: units delivered, and local budget spent (million VND; plain
numbers with "." as the decimal point, e.g. 1234.5). ``actuals_from_text`` is pure: it checks every
row against the program and raises ``ActualsError`` listing every problem (file, line, what was
expected); the loader reads the file.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from fractions import Fraction

from kgkc_opt.errors import ActualsError
from kgkc_opt.inputs.program import Program
from kgkc_opt.inputs.reader import MAX_MONEY, Collector
from kgkc_opt.money import to_fraction

HEADER = ("task_id", "year", "quantity", "spend")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_VIETNAMESE_NUMBER = re.compile(r"^\d{1,3}(\.\d{3})+(,\d+)?$|^\d+,\d+$")


@dataclass(frozen=True)
class ActualRow:
    task_id: str
    year: int
    quantity: int
    spend: Fraction


@dataclass(frozen=True)
class Actuals:
    """Executed quantities and spending by task and year."""

    source: str
    rows: tuple[ActualRow, ...]

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted({r.year for r in self.rows}))

    def done(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.rows:
            out[r.task_id] = out.get(r.task_id, 0) + r.quantity
        return out

    def spend_by_year(self) -> dict[int, Fraction]:
        out: dict[int, Fraction] = {}
        for r in self.rows:
            out[r.year] = out.get(r.year, Fraction(0)) + r.spend
        return out


def _number(c: Collector, text: str, where: str, what: str) -> Fraction | None:
    text = text.strip()
    if _VIETNAMESE_NUMBER.match(text):
        c.error(where, f"{what}: {text!r} looks like Vietnamese notation; write plain numbers with "
                       "'.' as the decimal point and no thousands separator (e.g. 1234.5)")
        return None
    if not _PLAIN_NUMBER.match(text):
        c.error(where, f"{what}: expected a number, got {text!r}")
        return None
    value = float(text)
    if not math.isfinite(value):
        c.error(where, f"{what}: expected a finite number, got {text!r}")
        return None
    return to_fraction(text)


def actuals_from_text(text: str, program: Program, *, source: str = "<actuals>") -> Actuals:
    c = Collector(source)
    reader = csv.reader(io.StringIO(text))
    try:
        rows = list(reader)
    except csv.Error as exc:  # e.g. a quote never closed, swallowing the rest of the file
        c.error(f"line {reader.line_num}", f"is not valid CSV: {exc}")
        c.raise_if_any(ActualsError)
    if not rows or not any(cell.strip() for cell in rows[0]):
        c.error("line 1", f"is empty; expected the header {','.join(HEADER)}")
        c.raise_if_any(ActualsError)
    header = tuple(cell.strip().lower() for cell in rows[0])
    if header != HEADER:
        got = ",".join(cell.strip() for cell in rows[0])
        if sorted(header) == sorted(HEADER):
            c.error("line 1", f"the columns are in the wrong order: got {got}, "
                              f"expected {','.join(HEADER)}")
        elif len(rows[0]) == 1 and ";" in rows[0][0]:
            c.error("line 1", f"the values are separated by ';' (as Excel saves CSV in a Vietnamese "
                              f"locale); expected ',' and the header {','.join(HEADER)}, got {got}")
        else:
            c.error("line 1", f"expected the header {','.join(HEADER)}, got {got}")
        c.raise_if_any(ActualsError)
    known = {t.id: t for t in program.tasks}
    seen: set[tuple[str, int]] = set()
    out: list[ActualRow] = []
    for lineno, row in enumerate(rows[1:], start=2):
        where = f"line {lineno}"
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(HEADER):
            c.error(where, f"expected {len(HEADER)} values ({','.join(HEADER)}), got {len(row)}")
            continue
        tid, year_text, qty_text, spend_text = (cell.strip() for cell in row)
        task = known.get(tid)
        if task is None:
            c.error(where, f"unknown task id {tid!r}")
        year = None
        if re.fullmatch(r"\d{4}", year_text):
            year = int(year_text)
            if not program.period[0] <= year <= program.period[1]:
                c.error(where, f"year {year} lies outside the program period "
                               f"{program.period[0]}–{program.period[1]}")
                year = None
            elif task is not None and year not in task.years:
                c.error(where, f"task {tid} may not run in {year} (its years: {task.years_text})")
        else:
            c.error(where, f"year: expected a year like 2022, got {year_text!r}")
        qty = _number(c, qty_text, where, "quantity")
        if qty is not None and (qty.denominator != 1 or qty < 0):
            c.error(where, f"quantity: expected a whole number of units of at least 0, got {qty_text!r}")
            qty = None
        spend = _number(c, spend_text, where, "spend")
        if spend is not None and (spend < 0 or spend > MAX_MONEY):
            c.error(where, f"spend: expected an amount between 0 and {MAX_MONEY:,} million VND, got {spend_text!r}")
            spend = None
        if task is None or year is None or qty is None or spend is None:
            continue
        if (tid, year) in seen:
            c.error(where, f"task {tid} in {year} is listed twice")
            continue
        seen.add((tid, year))
        out.append(ActualRow(tid, year, int(qty), spend))
    for tid, done in {r.task_id: 0 for r in out}.items():
        del done
        total = sum(r.quantity for r in out if r.task_id == tid)
        if total > known[tid].quantity * 10:
            c.error("", f"task {tid}: {total} units executed, more than ten times its table quantity")
    c.raise_if_any(ActualsError)
    return Actuals(source, tuple(out))

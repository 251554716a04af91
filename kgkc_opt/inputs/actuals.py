"""Actuals: what was executed in past years, for replanning the remaining years.

An actuals file is CSV (UTF-8) with exactly this header, in this order::

    task_id,year,quantity,spend

one row per task and executed year: units delivered, and local budget spent (million VND; plain
numbers with "." as the decimal point, e.g. 1234.5). ``actuals_from_text`` is pure: it checks every
row against the program and raises ``ActualsError`` listing every problem (file, line, what was
expected); the loader reads the file.

A year with rows is an executed year, and re-planning starts after the last one: so the executed
years must run without a gap from the program's first year (a year in which nothing was done is
written as a row with quantity 0 and spend 0), never silently frozen as "executed, nothing
delivered". Numbers are checked as written before any arithmetic (``reader.exact_number``), and a
spend above the program's whole local budget is refused as a unit mistake (đồng for million VND).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from kgkc_opt.errors import ActualsError, Said
from kgkc_opt.inputs.program import Program, Task
from kgkc_opt.inputs.reader import (
    MAX_MONEY,
    Collector,
    exact_number,
    million_text,
    separator_hint,
    vietnamese_style,
)

HEADER = ("task_id", "year", "quantity", "spend")
#: Quantities are whole units; at most this many in one row.
MAX_QUANTITY = 10**7
_PLAIN_NUMBER = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")


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


def _number(c: Collector, text: str, where: str, what: str, expected: str) -> Fraction | None:
    """A plain number as written (no separators), exact; refused before any arithmetic when it is
    beyond the bounds of ``reader.exact_number``."""
    text = text.strip()
    hint = separator_hint(text)
    if hint:
        kind = ("looks like Vietnamese notation; write plain numbers with '.' as the decimal point and no "
                "thousands separator") if vietnamese_style(text) or "ambiguous" in hint else "is not a plain number"
        c.error(where, "{what}: {text!r} {kind}: {hint}", what=what, text=text, kind=kind, hint=hint)
        return None
    if not _PLAIN_NUMBER.match(text):
        c.error(where, "{what}: expected a number, got {text}", what=what, text=visible(text[:40]))
        return None
    number = exact_number(text)
    if isinstance(number, str):
        c.error(where, "{what}: {text!r} {number}; expected {expected}", what=what, text=text[:40], number=number,
                       expected=expected)
        return None
    return number


def visible(text: str) -> str:
    """``text`` quoted, with every invisible or look-alike character shown by its code point:
    a second byte-order mark reads ``'<U+FEFF>task_id'``, not ``'task_id'``."""
    shown = "".join(ch if ch == " " or (ch.isprintable() and unicodedata.category(ch) not in ("Cf", "Zs"))
                    else f"<U+{ord(ch):04X}>" for ch in text)
    return repr(shown)


def _header_problem(cells: list[str]) -> str:
    header = tuple(cell.strip().lower() for cell in cells)
    got = ",".join(cell.strip() for cell in cells)
    expected = ",".join(HEADER)
    if sorted(header) == sorted(HEADER):
        return Said("the columns are in the wrong order: got {got}, expected {expected}", got=got, expected=expected)
    if len(cells) == 1 and ";" in cells[0]:
        return (Said("the values are separated by ';' (as Excel saves CSV in a Vietnamese locale); expected ',' "
                     "and the header {expected}, got {got}", expected=expected, got=got))
    bare = tuple("".join(ch for ch in cell if unicodedata.category(ch) not in ("Cf", "Cc", "Zs")).strip().lower()
                 for cell in cells)
    if bare == HEADER:
        marks = sorted({f"U+{ord(ch):04X}" for ch in got if unicodedata.category(ch) in ("Cf", "Cc", "Zs")
                        and ch != " "})
        what = ("a second byte-order mark (U+FEFF): the file was saved with a byte-order mark twice"
                if got.startswith("\ufeff") else f"invisible characters ({', '.join(marks)})")
        return (Said("the header holds {what}: got {got}, expected {expected!r}; delete the line and type it "
                     "again, or save the file as UTF-8 without a byte-order mark",
                     what=what, got=visible(got), expected=expected))
    shown = visible(got) if visible(got)[1:-1] != got else got
    return Said("expected the header {expected}, got {shown}", expected=expected, shown=shown)


def actuals_from_text(text: str, program: Program, *, source: str = "<actuals>") -> Actuals:
    c = Collector(source)
    rows = _read_rows(c, text)
    known = {t.id: t for t in program.tasks}
    budget = sum((b.state for b in program.annual_budget.values()), Fraction(0))
    seen: set[tuple[str, int]] = set()
    out: list[ActualRow] = []
    for lineno, row in enumerate(rows[1:], start=2):
        where = f"line {lineno}"
        if not any(cell.strip() for cell in row):
            continue
        parsed = _parse_row(c, row, where, program, known, budget)
        if parsed is None:
            continue
        if (parsed.task_id, parsed.year) in seen:
            c.error(where, "task {tid} in {year} is listed twice", tid=parsed.task_id, year=parsed.year)
            continue
        seen.add((parsed.task_id, parsed.year))
        out.append(parsed)
    _check_totals(c, out, known)
    _check_years_complete(c, out, program)
    c.raise_if_any(ActualsError)
    return Actuals(source, tuple(out))


def _read_rows(c: Collector, text: str) -> list[list[str]]:
    """The CSV's rows, its first line the expected header (else the problem is raised at once)."""
    reader = csv.reader(io.StringIO(text))
    try:
        rows = list(reader)
    except csv.Error as exc:  # e.g. a quote never closed, swallowing the rest of the file
        c.error(f"line {reader.line_num}", "is not valid CSV: {exc}", exc=exc)
        c.raise_if_any(ActualsError)
    if not rows or not any(cell.strip() for cell in rows[0]):
        c.error("line 1", "is empty; expected the header {header}", header=','.join(HEADER))
        c.raise_if_any(ActualsError)
    header = tuple(cell.strip().lower() for cell in rows[0])
    if header != HEADER:
        c.error("line 1", _header_problem(rows[0]))
        c.raise_if_any(ActualsError)
    return rows


def _parse_row(c: Collector, row: list[str], where: str, program: Program, known: Mapping[str, Task],
               budget: Fraction) -> ActualRow | None:
    """One data row, or None after reporting every problem in it."""
    if len(row) != len(HEADER):
        c.error(where, "expected {n_header} values ({header}), got {n_row}", n_header=len(HEADER),
                       header=','.join(HEADER), n_row=len(row))
        return None
    tid, year_text, qty_text, spend_text = (cell.strip() for cell in row)
    task = known.get(tid)
    if task is None:
        c.error(where, "unknown task id {tid}", tid=visible(tid[:40]))
    year = _row_year(c, where, year_text, program, tid, task)
    qty = _row_quantity(c, where, qty_text)
    spend = _row_spend(c, where, spend_text, program, budget)
    if task is None or year is None or qty is None or spend is None:
        return None
    return ActualRow(tid, year, int(qty), spend)


def _row_year(c: Collector, where: str, year_text: str, program: Program, tid: str, task: Task | None) -> int | None:
    if not re.fullmatch(r"[0-9]{4}", year_text):
        c.error(where, "year: expected a year like 2022, got {year_text}", year_text=visible(year_text[:40]))
        return None
    year = int(year_text)
    if not program.period[0] <= year <= program.period[1]:
        c.error(where, "year {year} lies outside the program period {first_period}–{period}", year=year,
                       first_period=program.period[0], period=program.period[1])
        return None
    if task is not None and year not in task.years:
        c.error(where, "task {tid} may not run in {year} (its years: {years_text})", tid=tid, year=year,
                       years_text=task.years_text)
    return year


def _row_quantity(c: Collector, where: str, qty_text: str) -> Fraction | None:
    qty = _number(c, qty_text, where, "quantity", "a whole number of units")
    if qty is not None and (qty.denominator != 1 or qty < 0):
        c.error(where, "quantity: expected a whole number of units of at least 0, got {qty_text!r}",
                       qty_text=qty_text[:40])
        return None
    if qty is not None and qty > MAX_QUANTITY:
        c.error(where, "quantity: expected a whole number of units of at most {max_quantity:,}, got {qty_text!r}",
                       max_quantity=MAX_QUANTITY, qty_text=qty_text[:40])
        return None
    return qty


def _row_spend(c: Collector, where: str, spend_text: str, program: Program, budget: Fraction) -> Fraction | None:
    spend = _number(c, spend_text, where, "spend", "an amount in million VND with at most 6 decimals (one đồng)")
    if spend is not None and (spend < 0 or spend > MAX_MONEY):
        c.error(where, "spend: expected an amount between 0 and {max_money:,} million VND, got "
                       "{spend_text!r}{spend}", max_money=MAX_MONEY, spend_text=spend_text[:40],
                       spend=_in_dong(spend))
        return None
    if spend is not None and spend > budget:
        c.error(where, "spend: {spend_text} million VND is more than the program's whole local budget "
                       "({budget} million VND for {first_period}–{period}); spend is in million VND (triệu "
                       "đồng){spend}", spend_text=spend_text, budget=million_text(budget),
                       first_period=program.period[0], period=program.period[1], spend=_in_dong(spend))
        return None
    return spend


def _check_totals(c: Collector, out: list[ActualRow], known: Mapping[str, Task]) -> None:
    for tid in dict.fromkeys(r.task_id for r in out):
        total = sum(r.quantity for r in out if r.task_id == tid)
        if total > known[tid].quantity * 10:
            c.error("", "task {tid}: {total} units executed, more than ten times its table quantity", tid=tid,
                        total=total)


def _check_years_complete(c: Collector, out: list[ActualRow], program: Program) -> None:
    years = sorted({r.year for r in out})
    gaps = [y for y in range(program.period[0], years[-1]) if y not in years] if years else []
    if gaps and not c.problems:
        listed = ", ".join(map(str, years))
        missing = ", ".join(map(str, gaps))
        c.error("", "the actuals have rows for {listed} but none for {missing}: re-planning starts after the last "
                    "executed year, so {missing} would count as executed with nothing delivered; add the rows of "
                    "{missing} (for a year in which nothing was done, one row with quantity 0 and spend 0, e.g. "
                    "{task_id},{first_gap},0,0)", listed=listed, missing=missing, task_id=out[0].task_id,
                    first_gap=gaps[0])


def _in_dong(spend: Fraction) -> str:
    """For a spend that looks like đồng: what it would be in million VND."""
    if spend < 10**6:
        return ""
    return f": if {million_text(spend)} is in đồng, write {million_text(spend / 10**6).replace(',', '')}"

"""Proposals (đề án khuyến công) submitted for one year: the annual plan's input.

A proposals file is what the clerk of the Department of Industry and Trade keeps: one row per
proposal, CSV (UTF-8, as Excel exports it) or xlsx; docs/annual-plan.md documents every column.
``proposals_from_rows`` is pure: it checks every row against the program and raises
``ProposalsError`` listing every problem (file, line, column, what was expected); the loader
(``inputs.files.load_proposals``) reads the file.

Money is million VND, exact (``Fraction``): total cost = requested state support + co-funding.

Reading a table (``proposals_from_rows``; ``proposals_from_csv_text`` parses the CSV first):

- columns by header name (``COLUMNS``), in any order, ignoring case, accents and a note in
  parentheses ("Tổng kinh phí (triệu đồng)"); an unknown column, a column given twice, a required
  column missing, or a money column said to be in đồng is a problem of the header line;
- numbers as written, exact (``reader.exact_number``: at most 12 significant digits and 6
  decimals, one đồng): plain ``1234.5`` in a ','-separated CSV or an xlsx (``1.234,5`` there is a
  problem with the hint), Vietnamese ``1.234,5`` in a ';'-separated CSV (a Vietnamese Excel export);
- yes/no cells: yes, true, 1, x, có (đúng) / no, false, 0, không (sai), accents and case ignored;
  an empty cell is the column's default (documents_complete and accepts_trim yes, the others no),
  but no in a column that marks yes with 'x';
- text stripped and NFC; commune, region and priority group with runs of spaces made one (they
  group proposals);
- every row checked: required cells, unique ids (case ignored), known task ids, units a whole
  number from 1 to ``MAX_UNITS``, money at least 0 and at most ``MAX_PROPOSAL_COST`` a proposal
  (beyond it: đồng typed for million VND), total_cost = requested + cofunding exactly, requested
  above 0, a score at least 0, not both started and withdrawn; a file without rows is a problem.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from kgkc_opt.errors import Place, ProposalsError, Said
from kgkc_opt.inputs.actuals import visible
from kgkc_opt.inputs.eligibility import (
    FLAG_FIELDS,
    KIND_FIELDS,
    Profile,
    kind_problem,
    kind_value,
)
from kgkc_opt.inputs.program import Program
from kgkc_opt.inputs.reader import (
    MAX_MONEY,
    Collector,
    exact_number,
    million_text,
    separator_hint,
    vietnamese_style,
)


@dataclass(frozen=True)
class Proposal:
    """One proposal as submitted (before any trim to a legal cap)."""

    #: the clerk's id (unique in the file), e.g. "KG-2024-017"
    id: str
    title: str
    applicant: str
    #: commune-level unit (xã / phường / thị trấn / đặc khu) as written in the file
    commune: str
    #: the program task it serves (a task id of the program, e.g. "III.2")
    task_id: str
    #: units of the task it delivers (models, machines, classes, ...)
    units: int
    #: million VND, exact: total_cost == requested + cofunding
    total_cost: Fraction
    requested: Fraction
    cofunding: Fraction
    #: the region for spread rules (a district before 1 July 2025, or any grouping the planner
    #: uses: "Phú Quốc (đặc khu)", "Tứ giác Long Xuyên", ...); "" when the file has none
    region: str = ""
    #: the proposal's own priority (e.g. the appraisal council's score); 0 when not given
    score: Fraction = Fraction(0)
    #: a priority group the planner names ("" when none)
    priority_group: str = ""
    first_time: bool = False
    #: the dossier is complete (hồ sơ đầy đủ); an incomplete one is never funded
    documents_complete: bool = True
    #: the applicant accepts support trimmed to the legal cap (else a request above it is refused)
    accepts_trim: bool = True
    #: mid-year re-selection: already started (kept funded), or withdrawn (never funded)
    started: bool = False
    withdrawn: bool = False
    #: the program it is registered for: "national" (the national program, Form 2, approved by the
    #: Ministry) or "local" (the province's program; the default)
    channel: str = "local"
    #: the file's line (CSV) or row (xlsx) the proposal was read from, for messages
    line: int = 0
    #: what the file says of the applicant (its kind, place, craft village, ...; None: not said),
    #: judged by the program's rule packs (``analysis.eligibility``)
    profile: Profile = field(default_factory=Profile)
    #: the part of ``score`` given by the rule packs' priority clauses (0 as read from the file)
    priority_points: Fraction = Fraction(0)


@dataclass(frozen=True)
class Proposals:
    """The proposals of one file, in the file's order."""

    source: str
    items: tuple[Proposal, ...]

    def __len__(self) -> int:
        return len(self.items)

    def by_id(self) -> dict[str, Proposal]:
        return {p.id: p for p in self.items}


# ---- reading a proposals table ------------------------------------------------------------

#: The columns, by their canonical (documented) name, with the other names a header may give them
#: (Vietnamese, as a clerk's table writes them). A header cell is matched ignoring case, accents,
#: spaces, '_', '-', '/' and '.', and a note in parentheses at its end ("Tổng kinh phí (triệu
#: đồng)", "Đối ứng (3=1-2)").
COLUMNS: dict[str, tuple[str, ...]] = {
    "proposal_id": ("mã đề án", "ma de an", "id"),
    "title": ("tên đề án",),
    "applicant": ("đơn vị thực hiện", "cơ sở"),
    "commune": ("xã", "xã/phường/đặc khu", "địa bàn"),
    "task_id": ("nhiệm vụ", "mã nhiệm vụ"),
    "units": ("số lượng",),
    "total_cost": ("tổng kinh phí",),
    "requested": ("kinh phí khuyến công đề nghị", "requested_support", "hỗ trợ đề nghị"),
    "cofunding": ("đối ứng", "vốn đối ứng"),
    "region": ("khu vực", "huyện"),
    "score": ("điểm",),
    "priority_group": ("nhóm ưu tiên",),
    "first_time": ("lần đầu",),
    "documents_complete": ("hồ sơ đầy đủ",),
    "accepts_trim": ("chấp nhận điều chỉnh",),
    "started": ("đã triển khai",),
    "withdrawn": ("rút", "đã rút"),
    # the applicant's profile (inputs.eligibility.Profile), judged by the program's rule packs
    "applicant_kind": ("loại hình", "loại hình đơn vị", "loại hình cơ sở", "đối tượng"),
    "location_kind": ("loại địa bàn", "loại đơn vị hành chính cấp xã"),
    "province_kind": ("loại đơn vị hành chính cấp tỉnh", "tỉnh hay thành phố"),
    "craft_village": ("làng nghề", "thuộc làng nghề"),
    "women_owned": ("phụ nữ làm chủ", "do phụ nữ làm chủ", "nữ làm chủ"),
    "ethnic_minority": ("lao động dân tộc thiểu số", "sử dụng lao động dân tộc thiểu số", "dân tộc thiểu số",
                        "ethnic_minority_employees"),
    "disadvantaged_area": ("địa bàn khó khăn", "vùng khó khăn", "địa bàn đặc biệt khó khăn"),
    "channel": ("kênh", "chương trình", "nguồn kinh phí"),
}
REQUIRED = ("proposal_id", "title", "applicant", "commune", "task_id", "units", "total_cost", "requested",
            "cofunding")
OPTIONAL = tuple(name for name in COLUMNS if name not in REQUIRED)
MONEY = ("total_cost", "requested", "cofunding")
#: yes/no columns and their value when the column is absent (or the cell empty, see ``_flag``)
FLAGS = {"first_time": False, "documents_complete": True, "accepts_trim": True, "started": False,
         "withdrawn": False}
#: Units of one proposal: a whole number from 1 to this.
MAX_UNITS = 10**6
#: Money of one proposal beyond this (million VND: 10^12 đồng, a thousand billion) is taken as
#: đồng typed for million VND, not as a figure.
MAX_PROPOSAL_COST = 10**6
#: Most columns a header may have (an xlsx sheet is read no wider than one more than this).
MAX_COLUMNS = 100
_YES = frozenset({"yes", "y", "true", "1", "x", "co", "dung"})
_NO = frozenset({"no", "n", "false", "0", "khong", "sai"})
_PLAIN_NUMBER = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")
#: a number as a Vietnamese Excel export writes it: '.' between thousands, ',' for decimals
_VN_NUMBER = re.compile(r"^[+-]?([0-9]{1,3}(\.[0-9]{3})+|[0-9]+)(,[0-9]+)?$")
_NOTE = re.compile(r"\s*\([^()]*\)\s*$")
_NOT_FINITE = frozenset({"nan", "inf", "infinity"})
_HINT_DECIMAL_COMMA = Said("; in a ','-separated file a value holding ',' (a decimal comma, a title) must be quoted")


def fold(text: str) -> str:
    """``text`` without accents, case or repeated spaces: 'Mã  Đề án' -> 'ma de an'."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().split())


def _key(text: str) -> str:
    return re.sub(r"[\s_\-/.]+", "", fold(text))


_BY_KEY: dict[str, str] = {_key(alias): name for name, aliases in COLUMNS.items() for alias in (name, *aliases)}


#: Columns a clerk's sheet usually has that the selection does not use: read and ignored.
IGNORED = ("stt", "số thứ tự", "ghi chú", "notes", "note", "remarks")
_IGNORED_KEYS = {_key(x) for x in IGNORED}


def column_name(header_cell: str) -> str | None:
    """The canonical column a header cell names ('Tổng kinh phí (triệu đồng)' -> 'total_cost'), or None."""
    text = unicodedata.normalize("NFC", header_cell).strip()
    return _BY_KEY.get(_key(text)) or _BY_KEY.get(_key(_NOTE.sub("", text)))


def _names(name: str) -> str:
    """A column's names for a message: "requested (or 'kinh phí khuyến công đề nghị', ...)"."""
    others: dict[str, str] = {}
    for alias in COLUMNS[name]:
        others.setdefault(fold(alias), alias)
    return Said("{name} (or {aliases})", name=name, aliases=", ".join(repr(a) for a in others.values()))


def _known_columns() -> str:
    return Said("the columns are {required} (required) and {optional} (optional), or their Vietnamese names",
                required=", ".join(REQUIRED), optional=", ".join(OPTIONAL))


def _in_dong(amount: Fraction) -> str:
    if amount < 10**6:
        return ""
    return Said(": if {amount} is in đồng, write {million}", amount=million_text(amount),
                million=million_text(amount / 10**6).replace(",", ""))


def _shown(text: str) -> str:
    return visible(text[:40]) + ("..." if len(text) > 40 else "")


class _Table:
    """The columns of a header, and a reader of the cells of one row by column."""

    def __init__(self, c: Collector, header: list[str], header_line: int, rows: list[tuple[int, list[str]]],
                 line_word: str):
        self.index: dict[str, int] = {}
        self.labels: dict[str, str] = {}
        where = f"{line_word} {header_line}"
        written = [unicodedata.normalize("NFC", cell).strip() for cell in header]
        while written and not written[-1] and not any(len(written) <= len(r) and r[len(written) - 1].strip()
                                                      for _, r in rows):
            written.pop()  # (empty columns at the end, as Excel may export)
        self.width = len(written)
        names = [column_name(cell) if cell else None for cell in written]
        self.ok = sum(name in names for name in REQUIRED) * 2 >= len(REQUIRED)
        if not self.ok:
            c.error(where, "expected a header row naming the columns, got {written}; {known_columns}",
                           written=_shown(','.join(written)), known_columns=_known_columns())
            return
        for i, (cell, name) in enumerate(zip(written, names, strict=True)):
            if not cell:
                if any(i < len(r) and r[i].strip() for _, r in rows):
                    c.error(where, "column {i} has no name but holds values; name it, or delete the column "
                                   "({known_columns})", i=i + 1, known_columns=_known_columns())
            elif name is None and (_key(cell) in _IGNORED_KEYS or _key(_NOTE.sub("", cell)) in _IGNORED_KEYS):
                continue  # a row number or a note: not used
            elif name is None:
                close = difflib.get_close_matches(_key(cell), list(_BY_KEY), n=1, cutoff=0.7)
                guess = Said("did you mean {task}? ", task=_BY_KEY[close[0]]) if close else ""
                c.error(where, "unknown column {cell}; {guess}{known_columns}", cell=_shown(cell), guess=guess,
                               known_columns=_known_columns())
            elif name in self.index:
                first = self.index[name]
                c.error(where, "the columns {written!r} (column {first}) and {cell!r} (column {i}) both give "
                               "{name}; keep one", written=written[first], first=first + 1, cell=cell, i=i + 1,
                               name=name)
            else:
                self.index[name] = i
                self.labels[name] = name if cell == name else f"{cell} [{name}]"
                note = _NOTE.search(cell)
                if name in MONEY and note and re.search(r"\b(dong|vnd|d)\b", fold(note.group())) and not re.search(
                        r"trieu|million|\btr\b|\btrd\b", fold(note.group())):
                    c.error(where, "the column {cell!r} is in đồng; amounts are in million VND (triệu đồng): "
                                   "convert them, and name the column {name!r}", cell=cell, name=name)
        for name in REQUIRED:
            if name not in self.index:
                c.error(where, "the required column {name} is missing", name=_names(name))

    def cell(self, cells: list[str], name: str) -> str:
        i = self.index.get(name)
        if i is None or i >= len(cells):
            return ""
        return unicodedata.normalize("NFC", cells[i]).strip()


def _number(c: Collector, text: str, where: str, decimal_comma: bool, expected: str) -> Fraction | None:
    """A number as written, exact (``reader.exact_number``): plain ('1234.5') in a ','-separated file
    or an xlsx, Vietnamese ('1.234,5') in a ';'-separated one."""
    if fold(text).lstrip("+-") in _NOT_FINITE:
        c.error(where, "expected a finite number, got {text!r}", text=text)
        return None
    if decimal_comma:
        if _VN_NUMBER.match(text):
            plain = text.replace(".", "").replace(",", ".")
        elif _PLAIN_NUMBER.match(text):
            c.error(where, "{text!r}: in a ';'-separated file (as Excel saves CSV in a Vietnamese locale) ',' is "
                           "the decimal separator and '.' separates thousands; write {value}", text=text,
                           value=text.replace('.', ','))
            return None
        else:
            c.error(where, "expected a number like 1.234,5 (a ';'-separated file), got {text}", text=_shown(text))
            return None
    else:
        hint = separator_hint(text)
        if hint:
            kind = ("looks like Vietnamese notation; in a ','-separated file write plain numbers with '.' as the "
                    "decimal point and no thousands separator" if vietnamese_style(text) or "ambiguous" in hint
                    else "is not a plain number")
            c.error(where, "{text!r} {kind}: {hint}", text=text, kind=kind, hint=hint)
            return None
        if not _PLAIN_NUMBER.match(text):
            c.error(where, "expected a number, got {text}", text=_shown(text))
            return None
        plain = text
    number = exact_number(plain)
    if isinstance(number, str):
        c.error(where, "{text} {number}; expected {expected}", text=_shown(text), number=number, expected=expected)
        return None
    return number


def _money(c: Collector, text: str, where: str, decimal_comma: bool) -> Fraction | None:
    amount = _number(c, text, where, decimal_comma, "an amount in million VND with at most 6 decimals (one đồng)")
    if amount is None:
        return None
    if amount < 0:
        c.error(where, "expected an amount of at least 0 million VND, got {text!r}", text=text)
        return None
    if amount >= MAX_MONEY:
        c.error(where, "{text} is beyond {max_money:,} million VND; amounts are in million VND (triệu đồng){amount}",
                       text=text, max_money=MAX_MONEY, amount=_in_dong(amount))
        return None
    if amount > MAX_PROPOSAL_COST:
        c.error(where, "{text} million VND is more than {max_proposal_cost:,} million VND for one proposal, likely "
                       "đồng typed for million VND: amounts are in million VND (triệu đồng){amount}", text=text,
                       max_proposal_cost=MAX_PROPOSAL_COST, amount=_in_dong(amount))
        return None
    return amount


def _flag(c: Collector, text: str, where: str, default: bool, marks: bool) -> bool | None:
    """yes/no: yes, true, 1, x, có (đúng) / no, false, 0, không (sai); accents and case ignored. An empty
    cell is the column's default, or no in a column marked with 'x' (an empty cell there is unmarked)."""
    word = fold(text)
    if not word:
        return False if marks else default
    if word in _YES:
        return True
    if word in _NO:
        return False
    c.error(where, "expected yes or no (có/không, x or empty, true/false, 1/0), got {text}", text=_shown(text))
    return None


def _task_problem(tid: str, program: Program) -> str:
    ids = [t.id for t in program.tasks]
    close = difflib.get_close_matches(tid, ids, n=1, cutoff=0.6)
    guess = Said("did you mean {task}? ", task=close[0]) if close else ""
    shown = Said("{ids}, ... ({n} in all)", ids=", ".join(ids[:30]), n=len(ids)) if len(ids) > 30 else ", ".join(ids)
    return Said("{tid} is not a task of the program {program_id}; {guess}its tasks are {shown}",
                tid=_shown(tid), program_id=program.id, guess=guess, shown=shown)


class _Row:
    """The checks of one row: each problem names the line and the column."""

    def __init__(self, c: Collector, table: _Table, n: int, cells: list[str], line_word: str):
        self.c, self.table, self.n, self.cells, self.line_word = c, table, n, cells, line_word

    def where(self, name: str) -> str:
        return f"{self.line_word} {self.n}, {self.table.labels.get(name, name)}"

    def text(self, name: str) -> str:
        value = self.table.cell(self.cells, name)
        if name in REQUIRED and name in self.table.index and not value:
            self.c.error(self.where(name), "is empty; a proposal needs a value here")
        return value

    def units(self, decimal_comma: bool) -> int | None:
        written = self.text("units")
        if not written:
            return None
        number = _number(self.c, written, self.where("units"), decimal_comma, "a whole number of units")
        if number is not None and (number.denominator != 1 or not 1 <= number <= MAX_UNITS):
            self.c.error(self.where("units"), "expected a whole number of units from 1 to {max_units:,}, got "
                                              "{written!r}", max_units=MAX_UNITS, written=written)
            return None
        return None if number is None else int(number)

    def money(self, decimal_comma: bool) -> dict[str, Fraction]:
        money: dict[str, Fraction] = {}
        for name in MONEY:
            written = self.text(name)
            amount = _money(self.c, written, self.where(name), decimal_comma) if written else None
            if amount is not None:
                money[name] = amount
        if money.get("requested") == 0:
            self.c.error(self.where("requested"), "a proposal requests support: expected more than 0 million VND, "
                                                  "got {cells!r}", cells=self.table.cell(self.cells, 'requested'))
        if len(money) == len(MONEY) and money["total_cost"] != money["requested"] + money["cofunding"]:
            total, requested, cofunding = (self.table.cell(self.cells, name) for name in MONEY)
            both = million_text(money["requested"] + money["cofunding"])
            self.c.error(self.where("total_cost"),
                         "the total cost {total} is not the requested support {requested} plus the co-funding "
                         "{cofunding} (= {both} million VND); total_cost must equal requested + cofunding",
                         total=total, requested=requested, cofunding=cofunding, both=both)
        return money

    def score(self, decimal_comma: bool) -> Fraction:
        written = self.table.cell(self.cells, "score")
        if not written:
            return Fraction(0)
        value = _number(self.c, written, self.where("score"), decimal_comma, "a score of at least 0")
        if value is not None and value < 0:
            self.c.error(self.where("score"), "expected a score of at least 0, got {written!r}", written=written)
        return value if value is not None and value >= 0 else Fraction(0)

    def profile(self, marks: dict[str, bool]) -> Profile:
        """The applicant's profile as the file states it: kinds by name, yes/no facts (an empty cell:
        not stated, or no in a column marked with 'x')."""
        values: dict[str, Any] = {}
        for name in KIND_FIELDS:
            written = self.table.cell(self.cells, name)
            if written:
                values[name] = kind_value(name, written)
                if values[name] is None:
                    self.c.error(self.where(name), kind_problem(name, written))
        for name in FLAG_FIELDS:
            written = self.table.cell(self.cells, name)
            if written or (name in self.table.index and marks[name]):
                values[name] = _flag(self.c, written, self.where(name), False, marks[name])
        return Profile(**values)

    def grouping(self, name: str) -> str:
        """A text that groups proposals (commune, region, priority group): runs of spaces made one,
        so that 'Xã  Bình An' is not a commune of its own."""
        return " ".join(self.table.cell(self.cells, name).split())


def proposals_from_rows(header: list[str], rows: list[tuple[int, list[str]]], program: Program, *,
                        source: str, decimal_comma: bool = False, header_line: int = 1,
                        line_word: str = "line") -> Proposals:
    """The proposals of a table, checked: ``header`` names the columns (any order; ``COLUMNS``),
    ``rows`` are (line number, cells). Numbers are plain ('1234.5'), or Vietnamese ('1.234,5') with
    ``decimal_comma``. Raises ``ProposalsError`` with every problem found, each naming the line and
    the column and saying what was expected. ``line_word`` names a line in messages ("row" for xlsx)."""
    c = Collector(source)
    data = [(n, cells) for n, cells in rows if any(cell.strip() for cell in cells)]
    if not any(cell.strip() for cell in header):
        c.error(f"{line_word} {header_line}", "is empty; expected a header row naming the columns: {required} "
                                              "(required), {optional}", required=', '.join(REQUIRED),
                                              optional=', '.join(OPTIONAL))
        c.raise_if_any(ProposalsError)
    named = [cell for cell in header if cell.strip()]
    if len(named) > MAX_COLUMNS:
        c.error(f"{line_word} {header_line}", "names {n_named:,} columns; a proposals table has at most "
                                              "{max_columns} ({known_columns})", n_named=len(named),
                                              max_columns=MAX_COLUMNS, known_columns=_known_columns())
        c.raise_if_any(ProposalsError)
    table = _Table(c, header, header_line, data, line_word)
    if not table.ok:
        c.raise_if_any(ProposalsError)
    if not data:
        c.error("", "has no proposals: the header ({place}) is followed by no rows",
                    place=Place(f"{line_word} {header_line}"))
    tasks = {t.id: t.id for t in program.tasks}
    tasks_folded = {t.id.casefold(): t.id for t in program.tasks}
    marks = {name: any(fold(table.cell(cells, name)) == "x" for _, cells in data) for name in (*FLAGS, *FLAG_FIELDS)}
    seen: dict[str, tuple[int, str]] = {}
    out: list[Proposal] = []
    for n, cells in data:
        extra = [cell for cell in cells[table.width:] if cell.strip()]
        if len(cells) < table.width or extra:
            hint = _HINT_DECIMAL_COMMA if not decimal_comma and extra and line_word == "line" else ""
            if len(cells) < table.width and any("\n" in cell for cell in cells):
                hint = Said("; a quote (\") opened on this line is never closed")
            c.error(f"{line_word} {n}", "expected {width} values (one per column of the header), got {value}{hint}",
                                        width=table.width, value=table.width + len(extra) if extra else len(cells),
                                        hint=hint)
            continue
        before = len(c.problems)
        row = _Row(c, table, n, cells, line_word)
        pid, title, applicant, _, tid = (row.text(name) for name in REQUIRED[:5])  # (commune: grouping)
        if pid:
            hidden = sorted({f"U+{ord(ch):04X}" for ch in pid if unicodedata.category(ch) in ("Cf", "Cc")})
            if hidden:
                c.error(row.where("proposal_id"), "{pid} holds invisible characters ({hidden})", pid=visible(pid),
                                                  hidden=', '.join(hidden))
            elif pid.casefold() in seen:
                first, as_written = seen[pid.casefold()]
                also = "" if as_written == pid else Said(" as {written!r}", written=as_written)
                c.error(row.where("proposal_id"), "{pid!r} is listed twice: first on {place}{also}",
                                                  pid=pid, place=Place(f"{line_word} {first}"), also=also)
            else:
                seen[pid.casefold()] = (n, pid)
        if tid:
            tid = tasks.get(tid) or tasks_folded.get(tid.casefold()) or tid
            if tid not in tasks:
                c.error(row.where("task_id"), _task_problem(tid, program))
        units = row.units(decimal_comma)
        money = row.money(decimal_comma)
        score = row.score(decimal_comma)
        flags = {name: _flag(c, table.cell(cells, name), row.where(name), default, marks[name])
                 for name, default in FLAGS.items()}
        profile = row.profile(marks)
        if flags["started"] and flags["withdrawn"]:
            c.error(row.where("withdrawn"), "a proposal cannot be both started and withdrawn; keep one of them")
        if len(c.problems) > before or units is None or len(money) < len(MONEY):
            continue  # (a problem of the row, or a required column missing from the header)
        out.append(Proposal(
            id=pid, title=title, applicant=applicant, commune=row.grouping("commune"), task_id=tid, units=units,
            total_cost=money["total_cost"], requested=money["requested"], cofunding=money["cofunding"],
            region=row.grouping("region"), score=score, priority_group=row.grouping("priority_group"),
            first_time=bool(flags["first_time"]), documents_complete=bool(flags["documents_complete"]),
            accepts_trim=bool(flags["accepts_trim"]), started=bool(flags["started"]),
            withdrawn=bool(flags["withdrawn"]), line=n, profile=profile,
            channel=channel_of(c, table.cell(cells, "channel"), row.where("channel"))))
    c.raise_if_any(ProposalsError)
    return Proposals(source, tuple(out))


def proposals_from_csv_text(text: str, program: Program, *, source: str = "<proposals>") -> Proposals:
    """The proposals of a CSV text. Separated by ',' (numbers with '.' decimals: 1234.5), or by ';'
    as Excel saves CSV in a Vietnamese locale (numbers with ',' decimals and '.' between thousands:
    1.234,5); a first line ``sep=;`` (as Excel may write) names the separator."""
    c = Collector(source)
    text = unicodedata.normalize("NFC", text).lstrip("\ufeff")  # (a byte-order mark read as text)
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        c.error("line 1", "is empty; expected a header row naming the columns: {required} (required), {optional}",
                          required=', '.join(REQUIRED), optional=', '.join(OPTIONAL))
        c.raise_if_any(ProposalsError)
    assert first is not None
    named = re.fullmatch(r'"?sep=([,;\t|])"?', lines[first].strip())
    by_count = ";" if lines[first].count(";") > lines[first].count(",") else ","
    sep = named.group(1) if named else by_count
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    rows: list[tuple[int, list[str]]] = []
    try:
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            rows.append((start, cells))
    except csv.Error as exc:  # e.g. a quote never closed, or a field beyond the csv module's limit
        c.error(f"line {reader.line_num}", "is not valid CSV: {exc}", exc=exc)
        c.raise_if_any(ProposalsError)
    rows = [(n, cells) for n, cells in rows if any(cell.strip() for cell in cells)]
    if named:
        rows = rows[1:]
    if not rows:
        c.error("", "has no header row and no proposals")
        c.raise_if_any(ProposalsError)
    (header_line, header), data = rows[0], rows[1:]
    return proposals_from_rows(header, data, program, source=source, decimal_comma=sep == ";",
                               header_line=header_line)


# ---- the channel column: national or local program ---------------------------------------------

#: What a ``channel`` cell may say (folded: no case, no accents), and the channel it names.
CHANNELS = {"national": "national", "quoc gia": "national", "trung uong": "national", "tw": "national",
            "ctkcqg": "national", "local": "local", "dia phuong": "local", "dp": "local", "": "local"}


def channel_of(c: Collector, text: str, where: str) -> str:
    """The channel a cell names ("local" when empty); a problem at ``where`` otherwise."""
    channel = CHANNELS.get(" ".join(fold(text).replace(".", " ").split()))
    if channel is None:
        c.error(where, "{text}: expected national (quốc gia, trung ương) or local (địa phương)", text=visible(text))
        return "local"
    return channel

"""The scenario keys: every section of a scenario file that changes a figure, each declared once.

``KEYS`` lists them in the order they are applied within one group of changes (docs/scenarios.md,
"Order of application"). A key's declaration is all the package knows about it; from it come:

- its validation: the key's kind reads a document's value through ``Collector`` (per-year money,
  per-task whole number, per-task weight, flag, ...), so every problem is reported with its file
  and key path;
- its change-log lines ``key.part: old → new`` (``Change``) and the key paths that two groups of
  changes of one file may not both set (overlap detection uses the logged paths);
- its effect on the model input (``effect``: the ``TaskSpec`` field a per-task key sets, the
  money line a per-year key caps, ...), which ``kgkc_opt.model.data.model_input`` applies
  generically, never by the key's name;
- its rows in the input table of ``kgkc_opt.analysis.compare`` (``rows``);
- its label, in Vietnamese and English as an official writes it, for the change table of the brief
  (``row_label``, ``show``);
- its documentation: the table of docs/scenarios.md is generated from ``doc`` (``render_docs``;
  a test checks the file against it, and that every example is valid);
- a valid example value for any program (``example``), from which the fuzz tests start;
- its consistency checks on the scenario as a whole (``check``), run after each document.

``Draft`` is a scenario while documents are applied: the program, each key's value by key name,
the change log. The values' types are those of the ``Scenario`` attribute named by ``field``.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any, Generic, Protocol, TypeVar, cast

from kgkc_opt.errors import Bilingual, Said
from kgkc_opt.inputs.actuals import Actuals
from kgkc_opt.inputs.program import Cost, Program, Task, parse_task
from kgkc_opt.inputs.reader import Collector, describe, join, number_hint, parse_percent

ABOVE_CAP = ("reject", "hold_at_cap")

# ---- the change log ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One effective change of a figure, for the log stored with every result."""

    key: str
    old: str
    new: str
    source: str

    def __str__(self) -> str:
        return f"{self.key}: {self.old} → {self.new}"


def fmt_value(value: object) -> str:
    """A figure as the change log and the compare table write it: 3950.4, 12, true, none."""
    if isinstance(value, Fraction):
        return str(value.numerator) if value.denominator == 1 else f"{float(value):.10g}"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def fmt_percent(value: Fraction) -> str:
    return f"{float(value) * 100:.10g}%"


class ScenarioView(Protocol):
    """What a key reads of a built scenario (``kgkc_opt.inputs.scenario.Scenario`` is one; a key
    reads its own value from the attribute its ``field`` names)."""

    @property
    def program(self) -> Program: ...

    @property
    def actuals(self) -> Actuals | None: ...

    def unit_costs(self, task: Task, year: int) -> tuple[Fraction, Fraction]: ...

    def planned_years(self) -> tuple[int, ...]: ...


class Draft:
    """A scenario while documents are applied to it: its program, each key's value (by key name,
    of the type of the key's ``Scenario`` attribute), and the change log so far."""

    def __init__(self, program: Program, values: Mapping[str, object], changes: tuple[Change, ...] = ()):
        self.program = program
        self.values: dict[str, object] = dict(values)
        self.changes = list(changes)
        #: key paths set by the group of changes being applied (overlap detection)
        self.touched: set[str] = set()

    def log(self, key: str, old: object, new: object, source: str) -> None:
        """Record that ``key`` was set; log it if the figure changed."""
        self.touched.add(key)
        if fmt_value(old) != fmt_value(new):
            self.changes.append(Change(key, fmt_value(old), fmt_value(new), source))

    def add_tasks(self, tasks: tuple[Task, ...]) -> None:
        """Add tasks to the program; keys that give every task a value give the new ones theirs."""
        self.program = replace(self.program, tasks=(*self.program.tasks, *tasks))
        for key in KEYS:
            for task in tasks:
                key.on_new_task(self, task)

    def replace_task(self, task: Task) -> None:
        self.program = replace(self.program, tasks=tuple(task if t.id == task.id else t for t in self.program.tasks))


# ---- what a key does to the model input (read by kgkc_opt.model.data.model_input) ---------------


@dataclass(frozen=True)
class SetsTaskField:
    """A per-task value: sets ``TaskSpec.<field>`` of every task (``Key.task_value``)."""

    field: str


@dataclass(frozen=True)
class CapsMoney:
    """An amount per year: the cap of a money line of the model, ``ModelInput.<field>``
    (``local_cap``, ``cofunding_cap``), in every planned year (``Key.year_values``)."""

    field: str


@dataclass(frozen=True)
class SetsInputField:
    """One value: sets ``ModelInput.<field>`` (``Key.input_value``)."""

    field: str


@dataclass(frozen=True)
class ChangesProgram:
    """Changes the program's tasks or their costs; the model reads them from ``Scenario.program``."""


@dataclass(frozen=True)
class ChangesUnitCosts:
    """Makes a unit's cost depend on the year (``Scenario.unit_costs``); when it is in force
    (``Key.varies_by_year``) every task gets its per-year costs in the model."""


@dataclass(frozen=True)
class AddsCapLines:
    """Extra money lines of the model (``ModelInput.lines``, one ``CapLine`` each): the key gives
    each line's tasks, its cap per year (a year not given is not capped) and which cost of a unit
    it counts (``Key.cap_lines``)."""


@dataclass(frozen=True)
class LineSpec:
    """One extra money line as a key declares it: ``cost`` is "local" (the local budget a unit
    uses in the year, escalation included), "cofunding", or "source:<id>" (what the program's
    state source <id> pays for a unit)."""

    key: str
    tasks: tuple[str, ...]
    cap: Mapping[int, Fraction]
    cost: str
    source: str

    @property
    def funding_source(self) -> str | None:
        """The program's state source this line is the column of ("source:<id>" lines), else None."""
        return self.cost.removeprefix("source:") if self.cost.startswith("source:") else None


Effect = SetsTaskField | CapsMoney | SetsInputField | ChangesProgram | ChangesUnitCosts | AddsCapLines


# ---- the declaration -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Label:
    """A key's name as an official writes it; ``vi_short``/``en_short`` are the forms used in the
    rows of a table ("Vốn NS năm 2024"), the full ones in headings and the docs."""

    vi: str
    en: str
    vi_short: str = ""
    en_short: str = ""

    def get(self, lang: str) -> str:
        return self.vi if lang == "vi" else self.en

    def short(self, lang: str) -> str:
        if lang == "vi":
            return self.vi_short or self.vi
        return self.en_short or self.en


@dataclass(frozen=True)
class KeyDoc:
    """A key's row in docs/scenarios.md: the form of its value, an example (YAML, valid for the
    bundled Kiên Giang 2021–2025 program: a test applies it), and what it means."""

    form: str
    example: str
    meaning: str


@dataclass(frozen=True, kw_only=True)
class Key(ABC):
    """One scenario key. Subclasses are the kinds (how a value is read and what it holds)."""

    #: the document key, the ``Scenario.derive`` keyword and the first part of its key paths
    name: str
    #: the ``Scenario`` attribute holding the key's value; None: the key changes the program
    field: str | None
    label: Label
    doc: KeyDoc
    effect: Effect
    #: other keywords ``Scenario.derive`` accepts for this key
    aliases: tuple[str, ...] = ()
    #: a check of the whole scenario after each document (floors within targets, ...)
    consistency: Callable[[ScenarioView, Collector], None] | None = None

    # -- reading documents
    @abstractmethod
    def apply(self, d: Draft, c: Collector, data: object, where: str, source: str) -> None:
        """Check one document's value of the key (at key path ``where``) and apply it to ``d``."""

    def initial(self, program: Program) -> object:
        """The key's value in the program as decided (for keys with a ``field``)."""
        raise TypeError(f"scenario key {self.name!r} holds no value of its own")

    def on_new_task(self, d: Draft, task: Task) -> None:  # noqa: B027 (most keys need nothing)
        """A task was added to the program (by ``new_tasks``)."""

    def check(self, scn: ScenarioView, c: Collector) -> None:
        if self.consistency is not None:
            self.consistency(scn, c)

    @abstractmethod
    def example(self, program: Program) -> object:
        """A valid document value of this key for ``program`` (that changes something)."""

    # -- reports
    def rows(self, scn: ScenarioView) -> Iterator[tuple[str, str]]:
        """(key path, value) rows of compare's input table."""
        return iter(())

    def row_label(self, part: str, lang: str) -> str:
        """The label of a change-log line ``name.part`` in a table: "Mục tiêu II.2"."""
        short = self.label.short(lang)
        return f"{short} {part}" if part else short

    def show(self, text: str, lang: str) -> str:
        """A logged value as a table shows it."""
        return text

    #: whether a table shows the change as a percentage of the old value too
    percent_change: bool = False

    # -- the model input (one of these, by ``effect``)
    def task_value(self, scn: ScenarioView, task: Task) -> int | Fraction:
        raise TypeError(f"scenario key {self.name!r} does not set a task's field")

    def year_values(self, scn: ScenarioView) -> Mapping[int, Fraction]:
        raise TypeError(f"scenario key {self.name!r} does not cap a money line")

    def input_value(self, scn: ScenarioView) -> object:
        raise TypeError(f"scenario key {self.name!r} does not set a model input field")

    def varies_by_year(self, scn: ScenarioView) -> bool:
        raise TypeError(f"scenario key {self.name!r} does not change unit costs")

    def cap_lines(self, scn: ScenarioView) -> tuple[LineSpec, ...]:
        raise TypeError(f"scenario key {self.name!r} adds no money line")

    # -- helpers for the kinds
    def _value(self, d: Draft) -> object:
        return d.values[self.name]

    def _field(self, scn: ScenarioView) -> object:
        assert self.field is not None
        return getattr(scn, self.field)


def _year(c: Collector, key: object, where: str, years: tuple[int, ...], extra: str = "'all'") -> int | None:
    """A year key of a mapping (2024 or "2024") within the program period; None (reported) if not."""
    year = key if isinstance(key, int) and not isinstance(key, bool) else None
    if isinstance(key, str) and key.strip().isascii() and key.strip().isdigit() and len(key.strip()) <= 4:
        year = int(key)
    if year is None:
        c.error(where, "expected a year ({first_year}–{last_year}) or {extra}, got {key}", first_year=years[0],
                       last_year=years[-1], extra=extra, key=describe(key))
        return None
    if year not in years:
        c.error(where, "year {year} lies outside the program period {first_year}–{last_year}", year=year,
                       first_year=years[0], last_year=years[-1])
        return None
    return year


def _money_change(c: Collector, value: object, where: str, old: Fraction) -> Fraction | None:
    """A money change: an amount (million VND) or a percentage of the current figure."""
    if isinstance(value, str):
        pct = parse_percent(value)
        if pct is None:
            c.error(where, 'expected a number or a percentage like "-30%", got {value}{hint}', value=describe(value),
                           hint=number_hint(value))
            return None
        if pct < -1:
            c.error(where, "a cut of more than 100% leaves a negative amount ({value})", value=value)
            return None
        return old * (1 + pct)
    return c.money(value, where)


def _year_updates(c: Collector, section: Mapping[Any, Any], where: str, years: tuple[int, ...],
                  current: Mapping[int, Fraction]) -> list[tuple[int, Fraction]]:
    """The new amounts of ``{all: ..., 2024: ...}`` (an amount or a percentage of the current
    one), in year order; a year named on its own overrides ``all`` for that year."""
    updates: dict[int, Fraction] = {}
    if "all" in section:
        for y in years:
            new = _money_change(c, section["all"], join(where, "all"), current[y])
            if new is None:
                break  # the same value is wrong for every year: say it once
            updates[y] = new
    for key, value in section.items():
        if key == "all":
            continue
        year = _year(c, key, join(where, key), years)
        if year is None or year not in current:
            continue
        new = _money_change(c, value, join(where, key), current[year])
        if new is not None:
            updates[year] = new
    return sorted(updates.items())


# ---- kinds -------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class YearMoney(Key):
    """An amount per year of the program: ``{all: "-20%", 2024: 3500}`` (an amount in million VND,
    or a percentage of the figure at that point; ``all`` is every year, a year named beside it
    wins). Holds every year: ``Mapping[int, Fraction]``."""

    #: the column of the program's annual table it starts from ("state" or "other")
    column: str
    percent_change: bool = True

    def initial(self, program: Program) -> dict[int, Fraction]:
        return {y: getattr(b, self.column) for y, b in program.annual_budget.items()}

    def _get(self, d: Draft) -> Mapping[int, Fraction]:
        return cast(Mapping[int, Fraction], self._value(d))

    def apply(self, d: Draft, c: Collector, data: object, where: str, source: str) -> None:
        section = c.mapping(data, where)
        if section is None:
            return
        current = dict(self._get(d))
        for y, new in _year_updates(c, section, where, d.program.years, current):
            d.log(f"{self.name}.{y}", current[y], new, source)
            current[y] = new
        d.values[self.name] = current

    def example(self, program: Program) -> object:
        return {"all": "-10%", program.years[-1]: "+5%"}

    def rows(self, scn: ScenarioView) -> Iterator[tuple[str, str]]:
        values = self.year_values(scn)
        for y in scn.program.years:
            yield f"{self.name}.{y}", fmt_value(values[y])

    def row_label(self, part: str, lang: str) -> str:
        return f"{self.label.short(lang)} năm {part}" if lang == "vi" else f"{self.label.short(lang)} {part}"

    def year_values(self, scn: ScenarioView) -> Mapping[int, Fraction]:
        return cast(Mapping[int, Fraction], self._field(scn))


N = TypeVar("N", int, Fraction)


def _task_section(d: Draft, c: Collector, data: object, where: str) -> dict[str, object]:
    """A mapping of task ids to values; unknown ids are reported."""
    section = c.mapping(data, where)
    if section is None:
        return {}
    known = set(d.program.task_ids)
    out = {}
    for key, value in section.items():
        tid = str(key)
        if tid not in known:
            c.error(join(where, key), "unknown task id {tid!r}; the program's tasks are {task_ids}", tid=tid,
                                      task_ids=', '.join(d.program.task_ids))
            continue
        out[tid] = value
    return out


@dataclass(frozen=True, kw_only=True)
class PerTask(Key, Generic[N]):
    """A value per task: ``{II.2: 40}``. Holds ``Mapping[str, N]``: every task if ``every_task``,
    else only the tasks whose value differs from the default."""

    parse: Callable[[Collector, object, str], N | None]
    default: Callable[[Task], N]
    every_task: bool = False
    #: a valid changed value for a task (the example of ``example``), and which task (index)
    example_value: Callable[[Task], N]
    example_task: int = 0

    def initial(self, program: Program) -> dict[str, N]:
        return {t.id: self.default(t) for t in program.tasks} if self.every_task else {}

    def _get(self, d: Draft) -> Mapping[str, N]:
        return cast(Mapping[str, N], self._value(d))

    def apply(self, d: Draft, c: Collector, data: object, where: str, source: str) -> None:
        values = dict(self._get(d))
        for tid, raw in _task_section(d, c, data, where).items():
            v = self.parse(c, raw, join(where, tid))
            if v is not None:
                d.log(f"{self.name}.{tid}", values.get(tid, self.default(d.program.task(tid))), v, source)
                values[tid] = v
        d.values[self.name] = values

    def on_new_task(self, d: Draft, task: Task) -> None:
        if self.every_task:
            d.values[self.name] = {**self._get(d), task.id: self.default(task)}

    def example(self, program: Program) -> object:
        task = program.tasks[self.example_task % len(program.tasks)]
        value = self.example_value(task)
        return {task.id: _plain(value) if isinstance(value, Fraction) else value}

    def values(self, scn: ScenarioView) -> Mapping[str, N]:
        return cast(Mapping[str, N], self._field(scn))

    def task_value(self, scn: ScenarioView, task: Task) -> int | Fraction:
        return self.values(scn).get(task.id, self.default(task))

    def rows(self, scn: ScenarioView) -> Iterator[tuple[str, str]]:
        for t in scn.program.tasks:
            yield f"{self.name}.{t.id}", fmt_value(self.task_value(scn, t))


@dataclass(frozen=True, kw_only=True)
class Flag(Key):
    """true or false. Holds ``bool``."""

    def initial(self, program: Program) -> bool:
        return False

    def apply(self, d: Draft, c: Collector, data: object, where: str, source: str) -> None:
        value = c.boolean(data, where)
        if value is not None:
            d.log(self.name, self._value(d), value, source)
            d.values[self.name] = value

    def example(self, program: Program) -> object:
        return True

    def input_value(self, scn: ScenarioView) -> bool:
        return bool(self._field(scn))

    def rows(self, scn: ScenarioView) -> Iterator[tuple[str, str]]:
        yield self.name, fmt_value(self.input_value(scn))

    def show(self, text: str, lang: str) -> str:
        words = {"true": ("có", "yes"), "false": ("không", "no")}
        return words[text][0 if lang == "vi" else 1] if text in words else text


class Switch(Flag):
    """on (true) or off (false), on by default. Holds ``bool``."""

    def initial(self, program: Program) -> bool:
        return True

    def example(self, program: Program) -> object:
        return False

    def show(self, text: str, lang: str) -> str:
        words = {"true": ("bật", "on"), "false": ("tắt", "off")}
        return words[text][0 if lang == "vi" else 1] if text in words else text


@dataclass(frozen=True, kw_only=True)
class Choice(Key):
    """One of a fixed list of names. Holds ``str``."""

    options: tuple[str, ...]
    default_value: str

    def initial(self, program: Program) -> str:
        return self.default_value

    def apply(self, d: Draft, c: Collector, data: object, where: str, source: str) -> None:
        if not isinstance(data, str) or data not in self.options:
            c.error(where, "expected one of {options}, got {data}", options=', '.join(self.options),
                           data=describe(data))
            return
        d.log(self.name, self._value(d), data, source)
        d.values[self.name] = data

    def example(self, program: Program) -> object:
        return next(o for o in self.options if o != self.default_value)

    def input_value(self, scn: ScenarioView) -> str:
        return str(self._field(scn))

    def rows(self, scn: ScenarioView) -> Iterator[tuple[str, str]]:
        yield self.name, self.input_value(scn)


def _plain(value: Fraction) -> int | float:
    """A figure as a document writes it (the exact decimal it came from)."""
    return value.numerator if value.denominator == 1 else float(value)


@dataclass(frozen=True, kw_only=True)
class NewTasks(Key):
    """A list of task rows in the program format; each is checked like a program's row, its state
    support against its support rule's legal caps."""

    def apply(self, d: Draft, c: Collector, data: object, where: str, source: str) -> None:
        program = d.program
        if not isinstance(data, list):
            c.error(where, "expected a list of tasks (same keys as a program's tasks)")
            return
        added: list[Task] = []
        for i, item in enumerate(data):
            task = parse_task(c, item, f"{where}[{i}]", groups=program.groups,
                              rules=program.support_rules, period=program.period)
            if task is None:
                continue
            if task.id in program.task_ids or task.id in [t.id for t in added]:
                c.error(f"{where}[{task.id}].id", "task {task_id!r} already exists", task_id=task.id)
                continue
            if task.support_rule not in program.support_rules:
                continue  # parse_task has reported the unknown rule
            check_rule(c, f"{where}[{task.id}]", task, program, task.unit_state,
                       task.cost.state / task.cost.total if task.cost.total else Fraction(0))
            added.append(task)
            d.log(f"{self.name}.{task.id}", "(none)",
                  f"{task.quantity} {task.unit.vi}, {fmt_value(task.cost.total)} total, "
                  f"{fmt_value(task.cost.state)} state, years {task.years_text}", source)
        if added:
            d.add_tasks(tuple(added))

    def example(self, program: Program) -> object:
        t = program.tasks[0]
        return [{"id": f"{t.id}.9", "group": t.group, "name": {"vi": "Nhiệm vụ bổ sung", "en": "Added task"},
                 "unit": {"vi": t.unit.vi, "en": t.unit.en}, "quantity": t.quantity,
                 "cost": {"total": _plain(t.cost.total), "state": _plain(t.cost.state),
                          "other": _plain(t.cost.other)},
                 "years": list(t.years), "support_rule": t.support_rule}]


@dataclass(frozen=True, kw_only=True)
class SupportShare(Key):
    """The state's share of a task's cost: ``{II.2: "40%"}``; never above the legal caps of the
    task's support rule."""

    def apply(self, d: Draft, c: Collector, data: object, where: str, source: str) -> None:
        for tid, value in _task_section(d, c, data, where).items():
            kw = join(where, tid)
            share = c.share(value, kw)
            if share is None:
                continue
            task = d.program.task(tid)
            if task.cost.total == 0:
                c.error(kw, "task {tid} has no cost to share", tid=tid)
                continue
            new_state = task.cost.total * share
            if new_state < task.cost.state - task.cost.local:
                c.error(kw, "a state share of {share} for {tid} is less than its other state sources already pay "
                            "({state} million VND); the local budget's part cannot be negative",
                            share=fmt_percent(share), tid=tid, state=fmt_value(task.cost.state - task.cost.local))
                continue
            if check_rule(c, kw, task, d.program, new_state / task.quantity, share):
                d.log(f"{self.name}.{tid}", fmt_percent(task.cost.state / task.cost.total), fmt_percent(share),
                      source)
                d.replace_task(replace(task, cost=Cost(task.cost.total, new_state, task.cost.total - new_state,
                                                       task.cost.extra)))

    def example(self, program: Program) -> object:
        task = next((t for t in program.tasks if t.cost.total and t.cost.state), program.tasks[0])
        share = task.cost.state / task.cost.total if task.cost.total else Fraction(0)
        return {task.id: f"{int(share * 50)}%"}

    def rows(self, scn: ScenarioView) -> Iterator[tuple[str, str]]:
        for t in scn.program.tasks:
            yield f"state_per_unit.{t.id}", fmt_value(t.unit_state)


def check_rule(c: Collector, where: str, task: Task, program: Program, state_per_unit: Fraction,
               share: Fraction) -> bool:
    """Reject state support above the legal caps of the task's support rule, citing the rule."""
    rule = program.support_rules[task.support_rule]
    cite = Said("support rule {rule}: {citation}", rule=rule.id, citation=rule.citation)
    ok = True
    if share > rule.max_state_share:
        c.error(where, "a state share of {share} for {task_id} exceeds the legal maximum of {max_state_share} "
                       "({cite})", share=fmt_percent(share), task_id=task.id,
                       max_state_share=fmt_percent(rule.max_state_share), cite=cite)
        ok = False
    if rule.max_state_per_unit is not None and state_per_unit > rule.max_state_per_unit:
        c.error(where, "state support of {state_per_unit} million VND per {unit} for {task_id} exceeds the legal "
                       "cap of {max_state_per_unit} ({cite})", state_per_unit=fmt_value(state_per_unit),
                       unit=Bilingual(task.unit.en, task.unit.vi.lower()), task_id=task.id,
                       max_state_per_unit=fmt_value(rule.max_state_per_unit), cite=cite)
        ok = False
    return ok


@dataclass(frozen=True)
class Escalation:
    """Unit costs grow by ``rate`` a year from ``base_year`` (tasks: None means every task)."""

    rate: Fraction
    base_year: int
    tasks: tuple[str, ...] | None
    above_cap: str = "reject"


def escalated_costs(task: Task, year: int, esc: Escalation | None, program: Program) -> tuple[Fraction, Fraction]:
    """Per-unit (local budget, co-funding) cost in a year.

    Escalation grows the local budget's and the co-funding's parts, the state share kept; other
    state sources (national funds, ...) pay their stated amount per unit. With
    ``above_cap="hold_at_cap"`` the state's support stops at the legal per-unit cap and the
    enterprise pays the rest (validation has already rejected it otherwise).

    A dated support rule (``SupportRule.dated``) then applies the rule in force in ``year``
    (``SupportRule.for_year``): state support above min(share × unit cost, per-unit cap) comes off
    the local budget's part and the enterprise pays it. An undated rule is not applied here: the
    program's split is its own data and the audit reports a row above its cap.
    """
    local, other = task.unit_local, task.unit_other
    extra = task.unit_state - local
    rule = program.support_rules[task.support_rule]
    if not (esc is None or (esc.tasks is not None and task.id not in esc.tasks) or year <= esc.base_year):
        factor = (1 + esc.rate) ** (year - esc.base_year)
        local, other = local * factor, other * factor
        per_unit = rule.for_year(year).max_state_per_unit
        if esc.above_cap == "hold_at_cap" and per_unit is not None:
            held = max(min(local, per_unit - extra), Fraction(0))
            local, other = held, other + local - held
    if rule.dated:
        in_force = rule.for_year(year)
        cap = in_force.max_state_share * (local + other + extra)
        if in_force.max_state_per_unit is not None:
            cap = min(cap, in_force.max_state_per_unit)
        cut = min(max(local + extra - cap, Fraction(0)), local)
        local, other = local - cut, other + cut
    return local, other


def describe_escalation(esc: Escalation | None) -> str:
    if esc is None:
        return "none"
    scope = "all tasks" if esc.tasks is None else ", ".join(esc.tasks)
    return f"{fmt_percent(esc.rate)} a year from {esc.base_year} ({scope}; above cap: {esc.above_cap})"


@dataclass(frozen=True, kw_only=True)
class EscalationKey(Key):
    """``{rate: "5%", base_year: 2021, tasks: all, above_cap: reject}``. Holds ``Escalation | None``."""

    def initial(self, program: Program) -> Escalation | None:
        return None

    def apply(self, d: Draft, c: Collector, data: object, where: str, source: str) -> None:
        esc = _parse_escalation(c, data, where, d.program)
        if esc is not None:
            d.log(self.name, describe_escalation(self.escalation_of(d)), describe_escalation(esc), source)
            d.values[self.name] = esc

    def escalation_of(self, d: Draft) -> Escalation | None:
        return cast("Escalation | None", self._value(d))

    def example(self, program: Program) -> object:
        return {"rate": "3%", "base_year": program.period[0], "tasks": [program.tasks[0].id],
                "above_cap": "hold_at_cap"}

    def value(self, scn: ScenarioView) -> Escalation | None:
        return cast("Escalation | None", self._field(scn))

    def varies_by_year(self, scn: ScenarioView) -> bool:
        return self.value(scn) is not None

    def rows(self, scn: ScenarioView) -> Iterator[tuple[str, str]]:
        esc = self.value(scn)
        yield self.name, "none" if esc is None else f"{float(esc.rate):.2%}/yr from {esc.base_year}"


def _parse_escalation(c: Collector, data: object, where: str, program: Program) -> Escalation | None:
    d = c.mapping(data, where)
    if d is None:
        return None
    c.known_keys(d, where, ("rate", "base_year", "tasks", "above_cap"))
    rate_value = c.required(d, "rate", where)
    rate = None
    if isinstance(rate_value, str):
        rate = parse_percent(rate_value)
        if rate is None:
            c.error(join(where, "rate"), 'expected a percentage like "5%", got {rate_value}',
                                         rate_value=describe(rate_value))
    elif rate_value is not None:
        c.error(join(where, "rate"), 'expected a percentage like "5%", got {rate_value}',
                                     rate_value=describe(rate_value))
    if rate is not None and not -Fraction(1, 2) <= rate <= 1:
        c.error(join(where, "rate"), "expected between -50% and 100% a year, got {rate_value}",
                                     rate_value=rate_value)
        rate = None
    base = c.integer(d.get("base_year", program.period[0]), join(where, "base_year"),
                     minimum=program.period[0], maximum=program.period[1])
    tasks_value = d.get("tasks", "all")
    tasks: tuple[str, ...] | None = None
    if tasks_value != "all":
        if not isinstance(tasks_value, list):
            c.error(join(where, "tasks"), "expected 'all' or a list of task ids, got {tasks_value}",
                                          tasks_value=describe(tasks_value))
        else:
            bad = [str(t) for t in tasks_value if str(t) not in program.task_ids]
            if bad:
                c.error(join(where, "tasks"), "unknown task id(s): {bad}", bad=', '.join(bad))
            tasks = tuple(str(t) for t in tasks_value)
    above = d.get("above_cap", "reject")
    if above not in ABOVE_CAP:
        c.error(join(where, "above_cap"), "expected one of {above_cap}, got {above}", above_cap=', '.join(ABOVE_CAP),
                                          above=describe(above))
        return None
    if rate is None or base is None:
        return None
    return Escalation(rate, base, tasks, above)


@dataclass(frozen=True, kw_only=True)
class SourceMoney(Key):
    """The annual amounts of the program's other state sources (national khuyến công funds, ...),
    each as ``budget`` is for the local budget: ``{national: {all: "-50%", 2027: 3000}}``. Each
    source is a money line of the model (``line_cap[funding.<id>,y]``) whose per-unit cost is the
    source's part of the task's unit cost; the local budget and the co-funding keep their own keys
    (``budget``, ``cofunding``). Holds ``Mapping[str, Mapping[int, Fraction]]``: source id -> year
    -> amount, every year."""

    def initial(self, program: Program) -> dict[str, dict[int, Fraction]]:
        return {s.id: {y: b.amount(s) for y, b in program.annual_budget.items()} for s in program.extra_sources}

    def amounts(self, scn: ScenarioView) -> Mapping[str, Mapping[int, Fraction]]:
        return cast(Mapping[str, Mapping[int, Fraction]], self._field(scn))

    def apply(self, d: Draft, c: Collector, data: object, where: str, source: str) -> None:
        section = c.mapping(data, where)
        if section is None:
            return
        program = d.program
        current = {k: dict(v) for k, v in cast(Mapping[str, Mapping[int, Fraction]], self._value(d)).items()}
        for key, value in section.items():
            sid, sw = str(key), join(where, key)
            if sid not in current:
                named = {s.id: s.kind for s in program.funding_sources}
                hint = (f"; the {named[sid]} source {sid!r} is changed with "
                        f"{'budget' if named[sid] == 'local' else 'cofunding'}") if sid in named else ""
                c.error(sw, "unknown state source {sid!r}; the program's other state sources are {value}{hint}",
                            sid=sid, value=', '.join(current) or '(none)', hint=hint)
                continue
            years = c.mapping(value, sw)
            if years is None:
                continue
            amounts = current[sid]
            for y, new in _year_updates(c, years, sw, program.years, amounts):
                d.log(f"{self.name}.{sid}.{y}", amounts[y], new, source)
                amounts[y] = new
        d.values[self.name] = current

    def example(self, program: Program) -> object:
        return {s.id: {"all": "-10%"} for s in program.extra_sources[:1]}

    def cap_lines(self, scn: ScenarioView) -> tuple[LineSpec, ...]:
        program = scn.program
        return tuple(
            LineSpec(key=f"{self.name}.{s.id}",
                     tasks=tuple(t.id for t in program.tasks if t.cost.amount(s)),
                     cap=self.amounts(scn)[s.id], cost=f"source:{s.id}",
                     source=f"{program.annual_budget_source}, {s.name.en}")
            for s in program.extra_sources
        )

    def rows(self, scn: ScenarioView) -> Iterator[tuple[str, str]]:
        for sid, amounts in self.amounts(scn).items():
            for y in scn.program.years:
                yield f"{self.name}.{sid}.{y}", fmt_value(amounts[y])

    def row_label(self, part: str, lang: str) -> str:
        sid, _, year = part.rpartition(".")
        return f"Vốn {sid} năm {year}" if lang == "vi" else f"{sid} funds {year}"

    percent_change: bool = True


def _fmt_cap(cap: Fraction | None) -> str:
    return "none" if cap is None else fmt_value(cap)


@dataclass(frozen=True, kw_only=True)
class GroupCaps(Key):
    """A cap per year on the local budget spent on the tasks of a group of the program:
    ``{III: 800, VIII: {2024: 300, 2025: "-10%"}, II: {all: 3000, 2025: none}}``.

    A number alone caps every year; a mapping caps the years it names (``all``: every year, a year
    named beside it wins). A percentage changes the cap in force before this group of changes
    (set by an earlier file or override); with none in force it is an error, because the program
    fixes no spending per group and year to take a percentage of (its annex gives each task's
    cost for the whole period, its annual table the money per year for all groups together, and
    what a plan spends on a group is an outcome of the solve, not an input). ``none`` lifts a cap.
    Holds ``Mapping[str, Mapping[int, Fraction]]``: group id -> year -> cap, only capped years.
    """

    def initial(self, program: Program) -> dict[str, dict[int, Fraction]]:
        return {}

    def caps(self, scn: ScenarioView) -> Mapping[str, Mapping[int, Fraction]]:
        return cast(Mapping[str, Mapping[int, Fraction]], self._field(scn))

    def apply(self, d: Draft, c: Collector, data: object, where: str, source: str) -> None:
        section = c.mapping(data, where)
        if section is None:
            return
        groups = [g.id for g in d.program.groups]
        years = d.program.years
        caps = {g: dict(v) for g, v in cast(Mapping[str, Mapping[int, Fraction]], self._value(d)).items()}
        for key, value in section.items():
            gid, gw = str(key), join(where, key)
            if gid not in groups:
                c.error(gw, "unknown group {gid!r}; the program's groups are {groups}", gid=gid,
                            groups=', '.join(groups))
                continue
            current = caps.get(gid, {})
            entries: list[tuple[tuple[int, ...], object, str]] = []
            if isinstance(value, Mapping):
                if "all" in value:
                    entries.append((years, value["all"], join(gw, "all")))
                for k, v in value.items():
                    year = None if k == "all" else _year(c, k, join(gw, k), years)
                    if year is not None:
                        entries.append(((year,), v, join(gw, k)))
            else:
                entries.append((years, value, gw))
            updates: dict[int, Fraction | None] = {}
            for entry_years, raw, path in entries:
                for y in entry_years:
                    ok, new = self._cap(c, raw, path, gid, y, current.get(y))
                    if not ok:
                        break  # the same value is wrong for every year: say it once
                    updates[y] = new
            for y, new in sorted(updates.items()):
                d.log(f"{self.name}.{gid}.{y}", _fmt_cap(current.get(y)), _fmt_cap(new), source)
                if new is None:
                    current.pop(y, None)
                else:
                    current[y] = new
            caps[gid] = current
        d.values[self.name] = {g: dict(sorted(caps[g].items())) for g in groups if caps.get(g)}

    @staticmethod
    def _cap(c: Collector, value: object, where: str, gid: str, year: int,
             old: Fraction | None) -> tuple[bool, Fraction | None]:
        """(ok, the new cap or None for no cap); a problem is recorded when not ok."""
        if isinstance(value, str):
            if value.strip().lower() == "none":
                return True, None
            pct = parse_percent(value)
            if pct is None:
                c.error(where, 'expected an amount in million VND, a percentage of the cap in force like "-10%", '
                               "or none, got {value}{hint}", value=describe(value), hint=number_hint(value))
                return False, None
            if old is None:
                c.error(where, "a percentage changes the cap in force, and group {gid} has no cap in {year}: write "
                               "an amount in million VND (the program sets no spending per group and year to take "
                               "a percentage of)", gid=gid, year=year)
                return False, None
            if pct < -1:
                c.error(where, "a cut of more than 100% leaves a negative amount ({value})", value=value)
                return False, None
            return True, old * (1 + pct)
        amount = c.money(value, where)
        return amount is not None, amount

    def check(self, scn: ScenarioView, c: Collector) -> None:
        """A cap below what the group's floors need is an error, where that is cheap to see: the
        floors of tasks that can only be delivered in one capped year, against that year's cap;
        the floors of tasks that can only be delivered in capped years, at their cheapest year,
        against the sum of those years' caps. (Both are necessary conditions: a scenario they
        pass may still be infeasible, and the solve explains it.)"""
        program = scn.program
        planned = scn.planned_years()
        done = scn.actuals.done() if scn.actuals is not None else {}
        floors, targets = FLOORS.values(scn), TARGETS.values(scn)
        for gid, cap in self.caps(scn).items():
            capped = [y for y in planned if y in cap]
            needs: list[tuple[Task, int, tuple[int, ...]]] = []
            for t in program.tasks:
                rest = floors.get(t.id, 0) - done.get(t.id, 0)
                open_years = tuple(y for y in t.years if y in planned)
                if t.group == gid and targets.get(t.id, 0) > 0 and rest > 0 and open_years:
                    needs.append((t, rest, open_years))
            short = False
            for y in capped:
                here = [(t, n, scn.unit_costs(t, y)[0]) for t, n, ys in needs if ys == (y,)]
                need = sum((n * cost for _, n, cost in here), Fraction(0))
                if need > cap[y]:
                    short = True
                    detail = ", ".join(f"{t.id}: {n} × {fmt_value(cost)}" for t, n, cost in here)
                    c.error(f"{self.name}.{gid}.{y}",
                            "the cap of {cap} million VND on group {gid} in {y} is below the {need} that the "
                            "floors of its tasks need in that year ({detail}, which can only be delivered then); "
                            "raise the cap or lower the floors", cap=fmt_value(cap[y]), gid=gid, y=y,
                            need=fmt_value(need), detail=detail)
            inside = [(t, n, min(scn.unit_costs(t, y)[0] for y in ys), ys) for t, n, ys in needs
                      if set(ys) <= set(capped)]
            if short or not inside:
                continue
            span = sorted({y for *_, ys in inside for y in ys})
            need = sum((n * cost for _, n, cost, _ in inside), Fraction(0))
            total = sum((cap[y] for y in span), Fraction(0))
            if need > total:
                detail = ", ".join(f"{t.id}: {n} × {fmt_value(cost)}" for t, n, cost, _ in inside)
                c.error(f"{self.name}.{gid}",
                        "the caps on group {gid} add up to {total} million VND over {str}, below the {need} that "
                        "the floors of its tasks need in those years at the least ({detail}); raise the caps or "
                        "lower the floors", gid=gid, total=fmt_value(total), str=', '.join(map(str, span)),
                        need=fmt_value(need), detail=detail)

    def example(self, program: Program) -> object:
        most = max((b.state for b in program.annual_budget.values()), default=Fraction(0))
        return {program.groups[0].id: _plain(most)}

    def cap_lines(self, scn: ScenarioView) -> tuple[LineSpec, ...]:
        program = scn.program
        return tuple(
            LineSpec(key=f"{self.name}.{gid}", tasks=tuple(t.id for t in program.tasks if t.group == gid),
                     cap=cap, cost="local",
                     source=f"scenario cap on the local budget spent on group {gid} ({program.group(gid).name.en})")
            for gid, cap in self.caps(scn).items()
        )

    def rows(self, scn: ScenarioView) -> Iterator[tuple[str, str]]:
        for gid, cap in self.caps(scn).items():
            for y in scn.program.years:
                if y in cap:
                    yield f"{self.name}.{gid}.{y}", fmt_value(cap[y])

    def row_label(self, part: str, lang: str) -> str:
        gid, _, year = part.rpartition(".")
        short = self.label.short(lang)
        return f"{short} nhóm {gid} năm {year}" if lang == "vi" else f"{short}, group {gid}, {year}"

    def show(self, text: str, lang: str) -> str:
        return ("không giới hạn" if lang == "vi" else "no cap") if text == "none" else text

    percent_change: bool = True


# ---- consistency checks --------------------------------------------------------------------------


def _escalation_within_caps(scn: ScenarioView, c: Collector) -> None:
    """With escalation, the state's support per unit stays within each task's legal cap.

    Checked on the final costs of a document (after every support-share change, in whatever order
    they came), so that no combination of changes can push support above a cap.
    """
    esc = ESCALATION.value(scn)
    if esc is None or esc.above_cap != "reject":
        return
    for task in scn.program.tasks:
        if esc.tasks is not None and task.id not in esc.tasks:
            continue
        for y in task.years:
            rule = scn.program.support_rules[task.support_rule].for_year(y)
            local, _ = escalated_costs(task, y, esc, scn.program)
            state = local + task.unit_state - task.unit_local
            if rule.max_state_per_unit is not None and state > rule.max_state_per_unit:
                c.error("escalation", "{task_id} in {y}: escalated state support of {state} million VND per {unit} "
                                      "exceeds the legal cap of {max_state_per_unit} (support rule {rule_id}: "
                                      "{citation}); set above_cap: hold_at_cap to keep the state's support at the "
                                      "cap and let the enterprise pay the rest", task_id=task.id, y=y,
                                      state=fmt_value(state), unit=Bilingual(task.unit.en, task.unit.vi.lower()),
                                      max_state_per_unit=fmt_value(rule.max_state_per_unit), rule_id=rule.id,
                                      citation=rule.citation)
                break


def _floors_within_targets(scn: ScenarioView, c: Collector) -> None:
    targets = TARGETS.values(scn)
    for tid, floor in FLOORS.values(scn).items():
        if floor > targets[tid]:
            c.error(f"floors.{tid}", "floor {floor} is above the target {target}; raise the target or lower the floor",
                                     floor=floor, target=targets[tid])


# ---- the keys ------------------------------------------------------------------------------------


def _integer(minimum: int = 0, maximum: int | None = None) -> Callable[[Collector, object, str], int | None]:
    def parse(c: Collector, value: object, where: str) -> int | None:
        if maximum is None:
            return c.integer(value, where, minimum=minimum)
        return c.integer(value, where, minimum=minimum, maximum=maximum)
    return parse


def _weight(c: Collector, value: object, where: str) -> Fraction | None:
    return c.weight(value, where)


NEW_TASKS = NewTasks(
    name="new_tasks", field=None, effect=ChangesProgram(),
    label=Label("Nhiệm vụ bổ sung", "New tasks", en_short="New task"),
    doc=KeyDoc("list of task rows (the program format's task keys)", "see below",
               "add a task with its unit, costs, years"),
)

TARGETS = PerTask[int](
    name="targets", field="targets", effect=SetsTaskField("target"),
    label=Label("Mục tiêu", "Targets", en_short="Target"),
    parse=_integer(), default=lambda t: t.quantity, every_task=True,
    example_value=lambda t: t.quantity + 1, example_task=-1,
    doc=KeyDoc("task id: whole number", "{II.2: 40, V.2: 0}", "target quantity; 0 drops the task"),
)

SUPPORT_SHARE = SupportShare(
    name="support_share", field=None, effect=ChangesProgram(),
    label=Label("Tỷ lệ hỗ trợ từ ngân sách nhà nước", "State support share",
                vi_short="Tỷ lệ hỗ trợ của Nhà nước"),
    doc=KeyDoc("task id: share", '{II.2: "40%"}',
               "state share of each unit's cost; above the legal cap is rejected, citing the rule"),
)

ESCALATION = EscalationKey(
    name="escalation", field="escalation", effect=ChangesUnitCosts(),
    label=Label("Trượt giá chi phí", "Cost escalation"), consistency=_escalation_within_caps,
    doc=KeyDoc("mapping", '{rate: "5%", base_year: 2021, above_cap: hold_at_cap}',
               "unit costs grow each year after the base year"),
)

BUDGET = YearMoney(
    name="budget", field="local_budget", effect=CapsMoney("local_cap"), column="local",
    aliases=("local_budget",),
    label=Label("Vốn ngân sách địa phương", "Local budget", vi_short="Vốn NS"),
    doc=KeyDoc("per year (or `all`): an amount, or a percentage of the current figure",
               '{all: "-20%", 2024: 3500}', "local budget cap per year"),
)

COFUNDING = YearMoney(
    name="cofunding", field="cofunding", effect=CapsMoney("cofunding_cap"), column="other",
    label=Label("Vốn khác (doanh nghiệp đối ứng)", "Co-funding", vi_short="Vốn khác"),
    doc=KeyDoc("same", '{all: "-40%"}', "co-funding available per year"),
)

GROUP_CAPS = GroupCaps(
    name="group_caps", field="group_caps", effect=AddsCapLines(),
    label=Label("Trần vốn ngân sách địa phương chi cho một nhóm nhiệm vụ", "Cap on a group's local budget spending",
                vi_short="Trần vốn NS", en_short="Local budget cap"),
    doc=KeyDoc("group id: an amount for every year, or per year (or `all`): an amount, a percentage of the cap "
               "in force, or `none`", '{III: 800, VIII: {2024: 300}}',
               "the most local budget the group's tasks may use in a year; a year not given is not capped"),
)

FUNDING = SourceMoney(
    name="funding", field="funding", effect=AddsCapLines(),
    label=Label("Vốn từ các nguồn nhà nước khác", "Other state sources", vi_short="Nguồn khác",
                en_short="Other source"),
    doc=KeyDoc("source id: per year (or `all`): an amount, or a percentage of the current figure",
               '{national: {all: "-50%"}}',
               "the program's other state sources (e.g. national funds) per year; a program with the two "
               "default sources has none"),
)

WEIGHTS = PerTask[Fraction](
    name="weights", field="weights", effect=SetsTaskField("weight"),
    label=Label("Trọng số", "Weights", en_short="Weight"),
    parse=_weight, default=lambda t: Fraction(1), example_value=lambda t: Fraction(2),
    doc=KeyDoc("task id: number ≥ 0", "{II.2: 2}",
               "weight of the task's share in the objective (default 1)"),
)

FLOORS = PerTask[int](
    name="floors", field="floors", effect=SetsTaskField("floor"),
    label=Label("Mức tối thiểu phải giữ", "Floors", en_short="Floor"), consistency=_floors_within_targets,
    parse=_integer(), default=lambda t: 0, example_value=lambda t: 1,
    doc=KeyDoc("task id: whole number", "{VI.1: 6}",
               "must deliver at least this many (hard); above the target is an error"),
)

TIERS = PerTask[int](
    name="tiers", field="tiers", effect=SetsTaskField("tier"),
    label=Label("Thứ tự ưu tiên", "Priority tiers", en_short="Priority tier"),
    parse=_integer(1, 100), default=lambda t: 1, example_value=lambda t: 2, example_task=-1,
    doc=KeyDoc("task id: whole number ≥ 1", "{III.8: 2}",
               "priority tier (default 1); tier 1 is served fully before tier 2 is considered"),
)

CARRY_OVER = Flag(
    name="carry_over", field="carry_over", effect=SetsInputField("carry_over"),
    label=Label("Chuyển vốn chưa sử dụng sang năm sau", "Carry-over of unspent budget"),
    doc=KeyDoc("true / false", "true",
               "unspent local budget moves to the next year (default false, as budget law has it)"),
)

#: How to cut when money is short (``kgkc_opt.model.objectives``, docs/model.md "Cut policies").
POLICIES = ("most-targets", "fair", "keep-cofunding")

POLICY = Choice(
    name="policy", field="policy", effect=SetsInputField("policy"), options=POLICIES,
    default_value="most-targets",
    label=Label("Phương án phân bổ khi thiếu vốn", "Cut policy", vi_short="Phương án phân bổ"),
    doc=KeyDoc("most-targets / fair / keep-cofunding", "fair",
               "how to cut when money is short: most targets met (default), the worst-served task first, "
               "or the most enterprise co-funding kept"),
)

STRUCTURE = Switch(
    name="structure", field="structure", effect=SetsInputField("structure"),
    label=Label("Theo cách tổ chức thực hiện của Chương trình", "The program's structure",
                vi_short="Cách tổ chức thực hiện"),
    doc=KeyDoc("on / off", "off",
               "plan with the program's structure (cadences, linked tasks; default on) or without it, to compare"),
)

#: The scenario keys, in the order they are applied within one group of changes.
KEYS: tuple[Key, ...] = (
    NEW_TASKS, TARGETS, SUPPORT_SHARE, ESCALATION, BUDGET, COFUNDING, FUNDING, GROUP_CAPS, WEIGHTS, FLOORS, TIERS,
    CARRY_OVER, POLICY, STRUCTURE,
)


def key_named(name: str) -> Key | None:
    """The key of a document key or ``derive`` keyword (alias included), or None."""
    for key in KEYS:
        if name == key.name or name in key.aliases:
            return key
    return None


def change_key(change: Change) -> tuple[Key | None, str]:
    """The key a change-log line belongs to, and the rest of its path: ("budget.2024") -> (budget, "2024")."""
    name, _, part = change.key.partition(".")
    return key_named(name), part


# ---- documentation ---------------------------------------------------------------------------------

DOC_TABLE = ("<!-- scenario keys: generated from kgkc_opt/inputs/keys.py (render_docs); "
             "tests/inputs/test_keys.py checks it -->", "<!-- end of scenario keys -->")
DOC_ORDER = ("<!-- key order -->", "<!-- end of key order -->")


def reference_table() -> str:
    """The Markdown table of the scenario keys, in the order they are applied."""
    lines = ["| key | form | example | meaning | in tables (vi / en) |", "|---|---|---|---|---|"]
    for k in KEYS:
        example = k.doc.example if k.doc.example == "see below" else f"`{k.doc.example}`"
        lines.append(f"| `{k.name}` | {k.doc.form} | {example} | {k.doc.meaning} | "
                     f"{k.label.vi} / {k.label.en} |")
    return "\n".join(lines)


def order_text() -> str:
    return ", ".join(f"`{k.name}`" for k in KEYS)


def render_docs(text: str) -> str:
    """``text`` (docs/scenarios.md) with its generated parts made from ``KEYS``."""
    for (begin, end), body in ((DOC_TABLE, f"\n\n{reference_table()}\n\n"), (DOC_ORDER, order_text())):
        match = re.search(re.escape(begin) + r".*?" + re.escape(end), text, re.DOTALL)
        if match is None:
            raise ValueError(f"the docs have no generated part {begin!r} … {end!r}")
        text = f"{text[:match.start()]}{begin}{body}{end}{text[match.end():]}"
    return text

"""The kinds of scenario key: the ``Key`` every key is, and the kinds any program's keys are made of.

A kind says how a document's value of a key is read and what the key holds: an amount per year
(``YearMoney``), a value per task (``PerTask``), a flag (``Flag``, ``Switch``), one of a list of
names (``Choice``), an amount per year of each of the program's other state sources
(``SourceMoney``). The keys themselves, and the kinds only one key has, are declared in
``kgkc_opt.inputs.keys``; what a key's effect on the model input is, in
``kgkc_opt.inputs.effects``; its wording in the tables, in ``kgkc_opt.inputs.key_labels``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Generic, Protocol, TypeVar, cast

from kgkc_opt.inputs.actuals import Actuals
from kgkc_opt.inputs.changes import fmt_value
from kgkc_opt.inputs.effects import Effect, LineSpec, StateSource
from kgkc_opt.inputs.program import Program, Task
from kgkc_opt.inputs.reader import Collector, describe, join, number_hint, parse_percent


class ScenarioView(Protocol):
    """What a key reads of a built scenario (``kgkc_opt.inputs.scenario.Scenario`` is one; a key
    reads its own value from the attribute its ``field`` names)."""

    @property
    def program(self) -> Program: ...

    @property
    def actuals(self) -> Actuals | None: ...

    def unit_costs(self, task: Task, year: int) -> tuple[Fraction, Fraction]: ...

    def planned_years(self) -> tuple[int, ...]: ...


class DraftView(Protocol):
    """A scenario while documents are applied to it (``kgkc_opt.inputs.keys.Draft``): its program,
    each key's value by key name, and the change log."""

    program: Program
    values: dict[str, object]

    def log(self, key: str, old: object, new: object, source: str,
            values: tuple[object, object] | None = None) -> None: ...

    def add_tasks(self, tasks: tuple[Task, ...]) -> None: ...

    def replace_task(self, task: Task) -> None: ...


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
    doc: KeyDoc
    effect: Effect
    #: other keywords ``Scenario.derive`` accepts for this key
    aliases: tuple[str, ...] = ()
    #: a check of the whole scenario after each document (floors within targets, ...)
    consistency: Callable[[ScenarioView, Collector], None] | None = None

    # -- reading documents
    @abstractmethod
    def apply(self, d: DraftView, c: Collector, data: object, where: str, source: str) -> None:
        """Check one document's value of the key (at key path ``where``) and apply it to ``d``."""

    def initial(self, program: Program) -> object:
        """The key's value in the program as decided (for keys with a ``field``)."""
        raise TypeError(f"scenario key {self.name!r} holds no value of its own")

    def on_new_task(self, d: DraftView, task: Task) -> None:  # noqa: B027 (most keys need nothing)
        """A task was added to the program (by ``new_tasks``)."""

    def check(self, scn: ScenarioView, c: Collector) -> None:
        if self.consistency is not None:
            self.consistency(scn, c)

    @abstractmethod
    def example(self, program: Program) -> object:
        """A valid document value of this key for ``program`` (that changes something)."""

    # -- compare's input table
    def rows(self, scn: ScenarioView) -> Iterator[tuple[str, str]]:
        """(key path, value) rows of compare's input table."""
        return iter(())

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
    def _value(self, d: DraftView) -> object:
        return d.values[self.name]

    def _field(self, scn: ScenarioView) -> object:
        assert self.field is not None
        return getattr(scn, self.field)


def read_year(c: Collector, key: object, where: str, years: tuple[int, ...], extra: str = "'all'") -> int | None:
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


def money_change(c: Collector, value: object, where: str, old: Fraction) -> Fraction | None:
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


def year_updates(c: Collector, section: Mapping[Any, Any], where: str, years: tuple[int, ...],
                  current: Mapping[int, Fraction]) -> list[tuple[int, Fraction]]:
    """The new amounts of ``{all: ..., 2024: ...}`` (an amount or a percentage of the current
    one), in year order; a year named on its own overrides ``all`` for that year."""
    updates: dict[int, Fraction] = {}
    if "all" in section:
        for y in years:
            new = money_change(c, section["all"], join(where, "all"), current[y])
            if new is None:
                break  # the same value is wrong for every year: say it once
            updates[y] = new
    for key, value in section.items():
        if key == "all":
            continue
        year = read_year(c, key, join(where, key), years)
        if year is None or year not in current:
            continue
        new = money_change(c, value, join(where, key), current[year])
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

    def initial(self, program: Program) -> dict[int, Fraction]:
        return {y: getattr(b, self.column) for y, b in program.annual_budget.items()}

    def _get(self, d: DraftView) -> Mapping[int, Fraction]:
        return cast(Mapping[int, Fraction], self._value(d))

    def apply(self, d: DraftView, c: Collector, data: object, where: str, source: str) -> None:
        section = c.mapping(data, where)
        if section is None:
            return
        current = dict(self._get(d))
        for y, new in year_updates(c, section, where, d.program.years, current):
            d.log(f"{self.name}.{y}", current[y], new, source)
            current[y] = new
        d.values[self.name] = current

    def example(self, program: Program) -> object:
        return {"all": "-10%", program.years[-1]: "+5%"}

    def rows(self, scn: ScenarioView) -> Iterator[tuple[str, str]]:
        values = self.year_values(scn)
        for y in scn.program.years:
            yield f"{self.name}.{y}", fmt_value(values[y])

    def year_values(self, scn: ScenarioView) -> Mapping[int, Fraction]:
        return cast(Mapping[int, Fraction], self._field(scn))


N = TypeVar("N", int, Fraction)


def task_section(d: DraftView, c: Collector, data: object, where: str) -> dict[str, object]:
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

    def _get(self, d: DraftView) -> Mapping[str, N]:
        return cast(Mapping[str, N], self._value(d))

    def apply(self, d: DraftView, c: Collector, data: object, where: str, source: str) -> None:
        values = dict(self._get(d))
        for tid, raw in task_section(d, c, data, where).items():
            v = self.parse(c, raw, join(where, tid))
            if v is not None:
                d.log(f"{self.name}.{tid}", values.get(tid, self.default(d.program.task(tid))), v, source)
                values[tid] = v
        d.values[self.name] = values

    def on_new_task(self, d: DraftView, task: Task) -> None:
        if self.every_task:
            d.values[self.name] = {**self._get(d), task.id: self.default(task)}

    def example(self, program: Program) -> object:
        task = program.tasks[self.example_task % len(program.tasks)]
        value = self.example_value(task)
        return {task.id: plain_number(value) if isinstance(value, Fraction) else value}

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

    def apply(self, d: DraftView, c: Collector, data: object, where: str, source: str) -> None:
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


class Switch(Flag):
    """on (true) or off (false), on by default. Holds ``bool``."""

    def initial(self, program: Program) -> bool:
        return True

    def example(self, program: Program) -> object:
        return False

@dataclass(frozen=True, kw_only=True)
class Choice(Key):
    """One of a fixed list of names. Holds ``str``."""

    options: tuple[str, ...]
    default_value: str

    def initial(self, program: Program) -> str:
        return self.default_value

    def apply(self, d: DraftView, c: Collector, data: object, where: str, source: str) -> None:
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


def plain_number(value: Fraction) -> int | float:
    """A figure as a document writes it (the exact decimal it came from)."""
    return value.numerator if value.denominator == 1 else float(value)


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

    def apply(self, d: DraftView, c: Collector, data: object, where: str, source: str) -> None:
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
            for y, new in year_updates(c, years, sw, program.years, amounts):
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
                     cap=self.amounts(scn)[s.id], cost=StateSource(s.id),
                     source=f"{program.annual_budget_source}, {s.name.en}")
            for s in program.extra_sources
        )

    def rows(self, scn: ScenarioView) -> Iterator[tuple[str, str]]:
        for sid, amounts in self.amounts(scn).items():
            for y in scn.program.years:
                yield f"{self.name}.{sid}.{y}", fmt_value(amounts[y])

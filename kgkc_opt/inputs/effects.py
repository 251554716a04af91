"""What a scenario key does to the model input, as typed references (read by
``kgkc_opt.model.data.model_input``, which maps each reference to the one ``TaskSpec`` or
``ModelInput`` field it stands for: never a field named by a string).

A key declares one effect (``Key.effect``):

- ``SetsTaskField(TaskSetting.X)``: a value per task (``Key.task_value``);
- ``CapsMoney(MoneyLine.X)``: the yearly cap of one of the model's two money lines, the local
  budget or the co-funding (``Key.year_values``);
- ``SetsInputField(InputSetting.X)``: one value of the model input (``Key.input_value``);
- ``ChangesProgram()``: the tasks or their costs (the model reads them from ``Scenario.program``);
- ``ChangesUnitCosts()``: costs by year (``Key.varies_by_year``);
- ``AddsCapLines()``: extra money lines (``Key.cap_lines``, one ``LineSpec`` each).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction


class TaskSetting(enum.Enum):
    """A per-task value of the model a key sets (``TaskSpec.target``, ``.floor``, ...)."""

    TARGET = "target"
    FLOOR = "floor"
    WEIGHT = "weight"
    TIER = "tier"


class InputSetting(enum.Enum):
    """One value of the model input a key sets (``ModelInput.carry_over``, ...)."""

    CARRY_OVER = "carry_over"
    POLICY = "policy"
    STRUCTURE = "structure"


class MoneyLine(enum.Enum):
    """One of the model's two built-in money lines: the local budget (row ``local_cap[y]``) and
    the enterprises' co-funding (row ``cofunding_cap[y]``)."""

    LOCAL_BUDGET = "local_budget"
    COFUNDING = "cofunding"


@dataclass(frozen=True)
class SetsTaskField:
    """A per-task value: sets the ``TaskSpec`` value ``setting`` of every task (``Key.task_value``)."""

    setting: TaskSetting


@dataclass(frozen=True)
class CapsMoney:
    """An amount per year: the cap of the money line ``line`` in every planned year
    (``Key.year_values``)."""

    line: MoneyLine


@dataclass(frozen=True)
class SetsInputField:
    """One value: sets the ``ModelInput`` value ``setting`` (``Key.input_value``)."""

    setting: InputSetting


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
class StateSource:
    """What the program's state source ``id`` (national funds, ...) pays for a unit."""

    id: str


#: What a unit costs on an extra line: its local budget (in the year, escalation included), its
#: co-funding, or what one of the program's state sources pays for it.
LineCost = MoneyLine | StateSource


@dataclass(frozen=True)
class LineSpec:
    """One extra money line as a key declares it: its tasks, its cap per year and the ``cost`` of
    a unit it counts."""

    key: str
    tasks: tuple[str, ...]
    cap: Mapping[int, Fraction]
    cost: LineCost
    source: str

    @property
    def funding_source(self) -> str | None:
        """The program's state source this line is the column of, else None."""
        return self.cost.id if isinstance(self.cost, StateSource) else None


Effect = SetsTaskField | CapsMoney | SetsInputField | ChangesProgram | ChangesUnitCosts | AddsCapLines

"""The model's data: what one solve sees (``ModelInput``), built from a scenario.

``model_input(scenario)`` turns a program with a scenario's changes applied into per-task
``TaskSpec`` rows (allowed years, target, floor, weight, tier, per-unit local-budget and
co-funding costs, units already delivered) and per-year caps. The formulations that use it are in
``kgkc_opt.model.formulations`` (mathematics in docs/model.md; the code must match it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import TYPE_CHECKING

from kgkc_opt.inputs.effects import (
    AddsCapLines,
    CapsMoney,
    ChangesUnitCosts,
    InputSetting,
    MoneyLine,
    SetsInputField,
    SetsTaskField,
    StateSource,
    TaskSetting,
)
from kgkc_opt.inputs.keys import KEYS, Key
from kgkc_opt.money import lcm_of_denominators

if TYPE_CHECKING:
    from kgkc_opt.inputs.program import Program, Task
    from kgkc_opt.inputs.scenario import Scenario

#: Objective scales above this are not used (the objective stays fractional): integer
#: coefficients that large would hurt the solver more than integrality helps.
MAX_OBJECTIVE_SCALE = 10**9


@dataclass(frozen=True)
class TaskSpec:
    """One task as the model sees it."""

    task_id: str
    years: tuple[int, ...]
    target: int
    unit_local: Fraction
    unit_cofunding: Fraction
    floor: int = 0
    weight: Fraction = Fraction(1)
    tier: int = 1
    annual: bool = False
    #: units already delivered (frozen actuals); they count toward the target
    done: int = 0
    #: per-year (local, co-funding) unit costs where they differ from the flat ones (escalation)
    yearly_costs: Mapping[int, tuple[Fraction, Fraction]] | None = None
    #: how the units fall over the years (``inputs.structure.CADENCES``, or "any": no preference);
    #: None: "even" for a 'Hàng năm' task, else "any" (the model without the program's structure)
    cadence: str | None = None
    #: a target range's minimum (the target is its maximum): full credit at the minimum, further
    #: units counted by a later objective (``model.objectives``); None: a point target
    minimum: int | None = None

    @property
    def credit(self) -> int:
        """The units that earn the task's full share: the range's minimum, else the target."""
        return self.target if self.minimum is None else min(self.minimum, self.target)

    @property
    def effective_cadence(self) -> str:
        if self.cadence is not None:
            return self.cadence
        return "even" if self.annual else "any"

    @property
    def evenness_weight(self) -> int:
        """Weight of this task's unevenness in the schedule's evenness objective (0: none): a
        recurring payment first (10), then a 'Hàng năm' task (5: the decision says "every year"),
        then other even tasks and events (1)."""
        weight = EVENNESS_WEIGHTS.get(self.effective_cadence, 0)
        if weight and self.annual and self.effective_cadence == "even":
            return ANNUAL_EVENNESS_WEIGHT
        return weight

    def local(self, year: int) -> Fraction:
        """s_{t,y}: local budget per unit in a year."""
        if self.yearly_costs and year in self.yearly_costs:
            return self.yearly_costs[year][0]
        return self.unit_local

    def cofunding(self, year: int) -> Fraction:
        """o_{t,y}: co-funding per unit in a year."""
        if self.yearly_costs and year in self.yearly_costs:
            return self.yearly_costs[year][1]
        return self.unit_cofunding

    @property
    def remaining(self) -> int:
        """Units that may still be delivered: the target less what is done."""
        return max(self.target - self.done, 0)

    @property
    def remaining_floor(self) -> int:
        return max(self.floor - self.done, 0)


#: Evenness weights per cadence: a recurring payment first, then even tasks and events.
EVENNESS_WEIGHTS = {"recurring": 10, "even": 1, "events": 1}
ANNUAL_EVENNESS_WEIGHT = 5


@dataclass(frozen=True)
class LinkSpec:
    """Units of ``task`` only in years with units of ``leader``; at most ``per_unit`` per unit of it."""

    key: str
    task: str
    leader: str
    per_unit: Fraction | None
    source: str = ""


@dataclass(frozen=True)
class RelationSpec:
    """An enforced relation between totals (delivered units included): Σ left (op) Σ right."""

    key: str
    left: tuple[str, ...]
    op: str
    right: tuple[str, ...]
    source: str = ""


@dataclass(frozen=True)
class CapLine:
    """An extra money line: a per-unit cost for some tasks and a cap per year.

    Every unit of task t in year y uses ``cost(t, y)`` of the line: ``yearly_cost[(t, y)]`` where
    given (costs that change by year, e.g. a group's local-budget spend under escalation), else
    ``unit_cost[t]``; the line's spend in y may not exceed ``cap[y]`` (row ``line_cap[KEY,y]``).
    A year without a cap is not limited. A shared national budget on top of the provincial
    ones, one province's budget inside a national model, or a cap on a group of tasks' spending
    is such a line.
    """

    key: str
    unit_cost: Mapping[str, Fraction]
    cap: Mapping[int, Fraction]
    source: str = ""
    yearly_cost: Mapping[tuple[str, int], Fraction] | None = None
    #: the program's funding source whose annual column this line is (national funds, ...), else None
    funding_source: str | None = None

    def cost(self, task_id: str, year: int) -> Fraction:
        if self.yearly_cost is not None and (task_id, year) in self.yearly_cost:
            return self.yearly_cost[(task_id, year)]
        return self.unit_cost.get(task_id, Fraction(0))

    @property
    def task_ids(self) -> frozenset[str]:
        """The tasks with a cost on this line."""
        ids = {t for t, c in self.unit_cost.items() if c}
        if self.yearly_cost is not None:
            ids |= {t for (t, _), c in self.yearly_cost.items() if c}
        return frozenset(ids)


@dataclass(frozen=True)
class ModelInput:
    """Everything the model needs; built from a program and a scenario (``Scenario.model_input``)."""

    years: tuple[int, ...]
    tasks: tuple[TaskSpec, ...]
    #: the local budget of each planned year (the ``budget`` key, ``Scenario.local_budget``,
    #: ``MoneyLine.LOCAL_BUDGET``; its rows are ``local_cap[y]``, its budget table rows "local")
    local_budget: Mapping[int, Fraction]
    cofunding_cap: Mapping[int, Fraction]
    carry_over: bool = False
    #: unspent local budget brought into the first planned year (replanning with carry-over)
    opening_carry: Fraction = Fraction(0)
    cap_source: str = "annual budget table"
    task_sources: Mapping[str, str] = field(default_factory=dict)
    #: extra money lines (each an integral cap row per year); none for a provincial program
    lines: tuple[CapLine, ...] = ()
    #: the program's structure (hard rules of how it is carried out), empty when switched off
    links: tuple[LinkSpec, ...] = ()
    relations: tuple[RelationSpec, ...] = ()
    #: how to cut when money is short (``model.objectives.POLICIES``)
    policy: str = "most-targets"
    #: whether the program's structure applies (``with_structure``)
    structure: bool = True

    @property
    def planned_years(self) -> tuple[int, ...]:
        """The years still to plan (those with a cap)."""
        return tuple(y for y in self.years if y in self.local_budget)

    def rank(self, task_id: str) -> int:
        """The task's position in the program's table (0 first)."""
        for i, t in enumerate(self.tasks):
            if t.task_id == task_id:
                return i
        raise KeyError(task_id)

    def task(self, task_id: str) -> TaskSpec:
        for t in self.tasks:
            if t.task_id == task_id:
                return t
        raise KeyError(task_id)

    @property
    def planned_tasks(self) -> tuple[TaskSpec, ...]:
        """Tasks with a positive target (a target of 0 drops the task)."""
        return tuple(t for t in self.tasks if t.target > 0)

    def columns(self) -> list[tuple[str, int]]:
        """(task, year) pairs that get a variable: planned tasks in their allowed, planned years."""
        return [
            (t.task_id, y)
            for t in self.planned_tasks
            for y in t.years
            if y in self.local_budget and t.remaining > 0
        ]

    def achievement_coefficients(self) -> dict[str, Fraction]:
        """w_t / T_t: what one more unit of task t adds to the objective (T_t: a range's minimum)."""
        return {t.task_id: t.weight / t.credit for t in self.planned_tasks}

    def objective_scale(self) -> int:
        """D: the objective is multiplied by D so its coefficients are integers (1 if too large)."""
        d = lcm_of_denominators(self.achievement_coefficients().values())
        return d if d <= MAX_OBJECTIVE_SCALE else 1

    def tiers(self) -> list[int]:
        return sorted({t.tier for t in self.planned_tasks})


def model_input(scenario: Scenario, *, structure: bool | None = None) -> ModelInput:
    """The model's input of a scenario: per-unit costs from its program (escalation applied), units
    done from its actuals, and what each scenario key declares it sets (``kgkc_opt.inputs.effects``,
    read by ``key_effects``): a ``TaskSpec`` value per task (``task_spec``), the cap of a money line
    per planned year, a ``ModelInput`` value, extra money lines (``cap_lines``: a unit's cost on the
    line per year, so escalation counts; only the planned years the line caps). No key is named
    here: a new key of an existing kind needs nothing in this function. Then the program's
    structure (``with_structure``), unless ``structure`` (default: the scenario's own setting)
    switches it off."""
    program = scenario.program
    effects = key_effects(scenario)
    done = scenario.actuals.done() if scenario.actuals else {}
    specs = tuple(task_spec(scenario, task, effects, done.get(task.id, 0)) for task in program.tasks)
    planned = scenario.planned_years()
    inp = ModelInput(
        years=program.years,
        tasks=specs,
        local_budget=effects.planned_cap(MoneyLine.LOCAL_BUDGET, planned),
        cofunding_cap=effects.planned_cap(MoneyLine.COFUNDING, planned),
        carry_over=effects.flag(InputSetting.CARRY_OVER, False),
        opening_carry=opening_carry(scenario, effects),
        cap_source=program.annual_budget_source,
        task_sources={t.id: t.source for t in program.tasks},
        lines=cap_lines(scenario, specs, effects),
        policy=str(effects.settings.get(InputSetting.POLICY, "most-targets")),
        structure=effects.flag(InputSetting.STRUCTURE, True),
    )
    on = inp.structure if structure is None else structure
    return with_structure(inp, program) if on else replace(inp, structure=False)


@dataclass(frozen=True)
class KeyEffects:
    """What a scenario's keys set in the model input, by the typed references of their effects."""

    #: the keys that set a per-task value, by the value they set
    task_keys: Mapping[TaskSetting, Key]
    #: each built-in money line's cap over the whole period
    caps: Mapping[MoneyLine, Mapping[int, Fraction]]
    settings: Mapping[InputSetting, object]
    #: whether unit costs depend on the year (escalation in force)
    by_year: bool
    line_keys: tuple[Key, ...]

    def planned_cap(self, line: MoneyLine, planned: tuple[int, ...]) -> dict[int, Fraction]:
        return {y: self.caps[line][y] for y in planned}

    def flag(self, setting: InputSetting, default: bool) -> bool:
        return bool(self.settings.get(setting, default))


def key_effects(scenario: Scenario) -> KeyEffects:
    """Each key's effect on the model input, read from its declaration (``Key.effect``)."""
    task_keys: dict[TaskSetting, Key] = {}
    caps: dict[MoneyLine, Mapping[int, Fraction]] = {}
    settings: dict[InputSetting, object] = {}
    by_year = False
    line_keys: list[Key] = []
    for key in KEYS:
        effect = key.effect
        if isinstance(effect, SetsTaskField):
            task_keys[effect.setting] = key
        elif isinstance(effect, CapsMoney):
            caps[effect.line] = key.year_values(scenario)
        elif isinstance(effect, SetsInputField):
            settings[effect.setting] = key.input_value(scenario)
        elif isinstance(effect, ChangesUnitCosts):
            by_year = by_year or key.varies_by_year(scenario)
        elif isinstance(effect, AddsCapLines):
            line_keys.append(key)
        # ChangesProgram: the tasks and costs are read from scenario.program
    return KeyEffects(task_keys, caps, settings, by_year, tuple(line_keys))


def task_spec(scenario: Scenario, task: Task, effects: KeyEffects, done: int) -> TaskSpec:
    """A task as the model sees it: its program row, the values the keys set, what is done."""
    values = {setting: key.task_value(scenario, task) for setting, key in effects.task_keys.items()}
    target = int(values.get(TaskSetting.TARGET, task.quantity))
    dated = scenario.program.support_rules[task.support_rule].dated
    return TaskSpec(
        task_id=task.id, years=task.years, target=target, unit_local=task.unit_local,
        unit_cofunding=task.unit_other, floor=int(values.get(TaskSetting.FLOOR, 0)),
        weight=Fraction(values.get(TaskSetting.WEIGHT, Fraction(1))), tier=int(values.get(TaskSetting.TIER, 1)),
        annual=task.annual, done=done,
        yearly_costs={y: scenario.unit_costs(task, y) for y in task.years} if effects.by_year or dated else None,
        # a scenario that sets a range task's target states a point target
        minimum=task.quantity_min if target == task.quantity else None,
    )


def task_setting(spec: TaskSpec, setting: TaskSetting) -> int | Fraction:
    """The value ``setting`` of a task in the model (what a key with that effect set)."""
    values: dict[TaskSetting, int | Fraction] = {
        TaskSetting.TARGET: spec.target, TaskSetting.FLOOR: spec.floor, TaskSetting.WEIGHT: spec.weight,
        TaskSetting.TIER: spec.tier,
    }
    return values[setting]


def input_setting(inp: ModelInput, setting: InputSetting | MoneyLine) -> object:
    """The value of the model input a key with that effect set (a money line: its planned caps)."""
    values: dict[InputSetting | MoneyLine, object] = {
        InputSetting.CARRY_OVER: inp.carry_over, InputSetting.POLICY: inp.policy,
        InputSetting.STRUCTURE: inp.structure, MoneyLine.LOCAL_BUDGET: inp.local_budget,
        MoneyLine.COFUNDING: inp.cofunding_cap,
    }
    return values[setting]


def cap_lines(scenario: Scenario, specs: tuple[TaskSpec, ...], effects: KeyEffects) -> tuple[CapLine, ...]:
    """The extra money lines the keys add, each capping only the planned years it names."""
    program = scenario.program
    planned = scenario.planned_years()
    by_id = {task.id: task for task in program.tasks}
    lines = []
    for key in effects.line_keys:
        for line in key.cap_lines(scenario):
            members = [spec for spec in specs if spec.task_id in line.tasks]
            cap = {y: line.cap[y] for y in planned if y in line.cap}
            if not cap:
                continue  # it caps only years that are no longer planned
            if isinstance(line.cost, StateSource):
                # a state source's part of a unit: the same every year (escalation and dated rules
                # change the local budget's and the co-funding's parts only)
                src = program.source_named(line.cost.id)
                lines.append(CapLine(key=line.key, source=line.source, cap=cap, funding_source=src.id,
                                     unit_cost={spec.task_id: by_id[spec.task_id].unit_source(src)
                                                for spec in members}))
                continue
            local = line.cost is MoneyLine.LOCAL_BUDGET
            lines.append(CapLine(
                key=line.key, source=line.source, cap=cap,
                unit_cost={spec.task_id: spec.unit_local if local else spec.unit_cofunding for spec in members},
                yearly_cost={(spec.task_id, y): spec.local(y) if local else spec.cofunding(y)
                             for spec in members if spec.yearly_costs is not None for y in spec.years} or None,
            ))
    return tuple(lines)


def opening_carry(scenario: Scenario, effects: KeyEffects) -> Fraction:
    """Unspent local budget of the years already done, brought into the first planned year (with
    carry-over and actuals; else 0)."""
    if scenario.actuals is None or not effects.flag(InputSetting.CARRY_OVER, False):
        return Fraction(0)
    planned = scenario.planned_years()
    spent = scenario.actuals.spend_by_year()
    budget = effects.caps[MoneyLine.LOCAL_BUDGET]
    return sum((budget[y] - spent.get(y, Fraction(0)) for y in scenario.program.years if y not in planned),
               Fraction(0))


def with_structure(inp: ModelInput, program: Program) -> ModelInput:
    """``inp`` with the program's structure: cadences, links (a linked task runs only in the years
    its leader may run) and the relations marked ``enforce``."""
    st = program.structure
    links = tuple(LinkSpec(f"{ln.id}:{ln.task}<{ln.leader}", ln.task, ln.leader, ln.per_unit, ln.source)
                  for ln in st.links)
    leaders = {ln.task: ln.leader for ln in links}
    by_id = {t.task_id: t for t in inp.tasks}
    tasks = []
    for t in inp.tasks:
        years = t.years
        if t.task_id in leaders and leaders[t.task_id] in by_id:
            lead_years = set(by_id[leaders[t.task_id]].years)
            years = tuple(y for y in t.years if y in lead_years)
        tasks.append(replace(t, cadence=st.cadence_of(t.task_id), years=years))
    relations = tuple(RelationSpec(r.id, r.left, r.op, r.right, r.source) for r in program.relations if r.enforce)
    return replace(inp, tasks=tuple(tasks), links=links, relations=relations)

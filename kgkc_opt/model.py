"""The allocation model (mathematics in docs/model.md; this code must match it).

Input is a ``ModelInput``: per task its allowed years, target, floor, weight, priority tier and
per-unit local-budget and co-funding costs; per year the local-budget and co-funding caps.

Formulations, all minimisation problems (so dual signs agree across solvers). They are written
once, as solver-neutral arrays, in ``linear.py``; ``build_full`` / ``build_aggregate`` give them
as PuLP problems, and ``fastpath`` passes the same arrays to HiGHS directly:

``full``       the model of docs/model.md: integer q[t,y] for every task and allowed year, annual
               caps, targets, floors; maximise the weighted share of targets met.
``aggregate``  a relaxation over totals x[t] = Σ_y q[t,y] with one cap row per set of years that
               some tasks are confined to (Hall-type rows), caps rounded down to each year's money
               lattice, and x[t] bounded by what fits in its years. Its optimum bounds the full
               model's.
``schedule``   the full model with every total fixed (Σ_y q[t,y] = x[t]), each cap row written
               with a slack (Σ a·q + s_y = b_y) and the slack left by the totals bounded per set of
               years (``fill`` rows); its objective is the tie-break (an even spread of 'Hàng năm'
               tasks). If it is feasible, x is optimal for the full model, proved by the bound.
``plan_lp``    the full model's LP with q[t,y] continuous and bounded below by an integer plan:
               its row duals are the shadow prices (see ``docs/model.md`` for why the plan is a
               floor rather than fixed).

Money rows over integer variables are scaled to integer coefficients with the right-hand side
rounded down (``money.integral_row``): exact, and a valid cut. The objective is scaled by the
least common multiple D of the denominators of w_t/T_t so that its coefficients are integers.
Every row has a readable key (``local_cap[2023]``) mapped to its source in the program.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from .money import lcm_of_denominators

if TYPE_CHECKING:
    import pulp

#: Objective scales above this are not used (the objective stays fractional): integer
#: coefficients that large would hurt the solver more than integrality helps.
MAX_OBJECTIVE_SCALE = 10**9
#: Above this many years the aggregate relaxation uses only intervals of years and the task
#: year-sets instead of every union of them.
MAX_SUBSET_YEARS = 10


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


@dataclass(frozen=True)
class CapLine:
    """An extra money line: a per-unit cost for some tasks and a cap per year.

    Every unit of task t in year y uses ``unit_cost[t]`` of the line, and the line's spend in y
    may not exceed ``cap[y]`` (row ``line_cap[KEY,y]``). A shared national budget on top of the
    provincial ones, or one province's budget inside a national model, is such a line.
    """

    key: str
    unit_cost: Mapping[str, Fraction]
    cap: Mapping[int, Fraction]
    source: str = ""


@dataclass(frozen=True)
class ModelInput:
    """Everything the model needs; built from a program and a scenario (``Scenario.model_input``)."""

    years: tuple[int, ...]
    tasks: tuple[TaskSpec, ...]
    local_cap: Mapping[int, Fraction]
    cofunding_cap: Mapping[int, Fraction]
    carry_over: bool = False
    #: unspent local budget brought into the first planned year (replanning with carry-over)
    opening_carry: Fraction = Fraction(0)
    cap_source: str = "annual budget table"
    task_sources: Mapping[str, str] = field(default_factory=dict)
    #: extra money lines (each an integral cap row per year); none for a provincial program
    lines: tuple[CapLine, ...] = ()

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
            if y in self.local_cap and t.remaining > 0
        ]

    def achievement_coefficients(self) -> dict[str, Fraction]:
        """w_t / T_t: what one more unit of task t adds to the objective."""
        return {t.task_id: t.weight / t.target for t in self.planned_tasks}

    def objective_scale(self) -> int:
        """D: the objective is multiplied by D so its coefficients are integers (1 if too large)."""
        d = lcm_of_denominators(self.achievement_coefficients().values())
        return d if d <= MAX_OBJECTIVE_SCALE else 1

    def tiers(self) -> list[int]:
        return sorted({t.tier for t in self.planned_tasks})


@dataclass(frozen=True)
class RowInfo:
    """What a model row is, in the program's terms."""

    key: str
    kind: str
    source: str
    scale: Fraction = Fraction(1)
    year: int | None = None
    task_id: str | None = None


@dataclass
class BuiltModel:
    """A PuLP problem and the maps back to the program: variables by (task, year), rows by key."""

    kind: str
    problem: pulp.LpProblem
    variables: dict[Any, Any]
    rows: dict[str, RowInfo]
    pulp_names: dict[str, str]
    objective_scale: int
    objective_offset: Fraction = Fraction(0)
    extra: dict[str, Any] = field(default_factory=dict)
    #: the solver-neutral model this problem was made from (``linear.LinearModel``)
    linear: Any = None

    def constraint(self, key: str) -> Any:
        return self.problem.get_constraint_by_name(self.pulp_names[key])


_SAFE = re.compile(r"[^A-Za-z0-9_]")


def pulp_name(key: str) -> str:
    """A PuLP-safe name for a readable key: local_cap[2023] -> local_cap_2023."""
    return _SAFE.sub("_", key.replace("[", "_").replace("]", "")).strip("_")


class _Builder:
    def __init__(self, kind: str, inp: ModelInput):
        import pulp

        self.inp = inp
        self.problem = pulp.LpProblem(f"kgkc_{kind}", pulp.LpMinimize)
        self.rows: dict[str, RowInfo] = {}
        self.names: dict[str, str] = {}
        self.kind = kind

    def var(self, key: str, low: float | None, high: float | None, *, integer: bool) -> Any:
        return self.problem.add_variable(
            pulp_name(key), lowBound=low, upBound=high, cat="Integer" if integer else "Continuous"
        )

    def add(self, key: str, constraint: Any, info: RowInfo) -> None:
        name = pulp_name(key)
        self.problem += (constraint, name)
        self.rows[key] = info
        self.names[key] = name

    def done(self, variables: dict[Any, Any], scale: int, **extra: Any) -> BuiltModel:
        return BuiltModel(self.kind, self.problem, variables, self.rows, self.names, scale, extra=extra)


def build_full(
    inp: ModelInput, *, tier: int | None = None, tier_values: Mapping[int, Fraction] | None = None,
    integral: bool = True, lower: Mapping[tuple[str, int], int] | None = None,
    continuous: bool = False, fixed_totals: Mapping[str, int] | None = None,
    objective: str = "primary",
) -> BuiltModel:
    """The full model (and, with options, the schedule model and the plan LP), as a PuLP problem.

    ``fixed_totals`` fixes Σ_y q[t,y] (the schedule model); ``lower`` bounds q below by a plan
    and ``continuous`` drops integrality (the plan LP); ``objective`` is "primary", "spread" or
    "feasibility". The rows are those of ``linear.linear_full`` (one formulation for PuLP and
    for the direct HiGHS path).
    """
    from .linear import linear_full, to_pulp

    return to_pulp(linear_full(inp, tier=tier, tier_values=tier_values, integral=integral, lower=lower,
                               continuous=continuous, fixed_totals=fixed_totals, objective=objective))


def year_sets(inp: ModelInput) -> list[tuple[int, ...]]:
    """The sets of years S for the aggregate's Hall-type rows: every union of task year-sets.

    Only a union matters: for any S, the tasks confined to S are confined to the union U ⊆ S of
    their year-sets, and U's cap is the tighter one.
    """
    years = [y for y in inp.years if y in inp.local_cap]
    task_sets = {tuple(y for y in t.years if y in years) for t in inp.planned_tasks if t.remaining > 0}
    task_sets.discard(())
    result: set[tuple[int, ...]] = set()
    if len(years) <= MAX_SUBSET_YEARS:
        for r in range(1, len(years) + 1):
            for s in itertools.combinations(years, r):
                covered = [ts for ts in task_sets if set(ts) <= set(s)]
                if covered and set().union(*covered) == set(s):
                    result.add(s)
    else:
        result |= task_sets
        for i in range(len(years)):
            for j in range(i, len(years)):
                s = tuple(years[i : j + 1])
                if any(set(ts) <= set(s) for ts in task_sets):
                    result.add(s)
    return sorted(result, key=lambda s: (len(s), s))


def build_aggregate(
    inp: ModelInput, *, tier: int | None = None, tier_values: Mapping[int, Fraction] | None = None,
) -> BuiltModel:
    """The aggregate relaxation over x[t] (``linear.linear_aggregate``), as a PuLP problem."""
    from .linear import linear_aggregate, to_pulp

    return to_pulp(linear_aggregate(inp, tier=tier, tier_values=tier_values))

"""A model as solver-neutral arrays: columns, rows with readable keys, and what each row is.

Every formulation of ``kgkc_opt.model.formulations`` is written as a ``LinearModel``; the solver
back-ends (``kgkc_opt.solver``) pass the same arrays to HiGHS directly or build a PuLP problem
from them. Each row has a readable key (``local_cap[2023]``) and a ``RowInfo`` saying what it is
in the program's terms; ``ModelExtras`` says what else the builder knows (the objective and its
scale, the elastic columns, ...).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

INF = math.inf

#: What a model is (``model.formulations`` has one builder per kind; "selection" is the annual
#: selection's model, ``model.selection``).
ModelKind = Literal["full", "aggregate", "coupled", "schedule", "plan_lp", "lp", "elastic", "elastic_aggregate",
                    "reconstruct", "selection"]
#: A model's variable space: q[t,y] per task and year ("plan"), x[t] per task ("totals"), or both,
#: the totals spread over the years ("coupled").
Space = Literal["plan", "totals", "coupled"]


@dataclass(frozen=True)
class RowInfo:
    """What a model row is, in the program's terms."""

    key: str
    kind: str
    source: str
    scale: Fraction = Fraction(1)
    year: int | None = None
    task_id: str | None = None


@dataclass(frozen=True)
class ObjectiveInfo:
    """Which objective a model maximises, as the minimisation of its negation scaled to integer
    coefficients, so that a bound can be read back exactly: objective = ``offset`` − (minimised
    value) / ``scale``. ``column``: the objective's own column where it has one (the smallest share,
    ``min_share``), else None."""

    key: str
    scale: int | Fraction
    offset: Fraction = Fraction(0)
    column: int | None = None


@dataclass
class ModelExtras:
    """What a model's builder says about it besides its arrays, each by meaning."""

    #: the objective maximised (None: a feasibility model, or one that minimises)
    objective: ObjectiveInfo | None = None
    #: rows left out and why, by what they would have been
    excluded: dict[str, str] = field(default_factory=dict)
    #: elastic columns: extra whole đồng by (line, year), lowered floors by task, over/under by row key
    extra_money: dict[tuple[str, int], int] = field(default_factory=dict)
    lowered_floors: dict[str, int] = field(default_factory=dict)
    mismatch: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: the carry-over columns by year
    carry: dict[int, int] = field(default_factory=dict)
    #: tasks whose floor no year left can meet (the model is infeasible as built)
    unreachable_floors: list[str] = field(default_factory=list)
    #: the annual selection's least-budget model: million VND per unit of its column ``extra``
    extra_unit: Fraction | None = None
    #: the rhythm's recurring-level column of each task (``model.adoptability``: its bands)
    rhythm_levels: dict[str, int] = field(default_factory=dict)


@dataclass
class LinearModel:
    """A minimisation problem as arrays; rows are ``lower ≤ Σ value·col ≤ upper``."""

    kind: ModelKind
    objective_scale: int = 1
    col_names: list[str] = field(default_factory=list)
    col_lower: list[float] = field(default_factory=list)
    col_upper: list[float] = field(default_factory=list)
    col_integer: list[bool] = field(default_factory=list)
    col_cost: list[float] = field(default_factory=list)
    row_keys: list[str] = field(default_factory=list)
    row_lower: list[float] = field(default_factory=list)
    row_upper: list[float] = field(default_factory=list)
    row_index: list[list[int]] = field(default_factory=list)
    row_value: list[list[float]] = field(default_factory=list)
    rows: dict[str, RowInfo] = field(default_factory=dict)
    #: the model's main variables (q[t,y] by (task, year), or x[t] by task) -> column
    variables: dict[Any, int] = field(default_factory=dict)
    extra: ModelExtras = field(default_factory=ModelExtras)

    def col(self, name: str, low: float, high: float, *, integer: bool, cost: float = 0.0) -> int:
        self.col_names.append(name)
        self.col_lower.append(low)
        self.col_upper.append(high)
        self.col_integer.append(integer)
        self.col_cost.append(cost)
        return len(self.col_names) - 1

    def row(self, key: str, terms: list[tuple[int, float]], low: float, high: float,
            info: RowInfo) -> None:
        self.row_keys.append(key)
        self.row_index.append([j for j, _ in terms])
        self.row_value.append([a for _, a in terms])
        self.row_lower.append(low)
        self.row_upper.append(high)
        self.rows[key] = info

    @property
    def is_mip(self) -> bool:
        return any(self.col_integer)

    def row_number(self, key: str) -> int:
        return self.row_keys.index(key)

"""Typed solve results: a status enum and a frozen result whose plan is read only after its status.

Tables are tidy pandas DataFrames with columns named after the model's dimensions, built from the
result's plain rows (``Result.rows``, ``solver.tables``) the first time each is asked for: a solve
that only writes files or prints (``kgkc-opt solve --out``) never imports pandas.

``allocation``   index (task_id, year); quantity, local_budget, cofunding   (money: million VND)
``achievement``  index task_id; target, achieved, share, shortfall, floor, weight, tier
``budget``       index (year, source); cap, used, slack, shadow_price
                 source is ``local`` or ``cofunding``; shadow_price is the objective gained per
                 extra million VND (see docs/model.md)
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from kgkc_opt._version import __version__
from kgkc_opt.errors import NoSolutionError, Said
from kgkc_opt.solver.status import Status
from kgkc_opt.solver.tables import FRAMES, TableRows

if TYPE_CHECKING:
    import pandas as pd

    from kgkc_opt.inputs.scenario import Change


@dataclass(frozen=True)
class Result:
    """The outcome of solving one scenario.

    Read ``status`` (or ``has_plan``) first: the plan, the objective, its bound and gap, the
    objective values and the tables exist only when the status is optimal or feasible; asking
    for them otherwise raises ``NoSolutionError`` saying why.

    ``objective`` is the weighted share of targets met (whatever the policy and the tiers);
    ``bound`` and ``gap`` are of the same quantity: a proven upper bound on it at the policy's
    optimum (never below the plan's own), and the relative gap between them (``solver.bounds``);
    ``objective_values`` holds the exact value of every objective of the policy, in order.
    """

    status: Status
    scenario: str
    program: str
    solver: str
    solver_version: str
    method: str
    max_objective: float
    changes: tuple[Change, ...]
    input_hash: str
    solver_options: Mapping[str, Any]
    message: str = ""
    explanation: Any = None
    policy: str = "most-targets"
    timings: Mapping[str, float] = field(default_factory=dict, compare=False)
    #: the rules of the program's rhythm the plan does not keep, and why (``solver.rhythm.RhythmNote``;
    #: worded by ``analysis.adoptability.describe``); empty: the plan keeps the rhythm
    rhythm: tuple[Any, ...] = field(default=(), compare=False)
    _objective: float | None = field(default=None, repr=False)
    _bound: float | None = field(default=None, repr=False)
    _gap: float | None = field(default=None, repr=False)
    _values: Mapping[str, Fraction] | None = field(default=None, repr=False, compare=False)
    _exact: Fraction | None = field(default=None, repr=False, compare=False)
    _rows: TableRows | None = field(default=None, repr=False, compare=False)
    _plan: Mapping[tuple[str, int], int] | None = field(default=None, repr=False, compare=False)
    #: the DataFrames built so far from ``_rows`` (not copied by ``dataclasses.replace``)
    _frames: dict[str, pd.DataFrame] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def has_plan(self) -> bool:
        return self.status.has_plan

    def _need_plan(self, what: Said) -> None:
        if not self.has_plan:
            raise NoSolutionError("scenario {scenario!r} has no plan ({status}); {what} is only available when "
                                  "status is optimal or feasible.{message}", scenario=self.scenario,
                                  status=self.status.value, what=what,
                                  message=f" {self.message}".rstrip())

    @property
    def plan(self) -> Mapping[tuple[str, int], int]:
        """Units per (task_id, year)."""
        self._need_plan(Said("the plan"))
        assert self._plan is not None
        return self._plan

    @property
    def objective(self) -> float:
        """The weighted share of targets met (of ``max_objective``)."""
        self._need_plan(Said("the objective"))
        assert self._objective is not None
        return self._objective

    @property
    def exact_objective(self) -> Fraction:
        """The weighted share of targets met, as an exact fraction."""
        self._need_plan(Said("the objective"))
        assert self._exact is not None
        return self._exact

    @property
    def bound(self) -> float:
        """A proven upper bound on ``objective`` at the policy's optimum (never below ``objective``)."""
        self._need_plan(Said("the bound"))
        assert self._bound is not None
        return self._bound

    @property
    def gap(self) -> float:
        """(bound − objective) / objective: how far below the optimum the plan may be (0: optimal)."""
        self._need_plan(Said("the gap"))
        assert self._gap is not None
        return self._gap

    @property
    def objective_values(self) -> Mapping[str, Fraction]:
        """The exact value of each objective of the policy (``model.objectives``), in order."""
        self._need_plan(Said("the objective values"))
        return dict(self._values or {})

    @property
    def rows(self) -> TableRows:
        """The three tables as plain rows (named tuples; no pandas), in table order."""
        self._need_plan(Said("the tables"))
        assert self._rows is not None
        return self._rows

    def _frame(self, name: str, what: Said) -> pd.DataFrame:
        self._need_plan(what)
        if name not in self._frames:
            self._frames[name] = FRAMES[name](self.rows)
        return self._frames[name]

    @property
    def allocation(self) -> pd.DataFrame:
        return self._frame("allocation", Said("the allocation"))

    @property
    def achievement(self) -> pd.DataFrame:
        return self._frame("achievement", Said("the achievement table"))

    @property
    def budget(self) -> pd.DataFrame:
        return self._frame("budget", Said("the budget table"))

    @property
    def shortfalls(self) -> pd.DataFrame:
        """Tasks short of their target, largest share missing first."""
        a = self.achievement
        short = a[a["shortfall"] > 0].copy()
        return short.sort_values(["share", "shortfall"], ascending=[True, False])

    def summary(self) -> dict[str, Any]:
        """The record written to summary.json (no timings: same input, same bytes)."""
        return {
            "status": self.status.value,
            "scenario": self.scenario,
            "program": self.program,
            "objective": self._objective,
            "max_objective": self.max_objective,
            "bound": self._bound,
            "gap": self._gap,
            "policy": self.policy,
            "method": self.method,
            "solver": self.solver,
            "solver_version": self.solver_version,
            "solver_options": dict(self.solver_options),
            "kgkc_opt": __version__,
            "input_hash": self.input_hash,
            "changes": [str(c) for c in self.changes],
            "message": self.message,
        }

    def __repr__(self) -> str:
        head = f"<Result {self.scenario!r}: {self.status.value}"
        if self.has_plan:
            head += f", objective {self.objective:.6f} of {self.max_objective:g}"
            if self.gap:
                head += f" (gap ≤ {self.gap:.2e})"
            n_short = sum(1 for r in self.rows.achievement if r.shortfall > 0)
            head += f", {n_short} task(s) short of target"
        return head + ">"

    def _repr_html_(self) -> str:
        parts = [f"<p><b>{html.escape(repr(self))}</b></p>"]
        if self.has_plan:
            parts.append("<p>Budget by year and source (million VND)</p>")
            parts.append(self.budget.round(3).to_html())
            short = self.shortfalls
            if len(short):
                parts.append("<p>Tasks short of target</p>")
                parts.append(short.round(4).to_html())
        elif self.message:
            parts.append(f"<pre>{html.escape(self.message)}</pre>")
        return "\n".join(parts)

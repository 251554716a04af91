"""The values a study of a scenario hands to the documents: typed, frozen, exact.

``analysis.study.study`` computes a ``ScenarioStudy`` (solving, re-solving, verifying); the report
floor renders it and never solves. This module holds only the types, so that ``report`` may
import them without importing any solving code (an import-linter contract keeps it so). Money is
in million VND as exact ``Fraction``s; causes are codes and values (``Cause.kind``, ids, years,
units), worded by ``report``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import pandas as pd

    from kgkc_opt.inputs.scenario import Scenario
    from kgkc_opt.solver.result import Result

#: What a cause relaxes (one at a time, then the plan is solved again):
#: ``local`` / ``cofunding``: that money in ``years`` (every planned year when all of them);
#: ``line``: an extra money line (national funds, a cap on a group of tasks), ``ids`` its key;
#: ``link``: a link of the program's structure (``ids``: link id, task, leader) dropped;
#: ``per_round``: a link's limit per unit of its leader (per award round) dropped;
#: ``leader_target``: the leader's target (e.g. the number of award rounds) raised by ``amount``;
#: ``cadence``: a task's hard cadence ("events": one in each listed year) dropped;
#: ``relation``: an enforced relation between totals dropped;
#: ``structure``: the program's whole structure off (no single rule alone explains it);
#: ``floors``: the floors of the tasks in ``ids`` dropped; ``tiers``: every task in one tier;
#: ``time_limit``: solved again with a longer time limit (the plan was not proven optimal).
CauseKind = Literal["local", "cofunding", "line", "link", "per_round", "leader_target", "cadence", "relation",
                    "structure", "floors", "tiers", "time_limit"]
MONEY_KINDS = ("local", "cofunding", "line")


@dataclass(frozen=True)
class Cause:
    """One constraint that binds a shortfall, proven: with it alone relaxed, the plan solved again
    achieves ``achieved`` units of the task (``reduces_by`` more than the plan)."""

    kind: CauseKind
    ids: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    achieved: int = 0
    reduces_by: int = 0
    #: for ``leader_target``: by how much the leader's target was raised
    amount: int = 0
    #: for money: each of ``years`` alone suffices (False: only all of them together)
    alone: bool = False


@dataclass(frozen=True)
class ShortfallExplanation:
    """Why one task falls short: the causes whose relaxation alone reduces its shortfall.

    ``money_helps``: False when the plan solved again with unlimited money of every kind in every
    year leaves the shortfall as it is (proved: more money would not help), True when money of
    some kind reduces it, None when not tested."""

    task_id: str
    shortfall: int
    causes: tuple[Cause, ...]
    money_helps: bool | None
    #: the units of the task with unlimited money of every kind (None: not tested)
    achieved_with_money: int | None = None

    @property
    def structural(self) -> tuple[Cause, ...]:
        return tuple(c for c in self.causes if c.kind not in MONEY_KINDS)


@dataclass(frozen=True)
class Shortfall:
    """A task short of its target, with the figures that describe it (exact money)."""

    task_id: str
    target: int
    achieved: int
    shortfall: int
    share: float
    years: tuple[int, ...]
    unit_local: Fraction
    unit_other: Fraction
    local_slack: tuple[Fraction, ...]  # per year of the task, local budget left
    other_slack: tuple[Fraction, ...]
    cost_per_point: Fraction  # local budget per 1% of the target (per unit of weight)
    rank: int  # 1 = dearest per point among the planned tasks
    n_tasks: int
    #: a target range's minimum (the share and shortfall are of it), else the target
    target_min: int | None = None

    @property
    def money_local(self) -> Fraction:
        """The gap at the annex's unit cost: units short × local budget per unit."""
        return self.shortfall * self.unit_local

    @property
    def money_other(self) -> Fraction:
        return self.shortfall * self.unit_other


@dataclass(frozen=True)
class AgainstBudget:
    """A task that does better in the scenario than in its comparison although the scenario has
    less money: the cut of other tasks freed the money (from the two plans already solved)."""

    task_id: str
    achieved: int
    base_achieved: int
    #: the tasks whose units fell (task id, change < 0), largest fall first: they freed the money
    freed_by: tuple[tuple[str, int], ...]
    #: local budget those tasks give up (million VND)
    freed_money: Fraction


@dataclass(frozen=True)
class GapCheck:
    """A priced gap applied as a repair: ``amount`` more local budget in ``year``, solved again;
    the task then achieves ``achieved`` (more than the plan: the repair reduces the shortfall)."""

    task_id: str
    year: int
    amount: Fraction
    achieved: int


@dataclass(frozen=True)
class SweepStep:
    """In a sweep, a task that achieves more at a lower budget level than at the level above it:
    the tasks whose units fell at the same step freed the money (both levels solved)."""

    level: float
    lower_level: float
    task_id: str
    achieved: int
    lower_achieved: int
    freed_by: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class BudgetComparison:
    """The local budget of the scenario beside its comparison's, over the same years."""

    years: tuple[int, ...]
    cap: Fraction
    base_cap: Fraction
    #: the first re-planned year when the scenario re-plans after executed years, else None
    replan_from: int | None = None

    @property
    def change(self) -> Fraction:
        return self.cap - self.base_cap


@dataclass(frozen=True)
class Least:
    """The least extra local budget that meets every target (verified by re-solving when
    ``verified``). ``total``: in all years together, spread as ``per_year``; ``single_year``: the
    least if all of it goes to one year (None: that year alone cannot)."""

    total: Fraction | None
    per_year: Mapping[int, Fraction]
    single_year: Mapping[int, Fraction | None]
    verified: bool


@dataclass(frozen=True)
class PolicyOutcome:
    """The scenario planned under one cut policy."""

    policy: str
    has_plan: bool
    status: str
    met: int = 0
    n_tasks: int = 0
    average_share: float = 0.0
    #: tasks short, the largest share short first: (task id, units short)
    short: tuple[tuple[str, int], ...] = ()
    cofunding_lost: Fraction = Fraction(0)
    local_used: Fraction = Fraction(0)
    cofunding_used: Fraction = Fraction(0)


#: Why the plan that follows uses its policy: set by the planner (``--policy``), by the scenario
#: file, or the default.
PolicyReason = Literal["option", "scenario", "default"]


@dataclass(frozen=True)
class ScenarioStudy:
    """Everything a brief shows about a scenario, computed once (``analysis.study.study``)."""

    scenario: Scenario
    result: Result
    base: Scenario | None = None
    base_result: Result | None = None
    shortfalls: tuple[Shortfall, ...] = ()
    explanations: Mapping[str, ShortfallExplanation] = field(default_factory=dict)
    #: the exact gains table (``analysis.gains.gains_frame``), or None
    gains: pd.DataFrame | None = None
    least: Least | None = None
    #: units gained by carrying unspent local budget over (solved again), None: not asked
    carry_over: tuple[tuple[str, int], ...] | None = None
    budget: BudgetComparison | None = None
    against_budget: tuple[AgainstBudget, ...] = ()
    policies: tuple[PolicyOutcome, ...] = ()
    policy_reason: PolicyReason = "default"
    #: each priced gap that was applied and solved again (task id -> check); only verified repairs
    gap_checks: Mapping[str, GapCheck] = field(default_factory=dict)
    #: the gaps at the annex's unit costs, summed (not the least money: see ``least``); local
    #: budget only for tasks more local budget proves to help, co-funding for those money helps
    gap_local: Fraction = Fraction(0)
    gap_other: Fraction = Fraction(0)
    #: local budget and co-funding left unused by the plan (million VND)
    unspent_local: Fraction = Fraction(0)
    unspent_cofunding: Fraction = Fraction(0)

    @property
    def cuts_money(self) -> bool:
        """Whether the scenario has less local budget than its comparison over the same years."""
        return self.budget is not None and self.budget.change < 0

"""What a plan maximises: the objectives of the cut policies, each with its exact value.

A policy (``POLICIES``) is an ordered list of objectives, maximised lexicographically: each one
over the plans that keep every earlier one at its optimum. Priority tiers come first (each tier's
objectives before the next tier's), and every policy ends with a fixed-order preference, so that
among plans of equal value the one returned is chosen by a documented rule, not by the solver::

    most-targets    per tier: the weighted share of targets met, Σ w_t·min(n_t, T_t)/T_t
    fair            per tier: the smallest share of any task (max–min), then the weighted shares
    keep-cofunding  per tier: the enterprise co-funding mobilised, Σ o_t·n_t, then the shares
    (ranges)        per tier, last: ``beyond_minimum``, Σ over range tasks w_t·n_t/(M_t − m_t)
    (all)           then ``order``: Σ (N − rank_t)·n_t, units of tasks earlier in the table first

n_t counts units delivered (actuals) and planned; T_t is the target, w_t the weight, o_t the
co-funding per unit (per year under escalation). A target range {min m_t, max M_t} has
T_t = m_t in the shares (full credit at the minimum) and M_t as the most units planned; its
units above the minimum count only in ``beyond_minimum``, after every other objective of the
tier: a unit above a range's minimum never displaces a unit toward any task's target. Each
objective's coefficients are exact fractions; ``value`` computes its exact value for a plan or
for totals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from kgkc_opt.inputs.keys import POLICIES
from kgkc_opt.model.data import ModelInput, TaskSpec

DEFAULT_POLICY = POLICIES[0]
KINDS = ("shares", "min_share", "cofunding", "beyond_minimum", "order")


@dataclass(frozen=True)
class Objective:
    """One objective of the lexicographic order (maximised)."""

    kind: str
    tier: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown objective {self.kind!r}")

    @property
    def key(self) -> str:
        return self.kind if self.tier is None else f"{self.kind}[tier {self.tier}]"

    def scope(self, inp: ModelInput) -> list[TaskSpec]:
        """The tasks this objective counts."""
        return [t for t in inp.planned_tasks if self.tier is None or t.tier == self.tier]

    def coefficient(self, inp: ModelInput, t: TaskSpec, year: int | None) -> Fraction:
        """What one more unit of ``t`` in ``year`` adds (``year`` None: the largest over its planned
        years, which keeps a totals-space objective an upper bound). min_share: 0 (not linear)."""
        if self.kind == "shares":
            return t.weight / t.credit
        if self.kind == "beyond_minimum":
            return t.weight / (t.target - t.credit) if t.credit < t.target else Fraction(0)
        if self.kind == "cofunding":
            if year is not None:
                return t.cofunding(year)
            years = [y for y in t.years if y in inp.local_budget] or list(t.years)
            return max(t.cofunding(y) for y in years)
        if self.kind == "order":
            return Fraction(len(inp.tasks) - inp.rank(t.task_id))
        return Fraction(0)

    def offset(self, inp: ModelInput) -> Fraction:
        """The part of the value already delivered (actuals)."""
        return self.value(inp, {})

    def value(self, inp: ModelInput, plan: Mapping[tuple[str, int], int] | Mapping[str, int]) -> Fraction:
        """The exact value for a plan ({(task, year): units}) or for totals ({task: units})."""
        planned: dict[str, int] = {}
        per_year: dict[tuple[str, int], int] = {}
        for key, n in plan.items():
            tid = key[0] if isinstance(key, tuple) else key
            planned[tid] = planned.get(tid, 0) + n
            if isinstance(key, tuple):
                per_year[key] = n
        scope = self.scope(inp)
        if self.kind == "min_share":
            shares = [Fraction(min(t.done + planned.get(t.task_id, 0), t.credit), t.credit) for t in scope]
            return min(shares) if shares else Fraction(1)
        if self.kind == "shares":
            return sum((t.weight * Fraction(min(t.done + planned.get(t.task_id, 0), t.credit), t.credit)
                        for t in scope), Fraction(0))
        if self.kind == "beyond_minimum":
            return sum((self.coefficient(inp, t, None) * (t.done + planned.get(t.task_id, 0)) for t in scope),
                       Fraction(0))
        if self.kind == "cofunding":
            if per_year or not planned:
                return sum((t.cofunding(y) * n for (tid, y), n in per_year.items()
                            for t in scope if t.task_id == tid), Fraction(0))
            return sum((self.coefficient(inp, t, None) * planned.get(t.task_id, 0) for t in scope), Fraction(0))
        return sum((self.coefficient(inp, t, None) * planned.get(t.task_id, 0) for t in scope), Fraction(0))


def policy_objectives(inp: ModelInput, policy: str = DEFAULT_POLICY) -> list[Objective]:
    """The lexicographic objectives of a policy: per priority tier, then the fixed order."""
    if policy not in POLICIES:
        raise ValueError(f"unknown policy {policy!r}; choose one of {', '.join(POLICIES)}")
    tiers = inp.tiers()
    out: list[Objective] = []
    for tier in tiers:
        scope = tier if len(tiers) > 1 else None
        if policy == "fair":
            out += [Objective("min_share", scope), Objective("shares", scope)]
        elif policy == "keep-cofunding":
            out += [Objective("cofunding", scope), Objective("shares", scope)]
        else:
            out.append(Objective("shares", scope))
        if any(t.credit < t.target for t in inp.planned_tasks if scope is None or t.tier == scope):
            out.append(Objective("beyond_minimum", scope))
    out.append(Objective("order"))
    return out

"""The annual plan's values: what a selection decided and why, as typed, frozen values.

``AnnualStudy`` holds everything the annual documents and the ``annual`` command need: the
selection (``AnnualResult``: each proposal's ``Decision``, its reasons with the primary one first,
its least extra budget), the reserve list (``ReserveStep``), the national what-if (``WhatIf``) and
the changes since an earlier selection (``Change``). ``analysis.annual`` makes the result,
``analysis.annual_build.study`` the whole study; the report floor renders these values and imports
nothing that solves (the import-linter contract "Report renders the study, never solves").

This module imports no solver and no solving module: only the inputs' types and the tables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from kgkc_opt.analysis.annual_frames import changes_frame, commune_frame, selection_frame, task_frame
from kgkc_opt.inputs.program import Text
from kgkc_opt.inputs.proposals import Proposal
from kgkc_opt.solver.status import Status
from kgkc_opt.words import say

if TYPE_CHECKING:
    import pandas as pd

FUNDED, TRIMMED, NOT_FUNDED = "funded", "trimmed", "not_funded"
#: How the year's plan frames the selection (``Rules.year_plan``): ``reserve`` (default): a task's
#: units are at most its plan for the year, and the further proposals the money left would fund
#: (in merit order, up to the units left in the period) are listed as a reserve list the council
#: may add by decision, not funded; ``frame``: the same, the reserve funded (each marked
#: ``beyond_plan``); ``strict``: the plan caps each task, no reserve list; ``free``: one selection
#: up to the period's units left, units beyond the year's plan counting no progress (the earlier
#: rule).
YEAR_PLANS = ("reserve", "frame", "strict", "free")


@dataclass(frozen=True)
class Rules:
    """The planner's spread rules and options of a selection."""

    #: at most this many proposals funded per commune (None: no limit)
    max_per_commune: int | None = None
    #: at least this many per region, where that many may be funded (0: no rule)
    min_per_region: int = 0
    #: cap the year's co-funding at the program's annual table (after the scenario's changes)
    cap_cofunding: bool = True
    #: the local budget for proposals in place of the one computed from the plan (million VND)
    budget: Fraction | None = None
    #: for each least extra budget, also make the whole selection again with it and say whether it
    #: funds the proposal (``Decision.funded_at_extra``; four more solves per figure)
    check_extra: bool = False
    #: the rule after progress: ``merit`` (lexicographic order of scores: fund from the top of the
    #: list) or ``sum-of-scores`` (the highest total score) (``model.selection.RULES``)
    rule: str = "merit"
    #: how the year's plan frames the selection (``YEAR_PLANS``)
    year_plan: str = "reserve"
    #: the national money for the national proposals (million VND; ``analysis.annual_channels``)
    national: Fraction | None = None
    #: the Ministry's approvals: {proposal_id: approved national support} (in place of ``national``)
    national_approved: Mapping[str, Fraction] | None = None
    #: a national proposal not funded nationally may fall back to local money
    national_fallback: bool = False
    #: the part of the national money that arrives (the what-if: 1, ½, 0)
    national_share: Fraction = Fraction(1)
    #: compute the least extra budgets (the what-if's selections do without them)
    figures: bool = True


@dataclass(frozen=True)
class Reason:
    """Why a proposal is not funded: a code, the sentence in both languages, who outranked it."""

    code: str
    text: Text
    by: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReserveStep:
    """One step of the reserve list: the proposal the money left after the year's plan funds next
    (in merit order), its cost, and the money (and co-funding) left after it. ``source``: the
    money it draws on (national or local)."""

    step: int
    proposal_id: str
    task_id: str
    score: Fraction
    units: int
    cost: Fraction
    cofunding: Fraction
    left: Fraction
    cofunding_left: Fraction | None
    source: str = "local"


@dataclass(frozen=True)
class Decision:
    """One proposal's outcome. ``support`` and ``cofunding``: as funded (trimmed), or as they
    would be if funded; ``least_extra``: million VND (None: money alone cannot fund it).
    ``reasons``: the primary reason first (the one that decides), then the others that are also
    true."""

    proposal: Proposal
    status: str
    support: Fraction
    cofunding: Fraction
    cap: Fraction | None
    reasons: tuple[Reason, ...] = ()
    least_extra: Fraction | None = None
    funded_at_extra: bool | None = None
    #: funded beyond its task's plan for the year, with money left after every plan was served
    beyond_plan: bool = False
    #: the money that funds it (or would): "national" or "local" (a national proposal may fall back)
    source: str = "local"
    #: its step on the reserve list (not funded; the council may add it by decision), else None
    reserve: int | None = None

    @property
    def trim(self) -> Fraction:
        return self.proposal.requested - self.support

    @property
    def primary(self) -> Reason | None:
        """The reason that decides (None: funded)."""
        return self.reasons[0] if self.reasons else None

    def reason_text(self, lang: str = "vi") -> str:
        """The primary reason, then the others that are also true."""
        if not self.reasons:
            return ""
        head = self.reasons[0].text.get(lang)
        rest = [r.text.get(lang) for r in self.reasons[1:]]
        return head if not rest else f"{head} {say('Also true:', lang)} {' '.join(rest)}"


@dataclass(frozen=True)
class AnnualResult:
    """A proven-optimal selection of one year's proposals (read ``status`` first)."""

    status: Status
    year: int
    program: str
    scenario: str
    proposals_source: str
    budget: Fraction
    cofunding: Fraction | None
    planned: Mapping[str, int]
    decisions: tuple[Decision, ...]
    values: Mapping[str, Fraction]
    rules: Rules
    message: str = ""
    #: mid-year re-selection: each proposal's status in the earlier selection
    previous: Mapping[str, str] | None = None
    #: units each task has left from the year on (the quantity rows' caps)
    remaining: Mapping[str, int] = field(default_factory=dict)
    #: the year's whole local budget (``budget`` is its part for proposals, or the planner's figure)
    local_budget: Fraction = Fraction(0)
    timings: Mapping[str, float] = field(default_factory=dict, compare=False)
    task_names: Mapping[str, Text] = field(default_factory=dict, compare=False)
    #: the national money that arrives for the national proposals (None: the file has none)
    national: Fraction | None = None
    #: the reserve list (``year_plan`` reserve): national steps first, then local, each in merit order
    reserve: tuple[ReserveStep, ...] = ()

    @property
    def funded(self) -> tuple[Decision, ...]:
        return tuple(d for d in self.decisions if d.status != NOT_FUNDED)

    @property
    def spent(self) -> tuple[Fraction, Fraction]:
        """(local budget, co-funding) of the proposals funded from local money, exact."""
        local = [d for d in self.funded if d.source == "local"]
        return (sum((d.support for d in local), Fraction(0)), sum((d.cofunding for d in local), Fraction(0)))

    @property
    def spent_national(self) -> Fraction:
        """The national money of the proposals funded from it, exact."""
        return sum((d.support for d in self.funded if d.source == "national"), Fraction(0))

    @property
    def selection(self) -> pd.DataFrame:
        """One row per proposal: proposal_id, task_id, commune, region, status, requested,
        support, trim, cofunding, score, reason, least_extra, funded_at_extra, beyond_year_plan,
        reserve_step (million VND)."""
        return selection_frame(self)

    @property
    def by_task(self) -> pd.DataFrame:
        return task_frame(self)

    @property
    def by_commune(self) -> pd.DataFrame:
        return commune_frame(self)

    @property
    def changes(self) -> pd.DataFrame:
        """Mid-year re-selection: each proposal whose status changed (empty without ``previous``)."""
        return changes_frame(self)


@dataclass(frozen=True)
class WhatIf:
    """One case of the national what-if: the money that arrives and what the selection does."""

    name: Text
    share: Fraction
    national: Fraction
    funded_national: tuple[str, ...]
    #: national proposals funded from local money instead
    fallback: tuple[str, ...]
    fallback_money: Fraction
    #: national proposals funded by neither
    lost: tuple[str, ...]
    #: local proposals funded in the base case and not in this one (displaced by fallbacks)
    displaced: tuple[str, ...]
    local_spent: Fraction


@dataclass(frozen=True)
class Change:
    """Mid-year re-selection: a proposal whose status changed since the earlier selection
    (``after`` "removed": no longer in the file; ``decision`` None then)."""

    proposal_id: str
    before: str
    after: str
    support: Fraction
    decision: Decision | None


@dataclass(frozen=True)
class AnnualStudy:
    """Everything the annual documents and command need about one selection, computed."""

    result: AnnualResult
    #: the national what-if (the national money as given, half, none), where asked
    whatif: tuple[WhatIf, ...] | None = None
    #: mid-year re-selection: the proposals whose status changed (empty without ``previous``)
    changes: tuple[Change, ...] = ()

    @property
    def reserve(self) -> tuple[ReserveStep, ...]:
        return self.result.reserve

    @classmethod
    def of(cls, result: AnnualResult, whatif: Sequence[WhatIf] | None = None) -> AnnualStudy:
        """The study of a selection already made (the changes computed from it)."""
        return cls(result, None if whatif is None else tuple(whatif), changes_of(result))


def changes_of(result: AnnualResult) -> tuple[Change, ...]:
    """The proposals whose status changed since ``result.previous`` (money exact)."""
    if result.previous is None:
        return ()
    before = result.previous
    out = [Change(d.proposal.id, before.get(d.proposal.id, "new"), d.status,
                  d.support if d.status != NOT_FUNDED else Fraction(0), d)
           for d in result.decisions if before.get(d.proposal.id, "new") != d.status]
    out += [Change(pid, before[pid], "removed", Fraction(0), None)
            for pid in sorted(set(before) - {d.proposal.id for d in result.decisions})]
    return tuple(out)


def whatif_rows(cases: Sequence[WhatIf], lang: str) -> list[dict[str, Any]]:
    """The what-if as table rows (money exact)."""
    return [{"case": w.name.get(lang), "national": w.national, "funded_national": len(w.funded_national),
             "fallback": len(w.fallback), "fallback_money": w.fallback_money, "lost": len(w.lost),
             "displaced": ", ".join(w.displaced), "local_spent": w.local_spent} for w in cases]


def summary(result: AnnualResult) -> dict[str, Any]:
    """The result's figures for a record or a brief (plain JSON values)."""
    local, cof = result.spent
    out = {
        "year": result.year, "status": result.status.value, "program": result.program,
        "scenario": result.scenario, "proposals": result.proposals_source,
        "budget": str(result.budget), "cofunding": None if result.cofunding is None else str(result.cofunding),
        "spent": str(local), "cofunding_spent": str(cof),
        "funded": len(result.funded), "not_funded": len(result.decisions) - len(result.funded),
        "values": {k: str(v) for k, v in result.values.items()},
    }
    if result.rules.year_plan == "reserve":
        out["reserve"] = len(result.reserve)
    return out

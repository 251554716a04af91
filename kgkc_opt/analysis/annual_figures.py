"""The least extra budget of a proposal not funded (``analysis.annual``), exact to the đồng.

``least_extra`` finds the least extra local budget with which a selection funds a proposal and
keeps what the selection reached (``figure_keep``, ``figure_fund``): an LP screen (``_Screen``)
first, a figure of 0 shown by one swap checked exactly (``_swap_witness``), else the integer
program with the extra budget as a variable; the figure is then proven least in exact arithmetic
(``_exactly_least``: the model with one đồng less has no solution, selections the solver accepts
within its tolerance checked exactly and cut off).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import replace
from fractions import Fraction

import numpy as np

from kgkc_opt.errors import Joined, SolutionCheckError, SolverError
from kgkc_opt.model.selection import (
    DONG,
    Candidate,
    Prepared,
    SelectionInput,
    linear_selection,
    merit_stage,
    spent,
    stage_score,
    value,
    violations,
)
from kgkc_opt.solver.backend import Backend
from kgkc_opt.solver.highs import Compiled, HighsBackend
from kgkc_opt.solver.status import Status

#: HiGHS options of every selection model: its small knapsacks are proven faster without the
#: RINS/RENS sub-MIPs and restarts (measured on the example file's 60 proposals: reasons and
#: least extra budgets 4.6 s with HiGHS's defaults, 2.7 s without; the same figures).
SELECTION_OPTIONS = {"mip_heuristic_run_rins": False, "mip_heuristic_run_rens": False, "mip_allow_restart": False}
#: The objectives a least-extra-budget selection must keep at the selection's values (the later
#: ones, first-time applicants and reserve, are tie-breaks it may give up); with the merit rule,
#: the merit stage of the proposal's own score (``figure_keep``).
KEPT_BY_FIGURES = ("progress", "kept", "priority")
#: Most selections the exact "one đồng less" check cuts off (each one the solver found within its
#: tolerance but that breaks the budget in exact arithmetic) before it gives up with an error.
MAX_CUTS = 50


def figure_keep(sin: SelectionInput, values: Mapping[str, Fraction], c: Candidate | None = None
                ) -> list[tuple[str, Fraction]]:
    """What a least-extra-budget selection keeps at the selection's values: progress, kept and
    priority (the total score), or with the merit rule, the number funded at ``c``'s score (every
    merit level when ``c`` is None); with the merit rule it also keeps every funded proposal with a
    higher score (``figure_fund``): a lower-scored proposal may make way for ``c``, a higher-scored
    one may not, and one of its own score only for it."""
    if c is not None and sin.rule == "merit":
        own = merit_stage(c.score)
        return [(k, values[k]) for k in (*KEPT_BY_FIGURES, own) if k in values]
    return [(k, values[k]) for k in sin.objectives()
            if k in KEPT_BY_FIGURES or (c is None and stage_score(k) is not None)]


def figure_fund(sin: SelectionInput, funded: frozenset[str], c: Candidate) -> frozenset[str]:
    """The funded proposals a least-extra-budget selection keeps funded: with the merit rule, those
    with a higher score than ``c`` (none with the total score)."""
    if sin.rule != "merit":
        return frozenset()
    return frozenset(x.id for x in sin.candidates if x.id in funded and x.score > c.score)


class _Screen:
    """The least-budget model's LP relaxation, compiled once (HiGHS): where it has no solution
    with a proposal forced funded, neither has the integer model (a sound proof, about 1 ms
    instead of a MIP's 20 ms on 500 proposals); elsewhere the integer model decides. With the
    merit rule the rows of the score levels below the proposal's are lifted for its solve."""

    def __init__(self, sin: SelectionInput, values: Mapping[str, Fraction], pre: Prepared, backend: Backend):
        self.compiled: Compiled | None = None
        self.sin = sin
        self._forced: _Forced | None = None
        if isinstance(backend, HighsBackend):
            m = linear_selection(sin, keep=figure_keep(sin, values), least_budget=True, prepared=pre)
            self.model = replace(m, col_integer=[False] * len(m.col_integer))
            self.compiled = Compiled(self.model, backend)
            self.col_lower = np.asarray(self.model.col_lower, dtype=np.float64)  # once, not per proposal
            self.col_upper = np.asarray(self.model.col_upper, dtype=np.float64)
            self.levels = [(self.compiled.row_of[f"keep[{k}]"], level) for k, _ in figure_keep(sin, values)
                           if (level := stage_score(k)) is not None]

    def impossible(self, c: Candidate, fund: Collection[str] = ()) -> bool:
        if self.compiled is None:
            return False
        lifted = np.array([row for row, level in self.levels if level != c.score], dtype=np.int64)
        if len(lifted):
            self.compiled.set_row_upper(lifted, np.full(len(lifted), np.inf))
        j = np.array([self.model.variables[i] for i in (c.id, *sorted(fund))])
        self.compiled.set_col_bounds(j, np.ones(len(j)), np.ones(len(j)))
        status, _ = self.compiled.solve()
        self.compiled.set_col_bounds(j, self.col_lower[j], self.col_upper[j])
        if len(lifted):
            self.compiled.set_row_upper(lifted, self.compiled.row_upper[lifted])
        return status == Status.INFEASIBLE

    def forced(self, funded: frozenset[str]) -> _Forced:
        """The exact sums of the selection ``funded`` (``_Forced``), made once per selection."""
        if self._forced is None or self._forced.funded != funded:
            self._forced = _Forced(self.sin, funded)
        return self._forced


class _Forced:
    """Exact sums of one selection, for sound proofs that need no solve (each one a row of the
    least-extra-budget model broken in exact arithmetic, so its integer model has no solution):

    - ``impossible(c, fund)``: the proposals every such selection funds (``c``, ``fund`` and the
      started ones) alone break the co-funding, ``c``'s task's quantity or its commune's cap;
    - ``swap_may_hold(x, c)``: the selection with ``c`` in the place of ``x`` keeps ``c``'s task's
      quantity, its commune's cap, ``x``'s region's least, the kept proposals and the progress
      (a necessary test; ``_holds`` decides).
    """

    def __init__(self, sin: SelectionInput, funded: frozenset[str]):
        self.sin = sin
        self.funded = funded
        self.by_id = {x.id: x for x in sin.candidates}
        self.started = [x for x in sin.candidates if x.fixed is True]
        chosen = [x for x in sin.candidates if x.id in funded]
        self.units: dict[str, int] = {}
        self.places: dict[str, int] = {}
        self.regions: dict[str, int] = {}
        for x in chosen:
            self.units[x.task_id] = self.units.get(x.task_id, 0) + x.units
            self.places[x.place] = self.places.get(x.place, 0) + 1
            self.regions[x.region] = self.regions.get(x.region, 0) + 1
        self.kept = sum(1 for x in chosen if x.kept)
        self.progress = value(sin, "progress", funded)
        self.least = sin.regions()
        self._cheap: frozenset[str] | None = None
        self._level: dict[Fraction, frozenset[str]] = {}
        self._sums: dict[frozenset[str], tuple[frozenset[str], Fraction, dict[str, int], dict[str, int]]] = {}

    def _forced_sums(self, fund: frozenset[str]) -> tuple[frozenset[str], Fraction, dict[str, int], dict[str, int]]:
        """The proposals funded whatever with ``fund`` (the started ones and ``fund``), their
        co-funding, units per task and count per commune."""
        if fund not in self._sums:
            every = {x.id: x for x in self.started}
            every.update((i, self.by_id[i]) for i in fund)
            units: dict[str, int] = {}
            places: dict[str, int] = {}
            for x in every.values():
                units[x.task_id] = units.get(x.task_id, 0) + x.units
                places[x.place] = places.get(x.place, 0) + 1
            cof = sum((x.cofunding for x in every.values()), Fraction(0))
            self._sums[fund] = (frozenset(every), cof, units, places)
        return self._sums[fund]

    def restricted(self, c: Candidate) -> frozenset[str]:
        """The proposals of ``_restricted_witness``'s model: the selection, the started ones,
        ``c``, those of ``c``'s score and the ``RESTRICTED_PER_TASK`` cheapest of each task by
        support and by co-funding (those that may be funded)."""
        if self._cheap is None:
            tasks: dict[str, list[Candidate]] = {}
            for x in self.sin.candidates:
                if x.fixed is not False:
                    tasks.setdefault(x.task_id, []).append(x)
            cheap: set[str] = set()
            for xs in tasks.values():
                for key in ((lambda x: (x.support, x.id)), (lambda x: (x.cofunding, x.id))):
                    cheap.update(x.id for x in sorted(xs, key=key)[:RESTRICTED_PER_TASK])
            self._cheap = frozenset(cheap) | self.funded | {x.id for x in self.started}
        if c.score not in self._level:
            self._level[c.score] = frozenset(x.id for x in self.sin.candidates
                                             if x.score == c.score and x.fixed is not False)
        return self._cheap | self._level[c.score] | {c.id}

    def impossible(self, c: Candidate, fund: Collection[str]) -> bool:
        sin = self.sin
        if c.fixed is False:
            return True
        ids, cof, units, places = self._forced_sums(frozenset(fund))
        if c.id not in ids:
            cof, n, k = cof + c.cofunding, units.get(c.task_id, 0) + c.units, places.get(c.place, 0) + 1
        else:
            n, k = units.get(c.task_id, 0), places.get(c.place, 0)
        if sin.cofunding is not None and cof > sin.cofunding:
            return True
        if n > sin.remaining.get(c.task_id, 0):
            return True
        return sin.max_per_commune is not None and k > sin.max_per_commune

    def swap_may_hold(self, x: Candidate, c: Candidate, keep: Mapping[str, Fraction]) -> bool:
        sin = self.sin
        if x.fixed is True or c.fixed is False or c.id in self.funded or x.id not in self.funded:
            return False
        if "kept" in keep and self.kept - x.kept + c.kept < keep["kept"]:
            return False
        after = self.units.get(c.task_id, 0) - (x.units if x.task_id == c.task_id else 0) + c.units
        if after > sin.remaining.get(c.task_id, 0):
            return False
        if sin.max_per_commune is not None and (self.places.get(c.place, 0) - (x.place == c.place) + 1
                                                > sin.max_per_commune):
            return False
        if x.region in self.least and x.region != c.region and self.regions[x.region] - 1 < self.least[x.region]:
            return False
        if "progress" not in keep:
            return True
        progress = self.progress
        for t in {x.task_id, c.task_id}:
            before = self.units.get(t, 0)
            now = before - (x.units if x.task_id == t else 0) + (c.units if c.task_id == t else 0)
            planned = sin.planned.get(t, 0)
            progress += sin.unit_progress.get(t, Fraction(0)) * (min(now, planned) - min(before, planned))
        return progress >= keep["progress"]


def least_extra(sin: SelectionInput, funded: frozenset[str], values: Mapping[str, Fraction], c: Candidate,
                backend: Backend, prepared: Prepared | None = None, screen: _Screen | None = None,
                again: Callable[[Fraction], bool] | None = None,
                _known: tuple[list[Candidate], tuple[Fraction, Fraction]] | None = None
                ) -> tuple[Fraction | None, bool | None]:
    """The least extra local budget (million VND, whole đồng, rounded up) with which a selection
    funds ``c`` and keeps the progress and priority of the selection (``figure_keep``), proven
    least in exact arithmetic (``_exactly_least``); with ``again``, whether the selection made
    again with that much more budget funds it (``again(extra)``; else None).
    (None, None): no amount."""
    keep = figure_keep(sin, values, c)
    fund = (figure_fund(sin, funded, c) if _known is None or sin.rule != "merit"
            else frozenset(x.id for x in _known[0] if x.score > c.score))
    pre = prepared if prepared is not None else Prepared(sin)
    forced = screen.forced(funded) if screen is not None else None
    if forced is not None and forced.impossible(c, fund):  # a row broken by what it must fund: no solve
        return None, None
    if _swap_witness(sin, funded, c, keep, fund, _known, forced):  # 0 is the least: a selection checked exactly
        return Fraction(0), (None if again is None else again(Fraction(0)))
    if screen is not None and screen.impossible(c, fund):
        return None, None
    if forced is not None and _restricted_witness(sin, c, keep, fund, forced, backend):
        return Fraction(0), (None if again is None else again(Fraction(0)))
    m = linear_selection(sin, keep=keep, force=c.id, least_budget=True, prepared=pre, fund=fund)
    out = backend.solve(m, options=SELECTION_OPTIONS)
    if out.status == Status.INFEASIBLE:
        return None, None
    if out.status != Status.OPTIMAL or out.values is None:
        raise SolverError("the least budget for {id} stopped before it was proven ({status})", id=c.id,
                          status=out.status.value)
    chosen = frozenset(str(k) for k, v in out.values.items() if v > 0.5)
    local, _ = spent(sin, chosen)
    extra = _round_up(max(local - sin.budget, Fraction(0)))
    if not _holds(sin, chosen, c, keep, sin.budget + extra, fund):
        raise SolutionCheckError("the least-budget selection for {id} does not hold: {problems}", id=c.id,
                                 problems=Joined(violations(sin, chosen, budget=sin.budget + extra), "; "))
    extra = _exactly_least(sin, c, keep, fund, extra, backend, pre)
    return extra, (None if again is None else again(extra))


def _swap_witness(sin: SelectionInput, funded: frozenset[str], c: Candidate, keep: list[tuple[str, Fraction]],
                  fund: Collection[str], known: tuple[list[Candidate], tuple[Fraction, Fraction]] | None = None,
                  forced: _Forced | None = None) -> bool:
    """A selection within the budget that funds ``c`` and keeps ``keep``, found by adding ``c`` in
    the place of one funded proposal with a score no higher (checked in exact arithmetic): its least
    extra budget is then 0, without a solve."""
    chosen, (local, cof) = known or ([x for x in sin.candidates if x.id in funded], spent(sin, funded))
    lower = [x for x in chosen if x.fixed is not True and x.score <= c.score
             and local - x.support + c.support <= sin.budget  # the money first: a cheap necessary test
             and (sin.cofunding is None or cof - x.cofunding + c.cofunding <= sin.cofunding)]
    if forced is not None:  # the rows a swap changes, exactly: only a swap that passes is checked whole
        kept = dict(keep)
        lower = [x for x in lower if forced.swap_may_hold(x, c, kept)]
    return any(_holds(sin, (funded - {x.id}) | {c.id}, c, keep, sin.budget, fund) for x in lower)


#: The cheapest proposals of each task (by support and by co-funding) a restricted model may add
#: to the selection (``_restricted_witness``).
RESTRICTED_PER_TASK = 15


def _restricted_witness(sin: SelectionInput, c: Candidate, keep: list[tuple[str, Fraction]],
                        fund: Collection[str], forced: _Forced, backend: Backend) -> bool:
    """A selection within the budget that funds ``c`` and keeps ``keep``, found by the
    least-budget model restricted to the selection, ``c``, the proposals of ``c``'s score and the
    cheapest of each task (``_Forced.restricted``), and checked in exact arithmetic against every
    row of the whole input: its least extra budget is then 0. (A restriction's selection is one of
    the whole model's, so the figure is the same; when the restriction finds none within the
    budget, the whole model decides.)"""
    ids = forced.restricted(c)
    sub = replace(sin, candidates=tuple(x for x in sin.candidates if x.id in ids))
    out = backend.solve(linear_selection(sub, keep=keep, force=c.id, least_budget=True, fund=fund),
                        options=SELECTION_OPTIONS)
    if out.status != Status.OPTIMAL or out.values is None:
        return False
    chosen = frozenset(str(k) for k, v in out.values.items() if v > 0.5)
    return _holds(sin, chosen, c, keep, sin.budget, fund)


def _holds(sin: SelectionInput, chosen: frozenset[str], c: Candidate, keep: list[tuple[str, Fraction]],
           budget: Fraction, fund: Collection[str] = ()) -> bool:
    """In exact arithmetic: ``chosen`` funds ``c`` and ``fund``, keeps every rule within ``budget``
    and every value of ``keep``."""
    return (c.id in chosen and chosen >= set(fund) and not violations(sin, chosen, budget=budget)
            and all(value(sin, k, chosen) >= v for k, v in keep))


def _exactly_least(sin: SelectionInput, c: Candidate, keep: list[tuple[str, Fraction]], fund: Collection[str],
                   extra: Fraction, backend: Backend, pre: Prepared) -> Fraction:
    """``extra`` proven least in exact arithmetic: the model with one đồng less must have no
    solution. A solution the solver finds there is checked exactly: if it holds, it costs less
    and the figure comes down to it; if it breaks the budget by less than the solver's tolerance
    (a row of a hundred million đồng, one đồng over), it is cut off and the model solved again,
    at most ``MAX_CUTS`` times. The solver's "no solution" is sound (its tolerance only widens
    what it accepts)."""
    cuts: list[frozenset[str]] = []
    while extra > 0:
        less = linear_selection(sin, keep=keep, force=c.id, budget=sin.budget + extra - DONG, prepared=pre,
                                exclude=cuts, fund=fund)
        out = backend.solve(less, options=SELECTION_OPTIONS)
        if out.status == Status.INFEASIBLE:
            return extra
        if out.status != Status.OPTIMAL or out.values is None:
            raise SolverError("the least budget for {id} stopped before it was proven ({status})", id=c.id,
                              status=out.status.value)
        found = frozenset(str(k) for k, v in out.values.items() if v > 0.5)
        if _holds(sin, found, c, keep, sin.budget + extra - DONG, fund):
            extra = _round_up(max(spent(sin, found)[0] - sin.budget, Fraction(0)))  # a cheaper one: come down
        elif len(cuts) < MAX_CUTS:
            cuts.append(found)
        else:
            raise SolutionCheckError("the least extra budget for {id} could not be proven least in exact "
                                     "arithmetic after {cuts} selections the solver accepted within its "
                                     "tolerance", id=c.id, cuts=MAX_CUTS)
    return extra


def _round_up(x: Fraction) -> Fraction:
    """Up to whole đồng (repairs are rounded up, never to the nearest)."""
    units = -(-x.numerator * 10**6 // x.denominator)
    return Fraction(units, 10**6)

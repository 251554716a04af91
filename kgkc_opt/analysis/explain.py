"""Why each task falls short: the constraint that binds it, found by relaxing it alone and solving again.

For a solved scenario, ``explain_shortfalls(scenario, result)`` tries each candidate cause of the
shortfalls, one at a time, on the model input (``model.data.ModelInput``) and re-optimises
(``solver.decompose.optimise``, the same optimiser as every plan); a cause binds a task when the
plan with that cause alone relaxed achieves more units of the task. The candidates:

``local``, ``cofunding``, ``line``  that money in every planned year raised beyond what every
                                    target could use (then, for a kind that helps, each year alone);
``link``, ``per_round``, ``leader_target``, ``cadence``, ``relation``  each rule of the program's
                                    structure that concerns a task short of target (then the whole
                                    structure off, only when no single rule explains a shortfall);
``floors``, ``tiers``               the other tasks' floors, the priority tiers;
``time_limit``                      a longer time limit, when the plan was not proven optimal.

Every kind of money raised at once is solved too: a shortfall that survives it is one that more
money provably does not reduce (``ShortfallExplanation.money_helps`` False). The number of solves
is bounded by the number of candidates (a few, plus one per planned year for each kind of money
that helps), whatever the number of tasks; each is a full solve of the scenario's size.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from fractions import Fraction

from kgkc_opt.analysis.study_types import MONEY_KINDS, Cause, CauseKind, ShortfallExplanation
from kgkc_opt.inputs.scenario import Scenario
from kgkc_opt.model.data import ModelInput, model_input
from kgkc_opt.solver.decompose import optimise
from kgkc_opt.solver.result import Result
from kgkc_opt.solver.status import Status

Relax = Callable[[ModelInput], ModelInput]


def _plenty(inp: ModelInput) -> Fraction:
    """More money than every target could use in any one year (each task at its dearest year)."""
    total = Fraction(1)
    for t in inp.planned_tasks:
        years = [y for y in t.years if y in inp.local_budget] or list(t.years)
        total += t.remaining * max(max(t.local(y), t.cofunding(y)) for y in years)
        for line in inp.lines:
            total += t.remaining * max((line.cost(t.task_id, y) for y in years), default=Fraction(0))
    return total


def _money(kind: str, years: tuple[int, ...], key: str = "") -> Relax:
    def relax(inp: ModelInput) -> ModelInput:
        big = _plenty(inp)
        if kind == "local":
            return dataclasses.replace(inp, local_budget={y: c + big if y in years else c
                                                       for y, c in inp.local_budget.items()})
        if kind == "cofunding":
            return dataclasses.replace(inp, cofunding_cap={y: c + big if y in years else c
                                                           for y, c in inp.cofunding_cap.items()})
        lines = tuple(dataclasses.replace(ln, cap={y: c + big if y in years else c for y, c in ln.cap.items()})
                      if ln.key == key or not key else ln for ln in inp.lines)
        return dataclasses.replace(inp, lines=lines)
    return relax


def _all_money(years: tuple[int, ...]) -> Relax:
    def relax(inp: ModelInput) -> ModelInput:
        return _money("line", years)(_money("cofunding", years)(_money("local", years)(inp)))
    return relax


def _drop_link(key: str, free_years: Mapping[str, tuple[int, ...]]) -> Relax:
    def relax(inp: ModelInput) -> ModelInput:
        link = next(ln for ln in inp.links if ln.key == key)
        tasks = tuple(dataclasses.replace(t, years=free_years.get(t.task_id, t.years)) if t.task_id == link.task else t
                      for t in inp.tasks)
        return dataclasses.replace(inp, tasks=tasks, links=tuple(ln for ln in inp.links if ln.key != key))
    return relax


def _no_per_round(key: str) -> Relax:
    def relax(inp: ModelInput) -> ModelInput:
        return dataclasses.replace(inp, links=tuple(dataclasses.replace(ln, per_unit=None) if ln.key == key else ln
                                                    for ln in inp.links))
    return relax


def _raise_target(task_id: str, by: int) -> Relax:
    def relax(inp: ModelInput) -> ModelInput:
        return dataclasses.replace(inp, tasks=tuple(dataclasses.replace(t, target=t.target + by)
                                                    if t.task_id == task_id else t for t in inp.tasks))
    return relax


def _no_cadence(task_id: str) -> Relax:
    def relax(inp: ModelInput) -> ModelInput:
        return dataclasses.replace(inp, tasks=tuple(dataclasses.replace(t, cadence=None) if t.task_id == task_id else t
                                                    for t in inp.tasks))
    return relax


def _no_relation(key: str) -> Relax:
    def relax(inp: ModelInput) -> ModelInput:
        return dataclasses.replace(inp, relations=tuple(r for r in inp.relations if r.key != key))
    return relax


def _no_floors(ids: tuple[str, ...]) -> Relax:
    def relax(inp: ModelInput) -> ModelInput:
        return dataclasses.replace(inp, tasks=tuple(dataclasses.replace(t, floor=t.done) if t.task_id in ids else t
                                                    for t in inp.tasks))
    return relax


def _one_tier(inp: ModelInput) -> ModelInput:
    return dataclasses.replace(inp, tasks=tuple(dataclasses.replace(t, tier=1) for t in inp.tasks))


@dataclasses.dataclass
class _Solver:
    """Re-optimises relaxed inputs and counts the solves (bounded: see the module docstring)."""

    inp: ModelInput
    solver: str
    time_limit: float | None  # the user's (None: none; the stages are bounded by counts)
    solves: int = 0

    def achieved(self, relax: Relax, *, time_limit: float | None = None) -> dict[str, int] | None:
        relaxed = relax(self.inp)
        self.solves += 1
        out = optimise(relaxed, solver=self.solver, time_limit=time_limit or self.time_limit, tie_break=False)
        if not out.status.has_plan or out.plan is None:
            return None
        done = {t.task_id: t.done for t in relaxed.tasks}
        for (tid, _y), n in out.plan.items():
            done[tid] = done.get(tid, 0) + n
        return done


def _merge_years(causes: list[Cause]) -> list[Cause]:
    """Causes of one kind of money that differ only by their year, as one (each year alone)."""
    out: list[Cause] = []
    for c in causes:
        same = next((o for o in out if c.kind in MONEY_KINDS and len(c.years) == 1 and o.kind == c.kind
                     and o.ids == c.ids and o.alone and o.reduces_by == c.reduces_by), None)
        if same is not None:
            out[out.index(same)] = dataclasses.replace(same, years=same.years + c.years,
                                                       achieved=min(same.achieved, c.achieved))
        elif c.kind in MONEY_KINDS and len(c.years) == 1:
            out.append(dataclasses.replace(c, alone=True))
        else:
            out.append(c)
    return out


class _Explainer:
    """The trials of one explanation: each relaxes one cause and records whom it helps."""

    def __init__(self, scenario: Scenario, inp: ModelInput, run: _Solver, short: dict[str, tuple[int, int]]):
        self.scenario, self.inp, self.run, self.short = scenario, inp, run, short
        self.found: dict[str, list[Cause]] = {tid: [] for tid in short}

    def gain(self, achieved: Mapping[str, int] | None, tid: str) -> int:
        if achieved is None:
            return 0
        old, gap = self.short[tid]
        return max(0, min(achieved.get(tid, 0), old + gap) - old)

    def trial(self, kind: CauseKind, relax: Relax, ids: tuple[str, ...] = (), years: tuple[int, ...] = (),
              amount: int = 0, only: frozenset[str] | None = None, time_limit: float | None = None) -> set[str]:
        achieved = self.run.achieved(relax, time_limit=time_limit)
        helped = set()
        for tid in (only if only is not None else self.short):
            g = self.gain(achieved, tid)
            if g > 0 and achieved is not None:
                self.found[tid].append(Cause(kind, ids, years, achieved.get(tid, 0), g, amount))
                helped.add(tid)
        return helped

    def money(self, refine_years: bool) -> None:
        """Each kind of money in every planned year; for a kind that helps, each year alone."""
        planned = self.inp.planned_years
        kinds: list[tuple[CauseKind, str]] = [("local", ""), ("cofunding", "")]
        kinds += [("line", ln.key) for ln in self.inp.lines]
        for kind, key in kinds:
            ids = (key,) if key else ()
            helped = self.trial(kind, _money(kind, planned, key), ids, planned)
            if not (helped and refine_years and len(planned) > 1):
                continue
            whole = {tid: self.found[tid].pop() for tid in helped}
            for y in planned:
                self.trial(kind, _money(kind, (y,), key), ids, (y,), only=frozenset(helped))
            for tid in helped:
                self.found[tid] = _merge_years(self.found[tid])
                if not any(c.kind == kind and c.ids == ids for c in self.found[tid]):
                    self.found[tid].append(whole[tid])  # no single year suffices alone: all together

    def structure(self) -> None:
        """Each rule of the program's structure that concerns a task short of target; then the
        whole structure off, only for a shortfall no single rule explains."""
        inp, short = self.inp, self.short
        free = {t.task_id: t.years for t in model_input(self.scenario, structure=False).tasks}
        for link in inp.links:
            if link.task not in short and link.leader not in short:
                continue
            ids = (link.key.split(":")[0], link.task, link.leader)
            self.trial("link", _drop_link(link.key, free), ids)
            if link.per_unit:
                self.trial("per_round", _no_per_round(link.key), ids)
                if link.task in short:
                    by = int(-(-short[link.task][1] // link.per_unit))  # rounds that would carry the gap
                    self.trial("leader_target", _raise_target(link.leader, by), ids, amount=by)
        for t in inp.planned_tasks:
            if t.task_id in short and t.effective_cadence == "events":
                self.trial("cadence", _no_cadence(t.task_id), (t.task_id,))
        for rel in inp.relations:
            if set(rel.left + rel.right) & set(short):
                self.trial("relation", _no_relation(rel.key), (rel.key,))
        unexplained = [tid for tid in short if not any(c.kind not in MONEY_KINDS for c in self.found[tid])]
        if unexplained and (inp.links or inp.relations or any(t.cadence for t in inp.tasks)):
            unstructured = dataclasses.replace(model_input(self.scenario, structure=False), policy=inp.policy)
            self.trial("structure", lambda _inp: unstructured, only=frozenset(unexplained))

    def others(self, optimal: bool) -> None:
        """The other tasks' floors, the priority tiers, and the time limit of an unproven plan."""
        inp = self.inp
        floored = tuple(t.task_id for t in inp.planned_tasks if t.remaining_floor > 0 and t.task_id not in self.short)
        if floored:
            self.trial("floors", _no_floors(floored), floored)
        if len(inp.tiers()) > 1:
            self.trial("tiers", _one_tier)
        if not optimal and self.run.time_limit is not None:  # a user's time limit stopped it: ten times as long
            self.trial("time_limit", lambda i: i, time_limit=10 * self.run.time_limit)

    def explanations(self, with_money: Mapping[str, int] | None) -> dict[str, ShortfallExplanation]:
        out = {}
        for tid, (_old, gap) in self.short.items():
            causes = self.found[tid]
            money_helps = any(c.kind in MONEY_KINDS for c in causes)
            if not money_helps and with_money is not None and self.gain(with_money, tid) > 0:
                money_helps = True  # only every kind of money together helps
                causes.append(Cause("local", ("all",), self.inp.planned_years, with_money.get(tid, 0),
                                    self.gain(with_money, tid)))
            out[tid] = ShortfallExplanation(tid, gap, tuple(sorted(causes, key=lambda c: -c.reduces_by)),
                                            money_helps, None if with_money is None else with_money.get(tid, 0))
        return out


def explain_shortfalls(scenario: Scenario, result: Result, *, solver: str | None = None,
                       refine_years: bool = True) -> dict[str, ShortfallExplanation]:
    """For each task short of its target in ``result``, the causes whose relaxation alone reduces
    its shortfall, each proven by solving again (see the module docstring)."""
    if not result.has_plan:
        return {}
    short = {str(tid): (int(r["achieved"]), int(r["shortfall"]))
             for tid, r in result.shortfalls.iterrows() if int(r["shortfall"]) > 0}
    if not short:
        return {}
    inp = model_input(scenario)
    if result.policy and result.policy != inp.policy:
        inp = dataclasses.replace(inp, policy=result.policy)
    run = _Solver(inp, solver or result.solver or "highs", scenario.time_limit)
    ex = _Explainer(scenario, inp, run, short)
    ex.money(refine_years)
    with_money = run.achieved(_all_money(inp.planned_years))
    if inp.structure:
        ex.structure()
    ex.others(result.status == Status.OPTIMAL)
    return ex.explanations(with_money)

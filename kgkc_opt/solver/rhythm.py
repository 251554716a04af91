"""The program's rhythm, for every policy: the last stage of a solve, with the policy's values fixed.

The schedule stage (``decompose._schedule``, ``solver.evenness``) makes the schedule of the
optimal totals as even as it can, but the totals themselves are one choice among many of equal
value, and under a policy other than the default (``fair``, ``keep-cofunding``) or with more money
in one year (a remedy) that choice can leave no rhythmic schedule: every year's money spent, a
collaborator network paid 5, 5, 5, 14, 26. ``keep_rhythm`` runs after the plan is found, for every
policy and every path, and changes nothing when the plan already keeps the rhythm
(``model.adoptability.findings``: the default's plans, as before). Otherwise, in order:

1. **the same totals**, scheduled with the rhythm as bounds (``adoptability.rhythm_bounds``): the
   first schedule within ``RHYTHMIC_SCHEDULE_NODE_LIMIT`` nodes (on a model of more than
   ``repair.MONEY_REPAIR_MIN_COLUMNS`` columns first with its money rows relaxed and repaired, as
   the decomposition's first schedule: ``_first``), made even by the usual local search and
   exchanges (which keep the bounds); the same plan values, by construction;
2. **other totals of the same values**: the aggregate with every objective of the policy but the
   last (the fixed ``order``) kept at the plan's values (``keep`` rows, exact), the rhythm's
   columns (``adoptability.rhythm_columns``: the units a recurring level and a 'Hàng năm' task
   force into each year, in the Hall rows) and ``order`` as objective; its totals scheduled as in
   1; totals with no such schedule excluded (a no-good cut), up to ``RHYTHM_CUTS`` times. So
   ``order`` decides only among rhythmic plans;
3. where no such plan exists (proven: every aggregate and schedule infeasible), each rule the plan
   breaks, alone, tells which are impossible (reason ``money``); the plan then keeps the possible
   ones (a recurring payment within the least width the money allows); a rule still broken that was
   not proven impossible is noted ``search`` (none found within the counts).

No search is made twice (the same answers, less work): a known plan of the same totals (the plan
found, each plan verified since) that keeps a search's bounds is its schedule at once; each search's
answer is kept by its totals and bounds for the rest of the stage (``_Search.cache``); and step 3's
check of a rule alone searches only the schedule model (the annual band's try cannot prove that
none exists) and stops at the first schedule not proven impossible (``prove``).

Every schedule search counts toward ``MAX_SCHEDULES``; every plan is re-checked exactly
(``model.check.check_plan``) and must reach the kept values, else it is discarded. Every step is
bounded by counts (nodes, cuts, searches), never by time, unless the user gave a time limit: then
its ``deadline`` (a ``time.perf_counter()`` value) is checked before every model is built and
every search made, each solve is given the time left, and once it has passed the stage ends with
the best plan verified so far (the plan found at the least) and the rules it still breaks noted
``time`` (``Rhythm.stopped``).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction

from kgkc_opt.errors import SolutionCheckError
from kgkc_opt.model.adoptability import SOFT_RULES, Finding, band, findings, rhythm_bounds, task_years
from kgkc_opt.model.check import check_plan, round_plan
from kgkc_opt.model.data import ModelInput
from kgkc_opt.model.formulations import linear_aggregate, linear_full
from kgkc_opt.model.linear import LinearModel
from kgkc_opt.model.objectives import Objective
from kgkc_opt.solver.backend import Backend
from kgkc_opt.solver.deadline import left, passed
from kgkc_opt.solver.evenness import Evenness, exchanges, local_search, plan_values, with_bounds
from kgkc_opt.solver.pulp_model import PulpBackend
from kgkc_opt.solver.repair import MONEY_REPAIR_MIN_COLUMNS, money_schedule
from kgkc_opt.solver.status import Status

#: Nodes each search of the rhythm stage may take (the first rhythmic schedule of given totals; the
#: full model with the values kept): a count, so the same plan on every machine.
RHYTHM_NODE_LIMIT = 5_000
#: Nodes each search for a schedule with the rhythm may take (below the first-schedule restarts'
#: counts, so one run with HiGHS's fixed seed).
RHYTHMIC_SCHEDULE_NODE_LIMIT = 1_000
#: Most schedule searches the whole stage may make (a count: a program whose totals barely have a
#: schedule ends the stage early, with the rules it could not keep noted ``search``).
MAX_SCHEDULES = 12
#: Most schedule searches the search for a recurring payment's least width may make (its own count;
#: as many again for the rules with that width). Three, not six: on the bundled programs and the
#: least-money remedy every plan and note is the same with three, and the 20% cut under ``fair``
#: makes three fewer 1,000-node searches that find nothing (11.0 → 6.9 s CPU, measured).
WIDTH_SCHEDULES = 3
#: Most totals excluded (no schedule with the rhythm) before the stage gives up on a set of rules.
RHYTHM_CUTS = 8
#: Why a rule of the rhythm is not kept: ``money`` (proven: no plan with the policy's values keeps
#: it), ``search`` (none found within the node limits; nothing proven), ``time`` (the user's time
#: limit ended the stage first; nothing proven).
REASONS = ("money", "search", "time")

Plan = dict[tuple[str, int], int]


@dataclass(frozen=True)
class RhythmNote:
    """A rule of the rhythm the plan does not keep (``finding``), and why (``REASONS``)."""

    finding: Finding
    reason: str


@dataclass(frozen=True)
class Rhythm:
    """The rhythm stage's plan, what it still breaks and why, and the step that gave it
    ("kept": nothing to do; "schedule": step 1; "totals": step 2; "partial"/"none": step 3)."""

    plan: Plan
    notes: tuple[RhythmNote, ...]
    step: str
    #: the user's time limit ended the stage before it was done
    stopped: bool = False


def soft_findings(inp: ModelInput, plan: Mapping[tuple[str, int], int]) -> list[Finding]:
    """The findings the rhythm stage can act on (the others are hard rows of every model)."""
    return [f for f in findings(inp, plan) if f.rule in SOFT_RULES]


def _totals(plan: Mapping[tuple[str, int], int]) -> dict[str, int]:
    out: dict[str, int] = {}
    for (tid, _), n in plan.items():
        out[tid] = out.get(tid, 0) + n
    return out


def bounded(m: LinearModel, bounds: Mapping[tuple[str, int], tuple[int, int | None]]) -> LinearModel | None:
    """``m`` with each column's bounds narrowed to ``bounds`` (low, high; None: no upper bound);
    None when a bound rules every schedule out (``evenness.with_bounds``)."""
    return with_bounds(m, bounds)


def annual_bands(inp: ModelInput, totals: Mapping[str, int]) -> dict[tuple[str, int], tuple[int, int]]:
    """Each 'Hàng năm' task's band in each of its years (``model.adoptability.band`` of its total)."""
    return {(t.task_id, y): band(totals[t.task_id], len(years)) for t in inp.planned_tasks
            if t.annual and t.effective_cadence == "even" and totals.get(t.task_id)
            and len(years := task_years(inp, t)) >= 2 for y in years}


def rhythmic_schedule(inp: ModelInput, totals: Mapping[str, int], backend: Backend, objectives: Sequence[Objective],
                      deadline: float | None = None, rules: Sequence[str] = SOFT_RULES,
                      bands: Mapping[str, tuple[int, int]] | None = None, *, known: Sequence[Plan] = (),
                      prove: bool = False, cache: dict[Hashable, tuple[Status, Plan | None, bool]] | None = None
                      ) -> tuple[Status, Plan | None]:
    """Step 1: a schedule of ``totals`` with the ``rules`` of the rhythm as bounds (``bands``: the
    recurring tasks' where wider than one unit), made even (module docstring). INFEASIBLE: proven
    that none exists. ``known``: plans of the program; one of these totals that keeps the bounds
    is the start, with no search (``_start``). ``prove``: only whether one exists (the schedule
    model's search alone, as the search's last try; a schedule found is not made even).
    ``cache``: the answers of the searches made so far in the stage, by totals and bounds (the
    same search gives the same answer: it is not made again)."""
    bounds = rhythm_bounds(inp, totals, bands, rules)
    key = (tuple(sorted((t, n) for t, n in totals.items() if n)), tuple(sorted(bounds.items())))
    if (plan := _start(totals, bounds, known)) is None and cache is not None and key in cache:
        status, plan, proved_only = cache[key]
        if prove or not proved_only or status == Status.INFEASIBLE:
            return (Status.OPTIMAL if plan is not None else status), (None if prove or plan is None else dict(plan))
    if plan is None and passed(deadline):
        return Status.NO_SOLUTION, None  # the time limit: nothing searched, nothing kept
    status, plan = _rhythmic(inp, totals, backend, objectives, deadline, bounds, plan, prove)
    if cache is not None and not passed(deadline):  # an answer the time limit cut is not kept
        cache[key] = (status, plan, prove)
    return status, plan


def _rhythmic(inp: ModelInput, totals: Mapping[str, int], backend: Backend, objectives: Sequence[Objective],
              deadline: float | None, bounds: Mapping[tuple[str, int], tuple[int, int | None]],
              plan: Plan | None, prove: bool) -> tuple[Status, Plan | None]:
    """``rhythmic_schedule``'s search (``plan``: the start found, if any)."""
    m = bounded(linear_full(inp, fixed_totals=dict(totals), objective="feasibility"), bounds)
    spread = bounded(linear_full(inp, fixed_totals=dict(totals), objective="spread"), bounds)
    if m is None or spread is None:
        return Status.INFEASIBLE, None
    if prove and plan is not None:
        return Status.OPTIMAL, None
    if prove:  # as the search below: the banded model's schedules are the model's
        status, _ = _first(inp, m, backend, deadline)
        return status, None
    if plan is None:
        status, plan = _searched(inp, totals, m, bounds, backend, deadline)
        if plan is None:
            return status, None
    ev: Evenness = local_search(inp, totals, m, plan, objectives)
    if passed(deadline):  # a schedule keeping the bounds: kept as the local search left it
        return Status.OPTIMAL, dict(ev.plan)
    plan, _ = exchanges(inp, totals, spread, ev.plan, backend, deadline)
    ev = local_search(inp, totals, m, plan, objectives)
    return Status.OPTIMAL, dict(ev.plan)


def _searched(inp: ModelInput, totals: Mapping[str, int], m: LinearModel,
              bounds: Mapping[tuple[str, int], tuple[int, int | None]], backend: Backend,
              deadline: float | None) -> tuple[Status, Plan | None]:
    """The first schedule of the bounded schedule model ``m`` (``_first``): first with each 'Hàng
    năm' task in its band too (as the banded start), else without."""
    annual = annual_bands(inp, totals)
    banded = bounded(m, annual) if annual else None
    status, plan = Status.INFEASIBLE, None
    for i, model in enumerate((banded, m) if banded is not None else (m,)):
        if i and passed(deadline):
            break
        status, plan = _first(inp, model, backend, deadline)
        if plan is not None:
            break
    return status, plan


def _first(inp: ModelInput, m: LinearModel, backend: Backend, deadline: float | None) -> tuple[Status, Plan | None]:
    """The first schedule of the bounded schedule model ``m``: OPTIMAL and the plan, else the
    search's status (INFEASIBLE: proven that none exists). On a model of more than
    ``repair.MONEY_REPAIR_MIN_COLUMNS`` columns, first with its money rows relaxed and repaired two
    years at a time (``repair.money_schedule``, as the decomposition's first schedule; a plan it
    gives is kept only within every column's bounds and re-checked exactly, and its proof that the
    relaxed model has none is one for ``m``), then the search within ``RHYTHMIC_SCHEDULE_NODE_LIMIT``
    nodes. On the 400-task, 10-year program at 100% tightness the six 1,000-node searches of the
    stage found nothing (6–20 s each; every rule was noted ``search``, or ``time`` at a 60 s limit),
    where the money repair found the rhythmic schedule in 3.7 s (docs/performance.md)."""
    if len(m.col_names) > MONEY_REPAIR_MIN_COLUMNS:
        out = money_schedule(m, backend, deadline)
        if out is not None and out.status == Status.INFEASIBLE:
            return Status.INFEASIBLE, None
        if out is not None and out.values is not None:
            plan = round_plan(plan_values(out.values))
            within = all(m.col_lower[j] <= plan.get(key, 0) <= m.col_upper[j] for key, j in m.variables.items())
            try:
                check_plan(inp, plan)
            except SolutionCheckError:
                within = False
            if within:
                return Status.OPTIMAL, plan
    out = backend.solve(m, time_limit=left(deadline), first_solution=True, node_limit=RHYTHMIC_SCHEDULE_NODE_LIMIT)
    if not out.status.has_plan or out.values is None:
        return out.status, None
    return Status.OPTIMAL, round_plan(plan_values(out.values))


def _keeps_bounds(plan: Mapping[tuple[str, int], int], bounds: Mapping[tuple[str, int], tuple[int, int | None]]
                  ) -> bool:
    return all(low <= plan.get(k, 0) and (high is None or plan.get(k, 0) <= high) for k, (low, high) in bounds.items())


def _start(totals: Mapping[str, int], bounds: Mapping[tuple[str, int], tuple[int, int | None]],
           known: Sequence[Plan]) -> Plan | None:
    """The first known plan of ``totals`` that keeps ``bounds`` as it is (a schedule of the
    bounded model, found with no search), else None."""
    same = {t: n for t, n in totals.items() if n}
    return next((dict(p) for p in known if _totals(p) == same and _keeps_bounds(p, bounds)), None)


def _values(inp: ModelInput, objectives: Sequence[Objective], plan: Mapping[tuple[str, int], int]) -> list[Fraction]:
    return [o.value(inp, plan) for o in objectives]


def _verified(inp: ModelInput, plan: Plan | None, keeps: Sequence[tuple[Objective, Fraction]]) -> Plan | None:
    """``plan`` if it is a plan of ``inp`` reaching every kept value, else None."""
    if plan is None:
        return None
    try:
        check_plan(inp, plan)
    except SolutionCheckError:
        return None
    if any(o.value(inp, plan) < v for o, v in keeps):
        return None
    return {k: n for k, n in plan.items() if n}


@dataclass
class _Search:
    """Step 2 (module docstring): totals of the same values from the aggregate with the rhythm's
    columns, each scheduled with the rhythm as bounds; totals with no such schedule excluded."""

    inp: ModelInput
    objectives: Sequence[Objective]
    keeps: Sequence[tuple[Objective, Fraction]]
    backend: Backend
    #: the user's time limit as a ``time.perf_counter()`` value (None: none)
    deadline: float | None
    schedules: int = 0
    #: the plans of the stage so far (the plan found, then each plan verified): starts and witnesses
    known: list[Plan] = field(default_factory=list)
    #: the answers of the schedule searches made (``rhythmic_schedule``'s ``cache``)
    cache: dict[Hashable, tuple[Status, Plan | None, bool]] = field(default_factory=dict)

    def aggregate(self, rules: Sequence[str], widths: Mapping[str, int], excluded: Sequence[Mapping[str, int]]
                  ) -> tuple[Status, dict[str, int], dict[str, tuple[int, int]]]:
        """The aggregate with the rhythm's columns: its status, totals and recurring bands."""
        m = linear_aggregate(self.inp, objective=self.objectives[-1], keep=self.keeps, exclude=excluded,
                             rhythm=(rules, widths))
        levels = m.extra.rhythm_levels
        m.variables = {**m.variables, **{("level", tid): j for tid, j in levels.items()}}
        out = self.backend.solve(m, time_limit=left(self.deadline), node_limit=RHYTHM_NODE_LIMIT)
        if not out.status.has_plan or out.values is None:
            return out.status, {}, {}
        totals = {k: round(v) for k, v in out.values.items() if isinstance(k, str)}
        bands = {k[1]: (round(v), round(v) + widths.get(k[1], 1)) for k, v in out.values.items()
                 if isinstance(k, tuple) and widths.get(k[1], 1) > 1}
        return Status.OPTIMAL, totals, bands

    def plan(self, rules: Sequence[str], widths: Mapping[str, int], *, prove: bool = False
             ) -> tuple[Status, Plan | None]:
        """A plan keeping ``rules`` (the recurring tasks within ``widths``): OPTIMAL with it;
        INFEASIBLE: proven that none exists; else none found within the counts. ``prove``: only
        whether it is proven impossible (ends at the first schedule not proven impossible, with
        no plan)."""
        excluded: list[dict[str, int]] = []
        proven = True
        for _ in range(RHYTHM_CUTS + 1):
            if passed(self.deadline):
                return Status.NO_SOLUTION, None
            status, totals, bands = self.aggregate(rules, widths, excluded)
            if passed(self.deadline):  # an answer the time limit may have cut proves nothing
                return Status.NO_SOLUTION, None
            if status != Status.OPTIMAL:
                return (Status.INFEASIBLE if status == Status.INFEASIBLE and proven else Status.NO_SOLUTION), None
            if self.schedules >= MAX_SCHEDULES:
                return Status.NO_SOLUTION, None
            self.schedules += 1
            status, plan = rhythmic_schedule(self.inp, totals, self.backend, self.objectives, self.deadline,
                                             rules, bands, known=self.known, prove=prove, cache=self.cache)
            if prove and status != Status.INFEASIBLE:
                return Status.NO_SOLUTION, None
            plan = _verified(self.inp, plan, self.keeps)
            if plan is not None:
                self.known.append(plan)
                return Status.OPTIMAL, plan
            proven = proven and status == Status.INFEASIBLE
            excluded.append(totals)
        return Status.NO_SOLUTION, None

    def widths(self, task_ids: Sequence[str]) -> tuple[Plan | None, dict[str, int]]:
        """The least width (the most units a year less the least) of the recurring tasks, together,
        at which a plan keeps them within it: halving the interval [2, most units], each step a
        ``plan`` (a count of its own: ``WIDTH_SCHEDULES`` schedules for the whole search). The plan
        and the widths (None, {}: none found)."""
        self.schedules = MAX_SCHEDULES - WIDTH_SCHEDULES
        low, high = 1, max((self.inp.task(t).remaining for t in task_ids), default=1)
        found: tuple[Plan | None, dict[str, int]] = (None, {})
        while high - low > 1:
            mid = (low + high) // 2
            widths = dict.fromkeys(task_ids, mid)
            _, plan = self.plan(("recurring",), widths)
            if plan is not None:
                high, found = mid, (plan, widths)
            else:
                low = mid
        self.schedules = MAX_SCHEDULES - WIDTH_SCHEDULES  # as many again for the rules with that width
        return found


def keep_rhythm(inp: ModelInput, plan: Mapping[tuple[str, int], int], objectives: Sequence[Objective],
                backend: Backend, deadline: float | None = None) -> Rhythm:
    """The plan, made to keep the program's rhythm where the money allows (module docstring);
    ``deadline``: the user's time limit as a ``time.perf_counter()`` value (None: none)."""
    plan = {k: n for k, n in plan.items() if n}
    found = soft_findings(inp, plan)
    if not found or isinstance(backend, PulpBackend):
        # CBC (through PuLP) has no first-solution stop: its plans keep the schedule stage's rhythm
        return Rhythm(plan, tuple(RhythmNote(f, "search") for f in found), "kept")
    keeps = list(zip(objectives[:-1], _values(inp, objectives[:-1], plan), strict=True))
    search = _Search(inp, objectives, keeps, backend, deadline, known=[plan])
    _, new = rhythmic_schedule(inp, _totals(plan), backend, objectives, deadline, known=[plan], cache=search.cache)
    new = _verified(inp, new, keeps)
    if new is not None:
        return Rhythm(new, (), "schedule")
    status, other = search.plan(SOFT_RULES, {})
    if other is not None:
        return Rhythm(other, (), "totals")
    rhythm = _partial(inp, plan, found, search, proven=status == Status.INFEASIBLE)
    if not passed(deadline):
        return rhythm
    # the time limit ended the stage: the rules still broken are noted "time", not "search"
    notes = tuple(n if n.reason == "money" else replace(n, reason="time") for n in rhythm.notes)
    return replace(rhythm, notes=notes, stopped=True)


def _partial(inp: ModelInput, plan: Plan, found: Sequence[Finding], search: _Search, *, proven: bool) -> Rhythm:
    """Step 3 (module docstring): no plan of the policy's values keeps every rule. Each rule the
    plan breaks, alone: proven impossible (``money``) or not; then the possible rules together
    (dropping the lump rule, then the 'Hàng năm' rule, while none is found); a recurring task the
    money keeps from one unit of even, within the least width the money allows (``widths``)."""
    impossible: set[str] = set()
    if proven:
        for rule in sorted({f.rule for f in found}, key=SOFT_RULES.index):
            if search.plan((rule,), {}, prove=True)[0] == Status.INFEASIBLE:
                impossible.add(rule)
    rules = [r for r in SOFT_RULES if r not in impossible or r == "recurring"]
    widths: dict[str, int] = {}
    fallback: Plan | None = None
    if "recurring" in impossible:
        # as even as the money allows: the least width, then the other rules with it
        fallback, widths = search.widths([t.task_id for t in inp.planned_tasks if t.effective_cadence == "recurring"])
        if fallback is None:
            rules.remove("recurring")
    best: Plan | None = None
    while rules and best is None:
        best = search.plan(rules, widths)[1]
        rules = rules[:-1]
    best = best or fallback or plan
    broken = soft_findings(inp, best)
    notes = tuple(RhythmNote(f, "money" if f.rule in impossible else "search") for f in broken)
    return Rhythm(best, notes, "partial" if best is not plan else "none")

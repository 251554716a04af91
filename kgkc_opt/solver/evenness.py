"""The schedule's evenness: a deterministic improvement of a schedule whose totals are fixed.

Any schedule of the optimal totals is an optimal plan; among them a planner wants the one whose
tasks fall as evenly over their years as the money allows (each task's cadence, weighted:
``TaskSpec.evenness_weight``). Proving the evenest schedule is an exact-packing search (seconds on
the decision as written, far more at scale), so it is improved instead, deterministically:

``banded``: the start. The evenness model with bounds holding every recurring or 'Hàng năm' task
(weight at least ``EXCHANGE_WEIGHT``) inside its band [⌊x/n⌋, ⌈x/n⌉] and, ``loose``, every other
even task within half its band again (``_Task.loose``). Where the money allows it (presolve says at
once when it does not), the first schedule found is already even where a planner looks, and the
evenness objective guides the rest. Searched within ``BANDED_NODE_LIMIT`` nodes; the caller tries
the loose band, then the annual tasks' alone, then the first schedule found without. These tries are
made first with the rhythm's bounds too (``model.adoptability.rhythm_bounds``: no lump, recurring
payments within one of even, 'Hàng năm' tasks every year), then without: a start found with them
keeps the rhythm, and the local search and the exchanges keep what their start keeps
(``_kept_rhythm``: the rhythm's bounds on their model where the start holds them all), so the
rhythm stage (``solver.rhythm``) finds nothing to do and searches nothing.

``local_search``: the schedule model's rows reduced to rows over q[t,y] alone (each slack column
replaced by its defining equality; the ``fill`` rows, implied by the money rows, left out), in
exact arithmetic (integer or binary-rational coefficients, exactly as the solver reads them; each
row then multiplied by its least common denominator, so a check sums whole numbers), and
moves, each kept only when every row still holds and the unevenness strictly falls:

- *shift*: k units of one task from year a to year b (the most units that still help first);
- *exchange*: one unit of a task from a to b, with 1..``MAX_PARTNER_UNITS`` units of another task
  moved b → a (to free the money) or a → b (a linked task moving with it).

A task moves only between years in which each objective of the policy values its unit alike
(co-funding under escalation does not), so no objective changes. Tasks are visited from the most
uneven, years in order; the search ends when no move helps, or after ``MAX_CHECKS`` row checks (a
count, not a time: the result does not depend on the machine).

``exchanges``: for pairs of years between which a unit of a recurring or 'Hàng năm' task, or of a
task with a lump or a gap (``_Task.lumpy``; not a prize after rounds held only some years), would
make it more even (the local search could not move it: the money of both years is spent), the
schedule model with every unit outside the two years fixed, solved within ``PAIR_NODE_LIMIT``
nodes; kept only when strictly more even (one pass over the pairs, at most ``EXCHANGES_PER_YEAR``
per year). It repacks the money of two years at once, which single moves cannot do when every
year's money is spent to the last unit.

The caller re-checks the result exactly against the program (``model.check.check_plan``).
``Evenness.proven`` is True when the unevenness is 0; ``Evenness.complete`` when no move helps (a
local optimum), not that no schedule is more even.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import cast

from kgkc_opt.model.adoptability import rhythm_bounds
from kgkc_opt.model.check import round_plan
from kgkc_opt.model.data import ANNUAL_EVENNESS_WEIGHT, ModelInput
from kgkc_opt.model.linear import LinearModel
from kgkc_opt.model.objectives import Objective
from kgkc_opt.solver.backend import Backend
from kgkc_opt.solver.deadline import left, spent
from kgkc_opt.solver.status import Outcome, Status

#: Most nodes the banded start may search (deterministic; where it finds no schedule within them
#: the caller starts from the first schedule found without the band).
BANDED_NODE_LIMIT = 50
#: Most nodes the banded start's last try (the annual band on the schedule model without the
#: evenness objective) may search.
PLAIN_BANDED_NODE_LIMIT = 200
#: Most row checks the local search may make (a deterministic bound on its work).
MAX_CHECKS = 50_000
#: Most units of the partner task an exchange moves.
MAX_PARTNER_UNITS = 4
#: Most nodes an exchange between two years may search (deterministic; 10 found the same
#: schedules as 200 on the benchmark scenarios, measured).
PAIR_NODE_LIMIT = 10
#: Passes over the pairs of years (a pair is solved again in a pass only when one of its years changed).
MAX_PASSES = 1
#: Most exchanges per planned year (5 years: every pair once; 10 years: 20 of the 45 pairs).
EXCHANGES_PER_YEAR = 2
#: A task weighted at least this (a recurring payment, a 'Hàng năm' task) is held in its band by
#: the banded start, and an exchange is solved for any pair of years between which one of its units
#: would make it more even (for a lighter task only where it has a lump or a gap: ``_Task.lumpy``).
EXCHANGE_WEIGHT = ANNUAL_EVENNESS_WEIGHT

Number = int | Fraction


@dataclass(frozen=True)
class Evenness:
    """A schedule made more even, and how."""

    plan: dict[tuple[str, int], int]
    unevenness: int
    first: int
    moves: int
    checks: int
    seconds: float
    complete: bool

    @classmethod
    def of(cls, inp: ModelInput, totals: Mapping[str, int], plan: Mapping[tuple[str, int], int]) -> Evenness:
        """A schedule as it is (no search)."""
        score = unevenness(inp, totals, plan)
        return cls({k: n for k, n in plan.items() if n}, score, score, 0, 0, 0.0, False)

    @property
    def proven(self) -> bool:
        """No schedule is more even (the unevenness is 0)."""
        return self.unevenness == 0


def unevenness(inp: ModelInput, totals: Mapping[str, int], plan: Mapping[tuple[str, int], int]) -> int:
    """Σ_t weight_t · Σ_y how far q[t,y] lies outside [⌊x_t/n_t⌋, ⌈x_t/n_t⌉] (the schedule's objective)."""
    return _score(_even_tasks(inp, totals, None), plan)


def uneven_years(inp: ModelInput, totals: Mapping[str, int], plan: Mapping[tuple[str, int], int]) -> dict[int, int]:
    """The schedule's unevenness by year (each year's share of ``unevenness``)."""
    out = {y: 0 for y in inp.planned_years}
    for task in _even_tasks(inp, totals, None):
        for y in task.years:
            out[y] += task.weight * task.dev(plan.get((task.tid, y), 0))
    return out


@dataclass(frozen=True)
class _Task:
    tid: str
    weight: int
    years: tuple[int, ...]
    lo: int
    hi: int

    def dev(self, n: int) -> int:
        # max(n − hi, 0) + max(lo − n, 0), lo ≤ hi (the local search's most frequent call)
        return n - self.hi if n > self.hi else (self.lo - n if n < self.lo else 0)

    @property
    def loose(self) -> tuple[int, int]:
        """The band widened by half (rounded toward the band): the banded start's bounds of a
        lighter task."""
        return self.lo - self.lo // 2, self.hi + (self.hi + 1) // 2

    def lumpy(self, n: int) -> bool:
        """A year's units more than half the band's away from it (rounded away from the band): a
        lump or a gap a planner sees, worth an exchange between two years."""
        return n < self.lo // 2 or n > self.loose[1]

    def delta(self, n_from: int, n_to: int, k: int) -> int:
        """Change of the weighted unevenness when k units move from a year holding n_from to one
        holding n_to."""
        return self.weight * (self.dev(n_from - k) - self.dev(n_from) + self.dev(n_to + k) - self.dev(n_to))


def plan_values(values: Mapping[Hashable, float]) -> dict[tuple[str, int], float]:
    """A plan-space model's values: keyed by (task, year), as its variables are."""
    return cast("dict[tuple[str, int], float]", values)


def _score(tasks: Sequence[_Task], plan: Mapping[tuple[str, int], int]) -> int:
    """The unevenness of ``plan`` over ``tasks`` (``unevenness`` with the tasks already banded)."""
    return sum(t.weight * t.dev(plan.get((t.tid, y), 0)) for t in tasks for y in t.years)


def _even_tasks(inp: ModelInput, totals: Mapping[str, int], m: LinearModel | None) -> list[_Task]:
    """The tasks with a cadence preference, with their band [⌊x/n⌋, ⌈x/n⌉] over the years in
    which they may have units (the model's q columns: ``formulations._evenness``)."""
    allowed = set(m.variables) if m is not None else set(inp.columns())
    out = []
    for t in inp.planned_tasks:
        if not t.evenness_weight or t.task_id not in totals:
            continue
        years = tuple(y for y in t.years if (t.task_id, y) in allowed)
        if len(years) < 2:
            continue
        x = totals[t.task_id]
        out.append(_Task(t.task_id, t.evenness_weight, years, x // len(years), -(-x // len(years))))
    return out


def _exact(v: float) -> Number:
    return int(v) if float(v).is_integer() else Fraction(v)


class _Rows:
    """The schedule model's rows over q alone, with their activity at the current schedule."""

    def __init__(self, m: LinearModel, plan: Mapping[tuple[str, int], int]):
        variables = set(m.variables.values())
        # each other column (a slack) is defined by an equality row in which it is the only one
        defined: dict[int, tuple[int, Number]] = {}
        for r, cols in enumerate(m.row_index):
            if m.row_lower[r] != m.row_upper[r]:
                continue
            others = [(j, a) for j, a in zip(cols, m.row_value[r], strict=True) if j not in variables]
            if len(others) == 1 and others[0][1] and others[0][0] not in defined:
                defined[others[0][0]] = (r, _exact(others[0][1]))
        missing = [j for j in range(len(m.col_names)) if j not in variables and j not in defined]
        self.supported = not missing
        self.lower: list[Number | None] = []
        self.upper: list[Number | None] = []
        self.col_rows: dict[int, list[tuple[int, Number]]] = {j: [] for j in variables}
        if not self.supported:
            return
        defining = {r for r, _ in defined.values()}

        def expression(r: int) -> tuple[Number, dict[int, Number]]:
            """Row r's q-part and the constant it adds once every slack is substituted."""
            const: Number = 0
            terms: dict[int, Number] = {}
            for j, value in zip(m.row_index[r], m.row_value[r], strict=True):
                a = _exact(value)
                if j in variables:
                    terms[j] = terms.get(j, 0) + a
                    continue
                c0, slack_terms = _slack(m, *defined[j], variables)
                const += a * c0
                for i, ai in slack_terms.items():
                    terms[i] = terms.get(i, 0) + a * ai
            return const, terms

        def add(const: Number, terms: dict[int, Number], low: float, high: float) -> None:
            r = len(self.lower)
            self.lower.append(None if low == -float("inf") else _exact(low) - const)
            self.upper.append(None if high == float("inf") else _exact(high) - const)
            for j, a in terms.items():
                if a:
                    self.col_rows[j].append((r, a))

        for r, key in enumerate(m.row_keys):
            # fill rows only guide the solver: every schedule meeting the money rows meets them
            if r not in defining and m.rows[key].kind != "fill":
                const, terms = expression(r)
                add(const, terms, m.row_lower[r], m.row_upper[r])
        for j, (r, c) in defined.items():  # the slack's own bounds
            const, terms = _slack(m, r, c, variables)
            add(const, terms, m.col_lower[j], m.col_upper[j])
        for j in variables:
            add(0, {j: 1}, m.col_lower[j], m.col_upper[j])
        self._integral()
        self.activity: list[Number] = [0] * len(self.lower)
        for (key, j) in m.variables.items():
            n = plan.get(key, 0)
            if n:
                for r, a in self.col_rows[j]:
                    self.activity[r] += a * n
        self.checks = 0

    def _integral(self) -> None:
        """Each row multiplied by the least common denominator of its coefficients and bounds: the
        same rows in whole numbers (exact, and the checks are integer sums, not Fractions)."""
        den = [1] * len(self.lower)
        for entries in self.col_rows.values():
            for r, a in entries:
                if isinstance(a, Fraction):
                    den[r] = math.lcm(den[r], a.denominator)
        for bounds in (self.lower, self.upper):
            for r, b in enumerate(bounds):
                if isinstance(b, Fraction):
                    den[r] = math.lcm(den[r], b.denominator)
        self.lower = [None if b is None else int(b * den[r]) for r, b in enumerate(self.lower)]
        self.upper = [None if b is None else int(b * den[r]) for r, b in enumerate(self.upper)]
        self.col_rows = {j: [(r, int(a * den[r])) for r, a in entries] for j, entries in self.col_rows.items()}

    def try_move(self, delta: Sequence[tuple[int, int]]) -> bool:
        """Apply the change (column, units) if every row it touches still holds."""
        new: dict[int, Number] = {}
        for j, d in delta:
            for r, a in self.col_rows[j]:
                new[r] = new.get(r, self.activity[r]) + a * d
        self.checks += len(new)
        for r, v in new.items():
            lo, hi = self.lower[r], self.upper[r]
            if (lo is not None and v < lo) or (hi is not None and v > hi):
                return False
        for r, v in new.items():
            self.activity[r] = v
        return True


def _slack(m: LinearModel, r: int, c: Number, variables: set[int]) -> tuple[Number, dict[int, Number]]:
    """A slack defined by equality row r (its coefficient c there): (b_r − Σ a_i q_i) / c, as a
    constant and q-terms."""
    terms: dict[int, Number] = {}
    for i, a in zip(m.row_index[r], m.row_value[r], strict=True):
        if i in variables:
            terms[i] = terms.get(i, 0) - Fraction(_exact(a)) / c
    return Fraction(_exact(m.row_lower[r])) / c, terms


def local_search(inp: ModelInput, totals: Mapping[str, int], m: LinearModel,
                 start: Mapping[tuple[str, int], int], objectives: Sequence[Objective] = ()) -> Evenness:
    """A schedule of ``totals`` at least as even as ``start`` (a schedule of ``m``, the schedule
    model), by the local search of the module docstring."""
    clock = time.perf_counter()
    plan = {k: n for k, n in start.items() if n}
    m = _kept_rhythm(inp, totals, m, plan)
    tasks = _even_tasks(inp, totals, m)
    first = _score(tasks, plan)
    rows = _Rows(m, plan)
    if not rows.supported or not first:
        return Evenness(plan, first, first, 0, 0, time.perf_counter() - clock, rows.supported)
    search = _LocalSearch(inp, totals, m, plan, tasks, rows, objectives)
    score, moves = first, 0
    while score and search.improve_once():
        moves += 1
        new = _score(tasks, plan)
        assert new < score, "a move must make the schedule strictly more even"
        score = new
    complete = not score or rows.checks < MAX_CHECKS  # else stopped at the work limit
    return Evenness(dict(plan), score, first, moves, rows.checks, time.perf_counter() - clock, complete)


class _LocalSearch:
    """One local search's state: the schedule ``plan`` (changed in place as moves are made), the
    rows it must keep, and which moves failed at which versions of the years."""

    def __init__(self, inp: ModelInput, totals: Mapping[str, int], m: LinearModel, plan: dict[tuple[str, int], int],
                 tasks: list[_Task], rows: _Rows, objectives: Sequence[Objective]) -> None:
        self.inp = inp
        self.m = m
        self.plan = plan
        self.tasks = tasks
        self.rows = rows
        self.objectives = objectives
        self.specs = {t.task_id: t for t in inp.planned_tasks}
        self.partners = [(t.task_id, tuple(y for y in t.years if (t.task_id, y) in m.variables))
                         for t in inp.planned_tasks if totals.get(t.task_id, 0)]
        self.band = {t.tid: t for t in tasks}
        # a move that failed is tried again only once a year between its two has changed (every row
        # a move touches lies in those years: money and links per year, carry-over cumulative)
        self.version = {y: 0 for y in inp.planned_years}
        self.failed: dict[tuple[str, int, int], tuple[int, ...]] = {}
        self.same: dict[tuple[str, int, int], bool] = {}  # same_value's answers (they never change)
        self.coefficients: dict[tuple[str, int], tuple[Fraction, ...]] = {}  # each objective's, by (task, year)

    def same_value(self, tid: str, a: int, b: int) -> bool:
        key = (tid, a, b)
        if key not in self.same:
            self.same[key] = self.coefficient(tid, a) == self.coefficient(tid, b)
        return self.same[key]

    def coefficient(self, tid: str, y: int) -> tuple[Fraction, ...]:
        """A unit of ``tid`` in ``y``: its coefficient in each objective of the policy."""
        key = (tid, y)
        if key not in self.coefficients:
            t = self.specs[tid]
            self.coefficients[key] = tuple(o.coefficient(self.inp, t, y) for o in self.objectives)
        return self.coefficients[key]

    def n(self, tid: str, y: int) -> int:
        return self.plan.get((tid, y), 0)

    def col(self, tid: str, y: int) -> int:
        return self.m.variables[(tid, y)]

    def stamp(self, a: int, b: int) -> tuple[int, ...]:
        lo, hi = min(a, b), max(a, b)
        return tuple(v for y, v in self.version.items() if lo <= y <= hi)

    def apply(self, changes: list[tuple[str, int, int]]) -> None:
        years = [y for _, y, _ in changes]
        for y in self.version:
            if min(years) <= y <= max(years):
                self.version[y] += 1
        for tid, y, d in changes:
            self.plan[(tid, y)] = self.n(tid, y) + d
            if not self.plan[(tid, y)]:
                del self.plan[(tid, y)]

    def partner_delta(self, tid: str, a: int, b: int, k: int) -> int:
        """Unevenness change of moving k units of tid from a to b (0 for a task without a band)."""
        t = self.band.get(tid)
        return t.delta(self.n(tid, a), self.n(tid, b), k) if t else 0

    def improve_once(self) -> bool:
        """Make one move that makes the schedule more even: False if none is found (or at the work limit)."""
        n = self.n
        order = sorted(self.tasks, key=lambda t: -t.weight * sum(t.dev(n(t.tid, y)) for y in t.years))
        for t in order:
            if not any(t.dev(n(t.tid, y)) for y in t.years):
                break
            pairs = sorted((t.delta(n(t.tid, a), n(t.tid, b), 1), a, b)
                           for a in t.years for b in t.years if a != b and n(t.tid, a))
            for d1, a, b in pairs:
                if d1 >= 0 or self.rows.checks >= MAX_CHECKS:
                    break
                if not self.same_value(t.tid, a, b) or self.failed.get((t.tid, a, b)) == self.stamp(a, b):
                    continue
                if self.shift(t, a, b):
                    return True
                moved = self.exchange(t, a, b, d1)
                if moved is not None:
                    return moved
                self.failed[(t.tid, a, b)] = self.stamp(a, b)
        return False

    def shift(self, t: _Task, a: int, b: int) -> bool:
        """Shift units of t from a to b: the most units that still help, halving down to one."""
        n = self.n
        k = 1
        while k < n(t.tid, a) and t.delta(n(t.tid, a), n(t.tid, b), k + 1) < t.delta(n(t.tid, a), n(t.tid, b), k):
            k += 1
        while k >= 1:
            if self.rows.try_move([(self.col(t.tid, a), -k), (self.col(t.tid, b), k)]):
                self.apply([(t.tid, a, -k), (t.tid, b, k)])
                return True
            k //= 2
        return False

    def exchange(self, t: _Task, a: int, b: int, d1: int) -> bool | None:
        """Exchange: one unit of t from a to b, with a partner moving back (to free the money) or
        along (a linked task). True: moved; False: the work limit is reached; None: no exchange."""
        n, col = self.n, self.col
        for ptid, pyears in self.partners:
            if ptid == t.tid or a not in pyears or b not in pyears or not self.same_value(ptid, a, b):
                continue
            for src, dst in ((b, a), (a, b)):
                for kp in range(1, min(n(ptid, src), MAX_PARTNER_UNITS) + 1):
                    if d1 + self.partner_delta(ptid, src, dst, kp) >= 0:
                        break
                    if self.rows.checks >= MAX_CHECKS:
                        return False
                    if self.rows.try_move([(col(t.tid, a), -1), (col(t.tid, b), 1),
                                           (col(ptid, src), -kp), (col(ptid, dst), kp)]):
                        self.apply([(t.tid, a, -1), (t.tid, b, 1), (ptid, src, -kp), (ptid, dst, kp)])
                        return True
        return None


def exchanges(inp: ModelInput, totals: Mapping[str, int], spread: LinearModel, plan: dict[tuple[str, int], int],
              backend: Backend, deadline: float | None = None) -> tuple[dict[tuple[str, int], int], bool]:
    """Exchanges between pairs of years (module docstring): the schedule, and whether every pair
    was solved before the ``deadline`` (a ``time.perf_counter()`` value; None: no limit)."""
    spread = _kept_rhythm(inp, totals, spread, plan)
    tasks = _even_tasks(inp, totals, spread)
    structural = _lumped_by_structure(inp, tasks)
    score = _score(tasks, plan)
    years = list(inp.planned_years)
    stale = {pair: True for pair in itertools.combinations(years, 2)}
    count, budget = 0, min(MAX_PASSES * len(stale), EXCHANGES_PER_YEAR * len(years))
    while score and any(stale.values()) and count < budget:
        for pair in itertools.combinations(years, 2):
            if not stale[pair] or not score or count >= budget:
                continue
            stale[pair] = False
            if not _helps(tasks, plan, *pair, structural):
                continue
            if spent(deadline):
                return plan, False
            out = backend.solve(fixed_outside(spread, plan, pair), node_limit=PAIR_NODE_LIMIT,
                                time_limit=left(deadline))
            count += 1
            if not out.status.has_plan or out.values is None:
                continue
            new = round_plan(plan_values(out.values))
            new_score = _score(tasks, new)
            if new_score < score:
                changed = {k[1] for k, v in new.items() if plan.get(k, 0) != v}
                plan, score = {k: v for k, v in new.items() if v}, new_score
                for other in stale:
                    if set(other) & changed:
                        stale[other] = True
    return plan, True


def _lumped_by_structure(inp: ModelInput, tasks: Sequence[_Task]) -> set[str]:
    """Tasks that run only in the years of another task which does not run every year (prizes
    after their rounds): their lumps are the structure, not the money."""
    every_year = {t.tid for t in tasks if t.lo >= 1}
    return {ln.task for ln in inp.links if ln.leader not in every_year}


def banded(inp: ModelInput, totals: Mapping[str, int], spread: LinearModel, *, loose: bool) -> LinearModel | None:
    """The evenness model ``spread`` with each recurring or 'Hàng năm' task's units held in its
    band by their bounds and, with ``loose``, every other even task's within its loose band
    (module docstring; a task that follows another's years, a prize after its round, only when the
    other runs every year); None when a bound already rules it out."""
    tasks = _even_tasks(inp, totals, spread)
    return _banded(tasks, _lumped_by_structure(inp, tasks), spread, loose)


def _banded(tasks: Sequence[_Task], followers: set[str], spread: LinearModel, loose: bool) -> LinearModel | None:
    lower = list(spread.col_lower)
    upper = list(spread.col_upper)
    for t in tasks:
        if t.weight >= EXCHANGE_WEIGHT:
            lo, hi = t.lo, t.hi
        elif loose and t.tid not in followers:
            lo, hi = t.loose
        else:
            continue
        for y in t.years:
            j = spread.variables[(t.tid, y)]
            lower[j] = max(lower[j], float(lo))
            upper[j] = min(upper[j], float(hi))
            if lower[j] > upper[j]:
                return None
    return replace(spread, col_lower=lower, col_upper=upper)


def banded_start(inp: ModelInput, totals: Mapping[str, int], spread: LinearModel, backend: Backend,
                 time_limit: float | None = None, plain: LinearModel | None = None) -> Outcome | None:
    """The banded start (module docstring): the first schedule with the loose band, else with the
    recurring and 'Hàng năm' tasks banded alone, within ``BANDED_NODE_LIMIT`` nodes each; else the
    latter on ``plain`` (the schedule model without the evenness objective, whose search is
    another: with L02's limit of 3 district prizes a round, the decision's banded schedule was found
    there at once, not within 1,000 nodes of the objective's model), within
    ``PLAIN_BANDED_NODE_LIMIT`` nodes. These tries are made first with the rhythm's bounds
    (``model.adoptability.rhythm_bounds``: a schedule found keeps the rhythm, and the rhythm stage
    has nothing to do), then, where none is found, without them. None when none finds one."""
    tasks = _even_tasks(inp, totals, spread)
    followers = _lumped_by_structure(inp, tasks)
    tries = [(spread, True, BANDED_NODE_LIMIT), (spread, False, BANDED_NODE_LIMIT)]
    if plain is not None:
        tries.append((plain, False, PLAIN_BANDED_NODE_LIMIT))
    rhythm = rhythm_bounds(inp, totals)
    for bounds in ((rhythm, {}) if rhythm else ({},)):
        for base, loose, nodes in tries:
            model = _banded(tasks, followers, base, loose)
            model = with_bounds(model, bounds) if model is not None else None
            if model is None:
                continue
            out = backend.solve(model, time_limit=time_limit, first_solution=True, node_limit=nodes)
            if out.status.has_plan:
                return out
            if out.status == Status.INFEASIBLE and not loose:
                break  # the annual band proved impossible (with these bounds): the plain model has no more
    return None


def with_bounds(m: LinearModel, bounds: Mapping[tuple[str, int], tuple[int, int | None]]) -> LinearModel | None:
    """``m`` with each column's bounds narrowed to ``bounds`` (low, high; None: no upper bound);
    None when a bound rules every schedule out."""
    lower, upper = list(m.col_lower), list(m.col_upper)
    for key, (low, high) in bounds.items():
        j = m.variables.get(key)
        if j is None:
            continue
        lower[j] = max(lower[j], float(low))
        if high is not None:
            upper[j] = min(upper[j], float(high))
        if lower[j] > upper[j]:
            return None
    return replace(m, col_lower=lower, col_upper=upper)


def _kept_rhythm(inp: ModelInput, totals: Mapping[str, int], m: LinearModel,
                 plan: Mapping[tuple[str, int], int]) -> LinearModel:
    """``m`` with the rhythm's bounds (``model.adoptability.rhythm_bounds``) where ``plan`` keeps
    them all: a schedule that keeps the rhythm is not made more even by breaking it."""
    bounds = {k: b for k, b in rhythm_bounds(inp, totals).items() if k in m.variables}
    if not all(low <= plan.get(k, 0) and (high is None or plan.get(k, 0) <= high) for k, (low, high) in bounds.items()):
        return m
    return with_bounds(m, bounds) or m


def _helps(tasks: list[_Task], plan: Mapping[tuple[str, int], int], a: int, b: int,
           structural: Collection[str] = ()) -> bool:
    """A unit moved between the two years would make a recurring or 'Hàng năm' task more even, or
    another task with a lump or a gap in one of them (``_Task.lumpy``), unless
    its lumps are the program's structure (``structural``: prizes after rounds not held every year)."""
    for t in tasks:
        if a not in t.years or b not in t.years or (t.weight < EXCHANGE_WEIGHT and t.tid in structural):
            continue
        for x, z in ((a, b), (b, a)):
            nx, nz = plan.get((t.tid, x), 0), plan.get((t.tid, z), 0)
            if t.delta(nx, nz, 1) < 0 and (t.weight >= EXCHANGE_WEIGHT or t.lumpy(nx) or t.lumpy(nz)):
                return True
    return False


def fixed_outside(m: LinearModel, plan: Mapping[tuple[str, int], int], pair: tuple[int, int]) -> LinearModel:
    """``m`` with every unit outside the two years of ``pair`` fixed at ``plan``'s."""
    lower = list(m.col_lower)
    upper = list(m.col_upper)
    for (tid, y), j in m.variables.items():
        if y not in pair:
            lower[j] = upper[j] = float(plan.get((tid, y), 0))
    return replace(m, col_lower=lower, col_upper=upper)

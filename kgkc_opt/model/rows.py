"""The row generators: every constraint type of docs/model.md, written once for every model.

A model is built by a ``Builder`` for a ``Spec`` (which variables, integer or not, totals fixed
or not, which hard rows may give way) and then by every generator of ``GENERATORS``, in order.
Each generator writes its constraint type in the form the model's variable space needs:

=========  ====================================================  ===============================
generator  plan space: q[t,y] (full, schedule, elastic, LPs)       totals space: x[t] (aggregate)
=========  ====================================================  ===============================
events     z_t binary; q[t,y] ≥ z_t; Σ_y q ≤ |Y|−1 + M·z_t        z_t; x ≤ |Y|−1 + M·z_t, and the
           (a round in every listed year once the total allows)   units z forces into each year
                                                                  count in the Hall rows
money      per line and year Σ a·q ≤ B (integral; carry-over      Hall rows per line and set of
           cumulative; fill form with fixed totals; elastic:       years S: Σ_{t confined to S}
           + extra whole đồng, or over/under to match a table)     a·x ≤ Σ_{y∈S} B̃_y
targets    Σ_y q ≤ remaining target (= total when fixed)          x ≤ what fits (column bound)
floors     Σ_y q ≥ floor (− d, elastic)                            x ≥ floor
links      q[a,y] ≤ r·q[b,y] (r = per unit, or the target)         x_a ≤ r·x_b
relations  Σ_left (done + Σ_y q) (op) Σ_right (...)                the same over x
=========  ====================================================  ===============================

A generator that writes nothing for a model on purpose records why in ``Builder.excluded``
(e.g. events in an LP: a yes/no choice has no LP form; the plan LP keeps the plan's rounds as a
floor). ``tests/model/test_rows.py`` checks, for a program with every structure, that each
generator either writes rows in each model or says why not: a new constraint type cannot be
forgotten in one of them.

Money rows over integer variables are scaled to integer coefficients with the right-hand side
rounded down (``money.integral_row``): exact, and a valid cut.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from kgkc_opt.model.data import ModelInput, TaskSpec
from kgkc_opt.model.linear import INF, LinearModel, ModelKind, RowInfo, Space
from kgkc_opt.model.lines import Line, lines, planned_years, rounded_caps, task_upper_bounds, year_sets
from kgkc_opt.money import lcm_of_denominators

_ZERO = Fraction(0)
#: Exact integer money data above this (2^50) is no longer exact in a double: such a line keeps
#: the per-row integral form in the schedule model instead of the common-unit slack form.
MAX_EXACT = 2**50
#: Above this, a row over integer columns is not scaled to integer coefficients (see ``Builder.row``).
MAX_INTEGRAL_COEFFICIENT = 10**12
#: Elastic money is counted in whole đồng: 10^6 đồng in a million.
DONG = 10**6


@dataclass(frozen=True)
class Elastic:
    """Which hard rows of a plan-space model may give way (the repair and reconstruction models).

    ``lines``: money lines whose yearly caps may grow by whole đồng (``extra[line,year]``),
    only in ``years`` if given; ``floors``: floors may be lowered by whole units
    (``lower_floor[t]``); ``match``: every money row becomes Σ a·q − over + under = cap (the
    reconstruction of a schedule that matches an annual table).
    """

    lines: frozenset[str] = frozenset()
    years: frozenset[int] | None = None
    floors: bool = False
    match: bool = False


@dataclass(frozen=True)
class Spec:
    """What a model is: its kind, its variable space and its options."""

    kind: ModelKind
    space: Space = "plan"
    integer: bool = True
    #: the schedule model: Σ_y q[t,y] fixed to these totals
    fixed_totals: Mapping[str, int] | None = None
    #: the plan LP: q[t,y] ≥ a plan
    lower: Mapping[tuple[str, int], int] | None = None
    elastic: Elastic | None = None
    #: floors to meet instead of the scenario's (a repair goal such as "every target")
    goal_floors: Mapping[str, int] | None = None


@dataclass
class Builder:
    """A model being built: the input, the spec, the columns by meaning, and what was excluded."""

    inp: ModelInput
    spec: Spec
    m: LinearModel = field(init=False)
    tasks: dict[str, TaskSpec] = field(init=False)
    years: list[int] = field(init=False)
    q: dict[tuple[str, int], int] = field(default_factory=dict)
    x: dict[str, int] = field(default_factory=dict)
    carry: dict[int, int] = field(default_factory=dict)
    #: events forcing units into years: (task, z column, years) for the Hall rows
    forced: list[tuple[str, int, tuple[int, ...]]] = field(default_factory=list)
    #: elastic columns: extra money by (line, year), lowered floors by task, over/under by row key
    extra: dict[tuple[str, int], int] = field(default_factory=dict)
    lowered: dict[str, int] = field(default_factory=dict)
    mismatch: dict[str, tuple[int, int]] = field(default_factory=dict)
    excluded: dict[str, str] = field(default_factory=dict)
    #: a range task's units up to its minimum, by task (``credited``)
    credit: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.m = LinearModel(self.spec.kind)
        self.tasks = {t.task_id: t for t in self.inp.planned_tasks}
        self.years = planned_years(self.inp)

    @property
    def plan(self) -> bool:
        """q[t,y] only (full, schedule, elastic, LPs)."""
        return self.spec.space == "plan"

    @property
    def coupled(self) -> bool:
        """x[t] and q[t,y] together (the coupled relaxation)."""
        return self.spec.space == "coupled"

    @property
    def has_q(self) -> bool:
        return self.spec.space in ("plan", "coupled")

    def columns(self) -> None:
        """The model's main variables: q[t,y] (plan space) or x[t] (totals space)."""
        inp, spec = self.inp, self.spec
        if self.plan:
            for tid, y in inp.columns():
                low = float(spec.lower.get((tid, y), 0)) if spec.lower else 0.0
                if spec.fixed_totals is not None:
                    high = float(spec.fixed_totals.get(tid, 0))
                else:
                    high = float(self.tasks[tid].remaining)
                self.q[(tid, y)] = self.m.col(f"q[{tid},{y}]", low, max(high, low), integer=spec.integer)
            self.m.variables = dict(self.q)
            return
        # what fits the caps bounds x, unless the caps may grow (the elastic aggregate)
        bounds = task_upper_bounds(inp, self.years) if spec.elastic is None else \
            {t.task_id: t.remaining for t in inp.planned_tasks}
        for t in inp.planned_tasks:
            if t.remaining <= 0 or not any(y in self.years for y in t.years):
                continue
            self.x[t.task_id] = self.m.col(f"x[{t.task_id}]", 0.0, float(bounds[t.task_id]),
                                           integer=spec.integer)
        self.m.variables = dict(self.x)
        if self.coupled:
            # each total spread over its years by q[t,y]: continuous, except where a unit's place
            # in a year is the point (leaders of links, events, lumpy units: ``coupled_integer``)
            integer = coupled_integer(inp)
            for tid, y in inp.columns():
                if tid in self.x:
                    self.q[(tid, y)] = self.m.col(f"q[{tid},{y}]", 0.0, float(bounds[tid]),
                                                  integer=tid in integer)
            for tid, j in self.x.items():
                cols = [(c, Fraction(1)) for (t2, _), c in self.q.items() if t2 == tid]
                self.row(f"split[{tid}]", [*cols, (j, Fraction(-1))], 0, 0, "split",
                         f"task {tid}: the total spread over its years", task_id=tid)

    def credited(self, t: TaskSpec) -> int | None:
        """The column of task ``t``'s planned units that count toward its range's minimum:
        0 ≤ credited[t] ≤ min − done and credited[t] ≤ its planned units (created once)."""
        if t.task_id not in self.credit:
            terms = self.count(t.task_id)
            if not terms:
                return None
            j = self.m.col(f"credited[{t.task_id}]", 0.0, float(max(t.credit - t.done, 0)),
                           integer=self.spec.integer)
            self.row(f"credited[{t.task_id}]", [(j, Fraction(1)), *((c, -a) for c, a in terms)], -INF, 0,
                     "objective", f"task {t.task_id}: units up to the range's minimum", task_id=t.task_id)
            self.credit[t.task_id] = j
        return self.credit[t.task_id]

    def count(self, tid: str) -> list[tuple[int, Fraction]]:
        """The units of task ``tid`` the model plans, as terms (Σ_y q[t,y], or x[t])."""
        if self.plan or (self.coupled and tid not in self.x):
            return [(j, Fraction(1)) for (t, _), j in self.q.items() if t == tid]
        return [(self.x[tid], Fraction(1))] if tid in self.x else []

    def floor(self, t: TaskSpec) -> int:
        """The units still required of a task: its floor (or the goal's) less what is done."""
        goal = self.spec.goal_floors
        floor = goal.get(t.task_id, t.floor) if goal is not None else t.floor
        return max(min(floor, t.target) - t.done, 0)

    def row(self, key: str, terms: list[tuple[int, Fraction]], low: Fraction | float, high: Fraction | float,
            kind: str, source: str, *, year: int | None = None, task_id: str | None = None) -> None:
        """A row with exact coefficients: scaled to integers where its columns are all integer."""
        terms = [(j, a) for j, a in terms if a != 0]
        info = RowInfo(key, kind, source, Fraction(1), year, task_id)
        all_int = all(self.m.col_integer[j] for j, _ in terms)
        if all_int and terms:
            denominator = lcm_of_denominators([a for _, a in terms])
            coefs = [int(a * denominator) for _, a in terms]
            divisor = 0
            for a in coefs:
                divisor = math.gcd(divisor, a)
            divisor = divisor or 1
            scale = Fraction(denominator, divisor)
            if max(abs(c) for c in coefs) // divisor > MAX_INTEGRAL_COEFFICIENT:
                # integer coefficients that large would break the solver's numerics (HiGHS refuses
                # values above 1e15): the row as written, in floating point; plans are re-checked exactly
                self.m.row(key, [(j, float(a)) for j, a in terms], float(low), float(high), info)
                return
            lo = -INF if low == -INF else math.ceil(Fraction(low) * scale)
            hi = INF if high == INF else math.floor(Fraction(high) * scale)
            info = RowInfo(key, kind, source, scale, year, task_id)
            self.m.row(key, [(j, c // divisor) for (j, _), c in zip(terms, coefs, strict=True)], lo, hi, info)
            return
        self.m.row(key, [(j, float(a)) for j, a in terms], float(low), float(high), info)


# --- events -----------------------------------------------------------------------------------


def events(b: Builder) -> None:
    """Events held in each listed year once the quantity allows (cadence "events")."""
    if not b.spec.integer:
        b.excluded["events"] = ("an LP has no yes/no choice: the plan LP keeps the plan's rounds as a floor, "
                                "and the LP sweep's curve is an upper bound without the rule")
        return
    for t in b.inp.planned_tasks:
        if t.effective_cadence != "events":
            continue
        ys = tuple(y for y in t.years if y in b.years and ((b.plan and (t.task_id, y) in b.q) or not b.plan))
        n = len(ys)
        if n < 2 or t.remaining < n or (not b.plan and t.task_id not in b.x):
            continue
        src = f"{b.inp.task_sources.get(t.task_id, 'task ' + t.task_id)}: held in each of {', '.join(map(str, ys))}"
        if b.spec.fixed_totals is not None:  # the total is known: the rule applies or it does not
            if b.spec.fixed_totals.get(t.task_id, 0) >= n:
                for y in ys:
                    b.row(f"events[{t.task_id},{y}]", [(b.q[(t.task_id, y)], Fraction(1))], 1, INF, "events",
                          src, year=y, task_id=t.task_id)
            continue
        z = b.m.col(f"held_every_year[{t.task_id}]", 0.0, 1.0, integer=True)
        big = t.remaining - (n - 1)
        b.row(f"events_total[{t.task_id}]", [*b.count(t.task_id), (z, Fraction(-big))], -INF, n - 1, "events",
              src, task_id=t.task_id)
        if b.has_q:
            for y in ys:
                b.row(f"events[{t.task_id},{y}]", [(b.q[(t.task_id, y)], Fraction(1)), (z, Fraction(-1))], 0, INF,
                      "events", src, year=y, task_id=t.task_id)
        if not b.plan:
            b.forced.append((t.task_id, z, ys))


# --- money --------------------------------------------------------------------------------------


def money(b: Builder) -> None:
    """The caps of every money line, in the form the model needs (see the module docstring)."""
    if not b.plan:
        _hall_rows(b)
        if not b.coupled:
            return
    spec = b.spec
    all_lines = lines(b.inp)
    exact: set[str] = set()
    if spec.elastic is None and spec.fixed_totals is not None and spec.integer:
        exact = _fill_rows(b, all_lines)
    elastic = spec.elastic
    q_by_year: dict[int, list[tuple[tuple[str, int], int]]] = {y: [] for y in b.years}
    for k, j in b.q.items():
        q_by_year[k[1]].append((k, j))
    for ln in all_lines:
        if ln.name in exact:
            continue
        if elastic is not None and (elastic.match or ln.name in elastic.lines):
            _elastic_line(b, ln, q_by_year)
            continue
        if ln.cumulative and not b.carry and b.years[:-1]:
            for y in b.years[:-1]:
                b.carry[y] = b.m.col(f"carry[{y}]", 0.0, INF, integer=False)
        for i, y in enumerate(b.years):
            terms = [(j, ln.cost(b.tasks[tid], yy)) for (tid, yy), j in q_by_year[y] if ln.touches(tid)]
            terms = [(j, a) for j, a in terms if a != 0]
            cap = ln.cap[y]
            cont: list[tuple[int, Fraction]] = []
            if ln.cumulative:
                if y in b.carry:
                    cont.append((b.carry[y], Fraction(1)))
                if i > 0:
                    cont.append((b.carry[b.years[i - 1]], Fraction(-1)))
                elif ln.opening:
                    cap = cap + ln.opening
            if not terms and not cont:
                continue
            b.row(ln.row_key(y), terms + cont, -INF, cap, ln.row_kind, ln.source(b.inp, y), year=y)
    b.m.extra.carry = b.carry


def _elastic_line(b: Builder, ln: Line, q_by_year: Mapping[int, list[tuple[tuple[str, int], int]]]) -> None:
    """A line whose caps may give way: extra whole đồng per year (``extra[line,year]``; cumulative
    with carry-over), or over/under the cap to match a table (``over``/``under``)."""
    elastic = b.spec.elastic
    assert elastic is not None
    running: list[tuple[int, Fraction]] = []
    extra_so_far: list[tuple[int, Fraction]] = []
    cumulative_cap = ln.opening
    for y in b.years:
        terms = [(j, ln.cost(b.tasks[tid], yy)) for (tid, yy), j in q_by_year[y] if ln.touches(tid)]
        terms = [(j, a) for j, a in terms if a != 0]
        key = ln.row_key(y)
        if elastic.match:
            over = b.m.col(f"over[{ln.name},{y}]", 0.0, INF, integer=False)
            under = b.m.col(f"under[{ln.name},{y}]", 0.0, INF, integer=False)
            b.mismatch[key] = (over, under)
            b.m.row(key, [(j, float(a)) for j, a in terms] + [(over, -1.0), (under, 1.0)],
                    float(ln.cap[y]), float(ln.cap[y]), RowInfo(key, "match", ln.source(b.inp, y), Fraction(1), y))
            continue
        grow: list[tuple[int, Fraction]] = []
        if elastic.years is None or y in elastic.years:
            e = b.m.col(f"extra[{ln.name},{y}]", 0.0, INF, integer=True)
            b.extra[(ln.name, y)] = e
            grow = [(e, Fraction(-1, DONG))]
        if ln.cumulative:
            running = running + terms
            extra_so_far = extra_so_far + grow
            cumulative_cap += ln.cap[y]
            row_terms, cap = running + extra_so_far, cumulative_cap
        else:
            row_terms, cap = terms + grow, ln.cap[y]
        if not (running if ln.cumulative else terms):
            continue  # nothing spent on this line up to this year: the row would be empty
        b.row(key, row_terms, -INF, cap, ln.row_kind, f"{ln.source(b.inp, y)} (may grow)", year=y)


def _fill_rows(b: Builder, all_lines: list[Line]) -> set[str]:
    """Schedule model: Σ a·q + s_y = b_y per line and year, and Σ_{y∈S} s_y ≤ σ_S.

    Money is counted in one unit per line, u = lcm of the cost denominators / gcd of the scaled
    costs, so that slacks of different years add up; b_y is ⌊B_y·u⌋ rounded down to a multiple of
    the gcd of that year's costs (the spend is one). With carry-over the local line's rows are
    cumulative (spend up to y ≤ budget up to y + opening carry: the same plans as the carry
    variables allow). Returns the lines so written (others keep the ordinary rows).
    """
    totals = b.spec.fixed_totals or {}
    sets = year_sets(b.inp)
    done: set[str] = set()
    for ln in all_lines:
        scaled_unit = _scaled_costs(b, ln)
        if scaled_unit is None:
            continue
        scaled, unit = scaled_unit
        caps, terms = _scaled_caps(b, ln, scaled, unit)
        if not caps:
            continue
        biggest = max(max(abs(v) for v in caps.values()),
                      max(abs(c) * totals.get(k[0], 0) for k, c in scaled.items()))
        if biggest > MAX_EXACT:
            continue
        confined = [(t, {y for y in t.years if y in b.years}) for t in b.inp.planned_tasks
                    if totals.get(t.task_id, 0) > 0 and ln.touches(t.task_id)
                    and any((t.task_id, y) in b.q for y in t.years)]
        slack = _slack_rows(b, ln, unit, scaled, caps, terms, confined, totals)
        if not ln.cumulative:
            _fill_set_rows(b, ln, sets, unit, scaled, caps, slack, confined, totals)
        done.add(ln.name)
    return done


def _scaled_costs(b: Builder, ln: Line) -> tuple[dict[tuple[str, int], int], Fraction] | None:
    """The line's costs of q[t,y] as whole numbers of its money unit u, and u (None: the line costs nothing)."""
    costs = {k: ln.cost(b.tasks[k[0]], k[1]) for k in b.q if ln.touches(k[0])}
    nonzero = [a for a in costs.values() if a]
    if not nonzero:
        return None
    denominator = lcm_of_denominators(nonzero)
    divisor = 0
    for a in nonzero:
        divisor = math.gcd(divisor, int(a * denominator))
    unit = Fraction(denominator, divisor)
    return {k: int(a * unit) for k, a in costs.items()}, unit


def _scaled_caps(b: Builder, ln: Line, scaled: dict[tuple[str, int], int], unit: Fraction
                 ) -> tuple[dict[int, int], dict[int, list[tuple[int, int]]]]:
    """Per year with a row: b_y (in u, on the lattice of its costs) and the row's terms."""
    caps: dict[int, int] = {}
    terms: dict[int, list[tuple[int, int]]] = {}
    running: list[tuple[int, int]] = []
    cumulative_cap = ln.opening
    scaled_by_year: dict[int, list[tuple[int, int]]] = {y: [] for y in b.years}
    for k, c in scaled.items():
        if c:
            scaled_by_year[k[1]].append((b.q[k], c))
    for y in b.years:
        year_terms = scaled_by_year[y]
        if ln.cumulative:
            running = running + year_terms
            cumulative_cap += ln.cap[y]
            row_terms, cap = running, cumulative_cap
        else:
            row_terms, cap = year_terms, ln.cap[y]
        if not row_terms:
            continue
        g = 0
        for _, c in row_terms:
            g = math.gcd(g, c)
        bound = math.floor(cap * unit)
        caps[y] = g * (bound // g)
        terms[y] = row_terms
    return caps, terms


def _least(t: TaskSpec, ys: set[int], scaled: dict[tuple[str, int], int]) -> int:
    """The least a task must spend in a set of years: its cheapest year there."""
    return min(scaled[(t.task_id, y)] for y in t.years if (t.task_id, y) in scaled and y in ys)


def _slack_rows(b: Builder, ln: Line, unit: Fraction, scaled: dict[tuple[str, int], int], caps: dict[int, int],
                terms: dict[int, list[tuple[int, int]]], confined: list[tuple[TaskSpec, set[int]]],
                totals: Mapping[str, int]) -> dict[int, int]:
    """Σ a·q + s_y = b_y per year: the slack columns by year."""
    slack: dict[int, int] = {}
    for y in b.years:
        if y not in caps:
            continue
        high = INF
        if ln.cumulative:
            before = {yy for yy in b.years if yy <= y}
            high = caps[y] - sum(_least(t, ys, scaled) * totals[t.task_id] for t, ys in confined if ys <= before)
        slack[y] = b.m.col(f"slack[{ln.name},{y}]", 0.0, float(high), integer=False)
        key = ln.row_key(y)
        b.m.row(key, [*terms[y], (slack[y], 1)], caps[y], caps[y],
                RowInfo(key, ln.row_kind, ln.source(b.inp, y), unit, y))
    return slack


def _fill_set_rows(b: Builder, ln: Line, sets: list[tuple[int, ...]], unit: Fraction,
                   scaled: dict[tuple[str, int], int], caps: dict[int, int], slack: dict[int, int],
                   confined: list[tuple[TaskSpec, set[int]]], totals: Mapping[str, int]) -> None:
    """Σ_{y∈S} s_y ≤ σ_S per set of years S: the money the fixed totals leave unspent in S."""
    for s in sets:
        cols = [slack[y] for y in s if y in slack]
        if not cols:
            continue
        inside = set(s)
        sigma = sum(caps[y] for y in s if y in caps) - sum(
            _least(t, inside, scaled) * totals[t.task_id] for t, ys in confined if ys <= inside)
        label = "+".join(str(y) for y in s)
        key = f"fill[{ln.name},{label}]"
        b.m.row(key, [(j, 1) for j in cols], -INF, sigma,
                RowInfo(key, "fill", f"schedule: unspent {ln.name} money in {label} "
                                     "left by the fixed totals", unit))


def _hall_rows(b: Builder) -> None:
    """The aggregate's money rows: for each line and set of years S, the tasks confined to S
    (and the units events force into S) cost at most S's caps, each first rounded down to its
    year's money lattice."""
    inp, years, x = b.inp, b.years, b.x
    all_lines = lines(inp)
    columns = inp.columns()
    rounded = {ln.name: rounded_caps(inp, ln, years, columns) for ln in all_lines}
    by_id = b.tasks
    planned = set(years)
    elastic = b.spec.elastic
    grow: dict[str, dict[int, int]] = {}
    if elastic is not None:
        for ln in all_lines:
            if ln.name in elastic.lines:
                grow[ln.name] = {}
                for y in years:
                    if elastic.years is None or y in elastic.years:
                        e = b.m.col(f"extra[{ln.name},{y}]", 0.0, INF, integer=True)
                        b.extra[(ln.name, y)] = grow[ln.name][y] = e
    for s in year_sets(inp):
        inside = set(s)
        members_all = [by_id[tid] for tid in x if set(by_id[tid].years) & planned <= inside]
        forced = [(tid, z, [y for y in ys if y in inside]) for tid, z, ys in b.forced
                  if not set(ys) <= inside and inside & set(ys)]
        label = "+".join(str(y) for y in s)
        for ln in all_lines:
            members = [t for t in members_all if ln.touches(t.task_id)]
            extra: list[tuple[int, Fraction]] = []
            if ln.cumulative:
                cap = sum((ln.cap[y] for y in years if y <= max(s)), _ZERO) + ln.opening
                extra = [(e, Fraction(-1, DONG)) for y, e in grow.get(ln.name, {}).items() if y <= max(s)]
            elif ln.name in grow:
                # caps that may grow: the caps as they are (a rounded cap plus extra money would not
                # bound the lattice of the grown cap), and the extra of the years in S
                cap = sum((ln.cap[y] for y in s), _ZERO)
                extra = [(e, Fraction(-1, DONG)) for y, e in grow[ln.name].items() if y in inside]
            else:
                cap = sum((rounded[ln.name][y] for y in s), _ZERO)
            # with year-dependent costs the cheapest year's cost keeps the row a relaxation
            terms = [(x[t.task_id], min(ln.cost(t, y) for y in t.years if y in inside)) for t in members]
            for tid, z, ys in forced:
                if ln.touches(tid) and not ln.cumulative:
                    terms.append((z, sum((ln.cost(by_id[tid], y) for y in ys), _ZERO)))
            terms = [(j, a) for j, a in terms if a != 0]
            if not terms:
                continue
            b.row(ln.hall_key(label), terms + extra, -INF, cap, ln.hall_prefix, ln.hall_source(inp, label))


# --- targets, floors ------------------------------------------------------------------------------


def targets(b: Builder) -> None:
    """At most the remaining target (exactly the fixed total in the schedule model)."""
    if not b.plan:
        b.excluded["targets"] = "x[t] is bounded by the target (and what fits its years) as a column bound"
        return
    fixed = b.spec.fixed_totals
    for t in b.inp.planned_tasks:
        terms = b.count(t.task_id)
        if not terms:
            continue
        src = b.inp.task_sources.get(t.task_id, f"task {t.task_id}")
        if fixed is not None:
            total = fixed.get(t.task_id, 0)
            b.row(f"total[{t.task_id}]", terms, total, total, "total",
                  f"{src}: total fixed by the aggregate stage", task_id=t.task_id)
        else:
            b.row(f"target[{t.task_id}]", terms, -INF, t.remaining, "target", f"{src}, target quantity",
                  task_id=t.task_id)


def floors(b: Builder) -> None:
    """At least the floor (the must-keep quantity, or a repair goal), less what is done."""
    if b.spec.fixed_totals is not None:
        b.excluded["floors"] = "the totals are fixed (they met the floors in the aggregate stage)"
        return
    elastic = b.spec.elastic is not None and b.spec.elastic.floors
    for t in b.inp.planned_tasks:
        need = b.floor(t)
        if need <= 0:
            continue
        terms = b.count(t.task_id)
        src = b.inp.task_sources.get(t.task_id, f"task {t.task_id}")
        if elastic:
            d = b.m.col(f"lower_floor[{t.task_id}]", 0.0, float(need), integer=True)
            b.lowered[t.task_id] = d
            terms = [*terms, (d, Fraction(1))]
        if not terms:
            b.m.extra.unreachable_floors.append(t.task_id)
            continue
        b.row(f"floor[{t.task_id}]", terms, need, INF, "floor", f"{src}, scenario floor", task_id=t.task_id)


# --- links, relations -----------------------------------------------------------------------------


def links(b: Builder) -> None:
    """Units of a task only in years with units of its leader (at most ``per_unit`` each)."""
    for ln in b.inp.links:
        follower, leader = b.tasks.get(ln.task), b.tasks.get(ln.leader)
        if follower is None:
            continue
        ratio = ln.per_unit if ln.per_unit is not None else Fraction(max(follower.remaining, 1))
        src = f"link {ln.key}: {ln.source}"
        if not b.plan:
            fa = b.count(ln.task)
            if not fa:
                continue
            lead = b.count(ln.leader) if leader is not None else []
            b.row(f"link[{ln.key}]", fa + [(j, -ratio * a) for j, a in lead], -INF, 0, "link", src,
                  task_id=ln.task)
            if not b.coupled:
                continue
        for y in b.years:
            if (ln.task, y) not in b.q:
                continue
            terms = [(b.q[(ln.task, y)], Fraction(1))]
            if (ln.leader, y) in b.q:
                terms.append((b.q[(ln.leader, y)], -ratio))
            b.row(f"link[{ln.key},{y}]", terms, -INF, 0, "link", src, year=y, task_id=ln.task)


def relations(b: Builder) -> None:
    """Enforced relations between totals, delivered units included."""
    for rel in b.inp.relations:
        left = [(j, a) for tid in rel.left for j, a in b.count(tid)]
        right = [(j, -a) for tid in rel.right for j, a in b.count(tid)]
        done = sum(_done(b.inp, tid) for tid in rel.right) - sum(_done(b.inp, tid) for tid in rel.left)
        low, high = (-INF, done) if rel.op == "<=" else (done, INF) if rel.op == ">=" else (done, done)
        if left or right:
            b.row(f"relation[{rel.key}]", left + right, low, high, "relation", f"relation {rel.key}: {rel.source}")


def coupled_integer(inp: ModelInput, share: Fraction = Fraction(1, 4)) -> set[str]:
    """The tasks whose q[t,y] the coupled relaxation keeps integer: leaders of links, events, and
    tasks one unit of which takes more than ``share`` of some year's cap on some line."""
    out = {ln.leader for ln in inp.links} | {t.task_id for t in inp.planned_tasks
                                             if t.effective_cadence == "events"}
    for ln in lines(inp):
        if ln.cumulative:
            continue
        for t in inp.planned_tasks:
            for y in t.years:
                cap = ln.cap.get(y)
                a = ln.cost(t, y)
                if cap is not None and a > 0 and a > share * cap:
                    out.add(t.task_id)
                    break
    return out


def _done(inp: ModelInput, tid: str) -> int:
    for t in inp.tasks:
        if t.task_id == tid:
            return t.done
    return 0


#: The kinds of row (``RowInfo.kind``) each generator writes.
ROW_KINDS: dict[str, frozenset[str]] = {
    "events": frozenset({"events"}),
    "money": frozenset({"local_cap", "cofunding_cap", "line_cap", "hall_local", "hall_cofunding", "hall_line",
                        "fill", "match"}),
    "targets": frozenset({"target", "total", "split"}),
    "floors": frozenset({"floor"}),
    "links": frozenset({"link"}),
    "relations": frozenset({"relation"}),
}

Generator = Callable[[Builder], None]
#: Every constraint type, in the order a model is built (events register what the Hall rows need).
GENERATORS: tuple[tuple[str, Generator], ...] = (
    ("events", events), ("money", money), ("targets", targets), ("floors", floors), ("links", links),
    ("relations", relations),
)


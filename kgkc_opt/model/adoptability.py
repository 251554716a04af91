"""Can a planner adopt the plan as it stands? The program's rhythm, checked on any plan.

``findings(inp, plan)`` lists every place where a plan breaks the rhythm a planner expects of the
program (docs/model.md, "The program's rhythm"), as data (a code and values; ``analysis.adoptability``
words them through the catalogue):

``link``       prizes only with their rounds: units of a linked task only in years with units of
               its leader, at most the link's limit per unit of the leader (a hard row of every
               model: a finding here is a bug);
``cycle``      rounds on their cycle: an ``events`` task holds a unit in each of its years once its
               total reaches their number (a hard row too);
``recurring``  a recurring payment (collaborator fees) within one unit of even: every year's units
               in [⌊x/n⌋, ⌈x/n⌉], x its total over its n planned years;
``annual``     a 'Hàng năm' task has no empty year once its total reaches its number of years;
``lump``       no task puts more than ⌈x/2⌉ of its total x into one year (⌈⌉: an odd total over two
               years stays possible), unless the program states why: a ``lumpy`` cadence (one
               project at a time), no cadence at all (the plan without the structure), or a task
               that follows a leader held on its own cycle (prizes paid in the years of the
               provincial rounds, 2021 and 2023: two rounds in one year carry 140 prizes).

The checks read the plan and the model's input only (no solver): the same function checks a
solve's plan, a remedy's and a test's. A plan made without the program's structure
(``ModelInput.structure`` False) has no rhythm to keep: nothing is found.

``rhythm_bounds(inp, totals)`` is the same rhythm as bounds on q[t,y] once each task's total is
fixed (the schedule stage): recurring in its band, a 'Hàng năm' or events task at least one a year
once its total reaches its years, every other task at most ⌈x/2⌉ a year.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from fractions import Fraction

from kgkc_opt.model.data import ModelInput, TaskSpec
from kgkc_opt.model.linear import INF, LinearModel, RowInfo
from kgkc_opt.model.rows import Builder

#: The rules, in the order findings are listed.
RULES = ("link", "cycle", "recurring", "annual", "lump")
#: The rules the schedule stage makes hard where it can (the others are hard rows of every model).
SOFT_RULES = ("recurring", "annual", "lump")


@dataclass(frozen=True)
class Finding:
    """One place where a plan breaks the program's rhythm.

    ``per_year``: the task's units in each of ``years`` (its planned years); ``where``: the years
    that break the rule; ``low``/``high``: the band (``recurring``), the most a year (``lump``:
    ⌈x/2⌉; ``link``: the limit per unit of the leader, 0 without one); ``other``: a link's leader.
    """

    rule: str
    task_id: str
    years: tuple[int, ...]
    per_year: tuple[int, ...]
    where: tuple[int, ...]
    low: int = 0
    high: int = 0
    other: str = ""

    @property
    def total(self) -> int:
        return sum(self.per_year)


def task_years(inp: ModelInput, t: TaskSpec) -> tuple[int, ...]:
    """The planned years in which ``t`` may have units."""
    planned = set(inp.planned_years)
    return tuple(y for y in t.years if y in planned)


def lump_exempt(inp: ModelInput, t: TaskSpec) -> bool:
    """The program states why ``t`` may put more than half of its units into one year: a lumpy
    cadence (or none: no structure), or it follows a leader held on its own cycle (an ``events``
    or ``lumpy`` task: prizes in the years of the rounds)."""
    if t.effective_cadence in ("lumpy", "any"):
        return True
    tasks = {s.task_id: s for s in inp.tasks}
    for ln in inp.links:
        if ln.task == t.task_id:
            leader = tasks.get(ln.leader)
            if leader is None or leader.effective_cadence in ("events", "lumpy", "any"):
                return True
    return False


def band(x: int, n: int) -> tuple[int, int]:
    """[⌊x/n⌋, ⌈x/n⌉]: the units a year of a perfectly even task with total x over n years."""
    return x // n, -(-x // n)


def most_in_a_year(x: int) -> int:
    """⌈x/2⌉: the most units of a total x a task may put into one year (the lump rule)."""
    return -(-x // 2)


def findings(inp: ModelInput, plan: Mapping[tuple[str, int], int]) -> list[Finding]:
    """Every place where ``plan`` breaks the program's rhythm (module docstring), by rule then task."""
    if not inp.structure:
        return []
    found = _links(inp, plan)
    for t in inp.planned_tasks:
        years = task_years(inp, t)
        n = len(years)
        if n < 2:
            continue
        per_year = tuple(plan.get((t.task_id, y), 0) for y in years)
        found += _task_findings(inp, t, years, per_year)
    order = {r: i for i, r in enumerate(RULES)}
    return sorted(found, key=lambda f: order[f.rule])


def _task_findings(inp: ModelInput, t: TaskSpec, years: tuple[int, ...], per_year: tuple[int, ...]) -> list[Finding]:
    found = []
    x, n = sum(per_year), len(years)
    cadence = t.effective_cadence
    pairs = list(zip(years, per_year, strict=True))
    empty = tuple(y for y, q in pairs if q == 0)
    if cadence == "events" and x >= n and empty:
        found.append(Finding("cycle", t.task_id, years, per_year, empty))
    if cadence == "recurring":
        lo, hi = band(x, n)
        off = tuple(y for y, q in pairs if not lo <= q <= hi)
        if off:
            found.append(Finding("recurring", t.task_id, years, per_year, off, lo, hi))
    elif t.annual and cadence == "even" and x >= n and empty:
        found.append(Finding("annual", t.task_id, years, per_year, empty, 1))
    if not lump_exempt(inp, t):
        most = most_in_a_year(x)
        big = tuple(y for y, q in pairs if q > most)
        if big:
            found.append(Finding("lump", t.task_id, years, per_year, big, high=most))
    return found


def _links(inp: ModelInput, plan: Mapping[tuple[str, int], int]) -> list[Finding]:
    out = []
    tasks = {t.task_id: t for t in inp.planned_tasks}
    for ln in inp.links:
        t = tasks.get(ln.task)
        if t is None:
            continue
        years = task_years(inp, t)
        per_year = tuple(plan.get((ln.task, y), 0) for y in years)
        bad = tuple(y for y, n in zip(years, per_year, strict=True)
                    if n and (not plan.get((ln.leader, y), 0)
                              or (ln.per_unit is not None and n > ln.per_unit * plan.get((ln.leader, y), 0))))
        if bad:
            limit = 0 if ln.per_unit is None else int(ln.per_unit)
            out.append(Finding("link", ln.task, years, per_year, bad, high=limit, other=ln.leader))
    return out


def rhythm_bounds(inp: ModelInput, totals: Mapping[str, int], bands: Mapping[str, tuple[int, int]] | None = None,
                  rules: Collection[str] = SOFT_RULES) -> dict[tuple[str, int], tuple[int, int | None]]:
    """The ``rules`` of the rhythm as bounds (low, high; None: none) on q[t,y] for the schedule of
    ``totals`` (module docstring); ``bands``: a recurring task's band where the money does not allow
    one unit of even (``width`` in ``rhythm_columns``). Only bounds that say more than 0 ≤ q ≤ x
    are listed."""
    out: dict[tuple[str, int], tuple[int, int | None]] = {}
    if not inp.structure:
        return out
    for t in inp.planned_tasks:
        years = task_years(inp, t)
        n, x = len(years), totals.get(t.task_id, 0)
        if n < 2 or x <= 0:
            continue
        low, high = 0, None
        cadence = t.effective_cadence
        if cadence == "recurring" and "recurring" in rules:
            low, high = (bands or {}).get(t.task_id) or band(x, n)
        elif (cadence == "events" or (t.annual and cadence == "even" and "annual" in rules)) and x >= n:
            low = 1
        if "lump" in rules and not lump_exempt(inp, t):
            high = most_in_a_year(x) if high is None else min(high, most_in_a_year(x))
        if low or (high is not None and high < x):
            for y in years:
                out[(t.task_id, y)] = (low, high)
    return out


def with_rhythm_rows(m: LinearModel, inp: ModelInput, rules: Collection[str] = SOFT_RULES) -> LinearModel:
    """The plan-space model ``m`` (the full model, its totals free) with the ``rules`` of
    ``SOFT_RULES`` as hard rows (a copy; ``m`` is not changed):

    ``recurring``  a level column ℓ_t (integer): ℓ_t ≤ q[t,y] ≤ ℓ_t + 1 (``rhythm_band[t,y]``);
    ``annual``     a binary o_t: q[t,y] ≥ o_t, Σ_y q[t,y] ≤ n − 1 + M·o_t (``rhythm_annual``): a unit
                   every year once the total reaches the n years (M the most units it may have);
    ``lump``       2·q[t,y] − Σ_y' q[t,y'] ≤ 1 (``rhythm_lump[t,y]``): q[t,y] ≤ ⌈x/2⌉.
    """
    m = replace(m, col_names=list(m.col_names), col_lower=list(m.col_lower), col_upper=list(m.col_upper),
                col_integer=list(m.col_integer), col_cost=list(m.col_cost), row_keys=list(m.row_keys),
                row_lower=list(m.row_lower), row_upper=list(m.row_upper), row_index=list(m.row_index),
                row_value=list(m.row_value), rows=dict(m.rows), variables=dict(m.variables),
                extra=copy.deepcopy(m.extra))
    for t in inp.planned_tasks:
        cols = [(y, m.variables[(t.task_id, y)]) for y in task_years(inp, t) if (t.task_id, y) in m.variables]
        n = len(cols)
        if n < 2:
            continue
        most = float(t.remaining)
        cadence = t.effective_cadence
        if "recurring" in rules and cadence == "recurring":
            level = m.col(f"rhythm_level[{t.task_id}]", 0.0, most, integer=True)
            for y, j in cols:
                key = f"rhythm_band[{t.task_id},{y}]"
                m.row(key, [(j, 1.0), (level, -1.0)], 0.0, 1.0, RowInfo(key, "rhythm", "recurring: within one of even"))
        elif "annual" in rules and t.annual and cadence == "even":
            on = m.col(f"rhythm_every_year[{t.task_id}]", 0.0, 1.0, integer=True)
            for y, j in cols:
                key = f"rhythm_annual[{t.task_id},{y}]"
                m.row(key, [(j, 1.0), (on, -1.0)], 0.0, INF, RowInfo(key, "rhythm", "'Hàng năm': a unit every year"))
            key = f"rhythm_annual[{t.task_id}]"
            m.row(key, [*((j, 1.0) for _, j in cols), (on, -most)], -INF, float(n - 1),
                  RowInfo(key, "rhythm", "'Hàng năm': every year once the total reaches the years"))
        if "lump" in rules and not lump_exempt(inp, t):
            for y, j in cols:
                key = f"rhythm_lump[{t.task_id},{y}]"
                terms = [(i, 2.0 - 1.0 if i == j else -1.0) for _, i in cols]
                m.row(key, terms, -INF, 1.0, RowInfo(key, "rhythm", "at most half of the total in one year"))
    return m


def rhythm_columns(b: Builder, rules: Collection[str], widths: Mapping[str, int]) -> None:
    """The rhythm in the aggregate (totals x[t]), as the units it forces into each year, which the
    Hall rows then count (``Builder.forced``, as for events): a recurring task's level ℓ_t
    (integer; ``rhythm_level[t]``: n·ℓ_t ≤ x_t ≤ n·(ℓ_t + w_t), w_t its width, 1: within one unit
    of even), a 'Hàng năm' task's o_t (binary; ``rhythm_every_year[t]``: n·o_t ≤ x_t ≤ n − 1 + M·o_t).
    Necessary for a schedule with the rhythm, so a model with them and no plan proves the rhythm
    impossible. Only in the totals space (the lump rule is left to the schedule's bounds)."""
    if b.plan:
        raise ValueError("the rhythm's columns are for the aggregate (totals x[t])")
    for t in b.inp.planned_tasks:
        j = b.x.get(t.task_id)
        years = tuple(y for y in task_years(b.inp, t) if y in b.years)
        n = len(years)
        if j is None or n < 2:
            continue
        most = Fraction(int(b.m.col_upper[j]))
        if "recurring" in rules and t.effective_cadence == "recurring":
            w = widths.get(t.task_id, 1)
            level = b.m.col(f"rhythm_level[{t.task_id}]", 0.0, float(most // n), integer=True)
            b.row(f"rhythm_level[{t.task_id}]", [(j, Fraction(1)), (level, Fraction(-n))], 0, n * w, "rhythm",
                  f"task {t.task_id}: a recurring payment within {w} of even", task_id=t.task_id)
            b.forced.append((t.task_id, level, years))
            b.m.extra.rhythm_levels[t.task_id] = level
        elif "annual" in rules and t.annual and t.effective_cadence == "even" and most >= n:
            on = b.m.col(f"rhythm_every_year[{t.task_id}]", 0.0, 1.0, integer=True)
            b.row(f"rhythm_every_year[{t.task_id}]", [(j, Fraction(1)), (on, -most)], -INF, n - 1, "rhythm",
                  f"task {t.task_id}: 'Hàng năm', a unit every year once the total reaches its years",
                  task_id=t.task_id)
            b.row(f"rhythm_every_year_low[{t.task_id}]", [(j, Fraction(1)), (on, Fraction(-n))], 0, INF, "rhythm",
                  f"task {t.task_id}: 'Hàng năm'", task_id=t.task_id)
            b.forced.append((t.task_id, on, years))

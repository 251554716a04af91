"""The formulations of docs/model.md as solver-neutral data (``LinearModel``).

Every model the optimiser solves is first written here as columns, rows and coefficients, with the
readable keys and sources of ``model.RowInfo``. ``to_pulp`` turns it into the PuLP problem of
``model.build_full`` / ``model.build_aggregate`` (for CBC, and for users who want PuLP objects);
``fastpath`` passes the very same arrays to HiGHS without PuLP. One source of truth, two doors.

Money lines. A *line* is a per-year cap on a per-unit cost: the local budget (``local_cap``), the
co-funding (``cofunding_cap``) and any extra ``ModelInput.lines`` (``line_cap``, e.g. a shared
national budget on top of provincial ones). All are integral rows (``money.integral_row``) except
the local budget with carry-over, whose carry variables are continuous.

Models:

``full``       q[t,y] integer; per line and year Σ a·q ≤ cap; targets; floors; primary objective.
``aggregate``  x[t] integer, bounded by what fits in its years; Hall rows per line and year set
               S, with caps first rounded down to each year's own money lattice.
``schedule``   q with totals fixed; each year's line row is written Σ a·q + s = b with a slack
               s ≥ 0 in one common money unit per line, and for each year set S
               Σ_{y∈S} s_y ≤ Σ_{y∈S} b_y − Σ_{t: Y_t⊆S} a_t·x_t (``fill`` rows). Same plans; it
               tells HiGHS how little slack the fixed totals leave, which turns a 10–30 s search
               for an exact packing into a fraction of a second.
``plan_lp``    continuous q ≥ a plan (shadow prices); ``lp`` continuous q (the LP sweep).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from kgkc_opt.model.data import ModelInput, TaskSpec
from kgkc_opt.model.linear import INF, LinearModel, RowInfo
from kgkc_opt.money import integral_row, lcm_of_denominators

_ZERO = Fraction(0)
#: Exact integer money data above this (2^50) is no longer exact in a double: such a line keeps
#: the per-row integral form in the schedule model instead of the common-unit slack form.
MAX_EXACT = 2**50


#: Above this many years the aggregate relaxation uses only intervals of years and the task
#: year-sets instead of every union of them.
MAX_SUBSET_YEARS = 10


def year_sets(inp: ModelInput) -> list[tuple[int, ...]]:
    """The sets of years S for the aggregate's Hall-type rows: every union of task year-sets.

    Only a union matters: for any S, the tasks confined to S are confined to the union U ⊆ S of
    their year-sets, and U's cap is the tighter one.
    """
    years = [y for y in inp.years if y in inp.local_cap]
    task_sets = {tuple(y for y in t.years if y in years) for t in inp.planned_tasks if t.remaining > 0}
    task_sets.discard(())
    result: set[tuple[int, ...]] = set()
    if len(years) <= MAX_SUBSET_YEARS:
        for r in range(1, len(years) + 1):
            for s in itertools.combinations(years, r):
                covered = [ts for ts in task_sets if set(ts) <= set(s)]
                if covered and set().union(*covered) == set(s):
                    result.add(s)
    else:
        result |= task_sets
        for i in range(len(years)):
            for j in range(i, len(years)):
                s = tuple(years[i : j + 1])
                if any(set(ts) <= set(s) for ts in task_sets):
                    result.add(s)
    return sorted(result, key=lambda s: (len(s), s))



# --- money lines -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One money line: a per-unit cost per (task, year) and a cap per year."""

    name: str
    row_kind: str
    hall_prefix: str
    cost: Callable[[TaskSpec, int], Fraction]
    cap: Mapping[int, Fraction]
    cumulative: bool = False
    opening: Fraction = Fraction(0)
    label: str = ""
    #: the tasks with a cost on this line (None: possibly every task)
    tasks: frozenset[str] | None = None

    def touches(self, task_id: str) -> bool:
        return self.tasks is None or task_id in self.tasks

    def row_key(self, year: int) -> str:
        if self.row_kind == "line_cap":
            return f"line_cap[{self.name},{year}]"
        return f"{self.row_kind}[{year}]"

    def hall_key(self, label: str) -> str:
        if self.row_kind == "line_cap":
            return f"hall_line[{self.name},{label}]"
        return f"{self.hall_prefix}[{label}]"

    def source(self, inp: ModelInput, year: int) -> str:
        if self.row_kind == "local_cap":
            return f"{inp.cap_source}, {year}, local budget"
        if self.row_kind == "cofunding_cap":
            return f"{inp.cap_source}, {year}, other sources (co-funding)"
        return f"{self.label}, {year}"

    def hall_source(self, inp: ModelInput, label: str) -> str:
        if self.row_kind == "local_cap":
            return f"{inp.cap_source}, local budget of {label}"
        if self.row_kind == "cofunding_cap":
            return f"{inp.cap_source}, other sources of {label}"
        return f"{self.label}, {label}"


def lines(inp: ModelInput) -> list[Line]:
    """The local budget, the co-funding and the extra lines of ``inp``, in row order."""
    out = [
        Line("local", "local_cap", "hall_local", lambda t, y: t.local(y), inp.local_cap,
             cumulative=inp.carry_over, opening=inp.opening_carry if inp.carry_over else Fraction(0)),
        Line("cofunding", "cofunding_cap", "hall_cofunding", lambda t, y: t.cofunding(y),
             inp.cofunding_cap),
    ]
    for extra in inp.lines:
        # a year the line does not cap costs it nothing (cap 0, cost 0: no row, no limit)
        caps = {y: extra.cap.get(y, _ZERO) for y in inp.local_cap}
        out.append(Line(extra.key, "line_cap", "hall_line",
                        lambda t, y, ln=extra: ln.cost(t.task_id, y) if y in ln.cap else _ZERO, caps,
                        label=extra.source or f"budget line {extra.key}", tasks=extra.task_ids))
    return out


def planned_years(inp: ModelInput) -> list[int]:
    return [y for y in inp.years if y in inp.local_cap]


def _integral_terms(m: LinearModel, key: str, terms: list[tuple[int, Fraction]], cap: Fraction,
                    info: RowInfo) -> None:
    """Σ a·v ≤ cap over integer columns, scaled exactly (``money.integral_row``)."""
    coefs, bound, scale = integral_row([a for _, a in terms], cap)
    m.row(key, [(j, c) for (j, _), c in zip(terms, coefs, strict=True)], -INF, bound,
          RowInfo(key, info.kind, info.source, scale, info.year, info.task_id))


def _float_terms(m: LinearModel, key: str, terms: list[tuple[int, Fraction]], cap: Fraction,
                 info: RowInfo) -> None:
    m.row(key, [(j, float(a)) for j, a in terms], -INF, float(cap), info)


def _rounded_caps(inp: ModelInput, line: Line, years: list[int],
                  columns: list[tuple[str, int]] | None = None) -> dict[int, Fraction]:
    """Each year's cap rounded down to the lattice its spend lies on (B̃_y = ⌊B_y·u_y⌋ / u_y)."""
    by_year: dict[int, list[Fraction]] = {y: [] for y in years}
    tasks = {t.task_id: t for t in inp.planned_tasks}
    for tid, y in columns if columns is not None else inp.columns():
        if not line.touches(tid):
            continue
        a = line.cost(tasks[tid], y)
        if a:
            by_year[y].append(a)
    out = {}
    for y in years:
        if line.cumulative or not by_year[y]:
            out[y] = line.cap[y]
            continue
        _, bound, scale = integral_row(by_year[y], line.cap[y])
        out[y] = Fraction(bound) / scale
    return out


def task_upper_bounds(inp: ModelInput, years: list[int] | None = None,
                      rounded: Mapping[str, Mapping[int, Fraction]] | None = None) -> dict[str, int]:
    """The most units of each task that fit its years, one line and one year at a time.

    min(remaining target, Σ_{y ∈ Y_t} min over lines with a cost of ⌊B̃_y / a_{t,y}⌋); with carry-
    over the local line's whole budget stands for each year. A valid bound for every plan.
    """
    years = years if years is not None else planned_years(inp)
    all_lines = lines(inp)
    columns = inp.columns()
    caps = rounded or {ln.name: _rounded_caps(inp, ln, years, columns) for ln in all_lines}
    totals = {ln.name: sum(ln.cap.values(), Fraction(0)) + ln.opening for ln in all_lines}
    out = {}
    for t in inp.planned_tasks:
        fit = 0
        mine = [ln for ln in all_lines if ln.touches(t.task_id)]
        for y in (y for y in t.years if y in years):
            best: int | None = None
            for ln in mine:
                a = ln.cost(t, y)
                if a <= 0:
                    continue
                cap = totals[ln.name] if ln.cumulative else caps[ln.name][y]
                n = max(math.floor(cap / a), 0)
                best = n if best is None else min(best, n)
            if best is None:
                fit = t.remaining
                break
            fit += best
            if fit >= t.remaining:
                break
        out[t.task_id] = min(fit, t.remaining)
    return out


# --- objective and tiers ----------------------------------------------------------------------


def _coef(value: Fraction) -> float:
    return int(value) if value.denominator == 1 else float(value)


def _objective(m: LinearModel, inp: ModelInput, cols_by_task: Mapping[str, list[int]], *,
               tier: int | None, scale: int) -> None:
    """Minimise −(D · Σ w_t/T_t · count_t) over the tasks of a tier (all if None)."""
    coefs = inp.achievement_coefficients()
    for t in inp.planned_tasks:
        if (tier is not None and t.tier != tier) or t.task_id not in cols_by_task:
            continue
        c = -_coef(coefs[t.task_id] * scale)
        for j in cols_by_task[t.task_id]:
            m.col_cost[j] = c


def _tier_rows(m: LinearModel, inp: ModelInput, cols_by_task: Mapping[str, list[int]],
               tier_values: Mapping[int, Fraction], scale: int) -> None:
    """Keep each earlier tier at its optimum: Σ_{t∈k} D·w_t/T_t·count_t ≥ D·(value_k − done_k).

    ``tier_values`` are achievements including units already delivered; the rows hold only the
    planned part, so the delivered part is taken off the right-hand side.
    """
    coefs = inp.achievement_coefficients()
    for tier, value in tier_values.items():
        members = [t for t in inp.planned_tasks if t.tier == tier and t.task_id in cols_by_task]
        done = sum((t.weight * Fraction(min(t.done, t.target), t.target) for t in inp.planned_tasks
                    if t.tier == tier), Fraction(0))
        terms = [(j, _coef(coefs[t.task_id] * scale)) for t in members for j in cols_by_task[t.task_id]]
        bound = (value - done) * scale
        rhs = math.ceil(bound) if scale > 1 else float(bound) - 1e-9
        key = f"tier_keep[{tier}]"
        m.row(key, terms, rhs, INF, RowInfo(key, "tier_keep", f"priority tier {tier} kept at its optimum"))


# --- the full model, the schedule model and the LPs --------------------------------------------


def linear_full(
    inp: ModelInput, *, tier: int | None = None, tier_values: Mapping[int, Fraction] | None = None,
    integral: bool = True, lower: Mapping[tuple[str, int], int] | None = None,
    continuous: bool = False, fixed_totals: Mapping[str, int] | None = None,
    objective: str = "primary",
) -> LinearModel:
    """The full model; with ``fixed_totals`` the schedule model; with ``continuous`` an LP."""
    kind = "schedule" if fixed_totals is not None else ("plan_lp" if continuous else "full")
    scale = inp.objective_scale() if not continuous else 1
    m = LinearModel(kind, scale)
    tasks = {t.task_id: t for t in inp.planned_tasks}
    q: dict[tuple[str, int], int] = {}
    for tid, y in inp.columns():
        low = float(lower.get((tid, y), 0)) if lower else 0.0
        high = float(fixed_totals[tid]) if fixed_totals is not None else float(tasks[tid].remaining)
        q[(tid, y)] = m.col(f"q[{tid},{y}]", low, max(high, low), integer=not continuous)
    m.variables = dict(q)
    by_task: dict[str, list[int]] = {}
    for (tid, _), j in q.items():
        by_task.setdefault(tid, []).append(j)
    years = planned_years(inp)
    row_integral = integral and not continuous
    schedule_fill = fixed_totals is not None and row_integral
    all_lines = lines(inp)
    q_by_year: dict[int, list[tuple[tuple[str, int], int]]] = {y: [] for y in years}
    for k, j in q.items():
        q_by_year[k[1]].append((k, j))
    exact_lines: set[str] = set()
    if schedule_fill:
        assert fixed_totals is not None
        exact_lines = _fill_rows(m, inp, all_lines, q, years, fixed_totals)
    carry: dict[int, int] = {}
    if inp.carry_over and "local" not in exact_lines:
        for y in years[:-1]:
            carry[y] = m.col(f"carry[{y}]", 0.0, INF, integer=False)
    for i, y in enumerate(years):
        for ln in all_lines:
            if ln.name in exact_lines:
                continue
            terms = [(j, ln.cost(tasks[tid], yy)) for (tid, yy), j in q_by_year[y] if ln.touches(tid)]
            terms = [(j, a) for j, a in terms if a != 0]
            key = ln.row_key(y)
            info = RowInfo(key, ln.row_kind, ln.source(inp, y), Fraction(1), y)
            cap = ln.cap[y]
            cont: list[tuple[int, Fraction]] = []
            if ln.cumulative:
                if y in carry:
                    cont.append((carry[y], Fraction(1)))
                if i > 0:
                    cont.append((carry[years[i - 1]], Fraction(-1)))
                elif ln.opening:
                    cap = cap + ln.opening
            if not terms and not cont:
                continue
            if row_integral and not cont:
                _integral_terms(m, key, terms, cap, info)
            else:
                _float_terms(m, key, terms + cont, cap, info)
    for t in inp.planned_tasks:
        if t.task_id not in by_task:
            continue
        src = inp.task_sources.get(t.task_id, f"task {t.task_id}")
        ones = [(j, 1) for j in by_task[t.task_id]]
        if fixed_totals is not None:
            key = f"total[{t.task_id}]"
            x = fixed_totals[t.task_id]
            m.row(key, ones, x, x, RowInfo(key, "total", f"{src}: total fixed by the aggregate stage",
                                           task_id=t.task_id))
            continue
        key = f"target[{t.task_id}]"
        m.row(key, ones, -INF, t.remaining,
              RowInfo(key, "target", f"{src}, target quantity", task_id=t.task_id))
        if t.remaining_floor > 0:
            key = f"floor[{t.task_id}]"
            m.row(key, ones, t.remaining_floor, INF,
                  RowInfo(key, "floor", f"{src}, scenario floor", task_id=t.task_id))
    if tier_values:
        _tier_rows(m, inp, by_task, tier_values, scale)
    if objective == "spread":
        _spread(m, inp, q, fixed_totals or {})
    elif objective == "feasibility":
        pass
    elif continuous:
        coefs = inp.achievement_coefficients()
        for tid, cols in by_task.items():
            for j in cols:
                m.col_cost[j] = -float(coefs[tid])
    else:
        _objective(m, inp, by_task, tier=tier, scale=scale)
    m.extra["carry"] = carry
    return m


def _fill_rows(m: LinearModel, inp: ModelInput, all_lines: list[Line], q: Mapping[tuple[str, int], int],
               years: list[int], totals: Mapping[str, int]) -> set[str]:
    """Schedule model: Σ a·q + s_y = b_y per line and year, and Σ_{y∈S} s_y ≤ σ_S.

    Money is counted in one unit per line, u = lcm of the cost denominators / gcd of the scaled
    costs, so that slacks of different years add up; b_y is ⌊B_y·u⌋ rounded down to a multiple of
    the gcd of that year's costs (the spend is one). With carry-over the local line's rows are
    cumulative (spend up to y ≤ budget up to y + opening carry: the same plans as the carry
    variables allow). Returns the lines so written (others keep the ordinary rows).
    """
    tasks = {t.task_id: t for t in inp.planned_tasks}
    sets = year_sets(inp)
    done: set[str] = set()
    for ln in all_lines:
        costs = {k: ln.cost(tasks[k[0]], k[1]) for k in q if ln.touches(k[0])}
        nonzero = [a for a in costs.values() if a]
        if not nonzero:
            continue
        denominator = lcm_of_denominators(nonzero)
        divisor = 0
        for a in nonzero:
            divisor = math.gcd(divisor, int(a * denominator))
        unit = Fraction(denominator, divisor)
        scaled = {k: int(a * unit) for k, a in costs.items()}
        caps: dict[int, int] = {}
        terms: dict[int, list[tuple[int, int]]] = {}
        running: list[tuple[int, int]] = []
        cumulative_cap = ln.opening
        scaled_by_year: dict[int, list[tuple[int, int]]] = {y: [] for y in years}
        for k, c in scaled.items():
            if c:
                scaled_by_year[k[1]].append((q[k], c))
        for y in years:
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
            b = math.floor(cap * unit)
            caps[y] = g * (b // g)
            terms[y] = row_terms
        if not caps:
            continue
        biggest = max(max(abs(b) for b in caps.values()),
                      max(abs(c) * totals.get(k[0], 0) for k, c in scaled.items()))
        if biggest > MAX_EXACT:
            continue
        # the least each task must spend in a set of years: its cheapest year there
        def least(t: TaskSpec, ys: set[int], sc: dict[tuple[str, int], int] = scaled) -> int:
            return min(sc[(t.task_id, y)] for y in t.years if (t.task_id, y) in sc and y in ys)

        confined = [(t, {y for y in t.years if y in years}) for t in inp.planned_tasks
                    if totals.get(t.task_id, 0) > 0 and ln.touches(t.task_id)
                    and any((t.task_id, y) in q for y in t.years)]
        slack: dict[int, int] = {}
        for y in years:
            if y not in caps:
                continue
            high = INF
            if ln.cumulative:
                before = {yy for yy in years if yy <= y}
                high = caps[y] - sum(least(t, ys) * totals[t.task_id] for t, ys in confined if ys <= before)
            slack[y] = m.col(f"slack[{ln.name},{y}]", 0.0, float(high), integer=False)
            key = ln.row_key(y)
            m.row(key, [*terms[y], (slack[y], 1)], caps[y], caps[y],
                  RowInfo(key, ln.row_kind, ln.source(inp, y), unit, y))
        if not ln.cumulative:
            for s in sets:
                cols = [slack[y] for y in s if y in slack]
                if not cols:
                    continue
                inside = set(s)
                sigma = sum(caps[y] for y in s if y in caps) - sum(
                    least(t, inside) * totals[t.task_id] for t, ys in confined if ys <= inside)
                label = "+".join(str(y) for y in s)
                key = f"fill[{ln.name},{label}]"
                m.row(key, [(j, 1) for j in cols], -INF, sigma,
                      RowInfo(key, "fill", f"schedule: unspent {ln.name} money in {label} "
                                           "left by the fixed totals", unit))
        done.add(ln.name)
    return done


def _spread(m: LinearModel, inp: ModelInput, q: Mapping[tuple[str, int], int],
            totals: Mapping[str, int]) -> None:
    """Σ over 'Hàng năm' tasks and years of how far q[t,y] lies outside [⌊x/n⌋, ⌈x/n⌉]."""
    for t in inp.planned_tasks:
        if not t.annual or t.task_id not in totals:
            continue
        years = [y for y in t.years if (t.task_id, y) in q]
        if not years:
            continue
        lo, hi = totals[t.task_id] // len(years), -(-totals[t.task_id] // len(years))
        for y in years:
            dev = m.col(f"spread_dev[{t.task_id},{y}]", 0.0, INF, integer=False, cost=1)
            j = q[(t.task_id, y)]
            key = f"spread_hi[{t.task_id},{y}]"
            m.row(key, [(j, 1), (dev, -1)], -INF, hi, RowInfo(key, "spread", "tie-break: even yearly cadence"))
            key = f"spread_lo[{t.task_id},{y}]"
            m.row(key, [(j, 1), (dev, 1)], lo, INF, RowInfo(key, "spread", "tie-break: even yearly cadence"))


# --- the aggregate relaxation -----------------------------------------------------------------


def linear_aggregate(
    inp: ModelInput, *, tier: int | None = None, tier_values: Mapping[int, Fraction] | None = None,
    coupled: bool | None = None, lumpy: Fraction | None = None,
) -> LinearModel:
    """The aggregate relaxation over x[t] (see the module docstring and docs/model.md).

    ``coupled``: also hold continuous q[t,y] ≥ 0 with Σ_y q[t,y] = x[t] and every year's cap rows
    (the full model's LP with integer totals). Tighter when a unit draws on several lines (the
    Hall rows see one line at a time). Off by default: measured on the synthetic national case it
    took 12x longer and gave the same totals.
    ``lumpy``: with ``coupled``, q[t,y] is integer for the tasks one unit of which takes more than
    this share of some year's cap on some line (a machinery grant in a small province): the bin-
    packing of big units is then part of the relaxation, the small units stay continuous.
    """
    if coupled is None:
        coupled = False
    scale = inp.objective_scale()
    m = LinearModel("aggregate", scale)
    years = planned_years(inp)
    all_lines = lines(inp)
    columns = inp.columns()
    rounded = {ln.name: _rounded_caps(inp, ln, years, columns) for ln in all_lines}
    bounds = task_upper_bounds(inp, years, rounded)
    x: dict[str, int] = {}
    for t in inp.planned_tasks:
        if t.remaining <= 0 or not any(y in years for y in t.years):
            continue
        x[t.task_id] = m.col(f"x[{t.task_id}]", 0.0, float(bounds[t.task_id]), integer=True)
    m.variables = dict(x)
    by_id = {t.task_id: t for t in inp.planned_tasks}
    planned = set(years)
    for s in year_sets(inp):
        inside = set(s)
        members_all = [by_id[tid] for tid in x if set(by_id[tid].years) & planned <= inside]
        label = "+".join(str(y) for y in s)
        for ln in all_lines:
            members = members_all if ln.tasks is None else [t for t in members_all if t.task_id in ln.tasks]
            if ln.cumulative:
                cap = sum((ln.cap[y] for y in years if y <= max(s)), Fraction(0)) + ln.opening
            else:
                cap = sum((rounded[ln.name][y] for y in s), Fraction(0))
            # with year-dependent costs the cheapest year's cost keeps the row a relaxation
            terms = [(x[t.task_id], min(ln.cost(t, y) for y in t.years if y in inside)) for t in members]
            terms = [(j, a) for j, a in terms if a != 0]
            if not terms:
                continue
            key = ln.hall_key(label)
            _integral_terms(m, key, terms, cap,
                            RowInfo(key, ln.hall_prefix, ln.hall_source(inp, label)))
    for t in inp.planned_tasks:
        if t.task_id in x and t.remaining_floor > 0:
            key = f"floor[{t.task_id}]"
            m.row(key, [(x[t.task_id], 1)], t.remaining_floor, INF,
                  RowInfo(key, "floor", f"task {t.task_id}, scenario floor", task_id=t.task_id))
    if coupled:
        _coupling(m, inp, all_lines, x, years, lumpy_tasks(inp, lumpy) if lumpy is not None else set())
    cols = {tid: [j] for tid, j in x.items()}
    if tier_values:
        _tier_rows(m, inp, cols, tier_values, scale)
    _objective(m, inp, cols, tier=tier, scale=scale)
    m.extra["unreachable_floors"] = [t.task_id for t in inp.planned_tasks
                                     if t.task_id not in x and t.remaining_floor > 0]
    return m


def lumpy_tasks(inp: ModelInput, share: Fraction) -> set[str]:
    """Tasks one unit of which takes more than ``share`` of some year's cap on some line."""
    out = set()
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


def _coupling(m: LinearModel, inp: ModelInput, all_lines: list[Line], x: Mapping[str, int],
              years: list[int], integer_tasks: set[str]) -> None:
    """q[t,y] ≥ 0 with Σ_y q = x[t] and each year's (exactly scaled) cap rows; q continuous except
    for ``integer_tasks``."""
    tasks = {t.task_id: t for t in inp.planned_tasks}
    q = {(tid, y): m.col(f"q[{tid},{y}]", 0.0, float(tasks[tid].remaining), integer=tid in integer_tasks)
         for tid, y in inp.columns() if tid in x}
    carry: dict[int, int] = {}
    if inp.carry_over:
        for y in years[:-1]:
            carry[y] = m.col(f"carry[{y}]", 0.0, INF, integer=False)
    q_by_year: dict[int, list[tuple[tuple[str, int], int]]] = {y: [] for y in years}
    for k, j in q.items():
        q_by_year[k[1]].append((k, j))
    for i, y in enumerate(years):
        for ln in all_lines:
            terms = [(j, ln.cost(tasks[tid], yy)) for (tid, yy), j in q_by_year[y] if ln.touches(tid)]
            terms = [(j, a) for j, a in terms if a != 0]
            key = f"year_{ln.row_key(y)}"
            info = RowInfo(key, ln.row_kind, ln.source(inp, y), Fraction(1), y)
            cap = ln.cap[y]
            if ln.cumulative:
                cont = ([(carry[y], Fraction(1))] if y in carry else []) + (
                    [(carry[years[i - 1]], Fraction(-1))] if i > 0 else [])
                if i == 0:
                    cap = cap + ln.opening
                if terms or cont:
                    _float_terms(m, key, terms + cont, cap, info)
            elif terms:
                # integral form: valid for the integer plans this relaxes
                coefs, bound, scale = integral_row([a for _, a in terms], cap)
                m.row(key, [(j, c) for (j, _), c in zip(terms, coefs, strict=True)], -INF, bound,
                      RowInfo(key, info.kind, info.source, scale, y))
    by_task: dict[str, list[int]] = {}
    for (tid, _), j in q.items():
        by_task.setdefault(tid, []).append(j)
    for tid, j in x.items():
        key = f"split[{tid}]"
        m.row(key, [(c, 1) for c in by_task.get(tid, [])] + [(j, -1)], 0, 0,
              RowInfo(key, "split", f"task {tid}: the total is spread over its years", task_id=tid))

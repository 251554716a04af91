"""The annual plan's model: which proposals (đề án) to fund in one year.

The second model of the house, over binaries f_p (fund proposal p or not), written as a
``LinearModel`` like the plan models, with its rows written once here and used by every model
built from them (the selection, the least extra budget, the re-selection):

=============  =================================================================================
row            meaning
=============  =================================================================================
budget         Σ_p support_p · f_p ≤ B (+ δ in the least-extra-budget model); integral, exact
cofunding      Σ_p cofunding_p · f_p ≤ C (when the year's co-funding is capped)
quantity[t]    Σ_{p of task t} units_p · f_p ≤ remaining_t (the program's target not yet planned
               before the year: a proposal may run ahead of the plan, never past the target)
progress[t]    g_t ≤ Σ_{p of task t} units_p · f_p, 0 ≤ g_t ≤ planned_t (the units that count as
               progress: at most what the program plans for the year)
commune[c]     Σ_{p in commune c} f_p ≤ N (spread rule: at most N per commune; a commune is
               named with its region where the file gives one: ``Candidate.place``)
region[r]      Σ_{p in region r} f_p ≥ min(k, eligible in r) (spread rule: at least k per region)
keep[o]        objective o ≥ its optimum (lexicographic stages; exact integers)
=============  =================================================================================

Column bounds carry what is already decided: an ineligible proposal (withdrawn, documents
incomplete, above a legal cap it refuses to be trimmed to) is fixed at 0; a proposal already
started (mid-year re-selection) at 1; ``force`` fixes one at 1 (the least extra budget).

The objectives, maximised lexicographically in this order (``OBJECTIVES``; docs/annual-plan.md):

1. ``progress``: Σ_t w_t / target_t · g_t = Σ_t w_t / target_t · min(planned_t, Σ_{p of t} units_p f_p):
   the weighted share of the program's targets the funded units deliver, counted up to what the
   program plans for the year (the program's own objective, restricted to the year);
2. ``kept``: mid-year re-selection only, the number of proposals funded before that stay funded (a
   funded proposal is dropped only when progress needs it; without an earlier selection it is 0);
3. merit (``SelectionInput.rule``): with the rule ``merit`` (the default), one stage per score
   level from the highest down, ``merit:<score>`` = the number of proposals of that score funded:
   the selection is best in lexicographic order of scores (a proposal is left out only when no
   selection keeping every higher score level funds it: "fund from the top of the list"); with
   the rule ``sum-of-scores``, one stage ``priority``: Σ_p score_p f_p, the proposals' total score;
4. ``first_time``: the number of first-time applicants funded;
5. ``reserve``: −Σ_p support_p f_p: the least local budget spent (the most kept in reserve).

An objective whose coefficients are all 0 (``kept`` in a first selection) is not a stage.

Every coefficient is exact (``Fraction``), scaled to integers for the solver; ``value`` computes
each objective exactly and ``violations`` re-checks a selection against every row exactly.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from kgkc_opt.model.linear import INF, LinearModel, ObjectiveInfo, RowInfo
from kgkc_opt.money import integral_row, lcm_of_denominators

OBJECTIVES = ("progress", "kept", "priority", "first_time", "reserve")
#: The selection rules: lexicographic merit order of scores (default), or the total score.
RULES = ("merit", "sum-of-scores")
#: A merit stage's name: ``merit:<score>`` (the number of proposals of that score funded).
MERIT = "merit:"
#: One đồng in million VND: the least-extra-budget figures are whole đồng, rounded up.
DONG = Fraction(1, 10**6)


@dataclass(frozen=True)
class Candidate:
    """A proposal as the model sees it: support already trimmed to its legal cap."""

    id: str
    task_id: str
    commune: str
    region: str
    units: int
    support: Fraction
    cofunding: Fraction
    score: Fraction = Fraction(0)
    first_time: bool = False
    #: True: funded whatever (started); False: never funded (ineligible); None: to choose
    fixed: bool | None = None
    #: funded in the earlier selection (mid-year re-selection)
    kept: bool = False

    @property
    def place(self) -> str:
        """The commune as the spread rule counts it: with its region, where the file gives one
        (two communes of one name in two districts are two communes)."""
        return f"{self.commune} ({self.region})" if self.region else self.commune

    def coefficient(self, objective: str) -> Fraction:
        """The proposal's coefficient in an objective (progress is counted per task: 0 here)."""
        if objective == "progress":
            return Fraction(0)
        if objective == "kept":
            return Fraction(int(self.kept))
        if objective == "priority":
            return self.score
        if objective == "first_time":
            return Fraction(int(self.first_time))
        if objective == "reserve":
            return -self.support
        if objective.startswith(MERIT):
            return Fraction(int(self.score == Fraction(objective[len(MERIT):])))
        raise ValueError(f"unknown objective {objective!r}; the objectives are {', '.join(OBJECTIVES)}")


@dataclass(frozen=True)
class SelectionInput:
    """One year's selection: the candidates, the money, the year's planned quantities, the rules."""

    year: int
    budget: Fraction
    #: None: co-funding not capped
    cofunding: Fraction | None
    planned: Mapping[str, int]
    candidates: tuple[Candidate, ...]
    #: the most units each task may still receive (its target less what is done or planned before)
    remaining: Mapping[str, int]
    #: the weighted share of the program's targets one unit of each task delivers (w_t / target_t)
    unit_progress: Mapping[str, Fraction]
    max_per_commune: int | None = None
    min_per_region: int = 0
    #: the selection rule after progress (and kept): ``RULES``
    rule: str = "merit"

    def objectives(self) -> tuple[str, ...]:
        """The stages in order: progress, kept, the rule's stages (``merit:<score>`` per score level
        from the highest, or ``priority``), first_time, reserve (computed once per input)."""
        cached = self.__dict__.get("_objectives")
        if cached is None:
            cached = self._objectives_now()
            object.__setattr__(self, "_objectives", cached)
        return cached

    def _objectives_now(self) -> tuple[str, ...]:
        if self.rule == "sum-of-scores":
            return OBJECTIVES
        if self.rule != "merit":
            raise ValueError(f"unknown selection rule {self.rule!r}; the rules are {', '.join(RULES)}")
        levels = sorted({c.score for c in self.candidates if c.fixed is not False}, reverse=True)
        return ("progress", "kept", *(merit_stage(s) for s in levels), "first_time", "reserve")

    def regions(self) -> dict[str, int]:
        """Each region with the fewest proposals the spread rule asks for in it (0: none asked):
        min(k, the proposals that may be funded there)."""
        if not self.min_per_region:
            return {}
        cached = self.__dict__.get("_regions")
        if cached is None:  # computed once per input (every exact check asks)
            open_: dict[str, int] = {}
            for c in self.candidates:
                if c.region:
                    open_[c.region] = open_.get(c.region, 0) + (c.fixed is not False)
            cached = {r: min(self.min_per_region, n) for r, n in sorted(open_.items()) if n}
            object.__setattr__(self, "_regions", cached)
        return dict(cached)


def merit_stage(score: Fraction) -> str:
    """The merit stage of a score level: ``merit:<score>`` (exact: ``merit:163/2``)."""
    return f"{MERIT}{score}"


def stage_score(objective: str) -> Fraction | None:
    """The score level of a merit stage (None: not a merit stage)."""
    return Fraction(objective[len(MERIT):]) if objective.startswith(MERIT) else None


def units(sin: SelectionInput, funded: Collection[str]) -> dict[str, int]:
    """Units funded per task."""
    out: dict[str, int] = {}
    for c in sin.candidates:
        if c.id in funded:
            out[c.task_id] = out.get(c.task_id, 0) + c.units
    return out


def value(sin: SelectionInput, objective: str, funded: Collection[str]) -> Fraction:
    """The exact value of one objective for the funded proposals."""
    if objective == "progress":
        return sum((sin.unit_progress.get(t, Fraction(0)) * min(n, sin.planned.get(t, 0))
                    for t, n in units(sin, funded).items()), Fraction(0))
    return sum((c.coefficient(objective) for c in sin.candidates if c.id in funded), Fraction(0))


def spent(sin: SelectionInput, funded: Collection[str]) -> tuple[Fraction, Fraction]:
    """(local budget, co-funding) of the funded proposals, exact."""
    chosen = [c for c in sin.candidates if c.id in funded]
    return sum((c.support for c in chosen), Fraction(0)), sum((c.cofunding for c in chosen), Fraction(0))


def violations(sin: SelectionInput, funded: Collection[str], *, budget: Fraction | None = None) -> list[str]:
    """Every row of the model the selection breaks, checked exactly ([] when it keeps them all)."""
    out = []
    chosen = [c for c in sin.candidates if c.id in funded]
    unknown = set(funded) - {c.id for c in sin.candidates}
    if unknown:
        out.append(f"unknown proposals {sorted(unknown)}")
    local, cof = spent(sin, funded)
    cap = sin.budget if budget is None else budget
    if local > cap:
        out.append(f"budget: {local} > {cap}")
    if sin.cofunding is not None and cof > sin.cofunding:
        out.append(f"cofunding: {cof} > {sin.cofunding}")
    units: dict[str, int] = {}
    communes: dict[str, int] = {}
    regions: dict[str, int] = {}
    for c in chosen:
        units[c.task_id] = units.get(c.task_id, 0) + c.units
        communes[c.place] = communes.get(c.place, 0) + 1
        if c.region:
            regions[c.region] = regions.get(c.region, 0) + 1
        if c.fixed is False:
            out.append(f"{c.id} may not be funded")
    for c in sin.candidates:
        if c.fixed is True and c.id not in funded:
            out.append(f"{c.id} has started and must stay funded")
    for t, n in units.items():
        if n > sin.remaining.get(t, 0):
            out.append(f"quantity[{t}]: {n} > {sin.remaining.get(t, 0)}")
    if sin.max_per_commune is not None:
        out += [f"commune[{k}]: {n} > {sin.max_per_commune}" for k, n in communes.items() if n > sin.max_per_commune]
    out += [f"region[{r}]: {regions.get(r, 0)} < {k}" for r, k in sin.regions().items() if regions.get(r, 0) < k]
    return out


def _integers(values: Sequence[Fraction]) -> tuple[list[int], Fraction]:
    """Exact integers proportional to ``values`` (divided by their gcd) and the factor used."""
    d = lcm_of_denominators(values)
    scaled = [int(v * d) for v in values]
    g = 0
    for a in scaled:
        g = math.gcd(g, a)
    g = g or 1
    return [a // g for a in scaled], Fraction(d, g)


class Prepared:
    """A selection input's exact coefficients scaled to integers, computed once for every model
    built from it (the least-extra-budget figures build hundreds)."""

    def __init__(self, sin: SelectionInput):
        self.sin = sin
        self.tasks = sorted({c.task_id for c in sin.candidates}, key=[c.task_id for c in sin.candidates].index)
        #: each objective's integer coefficients and scale, computed when first asked (``objective``)
        self.objectives: dict[str, tuple[list[int], Fraction]] = {}
        #: progress: one coefficient per task (its g_t column)
        self.objectives["progress"] = _integers([sin.unit_progress.get(t, Fraction(0)) for t in self.tasks])
        self.support = [c.support for c in sin.candidates]
        self.cofunding: list[int] = []
        self.cofunding_bound = 0
        if sin.cofunding is not None:
            self.cofunding, self.cofunding_bound, _ = integral_row([c.cofunding for c in sin.candidates],
                                                                   sin.cofunding)
        self._budget: dict[Fraction, tuple[list[int], int]] = {}
        self._least: dict[Fraction, tuple[int, list[float]]] = {}
        self.ids = [c.id for c in sin.candidates]
        #: each candidate's score level as a small integer (merit stages compare these, not Fractions)
        levels: dict[Fraction, int] = {}
        self.level = [levels.setdefault(c.score, len(levels)) for c in sin.candidates]
        self.levels = levels
        #: the candidates of each task, commune and region, in the input's order
        self.by_task: dict[str, list[Candidate]] = {}
        self.by_place: dict[str, list[str]] = {}
        for c in sin.candidates:
            self.by_task.setdefault(c.task_id, []).append(c)
            self.by_place.setdefault(c.place, []).append(c.id)

    def objective(self, name: str) -> tuple[list[int], Fraction]:
        """An objective's coefficients as integers (one per candidate; per task for progress) and
        the factor they were scaled by."""
        if name not in self.objectives:
            level = stage_score(name)
            if level is not None:  # a merit stage: 1 for the proposals of that score
                key = self.levels.get(level, -1)
                self.objectives[name] = ([int(k == key) for k in self.level], Fraction(1))
            else:
                self.objectives[name] = _integers([c.coefficient(name) for c in self.sin.candidates])
        return self.objectives[name]

    def least_budget(self, cap: Fraction) -> tuple[int, list[float]]:
        """The least-extra-budget row's scale d (one unit = 1/d million VND, a whole number of
        đồng) and each candidate's support in those units."""
        if cap not in self._least:
            d = lcm_of_denominators([*self.support, cap, DONG])
            self._least[cap] = (d, [float(a * d) for a in self.support])
        return self._least[cap]

    def budget(self, cap: Fraction) -> tuple[list[int], int]:
        if cap not in self._budget:
            coefficients, bound, _ = integral_row(self.support, cap)
            self._budget[cap] = (coefficients, bound)
        return self._budget[cap]


def linear_selection(
    sin: SelectionInput, *, maximise: str | None = None, keep: Sequence[tuple[str, Fraction]] = (),
    force: str | None = None, budget: Fraction | None = None, least_budget: bool = False,
    prepared: Prepared | None = None, exclude: Sequence[Collection[str]] = (),
    weighted: Sequence[tuple[str, int]] = (), fund: Collection[str] = (),
) -> LinearModel:
    """The selection model (module docstring). ``maximise``: an objective of ``OBJECTIVES`` (None:
    feasibility); ``keep``: earlier objectives held at their values; ``force``: a proposal fixed
    funded; ``budget``: the local budget in place of the year's; ``least_budget``: a column δ ≥ 0
    of extra local budget (million VND) added to the budget row and minimised (then ``maximise``
    must be None); ``prepared``: ``Prepared(sin)``, when many models are built from one input;
    ``exclude``: selections (sets of proposal ids) cut off (no-good cuts); ``weighted``: objectives
    maximised together with integer weights (``maximise`` then None); ``fund``: proposals fixed
    funded (the least extra budget's: those of the selection with a higher score)."""
    if least_budget and maximise is not None:
        raise ValueError("the least-budget model has its own objective")
    pre = prepared if prepared is not None and prepared.sin is sin else Prepared(sin)
    m = LinearModel("selection")
    cols = {}
    for c in sin.candidates:
        lo, hi = 0.0, 1.0
        if c.fixed is False:
            hi = 0.0
        elif c.fixed is True or c.id == force or c.id in fund:
            lo = 1.0
        cols[c.id] = m.col(f"f[{c.id}]", lo, hi, integer=True)
    m.variables = dict(cols)
    counted = {t: m.col(f"g[{t}]", 0.0, float(sin.planned.get(t, 0)), integer=True) for t in pre.tasks}
    ids = [c.id for c in sin.candidates]
    cap = sin.budget if budget is None else budget
    _budget(m, pre, cols, cap, least_budget)
    _cofunding(m, pre, cols)
    _quantities(m, pre, cols, counted)
    _spread(m, pre, cols)

    f_cols = [cols[i] for i in ids]

    def columns(name: str) -> list[int]:
        return [counted[t] for t in pre.tasks] if name == "progress" else f_cols

    for name, kept in keep:
        coefficients, scale = pre.objective(name)
        bound = kept * scale  # exact: the value is reached by a selection, so it is an integer
        if bound.denominator != 1:
            raise ValueError(f"kept value of {name} is not reached by any selection: {kept}")
        # written as −objective ≤ −value: a row whose upper bound a compiled model can lift
        terms = [(j, -float(a)) for j, a in zip(columns(name), coefficients, strict=True) if a]
        m.row(f"keep[{name}]", terms, -INF, -float(bound), RowInfo(f"keep[{name}]", "keep", f"objective {name}"))
    for cut, chosen in enumerate(exclude):
        # no-good cut: not this selection (Σ_{p in it} (1 − f_p) + Σ_{p not in it} f_p ≥ 1)
        terms = [(cols[i], -1.0 if i in chosen else 1.0) for i in ids]
        m.row(f"exclude[{cut}]", terms, 1.0 - sum(1 for i in ids if i in chosen), INF,
              RowInfo(f"exclude[{cut}]", "cut", "a selection found not to hold in exact arithmetic"))
    if maximise is not None:
        coefficients, scale = pre.objective(maximise)
        for j, a in zip(columns(maximise), coefficients, strict=True):
            m.col_cost[j] = -float(a)
        m.extra.objective = ObjectiveInfo(maximise, scale)
    for name, weight in weighted:  # several merit stages at once: integer weights, each dominating
        coefficients, _ = pre.objective(name)
        for j, a in zip(columns(name), coefficients, strict=True):
            if a:  # (a zero would leave the cost as it is)
                m.col_cost[j] -= float(a * weight)
        m.extra.objective = ObjectiveInfo("weighted", Fraction(1))
    return m


def _budget(m: LinearModel, pre: Prepared, cols: Mapping[str, int], cap: Fraction, least: bool) -> None:
    sin = pre.sin
    ids = [c.id for c in sin.candidates]
    info = RowInfo("budget", "money", f"local budget {sin.year}", year=sin.year)
    if not least:
        coefficients, bound = pre.budget(cap)
        terms = [(cols[i], float(a)) for i, a in zip(ids, coefficients, strict=True) if a]
        m.row("budget", terms, -INF, float(bound), info)
        return
    # Σ support·f − δ ≤ B with δ ≥ 0 in whole đồng: every coefficient an integer number of đồng
    d, scaled = pre.least_budget(cap)
    delta = m.col("extra", 0.0, INF, integer=True, cost=1.0)  # in units of 1/d million VND
    m.extra.extra_unit = Fraction(1, d)
    terms = [(cols[i], a) for i, a in zip(ids, scaled, strict=True) if a]
    m.row("budget", [*terms, (delta, -1.0)], -INF, float(cap * d), info)


def _cofunding(m: LinearModel, pre: Prepared, cols: Mapping[str, int]) -> None:
    sin = pre.sin
    if sin.cofunding is None:
        return
    ids = [c.id for c in sin.candidates]
    terms = [(cols[i], float(a)) for i, a in zip(ids, pre.cofunding, strict=True) if a]
    m.row("cofunding", terms, -INF, float(pre.cofunding_bound),
          RowInfo("cofunding", "money", f"co-funding {sin.year}", year=sin.year))


def _quantities(m: LinearModel, pre: Prepared, cols: Mapping[str, int], counted: Mapping[str, int]) -> None:
    sin = pre.sin
    for t, cands in pre.by_task.items():
        terms = [(cols[c.id], float(c.units)) for c in cands]
        key = f"quantity[{t}]"
        m.row(key, terms, -INF, float(sin.remaining.get(t, 0)),
              RowInfo(key, "quantity", f"units of {t} left to plan from {sin.year}", year=sin.year, task_id=t))
        key = f"progress[{t}]"
        m.row(key, [(counted[t], 1.0), *((j, -a) for j, a in terms)], -INF, 0.0,
              RowInfo(key, "progress", f"units of {t} counted as progress in {sin.year}", year=sin.year, task_id=t))


def _spread(m: LinearModel, pre: Prepared, cols: Mapping[str, int]) -> None:
    sin = pre.sin
    if sin.max_per_commune is not None:
        for name, members in pre.by_place.items():
            if len(members) > sin.max_per_commune:
                key = f"commune[{name}]"
                m.row(key, [(cols[i], 1.0) for i in members], -INF, float(sin.max_per_commune),
                      RowInfo(key, "spread", f"at most {sin.max_per_commune} per commune"))
    regions = sin.regions()
    if regions:
        by_region: dict[str, list[str]] = {}
        for c in sin.candidates:
            by_region.setdefault(c.region, []).append(c.id)
        for region, k in regions.items():
            key = f"region[{region}]"
            m.row(key, [(cols[i], 1.0) for i in by_region.get(region, [])], float(k), INF,
                  RowInfo(key, "spread", f"at least {k} in region {region}"))

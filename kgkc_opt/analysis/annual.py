"""The annual plan: which proposals (đề án) to fund in one year, and why not the others.

``annual(proposals, year, scenario=...)``:

1. plans the program (``analysis.plan.solve`` of the scenario: its plan for ``year`` is what the
   year should deliver; with actuals, the re-plan of the remaining years);
2. trims each proposal's requested support to the legal cap of its task's support rule
   (min(max_state_share × total cost, max_state_per_unit × units)); a proposal above the cap
   that does not accept the trim, withdrawn, or with its documents incomplete is not eligible;
3. selects, proven optimal, lexicographically (``model.selection.OBJECTIVES``): progress toward
   the year's planned quantities (units beyond the year's plan count no progress), then (mid-year)
   the proposals funded before kept, then the proposals' priority scores, then first-time
   applicants, then the least local budget spent;
   within the year's budget for proposals, its co-funding, each task's plan for the year (by
   default, ``Rules.year_plan``: the further proposals the money left would fund are listed as a
   reserve list, ``ReserveStep``), and the planner's spread rules (``Rules``);
4. gives every proposal not funded its reasons in the program's terms (``reasons``), the primary
   one first (``_primary_first``: the one that decides) and, where money can fund it, the least
   extra local budget that funds it without giving up any progress or priority of the selection,
   in whole đồng rounded up, verified by solving again: with that much more such a selection
   exists (checked exactly) and with one đồng less none does; and whether the selection made
   again with that budget funds it (``funded_at_extra``).

The budget for proposals is the year's local budget less what the plan spends that year on the
tasks no proposal in the file serves (the Department's own activities: training, fairs,
management); ``budget=`` sets it directly. Mid-year re-selection: pass the earlier result (or its
statuses) as ``previous``; proposals marked started stay funded, withdrawn ones are dropped, and
``AnnualResult.changes`` shows what changed. The values (``Rules``, ``Decision``, ``AnnualResult``)
are in ``analysis.annual_study``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from fractions import Fraction

from kgkc_opt.analysis import eligibility
from kgkc_opt.analysis.annual_channels import candidates_local, candidates_national, national_money, national_reason
from kgkc_opt.analysis.annual_figures import (  # noqa: F401 (least_extra, MAX_CUTS: re-exported)
    MAX_CUTS,
    SELECTION_OPTIONS,
    _round_up,
    _Screen,
    figure_fund,
    figure_keep,
    least_extra,
)
from kgkc_opt.analysis.annual_frames import (  # noqa: F401 (the tables, re-exported)
    COMMUNE_COLUMNS,
    SELECTION_COLUMNS,
    TASK_COLUMNS,
    changes_frame,
    commune_frame,
    commune_rows,
    selection_frame,
    task_frame,
    task_rows,
)
from kgkc_opt.analysis.annual_program import program_plan
from kgkc_opt.analysis.annual_study import (  # noqa: F401 (the values, re-exported)
    FUNDED,
    NOT_FUNDED,
    TRIMMED,
    YEAR_PLANS,
    AnnualResult,
    Decision,
    Reason,
    ReserveStep,
    Rules,
    summary,
)
from kgkc_opt.errors import Joined, SolutionCheckError, SolverError, UsageError
from kgkc_opt.inputs import costs
from kgkc_opt.inputs.program import Program, Text
from kgkc_opt.inputs.proposals import Proposal, Proposals
from kgkc_opt.inputs.scenario import Scenario, baseline
from kgkc_opt.model.data import ModelInput, model_input
from kgkc_opt.model.selection import (
    RULES,
    Candidate,
    Prepared,
    SelectionInput,
    linear_selection,
    spent,
    stage_score,
    value,
    violations,
)
from kgkc_opt.money import number
from kgkc_opt.solver.backend import Backend, backend_for
from kgkc_opt.solver.status import Status
from kgkc_opt.words import DEFAULT_LANGUAGE, say

#: Most proposals named in an "outranked by" reason.
MAX_NAMED = 5
#: The reasons about money on top of the selection as it is: not the deciding reason, and left out,
#: where a selection within the money funds the proposal (least extra 0: ``tie_break``).
MONEY_CODES = ("outranked", "budget", "cofunding")
#: Where money alone cannot fund it, the rule that decides, in this order.
RULE_ORDER = ("quantity_met", "spread", "cofunding", "region", "outranked", "budget", "no_gain")


def legal_cap(program: Program, proposal: Proposal, year: int | None = None) -> Fraction | None:
    """The most state support the proposal's task's support rule allows it (None: no cap): the
    rule in force in ``year`` where the rule has dates (``SupportRule.for_year``)."""
    rule = program.support_rules.get(program.task(proposal.task_id).support_rule)
    if rule is None:
        return None
    if year is not None:
        rule = rule.for_year(year)
    return costs.legal_cap(rule, proposal.total_cost, proposal.units)


def annual(
    proposals: Proposals, year: int, *, scenario: Scenario | Program | None = None, rules: Rules | None = None,
    previous: AnnualResult | Mapping[str, str] | None = None, solver: str | Backend = "highs",
    time_limit: float | None = None,
) -> AnnualResult:
    """Select the proposals to fund in ``year`` (module docstring)."""
    rules = rules or Rules()
    scn = _checked(proposals, year, scenario, rules)
    # eligibility and priority under the program's rule packs in force in the year (analysis.eligibility)
    proposals, not_eligible = eligibility.apply(proposals, scn.program.eligibility, year)
    backend = backend_for(solver) if isinstance(solver, str) else solver
    timings: dict[str, float] = {}
    start = time.perf_counter()
    yr = _year_of(scn, proposals, year, rules, time_limit)
    timings["program plan"] = time.perf_counter() - start
    before = _previous(previous)
    candidates, caps, refused = _candidates(proposals, scn.program, year, before, not_eligible)
    national = _national(proposals, candidates, refused, rules, yr.shape(rules, (), Fraction(0), None, 0), backend)
    local = candidates
    if national is not None:
        local = candidates_local(candidates, national.ids, national.kept, rules.national_fallback)
    sin = yr.shape(rules, tuple(local), yr.budget, yr.cofunding, rules.min_per_region)
    frame = _year_frame(sin, rules.year_plan)
    t = time.perf_counter()
    funded, within = choose(frame, sin, _mode(rules.year_plan), backend)
    timings["selection"] = time.perf_counter() - t
    common = dict(year=year, program=scn.program.id, scenario=scn.name, proposals_source=proposals.source,
                  budget=yr.budget, cofunding=yr.cofunding, planned=yr.planned, remaining=yr.remaining, rules=rules,
                  local_budget=yr.local_budget, previous=before,
                  national=None if national is None else national_money(rules),
                  task_names={tk.id: tk.name for tk in scn.program.tasks})
    if funded is None:
        return AnnualResult(Status.INFEASIBLE, decisions=(), values={}, timings=timings,
                            message=_infeasible_message(frame), **common)  # type: ignore[arg-type]
    reserve: tuple[ReserveStep, ...] = ()
    if rules.year_plan == "reserve":  # the year's plan funded; what the money left buys beyond it listed
        reserve = _reserve_steps(sin, funded - within, within, "local")
        funded = within
        if national is not None and national.reserve:  # the national reserve is not funded: its units not taken
            reserve = national.reserve + reserve
            funded -= {s.proposal_id for s in national.reserve}
            sin = yr.shape(rules, tuple(candidates_local(candidates, national.ids, national.funded,
                                                         rules.national_fallback)),
                           yr.budget, yr.cofunding, rules.min_per_region)
            frame = _year_frame(sin, rules.year_plan)
    t = time.perf_counter()
    # the reasons and figures are those of the rules the whole selection keeps: the period's units
    # left where units beyond the year's plan may be funded, the year's plan where they may not
    whole = sin if rules.year_plan in ("frame", "free") else frame
    values = {k: value(whole, k, funded) for k in whole.objectives()}
    decisions = _decisions(proposals, whole, frame, funded, within, values, caps, refused, national, reserve, rules,
                           yr.runs, backend)
    timings["reasons"] = time.perf_counter() - t
    return AnnualResult(Status.OPTIMAL, decisions=decisions, values=values, timings=timings, message="optimal",
                        reserve=reserve, **common)  # type: ignore[arg-type]


def _checked(proposals: Proposals, year: int, scenario: Scenario | Program | None, rules: Rules) -> Scenario:
    """The scenario, once the year, the tasks the proposals name and the rules are checked."""
    if scenario is None:
        raise UsageError("annual: give the program or scenario the proposals belong to")
    scn = baseline(scenario) if isinstance(scenario, Program) else scenario
    program = scn.program
    if year not in program.years:
        raise UsageError("annual: {year} is not a year of {program} ({first}–{last})", year=year, program=program.id,
                         first=program.period[0], last=program.period[1])
    if year not in scn.planned_years():
        raise UsageError("annual: {year} is already executed in scenario {name!r} (its actuals); "
                         "choose a year from {first}", year=year, name=scn.name, first=scn.planned_years()[0])
    unknown = sorted({p.task_id for p in proposals.items} - {t.id for t in program.tasks})
    if unknown:
        raise UsageError("annual: proposals name tasks not in {program}: {tasks}", program=program.id,
                         tasks=", ".join(unknown))
    if rules.rule not in RULES or rules.year_plan not in YEAR_PLANS:
        raise UsageError("annual: rule {rule!r}, year plan {year_plan!r}: expected a rule of {rules} and a year "
                         "plan of {year_plans}", rule=rules.rule, year_plan=rules.year_plan, rules=", ".join(RULES),
                         year_plans=", ".join(YEAR_PLANS))
    return scn


@dataclass(frozen=True)
class _Year:
    """What the program's plan says of the year: each task's planned units and units left, the
    budget and co-funding for proposals, the tasks that run, each task's progress weight."""

    year: int
    planned: Mapping[str, int]
    remaining: Mapping[str, int]
    budget: Fraction
    cofunding: Fraction | None
    local_budget: Fraction
    weights: Mapping[str, Fraction]
    runs: frozenset[str]

    def shape(self, rules: Rules, candidates: tuple[Candidate, ...], budget: Fraction, cofunding: Fraction | None,
              min_per_region: int) -> SelectionInput:
        return SelectionInput(self.year, budget, cofunding, self.planned, candidates, self.remaining, self.weights,
                              rules.max_per_commune, min_per_region, rules.rule)


def _year_of(scn: Scenario, proposals: Proposals, year: int, rules: Rules, time_limit: float | None) -> _Year:
    """Plan the program (its plan for the year is what the year should deliver) and read the year
    off it: the budget for proposals is the year's local budget less what the plan spends on the
    tasks no proposal serves (the Department's own activities)."""
    plan = program_plan(scn, time_limit)  # solved once per program (analysis.annual_program)
    inp: ModelInput = model_input(scn)
    served = {p.task_id for p in proposals.items}
    planned = {t.task_id: plan.get((t.task_id, year), 0) for t in inp.tasks}
    remaining = {t.task_id: (max(t.target - t.done - sum(plan.get((t.task_id, y), 0) for y in inp.planned_years
                                                         if y < year), 0) if year in t.years else 0)
                 for t in inp.tasks}
    department = [t for t in inp.tasks if t.task_id not in served]
    budget = rules.budget
    if budget is None:
        spent_dept = sum((t.local(year) * plan.get((t.task_id, year), 0) for t in department), Fraction(0))
        budget = max(inp.local_budget.get(year, Fraction(0)) - spent_dept, Fraction(0))
    cofunding = None
    if rules.cap_cofunding:
        cof_dept = sum((t.cofunding(year) * plan.get((t.task_id, year), 0) for t in department), Fraction(0))
        cofunding = max(inp.cofunding_cap.get(year, Fraction(0)) - cof_dept, Fraction(0))
    weights = {t.task_id: (t.weight / t.credit if t.target else Fraction(0)) for t in inp.tasks}
    return _Year(year, planned, remaining, budget, cofunding, inp.local_budget.get(year, Fraction(0)), weights,
                 frozenset(t.task_id for t in inp.tasks if year in t.years))


def _mode(year_plan: str) -> str:
    """The selection's two steps: ``reserve`` selects as ``frame`` does (the part beyond the year's
    plan then listed as the reserve, not funded)."""
    return "frame" if year_plan == "reserve" else year_plan


def _decisions(proposals: Proposals, whole: SelectionInput, frame: SelectionInput, funded: frozenset[str],
               within: frozenset[str], values: Mapping[str, Fraction], caps: Mapping[str, Fraction | None],
               refused: Mapping[str, list[Reason]], national: _National | None, reserve: tuple[ReserveStep, ...],
               rules: Rules, runs: Collection[str], backend: Backend) -> tuple[Decision, ...]:
    """Each proposal's decision: funded (nationally or locally), on the reserve list, or not funded
    with its reasons, the primary one first, and its least extra budget."""
    pre = Prepared(whole)
    by_id = {c.id: c for c in whole.candidates}
    screen = _Screen(whole, values, pre, backend) if rules.figures else None
    lifts = _Lifts(whole, funded, values, backend)
    chosen, used = [x for x in whole.candidates if x.id in funded], spent(whole, funded)  # computed once
    steps = {s.proposal_id: s for s in reserve}
    out = []
    for p in proposals.items:
        c = by_id[p.id]
        if national is not None and p.id in national.funded:
            n = national.candidates[p.id]
            out.append(Decision(p, TRIMMED if n.support < p.requested else FUNDED, n.support, n.cofunding,
                                caps[p.id], beyond_plan=p.id not in national.within, source="national"))
            continue
        source = "national" if p.channel == "national" and not rules.national_fallback else "local"
        step = steps.get(p.id)
        if step is not None:
            also = [] if step.source == "national" else reasons_for(whole, funded, c, runs, strict=True,
                                                                     _chosen=chosen, _spent=used)
            out.append(Decision(p, NOT_FUNDED, step.cost, step.cofunding, caps[p.id],
                                (_reserve_reason(step, whole.year),
                                 *(r for r in also if r.code not in MONEY_CODES)),
                                source=step.source, reserve=step.step))
            continue
        if p.id in funded:
            out.append(Decision(p, TRIMMED if c.support < p.requested else FUNDED, c.support, c.cofunding,
                                caps[p.id], beyond_plan=p.id not in within, source=source))
            continue
        if p.id in refused:
            reasons, extra, at_extra = list(refused[p.id]), None, None
        else:
            reasons = reasons_for(whole, funded, c, runs, strict=rules.year_plan in ("strict", "reserve"),
                                  _chosen=chosen, _spent=used)
            again = (_again(whole, c, frame if rules.year_plan == "frame" else None, backend)
                     if rules.check_extra else None)
            extra, at_extra = (least_extra(whole, funded, values, c, backend, pre, screen, again=again,
                                           _known=(chosen, used))
                               if rules.figures else (None, None))
            deciding = lifts.decide(c, {r.code for r in reasons}) if rules.figures and extra is None else None
            if deciding is not None and deciding not in {r.code for r in reasons}:
                reasons.append(_decided_by(whole, deciding))
            reasons = _primary_first(reasons, extra, rules, deciding)
        out.append(Decision(p, NOT_FUNDED, c.support, c.cofunding, caps[p.id], tuple(reasons), extra, at_extra,
                            source=source))
    return tuple(out)


def _primary_first(reasons: list[Reason], extra: Fraction | None, rules: Rules, deciding: str | None = None
                   ) -> list[Reason]:
    """The reasons with the one that decides first, each checked by selecting again (the least
    extra budget, ``least_extra``; ``_Lifts``):

    - least extra 0: a selection within the budget funds it, keeping the progress, every funded
      proposal with a higher score and as many of its own: the later criteria decided
      (``tie_break``); the reasons about adding it on top of the selection as it is (money,
      co-funding) are left out: they are not what decides, and read next to it as a contradiction;
    - a least extra above 0: money decides: the money reason first (outranked or budget);
    - no amount (money alone cannot fund it): the rule that, lifted alone, lets a selection fund it
      (``deciding``: ``_Lifts``; where adding it on top breaks no such rule, the sentence
      says what selecting again showed, ``_decided_by``), else the first of ``RULE_ORDER`` that
      applies.
    """
    if extra is not None and extra == 0:
        return [_tie_break(rules.rule, rules.year_plan == "frame"),
                *(r for r in reasons if r.code not in MONEY_CODES)]
    if extra is not None and not {r.code for r in reasons} & {"outranked", "budget"}:
        reasons = [_money_decides(extra), *reasons]  # added on top it breaks another rule; a swap needs money
    order: tuple[str, ...] = ("outranked", "budget", *RULE_ORDER) if extra is not None else RULE_ORDER
    if deciding is not None:
        order = (deciding, *(code for code in order if code != deciding))
    rank: dict[str, int] = {}
    for code in order:  # the first place of each code
        rank.setdefault(code, len(rank))
    return sorted(reasons, key=lambda r: rank.get(r.code, len(order)))


#: The rules ``_Lifts`` lifts one at a time, in this order: the rules that stop it taking the
#: place of a funded proposal first (the council's question: why not it in the place of a lower
#: score?), the task's units last (its plan is taken by proposals it may not replace).
LIFTABLE = ("cofunding", "spread", "region", "quantity_met")


def _lifted(sin: SelectionInput, code: str, c: Candidate | None) -> SelectionInput | None:
    """``sin`` with one rule lifted (None: the rule does not bind here); the quantity rule lifted
    for ``c``'s task by its units (``c`` None: every task's by the most units of a proposal)."""
    if code == "quantity_met":
        if c is None:
            most = max((x.units for x in sin.candidates), default=0)
            return replace(sin, remaining={t: n + most for t, n in sin.remaining.items()})
        return replace(sin, remaining={**sin.remaining, c.task_id: sin.remaining.get(c.task_id, 0) + c.units})
    if code == "cofunding":
        return replace(sin, cofunding=None) if sin.cofunding is not None else None
    if code == "spread":
        return replace(sin, max_per_commune=None) if sin.max_per_commune is not None else None
    return replace(sin, min_per_region=0) if sin.min_per_region else None


class _Lifts:
    """The deciding rule of each proposal money alone cannot fund (``decide``): the first rule of
    ``LIFTABLE`` that, lifted alone (its task's units by the proposal's, the co-funding, the
    commune's limit, the least per region), lets a selection fund it with some extra budget,
    keeping what the least extra budget keeps (``figure_keep``, ``figure_fund``); that selection
    checked exactly. Each lift's LP relaxation (every task's units lifted for the quantity rule: a
    looser model) is compiled once and screens the lifts that cannot help (a sound proof: no LP
    solution, no integer one) before an integer program is solved."""

    def __init__(self, sin: SelectionInput, funded: frozenset[str], values: Mapping[str, Fraction],
                 backend: Backend):
        self.sin, self.funded, self.values, self.backend = sin, funded, values, backend
        self.screens: dict[str, _Screen] = {}

    def _screen(self, code: str) -> _Screen:
        if code not in self.screens:
            loose = _lifted(self.sin, code, None)
            assert loose is not None
            self.screens[code] = _Screen(loose, self.values, Prepared(loose), self.backend)
        return self.screens[code]

    def decide(self, c: Candidate, codes: Collection[str]) -> str | None:
        """The deciding rule for ``c`` (None: no one rule lifted alone is enough, or its task's
        units decide without a solve: adding it breaks them (``codes``) and every funded proposal of
        its task has a higher score or started, so none may make way for it and no other rule
        lifted alone can fund it; ``quantity_met`` is then first by ``RULE_ORDER``). Where the LP
        screens leave one lift possible and it is the rule first by ``RULE_ORDER`` among ``codes``,
        that rule is first whether or not its lift alone funds it: no integer program is solved."""
        if "quantity_met" in codes and all(x.score > c.score or x.fixed is True for x in self.sin.candidates
                                           if x.id in self.funded and x.task_id == c.task_id):
            return None
        keep, fund = figure_keep(self.sin, self.values, c), figure_fund(self.sin, self.funded, c)
        possible = [code for code in LIFTABLE
                    if _lifted(self.sin, code, c) is not None and not self._screen(code).impossible(c, fund)]
        first = next((code for code in RULE_ORDER if code in codes), None)
        if possible == [first]:  # the rule first by RULE_ORDER decides whether or not its lift alone funds it
            return None
        for code in possible:
            lifted = _lifted(self.sin, code, c)
            assert lifted is not None
            out = self.backend.solve(linear_selection(lifted, keep=keep, force=c.id, least_budget=True, fund=fund),
                                     options=SELECTION_OPTIONS)
            if out.status != Status.OPTIMAL or out.values is None:
                continue
            chosen = frozenset(str(k) for k, v in out.values.items() if v > 0.5)
            if (c.id in chosen and chosen >= fund and not violations(lifted, chosen, budget=spent(lifted, chosen)[0])
                    and all(value(lifted, k, chosen) >= v for k, v in keep)):
                return code
        return None


def _money_decides(extra: Fraction) -> Reason:
    """The primary reason where money decides though adding the proposal to the selection as it is
    breaks another rule: selecting again, the least extra budget funds it (in the place of others)."""
    en = ("Selected again with it funded (the progress and every funded proposal with a higher score kept): within "
          "the budget as it is no selection funds it; with {extra} million VND more, one does (the least extra "
          "budget).")

    def words(lang: str) -> str:
        return say(en, lang).format(extra=_m(extra, lang))

    return Reason("budget", Text(words("vi"), words("en")))


def _decided_by(sin: SelectionInput, code: str) -> Reason:
    """The primary reason where lifting one rule alone lets a selection fund the proposal and
    adding it to the selection as it is breaks no such rule: what selecting again showed."""
    head = ("Selected again with it funded (any extra local money; the progress and every funded proposal with a "
            "higher score kept): ")
    en = head + {
        "cofunding": "every such selection exceeds the year's co-funding of {cof} million VND; with co-funding not "
                     "capped, one funds it.",
        "spread": "every such selection funds more than {k} proposals in a commune; without that limit, one funds "
                  "it.",
        "region": "every such selection leaves a region below the least of {r} funded per region; without that "
                  "rule, one funds it.",
    }[code]

    def words(lang: str) -> str:
        return say(en, lang).format(cof=_m(sin.cofunding or Fraction(0), lang), k=sin.max_per_commune,
                                    r=sin.min_per_region)

    return Reason(code, Text(words("vi"), words("en")))


def _reserve_steps(sin: SelectionInput, more: frozenset[str], within: frozenset[str], source: str
                   ) -> tuple[ReserveStep, ...]:
    """The proposals the money left after the year's plan would fund (``more``), in merit order
    (score, then first-time applicants, then the cheaper), each with its cost and the money left
    after it. Every prefix keeps every rule: the year's plan part keeps the lower bounds, the steps
    only add money, units and proposals per commune that the whole list keeps."""
    local, cof = spent(sin, within)
    left = sin.budget - local
    cof_left = None if sin.cofunding is None else sin.cofunding - cof
    out = []
    ranked = sorted((c for c in sin.candidates if c.id in more),
                    key=lambda c: (-c.score, not c.first_time, c.support, c.id))
    for i, c in enumerate(ranked, start=1):
        left -= c.support
        cof_left = None if cof_left is None else cof_left - c.cofunding
        out.append(ReserveStep(i, c.id, c.task_id, c.score, c.units, c.support, c.cofunding, left, cof_left, source))
    return tuple(out)


def _reserve_reason(step: ReserveStep, year: int) -> Reason:
    """The reserve list's reason: the year's plan of its task is served; the money left buys it."""
    template = ("Reserve list, step {step}: task {task}'s plan for {year} is served; the money left after the "
                "year's plan funds it in merit order ({cost} million VND; {left} left after this step); the council "
                "may add it by decision.")

    def words(lang: str) -> str:
        return say(template, lang).format(step=step.step, task=step.task_id, year=year, cost=_m(step.cost, lang),
                                          left=_m(step.left, lang))

    return Reason("reserve", Text(words("vi"), words("en")))


def _candidates(proposals: Proposals, program: Program, year: int, before: Mapping[str, str] | None,
                not_eligible: Mapping[str, Text]
                ) -> tuple[list[Candidate], dict[str, Fraction | None], dict[str, list[Reason]]]:
    """Each proposal as the model sees it (support trimmed to its legal cap), the caps, and the
    reasons of those not eligible."""
    candidates, caps, refused = [], {}, {}
    for p in proposals.items:
        cap = legal_cap(program, p, year)
        caps[p.id] = cap
        support = p.requested if cap is None else min(p.requested, cap)
        why = _ineligible(p, cap, support)
        if p.id in not_eligible:  # under the program's rule packs (analysis.eligibility), with its clauses
            why.append(Reason("not_eligible", not_eligible[p.id]))
        if why:
            refused[p.id] = why
        fixed: bool | None = False if why else None
        if fixed is None and p.started and (before is None or before.get(p.id, FUNDED) != NOT_FUNDED):
            fixed = True
        kept = before is not None and before.get(p.id, NOT_FUNDED) != NOT_FUNDED
        candidates.append(Candidate(p.id, p.task_id, p.commune, p.region, p.units, support,
                                    p.total_cost - support, p.score, p.first_time, fixed, kept))
    return candidates, caps, refused


@dataclass(frozen=True)
class _National:
    """The national step: the national proposals, those funded from national money (and within
    the year's plan), those the local step counts as taken (funded, or on the national reserve
    list), the national reserve list, and each one's candidate at its national support."""

    ids: frozenset[str]
    funded: frozenset[str]
    within: frozenset[str]
    kept: frozenset[str]
    reserve: tuple[ReserveStep, ...]
    candidates: Mapping[str, Candidate]


def _national(proposals: Proposals, candidates: list[Candidate], refused: dict[str, list[Reason]], rules: Rules,
              shape: SelectionInput, backend: Backend) -> _National | None:
    """Select the national proposals within the national money (``analysis.annual_channels``); those
    funded by neither channel get their reason in ``refused``. None: the file has no national ones.
    With the reserve list, those the national money left would fund beyond the year's plan are the
    national reserve (and the local step counts them as ``frame`` does: taken)."""
    ids = frozenset(p.id for p in proposals.items if p.channel == "national")
    if not ids:
        return None
    sin = replace(shape, budget=national_money(rules), candidates=tuple(candidates_national(candidates, ids, rules)))
    funded, within = choose(_year_frame(sin, rules.year_plan), sin, _mode(rules.year_plan), backend)
    if funded is None:  # started national proposals above the national money: none funded nationally
        funded, within = frozenset(), frozenset()
    left = sin.budget - spent(sin, funded)[0]
    if not rules.national_fallback:
        for c in candidates:
            if c.id in ids and c.id not in funded and c.id not in refused:
                code, text = national_reason(c, rules, left)
                refused[c.id] = [Reason(code, text)]
    kept = funded
    reserve: tuple[ReserveStep, ...] = ()
    if rules.year_plan == "reserve":
        reserve = _reserve_steps(sin, funded - within, within, "national")
        funded = within
    return _National(ids, funded, within, kept, reserve, {c.id: c for c in sin.candidates})


def _year_frame(sin: SelectionInput, year_plan: str) -> SelectionInput:
    """The selection within the year's plan: each task's units at most its plan for the year (or
    what its started proposals already take), never past the period's units left; ``free``: the
    period's units left (the earlier rule)."""
    if year_plan == "free":
        return sin
    started: dict[str, int] = {}
    for c in sin.candidates:
        if c.fixed is True:
            started[c.task_id] = started.get(c.task_id, 0) + c.units
    caps = {t: min(n, max(sin.planned.get(t, 0), started.get(t, 0))) for t, n in sin.remaining.items()}
    return replace(sin, remaining=caps)


def choose(frame: SelectionInput, whole: SelectionInput, year_plan: str, backend: Backend, *,
           budget: Fraction | None = None) -> tuple[frozenset[str] | None, frozenset[str]]:
    """The selection (None: the rules cannot all hold) and its part within the year's plan: first
    within ``frame``; with ``frame``, the money left then funds further proposals (``whole``: up to
    the period's units left) in the same order, the first part kept."""
    funded, _ = select(frame, backend, budget=budget)
    if funded is None or year_plan != "frame":
        return funded, funded or frozenset()
    fixed = tuple(replace(c, fixed=True) if c.id in funded else c for c in whole.candidates)
    more, _ = select(replace(whole, candidates=fixed), backend, budget=budget)
    if more is None:  # cannot happen: the first part keeps every rule of the second
        raise SolutionCheckError("the selection beyond the year's plan lost the selection within it")
    return more, funded


def _tie_break(rule: str, framed: bool) -> Reason:
    """Why a proposal whose least extra budget is 0 is not funded: what selecting again showed."""
    if rule == "merit" and framed:
        en = ("Selected again with it funded: a selection within the budget (no extra money), with the same "
              "progress, every funded proposal with a higher score and as many of its own score, funds it by "
              "changing the proposals that serve the year's plan; the year's plan is served first, in order of "
              "score, or a proposal of the same score was preferred on the later criteria (first-time applicants, "
              "money kept in reserve).")
    elif rule == "merit":
        en = ("Selected again with it funded: a selection within the budget (no extra money), with the same "
              "progress, every funded proposal with a higher score and as many of its own score, funds it in the "
              "place of a proposal of the same score; that proposal was preferred on the later criteria "
              "(first-time applicants, money kept in reserve).")
    else:
        en = ("Selected again with it funded: a selection within the budget (no extra money), with the same "
              "progress and total priority, funds it; it lost on the later criteria (first-time applicants, money "
              "kept in reserve).")
    return Reason("tie_break", Text(say(en, "vi"), en))


def _previous(previous: AnnualResult | Mapping[str, str] | None) -> dict[str, str] | None:
    if previous is None:
        return None
    if isinstance(previous, AnnualResult):
        return {d.proposal.id: d.status for d in previous.decisions}
    return dict(previous)


def _ineligible(p: Proposal, cap: Fraction | None, support: Fraction) -> list[Reason]:
    """Every reason the proposal may not be funded ([] when it may)."""
    out = []
    if p.withdrawn:
        out.append(Reason("withdrawn", Text("Đề án đã rút.", "The proposal was withdrawn.")))
    if not p.documents_complete:
        out.append(Reason("documents_incomplete", Text("Hồ sơ chưa đầy đủ.", "Its documents are incomplete.")))
    if cap is not None and p.requested > cap and not p.accepts_trim:
        out.append(Reason("above_cap", Text(
            f"Kinh phí đề nghị {_m(p.requested, 'vi')} vượt mức hỗ trợ tối đa {_m(cap, 'vi')} triệu đồng "
            "và đơn vị không chấp nhận điều chỉnh.",
            f"The support requested, {_m(p.requested, 'en')}, is above the legal cap of "
            f"{_m(cap, 'en')} million VND and the applicant does not accept a trim.")))
    if support <= 0:
        out.append(Reason("no_support", Text("Nhiệm vụ không có mức hỗ trợ cho đề án này.",
                                             "Its task's support rule allows it no support.")))
    return out


def select(sin: SelectionInput, backend: Backend, *, budget: Fraction | None = None,
           prepared: Prepared | None = None) -> tuple[frozenset[str] | None, dict[str, Fraction]]:
    """The lexicographic selection: the funded proposals and each objective's exact value; (None,
    {}) when the rules cannot all hold (spread rules above what the money allows). Consecutive
    merit stages are solved together where their weights stay small (``_merit_block``)."""
    keep: list[tuple[str, Fraction]] = []
    funded: frozenset[str] = frozenset()
    pre = prepared if prepared is not None and prepared.sin is sin else Prepared(sin)
    stages = list(sin.objectives())
    open_: dict[Fraction, int] = {}
    for c in sin.candidates:
        if c.fixed is not False:
            open_[c.score] = open_.get(c.score, 0) + 1
    i = 0
    while i < len(stages):
        objective = stages[i]
        if not any(pre.objective(objective)[0]):
            keep.append((objective, Fraction(0)))  # all coefficients 0: not a stage
            i += 1
            continue
        level = stage_score(objective)
        if level is not None and funded and all(c.id in funded for c in sin.candidates
                                                if c.score == level and c.fixed is not False):
            # the selection so far funds every proposal of this score: the stage's optimum, proven
            keep.append((objective, value(sin, objective, funded)))
            i += 1
            continue
        block = _merit_block(stages, i, open_) if level is not None else []
        if len(block) > 1:
            m = linear_selection(sin, keep=keep, budget=budget, prepared=pre, weighted=block)
        else:
            block = [(objective, 1)]
            m = linear_selection(sin, maximise=objective, keep=keep, budget=budget, prepared=pre)
        out = backend.solve(m, options=SELECTION_OPTIONS)
        if out.status == Status.INFEASIBLE:
            return None, {}
        if out.status != Status.OPTIMAL or out.values is None:
            raise SolverError("the selection of {year} stopped before it was proven ({status})", year=sin.year,
                              status=out.status.value)
        funded = frozenset(str(k) for k, v in out.values.items() if v > 0.5)
        problems = violations(sin, funded, budget=budget)
        if problems:
            raise SolutionCheckError("the solver's selection breaks {problems}", problems=Joined(problems, "; "))
        keep += [(name, value(sin, name, funded)) for name, _ in block]
        i += len(block)
    return funded, dict(keep)


#: The largest objective value of merit stages solved together: their weights make a higher score
#: dominate every lower one (w_i = Π_{j>i} (n_j + 1)), kept small enough to be exact in the solver.
MERIT_BLOCK = 2**20


def _merit_block(stages: list[str], i: int, open_: Mapping[Fraction, int]) -> list[tuple[str, int]]:
    """The merit stages from ``stages[i]`` on that one weighted objective maximises exactly in
    lexicographic order: weights with Σ_{j>i} n_j w_j < w_i, the largest value under
    ``MERIT_BLOCK``."""
    levels: list[tuple[str, int]] = []
    product = 1
    for name in stages[i:]:
        level = stage_score(name)
        if level is None:
            break
        n = open_.get(level, 0)
        if product * (n + 1) > MERIT_BLOCK and levels:
            break
        levels.append((name, n))
        product *= n + 1
    weights, w = [], 1
    for name, n in reversed(levels):
        weights.append((name, w))
        w *= n + 1
    return list(reversed(weights))


def reasons_for(sin: SelectionInput, funded: frozenset[str], c: Candidate, runs: Collection[str], *,
                strict: bool = False, _chosen: list[Candidate] | None = None,
                _spent: tuple[Fraction, Fraction] | None = None) -> list[Reason]:
    """Why an eligible proposal is not in the selection, each rule it would break if added
    (``runs``: the tasks the program may run in the year; ``strict``: the quantity rows are the
    year's plan)."""
    out: list[Reason] = []
    chosen = [x for x in sin.candidates if x.id in funded] if _chosen is None else _chosen
    quantity = _quantity_reason(sin, chosen, c, runs, strict)
    if quantity is not None:
        out.append(quantity)
    if sin.max_per_commune is not None:
        same = [x.id for x in chosen if x.place == c.place]
        if len(same) >= sin.max_per_commune:
            out.append(Reason("spread", Text(
                f"{c.place} đã có {len(same)} đề án được chọn (tối đa {sin.max_per_commune}).",
                f"{c.place} already has {len(same)} funded (at most {sin.max_per_commune})."), tuple(same)))
    local, cof = spent(sin, funded) if _spent is None else _spent
    if local + c.support > sin.budget:
        out.append(_money_reason(sin, chosen, c, sin.budget - local))
    if sin.cofunding is not None and cof + c.cofunding > sin.cofunding:
        out.append(Reason("cofunding", Text(
            f"Vượt vốn đối ứng của năm: còn {_m(sin.cofunding - cof, 'vi')} triệu đồng, đề án cần "
            f"{_m(c.cofunding, 'vi')}.",
            f"Above the year's co-funding: {_m(sin.cofunding - cof, 'en')} million VND left, it needs "
            f"{_m(c.cofunding, 'en')}.")))
    if not out:
        out.append(Reason("no_gain", Text(
            "Thêm đề án không tăng tiến độ hay điểm ưu tiên; giữ kinh phí dự phòng.",
            "Funding it would add no progress and no priority; the money is kept in reserve.")))
    return out


def _quantity_reason(sin: SelectionInput, chosen: list[Candidate], c: Candidate, runs: Collection[str],
                     strict: bool) -> Reason | None:
    units_left = sin.remaining.get(c.task_id, 0)
    done = sum(x.units for x in chosen if x.task_id == c.task_id)
    if done + c.units <= units_left:
        return None
    if c.task_id not in runs:
        return Reason("quantity_met", Text(
            f"Nhiệm vụ {c.task_id} không thực hiện trong năm {sin.year} theo chương trình.",
            f"Task {c.task_id} does not run in {sin.year} under the program."))
    if units_left == 0 and not strict:
        return Reason("quantity_met", Text(
            f"Mục tiêu của nhiệm vụ {c.task_id} đã được bố trí đủ trước năm {sin.year}.",
            f"Task {c.task_id}'s target is already planned before {sin.year}."))
    named = tuple(x.id for x in chosen if x.task_id == c.task_id)
    s = "s" if units_left != 1 else ""
    if strict:
        return Reason("quantity_met", Text(
            f"Kế hoạch năm {sin.year} của nhiệm vụ {c.task_id} là {units_left} đơn vị; các đề án được chọn đã "
            f"chiếm {done}.",
            f"Task {c.task_id}'s plan for {sin.year} is {units_left} unit{s}; the funded proposals take {done}."),
            named)
    return Reason("quantity_met", Text(
        f"Nhiệm vụ {c.task_id} còn {units_left} đơn vị từ năm {sin.year} đến hết chương trình; "
        f"các đề án được chọn đã chiếm {done}.",
        f"Task {c.task_id} has {units_left} unit{s} left from {sin.year} "
        f"to the end of the program; the funded proposals take {done}."), named)


def _money_reason(sin: SelectionInput, chosen: list[Candidate], c: Candidate, left: Fraction) -> Reason:
    """Not enough money left: ``outranked`` naming the funded proposals with a higher score (its
    own task's first, then the lowest-scored), or, where none has a higher score, ``budget``."""
    rivals = sorted((x for x in chosen if x.fixed is not True and x.score > c.score),
                    key=lambda x: (x.task_id != c.task_id, x.score, x.id))
    head_vi = f"Không đủ kinh phí: còn {_m(left, 'vi')} triệu đồng, đề án cần {_m(c.support, 'vi')}"
    head_en = f"Not enough money left: {_m(left, 'en')} million VND, it needs {_m(c.support, 'en')}"
    if rivals:
        named = tuple(x.id for x in rivals[:MAX_NAMED])
        listed_vi = ", ".join(f"{x.id} ({_score(x.score, 'vi')} điểm)" for x in rivals[:MAX_NAMED])
        listed_en = ", ".join(f"{x.id} (score {_score(x.score, 'en')})" for x in rivals[:MAX_NAMED])
        more = len(rivals) - len(named)
        return Reason("outranked", Text(
            f"{head_vi}; các đề án điểm cao hơn đã được chọn: {listed_vi}" + (f" và {more} đề án khác." if more
                                                                              else "."),
            f"{head_en}; funded with a higher score: {listed_en}" + (f" and {more} more." if more else ".")),
            named)
    if sin.rule == "merit":
        return Reason("budget", Text(
            f"{head_vi}; không đề án nào điểm cao hơn được chọn thay: kinh phí còn lại dành cho kế hoạch năm "
            "của các nhiệm vụ, được ưu tiên trước điểm.",
            f"{head_en}; no proposal with a higher score is funded in its place: the money serves the year's "
            "plan of the tasks, which comes before scores."))
    return Reason("budget", Text(
        f"{head_vi}; phương án có tổng điểm cao nhất chọn các đề án khác.",
        f"{head_en}; the selection with the highest total score funds others."))


def _again(sin: SelectionInput, c: Candidate, frame: SelectionInput | None, backend: Backend
           ) -> Callable[[Fraction], bool]:
    """Whether the selection made again with some more budget funds ``c`` (``frame``: the year's
    plan first)."""
    def funds(extra: Fraction) -> bool:
        again, _ = choose(frame if frame is not None else sin, sin, "frame" if frame is not None else "free",
                          backend, budget=sin.budget + extra)
        return again is not None and c.id in again

    return funds


def _infeasible_message(sin: SelectionInput) -> str:
    regions = sin.regions()
    return (f"the spread rules cannot all hold within the budget of {float(sin.budget):,.3f} million VND"
            + (f": at least {sin.min_per_region} per region in {len(regions)} regions" if regions else ""))


def _score(x: Fraction, lang: str = DEFAULT_LANGUAGE) -> str:
    """A score for a sentence: 88, 77.5 (77,5 in Vietnamese)."""
    return number(x, lang, 2)


def _m(x: Fraction, lang: str) -> str:
    """Million VND for a sentence: up to 3 decimals, the language's separators (the figure itself
    is exact in the tables)."""
    return number(x, lang, 3)

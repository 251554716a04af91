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
   within the year's budget for proposals, its co-funding, the units each task has left (its
   target less what is done or planned before the year: a proposal may run ahead of the plan,
   never past the target), and the planner's spread rules (``Rules``);
4. gives every proposal not funded its reasons in the program's terms (``reasons``) and, where
   money can fund it, the least extra local budget that funds it without giving up any progress
   or priority of the selection, in whole đồng rounded up, verified by solving again: with that
   much more such a selection exists (checked exactly) and with one đồng less none does; and
   whether the selection made again with that budget funds it (``funded_at_extra``).

The budget for proposals is the year's local budget less what the plan spends that year on the
tasks no proposal in the file serves (the Department's own activities: training, fairs,
management); ``budget=`` sets it directly. Mid-year re-selection: pass the earlier result (or its
statuses) as ``previous``; proposals marked started stay funded, withdrawn ones are dropped, and
``AnnualResult.changes`` shows what changed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from kgkc_opt.analysis import eligibility
from kgkc_opt.analysis.annual_channels import candidates_local, candidates_national, national_money, national_reason
from kgkc_opt.analysis.annual_figures import (  # noqa: F401 (least_extra, MAX_CUTS: re-exported)
    MAX_CUTS,
    SELECTION_OPTIONS,
    _round_up,
    _Screen,
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
from kgkc_opt.analysis.plan import solve
from kgkc_opt.errors import SolutionCheckError, SolverError, UsageError
from kgkc_opt.inputs.program import Program, Text
from kgkc_opt.inputs.proposals import Proposal, Proposals
from kgkc_opt.inputs.scenario import Scenario, baseline
from kgkc_opt.model.data import model_input
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
from kgkc_opt.words import DEFAULT_LANGUAGE

if TYPE_CHECKING:
    import pandas as pd

#: Most proposals named in an "outranked by" reason.
MAX_NAMED = 5
FUNDED, TRIMMED, NOT_FUNDED = "funded", "trimmed", "not_funded"
#: How the year's plan frames the selection (``Rules.year_plan``): ``frame`` (default): a task's
#: units are at most its plan for the year, then the money left funds further proposals in merit
#: order up to the units left in the period (each marked ``beyond_plan``); ``strict``: the plan
#: caps each task and the money left is kept; ``free``: one selection up to the period's units
#: left, units beyond the year's plan counting no progress (the earlier rule).
YEAR_PLANS = ("frame", "strict", "free")


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
    year_plan: str = "frame"
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
class Decision:
    """One proposal's outcome. ``support`` and ``cofunding``: as funded (trimmed), or as they
    would be if funded; ``least_extra``: million VND (None: money alone cannot fund it)."""

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

    @property
    def trim(self) -> Fraction:
        return self.proposal.requested - self.support

    def reason_text(self, lang: str = "vi") -> str:
        return " ".join(r.text.get(lang) for r in self.reasons)


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
        support, trim, cofunding, score, reason, least_extra, funded_at_extra, beyond_year_plan
        (million VND)."""
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


def legal_cap(program: Program, proposal: Proposal, year: int | None = None) -> Fraction | None:
    """The most state support the proposal's task's support rule allows it (None: no cap): the
    rule in force in ``year`` where the rule has dates (``SupportRule.for_year``)."""
    rule = program.support_rules.get(program.task(proposal.task_id).support_rule)
    if rule is None:
        return None
    if year is not None:
        rule = rule.for_year(year)
    cap = rule.max_state_share * proposal.total_cost
    if rule.max_state_per_unit is not None:
        cap = min(cap, rule.max_state_per_unit * proposal.units)
    return cap


def annual(
    proposals: Proposals, year: int, *, scenario: Scenario | Program | None = None, rules: Rules | None = None,
    previous: AnnualResult | Mapping[str, str] | None = None, solver: str | Backend = "highs",
    time_limit: float | None = None,
) -> AnnualResult:
    """Select the proposals to fund in ``year`` (module docstring)."""
    rules = rules or Rules()
    if scenario is None:
        raise UsageError("annual: give the program or scenario the proposals belong to")
    scn = baseline(scenario) if isinstance(scenario, Program) else scenario
    program = scn.program
    if year not in program.years:
        raise UsageError(f"annual: {year} is not a year of {program.id} ({program.period[0]}–{program.period[1]})")
    if year not in scn.planned_years():
        raise UsageError(f"annual: {year} is already executed in scenario {scn.name!r} (its actuals); "
                         f"choose a year from {scn.planned_years()[0]}")
    unknown = sorted({p.task_id for p in proposals.items} - {t.id for t in program.tasks})
    if unknown:
        raise UsageError(f"annual: proposals name tasks not in {program.id}: {', '.join(unknown)}")
    # eligibility and priority under the program's rule packs in force in the year (analysis.eligibility)
    proposals, not_eligible = eligibility.apply(proposals, program.eligibility, year)
    backend = backend_for(solver) if isinstance(solver, str) else solver
    timings: dict[str, float] = {}
    start = time.perf_counter()
    plan_result = solve(scn, time_limit=time_limit, with_shadow_prices=False, explain=False)
    timings["program plan"] = time.perf_counter() - start
    if not plan_result.has_plan:
        raise UsageError(f"annual: scenario {scn.name!r} has no plan ({plan_result.status.value}): "
                         f"{plan_result.message}")
    plan = plan_result.plan
    inp = model_input(scn)
    served = {p.task_id for p in proposals.items}
    planned = {t.task_id: plan.get((t.task_id, year), 0) for t in inp.tasks}
    remaining = {t.task_id: (max(t.target - t.done - sum(plan.get((t.task_id, y), 0) for y in inp.planned_years
                                                         if y < year), 0) if year in t.years else 0)
                 for t in inp.tasks}
    if rules.budget is not None:
        budget = rules.budget
    else:
        department = sum((t.local(year) * plan.get((t.task_id, year), 0) for t in inp.tasks
                          if t.task_id not in served), Fraction(0))
        budget = max(inp.local_cap.get(year, Fraction(0)) - department, Fraction(0))
    cofunding = None
    if rules.cap_cofunding:
        department_cof = sum((t.cofunding(year) * plan.get((t.task_id, year), 0) for t in inp.tasks
                              if t.task_id not in served), Fraction(0))
        cofunding = max(inp.cofunding_cap.get(year, Fraction(0)) - department_cof, Fraction(0))
    if rules.rule not in RULES or rules.year_plan not in YEAR_PLANS:
        raise UsageError(f"annual: rule {rules.rule!r}, year plan {rules.year_plan!r}: expected a rule of "
                         f"{', '.join(RULES)} and a year plan of {', '.join(YEAR_PLANS)}")
    before = _previous(previous)
    weights = {t.task_id: (t.weight / t.credit if t.target else Fraction(0)) for t in inp.tasks}
    candidates, caps, refused = _candidates(proposals, program, year, before, not_eligible)
    national = _national(proposals, candidates, refused, rules,
                         SelectionInput(year, Fraction(0), None, planned, (), remaining, weights, rules.max_per_commune,
                                        0, rules.rule), backend)
    if national is not None:
        candidates = candidates_local(candidates, national.ids, national.funded, rules.national_fallback)
    sin = SelectionInput(year, budget, cofunding, planned, tuple(candidates), remaining, weights, rules.max_per_commune,
                         rules.min_per_region, rules.rule)
    frame = _year_frame(sin, rules.year_plan)
    t = time.perf_counter()
    funded, within = choose(frame, sin, rules.year_plan, backend)
    timings["selection"] = time.perf_counter() - t
    names = {tk.id: tk.name for tk in program.tasks}
    common = dict(year=year, program=program.id, scenario=scn.name, proposals_source=proposals.source,
                  budget=budget, cofunding=cofunding, planned=planned, remaining=remaining, rules=rules,
                  local_budget=inp.local_cap.get(year, Fraction(0)),
                  previous=before, national=None if national is None else national_money(rules),
                  task_names=names)
    if funded is None:
        return AnnualResult(Status.INFEASIBLE, decisions=(), values={}, timings=timings,
                            message=_infeasible_message(frame), **common)  # type: ignore[arg-type]
    t = time.perf_counter()
    # the reasons and figures are those of the rules the whole selection keeps: the period's units
    # left where units beyond the year's plan may be funded, the year's plan where they may not
    whole = sin if rules.year_plan != "strict" else frame
    values = {k: value(whole, k, funded) for k in whole.objectives()}
    pre = Prepared(whole)
    by_id = {c.id: c for c in whole.candidates}
    screen = _Screen(whole, values, pre, backend) if rules.figures else None
    runs = {t.task_id for t in inp.tasks if year in t.years}
    chosen, used = [x for x in whole.candidates if x.id in funded], spent(whole, funded)  # computed once
    decisions = []
    for p in proposals.items:
        c = by_id[p.id]
        if national is not None and p.id in national.funded:
            n = national.candidates[p.id]
            decisions.append(Decision(p, TRIMMED if n.support < p.requested else FUNDED, n.support, n.cofunding,
                                      caps[p.id], beyond_plan=p.id not in national.within, source="national"))
            continue
        source = "national" if p.channel == "national" and not rules.national_fallback else "local"
        if p.id in funded:
            status = TRIMMED if c.support < p.requested else FUNDED
            decisions.append(Decision(p, status, c.support, c.cofunding, caps[p.id],
                                      beyond_plan=p.id not in within, source=source))
            continue
        if p.id in refused:
            reasons, extra, at_extra = list(refused[p.id]), None, None
        else:
            reasons = reasons_for(whole, funded, c, runs, strict=rules.year_plan == "strict", _chosen=chosen,
                                  _spent=used)
            again = (_again(whole, c, frame if rules.year_plan == "frame" else None, backend)
                     if rules.check_extra else None)
            extra, at_extra = (least_extra(whole, funded, values, c, backend, pre, screen, again=again,
                                           _known=(chosen, used))
                               if rules.figures else (None, None))
            if extra == 0:  # an equally good selection funds it: it lost on the later objectives
                reasons.append(_tie_break(rules.rule, rules.year_plan == "frame"))
        decisions.append(Decision(p, NOT_FUNDED, c.support, c.cofunding, caps[p.id], tuple(reasons), extra,
                                  at_extra, source=source))
    timings["reasons"] = time.perf_counter() - t
    return AnnualResult(Status.OPTIMAL, decisions=tuple(decisions), values=values, timings=timings,
                        message="optimal", **common)  # type: ignore[arg-type]


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
    the year's plan), and each one's candidate at its national support."""

    ids: frozenset[str]
    funded: frozenset[str]
    within: frozenset[str]
    candidates: Mapping[str, Candidate]


def _national(proposals: Proposals, candidates: list[Candidate], refused: dict[str, list[Reason]], rules: Rules,
              shape: SelectionInput, backend: Backend) -> _National | None:
    """Select the national proposals within the national money (``analysis.annual_channels``); those
    funded by neither channel get their reason in ``refused``. None: the file has no national ones."""
    ids = frozenset(p.id for p in proposals.items if p.channel == "national")
    if not ids:
        return None
    sin = replace(shape, budget=national_money(rules), candidates=tuple(candidates_national(candidates, ids, rules)))
    funded, within = choose(_year_frame(sin, rules.year_plan), sin, rules.year_plan, backend)
    if funded is None:  # started national proposals above the national money: none funded nationally
        funded, within = frozenset(), frozenset()
    left = sin.budget - spent(sin, funded)[0]
    if not rules.national_fallback:
        for c in candidates:
            if c.id in ids and c.id not in funded and c.id not in refused:
                code, text = national_reason(c, rules, left)
                refused[c.id] = [Reason(code, text)]
    return _National(ids, funded, within, {c.id: c for c in sin.candidates})


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
    """Why a proposal whose least extra budget is 0 is not funded."""
    if rule == "merit" and framed:
        return Reason("tie_break", Text(
            "Một phương án trong kinh phí hiện có, cùng tiến độ, giữ mọi đề án điểm cao hơn đã được chọn và cùng số "
            "đề án cùng điểm, có tài trợ đề án này bằng cách thay các đề án thực hiện kế hoạch năm; kế hoạch năm "
            "được bố trí trước theo thứ tự điểm, hoặc một đề án cùng điểm được ưu tiên theo tiêu chí sau (đơn vị "
            "lần đầu, kinh phí dự phòng).",
            "A selection within the budget, with the same progress, every funded proposal with a higher score and "
            "as many of its own score, funds it by changing the proposals that serve the year's plan; the year's "
            "plan is served first, "
            "in order of score, or a proposal of the same score was preferred on the later criteria (first-time "
            "applicants, money kept in reserve)."))
    if rule == "merit":
        return Reason("tie_break", Text(
            "Một phương án cùng tiến độ, giữ mọi đề án điểm cao hơn đã được chọn và cùng số đề án cùng điểm có tài "
            "trợ đề án này; một đề án cùng điểm được ưu tiên theo tiêu chí sau (đơn vị lần đầu, kinh phí dự "
            "phòng).",
            "A selection with the same progress, every funded proposal with a higher score and as many of its own "
            "score funds it; a proposal of the same score was preferred on the later criteria (first-time "
            "applicants, money kept in reserve)."))
    return Reason("tie_break", Text(
        "Một phương án cùng tiến độ và cùng tổng điểm ưu tiên có tài trợ đề án này; đề án không "
        "được chọn theo tiêu chí sau (đơn vị lần đầu, kinh phí dự phòng).",
        "A selection with the same progress and total priority funds it; it lost on the later "
        "criteria (first-time applicants, money kept in reserve)."))


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
            raise SolverError(f"the selection of {sin.year} stopped before it was proven ({out.status.value})")
        funded = frozenset(str(k) for k, v in out.values.items() if v > 0.5)
        problems = violations(sin, funded, budget=budget)
        if problems:
            raise SolutionCheckError(f"the solver's selection breaks {'; '.join(problems)}")
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


def summary(result: AnnualResult) -> dict[str, Any]:
    """The result's figures for a record or a brief (plain JSON values)."""
    local, cof = result.spent
    return {
        "year": result.year, "status": result.status.value, "program": result.program,
        "scenario": result.scenario, "proposals": result.proposals_source,
        "budget": str(result.budget), "cofunding": None if result.cofunding is None else str(result.cofunding),
        "spent": str(local), "cofunding_spent": str(cof),
        "funded": len(result.funded), "not_funded": len(result.decisions) - len(result.funded),
        "values": {k: str(v) for k, v in result.values.items()},
    }

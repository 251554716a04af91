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
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from kgkc_opt.analysis import eligibility
from kgkc_opt.analysis.plan import solve
from kgkc_opt.errors import SolutionCheckError, SolverError, UsageError
from kgkc_opt.inputs.program import Program, Text
from kgkc_opt.inputs.proposals import Proposal, Proposals
from kgkc_opt.inputs.scenario import Scenario, baseline
from kgkc_opt.model.data import model_input
from kgkc_opt.model.selection import (
    DONG,
    OBJECTIVES,
    Candidate,
    Prepared,
    SelectionInput,
    linear_selection,
    spent,
    value,
    violations,
)
from kgkc_opt.money import number
from kgkc_opt.solver.backend import Backend, backend_for
from kgkc_opt.solver.highs import Compiled, HighsBackend
from kgkc_opt.solver.status import Status

if TYPE_CHECKING:
    import pandas as pd

#: Most proposals named in an "outranked by" reason.
MAX_NAMED = 5
#: HiGHS options of every selection model: its small knapsacks are proven faster without the
#: RINS/RENS sub-MIPs and restarts (measured on the example file's 60 proposals: reasons and
#: least extra budgets 4.6 s with HiGHS's defaults, 2.7 s without; the same figures).
SELECTION_OPTIONS = {"mip_heuristic_run_rins": False, "mip_heuristic_run_rens": False, "mip_allow_restart": False}
FUNDED, TRIMMED, NOT_FUNDED = "funded", "trimmed", "not_funded"
#: The objectives a least-extra-budget selection must keep at the selection's values (the later
#: ones, first-time applicants and reserve, are tie-breaks it may give up).
KEPT_BY_FIGURES = ("progress", "kept", "priority")


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

    @property
    def funded(self) -> tuple[Decision, ...]:
        return tuple(d for d in self.decisions if d.status != NOT_FUNDED)

    @property
    def spent(self) -> tuple[Fraction, Fraction]:
        """(local budget, co-funding) of the funded proposals, exact."""
        return (sum((d.support for d in self.funded), Fraction(0)),
                sum((d.cofunding for d in self.funded), Fraction(0)))

    @property
    def selection(self) -> pd.DataFrame:
        """One row per proposal: proposal_id, task_id, commune, region, status, requested,
        support, trim, cofunding, score, reason, least_extra, funded_at_extra (million VND)."""
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
    time_limit: float | None = 60.0,
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
    before = _previous(previous)
    weights = {t.task_id: (t.weight / t.credit if t.target else Fraction(0)) for t in inp.tasks}
    candidates, caps, refused = [], {}, {}
    for p in proposals.items:
        cap = legal_cap(program, p, year)
        caps[p.id] = cap
        support = p.requested if cap is None else min(p.requested, cap)
        why = _ineligible(p, cap, support) or (Reason("not_eligible", not_eligible[p.id]) if p.id in not_eligible
                                               else None)
        if why is not None:
            refused[p.id] = why
        fixed: bool | None = False if why is not None else None
        if fixed is None and p.started and (before is None or before.get(p.id, FUNDED) != NOT_FUNDED):
            fixed = True
        kept = before is not None and before.get(p.id, NOT_FUNDED) != NOT_FUNDED
        candidates.append(Candidate(p.id, p.task_id, p.commune, p.region, p.units, support,
                                    p.total_cost - support, p.score, p.first_time, fixed, kept))
    sin = SelectionInput(year, budget, cofunding, planned, tuple(candidates), remaining, weights, rules.max_per_commune,
                         rules.min_per_region)
    t = time.perf_counter()
    pre = Prepared(sin)
    funded, values = select(sin, backend, prepared=pre)
    timings["selection"] = time.perf_counter() - t
    names = {tk.id: tk.name for tk in program.tasks}
    common = dict(year=year, program=program.id, scenario=scn.name, proposals_source=proposals.source,
                  budget=budget, cofunding=cofunding, planned=planned, remaining=remaining, rules=rules,
                  local_budget=inp.local_cap.get(year, Fraction(0)),
                  previous=before,
                  task_names=names)
    if funded is None:
        return AnnualResult(Status.INFEASIBLE, decisions=(), values={}, timings=timings,
                            message=_infeasible_message(sin), **common)  # type: ignore[arg-type]
    t = time.perf_counter()
    by_id = {c.id: c for c in sin.candidates}
    screen = _Screen(sin, values, pre, backend)
    runs = {t.task_id for t in inp.tasks if year in t.years}
    decisions = []
    for p in proposals.items:
        c = by_id[p.id]
        if p.id in funded:
            status = TRIMMED if c.support < p.requested else FUNDED
            decisions.append(Decision(p, status, c.support, c.cofunding, caps[p.id]))
            continue
        if p.id in refused:
            reasons, extra, at_extra = [refused[p.id]], None, None
        else:
            reasons = reasons_for(sin, funded, c, runs)
            extra, at_extra = least_extra(sin, funded, values, c, backend, pre, screen, rules.check_extra)
            if extra == 0:  # an equally good selection funds it: it lost on the later objectives
                reasons.append(Reason("tie_break", Text(
                    "Một phương án cùng tiến độ và cùng tổng điểm ưu tiên có tài trợ đề án này; đề án không "
                    "được chọn theo tiêu chí sau (đơn vị lần đầu, kinh phí dự phòng).",
                    "A selection with the same progress and total priority funds it; it lost on the later "
                    "criteria (first-time applicants, money kept in reserve).")))
        decisions.append(Decision(p, NOT_FUNDED, c.support, c.cofunding, caps[p.id], tuple(reasons), extra,
                                  at_extra))
    timings["reasons"] = time.perf_counter() - t
    return AnnualResult(Status.OPTIMAL, decisions=tuple(decisions), values=values, timings=timings,
                        message="optimal", **common)  # type: ignore[arg-type]


def _previous(previous: AnnualResult | Mapping[str, str] | None) -> dict[str, str] | None:
    if previous is None:
        return None
    if isinstance(previous, AnnualResult):
        return {d.proposal.id: d.status for d in previous.decisions}
    return dict(previous)


def _ineligible(p: Proposal, cap: Fraction | None, support: Fraction) -> Reason | None:
    if p.withdrawn:
        return Reason("withdrawn", Text("Đề án đã rút.", "The proposal was withdrawn."))
    if not p.documents_complete:
        return Reason("documents_incomplete", Text("Hồ sơ chưa đầy đủ.", "Its documents are incomplete."))
    if cap is not None and p.requested > cap and not p.accepts_trim:
        return Reason("above_cap", Text(
            f"Kinh phí đề nghị {_m(p.requested, 'vi')} vượt mức hỗ trợ tối đa {_m(cap, 'vi')} triệu đồng "
            "và đơn vị không chấp nhận điều chỉnh.",
            f"The support requested, {_m(p.requested, 'en')}, is above the legal cap of "
            f"{_m(cap, 'en')} million VND and the applicant does not accept a trim."))
    if support <= 0:
        return Reason("no_support", Text("Nhiệm vụ không có mức hỗ trợ cho đề án này.",
                                         "Its task's support rule allows it no support."))
    return None


def select(sin: SelectionInput, backend: Backend, *, budget: Fraction | None = None,
           prepared: Prepared | None = None) -> tuple[frozenset[str] | None, dict[str, Fraction]]:
    """The lexicographic selection: the funded proposals and each objective's exact value; (None,
    {}) when the rules cannot all hold (spread rules above what the money allows)."""
    keep: list[tuple[str, Fraction]] = []
    funded: frozenset[str] = frozenset()
    pre = prepared if prepared is not None and prepared.sin is sin else Prepared(sin)
    for objective in OBJECTIVES:
        if not any(pre.objectives[objective][0]):
            keep.append((objective, Fraction(0)))  # all coefficients 0: not a stage
            continue
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
        keep.append((objective, value(sin, objective, funded)))
    return funded, dict(keep)


def reasons_for(sin: SelectionInput, funded: frozenset[str], c: Candidate, runs: Collection[str]) -> list[Reason]:
    """Why an eligible proposal is not in the selection, each rule it would break if added
    (``runs``: the tasks the program may run in the year)."""
    out: list[Reason] = []
    chosen = [x for x in sin.candidates if x.id in funded]
    units_left = sin.remaining.get(c.task_id, 0)
    done = sum(x.units for x in chosen if x.task_id == c.task_id)
    if done + c.units > units_left:
        if c.task_id not in runs:
            out.append(Reason("quantity_met", Text(
                f"Nhiệm vụ {c.task_id} không thực hiện trong năm {sin.year} theo chương trình.",
                f"Task {c.task_id} does not run in {sin.year} under the program.")))
        elif units_left == 0:
            out.append(Reason("quantity_met", Text(
                f"Mục tiêu của nhiệm vụ {c.task_id} đã được bố trí đủ trước năm {sin.year}.",
                f"Task {c.task_id}'s target is already planned before {sin.year}.")))
        else:
            out.append(Reason("quantity_met", Text(
                f"Nhiệm vụ {c.task_id} còn {units_left} đơn vị từ năm {sin.year} đến hết chương trình; "
                f"các đề án được chọn đã chiếm {done}.",
                f"Task {c.task_id} has {units_left} unit{'s' if units_left != 1 else ''} left from {sin.year} "
                f"to the end of the program; the funded proposals take {done}."),
                tuple(x.id for x in chosen if x.task_id == c.task_id)))
    if sin.max_per_commune is not None:
        same = [x.id for x in chosen if x.place == c.place]
        if len(same) >= sin.max_per_commune:
            out.append(Reason("spread", Text(
                f"{c.place} đã có {len(same)} đề án được chọn (tối đa {sin.max_per_commune}).",
                f"{c.place} already has {len(same)} funded (at most {sin.max_per_commune})."), tuple(same)))
    local, cof = spent(sin, funded)
    if local + c.support > sin.budget:
        rivals = sorted((x for x in chosen if x.fixed is not True),
                        key=lambda x: (x.task_id != c.task_id, x.score, x.id))
        named = tuple(x.id for x in rivals[:MAX_NAMED])
        listed_vi = ", ".join(f"{x.id} ({_score(x.score)} điểm)" for x in rivals[:MAX_NAMED])
        listed_en = ", ".join(f"{x.id} (score {_score(x.score)})" for x in rivals[:MAX_NAMED])
        left = sin.budget - local
        out.append(Reason("outranked", Text(
            f"Không đủ kinh phí: còn {_m(left, 'vi')} triệu đồng, đề án cần {_m(c.support, 'vi')}; "
            f"các đề án đã được chọn: {listed_vi}.",
            f"Outranked within the budget: {_m(left, 'en')} million VND left, it needs "
            f"{_m(c.support, 'en')}; funded instead: {listed_en}."), named))
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


class _Screen:
    """The least-budget model's LP relaxation, compiled once (HiGHS): where it has no solution
    with a proposal forced funded, neither has the integer model (a sound proof, about 1 ms
    instead of a MIP's 20 ms on 500 proposals); elsewhere the integer model decides."""

    def __init__(self, sin: SelectionInput, values: Mapping[str, Fraction], pre: Prepared, backend: Backend):
        self.compiled: Compiled | None = None
        if isinstance(backend, HighsBackend):
            keep = [(k, values[k]) for k in KEPT_BY_FIGURES]
            m = linear_selection(sin, keep=keep, least_budget=True, prepared=pre)
            self.model = replace(m, col_integer=[False] * len(m.col_integer))
            self.compiled = Compiled(self.model, backend)

    def impossible(self, proposal_id: str) -> bool:
        if self.compiled is None:
            return False
        j = np.array([self.model.variables[proposal_id]])
        self.compiled.set_col_bounds(j, np.array([1.0]), np.array([1.0]))
        status, _ = self.compiled.solve()
        self.compiled.set_col_bounds(j, np.array([self.model.col_lower[j[0]]]), np.array([self.model.col_upper[j[0]]]))
        return status == Status.INFEASIBLE


def least_extra(sin: SelectionInput, funded: frozenset[str], values: Mapping[str, Fraction], c: Candidate,
                backend: Backend, prepared: Prepared | None = None, screen: _Screen | None = None,
                check: bool = False) -> tuple[Fraction | None, bool | None]:
    """The least extra local budget (million VND, whole đồng, rounded up) with which a selection
    funds ``c`` and keeps the progress and priority of the selection, verified by solving again;
    with ``check``, whether the selection made again with that budget funds it (else None).
    (None, None): no amount."""
    keep = [(k, values[k]) for k in KEPT_BY_FIGURES]
    pre = prepared if prepared is not None else Prepared(sin)
    if screen is not None and screen.impossible(c.id):
        return None, None
    m = linear_selection(sin, keep=keep, force=c.id, least_budget=True, prepared=pre)
    out = backend.solve(m, options=SELECTION_OPTIONS)
    if out.status == Status.INFEASIBLE:
        return None, None
    if out.status != Status.OPTIMAL or out.values is None:
        raise SolverError(f"the least budget for {c.id} stopped before it was proven ({out.status.value})")
    chosen = frozenset(str(k) for k, v in out.values.items() if v > 0.5)
    local, _ = spent(sin, chosen)
    extra = _round_up(max(local - sin.budget, Fraction(0)))
    problems = violations(sin, chosen, budget=sin.budget + extra)
    if problems or c.id not in chosen or any(value(sin, k, chosen) < v for k, v in keep):
        raise SolutionCheckError(f"the least-budget selection for {c.id} does not hold: {'; '.join(problems)}")
    if extra > 0:  # one đồng less: no selection funds it without giving up progress or priority
        less = linear_selection(sin, keep=keep, force=c.id, budget=sin.budget + extra - DONG, prepared=pre)
        if backend.solve(less, options=SELECTION_OPTIONS).status != Status.INFEASIBLE:
            raise SolutionCheckError(f"the least extra budget for {c.id} is not the least: "
                                     f"{extra - DONG} also funds it")
    if not check:
        return extra, None
    again, _ = select(sin, backend, budget=sin.budget + extra, prepared=pre)
    return extra, again is not None and c.id in again


def _round_up(x: Fraction) -> Fraction:
    """Up to whole đồng (repairs are rounded up, never to the nearest)."""
    units = -(-x.numerator * 10**6 // x.denominator)
    return Fraction(units, 10**6)


def _infeasible_message(sin: SelectionInput) -> str:
    regions = sin.regions()
    return (f"the spread rules cannot all hold within the budget of {float(sin.budget):,.3f} million VND"
            + (f": at least {sin.min_per_region} per region in {len(regions)} regions" if regions else ""))


def _score(x: Fraction) -> str:
    return str(int(x)) if x.denominator == 1 else f"{float(x):g}"


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


# The tidy tables (pandas imported only when a table is asked for): named after the selection
# model's dimensions (proposal_id, task_id, commune); money in million VND as floats (the exact
# figures stay in AnnualResult.decisions).

SELECTION_COLUMNS = ("proposal_id", "task_id", "commune", "region", "applicant", "title", "status", "units",
                     "requested", "cap", "support", "trim", "cofunding", "score", "reason_code", "reason",
                     "least_extra", "funded_at_extra")


def selection_frame(result: AnnualResult, lang: str = "vi") -> pd.DataFrame:
    import pandas as pd

    rows = []
    for d in result.decisions:
        p = d.proposal
        rows.append({
            "proposal_id": p.id, "task_id": p.task_id, "commune": p.commune, "region": p.region,
            "applicant": p.applicant, "title": p.title, "status": d.status, "units": p.units,
            "requested": float(p.requested), "cap": None if d.cap is None else float(d.cap),
            "support": float(d.support), "trim": float(d.trim), "cofunding": float(d.cofunding),
            "score": float(p.score), "reason_code": ";".join(r.code for r in d.reasons),
            "reason": d.reason_text(lang),
            "least_extra": None if d.least_extra is None else float(d.least_extra),
            "funded_at_extra": d.funded_at_extra,
        })
    return pd.DataFrame(rows, columns=list(SELECTION_COLUMNS))


TASK_COLUMNS = ("task_id", "planned_units", "remaining_units", "proposals", "funded", "funded_units", "requested",
                "support", "cofunding")
COMMUNE_COLUMNS = ("commune", "region", "proposals", "funded", "support")
_MONEY = ("requested", "support", "cofunding")


def task_rows(result: AnnualResult) -> list[dict[str, Any]]:
    """Per task (with proposals, or planned for the year): planned units for the year, units left,
    proposals, units funded, money requested and funded (million VND, exact)."""
    tasks = sorted({d.proposal.task_id for d in result.decisions} | {t for t, n in result.planned.items() if n},
                   key=list(result.planned).index)
    rows = []
    for t in tasks:
        ds = [d for d in result.decisions if d.proposal.task_id == t]
        funded = [d for d in ds if d.status != NOT_FUNDED]
        rows.append({
            "task_id": t, "planned_units": result.planned.get(t, 0), "remaining_units": result.remaining.get(t, 0),
            "proposals": len(ds), "funded": len(funded), "funded_units": sum(d.proposal.units for d in funded),
            "requested": sum((d.proposal.requested for d in ds), Fraction(0)),
            "support": sum((d.support for d in funded), Fraction(0)),
            "cofunding": sum((d.cofunding for d in funded), Fraction(0)),
        })
    return rows


def commune_rows(result: AnnualResult) -> list[dict[str, Any]]:
    """Per commune (with its region), in region order: proposals, funded, support (exact)."""
    count: dict[tuple[str, str], int] = {}
    funded: dict[tuple[str, str], int] = {}
    support: dict[tuple[str, str], Fraction] = {}
    for d in result.decisions:
        place = (d.proposal.region, d.proposal.commune)
        count[place] = count.get(place, 0) + 1
        if d.status != NOT_FUNDED:
            funded[place] = funded.get(place, 0) + 1
            support[place] = support.get(place, Fraction(0)) + d.support
    return [{"commune": c, "region": r, "proposals": n, "funded": funded.get((r, c), 0),
             "support": support.get((r, c), Fraction(0))} for (r, c), n in sorted(count.items())]


def _frame(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> pd.DataFrame:
    """Exact rows as a DataFrame: money as floats."""
    import pandas as pd

    return pd.DataFrame([{k: float(v) if k in _MONEY else v for k, v in row.items()} for row in rows],
                        columns=list(columns))


def task_frame(result: AnnualResult) -> pd.DataFrame:
    """``task_rows`` as a DataFrame."""
    return _frame(task_rows(result), TASK_COLUMNS)


def commune_frame(result: AnnualResult) -> pd.DataFrame:
    """``commune_rows`` as a DataFrame."""
    return _frame(commune_rows(result), COMMUNE_COLUMNS)


def changes_frame(result: AnnualResult) -> pd.DataFrame:
    """Mid-year re-selection: proposals whose status changed since ``result.previous``."""
    import pandas as pd

    rows = []
    before = result.previous or {}
    for d in result.decisions:
        old = before.get(d.proposal.id, "new")
        if result.previous is not None and old != d.status:
            rows.append({"proposal_id": d.proposal.id, "before": old, "after": d.status,
                         "support": float(d.support) if d.status != "not_funded" else 0.0,
                         "reason": d.reason_text()})
    for pid in sorted(set(before) - {d.proposal.id for d in result.decisions}):
        rows.append({"proposal_id": pid, "before": before[pid], "after": "removed", "support": 0.0,
                     "reason": "không còn trong hồ sơ / no longer in the file"})
    return pd.DataFrame(rows, columns=["proposal_id", "before", "after", "support", "reason"])

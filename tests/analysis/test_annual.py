"""The annual plan (kgkc_opt.analysis.annual): proposals selected within every rule, proven optimal
against an independent enumeration, reasons for each proposal not funded, least extra budgets
verified by enumeration, and the mid-year re-selection."""

from __future__ import annotations

import itertools
from dataclasses import replace
from fractions import Fraction as F
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kgkc_opt as kg
from kgkc_opt.analysis.annual import NOT_FUNDED, Rules, annual, legal_cap
from kgkc_opt.inputs.proposals import Proposal, Proposals
from kgkc_opt.model.selection import DONG, Candidate, SelectionInput, linear_selection, violations

PROGRAM = kg.load_program()
YEAR = 2024


@pytest.fixture(scope="module")
def plan_2024() -> dict[str, int]:
    result = kg.solve(PROGRAM, with_shadow_prices=False)
    return {t.id: result.plan.get((t.id, YEAR), 0) for t in PROGRAM.tasks}


@pytest.fixture(scope="module")
def left_2024() -> dict[str, int]:
    """Units each task has left from 2024 on: its target less the plan's 2021–2023."""
    result = kg.solve(PROGRAM, with_shadow_prices=False)
    return {t.id: (t.quantity - sum(result.plan.get((t.id, y), 0) for y in range(2021, YEAR))
                   if YEAR in t.years else 0) for t in PROGRAM.tasks}


def prop(pid: str, task: str, total: int | F, requested: int | F, *, commune: str = "Xã A", region: str = "H1",
         units: int = 1, score: int = 50, **kw: object) -> Proposal:
    total, requested = F(total), F(requested)
    return Proposal(pid, f"Đề án {pid}", f"Cơ sở {pid}", commune, task, units, total, requested,
                    total - requested, region=region, score=F(score), **kw)  # type: ignore[arg-type]


def planned_task(plan: dict[str, int], rule: str) -> str:
    """A task planned in 2024 whose support rule is ``rule``."""
    return next(t.id for t in PROGRAM.tasks if t.support_rule == rule and plan[t.id] > 0)


# --- an independent model: every subset of the eligible proposals, checked in exact arithmetic ---

def _caps(result: kg.AnnualResult) -> dict[str, int]:
    """The units each task may receive under the result's year-plan rule: the year's plan where
    the plan is strict, else the period's units left."""
    if result.rules.year_plan in ("strict", "reserve"):
        return {t: min(n, result.planned.get(t, 0)) for t, n in result.remaining.items()}
    return dict(result.remaining)


def _feasible(result: kg.AnnualResult, chosen: set[str], budget: F, force: str | None = None) -> bool:
    ds = {d.proposal.id: d for d in result.decisions}
    caps = _caps(result)
    if force is not None and force not in chosen:
        return False
    if sum((ds[i].support for i in chosen), F(0)) > budget:
        return False
    if result.cofunding is not None and sum((ds[i].cofunding for i in chosen), F(0)) > result.cofunding:
        return False
    units: dict[str, int] = {}
    communes: dict[str, int] = {}
    for i in chosen:
        p = ds[i].proposal
        units[p.task_id] = units.get(p.task_id, 0) + p.units
        communes[p.commune] = communes.get(p.commune, 0) + 1
    if any(n > caps.get(t, 0) for t, n in units.items()):
        return False
    cap = result.rules.max_per_commune
    return cap is None or all(n <= cap for n in communes.values())


def _score(result: kg.AnnualResult, chosen: set[str]) -> tuple:
    ds = {d.proposal.id: d for d in result.decisions}
    inp = kg.model_input(kg.baseline(PROGRAM))
    w = {t.task_id: t.weight / t.target for t in inp.tasks if t.target}
    units: dict[str, int] = {}
    for i in chosen:
        units[ds[i].proposal.task_id] = units.get(ds[i].proposal.task_id, 0) + ds[i].proposal.units
    progress = sum((w.get(t, F(0)) * min(n, result.planned.get(t, 0)) for t, n in units.items()), F(0))
    if result.rules.rule == "merit":  # the number funded at each score level, from the highest
        levels = sorted({d.proposal.score for d in result.decisions}, reverse=True)
        priority = tuple(sum(1 for i in chosen if ds[i].proposal.score == s) for s in levels)
    else:
        priority = sum((ds[i].proposal.score for i in chosen), F(0))
    first = F(sum(ds[i].proposal.first_time for i in chosen))
    reserve = -sum((ds[i].support for i in chosen), F(0))
    return progress, priority, first, reserve


def _eligible(result: kg.AnnualResult) -> list[str]:
    return [d.proposal.id for d in result.decisions
            if not (d.reasons and d.reasons[0].code in ("withdrawn", "documents_incomplete", "above_cap"))]


def stage_values(result: kg.AnnualResult) -> tuple:
    """The result's values in the enumeration's order (progress, priority or merit levels, first
    time, reserve)."""
    v = result.values
    if result.rules.rule == "merit":
        levels = sorted({d.proposal.score for d in result.decisions}, reverse=True)
        priority = tuple(int(v.get(f"merit:{s}", 0)) for s in levels)
    else:
        priority = v["priority"]
    return v["progress"], priority, v["first_time"], v["reserve"]


def enumerate_best(result: kg.AnnualResult, budget: F) -> tuple:
    ids = _eligible(result)
    best = None
    for r in range(len(ids) + 1):
        for combo in itertools.combinations(ids, r):
            chosen = set(combo)
            if _feasible(result, chosen, budget):
                s = _score(result, chosen)
                best = s if best is None or s > best else best
    assert best is not None
    return best


def exists(result: kg.AnnualResult, budget: F, force: str) -> bool:
    """A selection funding ``force`` within ``budget`` keeping progress and priority."""
    ids = _eligible(result)
    v = stage_values(result)
    score = next(d.proposal.score for d in result.decisions if d.proposal.id == force)
    levels = sorted({d.proposal.score for d in result.decisions}, reverse=True)
    at = levels.index(score)
    # merit: every funded proposal with a higher score stays funded, as many at its own score
    higher = {d.proposal.id for d in result.funded if d.proposal.score > score}
    for r in range(len(ids) + 1):
        for combo in itertools.combinations(ids, r):
            chosen = set(combo)
            if _feasible(result, chosen, budget, force):
                s = _score(result, chosen)
                kept = (chosen >= higher and s[1][at] >= v[1][at]) if result.rules.rule == "merit" else s[1] >= v[1]
                if s[0] >= v[0] and kept:
                    return True
    return False


def check_invariants(result: kg.AnnualResult) -> None:
    """What must hold on every selection: caps, budget, quantities, a reason for each not funded."""
    assert result.status == kg.Status.OPTIMAL
    funded = [d for d in result.decisions if d.status != NOT_FUNDED]
    assert sum((d.support for d in funded), F(0)) <= result.budget
    for d in result.decisions:
        cap = legal_cap(PROGRAM, d.proposal)
        assert d.support == (d.proposal.requested if cap is None else min(d.proposal.requested, cap))
        assert d.support + d.cofunding == d.proposal.total_cost
        assert (d.status == "trimmed") == (d.status != NOT_FUNDED and d.support < d.proposal.requested)
        if d.status == NOT_FUNDED:
            assert d.reasons and all(r.text.vi and r.text.en for r in d.reasons)
    for t, n in result.remaining.items():
        assert sum(d.proposal.units for d in funded if d.proposal.task_id == t) <= n


@pytest.mark.parametrize(("rule", "year_plan"), [("merit", "strict"), ("sum-of-scores", "free"), ("merit", "frame")])
def test_selection_is_the_enumerated_optimum_and_every_figure_is_verified(plan_2024, rule, year_plan):
    machine = planned_task(plan_2024, "advanced_machinery")
    consult = planned_task(plan_2024, "consulting")
    items = (
        prop("M1", machine, 800, 400, score=90, commune="Xã A"),       # over 300: trimmed
        prop("M2", machine, 500, 200, score=70, commune="Xã B"),
        prop("M3", machine, 400, 150, score=60, commune="Xã C", first_time=True),
        prop("M4", machine, 900, 450, score=95, commune="Xã D", accepts_trim=False),  # above cap, refuses
        prop("C1", consult, 60, 30, score=80, commune="Xã A"),
        prop("C2", consult, 70, 35, score=40, commune="Xã E"),
        prop("C3", consult, 50, 25, score=85, commune="Xã F", documents_complete=False),
        prop("C4", consult, 40, 20, score=30, commune="Xã G", withdrawn=True),
    )
    result = annual(Proposals("t", items), YEAR, scenario=PROGRAM,
                    rules=Rules(budget=F(700), cap_cofunding=False, rule=rule, year_plan=year_plan))
    check_invariants(result)
    by = {d.proposal.id: d for d in result.decisions}
    assert by["M1"].status == "trimmed" and by["M1"].support == 300 and by["M1"].cofunding == 500
    assert by["M4"].reasons[0].code == "above_cap" and by["M4"].least_extra is None
    assert by["C3"].reasons[0].code == "documents_incomplete"
    assert by["C4"].reasons[0].code == "withdrawn"
    if year_plan != "frame":  # the frame's two steps are checked by the merit property below
        assert enumerate_best(result, result.budget) == stage_values(result)
    for d in result.decisions:
        if d.status == NOT_FUNDED and d.least_extra is not None:
            assert d.least_extra >= 0 and (d.least_extra / DONG).denominator == 1
            assert exists(result, result.budget + d.least_extra, d.proposal.id)
            if d.least_extra > 0:
                assert not exists(result, result.budget + d.least_extra - DONG, d.proposal.id)
        elif d.status == NOT_FUNDED and d.reasons[0].code not in ("above_cap", "documents_incomplete", "withdrawn"):
            assert not exists(result, result.budget + F(10**6), d.proposal.id)


def test_funded_at_extra_is_what_the_selection_does_with_that_budget(plan_2024):
    consult = planned_task(plan_2024, "consulting")
    n = plan_2024[consult]
    items = tuple(prop(f"C{i}", consult, 60, 30, score=90 - i, commune=f"Xã {i}") for i in range(n + 1))
    result = annual(Proposals("t", items), YEAR, scenario=PROGRAM,
                    rules=Rules(budget=F(45), cap_cofunding=False, check_extra=True))
    assert any(d.least_extra is not None for d in result.decisions)
    for d in result.decisions:
        if d.least_extra is not None:
            again = annual(Proposals("t", items), YEAR, scenario=PROGRAM,
                           rules=Rules(budget=F(45) + d.least_extra, cap_cofunding=False))
            funded_again = {x.proposal.id for x in again.decisions if x.status != NOT_FUNDED}
            assert d.funded_at_extra == (d.proposal.id in funded_again)


def test_reasons_name_the_rule_and_who_outranked(plan_2024, left_2024):
    brand = planned_task(plan_2024, "brand_building")
    n = left_2024[brand]
    items = tuple(prop(f"B{i}", brand, 60, 30, score=90 - i, commune=f"Xã {i}") for i in range(n + 2))
    result = annual(Proposals("t", items), YEAR, scenario=PROGRAM,
                    rules=Rules(budget=F(10**4), cap_cofunding=False, year_plan="frame"))
    over = [d for d in result.decisions if d.status == NOT_FUNDED]
    assert len(over) == 2 and all([r.code for r in d.reasons] == ["quantity_met"] for d in over)
    assert str(n) in over[0].reasons[0].text.vi and over[0].least_extra is None  # money does not lift it
    assert over[0].reasons[0].text.en.startswith(f"Task {brand} has {n} units left from {YEAR}")

    consult = planned_task(plan_2024, "consulting")
    items = tuple(prop(f"C{i}", consult, 60, 30, score=90 - i, commune="Xã A") for i in range(3))
    result = annual(Proposals("t", items), YEAR, scenario=PROGRAM,
                    rules=Rules(budget=F(10**4), cap_cofunding=False, max_per_commune=1))
    by = {d.proposal.id: d for d in result.decisions}
    assert by["C0"].status != NOT_FUNDED
    for pid in ("C1", "C2"):
        assert [r.code for r in by[pid].reasons] == ["spread"] and by[pid].reasons[0].by == ("C0",)
        assert by[pid].least_extra is None  # money does not lift a spread rule

    tight = annual(Proposals("t", (prop("C2", consult, 60, 30, score=88, commune="Xã 2"),
                                   prop("C3", consult, 60, 30, score=87, commune="Xã 3"))), YEAR, scenario=PROGRAM,
                   rules=Rules(budget=F(40), cap_cofunding=False))
    loser = next(d for d in tight.decisions if d.status == NOT_FUNDED)
    assert loser.reasons[0].code == "outranked" and loser.reasons[0].by == ("C2",)
    assert "C2" in loser.reasons[0].text.vi and "điểm" in loser.reasons[0].text.vi
    assert loser.least_extra == F(20) and loser.funded_at_extra is None  # not asked (check_extra)


def test_task_not_running_in_the_year_is_quantity_met(plan_2024):
    idle = next(t.id for t in PROGRAM.tasks if YEAR not in t.years)
    result = annual(Proposals("t", (prop("X", idle, 100, 50),)), YEAR, scenario=PROGRAM, rules=Rules(budget=F(500)))
    d = result.decisions[0]
    assert d.status == NOT_FUNDED and d.reasons[0].code == "quantity_met" and "does not run" in d.reasons[0].text.en


def test_units_beyond_the_years_plan_count_no_progress_but_may_be_funded(plan_2024, left_2024):
    consult = planned_task(plan_2024, "consulting")
    n = plan_2024[consult]
    assert left_2024[consult] > n
    items = tuple(prop(f"C{i}", consult, 60, 30, score=50, commune=f"Xã {i}") for i in range(n + 1))
    free = Rules(budget=F(10**4), cap_cofunding=False, rule="sum-of-scores", year_plan="free")
    result = annual(Proposals("t", items), YEAR, scenario=PROGRAM, rules=free)
    assert all(d.status != NOT_FUNDED for d in result.decisions)  # ahead of the plan: priority pays for it
    one = annual(Proposals("t", items[:n]), YEAR, scenario=PROGRAM, rules=free)
    assert result.values["progress"] == one.values["progress"]
    assert result.values["priority"] == one.values["priority"] + 50


def test_the_years_plan_frames_the_selection_and_money_left_goes_beyond_it_in_merit_order(plan_2024, left_2024):
    consult = planned_task(plan_2024, "consulting")
    n = plan_2024[consult]
    assert left_2024[consult] > n
    items = tuple(prop(f"C{i}", consult, 60, 30, score=90 - i, commune=f"Xã {i}") for i in range(n + 1))
    framed = annual(Proposals("t", items), YEAR, scenario=PROGRAM,
                    rules=Rules(budget=F(10**4), cap_cofunding=False, year_plan="frame"))
    assert all(d.status != NOT_FUNDED for d in framed.decisions)
    beyond = [d.proposal.id for d in framed.decisions if d.beyond_plan]
    assert beyond == [f"C{n}"]  # the lowest-scored: the plan is served from the top of the list first
    row = next(r for r in framed.by_task.to_dict("records") if r["task_id"] == consult)
    assert row["funded_units"] == n + 1 and row["beyond_plan_units"] == 1
    strict = annual(Proposals("t", items), YEAR, scenario=PROGRAM,
                    rules=Rules(budget=F(10**4), cap_cofunding=False, year_plan="strict"))
    out = [d for d in strict.decisions if d.status == NOT_FUNDED]
    assert [d.proposal.id for d in out] == [f"C{n}"] and not any(d.beyond_plan for d in strict.decisions)
    assert [r.code for r in out[0].reasons] == ["quantity_met"]
    assert out[0].reasons[0].text.en.startswith(f"Task {consult}'s plan for {YEAR} is {n} unit")
    assert out[0].least_extra is None  # money does not lift the year's plan
    # too little money beyond the plan: the frame's money left does not reach the next proposal
    tight = annual(Proposals("t", items), YEAR, scenario=PROGRAM,
                   rules=Rules(budget=F(30 * n + 29), cap_cofunding=False, year_plan="frame"))
    last = next(d for d in tight.decisions if d.proposal.id == f"C{n}")
    assert last.status == NOT_FUNDED and last.least_extra == F(1)


def test_mid_year_reselection_keeps_started_and_drops_withdrawn(plan_2024, left_2024):
    consult = planned_task(plan_2024, "consulting")
    n = left_2024[consult]
    items = [prop(f"C{i}", consult, 60, 30, score=90 - i, commune=f"Xã {i}") for i in range(n + 1)]
    first = annual(Proposals("t", tuple(items)), YEAR, scenario=PROGRAM,
                   rules=Rules(budget=F(10**4), cap_cofunding=False, year_plan="frame"))
    funded = [d.proposal.id for d in first.decisions if d.status != NOT_FUNDED]
    out = [d.proposal.id for d in first.decisions if d.status == NOT_FUNDED]
    assert len(funded) == n and len(out) == 1
    # the lowest-scored funded one started; the best one withdraws; the one left out rises to 99
    started, gone = funded[-1], funded[0]
    items2 = []
    for p in items:
        if p.id == started:
            p = Proposal(**{**p.__dict__, "started": True, "score": F(1)})
        if p.id == gone:
            p = Proposal(**{**p.__dict__, "withdrawn": True})
        if p.id == out[0]:
            p = Proposal(**{**p.__dict__, "score": F(99)})
        items2.append(p)
    again = annual(Proposals("t", tuple(items2)), YEAR, scenario=PROGRAM, previous=first,
                   rules=Rules(budget=F(10**4), cap_cofunding=False, year_plan="frame"))
    by = {d.proposal.id: d for d in again.decisions}
    assert by[started].status != NOT_FUNDED and by[gone].status == NOT_FUNDED and by[out[0]].status != NOT_FUNDED
    changes = again.changes.set_index("proposal_id")
    assert set(changes.index) == {gone, out[0]}
    assert changes.loc[gone, "after"] == NOT_FUNDED and changes.loc[out[0], "before"] == NOT_FUNDED


def test_started_stays_funded_even_when_outranked(plan_2024):
    consult = planned_task(plan_2024, "consulting")
    items = (prop("A", consult, 60, 30, score=10, started=True), prop("B", consult, 60, 30, score=99, commune="Xã B"))
    result = annual(Proposals("t", items), YEAR, scenario=PROGRAM, previous={"A": "funded", "B": "not_funded"},
                    rules=Rules(budget=F(30), cap_cofunding=False))
    by = {d.proposal.id: d for d in result.decisions}
    assert by["A"].status == "funded" and by["B"].status == NOT_FUNDED


def test_spread_rules_that_cannot_hold_are_reported(plan_2024):
    consult = planned_task(plan_2024, "consulting")
    items = (prop("A", consult, 60, 30, region="H1"), prop("B", consult, 60, 30, region="H2", commune="Xã B"))
    result = annual(Proposals("t", items), YEAR, scenario=PROGRAM,
                    rules=Rules(budget=F(30), cap_cofunding=False, min_per_region=1))
    assert result.status == kg.Status.INFEASIBLE and "region" in result.message


def test_same_commune_name_in_two_regions_is_two_communes(plan_2024):
    consult = planned_task(plan_2024, "consulting")
    items = (prop("A", consult, 60, 30, commune="Xã Bình An", region="Kiên Lương", score=90),
             prop("B", consult, 60, 30, commune="Xã Bình An", region="Châu Thành", score=80))
    result = annual(Proposals("t", items), YEAR, scenario=PROGRAM,
                    rules=Rules(budget=F(10**4), cap_cofunding=False, max_per_commune=1))
    assert plan_2024[consult] >= 2 and all(d.status != NOT_FUNDED for d in result.decisions)


def test_example_file_selection_keeps_every_rule():
    """Notebook 06's rules (at most 2 per commune, at least 1 per region) on the example file: every
    rule kept, and KG-2024-001 (88 points, II.1's top proposal) has one primary reason, checked here
    by the swap it decides: in the place of II.1's funded proposal it keeps every rule but the least
    per region (the swap that used to read "budget: not enough" next to "tie_break")."""
    proposals = kg.load_proposals(Path(__file__).parents[2] / "scenarios" / "proposals-2024.csv", PROGRAM)
    result = annual(proposals, YEAR, scenario=PROGRAM, rules=Rules(max_per_commune=2, min_per_region=1))
    check_invariants(result)
    codes = {r.code for d in result.decisions for r in d.reasons}
    assert {"above_cap", "documents_incomplete"} <= codes
    assert any(d.status == "trimmed" for d in result.decisions)
    for d in result.decisions:  # no primary next to a reason that reads as its contradiction
        if d.reasons and d.reasons[0].code == "tie_break":
            assert not {r.code for r in d.reasons} & {"budget", "outranked", "cofunding"}
    top = next(d for d in result.decisions if d.proposal.id == "KG-2024-001")
    assert top.status == NOT_FUNDED and top.primary.code == "region" and top.least_extra is None
    assert top.reason_text("en").startswith("Selected again with it funded") and "Also true:" in top.reason_text("en")
    sin = _input(result)
    funded = {d.proposal.id for d in result.funded}
    same_task = [d.proposal.id for d in result.funded if d.proposal.task_id == "II.1"]
    assert len(same_task) == 1
    swapped = funded - set(same_task) | {"KG-2024-001"}
    broken = violations(replace(sin, budget=F(10**9)), swapped)
    assert broken and all(v.startswith("region[") for v in broken)  # only the least per region breaks


def _input(result: kg.AnnualResult) -> SelectionInput:
    """The selection's rules as the model's input, rebuilt from the result (the year's plan caps)."""
    cands = tuple(Candidate(d.proposal.id, d.proposal.task_id, d.proposal.commune, d.proposal.region, d.proposal.units,
                            d.support, d.cofunding, d.proposal.score, d.proposal.first_time,
                            False if d.proposal.id not in _eligible(result) else None)
                  for d in result.decisions)
    return SelectionInput(result.year, result.budget, result.cofunding, dict(result.planned), cands, _caps(result),
                          {}, result.rules.max_per_commune, result.rules.min_per_region, result.rules.rule)


def test_the_year_plan_by_default_with_a_reserve_list_that_is_what_frame_funds():
    """The example file: by default no task runs past its 2024 plan; the reserve list is exactly
    what ``frame`` funds beyond the plan, in merit order, and funding it step by step keeps the
    budget, the co-funding and the period's units left at every step."""
    proposals = kg.load_proposals(Path(__file__).parents[2] / "scenarios" / "proposals-2024.csv", PROGRAM)
    default = annual(proposals, YEAR, scenario=PROGRAM)
    framed = annual(proposals, YEAR, scenario=PROGRAM, rules=Rules(year_plan="frame"))
    _check_reserve(default, framed)
    assert all(r["funded_units"] <= r["planned_units"] for r in default.by_task.to_dict("records"))
    assert len(default.reserve) == sum(d.beyond_plan for d in framed.decisions) > 0


def _check_reserve(default: kg.AnnualResult, framed: kg.AnnualResult) -> None:
    """The reserve list's claims, checked against ``frame``'s selection and in exact arithmetic."""
    assert default.rules.year_plan == "reserve" and not any(d.beyond_plan for d in default.decisions)
    check_invariants(default)
    within = {d.proposal.id for d in framed.funded if not d.beyond_plan}
    beyond = {d.proposal.id for d in framed.funded if d.beyond_plan}
    assert {d.proposal.id for d in default.funded} == within
    steps = default.reserve
    assert {s.proposal_id for s in steps} == beyond and [s.step for s in steps] == list(range(1, len(steps) + 1))
    assert all(a.score >= b.score for a, b in itertools.pairwise(steps))  # merit order
    by = {d.proposal.id: d for d in default.decisions}
    chosen = {d.proposal.id for d in default.funded}
    local, cof = default.spent
    for s in steps:  # fund the reserve in order: every step within the budget, co-funding and units
        d = by[s.proposal_id]
        assert d.status == NOT_FUNDED and d.reserve == s.step and d.primary.code == "reserve"
        chosen.add(s.proposal_id)
        local += s.cost
        cof += s.cofunding
        assert s.cost == d.support and s.left == default.budget - local >= 0
        assert default.cofunding is None or (cof <= default.cofunding and s.cofunding_left == default.cofunding - cof)
        for t, n in default.remaining.items():
            assert sum(by[i].proposal.units for i in chosen if by[i].proposal.task_id == t) <= n
        cap = default.rules.max_per_commune
        communes = [(by[i].proposal.region, by[i].proposal.commune) for i in chosen]
        assert cap is None or all(communes.count(x) <= cap for x in communes)
    assert chosen == within | beyond


def test_year_outside_the_program_is_a_usage_error():
    with pytest.raises(kg.UsageError, match="2030"):
        annual(Proposals("t", ()), 2030, scenario=PROGRAM)


ROWS = st.lists(st.tuples(st.integers(0, 2), st.integers(20, 400), st.integers(1, 9), st.integers(0, 100),
                          st.booleans(), st.integers(0, 3)), min_size=1, max_size=8)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ROWS, st.integers(0, 900), st.sampled_from([None, 1, 2]),
       st.sampled_from([("merit", "strict"), ("sum-of-scores", "free")]))
def test_property_optimal_against_enumeration(plan_2024, rows, budget, per_commune, rule):
    tasks = [planned_task(plan_2024, r) for r in ("advanced_machinery", "consulting", "brand_building")]
    items = tuple(
        prop(f"P{i}", tasks[k], total, F(total * share, 10), score=score, first_time=first, commune=f"Xã {c}")
        for i, (k, total, share, score, first, c) in enumerate(rows))
    result = annual(Proposals("t", items), YEAR, scenario=PROGRAM,
                    rules=Rules(budget=F(budget), cap_cofunding=False, max_per_commune=per_commune, rule=rule[0],
                                year_plan=rule[1]))
    check_invariants(result)
    assert enumerate_best(result, result.budget) == stage_values(result)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ROWS, st.integers(0, 900), st.sampled_from([None, 1]), st.sampled_from(["frame", "strict"]))
def test_property_merit_order_no_lower_score_funded_in_the_place_of_a_higher(plan_2024, rows, budget, per_commune,
                                                                            year_plan):
    """The merit rule: no funded proposal has a lower score than an unfunded eligible one of the
    same task that would fit in its place (the exact swap: every rule holds, progress kept)."""
    tasks = [planned_task(plan_2024, r) for r in ("advanced_machinery", "consulting", "brand_building")]
    items = tuple(
        prop(f"P{i}", tasks[k], total, F(total * share, 10), score=score, first_time=first, commune=f"Xã {c}")
        for i, (k, total, share, score, first, c) in enumerate(rows))
    result = annual(Proposals("t", items), YEAR, scenario=PROGRAM,
                    rules=Rules(budget=F(budget), cap_cofunding=False, max_per_commune=per_commune,
                                year_plan=year_plan))
    check_invariants(result)
    funded = {d.proposal.id for d in result.funded}
    progress = _score(result, funded)[0]
    by = {d.proposal.id: d.proposal for d in result.decisions}
    for p in _eligible(result):
        if p in funded:
            continue
        for q in funded:
            if by[q].task_id == by[p].task_id and by[q].score < by[p].score:
                swapped = funded - {q} | {p}
                assert not (_feasible(result, swapped, result.budget) and _score(result, swapped)[0] >= progress), \
                    f"{p} ({by[p].score}) fits in the place of {q} ({by[q].score})"
    for d in result.decisions:  # "outranked" names only higher-scored proposals
        for r in d.reasons:
            if r.code == "outranked":
                assert r.by and all(by[x].score > d.proposal.score for x in r.by)


def test_model_rows_are_exact_at_the_last_dong():
    """The budget row is integral: a selection spending the budget to the last đồng is allowed,
    one đồng more is not (no floating-point tolerance lets it through)."""
    a = Candidate("a", "T", "c", "", 1, F(1234567891, 10**6), F(0))
    b = Candidate("b", "T", "c", "", 1, F(1, 10**6), F(0))
    exact = SelectionInput(2024, a.support + b.support, None, {"T": 2}, (a, b), {"T": 2}, {"T": F(1, 2)})
    short = SelectionInput(2024, a.support + b.support - DONG, None, {"T": 2}, (a, b), {"T": 2}, {"T": F(1, 2)})
    assert violations(exact, {"a", "b"}) == []
    assert violations(short, {"a", "b"}) != []
    m = linear_selection(short)
    row = m.row_keys.index("budget")
    assert all(float(v).is_integer() for v in m.row_value[row]) and float(m.row_upper[row]).is_integer()
    assert sum(m.row_value[row]) > m.row_upper[row]


def test_reselection_keeps_what_was_funded_before_a_higher_score(plan_2024, left_2024):
    """Mid-year, a new proposal with a higher score does not push out one funded before (the
    ``kept`` objective comes before priority); without the earlier selection it would."""
    brand = planned_task(plan_2024, "brand_building")
    n = left_2024[brand]
    old = tuple(prop(f"B{i}", brand, 60, 30, score=50, commune=f"Xã {i}") for i in range(n))
    new = prop("NEW", brand, 60, 30, score=99, commune="Xã mới")
    rules = Rules(budget=F(10**4), cap_cofunding=False, year_plan="frame")
    first = annual(Proposals("t", old), YEAR, scenario=PROGRAM, rules=rules)
    assert all(d.status != NOT_FUNDED for d in first.decisions)
    again = annual(Proposals("t", (*old, new)), YEAR, scenario=PROGRAM, rules=rules, previous=first)
    assert {d.proposal.id for d in again.funded} == {p.id for p in old}
    assert again.values["kept"] == n
    fresh = annual(Proposals("t", (*old, new)), YEAR, scenario=PROGRAM, rules=rules)
    assert "NEW" in {d.proposal.id for d in fresh.funded}


def test_every_reason_that_applies_is_listed(plan_2024):
    consult = planned_task(plan_2024, "consulting")
    machine = planned_task(plan_2024, "advanced_machinery")
    items = (prop("W", consult, 60, 30, withdrawn=True, documents_complete=False),
             prop("X", machine, 900, 450, accepts_trim=False, documents_complete=False, commune="Xã B"))
    result = annual(Proposals("t", items), YEAR, scenario=PROGRAM, rules=Rules(budget=F(1000)))
    by = {d.proposal.id: d for d in result.decisions}
    assert [r.code for r in by["W"].reasons] == ["withdrawn", "documents_incomplete"]
    assert [r.code for r in by["X"].reasons] == ["documents_incomplete", "above_cap"]
    assert by["W"].primary.code == "withdrawn"  # the first that applies decides; the others are also true
    assert by["W"].reason_text("en") == "The proposal was withdrawn. Also true: Its documents are incomplete."


def test_least_extra_decided_by_one_dong_is_exact_against_enumeration():
    """A budget to the đồng where the least extra budget is decided by one đồng on rows of about a
    hundred million đồng: HiGHS accepts a selection one đồng over the budget within its tolerance
    (the "one đồng less" check used to stop the run there); the figure must equal the enumeration's."""
    from kgkc_opt.analysis.annual import Prepared, least_extra, select
    from kgkc_opt.model.selection import value
    from kgkc_opt.solver.backend import backend_for

    rows = [("S00", "U", "8575877/200000", 84), ("S01", "T", "12671623/1000000", 79),
            ("S02", "U", "1180071/50000", 56), ("S03", "T", "2890783/50000", 52),
            ("S04", "U", "24846637/1000000", 50), ("S05", "T", "46183161/1000000", 50),
            ("S06", "U", "44611/4000", 76), ("S07", "T", "12724397/1000000", 52),
            ("S08", "U", "8805619/500000", 65), ("S09", "T", "28857413/500000", 87),
            ("S10", "U", "33253743/1000000", 60), ("S11", "T", "6377489/500000", 78)]
    cands = tuple(Candidate(i, t, f"c{i}", "", 1, F(s), F(0), F(score)) for i, t, s, score in rows)
    budget = F("104.931648")
    sin = SelectionInput(2023, budget, None, {"T": 6, "U": 6}, cands, {"T": 6, "U": 6}, {"T": F(1, 10), "U": F(1, 10)})
    backend = backend_for("highs")
    funded, _ = select(sin, backend)
    assert funded is not None
    values = {k: value(sin, k, funded) for k in sin.objectives()}
    pre = Prepared(sin)
    ids = [c.id for c in cands]
    checked = 0
    for c in cands:
        if c.id in funded:
            continue
        keep = [(k, v) for k, v in values.items() if k in ("progress", "kept")
                or (k.startswith("merit:") and F(k[6:]) == c.score)]
        higher = {x.id for x in cands if x.id in funded and x.score > c.score}
        costs = [spent for r in range(len(ids) + 1) for combo in itertools.combinations(ids, r)
                 if c.id in combo and higher <= set(combo) and not violations(sin, set(combo), budget=F(10**9))
                 and all(value(sin, k, set(combo)) >= v for k, v in keep)
                 for spent in [sum((x.support for x in cands if x.id in combo), F(0))]]
        expected = max(min(costs) - budget, F(0)) if costs else None
        got, _ = least_extra(sin, funded, values, c, backend, pre)
        assert got == expected, c.id
        checked += got is not None and got > 0
    assert checked  # figures decided to the đồng (least cost − budget, exactly)
    s00, _ = least_extra(sin, funded, values, cands[0], backend, pre)
    assert s00 == F("4.862723")


def test_two_channels_national_envelope_fallback_and_the_whatif(plan_2024):
    """National proposals are funded from the national money in merit order; without it they fall
    back to local money only when allowed, and the what-if says what that costs the local budget."""
    from kgkc_opt.analysis.annual_whatif import national_whatif

    consult = planned_task(plan_2024, "consulting")
    brand = planned_task(plan_2024, "brand_building")
    items = (prop("N1", consult, 60, 30, score=90, commune="Xã 1", channel="national"),
             prop("N2", consult, 60, 30, score=60, commune="Xã 2", channel="national"),
             prop("L1", brand, 60, 30, score=80, commune="Xã 3"),
             prop("L2", consult, 60, 30, score=70, commune="Xã 4"))
    base = Rules(budget=F(60), cap_cofunding=False, national=F(30), year_plan="strict")
    result = annual(Proposals("t", items), YEAR, scenario=PROGRAM, rules=base)
    by = {d.proposal.id: d for d in result.decisions}
    assert by["N1"].source == "national" and by["N1"].status == "funded"  # the national money: the top one
    assert by["N2"].status == NOT_FUNDED and [r.code for r in by["N2"].reasons] == ["national"]
    assert by["N2"].least_extra is None  # local money may not fund it (no fallback)
    assert by["L1"].status == "funded" and by["L1"].source == "local"
    assert result.spent[0] == sum((d.support for d in result.funded if d.source == "local"), F(0)) <= F(60)
    assert result.spent_national == 30 and result.national == 30
    # national money absent, fallback allowed: N1 (90) takes local money in merit order
    none = annual(Proposals("t", items), YEAR, scenario=PROGRAM,
                  rules=Rules(budget=F(60), cap_cofunding=False, national=F(30), national_share=F(0),
                              national_fallback=True, year_plan="strict"))
    nb = {d.proposal.id: d for d in none.decisions}
    assert nb["N1"].status == "funded" and nb["N1"].source == "local"
    assert none.spent[0] <= 60 and none.spent_national == 0
    cases = national_whatif(Proposals("t", items), YEAR, PROGRAM,
                            Rules(budget=F(60), cap_cofunding=False, national=F(30), national_fallback=True,
                                  year_plan="strict"))
    assert [w.share for w in cases] == [1, F(1, 2), 0]
    assert cases[0].funded_national == ("N1",) and cases[0].fallback_money == 30 * len(cases[0].fallback)
    assert cases[2].national == 0 and cases[2].funded_national == () and "N1" in cases[2].fallback
    assert cases[2].fallback_money == 30 and cases[2].displaced  # a local proposal makes way for it
    for w in cases:  # each case as annual() selects it
        again = annual(Proposals("t", items), YEAR, scenario=PROGRAM,
                       rules=Rules(budget=F(60), cap_cofunding=False, national=F(30), national_fallback=True,
                                   national_share=w.share, year_plan="strict"))
        assert tuple(d.proposal.id for d in again.funded if d.source == "national") == w.funded_national


def test_the_national_money_left_has_its_own_reserve_steps(plan_2024):
    """With national proposals, the national money left after the year's plan has its reserve steps
    (source national, the national money left after each), apart from the local ones; the whole is
    what ``frame`` funds beyond the plan, each from the same money."""
    consult = planned_task(plan_2024, "consulting")
    n = plan_2024[consult]
    items = tuple(prop(f"N{i}", consult, 60, 30, score=90 - i, commune=f"Xã {i}", channel="national")
                  for i in range(n + 1))
    items += (prop("L1", consult, 60, 30, score=40, commune="Xã L"),)
    rules = Rules(budget=F(100), cap_cofunding=False, national=F(30 * (n + 1)))
    result = annual(Proposals("t", items), YEAR, scenario=PROGRAM, rules=rules)
    framed = annual(Proposals("t", items), YEAR, scenario=PROGRAM, rules=replace(rules, year_plan="frame"))
    national = [s for s in result.reserve if s.source == "national"]
    assert [s.proposal_id for s in national] == [f"N{n}"]  # the lowest-scored national one, beyond the plan
    assert national[0].left == F(30 * (n + 1)) - result.spent_national - 30 == 0
    beyond = {d.proposal.id: d.source for d in framed.funded if d.beyond_plan}
    assert {s.proposal_id: s.source for s in result.reserve} == beyond
    assert {d.proposal.id for d in result.funded} == {d.proposal.id for d in framed.funded if not d.beyond_plan}
    assert all(r["funded_units"] <= r["planned_units"] for r in result.by_task.to_dict("records"))
    d = next(d for d in result.decisions if d.proposal.id == f"N{n}")
    assert d.status == NOT_FUNDED and d.reserve == 1 and d.source == "national" and d.primary.code == "reserve"


ROWS_SPREAD = st.lists(st.tuples(st.integers(0, 1), st.integers(20, 300), st.integers(3, 9),
                                 st.sampled_from([50, 60, 70, 80]), st.integers(0, 2), st.integers(0, 2)),
                       min_size=2, max_size=7)
LIFTS = ("cofunding", "spread", "region", "quantity_met")


def _fundable(result: kg.AnnualResult, force: str, lift: str | None) -> bool:
    """By enumeration, with any amount of money: a selection funding ``force`` that keeps the
    progress, every funded proposal with a higher score and as many of its own, and every rule but
    ``lift``."""
    ds = {d.proposal.id: d for d in result.decisions}
    ids = _eligible(result)
    caps = _caps(result)
    p = ds[force].proposal
    if lift == "quantity_met":
        caps = {**caps, p.task_id: caps.get(p.task_id, 0) + p.units}
    funded = {d.proposal.id for d in result.funded}
    higher = {i for i in funded if ds[i].proposal.score > p.score}
    own = sum(1 for i in funded if ds[i].proposal.score == p.score)
    progress = _score(result, funded)[0]
    k = result.rules.min_per_region
    open_ = {}
    for i in ids:
        open_[ds[i].proposal.region] = open_.get(ds[i].proposal.region, 0) + 1
    for r in range(len(ids) + 1):
        for combo in itertools.combinations(ids, r):
            chosen = set(combo)
            if force not in chosen or not chosen >= higher:
                continue
            if sum(1 for i in chosen if ds[i].proposal.score == p.score) < own or _score(result, chosen)[0] < progress:
                continue
            units: dict[str, int] = {}
            for i in chosen:
                units[ds[i].proposal.task_id] = units.get(ds[i].proposal.task_id, 0) + ds[i].proposal.units
            if any(n > caps.get(t, 0) for t, n in units.items()):
                continue
            if lift != "cofunding" and result.cofunding is not None and \
                    sum((ds[i].cofunding for i in chosen), F(0)) > result.cofunding:
                continue
            communes = [ds[i].proposal.commune for i in chosen]
            cap = result.rules.max_per_commune
            if lift != "spread" and cap is not None and any(communes.count(c) > cap for c in communes):
                continue
            regions = [ds[i].proposal.region for i in chosen]
            if lift != "region" and k and any(regions.count(g) < min(k, n) for g, n in open_.items()):
                continue
            return True
    return False


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ROWS_SPREAD, st.integers(0, 600), st.sampled_from([None, 1]), st.sampled_from([0, 1]))
def test_property_one_primary_reason_that_decides_checked_by_enumeration(plan_2024, rows, budget, per_commune,
                                                                          per_region):
    """Every proposal not funded has one primary reason, the one that decides, checked against an
    independent enumeration: least extra 0 → tie_break, with no money reason beside it; a positive
    least extra → the money reason; no amount → the first rule (co-funding, commune limit, least
    per region, the task's units) that, lifted alone, lets a selection fund it, every rule before it
    not enough alone (or, where none is enough alone, money alone cannot fund it either). With the
    reserve list, its claims checked against ``frame``."""
    tasks = [planned_task(plan_2024, r) for r in ("consulting", "brand_building")]
    items = tuple(
        prop(f"P{i}", tasks[k], total, F(total * share, 10), score=score, commune=f"Xã {c}", region=f"H{g}")
        for i, (k, total, share, score, c, g) in enumerate(rows))
    rules = Rules(budget=F(budget), cap_cofunding=False, max_per_commune=per_commune, min_per_region=per_region)
    result = annual(Proposals("t", items), YEAR, scenario=PROGRAM, rules=rules)
    if result.status != kg.Status.OPTIMAL:
        return
    for d in result.decisions:
        if d.status != NOT_FUNDED or d.reserve is not None or d.proposal.id not in _eligible(result):
            continue
        code, codes = d.primary.code, {r.code for r in d.reasons}
        if d.least_extra == 0:
            assert code == "tie_break" and not codes & {"budget", "outranked", "cofunding"}
        elif d.least_extra is not None:
            assert code in ("outranked", "budget")
        else:
            assert not _fundable(result, d.proposal.id, None)  # money alone cannot fund it
            first = next((q for q in LIFTS if _fundable(result, d.proposal.id, q)), None)
            if first is not None:
                assert code == first, (d.proposal.id, code, first)
            else:
                assert code in ("quantity_met", "spread", "cofunding", "region")
    framed = annual(Proposals("t", items), YEAR, scenario=PROGRAM, rules=replace(rules, year_plan="frame"))
    _check_reserve(result, framed)

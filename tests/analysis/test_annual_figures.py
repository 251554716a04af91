"""analysis.annual_figures: the fast least-extra figures (proofs without a solve, the filtered swap,
the LP screen, the restricted model) equal the whole-model method's and an enumeration of every
subset, to the đồng, on random small proposal sets."""

from __future__ import annotations

import itertools
from fractions import Fraction as F

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kgkc_opt.analysis import annual_figures
from kgkc_opt.analysis.annual import select
from kgkc_opt.analysis.annual_figures import _round_up, _Screen, figure_fund, figure_keep, least_extra
from kgkc_opt.model.selection import Candidate, Prepared, SelectionInput, spent, value, violations
from kgkc_opt.solver.backend import backend_for

BACKEND = backend_for("highs")

# one proposal: task, commune, region, units, support (đồng-exact, some odd), co-funding, score,
# first-time, fixed (None: to choose; False: ineligible; True: started), kept
PROPOSAL = st.tuples(
    st.sampled_from(["T", "U"]), st.sampled_from(["a", "b", "c"]), st.sampled_from(["", "R1", "R2"]),
    st.integers(1, 2), st.integers(1, 400_000_000).map(lambda n: F(n, 1_000_000)),
    st.integers(0, 300).map(F), st.sampled_from([F(50), F(60), F(70), F(155, 2)]), st.booleans(),
    st.sampled_from([None, None, None, None, False, True]), st.booleans())


@st.composite
def inputs(draw):
    rows = draw(st.lists(PROPOSAL, min_size=3, max_size=8))
    cands = tuple(Candidate(f"P{i}", t, c, r, u, s, cof, score, first, fixed, kept)
                  for i, (t, c, r, u, s, cof, score, first, fixed, kept) in enumerate(rows))
    planned = {"T": draw(st.integers(0, 3)), "U": draw(st.integers(0, 3))}
    remaining = {t: n + draw(st.integers(0, 2)) for t, n in planned.items()}
    budget = F(draw(st.integers(0, 900_000_000)), 1_000_000)
    cofunding = draw(st.sampled_from([None, F(200), F(500)]))
    return SelectionInput(2024, budget, cofunding, planned, cands, remaining, {"T": F(1, 3), "U": F(1, 4)},
                          draw(st.sampled_from([None, 1, 2])), draw(st.sampled_from([0, 1])),
                          draw(st.sampled_from(["merit", "sum-of-scores"])))


def enumerated(sin: SelectionInput, funded: frozenset[str], values, c: Candidate) -> F | None:
    """The least extra budget by enumeration: every subset that funds ``c`` and what the figure
    must fund, keeps every row but the budget and every kept value; its least cost − budget,
    rounded up to the đồng (None: no subset)."""
    keep = figure_keep(sin, values, c)
    fund = figure_fund(sin, funded, c)
    ids = [x.id for x in sin.candidates]
    costs = [spent(sin, chosen)[0] for r in range(len(ids) + 1) for combo in itertools.combinations(ids, r)
             for chosen in [frozenset(combo)]
             if c.id in chosen and fund <= chosen and not violations(sin, chosen, budget=F(10**12))
             and all(value(sin, k, chosen) >= v for k, v in keep)]
    return _round_up(max(min(costs) - sin.budget, F(0))) if costs else None


@pytest.mark.parametrize("per_task", [1, annual_figures.RESTRICTED_PER_TASK])
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sin=inputs())
def test_fast_figures_equal_the_whole_model_and_the_enumeration(monkeypatch, per_task, sin):
    monkeypatch.setattr(annual_figures, "RESTRICTED_PER_TASK", per_task)  # 1: a model truly restricted
    funded, _ = select(sin, BACKEND)
    if funded is None:
        return
    values = {k: value(sin, k, funded) for k in sin.objectives()}
    pre = Prepared(sin)
    screen = _Screen(sin, values, pre, BACKEND)
    known = ([x for x in sin.candidates if x.id in funded], spent(sin, funded))
    for c in sin.candidates:
        if c.id in funded or c.fixed is False:
            continue
        fast, _ = least_extra(sin, funded, values, c, BACKEND, pre, screen, _known=known)
        whole, _ = least_extra(sin, funded, values, c, BACKEND, pre)  # no screen: the whole model each time
        assert fast == whole == enumerated(sin, funded, values, c), c.id


def test_the_proofs_without_a_solve_are_each_a_broken_row():
    """``_Forced.impossible``: the proposals a figure must fund alone break a row; a swap passes
    ``swap_may_hold`` only where its changed rows hold."""
    cands = (Candidate("A", "T", "x", "R", 1, F(10), F(100), F(90)),   # funded, higher score
             Candidate("B", "T", "x", "R", 1, F(10), F(100), F(80)),   # funded, lower score
             Candidate("C", "T", "x", "R", 1, F(5), F(150), F(70)),    # not funded
             Candidate("D", "U", "y", "R", 1, F(5), F(10), F(60)))     # not funded
    sin = SelectionInput(2024, F(20), F(210), {"T": 2, "U": 1}, cands, {"T": 2, "U": 1},
                         {"T": F(1), "U": F(1, 2)}, 2, 0, "merit")
    forced = annual_figures._Forced(sin, frozenset({"A", "B"}))
    c, d = cands[2], cands[3]
    assert forced.impossible(c, {"A", "B"})          # co-funding 350 > 210 and T's units 3 > 2
    assert forced.impossible(c, {"A"})               # 250 > 210: the co-funding row alone
    assert not forced.impossible(d, {"A", "B"})      # 210 ≤ 210, U has room, y has room
    assert not forced.swap_may_hold(cands[1], d, {"progress": F(2)})  # T loses a unit of progress
    assert forced.swap_may_hold(cands[1], c, {"progress": F(2)})      # same task: progress kept

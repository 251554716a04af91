"""The HiGHS back-end's search for a first solution: restarts with fixed seeds and node counts, so
a heavy-tailed search ends sooner and still gives the same answer on every run."""

from __future__ import annotations

import os
import threading
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import kgkc_opt as kg
from kgkc_opt.analysis import sweep
from kgkc_opt.model.data import model_input
from kgkc_opt.model.formulations import linear_full
from kgkc_opt.model.objectives import policy_objectives
from kgkc_opt.solver import decompose, highs
from kgkc_opt.solver.highs import HighsBackend
from kgkc_opt.solver.status import Status

ROOT = Path(__file__).resolve().parents[2]


def _schedule_model(level: int):
    """The schedule model of the baseline at ``level``% of its local budget (the sweep's scaling),
    with L02 as it was when the search was measured (no limit of district prizes a round: with the
    limit of 3, issue 24, the first seed finds this model's schedule at once)."""
    inp = model_input(kg.load_scenario(ROOT / "scenarios" / "baseline.yaml"))
    inp = replace(inp, links=tuple(replace(ln, per_unit=None) if ln.key.startswith("L02:") else ln for ln in inp.links))
    inp = sweep._scaled(inp, Fraction(level, 100), None)
    backend = HighsBackend(threads=1)
    totals = decompose._aggregate_stages(inp, policy_objectives(inp, inp.policy), backend,
                                         decompose._Clock(None), {}, False, []).totals
    return linear_full(inp, fixed_totals=totals, objective="feasibility")


def test_a_restart_finds_the_schedule_the_first_seed_searches_long_for():
    """At 61% of the budget the first seed needs about 23,000 nodes for a first schedule (measured);
    the second seed of the restarts finds one within its 2,000."""
    m = _schedule_model(61)
    backend = HighsBackend(threads=1)
    seed, nodes = highs.FIRST_SOLUTION_RESTARTS[0]
    first = backend._run(m, highs.highs_lp(m), None, True, nodes, seed)
    assert first[0] == Status.NO_SOLUTION  # the first seed stops at its node limit without one
    out = backend.solve(m, first_solution=True)
    assert out.status.has_plan and out.values is not None
    again = backend.solve(m, first_solution=True)
    assert again.values == out.values  # counts and fixed seeds: the same schedule on every run


def test_no_restart_past_a_proof_of_infeasibility(monkeypatch):
    """A schedule model with no schedule (every unit bounded at 0) is proven infeasible by the
    first attempt: no other seed is tried."""
    m = _schedule_model(61)
    none = replace(m, col_upper=[0.0] * len(m.col_upper))
    backend = HighsBackend(threads=1)
    seeds: list[int | None] = []
    run = backend._run
    monkeypatch.setattr(backend, "_run", lambda *a: seeds.append(a[5]) or run(*a))
    assert backend.solve(none, first_solution=True).status == Status.INFEASIBLE
    assert seeds == [highs.FIRST_SOLUTION_RESTARTS[0][0]]


# ---- quiet_stdout ------------------------------------------------------------------------------


def _fd1_identity() -> tuple[int, int]:
    st = os.fstat(1)
    return st.st_dev, st.st_ino


def test_quiet_stdout_restores_descriptor_1_when_threads_interleave():
    # A enters, B enters inside A's window, A leaves first, B last: the order that once left
    # descriptor 1 on /dev/null for the rest of the process (B had saved /dev/null as the original)
    before = _fd1_identity()
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    inside: dict[str, tuple[int, int]] = {}

    def first() -> None:
        with highs.quiet_stdout():
            inside["a"] = _fd1_identity()
            a_in.set()
            b_in.wait(10)
        a_out.set()

    def second() -> None:
        a_in.wait(10)
        with highs.quiet_stdout():
            b_in.set()
            a_out.wait(10)
            inside["b"] = _fd1_identity()  # still quiet: B is inside

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    devnull = os.stat(os.devnull)
    assert inside["a"] == inside["b"] == (devnull.st_dev, devnull.st_ino)
    assert _fd1_identity() == before


def test_quiet_stdout_nests():
    before = _fd1_identity()
    with highs.quiet_stdout():
        with highs.quiet_stdout():
            pass
        assert _fd1_identity() != before  # the outer one is still quiet
    assert _fd1_identity() == before

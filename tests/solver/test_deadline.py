"""The user's time limit as a deadline (``solver.deadline``): no limit is never spent; a solve is
given at least ``FLOOR``; a deadline within ``FLOOR`` builds no more models."""

from __future__ import annotations

import time

from kgkc_opt.solver import deadline


def test_no_limit_is_never_spent_nor_passed():
    assert deadline.left(None) is None
    assert not deadline.spent(None)
    assert not deadline.passed(None)


def test_a_past_deadline_is_spent_and_passed_and_a_solve_still_gets_the_floor():
    past = time.perf_counter() - 1.0
    assert deadline.left(past) == deadline.FLOOR
    assert deadline.spent(past)
    assert deadline.passed(past)


def test_a_deadline_within_the_floor_is_spent_but_not_yet_passed():
    soon = time.perf_counter() + 0.005  # 5 ms ahead
    assert deadline.spent(soon)
    assert not deadline.passed(soon) or time.perf_counter() >= soon


def test_a_far_deadline_leaves_its_time():
    far = time.perf_counter() + 3600.0
    left = deadline.left(far)
    assert left is not None and 3599.0 < left <= 3600.0
    assert not deadline.spent(far)
    assert not deadline.passed(far)

"""The user's time limit as a deadline: a ``time.perf_counter()`` value, or None (no limit).

The only wall-clock limit of a solve is the one the user gives (``--time-limit``, the API's
``time_limit``); every stage is otherwise bounded by counts (nodes, row checks, exchanges, cuts).
``decompose._Clock`` turns the limit into a deadline, and each stage that takes one (the repair,
the exchanges, the rhythm stage) asks these three questions of it, so that they are asked alike.
"""

from __future__ import annotations

import time

#: The least time a solve is given (HiGHS takes no limit of 0): a stage with no more than this
#: left builds no model (``spent``).
FLOOR = 0.01


def left(deadline: float | None) -> float | None:
    """The time left before ``deadline`` for a solve (None: no limit; at least ``FLOOR``)."""
    return None if deadline is None else max(deadline - time.perf_counter(), FLOOR)


def spent(deadline: float | None) -> bool:
    """No more than ``FLOOR`` is left (never without a limit): build no more models."""
    return deadline is not None and deadline - time.perf_counter() <= FLOOR


def passed(deadline: float | None) -> bool:
    """The deadline has passed (never without a limit)."""
    return deadline is not None and time.perf_counter() >= deadline

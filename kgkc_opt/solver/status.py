"""How a solve ended: the ``Status`` enum, and ``Outcome``, one back-end run before it is a plan.

``Outcome.values`` is filled only when the status has a solution; a back-end never hands out
column values of a run that found none.
"""

from __future__ import annotations

import enum
from collections.abc import Hashable
from dataclasses import dataclass


class Status(enum.Enum):
    """How a solve ended."""

    #: a plan proven optimal (relative gap ≤ 1e-9)
    OPTIMAL = "optimal"
    #: stopped (time limit) with a plan; ``gap`` says how far from optimal it may be
    FEASIBLE = "feasible"
    #: the hard requirements conflict; see ``Result.explanation``
    INFEASIBLE = "infeasible"
    #: stopped before any plan was found
    NO_SOLUTION = "no_solution"

    @property
    def has_plan(self) -> bool:
        return self in (Status.OPTIMAL, Status.FEASIBLE)


@dataclass(frozen=True)
class Outcome:
    """What one solver run gave: status, objective (the model's minimised units), bound, values.

    ``values`` maps the model's main variables (``LinearModel.variables`` keys) to their values,
    and is None unless ``status.has_plan``.
    """

    status: Status
    objective: float | None
    bound: float | None
    values: dict[Hashable, float] | None
    seconds: float
    is_mip: bool

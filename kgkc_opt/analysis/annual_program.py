"""The program's plan a year's selection reads (``annual``, step 1), solved once per program.

The plan of a scenario is deterministic (every search stops on counts, never on the clock), so
the selections of one program (a year's selection, its mid-year re-selection, the what-ifs, a
test's many files) read the same plan: it is solved for the first of them and kept for the next,
up to ``KEPT`` scenarios, compared by value (``Scenario.__eq__``: two scenarios equal in every
field give the same plan). With a time limit the plan may depend on the machine's speed: it is
solved every time, never kept.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from types import MappingProxyType

from kgkc_opt.analysis.plan import solve
from kgkc_opt.errors import UsageError
from kgkc_opt.inputs.scenario import Scenario

#: How many programs' plans are kept (most recent first).
KEPT = 4

_kept: list[tuple[Scenario, Mapping[tuple[str, int], int]]] = []
_lock = threading.Lock()


def program_plan(scn: Scenario, time_limit: float | None) -> Mapping[tuple[str, int], int]:
    """The plan of ``scn`` (``analysis.plan.solve``), read-only; UsageError where it has none."""
    if time_limit is None:
        with _lock:
            for i, (known, plan) in enumerate(_kept):
                if known == scn:
                    _kept.insert(0, _kept.pop(i))
                    return plan
    result = solve(scn, time_limit=time_limit, with_shadow_prices=False, explain=False)
    if not result.has_plan:
        raise UsageError("annual: scenario {name!r} has no plan ({status}): {message}", name=scn.name,
                         status=result.status.value, message=result.message)
    plan = MappingProxyType(dict(result.plan))
    if time_limit is None:
        with _lock:
            _kept.insert(0, (scn, plan))
            del _kept[KEPT:]
    return plan

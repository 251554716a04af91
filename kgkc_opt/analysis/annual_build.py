"""The annual study (``analysis.annual_study.AnnualStudy``): the selection, and with it everything
the annual documents and the ``annual`` command show, computed once here so that the report floor
only renders it.

``study(proposals, year, scenario=..., rules=..., previous=..., whatif=True)`` selects
(``analysis.annual.annual``: the decisions, their reasons, the least extra budgets, the reserve
list), and, where asked and the file has national proposals, selects again with the national
money as given, half and none (``analysis.annual_whatif.national_whatif``); the changes since an
earlier selection come with it (``annual_study.changes_of``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kgkc_opt.analysis.annual import annual
from kgkc_opt.analysis.annual_study import AnnualResult, AnnualStudy, Rules
from kgkc_opt.analysis.annual_whatif import national_whatif
from kgkc_opt.inputs.program import Program
from kgkc_opt.inputs.proposals import Proposals
from kgkc_opt.inputs.scenario import Scenario, baseline


def study(proposals: Proposals, year: int, *, scenario: Scenario | Program, rules: Rules | None = None,
          previous: AnnualResult | Mapping[str, str] | None = None, whatif: bool = False, **kw: Any
          ) -> AnnualStudy:
    """The selection of ``year`` and what the documents show of it (module docstring)."""
    rules = rules or Rules()
    scn = baseline(scenario) if isinstance(scenario, Program) else scenario
    result = annual(proposals, year, scenario=scn, rules=rules, previous=previous, **kw)
    cases = None
    if whatif and result.national is not None:
        cases = tuple(national_whatif(proposals, year, scn, rules, base=result, previous=previous, **kw))
    return AnnualStudy.of(result, cases)

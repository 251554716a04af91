"""The national what-if of an annual selection: the national money as given, half, none.

National money is approved by the Ministry, often late, partly or not at all. ``national_whatif``
selects again (``analysis.annual.annual``, without the least-extra figures) with the share of the
national money that arrives (``annual_channels.WHATIF_SHARES``) and says, for each case, who is
funded nationally, who falls back to local money (where the planner allows it) and what that costs
the local budget, who is funded by neither, and which local proposals lose their place.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from typing import Any

from kgkc_opt.analysis.annual import AnnualResult, Rules, annual
from kgkc_opt.analysis.annual_channels import LOCAL, NATIONAL, WHATIF_SHARES, national_money
from kgkc_opt.analysis.annual_study import WhatIf, whatif_rows  # noqa: F401 (re-exported)
from kgkc_opt.inputs.proposals import Proposals
from kgkc_opt.inputs.scenario import Scenario


def national_whatif(proposals: Proposals, year: int, scenario: Scenario, rules: Rules,
                    base: AnnualResult | None = None, **kw: Any) -> list[WhatIf]:
    """The selection again with the national money as given, half of it, and none (late or
    absent): for each, who is funded nationally, who falls back to local money and what that
    costs, who is funded by neither, and which local proposals lose their place."""
    out: list[WhatIf] = []
    base_local: set[str] | None = None
    for share, name in WHATIF_SHARES:
        case = replace(rules, national_share=share, figures=False, check_extra=False)
        result = base if (share == 1 and base is not None) else annual(proposals, year, scenario=scenario,
                                                                       rules=case, **kw)
        funded = {d.proposal.id: d for d in result.funded}
        local = {i for i, d in funded.items() if d.proposal.channel == LOCAL}
        if base_local is None:
            base_local = local
        nat = [d for d in result.decisions if d.proposal.channel == NATIONAL]
        fallback = tuple(d.proposal.id for d in nat if d.proposal.id in funded and d.source == LOCAL)
        out.append(WhatIf(
            name, share, national_money(case),
            tuple(d.proposal.id for d in nat if d.proposal.id in funded and d.source == NATIONAL), fallback,
            sum((funded[i].support for i in fallback), Fraction(0)),
            tuple(d.proposal.id for d in nat if d.proposal.id not in funded),
            tuple(sorted(base_local - local)), result.spent[0]))
    return out

"""Two channels of money for the annual selection: the national program and the local one.

A proposal is registered for the national program (``channel = national``: Form 2, approved by
the Ministry, often late, partly or not at all) or the local one (the default). ``annual`` selects
in two steps (docs/annual-plan.md, "Two channels"):

1. **national**: the national proposals within the national money: with the Ministry's approvals
   (``Rules.national_approved``), the approved proposals at their approved amounts; with a national
   envelope (``Rules.national``), the national proposals selected within it by the same rules
   and merit order as the local selection. ``Rules.national_share`` is the part of that money
   that arrives (the what-if: 1, ½, 0): below 1, the approved proposals compete for it in merit
   order;
2. **local**: the local proposals within the local budget, the proposals funded from national
   money counted in their tasks' quantities and progress but not in the local budget; a national
   proposal not funded nationally falls back to local money only with ``Rules.national_fallback``.

``candidates_national`` and ``candidates_local`` give each step's candidates; ``national_reason``
says why a national proposal is funded by neither; ``analysis.annual_whatif.national_whatif``
selects again with the national money given, half of it, and none (late or absent), and says what
changes and what it costs the local budget.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from fractions import Fraction
from typing import Any

from kgkc_opt.inputs.program import Text
from kgkc_opt.model.selection import Candidate
from kgkc_opt.money import number

#: ``analysis.annual.Rules`` (typed loosely here: that module imports this one)
Rules = Any

NATIONAL, LOCAL = "national", "local"
#: The what-if's cases: the part of the national money that arrives, and the case's name.
WHATIF_SHARES: tuple[tuple[Fraction, Text], ...] = (
    (Fraction(1), Text("đủ như dự kiến", "as given")),
    (Fraction(1, 2), Text("một nửa", "half")),
    (Fraction(0), Text("chậm hoặc không có", "late or absent")),
)


def national_money(rules: Rules) -> Fraction:
    """The national money that arrives: the envelope (or the approvals' total) × the share."""
    if rules.national_approved is not None:
        total = sum(rules.national_approved.values(), Fraction(0))
    else:
        total = rules.national or Fraction(0)
    return total * rules.national_share


def candidates_national(candidates: Sequence[Candidate], national: Collection[str], rules: Rules
                        ) -> list[Candidate]:
    """The national step's candidates: local proposals out; with approvals, a proposal not approved
    out and an approved one at its approved amount (at most its capped support), funded whatever
    when all the approved money arrives."""
    out = []
    approved = rules.national_approved
    for c in candidates:
        if c.id not in national or c.fixed is False:
            out.append(replace(c, fixed=False))
        elif approved is None:
            out.append(c)
        elif c.id not in approved or approved[c.id] <= 0:
            out.append(replace(c, fixed=False))
        else:
            support = min(c.support, approved[c.id])
            out.append(replace(c, support=support, cofunding=c.cofunding + c.support - support,
                               fixed=True if rules.national_share >= 1 else c.fixed))
    return out


def candidates_local(candidates: Sequence[Candidate], national: Collection[str], funded: Collection[str],
                     fallback: bool) -> list[Candidate]:
    """The local step's candidates: those funded from national money fixed funded at no local cost
    (their units count in their tasks); a national proposal not funded nationally out unless it
    may fall back to local money."""
    out = []
    for c in candidates:
        if c.id in funded:
            out.append(replace(c, support=Fraction(0), cofunding=Fraction(0), fixed=True))
        elif c.id in national and not fallback:
            out.append(replace(c, fixed=False))
        else:
            out.append(c)
    return out


def national_reason(c: Candidate, rules: Rules, left: Fraction) -> tuple[str, Text]:
    """Why a national proposal is funded by neither channel (no fallback to local money)."""
    tail_vi = "; không chuyển sang kinh phí địa phương (--national-fallback)."
    tail_en = "; falling back to local money is not allowed (--national-fallback)."
    if rules.national_approved is not None and c.id not in rules.national_approved:
        return "national", Text("Bộ Công Thương chưa phê duyệt đề án (chương trình quốc gia)" + tail_vi,
                                "Not approved by the Ministry (national program)" + tail_en)
    money = national_money(rules)
    if money == 0:
        return "national", Text("Không có kinh phí khuyến công quốc gia trong năm" + tail_vi,
                                "No national money this year" + tail_en)
    return "national", Text(
        f"Kinh phí quốc gia {number(money, 'vi', 3)} triệu đồng đã bố trí cho các đề án quốc gia khác (còn "
        f"{number(left, 'vi', 3)}, đề án cần {number(c.support, 'vi', 3)})" + tail_vi,
        f"The national money of {number(money, 'en', 3)} million VND funds other national proposals "
        f"({number(left, 'en', 3)} left, it needs {number(c.support, 'en', 3)})" + tail_en)


def by_channel(decisions: Sequence[Any]) -> Mapping[str, list[Any]]:
    """The funded decisions by the money that funds them: national, then local."""
    out: dict[str, list[Any]] = {NATIONAL: [], LOCAL: []}
    for d in decisions:
        if d.status != "not_funded":
            out[d.source].append(d)
    return out

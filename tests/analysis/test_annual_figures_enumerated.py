"""The least extra budget of a proposal not funded (``analysis.annual_figures.least_extra``),
checked against every selection enumerated on six proposals written here: the least amount, to
the đồng and rounded up, with which a selection funds the proposal and keeps what the selection
reached."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import pytest

from kgkc_opt.analysis.annual_figures import figure_fund, figure_keep, least_extra
from kgkc_opt.model.selection import Candidate, SelectionInput, spent, value, violations
from kgkc_opt.solver.highs import HighsBackend

CANDIDATES = (
    Candidate("P1", "II.1", "Tân Hội", "Tân Hiệp", 1, Fraction(600), Fraction(1300), Fraction(80)),
    Candidate("P2", "II.1", "Hòa Điền", "Kiên Lương", 1, Fraction(450), Fraction(1050), Fraction(70), first_time=True),
    Candidate("P3", "II.2", "Ngọc Chúc", "Giồng Riềng", 1, Fraction(250), Fraction(250), Fraction(75)),
    Candidate("P4", "II.2", "Vĩnh Hiệp", "Rạch Giá", 1, Fraction(2805, 10), Fraction(3195, 10), Fraction(65)),
    Candidate("P5", "II.2", "Mong Thọ A", "Châu Thành", 1, Fraction(300_000_001, 10**6), Fraction(500), Fraction(60)),
    Candidate("P6", "IV.1", "Đông Hồ", "Hà Tiên", 1, Fraction(35), Fraction(35), Fraction(66), first_time=True),
)
IDS = [c.id for c in CANDIDATES]
EVERY = [frozenset(s) for r in range(len(IDS) + 1) for s in itertools.combinations(IDS, r)]


def _input(rule: str, budget: Fraction) -> SelectionInput:
    return SelectionInput(2024, budget, None, {"II.1": 1, "II.2": 2, "IV.1": 1}, CANDIDATES,
                          {"II.1": 2, "II.2": 3, "IV.1": 1},
                          {"II.1": Fraction(1, 4), "II.2": Fraction(1, 10), "IV.1": Fraction(1, 2)}, rule=rule)


def _selection(sin: SelectionInput) -> tuple[frozenset[str], dict[str, Fraction]]:
    """The lexicographic best of every selection within the rules, by enumeration."""
    best = [s for s in EVERY if not violations(sin, s)]
    values = {}
    for objective in sin.objectives():
        top = max(value(sin, objective, s) for s in best)
        best = [s for s in best if value(sin, objective, s) == top]
        values[objective] = top
    return best[0], values


def _least_by_enumeration(sin: SelectionInput, funded: frozenset[str], values: dict[str, Fraction],
                          c: Candidate) -> Fraction | None:
    keep, fund = figure_keep(sin, values, c), figure_fund(sin, funded, c)
    costs = [spent(sin, s)[0] for s in EVERY
             if c.id in s and s >= fund and not violations(sin, s, budget=Fraction(10**9))
             and all(value(sin, k, s) >= v for k, v in keep)]
    if not costs:
        return None
    extra = max(min(costs) - sin.budget, Fraction(0))
    return Fraction(math.ceil(extra * 10**6), 10**6)  # whole đồng, rounded up


@pytest.mark.parametrize("rule", ["merit", "sum-of-scores"])
@pytest.mark.parametrize("budget", [Fraction(700), Fraction(900), Fraction(1200)])
def test_the_least_extra_budget_of_each_proposal_left_out_is_the_least_there_is(rule: str, budget: Fraction) -> None:
    sin = _input(rule, budget)
    funded, values = _selection(sin)
    left_out = [c for c in CANDIDATES if c.id not in funded]
    assert left_out
    for c in left_out:
        extra, again = least_extra(sin, funded, values, c, HighsBackend())
        assert again is None
        assert extra == _least_by_enumeration(sin, funded, values, c), c.id


def test_a_figure_is_exact_to_the_dong() -> None:
    """By hand, with the total score and 1,200: the selection funds P1, P3, P4 and P6 (1,165.5;
    progress 0.95, score 286). P5 (300.000001) is funded keeping both by P2, P3, P4, P5 and P6:
    progress 1/4 + 2/10 + 1/2, score 336, cost 1,315.500001, so 115.500001 more; one đồng less
    funds no selection that does."""
    sin = _input("sum-of-scores", Fraction(1200))
    funded, values = _selection(sin)
    assert funded == {"P1", "P3", "P4", "P6"}
    p5 = next(c for c in CANDIDATES if c.id == "P5")
    assert least_extra(sin, funded, values, p5, HighsBackend())[0] == Fraction(115_500_001, 10**6)

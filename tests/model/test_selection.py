"""The annual plan's model (``model.selection``) on five proposals written here: the stages of each
selection rule, each objective's exact value, the exact re-check of a selection, and the model's
optimum against every selection enumerated."""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest

from kgkc_opt.model.selection import (
    Candidate,
    SelectionInput,
    linear_selection,
    merit_stage,
    spent,
    stage_score,
    value,
    violations,
)
from kgkc_opt.solver.highs import HighsBackend
from kgkc_opt.solver.status import Status

CANDIDATES = (
    Candidate("P1", "II.1", "Tân Hội", "Tân Hiệp", 1, Fraction(600), Fraction(1300), Fraction(80)),
    Candidate("P2", "II.1", "Hòa Điền", "Kiên Lương", 1, Fraction(450), Fraction(1050), Fraction(70), first_time=True),
    Candidate("P3", "II.2", "Ngọc Chúc", "Giồng Riềng", 1, Fraction(250), Fraction(250), Fraction(75)),
    Candidate("P4", "II.2", "Ngọc Chúc", "Giồng Riềng", 1, Fraction(561, 2), Fraction(639, 2), Fraction(65)),
    Candidate("P5", "IV.1", "Cô Ba", "Gò Quao", 1, Fraction(25), Fraction(25), Fraction(50), fixed=False),
)


def _input(**changes: object) -> SelectionInput:
    settings: dict[str, object] = {
        "year": 2024, "budget": Fraction(1200), "cofunding": None, "planned": {"II.1": 1, "II.2": 2, "IV.1": 1},
        "candidates": CANDIDATES, "remaining": {"II.1": 1, "II.2": 2, "IV.1": 1},
        "unit_progress": {"II.1": Fraction(1, 4), "II.2": Fraction(1, 10), "IV.1": Fraction(1, 2)},
    }
    return SelectionInput(**{**settings, **changes})  # type: ignore[arg-type]


def test_the_stages_of_each_rule() -> None:
    merit = _input().objectives()
    assert merit == ("progress", "kept", "merit:80", "merit:75", "merit:70", "merit:65", "first_time", "reserve")
    assert _input(rule="sum-of-scores").objectives() == ("progress", "kept", "priority", "first_time", "reserve")
    assert stage_score(merit_stage(Fraction(163, 2))) == Fraction(163, 2) and stage_score("reserve") is None
    with pytest.raises(ValueError, match="unknown selection rule 'lottery'"):
        _input(rule="lottery").objectives()


def test_objective_values_are_exact() -> None:
    sin = _input()
    funded = {"P1", "P3", "P4"}
    assert value(sin, "progress", funded) == Fraction(1, 4) + 2 * Fraction(1, 10)
    assert value(sin, "progress", {"P1", "P2"}) == Fraction(1, 4)  # counted up to the year's plan
    assert value(sin, "merit:75", funded) == 1 and value(sin, "first_time", funded) == 0
    assert value(sin, "reserve", funded) == -(600 + 250 + Fraction(561, 2))
    assert spent(sin, funded) == (Fraction(2261, 2), Fraction(3739, 2))


def test_violations_name_every_broken_row() -> None:
    sin = _input(max_per_commune=1, min_per_region=1)
    # every region with a proposal that may be funded needs one (Gò Quao's only proposal may not)
    assert violations(sin, {"P1", "P3"}) == ["region[Kiên Lương]: 0 < 1"]
    roomy = _input(max_per_commune=1, min_per_region=1, budget=Fraction(1300),
                   remaining={"II.1": 2, "II.2": 2, "IV.1": 1})
    assert violations(roomy, {"P1", "P2", "P3"}) == []
    broken = violations(sin, {"P1", "P2", "P3", "P4", "P5", "P9"})
    assert "unknown proposals ['P9']" in broken
    assert any(v.startswith("budget: ") for v in broken)
    assert "P5 may not be funded" in broken
    assert "quantity[II.1]: 2 > 1" in broken
    assert "commune[Ngọc Chúc (Giồng Riềng)]: 2 > 1" in broken


def _best_by_enumeration(sin: SelectionInput) -> Fraction:
    ids = [c.id for c in sin.candidates]
    return max(value(sin, "progress", chosen) for r in range(len(ids) + 1)
               for chosen in map(set, itertools.combinations(ids, r)) if not violations(sin, chosen))


@pytest.mark.parametrize("budget", [Fraction(300), Fraction(850), Fraction(1200), Fraction(2000)])
def test_the_model_finds_the_best_progress_of_every_selection(budget: Fraction) -> None:
    """Solved by HiGHS, checked against all 32 selections, exactly."""
    sin = _input(budget=budget)
    m = linear_selection(sin, maximise="progress")
    assert m.row_keys == ["budget", "quantity[II.1]", "progress[II.1]", "quantity[II.2]", "progress[II.2]",
                          "quantity[IV.1]", "progress[IV.1]"]
    outcome = HighsBackend().solve(m)
    assert outcome.status == Status.OPTIMAL and outcome.values is not None
    funded = {pid for pid, v in outcome.values.items() if round(v) == 1}
    assert violations(sin, funded) == []
    assert value(sin, "progress", funded) == _best_by_enumeration(sin)


def test_spread_rules_are_rows_of_the_model() -> None:
    keys = linear_selection(_input(max_per_commune=1, min_per_region=1)).row_keys
    assert "commune[Ngọc Chúc (Giồng Riềng)]" in keys  # only a commune with two proposals needs a row
    assert [k for k in keys if k.startswith("region[")] == [
        "region[Giồng Riềng]", "region[Kiên Lương]", "region[Tân Hiệp]"]

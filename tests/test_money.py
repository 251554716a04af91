"""Exact money (``kgkc_opt.money``): decimals read as a person wrote them, rows scaled to integers
without losing a đồng, exact decimal text, numbers with each language's separators."""

from __future__ import annotations

from fractions import Fraction

import pytest

from kgkc_opt.money import MINUS, decimal_text, integral_row, lcm_of_denominators, number, to_fraction


def test_to_fraction_reads_the_decimal_that_was_written() -> None:
    assert to_fraction(4192.2) == Fraction(41922, 10) != Fraction(4192.2)
    assert to_fraction("17.88") == Fraction(1788, 100)
    assert to_fraction(3) == 3 and to_fraction(Fraction(1, 3)) == Fraction(1, 3)
    with pytest.raises(TypeError):
        to_fraction(True)
    with pytest.raises(ValueError, match="not a finite number"):
        to_fraction(float("inf"))


def test_integral_row_scales_to_integers_and_rounds_the_bound_down() -> None:
    # 2.5 x + 0.75 y <= 10.3: times 4 -> 10 x + 3 y <= 41.2, floored to 41
    coefficients, bound, scale = integral_row([Fraction(5, 2), Fraction(3, 4)], Fraction(103, 10))
    assert (coefficients, bound, scale) == ([10, 3], 41, Fraction(4))
    # a common factor is divided out: 6 x + 9 y <= 20 -> 2 x + 3 y <= 6 (20/3 floored)
    assert integral_row([Fraction(6), Fraction(9)], Fraction(20)) == ([2, 3], 6, Fraction(1, 3))
    # a plan that spends the cap to the last đồng stays feasible (3 × 0.001 + 2 × 7/3 = 14009/3000),
    # one more unit of the first column does not
    coefficients, bound, _ = integral_row([Fraction(1, 1000), Fraction(7, 3)], Fraction(14009, 3000))
    assert coefficients[0] * 3 + coefficients[1] * 2 == bound
    assert coefficients[0] * 4 + coefficients[1] * 2 > bound


def test_lcm_of_denominators() -> None:
    assert lcm_of_denominators([Fraction(1, 4), Fraction(5, 6), Fraction(2)]) == 12
    assert lcm_of_denominators([]) == 1


def test_decimal_text_is_exact_or_none() -> None:
    assert decimal_text(Fraction(41922, 10)) == "4192.2"
    assert decimal_text(Fraction(-1, 8)) == "-0.125"
    assert decimal_text(Fraction(7)) == "7"
    assert decimal_text(Fraction(1, 3)) is None


def test_number_uses_each_language_separators_and_the_minus_sign() -> None:
    assert number(4717.88, "vi") == "4.717,88"
    assert number(4717.88, "en") == "4,717.88"
    assert number(3726.40, "vi") == "3.726,4"
    assert number(2.5, "en", 2, strip=False) == "2.50"
    assert number(-1200, "en") == f"{MINUS}1,200"
    assert number(5, "en", sign=True) == "+5"
    assert number(-0.001, "en") == "0"  # no "−0"
    assert number(float("nan"), "vi") == "–"
    with pytest.raises(ValueError, match="unknown language"):
        number(1, "fr")

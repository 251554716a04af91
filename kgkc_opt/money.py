"""Exact money and share arithmetic.

Money is in million VND (triệu đồng) throughout. Inputs are decimal numbers as a person typed them
(4192.2, 1341, 17.88); they are held as ``fractions.Fraction`` so that sums, per-unit costs
(1341/75) and percentage changes are exact and an audit can compare them without tolerance.
Floats appear only at the edges: in DataFrames, in the solver and in files. Where a float result
from the solver is compared with an exact figure the tolerance is ``MONEY_TOLERANCE``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from fractions import Fraction

#: Tolerance when a solver's float result is compared with an exact figure: 1e-6 million VND,
#: i.e. one đồng. Checks of a returned plan are exact (quantities are rounded to integers first).
MONEY_TOLERANCE = 1e-6


def to_fraction(value: int | float | str | Fraction) -> Fraction:
    """The exact decimal a person meant: 4192.2 -> 20961/5 (not the binary float's expansion).

    Floats go through their shortest repr, which is what YAML or a person wrote.
    """
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"not a finite number: {value!r}")
        return Fraction(repr(value))
    return Fraction(str(value))


def lcm_of_denominators(values: Iterable[Fraction]) -> int:
    """Least common multiple of the denominators (1 for an empty sequence)."""
    result = 1
    for v in values:
        result = math.lcm(result, v.denominator)
    return result


def integral_row(coefficients: list[Fraction], rhs: Fraction) -> tuple[list[int], int, Fraction]:
    """Scale ``sum(a_i x_i) <= rhs`` over integer x to integer coefficients and an integer bound.

    Multiplies by the common denominator, divides by the gcd of the coefficients, then floors the
    right-hand side: valid because the left-hand side is an integer for integer x (a Chvátal–Gomory
    rounding), and exact, so a plan that spends a cap to the last đồng is neither cut off nor let
    through by floating-point tolerance. Returns (coefficients, bound, scale) where
    ``scale`` is the factor the original row was multiplied by.
    """
    denominator = lcm_of_denominators([*coefficients])
    scaled = [int(a * denominator) for a in coefficients]
    divisor = 0
    for a in scaled:
        divisor = math.gcd(divisor, a)
    divisor = divisor or 1
    scale = Fraction(denominator, divisor)
    return [a // divisor for a in scaled], math.floor(rhs * scale), scale


def as_float(value: Fraction | int) -> float:
    """Nearest float, for DataFrames and files."""
    return float(value)

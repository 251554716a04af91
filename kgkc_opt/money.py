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


# --- numbers as text: exact decimals for files, separators per language for sentences ---------

#: Most decimals ``decimal_text`` writes (beyond: the number is not a decimal of a program file).
_MAX_PLACES = 30

def decimal_text(value: Fraction) -> str | None:
    """The exact decimal text of ``value`` (``Fraction(41922, 10)`` -> ``'4192.2'``), or None when
    it has no finite decimal expansion (1/3) or needs more than 30 decimals."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    for places in range(_MAX_PLACES + 1):
        scaled = value * 10**places
        if scaled.denominator == 1:
            digits = str(scaled.numerator).rjust(places + 1, "0")
            if not places:
                return sign + digits
            return f"{sign}{digits[:-places]}.{digits[-places:]}"
    return None


LANGS = ("vi", "en")
MINUS = "\u2212"  # the typographic minus: DejaVu Sans has it, and it does not break lines


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; choose 'vi' or 'en'")
    return lang


def _separators(lang: str) -> tuple[str, str]:
    return (".", ",") if check_lang(lang) == "vi" else (",", ".")


def number(
    value: float | int | Fraction, lang: str = "vi", decimals: int | None = None, *,
    sign: bool = False, strip: bool = True,
) -> str:
    """A number with the language's separators: number(4717.88, "vi") -> "4.717,88".

    ``decimals=None`` shows up to 2 decimals and drops trailing zeros (4658 -> "4.658",
    3726.4 -> "3.726,4"); an int ``decimals`` rounds to that many (``strip=False`` keeps zeros).
    ``sign=True`` writes "+" before positive numbers. Negative numbers use the minus sign "−".
    """
    thousands, point = _separators(lang)
    x = float(value)
    if math.isnan(x):
        return "–"
    places = 2 if decimals is None else decimals
    text = f"{abs(x):,.{places}f}"
    if places and (decimals is None or strip):
        text = text.rstrip("0").rstrip(".")
    if not text.strip("0.,"):
        text = text or "0"
        negative = False
    else:
        negative = x < 0
    text = text.replace(",", "\x00").replace(".", point).replace("\x00", thousands)
    if negative:
        return MINUS + text
    return ("+" + text) if sign and x > 0 else text

"""The change log of a scenario: one line per figure a scenario changes (``key.part: old → new``),
stored with every result, and how a figure is written in it."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Change:
    """One effective change of a figure, for the log stored with every result."""

    key: str
    old: str
    new: str
    source: str
    #: the old and new figures as exact numbers (None: the value is not a number: text, yes/no)
    old_value: Fraction | None = None
    new_value: Fraction | None = None

    def __str__(self) -> str:
        return f"{self.key}: {self.old} → {self.new}"


def fmt_value(value: object) -> str:
    """A figure as the change log and the compare table write it: 3950.4, 12, true, none."""
    if isinstance(value, Fraction):
        return str(value.numerator) if value.denominator == 1 else f"{float(value):.10g}"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def exact_value(value: object) -> Fraction | None:
    """A logged figure as an exact number (a document computes with it), None when it is not one."""
    if isinstance(value, bool) or not isinstance(value, int | Fraction):
        return None
    return Fraction(value)


def fmt_percent(value: Fraction) -> str:
    return f"{float(value) * 100:.10g}%"

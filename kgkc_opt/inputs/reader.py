"""A reader for plain data (what YAML gives) that checks types and collects every problem.

The pure ``*_from_dict`` functions use it so that validation happens once, at the door, with
messages that say where and what: ``scenarios/cut.yaml: budget.2024: expected a number or a
percentage like "-30%", got 'abc'``. Problems are collected, then raised together by ``raise_if_any``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from kgkc_opt.errors import InputError, Problem
from kgkc_opt.money import to_fraction

#: Money beyond this (million VND; 10^9 million = 10^15 VND, far above any provincial budget) is
#: taken as a typing error rather than a figure.
MAX_MONEY = 10**9
#: Quantities beyond this are taken as a typing error.
MAX_QUANTITY = 10**7

PERCENT_RE = re.compile(r"^\s*([+-]?)\s*(\d+(?:[.,]\d+)?)\s*%\s*$")
_VIETNAMESE_NUMBER = re.compile(r"^\s*[+-]?(\d{1,3}(\.\d{3})+(,\d+)?|\d+,\d+)\s*$")


@dataclass(frozen=True)
class InputFile:
    """A file a scenario was read from, with the SHA-256 of the bytes read (for the result record)."""

    role: str
    path: str
    sha256: str


def number_hint(value: Any) -> str:
    """For text like "4.810,5" (Vietnamese notation): how to write it; else ""."""
    if isinstance(value, str) and _VIETNAMESE_NUMBER.match(value):
        plain = value.strip().replace(".", "").replace(",", ".")
        return f" (Vietnamese notation? write {plain}: a '.' for decimals, no thousands separator)"
    return ""


def describe(value: Any) -> str:
    """Short, safe description of a bad value for an error message."""
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return repr(text)
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"{value!r} (a yes/no value)"
    return repr(value)


def join(path: str, key: object) -> str:
    return f"{path}.{key}" if path else str(key)


class Collector:
    """Collects problems found in one source (a file name or label)."""

    def __init__(self, source: str):
        self.source = source
        self.problems: list[Problem] = []

    def error(self, where: str, message: str) -> None:
        self.problems.append(Problem(self.source, where, message))

    def raise_if_any(self, error_type: type[InputError]) -> None:
        if self.problems:
            raise error_type(self.distinct())

    def distinct(self) -> list[Problem]:
        """The problems without echoes: a missing key's "expected ..., got nothing" follow-up, and
        the same unknown key reported twice, are dropped (the first report stays)."""
        missing = {(p.source, p.where) for p in self.problems if p.message == "required key is missing"}
        seen: set[tuple[str, str, str]] = set()
        out = []
        for p in self.problems:
            if (p.source, p.where) in missing and p.message != "required key is missing":
                continue
            key = (p.source, p.where, "unknown key" if p.message.startswith("unknown key") else p.message)
            if key in seen:
                continue
            seen.add(key)
            out.append(p)
        return out

    def boolean(self, value: Any, where: str) -> bool | None:
        """true or false (YAML's own booleans; text like "no" is refused, not read as true)."""
        if isinstance(value, bool):
            return value
        self.error(where, f"expected true or false, got {describe(value)}")
        return None

    # ---- typed getters: return None (and record a problem) when the value is unusable -----

    def mapping(self, value: Any, where: str) -> Mapping[Any, Any] | None:
        if isinstance(value, Mapping):
            return value
        self.error(where, f"expected a mapping of keys to values, got {describe(value)}")
        return None

    def known_keys(self, data: Mapping[Any, Any], where: str, allowed: Iterable[str]) -> None:
        allowed = list(allowed)
        for key in data:
            if key not in allowed:
                self.error(
                    join(where, key),
                    f"unknown key; expected one of: {', '.join(allowed)}",
                )

    def required(self, data: Mapping[Any, Any], key: str, where: str) -> Any:
        if key not in data or data[key] is None:
            self.error(join(where, key), "required key is missing")
            return None
        return data[key]

    def text(self, value: Any, where: str, *, allow_empty: bool = False) -> str | None:
        if isinstance(value, str) and (allow_empty or value.strip()):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        self.error(where, f"expected text, got {describe(value)}")
        return None

    def integer(
        self, value: Any, where: str, *, minimum: int | None = 0, maximum: int | None = MAX_QUANTITY
    ) -> int | None:
        number: int | None = None
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int):
            number = value
        elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
            number = int(value)
        if number is None:
            self.error(where, f"expected a whole number, got {describe(value)}")
            return None
        if minimum is not None and number < minimum:
            self.error(where, f"expected a whole number of at least {minimum}, got {number}")
            return None
        if maximum is not None and number > maximum:
            self.error(where, f"expected a whole number of at most {maximum}, got {number}")
            return None
        return number

    def money(
        self, value: Any, where: str, *, allow_negative: bool = False
    ) -> Fraction | None:
        """A non-negative amount in million VND, exact."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.error(where, f"expected an amount in million VND (a number), got {describe(value)}")
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self.error(where, f"expected a finite amount in million VND, got {value!r}")
            return None
        if not allow_negative and value < 0:
            self.error(where, f"expected an amount of at least 0 million VND, got {value!r}")
            return None
        if abs(value) > MAX_MONEY:
            self.error(
                where,
                f"amount {value!r} million VND is beyond {MAX_MONEY:,} million VND; "
                "amounts are in million VND (triệu đồng)",
            )
            return None
        return to_fraction(value)

    def share(self, value: Any, where: str) -> Fraction | None:
        """A share between 0 and 1, given as 0.3 or "30%"."""
        if isinstance(value, str):
            match = PERCENT_RE.match(value)
            if match and match.group(1) != "-":
                number = to_fraction(match.group(2).replace(",", ".")) / 100
                if number <= 1:
                    return number
            self.error(where, f'expected a share like 0.3 or "30%", got {describe(value)}')
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            self.error(where, f'expected a share like 0.3 or "30%", got {describe(value)}')
            return None
        if not 0 <= value <= 1:
            self.error(where, f"expected a share between 0 and 1, got {value!r}")
            return None
        return to_fraction(value)

    def weight(self, value: Any, where: str) -> Fraction | None:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            self.error(where, f"expected a weight (a number of at least 0), got {describe(value)}")
            return None
        if value < 0 or value > 10**6:
            self.error(where, f"expected a weight between 0 and 1000000, got {value!r}")
            return None
        return to_fraction(value)


def parse_percent(value: str) -> Fraction | None:
    """'-30%' -> Fraction(-3, 10); None when the text is not a percentage."""
    match = PERCENT_RE.match(value)
    if not match:
        return None
    number = to_fraction(match.group(2).replace(",", ".")) / 100
    return -number if match.group(1) == "-" else number

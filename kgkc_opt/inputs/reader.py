"""A reader for plain data (what YAML gives) that checks types and collects every problem.

The pure ``*_from_dict`` functions use it so that validation happens once, at the door, with
messages that say where and what: ``scenarios/cut.yaml: budget.2024: expected a number or a
percentage like "-30%", got 'abc'``. Problems are collected, then raised together by ``raise_if_any``.

Numbers are bounded by what makes sense for a program (docs/errors.md, "Numbers"): money at most
``MAX_MONEY`` million VND, at most ``MAX_SIGNIFICANT_DIGITS`` significant digits and
``MAX_DECIMALS`` decimals (one đồng), a percentage change between -100% and ``MAX_PERCENT``.
``exact_number`` checks a number as written before it builds the exact ``Fraction``, so that text
such as ``1e-999999999`` or a thousand-digit integer is refused at once instead of building a
number of a billion digits. A number written the Vietnamese way (``4.658`` for 4,658) is refused
with the two readings it may have (``number_hint``, ``ambiguous_hint``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from kgkc_opt.errors import InputError, Problem, Said

#: Money beyond this (million VND; 10^9 million = 10^15 VND, far above any provincial budget) is
#: taken as a typing error rather than a figure.
MAX_MONEY = 10**9
#: Quantities beyond this are taken as a typing error.
MAX_QUANTITY = 10**7
#: Most significant digits of a figure: 12 (47,585 million to the đồng has 11). More is
#: spreadsheet noise (4658.00000000001) or a typing error.
MAX_SIGNIFICANT_DIGITS = 12
#: Most decimals of a figure: 6, one đồng of a million.
MAX_DECIMALS = 6
#: Largest percentage change, in percent: +1000% makes a figure eleven times larger.
MAX_PERCENT = 1000
#: Largest weight of a task in the objective.
MAX_WEIGHT = 10**6
#: Numbers whose magnitude is beyond 10^this are refused before any arithmetic.
_MAX_MAGNITUDE = 18

PERCENT_RE = re.compile(r"^\s*([+-]?)\s*([0-9]+(?:[.,][0-9]+)?)\s*%\s*$")
#: '4.658', '1.234.567' ('.' between thousands), '4.810,5' (and a decimal comma)
_DOT_THOUSANDS = re.compile(r"^[+-]?[1-9][0-9]{0,2}(\.[0-9]{3})+(,[0-9]+)?$")
#: '4,938', '1,234,567' (',' between thousands), '1,234.5' (and a decimal point)
_COMMA_THOUSANDS = re.compile(r"^[+-]?[1-9][0-9]{0,2}(,[0-9]{3})+(\.[0-9]+)?$")
#: '4,5', '24,50', '4658,25' (a decimal comma)
_DECIMAL_COMMA = re.compile(r"^[+-]?[0-9]+,[0-9]+$")
#: a written number that reads as a decimal but may be thousands: '4.658', '17.880'
_AMBIGUOUS = re.compile(r"^[+-]?[1-9][0-9]{0,2}\.[0-9]{3}$")


class WrittenFloat(float):
    """A float read from a file, with the text it was written as (``4.658``, ``2.10``).

    It is the float in every way but ``str()``, which gives the text: a task id written ``2.10``
    stays ``'2.10'`` (not ``'2.1'``), and a message shows the value as the planner wrote it.
    ``ambiguous_hint`` reads the text to tell ``4.658`` (perhaps 4,658) from ``4.6580``.
    """

    text: str

    def __new__(cls, value: float, text: str) -> WrittenFloat:
        obj = super().__new__(cls, value)
        obj.text = text
        return obj

    def __str__(self) -> str:
        return self.text

    def __reduce__(self) -> tuple[Any, ...]:
        return (WrittenFloat, (float(self), self.text))


def written(value: int | float | str) -> str:
    """The text of a number as written: a ``WrittenFloat``'s text, a float's shortest repr."""
    if isinstance(value, WrittenFloat):
        return value.text
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        return show_number(value)
    return value


def show_number(value: Any) -> str:
    """A number for a message: as written, or "a number of N digits" for a huge integer (whose
    text Python would refuse to make above 4,300 digits)."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value.bit_length() <= 100:
            return str(value)
        digits = value.bit_length() * 30103 // 100000 + 1
        if abs(value) < 10 ** (digits - 1):
            digits -= 1
        return Said("a number of {digits:,} digits", digits=digits)
    if isinstance(value, WrittenFloat):
        return value.text if len(value.text) <= 40 else value.text[:37] + "..."
    if isinstance(value, float):
        return repr(value)
    return describe(value)


def exact_number(value: int | float | str, *, decimals: int = MAX_DECIMALS) -> Fraction | str:
    """The exact value of a number as written, or why it is refused.

    Refuses (returns the reason) a number of more than ``MAX_SIGNIFICANT_DIGITS`` significant
    digits, more than ``decimals`` decimals, or beyond 10^18, before building the ``Fraction``:
    ``1e-999999999`` is refused in a microsecond, never turned into a fraction of 10^999999999.
    Text must be a plain decimal number (``4192.2``, ``-3``, ``1e3``); trailing zeros do not count.
    """
    if isinstance(value, bool):
        return Said("is a yes/no value, not a number")
    if isinstance(value, int):
        if value.bit_length() > 3 * _MAX_MAGNITUDE or abs(value) >= 10**_MAX_MAGNITUDE:
            return Said("is beyond 10^{max_magnitude}", max_magnitude=_MAX_MAGNITUDE)
        return Fraction(value)
    text = written(value) if isinstance(value, float) else str(value)
    try:
        number = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        if isinstance(value, float):  # YAML wrote it in a form Decimal does not read (190:20:30.15)
            return exact_number(repr(float(value)), decimals=decimals)
        return Said("is not a number")
    if not number.is_finite():
        return Said("is not a finite number")
    _, digit_tuple, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    digits = "".join(map(str, digit_tuple)).lstrip("0")
    if not digits:
        return Fraction(0)
    stripped = digits.rstrip("0")
    exponent += len(digits) - len(stripped)
    if len(stripped) > MAX_SIGNIFICANT_DIGITS:
        return Said("has more than {digits} significant digits", digits=MAX_SIGNIFICANT_DIGITS)
    if len(stripped) + exponent - 1 >= _MAX_MAGNITUDE:
        return Said("is beyond 10^{max_magnitude}", max_magnitude=_MAX_MAGNITUDE)
    if -exponent > decimals:
        return Said("has more than {decimals} decimals", decimals=decimals)
    result = Fraction(int(stripped)) * Fraction(10) ** exponent
    return -result if number.is_signed() else result


def _plain_decimal(text: str) -> str:
    """'4.658' -> '4.658'; '17.880' -> '17.88'; '8.000' -> '8' (trailing zeros dropped)."""
    if "." not in text:
        return text
    head, tail = text.split(".", 1)
    tail = tail.rstrip("0")
    return f"{head}.{tail}" if tail else head


def _decimal_reading(text: str) -> str:
    """The decimal reading of '4.658', written so that it cannot be read as thousands: '4.6580'
    ('17.880' -> '17.88', '8.000' -> '8')."""
    plain = _plain_decimal(text)
    return plain + "0" if _AMBIGUOUS.match(plain) else plain


def ambiguous_hint(value: Any) -> str:
    """For a number written like ``4.658`` (one '.', three decimals, at most three digits before
    it): the message that it may be 4,658 written the Vietnamese way; else ""."""
    text = value.text.strip() if isinstance(value, WrittenFloat) else value.strip() if isinstance(value, str) else ""
    if not _AMBIGUOUS.match(text):
        return ""
    thousands = text.replace(".", "")
    return (Said("{text} is ambiguous: written the Vietnamese way ('.' between thousands) it is {thousands}, "
                 "read as a decimal it is {text_2}; write {thousands}, or {text_3} for the decimal",
                 text=text, thousands=thousands, text_2=_plain_decimal(text), text_3=_decimal_reading(text)))


def separator_hint(text: str) -> str:
    """How to write a number given with separators, or the two readings of an ambiguous one
    ('4.810,5' -> 'write 4810.5'; '4,938' -> '4,938 is ambiguous: ...'); else ""."""
    text = text.strip()
    if _AMBIGUOUS.match(text):
        return ambiguous_hint(text)
    if _DOT_THOUSANDS.match(text) or (_COMMA_THOUSANDS.match(text) and (text.count(",") > 1 or "." in text)):
        # 1.234.567, 4.810,5 ('.' can only be thousands), 1,234,567, 1,234.5 (',' only thousands)
        plain = text.replace(".", "").replace(",", ".") if _DOT_THOUSANDS.match(text) else text.replace(",", "")
        return Said("write {plain}: a '.' for decimals, no thousands separator", plain=plain)
    if _COMMA_THOUSANDS.match(text):  # 4,938: thousands, or a Vietnamese decimal comma
        thousands = text.replace(",", "")
        decimal = _decimal_reading(text.replace(",", "."))
        return (Said("{text} is ambiguous: with ',' between thousands it is {thousands}, with a decimal comma "
                     "(Vietnamese) it is {value}; write {thousands}, or {decimal} for the decimal",
                     text=text, thousands=thousands, value=_plain_decimal(text.replace(',', '.')), decimal=decimal))
    if _DECIMAL_COMMA.match(text):
        return Said("write {value}: a '.' for decimals", value=_decimal_reading(text.replace(',', '.')))
    return ""


def vietnamese_style(text: str) -> bool:
    """True for a number written the Vietnamese way: '.' between thousands or a decimal comma."""
    text = text.strip()
    return bool(_DOT_THOUSANDS.match(text) or _DECIMAL_COMMA.match(text)) and not _COMMA_THOUSANDS.match(text)


def number_hint(value: Any) -> str:
    """For text that is almost a number or a percentage, how to write it, in parentheses; else ""."""
    if not isinstance(value, str):
        return ""
    match = PERCENT_RE.match(value)
    if match:
        number = exact_number(match.group(2).replace(",", "."))
        if isinstance(number, str):
            return (Said(" (a percentage with at most {max_significant_digits} significant digits and "
                         "{max_decimals} decimals)",
                         max_significant_digits=MAX_SIGNIFICANT_DIGITS, max_decimals=MAX_DECIMALS))
        return Said(" (a percentage change lies between -100% and +{max_percent}%)", max_percent=MAX_PERCENT)
    hint = separator_hint(value)
    if hint and vietnamese_style(value) and not _AMBIGUOUS.match(value.strip()):
        return Said(" (Vietnamese notation? {hint})", hint=hint)
    return Said(" ({hint})", hint=hint) if hint else ""


@dataclass(frozen=True)
class InputFile:
    """A file a scenario was read from, with the SHA-256 of the bytes read (for the result record)."""

    role: str
    path: str
    sha256: str


def describe(value: Any) -> str:
    """Short, safe description of a bad value for an error message."""
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return repr(text)
    if isinstance(value, Mapping):
        return Said("a mapping")
    if isinstance(value, list | tuple):
        return Said("a list")
    if value is None:
        return Said("nothing (an empty value)")
    if isinstance(value, bool):
        return Said("{value!r} (a yes/no value)", value=value)
    if isinstance(value, int | float):
        return show_number(value)
    return repr(value)


def _finite(value: int | float) -> bool:
    """True for an int (of any size: ``math.isfinite`` would overflow on 10**400) or a finite float."""
    return not isinstance(value, float) or math.isfinite(value)


def join(path: str, key: object) -> str:
    return f"{path}.{key}" if path else str(key)


class Collector:
    """Collects problems found in one source (a file name or label)."""

    def __init__(self, source: str):
        self.source = source
        self.problems: list[Problem] = []

    def error(self, where: str, message: str, **values: Any) -> None:
        """A problem at ``where``: ``message`` is an English template (the wording catalogue's key),
        ``values`` fill its placeholders (``c.error(w, "got {got}", got=describe(x))``)."""
        self.problems.append(Problem(self.source, where, message, values))

    def date(self, value: Any, where: str, *, example: str = "2026-01-01") -> dt.date | None:
        """A date: YAML's own (2026-01-01 unquoted) or ISO text; else a problem (and None)."""
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.error(where, "expected a date like {example}, got {value}", example=example, value=describe(value))
        return None

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
        self.error(where, "expected true or false, got {value}", value=describe(value))
        return None

    # ---- typed getters: return None (and record a problem) when the value is unusable -----

    def mapping(self, value: Any, where: str) -> Mapping[Any, Any] | None:
        if isinstance(value, Mapping):
            return value
        self.error(where, "expected a mapping of keys to values, got {value}", value=describe(value))
        return None

    def known_keys(self, data: Mapping[Any, Any], where: str, allowed: Iterable[str]) -> None:
        allowed = list(allowed)
        for key in data:
            if key not in allowed:
                self.error(
                    join(where, key),
                    "unknown key; expected one of: {allowed}", allowed=', '.join(allowed),
                )

    def required(self, data: Mapping[Any, Any], key: str, where: str) -> Any:
        if key not in data or data[key] is None:
            self.error(join(where, key), "required key is missing")
            return None
        return data[key]

    def text(self, value: Any, where: str, *, allow_empty: bool = False) -> str | None:
        if isinstance(value, str) and (allow_empty or value.strip()):
            return value
        if isinstance(value, float) or (isinstance(value, int) and not isinstance(value, bool)
                                        and value.bit_length() <= 100):
            return str(value)  # (not an integer of thousands of digits, which Python may refuse to print)
        self.error(where, "expected text, got {value}", value=describe(value))
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
            hint = ambiguous_hint(value)
            if hint:
                self.error(where, hint)
                return None
            number = int(value)
        if number is None:
            self.error(where, "expected a whole number, got {value}{hint}", value=show_number(value),
                              hint=number_hint(value))
            return None
        if minimum is not None and number < minimum:
            self.error(where, "expected a whole number of at least {minimum}, got {value}", minimum=minimum,
                              value=show_number(value))
            return None
        if maximum is not None and number > maximum:
            self.error(where, "expected a whole number of at most {maximum}, got {value}", maximum=maximum,
                              value=show_number(value))
            return None
        return number

    def money(
        self, value: Any, where: str, *, allow_negative: bool = False
    ) -> Fraction | None:
        """An amount in million VND (at least 0 unless ``allow_negative``), exact, within the bounds
        of docs/errors.md: at most ``MAX_MONEY``, ``MAX_SIGNIFICANT_DIGITS`` significant digits and
        ``MAX_DECIMALS`` decimals; ``4.658`` is refused as ambiguous (maybe 4,658)."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.error(where, "expected an amount in million VND (a number), got {value}{hint}",
                              value=describe(value), hint=number_hint(value))
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self.error(where, "expected a finite amount in million VND, got {value!r}", value=value)
            return None
        if not allow_negative and value < 0:
            self.error(where, "expected an amount of at least 0 million VND, got {value}", value=show_number(value))
            return None
        if abs(value) > MAX_MONEY:
            shown = show_number(value)
            amount = (Said("an amount of {digits}", digits=shown[12:]) if shown.startswith("a number of ")
                      else Said("amount {shown} million VND", shown=shown))
            self.error(where, "{amount} is beyond {max_money:,} million VND; amounts are in million VND (triệu "
                              "đồng){hint}", amount=amount, max_money=MAX_MONEY, hint=dong_hint(value))
            return None
        hint = ambiguous_hint(value)
        if hint:
            self.error(where, hint)
            return None
        number = exact_number(value)
        if isinstance(number, str):
            self.error(where, "expected an amount in million VND of at most {max_significant_digits} significant "
                              "digits and {max_decimals} decimals (one đồng), got {value}",
                              max_significant_digits=MAX_SIGNIFICANT_DIGITS, max_decimals=MAX_DECIMALS,
                              value=show_number(value))
            return None
        return number

    def share(self, value: Any, where: str) -> Fraction | None:
        """A share between 0 and 1, given as 0.3 or "30%"."""
        if isinstance(value, str):
            match = PERCENT_RE.match(value)
            if match and match.group(1) != "-":
                number = exact_number(match.group(2).replace(",", "."))
                if not isinstance(number, str) and number <= 100:
                    return number / 100
            self.error(where, 'expected a share like 0.3 or "30%", got {value}', value=describe(value))
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not _finite(value):
            self.error(where, 'expected a share like 0.3 or "30%", got {value}', value=describe(value))
            return None
        if not 0 <= value <= 1:
            self.error(where, "expected a share between 0 and 1, got {value}", value=show_number(value))
            return None
        number = exact_number(value)
        if isinstance(number, str):
            self.error(where, "expected a share with at most {max_decimals} decimals, got {value}",
                              max_decimals=MAX_DECIMALS, value=show_number(value))
            return None
        return number

    def weight(self, value: Any, where: str) -> Fraction | None:
        if isinstance(value, bool) or not isinstance(value, int | float) or not _finite(value):
            self.error(where, "expected a weight (a number of at least 0), got {value}", value=describe(value))
            return None
        if value < 0 or value > MAX_WEIGHT:
            self.error(where, "expected a weight between 0 and {max_weight}, got {value}", max_weight=MAX_WEIGHT,
                              value=show_number(value))
            return None
        number = exact_number(value)
        if isinstance(number, str):
            self.error(where, "expected a weight with at most {max_significant_digits} significant digits and "
                              "{max_decimals} decimals, got {value}", max_significant_digits=MAX_SIGNIFICANT_DIGITS,
                              max_decimals=MAX_DECIMALS, value=show_number(value))
            return None
        return number


def dong_hint(value: int | float) -> str:
    """For an amount that may be in đồng: what it is in million VND."""
    if abs(value) < 10**6:
        return ""
    dong = exact_number(value, decimals=0)  # (a number too large to be đồng either has no hint)
    if isinstance(dong, str):
        return ""
    return Said(": {value} đồng would be {dong} million", value=show_number(value), dong=million_text(dong / 10**6))


def million_text(value: Fraction) -> str:
    """An exact amount for a message: 4658 -> '4,658'; 24.5 -> '24.5'; 1/3 -> '0.333333'."""
    if value.denominator == 1:
        return f"{value.numerator:,}"
    return f"{float(value):,.6f}".rstrip("0").rstrip(".")


def parse_percent(value: str) -> Fraction | None:
    """'-30%' -> Fraction(-3, 10); None when the text is not a percentage, or not one between
    -``MAX_PERCENT``% and +``MAX_PERCENT``% with at most ``MAX_SIGNIFICANT_DIGITS`` significant digits
    and ``MAX_DECIMALS`` decimals (``number_hint`` says which)."""
    match = PERCENT_RE.match(value)
    if not match:
        return None
    number = exact_number(match.group(2).replace(",", "."))
    if isinstance(number, str) or number > MAX_PERCENT:
        return None
    number /= 100
    return -number if match.group(1) == "-" else number

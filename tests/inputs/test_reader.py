"""Typed checks at the door (``inputs.reader``): numbers read exactly as written or refused with
the reason, Vietnamese notation recognised and explained, every problem collected at its key."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from kgkc_opt.errors import ProgramError
from kgkc_opt.inputs.reader import (
    Collector,
    WrittenFloat,
    exact_number,
    million_text,
    parse_percent,
    separator_hint,
    show_number,
)


def test_exact_number_reads_what_was_written_or_says_why_not() -> None:
    assert exact_number("4192.2") == Fraction(41922, 10)
    assert exact_number(0.1) == Fraction(1, 10)
    assert exact_number("1e3") == 1000 and exact_number("-3") == -3 and exact_number("0.000") == 0
    assert exact_number("1e-999999999") == "has more than 6 decimals"
    assert exact_number(True) == "is a yes/no value, not a number"
    assert exact_number("abc") == "is not a number"
    assert exact_number("nan") == "is not a finite number"
    assert exact_number(10**40) == "is beyond 10^18"


def test_vietnamese_notation_is_explained() -> None:
    assert separator_hint("4.810,5") == "write 4810.5: a '.' for decimals, no thousands separator"
    assert separator_hint("1,234,567") == "write 1234567: a '.' for decimals, no thousands separator"
    assert separator_hint("4,938").startswith("4,938 is ambiguous: with ',' between thousands it is 4938")
    assert separator_hint("12,5") == "write 12.5: a '.' for decimals"
    assert separator_hint("12.5") == ""


def test_percentages() -> None:
    assert parse_percent("-30%") == Fraction(-3, 10)
    assert parse_percent("+12,5%") == Fraction(1, 8)
    assert parse_percent("30") is None


def test_numbers_in_messages() -> None:
    assert show_number(42) == "42"
    assert show_number(10**200) == "a number of 201 digits"
    assert million_text(Fraction(4658)) == "4,658" and million_text(Fraction(1, 3)) == "0.333333"


def test_the_collector_reads_typed_values_and_keeps_every_problem() -> None:
    c = Collector("p.yaml")
    assert c.money(17.88, "tasks[0].cost.total") == Fraction(1788, 100)
    assert c.money(-1, "a") is None
    assert c.money(WrittenFloat(4.658, "4.658"), "b") is None  # as YAML read it: maybe 4,658, the Vietnamese way
    assert c.share("30%", "c") == Fraction(3, 10) and c.share(1.5, "d") is None
    assert c.integer(3.0, "e") == 3 and c.integer(-2, "f") is None
    assert c.date("2026-01-01", "g") == dt.date(2026, 1, 1) and c.date("01/01/2026", "h") is None
    assert c.boolean("no", "i") is None
    c.known_keys({"name": 1, "extra": 2}, "j", ("name",))
    assert [p.where for p in c.problems] == ["a", "b", "d", "f", "h", "i", "j.extra"]
    assert "4.658 is ambiguous" in c.problems[1].message
    with pytest.raises(ProgramError) as raised:
        c.raise_if_any(ProgramError)
    assert len(raised.value.problems) == 7


def test_echoes_of_a_missing_key_are_dropped() -> None:
    c = Collector("p.yaml")
    c.required({}, "id", "tasks[0]")
    c.error("tasks[0].id", "expected text, got nothing")
    assert [p.message for p in c.distinct()] == ["required key is missing"]

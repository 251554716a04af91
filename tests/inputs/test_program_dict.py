"""``program_to_dict`` is the exact inverse of ``program_from_dict``: a program comes back equal.

Equality is the dataclass's own (every field, ``origin`` included, given the same source label:
``origin`` is the label the program was read under, not part of the document). The bundled
programs, every valid fixture program and random small programs (Hypothesis) round-trip; numbers
come back exact and are written as the decimal the file had, never as float noise.
"""

from __future__ import annotations

import copy
import dataclasses
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

import kgkc_opt as kg
from kgkc_opt.inputs.program_dict import decimal_text, number, program_to_dict, share
from kgkc_opt.inputs.reader import WrittenFloat
from tests.support.paths import FIXTURES
from tests.support.strategies import small_programs

FIXTURE_PROGRAMS = ["tiny-program.yaml", "tiny-structured.yaml", "audit-faults.yaml", "scenarios/mini-program.yaml",
                    "tiny-sources.yaml"]


def round_trip(program: kg.Program) -> kg.Program:
    return kg.program_from_dict(program_to_dict(program), source=program.origin)


@pytest.mark.parametrize("name", kg.bundled_programs())
def test_every_bundled_program_round_trips(name):
    program = kg.load_program(name)
    back = round_trip(program)
    assert back == program
    # read under another label, only the label differs
    other = kg.program_from_dict(program_to_dict(program))
    assert other.origin != program.origin
    assert dataclasses.replace(other, origin=program.origin) == program


@pytest.mark.parametrize("name", FIXTURE_PROGRAMS)
def test_every_fixture_program_round_trips(name):
    program = kg.load_program(FIXTURES / name)
    assert round_trip(program) == program


def test_the_document_is_the_file_order_and_keeps_every_reference():
    program = kg.load_program("kien-giang-2021-2025")
    doc = program_to_dict(program)
    assert list(doc) == ["format", "id", "title", "province", "period", "money_unit", "source", "stated_totals",
                         "annual_budget", "support_rules", "groups", "tasks", "targets", "source_notes",
                         "relations", "structure"]
    row = next(t for t in doc["tasks"] if t["id"] == "V.1")
    assert list(row) == ["id", "group", "source", "name", "short_name", "unit", "unit_as_printed", "quantity",
                         "cost", "years", "years_text", "lead", "partner", "support_rule"]
    assert row["unit_as_printed"] == "Lướt" and row["source"] == "Annex, row V.1"
    assert next(t for t in doc["tasks"] if t["id"] == "VIII.2")["name_as_printed"].startswith("Tổ chức chuyển")
    assert next(t for t in doc["tasks"] if t["id"] == "III.4")["years"] == [2021, 2023]
    assert next(t for t in doc["tasks"] if t["id"] == "I.1")["years"] == "annual"
    assert next(t for t in doc["tasks"] if t["id"] == "VIII.4")["years"] == 2021
    assert doc["structure"]["links"][0] == {
        "id": "L01", "task": "III.8", "with": "III.4", "per_unit": 70,
        "source": program.structure.links[0].source,
        "text": {"vi": program.structure.links[0].text_vi, "en": program.structure.links[0].text_en}}
    assert doc["stated_totals"]["source"] == program.stated_totals_source
    assert doc["groups"][0]["short_name"] == {"vi": "Năng lực quản lý doanh nghiệp", "en": "Management capacity"}
    assert [n["source"] for n in doc["source_notes"]] == [n.source for n in program.source_notes]


def test_numbers_are_exact_decimals():
    assert number(Fraction(41922, 10)) == 4192.2 and str(number(Fraction(41922, 10))) == "4192.2"
    assert str(number(Fraction("17.88"))) == "17.88"
    assert type(number(Fraction(47585))) is int
    # a decimal that reads like Vietnamese thousands is written so that it cannot be
    ambiguous = number(Fraction("4.658"))
    assert isinstance(ambiguous, WrittenFloat) and ambiguous.text == "4.6580"
    # 12 significant digits: exact through the text, not the float
    big = number(Fraction("123456.123456"))
    assert str(big) == "123456.123456"
    assert decimal_text(Fraction(1, 3)) is None
    with pytest.raises(ValueError):
        number(Fraction(1, 3))
    assert share(Fraction(3, 10)) == 0.3 and share(Fraction(1)) == 1
    assert share(Fraction("0.12345678")) == "12.345678%"


def test_decimal_figures_round_trip_exactly():
    doc = program_to_dict(kg.load_program(FIXTURES / "tiny-program.yaml"))
    doc["tasks"][0]["cost"] = {"total": 4192.2, "state": 4.658, "other": 4187.542}  # floats, as Python holds them
    doc["annual_budget"]["years"][2021]["state"] = 17.88
    doc["support_rules"]["machinery"]["max_state_share"] = "12.345678%"
    program = kg.program_from_dict(doc)
    assert program.tasks[0].cost.state == Fraction("4.658")
    back = round_trip(program)
    assert back == program
    written = program_to_dict(program)
    assert str(written["tasks"][0]["cost"]["state"]) == "4.6580"
    assert str(written["tasks"][0]["cost"]["other"]) == "4187.542"
    assert written["support_rules"]["machinery"]["max_state_share"] == "12.345678%"


def test_the_document_is_a_copy():
    program = kg.load_program(FIXTURES / "tiny-structured.yaml")
    doc = program_to_dict(program)
    mutated = copy.deepcopy(doc)
    mutated["tasks"][0]["quantity"] += 1
    assert kg.program_from_dict(mutated) != program
    assert round_trip(program) == program


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_programs())
def test_random_programs_round_trip(doc):
    program = kg.program_from_dict(doc)
    assert round_trip(program) == program


def test_fixture_list_is_complete():
    """Every valid program among the fixtures is in FIXTURE_PROGRAMS (a new one is round-tripped too)."""
    found = set()
    for path in Path(FIXTURES).rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        if "kgkc-program/1" in text:
            found.add(str(path.relative_to(FIXTURES)))
    assert found == set(FIXTURE_PROGRAMS)

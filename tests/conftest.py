"""Shared fixtures for the kgkc_opt test suite (fixtures only: the helpers the tests share are in
tests/support, imported as ``from tests.support.checks import assert_plan_valid``)."""

from __future__ import annotations

import sys

import pytest

import kgkc_opt as kg
from tests.support.paths import BENCHMARKS, FIXTURES, SCENARIOS

# benchmarks/ holds the synthetic large cases and the benchmark scenario set some tests reuse
sys.path.insert(0, str(BENCHMARKS))


@pytest.fixture(scope="session")
def program() -> kg.Program:
    """Decision 2454/QĐ-UBND as shipped (Program is frozen: safe to share)."""
    return kg.load_program()


@pytest.fixture(scope="session")
def baseline_scenario(program: kg.Program) -> kg.Scenario:
    return kg.baseline(program)


@pytest.fixture(scope="session")
def baseline_result(baseline_scenario: kg.Scenario) -> kg.Result:
    return kg.solve(baseline_scenario)


@pytest.fixture(scope="session")
def cut20_scenario() -> kg.Scenario:
    return kg.load_scenario(SCENARIOS / "cut-20pct.yaml")


@pytest.fixture(scope="session")
def cut20_result(cut20_scenario: kg.Scenario) -> kg.Result:
    return kg.solve(cut20_scenario)


@pytest.fixture(scope="session")
def tiny_program() -> kg.Program:
    return kg.load_program(FIXTURES / "tiny-program.yaml")


@pytest.fixture(scope="session")
def tiny_scenario() -> kg.Scenario:
    return kg.load_scenario(FIXTURES / "tiny-baseline.yaml")

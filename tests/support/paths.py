"""The repository's folders the tests read."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "kgkc_opt"
TESTS = ROOT / "tests"
FIXTURES = TESTS / "fixtures"
SCENARIOS = ROOT / "scenarios"
#: the synthetic large cases and the benchmark scenario set some tests reuse (conftest puts it on sys.path)
BENCHMARKS = ROOT / "benchmarks"

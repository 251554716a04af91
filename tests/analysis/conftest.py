"""Fixtures shared by the merge's test modules (test_merge.py, test_merge_ids.py): the two bundled
programs merged in their tests, loaded once per module."""

from __future__ import annotations

import pytest

import kgkc_opt as kg


@pytest.fixture(scope="module")
def kien_giang() -> kg.Program:
    return kg.load_program("kien-giang-2021-2025")


@pytest.fixture(scope="module")
def example() -> kg.Program:
    return kg.load_program("example-2026-2030")

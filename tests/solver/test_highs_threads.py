"""HiGHS's thread count: KGKC_HIGHS_THREADS is the one setting for every HiGHS of a process."""

from __future__ import annotations

import pytest

from kgkc_opt.solver.highs import HighsBackend, default_threads


@pytest.mark.parametrize(("value", "expected"), [("1", 1), ("2", 2), ("", 1), ("0", 1), ("-1", 1),
                                                 ("x", 1), (" 3 ", 3)])
def test_the_setting(monkeypatch, value, expected):
    monkeypatch.setenv("KGKC_HIGHS_THREADS", value)
    assert default_threads() == expected
    assert HighsBackend().threads == expected
    assert HighsBackend(threads=4).threads == 4  # asked for: that count


def test_unset_is_one_thread_not_highs_own_choice(monkeypatch):
    """HiGHS's own choice follows the machine's cores: a node-bounded search could end elsewhere."""
    monkeypatch.delenv("KGKC_HIGHS_THREADS", raising=False)
    assert default_threads() == 1 and HighsBackend().threads == 1

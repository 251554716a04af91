"""HiGHS's thread count: KGKC_HIGHS_THREADS is the one setting for every HiGHS of a process."""

from __future__ import annotations

import pytest

from kgkc_opt.solver.highs import HighsBackend, default_threads


@pytest.mark.parametrize(("value", "expected"), [("1", 1), ("2", 2), ("", None), ("0", None), ("-1", None),
                                                 ("x", None), (" 3 ", 3)])
def test_the_setting(monkeypatch, value, expected):
    monkeypatch.setenv("KGKC_HIGHS_THREADS", value)
    assert default_threads() == expected
    assert HighsBackend().threads == expected
    assert HighsBackend(threads=4).threads == 4  # asked for: that count


def test_unset_is_highs_own_choice(monkeypatch):
    monkeypatch.delenv("KGKC_HIGHS_THREADS", raising=False)
    assert default_threads() is None and HighsBackend().threads is None

"""Choosing a solver back-end (``solver.backend``): a known, installed solver or a clear error."""

from __future__ import annotations

import pytest

from kgkc_opt.errors import SolverUnavailableError
from kgkc_opt.solver.backend import SOLVERS, backend_for, check_available, solver_version
from kgkc_opt.solver.highs import HighsBackend


def test_highs_is_the_default_back_end() -> None:
    backend = backend_for()
    assert isinstance(backend, HighsBackend)
    assert backend_for("highs", threads=1).name == backend.name
    assert solver_version("highs")


def test_an_unknown_solver_is_refused_naming_the_known_ones() -> None:
    assert SOLVERS == ("highs", "cbc")
    with pytest.raises(SolverUnavailableError, match="unknown solver 'gurobi'; choose one of highs, cbc"):
        check_available("gurobi")
    with pytest.raises(SolverUnavailableError):
        backend_for("gurobi")

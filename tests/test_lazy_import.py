"""``import kgkc_opt`` (and the command line's start) loads no solver, NumPy, pandas or YAML until
something needs them: the public names are imported when first used."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import kgkc_opt as kg

HEAVY = ("numpy", "pandas", "highspy", "pulp", "yaml", "matplotlib", "openpyxl")


def loaded_after(code: str) -> list[str]:
    """The heavy modules loaded by a fresh interpreter after ``code``."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_importing_the_package_or_the_cli_loads_nothing_heavy():
    assert loaded_after("import kgkc_opt") == []
    assert loaded_after("import kgkc_opt.cli.app") == []
    assert loaded_after("import kgkc_opt\nkgkc_opt.Status") == []  # the status enum needs none either


def test_a_public_name_loads_what_it_needs():
    assert "numpy" in loaded_after("import kgkc_opt\nkgkc_opt.solve")


def test_every_public_name_resolves():
    for name in kg.__all__:
        assert getattr(kg, name) is not None, name
        assert name in dir(kg)
    assert kg.solve.__module__ == "kgkc_opt.analysis.plan"


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'solver_of_the_future'"):
        kg.solver_of_the_future  # noqa: B018

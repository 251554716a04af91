"""``import kgkc_opt`` (and the command line's start) loads no solver, NumPy, pandas or YAML until
something needs them: the public names are imported when first used."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import kgkc_opt as kg
from tests.support.paths import ROOT

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


#: What ``kgkc-opt --help`` needs none of (each costs the start of every run a few milliseconds):
#: the catalogue is a plain file read without ``ast``, the errors (dataclasses, inspect) load with
#: the command that raises one, an executor (concurrent.futures) with the command that runs one.
NOT_FOR_HELP = ("importlib.resources", "zipfile", "tempfile", "inspect", "dataclasses", "ast",
                "concurrent.futures", "threading", "logging", "kgkc_opt.errors", *HEAVY)


@pytest.mark.parametrize("argv", [["--help"], ["--help", "--lang", "en"], ["solve", "--help"], ["annual", "--help"]])
def test_the_help_of_the_command_line_loads_only_what_it_words(argv):
    code = ("import contextlib, io, json, sys\nfrom kgkc_opt.cli.app import main\n"
            f"with contextlib.redirect_stdout(io.StringIO()) as out, contextlib.suppress(SystemExit):\n"
            f"    main({argv!r})\n"
            f"print(json.dumps([out.getvalue()[:40], [m for m in {NOT_FOR_HELP!r} if m in sys.modules]]))")
    env = {k: v for k, v in os.environ.items() if k != "KGKC_LANG"}
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8",
                          env=env, cwd=ROOT, check=True)
    words, loaded = json.loads(proc.stdout.strip().splitlines()[-1])
    assert words.startswith("usage:" if "en" in argv else "cách dùng:")  # the help was printed
    assert loaded == []

"""Helpers the tests share (pytest advises against importing conftest; conftest.py keeps only fixtures).

- ``paths``: the repository's folders (ROOT, FIXTURES, SCENARIOS, BENCHMARKS).
- ``checks``: independent, exact re-checks of a solve result (``assert_plan_valid``, ``solve_checked``).
- ``strategies``: Hypothesis strategies for small program documents (``small_programs``).
- ``scenarios``: the example scenarios, solved once per process, and their exact re-check (``check_plan``).
- ``models``: the PuLP problem of a formulation and a solve of it.
- ``annual_proposals``: a small proposals file for the annual plan's tests.
- ``language``: finding English words and file names in a Vietnamese output.
- ``inventory``: the package's modules, their imports and their functions (structure tests).

Import them as ``from tests.support.checks import assert_plan_valid`` (the repository's root is on
``sys.path``: pyproject.toml's ``[tool.pytest.ini_options] pythonpath``).
"""

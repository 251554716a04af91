"""Tests mirror the package module by module: each module with logic, kgkc_opt/<floor>/<module>.py,
has its own tests in tests/<floor>/test_<module>.py (kgkc_opt/<module>.py: tests/test_<module>.py).

Package ``__init__.py`` files are left out (they hold docstrings and lazy imports; the public API
of kgkc_opt/__init__.py is tested by tests/test_lazy_import.py and by every test that uses ``kg.``).
``python -m tests.support.missing_tests`` lists the modules without a test module.
"""

from __future__ import annotations

from tests.support.inventory import modules, where_tested, without_tests
from tests.support.paths import ROOT

#: Modules without logic of their own, that need no test module: why.
NO_LOGIC = {
    "kgkc_opt.__main__": "`python -m kgkc_opt`: one call to cli.app.run",
    "kgkc_opt._version": "the version string",
    "kgkc_opt.analysis.study_types": "the frozen types of a study; filled and read in tests/analysis/test_study.py",
    "kgkc_opt.app.state": "the session record of the web app (fields, and one method that clears them)",
}

#: Modules with logic whose own test module is still to be written, each with where it is tested
#: today: the annual plan's modules and the brief's writers, which other branches are reshaping
#: (issue 23: an AnnualStudy; the signable documents) and whose test modules come with that work.
#: The list may only shrink: the test below fails on an entry that has its test module.
NOT_YET = {
    "kgkc_opt.analysis.annual_frames": "tests/analysis/test_annual.py and tests/report/test_annual_outputs.py",
    "kgkc_opt.analysis.annual_whatif": "tests/analysis/test_annual.py (the national what-if)",
    "kgkc_opt.report.annual": "tests/report/test_annual_outputs.py, tests/cli/test_annual.py",
    "kgkc_opt.report.annual_brief": "tests/report/test_annual_outputs.py",
    "kgkc_opt.report.annual_tables": "tests/report/test_annual_outputs.py",
    "kgkc_opt.report.annual_workbook": "tests/report/test_annual_outputs.py",
    "kgkc_opt.report.brief_writers": "tests/report/test_brief.py",
    "kgkc_opt.report.workbook_rows": "tests/report/test_workbook.py (the annex rows, every source)",
    "kgkc_opt.analysis.annual_build": "tests/analysis/test_annual.py, tests/report/test_annual_outputs.py",
    "kgkc_opt.analysis.annual_study": "tests/analysis/test_annual.py, tests/report/test_annual_outputs.py",
    # split out of inputs/keys.py: tested through tests/inputs/test_keys.py and the scenario tests
    "kgkc_opt.inputs.changes": "tests/inputs/test_change_values.py, tests/inputs/test_keys.py",
    "kgkc_opt.inputs.effects": "tests/inputs/test_keys.py (effects are typed), tests/model/test_data.py",
    "kgkc_opt.inputs.key_kinds": "tests/inputs/test_keys.py, tests/inputs/test_scenario*.py",
    "kgkc_opt.inputs.keys_docs": "tests/inputs/test_keys.py (docs/scenarios.md generated and current)",
    "kgkc_opt.analysis.adoptability": "tests/solver/test_rhythm.py (the notes worded in both languages)",
    "kgkc_opt.inputs.program_reader": "tests/inputs/test_program.py, tests/inputs/test_bad_inputs.py (every message)",
}


def test_every_module_with_logic_has_its_test_module() -> None:
    missing = [m for m in without_tests() if m not in NO_LOGIC and m not in NOT_YET]
    assert not missing, "add " + ", ".join(str(where_tested(m).relative_to(ROOT)) for m in missing)


def test_the_allow_lists_name_only_modules_that_exist_without_a_test_module() -> None:
    known = set(modules())
    assert set(NO_LOGIC) <= known and set(NOT_YET) <= known
    assert not set(NO_LOGIC) & set(NOT_YET)
    done = sorted(m for m in NOT_YET if where_tested(m).exists())
    assert not done, f"remove from NOT_YET (their test modules exist now): {', '.join(done)}"


def test_a_module_test_path_follows_the_package() -> None:
    assert where_tested("kgkc_opt.model.objectives").parts[-3:] == ("tests", "model", "test_objectives.py")
    assert where_tested("kgkc_opt.money").parts[-2:] == ("tests", "test_money.py")

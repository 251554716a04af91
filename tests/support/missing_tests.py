"""Print the modules of kgkc_opt that have no test module named after them, with their size:

    python -m tests.support.missing_tests

(tests/test_test_modules.py fails on any of them not in its allow-lists.)
"""

from __future__ import annotations

from tests.support.inventory import modules, where_tested, without_tests
from tests.support.paths import ROOT

if __name__ == "__main__":
    paths = modules()
    for name in without_tests():
        lines = len(paths[name].read_text(encoding="utf-8").splitlines())
        print(f"{name:45} {lines:5} lines  ->  {where_tested(name).relative_to(ROOT)}")

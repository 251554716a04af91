"""Tests of kgkc_opt.inputs (a package: test modules are named after the modules they test, and
two floors may both have a test_<module>.py)."""

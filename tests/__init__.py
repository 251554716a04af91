"""The kgkc_opt test suite (a package so that ``tests.support`` is always this folder's, never another
installed ``tests``)."""

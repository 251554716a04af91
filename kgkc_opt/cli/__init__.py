"""The ``kgkc-opt`` command line (``kgkc_opt.cli.app``), a thin layer over the API."""

from __future__ import annotations

from kgkc_opt.cli.app import main

__all__ = ["main"]

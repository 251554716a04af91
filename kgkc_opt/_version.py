"""The version of kgkc_opt (one place; the package, summary.json and the CLI read it)."""

__version__ = "0.2.0"

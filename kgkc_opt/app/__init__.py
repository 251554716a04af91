"""The local web app for planners who do not write YAML (``kgkc-opt app``, docs/app.md).

Built on Panel (the optional extra ``app``: ``pip install "kgkc-opt[app]"``) and on the same API as
the notebooks. ``state`` holds one session, ``actions`` are what a planner can do (plain functions,
tested without a browser), ``views`` draw the page, ``server`` serves it on 127.0.0.1.

In a notebook, the same page::

    from kgkc_opt.app import view
    view()          # view(lang="en") for English
"""

from __future__ import annotations

from typing import Any


def view(lang: str = "vi") -> Any:
    """The app's page as a Panel object (shows in Jupyter); needs the ``app`` extra."""
    import panel as pn

    from kgkc_opt.app.state import Session
    from kgkc_opt.app.views import App

    pn.extension("tabulator")
    return App(Session(lang=lang)).layout


__all__ = ["view"]

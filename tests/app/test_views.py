"""The app's page without a server or a browser (as it shows in a notebook): every tab is drawn,
an action's error becomes the one message, the language switch redraws in English."""

from __future__ import annotations

from typing import Any

import pytest

pn = pytest.importorskip("panel", reason="the app extra is not installed (pip install -e '.[app]')")

from kgkc_opt.app import view  # noqa: E402
from kgkc_opt.app.state import Session  # noqa: E402
from kgkc_opt.app.text import t  # noqa: E402
from kgkc_opt.app.views import TABS, App  # noqa: E402


def _markdown(obj: Any) -> str:
    """Every Markdown and Alert text in a Panel layout."""
    found = obj.select(lambda o: isinstance(o, pn.pane.Markdown | pn.pane.Alert))
    return "\n".join(str(o.object) for o in found)


@pytest.fixture
def app() -> Any:
    a = App(Session())
    yield a
    a.session.close()


def test_every_tab_drawn_in_vietnamese(app: App) -> None:
    tabs = app.layout.select(pn.Tabs)[0]
    assert [name for name, _ in zip(tabs._names, TABS, strict=True)] == [t(k, "vi") for k in TABS]
    assert t("title", "vi") in _markdown(app.layout)


def test_error_is_one_message_then_english(app: App) -> None:
    app.act(lambda: (_ for _ in ()).throw(RuntimeError("boom")))
    alerts = app.layout.select(pn.pane.Alert)
    assert len(alerts) == 1 and t("err_internal", "vi", kind="RuntimeError") in str(alerts[0].object)
    app.act(lambda: setattr(app.session, "lang", "en"))
    assert not app.layout.select(pn.pane.Alert)  # the next action clears the message
    assert t("title", "en") in _markdown(app.layout)


def test_solve_moves_to_the_plan(app: App) -> None:
    app.act(app._solve)
    assert app.active == TABS.index("tab_plan")
    assert app.session.result is not None and app.session.result.has_plan
    assert app.layout.select(lambda o: "kg-plan" in (getattr(o, "css_classes", None) or []))


def test_view_for_notebooks(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the session's folder, removed with tmp_path
    layout = view(lang="en")
    assert t("title", "en") in _markdown(layout)

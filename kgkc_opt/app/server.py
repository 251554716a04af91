"""Serve the app on this computer (``kgkc-opt app``): 127.0.0.1 unless told otherwise, every
script and style from the local Panel installation (no CDN: it works with no internet), one
``Session`` (and temporary folder) per browser tab, removed when the tab closes."""

from __future__ import annotations

import argparse
import signal
import sys
from typing import Any

LOCAL = "127.0.0.1"


def add_parser(sub: Any) -> None:
    """``kgkc-opt app [--port N] [--no-browser] [--host H] [--lang vi|en]``."""
    p = sub.add_parser("app", help="open the planning app in the browser (local web app; needs the 'app' extra)",
                       description="Serve the planning app (docs/app.md) on this computer and open it in the "
                       "browser: choose or upload a program, change each year's money and the targets, see the "
                       "plan, compare policies, run the annual selection, download the brief, the workbook and the "
                       "result folder. Works with no internet. Ctrl-C stops it.")
    p.add_argument("--port", type=int, default=5006, help="port to listen on (default %(default)s)")
    p.add_argument("--host", default=LOCAL, help="address to listen on (default %(default)s: this computer only; "
                   "another address lets other computers reach the app, without a password)")
    p.add_argument("--no-browser", action="store_true", help="do not open the browser")
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="language the page opens in (default vi)")


def cmd_app(args: argparse.Namespace) -> int:
    from kgkc_opt.errors import UsageError

    if not 0 < args.port < 65536:
        raise UsageError("--port: expected a port from 1 to 65535, got {port}", port=args.port)
    serve(port=args.port, host=args.host, open_browser=not args.no_browser, lang=args.lang)
    return 0


def _page(lang: str) -> Any:
    import panel as pn

    from kgkc_opt.app.state import Session
    from kgkc_opt.app.views import App

    app = App(Session(lang=lang))
    _OPEN.append(app.session)

    def closed(_context: Any) -> None:
        app.session.close()
        if app.session in _OPEN:
            _OPEN.remove(app.session)

    pn.state.on_session_destroyed(closed)
    return app.layout


#: the sessions of the open browser tabs: their temporary folders are removed when the server stops
_OPEN: list[Any] = []


def _stop(_signum: int, _frame: Any) -> None:
    raise SystemExit(0)


def serve(*, port: int = 5006, host: str = LOCAL, open_browser: bool = True, lang: str = "vi") -> None:
    """Serve the app until interrupted (Ctrl-C)."""
    from kgkc_opt.errors import UsageError

    try:
        import panel as pn
    except ImportError:
        raise UsageError('the app needs Panel: pip install "kgkc-opt[app]"') from None
    from kgkc_opt.app.text import t

    pn.extension("tabulator")
    # scripts and styles come from this server's /static (Panel's default when serving), never from a CDN
    origins = [f"{host}:{port}"] + ([f"localhost:{port}"] if host == LOCAL else [])
    url = f"http://{host}:{port}/"
    print(t("serving", lang, url=url), flush=True)
    sys.stdout.flush()
    signal.signal(signal.SIGTERM, _stop)  # a stop by the system (or a test) still removes the folders
    try:
        pn.serve(lambda: _page(lang), port=port, address=host, show=open_browser, websocket_origin=origins,
                 title=t("title", lang), threaded=False, print=False,
                 websocket_max_message_size=20 * 1024 * 1024)
    finally:
        for session in list(_OPEN):
            session.close()
        _OPEN.clear()

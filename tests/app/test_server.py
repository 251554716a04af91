"""``kgkc-opt app``: its options, a bad port as one line and exit 2, and no Panel import for
the other commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kgkc_opt.app.server import LOCAL
from kgkc_opt.cli.app import build_parser, main

ROOT = Path(__file__).resolve().parents[2]


def test_defaults_listen_on_this_computer_only() -> None:
    args = build_parser().parse_args(["app"])
    assert (args.host, args.port, args.no_browser, args.lang) == (LOCAL, 5006, False, "vi")
    args = build_parser().parse_args(["app", "--port", "8123", "--no-browser", "--lang", "en"])
    assert (args.port, args.no_browser, args.lang) == (8123, True, "en")


@pytest.mark.parametrize("port", ["0", "70000"])
def test_bad_port_is_one_line(port: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["app", "--port", port]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"kgkc-opt: --port: cần một cổng từ 1 đến 65535, nhận được {int(port)}"]  # (the default: vi)
    assert main(["app", "--port", port, "--lang", "en"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"kgkc-opt: --port: expected a port from 1 to 65535, got {int(port)}"]


def test_other_commands_do_not_load_panel() -> None:
    code = ("import sys; from kgkc_opt.cli.app import build_parser; build_parser(); "
            "print('panel' in sys.modules, 'bokeh' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]

"""The document commands (``cli.documents``): ``chart``, ``report`` and ``solve --xlsx`` through the
command line, on the tiny program; a results CSV checked at the door, every bad cell named; ``report
--document-settings`` checked at the door, before the study."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from kgkc_opt.cli.app import main
from tests.support.paths import FIXTURES, SCENARIOS

TINY = str(FIXTURES / "tiny-baseline.yaml")


def test_a_chart_is_written_in_the_format_its_name_asks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "budget.svg"
    assert main(["chart", "budget", TINY, "--out", str(out), "--lang", "en"]) == 0
    assert out.read_text(encoding="utf-8").lstrip().startswith(("<?xml", "<svg"))
    assert str(out) in capsys.readouterr().out


def test_a_chart_name_of_another_format_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["chart", "budget", TINY, "--out", str(tmp_path / "budget.jpg")]) == 2
    assert not (tmp_path / "budget.jpg").exists()


def test_a_sweep_csv_with_bad_cells_names_each(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = tmp_path / "sweep.csv"
    table.write_text("level,task_id,share\n100,A.1,1\n90,A.1,1.5\n80,A.1,abc\n", encoding="utf-8")
    code = main(["chart", "sweep", str(table), "--program", str(FIXTURES / "tiny-program.yaml"),
                 "--out", str(tmp_path / "s.svg"), "--lang", "en"])
    err = capsys.readouterr().err
    assert code == 2
    assert "line 3, column share: expected a number from 0 to 1, got '1.5'" in err
    assert "line 4, column share: expected a number from 0 to 1, got 'abc'" in err


def test_the_brief_is_written_as_markdown(tmp_path: Path) -> None:
    out = tmp_path / "brief.md"
    assert main(["report", TINY, "--out", str(out), "--lang", "en"]) == 0
    text = out.read_text(encoding="utf-8")
    assert "\n# Scenario brief: " in text and "Money in million VND" in text


def test_solve_writes_the_workbook_with_xlsx(tmp_path: Path) -> None:
    out = tmp_path / "plan.xlsx"
    assert main(["solve", TINY, "--xlsx", str(out), "--lang", "en"]) == 0
    assert len(load_workbook(out).sheetnames) >= 2


def test_a_bad_settings_file_ends_the_run_with_every_problem_and_exit_2(capsys, tmp_path):
    settings = tmp_path / "settings.yaml"
    settings.write_text("issuer: [x]\ndate: 12/10/2026\nsigner_name: a\n", encoding="utf-8")
    out = tmp_path / "brief.docx"
    code = main(["report", str(SCENARIOS / "cut-20pct.yaml"), "--lang", "en", "--document-settings", str(settings),
                 "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and not out.exists()
    for where in ("signer_name: unknown key", "issuer: expected text", "date: expected a date like 2026-12-10"):
        assert f"{settings}: {where}" in err


def test_the_command_is_recorded_as_given():
    import argparse

    from kgkc_opt.cli.documents import _report_command

    args = argparse.Namespace(scenario="s.yaml", compare=None, lang="vi", policy="fair", document_settings="d.yaml",
                              solver=None, out="b.docx", no_least=True)
    assert _report_command(args) == ["kgkc-opt", "report", "s.yaml", "--lang", "vi", "--policy", "fair",
                                     "--document-settings", "d.yaml", "--out", "b.docx", "--no-least"]

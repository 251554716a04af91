"""``kgkc-opt report --document-settings``: the settings file is checked at the door, before the study."""

from __future__ import annotations

from pathlib import Path

from kgkc_opt.cli.app import main

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def test_a_bad_settings_file_ends_the_run_with_every_problem_and_exit_2(capsys, tmp_path):
    settings = tmp_path / "settings.yaml"
    settings.write_text("issuer: [x]\ndate: 12/10/2026\nsigner_name: a\n", encoding="utf-8")
    out = tmp_path / "brief.docx"
    code = main(["report", str(SCENARIOS / "cut-20pct.yaml"), "--document-settings", str(settings),
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

"""``kgkc-opt program template | import | export`` (``cli.program_xlsx``) through the command line."""

from __future__ import annotations

from pathlib import Path

from kgkc_opt.cli import app
from kgkc_opt.inputs.files import load_program
from kgkc_opt.inputs.program_dict import program_to_dict


def test_export_then_import_gives_the_program_back(tmp_path: Path, capsys) -> None:
    xlsx, yaml_file = tmp_path / "kg.xlsx", tmp_path / "kg.yaml"
    assert app.main(["program", "export", "kien-giang-2021-2025", "--xlsx", str(xlsx)]) == 0
    assert app.main(["program", "import", str(xlsx), "--out", str(yaml_file)]) == 0
    out = capsys.readouterr().out
    assert "24 nhiệm vụ trong 8 nhóm" in out and "6 lỗi" in out  # Decision 2454's six audit errors
    assert program_to_dict(load_program(yaml_file)) == program_to_dict(load_program("kien-giang-2021-2025"))
    # an existing file is not replaced without --force
    assert app.main(["program", "import", str(xlsx), "--out", str(yaml_file)]) == 2
    assert "--force" in capsys.readouterr().err
    assert app.main(["program", "import", str(xlsx), "--out", str(yaml_file), "--force", "--lang", "en"]) == 0
    assert "24 tasks in 8 groups" in capsys.readouterr().out


def test_the_empty_template_is_refused_with_every_problem(tmp_path: Path, capsys) -> None:
    xlsx = tmp_path / "t.xlsx"
    assert app.main(["program", "template", "--out", str(xlsx)]) == 0
    assert "kgkc-opt program import" in capsys.readouterr().out
    assert app.main(["program", "import", str(xlsx), "--out", str(tmp_path / "t.yaml"), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kgkc-opt: 8 problems found:")
    assert "sheet 'Chương trình - Program', cell C5 (id): required key is missing" in err
    assert "sheet 'Nhiệm vụ - Tasks', cell A5 (tasks): the program has no tasks" in err
    assert not (tmp_path / "t.yaml").exists()


def test_a_missing_or_wrong_file_is_one_line_and_exit_2(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("KGKC_LANG", "en")  # (checks the English wording)
    assert app.main(["program", "import", str(tmp_path / "none.xlsx"), "--out", str(tmp_path / "p.yaml")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert app.main(["program", "export", "kien-giang-2021-2025", "--xlsx", str(tmp_path / "p.csv")]) == 2
    assert ".xlsx" in capsys.readouterr().err

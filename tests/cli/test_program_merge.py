"""``kgkc-opt program merge`` (``cli.program_merge``) and the program file it writes (``report.program_file``).

The command's own parser is built here (``add_merge_parser`` on a ``program`` subparser), so these
tests run whether or not ``cli.app`` registers the action yet; the end-to-end test through
``kgkc-opt`` itself is skipped until ``merge`` is a subcommand of the app's ``program`` command.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
from pathlib import Path

import pytest

import kgkc_opt as kg
from kgkc_opt._version import __version__
from kgkc_opt.analysis.merge import merge_programs
from kgkc_opt.cli import app
from kgkc_opt.cli.program_merge import add_merge_parser, cmd_merge
from kgkc_opt.errors import KgkcError, OutputError, ProgramError, UsageError
from kgkc_opt.inputs.program import Text
from kgkc_opt.inputs.program_dict import program_to_dict
from kgkc_opt.report.program_file import program_yaml_text, write_program_yaml
from tests.support.paths import FIXTURES

KG, EXAMPLE = "kien-giang-2021-2025", "example-2026-2030"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kgkc-opt program")
    sub = p.add_subparsers(dest="program_command", metavar="ACTION")
    add_merge_parser(sub)
    return p


def merge(capsys, *argv: str) -> tuple[int, str]:
    args = parser().parse_args(["merge", *argv])
    code = cmd_merge(args)
    return code, capsys.readouterr().out


def same(a: kg.Program, b: kg.Program) -> bool:
    return dataclasses.replace(a, origin="") == dataclasses.replace(b, origin="")


def test_merge_writes_the_program_and_prints_the_summary(capsys, tmp_path):
    out = tmp_path / "an-giang-2021-2030.yaml"
    code, text = merge(capsys, KG, EXAMPLE, "--name", "an-giang-2021-2030", "--province", "An Giang",
                       "--out", str(out))
    assert code == 0
    written = kg.load_program(out)
    expected = merge_programs([kg.load_program(KG), kg.load_program(EXAMPLE)], name="an-giang-2021-2030",
                              province="An Giang")
    assert same(written, expected.program)
    assert "Nhiệm vụ theo chương trình gốc:" in text
    assert "KG  kien-giang-2021-2025  2021–2025        24" in text
    assert "AG  example-2026-2030     2026–2030        18" in text
    assert "2021    8.063   4.658     3.405" in text and "Cộng   89.640  42.965    46.675" in text
    assert "Xung đột quy định hỗ trợ: không có." in text
    assert "Phát hiện do chính việc hợp nhất gây ra: không có" in text
    assert f"Đã ghi {out}" in text


def test_merge_summary_in_english(capsys, tmp_path):
    code, text = merge(capsys, KG, EXAMPLE, "--name", "ag", "--out", str(tmp_path / "ag.yaml"), "--lang", "en")
    assert code == 0
    assert "Period 2021–2030; 42 tasks in 8 groups; million VND" in text
    assert "Sum   89,640      42,965  46,675" in text
    assert "Audit findings caused by the merge itself: none" in text
    assert "Support-rule conflicts: none." in text
    assert "[annual-cadence-impossible] V.KG.2 is to run every year" in text


def test_merge_reports_conflicts_and_combines(capsys, tmp_path):
    doc = program_to_dict(kg.load_program(KG))
    doc["id"], doc["province"] = "an-giang-2021-2025", "An Giang"
    doc["support_rules"]["brand_building"]["max_state_per_unit"] = 40
    other = tmp_path / "an-giang-2021-2025.yaml"
    write_program_yaml(doc, other)
    out = tmp_path / "merged.yaml"
    code, text = merge(capsys, KG, str(other), "--name", "merged", "--out", str(out), "--lang", "en",
                       "--combine", "KG-II.2,AG-II.2", "--title-vi", "Chương trình hợp nhất", "--title-en", "Merged")
    assert code == 0
    assert "Support-rule conflicts (1):" in text
    assert "max_state_per_unit: 35 (KG) ≠ 40 (AG)" in text and "brand_building@KG, brand_building@AG" in text
    program = kg.load_program(out)
    assert program.title == Text("Chương trình hợp nhất", "Merged")
    assert program.task("II.KG.AG.2").quantity == 56
    assert program.task("III.AG.3").support_rule == "brand_building@AG"


def test_usage_and_input_errors_exit_2(capsys, tmp_path):
    out = str(tmp_path / "m.yaml")
    with pytest.raises(UsageError, match="at least two programs") as info:
        merge(capsys, KG, "--name", "m", "--out", out)
    assert info.value.exit_code == 2
    with pytest.raises(UsageError, match="2 programs but 1 prefixes"):
        merge(capsys, KG, EXAMPLE, "--name", "m", "--out", out, "--prefix", "KG")
    with pytest.raises(UsageError, match=r"units differ"):
        merge(capsys, KG, EXAMPLE, "--name", "m", "--out", out, "--combine", "KG-II.1,AG-II.2")
    with pytest.raises(ProgramError, match="no such program") as bad:
        merge(capsys, KG, "no-such-program", "--name", "m", "--out", out)
    assert bad.value.exit_code == 2
    with pytest.raises(OutputError, match=r"written as \.yaml"):
        merge(capsys, KG, EXAMPLE, "--name", "m", "--out", str(tmp_path / "m.txt"))
    assert not Path(out).exists()
    with pytest.raises(SystemExit) as usage:  # argparse: --name and --out are required
        merge(capsys, KG, EXAMPLE, "--out", out)
    assert usage.value.code == 2


def test_an_existing_file_needs_force_and_an_input_is_never_replaced(capsys, tmp_path):
    out = tmp_path / "m.yaml"
    out.write_text("keep", encoding="utf-8")
    with pytest.raises(OutputError, match="use --force"):
        merge(capsys, KG, EXAMPLE, "--name", "m", "--out", str(out))
    assert out.read_text(encoding="utf-8") == "keep"
    code, _ = merge(capsys, KG, EXAMPLE, "--name", "m", "--out", str(out), "--force")
    assert code == 0 and kg.load_program(out).id == "m"
    with pytest.raises(UsageError, match="is the input program"):
        merge(capsys, str(out), EXAMPLE, "--name", "m2", "--out", str(out), "--force", "--prefix", "M",
              "--prefix", "AG")


# --- the program file ------------------------------------------------------------------------------


def test_program_file_is_readable_exact_and_deterministic(tmp_path):
    result = merge_programs([kg.load_program(KG), kg.load_program(EXAMPLE)], name="an-giang-2021-2030")
    text = program_yaml_text(result.program_dict, merged_from=result.inputs)
    assert text == program_yaml_text(result.program_dict, merged_from=result.inputs)
    assert text.startswith(f"# Program file (kgkc-program/1) merged from {KG} and {EXAMPLE}\n"
                           f"# by kgkc-opt {__version__} (kgkc-opt program merge).\n")
    assert "Kiên Giang" in text and "\\u" not in text  # unicode kept
    assert "\nformat: kgkc-program/1\nid: an-giang-2021-2030\ntitle:\n" in text  # block style, keys in order
    assert "    2021: {total: 8063, state: 4658, other: 3405}\n" in text
    assert "    tasks: [II.KG.1, II.KG.2]\n" in text
    path = write_program_yaml(result.program_dict, tmp_path / "a.yaml", merged_from=result.inputs)
    assert path.read_bytes() == text.encode("utf-8")
    assert same(kg.load_program(path), result.program)


def test_program_file_writes_decimals_as_the_file_had_them(tmp_path):
    doc = program_to_dict(kg.load_program(FIXTURES / "tiny-program.yaml"))
    doc["tasks"][0]["cost"] = {"total": 4192.2, "state": 4.658, "other": 4187.542}
    doc["annual_budget"]["years"][2021]["state"] = 17.88
    program = kg.program_from_dict(doc)
    text = program_yaml_text(program_to_dict(program))
    assert "cost: {total: 4192.2, state: 4.6580, other: 4187.542}" in text
    assert "state: 17.88" in text and "0000000" not in text
    path = write_program_yaml(program_to_dict(program), tmp_path / "tiny.yaml")
    assert same(kg.load_program(path), program)
    with pytest.raises(OutputError, match="use --force"):
        write_program_yaml(program_to_dict(program), path)


def test_program_file_refuses_an_invalid_document(tmp_path):
    doc = program_to_dict(kg.load_program(FIXTURES / "tiny-program.yaml"))
    doc["tasks"][0]["quantity"] = "two"
    with pytest.raises(ProgramError):
        write_program_yaml(doc, tmp_path / "bad.yaml")
    assert not (tmp_path / "bad.yaml").exists()
    assert issubclass(ProgramError, KgkcError)


# --- end to end, once cli.app registers the action --------------------------------------------------


def _merge_is_wired() -> bool:
    with contextlib.redirect_stderr(io.StringIO()):
        try:
            args = app.build_parser().parse_args(["program", "merge", KG, EXAMPLE, "--name", "x", "--out", "x.yaml"])
        except SystemExit:
            return False
    return getattr(args, "program_command", None) == "merge"


@pytest.mark.skipif(not _merge_is_wired(), reason="'merge' is not yet a subcommand of 'kgkc-opt program'")
def test_kgkc_opt_program_merge_end_to_end(capsys, tmp_path):
    out = tmp_path / "an-giang-2021-2030.yaml"
    code = app.main(["program", "merge", KG, EXAMPLE, "--name", "an-giang-2021-2030", "--out", str(out)])
    text = capsys.readouterr().out
    assert code == 0, text
    assert "Phát hiện do chính việc hợp nhất gây ra: không có" in text
    assert kg.load_program(out).period == (2021, 2030)
    code = app.main(["program", "merge", KG, EXAMPLE, "--name", "x", "--out", str(out)])
    assert code == 2  # exists, no --force
    assert "dùng --force để thay thế" in capsys.readouterr().err
    code = app.main(["audit", str(out), "--no-schedule"])
    assert code == 0


def test_the_vietnamese_summary_is_vietnamese(capsys, tmp_path):
    from tests.support.language import english_words

    _, text = merge(capsys, KG, EXAMPLE, "--name", "an-giang-2021-2030", "--out", str(tmp_path / "m.yaml"),
                    "--combine", "KG-II.2,AG-II.2")
    # program ids and prefixes are names; the rest is Vietnamese
    names = [KG, EXAMPLE, "an-giang-2021-2030", "kgkc-opt", "AG"]
    words = [w for w in english_words(text, names) if w not in names]
    for name in names:
        text = text.replace(name, " ")
    assert english_words(text) == [], words

"""The wording catalogue (kgkc_opt.words, kgkc_opt/locale/*.po) and the command line's help in it."""

from __future__ import annotations

import re

import pytest

from kgkc_opt import words
from kgkc_opt.cli import help_words
from kgkc_opt.cli.app import build_parser, main

PLACEHOLDER = re.compile(r"%(?:\([a-z_]+\))?[sdr]")


def test_read_po_joins_continued_strings_and_skips_the_header_and_comments():
    text = ('# c\nmsgid ""\nmsgstr ""\n"Language: vi\\n"\n\n'
            'msgid "a "\n"b"\nmsgstr "x\\n"\n"y"\n\nmsgid "c"\nmsgstr ""\n')
    assert words.read_po(text) == {"a b": "x\ny"}


def test_read_po_says_where_a_line_is_wrong():
    with pytest.raises(ValueError, match="line 2"):
        words.read_po('msgid "a"\nmsgstr x\n')


def test_every_entry_is_translated_and_keeps_its_placeholders():
    entries = words.catalogue("vi")
    assert len(entries) > 100
    for msgid, msgstr in entries.items():
        assert msgstr.strip(), msgid
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(msgstr)), msgid


def test_every_help_text_of_the_command_line_has_a_vietnamese_entry():
    missing = [t for t in help_words.help_texts(build_parser()) if t not in words.catalogue("vi")]
    assert not missing, "add these to kgkc_opt/locale/vi.po:\n" + "\n".join(missing)


def test_say_falls_back_to_english_and_english_is_the_code():
    assert words.say("no such text", "vi") == "no such text"
    assert words.say("scenario file (YAML)", "en") == "scenario file (YAML)"
    assert words.say("scenario file (YAML)", "vi") == "tệp phương án (YAML)"


@pytest.mark.parametrize(("argv", "env", "lang"), [
    ([], {}, "vi"), (["solve", "--lang", "en"], {}, "en"), (["--lang=en"], {}, "en"),
    ([], {"KGKC_LANG": "en"}, "en"), (["--lang", "en"], {"KGKC_LANG": "vi"}, "en"), (["--lang", "fr"], {}, "vi"),
])
def test_the_run_language_comes_from_the_arguments_then_the_environment(argv, env, lang):
    assert help_words.run_language(argv, env) == lang


def _help(capsys, argv):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 0
    return capsys.readouterr().out


def test_help_is_vietnamese_by_default_and_english_with_lang_en(capsys, monkeypatch):
    monkeypatch.delenv("KGKC_LANG", raising=False)
    vi = _help(capsys, ["--help"])
    assert "cách dùng: kgkc-opt" in vi and "giải một phương án" in vi and "tùy chọn" in vi
    assert "solve a scenario" not in vi and "usage:" not in vi
    en = _help(capsys, ["--help", "--lang", "en"])
    assert "usage: kgkc-opt" in en and "solve a scenario and print (or write) the plan" in en
    solve_vi = _help(capsys, ["solve", "--help"])
    english = [t for t in help_words.help_texts(build_parser()) if t.split()[0] in solve_vi]
    assert "tệp phương án (YAML)" in solve_vi and "in hướng dẫn này rồi thoát" in solve_vi
    assert not [t for t in english if t in solve_vi]


def test_a_usage_error_in_a_vietnamese_run_is_vietnamese(capsys, monkeypatch):
    monkeypatch.delenv("KGKC_LANG", raising=False)
    with pytest.raises(SystemExit) as exit_:
        main(["solve"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "lỗi: thiếu các tham số bắt buộc: scenario" in err
    assert "argparse" not in err and "error:" not in err


def test_argparse_is_left_as_it_was_after_a_run(capsys):
    import argparse

    before = argparse._  # type: ignore[attr-defined]
    _help(capsys, ["--help"])
    assert argparse._ is before  # type: ignore[attr-defined]


def test_read_po_reads_every_string_of_the_catalogue_as_python_reads_it():
    """The fast path (no escape, no quote inside) gives what ast.literal_eval gives, on every quoted
    line of vi.po, escapes included."""
    import ast
    from importlib import resources

    text = resources.files("kgkc_opt").joinpath("locale", "vi.po").read_text(encoding="utf-8")
    quoted = [line.strip().split(" ", 1)[-1] if not line.strip().startswith('"') else line.strip()
              for line in text.splitlines() if line.strip().startswith(("msgid ", "msgstr ", '"'))]
    assert any("\\" in q for q in quoted)  # the catalogue has escapes: both paths are read
    assert [words._unquote(q) for q in quoted] == [ast.literal_eval(q) for q in quoted]
    assert words._unquote('"a \\"b\\" \\\\ c\\n"') == 'a "b" \\ c\n'

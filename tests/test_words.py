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


@pytest.mark.parametrize("text", [
    'msgid "a"\nmsgstr "x"\n',
    '# c\nmsgid ""\nmsgstr ""\n"Language: vi\\n"\n\nmsgid "a "\n"b"\nmsgstr "x\\n"\n"y"\n\nmsgid "c"\nmsgstr ""\n',
    'msgid "a"\nmsgstr "x"\nmsgid "a"\nmsgstr "y"',  # the last of two wins; no newline at the end
    'msgid "a"\n# between\nmsgstr "x"\n',  # a comment inside an entry
    '  msgid "a"\n\tmsgstr "x"  \n\n   \n',  # indented lines and lines of spaces
    'msgid "a"\r\nmsgstr "x"\r\n',  # Windows line ends
    'msgid "a"\nmsgstr "x\u2028y"\n',  # a line end of str.splitlines inside a string
    'msgstr "x"\nmsgid "a"\nmsgstr "y"\n',  # a msgstr before any msgid
    'msgid "a"\nmsgid "b"\nmsgstr "y"\n',  # a msgid without its msgstr
    'msgid "a" "b"\nmsgstr "x\\ty\\\'z\\\\"\n"\\u00e9"\n',  # concatenated on one line; other escapes
    'msgid "a"\nmsgstr "x"\n"y"\n"z"\n\n\n# end',
])
def test_the_regular_expression_reader_reads_as_the_line_reader(text):
    """``read_po`` reads a text laid out as the project writes it by regular expressions, anything
    else line by line: the same catalogue either way (or the same error)."""
    try:
        expected: dict[str, str] | str = words._read_po_lines(text)
    except ValueError as exc:
        expected = str(exc)
    try:
        got: dict[str, str] | str = words.read_po(text)
    except ValueError as exc:
        got = str(exc)
    assert got == expected
    laid_out = words._read_po_laid_out(text)
    assert laid_out is None or laid_out == expected


def test_the_catalogue_is_read_by_regular_expressions_and_as_line_by_line():
    text = words._po_text("vi")
    assert words._read_po_laid_out(text) is not None  # the fast path is the one taken
    assert words._read_po_laid_out(text) == words._read_po_lines(text) == words.catalogue("vi")


@pytest.mark.parametrize("quoted", [
    '"plain"', '"a \\"b\\""', '"x\\ny\\tz"', "\"it\\'s\"", '"a\\\\"', '"a\\\\\\"b"', '"\\\\n"',
    '"a" "b"', '"\\u00e9\\x41"', '"\\\\\\n"',
])
def test_a_quoted_string_is_read_as_python_reads_it(quoted):
    import ast

    assert words._unquote(quoted) == ast.literal_eval(quoted)

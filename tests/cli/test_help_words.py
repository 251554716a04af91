"""The command line's help in the run's language (``cli.help_words``): the language from the
arguments then the environment, every help text of a parser tree found and worded, argparse's own
phrases worded for the run only."""

from __future__ import annotations

import argparse

from kgkc_opt.cli.help_words import argparse_language, help_texts, parsers, run_language, translate_parser
from kgkc_opt.words import say


def _tree() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kgkc-opt", description="Optimise a program")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of errors")
    sub = parser.add_subparsers(dest="command")
    solve = sub.add_parser("solve", help="solve a scenario and print (or write) the plan", description="Solve it")
    solve.add_argument("scenario", help="scenario file (YAML)")
    solve.add_argument("--secret", help=argparse.SUPPRESS)
    return parser


def test_the_last_lang_argument_wins_then_the_environment_then_vietnamese() -> None:
    assert run_language(["solve", "--lang", "en", "--lang=vi"], {}) == "vi"
    assert run_language(["solve"], {"KGKC_LANG": "en"}) == "en"
    assert run_language(["--lang", "fr"], {"KGKC_LANG": "en"}) == "vi"  # unknown: the default
    assert run_language([], {}) == "vi"


def test_every_help_text_of_the_tree_is_found_once() -> None:
    parser = _tree()
    assert len(list(parsers(parser))) == 2
    texts = help_texts(parser)
    assert texts[:2] == ["Optimise a program", "show this help message and exit"]  # argparse's own, once
    assert {"show tracebacks of errors", "solve a scenario and print (or write) the plan", "Solve it",
            "scenario file (YAML)"} <= set(texts)
    assert argparse.SUPPRESS not in texts and len(texts) == len(set(texts))


def test_a_parser_tree_is_worded_in_vietnamese_and_left_as_it_is_in_english() -> None:
    english, vietnamese = _tree(), _tree()
    translate_parser(english, "en")
    translate_parser(vietnamese, "vi")
    assert help_texts(english) == help_texts(_tree())
    worded = dict(zip(help_texts(_tree()), help_texts(vietnamese), strict=True))
    assert worded["scenario file (YAML)"] == say("scenario file (YAML)", "vi") != "scenario file (YAML)"


def test_argparse_phrases_are_worded_only_inside_the_block() -> None:
    original = argparse._  # type: ignore[attr-defined]
    with argparse_language("vi"):
        assert argparse._("usage: ") == say("usage: ", "vi")  # type: ignore[attr-defined]
    assert argparse._ is original  # type: ignore[attr-defined]
    with argparse_language("en"):
        assert argparse._ is original  # type: ignore[attr-defined]

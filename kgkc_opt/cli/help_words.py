"""The command line's help and argparse's own messages in the run's language.

The language of a run is chosen before the parser is built, from the arguments (``--lang vi|en``
anywhere, as every command takes it) or the environment (``KGKC_LANG``), Vietnamese by default, so
that ``kgkc-opt --help``, ``kgkc-opt solve --help`` and a usage error are worded in it. The parser's
texts are written in English in the code; ``translate_parser`` replaces each with its entry in the
catalogue (``kgkc_opt.words``), and ``argparse_language`` words argparse's own phrases ("usage:",
"the following arguments are required: ...") for the duration of parsing.
"""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Iterator, Sequence

from kgkc_opt.words import DEFAULT_LANGUAGE, LANGUAGES, say


def run_language(argv: Sequence[str], environ: dict[str, str] | None = None) -> str:
    """The language of a run: the last ``--lang X`` / ``--lang=X`` in argv, else $KGKC_LANG, else vi."""
    environ = dict(os.environ) if environ is None else environ
    lang = environ.get("KGKC_LANG", DEFAULT_LANGUAGE)
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            lang = argv[i + 1]
        elif arg.startswith("--lang="):
            lang = arg.split("=", 1)[1]
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """The parser and every sub-parser below it, each once."""
    seen: set[int] = set()
    stack = [parser]
    while stack:
        p = stack.pop()
        if id(p) in seen:
            continue
        seen.add(id(p))
        yield p
        for action in p._actions:
            if isinstance(action, argparse._SubParsersAction):
                stack.extend(action.choices.values())


def help_texts(parser: argparse.ArgumentParser) -> list[str]:
    """Every text of the parser that a user reads in a help page (descriptions, argument helps,
    sub-command helps), each once, in the order met."""
    texts: list[str] = []
    for p in parsers(parser):
        candidates = [p.description, *(a.help for a in p._actions)]
        for action in p._actions:
            if isinstance(action, argparse._SubParsersAction):
                candidates += [c.help for c in action._choices_actions]
        for text in candidates:
            if text and text != argparse.SUPPRESS and text not in texts:
                texts.append(text)
    return texts


def translate_parser(parser: argparse.ArgumentParser, lang: str) -> None:
    """Word every help text and group title of the parser tree in ``lang``."""
    if lang == "en":
        return
    for p in parsers(parser):
        if p.description:
            p.description = say(p.description, lang)
        for group in p._action_groups:
            if group.title:
                group.title = say(group.title, lang)
        for action in p._actions:
            if action.help and action.help != argparse.SUPPRESS:
                action.help = say(action.help, lang)
            if isinstance(action, argparse._SubParsersAction):
                for choice in action._choices_actions:
                    if choice.help:
                        choice.help = say(choice.help, lang)


@contextlib.contextmanager
def argparse_language(lang: str) -> Iterator[None]:
    """argparse's own phrases in ``lang`` while the block runs (argparse words them through its
    module-level gettext function ``argparse._``, looked up at each use)."""
    if lang == "en":
        yield
        return
    original = argparse._  # type: ignore[attr-defined]
    argparse._ = lambda text: say(text, lang)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._ = original  # type: ignore[attr-defined]

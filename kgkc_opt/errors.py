"""The one exception tree of kgkc_opt.

Every error the toolkit raises on purpose is a ``KgkcError``; the CLI maps each branch to an exit
code and prints its message without a traceback (``--debug`` shows it)::

    KgkcError                      base class; exit code 3 unless a subclass says otherwise
    ├── InputError                 a program, scenario or actuals file is wrong (exit 2); carries
    │   │                          every Problem found, not only the first
    │   ├── ProgramError           ... in a program file
    │   ├── ScenarioError          ... in a scenario file
    │   ├── ActualsError           ... in an actuals (executed years) CSV
    │   └── ProposalsError         ... in a proposals (đề án) file, CSV or xlsx
    ├── UsageError                 a command or API call was asked for something it cannot do with
    │                              these arguments, e.g. sweep levels "abc" (exit 2)
    ├── OutputError                an output cannot be written as asked, e.g. the folder exists and
    │                              --force was not given (exit 2)
    ├── InfeasibleError            the hard requirements conflict (exit 1); carries the explanation
    ├── NoSolutionError            a result without a plan was asked for its plan
    └── SolverError                the solver is missing, crashed or returned something unusable
        ├── SolverUnavailableError the selected solver is not installed
        └── SolutionCheckError     the returned plan violates a constraint on re-check
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Self

from kgkc_opt.words import DEFAULT_LANGUAGE, say


def word(template: str, values: Mapping[str, Any], lang: str) -> str:
    """``template`` (English, the catalogue's key) in ``lang``, filled with ``values``; a value that
    is a ``Said`` is worded in ``lang`` too. A template without values is printed as it is (it may
    hold braces that are not placeholders)."""
    text = say(template, lang)
    if not values:
        return text
    return text.format(**{k: v.worded(lang) if isinstance(v, Said) else v for k, v in values.items()})


class Said(str):
    """English text (it is the ``str``) that remembers its template and values, so that a message
    built from it can be worded in another language at the edge: ``Said("a list")``."""

    template: str
    values: Mapping[str, Any]

    def __new__(cls, template: str, **values: Any) -> Self:
        said = super().__new__(cls, word(template, values, "en"))
        said.template, said.values = template, values
        return said

    def worded(self, lang: str) -> str:
        return word(self.template, self.values, lang)

    def filled(self, lang: str) -> str:
        """The English text with its ``Bilingual`` values (names, units) in ``lang``: for a reader
        that words the English sentence itself (the audit's findings)."""
        return self.template.format(**{k: v.filled(lang) if isinstance(v, Said) else v
                                       for k, v in self.values.items()}) if self.values else self.template


class Bilingual(Said):
    """A name the program gives in both languages (a unit, a title): the English is the ``str``."""

    vi: str

    def __new__(cls, en: str, vi: str) -> Self:
        said = super().__new__(cls, en)
        said.vi = vi
        return said

    def worded(self, lang: str) -> str:
        return self.vi if lang == "vi" else str(self)

    def filled(self, lang: str) -> str:
        return self.worded(lang)


class Figure(Said):
    """A number written the English way ("4,657.38"), written the Vietnamese way in Vietnamese
    ("4.657,38")."""

    def __new__(cls, text: object) -> Self:
        return super().__new__(cls, str(text))  # (no values: the text is taken as it is)

    def worded(self, lang: str) -> str:
        return str(self).translate(_VI_SEPARATORS) if lang == "vi" else str(self)


_VI_SEPARATORS = str.maketrans({",": ".", ".": ","})


class Joined(Said):
    """Texts joined by ``sep`` (``"; ".join(parts)``), each worded in the run's language (and ``sep``
    too when it is a ``Said``: ``Joined(ids, Said(" and "))``)."""

    parts: tuple[str, ...]
    sep: str

    def __new__(cls, parts: Any, sep: str = ", ") -> Self:
        items = tuple(parts)
        joined = super().__new__(cls, sep.join(items))
        joined.parts, joined.sep = items, sep
        return joined

    def worded(self, lang: str) -> str:
        sep = self.sep.worded(lang) if isinstance(self.sep, Said) else self.sep
        return sep.join(p.worded(lang) if isinstance(p, Said) else say(p, lang) for p in self.parts)

    def filled(self, lang: str) -> str:
        return self.sep.join(p.filled(lang) if isinstance(p, Said) else p for p in self.parts)


#: Where a problem is, as the readers write it (English), and its Vietnamese wording.
_PLACES = [(re.compile(p), vi) for p, vi in [
    (r"^line (\d+)", r"dòng \1"),
    (r"^row (\d+)", r"hàng \1"),
    (r", column (\d+)$", r", cột \1"),
    (r"^sheet ", r"trang tính "),
]]


class Place(Said):
    """A problem's place as text ("line 3, column 9"), worded by ``word_place``."""

    def __new__(cls, where: str) -> Self:
        return super().__new__(cls, str(where))

    def worded(self, lang: str) -> str:
        return word_place(str(self), lang)


def word_place(where: str, lang: str) -> str:
    """A problem's place (a key path, or "line 3, column 9") in ``lang``."""
    if isinstance(where, Said) and not isinstance(where, Place):
        return where.worded(lang)
    if lang == "en":
        return where
    for pattern, vi in _PLACES:
        where = pattern.sub(vi, where)
    return where


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where (file, key path or line) and what was expected.

    ``template`` is the English message with ``{placeholders}`` (the wording catalogue's key) and
    ``values`` fill them: ``str(problem)`` and ``message`` are English (the API's), ``worded(lang)``
    is the message in a run's language (what the command line prints)."""

    source: str
    where: str
    template: str
    values: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if isinstance(self.template, Said) and not self.values:  # a message a helper worded: keep its parts
            said = self.template
            object.__setattr__(self, "template", said.template)
            object.__setattr__(self, "values", said.values)

    @property
    def message(self) -> str:
        """The message in English."""
        return word(self.template, self.values, "en")

    def worded(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The whole problem (file: place: message) in ``lang``."""
        message = word(self.template, self.values, lang)
        if self.where:
            return f"{self.source}: {word_place(self.where, lang)}: {message}"
        return f"{self.source}: {message}"

    def said(self) -> Said:
        """The place and message ("line 4: is not UTF-8 text") as one text, to be worded inside
        another problem's message."""
        message = Said(self.template, **self.values)
        return Said("{place}: {message}", place=Place(self.where), message=message) if self.where else message

    def __str__(self) -> str:
        return self.worded("en")


class KgkcError(Exception):
    """Base class of every error kgkc_opt raises on purpose.

    Raised with an English template and its values (``UsageError("no task {task!r}", task=t)``),
    ``str(error)`` is English and ``worded(lang)`` is in the run's language (the command line prints
    that); raised with a finished text, both are that text."""

    exit_code = 3

    def __init__(self, message: str = "", /, *args: Any, **values: Any):
        super().__init__(word(message, values, "en") if values else message, *args)
        self.template, self.values = message, values

    def worded(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The error's message in ``lang``."""
        template = getattr(self, "template", None)  # a subclass may not call KgkcError.__init__
        return word(template, self.values, lang) if isinstance(template, str) else str(self)


#: Most problems an InputError's message lists (the rest are counted; ``problems`` holds them all).
MAX_PROBLEMS_SHOWN = 20


class InputError(KgkcError):
    """One or more problems in an input file; ``problems`` holds all of them, the message lists the
    first ``MAX_PROBLEMS_SHOWN`` and counts the others."""

    exit_code = 2

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self.worded("en"))

    def worded(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The problems in ``lang``: a count, then one line each (the first ``MAX_PROBLEMS_SHOWN``)."""
        count = len(self.problems)
        lines = [p.worded(lang) for p in self.problems[:MAX_PROBLEMS_SHOWN]]
        if count > MAX_PROBLEMS_SHOWN:
            lines.append(word("... and {more} more (the first {shown} are shown)",
                              {"more": Figure(f"{count - MAX_PROBLEMS_SHOWN:,}"), "shown": MAX_PROBLEMS_SHOWN}, lang))
        if count > 1:
            lines.insert(0, word("{count} problems found:", {"count": count}, lang))
        return "\n".join(lines)


class ProgramError(InputError):
    """A program file is malformed or inconsistent with the format."""


class ScenarioError(InputError):
    """A scenario file is malformed or asks for something the program does not allow."""


class ActualsError(InputError):
    """An actuals CSV (what was executed in past years) is malformed."""


class ProposalsError(InputError):
    """A proposals (đề án) file for the annual plan is malformed."""


class UsageError(KgkcError):
    """A command or call was given arguments it cannot work with (not a file's content)."""

    exit_code = 2


class OutputError(KgkcError):
    """An output cannot be written as asked."""

    exit_code = 2


class InfeasibleError(KgkcError):
    """The hard requirements of a scenario conflict; ``explanation`` says how and what would fix it."""

    exit_code = 1

    def __init__(self, message: str, explanation: object | None = None, **values: Any):
        super().__init__(message, **values)
        self.explanation = explanation


class NoSolutionError(KgkcError):
    """A result without a plan (infeasible, or stopped before finding one) was asked for its plan."""


class SolverError(KgkcError):
    """The solver failed or returned something unusable."""


class SolverUnavailableError(SolverError):
    """The selected solver is not installed on this machine."""


class SolutionCheckError(SolverError):
    """A plan returned by the solver violates a constraint when re-checked with exact arithmetic."""

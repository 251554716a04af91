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

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where (file, key path or line) and what was expected."""

    source: str
    where: str
    message: str

    def __str__(self) -> str:
        if self.where:
            return f"{self.source}: {self.where}: {self.message}"
        return f"{self.source}: {self.message}"


class KgkcError(Exception):
    """Base class of every error kgkc_opt raises on purpose."""

    exit_code = 3


#: Most problems an InputError's message lists (the rest are counted; ``problems`` holds them all).
MAX_PROBLEMS_SHOWN = 20


class InputError(KgkcError):
    """One or more problems in an input file; ``problems`` holds all of them, the message lists the
    first ``MAX_PROBLEMS_SHOWN`` and counts the others."""

    exit_code = 2

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        self.problems: tuple[Problem, ...] = tuple(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} found:" if count > 1 else ""
        lines = [str(p) for p in self.problems[:MAX_PROBLEMS_SHOWN]]
        if count > MAX_PROBLEMS_SHOWN:
            lines.append(f"... and {count - MAX_PROBLEMS_SHOWN:,} more (the first {MAX_PROBLEMS_SHOWN} are shown)")
        super().__init__("\n".join([head, *lines]) if head else "\n".join(lines))


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

    def __init__(self, message: str, explanation: object | None = None):
        super().__init__(message)
        self.explanation = explanation


class NoSolutionError(KgkcError):
    """A result without a plan (infeasible, or stopped before finding one) was asked for its plan."""


class SolverError(KgkcError):
    """The solver failed or returned something unusable."""


class SolverUnavailableError(SolverError):
    """The selected solver is not installed on this machine."""


class SolutionCheckError(SolverError):
    """A plan returned by the solver violates a constraint when re-checked with exact arithmetic."""

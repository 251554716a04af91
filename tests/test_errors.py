"""The errors kgkc_opt raises (``kgkc_opt.errors``): where and what for every input problem, all
of them kept, the message listing the first 20; exit codes by kind."""

from __future__ import annotations

from kgkc_opt.errors import (
    MAX_PROBLEMS_SHOWN,
    InputError,
    KgkcError,
    Problem,
    ProgramError,
    SolverUnavailableError,
    UsageError,
)


def test_a_problem_says_where_and_what() -> None:
    assert str(Problem("p.yaml", "tasks[2].cost", "expected a number")) == "p.yaml: tasks[2].cost: expected a number"
    assert str(Problem("p.yaml", "", "empty file")) == "p.yaml: empty file"


def test_one_problem_is_the_message_itself() -> None:
    error = ProgramError([Problem("p.yaml", "id", "missing")])
    assert str(error) == "p.yaml: id: missing"
    assert isinstance(error, InputError) and error.exit_code == 2


def test_every_problem_is_kept_and_the_first_twenty_are_shown() -> None:
    problems = [Problem("s.yaml", f"budget.{2000 + k}", "not a number") for k in range(25)]
    error = InputError(problems)
    lines = str(error).splitlines()
    assert lines[0] == "25 problems found:"
    assert lines[1:MAX_PROBLEMS_SHOWN + 1] == [str(p) for p in problems[:MAX_PROBLEMS_SHOWN]]
    assert lines[-1] == "... and 5 more (the first 20 are shown)"
    assert error.problems == tuple(problems)


def test_exit_codes() -> None:
    assert KgkcError.exit_code == 3
    assert UsageError("x").exit_code == 2
    assert issubclass(SolverUnavailableError, KgkcError)

"""Would a planner sign the plan as it stands? The rhythm checks of a solve, a remedy or a test.

The checks themselves are ``model.adoptability.findings`` (codes and values, no solver); the solve
keeps the rhythm where the money allows and notes each rule it could not keep with the reason
(``solver.rhythm``: ``Result.rhythm``). This module reads them for a result and words them through
the catalogue (``kgkc_opt.words.say``):

``adoptability(result, inp)``  the findings of a result's plan, each with its reason: the solve's
                               note where it made one ("money": proven impossible with the policy's
                               values; "search": none found within the counts; "time": the
                               user's time limit ended the search first), else "unexplained"
                               (a plan made elsewhere: a test, a file);
``describe(note, lang)``       one line a planner reads: which rule, the task's units by year, why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kgkc_opt.model.adoptability import Finding, findings
from kgkc_opt.model.data import ModelInput
from kgkc_opt.solver.rhythm import RhythmNote
from kgkc_opt.words import say

#: Why a rule is not kept: see the module docstring.
REASONS = ("money", "search", "time", "unexplained")


@dataclass(frozen=True)
class Note:
    """A rule of the rhythm a plan breaks (``finding``), and why (``REASONS``)."""

    finding: Finding
    reason: str


def adoptability(inp: ModelInput, plan: Mapping[tuple[str, int], int], rhythm: Sequence[RhythmNote] = ()
                 ) -> list[Note]:
    """The findings of ``plan`` (the program's rhythm, ``model.adoptability``), each with the reason
    the solve noted in ``rhythm`` (``Result.rhythm``) for the same rule and task, else
    "unexplained"."""
    noted = {(n.finding.rule, n.finding.task_id): n.reason for n in rhythm}
    return [Note(f, noted.get((f.rule, f.task_id), "unexplained")) for f in findings(inp, plan)]


def unexplained(notes: list[Note]) -> list[Note]:
    """The notes a planner would get without a reason: a rule broken that the solve did not say it
    could not keep."""
    return [n for n in notes if n.reason == "unexplained"]


def _years(years: tuple[int, ...]) -> str:
    return ", ".join(str(y) for y in years)


def _rule_text(f: Finding, lang: str) -> str:
    units = ", ".join(str(n) for n in f.per_year)
    where = _years(f.where)
    if f.rule == "link":
        return say("{task} ({units}) pays units in {years} without enough units of {leader} "
                   "(at most {limit} per unit)", lang).format(task=f.task_id, units=units, years=where,
                                                             leader=f.other, limit=f.high)
    if f.rule == "cycle":
        return say("{task} ({units}) holds no round in {years}", lang).format(task=f.task_id, units=units, years=where)
    if f.rule == "recurring":
        return say("{task} ({units}) is not within one unit of even ({low} to {high} a year) in {years}",
                   lang).format(task=f.task_id, units=units, low=f.low, high=f.high, years=where)
    if f.rule == "annual":
        return say("{task} ({units}) is a 'Hàng năm' task with nothing in {years}", lang).format(
            task=f.task_id, units=units, years=where)
    return say("{task} ({units}) puts more than half of its {total} units (at most {most}) into {years}",
               lang).format(task=f.task_id, units=units, total=f.total, most=f.high, years=where)


def describe(note: Note, lang: str = "en") -> str:
    """One line: the rule broken, the task's units by year, and why (``REASONS``)."""
    reason = {
        "money": say("the money does not allow it with this policy's values (proven by the solver)", lang),
        "search": say("no plan keeping it was found within the search's counts (not proven impossible)", lang),
        "time": say("the time limit ended the search for a plan keeping it (not proven impossible)", lang),
        "unexplained": say("no reason given", lang),
    }[note.reason]
    return f"{_rule_text(note.finding, lang)}: {reason}"


def rhythm_lines(notes: Sequence[RhythmNote], lang: str = "en") -> list[str]:
    """The lines a solve prints for the rules of the rhythm its plan does not keep (none: none)."""
    if not notes:
        return []
    head = say("The program's rhythm this plan does not keep, and why:", lang)
    return [head, *("  " + describe(Note(n.finding, n.reason), lang) for n in notes)]

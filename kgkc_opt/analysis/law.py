"""The law behind a plan: which support rules it uses whose amounts are not confirmed.

A support rule (``inputs.support_rules.SupportRule``) carries its citation and a ``confidence``
(docs/program-format.md, "support_rules"). Its amount is **confirmed** when the confidence is
``stated`` (read in the instrument it cites), or when it caps nothing (a provincial cost norm
paid in full: ``max_state_share`` 1 and no per-unit cap, so no amount is relied on); anything
else ("unconfirmed: 2014 level", "unconfirmed: reported", "hypothetical", "unknown", ...) is
not. ``unconfirmed_rules`` lists, for a program and optionally a plan, the versions of the
rules used in the plan's years whose amounts are not confirmed, so that a document can print a
one-line caveat (the document's wording is the report's).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kgkc_opt.inputs.program import Program
from kgkc_opt.inputs.support_rules import SupportRule

#: The confidence of a rule whose amount was read in the instrument it cites.
CONFIRMED = "stated"


def confirmed(rule: SupportRule) -> bool:
    """Whether ``rule``'s amount can be relied on as stated (module docstring)."""
    caps_nothing = rule.max_state_share >= 1 and rule.max_state_per_unit is None
    return rule.confidence == CONFIRMED or caps_nothing


@dataclass(frozen=True)
class UnconfirmedRule:
    """A support rule version a plan uses whose amount is not confirmed: the tasks and years it
    is used for."""

    rule: SupportRule
    tasks: tuple[str, ...]
    years: tuple[int, ...]


def unconfirmed_rules(program: Program, plan: Mapping[tuple[str, int], int] | None = None,
                      years: Iterable[int] | None = None) -> list[UnconfirmedRule]:
    """The support rules (each version in force in the years used) whose amounts are not
    confirmed, for the tasks a plan has units of ({(task, year): units}; None: every task of the
    program in each of its years), limited to ``years`` if given. In the order of the program's
    rules, then of their versions."""
    wanted = None if years is None else set(years)
    used: dict[str, set[int]] = {}
    if plan is None:
        for task in program.tasks:
            used.setdefault(task.id, set()).update(task.years)
    else:
        for (tid, y), n in plan.items():
            if n:
                used.setdefault(tid, set()).add(y)
    out: list[UnconfirmedRule] = []
    for rid, rule in program.support_rules.items():
        tasks = [t for t in program.tasks if t.support_rule == rid and t.id in used]
        by_version: dict[SupportRule, tuple[set[str], set[int]]] = {}
        for task in tasks:
            for y in sorted(used[task.id]):
                if wanted is not None and y not in wanted:
                    continue
                for version in rule.in_force(y) or (rule,):
                    if not confirmed(version):
                        ids, ys = by_version.setdefault(version, (set(), set()))
                        ids.add(task.id)
                        ys.add(y)
        for version in rule.history:
            if version in by_version:
                ids, ys = by_version[version]
                out.append(UnconfirmedRule(version, tuple(t.id for t in tasks if t.id in ids), tuple(sorted(ys))))
        if rule in by_version and rule not in rule.history:
            ids, ys = by_version[rule]
            out.append(UnconfirmedRule(rule, tuple(t.id for t in tasks if t.id in ids), tuple(sorted(ys))))
    return out

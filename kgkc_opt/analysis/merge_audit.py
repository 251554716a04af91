"""What a merge itself adds to the audit (``merge_audit``, ``merge_artefacts``): the merged
program's findings that no finding of its inputs' own audits (renamed as in the merge) explains.
``analysis.merge`` builds the merged program; this module checks it (docs/program-format.md, "The
audit check: no finding caused by the merge")."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from kgkc_opt.analysis.audit import Finding, audit
from kgkc_opt.analysis.merge import MERGE_SOURCE, MergeResult, renamed_inputs
from kgkc_opt.analysis.merge_ids import id_plan
from kgkc_opt.inputs.program import Program

# --- what the merge itself adds to the audit --------------------------------------------------

#: Findings about the whole table: the merged one sums the inputs' figures, so its message differs.
_AGGREGATE = ("column-vs-stated-total", "column-vs-annual-table", "annual-row-sum", "annual-column-sum",
              "stated-totals-disagree", "table-exceeds-annual-budget", "source-vs-annual-table",
              "source-vs-stated-total")
#: Findings that summarise the whole program (recomputed for the merged one): explained by the
#: same summary in an input.
_SUMMARY = ("funding-sources", "district-level", "geography")
_TASK_CODES = ("row-sum", "annual-cadence-impossible", "annual-cadence-uneven", "years-uneven", "zero-cost",
               "unit-cost-not-round", "legal-share-exceeded", "legal-cap-exceeded", "legal-cap-reached",
               "legal-cap-in-force")
_TARGET_CODES = ("target-vs-table", "target-unit-mismatch", "target-far-exceeded")


def _subject(f: Finding) -> str:
    """The task or target a finding is about ("" for the others)."""
    words = f.message.split()
    if f.code in _TASK_CODES and words:
        return words[0].rstrip(":")
    if (f.code in _TARGET_CODES or f.code == "id-group-mismatch") and len(words) > 1:
        return words[1]
    return ""


def _aggregate_key(f: Finding) -> str:
    """Which column or year an aggregate finding is about."""
    if f.code.startswith(("column-vs", "source-vs")):
        return f.sources[0] if f.sources else ""
    if f.code == "annual-row-sum":
        return f.message.split(":", 1)[0]
    found = re.search(r"in column (\w+)|total \((\w+)\)|of (local budget|co-funding)", f.message)
    return next((g for g in found.groups() if g), "") if found else ""


@dataclass(frozen=True)
class MergeAudit:
    """The merged program's audit against its inputs' (``merge_audit``).

    ``artefacts``: findings the merge itself caused (none for a plain merge); ``from_period``:
    ``years-uneven`` notes on rows that run in every year of their own program but now in fewer
    years than the merged period (the merge widens the period, not the rows); ``not_carried``: the
    inputs' findings (renamed) that the merged audit no longer reports."""

    artefacts: tuple[Finding, ...]
    from_period: tuple[Finding, ...]
    not_carried: tuple[Finding, ...]


def merge_audit(result: MergeResult, inputs: Sequence[Program]) -> MergeAudit:
    """Audit ``result.program`` and sort each finding: explained by an input's finding, caused by
    the wider period, or caused by the merge (see ``merge_artefacts``)."""
    renamed = renamed_inputs(result, inputs)
    plan = id_plan(inputs, result.prefixes)
    index = {p.id: i for i, p in enumerate(inputs)}
    rows = {tid: {plan.tasks[index[pid]][orig] for pid, orig in origin} for tid, origin in result.task_origins.items()}
    members = {tid: {f"{result.prefixes[index[pid]]}-{orig}" for pid, orig in origin}
               for tid, origin in result.target_origins.items()}
    whole = {t.id for p, r in zip(inputs, renamed, strict=True) if p.period != result.program.period
             for t in r.tasks if t.years == r.years}  # every year of its own program, fewer than the merged
    before = [f for r in renamed for f in audit(r)]
    after = [f for f in audit(result.program) if not (f.code == "source-text" and f.sources == (MERGE_SOURCE,))]
    untargeted = {t.id for r in renamed if not r.targets for t in r.tasks}
    for f in before:
        if f.code == "task-without-target":
            untargeted |= set(f.message.rsplit(": ", 1)[-1].split(", "))

    def matches(a: Finding, b: Finding) -> bool:
        if (a.code, b.code) == ("years-uneven", "annual-cadence-uneven"):  # 'Hàng năm' written as its years
            return bool(_subject(b)) and _subject(b) in rows.get(_subject(a), {_subject(a)})
        if a.severity != b.severity or a.code != b.code:
            return False
        if a.message == b.message or a.code in ("task-without-target", *_SUMMARY):
            return True
        if a.code in _AGGREGATE:
            return _aggregate_key(a) == _aggregate_key(b)
        subject = _subject(a)
        if a.code in _TASK_CODES and len(rows.get(subject, ())) > 1:
            return _subject(b) in rows[subject]  # a combined row: a finding of one of its rows
        if a.code in _TARGET_CODES:
            return _subject(b) in members.get(subject, {subject})
        if a.code == "relation-violated":
            return a.message.split(" is expected: ", 1)[-1] == b.message.split(" is expected: ", 1)[-1]
        return False

    def explained(a: Finding) -> bool:
        if a.code == "task-without-target":
            listed = a.message.rsplit(": ", 1)[-1].split(", ")
            return all(r in untargeted for tid in listed for r in rows.get(tid, {tid}))
        return any(matches(a, b) for b in before)

    def widened(a: Finding) -> bool:
        return a.code == "years-uneven" and all(r in whole for r in rows.get(_subject(a), {_subject(a)}))

    unexplained = [a for a in after if not explained(a)]
    return MergeAudit(tuple(a for a in unexplained if not widened(a)), tuple(a for a in unexplained if widened(a)),
                      tuple(b for b in before if not any(matches(a, b) for a in after)))


def merge_artefacts(result: MergeResult, inputs: Sequence[Program]) -> list[Finding]:
    """The audit findings of the merged program that the merge itself caused: every finding of
    ``audit(result.program)`` that no finding of the inputs' own audits (renamed as in the merge)
    explains. Not artefacts: the merge's own notes (source ``MERGE_SOURCE``), and ``years-uneven``
    notes on rows that run in every year of their own program (``MergeAudit.from_period``: the
    merged period is longer than theirs). A finding about the whole table (a column, a year of the
    annual table) is explained by one of the same kind about the same column or year in an input,
    whose figures it sums; a finding about a combined row, or about a target summed over combined
    rows, by one of the same kind about one of its rows or targets. A plain merge has no artefacts."""
    return list(merge_audit(result, inputs).artefacts)

"""Merging the programs of provinces that were merged into one program (docs/program-format.md,
"Merging programs").

Since 1 July 2025 Kiên Giang is part of the merged An Giang province: the merged province needs one
program that holds what its predecessors' programs hold. ``merge_programs(programs, name=...)``
builds it, side by side and traceable:

- every task row keeps its figures, its years and its origin: its id becomes
  ``<group>.<PREFIX>.<n>`` (``II.2`` of Kiên Giang becomes ``II.KG.2``: the format's ids are
  letters and digits joined by dots, and the audit expects a task id to start with its group), and
  its ``source`` becomes ``"<program id>, <source>"``;
- groups with the same id and the same name are one group; a group id whose names differ is kept
  once per program, as ``<group>.<PREFIX>``;
- the annual table (per year and per column), its total row and ``stated_totals`` are summed,
  exactly; the period covers every input's years (a year no input covers has 0);
- targets, relations and links get the id ``<PREFIX>-<id>`` and point to the renamed tasks;
- a support rule with the same id and the same caps, citation and confidence is one rule; the
  same id with any of these different is a ``Conflict``: both are kept, as ``<id>@<PREFIX>``, and
  each task keeps its own program's rule. Nothing is chosen silently;
- on request only, ``combine`` merges rows of the same kind (same group, unit, support rule,
  cadence and leader) into one row: quantities and costs summed, years joined, the source listing
  every row. Targets that count combined rows are summed where that is exact.

How the ids are renamed is ``merge_ids`` (also used by the audit). The merge writes what it did
into the program as ``source_notes`` (source ``MERGE_SOURCE``), so that the audit of the merged
file shows it. ``merge_audit.merge_artefacts(result, inputs)``
audits the merged program and returns every finding the inputs' own audits (with the same
renaming) do not explain: a plain merge has none.

Pure: programs in, a program document and its ``Program`` out; no file is read or written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

from kgkc_opt.analysis.merge_ids import (
    Conflict,
    IdPlan,
    default_prefix,
    id_plan,
    rename_program,
    show_value,
    validated,
)
from kgkc_opt.errors import Joined, Said, UsageError
from kgkc_opt.inputs.areas import Geography, Region, Unit
from kgkc_opt.inputs.program import (
    DEFAULT_SOURCES,
    TASK_ID_RE,
    Cost,
    FundingSource,
    Group,
    Program,
    SourceNote,
    SupportRule,
    Target,
    Task,
    Text,
    YearBudget,
)
from kgkc_opt.inputs.program_dict import program_to_dict
from kgkc_opt.inputs.program_reader import program_from_dict
from kgkc_opt.inputs.structure import Link, Structure
from kgkc_opt.words import say

#: The source of the notes the merge writes into the merged program.
MERGE_SOURCE = "kgkc-opt program merge"
#: The longest period a program may have (the validator's limit).
MAX_YEARS = 21


@dataclass(frozen=True)
class MergeResult:
    """A merged program: the document (what ``write_program_yaml`` writes), the validated
    ``Program``, the support-rule conflicts, and notes on what the merge did (``notes``; also in
    the program's ``source_notes``). ``task_origins`` maps each merged task id to the
    (program id, task id) rows it holds (two or more for a combined row); ``target_origins`` the
    same for targets."""

    program_dict: dict[str, Any]
    program: Program
    conflicts: tuple[Conflict, ...]
    notes: tuple[Text, ...]
    inputs: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()
    task_origins: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    target_origins: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)

    def tasks_of(self, program_id: str) -> tuple[str, ...]:
        """The merged task ids holding a row of ``program_id``."""
        return tuple(tid for tid in self.program.task_ids
                     if any(p == program_id for p, _ in self.task_origins.get(tid, ())))


def renamed_inputs(result: MergeResult, inputs: Sequence[Program]) -> list[Program]:
    """Each input as it stands in ``result``: its ids and sources renamed, its own period kept."""
    if tuple(p.id for p in inputs) != result.inputs:
        raise UsageError("these are not the programs merged into {program}: {given} (merged: {merged})",
                         program=result.program.id, given=", ".join(p.id for p in inputs),
                         merged=", ".join(result.inputs))
    plan = id_plan(inputs, result.prefixes)
    return [validated(rename_program(p, i, plan), f"{p.id} (renamed)") for i, p in enumerate(inputs)]


# --- the merge --------------------------------------------------------------------------------


def _sum_cost(costs: Sequence[Cost]) -> Cost:
    """The sum of cost splits, each other state source summed by its id."""
    extra: dict[str, Fraction] = {}
    for c in costs:
        for sid, amount in c.extra:
            extra[sid] = extra.get(sid, Fraction(0)) + amount
    return Cost(sum((c.total for c in costs), Fraction(0)), sum((c.state for c in costs), Fraction(0)),
                sum((c.other for c in costs), Fraction(0)), tuple(extra.items()))


def merged_geography(programs: Sequence[Program]) -> Geography:
    """The inputs' regions and units together (a unit listed by two inputs must be the same unit)."""
    regions: dict[str, Region] = {}
    units: dict[str, Unit] = {}

    def add(into: dict[str, Any], item: Region | Unit, kind: str, program: Program) -> None:
        if item.id in into and into[item.id] != item:
            what = Said("the region {id!r}", id=item.id) if kind == "region" else Said("the unit {id!r}", id=item.id)
            raise UsageError("{program} lists {what} differently from another program: "
                             "make the two entries the same (or rename one) before merging", program=program.id,
                             what=what)
        into.setdefault(item.id, item)

    for p in programs:
        for region in p.geography.regions:
            add(regions, region, "region", p)
        for unit in p.geography.units:
            add(units, unit, "unit", p)
    if set(regions) & set(units):
        raise UsageError("an id names both a region and a unit: {ids}",
                         ids=", ".join(sorted(set(regions) & set(units))))
    source = "; ".join(dict.fromkeys(p.geography.source for p in programs if p.geography.source))
    return Geography(source, tuple(regions.values()), tuple(units.values()))


def merged_sources(programs: Sequence[Program]) -> tuple[FundingSource, ...]:
    """The merged program's funding sources: the two default ones when no input names its own;
    else the local budget and the enterprises' source as the first input that names them calls
    them (a program with the default two maps onto them: its state column is its local budget,
    its other column its co-funding), then every other state source by id, in order of first use."""
    declared = [p for p in programs if p.sources_declared]
    if not declared:
        return DEFAULT_SOURCES
    first = declared[0].funding_sources
    local = next(s for s in first if s.kind == "local")
    enterprise = next(s for s in first if s.kind == "enterprise")
    ids: dict[str, FundingSource] = {}
    for p in declared:
        for s in p.extra_sources:
            if s.id in (local.id, enterprise.id):
                use = Said("local budget") if s.id == local.id else Said("enterprise contribution")
                raise UsageError("{program} names a state source {id!r}, which {other} uses for its {use}: rename "
                                 "one in its file before merging", program=p.id, id=s.id, other=declared[0].id,
                                 use=use)
            ids.setdefault(s.id, s)
    return (local, *ids.values(), enterprise)


def _merged_source(programs: Sequence[Program]) -> Text:
    """The merged program's source document, in both languages: each program's id and document."""
    def each(lang: str) -> str:
        return "; ".join(f"{p.id} ({p.source_document.get(lang)})" if p.source_document.vi else p.id for p in programs)
    merged = {lang: say("Merged by kgkc-opt from: {programs}", lang).format(programs=each(lang))
              for lang in ("vi", "en")}
    return Text(merged["vi"], merged["en"])


def _note(vi: str, en: str, severity: str = "info") -> SourceNote:
    return SourceNote(MERGE_SOURCE, en, severity, Text(vi, en))


def _years_text(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}–{last}"


def merge_programs(
    programs: Sequence[Program], *, name: str, title: Text | None = None,
    combine: Sequence[tuple[str, ...]] = (), prefixes: Sequence[str] | None = None,
    province: str | None = None,
) -> MergeResult:
    """Merge ``programs`` into one program named ``name`` (see the module docstring).

    ``prefixes``: one origin code per program (default: the province's initials, ``KG``);
    ``combine``: groups of task ids (merged ids like ``II.KG.2``, or ``KG-II.2``) to merge into one
    row each; ``title`` and ``province`` default to those of the inputs, joined. Raises
    ``UsageError`` for what cannot be merged as asked, listing every problem.
    """
    programs = list(programs)
    if len(programs) < 2:
        raise UsageError("merging needs at least two programs")
    if not name.strip():
        raise UsageError("the merged program needs a name (--name), e.g. an-giang-2021-2030")
    prefixes = tuple(prefixes) if prefixes is not None else tuple(default_prefix(p) for p in programs)
    plan = id_plan(programs, prefixes)
    renamed = [validated(rename_program(p, i, plan), f"{p.id} (renamed)") for i, p in enumerate(programs)]
    start, end = min(p.period[0] for p in programs), max(p.period[1] for p in programs)
    if end - start + 1 > MAX_YEARS:
        raise UsageError("the merged period {start}–{end} spans {years} years; a program spans at most {most}",
                         start=start, end=end, years=end - start + 1, most=MAX_YEARS)
    origins = {rn.id: (p.id, t.id) for p, r in zip(programs, renamed, strict=True) for t, rn in
               zip(p.tasks, r.tasks, strict=True)}
    target_origins = {rn.id: (p.id, tg.id) for p, r in zip(programs, renamed, strict=True)
                      for tg, rn in zip(p.targets, r.targets, strict=True)}
    merged, notes = _union(programs, renamed, plan, name, title, province, (start, end))
    task_origins: dict[str, tuple[tuple[str, str], ...]] = {tid: (origins[tid],) for tid in merged.task_ids}
    targets_of: dict[str, tuple[tuple[str, str], ...]] = {tg.id: (target_origins[tg.id],) for tg in merged.targets}
    if combine:
        merged, combined_notes, task_origins, targets_of = _combine(merged, combine, plan, programs,
                                                                    task_origins, targets_of)
        merged = replace(merged, source_notes=(*merged.source_notes, *combined_notes))
        notes.extend(combined_notes)
    document = program_to_dict(merged)
    program = program_from_dict(document, source=f"merged program {name}")
    return MergeResult(document, program, plan.conflicts, tuple(n.texts for n in notes if n.texts is not None),
                       tuple(p.id for p in programs), prefixes, task_origins, targets_of)


def _union(programs: Sequence[Program], renamed: Sequence[Program], plan: IdPlan, name: str,
           title: Text | None, province: str | None, period: tuple[int, int]) -> tuple[Program, list[SourceNote]]:
    """The renamed programs side by side, with summed money tables, and the merge's notes."""
    ids = [p.id for p in programs]
    pairs = ", ".join(f"{pid} ({prefix})" for pid, prefix in zip(ids, plan.prefixes, strict=True))
    notes = [_note(
        f"Chương trình hợp nhất bằng kgkc-opt từ {pairs}: mỗi nhiệm vụ giữ số liệu, thời gian và nguồn của "
        "chương trình gốc, với mã <nhóm>.<mã gốc>.<số>; bảng kinh phí hằng năm và tổng kinh phí là tổng cộng "
        "của các chương trình gốc.",
        f"Merged by kgkc-opt from {pairs}: every task keeps its own program's figures, years and source, "
        "with the id <group>.<prefix>.<number>; the annual table and the stated totals are the sums of theirs.")]
    annual = _union_annual(programs, period, notes)
    stated_totals, annual_total = _union_stated(programs, notes)
    groups = _union_groups(programs, renamed, plan, notes)
    rules = _union_rules(renamed, plan, notes)
    tasks = _union_tasks(programs, renamed, groups, period, notes)
    cadence: dict[str, str] = {}
    cadence_source: dict[str, str] = {}
    for r in renamed:
        cadence.update(r.structure.cadence)
        cadence_source.update(r.structure.cadence_source)
    program = Program(
        id=name,
        title=title or Text("Chương trình khuyến công hợp nhất từ: " + "; ".join(p.title.vi for p in programs),
                            "Merged program of: " + "; ".join(p.title.en for p in programs)),
        province=province if province is not None else " + ".join(dict.fromkeys(p.province for p in programs
                                                                                 if p.province)),
        period=period,
        source_document=_merged_source(programs),
        illustrative=any(p.illustrative for p in programs),
        stated_totals=stated_totals,
        stated_totals_source="; ".join(r.stated_totals_source for r in renamed) if stated_totals else "",
        annual_budget=annual,
        annual_budget_source="; ".join(r.annual_budget_source for r in renamed),
        annual_stated_total=annual_total,
        support_rules=rules,
        groups=tuple(groups.values()),
        tasks=tasks,
        targets=tuple(tg for r in renamed for tg in r.targets),
        source_notes=(*(n for r in renamed for n in r.source_notes),
                      *(_note(c.text("vi"), c.text("en"), "warning") for c in plan.conflicts), *notes),
        relations=tuple(rel for r in renamed for rel in r.relations),
        structure=Structure(cadence, cadence_source, tuple(ln for r in renamed for ln in r.structure.links)),
        funding_sources=merged_sources(programs),
        geography=merged_geography(programs),
    )
    return program, notes


def _union_annual(programs: Sequence[Program], period: tuple[int, int],
                  notes: list[SourceNote]) -> dict[int, YearBudget]:
    """The annual table: each year of the merged period, the sum of the programs' rows (0 where
    none has the year, with a note)."""
    start, end = period
    annual: dict[int, YearBudget] = {}
    gaps = []
    for y in range(start, end + 1):
        rows = [p.annual_budget[y] for p in programs if y in p.annual_budget]
        if not rows:
            gaps.append(y)
        cost = _sum_cost([Cost(b.total, b.state, b.other, b.extra) for b in rows])
        annual[y] = YearBudget(y, cost.total, cost.state, cost.other, cost.extra)
    if gaps:
        shown = ", ".join(map(str, gaps))
        notes.append(_note(f"Không chương trình gốc nào có các năm {shown}: bảng kinh phí hằng năm ghi 0 cho "
                           "các năm này.",
                           f"No merged program covers {shown}: the annual table holds 0 for these years."))
    return annual


def _union_stated(programs: Sequence[Program], notes: list[SourceNote]) -> tuple[Cost | None, Cost | None]:
    """The stated totals and the annual table's total row, summed where every program states them."""
    stated = [p.stated_totals for p in programs]
    stated_totals = _sum_cost([c for c in stated if c is not None]) if all(c is not None for c in stated) else None
    totals = [p.annual_stated_total for p in programs]
    annual_total = _sum_cost([c for c in totals if c is not None]) if all(c is not None for c in totals) else None
    for label, values in (("stated_totals", stated), ("annual_budget.stated_total", totals)):
        if any(v is None for v in values) and any(v is not None for v in values):
            missing = ", ".join(p.id for p, v in zip(programs, values, strict=True) if v is None)
            notes.append(_note(f"Không ghi {label}: {missing} không có số liệu này, nên không thể cộng.",
                               f"{label} is left out: {missing} states none, so there is no sum to state."))
    return stated_totals, annual_total


def _union_groups(programs: Sequence[Program], renamed: Sequence[Program], plan: IdPlan,
                  notes: list[SourceNote]) -> dict[str, Group]:
    """The groups, in the order of the inputs' group ids; a group kept apart next to its twin."""
    groups: dict[str, Group] = {}
    for gid in dict.fromkeys(g.id for p in programs for g in p.groups):
        for i, r in enumerate(renamed):
            if gid not in plan.groups[i]:
                continue
            g = r.group(plan.groups[i][gid])
            if g.id not in groups:
                groups[g.id] = g
                continue
            old = groups[g.id]
            groups[g.id] = replace(old, source=f"{old.source}; {g.source}",
                                   short_name=old.short_name if old.short_name is not None else g.short_name)
    for gid in plan.split_groups:
        kept = ", ".join(m[gid] for m in plan.groups if gid in m)
        notes.append(_note(f"Nhóm {gid} có tên khác nhau trong các chương trình gốc: giữ riêng từng nhóm, là {kept}.",
                           f"Group {gid} has different names in the merged programs: each is kept, as {kept}."))
    return groups


def _union_rules(renamed: Sequence[Program], plan: IdPlan, notes: list[SourceNote]) -> dict[str, SupportRule]:
    """The support rules, the first of each id kept (the plan renamed those that differ)."""
    rules: dict[str, SupportRule] = {}
    for r in renamed:
        for rid, rule in r.support_rules.items():
            rules.setdefault(rid, rule)
    for rid in plan.renamed_rules:
        notes.append(_note(
            f"Quy định hỗ trợ {rid} có cùng mức trần và căn cứ nhưng tên khác nhau; giữ tên “{rules[rid].name.vi}”.",
            f"Support rule {rid} has the same caps and citation but another name; the name "
            f"'{rules[rid].name.en}' is kept."))
    return rules


def _union_tasks(programs: Sequence[Program], renamed: Sequence[Program], groups: Mapping[str, Group],
                 period: tuple[int, int], notes: list[SourceNote]) -> tuple[Task, ...]:
    """The tasks in group order, then input order; an 'every year' task of a program whose period
    is not the merged one keeps its own years instead."""
    start, end = period
    group_order = {gid: k for k, gid in enumerate(groups)}
    tasks: list[tuple[int, int, int, Task]] = []
    for i, (p, r) in enumerate(zip(programs, renamed, strict=True)):
        dropped = []
        for k, t in enumerate(r.tasks):
            if t.annual and p.period != period:
                t = replace(t, annual=False)
                dropped.append(t.id)
            tasks.append((group_order[t.group], i, k, t))
        if dropped:
            years = _years_text(*p.period)
            notes.append(_note(
                f"Các nhiệm vụ “Hàng năm” của {p.id} ({', '.join(dropped)}) được ghi với các năm {years} của "
                f"chương trình gốc, vì giai đoạn hợp nhất là {start}–{end}.",
                f"The 'Hàng năm' (every year) rows of {p.id} ({', '.join(dropped)}) are written with their own "
                f"years {years}, since the merged period is {start}–{end}."))
    return tuple(t for *_, t in sorted(tasks, key=lambda x: x[:3]))


# --- combining rows ---------------------------------------------------------------------------


def _resolve(raw: str, program: Program, plan: IdPlan) -> str | None:
    """A task id of the merged program: ``II.KG.2`` as it is, or ``KG-II.2`` (prefix, original id)."""
    tid = raw.strip()
    if tid in program.task_ids:
        return tid
    if "-" in tid:
        prefix, original = tid.split("-", 1)
        for i, p in enumerate(plan.prefixes):
            if p == prefix and original in plan.tasks[i]:
                return plan.tasks[i][original]
    return None


def _combined_id(group: str, ids: Sequence[str]) -> str:
    """``II`` + ``II.KG.2``, ``II.AG.2`` -> ``II.KG.AG.2``; else the parts joined (``III.KG.2.AG.1``)."""
    parts = [tid[len(group) + 1:] if tid.startswith(group + ".") else tid for tid in ids]
    split = [part.split(".", 1) for part in parts]
    if all(len(s) == 2 for s in split) and len({s[1] for s in split}) == 1 and len({s[0] for s in split}) == len(split):
        return f"{group}.{'.'.join(s[0] for s in split)}.{split[0][1]}"
    return f"{group}.{'.'.join(parts)}"


def _joined(values: Sequence[str], prefixes: Sequence[str] | None = None) -> str:
    unique = list(dict.fromkeys(v for v in values if v))
    if len(unique) <= 1 or prefixes is None:
        return "; ".join(unique)
    return "; ".join(f"{p}: {v}" for p, v in zip(prefixes, values, strict=True) if v)


def _joined_text(values: Sequence[Text]) -> Text:
    return Text(_joined([v.vi for v in values]), _joined([v.en for v in values]))


Origins = dict[str, tuple[tuple[str, str], ...]]


def _combine(program: Program, combine: Sequence[tuple[str, ...]], plan: IdPlan, programs: Sequence[Program],
             task_origins: Origins, targets_of: Origins) -> tuple[Program, list[SourceNote], Origins, Origins]:
    """``program`` with each set of rows in ``combine`` merged into one row, and the notes saying so.
    Raises UsageError listing every set that cannot be combined."""
    sets = _combine_sets(program, combine, plan)
    final, combined = _combined_ids(program, sets)
    _check_links(program, final, combined)
    prefix_of = {tid: plan.prefixes[[p.id for p in programs].index(task_origins[tid][0][0])] for tid in final}
    notes: list[SourceNote] = []
    tasks: list[Task] = []
    for t in program.tasks:
        if t.id not in final:
            tasks.append(t)
        elif final[t.id] not in {x.id for x in tasks}:
            cid = final[t.id]
            rows = [program.task(tid) for tid in combined[cid]]
            tasks.append(_combined_row(t, cid, rows, [prefix_of[r.id] for r in rows]))
            notes.append(_combined_note(cid, combined[cid], rows, tasks[-1]))
            task_origins[cid] = tuple(o for r in rows for o in task_origins.pop(r.id))

    def ren(ids: Sequence[str]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(final.get(x, x) for x in ids))

    relations = tuple(replace(r, left=ren(r.left), right=ren(r.right)) for r in program.relations)
    targets, target_notes = _combine_targets(list(program.targets), final, targets_of)
    notes.extend(target_notes)
    program = replace(program, tasks=tuple(tasks), targets=tuple(targets), relations=relations,
                      structure=_combined_structure(program.structure, final))
    return program, notes, task_origins, targets_of


def _combine_sets(program: Program, combine: Sequence[tuple[str, ...]], plan: IdPlan) -> list[list[str]]:
    """Each requested set as task ids of the merged program; every id must name a task, once."""
    problems: list[Said] = []
    sets: list[list[str]] = []
    used: dict[str, int] = {}
    for k, raw_ids in enumerate(combine):
        ids: list[str] = []
        found = len(problems)
        for raw in raw_ids:
            tid = _resolve(raw, program, plan)
            if tid is None:
                problems.append(Said("combine: no task {raw!r} in the merged program (ids like II.KG.2, or KG-II.2)",
                                     raw=raw))
            elif tid in used and used[tid] != k:
                problems.append(Said("combine: {id} is listed in two combinations", id=tid))
            elif tid not in ids:
                ids.append(tid)
                used[tid] = k
        if len(ids) < 2 and len(problems) == found:
            problems.append(Said("combine: {ids} names fewer than two different tasks",
                                 ids=", ".join(raw_ids) or Said("(nothing)")))
        sets.append(ids)
    if problems:
        raise UsageError("{problems}", problems=Joined(problems, "\n"))
    return sets


def _combined_ids(program: Program, sets: Sequence[list[str]]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """(row -> combined row, combined row -> its rows); the rows of a set must share their group,
    unit, support rule and cadence, and the combined id must be free."""
    problems: list[Said] = []
    final: dict[str, str] = {}
    combined: dict[str, list[str]] = {}
    for ids in sets:
        rows = [program.task(tid) for tid in ids]
        cid = _combined_id(rows[0].group, ids)
        why = []
        for label, get in ((Said("groups differ"), lambda t: t.group),
                           (Said("units differ"), lambda t: t.unit.vi if t.unit.vi == t.unit.en
                            else f"{t.unit.vi} ({t.unit.en})"),
                           (Said("support rules differ"), lambda t: t.support_rule),
                           (Said("cadences differ"), lambda t: program.structure.cadence_of(t.id))):
            values = [get(t) for t in rows]
            if len(set(values)) > 1:
                why.append(Said("{label}: {values}", label=label, values=" ≠ ".join(
                    f"{v} ({t.id})" for v, t in zip(values, rows, strict=True))))
        if not TASK_ID_RE.match(cid) or (cid in program.task_ids and cid not in ids):
            why.append(Said("the combined id {id} is not free", id=cid))
        if why:
            problems.append(Said("cannot combine {ids}: {why}", ids=Joined(ids, Said(" and ")), why=Joined(why, "; ")))
        for tid in ids:
            final[tid] = cid
        combined[cid] = ids
    if problems:
        raise UsageError("{problems}", problems=Joined(problems, "\n"))
    return final, combined


def _check_links(program: Program, final: Mapping[str, str], combined: Mapping[str, list[str]]) -> None:
    """The rows of a set must follow the same leader (combined too), and never one another."""
    problems: list[Said] = []
    for cid, ids in combined.items():
        leaders = []
        for tid in ids:
            link = program.structure.leader_of(tid)
            leaders.append(None if link is None else (final.get(link.leader, link.leader), link.per_unit))
        if len(set(leaders)) > 1:
            shown = Joined([Said("{link} ({task})", task=tid, link=Said("follows nothing") if ld is None else Said(
                "follows {leader}", leader=ld[0]) if ld[1] is None else Said(
                "follows {leader} (at most {most} per unit)", leader=ld[0], most=show_value(ld[1])))
                for ld, tid in zip(leaders, ids, strict=True)], " ≠ ")
            problems.append(Said("cannot combine {ids}: their links differ: {shown}; combine their leaders too, or "
                                 "leave them apart", ids=Joined(ids, Said(" and ")), shown=shown))
        if any(ld is not None and ld[0] == cid for ld in leaders):
            problems.append(Said("cannot combine {ids}: a task cannot be combined with its leader",
                                 ids=Joined(ids, Said(" and "))))
    if problems:
        raise UsageError("{problems}", problems=Joined(problems, "\n"))


def _combined_row(first: Task, cid: str, rows: Sequence[Task], pfx: Sequence[str]) -> Task:
    """One row for ``rows``: quantities and costs summed, years joined, texts joined by origin."""
    printed = {key: _joined([r.as_printed.get(key, "") for r in rows], pfx)
               for key in dict.fromkeys(k for r in rows for k in r.as_printed)}
    return replace(
        first, id=cid, quantity=sum(r.quantity for r in rows), cost=_sum_cost([r.cost for r in rows]),
        years=tuple(sorted({y for r in rows for y in r.years})), annual=all(r.annual for r in rows),
        years_text=_joined([r.years_text for r in rows], pfx), lead=_joined_text([r.lead for r in rows]),
        partner=_joined_text([r.partner for r in rows]), source="; ".join(r.source for r in rows),
        as_printed=printed, short_name=next((r.short_name for r in rows if r.short_name is not None), None))


def _combined_note(cid: str, ids: Sequence[str], rows: Sequence[Task], new: Task) -> SourceNote:
    names = list(dict.fromkeys(r.name.en for r in rows))
    unit_costs = list(dict.fromkeys(r.unit_cost for r in rows))
    extra_en = f"; the names differ ({' / '.join(names)}), the first is kept" if len(names) > 1 else ""
    extra_vi = "; tên khác nhau, giữ tên của dòng đầu" if len(names) > 1 else ""
    if len(unit_costs) > 1:
        costs = ", ".join(show_value(c) for c in unit_costs)
        extra_en += (f"; the unit costs differ ({costs}): the combined row's unit cost is their weighted "
                     f"average {show_value(new.unit_cost)}")
        extra_vi += (f"; đơn giá khác nhau ({costs}): đơn giá của dòng gộp là "
                     f"bình quân gia quyền {show_value(new.unit_cost)}")
    return _note(
        f"Dòng {cid} gộp {', '.join(ids)} theo yêu cầu: cộng số lượng và kinh phí, hợp các năm"
        f"{extra_vi}.",
        f"Row {cid} combines {', '.join(ids)} on request: quantities and costs summed, years "
        f"joined{extra_en}.")


def _combined_structure(st: Structure, final: Mapping[str, str]) -> Structure:
    """The cadences and links with combined rows renamed (two links of one combined row joined)."""
    cadence = {final.get(tid, tid): value for tid, value in st.cadence.items()}
    cadence_source: dict[str, str] = {}
    for tid, source in st.cadence_source.items():
        key = final.get(tid, tid)
        cadence_source[key] = f"{cadence_source[key]}; {source}" if key in cadence_source else source
    links: dict[str, Link] = {}
    for ln in st.links:
        moved = replace(ln, task=final.get(ln.task, ln.task), leader=final.get(ln.leader, ln.leader))
        if moved.task in links:
            old = links[moved.task]
            moved = replace(old, id=f"{old.id}+{ln.id}", source=f"{old.source}; {ln.source}")
        links[moved.task] = moved
    return Structure(cadence, cadence_source, tuple(links.values()))


_QUALIFIER_VI = {"exact": "đúng", "about": "khoảng", "at_least": "ít nhất", "more_than": "trên"}


def _sum_qualifier(targets: Sequence[Target]) -> tuple[str, int] | None:
    """The qualifier and figure of the sum of ``targets`` that holds whenever each of them holds
    (and is not far exceeded when none of them is); None when there is none."""
    kinds = {tg.qualifier for tg in targets}
    total = sum(tg.quantity for tg in targets)
    if kinds <= {"exact"}:
        return "exact", total
    if kinds <= {"exact", "about"}:
        return "about", total  # |Σ planned - Σ N| ≤ 10% of the "about" figures ≤ 10% of Σ N
    if kinds <= {"exact", "at_least"}:
        return "at_least", total
    if kinds <= {"exact", "at_least", "more_than"}:
        more = sum(tg.qualifier == "more_than" for tg in targets)
        return "more_than", total + more - 1  # each "more than N" is at least N + 1
    return None


def _combine_targets(before: list[Target], final: Mapping[str, str],
                     targets_of: dict[str, tuple[tuple[str, str], ...]]) -> tuple[list[Target], list[SourceNote]]:
    """The targets once rows are combined (``final``: row -> combined row). Targets that count the
    same combined rows are summed into one target where the sum is exact (they count different
    rows, and their qualifiers add up); the others are kept, with a note."""
    combined = set(final.values())
    targets = [replace(tg, tasks=tuple(dict.fromkeys(final.get(x, x) for x in tg.tasks))) for tg in before]
    parent = list(range(len(targets)))

    def root(k: int) -> int:
        while parent[k] != k:
            k = parent[k]
        return k

    for cid in combined:
        members = [k for k, tg in enumerate(targets) if cid in tg.tasks]
        for k in members[1:]:
            parent[root(k)] = root(members[0])
    components: dict[int, list[int]] = {}
    for k, tg in enumerate(targets):
        if set(tg.tasks) & combined:
            components.setdefault(root(k), []).append(k)
    notes: list[SourceNote] = []
    replaced: dict[int, Target | None] = {}
    for members in components.values():
        group = [targets[k] for k in members]
        ids = [tg.id for tg in group]
        flat = [r for k in members for r in before[k].tasks]
        summed = _sum_qualifier(group)
        if len(group) == 1 or summed is None or len(set(flat)) != len(flat) \
                or len({tg.unit_matches for tg in group}) > 1:
            reason_en = ("it now also counts the rows combined with its own" if len(group) == 1 else
                         "their qualifiers, units or rows do not allow an exact sum")
            reason_vi = ("nay tính cả các dòng được gộp với dòng của nó" if len(group) == 1 else
                         "loại mục tiêu, đơn vị hoặc các dòng không cho phép cộng chính xác")
            notes.append(_note(f"Mục tiêu {', '.join(ids)} được giữ nguyên: {reason_vi}.",
                               f"Target(s) {', '.join(ids)} kept as they are: {reason_en}.", "warning"))
            continue
        qualifier, quantity = summed
        merged = Target(
            id="+".join(ids), source="; ".join(tg.source for tg in group),
            text=Text("; ".join(tg.text.vi for tg in group), "; ".join(tg.text.en for tg in group)),
            quantity=quantity, qualifier=qualifier,
            tasks=tuple(dict.fromkeys(x for tg in group for x in tg.tasks)), unit_matches=group[0].unit_matches)
        replaced[members[0]] = merged
        for k in members[1:]:
            replaced[k] = None
        targets_of[merged.id] = tuple(o for tg in group for o in targets_of.pop(tg.id))
        notes.append(_note(f"Các mục tiêu {', '.join(ids)} được cộng thành {merged.id} ({_QUALIFIER_VI[qualifier]} "
                           f"{quantity}) vì "
                           "cùng tính các dòng được gộp.",
                           f"Targets {', '.join(ids)} are summed into {merged.id} ({qualifier.replace('_', ' ')} "
                           f"{quantity}): "
                           "they count the combined rows."))
    out = [replaced.get(k, tg) for k, tg in enumerate(targets)]
    return [tg for tg in out if tg is not None], notes

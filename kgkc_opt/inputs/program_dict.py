"""A ``Program`` back as the document it was read from: the inverse of ``program_from_dict``.

``program_to_dict(program)`` gives plain data (dicts, lists, text, numbers) that
``program_from_dict`` reads back to an equal ``Program``: the same figures, texts, source
references, short names, misprints as printed, targets, relations, structure and source notes.
The keys follow the order of docs/program-format.md (the order of a hand-written file).

Numbers stay exact. Whole amounts are ``int``; any other amount is a ``reader.WrittenFloat``
whose text is the exact decimal (``4192.2``, ``17.88``), so ``program_from_dict`` reads it from
that text, never from the binary float, and a YAML writer writes that text. An amount whose
decimal reading looks like Vietnamese thousands (``4.658``) is written ``4.6580``, the form the
validator accepts for the decimal. A share with more than six decimals is written as a
percentage (``"12.3456789%"``).

What the ``Program`` does not keep cannot come back: ``source.file`` (the name of the text the
file was made from), comments, and whether a label was written as ``{vi, en}`` or as one string
(a label whose two languages are the same is written as one string; both read back the same).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from kgkc_opt.inputs.areas import geography_to_dict
from kgkc_opt.inputs.eligibility import packs_to_dict
from kgkc_opt.inputs.program import (
    DEFAULT_SOURCES,
    FORMAT,
    Cost,
    FundingSource,
    Program,
    SourceNote,
    SupportRule,
    Task,
    Text,
)
from kgkc_opt.inputs.reader import MAX_DECIMALS, WrittenFloat, ambiguous_hint
from kgkc_opt.inputs.structure import Structure
from kgkc_opt.money import decimal_text


def number(value: Fraction | int) -> int | float:
    """An exact number for a program document: an ``int`` when whole, else a ``WrittenFloat``
    carrying the exact decimal (``4.6580`` rather than the ambiguous ``4.658``)."""
    value = Fraction(value)
    if value.denominator == 1:
        return int(value)
    text = decimal_text(value)
    if text is None:
        raise ValueError(f"{value} has no exact decimal form; a program holds decimals only")
    if ambiguous_hint(text):
        text += "0"  # '4.658' may be read as 4,658 (Vietnamese thousands); '4.6580' cannot
    return WrittenFloat(float(value), text)


def share(value: Fraction) -> int | float | str:
    """A share for a program document: a number (``0.3``), or a percentage when the number would
    need more decimals than the format accepts."""
    text = decimal_text(value)
    if text is not None and (value.denominator == 1 or len(text.split(".")[1]) <= MAX_DECIMALS):
        return number(value)
    percent = decimal_text(value * 100)
    if percent is None:
        raise ValueError(f"the share {value} has no exact decimal form")
    return f"{percent}%"


def text(value: Text) -> str | dict[str, str]:
    """A label: one string when both languages say the same, else ``{vi, en}``."""
    return value.vi if value.vi == value.en else {"vi": value.vi, "en": value.en}


def years(task: Task) -> str | int | list[int]:
    """Implementation years as the format writes them: ``annual``, a range, a year or a list."""
    if task.annual:
        return "annual"
    if len(task.years) == 1:
        return task.years[0]
    if list(task.years) == list(range(task.years[0], task.years[-1] + 1)):
        return f"{task.years[0]}-{task.years[-1]}"
    return list(task.years)


def cost(value: Cost, sources: tuple[FundingSource, ...] = DEFAULT_SOURCES) -> dict[str, int | float]:
    """A cost split: ``{total, state, other}``, or ``{total, <source id>: amount}`` for a program
    that names its sources (every source written, 0 included)."""
    if sources == DEFAULT_SOURCES:
        return {"total": number(value.total), "state": number(value.state), "other": number(value.other)}
    return {"total": number(value.total)} | {s.id: number(value.amount(s)) for s in sources}


def quantity(high: int, low: int | None) -> int | dict[str, int]:
    return high if low is None else {"min": low, "max": high}


def _version(rule: SupportRule, first: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if first:
        out["name"] = text(rule.name)
    if rule.valid_from is not None:
        out["valid_from"] = rule.valid_from.isoformat()
    if rule.valid_to is not None:
        out["valid_to"] = rule.valid_to.isoformat()
    out["max_state_share"] = share(rule.max_state_share)
    out["max_state_per_unit"] = None if rule.max_state_per_unit is None else number(rule.max_state_per_unit)
    out["citation"] = rule.citation
    out["confidence"] = rule.confidence
    if rule.authority:
        out["authority"] = rule.authority
    if rule.jurisdiction:
        out["jurisdiction"] = rule.jurisdiction
    return out


def rule_to_dict(rule: SupportRule) -> dict[str, Any]:
    """A support rule, its later versions under ``changes`` (each written in full)."""
    out = _version(rule, True)
    if rule.versions:
        out["changes"] = [_version(v, False) for v in rule.versions]
    return out


def task_to_dict(task: Task, sources: tuple[FundingSource, ...] = DEFAULT_SOURCES) -> dict[str, Any]:
    """One task row, keys in the order of the bundled files."""
    row: dict[str, Any] = {"id": task.id, "group": task.group, "source": task.source, "name": text(task.name)}
    if task.short_name is not None:
        row["short_name"] = text(task.short_name)
    if "name" in task.as_printed:
        row["name_as_printed"] = task.as_printed["name"]
    row["unit"] = text(task.unit)
    if "unit" in task.as_printed:
        row["unit_as_printed"] = task.as_printed["unit"]
    row["quantity"] = quantity(task.quantity, task.quantity_min)
    row["cost"] = cost(task.cost, sources)
    row["years"] = years(task)
    row["years_text"] = task.years_text
    if task.lead.vi:
        row["lead"] = text(task.lead)
    if task.partner.vi:
        row["partner"] = text(task.partner)
    row["support_rule"] = task.support_rule
    if task.level is not None:
        row["level"] = task.level
    if task.areas:
        row["areas"] = list(task.areas)
    return row


def note_to_dict(note: SourceNote) -> dict[str, Any]:
    return {"source": note.source,
            "text": text(note.texts) if note.texts is not None else note.text,
            "severity": note.severity}


def structure_to_dict(structure: Structure) -> dict[str, Any]:
    """The ``structure`` section (empty when the program states none)."""
    out: dict[str, Any] = {}
    if structure.cadence:
        cadence: dict[str, Any] = {}
        for tid, value in structure.cadence.items():
            source = structure.cadence_source.get(tid, "")
            cadence[tid] = {"cadence": value, "source": source} if source else value
        out["cadence"] = cadence
    if structure.links:
        links = []
        for link in structure.links:
            item: dict[str, Any] = {"id": link.id, "task": link.task, "with": link.leader}
            if link.per_unit is not None:
                item["per_unit"] = number(link.per_unit)
            item["source"] = link.source
            if link.text_vi or link.text_en:
                item["text"] = (link.text_vi if link.text_vi == link.text_en
                                else {"vi": link.text_vi, "en": link.text_en})
            links.append(item)
        out["links"] = links
    return out


def program_to_dict(program: Program) -> dict[str, Any]:
    """The document ``program_from_dict`` reads back to ``program`` (see the module docstring)."""
    doc: dict[str, Any] = {
        "format": FORMAT,
        "id": program.id,
        "title": text(program.title),
    }
    if program.province:
        doc["province"] = program.province
    doc["period"] = {"start": program.period[0], "end": program.period[1]}
    doc["money_unit"] = "million VND"
    if program.source_document.vi or program.illustrative:
        source: dict[str, Any] = {}
        if program.source_document.vi:
            source["document"] = text(program.source_document)
        source["illustrative"] = program.illustrative
        doc["source"] = source
    sources = program.funding_sources
    if program.sources_declared:
        doc["funding_sources"] = [
            {"id": s.id, "name": text(s.name), "kind": s.kind} | ({"source": s.source} if s.source else {})
            for s in sources
        ]
    if program.stated_totals is not None:
        doc["stated_totals"] = cost(program.stated_totals, sources) | {"source": program.stated_totals_source}
    annual: dict[str, Any] = {
        "source": program.annual_budget_source,
        "years": {y: cost(Cost(b.total, b.state, b.other, b.extra), sources)
                  for y, b in sorted(program.annual_budget.items())},
    }
    if program.annual_stated_total is not None:
        annual["stated_total"] = cost(program.annual_stated_total, sources)
    doc["annual_budget"] = annual
    doc["support_rules"] = {rid: rule_to_dict(rule) for rid, rule in program.support_rules.items()}
    groups = []
    for g in program.groups:
        group: dict[str, Any] = {"id": g.id, "source": g.source, "name": text(g.name)}
        if g.short_name is not None:
            group["short_name"] = text(g.short_name)
        groups.append(group)
    doc["groups"] = groups
    doc["tasks"] = [task_to_dict(t, sources) for t in program.tasks]
    if program.targets:
        doc["targets"] = [
            {"id": tg.id, "source": tg.source, "text": text(tg.text),
             "quantity": quantity(tg.quantity, tg.quantity_min),
             "qualifier": tg.qualifier, "tasks": list(tg.tasks), "unit_matches": tg.unit_matches}
            for tg in program.targets
        ]
    if program.source_notes:
        doc["source_notes"] = [note_to_dict(n) for n in program.source_notes]
    if program.relations:
        relations = []
        for r in program.relations:
            item: dict[str, Any] = {"id": r.id, "source": r.source, "left": list(r.left), "relation": r.op,
                                    "right": list(r.right), "text": text(r.text)}
            if r.enforce:
                item["enforce"] = True
            relations.append(item)
        doc["relations"] = relations
    structure = structure_to_dict(program.structure)
    if structure:
        doc["structure"] = structure
    geography = geography_to_dict(program.geography)
    if geography is not None:
        doc["geography"] = geography
    if program.eligibility:
        doc["eligibility"] = packs_to_dict(program.eligibility)
    return doc

"""How a program is carried out: each task's cadence over its years, and tasks linked by year.

A decision's task table says how many units a task has over the period and in which years it may
run; its text says more that a plan must respect: collaborators are paid every year, the
provincial award rounds are held in 2021 and in 2023, prizes are paid in the year of the round
that awards them. The optional ``structure`` section of a program file (docs/program-format.md)
states it as data::

    structure:
      cadence:                       # default for every task: even
        VIII.6: {cadence: recurring, source: "Annex, row VIII.6 (fees paid to collaborators)"}
        III.4: {cadence: events, source: "Annex, row III.4 ('2021, 2023')"}
        II.1: lumpy
      links:
        - id: L01
          task: III.8                # provincial prizes ...
          with: III.4                # ... are paid in the years of provincial award rounds
          per_unit: 70               # optional: at most 70 prizes per round
          source: "Annex, rows III.4 and III.8: 210 prizes / 3 rounds"
          text: {vi: ..., en: ...}

Cadences (``CADENCES``):

``even``       the units fall as evenly over the task's years as the money allows (a secondary
               objective: it never costs a target; 'Hàng năm' tasks and most others);
``recurring``  payments or services due every year (collaborator fees): even, and first among
               the evenness preferences;
``events``     events held in each listed year when the quantity allows (III.4 "2021, 2023"): a
               hard rule, at least one unit in every year of the task once its total reaches the
               number of its years;
``lumpy``      indivisible by nature (a demonstration model): no evenness preference.

A link ``task`` / ``with`` is a hard rule: units of ``task`` happen only in years with units of
``with``, and with ``per_unit`` at most that many per unit of ``with`` in the same year. A linked
task runs only in the years its leader may run. Relations between totals (``relations`` in the
program file) are audit-only unless marked ``enforce: true``.

``parse_structure`` is pure (plain data in, a frozen ``Structure`` out) and collects every problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from kgkc_opt.inputs.reader import Collector, describe, join

CADENCES = ("even", "recurring", "events", "lumpy")
DEFAULT_CADENCE = "even"


@dataclass(frozen=True)
class Link:
    """Units of ``task`` happen only in years with units of ``leader`` (at most ``per_unit`` each)."""

    id: str
    task: str
    leader: str
    per_unit: Fraction | None
    source: str
    text_vi: str = ""
    text_en: str = ""


@dataclass(frozen=True)
class Structure:
    """A program's structure: a cadence per task (``even`` where not stated) and the links."""

    cadence: Mapping[str, str] = field(default_factory=dict)
    cadence_source: Mapping[str, str] = field(default_factory=dict)
    links: tuple[Link, ...] = ()

    def cadence_of(self, task_id: str) -> str:
        return self.cadence.get(task_id, DEFAULT_CADENCE)

    def leader_of(self, task_id: str) -> Link | None:
        for link in self.links:
            if link.task == task_id:
                return link
        return None


def parse_structure(c: Collector, data: Any, tasks: Mapping[str, tuple[int, ...]], where: str = "structure",
                    declared: frozenset[str] = frozenset()) -> Structure:
    """The ``structure`` section of a program; ``tasks`` maps each task id to its years.

    ``declared``: ids of tasks that failed their own checks (reported there, not again here)."""
    if data is None:
        return Structure()
    doc = c.mapping(data, where)
    if doc is None:
        return Structure()
    c.known_keys(doc, where, ("cadence", "links"))
    cadence, sources = _parse_cadences(c, doc, tasks, where, declared)
    links = _parse_links(c, doc, tasks, where, declared)
    _check_chains(c, links, where)
    return Structure(cadence, sources, tuple(links))


def _parse_cadences(c: Collector, doc: Mapping[Any, Any], tasks: Mapping[str, tuple[int, ...]], where: str,
                    declared: frozenset[str]) -> tuple[dict[str, str], dict[str, str]]:
    """The ``cadence`` map: each task's cadence and the source it cites."""
    cadence: dict[str, str] = {}
    sources: dict[str, str] = {}
    cdata = c.mapping(doc.get("cadence", {}) or {}, join(where, "cadence"))
    for key, value in (cdata or {}).items():
        entry = _parse_cadence_entry(c, key, value, tasks, where, declared)
        if entry is not None:
            cadence[str(key)], sources[str(key)] = entry
    return cadence, sources


def _parse_cadence_entry(c: Collector, key: Any, value: Any, tasks: Mapping[str, tuple[int, ...]], where: str,
                         declared: frozenset[str]) -> tuple[str, str] | None:
    """One task's cadence as (cadence, source), or None after reporting why it cannot be used."""
    tid = str(key)
    kw = join(join(where, "cadence"), key)
    if not isinstance(key, str):
        c.error(kw, "task ids are text: write '{key}' in quotes (YAML reads {key} as a number)", key=key)
        return None
    if tid not in tasks:
        if tid not in declared:
            c.error(kw, "unknown task id {tid!r}", tid=tid)
        return None
    source = ""
    if isinstance(value, Mapping):
        c.known_keys(value, kw, ("cadence", "source"))
        source = str(value.get("source", ""))
        value = c.required(value, "cadence", kw)
        kw = join(kw, "cadence")
    if value not in CADENCES:
        if value is not None:
            c.error(kw, "expected one of {cadences}, got {value}", cadences=', '.join(CADENCES),
                        value=describe(value))
        return None
    if value == "events" and len(tasks[tid]) < 2:
        c.error(kw, "an 'events' cadence needs at least two years; task {tid} has {n_task}", tid=tid,
                    n_task=len(tasks[tid]))
        return None
    return str(value), source


def _parse_links(c: Collector, doc: Mapping[Any, Any], tasks: Mapping[str, tuple[int, ...]], where: str,
                 declared: frozenset[str]) -> list[Link]:
    """The ``links`` list, each link checked against the tasks and the links before it."""
    links: list[Link] = []
    ldata = doc.get("links", []) or []
    if not isinstance(ldata, list):
        c.error(join(where, "links"), "expected a list of links, got {ldata}", ldata=describe(ldata))
        ldata = []
    for i, item in enumerate(ldata):
        link = _parse_link(c, item, f"{where}.links[{i}]", tasks, declared, links)
        if link is not None:
            links.append(link)
    return links


def _parse_link(c: Collector, item: Any, lw: str, tasks: Mapping[str, tuple[int, ...]], declared: frozenset[str],
                links: list[Link]) -> Link | None:
    """One link, or None after reporting what is wrong with it (``links``: the ones accepted before it)."""
    d = c.mapping(item, lw)
    if d is None:
        return None
    c.known_keys(d, lw, ("id", "task", "with", "per_unit", "source", "text"))
    lid = c.text(c.required(d, "id", lw), join(lw, "id"))
    task = d.get("task")
    leader = d.get("with")
    ok = _link_ends_ok(c, lw, task, leader, tasks, declared)
    per_unit = None
    if d.get("per_unit") is not None:
        value = d["per_unit"]
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 10**6:
            c.error(join(lw, "per_unit"), "expected a number of units above 0, got {value}",
                                          value=describe(value))
            ok = False
        else:
            per_unit = Fraction(str(value)) if isinstance(value, float) else Fraction(value)
    text_vi = text_en = ""
    if "text" in d:
        t = d["text"]
        if isinstance(t, Mapping):
            text_vi, text_en = str(t.get("vi", "")), str(t.get("en", t.get("vi", "")))
        else:
            text_vi = text_en = str(t)
    if not (ok and lid):
        return None
    if any(x.task == task for x in links):
        c.error(join(lw, "task"), "task {task} is already linked: a task follows one leader", task=task)
        return None
    if any(x.id == lid for x in links):
        c.error(join(lw, "id"), "link {lid!r} is listed twice", lid=lid)
        return None
    return Link(lid, str(task), str(leader), per_unit, str(d.get("source", lid)), text_vi, text_en)


def _link_ends_ok(c: Collector, lw: str, task: Any, leader: Any, tasks: Mapping[str, tuple[int, ...]],
                  declared: frozenset[str]) -> bool:
    """Whether a link's follower and leader are two known tasks that share a year (reporting what is not)."""
    ok = True
    for key, ref in (("task", task), ("with", leader)):
        if ref is None:
            c.error(join(lw, key), "required key is missing")
            ok = False
        elif not isinstance(ref, str):
            c.error(join(lw, key), "task ids are text: write '{ref}' in quotes", ref=ref)
            ok = False
        elif ref not in tasks:
            if ref not in declared:
                c.error(join(lw, key), "unknown task id {ref!r}", ref=ref)
            ok = False
    if ok and task == leader:
        c.error(lw, "task {task} cannot be linked to itself", task=task)
        ok = False
    if ok and not set(tasks[str(task)]) & set(tasks[str(leader)]):
        c.error(lw, "{task} ({task_2}) and {leader} ({task_3}) share no year, so no unit of either could ever "
                    "be planned", task=task, task_2=_years(tasks[str(task)]), leader=leader,
                    task_3=_years(tasks[str(leader)]))
        ok = False
    return ok


def _years(years: tuple[int, ...]) -> str:
    return ", ".join(str(y) for y in years)


def _check_chains(c: Collector, links: list[Link], where: str) -> None:
    """A leader may not itself follow (no chains, no cycles): every year rule stays one step."""
    followers = {x.task for x in links}
    for i, link in enumerate(links):
        if link.leader in followers:
            c.error(f"{where}.links[{i}].with", "{leader} itself follows another task; link every task to the task "
                                                "that leads them all", leader=link.leader)

"""Reading a khuyến công program: ``program_from_dict`` takes what a YAML file holds (plain dicts,
lists, numbers, text), checks everything, and returns a frozen ``Program`` (``inputs.program``) or
raises ``ProgramError`` listing every problem; one step per section of the document, in its order.
The format is documented in docs/program-format.md.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from kgkc_opt.errors import ProgramError
from kgkc_opt.inputs.areas import TASK_AREA_KEYS, Geography, parse_geography, parse_task_area
from kgkc_opt.inputs.eligibility import parse_rule_packs
from kgkc_opt.inputs.program import (
    DEFAULT_SOURCES,
    FORMAT,
    NOTE_SEVERITIES,
    QUALIFIERS,
    RELATION_OPS,
    SOURCE_KINDS,
    TASK_ID_RE,
    YEAR_RANGE_RE,
    YEAR_TEXT_RE,
    Cost,
    FundingSource,
    Group,
    Program,
    Relation,
    SourceNote,
    Target,
    Task,
    YearBudget,
)
from kgkc_opt.inputs.reader import Collector, describe, join, million_text, show_number, written
from kgkc_opt.inputs.structure import parse_structure
from kgkc_opt.inputs.support_rules import SupportRule, parse_support_rule
from kgkc_opt.inputs.text import Text
from kgkc_opt.inputs.text import parse_text as _text


def parse_years(
    c: Collector, value: Any, where: str, period: tuple[int, int] | None
) -> tuple[tuple[int, ...], bool] | None:
    """Implementation years: "annual", "2021-2025", [2021, 2023] or 2021 -> (years, annual)."""
    if period is None:
        return None
    start, end = period
    expected = 'expected "annual", a range like "2021-2025", a year, or a list of years'
    years: list[int] = []
    annual = False
    if isinstance(value, str) and value.strip().lower() in ("annual", "hàng năm"):
        years, annual = list(range(start, end + 1)), True
    elif isinstance(value, str) and YEAR_RANGE_RE.match(value):
        match = YEAR_RANGE_RE.match(value)
        assert match is not None
        first, last = int(match.group(1)), int(match.group(2))
        if first > last:
            c.error(where, "the range {value!r} ends before it starts", value=value)
            return None
        years = list(range(first, last + 1))
    elif isinstance(value, str) and YEAR_TEXT_RE.match(value):
        years = [int(value.strip())]
    elif isinstance(value, int) and not isinstance(value, bool):
        years = [value]
    elif isinstance(value, list) and value:
        for i, item in enumerate(value):
            if isinstance(item, int) and not isinstance(item, bool):
                years.append(item)
            else:
                c.error(f"{where}[{i}]", "expected a year, got {item!r}", item=item)
                return None
        if len(set(years)) != len(years):
            c.error(where, "a year is listed twice: {value!r}", value=value)
            return None
    else:
        c.error(where, "{expected}, got {value!r}", expected=expected, value=value)
        return None
    outside = [y for y in years if not start <= y <= end]
    if outside:
        c.error(
            where,
            "years {show_number} lie outside the program period {start}–{end}",
            show_number=', '.join(map(show_number, outside)), start=start, end=end,
        )
        return None
    return tuple(sorted(years)), annual


def _cost(c: Collector, value: Any, where: str,
          sources: tuple[FundingSource, ...] = DEFAULT_SOURCES) -> Cost | None:
    """A cost split, checked at the door: ``{total, state, other}`` for a program with the two
    default sources, else ``{total, <source id>: amount, ...}`` (a source not written pays 0).
    No part may be above the total, nor the state sources together (the co-funding is the total
    less the state money: it would be negative). Whether the parts add up to the total is the
    audit's business."""
    data = c.mapping(value, where)
    if data is None:
        return None
    if sources == DEFAULT_SOURCES:
        c.known_keys(data, where, ("total", "state", "other"))
        total = c.money(c.required(data, "total", where), join(where, "total"))
        state = c.money(c.required(data, "state", where), join(where, "state"))
        other_value = data.get("other")
        other = c.money(0 if other_value is None else other_value, join(where, "other"))
        if total is None or state is None or other is None:
            return None
        parts = [("state", state, "state (Vốn NS)"), ("other", other, "other (Vốn khác)")]
        extra: list[tuple[str, Fraction]] = []
    else:
        c.known_keys(data, where, ("total", *(s.id for s in sources)))
        total = c.money(c.required(data, "total", where), join(where, "total"))
        amounts = {s.id: c.money(data.get(s.id, 0), join(where, s.id)) for s in sources}
        if total is None or any(a is None for a in amounts.values()):
            return None
        got = {k: a for k, a in amounts.items() if a is not None}
        state = sum((got[s.id] for s in sources if s.kind != "enterprise"), Fraction(0))
        other = sum((got[s.id] for s in sources if s.kind == "enterprise"), Fraction(0))
        extra = [(s.id, got[s.id]) for s in sources if s.kind == "state"]
        parts = [(s.id, got[s.id], f"{s.id} ({s.name.en})") for s in sources]
    ok = True
    for key, part, name in parts:
        if part > total:
            c.error(join(where, key), "the {name} amount {part} is above the total {total}; the total is the sum "
                                      "of the sources, so none is above it", name=name, part=million_text(part),
                                      total=million_text(total))
            ok = False
    if ok and state > total:  # each state source within the total, together above it
        paying = [(key, part) for (key, part, _), s in zip(parts, sources, strict=True) if s.kind != "enterprise"]
        terms = " + ".join(f"{key} {million_text(part)}" for key, part in paying if part)
        c.error(where, "the state sources together ({terms} = {state}) are above the total {total}: the co-funding "
                       "(the total less the state sources) would be {total_2}; the state sources together are at "
                       "most the total", terms=terms, state=million_text(state), total=million_text(total),
                       total_2=million_text(total - state))
        ok = False
    return Cost(total=total, state=state, other=other, extra=tuple(extra)) if ok else None


def _quantity(c: Collector, value: Any, where: str) -> tuple[int, int | None] | None:
    """A quantity: a whole number, or a range ``{min: 300, max: 400}`` -> (max, min)."""
    if isinstance(value, Mapping):
        c.known_keys(value, where, ("min", "max"))
        low = c.integer(c.required(value, "min", where), join(where, "min"), minimum=1)
        high = c.integer(c.required(value, "max", where), join(where, "max"), minimum=1)
        if low is None or high is None:
            return None
        if low > high:
            c.error(where, "the range's minimum {low} is above its maximum {high}", low=low, high=high)
            return None
        return high, (low if low < high else None)
    n = c.integer(value, where, minimum=1)
    return None if n is None else (n, None)


def _funding_sources(c: Collector, value: Any) -> tuple[FundingSource, ...]:
    """The ``funding_sources`` list: ids, names, kinds; exactly one ``local`` and one
    ``enterprise`` source (their columns are the budget and co-funding of every model)."""
    if not isinstance(value, list) or not value:
        c.error("funding_sources", "expected a non-empty list of sources, got {value}", value=describe(value))
        return DEFAULT_SOURCES
    out: list[FundingSource] = []
    complete = True
    for i, item in enumerate(value):
        where = f"funding_sources[{i}]"
        sd = c.mapping(item, where)
        if sd is None:
            complete = False
            continue
        c.known_keys(sd, where, ("id", "name", "kind", "source"))
        sid = c.text(c.required(sd, "id", where), join(where, "id"))
        name = _text(c, c.required(sd, "name", where), join(where, "name"))
        kind = sd.get("kind")
        if kind not in SOURCE_KINDS:
            c.error(join(where, "kind"), "expected one of {source_kinds}, got {kind!r}",
                                         source_kinds=', '.join(SOURCE_KINDS), kind=kind)
            complete, kind = False, "state"  # kept under its id: its columns are not also reported as unknown
        if sid is not None and (not re.match(r"^[a-z][a-z0-9_]*$", sid) or sid == "total"):
            c.error(join(where, "id"), "expected a lower-case name like 'national' (not 'total'), got {sid!r}",
                                       sid=sid)
            complete = False
            continue
        if sid and any(s.id == sid for s in out):
            c.error(join(where, "id"), "source {sid!r} is listed twice", sid=sid)
            continue
        if sid:
            out.append(FundingSource(sid, name or Text(sid, sid), str(kind), str(sd.get("source", ""))))
    for kind in ("local", "enterprise"):
        count = sum(s.kind == kind for s in out)
        if count != 1 and complete:
            c.error("funding_sources", "expected exactly one source of kind {kind!r}, got {count}", kind=kind,
                                       count=count)
    return tuple(out) if out else DEFAULT_SOURCES


TASK_KEYS = (
    "id", "group", "source", "name", "unit", "quantity", "cost", "years", "years_text",
    "lead", "partner", "support_rule", "unit_as_printed", "name_as_printed", "short_name", *TASK_AREA_KEYS,
)


def parse_task(
    c: Collector, t: Any, where: str, *, groups: tuple[Group, ...] | list[Group],
    rules: Mapping[str, SupportRule], period: tuple[int, int] | None,
    declared_rules: frozenset[str] = frozenset(), sources: tuple[FundingSource, ...] = DEFAULT_SOURCES,
    geography: Geography | None = None,
) -> Task | None:
    """One task row (also used for tasks a scenario adds); None (problems recorded) if unusable."""
    td = c.mapping(t, where)
    if td is None:
        return None
    raw_id = c.required(td, "id", where)
    tid = c.text(raw_id, join(where, "id"))
    if tid is not None and isinstance(raw_id, int | float):
        c.error(join(where, "id"), "the id {raw_id} is written as a number, and YAML reads numbers: 2.10 becomes "
                                   "2.1 (the same id as 2.1) and 010 becomes 8; quote the id: id: '{raw_id}'",
                                   raw_id=written(raw_id))
        tid = None
    elif tid is not None:
        if not TASK_ID_RE.match(tid):
            c.error(join(where, "id"), "expected an id like 'II.2', got {tid!r}", tid=tid)
        where = f"{where.split('[')[0]}[{tid}]"
    c.known_keys(td, where, TASK_KEYS)
    group = c.text(c.required(td, "group", where), join(where, "group"))
    if group is not None and groups and group not in {g.id for g in groups}:
        c.error(join(where, "group"), "unknown group {group!r}; groups are {groups}", group=group,
                                      groups=', '.join(g.id for g in groups))
    name = _text(c, c.required(td, "name", where), join(where, "name"))
    short_name = _text(c, td["short_name"], join(where, "short_name")) if "short_name" in td else None
    unit = _text(c, c.required(td, "unit", where), join(where, "unit"))
    quantity_range = _quantity(c, c.required(td, "quantity", where), join(where, "quantity"))
    quantity, quantity_min = quantity_range if quantity_range is not None else (None, None)
    cost = _cost(c, c.required(td, "cost", where), join(where, "cost"), sources)
    years = parse_years(c, c.required(td, "years", where), join(where, "years"), period)
    rule = c.text(c.required(td, "support_rule", where), join(where, "support_rule"))
    level, areas = parse_task_area(c, td, where, geography or Geography())
    if rule is not None and rule not in rules and rule not in declared_rules:
        # (a rule that is declared but itself wrong has its own problem reported)
        c.error(
            join(where, "support_rule"),
            "unknown support rule {rule!r}; rules are {value}", rule=rule, value=', '.join(rules) or '(none)',
        )
    printed = {
        key.removesuffix("_as_printed"): str(td[key])
        for key in ("unit_as_printed", "name_as_printed")
        if key in td
    }
    if None in (tid, group, name, unit, quantity, cost, years, rule):
        return None
    assert tid and group and name and unit and quantity and cost and years and rule
    return Task(
        id=tid, group=group, name=name, unit=unit, quantity=quantity, cost=cost,
        years=years[0], annual=years[1],
        years_text=str(td["years_text"]) if "years_text" in td else (
            ", ".join(str(y) for y in td["years"]) if isinstance(td["years"], list) else str(td["years"])),
        lead=_agency(c, td, "lead", where), partner=_agency(c, td, "partner", where),
        support_rule=rule, source=str(td.get("source", f"task {tid}")),
        as_printed=printed, short_name=short_name, quantity_min=quantity_min, level=level, areas=areas,
    )


def _agency(c: Collector, td: Mapping[str, Any], key: str, where: str) -> Text:
    """A task's lead or partner agency: ``{vi, en}``, or one value (text as written) for both."""
    value = td.get(key)
    if isinstance(value, Mapping):
        return _text(c, value, join(where, key)) or Text("", "")
    return Text(str(value), str(value)) if value is not None else Text("", "")


PROGRAM_KEYS = (
    "format", "id", "title", "province", "period", "money_unit", "source", "stated_totals",
    "annual_budget", "support_rules", "groups", "tasks", "targets", "source_notes", "relations",
    "structure", "funding_sources", "geography", "eligibility",
)


def program_from_dict(data: Any, *, source: str = "<program>") -> Program:
    """Check a program document and build a ``Program``; raise ProgramError listing every problem.

    The figures are kept as the document states them: arithmetic that does not add up is the
    audit's business (``kgkc_opt.audit``), not a loading error, so that an inconsistent decision
    can still be encoded faithfully and planned with. Each section is read by a step of its own,
    in the order below (the order the problems are listed in).
    """
    c = Collector(source)
    doc = c.mapping(data, "")
    if doc is None:
        c.raise_if_any(ProgramError)
        raise AssertionError  # unreachable
    program_id, title, province = _identity(c, doc)
    period = _period(c, doc)
    sources = _funding_sources(c, doc["funding_sources"]) if "funding_sources" in doc else DEFAULT_SOURCES
    geography = parse_geography(c, doc.get("geography"))
    source_doc, illustrative = _source_section(c, doc)
    stated_totals, stated_source = _stated_totals(c, doc, sources)
    annual, annual_source, annual_total = _annual_budget(c, doc, period, sources)
    rules, declared_rules = _support_rules(c, doc)
    groups = _groups(c, doc)
    tasks, declared = _tasks(c, doc, groups=groups, rules=rules, declared_rules=declared_rules, period=period,
                             sources=sources, geography=geography)
    targets = _targets(c, doc, tasks, declared)
    notes = _source_notes(c, doc)
    relations = _relations(c, doc, tasks, declared)
    structure = parse_structure(c, doc.get("structure"), {t.id: t.years for t in tasks},
                                declared=frozenset(declared))
    eligibility = parse_rule_packs(c, doc.get("eligibility"))

    c.raise_if_any(ProgramError)
    assert title is not None and period is not None
    return Program(
        id=program_id, title=title, province=province, period=period,
        source_document=source_doc, illustrative=illustrative,
        stated_totals=stated_totals, stated_totals_source=stated_source,
        annual_budget=dict(sorted(annual.items())), annual_budget_source=annual_source,
        annual_stated_total=annual_total, support_rules=rules, groups=tuple(groups),
        tasks=tuple(tasks), targets=tuple(targets), source_notes=tuple(notes), origin=source,
        relations=tuple(relations), structure=structure, funding_sources=sources, geography=geography,
        eligibility=eligibility,
    )


def _identity(c: Collector, doc: Mapping[str, Any]) -> tuple[str, Text | None, str]:
    """The document's keys, format and money unit; its id, title and province."""
    c.known_keys(doc, "", PROGRAM_KEYS)
    fmt = doc.get("format", FORMAT)
    if fmt != FORMAT:
        c.error("format", "expected {format!r}, got {fmt!r}", format=FORMAT, fmt=fmt)
    money_unit = doc.get("money_unit", "million VND")
    if money_unit != "million VND":
        c.error("money_unit", "expected 'million VND' (triệu đồng), got {money_unit!r}", money_unit=money_unit)
    program_id = c.text(c.required(doc, "id", ""), "id") or "?"
    title = _text(c, c.required(doc, "title", ""), "title")
    province = c.text(doc.get("province", ""), "province", allow_empty=True) or ""
    return program_id, title, province


def _period(c: Collector, doc: Mapping[str, Any]) -> tuple[int, int] | None:
    """The program period ``{start, end}`` (at most 21 years); None if unusable."""
    raw_period = c.required(doc, "period", "")
    pdata = c.mapping(raw_period, "period") if raw_period is not None else None
    if pdata is None:
        return None
    c.known_keys(pdata, "period", ("start", "end"))
    start = c.integer(c.required(pdata, "start", "period"), "period.start", minimum=1900, maximum=2200)
    end = c.integer(c.required(pdata, "end", "period"), "period.end", minimum=1900, maximum=2200)
    if start is None or end is None:
        return None
    if end < start:
        c.error("period", "ends ({end}) before it starts ({start})", end=end, start=start)
    elif end - start > 20:
        c.error("period", "spans {end} years; at most 21 are supported", end=end - start + 1)
    else:
        return (start, end)
    return None


def _source_section(c: Collector, doc: Mapping[str, Any]) -> tuple[Text, bool]:
    """The ``source`` section: the decision's document (one string, or ``{vi, en}``), and whether
    the program is illustrative."""
    source_doc, illustrative = Text("", ""), False
    if "source" in doc:
        sdata = c.mapping(doc["source"], "source")
        if sdata is not None:
            c.known_keys(sdata, "source", ("document", "file", "illustrative"))
            if sdata.get("document") is not None:
                source_doc = _text(c, sdata["document"], "source.document") or source_doc
            illustrative = c.boolean(sdata.get("illustrative", False), "source.illustrative") or False
    return source_doc, illustrative


def _stated_totals(c: Collector, doc: Mapping[str, Any],
                   sources: tuple[FundingSource, ...]) -> tuple[Cost | None, str]:
    """The ``stated_totals`` section: the totals the decision states, and where."""
    stated_totals, stated_source = None, ""
    if "stated_totals" in doc:
        sdata = c.mapping(doc["stated_totals"], "stated_totals")
        if sdata is not None:
            stated_totals = _cost(
                c, {k: v for k, v in sdata.items() if k != "source"}, "stated_totals", sources
            )
            stated_source = str(sdata.get("source", "stated totals"))
    return stated_totals, stated_source


def _annual_budget(c: Collector, doc: Mapping[str, Any], period: tuple[int, int] | None,
                   sources: tuple[FundingSource, ...]) -> tuple[dict[int, YearBudget], str, Cost | None]:
    """The ``annual_budget`` section: the budget of each year, its source, the stated total."""
    annual: dict[int, YearBudget] = {}
    annual_source, annual_total = "annual budget table", None
    raw_annual = c.required(doc, "annual_budget", "")
    adata = c.mapping(raw_annual, "annual_budget") if raw_annual is not None else None
    if adata is not None:
        c.known_keys(adata, "annual_budget", ("source", "years", "stated_total"))
        annual_source = str(adata.get("source", annual_source))
        ydata = c.mapping(c.required(adata, "years", "annual_budget"), "annual_budget.years")
        if ydata is not None:
            annual = _budget_years(c, ydata, period, sources)
        if "stated_total" in adata:
            annual_total = _cost(c, adata["stated_total"], "annual_budget.stated_total", sources)
    return annual, annual_source, annual_total


def _budget_years(c: Collector, ydata: Mapping[Any, Any], period: tuple[int, int] | None,
                  sources: tuple[FundingSource, ...]) -> dict[int, YearBudget]:
    """``annual_budget.years``: one cost split a year, each year of the period once."""
    annual: dict[int, YearBudget] = {}
    listed: set[int] = set()
    for key, row in ydata.items():
        where = f"annual_budget.years.{key}"
        if isinstance(key, str) and YEAR_TEXT_RE.match(key):
            key = int(key.strip())
        year = c.integer(key, where, minimum=1900, maximum=2200)
        if year is None:
            continue
        if year in listed:
            c.error(where, "year {year} is listed twice", year=year)
            continue
        listed.add(year)
        if period and not period[0] <= year <= period[1]:
            c.error(where, "year {year} lies outside the program period {first_period}–{period}", year=year,
                           first_period=period[0], period=period[1])
            continue
        cost = _cost(c, row, where, sources)
        if cost is not None:
            annual[year] = YearBudget(year, cost.total, cost.state, cost.other, cost.extra)
    if period:
        missing = [y for y in range(period[0], period[1] + 1) if y not in listed]
        if missing:
            c.error(
                "annual_budget.years",
                "no budget for {str}; every year of the period needs one", str=', '.join(map(str, missing)),
            )
    return annual


def _support_rules(c: Collector, doc: Mapping[str, Any]) -> tuple[dict[str, SupportRule], frozenset[str]]:
    """The ``support_rules`` section: the rules that parse, and the ids of all declared rules."""
    rules: dict[str, SupportRule] = {}
    rdata = c.mapping(doc.get("support_rules", {}), "support_rules")
    if rdata is not None:
        for rid, rule in rdata.items():
            where = f"support_rules.{rid}"
            r = c.mapping(rule, where)
            if r is None:
                continue
            parsed_rule = parse_support_rule(c, r, where, str(rid))
            if parsed_rule is not None:
                rules[str(rid)] = parsed_rule
    return rules, frozenset(str(k) for k in rdata or {})


def _groups(c: Collector, doc: Mapping[str, Any]) -> list[Group]:
    """The ``groups`` list: ids, names, short names, each id once."""
    groups: list[Group] = []
    gdata = c.required(doc, "groups", "")
    if gdata is not None and not isinstance(gdata, list):
        c.error("groups", "expected a list of groups")
    for i, g in enumerate(gdata if isinstance(gdata, list) else []):
        where = f"groups[{i}]"
        gd = c.mapping(g, where)
        if gd is None:
            continue
        c.known_keys(gd, where, ("id", "name", "source", "short_name"))
        gid = c.text(c.required(gd, "id", where), join(where, "id"))
        name = _text(c, c.required(gd, "name", where), join(where, "name"))
        short = _text(c, gd["short_name"], join(where, "short_name")) if "short_name" in gd else None
        if gid and name:
            if any(x.id == gid for x in groups):
                c.error(join(where, "id"), "group {gid!r} is listed twice", gid=gid)
            groups.append(Group(gid, name, str(gd.get("source", f"group {gid}")), short))
    return groups


def _tasks(
    c: Collector, doc: Mapping[str, Any], *, groups: list[Group], rules: Mapping[str, SupportRule],
    declared_rules: frozenset[str], period: tuple[int, int] | None, sources: tuple[FundingSource, ...],
    geography: Geography,
) -> tuple[list[Task], set[str]]:
    """The ``tasks`` list: the tasks that parse (each id once), and every id the document declares
    (a task with a problem of its own is still known to targets and relations)."""
    tasks: list[Task] = []
    tdata = c.required(doc, "tasks", "")
    if tdata is not None and not isinstance(tdata, list):
        c.error("tasks", "expected a list of tasks")
    elif isinstance(tdata, list) and not tdata:
        c.error("tasks", "the program has no tasks")
    for i, t in enumerate(tdata if isinstance(tdata, list) else []):
        task = parse_task(c, t, f"tasks[{i}]", groups=groups, rules=rules, period=period,
                          declared_rules=declared_rules, sources=sources, geography=geography)
        if task is None:
            continue
        if any(x.id == task.id for x in tasks):
            c.error(f"tasks[{task.id}].id", "task {task_id!r} is listed twice", task_id=task.id)
            continue
        tasks.append(task)
    declared = {
        str(t["id"]) for t in (tdata if isinstance(tdata, list) else [])
        if isinstance(t, Mapping) and t.get("id") is not None
    }
    return tasks, declared


def _targets(c: Collector, doc: Mapping[str, Any], tasks: list[Task], declared: set[str]) -> list[Target]:
    """The ``targets`` list (optional)."""
    targets: list[Target] = []
    tgdata = doc.get("targets", []) or []
    if not isinstance(tgdata, list):
        c.error("targets", "expected a list of targets, got {tgdata}", tgdata=describe(tgdata))
        tgdata = []
    known = {x.id for x in tasks} | declared
    for i, t in enumerate(tgdata):
        target = _target(c, t, f"targets[{i}]", targets, known)
        if target is not None:
            targets.append(target)
    return targets


def _target(c: Collector, t: Any, where: str, targets: list[Target], known: set[str]) -> Target | None:
    """One target: its text, quantity, qualifier and the known tasks it counts."""
    td = c.mapping(t, where)
    if td is None:
        return None
    c.known_keys(td, where, ("id", "source", "text", "quantity", "qualifier", "tasks", "unit_matches"))
    tid = c.text(c.required(td, "id", where), join(where, "id"))
    text = _text(c, c.required(td, "text", where), join(where, "text"))
    target_range = _quantity(c, c.required(td, "quantity", where), join(where, "quantity"))
    quantity, target_min = target_range if target_range is not None else (None, None)
    if tid is not None and any(x.id == tid for x in targets):
        c.error(join(where, "id"), "target {tid!r} is listed twice", tid=tid)
    qualifier = td.get("qualifier", "exact")
    if qualifier not in QUALIFIERS:
        c.error(join(where, "qualifier"), "expected one of {qualifiers}, got {qualifier!r}",
                                          qualifiers=', '.join(QUALIFIERS), qualifier=qualifier)
    task_list = td.get("tasks", [])
    if not isinstance(task_list, list) or not task_list:
        c.error(join(where, "tasks"), "expected a non-empty list of task ids")
        task_list = []
    for tk in task_list:
        if str(tk) not in known:
            c.error(join(where, "tasks"), "unknown task id {tk!r}", tk=tk)
    repeated = sorted({str(x) for x in task_list if [str(y) for y in task_list].count(str(x)) > 1})
    if repeated:
        c.error(join(where, "tasks"), "task id(s) listed twice: {repeated}", repeated=', '.join(repeated))
    if not (tid and text and quantity is not None):
        return None
    return Target(tid, str(td.get("source", tid)), text, quantity, str(qualifier),
                  tuple(str(x) for x in task_list),
                  bool(c.boolean(td.get("unit_matches", True), join(where, "unit_matches"))), target_min)


def _source_notes(c: Collector, doc: Mapping[str, Any]) -> list[SourceNote]:
    """The ``source_notes`` list (optional): notes on the decision, with their severity."""
    notes: list[SourceNote] = []
    ndata = doc.get("source_notes", []) or []
    if not isinstance(ndata, list):
        c.error("source_notes", "expected a list of notes, got {ndata}", ndata=describe(ndata))
        ndata = []
    for i, n in enumerate(ndata):
        where = f"source_notes[{i}]"
        nd = c.mapping(n, where)
        if nd is None:
            continue
        c.known_keys(nd, where, ("source", "text", "severity"))
        note_texts = _text(c, c.required(nd, "text", where), join(where, "text"))
        severity = nd.get("severity", "info")
        if severity not in NOTE_SEVERITIES:
            c.error(join(where, "severity"), "expected one of {note_severities}, got {severity!r}",
                                             note_severities=', '.join(NOTE_SEVERITIES), severity=severity)
            continue
        if note_texts:
            notes.append(SourceNote(str(nd.get("source", "")), note_texts.en, str(severity), note_texts))
    return notes


def _relations(c: Collector, doc: Mapping[str, Any], tasks: list[Task], declared: set[str]) -> list[Relation]:
    """The ``relations`` list (optional): relations between the quantities of groups of tasks."""
    relations: list[Relation] = []
    rdocs = doc.get("relations", []) or []
    if not isinstance(rdocs, list):
        c.error("relations", "expected a list of relations")
        rdocs = []
    known_ids = {t.id for t in tasks} | declared
    parsed = {t.id for t in tasks}
    for i, r in enumerate(rdocs):
        relation = _relation(c, r, f"relations[{i}]", relations, known_ids, parsed)
        if relation is not None:
            relations.append(relation)
    return relations


def _relation(c: Collector, r: Any, where: str, relations: list[Relation], known_ids: set[str],
              parsed: set[str]) -> Relation | None:
    """One relation: ``left <relation> right``, both sides known tasks, kept if all its tasks parsed."""
    rd = c.mapping(r, where)
    if rd is None:
        return None
    c.known_keys(rd, where, ("id", "source", "left", "relation", "right", "text", "enforce"))
    rid = c.text(c.required(rd, "id", where), join(where, "id"))
    op = rd.get("relation")
    if op not in RELATION_OPS:
        c.error(join(where, "relation"), "expected one of {relation_ops}, got {op!r}",
                                         relation_ops=', '.join(RELATION_OPS), op=op)
    sides = [_relation_side(c, rd.get(side), join(where, side), known_ids) for side in ("left", "right")]
    text = _text(c, c.required(rd, "text", where), join(where, "text"))
    if rid is not None and any(x.id == rid for x in relations):
        c.error(join(where, "id"), "relation {rid!r} is listed twice", rid=rid)
    if rid and op in RELATION_OPS and all(sides) and text and all(x in parsed for x in (*sides[0], *sides[1])):
        enforce = bool(c.boolean(rd.get("enforce", False), join(where, "enforce")))
        return Relation(rid, str(rd.get("source", rid)), sides[0], op, sides[1], text, enforce)
    return None


def _relation_side(c: Collector, ids: Any, where: str, known_ids: set[str]) -> tuple[str, ...]:
    """One side of a relation: a non-empty list of known task ids, each once; () if not a list."""
    if not isinstance(ids, list) or not ids:
        c.error(where, "expected a non-empty list of task ids")
        return ()
    bad = [str(x) for x in ids if str(x) not in known_ids]
    if bad:
        c.error(where, "unknown task id(s): {bad}", bad=', '.join(bad))
    twice = sorted({str(x) for x in ids if [str(y) for y in ids].count(str(x)) > 1})
    if twice:
        c.error(where, "task id(s) listed twice: {twice}", twice=', '.join(twice))
    return tuple(str(x) for x in ids)

"""Scenarios: what-if changes applied to a program, and the model input they produce.

A scenario file (YAML) names a program and changes some of its figures (docs/scenarios.md)::

    name: cut-2024
    program: kien-giang-2021-2025     # bundled name, or a path relative to this file
    extends: baseline.yaml            # optional: start from another scenario (chains allowed)
    budget: {2024: "-30%"}            # local budget per year: "-30%", "+5%", or an amount
    overrides:                        # optional named groups of changes, applied in order
      machinery-42: {targets: {II.2: 40}}

``scenario_from_documents`` is pure: it receives the parsed documents (the root of the extends
chain first) and the loaded program, checks everything, and returns a frozen ``Scenario``.

Order of application (documented in docs/scenarios.md): documents from the root of the extends
chain to the file itself; within a document, its top-level changes, then each override in the
order written; within a group of changes, the scenario keys in the order of ``CHANGE_SECTIONS``.
A percentage applies to the value at that point. Within one document, two groups (the top level
counts as one) setting the same key (``budget.2024``, ``targets.II.2``, ...) is an error unless
the key is listed in ``allow_overlap``. Every effective change is logged as ``key: old → new``
with the file and group it came from; the log is stored with every result.

The keys themselves (what each reads, checks, logs and sets) are declared once, in
``kgkc_opt.inputs.keys``; this module handles the document around them (name, extends chain,
overrides, overlap, actuals, re-planning, uncertainty, solver options) and ``Scenario``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import PurePath
from typing import Any

from kgkc_opt.errors import ActualsError, Problem, ScenarioError
from kgkc_opt.inputs.actuals import Actuals, actuals_from_text
from kgkc_opt.inputs.keys import KEYS, Change, Draft, Escalation, escalated_costs, key_named
from kgkc_opt.inputs.program import Program, Task, Text
from kgkc_opt.inputs.reader import Collector, InputFile, describe, join, parse_percent
from kgkc_opt.inputs.text import parse_text as _text

__all__ = [
    "CHANGE_SECTIONS", "Change", "Distribution", "Escalation", "Scenario", "Uncertainty", "baseline",
    "derive_scenario", "escalated_costs", "require_rules_in_force", "scenario_from_dict", "scenario_from_documents",
]

FORMAT = "kgkc-scenario/1"
#: Sections that change figures, in the order they are applied within one group of changes
#: (declared in ``kgkc_opt.inputs.keys``).
CHANGE_SECTIONS = tuple(k.name for k in KEYS)
DOCUMENT_SECTIONS = (
    "format", "name", "title", "description", "program", "extends", "overrides", "allow_overlap",
    "actuals", "replan_from", "uncertainty", "solve",
)
#: Document sections ``Scenario.derive`` accepts besides the change keys.
DERIVE_SETTINGS = ("title", "description", "replan_from", "uncertainty")
SOLVE_KEYS = ("solver", "time_limit")
DISTRIBUTIONS = {"normal": ("mean", "sd"), "uniform": ("low", "high"),
                 "triangular": ("low", "mode", "high")}


@dataclass(frozen=True)
class Distribution:
    """A factor on a scenario's caps: normal(mean, sd), uniform(low, high), triangular(low, mode, high)."""

    kind: str
    params: Mapping[str, float]


@dataclass(frozen=True)
class Uncertainty:
    samples: int
    seed: int
    budget: Distribution | None
    cofunding: Distribution | None
    per_year: bool = True


@dataclass(frozen=True)
class Scenario:
    """A program with a scenario's changes applied (``kgkc_opt.model.data.model_input`` gives
    what the model solves).

    The attributes from ``local_budget`` to ``group_caps`` hold the values of the scenario keys
    (``kgkc_opt.inputs.keys.KEYS``: each key names its attribute); the others are the document's
    settings and provenance.
    """

    name: str
    description: str
    program: Program
    local_budget: Mapping[int, Fraction]
    cofunding: Mapping[int, Fraction]
    targets: Mapping[str, int]
    weights: Mapping[str, Fraction]
    floors: Mapping[str, int]
    tiers: Mapping[str, int]
    carry_over: bool = False
    escalation: Escalation | None = None
    group_caps: Mapping[str, Mapping[int, Fraction]] = field(default_factory=dict)
    funding: Mapping[str, Mapping[int, Fraction]] = field(default_factory=dict)
    policy: str = "most-targets"
    structure: bool = True
    actuals: Actuals | None = None
    replan_from: int | None = None
    uncertainty: Uncertainty | None = None
    solver: str | None = None
    time_limit: float | None = None
    changes: tuple[Change, ...] = ()
    sources: tuple[str, ...] = ()
    source_program: Program | None = field(default=None, repr=False, compare=False)
    #: the files this scenario was read from, with their SHA-256 (set by ``inputs.files.load_scenario``)
    inputs: tuple[InputFile, ...] = field(default=(), repr=False, compare=False)
    #: the title outputs name the scenario by (``title:``, or ``name: {vi:, en:}``); not inherited
    title: Text | None = None
    #: the description in both languages (``description: {vi:, en:}``; a plain text serves both)
    description_text: Text | None = None

    # ---- what the model sees ----------------------------------------------------------

    def unit_costs(self, task: Task, year: int) -> tuple[Fraction, Fraction]:
        """(local, co-funding) cost of one unit of ``task`` in ``year``, escalation applied."""
        return escalated_costs(task, year, self.escalation, self.program)

    def planned_years(self) -> tuple[int, ...]:
        if self.replan_from is None:
            return self.program.years
        return tuple(y for y in self.program.years if y >= self.replan_from)

    def derive(self, name: str | None = None, **changes: object) -> Scenario:
        """A new scenario from this one, in code: ``s.derive("cut", budget={2024: "-30%"})``.

        Keywords are the scenario keys (``CHANGE_SECTIONS``: ``budget``, ``targets``, ...; values
        as a scenario file writes them) and the settings ``description``, ``replan_from`` and
        ``uncertainty``; they are checked as a file's would be and every change is logged.
        """
        return derive_scenario(self, name=name, **changes)

    def __repr__(self) -> str:
        return f"<Scenario {self.name!r} on {self.program.id!r}: {len(self.changes)} changes>"


def _key_fields(values: Mapping[str, object]) -> dict[str, Any]:
    """The ``Scenario`` attributes of the scenario keys, from their values by key name."""
    return {k.field: values[k.name] for k in KEYS if k.field is not None}


def baseline(program: Program, *, name: str = "baseline") -> Scenario:
    """The program as its decision states it: annual table caps, table quantities as targets."""
    return Scenario(
        name=name,
        description="The program as decided: annual table caps, table quantities as targets.",
        program=program, source_program=program,
        **_key_fields({k.name: k.initial(program) for k in KEYS if k.field is not None}),
    )


class _State(Draft):
    """The scenario being built: mutable while documents are applied."""

    def __init__(self, scn: Scenario):
        super().__init__(scn.program, {k.name: getattr(scn, k.field) for k in KEYS if k.field is not None},
                         scn.changes)
        self.origin = scn
        self.actuals = scn.actuals
        self.replan_from = scn.replan_from
        self.uncertainty = scn.uncertainty
        self.solver = scn.solver
        self.time_limit = scn.time_limit
        self.sources = list(scn.sources)
        self.name = scn.name
        self.description = scn.description
        self.source_program = scn.source_program or scn.program
        self.title = scn.title
        self.description_text = scn.description_text

    def freeze(self) -> Scenario:
        return replace(
            self.origin, name=self.name, description=self.description, program=self.program,
            title=self.title, description_text=self.description_text,
            actuals=self.actuals, replan_from=self.replan_from, uncertainty=self.uncertainty,
            solver=self.solver, time_limit=self.time_limit, changes=tuple(self.changes),
            sources=tuple(self.sources), source_program=self.source_program,
            **_key_fields(self.values),
        )


def _apply_changes(st: _State, c: Collector, doc: Mapping[str, Any], where: str, source: str) -> None:
    """Apply one group of changes (the top level of a document, or one override), key by key in
    the order of ``KEYS``."""
    for key in KEYS:
        if key.name in doc:
            key.apply(st, c, doc[key.name], join(where, key.name), source)


def _distribution(c: Collector, data: Any, where: str) -> Distribution | None:
    d = c.mapping(data, where)
    if d is None:
        return None
    kind = d.get("distribution")
    if not isinstance(kind, str) or kind not in DISTRIBUTIONS:
        c.error(join(where, "distribution"), "expected one of {distributions}, got {kind}",
                                             distributions=', '.join(DISTRIBUTIONS), kind=describe(kind))
        return None
    c.known_keys(d, where, ("distribution", *DISTRIBUTIONS[kind]))
    params: dict[str, float] = {}
    for key in DISTRIBUTIONS[kind]:
        value = c.required(d, key, where)
        pct = parse_percent(value) if isinstance(value, str) else None
        if pct is None:
            if value is not None:
                c.error(join(where, key),
                        'expected a percentage change of the scenario\'s figure like "-10%", got {value}',
                        value=describe(value))
            continue
        params[key] = float(pct)
    if len(params) != len(DISTRIBUTIONS[kind]):
        return None
    if kind == "normal" and params["sd"] < 0:
        c.error(join(where, "sd"), "expected a standard deviation of at least 0%")
        return None
    if kind in ("uniform", "triangular") and params["low"] > params["high"]:
        c.error(where, "low is above high")
        return None
    if kind == "triangular" and not params["low"] <= params["mode"] <= params["high"]:
        c.error(join(where, "mode"), "expected low ≤ mode ≤ high")
        return None
    return Distribution(kind, params)


def _uncertainty(c: Collector, data: Any, where: str) -> Uncertainty | None:
    d = c.mapping(data, where)
    if d is None:
        return None
    c.known_keys(d, where, ("samples", "seed", "budget", "cofunding", "per_year"))
    samples = c.integer(d.get("samples", 200), join(where, "samples"), minimum=1, maximum=100_000)
    seed = c.integer(d.get("seed", 0), join(where, "seed"), minimum=0, maximum=2**32 - 1)
    budget = _distribution(c, d["budget"], join(where, "budget")) if "budget" in d else None
    cof = _distribution(c, d["cofunding"], join(where, "cofunding")) if "cofunding" in d else None
    per_year = d.get("per_year", True)
    if not isinstance(per_year, bool):
        c.error(join(where, "per_year"), "expected true or false, got {per_year}", per_year=describe(per_year))
        per_year = True
    if budget is None and cof is None and "budget" not in d and "cofunding" not in d:
        c.error(where, "give a distribution for budget, cofunding or both")
    if samples is None or seed is None:
        return None
    return Uncertainty(samples, seed, budget, cof, per_year)


def _apply_document(st: _State, label: str, data: Any, c: Collector,
                    actuals_text: tuple[str, str] | None) -> None:
    """One scenario document, in steps: its header (format, name, title, description), its
    changes (top level and overrides), actuals and replanning, uncertainty, solve options."""
    doc = c.mapping(data, "")
    if doc is None:
        return
    _apply_header(st, doc, c)
    _apply_change_groups(st, label, doc, c)
    _apply_actuals(st, label, doc, c, actuals_text)
    if "uncertainty" in doc:
        st.uncertainty = _uncertainty(c, doc["uncertainty"], "uncertainty")
    if "solve" in doc:
        _apply_solve(st, doc["solve"], c)
    st.sources.append(label)


def _apply_header(st: _State, doc: Mapping[str, Any], c: Collector) -> None:
    """The document's keys and format; its name, title and description."""
    c.known_keys(doc, "", (*DOCUMENT_SECTIONS, *CHANGE_SECTIONS))
    fmt = doc.get("format", FORMAT)
    if fmt != FORMAT:
        c.error("format", "expected {format!r}, got {fmt}", format=FORMAT, fmt=describe(fmt))
    st.title = None  # a title names one document's scenario: a scenario extending it has its own
    if "name" in doc:
        if isinstance(doc["name"], str) and doc["name"].strip():
            st.name = doc["name"].strip()
        elif isinstance(doc["name"], Mapping):
            st.title = _text(c, doc["name"], "name")
        else:
            c.error("name", "expected text, got {name}", name=describe(doc['name']))
    if "title" in doc:
        st.title = _text(c, doc["title"], "title")
    if "description" in doc:
        texts = _text(c, doc["description"], "description")
        if texts is not None:
            st.description_text = Text(texts.vi.strip(), texts.en.strip())
            st.description = st.description_text.en


def _apply_change_groups(st: _State, label: str, doc: Mapping[str, Any], c: Collector) -> None:
    """The changes at the top level, then each group under ``overrides``; a key set by two groups
    is a problem unless listed under ``allow_overlap``."""
    allow = doc.get("allow_overlap", [])
    if not isinstance(allow, list) or not all(isinstance(a, str) for a in allow):
        c.error("allow_overlap", "expected a list of keys like 'budget.2024'")
        allow = []
    groups: list[tuple[str, Mapping[str, Any]]] = [("", {k: v for k, v in doc.items() if k in CHANGE_SECTIONS})]
    if "overrides" in doc:
        overrides = c.mapping(doc["overrides"], "overrides")
        for name, body in (overrides or {}).items():
            where = f"overrides.{name}"
            group = c.mapping(body, where)
            if group is None:
                continue
            c.known_keys(group, where, CHANGE_SECTIONS)
            groups.append((where, group))
    setters: dict[str, str] = {}
    for where, group in groups:
        st.touched = set()
        source = f"{label} {where}" if where else label
        _apply_changes(st, c, group, where, source)
        for key in sorted(st.touched):
            if key in setters and key not in allow:
                first = setters[key] or "the top level"
                c.error(where or "(top level)", "sets {key}, already set by {first} in this file; list {key!r} "
                                                "under allow_overlap to allow it", key=key, first=first)
            setters.setdefault(key, where)


def _apply_actuals(st: _State, label: str, doc: Mapping[str, Any], c: Collector,
                   actuals_text: tuple[str, str] | None) -> None:
    """The executed years (``actuals``, read by the caller) and the year replanning starts."""
    if actuals_text is not None:
        path, text = actuals_text
        try:
            st.actuals = actuals_from_text(text, st.program, source=path)
        except ActualsError as exc:
            c.problems.extend(exc.problems)
        else:
            st.log("actuals", "none", f"{path} ({len(st.actuals.rows)} rows, years "
                                      f"{', '.join(map(str, st.actuals.years))})", label)
            last = max(st.actuals.years) if st.actuals.years else st.program.period[0] - 1
            st.replan_from = last + 1
    elif "actuals" in doc:
        c.error("actuals", "expected the path of a CSV file, got {actuals}", actuals=describe(doc['actuals']))
    if "replan_from" in doc:
        period = st.program.period
        y = c.integer(doc["replan_from"], "replan_from", minimum=period[0], maximum=period[1])
        if y is not None:
            if st.actuals is not None and any(r.year >= y for r in st.actuals.rows):
                c.error("replan_from", "actuals include {y} or later; replanning must start after the executed years",
                                       y=y)
            st.log("replan_from", st.replan_from or period[0], y, label)
            st.replan_from = y


def _apply_solve(st: _State, value: Any, c: Collector) -> None:
    """The ``solve`` section: which solver, and a time limit (seconds)."""
    sdata = c.mapping(value, "solve")
    if sdata is None:
        return
    c.known_keys(sdata, "solve", SOLVE_KEYS)
    if "solver" in sdata:
        if sdata["solver"] in ("highs", "cbc"):
            st.solver = sdata["solver"]
        else:
            c.error("solve.solver", "expected 'highs' or 'cbc', got {solver}",
                                    solver=describe(sdata['solver']))
    if "time_limit" in sdata:
        tl = sdata["time_limit"]
        if isinstance(tl, int | float) and not isinstance(tl, bool) and 0 < tl <= 86400:
            st.time_limit = float(tl)
        else:
            c.error("solve.time_limit", "expected seconds between 0 and 86400, got {tl}", tl=describe(tl))


def _check_consistency(st: _State, c: Collector) -> None:
    """Each key's checks of the scenario as a whole (floors within targets, ...)."""
    scn = st.freeze()
    for key in KEYS:
        key.check(scn, c)


def _rules_not_in_force(scn: Scenario, c: Collector) -> None:
    """A task planned in a year in which its dated support rule has no version in force: refused.

    The plan would pay state support in that year under a rule that does not exist then (the
    audit's ``rule-not-in-force``): no figure of it could be cited. Only what the scenario plans
    counts: the planned years (a re-plan's remaining ones), a task with units left to plan and
    state support to pay."""
    program, planned = scn.program, set(scn.planned_years())
    done = scn.actuals.done() if scn.actuals is not None else {}
    for task in program.tasks:
        rule = program.support_rules.get(task.support_rule)
        left = scn.targets.get(task.id, 0) - done.get(task.id, 0)
        if rule is None or not rule.dated or task.cost.state == 0 or left <= 0:
            continue
        missing = [y for y in task.years if y in planned and not rule.in_force(y)]
        if not missing:
            continue
        years = ", ".join(map(str, missing))
        spans = "; ".join(f"{v.citation}, in force {v.valid_from or '…'} – {v.valid_to or '…'}" for v in rule.history)
        c.error("program", "task {task_id} is planned in {years}, but its support rule {rule_id} has no version in "
                           "force in {years} (its versions: {spans}; support_rules.{rule_id} of program "
                           "{program_id}): the plan cannot say what the state may pay then. Add the version in "
                           "force then to the program, or leave the task out of the plan (targets: {{{task_id}: "
                           "0}})", task_id=task.id, years=years, rule_id=rule.id, spans=spans, program_id=program.id)


def require_rules_in_force(scn: Scenario) -> None:
    """Raise ``ScenarioError`` when ``scn`` plans a task in a year in which its support rule has no
    version in force (a scenario read from a file or derived is checked on reading; this is for
    one made in code, e.g. the baseline of a program)."""
    c = Collector(f"<scenario {scn.name}>")
    _rules_not_in_force(scn, c)
    c.raise_if_any(ScenarioError)


def scenario_from_documents(
    documents: list[tuple[str, Any]], program: Program, *,
    actuals_texts: Mapping[str, tuple[str, str]] | None = None,
) -> Scenario:
    """Apply parsed scenario documents (root of the extends chain first) to a program.

    ``actuals_texts`` maps a document's label to (actuals path, CSV text) for documents that name
    an actuals file. Raises ScenarioError listing every problem in every document.
    """
    st = _State(baseline(program))
    st.name = "scenario"
    st.description = ""
    problems: list[Problem] = []
    for label, data in documents:
        c = Collector(label)
        _apply_document(st, label, data, c, (actuals_texts or {}).get(label))
        _check_consistency(st, c)
        problems.extend(c.distinct())
    if documents:  # the scenario as a whole, once, at the file given
        c = Collector(documents[-1][0])
        _rules_not_in_force(st.freeze(), c)
        problems.extend(c.distinct())
    if problems:
        raise ScenarioError(problems)
    if st.name == "scenario" and documents:
        st.name = PurePath(documents[-1][0]).stem or "scenario"
    return st.freeze()


def scenario_from_dict(data: Any, program: Program, *, source: str = "<scenario>") -> Scenario:
    """One scenario document (no ``extends``, no actuals file) applied to a program."""
    return scenario_from_documents([(source, data)], program)


def derive_scenario(scn: Scenario, *, name: str | None = None, **changes: object) -> Scenario:
    """``Scenario.derive``: the changes as one document applied to ``scn`` (checked, logged)."""
    doc: dict[str, object] = {}
    for keyword, value in changes.items():
        key = key_named(keyword)
        if key is None and keyword not in DERIVE_SETTINGS:
            raise ScenarioError([Problem(f"<derive {name or scn.name}>", keyword,
                                         "unknown change; expected one of {change_sections} (or {derive_settings})",
                                         {"change_sections": ', '.join(CHANGE_SECTIONS),
                                         "derive_settings": ', '.join(DERIVE_SETTINGS)})])
        doc[key.name if key is not None else keyword] = value
    if name:
        doc["name"] = name
    label = f"<derived from {scn.name}>"
    st = _State(scn)
    c = Collector(label)
    _apply_document(st, label, doc, c, None)
    _check_consistency(st, c)
    _rules_not_in_force(st.freeze(), c)
    c.raise_if_any(ScenarioError)
    return st.freeze()

"""The program file format: bundled programs, the illustrative 2026–2030 example, and the docs.

(a) Every bundled program loads and audits. The illustrative example-2026-2030 audits with no
errors, respects the legal caps, reuses the 2021–2025 support rules and solves with every target
met.

(b) docs/program-format.md must not rot. This file checks that:

- every ```yaml block marked ``<!-- complete-example -->`` loads with ``kg.program_from_dict``
  and audits with no errors,
- every error message the page quotes is what the code produces for the small change described
  (changes are applied to the page's own minimal example),
- every key the validator accepts, and every code the audit can emit, is on the page,
- the quirks the page warns about still exist. These tests are strict xfails: once a quirk is
  fixed they fail, and the quirk should be removed from the page.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml

import kgkc_opt as kg

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "program-format.md"
EXAMPLE = "example-2026-2030"
SCENARIO = ROOT / "scenarios" / "example-2026-2030.yaml"
MARKER = "<!-- complete-example -->"
FILE = "an-giang-2026-2030.yaml"  # the file name the page's quoted messages use

COMPLETE_BLOCK_RE = re.compile(
    re.escape(MARKER) + r"\s*\n```yaml[ \t]*\n(.*?)\n```", re.DOTALL
)


def doc_text() -> str:
    return DOC.read_text(encoding="utf-8")


def doc_contains_lines(block: str) -> bool:
    """Whether the page holds these lines in a row, whatever their indentation."""
    def strip(text: str) -> str:
        return "\n".join(line.strip() for line in text.splitlines())
    return strip(block) in strip(doc_text())


def complete_examples() -> list[str]:
    return COMPLETE_BLOCK_RE.findall(doc_text())


def minimal() -> dict[str, Any]:
    """The page's first complete example (the minimal program), as plain data."""
    return yaml.safe_load(complete_examples()[0])


def errors(program: kg.Program) -> list[kg.Finding]:
    return [f for f in kg.audit(program) if f.severity == "error"]


def problems(mutate: Callable[[dict[str, Any]], object]) -> list[str]:
    """'where: message' of every problem after ``mutate`` changes the minimal example."""
    data = minimal()
    mutate(data)
    with pytest.raises(kg.ProgramError) as info:
        kg.program_from_dict(data, source=FILE)
    return [f"{p.where}: {p.message}" if p.where else p.message for p in info.value.problems]


def task(data: dict[str, Any], tid: str = "I.1") -> dict[str, Any]:
    return next(t for t in data["tasks"] if t["id"] == tid)


def rule(data: dict[str, Any], rid: str = "province_norm") -> dict[str, Any]:
    return data["support_rules"][rid]


# --- (a) bundled programs and the illustrative example -----------------------------------------


def test_bundled_programs_include_the_example():
    names = kg.bundled_programs()
    assert "kien-giang-2021-2025" in names
    assert EXAMPLE in names


@pytest.mark.parametrize("name", kg.bundled_programs())
def test_every_bundled_program_loads_and_audits(name):
    program = kg.load_program(name)
    assert program.id == name  # the id matches the file name, as the page advises
    assert program.tasks
    kg.audit(program)  # must not raise


def test_example_audits_with_no_errors():
    program = kg.load_program(EXAMPLE)
    assert errors(program) == []


def test_example_is_marked_illustrative():
    program = kg.load_program(EXAMPLE)
    assert program.illustrative is True
    assert "illustrative" in program.title.en.lower()
    assert "minh họa" in program.title.vi.lower()
    assert "illustrative" in program.province.lower()


def test_example_shape():
    program = kg.load_program(EXAMPLE)
    assert program.period == (2026, 2030)
    assert tuple(program.annual_budget) == (2026, 2027, 2028, 2029, 2030)
    assert 12 <= len(program.tasks) <= 18
    group_ids = [g.id for g in program.groups]
    assert group_ids == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
    assert {t.group for t in program.tasks} == set(group_ids)  # every group has a task
    assert program.targets
    assert all(t.source for t in program.tasks)


def test_example_annual_table_matches_task_table():
    program = kg.load_program(EXAMPLE)
    for col in ("total", "state", "other"):
        tasks = sum((getattr(t.cost, col) for t in program.tasks), Fraction(0))
        years = sum((getattr(b, col) for b in program.annual_budget.values()), Fraction(0))
        assert tasks == years == getattr(program.stated_totals, col)


def test_example_support_respects_legal_caps():
    program = kg.load_program(EXAMPLE)
    for t in program.tasks:
        r = program.support_rules[t.support_rule]
        assert t.cost.state <= r.max_state_share * t.cost.total, t.id
        if r.max_state_per_unit is not None:
            assert t.unit_state <= r.max_state_per_unit, t.id


def test_example_reuses_the_2021_2025_support_rules():
    old = kg.load_program("kien-giang-2021-2025").support_rules
    new = kg.load_program(EXAMPLE).support_rules
    assert set(new) == set(old)
    for rid, r in new.items():
        o = old[rid]
        assert (r.max_state_share, r.max_state_per_unit, r.citation, r.confidence) == (
            o.max_state_share, o.max_state_per_unit, o.citation, o.confidence), rid


def test_example_scenario_solves_with_every_target_met():
    scenario = kg.load_scenario(SCENARIO)
    assert scenario.program.id == EXAMPLE
    result = kg.solve(scenario)
    assert result.status == kg.Status.OPTIMAL
    assert len(result.shortfalls) == 0
    assert result.objective == pytest.approx(result.max_objective)


# --- (b) complete examples on the page ---------------------------------------------------------


def test_page_has_complete_examples():
    # Every marker must be followed by a yaml block, and there is at least one.
    assert len(complete_examples()) == doc_text().count(MARKER) >= 1


@pytest.mark.parametrize("index", range(len(complete_examples())))
def test_complete_example_loads_and_audits_clean(index):
    data = yaml.safe_load(complete_examples()[index])
    program = kg.program_from_dict(data, source=f"{DOC.name} example {index + 1}")
    assert errors(program) == []


def test_minimal_example_audit_is_as_quoted():
    program = kg.program_from_dict(minimal(), source=FILE)
    findings = kg.audit(program, schedule=True)  # as `kgkc-opt audit` runs it
    assert [f.severity for f in findings] == ["info", "info", "info"]
    assert "table-schedulable" in {f.code for f in findings}
    assert len(kg.audit(program)) == 2  # without the schedule check
    text = doc_text()
    for f in findings:
        assert f"[{f.severity}] {f.code}\n  {f.message}" in text


def test_example_table_is_schedulable():
    findings = kg.audit(kg.load_program(EXAMPLE), schedule=True)
    assert "table-schedulable" in {f.code for f in findings}
    assert not [f for f in findings if f.severity == "error"]


# --- quoted messages ---------------------------------------------------------------------------


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return mutate


def _pop(path: list[Any]) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        node = data
        for key in path[:-1]:
            node = node[key]
        node.pop(path[-1])
    return mutate


def _dup_task(data: dict[str, Any]) -> None:
    data["tasks"].append(copy.deepcopy(task(data)))


def _relation(**changes: Any) -> Callable[[dict[str, Any]], None]:
    """Add one relation (II.2 <= I.1) to the minimal example, with ``changes``."""
    def mutate(data: dict[str, Any]) -> None:
        relation = {"id": "R01", "source": "Section III", "left": ["II.2"], "relation": "<=",
                    "right": ["I.1"], "text": "workshops should not outnumber courses"}
        relation.update(changes)
        data["relations"] = [relation]
    return mutate


I1 = ["tasks", 0]  # task I.1 is the first task of the minimal example
ANNUAL_2026 = ["annual_budget", "years", 2026]

# (quote as it appears on the page, change to the minimal example)
QUOTED: list[tuple[str, Callable[[dict[str, Any]], object]]] = [
    ("tasks[I.1].budget: unknown key; expected one of: id, group, source, name, unit, quantity, "
     "cost, years, years_text, lead, partner, support_rule, unit_as_printed, name_as_printed, short_name, level, "
     "areas",
     _set([*I1, "budget"], 1)),
    ("tasks[I.1].quantity: expected a whole number, got '09'", _set([*I1, "quantity"], "09")),
    ("expected a whole number, got 2.5", _set([*I1, "quantity"], 2.5)),
    ("tasks[I.1].cost.ns: unknown key; expected one of: total, state, other",
     _set([*I1, "cost", "ns"], 1)),
    ("title.vi: required key is missing", _set(["title"], {"en": "x"})),
    ("title.fr: unknown key; expected one of: vi, en", _set(["title", "fr"], "x")),
    ("expected text, got ''", _set(["title", "vi"], "")),
    ("expected an amount in million VND (a number), got '47.585' (47.585 is ambiguous: written the Vietnamese "
     "way ('.' between thousands) it is 47585, read as a decimal it is 47.585; write 47585, or 47.5850 for the "
     "decimal)",
     _set([*ANNUAL_2026, "total"], "47.585")),
    ("expected an amount in million VND (a number), got '1,5' (Vietnamese notation? write 1.5: a '.' for decimals)",
     _set([*ANNUAL_2026, "total"], "1,5")),
    ("expected an amount in million VND (a number), got '-'", _set([*I1, "cost", "other"], "-")),
    ("expected an amount of at least 0 million VND, got -1", _set([*ANNUAL_2026, "total"], -1)),
    ("amount 47585000000 million VND is beyond 1,000,000,000 million VND; amounts are in million VND (triệu "
     "đồng): 47585000000 đồng would be 47,585 million", _set([*ANNUAL_2026, "total"], 47585000000)),
    ("support_rules.province_norm.max_state_share: expected a share between 0 and 1, got 30",
     _set(["support_rules", "province_norm", "max_state_share"], 30)),
    ('expected a share like 0.3 or "30%", got \'0.3\'',
     _set(["support_rules", "province_norm", "max_state_share"], "0.3")),
    ('expected a share like 0.3 or "30%", got \'130%\'',
     _set(["support_rules", "province_norm", "max_state_share"], "130%")),
    ("period.start: expected a whole number of at least 1900, got 1800",
     _set(["period", "start"], 1800)),
    ("period: required key is missing", _pop(["period"])),
    ("money_unit: expected 'million VND' (triệu đồng), got 'billion VND'",
     _set(["money_unit"], "billion VND")),
    ("format: expected 'kgkc-program/1', got 'kgkc-program/2'", _set(["format"], "kgkc-program/2")),
    ("period: ends (2026) before it starts (2030)", _set(["period"], {"start": 2030, "end": 2026})),
    ("period: spans 31 years; at most 21 are supported",
     _set(["period"], {"start": 2000, "end": 2030})),
    ("period.start: expected a whole number, got '2026'", _set(["period", "start"], "2026")),
    ("period.length: unknown key; expected one of: start, end", _set(["period", "length"], 5)),
    ("source.url: unknown key; expected one of: document, file, illustrative",
     _set(["source", "url"], "x")),
    ("annual_budget.years: no budget for 2030; every year of the period needs one",
     _pop(["annual_budget", "years", 2030])),
    ("annual_budget.years.2031: year 2031 lies outside the program period 2026–2030",
     _set(["annual_budget", "years", 2031], {"total": 1, "state": 1})),
    ("annual_budget.total: unknown key; expected one of: source, years, stated_total",
     _set(["annual_budget", "total"], 1)),
    ("annual_budget: required key is missing", _pop(["annual_budget"])),
    ("support_rules.province_norm.citation: required key is missing",
     _pop(["support_rules", "province_norm", "citation"])),
    ("support_rules.province_norm.legal_basis: unknown key; expected one of: name, "
     "max_state_share, max_state_per_unit, citation, confidence, authority, jurisdiction, valid_from, valid_to, "
     "changes",
     _set(["support_rules", "province_norm", "legal_basis"], "x")),
    ("groups: required key is missing", _pop(["groups"])),
    ("groups[2].id: group 'I' is listed twice",
     lambda d: d["groups"].append({"id": "I", "name": "x"})),
    ("tasks[0].id: expected an id like 'II.2', got 'I-1'", _set([*I1, "id"], "I-1")),
    ("tasks[I.1].id: task 'I.1' is listed twice", _dup_task),
    ("tasks[I.1].group: unknown group 'IX'; groups are I, II", _set([*I1, "group"], "IX")),
    ("tasks[I.1].quantity: expected a whole number of at least 1, got 0",
     _set([*I1, "quantity"], 0)),
    ("tasks[I.1].cost.state: required key is missing", _pop([*I1, "cost", "state"])),
    ("tasks[I.1].support_rule: unknown support rule 'x'; rules are advanced_machinery, "
     "province_norm", _set([*I1, "support_rule"], "x")),
    ("tasks: the program has no tasks", _set(["tasks"], [])),
    ("tasks: expected a list of tasks", _set(["tasks"], {"I.1": {}})),
    ('tasks[I.1].years: expected "annual", a range like "2021-2025", a year, or a list of years, '
     "got '2026, 2028'", _set([*I1, "years"], "2026, 2028")),
    ("tasks[I.1].years: years 2025 lie outside the program period 2026–2030",
     _set([*I1, "years"], "2025-2030")),
    ("tasks[I.1].years: the range '2030-2026' ends before it starts",
     _set([*I1, "years"], "2030-2026")),
    ("tasks[I.1].years: a year is listed twice: [2026, 2026]", _set([*I1, "years"], [2026, 2026])),
    ("tasks[I.1].years[1]: expected a year, got '2027'", _set([*I1, "years"], [2026, "2027"])),
    ("targets[0].tasks: unknown task id 'I.9'", _set(["targets", 0, "tasks"], ["I.9"])),
    ("targets[0].tasks: expected a non-empty list of task ids", _set(["targets", 0, "tasks"], [])),
    ("targets[0].qualifier: expected one of exact, about, more_than, at_least, got 'approximately'",
     _set(["targets", 0, "qualifier"], "approximately")),
    ("targets[0].quantity: expected a whole number of at least 1, got 0",
     _set(["targets", 0, "quantity"], 0)),
    ("targets[2].id: target 'T01' is listed twice",
     lambda d: d["targets"].append(copy.deepcopy(d["targets"][0]))),
    ("targets: expected a list of targets, got a mapping", _set(["targets"], {"T01": {}})),
    ("source_notes: expected a list of notes, got a mapping", _set(["source_notes"], {"a": 1})),
    ("relations[0].relation: expected one of <=, >=, ==, got '<'", _relation(relation="<")),
    ("relations[0].left: unknown task id(s): X.1, Y.2", _relation(left=["X.1", "Y.2"])),
    ("relations[0].right: expected a non-empty list of task ids", _relation(right=[])),
    ("relations[0].note: unknown key; expected one of: id, source, left, relation, right, text, enforce",
     _relation(note="x")),
    ("relations: expected a list of relations", _set(["relations"], {"R01": {}})),
]


@pytest.mark.parametrize(("quote", "mutate"), QUOTED, ids=[q for q, _ in QUOTED])
def test_quoted_message_is_real(quote, mutate):
    assert quote in doc_text(), "the quote is no longer on the page"
    found = problems(mutate)
    # A quote is either a whole 'where: message' or a message alone.
    assert any(p == quote or p.endswith(f": {quote}") for p in found), found


def test_problem_listing_is_real():
    """The 'Checking a file' block: all problems at once, with the file name and a count."""
    def mutate(data: dict[str, Any]) -> None:
        t = data["tasks"][0]
        t["quantity"] = "09"
        t["cost"]["ns"] = 500
        t["years"] = "2026, 2028"

    data = minimal()
    mutate(data)
    with pytest.raises(kg.ProgramError) as info:
        kg.program_from_dict(data, source=FILE)
    assert doc_contains_lines(f"kgkc-opt: {info.value}")


def test_vietnamese_notation_audit_is_as_quoted():
    """2.8 for 2,800 (reaching the program as a float, as a file's `2.800` no longer can): the page
    quotes what the audit then says."""
    data = minimal()
    task(data, "II.1")["cost"] = yaml.safe_load("{total: 2.8, state: 1.4, other: 1.4}")
    findings = kg.audit(kg.program_from_dict(data, source=FILE))
    text = doc_text()
    quoted = {f.code for f in findings if f"[{f.severity}] {f.code}\n  {f.message}" in text}
    assert {"column-vs-stated-total", "column-vs-annual-table", "unit-cost-not-round"} <= quoted


def test_yaml_pitfalls_are_as_stated():
    load = yaml.safe_load
    assert load("x: 47.585")["x"] == 47.585
    assert load("x: 8.000")["x"] == 8.0
    assert load("x: 05")["x"] == 5
    assert load("x: 09")["x"] == "09"
    assert load("x: 010")["x"] == 8
    assert load("x: 1,5")["x"] == "1,5"
    assert load("x: 30%")["x"] == "30%"


def test_tab_message_is_real(tmp_path):
    path = tmp_path / FILE
    path.write_text(complete_examples()[0].replace("  - id: I.1", "\t- id: I.1"), encoding="utf-8")
    with pytest.raises(kg.ProgramError) as info:
        kg.load_program(str(path))
    message = "is not valid YAML: found character '\\t' that cannot start any token"
    assert message in str(info.value)
    assert f"{FILE}: {info.value.problems[0].where}: {message}" in doc_text()


# --- every accepted key is documented ----------------------------------------------------------


def _allowed_keys(path: list[Any]) -> list[str]:
    """The keys the validator accepts at ``path``, read from its 'unknown key' message."""
    found = problems(_set([*path, "zz_unknown"], 1))
    message = next(p for p in found if "zz_unknown: unknown key" in p)
    return message.split("expected one of: ", 1)[1].split(", ")


KEY_PATHS = {
    "top level": [],
    "bilingual text": ["title"],
    "period": ["period"],
    "source": ["source"],
    "stated_totals": ["stated_totals"],
    "annual_budget": ["annual_budget"],
    "annual row": ["annual_budget", "years", 2026],
    "support rule": ["support_rules", "province_norm"],
    "group": ["groups", 0],
    "task": ["tasks", 0],
    "task cost": ["tasks", 0, "cost"],
    "target": ["targets", 0],
}


def test_every_relation_key_is_documented():
    found = problems(_relation(zz_unknown=1))
    message = next(p for p in found if "zz_unknown: unknown key" in p)
    keys = message.split("expected one of: ", 1)[1].split(", ")
    text = doc_text()
    assert [k for k in keys if f"`{k}`" not in text] == []


def test_relations_are_audited_as_documented():
    assert not kg.program_from_dict(minimal(), source=FILE).relations  # optional
    data = minimal()
    _relation()(data)  # II.2 (2) <= I.1 (5): holds
    assert "relation-violated" not in {f.code for f in kg.audit(kg.program_from_dict(data))}
    data = minimal()
    _relation(relation=">=")(data)  # 2 >= 5 does not hold: a warning, not an error
    found = [f for f in kg.audit(kg.program_from_dict(data)) if f.code == "relation-violated"]
    assert [f.severity for f in found] == ["warning"]


def test_kien_giang_relation_finding_is_as_quoted():
    findings = kg.audit(kg.load_program("kien-giang-2021-2025"))
    violated = [f for f in findings if f.code == "relation-violated"]
    assert violated
    for f in violated:
        assert f"[{f.severity}] {f.code}\n  {f.message}" in doc_text()


@pytest.mark.parametrize("path", KEY_PATHS.values(), ids=KEY_PATHS.keys())
def test_every_accepted_key_is_documented(path):
    text = doc_text()
    keys = _allowed_keys(path)
    assert keys
    missing = [k for k in keys if f"`{k}`" not in text]
    assert missing == []


YEAR_FORMS = [
    ("annual", (2026, 2027, 2028, 2029, 2030), True),
    ("Hàng năm", (2026, 2027, 2028, 2029, 2030), True),
    ("HÀNG NĂM", (2026, 2027, 2028, 2029, 2030), True),
    ("2026-2030", (2026, 2027, 2028, 2029, 2030), False),
    ("2027 - 2029", (2027, 2028, 2029), False),
    ("2027–2029", (2027, 2028, 2029), False),
    ([2026, 2028], (2026, 2028), False),
    (2026, (2026,), False),
    ("2026", (2026,), False),
]


@pytest.mark.parametrize(("value", "years", "annual"), YEAR_FORMS,
                         ids=[repr(v) for v, _, _ in YEAR_FORMS])
def test_years_forms_as_documented(value, years, annual):
    data = minimal()
    task(data)["years"] = value
    t = kg.program_from_dict(data, source=FILE).task("I.1")
    assert (t.years, t.annual) == (years, annual)


# Task I.1 of the minimal example plans 5 units; target T01 points at it.
QUALIFIERS = [
    ("exact", 5, None), ("exact", 6, "target-vs-table"),
    ("about", 5, None), ("about", 6, "target-vs-table"),  # |5 - 6| > 10% of 6
    ("more_than", 4, None), ("more_than", 5, "target-vs-table"),
    ("more_than", 2, "target-far-exceeded"),
    ("at_least", 5, None), ("at_least", 6, "target-vs-table"),
    ("at_least", 2, "target-far-exceeded"),
]


@pytest.mark.parametrize(("qualifier", "quantity", "code"), QUALIFIERS)
def test_qualifiers_as_documented(qualifier, quantity, code):
    data = minimal()
    data["targets"][0].update(qualifier=qualifier, quantity=quantity)
    findings = kg.audit(kg.program_from_dict(data, source=FILE))
    about_t01 = [f for f in findings if f.message.startswith("target T01 ")]
    assert [f.code for f in about_t01] == ([code] if code else [])
    if code == "target-vs-table":
        assert about_t01[0].severity == "error"


def test_unit_mismatch_is_a_note_only():
    data = minimal()
    data["targets"][0].update(quantity=99, unit_matches=False)
    findings = kg.audit(kg.program_from_dict(data, source=FILE))
    assert [(f.severity, f.code) for f in findings if f.message.startswith("target T01 ")] == [
        ("info", "target-unit-mismatch")]


def test_fully_state_paid_task_is_reported_once():
    data = minimal()
    rule(data)["max_state_share"] = "30%"
    findings = kg.audit(kg.program_from_dict(data, source=FILE))
    share = [f for f in findings
             if f.code == "legal-share-exceeded" and f.message.startswith("I.1")]
    assert len(share) == 1
    assert "is fully state-paid, but" in share[0].message
    assert "allows at most 30%" in share[0].message


def test_scenario_cap_message_is_real(tmp_path):
    path = tmp_path / "ss.yaml"
    path.write_text('name: t\nprogram: example-2026-2030\nsupport_share: {II.2: "60%"}\n',
                    encoding="utf-8")
    with pytest.raises(kg.ScenarioError) as info:
        kg.load_scenario(path)
    first = info.value.problems[0]
    assert f"ss.yaml: {first.where}: {first.message}" in doc_text()


def test_broken_rule_is_reported_once():
    """The page says a rule's own problem is not repeated by the tasks that name it."""
    found = problems(_set(["support_rules", "province_norm", "max_state_share"], 30))
    assert found == [
        "support_rules.province_norm.max_state_share: expected a share between 0 and 1, got 30"]


def test_quoted_year_keys_are_accepted():
    """The page says a year key of the annual table may be quoted."""
    data = minimal()
    years = data["annual_budget"]["years"]
    years["2026"] = years.pop(2026)
    program = kg.program_from_dict(data, source=FILE)
    assert tuple(program.annual_budget) == (2026, 2027, 2028, 2029, 2030)


def test_every_audit_code_is_documented():
    """Each (severity, code) the audit can emit has a row in the page's audit table."""
    source = (ROOT / "kgkc_opt" / "analysis" / "audit.py").read_text(encoding="utf-8")
    emitted = set(re.findall(r'Finding\(\s*"(error|warning|info)",\s*"([a-z-]+)"', source))
    assert emitted, "no findings found in audit.py: update this test"
    text = doc_text()
    missing = [f"{sev} {code}" for sev, code in sorted(emitted)
               if f"| `{code}` | {sev} |" not in text]
    assert missing == []
    assert "| `source-text` | from the note |" in text


# --- quirks the page warns about (strict xfail: fix the code, then update the page) ------------


def test_text_no_is_refused_as_a_boolean():
    data = minimal()
    data["source"]["illustrative"] = "no"
    with pytest.raises(kg.ProgramError, match=r"source.illustrative: expected true or false, got 'no'"):
        kg.program_from_dict(data, source=FILE)


def test_text_false_is_refused_for_unit_matches():
    data = minimal()
    data["targets"][0]["unit_matches"] = "false"
    with pytest.raises(kg.ProgramError, match=r"unit_matches: expected true or false"):
        kg.program_from_dict(data, source=FILE)


def test_source_note_unknown_key_is_refused():
    data = minimal()
    data["source_notes"][0]["severty"] = "warning"
    with pytest.raises(kg.ProgramError, match=r"source_notes\[0\].severty: unknown key"):
        kg.program_from_dict(data, source=FILE)


def test_task_twice_in_a_target_is_refused():
    data = minimal()
    data["targets"][0]["tasks"] = ["I.1", "I.1"]
    with pytest.raises(kg.ProgramError, match=r"listed twice: I.1"):
        kg.program_from_dict(data, source=FILE)

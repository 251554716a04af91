"""The program model and ``program_from_dict``: the encoded decision, every problem listed."""

from __future__ import annotations

import copy
import dataclasses
from fractions import Fraction
from typing import Any

import pytest

import kgkc_opt as kg
from kgkc_opt.errors import InputError, KgkcError, ProgramError
from kgkc_opt.inputs.files import bundled_programs, read_yaml, resolve_program_path
from kgkc_opt.inputs.program import Cost, Text
from kgkc_opt.inputs.program_reader import parse_years
from kgkc_opt.inputs.reader import Collector


@pytest.fixture(scope="module")
def decision_doc() -> dict[str, Any]:
    """The bundled decision as plain data (what its YAML holds)."""
    path = resolve_program_path("kien-giang-2021-2025")
    assert path is not None
    return read_yaml(path)


def minimal_doc(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "format": "kgkc-program/1",
        "id": "mini",
        "title": "Mini",
        "period": {"start": 2021, "end": 2022},
        "annual_budget": {"years": {2021: {"total": 30, "state": 20, "other": 10},
                                    2022: {"total": 30, "state": 20, "other": 10}}},
        "support_rules": {"norm": {"max_state_share": 1, "citation": "test"}},
        "groups": [{"id": "A", "name": "Group A"}],
        "tasks": [{"id": "A.1", "group": "A", "name": "Task", "unit": "class", "quantity": 2,
                   "cost": {"total": 30, "state": 20, "other": 10}, "years": "annual",
                   "support_rule": "norm"}],
    }
    doc.update(changes)
    return doc


def problems(doc: Any, source: str = "prog.yaml") -> list[tuple[str, str]]:
    """(where, message) of every problem ``program_from_dict`` reports."""
    with pytest.raises(ProgramError) as info:
        kg.program_from_dict(doc, source=source)
    err = info.value
    assert all(p.source == source for p in err.problems)
    assert source in str(err)
    return [(p.where, p.message) for p in err.problems]


# --- the encoded decision ---------------------------------------------------------------------


def test_decision_shape(program):
    assert program.id == "kien-giang-2021-2025"
    assert program.period == (2021, 2025)
    assert program.years == (2021, 2022, 2023, 2024, 2025)
    assert len(program.tasks) == 24
    assert len(program.groups) == 8
    assert [g.id for g in program.groups] == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
    assert len(set(program.task_ids)) == 24
    assert all(t.group in {g.id for g in program.groups} for t in program.tasks)
    assert not program.illustrative
    assert "2454" in program.source_document.vi and "2454" in program.source_document.en


def test_decision_figures(program):
    assert program.stated_totals == Cost(Fraction(47585), Fraction(24050), Fraction(23535))
    budget = program.annual_budget
    assert list(budget) == [2021, 2022, 2023, 2024, 2025]
    assert [b.state for b in budget.values()] == [4658, 4718, 4838, 4938, 4898]
    assert [b.other for b in budget.values()] == [3405, 7040, 2840, 7375, 2875]
    assert sum(b.total for b in budget.values()) == 47585
    assert sum(t.cost.state for t in program.tasks) == 24051  # the decision's own 1-million slip
    assert sum(t.cost.other for t in program.tasks) == 23535


def test_unit_costs_are_exact(program):
    viii6 = program.task("VIII.6")
    assert viii6.unit_cost == Fraction("17.88") == Fraction(1341, 75)
    assert viii6.unit_state == Fraction(1341, 75)
    assert viii6.unit_other == 0
    ii2 = program.task("II.2")
    assert (ii2.unit_cost, ii2.unit_state, ii2.unit_other) == (600, 300, 300)
    iii8 = program.task("III.8")
    assert iii8.unit_state == 3 and iii8.quantity == 210


def test_years_and_cadence(program):
    assert program.task("I.1").annual and program.task("I.1").years == program.years
    assert program.task("III.4").years == (2021, 2023) and not program.task("III.4").annual
    assert program.task("VIII.4").years == (2021,)
    assert program.task("VII.1").years == (2022, 2023, 2024, 2025)
    assert program.task("II.2").years == program.years and not program.task("II.2").annual


def test_lookups_and_labels(program):
    with pytest.raises(KeyError):
        program.task("IX.1")
    with pytest.raises(KeyError):
        program.group("IX")
    assert program.group("III").name.en == "Outstanding rural-industrial products"
    t = program.task("V.1")
    assert t.unit.get("vi") == "Lượt" and t.unit.get("en") == "episode"
    assert t.as_printed == {"unit": "Lướt"}
    assert Text("a", "b").get("en") == "b" and Text("a", "b").get("vi") == "a"
    assert "24 tasks in 8 groups" in repr(program)


def test_support_rules_are_data_with_citations(program):
    rules = program.support_rules
    assert rules["advanced_machinery"].max_state_share == Fraction(1, 2)
    assert rules["advanced_machinery"].max_state_per_unit == 300
    assert rules["province_norm"].max_state_per_unit is None
    assert all(r.citation and r.confidence for r in rules.values())
    assert all(t.support_rule in rules for t in program.tasks)


def test_targets_map_to_tasks(program):
    by_id = {t.id: t for t in program.targets}
    assert by_id["T02"].quantity == 42 and by_id["T02"].qualifier == "about"
    assert by_id["T02"].tasks == ("II.1", "II.2")
    assert not by_id["T12"].unit_matches
    assert all(tid in program.task_ids for t in program.targets for tid in t.tasks)


def test_tasks_frame(program):
    frame = program.tasks_frame()
    assert frame.index.name == "task_id"
    assert list(frame.index) == list(program.task_ids)
    assert {"quantity", "total", "ns", "other", "years", "unit"} <= set(frame.columns)
    assert frame["ns"].sum() == 24051
    assert frame.loc["III.4", "years"] == "2021 2023"


def test_program_is_frozen(program):
    with pytest.raises(dataclasses.FrozenInstanceError):
        program.id = "other"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        program.tasks[0].quantity = 1  # type: ignore[misc]


def test_decision_document_round_trips(decision_doc):
    p = kg.program_from_dict(decision_doc, source="decision")
    assert p.origin == "decision"
    assert p.task_ids == kg.load_program().task_ids


# --- program_from_dict: what is accepted --------------------------------------------------------


def test_minimal_program():
    p = kg.program_from_dict(minimal_doc())
    assert p.title == Text("Mini", "Mini")
    assert p.task("A.1").unit_state == 10
    assert p.stated_totals is None and p.targets == () and p.source_notes == ()


def test_share_forms_are_equal():
    def share(value):
        rules = {"norm": {"max_state_share": value, "citation": "c"}}
        return kg.program_from_dict(minimal_doc(support_rules=rules)).support_rules["norm"]

    assert share("50%").max_state_share == share(0.5).max_state_share == Fraction(1, 2)
    assert share("12,5%").max_state_share == Fraction(1, 8)
    assert share(1).max_state_share == 1


def test_decimal_money_is_exact():
    doc = minimal_doc()
    doc["tasks"][0]["cost"] = {"total": 0.3, "state": 0.1, "other": 0.2}
    doc["tasks"][0]["quantity"] = 3
    t = kg.program_from_dict(doc).task("A.1")
    assert t.cost.total == t.cost.state + t.cost.other  # 0.1 + 0.2 == 0.3 exactly
    assert t.unit_state == Fraction(1, 30)


def test_year_keys_written_as_text_are_years():
    doc = minimal_doc()
    row = {"total": 1, "state": 1}
    doc["annual_budget"]["years"] = {"2021": row, "2022": dict(row)}
    assert list(kg.program_from_dict(doc).annual_budget) == [2021, 2022]


@pytest.mark.parametrize(
    ("value", "years", "annual"),
    [
        ("annual", (2021, 2022, 2023), True),
        ("Hàng năm", (2021, 2022, 2023), True),
        ("2021-2023", (2021, 2022, 2023), False),
        ("2022 – 2023", (2022, 2023), False),
        (2022, (2022,), False),
        ("2022", (2022,), False),
        ([2023, 2021], (2021, 2023), False),
    ],
)
def test_parse_years_forms(value, years, annual):
    c = Collector("x")
    assert parse_years(c, value, "years", (2021, 2023)) == (years, annual)
    assert c.problems == []


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("2023-2021", "ends before it starts"),
        ([2021, 2021], "listed twice"),
        ([2021, "x"], "expected a year"),
        ("2020-2022", "outside the program period"),
        ([2024], "outside the program period"),
        ("sometimes", "expected"),
        ([], "expected"),
        (True, "expected"),
    ],
)
def test_parse_years_errors(value, fragment):
    c = Collector("x")
    assert parse_years(c, value, "years", (2021, 2023)) is None
    assert len(c.problems) == 1 and fragment in c.problems[0].message


# --- program_from_dict: every problem, with where --------------------------------------------


def test_errors_are_program_errors():
    assert issubclass(ProgramError, InputError) and issubclass(ProgramError, KgkcError)
    assert ProgramError.exit_code == 2


def test_not_a_mapping():
    assert problems([1, 2]) == [("", "expected a mapping of keys to values, got a list")]


def test_every_problem_is_listed(decision_doc):
    doc = copy.deepcopy(decision_doc)
    doc["tasks"][0]["cost"]["state"] = -5                  # negative money
    doc["tasks"][1]["years"] = "2020-2022"                 # outside the period
    doc["tasks"][2]["support_rule"] = "nonsense"           # unknown rule
    doc["tasks"][3]["group"] = "IX"                        # unknown group
    doc["tasks"][4]["quantity"] = 0                        # not a quantity
    doc["targets"][0]["qualifier"] = "roughly"             # unknown qualifier
    doc["support_rules"]["consulting"]["max_state_share"] = "150%"
    doc["annual_budget"]["years"][2023]["other"] = "abc"
    doc["surprise"] = 1                                    # unknown key
    found = problems(doc, "decision.yaml")
    wheres = [w for w, _ in found]
    assert wheres == sorted(set(wheres), key=wheres.index)  # each once
    expected = {
        "tasks[I.1].cost.state": "at least 0",
        "tasks[II.1].years": "outside the program period",
        "tasks[II.2].support_rule": "unknown support rule 'nonsense'",
        "tasks[II.3].group": "unknown group 'IX'",
        "tasks[II.4].quantity": "at least 1",
        "targets[0].qualifier": "expected one of",
        "support_rules.consulting.max_state_share": "share",
        "annual_budget.years.2023.other": "expected an amount",
        "surprise": "unknown key",
    }
    for where, fragment in expected.items():
        assert any(w == where and fragment in m for w, m in found), (where, found)
    # a task that failed its own checks is not also reported as unknown by the targets
    assert not any("unknown task id" in m for _, m in found)
    assert len(found) == len(expected)


def test_message_names_file_and_key_path():
    doc = minimal_doc()
    doc["tasks"][0]["cost"]["total"] = "1.000"
    with pytest.raises(ProgramError) as info:
        kg.program_from_dict(doc, source="programs/mini.yaml")
    assert str(info.value).startswith(
        "programs/mini.yaml: tasks[A.1].cost.total: expected an amount")


@pytest.mark.parametrize("key", ["id", "title", "period", "annual_budget", "groups", "tasks"])
def test_required_top_level_keys(key):
    doc = minimal_doc()
    del doc[key]
    found = problems(doc)
    assert (key, "required key is missing") in found
    if key == "period":  # no cascade of misleading errors
        assert not any("unknown task id" in m for _, m in found)


def test_missing_budget_year_is_reported_with_other_problems():
    doc = minimal_doc(title=5.5)
    del doc["annual_budget"]["years"][2022]
    found = problems(doc)
    assert any(w == "title" for w, _ in found)
    assert any(w == "annual_budget.years" and "no budget for 2022" in m for w, m in found)


@pytest.mark.parametrize(
    ("change", "where", "fragment"),
    [
        ({"format": "kgkc-program/9"}, "format", "expected 'kgkc-program/1'"),
        ({"money_unit": "VND"}, "money_unit", "million VND"),
        ({"period": {"start": 2025, "end": 2021}}, "period", "before it starts"),
        ({"period": {"start": 2000, "end": 2030}}, "period", "at most 21"),
        ({"period": {"start": "2021", "end": 2022}}, "period.start", "whole number"),
        ({"tasks": []}, "tasks", "no tasks"),
        ({"tasks": {"A.1": {}}}, "tasks", "expected a list"),
        ({"groups": [{"id": "A", "name": "x"}, {"id": "A", "name": "y"}]}, "groups[1].id", "twice"),
        ({"targets": {"T1": 1}}, "targets", "expected a list"),
        ({"source_notes": "abc"}, "source_notes", "expected a list"),
    ],
)
def test_document_level_errors(change, where, fragment):
    found = problems(minimal_doc(**change))
    assert any(w == where and fragment in m for w, m in found), found


@pytest.mark.parametrize(
    ("field", "value", "where", "fragment"),
    [
        ("id", "A 1", "tasks[0].id", "expected an id"),
        ("quantity", 2.5, "tasks[A.1].quantity", "whole number"),
        ("quantity", True, "tasks[A.1].quantity", "whole number"),
        ("quantity", 10**8, "tasks[A.1].quantity", "at most"),
        ("cost", {"total": 1e12, "state": 1}, "tasks[A.1].cost.total", "beyond"),
        ("cost", {"total": float("nan"), "state": 1}, "tasks[A.1].cost.total", "finite"),
        ("cost", {"total": 1, "state": 1, "vat": 1}, "tasks[A.1].cost.vat", "unknown key"),
        ("cost", {"total": 1}, "tasks[A.1].cost.state", "required"),
        ("years", "2019", "tasks[A.1].years", "outside the program period"),
        ("colour", "red", "tasks[A.1].colour", "unknown key"),
    ],
)
def test_task_errors(field, value, where, fragment):
    doc = minimal_doc()
    doc["tasks"][0][field] = value
    found = problems(doc)
    assert any(w == where and fragment in m for w, m in found), found


def test_duplicate_task_and_target_ids():
    doc = minimal_doc()
    doc["tasks"].append(copy.deepcopy(doc["tasks"][0]))
    assert ("tasks[A.1].id", "task 'A.1' is listed twice") in problems(doc)
    target = {"id": "T1", "text": "two", "quantity": 2, "tasks": ["A.1"]}
    found = problems(minimal_doc(targets=[target, dict(target)]))
    assert ("targets[1].id", "target 'T1' is listed twice") in found


@pytest.mark.parametrize(
    ("target", "where", "fragment"),
    [
        ({"quantity": 0, "tasks": ["A.1"]}, "targets[0].quantity", "at least 1"),
        ({"quantity": 2, "tasks": []}, "targets[0].tasks", "non-empty"),
        ({"quantity": 2, "tasks": ["Z.9"]}, "targets[0].tasks", "unknown task id 'Z.9'"),
    ],
)
def test_target_errors(target, where, fragment):
    found = problems(minimal_doc(targets=[{"id": "T1", "text": "x", **target}]))
    assert any(w == where and fragment in m for w, m in found), found


def test_arithmetic_slips_are_not_loading_errors():
    """A row whose total ≠ state + other loads as stated: that is the audit's business."""
    doc = minimal_doc()
    doc["tasks"][0]["cost"] = {"total": 100, "state": 60, "other": 30}
    t = kg.program_from_dict(doc).task("A.1")
    assert (t.cost.total, t.cost.state, t.cost.other) == (100, 60, 30)


# --- the arithmetic of named funding sources, at the door -----------------------------------------


def _sources_doc() -> dict[str, Any]:
    from tests.support.paths import ROOT

    return copy.deepcopy(read_yaml(ROOT / "tests" / "fixtures" / "tiny-sources.yaml"))


def test_state_sources_together_above_the_total_are_refused_everywhere():
    """Each source within the total, the state sources together above it: the co-funding a plan
    computes (total less state) would be negative. Refused in a task, an annual row, the annual
    table's total row and the stated totals, every one listed and located."""
    doc = _sources_doc()
    doc["tasks"][0]["cost"] = {"total": 60, "national": 50, "local": 48}
    doc["annual_budget"]["years"][2026] = {"total": 115, "national": 60, "local": 61}
    doc["annual_budget"]["stated_total"] = {"total": 345, "national": 300, "local": 183}
    doc["stated_totals"] = {"total": 345, "national": 200, "local": 183, "source": "test text"}
    found = dict(problems(doc))
    assert found == {
        "tasks[A.1].cost": "the state sources together (national 50 + local 48 = 98) are above the total 60: the "
                         "co-funding (the total less the state sources) would be -38; the state sources together "
                         "are at most the total",
        "annual_budget.years.2026": "the state sources together (national 60 + local 61 = 121) are above the total "
                                    "115: the co-funding (the total less the state sources) would be -6; the state "
                                    "sources together are at most the total",
        "annual_budget.stated_total": "the state sources together (national 300 + local 183 = 483) are above the "
                                      "total 345: the co-funding (the total less the state sources) would be -138; "
                                      "the state sources together are at most the total",
        "stated_totals": "the state sources together (national 200 + local 183 = 383) are above the total 345: the "
                         "co-funding (the total less the state sources) would be -38; the state sources together "
                         "are at most the total",
    }


def test_state_sources_one_dong_above_the_total_are_refused():
    doc = _sources_doc()
    assert kg.program_from_dict(copy.deepcopy(doc)).task("A.1").unit_other == 0  # 12 + 48 = 60: allowed
    doc["tasks"][0]["cost"] = {"total": 60, "national": 12, "local": 48.000001}
    ((where, message),) = problems(doc)
    assert where == "tasks[A.1].cost"
    assert "(national 12 + local 48.000001 = 48.000001" not in message  # the sum is the exact sum
    assert "= 60.000001) are above the total 60" in message
    assert "would be -0.000001" in message


def test_a_source_not_declared_is_an_unknown_key_with_the_others():
    doc = _sources_doc()
    doc["tasks"][1]["cost"]["provincial"] = 5
    doc["tasks"][0]["cost"] = {"total": 60, "national": 61}
    found = problems(doc)
    unknown = "unknown key; expected one of: total, national, local, establishments"
    assert ("tasks[A.2].cost.provincial", unknown) in found
    assert any(w == "tasks[A.1].cost.national" and "above the total 60" in m for w, m in found)
    assert len(found) == 2  # a source above the total is not also reported as the state sources together


# --- the title and the source document in both languages (issue 24, item 6) -----------------------


@pytest.mark.parametrize("name", bundled_programs())
def test_every_bundled_program_names_itself_and_its_document_in_both_languages(name):
    program = kg.load_program(name)
    for text in (program.title, program.source_document):
        assert text.vi.strip() and text.en.strip()
        assert text.vi != text.en  # a translation, not the Vietnamese copied
        assert text.get("vi") == text.vi and text.get("en") == text.en


def test_the_decision_keeps_its_official_vietnamese_title_and_document(program):
    assert program.title.vi.startswith("Chương trình Khuyến công địa phương trên địa bàn tỉnh Kiên Giang")
    assert program.source_document.vi.startswith("Quyết định số 2454/QĐ-UBND ngày 20/10/2020")
    assert program.source_document.en.startswith("Decision No. 2454/QĐ-UBND")


@pytest.mark.parametrize(("document", "expected"), [
    ("Quyết định số 1", Text("Quyết định số 1", "Quyết định số 1")),
    ({"vi": "Quyết định số 1", "en": "Decision No. 1"}, Text("Quyết định số 1", "Decision No. 1")),
    ({"vi": "Quyết định số 1"}, Text("Quyết định số 1", "Quyết định số 1")),
])
def test_the_source_document_is_one_string_or_vi_and_en(document, expected):
    program = kg.program_from_dict(minimal_doc(source={"document": document}))
    assert program.source_document == expected
    assert kg.program_from_dict(minimal_doc()).source_document == Text("", "")


def test_a_bilingual_source_document_says_where_it_is_wrong():
    found = problems(minimal_doc(source={"document": {"en": "Decision No. 1", "fr": "Décision"}}))
    assert ("source.document.fr", "unknown key; expected one of: vi, en") in found
    assert ("source.document.vi", "required key is missing") in found
    assert [w for w, _ in problems(minimal_doc(source={"document": ["a"]}))] == ["source.document"]

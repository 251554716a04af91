"""The scenario keys registry (kgkc_opt/inputs/keys.py): each key is declared once, and what the
package does with it comes from that declaration. Every test here runs over every key, so a new
key is checked without a line added to this file: its declaration is consistent with Scenario,
TaskSpec and ModelInput; its example is valid and changes the change log, the model input and
compare's input table; its docs row is in docs/scenarios.md; derive accepts exactly the keys."""

from __future__ import annotations

import dataclasses
import os
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

import kgkc_opt as kg
from kgkc_opt.analysis.compare import input_table
from kgkc_opt.errors import ScenarioError
from kgkc_opt.inputs.effects import (
    AddsCapLines,
    CapsMoney,
    ChangesProgram,
    ChangesUnitCosts,
    InputSetting,
    MoneyLine,
    SetsInputField,
    SetsTaskField,
    TaskSetting,
)
from kgkc_opt.inputs.key_labels import LABELS, row_label
from kgkc_opt.inputs.keys import KEYS, Key, change_key, key_named
from kgkc_opt.inputs.keys_docs import render_docs
from kgkc_opt.inputs.scenario import CHANGE_SECTIONS, DERIVE_SETTINGS, Scenario, baseline
from kgkc_opt.model.data import ModelInput, TaskSpec, input_setting, model_input, task_setting
from tests.support.paths import FIXTURES

DOCS = Path(__file__).resolve().parents[2] / "docs" / "scenarios.md"
IDS = [k.name for k in KEYS]
#: Scenario attributes that are not a key's value: the document's settings and provenance.
NOT_KEYS = {"name", "description", "program", "actuals", "replan_from", "uncertainty", "solver", "time_limit",
            "changes", "sources", "source_program", "inputs", "title", "description_text"}


@pytest.fixture(scope="module")
def programs() -> dict[str, kg.Program]:
    return {"kien-giang": kg.load_program(), "tiny": kg.load_program(FIXTURES / "tiny-program.yaml"),
            "sources": kg.load_program(FIXTURES / "tiny-sources.yaml")}


#: Keys that only a program with other state sources has values for (a program with the two
#: default sources has none to change): their tests use the three-source fixture.
SOURCE_KEYS = {"funding"}


def _program(programs: dict[str, kg.Program], which: str, name: str) -> kg.Program:
    return programs["sources"] if name in SOURCE_KEYS else programs[which]


def test_names_are_unique_and_the_order_is_the_documented_order():
    names = [n for k in KEYS for n in (k.name, *k.aliases)]
    assert len(names) == len(set(names))
    assert tuple(k.name for k in KEYS) == CHANGE_SECTIONS
    assert all(key_named(k.name) is k for k in KEYS)


def test_every_scenario_attribute_is_a_keys_value_or_a_setting():
    """A key's value lives in the Scenario attribute it names; no attribute is unaccounted for."""
    fields = {f.name for f in dataclasses.fields(Scenario)}
    key_fields = [k.field for k in KEYS if k.field is not None]
    assert len(key_fields) == len(set(key_fields))
    assert set(key_fields) <= fields
    assert fields - set(key_fields) == NOT_KEYS


def test_every_effect_is_a_typed_reference_the_model_reads():
    """Effects name what they set by enum members, never by a field's name as a string, and the
    model input has a value for every member (a member without one raises a KeyError here)."""
    spec = TaskSpec("t", (2021,), target=3, unit_local=Fraction(1), unit_cofunding=Fraction(0))
    inp = ModelInput((2021,), (spec,), {2021: Fraction(5)}, {2021: Fraction(0)})
    for setting in TaskSetting:
        task_setting(spec, setting)
    for member in (*InputSetting, *MoneyLine):
        input_setting(inp, member)
    for k in KEYS:
        e = k.effect
        if isinstance(e, SetsTaskField):
            assert isinstance(e.setting, TaskSetting), k.name
        elif isinstance(e, CapsMoney):
            assert isinstance(e.line, MoneyLine), k.name
        elif isinstance(e, SetsInputField):
            assert isinstance(e.setting, InputSetting), k.name
        else:
            assert isinstance(e, AddsCapLines | ChangesProgram | ChangesUnitCosts), k.name


def test_every_key_has_its_labels_and_no_label_is_left_over():
    assert set(LABELS) == {k.name for k in KEYS}


def _with(key: Key, program: kg.Program, value: object) -> Scenario:
    return kg.scenario_from_dict({key.name: value}, program, source=f"{key.name}.yaml")


@pytest.mark.parametrize("name", IDS)
@pytest.mark.parametrize("which", ["kien-giang", "tiny"])
def test_the_example_is_valid_and_changes_the_log_the_model_and_compare(name, which, programs):
    key, program = key_named(name), _program(programs, which, name)
    assert key is not None
    changed = _with(key, program, key.example(program))
    base = baseline(program)
    # the change log: lines under the key's name, each with a label in both languages
    lines = [c for c in changed.changes if change_key(c)[0] is key]
    assert lines, changed.changes
    for c in lines:
        _, part = change_key(c)
        for lang in ("vi", "en"):
            label = row_label(key.name, part, lang)
            assert label.strip() and label != c.key
    # the model input differs from the baseline's
    assert model_input(changed) != model_input(base)
    # compare's input table shows a difference
    assert len(input_table([base, changed])) > 0


@pytest.mark.parametrize("name", IDS)
def test_the_effect_is_what_the_model_input_gets(name, programs):
    """The model input carries exactly what the key declares it sets."""
    program = _program(programs, "tiny", name)
    key = key_named(name)
    assert key is not None
    scn = _with(key, program, key.example(program))
    inp = model_input(scn)
    e = key.effect
    if isinstance(e, SetsTaskField):
        for task in scn.program.tasks:
            assert task_setting(inp.task(task.id), e.setting) == key.task_value(scn, task)
    elif isinstance(e, CapsMoney):
        assert input_setting(inp, e.line) == {y: key.year_values(scn)[y] for y in scn.planned_years()}
    elif isinstance(e, SetsInputField):
        assert input_setting(inp, e.setting) == key.input_value(scn)
    elif isinstance(e, ChangesUnitCosts):
        assert key.varies_by_year(scn)
        for task in scn.program.tasks:
            for y in task.years:
                spec = inp.task(task.id)
                assert (spec.local(y), spec.cofunding(y)) == scn.unit_costs(task, y)
    elif isinstance(e, AddsCapLines):
        specs = key.cap_lines(scn)
        assert specs and [line.key for line in inp.lines] == [spec.key for spec in specs]
        for spec, line in zip(specs, inp.lines, strict=True):
            assert line.cap == {y: v for y, v in spec.cap.items() if y in scn.planned_years()}
            assert line.task_ids == {t for t in spec.tasks if inp.task(t).unit_local}
    elif isinstance(e, ChangesProgram):
        assert [t.task_id for t in inp.tasks] == list(scn.program.task_ids)
        for task in scn.program.tasks:
            assert (inp.task(task.id).unit_local, inp.task(task.id).unit_cofunding) == (task.unit_state,
                                                                                          task.unit_other)


@pytest.mark.parametrize("name", IDS)
def test_a_wrong_type_is_reported_with_file_and_key_path(name, programs):
    key = key_named(name)
    assert key is not None
    with pytest.raises(ScenarioError) as info:
        kg.scenario_from_dict({key.name: "abc", "overrides": {"o": {key.name: object()}}}, programs["tiny"],
                              source="bad.yaml")
    where = {p.where for p in info.value.problems}
    assert all(p.source == "bad.yaml" for p in info.value.problems)
    assert any(w.startswith(key.name) for w in where), where
    assert any(w.startswith(f"overrides.o.{key.name}") for w in where), where


# ---- derive ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", IDS)
def test_derive_accepts_every_key(name, programs):
    program = _program(programs, "tiny", name)
    key = key_named(name)
    assert key is not None
    derived = baseline(program).derive("d", **{key.name: key.example(program)})
    from_file = _with(key, program, key.example(program))
    assert [str(c) for c in derived.changes] == [str(c) for c in from_file.changes]
    assert model_input(derived) == model_input(from_file)


def test_derive_accepts_exactly_the_declared_keys_and_settings(programs):
    base = baseline(programs["tiny"])
    with pytest.raises(ScenarioError, match="unknown change; expected one of new_tasks, targets"):
        base.derive("x", colour="red")
    with pytest.raises(ScenarioError, match="unknown change"):
        base.derive("x", format="kgkc-scenario/1")  # a document section, not a change
    for setting in DERIVE_SETTINGS:
        assert setting not in CHANGE_SECTIONS
    assert base.derive("x", description="why").description == "why"
    # an alias names its key
    for key in KEYS:
        for alias in key.aliases:
            assert [str(c) for c in base.derive("a", **{alias: key.example(base.program)}).changes] == \
                [str(c) for c in base.derive("a", **{key.name: key.example(base.program)}).changes]


# ---- docs ----------------------------------------------------------------------------------------


def test_docs_table_is_generated_from_the_registry():
    text = DOCS.read_text(encoding="utf-8")
    expected = render_docs(text)
    if text != expected and os.environ.get("KGKC_UPDATE_DOCS") == "1":
        DOCS.write_text(expected, encoding="utf-8")
        text = expected
    assert text == expected, "docs/scenarios.md is out of date: run KGKC_UPDATE_DOCS=1 pytest " \
                             "tests/inputs/test_keys.py to regenerate its tables (kgkc_opt/inputs/keys_docs.py)"
    for key in KEYS:
        assert f"| `{key.name}` |" in text


@pytest.mark.parametrize("name", IDS)
def test_the_documented_example_is_valid_for_the_decision(name, programs):
    key = key_named(name)
    assert key is not None
    if key.doc.example == "see below":
        assert f"\n{key.name}:" in DOCS.read_text(encoding="utf-8")  # a YAML example in the text
        return
    value = yaml.safe_load(key.doc.example)
    scn = _with(key, _program(programs, "kien-giang", name), value)
    assert any(change_key(c)[0] is key for c in scn.changes)

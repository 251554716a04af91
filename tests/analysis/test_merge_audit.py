"""What a merge adds to the audit (``analysis.merge_audit``), on the tiny program merged with a
copy of itself for the next three years: a plain merge adds nothing; a figure changed in the merged
program is caught; the inputs must be the programs merged, in their order."""

from __future__ import annotations

import dataclasses

import pytest

import kgkc_opt as kg
from kgkc_opt.analysis.merge import MergeResult, merge_programs
from kgkc_opt.analysis.merge_audit import merge_artefacts, merge_audit
from kgkc_opt.errors import UsageError
from kgkc_opt.inputs.program_dict import program_to_dict
from tests.support.paths import FIXTURES


@pytest.fixture(scope="module")
def inputs() -> list[kg.Program]:
    first = kg.load_program(FIXTURES / "tiny-program.yaml")
    doc = program_to_dict(first)
    doc["id"], doc["province"] = "tiny-later", "Thử nghiệm B"
    doc["period"] = {"start": 2024, "end": 2026}
    doc["annual_budget"]["years"] = {y + 3: row for y, row in doc["annual_budget"]["years"].items()}
    for task in doc["tasks"]:
        years = task["years"]
        if isinstance(years, list):
            task["years"] = [y + 3 for y in years]
        elif isinstance(years, int):
            task["years"] = years + 3
        elif years == "2021-2023":
            task["years"] = "2024-2026"
    return [first, kg.program_from_dict(doc, source="tiny-later")]


@pytest.fixture(scope="module")
def merged(inputs: list[kg.Program]) -> MergeResult:
    return merge_programs(inputs, name="tiny-2021-2026", prefixes=("A", "B"))


def test_a_plain_merge_adds_no_finding(merged: MergeResult, inputs: list[kg.Program]) -> None:
    assert merged.program.period == (2021, 2026)
    found = merge_audit(merged, inputs)
    assert found.artefacts == () and merge_artefacts(merged, inputs) == []
    # every finding of the inputs is carried into the merged program's audit
    assert found.not_carried == ()


def test_a_figure_changed_in_the_merged_program_is_caught(merged: MergeResult, inputs: list[kg.Program]) -> None:
    doc = program_to_dict(merged.program)
    row = doc["tasks"][0]
    row["cost"] = {"total": row["cost"]["total"] + 1, "state": row["cost"]["state"], "other": row["cost"]["other"]}
    broken = dataclasses.replace(merged, program=kg.program_from_dict(doc, source="broken"))
    artefacts = merge_artefacts(broken, inputs)
    assert any(f.code == "row-sum" and f.message.startswith(row["id"]) for f in artefacts)


def test_the_inputs_must_be_the_programs_merged(merged: MergeResult, inputs: list[kg.Program]) -> None:
    with pytest.raises(UsageError, match="not the programs merged"):
        merge_artefacts(merged, list(reversed(inputs)))

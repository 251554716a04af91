"""The audit of funding sources and dated support rules (``analysis.audit_rules``), on the
three-source fixture and small changes to it."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

import kgkc_opt as kg
from kgkc_opt.inputs.program_dict import program_to_dict
from kgkc_opt.report.findings import finding_text

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="module")
def program() -> kg.Program:
    return kg.load_program(FIXTURES / "tiny-sources.yaml")


def codes(program: kg.Program) -> dict[str, list[kg.Finding]]:
    out: dict[str, list] = {}
    for f in kg.audit(program):
        out.setdefault(f.code, []).append(f)
    return out


def test_the_cap_in_force_is_cited_year_by_year(program):
    found = codes(program)
    (cap,) = found["legal-cap-in-force"]
    assert cap.severity == "warning"
    assert cap.message.startswith("A.2: 20 million VND of state support per establishment (50%) is above the 15")
    assert "in 2026–2027" in cap.message and "2025" not in cap.message.split("allows in")[1]
    assert "test resolution 1/2025/NQ-HĐND (2026-01-01 – …; People's Council of the test province, Thử nghiệm)" \
        in cap.sources[1]
    (versions,) = found["rule-versions"]
    assert "test circular (2018-01-01 – 2025-12-31); test resolution" in versions.message
    # the undated checks are not also run on a dated rule (they would compare with the first version only)
    assert "legal-cap-exceeded" not in found and "legal-cap-reached" not in found


def test_a_year_without_a_rule_in_force_is_an_error(program):
    rule = program.support_rules["machinery"]
    late = replace(rule, valid_from=dt.date(2026, 1, 1), valid_to=dt.date(2026, 12, 31),
                   versions=(replace(rule.versions[0], valid_from=dt.date(2027, 1, 1)),))
    found = codes(replace(program, support_rules={**program.support_rules, "machinery": late}))
    (gap,) = found["rule-not-in-force"]
    assert gap.severity == "error" and "in 2025;" in gap.message


def test_a_mid_year_change_is_noted(program):
    rule = program.support_rules["machinery"]
    moved = replace(rule, valid_to=dt.date(2026, 6, 30),
                    versions=(replace(rule.versions[0], valid_from=dt.date(2026, 7, 1)),))
    found = codes(replace(program, support_rules={**program.support_rules, "machinery": moved}))
    assert "changes on 2026-07-01: in 2026 both versions" in found["rule-changes-mid-year"][0].message
    # 2026 binds under both versions (cited together), 2027 under the resolution alone: still 15 each
    caps = found["legal-cap-in-force"]
    assert sorted(f.message.split("allows in ")[1].split(";")[0] for f in caps) == ["2026", "2027"]
    assert any("test circular; test resolution" in f.sources[1] for f in caps)


def test_each_state_source_column_must_add_up(program):
    assert "source-vs-annual-table" not in codes(program)
    doc = program_to_dict(program)
    doc["tasks"][1]["cost"]["national"] = 33  # 3 more national money in A.2 (and in its total)
    doc["tasks"][1]["cost"]["total"] = 243
    found = codes(kg.program_from_dict(doc))
    (annual,) = found["source-vs-annual-table"]
    assert "column national (National khuyến công funds) sums to 45, the annual table's years to 42" in annual.message
    (stated,) = found["source-vs-stated-total"]
    assert "but the program states 42" in stated.message
    (split,) = found["funding-sources"]
    assert split.message.startswith("3 funding sources in the task table (348 in all)")


def test_range_targets_are_compared_as_ranges(program):
    assert "target-vs-table" not in codes(program)
    doc = program_to_dict(program)
    doc["targets"][0]["quantity"] = {"min": 3, "max": 6}
    (wrong,) = codes(kg.program_from_dict(doc))["target-vs-table"]
    assert wrong.message == "target T1 says 3–6, the table plans A.2 4–6 establishment = 4–6"  # (English units)


@pytest.mark.parametrize("lang", ["vi"])
def test_every_new_finding_reads_in_vietnamese(program, lang):
    doc = program_to_dict(program)
    doc["tasks"][1]["cost"]["national"] = 33
    doc["tasks"][1]["cost"]["total"] = 243
    doc["targets"][0]["quantity"] = {"min": 3, "max": 6}
    changed = kg.program_from_dict(doc)
    for f in kg.audit(changed):
        text = finding_text(f, changed, lang)
        assert text != f.message, f"{f.code} has no Vietnamese template: {f.message}"

"""The audit: the decision's real inconsistencies, and each check on a fixture made to fail it."""

from __future__ import annotations

import copy
from fractions import Fraction
from typing import Any

import pytest

import kgkc_opt as kg
from kgkc_opt.analysis.audit import SEVERITIES, findings_frame, m
from tests.support.paths import FIXTURES


@pytest.fixture(scope="module")
def findings(program) -> list[kg.Finding]:
    return kg.audit(program)


def by_code(findings: list[kg.Finding], code: str) -> list[kg.Finding]:
    return [f for f in findings if f.code == code]


def doc(tasks: list[dict[str, Any]], **changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "t", "title": "T", "period": {"start": 2021, "end": 2022},
        "annual_budget": {"years": {2021: {"total": 200, "state": 100, "other": 100},
                                    2022: {"total": 200, "state": 100, "other": 100}}},
        "support_rules": {"norm": {"max_state_share": 1, "citation": "norm"},
                          "half": {"max_state_share": 0.5, "max_state_per_unit": 30,
                                   "citation": "circular"}},
        "groups": [{"id": "A", "name": "A"}],
        "tasks": tasks,
    }
    base.update(changes)
    return base


def task(tid: str = "A.1", total: float = 20, state: float = 20, other: float = 0,
         quantity: int = 2, years: Any = "annual", rule: str = "norm") -> dict[str, Any]:
    return {"id": tid, "group": "A", "name": tid, "unit": "unit", "quantity": quantity,
            "cost": {"total": total, "state": state, "other": other}, "years": years,
            "support_rule": rule}


def audit_doc(d: dict[str, Any]) -> list[kg.Finding]:
    return kg.audit(kg.program_from_dict(d))


# --- the decision ---------------------------------------------------------------------------


def test_state_column_against_stated_total(findings):
    found = by_code(findings, "column-vs-stated-total")
    state = [f for f in found if "Vốn NS" in f.message]
    assert len(state) == 1
    assert state[0].severity == "error"
    assert "24,051" in state[0].message and "24,050" in state[0].message
    assert "difference 1" in state[0].message
    assert any("IV.1" in s for s in state[0].sources)  # the stated total's source reference


def test_table_exceeds_annual_budget(findings):
    found = by_code(findings, "table-exceeds-annual-budget")
    assert len(found) == 1
    f = found[0]
    assert f.severity == "error"
    assert "whole period" in f.message and "local budget" in f.message
    assert "24,051" in f.message and "24,050" in f.message and "short by 1" in f.message


def test_target_t02_against_the_table(findings):
    found = [f for f in by_code(findings, "target-vs-table") if "T02" in f.message]
    assert len(found) == 1
    assert "about 42" in found[0].message and "= 30" in found[0].message
    assert "Section I.2, bullet 2" in found[0].sources


def test_v2_cannot_run_every_year(findings):
    found = by_code(findings, "annual-cadence-impossible")
    assert [f.message.split()[0] for f in found] == ["V.2"]
    assert found[0].severity == "warning"
    assert "3" in found[0].message and "5 years" in found[0].message


def test_legal_cap_reached(findings):
    found = by_code(findings, "legal-cap-reached")
    assert sorted(f.message.split(":")[0] for f in found) == [
        "II.1", "II.2", "II.4", "III.3", "IV.1", "VI.1"]
    assert all(f.severity == "info" for f in found)
    assert all(any("support rule" in s for s in f.sources) for f in found)


def test_unit_cost_not_round(findings):
    found = by_code(findings, "unit-cost-not-round")
    assert [f.message.split(":")[0] for f in found] == ["VIII.6"]
    assert "17.88" in found[0].message


def test_no_row_sum_or_legal_errors(findings):
    codes = {f.code for f in findings}
    assert "row-sum" not in codes
    assert not codes & {"legal-share-exceeded", "legal-cap-exceeded", "annual-row-sum",
                        "annual-column-sum", "stated-totals-disagree"}


def test_findings_are_ordered_and_well_formed(findings):
    order = [SEVERITIES.index(f.severity) for f in findings]
    assert order == sorted(order)
    for f in findings:
        assert f.code and f.message and f.sources
        d = f.to_dict()
        assert d == {"severity": f.severity, "code": f.code, "message": f.message,
                     "sources": list(f.sources)}
        assert str(f).startswith(f"[{f.severity}] {f.code}: ")


def test_source_notes_are_reported(findings):
    notes = by_code(findings, "source-text")
    assert len(notes) == 3
    assert any("245A" in f.message for f in notes)


def test_findings_frame(findings):
    frame = findings_frame(findings)
    assert list(frame.columns) == ["severity", "code", "message", "sources"]
    assert len(frame) == len(findings)
    assert findings_frame([]).empty


def test_audit_is_deterministic(program, findings):
    assert kg.audit(program) == findings


def test_money_formatting():
    assert m(24051) == "24,051"
    assert m(Fraction(1341, 75)) == "17.88"


# --- fixture programs that fail one check each ----------------------------------------------


def test_faults_fixture():
    found = kg.audit(kg.load_program(FIXTURES / "audit-faults.yaml"))
    row = by_code(found, "row-sum")
    assert len(row) == 1 and row[0].message.startswith("A.1: total 100 ≠ state 60 + other 30")
    share = by_code(found, "legal-share-exceeded")
    assert [f.message.split(":")[0] for f in share] == ["A.2"]
    assert "60%" in share[0].message and "50%" in share[0].message
    cap = by_code(found, "legal-cap-exceeded")
    assert [f.message.split(":")[0] for f in cap] == ["A.3"]
    assert "40" in cap[0].message and "30" in cap[0].message
    assert all(f.severity == "error" for f in row + share + cap)


def test_clean_fixture_has_no_errors():
    found = audit_doc(doc([task(total=20, state=20, quantity=2)],
                          annual_budget={"years": {2021: {"total": 10, "state": 10},
                                                   2022: {"total": 10, "state": 10}}}))
    assert [f for f in found if f.severity == "error"] == []


def test_fully_state_paid_under_a_partial_rule_is_one_finding():
    found = audit_doc(doc([task(total=40, state=40, other=0, rule="half")]))
    share = by_code(found, "legal-share-exceeded")
    assert len(share) == 1
    assert "fully state-paid" in share[0].message


def test_capacity_of_a_set_of_years():
    # A.1 may only run in 2021 and needs 150 of local budget; 2021 has 100
    found = audit_doc(doc([task(total=150, state=150, quantity=3, years=[2021])]))
    cap = by_code(found, "table-exceeds-annual-budget")
    assert len(cap) == 1
    assert "years 2021" in cap[0].message and "short by 50" in cap[0].message


def test_cofunding_capacity():
    found = audit_doc(doc([task(total=500, state=100, other=400, quantity=2, years="annual")]))
    assert any("co-funding" in f.message for f in by_code(found, "table-exceeds-annual-budget"))


@pytest.mark.parametrize(
    ("quantity", "qualifier", "code"),
    [
        (3, "exact", "target-vs-table"),
        (2, "exact", None),
        (2, "about", None),
        (5, "about", "target-vs-table"),
        (2, "more_than", "target-vs-table"),
        (1, "more_than", None),
        (2, "at_least", None),
        (3, "at_least", "target-vs-table"),
    ],
)
def test_target_qualifiers(quantity, qualifier, code):
    d = doc([task(quantity=2)], targets=[{"id": "T1", "text": "t", "quantity": quantity,
                                          "qualifier": qualifier, "tasks": ["A.1"]}])
    codes = {f.code for f in audit_doc(d)}
    if code is None:
        assert "target-vs-table" not in codes
    else:
        assert code in codes


def test_target_far_exceeded_and_unit_mismatch():
    d = doc([task(quantity=10), task("A.2", quantity=2)],
            targets=[{"id": "T1", "text": "t", "quantity": 3, "qualifier": "more_than",
                      "tasks": ["A.1"]},
                     {"id": "T2", "text": "u", "quantity": 9, "tasks": ["A.2"],
                      "unit_matches": False}])
    found = audit_doc(d)
    assert len(by_code(found, "target-far-exceeded")) == 1
    assert len(by_code(found, "target-unit-mismatch")) == 1
    assert not by_code(found, "target-vs-table")


def test_stated_totals_and_annual_table_arithmetic():
    d = doc([task()], stated_totals={"total": 21, "state": 20, "other": 1})
    d["annual_budget"]["years"][2021] = {"total": 250, "state": 100, "other": 100}
    d["annual_budget"]["stated_total"] = {"total": 400, "state": 200, "other": 200}
    codes = [f.code for f in audit_doc(d)]
    assert "column-vs-stated-total" in codes
    assert "annual-row-sum" in codes
    assert "annual-column-sum" in codes
    assert "stated-totals-disagree" in codes


def test_cadence_notes():
    found = audit_doc(doc([task("A.1", quantity=3), task("A.2", quantity=1),
                           task("A.3", quantity=3, years=[2021])],
                          period={"start": 2021, "end": 2022},
                          annual_budget={"years": {2021: {"total": 500, "state": 500},
                                                   2022: {"total": 500, "state": 500}}}))
    assert [f.message.split(":")[0] for f in by_code(found, "annual-cadence-uneven")] == ["A.1"]
    assert [f.message.split()[0] for f in by_code(found, "annual-cadence-impossible")] == ["A.2"]


def test_zero_cost_and_group_checks():
    d = doc([task(total=0, state=0)], groups=[{"id": "A", "name": "A"}, {"id": "B", "name": "B"}])
    found = audit_doc(d)
    assert by_code(found, "zero-cost")
    assert [f.message for f in by_code(found, "empty-group")] == ["group B has no tasks"]
    d = doc([task("X.1")])
    assert by_code(audit_doc(d), "id-group-mismatch")


def test_audit_leaves_the_program_as_stated():
    d = doc([task(total=100, state=60, other=30)])
    program = kg.program_from_dict(copy.deepcopy(d))
    before = program.tasks
    kg.audit(program)
    assert program.tasks == before
    assert program.task("A.1").cost.total == 100

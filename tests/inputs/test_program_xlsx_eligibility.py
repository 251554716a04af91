"""The eligibility sheet read back as rule packs (``inputs.program_xlsx_eligibility``): one row a
clause, a pack's own cells on its first row only, requirements and priorities by their points."""

from __future__ import annotations

from typing import Any

from kgkc_opt.inputs.program_xlsx_eligibility import eligibility_packs


def _read(rows: list[tuple[int, dict[str, Any]]]) -> tuple[list[dict[str, Any]], list[tuple[int, str, str]], list[str]]:
    problems: list[tuple[int, str, str]] = []
    records: list[str] = []
    packs = eligibility_packs(rows, lambda row, key, vi, en: problems.append((row, key, en)),
                              lambda row, path, fields: records.append(f"{row}:{path}"))
    return packs, problems, records


def test_a_pack_with_a_requirement_and_a_priority() -> None:
    packs, problems, records = _read([
        (2, {"id": "kc", "name_vi": "Khuyến công", "name_en": "Industrial promotion", "citation": "Decree 45",
             "clause": "Art. 4", "text_vi": "Cơ sở nông thôn", "any.location_kind": "commune"}),
        (3, {"id": "kc", "clause": "Art. 5", "priority": 10, "any.women_owned": True,
             "when.applicant_kind": "household"}),
    ])
    assert problems == []
    assert packs == [{
        "id": "kc", "name": {"vi": "Khuyến công", "en": "Industrial promotion"}, "citation": "Decree 45",
        "clauses": [
            {"clause": "Art. 4", "text": "Cơ sở nông thôn", "require_any": {"location_kind": "commune"}},
            {"clause": "Art. 5", "when": {"applicant_kind": "household"}, "priority": 10,
             "if_any": {"women_owned": True}},
        ],
    }]
    assert records == ["2:eligibility[0]", "2:eligibility[0].clauses[0]", "3:eligibility[0].clauses[1]"]


def test_misplaced_cells_and_repeated_packs_are_named_at_their_row() -> None:
    _, problems, _ = _read([
        (2, {"id": "a", "citation": "x", "clause": "1"}),
        (3, {"id": "a", "citation": "again", "clause": "2"}),
        (4, {"clause": "3"}),
        (5, {"id": "a", "citation": "x", "clause": "4"}),
    ])
    # row 5 repeats pack "a" after another pack ("?4", the row without an id)
    assert [(row, key) for row, key, _ in problems] == [(3, "citation"), (4, "id"), (5, "id")]
    assert "go on its first row only" in problems[0][2] and problems[1][2] == "the rule pack's id is missing"
    _, problems, _ = _read([(2, {"id": "a", "clause": "1"}), (3, {"id": "b", "clause": "1"}),
                            (4, {"id": "a", "clause": "2"})])
    assert problems == [
        (4, "id", "rule pack 'a' is listed above; its clauses go on the rows right under its first row")]

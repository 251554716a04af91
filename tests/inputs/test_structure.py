"""A program's structure (``inputs.structure.parse_structure``): cadences per task, links between
tasks by year, every problem collected at its key."""

from __future__ import annotations

from fractions import Fraction

from kgkc_opt.inputs.reader import Collector
from kgkc_opt.inputs.structure import DEFAULT_CADENCE, Structure, parse_structure

TASKS = {"III.4": (2021, 2023), "III.8": (2021, 2022, 2023), "VIII.6": (2021, 2022, 2023), "II.1": (2022,),
         "X.1": (2024,)}


def _parse(data: object) -> tuple[Structure, list[str]]:
    c = Collector("p.yaml")
    structure = parse_structure(c, data, TASKS)
    return structure, [str(p) for p in c.problems]


def test_no_section_is_the_default_structure() -> None:
    structure, problems = _parse(None)
    assert problems == [] and structure == Structure()
    assert structure.cadence_of("III.4") == DEFAULT_CADENCE == "even" and structure.leader_of("III.8") is None


def test_cadences_and_a_link_are_read() -> None:
    structure, problems = _parse({
        "cadence": {"VIII.6": {"cadence": "recurring", "source": "Annex VIII.6"}, "III.4": "events", "II.1": "lumpy"},
        "links": [{"id": "L01", "task": "III.8", "with": "III.4", "per_unit": 70, "source": "Annex III.8",
                   "text": {"vi": "giải thưởng", "en": "prizes"}}],
    })
    assert problems == []
    assert structure.cadence == {"VIII.6": "recurring", "III.4": "events", "II.1": "lumpy"}
    assert structure.cadence_source["VIII.6"] == "Annex VIII.6"
    link = structure.leader_of("III.8")
    assert link is not None and (link.leader, link.per_unit, link.text_en) == ("III.4", Fraction(70), "prizes")


def test_every_problem_is_reported_at_its_key() -> None:
    _, problems = _parse({
        "cadence": {"III.4": "monthly", "II.1": "events", "Z.9": "even", 5: "even"},
        "links": [{"id": "L1", "task": "III.8", "with": "III.8"},
                  {"id": "L2", "task": "X.1", "with": "II.1"},
                  {"id": "L3", "task": "VIII.6", "with": "III.4", "per_unit": 0}],
        "rounds": [],
    })
    expected = [
        "structure.cadence.III.4: expected one of even, recurring, events, lumpy",
        "structure.cadence.II.1: an 'events' cadence needs at least two years",
        "structure.cadence.Z.9: unknown task id 'Z.9'",
        "structure.cadence.5: task ids are text",
        "structure.links[0]: task III.8 cannot be linked to itself",
        "structure.links[1]: X.1 (2024) and II.1 (2022) share no year",
        "structure.links[2].per_unit: expected a number of units above 0",
        "structure.rounds: unknown key",
    ]
    for text in expected:
        assert any(text in p for p in problems), (text, problems)
    assert all(p.startswith("p.yaml: structure") for p in problems)


def test_a_leader_may_not_follow_another_task() -> None:
    _, problems = _parse({"links": [{"id": "L1", "task": "III.8", "with": "III.4"},
                                    {"id": "L2", "task": "III.4", "with": "VIII.6"}]})
    assert any("structure.links[0].with: III.4 itself follows another task" in p for p in problems)
    _, problems = _parse({"links": [{"id": "L1", "task": "III.8", "with": "III.4"},
                                    {"id": "L2", "task": "III.8", "with": "VIII.6"}]})
    assert any("task III.8 is already linked" in p for p in problems)

"""Merging the programs of merged provinces (``analysis.merge``; docs/program-format.md, "Merging programs").

Kiên Giang 2021–2025 is merged with (a) the bundled illustrative 2026–2030 program of "An Giang
(illustrative)" (periods one after the other) and (b) a synthetic "An Giang 2021–2025" built here
from the Kiên Giang file with other figures and another provincial cost-norm citation (the same
period, and a support-rule conflict). The merged program must load, keep every row with its
origin, sum the annual table exactly, solve to proven optimality and show no audit finding that
the merge itself causes.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kgkc_opt as kg
from kgkc_opt.analysis.merge import (
    MERGE_SOURCE,
    MergeResult,
    default_prefix,
    merge_programs,
)
from kgkc_opt.analysis.merge_audit import merge_artefacts, merge_audit
from kgkc_opt.errors import UsageError
from kgkc_opt.inputs.program import Cost, Task
from kgkc_opt.inputs.program_dict import program_to_dict
from tests.support.checks import solve_checked
from tests.support.paths import FIXTURES
from tests.support.strategies import small_programs

KG, EXAMPLE = "kien-giang-2021-2025", "example-2026-2030"


def an_giang_2021_2025(*, own_norm: bool = True) -> dict[str, Any]:
    """A synthetic An Giang 2021–2025 program: the Kiên Giang file with 10 machinery supports instead
    of 28, 10 trade fairs instead of 15, the annual table and totals lowered to match, and (with
    ``own_norm``) its own provincial cost norm: a citation that differs, a support-rule conflict."""
    doc = program_to_dict(kg.load_program(KG))
    doc["id"] = "an-giang-2021-2025"
    doc["province"] = "An Giang"
    doc["title"] = {"vi": "Chương trình Khuyến công địa phương tỉnh An Giang giai đoạn 2021 - 2025 (giả định)",
                    "en": "Local industrial-promotion program of An Giang, 2021–2025 (synthetic, for tests)"}
    doc["source"] = {"document": "Synthetic test program derived from Decision 2454/QĐ-UBND", "illustrative": True}
    if own_norm:
        doc["support_rules"]["province_norm"]["citation"] = "Quy định mức chi khuyến công của tỉnh An Giang (giả định)"
    rows = {t["id"]: t for t in doc["tasks"]}
    rows["II.2"]["quantity"], rows["II.2"]["cost"] = 10, {"total": 6000, "state": 3000, "other": 3000}
    rows["III.2"]["quantity"], rows["III.2"]["cost"] = 10, {"total": 1000, "state": 1000, "other": 0}
    years = doc["annual_budget"]["years"]
    years[2022] = {"total": 6358, "state": 2018, "other": 4340}   # -2700 state, -2700 other
    years[2024] = {"total": 6413, "state": 1738, "other": 4675}   # -3200 state, -2700 other
    doc["stated_totals"].update(total=36285, state=18150, other=18135)
    doc["annual_budget"]["stated_total"] = {"total": 36285, "state": 18150, "other": 18135}
    targets = {t["id"]: t for t in doc["targets"]}
    targets["T02"]["quantity"] = 12
    targets["T06"]["quantity"] = 10
    return doc


@pytest.fixture(scope="module")
def an_giang() -> kg.Program:
    return kg.program_from_dict(an_giang_2021_2025(), source="an-giang-2021-2025 (test)")


@pytest.fixture(scope="module")
def consecutive(kien_giang, example) -> MergeResult:
    return merge_programs([kien_giang, example], name="an-giang-2021-2030", province="An Giang")


@pytest.fixture(scope="module")
def same_period(kien_giang, an_giang) -> MergeResult:
    return merge_programs([kien_giang, an_giang], name="an-giang-merged-2021-2025", province="An Giang")


def expected_id(task: Task, prefix: str) -> str:
    return f"{task.group}.{prefix}.{task.id[len(task.group) + 1:]}"


def assert_every_row_kept(result, inputs, prefixes):
    merged = result.program
    assert len(merged.tasks) == sum(len(p.tasks) for p in inputs)
    for p, prefix in zip(inputs, prefixes, strict=True):
        for t in p.tasks:
            m = merged.task(expected_id(t, prefix))
            assert result.task_origins[m.id] == ((p.id, t.id),)
            assert m.source == f"{p.id}, {t.source}"
            assert (m.quantity, m.cost, m.years, m.unit, m.name, m.years_text, m.as_printed) == \
                   (t.quantity, t.cost, t.years, t.unit, t.name, t.years_text, t.as_printed)
            assert m.group in {t.group, f"{t.group}.{prefix}"}
            assert m.id.startswith(m.group + ".")


# --- Kiên Giang 2021–2025 + the illustrative 2026–2030 program ------------------------------------


def test_consecutive_programs_merge_into_a_valid_program(consecutive, kien_giang, example):
    result = consecutive
    assert result.prefixes == ("KG", "AG") and result.inputs == (KG, EXAMPLE)
    assert kg.program_from_dict(result.program_dict, source=result.program.origin) == result.program
    assert result.program.period == (2021, 2030) and result.program.province == "An Giang"
    assert result.program.illustrative  # one input is illustrative
    assert result.conflicts == ()  # the example reuses the 2021–2025 rules unchanged
    assert set(result.program.support_rules) == set(kien_giang.support_rules)
    assert [g.id for g in result.program.groups] == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
    assert_every_row_kept(result, [kien_giang, example], ["KG", "AG"])
    assert result.program.task_ids[:4] == ("I.KG.1", "I.AG.1", "II.KG.1", "II.KG.2")
    assert len(result.tasks_of(KG)) == 24 and len(result.tasks_of(EXAMPLE)) == 18


def test_consecutive_annual_table_is_exact(consecutive, kien_giang, example):
    merged = consecutive.program
    table = {y: (b.total, b.state, b.other) for y, b in merged.annual_budget.items()}
    assert table == {
        2021: (8063, 4658, 3405), 2022: (11758, 4718, 7040), 2023: (7678, 4838, 2840),
        2024: (12313, 4938, 7375), 2025: (7773, 4898, 2875), 2026: (5715, 3105, 2610),
        2027: (10505, 4275, 6230), 2028: (9715, 4255, 5460), 2029: (10505, 4275, 6230),
        2030: (5615, 3005, 2610)}
    assert merged.stated_totals == Cost(Fraction(89640), Fraction(42965), Fraction(46675))
    assert merged.annual_stated_total == merged.stated_totals
    assert merged.annual_budget_source == ("kien-giang-2021-2025, Section IV.1, annual table; "
                                           "example-2026-2030, Section IV.1, annual table (illustrative)")


def test_consecutive_annual_rows_keep_their_own_years(consecutive):
    merged = consecutive.program
    fees = merged.task("I.KG.1")
    assert fees.years == (2021, 2022, 2023, 2024, 2025) and not fees.annual and fees.years_text == "Hàng năm"
    assert consecutive.program_dict["tasks"][0]["years"] == "2021-2025"
    assert any("I.KG.1" in n.en and "2021–2025" in n.en for n in consecutive.notes)


def test_consecutive_targets_structure_and_notes_are_renamed(consecutive, kien_giang):
    merged = consecutive.program
    target = next(t for t in merged.targets if t.id == "KG-T02")
    assert target.tasks == ("II.KG.1", "II.KG.2") and target.source == "kien-giang-2021-2025, Section I.2, bullet 2"
    assert consecutive.target_origins["AG-T10"] == ((EXAMPLE, "T10"),)
    assert [r.id for r in merged.relations] == ["KG-R01"]
    assert merged.relations[0].left == ("III.KG.8",) and merged.relations[0].right == ("III.KG.7",)
    link = merged.structure.leader_of("III.KG.8")
    assert link is not None and (link.id, link.leader, link.per_unit) == ("KG-L01", "III.KG.4", 70)
    assert merged.structure.cadence_of("VIII.KG.6") == "recurring"
    assert merged.structure.cadence_of("VIII.AG.1") == "even"
    kept = [n for n in merged.source_notes if n.source != MERGE_SOURCE]
    assert [n.source for n in kept] == [f"{KG}, {n.source}" for n in kien_giang.source_notes] + \
        ["example-2026-2030, Whole file"]
    assert any(n.source == MERGE_SOURCE for n in merged.source_notes)


def test_consecutive_merge_has_no_artefacts(consecutive, kien_giang, example):
    assert merge_artefacts(consecutive, [kien_giang, example]) == []
    checked = merge_audit(consecutive, [kien_giang, example])
    # rows that ran over their whole own period now run in 5 of 10 years: notes from the period only
    assert {f.message.split(":")[0] for f in checked.from_period} == {
        "II.KG.2", "III.KG.6", "IV.KG.1", "VI.KG.1", "VI.AG.1"}
    assert all(f.code == "years-uneven" and f.severity == "info" for f in checked.from_period)
    # 'Hàng năm' with 3 units for 5 years: the merged audit no longer sees the rows as 'every year'
    assert [(f.code, f.message.split()[0]) for f in checked.not_carried] == [("annual-cadence-impossible", "V.KG.2")]
    # the audit errors of Decision 2454 are all still there (the example has none); the 1 million the
    # task table needs beyond the annual table is short in 2021–2025 and in the whole merged period
    errors = [f for f in kg.audit(consecutive.program) if f.severity == "error"]
    assert {f.code for f in errors} == {f.code for f in kg.audit(kien_giang) if f.severity == "error"}
    assert len(errors) == 7


def test_consecutive_merge_solves_to_proven_optimality(consecutive, kien_giang, example):
    result = solve_checked(kg.baseline(consecutive.program))
    assert result.status == kg.Status.OPTIMAL and result.gap == 0
    assert set(result.achievement.index) == set(consecutive.program.task_ids)


# --- Kiên Giang 2021–2025 + a synthetic An Giang 2021–2025 (same period, a conflict) ---------------


def test_same_period_merge(same_period, kien_giang, an_giang):
    result = same_period
    merged = result.program
    assert merged.period == (2021, 2025)
    assert_every_row_kept(result, [kien_giang, an_giang], ["KG", "AG"])
    assert merged.task("I.AG.1").annual  # the same period: 'Hàng năm' stays 'annual'
    table = {y: (b.total, b.state, b.other) for y, b in merged.annual_budget.items()}
    assert table == {2021: (16126, 9316, 6810), 2022: (18116, 6736, 11380), 2023: (15356, 9676, 5680),
                     2024: (18726, 6676, 12050), 2025: (15546, 9796, 5750)}
    for y, b in merged.annual_budget.items():
        parts = [kien_giang.annual_budget[y], an_giang.annual_budget[y]]
        for col in ("total", "state", "other"):
            assert getattr(b, col) == sum(getattr(p, col) for p in parts)
    st = merged.stated_totals
    assert st is not None and (st.total, st.state, st.other) == (83870, 42200, 41670)


def test_conflicting_support_rules_are_reported_and_kept_apart(same_period):
    result = same_period
    assert len(result.conflicts) == 1
    conflict = result.conflicts[0]
    assert conflict.rule == "province_norm"
    assert conflict.kept_as == ("province_norm@KG", "province_norm@AG")
    assert conflict.programs == (KG, "an-giang-2021-2025")
    assert len(conflict.differences) == 1 and conflict.differences[0].startswith("citation: ")
    assert "province_norm@KG" in conflict.text("en")
    rules = result.program.support_rules
    assert "province_norm" not in rules and {"province_norm@KG", "province_norm@AG"} <= set(rules)
    assert rules["province_norm@AG"].citation.startswith("Quy định mức chi khuyến công của tỉnh An Giang")
    assert result.program.task("I.KG.1").support_rule == "province_norm@KG"
    assert result.program.task("I.AG.1").support_rule == "province_norm@AG"
    assert result.program.task("II.AG.2").support_rule == "advanced_machinery"  # the same caps: one rule
    warning = [n for n in result.program.source_notes if n.source == MERGE_SOURCE and n.severity == "warning"]
    assert len(warning) == 1 and "province_norm" in warning[0].text


def test_same_period_merge_has_no_artefacts_and_solves(same_period, kien_giang, an_giang):
    checked = merge_audit(same_period, [kien_giang, an_giang])
    assert checked.artefacts == () and checked.from_period == ()
    result = solve_checked(kg.baseline(same_period.program))
    assert result.status == kg.Status.OPTIMAL and result.gap == 0


# --- combine -------------------------------------------------------------------------------------


def test_combine_rows_of_the_same_kind(kien_giang, an_giang):
    result = merge_programs([kien_giang, an_giang], name="ag", combine=[("KG-II.2", "II.AG.2")])
    merged = result.program
    row = merged.task("II.KG.AG.2")
    assert "II.KG.2" not in merged.task_ids and "II.AG.2" not in merged.task_ids
    assert row.quantity == 28 + 10
    assert (row.cost.total, row.cost.state, row.cost.other) == (16800 + 6000, 8400 + 3000, 8400 + 3000)
    assert row.years == (2021, 2022, 2023, 2024, 2025)
    assert row.source == "kien-giang-2021-2025, Annex, row II.2; an-giang-2021-2025, Annex, row II.2"
    assert result.task_origins["II.KG.AG.2"] == ((KG, "II.2"), ("an-giang-2021-2025", "II.2"))
    assert merged.task_ids.index("II.KG.AG.2") == merged.task_ids.index("II.KG.1") + 1
    # the two "about" targets on machinery and models are summed (exact: they count different rows)
    target = next(t for t in merged.targets if t.id == "KG-T02+AG-T02")
    assert (target.qualifier, target.quantity) == ("about", 42 + 12)
    assert target.tasks == ("II.KG.1", "II.KG.AG.2", "II.AG.1")
    assert result.target_origins[target.id] == ((KG, "T02"), ("an-giang-2021-2025", "T02"))
    assert any("II.KG.AG.2" in n.en for n in result.notes)
    assert merge_artefacts(result, [kien_giang, an_giang]) == []
    solved = solve_checked(kg.baseline(merged))
    assert solved.status == kg.Status.OPTIMAL


def test_combine_refuses_other_units_and_rules(kien_giang, an_giang):
    with pytest.raises(UsageError, match=r"units differ: Mô hình \(model\) \(II.KG.1\) ≠ Cơ sở \(establishment\)"):
        merge_programs([kien_giang, an_giang], name="ag", combine=[("KG-II.1", "AG-II.2")])
    with pytest.raises(UsageError, match=r"support rules differ: province_norm@KG \(I.KG.1\) ≠ province_norm@AG"):
        merge_programs([kien_giang, an_giang], name="ag", combine=[("I.KG.1", "I.AG.1")])
    with pytest.raises(UsageError, match=r"no task 'KG-IX.9'"):
        merge_programs([kien_giang, an_giang], name="ag", combine=[("KG-IX.9", "AG-II.2")])
    with pytest.raises(UsageError, match="fewer than two different tasks"):
        merge_programs([kien_giang, an_giang], name="ag", combine=[("KG-II.2", "II.KG.2")])


def test_combine_follows_links(kien_giang):
    an_giang = kg.program_from_dict(an_giang_2021_2025(own_norm=False))
    with pytest.raises(UsageError, match=r"their links differ: follows III.KG.4 .* ≠ follows III.AG.4"):
        merge_programs([kien_giang, an_giang], name="ag", combine=[("KG-III.8", "AG-III.8")])
    result = merge_programs([kien_giang, an_giang], name="ag",
                            combine=[("KG-III.8", "AG-III.8"), ("KG-III.4", "AG-III.4")])
    link = result.program.structure.leader_of("III.KG.AG.8")
    assert link is not None and (link.id, link.leader, link.per_unit) == ("KG-L01+AG-L01", "III.KG.AG.4", 70)
    assert result.program.structure.cadence_of("III.KG.AG.4") == "events"
    target = next(t for t in result.program.targets if "KG-T03" in t.id)
    assert (target.id, target.qualifier, target.quantity) == ("KG-T03+AG-T03", "more_than", 101)
    assert merge_artefacts(result, [kien_giang, an_giang]) == []


def test_combining_other_unit_costs_is_reported_as_an_artefact(kien_giang, example):
    """II.2 costs 600 per establishment in Kiên Giang, 560 in the example: the combined row's unit
    cost (579.31...) is an average, which the audit notes; the merge says so and does not hide it."""
    result = merge_programs([kien_giang, example], name="ag", combine=[("KG-II.2", "AG-II.2")])
    assert any("weighted average" in n.en for n in result.notes)
    artefacts = merge_artefacts(result, [kien_giang, example])
    # and the combined row, Kiên Giang's "UBND các huyện, TP" as partner, now runs after 2025: a row
    # that names the district level after the reform (a real consequence of combining, said as such)
    assert sorted((f.code, f.message.split(":")[-1 if f.code == "district-level" else 0].split(";")[0].strip())
                  for f in artefacts) == [("district-level", "II.KG.AG.2"), ("unit-cost-not-round", "II.KG.AG.2")]


# --- prefixes, groups, periods --------------------------------------------------------------------


def test_default_prefixes(kien_giang, example, an_giang):
    assert [default_prefix(p) for p in (kien_giang, example, an_giang)] == ["KG", "AG", "AG"]
    assert default_prefix(dataclasses.replace(kien_giang, province="Bình Định")) == "BD"
    assert default_prefix(dataclasses.replace(kien_giang, province="", id="tiny")) == "T"


def test_prefixes_must_be_distinct_and_plain(kien_giang, example, an_giang):
    with pytest.raises(UsageError, match="both get the prefix AG"):
        merge_programs([example, an_giang], name="x")
    with pytest.raises(UsageError, match="not letters and digits"):
        merge_programs([kien_giang, example], name="x", prefixes=["K-G", "AG"])
    with pytest.raises(UsageError, match="2 programs but 1 prefixes"):
        merge_programs([kien_giang, example], name="x", prefixes=["KG"])
    with pytest.raises(UsageError, match="at least two"):
        merge_programs([kien_giang], name="x")
    with pytest.raises(UsageError, match="two programs have the id kien-giang-2021-2025"):
        merge_programs([kien_giang, kien_giang], name="x", prefixes=["A", "B"])
    result = merge_programs([example, an_giang], name="x", prefixes=["AG26", "AG21"])
    assert "II.AG26.2" in result.program.task_ids and "II.AG21.2" in result.program.task_ids


def test_a_rule_that_differs_only_by_name_is_one_rule(kien_giang):
    doc = an_giang_2021_2025(own_norm=False)
    doc["support_rules"]["consulting"]["name"] = {"vi": "Tư vấn", "en": "Consulting"}
    other = kg.program_from_dict(doc)
    result = merge_programs([kien_giang, other], name="x")
    assert result.conflicts == ()
    assert result.program.support_rules["consulting"].name == kien_giang.support_rules["consulting"].name
    assert any("Support rule consulting has the same caps" in n.en for n in result.notes)
    assert merge_artefacts(result, [kien_giang, other]) == []


def test_conflict_text_in_vietnamese(same_period):
    text = same_period.conflicts[0].text("vi")
    assert text.startswith("Quy định hỗ trợ province_norm khác nhau giữa kien-giang-2021-2025 và an-giang-2021-2025 "
                           "(căn cứ: QĐ 16/2015/QĐ-UBND")
    assert "giữ cả hai, là province_norm@KG, province_norm@AG" in text


def test_groups_with_other_names_are_kept_apart(kien_giang):
    doc = an_giang_2021_2025()
    doc["groups"][2]["name"] = {"vi": "Phát triển sản phẩm", "en": "Products"}
    other = kg.program_from_dict(doc)
    result = merge_programs([kien_giang, other], name="x")
    ids = [g.id for g in result.program.groups]
    assert "III" not in ids and ids.index("III.KG") + 1 == ids.index("III.AG")
    assert result.program.task("III.KG.2").group == "III.KG"
    assert result.program.task("III.AG.2").group == "III.AG"
    assert result.program.task("II.AG.2").group == "II"
    assert merge_artefacts(result, [kien_giang, other]) == []
    assert not [f for f in kg.audit(result.program) if f.code == "id-group-mismatch"]


def test_a_gap_between_periods_has_zero_budget():
    first = kg.load_program(FIXTURES / "tiny-program.yaml")            # 2021–2023
    doc = program_to_dict(first)
    doc["id"], doc["period"] = "tiny-later", {"start": 2025, "end": 2026}
    years = doc["annual_budget"]["years"]
    doc["annual_budget"]["years"] = {2025: years[2021], 2026: years[2022]}
    doc.pop("stated_totals")
    for t in doc["tasks"]:
        t["years"] = "annual" if t["years"] == "annual" else "2025-2026"
    later = kg.program_from_dict(doc)
    result = merge_programs([first, later], name="tiny-merged", prefixes=["A", "B"])
    assert result.program.period == (2021, 2026)
    gap = result.program.annual_budget[2024]
    assert (gap.total, gap.state, gap.other) == (0, 0, 0)
    assert result.program.stated_totals is None  # one input states none: no sum to state
    assert any("2024" in n.en for n in result.notes) and any("stated_totals" in n.en for n in result.notes)
    assert merge_artefacts(result, [first, later]) == []


def test_a_period_too_long_is_refused(kien_giang):
    doc = program_to_dict(kg.load_program(FIXTURES / "tiny-program.yaml"))
    doc["period"] = {"start": 2040, "end": 2042}
    doc["annual_budget"]["years"] = {2040 + k: row for k, row in enumerate(doc["annual_budget"]["years"].values())}
    for t in doc["tasks"]:
        t["years"] = "annual" if t["years"] == "annual" else "2040-2042"
    late = kg.program_from_dict(doc)
    with pytest.raises(UsageError, match="spans 22 years"):
        merge_programs([kien_giang, late], name="x")


def test_the_artefact_check_sees_a_changed_figure(consecutive, kien_giang, example):
    """The check is not empty: a figure changed in the merged program is caught."""
    doc = program_to_dict(consecutive.program)
    row = next(t for t in doc["tasks"] if t["id"] == "III.KG.3")
    row["cost"] = {"total": 350, "state": 200, "other": 175}  # 200 + 175 ≠ 350, and above the cap of 35
    broken = dataclasses.replace(consecutive, program=kg.program_from_dict(doc))
    codes = {f.code for f in merge_artefacts(broken, [kien_giang, example])}
    assert {"row-sum", "legal-cap-exceeded"} <= codes
    with pytest.raises(UsageError, match="not the programs merged"):
        merge_artefacts(consecutive, [example, kien_giang])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_programs(max_tasks=4), small_programs(max_tasks=4), st.booleans())
def test_random_merges_are_valid_exact_and_free_of_artefacts(first_doc, second_doc, later):
    first = kg.program_from_dict(first_doc)
    if later:  # the second program a year later: periods that overlap in part
        years = second_doc["annual_budget"]["years"]
        second_doc = dict(second_doc, period={k: v + 1 for k, v in second_doc["period"].items()},
                          annual_budget={"years": {y + 1: row for y, row in years.items()}})
        second_doc["tasks"] = [dict(t, years=[y + 1 for y in t["years"]] if isinstance(t["years"], list) else
                                    ("annual" if t["years"] == "annual" else
                                     "-".join(str(int(y) + 1) for y in t["years"].split("-"))))
                               for t in second_doc["tasks"]]
    second = kg.program_from_dict(dict(second_doc, id="random-2"))
    result = merge_programs([first, second], name="merged", prefixes=["A", "B"])
    assert kg.program_from_dict(result.program_dict) == dataclasses.replace(result.program, origin="<program>")
    for y, b in result.program.annual_budget.items():
        for col in ("total", "state", "other"):
            parts = [getattr(p.annual_budget[y], col) for p in (first, second) if y in p.annual_budget]
            assert getattr(b, col) == sum(parts, Fraction(0))
    assert merge_artefacts(result, [first, second]) == []


# ---- programs with their own funding sources, ranges and dated rules --------------------------------


@pytest.fixture(scope="module")
def with_sources() -> kg.Program:
    return kg.load_program(FIXTURES / "tiny-sources.yaml")


def test_a_three_source_program_merges_with_a_two_source_one(kien_giang, with_sources):
    result = merge_programs([kien_giang, with_sources], name="merged-2021-2027", province="An Giang")
    merged = result.program
    # the two-source program's state column is its local budget, its other column its co-funding
    assert [(s.id, s.kind) for s in merged.funding_sources] == [("local", "local"), ("national", "state"),
                                                                ("establishments", "enterprise")]
    national = merged.source_named("national")
    for y in merged.years:
        rows = [p.annual_budget[y] for p in (kien_giang, with_sources) if y in p.annual_budget]
        row = merged.annual_budget[y]
        assert row.amount(national) == sum((b.amount(national) for b in rows if b.extra), Fraction(0))
        assert row.local == sum((b.local for b in rows), Fraction(0))
        assert row.other == sum((b.other for b in rows), Fraction(0))
    # the rows keep their sources and ranges; the rule keeps its versions, renamed with it
    a2 = next(t for t in merged.tasks if t.source.endswith("task A.2") or (t.id.endswith(".2") and t.quantity_min))
    assert a2.quantity_min == 4 and a2.cost.amount(national) == 30
    rule = merged.support_rules[a2.support_rule]
    assert rule.versions and all(v.id == rule.id for v in rule.versions)
    assert rule.for_year(2026).max_state_per_unit == 15
    # valid (it round-trips through the file format) and no artefact of the merge in its audit
    assert kg.program_from_dict(program_to_dict(merged), source=merged.origin) == merged
    assert merge_artefacts(result, [kien_giang, with_sources]) == []
    assert not [f for f in kg.audit(merged) if f.code in ("source-vs-annual-table", "source-vs-stated-total")]
    solve_checked(kg.baseline(merged))


def test_state_source_ids_may_not_clash_with_the_local_or_enterprise_source(with_sources):
    doc = program_to_dict(with_sources)
    doc["id"] = "other"
    doc["funding_sources"][0]["id"] = "local2"
    doc["funding_sources"][1]["id"] = "national"   # its local budget is called 'national'
    for section in (doc["stated_totals"], doc["annual_budget"]["stated_total"], *doc["annual_budget"]["years"].values(),
                    *(t["cost"] for t in doc["tasks"])):
        section["local2"], section["national"] = section.pop("national"), section.pop("local")
    other = kg.program_from_dict(doc)
    with pytest.raises(UsageError, match=r"names a state source 'local2'|uses for its local budget"):
        merge_programs([other, with_sources], name="x", prefixes=["OT", "TN"])


def test_kien_giang_and_the_illustrative_an_giang_merge_without_artefacts(kien_giang):
    """The issue's check: kien-giang-2021-2025 with a 2026–2030 program of three sources, ranges, a
    dated rule and a geography gives a valid program whose audit has no finding caused by the merge."""
    an_giang = kg.load_program("an-giang-2026-2030-illustrative")
    result = merge_programs([kien_giang, an_giang], name="an-giang-2021-2030", province="An Giang")
    merged = result.program
    assert merge_artefacts(result, [kien_giang, an_giang]) == []
    assert kg.program_from_dict(program_to_dict(merged), source=merged.origin) == merged
    assert [s.id for s in merged.funding_sources] == ["local", "national", "establishments"]
    assert merged.geography == an_giang.geography
    machinery = next(t for t in merged.tasks if t.id == "II.AG.2")
    assert machinery.quantity_text == "56–75"
    assert merged.support_rules[machinery.support_rule].for_year(2028).max_state_per_unit == 250
    national = merged.source_named("national")
    assert sum(b.amount(national) for b in merged.annual_budget.values()) == \
        sum(b.amount(national) for b in an_giang.annual_budget.values())


def test_the_merged_program_names_its_documents_in_both_languages(consecutive, kien_giang, example):
    merged = consecutive.program
    for lang in ("vi", "en"):
        text = merged.source_document.get(lang)
        assert kien_giang.source_document.get(lang) in text and example.source_document.get(lang) in text
    assert merged.source_document.vi != merged.source_document.en
    assert merged.title.vi != merged.title.en
    # and the document the merge writes reads back with both
    assert kg.program_from_dict(consecutive.program_dict).source_document == merged.source_document

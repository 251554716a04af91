"""Eligibility and priority from data (``analysis.eligibility``): a proposal's profile judged by the
rule packs in force in the year, each refusal naming its clause; priority points added to the
score; the illustrative Decree 235/2025 pack of the An Giang program; the annual selection's hook."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

import kgkc_opt as kg
from kgkc_opt.analysis import eligibility
from kgkc_opt.errors import UsageError
from kgkc_opt.inputs.eligibility import Clause, Profile, RulePack
from kgkc_opt.inputs.proposals import Proposal, Proposals, proposals_from_csv_text
from kgkc_opt.inputs.text import Text

AN_GIANG = "an-giang-2026-2030-illustrative"
CLAUSE_WHO = "Điều 1 khoản 1 (đối tượng áp dụng)"
CLAUSE_WHERE = "Điều 1 khoản 1 (địa bàn, tỉnh)"
CITATION = "Nghị định 235/2025/NĐ-CP sửa đổi Nghị định 45/2012/NĐ-CP"


def proposal(pid: str, commune: str = "Xã Tân Hội", score: int = 50, **profile: object) -> Proposal:
    return Proposal(pid, "Máy sấy", "Cơ sở A", commune, "II.2", 1, Fraction(600), Fraction(300), Fraction(300),
                    score=Fraction(score), profile=Profile(**profile))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def an_giang() -> kg.Program:
    return kg.load_program(AN_GIANG)


@pytest.fixture(scope="module")
def packs(an_giang) -> tuple[RulePack, ...]:
    return an_giang.eligibility


def test_the_an_giang_program_carries_an_illustrative_decree_235_pack(packs):
    (pack,) = packs
    assert pack.illustrative and "ILLUSTRATIVE" in pack.name.en and "235/2025/NĐ-CP" in pack.citation
    assert pack.valid_from == dt.date(2025, 10, 15) and pack.valid_to is None and pack.province_kind == "province"
    assert pack.in_force(2026) and pack.in_force(2025) and not pack.in_force(2024)


def test_an_ineligible_applicant_gets_a_reason_naming_the_clause(packs):
    found = eligibility.assess([proposal("A", applicant_kind="large_enterprise", craft_village=False)], packs, 2026)
    a = found["A"]
    assert not a.eligible
    (finding,) = a.findings
    assert finding.clause == CLAUSE_WHO and finding.pack == "decree-235-2025-illustrative"
    assert a.reason.vi.startswith(f"Không đủ điều kiện hỗ trợ theo {CLAUSE_WHO}, {CITATION} (minh họa): chỉ hỗ trợ "
                                  "khi loại hình đơn vị là doanh nghiệp nhỏ và vừa, hợp tác xã,")
    assert a.reason.en.endswith("the proposal: applicant's kind: large enterprise; not in a craft village.")


def test_a_town_is_not_a_place_of_a_province_under_the_pack(packs):
    a = eligibility.assess([proposal("T", commune="Thị trấn Hòn Đất", applicant_kind="household_business")],
                           packs, 2026)["T"]
    assert [f.clause for f in a.findings] == [CLAUSE_WHERE]
    assert "kind of commune-level unit: town (before 1 July 2025)" in a.reason.en


@pytest.mark.parametrize(("commune", "profile", "eligible"), [
    ("Phường Rạch Giá", {"applicant_kind": "sme"}, True),
    ("Đặc khu Phú Quốc", {"applicant_kind": "artisan"}, True),
    ("Xã Định Hòa", {"craft_village": True}, True),  # a craft village: whatever the kind
    ("Xã Định Hòa", {"applicant_kind": "agency", "craft_village": True}, True),
    ("Xã Định Hòa", {"applicant_kind": "agency"}, False),
    # a ward of a centrally-run city is not a place the decree supports; a commune of it is
    ("Phường Ninh Kiều", {"applicant_kind": "sme", "province_kind": "city"}, False),
    ("Xã Phong Điền", {"applicant_kind": "sme", "province_kind": "city"}, True),
    # the stated location kind wins over the commune's name
    ("Tân Hội", {"applicant_kind": "sme", "location_kind": "commune"}, True),
])
def test_who_and_where(packs, commune, profile, eligible):
    assert eligibility.assess([proposal("P", commune=commune, **profile)], packs, 2026)["P"].eligible is eligible


def test_not_stated_is_not_eligible_and_says_so(packs):
    found = eligibility.assess([proposal("A", applicant_kind="sme"), proposal("B")], packs, 2026)
    assert found["A"].eligible
    assert found["B"].reason.en.startswith(f"Not eligible under {CLAUSE_WHO}, {CITATION} (illustrative): the file "
                                           "does not state applicant's kind, in a craft village; the clause supports "
                                           "only applicant's kind:")


def test_priority_points_add_to_the_score_and_name_their_clauses(packs):
    p = proposal("W", score=70, applicant_kind="sme", women_owned=True, ethnic_minority=True,
                 disadvantaged_area=False)
    a = eligibility.assess([p], packs, 2026)["W"]
    assert a.eligible and a.points == 10
    assert a.awarded == (f"Điều 1 khoản 2 (ưu tiên: phụ nữ làm chủ) ({CITATION}): +5",
                         f"Điều 1 khoản 2 (ưu tiên: lao động dân tộc thiểu số) ({CITATION}): +5")
    scored, reasons = eligibility.apply(Proposals("p.csv", (p,)), packs, 2026)
    assert reasons == {}
    assert scored.items[0].score == 80 and scored.items[0].priority_points == 10


def test_a_pack_not_in_force_in_the_year_judges_nothing(packs):
    p = proposal("A", applicant_kind="large_enterprise", women_owned=True)
    scored, reasons = eligibility.apply(Proposals("p.csv", (p,)), packs, 2024)
    assert reasons == {} and scored.items == (p,)


def test_a_file_without_the_column_is_refused_naming_what_is_needed(packs):
    with pytest.raises(UsageError) as info:
        eligibility.assess([proposal("A"), proposal("B")], packs, 2026)
    assert str(info.value) == (
        "annual: the eligibility rules in force in 2026 need facts the proposals file does not give: "
        f"{CLAUSE_WHO} of decree-235-2025-illustrative checks applicant_kind or craft_village; add the column(s) "
        "(docs/annual-plan.md, \"Eligibility and priority\")")


def test_every_pack_in_force_applies_and_priority_adds_up():
    def pack(pid: str, start: str, end: str | None, points: int) -> RulePack:
        return RulePack(pid, Text(pid, pid), f"Văn bản {pid}", "", "", "province", dt.date.fromisoformat(start),
                        None if end is None else dt.date.fromisoformat(end),
                        (Clause("Điều 2", None, (), (("applicant_kind", frozenset({"sme", "cooperative"})),)),
                         Clause("Điều 3", None, (), (("women_owned", frozenset({True})),), Fraction(points))))
    old, new = pack("old", "2020-01-01", "2026-06-30", 2), pack("new", "2026-07-01", None, 3)
    p = proposal("A", applicant_kind="sme", women_owned=True)
    assert eligibility.assess([p], (old, new), 2026)["A"].points == 5
    assert eligibility.assess([p], (old, new), 2027)["A"].points == 3
    q = proposal("B", applicant_kind="artisan")
    both = eligibility.assess([p, q], (old, new), 2026)["B"]
    assert [f.pack for f in both.findings] == ["old", "new"]


def test_the_annual_selection_refuses_the_ineligible_with_the_clause_and_adds_priority(an_giang):
    text = ("proposal_id,title,applicant,commune,task_id,units,total_cost,requested,cofunding,score,applicant_kind,"
            "craft_village,women_owned\n"
            "AG-01,Máy sấy lúa,HTX Tân Hội,Xã Tân Hội,II.2,1,600,300,300,70,hợp tác xã,,có\n"
            "AG-02,Máy đóng gói,Công ty CP Lớn,Phường Rạch Giá,II.2,1,600,300,300,90,doanh nghiệp lớn,,\n"
            "AG-03,Máy dệt chiếu,Cơ sở Út,Xã Định Hòa,II.2,1,600,300,300,60,,x,\n")
    proposals = proposals_from_csv_text(text, an_giang, source="ag.csv")
    result = kg.annual(proposals, 2026, scenario=an_giang)
    by_id = {d.proposal.id: d for d in result.decisions}
    assert by_id["AG-02"].status == "not_funded"
    assert [r.code for r in by_id["AG-02"].reasons] == ["not_eligible"]
    assert CLAUSE_WHO in by_id["AG-02"].reason_text("vi") and CITATION in by_id["AG-02"].reason_text("en")
    assert by_id["AG-02"].least_extra is None
    assert by_id["AG-01"].status == "funded" and by_id["AG-01"].proposal.score == 75
    assert by_id["AG-01"].proposal.priority_points == 5
    assert by_id["AG-03"].status == "funded"

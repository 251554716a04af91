"""The rule packs of a program file (``inputs.eligibility.parse_rule_packs``) and the profile columns
of a proposals file: kinds read by their Vietnamese or English names, every problem named at its
key or cell."""

from __future__ import annotations

import copy

import pytest

import kgkc_opt as kg
from kgkc_opt.errors import ProgramError, ProposalsError
from kgkc_opt.inputs.eligibility import Profile, kind_value, location_from_name, parse_rule_packs
from kgkc_opt.inputs.files import read_yaml, resolve_program_path
from kgkc_opt.inputs.proposals import COLUMNS, column_name, proposals_from_csv_text
from kgkc_opt.inputs.reader import Collector

PACK = {
    "id": "p", "citation": "Nghị định X", "valid_from": "2025-10-15", "province_kind": "tỉnh",
    "clauses": [{"clause": "Điều 1", "require_any": {"applicant_kind": ["hợp tác xã", "SME"], "craft_village": True}},
                {"clause": "Điều 2", "priority": 5, "if_any": {"women_owned": True}}],
}


def read(value: object) -> tuple[tuple, list[str]]:
    c = Collector("prog.yaml")
    packs = parse_rule_packs(c, value)
    return packs, [f"{p.where}: {p.message}" for p in c.problems]


def test_a_pack_is_read_with_its_kinds_by_any_name():
    (pack,), problems = read([PACK])
    assert problems == []
    who, priority = pack.clauses
    assert who.any_of == (("applicant_kind", frozenset({"cooperative", "sme"})), ("craft_village", frozenset({True})))
    assert priority.points == 5 and priority.is_priority and not who.is_priority
    assert pack.province_kind == "province" and str(pack.valid_from) == "2025-10-15"


def edited(**changes: object) -> dict:
    pack = copy.deepcopy(PACK)
    for key, value in changes.items():
        if key.startswith("clause0_"):
            pack["clauses"][0][key.removeprefix("clause0_")] = value
        else:
            pack[key] = value
    return pack


@pytest.mark.parametrize(("pack", "expected"), [
    (edited(citation=None), "eligibility[0].citation: expected text"),
    (edited(valid_to="2025-01-01"), "eligibility[0].valid_to: ends (2025-01-01) before it starts (2025-10-15)"),
    (edited(province_kind="huyện"), "eligibility[0].province_kind: expected one of province (tỉnh), city"),
    (edited(clause0_require_any={"applicant_kind": ["hợp tác"]}),
     "eligibility[0].clauses[0].require_any.applicant_kind[0]: expected one of sme (doanh nghiệp nhỏ và vừa)"),
    (edited(clause0_require_any={"craft_village": "có"}),
     "eligibility[0].clauses[0].require_any.craft_village: expected yes or no (true/false), got 'có'"),
    (edited(clause0_require_any={"women": True}), "eligibility[0].clauses[0].require_any.women: unknown key"),
    (edited(clause0_priority=3), "eligibility[0].clauses[0]: a clause either requires (require_any) or gives "
                                 "priority (priority with if_any); give one of them"),
    (edited(clauses=[]), "eligibility[0].clauses: expected a list of clauses"),
])
def test_each_problem_names_its_key(pack, expected):
    _, problems = read([pack])
    assert any(p.startswith(expected) for p in problems), problems


def test_a_pack_listed_twice_and_a_pack_that_is_not_a_list():
    assert read([PACK, PACK])[1] == ["eligibility[1].id: the rule pack 'p' is listed twice"]
    assert read(PACK)[1][0].startswith("eligibility: expected a list of rule packs")


def test_a_program_file_with_a_bad_pack_is_refused_at_its_key():
    data = read_yaml(resolve_program_path("an-giang-2026-2030-illustrative"))
    data["eligibility"][0]["clauses"][0]["require_any"]["applicant_kind"].append("hộ nông dân")
    with pytest.raises(ProgramError) as info:
        kg.program_from_dict(data, source="ag.yaml")
    assert "ag.yaml: eligibility[0].clauses[0].require_any.applicant_kind[6]: expected one of" in str(info.value)


@pytest.mark.parametrize(("field", "text", "kind"), [
    ("applicant_kind", "Hộ kinh doanh", "household_business"), ("applicant_kind", "HTX", "cooperative"),
    ("applicant_kind", "doanh nghiep nho va vua", "sme"), ("applicant_kind", "Nghệ nhân", "artisan"),
    ("applicant_kind", "industrial-cluster investor", "cluster_investor"),
    ("location_kind", "Đặc khu", "special_zone"), ("location_kind", "phường", "ward"),
    ("province_kind", "Thành phố trực thuộc Trung ương", "city"), ("province_kind", "tỉnh", "province"),
    ("applicant_kind", "hộ nông dân", None),
])
def test_kinds_by_their_names(field, text, kind):
    assert kind_value(field, text) == kind


@pytest.mark.parametrize(("name", "kind"), [("Phường Dương Đông", "ward"), ("Xã Tân Hội", "commune"),
                                            ("Đặc khu Phú Quốc", "special_zone"), ("Thị trấn Hòn Đất", "town"),
                                            ("Xãi Lạ", None), ("Tân Hội", None)])
def test_the_location_kind_of_a_commune_name(name, kind):
    assert location_from_name(name) == kind


def test_the_profile_columns_by_their_vietnamese_names(program):
    for name in ("applicant_kind", "location_kind", "province_kind", "craft_village", "women_owned",
                 "ethnic_minority", "disadvantaged_area"):
        assert name in COLUMNS and column_name(name) == name
        assert all(column_name(alias) == name for alias in COLUMNS[name])
    text = ("Mã đề án,Tên đề án,Cơ sở,Xã,Nhiệm vụ,Số lượng,Tổng kinh phí,Hỗ trợ đề nghị,Đối ứng,Loại hình,"
            "Làng nghề,Phụ nữ làm chủ,Lao động dân tộc thiểu số,Địa bàn khó khăn,Loại địa bàn\n"
            "KG-01,Máy sấy,HTX A,Xã Bình An,II.2,1,600,300,300,Hợp tác xã,x,có,,không,xã\n"
            "KG-02,Máy sấy,Cơ sở B,Xã Bình An,II.2,1,600,300,300,,,,có,,\n")
    a, b = proposals_from_csv_text(text, program, source="p.csv").items
    assert a.profile == Profile("cooperative", "commune", None, True, True, None, False)
    # an empty cell: not stated, but no in a column marked with 'x'
    assert b.profile == Profile(None, None, None, False, None, True, None)


def test_an_unknown_kind_names_the_cell(program):
    text = ("proposal_id,title,applicant,commune,task_id,units,total_cost,requested,cofunding,applicant_kind,"
            "women_owned\n"
            "KG-01,Máy sấy,HTX A,Xã Bình An,II.2,1,600,300,300,hợp tác xãa,có lẽ\n")
    with pytest.raises(ProposalsError) as info:
        proposals_from_csv_text(text, program, source="p.csv")
    assert [p.where for p in info.value.problems] == ["line 2, applicant_kind", "line 2, women_owned"]
    assert info.value.problems[0].message.startswith("expected one of sme (doanh nghiệp nhỏ và vừa), cooperative")
    assert info.value.problems[1].message == "expected yes or no (có/không, x or empty, true/false, 1/0), got 'có lẽ'"
    assert "did you mean cooperative?" in info.value.problems[0].message


def test_packs_round_trip_through_a_program_document():
    from kgkc_opt.inputs.eligibility import packs_to_dict

    pack = edited(valid_to="2030-12-31", clauses=[
        {"clause": "Điều 1", "text": {"vi": "Ai", "en": "Who"}, "when": {"province_kind": "city"},
         "require_any": {"location_kind": ["xã", "đặc khu"]}},
        {"clause": "Điều 2", "priority": 2.5, "if_any": {"disadvantaged_area": True, "women_owned": False}}])
    (first,), problems = read([pack])
    assert problems == []
    (again,), problems = read(packs_to_dict((first,)))
    assert problems == [] and again == first

"""Geography after the 2025 reform (``inputs.areas``): units and regions as data, task levels and
areas, districts refused, and the exact round trip through the program format."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import kgkc_opt as kg
from kgkc_opt.errors import ProgramError
from kgkc_opt.inputs.areas import Geography, district_wording, geography_to_dict, parse_geography
from kgkc_opt.inputs.program_dict import program_to_dict
from kgkc_opt.inputs.reader import Collector

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
GEO = {
    "source": "test resolution",
    "regions": [{"id": "islands", "name": {"vi": "Vùng biển đảo", "en": "Islands"}},
                {"id": "main", "name": "Đất liền"}],
    "units": [
        {"id": "phu-quoc", "name": {"vi": "Đặc khu Phú Quốc", "en": "Phú Quốc special zone"}, "kind": "special_zone",
         "region": "islands"},
        {"id": "rach-gia", "name": "Phường Rạch Giá", "kind": "ward", "region": "main", "formerly": "TP Rạch Giá"},
        {"id": "an-bien", "name": "Xã An Biên", "kind": "commune"},
    ],
}


def doc(**task_keys: Any) -> dict[str, Any]:
    data = yaml.safe_load((FIXTURES / "tiny-sources.yaml").read_text(encoding="utf-8"))
    data["geography"] = copy.deepcopy(GEO)
    data["tasks"][2].update(task_keys)
    return data


def problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ProgramError) as info:
        kg.program_from_dict(data, source="p.yaml")
    return [f"{p.where}: {p.message}" for p in info.value.problems]


def test_units_regions_and_task_areas_load_and_round_trip():
    program = kg.program_from_dict(doc(level="region", areas=["islands", "rach-gia"]))
    geo = program.geography
    assert geo.counts() == {"commune": 1, "ward": 1, "special_zone": 1}
    assert geo.region_of("phu-quoc") == "islands" and geo.unit("rach-gia").formerly == "TP Rạch Giá"
    task = program.task("B.1")
    assert (task.level, task.areas) == ("region", ("islands", "rach-gia"))
    assert kg.program_from_dict(program_to_dict(program), source=program.origin) == program
    found = {f.code: f for f in kg.audit(program)}
    assert found["geography"].message == "3 commune-level units (1 communes, 1 wards, 1 special zones); 2 regions"


@pytest.mark.parametrize(("change", "expected"), [
    ({"level": "district"}, "tasks[B.1].level: 'district': districts no longer exist after 1 July 2025"),
    ({"level": "Huyện"}, "tasks[B.1].level: 'Huyện': districts no longer exist"),
    ({"level": "quận"}, "tasks[B.1].level: 'quận': districts no longer exist"),
    ({"level": "town"}, "tasks[B.1].level: expected one of province, region, commune, ward, special_zone, got 'town'"),
    ({"areas": ["nowhere"]}, "tasks[B.1].areas[0]: unknown region or unit 'nowhere'"),
    ({"areas": ["main", "main"]}, "tasks[B.1].areas[1]: 'main' is listed twice"),
    ({"areas": []}, "tasks[B.1].areas: expected a non-empty list of region or unit ids"),
])
def test_task_level_and_area_problems(change, expected):
    assert any(p.startswith(expected) for p in problems(doc(**change))), problems(doc(**change))


def test_geography_problems_are_all_collected():
    data = doc()
    data["geography"]["units"][0]["kind"] = "thị xã"
    data["geography"]["units"][1]["region"] = "hills"
    data["geography"]["units"][2]["id"] = "main"
    found = problems(data)
    assert "geography.units[0].kind: 'thị xã': districts no longer exist after 1 July 2025; use a region, a " \
           "commune, ward or special zone, or the province (docs/program-format.md, \"Carrying a pre-2025 " \
           "program over\")" in found
    assert any(p.startswith("geography.units[1].region: unknown region 'hills'") for p in found)
    assert "geography.units[2].id: unit or region 'main' is listed twice" in found


def test_areas_need_a_geography():
    data = doc(areas=["main"])
    del data["geography"]
    assert "tasks[B.1].areas: names areas, but the program declares no geography" in problems(data)


@pytest.mark.parametrize(("text", "named"), [
    ("UBND các huyện, TP", True), ("Bình chọn sản phẩm CNNT TB cấp huyện", True), ("District award rounds", True),
    ("UBND quận Ninh Kiều", True), ("Thị xã Hà Tiên", True), ("Sở Công Thương", False),
    ("Quản lý nhà nước", False), ("Quán cà phê", False), ("UBND các xã, phường, đặc khu", False),
])
def test_district_wording(text, named):
    assert district_wording(text) is named


def test_rows_that_still_name_districts_are_reported():
    kien_giang = {f.code: f for f in kg.audit(kg.load_program()) if f.code == "district-level"}
    # Decision 2454 ends in 2025: one note listing its district rows, no warning
    assert kien_giang["district-level"].severity == "info"
    assert kien_giang["district-level"].message.startswith("12 task rows name the district level")
    program = kg.program_from_dict(doc(partner="UBND các huyện"))  # B.1 runs in 2025 and 2027
    (late,) = [f for f in kg.audit(program) if f.code == "district-level"]
    assert late.severity == "warning" and ": B.1;" in late.message


names = st.text(alphabet="abcdeđươ ", min_size=1, max_size=8).filter(lambda x: x.strip() == x and x)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(names, st.sampled_from(["commune", "ward", "special_zone"]), st.booleans()),
                min_size=1, max_size=6))
def test_round_trip_of_any_geography(units):
    data = {"regions": [{"id": "r", "name": "R"}],
            "units": [{"id": f"u{i}", "name": name, "kind": kind, **({"region": "r"} if in_region else {})}
                      for i, (name, kind, in_region) in enumerate(units)]}
    c = Collector("t")
    geo = parse_geography(c, data)
    assert not c.problems
    again = parse_geography(c, geography_to_dict(geo))
    assert again == geo and not c.problems
    assert geography_to_dict(Geography()) is None

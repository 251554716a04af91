"""The geography readers of ``inputs.areas`` called directly, with a ``Collector``: every problem
of a ``geography`` section and of a task's ``level`` / ``areas`` at its exact key path, the refusal
of the district level however it is written (with or without diacritics, any case), the helpers of
``Geography``, and the round trip ``parse_geography(geography_to_dict(g)) == g`` for any geography.

tests/inputs/test_areas.py checks the same module through a whole program file (loading, the
round trip through ``program_to_dict``, the audit of the bundled programs)."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kgkc_opt.inputs.areas import (
    CARRY_OVER,
    LEVELS,
    TASK_AREA_KEYS,
    UNIT_KINDS,
    Geography,
    Region,
    Unit,
    district_wording,
    geography_to_dict,
    parse_geography,
    parse_task_area,
)
from kgkc_opt.inputs.reader import Collector
from kgkc_opt.inputs.text import Text

GEO: dict[str, Any] = {
    "source": "Nghị quyết 1654/NQ-UBTVQH15 (16 June 2025)",
    "regions": [
        {"id": "islands", "name": {"vi": "Vùng biển đảo", "en": "Islands"}, "source": "illustrative grouping"},
        {"id": "ag-upstream", "name": "Đầu nguồn"},
    ],
    "units": [
        {"id": "phu-quoc", "name": {"vi": "Đặc khu Phú Quốc", "en": "Phú Quốc special zone"},
         "kind": "special_zone", "region": "islands", "formerly": "TP Phú Quốc (pre-2025)"},
        {"id": "rach-gia", "name": {"vi": "Phường Rạch Giá", "en": "Rạch Giá ward"}, "kind": "ward",
         "formerly": "9 wards of TP Rạch Giá", "source": "NQ 1654, Article 1"},
        {"id": "an-phu", "name": "Xã An Phú", "kind": "commune", "region": "ag-upstream"},
        {"id": "vinh-hau", "name": "Xã Vĩnh Hậu", "kind": "commune", "region": "ag-upstream"},
    ],
}

#: the district level, as a planner may write it: any case, with or without diacritics
DISTRICT_SPELLINGS = ["district", "District", "DISTRICT", "huyện", "Huyện", "HUYỆN", "huyen", "Huyen",
                      "quận", "Quận", "quan", "QUAN", "thị xã", "Thị xã", "thi xa", "Thi Xa", "cấp huyện",
                      "cap huyen", "thành phố thuộc tỉnh", "thành phố", "Thanh pho", "TP", "tp."]


def parse(value: Any) -> tuple[Geography, list[tuple[str, str]]]:
    c = Collector("p.yaml")
    geo = parse_geography(c, value)
    return geo, [(p.where, p.message) for p in c.problems]


def areas(td: Mapping[str, Any], geo: Geography | None = None,
          where: str = "tasks[III.5]") -> tuple[tuple[str | None, tuple[str, ...]], list[tuple[str, str]]]:
    c = Collector("p.yaml")
    found = parse_task_area(c, td, where, parse(GEO)[0] if geo is None else geo)
    return found, [(p.where, p.message) for p in c.problems]


def refused(value: str) -> str:
    return f"{value!r}: {CARRY_OVER}"


def test_the_vocabulary():
    assert UNIT_KINDS == ("commune", "ward", "special_zone")
    assert LEVELS == ("province", "region", "commune", "ward", "special_zone")
    assert TASK_AREA_KEYS == ("level", "areas")
    assert "no longer exist after 1 July 2025" in CARRY_OVER
    assert 'docs/program-format.md, "Carrying a pre-2025 program over"' in CARRY_OVER


def test_a_geography_reads_into_frozen_values():
    geo, found = parse(GEO)
    assert found == []
    assert geo.source == GEO["source"]
    assert geo.regions == (Region("islands", Text("Vùng biển đảo", "Islands"), "illustrative grouping"),
                           Region("ag-upstream", Text("Đầu nguồn", "Đầu nguồn"), ""))
    assert geo.units[1] == Unit("rach-gia", Text("Phường Rạch Giá", "Rạch Giá ward"), "ward", None,
                                "9 wards of TP Rạch Giá", "NQ 1654, Article 1")
    assert geo.unit("an-phu").name == Text("Xã An Phú", "Xã An Phú")
    assert geo.region_of("phu-quoc") == "islands" and geo.region_of("rach-gia") is None
    assert geo.counts() == {"commune": 2, "ward": 1, "special_zone": 1}
    assert list(geo.counts()) == list(UNIT_KINDS)  # in the order of the kinds
    assert geo.ids == {"islands", "ag-upstream", "phu-quoc", "rach-gia", "an-phu", "vinh-hau"}
    assert not geo.is_empty
    with pytest.raises(KeyError):
        geo.unit("islands")  # a region is not a unit
    with pytest.raises(AttributeError):
        geo.units[0].kind = "ward"  # type: ignore[misc]


def test_counts_leave_out_kinds_with_no_unit():
    geo, _ = parse({"units": [{"id": "a", "name": "Xã A", "kind": "commune"}]})
    assert geo.counts() == {"commune": 1}


@pytest.mark.parametrize(("value", "empty"), [
    (None, True), ({}, True), ({"source": "NQ 1654"}, False), ({"regions": [{"id": "r", "name": "R"}]}, False),
])
def test_an_absent_or_empty_section(value, empty):
    geo, found = parse(value)
    assert found == [] and geo.is_empty is empty
    if empty:
        assert geo == Geography() and geography_to_dict(geo) is None
    else:
        assert geography_to_dict(geo) == value


@pytest.mark.parametrize(("change", "where", "message"), [
    (lambda g: ["not", "a", "mapping"], "geography", "expected a mapping of keys to values, got a list"),
    (lambda g: g | {"districts": []}, "geography.districts", "unknown key; expected one of: source, regions, units"),
    (lambda g: g | {"source": ["a"]}, "geography.source", "expected text, got a list"),
    (lambda g: g | {"regions": {"islands": "Islands"}}, "geography.regions", "expected a list, got a mapping"),
    (lambda g: g | {"units": "phu-quoc"}, "geography.units", "expected a list, got 'phu-quoc'"),
    (lambda g: g | {"regions": ["islands"]}, "geography.regions[0]",
     "expected a mapping of keys to values, got 'islands'"),
    (lambda g: g | {"regions": [{"id": "r", "name": "R", "kind": "ward"}]}, "geography.regions[0].kind",
     "unknown key; expected one of: id, name, source"),
    (lambda g: g | {"regions": [{"name": "R"}]}, "geography.regions[0].id", "required key is missing"),
    (lambda g: g | {"regions": [{"id": "r"}]}, "geography.regions[0].name", "required key is missing"),
    (lambda g: g | {"regions": [{"id": ["r"], "name": "R"}]}, "geography.regions[0].id", "expected text, got a list"),
    (lambda g: g | {"regions": [{"id": "r", "name": "R"}, {"id": "r", "name": "S"}]}, "geography.regions[1].id",
     "region 'r' is listed twice"),
    (lambda g: g | {"regions": [{"id": "r", "name": {"vi": "R", "fr": "R"}}]}, "geography.regions[0].name.fr",
     "unknown key; expected one of: vi, en"),
    (lambda g: g | {"regions": [{"id": "r", "name": {"en": "R"}}]}, "geography.regions[0].name.vi",
     "required key is missing"),
    (lambda g: g | {"units": [7]}, "geography.units[0]", "expected a mapping of keys to values, got 7"),
    (lambda g: g | {"units": [{"id": "u", "name": "U", "kind": "ward", "district": "Châu Thành"}]},
     "geography.units[0].district", "unknown key; expected one of: id, name, kind, region, formerly, source"),
    (lambda g: g | {"units": [{"name": "U", "kind": "ward"}]}, "geography.units[0].id", "required key is missing"),
    (lambda g: g | {"units": [{"id": "u", "kind": "ward"}]}, "geography.units[0].name", "required key is missing"),
    (lambda g: g | {"units": [{"id": "u", "name": "U"}]}, "geography.units[0].kind", "required key is missing"),
    (lambda g: g | {"units": [{"id": "u", "name": "U", "kind": "town"}]}, "geography.units[0].kind",
     "expected one of commune, ward, special_zone, got 'town'"),
    (lambda g: g | {"units": [{"id": "u", "name": "U", "kind": 3}]}, "geography.units[0].kind",
     "expected one of commune, ward, special_zone, got 3"),
    (lambda g: g | {"units": [{"id": "u", "name": "U", "kind": "ward"}, {"id": "u", "name": "V", "kind": "ward"}]},
     "geography.units[1].id", "unit or region 'u' is listed twice"),
    (lambda g: g | {"units": [{"id": "islands", "name": "U", "kind": "ward"}]}, "geography.units[0].id",
     "unit or region 'islands' is listed twice"),
    (lambda g: {"units": [{"id": "u", "name": "U", "kind": "ward", "region": "hills"}]},
     "geography.units[0].region", "unknown region 'hills'; regions are (none)"),
    (lambda g: g | {"units": [{"id": "u", "name": "U", "kind": "ward", "region": "phu-quoc"}]},
     "geography.units[0].region", "unknown region 'phu-quoc'; regions are islands, ag-upstream"),  # in file order
    (lambda g: g | {"units": [{"id": "u", "name": "U", "kind": "xã"}]}, "geography.units[0].kind",
     "expected one of commune, ward, special_zone, got 'xã' (write commune for xã)"),
    (lambda g: g | {"units": [{"id": "u", "name": "U", "kind": "Phường"}]}, "geography.units[0].kind",
     "expected one of commune, ward, special_zone, got 'Phường' (write ward for Phường)"),
    (lambda g: g | {"units": [{"id": "u", "name": "U", "kind": "dac khu"}]}, "geography.units[0].kind",
     "expected one of commune, ward, special_zone, got 'dac khu' (write special_zone for dac khu)"),
    (lambda g: g | {"units": [{"id": "u", "name": "U", "kind": "thị trấn"}]}, "geography.units[0].kind",
     "'thị trấn': townships (thị trấn) no longer exist after 1 July 2025: each became part of a commune (xã) or "
     "a ward (phường); write commune or ward"),
    (lambda g: g | {"units": [{"id": "u", "name": "U", "kind": "ward", "formerly": ["xã A", "xã B"]}]},
     "geography.units[0].formerly", "expected text, got a list"),
    (lambda g: g | {"units": [{"id": "u", "name": "U", "kind": "ward", "source": {"a": 1}}]},
     "geography.units[0].source", "expected text, got a mapping"),
    (lambda g: g | {"regions": [{"id": "r", "name": "R", "source": ["x"]}]},
     "geography.regions[0].source", "expected text, got a list"),
])
def test_each_problem_of_a_geography_at_its_key(change, where, message):
    _, found = parse(change(copy.deepcopy(GEO)))
    assert (where, message) in found, found


@pytest.mark.parametrize("region", ["hills", "phu-quoc"])  # phu-quoc is a unit, not a region
def test_an_unknown_region_lists_the_declared_ones(region):
    data = copy.deepcopy(GEO)
    data["units"] = [{"id": "u", "name": "U", "kind": "ward", "region": region}]
    geo, found = parse(data)
    ((where, message),) = found
    assert where == "geography.units[0].region"
    head, regions = message.split("; regions are ")
    assert head == f"unknown region {region!r}"
    assert regions.split(", ") == ["islands", "ag-upstream"]  # in the order of the file, every run
    assert geo.units[0].region is None  # kept, without a region; the file is refused anyway


@pytest.mark.parametrize("kind", DISTRICT_SPELLINGS)
def test_a_district_kind_is_refused_with_the_carry_over_pointer(kind):
    data = {"units": [{"id": "chau-thanh", "name": "Huyện Châu Thành", "kind": kind}]}
    geo, found = parse(data)
    assert found == [("geography.units[0].kind", refused(kind))]
    assert geo.units == ()  # the unit is left out, never read as some other kind


@pytest.mark.parametrize("level", DISTRICT_SPELLINGS)
def test_a_district_level_is_refused_with_the_carry_over_pointer(level):
    assert areas({"level": level}) == ((None, ()), [("tasks[III.5].level", refused(level))])


def test_every_problem_is_collected_in_one_pass():
    data = copy.deepcopy(GEO)
    data["extra"] = 1
    data["regions"].append({"id": "islands", "name": "Again"})
    data["units"][0]["kind"] = "huyện"
    data["units"][1]["region"] = "hills"
    data["units"][2]["id"] = "vinh-hau"
    geo, found = parse(data)
    assert [w for w, _ in found] == ["geography.extra", "geography.regions[2].id", "geography.units[0].kind",
                                     "geography.units[1].region", "geography.units[3].id"]
    # a unit with a bad kind or a repeated id is left out; one with an unknown region is kept without it
    assert [(u.id, u.region) for u in geo.units] == [("rach-gia", None), ("vinh-hau", "ag-upstream")]


@pytest.mark.parametrize("level", LEVELS)
def test_each_level_is_read(level):
    assert areas({"level": level}) == ((level, ()), [])


@pytest.mark.parametrize(("td", "expected"), [
    ({}, (None, ())),
    ({"level": None, "areas": None}, (None, ())),
    ({"areas": ["islands"]}, (None, ("islands",))),
    ({"level": "region", "areas": ["islands", "ag-upstream"]}, ("region", ("islands", "ag-upstream"))),
    ({"level": "commune", "areas": ["vinh-hau", "an-phu"]}, ("commune", ("vinh-hau", "an-phu"))),  # as written
    ({"level": "special_zone", "areas": ["phu-quoc"]}, ("special_zone", ("phu-quoc",))),
])
def test_a_task_area_is_read(td, expected):
    assert areas(td) == (expected, [])


@pytest.mark.parametrize(("td", "message"), [
    ({"level": "town"}, "expected one of province, region, commune, ward, special_zone, got 'town'"),
    ({"level": ["region"]}, "expected one of province, region, commune, ward, special_zone, got a list"),
    ({"areas": "islands"}, "expected a non-empty list of region or unit ids, got 'islands'"),
    ({"areas": []}, "expected a non-empty list of region or unit ids, got a list"),
    ({"areas": {"islands": 1}}, "expected a non-empty list of region or unit ids, got a mapping"),
    ({"areas": ["islands", "nowhere"]}, "unknown region or unit 'nowhere'"),
    ({"areas": ["islands", "islands"]}, "'islands' is listed twice"),
    ({"areas": ["islands", ["an-phu"]]}, "expected the id of a region or unit, got a list"),
    ({"areas": ["islands", None]}, "expected the id of a region or unit, got nothing (an empty value)"),
])
def test_each_problem_of_a_task_area_at_its_key(td, message):
    key = "level" if "level" in td else "areas" if not isinstance(td["areas"], list) or not td["areas"] else "areas[1]"
    (level, found_areas), found = areas(td, where="tasks[VIII.6]")
    assert found == [(f"tasks[VIII.6].{key}", message)]
    assert level is None
    if key == "areas" and found_areas:  # the ids that are known are kept
        assert found_areas == ("islands",)


def test_a_null_formerly_or_source_is_absent():
    geo, found = parse({"regions": [{"id": "r", "name": "R", "source": None}],
                        "units": [{"id": "u", "name": "U", "kind": "ward", "formerly": None, "source": None}]})
    assert found == [] and geo.regions[0].source == "" and (geo.units[0].formerly, geo.units[0].source) == ("", "")


def test_areas_need_a_declared_geography():
    assert areas({"areas": ["islands"]}, geo=Geography()) == (
        (None, ()), [("tasks[III.5].areas", "names areas, but the program declares no geography")])
    # a level alone needs none
    assert areas({"level": "province"}, geo=Geography()) == (("province", ()), [])


@pytest.mark.parametrize(("text", "named"), [
    ("UBND các huyện, TP", True), ("UBND huyện, TP", True), ("UBND cac huyen", True), ("Huyen Chau Thanh", True),
    ("cấp huyện", True), ("CẤP HUYỆN", True), ("cap huyen", True), ("District product award rounds", True),
    ("districts", True), ("thị xã Tân Châu", True), ("thi xa Tan Chau", True), ("UBND quận Ninh Kiều", True),
    ("UBND các xã, phường, đặc khu", False), ("Xã Vĩnh Hậu", False), ("Phường Rạch Giá", False),
    ("Đặc khu Phú Quốc", False), ("Sở Công Thương", False), ("Quản lý nhà nước", False),
    ("Các sở, ngành liên quan", False), ("", False),
    # by design: "quan" without diacritics is also quản, quán, ...; "thành phố" may be a province-level city
    ("quan 1", False), ("Thành phố Cần Thơ", False),
    # words between any punctuation
    ("District-level award rounds", True), ("UBND (huyện)", True), ("huyện/thị xã", True), ("UBND huyện;", True),
])
def test_district_wording(text, named):
    assert district_wording(text) is named


def test_a_full_geography_round_trips_to_the_same_input():
    geo, found = parse(GEO)
    assert found == []
    back = geography_to_dict(geo)
    expected = copy.deepcopy(GEO)
    # a name the same in both languages is written once; everything else is written as read
    assert back == expected
    again, found = parse(back)
    assert found == [] and again == geo


ids = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=8)
words = st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạ ,.()", min_size=1, max_size=12).map(str.strip) \
    .filter(bool)
names = st.one_of(words, st.tuples(words, words).map(lambda t: {"vi": t[0], "en": t[1]}))
optional = st.one_of(st.just(""), words)


@st.composite
def geographies(draw: st.DrawFn) -> dict[str, Any]:
    all_ids = draw(st.lists(ids, min_size=0, max_size=10, unique=True))
    n_regions = draw(st.integers(0, len(all_ids)))
    regions: list[dict[str, Any]] = []
    for rid in all_ids[:n_regions]:
        row: dict[str, Any] = {"id": rid, "name": draw(names)}
        if source := draw(optional):
            row["source"] = source
        regions.append(row)
    units: list[dict[str, Any]] = []
    for uid in all_ids[n_regions:]:
        row = {"id": uid, "name": draw(names), "kind": draw(st.sampled_from(UNIT_KINDS))}
        if draw(st.booleans()) and regions:
            row["region"] = draw(st.sampled_from([r["id"] for r in regions]))
        for key in ("formerly", "source"):
            if value := draw(optional):
                row[key] = value
        units.append(row)
    data: dict[str, Any] = {}
    if source := draw(optional):
        data["source"] = source
    if regions:
        data["regions"] = regions
    if units:
        data["units"] = units
    return data


def _written_once(name: Any) -> Any:
    """A name with the same text in both languages is written as one string."""
    return name["vi"] if isinstance(name, dict) and name["vi"] == name["en"] else name


@settings(max_examples=60, deadline=None)
@given(geographies())
def test_round_trip_of_any_geography(data):
    geo, found = parse(data)
    assert found == []
    assert len(geo.regions) == len(data.get("regions", [])) and len(geo.units) == len(data.get("units", []))
    back = geography_to_dict(geo)
    if not data:
        assert back is None and geo.is_empty
        return
    normal = copy.deepcopy(data)
    for row in normal.get("regions", []) + normal.get("units", []):
        row["name"] = _written_once(row["name"])
    assert back == normal
    again, found = parse(back)
    assert found == [] and again == geo

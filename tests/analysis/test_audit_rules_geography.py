"""The audit after the 2025 reform (``analysis.audit_rules.geography_findings``) on small programs:
rows that still name the district level (one ``district-level`` warning for the rows that may run
in 2026 or later, one note for the rows that end in 2025, nothing for rows that ended before the
reform), the ``geography`` summary of a declared geography, and both findings in Vietnamese
(``report.findings``). The bundled programs are audited in tests/inputs/test_areas.py."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from kgkc_opt.analysis.audit_rules import geography_findings
from kgkc_opt.analysis.finding import Finding
from kgkc_opt.inputs.areas import Geography, Region, Unit
from kgkc_opt.inputs.text import Text
from kgkc_opt.report.findings import finding_text


def row(tid: str, years: tuple[int, ...], *, vi: str = "Tổ chức tập huấn", en: str = "Training",
        lead: str = "Sở Công Thương", partner: str = "Các sở, ngành liên quan") -> SimpleNamespace:
    return SimpleNamespace(id=tid, name=Text(vi, en), lead=Text(lead, lead), partner=Text(partner, partner),
                           years=years, source=f"Annex, row {tid}")


def program(*tasks: SimpleNamespace, geography: Geography | None = None) -> Any:
    by_id = {t.id: t for t in tasks}
    return SimpleNamespace(tasks=tasks, task=by_id.__getitem__, geography=geography or Geography())


def district(found: list[Finding]) -> list[Finding]:
    return [f for f in found if f.code == "district-level"]


LATE = tuple(range(2026, 2031))
PERIOD_2021 = tuple(range(2021, 2026))


@pytest.mark.parametrize("field", ["vi", "en", "lead", "partner"])
def test_a_row_after_2025_naming_districts_is_a_warning(field):
    wording = {"vi": "Bình chọn sản phẩm CNNT TB cấp huyện", "en": "District product award rounds",
               "lead": "UBND huyện", "partner": "UBND các huyện, TP"}[field]
    (found,) = district(geography_findings(program(row("III.5", LATE, **{field: wording}), row("I.1", LATE))))
    assert found == Finding(
        "warning", "district-level",
        "1 task rows name the district level, abolished on 1 July 2025: III.5; organise them per region, "
        "commune, ward or special zone, or for the province (level, areas)",
        ("Annex task table", "Annex, row III.5"))


def test_rows_ending_in_2025_are_one_note_and_rows_ending_before_nothing():
    p = program(row("III.5", PERIOD_2021, partner="UBND các huyện, TP"),
                row("III.4", (2021, 2023), vi="Bình chọn cấp huyện"),  # over before the reform
                row("VIII.1", PERIOD_2021, partner="UBND huyện, TP"),
                row("I.1", PERIOD_2021))
    (found,) = district(geography_findings(p))
    assert found.severity == "info"
    assert found.message == ("2 task rows name the district level, abolished on 1 July 2025: III.5, VIII.1; to plan "
                             "them after 2025, carry them over per region, commune, ward or special zone")
    assert found.sources == ("Annex task table", "Annex, row III.5", "Annex, row VIII.1")


def test_a_row_spanning_the_reform_is_a_warning():
    (found,) = district(geography_findings(program(row("II.1", (2024, 2025, 2026), partner="UBND các huyện"))))
    assert found.severity == "warning" and ": II.1;" in found.message


def test_many_rows_give_one_finding_per_severity_citing_at_most_three_rows():
    late = [row(f"L.{i}", LATE, partner="UBND các huyện, TP") for i in range(1, 7)]
    early = [row(f"E.{i}", PERIOD_2021, partner="UBND các huyện, TP") for i in range(1, 5)]
    found = district(geography_findings(program(*late, *early)))
    assert [(f.severity, f.message.split(" ", 1)[0]) for f in found] == [("warning", "6"), ("info", "4")]
    assert found[0].sources == ("Annex task table", "Annex, row L.1", "Annex, row L.2", "Annex, row L.3")
    assert "L.1, L.2, L.3, L.4, L.5, L.6;" in found[0].message


def test_commune_level_wording_is_not_a_district():
    p = program(row("I.1", LATE, partner="UBND các xã, phường, đặc khu"),
                row("III.5", LATE, vi="Bình chọn sản phẩm CNNT tiêu biểu cấp xã", en="Commune product award rounds"),
                row("VIII.6", LATE, vi="Chi thù lao cho cộng tác viên khuyến công", lead="Trung tâm Khuyến công"))
    assert geography_findings(p) == []


def geography(kinds: dict[str, int], regions: int, source: str = "NQ 1654/NQ-UBTVQH15") -> Geography:
    units = tuple(Unit(f"{kind}-{i}", Text(f"{kind} {i}", f"{kind} {i}"), kind, None)
                  for kind, n in kinds.items() for i in range(n))
    return Geography(source, tuple(Region(f"r{i}", Text(f"R{i}", f"R{i}")) for i in range(regions)), units)


def test_a_declared_geography_is_summarised():
    geo = geography({"commune": 85, "ward": 14, "special_zone": 3}, 4)
    found = geography_findings(program(row("I.1", LATE), geography=geo))
    assert found == [Finding("info", "geography",
                             "102 commune-level units (85 communes, 14 wards, 3 special zones); 4 regions",
                             ("NQ 1654/NQ-UBTVQH15",))]
    assert finding_text(found[0]) == "102 đơn vị hành chính cấp xã (85 xã, 14 phường, 3 đặc khu); 4 vùng"


def test_regions_alone_and_no_source():
    (found,) = geography_findings(program(geography=geography({}, 2, source="")))
    assert (found.message, found.sources) == ("0 commune-level units (none listed); 2 regions", ("geography",))
    assert finding_text(found) == "0 đơn vị hành chính cấp xã (chưa liệt kê); 2 vùng"


def test_no_geography_no_summary():
    assert geography_findings(program(row("I.1", LATE))) == []
    # a source alone is not summarised (nothing to count)
    assert geography_findings(program(geography=Geography(source="NQ 1654"))) == []


@pytest.mark.parametrize(("years", "vi"), [
    (LATE, "1 nhiệm vụ còn ghi cấp huyện (đã bỏ từ ngày 01/7/2025): III.5; tổ chức lại theo vùng, theo xã, phường, "
           "đặc khu hoặc cấp tỉnh (ghi rõ cấp tổ chức và địa bàn của nhiệm vụ)"),
    (PERIOD_2021, "1 nhiệm vụ ghi cấp huyện (đã bỏ từ ngày 01/7/2025): III.5; nếu lập kế hoạch sau năm 2025, chuyển "
                  "các nhiệm vụ này sang cấp vùng, xã, phường hoặc đặc khu"),
])
def test_district_findings_read_in_vietnamese(years, vi):
    (found,) = geography_findings(program(row("III.5", years, partner="UBND các huyện, TP")))
    assert finding_text(found) == vi
    assert finding_text(found, lang="en") == found.message

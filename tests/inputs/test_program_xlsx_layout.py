"""The program workbook's layout (``inputs.program_xlsx_layout``): the sheets and their columns as
the decision's annex has them, a money column per funding source, names matched without accents."""

from __future__ import annotations

from kgkc_opt.inputs.program_xlsx_layout import (
    DEFAULT_COST_SOURCES,
    FIXED_COLUMNS,
    NO,
    REQUIRED_SHEETS,
    SHEETS,
    YES,
    annual_columns,
    cost_columns,
    fold,
    task_columns,
)

SOURCES = [("local", "Ngân sách tỉnh", "Provincial budget"), ("national", "Kinh phí quốc gia", "National funds"),
           ("enterprise", "Đối ứng", "Co-funding")]


def test_a_money_column_per_source_after_the_total() -> None:
    keys = [c.key for c in cost_columns(SOURCES)]
    assert keys == ["total", "cost.local", "cost.national", "cost.enterprise"]
    assert all(c.kind == "money" for c in cost_columns(SOURCES))
    assert cost_columns(SOURCES)[2].vi == "Kinh phí quốc gia (triệu đồng)"
    assert [c.key for c in cost_columns(DEFAULT_COST_SOURCES)] == ["total", "cost.state", "cost.other"]


def test_the_task_and_annual_sheets_start_as_the_annex() -> None:
    tasks = [c.key for c in task_columns(SOURCES)]
    assert tasks[:5] == ["id", "name_vi", "unit_vi", "quantity_min", "quantity"]
    assert tasks[5:9] == ["total", "cost.local", "cost.national", "cost.enterprise"]
    assert len(tasks) == len(set(tasks))
    assert [c.key for c in annual_columns(SOURCES)] == ["year", "total", "cost.local", "cost.national",
                                                        "cost.enterprise", "source"]
    assert {c.key for c in task_columns(SOURCES) if c.required} == {"id", "name_vi"}


def test_sheets_and_yes_no_are_matched_without_accents() -> None:
    assert set(REQUIRED_SHEETS) <= set(SHEETS)
    assert fold("  Đối   Ứng ") == "doi ung" and fold("Có") == "co"
    assert fold("Có") in YES and fold("Không") in NO and not set(YES) & set(NO)
    for columns in FIXED_COLUMNS.values():
        keys = [c.key for c in columns]
        assert len(keys) == len(set(keys))

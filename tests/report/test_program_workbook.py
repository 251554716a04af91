"""The program workbook and its template (``report.program_workbook``): sheets, instructions first,
data validation where Excel offers it, the same bytes for the same program."""

from __future__ import annotations

import io

import openpyxl

from kgkc_opt.inputs.files import load_program
from kgkc_opt.inputs.program_dict import program_to_dict
from kgkc_opt.inputs.program_xlsx_layout import FIRST_ROW, HEAD_ROW, KEY_ROW, SHEETS
from kgkc_opt.report.program_workbook import workbook_bytes


def book(raw: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(raw))


def keys(ws) -> dict[str, str]:
    return {ws.cell(row=KEY_ROW, column=j).value: ws.cell(row=KEY_ROW, column=j).column_letter
            for j in range(1, ws.max_column + 1) if ws.cell(row=KEY_ROW, column=j).value}


def test_the_template_has_the_instructions_first_then_every_sheet() -> None:
    wb = book(workbook_bytes(None))
    assert wb.sheetnames == list(SHEETS.values())
    first = wb.worksheets[0]
    text = "\n".join(str(c.value) for row in first.iter_rows() for c in row if c.value)
    assert "kgkc-opt program import" in text and "triệu đồng" in text and "million VND" in text
    tasks = wb[SHEETS["tasks"]]
    assert {"id", "name_vi", "unit_vi", "quantity_min", "quantity", "total", "cost.national", "cost.local",
            "cost.establishments", "years", "group", "support_rule"} <= set(keys(tasks))
    head = str(tasks.cell(row=HEAD_ROW, column=1).value)
    assert "TT" in head and "No." in head  # Vietnamese with English under it
    annual = wb[SHEETS["annual"]]
    assert [annual.cell(row=FIRST_ROW + i, column=1).value for i in range(5)] == [2026, 2027, 2028, 2029, 2030]


def test_the_template_validates_what_excel_can() -> None:
    wb = book(workbook_bytes(None))

    def rules(role: str) -> dict[str, tuple[str, str | None]]:
        ws = wb[SHEETS[role]]
        letters = {v: k for k, v in keys(ws).items()}
        out = {}
        for dv in ws.data_validations.dataValidation:
            for rng in str(dv.sqref).split():
                out[letters.get(rng.rstrip("0123456789:").split(":")[0].rstrip("0123456789"), rng)] = (
                    dv.type, dv.formula1)
        return out

    tasks = rules("tasks")
    assert tasks["total"] == ("decimal", "0") and tasks["cost.local"] == ("decimal", "0")
    assert tasks["quantity"] == ("whole", "1") and tasks["quantity_min"] == ("whole", "1")
    assert tasks["level"][0] == "list" and "special_zone" in tasks["level"][1]
    assert tasks["support_rule"][0] == "list" and SHEETS["rules"] in tasks["support_rule"][1]
    assert rules("sources")["kind"] == ("list", '"local,state,enterprise"')
    assert rules("rules")["max_state_share"][0] == "decimal" and rules("rules")["valid_from"][0] == "date"
    assert rules("targets")["unit_matches"] == ("list", '"có,không"')
    assert rules("cadences")["cadence"] == ("list", '"even,recurring,events,lumpy"')
    program = wb[SHEETS["program"]]
    years = [dv for dv in program.data_validations.dataValidation if dv.type == "whole"]
    assert {(dv.formula1, dv.formula2) for dv in years} == {("1900", "2200")} and len(years) == 2


def test_the_same_program_gives_the_same_bytes() -> None:
    doc = program_to_dict(load_program())
    assert workbook_bytes(doc) == workbook_bytes(doc)
    assert workbook_bytes(None) == workbook_bytes(None)


def test_the_annex_shows_group_rows_and_exact_figures() -> None:
    wb = book(workbook_bytes(program_to_dict(load_program())))
    ws = wb[SHEETS["tasks"]]
    k = keys(ws)
    ids = [ws[f"{k['id']}{r}"].value for r in range(FIRST_ROW, ws.max_row + 1)]
    assert ids[:2] == ["I", "I.1"] and ws[f"{k['id']}{FIRST_ROW}"].font.bold
    # amounts with decimals keep them (Decision 2454 has 4192.2 and 17.88-style figures)
    decimals = [ws[f"{k['total']}{r}"] for r in range(FIRST_ROW, ws.max_row + 1)
                if isinstance(ws[f"{k['total']}{r}"].value, float)]
    assert all(c.number_format.startswith("#,##0.") for c in decimals)

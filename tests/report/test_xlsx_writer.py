"""The XlsxWriter sheet writer: formulas stored with their values, texts always as texts."""

from __future__ import annotations

import io
import zipfile

from openpyxl import load_workbook

from kgkc_opt.report.xlsx_writer import Writer, money_format


def _written():
    writer = Writer()
    sheet = writer.sheet("Thử")
    sheet.cell(1, 1, "=HYPERLINK(\"http://example.invalid\",\"x\")")  # a hostile title: text, never a formula
    sheet.cell(2, 1, 12.5, number_format=money_format(12.5))
    sheet.cell(3, 1, 7)
    sheet.formula(4, 1, "A2+A3", 19.5)
    sheet.merge(5, 1, 5, 3, "+1")
    return writer.close({"title": "t"})


def test_a_formula_is_stored_with_its_value():
    written = _written()
    book = load_workbook(io.BytesIO(written.to_bytes()))
    values = load_workbook(io.BytesIO(written.to_bytes()), data_only=True)
    assert book["Thử"]["A4"].value == "=A2+A3"
    assert values["Thử"]["A4"].value == 19.5
    assert written.values == {("Thử", "A4"): 19.5}


def test_texts_are_never_formulas():
    data = _written().to_bytes()
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert sheet.count("<f>") == 1  # only the formula written on purpose
    values = load_workbook(io.BytesIO(data), data_only=True)["Thử"]
    assert values["A1"].value.startswith("=HYPERLINK") and values["A5"].value == "+1"


def test_same_cells_same_bytes():
    assert _written().to_bytes() == _written().to_bytes()

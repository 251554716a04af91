"""The proposals file (đề án of one year, the annual plan's input): read from CSV (',' with plain
numbers, or ';' as a Vietnamese Excel export with decimal commas) or xlsx, columns by name in any
order (Vietnamese names too), every row checked, every problem reported at once with its line and
column; the illustrative example file; a generated table round-trips exactly."""

from __future__ import annotations

import csv
import dataclasses
import io
import unicodedata
import zipfile
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kgkc_opt as kg
from kgkc_opt.errors import ProposalsError
from kgkc_opt.inputs import files as loaders
from kgkc_opt.inputs.proposals import (
    COLUMNS,
    MAX_PROPOSAL_COST,
    REQUIRED,
    Proposal,
    Proposals,
    column_name,
    proposals_from_csv_text,
    proposals_from_rows,
)
from kgkc_opt.inputs.reader import ambiguous_hint
from tests.support.paths import SCENARIOS

EXAMPLE = SCENARIOS / "proposals-2024.csv"
HEADER = "proposal_id,title,applicant,commune,task_id,units,total_cost,requested,cofunding"
ROW = "KG-01,Ứng dụng máy sấy lúa,Cơ sở xay xát Phước Lộc,Xã Thạnh Đông A,II.2,1,820,300,520"


def read(text: str, program: kg.Program) -> Proposals:
    return proposals_from_csv_text(text, program, source="p.csv")


def problems(text: str, program: kg.Program) -> list[tuple[str, str]]:
    with pytest.raises(ProposalsError) as info:
        read(text, program)
    assert info.value.exit_code == 2
    assert all(p.source == "p.csv" for p in info.value.problems)
    return [(p.where, p.message) for p in info.value.problems]


# ---- the illustrative example ---------------------------------------------------------------


def test_the_example_file(program):
    proposals = kg.load_proposals(EXAMPLE, program)
    assert proposals.source == str(EXAMPLE) and len(proposals) == 60
    first = proposals.items[0]
    assert first == Proposal(
        id="KG-2024-001", title="Mô hình trình diễn kỹ thuật lên men nước mắm cá cơm có kiểm soát nhiệt độ",
        applicant="Công ty TNHH Nước mắm Hưng Thịnh", commune="Phường Dương Đông", task_id="II.1", units=1,
        total_cost=Fraction(2850), requested=Fraction(855), cofunding=Fraction(1995), region="Phú Quốc",
        score=Fraction(88), priority_group="Nhóm 1", first_time=False, documents_complete=True, accepts_trim=True,
        started=False, withdrawn=False, line=2)
    by_id = proposals.by_id()
    assert by_id["KG-2024-014"].requested == Fraction(561, 2) and by_id["KG-2024-014"].cofunding == Fraction(879, 2)
    assert by_id["KG-2024-011"].score == Fraction(155, 2)
    assert [p.line for p in proposals.items] == list(range(2, 62))
    # every row is exact and consistent; the requests are about twice the year's local budget
    assert all(p.total_cost == p.requested + p.cofunding for p in proposals.items)
    requested = sum((p.requested for p in proposals.items), Fraction(0))
    assert requested == Fraction(23391, 2)
    assert 1.5 <= requested / program.annual_budget[2024].state <= 2.5
    # several proposals for each task the plan runs in 2024, some above their legal cap
    tasks = {t.id: t for t in program.tasks}
    counts = {tid: sum(p.task_id == tid for p in proposals.items) for tid in {p.task_id for p in proposals.items}}
    assert set(counts) == {"II.1", "II.2", "II.4", "III.3", "III.6", "IV.1", "VI.1"}
    assert min(counts.values()) >= 3

    def cap(p: Proposal) -> Fraction:
        rule = program.support_rules[tasks[p.task_id].support_rule]
        share = rule.max_state_share * p.total_cost
        return share if rule.max_state_per_unit is None else min(share, rule.max_state_per_unit * p.units)

    above = [p.id for p in proposals.items if p.requested > cap(p)]
    assert 3 <= len(above) <= 15
    assert [p.id for p in proposals.items if not p.accepts_trim] == ["KG-2024-008", "KG-2024-035"]
    assert sum(not p.documents_complete for p in proposals.items) == 4
    assert {p.priority_group for p in proposals.items} == {"Nhóm 1", "Nhóm 2", "Nhóm 3"}
    assert all(50 <= p.score <= 95 for p in proposals.items)
    assert {"Phú Quốc", "Kiên Hải"} <= {p.region for p in proposals.items}
    assert not any(p.started or p.withdrawn for p in proposals.items)


# ---- xlsx -----------------------------------------------------------------------------------


def xlsx_twin(path: Path, rows: list[list], *, sheets: tuple[str, ...] = ("Sheet",), target: int = 0,
              before: int = 0) -> Path:
    book = openpyxl.Workbook()
    book.active.title = sheets[0]
    for name in sheets[1:]:
        book.create_sheet(name)
    sheet = book.worksheets[target]
    for i, row in enumerate(rows, start=1 + before):
        for j, value in enumerate(row, start=1):
            sheet.cell(row=i, column=j, value=value)
    sheet.cell(row=len(rows) + before + 5, column=2, value="  ")  # an empty-looking row at the end
    book.save(path)
    return path


def typed(cell: str):
    """A CSV cell as Excel would type it: numbers as int or float."""
    try:
        return int(cell)
    except ValueError:
        pass
    try:
        return float(cell)
    except ValueError:
        return cell


def test_the_xlsx_twin_of_the_example_reads_the_same(program, tmp_path):
    with EXAMPLE.open(encoding="utf-8", newline="") as f:
        rows = [[typed(cell) for cell in row] for row in csv.reader(f)]
    assert isinstance(rows[14][8], float) and rows[14][8] == 280.5
    path = xlsx_twin(tmp_path / "de-an.xlsx", rows, sheets=("Hướng dẫn", "Đề án"), target=1, before=2)
    from_xlsx = kg.load_proposals(path, program)
    from_csv = kg.load_proposals(EXAMPLE, program)
    assert from_xlsx.source == f"{path} (sheet 'Đề án')"
    assert [p.line for p in from_xlsx.items] == list(range(4, 64))
    assert [dataclasses.replace(p, line=0) for p in from_xlsx.items] == \
        [dataclasses.replace(p, line=0) for p in from_csv.items]


def test_xlsx_numbers_are_exact_decimals(program, tmp_path):
    rows = [[*HEADER.split(","), "score"],
            ["KG-01", "Máy sấy", "Cơ sở A", "Xã Bình An", "II.2", 1, 12.5, 0.1, 12.4, 72.25],
            ["KG-02", "Máy sấy", "Cơ sở B", "Xã Bình An", "II.2", 2, 4.658, 4.658, 0, 0.3],
            ["KG-03", "Máy sấy", "Cơ sở C", "Xã Bình An", "II.2", 1.0, 1e-06 + 3, 3, 1e-06, 1]]
    proposals = kg.load_proposals(xlsx_twin(tmp_path / "p.xlsx", rows), program)
    a, b, c = proposals.items
    assert (a.total_cost, a.requested, a.cofunding, a.score) == (Fraction(25, 2), Fraction(1, 10),
                                                                  Fraction(62, 5), Fraction(289, 4))
    assert (b.units, b.total_cost, b.requested, b.score) == (2, Fraction(4658, 1000), Fraction(4658, 1000),
                                                              Fraction(3, 10))
    assert (c.units, c.total_cost, c.cofunding) == (1, Fraction(3000001, 10**6), Fraction(1, 10**6))
    assert proposals.source == str(tmp_path / "p.xlsx") and [p.line for p in proposals.items] == [2, 3, 4]


def with_sheet_text(path: Path, old: bytes, new: bytes) -> Path:
    """The workbook with ``old`` replaced by ``new`` in its sheet's XML (as Excel would write it)."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    assert old in parts[sheet]
    parts[sheet] = parts[sheet].replace(old, new)
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return path


def test_xlsx_problems_name_the_row_and_float_noise_is_refused(program, tmp_path):
    rows = [HEADER.split(","),
            ["KG-01", "Máy sấy", "Cơ sở A", "Xã Bình An", "II.2", 1, 0.3, 0.1, 0.2],
            ["KG-02", "Máy sấy", None, "Xã Bình An", "II.2", 1, 600, 300, 300]]
    # Excel writes a computed 0.1 + 0.2 with 17 digits (openpyxl would round it)
    path = with_sheet_text(xlsx_twin(tmp_path / "p.xlsx", rows), b"<v>0.3</v>", b"<v>0.30000000000000004</v>")
    with pytest.raises(ProposalsError) as info:
        kg.load_proposals(path, program)
    assert [(p.where, p.message) for p in info.value.problems] == [
        ("row 2, total_cost", "'0.30000000000000004' has more than 12 significant digits; expected an amount in "
                              "million VND with at most 6 decimals (one đồng)"),
        ("row 3, applicant", "is empty; a proposal needs a value here")]


def test_xlsx_formula_saved_without_its_value_is_refused_with_its_value_read(program, tmp_path):
    rows = [HEADER.split(","), ["KG-01", "Máy sấy", "Cơ sở A", "Xã Bình An", "II.2", 1, "=H2+I2", 300, 520]]
    path = xlsx_twin(tmp_path / "p.xlsx", rows)  # (openpyxl saves a formula without its value)
    with pytest.raises(ProposalsError) as info:
        kg.load_proposals(path, program)
    assert [(p.where, p.message) for p in info.value.problems] == [
        ("row 2, column G", "holds a formula (=H2+I2) saved without its value (by a program that does not compute "
                            "formulas): open the workbook in Excel or LibreOffice and save it again, or write the "
                            "value")]
    # as Excel saves it, with the value: read
    computed = with_sheet_text(path, b"<f>H2+I2</f><v></v>", b"<f>H2+I2</f><v>820</v>")
    (proposal,) = kg.load_proposals(computed, program).items
    assert proposal.total_cost == 820


def test_xlsx_hidden_sheets_and_merged_cells(program, tmp_path):
    rows = [HEADER.split(","), ROW.split(","), ROW.replace("KG-01", "KG-02").split(",")]
    path = xlsx_twin(tmp_path / "p.xlsx", rows, sheets=("Cũ", "Mới"), target=1)
    book = openpyxl.load_workbook(path)
    for row in rows:
        book["Cũ"].append(row)
    book["Cũ"].sheet_state = "hidden"
    book.save(path)
    assert len(kg.load_proposals(path, program)) == 2  # the visible sheet
    assert kg.load_proposals(path, program, sheet="cũ").source.endswith("(sheet 'Cũ')")
    book["Mới"].merge_cells("D2:D3")
    book.save(path)
    with pytest.raises(ProposalsError, match=r"sheet 'Mới': has merged cells in the table: D2:D3; a merged range"):
        kg.load_proposals(path, program)


def test_xlsx_sheet_named_proposals_is_chosen_else_the_first(program, tmp_path):
    rows = [HEADER.split(","), ROW.split(",")]
    first = kg.load_proposals(xlsx_twin(tmp_path / "a.xlsx", rows, sheets=("Năm 2024", "Ghi chú")), program)
    assert len(first) == 1 and first.source.endswith("(sheet 'Năm 2024')")
    named = kg.load_proposals(xlsx_twin(tmp_path / "b.xlsx", rows, sheets=("Ghi chú", "PROPOSALS"), target=1),
                              program)
    assert len(named) == 1 and named.source.endswith("(sheet 'PROPOSALS')")


@pytest.mark.parametrize(("name", "content", "fragment"), [
    ("damaged.xlsx", b"PK\x03\x04 not really a zip", "is not a readable .xlsx workbook"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "is an Excel 97–2003 workbook (.xls)"),
    ("empty.xlsx", None, "is empty; expected a header row"),
])
def test_xlsx_that_cannot_be_read(program, tmp_path, name, content, fragment):
    path = tmp_path / name
    if content is None:
        openpyxl.Workbook().save(path)
    else:
        path.write_bytes(content)
    with pytest.raises(ProposalsError) as info:
        kg.load_proposals(path, program)
    assert fragment in str(info.value) and str(path) in str(info.value)


def test_xlsx_that_unpacks_too_large_is_refused(program, tmp_path, monkeypatch):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/big.xml", b"<a>" + b" " * 2_000_000 + b"</a>")
    monkeypatch.setattr(loaders, "MAX_XLSX_UNPACKED", 1_000_000)
    with pytest.raises(ProposalsError, match="unpacks to 2,000,007 bytes; a proposals workbook is limited to"):
        kg.load_proposals(path, program)


def test_xlsx_with_too_many_rows_is_refused(program, tmp_path, monkeypatch):
    rows = [HEADER.split(","), *(ROW.replace("KG-01", f"KG-{i:02d}").split(",") for i in range(5))]
    monkeypatch.setattr(loaders, "MAX_XLSX_ROWS", 4)
    with pytest.raises(ProposalsError, match="sheet 'Sheet': has more than 4 rows; a proposals sheet is limited to 4"):
        kg.load_proposals(xlsx_twin(tmp_path / "p.xlsx", rows), program)


@pytest.mark.parametrize(("make", "fragment"), [
    (lambda p: None, "no such file"),
    (lambda p: p.mkdir(), "is a folder, expected a file"),
    (lambda p: p.write_bytes(b"proposal_id\x00"), "is a binary file, expected UTF-8 text"),
    (lambda p: p.write_bytes("proposal_id".encode("utf-16")), "is UTF-16 text"),
])
def test_files_that_cannot_be_read(program, tmp_path, make, fragment):
    path = tmp_path / "p.csv"
    make(path)
    with pytest.raises(ProposalsError) as info:
        kg.load_proposals(path, program)
    assert fragment in str(info.value) and str(path) in str(info.value)


# ---- CSV files: encodings, separators, Vietnamese exports ----------------------------------


def test_utf8_with_a_byte_order_mark_and_crlf(program, tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes(f"\ufeff{HEADER}\r\n{ROW}\r\n\r\n".encode())
    (p,) = kg.load_proposals(path, program).items
    assert (p.id, p.requested, p.line) == ("KG-01", 300, 2)


def test_a_windows_1258_file_is_refused_with_how_to_save_it(program):
    path = Path(__file__).resolve().parents[1] / "bad_inputs" / "proposals" / "windows-1258.csv"
    with pytest.raises(ProposalsError) as info:
        kg.load_proposals(path, program)
    (problem,) = info.value.problems
    assert problem.where == "line 2" and "Windows-1258" in problem.message and "CSV UTF-8" in problem.message


def test_semicolon_vietnamese_export(program, tmp_path):
    header = ["Mã đề án", "Tên đề án", "Đơn vị thực hiện", "Xã/Phường/Đặc khu", "Huyện", "Mã nhiệm vụ", "Số lượng",
              "Tổng kinh phí (triệu đồng)", "Kinh phí khuyến công đề nghị", "Vốn đối ứng", "Điểm", "Nhóm ưu tiên",
              "Lần đầu", "Hồ sơ đầy đủ", "Chấp nhận điều chỉnh"]
    text = ";".join(header) + "\r\n" + "\r\n".join([
        "KG-01;Máy sấy lúa, máy xay;Cơ sở Phước Lộc;Xã Thạnh Đông A;Tân Hiệp;II.2;1;1.234,5;300;934,5;72,5;"
        "Nhóm 1;x;có;không",
        "KG-02;Mô hình trình diễn;HTX Tân Hội;Xã Tân Hội;Tân Hiệp;II.1;1;2.850;855;1.995;88;Nhóm 2;;Không;Có",
        "KG-03;Thiết kế bao bì;Cơ sở Út Hiền;Xã An Minh Bắc;U Minh Thượng;IV.1;1;48,000001;24;24,000001;60;"
        "Nhóm 3;;;",
    ]) + "\r\n"
    path = tmp_path / "xuat-excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + unicodedata.normalize("NFD", text).encode())
    a, b, c = kg.load_proposals(path, program).items
    assert (a.title, a.total_cost, a.requested, a.cofunding, a.score) == (
        "Máy sấy lúa, máy xay", Fraction(2469, 2), 300, Fraction(1869, 2), Fraction(145, 2))
    assert (a.first_time, a.documents_complete, a.accepts_trim) == (True, True, False)
    assert (b.total_cost, b.cofunding, b.first_time, b.documents_complete) == (2850, 1995, False, False)
    assert c.total_cost == Fraction(48000001, 10**6) and c.documents_complete and c.accepts_trim
    assert a.region == "Tân Hiệp" and a.commune == unicodedata.normalize("NFC", "Xã Thạnh Đông A")
    # 'sep=;' as a first line names the separator
    (tmp_path / "sep.csv").write_text("sep=;\n" + text, encoding="utf-8")
    named = kg.load_proposals(tmp_path / "sep.csv", program)
    assert [p.id for p in named.items] == ["KG-01", "KG-02", "KG-03"] and [p.line for p in named.items] == [3, 4, 5]


def test_semicolon_file_with_decimal_points_says_to_use_commas(program):
    text = HEADER.replace(",", ";") + "\n" + ROW.replace(",", ";").replace(";820;300;520", ";820.5;300;520.5")
    assert problems(text, program) == [
        ("line 2, total_cost", "'820.5': in a ';'-separated file (as Excel saves CSV in a Vietnamese locale) ',' is "
                               "the decimal separator and '.' separates thousands; write 820,5"),
        ("line 2, cofunding", "'520.5': in a ';'-separated file (as Excel saves CSV in a Vietnamese locale) ',' is "
                              "the decimal separator and '.' separates thousands; write 520,5")]


# ---- the header ----------------------------------------------------------------------------


def test_every_column_name_and_alias_is_recognised():
    for name, aliases in COLUMNS.items():
        for written in (name, name.upper(), name.replace("_", " "), *aliases, *(a.upper() for a in aliases),
                        *(unicodedata.normalize("NFD", a) for a in aliases)):
            assert column_name(written) == name, written
    assert column_name("  Tổng Kinh Phí (3 = 1 + 2) ") == "total_cost"
    assert column_name("Vốn đối ứng (triệu đồng)") == "cofunding"
    assert column_name("Ghi chú") is None


def test_columns_in_any_order_with_optional_ones(program):
    header = "cofunding,requested,total_cost,units,task_id,commune,applicant,title,proposal_id,region,withdrawn"
    row = "520,300,820,1,ii.2,Xã  Bình   An,Cơ sở A , Máy sấy ,KG-01,Kiên Lương,đã rút"
    with pytest.raises(ProposalsError, match="line 2, withdrawn: expected yes or no"):
        read(f"{header}\n{row}\n", program)
    (p,) = read(f"{header}\n{row.replace('đã rút', 'Có')}\n", program).items
    assert (p.task_id, p.commune, p.applicant, p.title, p.withdrawn) == ("II.2", "Xã Bình An", "Cơ sở A", "Máy sấy",
                                                                         True)
    assert (p.score, p.priority_group, p.first_time, p.documents_complete, p.accepts_trim, p.started) == (
        0, "", False, True, True, False)


def test_x_marks_and_empty_cells(program):
    """An empty cell is the column's default, or no in a column marked with 'x'."""
    header = HEADER + ",first_time,documents_complete,accepts_trim"
    rows = [ROW.replace("KG-01", f"KG-0{i}") + cells for i, cells in enumerate([",x,x,", ",,,", ",,,0"], start=1)]
    a, b, c = read("\n".join([header, *rows]), program).items
    assert (a.first_time, a.documents_complete, a.accepts_trim) == (True, True, True)
    assert (b.first_time, b.documents_complete, b.accepts_trim) == (False, False, True)
    assert (c.first_time, c.documents_complete, c.accepts_trim) == (False, False, False)


@pytest.mark.parametrize(("text", "where", "fragment"), [
    ("", "line 1", "is empty; expected a header row naming the columns: proposal_id, title"),
    (HEADER + "\n", "", "has no proposals: the header (line 1) is followed by no rows"),
    (ROW + "\n" + ROW + "\n", "line 1", "expected a header row naming the columns, got 'KG-01,Ứng dụng"),
    (HEADER + ",ma_so_thue\n" + ROW + ",\n", "line 1",
     "unknown column 'ma_so_thue'; the columns are proposal_id, title, applicant, commune, task_id, units, "
     "total_cost, requested, cofunding (required) and region, score"),
    (HEADER + ",reqested\n" + ROW + ",1\n", "line 1", "unknown column 'reqested'; did you mean requested?"),
    (HEADER.replace(",cofunding", "") + "\n" + ROW.rsplit(",", 1)[0] + "\n", "line 1",
     "the required column cofunding (or 'đối ứng', 'vốn đối ứng') is missing"),
    (HEADER + ",Mã đề án\n" + ROW + ",KG-01\n", "line 1",
     "the columns 'proposal_id' (column 1) and 'Mã đề án' (column 10) both give proposal_id; keep one"),
    (HEADER + ",\n" + ROW + ",5\n", "line 1", "column 10 has no name but holds values"),
    (HEADER.replace("total_cost", "Tổng kinh phí (VNĐ)") + "\n" + ROW + "\n", "line 1",
     "the column 'Tổng kinh phí (VNĐ)' is in đồng; amounts are in million VND (triệu đồng)"),
    (HEADER + "\n" + '"KG-01,Máy\n' + ROW + "\n", "line 2",
     "expected 9 values (one per column of the header), got 1; a quote (\") opened on this line is never closed"),
])
def test_header_and_file_problems(program, text, where, fragment):
    found = problems(text, program)
    assert any(w == where and fragment in m for w, m in found), found


# ---- every check of a row ------------------------------------------------------------------


def with_cell(column: str, value: str, header: str = HEADER, row: str = ROW) -> str:
    names, cells = header.split(","), row.split(",")
    if column not in names:
        names.append(column)
        cells.append(value)
    else:
        cells[names.index(column)] = value
    return ",".join(names) + "\n" + ",".join(cells) + "\n"


@pytest.mark.parametrize(("column", "value", "fragment"), [
    ("title", "  ", "is empty; a proposal needs a value here"),
    ("commune", "", "is empty; a proposal needs a value here"),
    ("proposal_id", "KG\u200b01", "'KG<U+200B>01' holds invisible characters (U+200B)"),
    ("task_id", "II.9", "'II.9' is not a task of the program kien-giang-2021-2025; did you mean II."),
    ("task_id", "II.9", "its tasks are I.1, II.1, II.2, II.3, II.4, III.1"),
    ("units", "0", "expected a whole number of units from 1 to 1,000,000, got '0'"),
    ("units", "1.5", "expected a whole number of units from 1 to 1,000,000, got '1.5'"),
    ("units", "2000000", "expected a whole number of units from 1 to 1,000,000, got '2000000'"),
    ("units", "một", "expected a number, got 'một'"),
    ("total_cost", "-820", "expected an amount of at least 0 million VND, got '-820'"),
    ("total_cost", "820.0000001", "'820.0000001' has more than 6 decimals; expected an amount in million VND with at "
                                  "most 6 decimals (one đồng)"),
    ("total_cost", "820000000", "820000000 million VND is more than 1,000,000 million VND for one proposal, likely "
                                "đồng typed for million VND: amounts are in million VND (triệu đồng): if 820,000,000 "
                                "is in đồng, write 820"),
    ("total_cost", "1e12", "1e12 is beyond 1,000,000,000 million VND; amounts are in million VND"),
    ("total_cost", "1e400", "'1e400' is beyond 10^18"),
    ("total_cost", '"1.234,5"', "'1.234,5' looks like Vietnamese notation; in a ','-separated file write plain "
                                "numbers with '.' as the decimal point and no thousands separator: write 1234.5"),
    ("total_cost", "4.658", "4.658 is ambiguous: written the Vietnamese way ('.' between thousands) it is 4658"),
    ("total_cost", "nan", "expected a finite number, got 'nan'"),
    ("total_cost", "830", "the total cost 830 is not the requested support 300 plus the co-funding 520 (= 820 million "
                          "VND); total_cost must equal requested + cofunding"),
    ("requested", "0", "a proposal requests support: expected more than 0 million VND, got '0'"),
    ("cofunding", "", "is empty; a proposal needs a value here"),
    ("score", "-1", "expected a score of at least 0, got '-1'"),
    ("score", "inf", "expected a finite number, got 'inf'"),
    ("score", "cao", "expected a number, got 'cao'"),
    ("first_time", "có lẽ", "expected yes or no (có/không, x or empty, true/false, 1/0), got 'có lẽ'"),
])
def test_each_check_names_the_line_and_the_column(program, column, value, fragment):
    found = problems(with_cell(column, value), program)
    assert any(w == f"line 2, {column}" and fragment in m for w, m in found), found


def test_started_and_withdrawn_together(program):
    text = HEADER + ",đã triển khai,đã rút\n" + ROW + ",yes,yes\n"
    assert problems(text, program) == [
        ("line 2, đã rút [withdrawn]", "a proposal cannot be both started and withdrawn; keep one of them")]


def test_a_duplicate_id_names_both_lines(program):
    text = "\n".join([HEADER, ROW, ROW.replace("KG-01", "KG-02"), ROW.replace("KG-01", "kg-01")])
    assert problems(text, program) == [("line 4, proposal_id", "'kg-01' is listed twice: first on line 2 as 'KG-01'")]


def test_a_row_of_the_wrong_shape(program):
    text = "\n".join([HEADER, ROW + ",5", ROW.rsplit(",", 1)[0].replace("KG-01", "KG-02"),
                      ROW.replace("KG-01", "KG-03") + ",,"])
    assert problems(text, program) == [
        ("line 2", "expected 9 values (one per column of the header), got 10; in a ','-separated file a value "
                   "holding ',' (a decimal comma, a title) must be quoted"),
        ("line 3", "expected 9 values (one per column of the header), got 8")]


def test_every_problem_is_reported_at_once(program):
    text = "\n".join([
        HEADER + ",score,started,withdrawn",
        ROW + ",76,no,no",
        "KG-01,Thiết kế bao bì,Cơ sở B,,IV.1,1,48,24,24,69,no,no",
        "KG-03,Máy tách màu,Cơ sở C,Xã Sóc Sơn,II.9,0,1350,480,800,-5,no,no",
        "KG-04,Máy ép bún,Cơ sở D,Xã Phong Đông,II.2,2.5,210,0,210,nan,có,có",
        "KG-05,Xử lý nước thải,Cơ sở E,Xã Giồng Riềng,VI.1,1,650,195,455,inf,maybe,no",
        ROW.replace("KG-01", "KG-06") + ",80,không,không",
    ])
    with pytest.raises(ProposalsError) as info:
        read(text, program)
    wheres = [p.where for p in info.value.problems]
    assert wheres == [
        "line 3, commune", "line 3, proposal_id", "line 4, task_id", "line 4, units", "line 4, total_cost",
        "line 4, score", "line 5, units", "line 5, requested", "line 5, score", "line 5, withdrawn",
        "line 6, score", "line 6, started"]
    assert str(info.value).startswith("12 problems found:\np.csv: line 3, commune: is empty")


def test_pure_rows_reader_takes_any_line_numbers(program):
    proposals = proposals_from_rows(HEADER.split(","), [(7, ROW.split(",")), (9, [" "] * 9)], program,
                                    source="table", header_line=5)
    assert [p.line for p in proposals.items] == [7] and proposals.source == "table"
    assert MAX_PROPOSAL_COST == 10**6 and tuple(HEADER.split(",")) == REQUIRED


# ---- any valid table round-trips -----------------------------------------------------------

FLAG_COLUMNS = {"first_time": False, "documents_complete": True, "accepts_trim": True, "started": False,
                "withdrawn": False}
SPELLINGS = [("yes", "no"), ("có", "không"), ("TRUE", "False"), ("1", "0"), ("Có", "KHÔNG"), ("x", "")]
_text_alphabet = st.characters(codec="utf-8", categories=("L", "M", "N", "P", "S", "Zs")) | st.sampled_from(
    ["\n", ",", ";", '"', " "])


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def texts(*, grouping: bool = False, required: bool = True) -> st.SearchStrategy[str]:
    made = st.text(_text_alphabet, max_size=30).map(_clean)
    if grouping:
        made = made.map(lambda s: " ".join(s.split()))
    return made.filter(bool) if required else made


def amounts(low: int, high: int) -> st.SearchStrategy[Fraction]:
    """Whole đồng: at most 6 decimals."""
    return st.integers(low, high).map(lambda n: Fraction(n, 10**6))


@st.composite
def proposal_tables(draw, program: kg.Program) -> list[Proposal]:
    count = draw(st.integers(1, 6))
    out = []
    for i in range(count):
        requested = draw(amounts(1, 5 * 10**11))
        cofunding = draw(amounts(0, 5 * 10**11))
        started, withdrawn = draw(st.sampled_from([(False, False), (True, False), (False, True)]))
        out.append(Proposal(
            id=f"{i}-{draw(texts(grouping=True, required=False))}".strip(), title=draw(texts()),
            applicant=draw(texts()), commune=draw(texts(grouping=True)),
            task_id=draw(st.sampled_from([t.id for t in program.tasks])), units=draw(st.integers(1, 10**6)),
            total_cost=requested + cofunding, requested=requested, cofunding=cofunding,
            region=draw(texts(grouping=True, required=False)), score=draw(st.integers(0, 10**8)) / Fraction(10**4),
            priority_group=draw(texts(grouping=True, required=False)), first_time=draw(st.booleans()),
            documents_complete=draw(st.booleans()), accepts_trim=draw(st.booleans()), started=started,
            withdrawn=withdrawn))
    return out


def plain(value: Fraction | int) -> str:
    """A number as the ','-separated file writes it: '.' decimals, 4.658 written 4.6580."""
    value = Fraction(value)
    whole, rest = divmod(abs(value.numerator), value.denominator)
    decimals = ""
    while rest:
        rest *= 10
        digit, rest = divmod(rest, value.denominator)
        decimals += str(digit)
    text = ("-" if value < 0 else "") + str(whole) + (f".{decimals}" if decimals else "")
    return text + "0" if ambiguous_hint(text) else text


def vietnamese(value: Fraction | int) -> str:
    """A number as a Vietnamese export writes it: '.' between thousands, ',' for decimals."""
    whole, _, decimals = plain(value).partition(".")
    groups = f"{int(whole):,}".replace(",", ".")
    return groups + (f",{decimals}" if decimals else "")


def write_table(items: list[Proposal], *, sep: str, number, spellings: dict[str, tuple[str, str]]) -> str:
    columns = [*REQUIRED, "region", "score", "priority_group", *FLAG_COLUMNS]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\n")
    writer.writerow(columns)
    for p in items:
        row = [p.id, p.title, p.applicant, p.commune, p.task_id, number(p.units), number(p.total_cost),
               number(p.requested), number(p.cofunding), p.region, number(p.score), p.priority_group]
        for name, default in FLAG_COLUMNS.items():
            yes, no = spellings[name]
            value = getattr(p, name)
            marked = yes == "x" and (any(getattr(q, name) for q in items) or not default)
            row.append(yes if value else (no if no or marked else "no"))
        writer.writerow(row)
    return buffer.getvalue()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_valid_table_round_trips(program, data):
    items = data.draw(proposal_tables(program))
    spellings = {name: data.draw(st.sampled_from(SPELLINGS)) for name in FLAG_COLUMNS}
    for sep, number in ((",", plain), (";", vietnamese)):
        text = write_table(items, sep=sep, number=number, spellings=spellings)
        read_back = proposals_from_csv_text(text, program, source="t.csv")
        assert [dataclasses.replace(p, line=0) for p in read_back.items] == items
        lines, line = [], 2
        for p in items:
            lines.append(line)
            line += 1 + sum(getattr(p, f).count("\n") for f in ("id", "title", "applicant", "commune", "region",
                                                                 "priority_group"))
        assert [p.line for p in read_back.items] == lines


def test_row_numbers_and_notes_columns_are_ignored(program):
    """A clerk's sheet has 'STT' and 'Ghi chú' columns: read and ignored, not refused."""
    text = "STT," + HEADER + ",Ghi chú (nếu có)\n1," + ROW + ",đã thẩm định\n"
    got = proposals_from_csv_text(text, program)
    assert len(got) == 1 and got.items[0].title

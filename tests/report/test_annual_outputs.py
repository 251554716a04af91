"""The annual plan's outputs (report.annual, annual_tables, annual_workbook, annual_brief): exact
decimals, the workbook's sheets, the brief's tables and words in both languages, the same bytes
for the same result, the recorded command, and the earlier selection read back."""

from __future__ import annotations

import io
import re
import zipfile
from fractions import Fraction
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

import kgkc_opt as kg
from kgkc_opt.analysis.annual_study import AnnualStudy
from kgkc_opt.errors import InputError
from kgkc_opt.inputs.previous import load_previous, previous_from_text
from kgkc_opt.report import annual_brief, annual_workbook, fmt
from kgkc_opt.report.annual import AnnualOptions, annual_files, parse_command
from kgkc_opt.report.annual_tables import exact, legal_basis, selection_rows, stable_zip
from tests.support.annual_proposals import BUDGET, FUNDED, write_proposals
from tests.support.language import english_words

PROGRAM = kg.load_program()
SCENARIO = kg.baseline(PROGRAM)
#: abbreviations in the applicants' names and titles (the file's words, not ours)
DATA_WORDS = {"TNHH", "MTV", "CNC"}


def english(text: str) -> list[str]:
    return [w for w in english_words(text) if w not in DATA_WORDS]


@pytest.fixture(scope="module")
def proposals(tmp_path_factory) -> kg.Proposals:
    return kg.load_proposals(write_proposals(tmp_path_factory.mktemp("annual") / "proposals.csv"), PROGRAM)


@pytest.fixture(scope="module")
def result(proposals) -> kg.AnnualResult:
    return kg.annual(proposals, 2024, scenario=SCENARIO, rules=kg.Rules(budget=Fraction(BUDGET)))


@pytest.fixture(scope="module")
def again(proposals, result) -> kg.AnnualResult:
    """Mid-year: KG-2024-003 withdrawn, against the first selection."""
    items = tuple(p if p.id != "KG-2024-003" else type(p)(**{**p.__dict__, "withdrawn": True}) for p in proposals.items)
    return kg.annual(kg.Proposals(proposals.source, items), 2024, scenario=SCENARIO,
                     rules=kg.Rules(budget=Fraction(BUDGET)), previous=result)


def test_exact_decimals():
    assert exact(Fraction(2469, 2)) == "1234.5"
    assert exact(Fraction(3)) == "3" and exact(0) == "0" and exact(None) == ""
    assert exact(Fraction(-1, 8)) == "-0.125"
    assert exact(Fraction(1234567, 10**6)) == "1.234567"
    assert exact(Fraction(3, 10) * Fraction("2850.123457")) == "855.0370371"  # a cap: share × cost, exact
    assert exact(Fraction(1, 3)) == "1/3"  # no finite decimal: the fraction itself
    assert Fraction(exact(Fraction(98765432101, 1000))) == Fraction(98765432101, 1000)


def test_selection_rows_are_exact(result):
    rows = selection_rows(result)
    assert {r["proposal_id"] for r in rows if r["status"] != "not_funded"} == FUNDED
    assert all(isinstance(r[k], Fraction) for r in rows for k in ("requested", "support", "trim", "cofunding"))
    assert next(r for r in rows if r["proposal_id"] == "KG-2024-005")["support"] == Fraction(561, 2)


def test_legal_basis_cites_the_support_rule():
    # the instrument in force with its amendment, without the program file's English notes
    assert legal_basis(PROGRAM, "II.2", "vi") == ("Thông tư 28/2018/TT-BTC được sửa đổi, bổ sung bởi Thông tư "
                                                  "64/2024/TT-BTC: Ứng dụng máy móc thiết bị tiên tiến, hỗ "
                                                  "trợ tối đa 50% tổng kinh phí, không quá 300 triệu đồng/cơ sở")
    english = legal_basis(PROGRAM, "II.1", "en")
    assert english.startswith("Thông tư 28/2018/TT-BTC (≤ 30%") and "at most 30% of the total cost and 1,000 million" \
        " VND per model" in english


def test_workbook_in_vietnamese(result):
    book = load_workbook(io.BytesIO(annual_workbook.to_bytes(AnnualStudy.of(result), SCENARIO, "vi")))
    assert book.sheetnames == ["Tổng hợp", "Đề án", "Theo nhiệm vụ", "Theo xã"]
    ws = book["Đề án"]
    header = [c.value for c in ws[4]]
    assert header[:3] == ["TT", "Mã đề án", "Tên đề án"]
    assert {"Kinh phí hỗ trợ", "Lý do không được hỗ trợ", "Kinh phí bổ sung ít nhất"} <= set(header)
    assert ws.freeze_panes == "C5" and ws.auto_filter.ref.startswith("A4:")
    assert ws.column_dimensions["C"].width == 34
    col = {name: i for i, name in enumerate(header)}
    rows = {r[1].value: r for r in ws.iter_rows(min_row=5, max_row=13)}
    assert rows["KG-2024-005"][col["Kinh phí hỗ trợ"]].value == 280.5
    assert rows["KG-2024-005"][col["Kinh phí hỗ trợ"]].number_format == "#,##0.0#;-#,##0.0#;\"-\""
    assert rows["KG-2024-003"][col["Kinh phí hỗ trợ"]].number_format == "#,##0;-#,##0;\"-\""
    reason = rows["KG-2024-008"][col["Lý do không được hỗ trợ"]]
    assert reason.value == "Hồ sơ chưa đầy đủ." and reason.alignment.wrap_text
    assert rows["KG-2024-008"][col["Kết quả"]].value == "không được hỗ trợ"
    assert rows["KG-2024-004"][col["Kinh phí hỗ trợ"]].value is None  # not funded: no support shown
    total = ws[14]
    assert total[0].value == "TỔNG CỘNG"
    assert total[col["Kinh phí hỗ trợ"]].value == "=SUM(L5:L13)"
    texts = [str(c.value) for sheet in book for row in sheet.iter_rows() for c in row
             if isinstance(c.value, str) and not c.value.startswith("=")]
    assert english("\n".join(texts + book.sheetnames)) == []
    summary = book["Tổng hợp"]
    assert summary["B6"].value == 1200 and summary["B7"].value == "='Đề án'!L14"
    data = load_workbook(io.BytesIO(annual_workbook.to_bytes(AnnualStudy.of(result), SCENARIO, "vi")), data_only=True)
    assert data["Tổng hợp"]["B7"].value == 1195.5 and data["Tổng hợp"]["B8"].value == 4.5  # cached values


def test_workbook_in_english_with_changes(again):
    book = load_workbook(io.BytesIO(annual_workbook.to_bytes(AnnualStudy.of(again), SCENARIO, "en")))
    assert book.sheetnames == ["Summary", "Proposals", "By task", "By commune", "Changes"]
    changes = book["Changes"]
    assert [c.value for c in changes[4]][:4] == ["Proposal", "Title", "Before", "Now"]
    row = next(r for r in changes.iter_rows(min_row=5, values_only=True) if r[0] == "KG-2024-003")
    assert row[2:4] == ("funded", "not funded") and row[5] == "The proposal was withdrawn."
    summary = [c.value for row in book["Summary"].iter_rows() for c in row]
    assert f"{PROGRAM.title.en} ({PROGRAM.source_document.en})" in summary


def _text(docx: bytes) -> tuple[str, list[list[list[str]]]]:
    doc = Document(io.BytesIO(docx))
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    return "\n".join(p.text for p in doc.paragraphs), tables


def test_brief_in_vietnamese(result):
    text, tables = _text(annual_brief.to_bytes(AnnualStudy.of(result), SCENARIO, "vi"))
    assert "DANH MỤC ĐỀ ÁN KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM 2024" in text
    assert f"{PROGRAM.title.vi} ({PROGRAM.source_document.vi})" in text
    assert ("dành cho các đề án là 1.200 triệu đồng. Đề xuất hỗ trợ 5/9 đề án với tổng kinh phí 1.195,5 triệu "
            "đồng (trong đó 1 đề án điều chỉnh giảm theo mức hỗ trợ tối đa), còn lại 4,5 triệu đồng") in text
    funded, trims, refused, by_task = tables
    assert [r[1] for r in funded[1:-1]] == sorted(FUNDED)
    assert funded[-1][1] == "Cộng" and funded[-1][6] == "1.195,5" and funded[-1][7] == "100"
    assert "Mô hình trình diễn sấy lạnh nông sản\nCông ty TNHH Nông sản Tân Hội" in funded[1][2]
    assert trims[1][:6] == ["KG-2024-001", "II.1", "2.000", "700", "600", "100"]
    assert trims[1][6].startswith("Thông tư 28/2018/TT-BTC được sửa đổi, bổ sung bởi Thông tư 64/2024/TT-BTC: Mô hình "
                                  "trình diễn")
    assert "không quá 1.000 triệu" in trims[1][6]
    reasons = {r[1]: (r[5], r[6]) for r in refused[1:]}
    assert set(reasons) == {"KG-2024-002", "KG-2024-004", "KG-2024-008", "KG-2024-009"}
    assert reasons["KG-2024-008"] == ("Hồ sơ chưa đầy đủ.", "–")
    assert reasons["KG-2024-004"][1] == "295,5"  # merit: every funded proposal scores above its 60
    assert ("số vốn ngân sách địa phương tăng thêm ít nhất để đề án được hỗ trợ mà không làm giảm tiến độ thực "
            "hiện kế hoạch năm, số đề án của lần chọn trước được giữ lại (khi chọn lại giữa năm) hay thứ tự điểm "
            "của danh mục đã chọn") in text
    assert "đã kiểm tra bằng cách tính lại" in text
    assert [r[0] for r in by_task[1:]] == ["II.1 Mô hình trình diễn kỹ thuật", "II.2 Máy móc thiết bị tiên tiến",
                                           "III.3 Xây dựng thương hiệu", "IV.1 Mẫu mã, bao bì"]
    words = "\n".join([text] + [c for t in tables for row in t for c in row])
    assert english(words) == []


def test_brief_in_english_with_changes(again):
    text, tables = _text(annual_brief.to_bytes(AnnualStudy.of(again), SCENARIO, "en"))
    assert "Industrial-promotion proposals funded in 2024" in text
    assert ("the least extra local budget with which the proposal can be funded without giving up any of the "
            "selection's progress toward the year's plan, the proposals it keeps from the earlier selection "
            "(mid-year) or its priority") in text
    assert "verified by solving again" in text
    assert "6. Changes from the earlier selection" in text
    assert f"{PROGRAM.title.en} ({PROGRAM.source_document.en})" in text  # the program, in English too
    assert PROGRAM.source_document.vi not in text
    changes = tables[-1]
    assert ["KG-2024-003", "funded", "not funded", "The proposal was withdrawn."] in changes


def test_the_same_result_gives_the_same_bytes(result):
    for make in (annual_workbook.to_bytes, annual_brief.to_bytes):
        first = make(AnnualStudy.of(result), SCENARIO, "vi")
        assert make(AnnualStudy.of(result), SCENARIO, "vi") == first
        archive = zipfile.ZipFile(io.BytesIO(first))
        assert {item.date_time for item in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}  # no time of making
        core = archive.read("docProps/core.xml")
        if make is annual_brief.to_bytes:
            assert b"dcterms:created" not in core and b"dcterms:modified" not in core
            assert stable_zip(first) == first
        else:  # XlsxWriter: the document's dates are the fixed date, never today's
            assert re.findall(rb"<dcterms:(?:created|modified)[^>]*>([^<]*)<", core) == [b"2000-01-01T00:00:00Z"] * 2


def test_the_folder_and_its_record(result, again):
    options = AnnualOptions("proposals.csv", 2024, program="kien-giang-2021-2025", budget=Fraction("1200.5"))
    files = annual_files(AnnualStudy.of(result), SCENARIO, options, extra={"command": options.command()})
    assert set(files) == {"selection.csv", "by_task.csv", "by_commune.csv", "annual-plan.xlsx", "annual-plan.docx",
                          "summary.json"}
    assert "changes.csv" in annual_files(AnnualStudy.of(again), SCENARIO, options)
    command = options.command()
    assert command == ["annual", "proposals.csv", "--year", "2024", "--program", "kien-giang-2021-2025", "--lang",
                       "vi", "--budget", "1200.5"]
    assert parse_command(command, "summary.json") == options
    full = AnnualOptions("p.csv", 2025, scenario="s.yaml", lang="en", max_per_commune=2, min_per_region=1,
                         cap_cofunding=False, previous="out")
    assert parse_command(full.command(), "summary.json") == full


@pytest.mark.parametrize("command, message", [
    (["annual", "p.csv", "--year", "2024", "--program", "x", "--out", "elsewhere"], "with only the options"),
    (["annual", "p.csv", "--program", "x"], "no --year"),
    (["annual", "p.csv", "--year", "2024"], "neither or both"),
    (["annual", "p.csv", "--year", "2024", "--program", "x", "--budget", "-1"], "--budget"),
    (["annual", "p.csv", "--year", "2024", "--program", "x", "--lang", "fr"], "--lang fr"),
])
def test_a_recorded_command_is_checked(command, message):
    with pytest.raises(InputError) as exc:
        parse_command(command, "summary.json")
    assert message in str(exc.value) and "summary.json: command" in str(exc.value)


def test_the_earlier_selection_is_read_back(tmp_path, result):
    options = AnnualOptions("proposals.csv", 2024, program="kien-giang-2021-2025")
    (tmp_path / "out").mkdir()
    files = annual_files(AnnualStudy.of(result), SCENARIO, options)
    (tmp_path / "out" / "selection.csv").write_text(str(files["selection.csv"]), encoding="utf-8")
    label, statuses = load_previous(tmp_path / "out")
    assert label == str(Path(tmp_path / "out" / "selection.csv"))
    assert statuses == {d.proposal.id: d.status for d in result.decisions}
    assert load_previous(tmp_path / "out" / "selection.csv")[1] == statuses
    with pytest.raises(InputError) as exc:
        previous_from_text("proposal_id,status\nA,funded\nB,maybe\na,funded\n,funded\n", "old.csv")
    message = str(exc.value)
    assert "3 problems found" in message
    assert "old.csv: line 3: status 'maybe' of B" in message and "old.csv: line 4: a is listed again" in message
    with pytest.raises(InputError, match="no column status"):
        previous_from_text("proposal_id,state\nA,funded\n", "old.csv")


def test_the_word_document_numbers_its_tables_keeps_rows_whole_and_says_which_rules_are_unconfirmed(result):
    import re

    from kgkc_opt.analysis.law import unconfirmed_rules

    data = annual_brief.to_bytes(AnnualStudy.of(result), SCENARIO, "vi")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    rows = re.findall(r"<w:tr[ >].*?</w:tr>", xml, re.S)
    assert rows and all("<w:cantSplit/>" in r for r in rows)
    doc = Document(io.BytesIO(data))
    assert all("<w:tblHeader/>" in t.rows[0]._tr.xml for t in doc.tables)
    captions = [int(m[1]) for p in doc.paragraphs if (m := re.match(r"Bảng (\d+)\. ", p.text))]
    assert captions == list(range(1, len(doc.tables) + 1))
    text = "\n".join(p.text for p in doc.paragraphs)
    trimmed = {(d.proposal.task_id, result.year): 1 for d in result.decisions if d.status == "trimmed"}
    used = unconfirmed_rules(SCENARIO.program, trimmed)
    assert bool(used) == ("Lưu ý về căn cứ pháp lý" in text)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "26/2014" not in cells and english(text + cells) == []


def test_the_reserve_list_in_every_output(proposals):
    """With the year's plan by default, the proposals the money left would fund are the reserve list:
    selection.csv's reserve_step, by_task.csv's reserve_units, summary.json's list and cost, the
    brief's section 4.1 (step, cost, money left after it) and the workbook's status, each the
    selection's own figures."""
    import csv
    import json

    result = kg.annual(proposals, 2024, scenario=SCENARIO, rules=kg.Rules(budget=Fraction(10**4)))
    assert result.reserve, "the example's budget leaves money beyond the year's plan"
    options = AnnualOptions("proposals.csv", 2024, program="kien-giang-2021-2025", budget=Fraction(10**4))
    files = annual_files(AnnualStudy.of(result), SCENARIO, options)
    rows = {r["proposal_id"]: r for r in csv.DictReader(io.StringIO(str(files["selection.csv"])))}
    for s in result.reserve:
        row = rows[s.proposal_id]
        assert row["status"] == "not_funded" and row["reserve_step"] == str(s.step)
        assert row["reason_code"].split(";")[0] == "reserve" and exact(s.cost) == row["support"]
    assert {i for i, r in rows.items() if r["reserve_step"]} == {s.proposal_id for s in result.reserve}
    tasks = {r["task_id"]: r for r in csv.DictReader(io.StringIO(str(files["by_task.csv"])))}
    for t in {s.task_id for s in result.reserve}:
        assert int(tasks[t]["reserve_units"]) == sum(s.units for s in result.reserve if s.task_id == t)
        assert int(tasks[t]["funded_units"]) <= int(tasks[t]["planned_units"])
    summary = json.loads(str(files["summary.json"]))
    assert [r["proposal_id"] for r in summary["reserve"]] == [s.proposal_id for s in result.reserve]
    assert Fraction(summary["reserve_cost"]) == sum((s.cost for s in result.reserve), Fraction(0))
    assert [Fraction(r["left"]) for r in summary["reserve"]] == [s.left for s in result.reserve]
    text, tables = _text(bytes(files["annual-plan.docx"]))
    assert "4.1. Danh sách dự phòng" in text and "4.2." in text
    table = next(t for t in tables if t[0][0] == "Bước")
    assert [r[1] for r in table[1:]] == [s.proposal_id for s in result.reserve]
    assert [r[-1] for r in table[1:]] == [fmt.number(s.left, "vi", 6) for s in result.reserve]
    book = load_workbook(io.BytesIO(bytes(files["annual-plan.xlsx"])))
    statuses = [c.value for c in book["Đề án"]["H"] if c.value]
    assert sum("danh sách dự phòng, bước" in v for v in statuses) == len(result.reserve)

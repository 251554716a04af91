"""Programs drafted in a workbook (``inputs.program_xlsx``, written by ``report.program_workbook``).

Round trips (export -> import gives the same program, via ``program_to_dict``) for every bundled
program and the test fixtures; a program drafted in the empty template with openpyxl imports,
audits and solves; problems are collected and placed at their sheet and cell, in the run's language.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from fractions import Fraction
from typing import Any

import openpyxl
import pytest

import kgkc_opt as kg
from kgkc_opt.analysis.audit import audit
from kgkc_opt.errors import ProgramError
from kgkc_opt.inputs.files import bundled_programs, load_program
from kgkc_opt.inputs.program_dict import program_to_dict
from kgkc_opt.inputs.program_xlsx import cell_value, program_document_from_xlsx
from kgkc_opt.inputs.program_xlsx_layout import FIRST_ROW, KEY_ROW, SHEETS
from kgkc_opt.inputs.proposals import proposals_from_csv_text
from kgkc_opt.inputs.reader import WrittenFloat
from kgkc_opt.report.program_workbook import workbook_bytes
from tests.support.checks import assert_plan_valid
from tests.support.paths import FIXTURES


def round_trip(program: kg.Program) -> kg.Program:
    raw = workbook_bytes(program_to_dict(program))
    return program_document_from_xlsx(raw, "program.xlsx")[0]


@pytest.mark.parametrize("name", bundled_programs())
def test_bundled_programs_round_trip_exactly(name: str) -> None:
    program = load_program(name)
    assert program_to_dict(round_trip(program)) == program_to_dict(program)


@pytest.mark.parametrize("fixture", ["tiny-program.yaml", "tiny-sources.yaml", "tiny-structured.yaml",
                                     "audit-faults.yaml"])
def test_fixture_programs_round_trip_exactly(fixture: str) -> None:
    program = load_program(FIXTURES / fixture)
    assert program_to_dict(round_trip(program)) == program_to_dict(program)


def test_the_bundled_workbooks_cover_what_the_format_holds() -> None:
    """The round trips above mean something: between them the programs hold ranges, three sources,
    dated rule changes, cadences, links, relations, geography, source notes and misprints."""
    docs = [program_to_dict(load_program(name)) for name in bundled_programs()]
    tasks = [t for d in docs for t in d["tasks"]]
    assert any(isinstance(t["quantity"], dict) for t in tasks)
    assert any("unit_as_printed" in t or "name_as_printed" in t for t in tasks)
    assert any("areas" in t or "level" in t for t in tasks)
    assert any(len(d.get("funding_sources", [])) == 3 for d in docs)
    assert any(r.get("changes") for d in docs for r in d["support_rules"].values())
    assert any(r["max_state_per_unit"] is None for d in docs for r in d["support_rules"].values())
    for key in ("relations", "structure", "geography", "source_notes", "stated_totals"):
        assert any(key in d for d in docs), key


def test_numbers_are_read_exactly() -> None:
    assert cell_value(4192.2) == WrittenFloat(4192.2, "4192.2") and str(cell_value(4192.2)) == "4192.2"
    assert str(cell_value(4.658)) == "4.6580"  # a numeric cell is the decimal, never 4,658
    assert cell_value(8000.0) == 8000 and isinstance(cell_value(8000.0), int)
    assert cell_value("  Lớp \n") == "Lớp" and cell_value("   ") is None


# --- a program drafted in the template ---------------------------------------------------------


class Draft:
    """The empty template opened with openpyxl, filled in by column key as a planner would."""

    def __init__(self) -> None:
        self.book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(None)))
        self.next: dict[str, int] = {}

    def sheet(self, role: str) -> Any:
        return self.book[SHEETS[role]]

    def keys(self, role: str) -> dict[str, int]:
        ws = self.sheet(role)
        return {ws.cell(row=KEY_ROW, column=j).value: j for j in range(1, ws.max_column + 1)
                if ws.cell(row=KEY_ROW, column=j).value}

    def row(self, role: str, **values: Any) -> int:
        row = self.next.get(role, FIRST_ROW)
        self.next[role] = row + 1
        keys = self.keys(role)
        for key, value in values.items():
            self.sheet(role).cell(row=row, column=keys[key.replace("__", ".")], value=value)
        return row

    def set_row(self, role: str, row: int, **values: Any) -> None:
        keys = self.keys(role)
        for key, value in values.items():
            self.sheet(role).cell(row=row, column=keys[key.replace("__", ".")], value=value)

    def program(self, **values: Any) -> None:
        ws = self.sheet("program")
        rows = {ws.cell(row=r, column=1).value: r for r in range(FIRST_ROW, ws.max_row + 1)}
        for key, value in values.items():
            ws.cell(row=rows[key], column=3, value=value)

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.book.save(out)
        return out.getvalue()


CAPS = {2026: (60, 300, 200), 2027: (60, 300, 200), 2028: (0, 250, 150), 2029: (60, 300, 200),
        2030: (60, 300, 200)}


def drafted() -> Draft:
    """A small 2026–2030 program typed into the template: two groups, four tasks (one a range),
    three sources, a dated rule, a target, a cadence and a link."""
    d = Draft()
    d.program(id="draft-2026-2030", title_vi="Chương trình khuyến công thử (soạn trên Excel)",
              title_en="Draft program (typed in Excel)", province="Thử nghiệm", illustrative="có")
    d.row("tasks", id="I", name_vi="Nâng cao năng lực", name_en="Capacity")
    d.row("tasks", id="I.1", name_vi="Tập huấn", unit_vi="Lớp", unit_en="class", quantity=10, total=200,
          cost__local=200, years="Hàng năm", lead="Sở Công Thương", support_rule="norm")
    d.row("tasks", id="II", name_vi="Máy móc thiết bị", name_en="Machinery")
    d.row("tasks", id="II.1", name_vi="Hỗ trợ máy móc", unit_vi="Cơ sở", unit_en="establishment",
          quantity_min=6, quantity=10, total=2000, cost__national=200, cost__local=600,
          cost__establishments=1200, years="2026-2030", support_rule="machinery")
    d.row("tasks", id="II.2", name_vi="Bình chọn sản phẩm", unit_vi="Đợt", quantity=2, total=100,
          cost__local=100, years="2027, 2029", support_rule="norm")
    d.row("tasks", id="II.3", name_vi="Chi thưởng", unit_vi="Cơ sở", quantity=20, total=60, cost__local=60,
          years="2027, 2029", support_rule="norm")
    for year, (national, local, establishments) in CAPS.items():
        d.set_row("annual", FIRST_ROW + year - 2026, total=national + local + establishments,
                  cost__national=national, cost__local=local, cost__establishments=establishments)
    d.row("rules", id="norm", name_vi="Định mức của tỉnh", max_state_share=1, max_state_per_unit="không giới hạn",
          citation="Quy định của tỉnh")
    d.row("rules", id="machinery", name_vi="Máy móc thiết bị", name_en="Machinery", max_state_share=0.5,
          max_state_per_unit=100, citation="Thông tư 28/2018/TT-BTC")
    d.row("rules", id="machinery", max_state_share=0.5, max_state_per_unit=80, citation="Nghị quyết thử",
          valid_from="2029-01-01")
    d.row("targets", id="T1", text_vi="Hỗ trợ từ 6 đến 10 cơ sở", quantity_min=6, quantity=10, tasks="II.1")
    d.row("cadences", task="II.2", cadence="events")
    d.row("links", id="L1", task="II.3", per_unit=10, **{"with": "II.2"})
    return d


def test_a_program_drafted_in_the_template_imports_audits_and_solves() -> None:
    program, _ = program_document_from_xlsx(drafted().bytes(), "draft.xlsx")
    assert [t.id for t in program.tasks] == ["I.1", "II.1", "II.2", "II.3"]
    assert [(g.id, g.name.en) for g in program.groups] == [("I", "Capacity"), ("II", "Machinery")]
    assert program.task("II.1").quantity_min == 6 and program.task("I.1").annual
    assert program.task("II.2").years == (2027, 2029)
    assert [s.id for s in program.funding_sources] == ["national", "local", "establishments"]
    assert program.support_rules["machinery"].for_year(2029).max_state_per_unit == 80
    assert program.support_rules["norm"].max_state_per_unit is None
    assert program.structure.cadence_of("II.2") == "events" and program.structure.leader_of("II.3") is not None
    codes = {f.code for f in audit(program)}
    assert "rule-versions" in codes  # the audit sees the machinery rule's 2029 change typed under it
    scenario = kg.baseline(program)
    result = kg.solve(scenario)
    assert result.status.value == "optimal"
    assert_plan_valid(scenario, result)
    used = result.budget.groupby(level=0)["used"].sum()
    for year in CAPS:
        assert Fraction(str(used[year])) <= sum(CAPS[year])
    # no machinery money in 2028 (its national cap is 0): the plan puts no II.1 unit there
    assert result.allocation.loc[("II.1", 2028), "quantity"] == 0


def test_a_draft_with_mistakes_lists_every_problem_at_its_sheet_and_cell() -> None:
    d = drafted()
    tasks = d.keys("tasks")
    ws = d.sheet("tasks")
    ws.cell(row=FIRST_ROW + 1, column=tasks["cost.local"], value="2.000")   # Vietnamese thousands, as text
    ws.cell(row=FIRST_ROW + 3, column=tasks["id"], value=2.1)              # Excel turned the id into a number
    ws.cell(row=FIRST_ROW + 4, column=tasks["support_rule"], value="nrom")
    ws.cell(row=FIRST_ROW + 5, column=tasks["years"], value=__import__("datetime").datetime(2026, 2, 1))
    ws.cell(row=KEY_ROW, column=ws.max_column + 1, value="budget")
    d.set_row("annual", FIRST_ROW + 1, year=2026)                          # a year twice
    raw = d.bytes()
    with pytest.raises(ProgramError) as vi:
        program_document_from_xlsx(raw, "draft.xlsx")
    with pytest.raises(ProgramError) as en:
        program_document_from_xlsx(raw, "draft.xlsx", lang="en")
    problems = [str(p) for p in en.value.problems]
    text = "\n".join(problems)
    assert len(problems) >= 6, text
    letter = {k: openpyxl.utils.get_column_letter(j) for k, j in tasks.items()}
    assert f"sheet 'Nhiệm vụ - Tasks', cell {letter['cost.local']}{FIRST_ROW + 1} (tasks[I.1].cost.local)" in text
    assert "2.000 is ambiguous" in text
    assert f"cell {letter['id']}{FIRST_ROW + 3}: the id 2.1 is a number in Excel" in text
    assert f"cell {letter['support_rule']}{FIRST_ROW + 4} (tasks[II.2].support_rule): unknown support rule 'nrom'" \
        in text
    assert f"cell {letter['years']}{FIRST_ROW + 5}: Excel turned this cell into a date" in text
    assert "unknown column key 'budget'" in text
    assert f"sheet 'Kinh phí năm - Annual', cell A{FIRST_ROW + 1}: year 2026 is listed twice" in text
    vi_text = "\n".join(str(p) for p in vi.value.problems)
    assert len(vi.value.problems) == len(problems)
    assert f"trang 'Nhiệm vụ - Tasks', ô {letter['id']}{FIRST_ROW + 3}: mã 2.1 là một số trong Excel" in vi_text
    assert "năm 2026 có hai dòng" in vi_text


def test_a_file_that_is_not_a_workbook_is_refused() -> None:
    for raw in (b"not a zip", b"\xd0\xcf\x11\xe0" + bytes(100)):
        with pytest.raises(ProgramError) as info:
            program_document_from_xlsx(raw, "x.xlsx", lang="en")
        assert re.search(r"not a readable \.xlsx|Excel 97", str(info.value))
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    with pytest.raises(ProgramError) as info:
        program_document_from_xlsx(buffer.getvalue(), "empty.xlsx", lang="en")
    assert "the sheet 'Chương trình - Program' is missing" in str(info.value)


def test_text_that_looks_like_a_formula_stays_text() -> None:
    program = load_program(FIXTURES / "tiny-program.yaml")
    doc = program_to_dict(program)
    doc["tasks"][0]["lead"] = "=HYPERLINK(\"http://example.com\")"
    doc["tasks"][0]["partner"] = "-"
    raw = workbook_bytes(doc)
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        sheets = [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert not any(b"<f>" in s or b"<f " in s for s in sheets)
    back = program_document_from_xlsx(raw, "p.xlsx")[0]
    assert back.tasks[0].lead.vi == "=HYPERLINK(\"http://example.com\")" and back.tasks[0].partner.vi == "-"


def test_the_problems_docs_program_format_quotes_are_what_import_prints() -> None:
    from tests.support.paths import ROOT

    page = (ROOT / "docs" / "program-format.md").read_text(encoding="utf-8")
    quoted = re.search(r"<!-- workbook-problems -->\n```text\n(.*?)\n```", page, re.DOTALL)
    assert quoted is not None
    d = drafted()
    tasks = d.keys("tasks")
    d.sheet("tasks").cell(row=FIRST_ROW + 1, column=tasks["cost.local"], value="2.000")
    d.sheet("tasks").cell(row=FIRST_ROW + 3, column=tasks["id"], value=2.1)
    d.set_row("annual", FIRST_ROW + 1, year=2026)
    with pytest.raises(ProgramError) as info:
        program_document_from_xlsx(d.bytes(), "draft.xlsx")
    assert f"kgkc-opt: {info.value}" == quoted.group(1)


def test_anything_typed_in_any_cell_gives_a_program_or_a_program_error() -> None:
    """Hostile cells (text, numbers of every size, dates, yes/no, formulas' text, nothing) in every
    sheet: the reader never fails with anything but a ``ProgramError`` (no traceback for a planner)."""
    import datetime as dt
    import random

    raw = workbook_bytes(program_to_dict(load_program(FIXTURES / "tiny-sources.yaml")))
    values = [None, "", " ", "abc", "=1+1", "-", "2.000", "1,5", "30%", "130%", "Hàng năm", "2026-2030",
              "2021, 2023", "II.1", "có", "x", 0, -1, 1.5, 4.658, 10**20, 1e-9, float("inf"), True,
              dt.datetime(2026, 1, 1), dt.date(2025, 7, 1), "[stated_total]", "cost.x", "id"]
    rng = random.Random(2026)  # the same cells on every run
    failures = []
    for case in range(25):
        book = openpyxl.load_workbook(io.BytesIO(raw))
        for _ in range(3):
            ws = book.worksheets[rng.randrange(1, len(book.worksheets))]
            row, col = rng.randrange(KEY_ROW, KEY_ROW + 8), rng.randrange(1, 12)
            value = rng.choice(values)
            ws.cell(row=row, column=col).value = value if not isinstance(value, float) or value == value else None
        out = io.BytesIO()
        book.save(out)
        try:
            program_document_from_xlsx(out.getvalue(), "fuzz.xlsx", lang=rng.choice(["vi", "en"]))
        except ProgramError as exc:
            assert exc.problems and all(p.source == "fuzz.xlsx" for p in exc.problems)
        except Exception as exc:  # anything else is a bug
            failures.append(f"case {case}: {type(exc).__name__}: {exc}")
    assert failures == []


@pytest.mark.slow
@pytest.mark.skipif(__import__("shutil").which("libreoffice") is None, reason="needs LibreOffice")
def test_a_workbook_saved_again_by_an_office_suite_reads_back_the_same(tmp_path) -> None:
    """What a planner does: open the exported workbook in an office suite and save it. LibreOffice
    (headless, its own profile in tmp_path) writes the cells its own way; the program is unchanged."""
    import subprocess

    program = load_program("an-giang-2026-2030-illustrative")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "ag.xlsx").write_bytes(workbook_bytes(program_to_dict(program)))
    subprocess.run(["libreoffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--convert-to", "xlsx", "--outdir", str(tmp_path / "out"), str(tmp_path / "in" / "ag.xlsx")],
                   check=True, capture_output=True, timeout=600)
    saved = (tmp_path / "out" / "ag.xlsx").read_bytes()
    assert saved != (tmp_path / "in" / "ag.xlsx").read_bytes()
    assert program_to_dict(program_document_from_xlsx(saved, "ag.xlsx")[0]) == program_to_dict(program)


# --- eligibility rule packs typed in the template -----------------------------------------------


def with_eligibility() -> Draft:
    """The drafted program with a rule pack typed on the eligibility sheet: a requirement (who) and,
    on the row under it with the same id, a priority (2.5 points) for women-owned establishments
    in a commune."""
    d = drafted()
    d.row("eligibility", id="draft-rules", name_vi="Đối tượng hỗ trợ (thử)", name_en="Who may be supported (draft)",
          citation="Nghị quyết thử 01/2026", province_kind="tỉnh", valid_from=dt.datetime(2025, 10, 15),
          illustrative="có", clause="Điều 2", text_vi="Hỗ trợ doanh nghiệp nhỏ và vừa, hợp tác xã; cơ sở làng nghề.",
          text_en="SMEs and cooperatives; craft-village establishments.",
          any__applicant_kind="sme, Hợp tác xã", any__craft_village="có")
    d.row("eligibility", id="draft-rules", clause="Điều 3", priority=2.5, any__women_owned="có",
          when__location_kind="xã")
    return d


INTENDED_PACK = {
    "id": "draft-rules", "name": {"vi": "Đối tượng hỗ trợ (thử)", "en": "Who may be supported (draft)"},
    "citation": "Nghị quyết thử 01/2026", "province_kind": "province", "valid_from": dt.date(2025, 10, 15),
    "illustrative": True, "confidence": "unknown",
    "clauses": [{"clause": "Điều 2", "text": {"vi": "Hỗ trợ doanh nghiệp nhỏ và vừa, hợp tác xã; cơ sở làng nghề.",
                                              "en": "SMEs and cooperatives; craft-village establishments."},
                 "require_any": {"applicant_kind": ["sme", "cooperative"], "craft_village": True}},
                {"clause": "Điều 3", "when": {"location_kind": ["commune"]}, "priority": 2.5,
                 "if_any": {"women_owned": True}}]}


def test_a_rule_pack_typed_in_the_template_is_the_intended_document_and_judges_the_annual_selection() -> None:
    program, _ = program_document_from_xlsx(with_eligibility().bytes(), "draft.xlsx")
    assert program_to_dict(program)["eligibility"] == [INTENDED_PACK]
    assert program_to_dict(round_trip(program)) == program_to_dict(program)
    (clause_who, clause_women) = program.eligibility[0].clauses
    assert clause_women.points == Fraction(5, 2) and clause_who.points is None
    text = ("proposal_id,title,applicant,commune,task_id,units,total_cost,requested,cofunding,score,applicant_kind,"
            "craft_village,women_owned\n"
            "P-1,Máy sấy,HTX Tân Hội,Xã Tân Hội,II.1,1,200,100,100,70,hợp tác xã,,có\n"
            "P-2,Máy đóng gói,Công ty Lớn,Phường Một,II.1,1,200,100,100,90,doanh nghiệp lớn,không,không\n")
    result = kg.annual(proposals_from_csv_text(text, program, source="p.csv"), 2026, scenario=program)
    by_id = {d.proposal.id: d for d in result.decisions}
    assert by_id["P-2"].status == "not_funded" and [r.code for r in by_id["P-2"].reasons] == ["not_eligible"]
    assert "Điều 2" in by_id["P-2"].reason_text("vi") and "Nghị quyết thử 01/2026" in by_id["P-2"].reason_text("en")
    assert by_id["P-1"].status == "funded" and by_id["P-1"].proposal.priority_points == Fraction(5, 2)


def test_mistakes_on_the_eligibility_sheet_are_placed_at_their_cells() -> None:
    d = with_eligibility()
    keys = d.keys("eligibility")
    letter = {k: openpyxl.utils.get_column_letter(j) for k, j in keys.items()}
    d.set_row("eligibility", FIRST_ROW, any__applicant_kind="doanh nghiep nho va vuaa")
    d.set_row("eligibility", FIRST_ROW + 1, citation="Văn bản khác")
    for key in ("priority", "any.women_owned"):  # (now a requirement of no facts)
        d.sheet("eligibility").cell(row=FIRST_ROW + 1, column=keys[key]).value = None
    d.row("eligibility", id="other", clause="Điều 1", any__craft_village="có")  # no citation
    d.row("eligibility", id="draft-rules", clause="Điều 4", any__craft_village="có")  # listed again, not under it
    with pytest.raises(ProgramError) as info:
        program_document_from_xlsx(d.bytes(), "draft.xlsx", lang="en")
    text = "\n".join(str(p) for p in info.value.problems)
    sheet = f"sheet '{SHEETS['eligibility']}'"
    assert f"{sheet}, cell {letter['any.applicant_kind']}{FIRST_ROW} " \
           "(eligibility[0].clauses[0].require_any.applicant_kind[0]): expected one of sme" in text
    assert "did you mean sme?" in text
    assert f"{sheet}, cell {letter['citation']}{FIRST_ROW + 1}: a rule pack's own cells" in text
    assert f"{sheet}, cell {letter['any.applicant_kind']}{FIRST_ROW + 1} " \
           "(eligibility[0].clauses[1].require_any): expected at least one condition" in text
    assert f"{sheet}, cell {letter['citation']}{FIRST_ROW + 2} (eligibility[1].citation): required key" in text
    assert f"{sheet}, cell A{FIRST_ROW + 3}: rule pack 'draft-rules' is listed above" in text
    with pytest.raises(ProgramError) as vi:
        program_document_from_xlsx(d.bytes(), "draft.xlsx")
    vi_text = "\n".join(str(p) for p in vi.value.problems)
    assert len(vi.value.problems) == len(info.value.problems)
    assert f"trang '{SHEETS['eligibility']}', ô {letter['citation']}{FIRST_ROW + 1}: các ô của bộ quy tắc" in vi_text
    assert "bộ quy tắc 'draft-rules' đã có ở trên" in vi_text

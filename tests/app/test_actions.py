"""The app's session and actions without a browser: what the page would show is what the API gives."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

import kgkc_opt as kg
from kgkc_opt.app import actions
from kgkc_opt.app.state import Session
from kgkc_opt.app.text import WORDS, t
from kgkc_opt.app.uploads import AppError
from kgkc_opt.inputs.files import MAX_FILE_BYTES
from tests.support.language import english_words

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture
def session() -> Session:
    s = Session()
    yield s
    s.close()


def test_every_text_in_both_languages() -> None:
    for key, (vi, en) in WORDS.items():
        assert vi and en and vi != en, key
        assert re.findall(r"\{(\w+)", vi) == re.findall(r"\{(\w+)", en) or key == "err_size", key


def test_vietnamese_texts_have_no_english_words() -> None:
    # names a Vietnamese text uses as they are
    names = {"YAML", "MB", "CSV", "xlsx", "Word", "Excel", "zip", "Ctrl", "byte"}
    for key, (vi, _en) in WORDS.items():
        assert [w for w in english_words(re.sub(r"\{[^}]*\}", "", vi)) if w not in names] == [], key


@pytest.mark.parametrize(("text", "entry"), [("", None), (" -30% ", "-30%"), ("10%", "+10%"), ("3500", 3500),
                                             ("4192.2", 4192.2)])
def test_money_entry(text: str, entry: object) -> None:
    assert actions.money_entry(text) == entry


@pytest.mark.parametrize("text", ["abc", "-5", "30%%", "nan", "-", "1e999999999", "Infinity", "9" * 30])
def test_money_entry_refused_in_the_page_language(session: Session, text: str) -> None:
    session.lang = "en"
    with pytest.raises(AppError, match="is not an amount"):
        actions.set_money(session, "budget", 2024, text)
    assert session.money == {}


def test_cut_2024_is_the_scenario_file_and_its_plan(session: Session) -> None:
    actions.set_money(session, "budget", 2024, "-30%")
    actions.set_target(session, "III.2", 10)
    actions.set_target(session, "I.1", 5)  # the decision's own quantity: no change
    assert actions.scenario_document(session) == {"name": "app", "program": "kien-giang-2021-2025",
                                                  "budget": {2024: "-30%"}, "targets": {"III.2": 10}}
    result = actions.solve_plan(session)
    expected = kg.solve(kg.baseline(kg.load_program()).derive("x", budget={2024: "-30%"}, targets={"III.2": 10}))
    assert result.plan == expected.plan
    frame = actions.plan_frame(session)
    row = frame[frame[t("task", "vi")] == "II.2"].iloc[0]
    assert row["2024"] == expected.allocation.loc[("II.2", 2024), "quantity"]
    assert session.base_result is not None  # the decision as written, to compare with
    short = actions.shortfall_frame(session)
    assert list(short[t("task", "vi")]) == list(expected.shortfalls.index)
    assert len(actions.chart_figures(session)) == 3


def test_hostile_percentage_refused_by_the_scenario_reader(session: Session) -> None:
    actions.set_money(session, "budget", 2024, "+100000000000000%")  # a percentage: checked by the reader
    with pytest.raises(Exception) as caught:
        actions.solve_plan(session)
    assert "budget.2024" in actions.error_text(caught.value, session)


def test_bad_target_refused(session: Session) -> None:
    with pytest.raises(AppError, match=r"II\.2"):
        actions.set_target(session, "II.2", "-1")


def test_upload_program_checked_and_kept_in_the_temporary_folder(session: Session) -> None:
    raw = (FIXTURES / "tiny-program.yaml").read_bytes()
    actions.upload_program(session, "../../etc/tiny.yaml", raw)
    assert session.program.id == kg.load_program(FIXTURES / "tiny-program.yaml").id
    assert sorted(p.name for p in session.folder.iterdir()) == ["program.yaml"]
    result = actions.solve_plan(session)
    assert result.plan == kg.solve(kg.load_program(FIXTURES / "tiny-program.yaml")).plan


def test_a_program_workbook_upload_is_read_and_planned_as_its_yaml(session: Session) -> None:
    from kgkc_opt.inputs.program_dict import program_to_dict
    from kgkc_opt.report.program_workbook import program_workbook

    program = kg.load_program(FIXTURES / "tiny-program.yaml")
    buffer = io.BytesIO()
    program_workbook(program_to_dict(program)).save(buffer)
    actions.upload_program(session, "chuong-trinh.xlsx", buffer.getvalue())
    assert program_to_dict(session.program) == program_to_dict(program)
    assert sorted(p.name for p in session.folder.iterdir()) == ["program.yaml"]  # the workbook is not kept
    assert actions.solve_plan(session).plan == kg.solve(program).plan


def test_a_bad_program_workbook_names_its_sheet_and_cell(session: Session) -> None:
    from kgkc_opt.inputs.program_dict import program_to_dict
    from kgkc_opt.report.program_workbook import program_workbook

    book = program_workbook(program_to_dict(kg.load_program(FIXTURES / "tiny-program.yaml")))
    tasks = next(ws for ws in book.worksheets if "Nhiệm vụ" in ws.title)
    cell = next(c for row in tasks.iter_rows() for c in row if isinstance(c.value, int | float) and c.value > 0)
    cell.value = "nhiều"
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(Exception, match=re.escape(cell.coordinate)):
        actions.upload_program(session, "sai.xlsx", buffer.getvalue())
    assert not list(session.folder.iterdir())


@pytest.mark.parametrize(("name", "raw", "message"), [
    ("program.txt", b"id: x", "File type not accepted"),
    ("program.yaml", b"x" * (MAX_FILE_BYTES + 1), "too large"),
    ("bad.yaml", b"tasks: [1, 2\n", "bad.yaml: line 2"),
    ("bad.yaml", b"\xff\xfe", "UTF-16"),
])
def test_bad_program_upload_is_one_message(session: Session, name: str, raw: bytes, message: str) -> None:
    session.lang = "en"
    actions.ensure_program(session)
    with pytest.raises(Exception) as caught:
        actions.upload_program(session, name, raw)
    text = actions.error_text(caught.value, session)
    assert message in text and str(session.folder) not in text
    assert session.program.id == "kien-giang-2021-2025"  # the program in use is kept
    assert not any(session.folder.iterdir())


def test_error_text_is_in_the_page_language(session: Session) -> None:
    with pytest.raises(Exception) as caught:
        actions.upload_program(session, "bad.yaml", b"tasks: [1, 2\n")
    assert actions.error_text(caught.value, session).startswith(t("err_input", "vi"))
    assert actions.error_text(RuntimeError("boom"), session) == t("err_internal", "vi", kind="RuntimeError")


def test_policies_side_by_side(session: Session) -> None:
    actions.set_money(session, "budget", 2024, "-30%")
    actions.compare_policies(session)
    frame = actions.policies_frame(session)
    assert len(frame) == 3
    summary = session.comparison.summary
    assert list(frame[t("tasks_short", "vi")]) == [int(v) for v in summary["tasks_short"]]


def test_annual_selection_from_uploaded_proposals(session: Session) -> None:
    with pytest.raises(AppError):
        actions.run_annual(session, 2024)
    raw = (ROOT / "scenarios" / "proposals-2024.csv").read_bytes()
    n = actions.upload_proposals(session, "proposals-2024.csv", raw)
    program = kg.load_program()
    proposals = kg.load_proposals(ROOT / "scenarios" / "proposals-2024.csv", program)
    assert n == len(proposals)
    run = actions.run_annual(session, 2024)
    expected = kg.annual(proposals, 2024, scenario=program)
    assert [d.proposal.id for d in run.result.funded] == [d.proposal.id for d in expected.funded]
    assert len(actions.annual_frame(session)) == len(expected.decisions)


def test_bad_proposals_upload(session: Session) -> None:
    with pytest.raises(Exception) as caught:
        actions.upload_proposals(session, "de-an.csv", b"id,task\nA,ZZ.9\n")
    assert "de-an.csv" in actions.error_text(caught.value, session)
    assert session.proposals_file is None


def test_downloads_need_a_plan_then_open(session: Session) -> None:
    with pytest.raises(AppError, match="Lập phương án"):
        actions.workbook_xlsx(session)
    session.program_ref = "example-2026-2030"
    session.program = None
    actions.set_money(session, "budget", 2027, "-20%")
    actions.solve_plan(session)
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(actions.workbook_xlsx(session)))
    assert book.sheetnames
    with zipfile.ZipFile(io.BytesIO(actions.record_zip(session))) as archive:
        names = set(archive.namelist())
    assert {"scenario.yaml", "result/summary.json", "result/allocation.csv"} <= names

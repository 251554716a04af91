"""``kgkc-opt annual`` on hostile inputs, end to end (in-process through ``cli.main``): xlsx files with
merged cells, a hidden stale first sheet or several visible sheets; a title that would be a formula;
a header of 10,000 unknown columns; money beyond any budget; an earlier selection that cannot be
read or is of another year. Each ends with exit 2 and a clear message (no traceback), or is handled
as documented (docs/annual-plan.md, "Spreadsheets")."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest

from kgkc_opt.cli import app as cli
from kgkc_opt.errors import MAX_PROBLEMS_SHOWN
from tests.support.annual_proposals import BUDGET, HEADER, ROWS, write_proposals


def run(capsys, *argv: object) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def table() -> list[list[object]]:
    """The small proposals file as rows of typed cells (numbers as numbers, as Excel keeps them)."""
    out: list[list[object]] = [HEADER.split(",")]
    for pid, row in ROWS.items():
        cells: list[object] = [pid, *row.split(",")]
        out.append([_typed(c) for c in cells])
    return out


def _typed(cell: object) -> object:
    for kind in (int, float):
        try:
            return kind(cell)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            continue
    return cell


def workbook(path: Path, sheets: dict[str, list[list[object]]], *, hidden: tuple[str, ...] = (),
             merge: tuple[str, str] | None = None) -> Path:
    """A workbook of ``sheets`` (name: rows) in order; ``hidden`` sheets hidden; ``merge`` = (sheet, range)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
        if name in hidden:
            ws.sheet_state = "hidden"
    if merge is not None:
        book[merge[0]].merge_cells(merge[1])
    book.save(path)
    return path


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


# ---- spreadsheets --------------------------------------------------------------------------


def test_a_region_merged_over_two_rows_is_refused_naming_the_cells(project, capsys, monkeypatch):
    monkeypatch.setenv("KGKC_LANG", "en")  # (checks the English wording)
    rows = table()
    region = rows[0].index("region")
    rows[2][region] = None  # (Excel keeps a merged range's value in its first cell only)
    letter = openpyxl.utils.get_column_letter(region + 1)
    path = workbook(project / "merged.xlsx", {"Đề án": rows}, merge=("Đề án", f"{letter}2:{letter}3"))
    code, out, err = run(capsys, "annual", path.name, "--year", "2024", "--budget", BUDGET)
    assert code == 2 and out == ""
    assert one_line(err) == (f"kgkc-opt: merged.xlsx: sheet 'Đề án': has merged cells in the table: "
                             f"{letter}2:{letter}3; a merged range keeps its value in its first cell only, so the "
                             "other rows would read as empty: unmerge them and write the value in every row")


def test_merged_empty_cells_above_the_header_are_read(project, capsys):
    rows = [[], [], *table()]
    path = workbook(project / "above.xlsx", {"Sheet": rows}, merge=("Sheet", "A1:H2"))
    code, _, err = run(capsys, "annual", path.name, "--year", "2024", "--budget", BUDGET)
    assert code == 0, err


def test_a_hidden_stale_first_sheet_is_never_read(project, capsys):
    stale = [row[:] for row in table()]
    stale[1][0] = "STALE-001"
    path = workbook(project / "hidden.xlsx", {"Cũ": stale, "Năm 2024": table()}, hidden=("Cũ",))
    code, out, err = run(capsys, "annual", path.name, "--year", "2024", "--budget", BUDGET, "--out", "out")
    assert code == 0, err
    ids = [r["proposal_id"] for r in csv.DictReader(io.StringIO((project / "out" / "selection.csv").read_text()))]
    assert "STALE-001" not in ids and ids[0] == "KG-2024-001"
    # named, it is read (never silently): --sheet is recorded for reproduce
    code, _, err = run(capsys, "annual", path.name, "--year", "2024", "--budget", BUDGET, "--sheet", "Cũ",
                       "--out", "stale")
    assert code == 0, err
    ids = [r["proposal_id"] for r in csv.DictReader(io.StringIO((project / "stale" / "selection.csv").read_text()))]
    assert ids[0] == "STALE-001"
    assert json.loads((project / "stale" / "summary.json").read_text())["command"][-2:] == ["--sheet", "Cũ"]
    code, out, _ = run(capsys, "reproduce", "stale")
    assert code == 0, out


def test_only_a_hidden_sheet_is_refused(project, capsys, monkeypatch):
    monkeypatch.setenv("KGKC_LANG", "en")  # (checks the English wording)
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Ẩn"
    for row in table():
        ws.append(row)
    book.create_sheet("Trống")  # (a workbook needs one visible sheet)
    ws.sheet_state = "hidden"
    book.save(project / "h.xlsx")
    code, _, err = run(capsys, "annual", "h.xlsx", "--year", "2024", "--budget", BUDGET)
    assert code == 2
    assert "the sheet 'Trống' is empty" in one_line(err)


def test_several_visible_sheets_and_no_sheet_named_are_refused_listing_them(project, capsys, monkeypatch):
    monkeypatch.setenv("KGKC_LANG", "en")  # (checks the English wording)
    path = workbook(project / "two.xlsx", {"Đợt 1": table(), "Đợt 2": table(), "Cũ": table()}, hidden=("Cũ",))
    code, _, err = run(capsys, "annual", path.name, "--year", "2024", "--budget", BUDGET)
    assert code == 2
    assert one_line(err) == ("kgkc-opt: two.xlsx: has 2 visible sheets holding values ('Đợt 1', 'Đợt 2'); name the "
                             "one to read with --sheet, or name it 'proposals' or 'đề án' (hidden sheets are never "
                             "read unless named with --sheet: 'Cũ')")
    code, _, err = run(capsys, "annual", path.name, "--year", "2024", "--budget", BUDGET, "--sheet", "Đợt 3")
    assert code == 2
    assert one_line(err) == "kgkc-opt: two.xlsx: has no sheet named 'Đợt 3'; its sheets are 'Đợt 1', 'Đợt 2', 'Cũ'"
    code, _, err = run(capsys, "annual", path.name, "--year", "2024", "--budget", BUDGET, "--sheet", "đợt 2")
    assert code == 0, err


def test_sheet_with_a_csv_file_is_refused(project, capsys, monkeypatch):
    monkeypatch.setenv("KGKC_LANG", "en")  # (checks the English wording)
    write_proposals(project / "p.csv")
    code, _, err = run(capsys, "annual", "p.csv", "--year", "2024", "--sheet", "Đề án")
    assert code == 2
    assert "p.csv: is a CSV file, which has no sheets" in one_line(err)


@pytest.mark.parametrize("title", ['=HYPERLINK("http://example.invalid","Bấm vào đây")', "=1+1", "#N/A",
                                   "+84 đề án", "@SUM(A1)"])
def test_a_title_that_looks_like_a_formula_is_written_as_text(project, capsys, title):
    rows = table()
    rows[1][rows[0].index("title")] = title
    rows[2][rows[0].index("applicant")] = title
    with (project / "p.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    code, _, err = run(capsys, "annual", "p.csv", "--year", "2024", "--budget", BUDGET, "--out", "out")
    assert code == 0, err
    book = openpyxl.load_workbook(project / "out" / "annual-plan.xlsx")
    found = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value == title]
    assert len(found) >= 2
    assert all(c.data_type == "s" for c in found)
    # the workbook's own formulas (totals) stay formulas
    assert any(c.data_type == "f" for ws in book.worksheets for row in ws.iter_rows() for c in row)


def test_a_header_of_ten_thousand_unknown_columns_is_one_line(project, capsys, monkeypatch):
    monkeypatch.setenv("KGKC_LANG", "en")  # (checks the English wording)
    header = HEADER + "," + ",".join(f"cột lạ {i}" for i in range(10_000))
    (project / "wide.csv").write_text(header + "\n" + "KG-1," + ROWS["KG-2024-001"] + "\n", encoding="utf-8")
    code, _, err = run(capsys, "annual", "wide.csv", "--year", "2024")
    assert code == 2
    line = one_line(err)
    assert line.startswith("kgkc-opt: wide.csv: line 1: names 10,017 columns; a proposals table has at most 100")


def test_many_problems_are_listed_up_to_twenty_and_counted(project, capsys, monkeypatch):
    monkeypatch.setenv("KGKC_LANG", "en")  # (checks the English wording)
    bad = [f"KG-B{i},Đề án,Cơ sở,Xã A,Khu A,IX.{i},1,100,50,50,50,,,,,," for i in range(30)]
    write_proposals(project / "bad.csv", extra_rows=tuple(bad))
    code, _, err = run(capsys, "annual", "bad.csv", "--year", "2024")
    assert code == 2
    lines = err.strip().splitlines()
    assert lines[0] == "kgkc-opt: 30 problems found:"
    assert len(lines) == 1 + MAX_PROBLEMS_SHOWN + 1
    assert lines[-1] == "... and 10 more (the first 20 are shown)"


@pytest.mark.parametrize("budget", ["1e400", "1e30", "1000000001", "1e-999999999", "9" * 5000])
def test_budget_beyond_any_budget_is_refused(project, capsys, budget):
    write_proposals(project / "p.csv")
    with pytest.raises(SystemExit) as exc:
        cli.main(["annual", "p.csv", "--year", "2024", "--budget", budget])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "--budget: expected an amount" in err
    assert "lỗi: tham số --budget" in err  # argparse's words in the run's language (Vietnamese by default)


# ---- an earlier selection (--previous) -----------------------------------------------------


@pytest.fixture
def selected(project, capsys):
    write_proposals(project / "proposals.csv")
    code, _, err = run(capsys, "annual", "proposals.csv", "--year", "2024", "--budget", BUDGET, "--out", "out")
    assert code == 0, err
    return project / "out"


def test_a_selection_with_a_cell_of_200000_characters_is_one_line(selected, capsys, monkeypatch):
    monkeypatch.setenv("KGKC_LANG", "en")  # (checks the English wording)
    text = (selected / "selection.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    lines[3] = lines[3] + ',"' + "x" * 200_000 + '"'
    (selected / "selection.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run(capsys, "annual", "proposals.csv", "--year", "2024", "--budget", BUDGET, "--previous", "out")
    assert code == 2 and out == ""
    assert one_line(err) == (f"kgkc-opt: {Path('out') / 'selection.csv'}: line 4: is not a valid selection.csv (field "
                             "larger than field limit (131072)); expected the selection.csv of an earlier 'kgkc-opt "
                             "annual --out'")


def test_a_selection_of_another_year_is_refused_naming_both_years(selected, capsys, monkeypatch):
    monkeypatch.setenv("KGKC_LANG", "en")  # (checks the English wording)
    summary = json.loads((selected / "summary.json").read_text(encoding="utf-8"))
    summary["year"] = 2023
    (selected / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    for given in ("out", "out/selection.csv"):
        code, out, err = run(capsys, "annual", "proposals.csv", "--year", "2024", "--budget", BUDGET,
                             "--previous", given)
        assert code == 2 and out == ""
        assert one_line(err) == (f"kgkc-opt: {Path('out') / 'selection.csv'}: is the selection of 2023 (its "
                                 "summary.json says so), not of 2024, the year selected for: --previous takes an "
                                 "earlier selection of the same year")
    (selected / "summary.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    code, _, err = run(capsys, "annual", "proposals.csv", "--year", "2024", "--budget", BUDGET, "--previous", "out")
    assert code == 2
    assert one_line(err).endswith("summary.json: is not the summary.json of an earlier 'kgkc-opt annual --out' (it "
                                  "records no year); the year of the earlier selection cannot be checked")
    # a selection.csv on its own (copied out of its folder) has no year to check: taken as given
    (selected / "summary.json").unlink()
    code, _, err = run(capsys, "annual", "proposals.csv", "--year", "2024", "--budget", BUDGET, "--previous", "out")
    assert code == 0, err


def test_ids_of_an_earlier_selection_match_ignoring_case(selected, project, capsys):
    text = (selected / "selection.csv").read_text(encoding="utf-8")
    (selected / "selection.csv").write_text(text.replace("KG-2024-00", "kg-2024-00"), encoding="utf-8")
    code, _, err = run(capsys, "annual", "proposals.csv", "--year", "2024", "--budget", BUDGET, "--previous", "out",
                         "--out", "again")
    assert code == 0, err
    changes = list(csv.DictReader(io.StringIO((project / "again" / "changes.csv").read_text(encoding="utf-8"))))
    assert changes == []  # the same proposals, the same outcome: nothing new, nothing removed


# ---- the progress line ---------------------------------------------------------------------


class _Terminal(io.StringIO):
    """A stderr that is a terminal and says when it is written to."""

    def __init__(self) -> None:
        super().__init__()
        import threading

        self.written = threading.Event()

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> int:
        n = super().write(text)
        self.written.set()
        return n


def test_a_long_selection_says_so_on_a_terminal_only(monkeypatch):
    from kgkc_opt.cli import annual as cli_annual

    monkeypatch.setattr(cli_annual, "PROGRESS_AFTER", 0.0)
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    with cli_annual._progress_note("Selecting..."):
        assert terminal.written.wait(600)  # (the work inside outlasts the note's delay)
    assert terminal.getvalue() == "kgkc-opt annual: Selecting...\n"
    piped = io.StringIO()
    monkeypatch.setattr("sys.stderr", piped)
    with cli_annual._progress_note("Selecting..."):
        pass
    assert piped.getvalue() == ""  # not a terminal: what is captured never depends on the clock

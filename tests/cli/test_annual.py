"""``kgkc-opt annual`` end to end (in-process through ``cli.main``) on a small proposals file:
the result folder, exact money, reasons, both languages, ``reproduce``, the mid-year re-selection
with ``--previous``, bad input and ``--help``."""

from __future__ import annotations

import csv
import io
import json
import re
from fractions import Fraction
from pathlib import Path

import pytest

from kgkc_opt.analysis.annual import SELECTION_COLUMNS
from kgkc_opt.cli import app as cli
from tests.support.annual_proposals import BUDGET, FUNDED, HEADER, write_proposals
from tests.support.language import english_words

FILES = {"selection.csv", "by_task.csv", "by_commune.csv", "annual-plan.xlsx", "annual-plan.docx", "summary.json"}
MONEY = ("requested", "cap", "support", "trim", "cofunding", "least_extra")
#: money as exact decimals: no float noise (1234.4999999), never more than 6 decimals (the đồng)
EXACT = re.compile(r"^-?[0-9]+(\.[0-9]{0,5}[1-9])?$")


def run(capsys, *argv: object) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A planner's folder with the proposals file, run from that folder (relative paths)."""
    write_proposals(tmp_path / "proposals.csv")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def selected(project, capsys):
    """``annual proposals.csv --year 2024 --budget 1200 --out out`` (Vietnamese)."""
    code, out, err = run(capsys, "annual", "proposals.csv", "--year", "2024", "--budget", BUDGET, "--out", "out")
    assert code == 0, err
    return project / "out", out


def test_the_folder_and_its_exact_money(selected):
    folder, _ = selected
    assert {p.name for p in folder.iterdir()} == FILES  # changes.csv only with --previous
    table = rows(folder / "selection.csv")
    assert tuple(table[0]) == SELECTION_COLUMNS
    assert {"proposal_id", "task_id", "status", "support", "cofunding", "reason"} <= set(table[0])
    assert [r["proposal_id"] for r in table] == [f"KG-2024-00{i}" for i in range(1, 10)]
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    budget = Fraction(summary["budget"])
    assert budget == 1200
    for row in table:
        for column in MONEY:
            assert row[column] == "" or EXACT.match(row[column]), (column, row[column])
    funded = [r for r in table if r["status"] != "not_funded"]
    assert {r["proposal_id"] for r in funded} == FUNDED
    for r in funded:
        support = Fraction(r["support"])
        assert support <= Fraction(r["cap"]) and support <= Fraction(r["requested"])
        assert Fraction(r["trim"]) == Fraction(r["requested"]) - support
        assert r["reason"] == ""
    spent = sum((Fraction(r["support"]) for r in funded), Fraction(0))
    assert spent <= budget
    assert spent == Fraction(summary["spent"]) == Fraction("1195.5")
    assert Fraction(summary["left"]) == budget - spent
    trimmed = next(r for r in table if r["proposal_id"] == "KG-2024-001")
    assert (trimmed["status"], trimmed["requested"], trimmed["cap"], trimmed["support"], trimmed["trim"]) == (
        "trimmed", "700", "600", "600", "100")
    assert next(r for r in table if r["proposal_id"] == "KG-2024-005")["support"] == "280.5"
    not_funded = [r for r in table if r["status"] == "not_funded"]
    assert {r["proposal_id"] for r in not_funded} == {"KG-2024-002", "KG-2024-004", "KG-2024-008", "KG-2024-009"}
    for r in not_funded:
        assert r["reason"].strip() and r["reason_code"]
    incomplete = next(r for r in not_funded if r["proposal_id"] == "KG-2024-008")
    assert incomplete["reason_code"] == "documents_incomplete" and incomplete["least_extra"] == ""
    # merit order: II.1's one unit is KG-2024-001's (score 80); no money funds KG-2024-002 (70) in its place
    assert next(r for r in not_funded if r["proposal_id"] == "KG-2024-002")["least_extra"] == ""
    assert all(r["least_extra"] for r in not_funded if r["proposal_id"] not in ("KG-2024-008", "KG-2024-002"))
    by_task = {r["task_id"]: r for r in rows(folder / "by_task.csv")}
    assert by_task["II.2"]["support"] == "530.5" and by_task["II.2"]["funded"] == "2"
    assert sum(Fraction(r["support"]) for r in rows(folder / "by_commune.csv")) == spent
    assert summary["command"][:2] == ["annual", "proposals.csv"] and "--out" not in summary["command"]
    assert [r["role"] for r in summary["inputs"]] == ["proposals", "program"]
    assert summary["rules"] == {"max_per_commune": None, "min_per_region": 0, "cap_cofunding": True,
                                "budget": "1200", "check_extra": False, "rule": "merit", "year_plan": "reserve"}


def test_vietnamese_by_default(selected):
    folder, out = selected
    assert "Kinh phí dành cho các đề án: 1.200 triệu đồng; đã bố trí 1.195,5, còn lại 4,5 triệu đồng." in out
    assert "Được hỗ trợ: 5/9 đề án (4 theo đề nghị, 1 điều chỉnh giảm theo mức hỗ trợ tối đa)" in out
    assert "KG-2024-001 700 → 600" in out
    assert "- KG-2024-008 (nhiệm vụ IV.1, cần 25 triệu đồng): Hồ sơ chưa đầy đủ." in out
    assert "Kinh phí bổ sung ít nhất: 295,5 triệu đồng" in out  # KG-2024-004: 300 less the 4.5 left
    assert "đã kiểm tra bằng cách tính lại" in out
    assert english_words(out) == [], out
    reasons = {r["proposal_id"]: r["reason"] for r in rows(folder / "selection.csv")}
    assert reasons["KG-2024-008"] == "Hồ sơ chưa đầy đủ."
    assert reasons["KG-2024-004"].startswith("Không đủ kinh phí")


def test_english_on_request(project, capsys):
    code, out, err = run(capsys, "annual", "proposals.csv", "--year", "2024", "--budget", BUDGET, "--lang", "en",
                         "--out", "out")
    assert code == 0, err
    assert "Budget for proposals: 1,200 million VND; spent 1,195.5, left 4.5 million VND." in out
    assert "Funded: 5 of 9 proposals (4 as requested, 1 trimmed to the legal cap); not funded: 4." in out
    assert "Least extra budget: 295.5 million VND" in out
    assert "Kinh phí" not in out and "triệu đồng" not in out
    reasons = {r["proposal_id"]: r["reason"] for r in rows(project / "out" / "selection.csv")}
    assert reasons["KG-2024-008"] == "Its documents are incomplete."
    summary = json.loads((project / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["lang"] == "en" and summary["command"][summary["command"].index("--lang") + 1] == "en"


def test_the_budget_of_the_plan_and_the_rules(project, capsys):
    code, out, err = run(capsys, "annual", "proposals.csv", "--year", "2024", "--max-per-commune", "1",
                         "--min-per-region", "0", "--no-cofunding-cap", "--out", "out")
    assert code == 0, err
    summary = json.loads((project / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["rules"] == {"max_per_commune": 1, "min_per_region": 0, "cap_cofunding": False, "budget": None,
                                "check_extra": False, "rule": "merit", "year_plan": "reserve"}
    assert summary["cofunding"] is None
    assert Fraction(summary["budget"]) > 1200  # the year's local budget less the Department's own tasks
    command = summary["command"]
    assert {"--max-per-commune", "--no-cofunding-cap"} <= set(command) and "--min-per-region" not in command
    communes: dict[str, int] = {}
    for r in rows(project / "out" / "selection.csv"):
        if r["status"] != "not_funded":
            communes[r["commune"]] = communes.get(r["commune"], 0) + 1
    assert max(communes.values()) == 1  # KG-2024-003 and -009 share Xã Ngọc Chúc
    assert "Xã Ngọc Chúc" in out


def test_spread_rules_that_cannot_hold_exit_1(project, capsys):
    # one demonstration model is left in 2024: Tân Hiệp and Kiên Lương cannot both have one
    code, out, _ = run(capsys, "annual", "proposals.csv", "--year", "2024", "--min-per-region", "1", "--out", "out")
    assert code == 1
    assert "không có phương án khả thi" in out and "giảm số đề án tối thiểu mỗi khu vực" in out
    assert {p.name for p in (project / "out").iterdir()} == {"summary.json"}
    summary = json.loads((project / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "infeasible" and summary["rules"]["min_per_region"] == 1


def test_reproduce_passes_then_fails_after_an_edit(selected, capsys, monkeypatch):
    monkeypatch.setenv("KGKC_LANG", "en")  # (checks the English wording)
    folder, _ = selected
    code, out, _ = run(capsys, "reproduce", folder)
    assert code == 0, out
    assert out.splitlines()[0].startswith("Re-ran: kgkc-opt annual proposals.csv --year 2024")
    assert "OK: 6 files identical" in out
    selection = folder / "selection.csv"
    selection.write_text(selection.read_text(encoding="utf-8").replace(",280.5,", ",280.6,", 1), encoding="utf-8")
    code, out, _ = run(capsys, "reproduce", folder)
    assert code == 1
    assert "differs: selection.csv" in out and "annual-plan.xlsx" in out


def test_reproduce_refuses_a_changed_proposals_file(selected, capsys, monkeypatch):
    monkeypatch.setenv("KGKC_LANG", "en")  # (checks the English wording)
    folder, _ = selected
    path = folder.parent / "proposals.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",75,", ",76,"), encoding="utf-8")
    code, _, err = run(capsys, "reproduce", folder)
    assert code == 2
    assert "proposals.csv" in err and "has changed" in err


def test_previous_writes_what_changed(selected, capsys):
    folder, _ = selected
    project = folder.parent
    write_proposals(project / "july.csv", withdrawn=("KG-2024-003",), started=("KG-2024-005",))
    code, out, err = run(capsys, "annual", "july.csv", "--year", "2024", "--budget", BUDGET, "--previous", "out",
                         "--out", "july")
    assert code == 0, err
    assert (project / "july" / "changes.csv").exists()
    changes = {r["proposal_id"]: r for r in rows(project / "july" / "changes.csv")}
    withdrawn = changes["KG-2024-003"]
    assert (withdrawn["before"], withdrawn["after"], withdrawn["support"]) == ("funded", "not_funded", "0")
    assert withdrawn["reason"] == "Đề án đã rút."
    assert "KG-2024-005" not in changes  # started: stays funded
    selection = {r["proposal_id"]: r for r in rows(project / "july" / "selection.csv")}
    assert selection["KG-2024-005"]["status"] == "funded"
    assert "Thay đổi so với lần chọn trước" in out and "- KG-2024-003: được hỗ trợ → không được hỗ trợ" in out
    summary = json.loads((project / "july" / "summary.json").read_text(encoding="utf-8"))
    assert {"role": "previous", "path": str(Path("out") / "selection.csv")} in [
        {k: r[k] for k in ("role", "path")} for r in summary["inputs"]]
    code, out, _ = run(capsys, "reproduce", "july")
    assert code == 0, out
    assert "changes.csv" in out
    # the selection.csv itself may be given, and a folder holding an input is not replaced
    code, _, err = run(capsys, "annual", "july.csv", "--year", "2024", "--budget", BUDGET, "--previous",
                       "out/selection.csv", "--out", "out", "--force")
    assert code == 2 and "chứa tệp previous" in err
    assert (folder / "selection.csv").exists()


def test_bad_proposals_exit_2_listing_every_problem(project, capsys, monkeypatch):
    monkeypatch.setenv("KGKC_LANG", "en")  # (checks the English wording)
    write_proposals(project / "bad.csv", extra_rows=(
        "KG-2024-010,Đề án lạ,Cơ sở A,Xã A,Khu A,IX.9,1,100,50,50,50,,,,,,",
        "KG-2024-011,Đề án sai tổng,Cơ sở B,Xã B,Khu B,II.2,1,100,50,40,50,,,,,,"))
    code, out, err = run(capsys, "annual", "bad.csv", "--year", "2024", "--out", "out")
    assert code == 2
    assert "Traceback" not in err and out == ""
    assert "2 problems found" in err
    assert "bad.csv: line 11" in err and "IX.9" in err
    assert "bad.csv: line 12" in err
    assert not (project / "out").exists()


def test_bad_arguments_exit_2(project, capsys):
    code, _, err = run(capsys, "annual", "proposals.csv", "--year", "2030")
    assert code == 2 and "2030" in err and "Traceback" not in err
    code, _, err = run(capsys, "annual", "missing.csv", "--year", "2024")
    assert code == 2 and "missing.csv" in err
    for argv in (["--budget", "abc"], ["--budget", "-5"], ["--max-per-commune", "0"], ["--min-per-region", "x"],
                 ["--program", "kien-giang-2021-2025", "--scenario", "s.yaml"]):
        with pytest.raises(SystemExit) as exc:
            cli.main(["annual", "proposals.csv", "--year", "2024", *argv])
        assert exc.value.code == 2, argv
        assert "cách dùng: kgkc-opt annual" in capsys.readouterr().err  # (Vietnamese by default)


def test_an_existing_folder_needs_force(selected, capsys):
    folder, _ = selected
    code, _, err = run(capsys, "annual", "proposals.csv", "--year", "2024", "--out", folder)
    assert code == 2 and "--force" in err
    code, _, err = run(capsys, "annual", "proposals.csv", "--year", "2024", "--out", folder, "--force")
    assert code == 0, err
    assert json.loads((folder / "summary.json").read_text(encoding="utf-8"))["rules"]["budget"] is None


def test_help_mentions_every_option(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["annual", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for option in ("PROPOSALS", "--year", "--program", "--scenario", "--out", "--force", "--lang",
                   "--max-per-commune", "--min-per-region", "--no-cofunding-cap", "--budget", "--previous",
                   "--check-extra"):
        assert option in out, option
    assert "annual" in cli.build_parser().format_help()
    assert HEADER.startswith("proposal_id")


def test_check_extra_fills_the_column_and_is_reproduced(project, capsys):
    code, _, err = run(capsys, "annual", "proposals.csv", "--year", "2024", "--budget", BUDGET, "--check-extra",
                       "--out", "out")
    assert code == 0, err
    table = rows(project / "out" / "selection.csv")
    figures = [r for r in table if r["least_extra"]]
    assert figures and all(r["funded_at_extra"] in ("true", "false") for r in figures)
    assert "--check-extra" in json.loads((project / "out" / "summary.json").read_text())["command"]
    code, _, err = run(capsys, "reproduce", "out")
    assert code == 0, err


def test_two_channels_with_the_national_money_cut_to_zero(tmp_path, monkeypatch, capsys):
    """National proposals: an envelope funds the best of them; cut to zero, the what-if shows what
    falls back to local money and what it costs; the brief lists each channel apart."""
    from docx import Document

    write_proposals(tmp_path / "p.csv", national=("KG-2024-001", "KG-2024-002", "KG-2024-004"))
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "annual", "p.csv", "--year", "2024", "--budget", BUDGET, "--national-envelope",
                         "600", "--national-fallback", "--national-what-if", "--lang", "en", "--out", "out")
    assert code == 0, err
    table = {r["proposal_id"]: r for r in rows(tmp_path / "out" / "selection.csv")}
    assert table["KG-2024-001"]["channel"] == "national" and table["KG-2024-001"]["source"] == "national"
    assert table["KG-2024-003"]["channel"] == "local" and table["KG-2024-003"]["source"] == "local"
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["national"] == "600" and summary["national_spent"] == "600"
    assert Fraction(summary["spent"]) == sum(Fraction(r["support"]) for r in table.values()
                                             if r["status"] != "not_funded" and r["source"] == "local")
    whatif = rows(tmp_path / "out" / "national_whatif.csv")
    assert [w["case"] for w in whatif] == ["as given", "half", "late or absent"]
    absent = whatif[-1]
    assert absent["national"] == "0" and absent["funded_national"] == "0" and int(absent["fallback"]) >= 1
    assert Fraction(absent["fallback_money"]) > 0  # what the cut costs the local budget
    assert "If the national money is late, partial or absent:" in out
    text = "\n".join(p.text for p in Document(str(tmp_path / "out" / "annual-plan.docx")).paragraphs)
    assert "2.1. National program: national money 600 million VND" in text and "2.2. Local program" in text
    assert "2.3. If the national money is late, partial or absent" in text
    code, out, _ = run(capsys, "reproduce", "out")
    assert code == 0, out
    (tmp_path / "approved.csv").write_text("proposal_id,approved\nKG-2024-002,400\n", encoding="utf-8")
    code, out, err = run(capsys, "annual", "p.csv", "--year", "2024", "--budget", BUDGET, "--national-approved",
                         "approved.csv", "--lang", "en", "--out", "out2")
    assert code == 0, err
    table = {r["proposal_id"]: r for r in rows(tmp_path / "out2" / "selection.csv")}
    assert table["KG-2024-002"]["source"] == "national" and table["KG-2024-002"]["support"] == "400"
    assert table["KG-2024-001"]["status"] == "not_funded" and table["KG-2024-001"]["reason_code"] == "national"
    assert "Not approved by the Ministry" in table["KG-2024-001"]["reason"]


def test_a_channel_that_is_neither_is_refused_at_its_cell(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KGKC_LANG", "en")  # (checks the English wording)
    path = write_proposals(tmp_path / "p.csv", national=())
    path.write_text(path.read_text(encoding="utf-8").replace("địa phương\n", "tỉnh bạn\n", 1), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "annual", "p.csv", "--year", "2024")
    assert code == 2 and "line 2" in err and "channel" in err and "national" in err


def test_the_document_settings_reach_the_word_document_and_the_record(tmp_path, capsys):
    """``annual --document-settings``: the issuing details in the council's Word document, the file
    recorded as an input (with its SHA-256) and in the command, so ``reproduce`` makes it again."""
    from docx import Document

    settings = tmp_path / "settings.yaml"
    settings.write_text("issuer: Sở Công Thương tỉnh Kiên Giang\nnumber: 15/TTr-SCT\nannex: II\n"
                        "date: 2024-03-10\nsigner: Nguyễn Văn A\nsigner_title: GIÁM ĐỐC\ndraft: true\n",
                        encoding="utf-8")
    out = tmp_path / "out"
    proposals = Path(__file__).resolve().parents[2] / "scenarios" / "proposals-2024.csv"
    assert cli.main(["annual", str(proposals), "--year", "2024", "--document-settings", str(settings),
                     "--out", str(out)]) == 0
    text = "\n".join(p.text for p in Document(str(out / "annual-plan.docx")).paragraphs)
    assert "PHỤ LỤC II" in text and "15/TTr-SCT ngày 10 tháng 03 năm 2024" in text and "DỰ THẢO" in text
    assert "Nguyễn Văn A" in text
    record = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert {"role": "document_settings", "path": str(settings)}.items() <= next(
        r for r in record["inputs"] if r["role"] == "document_settings").items()
    assert "--document-settings" in record["command"]
    capsys.readouterr()
    assert cli.main(["reproduce", str(out)]) == 0
    assert "6" in capsys.readouterr().out


def test_a_bad_document_settings_file_is_refused_before_the_selection(tmp_path, capsys):
    settings = tmp_path / "settings.yaml"
    settings.write_text("date: 10/03/2024\n", encoding="utf-8")
    proposals = Path(__file__).resolve().parents[2] / "scenarios" / "proposals-2024.csv"
    assert cli.main(["annual", str(proposals), "--year", "2024", "--document-settings", str(settings),
                     "--out", str(tmp_path / "out")]) == 2
    assert "date" in capsys.readouterr().err and not (tmp_path / "out").exists()

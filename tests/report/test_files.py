"""Writing results: the folder contract, atomic replacement, byte-identical output."""

from __future__ import annotations

import csv
import json
from fractions import Fraction
from pathlib import Path

import pytest

import kgkc_opt as kg
from kgkc_opt.errors import OutputError
from kgkc_opt.report import files as export
from tests.support.checks import provincial_prize_room, solve_checked
from tests.support.paths import FIXTURES

FILES = {"allocation.csv", "achievement.csv", "budget.csv", "summary.json"}


def read_csv(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def tiny_result(tiny_scenario) -> kg.Result:
    return solve_checked(tiny_scenario)


def test_folder_contract(tmp_path, tiny_result):
    out = export.write_result(tiny_result, tmp_path / "out")
    assert out == tmp_path / "out"
    assert {p.name for p in out.iterdir()} == FILES
    alloc = read_csv(out / "allocation.csv")
    assert alloc[0] == ["task_id", "year", "quantity", "local_budget", "cofunding"]
    assert read_csv(out / "achievement.csv")[0] == ["task_id", "target", "achieved", "share",
                                                    "shortfall", "largest_year_share"]
    assert read_csv(out / "budget.csv")[0] == ["year", "source", "cap", "used", "slack",
                                               "shadow_price"]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    for key in ("status", "objective", "gap", "solver", "solver_version", "kgkc_opt",
                "input_hash"):
        assert key in summary, key
    assert summary["status"] == "optimal"
    assert summary["objective"] == tiny_result.objective
    assert summary["gap"] == 0
    assert summary["kgkc_opt"] == kg.__version__
    assert summary["input_hash"] == tiny_result.input_hash
    assert not any(p.name.startswith(".") for p in tmp_path.iterdir())  # no staging left


def test_files_hold_the_result(tmp_path, tiny_result):
    out = export.write_result(tiny_result, tmp_path / "out")
    alloc = read_csv(out / "allocation.csv")[1:]
    assert len(alloc) == len(tiny_result.allocation)
    assert {(r[0], int(r[1])): int(r[2]) for r in alloc} == {
        k: int(v) for k, v in tiny_result.allocation["quantity"].items()}
    assert ["A.2", "2021", "1", "20", "20"] in alloc  # whole amounts print without decimals
    ach = {r[0]: r for r in read_csv(out / "achievement.csv")[1:]}
    assert ach["A.1"] == ["A.1", "6", "5", "0.833333", "1", "0.6"]  # 3 of its 5 classes in one year
    budget = read_csv(out / "budget.csv")[1:]
    assert [r[:2] for r in budget] == [[str(y), s] for y in (2021, 2022, 2023)
                                       for s in ("local", "cofunding")]
    for row, (_, b) in zip(budget, tiny_result.budget.iterrows(), strict=True):
        assert row[2:] == [export.fmt_number(float(b[c]), 9)
                           for c in ("cap", "used", "slack", "shadow_price")]
    assert budget[0][2] == "72" and budget[0][5] == "0.0125"  # 1/80: an A.2 unit at the margin


def test_decision_files(tmp_path, program, baseline_result):
    out = export.write_result(baseline_result, tmp_path / "base")
    budget = {(r[0], r[1]): r for r in read_csv(out / "budget.csv")[1:]}
    assert len(budget) == 10
    # the one prize short (III.8) can only be paid in a year of a provincial round with room for it
    # (139 of 140, the year the schedule gives the two rounds); so one more million is worth 1/630
    # there and nothing elsewhere
    room = provincial_prize_room(baseline_result)
    assert len(room) == 1
    for year in program.years:
        price = float(budget[(str(year), "local")][5])
        assert price == pytest.approx(1 / 630 if year in room else 0, rel=1e-6, abs=1e-12), year
    # money to the đồng: what each year uses, exactly as the plan spends it
    for year in program.years:
        used = sum((program.task(tid).unit_state * q
                    for (tid, y), q in baseline_result.plan.items() if y == year), Fraction(0))
        assert (used * 100).denominator == 1  # the decision's unit costs have at most 2 decimals
        text = budget[(str(year), "local")][3]
        assert Fraction(text) == used, (year, text, used)
    ach = {r[0]: r for r in read_csv(out / "achievement.csv")[1:]}
    assert ach["III.8"][1:] == ["210", "209", "0.995238", "1", "0.665072"]  # 139 of 209 in one year
    assert len(ach) == 24


def test_refuses_a_non_empty_folder_and_leaves_it_untouched(tmp_path, tiny_result):
    target = tmp_path / "out"
    target.mkdir()
    (target / "keep.txt").write_text("precious", encoding="utf-8")
    before = snapshot(target)
    with pytest.raises(OutputError, match="not empty"):
        export.write_result(tiny_result, target)
    assert snapshot(target) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_an_empty_existing_folder_is_used(tmp_path, tiny_result):
    target = tmp_path / "out"
    target.mkdir()
    export.write_result(tiny_result, target)
    assert {p.name for p in target.iterdir()} == FILES


def test_force_replaces_the_folder(tmp_path, tiny_result):
    target = tmp_path / "out"
    target.mkdir()
    (target / "old.txt").write_text("old", encoding="utf-8")
    export.write_result(tiny_result, target, force=True)
    assert {p.name for p in target.iterdir()} == FILES
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no backup left behind


def test_a_file_in_the_way_is_refused(tmp_path, tiny_result):
    target = tmp_path / "out"
    target.write_text("a file", encoding="utf-8")
    with pytest.raises(OutputError, match="not a folder"):
        export.write_result(tiny_result, target, force=True)
    assert target.read_text(encoding="utf-8") == "a file"


def test_a_failed_write_leaves_nothing_behind(tmp_path, tiny_result):
    target = tmp_path / "out"
    target.mkdir()
    (target / "keep.txt").write_text("precious", encoding="utf-8")

    def explode(folder: Path) -> None:
        (folder / "half.csv").write_text("x", encoding="utf-8")
        raise OSError(28, "No space left on device")

    with pytest.raises(OutputError, match="No space left"):
        export.write_folder(target, explode, force=True)
    assert snapshot(target) == {"keep.txt": b"precious"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_same_scenario_same_bytes(tmp_path):
    scn = kg.load_scenario(FIXTURES / "tiny-baseline.yaml")
    a = export.write_result(solve_checked(scn), tmp_path / "a")
    again = kg.load_scenario(FIXTURES / "tiny-baseline.yaml")
    b = export.write_result(solve_checked(again), tmp_path / "b")
    assert snapshot(a) == snapshot(b)


def test_same_decision_scenario_same_bytes(tmp_path, cut20_scenario, cut20_result):
    a = export.write_result(cut20_result, tmp_path / "a")
    b = export.write_result(solve_checked(cut20_scenario), tmp_path / "b")
    assert snapshot(a) == snapshot(b)


def test_infeasible_result_writes_only_the_summary(tmp_path):
    r = kg.solve(kg.load_scenario(FIXTURES / "tiny-infeasible.yaml"))
    out = export.write_result(r, tmp_path / "inf")
    assert {p.name for p in out.iterdir()} == {"summary.json"}
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "infeasible" and summary["objective"] is None


def test_extra_summary_fields(tmp_path, tiny_result):
    out = export.write_result(tiny_result, tmp_path / "x", extra={"inputs": [{"role": "test"}]})
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["inputs"] == [{"role": "test"}]


@pytest.mark.parametrize(
    ("value", "text"),
    [(4658.0, "4658"), (0.12, "0.12"), (1 / 630, "0.001587"), (-0.0, "0"), (-1e-9, "0"),
     (3, "3"), (True, "true"), ("II.2", "II.2"), (4717.88, "4717.88")],
)
def test_fmt_number(value, text):
    assert export.fmt_number(value) == text


def test_write_file_is_atomic(tmp_path):
    path = tmp_path / "s.csv"
    export.write_file(path, "a,b\n")
    assert path.read_text(encoding="utf-8") == "a,b\n"
    with pytest.raises(OutputError):
        export.write_file(path, "c\n", force=False)
    assert path.read_text(encoding="utf-8") == "a,b\n"
    with pytest.raises(OutputError, match="is a folder"):
        export.write_file(tmp_path, "x")
    assert [p.name for p in tmp_path.iterdir()] == ["s.csv"]


def test_allocation_carries_every_source_of_the_program(tmp_path):
    """A program with national funds: allocation.csv has a column for them after the co-funding,
    and each source's column sums to what budget.csv says the plan uses of it, year by year."""
    program = kg.load_program(FIXTURES / "tiny-sources.yaml")
    result = solve_checked(kg.baseline(program))
    out = export.write_result(result, tmp_path / "out")
    alloc = read_csv(out / "allocation.csv")
    assert alloc[0] == ["task_id", "year", "quantity", "local_budget", "cofunding", "national"]
    rows = [dict(zip(alloc[0], r, strict=True)) for r in alloc[1:]]
    budget = {(int(r[0]), r[1]): Fraction(r[3]) for r in read_csv(out / "budget.csv")[1:]}
    national = 0
    for column, source in (("local_budget", "local"), ("cofunding", "cofunding"), ("national", "national")):
        for year in program.years:
            spent = sum(Fraction(r[column]) for r in rows if int(r["year"]) == year)
            assert spent == budget[(year, source)], (column, year)
            national += spent if source == "national" else 0
    assert national > 0  # the plan uses national funds: the column is not an empty echo

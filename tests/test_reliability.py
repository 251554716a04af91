"""Solver faults and nothing partial.

A time limit returns the best plan found, marked with its gap; a missing solver is a clear error
(exit 3); after every solve each constraint is re-checked on the returned values, and a violation
is reported (``SolutionCheckError``, exit 3), never passed on. Outputs are written atomically: an
existing output folder is never left half-overwritten, and ``--force`` is needed to replace it.
"""

from __future__ import annotations

import json
import math
import os
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import FIXTURES, SCENARIOS, assert_plan_valid

import kgkc_opt as kg
from kgkc_opt.cli import app as cli
from kgkc_opt.errors import OutputError, SolutionCheckError, SolverUnavailableError
from kgkc_opt.report import files as export
from kgkc_opt.solver import pulp_model
from kgkc_opt.solver.highs import HighsBackend
from kgkc_opt.solver.pulp_model import PulpBackend
from kgkc_opt.solver.result import Status

TINY = FIXTURES / "tiny-baseline.yaml"


def run(capsys, *argv: object) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else b"", p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*"))}


# ---- time limit ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hard_case() -> kg.Scenario:
    """A 10% cut of every year: the direct model does not prove it optimal within a second."""
    return kg.baseline(kg.load_program()).derive("cut-10", budget={"all": "-10%"})


def test_time_limit_returns_the_best_plan_with_its_gap(hard_case):
    optimum = kg.solve(hard_case)
    assert optimum.status == Status.OPTIMAL and optimum.gap == 0
    stopped = kg.solve(hard_case, method="direct", time_limit=0.5)
    assert stopped.status == Status.FEASIBLE, stopped.message
    assert stopped.has_plan and "time limit" in stopped.message
    assert_plan_valid(hard_case, stopped)  # a plan that is stopped early is still a valid plan
    assert stopped.objective <= optimum.objective + 1e-9
    assert stopped.bound >= optimum.objective - 1e-9  # the bound is a true bound
    assert stopped.gap > 0
    assert math.isclose(stopped.gap, (stopped.bound - stopped.objective) / stopped.objective, rel_tol=1e-9)
    assert "gap ≤" in repr(stopped)


def test_time_limit_on_the_command_line(capsys, tmp_path):
    scenario = tmp_path / "cut-10.yaml"
    scenario.write_text('name: cut-10\nbudget: {all: "-10%"}\n', encoding="utf-8")
    code, out, err = run(capsys, "solve", scenario, "--method", "direct", "--time-limit", "0.5",
                         "--out", tmp_path / "out", "--lang", "en")
    assert code == 0, err
    assert "Status: feasible" in out
    assert "Stopped at the time limit: the plan may be up to" in out and "below the optimum" in out
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "feasible" and summary["gap"] > 0
    assert summary["solver_options"]["time_limit"] == 0.5


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "abc", "-inf"])
def test_a_time_limit_must_be_positive_and_finite(capsys, value):
    with pytest.raises(SystemExit) as info:
        cli.main(["solve", str(TINY), f"--time-limit={value}"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "--time-limit" in err and "expected a number of seconds" in err


# ---- missing solver ------------------------------------------------------------------------------


def test_missing_highs_is_a_clear_error(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "highspy", None)  # import highspy fails
    scenario = kg.load_scenario(TINY)
    with pytest.raises(SolverUnavailableError, match="HiGHS is not installed: python -m pip install highspy"):
        kg.solve(scenario)
    code, out, err = run(capsys, "solve", TINY)
    assert code == 3 and out == ""
    assert err == ("kgkc-opt: HiGHS is not installed: python -m pip install highspy (a dependency of "
                   "kgkc-opt)\n")


def test_missing_cbc_is_a_clear_error(capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(pulp_model, "find_cbc", lambda: None)
    with pytest.raises(SolverUnavailableError, match="CBC is not installed"):
        kg.solve(kg.load_scenario(TINY), solver="cbc")
    code, _, err = run(capsys, "solve", TINY, "--solver", "cbc", "--out", tmp_path / "out")
    assert code == 3 and "python -m pip install 'kgkc-opt[cbc]'" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_an_unknown_solver_is_refused():
    with pytest.raises(SolverUnavailableError, match="unknown solver 'gurobi'"):
        kg.solve(kg.load_scenario(TINY), solver="gurobi")


# ---- every plan is re-checked ----------------------------------------------------------------


def corrupt_solver(monkeypatch, change):
    """Make every integer plan the solver returns pass through ``change(values)`` first."""
    for cls, name in ((PulpBackend, "run"), (HighsBackend, "solve")):
        original = getattr(cls, name)

        def wrapped(*args, _original=original, **kwargs):
            out = _original(*args, **kwargs)
            if out.is_mip and out.values and all(isinstance(k, tuple) for k in out.values):
                values = change(dict(out.values))
                return replace(out, values=values)
            return out

        monkeypatch.setattr(cls, name, wrapped)


def test_a_plan_above_a_cap_is_reported_never_passed_on(monkeypatch):
    scenario = kg.load_scenario(TINY)
    plan = kg.solve(scenario).plan
    # one more training class (10 million, local budget) in its busiest year: within its target,
    # above the year's local cap
    year = max((y for (t, y) in plan if t == "A.1"), key=lambda y: plan[("A.1", y)])

    def more(values):
        values[("A.1", year)] += 1
        return values

    corrupt_solver(monkeypatch, more)
    with pytest.raises(SolutionCheckError) as info:
        kg.solve(scenario)
    message = str(info.value)
    assert message.startswith("the returned plan violates the model")
    assert f"local budget {year}:" in message and "spent, above" in message


def test_a_violation_on_the_command_line_exits_3_and_writes_nothing(capsys, monkeypatch, tmp_path):
    def more(values):
        key = next(k for k, v in values.items() if round(v) > 0)
        values[key] += 1000
        return values

    corrupt_solver(monkeypatch, more)
    out_dir = tmp_path / "out"
    code, _, err = run(capsys, "solve", TINY, "--out", out_dir)
    assert code == 3 and "violates the model" in err and "Traceback" not in err
    assert not out_dir.exists() and os.listdir(tmp_path) == []


def test_fractional_values_are_reported(monkeypatch):
    def fraction(values):
        key = next(iter(values))
        values[key] += 0.4
        return values

    corrupt_solver(monkeypatch, fraction)
    with pytest.raises(SolutionCheckError, match="fractional quantities"):
        kg.solve(kg.load_scenario(TINY))


def test_a_negative_quantity_is_reported(monkeypatch):
    def negative(values):
        key = next(iter(values))
        values[key] = -1.0
        return values

    corrupt_solver(monkeypatch, negative)
    with pytest.raises(SolutionCheckError, match="-1 units"):
        kg.solve(kg.load_scenario(TINY))


# ---- nothing partial ---------------------------------------------------------------------------


def test_existing_folder_needs_force_and_is_left_untouched(capsys, tmp_path):
    out_dir = tmp_path / "out"
    assert run(capsys, "solve", TINY, "--out", out_dir)[0] == 0
    before = snapshot(tmp_path)
    code, out, err = run(capsys, "solve", SCENARIOS / "cut-20pct.yaml", "--out", out_dir)
    assert code == 2 and out == ""  # refused before solving: nothing printed
    assert err == f"kgkc-opt: {out_dir}: the folder exists and is not empty; use --force to replace it\n"
    assert snapshot(tmp_path) == before
    assert run(capsys, "solve", SCENARIOS / "cut-20pct.yaml", "--out", out_dir, "--force")[0] == 0
    summary = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["scenario"] == "cut-20pct"
    assert sorted(os.listdir(tmp_path)) == ["out"]


def test_a_failure_while_replacing_leaves_the_old_folder_whole(capsys, tmp_path, monkeypatch):
    out_dir = tmp_path / "out"
    assert run(capsys, "solve", TINY, "--out", out_dir)[0] == 0
    before = snapshot(tmp_path)
    real_replace = os.replace
    calls = []

    def failing_replace(src, dst):
        calls.append((src, dst))
        if len(calls) == 2:  # the old folder is moved aside; moving the new one in fails
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(export.os, "replace", failing_replace)
    code, _, err = run(capsys, "solve", SCENARIOS / "cut-20pct.yaml", "--out", out_dir, "--force")
    assert code == 2 and "No space left on device" in err
    assert snapshot(tmp_path) == {k: v for k, v in before.items()}  # the old folder, back in place
    assert sorted(os.listdir(tmp_path)) == ["out"]


def test_an_interrupt_while_writing_leaves_nothing(capsys, tmp_path, monkeypatch):
    out_dir = tmp_path / "out"
    assert run(capsys, "solve", TINY, "--out", out_dir)[0] == 0
    before = snapshot(tmp_path)
    real_open = open

    def interrupted_open(path, *args, **kwargs):
        if str(path).endswith("budget.csv"):
            raise KeyboardInterrupt
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", interrupted_open)
    code, _, err = run(capsys, "solve", TINY, "--out", out_dir, "--force")
    monkeypatch.undo()
    assert code == 130 and "interrupted" in err
    assert snapshot(tmp_path) == before
    assert sorted(os.listdir(tmp_path)) == ["out"]


def test_a_file_in_the_way_is_refused_before_solving(capsys, tmp_path):
    target = tmp_path / "plan.csv"
    target.write_text("mine\n", encoding="utf-8")
    code, out, err = run(capsys, "solve", TINY, "--out", target, "--force")
    assert code == 2 and out == "" and err == f"kgkc-opt: {target}: exists and is not a folder\n"
    assert target.read_text(encoding="utf-8") == "mine\n"


def test_force_never_replaces_a_folder_holding_the_inputs(capsys, tmp_path):
    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "tiny-program.yaml").write_bytes((FIXTURES / "tiny-program.yaml").read_bytes())
    (folder / "s.yaml").write_text("name: s\nprogram: tiny-program.yaml\n", encoding="utf-8")
    before = snapshot(tmp_path)
    code, out, err = run(capsys, "solve", folder / "s.yaml", "--out", folder, "--force")
    assert code == 2 and out == ""
    assert "holds the scenario file" in err and "choose another folder" in err
    assert snapshot(tmp_path) == before


def test_an_unusable_output_name_is_an_output_error(tmp_path, capsys):
    long_name = tmp_path / ("x" * 300)
    with pytest.raises(OutputError, match="cannot be used as the output folder"):
        export.check_folder(long_name)
    code, _, err = run(capsys, "solve", TINY, "--out", long_name)
    assert code == 2 and "Traceback" not in err
    assert os.listdir(tmp_path) == []


def test_an_unreadable_input_is_an_input_error(capsys, tmp_path, monkeypatch):
    path = tmp_path / "s.yaml"
    path.write_text("name: s\n", encoding="utf-8")

    def denied(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", denied)
    code, _, err = run(capsys, "solve", path)
    assert code == 2 and err == f"kgkc-opt: {path}: cannot be read: Permission denied\n"

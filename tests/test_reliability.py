"""Solver faults and nothing partial.

A time limit returns the best plan found, marked with its gap; a missing solver is a clear error
(exit 3); after every solve each constraint is re-checked on the returned values, and a violation
is reported (``SolutionCheckError``, exit 3), never passed on. Outputs are written atomically: an
existing output folder is never left half-overwritten, and ``--force`` is needed to replace it.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

import kgkc_opt as kg
from kgkc_opt.cli import app as cli
from kgkc_opt.errors import OutputError, SolutionCheckError, SolverUnavailableError
from kgkc_opt.inputs import files as loaders
from kgkc_opt.report import files as export
from kgkc_opt.solver import pulp_model
from kgkc_opt.solver.highs import HighsBackend
from kgkc_opt.solver.pulp_model import PulpBackend
from kgkc_opt.solver.result import Status
from tests.support.checks import assert_plan_valid
from tests.support.paths import FIXTURES, SCENARIOS

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


# ---- no result depends on the clock -------------------------------------------------------------


@pytest.fixture
def clock_jumps(monkeypatch):
    """``time.perf_counter`` jumps 1,000 s forward at every call: the slowest machine there is,
    deterministically (HiGHS's own clock is not moved: see ``solver_time_limits``)."""
    real = time.perf_counter
    calls = itertools.count(1)
    monkeypatch.setattr(time, "perf_counter", lambda: real() + 1000.0 * next(calls))


@pytest.fixture
def solver_time_limits(monkeypatch) -> list[float | None]:
    """The time limit of every HiGHS run (the back-end's ``solve``) made while the test runs."""
    seen: list[float | None] = []
    solve = HighsBackend.solve

    def spy(self, m, *, time_limit=None, **kwargs):
        seen.append(time_limit)
        return solve(self, m, time_limit=time_limit, **kwargs)

    monkeypatch.setattr(HighsBackend, "solve", spy)
    return seen


@pytest.mark.parametrize("name", ["cut-20pct", "priorities-cut-30pct", "an-giang-2026-2030"])
def test_no_plan_depends_on_the_clock(name, request):
    """The same plan with the clock jumping 1,000 s at every reading (the aggregate and schedule
    path, the probe's, and 20 no-good cuts then the coupled stage): no stage is given a share of
    the time, and there is no time limit unless the user gives one."""
    scenario = kg.load_scenario(SCENARIOS / f"{name}.yaml")
    quiet = kg.solve(scenario, with_shadow_prices=False)
    request.getfixturevalue("clock_jumps")
    slow = kg.solve(scenario, with_shadow_prices=False)
    assert slow.status == quiet.status == Status.OPTIMAL, slow.message
    assert (slow.method, slow.message) == (quiet.method, quiet.message)
    assert dict(slow.plan) == dict(quiet.plan)
    assert slow.objective_values == quiet.objective_values
    assert slow.solver_options["time_limit"] is None


def test_no_solver_run_has_a_time_limit_unless_the_user_gives_one(solver_time_limits, cut20_scenario):
    kg.solve(cut20_scenario, with_shadow_prices=False)
    assert solver_time_limits and set(solver_time_limits) == {None}
    solver_time_limits.clear()
    kg.solve(cut20_scenario, with_shadow_prices=False, time_limit=600)  # the user's: every run has it
    assert solver_time_limits and all(t is not None and 0 < t <= 600 for t in solver_time_limits)


def test_a_stop_at_a_node_limit_says_so_not_the_time_limit(capsys, monkeypatch, tmp_path):
    """Without a time limit a search ends on its counts; the full model's (here cut to 1 node) is a
    stop like a time limit's, reported as what it is, with a true gap."""
    from kgkc_opt.solver import decompose

    monkeypatch.setattr(decompose, "FULL_NODE_LIMIT", 1)
    scenario = tmp_path / "cut-10.yaml"
    scenario.write_text('name: cut-10\nbudget: {all: "-10%"}\n', encoding="utf-8")
    code, out, err = run(capsys, "solve", scenario, "--method", "direct", "--out", tmp_path / "out", "--lang", "en")
    assert code == 0, err
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "feasible" and "node limit" in summary["message"]
    assert summary["bound"] > summary["objective"] and summary["solver_options"]["time_limit"] is None
    assert "Status: feasible, stopped at a node limit (not proven optimal)" in out
    assert "Stopped at a node limit: the plan may be up to" in out and "time limit" not in out


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "abc", "-inf"])
def test_a_time_limit_must_be_positive_and_finite(capsys, value):
    with pytest.raises(SystemExit) as info:
        cli.main(["solve", str(TINY), f"--time-limit={value}"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "--time-limit" in err and "expected a number of seconds" in err


# ---- missing solver ------------------------------------------------------------------------------


def test_missing_highs_is_a_clear_error(capsys, monkeypatch):
    monkeypatch.setenv("KGKC_LANG", "en")  # (checks the English wording)
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
            plan_shaped = out.values and all(isinstance(k, tuple) and isinstance(k[1], int) for k in out.values)
            if out.is_mip and plan_shaped and any(round(v) > 0 for v in out.values.values()):
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
        if ("A.1", year) in values:
            values[("A.1", year)] += 10  # ten more classes: above the target and the year's cap
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
    code, _, err = run(capsys, "solve", TINY, "--out", out_dir, "--lang", "en")
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


def test_existing_folder_needs_force_and_is_left_untouched(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("KGKC_LANG", "en")  # (checks the English wording)
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


def test_a_file_in_the_way_is_refused_before_solving(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("KGKC_LANG", "en")  # (checks the English wording)
    target = tmp_path / "plan.csv"
    target.write_text("mine\n", encoding="utf-8")
    code, out, err = run(capsys, "solve", TINY, "--out", target, "--force")
    assert code == 2 and out == "" and err == f"kgkc-opt: {target}: exists and is not a folder\n"
    assert target.read_text(encoding="utf-8") == "mine\n"


def test_force_never_replaces_a_folder_holding_the_inputs(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("KGKC_LANG", "en")  # (checks the English wording)
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
    monkeypatch.setenv("KGKC_LANG", "en")  # (checks the English wording)
    path = tmp_path / "s.yaml"
    path.write_text("name: s\n", encoding="utf-8")

    real_open = os.open

    def denied(name, *args, **kwargs):
        if str(name) == str(path):
            raise PermissionError(13, "Permission denied")
        return real_open(name, *args, **kwargs)

    monkeypatch.setattr(loaders.os, "open", denied)  # root may read anything: the refusal is simulated
    code, _, err = run(capsys, "solve", path)
    assert code == 2 and err == f"kgkc-opt: {path}: cannot be read: Permission denied\n"


# ---- every output checked before solving, all or nothing ---------------------------------------


def refused_before_solving(capsys, tmp_path, *argv: object) -> str:
    """Run a command that must be refused before it solves: exit 2, nothing printed, nothing written."""
    before = snapshot(tmp_path)
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "", (code, out, err)  # the plan is printed only after solving
    assert "Traceback" not in err
    assert snapshot(tmp_path) == before
    return err


def test_a_workbook_of_the_wrong_kind_is_refused_before_solving(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("KGKC_LANG", "en")  # (checks the English wording)
    err = refused_before_solving(capsys, tmp_path, "solve", TINY, "--out", tmp_path / "out", "--xlsx",
                                 tmp_path / "plan.xls")
    assert err == f"kgkc-opt: {tmp_path / 'plan.xls'}: the workbook is written as .xlsx\n"


@pytest.mark.parametrize("where", ["under-a-file", "a-folder", "a-device", "inside-out"])
def test_an_unwritable_workbook_is_refused_before_solving(capsys, tmp_path, where, monkeypatch):
    monkeypatch.setenv("KGKC_LANG", "en")  # (checks the English wording)
    (tmp_path / "notes.txt").write_text("x\n", encoding="utf-8")
    (tmp_path / "plan.xlsx").mkdir()
    xlsx = {"under-a-file": tmp_path / "notes.txt" / "plan.xlsx", "a-folder": tmp_path / "plan.xlsx",
            "a-device": Path("/dev/null"), "inside-out": tmp_path / "out" / "plan.xlsx"}[where]
    if where == "a-device":
        with pytest.raises(OutputError, match="is a device, not a file"):
            export.check_file(xlsx)
        return
    err = refused_before_solving(capsys, tmp_path, "solve", TINY, "--out", tmp_path / "out", "--xlsx", xlsx)
    expected = {"under-a-file": "notes.txt is not a folder", "a-folder": "is a folder, expected a file name",
                "inside-out": "lies in the output folder"}[where]
    assert expected in err and str(xlsx) in err


@pytest.mark.parametrize(("command", "out"), [
    (["chart", "budget", TINY], "chart.gif"), (["report", TINY], "brief.pdf"),
    (["chart", "budget", TINY], "a-file/chart.png"), (["report", TINY], "a-file/brief.html"),
    (["compare", TINY, TINY], "a-file/c.csv"), (["sweep", TINY, "--budget", "100,90"], "a-file/s.csv"),
    (["reconstruct", FIXTURES / "tiny-program.yaml"], "a-file/r.csv"),
])
def test_every_command_checks_its_output_before_solving(capsys, tmp_path, command, out):
    (tmp_path / "a-file").write_text("x\n", encoding="utf-8")
    err = refused_before_solving(capsys, tmp_path, *command, "--out", tmp_path / out)
    assert str(tmp_path / out) in err


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.mark.parametrize("existing", [False, True])
def test_a_failing_workbook_leaves_no_folder(capsys, tmp_path, monkeypatch, existing):
    """solve --out DIR --xlsx FILE: the workbook fails as it is written; DIR is not left behind (or,
    replaced with --force, is put back as it was), and no staging entry either."""
    monkeypatch.setenv("KGKC_LANG", "en")  # (checks the English wording)
    out_dir, xlsx = tmp_path / "out", tmp_path / "plan.xlsx"
    if existing:
        assert run(capsys, "solve", TINY, "--out", out_dir, "--xlsx", xlsx)[0] == 0
    before = snapshot(tmp_path)
    from kgkc_opt.report import files as report_files

    real_write = report_files._write

    def full(path, content):  # the disk fills up as the workbook (a zip file) is written
        if isinstance(content, bytes) and content[:2] == b"PK":
            raise OSError(28, "No space left on device")
        return real_write(path, content)

    monkeypatch.setattr(report_files, "_write", full)
    code, out, err = run(capsys, "solve", SCENARIOS / "cut-20pct.yaml", "--out", out_dir, "--force", "--xlsx", xlsx)
    assert code == 2 and err == f"kgkc-opt: {xlsx}: cannot write: No space left on device\n"
    assert "Wrote" not in out
    assert snapshot(tmp_path) == before and hidden(tmp_path) == []


def test_a_failure_publishing_the_second_output_undoes_the_first(capsys, tmp_path, monkeypatch):
    out_dir, xlsx = tmp_path / "out", tmp_path / "plan.xlsx"
    assert run(capsys, "solve", TINY, "--out", out_dir, "--xlsx", xlsx)[0] == 0
    before = snapshot(tmp_path)
    real_replace = os.replace

    def failing(src, dst):
        if Path(dst) == xlsx:
            raise OSError(5, "Input/output error")
        return real_replace(src, dst)

    monkeypatch.setattr(export.os, "replace", failing)
    code, _, err = run(capsys, "solve", SCENARIOS / "cut-20pct.yaml", "--out", out_dir, "--force", "--xlsx", xlsx)
    assert code == 2 and "Input/output error" in err
    monkeypatch.undo()
    assert snapshot(tmp_path) == before and hidden(tmp_path) == []


def dead_pid() -> int:
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(child.stdout)


def test_the_next_run_removes_what_a_killed_run_left(capsys, tmp_path):
    """A run killed (SIGKILL) while it replaced DIR: the old folder moved aside, the new one staged.
    The next run puts the old folder back, removes the staging, then does its own work."""
    out_dir = tmp_path / "out"
    assert run(capsys, "solve", TINY, "--out", out_dir)[0] == 0
    script = (
        "import os, signal, sys\n"
        "from kgkc_opt.cli import app\n"
        "from kgkc_opt.report import files\n"
        "real = os.replace\n"
        "def replace(src, dst):\n"
        "    real(src, dst)\n"
        "    if '.old.' in os.path.basename(dst):\n"
        "        os.kill(os.getpid(), signal.SIGKILL)  # killed with the old folder moved aside\n"
        "files.os.replace = replace\n"
        f"app.run(['solve', {str(SCENARIOS / 'cut-20pct.yaml')!r}, '--out', {str(out_dir)!r}, '--force'])\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    killed = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    left = hidden(tmp_path)
    assert not out_dir.exists() and len(left) == 2, left  # .kgkc-...old.out and .kgkc-...new.out
    assert {name.split(".")[2] for name in left} == {"old", "new"}
    # another host's or a running process's entries are not ours to remove
    alive = tmp_path / f".kgkc-{export._host()}-{os.getpid()}-0123abcd.new.out"
    other_host = tmp_path / f".kgkc-00000000-{dead_pid()}-0123abcd.new.out"
    alive.mkdir()
    other_host.mkdir()
    assert export.remove_stale(out_dir) and out_dir.is_dir()  # the old folder back in place
    summary = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["scenario"] == "tiny-baseline"
    assert hidden(tmp_path) == sorted([alive.name, other_host.name])
    alive.rmdir()
    other_host.rmdir()
    # stale entries of a file output, left by a dead process, go on the next write
    stale = tmp_path / f".kgkc-{export._host()}-{dead_pid()}-0123abcd.new.plan.csv"
    stale.write_text("half", encoding="utf-8")
    code, _, err = run(capsys, "reconstruct", FIXTURES / "tiny-program.yaml", "--out", tmp_path / "plan.csv")
    assert code == 0, err
    assert hidden(tmp_path) == [] and sorted(os.listdir(tmp_path)) == ["out", "plan.csv"]


# ---- Ctrl-C never prints a traceback -------------------------------------------------------------


@pytest.mark.parametrize("when", ["at-exit", "after-main"])
def test_a_ctrl_c_just_after_a_run_finished_prints_no_traceback(tmp_path, when):
    """SIGINT as Python shuts down (an atexit hook, as a thread join would be), or just after ``main``
    returned: the run's outputs are whole, and no traceback is printed."""
    hook = {
        "at-exit": "atexit.register(lambda: os.kill(os.getpid(), signal.SIGINT))\n",
        "after-main": ("main = app.main\n"
                       "def late(argv=None):\n"
                       "    code = main(argv)\n"
                       "    os.kill(os.getpid(), signal.SIGINT)\n"
                       "    return code\n"
                       "app.main = late\n"),
    }[when]
    script = ("import atexit, os, signal\nsignal.signal(signal.SIGINT, signal.default_int_handler)\n"
              "from kgkc_opt.cli import app\n" + hook
              + f"app.run(['solve', {str(TINY)!r}, '--out', {str(tmp_path / 'out')!r}])\n")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stderr and "KeyboardInterrupt" not in done.stderr, done.stderr
    assert done.returncode in (0, 130), done.stderr
    assert (tmp_path / "out" / "summary.json").is_file() and hidden(tmp_path) == []


def test_a_ctrl_c_during_a_run_exits_130_without_a_traceback(tmp_path):
    # Ctrl-C as in a terminal, even where the test runner's worker ignores SIGINT (pytest-xdist):
    # a child inherits an ignored SIGINT, and Python then installs no KeyboardInterrupt handler
    script = ("import os, signal\nsignal.signal(signal.SIGINT, signal.default_int_handler)\n"
              "from kgkc_opt.analysis import plan\nfrom kgkc_opt.cli import app\n"
              "solve = plan.solve\n"
              "def interrupted(*a, **k):\n"
              "    os.kill(os.getpid(), signal.SIGINT)\n"
              "    return solve(*a, **k)\n"
              "plan.solve = interrupted\n"
              f"app.run(['solve', {str(TINY)!r}, '--out', {str(tmp_path / 'out')!r}])\n")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 130 and done.stderr == "kgkc-opt: interrupted\n", done.stderr
    assert os.listdir(tmp_path) == []


# ---- actuals of every year: nothing to plan, reported -------------------------------------------


def test_actuals_of_every_year_plan_nothing_and_report(capsys, tmp_path):
    (tmp_path / "tiny-program.yaml").write_bytes((FIXTURES / "tiny-program.yaml").read_bytes())
    (tmp_path / "done.csv").write_text("task_id,year,quantity,spend\nA.1,2021,2,20\nA.1,2022,2,20\n"
                                       "A.2,2023,1,20\n", encoding="utf-8")
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: done\nprogram: tiny-program.yaml\nactuals: done.csv\n", encoding="utf-8")
    code, out, err = run(capsys, "solve", scenario, "--out", tmp_path / "out", "--xlsx", tmp_path / "plan.xlsx",
                         "--lang", "en")
    assert code == 0 and err == "", err
    assert "Nothing is left to plan: the actuals cover every year of the program (2021–2023)" in out
    assert "executed up to 2023, nothing left to re-plan" in out
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "optimal"
    result = kg.solve(kg.load_scenario(scenario))
    assert result.plan == {} and len(result.budget) == 0
    assert result.achievement.loc["A.1", "achieved"] == 4 and result.achievement.loc["A.2", "achieved"] == 1


def test_a_reader_that_stops_early_does_not_stop_the_files(tmp_path):
    """``kgkc-opt solve --out DIR | head -0``: the reader is gone before the summary is printed; the
    folder is written whole all the same, the exit is 0, no traceback."""
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    reader = subprocess.Popen([sys.executable, "-m", "kgkc_opt", "solve", str(TINY), "--out", str(tmp_path / "out")],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert reader.stdout is not None and reader.stderr is not None
    reader.stdout.close()  # before anything is printed (solving takes longer than this)
    err = reader.stderr.read().decode()
    assert reader.wait(timeout=300) == 0, err
    assert "Traceback" not in err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "achievement.csv", "allocation.csv", "budget.csv", "summary.json"]


# ---- CBC where it is installed, without activation ----------------------------------------------


def test_cbc_runs_from_the_venv_without_activation(tmp_path):
    """``<venv>/bin/kgkc-opt solve ... --solver cbc`` with a PATH that has no cbc and no venv on it."""
    script = Path(sys.executable).parent / "kgkc-opt"
    if not script.is_file():
        pytest.skip(f"kgkc-opt is not installed next to {sys.executable} (tests run from a source tree)")
    assert pulp_model.find_cbc() is not None, "CBC is part of the test install (pip install -e '.[test]')"
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    done = subprocess.run([str(script), "solve", str(TINY), "--solver", "cbc", "--lang", "en",
                           "--out", str(tmp_path / "out")], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Status: optimal" in done.stdout
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["solver"] == "cbc" and summary["solver_version"].startswith("CBC")


def test_the_cbc_message_says_how_to_get_it():
    message = str(pulp_model.cbc_missing())
    assert "pip install 'kgkc-opt[cbc]'" in message and sys.executable in message

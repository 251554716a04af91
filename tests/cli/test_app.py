"""The command line, in-process through ``cli.main`` (plus one real subprocess)."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kgkc_opt.cli import app as cli
from tests.support.paths import FIXTURES, ROOT, SCENARIOS


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_solve_baseline(capsys):
    code, out, err = run(capsys, "solve", str(SCENARIOS / "baseline.yaml"))
    assert code == 0, err
    assert "Kết quả: tối ưu (đã chứng minh)" in out
    assert "Tổng tỷ lệ hoàn thành mục tiêu: 23,995238 trên 24" in out
    import kgkc_opt as kg
    from kgkc_opt.report import fmt

    used = kg.solve(kg.load_scenario(SCENARIOS / "baseline.yaml")).budget.loc[(2021, "local"), "used"]
    assert "III.8" in out and "209/210 cơ sở" in out and fmt.number(used, "vi") in out
    assert err == ""
    code, out, _ = run(capsys, "solve", str(SCENARIOS / "baseline.yaml"), "--lang", "en")
    assert "Status: optimal (proven)" in out and "Objective: 23.995238 of 24" in out
    assert "209/210 establishments" in out and "1 establishment" in out and fmt.number(used, "en") in out


def test_solve_writes_the_folder(capsys, tmp_path):
    out_dir = tmp_path / "out"
    code, out, _ = run(capsys, "solve", str(SCENARIOS / "cut-20pct.yaml"), "--out", str(out_dir))
    assert code == 0
    assert {p.name for p in out_dir.iterdir()} == {"allocation.csv", "achievement.csv",
                                                    "budget.csv", "summary.json"}
    summary = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["objective"] == pytest.approx(23.415238095238095, abs=1e-9)
    assert summary["changes"][0] == "budget.2021: 4658 → 3726.4"
    roles = {r["role"] for r in summary["inputs"]}
    assert roles == {"scenario", "program"}
    assert "Vốn ngân sách các năm 2021–2025 giảm 20%" in out


def test_existing_out_folder_needs_force(capsys, tmp_path):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "keep.txt").write_text("keep", encoding="utf-8")
    scenario = str(FIXTURES / "tiny-baseline.yaml")
    code, _, err = run(capsys, "solve", scenario, "--out", str(out_dir))
    assert code == 2
    assert "--force" in err and str(out_dir) in err
    assert "Traceback" not in err
    assert [p.name for p in out_dir.iterdir()] == ["keep.txt"]
    code, _, _ = run(capsys, "solve", scenario, "--out", str(out_dir), "--force")
    assert code == 0
    assert "keep.txt" not in {p.name for p in out_dir.iterdir()}


def test_bad_scenario_exits_2_naming_the_file(capsys):
    path = str(FIXTURES / "tiny-bad-two-keys.yaml")
    code, out, err = run(capsys, "solve", path)
    assert code == 2
    assert "Traceback" not in err
    assert f"{path}: budget.2022:" in err and f"{path}: targets.Z.9:" in err
    assert out == ""


def test_missing_scenario_exits_2(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("KGKC_LANG", "en")  # (checks the English wording)
    code, _, err = run(capsys, "solve", str(tmp_path / "nope.yaml"))
    assert code == 2 and "no such file" in err and "Traceback" not in err


def test_debug_shows_the_exception(tmp_path):
    from kgkc_opt.errors import ScenarioError

    with pytest.raises(ScenarioError):
        cli.main(["--debug", "solve", str(tmp_path / "nope.yaml")])


def test_infeasible_scenario_exits_1(capsys):
    code, out, _ = run(capsys, "solve", str(FIXTURES / "tiny-infeasible.yaml"))
    assert code == 1
    assert "không có phương án khả thi" in out
    assert "A.2" in out


def test_infeasible_scenario_with_out_writes_the_summary(capsys, tmp_path):
    out_dir = tmp_path / "inf"
    code, _, _ = run(capsys, "solve", str(FIXTURES / "tiny-infeasible.yaml"), "--out", str(out_dir))
    assert code == 1
    summary = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "infeasible"
    assert {p.name for p in out_dir.iterdir()} == {"summary.json"}


@pytest.mark.parametrize("command", ["program", "scenario"])
def test_a_command_without_its_action_is_a_usage_error(capsys, command):
    assert cli.main([command]) == 2
    assert "usage: kgkc-opt " + command in capsys.readouterr().err


def test_solve_options(capsys):
    scenario = str(FIXTURES / "tiny-baseline.yaml")
    code, out, _ = run(capsys, "solve", scenario, "--solver", "cbc", "--method", "direct",
                       "--time-limit", "30")
    assert code == 0
    assert "Tổng tỷ lệ hoàn thành mục tiêu: 3,583333 trên 4" in out


def test_audit_json(capsys):
    code, out, _ = run(capsys, "audit", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["program"] == "kien-giang-2021-2025"
    codes = {f["code"] for f in doc["findings"]}
    assert {"column-vs-stated-total", "table-exceeds-annual-budget", "target-vs-table"} <= codes
    assert all(set(f) == {"severity", "code", "message", "sources"} for f in doc["findings"])


def test_audit_text_of_a_program_file(capsys):
    code, out, _ = run(capsys, "audit", str(FIXTURES / "audit-faults.yaml"))
    assert code == 0
    assert "[lỗi]" in out and "vượt mức tối đa" in out
    code, out, _ = run(capsys, "audit", str(FIXTURES / "audit-faults.yaml"), "--lang", "en")
    assert "[error] row-sum" in out and "[error] legal-cap-exceeded" in out


def test_audit_of_a_bad_program_exits_2(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("KGKC_LANG", "en")  # (checks the English wording)
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\n", encoding="utf-8")
    code, _, err = run(capsys, "audit", str(bad))
    assert code == 2 and str(bad) in err and "required key is missing" in err


def test_program_show_csv(capsys):
    code, out, _ = run(capsys, "program", "show", "--csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["id", "unit", "quantity", "total", "ns", "other", "years"]
    assert len(rows) == 1 + 24
    viii6 = next(r for r in rows if r[0] == "VIII.6")
    assert viii6 == ["VIII.6", "Người", "75", "1341", "1341", "0", "2021 2022 2023 2024 2025"]


def test_program_show_table(capsys):
    code, out, _ = run(capsys, "program", "show", str(FIXTURES / "tiny-program.yaml"))
    assert code == 0
    assert "Chương trình thử nghiệm" in out and "B.2" in out


def test_unknown_program_exits_2(capsys):
    code, _, err = run(capsys, "program", "show", "atlantis")
    assert code == 2 and "kien-giang-2021-2025" in err


def test_reconstruct(capsys, tmp_path):
    out_csv = tmp_path / "schedule.csv"
    code, out, _ = run(capsys, "reconstruct", "--out", str(out_csv))
    assert code == 0
    assert "tối ưu" in out and "1 triệu đồng" in out
    rows = list(csv.reader(io.StringIO(out_csv.read_text(encoding="utf-8"))))
    assert rows[0] == ["task_id", "year", "quantity", "local_budget", "cofunding"]


def test_scenario_show(capsys):
    code, out, _ = run(capsys, "scenario", "show", str(SCENARIOS / "cut-20pct.yaml"))
    assert code == 0
    assert "Phương án: Giảm 20% vốn ngân sách mỗi năm" in out
    assert "Thay đổi so với quyết định (1):" in out and "Vốn ngân sách các năm 2021–2025 giảm 20%" in out
    for year, new in [(2021, "3.726,4"), (2022, "3.774,4"), (2025, "3.918,4")]:
        assert any(line.startswith(str(year)) and new in line for line in out.splitlines()), year
    code, out, _ = run(capsys, "scenario", "show", str(SCENARIOS / "cut-20pct.yaml"), "--lang", "en")
    assert "Changes from the decision (1):" in out and "3,726.4" in out


def test_no_command_prints_help(capsys):
    code, out, _ = run(capsys)
    assert code == 2 and "usage" in out.lower()


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["--version"])
    assert info.value.code == 0
    assert "kgkc-opt" in capsys.readouterr().out


def test_python_m_kgkc_opt_solve(tmp_path):
    """The real entry point, in a fresh interpreter."""
    out_dir = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [sys.executable, "-m", "kgkc_opt", "solve", "scenarios/baseline.yaml",
         "--out", str(out_dir)],
        cwd=ROOT, capture_output=True, text=True, encoding="utf-8", env=env, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Kết quả: tối ưu" in proc.stdout
    assert "Traceback" not in proc.stderr
    summary = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "optimal"
    assert summary["objective"] == pytest.approx(24 - 1 / 210, abs=1e-9)


def test_solve_out_imports_no_pandas(tmp_path):
    """A solve with its result folder is printed and written from plain rows (issue 13: pandas
    only where a DataFrame is asked for)."""
    code = ("import sys; from kgkc_opt import cli; "
            f"code = cli.main(['solve', 'scenarios/baseline.yaml', '--out', {str(tmp_path / 'out')!r}]); "
            "print('PANDAS' if 'pandas' in sys.modules else 'NO-PANDAS'); sys.exit(code)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, encoding="utf-8",
                          env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.rstrip().endswith("NO-PANDAS")
    assert "Nhiệm vụ chưa đạt mục tiêu (1):" in proc.stdout and (tmp_path / "out" / "allocation.csv").exists()


def test_solve_refuses_a_rule_not_in_force_and_audit_reports_it(capsys, tmp_path):
    """Issue 22.6: a dated rule whose first version starts after a planned year (2026-03-01, the
    program from 2025): solve stops at the door naming the scenario, the task, the rule and the
    year (exit 2, one line); audit, which reads the program alone, reports it as an error."""
    text = (FIXTURES / "tiny-sources.yaml").read_text(encoding="utf-8")
    text = text.replace(text[text.index("    changes:\n      - valid_from: 2026-01-01"):text.index("groups:")], "")
    (tmp_path / "late.yaml").write_text(text.replace("valid_from: 2018-01-01", "valid_from: 2026-03-01"),
                                        encoding="utf-8")
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: late\nprogram: late.yaml\n", encoding="utf-8")
    code, out, err = run(capsys, "solve", str(scenario), "--lang", "en")
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith(f"kgkc-opt: {scenario}: program: task A.2 is planned in 2025, but "
                                                   "its support rule machinery has no version in force in 2025")
    code, out, err = run(capsys, "audit", str(tmp_path / "late.yaml"), "--lang", "en", "--no-schedule",
                         "--fail-on", "error")
    assert code == 1 and "rule-not-in-force" in out and "no version in force in 2025" in out


# --- Ctrl-C: one line, exit 130, nothing left (issue 22.12) ----------------------------------------

#: The console script of this interpreter's environment (what a user types), if installed.
CONSOLE_SCRIPT = Path(sys.executable).parent / "kgkc-opt"


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def _sigint_as_in_a_terminal() -> None:
    """(In the child, before it runs the command.) SIGINT's default disposition, as under a terminal:
    a runner started in the background or by pytest-xdist ignores SIGINT, a child inherits that,
    and Python then installs no KeyboardInterrupt handler, so the Ctrl-C would do nothing."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _interrupt(command: list[str], out: Path, library: str, cpu_after: int = 0) -> subprocess.CompletedProcess:
    """Run ``command`` and send it SIGINT once ``library`` (a shared object) is loaded and it has
    used ``cpu_after`` more clock ticks of CPU: moments named by what the process has done, not by
    the clock, so the test says the same on a loaded machine. The process is stopped (SIGSTOP) at
    that moment and the SIGINT lands when it continues: it cannot finish in between."""
    proc = subprocess.Popen(command, cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)), text=True,
                            encoding="utf-8", stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=_sigint_as_in_a_terminal)
    try:
        start = None
        while proc.poll() is None:
            if start is None and library in Path(f"/proc/{proc.pid}/maps").read_text():
                start = _cpu_ticks(proc.pid)
            if start is not None and _cpu_ticks(proc.pid) >= start + cpu_after:
                os.kill(proc.pid, signal.SIGSTOP)
                break
            time.sleep(0.001)
        assert proc.poll() is None, f"the command ended before the moment ({library}, +{cpu_after} ticks)"
        os.kill(proc.pid, signal.SIGINT)
        os.kill(proc.pid, signal.SIGCONT)
        stdout, stderr = proc.communicate(timeout=600)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    return subprocess.CompletedProcess(command, proc.returncode, stdout, stderr)


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs /proc (Linux)")
@pytest.mark.parametrize(("library", "cpu_after"), [
    ("yaml/_yaml", 0),                  # while the modules load (the first library `run` imports)
    ("numpy/_core/_multiarray", 0),     # deeper in the imports
    ("highspy/_core", 0),               # the solver loaded, the model being built
    ("highspy/_core", 30),              # mid-solve: 0.3 s of CPU later
])
@pytest.mark.parametrize("entry", ["console-script", "python -m"])
def test_ctrl_c_ends_with_one_line_and_exit_130(tmp_path, library, cpu_after, entry):
    if entry == "console-script" and not CONSOLE_SCRIPT.exists():
        pytest.skip("kgkc-opt is not installed in this environment")
    pytest.importorskip({"yaml/_yaml": "yaml._yaml", "highspy/_core": "highspy._core"}.get(library, "numpy"))
    start = [str(CONSOLE_SCRIPT)] if entry == "console-script" else [sys.executable, "-m", "kgkc_opt"]
    out = tmp_path / "out"
    done = _interrupt([*start, "solve", "scenarios/priorities-cut-30pct.yaml", "--out", str(out)], out, library,
                      cpu_after)
    assert (done.returncode, done.stderr, done.stdout) == (130, "kgkc-opt: interrupted\n", "")
    assert list(tmp_path.iterdir()) == []  # no result folder, no hidden staging entry


#: ``sitecustomize`` modules that make a Ctrl-C land at a chosen line, for the races the timed
#: moments above meet only now and then: they replace the command's work (``_dispatch``).
_LANDINGS = {
    # CPython marks a KeyboardInterrupt that leaves code run from a string (dataclasses and
    # namedtuple build their methods so) as unhandled, even once caught: under ``python -m`` the
    # interpreter then ended itself by SIGINT (-2) after the one line.
    "in code built from a string": """
import kgkc_opt.cli.app as app

def _dispatch(args, parser):
    exec("import signal; signal.raise_signal(signal.SIGINT)")

app._dispatch = _dispatch
""",
    # A Ctrl-C that surfaces in a finalizer (a __del__ the garbage collector runs at any line):
    # Python drops its KeyboardInterrupt ("Exception ignored"), and the run went on to exit 0.
    "in a finalizer": """
import signal
import kgkc_opt.cli.app as app

class _Dropped:
    def __del__(self):
        signal.raise_signal(signal.SIGINT)

def _dispatch(args, parser):
    _Dropped()
    for _ in range(10 ** 8):  # (the work goes on: seconds, if the Ctrl-C is lost)
        pass
    return 0

app._dispatch = _dispatch
""",
    # A second Ctrl-C just as the first one's line is written: it was a second KeyboardInterrupt,
    # and a second line.
    "twice, the second after the line": """
import signal, sys
import kgkc_opt.cli.app as app

def _dispatch(args, parser):
    signal.raise_signal(signal.SIGINT)

class _Stderr:
    def __init__(self, stream):
        self._stream = stream

    def write(self, text):
        written = self._stream.write(text)
        if "interrupted" in text:
            self._stream.flush()
            signal.raise_signal(signal.SIGINT)
        return written

    def __getattr__(self, name):
        return getattr(self._stream, name)

app._dispatch = _dispatch
sys.stderr = _Stderr(sys.stderr)
""",
}


@pytest.mark.skipif(not hasattr(signal, "raise_signal") or os.name != "posix", reason="POSIX signals")
@pytest.mark.parametrize("landing", sorted(_LANDINGS))
@pytest.mark.parametrize("entry", ["console-script", "python -m"])
def test_ctrl_c_that_lands_badly_still_ends_with_one_line_and_exit_130(tmp_path, landing, entry):
    if entry == "console-script" and not CONSOLE_SCRIPT.exists():
        pytest.skip("kgkc-opt is not installed in this environment")
    terminal = "import signal\nsignal.signal(signal.SIGINT, signal.default_int_handler)\n"  # (as under xdist too)
    (tmp_path / "sitecustomize.py").write_text(terminal + _LANDINGS[landing], encoding="utf-8")
    start = [str(CONSOLE_SCRIPT)] if entry == "console-script" else [sys.executable, "-m", "kgkc_opt"]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), str(ROOT)]))
    proc = subprocess.run([*start, "solve", "scenarios/baseline.yaml"], cwd=ROOT, env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=300)
    assert (proc.returncode, proc.stderr, proc.stdout) == (130, "kgkc-opt: interrupted\n", "")


def test_the_entry_point_loads_nothing_heavy_before_it_runs():
    """``run`` handles a Ctrl-C from its first line; what the console script imports before calling
    it (``kgkc_opt``, ``kgkc_opt.cli.app``) must stay light, or a Ctrl-C there is a traceback."""
    code = ("import sys; import kgkc_opt.cli.app; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('numpy', 'pandas', 'yaml', 'highspy', 'pulp', 'argparse', 'dataclasses') "
            "or m.startswith(('kgkc_opt.inputs', 'kgkc_opt.model', 'kgkc_opt.solver', 'kgkc_opt.analysis'))))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, encoding="utf-8",
                          env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=300)
    assert (proc.returncode, proc.stdout.strip()) == (0, "[]"), proc.stderr


def test_an_error_that_comes_of_a_ctrl_c_is_an_interrupt(capsys, monkeypatch):
    """pybind11 (HiGHS's binding) turns a Ctrl-C during its import into an ImportError, which the
    solver check reports as "HiGHS is not installed": it is an interrupt (130), not that."""
    from kgkc_opt.errors import SolverUnavailableError

    def solve(args):
        try:
            try:
                raise KeyboardInterrupt
            except KeyboardInterrupt as exc:
                raise ImportError("initialization failed") from exc
        except ImportError:
            raise SolverUnavailableError("HiGHS is not installed") from None

    monkeypatch.setattr(cli, "cmd_solve", solve)
    code, out, err = run(capsys, "solve", str(SCENARIOS / "baseline.yaml"))
    assert (code, out, err) == (130, "", "kgkc-opt: interrupted\n")
    assert cli._interrupted(ValueError()) is False


@pytest.mark.parametrize(("content", "fragment"), [
    ("[" * 100_000 + "]" * 100_000, "summary.json: is not a record: it is nested 100,000 levels deep"),
    ('{"command": ' + "9" * 10_000 + "}", "summary.json: is not valid JSON: Exceeds the limit"),
    ("\x00" * 10, "summary.json: is a binary file"),
])
def test_reproduce_refuses_a_hostile_summary_in_one_line(capsys, tmp_path, content, fragment, monkeypatch):
    monkeypatch.setenv("KGKC_LANG", "en")  # (checks the English wording)
    (tmp_path / "summary.json").write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "reproduce", str(tmp_path))
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith("kgkc-opt: ") and fragment in err


@pytest.mark.parametrize(("kind", "content", "expected"), [
    ("sweep", "level,task_id,share\nabc,I.1,xyz\n",
     ["sweep.csv: line 2, column level: expected a number from 0 to 10,000, got 'abc'",
      "sweep.csv: line 2, column share: expected a number from 0 to 1, got 'xyz'"]),
    ("sweep", "level,task_id,share\n", ["sweep.csv: has no rows"]),
    ("sweep", 'x,y\n"' + "a" * 300_000 + '",1\n', ["sweep.csv: line 1: lacks the column(s) level, task_id, share"]),
    ("montecarlo", "task_id,probability\nI.1,1.5\n",
     ["sweep.csv: line 2, column probability: expected a number from 0 to 1, got '1.5'"]),
])
def test_a_results_csv_for_a_chart_is_checked_at_the_door(capsys, tmp_path, kind, content, expected, monkeypatch):
    """A results table given to ``chart`` in place of a scenario: a string where a number belongs
    was a TypeError traceback, a missing column exit 3 without the file's name."""
    monkeypatch.setenv("KGKC_LANG", "en")  # (checks the English wording)
    path = tmp_path / "sweep.csv"
    path.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "chart", kind, str(path), "--out", str(tmp_path / "c.png"))
    assert (code, out) == (2, "")
    assert "Traceback" not in err and all(line in err for line in expected), err
    assert not (tmp_path / "c.png").exists()

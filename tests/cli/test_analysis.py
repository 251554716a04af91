"""The analysis commands of the CLI, run in-process: compare, sweep, montecarlo, sensitivity."""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest

from kgkc_opt.analysis.sweep import monte_carlo
from kgkc_opt.cli.app import main
from tests.support.scenarios import csv_header, exact_objective, example, fixture, read_csv, solved

COMPARE_COLUMNS = ["scenario", "task_id", "target", "achieved", "share", "shortfall", "local_budget", "cofunding",
                   "achieved_change", "local_budget_change"]


# ---- compare ------------------------------------------------------------------------------


def test_compare_writes_the_documented_csv(tmp_path, capsys):
    out = tmp_path / "cmp.csv"
    code = main(["compare", str(example("baseline")), str(example("cut-20pct")), "--out", str(out), "--lang", "en"])
    text = capsys.readouterr().out
    assert code == 0
    assert "Scenarios (the first is the reference):" in text
    assert "What each scenario changes:" in text and "Tasks short of target in any scenario (units achieved):" in text
    assert f"Wrote {out}" in text
    assert csv_header(out) == COMPARE_COLUMNS
    rows = read_csv(out)
    assert len(rows) == 2 * 24
    assert [r["scenario"] for r in rows] == ["baseline"] * 24 + ["cut-20pct"] * 24
    by = {(r["scenario"], r["task_id"]): r for r in rows}
    assert by[("cut-20pct", "II.2")]["achieved"] == "12"
    assert by[("cut-20pct", "II.2")]["achieved_change"] == "-16"
    assert by[("cut-20pct", "II.2")]["local_budget_change"] == "-4800"
    assert all(by[("baseline", t)]["achieved_change"] == "0" for t in {k[1] for k in by})
    # the CSV agrees with the solves
    for name in ("baseline", "cut-20pct"):
        scenario, result = solved(name)
        total = sum(Fraction(int(by[(name, t)]["achieved"]), int(by[(name, t)]["target"])) for t in scenario.targets)
        assert total == exact_objective(scenario, result)


def test_compare_prints_objectives_and_input_differences(capsys):
    assert main(["compare", str(example("baseline")), str(example("cut-2024-30pct"))]) == 0
    text = capsys.readouterr().out
    assert "23,995238" in text and "23,821429" in text
    assert "Theo Quyết định số 2454/QĐ-UBND" in text and "Giảm 30% vốn ngân sách năm 2024" in text
    changes = text.split("Thay đổi của từng phương án so với quyết định:")[1].split("Vốn NS đã phân bổ")[0]
    assert "(B) Vốn ngân sách năm 2024 giảm 30% (4.938 → 3.456,6 triệu đồng)" in changes
    assert "2023" not in changes


def test_compare_with_an_infeasible_scenario(capsys):
    code = main(["compare", str(example("baseline")), str(example("floors-infeasible"))])
    assert code == 0
    assert "không có phương án khả thi" in capsys.readouterr().out


# ---- sweep --------------------------------------------------------------------------------


@pytest.mark.slow
def test_sweep_prints_13_levels_and_the_cut_order(tmp_path, capsys):
    out = tmp_path / "sweep.csv"
    code = main(["sweep", str(example("baseline")), "--budget", "100:40:-5", "--out", str(out), "--lang", "en"])
    text = capsys.readouterr().out
    assert code == 0
    assert "Sweep of “Decision 2454/QĐ-UBND as written”: 13 scenarios in " in text
    objectives = text.split("per level:")[1].split("Share of target met")[0]
    level_lines = [line.split() for line in objectives.strip().splitlines()[2:]]
    assert [int(parts[0].rstrip("%")) for parts in level_lines] == list(range(100, 35, -5))
    assert all(parts[2] == "optimal" for parts in level_lines)
    order = text.split("Cut order (first to fall short first):")[1].split("Wrote")[0]
    order, against = order.split("Tasks that achieve more with less money (both levels are optimal plans):")
    # III.8 falls short at 100% and is met again lower down: the line says which cut paid for it
    assert "III.8: 208 → 210 from 90% to 85%: paid with the money freed by cutting II.2" in against
    lines = [line.strip() for line in order.strip().splitlines()]
    assert lines[0].startswith("1. III.8 Provincial prizes: first short at 100%")
    assert lines[1].startswith("2. II.2 Advanced machinery: first short at 95% (85% met there, 0% at 40%)")
    assert [line.split()[1] for line in lines] == ["III.8", "II.2", "VIII.6", "II.1", "III.5", "III.7", "VI.1"]
    # the CSV: 13 levels × 24 tasks, objective exact and non-increasing as the budget falls; the level in %
    # of the program's own caps beside it (the same for the decision as written)
    assert csv_header(out) == ["budget_level", "cofunding_level", "program_level", "task_id", "target", "achieved",
                               "share"]
    assert all(r["program_level"] == r["budget_level"] for r in read_csv(out))
    rows = read_csv(out)
    assert len(rows) == 13 * 24
    per_level: dict[int, Fraction] = {}
    for r in rows:
        level = int(float(r["budget_level"]))
        per_level[level] = per_level.get(level, Fraction(0)) + Fraction(int(r["achieved"]), int(r["target"]))
    values = [per_level[level] for level in range(100, 35, -5)]
    assert values[0] == Fraction(5039, 210) and values[4] == Fraction(12293, 525) \
        and values[-1] == Fraction(83399, 4200)
    # (at 40%: 83399/4200 with the program's structure, 932/45 before L02's limit of 3 a round, 1037/50 without)
    assert all(a >= b for a, b in itertools.pairwise(values))


def test_sweep_two_dimensional(tmp_path, capsys):
    out = tmp_path / "grid.csv"
    assert main(["sweep", str(example("baseline")), "--budget", "100,80", "--cofunding", "100,60",
                 "--out", str(out), "--workers", "1"]) == 0
    text = capsys.readouterr().out
    assert ": 4 lần tính trong " in text
    assert "Thứ tự cắt giảm" not in text  # a grid has no single cut order
    levels = {(r["budget_level"], r["cofunding_level"]) for r in read_csv(out)}
    assert levels == {("100", "100"), ("100", "60"), ("80", "100"), ("80", "60")}


# ---- montecarlo ---------------------------------------------------------------------------


def test_montecarlo_from_the_cli(tmp_path, capsys):
    out = tmp_path / "mc.csv"
    code = main(["montecarlo", str(example("uncertain-cofunding")), "--samples", "20", "--seed", "1",
                 "--out", str(out), "--lang", "en"])
    text = capsys.readouterr().out
    assert code == 0
    assert "Monte Carlo of “Uncertain co-funding”: 20 draws (seed 1) in " in text
    assert "Co-funding each year varies uniformly between −50% and 0% of the scenario's figure" in text
    assert "Objective quantiles: p5 " in text and "p95 " in text
    assert "Chance of meeting each target (tasks below 100%):" in text
    assert csv_header(out) == ["task_id", "target", "probability", "mean_share", "p10_share", "samples"]
    rows = {r["task_id"]: r for r in read_csv(out)}
    assert len(rows) == 24
    assert float(rows["II.2"]["probability"]) == 0
    # the same numbers as the API with the same seed
    scenario, _ = solved("uncertain-cofunding")
    probs = monte_carlo(scenario, samples=20, seed=1, workers=1).probabilities
    for tid, row in probs.iterrows():
        assert float(rows[tid]["probability"]) == pytest.approx(row["probability"], abs=1e-6)
        assert float(rows[tid]["mean_share"]) == pytest.approx(row["mean_share"], abs=1e-6)


# ---- sensitivity --------------------------------------------------------------------------


def test_sensitivity_from_the_cli(capsys):
    assert main(["sensitivity", str(example("cut-20pct")), "--lang", "en"]) == 0
    text = capsys.readouterr().out
    assert "Sensitivity of “Local budget cut by 20% every year” (objective 23.415238); money in million VND" in text
    assert "LP rates: objective gained per extra million VND, valid only within the range" in text
    assert ("- 1 billion VND more in any one year (2021–2025): +3 establishments (II.2 Advanced machinery), "
            "+1 person (VIII.6 Collaborators)") in text
    sentences = [line for line in text.splitlines() if line.startswith("- 1 billion VND")]
    assert len(sentences) == 4  # more and less, in any one year and in every year
    assert "Tasks (value per unit and per million; reduced cost at the LP rates):" in text


def test_sensitivity_in_vietnamese(capsys):
    assert main(["sensitivity", str(example("cut-20pct"))]) == 0
    text = capsys.readouterr().out
    assert ("- Thêm 1 tỷ đồng vào một năm bất kỳ (2021–2025): +3 cơ sở (II.2 Máy móc thiết bị tiên tiến), "
            "+1 người (VIII.6 Cộng tác viên khuyến công)") in text
    # LP rates with their ranges, in Vietnamese numbers, as the API computes them
    from kgkc_opt.analysis.sensitivity import sensitivity
    from kgkc_opt.report import fmt

    scenario, result = solved("cut-20pct")
    caps = sensitivity(scenario, result, exact=False).caps
    row = caps.loc[(2022, "local")]
    assert fmt.number(row["shadow_price"], "vi", 6) in text
    hi = "∞" if row["holds_to"] == float("inf") else fmt.number(row["holds_to"], "vi")
    assert f"{fmt.number(row['holds_from'], 'vi')} – {hi}" in text


def test_sensitivity_of_an_infeasible_scenario_exits_1(capsys):
    assert main(["sensitivity", str(fixture("mini-infeasible"))]) == 1
    assert "is infeasible" in capsys.readouterr().out


# ---- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["compare", "BASE"], "compare needs at least two scenario files"),
        (["sweep", "BASE", "--budget", "abc"], "levels 'abc': expected START:STOP:STEP"),
        (["montecarlo", "BASE"], "has no 'uncertainty' section"),
    ],
)
def test_analysis_errors_are_reported_without_traceback(argv, fragment, capsys, monkeypatch):
    monkeypatch.setenv("KGKC_LANG", "en")  # (checks the English wording)
    argv = [str(example("baseline")) if a == "BASE" else a for a in argv]
    code = main(argv)
    err = capsys.readouterr().err
    assert code != 0
    assert err.startswith("kgkc-opt: ") and fragment in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["sweep", "BASE", "--budget", "abc"], "các mức 'abc': cần dạng ĐẦU:CUỐI:BƯỚC"),
        (["montecarlo", "BASE"], "không có mục 'uncertainty' để lấy mẫu"),
        (["montecarlo", "BASE", "--samples", "0"], "--samples 0: cần số lần lấy mẫu từ 1 đến 100000"),
    ],
)
def test_analysis_errors_are_vietnamese_in_a_vietnamese_run(argv, fragment, capsys, monkeypatch):
    monkeypatch.delenv("KGKC_LANG", raising=False)
    argv = [str(example("baseline")) if a == "BASE" else a for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("kgkc-opt: ") and fragment in err


@pytest.mark.parametrize(
    "argv",
    [["compare", "BASE"], ["sweep", "BASE", "--budget", "abc"], ["montecarlo", "BASE"]],
)
def test_analysis_usage_errors_exit_2(argv, capsys):
    argv = [str(example("baseline")) if a == "BASE" else a for a in argv]
    assert main(argv) == 2


def test_bad_scenario_file_exits_2(capsys, monkeypatch):
    monkeypatch.setenv("KGKC_LANG", "en")  # (checks the English wording)
    assert main(["sweep", str(fixture("many-problems"))]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kgkc-opt: 14 problems found:")


# ---- --executor dask ------------------------------------------------------------------------


def test_executor_dask_needs_a_scheduler(capsys, monkeypatch):
    monkeypatch.setenv("KGKC_LANG", "en")  # (checks the English wording)
    assert main(["sweep", str(example("baseline")), "--budget", "100", "--executor", "dask"]) == 2
    assert "--executor dask needs --scheduler ADDRESS" in capsys.readouterr().err
    assert main(["sweep", str(example("baseline")), "--budget", "100", "--scheduler", "tcp://127.0.0.1:1"]) == 2
    assert "--scheduler is for --executor dask" in capsys.readouterr().err


def test_executor_dask_says_when_the_scheduler_cannot_be_reached(capsys, monkeypatch):
    import kgkc_opt.cli.analysis as analysis

    monkeypatch.setattr(analysis, "DASK_CONNECT_SECONDS", 1)
    code = main(["montecarlo", str(example("uncertain-cofunding")), "--samples", "2", "--executor", "dask",
                 "--scheduler", "tcp://127.0.0.1:9"])
    assert code == 2
    assert "không kết nối được bộ điều phối Dask tại tcp://127.0.0.1:9" in capsys.readouterr().err


def test_sweep_on_a_dask_cluster_gives_the_local_answer(tmp_path, capsys):
    """The same sweep on a Dask cluster (here one in this process, threads) and on the local pool:
    the same CSV, byte for byte."""
    distributed = pytest.importorskip("distributed")
    local, remote = tmp_path / "local.csv", tmp_path / "dask.csv"
    args = ["sweep", str(example("baseline")), "--budget", "100,70", "--lang", "en"]
    assert main([*args, "--out", str(local), "--workers", "1"]) == 0
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        assert main([*args, "--out", str(remote), "--executor", "dask", "--scheduler",
                     cluster.scheduler_address]) == 0
    capsys.readouterr()
    assert remote.read_bytes() == local.read_bytes()

"""The run workflows (``kgkc_opt.runs``): a solve's result folder with its record, options as
logged changes, and ``reproduce`` finding the same bytes again or naming what differs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import kgkc_opt as kg
from kgkc_opt.report.files import write_folder
from kgkc_opt.runs import reproduce, solve_run
from tests.support.paths import ROOT

SCENARIO = "tests/fixtures/tiny-baseline.yaml"  # relative: the record keeps paths as the command gave them


@pytest.fixture
def in_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def test_a_solve_run_makes_the_result_folder_files_with_the_command(in_root: None) -> None:
    run = solve_run(SCENARIO, kg.load_scenario(SCENARIO))
    assert set(run.files) == {"allocation.csv", "achievement.csv", "budget.csv", "summary.json"}
    assert run.replan is None  # no actuals
    summary = json.loads(run.files["summary.json"])
    assert summary["command"][:2] == ["solve", SCENARIO]
    assert summary["status"] == run.result.status.value == "optimal"
    assert summary["inputs"][0]["path"].endswith("tiny-baseline.yaml")


def test_a_policy_given_to_the_run_is_a_logged_change(in_root: None) -> None:
    run = solve_run(SCENARIO, kg.load_scenario(SCENARIO), policy="fair")
    assert run.scenario.policy == "fair" and run.result.policy == "fair"
    assert any(change.key == "policy" for change in run.scenario.changes)
    assert "--policy" in json.loads(run.files["summary.json"])["command"]


def test_reproduce_finds_the_same_bytes_and_names_a_changed_file(in_root: None, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    write_folder(folder, solve_run(SCENARIO, kg.load_scenario(SCENARIO)).files)
    report = reproduce(folder)
    assert report.ok and sorted(report.identical) == ["achievement.csv", "allocation.csv", "budget.csv",
                                                      "summary.json"]
    (folder / "budget.csv").write_text("year,source\n", encoding="utf-8")
    again = reproduce(folder)
    assert not again.ok and again.differing == ["budget.csv"]

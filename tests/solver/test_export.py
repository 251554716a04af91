"""``--write-model``: the full model as an LP or MPS file, read back by HiGHS to the same optimum."""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import highspy
import pytest

import kgkc_opt as kg
from kgkc_opt.cli import app as cli
from kgkc_opt.solver.export import full_model, model_text, safe_names

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def read_back(path: Path) -> tuple[str, float]:
    """HiGHS reads the file and solves it: its status and objective value (the file's units)."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("mip_rel_gap", 0.0)
    assert h.readModel(str(path)) == highspy.HighsStatus.kOk, path.read_text(encoding="utf-8")[:2000]
    h.run()
    return h.modelStatusToString(h.getModelStatus()), h.getInfo().objective_function_value


def header_value(text: str, objective_value: float) -> Fraction:
    """The objective's value from the file's own statement: offset + (file objective) / scale."""
    m = re.search(r"= (\S+) \+ \(objective of this (?:LP|MPS) model\) / (\d+)", text)
    assert m, text[:500]
    return Fraction(m.group(1)) + Fraction(round(objective_value), int(m.group(2)))


@pytest.mark.parametrize("name", ["cut-20pct", "priorities-cut-30pct", "an-giang-2026-2030", "replan-2023"])
@pytest.mark.parametrize("fmt", ["lp", "mps"])
def test_highs_reads_the_model_back_to_the_projects_optimum(name, fmt, tmp_path):
    scenario = kg.load_scenario(SCENARIOS / f"{name}.yaml")
    result = kg.solve(scenario, with_shadow_prices=False)
    export = full_model(scenario)
    first = export.objective
    text = model_text(scenario, fmt)
    path = tmp_path / f"model.{fmt}"
    path.write_text(text, encoding="utf-8")
    status, value = read_back(path)
    assert status == "Optimal"
    assert header_value(text, value) == result.objective_values[first.key]  # the same optimum, exactly
    assert f"objective: {first.key}, the policy's first of: " in text


def test_names_are_the_models_keys_made_safe():
    scenario = kg.load_scenario(SCENARIOS / "an-giang-2026-2030.yaml")
    text = model_text(scenario, "lp")
    assert " q(II.2,2026)" in text and "\n local_cap(2026): " in text
    assert re.search(r"\n link\(L\d+_\S+_follows_\S+,\d{4}\): ", text)
    assert "[" not in text.split("Maximize", 1)[1]  # brackets open quadratic terms in LP files
    assert safe_names(["a[1]", "a(1)", "b:c<d", "1x"]) == ["a(1)", "a(1)_2", "b_c_follows_d", "n_1x"]


def test_with_tiers_the_file_says_which_objective_it_holds():
    text = model_text(kg.load_scenario(SCENARIOS / "priorities-cut-30pct.yaml"), "lp")
    assert "\\ objective: shares[tier 1], the policy's first of: shares[tier 1], shares[tier 2], order" in text


def test_the_command_line_writes_it(tmp_path, capsys):
    path = tmp_path / "cut.mps"
    code = cli.main(["solve", str(SCENARIOS / "cut-20pct.yaml"), "--write-model", str(path), "--lang", "en"])
    out = capsys.readouterr().out
    assert code == 0 and f"Wrote {path}" in out
    status, value = read_back(path)
    assert status == "Optimal"
    optimum = kg.solve(kg.load_scenario(SCENARIOS / "cut-20pct.yaml"), with_shadow_prices=False)
    assert header_value(path.read_text(encoding="utf-8"), value) == optimum.exact_objective


def test_a_model_file_of_another_kind_is_refused_before_solving(tmp_path, capsys):
    path = tmp_path / "model.txt"
    code = cli.main(["solve", str(SCENARIOS / "cut-20pct.yaml"), "--write-model", str(path), "--lang", "en"])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    assert captured.err == f"kgkc-opt: {path}: the model is written as .lp or .mps\n"
    assert not path.exists()

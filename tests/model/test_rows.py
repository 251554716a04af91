"""One formulation: every model is built from the same row generators, and each generator writes
its constraint type in every model or says why not (``Builder.excluded``).

Golden files: the models of the tiny structured program, as canonical text (tests/model/golden),
compared line by line independently of order, so a change to the math shows as a readable diff.
Rewrite them with ``KGKC_UPDATE_GOLDEN=1`` after a deliberate change, and read the diff.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

import kgkc_opt as kg
from kgkc_opt.model.data import model_input
from kgkc_opt.model.formulations import Elastic, Spec, build
from kgkc_opt.model.objectives import Objective
from kgkc_opt.model.rows import GENERATORS, ROW_KINDS
from tests.support.models import lp_text
from tests.support.paths import FIXTURES

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="module")
def structured():
    """The tiny structured program with a floor and carry-over: every constraint type applies."""
    program = kg.load_program(FIXTURES / "tiny-structured.yaml")
    scenario = kg.baseline(program).derive("rows", floors={"A.2": 1}, carry_over=True)
    return model_input(scenario)


def totals(inp):
    return {t.task_id: min(t.remaining, 2) for t in inp.planned_tasks}


def models(inp):
    """Every kind of model the package solves, as it builds them."""
    fixed = totals(inp)
    plan = {k: 0 for k in inp.columns()}
    return {
        "full": build(inp, Spec("full"), maximise=Objective("shares")),
        "aggregate": build(inp, Spec("aggregate", "totals"), maximise=Objective("shares")),
        "schedule": build(inp, Spec("schedule", fixed_totals=fixed), evenness=True),
        "plan_lp": build(inp, Spec("plan_lp", integer=False, lower=plan), maximise=Objective("shares")),
        "lp": build(inp, Spec("lp", integer=False), maximise=Objective("shares")),
        "elastic": build(inp, Spec("elastic", elastic=Elastic(lines=frozenset({"local"}), floors=True)),
                         minimise="extra_money"),
        "elastic_aggregate": build(inp, Spec("elastic_aggregate", "totals",
                                             elastic=Elastic(lines=frozenset({"local"}))), minimise="extra_money"),
        "reconstruct": build(inp, Spec("reconstruct", fixed_totals=fixed, elastic=Elastic(match=True)),
                             minimise="mismatch"),
    }


#: Where a generator writes nothing on purpose, and why (the reason must be recorded by the build).
EXPECTED_EXCLUSIONS = {
    ("events", "plan_lp"), ("events", "lp"),             # no yes/no choice in an LP
    ("targets", "aggregate"), ("targets", "elastic_aggregate"),   # a column bound on x
    ("floors", "schedule"), ("floors", "reconstruct"),   # the totals are fixed
}


def test_every_generator_writes_rows_in_every_model_or_says_why(structured):
    for kind, m in models(structured).items():
        written = {info.kind for info in m.rows.values()}
        excluded = m.extra.excluded
        for name, _generator in GENERATORS:
            if (name, kind) in EXPECTED_EXCLUSIONS:
                assert excluded.get(name), f"{name} in {kind}: excluded without a reason"
                assert not written & ROW_KINDS[name], f"{name} in {kind}: excluded, yet rows were written"
            else:
                assert written & ROW_KINDS[name], f"{name} writes no row in the {kind} model"
                assert name not in excluded


def test_the_generators_cover_every_row_kind(structured):
    known = set().union(*ROW_KINDS.values()) | {"keep", "objective", "evenness"}
    for kind, m in models(structured).items():
        assert {info.kind for info in m.rows.values()} <= known, kind


@pytest.mark.parametrize("kind", ["full", "aggregate", "schedule", "plan_lp", "elastic", "reconstruct"])
def test_golden(structured, kind):
    text = lp_text(models(structured)[kind])
    path = GOLDEN / f"tiny-structured-{kind}.lp"
    if os.environ.get("KGKC_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        diff = "\n".join(difflib.unified_diff(expected.splitlines(), text.splitlines(), "golden", "built",
                                              lineterm=""))
        pytest.fail(f"the {kind} model differs from {path.name}:\n{diff}")

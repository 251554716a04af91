"""Fuzzing the door: generated documents, and only kgkc_opt's own errors escape, quickly.

Hypothesis mutates valid program and scenario documents (what a YAML file holds): keys dropped or
added, values replaced by other types, random text (Vietnamese, decomposed accents, control
characters), huge and tiny numbers, NaN and infinities, dates and bytes (YAML has both), deep
nesting, and the hostile classes of docs/errors.md: numbers beyond every bound (``1e-999999999``,
thousands of digits, ``+100000000000000%``), money written the Vietnamese way (``4.658``,
``4,938``), numeric task ids (``2.1`` and ``2.10``), a state share above the total, byte-order marks,
actuals with missing years or spend in đồng, sweep levels with tiny steps. Each document goes to
``program_from_dict`` / ``scenario_from_documents``; dumped to YAML and mutated as text, to
``loaders.parse_yaml``; actuals CSV text to ``actuals_from_text``; level texts to ``parse_levels``.
The only exception allowed out is an ``InputError`` (exit code 2; ``UsageError`` for levels)
listing problems that each name a file, within ``SECONDS`` per document; anything that passes is a
``Program`` / ``Scenario`` that keeps the invariants the door promises (state ≤ total, text ids,
actuals without gaps, bounded numbers) and whose model input can be built.

How many documents: ``KGKC_FUZZ=full`` (``bash tests/run_all.sh --full-fuzz``) checks all of
``FULL`` (11,500 documents, about a minute); by default a fifth of each (2,300, about 12 s), the
same first documents. The runs are derandomised (the same documents on every run: CI does not
flake) and keep no example database (nothing is written to the repository).
"""

from __future__ import annotations

import copy
import os
import time
import unicodedata
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kgkc_opt.analysis.sweep import MAX_LEVELS, parse_levels
from kgkc_opt.errors import InputError, UsageError
from kgkc_opt.inputs import files as loaders
from kgkc_opt.inputs.actuals import Actuals, actuals_from_text
from kgkc_opt.inputs.keys import KEYS as SCENARIO_KEYS
from kgkc_opt.inputs.keys import change_key
from kgkc_opt.inputs.program import Program
from kgkc_opt.inputs.program_reader import program_from_dict
from kgkc_opt.inputs.reader import MAX_MONEY, WrittenFloat
from kgkc_opt.inputs.scenario import Scenario, scenario_from_documents
from kgkc_opt.model.data import model_input
from tests.support.paths import FIXTURES

PROGRAM_DOC: dict[str, Any] = yaml.safe_load((FIXTURES / "tiny-program.yaml").read_text(encoding="utf-8"))
TINY = program_from_dict(PROGRAM_DOC, source="tiny-program.yaml")

#: A scenario of the tiny program that uses every section: every scenario key with the example its
#: declaration gives (kgkc_opt/inputs/keys.py, so a new key is fuzzed without a change here), and
#: every document section (valid: checked below).
SCENARIO_DOC: dict[str, Any] = {
    "format": "kgkc-scenario/1",
    "name": "fuzz",
    "description": "Kịch bản cắt giảm ngân sách",
    **{key.name: key.example(TINY) for key in SCENARIO_KEYS},
    "overrides": {"cắt-2023": {"budget": {2023: "-20%"}, "targets": {"B.1": 1}}},
    "allow_overlap": ["budget.2023", "targets.B.1"],
    "replan_from": 2022,
    "uncertainty": {"samples": 50, "seed": 1,
                    "budget": {"distribution": "triangular", "low": "80%", "mode": "95%", "high": "100%"}},
    "solve": {"solver": "highs", "time_limit": 30},
}
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
ACTUALS_CSV = "task_id,year,quantity,spend\nA.1,2021,2,20\nA.2,2021,1,40\nB.1,2021,1,15\n"

COUNTS: dict[str, int] = {}
#: How many documents were valid (the fuzz must reach past the first check).
VALID: dict[str, int] = {}
SETTINGS = settings(max_examples=1, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))
#: Documents per test with KGKC_FUZZ=full; by default a fifth of each.
FULL = {"program": 3000, "scenario": 3500, "yaml_text": 3000, "actuals": 1500, "levels": 500}
FULL_RUN = os.environ.get("KGKC_FUZZ", "") == "full"
EXPECTED = dict(FULL) if FULL_RUN else {name: count // 5 for name, count in FULL.items()}
#: Longest a document may take at the door ("refused within a couple of seconds").
SECONDS = 2.0

# ---- values a hand-edited file may hold -------------------------------------------------------

VIETNAMESE = "Tập huấn nâng cao năng lực quản lý; Hỗ trợ máy móc thiết bị tiên tiến; Đợt bình chọn"
NFD = unicodedata.normalize("NFD", VIETNAMESE)
WORDS = st.sampled_from([
    "", " ", "annual", "Hàng năm", "2021-2025", "2025-2021", "2021 – 2023", "-30%", "+5%", "150%", "-150%",
    "30 %", "1.234,5", "4.810", "24,5", "II.2", "A.1", "A.9", "all", "norm", "machinery", "exact",
    "reject", "hold_at_cap", "normal", "uniform", "triangular", "highs", "cbc", "gurobi", "true", "no",
    "NaN", ".inf", "1e400", "∞", "null", "~", "kgkc-program/1", "kgkc-scenario/1", VIETNAMESE, NFD,
    "a\x00b", "\x1b[1m", "\ufeff", "\u202e", "x" * 300,
    # hostile numbers: beyond every bound, Vietnamese money, exponents that would build huge fractions
    "+100000000000000%", "9" * 5000 + "%", "-1000.5%", "1000%", "0.0000001%", "1e-999999999", "1e999999999",
    "4,938", "4.658", "17,88", "1.234.567", "1,234,567", "4192,2", "25000000",
])
TEXT = st.one_of(WORDS, st.text(max_size=12), st.text(st.characters(blacklist_categories=("Cs",)), max_size=6))
NUMBERS = st.one_of(
    st.integers(-3, 3), st.integers(2015, 2035), st.integers(-(10**12), 10**12), st.integers(),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.5, 2.5, -0.0, 1e-300, 1e300, 10**9 + 1]),
    # a thousand digits; floats as a YAML file gives them, with the text they were written as
    st.sampled_from([10**1000, -(10**3000), 0.1 + 0.2, 4658.00000000001]),
    st.sampled_from(["4.658", "17.880", "2.10", "8.000", "17.88", "4192.2", "0.125", "1.0e-300", "4.6580"]).map(
        lambda text: WrittenFloat(float(text), text)),
)
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, TEXT, st.dates(), st.binary(max_size=4))
KEYS = st.one_of(TEXT, st.integers(2015, 2035), st.sampled_from(
    ["all", "budget", "targets", "years", "cost", "total", "state", "tasks", "id", "extends", "program",
     "actuals", "A.1", "II.2", 2021, 2023, True, None, 1.5, "²", "٢٠٢٤", "9" * 5000, "2024 ", 10**1000,
     WrittenFloat(2.1, "2.10")]))
JUNK = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=4)), max_leaves=8)


def nested(depth: int, leaf: Any) -> Any:
    value = leaf
    for i in range(depth):
        value = [value] if i % 2 else {"a": value}
    return value


def paths(doc: Any, prefix: tuple = ()) -> list[tuple]:
    """Every place in a document (the root too), as a tuple of keys and indices."""
    out = [prefix]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += paths(v, (*prefix, i))
    return out


def get(doc: Any, path: tuple) -> Any:
    for k in path:
        doc = doc[k]
    return doc


#: Values a planner would plausibly write: the mutation keeps many documents valid (or nearly),
#: so that the checks behind the first ones are reached too.
PLAUSIBLE = st.sampled_from([
    0, 1, 2, 3, 5, 10, 40, 100, 1000, 0.5, 12.25, "-20%", "+10%", "50%", "0%", 2021, 2022, 2023, "2022",
    "A.1", "A.2", "B.1", "B.2", "A", "B", "norm", "machinery", "annual", "2021-2023", [2021, 2023], [2022],
    True, False, "Tập huấn", {"vi": "Lớp", "en": "class"}, {"total": 30, "state": 30}, "about", ["A.1"],
    {"total": 10, "state": 30}, {"total": 30, "state": 10, "other": 40}, 2.1, WrittenFloat(2.1, "2.10"), "2.10",
    WrittenFloat(4.658, "4.658"), WrittenFloat(17.88, "17.88"), "4,938", "+1000%", "+1001%",
])
OPS = ("drop", "replace", "add", "retype", "deep", "text", "number", "plausible", "plausible", "plausible",
       "plausible")


def _plus_half(node: Any) -> Any:
    """``node + 0.5`` for a number (an int too large for a float stays as it is)."""
    if isinstance(node, int | float) and not isinstance(node, bool):
        try:
            return node + 0.5
        except OverflowError:
            return node
    return node


@st.composite
def mutated(draw: st.DrawFn, base: Any) -> Any:
    """``base`` with one to four mutations at random places."""
    doc = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths(doc)))
        op = draw(st.sampled_from(OPS))
        node = get(doc, path)
        if op == "drop" and path:
            parent = get(doc, path[:-1])
            del parent[path[-1]]
            continue
        if op == "add" and isinstance(node, dict | list):
            if isinstance(node, dict):
                node[draw(KEYS)] = draw(JUNK)
            else:
                node.append(draw(JUNK))
            continue
        if op == "retype":
            new = draw(st.sampled_from([
                str(node), [node], {"value": node}, None, True, f"{node}%",
                node * 10**12 if isinstance(node, int | float) and not isinstance(node, bool) else node,
                -node if isinstance(node, int | float) and not isinstance(node, bool) else node,
                _plus_half(node),
            ]))
        elif op == "deep":
            new = nested(draw(st.integers(5, 300)), draw(SCALARS))
        elif op == "text":
            new = draw(TEXT)
        elif op == "number":
            new = draw(NUMBERS)
        elif op == "plausible":
            new = copy.deepcopy(draw(PLAUSIBLE))
        else:
            new = draw(JUNK)
        if path:
            get(doc, path[:-1])[path[-1]] = new
        else:
            doc = new
    return doc


def weighted(*choices: tuple[int, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """One of the strategies, drawn in proportion to its weight."""
    table = [strategy for weight, strategy in choices for _ in range(weight)]
    return st.integers(0, len(table) - 1).flatmap(lambda i: table[i])


def program_docs() -> st.SearchStrategy[Any]:
    from tests.support.strategies import small_programs

    return weighted((5, mutated(PROGRAM_DOC)), (2, small_programs().flatmap(mutated)), (1, small_programs()),
                    (1, JUNK))


def scenario_docs() -> st.SearchStrategy[Any]:
    one_key = st.sampled_from(SCENARIO_KEYS).flatmap(lambda key: mutated({"name": "one", key.name: key.example(TINY)}))
    return weighted((6, mutated(SCENARIO_DOC)), (1, mutated({"name": "small", "budget": {"all": "-10%"}})),
                    (1, one_key), (1, JUNK))


# ---- checks ------------------------------------------------------------------------------------


def only_input_errors(call: Callable[[], Any], errors: type[Exception] = InputError) -> Any:
    """``call()``'s value, or None if it raised an InputError naming its problems, within ``SECONDS``;
    anything else fails."""
    started = time.perf_counter()
    try:
        return call()
    except errors as exc:
        if isinstance(exc, InputError):
            assert exc.problems, "an InputError without problems"
            for p in exc.problems:
                assert p.source and p.message, p
        assert str(exc)
        return None
    finally:
        assert time.perf_counter() - started < SECONDS, "the door took too long"


def check_program_invariants(program: Program) -> None:
    """What the door promises of a program it lets through."""
    ids = [t.id for t in program.tasks]
    assert all(isinstance(i, str) for i in ids) and len(set(ids)) == len(ids)
    costs = [t.cost for t in program.tasks] + [*program.annual_budget.values()]
    for cost in costs:
        assert 0 <= cost.state <= cost.total <= MAX_MONEY and 0 <= cost.other <= cost.total
        for x in (cost.total, cost.state, cost.other):
            assert x.denominator <= 10**6, x  # at most 6 decimals: no fraction of 10^300 slipped in


def check_program(doc: Any) -> None:
    program = only_input_errors(lambda: program_from_dict(doc, source="fuzz.yaml"))
    if program is not None:
        VALID["program"] = VALID.get("program", 0) + 1
        assert isinstance(program, Program)
        check_program_invariants(program)
        from kgkc_opt.inputs.scenario import baseline

        model_input(baseline(program))


def check_scenario(documents: list[tuple[str, Any]]) -> None:
    scenario = only_input_errors(lambda: scenario_from_documents(documents, TINY))
    if scenario is not None:
        VALID["scenario"] = VALID.get("scenario", 0) + 1
        assert isinstance(scenario, Scenario)
        check_program_invariants(scenario.program)
        for caps in (scenario.local_budget, scenario.cofunding):
            # a percentage change is at most +1000%: a cap grows at most 11-fold per change applied
            assert all(0 <= v <= MAX_MONEY * 11**4 for v in caps.values()), caps
        model_input(scenario)


def run_counted(name: str, test: Callable[..., None], strategy: st.SearchStrategy[Any]) -> None:
    COUNTS[name] = 0

    @settings(SETTINGS, max_examples=EXPECTED[name])
    @given(strategy)
    def body(value: Any) -> None:
        COUNTS[name] += 1
        test(value)

    body()
    assert COUNTS[name] >= EXPECTED[name], (name, COUNTS[name])


# ---- the tests ---------------------------------------------------------------------------------


def test_the_base_documents_are_valid():
    assert isinstance(program_from_dict(PROGRAM_DOC), Program)
    scenario = scenario_from_documents([("fuzz.yaml", SCENARIO_DOC)], TINY)
    assert len(scenario.changes) > 10
    # every key changes something in the base document: the mutations start from all of them
    # (but ``funding``: TINY has no state source besides the local budget; tests/inputs/test_keys.py
    # tries it on the three-source fixture)
    assert {change_key(c)[0] for c in scenario.changes} >= {k for k in SCENARIO_KEYS if k.name != "funding"}
    assert isinstance(actuals_from_text(ACTUALS_CSV, TINY), Actuals)


def test_fuzz_program_documents():
    run_counted("program", check_program, program_docs())


def test_fuzz_scenario_documents():
    chains = st.one_of(
        scenario_docs().map(lambda d: [("fuzz.yaml", d)]),
        st.tuples(st.one_of(st.just(SCENARIO_DOC), scenario_docs()), scenario_docs()).map(
            lambda ds: [("base.yaml", ds[0]), ("fuzz.yaml", ds[1])]),
    )
    run_counted("scenario", check_scenario, chains)


INSERTS = st.sampled_from([":", ": ", "-", "- ", "[", "]", "{", "}", ",", "&a ", "*a", "*b", "<<: *a", "\t",
                           "\x00", "\x07", "#", "'", '"', "%", "!!python/object/apply:os.system ['x']",
                           "!!binary ", "!!float ", "!!int ", "!!timestamp ", "2021-13-45", "\n", "\n  ",
                           "? ", "|", ">", "...", "---", "\ufeff", NFD, "9" * 5000, "&a [*a]"])


@st.composite
def yaml_texts(draw: st.DrawFn) -> tuple[str, str]:
    kind = draw(st.sampled_from(["program", "scenario"]))
    doc = draw(program_docs() if kind == "program" else scenario_docs())
    try:
        text = yaml.dump(doc, Dumper=DUMPER, allow_unicode=True, sort_keys=False)
    except (yaml.YAMLError, RecursionError):
        text = yaml.safe_dump(PROGRAM_DOC if kind == "program" else SCENARIO_DOC, allow_unicode=True)
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["insert", "delete", "duplicate"]))
        if op == "insert":
            text = text[:at] + draw(INSERTS) + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)):]
        else:
            line_start = text.rfind("\n", 0, at) + 1
            line_end = text.find("\n", at)
            line = text[line_start: line_end if line_end >= 0 else len(text)]
            text = text[:line_start] + line + "\n" + text[line_start:]
    return kind, text


def check_yaml_text(value: tuple[str, str]) -> None:
    kind, text = value
    data = only_input_errors(lambda: loaders.parse_yaml(text, f"fuzz-{kind}.yaml"))
    if data is None:
        return
    if kind == "program":
        check_program(data)
    else:
        check_scenario([("fuzz.yaml", data)])


def test_fuzz_yaml_text():
    run_counted("yaml_text", check_yaml_text, yaml_texts())


@st.composite
def csv_texts(draw: st.DrawFn) -> str:
    rows = [line.split(",") for line in ACTUALS_CSV.strip().split("\n")]
    for _ in range(draw(st.integers(0, 3))):
        r = draw(st.integers(0, len(rows) - 1))
        op = draw(st.sampled_from(["cell", "cell", "drop_cell", "add_cell", "add_row", "add_row", "swap", "bom",
                                   "drop_row"]))
        if op == "cell":
            c = draw(st.integers(0, len(rows[r]) - 1)) if rows[r] else 0
            value = draw(st.one_of(TEXT, NUMBERS.map(str), st.sampled_from(
                ['"', '""', "1.234,5", "2,5", ";", "A.1", "A.2", "B.2", "2021", "2022", "2023", "0", "1", "3",
                 "12.5", " 7 ", "1e3", "1e-999999999", "1e999999999", "9" * 5000, "4.658", "4,938", "25000000",
                 "0." + "0" * 40 + "1", "\ufeffA.1", "A.1\u200b"])))
            if rows[r]:
                rows[r][c] = value
        elif op == "drop_cell" and rows[r]:
            rows[r].pop()
        elif op == "add_cell":
            rows[r].append(draw(TEXT))
        elif op == "add_row":
            rows.append([draw(st.sampled_from(["A.1", "A.2", "B.1", "B.2", "Z.9", ""])),
                         draw(st.integers(2018, 2026).map(str)), draw(NUMBERS.map(str)), draw(NUMBERS.map(str))])
        elif op == "bom" and rows[0]:  # a second byte-order mark (the reader strips the first)
            rows[0][0] = "\ufeff" + rows[0][0]
        elif op == "drop_row" and r > 0:  # a year may go missing
            del rows[r]
        else:
            rows[0], rows[r] = rows[r], rows[0]
    sep = draw(st.sampled_from([",", ",", ",", ",", ";", "\t"]))
    end = draw(st.sampled_from(["\n", "\r\n"]))
    return end.join(sep.join(row) for row in rows) + end


def check_actuals(text: str) -> None:
    actuals = only_input_errors(lambda: actuals_from_text(text, TINY, source="fuzz.csv"))
    assert actuals is None or isinstance(actuals, Actuals)
    if actuals is not None and actuals.rows:
        # no silent gap: the executed years run from the first year of the program
        assert list(actuals.years) == list(range(TINY.period[0], max(actuals.years) + 1)), actuals.years
        budget = sum(b.state for b in TINY.annual_budget.values())
        assert all(0 <= r.spend <= budget and r.spend.denominator <= 10**6 for r in actuals.rows)
    # and as the actuals of a scenario (replanning the years after them)
    scenario = only_input_errors(lambda: scenario_from_documents(
        [("fuzz.yaml", {"name": "replan", "actuals": "fuzz.csv", "carry_over": True})], TINY,
        actuals_texts={"fuzz.yaml": ("fuzz.csv", text)}))
    assert (scenario is None) == (actuals is None) or scenario is None
    if scenario is not None:
        VALID["actuals"] = VALID.get("actuals", 0) + 1
        model_input(scenario)


def test_fuzz_actuals_csv():
    run_counted("actuals", check_actuals, csv_texts())


@st.composite
def level_texts(draw: st.DrawFn) -> str:
    number = st.one_of(st.integers(0, 2000).map(str), st.sampled_from(
        ["0.000001", "0.0000001", "100.5", "1e3", "9" * 5000, "1.2.3", "", "-5", "1000", "1001"]))
    kind = draw(st.sampled_from(["range", "range", "list", "junk"]))
    if kind == "range":
        step = draw(st.one_of(number, number.map(lambda x: "-" + x)))
        return f"{draw(number)}:{draw(number)}:{step}"
    if kind == "list":
        return ",".join(draw(st.lists(number, min_size=1, max_size=6)))
    return draw(TEXT)


def check_levels(text: str) -> None:
    levels = only_input_errors(lambda: parse_levels(text), UsageError)
    if levels is not None:
        VALID["levels"] = VALID.get("levels", 0) + 1
        assert 1 <= len(levels) <= MAX_LEVELS and all(0 <= x <= 1000 for x in levels)


def test_fuzz_sweep_levels():
    run_counted("levels", check_levels, level_texts())


def test_tiny_steps_are_refused_before_any_list_is_built():
    for text in ("100:40:-0.000001", "1000:0:-0.000001", "0:1000:0.000001"):
        with pytest.raises(UsageError, match="more than 10,000"):
            only_input_errors(lambda t=text: parse_levels(t), KeyError)  # the time limit applies


@pytest.mark.parametrize("depth", [50, 500, 5000])
def test_deeply_nested_documents(depth):
    """Nesting from YAML is refused by the loader; in a dict it is just a wrong type."""
    text = "name: x\ndescription: " + "[" * depth + "]" * depth + "\n"
    if depth > loaders.MAX_YAML_DEPTH:
        with pytest.raises(InputError, match="nested more than"):
            loaders.parse_yaml(text, "deep.yaml")
    else:
        check_scenario([("deep.yaml", loaders.parse_yaml(text, "deep.yaml"))])
    if depth <= 500:
        check_scenario([("deep.yaml", {"name": nested(depth, 1)})])
        check_program({**PROGRAM_DOC, "title": nested(depth, "x")})


def test_the_fuzz_checks_enough_documents():
    """The fuzz tests above check at least 10,000 documents with KGKC_FUZZ=full, 2,000 by default
    (when they all run, as in CI), and a fair share of them is valid: the fuzz reaches the checks
    behind the first one."""
    assert sum(FULL.values()) >= 10_000 and sum(EXPECTED.values()) >= (10_000 if FULL_RUN else 2_000)
    done = {k: v for k, v in COUNTS.items() if v}
    if len(done) == len(EXPECTED):
        assert sum(done.values()) >= sum(EXPECTED.values()), done
        share = 1 if FULL_RUN else 5
        assert VALID.get("program", 0) >= 200 // share and VALID.get("scenario", 0) >= 150 // share, VALID
        assert VALID.get("actuals", 0) >= 20 // share and VALID.get("levels", 0) >= 20 // share, VALID
        print(f"fuzz: {sum(done.values())} documents, {done}; valid: {VALID}")

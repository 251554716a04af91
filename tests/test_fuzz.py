"""Fuzzing the door: more than 10,000 generated documents, and only kgkc_opt's own errors escape.

Hypothesis mutates valid program and scenario documents (what a YAML file holds): keys dropped or
added, values replaced by other types, random text (Vietnamese, decomposed accents, control
characters), huge and tiny numbers, NaN and infinities, dates and bytes (YAML has both), deep
nesting. Each document goes to ``program_from_dict`` / ``scenario_from_documents``; dumped to YAML
and mutated as text, to ``loaders.parse_yaml``; actuals CSV text to ``actuals_from_text``. The only
exception allowed out is an ``InputError`` (exit code 2) listing problems that each name a file;
anything that passes is a ``Program`` / ``Scenario`` whose model input can be built.

Each test counts the documents it checked (the total is asserted to be at least 10,000). The runs
are derandomised (the same documents on every run: CI does not flake) and keep no example
database (nothing is written to the repository).
"""

from __future__ import annotations

import copy
import unicodedata
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from conftest import FIXTURES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kgkc_opt.errors import InputError
from kgkc_opt.inputs import files as loaders
from kgkc_opt.inputs.actuals import Actuals, actuals_from_text
from kgkc_opt.inputs.keys import KEYS as SCENARIO_KEYS
from kgkc_opt.inputs.keys import change_key
from kgkc_opt.inputs.program import Program, program_from_dict
from kgkc_opt.inputs.scenario import Scenario, scenario_from_documents
from kgkc_opt.model.data import model_input

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
EXPECTED = {"program": 3000, "scenario": 3500, "yaml_text": 3000, "actuals": 1500}

# ---- values a hand-edited file may hold -------------------------------------------------------

VIETNAMESE = "Tập huấn nâng cao năng lực quản lý; Hỗ trợ máy móc thiết bị tiên tiến; Đợt bình chọn"
NFD = unicodedata.normalize("NFD", VIETNAMESE)
WORDS = st.sampled_from([
    "", " ", "annual", "Hàng năm", "2021-2025", "2025-2021", "2021 – 2023", "-30%", "+5%", "150%", "-150%",
    "30 %", "1.234,5", "4.810", "24,5", "II.2", "A.1", "A.9", "all", "norm", "machinery", "exact",
    "reject", "hold_at_cap", "normal", "uniform", "triangular", "highs", "cbc", "gurobi", "true", "no",
    "NaN", ".inf", "1e400", "∞", "null", "~", "kgkc-program/1", "kgkc-scenario/1", VIETNAMESE, NFD,
    "a\x00b", "\x1b[1m", "\ufeff", "\u202e", "x" * 300,
])
TEXT = st.one_of(WORDS, st.text(max_size=12), st.text(st.characters(blacklist_categories=("Cs",)), max_size=6))
NUMBERS = st.one_of(
    st.integers(-3, 3), st.integers(2015, 2035), st.integers(-(10**12), 10**12), st.integers(),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.5, 2.5, -0.0, 1e-300, 1e300, 10**9 + 1]),
)
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, TEXT, st.dates(), st.binary(max_size=4))
KEYS = st.one_of(TEXT, st.integers(2015, 2035), st.sampled_from(
    ["all", "budget", "targets", "years", "cost", "total", "state", "tasks", "id", "extends", "program",
     "actuals", "A.1", "II.2", 2021, 2023, True, None, 1.5]))
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
])
OPS = ("drop", "replace", "add", "retype", "deep", "text", "number", "plausible", "plausible", "plausible",
       "plausible")


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
                node + 0.5 if isinstance(node, int | float) and not isinstance(node, bool) else node,
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
    from conftest import small_programs

    return weighted((5, mutated(PROGRAM_DOC)), (2, small_programs().flatmap(mutated)), (1, small_programs()),
                    (1, JUNK))


def scenario_docs() -> st.SearchStrategy[Any]:
    one_key = st.sampled_from(SCENARIO_KEYS).flatmap(lambda key: mutated({"name": "one", key.name: key.example(TINY)}))
    return weighted((6, mutated(SCENARIO_DOC)), (1, mutated({"name": "small", "budget": {"all": "-10%"}})),
                    (1, one_key), (1, JUNK))


# ---- checks ------------------------------------------------------------------------------------


def only_input_errors(call: Callable[[], Any]) -> Any:
    """``call()``'s value, or None if it raised an InputError naming its problems; anything else fails."""
    try:
        return call()
    except InputError as exc:
        assert exc.problems, "an InputError without problems"
        for p in exc.problems:
            assert p.source and p.message, p
        assert str(exc)
        return None


def check_program(doc: Any) -> None:
    program = only_input_errors(lambda: program_from_dict(doc, source="fuzz.yaml"))
    if program is not None:
        VALID["program"] = VALID.get("program", 0) + 1
        assert isinstance(program, Program)
        from kgkc_opt.inputs.scenario import baseline

        model_input(baseline(program))


def check_scenario(documents: list[tuple[str, Any]]) -> None:
    scenario = only_input_errors(lambda: scenario_from_documents(documents, TINY))
    if scenario is not None:
        VALID["scenario"] = VALID.get("scenario", 0) + 1
        assert isinstance(scenario, Scenario)
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
    assert {change_key(c)[0] for c in scenario.changes} >= set(SCENARIO_KEYS)
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
        op = draw(st.sampled_from(["cell", "cell", "drop_cell", "add_cell", "add_row", "add_row", "swap"]))
        if op == "cell":
            c = draw(st.integers(0, len(rows[r]) - 1)) if rows[r] else 0
            value = draw(st.one_of(TEXT, NUMBERS.map(str), st.sampled_from(
                ['"', '""', "1.234,5", "2,5", ";", "A.1", "A.2", "B.2", "2021", "2022", "2023", "0", "1", "3",
                 "12.5", " 7 ", "1e3"])))
            if rows[r]:
                rows[r][c] = value
        elif op == "drop_cell" and rows[r]:
            rows[r].pop()
        elif op == "add_cell":
            rows[r].append(draw(TEXT))
        elif op == "add_row":
            rows.append([draw(st.sampled_from(["A.1", "A.2", "B.1", "B.2", "Z.9", ""])),
                         draw(st.integers(2018, 2026).map(str)), draw(NUMBERS.map(str)), draw(NUMBERS.map(str))])
        else:
            rows[0], rows[r] = rows[r], rows[0]
    sep = draw(st.sampled_from([",", ",", ",", ",", ";", "\t"]))
    end = draw(st.sampled_from(["\n", "\r\n"]))
    return end.join(sep.join(row) for row in rows) + end


def check_actuals(text: str) -> None:
    actuals = only_input_errors(lambda: actuals_from_text(text, TINY, source="fuzz.csv"))
    assert actuals is None or isinstance(actuals, Actuals)
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


def test_at_least_ten_thousand_documents():
    """The four fuzz tests above check at least 10,000 documents (when they run, as in CI)."""
    assert sum(EXPECTED.values()) >= 10_000
    done = {k: v for k, v in COUNTS.items() if v}
    if len(done) == len(EXPECTED):
        assert sum(done.values()) >= 10_000, done
        # and a fair share of them was valid: the fuzz reaches the checks behind the first one
        assert VALID.get("program", 0) >= 200 and VALID.get("scenario", 0) >= 150, VALID
        assert VALID.get("actuals", 0) >= 20, VALID
        print(f"fuzz: {sum(done.values())} documents, {done}; valid: {VALID}")

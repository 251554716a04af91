"""Reading files: YAML safely, UTF-8 and NFC, limits, programs by name or path, scenario chains."""

from __future__ import annotations

import copy
import os
import pickle
import socket
import time
import unicodedata
from fractions import Fraction
from pathlib import Path

import pytest

import kgkc_opt as kg
from kgkc_opt.errors import InputError, KgkcError, ProgramError, ScenarioError
from kgkc_opt.inputs import files as loaders
from kgkc_opt.inputs.reader import WrittenFloat
from tests.support.paths import FIXTURES, ROOT

TINY = (FIXTURES / "tiny-program.yaml").read_text(encoding="utf-8")


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def only_problem(err: InputError):
    assert len(err.problems) == 1, err.problems
    return err.problems[0]


# --- programs ---------------------------------------------------------------------------------


def test_bundled_programs():
    names = kg.bundled_programs()
    assert "kien-giang-2021-2025" in names
    assert names == sorted(names)


def test_load_program_by_name_path_and_default():
    by_default = kg.load_program()
    by_name = kg.load_program("kien-giang-2021-2025")
    by_path = kg.load_program(ROOT / "kgkc_opt" / "programs" / "kien-giang-2021-2025.yaml")
    assert by_default == by_name
    assert by_name.tasks == by_path.tasks and by_name.annual_budget == by_path.annual_budget
    assert by_name.origin == "kien-giang-2021-2025"


def test_unknown_program_name_lists_the_bundled_ones():
    with pytest.raises(ProgramError) as info:
        kg.load_program("atlantis-2021-2025")
    p = only_problem(info.value)
    assert p.source == "atlantis-2021-2025"
    assert "no such program" in p.message and "kien-giang-2021-2025" in p.message


def test_missing_program_file(tmp_path):
    missing = tmp_path / "nope.yaml"
    with pytest.raises(ProgramError) as info:
        kg.load_program(missing)
    p = only_problem(info.value)
    assert p.source == str(missing) and p.message == "no such file"


def test_program_errors_name_the_file(tmp_path):
    path = write(tmp_path / "bad.yaml", TINY.replace("quantity: 6,", "quantity: six,", 1))
    with pytest.raises(ProgramError) as info:
        kg.load_program(path)
    p = only_problem(info.value)
    assert p.source == str(path)
    assert p.where == "tasks[A.1].quantity"
    assert str(info.value).startswith(f"{path}: tasks[A.1].quantity: expected a whole number")


def test_a_folder_is_not_a_file(tmp_path):
    with pytest.raises(ProgramError) as info:
        kg.load_program(tmp_path)
    assert "is a folder" in only_problem(info.value).message


# --- reading text and YAML --------------------------------------------------------------------


def test_malformed_yaml_names_the_line(tmp_path):
    path = write(tmp_path / "broken.yaml", 'name: x\nbudget: {all: "-20%"\n  2021: 3\n')
    with pytest.raises(ScenarioError) as info:
        kg.load_scenario(path)
    p = only_problem(info.value)
    assert p.source == str(path)
    assert p.where.startswith("line 3")
    assert "not valid YAML" in p.message
    assert str(path) in str(info.value) and "line 3" in str(info.value)


def test_indentation_error_names_the_line(tmp_path):
    path = write(tmp_path / "indent.yaml", "name: x\nbudget:\n  2021: 3\n 2022: 4\n")
    with pytest.raises(ScenarioError) as info:
        kg.load_scenario(path)
    assert only_problem(info.value).where.startswith("line 4")


@pytest.mark.parametrize("content", ["", "   \n\n", "# only a comment\n"])
def test_empty_file(tmp_path, content):
    path = write(tmp_path / "empty.yaml", content)
    with pytest.raises(ScenarioError) as info:
        kg.load_scenario(path)
    p = only_problem(info.value)
    assert p.source == str(path)
    assert "empty" in p.message or "mapping" in p.message


def test_missing_scenario_file(tmp_path):
    with pytest.raises(ScenarioError) as info:
        kg.load_scenario(tmp_path / "nope.yaml")
    assert only_problem(info.value).message == "no such file"


def test_non_utf8_file_names_the_line(tmp_path):
    path = write(tmp_path / "latin1.yaml", "name: x\ndescription: caf\xe9\n".encode("latin-1"))
    with pytest.raises(ScenarioError) as info:
        kg.load_scenario(path)
    p = only_problem(info.value)
    assert p.where == "line 2" and "UTF-8" in p.message


def test_binary_file_is_refused(tmp_path):
    path = write(tmp_path / "bin.yaml", b"name: x\x00\x01")
    with pytest.raises(ScenarioError) as info:
        kg.load_scenario(path)
    assert "binary" in only_problem(info.value).message


def test_byte_order_mark_is_accepted(tmp_path):
    write(tmp_path / "tiny-program.yaml", TINY)
    path = write(tmp_path / "bom.yaml", "\ufeffname: bom\nprogram: tiny-program.yaml\n".encode())
    assert kg.load_scenario(path).name == "bom"


def test_too_large_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(loaders, "MAX_FILE_BYTES", 1000)
    path = write(tmp_path / "big.yaml", "name: x\n" + "# padding\n" * 200)
    with pytest.raises(ScenarioError) as info:
        kg.load_scenario(path)
    assert "limited to 1,000 bytes" in only_problem(info.value).message


def test_alias_bomb_is_refused(tmp_path):
    lines = ["a: &a [1, 2]"] + [f"b{i}: *a" for i in range(101)]
    path = write(tmp_path / "bomb.yaml", "\n".join(lines))
    with pytest.raises(ScenarioError) as info:
        kg.load_scenario(path)
    assert "alias" in only_problem(info.value).message


def test_billion_laughs_is_refused_quickly(tmp_path):
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 12)}]")
    path = write(tmp_path / "laughs.yaml", "\n".join(lines))
    with pytest.raises(ScenarioError) as info:
        kg.load_scenario(path)
    assert "alias" in only_problem(info.value).message


def test_a_hundred_aliases_are_fine(tmp_path):
    lines = ["a: &a [1, 2]"] + [f"b{i}: *a" for i in range(100)]
    data = loaders.read_yaml(write(tmp_path / "ok.yaml", "\n".join(lines)))
    assert len(data) == 101 and data["b99"] == [1, 2]


def test_unsafe_tags_are_refused(tmp_path):
    path = write(tmp_path / "tag.yaml", "name: !!python/object/apply:os.system ['true']\n")
    with pytest.raises(ScenarioError) as info:
        kg.load_scenario(path)
    assert "not valid YAML" in only_problem(info.value).message


def test_text_is_normalised_to_nfc(tmp_path):
    nfd_title = unicodedata.normalize("NFD", "Chương trình thử nghiệm")
    assert nfd_title != "Chương trình thử nghiệm"
    text = TINY.replace("title: {vi: Chương trình thử nghiệm", f"title: {{vi: {nfd_title}")
    assert nfd_title in text
    prog = write(tmp_path / "nfd.yaml", text)
    p = kg.load_program(prog)
    assert p.title.vi == "Chương trình thử nghiệm"
    assert unicodedata.is_normalized("NFC", p.title.vi)
    # a scenario naming a task or group written with decomposed accents still finds it
    assert loaders.decode_text(nfd_title.encode(), "x") == "Chương trình thử nghiệm"


def test_error_hierarchy_and_exit_codes():
    assert issubclass(ProgramError, InputError) and issubclass(ScenarioError, InputError)
    assert issubclass(InputError, KgkcError)
    assert ScenarioError.exit_code == ProgramError.exit_code == 2


# --- scenarios and what they refer to ---------------------------------------------------------


def test_program_path_is_relative_to_the_scenario_file(tmp_path):
    write(tmp_path / "programs" / "tiny.yaml", TINY)
    path = write(tmp_path / "scn" / "s.yaml", "name: s\nprogram: ../programs/tiny.yaml\n")
    assert kg.load_scenario(path).program.id == "tiny"


def test_program_path_never_comes_from_the_cwd(tmp_path, monkeypatch):
    """A program next to the cwd but not next to the scenario is not picked up by accident."""
    write(tmp_path / "tiny.yaml", TINY)
    path = write(tmp_path / "scn" / "s.yaml", "name: s\nprogram: tiny.yaml\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ScenarioError) as info:
        kg.load_scenario(path)
    p = only_problem(info.value)
    assert p.source == str(path) and p.where == "program"
    assert "relative to the scenario file" in p.message


def test_scenario_without_program_uses_the_default(tmp_path):
    path = write(tmp_path / "s.yaml", "name: s\n")
    assert kg.load_scenario(path).program.id == "kien-giang-2021-2025"


def test_a_bad_program_is_a_program_error_naming_its_file(tmp_path):
    prog = write(tmp_path / "tiny.yaml",
                 TINY.replace("state: 60, other: 0}", "state: -60, other: 0}"))
    path = write(tmp_path / "s.yaml", "name: s\nprogram: tiny.yaml\n")
    with pytest.raises(ProgramError) as info:
        kg.load_scenario(path)
    p = only_problem(info.value)
    assert p.source == str(prog) and p.where == "tasks[A.1].cost.state"


def test_program_must_be_a_name_or_path(tmp_path):
    path = write(tmp_path / "s.yaml", "name: s\nprogram: [1, 2]\n")
    with pytest.raises(ScenarioError) as info:
        kg.load_scenario(path)
    assert only_problem(info.value).where == "program"


def test_extends_chain(tmp_path):
    write(tmp_path / "tiny.yaml", TINY)
    write(tmp_path / "base.yaml", 'name: base\nprogram: tiny.yaml\nbudget: {all: "-10%"}\n')
    child = write(tmp_path / "sub" / "child.yaml",
                  "name: child\nextends: ../base.yaml\nbudget: {2021: 50}\ntargets: {A.1: 4}\n")
    s = kg.load_scenario(child)
    assert s.name == "child" and s.program.id == "tiny"
    assert s.local_budget[2021] == 50           # the child's figure wins
    assert s.local_budget[2022] == Fraction("64.8")  # the base's cut stays (72 × 0.9)
    assert s.targets["A.1"] == 4
    keys = [c.key for c in s.changes]
    assert keys[:3] == ["budget.2021", "budget.2022", "budget.2023"]
    sources = {Path(c.source).resolve() for c in s.changes}
    assert sources == {(tmp_path / "base.yaml").resolve(), child.resolve()}


def test_extends_cycle_is_refused(tmp_path):
    write(tmp_path / "a.yaml", "name: a\nextends: b.yaml\n")
    path = write(tmp_path / "b.yaml", "name: b\nextends: a.yaml\n")
    with pytest.raises(ScenarioError) as info:
        kg.load_scenario(path)
    p = only_problem(info.value)
    assert p.where == "extends" and "cycle" in p.message


def test_extends_itself_is_refused(tmp_path):
    path = write(tmp_path / "a.yaml", "name: a\nextends: a.yaml\n")
    with pytest.raises(ScenarioError) as info:
        kg.load_scenario(path)
    assert "cycle" in only_problem(info.value).message


def test_extends_missing_file(tmp_path):
    path = write(tmp_path / "a.yaml", "name: a\nextends: nowhere.yaml\n")
    with pytest.raises(ScenarioError) as info:
        kg.load_scenario(path)
    p = only_problem(info.value)
    assert p.source == str(path) and p.where == "extends" and "nowhere.yaml" in p.message


# --- special files, read caps, the key that named a file ---------------------------------------


def scenario_naming(tmp_path: Path, key: str, value: str) -> Path:
    write(tmp_path / "tiny-program.yaml", TINY)
    program = "" if key == "program" else "program: tiny-program.yaml\n"
    return write(tmp_path / "s.yaml", f"name: s\n{program}{key}: '{value}'\n")


@pytest.mark.parametrize("key", ["extends", "program", "actuals"])
def test_dev_zero_is_refused_before_it_is_read_naming_the_key(tmp_path, key, monkeypatch):
    read = []
    real_read = loaders.os.read
    monkeypatch.setattr(loaders.os, "read", lambda fd, n: (data := real_read(fd, n), read.append(len(data)))[0])
    path = scenario_naming(tmp_path, key, "/dev/zero")
    with pytest.raises(ScenarioError) as info:
        kg.load_scenario(path)
    p = only_problem(info.value)
    assert (p.source, p.where) == (str(path), key)
    assert p.message == "/dev/zero: is a character device, not a regular file"
    assert sum(read) < 10_000  # only the scenario itself (and the program) were read


@pytest.mark.parametrize("key", ["extends", "program", "actuals"])
def test_a_named_pipe_is_refused_at_once(tmp_path, key):
    os.mkfifo(tmp_path / "pipe")
    path = scenario_naming(tmp_path, key, "pipe")
    started = time.perf_counter()
    with pytest.raises(ScenarioError) as info:
        kg.load_scenario(path)  # reading a pipe with no writer would wait forever
    assert time.perf_counter() - started < 2
    p = only_problem(info.value)
    assert (p.source, p.where, p.message) == (str(path), key, "pipe: is a named pipe, not a regular file")


@pytest.mark.parametrize("key", ["extends", "program", "actuals"])
def test_a_folder_named_by_a_key_is_reported_at_that_key(tmp_path, key):
    (tmp_path / "plans").mkdir()
    path = scenario_naming(tmp_path, key, "plans")
    with pytest.raises(ScenarioError) as info:
        kg.load_scenario(path)
    p = only_problem(info.value)
    assert (p.source, p.where, p.message) == (str(path), key, "plans: is a folder, expected a file")


def test_a_socket_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a socket's path is limited to about 100 bytes: bind a short one
    with socket.socket(socket.AF_UNIX) as server:
        server.bind("s.yaml")
        with pytest.raises(ScenarioError) as info:
            kg.load_scenario("s.yaml")
    assert only_problem(info.value).message == "is a socket, not a regular file"


def test_reads_stop_at_the_limit(tmp_path, monkeypatch):
    """Reading stops one byte past the limit, whatever size the file claims (it may grow while read)."""
    monkeypatch.setattr(loaders, "MAX_FILE_BYTES", 1000)
    path = write(tmp_path / "big.yaml", "name: x\n" + "# padding\n" * 5000)
    read = []
    real_read = loaders.os.read
    monkeypatch.setattr(loaders.os, "read", lambda fd, n: (data := real_read(fd, n), read.append(len(data)))[0])
    with pytest.raises(ScenarioError, match="limited to 1,000 bytes"):
        kg.load_scenario(path)
    assert sum(read) == 1001


# --- numbers as written -------------------------------------------------------------------------


def test_floats_keep_the_text_they_were_written_as():
    data = loaders.parse_yaml("a: 4.658\nb: 2.10\nc: 1.0e+3\nd: .inf\ne: 17.88\n", "t.yaml")
    assert data["a"] == 4.658 and str(data["a"]) == "4.658" and isinstance(data["a"], WrittenFloat)
    assert data["b"] == 2.1 and str(data["b"]) == "2.10" and repr(data["b"]) == "2.1"
    assert str(data["c"]) == "1.0e+3" and data["c"] == 1000.0
    assert data["d"] == float("inf") and not isinstance(data["d"], WrittenFloat)
    assert pickle.loads(pickle.dumps(data["b"])) == 2.1 and str(pickle.loads(pickle.dumps(data["b"]))) == "2.10"
    assert copy.deepcopy(data)["e"].text == "17.88"


@pytest.mark.parametrize(("written", "accepted"), [
    ("4.658", None), ("47.585", None), ("8.000", None), ("17.880", None),
    ("4.6580", Fraction(2329, 500)), ("17.88", Fraction(447, 25)), ("4192.2", Fraction(20961, 5)),
    ("0.125", Fraction(1, 8)), ("4658", Fraction(4658)), ("1.5", Fraction(3, 2)), ("1234.567", Fraction(1234567, 1000)),
])
def test_money_written_the_vietnamese_way_is_refused_as_ambiguous(tmp_path, written, accepted):
    text = TINY.replace("2021: {total: 102, state: 72", f"2021: {{total: 5000, state: {written}")
    path = write(tmp_path / "p.yaml", text)
    if accepted is None:
        with pytest.raises(ProgramError) as info:
            kg.load_program(path)
        p = only_problem(info.value)
        assert p.where == "annual_budget.years.2021.state"
        assert p.message.startswith(f"{written} is ambiguous") and f"write {written.replace('.', '')}," in p.message
    else:
        assert kg.load_program(path).annual_budget[2021].state == accepted


def test_the_hint_for_a_comma_is_itself_accepted(tmp_path):
    """'4,938' is refused with two spellings; each is then read as what the hint says."""
    text = TINY.replace("2021: {total: 102, state: 72", '2021: {total: 5000, state: "4,938"')
    path = write(tmp_path / "p.yaml", text)
    with pytest.raises(ProgramError) as info:
        kg.load_program(path)
    message = only_problem(info.value).message
    assert "write 4938, or 4.9380 for the decimal" in message
    for spelling, value in (("4938", Fraction(4938)), ("4.9380", Fraction(4938, 1000))):
        write(path, TINY.replace("2021: {total: 102, state: 72", f"2021: {{total: 5000, state: {spelling}"))
        assert kg.load_program(path).annual_budget[2021].state == value


def test_numeric_task_ids_are_refused_and_quoted_ones_kept_apart(tmp_path):
    numeric = TINY.replace("{id: A.1,", "{id: 2.1,").replace("{id: A.2,", "{id: 2.10,")
    with pytest.raises(ProgramError) as info:
        kg.load_program(write(tmp_path / "n.yaml", numeric))
    messages = [f"{p.where}: {p.message}" for p in info.value.problems]
    assert any(m.startswith("tasks[1].id: the id 2.10 is written as a number") and "id: '2.10'" in m
               for m in messages), messages
    assert not any("listed twice" in m for m in messages)
    quoted = TINY.replace("{id: A.1,", "{id: '2.1',").replace("{id: A.2,", "{id: '2.10',").replace(
        "tasks: [A.1]", "tasks: ['2.1']")
    program = kg.load_program(write(tmp_path / "q.yaml", quoted))
    assert program.task_ids[:2] == ("2.1", "2.10")
    # a scenario may name one unquoted: 2.10 stays '2.10' (the text as written)
    scenario = write(tmp_path / "s.yaml", "name: s\nprogram: q.yaml\ntargets: {2.10: 1}\n")
    targets = kg.load_scenario(scenario).targets
    assert (targets["2.10"], targets["2.1"]) == (1, 6)
    # both unquoted in one mapping are the same number: refused, saying so
    write(scenario, "name: s\nprogram: q.yaml\ntargets: {2.10: 1, 2.1: 5}\n")
    with pytest.raises(ScenarioError) as info:
        kg.load_scenario(scenario)
    assert only_problem(info.value).message == (
        "is not valid YAML: the key 2.1 is the number 2.1, as is the key 2.10 on line 3 (YAML reads unquoted "
        "2.10 as a number); quote keys that are ids: '2.10', '2.1'")


def test_a_state_share_above_the_total_is_refused(tmp_path):
    text = TINY.replace("cost: {total: 160, state: 80, other: 80}", "cost: {total: 60, state: 80, other: 0}")
    with pytest.raises(ProgramError) as info:
        kg.load_program(write(tmp_path / "p.yaml", text))
    p = only_problem(info.value)
    assert p.where == "tasks[A.2].cost.state"
    assert p.message.startswith("the state (Vốn NS) amount 80 is above the total 60")


# --- JSON at the door (a result's summary.json, read by reproduce) --------------------------------


@pytest.mark.parametrize(("text", "fragment"), [
    ("[" * 100_000 + "]" * 100_000, "is not a record: it is nested 100,000 levels deep; at most 100 are read"),
    ('{"a": ' + "[" * 101 + "]" * 101 + "}", "nested 102 levels deep"),
    ('{"a": ' + "1" * 5000 + "}", "is not valid JSON: Exceeds the limit (4300 digits)"),
    ('{"a": NaN}', "is not valid JSON: NaN is not a number"),
    ('{"a": -Infinity}', "is not valid JSON: -Infinity is not a number"),
    ('{"a": [1, 2}', "line 1: is not valid JSON: "),
    ('"' + '\\"' * 1_000_000, "line 1: is not valid JSON: Unterminated string"),
])
def test_read_json_refuses_what_would_crash_or_mislead(tmp_path, text, fragment):
    path = tmp_path / "summary.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        loaders.read_json(path)
    (problem,) = info.value.problems
    assert problem.source == str(path) and fragment in str(problem)


def test_read_json_counts_only_brackets_outside_strings(tmp_path):
    path = tmp_path / "summary.json"
    deep = "[" * 99 + "]" * 99  # with the object around it, as deep as allowed (100)
    path.write_text('{"text": "' + "[" * 500 + '\\"{", "deep": ' + deep + "}", encoding="utf-8")
    assert loaders.read_json(path)["text"] == "[" * 500 + '"{'


@pytest.mark.parametrize("special", ["folder", "fifo", "/dev/zero", "binary"])
def test_read_json_reads_only_a_regular_text_file(tmp_path, special):
    path = tmp_path / "summary.json"
    if special == "folder":
        path.mkdir()
    elif special == "fifo":
        os.mkfifo(path)
    elif special == "binary":
        path.write_bytes(b"{\x00}")
    else:
        path = Path(special)
    with pytest.raises(InputError):
        loaders.read_json(path)


# --- a file named by a scenario that is not text: said at the key that named it ------------------


@pytest.mark.parametrize(("content", "fragment"), [
    (None, "program: /proc/self/environ: is a binary file, expected UTF-8 text"),
    (b"\xff\xfeh\x00i\x00", "program: prog.yaml: is UTF-16 text"),
    (b"format: kgkc-program/1\nid: caf\xe9\n", "program: prog.yaml: line 2: is not UTF-8 text"),
])
def test_a_program_that_is_not_text_is_refused_at_the_scenarios_key(tmp_path, content, fragment):
    scenario = tmp_path / "s.yaml"
    if content is None:
        if not Path("/proc/self/environ").exists():
            pytest.skip("needs /proc")
        scenario.write_text("program: /proc/self/environ\n", encoding="utf-8")
    else:
        (tmp_path / "prog.yaml").write_bytes(content)
        scenario.write_text("program: prog.yaml\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        kg.load_scenario(scenario)
    (problem,) = info.value.problems
    assert (problem.source, problem.where) == (str(scenario), "program")
    assert fragment in str(problem)

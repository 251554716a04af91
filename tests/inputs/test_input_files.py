"""Reading files: YAML safely, UTF-8 and NFC, limits, programs by name or path, scenario chains."""

from __future__ import annotations

import unicodedata
from fractions import Fraction
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT

import kgkc_opt as kg
from kgkc_opt.errors import InputError, KgkcError, ProgramError, ScenarioError
from kgkc_opt.inputs import files as loaders

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

"""A program written as YAML (``report.program_file``): a header that says where it came from,
text that reads back as the same program, atomic writing that never replaces without ``force``."""

from __future__ import annotations

from pathlib import Path

import pytest

import kgkc_opt as kg
from kgkc_opt.errors import KgkcError
from kgkc_opt.inputs.program_dict import program_to_dict
from kgkc_opt.report.program_file import header, program_yaml_text, write_program_yaml
from tests.support.paths import FIXTURES


@pytest.fixture(scope="module")
def tiny() -> kg.Program:
    return kg.load_program(FIXTURES / "tiny-program.yaml")


def test_the_header_names_the_programs_merged() -> None:
    assert header().startswith("# Program file (kgkc-program/1) written by kgkc-opt ")
    merged = header(["kien-giang", "an-giang"])
    assert "merged from kien-giang and an-giang" in merged and "kgkc-opt program merge" in merged
    assert "merged from a, b and c" in header(["a", "b", "c"])
    assert all(line.startswith("# ") for line in merged.splitlines())


def test_the_text_reads_back_as_the_same_program(tiny: kg.Program, tmp_path: Path) -> None:
    text = program_yaml_text(program_to_dict(tiny))
    path = tmp_path / "tiny.yaml"
    path.write_text(text, encoding="utf-8")
    assert program_to_dict(kg.load_program(path)) == program_to_dict(tiny)
    assert "years: [2021, 2023]" in text  # a list of years on one line


def test_an_invalid_document_is_refused(tiny: kg.Program) -> None:
    document = program_to_dict(tiny)
    document["tasks"] = "none"
    with pytest.raises(KgkcError):
        program_yaml_text(document)


def test_an_existing_file_is_replaced_only_with_force(tiny: kg.Program, tmp_path: Path) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text("keep me", encoding="utf-8")
    with pytest.raises(KgkcError):
        write_program_yaml(program_to_dict(tiny), path)
    assert path.read_text(encoding="utf-8") == "keep me"
    write_program_yaml(program_to_dict(tiny), path, force=True)
    assert path.read_text(encoding="utf-8").startswith("# Program file")

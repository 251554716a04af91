"""Uploads of the web app (``app.uploads``): only the accepted file types and sizes, saved under
our own name, programs read with the package's readers (YAML or the program workbook)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgkc_opt.app.uploads import (
    PROGRAM_SUFFIXES,
    PROPOSAL_SUFFIXES,
    AppError,
    checked_upload,
    program_suffixes,
    read_program,
    save,
)
from kgkc_opt.errors import ProgramError
from kgkc_opt.inputs.files import MAX_FILE_BYTES
from tests.support.paths import FIXTURES


def test_the_suffix_is_checked_whatever_its_case_and_path() -> None:
    assert checked_upload("../../etc/Plan.YAML", b"x", program_suffixes(), "en") == ".yaml"
    assert checked_upload("de-an.csv", b"x", PROPOSAL_SUFFIXES, "vi") == ".csv"
    with pytest.raises(AppError, match=r"File type not accepted: notes.txt. Only .yaml, .yml, .xlsx"):
        checked_upload("notes.txt", b"x", PROGRAM_SUFFIXES, "en")
    with pytest.raises(AppError, match="Loại tệp không nhận"):
        checked_upload("", b"x", PROGRAM_SUFFIXES, "vi")


def test_a_file_above_the_limit_is_refused() -> None:
    with pytest.raises(AppError, match="too large"):
        checked_upload("p.yaml", b"x" * (MAX_FILE_BYTES + 1), PROGRAM_SUFFIXES, "en")


def test_a_saved_upload_gets_our_name_and_reads_as_a_program(tmp_path: Path) -> None:
    raw = (FIXTURES / "tiny-program.yaml").read_bytes()
    path = save(tmp_path, "program", ".yaml", raw)
    assert path == tmp_path / "program.yaml" and path.read_bytes() == raw
    program = read_program(path, "tiny-program.yaml")
    assert program.id == "tiny" and len(program.tasks) == 4


def test_a_bad_program_upload_says_where(tmp_path: Path) -> None:
    path = save(tmp_path, "program", ".yaml", b"format: kgkc-program/1\nid: x\n")
    with pytest.raises(ProgramError, match=r"upload\.yaml"):
        read_program(path, "upload.yaml")

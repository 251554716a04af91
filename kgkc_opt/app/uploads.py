"""Files a planner uploads: checked as every input is (size, type, content by the package's own
readers) and written only into the session's temporary folder, under a name of ours."""

from __future__ import annotations

from pathlib import Path, PurePath
from typing import Any

from kgkc_opt.app.text import t
from kgkc_opt.errors import ProgramError

#: the package's limit for every input file (``kgkc_opt.inputs.files.MAX_FILE_BYTES``)
from kgkc_opt.inputs.files import MAX_FILE_BYTES

PROGRAM_SUFFIXES = (".yaml", ".yml", ".xlsx")
PROPOSAL_SUFFIXES = (".csv", ".xlsx")


class AppError(Exception):
    """A message for the page, already in the page's language."""


def program_suffixes() -> tuple[str, ...]:
    """What a program upload may be: YAML (the program format, docs/program-format.md) or the
    program workbook (``kgkc-opt program template``; docs/program-format.md, "Drafting a program in
    Excel")."""
    return PROGRAM_SUFFIXES


def checked_upload(filename: str, raw: bytes, suffixes: tuple[str, ...], lang: str) -> str:
    """The upload's suffix, once its name and size are acceptable; else ``AppError``."""
    name = PurePath(filename or "").name
    suffix = PurePath(name).suffix.casefold()
    if suffix not in suffixes:
        raise AppError(t("err_type", lang, name=name or "?", allowed=", ".join(suffixes)))
    if len(raw) > MAX_FILE_BYTES:
        raise AppError(t("err_size", lang, name=name, size=len(raw), limit=MAX_FILE_BYTES))
    return suffix


def save(folder: Path, stem: str, suffix: str, raw: bytes) -> Path:
    """Write ``raw`` as ``folder/stem+suffix`` (our name, never the uploaded one)."""
    path = folder / f"{stem}{suffix}"
    path.write_bytes(raw)
    return path


def read_program(path: Path, label: str, lang: str = "vi") -> Any:
    """Read an uploaded program file (in the session's folder) with the package's readers. A
    workbook is read by the program workbook's reader (every problem at its sheet and cell, in
    ``lang``) and written beside it as ``program.yaml``, the file the session's scenarios name."""
    from kgkc_opt.inputs.files import decode_text, parse_yaml
    from kgkc_opt.inputs.program_reader import program_from_dict

    if path.suffix == ".xlsx":
        from kgkc_opt.inputs.program_xlsx import program_document_from_xlsx
        from kgkc_opt.report.program_file import write_program_yaml

        program, document = program_document_from_xlsx(path.read_bytes(), label, lang=lang)
        write_program_yaml(document, path.with_suffix(".yaml"), force=True)
        path.unlink()
        return program
    text = decode_text(path.read_bytes(), label, error_type=ProgramError)
    return program_from_dict(parse_yaml(text, label, error_type=ProgramError), source=label)

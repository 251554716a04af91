"""Writing a program document (``kgkc-program/1``) as a YAML program file.

``program_yaml_text(document)`` gives the text: a header comment (what wrote it, from which
programs, with kgkc-opt's version and no timestamp, so the same merge gives the same bytes), then
the document in block style with its keys in order, Vietnamese kept as it is (not escaped), lines
not wrapped, and short rows in flow style as in the hand-written files (``cost: {total: 16800,
state: 8400, other: 8400}``, ``tasks: [II.1, II.2]``). Exact decimals are written as their text
(``4192.2``, never ``4192.199999``). The text is read back before it is written: it must give the
same program as the document.

``write_program_yaml(document, path)`` writes it atomically (``report.files.write_file``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from kgkc_opt._version import __version__
from kgkc_opt.errors import KgkcError
from kgkc_opt.inputs.files import parse_yaml
from kgkc_opt.inputs.program import FORMAT
from kgkc_opt.inputs.program_reader import program_from_dict
from kgkc_opt.inputs.reader import WrittenFloat
from kgkc_opt.report.files import check_file, write_file

SUFFIXES = (".yaml", ".yml")


class _Dumper(yaml.SafeDumper):
    """PyYAML's safe dumper, with lists indented under their key (as in the bundled files)."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float)


def _represent_dict(dumper: yaml.SafeDumper, data: Mapping[Any, Any]) -> yaml.MappingNode:
    # a row of numbers (a cost, a period, a year of the annual table) on one line
    flow = bool(data) and all(value is None or (isinstance(value, int | float) and not isinstance(value, bool))
                              for value in data.values())
    return dumper.represent_mapping("tag:yaml.org,2002:map", list(data.items()), flow_style=flow)


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.SequenceNode:
    # a list of ids or years on one line: [II.1, II.2]
    flow = bool(data) and all(_scalar(item) for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _represent_written(dumper: yaml.SafeDumper, data: WrittenFloat) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:float", data.text)


_Dumper.add_representer(dict, _represent_dict)
_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(WrittenFloat, _represent_written)


def header(merged_from: Sequence[str] = ()) -> str:
    """The comment at the top of a written program file (no date: the same input, the same bytes)."""
    if merged_from:
        names = ", ".join(merged_from[:-1]) + f" and {merged_from[-1]}" if len(merged_from) > 1 else merged_from[0]
        lines = [
            f"Program file ({FORMAT}) merged from {names}",
            f"by kgkc-opt {__version__} (kgkc-opt program merge).",
            "Every task, target, relation and note keeps its source as '<program id>, <source>'; the",
            "merge's own notes are the source_notes with source 'kgkc-opt program merge'.",
        ]
    else:
        lines = [f"Program file ({FORMAT}) written by kgkc-opt {__version__}."]
    lines += ["Money in million VND (triệu đồng). The format is documented in docs/program-format.md;",
              "check the file with: kgkc-opt audit FILE"]
    return "".join(f"# {line}\n" for line in lines)


def program_yaml_text(program_dict: Mapping[str, Any], *, merged_from: Sequence[str] = ()) -> str:
    """The YAML text of a program document (see the module docstring). Raises ``ProgramError`` if
    the document is not a valid program."""
    label = str(program_dict.get("id", "program"))
    expected = program_from_dict(program_dict, source=label)
    body = yaml.dump(dict(program_dict), Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=4096, indent=2)
    text = header(merged_from) + body
    if program_from_dict(parse_yaml(text, label), source=label) != expected:
        raise KgkcError("{label}: internal error: the YAML text does not read back as the same program", label=label)
    return text


def write_program_yaml(program_dict: Mapping[str, Any], path: str | Path, *, force: bool = False,
                       merged_from: Sequence[str] = ()) -> Path:
    """Write a program document as a YAML file, atomically; an existing file is replaced only with
    ``force``. ``merged_from``: the ids of the programs it was merged from (for the header)."""
    check_file(path, suffixes=SUFFIXES, kind="a program file is written as .yaml", force=force)
    text = program_yaml_text(program_dict, merged_from=merged_from)
    return write_file(path, text, force=force)

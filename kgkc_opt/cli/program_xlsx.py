"""``kgkc-opt program template | import | export``: programs drafted in an Excel workbook.

- ``template --out program.xlsx``: the empty workbook in the decision's annex layout, with its
  instructions sheet first (``report.program_workbook``);
- ``import program.xlsx --out program.yaml``: read a filled-in workbook (``inputs.program_xlsx``:
  every problem at its sheet and cell), write the program file, and say what the audit finds;
- ``export PROGRAM --xlsx program.xlsx``: any program (a bundled name or a file) as the workbook.

``add_parsers(program_subparsers)`` registers the three actions on ``kgkc-opt program``;
``dispatch(args)`` runs one and returns the exit code (a usage or input error raises a
``KgkcError`` whose exit code is 2).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kgkc_opt.cli import text
from kgkc_opt.cli.text import t

EXIT_OK = 0
ACTIONS = ("template", "import", "export")


def add_parsers(program_subparsers: Any) -> None:
    """Register ``template``, ``import`` and ``export`` on the subparsers of ``kgkc-opt program``."""
    p = program_subparsers.add_parser(
        "template", help="write an empty program workbook (.xlsx) to fill in",
        description="Write an empty workbook in the decision's annex layout (task table with group rows, units, "
        "quantities or ranges, cost per funding source, years; the annual table per source; targets; support "
        "rules; cadences and links), with instructions in Vietnamese and English on its first sheet. Fill it in, "
        "then: kgkc-opt program import FILE.xlsx --out FILE.yaml")
    p.add_argument("--out", required=True, metavar="FILE.xlsx", help="the workbook to write")
    p.add_argument("--force", action="store_true", help="replace FILE.xlsx if it exists")
    text.add_lang(p, "the message")
    p = program_subparsers.add_parser(
        "import", help="read a program workbook (.xlsx) and write the program file (.yaml)",
        description="Read a program workbook (made by 'kgkc-opt program template' or 'export'), check it as every "
        "program file is checked (every problem listed with its sheet and cell), write the program file and print "
        "what the audit finds (kgkc-opt audit FILE.yaml lists it).")
    p.add_argument("workbook", metavar="FILE.xlsx", help="the program workbook")
    p.add_argument("--out", required=True, metavar="FILE.yaml", help="the program file to write")
    p.add_argument("--force", action="store_true", help="replace FILE.yaml if it exists")
    text.add_lang(p, "the messages")
    p = program_subparsers.add_parser(
        "export", help="write a program (bundled name or file) as a program workbook (.xlsx)",
        description="Write a program as the workbook 'kgkc-opt program import' reads: edit it in Excel and "
        "import it again. The workbook holds everything the program file holds.")
    p.add_argument("program", metavar="PROGRAM", help="bundled program name or program file")
    p.add_argument("--xlsx", required=True, metavar="FILE.xlsx", help="the workbook to write")
    p.add_argument("--force", action="store_true", help="replace FILE.xlsx if it exists")
    text.add_lang(p, "the message")


def dispatch(args: argparse.Namespace) -> int:
    if args.program_command == "template":
        return cmd_template(args)
    if args.program_command == "import":
        return cmd_import(args)
    return cmd_export(args)


def cmd_template(args: argparse.Namespace) -> int:
    from kgkc_opt.report.program_workbook import write_program_workbook

    write_program_workbook(None, args.out, force=args.force)
    text.wrote(args.out, args.lang)
    print(t(f"Điền sổ tính rồi chạy: kgkc-opt program import {args.out} --out chuong-trinh.yaml",
            f"Fill it in, then run: kgkc-opt program import {args.out} --out program.yaml", args.lang))
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from kgkc_opt.analysis.audit import audit
    from kgkc_opt.errors import UsageError
    from kgkc_opt.inputs.program_dict import program_to_dict
    from kgkc_opt.inputs.program_xlsx import load_program_xlsx
    from kgkc_opt.report import files as export
    from kgkc_opt.report.program_file import SUFFIXES, write_program_yaml

    export.check_file(args.out, suffixes=SUFFIXES, kind="the program is written as .yaml", force=args.force)
    if Path(args.out).resolve() == Path(args.workbook).resolve():
        raise UsageError("{out}: is the workbook read; write the program to another file", out=args.out)
    program = load_program_xlsx(args.workbook, lang=args.lang)
    write_program_yaml(program_to_dict(program), args.out, force=args.force)
    findings = audit(program)
    counts = {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")}
    print(t(f"Chương trình {program.id}: {len(program.tasks)} nhiệm vụ trong {len(program.groups)} nhóm, "
            f"giai đoạn {program.period[0]}–{program.period[1]}.",
            f"Program {program.id}: {len(program.tasks)} tasks in {len(program.groups)} groups, "
            f"{program.period[0]}–{program.period[1]}.", args.lang))
    print(t(f"Rà soát số liệu: {counts['error']} lỗi, {counts['warning']} cảnh báo, {counts['info']} ghi chú "
            f"(chi tiết: kgkc-opt audit {args.out}).",
            f"Audit: {counts['error']} errors, {counts['warning']} warnings, {counts['info']} notes "
            f"(details: kgkc-opt audit {args.out} --lang en).", args.lang))
    text.wrote(args.out, args.lang)
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from kgkc_opt.inputs.files import load_program
    from kgkc_opt.inputs.program_dict import program_to_dict
    from kgkc_opt.report.program_workbook import write_program_workbook

    program = load_program(args.program)
    write_program_workbook(program_to_dict(program), args.xlsx, force=args.force)
    text.wrote(args.xlsx, args.lang)
    return EXIT_OK

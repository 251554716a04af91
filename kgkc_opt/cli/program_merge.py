"""``kgkc-opt program merge A B [C...] --name NAME --out FILE.yaml``: one program for a merged province.

Since 1 July 2025 Kiên Giang is part of the merged An Giang province, which needs one program that
holds its predecessors' programs. The command loads each program (a bundled name or a file),
merges them (``analysis.merge.merge_programs``: every row keeps its origin, the annual table is
summed, conflicting support rules are kept apart), prints a summary (tasks per origin, the summed
annual table, conflicts, notes, and the audit findings the merge itself caused: none for a plain
merge), and writes the merged program file (``report.program_file``). docs/program-format.md,
"Merging programs", describes the result.

``add_merge_parser(program_subparsers)`` registers the action on ``kgkc-opt program``;
``cmd_merge(args)`` runs it and returns the exit code (a usage or input error raises a
``KgkcError`` whose exit code is 2).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

from kgkc_opt.cli import text
from kgkc_opt.cli.text import t

EXIT_OK = 0


def add_merge_parser(program_subparsers: Any) -> argparse.ArgumentParser:
    """Register ``merge`` on the subparsers of ``kgkc-opt program``; returns its parser."""
    p: argparse.ArgumentParser = program_subparsers.add_parser(
        "merge", help="merge the programs of merged provinces into one program file",
        description="Merge two or more programs into one program file, for a province formed by merging "
        "provinces (since 1 July 2025 Kiên Giang is part of An Giang). Every task keeps its figures, years and "
        "source; its id becomes <group>.<PREFIX>.<n> (II.2 of Kiên Giang: II.KG.2). The annual table and the "
        "stated totals are summed. A support rule that two programs state differently is kept twice "
        "(<rule>@<PREFIX>) and reported. See docs/program-format.md, 'Merging programs'.")
    p.add_argument("programs", nargs="+", metavar="PROGRAM",
                   help="bundled program names or program files, at least two, in the order of the prefixes")
    p.add_argument("--name", required=True, metavar="NAME",
                   help="id of the merged program, e.g. an-giang-2021-2030 (use the output file's name)")
    p.add_argument("--title-vi", metavar="TITLE", help="title of the merged program in Vietnamese")
    p.add_argument("--title-en", metavar="TITLE", help="title of the merged program in English")
    p.add_argument("--province", metavar="NAME", help="province of the merged program (default: the inputs' "
                   "provinces, joined)")
    p.add_argument("--combine", action="append", default=[], metavar="X,Y",
                   help="merge these rows (same group, unit and support rule) into one row: quantities and costs "
                        "summed, e.g. --combine II.KG.2,II.AG.2 (or KG-II.2,AG-II.2); repeat for more")
    p.add_argument("--prefix", action="append", metavar="P",
                   help="origin code of a program's rows (letters and digits), once per program in order "
                        "(default: the province's initials, e.g. KG, AG)")
    p.add_argument("--out", required=True, metavar="FILE.yaml", help="the merged program file to write")
    p.add_argument("--force", action="store_true", help="replace FILE.yaml if it exists")
    text.add_lang(p, "the summary")
    return p


def cmd_merge(args: argparse.Namespace) -> int:
    from kgkc_opt.analysis.merge import merge_programs
    from kgkc_opt.analysis.merge_audit import merge_audit
    from kgkc_opt.errors import UsageError
    from kgkc_opt.inputs.files import load_program, resolve_program_path
    from kgkc_opt.inputs.program import Text
    from kgkc_opt.report import files as export
    from kgkc_opt.report.program_file import SUFFIXES, write_program_yaml

    if len(args.programs) < 2:
        raise UsageError("program merge needs at least two programs: kgkc-opt program merge A B --name NAME "
                         "--out FILE.yaml")
    export.check_file(args.out, suffixes=SUFFIXES, kind="the merged program is written as .yaml", force=args.force)
    out = Path(args.out).resolve()
    for name in args.programs:
        path = resolve_program_path(name)
        if path is not None and path.resolve() == out:
            raise UsageError("{out}: is the input program {name}; write the merged program to another file",
                             out=args.out, name=name)
    programs = [load_program(name) for name in args.programs]
    combine = [tuple(x.strip() for x in item.split(",") if x.strip()) for item in args.combine]
    title = None
    if args.title_vi or args.title_en:
        title = Text(args.title_vi or args.title_en, args.title_en or args.title_vi)
    result = merge_programs(programs, name=args.name, title=title, combine=combine, prefixes=args.prefix,
                            province=args.province)
    checked = merge_audit(result, programs)
    write_program_yaml(result.program_dict, args.out, force=args.force, merged_from=result.inputs)
    summary(result, checked, programs, args.lang)
    print()
    text.wrote(args.out, args.lang)
    return EXIT_OK


def summary(result: Any, checked: Any, programs: Sequence[Any], lang: str) -> None:
    """What ``program merge`` prints: the merged program, tasks per origin, the summed annual table,
    conflicts, notes and the audit check."""
    from kgkc_opt.report.findings import finding_text

    merged = result.program
    first, last = merged.period
    print(t(f"Chương trình hợp nhất {merged.id}: {merged.title.vi}",
            f"Merged program {merged.id}: {merged.title.en}", lang))
    print(t(f"Giai đoạn {first}–{last}; {len(merged.tasks)} nhiệm vụ trong {len(merged.groups)} nhóm; "
            "đơn vị tính: triệu đồng",
            f"Period {first}–{last}; {len(merged.tasks)} tasks in {len(merged.groups)} groups; million VND", lang))
    print()
    rows = []
    for prefix, p in zip(result.prefixes, programs, strict=True):
        ids = result.tasks_of(p.id)
        shared = sum(len(result.task_origins[tid]) > 1 for tid in ids)
        rows.append([prefix, p.id, f"{p.period[0]}–{p.period[1]}", str(len(p.tasks)),
                     str(shared) if shared else "", f"{ids[0]} … {ids[-1]}" if ids else ""])
    print(t("Nhiệm vụ theo chương trình gốc:", "Tasks per origin:", lang))
    print(text.table(rows, [t("Mã", "Prefix", lang), t("Chương trình", "Program", lang),
                            t("Giai đoạn", "Period", lang), t("Nhiệm vụ", "Tasks", lang),
                            t("Đã gộp", "Combined", lang), t("Mã mới", "Merged ids", lang)], right={3, 4}))
    print()
    rows = []
    sums = [Fraction(0)] * 3
    for y, b in merged.annual_budget.items():
        rows.append([str(y), text.n(b.total, lang), text.n(b.state, lang), text.n(b.other, lang)])
        sums = [sums[0] + b.total, sums[1] + b.state, sums[2] + b.other]
    rows.append([t("Cộng", "Sum", lang), *(text.n(s, lang) for s in sums)])
    print(t("Bảng kinh phí hằng năm, cộng các chương trình gốc (triệu đồng):",
            "Annual table, summed over the programs (million VND):", lang))
    print(text.table(rows, [t("Năm", "Year", lang), t("Tổng số", "Total", lang), t("Vốn NS", "State (NS)", lang),
                            t("Vốn khác", "Other", lang)], right={1, 2, 3}))
    print()
    _listed([c.text(lang) for c in result.conflicts], lang, ("Xung đột quy định hỗ trợ", "Support-rule conflicts"),
            ("Xung đột quy định hỗ trợ: không có.", "Support-rule conflicts: none."))
    if result.notes:
        print(t("Ghi chú về việc hợp nhất:", "Notes on the merge:", lang))
        for note in result.notes:
            print(f"  - {note.get(lang)}")
    print()
    _listed([f"{_code(f, lang)}{finding_text(f, merged, lang)}" for f in checked.artefacts], lang,
            ("Phát hiện do chính việc hợp nhất gây ra", "Audit findings caused by the merge itself"),
            ("Phát hiện do chính việc hợp nhất gây ra: không có (so với kết quả rà soát của các chương trình gốc).",
             "Audit findings caused by the merge itself: none (against the audits of the merged programs)."))
    if checked.from_period:
        ids, count = ", ".join(f.message.split(":", 1)[0] for f in checked.from_period), len(checked.from_period)
        print(t(f"Ghi chú do giai đoạn hợp nhất dài hơn (số lượng không chia đều theo năm, {count}): {ids}",
                f"Notes due to the longer merged period (years-uneven, {count}): {ids}", lang))
    if checked.not_carried:
        print(t(f"Phát hiện của chương trình gốc không còn xuất hiện ({len(checked.not_carried)}):",
                f"Findings of the merged programs that no longer appear ({len(checked.not_carried)}):", lang))
        for f in checked.not_carried:
            print(f"  - {_code(f, lang)}{finding_text(f, merged, lang)}")


def _code(finding: Any, lang: str) -> str:
    """The finding's code in English output (the codes are identifiers, not words: not in Vietnamese)."""
    return f"[{finding.code}] " if lang == "en" else ""


def _listed(items: list[str], lang: str, title: tuple[str, str], none: tuple[str, str]) -> None:
    """A titled list with its count ("Title (n):" then "  - item"), or the sentence for none."""
    if not items:
        print(t(*none, lang))
        return
    print(t(f"{title[0]} ({len(items)}):", f"{title[1]} ({len(items)}):", lang))
    for item in items:
        print(f"  - {item}")

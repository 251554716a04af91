"""``kgkc-opt annual``: which proposals (đề án) to fund in one year, and why not the others.

Registered on the main parser by ``kgkc_opt.cli``; a thin layer over ``kgkc_opt.analysis.annual``
(through ``runs.annual_run``, which ``kgkc-opt reproduce`` runs again) and the files of
``report.annual``. Prints a summary in Vietnamese (default) or English; ``--out DIR`` writes the
result folder atomically, all or nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections.abc import Iterator
from typing import Any

from kgkc_opt.cli import text
from kgkc_opt.cli.text import t
from kgkc_opt.words import say

COMMANDS = ("annual",)
EXIT_OK, EXIT_INFEASIBLE = 0, 1


def _whole(least: int) -> Any:
    def read(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
        if number < least:
            raise argparse.ArgumentTypeError(f"expected a whole number of at least {least}, got {value!r}")
        return number

    return read


def _amount(value: str) -> Any:
    from kgkc_opt.report.annual import amount

    try:
        return amount(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


#: Seconds after which a selection still running says so (on a terminal's stderr only: what the
#: command prints on stdout, and what it writes, never depend on the clock).
PROGRESS_AFTER = 3.0


@contextlib.contextmanager
def _progress_note(note: str) -> Iterator[None]:
    """One line on stderr when the work inside takes more than ``PROGRESS_AFTER`` seconds."""
    if not sys.stderr.isatty():
        yield
        return
    import threading  # (here: not loaded at every start of the command line)

    timer = threading.Timer(PROGRESS_AFTER, lambda: print(f"kgkc-opt annual: {note}", file=sys.stderr, flush=True))
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def add_parsers(sub: Any) -> None:
    p = sub.add_parser(
        "annual", help="select the proposals (đề án) to fund in one year, with reasons for the others",
        description="Select which proposals (đề án khuyến công) to fund in YEAR, proven optimal: within the "
        "year's budget for proposals, each task support rule's legal cap (a request above it is trimmed), the "
        "program's plan for the year and the spread rules; progress toward the year's plan first, then (mid-year) "
        "the proposals funded before, the proposals' scores, first-time applicants, and the least money. Every "
        "proposal not funded gets its reasons and the least extra local budget that funds it without giving up any "
        "of the selection's progress, kept proposals or priority (verified by solving again). PROPOSALS is a CSV "
        "(UTF-8) or .xlsx file, one row per proposal (docs/annual-plan.md). Money in million VND.")
    p.add_argument("proposals", metavar="PROPOSALS", help="the proposals file (.csv or .xlsx)")
    p.add_argument("--year", type=_whole(1), required=True, metavar="YEAR", help="the year to select for")
    source = p.add_mutually_exclusive_group()
    source.add_argument("--program", metavar="PROGRAM",
                        help="bundled program name or program file (default: kien-giang-2021-2025); its plan "
                        "as decided gives the year's quantities and budget")
    source.add_argument("--scenario", metavar="SCENARIO",
                        help="scenario file (YAML) whose plan gives the year's quantities and budget (with "
                        "actuals: the re-plan of the remaining years)")
    p.add_argument("--out", metavar="DIR", help="write selection.csv, by_task.csv, by_commune.csv, changes.csv "
                   "(with --previous), annual-plan.xlsx, annual-plan.docx and summary.json to DIR (atomically)")
    p.add_argument("--force", action="store_true", help="replace DIR if it exists")
    text.add_lang(p, "the summary, the reasons, the workbook and the brief")
    p.add_argument("--max-per-commune", type=_whole(1), metavar="N", help="fund at most N proposals per commune")
    p.add_argument("--min-per-region", type=_whole(0), default=0, metavar="K",
                   help="fund at least K proposals per region, where K can be funded (default 0: no rule)")
    p.add_argument("--no-cofunding-cap", action="store_true",
                   help="do not cap the funded proposals' co-funding at the year's co-funding plan")
    p.add_argument("--budget", type=_amount, metavar="AMOUNT",
                   help="the budget for proposals in million VND (default: the year's local budget less what "
                   "the plan spends on the tasks no proposal serves)")
    p.add_argument("--sheet", metavar="NAME",
                   help="the sheet of an .xlsx PROPOSALS file to read (default: the visible sheet named 'proposals' "
                   "or 'đề án', else the only visible sheet holding values; a hidden sheet is read only when named)")
    p.add_argument("--check-extra", action="store_true",
                   help="for each least extra budget, also make the selection again with it and say whether it "
                   "funds the proposal (slower: the whole selection is solved once more per figure)")
    p.add_argument("--rule", choices=("merit", "sum-of-scores"), default="merit",
                   help="after progress toward the year's plan: merit (default: lexicographic order of scores, fund "
                   "from the top of the list: a proposal is left out only where no selection keeping every higher "
                   "score funds it) or sum-of-scores (the highest total score, the earlier rule)")
    p.add_argument("--year-plan", choices=("reserve", "frame", "strict", "free"), default="reserve",
                   help="reserve (default): each task's units at most its plan for the year; the further proposals "
                   "the money left would fund (in merit order, up to the units left in the period) are listed as a "
                   "reserve list the council may add by decision, each step with its cost and the money left after "
                   "it; frame: the same, with the reserve list funded, each marked beyond the year's plan; strict: "
                   "the year's plan caps each task and the money left is kept, no reserve list; free: up to the "
                   "period's units left in one selection (the earlier rule)")
    national = p.add_mutually_exclusive_group()
    national.add_argument("--national-envelope", type=_amount, metavar="AMOUNT",
                          help="the national money (million VND) for the proposals whose channel is national: they "
                          "are selected within it first, by the same rules; without it or --national-approved a "
                          "national proposal has no national money")
    national.add_argument("--national-approved", metavar="CSV",
                          help="the Ministry's approvals: a CSV with the columns proposal_id and approved (national "
                          "support, million VND); a national proposal not listed is not approved")
    p.add_argument("--national-fallback", action="store_true",
                   help="a national proposal not funded from national money may be funded from local money")
    p.add_argument("--national-what-if", action="store_true",
                   help="also select with the national money as given, half of it and none (late or absent), and "
                   "say what changes and what it costs the local budget (national_whatif.csv)")
    p.add_argument("--document-settings", metavar="FILE.yaml",
                   help="the issuing body, proposal number, annex number, date, signer and draft status "
                   "of the document (YAML, see docs/documents.md); blanks to fill in by hand where left out")
    p.add_argument("--previous", metavar="DIR_OR_SELECTION_CSV",
                   help="mid-year re-selection: an earlier output folder (its selection.csv) or a selection.csv; "
                   "started proposals stay funded, those funded before are kept where progress allows, withdrawn "
                   "ones are dropped, and what changed is shown")


def dispatch(args: argparse.Namespace) -> int | None:
    if args.command == "annual":
        return cmd_annual(args)
    return None


def cmd_annual(args: argparse.Namespace) -> int:
    from kgkc_opt.report import files as export
    from kgkc_opt.report.annual import AnnualOptions
    from kgkc_opt.report.record import check_out_holds_no_input
    from kgkc_opt.runs import annual_run
    from kgkc_opt.solver.status import Status

    options = AnnualOptions(args.proposals, args.year, program=None if args.scenario else (args.program or
                            "kien-giang-2021-2025"), scenario=args.scenario, lang=args.lang,
                            max_per_commune=args.max_per_commune, min_per_region=args.min_per_region,
                            cap_cofunding=not args.no_cofunding_cap, budget=args.budget, previous=args.previous,
                            check_extra=args.check_extra, sheet=args.sheet, rule=args.rule,
                            year_plan=args.year_plan, national=args.national_envelope,
                            national_approved=args.national_approved, national_fallback=args.national_fallback,
                            national_whatif=args.national_what_if, document_settings=args.document_settings)
    if args.out:
        export.check_folder(args.out, force=args.force)
    started = time.perf_counter()
    with _progress_note(t("Đang lựa chọn đề án và tính lý do, kinh phí bổ sung ít nhất cho từng đề án...",
                              "Selecting the proposals and working out each one's reasons and least extra "
                              "budget...", args.lang)):
        run = annual_run(options)
    seconds = time.perf_counter() - started
    with export.all_or_nothing():
        if args.out:
            check_out_holds_no_input(args.out, run.inputs)
            export.write_folder(args.out, run.files, force=args.force)
    summary(run.study.result, run.scenario, seconds, args.lang)
    if run.study.whatif:
        whatif_summary(run.study.whatif, args.lang)
    if args.out:
        print()
        text.wrote(f"{args.out}/", args.lang)
    return EXIT_OK if run.study.result.status == Status.OPTIMAL else EXIT_INFEASIBLE


# ---------------------------------------------------------------------------------------------
# the summary


def summary(result: Any, scenario: Any, seconds: float, lang: str) -> None:
    """What ``annual`` prints: the budget, what is funded, the proposals not funded with their
    reasons and least extra budget, the trims and, mid-year, what changed."""
    from kgkc_opt.report import fmt
    from kgkc_opt.report.annual_tables import counts, money, status_text

    program = scenario.program
    print(t(f"Lựa chọn đề án khuyến công năm {result.year}", f"Selection of proposals for {result.year}", lang))
    print(f"{t('Chương trình', 'Program', lang)}: {program.title.get(lang)}")
    print(f"{t('Kế hoạch của chương trình', 'Program plan', lang)}: {fmt.scenario_title(scenario, lang)}")
    print(f"{t('Kết quả', 'Status', lang)}: {fmt.status(result.status, lang)}, {text.n(round(seconds, 2), lang)} "
          f"{t('giây', 's', lang)}")
    if not result.decisions:
        print(t("Không chọn được danh mục: các quy tắc phân bổ theo địa bàn không thể cùng thỏa mãn (kinh phí dành "
                f"cho các đề án {money(result.budget, lang)} triệu đồng); hãy giảm số đề án tối thiểu mỗi khu vực "
                "hoặc tăng số đề án tối đa mỗi xã.",
                f"No selection: {result.message}; lower the least per region or raise the most per commune.", lang))
        return
    local, cof = result.spent
    n = counts(result)
    mvnd = t("triệu đồng", "million VND", lang)
    print(t(f"Kinh phí dành cho các đề án: {money(result.budget, lang)} {mvnd}; đã bố trí {money(local, lang)}, "
            f"còn lại {money(result.budget - local, lang)} {mvnd}.",
            f"Budget for proposals: {money(result.budget, lang)} {mvnd}; spent {money(local, lang)}, "
            f"left {money(result.budget - local, lang)} {mvnd}.", lang))
    cap = (t(f" (tối đa {money(result.cofunding, lang)})", f" (at most {money(result.cofunding, lang)})", lang)
           if result.cofunding is not None else "")
    print(t(f"Vốn đối ứng của các cơ sở được hỗ trợ: {money(cof, lang)}{cap} {mvnd}.",
            f"Co-funding of the funded proposals: {money(cof, lang)}{cap} {mvnd}.", lang))
    if result.national is not None:
        n_funded = [d for d in result.funded if d.source == "national"]
        fallback = [d for d in result.funded if d.source == "local" and d.proposal.channel == "national"]
        print(t(f"Kinh phí khuyến công quốc gia: {money(result.national, lang)} {mvnd}; đã bố trí "
                f"{money(result.spent_national, lang)} cho {len(n_funded)} đề án quốc gia"
                + (f"; {len(fallback)} đề án quốc gia dùng kinh phí địa phương" if fallback else "") + ".",
                f"National money: {money(result.national, lang)} {mvnd}; {money(result.spent_national, lang)} "
                f"funds {len(n_funded)} national proposals"
                + (f"; {len(fallback)} national proposals fall back to local money" if fallback else "") + ".", lang))
    print(t(f"Được hỗ trợ: {n['funded'] + n['trimmed']}/{len(result.decisions)} đề án ({n['funded']} theo đề nghị, "
            f"{n['trimmed']} điều chỉnh giảm theo mức hỗ trợ tối đa); không được hỗ trợ: {n['not_funded']}.",
            f"Funded: {n['funded'] + n['trimmed']} of {len(result.decisions)} proposals ({n['funded']} as requested, "
            f"{n['trimmed']} trimmed to the legal cap); not funded: {n['not_funded']}.", lang))
    trimmed = [d for d in result.decisions if d.status == "trimmed"]
    if trimmed:
        print(t("Điều chỉnh giảm: ", "Trimmed: ", lang) + "; ".join(
            f"{d.proposal.id} {money(d.proposal.requested, lang)} → {money(d.support, lang)}" for d in trimmed))
    beyond = sorted((d for d in result.decisions if d.beyond_plan), key=lambda d: (-d.proposal.score, d.proposal.id))
    if beyond:
        print(t(f"Ngoài kế hoạch năm {result.year} (kinh phí còn lại sau khi bố trí đủ kế hoạch năm, theo thứ tự "
                "điểm): ", f"Beyond the plan for {result.year} (money left once every task's plan is served, in "
                "order of score): ", lang) + "; ".join(
            f"{d.proposal.id} ({d.proposal.task_id}, {text.n(float(d.proposal.score), lang)} "
            f"{t('điểm', 'points', lang)}, {money(d.support, lang)})" for d in beyond))
    _reserve_and_not_funded(result, lang, mvnd)
    if result.previous is not None:
        from kgkc_opt.analysis.annual_study import changes_of

        changes = changes_of(result)
        print(t(f"\nThay đổi so với lần chọn trước ({len(changes)}):",
                f"\nChanges from the earlier selection ({len(changes)}):", lang))
        for c in changes:
            why = c.decision.reason_text(lang) if c.decision is not None else ""
            print(f"- {c.proposal_id}: {status_text(c.before, lang)} → {status_text(c.after, lang)}"
                  + (f" ({why})" if why else ""))
        if not len(changes):
            print(t("  (không có)", "  (none)", lang))

def _reserve_and_not_funded(result: Any, lang: str, mvnd: str) -> None:
    """The reserve list step by step, then the other proposals not funded with their reasons."""
    from kgkc_opt.report.annual_tables import CHOSEN_AGAIN, LEAST_EXTRA, money

    if result.reserve:
        print(say("\nReserve list (not funded; the money left after the year's plan would fund them in this order; "
                  "the council may add them by decision):", lang))
        for step in result.reserve:
            print(say("{step}. {id} (task {task}, {score} points): {cost} {mvnd}, {left} left after it", lang).format(
                step=step.step, id=step.proposal_id, task=step.task_id, score=text.n(float(step.score), lang),
                cost=money(step.cost, lang), mvnd=mvnd, left=money(step.left, lang)))
    refused = [d for d in result.decisions if d.status == "not_funded" and d.reserve is None]
    if refused:
        print(t(f"\nĐề án không được hỗ trợ ({len(refused)}):", f"\nProposals not funded ({len(refused)}):", lang))
        for d in refused:
            extra = "–" if d.least_extra is None else f"{money(d.least_extra, lang)} {mvnd}" + (
                "*" if d.funded_at_extra else "")
            needs = t(f"nhiệm vụ {d.proposal.task_id}, cần {money(d.support, lang)} {mvnd}",
                      f"task {d.proposal.task_id}, needs {money(d.support, lang)} {mvnd}", lang)
            print(f"- {d.proposal.id} ({needs}): {d.reason_text(lang)}")
            print(t(f"  Kinh phí bổ sung ít nhất: {extra}", f"  Least extra budget: {extra}", lang))
        print()
        print(LEAST_EXTRA.get(lang))
        if any(d.funded_at_extra for d in refused):
            print(CHOSEN_AGAIN.get(lang))


def whatif_summary(cases: Any, lang: str) -> None:
    """The national what-if: each case's national money, who falls back, what it costs, who is lost."""
    from kgkc_opt.report.annual_tables import money

    print(t("\nNếu kinh phí quốc gia chậm, thiếu hoặc không có:", "\nIf the national money is late, partial or absent:",
            lang))
    for w in cases:
        print(t(f"- {w.name.get(lang)} ({money(w.national, lang)} triệu đồng): {len(w.funded_national)} đề án "
                "quốc gia; "
                f"{len(w.fallback)} chuyển sang kinh phí địa phương ({money(w.fallback_money, lang)} triệu đồng); "
                f"{len(w.lost)} không được hỗ trợ; đề án địa phương mất chỗ: {', '.join(w.displaced) or 'không'}.",
                f"- {w.name.get(lang)} ({money(w.national, lang)} million VND): {len(w.funded_national)} national "
                f"proposals funded; {len(w.fallback)} fall back to local money "
                f"({money(w.fallback_money, lang)} million VND); {len(w.lost)} not funded; local proposals "
                f"displaced: {', '.join(w.displaced) or 'none'}.",
                lang))

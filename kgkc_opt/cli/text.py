"""What the commands print, in Vietnamese (the default) or English (``--lang en``).

One function per command prints its summary and tables; numbers follow the language (4.658 and
4.657,38 in Vietnamese; 4,658 and 4,657.38 in English), shares follow the one rule of
``report.fmt.share``, English units are pluralised, task ids carry their names, and a scenario is
named by its title (``fmt.scenario_title``), never by its file name. The command functions in
``cli.app`` and ``cli.analysis`` compute; these functions only write.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from kgkc_opt.report import fmt

if TYPE_CHECKING:
    import argparse  # (imported by the parser, once ``cli.app.run`` has started)


def add_lang(p: argparse.ArgumentParser, what: str = "the output") -> None:
    """``--lang vi|en`` on a command (default vi)."""
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help=f"language of {what} (default vi)")


def t(vi: str, en: str, lang: str) -> str:
    return vi if lang == "vi" else en


def table(rows: Sequence[Sequence[str]], header: Sequence[str], right: set[int] | None = None) -> str:
    """A plain-text table: columns padded, those in ``right`` right-aligned."""
    right = right or set()
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(r: Sequence[str]) -> str:
        return "  ".join(str(c).rjust(w) if i in right else str(c).ljust(w)
                         for i, (c, w) in enumerate(zip(r, widths, strict=True))).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def n(value: Any, lang: str, decimals: int | None = None) -> str:
    return fmt.number(value, lang, decimals)


def objective(value: Any, lang: str) -> str:
    """The objective with six decimals, always (23,415238; 24,000000)."""
    return fmt.number(value, lang, 6, strip=False)


def _task(program: Any, tid: str, lang: str) -> str:
    try:
        return fmt.task_name(program.task(tid), lang, short=True)
    except KeyError:
        return str(tid)


# ---------------------------------------------------------------------------------------------
# solve


def solve(result: Any, scenario: Any, seconds: float, lang: str) -> None:
    """The summary of a solve: what the scenario changes, the status, each year's caps and use,
    and the tasks short of target."""
    if not _solve_heading(result, scenario, seconds, lang):
        return
    rows_of = result.rows  # plain rows: printing a summary needs no pandas
    _caps_and_use(rows_of, scenario, lang)
    _short_of_target(rows_of, scenario.program, lang)
    _ranged_targets(rows_of, scenario.program, lang)


def _solve_heading(result: Any, scenario: Any, seconds: float, lang: str) -> bool:
    """The scenario, its changes, the status and the objective; False when there is no plan to show."""
    program = scenario.program
    print(f"{t('Phương án', 'Scenario', lang)}: {fmt.scenario_title(scenario, lang)}")
    print(f"{t('Chương trình', 'Program', lang)}: {program.title.get(lang)}")
    lines = fmt.change_lines(scenario, lang)
    if lines:
        print(t("Thay đổi so với quyết định:", "Changes from the decision:", lang))
        for text in lines:
            print(f"  - {text}")
    # a stop at a node limit (no time limit given: solver.decompose) is not a stop at the time limit
    by_nodes = "node limit" in result.message
    status = (t("khả thi, dừng ở giới hạn số nút tìm kiếm (chưa chứng minh tối ưu)",
                "feasible, stopped at a node limit (not proven optimal)", lang)
              if by_nodes and result.has_plan else fmt.status(result.status, lang))
    print(f"{t('Kết quả', 'Status', lang)}: {status}, {n(round(seconds, 2), lang)} {t('giây', 's', lang)}")
    if not result.has_plan:  # an infeasible scenario's explanation and repairs in the run's language
        worded = getattr(result.explanation, "worded", None)
        print(worded(lang) if worded is not None else result.message)
        return False
    print(t(f"Tổng tỷ lệ hoàn thành mục tiêu: {objective(result.objective, lang)} trên "
            f"{n(result.max_objective, lang)} (mỗi nhiệm vụ tối đa 1)",
            f"Objective: {objective(result.objective, lang)} of {n(result.max_objective, lang)} "
            "(weighted share of targets met)", lang))
    if result.gap:
        gap = fmt.percent(result.gap, lang, 2)
        if by_nodes:
            print(t(f"Dừng ở giới hạn số nút tìm kiếm: phương án có thể thấp hơn tối ưu đến {gap}.",
                    f"Stopped at a node limit: the plan may be up to {gap} below the optimum.", lang))
        else:
            print(t(f"Dừng khi hết thời gian: phương án có thể thấp hơn tối ưu đến {gap}.",
                    f"Stopped at the time limit: the plan may be up to {gap} below the optimum.", lang))
    print()
    return True


def _caps_and_use(rows_of: Any, scenario: Any, lang: str) -> None:
    """Each year's caps and use: the local budget, the co-funding and the program's other state sources."""
    if not rows_of.budget:
        first, last = scenario.program.period
        print(t(f"Không còn năm nào để lập kế hoạch: số liệu thực hiện đã có đủ các năm của chương trình "
                f"({first}–{last}); dưới đây là kết quả đã thực hiện.",
                f"Nothing is left to plan: the actuals cover every year of the program ({first}–{last}); "
                "below is what was delivered.", lang))
    caps = {(r.year, r.source): r for r in rows_of.budget}
    # the program's other state sources (national funds, ...), each with its cap and use
    others = [s for s in scenario.program.extra_sources if any(src == s.id for _, src in caps)]
    rows = []
    for y in sorted({r.year for r in rows_of.budget}):
        loc, cof = caps[(y, "local")], caps[(y, "cofunding")]
        row = [str(y), n(loc.cap, lang), n(loc.used, lang),
               fmt.share(loc.used / loc.cap, lang) if loc.cap else "–", n(cof.cap, lang), n(cof.used, lang)]
        for s in others:
            other = caps.get((y, s.id))
            row += [n(other.cap, lang), n(other.used, lang)] if other is not None else ["–", "–"]
        rows.append(row)
    if rows:
        heads = [t("Năm", "Year", lang), t("KH vốn NS", "Local cap", lang), t("Đã phân bổ", "Used", lang),
                 t("Tỷ lệ", "Use", lang), t("KH vốn đối ứng", "Co-funding cap", lang), t("Đã huy động", "Used", lang)]
        for s in others:
            heads += [t(f"KH {s.name.vi}", f"{s.name.en} cap", lang), t("Đã phân bổ", "Used", lang)]
        print(t("Kế hoạch vốn và sử dụng vốn theo năm (triệu đồng)", "Caps and use per year (million VND)", lang))
        print(table(rows, heads, right=set(range(1, len(heads)))))
        print()


def _short_of_target(rows_of: Any, program: Any, lang: str) -> None:
    """The tasks short of target, largest share missing first (as ``Result.shortfalls``)."""
    short = sorted((r for r in rows_of.achievement if r.shortfall > 0), key=lambda r: (r.share, -r.shortfall))
    if not short:
        print(t("Mọi nhiệm vụ đều đạt mục tiêu.", "Every task meets its target.", lang))
        return
    rows = []
    for r in short:
        task = program.task(r.task_id)
        unit = task.unit.get(lang)
        achieved = f"{int(r.achieved)}/{fmt.target(r.target, r.target_min, unit, lang)}"
        rows.append([str(r.task_id), task.label(lang, short=True), achieved,
                     fmt.share(r.share, lang), fmt.quantity(r.shortfall, unit, lang)])
    print(t(f"Nhiệm vụ chưa đạt mục tiêu ({len(rows)}):", f"Tasks short of target ({len(rows)}):", lang))
    print(table(rows, [t("Mã", "Task", lang), t("Nhiệm vụ", "Name", lang), t("Đạt", "Achieved", lang),
                       t("Tỷ lệ", "Share", lang), t("Còn thiếu", "Short by", lang)], right={2, 3}))


def _ranged_targets(rows_of: Any, program: Any, lang: str) -> None:
    """Targets written as ranges: where each plan lands in its range (the minimum counts in full)."""
    ranged = [r for r in rows_of.achievement if r.target_min < r.target]
    if not ranged:
        return
    print()
    print(t(f"Mục tiêu theo khoảng ({len(ranged)}): đạt mức tối thiểu là đạt mục tiêu",
            f"Targets written as ranges ({len(ranged)}): the minimum meets the target", lang))
    rows = []
    for r in ranged:
        task = program.task(r.task_id)
        unit = task.unit.get(lang)
        above = max(int(r.achieved) - int(r.target_min), 0)
        rows.append([str(r.task_id), task.label(lang, short=True), fmt.target(r.target, r.target_min, unit, lang),
                     fmt.number(int(r.achieved), lang), fmt.number(above, lang)])
    print(table(rows, [t("Mã", "Task", lang), t("Nhiệm vụ", "Name", lang), t("Khoảng", "Range", lang),
                       t("Kế hoạch", "Planned", lang), t("Vượt mức tối thiểu", "Above the minimum", lang)],
                right={2, 3, 4}))


def replan(scenario: Any, summary: Any, lang: str) -> None:
    """Plan vs actual vs re-plan per task (``analysis.compare.replan_summary``)."""
    years = scenario.planned_years()
    executed = years[0] - 1 if years else scenario.program.period[1]
    again_vi = f"lập lại kế hoạch {years[0]}–{years[-1]}" if years else "không còn năm nào để lập lại kế hoạch"
    again_en = f"re-planned {years[0]}–{years[-1]}" if years else "nothing left to re-plan"
    print(t(f"\nKế hoạch, thực hiện và kế hoạch điều chỉnh (đã thực hiện đến năm {executed}, {again_vi}):",
            f"\nPlan vs actual vs re-plan (executed up to {executed}, {again_en}):", lang))
    rows = [[tid, str(r.target), str(r.plan), str(r.actual), str(r.replan), str(r.delivered_and_replanned),
             str(r.short) if r.short else ""] for tid, r in summary.iterrows()]
    print(table(rows, [t("Mã", "Task", lang), t("Mục tiêu", "Target", lang), t("Kế hoạch", "Plan", lang),
                       t("Thực hiện", "Actual", lang), t("KH điều chỉnh", "Re-plan", lang),
                       t("TH + KH điều chỉnh", "Actual + re-plan", lang), t("Còn thiếu", "Short", lang)],
                right={1, 2, 3, 4, 5, 6}))


def wrote(path: str, lang: str) -> None:
    print(t(f"Đã ghi {path}", f"Wrote {path}", lang))


# ---------------------------------------------------------------------------------------------
# audit, reconstruct, program show, scenario show


def audit(program: Any, findings: Sequence[Any], lang: str) -> None:
    from kgkc_opt.report.findings import finding_text, severity, source_text

    counts = {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")}
    print(t(f"Rà soát {program.title.vi}: {counts['error']} lỗi, {counts['warning']} cảnh báo, "
            f"{counts['info']} ghi chú",
            f"Audit of {program.title.en}: {counts['error']} errors, {counts['warning']} warnings, "
            f"{counts['info']} notes", lang))
    for f in findings:
        code = f" {f.code}" if lang == "en" else ""  # the codes are identifiers (see --json), not words
        print(f"\n[{severity(f.severity, lang)}]{code}\n  {finding_text(f, program, lang)}")
        for s in f.sources:
            print(f"  ↳ {source_text(s, program, lang)}")


def reconstruct(program: Any, rec: Any, lang: str) -> None:
    print(t(f"Phân kỳ toàn bộ phụ lục nhiệm vụ theo năm ({program.title.vi}): {fmt.status(rec.status, lang)}; "
            f"tổng chênh lệch so với bảng kinh phí hằng năm {n(rec.total_deviation, lang, 3)} triệu đồng",
            f"Reconstructed schedule of {program.title.en}: {fmt.status(rec.status, lang)}; total |difference| "
            f"from the annual table {n(rec.total_deviation, lang, 3)} million VND", lang))
    rows = [[str(y), fmt.label("local_short" if s == "local" else "cofunding_short", lang), n(r.annual_table, lang),
             n(r.reconstructed, lang), fmt.number(r.difference, lang, 2, sign=True)]
            for (y, s), r in rec.comparison.iterrows()]
    print(table(rows, [t("Năm", "Year", lang), t("Nguồn vốn", "Column", lang),
                       t("Bảng kinh phí", "Annual table", lang), t("Phân kỳ", "Schedule", lang),
                       t("Chênh lệch", "Difference", lang)], right={2, 3, 4}))


def program_show(program: Any, lang: str) -> None:
    """The task table as read: a column per funding source where the program names its own, a
    range quantity as written (4–6)."""
    print(t(f"{program.title.vi}; đơn vị tính: triệu đồng", f"{program.title.en}; million VND", lang))
    declared = program.sources_declared
    money_heads = ([s.name.get(lang) for s in program.funding_sources] if declared else
                   [t("Vốn NS", "State (NS)", lang), t("Vốn khác", "Other", lang)])
    rows = []
    for task in program.tasks:
        years = task.years_text if lang == "vi" else ("annual" if task.annual else fmt.years_text(task.years, "en"))
        parts = ([task.cost.amount(s) for s in program.funding_sources] if declared
                 else [task.cost.state, task.cost.other])
        rows.append([task.id, task.label(lang, short=True), task.unit.get(lang), task.quantity_text,
                     n(task.cost.total, lang), *(n(a, lang) for a in parts), years])
    print(table(rows, [t("Mã", "Id", lang), t("Nhiệm vụ", "Task", lang), t("Đơn vị", "Unit", lang),
                       t("SL", "Qty", lang), t("Tổng số", "Total", lang), *money_heads, t("Thời gian", "Years", lang)],
                right=set(range(3, 5 + len(money_heads)))))


def scenario_show(s: Any, lang: str) -> None:
    print(f"{t('Phương án', 'Scenario', lang)}: {fmt.scenario_title(s, lang)}")
    print(f"{t('Chương trình', 'Program', lang)}: {s.program.title.get(lang)}")
    text = fmt.description(s, lang)
    if text:
        print(f"  {text}")
    lines = fmt.change_lines(s, lang)
    print(t(f"Thay đổi so với quyết định ({len(lines)}):", f"Changes from the decision ({len(lines)}):", lang))
    for line in lines:
        print(f"  - {line}")
    if lang == "en":  # the change log as recorded (keys, files), for whoever writes scenario files
        print(f"Files: {' ← '.join(reversed(s.sources))}")
        print(f"Change log ({len(s.changes)}):")
        for c in s.changes:
            print(f"  {c}    [{c.source}]")
    print(t("Kế hoạch vốn của phương án (triệu đồng):", "Effective caps (million VND):", lang))
    others = s.program.extra_sources  # other state sources (national funds, ...)
    rows = [[str(y), n(s.local_budget[y], lang), n(s.cofunding[y], lang),
             *(n(s.funding[o.id][y], lang) for o in others)] for y in s.program.years]
    print(table(rows, [t("Năm", "Year", lang), t("Vốn ngân sách", "Local budget", lang),
                       t("Vốn đối ứng", "Co-funding", lang), *(o.name.get(lang) for o in others)],
                right=set(range(1, 3 + len(others)))))
    print(t(f"Chuyển vốn NS chưa sử dụng sang năm sau: {'có' if s.carry_over else 'không'}",
            f"Carry-over of unspent local budget: {'on' if s.carry_over else 'off'}", lang))


# ---------------------------------------------------------------------------------------------
# compare, sweep, Monte Carlo, sensitivity


def compare(comp: Any, scenarios: Sequence[Any], results: Sequence[Any], lang: str,
            policies: Sequence[str] | None = None) -> None:
    """Scenarios side by side; with ``policies``, one scenario planned under each cut policy."""
    if policies:
        print(t(f"Phương án “{fmt.scenario_title(scenarios[0], lang)}” theo từng cách cắt giảm khi thiếu vốn",
                f"“{fmt.scenario_title(scenarios[0], lang)}” under each cut policy", lang))
        titles = [fmt.policy(p, lang).capitalize() for p in policies]
    else:
        titles = [fmt.scenario_title(s, lang) for s in scenarios]
    labels = [f"({chr(ord('A') + i)})" for i in range(len(scenarios))]
    print(t("Các phương án (phương án đầu là gốc so sánh):", "Scenarios (the first is the reference):", lang))
    rows: list[list[str]] = []
    for label, title, r in zip(labels, titles, results, strict=True):
        if r.has_plan:
            short = int((r.achievement["shortfall"] > 0).sum())
            local = float(r.budget.xs("local", level="source")["used"].sum())
            cof = float(r.budget.xs("cofunding", level="source")["used"].sum())
            lost = comp.summary["cofunding_lost"].iloc[len(rows)] if "cofunding_lost" in comp.summary else float("nan")
            rows.append([label, title, fmt.status(r.status, lang).split(" (")[0], objective(r.objective, lang),
                         str(short), n(local, lang), n(cof, lang), n(lost, lang) if lost == lost else "–"])
        else:
            rows.append([label, title, fmt.status(r.status, lang), "–", "–", "–", "–", "–"])
    print(table(rows, ["", t("Phương án", "Scenario", lang), t("Kết quả", "Status", lang),
                       t("Tổng tỷ lệ đạt", "Objective", lang), t("Số NV thiếu", "Tasks short", lang),
                       t("Vốn NS đã dùng", "Local used", lang), t("Vốn đối ứng", "Co-funding used", lang),
                       t("Vốn đối ứng mất đi", "Co-funding lost", lang)],
                right={3, 4, 5, 6, 7}))
    if not policies:
        print(t("\nThay đổi của từng phương án so với quyết định:", "\nWhat each scenario changes:", lang))
        for label, s in zip(labels, scenarios, strict=True):
            lines = fmt.change_lines(s, lang) or [t("không thay đổi", "nothing", lang)]
            print(f"  {label} " + "; ".join(lines))
    for label, r in zip(labels, results, strict=True):
        if not r.has_plan:
            print(f"\n{label}: {fmt.status(r.status, lang)}.")
    if len(comp.years):
        print(t("\nVốn NS đã phân bổ theo năm (triệu đồng):", "\nLocal budget used per year (million VND):", lang))
        local = comp.years.xs("local", level="source")["used"].unstack("scenario")
        rows = []
        for y in local.index:
            cells = []
            for name in comp.names:
                value = local.loc[y, name] if name in local.columns else float("nan")
                cells.append(n(value, lang) if value == value else "–")
            rows.append([str(y), *cells])
        print(table(rows, [t("Năm", "Year", lang), *labels], right=set(range(1, len(labels) + 1))))
        short = comp.shortfalls()
        print(t("\nNhiệm vụ chưa đạt mục tiêu ở một phương án nào đó (số lượng đạt):",
                "\nTasks short of target in any scenario (units achieved):", lang))
        if len(short):
            program = scenarios[0].program
            rows = []
            for tid, r in short.iterrows():
                rows.append([_task(program, tid, lang), str(int(r["target"]))] +
                            [str(int(r[name])) if r[name] == r[name] else "–" for name in comp.names])
            print(table(rows, [t("Nhiệm vụ", "Task", lang), t("Mục tiêu", "Target", lang), *labels],
                        right=set(range(1, len(labels) + 2))))
        else:
            print(t("  (không có)", "  (none)", lang))


def sweep(scenario: Any, res: Any, count: int, seconds: float, levels: Sequence[float], scale: float | None,
          two_dimensional: bool, lang: str) -> None:
    program = scenario.program
    title = fmt.scenario_title(scenario, lang)
    print(t(f"Giảm dần vốn ngân sách từ phương án “{title}”: {count} lần tính trong {n(round(seconds, 1), lang)} giây",
            f"Sweep of “{title}”: {count} scenarios in {n(round(seconds, 1), lang)} s", lang))
    if scale is not None:
        print(t(f"Mức vốn: % so với kế hoạch vốn của phương án (100% = {fmt.percent(scale, lang, 1)} kế hoạch vốn "
                "của quyết định)",
                f"Levels: % of the scenario's caps (100% = {fmt.percent(scale, lang, 1)} of the decision's caps)",
                lang))
    obj = res.objectives
    rows = []
    for r in obj.itertuples():
        row = [fmt.number(r.budget_level, lang) + "%"]
        if two_dimensional:
            row.append(fmt.number(r.cofunding_level, lang) + "%")
        if scale is not None:
            row.append(fmt.number(round(r.budget_level * scale, 1), lang) + "%")
        value = objective(r.objective, lang) if r.objective == r.objective else "–"
        row += [fmt.status(r.status, lang).split(" (")[0], value]
        rows.append(row)
    header = [t("Mức vốn NS", "Local budget level", lang)]
    if two_dimensional:
        header.append(t("Mức vốn đối ứng", "Co-funding level", lang))
    if scale is not None:
        header.append(t("So với QĐ", "Of the decision", lang))
    header += [t("Kết quả", "Status", lang), t("Tổng tỷ lệ đạt", "Objective", lang)]
    print(t("\nTổng tỷ lệ hoàn thành mục tiêu theo mức vốn:", "\nObjective (weighted share of targets met) per level:",
            lang))
    print(table(rows, header, right=set(range(len(header)))))
    if two_dimensional:
        return
    tab = res.table()
    tab = tab[(tab < 1 - 1e-9).any(axis=1)]
    print(t("\nTỷ lệ hoàn thành của các nhiệm vụ bị cắt giảm ở một mức vốn nào đó (cột: mức vốn NS):",
            "\nShare of target met, tasks that fall short at some level (columns: budget level):", lang))
    if len(tab):
        rows = [[str(tid)] + [fmt.share(v, lang) for v in tab.loc[tid]] for tid in tab.index]
        print(table(rows, [t("Mã", "Task", lang), *[fmt.number(c, lang) + "%" for c in tab.columns]],
                    right=set(range(1, len(tab.columns) + 1))))
    else:
        print(t("  (mọi nhiệm vụ đạt mục tiêu ở mọi mức vốn)", "  (every task met at every level)", lang))
    order = res.cut_order()
    if len(order):
        print(t("\nThứ tự cắt giảm (nhiệm vụ bị cắt trước đứng trước):", "\nCut order (first to fall short first):",
                lang))
        for i, r in order.iterrows():
            print(t(f"  {i}. {_task(program, r.task_id, lang)}: bắt đầu thiếu ở mức {n(r.falls_short_at, lang)}% "
                    f"(đạt {fmt.share(r.share_there, lang)} ở mức đó, {fmt.share(r.share_at_lowest, lang)} ở mức "
                    f"{n(min(levels), lang)}%)",
                    f"  {i}. {_task(program, r.task_id, lang)}: first short at {n(r.falls_short_at, lang)}% "
                    f"({fmt.share(r.share_there, lang)} met there, {fmt.share(r.share_at_lowest, lang)} at "
                    f"{n(min(levels), lang)}%)", lang))


def montecarlo(scenario: Any, res: Any, seconds: float, lang: str) -> None:
    title = fmt.scenario_title(scenario, lang)
    varies = fmt.uncertainty_text(scenario.uncertainty, lang)
    print(t(f"Mô phỏng phương án “{title}”: {n(len(res.samples), lang)} lần (số khởi tạo ngẫu nhiên {res.seed}) trong "
            f"{n(round(seconds, 1), lang)} giây",
            f"Monte Carlo of “{title}”: {n(len(res.samples), lang)} draws (seed {res.seed}) in "
            f"{n(round(seconds, 1), lang)} s", lang))
    if varies:
        print(f"  {varies}")
    q = res.objective_quantiles()
    print(t("Tổng tỷ lệ hoàn thành mục tiêu theo phân vị: ", "Objective quantiles: ", lang) +
          ", ".join(f"p{int(k * 100)} {n(v, lang, 4)}" for k, v in q.items()))
    probs = res.probabilities
    low = probs[probs["probability"] < 1]
    print(t("\nKhả năng đạt mục tiêu (các nhiệm vụ dưới 100%):", "\nChance of meeting each target (tasks below 100%):",
            lang))
    if len(low):
        program = scenario.program
        rows = [[_task(program, tid, lang), fmt.share(r.probability, lang), fmt.share(r.mean_share, lang),
                 fmt.share(r.p10_share, lang)] for tid, r in low.iterrows()]
        print(table(rows, [t("Nhiệm vụ", "Task", lang), t("Khả năng đạt", "Chance", lang),
                           t("Tỷ lệ đạt bình quân", "Mean share", lang), t("Tỷ lệ đạt p10", "Share p10", lang)],
                    right={1, 2, 3}))
    else:
        print(t("  (mọi mục tiêu đạt ở mọi lần mô phỏng)", "  (every target met in every draw)", lang))


def sensitivity(scenario: Any, result: Any, sens: Any, gains: Any, lang: str) -> None:
    """LP rates per million with the range over which each holds, then what 1 billion VND more or
    less actually buys (exact re-solves), then per-task rates."""
    from kgkc_opt.report.figures import gains_rows, points_text

    program = scenario.program
    print(t(f"Phân tích độ nhạy của phương án “{fmt.scenario_title(scenario, lang)}” (tổng tỷ lệ hoàn thành "
            f"{objective(result.objective, lang)}); tiền tính bằng triệu đồng",
            f"Sensitivity of “{fmt.scenario_title(scenario, lang)}” (objective {objective(result.objective, lang)}); "
            "money in million VND", lang))
    print(t("Tỷ lệ biên của quy hoạch tuyến tính: mức tăng tổng tỷ lệ hoàn thành trên 1 triệu đồng, chỉ đúng trong "
            "khoảng kế hoạch vốn ghi bên cạnh; số tiền lớn hơn xem phần tính lại phương án bên dưới.",
            "LP rates: objective gained per extra million VND, valid only within the range of the cap shown; for "
            "larger amounts see the exact re-solves below.", lang))
    rows = []
    for (year, source), r in sens.caps.iterrows():
        hi = "∞" if r.holds_to == float("inf") else n(r.holds_to, lang)
        rows.append([str(year), fmt.label("local_short" if source == "local" else "cofunding_short", lang),
                     n(r.cap, lang), n(r.used, lang), n(r.shadow_price, lang, 6) if r.shadow_price else "0",
                     f"{n(r.holds_from, lang)} – {hi}"])
    print(table(rows, [t("Năm", "Year", lang), t("Nguồn vốn", "Source", lang), t("Kế hoạch vốn", "Cap", lang),
                       t("Đã dùng", "Used", lang), t("Tỷ lệ biên / 1 triệu", "Rate per million", lang),
                       t("Đúng trong khoảng", "Holds for caps", lang)], right={2, 3, 4, 5}))
    print(t("\nTăng hoặc giảm 1 tỷ đồng vốn ngân sách (tính lại phương án):",
            "\n1 billion VND more or less local budget (plan solved again):", lang))
    for row in gains_rows(gains, program, lang, "local", result.max_objective):
        points = f" ({points_text(row['points'], lang)})" if row["points"] is not None else ""
        print(f"- {row['label']}: {row['text']}{points}")
    print(t("\nNhiệm vụ (giá trị một đơn vị và trên 1 triệu đồng; chi phí rút gọn theo tỷ lệ biên):",
            "\nTasks (value per unit and per million; reduced cost at the LP rates):", lang))
    rows = []
    for tid, r in sens.tasks.iterrows():
        rows.append([_task(program, tid, lang), n(r.value_per_unit, lang, 6), n(r.value_per_million, lang, 6),
                     n(r.reduced_cost, lang, 6), str(int(r.best_year)) if r.best_year == r.best_year else "–"])
    print(table(rows, [t("Nhiệm vụ", "Task", lang), t("Giá trị / đơn vị", "Value per unit", lang),
                       t("Giá trị / 1 triệu", "Value per million", lang), t("Chi phí rút gọn", "Reduced cost", lang),
                       t("Năm tốt nhất", "Best year", lang)], right={1, 2, 3}))

"""A scenario brief: one to three pages for a reader who has never seen the toolkit.

``build(scenario, base=...)`` solves the scenario (and the base it is compared with: by default the
program as decided), works out why each target falls short and what would close it, and returns
a ``Brief``: ``brief.html()`` is a self-contained page (charts embedded as PNG, A4 print styles),
``brief.markdown()`` the same content as Markdown, and ``brief.docx()`` a Word document laid out
as an annex (phụ lục) to a proposal (tờ trình) by the rules for administrative documents of Decree
30/2020/NĐ-CP: A4, Times New Roman 13 pt, margins top and bottom 20 mm, left 30 mm, right 15 mm,
page numbers at the top centre; tables in the language's number format; charts at their print
width (16 cm), so their text prints at its stated size.

Every figure is exact: why a target falls short is said in the program's terms (which years'
budget is used up, what one more percent of the target costs compared with the other tasks);
what 1 billion VND more or less in each year, or in every year, buys comes from exact re-solves
(``report.figures.gains_table``); the least extra money that meets every target is the verified
minimum of ``analysis.gains.least_money`` where that analysis is available, and otherwise the
brief gives the money of each shortfall (units short × local budget per unit) without calling it
a minimum. A scenario is named by its title in the chosen language, never by its file name.
"""

from __future__ import annotations

import base64
import html as html_lib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kgkc_opt.analysis.plan import solve
from kgkc_opt.errors import OutputError
from kgkc_opt.inputs.keys import change_key
from kgkc_opt.inputs.scenario import baseline
from kgkc_opt.report import fmt
from kgkc_opt.report.files import write_file

EPS = 1e-6
#: Decree 30/2020/NĐ-CP: A4, margins (mm) top/bottom 20–25, left 30–35, right 15–20; Times New Roman 13–14 pt
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
FONT = "Times New Roman"
BODY_PT = 13
CHART_CM = {"page": 16.0, "column": 8.0}


def _t(vi: str, en: str, lang: str) -> str:
    return vi if lang == "vi" else en


@dataclass(frozen=True)
class Shortfall:
    task_id: str
    name: str
    unit: str
    target: int
    achieved: int
    shortfall: int
    share: float
    years: tuple[int, ...]
    unit_local: float
    unit_other: float
    local_slack: tuple[float, ...]  # per year of the task, local budget left
    other_slack: tuple[float, ...]
    cost_per_point: float  # local budget per 1% of the target (per unit of weight)
    rank: int  # 1 = dearest per point among the planned tasks
    n_tasks: int
    #: a target range's minimum (the share and shortfall are of it), else the target
    target_min: int | None = None

    @property
    def money_local(self) -> float:
        return self.shortfall * self.unit_local

    @property
    def money_other(self) -> float:
        return self.shortfall * self.unit_other


@dataclass
class Brief:
    lang: str
    scenario: Any
    result: Any
    base: Any = None
    base_result: Any = None
    shortfalls: list[Shortfall] = field(default_factory=list)
    gains: Any = None  # the exact gains table (report.figures.gains_table), or None
    least: Any = None  # analysis.gains.LeastMoney for every target, where available
    carry_over: tuple[tuple[str, int], ...] | None = None
    images: dict[str, tuple[bytes, float]] = field(default_factory=dict)  # key -> (PNG, print width in cm)

    def html(self) -> str:
        return _render(self, _Doc("html", self.lang)).text()

    def markdown(self) -> str:
        return _render(self, _Doc("md", self.lang)).text()

    def docx(self) -> bytes:
        """The brief as a Word document (.docx bytes), an annex to a proposal (Decree 30/2020/NĐ-CP)."""
        return _render(self, _Word(self.lang)).bytes()

    def write(self, path: str | Path) -> Path:
        """Write the brief as .html, .md or .docx (by suffix), atomically."""
        suffix = Path(path).suffix.lower()
        if suffix in (".html", ".htm"):
            return write_file(path, self.html())
        if suffix == ".md":
            return write_file(path, self.markdown())
        if suffix == ".docx":
            return write_file(path, self.docx())
        raise OutputError(f"{path}: the brief is written as .html, .md or .docx")


# ---------------------------------------------------------------------------------------------
# analysis


def build(scenario: Any, base: Any = None, *, lang: str = "vi", result: Any = None,
          base_result: Any = None, charts: bool = True, solver: str | None = None, gains: Any = None,
          least: Any = True) -> Brief:
    """Solve and analyse ``scenario`` against ``base`` (default: the program as decided).

    ``gains``: the exact gains table, if already computed; ``least``: True to compute the least
    money that meets every target (``analysis.repairs.least_money``, the slowest part), False to
    leave it out, or a ``LeastMoney`` already computed.
    """
    from kgkc_opt.report import figures

    fmt.check_lang(lang)
    if base is None and scenario.changes:
        base = baseline(scenario.program)
    result = result or solve(scenario, solver=solver)
    if base is not None and base_result is None:
        base_result = solve(base, solver=solver)
    brief = Brief(lang=lang, scenario=scenario, result=result, base=base, base_result=base_result)
    if not result.has_plan:
        return brief
    brief.shortfalls = shortfalls(scenario, result, lang)
    brief.gains = gains if gains is not None else figures.gains_table(scenario, result, solver=solver)
    if brief.shortfalls:
        if least is True:
            brief.least = figures.least(scenario, solver=solver)
        elif least is not False:
            brief.least = least
        if not scenario.carry_over:
            alt = solve(scenario.derive(name=f"{scenario.name} + carry-over", carry_over=True), solver=solver)
            brief.carry_over = _gains(result, alt) if alt.has_plan else None
    if charts:
        brief.images = _charts(brief)
    return brief


def shortfalls(scenario: Any, result: Any, lang: str = "vi") -> list[Shortfall]:
    """Each task short of its target, with the figures that explain it (largest gap first)."""
    program = scenario.program
    ach = result.achievement
    budget = result.budget
    costs = {}
    for tid, row in ach.iterrows():
        task = program.task(str(tid))
        if row["target"] > 0 and row["weight"] > 0:
            costs[str(tid)] = float(task.unit_local) * row["target_min"] / row["weight"] / 100
    ranked = sorted(costs, key=lambda t: -costs[t])
    out = []
    for tid, row in result.shortfalls.iterrows():
        tid = str(tid)
        task = program.task(tid)
        years = tuple(y for y in task.years if (y, "local") in budget.index)
        out.append(Shortfall(
            task_id=tid, name=task.name.get(lang), unit=task.unit.get(lang), target=int(row["target"]),
            achieved=int(row["achieved"]), shortfall=int(row["shortfall"]), share=float(row["share"]),
            years=years, unit_local=float(task.unit_local), unit_other=float(task.unit_other),
            local_slack=tuple(float(budget.loc[(y, "local"), "slack"]) for y in years),
            other_slack=tuple(float(budget.loc[(y, "cofunding"), "slack"]) for y in years),
            cost_per_point=costs.get(tid, 0.0), rank=ranked.index(tid) + 1 if tid in costs else 0,
            n_tasks=len(ranked), target_min=int(row["target_min"]),
        ))
    return out


def _gains(result: Any, alt: Any) -> tuple[tuple[str, int], ...]:
    a, b = result.achievement["achieved"], alt.achievement["achieved"]
    diff = (b - a.reindex(b.index).fillna(0)).astype(int)
    changed = [(str(t), int(d)) for t, d in diff.items() if d != 0]
    return tuple(sorted(changed, key=lambda x: -x[1]))


def _charts(brief: Brief) -> dict[str, tuple[bytes, float]]:
    from kgkc_opt.report import charts  # deferred: matplotlib is heavy, and only the charts need it

    lang, r, scn = brief.lang, brief.result, brief.scenario
    names = (fmt.scenario_title(scn, lang), fmt.scenario_title(brief.base, lang) if brief.base is not None else "")
    images = {}
    dpi = 220

    def png(fig: Any, size: str = "page") -> tuple[bytes, float]:
        return charts.to_bytes(fig, "png", dpi), CHART_CM[size]

    images["budget"] = png(charts.budget(r, scn, lang=lang, height=3.9))
    short = set(r.shortfalls.index)
    has_base = brief.base_result is not None and brief.base_result.has_plan
    if has_base:
        short |= set(brief.base_result.shortfalls.index)
    tasks = [t for t in r.achievement.index if t in short]
    if tasks:
        images["achievement"] = png(charts.achievement(r, scn, brief.base_result, lang=lang, tasks=tasks, names=names))
    if has_base:
        images["difference"] = png(charts.difference(r, brief.base_result, scn, lang=lang, names=names))
    if brief.gains is not None and len(brief.gains):
        images["gains"] = png(charts.gains(brief.gains, scn, max_objective=r.max_objective, lang=lang))
    return images


# ---------------------------------------------------------------------------------------------
# rendering: one list of blocks, written as HTML, Markdown or Word


def _render(brief: Brief, doc: Any) -> Any:
    lang, scn, r = brief.lang, brief.scenario, brief.result
    program = scn.program
    title = fmt.scenario_title(scn, lang)
    doc.annex(_t("PHỤ LỤC", "ANNEX", lang),
              _t("(Kèm theo Tờ trình số ……/TTr-SCT ngày …… tháng …… năm …… của Sở Công Thương)",
                 "(to Proposal No. ……/TTr-SCT of …… by the Department of Industry and Trade)", lang))
    doc.h1(_t(f"TÓM TẮT PHƯƠNG ÁN: {title.upper()}", f"Scenario brief: {title}", lang))
    compare = ""
    if brief.base is not None:
        compare = _t(f"; so sánh với phương án “{fmt.scenario_title(brief.base, lang)}”",
                     f"; compared with “{fmt.scenario_title(brief.base, lang)}”", lang)
    doc.meta(f"{program.title.get(lang)} ({program.source_document}){compare}")
    if r.has_plan:
        doc.p(_summary(brief), lead=True)

    doc.h2(_t("1. Phương án thay đổi gì", "1. What the scenario changes", lang))
    text = fmt.description(scn, lang)
    if text:
        doc.p(text)
    rows = _change_rows(scn, lang)
    if rows:
        doc.table([_t("Nội dung", "Item", lang), _t("Theo quyết định", "Decision", lang),
                   _t("Phương án", "Scenario", lang), _t("Chênh lệch", "Change", lang)], rows, numeric={1, 2, 3})
    elif not scn.changes:
        doc.p(_t("Phương án giữ nguyên mọi số liệu của quyết định.",
                 "The scenario keeps every figure of the decision.", lang))
    else:
        doc.bullets(fmt.change_lines(scn, lang))

    if not r.has_plan:
        doc.h2(_t("2. Không có phương án", "2. No plan", lang))
        doc.p(_t(f"Không tìm được phương án phân bổ ({fmt.status(r.status, lang)}).",
                 f"The scenario has no feasible plan ({fmt.status(r.status, lang)}).", lang))
        explanation = r.explanation
        if explanation is not None and getattr(explanation, "conflicts", None):
            doc.p(_t("Các yêu cầu bắt buộc mâu thuẫn nhau:", "The hard requirements conflict:", lang), keep=True)
            doc.bullets(list(explanation.conflicts))
            repairs = list(getattr(explanation, "repairs", ()))
            if repairs:
                doc.h2(_t("3. Phương án khắc phục", "3. Repair options", lang))
                doc.p(_t("Xếp từ thay đổi nhỏ nhất:", "Smallest change first:", lang), keep=True)
                doc.bullets([str(x) for x in repairs])
        elif r.message:
            doc.pre(r.message)
        return doc

    doc.h2(_t("2. Kết quả chính", "2. Headline numbers", lang))
    doc.table(*_headline(brief))
    captions = {
        "budget": _t("Hình 1. Kinh phí theo năm so với kế hoạch vốn.", "Figure 1. Spending by year against the caps.",
                     lang),
        "achievement": _t("Hình 2. Các nhiệm vụ chưa đạt mục tiêu (nền xám: phương án so sánh).",
                          "Figure 2. Tasks short of target (grey: the comparison).", lang),
        "difference": _t("Hình 3. Chênh lệch theo nhiệm vụ so với phương án so sánh.",
                         "Figure 3. Per-task difference from the comparison.", lang),
        "gains": _t("Hình 4. Tăng hoặc giảm 1 tỷ đồng vốn ngân sách: thêm hoặc bớt được gì (tính lại phương án).",
                    "Figure 4. 1 billion VND more or less: what it buys or costs (plan solved again).", lang),
    }

    def figure(key: str) -> None:
        if key in brief.images:
            png, width = brief.images[key]
            doc.image(png, captions[key], width)

    figure("budget")
    doc.h2(_t("3. Nhiệm vụ chưa đạt mục tiêu và nguyên nhân", "3. Targets that fall short, and why", lang))
    figure("achievement")
    if not brief.shortfalls:
        doc.p(_t("Mọi nhiệm vụ đều đạt mục tiêu.", "Every task meets its target.", lang))
    for s in brief.shortfalls:
        doc.h3(f"{s.task_id}. {s.name}")
        doc.bullets(_why(s, brief, lang))
    figure("difference")
    gain_rows = _gain_rows(brief)
    if gain_rows:
        doc.p(_t("Tăng hoặc giảm 1 tỷ đồng vốn ngân sách (mỗi dòng là một lần tính lại phương án):",
                 "1 billion VND more or less local budget (each row solves the plan again):", lang), keep=True)
        doc.table([_t("Thay đổi", "Change", lang),
                   _t("Thêm được (+) hoặc bớt đi (−)", "Gained (+) or given up (−)", lang),
                   _t("Mức hoàn thành bình quân", "Average share of targets", lang)], gain_rows, numeric={2})
    figure("gains")

    if brief.shortfalls:
        doc.h2(_t("4. Phương án khắc phục", "4. Repair options", lang))
        doc.table(*_repair_table(brief))
        doc.bullets(_repair_notes(brief))

    doc.h2(_t("Cách đọc", "How to read this", lang))
    doc.p(_t(
        "Phương án được tính bằng quy hoạch nguyên: vốn ngân sách của từng năm được phân bổ cho các nhiệm vụ sao "
        "cho tổng tỷ lệ hoàn thành mục tiêu (mỗi nhiệm vụ tối đa 100%) là lớn nhất, không vượt kế hoạch vốn ngân "
        "sách và vốn đối ứng của các cơ sở từng năm; kinh phí một đơn vị (vốn NS và vốn khác) lấy từ phụ lục của "
        "quyết định. Số liệu “thêm hoặc bớt 1 tỷ đồng” có được bằng cách tính lại toàn bộ phương án với kế hoạch "
        "vốn thay đổi. Tỷ lệ hoàn thành ghi theo phần trăm nguyên, làm tròn xuống (100% nghĩa là đạt đủ mục tiêu). "
        "Số tiền tính bằng triệu đồng (1 tỷ đồng = 1.000 triệu đồng).",
        "The plan comes from an integer program: each year's local budget is allocated across the tasks to "
        "maximise the sum of the shares of targets met (each at most 100%), within each year's caps on the local "
        "budget and on co-funding by establishments; per-unit costs come from the decision's annex. The figures "
        "for 1 billion VND more or less come from solving the whole plan again with the cap changed. Shares are "
        "whole percent rounded down (100% means met). Money in million VND (1 billion = 1,000 million).",
        lang), small=True)
    doc.p(_t(f"Kết quả tính toán: {fmt.status(r.status, lang)}; mã kiểm tra dữ liệu đầu vào {r.input_hash[:19]}….",
             f"Solve: {fmt.status(r.status, lang)}; input hash {r.input_hash[:19]}….", lang), small=True)
    return doc


def _avg(res: Any, lang: str) -> str:
    return fmt.share(res.objective / res.max_objective, lang)


def _summary(brief: Brief) -> str:
    lang, r = brief.lang, brief.result
    ach = r.achievement
    n, met = len(ach), int((ach["shortfall"] == 0).sum())
    local = r.budget.xs("local", level="source")
    parts = []
    b = brief.base_result
    base_title = fmt.scenario_title(brief.base, lang) if brief.base is not None else ""
    if b is not None and b.has_plan:
        base_cap = float(b.budget.xs("local", level="source")["cap"].sum())
        delta = float(local["cap"].sum()) - base_cap
        if abs(delta) > EPS:
            word = _t("giảm" if delta < 0 else "tăng", "down" if delta < 0 else "up", lang)
            pct = fmt.percent(abs(delta) / base_cap, lang, 0) if base_cap else ""
            parts.append(_t(f"Kế hoạch vốn ngân sách cả giai đoạn {word} {fmt.money(abs(delta), lang)} ({pct}) so "
                            f"với phương án “{base_title}”.",
                            f"The local budget for the period is {word} {fmt.money(abs(delta), lang)} ({pct}) on "
                            f"“{base_title}”.", lang))
    parts.append(_t(f"Với kế hoạch vốn ngân sách {fmt.money(local['cap'].sum(), lang)}, phương án đạt mục tiêu ở "
                    f"{met}/{n} nhiệm vụ, mức hoàn thành bình quân {_avg(r, lang)}.",
                    f"With a local budget of {fmt.money(local['cap'].sum(), lang)}, the plan meets the target of "
                    f"{met} of {n} tasks; average share of targets {_avg(r, lang)}.", lang))
    if b is not None and b.has_plan:
        bmet = int((b.achievement["shortfall"] == 0).sum())
        parts.append(_t(f"(Phương án so sánh: {bmet}/{n} nhiệm vụ, {_avg(b, lang)}.)",
                        f"(Comparison: {bmet} of {n} tasks, {_avg(b, lang)}.)", lang))
    if brief.shortfalls:
        items = ", ".join(f"{s.task_id} ({fmt.number(s.achieved, lang)}/"
                          f"{fmt.target(s.target, s.target_min, s.unit, lang)})"
                          for s in brief.shortfalls)
        parts.append(_t(f"Chưa đạt: {items}.", f"Short: {items}.", lang))
        least = brief.least
        if least is not None and getattr(least, "total", None) is not None:
            proven = getattr(least, "verified", False)
            parts.append(_t(
                f"Cần bổ sung {'ít nhất' if proven else 'khoảng'} {fmt.money(least.total, lang)} vốn ngân sách để "
                "đạt mọi mục tiêu" + (" (đã kiểm tra: ít hơn 1 đồng thì không đủ)." if proven else "."),
                f"{'At least' if proven else 'About'} {fmt.money(least.total, lang)} more local budget would meet "
                "every target" + (" (checked: one đồng less does not)." if proven else "."), lang))
    return " ".join(parts)


def _change_rows(scn: Any, lang: str) -> list[list[str]]:
    """Changes of figures as rows (item, decision, scenario, change), labelled with task names
    where a change concerns a task, else as its scenario key declares (``inputs.keys``); changes
    that are not figures are described in words by ``fmt.change_text``."""
    rows = []
    for c in scn.changes:
        area, _, key = c.key.partition(".")
        task = None
        if key in scn.program.task_ids:
            task = scn.program.task(key)
        who = fmt.task_name(task, lang, short=True) if task is not None else key
        names = {
            "budget": _t(f"Vốn ngân sách năm {key}", f"Local budget {key}", lang),
            "cofunding": _t(f"Vốn đối ứng năm {key}", f"Co-funding {key}", lang),
            "targets": _t(f"Mục tiêu {who}", f"Target {who}", lang),
            "weights": _t(f"Trọng số {who}", f"Weight {who}", lang),
            "floors": _t(f"Mức tối thiểu phải thực hiện {who}", f"Floor {who}", lang),
            "tiers": _t(f"Thứ tự ưu tiên {who}", f"Priority tier {who}", lang),
        }
        registered, part = change_key(c)
        name = names.get(area) or (registered.row_label(part, lang) if registered is not None else None)
        try:
            old, new = float(c.old), float(c.new)
            numeric = True
        except ValueError:
            old = new = 0.0
            numeric = False
        if name is None or not numeric:
            rows.append([fmt.change_text(c, scn, lang), "", "", ""])
            continue
        change = fmt.number(new - old, lang, sign=True)
        if (area in ("budget", "cofunding") or (registered is not None and registered.percent_change)) and old:
            change += f" ({fmt.percent((new - old) / old, lang, 0, sign=True)})"
        rows.append([name, fmt.number(old, lang), fmt.number(new, lang), change])
    return rows


def _headline(brief: Brief) -> tuple[list[str], list[list[str]], set[int]]:
    lang, r, b = brief.lang, brief.result, brief.base_result
    has_base = b is not None and b.has_plan

    # the program's other state sources (national funds, ...): one row each, used / cap
    others = list(getattr(brief.scenario.program, "extra_sources", ()))

    def used_of(res: Any, source: str) -> str:
        if source not in res.budget.index.get_level_values("source"):
            return "–"
        rows = res.budget.xs(source, level="source")
        return f"{fmt.number(rows['used'].sum(), lang)} / {fmt.number(rows['cap'].sum(), lang)}"

    def figures(res: Any) -> list[str]:
        loc = res.budget.xs("local", level="source")
        ach = res.achievement
        return [
            fmt.number(loc["cap"].sum(), lang),
            f"{fmt.number(loc['used'].sum(), lang)} ({fmt.share(loc['used'].sum() / loc['cap'].sum(), lang)})",
            used_of(res, "cofunding"),
            *(used_of(res, o.id) for o in others),
            f"{int((ach['shortfall'] == 0).sum())}/{len(ach)}",
            _avg(res, lang),
        ]

    labels = [_t("Kế hoạch vốn ngân sách cả giai đoạn (triệu đồng)", "Local budget, whole period (million VND)", lang),
              _t("Vốn ngân sách đã phân bổ (triệu đồng)", "Local budget allocated (million VND)", lang),
              _t("Vốn đối ứng huy động / kế hoạch (triệu đồng)", "Co-funding used / cap (million VND)", lang),
              *(_t(f"{o.name.vi} đã phân bổ / kế hoạch (triệu đồng)", f"{o.name.en} used / cap (million VND)", lang)
                for o in others),
              _t("Nhiệm vụ đạt mục tiêu", "Tasks meeting their target", lang),
              _t("Mức hoàn thành bình quân", "Average share of targets", lang)]
    mine = figures(r)
    header = [_t("Chỉ tiêu", "Figure", lang), fmt.scenario_title(brief.scenario, lang)]
    if has_base:
        header.append(fmt.scenario_title(brief.base, lang))
        rows = [[lab, m, t] for lab, m, t in zip(labels, mine, figures(b), strict=True)]
    else:
        rows = [[lab, m] for lab, m in zip(labels, mine, strict=True)]
    return header, rows, {1, 2}


def _gain_rows(brief: Brief) -> list[list[str]]:
    from kgkc_opt.report.figures import gains_rows, points_text

    if brief.gains is None or not len(brief.gains):
        return []
    out = []
    for row in gains_rows(brief.gains, brief.scenario.program, brief.lang, "local", brief.result.max_objective):
        points = points_text(row["points"], brief.lang) if row["points"] is not None else "–"
        out.append([row["label"], row["text"], points])
    return out


def _why(s: Shortfall, brief: Brief, lang: str) -> list[str]:
    unit1 = fmt.unit_word(s.unit, 1, lang)
    out = [_t(f"Đạt {fmt.number(s.achieved, lang)}/{fmt.target(s.target, s.target_min, s.unit, lang)} "
              f"({fmt.share(s.share, lang)}), còn thiếu {fmt.quantity(s.shortfall, s.unit, lang)}.",
              f"Achieves {fmt.number(s.achieved, lang)} of {fmt.target(s.target, s.target_min, s.unit, lang)} "
              f"({fmt.share(s.share, lang)}), short by {fmt.quantity(s.shortfall, s.unit, lang)}.", lang)]
    tight_local = [y for y, sl in zip(s.years, s.local_slack, strict=True) if sl < s.unit_local - EPS]
    tight_other = [y for y, sl in zip(s.years, s.other_slack, strict=True)
                   if s.unit_other > EPS and sl < s.unit_other - EPS]
    if tight_local:
        lo = min(sl for y, sl in zip(s.years, s.local_slack, strict=True) if y in tight_local)
        hi = max(sl for y, sl in zip(s.years, s.local_slack, strict=True) if y in tight_local)
        left = fmt.number(lo, lang) if abs(hi - lo) < 0.005 else f"{fmt.number(lo, lang)}–{fmt.number(hi, lang)}"
        all_years = len(tight_local) == len(s.years)
        out.append(_t(
            f"Vốn ngân sách {'mọi năm nhiệm vụ được triển khai' if all_years else 'các năm'} "
            f"({fmt.years_text(tight_local, lang)}) đã phân bổ hết: mỗi năm chỉ còn {left} triệu đồng, "
            f"không đủ cho thêm một {unit1} ({fmt.money(s.unit_local, lang)} vốn ngân sách).",
            f"The local budget of {'every year the task may run' if all_years else 'the years'} "
            f"({fmt.years_text(tight_local, lang)}) is spent: {left} million VND or less is left in each, "
            f"less than one more {unit1} costs ({fmt.money(s.unit_local, lang)} of local budget).", lang))
    if tight_other:
        out.append(_t(
            f"Vốn đối ứng của cơ sở các năm {fmt.years_text(tight_other, lang)} không đủ cho thêm một {unit1} "
            f"({fmt.money(s.unit_other, lang)}).",
            f"Co-funding in {fmt.years_text(tight_other, lang)} cannot cover one more {unit1} "
            f"({fmt.money(s.unit_other, lang)}).", lang))
    if s.rank and s.rank <= 3 and s.shortfall > 1:
        place = _t("cao nhất" if s.rank == 1 else f"cao thứ {s.rank}",
                   "the highest" if s.rank == 1 else f"the {_ordinal(s.rank)} highest", lang)
        out.append(_t(
            f"Mỗi 1% mục tiêu của nhiệm vụ này cần {fmt.money(s.cost_per_point, lang)} vốn ngân sách, {place} trong "
            f"{s.n_tasks} nhiệm vụ. Phương án ưu tiên tổng tỷ lệ hoàn thành các mục tiêu nên khi thiếu vốn, nhiệm vụ "
            "tốn kém nhất trên mỗi 1% mục tiêu được giảm trước.",
            f"Each 1% of this target costs {fmt.money(s.cost_per_point, lang)} of local budget, {place} of "
            f"{s.n_tasks} tasks. The plan maximises the average share of targets met, so when money is short the "
            "dearest task per percent gives way first.", lang))
    elif tight_local:
        out.append(_t(
            "Khoản thiếu nhỏ: sau khi bố trí các nhiệm vụ khác, phần vốn lẻ còn lại của từng năm không đủ cho một "
            f"{unit1} trọn vẹn, và vốn chưa sử dụng của năm này không được chuyển sang năm sau.",
            "A small gap: once the other tasks are funded, what is left in each year is less than one "
            f"whole {unit1}, and unspent money does not carry over to the next year.", lang))
    from kgkc_opt.report.figures import gains_rows

    if brief.gains is not None and len(brief.gains):
        best = None
        for row in gains_rows(brief.gains, brief.scenario.program, lang, "local", brief.result.max_objective):
            gained = row["units"].get(s.task_id, 0)
            if row["amount"] > 0 and row["years"] != ["all"] and gained > 0 and (best is None or gained > best[0]):
                best = (gained, row)
        if best is not None:
            gained, row = best
            out.append(_t(f"{row['label']} sẽ hỗ trợ thêm được {fmt.quantity(gained, s.unit, lang)} cho nhiệm vụ này "
                          "(tính lại phương án).",
                          f"{row['label']} would fund {fmt.quantity(gained, s.unit, lang)} more of this task "
                          "(plan solved again).", lang))
    return out


def _ordinal(n: int) -> str:
    return {2: "2nd", 3: "3rd"}.get(n, f"{n}th")


def _gain_text(gains: tuple[tuple[str, int], ...], program: Any, lang: str) -> str:
    return fmt.gain_text(dict(gains), program, lang)


def _repair_table(brief: Brief) -> tuple[list[str], list[list[str]], set[int]]:
    lang = brief.lang
    header = [_t("Nhiệm vụ", "Task", lang), _t("Còn thiếu", "Short by", lang),
              _t("Vốn NS tương ứng (triệu đồng)", "Local budget of the gap (million VND)", lang),
              _t("Vốn đối ứng tương ứng (triệu đồng)", "Co-funding of the gap (million VND)", lang),
              _t("Năm có thể bố trí", "Years it may run", lang)]
    rows = []
    program = brief.scenario.program
    for s in sorted(brief.shortfalls, key=lambda s: (s.money_local, s.task_id)):
        rows.append([fmt.task_name(program.task(s.task_id), lang, short=True), fmt.quantity(s.shortfall, s.unit, lang),
                     fmt.number(s.money_local, lang), fmt.number(s.money_other, lang), fmt.years_text(s.years, lang)])
    if len(rows) > 1:
        rows.append([_t("Cộng", "Total", lang), "", fmt.number(sum(s.money_local for s in brief.shortfalls), lang),
                     fmt.number(sum(s.money_other for s in brief.shortfalls), lang), ""])
    return header, rows, {2, 3}


def _repair_notes(brief: Brief) -> list[str]:
    lang, program = brief.lang, brief.scenario.program
    notes = [_t(
        "Bổ sung vốn: bảng ghi kinh phí của phần còn thiếu (số đơn vị thiếu × vốn NS một đơn vị theo phụ lục), xếp "
        "từ ít đến nhiều; khoản bổ sung phải bố trí vào năm nhiệm vụ được triển khai và đủ cho trọn đơn vị.",
        "More money: the table gives the money of each gap (units short × local budget per unit, from the annex), "
        "smallest first; it must fall in a year the task may run, in whole units.", lang)]
    least = brief.least
    if least is not None and getattr(least, "total", None) is not None:
        proven = getattr(least, "verified", False)
        per_year = "; ".join(f"{y}: {fmt.money(v, lang)}" for y, v in sorted(least.per_year.items()) if v)
        notes.append(_t(
            f"Số vốn ngân sách tăng thêm {'ít nhất' if proven else 'cần'} để đạt mọi mục tiêu: "
            f"{fmt.money(least.total, lang)}" + (f" (một cách phân bổ: {per_year})" if per_year else "") +
            (", đã kiểm tra bằng cách tính lại: ít hơn 1 đồng thì không đủ." if proven else "."),
            f"{'The least' if proven else 'The'} extra local budget that meets every target: "
            f"{fmt.money(least.total, lang)}" + (f" (one way to spread it: {per_year})" if per_year else "") +
            (", checked by solving again: one đồng less does not suffice." if proven else "."), lang))
        single = getattr(least, "single_year", {}) or {}
        alone = [(y, v) for y, v in sorted(single.items()) if v is not None]
        if alone:
            parts = "; ".join(f"{y}: {fmt.money(v, lang)}" for y, v in alone)
            missing = [y for y, v in sorted(single.items()) if v is None]
            notes.append(_t(
                f"Nếu bố trí trọn vào một năm, số vốn ít nhất là: {parts}"
                + (f"; riêng năm {fmt.years_text(missing, lang)} thì không đủ." if missing else "."),
                f"All of it in one year, the least is: {parts}"
                + (f"; {fmt.years_text(missing, lang)} alone cannot." if missing else "."), lang))
    cof_slack = float(brief.result.budget.xs("cofunding", level="source")["slack"].sum())
    need_other = sum(s.money_other for s in brief.shortfalls)
    if need_other > EPS:
        notes.append(_t(
            f"Vốn đối ứng của cơ sở: cần {fmt.money(need_other, lang)}; kế hoạch vốn đối ứng của phương án còn "
            f"{fmt.money(cof_slack, lang)} chưa sử dụng" + ("." if cof_slack + EPS >= need_other else
                                                         ", phải huy động thêm."),
            f"Co-funding by establishments: {fmt.money(need_other, lang)} needed; the scenario's co-funding caps "
            f"have {fmt.money(cof_slack, lang)} unused" + ("." if cof_slack + EPS >= need_other
                                                           else "; more must be raised."), lang))
    if brief.carry_over is not None:
        if any(d > 0 for _, d in brief.carry_over):
            notes.append(_t(
                "Không cần thêm vốn: nếu được chuyển vốn NS chưa sử dụng sang năm sau, phương án hỗ trợ thêm được "
                f"{_gain_text(brief.carry_over, program, lang)}.",
                "Without new money: carrying unspent local budget over to the next year would fund "
                f"{_gain_text(brief.carry_over, program, lang)}.", lang))
        else:
            notes.append(_t(
                "Chuyển vốn NS chưa sử dụng sang năm sau không cải thiện kết quả (phần vốn còn lại quá nhỏ).",
                "Carrying unspent local budget over to the next year would not help (too little is left).", lang))
    targets = ", ".join(f"{s.task_id}: {fmt.quantity(s.achieved, s.unit, lang)}" for s in brief.shortfalls)
    notes.append(_t(f"Hoặc điều chỉnh mục tiêu trong tờ trình bằng mức phương án đạt được ({targets}).",
                    f"Or revise the targets in the proposal to what the plan achieves ({targets}).", lang))
    return notes


# ---------------------------------------------------------------------------------------------
# document writers: HTML and Markdown (_Doc), Word (_Word); the same calls build all three

CSS = """
@page { size: A4; margin: 20mm 15mm 20mm 30mm; }
body { font-family: "Times New Roman", "DejaVu Serif", serif; font-size: 13pt; line-height: 1.3;
       color: #111; max-width: 174mm; margin: 12px auto; }
h1 { font-size: 14pt; margin: 6pt 0 2pt 0; text-align: center; }
p.annex { text-align: center; margin: 0 0 6pt 0; }
h2 { font-size: 13.5pt; margin: 14pt 0 4pt 0; border-bottom: 1px solid #888; padding-bottom: 1pt;
     break-after: avoid; }
h3 { font-size: 12pt; margin: 8pt 0 2pt 0; break-after: avoid; }
p { margin: 4pt 0; text-align: justify; }
p.meta { color: #444; font-size: 12pt; margin-bottom: 8pt; text-align: center; }
p.lead { font-size: 11.5pt; background: #F3F6FA; border-left: 3px solid #0072B2; padding: 5pt 8pt; }
p.small { font-size: 9.5pt; color: #444; } p.keep { break-after: avoid; }
table { border-collapse: collapse; width: 100%; font-size: 10pt; margin: 4pt 0 6pt 0;
        break-inside: avoid; }
th, td { border: 1px solid #999; padding: 2pt 5pt; vertical-align: top; }
th { background: #DDEBF7; text-align: center; }
td.num { text-align: right; white-space: nowrap; }
ul { margin: 2pt 0 4pt 0; padding-left: 18pt; } li { margin: 1pt 0; }
figure { margin: 6pt 0; break-inside: avoid; }
figure img { width: 100%; height: auto; }
figcaption { font-size: 9.5pt; color: #444; }
pre { white-space: pre-wrap; font-size: 9.5pt; }
"""




class _Doc:
    def __init__(self, kind: str, lang: str = "vi"):
        self.kind = kind
        self.lang = lang
        self.parts: list[str] = []
        self.title = ""

    def _e(self, text: str) -> str:
        return html_lib.escape(text, quote=False) if self.kind == "html" else _md_escape(text)

    def annex(self, label: str, note: str) -> None:
        if self.kind == "html":
            self.parts.append(f'<p class="annex"><b>{self._e(label)}</b><br><i>{self._e(note)}</i></p>')
        else:
            self.parts.append(f"**{self._e(label)}**  \n*{self._e(note)}*\n")

    def h1(self, text: str) -> None:
        self.title = text
        self.parts.append(f"<h1>{self._e(text)}</h1>" if self.kind == "html" else f"# {text}\n")

    def h2(self, text: str) -> None:
        self.parts.append(f"<h2>{self._e(text)}</h2>" if self.kind == "html" else f"## {text}\n")

    def h3(self, text: str) -> None:
        self.parts.append(f"<h3>{self._e(text)}</h3>" if self.kind == "html" else f"### {self._e(text)}\n")

    def meta(self, text: str) -> None:
        self.parts.append(f'<p class="meta">{self._e(text)}</p>' if self.kind == "html" else f"*{self._e(text)}*\n")

    def p(self, text: str, *, lead: bool = False, small: bool = False, keep: bool = False) -> None:
        if self.kind == "html":
            cls = ' class="lead"' if lead else ' class="small"' if small else ' class="keep"' if keep else ""
            self.parts.append(f"<p{cls}>{self._e(text)}</p>")
        else:
            self.parts.append((f"> {self._e(text)}" if lead else self._e(text)) + "\n")

    def pre(self, text: str) -> None:
        self.parts.append(f"<pre>{self._e(text)}</pre>" if self.kind == "html" else f"```\n{text}\n```\n")

    def bullets(self, items: list[str]) -> None:
        if self.kind == "html":
            self.parts.append("<ul>" + "".join(f"<li>{self._e(i)}</li>" for i in items) + "</ul>")
        else:
            self.parts.append("\n".join(f"- {self._e(i)}" for i in items) + "\n")

    def table(self, header: list[str], rows: list[list[str]], numeric: set[int] | None = None) -> None:
        numeric = numeric or set()
        if self.kind == "html":
            head = "".join(f"<th>{self._e(h)}</th>" for h in header)
            body = "".join(
                "<tr>" + "".join(f'<td class="num">{self._e(c)}</td>' if i in numeric else f"<td>{self._e(c)}</td>"
                                 for i, c in enumerate(row)) + "</tr>" for row in rows)
            self.parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        else:
            align = ["---:" if i in numeric else "---" for i in range(len(header))]
            lines = ["| " + " | ".join(self._e(h) for h in header) + " |", "| " + " | ".join(align) + " |"]
            lines += ["| " + " | ".join(self._e(c) for c in row) + " |" for row in rows]
            self.parts.append("\n".join(lines) + "\n")

    def image(self, png: bytes, caption: str, width_cm: float = 16.0) -> None:
        uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        if self.kind == "html":
            self.parts.append(f'<figure style="width: {width_cm:g}cm; max-width: 100%"><img src="{uri}" '
                              f'alt="{html_lib.escape(caption)}"><figcaption>{self._e(caption)}</figcaption></figure>')
        else:
            self.parts.append(f"![{_md_escape(caption)}]({uri})\n\n*{_md_escape(caption)}*\n")

    def text(self) -> str:
        if self.kind == "html":
            return (f"<!DOCTYPE html>\n<html lang=\"{self.lang}\">\n<head>\n<meta charset=\"utf-8\">\n"
                    f"<title>{html_lib.escape(self.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
                    + "\n".join(self.parts) + "\n</body>\n</html>\n")
        return "\n".join(self.parts)


class _Word:
    """The brief as a .docx annex (python-docx), by Decree 30/2020/NĐ-CP: A4, Times New Roman 13 pt,
    margins 20/20/30/15 mm (top/bottom/left/right), page numbers at the top centre from page 2."""

    def __init__(self, lang: str = "vi"):
        from docx import Document
        from docx.shared import Mm, Pt

        self.lang = lang
        self.doc = Document()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
        section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
        section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
        section.header_distance = section.footer_distance = Mm(10)
        for name in ("Normal", "Heading 1", "Heading 2", "Heading 3", "Caption", "List Bullet", "Table Grid"):
            try:
                style = self.doc.styles[name]
            except KeyError:
                continue
            self._font(style, bold=True if name.startswith("Heading") else None)
            style.font.size = Pt(BODY_PT)
        self.doc.styles["Normal"].paragraph_format.space_after = Pt(4)
        self.doc.styles["Normal"].paragraph_format.line_spacing = 1.1
        for level in (1, 2, 3):
            fmt_ = self.doc.styles[f"Heading {level}"].paragraph_format
            fmt_.space_before, fmt_.space_after = Pt(10 if level < 3 else 6), Pt(4)
            fmt_.keep_with_next = True
        self.doc.core_properties.author = "kgkc-opt"
        self._page_numbers(section)

    @staticmethod
    def _font(style: Any, bold: bool | None = None) -> None:
        from docx.oxml.ns import qn
        from docx.shared import RGBColor

        style.font.name = FONT
        style.font.color.rgb = RGBColor(0, 0, 0)
        if bold is not None:
            style.font.bold = bold
            style.font.italic = False
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attr), None)
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), FONT)

    def _page_numbers(self, section: Any) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        section.different_first_page_header_footer = True
        paragraph = section.header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run()
        for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
            if kind:
                el = OxmlElement("w:fldChar")
                el.set(qn("w:fldCharType"), kind)
            else:
                el = OxmlElement("w:instrText")
                el.set(qn("xml:space"), "preserve")
                el.text = text
            run._r.append(el)

    def _para(self, text: str = "", *, bold: bool = False, italic: bool = False, align: str | None = None,
              size: float = BODY_PT, indent: bool = False, style: str | None = None, keep: bool = False) -> Any:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm, Pt

        p = self.doc.add_paragraph(style=style)
        if text:
            run = p.add_run(text)
            run.bold, run.italic = bold or None, italic or None
            run.font.size = Pt(size)
        if align:
            p.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
                           "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
        if indent:
            p.paragraph_format.first_line_indent = Cm(1)
        if keep:
            p.paragraph_format.keep_with_next = True
        return p

    def annex(self, label: str, note: str) -> None:
        self._para(label, bold=True, align="center", size=14).paragraph_format.space_after = 0
        self._para(note, italic=True, align="center")

    def h1(self, text: str) -> None:
        p = self._para(text, bold=True, align="center", size=14, style="Heading 1")
        p.paragraph_format.space_before = 0

    def h2(self, text: str) -> None:
        self.doc.add_heading(text, level=2)

    def h3(self, text: str) -> None:
        self.doc.add_heading(text, level=3)

    def meta(self, text: str) -> None:
        self._para(text, italic=True, align="center")

    def p(self, text: str, *, lead: bool = False, small: bool = False, keep: bool = False) -> None:
        self._para(text, bold=lead, italic=small, align="justify", indent=not small, keep=keep)

    def pre(self, text: str) -> None:
        for line in text.splitlines():
            self._para(line)

    def bullets(self, items: list[str]) -> None:
        for item in items:
            p = self._para(f"- {item}", align="justify")
            p.paragraph_format.first_line_indent = None
            from docx.shared import Cm

            p.paragraph_format.left_indent = Cm(0.6)
            p.paragraph_format.first_line_indent = Cm(-0.4)

    def table(self, header: list[str], rows: list[list[str]], numeric: set[int] | None = None) -> None:
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Pt

        numeric = numeric or set()
        table = self.doc.add_table(rows=1 + len(rows), cols=len(header))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for r, values in enumerate([header, *rows]):
            cells = table.rows[r].cells
            for c, value in enumerate(values):
                paragraph = cells[c].paragraphs[0]
                run = paragraph.add_run(str(value))
                run.font.size = Pt(BODY_PT - 1)
                run.bold = r == 0 or None
                paragraph.paragraph_format.space_after = Pt(0)
                if r == 0:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                elif c in numeric:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        header_row = table.rows[0]._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        header_row.append(repeat)
        self._para("").paragraph_format.space_after = Pt(2)

    def image(self, png: bytes, caption: str, width_cm: float = 16.0) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm

        self.doc.add_picture(io.BytesIO(png), width=Cm(width_cm))
        self.doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        self.doc.paragraphs[-1].paragraph_format.keep_with_next = True
        self._para(caption, italic=True, align="center")

    def bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.core_properties.title = next(
            (p.text for p in self.doc.paragraphs if p.style is not None and p.style.name == "Heading 1"), "")
        self.doc.save(buffer)
        return buffer.getvalue()


def _md_escape(text: str) -> str:
    for ch in ("\\", "|", "*", "_", "[", "]", "<", ">"):
        text = text.replace(ch, "\\" + ch)
    return text

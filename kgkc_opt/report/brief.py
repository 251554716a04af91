"""A scenario brief: one to three pages for a reader who has never seen the toolkit.

``build(study)`` renders a ``ScenarioStudy`` (``analysis.study.study``: the scenario and its
comparison solved, why each target falls short, what 1 billion VND more or less buys, the least
money, the policies side by side) and returns a ``Brief``: ``brief.html()`` is a self-contained
page (charts embedded as PNG, A4 print styles), ``brief.markdown()`` the same content as Markdown,
and ``brief.docx()`` a Word document laid out as an annex (phụ lục) to a proposal (tờ trình) by
the rules for administrative documents of Decree 30/2020/NĐ-CP (``report.brief_writers``). This
module never solves: every figure it prints is one value of the study, worded here.

For a scenario that cuts money the brief leads with the choice: the plan under each cut policy
side by side, and which one follows and why. A re-plan compares the remaining years with the
decision's remaining years. Why a target falls short is the cause the study proved by solving
again with that cause alone relaxed (money in given years, a rule of the program's structure, a
floor, ...); "more money would not help" is said only when the study proved it. A scenario is
named by its title in the chosen language, never by its file name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kgkc_opt.analysis.study_types import MONEY_KINDS, Cause, ScenarioStudy, Shortfall
from kgkc_opt.errors import OutputError
from kgkc_opt.inputs import key_labels
from kgkc_opt.inputs.keys import change_key
from kgkc_opt.report import fmt
from kgkc_opt.report.brief_writers import BODY_PT, FONT, MARGINS_MM, PAGE_MM
from kgkc_opt.report.brief_writers import Doc as _Doc
from kgkc_opt.report.brief_writers import Word as _Word
from kgkc_opt.report.files import write_file

__all__ = ["BODY_PT", "CHART_CM", "FONT", "MARGINS_MM", "PAGE_MM", "Brief", "build"]

EPS = 1e-6
CHART_CM = {"page": 16.0, "column": 8.0}


def _t(vi: str, en: str, lang: str) -> str:
    return vi if lang == "vi" else en


@dataclass
class Brief:
    """A rendered study: the study, the language and the charts."""

    study: ScenarioStudy
    lang: str
    images: dict[str, tuple[bytes, float]] = field(default_factory=dict)  # key -> (PNG, print width in cm)

    @property
    def scenario(self) -> Any:
        return self.study.scenario

    @property
    def result(self) -> Any:
        return self.study.result

    @property
    def base(self) -> Any:
        return self.study.base

    @property
    def base_result(self) -> Any:
        return self.study.base_result

    @property
    def shortfalls(self) -> tuple[Shortfall, ...]:
        return self.study.shortfalls

    @property
    def gains(self) -> Any:
        return self.study.gains

    @property
    def least(self) -> Any:
        return self.study.least

    @property
    def carry_over(self) -> tuple[tuple[str, int], ...] | None:
        return self.study.carry_over

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


def build(study: ScenarioStudy, *, lang: str = "vi", charts: bool = True) -> Brief:
    """The brief of a study (``analysis.study.study``), in ``lang``; ``charts``: draw the charts."""
    fmt.check_lang(lang)
    brief = Brief(study, lang)
    if charts and study.result.has_plan:
        brief.images = _charts(brief)
    return brief


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
        _policies(brief, doc)

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
        return _no_plan(doc, r, lang)

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
        doc.h3(f"{s.task_id}. {program.task(s.task_id).name.get(lang)}")
        doc.bullets(_why(s, brief, lang))
    against = _against_budget(brief)
    if against:
        doc.p(_t("Nhiệm vụ đạt cao hơn dù vốn bị cắt giảm:", "Tasks that do better although money is cut:", lang),
              keep=True)
        doc.bullets(against)
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

    _how_to_read(doc, r, lang)
    return doc


def _no_plan(doc: Any, r: Any, lang: str) -> Any:
    """The scenario has no plan: why, and the verified repairs."""
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


def _how_to_read(doc: Any, r: Any, lang: str) -> None:
    doc.h2(_t("Cách đọc", "How to read this", lang))
    doc.p(_t(
        "Phương án được tính bằng quy hoạch nguyên: vốn ngân sách của từng năm được phân bổ cho các nhiệm vụ sao "
        "cho tổng tỷ lệ hoàn thành mục tiêu (mỗi nhiệm vụ tối đa 100%) là lớn nhất, không vượt kế hoạch vốn ngân "
        "sách và vốn đối ứng của các cơ sở từng năm; kinh phí một đơn vị (vốn NS và vốn khác) lấy từ phụ lục của "
        "quyết định. Số liệu “thêm hoặc bớt 1 tỷ đồng” có được bằng cách tính lại toàn bộ phương án với kế hoạch "
        "vốn thay đổi; nguyên nhân của mỗi nhiệm vụ chưa đạt được xác định bằng cách bỏ riêng từng ràng buộc rồi "
        "tính lại. Tỷ lệ hoàn thành ghi theo phần trăm nguyên, làm tròn xuống (100% nghĩa là đạt đủ mục tiêu). "
        "Số tiền tính bằng triệu đồng (1 tỷ đồng = 1.000 triệu đồng).",
        "The plan comes from an integer program: each year's local budget is allocated across the tasks to "
        "maximise the sum of the shares of targets met (each at most 100%), within each year's caps on the local "
        "budget and on co-funding by establishments; per-unit costs come from the decision's annex. The figures "
        "for 1 billion VND more or less come from solving the whole plan again with the cap changed; the cause of "
        "each shortfall is found by relaxing one constraint alone and solving again. Shares are "
        "whole percent rounded down (100% means met). Money in million VND (1 billion = 1,000 million).",
        lang), small=True)
    doc.p(_t(f"Kết quả tính toán: {fmt.status(r.status, lang)}; mã kiểm tra dữ liệu đầu vào {r.input_hash[:19]}….",
             f"Solve: {fmt.status(r.status, lang)}; input hash {r.input_hash[:19]}….", lang), small=True)


def _avg(res: Any, lang: str) -> str:
    return fmt.share(res.objective / res.max_objective, lang)


POLICY_AIM = {
    "most-targets": ("đạt nhiều mục tiêu nhất có thể", "meets as many targets as it can"),
    "fair": ("nâng mức hoàn thành của nhiệm vụ đạt thấp nhất trước", "raises the worst-served task's share first"),
    "keep-cofunding": ("giữ nhiều nhất vốn đối ứng của các cơ sở", "keeps the most co-funding by establishments"),
}


def _policies(brief: Brief, doc: Any) -> None:
    """The choice, first: the plan under each cut policy side by side, and which one follows and why."""
    lang, study = brief.lang, brief.study
    if not study.policies:
        return
    program = brief.scenario.program
    chosen = brief.result.policy
    doc.h2(_t("Lựa chọn cách cắt giảm khi thiếu vốn", "The choice: how to cut when money is short", lang))
    rows = []
    for o in study.policies:
        name = fmt.policy(o.policy, lang) + (_t(" (phương án dưới đây)", " (the plan below)", lang)
                                             if o.policy == chosen else "")
        if not o.has_plan:
            rows.append([name, fmt.status(o.status, lang), "", "", ""])
            continue
        cut = ", ".join(f"{tid} {fmt.quantity(-n, program.task(tid).unit.get(lang), lang, sign=True)}"
                        for tid, n in o.short[:3]) or _t("không", "none", lang)
        rows.append([name, f"{o.met}/{o.n_tasks} ({fmt.share(o.average_share, lang)})", cut,
                     fmt.number(o.cofunding_lost, lang), fmt.number(o.local_used, lang)])
    doc.table([_t("Cách cắt giảm", "Policy", lang), _t("Nhiệm vụ đạt mục tiêu (bình quân)", "Targets met (average)",
                                                         lang),
               _t("Nhiệm vụ bị cắt nhiều nhất", "Tasks cut most", lang),
               _t("Vốn đối ứng mất đi (triệu đồng)", "Co-funding lost (million VND)", lang),
               _t("Vốn ngân sách sử dụng (triệu đồng)", "Local budget used (million VND)", lang)], rows,
              numeric={3, 4})
    aim = POLICY_AIM.get(chosen, (chosen, chosen))
    why = {"option": _t("do người lập phương án chọn", "as the planner chose (--policy)", lang),
           "scenario": _t("như tệp phương án quy định", "as the scenario file sets", lang),
           "default": _t("cách mặc định", "the default", lang)}[study.policy_reason]
    others = ", ".join(o.policy for o in study.policies if o.policy != chosen)
    doc.p(_t(f"Phương án trình bày dưới đây theo cách “{fmt.policy(chosen, lang)}” ({why}): cách này {aim[0]}. "
             "Mỗi dòng của bảng là một lần tính lại phương án; để lập theo cách khác, chọn cách đó khi chạy lại "
             "lệnh lập bản tóm tắt.",
             f"The plan below follows “{fmt.policy(chosen, lang)}” ({why}): it {aim[1]}. Each row of the table is "
             f"the plan solved again under that policy; to follow another, run again with --policy ({others}).",
             lang))


def _summary(brief: Brief) -> str:
    lang, r, study = brief.lang, brief.result, brief.study
    ach = r.achievement
    n, met = len(ach), int((ach["shortfall"] == 0).sum())
    parts = []
    b = brief.base_result
    base_title = fmt.scenario_title(brief.base, lang) if brief.base is not None else ""
    budget = study.budget
    if budget is not None and budget.replan_from is not None:
        done = [y for y in brief.scenario.program.years if y < budget.replan_from]
        yrs = fmt.years_text(budget.years, lang)
        parts.append(_t(f"Đây là phương án lập lại kế hoạch các năm {yrs} sau khi đã thực hiện "
                        f"{fmt.years_text(done, lang)}.",
                        f"This is a re-plan of {yrs} after the years carried out ({fmt.years_text(done, lang)}).",
                        lang))
    if budget is not None and b is not None and b.has_plan:
        scope = (_t(f"các năm {fmt.years_text(budget.years, lang)}", f"for {fmt.years_text(budget.years, lang)}", lang)
                 if budget.replan_from is not None else _t("cả giai đoạn", "for the period", lang))
        if budget.change:
            word = _t("giảm" if budget.change < 0 else "tăng", "down" if budget.change < 0 else "up", lang)
            pct = f" ({fmt.percent(abs(budget.change) / budget.base_cap, lang, 0)})" if budget.base_cap else ""
            parts.append(_t(f"Kế hoạch vốn ngân sách {scope} {word} {fmt.money(abs(budget.change), lang)}{pct} so "
                            f"với phương án “{base_title}” cùng các năm đó.",
                            f"The local budget {scope} is {word} {fmt.money(abs(budget.change), lang)}{pct} on "
                            f"“{base_title}” for the same years.", lang))
        elif budget.replan_from is not None:
            parts.append(_t(f"Kế hoạch vốn ngân sách các năm này không đổi so với phương án “{base_title}”.",
                            f"The local budget of these years is unchanged from “{base_title}”.", lang))
    parts.append(_t(f"Với kế hoạch vốn ngân sách {fmt.money(budget.cap if budget else _cap(r), lang)}, phương án đạt "
                    f"mục tiêu ở {met}/{n} nhiệm vụ, mức hoàn thành bình quân {_avg(r, lang)}.",
                    f"With a local budget of {fmt.money(budget.cap if budget else _cap(r), lang)}, the plan meets the "
                    f"target of {met} of {n} tasks; average share of targets {_avg(r, lang)}.", lang))
    if b is not None and b.has_plan:
        bmet = int((b.achievement["shortfall"] == 0).sum())
        parts.append(_t(f"(Phương án so sánh: {bmet}/{n} nhiệm vụ, {_avg(b, lang)}.)",
                        f"(Comparison: {bmet} of {n} tasks, {_avg(b, lang)}.)", lang))
    if brief.shortfalls:
        items = ", ".join(f"{s.task_id} ({fmt.number(s.achieved, lang)}/"
                          f"{fmt.target(s.target, s.target_min, _unit(brief, s.task_id, lang), lang)})"
                          for s in brief.shortfalls)
        parts.append(_t(f"Chưa đạt: {items}.", f"Short: {items}.", lang))
        least = study.least
        if least is not None and least.total is not None:
            proven = least.verified
            parts.append(_t(
                f"Cần bổ sung {'ít nhất' if proven else 'khoảng'} {fmt.money(least.total, lang)} vốn ngân sách "
                "(tổng các năm) để đạt mọi mục tiêu"
                + (" (đã kiểm tra: ít hơn 1 đồng thì không đủ)." if proven else "."),
                f"{'At least' if proven else 'About'} {fmt.money(least.total, lang)} more local budget (all years "
                "together) would meet every target" + (" (checked: one đồng less does not)." if proven else "."), lang))
    return " ".join(parts)


def _cap(r: Any) -> float:
    return float(r.budget.xs("local", level="source")["cap"].sum())


def _unit(brief: Brief, task_id: str, lang: str) -> str:
    return str(brief.scenario.program.task(task_id).unit.get(lang))


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
        name = names.get(area) or (key_labels.row_label(registered.name, part, lang) if registered is not None
                                   else None)
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
        in_percent = registered is not None and key_labels.key_label(registered.name).percent_change
        if (area in ("budget", "cofunding") or in_percent) and old:
            change += f" ({fmt.percent((new - old) / old, lang, 0, sign=True)})"
        rows.append([name, fmt.number(old, lang), fmt.number(new, lang), change])
    return rows


def _headline(brief: Brief) -> tuple[list[str], list[list[str]], set[int]]:
    lang, r, b = brief.lang, brief.result, brief.base_result
    has_base = b is not None and b.has_plan

    # the program's other state sources (national funds, ...): one row each, used / cap
    others = list(getattr(brief.scenario.program, "extra_sources", ()))

    budget = brief.study.budget
    replan = budget is not None and budget.replan_from is not None
    years = set(budget.years) if budget is not None and replan else None

    def rows_of(res: Any, source: str) -> Any:
        rows = res.budget.xs(source, level="source")
        return rows[rows.index.isin(years)] if years is not None else rows

    def used_of(res: Any, source: str) -> str:
        if source not in res.budget.index.get_level_values("source"):
            return "–"
        rows = rows_of(res, source)
        return f"{fmt.number(rows['used'].sum(), lang)} / {fmt.number(rows['cap'].sum(), lang)}"

    def figures(res: Any) -> list[str]:
        loc = rows_of(res, "local")
        ach = res.achievement
        return [
            fmt.number(loc["cap"].sum(), lang),
            f"{fmt.number(loc['used'].sum(), lang)} ({fmt.share(loc['used'].sum() / loc['cap'].sum(), lang)})",
            used_of(res, "cofunding"),
            *(used_of(res, o.id) for o in others),
            f"{int((ach['shortfall'] == 0).sum())}/{len(ach)}",
            _avg(res, lang),
        ]

    span = fmt.years_text(sorted(years), lang) if years is not None else ""
    labels = [_t(f"Kế hoạch vốn ngân sách {span} (triệu đồng)", f"Local budget, {span} (million VND)", lang) if replan
              else _t("Kế hoạch vốn ngân sách cả giai đoạn (triệu đồng)", "Local budget, whole period (million VND)",
                      lang),
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




def _money_word(c: Cause, brief: Brief, lang: str) -> str:
    if c.kind == "cofunding":
        return _t("vốn đối ứng của cơ sở", "co-funding by establishments", lang)
    if c.kind == "line":
        return _t(f"vốn của nguồn {c.ids[0]}", f"money of the line {c.ids[0]}", lang)
    if c.ids == ("all",):
        return _t("mọi nguồn vốn cùng lúc", "money of every kind together", lang)
    return _t("vốn ngân sách", "local budget", lang)


def _reaches(c: Cause, s: Shortfall, brief: Brief, lang: str) -> str:
    unit = _unit(brief, s.task_id, lang)
    return _t(f"tính lại phương án thì nhiệm vụ đạt {fmt.number(c.achieved, lang)}/"
              f"{fmt.target(s.target, s.target_min, unit, lang)}",
              f"the plan solved again reaches {fmt.number(c.achieved, lang)} of "
              f"{fmt.target(s.target, s.target_min, unit, lang)}", lang)


def _link(brief: Brief, link_id: str) -> Any:
    return next((ln for ln in brief.scenario.program.structure.links if ln.id == link_id), None)


def cause_text(c: Cause, s: Shortfall, brief: Brief, lang: str) -> str:
    """One proven cause of a shortfall in words (the study's codes and values)."""
    program = brief.scenario.program
    reaches = _reaches(c, s, brief, lang)
    if c.kind in MONEY_KINDS:
        money = _money_word(c, brief, lang)
        years = fmt.years_text(c.years, lang)
        if c.alone and len(c.years) > 1:
            where = _t(f"vào một năm bất kỳ trong {years}", f"in any one of {years}", lang)
        elif c.alone:
            where = _t(f"vào năm {years}", f"in {years}", lang)
        else:
            where = _t(f"ở các năm {years} cùng lúc (một năm riêng lẻ không đủ)",
                       f"in {years} together (no single year alone)", lang)
        return _t(f"Thiếu vốn: nếu thêm {money} {where}, {reaches}.", f"Money binds: with more {money} {where}, "
                  f"{reaches}.", lang)
    link = _link(brief, c.ids[0]) if c.kind in ("link", "per_round", "leader_target") and c.ids else None
    if c.kind == "link" and link is not None:
        text = (link.text_vi if lang == "vi" else link.text_en).rstrip(".")
        return _t(f"Nguyên nhân là quy định {link.id} của chương trình: {text}. Bỏ riêng quy định "
                  f"này, {reaches}.",
                  f"The cause is the program's rule {link.id}: {text} ({link.source}). With this rule alone "
                  f"relaxed, {reaches}.", lang)
    if c.kind == "per_round" and link is not None:
        per = fmt.number(link.per_unit, lang)
        lead = program.task(link.leader)
        each = fmt.unit_word(str(lead.unit.get(lang)), 1, lang)
        return _t(f"Giới hạn {per} mỗi {each} {link.leader} của quy định {link.id}: bỏ riêng giới hạn này, "
                  f"{reaches}.",
                  f"The limit of {per} per {each} of {link.leader} (rule {link.id}): with this limit alone relaxed, "
                  f"{reaches}.", lang)
    if c.kind == "leader_target" and link is not None:
        leader = program.task(link.leader)
        name = fmt.task_name(leader, lang, short=True)
        return _t(f"Số đợt của {name} theo mục tiêu ({fmt.quantity(leader.quantity, leader.unit.vi, lang)}): thêm "
                  f"{c.amount} đợt, {reaches}.",
                  f"The number of {name} ({fmt.quantity(leader.quantity, leader.unit.en, lang)} as targeted): with "
                  f"{c.amount} more, {reaches}.", lang)
    words = {
        "cadence": (f"Nhịp thực hiện của {', '.join(c.ids)} (mỗi năm được liệt kê một đợt)",
                    f"The cadence of {', '.join(c.ids)} (one event in each listed year)"),
        "relation": (f"Ràng buộc {', '.join(c.ids)} giữa các nhiệm vụ",
                     f"The relation {', '.join(c.ids)} between tasks"),
        "structure": ("Các quy định về cách thực hiện chương trình (cùng lúc, không quy định riêng lẻ nào)",
                      "The program's rules of how it is carried out (together; no single rule alone)"),
        "floors": (f"Mức tối thiểu phải thực hiện của {', '.join(c.ids)}", f"The floors of {', '.join(c.ids)}"),
        "tiers": ("Thứ tự ưu tiên giữa các nhiệm vụ", "The priority tiers"),
        "time_limit": ("Giới hạn thời gian tính toán (phương án chưa được chứng minh tối ưu)",
                       "The time limit (the plan was not proven optimal)"),
    }
    vi, en = words.get(c.kind, (c.kind, c.kind))
    return _t(f"{vi}: bỏ riêng ràng buộc này, {reaches}.", f"{en}: with it alone relaxed, {reaches}.", lang)


def _why(s: Shortfall, brief: Brief, lang: str) -> list[str]:
    unit = _unit(brief, s.task_id, lang)
    unit1 = fmt.unit_word(unit, 1, lang)
    out = [_t(f"Đạt {fmt.number(s.achieved, lang)}/{fmt.target(s.target, s.target_min, unit, lang)} "
              f"({fmt.share(s.share, lang)}), còn thiếu {fmt.quantity(s.shortfall, unit, lang)}.",
              f"Achieves {fmt.number(s.achieved, lang)} of {fmt.target(s.target, s.target_min, unit, lang)} "
              f"({fmt.share(s.share, lang)}), short by {fmt.quantity(s.shortfall, unit, lang)}.", lang)]
    ex = brief.study.explanations.get(s.task_id)
    kinds: set[str] = {c.kind for c in ex.causes} if ex is not None else {"local", "cofunding"}
    if ex is not None:
        out += [cause_text(c, s, brief, lang) for c in ex.structural]
        if ex.money_helps is False:
            left = brief.study.unspent_local
            out.append(_t(
                f"Thêm vốn không giúp được: tính lại với vốn ngân sách và vốn đối ứng không hạn chế ở mọi năm, "
                f"nhiệm vụ vẫn chỉ đạt {fmt.number(ex.achieved_with_money or 0, lang)}"
                + (f" (phương án còn {fmt.money(left, lang)} vốn ngân sách chưa sử dụng)." if left > 0 else "."),
                f"More money would not help: solved again with unlimited local budget and co-funding in every year, "
                f"it still reaches only {fmt.number(ex.achieved_with_money or 0, lang)}"
                + (f" ({fmt.money(left, lang)} of local budget is left unspent)." if left > 0 else "."), lang))
        out += [cause_text(c, s, brief, lang) for c in ex.causes if c.kind in MONEY_KINDS]
        if not ex.causes:
            out.append(_t("Không ràng buộc riêng lẻ nào, khi được bỏ riêng, làm giảm khoản thiếu này.",
                          "No single constraint, relaxed alone, reduces this shortfall.", lang))
    out += _money_facts(s, unit1, kinds, lang)
    best = _best_gain(brief, s.task_id, lang)
    if best is not None:
        gained, row = best
        out.append(_t(f"{row['label']} sẽ hỗ trợ thêm được {fmt.quantity(gained, unit, lang)} cho nhiệm vụ này "
                      "(tính lại phương án).",
                      f"{row['label']} would fund {fmt.quantity(gained, unit, lang)} more of this task "
                      "(plan solved again).", lang))
    return out


def shortfall_reasons(brief: Brief) -> list[tuple[Shortfall, list[str]]]:
    """Each task short of its target with the sentences the brief prints to say why (its proven
    causes, what money is left, what a billion more buys), in the brief's language."""
    return [(s, _why(s, brief, brief.lang)) for s in brief.shortfalls]


def _money_facts(s: Shortfall, unit1: str, kinds: set[str], lang: str) -> list[str]:
    """What is left of the money the shortfall's proven causes name (facts of the plan)."""
    out: list[str] = []
    tight_local = [y for y, sl in zip(s.years, s.local_slack, strict=True) if sl < s.unit_local]
    tight_other = [y for y, sl in zip(s.years, s.other_slack, strict=True) if s.unit_other and sl < s.unit_other]
    if tight_local and "local" in kinds:
        slack = [sl for y, sl in zip(s.years, s.local_slack, strict=True) if y in tight_local]
        lo, hi = min(slack), max(slack)
        text = fmt.number(lo, lang) if hi - lo < 0.005 else f"{fmt.number(lo, lang)}–{fmt.number(hi, lang)}"
        all_years = len(tight_local) == len(s.years)
        out.append(_t(
            f"Vốn ngân sách {'mọi năm nhiệm vụ được triển khai' if all_years else 'các năm'} "
            f"({fmt.years_text(tight_local, lang)}) đã phân bổ hết: mỗi năm chỉ còn {text} triệu đồng, "
            f"không đủ cho thêm một {unit1} ({fmt.money(s.unit_local, lang)} vốn ngân sách).",
            f"The local budget of {'every year the task may run' if all_years else 'the years'} "
            f"({fmt.years_text(tight_local, lang)}) is spent: {text} million VND or less is left in each, "
            f"less than one more {unit1} costs ({fmt.money(s.unit_local, lang)} of local budget).", lang))
    if tight_other and "cofunding" in kinds:
        out.append(_t(
            f"Vốn đối ứng của cơ sở các năm {fmt.years_text(tight_other, lang)} không đủ cho thêm một {unit1} "
            f"({fmt.money(s.unit_other, lang)}).",
            f"Co-funding in {fmt.years_text(tight_other, lang)} cannot cover one more {unit1} "
            f"({fmt.money(s.unit_other, lang)}).", lang))
    if s.rank and s.rank <= 3 and s.shortfall > 1 and "local" in kinds:
        place = _t("cao nhất" if s.rank == 1 else f"cao thứ {s.rank}",
                   "the highest" if s.rank == 1 else f"the {_ordinal(s.rank)} highest", lang)
        out.append(_t(
            f"Mỗi 1% mục tiêu của nhiệm vụ này cần {fmt.money(s.cost_per_point, lang)} vốn ngân sách, {place} trong "
            f"{s.n_tasks} nhiệm vụ. Phương án ưu tiên tổng tỷ lệ hoàn thành các mục tiêu nên khi thiếu vốn, nhiệm vụ "
            "tốn kém nhất trên mỗi 1% mục tiêu được giảm trước.",
            f"Each 1% of this target costs {fmt.money(s.cost_per_point, lang)} of local budget, {place} of "
            f"{s.n_tasks} tasks. The plan maximises the average share of targets met, so when money is short the "
            "dearest task per percent gives way first.", lang))
    return out


def _best_gain(brief: Brief, task_id: str, lang: str) -> tuple[int, dict[str, Any]] | None:
    from kgkc_opt.report.figures import gains_rows

    if brief.gains is None or not len(brief.gains):
        return None
    best = None
    for row in gains_rows(brief.gains, brief.scenario.program, lang, "local", brief.result.max_objective):
        gained = row["units"].get(task_id, 0)
        if row["amount"] > 0 and row["years"] != ["all"] and gained > 0 and (best is None or gained > best[0]):
            best = (gained, row)
    return best


def _against_budget(brief: Brief) -> list[str]:
    """Tasks that do better after a cut, each with the cut that freed the money (both plans solved)."""
    lang, program = brief.lang, brief.scenario.program
    base = fmt.scenario_title(brief.base, lang) if brief.base is not None else ""
    out = []
    for a in brief.study.against_budget:
        unit = _unit(brief, a.task_id, lang)
        freed = ", ".join(f"{tid} ({fmt.quantity(n, str(program.task(tid).unit.get(lang)), lang, sign=True)})"
                          for tid, n in a.freed_by)
        out.append(_t(
            f"{a.task_id}: {fmt.quantity(a.achieved, unit, lang)}, so với {fmt.number(a.base_achieved, lang)} ở "
            f"phương án “{base}”, dù vốn bị cắt: phần cắt giảm của {freed} giải phóng {fmt.money(a.freed_money, lang)} "
            f"vốn ngân sách, phương án dùng một phần cho {a.task_id} (cả hai phương án đều là tối ưu).",
            f"{a.task_id}: {fmt.quantity(a.achieved, unit, lang)} against {fmt.number(a.base_achieved, lang)} in "
            f"“{base}” although money is cut: the cut of {freed} frees {fmt.money(a.freed_money, lang)} of local "
            f"budget, part of which the plan spends on {a.task_id} (both plans are optimal).", lang))
    return out


def _ordinal(n: int) -> str:
    return {2: "2nd", 3: "3rd"}.get(n, f"{n}th")


def _money_helps(brief: Brief, task_id: str) -> bool:
    ex = brief.study.explanations.get(task_id)
    return ex is None or ex.money_helps is not False


def _local_helps(brief: Brief, task_id: str) -> bool:
    ex = brief.study.explanations.get(task_id)
    return ex is None or any(c.kind == "local" for c in ex.causes)


def _repair_table(brief: Brief) -> tuple[list[str], list[list[str]], set[int]]:
    lang, study = brief.lang, brief.study
    header = [_t("Nhiệm vụ", "Task", lang), _t("Còn thiếu", "Short by", lang),
              _t("Vốn NS của phần thiếu theo đơn giá phụ lục (triệu đồng)",
                 "Local budget of the gap at the annex's unit cost (million VND)", lang),
              _t("Vốn đối ứng tương ứng (triệu đồng)", "Co-funding of the gap (million VND)", lang),
              _t("Năm có thể bố trí", "Years it may run", lang)]
    rows = []
    program = brief.scenario.program
    for s in sorted(brief.shortfalls, key=lambda s: (s.money_local, s.task_id)):
        name = fmt.task_name(program.task(s.task_id), lang, short=True)
        short = fmt.quantity(s.shortfall, _unit(brief, s.task_id, lang), lang)
        if not _money_helps(brief, s.task_id):
            rows.append([name, short, "–", "–", _t("thêm vốn không giúp được (mục 3)",
                                                   "more money would not help (section 3)", lang)])
            continue
        local = fmt.number(s.money_local, lang) if _local_helps(brief, s.task_id) else "–"
        rows.append([name, short, local, fmt.number(s.money_other, lang), fmt.years_text(s.years, lang)])
    if sum(1 for s in brief.shortfalls if _money_helps(brief, s.task_id)) > 1:
        label = (_t("Cộng theo đơn giá (không phải số vốn ít nhất)", "Total at unit costs (not the least money)", lang)
                 if study.least is not None and study.least.total is not None
                 else _t("Cộng theo đơn giá phụ lục", "Total at the annex's unit costs", lang))
        rows.append([label, "", fmt.number(study.gap_local, lang), fmt.number(study.gap_other, lang), ""])
    return header, rows, {2, 3}


def _least_notes(brief: Brief, notes: list[str]) -> list[str]:
    """The least money that meets every target: all years together, spread by year, one year alone
    (each labelled as what it is); the first note says the gaps' total is not that figure."""
    lang, least = brief.lang, brief.study.least
    out: list[str] = []
    if least is not None and least.total is not None:
        notes[0] += _t(" Số vốn ít nhất để đạt mọi mục tiêu (tính lại phương án) có thể khác tổng này.",
                       " The least money that meets every target (the plan solved again) can differ from their "
                       "total.", lang)
        proven = least.verified
        per_year = "; ".join(f"{y}: {fmt.money(v, lang)}" for y, v in sorted(least.per_year.items()) if v)
        out.append(_t(
            f"Số vốn ngân sách tăng thêm {'ít nhất' if proven else 'cần'} để đạt mọi mục tiêu, tổng các năm: "
            f"{fmt.money(least.total, lang)}" + (f" (bố trí theo năm: {per_year})" if per_year else "") +
            (", đã kiểm tra bằng cách tính lại: ít hơn 1 đồng thì không đủ." if proven else "."),
            f"{'The least' if proven else 'The'} extra local budget that meets every target, all years together: "
            f"{fmt.money(least.total, lang)}" + (f" (spread by year: {per_year})" if per_year else "") +
            (", checked by solving again: one đồng less does not suffice." if proven else "."), lang))
        alone = [(y, v) for y, v in sorted(least.single_year.items()) if v is not None]
        if alone:
            parts = "; ".join(f"{y}: {fmt.money(v, lang)}" for y, v in alone)
            missing = [y for y, v in sorted(least.single_year.items()) if v is None]
            out.append(_t(
                f"Nếu bố trí trọn vào một năm, số vốn ít nhất trong năm đó là: {parts}"
                + (f"; riêng năm {fmt.years_text(missing, lang)} thì không đủ." if missing else "."),
                f"All of it in one year, the least in that year is: {parts}"
                + (f"; {fmt.years_text(missing, lang)} alone cannot." if missing else "."), lang))
    return out


def _repair_notes(brief: Brief) -> list[str]:
    lang, program, study = brief.lang, brief.scenario.program, brief.study
    notes = [_t(
        "Bổ sung vốn: bảng ghi kinh phí của phần còn thiếu theo đơn giá của phụ lục (số đơn vị thiếu × vốn NS một "
        "đơn vị), xếp từ ít đến nhiều; khoản bổ sung phải bố trí vào năm nhiệm vụ được triển khai và đủ cho trọn "
        "đơn vị.",
        "More money: the table gives the money of each gap at the annex's unit costs (units short × local budget "
        "per unit), smallest first; it must fall in a year the task may run, in whole units.", lang)]
    for check in study.gap_checks.values():
        unit = _unit(brief, check.task_id, lang)
        notes.append(_t(
            f"Đã kiểm tra: thêm {fmt.money(check.amount, lang)} vốn ngân sách năm {check.year}, tính lại phương án thì "
            f"{check.task_id} đạt {fmt.quantity(check.achieved, unit, lang)}.",
            f"Checked: {fmt.money(check.amount, lang)} more local budget in {check.year}, the plan solved again, "
            f"gives {check.task_id} {fmt.quantity(check.achieved, unit, lang)}.", lang))
    notes += _least_notes(brief, notes)
    need_other, cof_slack = study.gap_other, study.unspent_cofunding
    if need_other > 0:
        notes.append(_t(
            f"Vốn đối ứng của cơ sở: cần {fmt.money(need_other, lang)}; kế hoạch vốn đối ứng của phương án còn "
            f"{fmt.money(cof_slack, lang)} chưa sử dụng"
            + ("." if cof_slack >= need_other else ", phải huy động thêm."),
            f"Co-funding by establishments: {fmt.money(need_other, lang)} needed; the scenario's co-funding caps "
            f"have {fmt.money(cof_slack, lang)} unused"
            + ("." if cof_slack >= need_other else "; more must be raised."),
            lang))
    if brief.carry_over is not None:
        if any(d > 0 for _, d in brief.carry_over):
            notes.append(_t(
                "Không cần thêm vốn: nếu được chuyển vốn NS chưa sử dụng sang năm sau, phương án hỗ trợ thêm được "
                f"{fmt.gain_text(dict(brief.carry_over), program, lang)} (tính lại phương án).",
                "Without new money: carrying unspent local budget over to the next year would fund "
                f"{fmt.gain_text(dict(brief.carry_over), program, lang)} (plan solved again).", lang))
        else:
            notes.append(_t(
                "Chuyển vốn NS chưa sử dụng sang năm sau không cải thiện kết quả (đã tính lại phương án với "
                "chuyển vốn).",
                "Carrying unspent local budget over to the next year would not help (the plan solved again with "
                "carry-over gains nothing).", lang))
    for s in brief.shortfalls:
        ex = study.explanations.get(s.task_id)
        for c in ex.structural if ex is not None else ():
            notes.append(_t(f"Hoặc điều chỉnh quy định cho {s.task_id} (đã kiểm tra bằng cách tính lại): ",
                            f"Or change the rule for {s.task_id} (checked by solving again): ", lang)
                         + cause_text(c, s, brief, lang))
            break
    targets = ", ".join(f"{s.task_id}: {fmt.quantity(s.achieved, _unit(brief, s.task_id, lang), lang)}"
                        for s in brief.shortfalls)
    notes.append(_t(f"Hoặc điều chỉnh mục tiêu trong tờ trình bằng mức phương án đạt được ({targets}).",
                    f"Or revise the targets in the proposal to what the plan achieves ({targets}).", lang))
    return notes

"""A scenario brief: one to three pages for a reader who has never seen the toolkit.

``build(scenario, base=...)`` solves the scenario (and the base it is compared with: by default the
program as decided), works out why each target falls short and what would close it, and returns
a ``Brief``; ``brief.html()`` is a self-contained page (charts embedded as PNG data URIs, A4 print
styles) and ``brief.markdown()`` the same content as Markdown.

Why a target falls short is stated in the program's terms: which years' budget is used up and how
much is left (less than one more unit), what one more percent of the target costs compared with
the other tasks (the plan maximises the average share of targets met, so the dearest tasks give
way first), and what 1 billion VND more in each binding year would buy, found by solving again
with that year's cap raised by 1,000 million VND. The repair options list the money each shortfall
needs (shortfall × local budget per unit, cheapest first), what carrying unspent money over to the
next year would do, and the target the plan can meet as it stands.
"""

from __future__ import annotations

import base64
import html as html_lib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kgkc_opt.analysis.plan import solve
from kgkc_opt.errors import OutputError
from kgkc_opt.inputs.keys import change_key
from kgkc_opt.inputs.scenario import baseline
from kgkc_opt.report import fmt
from kgkc_opt.report.files import write_file

EXTRA = 1000.0  # million VND: "1 billion VND more in year y"
EPS = 1e-6


def _t(vi: str, en: str, lang: str) -> str:
    return vi if lang == "vi" else en


@dataclass(frozen=True)
class Marginal:
    """What ``amount`` more in one year's cap would buy (by solving again)."""

    year: int
    source: str
    amount: float
    shadow_price: float
    gains: tuple[tuple[str, int], ...]  # (task id, units gained; negative = given up)
    objective_gain: float


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
    marginals: list[Marginal] = field(default_factory=list)
    carry_over: tuple[tuple[str, int], ...] | None = None
    images: dict[str, bytes] = field(default_factory=dict)

    def html(self) -> str:
        return _render(self, "html")

    def markdown(self) -> str:
        return _render(self, "md")

    def write(self, path: str | Path) -> Path:
        """Write the brief as .html or .md (by suffix), atomically."""
        suffix = Path(path).suffix.lower()
        if suffix in (".html", ".htm"):
            return write_file(path, self.html())
        if suffix == ".md":
            return write_file(path, self.markdown())
        raise OutputError(f"{path}: the brief is written as .html or .md")


# ---------------------------------------------------------------------------------------------
# analysis


def build(scenario: Any, base: Any = None, *, lang: str = "vi", result: Any = None,
          base_result: Any = None, charts: bool = True, solver: str | None = None) -> Brief:
    """Solve and analyse ``scenario`` against ``base`` (default: the program as decided)."""
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
    if brief.shortfalls:
        brief.marginals = marginals(scenario, result, solver=solver)
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
            costs[str(tid)] = float(task.unit_state) * row["target"] / row["weight"] / 100
    ranked = sorted(costs, key=lambda t: -costs[t])
    out = []
    for tid, row in result.shortfalls.iterrows():
        tid = str(tid)
        task = program.task(tid)
        years = tuple(y for y in task.years if (y, "local") in budget.index)
        out.append(Shortfall(
            task_id=tid, name=task.name.get(lang), unit=task.unit.get(lang), target=int(row["target"]),
            achieved=int(row["achieved"]), shortfall=int(row["shortfall"]), share=float(row["share"]),
            years=years, unit_local=float(task.unit_state), unit_other=float(task.unit_other),
            local_slack=tuple(float(budget.loc[(y, "local"), "slack"]) for y in years),
            other_slack=tuple(float(budget.loc[(y, "cofunding"), "slack"]) for y in years),
            cost_per_point=costs.get(tid, 0.0), rank=ranked.index(tid) + 1 if tid in costs else 0,
            n_tasks=len(ranked),
        ))
    return out


def marginals(scenario: Any, result: Any, *, amount: float = EXTRA, solver: str | None = None) -> list[Marginal]:
    """For each year whose cap binds (shadow price > 0), solve again with ``amount`` more."""
    out = []
    b = result.budget
    for source, key in (("local", "budget"), ("cofunding", "cofunding")):
        caps = scenario.local_budget if source == "local" else scenario.cofunding
        for year in sorted(b.index.get_level_values("year").unique()):
            price = float(b.loc[(year, source), "shadow_price"])
            if price <= 1e-12:
                continue
            new = float(caps[year]) + amount
            alt = solve(scenario.derive(name=f"{scenario.name} +{amount:g} {source} {year}",
                                        **{key: {int(year): new}}), solver=solver)
            if not alt.has_plan:
                continue
            out.append(Marginal(int(year), source, amount, price, _gains(result, alt),
                                float(alt.objective - result.objective)))
        if out:
            break  # co-funding only matters if no local cap binds
    return out


def _gains(result: Any, alt: Any) -> tuple[tuple[str, int], ...]:
    a, b = result.achievement["achieved"], alt.achievement["achieved"]
    diff = (b - a.reindex(b.index).fillna(0)).astype(int)
    changed = [(str(t), int(d)) for t, d in diff.items() if d != 0]
    return tuple(sorted(changed, key=lambda x: -x[1]))


def _charts(brief: Brief) -> dict[str, bytes]:
    from kgkc_opt.report import charts  # deferred: matplotlib is heavy, and only the charts need it

    lang, r, program = brief.lang, brief.result, brief.scenario.program
    images = {}
    dpi = 200
    images["budget"] = charts.to_bytes(charts.budget(r, program, lang=lang, height=3.6), "png", dpi)
    short = set(r.shortfalls.index)
    if brief.base_result is not None and brief.base_result.has_plan:
        short |= set(brief.base_result.shortfalls.index)
    tasks = [t for t in r.achievement.index if t in short]
    if tasks:
        images["achievement"] = charts.to_bytes(
            charts.achievement(r, program, brief.base_result, lang=lang, tasks=tasks), "png", dpi)
    if brief.base_result is not None and brief.base_result.has_plan:
        images["difference"] = charts.to_bytes(
            charts.difference(r, brief.base_result, program, lang=lang), "png", dpi)
    images["shadow"] = charts.to_bytes(charts.shadow(r, program, lang=lang, size="column"), "png", dpi)
    return images


# ---------------------------------------------------------------------------------------------
# rendering: one list of blocks, written as HTML or Markdown


def _render(brief: Brief, kind: str) -> str:
    doc = _Doc(kind, brief.lang)
    lang, scn, r = brief.lang, brief.scenario, brief.result
    program = scn.program
    doc.h1(_t(f"Tóm tắt kịch bản “{scn.name}”", f"Scenario brief: “{scn.name}”", lang))
    compare = ""
    if brief.base is not None:
        compare = _t(f" · so sánh với kịch bản “{brief.base.name}”", f" · compared with “{brief.base.name}”", lang)
    doc.meta(f"{program.title.get(lang)} ({program.source_document}){compare}")
    if r.has_plan:
        doc.p(_summary(brief), lead=True)

    doc.h2(_t("1. Kịch bản thay đổi gì", "1. What the scenario changes", lang))
    if scn.description:
        doc.p(scn.description)
    rows = _change_rows(scn, lang)
    if rows:
        doc.table([_t("Nội dung", "Item", lang), _t("Chương trình", "Program", lang),
                   _t("Kịch bản", "Scenario", lang), _t("Chênh lệch", "Change", lang)], rows, numeric={1, 2, 3})
    else:
        doc.p(_t("Kịch bản giữ nguyên mọi số liệu của chương trình.",
                 "The scenario keeps every figure of the program.", lang))

    if not r.has_plan:
        doc.h2(_t("2. Không có phương án", "2. No plan", lang))
        doc.p(_t(f"Kịch bản không có phương án khả thi ({r.status.value}).",
                 f"The scenario has no feasible plan ({r.status.value}).", lang))
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
        return doc.text()

    doc.h2(_t("2. Kết quả chính", "2. Headline numbers", lang))
    doc.table(*_headline(brief))
    captions = {
        "budget": _t("Kinh phí theo năm so với trần kế hoạch vốn.", "Budget by year against the caps.", lang),
        "achievement": _t("Các nhiệm vụ chưa đạt mục tiêu (nền xám: kịch bản so sánh).",
                          "Tasks short of target (grey: the comparison scenario).", lang),
        "difference": _t("Chênh lệch theo nhiệm vụ so với kịch bản so sánh.",
                         "Per-task difference from the comparison scenario.", lang),
        "shadow": _t("Giá trị biên của vốn: mục tiêu tăng thêm trên 1 tỷ đồng vốn mỗi năm.",
                     "Shadow price: targets gained per 1 billion VND more in each year.", lang),
    }
    widths = {"budget": 92, "achievement": 100, "difference": 100, "shadow": 62}

    def figure(key: str) -> None:
        if key in brief.images:
            doc.image(brief.images[key], captions[key], widths[key])

    figure("budget")
    doc.h2(_t("3. Nhiệm vụ không đạt mục tiêu và nguyên nhân", "3. Targets that fall short, and why", lang))
    figure("achievement")
    if not brief.shortfalls:
        doc.p(_t("Mọi nhiệm vụ đều đạt mục tiêu.", "Every task meets its target.", lang))
    for s in brief.shortfalls:
        doc.h3(f"{s.task_id}. {s.name}")
        doc.bullets(_why(s, brief, lang))
    figure("difference")
    if brief.marginals:
        doc.p(_t("Thêm 1 tỷ đồng vào trần vốn của từng năm (tính lại phương án):",
                 "1 billion VND more on one year's cap (plan solved again):", lang), keep=True)
        doc.table(*_marginal_table(brief))
    figure("shadow")

    if brief.shortfalls:
        doc.h2(_t("4. Phương án khắc phục", "4. Repair options", lang))
        doc.table(*_repair_table(brief))
        doc.bullets(_repair_notes(brief))

    doc.h2(_t("Cách đọc", "How to read this", lang))
    doc.p(_t(
        "Phương án được tính bằng quy hoạch nguyên: vốn NS của từng năm được phân bổ cho các nhiệm vụ "
        "sao cho tổng tỷ lệ hoàn thành mục tiêu (mỗi nhiệm vụ tối đa 100%) là lớn nhất, không vượt trần "
        "vốn NS và vốn khác (doanh nghiệp đối ứng) của từng năm; chi phí một đơn vị (vốn NS và vốn khác) "
        "lấy từ phụ lục của quyết định. Giá trị biên là phần tỷ lệ hoàn thành tăng thêm khi trần vốn "
        "một năm tăng, tính cho khoản tăng nhỏ; 1,0 tương ứng thêm trọn một mục tiêu nhiệm vụ. "
        "Số tiền tính bằng triệu đồng (1 tỷ đồng = 1.000 triệu đồng).",
        "The plan comes from an integer program: each year's local budget is allocated across the "
        "tasks to maximise the sum of the shares of targets met (each at most 100%), within each year's "
        "caps on the local budget and on co-funding by enterprises; per-unit costs come from the "
        "decision's annex. A shadow price is the gain in that sum per extra amount on a year's cap, at "
        "the margin; 1.0 is one whole task target. Money in million VND (1 billion = 1,000 million).",
        lang), small=True)
    doc.p(f"kgkc-opt · {r.solver} {r.solver_version} · {r.status.value} · {r.input_hash[:19]}…", small=True)
    return doc.text()


def _summary(brief: Brief) -> str:
    lang, r = brief.lang, brief.result
    ach = r.achievement
    n, met = len(ach), int((ach["shortfall"] == 0).sum())
    local = r.budget.xs("local", level="source")
    parts = []
    b = brief.base_result
    if b is not None and b.has_plan:
        base_cap = float(b.budget.xs("local", level="source")["cap"].sum())
        delta = float(local["cap"].sum()) - base_cap
        if abs(delta) > EPS:
            word = _t("giảm" if delta < 0 else "tăng", "down" if delta < 0 else "up", lang)
            pct = fmt.percent(abs(delta) / base_cap, lang, 0) if base_cap else ""
            parts.append(_t(f"Trần vốn NS cả giai đoạn {word} {fmt.money(abs(delta), lang)} ({pct}) so với "
                            f"“{b.scenario}”.",
                            f"The local budget cap for the period is {word} {fmt.money(abs(delta), lang)} "
                            f"({pct}) on “{b.scenario}”.", lang))
    parts += [_t(f"Với trần vốn NS {fmt.money(local['cap'].sum(), lang)}, phương án đạt mục tiêu ở "
                f"{met}/{n} nhiệm vụ, mức hoàn thành bình quân {_pct(r.objective / r.max_objective, lang)}.",
                f"With a local budget cap of {fmt.money(local['cap'].sum(), lang)}, the plan meets the "
                f"target of {met} of {n} tasks; average share of targets {_pct(r.objective / r.max_objective, lang)}.",
                lang)]
    if b is not None and b.has_plan:
        bmet = int((b.achievement["shortfall"] == 0).sum())
        parts.append(_t(f"(“{b.scenario}”: {bmet}/{n} nhiệm vụ, {_pct(b.objective / b.max_objective, lang)}.)",
                        f"(“{b.scenario}”: {bmet} of {n} tasks, {_pct(b.objective / b.max_objective, lang)}.)",
                        lang))
    if brief.shortfalls:
        items = ", ".join(f"{s.task_id} ({fmt.number(s.achieved, lang)}/{fmt.quantity(s.target, s.unit, lang)})"
                          for s in brief.shortfalls)
        need = sum(s.money_local for s in brief.shortfalls)
        parts.append(_t(f"Không đạt: {items}. Cần thêm tối thiểu {fmt.money(need, lang)} vốn NS để đạt đủ.",
                        f"Short: {items}. At least {fmt.money(need, lang)} more local budget would close "
                        "every gap.", lang))
    return " ".join(parts)


def _pct(share: float, lang: str) -> str:
    pct = 100 * share
    decimals = 1 if pct < 99.95 else 2
    if pct < 100 - 1e-9 and round(pct, decimals) >= 100:
        decimals = 3
    return fmt.number(pct, lang, decimals) + "%"


def _change_rows(scn: Any, lang: str) -> list[list[str]]:
    """One row per change-log line, labelled as its scenario key declares (``inputs.keys``)."""
    rows = []
    for c in scn.changes:
        key, part = change_key(c)
        if key is None:
            rows.append([c.key, c.old, c.new, ""])
            continue
        name = key.row_label(part, lang)
        try:
            old, new = float(c.old), float(c.new)
        except ValueError:
            rows.append([name, key.show(c.old, lang), key.show(c.new, lang), ""])
            continue
        change = fmt.number(new - old, lang, sign=True)
        if key.percent_change and old:
            change += f" ({fmt.percent((new - old) / old, lang, 0, sign=True)})"
        rows.append([name, fmt.number(old, lang), fmt.number(new, lang), change])
    return rows


def _headline(brief: Brief) -> tuple[list[str], list[list[str]], set[int]]:
    lang, r, b = brief.lang, brief.result, brief.base_result
    has_base = b is not None and b.has_plan

    def figures(res: Any) -> list[str]:
        loc = res.budget.xs("local", level="source")
        cof = res.budget.xs("cofunding", level="source")
        ach = res.achievement
        return [
            fmt.number(loc["cap"].sum(), lang),
            f"{fmt.number(loc['used'].sum(), lang)} ({_pct(loc['used'].sum() / loc['cap'].sum(), lang)})",
            f"{fmt.number(cof['used'].sum(), lang)} / {fmt.number(cof['cap'].sum(), lang)}",
            f"{int((ach['shortfall'] == 0).sum())}/{len(ach)}",
            _pct(res.objective / res.max_objective, lang),
        ]

    labels = [_t("Trần vốn NS cả giai đoạn (triệu đồng)", "Local budget cap, whole period (million VND)", lang),
              _t("Vốn NS phân bổ (triệu đồng)", "Local budget allocated (million VND)", lang),
              _t("Vốn khác huy động / trần (triệu đồng)", "Co-funding used / cap (million VND)", lang),
              _t("Nhiệm vụ đạt mục tiêu", "Tasks meeting their target", lang),
              _t("Mức hoàn thành bình quân", "Average share of targets", lang)]
    mine = figures(r)
    header = [_t("Chỉ tiêu", "Figure", lang), f"“{r.scenario}”"]
    if has_base:
        header.append(f"“{b.scenario}”")
        theirs = figures(b)
        rows = [[lab, m, t] for lab, m, t in zip(labels, mine, theirs, strict=True)]
    else:
        rows = [[lab, m] for lab, m in zip(labels, mine, strict=True)]
    return header, rows, {1, 2}


def _why(s: Shortfall, brief: Brief, lang: str) -> list[str]:
    unit1 = fmt.unit_word(s.unit, 1, lang)
    out = [_t(f"Đạt {fmt.number(s.achieved, lang)}/{fmt.quantity(s.target, s.unit, lang)} "
              f"({_pct(s.share, lang)}), thiếu {fmt.quantity(s.shortfall, s.unit, lang)}.",
              f"Achieves {fmt.number(s.achieved, lang)} of {fmt.quantity(s.target, s.unit, lang)} "
              f"({_pct(s.share, lang)}), short by {fmt.quantity(s.shortfall, s.unit, lang)}.", lang)]
    tight_local = [y for y, sl in zip(s.years, s.local_slack, strict=True) if sl < s.unit_local - EPS]
    tight_other = [y for y, sl in zip(s.years, s.other_slack, strict=True)
                   if s.unit_other > EPS and sl < s.unit_other - EPS]
    if tight_local:
        lo = min(sl for y, sl in zip(s.years, s.local_slack, strict=True) if y in tight_local)
        hi = max(sl for y, sl in zip(s.years, s.local_slack, strict=True) if y in tight_local)
        left = fmt.number(lo, lang) if abs(hi - lo) < 0.005 else f"{fmt.number(lo, lang)}–{fmt.number(hi, lang)}"
        all_years = len(tight_local) == len(s.years)
        out.append(_t(
            f"Vốn NS {'mọi năm nhiệm vụ được triển khai' if all_years else 'các năm'} "
            f"({fmt.years_text(tight_local, lang)}) đã phân bổ hết: mỗi năm chỉ còn dư {left} triệu đồng, "
            f"không đủ cho thêm một {unit1} ({fmt.money(s.unit_local, lang)} vốn NS).",
            f"The local budget of {'every year the task may run' if all_years else 'the years'} "
            f"({fmt.years_text(tight_local, lang)}) is spent: {left} million VND or less is left in each, "
            f"less than one more {unit1} costs ({fmt.money(s.unit_local, lang)} of local budget).", lang))
    if tight_other:
        out.append(_t(
            f"Vốn khác (doanh nghiệp đối ứng) các năm {fmt.years_text(tight_other, lang)} không đủ cho thêm "
            f"một {unit1} ({fmt.money(s.unit_other, lang)}).",
            f"Co-funding in {fmt.years_text(tight_other, lang)} cannot cover one more {unit1} "
            f"({fmt.money(s.unit_other, lang)}).", lang))
    if s.rank and s.rank <= 3 and s.shortfall > 1:
        place = _t("cao nhất" if s.rank == 1 else f"cao thứ {s.rank}",
                   "the highest" if s.rank == 1 else f"the {_ordinal(s.rank)} highest", lang)
        out.append(_t(
            f"Mỗi 1% mục tiêu của nhiệm vụ này cần {fmt.money(s.cost_per_point, lang)} vốn NS, {place} trong "
            f"{s.n_tasks} nhiệm vụ. Phương án tối đa hóa tỷ lệ hoàn thành bình quân nên khi thiếu vốn, "
            "nhiệm vụ đắt nhất trên mỗi % mục tiêu được cắt trước.",
            f"Each 1% of this target costs {fmt.money(s.cost_per_point, lang)} of local budget, {place} "
            f"of {s.n_tasks} tasks. The plan maximises the average share of targets met, so when money is "
            "short the dearest task per percent gives way first.", lang))
    elif tight_local:
        out.append(_t(
            "Khoản thiếu nhỏ: sau khi bố trí các nhiệm vụ khác, phần vốn lẻ còn lại của từng năm không đủ "
            f"cho một {unit1} trọn vẹn, và vốn dư năm này không được chuyển sang năm sau.",
            "A small gap: once the other tasks are funded, what is left in each year is less than one "
            f"whole {unit1}, and unspent money does not carry over to the next year.", lang))
    gains = [m for m in brief.marginals if any(t == s.task_id and d > 0 for t, d in m.gains)]
    if gains:
        n = max(dict(m.gains)[s.task_id] for m in gains)
        best = [m for m in gains if dict(m.gains)[s.task_id] == n]
        source = best[0].source
        years = fmt.years_text([m.year for m in best], lang)
        when = (_t(f"năm {years}", f"in {years}", lang) if len(best) == 1 else
                _t(f"một năm bất kỳ trong {years}", f"any one year of {years}", lang))
        out.append(_t(
            f"Thêm 1 tỷ đồng vốn {'NS' if source == 'local' else 'khác'} vào {when} sẽ tài trợ "
            f"thêm {fmt.quantity(n, s.unit, lang)} cho nhiệm vụ này.",
            f"1 billion VND more {'local budget' if source == 'local' else 'co-funding'} {when} "
            f"would fund {fmt.quantity(n, s.unit, lang)} more of this task.", lang))
    return out


def _ordinal(n: int) -> str:
    return {2: "2nd", 3: "3rd"}.get(n, f"{n}th")


def _gain_text(gains: tuple[tuple[str, int], ...], program: Any, lang: str) -> str:
    if not gains:
        return _t("không tăng thêm đơn vị nào", "no more units", lang)
    parts = []
    for tid, d in gains:
        unit = program.task(tid).unit.get(lang)
        parts.append(f"{fmt.quantity(d, unit, lang, sign=True)} ({tid})")
    return ", ".join(parts)


def _marginal_table(brief: Brief) -> tuple[list[str], list[list[str]], set[int]]:
    lang, program = brief.lang, brief.scenario.program
    header = [_t("Năm", "Year", lang), _t("Nguồn", "Source", lang),
              _t("1 tỷ đồng thêm sẽ tài trợ", "1 billion VND more would fund", lang),
              _t("Mức hoàn thành bình quân", "Average share of targets", lang)]
    groups: dict[tuple[Any, ...], list[int]] = {}
    for m in brief.marginals:  # years with the same effect share a row
        gain = round(m.objective_gain / brief.result.max_objective, 9)
        groups.setdefault((m.source, m.gains, gain), []).append(m.year)
    rows = []
    for (source, gains, gain), years in groups.items():
        points = fmt.number(100 * gain, lang, 2, sign=True) + _t(" điểm %", " points", lang)
        rows.append([fmt.years_text(years, lang),
                     fmt.label("local_short" if source == "local" else "cofunding_short", lang),
                     _gain_text(gains, program, lang), points if gain > 0 else "0"])
    return header, rows, {3}


def _repair_table(brief: Brief) -> tuple[list[str], list[list[str]], set[int]]:
    lang = brief.lang
    header = [_t("Nhiệm vụ", "Task", lang), _t("Còn thiếu", "Short by", lang),
              _t("Vốn NS cần thêm (triệu đồng)", "Local budget needed (million VND)", lang),
              _t("Vốn khác cần thêm (triệu đồng)", "Co-funding needed (million VND)", lang),
              _t("Năm có thể bố trí", "Years it may run", lang)]
    rows = []
    for s in sorted(brief.shortfalls, key=lambda s: (s.money_local, s.task_id)):
        rows.append([s.task_id, fmt.quantity(s.shortfall, s.unit, lang), fmt.number(s.money_local, lang),
                     fmt.number(s.money_other, lang), fmt.years_text(s.years, lang)])
    if len(rows) > 1:
        rows.append([_t("Cộng", "Total", lang), "", fmt.number(sum(s.money_local for s in brief.shortfalls), lang),
                     fmt.number(sum(s.money_other for s in brief.shortfalls), lang), ""])
    return header, rows, {2, 3}


def _repair_notes(brief: Brief) -> list[str]:
    lang, program = brief.lang, brief.scenario.program
    notes = [_t(
        "Bổ sung vốn: số tiền trong bảng là mức tối thiểu (số đơn vị thiếu × vốn NS một đơn vị theo phụ "
        "lục), xếp từ rẻ nhất; phải bố trí vào năm nhiệm vụ được triển khai, mỗi khoản đủ cho trọn đơn vị.",
        "More money: the table gives the least each gap needs (units short × local budget per unit, from "
        "the annex), cheapest first; it must fall in a year the task may run, in whole units.", lang)]
    cof_slack = float(brief.result.budget.xs("cofunding", level="source")["slack"].sum())
    need_other = sum(s.money_other for s in brief.shortfalls)
    if need_other > EPS:
        notes.append(_t(
            f"Vốn đối ứng của doanh nghiệp: cần {fmt.money(need_other, lang)}; trần vốn khác của kịch bản "
            f"còn dư {fmt.money(cof_slack, lang)}"
            + ("." if cof_slack + EPS >= need_other else " — phải huy động thêm."),
            f"Enterprise co-funding: {fmt.money(need_other, lang)} needed; the scenario's co-funding caps "
            f"have {fmt.money(cof_slack, lang)} unused" + ("." if cof_slack + EPS >= need_other
                                                           else " — more must be raised."), lang))
    if brief.carry_over is not None:
        if any(d > 0 for _, d in brief.carry_over):
            notes.append(_t(
                "Không cần thêm vốn: cho phép chuyển vốn NS chưa dùng sang năm sau sẽ tài trợ thêm "
                f"{_gain_text(brief.carry_over, program, lang)}.",
                "Without new money: carrying unspent local budget over to the next year would fund "
                f"{_gain_text(brief.carry_over, program, lang)}.", lang))
        else:
            notes.append(_t(
                "Cho phép chuyển vốn NS chưa dùng sang năm sau không cải thiện kết quả (phần dư quá nhỏ).",
                "Carrying unspent local budget over to the next year would not help (too little is left).",
                lang))
    targets = ", ".join(f"{s.task_id}: {fmt.quantity(s.achieved, s.unit, lang)}" for s in brief.shortfalls)
    notes.append(_t(f"Hoặc điều chỉnh mục tiêu trong tờ trình về mức phương án đạt được ({targets}).",
                    f"Or revise the targets in the proposal to what the plan achieves ({targets}).", lang))
    return notes


# ---------------------------------------------------------------------------------------------
# a tiny document writer for both formats

CSS = """
@page { size: A4; margin: 16mm 18mm; }
body { font-family: "Times New Roman", "DejaVu Serif", serif; font-size: 11pt; line-height: 1.3;
       color: #111; max-width: 174mm; margin: 12px auto; }
h1 { font-size: 17pt; margin: 0 0 2pt 0; }
h2 { font-size: 13.5pt; margin: 14pt 0 4pt 0; border-bottom: 1px solid #888; padding-bottom: 1pt;
     break-after: avoid; }
h3 { font-size: 12pt; margin: 8pt 0 2pt 0; break-after: avoid; }
p { margin: 4pt 0; } p.meta { color: #444; font-size: 10.5pt; margin-bottom: 8pt; }
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

    def image(self, png: bytes, caption: str, width: int = 100) -> None:
        uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        if self.kind == "html":
            self.parts.append(f'<figure style="width: {width}%"><img src="{uri}" alt="{html_lib.escape(caption)}">'
                              f"<figcaption>{self._e(caption)}</figcaption></figure>")
        else:
            self.parts.append(f"![{_md_escape(caption)}]({uri})\n\n*{_md_escape(caption)}*\n")

    def text(self) -> str:
        if self.kind == "html":
            return (f"<!DOCTYPE html>\n<html lang=\"{self.lang}\">\n<head>\n<meta charset=\"utf-8\">\n"
                    f"<title>{html_lib.escape(self.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
                    + "\n".join(self.parts) + "\n</body>\n</html>\n")
        return "\n".join(self.parts)


def _md_escape(text: str) -> str:
    for ch in ("\\", "|", "*", "_", "[", "]", "<", ">"):
        text = text.replace(ch, "\\" + ch)
    return text

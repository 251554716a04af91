"""Numbers, money and labels as a planner writes them, in Vietnamese (default) or English.

Vietnamese writes "." between thousands and "," for decimals (47.585 triệu đồng; 47,6 tỷ đồng),
English the other way round (47,585 million VND; 47.6 billion VND). Money is in million VND
(triệu đồng) throughout the toolkit; ``money(..., unit="billion")`` divides by 1,000.

Pure functions, no plotting imports: used by the charts, the workbook and the brief alike.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable
from fractions import Fraction
from typing import Any

from kgkc_opt.money import LANGS, MINUS, check_lang, number

__all__ = ["LANGS", "MINUS", "check_lang", "number"]  # (kept here for the report modules that use them)


def money(
    value: float | int | Fraction, lang: str = "vi", *, unit: str = "million",
    decimals: int | None = None, sign: bool = False,
) -> str:
    """Money given in million VND: "47.585 triệu đồng", "47,6 tỷ đồng", "47,585 million VND".

    ``unit``: "million", "billion" (one decimal by default) or "auto" (billion from 10,000
    million up, so large totals read as the People's Committee writes them).
    """
    x = float(value)
    if unit == "auto":
        unit = "billion" if abs(x) >= 10_000 else "million"
    if unit == "billion":
        text = number(x / 1000, lang, 1 if decimals is None else decimals, sign=sign)
        return f"{text} {label('billion_vnd', lang)}"
    if unit != "million":
        raise ValueError(f"unknown money unit {unit!r}")
    return f"{number(x, lang, decimals, sign=sign)} {label('million_vnd', lang)}"


def percent(share: float | Fraction, lang: str = "vi", decimals: int = 0, *, sign: bool = False) -> str:
    """A share 0..1 as a percentage: percent(0.4286, "vi", 1) -> "42,9%"."""
    return number(100 * float(share), lang, decimals, sign=sign) + "%"


def quantity(value: float | int, unit: str, lang: str = "vi", *, sign: bool = False) -> str:
    """A count with its unit: "16 cơ sở", "16 establishments" (English units are pluralised)."""
    return f"{number(value, lang, 0, sign=sign)} {unit_word(unit, value, lang)}".strip()


def target(value: float | int, minimum: float | int | None, unit: str, lang: str = "vi") -> str:
    """A target with its unit, a range as the decision writes it: "4–6 cơ sở", else "6 cơ sở"."""
    if minimum is None or int(minimum) >= int(value):
        return quantity(value, unit, lang)
    return f"{number(minimum, lang, 0)}–{quantity(value, unit, lang)}"


def unit_word(unit: str, count: float | int | Fraction, lang: str = "vi") -> str:
    """A unit as it reads after a count: "cơ sở"; "establishment" / "establishments"."""
    unit = unit.strip()
    if lang == "vi":
        return unit.lower()
    return unit if abs(float(count)) == 1 else _plural(unit)


def _plural(word: str) -> str:
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word == "person":
        return "persons"
    return word + "s"


def years_text(years: Iterable[int], lang: str = "vi") -> str:
    """Years as ranges: [2021, 2022, 2023, 2025] -> "2021–2023, 2025"."""
    ys = sorted(set(years))
    if not ys:
        return "–"
    parts: list[str] = []
    start = prev = ys[0]
    for y in [*ys[1:], None]:
        if y is not None and y == prev + 1:
            prev = y
            continue
        parts.append(str(start) if start == prev else f"{start}–{prev}")
        if y is not None:
            start = prev = y
    joiner = " và " if lang == "vi" else " and "
    if len(parts) > 1:
        return ", ".join(parts[:-1]) + joiner + parts[-1]
    return parts[0]


def wrap(text: str, width: int = 40) -> str:
    """Wrap a label at word boundaries into lines of about ``width`` characters; never cut it."""
    return "\n".join(textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False)) or text


def share(value: float, lang: str = "vi") -> str:
    """A share of a target (0..1) as a percentage, by the one rule every output follows.

    Whole percent, rounded down, so that "100%" means met and "0%" means nothing achieved:
    0.9952 -> "99%", 0.6 -> "60%", 1 -> "100%"; a share above 0 but under 1% reads "<1%".
    """
    pct = 100 * float(value)
    if math.isnan(pct):
        return "–"
    if 0 < pct < 1:
        return "<1%"
    return number(math.floor(pct + 1e-9), lang, 0) + "%"


def task_name(task: Any, lang: str = "vi", *, short: bool = False, with_id: bool = True) -> str:
    """A task as a reader finds it: "II.2 Máy móc thiết bị tiên tiến" (its short name if asked
    and the program gives one, else its full name)."""
    label = task.label(lang, short=short) if hasattr(task, "label") else task.name.get(lang)
    return f"{task.id} {label}" if with_id else label


def group_name(group: Any, lang: str = "vi", *, short: bool = False) -> str:
    """A group as the annex numbers it: "II. Mô hình trình diễn, sản xuất sạch hơn"."""
    label = group.label(lang, short=short) if hasattr(group, "label") else group.name.get(lang)
    return f"{group.id}. {label}"


def gain_text(units: Any, program: Any, lang: str = "vi", *, short: bool = True, losses_first: bool = False) -> str:
    """Units gained or given up per task, in plain words: "+3 cơ sở (II.2 Máy móc thiết bị
    tiên tiến), −1 người (VIII.6 Cộng tác viên khuyến công)". ``units``: task_id -> change."""
    items = [(str(t), int(d)) for t, d in dict(units).items() if int(d) != 0]
    if not items:
        return label("no_units", lang)
    order = {tid: i for i, tid in enumerate(program.task_ids)}
    items.sort(key=lambda x: ((x[1] > 0) == losses_first, -abs(x[1]), order.get(x[0], 10**6)))
    parts = []
    for tid, d in items:
        task = program.task(tid)
        parts.append(f"{quantity(d, task.unit.get(lang), lang, sign=True)} ({task_name(task, lang, short=short)})")
    return ", ".join(parts)


STATUS = {
    "optimal": ("tối ưu (đã chứng minh)", "optimal (proven)"),
    "feasible": ("khả thi, dừng khi hết thời gian (chưa chứng minh tối ưu)",
                 "feasible, stopped at the time limit (not proven optimal)"),
    "infeasible": ("không có phương án khả thi", "infeasible"),
    "no_solution": ("chưa tìm được phương án trong thời gian cho phép", "no plan within the time limit"),
}


def status(value: Any, lang: str = "vi") -> str:
    """A solve status in words: "tối ưu (đã chứng minh)"."""
    key = getattr(value, "value", value)
    vi, en = STATUS.get(str(key), (str(key), str(key)))
    return vi if check_lang(lang) == "vi" else en


# ---------------------------------------------------------------------------------------------
# scenarios in words: their titles and their changes, never their file names


def policy(name: str, lang: str = "vi") -> str:
    """A cut policy in words: "most-targets" -> "đạt nhiều mục tiêu nhất"."""
    key = f"policy_{name}"
    return label(key, lang) if key in LABELS else name


def scenario_title(scenario: Any, lang: str = "vi") -> str:
    """The title outputs name a scenario by: its ``title`` in ``lang``; for a scenario without
    one, the decision as written, or what it changes ("Vốn ngân sách năm 2021–2025 giảm 20%")."""
    title = getattr(scenario, "title", None)
    if title is not None:
        return title.get(lang)
    changes = tuple(getattr(scenario, "changes", ()))
    if not changes:
        return label("as_decided", lang)
    lines = change_lines(scenario, lang)
    if len(lines) <= 2:
        return "; ".join(lines)
    return "; ".join(lines[:2]) + label("and_more", lang, n=len(lines) - 2)


def description(scenario: Any, lang: str = "vi") -> str:
    """The scenario's description in ``lang`` ("" when it has none in that language)."""
    texts = getattr(scenario, "description_text", None)
    if texts is not None:
        return str(texts.get(lang))
    if not getattr(scenario, "changes", ()):
        return label("as_decided_description", lang)
    return ""


def _fraction(text: str) -> Fraction | None:
    try:
        return Fraction(text)
    except (ValueError, ZeroDivisionError):
        return None


def _values(change: Any) -> tuple[Fraction | None, Fraction | None]:
    """A logged change's old and new figures as exact numbers (the change log carries them)."""
    old, new = getattr(change, "old_value", None), getattr(change, "new_value", None)
    if old is None and new is None:  # a change read back from text (a record) carries only its text
        return _fraction(change.old), _fraction(change.new)
    return old, new


def _money_change(kind: str, years: list[int], old: Fraction, new: Fraction, lang: str,
                  each: bool) -> str:
    what = label(kind, lang)
    when = (label("in_years", lang, years=years_text(years, lang)) if len(years) > 1
            else label("in_year", lang, year=years[0]))
    if old:
        pct = (new - old) / old
        word = label("down" if pct < 0 else "up", lang)
        if each:
            return f"{what} {when} {word} {percent(abs(pct), lang, 1 if (100 * pct).denominator != 1 else 0)}"
        return (f"{what} {when} {word} {percent(abs(pct), lang, 1 if (100 * pct).denominator != 1 else 0)} "
                f"({number(old, lang)} → {number(new, lang)} {label('million_vnd', lang)})")
    return f"{what} {when}: {number(old, lang)} → {number(new, lang)} {label('million_vnd', lang)}"


def change_lines(scenario: Any, lang: str = "vi") -> list[str]:
    """The scenario's change log in words, one line per change; the same change of a cap in
    several years in one line ("Vốn ngân sách các năm 2021–2025 giảm 20%")."""
    changes = list(getattr(scenario, "changes", ()))
    program = getattr(scenario, "program", None)
    out: list[str] = []
    money: dict[tuple[str, Fraction | None], list[tuple[int, Fraction, Fraction]]] = {}
    group_caps: dict[tuple[str, Fraction | None, Fraction | None], list[int]] = {}
    for c in changes:
        head, _, rest = c.key.partition(".")
        group, _, year = rest.rpartition(".")
        if head == "group_caps" and year.isdigit():
            group_caps.setdefault((group, *_values(c)), []).append(int(year))
            continue
        if head in ("budget", "cofunding") and rest.isdigit():
            old, new = _values(c)
            if old is not None and new is not None:
                ratio = (new - old) / old if old else None
                money.setdefault((head, ratio), []).append((int(rest), old, new))
                continue
        out.append(change_text(c, scenario, lang))
    lines = []
    for (head, ratio), items in money.items():
        kind = "local_budget_words" if head == "budget" else "cofunding_words"
        years = [y for y, _, _ in items]
        if ratio is not None and len(items) > 1:
            lines.append(_money_change(kind, years, Fraction(1), 1 + ratio, lang, True))
        else:
            for y, old, new in items:
                lines.append(_money_change(kind, [y], old, new, lang, False))
    for (group_id, old_cap, new_cap), cap_years in group_caps.items():
        lines.append(_group_cap_text(group_id, cap_years, old_cap, new_cap, lang))
    del program
    return lines + out


def _group_cap_text(group: str, years: list[int], old: Fraction | None, new: Fraction | None, lang: str) -> str:
    def amount(value: Fraction | None) -> str:
        if value is None:
            return label("no_cap", lang)
        return f"{number(value, lang)} {label('million_vnd', lang)}"

    when = (label("in_years", lang, years=years_text(years, lang)) if len(years) > 1
            else label("in_year", lang, year=years[0]))
    return label("change_group_cap", lang, group=group, when=when, old=amount(old), new=amount(new))


def change_text(change: Any, scenario: Any, lang: str = "vi") -> str:
    """One logged change (``key: old → new``) as a planner reads it, in ``lang``."""
    program = getattr(scenario, "program", None)
    head, _, rest = change.key.partition(".")

    def task(tid: str) -> Any:
        try:
            return program.task(tid) if program is not None else None
        except KeyError:
            return None

    old_value, new_value = _values(change)  # the exact figures the change log carries

    def num(value: Fraction | None, text: str) -> str:
        return number(value, lang) if value is not None else text

    t = task(rest) if rest else None
    name = task_name(t, lang, short=True) if t is not None else rest
    unit = t.unit.get(lang) if t is not None else ""
    if head in ("budget", "cofunding") and rest.isdigit():
        old, new = _values(change)
        if old is not None and new is not None:
            kind = "local_budget_words" if head == "budget" else "cofunding_words"
            return _money_change(kind, [int(rest)], old, new, lang, False)
    if head == "targets":
        return label("change_target", lang, task=name, old=num(old_value, change.old), new=num(new_value, change.new),
                     unit=unit_word(unit, new_value or 0, lang))
    if head == "floors":
        return label("change_floor", lang, task=name, old=num(old_value, change.old), new=num(new_value, change.new),
                     unit=unit_word(unit, new_value or 0, lang))
    if head == "weights":
        return label("change_weight", lang, task=name, old=num(old_value, change.old), new=num(new_value, change.new))
    if head == "tiers":
        return label("change_tier", lang, task=name, old=num(old_value, change.old), new=num(new_value, change.new))
    if head == "support_share":  # the exact percentages the change log carries
        old, new = change.old.rstrip("%"), change.new.rstrip("%")
        return label("change_share", lang, task=name, old=num(old_value, old) + "%", new=num(new_value, new) + "%")
    if head == "carry_over":
        yes_no = {"true": label("yes", lang), "false": label("no", lang)}
        return label("change_carry", lang, old=yes_no.get(change.old, change.old),
                     new=yes_no.get(change.new, change.new))
    if head == "new_tasks" and t is not None:
        return label("change_new_task", lang, task=task_name(t, lang), n=quantity(t.quantity, unit, lang),
                     years=years_text(t.years, lang), state=number(t.cost.state, lang),
                     total=number(t.cost.total, lang))
    if head == "escalation":
        esc = getattr(scenario, "escalation", None)
        if esc is None:
            return label("change_escalation_off", lang)
        scope = (label("all_tasks", lang) if esc.tasks is None else ", ".join(esc.tasks))
        return label("change_escalation", lang, rate=percent(esc.rate, lang, 1 if (100 * esc.rate).denominator != 1
                                                                 else 0), year=esc.base_year, scope=scope)
    if head == "actuals":
        actuals = getattr(scenario, "actuals", None)
        years = getattr(actuals, "years", ()) if actuals is not None else ()
        return label("change_actuals", lang, years=years_text(years, lang))
    if head == "replan_from":
        return label("change_replan", lang, year=change.new)
    if head == "policy":
        return label("change_policy", lang, old=policy(change.old, lang), new=policy(change.new, lang))
    if head == "structure":
        on_off = {"on": label("structure_on", lang), "off": label("structure_off", lang),
                  "true": label("structure_on", lang), "false": label("structure_off", lang)}
        return label("change_structure", lang, old=on_off.get(change.old, change.old),
                     new=on_off.get(change.new, change.new))
    group, _, year = rest.rpartition(".")
    if head == "group_caps" and year.isdigit():
        return _group_cap_text(group, [int(year)], change.old, change.new, lang)
    from kgkc_opt.inputs import key_labels  # a key added after this module: as its labels have it
    from kgkc_opt.inputs.keys import change_key

    key, part = change_key(change)
    if key is not None:
        name = key.name
        return (f"{key_labels.row_label(name, part, lang)}: {key_labels.show(name, change.old, lang)} → "
                f"{key_labels.show(name, change.new, lang)}")
    return f"{change.key}: {change.old} → {change.new}"


# ---------------------------------------------------------------------------------------------
# Labels: one dictionary, both languages. Keys are stable; texts may use str.format fields.

LABELS: dict[str, tuple[str, str]] = {
    "million_vnd": ("triệu đồng", "million VND"),
    "billion_vnd": ("tỷ đồng", "billion VND"),
    "year": ("Năm", "Year"),
    "local": ("Vốn ngân sách", "Local budget"),
    "local_short": ("Vốn NS", "Local budget"),
    "cofunding": ("Vốn đối ứng của cơ sở", "Co-funding by establishments"),
    "cofunding_short": ("Vốn đối ứng", "Co-funding"),
    "local_budget_words": ("Vốn ngân sách", "Local budget"),
    "cofunding_words": ("Vốn đối ứng", "Co-funding"),
    "cap": ("Kế hoạch vốn năm", "Annual cap"),
    "group": ("Nhóm", "Group"),
    "task": ("Nhiệm vụ", "Task"),
    "scenario": ("Phương án", "Scenario"),
    "target": ("Mục tiêu", "Target"),
    "achieved": ("Đạt", "Achieved"),
    "met": ("Đạt mục tiêu", "Target met"),
    "short": ("Chưa đạt mục tiêu", "Short of target"),
    "unchanged": ("không đổi", "unchanged"),
    "as_decided": ("Theo quyết định phê duyệt chương trình", "The program as decided"),
    "as_decided_description": ("Kế hoạch vốn và số lượng nhiệm vụ giữ nguyên như quyết định phê duyệt.",
                               "The decision's annual caps and task quantities, unchanged."),
    "and_more": (" và {n} thay đổi khác", " and {n} more changes"),
    "in_year": ("năm {year}", "in {year}"),
    "in_years": ("các năm {years}", "in {years}"),
    "down": ("giảm", "down"),
    "up": ("tăng", "up"),
    "yes": ("có", "yes"),
    "no": ("không", "no"),
    "all_tasks": ("mọi nhiệm vụ", "all tasks"),
    "no_units": ("không thêm được đơn vị nào", "no whole unit more"),
    "change_target": ("Mục tiêu {task}: {old} → {new} {unit}", "Target of {task}: {old} → {new} {unit}"),
    "change_floor": ("Mức tối thiểu phải thực hiện của {task}: {old} → {new} {unit}",
                     "Floor of {task}: {old} → {new} {unit}"),
    "change_weight": ("Trọng số của {task}: {old} → {new}", "Weight of {task}: {old} → {new}"),
    "change_tier": ("Thứ tự ưu tiên của {task}: {old} → {new}", "Priority tier of {task}: {old} → {new}"),
    "change_share": ("Tỷ lệ hỗ trợ từ ngân sách cho {task}: {old} → {new}",
                     "State support share of {task}: {old} → {new}"),
    "change_carry": ("Chuyển vốn NS chưa sử dụng sang năm sau: {old} → {new}",
                     "Carry unspent local budget over to the next year: {old} → {new}"),
    "change_new_task": ("Bổ sung nhiệm vụ {task}: {n}, các năm {years}, kinh phí {total} triệu đồng "
                        "(vốn NS {state})",
                        "New task {task}: {n}, years {years}, cost {total} million VND (local budget {state})"),
    "change_escalation": ("Trượt giá {rate} mỗi năm từ năm {year} ({scope})",
                          "Cost escalation of {rate} a year from {year} ({scope})"),
    "change_escalation_off": ("Không tính trượt giá", "No cost escalation"),
    "change_actuals": ("Số liệu đã thực hiện các năm {years}", "Actual results of {years}"),
    "change_replan": ("Lập lại kế hoạch từ năm {year}", "Re-planned from {year}"),
    "change_policy": ("Cách cắt giảm khi thiếu vốn: {old} → {new}", "Cut policy: {old} → {new}"),
    "change_structure": ("Lịch thực hiện và liên kết giữa các nhiệm vụ của chương trình: {old} → {new}",
                         "The program's cadences and linked tasks: {old} → {new}"),
    "structure_on": ("áp dụng", "applied"),
    "structure_off": ("không áp dụng", "not applied"),
    "policy_most-targets": ("đạt nhiều mục tiêu nhất", "most targets met"),
    "policy_fair": ("công bằng, ưu tiên nhiệm vụ đạt thấp nhất", "fair, the worst-served task first"),
    "policy_keep-cofunding": ("giữ nhiều vốn đối ứng nhất", "most co-funding kept"),
    "change_group_cap": ("Trần vốn ngân sách chi cho nhóm {group} {when}: {old} → {new}",
                         "Cap on the local budget of group {group} {when}: {old} → {new}"),
    "no_cap": ("không giới hạn", "none"),
    "cofunding_moves": ("vốn đối ứng huy động {v}", "co-funding mobilised {v}"),
    # chart titles
    "title_budget": ("Kinh phí theo năm và nhóm nhiệm vụ so với kế hoạch vốn",
                     "Spending by year and task group against the annual caps"),
    "title_achievement": ("Mức hoàn thành mục tiêu theo nhiệm vụ", "Target achievement per task"),
    "title_sweep": ("Nhiệm vụ bị cắt giảm trước khi vốn ngân sách giảm dần",
                    "Which targets give way first as the local budget shrinks"),
    "title_montecarlo": ("Khả năng đạt mục tiêu khi vốn biến động", "Chance of meeting each target"),
    "title_gains": ("Tăng hoặc giảm 1 tỷ đồng vốn ngân sách: thêm hoặc bớt được gì",
                    "1 billion VND more or less local budget: what it buys or costs"),
    "title_difference": ("Chênh lệch theo nhiệm vụ", "Per-task difference"),
    # axes and notes
    "axis_money": ("Triệu đồng", "Million VND"),
    "axis_share": ("Tỷ lệ hoàn thành mục tiêu (%)", "Share of target achieved (%)"),
    "axis_level": ("Vốn ngân sách (% so với kế hoạch vốn của quyết định)",
                   "Local budget (% of the decision's annual caps)"),
    "axis_level_scenario": ("Vốn ngân sách (% so với kế hoạch vốn của phương án)",
                            "Local budget (% of the scenario's caps)"),
    "axis_probability": ("Khả năng đạt mục tiêu (%)", "Chance of meeting the target (%)"),
    "axis_gains": ("Thay đổi mức hoàn thành bình quân (điểm %)", "Change in the average share of targets (points)"),
    "axis_diff_share": ("Chênh lệch tỷ lệ hoàn thành (điểm %)", "Change in share of target (points)"),
    "axis_diff_money": ("Chênh lệch vốn NS (triệu đồng)", "Change in local budget (million VND)"),
    "note_sweep": ("Ô ghi tỷ lệ hoàn thành (%) của nhiệm vụ ở mỗi mức vốn; ô trống: đạt 100%",
                   "Cells: share of target (%) at each level; blank: 100%"),
    "scenario_level": ("mức của phương án", "this scenario"),
    "objective_line": ("Mức hoàn thành bình quân các mục tiêu", "Average share of targets"),
    "no_difference": ("Hai phương án cho cùng kết quả ở mọi nhiệm vụ",
                      "The two scenarios give the same result for every task"),
    "tasks_unchanged": ("{n} nhiệm vụ khác không đổi", "{n} other tasks unchanged"),
    "tasks_full": ("{n} nhiệm vụ khác đạt 100% ở mọi mức vốn", "{n} other tasks reach 100% at every level"),
    "tasks_certain": ("{n} nhiệm vụ khác đạt mục tiêu ở mọi lần mô phỏng",
                      "{n} other tasks meet their target in every draw"),
    "used_below": ("Số % dưới năm: tỷ lệ vốn đã sử dụng so với kế hoạch vốn năm (ghi khi dưới 90%)",
                   "% under a year: share of that year's cap used (shown where below 90%)"),
    "more_1bn": ("Thêm 1 tỷ đồng", "1 billion more"),
    "less_1bn": ("Bớt 1 tỷ đồng", "1 billion less"),
    "every_year": ("Mỗi năm", "Every year"),
    "vs": ("so với", "vs"),
    "prob_high": ("≥ 90%", "≥ 90%"),
    "prob_mid": ("50–90%", "50–90%"),
    "prob_low": ("< 50%", "< 50%"),
    # the annex table (xlsx)
    "tt": ("TT", "No."),
    "task_name": ("Tên nhiệm vụ", "Task"),
    "unit": ("Đơn vị tính", "Unit"),
    "quantity": ("Số lượng", "Quantity"),
    "estimated_cost": ("Dự kiến kinh phí", "Estimated cost"),
    "total": ("Tổng số", "Total"),
    "state_capital": ("Vốn NS", "State budget"),
    "other_capital": ("Vốn khác", "Other capital"),
    "time": ("Thời gian triển khai", "Implementation time"),
    "lead": ("Cơ quan chủ trì", "Lead agency"),
    "partner": ("Cơ quan phối hợp", "Partner agency"),
    "grand_total": ("TỔNG CỘNG", "GRAND TOTAL"),
    "year_n": ("Năm {y}", "Year {y}"),
    "unit_note": ("Đơn vị tính: triệu đồng", "Amounts in million VND"),
    "annual": ("Hàng năm", "Annual"),
    "decision": ("Theo QĐ", "Decision"),
    "plan": ("Kế hoạch", "Plan"),
    "notes": ("Ghi chú", "Notes"),
}


def label(key: str, lang: str = "vi", **fields: Any) -> str:
    """The label ``key`` in ``lang``, with ``str.format`` fields filled in."""
    vi, en = LABELS[key]
    text = vi if check_lang(lang) == "vi" else en
    return text.format(**fields) if fields else text


def uncertainty_text(uncertainty: Any, lang: str = "vi") -> str:
    """What a Monte Carlo run varies, in words: "Vốn đối ứng mỗi năm biến động đều trong khoảng
    −50% đến 0% so với phương án"."""
    if uncertainty is None:
        return ""
    parts = []
    for what, dist in (("local_budget_words", uncertainty.budget), ("cofunding_words", uncertainty.cofunding)):
        if dist is None:
            continue
        p = {k: percent(v, lang, 0 if round(100 * v, 6).is_integer() else 1, sign=True)
             for k, v in dist.params.items()}
        if dist.kind == "uniform":
            how = label("dist_uniform", lang, low=p["low"], high=p["high"])
        elif dist.kind == "normal":
            sd = percent(dist.params["sd"], lang, 0 if round(100 * dist.params["sd"], 6).is_integer() else 1)
            how = label("dist_normal", lang, mean=p["mean"], sd=sd)
        else:
            how = label("dist_triangular", lang, low=p["low"], mode=p["mode"], high=p["high"])
        each = label("each_year" if uncertainty.per_year else "whole_period", lang)
        parts.append(f"{label(what, lang)} {each} {how}")
    return "; ".join(parts)


LABELS.update({
    "dist_uniform": ("biến động đều trong khoảng {low} đến {high} so với phương án",
                     "varies uniformly between {low} and {high} of the scenario's figure"),
    "dist_normal": ("biến động theo phân phối chuẩn (bình quân {mean}, độ lệch chuẩn {sd}) so với phương án",
                    "varies normally (mean {mean}, standard deviation {sd}) around the scenario's figure"),
    "dist_triangular": ("biến động trong khoảng {low} đến {high}, thường gặp nhất {mode}, so với phương án",
                        "varies between {low} and {high}, most often {mode}, of the scenario's figure"),
    "each_year": ("mỗi năm", "each year"),
    "whole_period": ("cả giai đoạn (cùng một mức)", "over the whole period (one level)"),
    "samples": ("{n} lần mô phỏng", "{n} draws"),
})

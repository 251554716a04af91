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

LANGS = ("vi", "en")
MINUS = "\u2212"  # the typographic minus: DejaVu Sans has it, and it does not break lines


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; choose 'vi' or 'en'")
    return lang


def _separators(lang: str) -> tuple[str, str]:
    return (".", ",") if check_lang(lang) == "vi" else (",", ".")


def number(
    value: float | int | Fraction, lang: str = "vi", decimals: int | None = None, *,
    sign: bool = False, strip: bool = True,
) -> str:
    """A number with the language's separators: number(4717.88, "vi") -> "4.717,88".

    ``decimals=None`` shows up to 2 decimals and drops trailing zeros (4658 -> "4.658",
    3726.4 -> "3.726,4"); an int ``decimals`` rounds to that many (``strip=False`` keeps zeros).
    ``sign=True`` writes "+" before positive numbers. Negative numbers use the minus sign "−".
    """
    thousands, point = _separators(lang)
    x = float(value)
    if math.isnan(x):
        return "–"
    places = 2 if decimals is None else decimals
    text = f"{abs(x):,.{places}f}"
    if places and (decimals is None or strip):
        text = text.rstrip("0").rstrip(".")
    if not text.strip("0.,"):
        text = text or "0"
        negative = False
    else:
        negative = x < 0
    text = text.replace(",", "\x00").replace(".", point).replace("\x00", thousands)
    if negative:
        return MINUS + text
    return ("+" + text) if sign and x > 0 else text


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


def percent(share: float, lang: str = "vi", decimals: int = 0, *, sign: bool = False) -> str:
    """A share 0..1 as a percentage: percent(0.4286, "vi", 1) -> "42,9%"."""
    return number(100 * float(share), lang, decimals, sign=sign) + "%"


def quantity(value: float | int, unit: str, lang: str = "vi", *, sign: bool = False) -> str:
    """A count with its unit: "16 cơ sở", "16 establishments" (English units are pluralised)."""
    return f"{number(value, lang, 0, sign=sign)} {unit_word(unit, value, lang)}".strip()


def unit_word(unit: str, count: float | int, lang: str = "vi") -> str:
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


def wrap(text: str, width: int = 40, lines: int = 2) -> str:
    """Wrap a long label at word boundaries to at most ``lines`` lines, with "…" if cut."""
    out = textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False)
    if len(out) <= lines:
        return "\n".join(out)
    kept = out[:lines]
    last = kept[-1]
    if len(last) > width - 1:
        last = last[: width - 1].rsplit(" ", 1)[0]
    kept[-1] = last.rstrip(",;:") + "…"
    return "\n".join(kept)


def task_label(task: Any, lang: str = "vi", width: int = 40, lines: int = 2) -> str:
    """A chart label for a program task: "II.2  Hỗ trợ cơ sở CNNT chuyển giao và…" (wrapped)."""
    name = task.name.get(lang) if hasattr(task.name, "get") else str(task.name)
    return wrap(f"{task.id}  {name}", width, lines)


# ---------------------------------------------------------------------------------------------
# Labels: one dictionary, both languages. Keys are stable; texts may use str.format fields.

LABELS: dict[str, tuple[str, str]] = {
    "million_vnd": ("triệu đồng", "million VND"),
    "billion_vnd": ("tỷ đồng", "billion VND"),
    "year": ("Năm", "Year"),
    "local": ("Vốn ngân sách (NS)", "Local budget (state)"),
    "local_short": ("Vốn NS", "Local budget"),
    "cofunding": ("Vốn khác (doanh nghiệp đối ứng)", "Co-funding (enterprises)"),
    "cofunding_short": ("Vốn khác", "Co-funding"),
    "cap": ("Trần kế hoạch vốn", "Annual cap"),
    "group": ("Nhóm", "Group"),
    "task": ("Nhiệm vụ", "Task"),
    "baseline": ("Kịch bản gốc", "Baseline"),
    "scenario": ("Kịch bản", "Scenario"),
    "target": ("Mục tiêu", "Target"),
    "achieved": ("Đạt", "Achieved"),
    "share_of_target": ("Tỷ lệ hoàn thành mục tiêu", "Share of target achieved"),
    "met": ("Đạt mục tiêu", "Target met"),
    "short": ("Chưa đạt mục tiêu", "Short of target"),
    "unchanged": ("không đổi", "unchanged"),
    # chart titles
    "title_budget": ("Kinh phí theo năm và nhóm nhiệm vụ so với trần kế hoạch vốn",
                     "Budget by year and task group against the annual caps"),
    "title_achievement": ("Mức hoàn thành mục tiêu theo nhiệm vụ", "Target achievement per task"),
    "title_sweep": ("Thứ tự cắt giảm nhiệm vụ khi giảm vốn ngân sách",
                    "Cut order: which targets give way as the budget shrinks"),
    "title_montecarlo": ("Xác suất đạt mục tiêu theo nhiệm vụ",
                         "Probability of meeting each target"),
    "title_shadow": ("Giá trị biên của vốn theo năm", "Shadow price of the budget by year"),
    "title_difference": ("Chênh lệch theo nhiệm vụ", "Per-task difference"),
    # axes and notes
    "axis_money": ("Triệu đồng", "Million VND"),
    "axis_share": ("Tỷ lệ hoàn thành mục tiêu (%)", "Share of target achieved (%)"),
    "axis_level": ("Vốn ngân sách (% so với trần của kịch bản)", "Local budget (% of the scenario's caps)"),
    "axis_probability": ("Xác suất đạt mục tiêu (%)", "Probability of meeting the target (%)"),
    "axis_shadow": ("Mục tiêu tăng thêm trên 1 tỷ đồng", "Targets gained per 1 billion VND"),
    "axis_diff_share": ("Chênh lệch tỷ lệ hoàn thành (điểm %)", "Change in share of target (points)"),
    "axis_diff_money": ("Chênh lệch vốn NS (triệu đồng)", "Change in local budget (million VND)"),
    "note_shadow": ("1,0 = thêm trọn một mục tiêu nhiệm vụ; giá trị biên, đúng cho khoản tăng nhỏ",
                    "1.0 = one more whole task target; a marginal value, exact for small amounts"),
    "note_sweep": ("Ô: tỷ lệ hoàn thành (%) của nhiệm vụ ở mỗi mức vốn; trống = đạt 100%",
                   "Cells: share of target (%) at each budget level; blank = 100%"),
    "objective_line": ("Mức hoàn thành bình quân", "Average share of targets"),
    "no_difference": ("Hai kịch bản cho cùng kết quả ở mọi nhiệm vụ",
                      "The two scenarios give the same result for every task"),
    "tasks_unchanged": ("{n} nhiệm vụ khác không đổi", "{n} other tasks unchanged"),
    "tasks_full": ("{n} nhiệm vụ khác đạt 100% ở mọi mức vốn",
                   "{n} other tasks reach 100% at every level"),
    "tasks_certain": ("{n} nhiệm vụ khác đạt mục tiêu ở mọi lần mô phỏng",
                      "{n} other tasks meet their target in every run"),
    "binding": ("hết vốn", "cap binding"),
    "slack": ("còn dư {v}", "{v} left"),
    "vs": ("so với", "vs"),
    "prob_high": ("≥ 90%", "≥ 90%"),
    "prob_mid": ("50–90%", "50–90%"),
    "prob_low": ("< 50%", "< 50%"),
    # the annex table (xlsx)
    "tt": ("TT", "No."),
    "task_name": ("Tên nhiệm vụ", "Task"),
    "unit": ("Đơn vị", "Unit"),
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
}


def label(key: str, lang: str = "vi", **fields: Any) -> str:
    """The label ``key`` in ``lang``, with ``str.format`` fields filled in."""
    vi, en = LABELS[key]
    text = vi if check_lang(lang) == "vi" else en
    return text.format(**fields) if fields else text

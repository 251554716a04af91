"""The annual plan's tables (``analysis.annual``) as its files, workbook and brief show them.

One place for what the three share: the rows of each table with money exact (``Fraction``, million
VND, written as exact decimals: 1234.5, never 1234.4999999), the words of each status and column
in Vietnamese (default) or English, the legal basis of a trim (the support rule's citation in the
program), the sentence that says what the least extra budget is, and the bytes of an Office file
made reproducible (the same input gives the same .xlsx and .docx, byte for byte).

The CSV columns are the contract of the result folder (docs/annual-plan.md, "Outputs"): canonical
names, status codes (funded, trimmed, not_funded), reasons in the language asked.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from kgkc_opt.analysis.annual_frames import (
    COMMUNE_COLUMNS,
    SELECTION_COLUMNS,
    TASK_COLUMNS,
    commune_rows,
    selection_rows,
    task_rows,
)
from kgkc_opt.analysis.annual_study import NOT_FUNDED, AnnualResult, AnnualStudy, Change, whatif_rows
from kgkc_opt.inputs.program import Program, Text
from kgkc_opt.money import decimal_text
from kgkc_opt.report import fmt
from kgkc_opt.report.files import csv_text
from kgkc_opt.report.law_words import instrument
from kgkc_opt.words import say

SELECTION = "selection.csv"
BY_TASK = "by_task.csv"
BY_COMMUNE = "by_commune.csv"
CHANGES = "changes.csv"
CHANGE_COLUMNS = ("proposal_id", "before", "after", "support", "reason")
WHATIF = "national_whatif.csv"
WHATIF_COLUMNS = ("case", "national", "funded_national", "fallback", "fallback_money", "lost", "displaced",
                  "local_spent")

STATUS: dict[str, Text] = {
    "funded": Text("được hỗ trợ", "funded"),
    "trimmed": Text("được hỗ trợ, điều chỉnh giảm", "funded, trimmed"),
    "not_funded": Text("không được hỗ trợ", "not funded"),
    "new": Text("chưa có trong lần chọn trước", "not in the earlier selection"),
    "removed": Text("không còn trong danh sách", "no longer in the file"),
}

#: Column headings of the workbook and the brief (the CSV files keep the canonical names).
HEADINGS: dict[str, Text] = {
    "tt": Text("TT", "No."),
    "proposal_id": Text("Mã đề án", "Proposal"),
    "title": Text("Tên đề án", "Title"),
    "applicant": Text("Đơn vị thực hiện", "Applicant"),
    "commune": Text("Xã, phường", "Commune"),
    "region": Text("Khu vực", "Region"),
    "task_id": Text("Nhiệm vụ", "Task"),
    "task_name": Text("Tên nhiệm vụ", "Task name"),
    "status": Text("Kết quả", "Outcome"),
    "units": Text("Số lượng", "Units"),
    "requested": Text("Kinh phí đề nghị", "Support requested"),
    "cap": Text("Mức hỗ trợ tối đa", "Legal cap"),
    "support": Text("Kinh phí hỗ trợ", "Support"),
    "trim": Text("Điều chỉnh giảm", "Trim"),
    "cofunding": Text("Vốn đối ứng", "Co-funding"),
    "score": Text("Điểm", "Score"),
    "reason": Text("Lý do không được hỗ trợ", "Why not funded"),
    "least_extra": Text("Kinh phí bổ sung ít nhất", "Least extra budget"),
    "funded_at_extra": Text("Chọn lại với kinh phí đó", "Chosen again with it"),
    "planned_units": Text("Kế hoạch năm", "Planned for the year"),
    "remaining_units": Text("Còn lại đến hết chương trình", "Left to the end of the program"),
    "proposals": Text("Số đề án", "Proposals"),
    "funded": Text("Được hỗ trợ", "Funded"),
    "funded_units": Text("Số lượng được hỗ trợ", "Units funded"),
    "beyond_plan_units": Text("Trong đó ngoài kế hoạch năm", "Of which beyond the year's plan"),
    "beyond_year_plan": Text("Ngoài kế hoạch năm", "Beyond the year's plan"),
    "reserve_step": Text("Danh sách dự phòng (bước)", "Reserve list (step)"),
    "reserve_units": Text("Trong danh sách dự phòng", "On the reserve list"),
    "before": Text("Lần chọn trước", "Before"),
    "after": Text("Lần chọn này", "Now"),
    "basis": Text("Căn cứ", "Legal basis"),
}

#: What the least extra budget is, said precisely (the workbook, the brief and the summary say it).
LEAST_EXTRA = Text(
    "Kinh phí bổ sung ít nhất: số vốn ngân sách địa phương tăng thêm ít nhất để đề án được hỗ trợ mà không "
    "làm giảm tiến độ thực hiện kế hoạch năm, số đề án của lần chọn trước được giữ lại (khi chọn lại giữa năm) hay "
    "thứ tự điểm của danh mục đã chọn (theo thứ tự điểm: giữ mọi đề án điểm cao hơn đã được chọn và cùng số đề án "
    "cùng điểm; theo tổng điểm: tổng điểm ưu tiên) (làm tròn lên đến đồng); "
    "đã kiểm tra bằng cách tính lại: với số kinh phí đó có một danh mục như vậy, ít hơn 1 đồng thì không có. "
    "Dấu “–”: không số kinh phí nào hỗ trợ được đề án theo cách đó (xem lý do).",
    "Least extra budget: the least extra local budget with which the proposal can be funded without giving up "
    "any of the selection's progress toward the year's plan, the proposals it keeps from the earlier selection "
    "(mid-year) or its priority (merit order: every funded proposal with a higher score stays funded, as many of "
    "its own score; sum of scores: the total score) (in whole đồng, rounded up); "
    "verified by solving again: with that amount such a selection exists, with one đồng less none does. "
    "“–”: no amount of local budget funds it that way (see the reason).")
#: What ``funded_at_extra`` says (marked * in the brief).
CHOSEN_AGAIN = Text(
    "Dấu *: nếu tính lại danh mục với kinh phí tăng thêm đó, đề án được chọn; các đề án khác có thể được hỗ trợ "
    "với số kinh phí đó nhưng khi tính lại, danh mục ưu tiên đề án khác.",
    "*: the selection made again with that much more budget funds the proposal; the others can be funded with "
    "that amount, but the selection made again prefers other proposals.")

#: Why a proposal is funded now and was not before (mid-year re-selection).
CHOSEN_NOW = Text("Được chọn khi tính lại danh mục.", "Chosen when the selection was made again.")


#: What a funded proposal beyond the year's plan is (the brief, the workbook and the summary say it).
BEYOND_PLAN = Text(
    "Ngoài kế hoạch năm: sau khi bố trí đủ kế hoạch năm của các nhiệm vụ (theo thứ tự điểm), kinh phí còn lại hỗ "
    "trợ thêm các đề án theo thứ tự điểm, trong số lượng còn lại của chương trình; các đề án này thực hiện trước "
    "phần kế hoạch của các năm sau.",
    "Beyond the year's plan: after every task's plan for the year is served (in order of score), the money left "
    "funds further proposals in order of score, within the units the program has left; they deliver part of a "
    "later year's plan early.")


def reserve_note(lang: str) -> str:
    """What the reserve list is (the brief, the workbook and the summary say it)."""
    return say(
        "Reserve list: the year's plan of every task is what is funded; the further proposals the money left "
        "would fund (in order of score, within the units the program has left) are listed step by step, each with "
        "its cost and the money left after it. They are not funded: the council may add them by decision, in "
        "that order (each step keeps the budget, the co-funding and the spread rules).", lang)


def status_text(code: str, lang: str) -> str:
    text = STATUS.get(code)
    return text.get(lang) if text is not None else code


def heading(key: str, lang: str) -> str:
    return HEADINGS[key].get(lang)


def exact(value: Fraction | int | None) -> str:
    """A figure as its exact decimal: 2469/2 -> '1234.5', 3 -> '3', None -> ''. A fraction with no
    finite decimal (never money, which is whole đồng) is written as itself, '1/3', exact too."""
    if value is None:
        return ""
    x = Fraction(value)
    return decimal_text(x) or str(x)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Fraction):
        return exact(value)
    return str(value)


def change_rows(changes: Sequence[Change], lang: str = "vi") -> list[dict[str, Any]]:
    """The changes since the earlier selection (``AnnualStudy.changes``), money exact, reasons in ``lang``."""
    rows = []
    for c in changes:
        if c.decision is None:  # no longer in the file
            reason = STATUS["removed"].get(lang)
        elif c.decision.status == NOT_FUNDED:
            reason = c.decision.reason_text(lang)
        else:
            reason = CHOSEN_NOW.get(lang)
        rows.append({"proposal_id": c.proposal_id, "before": c.before, "after": c.after, "support": c.support,
                     "reason": reason})
    return rows


def _csv(columns: tuple[str, ...], rows: list[dict[str, Any]]) -> str:
    return csv_text(columns, ({c: _cell(row[c]) for c in columns} for row in rows))


def csv_files(study: AnnualStudy, lang: str = "vi") -> dict[str, str]:
    """selection.csv, by_task.csv, by_commune.csv, with an earlier selection changes.csv, and
    with the national what-if national_whatif.csv."""
    result, whatif = study.result, study.whatif
    files = {SELECTION: _csv(SELECTION_COLUMNS, selection_rows(result, lang)),
             BY_TASK: _csv(TASK_COLUMNS, task_rows(result)),
             BY_COMMUNE: _csv(COMMUNE_COLUMNS, commune_rows(result))}
    if result.previous is not None:
        files[CHANGES] = _csv(CHANGE_COLUMNS, change_rows(study.changes, lang))
    if whatif:
        files[WHATIF] = _csv(WHATIF_COLUMNS, whatif_rows(whatif, lang))
    return files


# ---------------------------------------------------------------------------------------------
# words: money, tasks, the legal basis of a trim


def money(value: Fraction | int, lang: str) -> str:
    """Million VND to the đồng, in the language's separators, without trailing zeros: 3.295,3."""
    return fmt.number(value, lang, 6)


def task_label(program: Program, task_id: str, lang: str) -> str:
    """'II.2 Máy móc thiết bị tiên tiến' (the short name where the program gives one)."""
    try:
        return fmt.task_name(program.task(task_id), lang, short=True)
    except KeyError:
        return task_id


def legal_basis(program: Program, task_id: str, lang: str, year: int | None = None) -> str:
    """The support rule of a task in words, with its legal document: 'Thông tư 28/2018/TT-BTC:
    Ứng dụng máy móc thiết bị tiên tiến, hỗ trợ tối đa 50% tổng kinh phí, không quá 300 triệu
    đồng/cơ sở'. In English the program's citation is given as it is written."""
    try:
        task = program.task(task_id)
    except KeyError:
        return ""
    rule = program.support_rules.get(task.support_rule)
    if rule is None:
        return ""
    if year is not None:
        rule = rule.for_year(year)  # the version in force in the plan's year
    share = fmt.percent(rule.max_state_share, lang, 0 if (100 * rule.max_state_share).denominator == 1 else 1)
    unit = fmt.unit_word(task.unit.get(lang), 1, lang)
    if lang == "vi":
        text = f"{rule.name.vi}, hỗ trợ tối đa {share} tổng kinh phí"
        if rule.max_state_per_unit is not None:
            text += f", không quá {fmt.number(rule.max_state_per_unit, lang)} triệu đồng/{unit}"
        document = instrument(rule.citation, lang)  # the instruments, without the file's English notes
        return f"{document}: {text}" if document else text
    text = f"{rule.name.en}, at most {share} of the total cost"
    if rule.max_state_per_unit is not None:
        text += f" and {fmt.number(rule.max_state_per_unit, lang)} million VND per {unit}"
    return f"{rule.citation}: {text}" if rule.citation else text


# ---------------------------------------------------------------------------------------------
# reproducible Office files

_STAMP = (1980, 1, 1, 0, 0, 0)
_CORE_DATES = re.compile(rb"<dcterms:(created|modified)\b[^>]*>[^<]*</dcterms:\1>")


def stable_zip(data: bytes) -> bytes:
    """An .xlsx or .docx without the times of its making (the zip entries' times, and the created
    and modified dates of docProps/core.xml that openpyxl and python-docx set to now): the same
    content gives the same bytes, which ``kgkc-opt reproduce`` compares."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                content = _CORE_DATES.sub(b"", content)
            info = zipfile.ZipInfo(item.filename, date_time=_STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = item.external_attr
            target.writestr(info, content)
    return out.getvalue()


def counts(result: AnnualResult) -> Mapping[str, int]:
    """How many proposals are funded as requested, trimmed, and not funded."""
    out = {"funded": 0, "trimmed": 0, "not_funded": 0, "reserve": 0}
    for d in result.decisions:
        out[d.status] = out.get(d.status, 0) + 1
        out["reserve"] += d.reserve is not None
    return out


# ---------------------------------------------------------------------------------------------
# the budget and the rules in words (the workbook's summary sheet and the brief)


def budget_text(result: AnnualResult, lang: str) -> str:
    """Where the budget for proposals comes from, with its figures."""
    year, budget = result.year, result.budget
    if result.rules.budget is not None:
        return (f"Kinh phí dành cho các đề án năm {year} do người lập kế hoạch ấn định: {money(budget, lang)} triệu "
                "đồng." if lang == "vi" else
                f"The budget for proposals in {year} was set by the planner: {money(budget, lang)} million VND.")
    cap = result.local_budget
    if budget <= 0:
        return (f"Kế hoạch vốn ngân sách năm {year} ({money(cap, lang)} triệu đồng) đã dành hết cho các nhiệm vụ "
                "không có đề án trong danh sách: không còn kinh phí cho các đề án." if lang == "vi" else
                f"The local budget of {year} ({money(cap, lang)} million VND) is all planned for the tasks no "
                "proposal in the file serves: nothing is left for proposals.")
    return (f"Kế hoạch vốn ngân sách năm {year} là {money(cap, lang)} triệu đồng; trừ {money(cap - budget, lang)} "
            "triệu đồng kinh phí kế hoạch năm của các nhiệm vụ không có đề án trong danh sách (các hoạt động Sở Công "
            f"Thương trực tiếp thực hiện), còn {money(budget, lang)} triệu đồng dành cho các đề án." if lang == "vi"
            else f"The local budget of {year} is {money(cap, lang)} million VND; less {money(cap - budget, lang)} "
            "million VND the year's plan spends on the tasks no proposal in the file serves (the Department's own "
            f"activities), {money(budget, lang)} million VND is left for proposals.")


def rules_lines(result: AnnualResult, lang: str) -> list[str]:
    """The rules the selection kept besides the legal caps, the budget and the year's plan."""
    rules, out = result.rules, []
    vi = lang == "vi"
    if rules.rule == "merit":
        out.append("Sau tiến độ kế hoạch năm, chọn theo thứ tự điểm từ cao xuống: một đề án chỉ không được chọn khi "
                   "không phương án nào giữ được các đề án điểm cao hơn mà vẫn hỗ trợ được nó" if vi else
                   "After progress toward the year's plan, proposals are chosen in order of score from the top: one "
                   "is left out only where no selection that keeps the higher-scored ones can fund it")
    else:
        out.append("Sau tiến độ kế hoạch năm, chọn tổng điểm cao nhất" if vi else
                   "After progress toward the year's plan, the highest total score")
    out.append({"reserve": say("Each task's units at most its plan for the year; the further proposals the money left "
                               "would fund, in order of score, are a reserve list the council may add by decision "
                               "(each step shown)", lang),
                "frame": ("Số lượng mỗi nhiệm vụ không vượt kế hoạch năm; kinh phí còn lại hỗ trợ thêm đề án theo thứ "
                          "tự điểm, trong số lượng còn lại của chương trình (ghi rõ từng đề án)" if vi else
                          "Each task's units at most its plan for the year; the money left funds further proposals "
                          "in order of score, within the units the program has left (each one shown)"),
                "strict": ("Số lượng mỗi nhiệm vụ không vượt kế hoạch năm; kinh phí còn lại để dự phòng" if vi else
                           "Each task's units at most its plan for the year; the money left is kept in reserve"),
                "free": ("Số lượng mỗi nhiệm vụ không vượt số còn lại của chương trình (có thể vượt kế hoạch năm)"
                         if vi else "Each task's units at most what the program has left (it may run past the "
                         "year's plan)")}[rules.year_plan])
    if rules.max_per_commune is not None:
        out.append(f"Mỗi xã, phường được hỗ trợ tối đa {rules.max_per_commune} đề án" if vi else
                   f"At most {rules.max_per_commune} proposal{'s' if rules.max_per_commune != 1 else ''} funded per "
                   "commune")
    if rules.min_per_region:
        out.append(f"Mỗi khu vực có ít nhất {rules.min_per_region} đề án được hỗ trợ, nếu có đủ đề án đủ điều kiện"
                   if vi else f"At least {rules.min_per_region} funded per region, where that many can be")
    if result.cofunding is None:
        out.append("Không giới hạn vốn đối ứng của các cơ sở theo kế hoạch năm" if vi else
                   "Co-funding by establishments not capped at the year's plan")
    else:
        out.append(f"Vốn đối ứng của các cơ sở không vượt {money(result.cofunding, lang)} triệu đồng (kế hoạch vốn "
                   "đối ứng năm, trừ phần của các nhiệm vụ không có đề án)" if vi else
                   f"Co-funding by establishments at most {money(result.cofunding, lang)} million VND (the year's "
                   "co-funding plan less that of the tasks no proposal serves)")
    return out

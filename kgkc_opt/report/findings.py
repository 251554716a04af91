"""Audit findings in Vietnamese: ``finding_text(finding, program, "vi")`` and ``source_text(ref, program, "vi")``.

``kgkc_opt.analysis.audit`` writes each finding's message in English from a fixed template per
code. This module reads the figures back out of that message (a pattern per code) and writes the
same finding as an official would, with Vietnamese number format; source references ("Annex, row
II.2", "Section IV.1, annual table") become "Phụ lục, dòng II.2", "Mục IV.1, bảng kinh phí hằng
năm". A message whose template is not known here is returned as written (and the tests read every
finding of the bundled programs, so a changed template is noticed).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from kgkc_opt.errors import Said
from kgkc_opt.report import fmt
from kgkc_opt.report.law_words import instrument

SEVERITY = {"error": ("lỗi", "error"), "warning": ("cảnh báo", "warning"), "info": ("ghi chú", "note")}
COLUMNS = {"Tổng số (total)": "Tổng số", "Vốn NS (state budget)": "Vốn NS", "Vốn khác (other)": "Vốn khác",
           "total": "tổng số", "state": "vốn NS", "other": "vốn khác"}
NUMBER = r"[−\-]?[\d,]+(?:\.\d+)?"


def severity(value: str, lang: str = "vi") -> str:
    vi, en = SEVERITY.get(value, (value, value))
    return vi if lang == "vi" else en


def _n(text: str, lang: str = "vi") -> str:
    """An English-format number from a message, in ``lang``'s format: "24,051" -> "24.051"."""
    clean = text.replace(",", "").replace("−", "-")
    try:
        return fmt.number(Fraction(clean), lang)
    except ValueError:
        return text


def _rows(text: str) -> str:
    """"II.1 2 Mô hình + II.2 28 Cơ sở" with Vietnamese units in lower case."""
    return re.sub(r"(\d+) ([A-ZĐÂĂÊÔƠƯ][^\s+=:]*(?: [a-zà-ỹđ]+)?)", lambda m: f"{m.group(1)} {m.group(2).lower()}",
                  text)


def _target(program: Any, tid: str) -> str:
    for t in getattr(program, "targets", ()):
        if t.id == tid:
            return f"{tid} (“{t.text.vi.rstrip('.')}”)"
    return tid


def _rule(program: Any, rule_id: str) -> Any:
    return getattr(program, "support_rules", {}).get(rule_id)


def _unit_vi(program: Any, tid: str) -> str:
    try:
        return str(program.task(tid).unit.vi).lower()
    except (AttributeError, KeyError):
        return "đơn vị"


def _rule_name(program: Any, rule_id: str) -> str:
    rule = _rule(program, rule_id)
    return str(rule.name.vi) if rule is not None else rule_id


def _versions_vi(program: Any, rule_id: str, spans: str) -> str:
    """A rule's versions in Vietnamese: each instrument (``law_words.instrument``) and when it is in force."""
    rule = _rule(program, rule_id)
    if rule is None:
        return spans.replace(" – …", " trở đi")

    def when(v: Any) -> str:
        start = _date_vi(str(v.valid_from)) if v.valid_from else "…"
        return f"từ {start} đến {_date_vi(str(v.valid_to))}" if v.valid_to else f"từ {start} trở đi"

    return "; ".join(f"{instrument(v.citation, 'vi')} ({when(v)})" for v in rule.history)


def _date_vi(text: str) -> str:
    """2026-01-01 -> 01/01/2026."""
    parts = text.split("-")
    return f"{parts[2]}/{parts[1]}/{parts[0]}" if len(parts) == 3 else text


def _source_vi(program: Any, source_id: str) -> str:
    for s in getattr(program, "funding_sources", ()):
        if s.id == source_id:
            return f"“{s.name.vi}”"
    return source_id


def _sources_vi(program: Any, text: str) -> str:
    """'National funds 42 (12.2%), Local budget 183 (53.0%)' with the sources' Vietnamese names."""
    out = text
    for s in getattr(program, "funding_sources", ()):
        out = out.replace(f"{s.name.en} ", f"{s.name.vi} ")
    out = re.sub(r"\((\d+)\.(\d)%\)", r"(\1,\2%)", out)
    return re.sub(rf"(?<=[^\w(])({NUMBER})(?= \()", lambda m: _n(m[1]), out)


def _kinds_vi(text: str) -> str:
    """'85 communes, 14 wards, 3 special zones' -> '85 xã, 14 phường, 3 đặc khu'."""
    pairs = (("special zones", "đặc khu"), ("communes", "xã"), ("wards", "phường"), ("none listed", "chưa liệt kê"))
    for en, vi in pairs:
        text = text.replace(en, vi)
    return text


Translator = Callable[[re.Match[str], Any], str]

PATTERNS: dict[str, list[tuple[str, Translator]]] = {
    "row-sum": [(rf"^(\S+): total ({NUMBER}) ≠ state ({NUMBER}) \+ other ({NUMBER}) \(= ({NUMBER})\)$",
                 lambda m, p: f"{m[1]}: tổng số {_n(m[2])} ≠ vốn NS {_n(m[3])} + vốn khác {_n(m[4])} "
                              f"(= {_n(m[5])})")],
    "column-vs-stated-total": [(
        rf"^the task table's (.+) column sums to ({NUMBER}), but the program states ({NUMBER}) "
        rf"\(difference ({NUMBER})\)$",
        lambda m, p: f"Cột {COLUMNS.get(m[1], m[1])} của phụ lục nhiệm vụ cộng lại bằng {_n(m[2])}, trong khi "
                     f"chương trình ghi {_n(m[3])} (chênh lệch {_n(m[4])})")],
    "column-vs-annual-table": [(
        rf"^the task table's (.+) column sums to ({NUMBER}), the annual table's years to ({NUMBER}) "
        rf"\(difference ({NUMBER})\)$",
        lambda m, p: f"Cột {COLUMNS.get(m[1], m[1])} của phụ lục nhiệm vụ cộng lại bằng {_n(m[2])}, các năm của "
                     f"bảng kinh phí hằng năm cộng lại bằng {_n(m[3])} (chênh lệch {_n(m[4])})")],
    "annual-row-sum": [(rf"^(\d+): total ({NUMBER}) ≠ local ({NUMBER}) \+ other ({NUMBER})$",
                        lambda m, p: f"Năm {m[1]}: tổng số {_n(m[2])} ≠ vốn NS {_n(m[3])} + vốn khác {_n(m[4])}")],
    "annual-column-sum": [(rf"^the annual table's years sum to ({NUMBER}) in column (\w+), its total row says "
                           rf"({NUMBER})$",
                           lambda m, p: f"Các năm của bảng kinh phí hằng năm cộng lại bằng {_n(m[1])} ở cột "
                                        f"{COLUMNS.get(m[2], m[2])}, dòng tổng ghi {_n(m[3])}")],
    "stated-totals-disagree": [(rf"^the annual table's total \((\w+)\) is ({NUMBER}), the text states ({NUMBER})$",
                                lambda m, p: f"Dòng tổng ({COLUMNS.get(m[1], m[1])}) của bảng kinh phí hằng năm là "
                                             f"{_n(m[2])}, văn bản ghi {_n(m[3])}")],
    "table-exceeds-annual-budget": [(
        rf"^the tasks that must run in (the whole period|years [\d, ]+) need ({NUMBER}) million VND of "
        rf"(local budget|co-funding|source \S+), the annual table provides ({NUMBER}): the table cannot be carried "
        rf"out in full \(short by ({NUMBER})\)$",
        lambda m, p: (f"Các nhiệm vụ phải thực hiện trong "
                      f"{'cả giai đoạn' if m[1] == 'the whole period' else 'các năm ' + m[1][6:]} cần "
                      f"{_n(m[2])} triệu đồng "
                      f"{_column_vi(p, m[3])}, bảng kinh "
                      f"phí hằng năm chỉ bố trí {_n(m[4])}: không thể thực hiện đủ toàn bộ phụ lục "
                      f"(thiếu {_n(m[5])})"))],
    "target-unit-mismatch": [(
        r"^target (\S+) \((\d+), '.*'\) does not count the same thing as (.+): the figures cannot be compared$",
        lambda m, p: f"Mục tiêu {_target(p, m[1])} không đếm cùng đơn vị với {_rows(m[3])}: không so sánh được")],
    "target-vs-table": [
        (r"^target (\S+) says (\d+–\d+|\d+), the table plans (.+) = (\d+–\d+|\d+)$",
         lambda m, p: f"Mục tiêu {_target(p, m[1])} là {m[2]}, phụ lục bố trí {_rows(m[3])} = {m[4]}"),
        (r"^target (\S+) says (\d+), the table plans (.+) = (\d+)$",
         lambda m, p: f"Mục tiêu {_target(p, m[1])} là {m[2]}, phụ lục bố trí {_rows(m[3])} = {m[4]}"),
        (r"^target (\S+) says about (\d+), the table plans (.+) = (\d+) \(([+\-−]?\d+)%\)$",
         lambda m, p: f"Mục tiêu {_target(p, m[1])} là khoảng {m[2]}, phụ lục chỉ bố trí {_rows(m[3])} = {m[4]} "
                      f"({m[5].replace('-', fmt.MINUS)}%)"),
        (r"^target (\S+) says more than (\d+), the table plans only (.+) = (\d+)$",
         lambda m, p: f"Mục tiêu {_target(p, m[1])} là trên {m[2]}, phụ lục chỉ bố trí {_rows(m[3])} = {m[4]}"),
        (r"^target (\S+) says at least (\d+), the table plans (.+) = (\d+)$",
         lambda m, p: f"Mục tiêu {_target(p, m[1])} là ít nhất {m[2]}, phụ lục bố trí {_rows(m[3])} = {m[4]}"),
    ],
    "target-far-exceeded": [(
        r"^target (\S+) says (more than|at least) (\d+); the table funds (.+) = (\d+), ([\d.]+)× as many$",
        lambda m, p: f"Mục tiêu {_target(p, m[1])} là {'trên' if m[2] == 'more than' else 'ít nhất'} {m[3]}; phụ lục "
                     f"bố trí {_rows(m[4])} = {m[5]}, gấp {_n(m[6])} lần")],
    "task-without-target": [(r"^(\d+) task rows have no specific target in the text: (.+)$",
                             lambda m, p: f"{m[1]} nhiệm vụ không có mục tiêu cụ thể trong văn bản: {m[2]}")],
    "annual-cadence-impossible": [(
        r"^(\S+) is to run every year \(‘(.+)’\) but has only (\d+) (.+) for (\d+) years: at least (\d+) "
        r"year\(s\) get none$",
        lambda m, p: f"{m[1]} được giao thực hiện hằng năm (“{m[2]}”) nhưng chỉ có {m[3]} {m[4].lower()} cho {m[5]} "
                     f"năm: ít nhất {m[6]} năm không có")],
    "annual-cadence-uneven": [(
        r"^(\S+): (\d+) (.+) every year over (\d+) years cannot be even: (\d+) year\(s\) get (\d+), the others (\d+)$",
        lambda m, p: f"{m[1]}: {m[2]} {m[3].lower()} thực hiện hằng năm trong {m[4]} năm không chia đều được: "
                     f"{m[5]} năm có {m[6]}, các năm còn lại {m[7]}")],
    "years-uneven": [(
        r"^(\S+): (\d+) (.+) in (\d+) allowed year\(s\) \((.+)\): at least one year holds (\d+)$",
        lambda m, p: f"{m[1]}: {m[2]} {m[3].lower()} trong {m[4]} năm được phép ({m[5]}): ít nhất một năm có {m[6]}")],
    "zero-cost": [(r"^(\S+) costs nothing$", lambda m, p: f"{m[1]} không có kinh phí")],
    "unit-cost-not-round": [
        (rf"^(\S+): ({NUMBER}) / (\d+) (.+) = ({NUMBER}) per unit is not a whole number of thousand VND$",
         lambda m, p: f"{m[1]}: {_n(m[2])} / {m[3]} {m[4].lower()} = {_n(m[5])} triệu đồng mỗi đơn vị, không tròn "
                      "đến nghìn đồng"),
        (rf"^(\S+): ({NUMBER}) / (\d+) (.+) = ({NUMBER}) million VND per unit, an unusual figure for a cost norm$",
         lambda m, p: f"{m[1]}: {_n(m[2])} / {m[3]} {m[4].lower()} = {_n(m[5])} triệu đồng mỗi đơn vị, một mức chi "
                      "lẻ so với định mức thường gặp"),
    ],
    "legal-share-exceeded": [
        (r"^(\S+): the state pays (\d+)% of the cost, above the (\d+)% allowed for (.+)$",
         lambda m, p: f"{m[1]}: ngân sách hỗ trợ {m[2]}% chi phí, vượt mức tối đa {m[3]}% theo quy định"),
        (r"^(\S+) is fully state-paid, but (.+) allows at most (\d+)%$",
         lambda m, p: f"{m[1]} do ngân sách chi toàn bộ, trong khi quy định chỉ cho phép hỗ trợ tối đa {m[3]}%"),
    ],
    "legal-cap-exceeded": [(
        rf"^(\S+): ({NUMBER}) million VND of state support per (.+), above the cap of ({NUMBER})$",
        lambda m, p: f"{m[1]}: ngân sách hỗ trợ {_n(m[2])} triệu đồng mỗi {_unit_vi(p, m[1])}, vượt mức tối đa "
                     f"{_n(m[4])} triệu đồng")],
    "legal-cap-reached": [(
        rf"^(\S+): state support of ({NUMBER}) per (.+) is exactly the cap; any cost increase must be borne by the "
        r"enterprise$",
        lambda m, p: f"{m[1]}: mức hỗ trợ {_n(m[2])} triệu đồng mỗi {_unit_vi(p, m[1])} đúng bằng mức tối đa; chi phí "
                     "tăng thêm do cơ sở chi trả")],
    "empty-group": [(r"^group (\S+) has no tasks$", lambda m, p: f"Nhóm {m[1]} không có nhiệm vụ nào")],
    "id-group-mismatch": [(r"^task (\S+) is in group (\S+)$",
                           lambda m, p: f"Mã nhiệm vụ {m[1]} không thuộc nhóm {m[2]} như số thứ tự cho thấy")],
    "relation-violated": [(
        r"^(.+) = (\d+) but (.+) = (\d+), while (<=|>=|==) is expected: .*$",
        lambda m, p: _relation(m, p))],
    "table-schedulable": [(r"^the whole task table can be scheduled year by year to match the annual table exactly$",
                           lambda m, p: "Toàn bộ phụ lục nhiệm vụ có thể phân kỳ theo năm khớp đúng bảng kinh phí "
                                        "hằng năm")],
    "table-not-schedulable": [(
        rf"^no year-by-year schedule of the whole task table matches the annual table; the closest "
        rf"\(kgkc-opt reconstruct\) differs by ({NUMBER}) million VND in all: (.+)$",
        lambda m, p: "Không có cách phân kỳ toàn bộ phụ lục nhiệm vụ theo năm khớp đúng bảng kinh phí hằng năm; "
                     f"cách gần nhất vẫn lệch tổng cộng {_n(m[1])} triệu đồng: " + "; ".join(
                         _schedule_part(x) for x in m[2].split("; ")))],
    "legal-cap-in-force": [(
        rf"^(\S+): ({NUMBER}) million VND of state support per (.+) \((\d+)%\) is above the ({NUMBER}) the rule in "
        rf"force allows in (.+); the plan then pays at most ({NUMBER}) of state support a unit, ({NUMBER}) less "
        r"from the local budget, and the establishment the rest$",
        lambda m, p: f"{m[1]}: ngân sách hỗ trợ {_n(m[2])} triệu đồng mỗi {_unit_vi(p, m[1])} ({m[4]}%), vượt mức "
                     f"{_n(m[5])} triệu đồng theo quy định có hiệu lực trong năm {m[6]}; kế hoạch các năm đó chỉ hỗ "
                     f"trợ tối đa {_n(m[7])} triệu đồng mỗi {_unit_vi(p, m[1])} (ngân sách địa phương giảm "
                     f"{_n(m[8])} triệu đồng), cơ sở đối ứng phần còn lại")],
    "rule-versions": [(
        r"^support rule (\S+) changes during the program: (.+)$",
        lambda m, p: f"Quy định hỗ trợ “{_rule_name(p, m[1])}” thay đổi trong giai đoạn chương trình: "
                     f"{_versions_vi(p, m[1], m[2])}")],
    "rule-not-in-force": [(
        r"^support rule (\S+) has no version in force in (.+); the plan cannot say what the state may pay then$",
        lambda m, p: f"Quy định hỗ trợ “{_rule_name(p, m[1])}” không có văn bản nào có hiệu lực trong năm {m[2]}; "
                     "không xác định được mức hỗ trợ tối đa của Nhà nước")],
    "rule-changes-mid-year": [(
        r"^support rule (\S+) changes on (\S+): in (\d+) both versions are in force, and the plan applies the "
        r"stricter$",
        lambda m, p: f"Quy định hỗ trợ “{_rule_name(p, m[1])}” thay đổi từ ngày {_date_vi(m[2])}: năm {m[3]} có "
                     "hai văn bản cùng có hiệu lực, kế hoạch áp dụng mức thấp hơn")],
    "funding-sources": [(
        rf"^(\d+) funding sources in the task table \(({NUMBER}) in all\): (.+)$",
        lambda m, p: f"Phụ lục nhiệm vụ có {m[1]} nguồn vốn (tổng {_n(m[2])} triệu đồng): {_sources_vi(p, m[3])}")],
    "source-vs-annual-table": [(
        rf"^the task table's column (\S+) \(.+\) sums to ({NUMBER}), the annual table's years to ({NUMBER}) "
        rf"\(difference ({NUMBER})\)$",
        lambda m, p: f"Cột {_source_vi(p, m[1])} của phụ lục nhiệm vụ cộng lại bằng {_n(m[2])}, các năm của bảng "
                     f"kinh phí hằng năm cộng lại bằng {_n(m[3])} (chênh lệch {_n(m[4])})")],
    "source-vs-stated-total": [(
        rf"^the task table's column (\S+) \(.+\) sums to ({NUMBER}), but the program states ({NUMBER})$",
        lambda m, p: f"Cột {_source_vi(p, m[1])} của phụ lục nhiệm vụ cộng lại bằng {_n(m[2])}, trong khi chương "
                     f"trình ghi {_n(m[3])}")],
    "district-level": [
        (r"^(\d+) task rows name the district level, abolished on 1 July 2025: (.+); organise them per region, "
         r"commune, ward or special zone, or for the province \(level, areas\)$",
         lambda m, p: f"{m[1]} nhiệm vụ còn ghi cấp huyện (đã bỏ từ ngày 01/7/2025): {m[2]}; tổ chức lại theo vùng, "
                      "theo xã, phường, đặc khu hoặc cấp tỉnh (ghi rõ cấp tổ chức và địa bàn của nhiệm vụ)"),
        (r"^(\d+) task rows name the district level, abolished on 1 July 2025: (.+); to plan them after 2025, "
         r"carry them over per region, commune, ward or special zone$",
         lambda m, p: f"{m[1]} nhiệm vụ ghi cấp huyện (đã bỏ từ ngày 01/7/2025): {m[2]}; nếu lập kế hoạch sau năm "
                      "2025, chuyển các nhiệm vụ này sang cấp vùng, xã, phường hoặc đặc khu"),
    ],
    "geography": [(
        r"^(\d+) commune-level units \((.+)\); (\d+) regions$",
        lambda m, p: f"{m[1]} đơn vị hành chính cấp xã ({_kinds_vi(m[2])}); {m[3]} vùng")],
}


def _column_vi(program: Any, label: str) -> str:
    """'local budget' -> 'vốn NS'; 'source national' -> the source's Vietnamese name."""
    if label.startswith("source "):
        return _source_vi(program, label.removeprefix("source "))
    return "vốn NS" if label == "local budget" else "vốn đối ứng"


def _schedule_part(text: str) -> str:
    m = re.match(rf"^(\d+) (local budget|co-funding|source \S+) ({NUMBER})$", text.replace("+", ""))
    if not m:
        return text
    sign = "+" if not m[3].startswith(("-", "−")) else ""
    column = {"local budget": "vốn NS", "co-funding": "vốn đối ứng"}.get(m[2], f"nguồn {m[2].removeprefix('source ')}")
    return f"năm {m[1]} {column} {sign}{_n(m[3])}"


def _relation(m: re.Match[str], program: Any) -> str:
    left, right = m[1].split(" + "), m[3].split(" + ")
    for rel in getattr(program, "relations", ()):
        if list(rel.left) == left and list(rel.right) == right:
            op = m[5].replace("<=", "≤").replace(">=", "≥")
            return f"{m[1]} = {m[2]} nhưng {m[3]} = {m[4]}, trong khi cần {op}: {rel.text.vi}"
    return f"{m[1]} = {m[2]} nhưng {m[3]} = {m[4]}, trong khi cần {m[5].replace('<=', '≤').replace('>=', '≥')}"


def finding_text(finding: Any, program: Any = None, lang: str = "vi") -> str:
    """The finding's message in ``lang`` (the audit's own English message for ``"en"``)."""
    if fmt.check_lang(lang) == "en":
        return str(finding.message)
    if finding.code == "source-text":
        for note in getattr(program, "source_notes", ()):
            if note.text == finding.message and getattr(note, "texts", None) is not None:
                return str(note.texts.vi)
        return str(finding.message)
    # the English sentence with the program's names (units) in Vietnamese, which the patterns reword
    message = finding.message.filled(lang) if isinstance(finding.message, Said) else finding.message
    for pattern, build in PATTERNS.get(finding.code, []):
        match = re.match(pattern, message)
        if match:
            return build(match, program)
    return str(finding.message)


SOURCE_PATTERNS: list[tuple[str, Callable[[re.Match[str]], str]]] = [
    (r"^Annex, row (\S+), column (.+)$", lambda m: f"Phụ lục, dòng {m[1]}, cột {m[2]}"),
    (r"^Annex, row (\S+)$", lambda m: f"Phụ lục, dòng {m[1]}"),
    (r"^Annex, group (\S+), single unnumbered row$", lambda m: f"Phụ lục, nhóm {m[1]}, dòng duy nhất"),
    (r"^Annex, group (\S+)$", lambda m: f"Phụ lục, nhóm {m[1]}"),
    (r"^Annex task table, column (.+)$", lambda m: f"Phụ lục nhiệm vụ, cột {COLUMNS.get(m[1], m[1])}"),
    (r"^Annex task table, (\d+) task\(s\)$", lambda m: f"Phụ lục nhiệm vụ, {m[1]} nhiệm vụ"),
    (r"^Annex task table$", lambda m: "Phụ lục nhiệm vụ"),
    (r"^Section IV\.1, annual table, (\d+)$", lambda m: f"Mục IV.1, bảng kinh phí hằng năm, năm {m[1]}"),
    (r"^Section IV\.1, annual table, total row$", lambda m: "Mục IV.1, bảng kinh phí hằng năm, dòng tổng"),
    (r"^Section IV\.1, annual table$", lambda m: "Mục IV.1, bảng kinh phí hằng năm"),
    (r"^Section IV\.1, paragraph 1.*$", lambda m: "Mục IV.1, đoạn 1 (và dòng “Tổng” của bảng kinh phí hằng năm)"),
    (r"^Section ([IVX]+\.\d+(?:\.\w+)?), bullet (\d+).*$", lambda m: f"Mục {m[1]}, ý {m[2]}"),
    (r"^Section ([IVX]+(?:\.\d+)*(?:\.\w+)?)\b.*$", lambda m: f"Mục {m[1]}"),
    (r"^Programme heading.*$", lambda m: "Phần đầu chương trình"),
]


def source_text(ref: str, program: Any = None, lang: str = "vi") -> str:
    """A source reference in ``lang``: "Annex, row II.2" -> "Phụ lục, dòng II.2"."""
    if fmt.check_lang(lang) == "en":
        return ref
    m = re.match(r"^support rule (\S+): (.+) \[(.+)\]$", ref)
    if m:
        rule = _rule(program, m[1])
        name = rule.name.vi if rule is not None else m[1]
        document = instrument(m[2], "vi")  # the instruments, without the program file's English notes
        return f"Quy định hỗ trợ “{name}”: {document}"
    for pattern, build in SOURCE_PATTERNS:
        match = re.match(pattern, ref)
        if match:
            return build(match)
    return ref

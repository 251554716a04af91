"""The annual plan's brief (``annual-plan.docx``): the list of proposals an official can send.

Laid out as the scenario brief's Word annex (``report.brief._Word``: Decree 30/2020/NĐ-CP, A4,
Times New Roman 13 pt), in Vietnamese (default) or English:

- the title with the year and the program, and a lead paragraph: the budget for proposals, what
  is funded and what is left;
- 1. the budget and the rules of the selection (where the budget comes from, co-funding, spread
  rules, how the selection is made and that it is proven optimal);
- 2. the funded proposals, with support and trims, and their total;
- 3. each trim with its legal basis (the support rule's citation in the program);
- 4. the proposals not funded, each with its reasons and the least extra local budget that funds
  it, said precisely (``annual_tables.LEAST_EXTRA``);
- 5. per task: the year's plan beside what is funded;
- 6. with an earlier selection: what changed.

``to_bytes`` gives the same bytes for the same result (``annual_tables.stable_zip``).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from kgkc_opt.analysis.annual import NOT_FUNDED, TRIMMED, AnnualResult
from kgkc_opt.analysis.annual_channels import by_channel
from kgkc_opt.inputs.scenario import Scenario
from kgkc_opt.report import fmt
from kgkc_opt.report.annual_tables import (
    BEYOND_PLAN,
    CHOSEN_AGAIN,
    LEAST_EXTRA,
    budget_text,
    change_rows,
    counts,
    heading,
    legal_basis,
    money,
    rules_lines,
    stable_zip,
    status_text,
    task_label,
    task_rows,
)
from kgkc_opt.report.brief import _Word
from kgkc_opt.report.docx_table import sized_table

TABLE_PT = 10


def _t(vi: str, en: str, lang: str) -> str:
    return vi if lang == "vi" else en


def _table(doc: _Word, header: list[str], rows: list[list[str]], widths_cm: Sequence[float], *,
           numeric: set[int], total: bool = False, who: int | None = None) -> None:
    """A table of the brief's writer, in a smaller type, with its column widths (cm); the last row
    in bold when it is a total; in column ``who``, a second line (the applicant) in italics; each
    row kept on one page (``report.docx_table``: the same XML, fast for thousands of rows)."""
    sized_table(doc, header, rows, widths_cm, numeric=numeric, size_pt=TABLE_PT, total=total, who=who)


def _who(d: Any) -> str:
    p = d.proposal
    return f"{p.title}\n{p.applicant}"


def _place(d: Any) -> str:
    p = d.proposal
    return f"{p.commune}, {p.region}" if p.region else p.commune


def _funded_table(doc: _Word, result: AnnualResult, scenario: Scenario, lang: str,
                  funded: Sequence[Any] | None = None) -> None:
    funded = result.funded if funded is None else tuple(funded)
    if not funded:
        doc.p(_t("Không có đề án nào được hỗ trợ.", "No proposal is funded.", lang))
        return
    rows = [[str(i), d.proposal.id + (" (†)" if d.beyond_plan else ""), _who(d), _place(d), d.proposal.task_id,
             money(d.proposal.requested, lang), money(d.support, lang), money(d.trim, lang) if d.trim else ""]
            for i, d in enumerate(funded, start=1)]
    rows.append(["", _t("Cộng", "Total", lang), "", "", "",
                 money(sum((d.proposal.requested for d in funded), Fraction(0)), lang),
                 money(sum((d.support for d in funded), Fraction(0)), lang),
                 money(sum((d.trim for d in funded), Fraction(0)), lang)])
    header = [heading("tt", lang), heading("proposal_id", lang), _t("Tên đề án, đơn vị thực hiện",
                                                                  "Title, applicant", lang),
              _t("Địa bàn", "Place", lang), heading("task_id", lang), _t("Đề nghị", "Asked", lang),
              _t("Hỗ trợ", "Support", lang), _t("Giảm", "Trim", lang)]
    _table(doc, header, rows, [1.0, 2.5, 4.5, 2.4, 1.5, 1.5, 1.8, 1.3], numeric={5, 6, 7}, total=True, who=2)
    beyond = sorted((d for d in funded if d.beyond_plan), key=lambda d: (-d.proposal.score, d.proposal.id))
    if beyond:
        listed = ", ".join(f"{d.proposal.id} ({d.proposal.task_id}, {fmt.number(d.proposal.score, lang)})"
                           for d in beyond)
        doc.p(_t(f"(†) {len(beyond)} đề án ngoài kế hoạch năm {result.year}, theo thứ tự điểm (nhiệm vụ, điểm): "
                 f"{listed}. ", f"(†) {len(beyond)} proposals beyond the plan for {result.year}, in order of score "
                 f"(task, score): {listed}. ", lang) + BEYOND_PLAN.get(lang), small=True)


def _trims(doc: _Word, result: AnnualResult, scenario: Scenario, lang: str) -> None:
    program = scenario.program
    trimmed = [d for d in result.decisions if d.status == TRIMMED]
    if not trimmed:
        doc.p(_t("Không đề án nào phải điều chỉnh giảm: kinh phí đề nghị của các đề án được hỗ trợ đều trong mức "
                 "hỗ trợ tối đa.", "No funded proposal needs a trim: each requests no more than its legal cap.",
                 lang))
        return
    doc.p(_t("Kinh phí hỗ trợ của các đề án sau được điều chỉnh giảm bằng mức hỗ trợ tối đa theo quy định; phần "
             "giảm do đơn vị thực hiện đối ứng. Các đơn vị đã chấp nhận điều chỉnh.",
             "The support of these proposals is trimmed to the legal cap; the applicant's co-funding covers the "
             "trim. Each applicant accepts the trim.", lang), keep=True)
    rows = [[d.proposal.id, d.proposal.task_id, money(d.proposal.total_cost, lang), money(d.proposal.requested, lang),
             money(d.cap or 0, lang), money(d.trim, lang), legal_basis(program, d.proposal.task_id, lang, result.year)]
            for d in trimmed]
    header = [heading("proposal_id", lang), heading("task_id", lang), _t("Tổng kinh phí", "Total cost", lang),
              _t("Đề nghị", "Asked", lang), _t("Hỗ trợ tối đa", "Cap", lang), _t("Giảm", "Trim", lang),
              heading("basis", lang)]
    _table(doc, header, rows, [2.5, 1.5, 1.5, 1.4, 1.4, 1.3, 6.9], numeric={2, 3, 4, 5})


def _not_funded(doc: _Word, result: AnnualResult, lang: str) -> None:
    refused = [d for d in result.decisions if d.status == NOT_FUNDED]
    if not refused:
        doc.p(_t("Mọi đề án đều được hỗ trợ.", "Every proposal is funded.", lang))
        return
    rows = []
    for i, d in enumerate(refused, start=1):
        extra = "–" if d.least_extra is None else money(d.least_extra, lang) + ("*" if d.funded_at_extra else "")
        rows.append([str(i), d.proposal.id, _who(d), d.proposal.task_id, money(d.proposal.requested, lang),
                     d.reason_text(lang), extra])
    header = [heading("tt", lang), heading("proposal_id", lang), _t("Tên đề án, đơn vị thực hiện",
                                                                  "Title, applicant", lang),
              heading("task_id", lang), _t("Đề nghị", "Asked", lang), _t("Lý do", "Reasons", lang),
              _t("Bổ sung ít nhất", "Least extra", lang)]
    _table(doc, header, rows, [1.0, 2.5, 3.6, 1.5, 1.4, 5.0, 1.5], numeric={4, 6}, who=2)
    doc.p(LEAST_EXTRA.get(lang), small=True)
    if any(d.funded_at_extra for d in refused):
        doc.p(CHOSEN_AGAIN.get(lang), small=True)


def _by_task(doc: _Word, result: AnnualResult, scenario: Scenario, lang: str) -> None:
    rows = [[task_label(scenario.program, r["task_id"], lang), str(r["planned_units"]), str(r["proposals"]),
             str(r["funded"]), str(r["funded_units"]), str(r["beyond_plan_units"] or ""), money(r["support"], lang)]
            for r in task_rows(result) if r["proposals"]]
    header = [heading("task_id", lang), _t(f"Kế hoạch năm {result.year}", f"Plan for {result.year}", lang),
              heading("proposals", lang), _t("Được hỗ trợ", "Funded", lang), heading("funded_units", lang),
              _t("Ngoài kế hoạch năm", "Beyond the plan", lang), heading("support", lang)]
    _table(doc, header, rows, [5.3, 1.7, 1.5, 1.7, 2.0, 1.8, 2.5], numeric={1, 2, 3, 4, 5, 6})


def _changes(doc: _Word, result: AnnualResult, lang: str) -> None:
    rows = [[r["proposal_id"], status_text(r["before"], lang), status_text(r["after"], lang), r["reason"]]
            for r in change_rows(result, lang)]
    if not rows:
        doc.p(_t("Không đề án nào thay đổi kết quả.", "No proposal's outcome changed.", lang))
        return
    header = [heading("proposal_id", lang), heading("before", lang), heading("after", lang),
              _t("Lý do", "Reasons", lang)]
    _table(doc, header, rows, [2.5, 3.0, 3.0, 8.0], numeric=set())


def _lead(result: AnnualResult, lang: str) -> str:
    n = counts(result)
    local, cof = result.spent
    funded = n["funded"] + n["trimmed"]
    total = len(result.decisions)
    trimmed_vi = f" (trong đó {n['trimmed']} đề án điều chỉnh giảm theo mức hỗ trợ tối đa)" if n["trimmed"] else ""
    trimmed_en = f" ({n['trimmed']} of them trimmed to the legal cap)" if n["trimmed"] else ""
    return _t(
        f"Kinh phí khuyến công địa phương năm {result.year} dành cho các đề án là {money(result.budget, lang)} triệu "
        f"đồng. Đề xuất hỗ trợ {funded}/{total} đề án với tổng kinh phí {money(local, lang)} triệu đồng{trimmed_vi}, "
        f"còn lại {money(result.budget - local, lang)} triệu đồng; vốn đối ứng của các cơ sở {money(cof, lang)} triệu "
        f"đồng. {n['not_funded']} đề án không được hỗ trợ; lý do và kinh phí bổ sung ít nhất để hỗ trợ từng đề án nêu "
        "tại mục 4.",
        f"The local budget for industrial-promotion proposals in {result.year} is {money(result.budget, lang)} "
        f"million VND. {funded} of {total} proposals are funded, with {money(local, lang)} million VND{trimmed_en}, "
        f"leaving {money(result.budget - local, lang)} million VND; co-funding by the establishments "
        f"{money(cof, lang)} million VND. {n['not_funded']} proposals are not funded; section 4 gives the reasons "
        "and the least extra budget that funds each.", lang)


def _method(result: AnnualResult, lang: str) -> str:
    """How the selection is made, in the order of its criteria."""
    y = result.year
    if result.rules.rule == "merit":
        vi_rule = ("(2) thứ tự điểm: đề án điểm cao hơn được chọn trước, một đề án chỉ không được chọn khi không "
                   "phương án nào giữ được các đề án điểm cao hơn mà vẫn hỗ trợ được nó")
        en_rule = ("(2) merit order: a higher score is chosen first, and a proposal is left out only where no "
                   "selection that keeps the higher-scored ones can fund it")
    else:
        vi_rule, en_rule = "(2) tổng điểm ưu tiên của các đề án", "(2) the proposals' total priority score"
    frame_vi = {"frame": f"số lượng của mỗi nhiệm vụ không vượt kế hoạch năm {y}; kinh phí còn lại sau khi bố trí "
                         "đủ kế hoạch năm hỗ trợ thêm đề án theo thứ tự điểm, trong số còn lại của chương trình",
                "strict": f"số lượng của mỗi nhiệm vụ không vượt kế hoạch năm {y}",
                "free": "số lượng của mỗi nhiệm vụ không vượt số còn lại của chương trình"}[result.rules.year_plan]
    frame_en = {"frame": f"no task's units exceed its plan for {y}; the money left once the year's plan is served "
                         "funds further proposals in order of score, within what the program has left",
                "strict": f"no task's units exceed its plan for {y}",
                "free": "no task's units exceed what the program has left"}[result.rules.year_plan]
    return _t(
        "Các đề án được chọn bằng quy hoạch nguyên, kết quả tối ưu đã được chứng minh, theo thứ tự ưu tiên: (1) tiến "
        f"độ thực hiện kế hoạch năm {y} của chương trình (tỷ lệ mục tiêu các nhiệm vụ mà các đề án thực hiện); "
        f"{vi_rule}; (3) số cơ sở lần đầu được hỗ trợ; (4) tiết kiệm kinh phí. Kinh phí hỗ trợ mỗi đề án không vượt "
        f"mức hỗ trợ tối đa theo quy định; {frame_vi}; đề án đã rút hoặc hồ sơ chưa đầy đủ không được xét.",
        "The proposals are selected by an integer program, proven optimal, in this order: (1) progress toward the "
        f"program's plan for {y} (the share of each task's target the proposals deliver); {en_rule}; (3) "
        f"first-time applicants; (4) the least money spent. No proposal's support exceeds its legal cap; "
        f"{frame_en}; withdrawn proposals and incomplete dossiers are not considered.", lang)


def _channels(doc: _Word, result: AnnualResult, scenario: Scenario, lang: str, whatif: Sequence[Any] | None) -> None:
    """The funded proposals of each channel apart (as the Ministry's Form 2 lists the national ones),
    and the national what-if."""
    groups = by_channel(result.decisions)
    fallback = [d for d in groups["local"] if d.proposal.channel == "national"]
    doc.p(_t(f"2.1. Chương trình khuyến công quốc gia: kinh phí quốc gia {money(result.national or 0, lang)} triệu "
             f"đồng, bố trí {money(result.spent_national, lang)} triệu đồng cho {len(groups['national'])} đề án.",
             f"2.1. National program: national money {money(result.national or 0, lang)} million VND, "
             f"{money(result.spent_national, lang)} million VND for {len(groups['national'])} proposals.", lang),
          keep=True)
    _funded_table(doc, result, scenario, lang, groups["national"])
    doc.p(_t(f"2.2. Chương trình khuyến công địa phương: {len(groups['local'])} đề án, "
             f"{money(result.spent[0], lang)} triệu đồng"
             + (f", trong đó {len(fallback)} đề án đăng ký chương trình quốc gia chuyển sang kinh phí địa phương "
                f"({', '.join(d.proposal.id for d in fallback)})" if fallback else "") + ".",
             f"2.2. Local program: {len(groups['local'])} proposals, {money(result.spent[0], lang)} million VND"
             + (f", of which {len(fallback)} registered for the national program fall back to local money "
                f"({', '.join(d.proposal.id for d in fallback)})" if fallback else "") + ".", lang), keep=True)
    _funded_table(doc, result, scenario, lang, groups["local"])
    if whatif:
        doc.p(_t("2.3. Nếu kinh phí quốc gia chậm, thiếu hoặc không có (đơn vị: triệu đồng):",
                 "2.3. If the national money is late, partial or absent (million VND):", lang), keep=True)
        rows = [[w.name.get(lang), money(w.national, lang), str(len(w.funded_national)), str(len(w.fallback)),
                 money(w.fallback_money, lang), str(len(w.lost)), ", ".join(w.displaced) or "–"] for w in whatif]
        header = [_t("Trường hợp", "Case", lang), _t("Kinh phí quốc gia", "National money", lang),
                  _t("Đề án quốc gia", "National funded", lang), _t("Chuyển sang địa phương", "Fall back", lang),
                  _t("Kinh phí địa phương cho đề án chuyển", "Local money they take", lang),
                  _t("Không được hỗ trợ", "Not funded", lang), _t("Đề án địa phương mất chỗ", "Local displaced", lang)]
        _table(doc, header, rows, [2.6, 2.0, 1.8, 1.8, 2.4, 1.8, 4.1], numeric={1, 2, 3, 4, 5})


def build(result: AnnualResult, scenario: Scenario, lang: str = "vi", whatif: Sequence[Any] | None = None) -> _Word:
    fmt.check_lang(lang)
    program = scenario.program
    doc = _Word(lang)
    doc.annex(_t("PHỤ LỤC", "ANNEX", lang),
              _t(f"(Kèm theo Tờ trình số ……/TTr-SCT ngày …… tháng …… năm …… của Sở Công Thương về danh mục đề án "
                 f"khuyến công địa phương năm {result.year})",
                 f"(to Proposal No. ……/TTr-SCT of …… by the Department of Industry and Trade on the industrial-"
                 f"promotion proposals of {result.year})", lang))
    doc.h1(_t(f"DANH MỤC ĐỀ ÁN KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM {result.year}",
              f"Industrial-promotion proposals funded in {result.year}", lang))
    doc.meta(f"{program.title.get(lang)} ({program.source_document})")
    doc.p(_lead(result, lang), lead=True)

    doc.h2(_t("1. Kinh phí và nguyên tắc lựa chọn", "1. The budget and how proposals are selected", lang))
    doc.p(budget_text(result, lang))
    doc.bullets(rules_lines(result, lang))
    doc.p(_method(result, lang))
    if result.previous is not None:
        doc.p(_t("Khi chọn lại giữa năm, ngay sau tiến độ là giữ lại nhiều nhất các đề án đã được hỗ trợ ở lần chọn "
                 "trước; đề án đã triển khai luôn được hỗ trợ, đề án đã rút không được xét.",
                 "Mid-year, right after progress, the selection keeps as many of the proposals funded before as it "
                 "can; started proposals stay funded, withdrawn ones are not considered.", lang))

    doc.h2(_t("2. Các đề án được hỗ trợ", "2. The funded proposals", lang))
    if result.national is None:
        doc.p(_t("Đơn vị tính: triệu đồng.", "Million VND.", lang), small=True, keep=True)
        _funded_table(doc, result, scenario, lang)
    else:
        _channels(doc, result, scenario, lang, whatif)
    doc.h2(_t("3. Điều chỉnh giảm theo mức hỗ trợ tối đa và căn cứ", "3. Trims to the legal cap, and their basis",
              lang))
    _trims(doc, result, scenario, lang)
    doc.h2(_t("4. Các đề án không được hỗ trợ", "4. The proposals not funded", lang))
    _not_funded(doc, result, lang)
    doc.h2(_t("5. Tổng hợp theo nhiệm vụ của chương trình", "5. By task of the program", lang))
    _by_task(doc, result, scenario, lang)
    if result.previous is not None:
        doc.h2(_t("6. Thay đổi so với lần chọn trước", "6. Changes from the earlier selection", lang))
        _changes(doc, result, lang)
    doc.p(_t(f"Kết quả tính toán: {fmt.status(result.status, lang)}. Số tiền tính bằng triệu đồng, chính xác đến "
             "đồng.", f"Solve: {fmt.status(result.status, lang)}. Money in million VND, exact to the đồng.", lang),
          small=True)
    return doc


def to_bytes(result: AnnualResult, scenario: Scenario, lang: str = "vi", whatif: Sequence[Any] | None = None) -> bytes:
    """``annual-plan.docx``: the same bytes for the same result."""
    return stable_zip(build(result, scenario, lang, whatif).bytes())

"""The annual plan's brief (``annual-plan.docx``): the list of proposals an official can send.

Laid out as the scenario brief's Word annex (``report.brief._Word``: Decree 30/2020/NĐ-CP, A4,
Times New Roman 13 pt), in Vietnamese (default) or English:

- the title with the year and the program, and a lead paragraph: the budget for proposals, what
  is funded and what is left;
- 1. the budget and the rules of the selection (where the budget comes from, co-funding, spread
  rules, how the selection is made and that it is proven optimal);
- 2. the funded proposals, with support and trims, and their total;
- 3. each trim with its legal basis (the support rule's citation in the program);
- 4. the proposals not funded: with the year's plan as the frame (default), 4.1 the reserve list
  (what the money left would fund beyond the plan, step by step, each with its cost and the money
  left after it), then 4.2 the others, each with its primary reason first (the one that decides)
  and the others also true, and the least extra local budget that funds it, said precisely
  (``annual_tables.LEAST_EXTRA``);
- 5. per task: the year's plan beside what is funded;
- 6. with an earlier selection: what changed.

``to_bytes`` gives the same bytes for the same result (``annual_tables.stable_zip``).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from kgkc_opt.analysis.annual_channels import by_channel
from kgkc_opt.analysis.annual_study import NOT_FUNDED, TRIMMED, AnnualResult, AnnualStudy
from kgkc_opt.analysis.law import unconfirmed_rules
from kgkc_opt.inputs.document_settings import DocumentSettings
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
    reserve_note,
    rules_lines,
    stable_zip,
    status_text,
    task_label,
    task_rows,
)
from kgkc_opt.report.brief import _Word
from kgkc_opt.report.brief_writers import annex_heading, draft_mark
from kgkc_opt.report.docx_table import sized_table
from kgkc_opt.report.law_words import caveat
from kgkc_opt.words import say

TABLE_PT = 10


def _table(doc: _Word, header: list[str], rows: list[list[str]], widths_cm: Sequence[float], *,
           numeric: set[int], total: bool = False, who: int | None = None, caption: str = "") -> None:
    """A table of the brief's writer, in a smaller type, with its column widths (cm); the last row
    in bold when it is a total; in column ``who``, a second line (the applicant) in italics; numbered
    above when it has a caption, each row kept on one page, the header repeated, a total row never alone
    on a page (``report.docx_table``: the same XML as the python-docx calls, fast for thousands of rows)."""
    sized_table(doc, header, rows, widths_cm, numeric=numeric, size_pt=TABLE_PT, total=total, who=who,
                caption=caption)


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
        doc.p(say('No proposal is funded.', lang))
        return
    rows = [[str(i), d.proposal.id + (" (†)" if d.beyond_plan else ""), _who(d), _place(d), d.proposal.task_id,
             money(d.proposal.requested, lang), money(d.support, lang), money(d.trim, lang) if d.trim else ""]
            for i, d in enumerate(funded, start=1)]
    rows.append(["", say('Total', lang), "", "", "",
                 money(sum((d.proposal.requested for d in funded), Fraction(0)), lang),
                 money(sum((d.support for d in funded), Fraction(0)), lang),
                 money(sum((d.trim for d in funded), Fraction(0)), lang)])
    header = [
        heading("tt", lang),
        heading("proposal_id", lang),
        say("Title, applicant", lang),
        say("Place", lang),
        heading("task_id", lang),
        say("Asked", lang),
        say("Support", lang),
        say("Trim", lang),
    ]
    _table(doc, header, rows, [1.0, 2.5, 4.5, 2.4, 1.5, 1.5, 1.8, 1.3], numeric={5, 6, 7}, total=True, who=2,
           caption=say("The funded proposals", lang))
    beyond = sorted((d for d in funded if d.beyond_plan), key=lambda d: (-d.proposal.score, d.proposal.id))
    if beyond:
        listed = ", ".join(f"{d.proposal.id} ({d.proposal.task_id}, {fmt.number(d.proposal.score, lang)})"
                           for d in beyond)
        doc.p(
            say(
                "(†) {len} proposals beyond the plan for {year}, in order of score (task, score): {listed}. ", lang
            ).format(len=len(beyond), year=result.year, listed=listed)
            + BEYOND_PLAN.get(lang),
            small=True,
        )


def _trims(doc: _Word, result: AnnualResult, scenario: Scenario, lang: str) -> None:
    program = scenario.program
    trimmed = [d for d in result.decisions if d.status == TRIMMED]
    if not trimmed:
        doc.p(say('No funded proposal needs a trim: each requests no more than its legal cap.', lang))
        return
    doc.p(
        say(
            "The support of these proposals is trimmed to the legal cap; the applicant's co-funding covers "
            "the trim. Each applicant accepts the trim.",
            lang,
        ),
        keep=True,
    )
    rows = [[d.proposal.id, d.proposal.task_id, money(d.proposal.total_cost, lang), money(d.proposal.requested, lang),
             money(d.cap or 0, lang), money(d.trim, lang), legal_basis(program, d.proposal.task_id, lang, result.year)]
            for d in trimmed]
    header = [
        heading("proposal_id", lang),
        heading("task_id", lang),
        say("Total cost", lang),
        say("Asked", lang),
        say("Cap", lang),
        say("Trim", lang),
        heading("basis", lang),
    ]
    _table(doc, header, rows, [2.5, 1.5, 1.5, 1.4, 1.4, 1.3, 6.9], numeric={2, 3, 4, 5},
           caption=say("Trims to the legal cap", lang))
    line = caveat(unconfirmed_rules(program, {(d.proposal.task_id, result.year): 1 for d in trimmed}), program, lang)
    if line:
        doc.p(line, small=True)


def _reserve(doc: _Word, result: AnnualResult, lang: str) -> None:
    """4.1. The reserve list: what the money left after the year's plan would fund, step by step."""
    doc.p(say("4.1. Reserve list (not funded; the council may add them by decision, in this order):", lang),
          keep=True)
    if not result.reserve:
        doc.p(say("The money left after the year's plan funds no further proposal.", lang))
        return
    decisions = {d.proposal.id: d for d in result.decisions}
    rows = [[str(s.step), s.proposal_id, _who(decisions[s.proposal_id]), s.task_id,
             fmt.number(s.score, lang), money(s.cost, lang), money(s.left, lang)]
            + ([say("National", lang) if s.source == "national" else say("Local", lang)]
               if result.national is not None else [])
            for s in result.reserve]
    header = [say("Step", lang), heading("proposal_id", lang), say("Title, applicant", lang), heading("task_id", lang),
              heading("score", lang), say("Cost", lang), say("Money left after it", lang)]
    widths = [1.2, 2.5, 5.0, 1.5, 1.3, 2.0, 3.0]
    if result.national is not None:
        header.append(say("Money", lang))
        widths = [1.2, 2.5, 4.0, 1.5, 1.3, 1.8, 2.2, 2.0]
    _table(doc, header, rows, widths, numeric={0, 4, 5, 6}, who=2)
    doc.p(reserve_note(lang), small=True)


def _not_funded(doc: _Word, result: AnnualResult, lang: str) -> None:
    if result.rules.year_plan == "reserve":
        _reserve(doc, result, lang)
        doc.p(say("4.2. The other proposals not funded:", lang), keep=True)
    refused = [d for d in result.decisions if d.status == NOT_FUNDED and d.reserve is None]
    if not refused:
        doc.p(say('Every proposal is funded.', lang) if not result.reserve else
              say("No other proposal is left out.", lang))
        return
    rows = []
    for i, d in enumerate(refused, start=1):
        extra = "–" if d.least_extra is None else money(d.least_extra, lang) + ("*" if d.funded_at_extra else "")
        rows.append([str(i), d.proposal.id, _who(d), d.proposal.task_id, money(d.proposal.requested, lang),
                     d.reason_text(lang), extra])
    header = [
        heading("tt", lang),
        heading("proposal_id", lang),
        say("Title, applicant", lang),
        heading("task_id", lang),
        say("Asked", lang),
        say("Reasons", lang),
        say("Least extra", lang),
    ]
    _table(doc, header, rows, [1.0, 2.5, 3.6, 1.5, 1.4, 5.0, 1.5], numeric={4, 6}, who=2,
           caption=say("The proposals not funded", lang))
    doc.p(say("The first reason is the one that decides; those after “Also true:” hold as well.", lang), small=True)
    doc.p(LEAST_EXTRA.get(lang), small=True)
    if any(d.funded_at_extra for d in refused):
        doc.p(CHOSEN_AGAIN.get(lang), small=True)


def _by_task(doc: _Word, result: AnnualResult, scenario: Scenario, lang: str) -> None:
    extra = "reserve_units" if result.rules.year_plan == "reserve" else "beyond_plan_units"
    rows = [[task_label(scenario.program, r["task_id"], lang), str(r["planned_units"]), str(r["proposals"]),
             str(r["funded"]), str(r["funded_units"]), str(r[extra] or ""), money(r["support"], lang)]
            for r in task_rows(result) if r["proposals"]]
    header = [
        heading("task_id", lang),
        say("Plan for {year}", lang).format(year=result.year),
        heading("proposals", lang),
        say("Funded", lang),
        heading("funded_units", lang),
        say("Reserve list", lang) if extra == "reserve_units" else say("Beyond the plan", lang),
        heading("support", lang),
    ]
    _table(doc, header, rows, [5.3, 1.7, 1.5, 1.7, 2.0, 1.8, 2.5], numeric={1, 2, 3, 4, 5, 6},
           caption=say("By task of the program", lang))


def _changes(doc: _Word, study: AnnualStudy, lang: str) -> None:
    rows = [[r["proposal_id"], status_text(r["before"], lang), status_text(r["after"], lang), r["reason"]]
            for r in change_rows(study.changes, lang)]
    if not rows:
        doc.p(say("No proposal's outcome changed.", lang))
        return
    header = [heading("proposal_id", lang), heading("before", lang), heading("after", lang),
              say('Reasons', lang)]
    _table(doc, header, rows, [2.5, 3.0, 3.0, 8.0], numeric=set(),
           caption=say("Changes from the earlier selection", lang))


def _lead(result: AnnualResult, lang: str) -> str:
    n = counts(result)
    local, cof = result.spent
    funded = n["funded"] + n["trimmed"]
    total = len(result.decisions)
    trimmed_vi = f" (trong đó {n['trimmed']} đề án điều chỉnh giảm theo mức hỗ trợ tối đa)" if n["trimmed"] else ""
    trimmed_en = f" ({n['trimmed']} of them trimmed to the legal cap)" if n["trimmed"] else ""
    return say(
        "The local budget for industrial-promotion proposals in {year} is {money} million VND. "
        "{funded} of {total} proposals are funded, with {money2} million VND{trimmed_en}, leaving "
        "{money3} million VND; co-funding by the establishments {money4} million VND. {n} proposals "
        "are not funded; section 4 gives the reasons and the least extra budget that funds each.",
        lang,
    ).format(
        year=result.year,
        money=money(result.budget, lang),
        funded=funded,
        total=total,
        money2=money(local, lang),
        trimmed_en=trimmed_en,
        money3=money(result.budget - local, lang),
        money4=money(cof, lang),
        n=n["not_funded"],
        trimmed_vi=trimmed_vi,
    ) + (say(" {n} of them are on the reserve list (section 4.1): the money left after the year's plan would fund "
             "them, {cost} million VND in all; the council may add them by decision.", lang).format(
        n=n["reserve"], cost=money(sum((s.cost for s in result.reserve if s.source == "local"), Fraction(0)), lang))
        if n["reserve"] else "")


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
    frame_vi = {"reserve": f"số lượng của mỗi nhiệm vụ không vượt kế hoạch năm {y}; các đề án mà kinh phí còn lại "
                           "hỗ trợ được sau khi bố trí đủ kế hoạch năm được lập thành danh sách dự phòng theo thứ tự "
                           "điểm",
                "frame": f"số lượng của mỗi nhiệm vụ không vượt kế hoạch năm {y}; kinh phí còn lại sau khi bố trí "
                         "đủ kế hoạch năm hỗ trợ thêm đề án theo thứ tự điểm, trong số còn lại của chương trình",
                "strict": f"số lượng của mỗi nhiệm vụ không vượt kế hoạch năm {y}",
                "free": "số lượng của mỗi nhiệm vụ không vượt số còn lại của chương trình"}[result.rules.year_plan]
    frame_en = {"reserve": f"no task's units exceed its plan for {y}; the further proposals the money left once the "
                           "year's plan is served would fund are listed, in order of score, as a reserve list",
                "frame": f"no task's units exceed its plan for {y}; the money left once the year's plan is served "
                         "funds further proposals in order of score, within what the program has left",
                "strict": f"no task's units exceed its plan for {y}",
                "free": "no task's units exceed what the program has left"}[result.rules.year_plan]
    return say(
        "The proposals are selected by an integer program, proven optimal, in this order: (1) "
        "progress toward the program's plan for {y} (the share of each task's target the proposals "
        "deliver); {en_rule}; (3) first-time applicants; (4) the least money spent. No proposal's "
        "support exceeds its legal cap; {frame_en}; withdrawn proposals and incomplete dossiers are "
        "not considered.",
        lang,
    ).format(y=y, en_rule=en_rule, frame_en=frame_en, vi_rule=vi_rule, frame_vi=frame_vi)


def _channels(doc: _Word, result: AnnualResult, scenario: Scenario, lang: str, whatif: Sequence[Any] | None) -> None:
    """The funded proposals of each channel apart (as the Ministry's Form 2 lists the national ones),
    and the national what-if."""
    groups = by_channel(result.decisions)
    fallback = [d for d in groups["local"] if d.proposal.channel == "national"]
    doc.p(
        say(
            "2.1. National program: national money {money} million VND, {money2} million VND for {len} proposals.", lang
        ).format(
            money=money(result.national or 0, lang),
            money2=money(result.spent_national, lang),
            len=len(groups["national"]),
        ),
        keep=True,
    )
    _funded_table(doc, result, scenario, lang, groups["national"])
    local = say("2.2. Local program: {n} proposals, {money} million VND", lang).format(
        n=len(groups["local"]), money=money(result.spent[0], lang))
    if fallback:
        local += say(", of which {n} registered for the national program fall back to local money ({ids})",
                     lang).format(n=len(fallback), ids=", ".join(d.proposal.id for d in fallback))
    doc.p(local + ".", keep=True)
    _funded_table(doc, result, scenario, lang, groups["local"])
    if whatif:
        doc.p(say('2.3. If the national money is late, partial or absent (million VND):', lang), keep=True)
        rows = [[w.name.get(lang), money(w.national, lang), str(len(w.funded_national)), str(len(w.fallback)),
                 money(w.fallback_money, lang), str(len(w.lost)), ", ".join(w.displaced) or "–"] for w in whatif]
        header = [
            say("Case", lang),
            say("National money", lang),
            say("National funded", lang),
            say("Fall back", lang),
            say("Local money they take", lang),
            say("Not funded", lang),
            say("Local displaced", lang),
        ]
        _table(doc, header, rows, [2.6, 2.0, 1.8, 1.8, 2.4, 1.8, 4.1], numeric={1, 2, 3, 4, 5},
               caption=say("If the national money is late, partial or absent", lang))


def build(study: AnnualStudy, scenario: Scenario, lang: str = "vi", settings: DocumentSettings | None = None) -> _Word:
    fmt.check_lang(lang)
    result, whatif = study.result, study.whatif
    program = scenario.program
    settings = settings or DocumentSettings()
    doc = _Word(lang, subject=say("Industrial-promotion proposals funded in {year}", lang).format(year=result.year))
    if settings.is_draft(program.illustrative):
        doc.draft(draft_mark(lang))
    doc.annex(*annex_heading(settings, lang, say("on the industrial-promotion proposals of {year}", lang).format(
        year=result.year)))
    doc.h1(say('Industrial-promotion proposals funded in {year}', lang).format(year=result.year))
    doc.meta(f"{program.title.get(lang)} ({program.source_document.get(lang)})")
    doc.p(_lead(result, lang), lead=True)

    doc.h2(say('1. The budget and how proposals are selected', lang))
    doc.p(budget_text(result, lang))
    doc.bullets(rules_lines(result, lang))
    doc.p(_method(result, lang))
    if result.previous is not None:
        doc.p(
            say(
                "Mid-year, right after progress, the selection keeps as many of the proposals funded "
                "before as it can; started proposals stay funded, withdrawn ones are not considered.",
                lang,
            )
        )

    doc.h2(say('2. The funded proposals', lang))
    if result.national is None:
        doc.p(say('Million VND.', lang), small=True, keep=True)
        _funded_table(doc, result, scenario, lang)
    else:
        _channels(doc, result, scenario, lang, whatif)
    doc.h2(say('3. Trims to the legal cap, and their basis', lang))
    _trims(doc, result, scenario, lang)
    doc.h2(say('4. The proposals not funded', lang))
    _not_funded(doc, result, lang)
    doc.h2(say('5. By task of the program', lang))
    _by_task(doc, result, scenario, lang)
    if result.previous is not None:
        doc.h2(say('6. Changes from the earlier selection', lang))
        _changes(doc, study, lang)
    doc.p(
        say("Solve: {status}. Money in million VND, exact to the đồng.", lang).format(
            status=fmt.status(result.status, lang)
        ),
        small=True,
    )
    if settings.signer or settings.signer_title:
        doc.signature(settings.signer_title, settings.signer)
    return doc


def to_bytes(study: AnnualStudy, scenario: Scenario, lang: str = "vi",
             settings: DocumentSettings | None = None) -> bytes:
    """``annual-plan.docx``: the same bytes for the same study (and settings)."""
    return stable_zip(build(study, scenario, lang, settings).bytes())

"""The brief's reasons, in words: why each target falls short (the causes the study proved), the
tasks that do better although money is cut, and the repair notes (the least money, co-funding,
carry-over, a rule or a target to change). Split from ``report.brief``, which lays the document
out; every sentence here words a value of the study (``analysis.study_types``), none solves.
"""

from __future__ import annotations

from typing import Any

from kgkc_opt.analysis.study_types import MONEY_KINDS, Cause, Shortfall
from kgkc_opt.report import fmt
from kgkc_opt.words import say

#: A ``report.brief.Brief`` (typed loosely: that module imports this one).
Brief = Any


def unit_of(brief: Brief, task_id: str, lang: str) -> str:
    return str(brief.scenario.program.task(task_id).unit.get(lang))



def _money_word(c: Cause, brief: Brief, lang: str) -> str:
    if c.kind == "cofunding":
        return say('co-funding by establishments', lang)
    if c.kind == "line":
        return say('money of the line {ids}', lang).format(ids=c.ids[0])
    if c.ids == ("all",):
        return say("money of every kind together", lang)
    return say('local budget', lang)


def _reaches(c: Cause, s: Shortfall, brief: Brief, lang: str) -> str:
    unit = unit_of(brief, s.task_id, lang)
    return say("the plan solved again reaches {number} of {target}", lang).format(
        number=fmt.number(c.achieved, lang), target=fmt.target(s.target, s.target_min, unit, lang)
    )


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
            where = say('in any one of {years}', lang).format(years=years)
        elif c.alone:
            where = say('in {years}', lang).format(years=years)
        else:
            where = say("in {years} together (no single year alone)", lang).format(years=years)
        return say("Money binds: with more {money} {where}, {reaches}.", lang).format(
            money=money, where=where, reaches=reaches
        )
    link = _link(brief, c.ids[0]) if c.kind in ("link", "per_round", "leader_target") and c.ids else None
    if c.kind == "link" and link is not None:
        text = (link.text_vi if lang == "vi" else link.text_en).rstrip(".")
        return say(
            "The cause is the program's rule {id}: {text} ({source}). With this rule alone relaxed, {reaches}.", lang
        ).format(id=link.id, text=text, source=link.source, reaches=reaches)
    if c.kind == "per_round" and link is not None:
        per = fmt.number(link.per_unit, lang)
        lead = program.task(link.leader)
        each = fmt.unit_word(str(lead.unit.get(lang)), 1, lang)
        return say(
            "The limit of {per} per {each} of {leader} (rule {id}): with this limit alone relaxed, {reaches}.", lang
        ).format(per=per, each=each, leader=link.leader, id=link.id, reaches=reaches)
    if c.kind == "leader_target" and link is not None:
        leader = program.task(link.leader)
        name = fmt.task_name(leader, lang, short=True)
        return say("The number of {name} ({quantity} as targeted): with {amount} more, {reaches}.", lang).format(
            name=name,
            quantity=fmt.quantity(leader.quantity, leader.unit.en, lang),
            amount=c.amount,
            reaches=reaches,
            quantity2=fmt.quantity(leader.quantity, leader.unit.vi, lang),
        )
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
    return say('{en}: with it alone relaxed, {reaches}.', lang).format(en=en, reaches=reaches, vi=vi)


def why(s: Shortfall, brief: Brief, lang: str) -> list[str]:
    unit = unit_of(brief, s.task_id, lang)
    unit1 = fmt.unit_word(unit, 1, lang)
    out = [
        say("Achieves {number} of {target} ({share}), short by {quantity}.", lang).format(
            number=fmt.number(s.achieved, lang),
            target=fmt.target(s.target, s.target_min, unit, lang),
            share=fmt.share(s.share, lang),
            quantity=fmt.quantity(s.shortfall, unit, lang),
        )
    ]
    ex = brief.study.explanations.get(s.task_id)
    kinds: set[str] = {c.kind for c in ex.causes} if ex is not None else {"local", "cofunding"}
    if ex is not None:
        out += [cause_text(c, s, brief, lang) for c in ex.structural]
        if ex.money_helps is False:
            left = brief.study.unspent_local
            text = (
                "More money would not help: solved again with unlimited local budget and co-funding in every "
                "year, it still reaches only {number} ({money} of local budget is left unspent)."
                if left > 0
                else "More money would not help: solved again with unlimited local budget and co-funding in "
                "every year, it still reaches only {number}."
            )
            out.append(say(text, lang).format(number=fmt.number(ex.achieved_with_money or 0, lang),
                                              money=fmt.money(left, lang)))
        out += [cause_text(c, s, brief, lang) for c in ex.causes if c.kind in MONEY_KINDS]
        if not ex.causes:
            out.append(say('No single constraint, relaxed alone, reduces this shortfall.', lang))
    out += _money_facts(s, unit1, kinds, lang)
    best = _best_gain(brief, s.task_id, lang)
    if best is not None:
        gained, row = best
        out.append(
            say("{row} would fund {quantity} more of this task (plan solved again).", lang).format(
                row=row["label"], quantity=fmt.quantity(gained, unit, lang)
            )
        )
    return out


def shortfall_reasons(brief: Brief) -> list[tuple[Shortfall, list[str]]]:
    """Each task short of its target with the sentences the brief prints to say why (its proven
    causes, what money is left, what a billion more buys), in the brief's language."""
    return [(s, why(s, brief, brief.lang)) for s in brief.shortfalls]


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
        out.append(
            say(
                "The local budget of {value} ({years_text}) is spent: {text} million VND or less is "
                "left in each, less than one more {unit1} costs ({money} of local budget).",
                lang,
            ).format(
                value="every year the task may run" if all_years else "the years",
                years_text=fmt.years_text(tight_local, lang),
                text=text,
                unit1=unit1,
                money=fmt.money(s.unit_local, lang),
                value2="mọi năm nhiệm vụ được triển khai" if all_years else "các năm",
            )
        )
    if tight_other and "cofunding" in kinds:
        out.append(
            say("Co-funding in {years_text} cannot cover one more {unit1} ({money}).", lang).format(
                years_text=fmt.years_text(tight_other, lang), unit1=unit1, money=fmt.money(s.unit_other, lang)
            )
        )
    if s.rank and s.rank <= 3 and s.shortfall > 1 and "local" in kinds:
        place = (say("the highest", lang) if s.rank == 1
                 else say("the {ordinal} highest", lang).format(ordinal=_ordinal(s.rank) if lang == "en" else s.rank))
        out.append(
            say(
                "Each 1% of this target costs {money} of local budget, {place} of {n_tasks} tasks. "
                "The plan maximises the average share of targets met, so when money is short the "
                "dearest task per percent gives way first.",
                lang,
            ).format(money=fmt.money(s.cost_per_point, lang), place=place, n_tasks=s.n_tasks)
        )
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


def against_budget_lines(brief: Brief) -> list[str]:
    """Tasks that do better after a cut, each with the cut that freed the money (both plans solved)."""
    lang, program = brief.lang, brief.scenario.program
    base = fmt.scenario_title(brief.base, lang) if brief.base is not None else ""
    out = []
    for a in brief.study.against_budget:
        unit = unit_of(brief, a.task_id, lang)
        freed = ", ".join(f"{tid} ({fmt.quantity(n, str(program.task(tid).unit.get(lang)), lang, sign=True)})"
                          for tid, n in a.freed_by)
        out.append(
            say(
                "{task_id}: {quantity} against {number} in “{base}” although money is cut: the cut of "
                "{freed} frees {money} of local budget, part of which the plan spends on {task_id} "
                "(both plans are optimal).",
                lang,
            ).format(
                task_id=a.task_id,
                quantity=fmt.quantity(a.achieved, unit, lang),
                number=fmt.number(a.base_achieved, lang),
                base=base,
                freed=freed,
                money=fmt.money(a.freed_money, lang),
            )
        )
    return out


def _ordinal(n: int) -> str:
    return {2: "2nd", 3: "3rd"}.get(n, f"{n}th")


def money_helps(brief: Brief, task_id: str) -> bool:
    ex = brief.study.explanations.get(task_id)
    return ex is None or ex.money_helps is not False


def local_helps(brief: Brief, task_id: str) -> bool:
    ex = brief.study.explanations.get(task_id)
    return ex is None or any(c.kind == "local" for c in ex.causes)


def _least_notes(brief: Brief, notes: list[str]) -> list[str]:
    """The least money that meets every target: all years together, spread by year, one year alone
    (each labelled as what it is); the first note says the gaps' total is not that figure."""
    lang, least = brief.lang, brief.study.least
    out: list[str] = []
    if least is not None and least.total is not None:
        notes[0] += say(
            " The least money that meets every target (the plan solved again) can differ from their total.", lang
        )
        proven = least.verified
        per_year = "; ".join(f"{y}: {fmt.money(v, lang)}" for y, v in sorted(least.per_year.items()) if v)
        spread = say(" (spread by year: {per_year})", lang).format(per_year=per_year) if per_year else ""
        text = (
            "The least extra local budget that meets every target, all years together: {money}{spread}, "
            "checked by solving again: one đồng less does not suffice."
            if proven
            else "The extra local budget that meets every target, all years together: {money}{spread}."
        )
        out.append(say(text, lang).format(money=fmt.money(least.total, lang), spread=spread))
        alone = [(y, v) for y, v in sorted(least.single_year.items()) if v is not None]
        if alone:
            parts = "; ".join(f"{y}: {fmt.money(v, lang)}" for y, v in alone)
            missing = [y for y, v in sorted(least.single_year.items()) if v is None]
            text = (
                "All of it in one year, the least in that year is: {parts}; {years_text} alone cannot."
                if missing
                else "All of it in one year, the least in that year is: {parts}."
            )
            out.append(say(text, lang).format(parts=parts, years_text=fmt.years_text(missing, lang)))
    return out


def repair_notes(brief: Brief) -> list[str]:
    lang, program, study = brief.lang, brief.scenario.program, brief.study
    notes = [
        say(
            "More money: the table gives the money of each gap at the annex's unit costs (units short × "
            "local budget per unit), smallest first; it must fall in a year the task may run, in whole "
            "units.",
            lang,
        )
    ]
    for check in study.gap_checks.values():
        unit = unit_of(brief, check.task_id, lang)
        notes.append(
            say(
                "Checked: {money} more local budget in {year}, the plan solved again, gives {task_id} {quantity}.", lang
            ).format(
                money=fmt.money(check.amount, lang),
                year=check.year,
                task_id=check.task_id,
                quantity=fmt.quantity(check.achieved, unit, lang),
            )
        )
    notes += _least_notes(brief, notes)
    need_other, cof_slack = study.gap_other, study.unspent_cofunding
    if need_other > 0:
        text = (
            "Co-funding by establishments: {money} needed; the scenario's co-funding caps have {unused} unused."
            if cof_slack >= need_other
            else "Co-funding by establishments: {money} needed; the scenario's co-funding caps have {unused} "
            "unused; more must be raised."
        )
        notes.append(say(text, lang).format(money=fmt.money(need_other, lang), unused=fmt.money(cof_slack, lang)))
    if brief.carry_over is not None:
        if any(d > 0 for _, d in brief.carry_over):
            notes.append(
                say(
                    "Without new money: carrying unspent local budget over to the next year would "
                    "fund {gain_text} (plan solved again).",
                    lang,
                ).format(gain_text=fmt.gain_text(dict(brief.carry_over), program, lang))
            )
        else:
            notes.append(
                say(
                    "Carrying unspent local budget over to the next year would not help (the plan "
                    "solved again with carry-over gains nothing).",
                    lang,
                )
            )
    return notes + _rule_and_target_notes(brief)


def _rule_and_target_notes(brief: Brief) -> list[str]:
    """The repairs without money: a rule to change (proven), or the targets revised."""
    lang, study = brief.lang, brief.study
    notes = []
    for s in brief.shortfalls:
        ex = study.explanations.get(s.task_id)
        for c in ex.structural if ex is not None else ():
            notes.append(
                say("Or change the rule for {task_id} (checked by solving again): ", lang).format(task_id=s.task_id)
                + cause_text(c, s, brief, lang)
            )
            break
    targets = ", ".join(f"{s.task_id}: {fmt.quantity(s.achieved, unit_of(brief, s.task_id, lang), lang)}"
                        for s in brief.shortfalls)
    notes.append(
        say("Or revise the targets in the proposal to what the plan achieves ({targets}).", lang).format(
            targets=targets
        )
    )
    return notes

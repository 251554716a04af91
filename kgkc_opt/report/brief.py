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

A document a clerk sends unchanged: tables and figures numbered in order by the writer, rows kept
whole, the issuing details from ``settings`` (``inputs.document_settings``; blanks where left out),
"DỰ THẢO" and "the draft program" for a program not adopted, one line when the plan uses support
rules whose amounts are unconfirmed (``analysis.law``), and the check code, versions and command in
the document's properties (``provenance``), never in its body (docs/documents.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kgkc_opt.analysis.law import unconfirmed_rules
from kgkc_opt.analysis.study_types import ScenarioStudy, Shortfall
from kgkc_opt.errors import OutputError
from kgkc_opt.inputs import key_labels
from kgkc_opt.inputs.document_settings import DocumentSettings
from kgkc_opt.inputs.keys import change_key
from kgkc_opt.report import fmt
from kgkc_opt.report.brief_reasons import (
    against_budget_lines,
    cause_text,
    local_helps,
    money_helps,
    repair_notes,
    shortfall_reasons,
    unit_of,
    why,
)
from kgkc_opt.report.brief_writers import BODY_PT, FONT, MARGINS_MM, PAGE_MM, annex_heading, draft_mark
from kgkc_opt.report.brief_writers import Doc as _Doc
from kgkc_opt.report.brief_writers import Word as _Word
from kgkc_opt.report.docx_layout import Provenance
from kgkc_opt.report.files import write_file
from kgkc_opt.report.law_words import caveat
from kgkc_opt.words import say

__all__ = ["BODY_PT", "CHART_CM", "FONT", "MARGINS_MM", "PAGE_MM", "Brief", "build", "cause_text",
           "shortfall_reasons"]

EPS = 1e-6
CHART_CM = {"page": 16.0, "column": 8.0}


@dataclass
class Brief:
    """A rendered study: the study, the language and the charts."""

    study: ScenarioStudy
    lang: str
    images: dict[str, tuple[bytes, float]] = field(default_factory=dict)  # key -> (PNG, print width in cm)
    #: the issuing details (issuer, number, annex, date, signer, draft); blanks where left out
    settings: DocumentSettings = field(default_factory=DocumentSettings)
    #: the check code, versions and command, for the document's properties (never its body)
    provenance: Provenance | None = None

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
        return _render(self, _Doc("html", self.lang, self.provenance)).text()

    def markdown(self) -> str:
        return _render(self, _Doc("md", self.lang, self.provenance)).text()

    def docx(self) -> bytes:
        """The brief as a Word document (.docx bytes), an annex to a proposal (Decree 30/2020/NĐ-CP)."""
        title = fmt.scenario_title(self.scenario, self.lang)
        subject = say("Scenario brief: {title}", self.lang).format(title=title, upper=title.upper())
        return _render(self, _Word(self.lang, self.provenance, subject)).bytes()

    def write(self, path: str | Path) -> Path:
        """Write the brief as .html, .md or .docx (by suffix), atomically."""
        suffix = Path(path).suffix.lower()
        if suffix in (".html", ".htm"):
            return write_file(path, self.html())
        if suffix == ".md":
            return write_file(path, self.markdown())
        if suffix == ".docx":
            return write_file(path, self.docx())
        raise OutputError("{path}: the brief is written as .html, .md or .docx", path=path)


def build(study: ScenarioStudy, *, lang: str = "vi", charts: bool = True,
          settings: DocumentSettings | None = None, provenance: Provenance | None = None) -> Brief:
    """The brief of a study (``analysis.study.study``), in ``lang``; ``charts``: draw the charts;
    ``settings``: the issuing details (``inputs.document_settings``), blanks where None;
    ``provenance``: the check code, versions and command, written in the document's properties."""
    fmt.check_lang(lang)
    if provenance is None and study.result.input_hash:
        provenance = Provenance(check_code=study.result.input_hash)
    brief = Brief(study, lang, settings=settings or DocumentSettings(), provenance=provenance)
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
    """The brief as one list of blocks, section by section (the writer ``doc`` numbers the tables
    and figures in the order they come)."""
    _heading(brief, doc)
    _changes(brief, doc)
    if not brief.result.has_plan:
        _no_plan(doc, brief.result, brief.lang)
    else:
        _headline_section(brief, doc)
        _shortfall_section(brief, doc)
        _gain_section(brief, doc)
        if brief.shortfalls:
            doc.h2(say("4. Repair options", brief.lang))
            header, rows, numeric = _repair_table(brief)
            total = len(rows) > 1 and rows[-1][1] == ""
            doc.table(header, rows, numeric, caption=say("The money of each gap", brief.lang), total=total)
            doc.bullets(repair_notes(brief))
        _caveat(brief, doc)
        _how_to_read(doc, brief.result, brief.lang, _draft_program(brief))
    _signature(brief, doc)
    return doc


def _draft_program(brief: Brief) -> bool:
    """Whether the program is not adopted (an illustrative program, a draft): the brief then
    speaks of the draft program where it would speak of the decision."""
    return bool(getattr(brief.scenario.program, "illustrative", False))


def _heading(brief: Brief, doc: Any) -> None:
    """The draft mark, the annex label and the proposal it goes with (document settings), the
    title, the program, and (with a plan) the summary and the choice of policy."""
    lang, scn, settings = brief.lang, brief.scenario, brief.settings
    if settings.is_draft(_draft_program(brief)):
        doc.draft(draft_mark(lang))
    doc.annex(*annex_heading(settings, lang))
    title = fmt.scenario_title(scn, lang)
    doc.h1(say("Scenario brief: {title}", lang).format(title=title, upper=title.upper()))
    compare = ""
    if brief.base is not None:
        compare = say("; compared with “{scenario_title}”", lang).format(
            scenario_title=fmt.scenario_title(brief.base, lang)
        )
    doc.meta(f"{scn.program.title.get(lang)} ({scn.program.source_document.get(lang)}){compare}")
    if brief.result.has_plan:
        doc.p(_summary(brief), lead=True)
        _policies(brief, doc)


def _changes(brief: Brief, doc: Any) -> None:
    lang, scn = brief.lang, brief.scenario
    draft = _draft_program(brief)
    doc.h2(say("1. What the scenario changes", lang))
    text = fmt.description(scn, lang)
    if text:
        doc.p(text)
    rows = _change_rows(scn, lang)
    if rows:
        doc.table(
            [say("Item", lang), say("Draft program" if draft else "Decision", lang), say("Scenario", lang),
             say("Difference", lang)],
            rows,
            numeric={1, 2, 3},
            caption=say("What the scenario changes", lang),
        )
    elif not scn.changes:
        doc.p(say("The scenario keeps every figure of the draft program." if draft
                  else "The scenario keeps every figure of the decision.", lang))
    else:
        doc.bullets(fmt.change_lines(scn, lang))


def _figure(brief: Brief, doc: Any, key: str) -> None:
    captions = {
        "budget": "Spending by year against the caps.",
        "achievement": "Tasks short of target (grey: the comparison).",
        "difference": "Per-task difference from the comparison.",
        "gains": "1 billion VND more or less: what it buys or costs (plan solved again).",
    }
    if key in brief.images:
        png, width = brief.images[key]
        doc.image(png, say(captions[key], brief.lang), width)


def _headline_section(brief: Brief, doc: Any) -> None:
    doc.h2(say("2. Headline numbers", brief.lang))
    header, rows, numeric = _headline(brief)
    doc.table(header, rows, numeric, caption=say("Headline numbers", brief.lang))
    _figure(brief, doc, "budget")


def _shortfall_section(brief: Brief, doc: Any) -> None:
    lang, program = brief.lang, brief.scenario.program
    doc.h2(say("3. Targets that fall short, and why", lang))
    _figure(brief, doc, "achievement")
    if not brief.shortfalls:
        doc.p(say("Every task meets its target.", lang))
    for s in brief.shortfalls:
        doc.h3(f"{s.task_id}. {program.task(s.task_id).name.get(lang)}")
        doc.bullets(why(s, brief, lang))
    against = against_budget_lines(brief)
    if against:
        doc.p(say("Tasks that do better although money is cut:", lang), keep=True)
        doc.bullets(against)
    _figure(brief, doc, "difference")


def _gain_section(brief: Brief, doc: Any) -> None:
    lang = brief.lang
    gain_rows = _gain_rows(brief)
    if gain_rows:
        doc.p(say("1 billion VND more or less local budget (each row solves the plan again):", lang), keep=True)
        doc.table(
            [say("Change", lang), say("Gained (+) or given up (−)", lang), say("Average share of targets", lang)],
            gain_rows,
            numeric={2},
            caption=say("What 1 billion VND more or less buys", lang),
        )
    _figure(brief, doc, "gains")


def _caveat(brief: Brief, doc: Any) -> None:
    """One line when the plan uses support rules whose amounts are not confirmed."""
    program = brief.scenario.program
    line = caveat(unconfirmed_rules(program, brief.result.plan), program, brief.lang)
    if line:
        doc.p(line, small=True)


def _signature(brief: Brief, doc: Any) -> None:
    settings = brief.settings
    if settings.signer or settings.signer_title:
        doc.signature(settings.signer_title, settings.signer)


def _no_plan(doc: Any, r: Any, lang: str) -> None:
    """The scenario has no plan: why, and the verified repairs."""
    doc.h2(say("2. No plan", lang))
    doc.p(say('The scenario has no feasible plan ({status}).', lang).format(status=fmt.status(r.status, lang)))
    explanation = r.explanation
    if explanation is not None and getattr(explanation, "conflicts", None):
        doc.p(say('The hard requirements conflict:', lang), keep=True)
        doc.bullets([_worded(c, lang) for c in explanation.conflicts])
        repairs = list(getattr(explanation, "repairs", ()))
        if repairs:
            doc.h2(say("3. Repair options", lang))
            doc.p(say('Smallest change first:', lang), keep=True)
            doc.bullets([_worded(x, lang) for x in repairs])
    elif explanation is not None and hasattr(explanation, "worded"):
        doc.pre(explanation.worded(lang))
    elif r.message:
        doc.pre(r.message)


def _worded(value: Any, lang: str) -> str:
    """A conflict or repair of an explanation in ``lang`` (its ``str()`` is English)."""
    worded = getattr(value, "worded", None)
    return str(worded(lang)) if worded is not None else str(value)


def _how_to_read(doc: Any, r: Any, lang: str, draft: bool = False) -> None:
    """How the figures were found; the check code of the inputs is in the document's properties
    (``Provenance``), not here."""
    doc.h2(say("How to read this", lang))
    decision_text = (
        "The plan comes from an integer program: each year's local budget is allocated across the "
        "tasks to maximise the sum of the shares of targets met (each at most 100%), within each "
        "year's caps on the local budget and on co-funding by establishments; per-unit costs come from "
        "the decision's annex. The figures for 1 billion VND more or less come from solving the whole "
        "plan again with the cap changed; the cause of each shortfall is found by relaxing one "
        "constraint alone and solving again. Shares are whole percent rounded down (100% means met). "
        "Money in million VND (1 billion = 1,000 million)."
    )
    draft_text = (
        "The plan comes from an integer program: each year's local budget is allocated across the "
        "tasks to maximise the sum of the shares of targets met (each at most 100%), within each "
        "year's caps on the local budget and on co-funding by establishments; per-unit costs come from "
        "the draft program's task table. The figures for 1 billion VND more or less come from solving "
        "the whole plan again with the cap changed; the cause of each shortfall is found by relaxing one "
        "constraint alone and solving again. Shares are whole percent rounded down (100% means met). "
        "Money in million VND (1 billion = 1,000 million)."
    )
    doc.p(say(draft_text if draft else decision_text, lang), small=True)
    doc.p(say("Solve: {status}.", lang).format(status=fmt.status(r.status, lang)), small=True)


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
    doc.h2(say('The choice: how to cut when money is short', lang))
    rows = []
    for o in study.policies:
        name = fmt.policy(o.policy, lang) + (say(' (the plan below)', lang)
                                             if o.policy == chosen else "")
        if not o.has_plan:
            rows.append([name, fmt.status(o.status, lang), "", "", ""])
            continue
        cut = ", ".join(f"{tid} {fmt.quantity(-n, program.task(tid).unit.get(lang), lang, sign=True)}"
                        for tid, n in o.short[:3]) or say('none', lang)
        rows.append([name, f"{o.met}/{o.n_tasks} ({fmt.share(o.average_share, lang)})", cut,
                     fmt.number(o.cofunding_lost, lang), fmt.number(o.local_used, lang)])
    doc.table(
        [
            say("Policy", lang),
            say("Targets met (average)", lang),
            say("Tasks cut most", lang),
            say("Co-funding lost (million VND)", lang),
            say("Local budget used (million VND)", lang),
        ],
        rows,
        numeric={3, 4},
        caption=say("The plan under each policy", lang),
    )
    aim = POLICY_AIM.get(chosen, (chosen, chosen))
    why = {
        "option": say("as the planner chose (--policy)", lang),
        "scenario": say("as the scenario file sets", lang),
        "default": say("the default", lang),
    }[study.policy_reason]
    others = ", ".join(o.policy for o in study.policies if o.policy != chosen)
    doc.p(
        say(
            "The plan below follows “{policy}” ({why}): it {aim}. Each row of the table is the plan solved "
            "again under that policy; to follow another, run again with --policy ({others}).",
            lang,
        ).format(policy=fmt.policy(chosen, lang), why=why, aim=aim[1], others=others, aim2=aim[0])
    )


def _budget_sentences(brief: Brief) -> list[str]:
    """The summary's first sentences: a re-plan's years, and the local budget against the comparison's."""
    lang, study, b = brief.lang, brief.study, brief.base_result
    base_title = fmt.scenario_title(brief.base, lang) if brief.base is not None else ""
    budget = study.budget
    parts = []
    if budget is not None and budget.replan_from is not None:
        done = [y for y in brief.scenario.program.years if y < budget.replan_from]
        yrs = fmt.years_text(budget.years, lang)
        parts.append(
            say("This is a re-plan of {yrs} after the years carried out ({years_text}).", lang).format(
                yrs=yrs, years_text=fmt.years_text(done, lang)
            )
        )
    if budget is not None and b is not None and b.has_plan:
        scope = (
            say("for {years_text}", lang).format(years_text=fmt.years_text(budget.years, lang))
            if budget.replan_from is not None
            else say("for the period", lang)
        )
        if budget.change:
            pct = f" ({fmt.percent(abs(budget.change) / budget.base_cap, lang, 0)})" if budget.base_cap else ""
            sentence = ("The local budget {scope} is down {money}{pct} on “{base_title}” for the same years."
                        if budget.change < 0 else
                        "The local budget {scope} is up {money}{pct} on “{base_title}” for the same years.")
            parts.append(say(sentence, lang).format(scope=scope, money=fmt.money(abs(budget.change), lang), pct=pct,
                                                    base_title=base_title))
        elif budget.replan_from is not None:
            parts.append(
                say("The local budget of these years is unchanged from “{base_title}”.", lang).format(
                    base_title=base_title
                )
            )
    return parts


def _summary(brief: Brief) -> str:
    lang, r, study = brief.lang, brief.result, brief.study
    ach = r.achievement
    n, met = len(ach), int((ach["shortfall"] == 0).sum())
    b = brief.base_result
    budget = study.budget
    parts = _budget_sentences(brief)
    parts.append(
        say(
            "With a local budget of {money}, the plan meets the target of {met} of {n} tasks; "
            "average share of targets {_avg}.",
            lang,
        ).format(money=fmt.money(budget.cap if budget else _cap(r), lang), met=met, n=n, _avg=_avg(r, lang))
    )
    if b is not None and b.has_plan:
        bmet = int((b.achievement["shortfall"] == 0).sum())
        parts.append(say("(Comparison: {bmet} of {n} tasks, {_avg}.)", lang).format(bmet=bmet, n=n, _avg=_avg(b, lang)))
    if brief.shortfalls:
        items = ", ".join(f"{s.task_id} ({fmt.number(s.achieved, lang)}/"
                          f"{fmt.target(s.target, s.target_min, unit_of(brief, s.task_id, lang), lang)})"
                          for s in brief.shortfalls)
        parts.append(say('Short: {items}.', lang).format(items=items))
        least = study.least
        if least is not None and least.total is not None:
            proven = least.verified
            text = (
                "At least {money} more local budget (all years together) would meet every target (checked: "
                "one đồng less does not)."
                if proven
                else "About {money} more local budget (all years together) would meet every target."
            )
            parts.append(say(text, lang).format(money=fmt.money(least.total, lang)))
    return " ".join(parts)


def _cap(r: Any) -> float:
    return float(r.budget.xs("local", level="source")["cap"].sum())


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
            "budget": say("Local budget {key}", lang).format(key=key),
            "cofunding": say("Co-funding {key}", lang).format(key=key),
            "targets": say("Target {who}", lang).format(who=who),
            "weights": say("Weight {who}", lang).format(who=who),
            "floors": say("Floor {who}", lang).format(who=who),
            "tiers": say("Priority tier {who}", lang).format(who=who),
        }
        registered, part = change_key(c)
        name = names.get(area) or (key_labels.row_label(registered.name, part, lang) if registered is not None
                                   else None)
        old, new = c.old_value, c.new_value  # exact numbers, as the change log holds them
        if name is None or old is None or new is None:
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
    labels = [
        say("Local budget, {span} (million VND)", lang).format(span=span)
        if replan
        else say("Local budget, whole period (million VND)", lang),
        say("Local budget allocated (million VND)", lang),
        say("Co-funding used / cap (million VND)", lang),
        *(say("{en} used / cap (million VND)", lang).format(en=o.name.en, vi=o.name.vi) for o in others),
        say("Tasks meeting their target", lang),
        say("Average share of targets", lang),
    ]
    mine = figures(r)
    header = [say('Figure', lang), fmt.scenario_title(brief.scenario, lang)]
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




def _repair_table(brief: Brief) -> tuple[list[str], list[list[str]], set[int]]:
    lang, study = brief.lang, brief.study
    header = [
        say("Task", lang),
        say("Short by", lang),
        say("Local budget of the gap at the annex's unit cost (million VND)", lang),
        say("Co-funding of the gap (million VND)", lang),
        say("Years it may run", lang),
    ]
    rows = []
    program = brief.scenario.program
    for s in sorted(brief.shortfalls, key=lambda s: (s.money_local, s.task_id)):
        name = fmt.task_name(program.task(s.task_id), lang, short=True)
        short = fmt.quantity(s.shortfall, unit_of(brief, s.task_id, lang), lang)
        if not money_helps(brief, s.task_id):
            rows.append([name, short, "–", "–", say('more money would not help (section 3)', lang)])
            continue
        local = fmt.number(s.money_local, lang) if local_helps(brief, s.task_id) else "–"
        rows.append([name, short, local, fmt.number(s.money_other, lang), fmt.years_text(s.years, lang)])
    if sum(1 for s in brief.shortfalls if money_helps(brief, s.task_id)) > 1:
        label = (say('Total at unit costs (not the least money)', lang)
                 if study.least is not None and study.least.total is not None
                 else say("Total at the annex's unit costs", lang))
        rows.append([label, "", fmt.number(study.gap_local, lang), fmt.number(study.gap_other, lang), ""])
    return header, rows, {2, 3}

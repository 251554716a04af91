"""What the planner can do in the app, as plain functions of a ``Session``: the same calls the
notebooks make (``kgkc_opt.load_program``, ``Scenario`` files, ``kgkc_opt.solve``,
``analysis.compare``, ``report.brief``, ``report.workbook``, ``report.record``). No web framework
here: the views call these and show what they return or the one message of ``error_text``.
"""

from __future__ import annotations

import io
import time
import zipfile
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from kgkc_opt.app import uploads
from kgkc_opt.app.state import Session
from kgkc_opt.app.text import WORDS, t
from kgkc_opt.app.uploads import AppError
from kgkc_opt.errors import KgkcError


def choose_program(session: Session, name: str) -> None:
    """Use a bundled program; the edits and results of the previous one are dropped."""
    from kgkc_opt.inputs.files import load_program

    program = load_program(name)
    _use(session, program, name, name)


def upload_program(session: Session, filename: str, raw: bytes) -> None:
    """Use an uploaded program file (YAML, or the program workbook .xlsx)."""
    suffix = uploads.checked_upload(filename, raw, uploads.program_suffixes(), session.lang)
    label = Path(filename).name
    path = uploads.save(session.folder, "program", suffix, raw)
    try:
        program = uploads.read_program(path, label, session.lang)
    except Exception:
        path.unlink(missing_ok=True)
        raise
    _use(session, program, path.with_suffix(".yaml").name if suffix == ".xlsx" else path.name, label)


def _use(session: Session, program: Any, ref: str, label: str) -> None:
    session.program, session.program_ref, session.program_label = program, ref, label
    session.money, session.targets, session.decided = {}, {}, None
    session.proposals_file, session.proposals_count, session.proposals_label = None, 0, ""
    session.clear_results()


def ensure_program(session: Session) -> Any:
    if session.program is None:
        choose_program(session, session.program_ref)
    return session.program


# --- money and targets -----------------------------------------------------------------------


def money_sources(session: Session) -> list[tuple[str, str, dict[int, Fraction]]]:
    """(key, name in the page's language, the decision's amount per year) for every source of money."""
    from kgkc_opt.inputs.scenario import baseline

    program = ensure_program(session)
    base = baseline(program)
    out = [("budget", t("local", session.lang), dict(base.local_budget)),
           ("cofunding", t("cofunding", session.lang), dict(base.cofunding))]
    for source in program.extra_sources:
        out.append((f"funding.{source.id}", source.name.get(session.lang), dict(base.funding.get(source.id, {}))))
    return out


def money_entry(text: str) -> str | int | float | None:
    """A year's entry as a scenario file writes it: "-30%" (kept as text), an amount (a number),
    or None (empty: unchanged). Raises ValueError for anything else."""
    text = text.strip().replace(" ", "")
    if not text:
        return None
    if len(text) > 24 or "e" in text.casefold():  # no exponents: "1e999999999" is no amount of money
        raise ValueError(text)
    if text.endswith("%"):
        number = Decimal(text[:-1].lstrip("+"))  # InvalidOperation is a ValueError
        if not number.is_finite():
            raise ValueError(text)
        return text if text[0] in "+-" else f"+{text}"
    number = Decimal(text)
    if not number.is_finite() or number < 0:
        raise ValueError(text)
    return int(number) if number == number.to_integral_value() else float(text)


def set_money(session: Session, key: str, year: int, text: str) -> None:
    """Record a year's entry for a source; refuses (in the page's language) what is not money."""
    names = {k: name for k, name, _ in money_sources(session)}
    try:
        money_entry(text)
    except (ValueError, InvalidOperation):
        raise AppError(t("err_money", session.lang, year=year, source=names.get(key, key), value=text)) from None
    session.money.setdefault(key, {})[year] = text.strip()
    session.clear_results()


def set_target(session: Session, task_id: str, value: Any) -> None:
    """Record a task's new target (the decision's quantity again removes the change)."""
    program = ensure_program(session)
    try:
        number = int(str(value).strip())
    except ValueError:
        number = -1
    if number < 0:
        raise AppError(t("err_target", session.lang, task=task_id, value=value))
    if number == program.task(task_id).quantity:
        session.targets.pop(task_id, None)
    else:
        session.targets[task_id] = number
    session.clear_results()


def targets_frame(session: Session) -> pd.DataFrame:
    program = ensure_program(session)
    lang = session.lang
    rows = [{"task": task.id, "name": task.short_name.get(lang) if task.short_name else task.name.get(lang),
             "unit": task.unit.get(lang), "target": task.quantity,
             "new_target": session.targets.get(task.id, task.quantity)} for task in program.tasks]
    return pd.DataFrame(rows, columns=["task", "name", "unit", "target", "new_target"])


def scenario_document(session: Session) -> dict[str, Any]:
    """The scenario file the planner's edits make (docs/scenarios.md)."""
    doc: dict[str, Any] = {"name": "app", "program": session.program_ref}
    funding: dict[str, dict[int, Any]] = {}
    for key, years in session.money.items():
        entries = {y: money_entry(v) for y, v in sorted(years.items()) if money_entry(v) is not None}
        if not entries:
            continue
        if key.startswith("funding."):
            funding[key.removeprefix("funding.")] = entries
        else:
            doc[key] = entries
    if funding:
        doc["funding"] = funding
    if session.targets:
        doc["targets"] = dict(session.targets)
    if session.policy != "most-targets":
        doc["policy"] = session.policy
    return doc


def build_scenario(session: Session) -> Any:
    """Write the scenario file into the session's folder and load it as any scenario file is."""
    from kgkc_opt.inputs.files import load_scenario

    ensure_program(session)
    path = session.folder / "scenario.yaml"
    path.write_text(yaml.safe_dump(scenario_document(session), allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    return load_scenario(path)


# --- the plan --------------------------------------------------------------------------------


def solve_plan(session: Session) -> Any:
    """Solve the scenario of the planner's edits (and the decision as written, to compare with)."""
    from kgkc_opt.analysis.plan import solve
    from kgkc_opt.inputs.scenario import baseline

    scenario = build_scenario(session)
    started = time.perf_counter()
    result = solve(scenario)
    session.seconds = time.perf_counter() - started
    session.scenario, session.result = scenario, result
    session.base_result = None
    if scenario.changes and result.has_plan:
        if session.decided is None:
            session.decided = solve(baseline(scenario.program))
        session.base_result = session.decided
    session.comparison = session.annual = session.study = None
    session.figures = {}
    return result


def plan_frame(session: Session) -> pd.DataFrame:
    """Units by task (rows) and year (columns), with the target and what the plan achieves."""
    result, program, lang = session.result, session.scenario.program, session.lang
    if result is None or not result.has_plan:
        return pd.DataFrame()
    units = result.allocation["quantity"].unstack("year").fillna(0).astype(int)
    units.columns = [str(y) for y in units.columns]
    ach = result.achievement
    frame = pd.DataFrame({
        t("task", lang): [str(i) for i in units.index],
        t("name", lang): [_short(program.task(str(i)), lang) for i in units.index],
    })
    for col in units.columns:
        frame[col] = units[col].to_numpy()
    frame[t("total", lang)] = units.sum(axis=1).to_numpy()
    frame[t("target", lang)] = [int(ach.loc[i, "target"]) for i in units.index]
    return frame


def _short(task: Any, lang: str) -> str:
    return str(task.short_name.get(lang) if task.short_name else task.name.get(lang))


def headline(session: Session) -> str:
    from kgkc_opt.report import fmt

    result, lang = session.result, session.lang
    if result is None:
        return t("plan_none", lang)
    if not result.has_plan:
        return t("no_plan", lang, message=result.message)
    ach = result.achievement
    scored = ach[ach["target"] > 0]
    local = result.budget.xs("local", level="source")
    return t("headline", lang, met=int((scored["shortfall"] == 0).sum()), n=len(scored),
             used=fmt.number(float(local["used"].sum()), lang), cap=fmt.number(float(local["cap"].sum()), lang),
             secs=fmt.number(round(session.seconds, 2), lang))


def shortfall_frame(session: Session) -> pd.DataFrame:
    """The tasks short of their target and why: the brief's reasons, from the plan's study (each
    cause proven by solving again with it alone relaxed)."""
    from kgkc_opt.report import brief

    result, lang = session.result, session.lang
    if result is None or not result.has_plan or result.shortfalls.empty:
        return pd.DataFrame()
    from kgkc_opt.report import fmt

    rows = []
    for s, why in brief.shortfall_reasons(brief.build(_study(session), lang=lang, charts=False)):
        name = fmt.task_name(session.scenario.program.task(s.task_id), lang, short=True, with_id=False)
        rows.append({t("task", lang): s.task_id, t("name", lang): name, t("target", lang): s.target,
                     t("achieved", lang): s.achieved, t("short", lang): s.shortfall, t("why", lang): " ".join(why)})
    return pd.DataFrame(rows)


def _study(session: Session) -> Any:
    """The plan's study (``analysis.study``), once per plan: the shortfall reasons, the brief and the
    workbook's gains all come from it. The least money for every target is left out (the slowest
    figure; the command line's ``report`` computes it)."""
    from kgkc_opt.analysis.study import study

    if session.study is None:
        session.study = study(session.scenario, result=session.result, base_result=session.base_result,
                              least_money_=False)
    return session.study


def chart_figures(session: Session) -> list[Any]:
    """The charts of the plan (report.charts): the money by year, the targets met, and the change
    from the decision as written when the plan changes it."""
    from kgkc_opt.report import charts

    result, lang = session.result, session.lang
    if result is None or not result.has_plan:
        return []
    if lang not in session.figures:
        program = session.scenario.program
        figs = [charts.budget(result, program, lang=lang),
                charts.achievement(result, program, base=session.base_result, lang=lang)]
        if session.base_result is not None:
            figs.append(charts.difference(result, session.base_result, program, lang=lang))
        session.figures[lang] = figs
    return session.figures[lang]


def compare_policies(session: Session) -> Any:
    """The scenario under each cut policy, side by side (``analysis.compare.compare_policies``)."""
    from kgkc_opt.analysis.compare import compare_policies as side_by_side

    session.comparison = side_by_side(build_scenario(session))
    return session.comparison


def policies_frame(session: Session) -> pd.DataFrame:
    """One row per policy: the objective, the tasks short (achieved/target), the money used and lost."""
    from kgkc_opt.report import fmt

    comparison, lang = session.comparison, session.lang
    if comparison is None:
        return pd.DataFrame()
    short = comparison.shortfalls()
    rows = []
    for name, row in comparison.summary.iterrows():
        gaps = [f"{tid} {int(v)}/{int(short.loc[tid, 'target'])}" for tid, v in short[name].items()
                if v < short.loc[tid, "target"]] if name in short else []
        rows.append({t("policy", lang): fmt.policy(str(row["policy"]), lang),
                     t("objective", lang): fmt.number(float(row["objective"]), lang, 4),
                     t("tasks_short", lang): int(row["tasks_short"]),
                     t("local_used", lang): fmt.number(float(row["local_used"]), lang),
                     t("cofunding_lost", lang): fmt.number(float(row["cofunding_lost"]), lang),
                     t("short", lang): ", ".join(gaps)})
    return pd.DataFrame(rows)


# --- annual selection ------------------------------------------------------------------------


def upload_proposals(session: Session, filename: str, raw: bytes) -> int:
    """Check a proposals file (CSV or xlsx) against the program and keep it for the selection."""
    from kgkc_opt.inputs.files import load_proposals

    suffix = uploads.checked_upload(filename, raw, uploads.PROPOSAL_SUFFIXES, session.lang)
    program = ensure_program(session)
    path = uploads.save(session.folder, "proposals", suffix, raw)
    session.uploaded[str(path)] = Path(filename).name
    try:
        proposals = load_proposals(path, program)
    except Exception:
        path.unlink(missing_ok=True)
        raise
    session.proposals_file, session.proposals_label = path, Path(filename).name
    session.proposals_count = len(proposals)
    session.annual = None
    return session.proposals_count


def run_annual(session: Session, year: int) -> Any:
    """The annual selection (``kgkc-opt annual``) of the uploaded proposals within the scenario."""
    from kgkc_opt.report.annual import AnnualOptions
    from kgkc_opt.runs import annual_run

    if session.proposals_file is None:
        raise AppError(t("err_no_proposals", session.lang))
    build_scenario(session)
    options = AnnualOptions(proposals=str(session.proposals_file), year=year,
                            scenario=str(session.folder / "scenario.yaml"), lang=session.lang)
    session.annual = annual_run(options)
    return session.annual


def annual_frame(session: Session) -> pd.DataFrame:
    from kgkc_opt.analysis.annual import selection_frame
    from kgkc_opt.report import fmt

    if session.annual is None:
        return pd.DataFrame()
    lang = session.lang
    frame = selection_frame(session.annual.result, lang)
    frame = frame[["proposal_id", "task_id", "commune", "applicant", "status", "units", "requested", "support",
                   "reason"]].copy()
    frame["status"] = [t(f"status_{v}", lang) if f"status_{v}" in WORDS else v for v in frame["status"]]
    for column in ("requested", "support"):
        frame[column] = [fmt.number(float(v), lang) for v in frame[column]]
    return frame.rename(columns={c: t(f"col_{c}", lang) for c in frame.columns})


def annual_headline(session: Session) -> str:
    from kgkc_opt.report import fmt

    if session.annual is None:
        return t("annual_none", session.lang)
    result = session.annual.result
    return t("annual_head", session.lang, funded=len(result.funded), n=len(result.decisions),
             state=fmt.number(float(result.spent[0]), session.lang))


# --- downloads -------------------------------------------------------------------------------


def _need_plan(session: Session) -> None:
    if session.result is None or not session.result.has_plan:
        raise AppError(t("err_no_plan", session.lang))


def brief_docx(session: Session) -> bytes:
    """The Word brief of the plan (``report.brief``; the least money for every target is left out)."""
    from kgkc_opt.report import brief

    _need_plan(session)
    return brief.build(_study(session), lang=session.lang).docx()


def workbook_xlsx(session: Session) -> bytes:
    """The plan as a workbook in the decision's annex layout (``report.workbook``)."""
    from kgkc_opt.report import workbook

    _need_plan(session)
    return bytes(workbook.build(session.result, session.scenario, lang=session.lang,
                                gains=_study(session).gains).to_bytes())


def record_zip(session: Session) -> bytes:
    """The result folder ``kgkc-opt solve --out`` writes (with its record), and the scenario and
    program files it was made from, as a zip."""
    from kgkc_opt.runs import solve_run

    _need_plan(session)
    path = session.folder / "scenario.yaml"
    run = solve_run(str(path), session.scenario)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in sorted(run.files.items()):
            archive.writestr(f"result/{name}", content)
        archive.writestr("scenario.yaml", path.read_bytes())
        for program_file in sorted(session.folder.glob("program.*")):
            archive.writestr(program_file.name, program_file.read_bytes())
    return buffer.getvalue()


# --- messages --------------------------------------------------------------------------------


def error_text(exc: BaseException, session: Session) -> str:
    """The one message the page shows for ``exc``, in the page's language."""
    if isinstance(exc, AppError):
        return str(exc)
    if isinstance(exc, KgkcError):
        detail = str(exc)
        for path, name in session.uploaded.items():
            detail = detail.replace(path, name)
        detail = detail.replace(f"{session.folder}/", "")
        return f"{t('err_input', session.lang)}\n{detail}"
    return t("err_internal", session.lang, kind=type(exc).__name__)

"""The plan as the rows of the annex workbook (``report.workbook``): per task and group, the
quantity and each funding source's money by year and over the period, the decision's figures beside
the plan's, and the notes of the ``Ghi chú`` column (from the scenario's change log)."""

from __future__ import annotations

from typing import Any

from kgkc_opt.errors import NoSolutionError
from kgkc_opt.report import fmt
from kgkc_opt.solver.tables import source_column
from kgkc_opt.words import say


def decided_program(scenario: Any) -> Any:
    """The program as the decision states it (a re-plan's source program, else the program)."""
    return getattr(scenario, "source_program", None) or scenario.program


def extra_sources(result: Any, program: Any) -> tuple[Any, ...]:
    """The program's other state sources (national funds, ...) the plan's allocation has money
    columns for, in the program's order (none for a program with the local budget and co-funding)."""
    columns = set(result.allocation.columns)
    return tuple(s for s in program.extra_sources if source_column(s.id) in columns)


# ---------------------------------------------------------------------------------------------
# the plan as rows (also what the tests compare)


def annex_rows(result: Any, scenario: Any, lang: str = "vi") -> list[dict[str, Any]]:
    """The annex as rows: kind ("group", "task", "total"), labels, totals and per-year figures.

    Quantities and money are the plan's (sums over years of the allocation); money in million
    VND: ``local``, ``other`` (co-funding), ``sources`` (the other state sources by id: national
    funds, ...) and ``total`` (all of them). ``years[y]`` is [quantity, local, other, then each other
    source in the program's order]. Task rows also carry the decision's quantity and local budget
    (``decision_quantity``, ``decision_local``) and the notes of the ``Ghi chú`` column.
    """
    fmt.check_lang(lang)
    if not result.has_plan:
        raise NoSolutionError("scenario {scenario!r} has no plan ({status}): there is no annex table to write",
                              scenario=result.scenario, status=result.status.value)
    program = scenario.program
    extras = extra_sources(result, program)
    years = list(program.years)
    per_task = _per_task_years(result, extras)
    notes = task_notes(result, scenario, lang)
    width = 3 + len(extras)

    def empty_years() -> dict[int, list[float]]:
        return {y: [0] + [0.0] * (width - 1) for y in years}

    rows: list[dict[str, Any]] = []
    grand: dict[str, Any] = {"quantity": None, "years": empty_years()}
    for group in program.groups:
        tasks = [t for t in program.tasks if t.group == group.id]
        if not tasks:
            continue
        group_row: dict[str, Any] = {"kind": "group", "tt": group.id, "name": group.name.get(lang),
                                     "short": group.label(lang, short=True), "quantity": None,
                                     "years": empty_years()}
        rows.append(group_row)
        for task in tasks:
            ys = empty_years()
            for y, figures in per_task.get(task.id, {}).items():
                if y in ys:
                    ys[y] = list(figures)
            rows.append(_task_row(task, ys, scenario, notes, lang, numbered=len(tasks) > 1))
            for target in (group_row, grand):
                for y in years:
                    for i in range(1, width):
                        target["years"][y][i] += ys[y][i]
    rows.append({"kind": "total", "tt": "", "name": fmt.label("grand_total", lang), **grand})
    for row in rows:
        _money_totals(row, extras)
    return rows


def _per_task_years(result: Any, extras: tuple[Any, ...]) -> dict[str, dict[int, tuple[Any, ...]]]:
    """(task id -> year -> [quantity, local, other, *other sources]) from the plan's allocation."""
    columns = ["local_budget", "cofunding", *(source_column(s.id) for s in extras)]
    out: dict[str, dict[int, tuple[Any, ...]]] = {}
    for (tid, year), row in result.allocation.iterrows():
        out.setdefault(str(tid), {})[int(year)] = (int(row["quantity"]), *(float(row[c]) for c in columns))
    return out


def _task_row(task: Any, ys: dict[int, list[float]], scenario: Any, notes: dict[str, str], lang: str, *,
              numbered: bool) -> dict[str, Any]:
    try:
        original = decided_program(scenario).task(task.id)
    except KeyError:
        original = None
    return {
        "kind": "task", "tt": task.id.split(".")[-1] if numbered and "." in task.id else "", "task_id": task.id,
        "name": task.name.get(lang), "short": fmt.task_name(task, lang, short=True), "unit": task.unit.get(lang),
        "quantity": int(sum(v[0] for v in ys.values())), "years": ys,
        "decision_quantity": original.quantity if original is not None else None,
        "decision_local": float(original.cost.local) if original is not None else None,
        "time": task.years_text if lang == "vi" else _years_en(task),
        "lead": task.lead.get(lang), "partner": task.partner.get(lang), "notes": notes.get(task.id, ""),
    }


def _money_totals(row: dict[str, Any], extras: tuple[Any, ...]) -> None:
    """A row's period totals: local, other, each other source, and the total of them all."""
    figures = list(row["years"].values())
    row["local"] = sum(v[1] for v in figures)
    row["other"] = sum(v[2] for v in figures)
    row["sources"] = {s.id: sum(v[3 + k] for v in figures) for k, s in enumerate(extras)}
    row["total"] = row["local"] + row["other"] + sum(row["sources"].values())


def _years_en(task: Any) -> str:
    if task.annual:
        return "Annual"
    return fmt.years_text(task.years, "en")


def task_notes(result: Any, scenario: Any, lang: str = "vi") -> dict[str, str]:
    """The ``Ghi chú`` of each task: what the scenario changes about it, and, for a task short of
    its target, how far short and the scenario's changes of the caps that cause it."""
    program = scenario.program
    out: dict[str, list[str]] = {}
    money_keys = ("budget", "cofunding", "escalation", "group_caps", "carry_over")
    cap_changes = [c for c in scenario.changes if c.key.split(".")[0] in money_keys]
    for change in scenario.changes:
        _, _, rest = change.key.partition(".")
        if rest in program.task_ids:
            out.setdefault(rest, []).append(fmt.change_text(change, scenario, lang))
    causes = ""
    if cap_changes:
        fake = type("S", (), {"changes": tuple(cap_changes), "program": program, "escalation": scenario.escalation,
                              "actuals": scenario.actuals})()
        causes = "; ".join(fmt.change_lines(fake, lang))
    for tid, row in result.achievement.iterrows():
        short = int(row["shortfall"])
        if short <= 0:
            continue
        unit = program.task(str(tid)).unit.get(lang)
        text = say('Short of target by {quantity}', lang).format(quantity=fmt.quantity(short, unit, lang))
        if causes:
            text += say(', because: {causes}', lang).format(causes=causes, lower=causes[0].lower() + causes[1:])
        out.setdefault(str(tid), []).append(text)
    return {tid: "; ".join(parts) for tid, parts in out.items()}

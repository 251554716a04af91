"""The annual selection's tidy tables (``AnnualResult.selection``, ``by_task``, ``by_commune``,
``changes``; pandas imported only when a table is asked for), and their exact rows (``task_rows``,
``commune_rows``) that the result folder's files write."""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

#: ``analysis.annual_study.AnnualResult`` (typed loosely here: that module imports this one)
AnnualResult = Any

NOT_FUNDED = "not_funded"

# The tidy tables (pandas imported only when a table is asked for): named after the selection
# model's dimensions (proposal_id, task_id, commune); money in million VND as floats (the exact
# figures stay in AnnualResult.decisions).

SELECTION_COLUMNS = ("proposal_id", "task_id", "commune", "region", "applicant", "title", "status", "units",
                     "requested", "cap", "support", "trim", "cofunding", "score", "reason_code", "reason",
                     "least_extra", "funded_at_extra", "beyond_year_plan", "reserve_step", "channel", "source")


def selection_rows(result: AnnualResult, lang: str = "vi") -> list[dict[str, Any]]:
    """One row per proposal, in the file's order, built from its decision (money exact): the rows of
    selection.csv (``report.annual_tables``) and of ``selection_frame``."""
    rows = []
    for d in result.decisions:
        p = d.proposal
        rows.append({
            "proposal_id": p.id, "task_id": p.task_id, "commune": p.commune, "region": p.region,
            "applicant": p.applicant, "title": p.title, "status": d.status, "units": p.units,
            "requested": p.requested, "cap": d.cap, "support": d.support, "trim": d.trim, "cofunding": d.cofunding,
            "score": p.score, "reason_code": ";".join(r.code for r in d.reasons), "reason": d.reason_text(lang),
            "least_extra": d.least_extra, "funded_at_extra": d.funded_at_extra, "beyond_year_plan": d.beyond_plan,
            "reserve_step": d.reserve, "channel": p.channel, "source": d.source,
        })
    return rows


def selection_frame(result: AnnualResult, lang: str = "vi") -> pd.DataFrame:
    """``selection_rows`` as a DataFrame, the exact amounts as floats."""
    import pandas as pd

    rows = [{k: float(v) if isinstance(v, Fraction) else v for k, v in row.items()}
            for row in selection_rows(result, lang)]
    return pd.DataFrame(rows, columns=list(SELECTION_COLUMNS))

TASK_COLUMNS = ("task_id", "planned_units", "remaining_units", "proposals", "funded", "funded_units",
                "beyond_plan_units", "reserve_units", "requested", "support", "national_support", "cofunding")
COMMUNE_COLUMNS = ("commune", "region", "proposals", "funded", "support")
_MONEY = ("requested", "support", "national_support", "cofunding")


def task_rows(result: AnnualResult) -> list[dict[str, Any]]:
    """Per task (with proposals, or planned for the year): planned units for the year, units left,
    proposals, units funded, money requested and funded (million VND, exact)."""
    tasks = sorted({d.proposal.task_id for d in result.decisions} | {t for t, n in result.planned.items() if n},
                   key=list(result.planned).index)
    rows = []
    for t in tasks:
        ds = [d for d in result.decisions if d.proposal.task_id == t]
        funded = [d for d in ds if d.status != NOT_FUNDED]
        rows.append({
            "task_id": t, "planned_units": result.planned.get(t, 0), "remaining_units": result.remaining.get(t, 0),
            "proposals": len(ds), "funded": len(funded), "funded_units": sum(d.proposal.units for d in funded),
            "beyond_plan_units": sum(d.proposal.units for d in funded if d.beyond_plan),
            "reserve_units": sum(d.proposal.units for d in ds if d.reserve is not None),
            "requested": sum((d.proposal.requested for d in ds), Fraction(0)),
            "support": sum((d.support for d in funded), Fraction(0)),
            "national_support": sum((d.support for d in funded if d.source == "national"), Fraction(0)),
            "cofunding": sum((d.cofunding for d in funded), Fraction(0)),
        })
    return rows


def commune_rows(result: AnnualResult) -> list[dict[str, Any]]:
    """Per commune (with its region), in region order: proposals, funded, support (exact)."""
    count: dict[tuple[str, str], int] = {}
    funded: dict[tuple[str, str], int] = {}
    support: dict[tuple[str, str], Fraction] = {}
    for d in result.decisions:
        place = (d.proposal.region, d.proposal.commune)
        count[place] = count.get(place, 0) + 1
        if d.status != NOT_FUNDED:
            funded[place] = funded.get(place, 0) + 1
            support[place] = support.get(place, Fraction(0)) + d.support
    return [{"commune": c, "region": r, "proposals": n, "funded": funded.get((r, c), 0),
             "support": support.get((r, c), Fraction(0))} for (r, c), n in sorted(count.items())]


def _frame(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> pd.DataFrame:
    """Exact rows as a DataFrame: money as floats."""
    import pandas as pd

    return pd.DataFrame([{k: float(v) if k in _MONEY else v for k, v in row.items()} for row in rows],
                        columns=list(columns))


def task_frame(result: AnnualResult) -> pd.DataFrame:
    """``task_rows`` as a DataFrame."""
    return _frame(task_rows(result), TASK_COLUMNS)


def commune_frame(result: AnnualResult) -> pd.DataFrame:
    """``commune_rows`` as a DataFrame."""
    return _frame(commune_rows(result), COMMUNE_COLUMNS)


def changes_frame(result: AnnualResult) -> pd.DataFrame:
    """Mid-year re-selection: proposals whose status changed since ``result.previous``."""
    import pandas as pd

    rows = []
    before = result.previous or {}
    for d in result.decisions:
        old = before.get(d.proposal.id, "new")
        if result.previous is not None and old != d.status:
            rows.append({"proposal_id": d.proposal.id, "before": old, "after": d.status,
                         "support": float(d.support) if d.status != "not_funded" else 0.0,
                         "reason": d.reason_text()})
    for pid in sorted(set(before) - {d.proposal.id for d in result.decisions}):
        rows.append({"proposal_id": pid, "before": before[pid], "after": "removed", "support": 0.0,
                     "reason": "không còn trong hồ sơ / no longer in the file"})
    return pd.DataFrame(rows, columns=["proposal_id", "before", "after", "support", "reason"])

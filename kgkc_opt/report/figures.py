"""The gains table in words, in one place: what 1 billion VND more or less buys.

The table itself is computed by the analysis floor (``analysis.gains.gains_table``: the tidy
frame ``source, year, amount, status, objective_change, cofunding_change, task_id, units``;
``year`` is ``"all"`` for every year; one exact re-solve per row). This module only words it: the
brief, the workbook, the gains chart and ``kgkc-opt sensitivity`` all read these rows, so they
always agree. It never solves.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from kgkc_opt.errors import KgkcError
from kgkc_opt.report import fmt
from kgkc_opt.words import say

COLUMNS = ["source", "year", "amount", "status", "objective_change", "task_id", "units"]


# ---------------------------------------------------------------------------------------------
# the gains table as rows, in words (for the chart, the workbook, the brief and the command line)


def gains_rows(frame: pd.DataFrame, program: Any, lang: str = "vi", source: str = "local",
               max_objective: float | None = None, *, merge: bool = True) -> list[dict[str, Any]]:
    """The gains frame as rows for a chart or a table: years in order, then every year; more before
    less. Each row: years (list; ["all"] for every year), amount, points (change in the average
    share of targets, in points; None without ``max_objective``), change (objective change),
    units (task_id -> change), status, text (the units in words), label (which money, in words).
    With ``merge``, years whose change has the same effect share one row."""
    missing = [c for c in ("source", "year", "amount", "objective_change") if c not in frame.columns]
    if missing:
        raise KgkcError("the gains table lacks column(s) {missing}", missing=", ".join(missing))
    f = frame[frame["source"] == source]
    raw: list[dict[str, Any]] = []
    for (year, amount), g in f.groupby(["year", "amount"], sort=False, dropna=False):
        units: dict[str, int] = {}
        if "task_id" in g.columns:
            for tid, u in zip(g["task_id"], g["units"], strict=True):
                if isinstance(tid, str) and u == u and int(u) != 0:
                    units[tid] = int(u)
        change = g["objective_change"].iloc[0]
        status = str(g["status"].iloc[0]) if "status" in g.columns else "optimal"
        has = change is not None and change == change
        cof = g["cofunding_change"].iloc[0] if "cofunding_change" in g.columns else None
        raw.append({"year": year, "amount": float(str(amount)), "change": float(change) if has else None,
                    "units": units, "status": status,
                    "cofunding": float(cof) if cof is not None and cof == cof else None})
    rows: list[dict[str, Any]] = []
    for r in raw:
        every = str(r["year"]) == "all"
        key = (every, r["amount"], tuple(sorted(r["units"].items())), None if r["change"] is None
               else round(r["change"], 9), r["status"])
        same = [x for x in rows if x["key"] == key] if merge and not every else []
        if same:
            same[0]["years"].append(r["year"])
            continue
        rows.append({**r, "key": key, "years": [r["year"]]})
    for r in rows:
        change = r["change"]
        r["points"] = 100 * change / max_objective if change is not None and max_objective else None
        r["text"] = (fmt.gain_text(r["units"], program, lang, losses_first=r["amount"] < 0) if change is not None
                     else fmt.status(r["status"], lang))
        if change is not None:
            r["text"] += freed_text(r["units"], r["amount"], program, lang)
        if r["cofunding"]:  # the co-funding the plan mobilises moves with it
            r["text"] += "; " + fmt.label("cofunding_moves", lang, v=fmt.money(r["cofunding"], lang, sign=True))
        r["label"] = gain_label(r["years"], r["amount"], lang, n_years=len(program.years) if program else 0)
        del r["key"], r["year"]
    return sorted(rows, key=lambda r: (r["years"] == ["all"], min(int(y) for y in r["years"]) if
                                       r["years"] != ["all"] else 0, r["amount"] < 0))


def freed_text(units: dict[str, int], amount: float, program: Any, lang: str) -> str:
    """For a change that moves a task against the money (a gain with less money, a loss with more):
    "; +1 III.8 is paid with the money freed by cutting II.2" (both from the same exact re-solve)."""
    gained = [t for t, n in units.items() if n > 0]
    lost = [t for t, n in units.items() if n < 0]
    if not (gained and lost) or program is None:
        return ""
    if amount < 0:
        return say("; {join} gains, paid with the money freed by cutting {join2}", lang).format(
            join=", ".join(gained), join2=", ".join(lost)
        )
    return say("; {join} gives way so the money goes further on {join2}", lang).format(
        join=", ".join(lost), join2=", ".join(gained)
    )


def _t(vi: str, en: str, lang: str) -> str:
    return vi if lang == "vi" else en


def gain_label(years: list[Any], amount: float, lang: str, *, n_years: int = 0) -> str:
    """Which change a gains row is: "Thêm 1 tỷ đồng vào một năm bất kỳ (2021–2025)",
    "Bớt 1 tỷ đồng mỗi năm", "1 billion VND more in 2024"."""
    more = amount > 0
    size = fmt.number(abs(amount) / 1000, lang, None)
    if lang == "vi":
        head = f"{'Thêm' if more else 'Bớt'} {size} tỷ đồng"
        if years == ["all"]:
            return f"{head} mỗi năm"
        ys = sorted(int(y) for y in years)
        if len(ys) == 1:
            return f"{head} {'vào' if more else 'của'} năm {ys[0]}"
        return f"{head} {'vào' if more else 'của'} một năm bất kỳ ({fmt.years_text(ys, lang)})"
    head = f"{size} billion VND {'more' if more else 'less'}"
    if years == ["all"]:
        return f"{head} every year"
    ys = sorted(int(y) for y in years)
    if len(ys) == 1:
        return f"{head} in {ys[0]}"
    return f"{head} in any one year ({fmt.years_text(ys, lang)})"


def points_text(points: float, lang: str) -> str:
    """A change in the average share of targets: "+0,6 điểm %" (one decimal)."""
    return fmt.number(round(points, 1), lang, 1, sign=True) + (" điểm %" if lang == "vi" else " points")


def program_scale(scenario: Any) -> float | None:
    """The scenario's total local budget as a share of its program's (0.8 for a 20% cut)."""
    program = getattr(scenario, "source_program", None) or scenario.program
    total = sum(float(b.local) for b in program.annual_budget.values())
    own = sum(float(v) for v in scenario.local_budget.values())
    return own / total if total else None

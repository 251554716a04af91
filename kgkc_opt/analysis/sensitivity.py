"""Sensitivity in plain words: what an extra million (or billion) VND on each cap would buy.

``sensitivity(scenario, result)`` returns a ``Sensitivity`` with

``caps``   (year, source): cap, used, shadow_price (objective per extra million VND, from the LP
           at the plan, see docs/model.md), holds_from, holds_to (the cap values between which
           that price holds, from HiGHS ranging), extra_billion_objective (the objective gained by
           an exact re-solve with 1,000 million VND more), and sentences in English and Vietnamese
           ("1 billion VND more in 2024 would fund 3 more establishments of II.2 ...").
``tasks``  task_id: value_per_unit (w/T), value_per_million (w/T per local million),
           reduced_cost (value per unit less the money it uses at the shadow prices of its best
           year; negative: the task is a worse use of money than the marginal one), best_year.

The sentences come from exact integer re-solves, so they respect lumpy units (a machinery grant
is 300 million; a shadow price alone cannot say that 250 million more buys none).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, cast

import pandas as pd

from kgkc_opt.analysis.plan import solve
from kgkc_opt.inputs.effects import MoneyLine
from kgkc_opt.model.data import model_input
from kgkc_opt.solver.prices import CapRow, plan_lp_prices
from kgkc_opt.solver.result import Result
from kgkc_opt.words import DEFAULT_LANGUAGE

EXTRA = Fraction(1000)  # one billion VND, in million VND


@dataclass(frozen=True)
class Sensitivity:
    scenario: str
    caps: pd.DataFrame
    tasks: pd.DataFrame

    def sentences(self, lang: str = DEFAULT_LANGUAGE) -> list[str]:
        column = "sentence_vi" if lang == "vi" else "sentence_en"
        return [s for s in self.caps[column] if s]


def _describe_gain(scenario: Any, base: Result, more: Result, lang: str) -> str:
    diff = (more.achievement["achieved"] - base.achievement["achieved"])
    parts = []
    for tid, d in diff.items():
        if d == 0:
            continue
        t = scenario.program.task(tid)
        if lang == "vi":
            parts.append(f"{'thêm' if d > 0 else 'bớt'} {abs(int(d))} {t.unit.vi.lower()} ({tid})")
        else:
            unit = t.unit.en + ("s" if abs(d) > 1 and not t.unit.en.endswith("s") else "")
            parts.append(f"{abs(int(d))} {'more' if d > 0 else 'fewer'} {unit} of {tid} ({t.name.en})")
    gained = [str(t) for t, d in diff.items() if d > 0]
    lost = [str(t) for t, d in diff.items() if d < 0]
    if gained and lost:  # a task moves against the money: say whose units pay for it
        if lang == "vi":
            parts.append(f"phần tăng của {', '.join(gained)} được trả bằng vốn giải phóng khi cắt {', '.join(lost)}")
        else:
            parts.append(f"the gain of {', '.join(gained)} is paid with money freed by cutting {', '.join(lost)}")
    return ", ".join(parts)


def sensitivity(scenario: Any, result: Result, *, solver: str | None = None, exact: bool = True) -> Sensitivity:
    """Shadow prices with their ranges, reduced costs, and exact 'one billion more' sentences."""
    if not result.has_plan or result.plan is None:
        raise ValueError("sensitivity needs a result with a plan")
    solver = solver or result.solver
    inp = model_input(scenario)
    prices, ranges = plan_lp_prices(inp, dict(result.plan), ranging=True)
    rows = []
    for (year, source), r in cast("Iterator[tuple[tuple[int, str], pd.Series]]", result.budget.iterrows()):
        # a priced row by its identity; another state source's line is not priced (0, as the table says)
        line = {"local": MoneyLine.LOCAL_BUDGET, "cofunding": MoneyLine.COFUNDING}.get(source)
        key = CapRow(line, year) if line is not None else None
        price = prices[key] if key is not None else 0.0
        price = 0.0 if abs(price) < 1e-12 else price
        lo, hi = ranges.get(key, (float("nan"), float("nan"))) if key is not None else (float("nan"), float("nan"))
        if price == 0:
            # a cap that does not bind: any value down to what the plan uses keeps the price at 0
            lo, hi = float(r.used), float("inf")
        elif source == "local":
            # the row's right-hand side is the year's own budget; the cap shown adds what was carried in
            carried_in = float(r.cap) - float(scenario.local_budget[year])
            lo, hi = lo + carried_in, hi + carried_in
        row: dict[str, Any] = {"year": year, "source": source, "cap": r.cap, "used": r.used,
                               "shadow_price": price, "holds_from": lo, "holds_to": hi,
                               "extra_billion_objective": 0.0, "sentence_en": "", "sentence_vi": ""}
        if exact and price > 0:
            section = "budget" if source == "local" else "cofunding"
            current = scenario.local_budget[year] if source == "local" else scenario.cofunding[year]
            more_scn = scenario.derive(name=f"{scenario.name}+1bn-{source}-{year}",
                                       **{section: {year: float(current + EXTRA)}})
            more = solve(more_scn, solver=solver, with_shadow_prices=False, tie_break=False)
            if more.has_plan and result.objective is not None and more.objective is not None:
                gain = more.objective - result.objective
                row["extra_billion_objective"] = gain
                what_en = _describe_gain(scenario, result, more, "en")
                what_vi = _describe_gain(scenario, result, more, "vi")
                money_vi = "vốn ngân sách địa phương" if source == "local" else "vốn đối ứng của doanh nghiệp"
                money_en = "local budget" if source == "local" else "co-funding"
                if what_en:
                    row["sentence_en"] = (f"1 billion VND more {money_en} in {year} would fund {what_en} "
                                          f"(objective +{gain:.4f}).")
                    row["sentence_vi"] = f"Thêm 1 tỷ đồng {money_vi} năm {year} sẽ thực hiện {what_vi}."
                else:
                    row["sentence_en"] = (f"1 billion VND more {money_en} in {year} would fund no whole "
                                          "unit more: the next unit needs more money or another year.")
                    row["sentence_vi"] = (f"Thêm 1 tỷ đồng {money_vi} năm {year} chưa đủ để thực hiện "
                                          "thêm một đơn vị nhiệm vụ nào.")
        rows.append(row)
    caps = pd.DataFrame(rows).set_index(["year", "source"])

    task_rows = []
    coefs = inp.achievement_coefficients()
    years = [y for y in inp.years if y in inp.local_budget]
    for t in inp.planned_tasks:
        value = float(coefs[t.task_id])
        best_year, best_cost = None, None
        for y in t.years:
            if y not in years:
                continue
            cost = float(t.local(y)) * prices[CapRow(MoneyLine.LOCAL_BUDGET, y)] + \
                float(t.cofunding(y)) * prices[CapRow(MoneyLine.COFUNDING, y)]
            if best_cost is None or cost < best_cost:
                best_year, best_cost = y, cost
        local = float(t.unit_local)
        task_rows.append({"task_id": t.task_id, "value_per_unit": value,
                          "value_per_million": value / local if local else float("inf"),
                          "reduced_cost": value - best_cost if best_cost is not None else float("nan"),
                          "best_year": best_year})
    tasks = pd.DataFrame(task_rows).set_index("task_id")
    return Sensitivity(scenario.name, caps, tasks)

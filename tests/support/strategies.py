"""Hypothesis strategies: small random program documents that solve in milliseconds."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

START_YEAR = 2021


@st.composite
def small_programs(draw: st.DrawFn, *, max_tasks: int = 5) -> dict[str, Any]:
    """A program document (what a YAML file holds) with 2–``max_tasks`` tasks and 2–3 years.

    Money is drawn in quarters of a million so that per-unit costs have awkward denominators
    (e.g. 45.25 / 3) while the document stays exact.
    """
    n_years = draw(st.integers(2, 3))
    years = list(range(START_YEAR, START_YEAR + n_years))
    quarter = st.integers(0, 800).map(lambda k: k / 4)
    annual = {
        y: {"state": draw(quarter), "other": draw(st.integers(0, 100).map(lambda k: k / 2))}
        for y in years
    }
    for row in annual.values():
        row["total"] = row["state"] + row["other"]
    n_tasks = draw(st.integers(2, max_tasks))
    tasks = []
    for i in range(n_tasks):
        quantity = draw(st.integers(1, 6))
        state = draw(st.integers(1, 400)) / 4
        other = draw(st.one_of(st.just(0), st.integers(1, 200).map(lambda k: k / 2)))
        kind = draw(st.sampled_from(["annual", "range", "subset"]))
        if kind == "annual":
            task_years: Any = "annual"
        elif kind == "range":
            task_years = f"{years[0]}-{years[-1]}"
        else:
            task_years = sorted(draw(st.sets(st.sampled_from(years), min_size=1)))
        tasks.append({
            "id": f"G.{i + 1}", "group": "G", "name": f"Task {i + 1}", "unit": "unit",
            "quantity": quantity, "cost": {"total": state + other, "state": state, "other": other},
            "years": task_years, "support_rule": "norm",
        })
    return {
        "format": "kgkc-program/1",
        "id": "random",
        "title": "Random test program",
        "period": {"start": years[0], "end": years[-1]},
        "annual_budget": {"years": annual},
        "support_rules": {"norm": {"max_state_share": 1, "citation": "test"}},
        "groups": [{"id": "G", "name": "Group"}],
        "tasks": tasks,
    }

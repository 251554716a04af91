"""The model as a file another solver reads: CPLEX LP or free MPS text, readable names.

``model_text(scenario, "lp")`` is the full model of the scenario (``model.formulations.linear_full``:
q[t,y] for every task and planned year, every row the program's rules give) with the policy's first
objective, as the text of an LP or a free-MPS file. It is the model whose optimum the project
proves (by default through the decomposition of ``solver.decompose``, which reaches the same
optimum); a header of comments says which objective it holds and how the others follow (a policy is
lexicographic: each next objective is maximised keeping the earlier ones at their optima).

Names are the model's keys, made safe for both formats: ``q[II.2,2023]`` -> ``q(II.2,2023)``,
``link[L01:III.6<III.4,2021]`` -> ``link(L01_III.6_follows_III.4,2021)``; any other character outside
letters, digits and ``_.,()`` becomes ``_``. The objective is maximised in its integer scale: the
objective's value is ``offset + (LP objective) / scale`` (both in the header). Nothing here touches a
file: the command line (or the caller) writes the text.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

from kgkc_opt.inputs.program import Program
from kgkc_opt.inputs.scenario import Scenario, baseline
from kgkc_opt.model.data import model_input
from kgkc_opt.model.formulations import linear_full
from kgkc_opt.model.linear import INF, LinearModel
from kgkc_opt.model.objectives import Objective, policy_objectives

FORMATS = ("lp", "mps")
_UNSAFE = re.compile(r"[^A-Za-z0-9_.,()]")


@dataclasses.dataclass(frozen=True)
class ModelExport:
    """The full model of a scenario and its objective, ready to be written."""

    model: LinearModel
    objective: Objective
    objectives: tuple[Objective, ...]
    scenario: str

    def text(self, fmt: str) -> str:
        """The model as the text of an ``lp`` or ``mps`` file."""
        if fmt not in FORMATS:
            raise ValueError(f"unknown model format {fmt!r}; choose one of {', '.join(FORMATS)}")
        return (_lp if fmt == "lp" else _mps)(self.model, self._header(fmt))

    def _header(self, fmt: str) -> list[str]:
        info = self.model.extra.objective
        assert info is not None  # the full model always maximises an objective
        scale, offset = info.scale, info.offset
        order = ", ".join(o.key for o in self.objectives)
        return [
            f"kgkc-opt model of scenario {self.scenario!r}: the full model (q[t,y] per task and planned year)",
            f"objective: {self.objective.key}, the policy's first of: {order}",
            "(lexicographic: each next objective is maximised keeping the earlier ones at their optima)",
            f"value of {self.objective.key} = {offset} + (objective of this {fmt.upper()} model) / {scale}",
        ]


def full_model(scenario: Scenario | Program, *, policy: str | None = None,
               structure: bool | None = None) -> ModelExport:
    """The full model of a scenario (a program: its baseline) with its policy's first objective."""
    if isinstance(scenario, Program):
        scenario = baseline(scenario)
    inp = model_input(scenario, structure=structure)
    objectives = policy_objectives(inp, policy or inp.policy)
    m = linear_full(inp, objective=objectives[0])
    return ModelExport(m, objectives[0], tuple(objectives), scenario.name)


def model_text(scenario: Scenario | Program, fmt: str, *, policy: str | None = None,
               structure: bool | None = None) -> str:
    """The full model of a scenario as the text of an ``lp`` or ``mps`` file (module docstring)."""
    return full_model(scenario, policy=policy, structure=structure).text(fmt)


def safe_names(names: list[str]) -> list[str]:
    """Names safe in LP and MPS files, one for one, distinct."""
    out: list[str] = []
    seen: set[str] = set()
    for name in names:
        safe = _UNSAFE.sub("_", name.replace("[", "(").replace("]", ")").replace(":", "_")
                           .replace("<", "_follows_"))
        if not safe or not safe[0].isalpha():
            safe = "n_" + safe
        base, k = safe, 1
        while safe in seen:
            k += 1
            safe = f"{base}_{k}"
        seen.add(safe)
        out.append(safe)
    return out


def _number(v: float) -> str:
    if float(v).is_integer() and abs(v) < 1e15:
        return str(int(v))
    return repr(float(v))


def _terms(pairs: Iterator[tuple[str, float]], empty: str) -> str:
    """``a x + b y - c z``; ``0 empty`` when there is no term (a name, so the line stays valid)."""
    out = []
    for name, a in pairs:
        if not a:
            continue
        sign = "-" if a < 0 else "+"
        coef = _number(abs(a))
        out.append(f"{sign} {name}" if coef == "1" else f"{sign} {coef} {name}")
    text = " ".join(out) or f"0 {empty}"
    return text[2:] if text.startswith("+ ") else text


def _check_rows(m: LinearModel) -> None:
    for key, lo, hi in zip(m.row_keys, m.row_lower, m.row_upper, strict=True):
        if lo != hi and lo != -INF and hi != INF:  # pragma: no cover - the builders write no ranged rows
            raise ValueError(f"ranged row {key}")


def _lp(m: LinearModel, header: list[str]) -> str:
    _check_rows(m)
    cols = safe_names(m.col_names)
    rows = safe_names(m.row_keys)
    lines = [f"\\ {h}" for h in header]
    lines += ["Maximize", " obj: " + _wrap(_terms(((cols[j], -c) for j, c in enumerate(m.col_cost)), cols[0]))]
    lines.append("Subject To")
    for r, (index, value, lo, hi) in enumerate(zip(m.row_index, m.row_value, m.row_lower, m.row_upper, strict=True)):
        expr = _terms(((cols[j], a) for j, a in zip(index, value, strict=True)), cols[0])
        sense, rhs = ("=", lo) if lo == hi else ("<=", hi) if lo == -INF else (">=", lo)
        lines.append(f" {rows[r]}: {_wrap(expr)} {sense} {_number(rhs)}")
    lines.append("Bounds")
    for j, (lo, hi) in enumerate(zip(m.col_lower, m.col_upper, strict=True)):
        low = "-inf" if lo == -INF else _number(lo)
        high = "+inf" if hi == INF else _number(hi)
        if lo == hi:
            lines.append(f" {cols[j]} = {low}")
        elif lo == -INF and hi == INF:
            lines.append(f" {cols[j]} free")
        else:
            lines.append(f" {low} <= {cols[j]} <= {high}")
    integers = [cols[j] for j, i in enumerate(m.col_integer) if i]
    if integers:
        lines.append("General")
        lines += [f" {name}" for name in integers]
    lines.append("End")
    return "\n".join(lines) + "\n"


def _wrap(expr: str, width: int = 100) -> str:
    """A long expression over several lines (LP lines should stay short)."""
    words, out, line = expr.split(" "), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width and w in ("+", "-"):
            out.append(line)
            line = "   " + w
        else:
            line = f"{line} {w}" if line else w
    out.append(line)
    return "\n".join(out)


def _mps(m: LinearModel, header: list[str]) -> str:
    _check_rows(m)
    cols = safe_names(m.col_names)
    rows = safe_names(m.row_keys)
    lines = [f"* {h}" for h in header]
    lines += ["NAME kgkc_full", "OBJSENSE", "    MAX", "ROWS", " N  obj"]
    for r, (lo, hi) in enumerate(zip(m.row_lower, m.row_upper, strict=True)):
        lines.append(f" {'E' if lo == hi else 'L' if lo == -INF else 'G'}  {rows[r]}")
    entries: dict[int, list[tuple[str, float]]] = {j: [] for j in range(len(cols))}
    for j, c in enumerate(m.col_cost):
        if c:
            entries[j].append(("obj", -c))
    for r, (index, value) in enumerate(zip(m.row_index, m.row_value, strict=True)):
        for j, a in zip(index, value, strict=True):
            if a:
                entries[j].append((rows[r], a))
    lines.append("COLUMNS")
    integer = False
    for j, name in enumerate(cols):
        if m.col_integer[j] != integer:
            integer = m.col_integer[j]
            lines.append("    MARKER 'MARKER' " + ("'INTORG'" if integer else "'INTEND'"))
        lines += [f"    {name} {row} {_number(a)}" for row, a in entries[j]] or [f"    {name} obj 0"]
    if integer:
        lines.append("    MARKER 'MARKER' 'INTEND'")
    lines.append("RHS")
    for r, (lo, hi) in enumerate(zip(m.row_lower, m.row_upper, strict=True)):
        rhs = hi if lo == -INF else lo
        if rhs:
            lines.append(f"    RHS {rows[r]} {_number(rhs)}")
    lines.append("BOUNDS")
    for j, (lo, hi) in enumerate(zip(m.col_lower, m.col_upper, strict=True)):
        name = cols[j]
        if lo == hi:
            lines.append(f" FX BND {name} {_number(lo)}")
            continue
        if lo == -INF and hi == INF:
            lines.append(f" FR BND {name}")
            continue
        lines.append(f" MI BND {name}" if lo == -INF else f" LO BND {name} {_number(lo)}")
        lines.append(f" PL BND {name}" if hi == INF else f" UP BND {name} {_number(hi)}")
    lines.append("ENDATA")
    return "\n".join(lines) + "\n"

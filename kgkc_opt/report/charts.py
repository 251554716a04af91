"""Print-ready charts of plans, sweeps and Monte Carlo runs (matplotlib; the only module that imports it).

Each chart function returns a ``matplotlib.figure.Figure`` (shown inline in a notebook) and
``save(fig, "chart.svg")`` writes it for a document:

==============  =====================================================================  ==========
function        shows                                                                  input
==============  =====================================================================  ==========
``budget``      local budget and co-funding by year, stacked by task group, vs caps    Result
``achievement`` share of each task's target achieved, scenario vs baseline             Result(s)
``sweep``       the cut order: each task's share as the budget shrinks                 sweep frame
``montecarlo``  probability of meeting each target                                     MC frame
``shadow``      shadow price of the local budget (and co-funding) by year              Result
``difference``  per-task change in share and local budget between two scenarios        Result × 2
==============  =====================================================================  ==========

Frames are tidy: a sweep frame has columns ``level`` (budget in % of the program), ``task_id``,
``share`` (0..1), ``objective``; a Monte Carlo frame ``task_id``, ``probability`` (0..1).

Print quality: sized for an A4 page (16 cm wide) or column (8 cm); PNG at 300 dpi; PDF with
TrueType fonts embedded (``pdf.fonttype`` 42); SVG with text as paths (no font needed to view).
One font everywhere, DejaVu Sans, which matplotlib ships and which has every Vietnamese glyph;
the Okabe–Ito palette, which stays distinct under the common colour-vision deficiencies.
Labels are Vietnamese by default (``lang="en"`` for English), numbers formatted per language.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MultipleLocator, ScalarFormatter

from kgkc_opt.errors import InfeasibleError, KgkcError, NoSolutionError, OutputError
from kgkc_opt.report import fmt
from kgkc_opt.report.files import write_file

#: Okabe & Ito (2008): distinguishable with protanopia, deuteranopia and tritanopia.
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000")
GROUP_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#56B4E9", "#D55E00", "#CC79A7", "#F0E442", "#7F7F7F")
BLUE, ORANGE, VERMILLION, GREY, LIGHT_GREY = "#0072B2", "#E69F00", "#D55E00", "#8C8C8C", "#D9D9D9"
FONT = "DejaVu Sans"

#: Widths in inches: an A4 page inside 2.5 cm margins (16 cm), and one of two columns (8 cm).
WIDTHS = {"page": 16 / 2.54, "column": 8 / 2.54}
#: Label wrap width (characters) per size.
LABEL_WIDTH = {"page": 44, "column": 26}
DPI = 300
FORMATS = ("png", "svg", "pdf")
KINDS = ("budget", "achievement", "shadow", "difference", "sweep", "montecarlo")

STYLE: dict[str, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT],
    "font.size": 8,
    "axes.titlesize": 9.5,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 8,
    "axes.edgecolor": "#555555",
    "axes.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": matplotlib.cycler(color=list(OKABE_ITO)),
    "axes.unicode_minus": True,
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "legend.fontsize": 7.5,
    "legend.frameon": False,
    "grid.color": "#E3E3E3",
    "grid.linewidth": 0.6,
    "figure.dpi": 100,
    "figure.facecolor": "white",
    "savefig.dpi": DPI,
    "savefig.facecolor": "white",
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "svg.fonttype": "path",
    "svg.hashsalt": "kgkc-opt",
}


@contextmanager
def style():
    """The house style (fonts, sizes, palette, embedding) for drawing and saving."""
    with matplotlib.rc_context(STYLE):
        yield


class Chart(Figure):
    """A matplotlib Figure that shows itself in a notebook (no pyplot needed)."""

    def _repr_png_(self) -> bytes:
        return to_bytes(self, "png", dpi=110)


def _new_figure(size: str, height: float) -> Figure:
    if size not in WIDTHS:
        raise KgkcError(f"unknown chart size {size!r}; choose 'page' or 'column'")
    fig = Chart(figsize=(WIDTHS[size], height), layout="constrained")
    fig.get_layout_engine().set(h_pad=0.04, w_pad=0.04, hspace=0.02, wspace=0.02)
    return fig


def _header(fig: Figure, title: str, subtitle: str = "") -> None:
    """A bold title and a plain grey subtitle above the chart, left-aligned with the figure."""
    height, width = fig.get_figheight(), fig.get_figwidth()
    # characters per line: DejaVu Sans averages about 0.55 em a character
    title = fmt.wrap(title, int(width * 72 / (9.5 * 0.66)), 2)
    subtitle = fmt.wrap(subtitle, int(width * 72 / (7.5 * 0.56)), 2) if subtitle else ""
    top = 0.07 / height
    fig.text(0.012, 1 - top, title, ha="left", va="top", fontsize=9.5, fontweight="bold")
    used = 0.07 + 0.19 * (title.count("\n") + 1)
    if subtitle:
        fig.text(0.012, 1 - used / height, subtitle, ha="left", va="top", fontsize=7.5, color="#444444")
        used += 0.15 * (subtitle.count("\n") + 1) + 0.02
    fig.get_layout_engine().set(rect=(0, 0, 1, 1 - (used + 0.02) / height))


def _task_ticks(ax: Any, labels: list[str], fontsize: float = 6.5) -> None:
    """Task labels on the y axis, each block's lines left-aligned (reads better than ragged)."""
    ax.set_yticks(np.arange(len(labels)), labels, fontsize=fontsize)
    fig = ax.get_figure(root=True)
    if getattr(fig.canvas, "get_renderer", None) is None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)
    renderer = fig.canvas.get_renderer()
    texts = ax.get_yticklabels()
    width = max((t.get_window_extent(renderer).width for t in texts), default=0) * 72 / fig.dpi
    ax.tick_params(axis="y", pad=width + 3)
    for text in texts:
        text.set_horizontalalignment("left")


def _share_text(share: float, lang: str) -> str:
    """A share in whole percent, never rounded up to 100 when the target is not met."""
    pct = 100 * float(share)
    if pct < 100 - 1e-9 and round(pct) >= 100:
        return fmt.number(math.floor(pct * 10) / 10, lang, 1)
    return fmt.number(round(pct), lang, 0)


def _xlabel(ax: Any, text: str, size: str) -> None:
    """An axis label, wrapped to the axes' width at column size."""
    ax.set_xlabel(fmt.wrap(text, 100 if size == "page" else 26, 2))


def _note(fig: Figure, text: str) -> None:
    """A grey note at the bottom left (in the layout, so it never overlaps the axes)."""
    fig.supxlabel(text, x=0.01, ha="left", fontsize=6.5, color="#555555")


def _money_axis(ax: Any, lang: str, axis: str = "y") -> None:
    formatter = FuncFormatter(lambda v, _pos: fmt.number(v, lang, 0))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(formatter)


def _percent_axis(ax: Any, lang: str, axis: str = "x", signed: bool = False) -> None:
    formatter = FuncFormatter(lambda v, _pos: fmt.number(v, lang, 0, sign=signed))
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(formatter)


def _program_of(obj: Any) -> Any:
    """A Program from a Program or a Scenario (or None)."""
    if obj is None:
        return None
    return getattr(obj, "program", obj) if not hasattr(obj, "tasks") else obj


def _task_labels(task_ids: list[str], program: Any, lang: str, size: str) -> list[str]:
    width = LABEL_WIDTH[size]
    labels = []
    for tid in task_ids:
        try:
            task = program.task(tid) if program is not None else None
        except KeyError:
            task = None
        labels.append(fmt.task_label(task, lang, width) if task is not None else str(tid))
    return labels


def _unit(program: Any, tid: str, lang: str) -> str:
    try:
        return program.task(tid).unit.get(lang)
    except (AttributeError, KeyError):
        return ""


def _need_plan(result: Any, what: str) -> None:
    if not result.has_plan:
        message = (f"scenario {result.scenario!r} has no plan ({result.status.value}): "
                   f"no {what} chart can be drawn")
        if result.status.value == "infeasible":
            raise InfeasibleError(message, result.explanation)
        raise NoSolutionError(message)


# ---------------------------------------------------------------------------------------------
# budget by year


def budget(result: Any, program: Any, *, lang: str = "vi", size: str = "page", title: bool = True,
           height: float | None = None) -> Figure:
    """Local budget and co-funding used per year, stacked by task group, against the annual caps."""
    fmt.check_lang(lang)
    _need_plan(result, "budget")
    program = _program_of(program)
    alloc = result.allocation.reset_index()
    group_of = {t.id: t.group for t in program.tasks}
    alloc["group"] = alloc["task_id"].map(group_of)
    groups = [g.id for g in program.groups]
    years = sorted(result.budget.index.get_level_values("year").unique())
    by = alloc.groupby(["group", "year"])[["local_budget", "cofunding"]].sum()
    caps = result.budget
    with style():
        fig = _new_figure(size, height or (4.3 if size == "page" else 6.2))
        axes = fig.subplots(1, 2, sharey=True) if size == "page" else fig.subplots(2, 1, sharey=True)
        x = np.arange(len(years))
        top = 0.0
        for ax, column, source, key in ((axes[0], "local_budget", "local", "local"),
                                        (axes[1], "cofunding", "cofunding", "cofunding")):
            bottom = np.zeros(len(years))
            for gi, g in enumerate(groups):
                values = np.array([by[column].get((g, y), 0.0) for y in years])
                ax.bar(x, values, 0.62, bottom=bottom, color=GROUP_COLOURS[gi % len(GROUP_COLOURS)],
                       edgecolor="white", linewidth=0.4, zorder=2)
                bottom += values
            cap = np.array([caps.loc[(y, source), "cap"] for y in years])
            for xi, c, used in zip(x, cap, bottom, strict=True):
                ax.plot([xi - 0.4, xi + 0.4], [c, c], color="black", linewidth=1.4, zorder=3,
                        solid_capstyle="butt")
                ax.annotate(fmt.number(c, lang, 0), (xi, c), xytext=(0, 2.5), textcoords="offset points",
                            ha="center", va="bottom", fontsize=6.5 if size == "page" else 6)
                if c > 0 and used < c * 0.9:
                    ax.annotate(_share_text(used / c, lang) + "%", (xi, used), xytext=(0, 1.5),
                                textcoords="offset points", ha="center", va="bottom",
                                fontsize=6, color="#333333")
            top = max(top, float(cap.max()), float(bottom.max()))
            ax.set_title(fmt.label(key, lang), fontsize=8.5)
            ax.set_xticks(x, [str(y) for y in years])
            ax.grid(axis="y", zorder=0)
            ax.set_axisbelow(True)
            ax.tick_params(axis="x", length=0)
        for ax in axes if size == "column" else axes[:1]:
            ax.set_ylabel(fmt.label("axis_money", lang))
        axes[0].set_ylim(0, top * 1.1)
        _money_axis(axes[0], lang)
        width = 52 if size == "page" else 34
        handles = [Patch(facecolor=GROUP_COLOURS[i % len(GROUP_COLOURS)],
                         label=fmt.wrap(f"{g.id}. {g.name.get(lang)}", width, 1))
                   for i, g in enumerate(program.groups)]
        handles.append(matplotlib.lines.Line2D([], [], color="black", linewidth=1.4,
                                               label=fmt.label("cap", lang)))
        handles.append(Patch(facecolor="none", edgecolor="none",
                             label="88% = tỷ lệ đã dùng so với trần (ghi khi dưới 90%)" if lang == "vi"
                             else "88% = share of the cap used (where below 90%)"))
        fig.legend(handles=handles, loc="outside lower center", ncols=2 if size == "page" else 1,
                   fontsize=6.5, handlelength=1.2, columnspacing=1.2, labelspacing=0.3)
        if title:
            parts = []
            for source, key in (("local", "local_short"), ("cofunding", "cofunding_short")):
                frame = caps.xs(source, level="source")
                parts.append(f"{fmt.label(key, lang)} {fmt.number(frame['used'].sum(), lang, 0)}"
                             f" / {fmt.number(frame['cap'].sum(), lang, 0)}")
            used_word = "đã dùng / trần" if lang == "vi" else "used / cap"
            sub = (f"{result.scenario} · {used_word} ({fmt.label('million_vnd', lang)}): "
                   f"{'; '.join(parts)}")
            _header(fig, fmt.label("title_budget", lang), sub)
    return fig


# ---------------------------------------------------------------------------------------------
# achievement per task


def achievement(
    result: Any, program: Any, base: Any = None, *, lang: str = "vi", size: str = "page",
    title: bool = True, names: tuple[str, str] | None = None, tasks: list[str] | None = None,
) -> Figure:
    """Share of each task's target achieved; the baseline (``base``, a Result) drawn behind.

    ``tasks`` limits the chart to those task ids (the others are counted in a note).
    """
    fmt.check_lang(lang)
    _need_plan(result, "achievement")
    program = _program_of(program)
    ach = result.achievement
    hidden = 0
    if tasks is not None:
        hidden = len(ach) - len([t for t in ach.index if t in set(tasks)])
        ach = ach[ach.index.isin(list(tasks))]
    tids = list(ach.index)
    base_ach = None
    if base is not None:
        _need_plan(base, "achievement")
        base_ach = base.achievement.reindex(tids)
    labels = _task_labels(tids, program, lang, size)
    n = len(tids)
    with style():
        fig = _new_figure(size, 1.1 + 0.29 * max(n, 2))
        ax = fig.subplots()
        y = np.arange(n)
        share = ach["share"].to_numpy() * 100
        short = ach["shortfall"].to_numpy() > 0
        if base_ach is not None:
            ax.barh(y, base_ach["share"].to_numpy() * 100, 0.78, color=LIGHT_GREY, zorder=2)
        ax.barh(y, share, 0.46, color=[VERMILLION if s else BLUE for s in short], zorder=3)
        for yi, tid, s, is_short in zip(y, tids, share, short, strict=True):
            row = ach.loc[tid]
            if not is_short:
                continue
            unit = _unit(program, tid, lang)
            text = (f"{fmt.number(row['achieved'], lang)}/"
                    f"{fmt.quantity(row['target'], unit, lang)} ({_share_text(s / 100, lang)}%)")
            if len(text) > 21:  # the margin holds about 21 characters: share on a second line
                text = text.replace(" (", "\n(")
            if size == "column":
                text = f"{fmt.number(row['achieved'], lang)}/{fmt.number(row['target'], lang)}"
            ax.annotate(text, (101, yi), xytext=(2, 0),
                        textcoords="offset points", va="center", fontsize=6.5, color=VERMILLION)
        _task_ticks(ax, labels, 6.5 if size == "page" else 6)
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_xlim(0, 138 if size == "page" else 124)
        ax.set_xticks([0, 25, 50, 75, 100] if size == "page" else [0, 50, 100])
        _percent_axis(ax, lang)
        ax.xaxis.set_minor_locator(MultipleLocator(5))
        ax.grid(axis="x", zorder=0)
        ax.set_axisbelow(True)
        ax.axvline(100, color="#555555", linewidth=0.6, zorder=1)
        ax.tick_params(axis="y", length=0)
        _xlabel(ax, fmt.label("axis_share", lang), size)
        _group_separators(ax, tids)
        scenario_name, base_name = names or (result.scenario, base.scenario if base is not None else "")
        handles = [Patch(color=BLUE, label=fmt.label("met", lang)),
                   Patch(color=VERMILLION, label=fmt.label("short", lang))]
        if base_ach is not None:
            handles.append(Patch(color=LIGHT_GREY, label=f"{fmt.label('baseline', lang)}: {base_name}"))
        fig.legend(handles=handles, loc="outside lower center", ncols=len(handles) if size == "page" else 2,
                   fontsize=7)
        if title:
            n_short = int(short.sum())
            sub = (f"{scenario_name}: {n - n_short + hidden}/{n + hidden} " +
                   ("nhiệm vụ đạt mục tiêu" if lang == "vi" else "tasks meet their target"))
            if hidden:
                sub += "; " + (f"{hidden} nhiệm vụ đạt 100% không vẽ" if lang == "vi"
                               else f"{hidden} tasks at 100% not shown")
            _header(fig, fmt.label("title_achievement", lang), sub)
    return fig


def _group_separators(ax: Any, tids: list[str]) -> None:
    """Thin lines between task groups (ids "II.3" belong to group "II")."""
    groups = [str(t).split(".")[0] for t in tids]
    for i in range(1, len(groups)):
        if groups[i] != groups[i - 1]:
            ax.axhline(i - 0.5, color="#BBBBBB", linewidth=0.5, zorder=1)


# ---------------------------------------------------------------------------------------------
# sweep: the cut order


def sweep(frame: pd.DataFrame, program: Any = None, *, lang: str = "vi", size: str = "page",
          title: bool = True, name: str = "") -> Figure:
    """The cut order of a budget sweep: which tasks fall short first as the budget shrinks.

    ``frame``: columns level (budget in %), task_id, share (0..1), objective. Rows are the tasks
    that fall short at some level, ordered by the highest level at which they do; the top panel
    is the average share of all tasks' targets per level.
    """
    fmt.check_lang(lang)
    frame = sweep_frame(frame)
    program = _program_of(program)
    table = frame.pivot_table(index="task_id", columns="level", values="share", aggfunc="mean")
    levels = sorted(table.columns, reverse=True)
    table = table[levels]
    order = [str(t) for t in program.task_ids] if program is not None else list(table.index)
    order = [t for t in order if t in table.index] + [t for t in table.index if t not in order]
    table = table.loc[order]
    eps = 1e-9
    cut = table[(table < 1 - eps).any(axis=1)]

    def first_cut(tid: str) -> tuple[float, float]:
        row = cut.loc[tid]
        below = [lv for lv in levels if row[lv] < 1 - eps]
        return (-max(below), float(row[levels[-1]]))

    rows = sorted(cut.index, key=first_cut)
    cut = cut.loc[rows]
    mean = table.mean(axis=0)
    n = max(len(rows), 1)
    with style():
        fig = _new_figure(size, 1.9 + 0.3 * n)
        axes = fig.subplots(2, 1, sharex=True, height_ratios=[1.1, max(n, 2)])
        top, ax = axes
        x = np.arange(len(levels))
        top.plot(x, mean.to_numpy() * 100, color=BLUE, marker="o", markersize=3, linewidth=1.4)
        low = float(np.floor(mean.min() * 10) * 10) if len(mean) else 0
        top.set_ylim(min(low, 90), 101)
        top.grid(axis="y")
        top.set_title(fmt.label("objective_line", lang), fontsize=8, fontweight="normal", loc="left")
        top.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt.number(v, lang, 0) + "%"))
        if len(rows):
            data = np.ma.masked_where(cut.to_numpy() >= 1 - eps, cut.to_numpy() * 100)
            cmap = matplotlib.colormaps["cividis"].with_extremes(bad="white")
            ax.imshow(data, aspect="auto", cmap=cmap, vmin=0, vmax=100, interpolation="nearest")
            for (i, j), v in np.ndenumerate(cut.to_numpy()):
                if v < 1 - eps:
                    text = _share_text(v, lang) if size == "page" else str(math.floor(100 * v + 1e-9))
                    ax.text(j, i, text, ha="center", va="center",
                            fontsize=6.5 if size == "page" and len(levels) <= 14 else 5,
                            color="white" if v < 0.55 else "black")
            _task_ticks(ax, _task_labels(rows, program, lang, size))
            ax.set_xticks(np.arange(len(levels) + 1) - 0.5, minor=True)
            ax.set_yticks(np.arange(len(rows) + 1) - 0.5, minor=True)
            ax.grid(which="minor", color="#E3E3E3", linewidth=0.6)
            ax.tick_params(which="minor", length=0)
            for side in ("top", "right", "left", "bottom"):
                ax.spines[side].set_visible(True)
                ax.spines[side].set_color("#BBBBBB")
        else:
            ax.set_yticks([])
            ax.text(0.5, 0.5, fmt.label("tasks_full", lang, n=len(table)), transform=ax.transAxes,
                    ha="center", va="center")
        ax.set_xticks(x, [fmt.number(lv, lang) + "%" for lv in levels],
                      rotation=0 if size == "page" else 90)
        ax.tick_params(axis="y", length=0)
        _xlabel(ax, fmt.label("axis_level", lang), size)
        notes = [fmt.label("note_sweep", lang)]
        if len(table) - len(rows):
            notes.append(fmt.label("tasks_full", lang, n=len(table) - len(rows)))
        _note(fig, fmt.wrap("; ".join(notes), 140 if size == "page" else 62, 3))
        if title:
            _header(fig, fmt.label("title_sweep", lang), name)
    return fig


# ---------------------------------------------------------------------------------------------
# Monte Carlo: probability of meeting each target


def montecarlo(frame: pd.DataFrame, program: Any = None, *, lang: str = "vi", size: str = "page",
               title: bool = True, name: str = "", all_tasks: bool = False) -> Figure:
    """Probability of meeting each task's target (``frame``: task_id, probability), lowest first.

    Tasks certain to meet their target are summed up in a note unless ``all_tasks``.
    """
    fmt.check_lang(lang)
    frame = montecarlo_frame(frame)
    program = _program_of(program)
    data = frame.groupby("task_id", sort=False)["probability"].mean()
    order = {str(t): i for i, t in enumerate(program.task_ids)} if program is not None else {}
    tids = sorted(data.index, key=lambda t: (data[t], order.get(str(t), 10**6)))
    certain = [t for t in tids if data[t] >= 1 - 1e-9]
    if not all_tasks and len(certain) < len(tids):
        tids = [t for t in tids if t not in certain]
    else:
        certain = []
    prob = np.array([data[t] for t in tids]) * 100
    n = len(tids)
    colours = [BLUE if p >= 90 else ORANGE if p >= 50 else VERMILLION for p in prob]
    with style():
        fig = _new_figure(size, 1.5 + 0.3 * n)
        ax = fig.subplots()
        y = np.arange(n)
        ax.barh(y, prob, 0.62, color=colours, zorder=3)
        for yi, p in zip(y, prob, strict=True):
            ax.annotate(_share_text(p / 100, lang) + "%", (p, yi), xytext=(2, 0), textcoords="offset points",
                        va="center", fontsize=6.5)
        for ref in (50, 90):
            ax.axvline(ref, color=GREY, linewidth=0.7, linestyle=(0, (3, 2)), zorder=2)
        _task_ticks(ax, _task_labels(tids, program, lang, size))
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_xlim(0, 109)
        ax.set_xticks([0, 25, 50, 75, 90, 100] if size == "page" else [0, 50, 100])
        _percent_axis(ax, lang)
        ax.grid(axis="x", zorder=0)
        ax.set_axisbelow(True)
        ax.tick_params(axis="y", length=0)
        _xlabel(ax, fmt.label("axis_probability", lang), size)
        handles = [Patch(color=BLUE, label=fmt.label("prob_high", lang)),
                   Patch(color=ORANGE, label=fmt.label("prob_mid", lang)),
                   Patch(color=VERMILLION, label=fmt.label("prob_low", lang))]
        fig.legend(handles=handles, loc="outside lower center", ncols=3, fontsize=7)
        if certain:
            name = "; ".join(x for x in (name, fmt.label("tasks_certain", lang, n=len(certain))) if x)
        if title:
            _header(fig, fmt.label("title_montecarlo", lang), name)
    return fig


def sweep_frame(data: Any) -> pd.DataFrame:
    """A tidy sweep frame (level, task_id, share) from a frame, a CSV's frame or a SweepResult.

    Accepts ``level`` or ``budget_level`` (as ``kgkc_opt.sweep`` writes it); in a two-dimensional
    sweep only the rows at the highest co-funding level are kept.
    """
    frame = getattr(data, "frame", data)
    if "level" not in frame.columns and "budget_level" in frame.columns:
        if "cofunding_level" in frame.columns and frame["cofunding_level"].nunique() > 1:
            frame = frame[frame["cofunding_level"] == frame["cofunding_level"].max()]
        frame = frame.rename(columns={"budget_level": "level"})
    _check_columns(frame, ("level", "task_id", "share"), "sweep")
    return frame.assign(task_id=frame["task_id"].astype(str))


def montecarlo_frame(data: Any) -> pd.DataFrame:
    """A tidy Monte Carlo frame (task_id, probability) from a frame or a MonteCarloResult."""
    frame = data.probabilities if hasattr(data, "probabilities") else data
    if "task_id" not in frame.columns and frame.index.name == "task_id":
        frame = frame.reset_index()
    _check_columns(frame, ("task_id", "probability"), "Monte Carlo")
    return frame.assign(task_id=frame["task_id"].astype(str))


def _check_columns(frame: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise KgkcError(f"the {what} table lacks column(s) {', '.join(missing)}; "
                        f"expected {', '.join(columns)}")


# ---------------------------------------------------------------------------------------------
# shadow prices by year


def shadow(result: Any, program: Any = None, *, lang: str = "vi", size: str = "page",
           title: bool = True) -> Figure:
    """What one more billion VND in each year would add to the objective (targets' worth)."""
    fmt.check_lang(lang)
    _need_plan(result, "shadow-price")
    b = result.budget
    years = sorted(b.index.get_level_values("year").unique())
    local = np.array([b.loc[(y, "local"), "shadow_price"] for y in years]) * 1000
    cof = np.array([b.loc[(y, "cofunding"), "shadow_price"] for y in years]) * 1000
    slack = np.array([b.loc[(y, "local"), "slack"] for y in years])
    series = [(fmt.label("local_short", lang), local, BLUE)]
    if np.any(np.abs(cof) > 1e-12):
        series.append((fmt.label("cofunding_short", lang), cof, ORANGE))
    with style():
        fig = _new_figure(size, 2.9 if size == "page" else 2.6)
        ax = fig.subplots()
        x = np.arange(len(years))
        width = 0.6 / len(series)
        top = max(float(max(s[1].max() for s in series)), 1e-9)
        for i, (lab, values, colour) in enumerate(series):
            pos = x + (i - (len(series) - 1) / 2) * width
            ax.bar(pos, values, width * 0.92, color=colour, label=lab, zorder=3)
            for xi, v in zip(pos, values, strict=True):
                ax.annotate(_shadow_text(v, lang), (xi, v), xytext=(0, 2), textcoords="offset points",
                            ha="center", va="bottom", fontsize=6.5)
        ticks = []
        for y, s in zip(years, slack, strict=True):
            if size == "column":  # no room for words under each year
                left = fmt.number(s, lang, 2)
            elif s > 1e-6:
                left = fmt.label("slack", lang, v=fmt.number(s, lang, 2))
            else:
                left = fmt.label("binding", lang)
            ticks.append(f"{y}\n{left}")
        ax.set_xticks(x, ticks)
        ax.tick_params(axis="x", length=0)
        ax.set_ylim(0, top * 1.22)
        ax.yaxis.set_major_formatter(_DecimalFormatter(lang))
        ax.set_ylabel(fmt.wrap(fmt.label("axis_shadow", lang), 22 if size == "column" else 60))
        ax.grid(axis="y", zorder=0)
        ax.set_axisbelow(True)
        if len(series) > 1:
            ax.legend(loc="upper right", ncols=len(series))
        under = ("dưới năm: vốn NS còn dư (triệu đồng)" if lang == "vi"
                 else "under each year: local budget left (million VND)")
        note = fmt.label("note_shadow", lang) + "; " + under
        _note(fig, fmt.wrap(note, 62 if size == "column" else 140, 3))
        if title:
            _header(fig, fmt.label("title_shadow", lang), result.scenario)
    return fig


class _DecimalFormatter(ScalarFormatter):
    """Matplotlib's tick labels (same decimals on every tick), with the language's separators."""

    def __init__(self, lang: str):
        super().__init__(useOffset=False, useMathText=False)
        self.set_scientific(False)
        self.lang = lang

    def __call__(self, x: float, pos: int | None = None) -> str:
        text = super().__call__(x, pos)
        return text.replace(".", ",") if self.lang == "vi" else text


def _shadow_text(v: float, lang: str) -> str:
    if v == 0:
        return "0"
    digits = max(0, min(4, 2 - math.floor(math.log10(abs(v)))))
    return fmt.number(v, lang, digits)


# ---------------------------------------------------------------------------------------------
# difference between two scenarios


def difference(
    result: Any, base: Any, program: Any, *, lang: str = "vi", size: str = "page", title: bool = True,
) -> Figure:
    """Per task: change in share of target (points) and in local budget, ``result`` minus ``base``."""
    fmt.check_lang(lang)
    _need_plan(result, "difference")
    _need_plan(base, "difference")
    program = _program_of(program)
    diff = task_difference(result, base)
    changed = diff[(diff["share"].abs() > 1e-9) | (diff["local_budget"].abs() > 1e-6)]
    tids = list(changed.index)
    n = max(len(tids), 1)
    with style():
        if size == "page":
            fig = _new_figure(size, 1.5 + 0.36 * n)
            axes = fig.subplots(1, 2, sharey=True)
        else:
            fig = _new_figure(size, 2.2 + 0.72 * n)
            axes = fig.subplots(2, 1)
        y = np.arange(len(tids))
        if tids:
            share = changed["share"].to_numpy() * 100
            money = changed["local_budget"].to_numpy()
            for ax, values, is_money in ((axes[0], share, False), (axes[1], money, True)):
                colours = [BLUE if v >= 0 else VERMILLION for v in values]
                ax.barh(y, values, 0.55, color=colours, zorder=3)
                ax.axvline(0, color="#555555", linewidth=0.7, zorder=4)
                lim = max(float(np.abs(values).max()), 1e-9) * 1.3
                ax.set_xlim(-lim, lim)
                ax.grid(axis="x", zorder=0)
                ax.set_axisbelow(True)
                for yi, tid, v in zip(y, tids, values, strict=True):
                    if is_money:
                        text = fmt.number(v, lang, 0 if abs(v) >= 100 else 2, sign=True)
                    else:
                        q = changed.loc[tid, "quantity"]
                        unit = _unit(program, tid, lang)
                        text = fmt.quantity(q, unit, lang, sign=True)
                    inside = abs(v) > 0.45 * lim  # long bars carry their label inside, in white
                    outward = (v >= 0) != inside
                    ax.annotate(text, (v, yi), xytext=(3 if outward else -3, 0), textcoords="offset points",
                                ha="left" if outward else "right", va="center", fontsize=6.5,
                                color="white" if inside else "black", zorder=5)
                ax.xaxis.set_major_formatter(FuncFormatter(
                    lambda v, _p, m=is_money: fmt.number(v, lang, 0, sign=True)))
                ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(5 if size == "page" else 4,
                                                                         symmetric=True))
            for ax in axes if size == "column" else axes[:1]:
                _task_ticks(ax, _task_labels(tids, program, lang, "column"))
                ax.set_ylim(len(tids) - 0.5, -0.5)
                ax.tick_params(axis="y", length=0)
            _group_separators(axes[0], tids)
            _group_separators(axes[1], tids)
        else:
            axes[0].set_yticks([])
            axes[0].text(0.5, 0.5, fmt.label("no_difference", lang), transform=axes[0].transAxes,
                         ha="center", va="center")
        axes[0].tick_params(axis="y", length=0)
        _xlabel(axes[0], fmt.label("axis_diff_share", lang), size)
        _xlabel(axes[1], fmt.label("axis_diff_money", lang), size)
        others = len(diff) - len(tids)
        if others and tids:
            _note(fig, fmt.label("tasks_unchanged", lang, n=others))
        if title:
            _header(fig, fmt.label("title_difference", lang),
                    f"{result.scenario} {fmt.label('vs', lang)} {base.scenario}")
    return fig


def task_difference(result: Any, base: Any) -> pd.DataFrame:
    """Per task, ``result`` minus ``base``: quantity, share, local_budget, cofunding (totals)."""
    def totals(r: Any) -> pd.DataFrame:
        t = r.allocation.groupby(level="task_id")[["quantity", "local_budget", "cofunding"]].sum()
        t = t.reindex(r.achievement.index).fillna(0.0)
        t["share"] = r.achievement["share"]
        t["quantity"] = r.achievement["achieved"]
        return t

    a, b = totals(result), totals(base)
    index = list(a.index) + [t for t in b.index if t not in a.index]
    return a.reindex(index).fillna(0.0) - b.reindex(index).fillna(0.0)


# ---------------------------------------------------------------------------------------------
# saving


def _format_of(path: str | Path, fmt_: str | None = None) -> str:
    kind = (fmt_ or Path(path).suffix.lstrip(".")).lower()
    if kind not in FORMATS:
        raise OutputError(f"{path}: charts are written as .svg, .png or .pdf, not {kind or 'no suffix'!r}")
    return kind


def _metadata(kind: str) -> dict[str, Any]:
    # no dates: the same chart gives the same bytes
    return {"svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None},
            "png": {"Software": None}}[kind]


def to_bytes(fig: Figure, kind: str = "png", dpi: int = DPI) -> bytes:
    """The figure as PNG, SVG or PDF bytes, in the house style (fonts embedded)."""
    kind = _format_of(f"x.{kind}")
    buffer = io.BytesIO()
    with style():
        fig.savefig(buffer, format=kind, dpi=dpi, metadata=_metadata(kind))
    return buffer.getvalue()


def save(fig: Figure, path: str | Path, *, dpi: int = DPI) -> Path:
    """Write the figure to ``path`` (.svg, .png at 300 dpi, or .pdf), atomically."""
    kind = _format_of(path)

    def write(tmp: Path) -> None:
        with style():
            fig.savefig(tmp, format=kind, dpi=dpi, metadata=_metadata(kind))

    return write_file(path, write)


# ---------------------------------------------------------------------------------------------
# one entry point for the command line and the brief


def render(kind: str, result: Any = None, program: Any = None, *, base: Any = None,
           frame: Any = None, lang: str = "vi", size: str = "page",
           name: str = "") -> Figure:
    """Draw chart ``kind`` (one of KINDS) from a result (and base result) or a tidy frame."""
    builders: dict[str, Callable[[], Figure]] = {
        "budget": lambda: budget(result, program, lang=lang, size=size),
        "achievement": lambda: achievement(result, program, base, lang=lang, size=size),
        "shadow": lambda: shadow(result, program, lang=lang, size=size),
        "difference": lambda: difference(result, base, program, lang=lang, size=size),
        "sweep": lambda: sweep(_frame(frame, kind), program, lang=lang, size=size, name=name),
        "montecarlo": lambda: montecarlo(_frame(frame, kind), program, lang=lang, size=size, name=name),
    }
    if kind not in builders:
        raise KgkcError(f"unknown chart {kind!r}; choose one of {', '.join(KINDS)}")
    if kind in ("budget", "achievement", "shadow", "difference") and result is None:
        raise KgkcError(f"the {kind} chart needs a solved scenario")
    if kind == "difference" and base is None:
        raise KgkcError("the difference chart needs a second scenario to compare with (--compare)")
    return builders[kind]()


def _frame(frame: Any, kind: str) -> Any:
    if frame is None:
        raise KgkcError(f"the {kind} chart needs its table (a CSV file with the {kind} results)")
    return frame

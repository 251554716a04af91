"""Print-ready charts of plans, exact gains, sweeps and Monte Carlo runs, drawn on ``report.canvas``.

Each chart function returns a ``matplotlib.figure.Figure`` (shown inline in a notebook) and
``save(fig, "chart.svg")`` writes it for a document:

==============  =====================================================================  ==============
function        shows                                                                  input
==============  =====================================================================  ==============
``budget``      local budget and co-funding by year, stacked by task group, vs caps    Result
``achievement`` share of each task's target achieved, scenario vs a comparison         Result(s)
``gains``       what 1 billion VND more or less in each year (or every year) buys      gains frame
``difference``  per-task change in units and local budget between two scenarios       Result × 2
``sweep``       the cut order: each task's share as the budget shrinks                 sweep frame
``montecarlo``  chance of meeting each target when caps vary                           MC frame
==============  =====================================================================  ==============

Frames are tidy: a sweep frame has columns ``level`` (budget in % of the scenario's caps; the
optional ``program_level`` gives it in % of the program's caps), ``task_id``, ``share`` (0..1);
a Monte Carlo frame ``task_id``, ``probability`` (0..1); a gains frame ``source``, ``year``
(``"all"``: every year), ``amount`` (million VND), ``objective_change``, ``task_id``, ``units``
(one row per task whose units change; ``kgkc_opt.analysis.gains.gains_frame``).

Print size is the figure's size: 16 cm wide for an A4 page, 8 cm for a column (``size=``), so a
chart placed at that width prints every text at its stated size. No text is smaller than 8 pt
(``MIN_PT``), no label is cut (long names wrap, and tasks and groups use the short names the
program file gives them), and texts do not overlap; ``tests/report/test_charts.py`` measures
this on the rendered figures. One number rule everywhere: money in whole million VND, shares in
whole percent rounded down (``fmt.share``: "100%" only when a target is met).

PNG at 300 dpi; PDF with TrueType fonts embedded (``pdf.fonttype`` 42); SVG with text as paths.
One font, DejaVu Sans, which matplotlib ships and which has every Vietnamese glyph; the Okabe–Ito
palette, distinct under the common colour-vision deficiencies. Labels are Vietnamese by default
(``lang="en"`` for English), numbers formatted per language, and a scenario is named by its title
(``fmt.scenario_title``), never by its file name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from kgkc_opt.errors import KgkcError
from kgkc_opt.report import fmt
from kgkc_opt.report.canvas import (  # the page: style, sizes, text, shared pieces, saving
    BLUE,
    DPI,
    FONT,
    FORMATS,
    GREY,
    GROUP_COLOURS,
    LIGHT_GREY,
    MIN_PT,
    ORANGE,
    PLAIN,
    TEXT_PT,
    VERMILLION,
    WIDTHS,
    Chart,
    _annotate,
    _data_ticks,
    _finish,
    _fit_xlim,
    _header,
    _header_refit,
    _label_width,
    _name_of,
    _need_plan,
    _new_figure,
    _note,
    _program_of,
    _renderer,
    _task_labels,
    _task_ticks,
    _unit,
    _whole,
    _width_pt,
    save,
    style,
    text_width,
    to_bytes,
    wrap_pt,
)
from kgkc_opt.report.figures import gain_label, gains_rows, points_text, program_scale
from kgkc_opt.solver.tables import source_column

__all__ = ["DPI", "FONT", "FORMATS", "KINDS", "MIN_PT", "WIDTHS", "Chart", "achievement", "budget", "difference",
           "gain_label", "gains", "gains_rows", "montecarlo", "points_text", "render", "save", "style", "sweep",
           "to_bytes"]

KINDS = ("budget", "achievement", "gains", "difference", "sweep", "montecarlo")


# ---------------------------------------------------------------------------------------------
# budget by year


def budget(result: Any, program: Any, *, lang: str = "vi", size: str = "page", title: bool = True,
           height: float | None = None, name: str | None = None) -> Figure:
    """Local budget and co-funding used per year, stacked by task group, against the annual caps;
    a panel more for each other state source of the program (national funds, ...).

    ``program``: the Program, or the Scenario (whose title then names the chart).
    """
    fmt.check_lang(lang)
    _need_plan(result, "budget")
    name = _name_of(program, lang, name)
    program = _program_of(program)
    alloc = result.allocation.reset_index()
    group_of = {t.id: t.group for t in program.tasks}
    alloc["group"] = alloc["task_id"].map(group_of)
    groups = [g.id for g in program.groups]
    years = sorted(result.budget.index.get_level_values("year").unique())
    panels = _budget_panels(result, program, lang)
    by = alloc.groupby(["group", "year"])[[column for column, _, _, _ in panels]].sum()
    caps = result.budget
    low_use: list[str] = []
    with style():
        fig = _new_figure(size, height or (4.6 if size == "page" else 3.7 * len(panels)))
        n = len(panels)
        axes = fig.subplots(1, n, sharey=True) if size == "page" else fig.subplots(n, 1, sharey=True)
        top = 0.0
        for ax, (column, source, heading, _) in zip(axes, panels, strict=True):
            bars = [np.array([by[column].get((g, y), 0.0) for y in years]) for g in groups]
            cap = np.array([caps.loc[(y, source), "cap"] for y in years])
            top = max(top, _budget_panel(ax, years, bars, cap, heading, lang, low_use))
        for ax in axes if size == "column" else axes[:1]:
            ax.set_ylabel(fmt.label("axis_money", lang))
        axes[0].set_ylim(0, top * 1.14)
        axes[0].yaxis.set_major_formatter(_whole(lang))
        axes[0].yaxis.set_major_locator(MaxNLocator(5))
        columns = 2 if size == "page" else 1
        width = _width_pt(size) / columns - 30
        handles: list[Artist] = [Patch(facecolor=GROUP_COLOURS[i % len(GROUP_COLOURS)],
                                       label=wrap_pt(fmt.group_name(g, lang, short=True), width))
                                 for i, g in enumerate(program.groups)]
        handles.append(Line2D([], [], color="black", linewidth=1.4, label=fmt.label("cap", lang)))
        fig.legend(handles=handles, loc="outside lower center", ncols=columns, handlelength=1.2,
                   columnspacing=1.2, labelspacing=0.35)
        note = fmt.label("used_below", lang) if low_use else ""
        if title:
            parts = []
            for _, source, _, short in panels:
                frame = caps.xs(source, level="source")
                parts.append(f"{short} {fmt.number(round(frame['used'].sum()), lang, 0)}"
                             f" / {fmt.number(round(frame['cap'].sum()), lang, 0)}")
            used_word = "đã dùng / kế hoạch vốn" if lang == "vi" else "used / cap"
            sub = f"{used_word} ({fmt.label('million_vnd', lang)}): {'; '.join(parts)}"
            _header(fig, fmt.label("title_budget", lang), f"{name} · {sub}" if name else sub, note)
        _finish(fig)
    return fig


def _budget_panel(ax: Any, years: list[Any], bars: list[Any], cap: Any, heading: str, lang: str,
                  low_use: list[str]) -> float:
    """One source's panel: the groups' spending stacked per year, the cap as a line over each bar,
    the share used under a year that uses less than 90% (added to ``low_use``); returns its top."""
    x = np.arange(len(years))
    bottom = np.zeros(len(years))
    for gi, values in enumerate(bars):
        ax.bar(x, values, 0.62, bottom=bottom, color=GROUP_COLOURS[gi % len(GROUP_COLOURS)],
               edgecolor="white", linewidth=0.4, zorder=2)
        bottom += values
    ticks = []
    for xi, y, c, used in zip(x, years, cap, bottom, strict=True):
        ax.plot([xi - 0.4, xi + 0.4], [c, c], color="black", linewidth=1.4, zorder=3, solid_capstyle="butt")
        _annotate(ax, fmt.number(round(c), lang, 0), (xi, c), xytext=(0, 2), textcoords="offset points",
                  ha="center", va="bottom", fontsize=TEXT_PT)
        tick = str(y)
        if c > 0 and used < c * 0.9:
            share = fmt.share(used / c, lang)
            tick += "\n" + share
            low_use.append(share)
        ticks.append(tick)
    ax.set_title(heading)
    ax.set_xticks(x, ticks)
    ax.grid(axis="y", zorder=0)
    ax.set_axisbelow(True)
    ax.tick_params(axis="x", length=0)
    return max(float(cap.max()), float(bottom.max()))


def _budget_panels(result: Any, program: Any, lang: str) -> list[tuple[str, str, str, str]]:
    """The budget chart's panels: (allocation column, budget source, heading, short name): the local
    budget, the co-funding, then each other state source the plan has money and caps for."""
    panels = [("local_budget", "local", fmt.label("local", lang), fmt.label("local_short", lang)),
              ("cofunding", "cofunding", fmt.label("cofunding_short", lang), fmt.label("cofunding_short", lang))]
    sources = set(result.budget.index.get_level_values("source")) if len(result.budget) else set()
    for s in getattr(program, "extra_sources", ()):
        column = source_column(s.id)
        if column in result.allocation.columns and s.id in sources:
            name = str(s.name.get(lang))
            panels.append((column, s.id, name, name))
    return panels


# ---------------------------------------------------------------------------------------------
# achievement per task


def achievement(
    result: Any, program: Any, base: Any = None, *, lang: str = "vi", size: str = "page",
    title: bool = True, names: tuple[str, str] | None = None, tasks: list[str] | None = None,
) -> Figure:
    """Share of each task's target achieved; the comparison (``base``, a Result) drawn behind in grey.

    ``tasks`` limits the chart to those task ids (the others are counted in the subtitle);
    ``names``: (this scenario's title, the comparison's title) for the subtitle and legend.
    """
    fmt.check_lang(lang)
    _need_plan(result, "achievement")
    own = _name_of(program, lang, None)
    program = _program_of(program)
    ach = result.achievement
    hidden = 0
    if tasks is not None:
        hidden = len(ach) - len([t for t in ach.index if t in set(tasks)])
        ach = ach[ach.index.isin(list(tasks))]
    tids = [str(t) for t in ach.index]
    base_ach = None
    if base is not None:
        _need_plan(base, "achievement")
        base_ach = base.achievement.reindex(tids)
    labels = _task_labels(tids, program, lang, size)
    n = len(tids)
    rows = sum(max(1, lab.count("\n") + 1) for lab in labels)
    with style():
        fig = _new_figure(size, 1.9 + 0.2 * rows + 0.06 * n)
        ax = fig.subplots()
        y = np.arange(n)
        share = ach["share"].to_numpy() * 100
        short = ach["shortfall"].to_numpy() > 0
        if base_ach is not None:
            ax.barh(y, base_ach["share"].to_numpy() * 100, 0.8, color=LIGHT_GREY, zorder=2)
        ax.barh(y, share, 0.46, color=[VERMILLION if s else BLUE for s in short], zorder=3)
        ends = []
        for yi, tid, is_short in zip(y, tids, short, strict=True):
            if not is_short:
                continue
            row = ach.loc[tid]
            unit = _unit(program, tid, lang)
            if size == "page":
                text = (f"{fmt.number(row['achieved'], lang)}/"
                        f"{fmt.target(row['target'], row.get('target_min'), unit, lang)} "
                        f"({fmt.share(row['share'], lang)})")
            else:
                text = f"{fmt.number(row['achieved'], lang)}/{fmt.number(row['target'], lang)}"
            _annotate(ax, text, (100, yi), xytext=(4, 0), textcoords="offset points", va="center",
                        fontsize=TEXT_PT, color=VERMILLION)
            ends.append((100.0, text))
        _task_ticks(ax, labels)
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_xticks([0, 25, 50, 75, 100] if size == "page" else [0, 50, 100])
        ax.xaxis.set_major_formatter(_whole(lang))
        ax.grid(axis="x", zorder=0)
        ax.set_axisbelow(True)
        ax.axvline(100, color="#555555", linewidth=0.6, zorder=1)
        ax.set_xlabel(wrap_pt(fmt.label("axis_share", lang), 0.5 * _width_pt(size)))
        _group_separators(ax, tids)
        scenario_name, base_name = names or (own, "")
        handles = [Patch(color=BLUE, label=fmt.label("met", lang)),
                   Patch(color=VERMILLION, label=fmt.label("short", lang))]
        if base_ach is not None:
            legend_width = _width_pt(size) - 40 if size == "column" else _width_pt(size) / 2
            handles.append(Patch(color=LIGHT_GREY, label=wrap_pt(base_name or fmt.label("as_decided", lang),
                                                                 legend_width)))
        fig.legend(handles=handles, loc="outside lower center", ncols=len(handles) if size == "page" else 1)
        if title:
            n_short = int(short.sum())
            sub = (f"{n - n_short + hidden}/{n + hidden} " +
                   ("nhiệm vụ đạt mục tiêu" if lang == "vi" else "tasks meet their target"))
            if hidden:
                sub += "; " + (f"{hidden} nhiệm vụ đạt 100% không vẽ" if lang == "vi"
                               else f"{hidden} tasks at 100% not shown")
            _header(fig, fmt.label("title_achievement", lang), f"{scenario_name}: {sub}" if scenario_name else sub)
        _finish(fig)
        _fit_xlim(fig, ax, ends, 0, 100)
    return fig


def _group_separators(ax: Any, tids: list[str]) -> None:
    """Thin lines between task groups (ids "II.3" belong to group "II")."""
    groups = [str(t).split(".")[0] for t in tids]
    for i in range(1, len(groups)):
        if groups[i] != groups[i - 1]:
            ax.axhline(i - 0.5, color="#BBBBBB", linewidth=0.5, zorder=1)


# ---------------------------------------------------------------------------------------------
# sweep: the cut order


def sweep(frame: Any, program: Any = None, *, lang: str = "vi", size: str = "page",
          title: bool = True, name: str | None = None, scale: float | None = None) -> Figure:
    """The cut order of a budget sweep: which tasks fall short first as the budget shrinks.

    ``frame``: columns level (budget in % of the scenario's caps), task_id, share (0..1). The axis
    is in % of the program's own caps: ``scale`` is the scenario's total local budget over the
    program's (0.8 for a 20% cut), or the frame's ``program_level`` column gives it; the
    scenario's own level (100% of its caps) is marked. ``program`` may be the Scenario itself.
    Rows are the tasks that fall short at some level, ordered by the highest level at which they do;
    the top panel is the average share of all targets per level.
    """
    fmt.check_lang(lang)
    name = _name_of(program, lang, name)
    if scale is None and program is not None and hasattr(program, "local_budget") and hasattr(program, "program"):
        scale = program_scale(program)
    program = _program_of(program)
    frame = sweep_frame(frame)
    if scale is None and "program_level" in frame.columns:
        ratios = (frame["program_level"] / frame["level"]).replace([np.inf, -np.inf], np.nan).dropna()
        scale = float(ratios.iloc[0]) if len(ratios) else None
    table, cut = _sweep_tables(frame, program)
    levels: list[Any] = list(table.columns)
    rows = list(cut.index)
    labels = _task_labels(rows, program, lang, size)
    shown = [lv * scale if scale is not None else lv for lv in levels]
    tick_text = [fmt.number(round(v, 1), lang, None if abs(v - round(v)) > 1e-6 else 0) + "%" for v in shown]
    n = max(len(rows), 1)
    lines = sum(lab.count("\n") + 1 for lab in labels) or 1
    with style():
        # cells hold their percentages when a cell is wide enough for "100" at 8 pt
        plot_pt = _width_pt(size) - _label_width(size) - 30
        numbers = plot_pt / max(len(levels), 1) >= text_width("100") + 4
        fig = _new_figure(size, 2.9 + 0.2 * lines + 0.08 * n + (0 if numbers else 0.5))
        axes = fig.subplots(2, 1, sharex=True, height_ratios=[1.3, max(lines, 2) * 0.7])
        top, ax = axes
        x = np.arange(len(levels))
        _sweep_mean_panel(top, x, table.mean(axis=0), lang)
        own = [i for i, lv in enumerate(levels) if abs(lv - 100) < 1e-9]
        for i in own:  # the scenario's own level: a dashed line above, a framed column below
            top.axvline(i, color="#333333", linewidth=0.9, linestyle=(0, (4, 2)), zorder=4)
            ax.add_patch(matplotlib.patches.Rectangle((i - 0.5, -0.5), 1, max(len(rows), 1), fill=False,
                                                      edgecolor="#222222", linewidth=1.6, zorder=5, clip_on=False))
        if len(rows):
            _sweep_cells(fig, ax, cut, labels, numbers=numbers, lang=lang)
        else:
            ax.set_yticks([])
            ax.text(0.5, 0.5, wrap_pt(fmt.label("tasks_full", lang, n=len(table)), 0.7 * _width_pt(size)),
                    transform=ax.transAxes, ha="center", va="center")
        rotate = size == "column" or len(levels) > 14
        ax.set_xticks(x, tick_text, rotation=90 if rotate else 0)
        for i in own:
            ax.get_xticklabels()[i].set_fontweight("bold")
        top.tick_params(axis="x", length=0)
        axis = fmt.label("axis_level" if scale is not None else "axis_level_scenario", lang)
        ax.set_xlabel(wrap_pt(axis, _width_pt(size) - 20))
        notes = []
        if own:
            notes.append(("Cột viền đậm, nhãn đậm: " if lang == "vi" else "Framed column, bold label: ")
                         + fmt.label("scenario_level", lang))
        if len(rows) and numbers:
            notes.append(fmt.label("note_sweep", lang))
        if len(rows) and len(table) - len(rows):
            notes.append(fmt.label("tasks_full", lang, n=len(table) - len(rows)))
        if notes:
            _note(fig, "; ".join(notes))
        if title:
            _header(fig, fmt.label("title_sweep", lang), name or "")
        _finish(fig)
    return fig


_FULL = 1 - 1e-9  # a share below this falls short of its target


def _sweep_tables(frame: pd.DataFrame, program: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(every task's share per level, highest level first, in the program's task order; the tasks
    that fall short at some level, ordered by the highest level at which they do)."""
    table = frame.pivot_table(index="task_id", columns="level", values="share", aggfunc="mean")
    levels: list[Any] = sorted(table.columns, reverse=True)
    table = table[levels]
    order = [str(t) for t in program.task_ids] if program is not None else list(table.index)
    order = [t for t in order if t in table.index] + [t for t in table.index if t not in order]
    table = table.loc[order]
    cut = table[(table < _FULL).any(axis=1)]

    def first_cut(tid: str) -> tuple[float, float]:
        row = cut.loc[tid]
        below = [lv for lv in levels if row[lv] < _FULL]
        return (-max(below), float(row[levels[-1]]))

    return table, cut.loc[sorted(cut.index, key=first_cut)]


def _sweep_mean_panel(top: Any, x: Any, mean: pd.Series, lang: str) -> None:
    """The top panel: the average share of all targets per level."""
    top.plot(x, mean.to_numpy() * 100, color=BLUE, marker="o", markersize=3, linewidth=1.4)
    low = float(np.floor(mean.min() * 10) * 10) if len(mean) else 0
    top.set_ylim(min(low, 90), 102)
    top.yaxis.set_major_locator(MaxNLocator(3))
    top.grid(axis="y")
    top.set_title(fmt.label("objective_line", lang), fontweight="normal")
    top.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt.number(round(v), lang, 0) + "%"))


def _sweep_cells(fig: Figure, ax: Any, cut: pd.DataFrame, labels: list[str], *, numbers: bool, lang: str) -> None:
    """The lower panel: a cell per task and level, coloured by its share (white where full), with
    its percentage written in it, or a colour bar below when the cells are too narrow."""
    data = np.ma.masked_where(cut.to_numpy() >= _FULL, cut.to_numpy() * 100)
    cmap = matplotlib.colormaps["cividis"].with_extremes(bad="white")
    image = ax.imshow(data, aspect="auto", cmap=cmap, vmin=0, vmax=100, interpolation="nearest")
    if numbers:
        for (i, j), v in np.ndenumerate(cut.to_numpy()):
            if v < _FULL:
                ax.text(j, i, fmt.share(v, lang).rstrip("%"), ha="center", va="center", fontsize=TEXT_PT,
                        color="white" if v < 0.55 else "black")
    else:
        bar = fig.colorbar(image, ax=ax, location="bottom", shrink=0.8, aspect=30, pad=0.02)
        bar.ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt.number(round(v), lang, 0) + "%"))
        bar.set_ticks([0, 50, 100])
    _task_ticks(ax, labels)
    levels, rows = cut.shape[1], cut.shape[0]
    ax.set_xticks(np.arange(levels + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(rows + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="#E3E3E3", linewidth=0.6)
    ax.tick_params(which="minor", length=0)
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(True)
        ax.spines[side].set_color("#BBBBBB")


# ---------------------------------------------------------------------------------------------
# Monte Carlo: chance of meeting each target


def montecarlo(frame: Any, program: Any = None, *, lang: str = "vi", size: str = "page",
               title: bool = True, name: str | None = None, all_tasks: bool = False,
               samples: int | None = None, varies: str = "") -> Figure:
    """Chance of meeting each task's target (``frame``: task_id, probability), lowest first.

    The subtitle says what varies (``varies``, e.g. ``fmt.uncertainty_text``; taken from the
    Scenario when ``program`` is one) and over how many draws (``samples``). Tasks certain to
    meet their target are counted in a note unless ``all_tasks``.
    """
    fmt.check_lang(lang)
    planned = None
    if program is not None and getattr(program, "uncertainty", None) is not None:
        varies = varies or fmt.uncertainty_text(program.uncertainty, lang)
        planned = program.uncertainty.samples
    name = _name_of(program, lang, name)
    program = _program_of(program)
    frame = montecarlo_frame(frame)
    if samples is None and "samples" in frame.columns:
        samples = int(frame["samples"].iloc[0])
    samples = samples or planned
    data = frame.groupby("task_id", sort=False)["probability"].mean()
    order = {str(t): i for i, t in enumerate(program.task_ids)} if program is not None else {}
    tids = sorted(data.index, key=lambda t: (data[t], order.get(str(t), 10**6)))
    certain = [t for t in tids if data[t] >= 1 - 1e-9]
    if not all_tasks and len(certain) < len(tids):
        tids = [t for t in tids if t not in certain]
    else:
        certain = []
    prob = np.array([data[t] for t in tids]) * 100
    labels = _task_labels(tids, program, lang, size)
    n = len(tids)
    lines = sum(lab.count("\n") + 1 for lab in labels)
    colours = [BLUE if p >= 90 else ORANGE if p >= 50 else VERMILLION for p in prob]
    with style():
        fig = _new_figure(size, 2.2 + 0.2 * lines + 0.06 * n)
        ax = fig.subplots()
        y = np.arange(n)
        ax.barh(y, prob, 0.62, color=colours, zorder=3)
        ends = []
        for yi, p in zip(y, prob, strict=True):
            text = fmt.share(p / 100, lang)
            _annotate(ax, text, (p, yi), xytext=(3, 0), textcoords="offset points", va="center", fontsize=TEXT_PT)
            ends.append((float(p), text))
        for ref in (50, 90):
            ax.axvline(ref, color=GREY, linewidth=0.7, linestyle=(0, (3, 2)), zorder=2)
        _task_ticks(ax, labels)
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_xticks([0, 25, 50, 75, 100] if size == "page" else [0, 50, 100])
        ax.xaxis.set_major_formatter(_whole(lang))
        ax.grid(axis="x", zorder=0)
        ax.set_axisbelow(True)
        ax.set_xlabel(wrap_pt(fmt.label("axis_probability", lang), 0.5 * _width_pt(size)))
        handles = [Patch(color=BLUE, label=fmt.label("prob_high", lang)),
                   Patch(color=ORANGE, label=fmt.label("prob_mid", lang)),
                   Patch(color=VERMILLION, label=fmt.label("prob_low", lang))]
        fig.legend(handles=handles, loc="outside lower center", ncols=3)
        note = fmt.label("tasks_certain", lang, n=len(certain)) if certain else ""
        if title:
            parts = [p for p in (name, varies, fmt.label("samples", lang, n=fmt.number(samples, lang))
                                 if samples else "") if p]
            _header(fig, fmt.label("title_montecarlo", lang), " · ".join(parts), note)
        _finish(fig)
        _fit_xlim(fig, ax, ends, 0, 100)
    return fig


def sweep_frame(data: Any) -> pd.DataFrame:
    """A tidy sweep frame (level, task_id, share[, program_level]) from a frame, a CSV's frame or a
    SweepResult. Accepts ``level`` or ``budget_level`` (as ``analysis.sweep`` writes it); in a
    two-dimensional sweep only the rows at the highest co-funding level are kept."""
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
    if hasattr(data, "probabilities") and hasattr(data, "samples") and "samples" not in frame.columns:
        frame = frame.assign(samples=len(data.samples))
    return frame.assign(task_id=frame["task_id"].astype(str))


def _check_columns(frame: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise KgkcError("the {what} table lacks column(s) {missing}; expected {columns}", what=what,
                        missing=", ".join(missing), columns=", ".join(columns))


# ---------------------------------------------------------------------------------------------
# exact gains: what 1 billion VND more or less buys


def gains(frame: pd.DataFrame, program: Any, *, max_objective: float, lang: str = "vi", size: str = "page",
          title: bool = True, name: str | None = None, source: str = "local") -> Figure:
    """What 1 billion VND more (or less) of the local budget in one year, or in every year, buys
    (or costs), from exact re-solves: per row, which change it is, a bar for the change in the
    average share of targets, and the units gained or given up per task in plain words
    ("+3 cơ sở (II.2 Máy móc thiết bị tiên tiến)"). Years with the same effect share a row."""
    fmt.check_lang(lang)
    name = _name_of(program, lang, name)
    program = _program_of(program)
    rows = gains_rows(frame, program, lang, source, max_objective)
    if not rows:
        raise KgkcError("the gains table has no rows to draw")
    width = 0.96 * _width_pt(size) - 16
    line = TEXT_PT * 1.3  # points per text line
    with style():
        blocks = []
        for r in rows:
            head = wrap_pt(r["label"], width, bold=True)
            text = wrap_pt(r["text"], width)
            blocks.append((head, text, head.count("\n") + 1, text.count("\n") + 1))
        # in data units of one text line: heading, bar (1.6 lines), words, gap
        spans = [h + 1.6 + t + 0.9 for _, _, h, t in blocks]
        total = sum(spans)
        fig = _new_figure(size, (2.2 if size == "page" else 2.8) + total * line / 72)
        ax = fig.subplots()
        points = np.array([r["points"] if r["points"] is not None else 0.0 for r in rows])
        lim = max(float(np.abs(points).max()), 1e-9)
        pos = 0.0
        ends: list[tuple[float, str]] = []
        for r, (head, text, h, _), span in zip(rows, blocks, spans, strict=True):
            _annotate(ax, head, (0, pos), xycoords=("axes fraction", "data"), ha="left", va="top",
                      fontsize=TEXT_PT, fontweight="bold", annotation_clip=False, zorder=6, bbox=PLAIN)
            bar_y = pos + h + 0.8
            colour = BLUE if r["amount"] > 0 else VERMILLION
            ax.barh([bar_y], [points[len(ends)]], 1.0, color=colour, zorder=3)
            value = points_text(points[len(ends)], lang) if r["points"] is not None else ""
            if value:
                v = points[len(ends)]
                _annotate(ax, value, (v, bar_y), xytext=(4 if v >= 0 else -4, 0), textcoords="offset points",
                            ha="left" if v >= 0 else "right", va="center", fontsize=TEXT_PT)
            ends.append((float(points[len(ends)]), value))
            _annotate(ax, text, (0, bar_y + 0.8), xycoords=("axes fraction", "data"), ha="left", va="top",
                      fontsize=TEXT_PT, color="#222222", annotation_clip=False, zorder=6, bbox=PLAIN)
            if pos > 0:
                ax.axhline(pos - 0.45, color="#BBBBBB", linewidth=0.5, zorder=1)
            pos += span
        ax.set_ylim(pos - 0.5, -0.3)
        ax.set_yticks([])
        ax.spines["left"].set_visible(False)
        ax.axvline(0, color="#555555", linewidth=0.7, zorder=4)
        ax.xaxis.set_major_locator(MaxNLocator(5, symmetric=True))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt.number(round(v, 1), lang, None, sign=True)))
        ax.grid(axis="x", zorder=0)
        ax.set_axisbelow(True)
        ax.set_xlabel(fmt.label("axis_gains", lang))
        if title:
            what = fmt.label("local" if source == "local" else "cofunding_short", lang)
            sub = ("mỗi dòng là một lần tính lại phương án" if lang == "vi"
                   else "each row is an exact re-solve of the plan")
            title_text = fmt.label("title_gains", lang)
            if source != "local":
                title_text = title_text.replace(fmt.label("local", lang).lower(), what.lower())
            _header(fig, title_text, f"{name} · {sub}" if name else sub)
        _finish(fig)
        _fit_xlim(fig, ax, ends, -lim * 1.05, lim * 1.05)
        _fit_height(fig, ax, pos + 0.2, line)
    return fig


def _fit_height(fig: Figure, ax: Any, units: float, pt_per_unit: float) -> None:
    """Grow or shrink the figure until ``ax`` is ``units`` text lines tall (texts placed in data
    units of one line then neither overlap nor leave gaps)."""
    for _ in range(3):
        fig.canvas.draw()
        have = ax.get_window_extent(_renderer(fig)).height * 72 / fig.dpi
        need = units * pt_per_unit
        if abs(have - need) < 1:
            return
        fig.set_figheight(fig.get_figheight() + (need - have) / 72)
        _header_refit(fig)


# ---------------------------------------------------------------------------------------------
# difference between two scenarios


def difference(
    result: Any, base: Any, program: Any, *, lang: str = "vi", size: str = "page", title: bool = True,
    names: tuple[str, str] | None = None,
) -> Figure:
    """Per task: change in units achieved and in local budget, ``result`` minus ``base``.

    On a page the two panels sit side by side with the task names on the left; in a column they
    are stacked, and each task's name is written above its bar so that the bars get the width.
    """
    fmt.check_lang(lang)
    _need_plan(result, "difference")
    _need_plan(base, "difference")
    own = _name_of(program, lang, None)
    program = _program_of(program)
    diff = task_difference(result, base)
    changed = diff[(diff["share"].abs() > 1e-9) | (diff["local_budget"].abs() > 1e-6)]
    tids = [str(t) for t in changed.index]
    column = size == "column"
    width = _width_pt(size) - 20 if column else _label_width(size)
    labels = [wrap_pt(lab.replace("\n", " "), width) for lab in _task_labels(tids, program, lang, size)]
    heights = [lab.count("\n") + 1 for lab in labels]
    line = TEXT_PT * 1.3
    with style():
        fig, axes, ys, span = _difference_figure(size, heights, line)
        fits = []
        if tids:
            share = changed["share"].to_numpy() * 100
            money = changed["local_budget"].to_numpy()
            for ax, values, is_money in ((axes[0], share, False), (axes[1], money, True)):
                texts = [fmt.number(round(v), lang, 0, sign=True) if is_money else
                         fmt.quantity(cast("float | int", changed.loc[tid, "quantity"]), _unit(program, tid, lang),
                                      lang, sign=True)
                         for tid, v in zip(tids, values, strict=True)]
                fits.append(_difference_bars(ax, ys, values, texts, column=column))
                if column:
                    _names_above_bars(ax, ys, heights, labels, span)
            if not column:
                _task_ticks(axes[0], labels)
                axes[0].set_ylim(len(tids) - 0.5, -0.5)
                axes[1].tick_params(axis="y", length=0)
                _group_separators(axes[0], tids)
                _group_separators(axes[1], tids)
        else:
            for ax in axes:
                ax.set_yticks([])
            axes[0].text(0.5, 0.5, wrap_pt(fmt.label("no_difference", lang), 0.4 * _width_pt(size)),
                         transform=axes[0].transAxes, ha="center", va="center")
        axes[0].set_xlabel(fmt.label("axis_diff_share", lang))
        axes[1].set_xlabel(fmt.label("axis_diff_money", lang))
        others = len(diff) - len(tids)
        if others and tids:
            _note(fig, fmt.label("tasks_unchanged", lang, n=others))
        if title:
            mine, theirs = names or (own, "")
            sub = f"{mine} {fmt.label('vs', lang)} “{theirs}”" if mine and theirs else mine or theirs
            _header(fig, fmt.label("title_difference", lang), sub)
        _finish(fig)
        if column and tids:
            _fit_height(fig, axes[0], span - 0.1, line)
        for ax, ends, lo, hi, values in fits:
            _fit_xlim(fig, ax, ends, lo, hi)
            _data_ticks(fig, ax, values, lang)
    return fig


def _difference_figure(size: str, heights: list[int], line: float) -> tuple[Figure, Any, list[Any], float]:
    """(figure, its two panels, each task's bar position, the column layout's height in text lines).
    In a column, per task in text lines: its name, then its bar (1.5 lines), then a gap."""
    if size == "column":
        ys, pos = [], 0.0
        for h in heights:
            ys.append(pos + h + 0.75)
            pos += h + 1.5 + 0.5
        span = max(pos, 2.0)
        fig = _new_figure(size, 2.6 + 2 * span * line / 72)
        return fig, fig.subplots(2, 1), ys, span
    fig = _new_figure(size, 2.0 + 0.22 * sum(heights) + 0.08 * len(heights))
    return fig, fig.subplots(1, 2, sharey=True), list(np.arange(len(heights))), 0.0


def _difference_bars(ax: Any, ys: list[Any], values: Any, texts: list[str], *,
                     column: bool) -> tuple[Any, list[tuple[float, str]], float, float, Any]:
    """One panel's bars (blue up, vermillion down), each labelled; returns what ``_fit_xlim`` and
    ``_data_ticks`` need once the figure is laid out."""
    colours = [BLUE if v >= 0 else VERMILLION for v in values]
    ax.barh(ys, values, 1.1 if column else 0.55, color=colours, zorder=3)
    ax.axvline(0, color="#555555", linewidth=0.7, zorder=4)
    ax.grid(axis="x", zorder=0)
    ax.set_axisbelow(True)
    ends = []
    for yi, v, text in zip(ys, values, texts, strict=True):
        # every label right of the bar or of the zero line: one column of figures that never
        # crosses a bar or the axis
        _annotate(ax, text, (max(v, 0), yi), xytext=(4, 0), textcoords="offset points",
                  ha="left", va="center", fontsize=TEXT_PT, zorder=5)
        ends.append((float(max(v, 0)), text))
    lim = max(float(np.abs(values).max()), 1e-9)
    lo = -lim * 0.1 if values.min() >= 0 else -lim
    hi = lim * 0.1 if values.max() <= 0 else lim
    ax.set_xlim(lo, hi)
    return ax, ends, lo, hi, values


def _names_above_bars(ax: Any, ys: list[Any], heights: list[int], labels: list[str], span: float) -> None:
    """In a column: each task's name above its bar, the bars given the panel's width."""
    for yi, h, lab in zip(ys, heights, labels, strict=True):
        _annotate(ax, lab, (0, yi - 0.75 - h), xycoords=("axes fraction", "data"), ha="left",
                  va="top", fontsize=TEXT_PT, annotation_clip=False, zorder=6, bbox=PLAIN)
    ax.set_ylim(span - 0.3, -0.2)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)


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
# one entry point for the command line and the brief


def render(kind: str, result: Any = None, program: Any = None, *, base: Any = None,
           frame: Any = None, lang: str = "vi", size: str = "page", name: str | None = None,
           base_name: str | None = None, **options: Any) -> Figure:
    """Draw chart ``kind`` (one of KINDS) from a result (and base result) or a tidy frame.

    ``program`` may be the Scenario (its title then names the chart); ``name``/``base_name``
    override the titles; ``options`` go to the chart function (``samples``, ``varies``, ``scale``).
    """
    names = (name if name is not None else _name_of(program, lang, None), base_name or "")
    builders: dict[str, Callable[[], Figure]] = {
        "budget": lambda: budget(result, program, lang=lang, size=size, name=name),
        "achievement": lambda: achievement(result, program, base, lang=lang, size=size, names=names),
        "gains": lambda: gains(_frame(frame, kind), program, lang=lang, size=size, name=name,
                               max_objective=options.get("max_objective") or
                               (result.max_objective if result is not None else 1.0)),
        "difference": lambda: difference(result, base, program, lang=lang, size=size, names=names),
        "sweep": lambda: sweep(_frame(frame, kind), program, lang=lang, size=size, name=name,
                               scale=options.get("scale")),
        "montecarlo": lambda: montecarlo(_frame(frame, kind), program, lang=lang, size=size, name=name,
                                         samples=options.get("samples"), varies=options.get("varies", "")),
    }
    if kind not in builders:
        raise KgkcError("unknown chart {kind!r}; choose one of {kinds}", kind=kind, kinds=", ".join(KINDS))
    if kind in ("budget", "achievement", "difference") and result is None:
        raise KgkcError("the {kind} chart needs a solved scenario", kind=kind)
    if kind == "difference" and base is None:
        raise KgkcError("the difference chart needs a second scenario to compare with (--compare)")
    return builders[kind]()


def _frame(frame: Any, kind: str) -> Any:
    if frame is None:
        raise KgkcError("the {kind} chart needs its table (a CSV file with the {kind} results)", kind=kind)
    return frame

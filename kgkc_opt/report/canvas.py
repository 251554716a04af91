"""The page a chart is drawn on (with ``report.charts``, the only modules that import matplotlib).

The house style (``style``: one font, DejaVu Sans, with every Vietnamese glyph; the Okabe–Ito
palette; fonts embedded in PDF, text as paths in SVG), print sizes (``WIDTHS``: 16 cm for an A4
page, 8 cm for a column; no text under ``MIN_PT``), text measured in points and wrapped to a width
without ever being cut (``text_width``, ``wrap_pt``), the pieces every chart shares (a figure of
the print size, a header wrapped to its width, notes, task labels, ticks over the data's range,
x limits that leave room for outward labels), and writing a figure as PNG, SVG or PDF bytes or
files (``to_bytes``, ``save``: no dates inside, so the same chart gives the same bytes).
``report.charts`` draws the charts on it.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.rcsetup import cycler  # matplotlib.cycler: the validating cycler
from matplotlib.textpath import TextToPath
from matplotlib.ticker import FuncFormatter, MaxNLocator

from kgkc_opt.errors import InfeasibleError, KgkcError, NoSolutionError, OutputError
from kgkc_opt.report import fmt
from kgkc_opt.report.files import write_file

#: Okabe & Ito (2008): distinguishable with protanopia, deuteranopia and tritanopia.
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000")
GROUP_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#56B4E9", "#D55E00", "#CC79A7", "#F0E442", "#7F7F7F")
BLUE, ORANGE, VERMILLION, GREY, LIGHT_GREY = "#0072B2", "#E69F00", "#D55E00", "#8C8C8C", "#D9D9D9"
FONT = "DejaVu Sans"
#: a white ground under words written across grid lines
PLAIN = {"facecolor": "white", "edgecolor": "none", "pad": 0.6}

#: Widths in inches: an A4 page inside its margins (16 cm), and one of two columns (8 cm).
WIDTHS = {"page": 16 / 2.54, "column": 8 / 2.54}
DPI = 300
FORMATS = ("png", "svg", "pdf")
#: The smallest text at print size, in points (8 pt is the usual minimum for printed figures).
MIN_PT = 8.0
TEXT_PT, TITLE_PT, SUBTITLE_PT = 8.0, 10.0, 8.5

STYLE: dict[str, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT],
    "font.size": TEXT_PT,
    "axes.titlesize": TEXT_PT,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": TEXT_PT,
    "axes.edgecolor": "#555555",
    "axes.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": cycler(color=list(OKABE_ITO)),
    "axes.unicode_minus": True,
    "xtick.labelsize": TEXT_PT,
    "ytick.labelsize": TEXT_PT,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "legend.fontsize": TEXT_PT,
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


# ---------------------------------------------------------------------------------------------
# text measured in points, and wrapped to a width without ever being cut

_PATHS = TextToPath()


def text_width(text: str, size: float = TEXT_PT, bold: bool = False) -> float:
    """The width of one line of ``text`` in points, in the chart font at ``size``."""
    if not text:
        return 0.0
    prop = FontProperties(family=FONT, size=size, weight="bold" if bold else "normal")
    width, _, _ = _PATHS.get_text_width_height_descent(text, prop, ismath=False)
    return 1.03 * float(width)  # the rendered text runs up to 2% wider than its outline


def wrap_pt(text: str, width_pt: float, size: float = TEXT_PT, bold: bool = False) -> str:
    """Wrap ``text`` at spaces into lines no wider than ``width_pt`` (a single word longer than the
    width stays whole on its own line): nothing is ever cut or replaced by an ellipsis."""
    out: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            trial = f"{line} {word}" if line else word
            if line and text_width(trial, size, bold) > width_pt:
                out.append(line)
                line = word
            else:
                line = trial
        out.append(line)
    return "\n".join(out)


def _width_pt(size: str) -> float:
    return WIDTHS[size] * 72


def _layout_engine(fig: Figure) -> ConstrainedLayoutEngine:
    """The figure's layout engine: every chart is made by ``_new_figure``, with the constrained layout."""
    return cast(ConstrainedLayoutEngine, fig.get_layout_engine())


def _new_figure(size: str, height: float) -> Figure:
    if size not in WIDTHS:
        raise KgkcError("unknown chart size {size!r}; choose 'page' or 'column'", size=size)
    fig = Chart(figsize=(WIDTHS[size], height), layout="constrained")
    _layout_engine(fig).set(h_pad=0.04, w_pad=0.04, hspace=0.03, wspace=0.03)
    return fig


def _header(fig: Figure, title: str, subtitle: str = "", note: str = "") -> None:
    """A bold title and a grey subtitle above the chart (and a note under the subtitle: notes go
    here in charts with a legend at the bottom), wrapped to the figure's width."""
    fig._kgkc_header = (title, subtitle, note)  # type: ignore[attr-defined]
    _header_refit(fig)


def _header_refit(fig: Figure) -> None:
    """(Re)place the header for the figure's current height, each block under the last as rendered."""
    spec = getattr(fig, "_kgkc_header", None)
    if spec is None:
        return
    for text in getattr(fig, "_kgkc_header_texts", ()):
        text.remove()
    title, subtitle, note = spec
    height = fig.get_figheight()
    width = fig.get_figwidth() * 72 - 10
    renderer = _renderer(fig)
    texts = []
    used = 0.05  # inches from the top
    for content, size, colour, bold in ((title, TITLE_PT, "black", True), (subtitle, SUBTITLE_PT, "#444444", False),
                                        (note, TEXT_PT, "#555555", False)):
        if not content:
            continue
        content = wrap_pt(content, width, size, bold=bold)
        text = fig.text(0.01, 1 - used / height, content, ha="left", va="top", fontsize=size, color=colour,
                        fontweight="bold" if bold else "normal")
        texts.append(text)
        used += text.get_window_extent(renderer).height / fig.dpi + 0.05
    fig._kgkc_header_texts = texts  # type: ignore[attr-defined]
    _layout_engine(fig).set(rect=(0, 0, 1, 1 - (used + 0.04) / height))


def _finish(fig: Figure) -> None:
    """Wrap each axes' title and x-axis label to that axes' width, once the layout is known."""
    fig.canvas.draw()
    renderer = _renderer(fig)
    for ax in fig.axes:
        width = ax.get_window_extent(renderer).width * 72 / fig.dpi
        label = ax.xaxis.label
        if label.get_text():
            label.set_text(wrap_pt(label.get_text().replace("\n", " "), max(0.94 * width, 60)))
        for title in (ax.title, getattr(ax, "_left_title", ax.title)):
            if title.get_text():
                title.set_text(wrap_pt(title.get_text().replace("\n", " "), max(0.94 * width, 60),
                                       bold=title.get_fontweight() == "bold"))


def _note(fig: Figure, text: str) -> None:
    """A grey note under the chart (in the layout, so it never overlaps the axes)."""
    fig.supxlabel(wrap_pt(text, fig.get_figwidth() * 72 - 10), x=0.01, ha="left", fontsize=TEXT_PT,
                  color="#555555")


def _renderer(fig: Figure) -> Any:
    if getattr(fig.canvas, "get_renderer", None) is None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)
    return cast(Any, fig.canvas).get_renderer()  # an Agg canvas (or one of its kind) by now


def _task_ticks(ax: Any, labels: list[str]) -> None:
    """Task labels on the y axis, each block's lines left-aligned (reads better than ragged)."""
    ax.set_yticks(np.arange(len(labels)), labels)
    width = max((text_width(line) for lab in labels for line in lab.split("\n")), default=0)
    ax.tick_params(axis="y", pad=width + 3, length=0)
    for text in ax.get_yticklabels():
        text.set_horizontalalignment("left")


def _program_of(obj: Any) -> Any:
    """A Program from a Program or a Scenario (or None)."""
    if obj is None:
        return None
    return obj if hasattr(obj, "tasks") else getattr(obj, "program", None)


def _name_of(obj: Any, lang: str, given: str | None) -> str:
    """What to call the scenario: ``given``, else the title of ``obj`` when it is a Scenario."""
    if given is not None:
        return given
    if obj is not None and hasattr(obj, "changes") and hasattr(obj, "program"):
        return fmt.scenario_title(obj, lang)
    return ""


def _label_width(size: str) -> float:
    """Points given to task labels on the y axis: about 40% of a page, half a column."""
    return 0.36 * _width_pt(size) if size == "page" else 0.44 * _width_pt(size)


def _task_labels(task_ids: Iterable[str], program: Any, lang: str, size: str) -> list[str]:
    labels = []
    for tid in task_ids:
        try:
            task = program.task(tid) if program is not None else None
        except KeyError:
            task = None
        text = fmt.task_name(task, lang, short=True) if task is not None else str(tid)
        labels.append(wrap_pt(text, _label_width(size)))
    return labels


def _unit(program: Any, tid: str, lang: str) -> str:
    try:
        return str(program.task(tid).unit.get(lang))
    except (AttributeError, KeyError):
        return ""


def _need_plan(result: Any, what: str) -> None:
    if not result.has_plan:
        values = {"scenario": result.scenario, "status": result.status.value, "what": what}
        if result.status.value == "infeasible":
            raise InfeasibleError("scenario {scenario!r} has no plan ({status}): no {what} chart can be drawn",
                                  result.explanation, **values)
        raise NoSolutionError("scenario {scenario!r} has no plan ({status}): no {what} chart can be drawn", **values)


def _annotate(ax: Any, text: str, xy: Any, **kwargs: Any) -> Any:
    """An annotation kept out of the layout: where it goes is settled by ``_fit_xlim`` and the
    figure's height, not by shrinking the axes around it."""
    artist = ax.annotate(text, xy, **kwargs)
    artist.set_in_layout(False)
    return artist


def _data_ticks(fig: Figure, ax: Any, values: Iterable[float], lang: str, signed: bool = True) -> None:
    """Ticks only over the data's own range (plus zero), however far the axis extends for labels,
    and no closer together than their labels allow."""
    vals = [float(v) for v in values] + [0.0]
    lo, hi = min(vals), max(vals)
    span = (hi - lo) or 1.0
    x0, x1 = ax.get_xlim()
    width_pt = ax.get_window_extent(_renderer(fig)).width * 72 / fig.dpi
    room = width_pt * span / max(x1 - x0, 1e-12)
    label = max(text_width(fmt.number(round(v), lang, 0, sign=signed)) for v in (lo, hi))
    bins = max(1, min(4, int(room / (label + 12))))
    ticks = MaxNLocator(bins, symmetric=lo < 0 < hi).tick_values(lo, hi)
    ax.set_xticks([t for t in ticks if lo - 0.15 * span <= t <= hi + 0.15 * span])
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt.number(round(v), lang, 0, sign=signed)))


def _whole(lang: str) -> FuncFormatter:
    return FuncFormatter(lambda v, _pos: fmt.number(round(v), lang, 0))


def _fit_xlim(fig: Figure, ax: Any, ends: list[tuple[float, str]], lo: float, hi: float,
              pad_pt: float = 4.0) -> None:
    """Widen the x range so that each label written outward from its bar end fits inside the axes.

    ``ends``: (bar end, label text) pairs; a label goes right of a positive end, left of a negative.
    A label needing a share f of the axes' width beyond its end gives lo ≤ (end − f·hi)/(1 − f)
    (and the mirror for hi); both bounds are settled together in a few rounds.
    """
    ax.set_xlim(lo, hi)
    fig.canvas.draw()  # the layout fixes the axes' width in points
    width_pt = max(ax.get_window_extent(_renderer(fig)).width * 72 / fig.dpi, 1.0)
    for _ in range(8):
        new_lo, new_hi = lo, hi
        for end, text in ends:
            if not text:
                continue
            f = min((max(text_width(line) for line in text.split("\n")) + pad_pt + 2) / width_pt, 0.85)
            if end >= 0:
                new_hi = max(new_hi, (end - f * new_lo) / (1 - f))
            else:
                new_lo = min(new_lo, (end - f * new_hi) / (1 - f))
        if abs(new_lo - lo) < 1e-9 and abs(new_hi - hi) < 1e-9:
            break
        lo, hi = new_lo, new_hi
    ax.set_xlim(lo, hi)


# ---------------------------------------------------------------------------------------------
# saving


def _format_of(path: str | Path, fmt_: str | None = None) -> str:
    kind = (fmt_ or Path(path).suffix.lstrip(".")).lower()
    if kind not in FORMATS:
        if not kind:
            raise OutputError("{path}: charts are written as .svg, .png or .pdf; the name has no suffix", path=path)
        raise OutputError("{path}: charts are written as .svg, .png or .pdf, not {kind!r}", path=path, kind=kind)
    return kind


def _metadata(kind: str) -> dict[str, Any]:
    # no dates: the same chart gives the same bytes
    return {"svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None},
            "png": {"Software": None}}[kind]


def to_bytes(fig: Figure, kind: str = "png", dpi: int = DPI) -> bytes:
    """The figure as PNG, SVG or PDF bytes, in the house style (fonts embedded), at its print size."""
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

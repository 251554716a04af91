"""Charts: every kind drawn in both languages without a missing glyph, print formats, the CLI.

A missing-glyph warning from matplotlib fails these tests: every figure is drawn and saved with
all warnings turned into errors. The fonts are checked directly too: every character of every
label and of the program's names must be in DejaVu Sans (regular and bold).
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import warnings
from contextlib import contextmanager

import matplotlib
import pandas as pd
import pytest
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from PIL import Image

import kgkc_opt as kg
from kgkc_opt.cli import app as cli
from kgkc_opt.errors import InfeasibleError, KgkcError, OutputError
from kgkc_opt.report import charts, fmt
from tests.support.paths import ROOT, SCENARIOS

# one worker runs the whole module (tests/run_all.sh: --dist loadgroup): its module fixtures are solved once
pytestmark = pytest.mark.xdist_group("charts")

matplotlib.use("Agg")  # no pyplot is used, but no display either
LANGS = ("vi", "en")


@contextmanager
def strict():
    """Every warning is an error (a missing glyph above all)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


SIZES = ("page", "column")


@pytest.fixture(scope="module")
def sweep_frame(baseline_scenario) -> pd.DataFrame:
    """The sweep contract (level, task_id, share, objective), by solving derived scenarios."""
    rows = []
    for level in (100, 80, 60):
        s = baseline_scenario if level == 100 else baseline_scenario.derive(
            name=f"{level}%", budget={"all": f"{level - 100}%"})
        r = kg.solve(s)
        for tid, a in r.achievement.iterrows():
            rows.append({"level": level, "task_id": tid, "share": a["share"], "objective": r.objective})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def cut20_sweep(cut20_scenario):
    from kgkc_opt.analysis import sweep

    return sweep.sweep(cut20_scenario, budget=sweep.parse_levels("100:40:-5"), workers=1)


@pytest.fixture(scope="module")
def mc_scenario():
    return kg.load_scenario(SCENARIOS / "uncertain-cofunding.yaml")


@pytest.fixture(scope="module")
def mc_result(mc_scenario):
    from kgkc_opt.analysis import sweep

    return sweep.monte_carlo(mc_scenario, samples=30, workers=1)


@pytest.fixture(scope="module")
def mc_frame(program) -> pd.DataFrame:
    probs = {tid: 1.0 for tid in program.task_ids}
    probs.update({"II.2": 0.0, "III.5": 0.7, "III.8": 0.93, "VIII.6": 0.975})
    return pd.DataFrame({"task_id": list(probs), "probability": list(probs.values())})


@pytest.fixture(scope="module")
def cut20_gains(cut20_scenario, cut20_result) -> pd.DataFrame:
    from kgkc_opt.analysis.gains import gains_table

    return gains_table(cut20_scenario, cut20_result)


def _draw(kind, lang, size, *, cut20_scenario, cut20_result, baseline_result, cut20_sweep, mc_scenario,
          mc_result, cut20_gains) -> Figure:
    scn = cut20_scenario
    return {
        "budget": lambda: charts.budget(cut20_result, scn, lang=lang, size=size),
        "achievement": lambda: charts.achievement(cut20_result, scn, baseline_result, lang=lang, size=size),
        "gains": lambda: charts.gains(cut20_gains, scn, max_objective=cut20_result.max_objective, lang=lang,
                                      size=size),
        "difference": lambda: charts.difference(cut20_result, baseline_result, scn, lang=lang, size=size),
        "sweep": lambda: charts.sweep(cut20_sweep, scn, lang=lang, size=size),
        "montecarlo": lambda: charts.montecarlo(mc_result, mc_scenario, lang=lang, size=size),
    }[kind]()


@pytest.fixture(scope="module")
def figures(cut20_scenario, cut20_result, baseline_result, cut20_sweep, mc_scenario, mc_result,
            cut20_gains) -> dict[tuple[str, str, str], Figure]:
    """Every chart of the 20% cut, in both languages, at both print sizes."""
    out = {}
    with strict():
        for kind in charts.KINDS:
            for lang in LANGS:
                for size in SIZES:
                    out[(kind, lang, size)] = _draw(
                        kind, lang, size, cut20_scenario=cut20_scenario, cut20_result=cut20_result,
                        baseline_result=baseline_result, cut20_sweep=cut20_sweep, mc_scenario=mc_scenario,
                        mc_result=mc_result, cut20_gains=cut20_gains)
    return out


def test_every_kind_is_drawn(figures):
    assert {k for k, _, _ in figures} == set(charts.KINDS)
    for (_, _, size), fig in figures.items():
        assert isinstance(fig, Figure)
        assert fig.get_figwidth() == pytest.approx(charts.WIDTHS[size])


# --- legibility at print size: measured on the rendered figure ----------------------------


def drawn_texts(fig: Figure) -> list[matplotlib.text.Text]:
    """Every text the renderer draws: titles, labels, tick labels in view, annotations, legends."""
    fig.canvas.draw()
    hidden = set()
    for ax in fig.axes:
        for axis, (lo, hi) in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
            lo, hi = min(lo, hi), max(lo, hi)
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                loc = tick.get_loc()
                if loc is None or not lo - 1e-9 <= loc <= hi + 1e-9:  # out of view: not drawn
                    hidden |= {id(tick.label1), id(tick.label2)}
    return [t for t in fig.findobj(matplotlib.text.Text)
            if t.get_visible() and t.get_text().strip() and id(t) not in hidden]


def _extent(fig: Figure, text: matplotlib.text.Text):
    return text.get_window_extent(fig.canvas.get_renderer())


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", charts.KINDS)
def test_text_is_at_least_8_pt_at_print_size(figures, kind, lang, size):
    fig = figures[(kind, lang, size)]
    assert fig.get_figwidth() * 2.54 == pytest.approx(16 if size == "page" else 8)
    texts = drawn_texts(fig)
    assert len(texts) > 5
    for t in texts:
        assert t.get_fontsize() >= charts.MIN_PT, (t.get_text(), t.get_fontsize())
        lines = t.get_text().count("\n") + 1
        # rendered: the height of a line of text, in points on paper (the figure is printed at its size)
        height_pt = _extent(fig, t).height * 72 / fig.dpi / lines
        assert height_pt >= charts.MIN_PT - 0.01, (t.get_text(), round(height_pt, 2))


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", charts.KINDS)
def test_no_text_is_cut_or_overlaps(figures, kind, lang, size):
    fig = figures[(kind, lang, size)]
    texts = drawn_texts(fig)
    page = fig.bbox
    boxes = []
    for t in texts:
        text = t.get_text()
        assert "…" not in text and "..." not in text, text
        box = _extent(fig, t)
        # inside the figure: nothing runs off the edge of the printed chart
        assert box.x0 >= page.x0 - 1 and box.x1 <= page.x1 + 1, (text, box.x0, box.x1, page.x1)
        assert box.y0 >= page.y0 - 1 and box.y1 <= page.y1 + 1, (text, box.y0, box.y1)
        boxes.append((text, box))
    for i, (a, box_a) in enumerate(boxes):
        for b, box_b in boxes[i + 1:]:
            w = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
            h = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
            assert w <= 1.5 or h <= 1.5, f"{a!r} overlaps {b!r}"


@pytest.mark.parametrize("size", SIZES)
def test_cap_labels_clear_the_cap_lines(figures, size):
    fig = figures[("budget", "vi", size)]
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        caps = [line for line in ax.get_lines() if len(line.get_xdata()) == 2]
        assert caps
        for text in ax.texts:
            box = text.get_window_extent(renderer)
            for line in caps:
                lb = line.get_window_extent(renderer)
                overlap_x = min(box.x1, lb.x1) - max(box.x0, lb.x0)
                overlap_y = min(box.y1, lb.y1) - max(box.y0, lb.y0)
                assert overlap_x <= 0 or overlap_y <= 0.5, text.get_text()


def _texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in drawn_texts(fig)]


def test_notes_only_when_they_apply(figures, cut20_result, baseline_result, program):
    # the cut leaves co-funding unused in some years: the note on shares under 90% is there, with
    # each such year's share
    cut = " ".join(_texts(figures[("budget", "vi", "page")]))
    low = [fmt.share(r.used / r.cap) for r in cut20_result.budget.itertuples() if r.cap and r.used < 0.9 * r.cap]
    assert low and "Số % dưới năm" in cut and all(share in cut for share in low), low
    with strict():
        base = charts.budget(baseline_result, program)
    text = " ".join(_texts(base))
    if all(r.used >= 0.9 * r.cap for r in baseline_result.budget.itertuples()):
        assert "Số % dưới năm" not in text


def test_one_number_rule(figures):
    ach = " ".join(_texts(figures[("achievement", "vi", "page")]))
    assert "12/28 cơ sở (42%)" in ach  # 42.86% rounded down
    assert "74/75 người (98%)" in ach
    assert "74/75 persons (98%)" in " ".join(_texts(figures[("achievement", "en", "page")]))
    assert fmt.share(208 / 209) == "99%" and fmt.share(1.0) == "100%" and fmt.share(0.004) == "<1%"


def test_scenarios_are_named_by_their_titles(figures, cut20_scenario):
    title_vi, title_en = cut20_scenario.title.vi, cut20_scenario.title.en
    for (kind, lang, _), fig in figures.items():
        text = " ".join(_texts(fig))
        assert "cut-20pct" not in text and "baseline" not in text and ".yaml" not in text, kind
        if kind not in ("montecarlo",):
            assert (title_vi if lang == "vi" else title_en) in text.replace("\n", " "), (kind, lang)


def test_labels_are_vietnamese_by_default(figures):
    vi = " ".join(_texts(figures[("budget", "vi", "page")]))
    en = " ".join(_texts(figures[("budget", "en", "page")]))
    assert "Vốn ngân sách" in vi and "Kế hoạch vốn năm" in vi
    assert "4.000" in vi and "7.040" in vi  # Vietnamese thousands
    assert "4,000" in en and "7,040" in en
    # group I and group VIII read differently even at column width (short names)
    column = _texts(figures[("budget", "vi", "column")])
    assert any(t.startswith("I. Năng lực quản lý") for t in column)
    assert any(t.startswith("VIII. Quản lý nhà nước") for t in column)


def test_difference_names_the_changed_tasks(figures):
    texts = " ".join(_texts(figures[("difference", "vi", "page")]))
    assert "\u221216 cơ sở" in texts and "\u22124.800" in texts and "+1 cơ sở" in texts
    assert "21 nhiệm vụ khác không đổi" in texts


def test_gains_chart_says_what_a_billion_buys(figures, cut20_gains, program):
    texts = " ".join(_texts(figures[("gains", "vi", "page")])).replace("\n", " ")
    plus = cut20_gains[(cut20_gains["year"] == 2021) & (cut20_gains["amount"] > 0)]
    for tid, units in zip(plus["task_id"], plus["units"], strict=True):
        task = program.task(tid)
        assert f"{fmt.number(units, 'vi', 0, sign=True)} {task.unit.vi.lower()} ({tid} {task.short_name.vi})" in texts
    assert "Thêm 1 tỷ đồng mỗi năm" in texts and "Bớt 1 tỷ đồng mỗi năm" in texts
    assert "Giá trị biên" not in texts and "tài trợ" not in texts


def test_sweep_axis_is_in_percent_of_the_program(figures):
    fig = figures[("sweep", "vi", "page")]
    ax = fig.axes[1]
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks[0] == "80%" and ticks[-1] == "32%"  # 100% and 40% of a 20% cut's caps
    bold = [t.get_text() for t in ax.get_xticklabels() if t.get_fontweight() == "bold"]
    assert bold == ["80%"]  # the scenario's own level is marked
    assert "kế hoạch vốn của quyết định" in ax.get_xlabel().replace("\n", " ")


def test_montecarlo_says_what_varies_and_how_often(figures, mc_result):
    sub = " ".join(_texts(figures[("montecarlo", "vi", "page")])).replace("\n", " ")
    assert "Vốn đối ứng mỗi năm biến động đều trong khoảng" in sub
    assert f"{len(mc_result.samples)} lần mô phỏng" in sub
    en = " ".join(_texts(figures[("montecarlo", "en", "page")])).replace("\n", " ")
    assert "Co-funding each year varies uniformly" in en and "30 draws" in en


@pytest.mark.parametrize("kind", charts.KINDS)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("fmt_", charts.FORMATS)
def test_saves_without_a_missing_glyph(figures, tmp_path, kind, lang, fmt_):
    path = tmp_path / f"{kind}.{fmt_}"
    with strict():
        charts.save(figures[(kind, lang, "page")], path)
    assert path.stat().st_size > 1000


@pytest.mark.parametrize("kind", charts.KINDS)
@pytest.mark.parametrize("size", SIZES)
def test_png_is_300_dpi_at_print_width(figures, tmp_path, kind, size):
    path = tmp_path / f"{kind}.png"
    charts.save(figures[(kind, "vi", size)], path)
    with Image.open(path) as im:
        assert tuple(round(d) for d in im.info["dpi"]) == (300, 300)
        assert abs(im.width - round(charts.WIDTHS[size] * 300)) <= 1


@pytest.mark.parametrize("kind", ["budget", "achievement"])
def test_pdf_embeds_truetype_fonts(figures, kind):
    data = charts.to_bytes(figures[(kind, "vi", "page")], "pdf")
    assert b"/FontFile2" in data  # TrueType program embedded (pdf.fonttype 42)
    assert b"/Subtype /Type3" not in data
    assert re.search(rb"/BaseFont /[A-Z]{6}\+DejaVuSans", data)  # a subset of DejaVu Sans
    assert b"/CreationDate" not in data  # reproducible bytes


@pytest.mark.parametrize("kind", ["budget", "difference"])
def test_svg_has_text_as_paths(figures, kind):
    svg = charts.to_bytes(figures[(kind, "vi", "page")], "svg").decode("utf-8")
    assert "<text" not in svg  # nothing depends on the reader's fonts
    assert 'id="DejaVuSans-' in svg  # glyph outlines defined once, reused
    assert "<dc:date>" not in svg


def test_output_is_reproducible(program, cut20_result):
    with strict():
        a = charts.to_bytes(charts.budget(cut20_result, program), "svg")
        b = charts.to_bytes(charts.budget(cut20_result, program), "svg")
    assert a == b


def test_sweep_orders_tasks_by_cut(program, sweep_frame):
    with strict():
        fig = charts.sweep(sweep_frame, program, lang="en")
    ax = fig.axes[1]
    labels = [t.get_text().split()[0] for t in ax.get_yticklabels()]
    assert labels[0] == "III.8"  # short already at 100%
    assert "II.2" in labels
    assert all(lab in program.task_ids for lab in labels)


def test_sweep_accepts_the_sweep_module(program, baseline_scenario):
    from kgkc_opt.analysis import sweep

    res = sweep.sweep(baseline_scenario, budget=[100, 70], workers=1)
    with strict():
        fig = charts.sweep(res, program)
        charts.to_bytes(fig, "png", 50)
    frame = charts.sweep_frame(res.frame)
    assert set(frame["level"]) == {100, 70}


def test_montecarlo_leaves_out_certain_tasks(program, mc_frame):
    with strict():
        fig = charts.montecarlo(mc_frame, program)
        full = charts.montecarlo(mc_frame, program, all_tasks=True)
    assert len(fig.axes[0].get_yticklabels()) == 4
    assert len(full.axes[0].get_yticklabels()) == len(program.task_ids)
    assert any("20 nhiệm vụ khác" in t for t in _texts(fig))
    assert not any("nhiệm vụ khác" in t for t in _texts(full))  # no note where it does not apply
    indexed = mc_frame.set_index("task_id")
    assert charts.montecarlo_frame(indexed)["task_id"].tolist() == mc_frame["task_id"].tolist()


def test_no_difference(program, cut20_result):
    with strict():
        fig = charts.difference(cut20_result, cut20_result, program)
    assert fmt.label("no_difference", "vi") in [t.replace("\n", " ") for t in _texts(fig)]


def test_errors(program, cut20_result, tmp_path):
    with pytest.raises(KgkcError, match="unknown chart"):
        charts.render("pie", cut20_result, program)
    with pytest.raises(KgkcError, match="compare"):
        charts.render("difference", cut20_result, program)
    with pytest.raises(KgkcError, match="table"):
        charts.render("sweep", program=program)
    with pytest.raises(KgkcError, match="lacks column"):
        charts.sweep(pd.DataFrame({"x": [1]}), program)
    with pytest.raises(OutputError):
        charts.save(charts.budget(cut20_result, program), tmp_path / "chart.jpg")
    infeasible = kg.solve(kg.load_scenario(SCENARIOS / "floors-infeasible.yaml"))
    with pytest.raises(InfeasibleError):
        charts.budget(infeasible, program)


def test_missing_glyphs_are_caught():
    """The check the other tests rely on: a glyph DejaVu Sans lacks does raise."""
    fig = Figure()
    fig.text(0.5, 0.5, "漢字")
    with strict(), pytest.raises(UserWarning, match=r"[Gg]lyph"):
        charts.to_bytes(fig, "png", 50)


def _all_texts(program) -> str:
    parts = [vi + en for vi, en in fmt.LABELS.values()]
    for t in program.tasks:
        parts += [t.name.vi, t.name.en, t.unit.vi, t.unit.en, t.lead.vi, t.lead.en, t.partner.vi, t.partner.en]
        parts += [t.short_name.vi, t.short_name.en] if t.short_name else []
    for g in program.groups:
        parts += [g.name.vi, g.name.en]
        parts += [g.short_name.vi, g.short_name.en] if g.short_name else []
    parts.append(program.title.vi)
    parts.append("0123456789.,%+−–·/()≥<")
    return "".join(parts)


@pytest.mark.parametrize("weight", ["normal", "bold"])
def test_font_has_every_character(program, weight):
    path = font_manager.findfont(font_manager.FontProperties(family=charts.FONT, weight=weight),
                                 fallback_to_default=False)
    assert "DejaVuSans" in path
    charmap = FT2Font(path).get_charmap()
    missing = sorted({c for c in _all_texts(program) if not c.isspace() and ord(c) not in charmap})
    assert missing == []


# --- command line --------------------------------------------------------------------------


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("kind", "suffix"), [("budget", "svg"), ("achievement", "png"),
                                              ("gains", "pdf"), ("difference", "svg")])
def test_cli_chart(capsys, tmp_path, kind, suffix):
    out = tmp_path / f"{kind}.{suffix}"
    code, _, err = run(capsys, "chart", kind, str(SCENARIOS / "cut-20pct.yaml"), "--out", str(out))
    assert code == 0, err
    assert out.exists() and out.stat().st_size > 1000


def test_cli_chart_from_csv(capsys, tmp_path, sweep_frame, mc_frame):
    sweep_csv, mc_csv = tmp_path / "sweep.csv", tmp_path / "mc.csv"
    sweep_frame.to_csv(sweep_csv, index=False)
    mc_frame.to_csv(mc_csv, index=False)
    for kind, src in (("sweep", sweep_csv), ("montecarlo", mc_csv)):
        out = tmp_path / f"{kind}.png"
        code, _, err = run(capsys, "chart", kind, str(src), "--lang", "en", "--out", str(out))
        assert code == 0, err
        with Image.open(out) as im:
            assert round(im.info["dpi"][0]) == 300


def test_cli_chart_errors(capsys, tmp_path):
    code, _, err = run(capsys, "chart", "budget", str(SCENARIOS / "cut-20pct.yaml"), "--out",
                       str(tmp_path / "x.gif"))
    assert code == 2 and "svg" in err
    code, _, err = run(capsys, "chart", "budget", str(SCENARIOS / "floors-infeasible.yaml"), "--out",
                       str(tmp_path / "x.png"))
    assert code == 1 and "không có kế hoạch (infeasible): không vẽ được biểu đồ budget" in err
    assert not (tmp_path / "x.png").exists()


def test_an_unreadable_results_table_is_one_problem_naming_the_file(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("KGKC_LANG", "en")  # (checks the English wording)
    bad = tmp_path / "sweep.csv"
    bad.write_text('a,b\n"unclosed,1\n', encoding="utf-8")
    code, out, err = run(capsys, "chart", "sweep", str(bad), "--out", str(tmp_path / "s.png"))
    assert code == 2 and out == ""
    assert err.startswith(f"kgkc-opt: {bad}: cannot read the results table: ") and err.count("\n") == 1, err
    assert not (tmp_path / "s.png").exists()


def test_solve_does_not_import_matplotlib(tmp_path):
    code = (
        "import sys, io, contextlib\n"
        "from kgkc_opt import cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    rc = cli.main(['solve', {str(SCENARIOS / 'cut-20pct.yaml')!r}, '--xlsx', {str(tmp_path / 'p.xlsx')!r}])\n"
        "assert rc == 0, rc\n"
        "print('matplotlib' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False"
    assert (tmp_path / "p.xlsx").exists()


def test_png_bytes_open(figures):
    data = charts.to_bytes(figures[("gains", "en", "page")], "png", 72)
    with Image.open(io.BytesIO(data)) as im:
        assert im.format == "PNG"


def test_gallery_shows_every_chart():
    gallery = (ROOT / "docs" / "gallery.md").read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\((gallery/[^)]+\.png)\)", gallery)
    for kind in charts.KINDS:
        for lang in LANGS:
            for size in SIZES:
                assert f"gallery/{kind}-{lang}-{size}.png" in images, (kind, lang, size)
    assert "gallery/workbook-1.png" in images and "gallery/brief-1.png" in images
    for image in images:
        path = ROOT / "docs" / image
        assert path.exists(), image
        assert path.stat().st_size < 300 * 1024, image


def test_figures_show_in_a_notebook(figures):
    """No pyplot: the figure itself offers a PNG to IPython's display."""
    png = figures[("gains", "vi", "page")]._repr_png_()
    assert png.startswith(b"\x89PNG")


def test_budget_chart_has_a_panel_per_source():
    """A program with national funds: a third panel, titled by the source, its caps and use in
    the subtitle; Kiên Giang's two panels stay two."""
    program = kg.load_program(ROOT / "tests" / "fixtures" / "tiny-sources.yaml")
    result = kg.solve(kg.baseline(program))
    with strict():
        fig = charts.budget(result, program)
    titles = [" ".join(t.split()) for ax in fig.axes for t in (ax.get_title(loc) for loc in ("left", "center", "right"))
              if t]  # (a long title is wrapped to its panel)
    assert titles == ["Vốn ngân sách", "Vốn đối ứng", "Kinh phí khuyến công quốc gia"]
    national = result.budget.xs("national", level="source")
    used, cap = fmt.number(round(national["used"].sum()), "vi", 0), fmt.number(round(national["cap"].sum()), "vi", 0)
    assert f"Kinh phí khuyến công quốc gia {used} / {cap}" in " ".join(" ".join(_texts(fig)).split())
    assert national["used"].sum() > 0

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
from conftest import ROOT, SCENARIOS
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from PIL import Image

import kgkc_opt as kg
from kgkc_opt.cli import app as cli
from kgkc_opt.errors import InfeasibleError, KgkcError, OutputError
from kgkc_opt.report import charts, fmt

matplotlib.use("Agg")  # no pyplot is used, but no display either
LANGS = ("vi", "en")


@contextmanager
def strict():
    """Every warning is an error (a missing glyph above all)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


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
def mc_frame(program) -> pd.DataFrame:
    probs = {tid: 1.0 for tid in program.task_ids}
    probs.update({"II.2": 0.0, "III.5": 0.7, "III.8": 0.93, "VIII.6": 0.975})
    return pd.DataFrame({"task_id": list(probs), "probability": list(probs.values())})


@pytest.fixture(scope="module")
def figures(program, baseline_result, cut20_result, sweep_frame, mc_frame) -> dict[tuple[str, str], Figure]:
    out = {}
    with strict():
        for lang in LANGS:
            out[("budget", lang)] = charts.budget(cut20_result, program, lang=lang)
            out[("achievement", lang)] = charts.achievement(cut20_result, program, baseline_result, lang=lang)
            out[("shadow", lang)] = charts.shadow(cut20_result, program, lang=lang)
            out[("difference", lang)] = charts.difference(cut20_result, baseline_result, program, lang=lang)
            out[("sweep", lang)] = charts.sweep(sweep_frame, program, lang=lang, name="baseline")
            out[("montecarlo", lang)] = charts.montecarlo(mc_frame, program, lang=lang, name="baseline")
    return out


def test_every_kind_is_drawn(figures):
    assert {k for k, _ in figures} == set(charts.KINDS)
    for fig in figures.values():
        assert isinstance(fig, Figure)
        assert fig.get_figwidth() == pytest.approx(charts.WIDTHS["page"])


@pytest.mark.parametrize("kind", charts.KINDS)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("fmt_", charts.FORMATS)
def test_saves_without_a_missing_glyph(figures, tmp_path, kind, lang, fmt_):
    path = tmp_path / f"{kind}.{fmt_}"
    with strict():
        charts.save(figures[(kind, lang)], path)
    assert path.stat().st_size > 1000


@pytest.mark.parametrize("kind", charts.KINDS)
def test_png_is_300_dpi_and_a4_wide(figures, tmp_path, kind):
    path = tmp_path / f"{kind}.png"
    charts.save(figures[(kind, "vi")], path)
    with Image.open(path) as im:
        assert tuple(round(d) for d in im.info["dpi"]) == (300, 300)
        assert abs(im.width - round(charts.WIDTHS["page"] * 300)) <= 1


@pytest.mark.parametrize("kind", ["budget", "achievement"])
def test_pdf_embeds_truetype_fonts(figures, kind):
    data = charts.to_bytes(figures[(kind, "vi")], "pdf")
    assert b"/FontFile2" in data  # TrueType program embedded (pdf.fonttype 42)
    assert b"/Subtype /Type3" not in data
    assert re.search(rb"/BaseFont /[A-Z]{6}\+DejaVuSans", data)  # a subset of DejaVu Sans
    assert b"/CreationDate" not in data  # reproducible bytes


@pytest.mark.parametrize("kind", ["budget", "difference"])
def test_svg_has_text_as_paths(figures, kind):
    svg = charts.to_bytes(figures[(kind, "vi")], "svg").decode("utf-8")
    assert "<text" not in svg  # nothing depends on the reader's fonts
    assert 'id="DejaVuSans-' in svg  # glyph outlines defined once, reused
    assert "<dc:date>" not in svg


def test_output_is_reproducible(program, cut20_result):
    with strict():
        a = charts.to_bytes(charts.budget(cut20_result, program), "svg")
        b = charts.to_bytes(charts.budget(cut20_result, program), "svg")
    assert a == b


def test_column_size(program, cut20_result, baseline_result, sweep_frame, mc_frame, tmp_path):
    with strict():
        figs = [
            charts.budget(cut20_result, program, size="column"),
            charts.achievement(cut20_result, program, baseline_result, size="column"),
            charts.shadow(cut20_result, size="column"),
            charts.difference(cut20_result, baseline_result, program, size="column"),
            charts.sweep(sweep_frame, program, size="column"),
            charts.montecarlo(mc_frame, program, size="column"),
        ]
        for i, fig in enumerate(figs):
            assert fig.get_figwidth() == pytest.approx(charts.WIDTHS["column"])
            charts.save(fig, tmp_path / f"{i}.png", dpi=100)
    with pytest.raises(KgkcError):
        charts.budget(cut20_result, program, size="A3")


def _texts(fig: Figure) -> list[str]:
    fig.canvas.draw()
    texts = list(fig.findobj(matplotlib.text.Text))
    for ax in fig.axes:  # tick labels of shared axes are not always among the children
        texts += ax.get_xticklabels() + ax.get_yticklabels()
    return [t.get_text() for t in texts if t.get_text()]


def test_labels_are_vietnamese_by_default(figures):
    vi = " ".join(_texts(figures[("budget", "vi")]))
    en = " ".join(_texts(figures[("budget", "en")]))
    assert "Vốn ngân sách (NS)" in vi and "Trần kế hoạch vốn" in vi
    assert "4.000" in vi and "7.040" in vi  # Vietnamese thousands
    assert "Local budget (state)" in en and "4,000" in en and "7,040" in en
    ach = " ".join(_texts(figures[("achievement", "vi")]))
    assert "12/28 cơ sở (43%)" in ach and "74/75 người (98,7%)" not in ach
    assert "74/75 người (99%)" in ach
    assert "12/28 establishments\n(43%)" in " ".join(_texts(figures[("achievement", "en")]))


def test_difference_names_the_changed_tasks(figures):
    texts = " ".join(_texts(figures[("difference", "vi")]))
    assert "\u221216 cơ sở" in texts and "\u22124.800" in texts and "+1 cơ sở" in texts
    assert "21 nhiệm vụ khác không đổi" in texts


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
    indexed = mc_frame.set_index("task_id")
    assert charts.montecarlo_frame(indexed)["task_id"].tolist() == mc_frame["task_id"].tolist()


def test_no_difference(program, cut20_result):
    with strict():
        fig = charts.difference(cut20_result, cut20_result, program)
    assert fmt.label("no_difference", "vi") in _texts(fig)


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
        charts.save(charts.shadow(cut20_result), tmp_path / "chart.jpg")
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
        parts += [t.name.vi, t.name.en, t.unit.vi, t.unit.en, t.lead, t.partner]
    for g in program.groups:
        parts += [g.name.vi, g.name.en]
    parts.append(program.title.vi)
    parts.append("0123456789.,%+−–…·/()≥<")
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
                                              ("shadow", "pdf"), ("difference", "svg")])
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
    assert code == 1 and "no plan" in err
    assert not (tmp_path / "x.png").exists()


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
    data = charts.to_bytes(figures[("shadow", "en")], "png", 72)
    with Image.open(io.BytesIO(data)) as im:
        assert im.format == "PNG"


def test_gallery_shows_every_chart():
    gallery = (ROOT / "docs" / "gallery.md").read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\((gallery/[^)]+\.png)\)", gallery)
    for scenario in ("baseline", "cut-20pct"):
        for kind in charts.KINDS:
            assert f"gallery/{scenario}-{kind}.png" in images, (scenario, kind)
    for image in images:
        path = ROOT / "docs" / image
        assert path.exists(), image
        assert path.stat().st_size < 300 * 1024, image


def test_figures_show_in_a_notebook(figures):
    """No pyplot: the figure itself offers a PNG to IPython's display."""
    png = figures[("shadow", "vi")]._repr_png_()
    assert png.startswith(b"\x89PNG")

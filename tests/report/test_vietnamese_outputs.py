"""Every Vietnamese output of a 20% cut, read for English words and file names (issue 14).

The brief (HTML, Markdown, Word), the workbook (every cell and sheet name), every chart (each text
the renderer draws, at both sizes) and the output of every command. ``language_check`` says what
counts as an English word; a check of the checker keeps it honest.
"""

from __future__ import annotations

import io
import re

import matplotlib
import pytest
from openpyxl import load_workbook

import kgkc_opt as kg
from kgkc_opt.analysis import study
from kgkc_opt.analysis.gains import gains_table
from kgkc_opt.cli import app as cli
from kgkc_opt.report import brief, charts, workbook
from tests.support.language import english_words
from tests.support.paths import ROOT, SCENARIOS

# one worker runs the whole module (tests/run_all.sh: --dist loadgroup): its module fixtures are solved once
pytestmark = pytest.mark.xdist_group("vietnamese_outputs")

matplotlib.use("Agg")
NAMES = sorted({p.stem for p in SCENARIOS.glob("*.yaml")} | {"kien-giang-2021-2025"})


def clean(text: str) -> list[str]:
    return english_words(text, NAMES)


def test_the_checker_finds_what_the_issue_found():
    for text in ("Local budget 20% below the annual table in every year", "optimal",
                 "cut-20pct so với baseline", "Kịch bản gốc: baseline", "kgkc-opt · highs HiGHS optimal",
                 "16 establishment", "Decision 2454/QĐ-UBND as written", "scenarios/cut-20pct.yaml"):
        assert clean(text), text
    for text in ("Vốn ngân sách các năm 2021–2025 giảm 20%", "Thêm 1 tỷ đồng vào năm 2021: +3 cơ sở (II.2 Máy "
                 "móc thiết bị tiên tiến)", "so với kế hoạch vốn của quyết định", "UBND các huyện, TP; CNNT",
                 "in là “Lướt”, cho, theo, trong, do, sang"):
        assert clean(text) == [], text


@pytest.fixture(scope="module")
def gains(cut20_scenario, cut20_result):
    return gains_table(cut20_scenario, cut20_result)


@pytest.fixture(scope="module")
def cut20_brief(cut20_scenario, cut20_result, baseline_result, gains):
    from fractions import Fraction

    from kgkc_opt.analysis.study_types import Least

    least = Least(Fraction(4811), {2021: Fraction(9621, 10)}, {2021: Fraction(120276, 25), 2025: None}, verified=True)
    found = study.study(cut20_scenario, kg.load_scenario(SCENARIOS / "baseline.yaml"), result=cut20_result,
                        base_result=baseline_result, gains=gains, least_money_=least)
    return brief.build(found)


def test_brief_html_and_markdown(cut20_brief):
    html = re.sub(r'src="data:[^"]*"|<style>.*?</style>', "", cut20_brief.html(), flags=re.S)
    html = re.sub(r"<[^>]+>", " ", html)
    assert clean(html) == []
    md = re.sub(r"\(data:image/png;base64,[^)]*\)", "", cut20_brief.markdown())
    assert clean(md) == []


def docx_text(data: bytes) -> str:
    from docx import Document

    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells]
    for section in doc.sections:
        parts += [p.text for p in section.header.paragraphs]
    return "\n".join(parts)


def test_brief_docx(cut20_brief):
    assert clean(docx_text(cut20_brief.docx())) == []


def test_workbook(cut20_scenario, cut20_result, gains):
    data = workbook.build(cut20_result, cut20_scenario, gains=gains).to_bytes()
    wb = load_workbook(io.BytesIO(data))
    texts = list(wb.sheetnames)
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            texts += [v for v in row if isinstance(v, str) and not v.startswith("=")]
        texts.append(re.sub(r"&[PN]", "", ws.oddFooter.center.text or ""))  # page number fields
    found = clean("\n".join(texts))
    assert found == []


@pytest.mark.parametrize("size", ["page", "column"])
def test_charts(cut20_scenario, cut20_result, baseline_result, gains, size):
    from kgkc_opt.analysis import sweep

    swept = sweep.sweep(cut20_scenario, budget=[100, 80, 60], workers=1)
    mc_scenario = kg.load_scenario(SCENARIOS / "uncertain-cofunding.yaml")
    mc = sweep.monte_carlo(mc_scenario, samples=10, workers=1)
    base = kg.load_scenario(SCENARIOS / "baseline.yaml")
    figs = [
        charts.budget(cut20_result, cut20_scenario, size=size),
        charts.achievement(cut20_result, cut20_scenario, baseline_result, size=size),
        charts.gains(gains, cut20_scenario, max_objective=cut20_result.max_objective, size=size),
        charts.render("difference", cut20_result, cut20_scenario, base=baseline_result, size=size,
                      base_name=kg.load_scenario(SCENARIOS / "baseline.yaml").title.vi),
        charts.sweep(swept, cut20_scenario, size=size),
        charts.montecarlo(mc, mc_scenario, size=size),
    ]
    del base
    for fig in figs:
        fig.canvas.draw()
        text = "\n".join(t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_visible())
        assert clean(text) == [], text


COMMANDS = [
    ["solve", "{cut}"],
    ["sensitivity", "{cut}"],
    ["compare", "{base}", "{cut}"],
    ["sweep", "{cut}", "--budget", "100:60:-20", "--workers", "1"],
    ["montecarlo", str(SCENARIOS / "uncertain-cofunding.yaml"), "--samples", "10", "--workers", "1"],
    ["audit"],
    ["reconstruct"],
    ["program", "show"],
    ["scenario", "show", "{cut}"],
    ["solve", "{cut}", "--xlsx", "{tmp}/plan.xlsx"],
    ["report", "{cut}", "--out", "{tmp}/brief.docx", "--no-least"],
    ["chart", "budget", "{cut}", "--out", "{tmp}/budget.png"],
]


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_every_command(capsys, tmp_path, argv):
    args = [a.format(cut=SCENARIOS / "cut-20pct.yaml", base=SCENARIOS / "baseline.yaml", tmp=tmp_path) for a in argv]
    code = cli.main(args)
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.strip()
    assert clean(out) == [], out


def test_english_is_there_on_request(capsys):
    code = cli.main(["solve", str(SCENARIOS / "cut-20pct.yaml"), "--lang", "en"])
    out, _ = capsys.readouterr()
    assert code == 0
    assert "12/28 establishments" in out and "16 establishments" in out and "1 person" in out
    assert "3,726.4" in out and "Local budget cut by 20% every year" in out
    assert "ROOT" not in out and str(ROOT) not in out

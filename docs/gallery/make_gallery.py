"""Regenerate docs/gallery.md and docs/gallery/*.png: every chart, the workbook and the Word brief.

    python3 docs/gallery/make_gallery.py

Charts are drawn exactly as `kgkc-opt chart` draws them, at both print sizes (an A4 page, 16 cm;
a column, 8 cm), in Vietnamese and in English, for a 20% cut of the local budget
(`scenarios/cut-20pct.yaml`, compared with `scenarios/baseline.yaml`); they are saved at a modest
resolution for the web page (the command writes 300 dpi). The sweep runs 100% to 40% of the cut's
own local budget in steps of 5 (the axis shows it as a share of the decision's caps); the Monte
Carlo chart is that of `scenarios/uncertain-cofunding.yaml` (its 200 draws, seed 2454).

The workbook (`solve --xlsx`) and the Word brief (`report --out brief.docx`) are printed to PDF by
LibreOffice with a Vietnamese locale and turned into PNG pages by pdftoppm (60 dpi); both are
skipped, with a message, where LibreOffice or pdftoppm is missing.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import kgkc_opt as kg
from kgkc_opt.analysis import sweep
from kgkc_opt.analysis.gains import gains_table
from kgkc_opt.analysis.study import study
from kgkc_opt.report import brief, charts, fmt, workbook

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DPI = {"page": 100, "column": 130}
SIZES = {"page": "A4 page, 16 cm", "column": "column, 8 cm"}
TITLES = {
    "budget": "Spending by year and task group, against the annual caps",
    "achievement": "Target achievement per task (grey behind: the decision as written)",
    "gains": "What 1 billion VND more or less buys (exact re-solves; formerly the shadow-price chart)",
    "difference": "Per-task difference from the decision as written",
    "sweep": "Which targets give way first as the budget shrinks (axis: % of the decision's caps)",
    "montecarlo": "Chance of meeting each target when co-funding varies",
}
LOCALE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse">
<value>vi-VN</value></prop></item>
</oor:items>
"""


def main() -> int:
    warnings.simplefilter("error")  # a missing glyph must not pass
    base = kg.load_scenario(ROOT / "scenarios" / "baseline.yaml")
    cut = kg.load_scenario(ROOT / "scenarios" / "cut-20pct.yaml")
    mc_scenario = kg.load_scenario(ROOT / "scenarios" / "uncertain-cofunding.yaml")
    result, base_result = kg.solve(cut), kg.solve(base)
    gains = gains_table(cut, result)
    swept = sweep.sweep(cut, budget=sweep.parse_levels("100:40:-5"), workers=1)
    mc = sweep.monte_carlo(mc_scenario, workers=1)
    for old in _made_here():
        old.unlink()
    files: dict[tuple[str, str, str], str] = {}
    for lang in ("vi", "en"):
        base_name = fmt.scenario_title(base, lang)
        for size in ("page", "column"):
            figs = {
                "budget": charts.budget(result, cut, lang=lang, size=size),
                "achievement": charts.achievement(result, cut, base_result, lang=lang, size=size,
                                                  names=(fmt.scenario_title(cut, lang), base_name)),
                "gains": charts.gains(gains, cut, max_objective=result.max_objective, lang=lang, size=size),
                "difference": charts.difference(result, base_result, cut, lang=lang, size=size,
                                                names=(fmt.scenario_title(cut, lang), base_name)),
                "sweep": charts.sweep(swept, cut, lang=lang, size=size),
                "montecarlo": charts.montecarlo(mc, mc_scenario, lang=lang, size=size),
            }
            for kind, fig in figs.items():
                file = f"{kind}-{lang}-{size}.png"
                charts.save(fig, HERE / file, dpi=DPI[size])
                files[(kind, lang, size)] = file
    lines = [
        "# Gallery: charts, the workbook and the Word brief",
        "",
        "Every chart of `kgkc_opt.report.charts` for a 20% cut of the local budget (`scenarios/cut-20pct.yaml`,",
        "compared with the decision as written), in Vietnamese (the default) and English (`--lang en`), at both",
        "print sizes: an A4 page (16 cm wide) and a column (8 cm). A chart's size is its print size, so no text",
        "prints under 8 pt, and no label is cut (tasks and groups use the short names of the program file;",
        "long texts wrap). Regenerate with `python3 docs/gallery/make_gallery.py`; the images here are saved at",
        "a modest resolution for the page, while `kgkc-opt chart KIND SCENARIO --out FILE.png` writes 300 dpi",
        "(or SVG/PDF with embedded fonts). The script's docstring gives the sweep and Monte Carlo settings.",
        "",
        "```",
        "kgkc-opt chart budget scenarios/cut-20pct.yaml --out budget.svg                # Vietnamese labels",
        "kgkc-opt chart achievement scenarios/cut-20pct.yaml --lang en --out a.pdf      # vs the decision",
        "kgkc-opt chart gains scenarios/cut-20pct.yaml --size column --out gains.png    # 8 cm wide",
        "kgkc-opt chart difference scenarios/cut-20pct.yaml --compare scenarios/baseline.yaml --out d.png",
        "kgkc-opt sweep scenarios/cut-20pct.yaml --budget 100:40:-5 --out sweep.csv",
        "kgkc-opt chart sweep sweep.csv --out sweep.png",
        "kgkc-opt chart montecarlo scenarios/uncertain-cofunding.yaml --out mc.png",
        "```",
        "",
    ]
    for kind in charts.KINDS:
        lines += [f"## {kind}: {TITLES[kind]}", ""]
        for lang, language in (("vi", "Vietnamese"), ("en", "English")):
            lines += [f"**{language}, {SIZES['page']}**", "",
                      f"![{kind}, {language}, page](gallery/{files[(kind, lang, 'page')]})", "",
                      f"**{language}, {SIZES['column']}**", "",
                      f"![{kind}, {language}, column](gallery/{files[(kind, lang, 'column')]})", ""]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        xlsx_pages = _pages(lambda p: workbook.write(result, cut, p, gains=gains), folder / "workbook.xlsx", "workbook")
        sources_pages = _sources_pages(folder)
        docx = brief.build(study(cut, base, result=result, base_result=base_result, gains=gains))
        docx_pages = _pages(docx.write, folder / "brief.docx", "brief")
    if xlsx_pages:
        lines += ["## The workbook (`kgkc-opt solve scenarios/cut-20pct.yaml --xlsx plan.xlsx`)", "",
                  "Printed by LibreOffice (Vietnamese locale), every sheet on A4 landscape, one page wide, header",
                  "rows repeated. Totals are formulas stored with their values (XlsxWriter); “Theo QĐ” holds the",
                  "decision's figure where the plan differs; “Ghi chú” says what changed and why; under TỔNG CỘNG,",
                  "the totals the program states. The last sheet holds the objective as numbers and the record of",
                  "the solve (also in the file's properties).", ""]
        lines += [f"![workbook, page {i}](gallery/{p})" for i, p in enumerate(xlsx_pages, 1)] + [""]
    if sources_pages:
        lines += ["## Every source of money: the 2026–2030 annex "
                  "(`kgkc-opt solve scenarios/an-giang-2026-2030.yaml --xlsx plan.xlsx`)", "",
                  "A program with national funds has a column for them in the annex, the by-year sheet, the",
                  "annual caps and `allocation.csv` (column `national`); TỔNG CỘNG is the plan's, the row under it",
                  "the program's stated totals (97,535 = 5,700 + 38,155 + 53,680). The annex's last page:", ""]
        lines += [f"![2026–2030 workbook, page {i}](gallery/{p})" for i, p in enumerate(sources_pages, 1)] + [""]
    if docx_pages:
        lines += ["## The Word brief (`kgkc-opt report scenarios/cut-20pct.yaml --out brief.docx`)", "",
                  "An annex to a proposal (tờ trình) laid out by Decree 30/2020/NĐ-CP: A4, Times New Roman 13 pt,",
                  "margins 20/20/30/15 mm, page numbers at the top; charts at their print width. Printed by",
                  "LibreOffice, page by page (`--out brief.html` and `brief.md` carry the same content):", ""]
        lines += [f"![brief, page {i}](gallery/{p})" for i, p in enumerate(docx_pages, 1)] + [""]
    (HERE.parent / "gallery.md").write_text("\n".join(lines), encoding="utf-8")
    for f in sorted(HERE.glob("*.png")):
        size = f.stat().st_size
        print(f"{f.name}: {size // 1024} KB")
        if size >= 300 * 1024:
            print(f"  too large for the gallery: {f.name}", file=sys.stderr)
            return 1
    return 0


def _made_here() -> list[Path]:
    """The images this script draws (charts, workbook, brief and annex pages), not the others in
    the folder: the web app's screenshots (``app-*.png``) come from its browser test
    (``KGKC_SCREENSHOTS=docs/gallery pytest tests/app``, docs/app.md)."""
    stems = (*(f"{kind}-" for kind in charts.KINDS), "workbook-", "brief-", "sources-workbook-")
    return [p for p in HERE.glob("*.png") if p.name.startswith(stems)]


def _sources_pages(folder: Path) -> list[str]:
    """The 2026–2030 program's annex (national funds beside the local budget): its second page."""
    scenario = kg.load_scenario(ROOT / "scenarios" / "an-giang-2026-2030.yaml")
    result = kg.solve(scenario)
    pages = _pages(lambda p: workbook.write(result, scenario, p), folder / "sources.xlsx", "sources-workbook")
    keep = [p for p in pages if p.endswith("-2.png")]
    for p in set(pages) - set(keep):
        (HERE / p).unlink()
    return keep


def _pages(write, path: Path, stem: str) -> list[str]:
    """``write(path)``, print it to PDF with LibreOffice (Vietnamese locale) and to PNG pages."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if not (office and shutil.which("pdftoppm")):
        print(f"LibreOffice or pdftoppm missing: the {stem} pages are not rendered", file=sys.stderr)
        return []
    write(path)
    profile = path.parent / "profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(LOCALE, encoding="utf-8")
    subprocess.run([office, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(path.parent), str(path)], capture_output=True, timeout=300, check=True)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(path.with_suffix(".pdf")), str(HERE / stem)], check=True)
    return sorted(p.name for p in HERE.glob(f"{stem}-*.png"))


if __name__ == "__main__":
    sys.exit(main())

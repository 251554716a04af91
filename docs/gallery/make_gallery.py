"""Regenerate docs/gallery.md and docs/gallery/*.png: every chart for the baseline and a 20% cut.

    python3 docs/gallery/make_gallery.py

Charts are drawn exactly as `kgkc-opt chart` draws them (A4 page width), then saved at a modest
resolution for the web page (the command writes 300 dpi). Sweeps run 100% to 40% of each
scenario's own local budget in steps of 5; the Monte Carlo draws each year's local budget between
85% and 105% and co-funding between 60% and 100% of the scenario's caps (200 draws, seed 2454).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import kgkc_opt as kg
from kgkc_opt.report import brief
from kgkc_opt.report import charts
from kgkc_opt.analysis import sweep

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DPI = 110
UNCERTAINTY = {"samples": 200, "seed": 2454,
               "budget": {"distribution": "uniform", "low": "-15%", "high": "+5%"},
               "cofunding": {"distribution": "uniform", "low": "-40%", "high": "0%"}}
TITLES = {
    "budget": "Budget by year and task group, against the annual caps",
    "achievement": "Target achievement per task (grey behind: the comparison scenario)",
    "shadow": "Shadow price of the budget by year",
    "difference": "Per-task difference between two scenarios",
    "sweep": "Cut order of a budget sweep (100% → 40% of the scenario's local budget)",
    "montecarlo": "Monte Carlo: probability of meeting each target",
}


def main() -> int:
    warnings.simplefilter("error")  # a missing glyph must not pass
    base = kg.load_scenario(ROOT / "scenarios" / "baseline.yaml")
    cut = kg.load_scenario(ROOT / "scenarios" / "cut-20pct.yaml")
    program = base.program
    results = {"baseline": kg.solve(base), "cut-20pct": kg.solve(cut)}
    scenarios = {"baseline": base, "cut-20pct": cut}
    other = {"baseline": "cut-20pct", "cut-20pct": "baseline"}
    files: dict[tuple[str, str, str], str] = {}
    for name, scn in scenarios.items():
        r, o = results[name], results[other[name]]
        swept = sweep.sweep(scn, budget=sweep.parse_levels("100:40:-5"), workers=1)
        mc = sweep.monte_carlo(scn.derive(name=name, uncertainty=UNCERTAINTY), workers=1)
        for lang in ("vi", "en") if name == "cut-20pct" else ("vi",):
            figs = {
                "budget": charts.budget(r, program, lang=lang),
                "achievement": charts.achievement(r, program, o if name == "cut-20pct" else None, lang=lang),
                "shadow": charts.shadow(r, program, lang=lang),
                "difference": charts.difference(r, o, program, lang=lang),
                "sweep": charts.sweep(swept, program, lang=lang, name=name),
                "montecarlo": charts.montecarlo(
                    mc, program, lang=lang, name=f"{name}, " + ("200 lần mô phỏng" if lang == "vi" else "200 draws")),
            }
            for kind, fig in figs.items():
                file = f"{name}-{kind}{'' if lang == 'vi' else '-en'}.png"
                charts.save(fig, HERE / file, dpi=DPI)
                files[(name, kind, lang)] = file
    lines = [
        "# Chart gallery",
        "",
        "Every chart of `kgkc_opt.charts` for the program as decided (`scenarios/baseline.yaml`) and for a",
        "20% cut of the local budget (`scenarios/cut-20pct.yaml`), in Vietnamese (the default) and, for",
        "the cut, in English. Regenerate with `python3 docs/gallery/make_gallery.py`; the images here are",
        f"saved at {DPI} dpi for the page, while `kgkc-opt chart KIND SCENARIO --out FILE.png` writes 300 dpi",
        "(or SVG/PDF with embedded fonts). Sweep and Monte Carlo settings are in the script's docstring.",
        "",
        "```",
        "kgkc-opt chart budget scenarios/cut-20pct.yaml --out budget.svg            # Vietnamese labels",
        "kgkc-opt chart achievement scenarios/cut-20pct.yaml --lang en --out a.pdf  # vs the program as decided",
        "kgkc-opt chart difference scenarios/cut-20pct.yaml --compare scenarios/baseline.yaml --out d.png",
        "kgkc-opt sweep scenarios/cut-20pct.yaml --budget 100:40:-5 --out sweep.csv",
        "kgkc-opt chart sweep sweep.csv --out sweep.png",
        "kgkc-opt chart montecarlo scenarios/uncertain-cofunding.yaml --out mc.png",
        "```",
        "",
    ]
    for kind in charts.KINDS:
        lines += [f"## {kind}: {TITLES[kind]}", ""]
        for name in scenarios:
            compare = ""
            if kind in ("difference",) or (kind == "achievement" and name == "cut-20pct"):
                compare = f", compared with {other[name]}"
            lines += [f"**{name}**{compare}", "", f"![{kind}, {name}](gallery/{files[(name, kind, 'vi')]})", ""]
        lines += [f"**cut-20pct, English** (`--lang en`)", "",
                  f"![{kind}, cut-20pct, English](gallery/{files[('cut-20pct', kind, 'en')]})", ""]
    pages = brief_pages(cut, results)
    if pages:
        lines += ["## The scenario brief (`kgkc-opt report scenarios/cut-20pct.yaml --out brief.html`)", "",
                  "The HTML brief printed to A4 by Chromium, page by page:", ""]
        lines += [f"![brief, page {i}](gallery/{p})" for i, p in enumerate(pages, 1)] + [""]
    (HERE.parent / "gallery.md").write_text("\n".join(lines), encoding="utf-8")
    for f in sorted(HERE.glob("*.png")):
        size = f.stat().st_size
        print(f"{f.name}: {size // 1024} KB")
        if size >= 300 * 1024:
            print(f"  too large for the gallery: {f.name}", file=sys.stderr)
            return 1
    return 0


def brief_pages(scenario: kg.Scenario, results: dict[str, kg.Result]) -> list[str]:
    """The brief of ``scenario`` printed to PNG pages, if chromium and pdftoppm are installed."""
    if not (shutil.which("chromium") and shutil.which("pdftoppm")):
        print("chromium or pdftoppm missing: the brief's pages are not rendered", file=sys.stderr)
        return []
    doc = brief.build(scenario, kg.baseline(scenario.program), result=results["cut-20pct"],
                      base_result=results["baseline"])
    for old in HERE.glob("brief-*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        html, pdf = Path(tmp) / "brief.html", Path(tmp) / "brief.pdf"
        doc.write(html)
        subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                        f"--print-to-pdf={pdf}", str(html)], capture_output=True, timeout=180, check=True)
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(HERE / "brief-cut-20pct")], check=True)
    return sorted(p.name for p in HERE.glob("brief-cut-20pct*.png"))


if __name__ == "__main__":
    sys.exit(main())

"""The scenario brief: self-contained, with the headline numbers, reasons and repair options."""

from __future__ import annotations

import base64
import html.parser
import io
import re
import shutil
import subprocess

import pytest
from conftest import SCENARIOS
from PIL import Image

import kgkc_opt as kg
from kgkc_opt.cli import app as cli
from kgkc_opt.errors import OutputError
from kgkc_opt.report import brief, fmt


@pytest.fixture(scope="module")
def cut20_brief(cut20_scenario, cut20_result, baseline_result):
    return brief.build(cut20_scenario, result=cut20_result, base_result=baseline_result,
                       base=kg.baseline(cut20_scenario.program))


@pytest.fixture(scope="module")
def cut20_html(cut20_brief) -> str:
    return cut20_brief.html()


class _Images(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.srcs: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img":
            self.srcs.append(a.get("src", ""))
        if tag in ("link", "script") or (tag == "a" and a.get("href")):
            self.links.append(tag)


def _text(html_text: str) -> str:
    body = re.sub(r"<style>.*?</style>", "", html_text, flags=re.S)
    body = re.sub(r'src="data:[^"]*"', "", body)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def test_html_is_self_contained(cut20_html):
    parser = _Images()
    parser.feed(cut20_html)
    assert len(parser.srcs) == 4  # budget, achievement, difference, shadow
    assert parser.links == []
    for src in parser.srcs:
        assert src.startswith("data:image/png;base64,")
        png = base64.b64decode(src.split(",", 1)[1])
        with Image.open(io.BytesIO(png)) as im:
            assert im.format == "PNG" and im.width >= 600
    assert '<html lang="vi">' in cut20_html and '<meta charset="utf-8">' in cut20_html


def test_headline_numbers(cut20_html, cut20_result, baseline_result):
    text = _text(cut20_html)
    assert "Tóm tắt kịch bản “cut-20pct”" in text
    # what changes
    assert "Vốn NS năm 2021" in text and "4.658" in text and "3.726,4" in text and "−931,6 (−20%)" in text
    assert "giảm 4.810 triệu đồng (20%)" in text
    # headline numbers, both scenarios
    assert "19.240" in text and "24.050" in text
    assert "22/24" in text and "23/24" in text
    assert "97,6%" in text and "99,98%" in text
    assert "18.735 / 23.535" in text


def test_shortfalls_and_why(cut20_html, cut20_brief, cut20_result):
    text = _text(cut20_html)
    assert "II.2. Hỗ trợ cơ sở CNNT chuyển giao" in text
    assert "Đạt 12/28 cơ sở (42,9%), thiếu 16 cơ sở." in text
    # what is left each year (the schedule may vary between optimal plans: read it off the plan)
    slack = [float(cut20_result.budget.loc[(y, "local"), "slack"]) for y in range(2021, 2026)]
    assert max(slack) < 17.88  # not even one more collaborator fits in any year
    left = f"{fmt.number(min(slack))}–{fmt.number(max(slack))} triệu đồng"
    assert f"Vốn NS mọi năm nhiệm vụ được triển khai (2021–2025) đã phân bổ hết: mỗi năm chỉ còn dư {left}" in text
    assert "không đủ cho thêm một cơ sở (300 triệu đồng vốn NS)" in text
    assert "84 triệu đồng vốn NS, cao nhất trong 24 nhiệm vụ" in text  # the cut order's reason
    tight = [y for y in range(2021, 2026) if cut20_result.budget.loc[(y, "cofunding"), "slack"] < 300]
    if tight:
        assert f"Vốn khác (doanh nghiệp đối ứng) các năm {fmt.years_text(tight)} không đủ" in text
    s = next(x for x in cut20_brief.shortfalls if x.task_id == "II.2")
    assert s.local_slack == pytest.approx(slack)
    assert "VIII.6. Chi thù lao cho cộng tác viên khuyến công" in text
    assert "Đạt 74/75 người (98,7%), thiếu 1 người." in text
    assert "phần vốn lẻ còn lại của từng năm không đủ cho một người trọn vẹn" in text
    # 1 billion VND more, by solving again
    assert "sẽ tài trợ thêm 3 cơ sở cho nhiệm vụ này" in text
    assert "+3 cơ sở (II.2), +1 người (VIII.6)" in text


def test_repair_options(cut20_html, cut20_brief):
    text = _text(cut20_html)
    assert "4. Phương án khắc phục" in text
    assert "17,88" in text and "4.800" in text and "4.817,88" in text
    needs = {s.task_id: s.money_local for s in cut20_brief.shortfalls}
    assert needs == pytest.approx({"II.2": 4800.0, "VIII.6": 17.88})
    assert "chuyển vốn NS chưa dùng sang năm sau không cải thiện" in text
    assert "II.2: 12 cơ sở, VIII.6: 74 người" in text


def test_marginals_match_a_resolve(cut20_brief, cut20_scenario):
    m = cut20_brief.marginals
    assert [x.year for x in m] == [2021, 2022, 2023, 2024, 2025]
    first = m[0]
    assert dict(first.gains) == {"II.2": 3, "VIII.6": 1}
    more = kg.solve(cut20_scenario.derive(budget={2021: float(cut20_scenario.local_budget[2021]) + 1000}))
    assert int(more.achievement.loc["II.2", "achieved"]) == 12 + 3


def test_markdown(cut20_brief, tmp_path):
    md = cut20_brief.markdown()
    assert md.startswith("# Tóm tắt kịch bản “cut-20pct”")
    assert md.count("](data:image/png;base64,") == 4
    assert "| Vốn NS năm 2021 | 4.658 | 3.726,4 | −931,6 (−20%) |" in md
    path = cut20_brief.write(tmp_path / "brief.md")
    assert path.read_text(encoding="utf-8") == md
    with pytest.raises(OutputError):
        cut20_brief.write(tmp_path / "brief.docx")


def test_english(cut20_scenario, cut20_result, baseline_result):
    b = brief.build(cut20_scenario, base=kg.baseline(cut20_scenario.program), result=cut20_result,
                    base_result=baseline_result, lang="en", charts=False)
    text = _text(b.html())
    assert "Scenario brief: “cut-20pct”" in text
    assert "19,240" in text and "4,817.88" in text
    assert "Achieves 12 of 28 establishments (42.9%), short by 16 establishments." in text
    assert "+3 establishments (II.2), +1 person (VIII.6)" in text
    assert '<html lang="en">' in b.html()


def test_baseline_brief(baseline_scenario, baseline_result):
    b = brief.build(baseline_scenario, result=baseline_result, charts=False)
    assert b.base is None
    text = _text(b.html())
    assert "Kịch bản giữ nguyên mọi số liệu của chương trình." in text
    assert "III.8" in text and "Đạt 209/210 cơ sở" in text


def test_infeasible_brief(capsys, tmp_path):
    out = tmp_path / "brief.html"
    code = cli.main(["report", str(SCENARIOS / "floors-infeasible.yaml"), "--out", str(out)])
    capsys.readouterr()
    assert code == 1
    text = _text(out.read_text(encoding="utf-8"))
    assert "Không có phương án" in text and "floor II.2" in text
    assert "Phương án khắc phục" in text and "verified" in text


def test_cli_report(capsys, tmp_path):
    out = tmp_path / "brief.html"
    code = cli.main(["report", str(SCENARIOS / "cut-20pct.yaml"), "--compare",
                     str(SCENARIOS / "baseline.yaml"), "--out", str(out)])
    _, err = capsys.readouterr()
    assert code == 0, err
    html_text = out.read_text(encoding="utf-8")
    assert html_text.count("data:image/png;base64,") == 4
    code = cli.main(["report", str(SCENARIOS / "cut-20pct.yaml"), "--out", str(tmp_path / "b.pdf")])
    _, err = capsys.readouterr()
    assert code == 2 and ".html or .md" in err


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed")
def test_prints_on_at_most_three_pages(cut20_html, tmp_path):
    src, pdf = tmp_path / "brief.html", tmp_path / "brief.pdf"
    src.write_text(cut20_html, encoding="utf-8")
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}", str(src)], capture_output=True, timeout=120, check=False)
    if not pdf.exists():
        pytest.skip("chromium could not print")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
    assert 1 <= pages <= 3

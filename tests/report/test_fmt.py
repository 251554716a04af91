"""Numbers, money and labels per language (kgkc_opt.fmt)."""

from __future__ import annotations

import string
from fractions import Fraction

import pytest

from kgkc_opt.report import fmt


@pytest.mark.parametrize(("value", "vi", "en"), [
    (47585, "47.585", "47,585"),
    (4717.88, "4.717,88", "4,717.88"),
    (3726.4, "3.726,4", "3,726.4"),
    (Fraction(1341, 75), "17,88", "17.88"),
    (0, "0", "0"),
    (-0.001, "0", "0"),
    (-1200, "\u22121.200", "\u22121,200"),
    (1_000_000.5, "1.000.000,5", "1,000,000.5"),
    (999.999, "1.000", "1,000"),
])
def test_number(value, vi, en):
    assert fmt.number(value, "vi") == vi
    assert fmt.number(value, "en") == en


def test_number_decimals_and_sign():
    assert fmt.number(4658, "vi", 2, strip=False) == "4.658,00"
    assert fmt.number(0.1234, "vi", 3) == "0,123"
    assert fmt.number(5, "vi", sign=True) == "+5"
    assert fmt.number(-5, "en", sign=True) == "\u22125"
    assert fmt.number(0, "en", sign=True) == "0"
    assert fmt.number(float("nan")) == "–"


def test_money_as_the_issue_writes_it():
    assert fmt.money(47585) == "47.585 triệu đồng"
    assert fmt.money(47585, unit="billion") == "47,6 tỷ đồng"
    assert fmt.money(47585, "en") == "47,585 million VND"
    assert fmt.money(47585, "en", unit="billion") == "47.6 billion VND"
    assert fmt.money(47585, unit="auto") == "47,6 tỷ đồng"
    assert fmt.money(4658, unit="auto") == "4.658 triệu đồng"
    assert fmt.money(-931.6, sign=True) == "\u2212931,6 triệu đồng"
    with pytest.raises(ValueError):
        fmt.money(1, unit="thousand")


def test_percent_quantity_years():
    assert fmt.percent(0.428571, "vi", 1) == "42,9%"
    assert fmt.percent(0.428571, "en", 1) == "42.9%"
    assert fmt.percent(-0.2, "vi", sign=True) == "\u221220%"
    assert fmt.quantity(16, "Cơ sở", "vi") == "16 cơ sở"
    assert fmt.quantity(16, "establishment", "en") == "16 establishments"
    assert fmt.quantity(1, "establishment", "en") == "1 establishment"
    assert fmt.quantity(2, "class", "en") == "2 classes"
    assert fmt.quantity(-1, "person", "en", sign=True) == "\u22121 person"
    assert fmt.quantity(3, "person", "en") == "3 persons"
    assert fmt.years_text([2021, 2022, 2023, 2025]) == "2021–2023 và 2025"
    assert fmt.years_text([2021, 2023], "en") == "2021 and 2023"
    assert fmt.years_text(range(2021, 2026)) == "2021–2025"
    assert fmt.years_text([]) == "–"


def test_wrap_never_cuts():
    text = "Hỗ trợ cơ sở CNNT chuyển giao và ứng dụng máy móc thiết bị tiên tiến, tiến bộ khoa học kỹ thuật mới"
    wrapped = fmt.wrap(text, 40)
    assert wrapped.replace("\n", " ") == text and "…" not in wrapped
    assert all(len(line) <= 40 for line in wrapped.split("\n"))
    assert fmt.wrap("ngắn", 40) == "ngắn"


def test_share_rule():
    assert fmt.share(1.0) == "100%" and fmt.share(0.9952) == "99%" and fmt.share(0.4286) == "42%"
    assert fmt.share(0.004) == "<1%" and fmt.share(0) == "0%" and fmt.share(float("nan")) == "–"


def test_task_names(program):
    assert fmt.task_name(program.task("II.2"), "vi", short=True) == "II.2 Máy móc thiết bị tiên tiến"
    assert fmt.task_name(program.task("II.2"), "en", short=True) == "II.2 Advanced machinery"
    assert fmt.task_name(program.task("II.2"), "vi").startswith("II.2 Hỗ trợ cơ sở CNNT")
    assert fmt.group_name(program.group("I"), "vi", short=True) != fmt.group_name(program.group("VIII"), "vi",
                                                                                 short=True)
    assert fmt.gain_text({"II.2": 3, "VIII.6": 1}, program, "vi") == (
        "+3 cơ sở (II.2 Máy móc thiết bị tiên tiến), +1 người (VIII.6 Cộng tác viên khuyến công)")
    assert fmt.gain_text({"II.2": 3, "VIII.6": 1}, program, "en") == (
        "+3 establishments (II.2 Advanced machinery), +1 person (VIII.6 Collaborators)")


def test_scenario_titles_and_changes(program, cut20_scenario, baseline_scenario):
    assert fmt.scenario_title(cut20_scenario, "vi") == "Giảm 20% vốn ngân sách mỗi năm"
    assert fmt.scenario_title(cut20_scenario, "en") == "Local budget cut by 20% every year"
    assert fmt.scenario_title(baseline_scenario, "vi") == "Theo quyết định phê duyệt chương trình"
    derived = baseline_scenario.derive(name="cut-2024", budget={2024: "-30%"})
    assert derived.title is None  # a derived scenario has no title: it is described by its changes
    assert fmt.scenario_title(derived, "vi") == "Vốn ngân sách năm 2024 giảm 30% (4.938 → 3.456,6 triệu đồng)"
    assert fmt.change_lines(cut20_scenario, "vi") == ["Vốn ngân sách các năm 2021–2025 giảm 20%"]
    assert fmt.change_lines(cut20_scenario, "en") == ["Local budget in 2021–2025 down 20%"]
    targets = baseline_scenario.derive(targets={"II.2": 40}, floors={"II.2": 40})
    assert fmt.change_lines(targets, "vi") == ["Mục tiêu II.2 Máy móc thiết bị tiên tiến: 28 → 40 cơ sở",
                                               "Mức tối thiểu phải thực hiện của II.2 Máy móc thiết bị tiên tiến: "
                                               "0 → 40 cơ sở"]


def test_labels_complete_in_both_languages():
    formatter = string.Formatter()
    for key, (vi, en) in fmt.LABELS.items():
        assert vi.strip() and en.strip(), key
        fields_vi = {f for _, f, _, _ in formatter.parse(vi) if f}
        fields_en = {f for _, f, _, _ in formatter.parse(en) if f}
        assert fields_vi == fields_en, key
    assert fmt.label("year_n", "vi", y=2021) == "Năm 2021"
    assert fmt.label("year_n", "en", y=2021) == "Year 2021"


def test_unknown_language():
    with pytest.raises(ValueError):
        fmt.number(1, "fr")
    with pytest.raises(ValueError):
        fmt.label("year", "de")

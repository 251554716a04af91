"""A chart's page (``report.canvas``): text measured in points in the chart font, wrapped at
spaces without ever cutting a word, the print sizes."""

from __future__ import annotations

import pytest

from kgkc_opt.report.canvas import DPI, MIN_PT, TEXT_PT, WIDTHS, text_width, wrap_pt


def test_text_width_grows_with_the_text_the_size_and_bold() -> None:
    assert text_width("") == 0
    short, long = text_width("Lớp"), text_width("Lớp đào tạo nghề")
    assert 0 < short < long
    assert text_width("Lớp", size=2 * TEXT_PT) == pytest.approx(2 * short, rel=0.02)
    assert text_width("Lớp", bold=True) > short


def test_wrapping_keeps_every_word_and_each_line_within_the_width() -> None:
    text = "Hỗ trợ ứng dụng máy móc thiết bị tiên tiến vào sản xuất"
    width = text_width("Hỗ trợ ứng dụng") + 1
    wrapped = wrap_pt(text, width)
    lines = wrapped.split("\n")
    assert len(lines) > 1 and " ".join(lines) == text
    assert all(text_width(line) <= width for line in lines)


def test_a_word_longer_than_the_width_stays_whole_and_paragraphs_stay_apart() -> None:
    assert wrap_pt("Khuyến-công-quốc-gia", 10) == "Khuyến-công-quốc-gia"
    assert wrap_pt("một\nhai", 1000) == "một\nhai"


def test_print_sizes() -> None:
    assert WIDTHS["page"] == pytest.approx(16 / 2.54) and WIDTHS["column"] == pytest.approx(8 / 2.54)
    assert DPI >= 300 and TEXT_PT >= MIN_PT == 8

"""Audit findings in Vietnamese (``report.findings``): the figures of each English message written
again as an official writes them, with Vietnamese number format; source references translated."""

from __future__ import annotations

import pytest

import kgkc_opt as kg
from kgkc_opt.analysis.audit import audit
from kgkc_opt.analysis.finding import Finding
from kgkc_opt.report.findings import finding_text, severity, source_text
from tests.support.language import english_words
from tests.support.paths import FIXTURES


@pytest.fixture(scope="module")
def faults() -> kg.Program:
    return kg.load_program(FIXTURES / "audit-faults.yaml")


def test_a_row_sum_and_a_column_sum_in_vietnamese(faults: kg.Program) -> None:
    row = Finding("error", "row-sum", "A.1: total 100 ≠ state 60 + other 30 (= 90)", ("task A.1",))
    assert finding_text(row, faults, "vi") == "A.1: tổng số 100 ≠ vốn NS 60 + vốn khác 30 (= 90)"
    column = Finding("error", "column-vs-annual-table",
                     "the task table's Tổng số (total) column sums to 360, the annual table's years to 2,000 "
                     "(difference -1,640)", ())
    assert finding_text(column, faults, "vi") == ("Cột Tổng số của phụ lục nhiệm vụ cộng lại bằng 360, các năm của "
                                                 "bảng kinh phí hằng năm cộng lại bằng 2.000 (chênh lệch −1.640)")


def test_english_is_the_message_as_written(faults: kg.Program) -> None:
    for f in audit(faults):
        assert finding_text(f, faults, "en") == f.message


def test_an_unknown_template_is_returned_as_written() -> None:
    f = Finding("info", "new-code", "something new", ())
    assert finding_text(f, None, "vi") == "something new"


def test_the_state_share_finding_has_no_english_left(faults: kg.Program) -> None:
    share = next(f for f in audit(faults) if f.code == "legal-share-exceeded")
    text = finding_text(share, faults, "vi")
    assert text.startswith(f"{share.message.split(':')[0]}: ngân sách hỗ trợ 60% chi phí")
    assert english_words(text) == []


def test_sources_and_severities() -> None:
    assert source_text("Annex, row II.2", None, "vi") == "Phụ lục, dòng II.2"
    assert source_text("Annex, row II.2", None, "en") == "Annex, row II.2"
    assert [severity(s) for s in ("error", "warning", "info")] == ["lỗi", "cảnh báo", "ghi chú"]
    assert severity("info", "en") == "note"

"""report.docx_table: the fast Word table writes the same XML as python-docx's calls."""

from __future__ import annotations

import pytest

pytest.importorskip("docx")

from kgkc_opt.report.brief_writers import Word
from kgkc_opt.report.docx_table import sized_table

HEADER = ["TT", "Mã", "Tên đề án, đơn vị", "Số tiền"]
WIDTHS = [1.0, 2.5, 4.5, 1.8]
ROWS = [
    ["1", "KG-1", "Mô hình trình diễn\nCông ty TNHH A", "855"],
    ["2", " lề trái", "chỉ một dòng", ""],
    ["3", "tab\there", "hai\r\ndòng\nba", "1.234,5"],
    ["4", "cuối ", "tiêu đề\n", "0"],
    ["", "Cộng", "", "2.089,5"],
]


def _reference(word: Word, header, rows, widths, *, numeric, size_pt, total, who, caption="") -> None:
    """The python-docx calls the brief makes for a small table (Word.table: numbered, rows kept
    whole, the header repeated, the total kept with its rows; then each row sized)."""
    from docx.shared import Cm, Pt

    word.table(header, rows, numeric=numeric, caption=caption, total=total)
    table = word.doc.tables[-1]
    if who is not None:
        for row in table.rows[1:]:
            paragraph = row.cells[who].paragraphs[0]
            title, _, applicant = paragraph.text.partition("\n")
            if applicant:
                for run in paragraph.runs:
                    paragraph._p.remove(run._r)
                paragraph.add_run(title).add_break()
                paragraph.add_run(applicant).italic = True
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    for r, row in enumerate(table.rows):
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(size_pt)
                    if total and r == len(table.rows) - 1:
                        run.bold = True


def _body_xml(build) -> bytes:
    from lxml import etree

    word = Word("vi")
    build(word)
    return etree.tostring(word.doc.element.body)


@pytest.mark.parametrize("caption", ["", "Các đề án được chọn"])
@pytest.mark.parametrize("total", [False, True])
@pytest.mark.parametrize("who", [None, 2])
@pytest.mark.parametrize("rows", [ROWS, ROWS[:1], []])
def test_sized_table_writes_the_xml_of_the_python_docx_calls(total, who, rows, caption):
    kw = dict(numeric={0, 3}, size_pt=10, total=total, who=who, caption=caption)
    fast = _body_xml(lambda w: sized_table(w, HEADER, rows, WIDTHS, **kw))
    slow = _body_xml(lambda w: _reference(w, HEADER, rows, WIDTHS, **kw))
    assert fast == slow
    table = fast[fast.index(b"<w:tbl>"):]  # (a caption above the table is in italics)
    assert (b"<w:i/>" in table) == (who is not None and bool(rows))

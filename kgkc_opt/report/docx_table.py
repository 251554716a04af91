"""A Word table of thousands of rows, written fast: the annual brief's tables (``report.annual_brief``).

``sized_table`` writes the same XML, element for element, as ``brief_writers.Word.table`` followed
by the annual brief's sizing (each row kept on one page, fixed column widths, every run in a smaller
type, the total row in bold, a second line in italics in one column), but it builds the data rows
with lxml directly: python-docx's ``table.rows[r]`` lists every row on each call and each property
set searches the element's children, about 5 ms a row, so a brief of 10,000 proposals took minutes.
The header row is still written through python-docx (its widths and sizes are then copied), and a
cell whose text holds a tab or a line break is written by python-docx's own run writer.
``tests/report/test_docx_table.py`` checks the XML against the python-docx calls.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any


def sized_table(word: Any, header: list[str], rows: list[list[str]], widths_cm: Sequence[float], *,
                numeric: set[int], size_pt: float, total: bool = False, who: int | None = None,
                caption: str = "") -> None:
    """A table in ``word`` (``brief_writers.Word``): ``header`` in bold, ``rows`` below, column
    widths in cm, type of ``size_pt``, columns ``numeric`` right-aligned; the last row in bold when
    it is a ``total``; in column ``who``, a text "title\\napplicant" as the title, a line break and
    the applicant in italics; numbered above when it has a ``caption`` (``Word.table``), the header
    repeated on each page, every row kept whole and the last rows kept with the total."""
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    from kgkc_opt.report.docx_layout import keep_total_with_rows

    word.table(header, [], numeric=numeric, caption=caption)  # the header row, its properties, the paragraph after
    table = word.doc.tables[-1]
    table.autofit = False
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)
    head = table.rows[0]
    for cell, width in zip(head.cells, widths_cm, strict=True):
        cell.width = Cm(width)
        for paragraph in cell.paragraphs:
            for run in paragraph.runs:
                run.font.size = Pt(size_pt)
                if total and not rows:
                    run.bold = True
    tcprs = [tc.find(qn("w:tcPr")) for tc in head._tr.tc_lst]
    sz = head._tr.tc_lst[0].find(f"{qn('w:p')}/{qn('w:r')}/{qn('w:rPr')}/{qn('w:sz')}").get(qn("w:val"))
    tbl = table._tbl
    for r, values in enumerate(rows):
        bold = total and r == len(rows) - 1
        _row(tbl, values, tcprs, numeric, sz, bold, who)
    keep_total_with_rows(table)


def _row(tbl: Any, values: list[str], tcprs: list[Any], numeric: set[int], sz: str, bold: bool,
         who: int | None) -> None:
    from docx.oxml.ns import qn
    from lxml import etree  # type: ignore[import-untyped]

    sub = etree.SubElement
    tr = sub(tbl, qn("w:tr"))
    sub(sub(tr, qn("w:trPr")), qn("w:cantSplit"))
    for c, value in enumerate(values):
        tc = sub(tr, qn("w:tc"))
        tc.append(copy.deepcopy(tcprs[c]))
        p = sub(tc, qn("w:p"))
        ppr = sub(p, qn("w:pPr"))
        sub(ppr, qn("w:spacing")).set(qn("w:after"), "0")
        if c in numeric:
            sub(ppr, qn("w:jc")).set(qn("w:val"), "right")
        text = str(value)
        title, _, applicant = text.replace("\r", "\n").partition("\n")
        if c == who and applicant:
            _run(p, title, sz, bold, False)
            sub(p[-1], qn("w:br"))
            _run(p, applicant, sz, bold, True)
        else:
            _run(p, text, sz, bold, False)


def _run(p: Any, text: str, sz: str, bold: bool, italic: bool) -> None:
    """``<w:r><w:rPr>[<w:b/>][<w:i/>]<w:sz/></w:rPr>text</w:r>`` as python-docx writes it."""
    from docx.oxml.ns import qn
    from docx.oxml.text.run import _RunContentAppender
    from lxml import etree  # type: ignore[import-untyped]

    sub = etree.SubElement
    r = sub(p, qn("w:r"))
    rpr = sub(r, qn("w:rPr"))
    if bold:
        sub(rpr, qn("w:b"))
    if italic:
        sub(rpr, qn("w:i"))
    sub(rpr, qn("w:sz")).set(qn("w:val"), sz)
    if not text:
        return
    if "\t" in text or "\n" in text or "\r" in text:
        _RunContentAppender.append_to_run_from_text(r, text)  # python-docx's own writer: tabs and breaks
        return
    t = sub(r, qn("w:t"))
    t.text = text
    if len(text.strip()) < len(text):
        t.set(qn("xml:space"), "preserve")

"""Word layout a clerk would otherwise fix by hand: rows kept whole, headers repeated, captions
numbered in order, the provenance in the properties (a small document, no solve)."""

from __future__ import annotations

import io
import re
import zipfile

from kgkc_opt.inputs.document_settings import DocumentSettings
from kgkc_opt.report.brief_writers import Doc, Word, annex_heading
from kgkc_opt.report.docx_layout import KEEP_LAST, KEEP_WHOLE_ROWS, Provenance


def _document(lang: str = "vi", rows: int = 3) -> bytes:
    word = Word(lang, Provenance.of("sha256:" + "ab" * 32, {"kgkc_opt": "0.2.0"}, ["kgkc-opt", "report", "x.yaml"]),
                subject="brief")
    word.table(["a", "b"], [["1", "2"]] * rows + [["Total", "9"]], numeric={1}, caption="first", total=True)
    word.image(_png(), "a figure")
    word.table(["a", "b"], [["1", "2"]], caption="second")
    word.image(_png(), "another figure")
    return word.bytes()


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "white").save(buffer, "PNG")
    return buffer.getvalue()


def _xml(docx: bytes, part: str = "word/document.xml") -> str:
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return z.read(part).decode("utf-8")


def test_every_row_is_kept_whole_and_the_header_row_repeats():
    xml = _xml(_document())
    rows = re.findall(r"<w:tr[ >].*?</w:tr>", xml, re.S)
    assert len(rows) == 1 + 4 + 1 + 1
    assert all("<w:cantSplit/>" in r for r in rows)
    tables = re.findall(r"<w:tbl>.*?</w:tbl>", xml, re.S)
    for table in tables:
        first, *rest = re.findall(r"<w:tr[ >].*?</w:tr>", table, re.S)
        assert "<w:tblHeader/>" in first and not any("<w:tblHeader/>" in r for r in rest)


def test_a_short_table_is_kept_on_one_page_and_a_long_one_keeps_its_total_with_the_rows_above():
    from docx import Document

    short = Document(io.BytesIO(_document(rows=3))).tables[0]
    kept = [all(p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs) for row in short.rows]
    assert kept == [True] * (len(short.rows) - 1) + [False]
    long = Document(io.BytesIO(_document(rows=KEEP_WHOLE_ROWS + 5))).tables[0]
    kept = [all(p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs) for row in long.rows]
    n = len(long.rows)
    assert kept == [False] * (n - KEEP_LAST) + [True] * (KEEP_LAST - 1) + [False]
    # the total row in bold
    assert all(r.bold for c in long.rows[-1].cells for p in c.paragraphs for r in p.runs)


def test_tables_and_figures_are_numbered_in_order_in_each_language():
    from docx import Document

    for lang, table, figure in (("vi", "Bảng", "Hình"), ("en", "Table", "Figure")):
        text = [p.text for p in Document(io.BytesIO(_document(lang))).paragraphs]
        captions = [t for t in text if re.match(rf"({table}|{figure}) \d+\.", t)]
        assert captions == [f"{table} 1. first", f"{figure} 1. a figure", f"{table} 2. second",
                            f"{figure} 2. another figure"]
    doc = Doc("html", "vi")
    doc.table(["a"], [["1"]], caption="x")
    doc.image(_png(), "y")
    doc.table(["a"], [["1"]], caption="z")
    assert "Bảng 1. x" in doc.text() and "Hình 1. y" in doc.text() and "Bảng 2. z" in doc.text()


def test_the_provenance_is_in_the_properties_not_the_body():
    from docx import Document

    docx = _document()
    props = Document(io.BytesIO(docx)).core_properties
    assert props.identifier == "sha256:" + "ab" * 32
    assert "ab" * 32 in props.comments and "kgkc-opt report x.yaml" in props.comments
    assert "kgkc_opt 0.2.0" in props.keywords and props.subject == "brief"
    assert "ab" * 32 not in _xml(docx)


def test_the_annex_heading_takes_the_settings_and_leaves_blanks_where_left_out():
    label, note = annex_heading(DocumentSettings(), "vi")
    assert label == "PHỤ LỤC"
    assert note == "(Kèm theo Tờ trình số ……/TTr-…… ngày …… tháng …… năm …… của ……)"
    import datetime as dt

    full = DocumentSettings("Sở Công Thương tỉnh An Giang", "15/TTr-SCT", "II", dt.date(2026, 12, 1))
    label, note = annex_heading(full, "vi", "về danh mục")
    assert label == "PHỤ LỤC II"
    assert note == ("(Kèm theo Tờ trình số 15/TTr-SCT ngày 01 tháng 12 năm 2026 của Sở Công Thương tỉnh An Giang "
                    "về danh mục)")
    label, note = annex_heading(full, "en")
    assert (label, note) == ("ANNEX II",
                             "(to Proposal No. 15/TTr-SCT of 1 December 2026 by Sở Công Thương tỉnh An Giang)")


def test_html_and_markdown_carry_the_provenance_outside_the_body():
    prov = Provenance.of("sha256:" + "cd" * 32, {"kgkc_opt": "0.2.0"}, ["kgkc-opt", "report", "x.yaml"])
    html = Doc("html", "vi", prov)
    html.p("body")
    text = html.text()
    head, body = text.split("<body>")
    assert "cd" * 32 in head and "cd" * 32 not in body and 'name="kgkc-opt:command"' in head
    md = Doc("md", "vi", prov)
    md.p("body")
    text = md.text()
    assert text.startswith("body") and "<!--\nMã kiểm tra dữ liệu đầu vào: sha256:" + "cd" * 32 in text

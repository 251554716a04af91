"""The brief's document writers: one list of blocks written as HTML, Markdown (``Doc``) or Word (``Word``).

The Word document is laid out as an annex (phụ lục) to a proposal by the rules for administrative
documents of Decree 30/2020/NĐ-CP: A4, Times New Roman 13 pt, margins top and bottom 20 mm, left
30 mm, right 15 mm, page numbers at the top centre. Both writers number tables and figures in
order ("Bảng 1", "Hình 1"; ``caption=`` of ``table`` and ``image``), head the document with its
annex label and the proposal it goes with, from the document settings
(``inputs.document_settings``: issuer, number, annex, date, signer, draft), and keep the
provenance out of the body (``Word``: in the document's properties, ``report.docx_layout``; HTML:
in ``<meta>`` tags; Markdown: in a comment).
"""

from __future__ import annotations

import base64
import html as html_lib
import io
from typing import Any

from kgkc_opt.inputs.document_settings import DocumentSettings
from kgkc_opt.report.docx_layout import (
    Provenance,
    caption_label,
    keep_rows_whole,
    keep_total_with_rows,
    set_provenance,
)
from kgkc_opt.words import say

#: Decree 30/2020/NĐ-CP: A4, margins (mm) top/bottom 20–25, left 30–35, right 15–20; Times New Roman 13–14 pt
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
FONT = "Times New Roman"
BODY_PT = 13

CSS = """
@page { size: A4; margin: 20mm 15mm 20mm 30mm; }
body { font-family: "Times New Roman", "DejaVu Serif", serif; font-size: 13pt; line-height: 1.3;
       color: #111; max-width: 174mm; margin: 12px auto; }
h1 { font-size: 14pt; margin: 6pt 0 2pt 0; text-align: center; }
p.annex { text-align: center; margin: 0 0 6pt 0; }
h2 { font-size: 13.5pt; margin: 14pt 0 4pt 0; border-bottom: 1px solid #888; padding-bottom: 1pt;
     break-after: avoid; }
h3 { font-size: 12pt; margin: 8pt 0 2pt 0; break-after: avoid; }
p { margin: 4pt 0; text-align: justify; }
p.meta { color: #444; font-size: 12pt; margin-bottom: 8pt; text-align: center; }
p.lead { font-size: 11.5pt; background: #F3F6FA; border-left: 3px solid #0072B2; padding: 5pt 8pt; }
p.small { font-size: 9.5pt; color: #444; } p.keep { break-after: avoid; }
table { border-collapse: collapse; width: 100%; font-size: 10pt; margin: 4pt 0 6pt 0;
        break-inside: avoid; }
th, td { border: 1px solid #999; padding: 2pt 5pt; vertical-align: top; }
th { background: #DDEBF7; text-align: center; }
td.num { text-align: right; white-space: nowrap; }
ul { margin: 2pt 0 4pt 0; padding-left: 18pt; } li { margin: 1pt 0; }
figure { margin: 6pt 0; break-inside: avoid; }
figure img { width: 100%; height: auto; }
figcaption { font-size: 9.5pt; color: #444; }
pre { white-space: pre-wrap; font-size: 9.5pt; }
p.draft { text-align: right; font-weight: bold; margin: 0; }
p.caption { text-align: center; font-style: italic; margin: 6pt 0 2pt 0; break-after: avoid; }
div.sign { margin: 18pt 0 0 50%; text-align: center; }
"""

#: The blank a clerk fills in by hand where a setting is left out.
BLANK = "……"


def _date_text(settings: DocumentSettings, lang: str) -> str:
    d = settings.date
    if lang == "en":
        return f"{d.day} {d:%B} {d.year}" if d is not None else BLANK
    if d is None:
        return f"ngày {BLANK} tháng {BLANK} năm {BLANK}"
    return f"ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"


def annex_heading(settings: DocumentSettings, lang: str, about: str = "") -> tuple[str, str]:
    """The annex label ("PHỤ LỤC I") and the line naming the proposal it goes with, from the
    document settings; a setting left out is a blank to fill in ("Số ……/TTr-……")."""
    label = say("ANNEX", lang) + (f" {settings.annex}" if settings.annex else "")
    note = say("(to Proposal No. {number} of {date} by {issuer}{about})", lang).format(
        number=settings.number or f"{BLANK}/TTr-{BLANK}", date=_date_text(settings, lang),
        issuer=settings.issuer or BLANK, about=f" {about}" if about else "")
    return label, note


def draft_mark(lang: str) -> str:
    return say("DRAFT", lang)




class Doc:
    def __init__(self, kind: str, lang: str = "vi", provenance: Provenance | None = None):
        self.kind = kind
        self.lang = lang
        self.parts: list[str] = []
        self.title = ""
        self.provenance = provenance
        self.counts = {"table": 0, "figure": 0}

    def _caption(self, kind: str, text: str) -> str:
        self.counts[kind] += 1
        return f"{caption_label(kind, self.counts[kind], self.lang)} {text}"

    def draft(self, text: str) -> None:
        self.parts.append(f'<p class="draft">{self._e(text)}</p>' if self.kind == "html" else f"**{self._e(text)}**\n")

    def signature(self, title: str, name: str) -> None:
        if self.kind == "html":
            self.parts.append(f'<div class="sign"><b>{self._e(title.upper())}</b><br><br><br>'
                              f'<b>{self._e(name)}</b></div>')
        else:
            self.parts.append(f"**{self._e(title.upper())}**\n\n**{self._e(name)}**\n")

    def _e(self, text: str) -> str:
        return html_lib.escape(text, quote=False) if self.kind == "html" else _md_escape(text)

    def annex(self, label: str, note: str) -> None:
        if self.kind == "html":
            self.parts.append(f'<p class="annex"><b>{self._e(label)}</b><br><i>{self._e(note)}</i></p>')
        else:
            self.parts.append(f"**{self._e(label)}**  \n*{self._e(note)}*\n")

    def h1(self, text: str) -> None:
        self.title = text
        self.parts.append(f"<h1>{self._e(text)}</h1>" if self.kind == "html" else f"# {text}\n")

    def h2(self, text: str) -> None:
        self.parts.append(f"<h2>{self._e(text)}</h2>" if self.kind == "html" else f"## {text}\n")

    def h3(self, text: str) -> None:
        self.parts.append(f"<h3>{self._e(text)}</h3>" if self.kind == "html" else f"### {self._e(text)}\n")

    def meta(self, text: str) -> None:
        self.parts.append(f'<p class="meta">{self._e(text)}</p>' if self.kind == "html" else f"*{self._e(text)}*\n")

    def p(self, text: str, *, lead: bool = False, small: bool = False, keep: bool = False) -> None:
        if self.kind == "html":
            cls = ' class="lead"' if lead else ' class="small"' if small else ' class="keep"' if keep else ""
            self.parts.append(f"<p{cls}>{self._e(text)}</p>")
        else:
            self.parts.append((f"> {self._e(text)}" if lead else self._e(text)) + "\n")

    def pre(self, text: str) -> None:
        self.parts.append(f"<pre>{self._e(text)}</pre>" if self.kind == "html" else f"```\n{text}\n```\n")

    def bullets(self, items: list[str]) -> None:
        if self.kind == "html":
            self.parts.append("<ul>" + "".join(f"<li>{self._e(i)}</li>" for i in items) + "</ul>")
        else:
            self.parts.append("\n".join(f"- {self._e(i)}" for i in items) + "\n")

    def table(self, header: list[str], rows: list[list[str]], numeric: set[int] | None = None, *,
              caption: str = "", total: bool = False) -> None:
        numeric = numeric or set()
        if caption:
            text = self._caption("table", caption)
            self.parts.append(f'<p class="caption">{self._e(text)}</p>' if self.kind == "html"
                              else f"*{self._e(text)}*\n")
        if self.kind == "html":
            head = "".join(f"<th>{self._e(h)}</th>" for h in header)
            body = "".join(
                "<tr>" + "".join(f'<td class="num">{self._e(c)}</td>' if i in numeric else f"<td>{self._e(c)}</td>"
                                 for i, c in enumerate(row)) + "</tr>" for row in rows)
            self.parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        else:
            align = ["---:" if i in numeric else "---" for i in range(len(header))]
            lines = ["| " + " | ".join(self._e(h) for h in header) + " |", "| " + " | ".join(align) + " |"]
            lines += ["| " + " | ".join(self._e(c) for c in row) + " |" for row in rows]
            self.parts.append("\n".join(lines) + "\n")

    def image(self, png: bytes, caption: str, width_cm: float = 16.0) -> None:
        caption = self._caption("figure", caption)
        uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        if self.kind == "html":
            self.parts.append(f'<figure style="width: {width_cm:g}cm; max-width: 100%"><img src="{uri}" '
                              f'alt="{html_lib.escape(caption)}"><figcaption>{self._e(caption)}</figcaption></figure>')
        else:
            self.parts.append(f"![{_md_escape(caption)}]({uri})\n\n*{_md_escape(caption)}*\n")

    def text(self) -> str:
        prov = self.provenance
        if self.kind == "html":
            meta = "" if prov is None else "".join(
                f'<meta name="{name}" content="{html_lib.escape(value)}">\n'
                for name, value in (("kgkc-opt:sha256", prov.check_code), ("generator", prov.versions_text()),
                                    ("kgkc-opt:command", prov.command_text())) if value)
            return (f"<!DOCTYPE html>\n<html lang=\"{self.lang}\">\n<head>\n<meta charset=\"utf-8\">\n{meta}"
                    f"<title>{html_lib.escape(self.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
                    + "\n".join(self.parts) + "\n</body>\n</html>\n")
        note = "" if prov is None else prov.text(self.lang)
        comment = "\n<!--\n" + note.replace("--", "- -") + "\n-->\n" if note else ""
        return "\n".join(self.parts) + comment


class Word:
    """The brief as a .docx annex (python-docx), by Decree 30/2020/NĐ-CP: A4, Times New Roman 13 pt,
    margins 20/20/30/15 mm (top/bottom/left/right), page numbers at the top centre from page 2."""

    def __init__(self, lang: str = "vi", provenance: Provenance | None = None, subject: str = ""):
        from docx import Document
        from docx.shared import Mm, Pt

        self.lang = lang
        self.provenance = provenance
        self.subject = subject
        self.counts = {"table": 0, "figure": 0}
        self.doc = Document()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
        section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
        section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
        section.header_distance = section.footer_distance = Mm(10)
        for name in ("Normal", "Heading 1", "Heading 2", "Heading 3", "Caption", "List Bullet", "Table Grid"):
            try:
                style = self.doc.styles[name]
            except KeyError:
                continue
            self._font(style, bold=True if name.startswith("Heading") else None)
            style.font.size = Pt(BODY_PT)
        self.doc.styles["Normal"].paragraph_format.space_after = Pt(4)
        self.doc.styles["Normal"].paragraph_format.line_spacing = 1.1
        for level in (1, 2, 3):
            fmt_ = self.doc.styles[f"Heading {level}"].paragraph_format
            fmt_.space_before, fmt_.space_after = Pt(10 if level < 3 else 6), Pt(4)
            fmt_.keep_with_next = True
        self._page_numbers(section)

    @staticmethod
    def _font(style: Any, bold: bool | None = None) -> None:
        from docx.oxml.ns import qn
        from docx.shared import RGBColor

        style.font.name = FONT
        style.font.color.rgb = RGBColor(0, 0, 0)
        if bold is not None:
            style.font.bold = bold
            style.font.italic = False
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attr), None)
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), FONT)

    def _page_numbers(self, section: Any) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        section.different_first_page_header_footer = True
        paragraph = section.header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run()
        for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
            if kind:
                el = OxmlElement("w:fldChar")
                el.set(qn("w:fldCharType"), kind)
            else:
                el = OxmlElement("w:instrText")
                el.set(qn("xml:space"), "preserve")
                el.text = text
            run._r.append(el)

    def _para(self, text: str = "", *, bold: bool = False, italic: bool = False, align: str | None = None,
              size: float = BODY_PT, indent: bool = False, style: str | None = None, keep: bool = False) -> Any:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm, Pt

        p = self.doc.add_paragraph(style=style)
        if text:
            run = p.add_run(text)
            run.bold, run.italic = bold or None, italic or None
            run.font.size = Pt(size)
        if align:
            p.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
                           "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
        if indent:
            p.paragraph_format.first_line_indent = Cm(1)
        if keep:
            p.paragraph_format.keep_with_next = True
        return p

    def _caption(self, kind: str, text: str) -> str:
        self.counts[kind] += 1
        return f"{caption_label(kind, self.counts[kind], self.lang)} {text}"

    def draft(self, text: str) -> None:
        """The draft mark (DỰ THẢO), bold at the top right of the first page."""
        self._para(text, bold=True, align="right").paragraph_format.space_after = 0

    def signature(self, title: str, name: str) -> None:
        """The signature block at the right: the signer's title, room to sign, the name."""
        from docx.shared import Cm

        block = [(title.upper(), True), ("", False), ("", False), ("", False), (name, True)]
        for i, (text, bold) in enumerate(block):
            p = self._para(text, bold=bold, align="center")
            p.paragraph_format.left_indent = Cm(8)
            p.paragraph_format.space_after = 0
            if i < len(block) - 1:
                p.paragraph_format.keep_with_next = True

    def annex(self, label: str, note: str) -> None:
        self._para(label, bold=True, align="center", size=14).paragraph_format.space_after = 0
        self._para(note, italic=True, align="center")

    def h1(self, text: str) -> None:
        p = self._para(text, bold=True, align="center", size=14, style="Heading 1")
        p.paragraph_format.space_before = 0

    def h2(self, text: str) -> None:
        self.doc.add_heading(text, level=2)

    def h3(self, text: str) -> None:
        self.doc.add_heading(text, level=3)

    def meta(self, text: str) -> None:
        self._para(text, italic=True, align="center")

    def p(self, text: str, *, lead: bool = False, small: bool = False, keep: bool = False) -> None:
        self._para(text, bold=lead, italic=small, align="justify", indent=not small, keep=keep)

    def pre(self, text: str) -> None:
        for line in text.splitlines():
            self._para(line)

    def bullets(self, items: list[str]) -> None:
        for item in items:
            p = self._para(f"- {item}", align="justify")
            p.paragraph_format.first_line_indent = None
            from docx.shared import Cm

            p.paragraph_format.left_indent = Cm(0.6)
            p.paragraph_format.first_line_indent = Cm(-0.4)

    def table(self, header: list[str], rows: list[list[str]], numeric: set[int] | None = None, *,
              caption: str = "", total: bool = False) -> None:
        """A table, numbered above ("Bảng n. caption") when it has a caption; no row split across
        pages, the header repeated on each page, the last rows kept together (a total row never
        alone on a page); ``total``: the last row in bold."""
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        numeric = numeric or set()
        if caption:
            self._para(self._caption("table", caption), italic=True, align="center", keep=True)
        table = self.doc.add_table(rows=1 + len(rows), cols=len(header))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for r, (row, values) in enumerate(zip(table.rows, [header, *rows], strict=True)):
            cells = row.cells  # the rows walked once (table.rows[r] lists every row each time)
            for c, value in enumerate(values):
                paragraph = cells[c].paragraphs[0]
                run = paragraph.add_run(str(value))
                run.font.size = Pt(BODY_PT - 1)
                run.bold = r == 0 or (total and r == len(rows)) or None
                paragraph.paragraph_format.space_after = Pt(0)
                if r == 0:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                elif c in numeric:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        keep_rows_whole(table)
        keep_total_with_rows(table)
        self._para("").paragraph_format.space_after = Pt(2)

    def image(self, png: bytes, caption: str, width_cm: float = 16.0) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm

        self.doc.add_picture(io.BytesIO(png), width=Cm(width_cm))
        self.doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        self.doc.paragraphs[-1].paragraph_format.keep_with_next = True
        self._para(self._caption("figure", caption), italic=True, align="center")

    def bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.core_properties.title = next(
            (p.text for p in self.doc.paragraphs if p.style is not None and p.style.name == "Heading 1"), "")
        set_provenance(self.doc, self.provenance, subject=self.subject, lang=self.lang)
        self.doc.save(buffer)
        return buffer.getvalue()


def _md_escape(text: str) -> str:
    for ch in ("\\", "|", "*", "_", "[", "]", "<", ">"):
        text = text.replace(ch, "\\" + ch)
    return text

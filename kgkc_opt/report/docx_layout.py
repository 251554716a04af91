"""Word layout a clerk would otherwise fix by hand (python-docx objects, no wording).

Used by ``report.brief_writers.Word``, so every document written through it (the scenario brief,
the annual selection's ``annual-plan.docx``) gets them:

- ``keep_rows_whole(table)``: no row is split across two pages (``w:cantSplit`` on every row) and
  the header row is repeated on each page (``w:tblHeader``);
- ``keep_total_with_rows(table)``: a total row is never alone on a page: a short table is kept on
  one page whole, a long one keeps its last rows together (keep-with-next on their paragraphs);
- ``caption_label``: tables and figures numbered in order ("Bảng 1", "Hình 1", ...);
- ``set_provenance(doc, provenance)``: the check code (SHA-256 of the inputs), the versions and
  the command in the document's properties (File > Properties), never in its body.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kgkc_opt.words import say

#: A table of at most this many rows is kept on one page whole (with its caption); a longer one
#: keeps only its last ``KEEP_LAST`` rows together, so that its total row is never alone.
KEEP_WHOLE_ROWS = 16
KEEP_LAST = 3

#: What a numbered caption starts with, per kind and language.
CAPTION_WORDS = {"table": {"vi": "Bảng", "en": "Table"}, "figure": {"vi": "Hình", "en": "Figure"}}


@dataclass(frozen=True)
class Provenance:
    """Where a document's figures come from: the check code of its inputs (SHA-256), the versions
    of the software that computed them, and the command that wrote it."""

    check_code: str = ""
    versions: tuple[tuple[str, str], ...] = ()
    command: tuple[str, ...] = ()

    @classmethod
    def of(cls, check_code: str, versions: Mapping[str, str], command: list[str] | tuple[str, ...]) -> Provenance:
        return cls(check_code, tuple(sorted(versions.items())), tuple(command))

    def versions_text(self) -> str:
        return "; ".join(f"{name} {version}" for name, version in self.versions)

    def command_text(self) -> str:
        return shlex.join(self.command)

    def text(self, lang: str = "en") -> str:
        """The three, one a line, for a property that holds free text."""
        parts = []
        if self.check_code:
            code = self.check_code if self.check_code.startswith("sha256:") else f"sha256:{self.check_code}"
            parts.append(say("Check code of the inputs: {code}", lang).format(code=code))
        if self.versions:
            parts.append(say("Computed with: {versions}", lang).format(versions=self.versions_text()))
        if self.command:
            parts.append(say("Command: {command}", lang).format(command=self.command_text()))
        return "\n".join(parts)


def set_provenance(doc: Any, provenance: Provenance | None, *, subject: str = "", lang: str = "en") -> None:
    """The provenance in the core properties of ``doc`` (a python-docx Document): ``identifier``
    the check code, ``keywords`` the versions, ``comments`` all three, ``subject`` what it is."""
    props = doc.core_properties
    props.author = "kgkc-opt"
    if subject:
        props.subject = subject
    if provenance is None:
        return
    code = provenance.check_code
    if code:
        props.identifier = code if code.startswith("sha256:") else f"sha256:{code}"
    if provenance.versions:
        _long_property(props, "keywords", provenance.versions_text())
    _long_property(props, "description", provenance.text(lang))  # (shown as "Comments")


def _long_property(props: Any, name: str, text: str) -> None:
    """A core property of any length (python-docx's setters stop at 255 characters; Word and
    LibreOffice read longer ones)."""
    props._element._get_or_add(name).text = text


def caption_label(kind: str, number: int, lang: str) -> str:
    """ "Bảng 3." / "Figure 2." """
    return f"{CAPTION_WORDS[kind]['en' if lang == 'en' else 'vi']} {number}."


def _flag(parent: Any, tag: str) -> None:
    """Add the on/off property ``tag`` (w:cantSplit, w:tblHeader) to ``parent`` once."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    if parent.find(qn(tag)) is None:
        parent.append(OxmlElement(tag))


def keep_rows_whole(table: Any, header_rows: int = 1) -> None:
    """No row of ``table`` split across pages; its first ``header_rows`` rows repeated on each page."""
    for r, row in enumerate(table.rows):
        tr_pr = row._tr.get_or_add_trPr()
        _flag(tr_pr, "w:cantSplit")
        if r < header_rows:
            _flag(tr_pr, "w:tblHeader")


def keep_total_with_rows(table: Any) -> None:
    """The table's last row never alone on a page: a short table kept whole, else its last
    ``KEEP_LAST`` rows (keep-with-next on the paragraphs of every row before the last one kept)."""
    rows = list(table.rows)
    first = 0 if len(rows) <= KEEP_WHOLE_ROWS else max(len(rows) - KEEP_LAST, 0)
    for row in rows[first:-1]:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True

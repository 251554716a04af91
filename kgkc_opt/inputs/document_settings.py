"""The settings of a document a clerk sends (``--document-settings FILE.yaml``): who issues it, its
number, the annex number, the date, the signer, and whether it is a draft (dự thảo).

A small YAML file, every key optional (docs/documents.md)::

    issuer: Sở Công Thương tỉnh An Giang     # the issuing body (cơ quan ban hành)
    number: 15/TTr-SCT                       # the proposal's number (số Tờ trình) the annex goes with
    annex: I                                 # the annex number (Phụ lục I)
    date: 2026-12-10                         # the proposal's date; blank: a line to fill in by hand
    signer: Nguyễn Văn A                     # who signs, and their title
    signer_title: Giám đốc
    draft: true                              # "DỰ THẢO" on the first page; blank: a draft when the
                                             # program is illustrative, not adopted

A key left out leaves a blank to fill in by hand ("Số: ……/TTr-……", "ngày …… tháng …… năm ……").
Read at the door: every problem (an unknown key, a value of the wrong kind) is listed with where it
is, and the file is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kgkc_opt.errors import InputError
from kgkc_opt.inputs.files import read_yaml
from kgkc_opt.inputs.reader import Collector

#: The keys of a settings file, in the order the documentation lists them.
KEYS = ("issuer", "number", "annex", "date", "signer", "signer_title", "draft")
#: The longest text a setting may hold (a line of the document's heading).
MAX_TEXT = 200


class DocumentSettingsError(InputError):
    """A document settings file that cannot be used."""


@dataclass(frozen=True)
class DocumentSettings:
    """A document's issuing details; "" (or None) leaves a blank to fill in by hand."""

    issuer: str = ""
    number: str = ""
    annex: str = ""
    date: dt.date | None = None
    signer: str = ""
    signer_title: str = ""
    #: True: a draft (dự thảo); False: final; None: decided by the program (illustrative: a draft)
    draft: bool | None = None

    def is_draft(self, illustrative: bool) -> bool:
        """Whether the document is marked a draft, for a program that is (not) illustrative."""
        return illustrative if self.draft is None else self.draft


def settings_from_dict(data: Any, source: str) -> DocumentSettings:
    """The settings in ``data`` (a YAML file's contents; None: an empty file), checked at the door."""
    c = Collector(source)
    if data is None:
        return DocumentSettings()
    doc = c.mapping(data, "")
    if doc is None:
        c.raise_if_any(DocumentSettingsError)
        return DocumentSettings()
    c.known_keys(doc, "", KEYS)
    texts = {key: _text(c, doc, key) for key in ("issuer", "number", "annex", "signer", "signer_title")}
    date = None if doc.get("date") in (None, "") else c.date(doc["date"], "date", example="2026-12-10")
    draft = None if doc.get("draft") is None else c.boolean(doc["draft"], "draft")
    c.raise_if_any(DocumentSettingsError)
    return DocumentSettings(date=date, draft=draft, **texts)


def _text(c: Collector, doc: Mapping[Any, Any], key: str) -> str:
    value = doc.get(key)
    if value is None:
        return ""
    text = c.text(value, key, allow_empty=True)
    if text is None:
        return ""
    text = " ".join(text.split())
    if len(text) > MAX_TEXT:
        c.error(key, "expected at most {most} characters (one line of the heading), got {length}", most=MAX_TEXT,
                length=len(text))
    return text


def load_document_settings(path: str | Path) -> DocumentSettings:
    """The settings file at ``path`` (YAML), read and checked at the door."""
    return settings_from_dict(read_yaml(path, error_type=DocumentSettingsError), str(path))

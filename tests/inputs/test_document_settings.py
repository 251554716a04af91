"""The document settings file (``--document-settings``): read and checked at the door."""

from __future__ import annotations

import datetime as dt

import pytest

from kgkc_opt.inputs.document_settings import (
    DocumentSettings,
    DocumentSettingsError,
    load_document_settings,
    settings_from_dict,
)


def test_a_full_file_is_read(tmp_path):
    path = tmp_path / "settings.yaml"
    path.write_text("issuer: Sở Công Thương tỉnh An Giang\nnumber: 15/TTr-SCT\nannex: I\ndate: 2026-12-10\n"
                    "signer: Nguyễn Văn A\nsigner_title: Giám đốc\ndraft: false\n", encoding="utf-8")
    s = load_document_settings(path)
    assert s == DocumentSettings("Sở Công Thương tỉnh An Giang", "15/TTr-SCT", "I", dt.date(2026, 12, 10),
                                 "Nguyễn Văn A", "Giám đốc", False)
    assert not s.is_draft(illustrative=True)  # the file decides


def test_a_file_of_no_settings_leaves_every_blank_and_the_program_decides_the_draft(tmp_path):
    path = tmp_path / "settings.yaml"
    path.write_text("# nothing set yet\n{}\n", encoding="utf-8")
    s = load_document_settings(path)
    assert s == DocumentSettings()
    assert s.is_draft(illustrative=True) and not s.is_draft(illustrative=False)


def test_every_problem_is_listed_with_where_it_is():
    with pytest.raises(DocumentSettingsError) as err:
        settings_from_dict({"issuer": ["a"], "date": "10/12/2026", "draft": "yes", "signatory": "x",
                            "number": "x" * 300}, "s.yaml")
    where = {(p.source, p.where) for p in err.value.problems}
    assert where == {("s.yaml", "issuer"), ("s.yaml", "date"), ("s.yaml", "draft"), ("s.yaml", "signatory"),
                     ("s.yaml", "number")}
    assert "unknown key" in str(err.value) and "2026-12-10" in str(err.value)


def test_a_file_that_is_not_a_mapping_is_refused():
    with pytest.raises(DocumentSettingsError, match="expected a mapping"):
        settings_from_dict(["issuer"], "s.yaml")

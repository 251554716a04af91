"""The scenario keys' wording in the tables (kgkc_opt/inputs/key_labels.py)."""

from __future__ import annotations

import pytest

from kgkc_opt.inputs.key_labels import LABELS, key_label, row_label, show
from kgkc_opt.inputs.keys import KEYS


@pytest.mark.parametrize(("name", "part", "vi", "en"), [
    ("targets", "II.2", "Mục tiêu II.2", "Target II.2"),
    ("budget", "2024", "Vốn NS năm 2024", "Local budget 2024"),
    ("group_caps", "III.2024", "Trần vốn NS nhóm III năm 2024", "Local budget cap, group III, 2024"),
    ("funding", "national.2027", "Vốn national năm 2027", "national funds 2027"),
    ("policy", "", "Phương án phân bổ", "Cut policy"),
])
def test_a_change_log_line_reads_as_an_official_writes_it(name, part, vi, en):
    assert (row_label(name, part, "vi"), row_label(name, part, "en")) == (vi, en)


def test_values_have_words_where_the_key_declares_them():
    assert (show("carry_over", "true", "vi"), show("carry_over", "false", "en")) == ("có", "no")
    assert (show("structure", "false", "vi"), show("structure", "true", "en")) == ("tắt", "on")
    assert (show("group_caps", "none", "vi"), show("group_caps", "none", "en")) == ("không giới hạn", "no cap")
    assert show("targets", "none", "vi") == "none"


def test_every_key_has_labels_in_both_languages_and_money_changes_show_a_percentage():
    assert set(LABELS) == {k.name for k in KEYS}
    for name, wording in LABELS.items():
        assert wording.label.vi and wording.label.en, name
    assert {n for n, w in LABELS.items() if w.percent_change} == {"budget", "cofunding", "funding", "group_caps"}
    with pytest.raises(KeyError):
        key_label("no_such_key")

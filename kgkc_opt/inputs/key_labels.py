"""The scenario keys as an official writes them: the report's wording of each key, apart from its
declaration (``kgkc_opt.inputs.keys``).

``LABELS`` gives each key (by its document name, the first part of its change-log lines) its name
in Vietnamese and English, how the rest of a change-log line's path is written after it
(``row_label``: "Vốn NS năm 2024", "Trần vốn NS nhóm III năm 2024"), how a logged value reads in a
table (``show``: "có", "không giới hạn") and whether a table shows a change as a percentage too.
The brief's change table and ``report.fmt.change_text`` read it; the docs table of
docs/scenarios.md shows each key's full names (``kgkc_opt.inputs.keys_docs``). A test checks that
every key has its labels.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class Label:
    """A name as an official writes it; ``vi_short``/``en_short`` are the forms used in the
    rows of a table ("Vốn NS năm 2024"), the full ones in headings and the docs."""

    vi: str
    en: str
    vi_short: str = ""
    en_short: str = ""

    def get(self, lang: str) -> str:
        return self.vi if lang == "vi" else self.en

    def short(self, lang: str) -> str:
        if lang == "vi":
            return self.vi_short or self.vi
        return self.en_short or self.en


#: How the rest of a change-log line's path is written: as it is ("Mục tiêu II.2"), a year
#: ("Vốn NS năm 2024"), a group and a year, or a source and a year.
PartStyle = Literal["plain", "year", "group_year", "source_year"]

_YES_NO = {"true": ("có", "yes"), "false": ("không", "no")}
_ON_OFF = {"true": ("bật", "on"), "false": ("tắt", "off")}


@dataclass(frozen=True)
class KeyLabel:
    """A key's wording in the tables: its name, how its lines' parts read, its values' words."""

    label: Label
    part: PartStyle = "plain"
    #: a logged value's words in the tables (vi, en), by its text in the change log
    values: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    #: whether a table shows the change as a percentage of the old value too
    percent_change: bool = False


LABELS: Mapping[str, KeyLabel] = {
    "new_tasks": KeyLabel(Label("Nhiệm vụ bổ sung", "New tasks", en_short="New task")),
    "targets": KeyLabel(Label("Mục tiêu", "Targets", en_short="Target")),
    "support_share": KeyLabel(Label("Tỷ lệ hỗ trợ từ ngân sách nhà nước", "State support share",
                                    vi_short="Tỷ lệ hỗ trợ của Nhà nước")),
    "escalation": KeyLabel(Label("Trượt giá chi phí", "Cost escalation")),
    "budget": KeyLabel(Label("Vốn ngân sách địa phương", "Local budget", vi_short="Vốn NS"), "year",
                       percent_change=True),
    "cofunding": KeyLabel(Label("Vốn khác (doanh nghiệp đối ứng)", "Co-funding", vi_short="Vốn khác"), "year",
                          percent_change=True),
    "funding": KeyLabel(Label("Vốn từ các nguồn nhà nước khác", "Other state sources", vi_short="Nguồn khác",
                              en_short="Other source"), "source_year", percent_change=True),
    "group_caps": KeyLabel(Label("Trần vốn ngân sách địa phương chi cho một nhóm nhiệm vụ",
                                 "Cap on a group's local budget spending", vi_short="Trần vốn NS",
                                 en_short="Local budget cap"), "group_year",
                           values={"none": ("không giới hạn", "no cap")}, percent_change=True),
    "weights": KeyLabel(Label("Trọng số", "Weights", en_short="Weight")),
    "floors": KeyLabel(Label("Mức tối thiểu phải giữ", "Floors", en_short="Floor")),
    "tiers": KeyLabel(Label("Thứ tự ưu tiên", "Priority tiers", en_short="Priority tier")),
    "carry_over": KeyLabel(Label("Chuyển vốn chưa sử dụng sang năm sau", "Carry-over of unspent budget"),
                           values=_YES_NO),
    "policy": KeyLabel(Label("Phương án phân bổ khi thiếu vốn", "Cut policy", vi_short="Phương án phân bổ")),
    "structure": KeyLabel(Label("Theo cách tổ chức thực hiện của Chương trình", "The program's structure",
                                vi_short="Cách tổ chức thực hiện"), values=_ON_OFF),
}


def key_label(name: str) -> KeyLabel:
    """The wording of the scenario key ``name`` (a KeyError names a key without labels)."""
    return LABELS[name]


def row_label(name: str, part: str, lang: str) -> str:
    """The label of a change-log line ``name.part`` in a table: "Mục tiêu II.2", "Vốn NS năm 2024"."""
    wording = LABELS[name]
    short = wording.label.short(lang)
    vi = lang == "vi"
    if wording.part == "year":
        return f"{short} năm {part}" if vi else f"{short} {part}"
    if wording.part == "group_year":
        gid, _, year = part.rpartition(".")
        return f"{short} nhóm {gid} năm {year}" if vi else f"{short}, group {gid}, {year}"
    if wording.part == "source_year":
        sid, _, year = part.rpartition(".")
        return f"Vốn {sid} năm {year}" if vi else f"{sid} funds {year}"
    return f"{short} {part}" if part else short


def show(name: str, text: str, lang: str) -> str:
    """A logged value of the key ``name`` as a table shows it."""
    words = LABELS[name].values
    return words[text][0 if lang == "vi" else 1] if text in words else text

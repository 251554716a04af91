"""An earlier selection (``inputs.previous``), for re-selecting mid-year: its selection.csv read
and checked, its year checked against the one selected for, ids matched ignoring case."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kgkc_opt.errors import InputError
from kgkc_opt.inputs.previous import aligned, load_previous, previous_from_text, previous_path, recorded_year


def test_statuses_are_read_by_column_name() -> None:
    text = "\ufeffstatus,proposal_id,score\nfunded,KG-1,80\ntrimmed,KG-2,70\n\nnot_funded,KG-3,50\n"
    assert previous_from_text(text, "s.csv") == {"KG-1": "funded", "KG-2": "trimmed", "KG-3": "not_funded"}


def test_bad_rows_are_all_named() -> None:
    text = "proposal_id,status\n,funded\nKG-1,chosen\nKG-2,funded\nkg-2,trimmed\n"
    with pytest.raises(InputError) as raised:
        previous_from_text(text, "s.csv")
    assert [(p.where, p.message) for p in raised.value.problems] == [
        ("line 2", "proposal_id is empty"),
        ("line 3", "status 'chosen' of KG-1: expected one of funded, trimmed, not_funded"),
        ("line 5", "kg-2 is listed again (first at line 4)"),
    ]


def test_a_file_that_is_no_selection_is_refused() -> None:
    with pytest.raises(InputError, match="has no column status"):
        previous_from_text("proposal_id,score\nKG-1,5\n", "s.csv")
    with pytest.raises(InputError, match="is empty"):
        previous_from_text("", "s.csv")
    with pytest.raises(InputError, match="records no year"):
        recorded_year("{}", "summary.json")
    assert recorded_year('{"year": 2024}', "summary.json") == 2024


def test_a_folder_is_read_through_its_selection_and_its_year_checked(tmp_path: Path) -> None:
    (tmp_path / "selection.csv").write_text("proposal_id,status\nKG-1,funded\n", encoding="utf-8")
    (tmp_path / "summary.json").write_text(json.dumps({"year": 2024}), encoding="utf-8")
    assert previous_path(tmp_path) == tmp_path / "selection.csv"
    label, statuses = load_previous(tmp_path, year=2024)
    assert label.endswith("selection.csv") and statuses == {"KG-1": "funded"}
    with pytest.raises(InputError, match=r"is the selection of 2024 .*, not of 2025"):
        load_previous(tmp_path, year=2025)


def test_ids_are_spelt_as_in_the_proposals_file() -> None:
    assert aligned({"kg-1": "funded", "KG-9": "trimmed"}, ["KG-1", "KG-2"]) == {"KG-1": "funded", "KG-9": "trimmed"}

"""The Ministry's approvals (``inputs.national``): a CSV of proposal ids and approved amounts, in
English or Vietnamese headers, exact to the đồng, every bad line named."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from kgkc_opt.errors import InputError
from kgkc_opt.inputs.national import approvals_from_text, load_approvals


def test_approvals_are_read_exactly_under_either_header() -> None:
    assert approvals_from_text("proposal_id,approved\nKG-1,150.5\nKG-2,0\n\n", "a.csv") == {
        "KG-1": Fraction(301, 2), "KG-2": 0}
    assert approvals_from_text("\ufeffMã đề án,Kinh phí được duyệt\nKG-1,200\n", "a.csv") == {"KG-1": 200}


def test_every_bad_line_is_named() -> None:
    text = "proposal_id,approved\n,5\nKG-1,abc\nKG-2,1e-9\nKG-3,-1\nKG-4,10\nKG-4,11\nKG-5,1e-999999999\n"
    with pytest.raises(InputError) as raised:
        approvals_from_text(text, "a.csv")
    where = [(p.where, p.message.split(":")[0]) for p in raised.value.problems]
    assert where == [("line 2", "proposal_id is empty"), ("line 3", "approved 'abc' of KG-1"),
                     ("line 4", "approved '1e-9' of KG-2"), ("line 5", "approved '-1' of KG-3"),
                     ("line 7", "KG-4 is listed twice"), ("line 8", "approved '1e-999999999' of KG-5")]


def test_a_file_without_the_columns_or_empty_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="expected the columns proposal_id and approved"):
        approvals_from_text("id,amount\nKG-1,5\n", "a.csv")
    with pytest.raises(InputError, match="is empty"):
        approvals_from_text("", "a.csv")
    path = tmp_path / "approvals.csv"
    path.write_text("proposal_id,approved\nKG-9,12.25\n", encoding="utf-8")
    assert load_approvals(path) == {"KG-9": Fraction(49, 4)}

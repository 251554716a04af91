"""The Ministry's approvals of national-program proposals (``kgkc-opt annual --national-approved``).

A CSV (UTF-8) with a header and two columns, ``proposal_id`` and ``approved`` (the national support
the Ministry approved for the proposal, million VND, to the đồng; Vietnamese headers ``Mã đề án``
and ``Kinh phí được duyệt`` are read too); other columns are ignored. A proposal not listed is not
approved. ``approvals_from_text`` is pure and lists every problem at once (``InputError``);
``load_approvals`` reads the file, recording its SHA-256 for the result's record.
"""

from __future__ import annotations

import csv
import io
from fractions import Fraction
from pathlib import Path

from kgkc_opt.errors import InputError, Problem
from kgkc_opt.inputs.files import read_text
from kgkc_opt.inputs.proposals import fold
from kgkc_opt.inputs.reader import InputFile, exact_number

ID_HEADERS = ("proposal_id", "ma de an")
AMOUNT_HEADERS = ("approved", "kinh phi duoc duyet", "duoc duyet")
#: The most national support a row may state (million VND): a figure above is a mistake (đồng).
MOST = Fraction(10**7)


def approvals_from_text(text: str, source: str) -> dict[str, Fraction]:
    """{proposal_id: approved national support (million VND)}, checked."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows:
        raise InputError([Problem(source, "", "is empty; expected the columns proposal_id and approved")])
    header = [fold(cell).replace("_", " ") for cell in rows[0]]
    at_id = next((i for i, h in enumerate(header) if h in [fold(x).replace("_", " ") for x in ID_HEADERS]), None)
    at_amount = next((i for i, h in enumerate(header) if h in AMOUNT_HEADERS), None)
    if at_id is None or at_amount is None:
        raise InputError([Problem(source, "line 1", "expected the columns proposal_id and approved (Mã đề án, "
                                  "Kinh phí được duyệt)")])
    problems: list[Problem] = []
    out: dict[str, Fraction] = {}
    for line, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        pid = cells[at_id].strip() if at_id < len(cells) else ""
        written = cells[at_amount].strip() if at_amount < len(cells) else ""
        if not pid:
            problems.append(Problem(source, f"line {line}", "proposal_id is empty"))
            continue
        if pid in out:
            problems.append(Problem(source, f"line {line}", "{pid} is listed twice", {"pid": pid}))
            continue
        amount = exact_number(written)  # checked before any Fraction is built (1e-999999999 is refused)
        if isinstance(amount, str):
            problems.append(Problem(source, f"line {line}", "approved {written!r} of {pid}: expected an amount in "
                                                            "million VND such as 150.5", {"written": written,
                                                            "pid": pid}))
            continue
        if amount < 0 or amount > MOST or (amount * 10**6).denominator != 1:
            problems.append(Problem(source, f"line {line}", "approved {written!r} of {pid}: expected an amount "
                                                            "from 0 to {most} million VND, to the đồng",
                                                            {"written": written, "pid": pid, "most": MOST}))
            continue
        out[pid] = amount
    if problems:
        raise InputError(problems)  # (the error shows the first 20 and counts the rest)
    return out


def load_approvals(path: str | Path, *, record: list[InputFile] | None = None) -> dict[str, Fraction]:
    """The approvals of a CSV file (``approvals_from_text``)."""
    label = str(path)
    return approvals_from_text(read_text(Path(path), record=record, role="national approvals", label=label), label)

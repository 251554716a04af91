"""An earlier selection of the year, for the mid-year re-selection (``kgkc-opt annual --previous``).

The earlier selection is the ``selection.csv`` that ``kgkc-opt annual --out DIR`` wrote: given a
folder, its ``selection.csv`` is read; given a file, that file. Only two of its columns count:
``proposal_id`` and ``status`` (funded, trimmed or not_funded); the others are read and ignored, so
that a planner may open the file in Excel, add notes and save it as CSV UTF-8 again.
``previous_from_text`` is pure and lists every problem at once (``InputError``); ``load_previous``
reads the file, recording its SHA-256 for the result's record.

An earlier selection is of one year: where its folder's ``summary.json`` lies beside the
selection.csv, the year it records must be the year selected for (``year=``), else the file is
refused naming both years (a selection of 2023 is not what was funded before in 2024). A
selection.csv without a summary.json beside it (copied out, edited) has no recorded year to check.
Ids are matched ignoring case, as the proposals file's ids are unique ignoring case (``aligned``:
"kg-2024-001" in the earlier selection is the proposal "KG-2024-001" of the file).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from kgkc_opt.errors import InputError, Problem
from kgkc_opt.inputs.files import read_text
from kgkc_opt.inputs.reader import InputFile

SELECTION = "selection.csv"
SUMMARY = "summary.json"
STATUSES = ("funded", "trimmed", "not_funded")


def previous_path(path: str | Path) -> Path:
    """The selection.csv an earlier output folder holds, or the file given."""
    p = Path(path)
    return p / SELECTION if p.is_dir() else p


def previous_from_text(text: str, source: str) -> dict[str, str]:
    """Each proposal's status in an earlier selection: {proposal_id: status}."""
    reader = csv.reader(io.StringIO(text))
    try:
        rows = list(reader)
    except csv.Error as exc:  # a field beyond the csv module's limit (131,072 characters), a NUL...
        raise InputError([Problem(source, f"line {reader.line_num}", "is not a valid selection.csv ({exc}); "
                                                                     "expected the selection.csv of an earlier "
                                                                     "'kgkc-opt annual --out'",
                                  {"exc": exc})]) from None
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise InputError([Problem(source, "", "is empty; expected the selection.csv of an earlier "
                                  "'kgkc-opt annual --out' (columns proposal_id and status)")])
    header = [cell.strip().lstrip("\ufeff") for cell in rows[0]]
    missing = [name for name in ("proposal_id", "status") if name not in header]
    if missing:
        raise InputError([Problem(source, "line 1", "has no column {missing}; expected the selection.csv of an "
                                                    "earlier 'kgkc-opt annual --out'",
                                                    {"missing": ' or '.join(missing)})])
    at_id, at_status = header.index("proposal_id"), header.index("status")
    problems: list[Problem] = []
    out: dict[str, str] = {}
    first_line: dict[str, int] = {}
    for line, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        pid = cells[at_id].strip() if at_id < len(cells) else ""
        status = cells[at_status].strip() if at_status < len(cells) else ""
        if not pid:
            problems.append(Problem(source, f"line {line}", "proposal_id is empty"))
            continue
        if status not in STATUSES:
            problems.append(Problem(source, f"line {line}", "status {status!r} of {pid}: expected one of {statuses}",
                                                            {"status": status, "pid": pid,
                                                            "statuses": ', '.join(STATUSES)}))
        key = pid.casefold()
        if key in first_line:
            problems.append(Problem(source, f"line {line}", "{pid} is listed again (first at line {first_line})",
                                                            {"pid": pid, "first_line": first_line[key]}))
            continue
        first_line[key] = line
        out[pid] = status
    if problems:
        raise InputError(problems)
    return out


def recorded_year(text: str, source: str) -> int:
    """The year a summary.json records (``InputError`` when it records none)."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        data = None
    year = data.get("year") if isinstance(data, dict) else None
    if not isinstance(year, int) or isinstance(year, bool):
        raise InputError([Problem(source, "", "is not the summary.json of an earlier 'kgkc-opt annual --out' (it "
                                  "records no year); the year of the earlier selection cannot be checked")])
    return year


def load_previous(path: str | Path, *, record: list[InputFile] | None = None,
                  year: int | None = None) -> tuple[str, dict[str, str]]:
    """(the file read, {proposal_id: status}) of an earlier selection: a folder or its selection.csv.
    With ``year``, the summary.json beside it (where there is one) must record that year."""
    csv_path = previous_path(path)
    label = str(csv_path)
    text = read_text(csv_path, record=record, role="previous", label=label)
    statuses = previous_from_text(text, label)
    summary = csv_path.parent / SUMMARY
    if year is not None and summary.is_file():
        before = recorded_year(read_text(summary), str(summary))
        if before != year:
            raise InputError([Problem(label, "", "is the selection of {before} (its {summary} says so), not of "
                                                 "{year}, the year selected for: --previous takes an earlier "
                                                 "selection of the same year", {"before": before, "summary": SUMMARY,
                                                 "year": year})])
    return label, statuses


def aligned(previous: Mapping[str, str], ids: Iterable[str]) -> dict[str, str]:
    """``previous`` with each id spelt as in ``ids`` (the proposals file) where they match ignoring
    case; ids not in the file are kept as written (they are "no longer in the file")."""
    spelt = {pid.casefold(): pid for pid in ids}
    return {spelt.get(pid.casefold(), pid): status for pid, status in previous.items()}

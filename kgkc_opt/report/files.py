"""Writing results to files, atomically: nothing partial is ever left behind.

A result folder is written to a temporary sibling folder and renamed into place; an existing
folder is replaced only with ``force=True`` (and then only once the new one is complete). Files
are written to a temporary name and renamed. Numbers are formatted deterministically (money to
the đồng: 6 decimals of a million, trailing zeros dropped), so the same input gives the same bytes.

The result folder contract (read by other tools):

``allocation.csv``   task_id, year, quantity, local_budget, cofunding
``achievement.csv``  task_id, target, achieved, share, shortfall, largest_year_share
``budget.csv``       year, source, cap, used, slack, shadow_price
``summary.json``     status, objective, gap, solver, solver_version, kgkc_opt, input_hash, ...
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from kgkc_opt.errors import OutputError
from kgkc_opt.solver.result import Result

ALLOCATION_COLUMNS = ("task_id", "year", "quantity", "local_budget", "cofunding")
ACHIEVEMENT_COLUMNS = ("task_id", "target", "achieved", "share", "shortfall", "largest_year_share")
BUDGET_COLUMNS = ("year", "source", "cap", "used", "slack", "shadow_price")


def fmt_number(value: Any, digits: int = 6) -> str:
    """Deterministic text for a number: 4658.0 -> '4658', 0.12 -> '0.12', 1/630 -> '0.001587'."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    return str(value)


def csv_text(columns: Iterable[str], rows: Iterable[Mapping[str, Any]], *, digits: int = 6) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    columns = list(columns)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([fmt_number(row[c], digits) for c in columns])
    return buffer.getvalue()


def frame_csv(frame: Any, columns: Iterable[str], *, digits: int = 6) -> str:
    flat = frame.reset_index()
    return csv_text(columns, flat.to_dict("records"), digits=digits)


def result_files(result: Result, *, extra: Mapping[str, Any] | None = None) -> dict[str, str]:
    """The result folder's files as text (what ``write_result`` writes)."""
    summary = result.summary() | dict(extra or {})
    files = {"summary.json": json.dumps(summary, indent=2, ensure_ascii=False, sort_keys=False) + "\n"}
    if result.has_plan:
        files["allocation.csv"] = frame_csv(result.allocation, ALLOCATION_COLUMNS)
        files["achievement.csv"] = frame_csv(result.achievement, ACHIEVEMENT_COLUMNS)
        files["budget.csv"] = frame_csv(result.budget, BUDGET_COLUMNS, digits=9)
    return files


REPLAN_COLUMNS = ("task_id", "year", "stage", "plan", "actual", "replan", "plan_local_budget", "actual_spend",
                  "replan_local_budget")


def replan_csv(table: Any) -> str:
    """``replan.csv``: plan vs actual vs re-plan per (task, year) (``analysis.compare.plan_actual_replan``)."""
    flat = table.reset_index()
    flat = flat.astype(object).where(flat.notna(), "")
    return csv_text(REPLAN_COLUMNS, flat.to_dict("records"))


def check_folder(folder: str | Path, *, force: bool = False) -> None:
    """Raise OutputError now (before any work) if ``write_folder(folder, force=force)`` would refuse."""
    target = Path(folder)
    try:
        if target.exists() and not target.is_dir():
            raise OutputError(f"{target}: exists and is not a folder")
        if target.exists() and any(target.iterdir()) and not force:
            raise OutputError(f"{target}: the folder exists and is not empty; use --force to replace it")
    except OSError as exc:  # a name too long, no permission to list the folder...
        raise OutputError(f"{target}: cannot be used as the output folder: {exc.strerror or exc}") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _publish_modes(path: Path) -> None:
    """Give a staged file or folder the permissions an ordinary open() would have.

    mkstemp/mkdtemp create 0600/0700 entries; outputs are documents meant to be shared.
    """
    mask = _umask()
    if path.is_dir():
        path.chmod(0o777 & ~mask)
        for child in path.rglob("*"):
            child.chmod((0o777 if child.is_dir() else 0o666) & ~mask)
    else:
        path.chmod(0o666 & ~mask)


def write_folder(
    folder: str | Path, files: Mapping[str, str | bytes] | Callable[[Path], None], *, force: bool = False
) -> Path:
    """Write a folder of files atomically; ``files`` maps names to content, or writes into a Path."""
    target = Path(folder)
    check_folder(target, force=force)
    parent = target.parent if str(target.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=parent))
    except OSError as exc:
        raise OutputError(f"{target}: cannot create the folder: {exc.strerror}") from None
    try:
        if callable(files):
            files(staging)
        else:
            for name, content in files.items():
                path = staging / name
                if isinstance(content, bytes):
                    path.write_bytes(content)
                else:
                    with open(path, "w", encoding="utf-8", newline="\n") as fh:
                        fh.write(content)
        if target.exists():
            backup = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=parent))
            backup.rmdir()
            os.replace(target, backup)
            try:
                _publish_modes(staging)
                os.replace(staging, target)
            except OSError:
                os.replace(backup, target)
                raise
            shutil.rmtree(backup, ignore_errors=True)
        else:
            _publish_modes(staging)
            os.replace(staging, target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(f"{target}: cannot write: {exc.strerror or exc}") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def write_file(path: str | Path, content: str | bytes | Callable[[Path], None], *, force: bool = True) -> Path:
    """Write one file atomically (temporary name in the same folder, then rename)."""
    target = Path(path)
    if target.exists() and not force:
        raise OutputError(f"{target}: exists; use --force to replace it")
    if target.exists() and target.is_dir():
        raise OutputError(f"{target}: is a folder, expected a file name")
    parent = target.parent if str(target.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=target.suffix, dir=parent)
        os.close(fd)
    except OSError as exc:
        raise OutputError(f"{target}: cannot create: {exc.strerror}") from None
    tmp = Path(tmp_name)
    try:
        if callable(content):
            content(tmp)
        elif isinstance(content, bytes):
            tmp.write_bytes(content)
        else:
            with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(content)
        _publish_modes(tmp)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def write_result(result: Result, folder: str | Path, *, force: bool = False,
                 extra: Mapping[str, Any] | None = None) -> Path:
    return write_folder(folder, result_files(result, extra=extra), force=force)

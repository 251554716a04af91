"""Writing results to files, atomically and all or nothing: nothing partial is ever left behind.

A result folder is written to a hidden staging folder beside it and renamed into place; an
existing folder is replaced only with ``force=True`` (and then only once the new one is
complete). Files are written to a hidden staging name and renamed. Inside ``with
all_or_nothing():`` every output of a command (a folder, a workbook, a chart, a brief) is staged
first and published at the end of the block together: if any of them fails, none is left, the
staging entries are removed and an output that was being replaced is put back. ``check_folder``
and ``check_file`` say before any work whether an output can be written there.

Staging entries are named ``.kgkc-<host>-<pid>-<random>.<kind>.<name>`` beside the output
``<name>`` (kind ``new``: the output being written; ``old``: an output being replaced, kept until
the new one is in place). A run that is killed leaves them behind; the next run that writes the
same output removes those of its host whose process is no longer running (``remove_stale``), and
puts an ``old`` one back where the output itself is missing. Entries of running processes, of
other hosts and of other outputs are left alone.

Numbers are formatted deterministically (money to the đồng: 6 decimals of a million, trailing
zeros dropped), so the same input gives the same bytes.

The result folder contract (read by other tools):

``allocation.csv``   task_id, year, quantity, local_budget, cofunding, then one column per other state
                     source of the program, named by its id (``national``: national khuyến công
                     funds), so every source's money is in the file; a program with the local budget
                     and co-funding only has the five columns
``achievement.csv``  task_id, target, achieved, share, shortfall, largest_year_share
``budget.csv``       year, source, cap, used, slack, shadow_price
``summary.json``     status, objective, gap, solver, solver_version, kgkc_opt, input_hash, ...
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import re
import secrets
import shutil
import socket
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kgkc_opt.errors import OutputError, Said
from kgkc_opt.solver.result import Result
from kgkc_opt.solver.tables import allocation_columns

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
        if value != value:  # NaN: no figure (e.g. no unit planned), an empty cell
            return ""
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
    if result.has_plan:  # from the result's plain rows: no DataFrame is built
        rows = result.rows
        files["allocation.csv"] = csv_text(allocation_columns(rows), (r.amounts() for r in rows.allocation))
        files["achievement.csv"] = csv_text(ACHIEVEMENT_COLUMNS, (r._asdict() for r in rows.achievement))
        files["budget.csv"] = csv_text(BUDGET_COLUMNS, (r._asdict() for r in rows.budget), digits=9)
    return files


REPLAN_COLUMNS = ("task_id", "year", "stage", "plan", "actual", "replan", "plan_local_budget", "actual_spend",
                  "replan_local_budget")


def replan_csv(table: Any) -> str:
    """``replan.csv``: plan vs actual vs re-plan per (task, year) (``analysis.compare.plan_actual_replan``)."""
    flat = table.reset_index()
    flat = flat.astype(object).where(flat.notna(), "")
    return csv_text(REPLAN_COLUMNS, flat.to_dict("records"))


Content = str | bytes | Callable[[Path], None]
#: Hidden staging entries: .kgkc-<host>-<pid>-<random>.<kind>.<first 80 characters of the output's name>
_STAGING = re.compile(r"^\.kgkc-(?P<host>[0-9a-f]{8})-(?P<pid>[0-9]+)-[0-9a-f]{8}\.(?P<kind>new|old)\.(?P<name>.+)$",
                      re.DOTALL)
_NAME_KEPT = 80


def _host() -> str:
    return hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]


def _staging_path(target: Path, kind: str) -> Path:
    return _parent(target) / f".kgkc-{_host()}-{os.getpid()}-{secrets.token_hex(4)}.{kind}.{target.name[:_NAME_KEPT]}"


def _parent(target: Path) -> Path:
    return target.parent if str(target.parent) else Path(".")


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, owned by someone else
        return True
    return True


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def remove_stale(target: str | Path) -> list[Path]:
    """Remove the staging entries a killed run left beside ``target`` (see the module's docstring);
    an ``old`` one is put back as ``target`` if ``target`` is missing. Returns what was removed."""
    target = Path(target)
    removed = []
    try:
        entries = list(os.scandir(_parent(target)))
    except OSError:
        return []
    for entry in entries:
        m = _STAGING.match(entry.name)
        if (m is None or m["host"] != _host() or m["name"] != target.name[:_NAME_KEPT]
                or _running(int(m["pid"]))):
            continue
        path = Path(entry.path)
        if m["kind"] == "old" and not os.path.lexists(target):
            with contextlib.suppress(OSError):
                os.replace(path, target)  # the killed run had moved the old output aside: put it back
                continue
        _remove(path)
        removed.append(path)
    return removed


def _kind_of(mode: int) -> Said:
    if stat.S_ISDIR(mode):
        return Said("a folder")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return Said("a device")
    if stat.S_ISFIFO(mode):
        return Said("a named pipe")
    if stat.S_ISSOCK(mode):
        return Said("a socket")
    return Said("a file")


def _check_place(target: Path, what: Said) -> None:
    """Raise OutputError unless ``target`` can be created: the nearest existing folder above it is a
    folder that accepts a new entry (tried with a staging file, removed at once), and no name on
    the way is too long."""
    missing: list[Path] = []
    place = _parent(target)
    try:
        while not os.path.lexists(place):
            missing.append(place)
            place = _parent(place) if place != _parent(place) else place
            if place in missing:
                break
        if not place.is_dir():
            raise OutputError("{target}: cannot be used as {what}: {place} is not a folder",
                              target=target, what=what, place=place)
        name_max = os.pathconf(place, "PC_NAME_MAX") if hasattr(os, "pathconf") else 255
        for part in [*missing, target]:
            if len(os.fsencode(part.name)) > name_max:
                raise OutputError("{target}: cannot be used as {what}: File name too long", target=target, what=what)
        probe = _staging_path(place / (missing[-1].name if missing else target.name), "new")
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:  # read-only file system, no permission, name too long...
        raise OutputError("{target}: cannot be used as {what}: {reason}", target=target, what=what,
                          reason=exc.strerror or exc) from None


def check_folder(folder: str | Path, *, force: bool = False) -> None:
    """Raise OutputError now (before any work) if ``write_folder(folder, force=force)`` would refuse,
    or the folder could not be created there."""
    target = Path(folder)
    try:
        if os.path.lexists(target) and not target.is_dir():
            raise OutputError("{target}: exists and is not a folder", target=target)
        if target.exists() and any(target.iterdir()) and not force:
            raise OutputError("{target}: the folder exists and is not empty; use --force to replace it", target=target)
    except OSError as exc:  # a name too long, no permission to list the folder...
        raise OutputError("{target}: cannot be used as the output folder: {reason}", target=target,
                          reason=exc.strerror or exc) from None
    _check_place(target, Said("the output folder"))


def check_file(path: str | Path, *, suffixes: Iterable[str] = (), kind: str = "", force: bool = True) -> None:
    """Raise OutputError now (before any work) if ``write_file(path)`` would fail: a suffix not in
    ``suffixes`` (``kind`` says what is expected, e.g. "the workbook is written as .xlsx"), a folder
    or anything but a regular file of that name, a folder that does not accept a new file."""
    target = Path(path)
    allowed = {x.lower() for x in suffixes}
    if allowed and target.suffix.lower() not in allowed:
        raise OutputError("{target}: {kind}", target=target, kind=Said(kind) if kind else Said(
            "expected a name ending in {suffixes}", suffixes=", ".join(sorted(allowed))))
    try:
        info = os.lstat(target) if os.path.lexists(target) else None
    except (OSError, ValueError) as exc:
        raise OutputError("{target}: cannot be written: {reason}", target=target,
                          reason=getattr(exc, "strerror", None) or exc) from None
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise OutputError("{target}: is a folder, expected a file name", target=target)
        if not (stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode)):
            raise OutputError("{target}: is {kind}, not a file; choose a file name", target=target,
                              kind=_kind_of(info.st_mode))
        if not force:
            raise OutputError("{target}: exists; use --force to replace it", target=target)
    _check_place(target, Said("an output file"))


def check_outside(path: str | Path, folder: str | Path) -> None:
    """Raise OutputError if ``path`` lies in ``folder`` (an output folder is written, and replaced,
    whole: a file of the same command cannot go inside it)."""
    inner, outer = Path(path).resolve(), Path(folder).resolve()
    if inner == outer or inner.is_relative_to(outer):
        raise OutputError("{path}: lies in the output folder {folder}, which is written whole; "
                          "write it beside the folder", path=path, folder=folder)


@dataclass
class _Output:
    """One staged output: ``staging`` becomes ``target`` when published."""

    target: Path
    staging: Path
    folder: bool
    created: list[Path] = field(default_factory=list)  # parent folders made for it
    backup: Path | None = None
    moved: bool = False  # the replaced output was moved to ``backup`` (not linked)
    published: bool = False


class Outputs:
    """The outputs of one command, staged, then published together: all or nothing.

    Use ``all_or_nothing()``; ``write_folder`` and ``write_file`` stage into the active one.
    """

    def __init__(self) -> None:
        self._outputs: list[_Output] = []

    def _make_parents(self, target: Path) -> list[Path]:
        missing = []
        place = _parent(target)
        while not os.path.lexists(place) and place != _parent(place):
            missing.append(place)
            place = _parent(place)
        made = []
        try:
            for folder in reversed(missing):
                folder.mkdir()
                made.append(folder)
        except OSError as exc:
            _remove_empty(made)
            raise OutputError("{target}: cannot create the folder {folder}: {reason}", target=target, folder=folder,
                              reason=exc.strerror or exc) from None
        return made

    def _check_not_inside(self, target: Path) -> None:
        for out in self._outputs:
            if out.folder:
                check_outside(target, out.target)
            if target.is_dir():
                check_outside(out.target, target)

    def folder(self, target: str | Path, files: Mapping[str, str | bytes] | Callable[[Path], None], *,
               force: bool = False) -> Path:
        target = Path(target)
        check_folder(target, force=force)
        self._check_not_inside(target)
        created = self._make_parents(target)
        remove_stale(target)
        staging = _staging_path(target, "new")
        out = _Output(target, staging, True, created)
        self._outputs.append(out)
        try:
            staging.mkdir()
            if callable(files):
                files(staging)
            else:
                for name, content in files.items():
                    _write(staging / name, content)
        except OSError as exc:
            raise OutputError("{target}: cannot write: {reason}", target=target, reason=exc.strerror or exc) from None
        return target

    def file(self, target: str | Path, content: Content, *, force: bool = True) -> Path:
        target = Path(target)
        if target.exists() and not force:
            raise OutputError("{target}: exists; use --force to replace it", target=target)
        if target.is_dir():
            raise OutputError("{target}: is a folder, expected a file name", target=target)
        self._check_not_inside(target)
        created = self._make_parents(target)
        remove_stale(target)
        staging = _staging_path(target, "new")
        out = _Output(target, staging, False, created)
        self._outputs.append(out)
        try:
            os.close(os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            if callable(content):
                content(staging)
            else:
                _write(staging, content)
        except OSError as exc:
            raise OutputError("{target}: cannot write: {reason}", target=target, reason=exc.strerror or exc) from None
        return target

    def publish(self) -> None:
        """Rename every staged output into place; on any failure undo those already in place."""
        try:
            for out in self._outputs:
                if os.path.lexists(out.target):
                    # a file is kept by a second link (the name never goes missing); a folder is moved
                    out.backup = _staging_path(out.target, "old")
                    linked = False
                    if not out.folder:
                        with contextlib.suppress(OSError):
                            os.link(out.target, out.backup, follow_symlinks=False)
                            linked = True
                    if not linked:
                        os.replace(out.target, out.backup)
                        out.moved = True
                try:
                    os.replace(out.staging, out.target)
                except BaseException:
                    if out.moved and out.backup is not None:
                        os.replace(out.backup, out.target)
                        out.backup = None
                    raise
                out.published = True
        except OSError as exc:
            failed = next(o for o in self._outputs if not o.published)
            self.discard()
            raise OutputError("{target}: cannot write: {reason}", target=failed.target,
                              reason=exc.strerror or exc) from None
        except BaseException:
            self.discard()
            raise
        for out in self._outputs:
            if out.backup is not None:
                _remove(out.backup)
        self._outputs = []

    def discard(self) -> None:
        """Remove every staged output, and undo those already published (the replaced ones back)."""
        for out in reversed(self._outputs):
            with contextlib.suppress(OSError):
                if out.published:
                    if out.backup is not None and not out.moved:
                        os.replace(out.backup, out.target)  # the linked old file back over the new one
                    else:
                        _remove(out.target)
                        if out.backup is not None:
                            os.replace(out.backup, out.target)
                elif out.backup is not None and out.moved:
                    os.replace(out.backup, out.target)
                elif out.backup is not None:
                    _remove(out.backup)
            _remove(out.staging)
            _remove_empty(out.created)
        self._outputs = []


def _remove_empty(folders: list[Path]) -> None:
    for folder in reversed(folders):
        with contextlib.suppress(OSError):
            folder.rmdir()


def _write(path: Path, content: str | bytes) -> None:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(content)


_ACTIVE: ContextVar[Outputs | None] = ContextVar("kgkc_opt_outputs", default=None)


@contextlib.contextmanager
def all_or_nothing() -> Iterator[Outputs]:
    """Stage every output written in the block (``write_folder``, ``write_file``, and so the
    workbook, charts and briefs) and publish them together when it ends; if the block or any
    output fails, nothing is left. Nested blocks join the outer one."""
    active = _ACTIVE.get()
    if active is not None:
        yield active
        return
    outputs = Outputs()
    token = _ACTIVE.set(outputs)
    try:
        yield outputs
    except BaseException:
        outputs.discard()
        raise
    finally:
        _ACTIVE.reset(token)
    outputs.publish()


def write_folder(
    folder: str | Path, files: Mapping[str, str | bytes] | Callable[[Path], None], *, force: bool = False
) -> Path:
    """Write a folder of files atomically; ``files`` maps names to content, or writes into a Path."""
    with all_or_nothing() as outputs:
        return outputs.folder(folder, files, force=force)


def write_file(path: str | Path, content: Content, *, force: bool = True) -> Path:
    """Write one file atomically (a staging name in the same folder, then rename)."""
    with all_or_nothing() as outputs:
        return outputs.file(path, content, force=force)


def write_result(result: Result, folder: str | Path, *, force: bool = False,
                 extra: Mapping[str, Any] | None = None) -> Path:
    return write_folder(folder, result_files(result, extra=extra), force=force)

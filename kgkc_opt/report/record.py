"""The record of a run (summary.json) and what ``reproduce`` compares: read, checked, reported.

The run workflows themselves (``solve_run``, ``annual_run``, ``reproduce``) are in
``kgkc_opt.runs``, above this floor: this module never solves.

``kgkc-opt solve SCENARIO --out DIR`` records in ``DIR/summary.json`` everything needed to make the
plan again: the command (scenario path as given, solver, time limit, method), every input file
(scenario files of the ``extends`` chain, program, actuals) with its SHA-256, the solver options,
and the versions of kgkc_opt, Python, PuLP, HiGHS and CBC. ``kgkc-opt reproduce DIR``:

1. reads ``DIR/summary.json`` (a clear error if it is missing or not a record);
2. checks that every recorded input file still exists and has the recorded SHA-256 (every
   changed or missing file is listed; exit 2). Paths are as they were given to ``solve``: run
   ``reproduce`` from the folder ``solve`` was run from;
3. solves the recorded scenario again with the recorded options, through the same API call as
   ``solve --out`` (``runs.solve_run``), and compares every file it would write byte for byte with
   ``DIR``: ``OK`` (exit 0) or the files that differ (exit 1). Nothing in ``DIR`` is touched.

Versions that differ from the record are reported: a different solver version may find another
of several optimal plans, and ``summary.json`` records the versions, so it differs too.

``kgkc-opt annual PROPOSALS --year Y --out DIR`` keeps the same kind of record (the command as
``report.annual.AnnualOptions`` writes it; the proposals file, the program or scenario files and
the earlier selection with their SHA-256), and ``reproduce`` re-runs it through ``runs.annual_run``.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from kgkc_opt._version import __version__
from kgkc_opt.errors import InputError, OutputError, Problem, Said, word
from kgkc_opt.inputs.files import bundled_programs, read_bytes, read_json, resolve_program_path
from kgkc_opt.inputs.scenario import Scenario
from kgkc_opt.report.annual import parse_command
from kgkc_opt.solver.result import Result
from kgkc_opt.words import DEFAULT_LANGUAGE

SUMMARY = "summary.json"
#: The options of ``solve`` a recorded command may hold (each followed by its value).
COMMAND_OPTIONS = ("--solver", "--method", "--time-limit", "--policy", "--structure")


def versions() -> dict[str, str]:
    """Versions of what a plan depends on (recorded in summary.json)."""
    out = {"kgkc_opt": __version__, "python": sys.version.split()[0]}
    for name in ("pulp", "highspy", "cbcbox", "numpy", "pandas", "pyyaml"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def command_record(scenario_path: str, options: dict[str, Any]) -> list[str]:
    """The ``kgkc-opt`` arguments that make the plan again (without ``--out``)."""
    command = ["solve", str(scenario_path), "--solver", str(options["solver"]),
               "--method", str(options["method"])]
    if options.get("time_limit") is not None:
        command += ["--time-limit", repr(float(options["time_limit"]))]
    for flag in ("policy", "structure"):
        if options.get(flag) is not None:
            command += [f"--{flag}", str(options[flag])]
    return command


def run_record(scenario_path: str, result: Result, **flags: str | None) -> dict[str, Any]:
    """What ``solve --out`` adds to summary.json besides the inputs: the command and the versions."""
    return {"command": command_record(scenario_path, {**result.solver_options, **flags}), "versions": versions()}


def input_records(scenario: Scenario) -> list[dict[str, str]]:
    """The files a scenario was read from, with the SHA-256 of the bytes read (``Scenario.inputs``)."""
    return [{"role": f.role, "path": f.path, "sha256": f.sha256} for f in scenario.inputs]


def check_out_holds_no_input(out: str | Path, records: list[dict[str, str]]) -> None:
    """--out (with --force) replaces the folder: refuse one that holds an input file."""
    folder = Path(out).resolve()
    for record in records:
        if input_path(record).resolve().is_relative_to(folder):
            raise OutputError("{out}: holds the {role} file {path}, which replacing the folder would delete; "
                              "choose another folder", out=out, role=record["role"], path=record["path"])


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read with the input checks (a folder, a device or a named pipe is an
    InputError, never a read that waits or never ends)."""
    return hashlib.sha256(read_bytes(path)).hexdigest()


def input_path(record: dict[str, Any]) -> Path:
    """The file an input record names (a bundled program's name resolves to the package's file)."""
    path = str(record["path"])
    if record.get("role") == "program" and path in bundled_programs():
        resolved = resolve_program_path(path)
        assert resolved is not None
        return resolved
    return Path(path)


def read_record(folder: str | Path) -> dict[str, Any]:
    """``folder/summary.json``, checked to be a record ``reproduce`` can use."""
    path = Path(folder) / SUMMARY
    label = str(path)
    record = read_json(path)  # checked at the door: size, depth, valid JSON (inputs.files)
    problems: list[Problem] = []
    if not isinstance(record, dict):
        raise InputError([Problem(label, "", "expected the record of a solve (a JSON object)")])
    command = record.get("command")
    if isinstance(command, list) and command[:1] == ["annual"]:
        try:
            parse_command(command, label)
        except InputError as exc:
            problems.extend(exc.problems)
    elif not (isinstance(command, list) and len(command) >= 2 and command[0] == "solve"
            and all(isinstance(a, str) for a in command)):
        problems.append(Problem(label, "command", "expected the recorded command, e.g. "
                                "[\"solve\", \"scenarios/cut.yaml\", ...]; was this folder written by "
                                "`kgkc-opt solve --out` of kgkc-opt 0.1 or later?"))
    elif len(command) % 2 or any(flag not in COMMAND_OPTIONS for flag in command[2::2]):
        # nothing else: a record must not make reproduce write files elsewhere (--out, --xlsx)
        problems.append(Problem(label, "command", "expected solve SCENARIO with only the options "
                                                  "{command_options}, got {command}",
                                                  {"command_options": ', '.join(COMMAND_OPTIONS),
                                                  "command": ' '.join(command)}))
    inputs = record.get("inputs")
    if not (isinstance(inputs, list) and inputs and all(
            isinstance(r, dict) and isinstance(r.get("path"), str) and isinstance(r.get("sha256"), str)
            for r in inputs)):
        problems.append(Problem(label, "inputs", "expected a list of input files, each with path and sha256"))
    if problems:
        raise InputError(problems)
    return record


def check_inputs(record: dict[str, Any], label: str) -> None:
    """Every recorded input exists and has its recorded SHA-256; else InputError listing each one."""
    problems = []
    for i, rec in enumerate(record["inputs"]):
        role = rec.get("role", "input")
        path = input_path(rec)
        try:
            digest = sha256_of(path)
        except InputError as exc:
            problems.append(Problem(str(rec["path"]), "",
                "the {role} file recorded in {label} (inputs[{i}]) cannot be read ({message}); paths are relative "
                "to the folder `kgkc-opt {first_value}` was run from: run `kgkc-opt reproduce` from there",
                {"role": role, "label": label, "i": i,
                 "message": Said(exc.problems[0].template, **exc.problems[0].values),
                "first_value": record.get('command', ['solve'])[0]}))
            continue
        if digest != rec["sha256"]:
            problems.append(Problem(str(rec["path"]), "",
                "the {role} file has changed since the plan was made: its SHA-256 is {digest}, {label} "
                "(inputs[{i}]) records {sha256}", {"role": role, "digest": digest, "label": label, "i": i,
                "sha256": rec['sha256']}))
    if problems:
        raise InputError(problems)


@dataclass
class Report:
    """What ``reproduce`` found: identical files, differing ones, version changes."""

    folder: str
    command: list[str]
    identical: list[str] = field(default_factory=list)
    differing: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)   # recorded, not made again
    extra: list[str] = field(default_factory=list)     # made again, not recorded
    details: dict[str, str] = field(default_factory=dict)
    version_changes: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    exit_code: int = 0

    @property
    def ok(self) -> bool:
        return not (self.differing or self.missing or self.extra)

    def lines(self, lang: str = DEFAULT_LANGUAGE) -> list[str]:
        """What ``reproduce`` prints, in ``lang``."""
        def w(template: str, **values: Any) -> str:
            return word(template, values, lang)

        out = [w("Re-ran: kgkc-opt {command}", command=" ".join(self.command))]
        none = w("(none)")
        for name, (old, new) in sorted(self.version_changes.items()):
            out.append(w("  note: {name} was {old}, is {new}", name=name, old=old or none, new=new or none))
        if self.ok:
            out.append(w("OK: {n} files identical ({files})", n=len(self.identical), files=", ".join(self.identical)))
            return out
        out.append(w("DIFFERENT: the outputs of {folder} are not reproduced", folder=self.folder))
        for name in self.differing:
            detail = self.details.get(name)
            out.append(w("  differs: {name}: {detail}", name=name, detail=detail) if detail else
                       w("  differs: {name}", name=name))
        for name in self.missing:
            out.append(w("  not made again: {name}", name=name))
        for name in self.extra:
            out.append(w("  made again but not in {folder}: {name}", folder=self.folder, name=name))
        if self.identical:
            out.append(w("  identical: {files}", files=", ".join(self.identical)))
        return out


def summary_difference(old: bytes, new: bytes) -> str:
    try:
        a, b = json.loads(old), json.loads(new)
    except (ValueError, UnicodeDecodeError):
        return ""
    if not (isinstance(a, dict) and isinstance(b, dict)):
        return ""
    keys = [k for k in dict.fromkeys([*a, *b]) if a.get(k) != b.get(k)]
    return Said("keys {keys}", keys=", ".join(keys)) if keys else Said("formatting")


def output_files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}

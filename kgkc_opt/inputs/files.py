"""File reading at the edge: YAML and CSV in, plain data out to the pure ``*_from_dict`` functions.

This is the only module that reads files (``report.files`` writes them). Only regular files are
read: a folder, a device (``/dev/zero``), a named pipe or a socket is refused before it is opened
for reading, and no read goes past ``MAX_FILE_BYTES``. A file named inside another file
(``extends``, ``program``, ``actuals``) that cannot be read is reported at that key of the file
naming it. YAML is read with the safe loader only (libyaml's parser where installed, see
``parse_yaml``), with limits on size, nesting and aliases (a "billion laughs" document is
refused); a float keeps the text it was written as (``reader.WrittenFloat``), so that ``4.658``
can be told from ``4.6580`` and a task id ``2.10`` from ``2.1``. Text must be UTF-8 (a byte-order
mark is accepted), and Vietnamese text is normalised to NFC so that a name typed with decomposed
accents compares equal to the same name typed composed.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import io
import itertools
import json
import math
import os
import re
import stat
import unicodedata
import zipfile
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from kgkc_opt.errors import ActualsError, InputError, Problem, ProgramError, ProposalsError, Said, ScenarioError
from kgkc_opt.inputs.program import Program
from kgkc_opt.inputs.program_reader import program_from_dict
from kgkc_opt.inputs.proposals import MAX_COLUMNS, Proposals, fold, proposals_from_csv_text, proposals_from_rows
from kgkc_opt.inputs.reader import InputFile, WrittenFloat, ambiguous_hint
from kgkc_opt.inputs.scenario import Scenario, scenario_from_documents

#: Largest input file read, in bytes. A program or scenario is a few kB; 5 MB is a mistake.
MAX_FILE_BYTES = 5 * 1024 * 1024
#: Most YAML aliases (*name) a document may use; ordinary files use none.
MAX_YAML_ALIASES = 100
#: Most values the aliases of a document may expand to (a "billion laughs" stays under 100 aliases).
MAX_YAML_ALIAS_EXPANSION = 100_000
#: Deepest nesting of lists and mappings; a program is about 5 levels deep.
MAX_YAML_DEPTH = 100
#: Deepest nesting of arrays and objects in a JSON file read (a summary.json is about 4 levels deep).
MAX_JSON_DEPTH = 100
#: Most bytes the parts of an xlsx file may unpack to (a proposals workbook unpacks to well under 1 MB;
#: a "zip bomb" of 5 MB can unpack to gigabytes).
MAX_XLSX_UNPACKED = 100 * 1024 * 1024
#: Most rows of a proposals sheet read (a province has tens to hundreds of proposals a year).
MAX_XLSX_ROWS = 20_000
#: Sheet names that hold the proposals, folded (else the first sheet is read).
PROPOSAL_SHEETS = ("proposals", "de an")
#: Most sheets or merged ranges named in one message.
MAX_LISTED = 20
_MERGE_CELL = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Z]{1,3}[0-9]{1,7}(?::[A-Z]{1,3}[0-9]{1,7})?)\"")
DEFAULT_PROGRAM = "kien-giang-2021-2025"


def bundled_programs() -> list[str]:
    """Names of the programs shipped with the package."""
    folder = resources.files("kgkc_opt") / "programs"
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


#: What a path that is not a regular file is, for the message refusing it.
_KINDS = ((stat.S_ISCHR, Said("a character device")), (stat.S_ISBLK, Said("a block device")),
          (stat.S_ISFIFO, Said("a named pipe")), (stat.S_ISSOCK, Said("a socket")))


def _not_a_file(mode: int) -> str | None:
    """Why a file of this mode is not read, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return Said("is a folder, expected a file")
    kind = next((name for test, name in _KINDS if test(mode)), Said("a special file"))
    return Said("is {kind}, not a regular file", kind=kind)


def _read_guarded(p: Path, fail: Callable[[str], NoReturn]) -> bytes:
    """A regular file's bytes, at most ``MAX_FILE_BYTES``; anything else is ``fail(why)``."""
    try:
        why = _not_a_file(os.stat(p).st_mode)
        if why:
            fail(why)
        # O_NONBLOCK: should the path have become a named pipe since, open does not wait for a writer
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
        fd = os.open(p, flags)
    except FileNotFoundError:
        fail("no such file")
    except (OSError, ValueError) as exc:  # permission denied, name too long, NUL in the name...
        fail(Said("cannot be read: {value}", value=getattr(exc, 'strerror', None) or exc))
    try:
        info = os.fstat(fd)
        why = _not_a_file(info.st_mode)
        if why:
            fail(why)
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_FILE_BYTES:
            chunk = os.read(fd, min(1 << 20, MAX_FILE_BYTES + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        fail(Said("cannot be read: {value}", value=exc.strerror or exc))
    finally:
        os.close(fd)
    if size > MAX_FILE_BYTES:
        fail(Said("is {st_size:,} bytes; input files are limited to {max_file_bytes:,} bytes",
                  st_size=max(info.st_size, size), max_file_bytes=MAX_FILE_BYTES))
    return b"".join(chunks)


def read_bytes(path: str | Path, *, error_type: type[InputError] = InputError) -> bytes:
    """A file's bytes with the checks of ``read_text`` (a regular file, not too large), undecoded:
    what a recorded SHA-256 is checked against."""

    def fail(message: str) -> NoReturn:
        raise error_type([Problem(str(path), "", message)])

    return _read_guarded(Path(path), fail)


def read_text(path: str | Path, *, error_type: type[InputError] = InputError,
              record: list[InputFile] | None = None, role: str = "input", label: str | None = None,
              named_by: tuple[str, str, str] | None = None) -> str:
    """A text file's content, checked: a regular file, not too large, UTF-8, NFC.

    Anything but a regular file is refused before it is opened for reading (a named pipe would
    wait forever, ``/dev/zero`` never ends), and at most ``MAX_FILE_BYTES`` + 1 bytes are read.
    ``named_by`` (file, key, the value as written) reports a file that cannot be read, or is not
    text (binary, UTF-16, not UTF-8), at the key of the file that names it: ``s.yaml: actuals:
    /dev/zero: is a character device, not a regular file``, ``s.yaml: program: /proc/self/environ:
    is a binary file, expected UTF-8 text``. With ``record``, appends an ``InputFile`` (``label``
    or the path, and the SHA-256 of the bytes read) to it: a result's record names exactly the
    bytes it was computed from.
    """
    p = Path(path)
    where = str(path)

    def fail(message: str) -> NoReturn:
        if named_by is not None:
            source, key, value = named_by
            raise ScenarioError([Problem(source, key, "{value}: {message}", {"value": value, "message": message})])
        raise error_type([Problem(where, "", message)])

    raw = _read_guarded(p, fail)
    try:
        text = decode_text(raw, where, error_type=error_type)
    except InputError as exc:
        if named_by is None:
            raise
        # not a text file at all (``program: /proc/self/environ``): said at the key that names it
        first = exc.problems[0]
        fail(first.said())
    if record is not None:
        record.append(InputFile(role, label if label is not None else str(path), hashlib.sha256(raw).hexdigest()))
    return text


def _exists(p: Path) -> bool:
    """``p.exists()``, False where the name itself is unusable (too long, NUL): read_text says why."""
    try:
        return p.exists()
    except (OSError, ValueError):
        return False


def decode_text(raw: bytes, label: str, *, error_type: type[InputError] = InputError) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise error_type([Problem(label, "", "is UTF-16 text (Notepad's \"Unicode\"); save the file as UTF-8")])
    if b"\x00" in raw:
        raise error_type([Problem(label, "", "is a binary file, expected UTF-8 text")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise error_type(
            [Problem(label, f"line {line}", "is not UTF-8 text; save the file as UTF-8")]
        ) from None
    return unicodedata.normalize("NFC", text)


class _Limits:
    """The limits of every loader here: aliases (count and expanded size), nesting depth, no
    recursive structures, no duplicate keys; a bad scalar (a date like 2021-13-45, an int of 5,000
    digits) is a YAML error naming its line, not a ValueError. They act on composing the nodes and
    constructing the values (PyYAML's Python composer and safe constructor, whichever parser
    produced the events)."""

    aliases_seen: int
    alias_expansion: int
    depth: int
    open_anchors: list[str]
    sizes: dict[int, int]

    def _start_limits(self) -> None:
        self.aliases_seen = 0
        self.alias_expansion = 0
        self.depth = 0
        self.open_anchors = []
        self.sizes = {}

    def _refuse(self, problem: str, mark: Any) -> None:
        raise yaml.composer.ComposerError(None, None, problem, mark)

    def _expanded_size(self, node: Any) -> int:
        """Number of nodes ``node`` stands for once every alias in it is expanded (memoised)."""
        key = id(node)
        if key not in self.sizes:
            if isinstance(node, yaml.SequenceNode):
                self.sizes[key] = 1 + sum(self._expanded_size(n) for n in node.value)
            elif isinstance(node, yaml.MappingNode):
                self.sizes[key] = 1 + sum(self._expanded_size(k) + self._expanded_size(v)
                                          for k, v in node.value)
            else:
                self.sizes[key] = 1
        return self.sizes[key]

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()  # type: ignore[attr-defined]
        if isinstance(event, yaml.AliasEvent):
            self.aliases_seen += 1
            if self.aliases_seen > MAX_YAML_ALIASES:
                self._refuse(f"more than {MAX_YAML_ALIASES} aliases (*name); refused as a possible "
                             "alias bomb", event.start_mark)
            if event.anchor in self.open_anchors:
                self._refuse(f"the alias *{event.anchor} refers to a structure that contains it",
                             event.start_mark)
            node = super().compose_node(parent, index)  # type: ignore[misc]
            self.alias_expansion += self._expanded_size(node)
            if self.alias_expansion > MAX_YAML_ALIAS_EXPANSION:
                self._refuse(f"aliases (*name) expand to more than {MAX_YAML_ALIAS_EXPANSION:,} "
                             "values; refused as a possible alias bomb", event.start_mark)
            return node
        nested = isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent)
        if nested:
            self.depth += 1
            if self.depth > MAX_YAML_DEPTH:
                self._refuse(f"nested more than {MAX_YAML_DEPTH} levels deep", event.start_mark)
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            self.open_anchors.append(anchor)
        try:
            return super().compose_node(parent, index)  # type: ignore[misc]
        finally:
            if anchor is not None:
                self.open_anchors.pop()
            if nested:
                self.depth -= 1

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)  # type: ignore[misc]
        except (yaml.YAMLError, RecursionError):
            raise
        except Exception as exc:  # PyYAML's own constructors fail on e.g. "!!timestamp null"
            kind = str(getattr(node, "tag", "")).rsplit(":", 1)[-1]
            reason = f": {str(exc).split(';')[0]}" if isinstance(exc, ValueError | OverflowError) else ""
            raise yaml.constructor.ConstructorError(
                None, None, Said("cannot read {value!r} as {kind}{reason}", value=str(getattr(node, "value", ""))[:40],
                                 kind=kind, reason=reason), node.start_mark) from None

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        # A key listed twice is an error, never a silent choice (PyYAML keeps the last). Keys
        # brought in by a merge (<<: *base) may be overridden: that is what merging is for.
        if isinstance(node, yaml.MappingNode):
            first: dict[Any, tuple[Any, int]] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge" or not isinstance(key_node, yaml.ScalarNode):
                    continue
                key = self.construct_object(key_node)
                if key in first:
                    seen, line = first[key]
                    if str(seen) != str(key) and isinstance(key, int | float):  # 2.10 and 2.1: one number
                        raise yaml.constructor.ConstructorError(
                            None, None, Said("the key {key} is the number {number!r}, as is the key {seen} on line "
                                             "{line} (YAML reads unquoted {seen} as a number); quote keys that are "
                                             "ids: '{seen}', '{key}'", key=key, number=float(key), seen=seen,
                                             line=line + 1), key_node.start_mark)
                    raise yaml.constructor.ConstructorError(
                        None, None, Said("the key {key!r} is listed twice in this mapping (first on line {line}); "
                                         "keep one", key=key, line=line + 1), key_node.start_mark)
                first[key] = (key, key_node.start_mark.line)
        return super().construct_mapping(node, deep=deep)  # type: ignore[misc]

    def construct_yaml_float(self, node: Any) -> Any:
        """A float that keeps the text it was written as (``reader.WrittenFloat``)."""
        value = super().construct_yaml_float(node)  # type: ignore[misc]
        if isinstance(value, float) and math.isfinite(value):
            return WrittenFloat(value, str(node.value))
        return value


class _LimitedSafeLoader(_Limits, yaml.SafeLoader):
    """PyYAML's pure-Python safe loader with the limits (``_Limits``): the reference, and what
    reports a document the fast loader refuses."""

    def __init__(self, stream: Any):
        super().__init__(stream)
        self._start_limits()


# (the stub types a constructor's first argument as one of PyYAML's own loader classes; any
# loader class whose constructor it is works)
_LimitedSafeLoader.add_constructor("tag:yaml.org,2002:float",
                                   _LimitedSafeLoader.construct_yaml_float)  # type: ignore[type-var]

try:  # libyaml's parser (the parser of yaml.CSafeLoader), where PyYAML was built with it
    from yaml._yaml import CParser as _CParser  # what yaml.cyaml imports it from
    _HAVE_LIBYAML = True
except ImportError:  # pragma: no cover - PyYAML without libyaml
    _HAVE_LIBYAML = False


if _HAVE_LIBYAML:
    class _LimitedCLoader(_Limits, Composer, _CParser, SafeConstructor, Resolver):  # type: ignore[misc]
        """The fast loader: libyaml's parser (C) makes the events, and PyYAML's composer and safe
        constructor make the values with the same limits as ``_LimitedSafeLoader``. (``yaml.CSafeLoader``
        also composes in C, where the limits on aliases and depth could not act.) About 6 times
        faster than the pure-Python loader on the bundled program."""

        def __init__(self, stream: Any):
            _CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            self._start_limits()

    _LimitedCLoader.add_constructor("tag:yaml.org,2002:float",
                                    _LimitedCLoader.construct_yaml_float)  # type: ignore[type-var]  # as above
    _LOADERS: tuple[type, ...] = (_LimitedCLoader, _LimitedSafeLoader)
else:  # pragma: no cover
    _LOADERS = (_LimitedSafeLoader,)


def _load(loader_type: type, text: str) -> Any:
    loader = loader_type(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def parse_yaml(text: str, label: str, *, error_type: type[InputError] = InputError) -> Any:
    """Parse YAML text safely; a syntax error becomes an InputError naming the line.

    The fast loader (libyaml's parser, where installed) reads the text; a text it refuses, for
    whatever reason, is read again by the pure-Python loader, whose answer (the value, or the
    error and its message) is the one given: both apply the same limits, and a message never
    depends on whether libyaml is installed.
    """
    if not text.strip():
        raise error_type([Problem(label, "", "is empty; expected a YAML document (keys and values)")])
    if len(_LOADERS) > 1:
        try:
            return _load(_LOADERS[0], text)
        except (yaml.YAMLError, RecursionError):
            pass  # read again below, for the reference answer and its message
    try:
        return _load(_LimitedSafeLoader, text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise error_type([Problem(label, where, "is not valid YAML: {problem}", {"problem": exc.problem})]) from None
    except yaml.reader.ReaderError as exc:  # a control character (e.g. from copy and paste)
        line = text[: exc.position].count("\n") + 1
        code = ord(exc.character) if isinstance(exc.character, str) else exc.character
        raise error_type([Problem(label, f"line {line}", "is not valid YAML: the control character #x{code:04x} is "
                                                         "not allowed in a YAML file", {"code": code})]) from None
    except yaml.YAMLError as exc:
        raise error_type([Problem(label, "", "is not valid YAML: {exc}", {"exc": exc})]) from None
    except RecursionError:
        raise error_type([Problem(label, "", "is nested too deeply")]) from None


def read_yaml(path: str | Path, *, error_type: type[InputError] = InputError,
              record: list[InputFile] | None = None, role: str = "input", label: str | None = None,
              named_by: tuple[str, str, str] | None = None) -> Any:
    text = read_text(path, error_type=error_type, record=record, role=role, label=label, named_by=named_by)
    return parse_yaml(text, str(path), error_type=error_type)


#: A JSON string (possessive: each character is looked at once; an unclosed one runs to the end), or a
#: bracket: one left-to-right pass, whatever the text.
_JSON_TOKEN = re.compile(r'"(?:[^"\\]++|\\.)*+"?|[\[\]{}]', re.DOTALL)


def _json_depth(text: str) -> int:
    """How deeply ``text``'s arrays and objects nest (brackets inside strings do not count)."""
    brackets = (b for b in _JSON_TOKEN.findall(text) if b in ("[", "]", "{", "}"))
    return max(itertools.accumulate(1 if b in "[{" else -1 for b in brackets), default=0)


def read_json(path: str | Path, *, error_type: type[InputError] = InputError) -> Any:
    """A JSON file (e.g. a result's summary.json), read with the checks of ``read_text`` (a regular
    file, at most ``MAX_FILE_BYTES``, UTF-8) and refused, not crashed on, when it nests deeper than
    ``MAX_JSON_DEPTH`` (100,000 ``[`` would exhaust the parser's recursion), holds a number too
    long to read, NaN or Infinity, or is not JSON."""
    label = str(path)
    text = read_text(path, error_type=error_type)

    def fail(where: str, message: str) -> NoReturn:
        raise error_type([Problem(label, where, message)])

    depth = _json_depth(text)
    if depth > MAX_JSON_DEPTH:
        fail("", Said("is not a record: it is nested {depth:,} levels deep; at most {max_json_depth} are read",
             depth=depth, max_json_depth=MAX_JSON_DEPTH))

    def constant(name: str) -> NoReturn:
        fail("", Said("is not valid JSON: {name} is not a number", name=name))

    try:
        return json.loads(text, parse_constant=constant)
    except json.JSONDecodeError as exc:
        fail(f"line {exc.lineno}", Said("is not valid JSON: {msg}", msg=exc.msg))
    except (ValueError, RecursionError) as exc:  # an integer of 5,000 digits; nesting, should the guard miss it
        fail("", Said("is not valid JSON: {value}", value=str(exc).split(';')[0] or type(exc).__name__))


def resolve_program_path(name_or_path: str | Path, *, relative_to: Path | None = None) -> Path | None:
    """A bundled program's file for a name, else the path (relative to a scenario's folder)."""
    text = str(name_or_path)
    if text in bundled_programs():
        return Path(str(resources.files("kgkc_opt") / "programs" / f"{text}.yaml"))
    p = Path(text)
    if not p.is_absolute() and relative_to is not None:
        # relative to the scenario file only: never a file that happens to lie in the cwd
        return relative_to / p
    return p


def load_program(name_or_path: str | Path = DEFAULT_PROGRAM) -> Program:
    """Load a program: a bundled name (see ``bundled_programs()``) or a YAML file path."""
    text = str(name_or_path)
    path = resolve_program_path(text)
    assert path is not None
    if not _exists(path) and "/" not in text and not text.endswith((".yaml", ".yml")):
        raise ProgramError(
            [Problem(text, "", "no such program; bundled programs are {bundled_programs}, or give a path to a "
                               "program file", {"bundled_programs": ', '.join(bundled_programs())})]
        )
    label = text if text in bundled_programs() else str(path)
    data = read_yaml(path, error_type=ProgramError)
    return program_from_dict(data, source=label)


def load_scenario(path: str | Path) -> Scenario:
    """Load a scenario file with everything it refers to (its program, the files it extends).

    The scenario records every file it was read from, with the SHA-256 of the bytes read
    (``Scenario.inputs``), for the record of a result.
    """
    records: list[InputFile] = []
    documents: list[tuple[str, Any]] = []
    seen: list[str] = []
    current = Path(path)
    named_by: tuple[str, str, str] | None = None  # the file and key that named the current file
    while True:
        key = str(current.resolve()) if _exists(current) else str(current)
        if key in seen:
            chain = " → ".join([*(label for label, _ in documents), str(current)])
            raise ScenarioError([Problem(str(path), "extends", "extends itself in a cycle: {chain}",
                                                               {"chain": chain})])
        data = read_yaml(current, error_type=ScenarioError, record=records, role="scenario", named_by=named_by)
        documents.append((str(current), data))
        seen.append(key)
        base = data.get("extends") if isinstance(data, dict) else None
        if base is None:
            break
        if not isinstance(base, str):
            raise ScenarioError([Problem(str(current), "extends", "expected a file path, got {base!r}",
                                                                  {"base": base})])
        nxt = Path(base)
        if not nxt.is_absolute():
            nxt = current.parent / nxt
        if not _exists(nxt):
            raise ScenarioError([Problem(str(current), "extends", "no such file: {base}", {"base": base})])
        named_by = (str(current), "extends", base)
        current = nxt
        if len(documents) > 20:
            raise ScenarioError([Problem(str(path), "extends", "more than 20 levels of extends")])

    # The program comes from the nearest document that names one.
    program_ref, ref_file = None, None
    for label, data in documents:
        if isinstance(data, dict) and data.get("program") is not None:
            program_ref, ref_file = data["program"], label
            break
    if program_ref is None:
        program_ref, ref_file = DEFAULT_PROGRAM, str(path)
    if not isinstance(program_ref, str):
        raise ScenarioError(
            [Problem(str(ref_file), "program", "expected a program name or path, got {program_ref!r}",
                                               {"program_ref": program_ref})])
    program_path = resolve_program_path(program_ref, relative_to=Path(str(ref_file)).parent)
    assert program_path is not None
    if not _exists(program_path):
        raise ScenarioError(
            [Problem(str(ref_file), "program",
                     "no such program {program_ref!r}; bundled programs are {bundled_programs}, or give a path "
                     "relative to the scenario file", {"program_ref": program_ref,
                     "bundled_programs": ', '.join(bundled_programs())})]
        )
    program_label = program_ref if program_ref in bundled_programs() else str(program_path)
    program = program_from_dict(
        read_yaml(program_path, error_type=ProgramError, record=records, role="program", label=program_label,
                  named_by=(str(ref_file), "program", program_ref)),
        source=program_label,
    )
    actuals_texts = {}
    for label, data in documents:
        if isinstance(data, dict) and isinstance(data.get("actuals"), str):
            actuals_path = Path(label).parent / data["actuals"]
            if not _exists(actuals_path):
                raise ScenarioError([Problem(label, "actuals", "no such file: {actuals}",
                                                               {"actuals": data['actuals']})])
            actuals_texts[label] = (str(actuals_path), read_text(
                actuals_path, error_type=ActualsError, record=records, role="actuals",
                named_by=(label, "actuals", data["actuals"])))
    scenario = scenario_from_documents(list(reversed(documents)), program, actuals_texts=actuals_texts)
    # recorded in the order the scenario applies them: the root of the extends chain first
    scenarios = [r for r in records if r.role == "scenario"]
    others = [r for r in records if r.role != "scenario"]
    return dataclasses.replace(scenario, inputs=(*reversed(scenarios), *others))


def load_proposals(path: str | Path, program: Program, *, sheet: str | None = None) -> Proposals:
    """Load a proposals file (đề án of one year), checked against ``program``: CSV, UTF-8 with or
    without a byte-order mark (',' separated with '.' decimals, or ';' separated with Vietnamese
    numbers, as Excel saves CSV in a Vietnamese locale), or an Excel workbook (.xlsx: the sheet named
    ``sheet``, else the visible sheet named "proposals" or "đề án", else the only visible sheet holding
    values; never a hidden sheet unless named; merged cells in the table refused). Raises
    ``ProposalsError`` listing every problem."""
    label = str(path)
    raw = read_bytes(path, error_type=ProposalsError)
    suffix = Path(label).suffix.casefold()
    if suffix == ".xls" or raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise ProposalsError([Problem(label, "", "is an Excel 97–2003 workbook (.xls); save it as .xlsx (Excel "
                                                 "Workbook) or as CSV UTF-8")])
    if suffix in (".xlsx", ".xlsm") or raw.startswith(b"PK\x03\x04"):
        return _proposals_from_xlsx(raw, label, program, sheet)
    if sheet is not None:
        raise ProposalsError([Problem(label, "", "is a CSV file, which has no sheets: --sheet {sheet!r} names a "
                                                 "sheet of an .xlsx workbook; leave it out", {"sheet": sheet})])
    return proposals_from_csv_text(_decode_csv(raw, label), program, source=label)


def _decode_csv(raw: bytes, label: str) -> str:
    """``decode_text``, with what a CSV that is not UTF-8 most likely is: Windows-1258 (or TCVN3),
    as Excel saves "CSV (Comma delimited)" on a Vietnamese Windows."""
    if not raw.startswith((b"\xff\xfe", b"\xfe\xff")) and b"\x00" not in raw:
        try:
            raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise ProposalsError([Problem(
                label, f"line {line}", "is not UTF-8 text (perhaps Windows-1258 or TCVN3, as Excel saves "
                "\"CSV (Comma delimited)\" on a Vietnamese Windows); save the file as UTF-8: in Excel, Save As "
                "\"CSV UTF-8 (Comma delimited) (*.csv)\"")]) from None
    return decode_text(raw, label, error_type=ProposalsError)


def _xlsx_text(value: Any) -> str:
    """A cell's value as the text the proposals reader reads: a number exactly as its shortest
    decimal text (12.5 -> '12.5', never 12.4999...: ``repr`` of a float is the shortest text that
    reads back as it), an int as itself. A numeric cell is never ambiguous: 4.658 is written
    '4.6580', which the reader takes as the decimal (``reader.ambiguous_hint``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value)
        return text + "0" if math.isfinite(value) and ambiguous_hint(text) else text
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def _merged_ranges(archive: zipfile.ZipFile, sheet_path: str | None) -> list[tuple[str, int, int]]:
    """The merged ranges of a sheet as written in its XML (openpyxl's read-only sheets do not give
    them): (the range as written, its first row, its last row)."""
    if not sheet_path:
        return []
    try:
        xml = archive.read(sheet_path.lstrip("/"))
    except (KeyError, OSError, zipfile.BadZipFile, EOFError):
        return []
    out = []
    for match in _MERGE_CELL.finditer(xml):
        ref = match.group(1).decode("ascii")
        rows = [int(n) for n in re.findall(r"[0-9]+", ref)]
        out.append((ref, min(rows), max(rows)))
    return out


def _choose_sheet(book: Any, sheet: str | None, fail: Callable[..., NoReturn]) -> Any:
    """The sheet to read: the one named by ``sheet`` (``--sheet``), else the visible sheet named
    "proposals" or "đề án", else the only visible sheet that holds any value. A hidden sheet is never
    read unless named; several visible sheets holding values and none named: refused, listing them."""
    sheets = [ws for ws in book.worksheets if hasattr(ws, "iter_rows")]
    if not sheets:
        fail("has no worksheet")
    names = ", ".join(repr(ws.title) for ws in sheets[:MAX_LISTED]) + (
        f", ... ({len(sheets)} in all)" if len(sheets) > MAX_LISTED else "")
    if sheet is not None:
        wanted = unicodedata.normalize("NFC", sheet).strip()
        found = ([ws for ws in sheets if ws.title == wanted]
                 or [ws for ws in sheets if fold(ws.title) == fold(wanted)])
        if not found:
            fail(Said("has no sheet named {wanted!r}; its sheets are {names}", wanted=wanted, names=names))
        return found[0]
    visible = [ws for ws in sheets if getattr(ws, "sheet_state", "visible") == "visible"]
    hidden = [ws.title for ws in sheets if ws not in visible]
    hidden_note = (f" (hidden sheets are never read unless named with --sheet: {', '.join(map(repr, hidden))})"
                   if hidden else "")
    named = [ws for ws in visible if fold(ws.title) in PROPOSAL_SHEETS]
    if named:
        return named[0]
    if not visible:
        fail(Said("has no visible sheet; name the sheet to read with --sheet{hidden_note}", hidden_note=hidden_note))
    used = [ws for ws in visible if _holds_values(ws)]
    if len(used) > 1:
        listed = ", ".join(repr(ws.title) for ws in used[:MAX_LISTED]) + (
            f", ... ({len(used)} in all)" if len(used) > MAX_LISTED else "")
        fail(Said("has {n_used} visible sheets holding values ({listed}); name the one to read with --sheet, or "
                  "name it 'proposals' or 'đề án'{hidden_note}",
                  n_used=len(used), listed=listed, hidden_note=hidden_note))
    return (used or visible)[0]


def _holds_values(ws: Any) -> bool:
    """Whether a sheet has any non-empty cell in its first rows (a notes sheet left empty does not)."""
    for values in ws.iter_rows(max_row=MAX_XLSX_ROWS, max_col=MAX_COLUMNS + 1, values_only=True):
        if any(v is not None and str(v).strip() for v in values):
            return True
    return False


def _proposals_from_xlsx(raw: bytes, label: str, program: Program, sheet: str | None = None) -> Proposals:
    import openpyxl  # (imported here: only a workbook needs it)

    def fail(message: str, where: str = "") -> NoReturn:
        raise ProposalsError([Problem(label, where, message)])

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        fail("is not a readable .xlsx workbook (the file is damaged, or not a workbook); save it again as .xlsx or "
             "as CSV UTF-8")
    if unpacked > MAX_XLSX_UNPACKED:
        fail(Said("unpacks to {unpacked:,} bytes; a proposals workbook is limited to {max_xlsx_unpacked:,}",
                  unpacked=unpacked, max_xlsx_unpacked=MAX_XLSX_UNPACKED))
    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged or foreign file
        fail(Said("is not a readable .xlsx workbook ({name}); save it again as .xlsx or as CSV UTF-8",
                  name=type(exc).__name__))
    try:
        chosen = _choose_sheet(book, sheet, fail)
        source = label if len(book.worksheets) == 1 else f"{label} (sheet {chosen.title!r})"
        rows = _sheet_rows(chosen, fail)
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            merged = _merged_ranges(archive, getattr(chosen, "_worksheet_path", None))
    finally:
        book.close()
    uncomputed = _uncomputed_formulas(raw, chosen.title)
    if uncomputed:
        raise ProposalsError([Problem(source, where, "holds a formula ({formula}) saved without its value (by a "
                                                     "program that does not compute formulas): open the workbook "
                                                     "in Excel or LibreOffice and save it again, or write the value",
                                                     {"formula": _shown_formula(formula)})
                              for where, formula in uncomputed])
    if not rows:
        fail(Said("the sheet {title!r} is empty; expected a header row naming the columns and one row per proposal",
                  title=chosen.title))
    (header_line, header), data = rows[0], rows[1:]
    in_table = [ref for ref, _, last in merged if last >= header_line]
    if in_table:
        shown = ", ".join(in_table[:MAX_LISTED]) + (f", ... ({len(in_table)} in all)" if len(in_table) > MAX_LISTED
                                                     else "")
        raise ProposalsError([Problem(source, f"sheet {chosen.title!r}", "has merged cells in the table: {shown}; "
                                                                         "a merged range keeps its value in its "
                                                                         "first cell only, so the other rows would "
                                                                         "read as empty: unmerge them and write "
                                                                         "the value in every row", {"shown": shown})])
    if len(header) > MAX_COLUMNS and header[MAX_COLUMNS].strip():
        fail(Said("has more than {max_columns} columns", max_columns=MAX_COLUMNS), f"row {header_line}")
    width = max(len(header), 1)
    data = [(n, cells + [""] * (width - len(cells))) for n, cells in data]
    return proposals_from_rows(header, data, program, source=source, header_line=header_line, line_word="row")


def _shown_formula(formula: str) -> str:
    return formula[:40] + ("..." if len(formula) > 40 else "")


def _uncomputed_formulas(raw: bytes, title: str) -> list[tuple[str, str]]:
    """The cells of the sheet that hold a formula saved without its value (which would read as an
    empty cell): (where, the formula). A workbook written by a program that does not compute
    formulas keeps only the formula."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    out: list[tuple[str, str]] = []
    formulas = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    values = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    try:
        rows = zip(formulas[title].iter_rows(max_row=MAX_XLSX_ROWS, max_col=MAX_COLUMNS + 1, values_only=True),
                   values[title].iter_rows(max_row=MAX_XLSX_ROWS, max_col=MAX_COLUMNS + 1, values_only=True),
                   strict=False)
        for number, (written, computed) in enumerate(rows, start=1):
            for j, formula in enumerate(written):
                if isinstance(formula, str) and formula.startswith("=") and (j >= len(computed) or computed[j] is None):
                    out.append((f"row {number}, column {get_column_letter(j + 1)}", formula))
    except Exception:  # (the sheet was read once already: never a reason to refuse the file)
        return out
    finally:
        formulas.close()
        values.close()
    return out


def _sheet_rows(chosen: Any, fail: Callable[..., NoReturn]) -> list[tuple[int, list[str]]]:
    """The non-empty rows of a sheet, (row number, cells as text), at most ``MAX_XLSX_ROWS``."""
    rows: list[tuple[int, list[str]]] = []
    try:
        for number, values in enumerate(chosen.iter_rows(min_row=1, max_col=MAX_COLUMNS + 1, values_only=True),
                                        start=1):
            if number > MAX_XLSX_ROWS:
                if any(v is not None for v in values):
                    fail(Said("has more than {max_xlsx_rows:,} rows; a proposals sheet is limited to "
                              "{max_xlsx_rows:,}", max_xlsx_rows=MAX_XLSX_ROWS), Said("sheet {title!r}",
                              title=chosen.title))
                continue
            cells = [unicodedata.normalize("NFC", _xlsx_text(v)) for v in values]
            if any(cell.strip() for cell in cells):
                rows.append((number, cells))
    except ProposalsError:
        raise
    except Exception as exc:  # a damaged sheet
        fail(Said("the sheet {title!r} cannot be read ({name}); save the workbook again",
                  title=chosen.title, name=type(exc).__name__))
    return rows

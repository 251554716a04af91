"""The corpus of bad inputs (tests/bad_inputs/): one clear message each, never a traceback or output.

Every file of the corpus (and a few made at run time: a file above the 5 MB limit, a missing file,
a folder, a named pipe, /dev/zero, a CSV with a 200 kB field) is fed to the command line the way a
planner would: a program as the program of a scenario given to ``solve`` (and to ``audit``), a
scenario to ``solve``, an actuals CSV as the actuals of a scenario. Each must end with exit code 2
and a message that names the file and, for each problem, the key path or line and what was
expected (tests/bad_inputs/expected.yaml lists them, with the least number of problems reported),
no traceback, and no output file created or modified: neither a new ``--out`` folder nor an
existing one given with ``--force``, nor a hidden staging entry; and within ``SECONDS`` (a command
that would hang, as reading a named pipe does, is stopped after ``HANG_SECONDS`` and fails).

A proposals file (``proposals/``, the annual plan's input) is fed to ``load_proposals`` with the
bundled program, and must raise ``ProposalsError`` with the same kind of message.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from kgkc_opt.cli import app as cli
from kgkc_opt.errors import InputError, ProposalsError
from kgkc_opt.inputs import files as loaders
from tests.support.paths import ROOT

CORPUS = Path(__file__).resolve().parents[1] / "bad_inputs"
MANIFEST: dict = yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))
GENERATED: dict = MANIFEST.pop("generated")
ROLES = ("program", "scenario", "actuals")
#: Roles whose files are fed to their loader (the API) rather than to a command.
LOADED = ("proposals",)
#: Longest a refusal may take (the issue asks for "a couple of seconds"; this allows a loaded machine).
SECONDS = 5.0
HANG_SECONDS = 20


def corpus_files() -> list[str]:
    return sorted(str(p.relative_to(CORPUS).as_posix()) for role in (*ROLES, *LOADED)
                  for p in (CORPUS / role).iterdir() if p.is_file())


def make(entry: str, how: str, folder: Path) -> Path:
    """Make a generated corpus entry (too large for the repository, or not a file at all)."""
    path = folder / entry
    path.parent.mkdir(parents=True, exist_ok=True)
    if how == "large":
        line = "# Tập huấn nâng cao năng lực quản lý cho cơ sở công nghiệp nông thôn\n"
        count = loaders.MAX_FILE_BYTES // len(line.encode()) + 10
        path.write_text("name: large\n" + line * count if "scenario" in entry else
                        "format: kgkc-program/1\n" + line * count, encoding="utf-8")
        assert path.stat().st_size > loaders.MAX_FILE_BYTES
    elif how == "huge-field":
        path.write_text('task_id,year,quantity,spend\n"' + "I.1 " * 50_000 + '",2021,1,25\n',
                        encoding="utf-8")
    elif how == "binary":
        path.write_bytes(bytes(range(256)) * 4)
    elif how == "folder":
        path.mkdir()
    elif how == "fifo":  # reading it would wait forever for a writer
        os.mkfifo(path)
    elif how == "dev-zero":  # reading it would never end
        return Path("/dev/zero")
    else:
        assert how == "missing"
    return path


@contextlib.contextmanager
def no_hang(seconds: int = HANG_SECONDS) -> Iterator[None]:
    """Fail (instead of hanging the suite) if the block runs longer than ``seconds``."""
    def stop(signum, frame):
        raise TimeoutError(f"still running after {seconds} s: the input was not refused")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file below ``folder`` with its bytes and modification time (folders too)."""
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = str(p.relative_to(folder))
        out[rel] = (p.read_bytes() if p.is_file() else b"<dir>", p.stat().st_mtime_ns)
    return out


def run(capsys, argv: list[str]) -> tuple[int, str, str]:
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def problem_count(err: str) -> int:
    match = re.match(r"kgkc-opt: (\d+) problems found:", err)
    return int(match.group(1)) if match else 1


def test_the_corpus_is_listed_and_large_enough():
    on_disk = corpus_files()
    assert sorted(MANIFEST) == on_disk, "every corpus file needs an entry in expected.yaml (and back)"
    assert len(on_disk) + len(GENERATED) >= 90
    for role in ROLES:
        assert sum(e.startswith(role) for e in [*on_disk, *GENERATED]) >= 8, role
    # the repository stays small: the very large file is made at run time
    assert sum((CORPUS / e).stat().st_size for e in on_disk) < 100_000


def commands(role: str, path: Path, wrap: Path) -> list[list[str]]:
    """How a planner would feed the file to kgkc-opt."""
    if role == "scenario":
        return [["solve", str(path)]]
    wrap.mkdir(exist_ok=True)
    scenario = wrap / "wrapper.yaml"
    if role == "program":
        scenario.write_text(f"name: wrapper\nprogram: '{path}'\n", encoding="utf-8")
        return [["solve", str(scenario)], ["audit", "--no-schedule", str(path)]]
    scenario.write_text(f"name: wrapper\nactuals: '{path}'\n", encoding="utf-8")
    return [["solve", str(scenario)]]


@pytest.mark.parametrize("entry", [e for e in sorted(MANIFEST) + sorted(GENERATED) if e.split("/")[0] in ROLES])
def test_bad_input(entry, tmp_path, capsys, monkeypatch):
    spec = MANIFEST.get(entry) or GENERATED[entry]
    role = entry.split("/")[0]
    path = CORPUS / entry if entry in MANIFEST else make(entry, spec["make"], tmp_path / "made")
    named = spec.get("names", path)  # a file the problems are in (as a path, or its tail)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)  # anything written by accident lands here, and is seen
    monkeypatch.setenv("KGKC_LANG", "en")  # expected.yaml quotes the English wording; the Vietnamese is checked below
    for argv in commands(role, path, tmp_path / "wrap"):
        writes = argv[0] == "solve"
        runs = [([], False), (["--out", str(work / "out")], False)] if writes else [([], False)]
        if writes:
            runs.append((["--out", str(work / "old"), "--force"], True))
        for extra, existing in runs:
            if existing:
                (work / "old").mkdir(exist_ok=True)
                (work / "old" / "allocation.csv").write_text("an earlier plan\n", encoding="utf-8")
            before = snapshot(work)
            started = time.perf_counter()
            with no_hang():
                code, out, err = run(capsys, [*argv, *extra])
            assert time.perf_counter() - started < SECONDS, f"{entry}: took {time.perf_counter() - started:.1f} s"
            assert code == 2, f"{entry}: {' '.join(argv + extra)} exited {code}\n{err}"
            assert "Traceback" not in err and out == "", err
            assert err.startswith("kgkc-opt: ") and err.endswith("\n")
            assert str(named) in err, f"the message does not name {named}:\n{err}"
            for text in spec["expect"]:
                assert text in err, f"{entry}: expected {text!r} in:\n{err}"
            assert problem_count(err) >= spec.get("problems", 1), err
            assert len(err.strip().splitlines()) == problem_count(err) + (problem_count(err) > 1)
            assert snapshot(work) == before, f"{entry}: an output was created or modified"
        check_vietnamese(entry, spec, argv, named, err, capsys, monkeypatch)
    assert not Path("/tmp/kgkc-pwned").exists()


#: Words of the English messages that no Vietnamese message holds.
ENGLISH = re.compile(r"\b(expected|got|is not|unknown|listed twice|problems found|should|must|save the)\b")


def check_vietnamese(entry: str, spec: dict, argv: list[str], named: object, english: str, capsys,
                     monkeypatch) -> None:
    """The same command in a Vietnamese run (the default) says the same problems in Vietnamese: one
    line each, at the same file, none left in English, with each text of ``expect_vi``."""
    monkeypatch.setenv("KGKC_LANG", "vi")
    with no_hang():
        code, out, err = run(capsys, argv)
    monkeypatch.setenv("KGKC_LANG", "en")
    assert code == 2 and out == "" and "Traceback" not in err, err
    vi_lines, en_lines = err.strip().splitlines(), english.strip().splitlines()
    assert len(vi_lines) == len(en_lines), err
    if len(en_lines) > 1:
        assert re.fullmatch(r"kgkc-opt: Tìm thấy \d+ lỗi:", vi_lines[0]), err
    assert str(named) in err
    for vi, en in zip(vi_lines, en_lines, strict=True):
        assert vi != en, f"{entry}: left in English in a Vietnamese run: {vi}"
        said = vi.replace(str(named), "")
        for library_words in spec.get("library_text", []):  # quoted from PyYAML or the csv module
            said = said.replace(library_words, "")
        assert not ENGLISH.search(said), f"{entry}: English words in a Vietnamese run: {vi}"
    for text in spec.get("expect_vi", []):
        assert text in err, f"{entry}: expected {text!r} in the Vietnamese run:\n{err}"


@pytest.mark.parametrize("entry", [e for e in sorted(MANIFEST) if e.split("/")[0] in LOADED])
def test_bad_proposals(entry, program):
    spec = MANIFEST[entry]
    path = CORPUS / entry
    started = time.perf_counter()
    with no_hang(), pytest.raises(ProposalsError) as info:
        loaders.load_proposals(path, program)
    assert time.perf_counter() - started < SECONDS
    err = str(info.value)
    assert info.value.exit_code == 2 and all(p.source == str(path) for p in info.value.problems), err
    for text in spec["expect"]:
        assert text in err, f"{entry}: expected {text!r} in:\n{err}"
    assert len(info.value.problems) >= spec.get("problems", 1), err
    vi = info.value.worded("vi")  # what a Vietnamese run prints
    assert len(vi.splitlines()) == len(err.splitlines())
    for line, english in zip(vi.splitlines(), err.splitlines(), strict=True):
        assert line != english and not ENGLISH.search(line.replace(str(path), "")), line
    for text in spec.get("expect_vi", []):
        assert text in vi, f"{entry}: expected {text!r} in the Vietnamese wording:\n{vi}"


def test_every_message_line_names_the_file_the_key_and_what_was_expected(capsys, monkeypatch):
    """Each problem line reads ``file: key path: expected ..., got ...``."""
    monkeypatch.setenv("KGKC_LANG", "en")
    path = CORPUS / "scenario" / "wrong-types.yaml"
    code, _, err = run(capsys, ["solve", str(path)])
    assert code == 2
    lines = err.splitlines()
    assert lines[0] == "kgkc-opt: 9 problems found:"
    for line in lines[1:]:
        source, where, what = line.split(": ", 2)
        assert source == str(path) and where and what.startswith("expected")


@pytest.mark.parametrize("entry", ["scenario/malformed-yaml.yaml", "scenario/wrong-types.yaml",
                                   "actuals/header-wrong-order.csv"])
def test_real_process_prints_no_traceback_unless_debug(entry, tmp_path):
    path = CORPUS / entry
    if entry.startswith("actuals/"):
        scenario = tmp_path / "wrapper.yaml"
        scenario.write_text(f"name: wrapper\nactuals: '{path}'\n", encoding="utf-8")
        path = scenario
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "kgkc_opt", "solve", str(path), "--out", str(tmp_path / "o")],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert not (tmp_path / "o").exists()
    debug = subprocess.run([sys.executable, "-m", "kgkc_opt", "--debug", "solve", str(path)],
                           capture_output=True, text=True, env=env, timeout=120)
    assert debug.returncode != 0 and "Traceback" in debug.stderr
    assert re.search(r"kgkc_opt\.errors\.\w+Error: ", debug.stderr)


def test_yaml_is_never_evaluated(tmp_path):
    """Tags that would build Python objects or run code under an unsafe loader are refused."""
    marker = tmp_path / "pwned"
    for tag in ("!!python/object/apply:os.system", "!!python/object/new:os.system",
                "!!python/name:os.system", "!!python/module:os"):
        text = f"name: {tag} ['touch {marker}']\n"
        with pytest.raises(InputError, match="not valid YAML"):
            loaders.parse_yaml(text, "t.yaml")
    assert not marker.exists()

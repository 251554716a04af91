"""The READMEs' commands work as written (README.md and README.vi.md), so that they cannot rot.

Every shell line in their code blocks is checked: a ``kgkc-opt`` line parses with the command
line's own parser, ``--help`` of each subcommand it names runs, and the files it reads from the
repository exist; ``pip install -e .[extra]`` names an extra of pyproject.toml; ``jupyter lab
notebooks`` a folder that exists; any other command must be one this test knows. The Windows lines
(``py -m venv .venv``, ``.venv\\Scripts\\kgkc-opt solve scenarios\\baseline.yaml``) are checked with
their paths translated (``\\`` -> ``/``, ``Scripts`` -> ``bin``): this is how the Windows quick start is
checked without a Windows machine. Both READMEs have the same quick start, and every relative link
of the planner's pages points to a file that exists.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import tomllib
from pathlib import Path

import pytest

from kgkc_opt.cli import app

ROOT = Path(__file__).resolve().parent.parent
READMES = ("README.md", "README.vi.md")
SHELL_BLOCK = re.compile(r"```(bash|sh|bat|cmd|powershell|console)[ \t]*\n(.*?)\n```", re.DOTALL)
#: Folders of the repository a command may read from (an output file named elsewhere need not exist).
REPO_FOLDERS = ("scenarios/", "notebooks/", "docs/", "tests/", "kgkc_opt/")


def shell_blocks(name: str) -> list[tuple[str, list[str]]]:
    text = (ROOT / name).read_text(encoding="utf-8")
    return [(lang, [line.strip() for line in body.splitlines() if line.strip() and not line.strip().startswith("#")])
            for lang, body in SHELL_BLOCK.findall(text)]


def command_lines() -> list[tuple[str, str]]:
    out = []
    for name in READMES:
        for _, lines in shell_blocks(name):
            for line in lines:
                out += [(name, part.strip()) for part in line.split("&&")]
    return out


def posix(line: str) -> str:
    """A Windows line as the same command on Linux: backslashes to slashes, Scripts to bin."""
    if "\\" not in line:
        return line
    return line.replace("\\", "/").replace(".venv/Scripts/", ".venv/bin/")


def extras() -> set[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return set(data["project"]["optional-dependencies"])


def subcommand_path(argv: list[str]) -> list[str]:
    """The subcommands a kgkc-opt line names (``program template``), from the parser itself."""
    parser = app.build_parser()
    path: list[str] = []
    for token in argv:
        actions = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
        choices = getattr(actions[0], "choices", {}) if actions else {}
        if token not in choices:
            break
        path.append(token)
        parser = choices[token]
    return path


def check_kgkc_opt(argv: list[str]) -> None:
    parser = app.build_parser()
    with contextlib.redirect_stderr(io.StringIO()) as err:
        try:
            parser.parse_args(argv)
        except SystemExit as exc:
            raise AssertionError(f"kgkc-opt {' '.join(argv)}: refused: {err.getvalue()}") from exc
    path = subcommand_path(argv)
    assert path, f"kgkc-opt {' '.join(argv)}: names no subcommand"
    with contextlib.redirect_stdout(io.StringIO()) as out, pytest.raises(SystemExit) as done:
        app.build_parser().parse_args([*path, "--help"])
    assert done.value.code == 0 and "usage: kgkc-opt" in out.getvalue()
    for token in argv:
        if token.startswith(REPO_FOLDERS):
            assert (ROOT / token).exists(), f"kgkc-opt {' '.join(argv)}: {token} does not exist"


def check_line(line: str) -> None:
    words = shlex.split(posix(line))
    program, args = words[0], words[1:]
    if program in ("python3", "py") and args[:2] == ["-m", "venv"]:
        assert args[2:] == [".venv"]
    elif program == ".venv/bin/python" and args[:4] == ["-m", "pip", "install", "-e"]:
        target = args[4]
        match = re.fullmatch(r"\.(?:\[([a-z0-9,]+)\])?", target)
        assert match, f"{line}: installs {target!r}, not this repository"
        for extra in (match.group(1) or "").split(","):
            assert not extra or extra in extras(), f"{line}: no extra {extra!r} in pyproject.toml"
    elif program == ".venv/bin/kgkc-opt":
        check_kgkc_opt(args)
    elif program == ".venv/bin/jupyter":
        assert args[0] in ("lab", "notebook") and (ROOT / args[1]).is_dir()
    elif program == "sudo" and args[:2] == ["apt", "install"]:
        assert args[2:] == ["python3-venv"]
    elif program == "bash":
        assert (ROOT / args[0]).is_file()
    else:
        raise AssertionError(f"the README names a command this test does not know: {line}")


@pytest.mark.parametrize(("readme", "line"), command_lines(), ids=[f"{n}:{x}" for n, x in command_lines()])
def test_every_readme_command_works_as_written(readme: str, line: str) -> None:
    check_line(line)


def test_the_quick_start_is_the_same_in_both_languages_and_on_both_systems() -> None:
    windows = ["py -m venv .venv", ".venv\\Scripts\\python -m pip install -e .",
               ".venv\\Scripts\\kgkc-opt solve scenarios\\baseline.yaml"]
    unix = ["python3 -m venv .venv", ".venv/bin/python -m pip install -e .",
            ".venv/bin/kgkc-opt solve scenarios/baseline.yaml"]
    for name in READMES:
        blocks = shell_blocks(name)
        assert blocks[0] == ("bat", windows), name
        assert blocks[1] == ("bash", unix), name
        assert [posix(line) for line in windows][1:] == unix[1:]


def test_the_test_command_ci_runs_is_in_the_readme() -> None:
    assert "```bash\nbash tests/run_all.sh\n```" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("page", [*READMES, "CONTRIBUTING.md", "docs/glossary.md"])
def test_relative_links_point_to_files_that_exist(page: str) -> None:
    text = (ROOT / page).read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text):
        if "://" in target:
            continue
        assert ((ROOT / page).parent / target).exists(), f"{page}: link to {target}"


def test_the_first_result_the_readmes_show_is_what_the_solve_prints() -> None:
    """The lines of the first result (the time aside) are the baseline solve's, in the same order."""
    with contextlib.redirect_stdout(io.StringIO()) as out:
        assert app.main(["solve", str(ROOT / "scenarios" / "baseline.yaml")]) == 0
    printed = [re.sub(r"[0-9]+,[0-9]+ giây", "T giây", line) for line in out.getvalue().splitlines()]
    for name in READMES:
        text = (ROOT / name).read_text(encoding="utf-8")
        block = re.search(r"```text\n(Phương án:.*?)\n```", text, re.DOTALL)
        assert block is not None, name
        shown = [re.sub(r"[0-9]+,[0-9]+ giây", "T giây", line) for line in block.group(1).splitlines()]
        position = 0
        for line in shown:
            if line == "...":
                continue
            assert line in printed[position:], f"{name}: {line!r} is not printed (after line {position})"
            position = printed.index(line, position) + 1

"""The package's modules, their imports and their functions, read with ``ast`` (for the structure
tests: tests/test_function_size.py, tests/test_test_modules.py, tests/test_architecture.py)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.support.paths import PACKAGE, ROOT


def modules() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package (``kgkc_opt.model.rows``)."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def imports(name: str, path: Path) -> set[str]:
    """The kgkc_opt modules (or packages) a module imports, anywhere in it (function-level and
    TYPE_CHECKING imports too), relative imports resolved."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
    known = modules()
    return {m for m in found if m in known and m != name}


@dataclass(frozen=True)
class Function:
    module: str
    qualname: str
    lineno: int
    lines: int  # from the ``def`` line (decorators not counted) to the last line of its body


def functions(name: str, path: Path) -> Iterator[Function]:
    """Every function and method of a module, nested ones too (a nested function's lines count in
    its parent's as well)."""
    return walk_functions(name, tree(path))


def walk_functions(name: str, node: ast.AST, prefix: str = "") -> Iterator[Function]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            qual = f"{prefix}{child.name}"
            assert child.end_lineno is not None
            yield Function(name, qual, child.lineno, child.end_lineno - child.lineno + 1)
            yield from walk_functions(name, child, f"{qual}.")
        elif isinstance(child, ast.ClassDef):
            yield from walk_functions(name, child, f"{prefix}{child.name}.")
        else:
            yield from walk_functions(name, child, prefix)


def where_tested(name: str) -> Path:
    """Where a module's tests live: ``kgkc_opt.model.rows`` -> tests/model/test_rows.py,
    ``kgkc_opt.money`` -> tests/test_money.py."""
    parts = name.split(".")[1:]
    return ROOT.joinpath("tests", *parts[:-1], f"test_{parts[-1]}.py")


def without_tests() -> list[str]:
    """The package's modules (package ``__init__`` files left out) that have no test module."""
    return [name for name, path in modules().items()
            if path.name != "__init__.py" and not where_tested(name).exists()]

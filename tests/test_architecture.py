"""docs/architecture.md's drawing of the floors is true to the package's imports.

The floors and their order come from the import-linter layers contract in pyproject.toml; the
drawing (the mermaid block of docs/architecture.md) must draw each floor once, every arrow
``A --> B`` must go down the floors and be a real import (a module of A imports a module of B,
read with ``ast``: function-level and TYPE_CHECKING imports too), and no import of the package
may go up the floors, or sideways between two floors of one layer (``errors | money``: independent).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence

from tests.support.inventory import imports, modules
from tests.support.paths import ROOT

#: modules outside the floors: the public API (it offers names from every floor, loaded lazily)
#: and ``python -m kgkc_opt``
OUTSIDE = {"kgkc_opt", "kgkc_opt.__main__"}
NODE = re.compile(r'^\s*(\w+)\["([^"]+)"\]\s*$')
ARROW = re.compile(r"^\s*(\w+)\s*-->\s*(\w+)\s*$")


def layers() -> list[frozenset[str]]:
    """The floors, top first: each a set of top-level names of kgkc_opt (``{"errors", "money", ...}``)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    return [frozenset(part.strip().removeprefix("kgkc_opt.") for part in layer.split("|"))
            for layer in contract["layers"]]


def drawing(text: str) -> tuple[dict[str, frozenset[str]], list[tuple[str, str]]]:
    """The mermaid block's nodes (id -> the floor's names, from its label ``"a · b: what it is"``)
    and arrows (id, id)."""
    block = text.split("```mermaid", 1)[1].split("```", 1)[0]
    nodes: dict[str, frozenset[str]] = {}
    arrows: list[tuple[str, str]] = []
    for line in block.splitlines():
        if m := NODE.match(line):
            nodes[m.group(1)] = frozenset(name.strip() for name in m.group(2).split(":")[0].split("·"))
        elif m := ARROW.match(line):
            arrows.append((m.group(1), m.group(2)))
    return nodes, arrows


def stage(module: str) -> str:
    """``kgkc_opt.model.rows`` -> ``model``; ``kgkc_opt.money`` -> ``money``."""
    return module.split(".")[1]


def problems(floors: Sequence[frozenset[str]], nodes: Mapping[str, frozenset[str]],
             arrows: Iterable[tuple[str, str]], edges: Iterable[tuple[str, str]]) -> list[str]:
    """What is wrong with a drawing (``nodes``, ``arrows``) of ``floors`` given the package's
    import ``edges`` (module, imported module)."""
    out = []
    level = {name: k for k, floor in enumerate(floors) for name in floor}
    drawn = sorted(nodes.values(), key=sorted)
    if sorted(floors, key=sorted) != drawn:
        out.append(f"the drawing's floors {[sorted(n) for n in drawn]} are not the contract's "
                   f"{[sorted(f) for f in floors]}")
    imported = {(stage(a), stage(b)) for a, b in edges if a not in OUTSIDE and b not in OUTSIDE}
    for a, b in arrows:
        if a not in nodes or b not in nodes:
            out.append(f"arrow {a} --> {b}: {a if a not in nodes else b} is not a node of the drawing")
            continue
        if not all(level.get(x, -1) < level.get(y, -1) for x in nodes[a] for y in nodes[b]):
            out.append(f"arrow {a} --> {b} does not go down the floors")
        if not any((x, y) in imported for x in nodes[a] for y in nodes[b]):
            out.append(f"arrow {a} --> {b}: no module of {a} imports one of {b}")
    for a, b in sorted(edges):
        if a in OUTSIDE or b in OUTSIDE or stage(a) == stage(b):
            continue
        if stage(a) not in level or stage(b) not in level:
            out.append(f"{a} imports {b}: {stage(a) if stage(a) not in level else stage(b)} is on no floor "
                       "(add it to the layers contract and the drawing)")
        elif level[stage(a)] >= level[stage(b)]:
            out.append(f"{a} imports {b}: against the floors")
    return out


def package_imports() -> set[tuple[str, str]]:
    return {(name, other) for name, path in modules().items() for other in imports(name, path)}


def test_the_drawing_of_docs_architecture_is_true_to_the_imports() -> None:
    nodes, arrows = drawing((ROOT / "docs" / "architecture.md").read_text(encoding="utf-8"))
    assert len(arrows) >= len(layers()) - 2  # the spine at least (words hangs beside it)
    assert problems(layers(), nodes, arrows, package_imports()) == []


def test_every_module_is_on_a_floor_or_named_outside() -> None:
    on_floors = {name for floor in layers() for name in floor}
    assert {m for m in modules() if m not in OUTSIDE and stage(m) not in on_floors} == set()


def test_the_check_finds_a_wrong_arrow_a_missing_floor_and_an_upward_import() -> None:
    floors = [frozenset({"cli"}), frozenset({"report"}), frozenset({"errors", "money"})]
    nodes = {"cli": frozenset({"cli"}), "report": frozenset({"report"}), "base": frozenset({"errors", "money"})}
    edges = {("kgkc_opt.cli.app", "kgkc_opt.report.fmt"), ("kgkc_opt.report.fmt", "kgkc_opt.money")}
    assert problems(floors, nodes, [("cli", "report"), ("report", "base")], edges) == []
    assert problems(floors, nodes, [("cli", "base")], edges) == [
        "arrow cli --> base: no module of cli imports one of base"]
    upward = edges | {("kgkc_opt.report.x", "kgkc_opt.cli.y")}
    assert problems(floors, nodes, [("report", "cli")], upward) == [
        "arrow report --> cli does not go down the floors",
        "kgkc_opt.report.x imports kgkc_opt.cli.y: against the floors"]
    assert problems(floors, {"cli": frozenset({"cli"})}, [], edges)[0].startswith("the drawing's floors")
    assert problems(floors, nodes, [], {("kgkc_opt.money", "kgkc_opt.errors")}) == [
        "kgkc_opt.money imports kgkc_opt.errors: against the floors"]
    assert "is on no floor" in problems(floors, nodes, [], {("kgkc_opt.cli.app", "kgkc_opt.extra")})[0]

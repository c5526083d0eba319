"""The package's import arrows go one way (docs/architecture.md; issue 14, item 6).

Every `import`/`from` in every module of feedtool/ is read with `ast`,
including imports inside functions and under `if TYPE_CHECKING:`, and each
one that crosses from one part of the package to another must follow the
arrows below. The few imports that go against them today are listed in
KNOWN_EXCEPTIONS with the reason, so that they are seen and fixed, not copied:
the list must stay exact (an exception that is gone must be removed from it).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "feedtool"
STAGES = ("authoring", "engine", "check", "render", "sources", "config")

# Which parts of the package each part may import. A stage package is one
# part; a top-level module is a part of its own; "feedtool" is the package's
# __init__ (the public API). `from feedtool import __version__` is allowed
# everywhere: __init__ sets it before it imports anything.
BASE = {"model", "problems", "safe_files", "standards", "parallel"}
ALLOWED: dict[str, set[str]] = {
    "__main__": {"cli"},
    "feedtool": {"config", "engine", "check"},
    "cli": {"authoring", "engine", "check", "render", "sources", "config"} | BASE,
    "authoring": {"engine", "check", "render", "sources", "config"} | BASE,
    "engine": {"render", "sources", "config", "check"} | BASE,
    "render": {"sources", "config"} | BASE,
    "sources": {"config"} | BASE,
    "config": set(BASE),
    "check": {"model", "problems", "standards", "parallel"},
    "model": {"problems", "safe_files"},
    "safe_files": {"problems"},
    "problems": set(),
    "standards": set(),
    "parallel": set(),
}

# Imports that go against the arrows, by (importing module, imported
# module), with the reason. None today (issue 14): keep it that way.
KNOWN_EXCEPTIONS: dict[tuple[str, str], str] = {}


def module_name(path: Path) -> str:
    parts = ["feedtool", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def part(module: str) -> str:
    """The part of the package MODULE is in: its stage, or itself if top-level."""
    parts = module.split(".")
    if len(parts) == 1:
        return "feedtool"
    return parts[1]


def is_module(dotted: str) -> bool:
    rel = Path(*dotted.split(".")[1:])
    return (PACKAGE / rel).with_suffix(".py").is_file() or (PACKAGE / rel / "__init__.py").is_file()


def imports(path: Path) -> set[str]:
    """The feedtool modules PATH imports, anywhere in the file."""
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "feedtool")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            if source.split(".")[0] != "feedtool":
                continue
            for alias in node.names:
                sub = f"{source}.{alias.name}"
                if is_module(sub):
                    found.add(sub)  # from feedtool.config import schema
                elif not (source == "feedtool" and alias.name == "__version__"):
                    found.add(source)
    found.discard(here)
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))
GRAPH: dict[str, set[str]] = {module_name(p): imports(p) for p in MODULES}


def test_every_module_is_in_a_known_part() -> None:
    assert MODULES, PACKAGE
    unknown = sorted({part(m) for m in GRAPH} - set(ALLOWED) - set(STAGES))
    assert unknown == [], f"a new top-level module needs its arrows in ALLOWED: {unknown}"
    assert set(STAGES) <= set(ALLOWED)


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_imports_follow_the_arrows(module: str) -> None:
    wrong = [f"{module} -> {target}  ({part(module)} may not import {part(target)})"
             for target in sorted(GRAPH[module])
             if part(target) != part(module) and part(target) not in ALLOWED[part(module)]
             and (module, target) not in KNOWN_EXCEPTIONS]
    assert wrong == []


def test_known_exceptions_are_still_there() -> None:
    """A fixed exception is taken off the list, so that it cannot come back unseen."""
    gone = [edge for edge in KNOWN_EXCEPTIONS if edge[1] not in GRAPH.get(edge[0], set())]
    assert gone == []
    allowed_anyway = [edge for edge in KNOWN_EXCEPTIONS if part(edge[1]) in ALLOWED[part(edge[0])]]
    assert allowed_anyway == []


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def part_graph(skip: set[tuple[str, str]]) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    for module, targets in GRAPH.items():
        for target in targets:
            if part(module) != part(target) and (module, target) not in skip:
                edges[part(module)].add(part(target))
    return edges


def test_the_arrows_themselves_have_no_cycle() -> None:
    assert cycles(ALLOWED) == []


def test_no_import_cycle_between_parts_but_the_known_exceptions() -> None:
    assert cycles(part_graph(skip=set(KNOWN_EXCEPTIONS))) == []


def test_no_import_cycle_at_all() -> None:
    """The stages import one way (issue 14: the vocabularies, Apple's
    categories, npt() and the feed size limit live in standards.py, the
    patterns compiler in config/, the outputs' keys in render/)."""
    assert cycles(part_graph(skip=set())) == []
    assert KNOWN_EXCEPTIONS == {}

"""The house's plan holds: no import cycle anywhere, each feature wires itself, blueprints are imported
by their views and never import back (import-linter checks the layers in CI; see pyproject.toml)."""
from __future__ import annotations

import ast
import importlib
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "audit", "auth", "import_values", "projects", "funds", "reports", "demo")
FEATURES = ("audit", "auth", "import_values", "projects", "funds", "reports")


def _modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            modules[name.removesuffix(".__init__")] = path
    return modules


def _imports(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Each module's imports of other project modules, at module level or inside functions alike."""
    edges: dict[str, set[str]] = defaultdict(set)
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                submodules = {f"{node.module}.{alias.name}" for alias in node.names} & modules.keys()
                edges[name] |= submodules
                if len(submodules) < len(node.names) and node.module in modules:
                    edges[name].add(node.module)
            elif isinstance(node, ast.Import):
                edges[name] |= {alias.name for alias in node.names} & modules.keys()
    return edges


def _cycles(edges: dict[str, set[str]], nodes) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iteratively)."""
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]

    def visit(start):
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = counter[0]
                counter[0] += 1
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(edges[child]))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])

    for node in sorted(nodes):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_itself_through_others():
    """Following imports from any module of ours never leads back to it."""
    modules = _modules()
    assert _cycles(_imports(modules), modules) == []


def test_the_cycle_finder_finds_a_cycle():
    """The check above would see one: a -> b -> c -> a is reported, d is not."""
    edges = defaultdict(set, {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}})
    assert _cycles(edges, ["a", "b", "c", "d"]) == [["a", "b", "c"]]


@pytest.mark.parametrize("package", PACKAGES)
def test_every_package_says_what_it_offers_and_wires_itself(package):
    """Each feature package's __init__ has a docstring and an init_app(app); create_app calls it."""
    module = importlib.import_module(package)
    assert module.__doc__ and len(module.__doc__) > 80
    assert callable(getattr(module, "init_app", None))
    import app
    assert module in app.FEATURES


@pytest.mark.parametrize("package", FEATURES)
def test_blueprints_live_in_their_own_module_and_import_no_view(package):
    """A feature's blueprint module defines its blueprints and imports nothing of ours back."""
    path = ROOT / package / "blueprint.py"
    imported = {node.module for node in ast.walk(ast.parse(path.read_text("utf-8")))
                if isinstance(node, ast.ImportFrom) and node.module}
    assert imported <= {"__future__", "flask"}

"""The package structure holds: one direction of imports, no cycles, short files, thin commands.

Imports are read with :mod:`ast` from the source files (``pso_chain/`` and ``loaders/``, which is
installed as ``pso_chain.loaders``), every ``import`` statement counted wherever it stands: a
function-level import is still a dependency, and so is an import under ``if TYPE_CHECKING:``
(a type is part of what a module knows about). Only ``from pso_chain import __version__`` (the
package's own version string, set before any import) does not count.

The layers, ground first (a module may import its own layer and the ones below); each package
lies in one layer, as docs/architecture.md draws them:

0. ground: the top-level modules config, errors, settings, messages, rules, parsing, sectors, check, and the
   packaged data
1. inputs: ``loaders`` (files in: canonical tables, ledgers, UBL, the register, names) and
   ``validate`` (the table checks)
2. core: ``core`` (network, certification, rule checks, scoring, explanation, spend, outlook,
   the compiled network)
3. engine: ``buyers``, ``olievlek``, ``social_return``, ``generate``
4. database: ``neo4jdb`` (Neo4j as a source and as a store the engine's results are written to)
5. outputs: ``outputs`` (terminal, files, PDFs, the municipal report)
6. importing: ``importing`` (matching, the import of a buyer's books, the quick scan)
7. api: ``api`` and the package itself (``import pso_chain``)
8. front-ends: ``commands``, ``cli``, ``web`` and the console script (``__main__``)
"""

from __future__ import annotations

import ast
import re
import tomllib
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE_DIRS = ("pso_chain", "loaders", "scripts")
MAX_LINES = 500
MAX_TOP_LEVEL_MODULES = 12
MAX_FUNCTION_IMPORTS = 20

LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ground", ("config", "errors", "settings", "messages", "rules", "parsing", "sectors", "check", "data", "data.*")),
    ("inputs", ("loaders", "loaders.*", "validate", "validate.*")),
    ("core", ("core", "core.*")),
    ("engine", ("buyers", "buyers.*", "olievlek", "olievlek.*", "social_return", "social_return.*",
                "generate", "generate.*")),
    ("database", ("neo4jdb", "neo4jdb.*")),
    ("outputs", ("outputs", "outputs.*")),
    ("importing", ("importing", "importing.*")),
    ("api", ("", "api", "api.*")),
    ("front-ends", ("commands", "commands.*", "cli", "web", "web.*", "__main__")),
)

# Imports that break a rule today (up the layers, or closing an import cycle), each owned by a
# helper who is removing it. The list may only shrink: a new violation fails, and so does an
# entry here that no longer occurs.
KNOWN_EDGES: dict[tuple[str, str], str] = {
}
KNOWN_LONG: dict[str, str] = {
}

# What a command module may import: the public API, the package, output/display helpers, and the
# tools that are not engine verbs (the Neo4j server/loader/query runner, the compiled-network
# build, the synthetic-data generator).
COMMAND_MAY_IMPORT = ("", "api", "api.*", "config", "errors", "outputs", "outputs.*", "settings", "messages", "rules",
                      "parsing", "commands", "commands.*", "web", "web.*", "importing.quickscan_files",
                      "generate", "neo4jdb.server", "neo4jdb.load", "neo4jdb.bulk", "neo4jdb.queries",
                      "core.compiled", "core.compiled_key")


def _module_name(path: Path) -> str:
    """``pso_chain/a/b.py`` -> ``a.b``; ``loaders/x.py`` -> ``loaders.x`` (the installed name,
    without the ``pso_chain.`` prefix); a package's ``__init__`` is the package."""
    rel = path.relative_to(ROOT).with_suffix("")
    parts = rel.parts[1:] if rel.parts[0] == "pso_chain" else rel.parts
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


@cache
def _modules() -> dict[str, Path]:
    files = [*(ROOT / "pso_chain").rglob("*.py"), *(ROOT / "loaders").rglob("*.py")]
    return {_module_name(p): p for p in files}


def _resolve(name: str) -> str | None:
    """The longest known module that ``name`` (dotted, without ``pso_chain.``) lies in."""
    modules = _modules()
    while name not in modules:
        if "." not in name:
            return "" if name == "" else None
        name = name.rpartition(".")[0]
    return name


@cache
def import_graph() -> dict[str, frozenset[str]]:
    """Every module's imports of other ``pso_chain`` modules."""
    graph = {}
    for name, path in _modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".") if package else []
                    base = base[:len(base) - node.level + 1]
                    module = "pso_chain." + ".".join([*base, *([node.module] if node.module else [])])
                else:
                    module = node.module or ""
                names = [a.name for a in node.names if not (a.name.startswith("__") and a.name.endswith("__"))]
                targets = [f"{module}.{n}" for n in names]
            else:
                continue
            for target in targets:
                if target != "pso_chain" and not target.startswith("pso_chain."):
                    continue
                resolved = _resolve(target.removeprefix("pso_chain").removeprefix("."))
                if resolved is not None and resolved != name:
                    found.add(resolved)
        graph[name] = frozenset(found)
    return graph


def _matches(module: str, patterns: tuple[str, ...]) -> bool:
    return any(re.fullmatch(re.escape(p).replace(r"\*", ".*"), module) for p in patterns)


def layer_of(module: str) -> int:
    for index, (_, patterns) in enumerate(LAYERS):
        if _matches(module, patterns):
            return index
    raise AssertionError(f"pso_chain.{module} is in no layer: add it to LAYERS in {__file__}")


def test_every_module_has_a_layer():
    for module in import_graph():
        layer_of(module)


def test_no_import_from_a_lower_layer_to_a_higher_one():
    upward = {(m, t) for m, targets in import_graph().items() for t in targets if layer_of(t) > layer_of(m)}
    new = sorted(upward - set(KNOWN_EDGES))
    assert not new, "imports up the layers (see the module docstring):\n" + "\n".join(
        f"  pso_chain.{m} ({LAYERS[layer_of(m)][0]}) -> pso_chain.{t} ({LAYERS[layer_of(t)][0]})" for m, t in new)


def test_known_exceptions_still_occur():
    graph = import_graph()
    gone = sorted((m, t) for m, t in KNOWN_EDGES if t not in graph.get(m, ()))
    assert not gone, f"fixed, remove from KNOWN_EDGES: {gone}"


def _cycles(graph: dict[str, frozenset[str]]) -> list[frozenset[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[frozenset[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    out.append(frozenset(component))
    return out


def test_cycle_finder_finds_a_cycle():
    assert _cycles({"a": frozenset({"b"}), "b": frozenset({"c"}), "c": frozenset({"a"}),
                    "d": frozenset({"a"})}) == [frozenset({"a", "b", "c"})]


def test_no_import_cycle():
    # a package imports its own submodules to re-export them; a submodule importing a sibling
    # through the package is the cycle that matters, so package -> own submodule edges are left out
    graph = {m: frozenset(t for t in targets if not t.startswith(m + ".") and (m, t) not in KNOWN_EDGES)
             for m, targets in import_graph().items()}
    cycles = _cycles(graph)
    assert not cycles, "import cycles:\n" + "\n".join(
        "  " + " <-> ".join(sorted(f"pso_chain.{m}" for m in c)) for c in cycles)


def test_no_source_file_over_500_lines():
    long: list[str] = []
    for folder in SOURCE_DIRS:
        for path in (ROOT / folder).rglob("*.py"):
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > MAX_LINES:
                long.append(path.relative_to(ROOT).as_posix())
    new = sorted(set(long) - set(KNOWN_LONG))
    assert not new, f"over {MAX_LINES} lines: {new}"
    gone = sorted(set(KNOWN_LONG) - set(long))
    assert not gone, f"now short enough, remove from KNOWN_LONG: {gone}"


def test_commands_import_only_the_api_and_display_helpers():
    heavy = {m: sorted(t for t in targets if not _matches(t, COMMAND_MAY_IMPORT))
             for m, targets in import_graph().items() if _matches(m, ("commands.*", "cli"))}
    heavy = {m: t for m, t in heavy.items() if t}
    assert not heavy, "commands computing through engine modules:\n" + "\n".join(
        f"  pso_chain.{m} -> {', '.join(t)}" for m, t in sorted(heavy.items()))


def test_every_package_is_installed():
    """A new subpackage must be listed in pyproject.toml, or a wheel leaves it out."""
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    for init in (ROOT / "pso_chain").rglob("__init__.py"):
        package = ".".join(init.parent.relative_to(ROOT).parts)
        assert package in listed, f"{package} missing from [tool.setuptools] packages"


def test_at_most_twelve_modules_at_the_top():
    top = sorted(p.name for p in (ROOT / "pso_chain").glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL_MODULES, f"{len(top)} modules at the top of pso_chain/: {top}"


def function_imports() -> list[str]:
    """Every import of the package's own modules that stands inside a function."""
    found = []
    for path in [*(ROOT / "pso_chain").rglob("*.py"), *(ROOT / "loaders").rglob("*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(func):
                names = ([node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level
                         else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
                if any(n == "pso_chain" or n.startswith("pso_chain.") for n in names) or (
                        isinstance(node, ast.ImportFrom) and node.level):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return sorted(set(found))


def test_imports_stand_at_the_top_of_modules():
    """Optional dependencies (the web extra) may load where they are used; the rest of the
    package's own modules are imported at the top, where readers and tools see them."""
    inside = function_imports()
    assert len(inside) <= MAX_FUNCTION_IMPORTS, f"{len(inside)} in-function imports: {inside}"

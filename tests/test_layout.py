"""The package's layout, read from its source with ``ast`` (nothing here imports minigan):
no module-level import cycle, each layer importing only from the layers below it, no file
past 500 lines, and tests that reach minigan through public names only.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "minigan"
MAX_LINES = 500

#: The layers, bottom to top: a module may import (at module level) from its own layer and the
#: layers before it, never from one after it. The key is the first part of the module's name
#: below ``minigan``; ``__init__`` is the package root, the public surface over everything.
LAYERS: list[set[str]] = [
    {"formulas", "paths", "micro", "exercises"},
    {"backends"},
    {"autograd"},
    {"torch_api", "cuda", "accelerator"},
    {"ops"},
    {"nn"},
    {"optim", "replay"},
    {"data", "utils", "viz", "functional", "linalg", "special", "distributions", "profiler", "func", "nn_forms",
     "testing"},
    {"gan", "metrics", "gradcheck", "vision"},
    {"__init__"},
    {"cli"},
    {"train", "sample", "evaluate", "export", "sweep"},
]


def module_name(path: Path, root: Path = PACKAGE) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def module_level_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """The imports a module runs when it is imported: those at its top level and inside
    top-level ``if``/``try`` blocks, not those in functions or under ``if TYPE_CHECKING``."""
    found: list[ast.Import | ast.ImportFrom] = []
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        elif isinstance(node, ast.If):
            if not (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"):
                pending.extend(node.body + node.orelse)
        elif isinstance(node, ast.Try):
            pending.extend(node.body + node.orelse + node.finalbody + [s for h in node.handlers for s in h.body])
    return found


def imported_modules(node: ast.Import | ast.ImportFrom, importer: str, package: bool, known: set[str]) -> set[str]:
    """The modules of ``known`` that an import statement loads: ``from p import name`` loads
    the submodule ``p.name`` when there is one, else ``p``. (The parent packages that Python
    initialises on the way are not counted: every module is below its package's facade.)"""
    if isinstance(node, ast.Import):
        targets = [alias.name for alias in node.names]
    else:
        if node.level:
            base = importer.split(".") if package else importer.split(".")[:-1]
            base = base[: len(base) - (node.level - 1)]
            prefix = ".".join(base + ([node.module] if node.module else []))
        else:
            prefix = node.module or ""
        targets = [f"{prefix}.{alias.name}" if f"{prefix}.{alias.name}" in known else prefix for alias in node.names]
    found = set()
    for target in targets:
        while target and target not in known:
            target = target.rpartition(".")[0]
        if target and target != importer and not target.startswith(importer + "."):  # a package's own parts
            found.add(target)
    return found


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    files = {module_name(f, root): f for f in sorted(root.rglob("*.py"))}
    known = set(files)
    graph = {}
    for name, path in files.items():
        tree = ast.parse(path.read_text(), str(path))
        graph[name] = set().union(*(imported_modules(node, name, is_package(path), known)
                                    for node in module_level_imports(tree)))
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (its modules in order, the first repeated at the end), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in sorted(graph):
        if start in state:
            continue
        path, stack = [start], [iter(sorted(graph[start]))]
        state[start] = 1
        while stack:
            following = next(stack[-1], None)
            if following is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(following) == 1:
                return path[path.index(following):] + [following]
            elif following not in state:
                state[following] = 1
                path.append(following)
                stack.append(iter(sorted(graph[following])))
    return None


def layer_of(module: str) -> int:
    parts = module.split(".")
    key = parts[1] if len(parts) > 1 else "__init__"
    if parts[-1] == "__main__":  # python -m minigan.gradcheck: a program
        key = "train"
    for rank, layer in enumerate(LAYERS):
        if key in layer:
            return rank
    raise KeyError(f"{module} is in no layer: add {key!r} to LAYERS in tests/test_layout.py")


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    return [f"{importer} (layer {layer_of(importer)}) imports {imported} (layer {layer_of(imported)})"
            for importer, imports in sorted(graph.items()) for imported in sorted(imports)
            if layer_of(imported) > layer_of(importer)]


def long_files(root: Path = PACKAGE, limit: int = MAX_LINES) -> list[str]:
    return [f"{path.relative_to(root.parent)}: {n} lines" for path in sorted(root.rglob("*.py"))
            if (n := len(path.read_text().splitlines())) > limit]


def private_imports(source: str, filename: str) -> list[str]:
    """Each place a test file imports a private name of minigan: ``from minigan.x import _y``
    or a module path with a private part (``minigan.x._y``); dunder names (``__main__``) are public."""
    def private(name: str) -> bool:
        return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))

    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "minigan":
            names = node.module.split(".") + [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [part for alias in node.names if alias.name.split(".")[0] == "minigan"
                     for part in alias.name.split(".")]
        else:
            continue
        found += [f"{filename}:{node.lineno} imports {name}" for name in names if private(name)]
    return found


# ---------------------------------------------------------------------------- the checks themselves
def test_minigan_has_no_module_level_import_cycle():
    assert find_cycle(import_graph()) is None


def test_each_layer_imports_only_from_the_layers_below_it():
    assert upward_imports(import_graph()) == []


def test_no_file_in_minigan_is_longer_than_500_lines():
    assert long_files() == []


def test_tests_import_no_private_name_of_minigan():
    problems = []
    for path in sorted((ROOT / "tests").glob("*.py")):
        problems += private_imports(path.read_text(), path.name)
    assert problems == []


def test_no_module_shadows_a_standard_library_module():
    import sys

    names = {path.stem for path in PACKAGE.rglob("*.py")} | {path.name for path in PACKAGE.rglob("*") if path.is_dir()}
    assert sorted(names & set(sys.stdlib_module_names)) == []


# ---------------------------------------------------------------------------- the checks fail when they should
def write_package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "minigan"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_a_module_level_cycle_is_found_and_lazy_or_type_checking_imports_are_not(tmp_path):
    root = write_package(tmp_path, {
        "__init__.py": "",
        "autograd/__init__.py": "from .tensor import Tensor\n",
        "autograd/tensor.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .function import F\n"
                              "class Tensor:\n    def f(self):\n        from .function import F\n",
        "autograd/function.py": "from .tensor import Tensor\n",
    })
    assert find_cycle(import_graph(root)) is None
    (root / "autograd" / "tensor.py").write_text("from . import function\nclass Tensor: ...\n")
    assert find_cycle(import_graph(root)) == ["minigan.autograd.function", "minigan.autograd.tensor",
                                              "minigan.autograd.function"]


def test_an_upward_import_is_found(tmp_path):
    root = write_package(tmp_path, {"__init__.py": "", "ops/__init__.py": "", "nn/__init__.py": "",
                                    "autograd/__init__.py": "", "autograd/graph.py": "from ..nn import Module\n"})
    assert upward_imports(import_graph(root)) == ["minigan.autograd.graph (layer 2) imports minigan.nn (layer 5)"]


def test_a_long_file_is_found(tmp_path):
    root = write_package(tmp_path, {"__init__.py": "", "ops/big.py": "x = 1\n" * (MAX_LINES + 1),
                                    "ops/fine.py": "x = 1\n" * MAX_LINES})
    assert long_files(root) == [f"minigan/ops/big.py: {MAX_LINES + 1} lines"]


@pytest.mark.parametrize("source, expected", [
    ("from minigan.autograd.engine import _run_backward\n", ["t.py:1 imports _run_backward"]),
    ("import minigan.backends._private\n", ["t.py:1 imports _private"]),
    ("from minigan.backends import numba as _nb\n", []),  # a private alias of a public name is fine
    ("from minigan.gradcheck import __main__ as cli\nfrom numpy import _core\n", []),
    ("def f():\n    from minigan.data.mnist import _split\n", ["t.py:2 imports _split"]),
])
def test_a_private_import_in_a_test_is_found(source, expected):
    assert private_imports(source, "t.py") == expected


def test_importing_every_module_changes_no_environment_variable():
    import subprocess
    import sys

    script = (
        "import importlib, os, pkgutil\n"
        "before = dict(os.environ)\n"
        "import minigan\n"
        "for info in pkgutil.walk_packages(minigan.__path__, 'minigan.'):\n"
        "    if not info.name.endswith('__main__') and not info.name.startswith('minigan.backends.cupy'):\n"
        "        importlib.import_module(info.name)\n"
        "changed = sorted(k for k in set(before) | set(os.environ) if before.get(k) != os.environ.get(k))\n"
        "print(changed)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"

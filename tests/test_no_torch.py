"""No PyTorch (nor TensorFlow or JAX) in the package or its tests: comparisons with PyTorch
live in bench/, as optional scripts."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {"torch", "tensorflow", "jax"}


def _imported_names(path: Path) -> set[str]:
    """Top-level names of every module a file imports, including via pytest.importorskip("...")."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
        elif (isinstance(node, ast.Call) and getattr(node.func, "attr", None) in ("importorskip", "import_module")
              and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            names.add(node.args[0].value.split(".")[0])
    return names


@pytest.mark.parametrize("folder", ["minigan", "tests"])
def test_no_pytorch_imports(folder):
    offenders = {str(path.relative_to(ROOT)): sorted(_imported_names(path) & FORBIDDEN)
                 for path in sorted((ROOT / folder).rglob("*.py"))}
    assert not {path: names for path, names in offenders.items() if names}

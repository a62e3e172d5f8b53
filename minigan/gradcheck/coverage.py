"""Coverage found, not listed: every ``Function`` in minigan, and what the cases reach.

``function_classes`` imports every module of the package and walks ``Function`` subclasses
recursively, so an op added anywhere is found without being named here. ``reached`` runs
each case once and walks the graph it records, noting which input positions of each
Function carried a gradient. ``gaps`` puts the two together: a Function no case reaches,
or an input of one that no case differentiates, is a gap.
"""
from __future__ import annotations

import importlib
import pkgutil
from collections import defaultdict
from pathlib import Path
from typing import Iterable

import numpy as np

from ..autograd import Tensor, enable_grad
from ..autograd.function import Context, Function
from .opcase import OpCase


def import_every_module() -> None:
    """Import each module of the minigan package (a Function defined anywhere then exists)."""
    package_dir = Path(__file__).resolve().parent.parent  # minigan/, found without importing it
    for info in pkgutil.walk_packages([str(package_dir)], "minigan."):
        if not info.name.endswith("__main__"):
            importlib.import_module(info.name)


def function_classes() -> list[type[Function]]:
    """Every Function subclass defined in minigan that has a forward, found recursively (sorted by
    name); a base with none, such as PyTorch's form minigan.autograd.Function, is no op."""
    import_every_module()
    found, stack = set(), list(Function.__subclasses__())
    while stack:
        cls = stack.pop()
        if cls not in found:
            found.add(cls)
            stack.extend(cls.__subclasses__())
    return sorted((c for c in found if c.__module__.startswith("minigan.") and c.forward is not Function.forward),
                  key=lambda c: c.__qualname__)


def recorded_contexts(output: Tensor) -> list[Context]:
    """The Context of every op recorded in ``output``'s graph, each once."""
    contexts, seen, stack = [], set(), [output]
    while stack:
        node = stack.pop()
        ctx = node._ctx
        if ctx is None or id(node) in seen:
            continue
        seen.add(id(node))
        contexts.append(ctx)
        stack.extend(ctx.inputs)
    return contexts


def reached(cases: Iterable[OpCase]) -> tuple[dict[type[Function], set[int]], dict[type[Function], set[int]], dict[type[Function], set[str]]]:
    """Run every case on each of its shapes; return, per Function, the input positions that
    carried a gradient, the arities it was applied with, and the names of the cases reaching it."""
    positions: dict[type[Function], set[int]] = defaultdict(set)
    counts: dict[type[Function], set[int]] = defaultdict(set)
    by_case: dict[type[Function], set[str]] = defaultdict(set)
    rng = np.random.default_rng(0)
    for case in cases:
        for shapes in case.shapes:
            with enable_grad():
                out = case.fn(*case.inputs(shapes, rng))
            for ctx in recorded_contexts(out):
                positions[ctx.function].update(i for i, needed in enumerate(ctx.needs_input_grad) if needed)
                counts[ctx.function].add(len(ctx.inputs))
                by_case[ctx.function].add(case.name)
    return positions, counts, by_case


def gaps(cases: Iterable[OpCase]) -> list[str]:
    """One line per Function without a case, and per Function input no case differentiates."""
    positions, counts, _ = reached(cases)
    problems = []
    for cls in function_classes():
        name = f"{cls.__module__}.{cls.__qualname__}"
        if cls not in positions:
            problems.append(f"{name} has no gradcheck case")
            continue
        missing = sorted(set(range(max(counts[cls]))) - positions[cls])
        if missing:
            problems.append(f"{name}: no case checks the gradient of input(s) {missing}")
    return problems


__all__ = ["import_every_module", "function_classes", "recorded_contexts", "reached", "gaps"]

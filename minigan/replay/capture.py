"""Capture one step as a list of kernel calls, check it, and replay it.

A :class:`Recorder` is told (through minigan/autograd/recording.py's hook) of every
``Function.forward`` the step runs, with the arrays it read, the array it made and the arrays it
saved; of every ``Function.backward`` the engine calls, with the gradient it was handed and the
gradients it returned; of each gradient sum the engine
makes and each gradient it hands a parameter; and of each raw-array call such as the optimizer's
update (``step_call``). Arrays are named by slot: the step's inputs, what the kernels made, and
constants (arrays the step read but did not make).

Two captures of the same step must agree (:func:`differences`): the same calls, wired the same
way, every constant either the same persistent Tensor (a parameter: read afresh each replay) or
the same value, not changed by the step. A step that read an intermediate result outside the
ops, or took a different branch, fails this check and stays eager.

minigan/replay/program.py then replays the list, with no graph, no topological sort and no
Function.apply.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from minigan.autograd import Context, Tensor, recording

__all__ = ["Recorder", "differences", "persistent"]


def _arrays_in(value: Any, path: tuple[int, ...] = ()) -> list[tuple[tuple[int, ...], Any]]:
    """(path, array) for each array or Tensor in a (nested) tuple of saved values."""
    if isinstance(value, Tensor):
        return [(path, value.array)]
    if isinstance(value, (tuple, list)):
        return [found for i, item in enumerate(value) for found in _arrays_in(item, path + (i,))]
    if hasattr(value, "shape") and hasattr(value, "dtype") and not isinstance(value, np.generic):
        return [(path, value)]
    return []


def same(a: Any, b: Any) -> bool:
    """Whether two recorded values are the same object or equal in type, shape, dtype and value."""
    if a is b:
        return True
    if isinstance(a, Tensor) or isinstance(b, Tensor):
        return isinstance(a, Tensor) and isinstance(b, Tensor) and same(a.array, b.array)
    if hasattr(a, "shape") and hasattr(a, "dtype"):
        return (type(a) is type(b) and a.shape == b.shape and a.dtype == b.dtype
                and bool(np.array_equal(np.asarray(a), np.asarray(b))))
    if isinstance(a, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    try:
        return bool(a == b)
    except Exception:
        return False


class Recorder:
    """What one eager run of a step did, in slots; see the module docstring."""

    def __init__(self) -> None:
        self.values: list[Any] = []  # slot -> array, kept alive so that ids stay unique
        self.where: dict[int, int] = {}  # id(array) -> its latest slot
        self.constants: dict[int, tuple[Tensor | None, Any]] = {}  # slot -> (Tensor read from, copy at first read)
        self.inputs: list[int] = []
        self.outputs: list[int | None] = []
        self.steps: list[tuple[Any, ...]] = []
        self.problem: str | None = None

    def _new(self, array: Any) -> int:
        self.values.append(array)
        self.where[id(array)] = len(self.values) - 1
        return len(self.values) - 1

    def _read(self, array: Any, tensor: Tensor | None = None) -> int:
        slot = self.where.get(id(array))
        if slot is None:
            slot = self._new(array)
            self.constants[slot] = (tensor, np.array(array, copy=True))
        return slot

    def input(self, tensor: Tensor) -> Tensor:
        self.inputs.append(self._new(tensor.array))
        return tensor

    def finish(self, result: Any) -> tuple[Any, ...]:
        """Name the step's outputs (a Tensor, or a tuple of Tensors and Nones) and return their arrays."""
        items = result if isinstance(result, (tuple, list)) else (result,)
        for item in items:
            if item is not None and not isinstance(item, Tensor):
                raise TypeError(f"minigan.replay.compile: a step returns Tensors (or None), got {type(item).__name__}")
        self.outputs = [None if t is None else self._read(t.array, t) for t in items]
        return tuple(None if t is None else t.array for t in items)

    # ---------------------------------------------------------------- the hooks
    def function(self, cls: type, options: dict[str, Any], tensors: Sequence[Tensor], ctx: Context, data: Any) -> None:
        reads = tuple(self._read(t.array, t) for t in tensors)
        out = self._new(data)
        saved = tuple((path, self._new(array)) for path, array in _arrays_in(ctx.saved))
        self.steps.append(("function", cls, options, reads, out, saved, self._new(ctx)))

    def backward(self, call: Callable[..., Any], ctx: Context, grad: Tensor, needs: tuple[bool, ...],
                 tracer: Any) -> Any:
        """``call(ctx, grad, needs, tracer)`` (the engine's), recorded as one call of ``ctx.function.backward``."""
        with recording(None):
            grads = call(ctx, grad, needs, tracer)
        context = self.where.get(id(ctx))
        if context is None or not isinstance(grads, tuple):
            self.unsupported(f"a backward through {ctx.function.__name__} made outside the step")
            return grads
        reads = tuple(self._read(t.array, t) for t in ctx.inputs)
        out, incoming = self._read(ctx.output.array), self._read(grad.array)
        results = tuple(None if g is None or not isinstance(g, Tensor) else self._new(g.array) for g in grads)
        self.steps.append(("backward", context, reads, out, incoming, needs, results))
        return grads

    def add(self, a: Any, b: Any, out: Any) -> None:
        self.steps.append(("add", self._read(a), self._read(b), self._new(out)))

    def add_into(self, target: Any, b: Any) -> None:
        self.steps.append(("add_into", self._read(target), self._read(b)))

    def leaf(self, leaf: Tensor, grad: Any, owned: bool) -> None:
        self.steps.append(("leaf", leaf, self._read(grad), owned))

    def call(self, function: Callable[..., Any], args: tuple[Any, ...]) -> Any:
        with recording(None):
            result = function(*args)
        self.steps.append(("call", function, args))
        return result

    def unsupported(self, reason: str) -> None:
        self.problem = self.problem or reason


def persistent(first: Recorder, second: Recorder, slot: int) -> bool:
    """Whether constant ``slot`` is the same Tensor in both captures (a parameter: read afresh each replay)."""
    tensor = second.constants[slot][0]
    return tensor is not None and tensor is first.constants[slot][0]


def differences(first: Recorder, second: Recorder) -> str | None:
    """Why ``second`` cannot be replayed in place of a later run of the step, or None when it can."""
    if first.problem or second.problem:
        return first.problem or second.problem
    if len(first.steps) != len(second.steps) or first.inputs != second.inputs or first.outputs != second.outputs:
        return "two runs of the step made different calls (a Python branch on a value?)"
    for a, b in zip(first.steps, second.steps):
        if a[0] == "leaf" and a[1] is not b[1]:
            return "the step hands gradients to a Tensor it made itself (a leaf that is not a parameter)"
        if a[0] != b[0] or not all(x is y or same(x, y) for x, y in zip(a[1:], b[1:])):
            return f"two runs of the step differ at a {a[0]} call ({getattr(a[1], '__name__', a[0])})"
    if first.constants.keys() != second.constants.keys():
        return "two runs of the step read different arrays"
    for slot, (tensor, copy) in second.constants.items():
        if persistent(first, second, slot):
            continue
        if not same(copy, first.constants[slot][1]) or not same(copy, second.values[slot]):
            return ("the step reads an array it computed outside the ops, or changes one in place "
                    f"(shape {tuple(copy.shape)})")
    return None

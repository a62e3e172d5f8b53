"""``minigan.trace()``: watch the backward pass one op at a time.

It prints one line per backward call, in the order the engine runs them (children before
parents, the reverse topological order of minigan/autograd/engine.py):

    >>> import minigan
    >>> x = minigan.tensor([[1.0, 2, 3, 4]] * 3, requires_grad=True)
    >>> with minigan.trace(timing=False) as log:
    ...     (x * x * 2.0).sum().backward()
    Sum#1                (3, 4) -> ()                         grad norm 1
    Mul#1                (3, 4), () -> (3, 4)                 grad norm 3.464
    Mul#2                (3, 4), (3, 4) -> (3, 4)             grad norm 6.928
    leaf#1               (3, 4) receives its gradient         grad norm 37.95
    >>> [record.name for record in log.records]
    ['Sum#1', 'Mul#1', 'Mul#2', 'leaf#1']

Each line gives the op and its instance (``Mul#2`` is the second Mul whose backward ran in this
pass), the shapes of its inputs (the gradients backward returns have these shapes), the shape
of its output (that of the gradient arriving, ``grad_output``), the L2 norm of that arriving
gradient, ``[fused Linear+relu]`` for a fused op (see ``minigan.fusion``), the output's value
with ``values=True`` and, unless ``timing=False``, the time its backward took. A leaf (or a
``Parameter``) that receives a gradient gets a line too, with the norm of what it received.
The block yields a :class:`TraceLog` whose ``records`` hold the same facts, one
:class:`TraceRecord` per line.

Traces nest: every trace active in a thread sees every backward call made in that thread (a
trace in one thread does not see another thread's calls). It works for ``Tensor.backward()``
and ``minigan.grad()``, with or without ``create_graph``. When no trace is active the engine
pays one look-up per backward pass.
"""
from __future__ import annotations

import contextlib
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import IO, Any, Iterator

import numpy as np

from ..backends import to_numpy

__all__ = ["trace", "TraceLog", "TraceRecord", "active_tracer", "summarize"]


def summarize(array: Any) -> str:
    """A value in a few characters: a scalar as itself (``-0.5``), an array as its first three
    entries and its L2 norm (``[1, 2, 3, …] norm 5.477``)."""
    values = np.asarray(array if isinstance(array, np.ndarray) else to_numpy(array), dtype=np.float64)
    if values.size == 1:
        return f"{values.item():.4g}"
    flat = values.reshape(-1)
    head = ", ".join(f"{v:.4g}" for v in flat[:3]) + (", …" if flat.size > 3 else "")
    return f"[{head}] norm {_norm(flat):.4g}"


@dataclass(frozen=True)
class TraceRecord:
    """One backward call: the op, its input and output shapes, the norm of the gradient that
    arrived at its output, and the seconds its backward took. ``number`` tells instances of one
    op apart within a backward pass (``Mul#2`` is the second Mul whose backward ran; 0: none);
    ``fused`` names what a fused op stands for (``Linear+relu``), ``value`` summarises its output
    (``trace(values=True)``). A leaf that receives a gradient has ``kind`` "leaf" (or
    "Parameter"), no input shapes, its own shape as ``output_shape`` and the norm of the
    gradient it received."""

    op: str
    input_shapes: tuple[tuple[int, ...], ...]
    output_shape: tuple[int, ...]
    grad_norm: float
    seconds: float
    number: int = 0
    kind: str = "op"
    fused: str = ""
    value: str = ""

    @property
    def name(self) -> str:
        """``Mul#3``: the op and its instance number."""
        return f"{self.op}#{self.number}" if self.number else self.op

    def line(self, timing: bool = True, values: bool = False) -> str:
        """The record as :func:`trace` prints it."""
        if self.kind == "op":
            inputs = ", ".join(str(shape) for shape in self.input_shapes)
            middle = inputs + " -> " + str(self.output_shape)
        else:
            middle = f"{self.output_shape} receives its gradient"
        text = f"{self.name:<20} {middle:<36} grad norm {self.grad_norm:<10.4g}"
        if self.fused:
            text += f" [fused {self.fused}]"
        if values and self.value:
            text += f" value {self.value}"
        if timing and self.kind == "op":
            text += f" {self.seconds * 1e3:8.3f} ms"
        return text.rstrip()


@dataclass
class TraceLog:
    """What one ``with minigan.trace()`` block saw: ``records``, in the order the calls ran
    (the ops' backward calls and the leaves that received gradients)."""

    records: list[TraceRecord] = field(default_factory=list)
    file: Any = None
    timing: bool = True
    values: bool = False

    @property
    def ops(self) -> list[TraceRecord]:
        """The records of backward calls (not leaves)."""
        return [r for r in self.records if r.kind == "op"]

    @property
    def leaves(self) -> list[TraceRecord]:
        """The records of the leaves that received gradients."""
        return [r for r in self.records if r.kind != "op"]

    def _add(self, record: TraceRecord) -> None:
        self.records.append(record)
        if self.file is not False:
            print(record.line(self.timing, self.values), file=sys.stdout if self.file is None else self.file)


class _ThreadTraces(threading.local):
    def __init__(self) -> None:
        self.logs: list[TraceLog] = []  # the traces active in this thread, outermost first
        self.passes: list[tuple[dict[str, int], dict[int, int]]] = []  # per running pass: counts, numbers


_traces = _ThreadTraces()


class _Tracer:
    """What the engine calls while a trace is active: ``start``/``finish`` around a backward
    pass (numbering restarts with each pass; passes may nest, as a fused op's create_graph
    backward runs one inside another), ``backward`` in place of ``function.backward(ctx,
    grad)``, and ``leaf`` when a leaf receives its gradient."""

    @staticmethod
    def start() -> None:
        _traces.passes.append(({}, {}))

    @staticmethod
    def finish() -> None:
        _traces.passes.pop()

    @staticmethod
    def _number(name: str, key: int) -> int:
        if not _traces.passes:
            return 0
        counts, numbers = _traces.passes[-1]
        if key not in numbers:
            counts[name] = numbers[key] = counts.get(name, 0) + 1
        return numbers[key]

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        """Run one Function's backward as the engine would, and tell every active trace about it."""
        start = time.perf_counter()
        input_grads = ctx.function.backward(ctx, grad)
        seconds = time.perf_counter() - start
        name = ctx.function.__name__
        fused = getattr(ctx.function, "fuses", "")
        if fused and ctx.options.get("activation", "none") != "none":
            fused += "+" + ctx.options["activation"]
        output = ctx._output_ref() if any(log.values for log in _traces.logs) else None
        _tell(TraceRecord(
            op=name, input_shapes=tuple(tuple(t.shape) for t in ctx.inputs), output_shape=tuple(grad.shape),
            grad_norm=_norm(grad.array), seconds=seconds, number=_Tracer._number(name, id(ctx)), fused=fused,
            value=summarize(output.array) if output is not None else "",
        ))
        return input_grads

    @staticmethod
    def leaf(tensor: Any, grad: Any) -> None:
        kind = "Parameter" if tensor.is_parameter else "leaf"
        _tell(TraceRecord(
            op=kind, input_shapes=(), output_shape=tuple(tensor.shape), grad_norm=_norm(grad.array), seconds=0.0,
            number=_Tracer._number(kind, id(tensor)), kind=kind,
            value=summarize(tensor.array) if any(log.values for log in _traces.logs) else "",
        ))


def _tell(record: TraceRecord) -> None:
    for log in list(_traces.logs):
        log._add(record)


def active_tracer() -> Any:
    """What the engine calls around and in place of ``function.backward(ctx, grad)`` (see
    :class:`_Tracer`) while a trace is active in this thread, else None."""
    return _Tracer if _traces.logs else None


def _norm(array: Any) -> float:
    values = np.asarray(to_numpy(array), dtype=np.float64)
    return float(np.sqrt(np.sum(values * values)))


@contextlib.contextmanager
def trace(file: IO[str] | None | bool = None, timing: bool = True, values: bool = False) -> Iterator[TraceLog]:
    """Log every backward call made inside the block, and every leaf that receives a gradient
    (see the module docstring).

    ``file``: where the lines go (default ``sys.stdout``; ``False`` prints nothing, the records
    are still kept). ``timing=False`` leaves the time out of the printed lines, so that they are
    the same on every run (the records keep it). ``values=True`` adds each op's output value and
    each leaf's value, summarised (a scalar, or three entries and the norm).
    """
    if not (file is None or file is False or hasattr(file, "write")):
        raise TypeError(f"trace: file must be a writable text stream, None or False, got {type(file).__name__}")
    log = TraceLog(file=file, timing=bool(timing), values=bool(values))
    _traces.logs.append(log)
    try:
        yield log
    finally:
        _traces.logs.remove(log)

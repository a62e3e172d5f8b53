"""``minigan.trace()``: watch the backward pass one op at a time.

It prints one line per backward call, in the order the engine runs them (children before
parents, the reverse topological order of minigan/autograd/engine.py):

    >>> import minigan
    >>> x = minigan.tensor([[1.0, 2, 3, 4]] * 3, requires_grad=True)
    >>> with minigan.trace(timing=False) as log:
    ...     (x * x).sum().backward()
    Sum               (3, 4) -> ()                         grad norm 1
    Mul               (3, 4), (3, 4) -> (3, 4)             grad norm 3.464
    >>> [record.op for record in log.records]
    ['Sum', 'Mul']

Each line gives the op, the shapes of its inputs (the gradients backward returns have these
shapes), the shape of its output (that of the gradient arriving, ``grad_output``), the L2 norm
of that arriving gradient, and, unless ``timing=False``, the time its backward took. The block
yields a :class:`TraceLog` whose ``records`` hold the same facts, one :class:`TraceRecord` per call.

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

__all__ = ["trace", "TraceLog", "TraceRecord", "active_tracer"]


@dataclass(frozen=True)
class TraceRecord:
    """One backward call: the op, its input and output shapes, the norm of the gradient that
    arrived at its output, and the seconds its backward took."""

    op: str
    input_shapes: tuple[tuple[int, ...], ...]
    output_shape: tuple[int, ...]
    grad_norm: float
    seconds: float

    def line(self, timing: bool = True) -> str:
        """The record as :func:`trace` prints it."""
        inputs = ", ".join(str(shape) for shape in self.input_shapes)
        text = f"{self.op:<17} {inputs + ' -> ' + str(self.output_shape):<36} grad norm {self.grad_norm:<10.4g}"
        if timing:
            text += f" {self.seconds * 1e3:8.3f} ms"
        return text.rstrip()


@dataclass
class TraceLog:
    """What one ``with minigan.trace()`` block saw: ``records``, in the order the calls ran."""

    records: list[TraceRecord] = field(default_factory=list)
    file: Any = None
    timing: bool = True

    def _add(self, record: TraceRecord) -> None:
        self.records.append(record)
        if self.file is not False:
            print(record.line(self.timing), file=sys.stdout if self.file is None else self.file)


class _ThreadTraces(threading.local):
    def __init__(self) -> None:
        self.logs: list[TraceLog] = []  # the traces active in this thread, outermost first


_traces = _ThreadTraces()


def active_tracer() -> Any:
    """What the engine calls in place of ``function.backward(ctx, grad)``: the traced backward
    while a trace is active in this thread, else None."""
    return _traced_backward if _traces.logs else None


def _traced_backward(ctx: Any, grad: Any) -> Any:
    """Run one Function's backward as the engine would, and tell every active trace about it."""
    start = time.perf_counter()
    input_grads = ctx.function.backward(ctx, grad)
    seconds = time.perf_counter() - start
    record = TraceRecord(
        op=ctx.function.__name__,
        input_shapes=tuple(tuple(t.shape) for t in ctx.inputs),
        output_shape=tuple(grad.shape),
        grad_norm=_norm(grad.data),
        seconds=seconds,
    )
    for log in list(_traces.logs):
        log._add(record)
    return input_grads


def _norm(array: Any) -> float:
    values = np.asarray(to_numpy(array), dtype=np.float64)
    return float(np.sqrt(np.sum(values * values)))


@contextlib.contextmanager
def trace(file: IO[str] | None | bool = None, timing: bool = True) -> Iterator[TraceLog]:
    """Log every backward call made inside the block (see the module docstring).

    ``file``: where the lines go (default ``sys.stdout``; ``False`` prints nothing, the records
    are still kept). ``timing=False`` leaves the time out of the printed lines, so that they are
    the same on every run (the records keep it).
    """
    if not (file is None or file is False or hasattr(file, "write")):
        raise TypeError(f"trace: file must be a writable text stream, None or False, got {type(file).__name__}")
    log = TraceLog(file=file, timing=bool(timing))
    _traces.logs.append(log)
    try:
        yield log
    finally:
        _traces.logs.remove(log)

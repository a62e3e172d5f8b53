"""The replay, on arrays, of the backward of the small ops a GAN loss is written with: Add, Sub,
Mul and Neg (with or without a broadcast constant), Mean and ReLU. With these, the hinge, WGAN
and LSGAN losses replay with no Context and no Tensor, as the fused BCE does (kernels.py).

Each op's own backward is written with other ops: ``unbroadcast`` (minigan/autograd/function.py)
is a Sum and a Reshape, Mean's backward a Reshape, a BroadcastTo and a Div by the count, ReLU's
the formula ``relu_backward`` (minigan/formulas.py) on Tensors. The replay runs the same steps
on the arrays: each of those ops' own ``forward``, and the formula bound to the array's
namespace, in the same order and with the same constants, so the bits are the eager step's.
The axes, shapes and constants are worked out once, from the capture, with the helpers the ops
themselves use (``summed_axes``, ``kept_shape``, ``reduced_count``). The arrays are a batch of
logits or less, so each replay allocates them afresh, as the eager step does.

A gradient the op's backward returns for an input that needs none (the constant of ``1 - r``)
is dropped by the engine; the replay does not compute it unless a later step reads it.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from minigan.autograd import summed_axes
from minigan.ops import Add, BroadcastTo, Div, Mean, Mul, Neg, ReLU, Reshape, Sub, Sum
from minigan.ops.reductions import kept_shape, reduced_count

from .kernels import Buffers, Run

__all__ = ["BACKWARDS"]


def _array(data: Any) -> Any:
    """A 0-d array for a NumPy scalar, as ``Function.apply`` makes of a forward's result."""
    return np.asarray(data) if isinstance(data, np.generic) else data


def _unbroadcast(grad_shape: tuple[int, ...], shape: tuple[int, ...]) -> Callable[[Any], Any] | None:
    """``unbroadcast(g, shape)`` on arrays, for a gradient of ``grad_shape``: Sum's forward over
    the broadcast axes (keeping them), then Reshape's; None when it returns g itself."""
    shape = tuple(shape)
    if tuple(grad_shape) == shape:
        return None
    axes = summed_axes(tuple(grad_shape), shape)
    if not axes:
        return lambda g: Reshape.forward(None, g, shape)
    return lambda g: Reshape.forward(None, _array(Sum.forward(None, g, axes, True)), shape)


def _on_arrays(buffers: Buffers, *slots: int) -> bool:
    """Whether every slot holds a NumPy array (the CPU backends; other arrays replay the op)."""
    return all(type(buffers.values[slot]) is np.ndarray for slot in slots)


def _wanted(step: tuple[Any, ...], buffers: Buffers) -> list[tuple[int, int]]:
    """(input position, result slot) of each gradient the engine passes on (or a later step reads)."""
    needs, results = step[5], step[6]
    return [(i, slot) for i, slot in enumerate(results)
            if slot is not None and (needs[i] or slot in buffers.readers)]


def add_backward(index: int, forward: tuple[Any, ...], step: tuple[Any, ...], buffers: Buffers) -> Run | None:
    """Add.backward on arrays: each input's gradient is g, summed back over its broadcast axes."""
    _, _, reads, _, grad, _, _ = step
    if not _on_arrays(buffers, grad):
        return None
    shape = np.shape(buffers.values[grad])
    parts = [(slot, _unbroadcast(shape, np.shape(buffers.values[reads[i]]))) for i, slot in _wanted(step, buffers)]

    def run(buf: list[Any]) -> None:
        g = buf[grad]
        for slot, undo in parts:
            buf[slot] = g if undo is None else undo(g)
    return run


def sub_backward(index: int, forward: tuple[Any, ...], step: tuple[Any, ...], buffers: Buffers) -> Run | None:
    """Sub.backward on arrays: g for a, Neg's forward of g for b, each summed back over its broadcast axes."""
    _, _, reads, _, grad, _, _ = step
    if not _on_arrays(buffers, grad):
        return None
    shape = np.shape(buffers.values[grad])
    parts = [(i, slot, _unbroadcast(shape, np.shape(buffers.values[reads[i]]))) for i, slot in _wanted(step, buffers)]

    def run(buf: list[Any]) -> None:
        g = buf[grad]
        for i, slot, undo in parts:
            part = g if i == 0 else _array(Neg.forward(None, g))
            buf[slot] = part if undo is None else undo(part)
    return run


def mul_backward(index: int, forward: tuple[Any, ...], step: tuple[Any, ...], buffers: Buffers) -> Run | None:
    """Mul.backward on arrays: Mul's forward of g and the other input, summed back over broadcast axes."""
    _, _, reads, _, grad, _, _ = step
    if not _on_arrays(buffers, grad, *reads):
        return None
    shape = np.broadcast_shapes(*(np.shape(buffers.values[slot]) for slot in reads))
    parts = [(reads[1 - i], slot, _unbroadcast(shape, np.shape(buffers.values[reads[i]])))
             for i, slot in _wanted(step, buffers)]

    def run(buf: list[Any]) -> None:
        g = buf[grad]
        for other, slot, undo in parts:
            part = _array(Mul.forward(None, g, buf[other]))
            buf[slot] = part if undo is None else undo(part)
    return run


def neg_backward(index: int, forward: tuple[Any, ...], step: tuple[Any, ...], buffers: Buffers) -> Run | None:
    """Neg.backward on arrays: Neg's forward of g."""
    _, _, _, _, grad, _, (result,) = step
    if result is None or not _on_arrays(buffers, grad):
        return None

    def run(buf: list[Any]) -> None:
        buf[result] = _array(Neg.forward(None, buf[grad]))
    return run


def mean_backward(index: int, forward: tuple[Any, ...], step: tuple[Any, ...], buffers: Buffers) -> Run | None:
    """Mean.backward on arrays: g with the reduced axes put back (Reshape's, then BroadcastTo's
    forward), then Div's forward by the count, a constant of g's dtype as ``g / float(n)`` makes it."""
    options = forward[2]
    _, _, (x,), _, grad, _, (result,) = step
    if result is None or not _on_arrays(buffers, grad, x):
        return None
    shape, axes = np.shape(buffers.values[x]), options["axes"]
    kept = None if options["keepdims"] else kept_shape(shape, axes)
    grad_value = buffers.values[grad]
    count = buffers.backend(grad).asarray(float(reduced_count(shape, axes)), dtype=grad_value.dtype)
    reshape = kept is not None and kept != np.shape(grad_value)  # as the Tensor reshape and broadcast_to skip a no-op
    broadcast = (np.shape(grad_value) if kept is None else kept) != shape

    def run(buf: list[Any]) -> None:
        g = buf[grad]
        if reshape:
            g = Reshape.forward(None, g, kept)
        if broadcast:
            g = BroadcastTo.forward(None, g, shape)
        buf[result] = _array(Div.forward(None, g, count))
    return run


def relu_backward(index: int, forward: tuple[Any, ...], step: tuple[Any, ...], buffers: Buffers) -> Run | None:
    """ReLU.backward on arrays: the formula relu_backward(g, y) bound to the array's namespace."""
    _, _, _, y, grad, _, (result,) = step
    if result is None or not _on_arrays(buffers, grad, y):
        return None
    backward = buffers.backend(y).F.relu_backward

    def run(buf: list[Any]) -> None:
        buf[result] = _array(backward(buf[grad], buf[y], 0))
    return run


BACKWARDS: dict[type, Callable[..., Run | None]] = {
    Add: add_backward, Sub: sub_backward, Mul: mul_backward, Neg: neg_backward, Mean: mean_backward,
    ReLU: relu_backward,
}

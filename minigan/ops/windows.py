"""``Tensor.unfold(dimension, size, step)``, as PyTorch's: the windows of ``size`` elements along
``dimension``, ``step`` apart, as a new last dimension (not ``F.unfold``, the image patches of
minigan/ops/unfold.py). On the CPU the result is a view of the input, as PyTorch's (it shares the
input's memory and version counter); the gradient of an element sums over every window that holds
it, one scatter-add of the integer-array index that picks the windows."""
from __future__ import annotations

import builtins
import numbers
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.arguments import wrap_dim
from ..autograd.function import Context, Function
from ..backends import backend_of
from .operands import _xp
from .shape import ScatterAdd, permute


class Windows(Function):
    """f = a's windows along ``axis`` (``size`` long, ``step`` apart) on a new last dimension;
    df/da = each window's gradient added back where its elements came from."""

    saved_inputs = ()  # backward reads no input value
    view_of = 0

    @staticmethod
    def forward(ctx: Context, a: Any, axis: int, size: int, step: int) -> Any:
        if type(a) is not np.ndarray:  # another backend: a copy, picked by the windows' index
            picked = backend_of(a).take(a, _window_index(a, axis, size, step))
            return _xp(a).permute_dims(picked, _last(picked.ndim, axis + 1))
        stride = a.strides[axis]
        shape = a.shape[:axis] + ((a.shape[axis] - size) // step + 1,) + a.shape[axis + 1:] + (size,)
        strides = a.strides[:axis] + (stride * step,) + a.strides[axis + 1:] + (stride,)
        # overlapping windows stay read-only: a write through one would change its neighbours
        return np.lib.stride_tricks.as_strided(a, shape, strides, writeable=step >= size)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        a, axis, size, step = ctx.inputs[0], ctx.options["axis"], ctx.options["size"], ctx.options["step"]
        back = list(range(grad.ndim - 1))
        back.insert(axis + 1, grad.ndim - 1)  # each window's elements back next to the window's number
        index = _window_index(a.array, axis, size, step)
        return (ScatterAdd.apply(permute(grad, back), index=index, advanced=True, shape=a.shape),)


def _window_index(a: Any, axis: int, size: int, step: int) -> tuple[Any, ...]:
    """The index that picks the windows, each window's elements on the dimension after ``axis``."""
    starts = np.arange((a.shape[axis] - size) // step + 1) * step
    windows = backend_of(a).asarray(starts[:, None] + np.arange(size)[None, :])
    return (slice(None),) * axis + (windows, Ellipsis)


def _last(ndim: int, axis: int) -> tuple[int, ...]:
    """The permutation that moves dimension ``axis`` to the end."""
    return tuple(d for d in range(ndim) if d != axis) + (axis,)


def unfold_windows(input: Tensor, dimension: int, size: int, step: int) -> Tensor:  # noqa: A002
    """The windows ``input[..., i*step : i*step + size, ...]`` along ``dimension`` for i = 0 ...
    (length - size) // step, stacked on that dimension, each window's elements on a new last one."""
    for name, number in (("size", size), ("step", step)):
        if isinstance(number, builtins.bool) or not isinstance(number, numbers.Integral):
            raise TypeError(f"unfold(): argument '{name}' must be an int, not {type(number).__name__}")
    axis = wrap_dim(dimension, input.ndim)
    length = input.shape[axis] if input.ndim else 1
    if size > length:
        raise RuntimeError(f"maximum size for tensor at dimension {axis} is {length} but size is {size}")
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    if input.ndim == 0:  # a 0-d tensor has one window, of its one value, and no other dimension
        return input.reshape((1,))
    return Windows.apply(input, axis=axis, size=size, step=step)

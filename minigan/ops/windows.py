"""``Tensor.unfold(dimension, size, step)``, as PyTorch's: the windows of ``size`` elements along
``dimension``, ``step`` apart, as a new last dimension (not ``F.unfold``, the image patches of
minigan/ops/unfold.py). Built from one integer-array index, so the gradient of an element sums
over every window that holds it."""
from __future__ import annotations

import builtins
import numbers

import numpy as np

from ..autograd import Tensor
from ..autograd.arguments import wrap_dim
from ..backends import backend_of
from .shape import GetItem, permute


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
    starts = np.arange((length - size) // step + 1) * step
    windows = backend_of(input.array).asarray(starts[:, None] + np.arange(size)[None, :])
    picked = GetItem.apply(input, index=(slice(None),) * axis + (windows, Ellipsis), advanced=True)
    order = tuple(d for d in range(picked.ndim) if d != axis + 1) + (axis + 1,)
    return permute(picked, order) if axis + 1 != picked.ndim - 1 else picked

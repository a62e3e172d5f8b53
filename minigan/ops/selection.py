"""Two picks by position, as PyTorch's: ``index_fill`` (a value written into the slices along ``dim``
that ``index`` names) and ``masked_select`` (the elements where a broadcast bool mask holds, as a
1-D tensor). Both are built from ``where`` and indexing, whose backward passes already exist: the
filled places get no gradient (the value, a 0-d tensor, gets their sum), and ``masked_select``'s
gradient goes back to the picked places."""
from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.arguments import wrap_dim
from ..backends import backend_of
from .elementwise import where
from .operands import _check_broadcast
from .reorder import _fill_value
from .shape import broadcast_to, getitem
from ..torch_api.out_argument import takes_out


def index_fill(input: Tensor, dim: int, index: Any, value: Any) -> Tensor:  # noqa: A002
    """``input`` with ``value`` (a number or a 0-d tensor) in the slices along ``dim`` at ``index``
    (an int64 tensor of at most one dimension; negative positions count from the end), as
    ``torch.index_fill``."""
    raw = index.array if isinstance(index, Tensor) else index
    if not hasattr(raw, "dtype") or backend_of(raw).numpy_dtype(raw.dtype) != np.int64:
        raise IndexError("index_fill_(): Expected dtype int64 for index.")
    if raw.ndim > 1:
        raise RuntimeError(f"index_fill_(): Index has to be a vector/scalar, got {raw.ndim} dimensions")
    axis = wrap_dim(dim, input.ndim)
    size = input.shape[axis] if input.ndim else 1
    backend = backend_of(input.array)
    xp = backend.xp
    flat = xp.reshape(backend.asarray(raw), (-1, 1))
    if flat.shape[0]:
        low, high = builtins.int(xp.min(flat)), builtins.int(xp.max(flat))
        if low < -size or high >= size:
            raise IndexError(f"index {low if low < -size else high} is out of bounds for dimension {axis} with size "
                             f"{size}")
    positions = xp.reshape(xp.arange(size, device=flat.device), (1, -1))
    chosen = xp.any((flat == positions) | (flat + size == positions), axis=0)  # one bool per slice along dim
    mask = xp.reshape(chosen, (size,) + (1,) * (input.ndim - axis - 1)) if input.ndim else xp.reshape(chosen, ())
    return where(mask, _fill_value("index_fill_", input, value), input)


@takes_out
def masked_select(input: Tensor, mask: Any) -> Tensor:  # noqa: A002
    """The elements of ``input`` where ``mask`` (a bool tensor) holds, both broadcast to one shape, in
    row-major order, as a 1-D tensor (``torch.masked_select``); the gradient goes back to them."""
    raw = mask.array if isinstance(mask, Tensor) else mask
    if not hasattr(raw, "dtype") or backend_of(raw).numpy_dtype(raw.dtype) != np.bool_:
        kind = backend_of(raw).numpy_dtype(raw.dtype) if hasattr(raw, "dtype") else type(raw).__name__
        raise RuntimeError(f"masked_select: expected BoolTensor for mask, got {kind}")
    if tuple(raw.shape) != input.shape:
        _check_broadcast("masked_select", input, raw)
    shape = np.broadcast_shapes(input.shape, tuple(raw.shape))
    xp = backend_of(input.array).xp
    picked = getitem(broadcast_to(input, shape), xp.broadcast_to(backend_of(input.array).asarray(raw), shape))
    return picked.reshape((-1,))

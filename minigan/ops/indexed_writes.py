"""Writes into a copy of a tensor along one dimension, as PyTorch's: ``index_add``, ``index_copy`` and
``index_reduce`` (the slices of ``source`` along ``dim`` go to the slices of ``input`` that ``index``
names), and the one step under them and minigan/ops/scatter_writes.py, :func:`write_at`.

No new op: each write is made of ``ScatterReduce`` (minigan/ops/scatter_reduce.py) or ``ScatterAdd``
and ``where`` (minigan/ops/shape.py, elementwise.py), so the gradients are theirs. An added value
passes the gradient on to both (``index_add``: ``source`` gets ``grad.index_select(dim, index) * alpha``);
a copied value takes the gradient of its place, and the place's old value gets none. Where one
place is named twice, additions add up; of two copies the last stays (PyTorch leaves that order
undefined) and only it gets a gradient.

The positions are worked out on the host, in NumPy, from the index (as minigan/ops/shape_picks.py
does): the flat position in ``input`` of each element of ``source``.
"""
from __future__ import annotations

import builtins
import math
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.arguments import no_dimensions, tensor_argument, wrap_dim
from ..autograd.legacy import scalar_type_name
from ..backends import backend_of, to_numpy
from .elementwise import where
from .scatter_reduce import ScatterReduce
from .shape import GetItem, ScatterAdd

INDEX_REDUCES = ("prod", "mean", "amax", "amin")


def write_at(input: Tensor, positions: Any, values: Tensor, accumulate: bool) -> Tensor:  # noqa: A002
    """``input`` with ``values`` (a Tensor of ``input``'s dtype and of ``positions``' shape) added
    (``accumulate``) or copied to the flat ``positions`` (a NumPy integer array, each in
    [0, input.numel())). Of two copies to one place the last stays."""
    backend = backend_of(input.array)
    flat = input.reshape((-1,))
    positions = np.asarray(positions, dtype=np.int64)
    if accumulate:
        out = ScatterReduce.apply(flat, values, places=(backend.asarray(positions),), reduce="sum",
                                  include_self=True)
        return out.reshape(input.shape)
    positions, values = _last_writes(positions, values)
    written = np.zeros(flat.shape, dtype=np.bool_)
    written[positions] = True
    placed = ScatterAdd.apply(values, index=(backend.asarray(positions),), advanced=True, shape=flat.shape)
    return where(backend.asarray(written), placed, flat).reshape(input.shape)


def _last_writes(positions: np.ndarray, values: Tensor) -> tuple[np.ndarray, Tensor]:
    """The positions (flat) and values with only the last write to each place kept."""
    flat = positions.reshape(-1)
    values = values.reshape((-1,))
    _, first_from_end = np.unique(flat[::-1], return_index=True)
    if first_from_end.size == flat.size:
        return flat, values
    keep = np.sort(flat.size - 1 - first_from_end)
    return flat[keep], GetItem.apply(values, index=(backend_of(values.array).asarray(keep),), advanced=True)


def _index_positions(input: Tensor, axis: int, index: np.ndarray, source_shape: tuple[int, ...]) -> np.ndarray:
    """The flat position in ``input`` of each element of a source of ``source_shape`` whose slices
    along ``axis`` go to the slices ``index`` names."""
    shape = input.shape or (1,)
    grid = np.arange(math.prod(shape), dtype=np.int64).reshape(shape)
    return np.broadcast_to(np.take(grid, index, axis=axis), source_shape)


# ============================================================== index_add and index_reduce
def _checked_along(name: str, input: Tensor, dim: Any, index: Any, source: Any, out_of_range: Any,  # noqa: A002
                   ) -> tuple[int, np.ndarray, Tensor]:
    """PyTorch's checks of ``index_add`` and ``index_reduce``, in its order; the dim, the index (1-D,
    on the host) and the source (1-D for a 0-d one)."""
    api = name.rstrip("_")
    index = tensor_argument(api, "index", 3, index)
    source = tensor_argument(api, "source", 4, source)
    axis = wrap_dim(dim, input.ndim)
    if index.ndim > 1:
        raise IndexError(f"{name}(): Index is supposed to be a vector, but got dim: {index.ndim} with type: "
                         f"{scalar_type_name(index.dtype)} and size: {list(index.shape)}")
    if index.dtype not in (np.int32, np.int64):
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index but got: {scalar_type_name(index.dtype)}")
    if source.dtype != input.dtype:
        raise RuntimeError(f"{name}(): self ({scalar_type_name(input.dtype)}) and source "
                           f"({scalar_type_name(source.dtype)}) must have the same scalar type")
    count = index.numel()
    if count != (source.shape[axis] if source.ndim else 1):
        if source.ndim == 0:  # PyTorch's message reads source.size(dim), which a 0-d source lacks
            raise no_dimensions(dim)
        raise RuntimeError(f"{name}(): Number of indices ({count}) should be equal to source.size(dim): "
                           f"({source.shape[axis]}), for dim: {dim}")
    if source.ndim != input.ndim or builtins.any(a != b for d, (a, b) in enumerate(zip(input.shape, source.shape))
                                                 if d != axis):
        raise RuntimeError("source tensor shape must match self tensor shape, excluding the specified dimension. "
                           f"Got self.shape = {list(input.shape)} source.shape = {list(source.shape)}")
    positions = to_numpy(index.array).reshape(-1).astype(np.int64)
    size = input.shape[axis] if input.ndim else 1
    bad = positions[(positions < 0) | (positions >= size)]
    if bad.size and out_of_range is not None:
        raise out_of_range(builtins.int(bad[0]), axis, size)
    return axis, positions, source.reshape((1,)) if source.ndim == 0 else source


def _index_add_range(input: Tensor, index: Any) -> Any:  # noqa: A002
    """PyTorch's error for an index out of range in ``index_add``: it depends on the kernel taken."""
    if input.ndim <= 1 or index.dtype == np.int32:
        return lambda i, axis, size: IndexError("index out of range in self")
    return lambda i, axis, size: RuntimeError(f"index {i} is out of bounds for dimension {axis} with size {size}")


def index_add(input: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha: Any = 1) -> Tensor:  # noqa: A002
    """``input`` with ``alpha * source`` added: slice i of ``source`` along ``dim`` to slice
    ``index[i]`` of ``input`` (once per time an index repeats), as ``torch.index_add``. ``index`` is an
    int64 or int32 tensor of at most one dimension; ``source`` has ``input``'s dtype and shape but
    ``len(index)`` along ``dim``. Differentiable with respect to ``input`` and ``source``."""
    out_of_range = _index_add_range(input, index) if isinstance(index, Tensor) else None
    axis, positions, source = _checked_along("index_add_", input, dim, index, source,
                                             out_of_range if input.numel() else None)
    if input.numel() == 0:  # nothing is read or written: PyTorch checks no position
        return input.clone()
    if isinstance(alpha, Tensor):
        alpha = alpha.item()
    if input.dtype == np.bool_:
        alpha = builtins.bool(alpha)
        if not alpha:
            return write_at(input, np.zeros((0,), np.int64), source.reshape((-1,))[:0], True)
    elif input.dtype.kind in "iu":
        alpha = builtins.int(alpha)  # PyTorch casts alpha to the tensor's dtype (toward zero)
    values = source if alpha == 1 or isinstance(alpha, builtins.bool) else source * alpha
    return write_at(input, _index_positions(input, axis, positions, source.shape), values, True)


def index_reduce(input: Tensor, dim: int, index: Tensor, source: Tensor, reduce: str, *,  # noqa: A002
                 include_self: bool = True) -> Tensor:
    """``input`` with the slices of ``source`` along ``dim`` reduced into the slices ``index`` names:
    each place keeps the product (``"prod"``), mean, maximum (``"amax"``) or minimum (``"amin"``) of
    the values sent to it, and of its own with ``include_self``; a place no index names keeps its
    value. As ``torch.index_reduce`` (``scatter_reduce`` with the index spread over the slices, and
    its gradients: minigan/ops/scatter_reduce.py); an integer mean rounds down."""
    if reduce not in INDEX_REDUCES:
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got {reduce}.")
    axis, positions, source = _checked_along("index_reduce_", input, dim, index, source,
                                             lambda i, axis, size: IndexError("index out of range in self"))
    places = backend_of(input.array).asarray(_index_positions(input, axis, positions, source.shape))
    out = ScatterReduce.apply(input.reshape((-1,)), source, places=(places,), reduce=reduce,
                              include_self=builtins.bool(include_self))
    return out.reshape(input.shape)


# ============================================================== index_copy
def index_copy(input: Tensor, dim: int, index: Tensor, source: Tensor) -> Tensor:  # noqa: A002
    """``input`` with slice i of ``source`` along ``dim`` copied to slice ``index[i]`` (an int64
    tensor of at most one dimension, each once), as ``torch.index_copy``. The gradient goes to
    ``source`` and to the places of ``input`` not written."""
    name = "index_copy_"
    index = tensor_argument("index_copy", "index", 3, index)
    source = tensor_argument("index_copy", "source", 4, source)
    axis = wrap_dim(dim, input.ndim)
    if index.ndim > 1:
        raise IndexError(f"{name}(): Index should have dimension 1 or 0 (got {index.ndim})")
    if index.dtype != np.int64:
        raise RuntimeError(f"{name}(): Expected a long tensor for index, but got {scalar_type_name(index.dtype)}")
    if source.dtype != input.dtype:
        raise RuntimeError(f"{name}(): self and source expected to have the same dtype, but got (self) "
                           f"{scalar_type_name(input.dtype)} and (source) {scalar_type_name(source.dtype)}")
    count = index.numel()
    if input.ndim and source.ndim and input.ndim != source.ndim:
        raise IndexError(f"{name}(): When source and destination are not scalars, their dimensionality must match. "
                         f"Source dimensionality ({source.ndim}), destination dimensionality ({input.ndim})")
    if source.ndim == 0:
        if count != 1:
            raise IndexError(f"{name}(): When source is scalar, index should have one element (got {count})")
        source = source.reshape((1,) * builtins.max(input.ndim, 1))
    work = input if input.ndim else input.reshape((1,))
    if work.ndim == source.ndim:
        mine = work.shape[:axis] + work.shape[axis + 1:]
        theirs = source.shape[:axis] + source.shape[axis + 1:]
        if mine != theirs:
            raise RuntimeError(f"{name}(): Source/destination tensor must have same slice shapes. Destination slice "
                               f"shape: {' '.join(map(str, mine))} at dimension {axis} and source slice shape: "
                               f"{' '.join(map(str, theirs))} at dimension 0.")
    if count != source.shape[axis]:
        raise IndexError(f"{name}(): Number of indices ({count}) should be equal to source.size(dim) "
                         f"({source.shape[axis]})")
    positions = to_numpy(index.array).reshape(-1).astype(np.int64)
    size = work.shape[axis]
    bad = positions[(positions < 0) | (positions >= size)]
    if input.numel() == 0:  # nothing is read or written: PyTorch checks no position
        return input.clone()
    if bad.size:
        raise IndexError(f"{name}(): index {builtins.int(bad[0])} is out of bounds for dimension {axis} with size "
                         f"{size}")
    return write_at(input, _index_positions(work, axis, positions, source.shape), source, False)

"""Writes into a copy of a tensor at the places an index, a mask or a view names, as PyTorch's:
``index_put`` (``x[indices] = values``, or ``+=`` with ``accumulate``), ``put`` (flat positions),
``masked_scatter`` (the elements of ``source``, in order, where a mask holds), ``select_scatter``,
``slice_scatter`` and ``diagonal_scatter`` (``src`` written where ``select``, a slice or
``diagonal`` would read), and the places ``Tensor.fill_diagonal_`` fills.

Each finds the flat positions it writes on the host (NumPy indexing of ``arange(numel)``, so a
mask, a negative index or a broadcast index means what NumPy and PyTorch make it mean) and hands
them to minigan/ops/indexed_writes.py's ``write_at``: the gradients are those of the ops it is
made of (the written values get the gradient of their places; the old values there get none, or
all of it with ``accumulate``).
"""
from __future__ import annotations

import builtins
import math
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.arguments import tensor_argument, tensor_sequence, wrap_dim
from ..autograd.legacy import scalar_type_name
from ..backends import backend_of, to_numpy
from ..torch_api.unsupported import UnsupportedFeatureError
from .elementwise import cast, where
from .indexed_writes import write_at
from .operands import broadcast_pair
from .reorder import _fill_value
from .shape import broadcast_to


def _grid(shape: tuple[int, ...]) -> np.ndarray:
    """The flat position of every element of a tensor of ``shape``."""
    return np.arange(math.prod(shape), dtype=np.int64).reshape(shape)


# ============================================================== index_put
def _index_arrays(shape: tuple[int, ...], indices: Any) -> tuple[np.ndarray, ...]:
    """``indices`` (Tensors of int64, int32 or bool) as NumPy arrays, checked as PyTorch's
    ``x[indices]``, in its order: dtypes, the number of indices, each mask's shape and the dims the
    masks and indices reach, and that they broadcast together."""
    ndim = len(shape)
    for item in indices:
        if item.dtype == np.uint8:
            raise UnsupportedFeatureError("index_put: a uint8 index mask (deprecated in PyTorch) is not supported by "
                                          "minigan; use a bool mask")
        if item.dtype != np.bool_ and item.dtype not in (np.int64, np.int32):
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    if len(indices) > ndim:
        raise IndexError(f"too many indices for tensor of dimension {ndim} (got {len(indices)})")
    arrays, dim = [to_numpy(item.array) for item in indices], 0
    for array in arrays:
        for j in range(array.ndim if array.dtype == np.bool_ else 1):
            if dim + j >= ndim:  # a mask spreads over more dims than are left
                raise IndexError(f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], but got "
                                 f"{dim + j})")
            if array.dtype == np.bool_ and array.shape[j] != shape[dim + j]:
                raise IndexError(f"The shape of the mask {list(array.shape)} at index {j} does not match the shape "
                                 f"of the indexed tensor {list(shape)} at index {dim + j}")
        dim += array.ndim if array.dtype == np.bool_ else 1
    spread = [list(part.shape) for a in arrays for part in (a.nonzero() if a.dtype == np.bool_ and a.ndim else (a,))]
    try:
        np.broadcast_shapes(*(tuple(s) for s in spread))
    except ValueError:
        raise IndexError("shape mismatch: indexing tensors could not be broadcast together with shapes "
                         + ", ".join(str(s) for s in spread)) from None
    return tuple(arrays)


def _check_range(shape: tuple[int, ...], arrays: tuple[np.ndarray, ...]) -> None:
    """PyTorch's error for an integer index outside its dim (negative ones count from the end)."""
    dim = 0
    for array in arrays:
        if array.dtype != np.bool_:
            size = shape[dim]
            bad = array[(array < -size) | (array >= size)]
            if bad.size:
                raise IndexError(f"index {builtins.int(bad.flat[0])} is out of bounds for dimension {dim} with size "
                                 f"{size}")
        dim += array.ndim if array.dtype == np.bool_ else 1


def index_put(input: Tensor, indices: Any, values: Tensor, accumulate: bool = False) -> Tensor:  # noqa: A002
    """``input`` with ``values`` (broadcast to the selection) written where ``input[indices]`` reads,
    or added there with ``accumulate`` (once per time an index repeats), as ``torch.index_put``;
    ``indices`` is a tuple of int64, int32 or bool tensors, as in ``x[indices] = values``.
    Differentiable with respect to ``input`` and ``values``."""
    indices = tensor_sequence("index_put", "indices", 2, indices)
    values = tensor_argument("index_put", "values", 3, values)
    if not indices:
        raise IndexError("index_put(): indices must hold at least one index tensor")
    arrays = _index_arrays(input.shape, indices)
    # The selection's shape, without reading it (the range is checked after the values, as PyTorch does)
    picked = _grid(input.shape)[tuple(np.zeros(a.shape, np.int64) if a.dtype != np.bool_ else a for a in arrays)]
    try:
        if np.broadcast_shapes(values.shape, picked.shape) != picked.shape:
            raise ValueError
    except ValueError:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(values.shape)} cannot be broadcast to "
                           f"indexing result of shape {list(picked.shape)}") from None
    if values.dtype != input.dtype:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                           f"{scalar_type_name(input.dtype)} for the destination and {scalar_type_name(values.dtype)} "
                           "for the source.")
    _check_range(input.shape, arrays)
    positions = _grid(input.shape)[arrays]
    return write_at(input, positions, broadcast_to(values, positions.shape), builtins.bool(accumulate))


# ============================================================== put
def put(input: Tensor, index: Tensor, source: Tensor, accumulate: bool = False) -> Tensor:  # noqa: A002
    """``input`` with ``source``'s elements written (or added, with ``accumulate``) at the
    positions ``index`` gives in ``input`` read as one dimension (an int64 tensor of any shape,
    negative positions counting from the end), as ``torch.put``; ``source`` has as many elements
    as ``index``. Differentiable with respect to ``input`` and ``source``."""
    index = tensor_argument("put", "index", 2, index)
    source = tensor_argument("put", "source", 3, source)
    if index.dtype != np.int64:
        raise RuntimeError(f"put_(): Expected a long tensor for index, but got {scalar_type_name(index.dtype)}")
    if source.dtype != input.dtype:
        raise RuntimeError(f"put_(): self and source expected to have the same dtype, but got self.dtype = "
                           f"{scalar_type_name(input.dtype)} and source.dtype = {scalar_type_name(source.dtype)}")
    if source.numel() != index.numel():
        raise IndexError(f"put_(): Expected source and index to have the same number of elements, but got "
                         f"source.numel() = {source.numel()}, index.numel() = {index.numel()}")
    size = input.numel()
    if size == 0 and index.numel():
        raise IndexError("put_(): Tried to put elements into an empty tensor")
    positions = to_numpy(index.array).reshape(-1)
    bad = positions[(positions < -size) | (positions >= size)]
    if bad.size:
        raise IndexError(f"out of range: tried to access index {builtins.int(bad[0])} on a tensor of {size} elements.")
    positions = np.where(positions < 0, positions + size, positions)
    return write_at(input, positions, source.reshape((-1,)), builtins.bool(accumulate))


# ============================================================== masked_scatter
def masked_scatter(input: Tensor, mask: Tensor, source: Tensor) -> Tensor:  # noqa: A002
    """``input`` with the elements of ``source`` (read in row-major order, as many as the mask has
    True values) copied, in order, where ``mask`` (a bool tensor; the two broadcast together) holds,
    as ``torch.masked_scatter``. Differentiable with respect to ``input`` and ``source``."""
    mask = tensor_argument("masked_scatter", "mask", 2, mask)
    source = tensor_argument("masked_scatter", "source", 3, source)
    shape = broadcast_pair(mask.shape, input.shape)
    if source.dtype != input.dtype:
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but got"
                           f"{scalar_type_name(input.dtype)} and {scalar_type_name(source.dtype)}")
    if mask.dtype != np.bool_:
        raise RuntimeError(f"masked_scatter_ only supports boolean masks, but got mask with dtype "
                           f"{scalar_type_name(mask.dtype)}")
    positions = np.flatnonzero(np.broadcast_to(to_numpy(mask.array), shape))
    if source.numel() < positions.size:
        raise RuntimeError("Number of elements of source < number of ones in mask")
    return write_at(broadcast_to(input, shape), positions, source.reshape((-1,))[:positions.size], False)



# ============================================================== select, slice and diagonal scatters
def _copy_into(input: Tensor, positions: np.ndarray, src: Tensor) -> Tensor:  # noqa: A002
    """``input`` with ``src`` (exactly the shape of ``positions``, cast to ``input``'s dtype as
    ``copy_`` casts) at ``positions``."""
    if src.shape != positions.shape:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = {list(src.shape)}, "
                           f"slice size = {list(positions.shape)}")
    return write_at(input, positions, cast(src, input.dtype), False)


def _int_argument(name: str, argument: str, position: int, value: Any) -> int:
    if isinstance(value, Tensor) and value.ndim == 0 and value.dtype.kind in "iu":
        return builtins.int(value.item())
    if isinstance(value, builtins.bool) or not isinstance(value, (builtins.int, np.integer)):
        raise TypeError(f"{name}(): argument '{argument}' (position {position}) must be int, not "
                        f"{type(value).__name__}")
    return builtins.int(value)


def select_scatter(input: Tensor, src: Tensor, dim: int, index: int) -> Tensor:  # noqa: A002
    """``input`` with ``src`` written where ``input.select(dim, index)`` reads (``src`` has that
    shape), as ``torch.select_scatter``; differentiable with respect to both."""
    src = tensor_argument("select_scatter", "src", 2, src)
    index = _int_argument("select_scatter", "index", 4, index)
    if input.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    axis = wrap_dim(dim, input.ndim)
    size = input.shape[axis]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(input.shape)} at dimension "
                         f"{axis}")
    return _copy_into(input, np.take(_grid(input.shape), index % size, axis=axis), src)


def slice_scatter(input: Tensor, src: Tensor, dim: int = 0, start: Any = None, end: Any = None,  # noqa: A002
                  step: int = 1) -> Tensor:
    """``input`` with ``src`` written where ``input``'s slice ``start:end:step`` along ``dim``
    reads (``src`` has that shape), as ``torch.slice_scatter``; differentiable with respect to both."""
    src = tensor_argument("slice_scatter", "src", 2, src)
    if input.ndim == 0:
        raise IndexError("slice() cannot be applied to a 0-dim tensor.")
    axis = wrap_dim(dim, input.ndim)
    step = _int_argument("slice_scatter", "step", 6, step)
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    start = None if start is None else _int_argument("slice_scatter", "start", 4, start)
    end = None if end is None else _int_argument("slice_scatter", "end", 5, end)
    return _copy_into(input, _grid(input.shape)[(slice(None),) * axis + (slice(start, end, step),)], src)


def diagonal_scatter(input: Tensor, src: Tensor, offset: int = 0, dim1: int = 0,  # noqa: A002
                     dim2: int = 1) -> Tensor:
    """``input`` with ``src`` written where ``input.diagonal(offset, dim1, dim2)`` reads (``src``
    has that shape: the other dims, then the diagonal), as ``torch.diagonal_scatter``;
    differentiable with respect to both."""
    src = tensor_argument("diagonal_scatter", "src", 2, src)
    offset = _int_argument("diagonal_scatter", "offset", 3, offset)
    first, second = wrap_dim(dim1, input.ndim), wrap_dim(dim2, input.ndim)
    if first == second:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return _copy_into(input, np.diagonal(_grid(input.shape), offset, first, second), src)


# ============================================================== fill_diagonal_
def diagonal_positions(shape: tuple[int, ...], wrap: bool) -> np.ndarray:
    """The flat positions ``fill_diagonal_`` fills in a tensor of ``shape``: (i, i, ..., i) for
    each i; a tall matrix with ``wrap`` starts again every columns + 1 rows, as PyTorch's (and
    NumPy's ``fill_diagonal``)."""
    if len(shape) < 2:
        raise RuntimeError("dimensions must larger than 1")
    if len(shape) > 2 and builtins.any(n != shape[0] for n in shape):
        raise RuntimeError("all dimensions of input must be of equal length")
    if len(shape) > 2:
        return np.arange(shape[0], dtype=np.int64) * builtins.sum(shape[0] ** k for k in range(len(shape)))
    rows, columns = shape
    end = rows * columns if wrap and rows > columns else builtins.min(rows, columns) * columns
    return np.arange(0, end, columns + 1, dtype=np.int64)


def fill_diagonal(input: Tensor, fill_value: Any, wrap: bool = False) -> Tensor:  # noqa: A002
    """``input`` with ``fill_value`` (a number or a 0-d tensor) on its main diagonal, the values of
    ``Tensor.fill_diagonal_`` (which writes them in place)."""
    if isinstance(fill_value, Tensor) and fill_value.ndim != 0:
        raise TypeError("fill_diagonal_(): argument 'fill_value' (position 1) must be Number, not Tensor")
    filled = np.zeros(input.numel(), dtype=np.bool_)
    filled[diagonal_positions(input.shape, builtins.bool(wrap))] = True
    mask = backend_of(input.array).asarray(filled.reshape(input.shape))
    return where(mask, _fill_value("fill_diagonal_", input, fill_value), input)


def index_put_(input: Tensor, indices: Any, values: Tensor, accumulate: bool = False) -> Tensor:  # noqa: A002
    """:func:`index_put` in place (``torch.index_put_``), under the rules of the other in-place methods."""
    return input.index_put_(indices, values, accumulate)

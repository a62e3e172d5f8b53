"""PyTorch's functions that pick elements by position or along diagonals: ``diff``,
``take_along_dim``, ``take``, ``diagonal``, ``diag_embed``, ``diagflat`` and ``trace``.

None is a new op. They read elements with an integer index (``GetItem``, whose backward adds each
gradient back where it was read), write a diagonal into zeros with its adjoint (``ScatterAdd``),
or subtract shifted slices, so the gradients (and second derivatives) are those ops'. The
diagonals are copies where PyTorch's ``diagonal`` is a view: the values are the same.
"""
from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.arguments import no_dimensions, wrap_dim
from ..autograd.gather_scatter import gather
from ..autograd.legacy import scalar_type_name
from ..backends import backend_of, to_numpy
from ..torch_api.out_argument import write_into
from .elementwise import clone
from .linalg_compositions import diagonal as linalg_diagonal
from .reorder import diag
from .shape import GetItem, ScatterAdd, broadcast_to, cat, movedim
from ..torch_api.out_argument import takes_out


def _int(name: str, argument: str, value: Any) -> int:
    if isinstance(value, builtins.bool) or not isinstance(value, (builtins.int, np.integer)):
        raise TypeError(f"{name}(): argument '{argument}' must be int, not {type(value).__name__}")
    return builtins.int(value)


# ====================================================================== differences
def _padding(input: Tensor, axis: int, which: str, value: Any) -> Tensor:
    """``diff``'s ``prepend`` or ``append``, checked against ``input`` with PyTorch's messages."""
    if not isinstance(value, Tensor):
        raise TypeError(f"diff(): argument '{which}' must be Tensor, not {type(value).__name__}")
    if value.ndim != input.ndim:
        raise RuntimeError("diff expects prepend or append to be the same dimension as input")
    for d, (expected, got) in enumerate(zip(input.shape, value.shape)):
        if d != axis and expected != got:
            raise RuntimeError(f"diff expects the shape of tensor to prepend or append to match that of input except "
                               f"along the differencing dimension; input.size({d}) = {expected}, but got "
                               f"tensor.size({d}) = {got}")
    return value


@takes_out
def diff(input: Tensor, n: int = 1, dim: int = -1, prepend: Tensor | None = None,  # noqa: A002 - PyTorch's name
         append: Tensor | None = None) -> Tensor:
    """The ``n``-th forward difference along ``dim``: out[i] = x[i + 1] - x[i], applied ``n`` times,
    after ``prepend`` and ``append`` are joined to ``input`` along ``dim`` (dtypes promote as
    ``cat``'s), as ``torch.diff``. Bool tensors give x[i + 1] != x[i]; unsigned integers wrap."""
    n = _int("diff", "n", n)
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    if input.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    axis = wrap_dim(dim, input.ndim)
    pieces = [_padding(input, axis, "prepend", prepend)] if prepend is not None else []
    pieces += [input] + ([_padding(input, axis, "append", append)] if append is not None else [])
    if n == 0 and len(pieces) == 1:
        return clone(input)  # a new tensor, as PyTorch's
    x = cat(pieces, axis) if len(pieces) > 1 else input
    lead = (slice(None),) * axis
    for _ in range(n):
        later, earlier = x[lead + (slice(1, None), Ellipsis)], x[lead + (slice(None, -1), Ellipsis)]
        x = later != earlier if x.dtype == np.bool_ else later - earlier
    return x


# ====================================================================== picks by position
def _long_index(name: str, index: Any, message: str) -> Tensor:
    if not isinstance(index, Tensor):
        raise TypeError(f"{name}(): argument 'index' (position 2) must be Tensor, not {type(index).__name__}")
    if index.dtype != np.int64:
        raise RuntimeError(message + scalar_type_name(index.dtype))
    return index


def _wrapped(index: Tensor, size: int, out_of_range: Any) -> Any:
    """``index`` (int64) as a NumPy array with negative positions counted from the end; a position
    outside [-size, size) raises ``out_of_range(position)``."""
    positions = to_numpy(index.array)
    bad = positions[(positions < -size) | (positions >= size)]
    if bad.size:
        raise out_of_range(builtins.int(bad.flat[0]))
    return np.where(positions < 0, positions + size, positions)


def take(input: Tensor, index: Tensor) -> Tensor:  # noqa: A002
    """The elements of ``input``, read as one dimension, at ``index`` (an int64 tensor; negative
    positions count from the end), in ``index``'s shape, as ``torch.take``."""
    index = _long_index("take", index, "take(): Expected a long tensor for index, but got ")
    size = input.numel()
    if size == 0 and index.numel():
        raise IndexError("take(): tried to take from an empty tensor")
    positions = _wrapped(index, size, lambda i: IndexError(
        f"out of range: tried to access index {i} on a tensor of {size} elements."))
    return GetItem.apply(input.reshape((-1,)), index=(backend_of(input.array).asarray(positions),), advanced=True)


def take_along_dim(input: Tensor, indices: Tensor, dim: int | None = None, *,  # noqa: A002
                   out: Tensor | None = None) -> Tensor:
    """The values of ``input`` at ``indices`` along ``dim`` (``gather`` with the other dimensions of
    the two broadcast against each other), as ``torch.take_along_dim``, e.g. ``x`` sorted by
    ``take_along_dim(x, x.argsort(dim), dim)``; with no ``dim``, both are read as one dimension.
    Negative indices count from the end (PyTorch's CPU kernel reads them the same way along a dim);
    an index outside the dimension raises where PyTorch's may read memory past it."""
    indices = _long_index("take_along_dim", indices,
                          "torch.take_along_dim(): dtype of indices should be Long but got ")
    return write_into("take_along_dim", out, (input, indices), lambda: _take_along(input, indices, dim))


def _take_along(input: Tensor, indices: Tensor, dim: int | None) -> Tensor:
    if dim is None:
        size = input.numel()
        positions = to_numpy(indices.array).reshape(-1)
        bad = positions[(positions < 0) | (positions >= size)]
        if bad.size:
            raise RuntimeError(f"index {builtins.int(bad[0])} is out of bounds for dimension 0 with size {size}")
        return gather(input.reshape((-1,)), 0, backend_of(input.array).asarray(positions))
    if input.ndim == 0:
        raise no_dimensions(dim)
    if input.ndim != indices.ndim:
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same number of dimensions, "
                           f"but got {input.ndim} dimensions for input, and {indices.ndim} dimensions for indices")
    axis = wrap_dim(dim, input.ndim)
    shape = []
    for d, (a, b) in enumerate(zip(input.shape, indices.shape)):
        if d != axis and 1 != a != b != 1:
            raise RuntimeError(f"The size of tensor a ({a}) must match the size of tensor b ({b}) at non-singleton "
                               f"dimension {d}")
        shape.append(builtins.max(a, b) if a and b else 0)
    size = input.shape[axis]
    positions = _wrapped(indices, size, lambda i: RuntimeError(
        f"index {i} is out of bounds for dimension {axis} with size {size}"))
    positions = np.broadcast_to(positions, tuple(shape[:axis] + [indices.shape[axis]] + shape[axis + 1:]))
    source = broadcast_to(input, tuple(shape[:axis] + [size] + shape[axis + 1:]))
    return gather(source, axis, backend_of(input.array).asarray(positions))


# ====================================================================== diagonals
def _diagonal_dims(ndim: int, dim1: int, dim2: int) -> tuple[int, int]:
    first, second = wrap_dim(dim1, ndim), wrap_dim(dim2, ndim)
    if first == second:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return first, second


def _positions(input: Tensor, rows: int, columns: int, offset: int) -> tuple[Any, Any]:
    """The (row, column) positions of diagonal ``offset`` of a rows x columns matrix, as arrays on
    ``input``'s device."""
    down, up = builtins.max(-offset, 0), builtins.max(offset, 0)
    length = builtins.max(0, builtins.min(rows - down, columns - up))
    backend = backend_of(input.array)
    return backend.asarray(np.arange(length) + down), backend.asarray(np.arange(length) + up)


def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:  # noqa: A002
    """The diagonal ``offset`` (> 0 above the main one, < 0 below) of the matrices over dims
    (``dim1``, ``dim2``), as a last dimension after the others, as ``torch.diagonal`` (a copy):
    ``torch.linalg.diagonal`` with the first two dims by default."""
    return linalg_diagonal(input, offset=_int("diagonal", "offset", offset), dim1=dim1, dim2=dim2)


def diag_embed(input: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:  # noqa: A002
    """Matrices with the last dimension of ``input`` on their diagonal ``offset``, zeros elsewhere,
    over the new dims (``dim1``, ``dim2``) of the result, as ``torch.diag_embed``."""
    offset = _int("diag_embed", "offset", offset)
    first, second = _diagonal_dims(input.ndim + 1, dim1, dim2)
    moved = movedim(input, -1, 0)
    side = input.shape[-1] + builtins.abs(offset)
    index = _positions(input, side, side, offset)
    embedded = ScatterAdd.apply(moved, index=index, advanced=True, shape=(side, side) + moved.shape[1:])
    return movedim(embedded, (0, 1), (first, second))


def diagflat(input: Tensor, offset: int = 0) -> Tensor:  # noqa: A002
    """The square matrix with the flattened ``input`` on its diagonal ``offset``, as ``torch.diagflat``."""
    return diag(input.reshape((-1,)), _int("diagflat", "offset", offset))


def trace(input: Tensor) -> Tensor:  # noqa: A002
    """The sum of the main diagonal of a matrix (integers, unsigned too, sum to int64), as ``torch.trace``."""
    if input.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.ndim}")
    if input.dtype == np.bool_:
        raise NotImplementedError("\"trace\" not implemented for 'Bool'")
    return diagonal(input).sum()  # integers sum in int64, as PyTorch

"""``median``, ``kthvalue`` and ``mode`` as PyTorch's. The position is found on the raw array (a
stable sort, NaN last: minigan/ops/sorting.py's order); the value is read there with ``gather``, so
the gradient goes to the element picked. Of an even count the median is the lower middle value,
as PyTorch's; a NaN in a row makes that row's median NaN (and its index the NaN's). ``nanmedian``
leaves the NaNs out (a row of NaNs only gives NaN)."""
from __future__ import annotations

import builtins
from collections import namedtuple
from typing import Any

import numpy as np

from ..autograd import Tensor, as_tensor
from ..autograd.arguments import wrap_dim
from ..autograd.gather_scatter import gather
from ..backends import backend_of
from .sorting import _order
from ..torch_api.out_argument import takes_out

#: As ``torch.return_types.median``, ``kthvalue`` and ``mode``: ``.values``, ``.indices``.
MedianResult = namedtuple("median", ["values", "indices"])
NanmedianResult = namedtuple("nanmedian", ["values", "indices"])
KthvalueResult = namedtuple("kthvalue", ["values", "indices"])
ModeResult = namedtuple("mode", ["values", "indices"])


def _as_rows(input: Any, dim: int) -> tuple[Tensor, Tensor, int]:
    """``input`` as a Tensor, the same with at least one dimension, and ``dim`` wrapped."""
    input = input if isinstance(input, Tensor) else as_tensor(input)  # noqa: A001
    axis = wrap_dim(dim, input.ndim)
    return input, (input.reshape(1) if input.ndim == 0 else input), axis


def _pick(input: Tensor, rows: Tensor, axis: int, positions: Any, keepdim: bool, result: type) -> Any:
    """The element at sorted position ``positions`` (one per row, keepdims-shaped) along ``axis``."""
    order = _order(rows, axis, False)
    return _read(input, rows, axis, backend_of(rows.array).xp.take_along_axis(order, positions, axis=axis), keepdim,
                 result)


def _read(input: Tensor, rows: Tensor, axis: int, index: Any, keepdim: bool, result: type) -> Any:
    """(values, indices) at ``index`` (keepdims-shaped, int64) along ``axis``: the values through gather."""
    indices = Tensor._make(index, False, None)
    values = gather(rows, axis, indices)
    if input.ndim == 0:
        return result(values.reshape(()), indices.reshape(()))
    if not keepdim:
        values, indices = values.squeeze(axis), indices.squeeze(axis)
    return result(values, indices)


def _positions(backend: Any, shape: tuple[int, ...], axis: int, at: Any) -> Any:
    kept = tuple(1 if d == axis else n for d, n in enumerate(shape))
    return backend.asarray(np.broadcast_to(np.asarray(at, dtype=np.int64), kept).copy())


@takes_out
def median(input: Tensor, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A002
    """``median(t)``: the lower middle value of all elements (NaN if any is NaN, NaN when empty),
    its gradient shared evenly by the elements equal to it, as PyTorch's; ``median(t, dim)``:
    (values, indices) along ``dim``, the gradient to the element picked."""
    if dim is None:
        input = input if isinstance(input, Tensor) else as_tensor(input)  # noqa: A001
        if input.numel() == 0:
            return _nan_like(input)
        flat = input.reshape(-1)
        return _shared_among_ties(flat, median(flat, 0).values)
    input, rows, axis, backend, nans = _rows_and_nans(input, dim)  # noqa: A001
    n = rows.shape[axis]
    at = np.where(nans > 0, n - nans, (n - 1) // 2)  # the first NaN, or the lower middle
    return _pick(input, rows, axis, _positions(backend, rows.shape, axis, at), builtins.bool(keepdim), MedianResult)


def _shared_among_ties(flat: Tensor, value: Tensor) -> Tensor:
    """``value``, one of ``flat``'s elements, with its gradient shared evenly by every element equal
    to it (every NaN, for a NaN), as PyTorch's median and nanmedian of a whole tensor share it."""
    if value.dtype.kind != "f" or not flat.requires_grad:
        return value
    backend = backend_of(flat.array)
    values, chosen = backend.to_numpy(flat.array), backend.to_numpy(value.array)
    same = np.isnan(values) if np.isnan(chosen) else values == chosen
    tied = flat.index_select(0, Tensor._make(backend.asarray(np.flatnonzero(same)), False, None))
    if not bool(np.isfinite(chosen)):  # equal infinities (or NaNs): their mean is the value itself
        return tied.mean()
    return value.detach() - (tied.detach() - tied).mean()  # value - 0.0: the same bits, -0.0 included


def _rows_and_nans(input: Any, dim: Any) -> tuple[Tensor, Tensor, int, Any, np.ndarray]:  # noqa: A002
    """What median and nanmedian along ``dim`` start from: ``_as_rows``' input, rows and axis, the
    backend, and how many NaNs each row holds (on the host, kept dims); an empty dim is refused."""
    input, rows, axis = _as_rows(input, dim)  # noqa: A001
    backend = backend_of(rows.array)
    if rows.shape[axis] == 0:
        raise IndexError(f"median(): Expected reduction dim {axis} to have non-zero size.")
    xp = backend.xp
    nans = backend.to_numpy(xp.sum(xp.astype(rows.array != rows.array, xp.int64), axis=axis, keepdims=True))
    return input, rows, axis, backend, nans


def _nan_like(input: Tensor) -> Tensor:
    """The median of no elements, 0-d, on ``input``'s device: NaN, in the graph of an input that
    requires grad (as PyTorch's), whose gradient is then empty. An integer dtype gets what PyTorch's
    NaN becomes in it: the lowest int64 or int32, 0 in narrower integers, True for bool."""
    dtype = input.dtype  # NumPy's, whatever the device's array library
    value: Any = float("nan") if dtype.kind == "f" else True
    if dtype.kind in "iu":  # a C cast of NaN: the lowest int32 or int64, wrapped into narrower ints
        value = np.array(np.iinfo(np.int64 if dtype.itemsize == 8 else np.int32).min).astype(dtype)
    nan = Tensor._make(backend_of(input.array).asarray(np.full((), value, dtype=dtype)), False, None)
    return input.sum() + nan if input.requires_grad else nan


@takes_out
def nanmedian(input: Tensor, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A002
    """``nanmedian(t)``: the lower middle value of the elements that are not NaN (NaN if all are, or
    when empty); ``nanmedian(t, dim)``: (values, indices) along ``dim``, as ``median`` without the NaNs.
    Without ``dim`` the gradient is shared evenly by the elements equal to the result, as PyTorch's;
    along ``dim`` it goes to the element picked."""
    input = input if isinstance(input, Tensor) else as_tensor(input)  # noqa: A001
    if dim is None:
        flat = input.reshape(-1)
        if input.numel() == 0:
            return _nan_like(input)
        return _shared_among_ties(flat, nanmedian(flat, 0).values)
    input, rows, axis, backend, nans = _rows_and_nans(input, dim)  # noqa: A001
    at = np.maximum((rows.shape[axis] - nans - 1) // 2, 0)  # the lower middle of the numbers (sorted first)
    return _pick(input, rows, axis, _positions(backend, rows.shape, axis, at), builtins.bool(keepdim),
                 NanmedianResult)


@takes_out
def kthvalue(input: Tensor, k: int, dim: int = -1, keepdim: bool = False) -> KthvalueResult:  # noqa: A002
    """(values, indices): the k-th smallest element (k from 1) along ``dim``; NaN counts as the largest."""
    input, rows, axis = _as_rows(input, dim)  # noqa: A001
    if isinstance(k, builtins.bool) or not isinstance(k, (builtins.int, np.integer)):
        raise TypeError(f"kthvalue(): k must be an int, got {type(k).__name__}")
    if not 1 <= k <= rows.shape[axis]:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {axis}")
    backend = backend_of(rows.array)
    return _pick(input, rows, axis, _positions(backend, rows.shape, axis, k - 1), builtins.bool(keepdim),
                 KthvalueResult)


@takes_out
def mode(input: Tensor, dim: int = -1, keepdim: bool = False) -> ModeResult:  # noqa: A002
    """(values, indices): the most frequent value along ``dim`` (the smallest of equally frequent ones)
    and the index of its last occurrence, as PyTorch's."""
    input, rows, axis = _as_rows(input, dim)  # noqa: A001
    backend = backend_of(rows.array)
    moved = np.moveaxis(backend.to_numpy(rows.array), axis, -1)
    flat = moved.reshape(-1, moved.shape[-1])
    found = np.empty(flat.shape[0], dtype=np.int64)
    for r, row in enumerate(flat):  # one row at a time: a count of each distinct value
        distinct, counts = np.unique(row, return_counts=True)
        value = distinct[np.argmax(counts)]  # the first of the most frequent: the smallest
        found[r] = np.flatnonzero((row == value) | (np.isnan(row) & np.isnan(value)))[-1]
    index = backend.asarray(np.expand_dims(found.reshape(moved.shape[:-1]), axis))
    return _read(input, rows, axis, index, builtins.bool(keepdim), ModeResult)

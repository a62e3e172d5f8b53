"""Searching and counting, as PyTorch's, with integer or counted results and so no gradient:
``searchsorted`` and ``bucketize`` (where values would go in a sorted sequence), ``histc`` (a
histogram of equal bins), ``unique_consecutive`` (runs of equal values or slices collapsed) and
``unravel_index`` (flat positions as coordinates). Their results never require grad, but for
unique_consecutive's values, which do where the input does, as PyTorch's, and refuse a backward
(minigan/ops/no_derivative.py)."""
from __future__ import annotations

import builtins
import math
import numbers
from typing import Any, Sequence

import numpy as np

from ..autograd import Tensor, tensor as _tensor_of
from ..autograd.arguments import no_dimensions, wrap_dim
from ..autograd.legacy import scalar_type_name
from ..backends import backend_of
from .no_derivative import without_derivative
from ..torch_api.out_argument import takes_out


def _result(array: Any) -> Tensor:
    return Tensor._make(array, False, None)


def _tensor(value: Any, name: str, argument: str) -> Tensor:
    if not isinstance(value, Tensor):
        raise TypeError(f"{name}(): argument '{argument}' must be a Tensor, not {type(value).__name__}")
    return value


def _int_dtype(backend: Any, out_int32: bool) -> Any:
    return backend.native_dtype(np.dtype(np.int32 if out_int32 else np.int64))


@takes_out
def searchsorted(sorted_sequence: Tensor, values: Any, *, out_int32: bool = False, right: bool = False,
                 side: str | None = None, sorter: Any = None) -> Tensor:
    """For each of ``values``, the position in ``sorted_sequence`` (sorted along its last dimension; a
    batch of sequences pairs with the leading dimensions of ``values``) before which it would go: the
    first such place (``right=False``, ``side="left"``) or the last; with ``sorter``, the positions that
    sort the sequence. int64 (int32 with ``out_int32``), of ``values``' shape; a number gives a 0-d tensor."""
    name = "torch.searchsorted()"
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"{name}: side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError(f"{name}: side and right can't be set to opposites, got side of left while right was True")
        right = side == "right"
    seq = _tensor(sorted_sequence, "searchsorted", "sorted_sequence")
    if seq.ndim == 0:
        raise RuntimeError(f"{name}: boundaries tensor should have positive dimension, but got 0 dimension")
    if seq.dtype.kind == "b" or getattr(values, "dtype", seq.dtype).kind == "b":
        raise NotImplementedError("\"searchsorted_out_cpu\" not implemented for 'Bool'")
    number = not isinstance(values, Tensor)
    if number and (isinstance(values, builtins.bool) or not isinstance(values, numbers.Real)):
        raise TypeError(f"searchsorted(): argument 'values' must be a Tensor or a number, not {type(values).__name__}")
    vals = _tensor_of(values, dtype=seq.dtype, device=seq.device) if number else values
    if seq.ndim > 1 and (vals.ndim != seq.ndim or vals.shape[:-1] != seq.shape[:-1]):
        raise RuntimeError(f"{name}: boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries "
                           f"tensor and input value tensor must match, but we got boundaries tensor {list(seq.shape)} "
                           f"and input value tensor {list(vals.shape)}")
    backend = backend_of(seq.array)
    xp = backend.xp
    rows = seq.array
    if sorter is not None:
        rows = _sorted_by(rows, sorter, backend, name)
    common = backend.native_dtype(np.result_type(seq.dtype, vals.dtype))
    rows, wanted = xp.astype(rows, common), xp.astype(backend.asarray(vals.array), common)
    side = "right" if right else "left"
    if seq.ndim == 1:
        out = xp.searchsorted(rows, wanted, side=side)
    else:  # one search per sequence, each with its row of values
        count = math.prod(seq.shape[:-1])
        rows, wanted = xp.reshape(rows, (count, seq.shape[-1])), xp.reshape(wanted, (count, vals.shape[-1]))
        found = [xp.searchsorted(rows[i, :], wanted[i, :], side=side) for i in range(count)]
        out = xp.reshape(xp.stack(found), tuple(vals.shape)) if found else xp.zeros(tuple(vals.shape), device=rows.device)
    return _result(xp.astype(out, _int_dtype(backend, out_int32)))


def _sorted_by(rows: Any, sorter: Any, backend: Any, name: str) -> Any:
    """``rows`` reordered along the last dimension by ``sorter`` (int64 positions, the same shape)."""
    order = sorter.array if isinstance(sorter, Tensor) else sorter
    if not hasattr(order, "dtype") or backend_of(order).numpy_dtype(order.dtype) != np.int64:
        kind = scalar_type_name(backend_of(order).numpy_dtype(order.dtype)) if hasattr(order, "dtype") else \
            type(order).__name__
        raise RuntimeError(f"{name}: sorter must be a tensor of long dtype but got dtype {kind}")
    if tuple(order.shape) != tuple(rows.shape):
        raise RuntimeError(f"{name}: boundary and sorter must have the same size, but got boundary tensor "
                           f"{list(rows.shape)}and got sorter tensor {list(order.shape)}")
    xp = backend.xp
    order = backend.asarray(order)
    if order.size and (builtins.int(xp.min(order)) < 0 or builtins.int(xp.max(order)) >= rows.shape[-1]):
        raise RuntimeError(f"{name}: sorter index out of range")
    return xp.take_along_axis(rows, order, axis=-1)


@takes_out
def bucketize(input: Any, boundaries: Tensor, *, out_int32: bool = False, right: bool = False) -> Tensor:  # noqa: A002
    """For each element of ``input``, the index of its bucket among the 1-D sorted ``boundaries``:
    i with boundaries[i-1] < x <= boundaries[i] (``right=False``) or boundaries[i-1] <= x < boundaries[i]
    (``right=True``), as ``torch.bucketize``."""
    bounds = _tensor(boundaries, "bucketize", "boundaries")
    if bounds.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({bounds.ndim})")
    return searchsorted(bounds, input, out_int32=out_int32, right=right)


@takes_out
def histc(input: Tensor, bins: int = 100, min: float = 0, max: float = 0) -> Tensor:  # noqa: A001, A002
    """The histogram of ``input``'s elements in ``bins`` equal bins from ``min`` to ``max`` (both 0, or
    equal: the data's smallest and largest; still equal: widened by 1 each way); elements outside
    are not counted, a bin holds its left edge and the last bin its right edge too. Float counts,
    in ``input``'s dtype, as ``torch.histc``."""
    x = _tensor(input, "histc", "input")
    backend = backend_of(x.array)
    xp = backend.xp
    if x.dtype.kind != "f":
        raise RuntimeError(f"\"histogram_cpu\" not implemented for '{scalar_type_name(x.dtype)}'")
    if isinstance(bins, builtins.bool) or not isinstance(bins, numbers.Integral) or bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    flat = xp.reshape(x.array, (-1,))
    low, high = builtins.float(min), builtins.float(max)
    if low == high and flat.shape[0]:
        low, high = builtins.float(xp.min(flat)), builtins.float(xp.max(flat))
    if low == high:
        low, high = low - 1, high + 1
    if not (math.isfinite(low) and math.isfinite(high)):
        raise RuntimeError(f"torch.histc: range of [{low:g}, {high:g}] is not finite")
    if low > high:
        raise RuntimeError("torch.histc: max must be larger than min")
    low_x, high_x = (xp.asarray(v, dtype=flat.dtype, device=flat.device) for v in (low, high))
    inside = flat[(flat >= low_x) & (flat <= high_x)]
    position = (inside - low_x) * xp.asarray(float(bins), dtype=flat.dtype, device=flat.device) / (high_x - low_x)
    int64 = backend.native_dtype(np.dtype(np.int64))
    which = xp.clip(xp.astype(xp.floor(position), int64), 0, bins - 1)  # the right edge goes in the last bin
    counts = xp.zeros((bins,), dtype=flat.dtype, device=flat.device)
    backend.scatter_add(counts, (which,), xp.ones(which.shape, dtype=flat.dtype, device=flat.device))
    return _result(counts)


def unique_consecutive(input: Tensor, return_inverse: bool = False, return_counts: bool = False,  # noqa: A002
                       dim: int | None = None) -> Any:
    """``input`` with each run of equal consecutive elements (``dim=None``, flattened) or equal
    consecutive slices along ``dim`` kept once; with ``return_inverse`` the run each element (slice)
    falls in, with ``return_counts`` each run's length (int64), as ``torch.unique_consecutive``."""
    x = _tensor(input, "unique_consecutive", "input")
    backend = backend_of(x.array)
    xp = backend.xp
    int64 = backend.native_dtype(np.dtype(np.int64))
    if dim is None:
        lines = xp.reshape(x.array, (-1, 1))
        inverse_shape = tuple(x.shape)
    else:
        axis = slice_axis(x, dim)
        moved = xp.moveaxis(x.array, axis, 0)
        lines = xp.reshape(moved, (moved.shape[0], math.prod(moved.shape[1:])))
        inverse_shape = (lines.shape[0],)
    n = lines.shape[0]
    starts = xp.ones((n,), dtype=xp.bool, device=lines.device)
    if n > 1 and lines.shape[1]:
        starts = xp.concat([starts[:1], xp.any(lines[1:, :] != lines[:-1, :], axis=1)])
    elif n > 1:
        starts = xp.concat([starts[:1], xp.zeros((n - 1,), dtype=xp.bool, device=lines.device)])
    first = xp.nonzero(starts)[0]
    if dim is None:
        values = xp.take(xp.reshape(lines, (-1,)), first, axis=0)
    else:
        values = xp.moveaxis(xp.take(moved, first, axis=0), 0, axis)
    outputs = [_result(values)]
    if return_inverse:
        inverse = xp.cumulative_sum(xp.astype(starts, int64)) - 1
        outputs.append(_result(xp.reshape(inverse, inverse_shape)))
    if return_counts:
        ends = xp.concat([first[1:], xp.asarray([n], dtype=first.dtype, device=first.device)]) if n else first
        outputs.append(_result(xp.astype(ends - first, int64)))
    outputs[0] = without_derivative(outputs[0], "unique_consecutive", x)
    return outputs[0] if len(outputs) == 1 else tuple(outputs)


def slice_axis(x: Tensor, dim: int) -> int:
    """``dim`` wrapped, for the ops on slices along it (unique_consecutive, unique): PyTorch's errors for a
    0-d tensor and for an empty dimension other than ``dim``."""
    if x.ndim == 0:
        raise no_dimensions(dim)
    axis = wrap_dim(dim, x.ndim)
    if sum(size == 0 for size in x.shape) > 1:
        raise RuntimeError("Number of zero sized dimensions is more than one, so unique cannot be applied ")
    if 0 in x.shape and x.shape[axis] != 0:
        raise RuntimeError("There are 0 sized dimensions, and they aren't selected, so unique cannot be applied")
    return axis


def unravel_index(indices: Tensor, shape: Any) -> tuple[Tensor, ...]:
    """The coordinates in a tensor of ``shape`` of each flat (row-major) position in ``indices`` (an
    integer tensor): one int64 tensor of ``indices``' shape per dimension, as ``torch.unravel_index``.
    As PyTorch's, each coordinate is the floor remainder, so a position outside the tensor wraps
    around (-1 is the last element) rather than raising."""
    flat = _tensor(indices, "unravel_index", "indices")
    if flat.dtype.kind not in "iu":
        raise TypeError(f"expected 'indices' to be integer dtype, but got {flat.dtype}")
    sizes = _shape_argument(shape)
    if 0 in sizes and flat.array.size:
        raise ValueError(f"'shape' cannot have zero dimensions when 'indices' is non-empty, but got {tuple(sizes)}")
    backend = backend_of(flat.array)
    xp = backend.xp
    rest = xp.astype(flat.array, backend.native_dtype(np.dtype(np.int64)))
    coordinates = []
    for size in reversed(sizes):
        coordinates.append(_result(rest % size if size else rest))
        rest = rest // size if size else rest
    return tuple(reversed(coordinates))


def _shape_argument(shape: Any) -> list[int]:
    if isinstance(shape, numbers.Integral) and not isinstance(shape, builtins.bool):
        shape = [shape]
    if isinstance(shape, Tensor) or not isinstance(shape, Sequence):
        raise TypeError(f"expected 'shape' to be int or sequence of ints, but got {type(shape).__name__}")
    for n in shape:
        if isinstance(n, builtins.bool) or not isinstance(n, numbers.Integral):
            raise TypeError(f"expected 'shape' sequence to only contain ints, but got {type(n).__name__}")
    if any(n < 0 for n in shape):
        raise ValueError(f"'shape' cannot have negative values, but got {tuple(shape)}")
    return [builtins.int(n) for n in shape]

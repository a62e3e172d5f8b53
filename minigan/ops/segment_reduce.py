"""``segment_reduce``, as PyTorch's: ``data`` cut along ``axis`` into consecutive segments of given
lengths (or between given offsets), each reduced to one value by "sum", "mean", "max", "min" or "prod".

It is built on minigan/ops/scatter_reduce.py's op, so its gradients are that op's: each element is
sent to its segment's place (elements past the last segment to one extra place, dropped at the end).
An empty segment gives the reduction's identity (sum 0, prod 1, max -inf, min inf) or NaN for
mean; with ``initial`` it gives ``initial``, which otherwise takes part as one more value (mean divides
by the segment's length only). Gradients, as PyTorch's: max and min split the gradient evenly between
the elements equal to the result (NaN equal to NaN), and ``initial`` never takes a share; prod gives
each element the product of the others (``initial`` among them), exact at zeros. Each segment's first
element is the place's starting value for max and min, so the ties among the elements are all the ties.
"""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.arguments import tensor_argument, wrap_dim
from ..autograd.gather_scatter import gather
from ..autograd.legacy import scalar_type_name
from ..backends import backend_of
from .elementwise import where
from .scatter_reduce import scatter_reduce
from .shape import cat

_REDUCES = {"sum": "sum", "mean": "mean", "prod": "prod", "max": "amax", "amax": "amax", "min": "amin",
            "amin": "amin"}


def _check_types(data: Any, reduce: Any, axis: Any, lengths: Any, offsets: Any) -> None:
    tensor_argument("segment_reduce", "data", 1, data)
    if not isinstance(reduce, str):
        raise TypeError(f"segment_reduce(): argument 'reduce' (position 2) must be str, not {type(reduce).__name__}")
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
        raise TypeError(f"segment_reduce(): argument 'axis' must be int, not {type(axis).__name__}")
    for name, value in (("lengths", lengths), ("offsets", offsets)):
        if value is not None:
            tensor_argument("segment_reduce", name, None, value)


def _segment_lengths(data: Tensor, axis: int, lengths: Any, offsets: Any, unsafe: bool) -> np.ndarray:
    """The segments' lengths, int64 of shape data.shape[:axis] + (segments,), checked as PyTorch checks them."""
    name, given = ("lengths", lengths) if lengths is not None else ("offsets", offsets)
    host = np.asarray(backend_of(given.array).to_numpy(given.array))
    if host.dtype not in (np.dtype(np.int32), np.dtype(np.int64)):
        raise NotImplementedError(f"\"_segment_reduce_{name}_cpu_kernel1\" not implemented for "
                                  f"'{scalar_type_name(given.dtype)}'")
    if host.ndim - 1 != axis:
        raise RuntimeError(f"segment_reduce(): Expected axis to be the last dimension of {name} but got {axis}.")
    if host.shape[:-1] != tuple(data.shape[:axis]):
        raise RuntimeError(f"segment_reduce(): Expected {name}'s leading sizes {list(host.shape[:-1])} to be "
                           f"data's sizes before axis {list(data.shape[:axis])}")
    host = host.astype(np.int64)
    if name == "offsets":
        host = np.diff(host, axis=-1) if host.shape[-1] else np.zeros(host.shape, np.int64)
        if host.size and host.min() < 0:
            raise RuntimeError("Expected segment_length >= 0 to be true, but got false.")
    elif host.size and host.min() < 0:
        raise RuntimeError("lengths contains negative value!")
    totals = host.sum(axis=-1)
    size = data.shape[axis]
    if name == "lengths" and not unsafe and np.any(totals != size):
        raise RuntimeError("segment_reduce(): Expected all rows of lengths along axis to sum to "
                           "data.size(lengths.dim()-1) when !unsafe.")
    if np.any(totals > size):  # PyTorch reads past the end of data here; minigan refuses
        raise RuntimeError(f"segment_reduce(): the segments cover {int(totals.max())} elements along axis {axis}, "
                           f"more than data's {size}")
    return host


def segment_reduce(data: Tensor, reduce: str, *, lengths: Any = None, indices: Any = None, offsets: Any = None,
                   axis: int = 0, unsafe: bool = False, initial: Any = None) -> Tensor:
    """Reduce consecutive segments of ``data`` along ``axis`` ("sum", "mean", "max", "min" or "prod"),
    the segments given by ``lengths`` (used when both are given) or ``offsets`` (starts and the end;
    their last dimension is ``axis``, their leading sizes data's before it), as ``torch.segment_reduce``.
    An empty segment gives ``initial``, or else 0, NaN (mean), -inf, inf or 1. With ``unsafe=True`` the
    lengths need not sum to data's size (elements past the last segment are left out). Float data only;
    differentiable with respect to ``data``."""
    _check_types(data, reduce, axis, lengths, offsets)
    if indices is not None:
        raise RuntimeError("segment_reduce(): indices based reduction is not supported yet.")
    if lengths is None and offsets is None:
        raise RuntimeError("segment_reduce(): Either lengths or offsets must be defined.")
    if reduce not in _REDUCES:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    if data.dtype.kind != "f":
        raise NotImplementedError(f"\"_segment_reduce_cpu\" not implemented for '{scalar_type_name(data.dtype)}'")
    if data.ndim == 0:
        raise RuntimeError("segment_reduce(): Expected data.dim() >= lengths.dim() (data is 0-d)")
    axis = wrap_dim(axis, data.ndim)
    if isinstance(initial, complex):
        raise RuntimeError("value cannot be converted to type float without overflow")
    lens = _segment_lengths(data, axis, lengths, offsets, bool(unsafe))
    return _reduce(data, _REDUCES[reduce], axis, lens, initial)


def _reduce(data: Tensor, reduce: str, axis: int, lens: np.ndarray, initial: Any) -> Tensor:
    size, count = data.shape[axis], lens.shape[-1]
    rest = (1,) * (data.ndim - axis - 1)
    ends = np.cumsum(lens, axis=-1)
    positions = np.arange(size)
    # each element's segment (count: past the last segment), shape data.shape[:axis] + (size,)
    ids = (positions[..., :] >= ends[..., :, None]).sum(axis=-2) if count else np.zeros(lens.shape[:-1] + (size,),
                                                                                         np.int64)
    starts = ends - lens
    nonempty = lens > 0
    if reduce in ("amax", "amin"):
        # the first element of each segment starts its place; the others are scattered onto it
        firsts = np.zeros(ids.shape, bool)
        row = tuple(r[nonempty] for r in np.indices(starts.shape)[:-1])
        firsts[(*row, starts[nonempty])] = True
        ids = np.where(firsts, count, ids)
    full = data.shape[:axis] + (size,) + tuple(data.shape[axis + 1:])
    index = np.ascontiguousarray(np.broadcast_to(ids.reshape(ids.shape + rest).astype(np.int64), full))
    out_shape = data.shape[:axis] + (count + 1,) + tuple(data.shape[axis + 1:])
    seg_shape = data.shape[:axis] + (count,) + tuple(data.shape[axis + 1:])
    keep = (slice(None),) * axis + (slice(0, count),)
    if reduce in ("amax", "amin"):
        bound = -np.inf if reduce == "amax" else np.inf
        base = data.new_full(seg_shape, bound)
        if size:
            picks = np.ascontiguousarray(np.broadcast_to(
                np.minimum(starts, size - 1).reshape(starts.shape + rest), seg_shape))
            filled = np.broadcast_to(nonempty.reshape(nonempty.shape + rest), seg_shape)
            base = where(filled, gather(data, axis, picks), base)
        base = cat([base, data.new_full(out_shape[:axis] + (1,) + out_shape[axis + 1:], bound)], axis)
        result = scatter_reduce(base, axis, index, data, reduce, include_self=True)[keep]
        if initial is None:
            return result
        better = result >= initial if reduce == "amax" else result <= initial
        return where(better | result.isnan(), result, data.new_full(seg_shape, initial))
    start = {"sum": 0, "mean": 0, "prod": 1}[reduce] if initial is None else initial
    # the extra place starts at 1 for prod, so that the elements sent there get a gradient of 0, not 0 * inf
    base = cat([data.new_full(seg_shape, start), data.new_full(out_shape[:axis] + (1,) + out_shape[axis + 1:],
                                                               1 if reduce == "prod" else 0)], axis)
    total = scatter_reduce(base, axis, index, data, "prod" if reduce == "prod" else "sum", include_self=True)[keep]
    if reduce != "mean":
        return total
    counts = np.broadcast_to(lens.reshape(lens.shape + rest), seg_shape)
    divisor = data.new_tensor(np.where(counts > 0, counts, 1).astype(data.dtype))
    empty = data.new_full(seg_shape, np.nan if initial is None else initial)
    return where(counts > 0, total / divisor, empty)

"""``torch.histogram`` (and ``Tensor.histogram``): the histogram of a tensor's elements and its bin
edges, as PyTorch's. Counts (or weights) are summed per bin and come back in the input's floating
dtype, with no gradient; ``minigan.histc`` (minigan/ops/search.py) is the older form with counts only.
``torch.histogramdd``, the histogram of points in N dimensions, is minigan/ops/histograms_dd.py."""
from __future__ import annotations

import builtins
import math
import numbers
from collections import namedtuple
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.legacy import scalar_type_name
from ..backends import backend_of
from ..autograd.arguments import tensor_argument
from ..torch_api.out_argument import takes_out

#: As ``torch.return_types.histogram``: ``.hist``, ``.bin_edges``.
HistogramResult = namedtuple("histogram", ["hist", "bin_edges"])


@takes_out
def histogram(input: Tensor, bins: Any = 100, *, range: Any = None, weight: Tensor | None = None,  # noqa: A001, A002
              density: bool = False) -> HistogramResult:
    """(hist, bin_edges). ``bins`` an int: that many equal bins from ``range`` = (min, max), by default
    the smallest and largest element (widened by 1/2 each way when they are equal; (0, 1) for an
    empty input); ``bins`` a 1-D tensor: its values are the edges, increasing. A bin holds its left
    edge, the last bin its right edge too; elements outside are not counted. ``weight`` (the input's
    shape) gives each element's weight instead of 1; ``density`` divides by the total and the bin
    widths, so the histogram integrates to 1."""
    tensor_argument("histogram", "input", 1, input)
    backend = backend_of(input.array)
    xp = backend.xp
    if input.dtype.kind != "f":
        raise NotImplementedError(f"\"histogramdd\" not implemented for '{scalar_type_name(input.dtype)}'")
    flat = xp.reshape(input.array, (-1,))
    if isinstance(bins, Tensor):
        if range is not None:
            raise TypeError("histogram(): range= goes with an int number of bins, not with a tensor of bin edges")
        if bins.ndim != 1:
            raise RuntimeError(f"torch.histogramdd: bins tensor should have one dimension, but got {bins.ndim} "
                               "dimensions in the bins tensor for dimension 0")
        if bins.dtype != input.dtype:
            raise RuntimeError(f"torch.histogramdd: input tensor and bins tensors should have the same dtype, but "
                               f"got input {scalar_type_name(input.dtype)} and bins "
                               f"{scalar_type_name(bins.dtype)}")
        if bins.shape[0] == 0:
            raise RuntimeError("torch.histogramdd: bins tensor should have at least 1 element, but got 0 elements "
                               "in the bins tensor for dimension 0")
        edges = bins.array
    else:
        edges = _equal_edges(backend, flat, bins, range, input.dtype)
    values = weight_array = None
    if weight is not None:
        tensor_argument("histogram", "weight", None, weight)
        if tuple(weight.shape) != tuple(input.shape):
            raise RuntimeError("torch.histogramdd: if weight tensor is provided it should have the same shape as the "
                               f"input tensor excluding its innermost dimension, but got input with shape "
                               f"[{input.numel()}, 1] and weight with shape {list(weight.shape)}")  # PyTorch's reshape
        if weight.dtype != input.dtype:
            raise RuntimeError("torch.histogramdd: if weight tensor is provided, it should have the same dtype as "
                               f"the input tensor, but got input {scalar_type_name(input.dtype)} and weight "
                               f"{scalar_type_name(weight.dtype)}")
        weight_array = xp.reshape(weight.array, (-1,))
    count = edges.shape[0] - 1
    hist = xp.zeros((builtins.max(count, 0),), dtype=flat.dtype, device=flat.device)
    if count > 0 and flat.shape[0]:
        low, high = edges[0], edges[-1]
        inside = (flat >= low) & (flat <= high)
        values = flat[inside]
        int64 = backend.native_dtype(np.dtype(np.int64))
        # the bin whose left edge is the last one <= the value; the right edge itself goes in the last bin
        which = xp.clip(xp.astype(xp.searchsorted(edges, values, side="right"), int64) - 1, 0, count - 1)
        amounts = (xp.ones(which.shape, dtype=flat.dtype, device=flat.device) if weight_array is None
                   else weight_array[inside])
        backend.scatter_add(hist, (which,), amounts)
    if density and count > 0:
        hist = hist / (xp.sum(hist) * (edges[1:] - edges[:-1]))
    return HistogramResult(Tensor._make(hist, False, None), Tensor._make(xp.asarray(edges, copy=True), False, None))


def _equal_edges(backend: Any, flat: Any, bins: Any, range: Any, dtype: np.dtype, dim: int = 0) -> Any:  # noqa: A002
    """``bins`` + 1 equally spaced edges over ``range`` (or the data's), in ``dtype``; ``dim``, the
    dimension of a ``histogramdd`` they are for, is named in the messages."""
    if isinstance(bins, builtins.bool) or not isinstance(bins, numbers.Integral):
        raise TypeError(f"histogram(): argument 'bins' must be int or Tensor, not {type(bins).__name__}")
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension {dim}")
    xp = backend.xp
    if range is not None:
        if not isinstance(range, (tuple, list)) or len(range) != 2:
            raise TypeError(f"histogram(): argument 'range' must be a tuple of two floats, got {range!r}")
        low, high = builtins.float(range[0]), builtins.float(range[1])
    elif flat.shape[0]:
        low, high = builtins.float(xp.min(flat)), builtins.float(xp.max(flat))
    else:
        low, high = 0.0, 1.0
    if not (math.isfinite(low) and math.isfinite(high)):
        raise RuntimeError(f"torch.histogramdd: dimension {dim}'s range [{low:g}, {high:g}] is not finite")
    if low > high:
        raise RuntimeError(f"torch.histogramdd: min should not exceed max, but got min {low:g} max {high:g} "
                           f"for dimension {dim}")
    if low == high:
        low, high = low - 0.5, high + 0.5
    return backend.asarray(pytorch_linspace(low, high, builtins.int(bins) + 1, dtype))


def pytorch_linspace(low: float, high: float, steps: int, dtype: np.dtype) -> np.ndarray:
    """``steps`` >= 2 values from ``low`` to ``high`` in ``dtype``, rounded as PyTorch's linspace rounds
    them (which sets the bin edges, so the bins a value on the border falls in): with step =
    (high - low) / (steps - 1) in ``dtype``, the first half is low + i * step and the second
    high - (steps - 1 - i) * step, each product exact and the sum rounded once."""
    dtype = np.dtype(dtype)
    wide = np.longdouble if dtype == np.float64 else np.float64  # holds the product exactly
    start, end = dtype.type(low), dtype.type(high)
    step = wide(dtype.type((end - start) / dtype.type(steps - 1)))
    index = np.arange(steps, dtype=wide)
    half = steps // 2
    values = np.where(index < half, wide(start) + step * index, wide(end) - step * (steps - 1 - index))
    return values.astype(dtype)

"""``torch.histogramdd``: the histogram of points in N dimensions (the rows of a tensor whose last
dimension has N elements) and its bin edges, one sequence per dimension, as PyTorch's. A point
is counted in the bin its coordinates fall in, dimension by dimension, by the rule of
``torch.histogram`` (minigan/ops/histograms.py): a bin holds its left edge, the last bin its right
edge too, and a point outside any dimension's edges is not counted."""
from __future__ import annotations

import builtins
import math
import numbers
from collections import namedtuple
from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.legacy import scalar_type_name
from ..autograd.legacy import c_type_name
from ..backends import backend_of
from ..autograd.arguments import tensor_argument
from .operands import ieee_quotient
from .histograms import _equal_edges
from .no_derivative import without_derivative

#: As ``torch.return_types.histogramdd``: ``.hist``, ``.bin_edges`` (a tuple, one tensor per dimension).
HistogramddResult = namedtuple("histogramdd", ["hist", "bin_edges"])

_NO_GRADIENT = {"hist": "derivative for aten::_histogramdd_from_bin_cts is not implemented",
                "bin_edges": "derivative for aten::_histogramdd_bin_edges is not implemented"}


def histogramdd(input: Tensor, bins: Any, *, range: Any = None, weight: Tensor | None = None,  # noqa: A001, A002
                density: bool = False) -> HistogramddResult:
    """(hist, bin_edges) of the points ``input.reshape(-1, N)``, N = ``input.shape[-1]``.

    ``bins`` is an int (that many equal bins in every dimension), N ints (one count per
    dimension) or N 1-D tensors of increasing edges (``range`` is then not used). Equal bins span
    ``range`` = (min_0, max_0, min_1, max_1, ...), by default each dimension's smallest and largest
    coordinate (widened by 1/2 each way when they are equal; (0, 1) with no points). ``weight``
    (``input.shape[:-1]``) gives each point's weight instead of 1; ``density`` divides by the
    total and the bins' volumes. ``hist`` has one dimension per coordinate, in the input's float
    dtype. As PyTorch's, the results of an input that requires grad require grad too, and a
    backward pass through them raises PyTorch's error: there is no gradient."""
    tensor_argument("histogramdd", "input", 1, input)
    if input.dtype.kind != "f" or input.dtype == np.float16:
        raise NotImplementedError(f"\"histogramdd\" not implemented for '{scalar_type_name(input.dtype)}'")
    if input.ndim < 2:
        raise RuntimeError("torch.histogramdd: input tensor should have at least 2 dimensions")
    backend = backend_of(input.array)
    xp = backend.xp
    n = input.shape[-1]
    points = xp.reshape(input.array, (math.prod(input.shape[:-1]), n))
    edges = _edges(backend, points, bins, range, input.dtype)
    weights = _weights(input, weight)
    counts = tuple(e.shape[0] - 1 for e in edges)
    hist = xp.zeros(counts, dtype=points.dtype, device=points.device)
    if n and points.shape[0] and all(counts):
        int64 = backend.native_dtype(np.dtype(np.int64))
        inside = xp.ones((points.shape[0],), dtype=xp.bool, device=points.device)
        flat = xp.zeros((points.shape[0],), dtype=int64, device=points.device)
        for dim, (column_edges, count) in enumerate(zip(edges, counts)):
            column = points[:, dim]
            inside = inside & (column >= column_edges[0]) & (column <= column_edges[-1])
            # the bin whose left edge is the last one <= the value; the right edge itself goes in the last bin
            which = xp.clip(xp.astype(xp.searchsorted(column_edges, column, side="right"), int64) - 1, 0, count - 1)
            flat = flat * count + which
        amounts = xp.ones((points.shape[0],), dtype=points.dtype, device=points.device) if weights is None else weights
        counted = xp.reshape(xp.zeros_like(hist), (-1,))
        backend.scatter_add(counted, (flat[inside],), amounts[inside])
        hist = xp.reshape(counted, counts)
    if density:
        with backend.errstate():
            hist = ieee_quotient(xp, hist, xp.sum(hist))
            for dim, column_edges in enumerate(edges):
                widths = column_edges[1:] - column_edges[:-1]
                hist = ieee_quotient(xp, hist, xp.reshape(widths, (1,) * dim + (-1,) + (1,) * (n - dim - 1)))
    sources = (input,) if weight is None else (input, weight)
    error = RuntimeError(_NO_GRADIENT["hist"])
    return HistogramddResult(
        without_derivative(Tensor._make(hist, False, None), "histogramdd", *sources, error=error),
        tuple(without_derivative(Tensor._make(xp.asarray(e, copy=True), False, None), "histogramdd", input,
                                 error=RuntimeError(_NO_GRADIENT["bin_edges"])) for e in edges))


def _edges(backend: Any, points: Any, bins: Any, range: Any, dtype: np.dtype) -> list[Any]:  # noqa: A002
    """Each dimension's bin edges, from ``bins`` in one of its three forms, checked as PyTorch checks them."""
    n = points.shape[1]
    if isinstance(bins, numbers.Integral) and not isinstance(bins, builtins.bool):
        bins = [bins] * n
    elif not isinstance(bins, (list, tuple)):
        raise TypeError(f"histogramdd(): argument 'bins' must be an int, a sequence of ints or a sequence of 1-D "
                        f"tensors, not {type(bins).__name__}")
    if all(isinstance(b, numbers.Integral) and not isinstance(b, builtins.bool) for b in bins):
        if len(bins) != n:
            raise RuntimeError("histogramdd: The size of bins must be equal to the innermost dimension of the input.")
        ranges = _ranges(range, n)
        edges = []
        for dim, count in enumerate(bins):
            if count == -1:  # PyTorch makes count + 1 = 0 edges, and says so
                raise RuntimeError("torch.histogramdd: bins tensor should have at least 1 element, but got 0 elements "
                                   f"in the bins tensor for dimension {dim}")
            if count < -1:
                raise RuntimeError("number of steps must be non-negative")
            edges.append(_equal_edges(backend, points[:, dim], count, ranges[dim], dtype, dim))
        return edges
    for number, item in enumerate(bins):
        if not isinstance(item, Tensor):
            raise TypeError(f"expected Tensor as element {number} in argument 1, but got {type(item).__name__}")
    if len(bins) != n:
        raise RuntimeError(f"torch.histogramdd: expected {n} sequences of bin edges for a {n}-dimensional histogram "
                           f"but got {len(bins)}")
    for dim, item in enumerate(bins):
        if item.ndim != 1:
            raise RuntimeError(f"torch.histogramdd: bins tensor should have one dimension, but got {item.ndim} "
                               f"dimensions in the bins tensor for dimension {dim}")
        if item.dtype != dtype:
            raise RuntimeError(f"torch.histogramdd: input tensor and bins tensors should have the same dtype, but got "
                               f"input with dtype {c_type_name(dtype)} and bins for dimension {dim} with dtype "
                               f"{c_type_name(item.dtype)}")
        if item.shape[0] == 0:
            raise RuntimeError("torch.histogramdd: bins tensor should have at least 1 element, but got 0 elements in "
                               f"the bins tensor for dimension {dim}")
        if item.shape[0] == 1:
            raise RuntimeError(f"torch.histogram(): bins must be > 0, but got 0 for dimension {dim}")
        if item.device != backend.device:
            raise RuntimeError(f"torch.histogramdd: the bins tensor for dimension {dim} is on {item.device}, the "
                               f"input on {backend.device}")
    return [item.array for item in bins]


def _ranges(range: Any, n: int) -> list[tuple[float, float] | None]:  # noqa: A002
    """``range`` = (min_0, max_0, min_1, max_1, ...) as one (min, max) per dimension (None: the data's)."""
    if range is None:
        return [None] * n
    if not isinstance(range, (list, tuple)):
        raise TypeError(f"histogramdd(): argument 'range' must be tuple of floats, not {type(range).__name__}")
    for number, value in enumerate(range):
        if isinstance(value, builtins.bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"histogramdd(): argument 'range' must be tuple of floats, but found element of type "
                            f"{type(value).__name__} at pos {number}")
    if len(range) != 2 * n:
        raise RuntimeError(f"torch.histogramdd: for a {n}-dimensional histogram range should have {2 * n} elements, "
                           f"but got {len(range)}")
    return [(range[2 * dim], range[2 * dim + 1]) for dim in builtins.range(n)]


def _weights(input: Tensor, weight: Any) -> Any:
    """The points' weights, one per point, checked against the input as PyTorch checks them (None: 1 each)."""
    if weight is None:
        return None
    tensor_argument("histogramdd", "weight", None, weight)
    if tuple(weight.shape) != tuple(input.shape[:-1]):
        raise RuntimeError("torch.histogramdd: if weight tensor is provided it should have the same shape as the input "
                           f"tensor excluding its innermost dimension, but got input with shape {list(input.shape)} "
                           f"and weight with shape {list(weight.shape)}")
    if weight.dtype != input.dtype:
        raise RuntimeError("torch.histogramdd: if weight tensor is provided, input tensor and weight tensor should have "
                           f"the same dtype, but got input({c_type_name(input.dtype)}), and "
                           f"weight({c_type_name(weight.dtype)})")
    return backend_of(input.array).xp.reshape(weight.array, (-1,))

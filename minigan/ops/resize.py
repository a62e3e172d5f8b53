"""Bilinear resizing of (N, C, H, W), as ``F.interpolate(mode="bilinear")``.

Bilinear interpolation is separable and linear in the image: out = A_h @ x @ A_w^T, where row o
of A_h holds the two weights (1 - l, l) that output row o gives input rows i0 and i0 + 1. So the
op is two matrix products with constant matrices, and its gradient, A_h^T @ g @ A_w, is the
matmul's own (no Function of its own to get wrong)."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Tensor
from ..backends import backend_of
from .convolution import _batched, _resize_plan, _unbatched

__all__ = ["interpolation_matrix", "upsample_bilinear"]


def interpolation_matrix(n_in: int, n_out: int, step: float, align_corners: bool) -> np.ndarray:
    """(n_out, n_in) float64 weights of PyTorch's bilinear (``linear`` along one axis) sampling.

    Output index o reads the source position s = (o + 0.5) step - 0.5, floored at 0 (step = in/out
    for a size, 1/factor for a scale factor); with ``align_corners``, s = o (in - 1)/(out - 1).
    It takes (1 - l) of input floor(s) and l of the next one (the last one at the edge), l = s - floor(s).
    """
    o = np.arange(n_out, dtype=np.float64)
    if align_corners:
        source = o * ((n_in - 1) / (n_out - 1)) if n_out > 1 else np.zeros(n_out)
    else:
        source = np.maximum((o + 0.5) * step - 0.5, 0.0)
    first = np.minimum(np.floor(source).astype(np.int64), n_in - 1)
    second = np.minimum(first + 1, n_in - 1)
    weight = source - first
    matrix = np.zeros((n_out, n_in))
    rows = np.arange(n_out)
    np.add.at(matrix, (rows, first), 1.0 - weight)
    np.add.at(matrix, (rows, second), weight)
    return matrix


def upsample_bilinear(input: Tensor, size: Any = None, scale_factor: Any = None,  # noqa: A002
                      align_corners: bool = False) -> Tensor:
    """Bilinear resize of (N, C, H, W) (or (C, H, W)) to ``size`` or by ``scale_factor``.

    f = A_h x A_w^T;  df/dx = A_h^T g A_w (see the module docstring)."""
    x, added = _batched("upsample_bilinear", input, "(N, C, H, W)")
    h, w = x.shape[2:]
    (out_h, out_w), steps = _resize_plan("upsample_bilinear", (h, w), size, scale_factor)
    if align_corners:
        steps = ((h - 1) / max(out_h - 1, 1), (w - 1) / max(out_w - 1, 1))
    backend = backend_of(x.array)
    dtype = backend.numpy_dtype(x.dtype)

    def constant(matrix: np.ndarray) -> Tensor:
        return Tensor._make(backend.asarray(matrix.astype(dtype)), False, None)

    rows = constant(interpolation_matrix(h, out_h, steps[0], align_corners))
    cols = constant(interpolation_matrix(w, out_w, steps[1], align_corners).T)
    return _unbatched((rows @ x) @ cols, added)

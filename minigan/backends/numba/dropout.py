"""Dropout in one compiled pass, with formulas.dropout inlined."""
from __future__ import annotations

import numpy as np

from minigan.backends.numba.build import SCALAR_FORMULAS, Kernel

dropout_formula = SCALAR_FORMULAS.dropout  # the formula the kernel below calls by name


def _dropout_py(x, bits, threshold, scale, out):  # noqa: ANN001, ANN202
    """out = formulas.dropout(x, bits, threshold, scale) in one pass over flat arrays (the
    forward on the input, the backward on the upstream gradient)."""
    for k in range(x.size):
        out[k] = dropout_formula(x[k], bits[k], threshold, scale)


dropout_kernel = Kernel(_dropout_py, parallel=False)


def dropout(x: np.ndarray, bits: np.ndarray, threshold: int, scale: float, out: np.ndarray | None = None) -> np.ndarray:
    """x · [bits >= threshold] · scale in one pass; bits is a uint32 array of x's shape. Into
    ``out`` (C-contiguous, x's shape) when given, which may be x itself (same index read, then written)."""
    if out is None:
        out = np.empty(x.shape, dtype=x.dtype)  # not empty_like: ascontiguousarray makes 0-d inputs 1-d
    dropout_kernel(np.ascontiguousarray(x).reshape(-1), np.ascontiguousarray(bits).reshape(-1),
             np.uint32(threshold), x.dtype.type(scale), out.reshape(-1))
    return out

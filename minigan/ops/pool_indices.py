"""What 2-d pooling's ``ceil_mode`` and ``return_indices`` add to the windows of
minigan/ops/convolution.py (the 1-d pooling uses them on a height of 1):

* ``ceil_mode``: out = ceil((in + 2p - d (k - 1) - 1) / s) + 1, one fewer where the last window would
  then start past the input and its front padding (PyTorch's rule). The last window may hang over
  the padded input by :func:`overhang` places; an average divides it by :func:`window_counts`.
* ``return_indices``: each window's winner (its first maximum in row-major order, or its last NaN,
  as PyTorch's kernel picks; padding never wins) is found on the arrays, then read out of x by an
  index, whose gradient routes each output's gradient to its winner (as adaptive max pooling).
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..autograd import Tensor
from ..backends import backend_of


def ceil_output_size(size: int, kernel: int, stride: int, padding: int, dilation: int) -> int:
    """The output size along one axis with ``ceil_mode``."""
    out = -(-(size + 2 * padding - dilation * (kernel - 1) - 1) // stride) + 1
    return out - 1 if (out - 1) * stride >= size + padding else out


def overhang(in_hw: Sequence[int], geometry: dict) -> tuple[int, int]:
    """How far the last windows reach past the padded input, per axis (0 where they fit)."""
    return tuple(max(0, (geometry["out_hw"][i] - 1) * geometry["stride"][i]
                     + geometry["dilation"][i] * (geometry["kernel"][i] - 1) + 1 - in_hw[i] - 2 * geometry["padding"][i])
                 for i in range(2))


def window_counts(in_hw: Sequence[int], geometry: dict, count_include_pad: bool) -> np.ndarray:
    """Each window's divisor (OH, OW): the places it covers up to the end of the padding, or only
    those in the input without ``count_include_pad``, as PyTorch's average pooling divides."""
    sides = []
    for i in range(2):
        k, s, p, n = geometry["kernel"][i], geometry["stride"][i], geometry["padding"][i], in_hw[i]
        starts = np.arange(geometry["out_hw"][i]) * s - p
        ends = np.minimum(starts + k, n + p)
        sides.append(ends - starts if count_include_pad else np.minimum(ends, n) - np.maximum(starts, 0))
    return sides[0][:, None] * sides[1][None, :]


def winners(xp: Any, windows: Any) -> Any:
    """Each window's winner along the last axis of ``windows``, as PyTorch's max pooling picks it:
    the first maximum, or the last NaN where the window holds one."""
    place = xp.argmax(windows, axis=-1)
    nans = xp.isnan(windows)
    if xp.any(nans):
        last_nan = windows.shape[-1] - 1 - xp.argmax(xp.astype(xp.flip(nans, axis=-1), xp.int8), axis=-1)
        place = xp.where(xp.any(nans, axis=-1), last_nan, place)
    return place


def _places(axis: int, geometry: dict) -> np.ndarray:
    """The places along one axis of each window (out, k), before clipping to the input."""
    k, s, p, d = (geometry[key][axis] for key in ("kernel", "stride", "padding", "dilation"))
    return np.arange(geometry["out_hw"][axis])[:, None] * s - p + np.arange(k) * d


def max_pool2d_with_indices(x: Tensor, geometry: dict) -> tuple[Tensor, Tensor]:
    """(each window's maximum, its place h * W + w as int64) for x (N, C, H, W); the maximum is x
    read at its winner, so the gradient goes there (added where windows share one)."""
    n, c, h, w = x.shape
    backend = backend_of(x.array)
    xp = backend.xp
    rows, cols = _places(0, geometry), _places(1, geometry)
    (out_h, kh), (out_w, kw) = rows.shape, cols.shape
    inside = ((rows >= 0) & (rows < h))[:, None, :, None] & ((cols >= 0) & (cols < w))[None, :, None, :]
    index = (slice(None), slice(None), backend.asarray(np.clip(rows, 0, h - 1)[:, None, :, None]),
             backend.asarray(np.clip(cols, 0, w - 1)[None, :, None, :]))
    windows = backend.take(x.array, index)  # (N, C, OH, OW, KH, KW)
    windows = xp.where(backend.asarray(inside), windows, xp.full_like(windows, -np.inf))
    place = winners(xp, xp.reshape(windows, (n, c, out_h, out_w, kh * kw)))
    row = backend.asarray(rows[:, :1]) + (place // kw) * geometry["dilation"][0]
    col = backend.asarray(cols[:, 0]) + (place % kw) * geometry["dilation"][1]
    pooled = x[np.arange(n)[:, None, None, None], np.arange(c)[None, :, None, None], row, col]
    return pooled, Tensor._make(xp.astype(row * w + col, xp.int64), False, None)


__all__: list[str] = []

"""3-d pooling of (N, C, D, H, W) (or unbatched (C, D, H, W)), as PyTorch's ``F.max_pool3d``,
``F.avg_pool3d``, ``F.adaptive_avg_pool3d`` and ``F.adaptive_max_pool3d``. No Function here: each
is built from ops that have their gradients already.

* average: a window's sum is separable, the depth windows' sums (``Patches`` with a (kd x 1)
  kernel over (D, H * W)) then the (kh x kw) windows' sums of those; divided by each window's
  count, which is the same window sums taken over ones (PyTorch's divisors, ceil_mode included).
  Adaptive average: the depth bins' means by one matrix product (as adaptive_avg_pool2d's rows),
  then adaptive_avg_pool2d over (H, W).
* maximum (plain and adaptive): each window is listed by its places per axis, (out, k) tables;
  its winner is found on the arrays (the first maximum in (d, h, w) order, or the last NaN, as
  PyTorch's kernel picks; padding never wins), then read out of x by an index, whose gradient
  routes each output's gradient to its winner. ``return_indices`` gives the winner's place
  (d H + h) W + w in its (D, H, W) volume, int64, as PyTorch's.

Sizes per axis as the 2-d pooling's: out = floor((in + 2p - d (k - 1) - 1) / s) + 1, or with
``ceil_mode`` PyTorch's ceil rule (minigan/ops/pool_indices.py); adaptive bin i spans
floor(i in / out) to ceil((i + 1) in / out).
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..autograd import Tensor
from ..backends import backend_of
from . import convolution as conv2
from .adaptive import _average_axis, _windows, adaptive_avg_pool2d, empty_pooled
from .convolution3d import batched_5d, triple_argument, unbatched_5d
from .padding import pad
from .pool_indices import _places, ceil_output_size, winners


def _geometry(name: str, x: Tensor, kernel_size: Any, stride: Any, padding: Any, dilation: Any,
              ceil_mode: bool) -> dict[str, tuple[int, int, int]]:
    """The checked kernel, stride, padding, dilation and output size (``out_hw``, three of them)."""
    kernel = triple_argument(name, "kernel_size", kernel_size, 1)
    no_stride = stride is None or (isinstance(stride, (list, tuple)) and len(stride) == 0)
    stride = kernel if no_stride else triple_argument(name, "stride", stride, 1)
    padding = triple_argument(name, "padding", padding, 0)
    dilation = triple_argument(name, "dilation", dilation, 1)
    if any(p > k // 2 for p, k in zip(padding, kernel)):
        raise ValueError(f"{name}: padding {padding} must be at most half the kernel size {kernel}")
    sizes = x.shape[2:]
    padded = tuple(n + 2 * p for n, p in zip(sizes, padding))
    extent = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    if any(e > p for e, p in zip(extent, padded)):
        dilated = "" if dilation == (1, 1, 1) else f" (dilated to {'x'.join(map(str, extent))})"
        raise ValueError(f"{name}: the kernel {'x'.join(map(str, kernel))}{dilated} is larger than the padded input "
                         f"{'x'.join(map(str, padded))} (input of shape {x.shape}, padding {padding})")
    size = ceil_output_size if ceil_mode else conv2._output_size
    out = tuple(size(sizes[i], kernel[i], stride[i], padding[i], dilation[i]) for i in range(3))
    return {"kernel": kernel, "stride": stride, "padding": padding, "dilation": dilation, "out_hw": out}


def _max_with_indices(x: Tensor, tables: Sequence[np.ndarray]) -> tuple[Tensor, Tensor]:
    """(each window's maximum, its place (d H + h) W + w as int64) for x (N, C, D, H, W), the windows
    given by their places per axis, ``tables`` (out, k) each; a place outside the input is padding."""
    n, c = x.shape[:2]
    sizes = x.shape[2:]
    backend = backend_of(x.array)
    xp = backend.xp
    outs = tuple(t.shape[0] for t in tables)
    ks = tuple(t.shape[1] for t in tables)

    def spread(values: np.ndarray, axis: int) -> np.ndarray:  # (out, k) on axes (axis, 3 + axis) of six
        shape = [1] * 6
        shape[axis], shape[3 + axis] = values.shape
        return values.reshape(shape)

    inside = [(t >= 0) & (t < n_in) for t, n_in in zip(tables, sizes)]
    clipped = [np.clip(t, 0, n_in - 1) for t, n_in in zip(tables, sizes)]
    index = (slice(None), slice(None)) + tuple(backend.asarray(spread(clipped[i], i)) for i in range(3))
    windows = backend.take(x.array, index)  # (N, C, OD, OH, OW, KD, KH, KW)
    if not all(np.all(m) for m in inside):
        mask = spread(inside[0], 0) & spread(inside[1], 1) & spread(inside[2], 2)
        windows = xp.where(backend.asarray(mask), windows, xp.full_like(windows, -np.inf))
    place = winners(xp, xp.reshape(windows, (n, c) + outs + (ks[0] * ks[1] * ks[2],)))
    taps = (place // (ks[1] * ks[2]), (place // ks[2]) % ks[1], place % ks[2])
    coordinates = []
    for i in range(3):  # the winner's place on axis i: table i at (its output place, its tap)
        out_place = np.arange(outs[i]).reshape((outs[i],) + (1,) * (2 - i))
        coordinates.append(backend.take(backend.asarray(clipped[i]), (backend.asarray(out_place), taps[i])))
    depth, row, col = coordinates
    batch = (np.arange(n).reshape(n, 1, 1, 1, 1), np.arange(c).reshape(1, c, 1, 1, 1))
    pooled = x[batch + (depth, row, col)]
    flat = (depth * sizes[1] + row) * sizes[2] + col
    return pooled, Tensor._make(xp.astype(flat, xp.int64), False, None)


def max_pool3d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,  # noqa: A002
               ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """The maximum over each kernel window, like ``torch.nn.functional.max_pool3d`` (stride defaults
    to the kernel size; padding, at most half the kernel, counts as -inf; ``ceil_mode`` keeps a last,
    partial window); with ``return_indices``, also each winner's place (d H + h) W + w (int64; the
    first maximum), where its gradient goes."""
    x, added = batched_5d("max_pool3d", input)
    geometry = _geometry("max_pool3d", x, kernel_size, stride, padding, dilation, ceil_mode)
    pooled, indices = _max_with_indices(x, [_places(i, geometry) for i in range(3)])
    if return_indices:
        return unbatched_5d(pooled, added), unbatched_5d(indices, added)
    return unbatched_5d(pooled, added)


def _window_sums(x: Tensor, geometry: dict) -> Tensor:
    """Each window's sum over x (N, C, D, H, W), zero padded (and zeros behind for ceil_mode's last
    windows): the depth windows' sums, then the (kh x kw) windows' sums of those."""
    kernel, stride, padding, out = (geometry[k] for k in ("kernel", "stride", "padding", "out_hw"))
    behind = [max(0, (out[i] - 1) * stride[i] + kernel[i] - x.shape[2 + i] - 2 * padding[i]) for i in range(3)]
    if any(behind):
        x = pad(x, (0, behind[2], 0, behind[1], 0, behind[0]))
    n, c, d, h, w = x.shape
    depth = conv2.Patches.apply(x.reshape((n, c, d, h * w)), kernel=(kernel[0], 1), stride=(stride[0], 1),
                                padding=(padding[0], 0), dilation=(1, 1), out_hw=(out[0], h * w)).sum(axis=0)
    planes = conv2.Patches.apply(depth.reshape((n, c * out[0], h, w)), kernel=kernel[1:], stride=stride[1:],
                                 padding=padding[1:], dilation=(1, 1), out_hw=out[1:]).sum(axis=0)
    return planes.reshape((n, c) + tuple(out))


def avg_pool3d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,  # noqa: A002
               ceil_mode: bool = False, count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:
    """The mean over each kernel window, like ``torch.nn.functional.avg_pool3d``: zero padding counts
    in the mean unless ``count_include_pad`` is False; ``divisor_override`` replaces the count. With
    ``ceil_mode`` a last, partial window is divided by the places it covers up to the end of the
    padding (by those in the input without ``count_include_pad``), as PyTorch's."""
    x, added = batched_5d("avg_pool3d", input)
    geometry = _geometry("avg_pool3d", x, kernel_size, stride, padding, 1, ceil_mode)
    if divisor_override is not None and (isinstance(divisor_override, bool)
                                         or not isinstance(divisor_override, (int, np.integer)) or divisor_override < 1):
        raise ValueError(f"avg_pool3d: divisor_override must be a positive int, got {divisor_override!r}")
    total = _window_sums(x, geometry)
    if divisor_override is not None:
        return unbatched_5d(total / float(divisor_override), added)
    # The divisors: the same sums over ones, spread over the padding too when it counts.
    xp = backend_of(x.array).xp
    sides = geometry["padding"] if count_include_pad else (0, 0, 0)
    ones = xp.ones((1, 1) + tuple(n + 2 * p for n, p in zip(x.shape[2:], sides)), dtype=x.array.dtype,
                   device=x.array.device)
    counted = dict(geometry, padding=tuple(p - q for p, q in zip(geometry["padding"], sides)))
    counts = _window_sums(Tensor._make(ones, False, None), counted)
    return unbatched_5d(total / counts, added)


def output_size_triple(name: str, output_size: Any) -> tuple[int | None, int | None, int | None]:
    """An int or three ints (each at least 0, or None: keep that input size), as a triple."""
    def whole(v: Any) -> bool:
        return isinstance(v, (int, np.integer)) and not isinstance(v, bool)

    items = (output_size,) * 3 if whole(output_size) else tuple(output_size) if isinstance(
        output_size, (tuple, list)) else ()
    if len(items) != 3 or not all(v is None or whole(v) for v in items):
        raise ValueError(f"{name}: output_size must be an int or a tuple of three (ints or None), got {output_size!r}")
    if any(v is not None and v < 0 for v in items):
        raise ValueError(f"{name}: output_size must not be negative (None keeps the input's size), got {output_size!r}")
    return tuple(None if v is None else int(v) for v in items)  # type: ignore[return-value]


def _adaptive(name: str, input: Any, output_size: Any) -> tuple[Tensor, bool, tuple[int, int, int]]:  # noqa: A002
    """x as (N, C, D, H, W), whether a batch axis was added, and the output (OD, OH, OW)."""
    size = output_size_triple(name, output_size)
    x, added = batched_5d(name, input)
    if min(x.shape[2:]) == 0:
        raise ValueError(f"{name}: input of shape {tuple(input.shape)} has an empty spatial dimension")
    if backend_of(x.array).numpy_dtype(x.dtype).kind != "f":
        raise TypeError(f"{name}: expected a floating-point input, got {x.dtype}")
    return x, added, tuple(x.shape[2 + i] if size[i] is None else size[i] for i in range(3))  # type: ignore[return-value]


def adaptive_avg_pool3d(input: Tensor, output_size: Any) -> Tensor:  # noqa: A002
    """The mean over each adaptive bin, like ``torch.nn.functional.adaptive_avg_pool3d``: input
    (N, C, D, H, W) or (C, D, H, W) -> (N, C, OD, OH, OW); ``output_size`` an int or (OD, OH, OW),
    None keeping that size. Bin i of an axis spans floor(i in / out) to ceil((i + 1) in / out)."""
    x, added, (out_d, out_h, out_w) = _adaptive("adaptive_avg_pool3d", input, output_size)
    if 0 in (out_d, out_h, out_w):
        return empty_pooled("adaptive_avg_pool3d", input, (out_d, out_h, out_w))
    n, c, d, h, w = x.shape
    depth = _average_axis(x.reshape((n, c, d, h * w)), 2, out_d)  # (N, C, OD, H * W)
    y = adaptive_avg_pool2d(depth.reshape((n, c * out_d, h, w)), (out_h, out_w))
    return unbatched_5d(y.reshape((n, c, out_d, out_h, out_w)), added)


def adaptive_max_pool3d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:  # noqa: A002
    """The maximum over each adaptive bin, like ``torch.nn.functional.adaptive_max_pool3d`` (bins and
    shapes as :func:`adaptive_avg_pool3d`'s); with ``return_indices``, also each winner's place
    (d H + h) W + w (int64). df/dx = g at each bin's winner (its first maximum), added where
    overlapping bins share one."""
    x, added, out = _adaptive("adaptive_max_pool3d", input, output_size)
    if 0 in out:
        return empty_pooled("adaptive_max_pool3d", input, out, return_indices)
    pooled, indices = _max_with_indices(x, [_windows(x.shape[2 + i], out[i])[0] for i in range(3)])
    if return_indices:
        return unbatched_5d(pooled, added), unbatched_5d(indices, added)
    return unbatched_5d(pooled, added)


__all__ = ["max_pool3d", "avg_pool3d", "adaptive_avg_pool3d", "adaptive_max_pool3d", "output_size_triple"]

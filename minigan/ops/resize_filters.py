"""The resize modes of ``F.interpolate`` that weigh many inputs per output: "bicubic", "area" and
the antialiased "bilinear"/"bicubic" of (N, C, H, W), and "area" of lines and volumes too.

Every mode here is separable: along each spatial axis it is an (out, in) matrix A of constant
weights, so the resize is x multiplied by A^T along each axis in turn, and its gradient is the
matmul's (g multiplied by A), with second derivatives free. Each axis's matrix, with
scale = (in - 1)/(out - 1) under ``align_corners`` (0 for one output), else 1/scale_factor when
one is given, else in/out:

- "bicubic": output o reads s = o scale (``align_corners``) or (o + 1/2) scale - 1/2, t = s - floor(s),
  and takes the four inputs floor(s) - 1 .. floor(s) + 2 (clamped into the axis: the border repeats)
  with the cubic convolution weights W(1 + t), W(t), W(1 - t), W(2 - t), A = -0.75:
  W(x) = (A + 2)|x|^3 - (A + 3)|x|^2 + 1 for |x| <= 1, A|x|^3 - 5A|x|^2 + 8A|x| - 4A for 1 < |x| < 2.
- "area": adaptive average pooling, output o averaging inputs floor(o in/out) .. ceil((o + 1) in/out) - 1.
- antialias: a filter (the triangle 1 - |x| for bilinear, the cubic above with A = -0.5 for
  bicubic) centred at c = (o + 1/2) scale, stretched by the scale when shrinking (support 1 or 2
  input steps times max(scale, 1)); inputs j from floor(c - support + 1/2) to floor(c + support + 1/2)
  (inside the axis) weigh filter((j - c + 1/2) / max(scale, 1)), normalised to sum to 1.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Tensor
from ..backends import backend_of
from .convolution import upsample_nearest
from .resize import _volume_plan, interpolate_line, interpolate_volume, interpolation_matrix, nearest_indices

__all__ = ["cubic_matrix", "area_matrix", "antialias_matrix", "interpolate_image", "interpolate_area", "interpolate"]

_IMAGE_MODES = ("nearest", "nearest-exact", "bilinear", "bicubic", "area")


def _cubic(x: np.ndarray, a: float) -> np.ndarray:
    """Keys' cubic convolution kernel W(x) with parameter a (see the module docstring)."""
    x = np.abs(x)
    near = ((a + 2) * x - (a + 3)) * x * x + 1
    far = ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return np.where(x <= 1, near, np.where(x < 2, far, 0.0))


def axis_scale(n_in: int, n_out: int, factor: float | None, align_corners: bool) -> float:
    """The input step per output step that PyTorch's kernels use along one axis."""
    if align_corners:
        return (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
    return 1.0 / factor if factor is not None else n_in / n_out


def cubic_matrix(n_in: int, n_out: int, scale: float, align_corners: bool) -> np.ndarray:
    """(n_out, n_in) weights of bicubic resizing along one axis (see the module docstring)."""
    o = np.arange(n_out, dtype=np.float64)
    source = o * scale if align_corners else (o + 0.5) * scale - 0.5
    first = np.floor(source)
    t = source - first
    matrix = np.zeros((n_out, n_in))
    rows = np.arange(n_out)
    for tap in range(4):  # inputs floor(s) - 1 .. floor(s) + 2 at distances 1 + t, t, 1 - t, 2 - t
        place = np.clip(first.astype(np.int64) + tap - 1, 0, n_in - 1)
        np.add.at(matrix, (rows, place), _cubic(t + 1 - tap, -0.75))
    return matrix


def area_matrix(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in) weights of adaptive average pooling along one axis: row o averages inputs
    floor(o n_in / n_out) up to ceil((o + 1) n_in / n_out) - 1."""
    matrix = np.zeros((n_out, n_in))
    for o in range(n_out):
        start, stop = (o * n_in) // n_out, -((-(o + 1) * n_in) // n_out)
        matrix[o, start:stop] = 1.0 / (stop - start)
    return matrix


def antialias_matrix(n_in: int, n_out: int, scale: float, cubic: bool) -> np.ndarray:
    """(n_out, n_in) weights of antialiased bilinear (or bicubic) resizing along one axis (see the
    module docstring)."""
    stretch = max(scale, 1.0)
    support = (2.0 if cubic else 1.0) * stretch
    matrix = np.zeros((n_out, n_in))
    for o in range(n_out):
        centre = scale * (o + 0.5)
        start = max(int(centre - support + 0.5), 0)
        stop = min(int(centre + support + 0.5), n_in)
        x = (np.arange(start, stop) - centre + 0.5) / stretch
        weights = _cubic(x, -0.5) if cubic else np.maximum(1.0 - np.abs(x), 0.0)
        total = weights.sum()
        matrix[o, start:stop] = weights / total if total != 0 else weights
    return matrix


def _along(x: Tensor, axis: int, matrix: np.ndarray) -> Tensor:
    """x with its ``axis`` multiplied by the (out, in) ``matrix``: sum_i matrix[o, i] x[..., i, ...]."""
    backend = backend_of(x.array)
    weights = Tensor._make(backend.asarray(matrix.T.astype(backend.numpy_dtype(x.dtype))), False, None)
    last = x.ndim - 1
    if axis == last:
        return x @ weights
    if axis == last - 1:
        return weights.transpose(0, 1) @ x
    return (x.transpose(axis, last) @ weights).transpose(axis, last)


def interpolate_area(input: Tensor, size: Any = None, scale_factor: Any = None,  # noqa: A002
                     recompute_scale_factor: bool | None = None) -> Tensor:
    """``F.interpolate(mode="area")`` of (N, C, L), (N, C, H, W) or (N, C, D, H, W): adaptive average
    pooling to ``size`` (or floor(in scale_factor)), one axis at a time: f = x A^T along each
    axis, df/dx = g A (see the module docstring)."""
    out, _ = _volume_plan(input, size, scale_factor, True if size is None else recompute_scale_factor)
    for axis, (n_in, n_out) in enumerate(zip(input.shape[2:], out)):
        if n_in != n_out:
            input = _along(input, axis + 2, area_matrix(n_in, n_out))
    return input


def _axis_matrix(mode: str, n_in: int, n_out: int, factor: float | None, align_corners: bool,
                 antialias: bool) -> np.ndarray:
    scale = axis_scale(n_in, n_out, factor, align_corners)
    if antialias:
        return antialias_matrix(n_in, n_out, scale, mode == "bicubic")
    if mode == "bicubic":
        return cubic_matrix(n_in, n_out, scale, align_corners)
    step = n_in / n_out if factor is None or n_in == n_out else 1.0 / factor  # PyTorch: an axis kept is copied
    return interpolation_matrix(n_in, n_out, step, align_corners)


def interpolate_image(input: Tensor, size: Any = None, scale_factor: Any = None, mode: str = "nearest",  # noqa: A002
                      align_corners: bool | None = None, recompute_scale_factor: bool | None = None,
                      antialias: bool = False) -> Tensor:
    """``F.interpolate`` of (N, C, H, W) in every mode minigan has: "nearest" and "nearest-exact" index
    each axis (the gradient sums each input's copies); "bilinear", "bicubic" (with or without
    ``antialias``) and "area" multiply each axis by its matrix of weights (see the module docstring)."""
    if mode not in _IMAGE_MODES:
        raise NotImplementedError(f"interpolate: mode={mode!r} on 4-D input is not supported; minigan has "
                                  f"{', '.join(repr(m) for m in _IMAGE_MODES)} for images")
    if mode == "area":
        return interpolate_area(input, size, scale_factor, recompute_scale_factor)
    out, factors = _volume_plan(input, size, scale_factor, recompute_scale_factor)
    x = input
    for axis, (n_in, n_out, factor) in enumerate(zip(input.shape[2:], out, factors)):
        if n_in == n_out and (mode == "nearest" or antialias):
            continue  # PyTorch's kernels copy an axis whose size is kept, whatever the scale factor
        if mode in ("nearest", "nearest-exact"):
            index = nearest_indices(n_in, n_out, factor, mode == "nearest-exact")
            x = x[:, :, index] if axis == 0 else x[..., index]
        else:
            x = _along(x, axis + 2, _axis_matrix(mode, n_in, n_out, factor, bool(align_corners), antialias))
    return x


def interpolate(input: Any, size: Any = None, scale_factor: Any = None, mode: str = "nearest",  # noqa: A002
                align_corners: bool | None = None, recompute_scale_factor: bool | None = None,
                antialias: bool = False) -> Tensor:
    """``F.interpolate`` on (N, C, L), (N, C, H, W) or (N, C, D, H, W): PyTorch's checks, then the
    resize of that rank and mode (minigan/ops/resize.py for lines, volumes and plain images)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"interpolate: expected a Tensor input, got {type(input).__name__}")
    if mode in ("nearest", "area", "nearest-exact") and align_corners is not None:
        raise ValueError("align_corners option can only be set with the interpolating modes: "
                         "linear | bilinear | bicubic | trilinear")
    if antialias and not (mode in ("bilinear", "bicubic") and input.ndim == 4):
        raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and "
                         "requires a 4-D tensor as input")
    if mode == "area" and input.ndim in (3, 5):
        return interpolate_area(input, size, scale_factor, recompute_scale_factor)
    if mode == "bicubic" and input.ndim != 4:  # PyTorch's words
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) "
                                  f"for the modes: nearest | linear | bilinear | bicubic | trilinear | lanczos | "
                                  f"area | nearest-exact (got {mode})")
    if input.ndim == 3:
        return interpolate_line(input, size, scale_factor, mode, align_corners, recompute_scale_factor)
    if input.ndim == 5:
        return interpolate_volume(input, size, scale_factor, mode, align_corners, recompute_scale_factor)
    if mode in ("linear", "trilinear"):  # PyTorch's words
        raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs {3 if mode == 'linear' else 5}D input")
    if input.ndim != 4:
        raise ValueError(f"interpolate: expected input of shape (N, C, L), (N, C, H, W) or (N, C, D, H, W), "
                         f"got {input.shape}")
    if mode == "nearest" and not recompute_scale_factor:
        out, factors = _volume_plan(input, size, scale_factor, None)
        if all(o % i == 0 and f in (None, o // i) for i, o, f in zip(input.shape[2:], out, factors)):
            return upsample_nearest(input, size, scale_factor)  # whole factors: the pixel-repeating Function
    return interpolate_image(input, size, scale_factor, mode, align_corners, recompute_scale_factor, antialias)

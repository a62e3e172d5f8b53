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

__all__ = ["interpolation_matrix", "upsample_bilinear", "nearest_indices", "interpolate_volume"]


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


# ------------------------------------------------------------------ volumes (N, C, D, H, W)
_VOLUME_MODES = ("nearest", "nearest-exact", "trilinear")
_LINE_MODES = ("nearest", "nearest-exact", "linear")


def _check_mode(input: Any, mode: str, modes: tuple[str, ...], align_corners: bool | None, what: str) -> None:  # noqa: A002
    """The checks F.interpolate makes before resizing lines (3-D input) or volumes (5-D): a Tensor,
    a mode of ``modes`` (the last one interpolates), align_corners only with that mode."""
    if not isinstance(input, Tensor):
        raise TypeError(f"interpolate: expected a Tensor input, got {type(input).__name__}")
    needs = {"linear": 3, "bilinear": 4, "trilinear": 5}.get(mode, input.ndim)
    if needs != input.ndim:  # PyTorch's words
        raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs {needs}D input")
    if mode not in modes:
        raise NotImplementedError(f"interpolate: mode={mode!r} on {input.ndim}-D input is not supported; minigan has "
                                  f"{', '.join(repr(m) for m in modes)} for {what}")
    if align_corners is not None and mode != modes[-1]:
        raise ValueError("align_corners option can only be set with the interpolating modes: "
                         "linear | bilinear | bicubic | trilinear")


def interpolate_line(input: Tensor, size: Any = None, scale_factor: Any = None, mode: str = "nearest",  # noqa: A002
                     align_corners: bool | None = None, recompute_scale_factor: bool | None = None) -> Tensor:
    """Resize (N, C, L) as ``F.interpolate`` does: "nearest"/"nearest-exact" index the axis (the
    gradient sums each input's copies); "linear" multiplies by the (out, in) matrix A of linear
    weights (interpolation_matrix): f = x A^T, df/dx = g A."""
    _check_mode(input, mode, _LINE_MODES, align_corners, "lines")
    (n_out,), (factor,) = _volume_plan(input, size, scale_factor, recompute_scale_factor)
    n_in = input.shape[2]
    if mode != "linear":
        return input[..., nearest_indices(n_in, n_out, factor, mode == "nearest-exact")]
    step = n_in / n_out if factor is None or n_in == n_out else 1.0 / factor  # PyTorch: a length kept is copied
    backend = backend_of(input.array)
    matrix = interpolation_matrix(n_in, n_out, step, bool(align_corners)).astype(backend.numpy_dtype(input.dtype))
    return input @ Tensor._make(backend.asarray(matrix), False, None).transpose(0, 1)


def _volume_plan(input: Tensor, size: Any, scale_factor: Any,  # noqa: A002
                 recompute_scale_factor: bool | None) -> tuple[tuple[int, ...], tuple[float | None, ...]]:
    """PyTorch's output sizes and the scale factors its kernels see (None: in/out is used)."""
    spatial = tuple(input.shape[2:])
    if (size is None) == (scale_factor is None):
        raise ValueError("only one of size or scale_factor should be defined" if size is not None
                         else "either size or scale_factor should be defined")
    whole = lambda v: isinstance(v, (int, np.integer)) and not isinstance(v, bool)  # noqa: E731
    if size is not None:
        if recompute_scale_factor:
            raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
        sizes = tuple(size) if isinstance(size, (tuple, list)) else (size,) * len(spatial)
        if len(sizes) != len(spatial):
            raise ValueError(f"Input and output must have the same number of spatial dimensions, but got input with "
                             f"spatial dimensions of {list(spatial)} and output size of {size}. Please provide input "
                             f"tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.")
        if not all(whole(s) and s > 0 for s in sizes):
            raise ValueError(f"interpolate: size must be positive ints, got {size!r}")
        return tuple(int(s) for s in sizes), (None,) * len(spatial)
    factors = tuple(scale_factor) if isinstance(scale_factor, (tuple, list)) else (scale_factor,) * len(spatial)
    if len(factors) != len(spatial):
        raise ValueError(f"Input and scale_factor must have the same number of spatial dimensions, but got input "
                         f"with spatial dimensions of {list(spatial)} and scale_factor of shape {scale_factor}. "
                         f"Please provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in "
                         f"(s1, s2, ...,sK) format.")
    if not all(isinstance(f, (int, float, np.integer, np.floating)) and not isinstance(f, bool) and f > 0
               for f in factors):
        raise ValueError(f"interpolate: scale_factor must be positive numbers, got {scale_factor!r}")
    out = tuple(int(np.floor(float(n) * float(f))) for n, f in zip(spatial, factors))
    if min(out) < 1:
        raise ValueError(f"interpolate: scale_factor {scale_factor!r} shrinks the input {spatial} to nothing")
    return out, ((None,) * len(spatial) if recompute_scale_factor else tuple(float(f) for f in factors))


def nearest_indices(n_in: int, n_out: int, factor: float | None, exact: bool) -> np.ndarray:
    """The input index each output index copies, as PyTorch's CPU kernels round it: the step
    s = 1/factor (or in/out) in float32; "nearest": floor(o s) with o s a float32 product;
    "nearest-exact": floor((o + 1/2) s), the product in float64 then rounded to float32; at most in - 1."""
    step = np.float32(1.0 / factor) if factor is not None else np.float32(n_in) / np.float32(n_out)
    o = np.arange(n_out)
    if exact:
        source = ((o + 0.5) * np.float64(step)).astype(np.float32)
    else:
        source = o.astype(np.float32) * step
    return np.minimum(np.floor(source).astype(np.int64), n_in - 1)


def interpolate_volume(input: Tensor, size: Any = None, scale_factor: Any = None, mode: str = "nearest",  # noqa: A002
                       align_corners: bool | None = None, recompute_scale_factor: bool | None = None) -> Tensor:
    """Resize (N, C, D, H, W) as ``F.interpolate`` does, one axis at a time (all three modes are
    separable): "nearest"/"nearest-exact" index each axis (the gradient sums each input's copies),
    "trilinear" multiplies each axis by its (out, in) matrix of linear weights (interpolation_matrix;
    with ``align_corners`` the step is (in - 1)/(out - 1) whatever the scale factor, and an axis whose
    size is kept is copied, as PyTorch's kernels do, whatever the scale factor):
    f = A_d A_h A_w x, df/dx = A_d^T A_h^T A_w^T g."""
    _check_mode(input, mode, _VOLUME_MODES, align_corners, "volumes")
    (n, c, *spatial), x = input.shape, input
    out, factors = _volume_plan(input, size, scale_factor, recompute_scale_factor)
    if mode != "trilinear":
        d, h, w = (nearest_indices(a, b, f, mode == "nearest-exact") for a, b, f in zip(spatial, out, factors))
        return x[:, :, d][:, :, :, h][..., w]
    backend = backend_of(x.array)
    dtype = backend.numpy_dtype(x.dtype)
    matrices = []
    for n_in, n_out, factor in zip(spatial, out, factors):
        step = n_in / n_out if factor is None or n_in == n_out else 1.0 / factor  # PyTorch: an axis kept is copied
        matrix = interpolation_matrix(n_in, n_out, step, bool(align_corners))
        matrices.append(Tensor._make(backend.asarray(matrix.astype(dtype)), False, None))
    x = (matrices[1] @ (x @ matrices[2].transpose(0, 1)))  # (N, C, D, OH, OW)
    flat = x.reshape(n, c, spatial[0], out[1] * out[2])
    return (matrices[0] @ flat).reshape(n, c, *out)

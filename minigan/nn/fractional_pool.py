"""Fractional max pooling (Graham 2014), as PyTorch's ``nn.FractionalMaxPool2d`` / ``nn.FractionalMaxPool3d``
and ``F.fractional_max_pool2d`` / ``F.fractional_max_pool3d``: a max pool whose windows (kh x kw, or
kt x kh x kw) start at pseudo-random places, so that an input of H rows shrinks to any OH rows (a
ratio that need not be 1/2 or 1/3).

Along one axis of n_in places, with window k and n_out outputs, one uniform draw u in [0, 1)
per sample, channel and axis gives the starts

    alpha = (n_in - k) / (n_out - 1),  start_i = floor((i + u) alpha) - floor(u alpha)  (i < n_out - 1),
    start_{n_out - 1} = n_in - k,

computed in the input's dtype, as PyTorch's kernels compute them. The draws are ``_random_samples``
(N, C, 2) when given (the last axis: the width's u, then the height's; for volumes (N, C, 3): the
time's, the height's, the width's, as PyTorch orders them), which makes the pool deterministic and
is how it is compared with PyTorch; otherwise minigan's generator draws them (``manual_seed``
seeds it), as PyTorch's draws from its own. Each output is the window's largest value (the first
of ties, in row-major order) and its index is h * W + w in the input plane ((t H + h) W + w in the
volume). The
output is the input indexed at those places, so its gradient adds g into each chosen place and
its second derivative is that of indexing (zero).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Tensor
from ..backends import backend_of
from ..ops.convolution import pair_argument
from ..ops.convolution3d import triple_argument
from ..torch_api.generators import default_generator
from .layers import _check_tensor
from .module import Module

__all__ = ["fractional_max_pool2d", "fractional_max_pool2d_with_indices", "FractionalMaxPool2d",
           "fractional_max_pool3d", "fractional_max_pool3d_with_indices", "FractionalMaxPool3d"]

_AXES = {2: ("height", "width"), 3: ("time", "height", "width")}
_SHAPES = {2: "(N, C, H, W) or (C, H, W)", 3: "(N, C, T, H, W) or (C, T, H, W)"}
_DRAW_COLUMNS = {2: (1, 0), 3: (0, 1, 2)}  # which draw each axis reads: PyTorch's order


def window_starts(samples: np.ndarray, n_in: int, n_out: int, kernel: int) -> np.ndarray:
    """The starts (..., n_out) of the windows along one axis for the draws ``samples`` (...), in
    the draws' dtype (see the module docstring)."""
    dtype = samples.dtype.type
    last = np.full(samples.shape + (1,), n_in - kernel, dtype=np.int64)
    if n_out == 1:
        return last
    alpha = dtype(n_in - kernel) / dtype(n_out - 1)
    steps = np.arange(n_out - 1).astype(dtype)
    starts = ((steps + samples[..., None]) * alpha).astype(np.int64) - (samples * alpha).astype(np.int64)[..., None]
    return np.concatenate([starts, last], axis=-1)


def _ratios(output_ratio: Any, dims: int) -> tuple[float, ...]:
    ratios = tuple(output_ratio) if isinstance(output_ratio, (tuple, list)) else (output_ratio,) * dims
    if len(ratios) != dims or not all(isinstance(r, (int, float)) and not isinstance(r, bool) and 0 < r < 1
                                      for r in ratios):
        raise ValueError(f"output_ratio must be between 0 and 1 (got {output_ratio})")
    return tuple(float(r) for r in ratios)


def _output_size(name: str, spatial: tuple[int, ...], output_size: Any, output_ratio: Any) -> tuple[int, ...]:
    if output_size is not None:
        sizes = pair_argument if len(spatial) == 2 else triple_argument
        return sizes(name, "output_size", output_size, 1)
    if output_ratio is None:
        raise ValueError(f"{name} requires specifying either an output_size or an output_ratio")
    out = tuple(int(n * r) for n, r in zip(spatial, _ratios(output_ratio, len(spatial))))
    if min(out) < 1:
        raise ValueError(f"{name}: output_ratio {output_ratio} leaves no output of the input "
                         f"{'x'.join(str(n) for n in spatial)}")
    return out


def _samples(name: str, x: Tensor, random_samples: Any, dims: int) -> np.ndarray:
    n, c = x.shape[:2]
    backend = backend_of(x.array)
    dtype = backend.numpy_dtype(x.dtype)
    if random_samples is None:
        return default_generator().random((n, c, dims)).astype(dtype)
    if not isinstance(random_samples, Tensor):
        raise TypeError(f"{name}: _random_samples must be a Tensor, got {type(random_samples).__name__}")
    if random_samples.ndim != 3 or random_samples.shape[2] != dims:
        raise RuntimeError(f"Expect _random_samples to be (N, C, {dims}); got {random_samples.shape}.")
    if random_samples.shape[:2] != (n, c):
        raise RuntimeError(f"Expect _random_samples of shape ({n}, {c}, {dims}) for an input of {n} samples of {c} "
                           f"channels; got {random_samples.shape}.")
    if random_samples.dtype != x.dtype:
        raise RuntimeError("Expect _random_samples to have the same dtype as input")
    return backend_of(random_samples.array).to_numpy(random_samples.array)


def _fractional_max_pool(name: str, dims: int, input: Tensor, kernel_size: Any, output_size: Any,  # noqa: A002
                         output_ratio: Any, return_indices: bool, random_samples: Tensor | None) -> Any:
    """Fractional max pooling over the last ``dims`` axes (see the module docstring)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}: expected a Tensor input, got {type(input).__name__}")
    if input.ndim not in (dims + 1, dims + 2):
        raise ValueError(f"{name}: expected input of shape {_SHAPES[dims]}, got {input.shape}")
    x = input.reshape((1,) + input.shape) if input.ndim == dims + 1 else input
    backend = backend_of(x.array)
    if backend.numpy_dtype(x.dtype).kind != "f":
        raise RuntimeError(f"{name}: expected a floating-point input, got {x.dtype}")
    kernel = (pair_argument if dims == 2 else triple_argument)(name, "kernel_size", kernel_size, 1)
    n, c, *spatial = x.shape
    out = _output_size(name, tuple(spatial), output_size, output_ratio)
    for what, o, k, size in zip(_AXES[dims], out, kernel, spatial):
        most = size if dims == 2 else size - 1  # PyTorch's 3-d check is strict, its 2-d one is not
        if o + k - 1 > most:
            raise RuntimeError(f"{name}(): pool {what} {k} too large relative to input {what} {size} "
                               f"(output {what} {o} + pool {what} - 1 must be at most {most})")
    samples = _samples(name, x, random_samples, dims)
    places, stride = np.zeros((n, c) + (1,) * (2 * dims), dtype=np.int64), 1
    for axis in reversed(range(dims)):  # each axis's window places (N, C, O, K), times the axis's stride
        along = window_starts(samples[..., _DRAW_COLUMNS[dims][axis]], spatial[axis], out[axis], kernel[axis])
        shape = [n, c] + [1] * (2 * dims)
        shape[2 + axis], shape[2 + dims + axis] = out[axis], kernel[axis]
        places = places + (along[..., :, None] + np.arange(kernel[axis])).reshape(shape) * stride
        stride *= spatial[axis]
    places = places.reshape(n, c, *out, -1)  # (N, C, *out, the window's places in row-major order)
    flat = x.reshape(n, c, stride)
    batch = backend.asarray(np.arange(n).reshape((n,) + (1,) * (dims + 2)))
    channel = backend.asarray(np.arange(c).reshape((1, c) + (1,) * (dims + 1)))
    windows = flat.array[batch, channel, backend.asarray(places)]
    winner = backend.to_numpy(backend.xp.argmax(windows, axis=-1))[..., None]
    indices = np.take_along_axis(places, winner, axis=-1)[..., 0]  # (N, C, *out)
    pooled = flat[batch[..., 0], channel[..., 0], backend.asarray(indices)]
    if input.ndim == dims + 1:
        pooled, indices = pooled.reshape(pooled.shape[1:]), indices[0]
    if not return_indices:
        return pooled
    return pooled, Tensor._make(backend.asarray(indices), False, None)


def fractional_max_pool2d(input: Tensor, kernel_size: Any, output_size: Any = None,  # noqa: A002
                          output_ratio: Any = None, return_indices: bool = False,
                          _random_samples: Tensor | None = None) -> Any:
    """Fractional max pooling of (N, C, H, W) or (C, H, W) to ``output_size`` (or ``output_ratio``
    times the input's size), as ``torch.nn.functional.fractional_max_pool2d``; with
    ``return_indices`` also the int64 indices h * W + w of the chosen places."""
    return _fractional_max_pool("fractional_max_pool2d", 2, input, kernel_size, output_size, output_ratio,
                                return_indices, _random_samples)


def fractional_max_pool3d(input: Tensor, kernel_size: Any, output_size: Any = None,  # noqa: A002
                          output_ratio: Any = None, return_indices: bool = False,
                          _random_samples: Tensor | None = None) -> Any:
    """Fractional max pooling of (N, C, T, H, W) or (C, T, H, W) to ``output_size`` (or ``output_ratio``
    times the input's size), as ``torch.nn.functional.fractional_max_pool3d``; with
    ``return_indices`` also the int64 indices (t H + h) W + w of the chosen places."""
    return _fractional_max_pool("fractional_max_pool3d", 3, input, kernel_size, output_size, output_ratio,
                                return_indices, _random_samples)


def fractional_max_pool2d_with_indices(input: Tensor, kernel_size: Any, output_size: Any = None,  # noqa: A002
                                       output_ratio: Any = None, return_indices: bool = False,
                                       _random_samples: Tensor | None = None) -> tuple[Tensor, Tensor]:
    """``fractional_max_pool2d`` returning (output, indices) whatever ``return_indices`` says, as PyTorch's."""
    return fractional_max_pool2d(input, kernel_size, output_size, output_ratio, True, _random_samples)


def fractional_max_pool3d_with_indices(input: Tensor, kernel_size: Any, output_size: Any = None,  # noqa: A002
                                       output_ratio: Any = None, return_indices: bool = False,
                                       _random_samples: Tensor | None = None) -> tuple[Tensor, Tensor]:
    """``fractional_max_pool3d`` returning (output, indices) whatever ``return_indices`` says, as PyTorch's."""
    return fractional_max_pool3d(input, kernel_size, output_size, output_ratio, True, _random_samples)


class _FractionalMaxPoolNd(Module):
    """The layer over :func:`fractional_max_pool2d` or :func:`fractional_max_pool3d` (``_dims`` axes)."""

    _dims = 2

    def __init__(self, kernel_size: Any, output_size: Any = None, output_ratio: Any = None,
                 return_indices: bool = False, _random_samples: Tensor | None = None) -> None:
        super().__init__()
        if output_size is None and output_ratio is None:
            raise ValueError(f"{type(self).__name__} requires specifying either an output size, or a pooling ratio")
        if output_ratio is not None and output_size is None:
            _ratios(output_ratio, self._dims)
        self.kernel_size, self.output_size, self.output_ratio = kernel_size, output_size, output_ratio
        self.return_indices, self._random_samples = return_indices, _random_samples

    def forward(self, x: Tensor) -> Any:
        pool = fractional_max_pool2d if self._dims == 2 else fractional_max_pool3d
        return pool(_check_tensor(self, x), self.kernel_size, self.output_size, self.output_ratio,
                    self.return_indices, self._random_samples)


class FractionalMaxPool2d(_FractionalMaxPoolNd):
    """Fractional max pooling of (N, C, H, W) or (C, H, W) (see :func:`fractional_max_pool2d`):
    windows of ``kernel_size`` at pseudo-random starts, to ``output_size`` or ``output_ratio``
    times the input's size; a fresh draw each call unless ``_random_samples`` is given."""


class FractionalMaxPool3d(_FractionalMaxPoolNd):
    """Fractional max pooling of (N, C, T, H, W) or (C, T, H, W) (see :func:`fractional_max_pool3d`):
    windows of ``kernel_size`` at pseudo-random starts, to ``output_size`` or ``output_ratio``
    times the input's size; a fresh draw each call unless ``_random_samples`` (N, C, 3) is given."""

    _dims = 3

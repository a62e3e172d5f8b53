"""Fractional max pooling (Graham 2014), as PyTorch's ``nn.FractionalMaxPool2d`` and
``F.fractional_max_pool2d``: a max pool whose windows (kh x kw) start at pseudo-random places,
so that an input of H rows shrinks to any OH rows (a ratio that need not be 1/2 or 1/3).

Along one axis of n_in places, with window k and n_out outputs, one uniform draw u in [0, 1)
per sample, channel and axis gives the starts

    alpha = (n_in - k) / (n_out - 1),  start_i = floor((i + u) alpha) - floor(u alpha)  (i < n_out - 1),
    start_{n_out - 1} = n_in - k,

computed in the input's dtype, as PyTorch's kernels compute them. The draws are ``_random_samples``
(N, C, 2) when given (the last axis: the width's u, then the height's), which makes the pool
deterministic and is how it is compared with PyTorch; otherwise minigan's generator draws them
(``manual_seed`` seeds it), as PyTorch's draws from its own. Each output is the window's largest
value (the first of ties, in row-major order) and its index is h * W + w in the input plane. The
output is the input indexed at those places, so its gradient adds g into each chosen place and
its second derivative is that of indexing (zero).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Tensor
from ..backends import backend_of
from ..ops.convolution import pair_argument
from ..torch_api.generators import default_generator
from .layers import _check_tensor
from .module import Module

__all__ = ["fractional_max_pool2d", "FractionalMaxPool2d"]

_NAME = "fractional_max_pool2d"


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


def _ratios(output_ratio: Any) -> tuple[float, float]:
    ratios = tuple(output_ratio) if isinstance(output_ratio, (tuple, list)) else (output_ratio, output_ratio)
    if len(ratios) != 2 or not all(isinstance(r, (int, float)) and not isinstance(r, bool) and 0 < r < 1
                                   for r in ratios):
        raise ValueError(f"output_ratio must be between 0 and 1 (got {output_ratio})")
    return float(ratios[0]), float(ratios[1])


def _output_size(height: int, width: int, output_size: Any, output_ratio: Any) -> tuple[int, int]:
    if output_size is not None:
        return pair_argument(_NAME, "output_size", output_size, 1)
    if output_ratio is None:
        raise ValueError("fractional_max_pool2d requires specifying either an output_size or an output_ratio")
    ratios = _ratios(output_ratio)
    out = (int(height * ratios[0]), int(width * ratios[1]))
    if min(out) < 1:
        raise ValueError(f"{_NAME}: output_ratio {output_ratio} leaves no output of the input {height}x{width}")
    return out


def _samples(x: Tensor, random_samples: Any) -> np.ndarray:
    n, c = x.shape[:2]
    backend = backend_of(x.array)
    dtype = backend.numpy_dtype(x.dtype)
    if random_samples is None:
        return default_generator().random((n, c, 2)).astype(dtype)
    if not isinstance(random_samples, Tensor):
        raise TypeError(f"{_NAME}: _random_samples must be a Tensor, got {type(random_samples).__name__}")
    if random_samples.ndim != 3 or random_samples.shape[2] != 2:
        raise RuntimeError(f"Expect _random_samples to be (N, C, 2); got {random_samples.shape}.")
    if random_samples.shape[:2] != (n, c):
        raise RuntimeError(f"Expect _random_samples of shape ({n}, {c}, 2) for an input of {n} samples of {c} "
                           f"channels; got {random_samples.shape}.")
    if random_samples.dtype != x.dtype:
        raise RuntimeError("Expect _random_samples to have the same dtype as input")
    return backend_of(random_samples.array).to_numpy(random_samples.array)


def fractional_max_pool2d(input: Tensor, kernel_size: Any, output_size: Any = None,  # noqa: A002
                          output_ratio: Any = None, return_indices: bool = False,
                          _random_samples: Tensor | None = None) -> Any:
    """Fractional max pooling of (N, C, H, W) or (C, H, W) to ``output_size`` (or ``output_ratio``
    times the input's size), as ``torch.nn.functional.fractional_max_pool2d``; with
    ``return_indices`` also the int64 indices h * W + w of the chosen places."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{_NAME}: expected a Tensor input, got {type(input).__name__}")
    if input.ndim not in (3, 4):
        raise ValueError(f"{_NAME}: expected input of shape (N, C, H, W) or (C, H, W), got {input.shape}")
    x = input.reshape((1,) + input.shape) if input.ndim == 3 else input
    backend = backend_of(x.array)
    if backend.numpy_dtype(x.dtype).kind != "f":
        raise RuntimeError(f"{_NAME}: expected a floating-point input, got {x.dtype}")
    kh, kw = pair_argument(_NAME, "kernel_size", kernel_size, 1)
    n, c, height, width = x.shape
    oh, ow = _output_size(height, width, output_size, output_ratio)
    for what, out, k, size in (("height", oh, kh, height), ("width", ow, kw, width)):
        if out + k - 1 > size:
            raise RuntimeError(f"{_NAME}(): pool {what} {k} too large relative to input {what} {size} "
                               f"(output {what} {out} + pool {what} - 1 must be at most {size})")
    samples = _samples(x, _random_samples)
    rows = window_starts(samples[..., 1], height, oh, kh)[..., :, None] + np.arange(kh)  # (N, C, OH, kh)
    cols = window_starts(samples[..., 0], width, ow, kw)[..., :, None] + np.arange(kw)  # (N, C, OW, kw)
    places = rows[:, :, :, None, :, None] * width + cols[:, :, None, :, None, :]  # (N, C, OH, OW, kh, kw)
    places = places.reshape(n, c, oh, ow, kh * kw)
    xp = backend.xp
    flat = x.reshape(n, c, height * width)
    batch = backend.asarray(np.arange(n).reshape(n, 1, 1, 1, 1))
    channel = backend.asarray(np.arange(c).reshape(1, c, 1, 1, 1))
    windows = flat.array[batch, channel, backend.asarray(places)]
    winner = backend.to_numpy(xp.argmax(windows, axis=-1))[..., None]
    indices = np.take_along_axis(places, winner, axis=-1)[..., 0]  # (N, C, OH, OW)
    out = flat[batch[..., 0], channel[..., 0], backend.asarray(indices)]
    if input.ndim == 3:
        out, indices = out.reshape(out.shape[1:]), indices[0]
    if not return_indices:
        return out
    return out, Tensor._make(backend.asarray(indices), False, None)


class FractionalMaxPool2d(Module):
    """Fractional max pooling of (N, C, H, W) or (C, H, W) (see :func:`fractional_max_pool2d`):
    windows of ``kernel_size`` at pseudo-random starts, to ``output_size`` or ``output_ratio``
    times the input's size; a fresh draw each call unless ``_random_samples`` is given."""

    def __init__(self, kernel_size: Any, output_size: Any = None, output_ratio: Any = None,
                 return_indices: bool = False, _random_samples: Tensor | None = None) -> None:
        super().__init__()
        if output_size is None and output_ratio is None:
            raise ValueError("FractionalMaxPool2d requires specifying either an output size, or a pooling ratio")
        if output_ratio is not None and output_size is None:
            _ratios(output_ratio)
        self.kernel_size, self.output_size, self.output_ratio = kernel_size, output_size, output_ratio
        self.return_indices, self._random_samples = return_indices, _random_samples

    def forward(self, x: Tensor) -> Any:
        return fractional_max_pool2d(_check_tensor(self, x), self.kernel_size, self.output_size, self.output_ratio,
                                     self.return_indices, self._random_samples)

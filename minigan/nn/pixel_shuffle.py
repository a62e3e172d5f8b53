"""Pixel shuffle (sub-pixel convolution's upsampling, as in SRGAN and ESPCN) and its inverse, as
PyTorch's ``nn.PixelShuffle``, ``nn.PixelUnshuffle``, ``F.pixel_shuffle`` and ``F.pixel_unshuffle``.

pixel_shuffle moves channel c r^2 + i r + j of (*, C r^2, H, W) to place (h r + i, w r + j) of
channel c in (*, C, H r, W r); pixel_unshuffle is its inverse. Both are a reshape, a permutation of
axes and a reshape, so their gradients are the ops' own (the inverse rearrangement).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Tensor
from .layers import _check_tensor
from .module import Module


def _factor(name: str, what: str, factor: Any) -> int:
    if isinstance(factor, bool) or not isinstance(factor, (int, np.integer)):
        raise TypeError(f"{name}(): argument '{what}' must be int, not {type(factor).__name__}")
    if factor < 1:
        raise RuntimeError(f"{name} expects a positive {what}, but got {factor}")
    return int(factor)


def _at_least_3d(name: str, input: Any) -> Tensor:  # noqa: A002
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): expected a Tensor input, got {type(input).__name__}")
    if input.ndim < 3:
        raise RuntimeError(f"{name} expects input to have at least 3 dimensions, but got input with "
                           f"{input.ndim} dimension(s)")
    return input


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:  # noqa: A002
    """(*, C r^2, H, W) -> (*, C, H r, W r), r = upscale_factor: out[..., c, h r + i, w r + j] =
    in[..., c r^2 + i r + j, h, w]."""
    r = _factor("pixel_shuffle", "upscale_factor", upscale_factor)
    x = _at_least_3d("pixel_shuffle", input)
    *lead, channels, h, w = x.shape
    if channels % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of "
                           f"upscale_factor, but input.size(-3)={channels} is not divisible by {r * r}")
    k = len(lead)
    split = x.reshape(tuple(lead) + (channels // (r * r), r, r, h, w))  # (..., c, i, j, h, w)
    moved = split.permute(*range(k), k, k + 3, k + 1, k + 4, k + 2)  # (..., c, h, i, w, j)
    return moved.reshape(tuple(lead) + (channels // (r * r), h * r, w * r))


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:  # noqa: A002
    """(*, C, H r, W r) -> (*, C r^2, H, W), r = downscale_factor: the inverse of :func:`pixel_shuffle`."""
    r = _factor("pixel_unshuffle", "downscale_factor", downscale_factor)
    x = _at_least_3d("pixel_unshuffle", input)
    *lead, channels, h, w = x.shape
    for what, size, axis in (("height", h, -2), ("width", w, -1)):
        if size % r:
            raise RuntimeError(f"pixel_unshuffle expects {what} to be divisible by downscale_factor, but "
                               f"input.size({axis})={size} is not divisible by {r}")
    k = len(lead)
    split = x.reshape(tuple(lead) + (channels, h // r, r, w // r, r))  # (..., c, h, i, w, j)
    moved = split.permute(*range(k), k, k + 2, k + 4, k + 1, k + 3)  # (..., c, i, j, h, w)
    return moved.reshape(tuple(lead) + (channels * r * r, h // r, w // r))


class PixelShuffle(Module):
    """(*, C r^2, H, W) -> (*, C, H r, W r), r = upscale_factor: the channels' r x r blocks laid out as
    pixels (SRGAN's upsampling after a convolution to 4 C channels)."""

    def __init__(self, upscale_factor: int) -> None:
        super().__init__()
        self.upscale_factor = _factor("PixelShuffle", "upscale_factor", upscale_factor)

    def forward(self, x: Tensor) -> Tensor:
        return pixel_shuffle(_check_tensor(self, x), self.upscale_factor)

    def extra_repr(self) -> str:
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """(*, C, H r, W r) -> (*, C r^2, H, W), r = downscale_factor: the inverse of :class:`PixelShuffle`."""

    def __init__(self, downscale_factor: int) -> None:
        super().__init__()
        self.downscale_factor = _factor("PixelUnshuffle", "downscale_factor", downscale_factor)

    def forward(self, x: Tensor) -> Tensor:
        return pixel_unshuffle(_check_tensor(self, x), self.downscale_factor)

    def extra_repr(self) -> str:
        return f"downscale_factor={self.downscale_factor}"


__all__ = ["pixel_shuffle", "pixel_unshuffle", "PixelShuffle", "PixelUnshuffle"]

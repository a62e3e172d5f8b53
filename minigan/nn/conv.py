"""Convolution, pooling, upsampling and Unflatten layers, with PyTorch's argument names,
weight layouts (so state_dict shapes match) and default initialisation.

The computations are the ops of :mod:`minigan.conv`; these classes hold the parameters and
the settings.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .. import ops
from ..autograd import Tensor
from .conv_base import _ConvForward, _ConvTransposeBase
from .layers import _check_tensor
from .module import Module
from .pool_base import _AvgPoolBase, _MaxPoolBase


class Conv2d(_ConvForward):
    """2-D convolution (cross-correlation): (N, in_channels, H, W) -> (N, out_channels, OH, OW),
    OH = floor((H + 2 padding - dilation (kh - 1) - 1) / stride) + 1; padding an int, a pair, "valid" or
    "same". Weight (out, in / groups, kh, kw).

    ``padding_mode`` "reflect", "replicate" or "circular" pads with F.pad first, as PyTorch's."""

    fuses_activation = True  # Sequential reads it from the class itself: forward takes the activation after it
    _function = staticmethod(ops.conv2d)

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 dilation: Any = 1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 rng: np.random.Generator | None = None, dtype: Any = np.float32) -> None:
        super().__init__("Conv2d", 2, in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, False, rng, dtype)


class ConvTranspose2d(_ConvTransposeBase):
    """Transposed 2-D convolution (the gradient of Conv2d with respect to its input):
    (N, in_channels, H, W) -> (N, out_channels, OH, OW), OH = (H - 1) stride - 2 padding
    + dilation (kh - 1) + output_padding + 1. Weight (in, out / groups, kh, kw), as PyTorch;
    ``forward(x, output_size)`` picks the output_padding that gives that size."""

    fuses_activation = True
    _function = staticmethod(ops.conv_transpose2d)

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 output_padding: Any = 0, groups: int = 1, bias: bool = True, dilation: Any = 1,
                 padding_mode: str = "zeros", rng: np.random.Generator | None = None, dtype: Any = np.float32) -> None:
        super().__init__("ConvTranspose2d", 2, in_channels, out_channels, kernel_size, stride, padding,
                         output_padding, groups, bias, dilation, padding_mode, rng, dtype)


class MaxPool2d(_MaxPoolBase):
    """The maximum over each kernel window; stride defaults to kernel_size. ``ceil_mode`` keeps a
    last, partial window; ``return_indices`` gives (values, each winner's place h * W + w)."""

    _function = staticmethod(ops.max_pool2d)


class AvgPool2d(_AvgPoolBase):
    """The mean over each kernel window; stride defaults to kernel_size; ``ceil_mode`` keeps a last,
    partial window, divided as PyTorch's."""

    _function = staticmethod(ops.avg_pool2d)


class Upsample(Module):
    """Resizing of (N, C, H, W) to ``size`` or by ``scale_factor``: ``mode="nearest"`` copies
    pixels, ``mode="bilinear"`` interpolates them as PyTorch's (with or without ``align_corners``)."""

    def __init__(self, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
                 align_corners: bool | None = None, recompute_scale_factor: bool | None = None) -> None:
        super().__init__()
        if mode not in ("nearest", "bilinear"):
            raise NotImplementedError(f"Upsample: mode={mode!r} is not supported; minigan has 'nearest' and 'bilinear'")
        if align_corners is not None and mode == "nearest":
            raise ValueError("Upsample: align_corners can only be set with mode='bilinear'")
        if recompute_scale_factor:
            raise NotImplementedError("Upsample: recompute_scale_factor is not supported")
        if (size is None) == (scale_factor is None):
            raise ValueError("Upsample: give exactly one of size and scale_factor")
        self.size, self.scale_factor, self.mode, self.align_corners = size, scale_factor, mode, align_corners

    def forward(self, x: Tensor) -> Tensor:
        if self.mode == "bilinear":
            return ops.upsample_bilinear(_check_tensor(self, x), self.size, self.scale_factor, bool(self.align_corners))
        return ops.upsample_nearest(_check_tensor(self, x), self.size, self.scale_factor)

    def extra_repr(self) -> str:
        """PyTorch's: the scale factor as floats, the mode, no align_corners."""
        if self.size is not None:
            return f"size={self.size}, mode='{self.mode}'"
        factor = self.scale_factor
        factor = tuple(float(f) for f in factor) if isinstance(factor, (tuple, list)) else float(factor)
        return f"scale_factor={factor}, mode='{self.mode}'"


class Unflatten(Module):
    """Split axis ``dim`` into ``unflattened_size``: (N, 784) -> (N, 1, 28, 28) with
    ``Unflatten(1, (1, 28, 28))``."""

    def __init__(self, dim: int, unflattened_size: Sequence[int]) -> None:
        super().__init__()
        sizes = tuple(unflattened_size)
        if not sizes or not all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) and (n > 0 or n == -1)
                                for n in sizes) or sizes.count(-1) > 1:
            raise ValueError(f"Unflatten: unflattened_size must be positive ints (at most one -1), got {unflattened_size!r}")
        self.dim, self.unflattened_size = int(dim), sizes

    def forward(self, x: Tensor) -> Tensor:
        x = _check_tensor(self, x)
        if not -x.ndim <= self.dim < x.ndim:
            raise ValueError(f"{self!r}: dim {self.dim} is out of range for input of shape {x.shape}")
        dim = self.dim % x.ndim
        known = int(np.prod([n for n in self.unflattened_size if n != -1], dtype=np.int64))
        size = x.shape[dim]
        if (-1 in self.unflattened_size and size % known) or (-1 not in self.unflattened_size and size != known):
            raise ValueError(f"{self!r}: axis {dim} of input shape {x.shape} has {size} values, which do not split "
                             f"into {self.unflattened_size}")
        sizes = tuple(size // known if n == -1 else n for n in self.unflattened_size)
        return x.reshape(x.shape[:dim] + sizes + x.shape[dim + 1:])

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


__all__ = ["Conv2d", "ConvTranspose2d", "MaxPool2d", "AvgPool2d", "Upsample", "Unflatten"]

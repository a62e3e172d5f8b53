"""3-d convolution layers on (N, C, D, H, W) (video, voxels), with PyTorch's argument names, weight
shapes ((out, in / groups, kd, kh, kw) for Conv3d, (in, out / groups, kd, kh, kw) for
ConvTranspose3d, so state_dicts load), int-or-triple settings and default initialisation. The
computations are :mod:`minigan.ops.convolution3d`'s (the 3-d windows and a matrix product)."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..ops.convolution3d import conv3d, conv_transpose3d
from .conv_base import _ConvForward, _ConvTransposeBase


class Conv3d(_ConvForward):
    """3-d convolution (cross-correlation): (N, in_channels, D, H, W) -> (N, out_channels, OD, OH, OW),
    each out = floor((in + 2 padding - dilation (k - 1) - 1) / stride) + 1; padding an int, a triple,
    "valid" or "same"; ``padding_mode`` "zeros", "reflect", "replicate" or "circular".
    Weight (out, in / groups, kd, kh, kw)."""

    fuses_activation = True  # Sequential reads it from the class itself: forward takes the activation after it
    _function = staticmethod(conv3d)

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 dilation: Any = 1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 rng: np.random.Generator | None = None, dtype: Any = np.float32) -> None:
        super().__init__("Conv3d", 3, in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, False, rng, dtype)


class ConvTranspose3d(_ConvTransposeBase):
    """Transposed 3-d convolution (Conv3d's gradient in its input): (N, in_channels, D, H, W) ->
    (N, out_channels, OD, OH, OW), each out = (in - 1) stride - 2 padding + dilation (k - 1) +
    output_padding + 1. Weight (in, out / groups, kd, kh, kw), as PyTorch; ``forward(x, output_size)``
    picks the output_padding that gives that size."""

    fuses_activation = True
    _function = staticmethod(conv_transpose3d)

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 output_padding: Any = 0, groups: int = 1, bias: bool = True, dilation: Any = 1,
                 padding_mode: str = "zeros", rng: np.random.Generator | None = None, dtype: Any = np.float32) -> None:
        super().__init__("ConvTranspose3d", 3, in_channels, out_channels, kernel_size, stride, padding,
                         output_padding, groups, bias, dilation, padding_mode, rng, dtype,
                         padding_text="an int or a tuple of three ints")


__all__ = ["Conv3d", "ConvTranspose3d"]

"""1-d convolution and pooling layers on (N, C, L), with PyTorch's argument names, weight shapes
((out, in, k) for Conv1d, (in, out, k) for ConvTranspose1d, so state_dicts load), 1-tuple settings
(``kernel_size=(3,)``) and default initialisation. The computations are
:mod:`minigan.ops.convolution1d`'s (the 2-d ops on a height of 1)."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Tensor
from ..ops.convolution1d import (
    adaptive_avg_pool1d, adaptive_max_pool1d, avg_pool1d, conv1d, conv_transpose1d, max_pool1d, single_argument,
)
from .conv_base import _ConvForward, _ConvTransposeBase
from .layers import _check_tensor
from .module import Module
from .pool_base import _AdaptiveMaxPoolBase, _AdaptivePoolBase


def _check_output_size(name: str, output_size: Any) -> None:
    single_argument(name, "output_size", output_size, 0)


class Conv1d(_ConvForward):
    """1-d convolution (cross-correlation): (N, in_channels, L) -> (N, out_channels, OL),
    OL = floor((L + 2 padding - dilation (k - 1) - 1) / stride) + 1; padding an int, "valid" or
    "same"; ``padding_mode`` "zeros", "reflect", "replicate" or "circular". Weight (out, in / groups, k)."""

    fuses_activation = True  # Sequential reads it from the class itself: forward takes the activation after it
    _function = staticmethod(conv1d)

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 dilation: Any = 1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 rng: np.random.Generator | None = None, dtype: Any = np.float32) -> None:
        super().__init__("Conv1d", 1, in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, False, rng, dtype)


class ConvTranspose1d(_ConvTransposeBase):
    """Transposed 1-d convolution (Conv1d's gradient in its input): (N, in_channels, L) ->
    (N, out_channels, OL), OL = (L - 1) stride - 2 padding + dilation (k - 1) + output_padding + 1.
    Weight (in, out / groups, k), as PyTorch; ``forward(x, output_size)`` picks the output_padding
    that gives that length."""

    fuses_activation = True
    _function = staticmethod(conv_transpose1d)

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 output_padding: Any = 0, groups: int = 1, bias: bool = True, dilation: Any = 1,
                 padding_mode: str = "zeros", rng: np.random.Generator | None = None, dtype: Any = np.float32) -> None:
        super().__init__("ConvTranspose1d", 1, in_channels, out_channels, kernel_size, stride, padding,
                         output_padding, groups, bias, dilation, padding_mode, rng, dtype, padding_text="an int")


class MaxPool1d(Module):
    """The maximum over each window of (N, C, L); stride defaults to kernel_size."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
                 return_indices: bool = False, ceil_mode: bool = False) -> None:
        super().__init__()
        self.kernel_size, self.stride = kernel_size, kernel_size if stride is None else stride
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = bool(return_indices), bool(ceil_mode)

    def forward(self, x: Tensor) -> Any:
        return max_pool1d(_check_tensor(self, x), self.kernel_size, self.stride, self.padding, self.dilation,
                          self.ceil_mode, self.return_indices)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class AvgPool1d(Module):
    """The mean over each window of (N, C, L); stride defaults to kernel_size."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
                 count_include_pad: bool = True) -> None:
        super().__init__()
        self.kernel_size = (single_argument("AvgPool1d", "kernel_size", kernel_size, 1),)
        self.stride = self.kernel_size if stride is None else (single_argument("AvgPool1d", "stride", stride, 1),)
        self.padding = (single_argument("AvgPool1d", "padding", padding, 0),)
        self.ceil_mode, self.count_include_pad = bool(ceil_mode), count_include_pad

    def forward(self, x: Tensor) -> Tensor:
        return avg_pool1d(_check_tensor(self, x), self.kernel_size, self.stride, self.padding, self.ceil_mode,
                          self.count_include_pad)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool1d(_AdaptivePoolBase):
    """The mean over each of output_size's bins: (N, C, L) -> (N, C, OL); bin i spans
    floor(i L / OL) to ceil((i + 1) L / OL), as PyTorch's."""

    _function, _check = staticmethod(adaptive_avg_pool1d), staticmethod(_check_output_size)


class AdaptiveMaxPool1d(_AdaptiveMaxPoolBase):
    """The maximum over each of output_size's bins (as :class:`AdaptiveAvgPool1d`'s); with
    ``return_indices``, (values, each winner's place)."""

    _function, _check = staticmethod(adaptive_max_pool1d), staticmethod(_check_output_size)


__all__ = ["Conv1d", "ConvTranspose1d", "MaxPool1d", "AvgPool1d", "AdaptiveAvgPool1d", "AdaptiveMaxPool1d"]

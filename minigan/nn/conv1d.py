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
from ..ops.padding import pad
from .conv import _ConvNd, check_channels, output_padding_for
from .layers import _check_tensor
from .module import Module, Parameter


class _Conv1dBase(Module):
    """What Conv1d and ConvTranspose1d share: the settings, the parameters and PyTorch's init."""

    reset_parameters = _ConvNd.reset_parameters  # kaiming_uniform_(a=sqrt(5)); fan_in = weight.shape[1] * k

    def __init__(self, name: str, in_channels: int, out_channels: int, kernel_size: Any, stride: Any, padding: Any,
                 dilation: Any, groups: int, bias: bool, padding_mode: str, transposed: bool,
                 rng: np.random.Generator | None, dtype: Any) -> None:
        super().__init__()
        check_channels(name, in_channels, out_channels, groups, padding_mode)
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        self.kernel_size = (single_argument(name, "kernel_size", kernel_size, 1),)
        self.stride = (single_argument(name, "stride", stride, 1),)
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"{name}: invalid padding string {padding!r}; expected 'valid', 'same' or an int")
            if padding == "same" and self.stride != (1,):
                raise ValueError(f"{name}: padding='same' is not supported for strided convolutions")
            self.padding: Any = padding
        else:
            self.padding = (single_argument(name, "padding", padding, 0),)
        self.dilation = (single_argument(name, "dilation", dilation, 1),)
        self.groups, self.padding_mode = int(groups), padding_mode
        shape = ((self.in_channels, self.out_channels // self.groups) if transposed
                 else (self.out_channels, self.in_channels // self.groups))
        self.weight = Parameter(np.empty(shape + self.kernel_size, dtype=dtype))
        if bias:
            self.bias = Parameter(np.empty((self.out_channels,), dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters(rng)

    def extra_repr(self) -> str:
        text = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,):
            text += f", padding={self.padding}"
        if self.dilation != (1,):
            text += f", dilation={self.dilation}"
        if getattr(self, "output_padding", (0,)) != (0,):
            text += f", output_padding={self.output_padding}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        return text + ("" if self.padding_mode == "zeros" else f", padding_mode={self.padding_mode}")


class Conv1d(_Conv1dBase):
    """1-d convolution (cross-correlation): (N, in_channels, L) -> (N, out_channels, OL),
    OL = floor((L + 2 padding - dilation (k - 1) - 1) / stride) + 1; padding an int, "valid" or
    "same"; ``padding_mode`` "zeros", "reflect", "replicate" or "circular". Weight (out, in / groups, k)."""

    fuses_activation = True  # Sequential reads it from the class itself: forward takes the activation after it

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 dilation: Any = 1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 rng: np.random.Generator | None = None, dtype: Any = np.float32) -> None:
        super().__init__("Conv1d", in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, False, rng, dtype)

    def forward(self, x: Tensor, activation: str = "none", negative_slope: float = 0.01) -> Tensor:
        """The convolution, then ``activation`` (what Sequential passes for a following activation
        layer), fused with the bias. Other padding modes pad first (F.pad), then convolve unpadded."""
        x, padding = _check_tensor(self, x), self.padding
        if self.padding_mode != "zeros" and padding != "valid":
            if padding == "same":
                total = self.dilation[0] * (self.kernel_size[0] - 1)
                widths = (total // 2, total - total // 2)
            else:
                widths = (padding[0], padding[0])
            x, padding = pad(x, widths, self.padding_mode), 0
        return conv1d(x, self.weight, self.bias, self.stride, padding, self.dilation, self.groups,
                      activation=activation, negative_slope=negative_slope)


class ConvTranspose1d(_Conv1dBase):
    """Transposed 1-d convolution (Conv1d's gradient in its input): (N, in_channels, L) ->
    (N, out_channels, OL), OL = (L - 1) stride - 2 padding + dilation (k - 1) + output_padding + 1.
    Weight (in, out / groups, k), as PyTorch; ``forward(x, output_size)`` picks the output_padding
    that gives that length."""

    fuses_activation = True

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 output_padding: Any = 0, groups: int = 1, bias: bool = True, dilation: Any = 1,
                 padding_mode: str = "zeros", rng: np.random.Generator | None = None, dtype: Any = np.float32) -> None:
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for ConvTranspose1d, got {padding_mode!r}')
        if isinstance(padding, str):
            raise ValueError(f"ConvTranspose1d: padding must be an int, got {padding!r}")
        super().__init__("ConvTranspose1d", in_channels, out_channels, kernel_size, stride, padding, dilation, groups,
                         bias, padding_mode, True, rng, dtype)
        self.output_padding = (single_argument("ConvTranspose1d", "output_padding", output_padding, 0),)
        if self.output_padding[0] >= max(self.stride[0], self.dilation[0]):
            raise ValueError(f"ConvTranspose1d: output_padding {self.output_padding} must be smaller than the stride "
                             f"{self.stride} or the dilation {self.dilation}")

    def forward(self, x: Tensor, output_size: Any = None, activation: str = "none",
                negative_slope: float = 0.01) -> Tensor:
        """The transposed convolution, then ``activation`` fused with the bias (as Conv1d). An
        ``output_size`` (OL,), or (N, C, OL) as ``x.shape`` reads, replaces ``output_padding``."""
        x = _check_tensor(self, x)
        extra = self.output_padding[0] if output_size is None else output_padding_for(
            "ConvTranspose1d", x, output_size, self.stride, self.padding, self.dilation, self.kernel_size)[0]
        return conv_transpose1d(x, self.weight, self.bias, self.stride, self.padding, extra, self.groups,
                                self.dilation, activation=activation, negative_slope=negative_slope)


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


class AdaptiveAvgPool1d(Module):
    """The mean over each of output_size's bins: (N, C, L) -> (N, C, OL); bin i spans
    floor(i L / OL) to ceil((i + 1) L / OL), as PyTorch's."""

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        single_argument("AdaptiveAvgPool1d", "output_size", output_size, 1)
        self.output_size = output_size

    def forward(self, x: Tensor) -> Tensor:
        return adaptive_avg_pool1d(_check_tensor(self, x), self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveMaxPool1d(Module):
    """The maximum over each of output_size's bins (as :class:`AdaptiveAvgPool1d`'s); with
    ``return_indices``, (values, each winner's place)."""

    def __init__(self, output_size: Any, return_indices: bool = False) -> None:
        super().__init__()
        single_argument("AdaptiveMaxPool1d", "output_size", output_size, 1)
        self.output_size, self.return_indices = output_size, bool(return_indices)

    def forward(self, x: Tensor) -> Any:
        return adaptive_max_pool1d(_check_tensor(self, x), self.output_size, self.return_indices)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


__all__ = ["Conv1d", "ConvTranspose1d", "MaxPool1d", "AvgPool1d", "AdaptiveAvgPool1d", "AdaptiveMaxPool1d"]

"""3-d convolution layers on (N, C, D, H, W) (video, voxels), with PyTorch's argument names, weight
shapes ((out, in / groups, kd, kh, kw) for Conv3d, (in, out / groups, kd, kh, kw) for
ConvTranspose3d, so state_dicts load), int-or-triple settings and default initialisation. The
computations are :mod:`minigan.ops.convolution3d`'s (the 2-d ops over the kernel's depth taps)."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Tensor
from ..ops.convolution3d import conv3d, conv_transpose3d, triple_argument
from ..ops.padding import pad
from .conv import _ConvNd, check_channels, output_padding_for
from .layers import _check_tensor
from .module import Module, Parameter


class _Conv3dBase(Module):
    """What Conv3d and ConvTranspose3d share: the settings, the parameters and PyTorch's init."""

    reset_parameters = _ConvNd.reset_parameters  # kaiming_uniform_(a=sqrt(5)); fan_in = weight.shape[1] * kd kh kw

    def __init__(self, name: str, in_channels: int, out_channels: int, kernel_size: Any, stride: Any, padding: Any,
                 dilation: Any, groups: int, bias: bool, padding_mode: str, transposed: bool,
                 rng: np.random.Generator | None, dtype: Any) -> None:
        super().__init__()
        check_channels(name, in_channels, out_channels, groups, padding_mode)
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        self.kernel_size = triple_argument(name, "kernel_size", kernel_size, 1)
        self.stride = triple_argument(name, "stride", stride, 1)
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"{name}: invalid padding string {padding!r}; expected 'valid', 'same' or an int")
            if padding == "same" and self.stride != (1, 1, 1):
                raise ValueError(f"{name}: padding='same' is not supported for strided convolutions")
            self.padding: Any = padding
        else:
            self.padding = triple_argument(name, "padding", padding, 0)
        self.dilation = triple_argument(name, "dilation", dilation, 1)
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
        for what, default in (("padding", (0, 0, 0)), ("dilation", (1, 1, 1)), ("output_padding", (0, 0, 0))):
            if getattr(self, what, default) != default:
                text += f", {what}={getattr(self, what)}"
        text += "" if self.groups == 1 else f", groups={self.groups}"
        text += "" if self.bias is not None else ", bias=False"
        return text + ("" if self.padding_mode == "zeros" else f", padding_mode={self.padding_mode}")


class Conv3d(_Conv3dBase):
    """3-d convolution (cross-correlation): (N, in_channels, D, H, W) -> (N, out_channels, OD, OH, OW),
    each out = floor((in + 2 padding - dilation (k - 1) - 1) / stride) + 1; padding an int, a triple,
    "valid" or "same"; ``padding_mode`` "zeros", "reflect", "replicate" or "circular".
    Weight (out, in / groups, kd, kh, kw)."""

    fuses_activation = True  # Sequential reads it from the class itself: forward takes the activation after it

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 dilation: Any = 1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 rng: np.random.Generator | None = None, dtype: Any = np.float32) -> None:
        super().__init__("Conv3d", in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, False, rng, dtype)

    def forward(self, x: Tensor, activation: str = "none", negative_slope: float = 0.01) -> Tensor:
        """The convolution, then ``activation`` (what Sequential passes for a following activation
        layer), fused with the bias. Other padding modes pad first (F.pad), then convolve unpadded."""
        x, padding = _check_tensor(self, x), self.padding
        if self.padding_mode != "zeros" and padding != "valid":
            if padding == "same":
                totals = [d * (k - 1) for d, k in zip(self.dilation, self.kernel_size)]
                widths = [(t // 2, t - t // 2) for t in totals]
            else:
                widths = [(p, p) for p in padding]
            x, padding = pad(x, widths[2] + widths[1] + widths[0], self.padding_mode), 0
        return conv3d(x, self.weight, self.bias, self.stride, padding, self.dilation, self.groups,
                      activation=activation, negative_slope=negative_slope)


class ConvTranspose3d(_Conv3dBase):
    """Transposed 3-d convolution (Conv3d's gradient in its input): (N, in_channels, D, H, W) ->
    (N, out_channels, OD, OH, OW), each out = (in - 1) stride - 2 padding + dilation (k - 1) +
    output_padding + 1. Weight (in, out / groups, kd, kh, kw), as PyTorch; ``forward(x, output_size)``
    picks the output_padding that gives that size."""

    fuses_activation = True

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 output_padding: Any = 0, groups: int = 1, bias: bool = True, dilation: Any = 1,
                 padding_mode: str = "zeros", rng: np.random.Generator | None = None, dtype: Any = np.float32) -> None:
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for ConvTranspose3d, got {padding_mode!r}')
        if isinstance(padding, str):
            raise ValueError(f"ConvTranspose3d: padding must be an int or a tuple of three ints, got {padding!r}")
        super().__init__("ConvTranspose3d", in_channels, out_channels, kernel_size, stride, padding, dilation, groups,
                         bias, padding_mode, True, rng, dtype)
        self.output_padding = triple_argument("ConvTranspose3d", "output_padding", output_padding, 0)
        if any(e >= max(s, d) for e, s, d in zip(self.output_padding, self.stride, self.dilation)):
            raise ValueError(f"ConvTranspose3d: output_padding {self.output_padding} must be smaller than the stride "
                             f"{self.stride} or the dilation {self.dilation}")

    def forward(self, x: Tensor, output_size: Any = None, activation: str = "none",
                negative_slope: float = 0.01) -> Tensor:
        """The transposed convolution, then ``activation`` fused with the bias (as Conv3d). An
        ``output_size`` (OD, OH, OW), or the output's whole shape, replaces ``output_padding``."""
        x = _check_tensor(self, x)
        extra = self.output_padding
        if output_size is not None:
            sizes = list(output_size) if isinstance(output_size, (tuple, list)) else [output_size]
            if len(sizes) not in (3, x.ndim):
                raise ValueError(f"ConvTranspose3d: output_size must be (D, H, W) or the output's whole shape, got "
                                 f"{output_size!r} for input of shape {tuple(x.shape)}")
            extra = output_padding_for("ConvTranspose3d", x, sizes, self.stride, self.padding, self.dilation,
                                       self.kernel_size)
        return conv_transpose3d(x, self.weight, self.bias, self.stride, self.padding, extra, self.groups,
                                self.dilation, activation=activation, negative_slope=negative_slope)


__all__ = ["Conv3d", "ConvTranspose3d"]

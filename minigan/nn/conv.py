"""Convolution, pooling, upsampling and Unflatten layers, with PyTorch's argument names,
weight layouts (so state_dict shapes match) and default initialisation.

The computations are the ops of :mod:`minigan.conv`; these classes hold the parameters and
the settings.
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from .. import ops
from ..autograd import Tensor
from . import init
from .layers import _check_tensor
from .module import Module, Parameter

Pair = tuple[int, int]
PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _module_pair(layer: str, what: str, value: Any, minimum: int) -> Pair:
    return ops.convolution.pair_argument(layer, what, value, minimum)


def check_channels(name: str, in_channels: Any, out_channels: Any, groups: Any, padding_mode: str) -> None:
    """A convolution layer's channel counts, groups and padding mode, each wrong one in one line
    (the 1-d and 2-d layers share this)."""
    for what, value in (("in_channels", in_channels), ("out_channels", out_channels)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name}: {what} must be a positive int, got {value!r}")
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)) or groups < 1:
        raise ValueError(f"{name}: groups must be a positive int, got {groups!r}")
    for what, value in (("in_channels", in_channels), ("out_channels", out_channels)):
        if value % groups:
            raise ValueError(f"{name}: {what} must be divisible by groups, got {value} and groups={groups}")
    if padding_mode not in PADDING_MODES:
        raise ValueError(f"{name}: padding_mode must be one of {PADDING_MODES}, got {padding_mode!r}")


def output_padding_for(name: str, x: Tensor, output_size: Any, stride: tuple[int, ...], padding: tuple[int, ...],
                       dilation: tuple[int, ...], kernel_size: tuple[int, ...]) -> tuple[int, ...]:
    """The output_padding that makes a transposed convolution's output ``output_size`` (the
    spatial sizes, or the output's whole shape as ``x.shape`` reads), each size between the
    shortest output (output_padding 0) and that plus stride - 1, as PyTorch's."""
    dims = len(stride)
    sizes = list(output_size) if isinstance(output_size, (tuple, list)) else [output_size]
    if len(sizes) == x.ndim:  # the whole shape: its spatial sizes
        sizes = sizes[-dims:]
    if len(sizes) != dims or any(isinstance(s, bool) or not isinstance(s, (int, np.integer)) for s in sizes):
        spatial = "(L,)" if dims == 1 else "(H, W)"
        raise ValueError(f"{name}: output_size must be {spatial} or the output's whole shape, got "
                         f"{output_size!r} for input of shape {tuple(x.shape)}")
    inputs = x.shape[x.ndim - dims:]
    shortest = [(n - 1) * s - 2 * p + d * (k - 1) + 1
                for n, s, p, d, k in zip(inputs, stride, padding, dilation, kernel_size)]
    longest = [low + s - 1 for low, s in zip(shortest, stride)]
    if not all(low <= int(size) <= high for size, low, high in zip(sizes, shortest, longest)):
        raise ValueError(f"{name}: requested an output size of {[int(size) for size in sizes]}, but valid sizes "
                         f"range from {shortest} to {longest} (for an input of {list(inputs)})")
    return tuple(int(size) - low for size, low in zip(sizes, shortest))


class _ConvNd(Module):
    """What Conv2d and ConvTranspose2d share: the settings, the parameters and their init."""

    def __init__(self, name: str, in_channels: int, out_channels: int, kernel_size: Any, stride: Any,
                 padding: Any, dilation: Any, groups: int, bias: bool, padding_mode: str,
                 weight_shape: tuple[int, ...], rng: np.random.Generator | None, dtype: Any) -> None:
        super().__init__()
        check_channels(name, in_channels, out_channels, groups, padding_mode)
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        self.kernel_size = _module_pair(name, "kernel_size", kernel_size, 1)
        self.stride = _module_pair(name, "stride", stride, 1)
        self.padding = _module_pair(name, "padding", padding, 0)
        self.dilation = _module_pair(name, "dilation", dilation, 1)
        self.groups, self.padding_mode = int(groups), padding_mode
        weight_shape = (weight_shape[0], weight_shape[1] // self.groups)
        self.weight = Parameter(np.empty(weight_shape + self.kernel_size, dtype=dtype))
        if bias:
            self.bias = Parameter(np.empty((self.out_channels,), dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters(rng)

    def reset_parameters(self, rng: np.random.Generator | None = None) -> None:
        """PyTorch's default: weight by kaiming_uniform_(a=sqrt(5)), i.e. U(-1/sqrt(fan_in),
        1/sqrt(fan_in)) with fan_in = weight.shape[1] * kh * kw, and the bias from the same range."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5), rng=rng)
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
            init.uniform_(self.bias, -bound, bound, rng=rng)

    def extra_repr(self) -> str:
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}")
        if self.padding != (0, 0):
            text += f", padding={self.padding}"
        if self.dilation != (1, 1):
            text += f", dilation={self.dilation}"
        if getattr(self, "output_padding", (0, 0)) != (0, 0):
            text += f", output_padding={self.output_padding}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        text += "" if self.bias is not None else ", bias=False"
        return text + ("" if self.padding_mode == "zeros" else f", padding_mode={self.padding_mode}")


class Conv2d(_ConvNd):
    """2-D convolution (cross-correlation): (N, in_channels, H, W) -> (N, out_channels, OH, OW),
    OH = floor((H + 2 padding - dilation (kh - 1) - 1) / stride) + 1. Weight (out, in / groups, kh, kw).

    ``padding_mode`` "reflect", "replicate" or "circular" pads with F.pad first, as PyTorch's."""

    fuses_activation = True

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 dilation: Any = 1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 rng: np.random.Generator | None = None, dtype: Any = np.float32) -> None:
        super().__init__("Conv2d", in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, (int(out_channels), int(in_channels)), rng, dtype)

    def forward(self, x: Tensor, activation: str = "none", negative_slope: float = 0.01) -> Tensor:
        """The convolution, then ``activation`` (what Sequential passes for a following activation
        layer), fused with the bias."""
        x, padding = _check_tensor(self, x), self.padding
        if self.padding_mode != "zeros":
            x, padding = ops.pad(x, (padding[1], padding[1], padding[0], padding[0]), self.padding_mode), 0
        return ops.conv2d(x, self.weight, self.bias, self.stride, padding, self.dilation, self.groups,
                          activation=activation, negative_slope=negative_slope)


class ConvTranspose2d(_ConvNd):
    """Transposed 2-D convolution (the gradient of Conv2d with respect to its input):
    (N, in_channels, H, W) -> (N, out_channels, OH, OW), OH = (H - 1) stride - 2 padding
    + dilation (kh - 1) + output_padding + 1. Weight (in, out / groups, kh, kw), as PyTorch;
    ``forward(x, output_size)`` picks the output_padding that gives that size."""

    fuses_activation = True

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 output_padding: Any = 0, groups: int = 1, bias: bool = True, dilation: Any = 1,
                 padding_mode: str = "zeros", rng: np.random.Generator | None = None, dtype: Any = np.float32) -> None:
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for ConvTranspose2d, got {padding_mode!r}')
        super().__init__("ConvTranspose2d", in_channels, out_channels, kernel_size, stride, padding, dilation, groups,
                         bias, padding_mode, (int(in_channels), int(out_channels)), rng, dtype)
        self.output_padding = _module_pair("ConvTranspose2d", "output_padding", output_padding, 0)
        if any(extra >= max(s, d) for extra, s, d in zip(self.output_padding, self.stride, self.dilation)):
            raise ValueError(f"ConvTranspose2d: output_padding {self.output_padding} must be smaller than the "
                             f"stride {self.stride} or the dilation {self.dilation}")

    def forward(self, x: Tensor, output_size: Any = None, activation: str = "none",
                negative_slope: float = 0.01) -> Tensor:
        """The transposed convolution, then ``activation`` fused with the bias (as Conv2d). An
        ``output_size`` (OH, OW), or (N, C, OH, OW) as ``x.shape`` reads, replaces ``output_padding``."""
        x = _check_tensor(self, x)
        extra = self.output_padding if output_size is None else output_padding_for(
            "ConvTranspose2d", x, output_size, self.stride, self.padding, self.dilation, self.kernel_size)
        return ops.conv_transpose2d(x, self.weight, self.bias, self.stride, self.padding, extra, self.groups,
                                     self.dilation, activation=activation, negative_slope=negative_slope)


class MaxPool2d(Module):
    """The maximum over each kernel window; stride defaults to kernel_size. ``ceil_mode`` keeps a
    last, partial window; ``return_indices`` gives (values, each winner's place h * W + w)."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
                 return_indices: bool = False, ceil_mode: bool = False) -> None:
        super().__init__()
        self.kernel_size, self.stride, self.padding, self.dilation = kernel_size, stride, padding, dilation
        self.return_indices, self.ceil_mode = bool(return_indices), bool(ceil_mode)

    def forward(self, x: Tensor) -> Any:
        return ops.max_pool2d(_check_tensor(self, x), self.kernel_size, self.stride, self.padding, self.dilation,
                              self.ceil_mode, self.return_indices)

    def extra_repr(self) -> str:
        stride = self.kernel_size if self.stride is None else self.stride
        return (f"kernel_size={self.kernel_size}, stride={stride}, padding={self.padding}, dilation={self.dilation}, "
                f"ceil_mode={self.ceil_mode}")


class AvgPool2d(Module):
    """The mean over each kernel window; stride defaults to kernel_size; ``ceil_mode`` keeps a last,
    partial window, divided as PyTorch's."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
                 count_include_pad: bool = True, divisor_override: int | None = None) -> None:
        super().__init__()
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding
        self.ceil_mode, self.count_include_pad, self.divisor_override = bool(ceil_mode), count_include_pad, divisor_override

    def forward(self, x: Tensor) -> Tensor:
        return ops.avg_pool2d(_check_tensor(self, x), self.kernel_size, self.stride, self.padding, self.ceil_mode,
                              count_include_pad=self.count_include_pad, divisor_override=self.divisor_override)

    def extra_repr(self) -> str:
        stride = self.kernel_size if self.stride is None else self.stride
        return f"kernel_size={self.kernel_size}, stride={stride}, padding={self.padding}"


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

"""What the 1-d, 2-d and 3-d convolution layers share, written once for ``n_dims`` spatial axes:
the settings (an int or an ``n_dims``-tuple each), "same"/"valid" padding and ``padding_mode``
(F.pad first, widths last axis first), ``output_padding`` and its rule (below max(stride,
dilation), as PyTorch's), the weight and bias with PyTorch's default init, the repr, and forward
with the activation fused into the op. The concrete classes (Conv1d ... ConvTranspose3d) hold
their docstrings, their defaults and their op (``_function``)."""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from ..autograd import Tensor
from ..ops.convolution import pair_argument
from ..ops.convolution1d import single_argument
from ..ops.convolution3d import triple_argument
from ..ops.padding import pad
from . import init
from .layers import _check_tensor
from .module import Module, Parameter

PADDING_MODES = ("zeros", "reflect", "replicate", "circular")
SPATIAL_NAMES = {1: "(L,)", 2: "(H, W)", 3: "(D, H, W)"}


def _one(name: str, what: str, value: Any, minimum: int) -> tuple[int]:
    return (single_argument(name, what, value, minimum),)


ARGUMENTS: dict[int, Callable[[str, str, Any, int], tuple[int, ...]]] = {
    1: _one, 2: pair_argument, 3: triple_argument}


def check_channels(name: str, in_channels: Any, out_channels: Any, groups: Any, padding_mode: str) -> None:
    """A convolution layer's channel counts, groups and padding mode, each wrong one in one line."""
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
        raise ValueError(f"{name}: output_size must be {SPATIAL_NAMES[dims]} or the output's whole shape, got "
                         f"{output_size!r} for input of shape {tuple(x.shape)}")
    inputs = x.shape[x.ndim - dims:]
    shortest = [(n - 1) * s - 2 * p + d * (k - 1) + 1
                for n, s, p, d, k in zip(inputs, stride, padding, dilation, kernel_size)]
    longest = [low + s - 1 for low, s in zip(shortest, stride)]
    if not all(low <= int(size) <= high for size, low, high in zip(sizes, shortest, longest)):
        raise ValueError(f"{name}: requested an output size of {[int(size) for size in sizes]}, but valid sizes "
                         f"range from {shortest} to {longest} (for an input of {list(inputs)})")
    return tuple(int(size) - low for size, low in zip(sizes, shortest))


class _ConvBase(Module):
    """The settings, the parameters and their init of a convolution over ``n_dims`` spatial axes;
    ``transposed``: the weight is (in, out / groups, *k) rather than (out, in / groups, *k).
    ``padding_strings``: padding may be "same" or "valid" (Conv1d, Conv3d)."""

    def __init__(self, name: str, n_dims: int, in_channels: int, out_channels: int, kernel_size: Any, stride: Any,
                 padding: Any, dilation: Any, groups: int, bias: bool, padding_mode: str, transposed: bool,
                 rng: np.random.Generator | None, dtype: Any, padding_strings: bool = True) -> None:
        super().__init__()
        argument = ARGUMENTS[n_dims]
        check_channels(name, in_channels, out_channels, groups, padding_mode)
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        self.kernel_size = argument(name, "kernel_size", kernel_size, 1)
        self.stride = argument(name, "stride", stride, 1)
        if padding_strings and isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"{name}: invalid padding string {padding!r}; expected 'valid', 'same' or an int")
            if padding == "same" and self.stride != (1,) * n_dims:
                raise ValueError(f"{name}: padding='same' is not supported for strided convolutions")
            self.padding: Any = padding
        else:
            self.padding = argument(name, "padding", padding, 0)
        self.dilation = argument(name, "dilation", dilation, 1)
        self.groups, self.padding_mode = int(groups), padding_mode
        shape = ((self.in_channels, self.out_channels // self.groups) if transposed
                 else (self.out_channels, self.in_channels // self.groups))
        self.weight = Parameter(np.empty(shape + self.kernel_size, dtype=dtype))
        if bias:
            self.bias = Parameter(np.empty((self.out_channels,), dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters(rng)

    def reset_parameters(self, rng: np.random.Generator | None = None) -> None:
        """PyTorch's default: weight by kaiming_uniform_(a=sqrt(5)), i.e. U(-1/sqrt(fan_in),
        1/sqrt(fan_in)) with fan_in = weight.shape[1] * (the kernel's size), and the bias from the
        same range."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5), rng=rng)
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
            init.uniform_(self.bias, -bound, bound, rng=rng)

    def extra_repr(self) -> str:
        zeros, ones = (0,) * len(self.kernel_size), (1,) * len(self.kernel_size)
        text = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        for what, default in (("padding", zeros), ("dilation", ones), ("output_padding", zeros)):
            if getattr(self, what, default) != default:
                text += f", {what}={getattr(self, what)}"
        text += "" if self.groups == 1 else f", groups={self.groups}"
        text += "" if self.bias is not None else ", bias=False"
        return text + ("" if self.padding_mode == "zeros" else f", padding_mode={self.padding_mode}")


class _ConvForward(_ConvBase):
    """A convolution's forward: pad by ``padding_mode`` (when not "zeros") with F.pad, then the op."""

    _function: Callable[..., Tensor]

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
            x, padding = pad(x, sum(reversed(widths), ()), self.padding_mode), 0
        return self._function(x, self.weight, self.bias, self.stride, padding, self.dilation, self.groups,
                              activation=activation, negative_slope=negative_slope)


class _ConvTransposeBase(_ConvBase):
    """A transposed convolution: zeros padding only, ``output_padding`` below max(stride, dilation),
    and forward's ``output_size`` in its place. ``padding_text``: how an int padding is named when a
    string is given (None: the settings' own message says it)."""

    _function: Callable[..., Tensor]

    def __init__(self, name: str, n_dims: int, in_channels: int, out_channels: int, kernel_size: Any, stride: Any,
                 padding: Any, output_padding: Any, groups: int, bias: bool, dilation: Any, padding_mode: str,
                 rng: np.random.Generator | None, dtype: Any, padding_text: str | None = None) -> None:
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {name}, got {padding_mode!r}')
        if padding_text is not None and isinstance(padding, str):
            raise ValueError(f"{name}: padding must be {padding_text}, got {padding!r}")
        super().__init__(name, n_dims, in_channels, out_channels, kernel_size, stride, padding, dilation, groups,
                         bias, padding_mode, True, rng, dtype, padding_strings=False)
        self.output_padding = ARGUMENTS[n_dims](name, "output_padding", output_padding, 0)
        if any(extra >= max(s, d) for extra, s, d in zip(self.output_padding, self.stride, self.dilation)):
            raise ValueError(f"{name}: output_padding {self.output_padding} must be smaller than the "
                             f"stride {self.stride} or the dilation {self.dilation}")

    def forward(self, x: Tensor, output_size: Any = None, activation: str = "none",
                negative_slope: float = 0.01) -> Tensor:
        """The transposed convolution, then ``activation`` fused with the bias. An ``output_size``
        (the spatial sizes, or the output's whole shape as ``x.shape`` reads) replaces
        ``output_padding``."""
        x = _check_tensor(self, x)
        extra = self.output_padding if output_size is None else output_padding_for(
            type(self).__name__, x, output_size, self.stride, self.padding, self.dilation, self.kernel_size)
        return self._function(x, self.weight, self.bias, self.stride, self.padding, extra, self.groups,
                              self.dilation, activation=activation, negative_slope=negative_slope)


__all__ = ["PADDING_MODES", "check_channels", "output_padding_for"]

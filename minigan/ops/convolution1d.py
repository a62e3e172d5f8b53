"""1-d convolutions and pooling on (N, C, L) (or unbatched (C, L)), as PyTorch's ``F.conv1d``,
``F.conv_transpose1d``, ``F.max_pool1d``, ``F.avg_pool1d``, ``F.adaptive_avg_pool1d`` and
``F.adaptive_max_pool1d``.

Each is the 2-d op on a height of 1: x (N, C, L) is viewed as (N, C, 1, L), a kernel of k as 1 x k,
and the result's height axis dropped. So the values, gradients and second derivatives are the 2-d
Functions' own; this module only checks the 1-d arguments (with 1-d words in its errors) and reshapes.
``padding="same"`` pads d (k - 1) in all, half in front and the odd one behind, as PyTorch's.
``groups``, ``ceil_mode`` and max pooling's ``return_indices`` are the 2-d ops' own (a place h * W + w
on a height of 1 is the place in L).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Tensor
from . import convolution as conv2
from .adaptive import adaptive_avg_pool2d, adaptive_max_pool2d
from .padding import pad


def single_argument(name: str, what: str, value: Any, minimum: int) -> int:
    """An int, or a sequence of one int (as PyTorch's ``(2,)``), at least ``minimum``."""
    whole = lambda v: isinstance(v, (int, np.integer)) and not isinstance(v, bool)  # noqa: E731
    items = (value,) if whole(value) else tuple(value) if isinstance(value, (tuple, list)) else ()
    if len(items) != 1 or not whole(items[0]):
        raise ValueError(f"{name}: {what} must be an int or a tuple of one int, got {value!r}")
    if items[0] < minimum:
        raise ValueError(f"{name}: {what} must be at least {minimum}, got {value!r}")
    return int(items[0])


def _as_2d(name: str, x: Any) -> Tensor:
    """(N, C, L) as (N, C, 1, L), or unbatched (C, L) as (C, 1, L)."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{name}: expected a Tensor input, got {type(x).__name__}")
    if x.ndim not in (2, 3):
        raise ValueError(f"{name}: expected input of shape (N, C, L) or its unbatched form (C, L), got {x.shape}")
    return x.reshape(x.shape[:-1] + (1, x.shape[-1]))


def _as_1d(y: Tensor) -> Tensor:
    return y.reshape(y.shape[:-2] + (y.shape[-1],))


def _batched(x: Tensor) -> Tensor:
    """x (N, C, 1, L) as it is, or unbatched (C, 1, L) as (1, C, 1, L)."""
    return x if x.ndim == 4 else x.reshape((1,) + x.shape)


def _unbatched(y: Tensor, like: Tensor) -> Tensor:
    """y (N, C, 1, OL) as (N, C, OL), or as (C, OL) for an unbatched ``like`` (C, 1, L)."""
    return _as_1d(y if like.ndim == 4 else y.reshape(y.shape[1:]))


def _check_weight(name: str, x: Tensor, weight: Any, bias: Any, channel_axis: int, out_axis: int, groups: Any) -> int:
    """The weight and bias against x and ``groups`` (conv2d's checks, with 1-d words); the groups as an int."""
    groups = conv2._check_groups(name, groups)
    conv2._check_weight(name, x, weight, bias, channel_axis, out_axis, ndim=3,
                        expected="a 3-D tensor (out, in / groups, k) for conv1d, (in, out / groups, k) for "
                                 "conv_transpose1d", groups=groups)
    return groups


def _same_padding(name: str, stride: int, dilation: int, k: int) -> tuple[int, int]:
    if stride != 1:
        raise ValueError(f"{name}: padding='same' is not supported for strided convolutions (stride {stride})")
    total = dilation * (k - 1)
    return total // 2, total - total // 2


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,  # noqa: A002
           dilation: Any = 1, groups: int = 1, activation: str = "none", negative_slope: float = 0.01) -> Tensor:
    """1-d cross-correlation, like ``torch.nn.functional.conv1d``: input (N, C, L) or (C, L), weight
    (O, C / groups, k), bias (O,) -> (N, O, OL), OL = floor((L + 2p - d (k - 1) - 1) / s) + 1; ``padding`` an
    int, "valid" (0) or "same" (OL = L, stride 1). ``activation`` as in conv2d."""
    x = _as_2d("conv1d", input)
    groups = _check_weight("conv1d", input, weight, bias, channel_axis=1, out_axis=0, groups=groups)
    stride = single_argument("conv1d", "stride", stride, 1)
    dilation = single_argument("conv1d", "dilation", dilation, 1)
    k = weight.shape[2]
    if isinstance(padding, str):
        if padding not in ("same", "valid"):
            raise ValueError(f"conv1d: invalid padding string {padding!r}; expected 'valid', 'same' or an int")
        before, after = _same_padding("conv1d", stride, dilation, k) if padding == "same" else (0, 0)
        if before != after:  # the odd one goes behind
            x = pad(x, (0, after - before))
        padding = before
    padding = single_argument("conv1d", "padding", padding, 0)
    extent, padded = dilation * (k - 1) + 1, x.shape[-1] + 2 * padding
    if extent > padded:
        raise ValueError(f"conv1d: the kernel of {k}" + ("" if dilation == 1 else f" (dilated to {extent})")
                         + f" is longer than the padded input of {padded} (input of shape {input.shape}, padding "
                         f"{padding})")
    return _as_1d(conv2.conv2d(x, weight.reshape(weight.shape[:2] + (1, k)), bias, (1, stride), (0, padding),
                               (1, dilation), groups, activation=activation, negative_slope=negative_slope))


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,  # noqa: A002
                     padding: Any = 0, output_padding: Any = 0, groups: int = 1, dilation: Any = 1,
                     activation: str = "none", negative_slope: float = 0.01) -> Tensor:
    """The transposed 1-d convolution (conv1d's gradient in its input), like
    ``torch.nn.functional.conv_transpose1d``: input (N, Cin, L), weight (Cin, Cout, k) -> (N, Cout, OL),
    OL = (L - 1) s - 2p + d (k - 1) + output_padding + 1, output_padding below the stride or the dilation;
    with ``groups`` g the weight is (Cin, Cout / g, k)."""
    x = _as_2d("conv_transpose1d", input)
    groups = _check_weight("conv_transpose1d", input, weight, bias, channel_axis=0, out_axis=1, groups=groups)
    stride = single_argument("conv_transpose1d", "stride", stride, 1)
    padding = single_argument("conv_transpose1d", "padding", padding, 0)
    dilation = single_argument("conv_transpose1d", "dilation", dilation, 1)
    extra = single_argument("conv_transpose1d", "output_padding", output_padding, 0)
    if extra >= max(stride, dilation):
        raise ValueError(f"conv_transpose1d: output_padding {extra} must be smaller than the stride {stride} or "
                         f"the dilation {dilation}")
    k = weight.shape[2]
    length = (x.shape[-1] - 1) * stride - 2 * padding + dilation * (k - 1) + extra + 1
    if length < 1:
        raise ValueError(f"conv_transpose1d: input of shape {input.shape} with weight {weight.shape}, stride {stride} "
                         f"and padding {padding} gives an empty output of length {length}")
    y = conv2._grouped(lambda a, w: conv2.ConvTranspose2d.apply(a, w, stride=(1, stride), padding=(0, padding),
                                                          dilation=(1, dilation), out_hw=(1, length)),
                       _batched(x), weight.reshape(weight.shape[:2] + (1, k)), groups)
    return _unbatched(conv2._add_bias(y, bias, activation, negative_slope), x)


def _pool_arguments(name: str, x: Tensor, kernel_size: Any, stride: Any, padding: Any, dilation: Any) -> dict:
    """The 2-d pooling arguments (1 x k windows) of a 1-d pooling, checked with 1-d words."""
    k = single_argument(name, "kernel_size", kernel_size, 1)
    no_stride = stride is None or (isinstance(stride, (list, tuple)) and len(stride) == 0)
    s = k if no_stride else single_argument(name, "stride", stride, 1)
    p = single_argument(name, "padding", padding, 0)
    d = single_argument(name, "dilation", dilation, 1)
    if p > k // 2:
        raise ValueError(f"{name}: padding {p} must be at most half the kernel size {k}")
    extent, padded = d * (k - 1) + 1, x.shape[-1] + 2 * p
    if extent > padded:
        raise ValueError(f"{name}: the kernel of {k}" + ("" if d == 1 else f" (dilated to {extent})")
                         + f" is longer than the padded input of {padded} (input of shape {x.shape}, padding {p})")
    return {"kernel_size": (1, k), "stride": (1, s), "padding": (0, p), "dilation": (1, d)}


def max_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,  # noqa: A002
               ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """The maximum over each window of (N, C, L) or (C, L), like ``torch.nn.functional.max_pool1d``
    (stride defaults to the kernel size; padding, at most half the kernel, counts as -inf); with
    ``return_indices``, also each winner's place in L (int64; the first maximum), whose gradient
    route it is. ``ceil_mode`` keeps a last, partial window, as PyTorch's."""
    x = _as_2d("max_pool1d", input)
    out = conv2.max_pool2d(x, **_pool_arguments("max_pool1d", input, kernel_size, stride, padding, dilation),
                           ceil_mode=ceil_mode, return_indices=return_indices)
    return (_as_1d(out[0]), _as_1d(out[1])) if return_indices else _as_1d(out)  # row 0: h * W + w is w


def avg_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,  # noqa: A002
               ceil_mode: bool = False, count_include_pad: bool = True) -> Tensor:
    """The mean over each window of (N, C, L) or (C, L), like ``torch.nn.functional.avg_pool1d``:
    zero padding counts in the mean unless ``count_include_pad`` is False; with ``ceil_mode`` a
    last, partial window is divided by the places it covers up to the end of the padding (by
    those in the input without ``count_include_pad``), as PyTorch's."""
    x = _as_2d("avg_pool1d", input)
    arguments = _pool_arguments("avg_pool1d", input, kernel_size, stride, padding, 1)
    del arguments["dilation"]
    return _as_1d(conv2.avg_pool2d(x, **arguments, ceil_mode=ceil_mode, count_include_pad=count_include_pad))


def _output_length(name: str, output_size: Any) -> int:
    if isinstance(output_size, (tuple, list)) and len(output_size) != 1:
        raise ValueError(f"{name}: output_size must be an int or a tuple of one int, got {output_size!r}")
    return single_argument(name, "output_size", output_size, 0)  # 0: an empty output, as PyTorch's


def adaptive_avg_pool1d(input: Tensor, output_size: Any) -> Tensor:  # noqa: A002
    """The mean over each adaptive bin of (N, C, L) or (C, L), like ``torch.nn.functional.adaptive_avg_pool1d``:
    bin i spans floor(i L / OL) to ceil((i + 1) L / OL)."""
    size = _output_length("adaptive_avg_pool1d", output_size)
    return _as_1d(adaptive_avg_pool2d(_as_2d("adaptive_avg_pool1d", input), (1, size)))


def adaptive_max_pool1d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:  # noqa: A002
    """The maximum over each adaptive bin (as :func:`adaptive_avg_pool1d`'s), like
    ``torch.nn.functional.adaptive_max_pool1d``; with ``return_indices``, also each winner's place."""
    size = _output_length("adaptive_max_pool1d", output_size)
    out = adaptive_max_pool2d(_as_2d("adaptive_max_pool1d", input), (1, size), return_indices)
    return (_as_1d(out[0]), _as_1d(out[1])) if return_indices else _as_1d(out)


__all__ = ["conv1d", "conv_transpose1d", "max_pool1d", "avg_pool1d", "adaptive_avg_pool1d", "adaptive_max_pool1d",
           "single_argument"]

"""3-d convolutions on (N, C, D, H, W) (or unbatched (C, D, H, W)), as PyTorch's ``F.conv3d`` and
``F.conv_transpose3d``, built from two linear window Functions (vol2col and its adjoint) and
matrix products.

* conv3d: ``Patches3d`` cuts the windows of x (vol2col, a backend kernel) as (K, C, N, OD, OH, OW),
  K = kd kh kw, read as the patch matrix (K * C, N * OD * OH * OW); one matrix product with the
  weight (O, C / g, kd, kh, kw) read as (O, K * C / g) (a batch of g products with groups):
      y[n, o, t, p, q] = sum over c, a, i, j of w[o, c, a, i, j] x_pad[n, c, t sd + a dd, p sh + i dh, q sw + j dw].
* conv_transpose3d: the adjoint. The weight (Cin, Cout / g, kd, kh, kw) read as (K * Cout / g, Cin / g)
  times x read as (Cin, N * D * H * W) gives every kernel position's volume, and ``FoldPatches3d``
  (col2vol) adds them back where the windows came from (what lands in the padding is cut off).

The matrix products are Tensor ops and the two window Functions are each other's adjoints, so
gradients of every order come from them.

Output sizes per axis (k the kernel, s the stride, p the padding, d the dilation):
    conv3d:            out = floor((in + 2p - d (k - 1) - 1) / s) + 1
    conv_transpose3d:  out = (in - 1) s - 2p + d (k - 1) + output_padding + 1
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Tensor
from ..autograd.function import Context, Function
from ..backends import backend_of
from . import convolution as conv2
from .padding import pad

Triple = tuple[int, int, int]


def triple_argument(name: str, what: str, value: Any, minimum: int) -> Triple:
    """An int or a sequence of three ints (depth, height, width), each at least ``minimum``, as a triple."""
    whole = lambda v: isinstance(v, (int, np.integer)) and not isinstance(v, bool)  # noqa: E731
    items = (value,) * 3 if whole(value) else tuple(value) if isinstance(value, (tuple, list)) else ()
    if len(items) != 3 or not all(whole(v) for v in items):
        raise ValueError(f"{name}: {what} must be an int or a tuple of three ints, got {value!r}")
    if any(v < minimum for v in items):
        raise ValueError(f"{name}: {what} must be at least {minimum}, got {value!r}")
    return int(items[0]), int(items[1]), int(items[2])


def batched_5d(name: str, x: Any) -> tuple[Tensor, bool]:
    """x as (N, C, D, H, W), and whether a batch axis was added (an unbatched (C, D, H, W) input)."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{name}: expected a Tensor input, got {type(x).__name__}")
    if x.ndim not in (4, 5):
        raise ValueError(f"{name}: expected input of shape (N, C, D, H, W) or its unbatched form (C, D, H, W), "
                         f"got {x.shape}")
    return (x, False) if x.ndim == 5 else (x.reshape((1,) + x.shape), True)


def unbatched_5d(y: Tensor, added: bool) -> Tensor:
    return y.reshape(y.shape[1:]) if added else y


def _check(name: str, x: Tensor, weight: Any, bias: Any, transposed: bool, groups: Any) -> int:
    """The weight (5-D) and bias against x and ``groups``; the groups as an int."""
    groups = conv2._check_groups(name, groups)
    layout = "(in, out / groups, kd, kh, kw)" if transposed else "(out, in / groups, kd, kh, kw)"
    conv2._check_weight(name, x, weight, bias, channel_axis=0 if transposed else 1, out_axis=1 if transposed else 0,
                        ndim=5, expected=f"a 5-D tensor {layout}", groups=groups)
    return groups


def _geometry(ctx: Context) -> dict[str, Triple]:
    """The kernel, stride, padding and dilation a window Function was applied with, for its adjoint."""
    return {k: ctx.options[k] for k in ("kernel", "stride", "padding", "dilation")}


class Patches3d(Function):
    """f = the kernel windows of x (A, B, D, H, W) stacked as (K, A, B, OD, OH, OW), zero padded (linear);
    df/dx = fold_patches3d(g), the windows added back."""

    @staticmethod
    def forward(ctx: Context, x: Any, kernel: Triple, stride: Triple, padding: Triple, dilation: Triple,
                out_dhw: Triple) -> Any:
        return backend_of(x).unfold3d(x, kernel, stride, padding, dilation, out_dhw)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (FoldPatches3d.apply(grad, in_dhw=ctx.inputs[0].shape[2:], **_geometry(ctx)),)


class FoldPatches3d(Function):
    """f = windows (K, A, B, OD, OH, OW) added back into (A, B, D, H, W), the adjoint of patches3d;
    df/dg = patches3d(g)."""

    @staticmethod
    def forward(ctx: Context, cols: Any, kernel: Triple, stride: Triple, padding: Triple, dilation: Triple,
                in_dhw: Triple) -> Any:
        return backend_of(cols).fold3d(cols, in_dhw, kernel, stride, padding, dilation)

    @staticmethod
    def backward(ctx: Context, grad: Tensor) -> tuple[Tensor | None, ...]:
        return (Patches3d.apply(grad, out_dhw=ctx.inputs[0].shape[3:], **_geometry(ctx)),)


def _same_padding(name: str, x: Tensor, kernel: tuple[int, ...], stride: Triple, dilation: Triple) -> tuple[Tensor, Triple]:
    """padding="same": d (k - 1) in all per axis, half in front and the odd one behind (padded here)."""
    if stride != (1, 1, 1):
        raise ValueError(f"{name}: padding='same' is not supported for strided convolutions (stride {stride})")
    totals = [d * (k - 1) for d, k in zip(dilation, kernel)]
    odd = [t % 2 for t in totals]
    if any(odd):
        x = pad(x, (0, odd[2], 0, odd[1], 0, odd[0]))
    return x, (totals[0] // 2, totals[1] // 2, totals[2] // 2)


def conv3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,  # noqa: A002
           dilation: Any = 1, groups: int = 1, activation: str = "none", negative_slope: float = 0.01) -> Tensor:
    """3-d cross-correlation, like ``torch.nn.functional.conv3d``: input (N, C, D, H, W) or (C, D, H, W),
    weight (O, C / groups, kd, kh, kw), bias (O,) -> (N, O, OD, OH, OW), each out = floor((in + 2p -
    d (k - 1) - 1) / s) + 1; ``padding`` an int, a triple, "valid" (0) or "same" (out = in, stride 1).
    ``activation`` (one of ACTIVATIONS) is applied with the bias, as in conv2d."""
    x, added = batched_5d("conv3d", input)
    groups = _check("conv3d", x, weight, bias, False, groups)
    stride = triple_argument("conv3d", "stride", stride, 1)
    dilation = triple_argument("conv3d", "dilation", dilation, 1)
    kernel = tuple(weight.shape[2:])
    if isinstance(padding, str):
        if padding not in ("same", "valid"):
            raise ValueError(f"conv3d: invalid padding string {padding!r}; expected 'valid', 'same' or an int")
        x, padding = _same_padding("conv3d", x, kernel, stride, dilation) if padding == "same" else (x, 0)
    padding = triple_argument("conv3d", "padding", padding, 0)
    padded = tuple(x.shape[2 + i] + 2 * padding[i] for i in range(3))
    extent = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    if any(e > p for e, p in zip(extent, padded)):
        dilated = "" if dilation == (1, 1, 1) else f" (dilated to {'x'.join(map(str, extent))})"
        raise ValueError(f"conv3d: the kernel {'x'.join(map(str, kernel))}{dilated} is larger than the padded input "
                         f"{'x'.join(map(str, padded))} (input of shape {input.shape}, padding {padding})")
    n, c = x.shape[:2]
    out_d, out_h, out_w = (conv2._output_size(x.shape[2 + i], kernel[i], stride[i], padding[i], dilation[i])
                           for i in range(3))
    out = (out_d, out_h, out_w)
    cols = Patches3d.apply(x.permute(1, 0, 2, 3, 4), kernel=kernel, stride=stride, padding=padding, dilation=dilation,
                           out_dhw=out)  # (K, C, N, OD, OH, OW)
    o, taps, per_group = weight.shape[0], int(np.prod(kernel)), c // groups
    if groups == 1:
        y = weight.permute(0, 2, 3, 4, 1).reshape((o, taps * c)) @ cols.reshape((taps * c, -1))
    else:  # a batch of products, one per group; rows (tap, channel) in both factors
        cols = cols.reshape((taps, groups, per_group, -1)).permute(1, 0, 2, 3).reshape((groups, taps * per_group, -1))
        w = weight.reshape((groups, o // groups, per_group, taps)).permute(0, 1, 3, 2)
        y = w.reshape((groups, o // groups, taps * per_group)) @ cols
    y = y.reshape((o, n) + out).permute(1, 0, 2, 3, 4)
    return unbatched_5d(conv2._add_bias(y, bias, activation, negative_slope), added)


def conv_transpose3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,  # noqa: A002
                     padding: Any = 0, output_padding: Any = 0, groups: int = 1, dilation: Any = 1,
                     activation: str = "none", negative_slope: float = 0.01) -> Tensor:
    """The transposed 3-d convolution (conv3d's gradient in its input), like
    ``torch.nn.functional.conv_transpose3d``: input (N, Cin, D, H, W) or (Cin, D, H, W), weight
    (Cin, Cout / groups, kd, kh, kw) -> (N, Cout, OD, OH, OW), each out = (in - 1) s - 2p + d (k - 1) +
    output_padding + 1, output_padding below the stride or the dilation."""
    x, added = batched_5d("conv_transpose3d", input)
    groups = _check("conv_transpose3d", x, weight, bias, True, groups)
    stride = triple_argument("conv_transpose3d", "stride", stride, 1)
    padding = triple_argument("conv_transpose3d", "padding", padding, 0)
    dilation = triple_argument("conv_transpose3d", "dilation", dilation, 1)
    extra = triple_argument("conv_transpose3d", "output_padding", output_padding, 0)
    if any(e >= max(s, d) for e, s, d in zip(extra, stride, dilation)):
        raise ValueError(f"conv_transpose3d: output_padding {extra} must be smaller than the stride {stride} or the "
                         f"dilation {dilation}")
    kernel = tuple(weight.shape[2:])
    out = tuple((x.shape[2 + i] - 1) * stride[i] - 2 * padding[i] + dilation[i] * (kernel[i] - 1) + extra[i] + 1
                for i in range(3))
    if min(out) < 1:
        raise ValueError(f"conv_transpose3d: input of shape {input.shape} with weight {weight.shape}, stride {stride} "
                         f"and padding {padding} gives an empty output {'x'.join(map(str, out))}")
    n, c_in = x.shape[:2]
    c_out, taps, per_group = weight.shape[1] * groups, int(np.prod(kernel)), c_in // groups
    rows = x.permute(1, 0, 2, 3, 4).reshape((c_in, -1))  # (Cin, N * D * H * W)
    if groups == 1:
        cols = weight.permute(2, 3, 4, 1, 0).reshape((taps * c_out, c_in)) @ rows
    else:  # a batch of products, one per group; rows (tap, output channel)
        w = weight.reshape((groups, per_group, c_out // groups, taps)).permute(0, 3, 2, 1)
        cols = w.reshape((groups, taps * (c_out // groups), per_group)) @ rows.reshape((groups, per_group, -1))
        cols = cols.reshape((groups, taps, c_out // groups, -1)).permute(1, 0, 2, 3)
    cols = cols.reshape((taps, c_out, n) + x.shape[2:])
    y = FoldPatches3d.apply(cols, kernel=kernel, stride=stride, padding=padding, dilation=dilation,
                            in_dhw=out).permute(1, 0, 2, 3, 4)
    return unbatched_5d(conv2._add_bias(y, bias, activation, negative_slope), added)


__all__ = ["conv3d", "conv_transpose3d", "Patches3d", "FoldPatches3d", "triple_argument", "batched_5d", "unbatched_5d"]
